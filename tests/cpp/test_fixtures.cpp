// Every function, forward and backward, against real PyTorch 1.13 (tests/fixtures), with
// torch.testing.assert_close's float32 tolerance. Prints the max ULP error per function.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "fixtures.hpp"

using namespace actlab;

namespace {

struct Stat { int64_t fwd_ulp = 0, bwd_ulp = 0; double fwd_abs = 0, bwd_abs = 0; int cases = 0; int64_t elems = 0; };

// ULP is reported where it means something: finite references with |ref| >= 1e-3. Closer to 0
// both torch's and our results are dominated by cancellation (e.g. 1 - tanh^2 in the tails),
// assert_close is governed by atol there, and the max absolute error is reported instead.
void track(int64_t& worst, double& worst_abs, float a, float e) {
  if (!std::isfinite(e)) return;
  worst_abs = std::max(worst_abs, std::fabs(double(a) - double(e)));
  if (std::fabs(e) < 1e-3f) return;
  const int64_t d = ulp_distance(a, e);
  if (d > worst) worst = d;
}

std::string shape_of(const FixtureCase& c) { return c.shape_text; }

}  // namespace

TEST_CASE("kernels match PyTorch fixtures, forward and backward", "[fixtures]") {
  const std::vector<FixtureCase> cases = load_fixtures();
  REQUIRE(cases.size() > 50);
  std::map<std::string, Stat> stats;
  std::set<std::string> covered;
  for (const FixtureCase& c : cases) {
    const Fn* f = find_fn(c.fn);
    REQUIRE(f != nullptr);
    covered.insert(c.fn);
    std::vector<float> y(c.y.size()), dx(c.x.size());
    const bool has_shape = true;
    std::string e = run(*f, false, c.x.data(), nullptr, 0, y.data(), int64_t(c.x.size()), c.shape.data(),
                        has_shape ? int(c.shape.size()) : -1, c.params.data(), c.weight.data(),
                        int64_t(c.weight.size()));
    INFO(c.fn << " params {" << c.params_text << "} shape " << shape_of(c));
    REQUIRE(e == "");
    e = run(*f, true, c.x.data(), c.g.data(), int64_t(c.g.size()), dx.data(), int64_t(c.x.size()), c.shape.data(),
            int(c.shape.size()), c.params.data(), c.weight.data(), int64_t(c.weight.size()));
    REQUIRE(e == "");
    Stat& s = stats[c.fn];
    s.cases++;
    s.elems += int64_t(c.x.size());
    int bad = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      track(s.fwd_ulp, s.fwd_abs, y[i], c.y[i]);
      if (!close_f32(y[i], c.y[i]) && bad++ < 5)
        FAIL_CHECK("forward x=" << c.x[i] << " (index " << i << "): got " << y[i] << ", torch " << c.y[i]);
    }
    for (size_t i = 0; i < dx.size(); ++i) {
      track(s.bwd_ulp, s.bwd_abs, dx[i], c.dx[i]);
      if (!close_f32(dx[i], c.dx[i]) && bad++ < 10)
        FAIL_CHECK("backward x=" << c.x[i] << " g=" << (i < c.g.size() ? c.g[i] : 0.f) << " (index " << i
                                 << "): got " << dx[i] << ", torch " << c.dx[i]);
    }
  }
  // Every function in the table has fixtures (RReLU's training mode is checked by properties).
  for (const Fn& f : registry()) CHECK(covered.count(f.name) == 1);

  std::printf("\n| function | cases | elements | fwd max ULP | bwd max ULP | fwd max abs err | bwd max abs err |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  for (const Fn& f : registry()) {
    const Stat& s = stats[f.name];
    std::printf("| %s | %d | %lld | %lld | %lld | %.2g | %.2g |\n", f.name.c_str(), s.cases, (long long)s.elems,
                (long long)s.fwd_ulp, (long long)s.bwd_ulp, s.fwd_abs, s.bwd_abs);
  }
}
