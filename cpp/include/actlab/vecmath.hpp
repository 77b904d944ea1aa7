// Vectorized transcendental core, generic over F1/F4 (see simd.hpp).
// Accuracy (checked by tests/cpp/test_vecmath.cpp against long-double libm over a dense
// sweep): exp, expm1, log, log1p ≤ 1 ULP; tanh ≤ 2 ULP; erf ≤ 4 ULP.
#pragma once
#include "simd.hpp"

namespace actlab::vm {

constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f;        // exactly representable high part of ln 2
constexpr float kLn2Lo = -2.12194440e-4f;     // ln 2 - kLn2Hi

// p * 2^n for integer-valued n in [-150, 128]; two factors keep each in the normal range.
template <class V> AL_INLINE V ldexp(V p, V n) {
  auto ni = to_int(n);
  auto half = sra(ni, 1);
  auto rest = ni - half;
  auto bias = ibroadcast<V>(127);
  V s1 = as_float(shl(half + bias, 23));
  V s2 = as_float(shl(rest + bias, 23));
  return p * s1 * s2;
}

// n = nearest(x * log2e) and 2^n without float <-> int conversions (V8 lowers
// i32x4.trunc_sat_f32x4_s and f32x4.nearest to several instructions each): adding 1.5 * 2^23
// rounds to an integer, ties to even as nearest() does, and leaves n + 2^22 in the low mantissa
// bits, so (bits + 127) << 23 is 2^n. Valid for n in [-126, 127]; n = -127 gives 0, not 2^-127.
// A bias of 126 instead gives 2^(n-1) (valid for n in [-125, 128]).
template <class V> struct Pow2 { V n, scale; };
template <class V> AL_INLINE Pow2<V> round_log2(V x, int bias = 127) {
  constexpr float kMagic = 12582912.0f;
  const V t = x * V(kLog2e) + V(kMagic);
  return {t - V(kMagic), as_float(shl(as_int(t) + ibroadcast<V>(bias), 23))};
}

// e^r for the reduced argument |r| ≤ ln2/2: Cephes expf's polynomial, evaluated Estrin-style
// (pairs, then r^2 and r^4) rather than by Horner: a dependency chain of 5 multiply-adds instead
// of 7, which lets V8's code overlap more elements. Still ≤ 1 ULP.
template <class V> AL_INLINE V exp_reduced(V r) {
  const V r2 = r * r, r4 = r2 * r2;
  const V a = V(1.6666665459e-1f) * r + V(5.0000001201e-1f);
  const V b = V(8.3334519073e-3f) * r + V(4.1665795894e-2f);
  const V c = V(1.9875691500e-4f) * r + V(1.3981999507e-3f);
  return ((a + b * r2) + c * r4) * r2 + r + V(1.0f);
}

// e^x, Cephes-style: x = n ln2 + r, |r| ≤ ln2/2, degree-6 polynomial, ≤ 1 ULP (normal range).
template <class V> AL_INLINE V exp_full(V x);
// e^x for x in [-87, 88] or NaN (one exponent factor, no clamping): callers that bound x.
template <class V> AL_INLINE V exp_in_range(V x) {
  const auto [n, scale] = round_log2(x);
  V r = x - n * V(kLn2Hi);
  r = r - n * V(kLn2Lo);
  return exp_reduced(r) * scale;
}
template <class V> AL_INLINE V exp(V x) {
  // Fast path: every lane in [-87, 88] (or NaN).
  auto edge = (x < V(-87.0f)) | (x > V(88.0f));
  if (any(edge)) return exp_full(x);
  return exp_in_range(x);
}

// e^x for x <= 0 (or NaN), as exp(): softmax's x - max, -|x|. Only the underflow edge is checked.
template <class V> AL_INLINE V exp_nonpos(V x) {
  if (any(x < V(-87.0f))) return exp_full(x);
  return exp_in_range(x);
}

// Full range: overflow to +inf, gradual underflow to subnormals and 0.
template <class V> AL_INLINE V exp_full(V x) {
  x = clamp_max(clamp_min(x, V(-104.0f)), V(89.0f));  // NaN passes through the clamps
  V n = nearest(x * V(kLog2e));
  V r = x - n * V(kLn2Hi);
  r = r - n * V(kLn2Lo);
  const V p = exp_reduced(r);
  return ldexp(p, n);  // to_int maps a NaN n to 0; p carries the NaN
}

// e^x - 1 without cancellation: expm1(x) = 2^n * expm1(r) + (2^n - 1).
template <class V> AL_INLINE V expm1(V x) {
  V xc = clamp_max(clamp_min(x, V(-88.0f)), V(88.0f));
  const auto [n, s] = round_log2(xc);  // n >= -127: s = 0 there, and so is s * e + (s - 1) = -1
  V r = xc - n * V(kLn2Hi);
  r = r - n * V(kLn2Lo);
  // Taylor to degree 8 on |r| ≤ 0.347: truncation < 2e-9 relative.
  V p = V(1.0f / 40320.0f);
  p = p * r + V(1.0f / 5040.0f);
  p = p * r + V(1.0f / 720.0f);
  p = p * r + V(1.0f / 120.0f);
  p = p * r + V(1.0f / 24.0f);
  p = p * r + V(1.0f / 6.0f);
  p = p * r + V(0.5f);
  V e = p * (r * r) + r;
  V res = s * e + (s - V(1.0f));
  // Above 88 the "-1" is invisible and exp() carries overflow to +inf.
  auto big = x > V(88.0f);
  if (any(big)) res = select(big, exp(x), res);
  return res;
}

// Cephes logf core: log(1 + m) + e ln 2 for m in [sqrt(1/2) - 1, sqrt(2) - 1], e an integer.
template <class V> AL_INLINE V log_core(V m, V e) {
  V z = m * m;
  V p = V(7.0376836292e-2f);
  p = p * m + V(-1.1514610310e-1f);
  p = p * m + V(1.1676998740e-1f);
  p = p * m + V(-1.2420140846e-1f);
  p = p * m + V(1.4249322787e-1f);
  p = p * m + V(-1.6668057665e-1f);
  p = p * m + V(2.0000714765e-1f);
  p = p * m + V(-2.4999993993e-1f);
  p = p * m + V(3.3333331174e-1f);
  V y = m * z * p;
  y = y + e * V(kLn2Lo);
  y = y - V(0.5f) * z;
  return (m + y) + e * V(kLn2Hi);
}

// Natural log, Cephes logf polynomial, subnormals scaled, IEEE specials.
template <class V> AL_INLINE V log(V x) {
  auto tiny = x < V(1.17549435e-38f);
  V xs = select(tiny, x * V(8388608.0f), x);   // 2^23
  V eadj = select(tiny, V(-23.0f), V(0.0f));
  auto bits = as_int(xs);
  V e = to_float((sra(bits, 23) & ibroadcast<V>(0xff)) - ibroadcast<V>(126)) + eadj;
  V m = as_float((bits & ibroadcast<V>(static_cast<int32_t>(0x807fffff))) | ibroadcast<V>(0x3f000000));  // [0.5, 1)
  auto lo = m < V(0.707106781186547524f);
  e = select(lo, e - V(1.0f), e);
  m = select(lo, m + m - V(1.0f), m - V(1.0f));
  V res = log_core(m, e);
  const V inf(INFINITY);
  res = select(x == inf, inf, res);
  res = select(x == V(0.0f), -inf, res);
  res = select(x < V(0.0f), V(NAN), res);
  res = select(isnan(x), x, res);
  return res;
}

// log(1 + x) with the classic correction term: log(u) + (x - (u - 1)) / u, u = 1 + x.
template <class V> AL_INLINE V log1p(V x) {
  V u = x + V(1.0f);
  V c = (x - (u - V(1.0f))) / u;
  auto ok = (u != V(0.0f)) & (abs(u) < V(INFINITY));
  return log(u) + select(ok, c, V(0.0f));
}

// tanh, Cephes tanhf: odd polynomial below |x| = 0.625, else 1 - 2 / (e^{2|x|} + 1) with the
// argument capped at 20 (tanh is 1 in float32 beyond 9.01), inside exp_in_range's range.
template <class V> AL_INLINE V tanh(V x) {
  V ax = abs(x);
  V z = x * x;
  V p = V(-5.70498872745e-3f);
  p = p * z + V(2.06390887954e-2f);
  p = p * z + V(-5.37397155531e-2f);
  p = p * z + V(1.33314422036e-1f);
  p = p * z + V(-3.33332819422e-1f);
  V small = p * z * ax + ax;
  V e = exp_in_range(V(2.0f) * clamp_max(ax, V(20.0f)));
  V big = V(1.0f) - V(2.0f) / (e + V(1.0f));
  V r = or_bits(select(ax < V(0.625f), small, big), and_bits(x, 0x80000000u));  // copysign keeps -0
  return select(isnan(x), x, r);
}

// erf: odd Taylor polynomial below |x| = 0.5; above, 1 - erfc with the Chebyshev-fitted
// erfc of Numerical Recipes (relative error < 1.2e-7). Both branches are computed, one kept.
template <class V> AL_INLINE V erf(V x) {
  V ax = abs(x);
  V z = x * x;
  // 2/sqrt(pi) * (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320 + x^13/9360)
  V p = V(1.0f / 9360.0f);
  p = p * z + V(-1.0f / 1320.0f);
  p = p * z + V(1.0f / 216.0f);
  p = p * z + V(-1.0f / 42.0f);
  p = p * z + V(1.0f / 10.0f);
  p = p * z + V(-1.0f / 3.0f);
  V small = x * (V(1.0f) + z * p) * V(1.12837916709551257390f);  // x * (...) keeps -0
  V t = V(1.0f) / (V(1.0f) + V(0.5f) * ax);
  V q = V(0.17087277f);
  q = q * t + V(-0.82215223f);
  q = q * t + V(1.48851587f);
  q = q * t + V(-1.13520398f);
  q = q * t + V(0.27886807f);
  q = q * t + V(-0.18628806f);
  q = q * t + V(0.09678418f);
  q = q * t + V(0.37409196f);
  q = q * t + V(1.00002368f);
  q = q * t + V(-1.26551223f);
  V erfc = t * vm::exp(q - clamp_max(z, V(100.0f)));
  V big = or_bits(V(1.0f) - erfc, and_bits(x, 0x80000000u));
  return select(ax < V(0.5f), small, select(isnan(x), x, big));
}

// erf as ATen's Vectorized<float>::erf (torch 1.13), which is what GELU's vectorized kernels
// use: Abramowitz & Stegun 7.1.26, erf(|x|) = 1 - t (p1 + p2 t + ... + p5 t^4) e^{-x^2},
// t = 1 / (1 + p |x|), absolute error <= 1.5e-7. Same operations in the same order (without
// FMA), so GELU matches torch's own rounding; torch.erf itself is the accurate erf above.
template <class V> AL_INLINE V erf_aten(V x) {
  const V sign = and_bits(x, 0x80000000u);
  const V a = xor_bits(x, sign);
  const V t = V(1.0f) / (V(0.3275911f) * a + V(1.0f));
  V r = V(1.061405429f) * t + V(-1.453152027f);
  r = r * t + V(1.421413741f);
  r = r * t + V(-0.284496736f);
  r = r * t + V(0.254829592f);
  // Below -87 the exponential only meets 1 - t r e, which is 1 for any e < 6e-8: the argument
  // is clamped there and the range check skipped (same results).
  const V e = -exp_in_range(clamp_min(-(x * x), V(-87.0f)));
  return xor_bits((e * t) * r + V(1.0f), sign);
}

// log1p(t) for t in [0, 1] (Softplus, LogSigmoid, Mish take it of exp(-|x|)): no special
// cases to select, and the rounding correction c/u of log1p is taken as c * (2 - u), exact to
// first order near u = 1 where it matters and negligible elsewhere; <= 1 ULP like log1p.
template <class V> AL_INLINE V log1p_unit(V t) {
  V u = t + V(1.0f);
  V c = (t - (u - V(1.0f))) * (V(2.0f) - u);
  auto lo = u < V(1.41421356237309505f);
  V e = select(lo, V(0.0f), V(1.0f));
  V m = select(lo, u - V(1.0f), u * V(0.5f) - V(1.0f));
  return log_core(m, e) + c;
}

// 1 + e^-x, the denominator of sigmoid, SiLU, GLU and SwiGLU: the bits of V(1) + exp(-x) for every
// x, without exp's range branch. Where e^-x < 2^-25 (x > 17.3) adding it to 1 gives 1 exactly, so
// the argument is clamped to -x >= -87 and 2^n built as 2^(n-1) * 2, which makes n = 128 (-x up
// to the clamp at 89) overflow to +inf as exp() does; the one n it loses (-126) lies in the
// absorbed range. x's negation is folded into the constants (rounding is symmetric).
template <class V> AL_INLINE V one_plus_exp_neg(V x) {
  const V y = clamp_max(clamp_min(x, V(-89.0f)), V(87.0f));  // NaN passes through
  const auto [n, half_scale] = round_log2(-y, 126);           // n = nearest(-y log2e), 2^(n-1)
  V r = n * V(-kLn2Hi) - y;  // -y - n ln2hi
  r = r - n * V(kLn2Lo);
  const V p = exp_reduced(r);
  return V(1.0f) + (p + p) * half_scale;
}

template <class V> AL_INLINE V sigmoid(V x) { return V(1.0f) / one_plus_exp_neg(x); }

// sin / cos share one reduction x = q·(π/2) + r, |r| <= π/4 (+ rounding), then Cephes' sinf/cosf
// polynomials; the quadrant q mod 4 picks the polynomial and the sign. π/2 is split in three
// (Cody–Waite): the first two parts carry 8 and 12 bits, so q·part is exact while |q| < 4096,
// i.e. |x| <= 4096. Lanes beyond that (and ±inf, NaN) take libm's double sin/cos, whose exact
// (Payne–Hanek) reduction keeps huge arguments right — torch's Sleef kernels do the same.
// Accuracy (checked by tests/cpp/test_expr.cpp against double libm on every binade, 4-lane and
// 1-lane): <= 2 ULP where |result| >= 1e-3 (1 ULP measured), absolute error < 1e-9 elsewhere.
template <class V> AL_INLINE V sincos_core(V x, bool cosine) {
  V q = nearest(x * V(0.636619772367581343f));  // 2/π
  V r = x - q * V(1.5703125f);
  r = r - q * V(4.837512969970703125e-4f);
  r = r - q * V(7.54978995489188216e-8f);
  V z = r * r;
  V s = V(-1.9515295891e-4f);
  s = s * z + V(8.3321608736e-3f);
  s = s * z + V(-1.6666654611e-1f);
  s = s * z * r + r;
  V c = V(2.443315711809948e-5f);
  c = c * z + V(-1.388731625493765e-3f);
  c = c * z + V(4.166664568298827e-2f);
  c = c * z * z - V(0.5f) * z + V(1.0f);
  auto k = to_int(q) + ibroadcast<V>(cosine ? 1 : 0);  // cos(x) = sin(x + π/2)
  auto odd = to_float(k & ibroadcast<V>(1)) != V(0.0f);
  V res = xor_bits(select(odd, c, s), as_float(shl(k & ibroadcast<V>(2), 30)));  // quadrants 2, 3: negate
  auto far = ~(abs(x) <= V(4096.0f));
  if (any(far)) {
    float in[4], out[4];
    x.store(in);
    res.store(out);
    for (int i = 0; i < V::lanes; ++i)
      if (!(std::fabs(in[i]) <= 4096.0f))
        out[i] = float(cosine ? std::cos(double(in[i])) : std::sin(double(in[i])));
    res = V::load(out);
  }
  if (!cosine) res = select(abs(x) < V(1e-4f), x, res);  // sin x == x there; keeps the sign of -0
  return res;
}
template <class V> AL_INLINE V sin(V x) { return sincos_core(x, false); }
template <class V> AL_INLINE V cos(V x) { return sincos_core(x, true); }

}  // namespace actlab::vm
