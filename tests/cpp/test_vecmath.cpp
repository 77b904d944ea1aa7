// Accuracy of the vectorized transcendental core against long-double libm, on the 4-lane type
// (SIMD128 in the wasm build) and the 1-lane type. The bounds are the ones stated in vecmath.hpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

#include "actlab/vecmath.hpp"
#include "fixtures.hpp"

using namespace actlab;

namespace {

struct Sweep { int64_t max_ulp = 0; float worst_x = 0; int64_t count = 0; };

// Sweeps float bit patterns with a prime stride (about 1M inputs) inside [lo, hi].
template <class V, class F, class R>
Sweep sweep(F f, R ref, float lo, float hi) {
  Sweep s;
  float buf[4], out[4];
  int k = 0;
  auto flush = [&](int cnt) {
    for (int j = cnt; j < V::lanes; ++j) buf[j] = buf[0];
    for (int j = 0; j < V::lanes && j < 4; j += V::lanes) f(V::load(buf + j)).store(out + j);
    if constexpr (V::lanes == 1) for (int j = 1; j < cnt; ++j) f(V::load(buf + j)).store(out + j);
    for (int j = 0; j < cnt; ++j) {
      const float e = float(ref((long double)buf[j]));
      const int64_t d = ulp_distance(out[j], e);
      if (d > s.max_ulp) { s.max_ulp = d; s.worst_x = buf[j]; }
      s.count++;
    }
  };
  for (uint64_t bits = 0; bits < (1ull << 32); bits += 4093) {
    uint32_t b = uint32_t(bits);
    float x; std::memcpy(&x, &b, 4);
    if (!(x >= lo && x <= hi)) continue;
    buf[k++] = x;
    if (k == 4) { flush(4); k = 0; }
  }
  if (k) flush(k);
  return s;
}

template <class F, class R> void check_fn(const char* name, F f, R ref, float lo, float hi, int64_t bound) {
  Sweep a = sweep<F4>(f, ref, lo, hi);
  Sweep b = sweep<F1>(f, ref, lo, hi);
  std::printf("%-8s max %lld ULP (4-lane), %lld ULP (1-lane), worst x=%.9g, %lld inputs\n", name,
              (long long)a.max_ulp, (long long)b.max_ulp, a.worst_x, (long long)a.count);
  INFO(name << " worst x = " << a.worst_x);
  CHECK(a.max_ulp <= bound);
  CHECK(b.max_ulp <= bound);
}

}  // namespace

TEST_CASE("vectorized exp/expm1/log/log1p/tanh are accurate", "[vecmath]") {
  check_fn("exp", [](auto x) { return vm::exp(x); },
           [](long double x) { return expl(x); }, -87.3f, 88.7f, 1);
  check_fn("expm1", [](auto x) { return vm::expm1(x); },
           [](long double x) { return expm1l(x); }, -88.0f, 88.7f, 1);
  check_fn("log", [](auto x) { return vm::log(x); },
           [](long double x) { return logl(x); }, 0.0f, 3.4e38f, 1);
  check_fn("log1p", [](auto x) { return vm::log1p(x); },
           [](long double x) { return log1pl(x); }, -0.999999f, 3.4e38f, 1);
  check_fn("tanh", [](auto x) { return vm::tanh(x); },
           [](long double x) { return tanhl(x); }, -20.0f, 20.0f, 2);
  check_fn("erf", [](auto x) { return vm::erf(x); },
           [](long double x) { return erfl(x); }, -10.0f, 10.0f, 4);
}

TEST_CASE("1-lane and 4-lane kernels agree bit for bit", "[vecmath]") {
  auto same = [](float a, float b) { return ulp_distance(a, b) == 0; };
  for (float x : {-100.f, -20.f, -3.5f, -1e-7f, 0.f, 1e-30f, 0.3f, 2.f, 50.f, 88.5f}) {
    float a[4], b[4];
    F4 v(x);
    vm::tanh(v).store(a); b[0] = vm::tanh(F1(x)).v; CHECK(same(a[0], b[0]));
    vm::exp(v).store(a); b[0] = vm::exp(F1(x)).v; CHECK(same(a[0], b[0]));
    vm::log1p(v).store(a); b[0] = vm::log1p(F1(x)).v; CHECK(same(a[0], b[0]));
    vm::erf(v).store(a); b[0] = vm::erf(F1(x)).v; CHECK(same(a[0], b[0]));
  }
}

