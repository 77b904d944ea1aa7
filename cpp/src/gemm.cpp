// f32 GEMM in the manner of XNNPACK's f32-gemm wasmsimd "loadsplat" microkernels (written from a
// reading of their structure, not their code):
//   - B is packed into panels NR columns wide: a header row (the bias, or zeros), then NR floats per
//     k, so the kernel reads it with aligned, contiguous vector loads;
//   - the microkernel keeps an MR×NR tile of C in registers, MR·NV f32x4 accumulators, and per k
//     broadcasts one A value per row (v128.load32_splat: a broadcast load on x86, no shuffle) and
//     multiplies it into the NV vectors of B: a mul and an add, wasm SIMD128 has no fused multiply-add;
//   - one k per pass of the inner loop (why not unrolled: see tile());
//   - A is read in place when it is not transposed (rows are contiguous in k), and packed into
//     k-major panels when it is (dW = dYᵀX), which makes its reads contiguous again;
//   - edges: the last panel of B is as narrow as its columns round up to (4 or 8), the last tile of
//     rows runs a kernel with that many rows (1..MR), and a tile narrower than its panel goes out
//     through a small stack buffer;
//   - cache blocking: KC steps of k per pass keep a B micro-panel (KC×NR) in L1 while it meets every
//     row of an MC×KC block of A (in L2); later K passes add onto C.
// The same source builds the 4-lane kernel (SIMD128, and GCC vectors in the native test build) and
// the 1-lane one (scalar wasm), through simd.hpp's Wide.
#include "actlab/gemm.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>

#include "actlab/simd.hpp"

namespace actlab {
namespace {

using std::ptrdiff_t;
using V = Wide;
constexpr int L = V::lanes;
// 4×2 vectors: 8 accumulators + 2 of B + 4 broadcasts of A = 14 of x86's 16 xmm registers (V8
// keeps one as scratch). XNNPACK picks 4x8 for wasm on x86 for this reason (6x8 for ARM's 32); here
// 6x8 spilled and ran at 60% of 4x8's speed in both node 20 and Chromium 156, and 5x8 at 60% in
// node 20 and the same in Chromium.
constexpr int MR = 4;
constexpr int NV = 2;
constexpr int NR = NV * L;
constexpr int KC = 256;   // B micro-panel KC×NR×4 bytes = 8 KB, in L1 next to A's rows
constexpr int MC = 128;   // A block MC×KC×4 bytes = 128 KB, in L2
constexpr int NC = 1024;  // columns of B packed per pass (≤ 1 MB of scratch)

// Grow-only scratch, aligned to a cache line, one per thread.
class Scratch {
 public:
  float* get(size_t n) {
    if (n > cap_) {
      buf_.reset(new float[n + 16]);
      cap_ = n;
    }
    const auto p = reinterpret_cast<uintptr_t>(buf_.get());
    return reinterpret_cast<float*>((p + 63) & ~uintptr_t(63));
  }

