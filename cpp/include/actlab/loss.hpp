// The losses of the labs, one implementation each: value (mean reduction) and d loss / d output for
// given targets, following ATen's float32 formulas. The value's mean is summed in double, where
// torch sums float32 pairwise: it may differ from loss.item() in the last bits (~1e-7 relative).
#pragma once
#include <cstdint>
#include <string>

namespace actlab {

// F.mse_loss(out, target): mean of (out - t)², grad = float(2 / n) · (out - t) (mse_loss_backward).
void mse_loss(const float* out, const float* target, int64_t n, double& value, float* grad);

// F.cross_entropy(out [B×C], target [B]): log_softmax then nll_loss, mean over the batch. Targets
// are class indices, checked first: torch's "Target 5 is out of bounds." (nothing written then).
std::string cross_entropy_loss(const float* out, const int32_t* target, int B, int C, double& value, float* grad);

// F.binary_cross_entropy_with_logits(out, target), ATen's stable form in float32:
//   m = max(-x, 0);  l = (1 - t)·x + m + log(exp(-m) + exp(-x - m))
// and its backward (sigmoid(x) - t) / n.
void bce_with_logits_loss(const float* out, const float* target, int64_t n, double& value, float* grad);

}  // namespace actlab
