// The GEMM kernels (actlab/gemm.hpp) against a triple loop in double, over every shape class the
// tiling treats differently: 1×N and N×1, M and N below, at and past the 4×8 tile and its multiples,
// K = 0, 1, below and past the K block (256) and large (4096), M past the row block (128), N past the
// column block (1024), all four transpose combinations, beta 0 / 1 / 0.5, bias null or not, leading
// dimensions wider than the rows.
//
// Tolerance: every element is a float32 sum of at most K + 2 terms (K products, the bias, beta·C),
// each term rounded once when formed (the product; beta·C) and the partial sums rounded once per
// addition, in any order of blocks. Higham's bound for such a sum (Accuracy and Stability of Numerical
// Algorithms, §3.1) is |computed − exact| ≤ γ(K+3)·Σ|terms|, γ(n) = n·u / (1 − n·u), u = 2⁻²⁴: a
// worst case that holds for every input, so the check cannot flake. The double reference's own error
// (≈ K·2⁻⁵³ relative) is far below it. Typical errors are about √K·u·Σ|terms|; the worst ratio
// error / bound over each test is printed to show the bound is not loose by orders of magnitude by
// accident of a broken test.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "actlab/gemm.hpp"

using namespace actlab;

namespace {

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  float next() {  // uniform in [-1, 1)
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return float(int32_t(uint32_t(s >> 32))) * 0x1p-31f;
  }
  std::vector<float> vec(size_t n) {
    std::vector<float> v(n);
    for (float& x : v) x = next();
    return v;
  }
};

double gamma_n(int64_t n) {
  const double u = 0x1p-24;
  return n * u / (1 - n * u);
}

struct Problem {
  int M, N, K;
  bool ta, tb;
  float beta;
  bool with_bias;
  int pad;  // extra floats at the end of every row of A, B and C (leading dimension > row length)
};

// Runs gemm on fresh random data and compares with the double reference; returns the worst
// error / bound ratio (≤ 1 passes).
double check(const Problem& p, uint64_t seed) {
  const int rowsA = p.ta ? p.K : p.M, colsA = p.ta ? p.M : p.K;
  const int rowsB = p.tb ? p.N : p.K, colsB = p.tb ? p.K : p.N;
  const ptrdiff_t lda = colsA + p.pad, ldb = colsB + p.pad, ldc = p.N + p.pad;
  Rng rng(seed);
  std::vector<float> A = rng.vec(size_t(rowsA) * lda + 1), B = rng.vec(size_t(rowsB) * ldb + 1);
  std::vector<float> C0 = rng.vec(size_t(p.M) * ldc + 1), bias = rng.vec(size_t(p.N) + 1);
  if (p.beta == 0)  // beta = 0 must not read C: NaN there would show
    for (float& c : C0) c = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> C = C0;
  gemm(p.M, p.N, p.K, A.data(), lda, p.ta, B.data(), ldb, p.tb, C.data(), ldc, p.beta,
       p.with_bias ? bias.data() : nullptr);
  double worst = 0;
  int bad = 0;
  for (int i = 0; i < p.M; ++i) {
    for (int j = 0; j < p.N; ++j) {
      double ref = 0, mag = 0;
      if (p.with_bias) { ref += bias[j]; mag += std::fabs(bias[j]); }
      if (p.beta != 0) { ref += double(p.beta) * C0[i * ldc + j]; mag += std::fabs(double(p.beta) * C0[i * ldc + j]); }
      for (int k = 0; k < p.K; ++k) {
        const double a = p.ta ? A[k * lda + i] : A[i * lda + k];
        const double b = p.tb ? B[j * ldb + k] : B[k * ldb + j];
        ref += a * b;
        mag += std::fabs(a * b);
      }
      const double bound = gamma_n(p.K + 3) * mag + 1e-37;
      const double err = std::fabs(double(C[i * ldc + j]) - ref);
      if (!(err <= bound)) {
        if (bad++ < 3) UNSCOPED_INFO("C[" << i << "][" << j << "] = " << C[i * ldc + j] << ", reference " << ref << ", bound " << bound);
      }
      worst = std::max(worst, err / bound);
    }
    // padding past each row of C is never written
    for (int j = p.N; j < ldc; ++j)
      if (std::memcmp(&C[i * ldc + j], &C0[i * ldc + j], 4) != 0) bad++;
  }
  CHECK(bad == 0);
  return worst;
}

}  // namespace