 private:
  std::unique_ptr<float[]> buf_;
  size_t cap_ = 0;
};
thread_local Scratch g_pack_a, g_pack_b;

// One step of k: acc[r][w] += a(r, k)·b[k][w], with a(r, k) at *ar[r] and b[k] at b.
template <int R, int W>
AL_INLINE void step(V (&acc)[R][W], const float* const (&ar)[R], const float* b) {
  V bv[W];
  for (int w = 0; w < W; ++w) bv[w] = V::load(b + w * L);
  for (int r = 0; r < R; ++r) {
    const V av(*ar[r]);  // clang emits v128.load32_splat
    for (int w = 0; w < W; ++w) acc[r][w] = acc[r][w] + av * bv[w];
  }
}

// C[R × nr] = header + Σ_k a(r, k)·b[k] + beta·C, nr ≤ W·L. A is read as a[k*R + r] (Packed: a
// k-major panel) or a[r*lda + k] (A's own rows). b: the panel, header first.
template <int R, int W, bool Packed>
void tile(ptrdiff_t kc, const float* a, ptrdiff_t lda, const float* b, float* c, ptrdiff_t ldc, int nr, float beta) {
  V acc[R][W];
  for (int w = 0; w < W; ++w) acc[0][w] = V::load(b + w * L);
  for (int r = 1; r < R; ++r)
    for (int w = 0; w < W; ++w) acc[r][w] = acc[0][w];
  b += W * L;
  constexpr ptrdiff_t ks = Packed ? R : 1;  // floats from a(r, k) to a(r, k + 1)
  const float* ar[R];
  for (int r = 0; r < R; ++r) ar[r] = Packed ? a + r : a + r * lda;
  // One k per pass, as XNNPACK's loadsplat kernels. Unrolled by 2 or 4, the toolchain (LLVM's
  // stackifier, then binaryen) nests each accumulator's updates of all the unrolled steps into one
  // expression, so every step's B vectors and A broadcasts are loaded up front and live together:
  // 20+ vectors, which V8 spills on x86 (node 20: 9.5 flop/cycle unrolled by 4, 12 rolled;
  // Chromium 156: 12.5 and 13.7). Rolled, a pass holds 8 accumulators, 2 of B and 4 of A.
  for (ptrdiff_t k = 0; k < kc; ++k) {
    step(acc, ar, b);
    for (int r = 0; r < R; ++r) ar[r] += ks;
    b += W * L;
  }

  if (nr == W * L) {
    if (beta == 0.0f) {
      for (int r = 0; r < R; ++r)
        for (int w = 0; w < W; ++w) acc[r][w].store(c + r * ldc + w * L);
    } else {
      const V vb(beta);
      for (int r = 0; r < R; ++r)
        for (int w = 0; w < W; ++w) (acc[r][w] + vb * V::load(c + r * ldc + w * L)).store(c + r * ldc + w * L);
    }
    return;
  }
  float t[R][W * L];  // the tile is narrower than its panel: store the first nr columns
  for (int r = 0; r < R; ++r)
    for (int w = 0; w < W; ++w) acc[r][w].store(&t[r][w * L]);
  for (int r = 0; r < R; ++r) {
    float* cr = c + r * ldc;
    if (beta == 0.0f)
      for (int j = 0; j < nr; ++j) cr[j] = t[r][j];
    else
      for (int j = 0; j < nr; ++j) cr[j] = t[r][j] + beta * cr[j];
  }
}

using TileFn = void (*)(ptrdiff_t, const float*, ptrdiff_t, const float*, float*, ptrdiff_t, int, float);

// tile<mr, wv> for 1 ≤ mr ≤ MR, 1 ≤ wv ≤ NV.
template <bool Packed, int R, int W = NV>
TileFn pick_w(int wv) {
  if constexpr (W > 1)
    if (wv < W) return pick_w<Packed, R, W - 1>(wv);
  return &tile<R, W, Packed>;
}
template <bool Packed, int R = MR>
TileFn pick(int mr, int wv) {
  if constexpr (R > 1)
    if (mr < R) return pick<Packed, R - 1>(mr, wv);
  return pick_w<Packed, R>(wv);
}

// op(A) = Aᵀ, rows [i0, i0+mc) and k in [p0, p0+kc): k-major panels of MR rows (the last one mr),
// panel ir at dst + ir*kc. Row i of op(A) is column i of A, so each k is mr consecutive floats.
void pack_a_t(const float* A, ptrdiff_t lda, int i0, int mc, int p0, int kc, float* dst) {
  for (int ir = 0; ir < mc; ir += MR) {
    const int mr = std::min(MR, mc - ir);
    const float* s = A + ptrdiff_t(p0) * lda + i0 + ir;
    float* d = dst + ptrdiff_t(ir) * kc;
    if (mr == MR && MR % L == 0) {
      for (int k = 0; k < kc; ++k)
        for (int r = 0; r < MR; r += L) V::load(s + k * lda + r).store(d + k * MR + r);
    } else {
      for (int k = 0; k < kc; ++k)
        for (int r = 0; r < mr; ++r) d[k * mr + r] = s[k * lda + r];
    }
  }
}

#if ACTLAB_WASM_SIMD
// dst[u*ldd + c] = src[c*lds + u] for a 4×4 block.
AL_INLINE void transpose4x4(const float* src, ptrdiff_t lds, float* dst, ptrdiff_t ldd) {
  const v128_t r0 = wasm_v128_load(src), r1 = wasm_v128_load(src + lds);
  const v128_t r2 = wasm_v128_load(src + 2 * lds), r3 = wasm_v128_load(src + 3 * lds);
  const v128_t lo01 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), lo23 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
  const v128_t hi01 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), hi23 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  wasm_v128_store(dst, wasm_i64x2_shuffle(lo01, lo23, 0, 2));
  wasm_v128_store(dst + ldd, wasm_i64x2_shuffle(lo01, lo23, 1, 3));
  wasm_v128_store(dst + 2 * ldd, wasm_i64x2_shuffle(hi01, hi23, 0, 2));
  wasm_v128_store(dst + 3 * ldd, wasm_i64x2_shuffle(hi01, hi23, 1, 3));
}
#endif

