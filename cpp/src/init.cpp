// torch.nn.init 1.13 (actlab/init.hpp): torch/nn/init.py's arithmetic, operation by operation
// in double as Python does it (-ffp-contract=off keeps each one rounded on its own).
#include "actlab/init.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "erfinv.hpp"
#include "pyfloat.hpp"

namespace actlab {
namespace init {

namespace {

const char* const kDivZero = "float division by zero";

std::string numel_of(const Shape& shape, int64_t& n) {
  n = 1;
  for (int64_t d : shape) n *= d;
  for (int64_t d : shape) {
    if (d >= 0) continue;
    std::string dims;
    for (int64_t e : shape) dims += (dims.empty() ? "" : ", ") + std::to_string(e);
    return "Trying to create tensor with negative dimension " + std::to_string(d) + ": [" + dims + "]";
  }
  return "";
}

bool has_zero(const Shape& shape) {
  for (int64_t d : shape)
    if (d == 0) return true;
  return false;
}

// _calculate_correct_fan: mode.lower() first, so "FAN_OUT" is fine and the message shows it
// lowercased (ASCII here; Python lowercases all of Unicode).
std::string correct_fan(const Shape& shape, std::string mode, int64_t& fan) {
  for (char& c : mode)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  if (mode != "fan_in" && mode != "fan_out")
    return "Mode " + mode + " not supported, please use one of ['fan_in', 'fan_out']";
  int64_t fan_in = 0, fan_out = 0;
  std::string err = fan_in_and_fan_out(shape, fan_in, fan_out);
  if (!err.empty()) return err;
  fan = mode == "fan_in" ? fan_in : fan_out;
  return "";
}

// kaiming_*_'s common part: std = gain / math.sqrt(fan); `skip` for zero-size tensors.
std::string kaiming_std(const Shape& shape, const PyArg& a, const std::string& mode, const std::string& nonlinearity,
                        double& std, bool& skip) {
  skip = has_zero(shape);
  if (skip) return "";
  int64_t fan = 0;
  std::string err = correct_fan(shape, mode, fan);
  if (!err.empty()) return err;
  double gain = 0;
  err = calculate_gain(nonlinearity, a, gain);
  if (!err.empty()) return err;
  std = gain / std::sqrt(double(fan));
  return "";
}

}  // namespace

std::string calculate_gain(const std::string& nl, const PyArg& param, double& gain) {
  static const char* const linear_fns[] = {"linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                                           "conv_transpose2d", "conv_transpose3d", "sigmoid"};
  for (const char* f : linear_fns)
    if (nl == f) { gain = 1; return ""; }
  if (nl == "tanh") { gain = 5.0 / 3; return ""; }
  if (nl == "relu") { gain = std::sqrt(2.0); return ""; }
  if (nl == "selu") { gain = 3.0 / 4; return ""; }
  if (nl == "leaky_relu") {
    double slope = 0.01;
    if (param.kind == PyArg::Other) return "negative_slope " + param.text + " not a valid number";
    if (param.kind == PyArg::Number) slope = param.value;
    // negative_slope ** 2: glibc's pow, not slope * slope (pyfloat.cpp)
    bool overflow = false;
    const double sq = detail::py_square(slope, overflow);
    if (overflow) return "(34, 'Numerical result out of range')";
    gain = std::sqrt(2.0 / (1 + sq));
    return "";
  }
  return "Unsupported nonlinearity " + nl;
}

std::string fan_in_and_fan_out(const Shape& shape, int64_t& fan_in, int64_t& fan_out) {
  if (shape.size() < 2) return "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions";
  int64_t receptive = 1;
  for (size_t k = 2; k < shape.size(); ++k) receptive *= shape[k];
  fan_in = shape[1] * receptive;
  fan_out = shape[0] * receptive;
  return "";
}

std::string uniform_(Generator& g, float* t, const Shape& shape, double a, double b) {
  int64_t n = 0;
  std::string err = numel_of(shape, n);
  return err.empty() ? actlab::uniform_(g, t, n, a, b) : err;
}

std::string normal_(Generator& g, float* t, const Shape& shape, double mean, double std) {
  int64_t n = 0;
  std::string err = numel_of(shape, n);
  return err.empty() ? actlab::normal_(g, t, n, mean, std) : err;
}

std::string constant_(float* t, const Shape& shape, double val) {
  int64_t n = 0;
  std::string err = numel_of(shape, n);
  if (!err.empty()) return err;
  // fill_'s c10::checked_convert<float>: a finite value beyond float's range is refused
  // (inf and nan pass).
  if (std::isfinite(val) && (val < -double(FLT_MAX) || val > double(FLT_MAX)))
    return "value cannot be converted to type float without overflow";
  const float v = float(val);
  for (int64_t i = 0; i < n; ++i) t[i] = v;
  return "";
}

std::string zeros_(float* t, const Shape& shape) { return constant_(t, shape, 0.0); }
std::string ones_(float* t, const Shape& shape) { return constant_(t, shape, 1.0); }

std::string eye_(float* t, const Shape& shape) {
  if (shape.size() != 2) return "Only tensors with 2 dimensions are supported";
  std::string err = zeros_(t, shape);
  if (!err.empty()) return err;
  for (int64_t i = 0; i < shape[0] && i < shape[1]; ++i) t[i * shape[1] + i] = 1.0f;
  return "";
}

std::string trunc_normal_(Generator& g, float* t, const Shape& shape, double mean, double std, double a, double b) {
  int64_t n = 0;
  std::string err = numel_of(shape, n);
  if (!err.empty()) return err;
  if (std == 0) return kDivZero;  // (a - mean) / std
  // norm_cdf(x) = (1. + math.erf(x / math.sqrt(2.))) / 2.
  auto norm_cdf = [](double x) { return (1. + std::erf(x / std::sqrt(2.))) / 2.; };
  const double l = norm_cdf((a - mean) / std);
  const double u = norm_cdf((b - mean) / std);
  err = actlab::uniform_(g, t, n, 2 * l - 1, 2 * u - 1);
  if (!err.empty()) return err;
  // erfinv_, then mul_, add_ and clamp_ with their Python floats cast to float32
  const float scale = float(std * std::sqrt(2.)), shift = float(mean);
  for (int64_t i = 0; i < n; ++i) t[i] = detail::torch_erfinv(t[i]) * scale + shift;
  // clamp_'s Scalar::to<float>() is a checked conversion: it fails after the draw, as in torch
  const char* overflow = "value cannot be converted to type float without overflow";
  if (std::isfinite(a) && (a < -double(FLT_MAX) || a > double(FLT_MAX))) return overflow;
  if (std::isfinite(b) && (b < -double(FLT_MAX) || b > double(FLT_MAX))) return overflow;
  const float lo = float(a), hi = float(b);
  for (int64_t i = 0; i < n; ++i)
    if (!std::isnan(t[i])) t[i] = std::min(std::max(t[i], lo), hi);
  return "";
}

std::string xavier_uniform_(Generator& g, float* t, const Shape& shape, double gain) {
  int64_t fan_in = 0, fan_out = 0;
  std::string err = fan_in_and_fan_out(shape, fan_in, fan_out);
  if (!err.empty()) return err;
  if (fan_in + fan_out == 0) return kDivZero;
  const double std = gain * std::sqrt(2.0 / double(fan_in + fan_out));
  const double a = std::sqrt(3.0) * std;
  return uniform_(g, t, shape, -a, a);
}

std::string xavier_normal_(Generator& g, float* t, const Shape& shape, double gain) {
  int64_t fan_in = 0, fan_out = 0;
  std::string err = fan_in_and_fan_out(shape, fan_in, fan_out);
  if (!err.empty()) return err;
  if (fan_in + fan_out == 0) return kDivZero;
  const double std = gain * std::sqrt(2.0 / double(fan_in + fan_out));
  return normal_(g, t, shape, 0.0, std);
}

std::string kaiming_uniform_(Generator& g, float* t, const Shape& shape, const PyArg& a, const std::string& mode,
                             const std::string& nonlinearity) {
  double std = 0;
  bool skip = false;
  std::string err = kaiming_std(shape, a, mode, nonlinearity, std, skip);
  if (!err.empty() || skip) return err;
  const double bound = std::sqrt(3.0) * std;
  return uniform_(g, t, shape, -bound, bound);
}

std::string kaiming_normal_(Generator& g, float* t, const Shape& shape, const PyArg& a, const std::string& mode,
                            const std::string& nonlinearity) {
  double std = 0;
  bool skip = false;
  std::string err = kaiming_std(shape, a, mode, nonlinearity, std, skip);
  if (!err.empty() || skip) return err;
  return normal_(g, t, shape, 0.0, std);
}

std::string lecun_normal_(Generator& g, float* t, const Shape& shape) {
  int64_t fan_in = 0, fan_out = 0;
  std::string err = fan_in_and_fan_out(shape, fan_in, fan_out);
  if (!err.empty()) return err;
  if (fan_in == 0) return kDivZero;
  return normal_(g, t, shape, 0.0, 1 / std::sqrt(double(fan_in)));
}

std::string linear_reset_parameters(Generator& g, float* weight, float* bias, int64_t in_features,
                                    int64_t out_features) {
  const Shape w{out_features, in_features};
  std::string err = kaiming_uniform_(g, weight, w, std::sqrt(5.0));
  if (!err.empty() || !bias) return err;
  // bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0 (an int: uniform_(-0, 0) gets +0.0)
  const double bound = in_features > 0 ? 1 / std::sqrt(double(in_features)) : 0.0;
  return uniform_(g, bias, Shape{out_features}, in_features > 0 ? -bound : 0.0, bound);
}

}  // namespace init
}  // namespace actlab
