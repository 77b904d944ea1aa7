// Loop driver for elementwise kernels. An op is a class template over the vector type:
//   template <class V> struct Op { explicit Op(const Ctx&); V f(V x) const; V df(V x, V g) const; };
// The wide loops (4, 2 and 1 F4 per pass, or F1 in the scalar wasm build) and the remainder loop (F1)
// instantiate the same source, so every lane count computes the same formula.
#pragma once
#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "registry.hpp"
#include "simd.hpp"
#include "vecmath.hpp"

namespace actlab {

// Ops whose f(x) is post(x, pre(x)) (Softplus, LogSigmoid: an exp, then a log1p of it) declare
// pre/post, and the forward runs them in two passes over blocks of kStageBlock elements: fused,
// they hold more constants than x64 has vector registers and spill. A block of pre(x) stays in L1.
template <class T, class = void> struct staged : std::false_type {};
template <class T> struct staged<T, std::void_t<decltype(&T::pre), decltype(&T::post)>> : std::true_type {};
constexpr std::ptrdiff_t kStageBlock = 256;

// Four vectors per pass, then two, then one lane at a time: V8 schedules little across a loop
// body, so independent vectors give it the overlap (eight spill). Loop bounds are pointer-sized
// locals, since stores through the output could alias c; the four-vector loop walks pointers to
// an end pointer, since with an index V8 shuffles registers on every back edge.
template <template <class> class Op> void ew_forward(const Ctx& c) {
  const Op<Wide> w(c);
  const Op<F1> s(c);
  const float* x = c.x;
  float* y = c.out;
  const std::ptrdiff_t n = std::ptrdiff_t(c.n);
  std::ptrdiff_t i = 0;
  constexpr int L = Wide::lanes;
  if constexpr (L > 1 && staged<Op<Wide>>::value) {
    alignas(16) float t[kStageBlock];
    while (n - i >= 2 * L) {
      const std::ptrdiff_t m = std::min<std::ptrdiff_t>(kStageBlock, (n - i) / (2 * L) * (2 * L));
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
  } else if constexpr (L > 1) {
    i = n & ~std::ptrdiff_t(4 * L - 1);
    float* q = y;
    for (const float *p = x, *e = x + i; p != e; p += 4 * L, q += 4 * L) {
      Wide a0 = Wide::load(p), a1 = Wide::load(p + L), a2 = Wide::load(p + 2 * L), a3 = Wide::load(p + 3 * L);
      w.f(a0).store(q);
      w.f(a1).store(q + L);
      w.f(a2).store(q + 2 * L);
      w.f(a3).store(q + 3 * L);
    }
    for (; i + 2 * L <= n; i += 2 * L) {
      Wide a = Wide::load(x + i), b = Wide::load(x + i + L);
      w.f(a).store(y + i);
      w.f(b).store(y + i + L);
    }
  }
  for (; i < n; ++i) s.f(F1::load(x + i)).store(y + i);  // staged ops define f = post(x, pre(x))
}

template <template <class> class Op> void ew_backward(const Ctx& c) {
  const Op<Wide> w(c);
  const Op<F1> s(c);
  const float* x = c.x;
  const float* g = c.g;
  float* y = c.out;
  const std::ptrdiff_t n = std::ptrdiff_t(c.n);
  std::ptrdiff_t i = 0;
  constexpr int L = Wide::lanes;
  if constexpr (L > 1) {
    i = n & ~std::ptrdiff_t(4 * L - 1);
    const float* h = g;
    float* q = y;
    for (const float *p = x, *e = x + i; p != e; p += 4 * L, h += 4 * L, q += 4 * L) {
      Wide a0 = Wide::load(p), a1 = Wide::load(p + L), a2 = Wide::load(p + 2 * L), a3 = Wide::load(p + 3 * L);
      Wide g0 = Wide::load(h), g1 = Wide::load(h + L), g2 = Wide::load(h + 2 * L), g3 = Wide::load(h + 3 * L);
      w.df(a0, g0).store(q);
      w.df(a1, g1).store(q + L);
      w.df(a2, g2).store(q + 2 * L);
      w.df(a3, g3).store(q + 3 * L);
    }
    for (; i + 2 * L <= n; i += 2 * L) {
      Wide a = Wide::load(x + i), b = Wide::load(x + i + L);
      Wide ga = Wide::load(g + i), gb = Wide::load(g + i + L);
      w.df(a, ga).store(y + i);
      w.df(b, gb).store(y + i + L);
    }
  }
  for (; i < n; ++i) s.df(F1::load(x + i), F1::load(g + i)).store(y + i);
}

// Attach an op's kernels to a declaration.
template <template <class> class Op> Fn elementwise(Fn f) {
  f.forward = ew_forward<Op>;
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
