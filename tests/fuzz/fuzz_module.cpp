// libFuzzer target: whole class-shaped pastes (tutorial nn.Module classes, def f(x):, imports,
// asserts, prints) through the expression engine, then every compiled function through
// module_harness.hpp's calls. An input is the paste's text, so the corpus reads as Python.
//
// The custom mutator works at the paste's level with module_gen.hpp: a fresh generated module,
// or one of its mutations (lines changed, duplicated or deleted, tabs mixed in, indentation
// shifted, brackets unbalanced, deep nesting, huge sources, random bytes, non-ASCII, other line
// endings, splices, truncation), or libFuzzer's own byte mutations; the cross-over splices the
// lines of two inputs. The replay build (no libFuzzer) links the same file.
#include <cstdint>
#include <cstring>
#include <string>

#include "module_gen.hpp"
#include "module_harness.hpp"

// libFuzzer's byte mutator; weak, since the corpus replay links this file without libFuzzer.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size) __attribute__((weak));

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  actlab::fuzzgen::exercise(text, actlab::fuzzgen::text_hash(data, size));
  return 0;
}

namespace {
size_t put(const std::string& s, uint8_t* out, size_t max_size) {
  const size_t n = s.size() < max_size ? s.size() : max_size;
  std::memcpy(out, s.data(), n);
  return n;
}
}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  using namespace actlab::fuzzgen;
  Rng r(seed);
  const int how = int(r.below(10));
  if (how < 2 && LLVMFuzzerMutate) return LLVMFuzzerMutate(data, size, max_size);
  std::string s;
  if (how < 3 || size == 0) {
    s = gen_module(r);
    if (r.chance(50)) mutate(s, r, max_size, pick_mutation(r));
  } else {
    s.assign(reinterpret_cast<const char*>(data), size);
    const int count = r.chance(70) ? 1 : int(r.between(2, 3));
    for (int k = 0; k < count; ++k) mutate(s, r, max_size, pick_mutation(r));
  }
  return put(s, data, max_size);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* d1, size_t s1, const uint8_t* d2, size_t s2, uint8_t* out,
                                            size_t max_out, unsigned int seed) {
  using namespace actlab::fuzzgen;
  Rng r(seed);
  const auto a = detail::split_lines(std::string(reinterpret_cast<const char*>(d1), s1));
  const auto b = detail::split_lines(std::string(reinterpret_cast<const char*>(d2), s2));
  // The first lines of one, the last of the other: a class of one paste ends in the other's.
  const size_t ka = r.below(a.size() + 1), kb = r.below(b.size() + 1);
  std::vector<std::string> c(a.begin(), a.begin() + long(ka));
  c.insert(c.end(), b.begin() + long(kb), b.end());
  return put(detail::join_lines(c), out, max_out);
}