// op(B) columns [j0, j0+nc), k in [p0, p0+kc): panels of NR columns (the last one rounded up to
// whole vectors, zero-padded), panel jr at dst + jr*(kc+1): a header (bias[j], or 0), then kc rows.
void pack_b(const float* B, ptrdiff_t ldb, bool trans, int p0, int kc, int j0, int nc, const float* bias, float* dst) {
  for (int jr = 0; jr < nc; jr += NR) {
    const int nr = std::min(NR, nc - jr);
    const int w = (nr + L - 1) / L * L;
    float* d = dst + ptrdiff_t(jr) * (kc + 1);
    for (int c = 0; c < w; ++c) d[c] = bias && c < nr ? bias[jr + c] : 0.0f;
    d += w;
    if (!trans) {  // op(B)[k][j] = B[k*ldb + j]: nr consecutive floats per k
      const float* s = B + ptrdiff_t(p0) * ldb + j0 + jr;
      if (nr == NR) {
        for (int k = 0; k < kc; ++k)
          for (int c = 0; c < NR; c += L) V::load(s + k * ldb + c).store(d + k * NR + c);
      } else {
        for (int k = 0; k < kc; ++k)
          for (int c = 0; c < w; ++c) d[k * w + c] = c < nr ? s[k * ldb + c] : 0.0f;
      }
    } else {  // op(B)[k][j] = B[j*ldb + k]: a transpose, row by row of B
      const float* s = B + ptrdiff_t(j0 + jr) * ldb + p0;
      int k0 = 0;
#if ACTLAB_WASM_SIMD
      // Whole panels 4 k at a time: 4×4 blocks transposed in registers (8 shuffles for 8 loads
      // and 8 stores), 3-4x the speed of the scalar gather, which showed at small batches
      // (forward at M = 16, 128×128: a third of the time went to packing W).
      if (nr == NR && NR == 8) {
        for (; k0 + 4 <= kc; k0 += 4)
          for (int h = 0; h < NR; h += 4) transpose4x4(s + h * ldb + k0, ldb, d + k0 * NR + h, NR);
      }
#endif
      for (int c = 0; c < w; ++c) {
        if (c < nr)
          for (int k = k0; k < kc; ++k) d[k * w + c] = s[c * ldb + k];
        else
          for (int k = k0; k < kc; ++k) d[k * w + c] = 0.0f;
      }
    }
  }
}

}  // namespace

