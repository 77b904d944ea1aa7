// embind surface: pointers into the wasm heap in, error strings out ("" = ok). No maths here;
// web/lib/actlab.js turns a non-empty string into a thrown Error.
#include <emscripten/bind.h>
#include <malloc.h>

#include "actlab/registry.hpp"

using namespace actlab;

namespace {

template <class T> T* ptr(uintptr_t p) { return reinterpret_cast<T*>(p); }

std::string run_js(int fn, bool backward, uintptr_t x, uintptr_t g, double ng, uintptr_t out, double n,
                   uintptr_t shape, int ndim, uintptr_t params, uintptr_t weight, double nweight) {
  const auto& t = registry();
  if (fn < 0 || fn >= int(t.size())) return "Unknown function index " + std::to_string(fn);
  std::vector<int64_t> s(ndim > 0 ? ndim : 0);
  for (int i = 0; i < ndim; ++i) s[i] = ptr<const int32_t>(shape)[i];
  return run(t[fn], backward, ptr<const float>(x), ptr<const float>(g), int64_t(ng), ptr<float>(out),
             int64_t(n), s.data(), ndim, ptr<const double>(params), ptr<const float>(weight), int64_t(nweight));
}

double out_numel_js(int fn, double n, uintptr_t shape, int ndim, uintptr_t params) {
  std::vector<int64_t> s(ndim > 0 ? ndim : 0);
  for (int i = 0; i < ndim; ++i) s[i] = ptr<const int32_t>(shape)[i];
  return double(out_numel(registry().at(fn), int64_t(n), s.data(), ndim, ptr<const double>(params)));
}

// Writes up to `cap` kink positions to `out`, returns how many there are.
int kinks_js(int fn, uintptr_t params, uintptr_t out, int cap) {
  std::vector<double> k = kinks_of(registry().at(fn), ptr<const double>(params));
  for (int i = 0; i < int(k.size()) && i < cap; ++i) ptr<double>(out)[i] = k[i];
  return int(k.size());
}

bool simd_build() {
#if ACTLAB_WASM_SIMD_BUILD
  return true;
#else
  return false;
#endif
}

// Bytes currently allocated by malloc: the JS tests use it to prove calls leak nothing.
double heap_in_use() { return double(mallinfo().uordblks); }

}  // namespace

EMSCRIPTEN_BINDINGS(actlab) {
  emscripten::function("functionsJson", &functions_json);
  emscripten::function("run", &run_js);
  emscripten::function("outNumel", &out_numel_js);
  emscripten::function("kinks", &kinks_js);
  emscripten::function("simd", &simd_build);
  emscripten::function("heapInUse", &heap_in_use);
}