TEST_CASE("special values", "[vecmath]") {
  CHECK(vm::exp(F1(INFINITY)).v == INFINITY);
  CHECK(vm::exp(F1(-INFINITY)).v == 0.0f);
  CHECK(std::isnan(vm::exp(F1(NAN)).v));
  CHECK(vm::expm1(F1(-INFINITY)).v == -1.0f);
  CHECK(vm::expm1(F1(INFINITY)).v == INFINITY);
  CHECK(vm::log(F1(0.0f)).v == -INFINITY);
  CHECK(std::isnan(vm::log(F1(-1.0f)).v));
  CHECK(vm::log(F1(INFINITY)).v == INFINITY);
  CHECK(vm::log1p(F1(-1.0f)).v == -INFINITY);
  CHECK(vm::log1p(F1(INFINITY)).v == INFINITY);
  CHECK(vm::tanh(F1(INFINITY)).v == 1.0f);
  CHECK(vm::tanh(F1(-INFINITY)).v == -1.0f);
  CHECK(std::signbit(vm::tanh(F1(-0.0f)).v));
  CHECK(std::isnan(vm::tanh(F1(NAN)).v));
  CHECK(vm::erf(F1(INFINITY)).v == 1.0f);
  CHECK(vm::erf(F1(-INFINITY)).v == -1.0f);
  CHECK(std::isnan(vm::erf(F1(NAN)).v));
  CHECK(std::signbit(vm::erf(F1(-0.0f)).v));
}

// one_plus_exp_neg and exp_nonpos skip exp()'s range branch; they must give exp()'s bits on
// every input (exhaustively checked once over all 2^32 floats; here a strided sweep + the edges).
TEST_CASE("branch-free exp variants give exp()'s bits", "[vecmath]") {
  auto same = [](float a, float b) { return (std::isnan(a) && std::isnan(b)) || ulp_distance(a, b) == 0; };
  std::vector<float> xs;
  for (uint64_t bits = 0; bits < (1ull << 32); bits += 997) { uint32_t b = uint32_t(bits); float x; std::memcpy(&x, &b, 4); xs.push_back(x); }
  for (float e : {17.3f, 86.9f, 87.0f, 88.0f, 88.72f, 89.0f, 104.0f})  // 200 floats either side
    for (float s : {-1.0f, 1.0f}) {
      float lo = s * e, hi = s * e;
      for (int k = 0; k < 200; ++k) xs.push_back(lo = std::nextafter(lo, -INFINITY)), xs.push_back(hi = std::nextafter(hi, INFINITY));
    }
  for (float x : {0.0f, -0.0f, INFINITY, -INFINITY, NAN}) xs.push_back(x);
  while (xs.size() % 4) xs.push_back(0.0f);
  int64_t bad = 0;
  for (size_t i = 0; i < xs.size(); i += 4) {
    const F4 x = F4::load(&xs[i]), nx = -abs(x);
    float a[4], b[4], c[4], d[4];
    (F4(1.0f) + vm::exp(-x)).store(a);
    vm::one_plus_exp_neg(x).store(b);
    vm::exp(nx).store(c);
    vm::exp_nonpos(nx).store(d);
    for (int k = 0; k < 4; ++k) {
      const F1 x1(xs[i + k]);
      bad += !same(a[k], b[k]) + !same(c[k], d[k]);
      bad += !same((F1(1.0f) + vm::exp(-x1)).v, vm::one_plus_exp_neg(x1).v);
      bad += !same(vm::exp(-abs(x1)).v, vm::exp_nonpos(-abs(x1)).v);
    }
  }
  INFO(xs.size() << " inputs");
  CHECK(bad == 0);
}
