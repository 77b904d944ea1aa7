// torch.nn.init (torch 1.13) on float32 buffers: the same values as torch for the same
// Generator state, and the same stream position afterwards. The Python-side arithmetic
// (gains, fans, bounds) is done in double in torch's order of operations; the fills are
// actlab/random.hpp's Tensor.uniform_ / Tensor.normal_.
//
// Every function returns "" or the message of the exception torch raises (str(e)); the type
// is in the comment. A failed call writes nothing and draws nothing (one exception, as in
// torch: trunc_normal_ with a bound beyond float's range). `shape` is the tensor's
// size (any number of dims, like torch; the buffer holds its product of floats, row-major).
//
// Not here: orthogonal_ (needs torch.linalg.qr, i.e. LAPACK's Householder QR, bit for bit),
// sparse_ (needs randperm), dirac_ (conv weights only).
//
// Python's math.erf (trunc_normal_'s bounds) is libm's erf: glibc's natively, musl's in wasm,
// which can differ in the last bit of a double; the bounds are cast to float before use, so that
// shows only for a bound within a double ulp of a float rounding boundary (~2^-29 per bound).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "actlab/random.hpp"

namespace actlab {
namespace init {

using Shape = std::vector<int64_t>;

// calculate_gain's `param` (and kaiming's `a`): None, a number, or any other Python value
// (torch rejects those for leaky_relu; `text` is its str() for the message, e.g. "True").
// A number is taken as a float: Python computes the same for an int of magnitude < 2^26.
struct PyArg {
  enum Kind { None, Number, Other } kind = None;
  double value = 0;
  std::string text;
  PyArg() = default;
  PyArg(double v) : kind(Number), value(v) {}  // NOLINT: implicit, so `a = 0.2` reads as in Python
  static PyArg other(std::string s) { PyArg p; p.kind = Other; p.text = std::move(s); return p; }
};

// nn.init.calculate_gain(nonlinearity, param=None). ValueError: "Unsupported nonlinearity {}",
// "negative_slope {} not a valid number"; OverflowError for a slope whose square overflows.
std::string calculate_gain(const std::string& nonlinearity, const PyArg& param, double& gain);
inline std::string calculate_gain(const std::string& nonlinearity, double& gain) {
  return calculate_gain(nonlinearity, PyArg(), gain);
}

// nn.init._calculate_fan_in_and_fan_out. ValueError for fewer than 2 dims.
std::string fan_in_and_fan_out(const Shape& shape, int64_t& fan_in, int64_t& fan_out);

// Tensor.uniform_/normal_'s checks are RuntimeErrors (random.hpp).
std::string uniform_(Generator& g, float* t, const Shape& shape, double a = 0.0, double b = 1.0);
std::string normal_(Generator& g, float* t, const Shape& shape, double mean = 0.0, double std = 1.0);
// RuntimeError "value cannot be converted to type float without overflow" for a finite val
// beyond float's range (fill_'s checked conversion).
std::string constant_(float* t, const Shape& shape, double val);
std::string zeros_(float* t, const Shape& shape);
std::string ones_(float* t, const Shape& shape);
// ValueError "Only tensors with 2 dimensions are supported".
std::string eye_(float* t, const Shape& shape);

// nn.init.trunc_normal_: uniform_ between the normal CDF at a and b (mapped to [-1, 1]), then
// torch.erfinv_ (float32, torch's own formula: erfinv.cpp), * float(std * sqrt(2)),
// + float(mean), clamped to [float(a), float(b)]. ZeroDivisionError "float division by zero"
// for std = 0; uniform_'s RuntimeErrors before anything is drawn. An a or b beyond float's range
// fails in clamp_ (RuntimeError "value cannot be converted to type float without overflow")
// after the draw, as in torch: the values are written and the generator has moved.
std::string trunc_normal_(Generator& g, float* t, const Shape& shape, double mean = 0.0, double std = 1.0,
                          double a = -2.0, double b = 2.0);

// ValueError for < 2 dims; ZeroDivisionError "float division by zero" when fan_in + fan_out is 0.
std::string xavier_uniform_(Generator& g, float* t, const Shape& shape, double gain = 1.0);
std::string xavier_normal_(Generator& g, float* t, const Shape& shape, double gain = 1.0);

// A zero-size tensor is left alone before anything is checked (torch warns "Initializing
// zero-element tensors is a no-op"). Then mode (lowercased; ValueError "Mode {} not
// supported, please use one of ['fan_in', 'fan_out']"), the fan, the gain.
std::string kaiming_uniform_(Generator& g, float* t, const Shape& shape, const PyArg& a = 0.0,
                             const std::string& mode = "fan_in", const std::string& nonlinearity = "leaky_relu");
std::string kaiming_normal_(Generator& g, float* t, const Shape& shape, const PyArg& a = 0.0,
                            const std::string& mode = "fan_in", const std::string& nonlinearity = "leaky_relu");

// LeCun normal, which torch 1.13 does not name: exactly
//   fan_in, _ = nn.init._calculate_fan_in_and_fan_out(w)
//   nn.init.normal_(w, 0, 1 / math.sqrt(fan_in))
// (1 / sqrt(fan_in), not sqrt(1 / fan_in): in double they differ for ~30% of fans, 2 and 3
// among them).
// ZeroDivisionError "float division by zero" when fan_in is 0.
std::string lecun_normal_(Generator& g, float* t, const Shape& shape);

// nn.Linear(in_features, out_features).reset_parameters(): kaiming_uniform_(weight,
// a=math.sqrt(5)), then the bias (nullptr: bias=False) from uniform_(-1/sqrt(in), 1/sqrt(in)).
std::string linear_reset_parameters(Generator& g, float* weight, float* bias, int64_t in_features,
                                    int64_t out_features);

}  // namespace init
}  // namespace actlab
