// The training lab's data: the built-in 2-D datasets, their shuffle and split, the input features,
// and uploaded CSV files. web/lib/train/datasets.py defines the datasets in torch; this is the same
// computation, op for op in float32 (bit for bit: tests/cpp/test_datasets.cpp). Errors come back as
// messages, never as exceptions.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "actlab/random.hpp"

namespace actlab {

constexpr int64_t kMaxDatasetN = 10000;
constexpr int64_t kMaxCsvRows = 100000;
constexpr int64_t kMaxCsvBytes = 16 << 20;  // 100,000 rows of ~160 characters
constexpr int64_t kMaxCsvLine = 1000;       // characters, the line ending excluded
constexpr int kMaxClasses = 10;
constexpr int kMaxCsvErrors = 10;           // reported; the rest are counted

// Points [n, 2] row-major and their targets: labels 0..classes-1, or float targets (classes == 0).
struct Dataset {
  std::vector<float> x;
  std::vector<int32_t> label;
  std::vector<float> target;
  int classes = 0;
  std::vector<double> class_values;  // a CSV's label per class (the built-ins: 0..classes-1)
  int64_t size() const { return int64_t(x.size() / 2); }
};

// circle, xor, gauss, spiral, moons, plane (datasets.py's DATASETS, in its order).
const std::vector<std::string>& dataset_names();
// x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2 (datasets.py's FEATURES).
const std::vector<std::string>& feature_names();

// make_dataset(name, n, noise, seed, classes): drawn from Generator(seed), then shuffled with
// torch.randperm on the same generator. n in 1..kMaxDatasetN, noise in [0, 1]; classes (2..4) is
// read by gauss only. Returns "" or a message.
std::string make_dataset(const std::string& name, int64_t n, double noise, uint64_t seed, int classes, Dataset& out);

// X[perm], y[perm] with perm = torch.randperm(n, generator=g).
void shuffle(Dataset& d, Generator& g);

// round(n * ratio) (Python's round: half to even), the number of training rows.
int64_t split_point(int64_t n, double ratio);

// The columns named (feature_names()) for n points, [n, names.size()] row-major; "" or a message.
std::string make_features(const float* x, int64_t n, const std::vector<std::string>& names, std::vector<float>& out);

// An uploaded CSV: "x1,x2,label" (classification) or "x1,x2,y" (regression) rows with an optional
// header naming which. Without a header, integer third values with 2..kMaxClasses distinct values
// are labels, anything else is a regression target. Labels are remapped to 0..k-1 in increasing
// order (out.class_values keeps them). On failure returns the first message and fills errors with
// up to kMaxCsvErrors "line N: ..." messages (line 0: about the whole file).
struct CsvError {
  int64_t line;
  std::string message;
};
std::string parse_csv(const char* text, size_t len, Dataset& out, std::vector<CsvError>& errors, int64_t& more_errors);

}  // namespace actlab
