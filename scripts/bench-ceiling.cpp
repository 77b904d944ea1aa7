// npm run bench:ceiling — what the cheap kernels' operations cost natively, next to a copy (x86-64).
//
// bench:browser holds each cheap kernel to 1.5x a copy by the same wasm loop. This asks the
// hardware the same question without a JS engine: hand-written loops of 128-bit AVX
// instructions (the width wasm SIMD128 has; V8 emits these same VEX forms), four vectors per
// pass like actlab's element-wise driver, the same sizes, and inputs cycling the same way
// (ceil(131,072 / N) of them). Each loop does the work of one kernel class, e.g. Hardtanh's
// forward is a max and a min, Softsign's backward three divisions, as torch's formulas are.
// Prints ns/element (median of 9 samples of >= 20 ms) and the ratio to the copy of the same
// direction: forward against y = x, backward against y = x | g.
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

namespace {

using V = __m128;
const V kZero = _mm_setzero_ps(), kOne = _mm_set1_ps(1), kLo = _mm_set1_ps(-1), kHi = _mm_set1_ps(1);
const V kSix = _mm_set1_ps(6), kThree = _mm_set1_ps(3), kSlope = _mm_set1_ps(0.01f), kVal = _mm_set1_ps(20);
const V kAbs = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff)), kSign = _mm_castsi128_ps(_mm_set1_epi32(int(0x80000000u)));

struct Kernel {
  const char* name;
  const char* like;   // the actlab kernels this loop stands for
  bool backward;
  V (*op)(V x, V g);
};

constexpr Kernel kKernels[] = {
  {"copy", "the forward ceiling", false, [](V x, V) { return x; }},
  {"max", "ReLU fwd", false, [](V x, V) { return _mm_max_ps(kZero, x); }},
  {"mul, max", "LeakyReLU, RReLU, PReLU fwd", false, [](V x, V) { return _mm_max_ps(_mm_mul_ps(x, kSlope), x); }},
  {"max, min", "Hardtanh, ReLU6 fwd", false, [](V x, V) { return _mm_min_ps(kHi, _mm_max_ps(kLo, x)); }},
  {"cmp, select", "Threshold fwd", false, [](V x, V) { V m = _mm_cmple_ps(x, kOne); return _mm_or_ps(_mm_and_ps(m, kVal), _mm_andnot_ps(m, x)); }},
  {"and, cmp, and", "Hardshrink fwd", false, [](V x, V) { return _mm_and_ps(_mm_cmpgt_ps(_mm_and_ps(x, kAbs), kOne), x); }},
  {"abs, sign, or, sub, cmp, and", "Softshrink fwd", false, [](V x, V) {
     V d = _mm_sub_ps(x, _mm_or_ps(_mm_and_ps(x, kSign), kOne));  // x - copysign(l, x)
     return _mm_and_ps(_mm_cmpgt_ps(_mm_and_ps(x, kAbs), kOne), d);
   }},
  {"sub, add, max, min, add", "Softshrink fwd, other form", false, [](V x, V) {
     return _mm_add_ps(_mm_max_ps(_mm_sub_ps(x, kOne), kZero), _mm_min_ps(_mm_add_ps(x, kOne), kZero));
   }},
  {"abs, add, div", "Softsign fwd", false, [](V x, V) { return _mm_div_ps(x, _mm_add_ps(kOne, _mm_and_ps(x, kAbs))); }},
  {"add, max, min, div", "Hardsigmoid fwd (Hardswish: one mul more)", false, [](V x, V) { return _mm_div_ps(_mm_min_ps(kSix, _mm_max_ps(kZero, _mm_add_ps(x, kThree))), kSix); }},
  {"copy2", "the backward ceiling (x or g)", true, [](V x, V g) { return _mm_or_ps(x, g); }},
  {"cmp, andnot", "ReLU bwd", true, [](V x, V g) { return _mm_andnot_ps(_mm_cmple_ps(x, kZero), g); }},
  {"2 cmp, 2 and", "Hardtanh, ReLU6 bwd", true, [](V x, V g) { return _mm_and_ps(_mm_and_ps(_mm_cmpgt_ps(x, kLo), _mm_cmplt_ps(x, kHi)), g); }},
  {"div, add, mul", "Hardswish bwd (less its two selects)", true, [](V x, V g) { return _mm_mul_ps(g, _mm_add_ps(_mm_div_ps(x, kThree), _mm_set1_ps(0.5f))); }},
  {"3 div", "Softsign bwd", true, [](V x, V g) {
     V d = _mm_add_ps(kOne, _mm_and_ps(x, kAbs));
     V t = _mm_div_ps(_mm_div_ps(x, d), d);
     return _mm_add_ps(_mm_div_ps(g, d), _mm_xor_ps(_mm_mul_ps(g, t), _mm_and_ps(x, kSign)));
   }},
};

