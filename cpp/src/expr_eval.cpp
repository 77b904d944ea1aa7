// Custom expressions, back end: evaluation of the compiled graph on float32 buffers.
//
// The input is processed in blocks (Plan::block floats, 256 for typical graphs). For each
// block, a forward sweep computes every tensor node's value block; then, when f' is wanted, a
// reverse sweep runs torch's autograd on the block: the root's adjoint is 1 (backward with
// ones), every node hands grad * (local factor) to its operands with the formulas of torch
// 1.13's derivatives.yaml, built-ins call their kernel's backward with the upstream grad, and
// the adjoint accumulated at x is f'(x). All of a block's slots stay in L1/L2, and each node's
// block op is one SIMD loop over Wide (F4: SIMD128 in wasm) with an F1 remainder; only pow
// with a general exponent goes through double-precision std::pow lane by lane.
//
// Why reverse and not forward mode: the two give the same derivative in exact arithmetic but
// not in IEEE float, and torch is the spec. A where/clamp/relu that does not select a branch
// hands it an exact zero, which kills whatever came from above (a NaN or inf factor above
// vanishes: d/dx clamp(x, -2, 2) ** 2 is 0 at x = NaN) yet multiplies the factors below
// (0 * inf = NaN: d/dx where(x > 0, x, exp(x) - 1) is NaN at x = 100). Forward mode
// multiplies in the other order, and its tangents overflow where torch's products do not
// (x * x at 3e38 inside an unselected branch). Reverse mode reproduces all of it.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "actlab/elementwise.hpp"
#include "expr_internal.hpp"

