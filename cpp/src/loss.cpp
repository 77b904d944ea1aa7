// The labs' losses (loss.hpp): ATen's formulas in float32 where torch's rounding is reproducible,
// the means in double.
#include "actlab/loss.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "actlab/network.hpp"

namespace actlab {

void mse_loss(const float* out, const float* target, int64_t n, double& value, float* grad) {
  double s = 0;
  const float norm = float(2.0 / double(n));  // mse_loss_backward's alpha, a float scalar
  for (int64_t i = 0; i < n; ++i) {
    const float d = out[i] - target[i];
    s += double(d) * double(d);
    grad[i] = norm * d;
  }
  value = s / double(n);
}

std::string cross_entropy_loss(const float* out, const int32_t* target, int B, int C, double& value, float* grad) {
  for (int b = 0; b < B; ++b)
    if (target[b] < 0 || target[b] >= C) return "Target " + std::to_string(target[b]) + " is out of bounds.";
  double s = 0;
  for (int b = 0; b < B; ++b) {
    const float* row = out + size_t(b) * size_t(C);
    float* g = grad + size_t(b) * size_t(C);
    // log-sum-exp in double: within an ulp of torch's float32 log_softmax, without its overflow care.
    double mx = -INFINITY;
    for (int c = 0; c < C; ++c) mx = std::max(mx, double(row[c]));
    double z = 0;
    for (int c = 0; c < C; ++c) z += std::exp(double(row[c]) - mx);
    const double lse = mx + std::log(z);
    s += lse - double(row[target[b]]);
    for (int c = 0; c < C; ++c) g[c] = float((std::exp(double(row[c]) - lse) - (c == target[b] ? 1.0 : 0.0)) / double(B));
  }
  value = s / double(B);
  return "";
}

void bce_with_logits_loss(const float* out, const float* target, int64_t n, double& value, float* grad) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float x = out[i], t = target[i];
    const float m = std::max(-x, 0.0f);  // (-input).clamp_min_(0)
    const float l = ((1.0f - t) * x + m) + std::log(std::exp(-m) + std::exp(-x - m));
    s += double(l);
  }
  value = s / double(n);
  // (input.sigmoid() - target) * grad / numel, the sigmoid through the table's kernel (torch's).
  static Activation sigmoid;
  if (!sigmoid.forward) table_activation("Sigmoid", {}, sigmoid);
  sigmoid.forward(out, n, grad);
  const float numel = float(n);
  for (int64_t i = 0; i < n; ++i) grad[i] = (grad[i] - target[i]) / numel;
}

}  // namespace actlab
