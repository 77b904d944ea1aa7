// Softmax family along one dim: Softmax, Softmin (= softmax(-x)), LogSoftmax, Softmax2d (dim -3).
// A tensor is viewed as [outer, size, inner] around the dim. Rows along the last dim (inner == 1)
// are contiguous and vectorized along the row; otherwise blocks of adjacent columns (inner
// positions) are swept row by row, vectorized across the block.
#include <algorithm>
#include <cmath>

#include "actlab/elementwise.hpp"

namespace actlab {
namespace {

enum class Kind { Soft, Min, Log };

struct Layout { int64_t outer = 1, size = 1, inner = 1; };
Layout layout_of(const Ctx& c) {
  Layout l;
  for (int d = 0; d < int(c.shape.size()); ++d) {
    if (d < c.dim) l.outer *= c.shape[d];
    else if (d == c.dim) l.size = c.shape[d];
    else l.inner *= c.shape[d];
  }
  return l;
}

// Slices along a dim that is not the last: a block of up to kBlock adjacent inner positions
// (columns) at a time, each pass sweeping the rows k in order over the block's contiguous
// stretch, with the per-column max/sum/dot in small arrays. Walking one column group down all
// rows instead strides by `inner` floats: with a power-of-two stride every row lands in the same
// cache set. Per column, the same operations in the same order as
// the row path's scalar form, so 4-lane and 1-lane columns agree.
constexpr int64_t kBlock = 256;
void soft_block(Kind kind, bool backward, const float* x, const float* g, float* out, int64_t size,
                int64_t inner, int64_t w) {
  constexpr int L = Wide::lanes;
  const float sg = kind == Kind::Min ? -1.0f : 1.0f;
  alignas(16) float m[kBlock], s[kBlock], d[kBlock];
  const bool keep = kind != Kind::Log && out != g;  // as in soft_row: e^(x - m) kept in out
  // fn(T{}, j) for every column j of the block: 4 lanes at a time, then one.
  auto cols = [&](auto fn) {
    int64_t j = 0;
    if constexpr (L > 1) for (; j + L <= w; j += L) fn(Wide(0.0f), j);
    for (; j < w; ++j) fn(F1(0.0f), j);
  };
  auto rows = [&](auto fn) { for (int64_t k = 0; k < size; ++k) cols([&](auto v, int64_t j) { fn(v, k * inner + j, j); }); };
  auto X = [&](auto v, int64_t i) { using T = decltype(v); return T::load(x + i) * T(sg); };
  cols([&](auto v, int64_t j) { using T = decltype(v); T(-INFINITY).store(m + j); T(0.0f).store(s + j); T(0.0f).store(d + j); });
  rows([&](auto v, int64_t i, int64_t j) { using T = decltype(v); max(T::load(m + j), X(v, i)).store(m + j); });
  rows([&](auto v, int64_t i, int64_t j) {
    using T = decltype(v);
    const T e = vm::exp_nonpos(X(v, i) - T::load(m + j));
    if (keep) e.store(out + i);
    (T::load(s + j) + e).store(s + j);
  });
  if (kind == Kind::Log) {
    cols([&](auto v, int64_t j) { using T = decltype(v); (T::load(m + j) + vm::log(T::load(s + j))).store(m + j); });  // m := lse
    if (!backward) {
      rows([&](auto v, int64_t i, int64_t j) { using T = decltype(v); (X(v, i) - T::load(m + j)).store(out + i); });
      return;
    }
    rows([&](auto v, int64_t i, int64_t j) { using T = decltype(v); (T::load(d + j) + T::load(g + i)).store(d + j); });
    rows([&](auto v, int64_t i, int64_t j) {
      using T = decltype(v);
      (T::load(g + i) - vm::exp_nonpos(X(v, i) - T::load(m + j)) * T::load(d + j)).store(out + i);
    });
    return;
  }
  cols([&](auto v, int64_t j) { using T = decltype(v); (T(1.0f) / T::load(s + j)).store(s + j); });  // s := 1 / s
  auto p = [&](auto v, int64_t i, int64_t j) {
    using T = decltype(v);
    return (keep ? T::load(out + i) : vm::exp_nonpos(X(v, i) - T::load(m + j))) * T::load(s + j);
  };
  if (!backward) {
    rows([&](auto v, int64_t i, int64_t j) { p(v, i, j).store(out + i); });
    return;
  }
  rows([&](auto v, int64_t i, int64_t j) {
    using T = decltype(v);
    const T y = p(v, i, j);
    if (keep) y.store(out + i);
    (T::load(d + j) + T::load(g + i) * y).store(d + j);
  });
  rows([&](auto v, int64_t i, int64_t j) {
    using T = decltype(v);
    const T y = keep ? T::load(out + i) : p(v, i, j);
    ((T::load(g + i) - T::load(d + j)) * y * T(sg)).store(out + i);
  });
}

[[maybe_unused]] float hsum(F4 v) { return (lane(v, 0) + lane(v, 1)) + (lane(v, 2) + lane(v, 3)); }
[[maybe_unused]] float hsum(F1 v) { return v.v; }
[[maybe_unused]] float hmax(F4 v) { return max(max(F1(lane(v, 0)), F1(lane(v, 1))), max(F1(lane(v, 2)), F1(lane(v, 3)))).v; }
[[maybe_unused]] float hmax(F1 v) { return v.v; }

// One contiguous row (dim is the last dim): reductions run 4-wide then fold.
void soft_row(Kind kind, bool backward, const float* x, const float* g, float* out, int64_t size) {
  using V = Wide;
  constexpr int L = V::lanes;
  const float sg = kind == Kind::Min ? -1.0f : 1.0f;
  // Apply `fn(vector value, index)` over the row, 4-wide then scalar, for both vector types.
  auto each = [&](auto fn) {
    int64_t k = 0;
    for (; k + L <= size; k += L) fn(V::load(x + k) * V(sg), k);
    for (; k < size; ++k) fn(F1(x[k] * sg), k);
  };
  // The row max with clamp_min (one instruction, where max's NaN handling costs seven in V8)
  // and NaN tracked on the side: any NaN makes the max NaN, as torch's max does.
  V mv(-INFINITY), mv2(-INFINITY); F1 ms(-INFINITY);
  auto nan = isnan(V(0.0f));
  {
    const V vs(sg);
    int64_t k = 0;
    for (; k + 2 * L <= size; k += 2 * L) {
      const V a = V::load(x + k) * vs, b = V::load(x + k + L) * vs;
      nan = nan | isnan(a) | isnan(b);
      mv = clamp_min(a, mv);
      mv2 = clamp_min(b, mv2);
    }
    for (; k + L <= size; k += L) {
      const V a = V::load(x + k) * vs;
      nan = nan | isnan(a);
      mv = clamp_min(a, mv);
    }
    for (; k < size; ++k) ms = max(ms, F1(x[k] * sg));
  }
  const float m = any(nan) ? NAN : max(F1(hmax(max(mv, mv2))), ms).v;
  // Softmax keeps e^(x - m) in `out` for the later passes (one exp per element, as torch's
  // _vec_softmax); not when out is g, which backward still has to read. Same bits either way.
  const bool keep = kind != Kind::Log && out != g;
  // The exp-sum dominates: two vectors per step on two accumulators overlap their latencies.
  V sv(0.0f), sv2(0.0f); F1 ss(0.0f);
  {
    const V vm_(m), vs(sg);
    int64_t k = 0;
    for (; k + 2 * L <= size; k += 2 * L) {
      const V e = vm::exp_nonpos(V::load(x + k) * vs - vm_), e2 = vm::exp_nonpos(V::load(x + k + L) * vs - vm_);
      if (keep) { e.store(out + k); e2.store(out + k + L); }
      sv = sv + e;
      sv2 = sv2 + e2;
    }
    for (; k + L <= size; k += L) {
      const V e = vm::exp_nonpos(V::load(x + k) * vs - vm_);
      if (keep) e.store(out + k);
      sv = sv + e;
    }
    for (; k < size; ++k) {
      const F1 e = vm::exp_nonpos(F1(x[k] * sg) - F1(m));
      if (keep) e.store(out + k);
      ss = ss + e;
    }
  }
  const float s = hsum(sv + sv2) + ss.v;
  if (kind == Kind::Log) {
    const float lse = m + vm::log(F1(s)).v;
    if (!backward) {
      each([&](auto v, int64_t k) { using T = decltype(v); (v - T(lse)).store(out + k); });
      return;
    }
    V gv(0.0f); F1 gsc(0.0f);
    int64_t k = 0;
    for (; k + L <= size; k += L) gv = gv + V::load(g + k);
    for (; k < size; ++k) gsc = gsc + F1(g[k]);
    const float gs = hsum(gv) + gsc.v;
    each([&](auto v, int64_t k) {
      using T = decltype(v);
      (T::load(g + k) - vm::exp_nonpos(v - T(lse)) * T(gs)).store(out + k);
    });
    return;
  }
  const float r = 1.0f / s;
  // fn(value of out at k, k) over the row, 4-wide then scalar.
  auto each_out = [&](auto fn) {
    int64_t k = 0;
    for (; k + L <= size; k += L) fn(V::load(out + k), k);
    for (; k < size; ++k) fn(F1::load(out + k), k);
  };
  // p_k = e^(x_k - m) / s: from out when kept (the passes then never read x), else recomputed.
  auto pass = [&](auto fn) {
    if (keep) {
      each_out([&](auto e, int64_t k) { using T = decltype(e); fn(e * T(r), k); });
    } else {
      each([&](auto v, int64_t k) { using T = decltype(v); fn(vm::exp_nonpos(v - T(m)) * T(r), k); });
    }
  };
  if (!backward) {
    pass([&](auto y, int64_t k) { y.store(out + k); });
    return;
  }
  V dv(0.0f); F1 ds(0.0f);
  pass([&](auto y, int64_t k) {
    using T = decltype(y);
    if (keep) y.store(out + k);
    T t = T::load(g + k) * y;
    if constexpr (T::lanes == L) dv = dv + t; else ds = ds + t;
  });
  const float dot = hsum(dv) + ds.v;
  auto last = [&](auto y, int64_t k) { using T = decltype(y); ((T::load(g + k) - T(dot)) * y * T(sg)).store(out + k); };
  if (keep) each_out(last);  // out holds p now
  else pass(last);
}

void soft_run(Kind kind, bool backward, const Ctx& c) {
  const Layout l = layout_of(c);
  for (int64_t o = 0; o < l.outer; ++o) {
    const int64_t base = o * l.size * l.inner;
    const float* x = c.x + base;
    const float* g = backward ? c.g + base : nullptr;
    float* out = c.out + base;
    if (l.inner == 1) { soft_row(kind, backward, x, g, out, l.size); continue; }
    for (int64_t i = 0; i < l.inner; i += kBlock)
      soft_block(kind, backward, x + i, g ? g + i : nullptr, out + i, l.size, l.inner, std::min(kBlock, l.inner - i));
  }
}

// torch's _get_softmax_dim, the dim of dim=None: 0 for 0-D, 1-D and 3-D inputs, else 1.
constexpr int8_t kSoftmaxImplicitDim[kMaxDims + 1] = {0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

Param dim_param() {
  Param p; p.name = "dim"; p.kind = PKind::Dim; p.def = NAN; p.lo = -4; p.hi = 3;
  p.doc = "dim along which the slices sum to 1 (None: PyTorch's implicit choice, 0 for 0-D/1-D/3-D input, else 1)";
  p.implicit_dim = kSoftmaxImplicitDim;
  return p;
}

bool softmax2d_check(const Ctx& c, std::string& err) {
  const size_t nd = c.shape.size();
  if (nd != 3 && nd != 4)
    return fail(err, "Softmax2d requires a 3D or 4D tensor as input (got " + std::to_string(nd) + "D)");
  return true;
}

}  // namespace

void register_softmax(std::vector<Fn>& t) {
  Fn f;
  f = {}; f.name = "Softmax"; f.family = "softmax"; f.dimwise = true;
  f.functional = "softmax";
  f.params = {dim_param()};
  f.latex = R"(\operatorname{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}})";
  f.dlatex = R"(\frac{\partial p_i}{\partial x_j} = p_i(\delta_{ij} - p_j))";
  f.range = "(0, 1)"; f.kinks = no_kinks;
  f.forward = [](const Ctx& c) { soft_run(Kind::Soft, false, c); };
  f.backward = [](const Ctx& c) { soft_run(Kind::Soft, true, c); };
  t.push_back(f);

  f = {}; f.name = "Softmin"; f.family = "softmax"; f.dimwise = true;
  f.functional = "softmin";
  f.params = {dim_param()};
  f.latex = R"(\operatorname{softmin}(x)_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}})";
  f.dlatex = R"(\frac{\partial p_i}{\partial x_j} = -p_i(\delta_{ij} - p_j))";
  f.range = "(0, 1)"; f.kinks = no_kinks;
  f.forward = [](const Ctx& c) { soft_run(Kind::Min, false, c); };
  f.backward = [](const Ctx& c) { soft_run(Kind::Min, true, c); };
  t.push_back(f);

  f = {}; f.name = "LogSoftmax"; f.family = "softmax"; f.dimwise = true;
  f.functional = "log_softmax";
  f.params = {dim_param()};
  f.latex = R"(\log\operatorname{softmax}(x)_i = x_i - \log\sum_j e^{x_j})";
  f.dlatex = R"(\frac{\partial y_i}{\partial x_j} = \delta_{ij} - p_j)";
  f.range = "(-\\infty, 0)"; f.kinks = no_kinks;
  f.forward = [](const Ctx& c) { soft_run(Kind::Log, false, c); };
  f.backward = [](const Ctx& c) { soft_run(Kind::Log, true, c); };
  t.push_back(f);

  f = {}; f.name = "Softmax2d"; f.family = "softmax"; f.dimwise = true;
  f.latex = R"(\operatorname{softmax}\ \text{over channels (dim } {-3}\text{) at every spatial location})";
  f.dlatex = R"(\frac{\partial p_c}{\partial x_{c'}} = p_c(\delta_{cc'} - p_{c'}))";
  f.range = "(0, 1)"; f.kinks = no_kinks;
  f.fixed_dim = -3;
  f.check = softmax2d_check;
  f.forward = [](const Ctx& c) { soft_run(Kind::Soft, false, c); };
  f.backward = [](const Ctx& c) { soft_run(Kind::Soft, true, c); };
  t.push_back(f);
}

}  // namespace actlab
