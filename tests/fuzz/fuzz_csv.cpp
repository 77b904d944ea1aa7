// libFuzzer target: the training lab's CSV reader on any bytes. A file it accepts must hold what
// the lab relies on (finite points, labels within their classes, at most the row limit), and
// goes on through the shuffle, the split and every feature; one it refuses must say why.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "actlab/datasets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace actlab;
  Dataset d;
  std::vector<CsvError> errors;
  int64_t more = 0;
  const std::string err = parse_csv(reinterpret_cast<const char*>(data), size, d, errors, more);
  if (!err.empty()) {
    if (errors.empty() || err != errors[0].message || !d.x.empty()) __builtin_trap();
    return 0;
  }
  const int64_t n = d.size();
  if (n < 1 || n > kMaxCsvRows || !errors.empty()) __builtin_trap();
  for (float v : d.x)
    if (!std::isfinite(v)) __builtin_trap();
  if (d.classes) {
    if (d.classes < 2 || d.classes > kMaxClasses || int64_t(d.label.size()) != n || int(d.class_values.size()) != d.classes)
      __builtin_trap();
    for (int32_t c : d.label)
      if (c < 0 || c >= d.classes) __builtin_trap();
  } else {
    if (int64_t(d.target.size()) != n) __builtin_trap();
    for (float v : d.target)
      if (!std::isfinite(v)) __builtin_trap();
  }
  Generator g(size);
  shuffle(d, g);
  const int64_t k = split_point(n, size % 2 ? 0.8 : 0.5);
  if (k < 0 || k > n) __builtin_trap();
  std::vector<float> f;
  if (!make_features(d.x.data(), n, feature_names(), f).empty() || int64_t(f.size()) != 7 * n) __builtin_trap();
  return 0;
}
