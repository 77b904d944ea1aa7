// libFuzzer target: the kernel entry run() with any function, direction, shape, dim, parameter
// bytes and buffer sizes, laid out as the JS wrapper lays them out (x of n floats, out of the
// output's size, gradOutput of ng floats, nweight weights). ASan/UBSan catch what the checks miss.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "actlab/registry.hpp"

namespace {
struct Bytes {
  const uint8_t* p;
  size_t n;
  template <class T> T take() {
    T v{};
    const size_t k = n < sizeof v ? n : sizeof v;
    std::memcpy(&v, p, k);
    p += k;
    n -= k;
    return v;
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace actlab;
  Bytes b{data, size};
  const auto& table = registry();
  const Fn& f = table[b.take<uint8_t>() % table.size()];
  const uint8_t flags = b.take<uint8_t>();
  const bool backward = flags & 1, defaults = flags & 2;
  const int64_t n = b.take<uint16_t>() % 4097;
  // ndim from -1 (no shape) to kMaxDims + 1; dims are int32 as JS writes them, often small.
  const int ndim = int(b.take<uint8_t>() % (kMaxDims + 3)) - 1;
  std::vector<int64_t> shape(static_cast<size_t>(ndim > 0 ? ndim : 0));
  for (auto& d : shape) {
    const uint8_t how = b.take<uint8_t>();
    d = how < 200 ? int64_t(how % 9) : int64_t(b.take<int32_t>());
  }
  std::vector<double> params(f.params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    const uint8_t how = b.take<uint8_t>();
    params[i] = how < 128 ? f.params[i].def : how < 192 ? double(int8_t(how)) / 8 : b.take<double>();
  }
  const int64_t nweight = b.take<uint8_t>() % 9;
  std::vector<float> weight(static_cast<size_t>(nweight), 0.25f);
  std::vector<float> x(static_cast<size_t>(n));
  for (auto& v : x) v = float(int8_t(b.take<uint8_t>())) / 16;
  if (n && (flags & 4)) x[0] = NAN;
  if (n > 1 && (flags & 8)) x[1] = -INFINITY;
  const int64_t nout = backward ? n : f.halves ? n / 2 : n;
  const int64_t ng = backward ? (flags & 16 ? int64_t(b.take<uint16_t>() % 4097) : (f.halves ? n / 2 : n)) : 0;
  std::vector<float> g(static_cast<size_t>(ng), 1.0f), out(static_cast<size_t>(nout));
  std::string err;
  run(f, backward, x.data(), backward ? g.data() : nullptr, ng, out.data(), n, shape.data(), ndim,
      defaults ? nullptr : params.data(), defaults ? nullptr : weight.data(), defaults ? 0 : nweight, err);
  return 0;
}
