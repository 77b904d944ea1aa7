// Single-precision matrix products for nn.Linear, forward and backward (the depth lab's layers).
// Row-major everywhere, as torch stores tensors: x [M×K], W [N×K] (nn.Linear(K, N).weight), b [N],
// y [M×N]. Every product runs the same register-blocked microkernel over packed panels (gemm.cpp).
// Results are float32 sums in k order (no FMA in wasm SIMD128), so they differ from torch's in the
// last bits; within a call, an element's value does not depend on buffer alignment, on M or on N.
// Packing scratch is per thread and grow-only (at most (256 + 1) × 1024 floats for B, 128 × 256 for A).
#pragma once
#include <cstddef>

namespace actlab {

// C = op(A)·op(B) + beta·C, with op(A) M×K and op(B) K×N, C M×N.
//   A[i*lda + k] (transA false) or A[k*lda + i] (transA true) is op(A)[i][k];
//   B[k*ldb + j] (transB false) or B[j*ldb + k] (transB true) is op(B)[k][j];
//   C[i*ldc + j] is C[i][j].
// beta == 0 overwrites C without reading it (NaN or garbage there does not propagate), as BLAS does.
// bias (null, or N values) is added to every row: C = op(A)·op(B) + bias + beta·C.
// M, N or K may be 0 (K = 0: C = bias + beta·C). Leading dimensions are at least the row lengths
// (lda ≥ K, or M when transA; ldb ≥ N, or K when transB; ldc ≥ N), and C overlaps neither A, B nor bias.
void gemm(int M, int N, int K, const float* A, std::ptrdiff_t lda, bool transA, const float* B, std::ptrdiff_t ldb,
          bool transB, float* C, std::ptrdiff_t ldc, float beta, const float* bias = nullptr);

// nn.Linear(K, N) on a batch of M rows, all buffers dense:
//   y  = x Wᵀ + b            (b may be null)
//   dX = dY W                ([M×N]·[N×K])
//   dW = dYᵀ X  (+ dW)       ([N×M]·[M×K]; accumulate adds to dW, as autograd does across calls)
//   db = Σ_rows dY (+ db)
void linear_forward(int M, int N, int K, const float* x, const float* W, const float* b, float* y);
void linear_grad_input(int M, int N, int K, const float* dY, const float* W, float* dX);
void linear_grad_weight(int M, int N, int K, const float* dY, const float* X, float* dW, bool accumulate);
void linear_grad_bias(int M, int N, const float* dY, float* db, bool accumulate);

}  // namespace actlab