namespace actlab {
namespace ex {

namespace {

// Operands that receive a gradient from node n (in this order: a, then b).
int grad_operands(const Graph& g, const Node& n, int out[2]) {
  int k = 0;
  auto take = [&](int o) {
    if (o >= 0 && g.nodes[size_t(o)].grad) out[k++] = o;
    else out[k++] = -1;
  };
  switch (n.op) {
    case Op::Neg: case Op::Recip: case Op::Exp: case Op::Log: case Op::Log1p: case Op::Expm1:
    case Op::Sqrt: case Op::Abs: case Op::Sin: case Op::Cos: case Op::Erf: case Op::Tanh:
    case Op::Clamp: case Op::Builtin: case Op::Sum: case Op::Mean: case Op::Amax: case Op::MaxDim:
    case Op::LogSumExp:
      take(n.a);
      out[k++] = -1;
      break;
    case Op::Add: case Op::Sub: case Op::Mul: case Op::Div: case Op::Pow:
    case Op::Maximum: case Op::Minimum: case Op::Where:
      take(n.a);
      take(n.b);
      break;
    default:
      out[0] = out[1] = -1;
      k = 2;
  }
  return k;
}

}  // namespace

// ------------------------------------------------------------------ plan

Plan make_plan(const Graph& g) {
  Plan p;
  const size_t nn = g.nodes.size();
  p.vslot.assign(nn, -1);
  p.gslot.assign(nn, -1);
  p.first.assign(nn, 0);
  int next = 1;  // slot 0: a block of ones (the root's adjoint)
  for (size_t i = 0; i < nn; ++i) {
    const Node& n = g.nodes[i];
    if (!n.tensor) {
      if (n.op != Op::Const) p.scalars.push_back(int(i));
      continue;
    }
    p.order.push_back(int(i));
    if (n.op == Op::Builtin) p.builtins.push_back(int(i));
    if (n.op == Op::X) p.x_node = int(i);
    else p.vslot[i] = next++;  // values live through the reverse sweep
    for (int o : {n.a, n.b, n.c}) {
      if (o < 0 || g.nodes[size_t(o)].tensor || p.vslot[size_t(o)] >= 0) continue;
      p.vslot[size_t(o)] = next++;
      p.broadcast.push_back(o);
    }
  }
  // Reverse sweep: the nodes on a derivative path, adjoint slots recycled as nodes retire.
  std::vector<char> on(nn, 0);
  const Node& root = g.nodes[size_t(g.root)];
  if (root.tensor && root.grad) on[size_t(g.root)] = 1;
  std::vector<int> free_slots;
  for (size_t i = nn; i-- > 0;) {
    if (!on[i]) continue;
    const Node& n = g.nodes[i];
    if (int(i) == g.root) p.gslot[i] = 0;
    if (n.op == Op::X) continue;  // the leaf: its adjoint is the result
    p.rorder.push_back(int(i));
    int ops[2];
    grad_operands(g, n, ops);
    for (int k = 0; k < 2; ++k) {
      const int o = ops[k];
      if (o < 0) continue;
      if (!on[size_t(o)]) {
        on[size_t(o)] = 1;
        p.first[i] |= uint8_t(1 << k);
        if (!free_slots.empty()) {
          p.gslot[size_t(o)] = free_slots.back();
          free_slots.pop_back();
        } else {
          p.gslot[size_t(o)] = next++;
        }
      }
    }
    if (int(i) != g.root) free_slots.push_back(p.gslot[i]);
  }
  p.nslots = next + 2;  // + two scratch blocks
  // Block size: every slot of a block within ~48 KB, up to 1,024 floats (256 cost SiLU ~10%: the
  // per-op dispatch is paid once per block).
  const int fit = 12288 / std::max(1, p.nslots);
  p.block = std::max(16, std::min(1024, fit - fit % 8));
  return p;
}

namespace {

// ------------------------------------------------------------------ block loops

template <class V> struct Tag { using type = V; };

template <class Body> AL_INLINE void each(int n, Body&& body) {
  int i = 0;
  constexpr int L = Wide::lanes;
  if constexpr (L > 1)
    for (; i + L <= n; i += L) body(Tag<Wide>{}, i);
  for (; i < n; ++i) body(Tag<F1>{}, i);
}
// EACH(n, statements using V (the lane type) and i (the element index))
#define EACH(n, ...) each(n, [&](auto tag_, int i) { using V = typename decltype(tag_)::type; __VA_ARGS__; })
// PUT(dst, first, n, expression): dst = expression (first contribution) or dst += expression.
#define PUT(dst, first, n, ...)                                          \
  do {                                                                   \
    float* d_ = (dst);                                                   \
    if (first) EACH(n, (__VA_ARGS__).store(d_ + i));                     \
    else EACH(n, (V::load(d_ + i) + (__VA_ARGS__)).store(d_ + i));       \
  } while (0)

template <class V> AL_INLINE V ld(const float* p, int i) { return V::load(p + i); }
template <class V, class M> AL_INLINE V mask01(M m) { return select(m, V(1.0f), V(0.0f)); }
template <class V> AL_INLINE V sgn(V x) {  // torch.sgn for floats: 0 at 0 and NaN
  return select(x > V(0.0f), V(1.0f), select(x < V(0.0f), V(-1.0f), V(0.0f)));
}

// torch's pow(Tensor, Scalar) special cases (1.13, CPU), otherwise std::pow in double.
void pow_scalar_exp(const float* a, double c, float* o, int n) {
  if (c == 0) { EACH(n, V(1.0f).store(o + i)); return; }
  if (c == 1) { if (o != a) std::memmove(o, a, sizeof(float) * size_t(n)); return; }
  if (c == 2) { EACH(n, V x = ld<V>(a, i); (x * x).store(o + i)); return; }
  if (c == 3) { EACH(n, V x = ld<V>(a, i); (x * x * x).store(o + i)); return; }
  if (c == 0.5) { EACH(n, sqrt(ld<V>(a, i)).store(o + i)); return; }
  if (c == -0.5) { EACH(n, (V(1.0f) / sqrt(ld<V>(a, i))).store(o + i)); return; }
  if (c == -1) { EACH(n, (V(1.0f) / ld<V>(a, i)).store(o + i)); return; }
  if (c == -2) { EACH(n, V x = ld<V>(a, i); (V(1.0f) / (x * x)).store(o + i)); return; }
  for (int i = 0; i < n; ++i) o[i] = float(std::pow(double(a[i]), c));
}

void pow_tensor(const float* a, const float* b, float* o, int n) {
  for (int i = 0; i < n; ++i) o[i] = float(std::pow(double(a[i]), double(b[i])));
}

constexpr float kTwoOverSqrtPi = float(1.12837916709551257390);

int argmax_first(const float* a, int n) {
  int k = 0;
  for (int i = 1; i < n; ++i) {
    if (std::isnan(a[k])) break;
    if (std::isnan(a[i]) || a[i] > a[k]) k = i;
  }
  return k;
}

// A row's reduction, as torch computes it in float32 (NaN propagates through max and amax).
float reduce(Op op, const float* a, int n) {
  if (op == Op::Sum || op == Op::Mean) {
    float s = 0.0f;
    for (int i = 0; i < n; ++i) s += a[i];
    return op == Op::Mean ? s / float(n) : s;
  }
  const float m = n ? a[argmax_first(a, n)] : -INFINITY;
  if (op != Op::LogSumExp) return m;
  const float shift = std::isinf(m) ? 0.0f : m;  // torch: maxes with |max| == inf are zeroed
  float s = 0.0f;
  for (int i = 0; i < n; ++i) s += std::exp(a[i] - shift);
  return std::log(s) + shift;
}
using V1 = F1;

struct Eval {
  const Graph& g;
  const Plan& p;
  std::vector<double> sv;                 // scalar values (per call)
  std::vector<std::vector<double>> bp;    // built-in params, per node
  std::vector<float> pool;
  std::vector<float*> V, G;               // value / adjoint block of each node
  float* scratch = nullptr;               // two blocks
  float* ones = nullptr;