TEST_CASE("gemm: every shape class, transpose, beta and bias against a double triple loop", "[gemm]") {
  // {M, N, K}
  const int shapes[][3] = {
      {1, 1, 1},    {1, 37, 19},  {37, 1, 19},  {1, 1, 300},  {5, 7, 1},    {4, 8, 4},     {8, 16, 8},
      {3, 5, 7},    {2, 9, 3},    {13, 17, 29}, {16, 9, 64},  {12, 24, 33}, {64, 64, 64},  {33, 65, 257},
      {129, 30, 20}, {7, 1030, 5}, {17, 19, 4096}, {3, 5, 0},  {6, 12, 520},
  };
  double worst = 0;
  int cases = 0;
  uint64_t seed = 1;
  for (auto& s : shapes) {
    for (int t = 0; t < 4; ++t) {
      for (float beta : {0.0f, 1.0f, 0.5f}) {
        for (bool with_bias : {false, true}) {
          const Problem p{s[0], s[1], s[2], bool(t & 1), bool(t & 2), beta, with_bias, int(seed % 3 == 0 ? 3 : 0)};
          INFO("M=" << p.M << " N=" << p.N << " K=" << p.K << " transA=" << p.ta << " transB=" << p.tb
                    << " beta=" << p.beta << " bias=" << p.with_bias << " pad=" << p.pad);
          worst = std::max(worst, check(p, seed++));
          cases++;
        }
      }
    }
  }
  std::printf("gemm: %d cases, worst error / bound %.3g (bound: gamma_n(K+3) * sum|terms|)\n", cases, worst);
  CHECK(worst <= 1);
}

TEST_CASE("gemm: big square and the depth lab's shapes", "[gemm]") {
  double worst = 0;
  worst = std::max(worst, check({256, 256, 256, false, false, 0.0f, false, 0}, 101));
  worst = std::max(worst, check({256, 128, 128, false, true, 0.0f, true, 0}, 102));   // y = x Wᵀ + b
  worst = std::max(worst, check({256, 128, 128, false, false, 0.0f, false, 0}, 103)); // dX = dY W
  worst = std::max(worst, check({128, 128, 256, true, false, 1.0f, false, 0}, 104));  // dW += dYᵀ X
  worst = std::max(worst, check({300, 1100, 40, false, true, 0.5f, true, 1}, 105));   // past MC and NC
  std::printf("gemm big shapes: worst error / bound %.3g\n", worst);
  CHECK(worst <= 1);
}

TEST_CASE("linear_forward / grad_input / grad_weight / grad_bias are nn.Linear's products", "[gemm]") {
  const int shapes[][3] = {{1, 1, 1}, {1, 10, 3}, {10, 1, 3}, {7, 5, 1}, {9, 13, 11}, {256, 128, 128}, {33, 70, 300}};
  uint64_t seed = 500;
  for (auto& s : shapes) {
    const int M = s[0], N = s[1], K = s[2];
    INFO("M=" << M << " N=" << N << " K=" << K);
    Rng rng(seed++);
    const std::vector<float> x = rng.vec(size_t(M) * K), W = rng.vec(size_t(N) * K), b = rng.vec(N), dY = rng.vec(size_t(M) * N);
    const std::vector<float> dW0 = rng.vec(size_t(N) * K), db0 = rng.vec(N);
    std::vector<float> y(size_t(M) * N), dX(size_t(M) * K), dW = dW0, db = db0, ynb(size_t(M) * N);
    linear_forward(M, N, K, x.data(), W.data(), b.data(), y.data());
    linear_forward(M, N, K, x.data(), W.data(), nullptr, ynb.data());
    linear_grad_input(M, N, K, dY.data(), W.data(), dX.data());
    std::vector<float> dWa = dW0, dba = db0;
    linear_grad_weight(M, N, K, dY.data(), x.data(), dW.data(), false);
    linear_grad_weight(M, N, K, dY.data(), x.data(), dWa.data(), true);
    linear_grad_bias(M, N, dY.data(), db.data(), false);
    linear_grad_bias(M, N, dY.data(), dba.data(), true);
    auto near = [](double got, double ref, double mag, int terms) { return std::fabs(got - ref) <= gamma_n(terms + 3) * mag + 1e-37; };
    int bad = 0;
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) {
        double r = b[j], m = std::fabs(b[j]);
        for (int k = 0; k < K; ++k) { r += double(x[i * K + k]) * W[j * K + k]; m += std::fabs(double(x[i * K + k]) * W[j * K + k]); }
        bad += !near(y[i * N + j], r, m, K);
        bad += !near(ynb[i * N + j], r - b[j], m - std::fabs(b[j]), K);
      }
    for (int i = 0; i < M; ++i)
      for (int k = 0; k < K; ++k) {
        double r = 0, m = 0;
        for (int j = 0; j < N; ++j) { r += double(dY[i * N + j]) * W[j * K + k]; m += std::fabs(double(dY[i * N + j]) * W[j * K + k]); }
        bad += !near(dX[i * K + k], r, m, N);
      }
    for (int j = 0; j < N; ++j)
      for (int k = 0; k < K; ++k) {
        double r = 0, m = 0;
        for (int i = 0; i < M; ++i) { r += double(dY[i * N + j]) * x[i * K + k]; m += std::fabs(double(dY[i * N + j]) * x[i * K + k]); }
        bad += !near(dW[j * K + k], r, m, M);
        bad += !near(dWa[j * K + k], r + dW0[j * K + k], m + std::fabs(dW0[j * K + k]), M);
      }
    for (int j = 0; j < N; ++j) {
      double r = 0, m = 0;
      for (int i = 0; i < M; ++i) { r += dY[i * N + j]; m += std::fabs(dY[i * N + j]); }
      bad += !near(db[j], r, m, M);
      bad += !near(dba[j], r + db0[j], m + std::fabs(db0[j]), M);
    }
    CHECK(bad == 0);
  }
}

