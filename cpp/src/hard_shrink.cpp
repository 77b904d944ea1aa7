// Hard approximations (Hardswish, Hardsigmoid; Hardtanh lives with ReLU6 in relu_family.cpp)
// and shrinkage (Hardshrink, Softshrink, Tanhshrink). Kink conventions are ATen's.
#include "actlab/elementwise.hpp"

namespace actlab {
namespace {

template <class V> struct HardswishOp {
  explicit HardswishOp(const Ctx&) {}
  V f(V x) const { return x * clamp_max(clamp_min(x + V(3.0f), V(0.0f)), V(6.0f)) / V(6.0f); }
  // torch's vector path: g at x >= 3, 0 below -3, NaN propagates through the middle branch.
  V df(V x, V g) const {
    return select(x >= V(3.0f), g, select(x < V(-3.0f), V(0.0f), g * (x / V(3.0f) + V(0.5f))));
  }
};

template <class V> struct HardsigmoidOp {
  explicit HardsigmoidOp(const Ctx&) {}
  V f(V x) const { return clamp_max(clamp_min(x + V(3.0f), V(0.0f)), V(6.0f)) / V(6.0f); }
  V df(V x, V g) const {
    return keep_where((x > V(-3.0f)) & (x < V(3.0f)), g * V(1.0f / 6.0f));
  }
};

// For finite l (params are checked finite), |x| > l is ATen's (x > l) | (x < -l) in one
// compare (abs is one v128.and), negative l included, false on NaN. Compares run on the same
// two V8/x64 ports as add and min/max; ands do not.

template <class V> struct HardshrinkOp {
  V l;
  explicit HardshrinkOp(const Ctx& c) : l(float(c.p[0])) {}
  V f(V x) const { return zero_where(abs(x) <= l, x); }        // NaN stays NaN
  V df(V x, V g) const { return keep_where(abs(x) > l, g); }  // NaN -> 0
};

template <class V> struct SoftshrinkOp {
  V l;
  explicit SoftshrinkOp(const Ctx& c) : l(float(c.p[0])) {}
  // x - l above l, x + l below -l (x - copysign(l, x): torch's roundings), +0 between and on
  // NaN. One subtract and one compare, where x - clamp(x, -l, l) masked for NaN takes four.
  V f(V x) const {
    V d = x - or_bits(and_bits(x, 0x80000000u), l);  // x - copysign(l, x)
    return keep_where(abs(x) > l, d);
  }
  V df(V x, V g) const { return keep_where(abs(x) > l, g); }
};

// F.tanhshrink is x - tanh(x) at Python level; autograd sums g and -g (1 - tanh^2).
template <class V> struct TanhshrinkOp {
  explicit TanhshrinkOp(const Ctx&) {}
  V f(V x) const { return x - vm::tanh(x); }
  V df(V x, V g) const { V t = vm::tanh(x); return g + (-g) * (V(1.0f) - t * t); }
};

bool softshrink_check(const Ctx& c, std::string& err) {
  if (c.p[0] < 0) {
    char buf[160];
    snprintf(buf, sizeof buf, "lambda must be greater or equal to 0, but found to be %g.", c.p[0]);
    return fail(err, buf);
  }
  return true;
}

}  // namespace

void register_hard_shrink(std::vector<Fn>& t) {
  Fn f;
  f = {}; f.name = "Hardswish"; f.cheap = true; f.family = "hard";
  f.functional = "hardswish"; f.inplace = true;
  f.latex = R"(x \cdot \frac{\min(\max(x + 3, 0), 6)}{6})";
  f.dlatex = R"(\begin{cases}0 & x < -3\\ \frac{2x + 3}{6} & -3 \le x \le 3\\ 1 & x > 3\end{cases})";
  f.range = "[-0.375, \\infty)";
  f.kinks = [](const double*) { return std::vector<double>{-3, 3}; };
  t.push_back(elementwise<HardswishOp>(f));

  f = {}; f.name = "Hardsigmoid"; f.cheap = true; f.family = "hard";
  f.functional = "hardsigmoid"; f.inplace = true;
  f.latex = R"(\frac{\min(\max(x + 3, 0), 6)}{6})";
  f.dlatex = R"(\begin{cases}\frac16 & -3 < x < 3\\ 0 & \text{otherwise}\end{cases})";
  f.range = "[0, 1]";
  f.kinks = [](const double*) { return std::vector<double>{-3, 3}; };
  t.push_back(elementwise<HardsigmoidOp>(f));

  f = {}; f.name = "Hardshrink"; f.cheap = true; f.family = "shrink";
  f.functional = "hardshrink";
  f.params = {num("lambd", 0.5, 0, 3, "half-width of the zeroed band")};
  f.latex = R"(\begin{cases}x & |x| > \lambda\\ 0 & |x| \le \lambda\end{cases})";
  f.dlatex = R"(\begin{cases}1 & |x| > \lambda\\ 0 & |x| \le \lambda\end{cases})";
  f.range = "\\{0\\} \\cup (-\\infty, -\\lambda) \\cup (\\lambda, \\infty)";
  f.kinks = [](const double* p) { return std::vector<double>{-p[0], p[0]}; };
  t.push_back(elementwise<HardshrinkOp>(f));

  f = {}; f.name = "Softshrink"; f.cheap = true; f.family = "shrink";
  f.functional = "softshrink";
  f.params = {num("lambd", 0.5, 0, 3, "amount subtracted from |x|; must be >= 0")};
  f.latex = R"(\begin{cases}x - \lambda & x > \lambda\\ x + \lambda & x < -\lambda\\ 0 & \text{otherwise}\end{cases})";
  f.dlatex = R"(\begin{cases}1 & |x| > \lambda\\ 0 & |x| \le \lambda\end{cases})";
  f.range = "(-\\infty, \\infty)";
  f.kinks = [](const double* p) { return std::vector<double>{-p[0], p[0]}; };
  f.check = softshrink_check;
  t.push_back(elementwise<SoftshrinkOp>(f));

  f = {}; f.name = "Tanhshrink"; f.family = "shrink";
  f.functional = "tanhshrink";
  f.latex = R"(x - \tanh(x))"; f.dlatex = R"(\tanh^2(x))";
  f.range = "(-\\infty, \\infty)"; f.kinks = no_kinks;
  t.push_back(elementwise<TanhshrinkOp>(f));
}

}  // namespace actlab
