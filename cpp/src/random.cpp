// torch's CPU generator and its float32 fills (actlab/random.hpp). Built with -ffp-contract=off
// (CMakeLists.txt): every fused multiply-add below is one torch's AVX2 build has, written as
// std::fma; an unfused one must stay two roundings whatever the target.
#include "actlab/random.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace actlab {

namespace {
constexpr double kPi = 3.14159265358979323846;  // c10::pi<double>
}

// ------------------------------------------------------------------------------ the generator

void Generator::manual_seed(uint64_t seed) {
  seed_ = seed;
  // at::mt19937::init_with_uint32
  state_[0] = uint32_t(seed & 0xffffffffu);
  for (uint32_t j = 1; j < 624; ++j) state_[j] = 1812433253u * (state_[j - 1] ^ (state_[j - 1] >> 30)) + j;
  next_ = 624;
  has_next_normal_ = false;
}

void Generator::twist() {
  for (int k = 0; k < 624; ++k) {
    const uint32_t y = (state_[k] & 0x80000000u) | (state_[k + 1 == 624 ? 0 : k + 1] & 0x7fffffffu);
    const int m = k + 397 < 624 ? k + 397 : k + 397 - 624;
    state_[k] = state_[m] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
  }
  next_ = 0;
}

uint32_t Generator::random() {
  if (next_ >= 624) twist();
  uint32_t y = state_[next_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

uint64_t Generator::random64() {
  const uint64_t hi = random();
  const uint64_t lo = random();
  return (hi << 32) | lo;
}

float Generator::uniform_float() { return float(random() & 0xffffffu) * (1.0f / 16777216.0f); }

double Generator::uniform_double() { return double(random64() & 0x1fffffffffffffULL) * (1.0 / 9007199254740992.0); }

double Generator::normal_double() {
  if (has_next_normal_) {
    has_next_normal_ = false;
    return next_normal_;
  }
  const double u1 = uniform_double();
  const double u2 = uniform_double();
  const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double theta = 2.0 * kPi * u1;
  next_normal_ = r * std::sin(theta);
  has_next_normal_ = true;
  return r * std::cos(theta);
}

// -------------------------------------------- normal_fill_AVX2 (avx_mathfun.h as GCC built it)

namespace {

float bits_to_float(uint32_t b) { float f; std::memcpy(&f, &b, 4); return f; }
uint32_t float_to_bits(float f) { uint32_t b; std::memcpy(&b, &f, 4); return b; }

// log256_ps for x in (0, 1]: cephes' logf; GCC fused each multiply whose only use is an add.
float log256(float x) {
  static const float P[9] = {7.0376836292e-2f, -1.1514610310e-1f, 1.1676998740e-1f, -1.2420140846e-1f,
                             1.4249322787e-1f, -1.6668057665e-1f, 2.0000714765e-1f, -2.4999993993e-1f,
                             3.3333331174e-1f};
  const float q1 = -2.12194440e-4f, q2 = 0.693359375f, sqrthf = 0.707106781186547524f;
  const uint32_t bits = float_to_bits(x);
  float e = float(int32_t(bits >> 23) - 0x7f) + 1.0f;
  x = bits_to_float((bits & ~0x7f800000u) | 0x3f000000u);  // mantissa in [0.5, 1)
  if (x < sqrthf) {
    e = e - 1.0f;
    x = (x - 1.0f) + x;
  } else {
    x = x - 1.0f;
  }
  const float z = x * x;
  float y = P[0];
  for (int k = 1; k < 9; ++k) y = std::fma(y, x, P[k]);
  y = y * x;
  y = std::fma(y, z, e * q1);
  y = std::fma(z, -0.5f, y);
  return std::fma(e, q2, x + y);
}

// sincos256_ps for x in [0, 2 pi).
void sincos256(float x, float& s, float& c) {
  const float dp1 = -0.78515625f, dp2 = -2.4187564849853515625e-4f, dp3 = -3.77489497744594108e-8f;
  const float sp0 = -1.9515295891e-4f, sp1 = 8.3321608736e-3f, sp2 = -1.6666654611e-1f;
  const float cp0 = 2.443315711809948e-5f, cp1 = -1.388731625493765e-3f, cp2 = 4.166664568298827e-2f;
  const float fopi = 1.27323954473516f;
  int32_t j = int32_t(x * fopi);  // cvttps: truncation
  j = (j + 1) & ~1;
  const float y = float(j);
  x = std::fma(y, dp1, x);
  x = std::fma(y, dp2, x);
  x = std::fma(y, dp3, x);
  const float z = x * x;
  float yc = std::fma(cp0, z, cp1);
  yc = std::fma(yc, z, cp2);
  yc = yc * z;
  yc = std::fma(yc, z, -(z * 0.5f));
  yc = yc + 1.0f;
  float ys = std::fma(sp0, z, sp1);
  ys = std::fma(ys, z, sp2);
  ys = ys * z;
  ys = std::fma(ys, x, x);
  const bool sin_poly = (j & 2) == 0;
  s = sin_poly ? ys : yc;
  c = sin_poly ? yc : ys;
  if (j & 4) s = -s;
  if (~(j - 2) & 4) c = -c;
}

// normal_fill_16_AVX2: 16 uniforms in place -> 8 cosine then 8 sine normals.
void normal_fill_16(float* d, float mean, float std) {
  const float two_pi = float(2.0 * kPi);
  for (int j = 0; j < 8; ++j) {
    const float u1 = 1.0f - d[j];
    const float u2 = d[j + 8];
    const float radius = std::sqrt(-2.0f * log256(u1));
    float s, c;
    sincos256(two_pi * u2, s, c);
    d[j] = std::fma(radius * c, std, mean);
    d[j + 8] = std::fma(radius * s, std, mean);
  }
}

void normal_fill(Generator& g, float* d, int64_t n, float mean, float std) {
  for (int64_t i = 0; i < n; ++i) d[i] = g.uniform_float();
  for (int64_t i = 0; i + 16 <= n; i += 16) normal_fill_16(d + i, mean, std);
  if (n % 16 != 0) {
    float* tail = d + n - 16;
    for (int i = 0; i < 16; ++i) tail[i] = g.uniform_float();
    normal_fill_16(tail, mean, std);
  }
}

}  // namespace

// ------------------------------------------------------------------------------------ fills

std::string torch_num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

void rand(Generator& g, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = g.uniform_float();
}

void randn(Generator& g, float* out, int64_t n) { normal_(g, out, n, 0.0, 1.0); }

std::string uniform_(Generator& g, float* out, int64_t n, double from, double to) {
  // uniform_impl_'s checks, in its order
  const double lo = -double(FLT_MAX), hi = double(FLT_MAX);
  if (!(from >= lo && from <= hi)) return "from is out of bounds for float";
  if (!(to >= lo && to <= hi)) return "to is out of bounds for float";
  if (!(from <= to))
    return "uniform_ expects to return a [from, to) range, but found from=" + torch_num(from) + " > to=" + torch_num(to);
  if (!(to - from <= double(FLT_MAX)))
    return "uniform_ expects to-from <= std::numeric_limits<Float>::max(), but found to=" + torch_num(to) +
           " and from=" + torch_num(from) + " which result in to-from to exceed the limit";
  // uniform_kernel: the bounds cast to float, the width in float, fused by GCC
  const float f = float(from), t = float(to);
  const float width = t - f;
  for (int64_t i = 0; i < n; ++i) out[i] = std::fma(g.uniform_float(), width, f);
  return "";
}

std::string normal_(Generator& g, float* out, int64_t n, double mean, double std) {
  if (!(std >= 0.0)) return "normal expects std >= 0.0, but found std " + torch_num(std);
  if (n >= 16) {
    normal_fill(g, out, n, float(mean), float(std));
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = float(std::fma(g.normal_double(), std, mean));
  }
  return "";
}

void randperm(Generator& g, int64_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = i;
  for (int64_t i = 0; i + 1 < n; ++i) {
    const int64_t z = int64_t(g.random() % uint64_t(n - i));
    const int64_t t = out[i];
    out[i] = out[z + i];
    out[z + i] = t;
  }
}

std::string py_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  int prec = 1;
  for (; prec <= 17; ++prec) {  // the shortest digits that round-trip, as repr
    snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string s = buf;
  const bool neg = s[0] == '-';
  if (neg) s.erase(0, 1);
  const size_t e = s.find('e');
  const int exp10 = std::atoi(s.c_str() + e + 1);
  std::string digits;
  for (size_t i = 0; i < e; ++i)
    if (s[i] != '.') digits += s[i];
  std::string out;
  if (exp10 >= -4 && exp10 < 16) {  // repr's positional range
    if (exp10 >= 0) {
      std::string ip = digits.substr(0, std::min<size_t>(digits.size(), size_t(exp10) + 1));
      while (int(ip.size()) < exp10 + 1) ip += '0';
      out = ip + "." + (digits.size() > size_t(exp10) + 1 ? digits.substr(size_t(exp10) + 1) : "0");
    } else {
      out = "0." + std::string(size_t(-exp10 - 1), '0') + digits;
    }
  } else {
    out = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "");
    snprintf(buf, sizeof buf, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
    out += buf;
  }
  return (neg ? "-" : "") + out;
}

}  // namespace actlab
