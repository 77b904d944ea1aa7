// libFuzzer target: the expression compiler on any text, then every compiled function
// evaluated (f and f' together, f alone) and differentiated (reverse sweep with a gradient) on
// points that include the awkward ones, with default and with arbitrary parameters.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "actlab/expr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace actlab;
  const std::string text(reinterpret_cast<const char*>(data), size);
  ExprError err;
  std::unique_ptr<Expr> e = compile_expr(text, err);
  if (!e) return 0;
  static const float pts[] = {0.f, -0.f, 1.f, -1.f, 0.5f, -2.5f, 3.f, 1e-30f, -1e30f, 88.f, -104.f,
                              INFINITY, -INFINITY, NAN, 6.f, -6.f, 1e-45f};
  constexpr int n = sizeof pts / sizeof pts[0];
  std::vector<float> x(pts, pts + n), f(n), df(n), g(n, 0.5f);
  const auto& ps = expr_params(*e);
  std::vector<double> params(ps.size());
  for (size_t i = 0; i < ps.size(); ++i) params[i] = size > i ? double(int8_t(data[i])) / 4 : ps[i].hi;
  expr_eval(*e, x.data(), n, nullptr, f.data(), df.data());
  expr_eval(*e, x.data(), n, params.data(), f.data(), nullptr);
  expr_backward(*e, x.data(), g.data(), n, nullptr, df.data());
  expr_canonical(*e);
  return 0;
}
