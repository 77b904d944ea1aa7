// Smooth ReLU-likes: GELU (exact and tanh), SiLU, Mish, Softplus — ATen's CPU formulas.
#include "actlab/elementwise.hpp"

namespace actlab {
namespace {

constexpr float kSqrt1_2 = 0.707106781186547524401f;                     // M_SQRT1_2
constexpr float kGeluBeta = float(1.12837916709551257390 * 0.707106781186547524401 * 0.5);  // M_2_SQRTPI * M_SQRT1_2 * 0.5
constexpr float kGeluTanhBeta = float(1.41421356237309504880 * 1.12837916709551257390 * 0.5);  // M_SQRT2 * M_2_SQRTPI * 0.5
constexpr float kKappa = 0.044715f;

template <class V> struct GELUOp {
  bool tanh_approx;
  explicit GELUOp(const Ctx& c) : tanh_approx(c.p[0] != 0) {}
  // Forced inline: with both approximations the body exceeds clang's inlining budget, and an
  // out-of-line call re-materializes its ~60 vector constants on every call.
  AL_INLINE V f(V x) const {
    if (tanh_approx) {
      V inner = V(kGeluTanhBeta) * (x + V(kKappa) * (x * x * x));
      return V(0.5f) * x * (V(1.0f) + vm::tanh(inner));
    }
    return x * V(0.5f) * (V(1.0f) + vm::erf_aten(x * V(kSqrt1_2)));
  }
  AL_INLINE V df(V x, V g) const {
    if (tanh_approx) {
      V x_sq = x * x;
      V x_cube = x_sq * x;
      V inner = V(kGeluTanhBeta) * (x + V(kKappa) * x_cube);
      V t = vm::tanh(inner);
      V left = V(0.5f) * x;
      V right = V(1.0f) + t;
      V left_derivative = V(0.5f) * right;
      V tanh_derivative = V(1.0f) - t * t;
      V inner_derivative = V(kGeluTanhBeta) * (V(1.0f) + V(3.0f * kKappa) * x_sq);
      V right_derivative = left * tanh_derivative * inner_derivative;
      return g * (left_derivative + right_derivative);
    }
    V cdf = V(0.5f) * (V(1.0f) + vm::erf_aten(x * V(kSqrt1_2)));
    V pdf = V(kGeluBeta) * vm::exp(x * x * V(-0.5f));
    return g * (cdf + x * pdf);
  }
};

template <class V> struct SiLUOp {
  explicit SiLUOp(const Ctx&) {}
  V f(V x) const { return x / vm::one_plus_exp_neg(x); }
  V df(V x, V g) const {
    V s = V(1.0f) / vm::one_plus_exp_neg(x);
    return g * s * (V(1.0f) + x * (V(1.0f) - s));
  }
};

template <class V> struct MishOp {
  explicit MishOp(const Ctx&) {}
  // tanh(log(1 + e)) = n / (n + 2) with n = e (e + 2), e = exp(x): one exp instead of exp, log1p
  // and tanh. exp's argument is capped at 20, where tanh(softplus(x)) is already 1 in float32.
  V f(V x) const {
    V e = vm::exp(clamp_max(x, V(20.0f)));
    V n = e * (e + V(2.0f));
    return x * (n / (n + V(2.0f)));
  }
  // torch: g * (t + x * sigmoid(x) * (1 - t^2)); 1 - t*t as torch rounds it (0 once t is 1,
  // so huge x gives g, not x * 4/n).
  V df(V x, V g) const {
    V e = vm::exp(clamp_max(x, V(20.0f)));
    V n = e * (e + V(2.0f));
    V r = V(1.0f) / (n + V(2.0f));
    V t = n * r;
    V s = e / (V(1.0f) + e);
    return g * (t + x * s * (V(1.0f) - t * t));
  }
};

template <class V> struct SoftplusOp {
  V beta, threshold;
  explicit SoftplusOp(const Ctx& c) : beta(float(c.p[0])), threshold(float(c.p[1])) {}
  // log1p(exp(bx)) = max(bx, 0) + log1p(exp(-|bx|)): the log1p argument stays in [0, 1].
  V pre(V x) const { return vm::exp_nonpos(-abs(x * beta)); }
  V post(V x, V e) const {
    V bx = x * beta;
    return select(bx > threshold, x, (clamp_min(bx, V(0.0f)) + vm::log1p_unit(e)) / beta);
  }
  V f(V x) const { return post(x, pre(x)); }
  V df(V x, V g) const {
    V bx = x * beta;
    V z = vm::exp(bx);
    return select(bx > threshold, g, g * z / (z + V(1.0f)));
  }
};

bool softplus_check(const Ctx& c, std::string& err) {
  if (c.p[0] == 0) return fail(err, "Softplus: beta must not be 0 (the output is divided by beta)");
  return true;
}

}  // namespace

void register_smooth_relu(std::vector<Fn>& t) {
  Fn f;
  f = {}; f.name = "GELU"; f.family = "smooth";
  f.functional = "gelu";
  {
    Param a; a.name = "approximate"; a.kind = PKind::Choice; a.def = 0; a.min = 0; a.max = 1; a.lo = 0; a.hi = 1;
    a.choices = {"none", "tanh"}; a.doc = "'tanh' uses the tanh approximation of the Gaussian CDF";
    f.params = {a};
  }
  f.latex = R"(x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\!\left(\frac{x}{\sqrt 2}\right)\right))";
  f.dlatex = R"(\Phi(x) + x\,\varphi(x))";
  f.range = "[-0.17, \\infty)"; f.kinks = no_kinks;
  t.push_back(elementwise<GELUOp>(f));

  f = {}; f.name = "SiLU"; f.family = "smooth";
  f.functional = "silu"; f.inplace = true;
  f.latex = R"(x\,\sigma(x) = \frac{x}{1 + e^{-x}})"; f.dlatex = R"(\sigma(x)\,(1 + x\,(1 - \sigma(x))))";
  f.range = "[-0.278, \\infty)"; f.kinks = no_kinks;
  t.push_back(elementwise<SiLUOp>(f));

  f = {}; f.name = "Mish"; f.family = "smooth";
  f.functional = "mish"; f.inplace = true;
  f.latex = R"(x \tanh(\operatorname{softplus}(x)) = x \tanh(\log(1 + e^{x})))";
  f.dlatex = R"(\tanh(\operatorname{sp}(x)) + x\,\sigma(x)\,(1 - \tanh^2(\operatorname{sp}(x))))";
  f.range = "[-0.309, \\infty)"; f.kinks = no_kinks;
  t.push_back(elementwise<MishOp>(f));

  f = {}; f.name = "Softplus"; f.family = "smooth";
  f.functional = "softplus";
  f.params = {num("beta", 1.0, 0.1, 5, "sharpness: larger beta is closer to ReLU"),
              num("threshold", 20.0, 1, 30, "above beta*x > threshold the output is x")};
  f.latex = R"(\begin{cases}\frac{1}{\beta}\log(1 + e^{\beta x}) & \beta x \le \text{threshold}\\ x & \beta x > \text{threshold}\end{cases})";
  f.dlatex = R"(\begin{cases}\sigma(\beta x) & \beta x \le \text{threshold}\\ 1 & \beta x > \text{threshold}\end{cases})";
  f.range = "(0, \\infty)";
  f.kinks = [](const double* p) { return std::vector<double>{p[1] / p[0]}; };
  f.check = softplus_check;
  t.push_back(elementwise<SoftplusOp>(f));
}

}  // namespace actlab
