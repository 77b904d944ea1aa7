// The class-shaped stress: N inputs of module_gen.hpp (default 100,000) through
// module_harness.hpp's exercise(), one after the other, with
//   - the time of each input's compile + evaluations (the max, how many took over 100 ms, and
//     the slowest input's start; an input over 1 ms is timed three times and the fastest
//     counts): a report, not a pass/fail check;
//   - the heap in use before and after each input once a warm-up has run (ASan's allocator
//     statistics under ASan, else the bytes live through operator new): an input that grows it
//     again on each rerun is a leak and fails the run; growth that does not come back (a table
//     built on first use) is only reported. The growth reported is the sum over inputs, so the
//     driver's own bookkeeping is not in it;
//   - crashes: under ASan/UBSan (the CTest build) a report names the input to replay.
//   module-stress [--n N] [--seed S] [--start K] [--warmup W] [--max BYTES] [--json TARGET]
// --json prints one line for build/fuzz/report.jsonl on stdout; the summary goes to stderr.
// Reproduce input K alone: module-gen --raw K --seed S > d/in.py, then fuzz-replay-module d
// (a folder), or module-stress --start K --n 1 --warmup 0.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

#include "module_gen.hpp"
#include "module_harness.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define ACTLAB_STRESS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ACTLAB_STRESS_ASAN 1
#endif
#endif
#if ACTLAB_STRESS_ASAN
// The sanitizer runtime's interface, declared here: GCC on Debian ships the runtime without
// its <sanitizer/*.h> headers.
extern "C" size_t __sanitizer_get_current_allocated_bytes();
extern "C" void __sanitizer_set_death_callback(void (*callback)());
#else
#include <malloc.h>
#include <new>
// Live bytes from operator new/delete (the engine allocates through them only): exact, where
// mallinfo2 counts blocks parked in glibc's per-thread cache as in use. libstdc++'s array,
// nothrow and sized forms call these two.
static size_t g_live = 0;
void* operator new(size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  g_live += malloc_usable_size(p);
  return p;
}
void operator delete(void* p) noexcept {
  if (!p) return;
  g_live -= malloc_usable_size(p);
  std::free(p);
}
void operator delete(void* p, size_t) noexcept { operator delete(p); }
#endif

namespace {
using namespace actlab::fuzzgen;

constexpr uint64_t kDefaultSeed = 20261207;  // module_gen.cpp's and tests/js/module-stress.js's too
constexpr double kRetime = 1;  // ms: a first run slower than this is timed again

size_t heap_in_use() {
#if ACTLAB_STRESS_ASAN
  return __sanitizer_get_current_allocated_bytes();
#else
  return g_live;
#endif
}

// The input being run, for the crash report (a fixed buffer: the handler may not allocate).
char g_current[160];

void say_current() {
  const size_t n = std::strlen(g_current);
  if (n && write(2, g_current, n) < 0) {}
}
#if !ACTLAB_STRESS_ASAN
void on_signal(int sig) {
  say_current();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}
#endif

// An error message without its particulars (names, numbers, quoted text): what kind of error.
std::string error_kind(const std::string& m) {
  std::string o;
  bool quoted = false;
  char q = 0;
  for (char c : m) {
    if (quoted) {
      if (c == q) { quoted = false; o += "…'"; }
      continue;
    }
    if (c == '\'' || c == '"') { quoted = true; q = c; o += '\''; continue; }
    if (c >= '0' && c <= '9') { if (o.empty() || o.back() != '#') o += '#'; continue; }
    o += c;
    if (o.size() >= 90) break;
  }
  return o;
}

std::string today() {
  char b[16];
  const std::time_t t = std::time(nullptr);
  std::strftime(b, sizeof b, "%Y-%m-%d", std::gmtime(&t));
  return b;
}
}  // namespace

int main(int argc, char** argv) {
  uint64_t n = 100000, start = 0, seed = kDefaultSeed, max = size_t(1) << 20;
  long long warmup = -1;
  std::string target;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--n") n = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--seed") seed = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--start") start = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--warmup") warmup = std::atoll(v.c_str());
    else if (a == "--max") max = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--json") target = v;
    else { std::fprintf(stderr, "module-stress: unknown option %s\n", a.c_str()); return 2; }
  }
  if (argc % 2 == 0) { std::fprintf(stderr, "module-stress: %s needs a value\n", argv[argc - 1]); return 2; }
  // The warm-up reaches the engine's tables built on first use before the heap is watched.
  const uint64_t warm = warmup >= 0 ? uint64_t(warmup) : std::min<uint64_t>(1000, n / 10);
#if ACTLAB_STRESS_ASAN
  // ASan's own handlers print the stack; a handler of ours would replace them.
  __sanitizer_set_death_callback(say_current);
  const char* build = "asan+ubsan";
#else
  const char* build = "release";
  for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(s, on_signal);
