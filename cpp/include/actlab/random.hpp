// torch's CPU generator (CPUGeneratorImpl over at::mt19937) and the fills torch 1.13 runs for
// contiguous float32 tensors: rand, randn, Tensor.uniform_ and Tensor.normal_, bit for bit as
// the AVX2 build (the capability torch picks on the machines the fixtures come from).
// web/lib/tensor/rng.js is the same generator in JS (the console's worker has no wasm).
#pragma once
#include <cstdint>
#include <string>

namespace actlab {

class Generator {
 public:
  static constexpr uint64_t kDefaultSeed = 67280421310721ULL;  // c10::detail::default_rng_seed_val

  explicit Generator(uint64_t seed = kDefaultSeed) { manual_seed(seed); }

  // torch.manual_seed: at::mt19937 keeps the seed's low 32 bits; the cached normal is dropped.
  void manual_seed(uint64_t seed);
  uint64_t initial_seed() const { return seed_; }

  uint32_t random();    // one mt19937 output
  uint64_t random64();  // (first << 32) | second, as CPUGeneratorImpl::random64

  // at::uniform_real_distribution<T>(0, 1): 24 random bits / 2^24 (one draw), 53 bits / 2^53
  // (random64, two draws).
  float uniform_float();
  double uniform_double();

  // at::normal_distribution<double>(0, 1): Box-Muller on two uniform doubles; the sine half is
  // kept for the next call (torch's next_double_normal_sample).
  double normal_double();
  bool has_cached_normal() const { return has_next_normal_; }

 private:
  void twist();
  uint64_t seed_ = 0;
  uint32_t state_[624];
  int next_ = 624;
  bool has_next_normal_ = false;
  double next_normal_ = 0;
};

// torch.rand / Tensor.uniform_() with the defaults: n uniform floats.
void rand(Generator& g, float* out, int64_t n);
// torch.randn / Tensor.normal_() with the defaults.
void randn(Generator& g, float* out, int64_t n);

// Tensor.uniform_(from, to) on n contiguous floats: torch's checks and messages, then
// fma(u, float(to) - float(from), float(from)) per element (GCC fused the AVX2 kernel's
// x * (to - from) + from). Returns "" or torch's message; nothing is drawn on an error.
std::string uniform_(Generator& g, float* out, int64_t n, double from, double to);

// Tensor.normal_(mean, std) on n contiguous floats. n >= 16: normal_fill_AVX2 (all uniforms
// first, 16-wide Box-Muller in float, a ragged end redraws the last 16, then
// fma(z, float(std), float(mean))); n < 16: normal_distribution<double> per element, scaled as
// fma(z, std, mean) in double (fused by GCC too), then rounded to float.
std::string normal_(Generator& g, float* out, int64_t n, double mean, double std);

// torch.randperm(n, generator=g) on the CPU: for i < n - 1, i swapped with i + random() % (n - i)
// (checked against torch 1.13 up to n = 100,000; the lab's largest is a CSV's 100,000 rows).
void randperm(Generator& g, int64_t* out, int64_t n);

// A double as C++'s ostream prints it (%g, 6 digits): how TORCH_CHECK formats numbers.
std::string torch_num(double v);
// A Python float as repr() prints it ("1e-05", "-1.0", "inf"): how Python's messages format numbers.
std::string py_repr(double v);

}  // namespace actlab
