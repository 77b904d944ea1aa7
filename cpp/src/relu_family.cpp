// ReLU family: ReLU, ReLU6, LeakyReLU, RReLU, PReLU, Threshold, Hardtanh.
// Conventions follow ATen's CPU kernels (aten/src/ATen/native/cpu/Activation.cpp):
// relu' uses the result (threshold_backward(grad, result, 0)), hardtanh' is 0 at both bounds.
#include "actlab/elementwise.hpp"

namespace actlab {
namespace {

template <class V> struct ReLUOp {
  explicit ReLUOp(const Ctx&) {}
  V f(V x) const { return clamp_min(x, V(0.0f)); }  // NaN stays NaN, -0 stays -0
  V df(V x, V g) const { return zero_where(x <= V(0.0f), g); }  // = (f(x) <= 0), -0 and NaN included
};

// hardtanh / ReLU6: clamp forward; backward 0 where x <= min or x >= max.
template <class V> struct HardtanhOp {
  V lo, hi;
  explicit HardtanhOp(const Ctx& c) : lo(float(c.p[0])), hi(float(c.p[1])) {}
  HardtanhOp(float a, float b) : lo(a), hi(b) {}
  V f(V x) const { return clamp_max(clamp_min(x, lo), hi); }
  V df(V x, V g) const { return keep_where((x > lo) & (x < hi), g); }  // NaN -> 0, as torch's vector path
};
template <class V> struct ReLU6Op : HardtanhOp<V> {
  explicit ReLU6Op(const Ctx&) : HardtanhOp<V>(0.0f, 6.0f) {}
};

template <class V> struct LeakyOp {
  V slope;
  explicit LeakyOp(const Ctx& c) : slope(float(c.p[0])) {}
  // Per-lane slopes too: PReLU with one weight per channel on [N, C] inputs.
  static V f(V x, V slope) { return select(x > V(0.0f), x, x * slope); }
  static V df(V x, V g, V slope) { return select(x > V(0.0f), g, g * slope); }
  V f(V x) const { return f(x, slope); }
  V df(V x, V g) const { return df(x, g, slope); }
};

// The usual slopes, 0 < slope <= 1: x * slope lies between x and 0, so torch's result is the
// larger of x and x * slope, pmax (one instruction; a compare and a bitselect took 4-5 in V8).
// x = -0 gives -0, NaN stays NaN. Slope 0 is excluded: there -inf * 0 = NaN must win.
template <class V> struct LeakyMaxOp {
  V slope;
  explicit LeakyMaxOp(const Ctx& c) : slope(float(c.p[0])) {}
  V f(V x) const { return clamp_min(x, x * slope); }  // x < x*slope ? x*slope : x
  V df(V x, V g) const { return LeakyOp<V>::df(x, g, slope); }
};
bool max_form(float slope) { return slope > 0.0f && slope <= 1.0f; }
void leaky_forward(const Ctx& c) {
  if (max_form(float(c.p[0]))) ew_forward<LeakyMaxOp>(c); else ew_forward<LeakyOp>(c);
}

template <class V> struct ThresholdOp {
  V th, val;
  explicit ThresholdOp(const Ctx& c) : th(float(c.p[0])), val(float(c.p[1])) {}
  V f(V x) const { return select(x <= th, val, x); }
  V df(V x, V g) const { return zero_where(x <= th, g); }
};

// LeakyReLU's kernel over [begin, end) with a given slope: RReLU (eval) and PReLU (per channel
// block) run the element-wise driver itself, for its unrolled loop with pointer-sized indices.
void leaky_range(const Ctx& c, bool backward, int64_t begin, int64_t end, float slope) {
  const double p = slope;  // LeakyOp reads its slope from p[0]
  Ctx s;
  s.x = c.x + begin; s.g = c.g ? c.g + begin : nullptr; s.out = c.out + begin; s.n = end - begin; s.p = &p;
  if (backward) ew_backward<LeakyOp>(s); else leaky_forward(s);
}

// Per-channel PReLU with short channel blocks ([N, C], [N, C, L] with small L): the weights,
// each repeated `inner` times, line up with every row of C * inner elements, so a row is one
// vector loop with a slope per lane (a call per short block costs more than its work).
// Columns [j, len).
template <class V>
std::ptrdiff_t leaky_row(const float* x, const float* g, const float* w, float* out, std::ptrdiff_t j,
                         std::ptrdiff_t len, bool backward) {
  for (; j + V::lanes <= len; j += V::lanes) {
    const V xv = V::load(x + j), wv = V::load(w + j);
    (backward ? LeakyOp<V>::df(xv, V::load(g + j), wv) : LeakyOp<V>::f(xv, wv)).store(out + j);
  }
  return j;
}

// PReLU: one weight, or one per channel along dim 1 (channel of element i is (i / inner) % C).
void prelu_run(const Ctx& c, bool backward) {
  if (c.nweight <= 1) return leaky_range(c, backward, 0, c.n, c.weight[0]);
  const int64_t C = c.shape[1];
  int64_t inner = 1;
  for (size_t d = 2; d < c.shape.size(); ++d) inner *= c.shape[d];
  constexpr int64_t kRowMax = 4096;  // an expanded row lives on the stack (16 KiB)
  if (inner >= 16 || (inner > 1 && C * inner > kRowMax)) {  // long blocks: the driver per block
    for (int64_t i = 0, ch = 0; i < c.n; i += inner, ch = (ch + 1) % C)
      leaky_range(c, backward, i, i + inner, c.weight[ch]);
    return;
  }
  const std::ptrdiff_t len = std::ptrdiff_t(C * inner);
  alignas(16) float expanded[kRowMax];
  const float* w = c.weight;
  if (inner > 1) {
    for (int64_t ch = 0, k = 0; ch < C; ++ch)
      for (int64_t r = 0; r < inner; ++r) expanded[k++] = c.weight[ch];
    w = expanded;
  }
  for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(c.n); i += len) {
    const float* x = c.x + i;
    const float* g = backward ? c.g + i : nullptr;
    float* out = c.out + i;
    leaky_row<F1>(x, g, w, out, leaky_row<Wide>(x, g, w, out, 0, len, backward), len, backward);
  }
}

bool prelu_check(const Ctx& c, std::string& err) {
  const int64_t channels = c.shape.size() >= 2 ? c.shape[1] : 1;
  if (c.nweight != 1 && c.nweight != channels)
    return fail(err, "Mismatch of parameter numbers and input channel size. Found parameter numbers = " +
                     std::to_string(c.nweight) + " and channel size = " + std::to_string(channels) + ".");
  return true;
}

// RReLU. Eval: leaky with slope (lower + upper) / 2. Training: a slope per negative element
// drawn from U(lower, upper) by a counter-based generator keyed by (seed, index), so the
// backward call reproduces exactly the forward's noise and results do not depend on lanes.
inline float uniform01(uint64_t seed, uint64_t i) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + i + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return float(z >> 40) * (1.0f / 16777216.0f);  // 24 bits: exact in float, in [0, 1)
}

