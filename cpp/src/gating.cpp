// Gating: GLU and SwiGLU split the input in two halves a, b along `dim`.
// For a [outer, size, inner] view, each outer slab's a-half and b-half are contiguous blocks of
// size/2 * inner elements, so the kernels are plain binary elementwise loops over those blocks.
#include "actlab/elementwise.hpp"

namespace actlab {
namespace {

template <class V> struct GLUOp {
  static V f(V a, V b) { return a * (V(1.0f) / vm::one_plus_exp_neg(b)); }
  static void df(V a, V b, V g, V& ga, V& gb) {
    V s = V(1.0f) / vm::one_plus_exp_neg(b);
    ga = s * g;
    gb = (V(1.0f) - s) * s * a * g;
  }
};

// a, b = x.chunk(2, dim); silu(a) * b
template <class V> struct SwiGLUOp {
  static V f(V a, V b) { return a / vm::one_plus_exp_neg(a) * b; }
  static void df(V a, V b, V g, V& ga, V& gb) {
    V s = V(1.0f) / vm::one_plus_exp_neg(a);
    V gs = g * b;                                   // grad reaching silu(a)
    ga = gs * s * (V(1.0f) + a * (V(1.0f) - s));    // silu_backward
    gb = g * (a / vm::one_plus_exp_neg(a));
  }
};

// One slab: forward out[i] = f(a[i], b[i]); backward out[i] = ga, out[h + i] = gb. Pointers and
// the direction are fixed per loop (read through Ctx, they were reloaded after every store).
template <template <class> class Op, bool kBackward>
void gate_slab(const float* a, const float* b, const float* g, float* out, std::ptrdiff_t h) {
  auto step = [&](auto tag, std::ptrdiff_t i) {
    using V = decltype(tag);
    const V av = V::load(a + i), bv = V::load(b + i);
    if constexpr (!kBackward) {
      Op<V>::f(av, bv).store(out + i);
    } else {
      V ga, gb;
      Op<V>::df(av, bv, V::load(g + i), ga, gb);
      ga.store(out + i);
      gb.store(out + h + i);
    }
  };
  constexpr int L = Wide::lanes;
  std::ptrdiff_t i = 0;
  if constexpr (L > 1) {
    for (; i + 2 * L <= h; i += 2 * L) { step(Wide(0.0f), i); step(Wide(0.0f), i + L); }
    if (i + L <= h) { step(Wide(0.0f), i); i += L; }
  }
  for (; i < h; ++i) step(F1(0.0f), i);
}

template <template <class> class Op> void gate_run(const Ctx& c, bool backward) {
  int64_t outer = 1, size = 1, inner = 1;
  for (int d = 0; d < int(c.shape.size()); ++d) {
    if (d < c.dim) outer *= c.shape[d];
    else if (d == c.dim) size = c.shape[d];
    else inner *= c.shape[d];
  }
  const std::ptrdiff_t h = std::ptrdiff_t(size / 2 * inner);  // elements per half-slab
  for (int64_t o = 0; o < outer; ++o) {
    const float* a = c.x + o * 2 * h;
    if (backward) gate_slab<Op, true>(a, a + h, c.g + o * h, c.out + o * 2 * h, h);
    else gate_slab<Op, false>(a, a + h, nullptr, c.out + o * h, h);
  }
}

bool halving_check(const Ctx& c, std::string& err) {
  const int64_t size = c.shape.empty() ? 1 : c.shape[c.dim];
  if (c.shape.empty()) return fail(err, "glu does not support scalars because halving size must be even");
  if (size % 2 != 0)
    return fail(err, "Halving dimension must be even, but dimension " + std::to_string(c.dim) + " is size " +
                     std::to_string(size));
  return true;
}

Param gate_dim() {
  Param p; p.name = "dim"; p.kind = PKind::Dim; p.def = -1; p.lo = -4; p.hi = 3;
  p.doc = "dim split into the halves a (value) and b (gate)";
  return p;
}

}  // namespace

void register_gating(std::vector<Fn>& t) {
  Fn f;
  f = {}; f.name = "GLU"; f.family = "gating"; f.dimwise = true; f.halves = true; f.activated_half = 1;
  f.functional = "glu";
  f.params = {gate_dim()};
  f.latex = R"(a \otimes \sigma(b),\quad (a, b) = \operatorname{chunk}(x, 2, \text{dim}))";
  f.dlatex = R"(\frac{\partial}{\partial a} = \sigma(b),\quad \frac{\partial}{\partial b} = a\,\sigma(b)(1 - \sigma(b)))";
  f.range = "(-\\infty, \\infty)"; f.kinks = no_kinks;
  f.check = halving_check;
  f.forward = [](const Ctx& c) { gate_run<GLUOp>(c, false); };
  f.backward = [](const Ctx& c) { gate_run<GLUOp>(c, true); };
  t.push_back(f);

  f = {}; f.name = "SwiGLU"; f.module = "actlab"; f.family = "gating"; f.dimwise = true; f.halves = true;
  f.activated_half = 0;
  f.params = {gate_dim()};
  f.torch_ctor = "SwiGLU({kwargs})";
  f.torch_def = "class SwiGLU(nn.Module):  # not in torch.nn: a, b = x.chunk(2, dim); silu(a) * b\n"
                "    def __init__(self, dim=-1):\n"
                "        super().__init__()\n"
                "        self.dim = dim\n"
                "    def forward(self, x):\n"
                "        a, b = x.chunk(2, dim=self.dim)\n"
                "        return F.silu(a) * b";
  f.latex = R"(\operatorname{SiLU}(a) \otimes b,\quad (a, b) = \operatorname{chunk}(x, 2, \text{dim}))";
  f.dlatex = R"(\frac{\partial}{\partial a} = b\,\sigma(a)(1 + a(1 - \sigma(a))),\quad \frac{\partial}{\partial b} = \operatorname{SiLU}(a))";
  f.range = "(-\\infty, \\infty)"; f.kinks = no_kinks;
  f.check = halving_check;
  f.forward = [](const Ctx& c) { gate_run<SwiGLUOp>(c, false); };
  f.backward = [](const Ctx& c) { gate_run<SwiGLUOp>(c, true); };
  t.push_back(f);
}

}  // namespace actlab