#endif

  using clock = std::chrono::steady_clock;
  const auto t_start = clock::now();
  uint64_t compiled = 0, over = 0, slowest_i = 0, leaks = 0, first_leak = ~uint64_t(0), once = 0;
  double max_ms = 0, total_ms = 0;
  std::string slowest_kind, slowest_head;
  std::map<std::string, uint64_t> errors;
  long long growth = 0;
  // Each input's first error lands in this buffer, reserved once, so that keeping it allocates
  // nothing between the heap readings.
  std::string error;
  error.reserve(1 << 16);
  // One paste that compiles first, so the engine's first-use allocations come before the heap
  // is watched however few of the warm-up inputs compile.
  exercise("import torch\ndef f(x):\n    return x * torch.sigmoid(x)", 1, &error);
  for (uint64_t i = start; i < start + n; ++i) {
    const Module m = gen_input(seed, i, max);
    std::snprintf(g_current, sizeof g_current,
                  "\nmodule-stress: crashed on input %llu (%s) of seed %llu: module-gen --raw %llu --seed %llu\n",
                  (unsigned long long)i, m.kind.size() < 40 ? m.kind.c_str() : "mutated", (unsigned long long)seed,
                  (unsigned long long)i, (unsigned long long)seed);
    const bool watched = i - start >= warm;
    const uint64_t salt = mix_seed(seed, i) ^ 0x5eed;
    const size_t before = watched ? heap_in_use() : 0;
    const auto t0 = clock::now();
    const int compiled_here = exercise(m.src, salt, &error);
    double ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    if (watched) {
      const size_t after = heap_in_use();
      growth += (long long)after - (long long)before;
      if (after > before) {
        // Again twice: a leak grows the heap each time, a first-use table only once.
        size_t b = heap_in_use();
        exercise(m.src, salt, &error);
        const bool grew1 = heap_in_use() > b;
        b = heap_in_use();
        exercise(m.src, salt, &error);
        const size_t b2 = heap_in_use();
        const size_t grew2 = b2 > b ? b2 - b : 0;
        if (grew1 && grew2 > 0) {
          if (!leaks++) first_leak = i;
          std::fprintf(stderr, "module-stress: input %llu grows the heap by %zu bytes on each run: %s\n",
                       (unsigned long long)i, grew2, json_string(m.src, 200).c_str());
        } else {
          ++once;
        }
      }
    }
    // The machine is shared: a slow first run is timed twice more and the fastest counts, so
    // a preempted input does not pass for a slow one.
    for (int again = 0; again < 2 && ms > kRetime; ++again) {
      const auto t1 = clock::now();
      exercise(m.src, salt, &error);
      ms = std::min(ms, std::chrono::duration<double, std::milli>(clock::now() - t1).count());
    }
    total_ms += ms;
    if (ms > 100) ++over;
    if (ms > max_ms) {
      max_ms = ms;
      slowest_i = i;
      slowest_kind = m.kind;
      slowest_head = json_string(m.src, 200);
    }
    compiled += compiled_here ? 1 : 0;
    if (compiled_here == 0) ++errors[error_kind(error)];
    if ((i - start + 1) % 10000 == 0)
      std::fprintf(stderr, "module-stress: %llu inputs, %llu compiled, max %.2f ms\n", (unsigned long long)(i - start + 1),
                   (unsigned long long)compiled, max_ms);
  }
  g_current[0] = 0;
  const double seconds = std::chrono::duration<double>(clock::now() - t_start).count();

  std::vector<std::pair<uint64_t, std::string>> top;
  for (const auto& e : errors) top.push_back({e.second, e.first});
  std::sort(top.rbegin(), top.rend());
  std::fprintf(stderr, "module-stress (%s, seed %llu): %llu inputs in %.1f s, %llu compiled\n", build,
               (unsigned long long)seed, (unsigned long long)n, seconds, (unsigned long long)compiled);
  std::fprintf(stderr, "  time per input: max %.2f ms (input %llu, %s), mean %.3f ms, %llu over 100 ms\n", max_ms,
               (unsigned long long)slowest_i, slowest_kind.c_str(), n ? total_ms / double(n) : 0.0,
               (unsigned long long)over);
  std::fprintf(stderr, "  slowest input starts: %s\n", slowest_head.c_str());
  std::fprintf(stderr, "  heap after %llu warm-up inputs: %+lld bytes over the rest; %llu inputs grew it once, %llu on every run\n",
               (unsigned long long)warm, growth, (unsigned long long)once, (unsigned long long)leaks);
  std::fprintf(stderr, "  most frequent compile errors:\n");
  for (size_t k = 0; k < top.size() && k < 10; ++k)
    std::fprintf(stderr, "    %7llu  %s\n", (unsigned long long)top[k].first, top[k].second.c_str());
  if (!target.empty()) {
    std::printf("{\"target\":\"%s\",\"kind\":\"stress\",\"build\":\"%s\",\"seed\":%llu,\"inputs\":%llu,\"compiled\":%llu,"
                "\"seconds\":%.1f,\"maxMs\":%.2f,\"meanMs\":%.4f,\"over100ms\":%llu,\"slowest\":{\"i\":%llu,\"kind\":\"%s\",\"head\":%s},"
                "\"heapGrowth\":%lld,\"leaks\":%llu,\"failures\":\"%s\",\"date\":\"%s\"}\n",
                target.c_str(), build, (unsigned long long)seed, (unsigned long long)n, (unsigned long long)compiled,
                seconds, max_ms, n ? total_ms / double(n) : 0.0, (unsigned long long)over, (unsigned long long)slowest_i,
                slowest_kind.c_str(), slowest_head.c_str(), growth, (unsigned long long)leaks,
                leaks ? ("leak on input " + std::to_string(first_leak)).c_str() : "", today().c_str());
  }
  return leaks ? 1 : 0;
}