void rrelu_run(const Ctx& c, bool backward) {
  const float lower = float(c.p[0]), upper = float(c.p[1]);
  const bool training = c.p[2] != 0;
  if (!training) return leaky_range(c, backward, 0, c.n, (lower + upper) / 2);
  const uint64_t seed = uint64_t(int64_t(c.p[3]));
  for (int64_t i = 0; i < c.n; ++i) {
    const float x = c.x[i];
    const float r = x <= 0.0f ? lower + (upper - lower) * uniform01(seed, uint64_t(i)) : 1.0f;
    c.out[i] = backward ? c.g[i] * r : x * r;
  }
}

bool rrelu_check(const Ctx& c, std::string& err) {
  if (c.p[0] > c.p[1]) return fail(err, "Lower bound should be less than or equal to the upper bound");
  return true;
}

bool hardtanh_check(const Ctx& c, std::string& err) {
  if (c.p[0] > c.p[1]) return fail(err, "max_val must be greater or equal to min_val");
  return true;
}

}  // namespace

void register_relu_family(std::vector<Fn>& t) {
  Fn f;
  f = {}; f.name = "ReLU"; f.cheap = true; f.family = "relu";
  f.functional = "relu"; f.inplace = true;
  f.latex = R"(\max(0, x))"; f.dlatex = R"(\begin{cases}1 & x > 0\\ 0 & x \le 0\end{cases})";
  f.range = "[0, \\infty)";
  f.kinks = [](const double*) { return std::vector<double>{0}; };
  t.push_back(elementwise<ReLUOp>(f));

  f = {}; f.name = "ReLU6"; f.cheap = true; f.family = "relu";
  f.functional = "relu6"; f.inplace = true;
  f.latex = R"(\min(\max(0, x), 6))"; f.dlatex = R"(\begin{cases}1 & 0 < x < 6\\ 0 & \text{otherwise}\end{cases})";
  f.range = "[0, 6]";
  f.kinks = [](const double*) { return std::vector<double>{0, 6}; };
  t.push_back(elementwise<ReLU6Op>(f));

  f = {}; f.name = "LeakyReLU"; f.cheap = true; f.family = "relu";
  f.functional = "leaky_relu"; f.inplace = true;
  f.params = {num("negative_slope", 0.01, -1, 1, "slope for x < 0")};
  f.latex = R"(\begin{cases}x & x > 0\\ \text{negative\_slope}\cdot x & x \le 0\end{cases})";
  f.dlatex = R"(\begin{cases}1 & x > 0\\ \text{negative\_slope} & x \le 0\end{cases})";
  f.range = "(-\\infty, \\infty)";
  f.kinks = [](const double*) { return std::vector<double>{0}; };
  f = elementwise<LeakyOp>(f);
  f.forward = leaky_forward;
  t.push_back(f);

  f = {}; f.name = "RReLU"; f.cheap = true; f.family = "relu";
  f.functional = "rrelu"; f.inplace = true;
  {
    Param tr; tr.name = "training"; tr.kind = PKind::Bool; tr.def = 0; tr.min = 0; tr.max = 1; tr.lo = 0; tr.hi = 1;
    tr.doc = "sample a slope per element from U(lower, upper) (module.train())";
    tr.torch = PTorch::Mode;
    static const char* const kModeCode[] = {"f.eval()   # fixed slope (lower + upper) / 2",
                                            "f.train()  # random slopes: torch's RNG differs from actlab's seed"};
    tr.mode_code = kModeCode;
    Param sd; sd.name = "seed"; sd.kind = PKind::Int; sd.def = 0; sd.min = 0; sd.max = 4294967295.0; sd.lo = 0; sd.hi = 100;
    sd.doc = "generator seed for training mode (actlab's generator, not torch.manual_seed)";
    sd.torch = PTorch::None;
    f.params = {num("lower", 1.0 / 8, 0, 1, "lower bound of the random slope", 0, 1),
                num("upper", 1.0 / 3, 0, 1, "upper bound of the random slope", 0, 1), tr, sd};
  }
  f.latex = R"(\begin{cases}x & x \ge 0\\ a x & x < 0\end{cases},\ a = \tfrac{\text{lower}+\text{upper}}{2}\ \text{(eval)},\ a \sim U(\text{lower}, \text{upper})\ \text{(train)})";
  f.dlatex = R"(\begin{cases}1 & x > 0\\ a & x \le 0\end{cases})";
  f.range = "(-\\infty, \\infty)";
  f.dimwise = false;
  f.index_keyed = true;  // training noise is keyed by the element's index
  f.kinks = [](const double*) { return std::vector<double>{0}; };
  f.check = rrelu_check;
  f.forward = [](const Ctx& c) { rrelu_run(c, false); };
  f.backward = [](const Ctx& c) { rrelu_run(c, true); };
  t.push_back(f);

  f = {}; f.name = "PReLU"; f.cheap = true; f.family = "relu";
  f.functional = "prelu";
  f.torch_ctor = "nn.PReLU(init={weight})";
  {
    Param w; w.name = "weight"; w.kind = PKind::Weight; w.def = 0.25; w.lo = -1; w.hi = 1;
    w.doc = "learnable slope: one value, or one per channel (dim 1)";
    f.params = {w};
  }
  f.latex = R"(\begin{cases}x & x > 0\\ a_c x & x \le 0\end{cases})";
  f.dlatex = R"(\begin{cases}1 & x > 0\\ a_c & x \le 0\end{cases})";
  f.range = "(-\\infty, \\infty)";
  f.kinks = [](const double*) { return std::vector<double>{0}; };
  f.check = prelu_check;
  f.forward = [](const Ctx& c) { prelu_run(c, false); };
  f.backward = [](const Ctx& c) { prelu_run(c, true); };
  t.push_back(f);

  f = {}; f.name = "Threshold"; f.cheap = true; f.family = "relu";
  f.functional = "threshold"; f.inplace = true;
  f.params = {num("threshold", 0.1, -3, 3, "inputs at or below this are replaced"),
              num("value", 20, -5, 5, "replacement value")};
  f.params[0].required = f.params[1].required = true;
  f.latex = R"(\begin{cases}x & x > \text{threshold}\\ \text{value} & x \le \text{threshold}\end{cases})";
  f.dlatex = R"(\begin{cases}1 & x > \text{threshold}\\ 0 & x \le \text{threshold}\end{cases})";
  f.range = "(-\\infty, \\infty)";
  f.kinks = [](const double* p) { return std::vector<double>{p[0]}; };
  t.push_back(elementwise<ThresholdOp>(f));

  f = {}; f.name = "Hardtanh"; f.cheap = true; f.family = "hard";
  f.functional = "hardtanh"; f.inplace = true;
  f.params = {num("min_val", -1, -3, 0, "lower clamp"), num("max_val", 1, 0, 3, "upper clamp")};
  f.latex = R"(\min(\max(x, \text{min\_val}), \text{max\_val}))";
  f.dlatex = R"(\begin{cases}1 & \text{min\_val} < x < \text{max\_val}\\ 0 & \text{otherwise}\end{cases})";
  f.range = "[\\text{min\\_val}, \\text{max\\_val}]";
  f.kinks = [](const double* p) { return std::vector<double>{p[0], p[1]}; };
  f.check = hardtanh_check;
  t.push_back(elementwise<HardtanhOp>(f));
}

}  // namespace actlab