// Four vectors per pass, as actlab's element-wise driver (n is a multiple of 16 here).
template <V (*op)(V, V), bool kBackward>
__attribute__((noinline)) void run(const float* x, const float* g, float* y, long n) {
  for (long i = 0; i < n; i += 16) {
    V a0 = _mm_loadu_ps(x + i), a1 = _mm_loadu_ps(x + i + 4), a2 = _mm_loadu_ps(x + i + 8), a3 = _mm_loadu_ps(x + i + 12);
    V g0 = a0, g1 = a1, g2 = a2, g3 = a3;
    if (kBackward) g0 = _mm_loadu_ps(g + i), g1 = _mm_loadu_ps(g + i + 4), g2 = _mm_loadu_ps(g + i + 8), g3 = _mm_loadu_ps(g + i + 12);
    _mm_storeu_ps(y + i, op(a0, g0));
    _mm_storeu_ps(y + i + 4, op(a1, g1));
    _mm_storeu_ps(y + i + 8, op(a2, g2));
    _mm_storeu_ps(y + i + 12, op(a3, g3));
  }
}


double now_ns() {
  return double(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

}  // namespace

int main() {
  constexpr int kCount = sizeof(kKernels) / sizeof(kKernels[0]);
  using Fn = void (*)(const float*, const float*, float*, long);
  Fn fns[kCount];
  // One loop per kernel, its op inlined (a call per vector would dominate).
  [&]<int... I>(std::integer_sequence<int, I...>) {
    ((fns[I] = run<kKernels[I].op, kKernels[I].backward>), ...);
  }(std::make_integer_sequence<int, kCount>{});

  const long kPool = 131072;
  std::printf("Native 128-bit loops (AVX encoding), four vectors per pass; ns/element, median of 9 samples of >= 20 ms.\n");
  std::printf("ratio = time / the copy of the same direction (forward: y = x; backward: y = x | g).\n\n");
  std::printf("| loop | stands for | 4,096 | ratio | 65,536 | ratio | 1,048,576 | ratio |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
  double res[kCount][3];
  const long sizes[3] = {4096, 65536, 1048576};
  for (int s = 0; s < 3; ++s) {
    const long n = sizes[s], variants = (kPool + n - 1) / n;
    // x, g and y a quarter page apart modulo 4 KiB, as actlab lays out its buffers (4K aliasing).
    std::vector<float> xs(variants * n + 2048), gs(variants * n + 2048), ys(n + 2048);
    float* x = (float*)(((uintptr_t)xs.data() + 4095) & ~uintptr_t(4095));
    float* g = (float*)(((uintptr_t)gs.data() + 4095) & ~uintptr_t(4095)) + 256;
    float* y = (float*)(((uintptr_t)ys.data() + 4095) & ~uintptr_t(4095)) + 512;
    unsigned seed = 12345;
    auto rnd = [&] { seed = seed * 1664525u + 1013904223u; return (seed >> 8) * (1.0 / 16777216.0); };
    for (long i = 0; i < variants * n; ++i) {
      x[i] = float(3 * std::sqrt(-2 * std::log(rnd() + 1e-12)) * std::cos(2 * M_PI * rnd()));
      g[i] = float(std::sqrt(-2 * std::log(rnd() + 1e-12)) * std::cos(2 * M_PI * rnd()));
    }
    // Samples taken in turns (kernel 0, 1, ..., then again), so a slow stretch of this machine
    // falls on all of them alike.
    std::vector<double> per[kCount];
    long v = 0;
    for (int rep = -1; rep < 9; ++rep) {
      for (int k = 0; k < kCount; ++k) {
        auto call = [&] { fns[k](x + v * n, g + v * n, y, n); v = v + 1 == variants ? 0 : v + 1; };
        long calls = 0;
        const double t0 = now_ns();
        double t;
        do { for (int j = 0; j < 16; ++j) call(); calls += 16; t = now_ns(); } while (t - t0 < 2e7);
        if (rep >= 0) per[k].push_back((t - t0) / double(calls) / double(n));  // rep -1: warm-up
      }
    }
    for (int k = 0; k < kCount; ++k) {
      std::nth_element(per[k].begin(), per[k].begin() + 4, per[k].end());
      res[k][s] = per[k][4];
    }
  }
  for (int k = 0; k < kCount; ++k) {
    int ceiling = 0;  // the copy of the same direction: the first loop of its direction in kKernels
    while (kKernels[ceiling].backward != kKernels[k].backward) ++ceiling;
    std::printf("| %s | %s |", kKernels[k].name, kKernels[k].like);
    for (int s = 0; s < 3; ++s) std::printf(" %.3f | %.2f |", res[k][s], res[k][s] / res[ceiling][s]);
    std::printf("\n");
  }
  return 0;
}