  Eval(const Graph& gg, const Plan& pp) : g(gg), p(pp) {}
  int bs = 0;                             // floats per slot: the block, or a dim-wise function's row
  float* slot(int s) { return pool.data() + size_t(s) * size_t(bs); }
  float fval(int node) const { return float(sv[size_t(node)]); }
  void forward(int id, int n);
  void backward(int id, int n);
};

// One node's value block.
void Eval::forward(int id, int n) {
  const Node& nd = g.nodes[size_t(id)];
  float* o = V[size_t(id)];
  const float* a = nd.a >= 0 ? V[size_t(nd.a)] : nullptr;
  const float* b = nd.b >= 0 ? V[size_t(nd.b)] : nullptr;
  switch (nd.op) {
    case Op::Neg: EACH(n, (-ld<V>(a, i)).store(o + i)); return;
    case Op::Add: EACH(n, (ld<V>(a, i) + ld<V>(b, i)).store(o + i)); return;
    case Op::Sub: EACH(n, (ld<V>(a, i) - ld<V>(b, i)).store(o + i)); return;
    case Op::Mul: EACH(n, (ld<V>(a, i) * ld<V>(b, i)).store(o + i)); return;
    case Op::Div: EACH(n, (ld<V>(a, i) / ld<V>(b, i)).store(o + i)); return;
    case Op::Recip: EACH(n, (V(1.0f) / ld<V>(a, i)).store(o + i)); return;
    case Op::Pow:
      if (!g.nodes[size_t(nd.b)].tensor) pow_scalar_exp(a, sv[size_t(nd.b)], o, n);
      else if (!g.nodes[size_t(nd.a)].tensor && sv[size_t(nd.a)] == 1) EACH(n, V(1.0f).store(o + i));  // 1 ** e
      else pow_tensor(a, b, o, n);
      return;
    case Op::Not: EACH(n, mask01<V>(ld<V>(a, i) == V(0.0f)).store(o + i)); return;
    case Op::And: EACH(n, mask01<V>((ld<V>(a, i) != V(0.0f)) & (ld<V>(b, i) != V(0.0f))).store(o + i)); return;
    case Op::Or: EACH(n, mask01<V>((ld<V>(a, i) != V(0.0f)) | (ld<V>(b, i) != V(0.0f))).store(o + i)); return;
    case Op::Lt: EACH(n, mask01<V>(ld<V>(a, i) < ld<V>(b, i)).store(o + i)); return;
    case Op::Le: EACH(n, mask01<V>(ld<V>(a, i) <= ld<V>(b, i)).store(o + i)); return;
    case Op::Gt: EACH(n, mask01<V>(ld<V>(a, i) > ld<V>(b, i)).store(o + i)); return;
    case Op::Ge: EACH(n, mask01<V>(ld<V>(a, i) >= ld<V>(b, i)).store(o + i)); return;
    case Op::Eq: EACH(n, mask01<V>(ld<V>(a, i) == ld<V>(b, i)).store(o + i)); return;
    case Op::Ne: EACH(n, mask01<V>(ld<V>(a, i) != ld<V>(b, i)).store(o + i)); return;
    case Op::Exp: EACH(n, vm::exp(ld<V>(a, i)).store(o + i)); return;
    case Op::Log: EACH(n, vm::log(ld<V>(a, i)).store(o + i)); return;
    case Op::Log1p:  // as torch's (Sleef's) log1pf: +inf above 1e38, a denormal x gives 2 * (x / 2)
      EACH(n, V x = ld<V>(a, i);       // (+0 when that flushes), ±0 stays ±0
           V den = (x * V(0.5f)) * V(2.0f) + V(0.0f);
           V r = select(abs(x) < V(1.17549435e-38f), den, vm::log1p(x));
           r = select(x == V(0.0f), x, r);
           select(x > V(1e38f), V(INFINITY), r).store(o + i));
      return;
    case Op::Expm1: EACH(n, V x = ld<V>(a, i); select(x == V(0.0f), x, vm::expm1(x)).store(o + i)); return;  // -0 -> -0
    case Op::Sqrt: EACH(n, sqrt(ld<V>(a, i)).store(o + i)); return;
    case Op::Abs: EACH(n, abs(ld<V>(a, i)).store(o + i)); return;
    case Op::Sin: EACH(n, vm::sin(ld<V>(a, i)).store(o + i)); return;
    case Op::Cos: EACH(n, vm::cos(ld<V>(a, i)).store(o + i)); return;
    case Op::Erf: EACH(n, vm::erf(ld<V>(a, i)).store(o + i)); return;
    case Op::Where: {
      const float* c = V[size_t(nd.c)];
      EACH(n, select(ld<V>(c, i) != V(0.0f), ld<V>(a, i), ld<V>(b, i)).store(o + i));
      return;
    }
    case Op::Clamp: {  // vec::clamp: min(max, max(min, a)) with x86's operand order: a on ties
      const bool hl = nd.b >= 0, hh = nd.c >= 0;  // (clamp(-0., min=0) is -0.), NaN a stays NaN,
      const V1 lo(hl ? fval(nd.b) : -INFINITY), hi(hh ? fval(nd.c) : INFINITY);  // min > max: max
      EACH(n, V x = ld<V>(a, i); V l(lo.v); V h(hi.v); V t = select(l > x, l, x);
           select(h < t, h, t).store(o + i));
      return;
    }
    case Op::Maximum:  // NaN if either is NaN, else b on ties: maximum(0., -0.) is -0. as in torch
      EACH(n, V x = ld<V>(a, i); V y = ld<V>(b, i);
           select(isnan(x) | isnan(y), x + y, select(x > y, x, y)).store(o + i));
      return;
    case Op::Minimum:
      EACH(n, V x = ld<V>(a, i); V y = ld<V>(b, i);
           select(isnan(x) | isnan(y), x + y, select(x < y, x, y)).store(o + i));
      return;
    case Op::Builtin: {
      Ctx c;
      c.x = a;
      c.n = n;
      c.p = bp[size_t(id)].data();
      c.out = o;
      registry()[size_t(nd.fn)].forward(c);
      return;
    }
    case Op::Sum: case Op::Mean: case Op::Amax: case Op::MaxDim: case Op::LogSumExp: {
      const float r = reduce(nd.op, a, n);
      std::fill(o, o + n, r);
      return;
    }
    default:
      return;  // leaves: set up by the caller
  }
}

// One node's backward: hands its adjoint times the local derivative to its operands'
// adjoints, written (first contribution) or accumulated. Formulas as in derivatives.yaml.
void Eval::backward(int id, int n) {
  const Node& nd = g.nodes[size_t(id)];
  const float* gr = G[size_t(id)];
  const float* o = V[size_t(id)];
  const float* a = nd.a >= 0 ? V[size_t(nd.a)] : nullptr;
  const float* b = nd.b >= 0 ? V[size_t(nd.b)] : nullptr;
  int ops[2];
  grad_operands(g, nd, ops);
  float* ga = ops[0] >= 0 ? G[size_t(ops[0])] : nullptr;
  float* gb = ops[1] >= 0 ? G[size_t(ops[1])] : nullptr;
  const bool fa = (p.first[size_t(id)] & 1) != 0, fb = (p.first[size_t(id)] & 2) != 0;
  switch (nd.op) {
    case Op::Neg: PUT(ga, fa, n, -ld<V>(gr, i)); return;
    case Op::Add:
      if (ga) PUT(ga, fa, n, ld<V>(gr, i));
      if (gb) PUT(gb, fb, n, ld<V>(gr, i));
      return;
    case Op::Sub:  // other: -grad
      if (ga) PUT(ga, fa, n, ld<V>(gr, i));
      if (gb) PUT(gb, fb, n, -ld<V>(gr, i));
      return;
    case Op::Mul:  // grad * other, grad * self
      if (ga) PUT(ga, fa, n, ld<V>(gr, i) * ld<V>(b, i));
      if (gb) PUT(gb, fb, n, ld<V>(gr, i) * ld<V>(a, i));
      return;
    case Op::Div:  // grad / other, -grad * ((self / other) / other)
      if (ga) PUT(ga, fa, n, ld<V>(gr, i) / ld<V>(b, i));
      if (gb) PUT(gb, fb, n, -ld<V>(gr, i) * ((ld<V>(a, i) / ld<V>(b, i)) / ld<V>(b, i)));
      return;
    case Op::Recip: PUT(ga, fa, n, -ld<V>(gr, i) * (ld<V>(o, i) * ld<V>(o, i))); return;
    case Op::Pow: {
      if (!g.nodes[size_t(nd.b)].tensor) {  // pow_backward: zeros for c == 0, else grad * (c * self ** (c - 1))
        const double c = sv[size_t(nd.b)];
        if (c == 0) { PUT(ga, fa, n, V(0.0f)); return; }
        pow_scalar_exp(a, c - 1, scratch, n);
        const float cf = float(c);
        PUT(ga, fa, n, ld<V>(gr, i) * (V(cf) * ld<V>(scratch, i)));
        return;
      }
      if (!g.nodes[size_t(nd.a)].tensor) {  // pow(Scalar base, Tensor): grad * result * log(base)
        const double s = sv[size_t(nd.a)];
        if (s == 0)
          PUT(gb, fb, n, ld<V>(gr, i) * select(ld<V>(b, i) >= V(0.0f), V(0.0f), ld<V>(o, i) * V(-INFINITY)));
        else
          PUT(gb, fb, n, ld<V>(gr, i) * (ld<V>(o, i) * V(float(std::log(s)))));
        return;
      }
      if (ga) {  // where(exponent == 0, 0, grad * (exponent * self.pow(exponent - 1)))
        EACH(n, (ld<V>(b, i) - V(1.0f)).store(scratch + i));
        pow_tensor(a, scratch, scratch, n);
        PUT(ga, fa, n, select(ld<V>(b, i) == V(0.0f), V(0.0f), ld<V>(gr, i) * (ld<V>(b, i) * ld<V>(scratch, i))));
      }
      if (gb)  // grad * where(self == 0 & exponent >= 0, 0, result * log(self))
        PUT(gb, fb, n,
            ld<V>(gr, i) * select((ld<V>(a, i) == V(0.0f)) & (ld<V>(b, i) >= V(0.0f)), V(0.0f),
                                  ld<V>(o, i) * vm::log(ld<V>(a, i))));
      return;
    }
    case Op::Exp: PUT(ga, fa, n, ld<V>(gr, i) * ld<V>(o, i)); return;
    case Op::Log: PUT(ga, fa, n, ld<V>(gr, i) / ld<V>(a, i)); return;
    case Op::Log1p: PUT(ga, fa, n, ld<V>(gr, i) / (ld<V>(a, i) + V(1.0f))); return;
    case Op::Expm1: PUT(ga, fa, n, ld<V>(gr, i) * (ld<V>(o, i) + V(1.0f))); return;
    case Op::Sqrt: PUT(ga, fa, n, ld<V>(gr, i) / (V(2.0f) * ld<V>(o, i))); return;
    case Op::Abs: PUT(ga, fa, n, ld<V>(gr, i) * sgn(ld<V>(a, i))); return;
    case Op::Sin: PUT(ga, fa, n, ld<V>(gr, i) * vm::cos(ld<V>(a, i))); return;
    case Op::Cos: PUT(ga, fa, n, ld<V>(gr, i) * -vm::sin(ld<V>(a, i))); return;
    case Op::Erf:  // 2 / sqrt(pi) * exp(-(self ** 2)) * grad
      PUT(ga, fa, n, (V(kTwoOverSqrtPi) * vm::exp(-(ld<V>(a, i) * ld<V>(a, i)))) * ld<V>(gr, i));
      return;
    case Op::Where: {  // where(condition, grad, 0), where(condition, 0, grad)
      const float* c = V[size_t(nd.c)];
      if (ga) PUT(ga, fa, n, select(ld<V>(c, i) != V(0.0f), ld<V>(gr, i), V(0.0f)));
      if (gb) PUT(gb, fb, n, select(ld<V>(c, i) != V(0.0f), V(0.0f), ld<V>(gr, i)));
      return;
    }
    case Op::Clamp: {  // clamp_backward: grad where min <= self <= max, else 0
      const bool hl = nd.b >= 0, hh = nd.c >= 0;
      const float lo = hl ? fval(nd.b) : 0.0f, hi = hh ? fval(nd.c) : 0.0f;
      if (hl && hh)
        PUT(ga, fa, n, select((ld<V>(a, i) >= V(lo)) & (ld<V>(a, i) <= V(hi)), ld<V>(gr, i), V(0.0f)));
      else if (hl)
        PUT(ga, fa, n, select(ld<V>(a, i) >= V(lo), ld<V>(gr, i), V(0.0f)));
      else
        PUT(ga, fa, n, select(ld<V>(a, i) <= V(hi), ld<V>(gr, i), V(0.0f)));
      return;
    }
    case Op::Maximum:
    case Op::Minimum: {  // where(self == other, grad / 2, grad), masked to 0 where the other wins
      const bool mx = nd.op == Op::Maximum;
      // weight w(self, other) of self's share: 0 where other wins, 1/2 on ties, 1 otherwise
      auto share = [mx](auto x, auto y, auto gv) {
        using W = decltype(gv);
        return select(mx ? (x < y) : (x > y), W(0.0f), select(x == y, gv / W(2.0f), gv));
      };
      if (ga) PUT(ga, fa, n, share(ld<V>(a, i), ld<V>(b, i), ld<V>(gr, i)));
      if (gb) PUT(gb, fb, n, share(ld<V>(b, i), ld<V>(a, i), ld<V>(gr, i)));
      return;
    }
    case Op::Sum: case Op::Mean: case Op::Amax: case Op::MaxDim: case Op::LogSumExp: {
      // The kept dim's adjoint is the sum of the broadcast block's adjoints.
      float t = 0.0f;
      for (int i = 0; i < n; ++i) t += gr[i];
      const float r = o[0];
      if (nd.op == Op::Sum) { PUT(ga, fa, n, V(t)); return; }
      if (nd.op == Op::Mean) { const float m = t / float(n); PUT(ga, fa, n, V(m)); return; }
      if (nd.op == Op::LogSumExp) { PUT(ga, fa, n, V(t) * vm::exp(ld<V>(a, i) - V(r))); return; }
      if (nd.op == Op::Amax) {  // evenly among the maxima
        float count = 0.0f;
        for (int i = 0; i < n; ++i) count += a[i] == r ? 1.0f : 0.0f;
        PUT(ga, fa, n, select(ld<V>(a, i) == V(r), V(t) / V(count), V(0.0f)));
        return;
      }
      // max(dim): all to the index max() returned (the first maximum, or the first NaN)
      const int at = argmax_first(a, n);
      for (int i = 0; i < n; ++i) {
        const float v = i == at ? t : 0.0f;
        ga[i] = fa ? v : ga[i] + v;
      }
      return;
    }
    case Op::Builtin: {  // the kernel's backward with the upstream grad
      Ctx c;
      c.x = a;
      c.g = gr;
      c.n = n;
      c.p = bp[size_t(id)].data();
      c.out = fa ? ga : scratch;
      registry()[size_t(nd.fn)].backward(c);
      if (!fa) EACH(n, (ld<V>(ga, i) + ld<V>(scratch, i)).store(ga + i));
      return;
    }
    default:
      return;
  }
}

}  // namespace
}  // namespace ex

namespace {

// A dim-wise function's rows: `outer` x `inner` rows of `len` elements, `inner` apart.
struct Rows {
  int64_t outer = 1, len = 0, inner = 1;
};

// seed: the root's adjoint (grad_output); null means ones (f'(x)). rows: evaluate row by row
// (dim-wise functions; null: blocks of any n, a dim-wise function's input is then one row).
std::string eval_impl(const Expr& e, const float* x, const float* seed, int64_t n, const double* params, float* f,
                      float* df, const Rows* rows) {
  using namespace ex;
  const Graph& g = e.impl().g;
  const Plan& p = e.impl().plan;
  if (n < 0) return "expr_eval: n must be >= 0, got " + std::to_string(n);
  if (n > 0 && !x) return "expr_eval: x is null";
  Eval ev(g, p);
  const size_t nn = g.nodes.size();

  // Numbers: parameters and the arithmetic on them, once per call (Python semantics).
  ev.sv.assign(nn, 0.0);
  for (size_t i = 0; i < nn; ++i)
    if (g.nodes[i].op == Op::Const) ev.sv[i] = g.nodes[i].value;
  for (int i : p.scalars) {
    const Node& nd = g.nodes[size_t(i)];
    if (nd.op == Op::Param) {
      const size_t k = size_t(nd.value);
      ev.sv[size_t(i)] = params ? params[k] : g.params[k].def;
      continue;
    }
    const double v[3] = {nd.a >= 0 ? ev.sv[size_t(nd.a)] : 0, nd.b >= 0 ? ev.sv[size_t(nd.b)] : 0,
                         nd.c >= 0 ? ev.sv[size_t(nd.c)] : 0};
    std::string err;
    if (!scalar_apply(nd, v, ev.sv[size_t(i)], err)) return err;
  }
  // The program's asserts on the parameters, in source order.
  for (const Check& c : g.checks)
    if (ev.sv[size_t(c.node)] == 0) return c.message;
  // Built-ins: their parameters, validated by the registry (PyTorch's messages).
  ev.bp.resize(nn);
  for (int i : p.builtins) {
    const Node& nd = g.nodes[size_t(i)];
    std::vector<double>& pv = ev.bp[size_t(i)];
    for (int a : nd.args) pv.push_back(ev.sv[size_t(a)]);
    const std::string err = run(registry()[size_t(nd.fn)], false, nullptr, nullptr, 0, nullptr, 0, nullptr, -1,
                                pv.data(), nullptr, 0);
    if (!err.empty()) return err;
  }
  if (n == 0 || (!f && !df)) return "";

  const Node& root = g.nodes[size_t(g.root)];
  if (!root.tensor) {  // no x at all: a constant, derivative 0
    const float v = float(ev.sv[size_t(g.root)]);
    for (int64_t i = 0; i < n; ++i) {
      if (f) f[i] = v;
      if (df) df[i] = 0.0f;
    }
    return "";
  }

  Rows one;
  if (g.dimwise && !rows) {
    one.len = n;
    rows = &one;
  }
  if (rows && rows->len > (int64_t(1) << 24)) return "dim too long for a dim-wise custom function";
  const int B = rows ? int(std::max<int64_t>(1, rows->len)) : p.block;
  ev.bs = B;
  ev.pool.assign(size_t(p.nslots) * size_t(B), 0.0f);
  ev.ones = ev.slot(0);
  ev.scratch = ev.slot(p.nslots - 2);
  std::fill(ev.ones, ev.ones + B, 1.0f);
  ev.V.assign(nn, nullptr);
  ev.G.assign(nn, nullptr);
  for (size_t i = 0; i < nn; ++i) {
    if (p.vslot[i] >= 0) ev.V[i] = ev.slot(p.vslot[i]);
    if (p.gslot[i] >= 0) ev.G[i] = ev.slot(p.gslot[i]);
  }
  for (int i : p.broadcast) std::fill(ev.V[size_t(i)], ev.V[size_t(i)] + B, ev.fval(i));
  for (int i : p.order)
    if (g.nodes[size_t(i)].op == Op::OnesLike) std::fill(ev.V[size_t(i)], ev.V[size_t(i)] + B, 1.0f);
  const bool grad = df && p.x_node >= 0 && p.gslot[size_t(p.x_node)] >= 0;

  if (rows) {  // gather a row, run it, scatter the results
    std::vector<float> xr(static_cast<size_t>(B)), sr(seed ? static_cast<size_t>(B) : 0u);
    const int len = int(rows->len);
    for (int64_t r = 0; r < rows->outer * rows->inner; ++r) {
      const int64_t base = (r / rows->inner) * rows->len * rows->inner + r % rows->inner, st = rows->inner;
      for (int k = 0; k < len; ++k) xr[size_t(k)] = x[base + k * st];
      if (seed)
        for (int k = 0; k < len; ++k) sr[size_t(k)] = seed[base + k * st];
      if (p.x_node >= 0) ev.V[size_t(p.x_node)] = xr.data();
      if (seed && grad) ev.G[size_t(g.root)] = sr.data();
      for (int i : p.order) ev.forward(i, len);
      if (grad)
        for (int i : p.rorder) ev.backward(i, len);
      const float* fv = ev.V[size_t(g.root)];
      const float* gv = grad ? ev.G[size_t(p.x_node)] : nullptr;
      for (int k = 0; k < len; ++k) {
        if (f) f[base + k * st] = fv[k];
        if (df) df[base + k * st] = gv ? gv[k] : 0.0f;
      }
    }
    return "";
  }

  for (int64_t i0 = 0; i0 < n; i0 += B) {
    const int len = int(std::min<int64_t>(B, n - i0));
    if (p.x_node >= 0) ev.V[size_t(p.x_node)] = const_cast<float*>(x + i0);  // read only
    if (seed && grad) ev.G[size_t(g.root)] = const_cast<float*>(seed + i0);   // read only
    for (int i : p.order) ev.forward(i, len);
    if (grad)
      for (int i : p.rorder) ev.backward(i, len);
    // memmove: f / df may be the input buffer (this block of it has been consumed).
    if (f) std::memmove(f + i0, ev.V[size_t(g.root)], sizeof(float) * size_t(len));
    if (df) {
      if (grad) std::memmove(df + i0, ev.G[size_t(p.x_node)], sizeof(float) * size_t(len));
      else std::fill(df + i0, df + i0 + len, 0.0f);
    }
  }
  return "";
}

// eval_impl with any exception (std::bad_alloc) turned into an error message.
std::string guarded_eval(const Expr& e, const float* x, const float* g, int64_t n, const double* params,
                         float* f, float* df, const Rows* rows = nullptr) {
#if defined(__cpp_exceptions)
  try {
    return eval_impl(e, x, g, n, params, f, df, rows);
  } catch (...) {
    return "internal error while evaluating the expression";
  }
#else
  return eval_impl(e, x, g, n, params, f, df, rows);
#endif
}

// The rows of a contiguous tensor along dim, with torch's messages for a bad shape or dim.
std::string rows_of(const int64_t* shape, int ndim, int64_t dim, Rows& r, int64_t& n) {
  if (ndim < 0 || ndim > 16 || (ndim > 0 && !shape)) return "expr_eval_dim: bad shape";
  const int64_t rank = std::max(ndim, 1);
  if (dim < -rank || dim >= rank)
    return "Dimension out of range (expected to be in range of [" + std::to_string(-rank) + ", " +
           std::to_string(rank - 1) + "], but got " + std::to_string(dim) + ")";
  if (dim < 0) dim += rank;
  n = 1;
  for (int k = 0; k < ndim; ++k) {
    if (shape[k] < 0) return "expr_eval_dim: negative size";
    if (shape[k] && n > (int64_t(1) << 40) / shape[k]) return "expr_eval_dim: shape too large";
    n *= shape[k];
  }
  r.len = ndim ? shape[dim] : 1;
  r.outer = 1;
  r.inner = 1;
  for (int k = 0; k < ndim; ++k) {
    if (k < dim) r.outer *= shape[k];
    if (k > dim) r.inner *= shape[k];
  }
  return "";
}

}  // namespace

std::string expr_eval(const Expr& e, const float* x, int64_t n, const double* params, float* f, float* df) {
  return guarded_eval(e, x, nullptr, n, params, f, df);
}

std::string expr_backward(const Expr& e, const float* x, const float* g, int64_t n, const double* params, float* dx) {
  if (n > 0 && !g) return "expr_backward: grad_output is null";
  return guarded_eval(e, x, g, n, params, nullptr, dx);
}

bool expr_dimwise(const Expr& e) { return e.impl().g.dimwise; }
int expr_default_dim(const Expr& e) { return e.impl().g.dim; }

std::string expr_eval_dim(const Expr& e, const float* x, const int64_t* shape, int ndim, int64_t dim,
                          const double* params, float* y) {
  Rows r;
  int64_t n = 0;
  const std::string err = rows_of(shape, ndim, dim, r, n);
  if (!err.empty()) return err;
  if (n > 0 && (!x || !y)) return "expr_eval_dim: null buffer";
  if (n == 0) return guarded_eval(e, x, nullptr, 0, params, y, nullptr);
  return guarded_eval(e, x, nullptr, n, params, y, nullptr, e.impl().g.dimwise ? &r : nullptr);
}

std::string expr_backward_dim(const Expr& e, const float* x, const float* g, const int64_t* shape, int ndim,
                              int64_t dim, const double* params, float* dx) {
  Rows r;
  int64_t n = 0;
  const std::string err = rows_of(shape, ndim, dim, r, n);
  if (!err.empty()) return err;
  if (n > 0 && (!x || !g || !dx)) return "expr_backward_dim: null buffer";
  if (n == 0) return guarded_eval(e, x, g, 0, params, nullptr, dx);
  return guarded_eval(e, x, g, n, params, nullptr, dx, e.impl().g.dimwise ? &r : nullptr);
}

}  // namespace actlab
