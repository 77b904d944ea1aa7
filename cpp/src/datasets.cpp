// The built-in datasets, shuffle, split and features (actlab/datasets.hpp): web/lib/train/datasets.py
// op for op. Built with -ffp-contract=off (CMakeLists.txt): each torch op rounds once, so no
// multiply-add here may be fused. A Python float meeting a float32 tensor is cast to float first,
// as torch does with a scalar operand.
#include <algorithm>
#include <cmath>

#include "actlab/datasets.hpp"

namespace actlab {

namespace {

constexpr double kPi = 3.14159265358979323846;  // math.pi

// datasets.py's _sin/_cos: float64 sin and cos rounded to float. torch's (SLEEF) and the C
// libraries' (glibc natively, musl in wasm) gave the same floats on 16 million inputs.
float sin64(float t) { return float(std::sin(double(t))); }
float cos64(float t) { return float(std::cos(double(t))); }

// datasets.py's _randn: torch.randn(max(n, 8), 2)[:n], the first n rows.
std::vector<float> randn_rows(Generator& g, int64_t n) {
  std::vector<float> z(size_t(2 * std::max<int64_t>(n, 8)));
  randn(g, z.data(), int64_t(z.size()));
  z.resize(size_t(2 * n));
  return z;
}

std::vector<float> uniform(Generator& g, int64_t count) {
  std::vector<float> u(static_cast<size_t>(count));
  rand(g, u.data(), count);
  return u;
}

void circle(Dataset& d, int64_t n, float noise, Generator& g) {
  const std::vector<float> u = uniform(g, 4 * n);
  const int64_t inner = (n + 1) / 2;
  const float two_pi = float(2 * kPi);
  for (int64_t i = 0; i < n; ++i) {
    const float* r4 = &u[size_t(4 * i)];
    const float r = i < inner ? r4[0] * 2.5f : r4[0] * 1.5f + 3.5f;
    const float a = r4[1] * two_pi;
    const float x1 = r * sin64(a), x2 = r * cos64(a);
    const float v1 = x1 + (r4[2] * 10.0f - 5.0f) * noise;
    const float v2 = x2 + (r4[3] * 10.0f - 5.0f) * noise;
    d.x[size_t(2 * i)] = x1;
    d.x[size_t(2 * i + 1)] = x2;
    d.label[size_t(i)] = v1 * v1 + v2 * v2 < 6.25f;
  }
}

void xor_(Dataset& d, int64_t n, float noise, Generator& g) {
  const std::vector<float> u = uniform(g, 4 * n);
  for (int64_t i = 0; i < n; ++i) {
    const float* r4 = &u[size_t(4 * i)];
    float v[2];
    for (int k = 0; k < 2; ++k) {
      float x = r4[k] * 10.0f - 5.0f;
      x = x > 0 ? x + 0.3f : x - 0.3f;
      d.x[size_t(2 * i + k)] = x;
      v[k] = x + (r4[2 + k] * 10.0f - 5.0f) * noise;
    }
    d.label[size_t(i)] = v[0] * v[1] >= 0;
  }
}

void gauss(Dataset& d, int64_t n, double noise, int classes, Generator& g) {
  static const float centers[4][2] = {{2, 2}, {-2, -2}, {-2, 2}, {2, -2}};
  const float std = float(std::sqrt(0.5 + 7 * noise));
  const std::vector<float> z = randn_rows(g, n);
  for (int64_t i = 0; i < n; ++i) {
    const int c = int(i % classes);
    for (int k = 0; k < 2; ++k) d.x[size_t(2 * i + k)] = centers[c][k] + z[size_t(2 * i + k)] * std;
    d.label[size_t(i)] = c;
  }
}

void spiral(Dataset& d, int64_t n, float noise, Generator& g) {
  const float m = float((n + 1) / 2), turn = float(3.5 * kPi), pi = float(kPi);
  const std::vector<float> u = uniform(g, 2 * n);
  for (int64_t i = 0; i < n; ++i) {
    const int c = int(i % 2);
    const float f = float(i / 2) / m;
    const float r = f * 5.0f;
    const float t = f * turn + float(c) * pi;
    d.x[size_t(2 * i)] = r * sin64(t) + (u[size_t(2 * i)] * 2.0f - 1.0f) * noise;
    d.x[size_t(2 * i + 1)] = r * cos64(t) + (u[size_t(2 * i + 1)] * 2.0f - 1.0f) * noise;
    d.label[size_t(i)] = c;
  }
}

void moons(Dataset& d, int64_t n, float noise, Generator& g) {
  const std::vector<float> u = uniform(g, n);
  const std::vector<float> z = randn_rows(g, n);
  const float pi = float(kPi);
  for (int64_t i = 0; i < n; ++i) {
    const int c = int(i % 2);
    const float a = u[size_t(i)] * pi;
    const float co = cos64(a), si = sin64(a);
    const float x1 = (c == 0 ? co : 1.0f - co) + z[size_t(2 * i)] * noise;
    const float x2 = (c == 0 ? si : 0.5f - si) + z[size_t(2 * i + 1)] * noise;
    d.x[size_t(2 * i)] = (x1 - 0.5f) * 3.0f;
    d.x[size_t(2 * i + 1)] = (x2 - 0.25f) * 3.0f;
    d.label[size_t(i)] = c;
  }
}

void plane(Dataset& d, int64_t n, float noise, Generator& g) {
  std::vector<float> u = uniform(g, 4 * n);
  for (float& v : u) v = v * 12.0f - 6.0f;
  for (int64_t i = 0; i < n; ++i) {
    const float* r4 = &u[size_t(4 * i)];
    d.x[size_t(2 * i)] = r4[0];
    d.x[size_t(2 * i + 1)] = r4[1];
    const float v1 = r4[0] + r4[2] * noise, v2 = r4[1] + r4[3] * noise;
    d.target[size_t(i)] = (v1 + v2) * 0.1f;
  }
}

}  // namespace

const std::vector<std::string>& dataset_names() {
  static const std::vector<std::string> names = {"circle", "xor", "gauss", "spiral", "moons", "plane"};
  return names;
}

const std::vector<std::string>& feature_names() {
  static const std::vector<std::string> names = {"x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"};
  return names;
}

std::string make_dataset(const std::string& name, int64_t n, double noise, uint64_t seed, int classes, Dataset& out) {
  out = Dataset{};
  const auto& names = dataset_names();
  if (std::find(names.begin(), names.end(), name) == names.end())
    return "unknown dataset '" + name + "' (circle, xor, gauss, spiral, moons or plane)";
  if (n < 1 || n > kMaxDatasetN) return "n must be between 1 and 10,000, got " + std::to_string(n);
  if (!(noise >= 0 && noise <= 1)) return "noise must be between 0 and 1, got " + torch_num(noise);
  if (name == "gauss" && (classes < 2 || classes > 4)) return "classes must be 2, 3 or 4, got " + std::to_string(classes);
  Generator g(seed);
  out.x.resize(size_t(2 * n));
  const float nz = float(noise);
  if (name == "plane") {
    out.target.resize(size_t(n));
    plane(out, n, nz, g);
  } else {
    out.label.resize(size_t(n));
    out.classes = name == "gauss" ? classes : 2;
    if (name == "circle") circle(out, n, nz, g);
    if (name == "xor") xor_(out, n, nz, g);
    if (name == "gauss") gauss(out, n, noise, classes, g);
    if (name == "spiral") spiral(out, n, nz, g);
    if (name == "moons") moons(out, n, nz, g);
    for (int c = 0; c < out.classes; ++c) out.class_values.push_back(c);
  }
  shuffle(out, g);
  return "";
}

void shuffle(Dataset& d, Generator& g) {
  const int64_t n = d.size();
  std::vector<int64_t> perm(static_cast<size_t>(n));
  randperm(g, perm.data(), n);
  Dataset s;
  s.x.resize(d.x.size());
  s.label.resize(d.label.size());
  s.target.resize(d.target.size());
  for (int64_t i = 0; i < n; ++i) {
    const size_t p = size_t(perm[size_t(i)]);
    s.x[size_t(2 * i)] = d.x[2 * p];
    s.x[size_t(2 * i + 1)] = d.x[2 * p + 1];
    if (!d.label.empty()) s.label[size_t(i)] = d.label[p];
    if (!d.target.empty()) s.target[size_t(i)] = d.target[p];
  }
  d.x.swap(s.x);
  d.label.swap(s.label);
  d.target.swap(s.target);
}

int64_t split_point(int64_t n, double ratio) {
  return int64_t(std::nearbyint(double(n) * ratio));  // the default rounding: half to even
}

std::string make_features(const float* x, int64_t n, const std::vector<std::string>& names, std::vector<float>& out) {
  const auto& all = feature_names();
  std::vector<int> which;
  for (const std::string& s : names) {
    const auto it = std::find(all.begin(), all.end(), s);
    if (it == all.end()) return "unknown feature '" + s + "' (x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2)";
    which.push_back(int(it - all.begin()));
  }
  if (which.empty()) return "choose at least one feature";
  const size_t k = which.size();
  out.assign(size_t(n) * k, 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    const float x1 = x[2 * i], x2 = x[2 * i + 1];
    for (size_t j = 0; j < k; ++j) {
      float v = 0;
      switch (which[j]) {
        case 0: v = x1; break;
        case 1: v = x2; break;
        case 2: v = x1 * x1; break;
        case 3: v = x2 * x2; break;
        case 4: v = x1 * x2; break;
        case 5: v = sin64(x1); break;
        default: v = sin64(x2); break;
      }
      out[size_t(i) * k + j] = v;
    }
  }
  return "";
}

}  // namespace actlab
