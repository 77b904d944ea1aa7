// module-gen: the class-shaped inputs of module_gen.hpp on stdout, for the wasm stress
// (tests/js/module-stress.js reads them, so both sides run the same texts) and for reproducing
// one input by its index.
//   module-gen [--n N] [--seed S] [--start K]     JSON lines {"i":K,"kind":"...","src":"..."}
//   module-gen --raw K [--seed S]                 input K's bytes, as the native stress ran them
//   module-gen --corpus DIR [--n N] [--max BYTES] N inputs as files (a libFuzzer seed corpus)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "module_gen.hpp"

namespace {
// The stress drivers' default seed: module_stress.cpp and tests/js/module-stress.js use it too.
constexpr uint64_t kDefaultSeed = 20261207;

bool write_all(FILE* f, const std::string& s) { return std::fwrite(s.data(), 1, s.size(), f) == s.size(); }
}  // namespace

int main(int argc, char** argv) {
  using namespace actlab::fuzzgen;
  uint64_t n = 100000, start = 0, seed = kDefaultSeed, max = size_t(1) << 20;
  long long raw = -1;
  const char* corpus = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    if (!v) { std::fprintf(stderr, "module-gen: %s needs a value\n", a.c_str()); return 2; }
    if (a == "--n") n = std::strtoull(v, nullptr, 10);
    else if (a == "--seed") seed = std::strtoull(v, nullptr, 10);
    else if (a == "--start") start = std::strtoull(v, nullptr, 10);
    else if (a == "--max") max = std::strtoull(v, nullptr, 10);
    else if (a == "--raw") raw = std::atoll(v);
    else if (a == "--corpus") corpus = v;
    else { std::fprintf(stderr, "module-gen: unknown option %s\n", a.c_str()); return 2; }
    ++i;
  }
  if (raw >= 0) return write_all(stdout, gen_input(seed, uint64_t(raw), max).src) ? 0 : 1;
  if (corpus) {
    for (uint64_t i = start; i < start + n; ++i) {
      const Module m = gen_input(seed, i, max);
      const std::string path = std::string(corpus) + "/gen-" + std::to_string(seed) + "-" + std::to_string(i);
      FILE* f = std::fopen(path.c_str(), "wb");
      if (!f || !write_all(f, m.src)) { std::perror(path.c_str()); return 1; }
      std::fclose(f);
    }
    return 0;
  }
  std::string line;
  for (uint64_t i = start; i < start + n; ++i) {
    const Module m = gen_input(seed, i, max);
    line = "{\"i\":" + std::to_string(i) + ",\"kind\":\"" + m.kind + "\",\"src\":" + json_string(m.src) + "}\n";
    if (!write_all(stdout, line)) return 1;  // the reader stopped early (a failed run): not our error
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
