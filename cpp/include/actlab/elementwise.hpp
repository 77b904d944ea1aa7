// Loop driver for elementwise kernels. An op is a class template over the vector type:
//   template <class V> struct Op { explicit Op(const Ctx&); V f(V x) const; V df(V x, V g) const; };
// The wide loop (2 x F4, or F1 in the scalar wasm build) and the remainder loop (F1)
// instantiate the same source, so every lane count computes the same formula.
#pragma once
#include <algorithm>
#include <cstddef>

#include "registry.hpp"
#include "simd.hpp"
#include "vecmath.hpp"

namespace actlab {

template <template <class> class Op> void ew_forward(const Ctx& c) {
  const Op<Wide> w(c);
  const Op<F1> s(c);
  const float* x = c.x;
  float* y = c.out;
  // Locals, pointer-sized: stores through y could alias c (c.n was reloaded every pass), and an
  // int64 index cost a wrap and extra adds per pass in wasm32.
  const std::ptrdiff_t n = std::ptrdiff_t(c.n);
  std::ptrdiff_t i = 0;
  constexpr int L = Wide::lanes;
  if constexpr (L > 1) {
    for (; i + 2 * L <= n; i += 2 * L) {
      Wide a = Wide::load(x + i), b = Wide::load(x + i + L);
      w.f(a).store(y + i);
      w.f(b).store(y + i + L);
    }
  }
  for (; i < n; ++i) s.f(F1::load(x + i)).store(y + i);
}

template <template <class> class Op> void ew_backward(const Ctx& c) {
  const Op<Wide> w(c);
  const Op<F1> s(c);
  const float* x = c.x;
  const float* g = c.g;
  float* y = c.out;
  // Locals, pointer-sized: stores through y could alias c (c.n was reloaded every pass), and an
  // int64 index cost a wrap and extra adds per pass in wasm32.
  const std::ptrdiff_t n = std::ptrdiff_t(c.n);
  std::ptrdiff_t i = 0;
  constexpr int L = Wide::lanes;
  if constexpr (L > 1) {
    for (; i + 2 * L <= n; i += 2 * L) {
      Wide a = Wide::load(x + i), b = Wide::load(x + i + L);
      Wide ga = Wide::load(g + i), gb = Wide::load(g + i + L);
      w.df(a, ga).store(y + i);
      w.df(b, gb).store(y + i + L);
    }
  }
  for (; i < n; ++i) s.df(F1::load(x + i), F1::load(g + i)).store(y + i);
}

// Forward in two passes over blocks, for ops whose f(x) is post(x, pre(x)) (Softplus and
// LogSigmoid: an exp, then a log1p of it). Fused in one loop, V8 runs them ~1.4x slower than as
// two loops: together they hold more constants than x64 has vector registers, and the spills
// sit on the critical path. A block of pre(x) stays in L1 for the second pass.
template <template <class> class Op> void ew_forward_staged(const Ctx& c) {
  const Op<Wide> w(c);
  const Op<F1> s(c);
  const float* x = c.x;
  float* y = c.out;
  const std::ptrdiff_t n = std::ptrdiff_t(c.n);
  std::ptrdiff_t i = 0;
  constexpr int L = Wide::lanes;
  if constexpr (L > 1) {
    constexpr std::ptrdiff_t kBlock = 256;
    alignas(16) float t[kBlock];
    while (n - i >= 2 * L) {
      const std::ptrdiff_t m = std::min<std::ptrdiff_t>(kBlock, (n - i) / (2 * L) * (2 * L));
      for (std::ptrdiff_t j = 0; j < m; j += 2 * L) {
        w.pre(Wide::load(x + i + j)).store(t + j);
        w.pre(Wide::load(x + i + j + L)).store(t + j + L);
      }
      for (std::ptrdiff_t j = 0; j < m; j += 2 * L) {  // reads x[k] before writing y[k]: y may be x
        w.post(Wide::load(x + i + j), Wide::load(t + j)).store(y + i + j);
        w.post(Wide::load(x + i + j + L), Wide::load(t + j + L)).store(y + i + j + L);
      }
      i += m;
    }
  }
  for (; i < n; ++i) {
    const F1 v = F1::load(x + i);
    s.post(v, s.pre(v)).store(y + i);
  }
}

// Attach an op's kernels to a declaration.
template <template <class> class Op> Fn elementwise(Fn f) {
  f.forward = ew_forward<Op>;
  f.backward = ew_backward<Op>;
  return f;
}

template <template <class> class Op> Fn elementwise_staged(Fn f) {
  f.forward = ew_forward_staged<Op>;
  f.backward = ew_backward<Op>;
  return f;
}

// Shorthands for declarations.
inline Param num(const char* name, double def, double lo, double hi, const char* doc,
                 double min = -std::numeric_limits<double>::infinity(),
                 double max = std::numeric_limits<double>::infinity()) {
  Param p; p.name = name; p.kind = PKind::Number; p.def = def; p.lo = lo; p.hi = hi;
  p.min = min; p.max = max; p.doc = doc; return p;
}
inline std::vector<double> no_kinks(const double*) { return {}; }

}  // namespace actlab
