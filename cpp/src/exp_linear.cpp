// Exponential-linear units: ELU, CELU, SELU — all ATen's elu(x, alpha, scale, input_scale):
//   x > 0 ? scale * x : alpha * scale * (exp(input_scale * x) - 1)
// (torch 1.13's kernel subtracts 1 after exp rather than calling expm1: its bits near 0 differ)
// with elu_backward(is_result = false) on the input.
#include "actlab/elementwise.hpp"

namespace actlab {
namespace {

template <class V> struct EluCore {
  V negcoef, poscoef, negiptcoef;
  EluCore(double alpha, double scale, double input_scale)
      : negcoef(float(alpha * scale)), poscoef(float(scale)), negiptcoef(float(input_scale)) {}
  V f(V x) const {
    return select(x > V(0.0f), x * poscoef, (vm::exp(x * negiptcoef) - V(1.0f)) * negcoef);
  }
  V df(V x, V g) const {
    // x > 0 picks the linear branch, so NaN takes the exp branch and stays NaN (torch's vector path).
    return select(x > V(0.0f), g * poscoef, g * negiptcoef * negcoef * vm::exp(x * negiptcoef));
  }
};

template <class V> struct ELUOp : EluCore<V> {
  explicit ELUOp(const Ctx& c) : EluCore<V>(c.p[0], 1.0, 1.0) {}
};
template <class V> struct CELUOp : EluCore<V> {
  explicit CELUOp(const Ctx& c) : EluCore<V>(c.p[0], 1.0, 1.0 / c.p[0]) {}
};
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
template <class V> struct SELUOp : EluCore<V> {
  explicit SELUOp(const Ctx&) : EluCore<V>(kSeluAlpha, kSeluScale, 1.0) {}
};

bool celu_check(const Ctx& c, std::string& err) {
  if (c.p[0] == 0) return fail(err, "ZeroDivisionError: alpha cannot be 0 for CELU");
  return true;
}

}  // namespace

void register_exp_linear(std::vector<Fn>& t) {
  Fn f;
  f = {}; f.name = "ELU"; f.family = "exp-linear";
  f.functional = "elu"; f.inplace = true;
  f.params = {num("alpha", 1.0, 0, 3, "value approached as x -> -inf is -alpha")};
  f.latex = R"(\begin{cases}x & x > 0\\ \alpha\,(e^{x} - 1) & x \le 0\end{cases})";
  f.dlatex = R"(\begin{cases}1 & x > 0\\ \alpha e^{x} & x \le 0\end{cases})";
  f.range = "(-\\alpha, \\infty)";
  f.kinks = [](const double*) { return std::vector<double>{0}; };
  t.push_back(elementwise<ELUOp>(f));

  f = {}; f.name = "CELU"; f.family = "exp-linear";
  f.functional = "celu"; f.inplace = true;
  f.params = {num("alpha", 1.0, 0.1, 3, "value approached as x -> -inf is -alpha")};
  f.latex = R"(\max(0, x) + \min(0, \alpha\,(e^{x/\alpha} - 1)))";
  f.dlatex = R"(\begin{cases}1 & x > 0\\ e^{x/\alpha} & x \le 0\end{cases})";
  f.range = "(-\\alpha, \\infty)";
  f.kinks = [](const double*) { return std::vector<double>{0}; };
  f.check = celu_check;
  t.push_back(elementwise<CELUOp>(f));

  f = {}; f.name = "SELU"; f.family = "exp-linear";
  f.functional = "selu"; f.inplace = true;
  f.latex = R"(\lambda \begin{cases}x & x > 0\\ \alpha\,(e^{x} - 1) & x \le 0\end{cases},\ \alpha \approx 1.6733,\ \lambda \approx 1.0507)";
  f.dlatex = R"(\lambda \begin{cases}1 & x > 0\\ \alpha e^{x} & x \le 0\end{cases})";
  f.range = "(-\\lambda\\alpha, \\infty)";
  f.kinks = [](const double*) { return std::vector<double>{0}; };
  t.push_back(elementwise<SELUOp>(f));
}

}  // namespace actlab