TEST_CASE("gemm results do not depend on buffer alignment, M or N", "[gemm]") {
  // Every operand shifted by 0..3 floats (so 16-byte vectors straddle differently): bit-identical.
  const int M = 13, N = 21, K = 37;
  Rng rng(77);
  const std::vector<float> x = rng.vec(M * K + 4), W = rng.vec(N * K + 4), b = rng.vec(N + 4), dY = rng.vec(M * N + 4);
  std::vector<float> ref_y, ref_dx, ref_dw, ref_db, ref_t;
  for (int off = 0; off < 4; ++off) {
    INFO("offset " << off << " floats");
    std::vector<float> xs(x.begin() + off, x.end()), Ws(W.begin() + off, W.end()), bs(b.begin() + off, b.end()), dYs(dY.begin() + off, dY.end());
    std::vector<float> y(M * N + 4), dX(M * K + 4), dW(N * K + 4), db(N + 4), t(K * M + 4);
    // Outputs shifted too; inputs are the same values at shifted addresses.
    std::vector<float> xa(M * K + 4), Wa(N * K + 4), ba(N + 4), dYa(M * N + 4);
    std::copy(x.begin(), x.begin() + M * K, xa.begin() + off);
    std::copy(W.begin(), W.begin() + N * K, Wa.begin() + off);
    std::copy(b.begin(), b.begin() + N, ba.begin() + off);
    std::copy(dY.begin(), dY.begin() + M * N, dYa.begin() + off);
    linear_forward(M, N, K, xa.data() + off, Wa.data() + off, ba.data() + off, y.data() + off);
    linear_grad_input(M, N, K, dYa.data() + off, Wa.data() + off, dX.data() + off);
    linear_grad_weight(M, N, K, dYa.data() + off, xa.data() + off, dW.data() + off, false);
    linear_grad_bias(M, N, dYa.data() + off, db.data() + off, false);
    gemm(K, M, N, Wa.data() + off, K, true, dYa.data() + off, N, true, t.data() + off, M, 0.0f);  // (dY W)ᵀ
    auto cut = [&](const std::vector<float>& v, int n) { return std::vector<float>(v.begin() + off, v.begin() + off + n); };
    if (off == 0) {
      ref_y = cut(y, M * N); ref_dx = cut(dX, M * K); ref_dw = cut(dW, N * K); ref_db = cut(db, N); ref_t = cut(t, K * M);
    } else {
      CHECK(std::memcmp(cut(y, M * N).data(), ref_y.data(), 4 * M * N) == 0);
      CHECK(std::memcmp(cut(dX, M * K).data(), ref_dx.data(), 4 * M * K) == 0);
      CHECK(std::memcmp(cut(dW, N * K).data(), ref_dw.data(), 4 * N * K) == 0);
      CHECK(std::memcmp(cut(db, N).data(), ref_db.data(), 4 * N) == 0);
      CHECK(std::memcmp(cut(t, K * M).data(), ref_t.data(), 4 * K * M) == 0);
    }
  }
  // One row, or one column, computed alone equals the same element of the whole product (the edge
  // kernels sum in the same order as the full tiles).
  std::vector<float> y(M * N);
  linear_forward(M, N, K, x.data(), W.data(), b.data(), y.data());
  for (int i = 0; i < M; ++i) {
    std::vector<float> row(N);
    linear_forward(1, N, K, x.data() + i * K, W.data(), b.data(), row.data());
    CHECK(std::memcmp(row.data(), y.data() + i * N, 4 * N) == 0);
  }
  for (int j = 0; j < N; ++j) {
    std::vector<float> col(M);
    linear_forward(M, 1, K, x.data(), W.data() + j * K, b.data() + j, col.data());
    for (int i = 0; i < M; ++i) CHECK(std::memcmp(&col[i], &y[i * N + j], 4) == 0);
  }
}
