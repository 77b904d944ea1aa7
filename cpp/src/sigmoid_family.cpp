// Sigmoid family: Sigmoid, Tanh, LogSigmoid, Softsign.
// Backwards use the same expressions as ATen (sigmoid_backward / tanh_backward use the result).
// Where ATen's vectorized and scalar paths disagree (NaN inputs, exact kinks), actlab follows the
// vectorized path: it is what torch runs on all but the last few elements of a tensor.
#include "actlab/elementwise.hpp"

namespace actlab {
namespace {

template <class V> struct SigmoidOp {
  explicit SigmoidOp(const Ctx&) {}
  V f(V x) const { return vm::sigmoid(x); }
  V df(V x, V g) const { V y = f(x); return g * (V(1.0f) - y) * y; }
};

template <class V> struct TanhOp {
  explicit TanhOp(const Ctx&) {}
  V f(V x) const { return vm::tanh(x); }
  V df(V x, V g) const { V y = f(x); return g * (V(1.0f) - y * y); }
};

// log_sigmoid_forward: buffer b = e^-|x|, y = min(x, 0) - log1p(b); backward uses b too.
template <class V> struct LogSigmoidOp {
  explicit LogSigmoidOp(const Ctx&) {}
  V pre(V x) const { return vm::exp_nonpos(-abs(x)); }
  V post(V x, V b) const { return clamp_max(x, V(0.0f)) - vm::log1p_unit(b); }
  V f(V x) const { return post(x, pre(x)); }
  V df(V x, V g) const {
    V b = vm::exp_nonpos(-abs(x));
    auto neg = x < V(0.0f);
    V max_deriv = select(neg, V(1.0f), V(0.0f));
    V sign = select(neg, V(1.0f), V(-1.0f));
    return (max_deriv - sign * (b / (V(1.0f) + b))) * g;
  }
};

// F.softsign is x / (|x| + 1) at Python level: autograd goes through div and abs.
template <class V> struct SoftsignOp {
  explicit SoftsignOp(const Ctx&) {}
  V f(V x) const { return x / (abs(x) + V(1.0f)); }
  V df(V x, V g) const {
    V d = abs(x) + V(1.0f);
    V sgn = select(x > V(0.0f), V(1.0f), select(x < V(0.0f), V(-1.0f), V(0.0f)));
    sgn = select(isnan(x), x, sgn);
    V via_num = g / d;
    V via_den = (-g * ((x / d) / d)) * sgn;  // div's backward: -grad * ((self / other) / other)
    return via_num + via_den;
  }
};

}  // namespace

void register_sigmoid_family(std::vector<Fn>& t) {
  Fn f;
  f = {}; f.name = "Sigmoid"; f.family = "sigmoid";
  f.functional = "sigmoid";
  f.latex = R"(\sigma(x) = \frac{1}{1 + e^{-x}})"; f.dlatex = R"(\sigma(x)\,(1 - \sigma(x)))";
  f.range = "(0, 1)"; f.kinks = no_kinks;
  t.push_back(elementwise<SigmoidOp>(f));

  f = {}; f.name = "Tanh"; f.family = "sigmoid";
  f.functional = "tanh";
  f.latex = R"(\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}})"; f.dlatex = R"(1 - \tanh^2(x))";
  f.range = "(-1, 1)"; f.kinks = no_kinks;
  t.push_back(elementwise<TanhOp>(f));

  f = {}; f.name = "LogSigmoid"; f.family = "sigmoid";
  f.functional = "logsigmoid";
  f.latex = R"(\log \sigma(x) = -\log(1 + e^{-x}))"; f.dlatex = R"(1 - \sigma(x))";
  f.range = "(-\\infty, 0)"; f.kinks = no_kinks;
  t.push_back(elementwise<LogSigmoidOp>(f));

  f = {}; f.name = "Softsign"; f.cheap = true; f.family = "sigmoid";
  f.functional = "softsign";
  f.latex = R"(\frac{x}{1 + |x|})"; f.dlatex = R"(\frac{1}{(1 + |x|)^2})";
  f.range = "(-1, 1)"; f.kinks = no_kinks;
  t.push_back(elementwise<SoftsignOp>(f));
}

}  // namespace actlab