void gemm(int M, int N, int K, const float* A, ptrdiff_t lda, bool transA, const float* B, ptrdiff_t ldb, bool transB,
          float* C, ptrdiff_t ldc, float beta, const float* bias) {
  if (M <= 0 || N <= 0) return;
  K = std::max(K, 0);
  const int kcmax = std::min(KC, K), ncmax = std::min(NC, (N + NR - 1) / NR * NR);
  float* bp = g_pack_b.get(size_t(kcmax + 1) * ncmax);
  float* ap = transA ? g_pack_a.get(size_t(std::min(MC, M) + MR) * kcmax) : nullptr;
  for (int jc = 0; jc < N; jc += NC) {
    const int nc = std::min(NC, N - jc);
    int pc = 0;
    do {  // at least once: K = 0 still writes bias + beta·C
      const int kc = std::min(KC, K - pc);
      pack_b(B, ldb, transB, pc, kc, jc, nc, pc == 0 ? (bias ? bias + jc : nullptr) : nullptr, bp);
      const float bt = pc == 0 ? beta : 1.0f;  // later passes add onto the first one's C
      for (int ic = 0; ic < M; ic += MC) {
        const int mc = std::min(MC, M - ic);
        if (transA) pack_a_t(A, lda, ic, mc, pc, kc, ap);
        for (int jr = 0; jr < nc; jr += NR) {
          const int nr = std::min(NR, nc - jr);
          const int wv = (nr + L - 1) / L;
          const float* b = bp + ptrdiff_t(jr) * (kc + 1);
          float* c = C + ptrdiff_t(ic) * ldc + jc + jr;
          for (int ir = 0; ir < mc; ir += MR) {
            const int mr = std::min(MR, mc - ir);
            if (transA)
              pick<true>(mr, wv)(kc, ap + ptrdiff_t(ir) * kc, 0, b, c + ir * ldc, ldc, nr, bt);
            else
              pick<false>(mr, wv)(kc, A + ptrdiff_t(ic + ir) * lda + pc, lda, b, c + ir * ldc, ldc, nr, bt);
          }
        }
      }
      pc += kc;
    } while (pc < K);
  }
}

void linear_forward(int M, int N, int K, const float* x, const float* W, const float* b, float* y) {
  gemm(M, N, K, x, K, false, W, K, true, y, N, 0.0f, b);
}

void linear_grad_input(int M, int N, int K, const float* dY, const float* W, float* dX) {
  gemm(M, K, N, dY, N, false, W, K, false, dX, K, 0.0f);
}

void linear_grad_weight(int M, int N, int K, const float* dY, const float* X, float* dW, bool accumulate) {
  gemm(N, K, M, dY, N, true, X, K, false, dW, K, accumulate ? 1.0f : 0.0f);
}

// Column sums in row order, four vectors of columns at a time held in registers over all rows;
// the old db (accumulate) is added last, as autograd adds a new gradient onto the stored one.
void linear_grad_bias(int M, int N, const float* dY, float* db, bool accumulate) {
  auto finish = [&](auto s, int j) {
    using T = decltype(s);
    if (accumulate) s = s + T::load(db + j);
    s.store(db + j);
  };
  int j = 0;
  for (; j + 4 * L <= N; j += 4 * L) {
    V s0(0.0f), s1(0.0f), s2(0.0f), s3(0.0f);
    for (const float *p = dY + j, *e = dY + ptrdiff_t(M) * N + j; p != e; p += N) {
      s0 = s0 + V::load(p);
      s1 = s1 + V::load(p + L);
      s2 = s2 + V::load(p + 2 * L);
      s3 = s3 + V::load(p + 3 * L);
    }
    finish(s0, j);
    finish(s1, j + L);
    finish(s2, j + 2 * L);
    finish(s3, j + 3 * L);
  }
  for (; j < N; ++j) {
    F1 s(0.0f);
    for (int i = 0; i < M; ++i) s = s + F1::load(dY + ptrdiff_t(i) * N + j);
    finish(s, j);
  }
}

}  // namespace actlab
