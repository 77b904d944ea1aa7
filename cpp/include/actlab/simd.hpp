// Two vector types with one interface, so every kernel is written once:
//   F1 — one float lane (remainder loops, the scalar wasm build),
//   F4 — four lanes: wasm SIMD128 under -msimd128, GCC/Clang vector extensions natively
//        (so the native Catch2 build runs the same 4-lane code path).
// Masks (M1/M4) are all-ones/all-zeros lanes, I1/I4 are int32 lanes for exponent tricks.
// min/max propagate NaN like torch.minimum/maximum; compare ops are IEEE (false on NaN).
// clamp_min/clamp_max(x, bound) are torch's Vectorized clamp_min/clamp_max (max_ps(bound, x)):
// x is returned on NaN and on equal zeros, so relu(-0) = -0 as in torch. One instruction each
// under wasm (pmin/pmax), where f32x4.min/max need a 7-instruction NaN/zero fix-up in V8.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define ACTLAB_WASM_SIMD 1
#else
#define ACTLAB_WASM_SIMD 0
#endif

#define AL_INLINE inline __attribute__((always_inline))

namespace actlab {

inline float bits_to_float(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
inline uint32_t float_to_bits(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }

// ---------------------------------------------------------------- one lane
struct M1 { uint32_t m; };
struct I1 { int32_t v; };
struct F1 {
  static constexpr int lanes = 1;
  using M = M1; using I = I1;
  float v;
  F1() = default;
  AL_INLINE constexpr F1(float x) : v(x) {}
  static AL_INLINE F1 load(const float* p) { return F1(*p); }
  AL_INLINE void store(float* p) const { *p = v; }
};
AL_INLINE F1 operator+(F1 a, F1 b) { return a.v + b.v; }
AL_INLINE F1 operator-(F1 a, F1 b) { return a.v - b.v; }
AL_INLINE F1 operator*(F1 a, F1 b) { return a.v * b.v; }
AL_INLINE F1 operator/(F1 a, F1 b) { return a.v / b.v; }
AL_INLINE F1 operator-(F1 a) { return -a.v; }
AL_INLINE M1 mk1(bool b) { return M1{b ? 0xffffffffu : 0u}; }
AL_INLINE M1 operator<(F1 a, F1 b) { return mk1(a.v < b.v); }
AL_INLINE M1 operator<=(F1 a, F1 b) { return mk1(a.v <= b.v); }
AL_INLINE M1 operator>(F1 a, F1 b) { return mk1(a.v > b.v); }
AL_INLINE M1 operator>=(F1 a, F1 b) { return mk1(a.v >= b.v); }
AL_INLINE M1 operator==(F1 a, F1 b) { return mk1(a.v == b.v); }
AL_INLINE M1 operator!=(F1 a, F1 b) { return mk1(a.v != b.v); }
AL_INLINE M1 operator&(M1 a, M1 b) { return M1{a.m & b.m}; }
AL_INLINE M1 operator|(M1 a, M1 b) { return M1{a.m | b.m}; }
AL_INLINE M1 operator~(M1 a) { return M1{~a.m}; }
AL_INLINE bool any(M1 a) { return a.m != 0; }
AL_INLINE F1 select(M1 m, F1 a, F1 b) { return m.m ? a : b; }
AL_INLINE F1 keep_where(M1 m, F1 a) { return m.m ? a : F1(0.0f); }  // a where m, else +0
AL_INLINE F1 zero_where(M1 m, F1 a) { return m.m ? F1(0.0f) : a; }  // +0 where m, else a
AL_INLINE M1 isnan(F1 a) { return mk1(a.v != a.v); }
AL_INLINE F1 min(F1 a, F1 b) { return (a.v != a.v || b.v != b.v) ? F1(a.v + b.v) : (a.v < b.v ? a : b); }
AL_INLINE F1 max(F1 a, F1 b) { return (a.v != a.v || b.v != b.v) ? F1(a.v + b.v) : (a.v > b.v ? a : b); }
#if ACTLAB_WASM_SIMD
// clang folds `x < 0 ? 0 : x` into f32.max, which turns -0 into +0; the lane op keeps the 4-lane bits.
AL_INLINE F1 clamp_min(F1 x, F1 lo) {
  return wasm_f32x4_extract_lane(wasm_f32x4_pmax(wasm_f32x4_splat(x.v), wasm_f32x4_splat(lo.v)), 0);
}
AL_INLINE F1 clamp_max(F1 x, F1 hi) {
  return wasm_f32x4_extract_lane(wasm_f32x4_pmin(wasm_f32x4_splat(x.v), wasm_f32x4_splat(hi.v)), 0);
}
#else
AL_INLINE F1 clamp_min(F1 x, F1 lo) { return x.v < lo.v ? lo : x; }
AL_INLINE F1 clamp_max(F1 x, F1 hi) { return hi.v < x.v ? hi : x; }
#endif
AL_INLINE F1 abs(F1 a) { return bits_to_float(float_to_bits(a.v) & 0x7fffffffu); }
AL_INLINE F1 sqrt(F1 a) { return std::sqrt(a.v); }
AL_INLINE F1 nearest(F1 a) { return std::nearbyint(a.v); }
AL_INLINE F1 floor(F1 a) { return std::floor(a.v); }
AL_INLINE I1 to_int(F1 a) {  // truncating, saturating, NaN -> 0 (wasm trunc_sat semantics)
  float x = a.v;
  if (x != x) return I1{0};
  if (x >= 2147483648.0f) return I1{INT32_MAX};
  if (x <= -2147483648.0f) return I1{INT32_MIN};
  return I1{static_cast<int32_t>(x)};
}
AL_INLINE F1 to_float(I1 a) { return static_cast<float>(a.v); }
AL_INLINE I1 as_int(F1 a) { return I1{static_cast<int32_t>(float_to_bits(a.v))}; }
AL_INLINE F1 as_float(I1 a) { return bits_to_float(static_cast<uint32_t>(a.v)); }
AL_INLINE I1 operator+(I1 a, I1 b) { return I1{static_cast<int32_t>(static_cast<uint32_t>(a.v) + static_cast<uint32_t>(b.v))}; }
AL_INLINE I1 operator-(I1 a, I1 b) { return I1{static_cast<int32_t>(static_cast<uint32_t>(a.v) - static_cast<uint32_t>(b.v))}; }
AL_INLINE I1 operator&(I1 a, I1 b) { return I1{a.v & b.v}; }
AL_INLINE I1 operator|(I1 a, I1 b) { return I1{a.v | b.v}; }
AL_INLINE I1 shl(I1 a, int s) { return I1{static_cast<int32_t>(static_cast<uint32_t>(a.v) << s)}; }
AL_INLINE I1 sra(I1 a, int s) { return I1{a.v >> s}; }
AL_INLINE I1 ibroadcast1(int32_t x) { return I1{x}; }
AL_INLINE F1 and_bits(F1 a, uint32_t m) { return bits_to_float(float_to_bits(a.v) & m); }
AL_INLINE F1 xor_bits(F1 a, F1 b) { return bits_to_float(float_to_bits(a.v) ^ float_to_bits(b.v)); }
AL_INLINE F1 or_bits(F1 a, F1 b) { return bits_to_float(float_to_bits(a.v) | float_to_bits(b.v)); }
AL_INLINE float lane(F1 a, int) { return a.v; }

// ---------------------------------------------------------------- four lanes
#if ACTLAB_WASM_SIMD
using raw4 = v128_t;
#else
typedef float rawf4 __attribute__((vector_size(16)));
typedef int32_t rawi4 __attribute__((vector_size(16)));
typedef uint32_t rawu4 __attribute__((vector_size(16)));
using raw4 = rawi4;  // lanes kept as int bits; reinterpret per op
AL_INLINE rawf4 F(raw4 r) { rawf4 f; std::memcpy(&f, &r, 16); return f; }
AL_INLINE raw4 R(rawf4 f) { raw4 r; std::memcpy(&r, &f, 16); return r; }
#endif

struct M4 { raw4 r; };
struct I4 { raw4 r; };
struct F4 {
  static constexpr int lanes = 4;
  using M = M4; using I = I4;
  raw4 r;
  F4() = default;
  AL_INLINE explicit F4(raw4 x) : r(x) {}
#if ACTLAB_WASM_SIMD
  AL_INLINE F4(float x) : r(wasm_f32x4_splat(x)) {}
  static AL_INLINE F4 load(const float* p) { return F4(wasm_v128_load(p)); }
  AL_INLINE void store(float* p) const { wasm_v128_store(p, r); }
#else
  AL_INLINE F4(float x) : r(R(rawf4{x, x, x, x})) {}
  static AL_INLINE F4 load(const float* p) { raw4 x; std::memcpy(&x, p, 16); return F4(x); }
  AL_INLINE void store(float* p) const { std::memcpy(p, &r, 16); }
#endif
};

#if ACTLAB_WASM_SIMD
AL_INLINE F4 operator+(F4 a, F4 b) { return F4(wasm_f32x4_add(a.r, b.r)); }
AL_INLINE F4 operator-(F4 a, F4 b) { return F4(wasm_f32x4_sub(a.r, b.r)); }
AL_INLINE F4 operator*(F4 a, F4 b) { return F4(wasm_f32x4_mul(a.r, b.r)); }
AL_INLINE F4 operator/(F4 a, F4 b) { return F4(wasm_f32x4_div(a.r, b.r)); }
AL_INLINE F4 operator-(F4 a) { return F4(wasm_f32x4_neg(a.r)); }
AL_INLINE M4 operator<(F4 a, F4 b) { return M4{wasm_f32x4_lt(a.r, b.r)}; }
AL_INLINE M4 operator<=(F4 a, F4 b) { return M4{wasm_f32x4_le(a.r, b.r)}; }
AL_INLINE M4 operator>(F4 a, F4 b) { return M4{wasm_f32x4_gt(a.r, b.r)}; }
AL_INLINE M4 operator>=(F4 a, F4 b) { return M4{wasm_f32x4_ge(a.r, b.r)}; }
AL_INLINE M4 operator==(F4 a, F4 b) { return M4{wasm_f32x4_eq(a.r, b.r)}; }
AL_INLINE M4 operator!=(F4 a, F4 b) { return M4{wasm_f32x4_ne(a.r, b.r)}; }
AL_INLINE M4 operator&(M4 a, M4 b) { return M4{wasm_v128_and(a.r, b.r)}; }
AL_INLINE M4 operator|(M4 a, M4 b) { return M4{wasm_v128_or(a.r, b.r)}; }
AL_INLINE M4 operator~(M4 a) { return M4{wasm_v128_not(a.r)}; }
AL_INLINE bool any(M4 a) { return wasm_v128_any_true(a.r); }
AL_INLINE F4 select(M4 m, F4 a, F4 b) { return F4(wasm_v128_bitselect(a.r, b.r, m.r)); }
// select(m, a, 0) and select(m, 0, a) as one v128.and / v128.andnot. LLVM turns an and with a
// compare mask back into a bitselect against zero (3-4 instructions in V8); the empty asm hides
// where the mask came from and costs nothing (a local.set/get).
AL_INLINE v128_t opaque(v128_t m) { __asm__("" : "+r"(m)); return m; }
AL_INLINE F4 keep_where(M4 m, F4 a) { return F4(wasm_v128_and(a.r, opaque(m.r))); }
AL_INLINE F4 zero_where(M4 m, F4 a) { return F4(wasm_v128_andnot(a.r, opaque(m.r))); }
AL_INLINE M4 isnan(F4 a) { return M4{wasm_f32x4_ne(a.r, a.r)}; }
AL_INLINE F4 min(F4 a, F4 b) { return F4(wasm_f32x4_min(a.r, b.r)); }
AL_INLINE F4 max(F4 a, F4 b) { return F4(wasm_f32x4_max(a.r, b.r)); }
AL_INLINE F4 clamp_min(F4 x, F4 lo) { return F4(wasm_f32x4_pmax(x.r, lo.r)); }  // x < lo ? lo : x
AL_INLINE F4 clamp_max(F4 x, F4 hi) { return F4(wasm_f32x4_pmin(x.r, hi.r)); }  // hi < x ? hi : x
AL_INLINE F4 sqrt(F4 a) { return F4(wasm_f32x4_sqrt(a.r)); }
AL_INLINE F4 nearest(F4 a) { return F4(wasm_f32x4_nearest(a.r)); }
AL_INLINE F4 floor(F4 a) { return F4(wasm_f32x4_floor(a.r)); }
AL_INLINE I4 to_int(F4 a) { return I4{wasm_i32x4_trunc_sat_f32x4(a.r)}; }
AL_INLINE F4 to_float(I4 a) { return F4(wasm_f32x4_convert_i32x4(a.r)); }
AL_INLINE I4 as_int(F4 a) { return I4{a.r}; }
AL_INLINE F4 as_float(I4 a) { return F4(a.r); }
AL_INLINE I4 operator+(I4 a, I4 b) { return I4{wasm_i32x4_add(a.r, b.r)}; }
AL_INLINE I4 operator-(I4 a, I4 b) { return I4{wasm_i32x4_sub(a.r, b.r)}; }
AL_INLINE I4 operator&(I4 a, I4 b) { return I4{wasm_v128_and(a.r, b.r)}; }
AL_INLINE I4 operator|(I4 a, I4 b) { return I4{wasm_v128_or(a.r, b.r)}; }
AL_INLINE I4 shl(I4 a, int s) { return I4{wasm_i32x4_shl(a.r, s)}; }
AL_INLINE I4 sra(I4 a, int s) { return I4{wasm_i32x4_shr(a.r, s)}; }
AL_INLINE I4 ibroadcast4(int32_t x) { return I4{wasm_i32x4_splat(x)}; }
AL_INLINE F4 and_bits(F4 a, uint32_t m) { return F4(wasm_v128_and(a.r, wasm_i32x4_splat(static_cast<int32_t>(m)))); }
AL_INLINE F4 xor_bits(F4 a, F4 b) { return F4(wasm_v128_xor(a.r, b.r)); }
AL_INLINE F4 or_bits(F4 a, F4 b) { return F4(wasm_v128_or(a.r, b.r)); }
// Clearing the sign bit with a v128.and (its constant hoisted out of loops) rather than
// f32x4.abs: same bits, and V8 lowers f32x4.abs to more work.
AL_INLINE F4 abs(F4 a) { return and_bits(a, 0x7fffffffu); }
AL_INLINE float lane(F4 a, int i) { float t[4]; a.store(t); return t[i]; }
#else
AL_INLINE F4 operator+(F4 a, F4 b) { return F4(R(F(a.r) + F(b.r))); }
AL_INLINE F4 operator-(F4 a, F4 b) { return F4(R(F(a.r) - F(b.r))); }
AL_INLINE F4 operator*(F4 a, F4 b) { return F4(R(F(a.r) * F(b.r))); }
AL_INLINE F4 operator/(F4 a, F4 b) { return F4(R(F(a.r) / F(b.r))); }
AL_INLINE F4 operator-(F4 a) { return F4(R(-F(a.r))); }
AL_INLINE M4 operator<(F4 a, F4 b) { return M4{F(a.r) < F(b.r)}; }
AL_INLINE M4 operator<=(F4 a, F4 b) { return M4{F(a.r) <= F(b.r)}; }
AL_INLINE M4 operator>(F4 a, F4 b) { return M4{F(a.r) > F(b.r)}; }
AL_INLINE M4 operator>=(F4 a, F4 b) { return M4{F(a.r) >= F(b.r)}; }
AL_INLINE M4 operator==(F4 a, F4 b) { return M4{F(a.r) == F(b.r)}; }
AL_INLINE M4 operator!=(F4 a, F4 b) { return M4{F(a.r) != F(b.r)}; }
AL_INLINE M4 operator&(M4 a, M4 b) { return M4{a.r & b.r}; }
AL_INLINE M4 operator|(M4 a, M4 b) { return M4{a.r | b.r}; }
AL_INLINE M4 operator~(M4 a) { return M4{~a.r}; }
AL_INLINE bool any(M4 a) { return (a.r[0] | a.r[1] | a.r[2] | a.r[3]) != 0; }
AL_INLINE F4 select(M4 m, F4 a, F4 b) { return F4((a.r & m.r) | (b.r & ~m.r)); }
AL_INLINE F4 keep_where(M4 m, F4 a) { return F4(a.r & m.r); }
AL_INLINE F4 zero_where(M4 m, F4 a) { return F4(a.r & ~m.r); }
AL_INLINE M4 isnan(F4 a) { return M4{F(a.r) != F(a.r)}; }
template <class Fn> AL_INLINE F4 map4(F4 a, F4 b, Fn fn) {
  float x[4], y[4], z[4]; a.store(x); b.store(y);
  for (int i = 0; i < 4; ++i) z[i] = fn(F1(x[i]), F1(y[i])).v;
  return F4::load(z);
}
template <class Fn> AL_INLINE F4 map4(F4 a, Fn fn) {
  float x[4], z[4]; a.store(x);
  for (int i = 0; i < 4; ++i) z[i] = fn(F1(x[i])).v;
  return F4::load(z);
}
AL_INLINE F4 min(F4 a, F4 b) { return map4(a, b, [](F1 x, F1 y) { return min(x, y); }); }
AL_INLINE F4 max(F4 a, F4 b) { return map4(a, b, [](F1 x, F1 y) { return max(x, y); }); }
AL_INLINE F4 clamp_min(F4 x, F4 lo) { return select(x < lo, lo, x); }
AL_INLINE F4 clamp_max(F4 x, F4 hi) { return select(hi < x, hi, x); }
AL_INLINE F4 abs(F4 a) { return F4(a.r & 0x7fffffff); }
AL_INLINE F4 sqrt(F4 a) { return map4(a, [](F1 x) { return sqrt(x); }); }
AL_INLINE F4 nearest(F4 a) { return map4(a, [](F1 x) { return nearest(x); }); }
AL_INLINE F4 floor(F4 a) { return map4(a, [](F1 x) { return floor(x); }); }
AL_INLINE I4 to_int(F4 a) {
  float x[4]; a.store(x); raw4 r;
  for (int i = 0; i < 4; ++i) r[i] = to_int(F1(x[i])).v;
  return I4{r};
}
AL_INLINE F4 to_float(I4 a) { return F4(R(__builtin_convertvector(a.r, rawf4))); }
AL_INLINE I4 as_int(F4 a) { return I4{a.r}; }
AL_INLINE F4 as_float(I4 a) { return F4(a.r); }
AL_INLINE I4 operator+(I4 a, I4 b) { return I4{(raw4)((rawu4)a.r + (rawu4)b.r)}; }
AL_INLINE I4 operator-(I4 a, I4 b) { return I4{(raw4)((rawu4)a.r - (rawu4)b.r)}; }
AL_INLINE I4 operator&(I4 a, I4 b) { return I4{a.r & b.r}; }
AL_INLINE I4 operator|(I4 a, I4 b) { return I4{a.r | b.r}; }
AL_INLINE I4 shl(I4 a, int s) { return I4{(raw4)((rawu4)a.r << s)}; }
AL_INLINE I4 sra(I4 a, int s) { return I4{a.r >> s}; }
AL_INLINE I4 ibroadcast4(int32_t x) { return I4{raw4{x, x, x, x}}; }
AL_INLINE F4 and_bits(F4 a, uint32_t m) { return F4(a.r & static_cast<int32_t>(m)); }
AL_INLINE F4 xor_bits(F4 a, F4 b) { return F4(a.r ^ b.r); }
AL_INLINE F4 or_bits(F4 a, F4 b) { return F4(a.r | b.r); }
AL_INLINE float lane(F4 a, int i) { float t[4]; a.store(t); return t[i]; }
#endif

// Broadcast an int32 into the int-lane type of V.
template <class V> AL_INLINE typename V::I ibroadcast(int32_t x);
template <> AL_INLINE I1 ibroadcast<F1>(int32_t x) { return ibroadcast1(x); }
template <> AL_INLINE I4 ibroadcast<F4>(int32_t x) { return ibroadcast4(x); }

// Default wide type for kernels: F4 whenever a 4-lane path exists (always natively;
// in wasm only with SIMD128 — the scalar wasm build runs F1 everywhere).
#if defined(__wasm__) && !ACTLAB_WASM_SIMD
using Wide = F1;
#else
using Wide = F4;
#endif

}  // namespace actlab
