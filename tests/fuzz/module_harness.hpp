// One class-shaped input through everything the expression API offers: compile, then f and f'
// together, f alone and f' alone, with default and with other parameters, in place, on an empty
// input, the reverse sweep with a gradient, and the canonical text. The libFuzzer target
// (fuzz_module.cpp) and the native stress (module_stress.cpp) share it, so a stress failure
// replays in the fuzz target and the other way round.
// Each class of a paste is compiled by name (ExprOptions::cls), and dim-wise functions go through
// the dim-wise entry points too.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "actlab/expr.hpp"
#include "module_gen.hpp"

namespace actlab {
namespace fuzzgen {

namespace detail {

constexpr int kPoints = 64;

// The awkward floats first (zeros of both signs, denormals, overflow of exp, infinities, NaN),
// then a ramp over [-8, 8].
inline const float* points() {
  static const std::vector<float> x = [] {
    std::vector<float> v = {0.f, -0.f, 1.f, -1.f, 0.5f, -2.5f, 3.f, 1e-30f, -1e30f, 88.f, -104.f,
                            INFINITY, -INFINITY, NAN, 6.f, -6.f, 1e-45f};
    const int ramp = kPoints - int(v.size());
    for (int k = 0; k < ramp; ++k) v.push_back(-8.f + 16.f * float(k) / float(ramp - 1));
    return v;
  }();
  return x.data();
}

// Other parameter values: each from the slider range, an edge, or something hostile.
inline std::vector<double> other_params(const std::vector<ExprParam>& ps, Rng& r) {
  std::vector<double> v(ps.size());
  for (size_t k = 0; k < ps.size(); ++k) {
    switch (r.below(8)) {
      case 0: v[k] = ps[k].lo; break;
      case 1: v[k] = ps[k].hi; break;
      case 2: v[k] = 0; break;
      case 3: v[k] = -ps[k].def; break;
      case 4: v[k] = 1e30; break;
      case 5: v[k] = NAN; break;
      case 6: v[k] = -1; break;
      default: v[k] = ps[k].lo + (ps[k].hi - ps[k].lo) * double(r.below(1001)) / 1000; break;
    }
  }
  return v;
}

inline void run_compiled(const Expr& e, Rng& r) {
  const int n = kPoints;
  const float* x = points();
  std::vector<float> f(n), df(n), g(n), dx(n), buf(n);
  static const float gs[] = {1.f, 0.5f, 0.f, -1.f, INFINITY, -0.f, 2.f, NAN};
  for (int k = 0; k < n; ++k) g[size_t(k)] = gs[size_t(k) % 8];
  const std::vector<double> ps = other_params(expr_params(e), r);
  const double* other = ps.empty() ? nullptr : ps.data();
  expr_eval(e, x, n, nullptr, f.data(), df.data());
  expr_eval(e, x, n, other, f.data(), nullptr);
  expr_eval(e, x, n, other, nullptr, df.data());
  expr_eval(e, x, 0, nullptr, f.data(), df.data());
  std::memcpy(buf.data(), x, sizeof(float) * size_t(n));
  expr_eval(e, buf.data(), n, nullptr, buf.data(), df.data());  // f written over x
  expr_backward(e, x, g.data(), n, nullptr, dx.data());
  expr_backward(e, x, g.data(), n, other, dx.data());
  std::memcpy(buf.data(), g.data(), sizeof(float) * size_t(n));
  expr_backward(e, x, buf.data(), n, nullptr, buf.data());  // dx written over g
  expr_canonical(e);
  if (expr_dimwise(e)) {
    // Shapes of at most kPoints elements (the API sizes buffers by the shape), an empty one
    // among them, and every dim from -ndim to ndim (the last one out of range).
    static const std::vector<std::vector<int64_t>> shapes = {{64}, {8, 8}, {4, 16}, {2, 4, 8}, {64, 1}, {1, 64},
                                                             {0, 4}, {2, 2, 2, 2, 2, 2}};
    std::vector<float> y(n);
    for (int k = 0; k < 3; ++k) {
      const auto& s = shapes[r.below(shapes.size())];
      const int ndim = int(s.size());
      const int64_t dim = int64_t(r.below(size_t(2 * ndim + 1))) - ndim;
      const double* p = r.chance(50) ? nullptr : other;
      expr_eval_dim(e, x, s.data(), ndim, dim, p, y.data());
      expr_backward_dim(e, x, g.data(), s.data(), ndim, dim, p, dx.data());
    }
  }
}

}  // namespace detail

// Returns how many compiles gave a function; the first compile's error message goes to
// *first_error ("" when it compiled). `salt` picks the other parameter values (and the dim-wise
// shapes), so a run is a function of the text and the salt.
inline int exercise(const std::string& src, uint64_t salt, std::string* first_error = nullptr) {
  Rng r(salt);
  int compiled = 0;
  ExprError err;
  if (first_error) first_error->clear();
  // The first class (""), each class by name, and one that is not there.
  std::vector<std::string> classes = class_names(src);
  classes.insert(classes.begin(), std::string());
  classes.push_back("NoSuchClass");
  for (size_t k = 0; k < classes.size(); ++k) {
    ExprOptions opt;
    opt.cls = classes[k];
    std::unique_ptr<Expr> e = compile_expr(src, err, opt);
    if (k == 0 && !e && first_error) *first_error = err.message;
    if (!e) continue;
    ++compiled;
    detail::run_compiled(*e, r);
  }
  return compiled;
}

// A 64-bit FNV-1a of the text: the salt of a corpus input, which has no index.
inline uint64_t text_hash(const uint8_t* p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t k = 0; k < n; ++k) h = (h ^ p[k]) * 0x100000001b3ULL;
  return h;
}

}  // namespace fuzzgen
}  // namespace actlab
