// Reader for the PyTorch fixtures written by scripts/gen-reference.py:
// kernels.tsv (one case per line) indexes float32 data in kernels.bin: x[n], g[m], y[m], dx[n].
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "actlab/registry.hpp"

extern std::string g_fixture_dir;

struct FixtureCase {
  std::string fn, params_text, shape_text;
  std::vector<int64_t> shape;
  std::vector<double> params;   // in declaration order, as run() takes them
  std::vector<float> weight;    // PReLU
  std::vector<float> x, g, y, dx;
};

std::vector<FixtureCase> load_fixtures();

// ULP distance between two floats on the ordered integer line (NaN vs NaN = 0).
int64_t ulp_distance(float a, float b);
// torch.testing.assert_close for float32: |a - e| <= atol + rtol |e|, NaN == NaN, infs exact.
bool close_f32(float actual, float expected, double rtol = 1.3e-6, double atol = 1e-5);
