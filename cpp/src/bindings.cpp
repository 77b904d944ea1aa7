// The JS surface: pointers into the wasm heap in, error strings out ("" = ok; actlab_run returns a
// code and keeps its message for lastError()). embind for all but actlab_run, the per-call entry.
// No maths here; web/lib/actlab.js throws the messages as Errors.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/heap.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "actlab/registry.hpp"
#include "actlab/expr.hpp"  // its limits are reported by every build (the link codec needs them)
#if ACTLAB_WITH_EXPR
#include "actlab/datasets.hpp"
#include "actlab/network.hpp"
#include "actlab/optim.hpp"
#endif
#if ACTLAB_BENCH
#include "actlab/elementwise.hpp"
#include "actlab/gemm.hpp"
#include "actlab/random.hpp"
#endif

using namespace actlab;

namespace {

template <class T> T* ptr(uintptr_t p) { return reinterpret_cast<T*>(p); }

// The int32 shape JS writes, widened to int64. prepare() rejects ndim > kMaxDims before it
// reads the shape, so no more are copied (and nothing is allocated per call).
struct Shape64 {
  int64_t data[kMaxDims];
  Shape64(uintptr_t shape, int ndim) {
    for (int i = 0; i < ndim && i < kMaxDims; ++i) data[i] = ptr<const int32_t>(shape)[i];
  }
};

std::string last_error;
}  // namespace

// Every lab.forward/backward on a built-in lands here: 0, or 1 with the message in lastError()
// (a std::string result would cost a malloc, a free and a JS string on every call). A plain wasm
// export (Module._actlab_run), not embind: embind's invoker converts each of the 12 arguments
// through a JS call.
extern "C" EMSCRIPTEN_KEEPALIVE int actlab_run(int fn, int backward, uintptr_t x, uintptr_t g, double ng,
                                               uintptr_t out, double n, uintptr_t shape, int ndim,
                                               uintptr_t params, uintptr_t weight, double nweight) {
  const auto& t = registry();
  if (fn < 0 || fn >= int(t.size())) { last_error = "Unknown function index " + std::to_string(fn); return 1; }
  const Shape64 s(shape, ndim);
  return run(t[fn], backward, ptr<const float>(x), ptr<const float>(g), int64_t(ng), ptr<float>(out), int64_t(n),
             s.data, ndim, ptr<const double>(params), ptr<const float>(weight), int64_t(nweight), last_error) ? 0 : 1;
}

namespace {
// Handing the message over empties it, so an error leaves no heap behind once it is thrown.
std::string last_error_js() { std::string e; e.swap(last_error); return e; }

double out_numel_js(int fn, double n, uintptr_t shape, int ndim, uintptr_t params) {
  const Shape64 s(shape, ndim);
  return double(out_numel(registry().at(fn), int64_t(n), s.data, ndim, ptr<const double>(params)));
}

// Writes up to `cap` kink positions to `out`, returns how many there are.
int kinks_js(int fn, uintptr_t params, uintptr_t out, int cap) {
  std::vector<double> k = kinks_of(registry().at(fn), ptr<const double>(params));
  for (int i = 0; i < int(k.size()) && i < cap; ++i) ptr<double>(out)[i] = k[i];
  return int(k.size());
}

#if ACTLAB_BENCH
// The bandwidth ceilings bench:browser holds kernels to: the element-wise loop drivers with no
// maths, so the same 128-bit loads and stores as every kernel (memmove, which copyWithin runs,
// uses the CPU's widest vectors), and none of run()'s checks. A backward reads two arrays
// (x and gradOutput) and writes one; its ceiling does the same with the least work that uses
// both inputs, one v128.or per vector.
template <class V> struct CopyOp {
  explicit CopyOp(const Ctx&) {}
  V f(V x) const { return x; }
  V df(V x, V g) const { return or_bits(x, g); }
};
void copy_kernel_js(uintptr_t src, uintptr_t dst, double n) {
  Ctx c;
  c.x = ptr<const float>(src); c.out = ptr<float>(dst); c.n = int64_t(n);
  ew_forward<CopyOp>(c);
}
void copy2_kernel_js(uintptr_t a, uintptr_t b, uintptr_t dst, double n) {
  Ctx c;
  c.x = ptr<const float>(a); c.g = ptr<const float>(b); c.out = ptr<float>(dst); c.n = int64_t(n);
  ew_backward<CopyOp>(c);
}

// The GEMM kernels (actlab/gemm.hpp) for npm run bench's and bench:browser's gemm sections.
void gemm_js(int M, int N, int K, uintptr_t A, int lda, bool transA, uintptr_t B, int ldb, bool transB, uintptr_t C,
             int ldc, float beta, uintptr_t bias) {
  gemm(M, N, K, ptr<const float>(A), lda, transA, ptr<const float>(B), ldb, transB, ptr<float>(C), ldc, beta,
       ptr<const float>(bias));
}
void linear_forward_js(int M, int N, int K, uintptr_t x, uintptr_t W, uintptr_t b, uintptr_t y) {
  linear_forward(M, N, K, ptr<const float>(x), ptr<const float>(W), ptr<const float>(b), ptr<float>(y));
}
void linear_grad_input_js(int M, int N, int K, uintptr_t dY, uintptr_t W, uintptr_t dX) {
  linear_grad_input(M, N, K, ptr<const float>(dY), ptr<const float>(W), ptr<float>(dX));
}
void linear_grad_weight_js(int M, int N, int K, uintptr_t dY, uintptr_t X, uintptr_t dW, bool accumulate) {
  linear_grad_weight(M, N, K, ptr<const float>(dY), ptr<const float>(X), ptr<float>(dW), accumulate);
}

// The clock the GEMM peak model uses: n × 32 dependent i32.adds, one cycle each on any x86 or ARM
// core, so the bench times it and divides. The empty asm keeps clang from folding the chain into
// one multiply-add (it costs a local.set/get, which V8 drops).
uint32_t add_chain(uint32_t n, uint32_t seed) {
  uint32_t x = seed, y = seed | 1;
  for (uint32_t i = 0; i < n; ++i) {
    for (int j = 0; j < 32; ++j) {
      x += y;
      __asm__("" : "+r"(x));
    }
  }
  return x;
}

// The ceiling the peak model stands for, measured: 12 independent chains a = a·m + c, each step an
// f32x4.mul and an f32x4.add as in the GEMM's inner loop, enough chains to cover both latencies at
// two of each per cycle. 96 flop per pass in the SIMD128 build (24 in the scalar one).
float mul_add_chains(uint32_t n) {
  Wide a[12];
  for (int i = 0; i < 12; ++i) a[i] = Wide(0.01f * float(i));
  const Wide m(0.999f), c(0.001f);
  for (uint32_t k = 0; k < n; ++k)
    for (int i = 0; i < 12; ++i) a[i] = a[i] * m + c;
  Wide s = a[0];
  for (int i = 1; i < 12; ++i) s = s + a[i];
  return lane(s, 0);
}

// The functions bench:browser holds to the copy ceiling (Fn::cheap), as a JSON list of names.
std::string cheap_json() {
  std::string o;
  for (const Fn& f : registry())
    if (f.cheap) o += (o.empty() ? "[\"" : ",\"") + f.name + "\"";
  return o.empty() ? "[]" : o + "]";
}
#endif

bool simd_build() {
#if ACTLAB_WASM_SIMD_BUILD
  return true;
#else
  return false;
#endif
}

// The expression compiler's limits and the heap's size limit, for the JS checks made before
// anything is copied in or allocated.
std::string limits_json() {
  return "{\"exprChars\":" + std::to_string(kExprMaxText) + ",\"exprDepth\":" + std::to_string(kExprMaxDepth) +
         ",\"exprNodes\":" + std::to_string(kExprMaxNodes) + ",\"exprParams\":" + std::to_string(kExprMaxParams) +
         ",\"heapMax\":" + std::to_string(emscripten_get_heap_max()) + "}";
}

// Bytes currently allocated by malloc: the JS tests use it to prove calls leak nothing.
double heap_in_use() { return double(mallinfo().uordblks); }

#if ACTLAB_BENCH
// torch's CPU generator, by handle, for tests/js/rng.test.js, which holds it to
// web/lib/tensor/rng.js bit for bit. In the bench build only: linked into the product it adds
// 13 KB gzip (libm's log, sin, cos, fma; 64 -> 77 KB for the SIMD module, the first view's
// 129 KB -> 142 KB of its 150 KB budget) for nothing the page uses yet. The depth lab's
// lab.network(seed) will call the C++ Generator inside the module that runs the lab. A 64-bit
// seed crosses as two uint32 halves (embind passes no 64-bit integers without BigInt).
std::vector<std::unique_ptr<Generator>> g_gens;

int rng_new_js(uint32_t hi, uint32_t lo) {
  size_t id = 0;
  while (id < g_gens.size() && g_gens[id]) ++id;  // reuse freed slots
  if (id == g_gens.size()) g_gens.emplace_back();
  g_gens[id] = std::make_unique<Generator>((uint64_t(hi) << 32) | lo);
  return int(id);
}

Generator* gen_of(int id) { return id >= 0 && id < int(g_gens.size()) ? g_gens[id].get() : nullptr; }

// torch.manual_seed(seed) on the generator (drops its cached normal)
std::string rng_seed_js(int id, uint32_t hi, uint32_t lo) {
  Generator* g = gen_of(id);
  if (!g) return "generator was freed";
  g->manual_seed((uint64_t(hi) << 32) | lo);
  return "";
}

// n floats at out: torch.rand / torch.randn, or Tensor.uniform_(a, b) / Tensor.normal_(a, b)
// with torch's messages.
std::string rng_fill_js(int id, const std::string& op, uintptr_t out, double n, double a, double b) {
  Generator* g = gen_of(id);
  if (!g) return "generator was freed";
  if (!(n >= 0 && n <= 9007199254740992.0) || n != std::floor(n)) return "n must be a non-negative integer";
  float* o = ptr<float>(out);
  if (op == "rand") { rand(*g, o, int64_t(n)); return ""; }
  if (op == "randn") { randn(*g, o, int64_t(n)); return ""; }
  if (op == "uniform_") return uniform_(*g, o, int64_t(n), a, b);
  if (op == "normal_") return normal_(*g, o, int64_t(n), a, b);
  return "unknown fill " + op;
}

void rng_free_js(int id) {
  if (id >= 0 && id < int(g_gens.size())) g_gens[id].reset();
}

#endif

#if ACTLAB_WITH_EXPR
// Compiled custom expressions, by handle. JSON out: {"id", "params", "canonical"} or {"error", "pos"}.
std::vector<std::unique_ptr<Expr>> g_exprs;

std::string json_str(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') { o += '\\'; o += char(c); }
    else if (c < 0x20) { char b[8]; snprintf(b, sizeof b, "\\u%04x", c); o += b; }
    else o += char(c);
  }
  return o + "\"";
}

std::string json_num(double v) {
  std::string o;
  json_number(o, v);
  return o;
}

// Statistics may be ±inf (JSON.parse reads 1e999 as Infinity) or NaN (null; the API reads it back as NaN).
std::string json_stat(double v) { return std::isnan(v) ? "null" : std::isinf(v) ? (v > 0 ? "1e999" : "-1e999") : json_num(v); }

std::string expr_compile_js(const std::string& text, const std::string& cls) {
  ExprError err;
  ExprOptions opt;
  opt.cls = cls;
  auto e = compile_expr(text, err, opt);
  if (!e) return "{\"error\":" + json_str(err.message) + ",\"pos\":" + std::to_string(err.pos) + "}";
  std::string o = "{\"params\":[";
  const auto& ps = expr_params(*e);
  for (size_t i = 0; i < ps.size(); ++i) {
    o += (i ? "," : "") + std::string("{\"name\":") + json_str(ps[i].name) + ",\"default\":" + json_num(ps[i].def) +
         ",\"lo\":" + json_num(ps[i].lo) + ",\"hi\":" + json_num(ps[i].hi) + "}";
  }
  const std::string canon = expr_canonical(*e);
  o += "],\"canonical\":" + (canon.empty() ? std::string("null") : json_str(canon));
  o += ",\"classes\":[";
  for (size_t i = 0; i < expr_classes(*e).size(); ++i) o += (i ? "," : "") + json_str(expr_classes(*e)[i]);
  o += "],\"cls\":" + json_str(expr_class(*e)) + ",\"prints\":[";
  const auto& pr = expr_prints(*e);
  for (size_t i = 0; i < pr.size(); ++i)
    o += std::string(i ? "," : "") + "{\"line\":" + std::to_string(pr[i].line) + ",\"text\":" + json_str(pr[i].text) +
         ",\"note\":" + (pr[i].note ? "true" : "false") + "}";
  o += "],\"dimwise\":" + std::string(expr_dimwise(*e) ? "true" : "false") + ",\"dim\":" + std::to_string(expr_default_dim(*e));
  size_t id = 0;
  while (id < g_exprs.size() && g_exprs[id]) ++id;  // reuse freed slots
  if (id == g_exprs.size()) g_exprs.emplace_back();
  g_exprs[id] = std::move(e);
  return o + ",\"id\":" + std::to_string(id) + "}";
}

std::string expr_eval_js(int id, uintptr_t x, double n, uintptr_t params, uintptr_t f, uintptr_t df) {
  if (id < 0 || id >= int(g_exprs.size()) || !g_exprs[id]) return "custom function was freed";
  return expr_eval(*g_exprs[id], ptr<const float>(x), int64_t(n), ptr<const double>(params), ptr<float>(f), ptr<float>(df));
}

// torch.autograd.grad(f(x), x, g), the reverse sweep's own product (not f'(x) * g: they differ
// where f' is inf and g is 0).
std::string expr_backward_js(int id, uintptr_t x, uintptr_t g, double n, uintptr_t params, uintptr_t dx) {
  if (id < 0 || id >= int(g_exprs.size()) || !g_exprs[id]) return "custom function was freed";
  return expr_backward(*g_exprs[id], ptr<const float>(x), ptr<const float>(g), int64_t(n), ptr<const double>(params), ptr<float>(dx));
}

// Dim-wise custom functions: shape is ndim int32s on the heap.
std::string expr_dim_js(int id, uintptr_t x, uintptr_t g, uintptr_t shape, int ndim, int dim, uintptr_t params,
                        uintptr_t out) {
  if (id < 0 || id >= int(g_exprs.size()) || !g_exprs[id]) return "custom function was freed";
  if (ndim < 0 || ndim > 16) return "too many dims";
  int64_t sh[16];
  for (int k = 0; k < ndim; ++k) sh[k] = ptr<const int32_t>(shape)[k];
  if (g) return expr_backward_dim(*g_exprs[id], ptr<const float>(x), ptr<const float>(g), sh, ndim, dim, ptr<const double>(params), ptr<float>(out));
  return expr_eval_dim(*g_exprs[id], ptr<const float>(x), sh, ndim, dim, ptr<const double>(params), ptr<float>(out));
}

void expr_free_js(int id) {
  if (id >= 0 && id < int(g_exprs.size())) g_exprs[id].reset();
}

// ---- the depth lab's networks (the build with the engine: a custom activation can drive one)
struct NetSlot {
  std::unique_ptr<Network> net;
  std::vector<float> input, grad_out;  // what the page's run drew and the loss's gradient
};
std::vector<NetSlot> g_nets;

Network* net_of(int id) { return id >= 0 && id < int(g_nets.size()) ? g_nets[size_t(id)].net.get() : nullptr; }

std::string ptr_json(const std::vector<float>& v) {
  return "{\"ptr\":" + std::to_string(v.empty() ? 0 : uintptr_t(v.data())) + ",\"n\":" + std::to_string(v.size()) + "}";
}

// An activation by name: a compiled custom function (expr_id >= 0) or a table one, with its parameters.
std::string resolve_act(const std::string& act_name, const double* act_params, int n_act_params, int expr_id, Activation& out) {
  std::vector<double> p(act_params, act_params + std::max(0, n_act_params));
  if (expr_id < 0) return table_activation(act_name, p, out);
  if (expr_id >= int(g_exprs.size()) || !g_exprs[size_t(expr_id)]) return "custom function was freed";
  if (expr_dimwise(*g_exprs[size_t(expr_id)])) return act_name + " reduces along a dim: the depth lab's activations are element-wise";
  const Expr* e = g_exprs[size_t(expr_id)].get();
  out.forward = [e, p](const float* x, int64_t n, float* y) { return expr_eval(*e, x, n, p.empty() ? nullptr : p.data(), y, nullptr); };
  out.backward = [e, p](const float* x, const float* g, int64_t n, float* dx) {
    return expr_backward(*e, x, g, n, p.empty() ? nullptr : p.data(), dx);
  };
  return "";
}

// JSON out: {"id", "params": [{"name", "shape", "data": {ptr, n}, "grad": {ptr, n}}]} or {"error"}.
// nums: gain, a, b, mean, std (the init's keyword arguments).
std::string network_create_js(int inputs, int outputs, uintptr_t hidden, int nhidden, std::string act_name, uintptr_t act_params,
                              int n_act_params, int expr_id, std::string init, uintptr_t nums, std::string mode,
                              std::string nonlinearity, std::string bias, double bias_val, double seed) {
  NetworkSpec s;
  s.inputs = inputs;
  s.outputs = outputs;
  if (nhidden < 0 || nhidden > 1000) return "{\"error\":\"hidden layers: between 1 and 100\"}";
  for (int k = 0; k < nhidden; ++k) s.hidden.push_back(ptr<const int32_t>(hidden)[k]);
  std::string err = resolve_act(act_name, ptr<const double>(act_params), n_act_params, expr_id, s.act);
  if (!err.empty()) return "{\"error\":" + json_str(err) + "}";
  s.init = init;
  const double* k = ptr<const double>(nums);
  s.gain = k[0];
  s.a = k[1];
  s.b = k[2];
  s.mean = k[3];
  s.std = k[4];
  s.mode = mode;
  s.nonlinearity = nonlinearity;
  s.bias = bias;
  s.bias_val = bias_val;
  if (!(seed >= 0 && seed < 18446744073709551616.0) || seed != std::floor(seed))
    return "{\"error\":\"seed must be an integer in [0, 2**64)\"}";
  s.seed = uint64_t(seed);
  auto net = Network::build(std::move(s), err);
  if (!net) return "{\"error\":" + json_str(err) + "}";
  size_t id = 0;
  while (id < g_nets.size() && g_nets[id].net) ++id;
  if (id == g_nets.size()) g_nets.emplace_back();
  g_nets[id].net = std::move(net);
  std::string o = "{\"id\":" + std::to_string(id) + ",\"params\":[";
  const auto& ps = g_nets[id].net->params();
  for (size_t i = 0; i < ps.size(); ++i) {
    o += std::string(i ? "," : "") + "{\"name\":" + json_str(ps[i].name) + ",\"shape\":[";
    for (size_t d = 0; d < ps[i].shape.size(); ++d) o += (d ? "," : "") + std::to_string(ps[i].shape[d]);
    o += "],\"data\":" + ptr_json(ps[i].data) + ",\"grad\":" + ptr_json(ps[i].grad) + "}";
  }
  return o + "]}";
}

// The page's input after the layers: torch.randn(batch, d0) * std or (torch.rand(...) - 0.5) * (2 * std).
std::string network_input_js(int id, int batch, bool normal, double std) {
  Network* n = net_of(id);
  if (!n) return "{\"error\":\"network was freed\"}";
  const std::string err = n->draw_input(batch, normal, std, g_nets[size_t(id)].input);
  if (!err.empty()) return "{\"error\":" + json_str(err) + "}";
  return ptr_json(g_nets[size_t(id)].input);
}

std::string network_forward_js(int id, uintptr_t x, int batch) {
  Network* n = net_of(id);
  return n ? n->forward(ptr<const float>(x), batch) : "network was freed";
}

std::string network_loss_js(int id, std::string kind) {
  Network* n = net_of(id);
  if (!n) return "{\"error\":\"network was freed\"}";
  double v = 0;
  const std::string err = n->loss(kind, v, g_nets[size_t(id)].grad_out);
  if (!err.empty()) return "{\"error\":" + json_str(err) + "}";
  return "{\"value\":" + json_stat(v) + ",\"grad\":" + ptr_json(g_nets[size_t(id)].grad_out) + "}";
}

std::string network_backward_js(int id, uintptr_t g) {
  Network* n = net_of(id);
  return n ? n->backward(ptr<const float>(g)) : "network was freed";
}

// Buffers of the last forward / backward: output, input grad, and per hidden layer.
std::string network_buffers_js(int id) {
  Network* n = net_of(id);
  if (!n) return "{\"error\":\"network was freed\"}";
  std::string o = "{\"output\":" + ptr_json(n->output()) + ",\"gradInput\":" + ptr_json(n->grad_input()) + ",\"layers\":[";
  for (int l = 0; l < n->layers(); ++l) {
    o += std::string(l ? "," : "") + "{\"pre\":" + ptr_json(n->pre(l)) + ",\"post\":" + ptr_json(n->post(l)) +
         ",\"gradPost\":" + ptr_json(n->grad_post(l)) + ",\"gradPre\":" + ptr_json(n->grad_pre(l)) + "}";
  }
  return o + "]}";
}


std::string hist_json(const Histogram& h) {
  std::string o = "{\"lo\":" + json_stat(h.lo) + ",\"hi\":" + json_stat(h.hi) + ",\"zeros\":" + std::to_string(h.zeros) +
                  ",\"nonFinite\":" + std::to_string(h.non_finite) + ",\"n\":" + std::to_string(h.n) + ",\"counts\":[";
  for (size_t k = 0; k < h.counts.size(); ++k) o += (k ? "," : "") + std::to_string(h.counts[k]);
  return o + "]}";
}

std::string layer_json(const LayerStats& s, bool hists) {
  std::string o = "{\"preMean\":" + json_stat(s.pre_mean) + ",\"preStd\":" + json_stat(s.pre_std) +
                  ",\"postMean\":" + json_stat(s.post_mean) + ",\"postStd\":" + json_stat(s.post_std) +
                  ",\"gradMean\":" + json_stat(s.grad_mean) + ",\"gradStd\":" + json_stat(s.grad_std) +
                  ",\"gradNorm\":" + json_stat(s.grad_norm) + ",\"saturated\":" + json_stat(s.saturated) +
                  ",\"dead\":" + json_stat(s.dead);
  if (hists)
    o += ",\"hist\":{\"pre\":" + hist_json(s.pre_hist) + ",\"post\":" + hist_json(s.post_hist) + ",\"grad\":" + hist_json(s.grad_hist) + "}";
  return o + "}";
}

std::string linear_json(const std::vector<LinearStats>& lin) {
  std::string o = "[";
  for (size_t l = 0; l < lin.size(); ++l)
    o += std::string(l ? "," : "") + "{\"wNorm\":" + json_stat(lin[l].w_norm) + ",\"wGradNorm\":" + json_stat(lin[l].w_grad_norm) +
         ",\"ratio\":" + json_stat(lin[l].ratio) + "}";
  return o + "]";
}

std::string network_stats_js(int id, double eps, int bins) {
  Network* n = net_of(id);
  if (!n) return "{\"error\":\"network was freed\"}";
  if (bins < 0 || bins > 1024) return "{\"error\":\"bins: between 0 and 1024\"}";
  std::vector<LayerStats> ls;
  std::vector<LinearStats> lin;
  const std::string err = n->stats(eps, bins, ls, lin);
  if (!err.empty()) return "{\"error\":" + json_str(err) + "}";
  std::string o = "{\"layers\":[";
  for (size_t l = 0; l < ls.size(); ++l) o += (l ? "," : "") + layer_json(ls[l], bins > 0);
  return o + "],\"linear\":" + linear_json(lin) + "}";
}

// The same pipeline a layer at a time, for a caller that reports progress between layers.
std::string network_forward_begin_js(int id, uintptr_t x, int batch) {
  Network* n = net_of(id);
  return n ? n->forward_begin(ptr<const float>(x), batch) : "network was freed";
}
std::string network_forward_layer_js(int id, int l) {
  Network* n = net_of(id);
  return n ? n->forward_layer(l) : "network was freed";
}
std::string network_backward_begin_js(int id, uintptr_t g) {
  Network* n = net_of(id);
  return n ? n->backward_begin(ptr<const float>(g)) : "network was freed";
}
std::string network_backward_layer_js(int id, int l) {
  Network* n = net_of(id);
  return n ? n->backward_layer(l) : "network was freed";
}
std::string network_layer_stats_js(int id, int l, double eps, int bins) {
  Network* n = net_of(id);
  if (!n) return "{\"error\":\"network was freed\"}";
  if (bins < 0 || bins > 1024) return "{\"error\":\"bins: between 0 and 1024\"}";
  LayerStats st;
  const std::string err = n->layer_stats(l, eps, bins, st);
  return err.empty() ? layer_json(st, bins > 0) : "{\"error\":" + json_str(err) + "}";
}
std::string network_linear_stats_js(int id) {
  Network* n = net_of(id);
  if (!n) return "{\"error\":\"network was freed\"}";
  std::vector<LinearStats> lin;
  const std::string err = n->linear_stats(lin);
  return err.empty() ? "{\"linear\":" + linear_json(lin) + "}" : "{\"error\":" + json_str(err) + "}";
}

// One activation per hidden layer: names joined by '\n', each with `counts[l]` parameters in
// `params` (one after another) and an expression id (-1 for a table function).
std::string network_activations_js(int id, std::string names, uintptr_t params, uintptr_t counts, uintptr_t expr_ids, int layers) {
  Network* n = net_of(id);
  if (!n) return "network was freed";
  if (layers != n->layers()) return "activations: one per hidden layer, got " + std::to_string(layers) + " for " + std::to_string(n->layers());
  std::vector<Activation> acts(static_cast<size_t>(layers));
  const double* p = ptr<const double>(params);
  size_t start = 0;
  for (int l = 0; l < layers; ++l) {
    const size_t end = names.find('\n', start);
    const std::string name = names.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? names.size() : end + 1;
    const int c = ptr<const int32_t>(counts)[l];
    const std::string err = resolve_act(name, p, c, ptr<const int32_t>(expr_ids)[l], acts[size_t(l)]);
    if (!err.empty()) return err;
    p += std::max(0, c);
  }
  return n->set_activations(std::move(acts));
}

// The training lab: torch.optim on a network, steps on batches the caller supplies.
struct OptSlot {
  std::unique_ptr<Optimizer> opt;
  int net = -1;
  float loss = 0;
};
std::vector<OptSlot> g_opts;

void optim_drop_net(int net) {
  for (OptSlot& o : g_opts)
    if (o.net == net) o = OptSlot{};
}
Optimizer* opt_of(int id) { return id >= 0 && id < int(g_opts.size()) ? g_opts[size_t(id)].opt.get() : nullptr; }

// keys: keyword names joined by ',', `counts[k]` values each (betas: 2) in `values`. JSON out:
// {"id", "spec": {name, lr, ...}} or {"error"}.
std::string optim_create_js(int net_id, std::string name, std::string keys, uintptr_t counts, uintptr_t values, int nkw) {
  Network* n = net_of(net_id);
  if (!n) return "{\"error\":\"network was freed\"}";
  std::vector<Kwarg> kw;
  const double* v = ptr<const double>(values);
  size_t start = 0;
  for (int k = 0; k < nkw; ++k) {
    const size_t end = keys.find(',', start);
    Kwarg a{keys.substr(start, end == std::string::npos ? std::string::npos : end - start), {}};
    start = end == std::string::npos ? keys.size() : end + 1;
    const int c = ptr<const int32_t>(counts)[k];
    a.v.assign(v, v + std::max(0, c));
    v += std::max(0, c);
    kw.push_back(std::move(a));
  }
  OptimSpec spec;
  const std::string err = optim_spec(name, kw, spec);
  if (!err.empty()) return "{\"error\":" + json_str(err) + "}";
  size_t id = 0;
  while (id < g_opts.size() && g_opts[id].opt) ++id;
  if (id == g_opts.size()) g_opts.emplace_back();
  g_opts[id].opt.reset(new Optimizer(*n, spec));
  g_opts[id].net = net_id;
  const OptimSpec& o = spec;
  auto b = [](bool x) { return std::string(x ? "true" : "false"); };
  std::string d = "{\"name\":" + json_str(o.name) + ",\"lr\":" + json_num(o.lr);
  if (o.name == "SGD")
    d += ",\"momentum\":" + json_num(o.momentum) + ",\"dampening\":" + json_num(o.dampening) + ",\"weight_decay\":" +
         json_num(o.weight_decay) + ",\"nesterov\":" + b(o.nesterov);
  else if (o.name == "RMSprop")
    d += ",\"alpha\":" + json_num(o.alpha) + ",\"eps\":" + json_num(o.eps) + ",\"weight_decay\":" + json_num(o.weight_decay) +
         ",\"momentum\":" + json_num(o.momentum) + ",\"centered\":" + b(o.centered);
  else
    d += ",\"betas\":[" + json_num(o.beta1) + "," + json_num(o.beta2) + "],\"eps\":" + json_num(o.eps) + ",\"weight_decay\":" +
         json_num(o.weight_decay) + ",\"amsgrad\":" + b(o.amsgrad);
  d += ",\"maximize\":" + b(o.maximize) + "}";
  return "{\"id\":" + std::to_string(id) + ",\"spec\":" + d + "}";
}

// One zero_grad / forward / loss / backward / step; the loss is read back with optimLoss().
std::string optim_step_js(int id, uintptr_t x, uintptr_t target, int batch, std::string loss, double l1) {
  Optimizer* o = opt_of(id);
  if (!o) return "optimizer was freed";
  LossKind kind;
  std::string err = loss_kind(loss, kind);
  if (!err.empty()) return err;
  return o->train_step(ptr<const float>(x), ptr<const float>(target), batch, kind, l1, g_opts[size_t(id)].loss);
}
double optim_loss_js(int id) { return opt_of(id) ? double(g_opts[size_t(id)].loss) : NAN; }

// with torch.no_grad(): loss_fn(net(x), target) -> {"value", "output": {ptr, n}} or {"error"}.
std::string optim_evaluate_js(int id, uintptr_t x, uintptr_t target, int batch, std::string loss) {
  Optimizer* o = opt_of(id);
  if (!o) return "{\"error\":\"optimizer was freed\"}";
  LossKind kind;
  std::string err = loss_kind(loss, kind);
  double v = 0;
  if (err.empty()) err = o->evaluate(ptr<const float>(x), ptr<const float>(target), batch, kind, v);
  if (!err.empty()) return "{\"error\":" + json_str(err) + "}";
  return "{\"value\":" + json_stat(v) + ",\"output\":" + ptr_json(net_of(g_opts[size_t(id)].net)->output()) + "}";
}

// `steps` steps over n rows, batch_size at a time (0: all); one float32 loss per step into `losses`.
std::string optim_run_js(int id, uintptr_t x, uintptr_t target, double n, std::string loss, double l1, double batch_size,
                         double steps, double seed, uintptr_t losses) {
  Optimizer* o = opt_of(id);
  if (!o) return "optimizer was freed";
  LossKind kind;
  std::string err = loss_kind(loss, kind);
  if (!err.empty()) return err;
  return o->train_steps(ptr<const float>(x), ptr<const float>(target), int64_t(n), kind, l1, int64_t(batch_size), int64_t(steps),
                        seed, ptr<float>(losses));
}

void optim_free_js(int id) {
  if (id >= 0 && id < int(g_opts.size())) g_opts[size_t(id)] = OptSlot{};
}

void network_free_js(int id) {
  if (id >= 0 && id < int(g_nets.size())) g_nets[size_t(id)] = NetSlot{};
  optim_drop_net(id);  // an optimizer holds its network by reference
}

// ---- the training lab's data. A result's buffers stay here until the next call or datasetFree():
// the JS wrapper copies them out at once.
struct DataSlot {
  Dataset d;
  std::vector<float> features;
};
DataSlot g_data;

std::vector<std::string> split_names(const std::string& csv) {
  std::vector<std::string> out;
  size_t a = 0;
  while (a <= csv.size() && !csv.empty()) {
    const size_t b = std::min(csv.find(',', a), csv.size());
    out.push_back(csv.substr(a, b - a));
    a = b + 1;
  }
  return out;
}

template <class T> std::string vec_json(const std::vector<T>& v) {
  return "{\"ptr\":" + std::to_string(v.empty() ? 0 : uintptr_t(v.data())) + ",\"n\":" + std::to_string(v.size()) + "}";
}

// {"n", "train", "classes", "classValues", "points", "x", "y"} of g_data, shuffled and featured.
std::string dataset_json(double ratio, const std::string& features) {
  Dataset& d = g_data.d;
  if (!(ratio >= 0 && ratio <= 1)) return "{\"error\":\"ratio must be between 0 and 1, got " + torch_num(ratio) + "\"}";
  const std::string err = make_features(d.x.data(), d.size(), split_names(features), g_data.features);
  if (!err.empty()) return "{\"error\":" + json_str(err) + "}";
  std::string o = "{\"n\":" + std::to_string(d.size()) + ",\"train\":" + std::to_string(split_point(d.size(), ratio)) +
                  ",\"classes\":" + std::to_string(d.classes) + ",\"classValues\":[";
  for (size_t i = 0; i < d.class_values.size(); ++i) o += (i ? "," : "") + json_num(d.class_values[i]);
  o += "],\"points\":" + vec_json(d.x) + ",\"x\":" + vec_json(g_data.features) + ",\"y\":" +
       (d.classes ? vec_json(d.label) : vec_json(d.target));
  return o + "}";
}

bool seed_ok(double seed) { return seed >= 0 && seed <= 9007199254740992.0 && seed == std::floor(seed); }

std::string dataset_make_js(std::string name, double n, double noise, double ratio, double seed, int classes, std::string features) {
  if (!seed_ok(seed)) return "{\"error\":\"seed must be a non-negative integer\"}";
  if (!(n >= 1 && n <= double(kMaxDatasetN)) || n != std::floor(n))
    return "{\"error\":\"n must be an integer between 1 and 10,000\"}";
  const std::string err = make_dataset(name, int64_t(n), noise, uint64_t(seed), classes, g_data.d);
  if (!err.empty()) return "{\"error\":" + json_str(err) + "}";
  return dataset_json(ratio, features);
}

// text: UTF-8 bytes on the heap (a 16 MB file is not copied again into a std::string).
std::string dataset_parse_csv_js(uintptr_t text, double bytes, double ratio, double seed, std::string features) {
  if (!seed_ok(seed)) return "{\"error\":\"seed must be a non-negative integer\"}";
  std::vector<CsvError> errors;
  int64_t more = 0;
  const std::string err = parse_csv(ptr<const char>(text), size_t(bytes), g_data.d, errors, more);
  if (!err.empty()) {
    std::string o = "{\"error\":" + json_str(err) + ",\"errors\":[";
    for (size_t i = 0; i < errors.size(); ++i)
      o += (i ? "," : "") + std::string("{\"line\":") + std::to_string(errors[i].line) + ",\"message\":" + json_str(errors[i].message) + "}";
    return o + "],\"more\":" + std::to_string(more) + "}";
  }
  Generator g{uint64_t(seed)};
  shuffle(g_data.d, g);
  return dataset_json(ratio, features);
}

// Features of n points (2n floats at x), e.g. a plot's grid: {"ptr", "n"} or {"error"}.
std::string dataset_features_js(uintptr_t x, double n, std::string features) {
  if (!(n >= 0 && n <= 16777216.0)) return "{\"error\":\"too many points\"}";
  const std::string err = make_features(ptr<const float>(x), int64_t(n), split_names(features), g_data.features);
  if (!err.empty()) return "{\"error\":" + json_str(err) + "}";
  return vec_json(g_data.features);
}

void dataset_free_js() { g_data = DataSlot{}; }

std::string dataset_info_js() {
  std::string o = "{\"names\":[";
  for (size_t i = 0; i < dataset_names().size(); ++i) o += (i ? "," : "") + json_str(dataset_names()[i]);
  o += "],\"features\":[";
  for (size_t i = 0; i < feature_names().size(); ++i) o += (i ? "," : "") + json_str(feature_names()[i]);
  return o + "],\"maxN\":" + std::to_string(kMaxDatasetN) + ",\"maxRows\":" + std::to_string(kMaxCsvRows) +
         ",\"maxBytes\":" + std::to_string(kMaxCsvBytes) + ",\"maxLine\":" + std::to_string(kMaxCsvLine) +
         ",\"maxClasses\":" + std::to_string(kMaxClasses) + "}";
}

#endif

}  // namespace

EMSCRIPTEN_BINDINGS(actlab) {
#if ACTLAB_WITH_EXPR
  emscripten::function("exprCompile", &expr_compile_js);
  emscripten::function("exprEval", &expr_eval_js);
  emscripten::function("exprBackward", &expr_backward_js);
  emscripten::function("exprFree", &expr_free_js);
  emscripten::function("exprDim", &expr_dim_js);
  emscripten::function("networkCreate", &network_create_js);
  emscripten::function("networkInput", &network_input_js);
  emscripten::function("networkForward", &network_forward_js);
  emscripten::function("networkLoss", &network_loss_js);
  emscripten::function("networkBackward", &network_backward_js);
  emscripten::function("networkBuffers", &network_buffers_js);
  emscripten::function("networkStats", &network_stats_js);
  emscripten::function("networkForwardBegin", &network_forward_begin_js);
  emscripten::function("networkForwardLayer", &network_forward_layer_js);
  emscripten::function("networkBackwardBegin", &network_backward_begin_js);
  emscripten::function("networkBackwardLayer", &network_backward_layer_js);
  emscripten::function("networkLayerStats", &network_layer_stats_js);
  emscripten::function("networkLinearStats", &network_linear_stats_js);
  emscripten::function("networkFree", &network_free_js);
  emscripten::function("networkActivations", &network_activations_js);
  emscripten::function("optimCreate", &optim_create_js);
  emscripten::function("optimStep", &optim_step_js);
  emscripten::function("optimLoss", &optim_loss_js);
  emscripten::function("optimEvaluate", &optim_evaluate_js);
  emscripten::function("optimRun", &optim_run_js);
  emscripten::function("optimFree", &optim_free_js);
  emscripten::function("datasetMake", &dataset_make_js);
  emscripten::function("datasetParseCsv", &dataset_parse_csv_js);
  emscripten::function("datasetFeatures", &dataset_features_js);
  emscripten::function("datasetFree", &dataset_free_js);
  emscripten::function("datasetInfo", &dataset_info_js);
#endif
  emscripten::function("functionsJson", &functions_json);
  emscripten::function("limitsJson", &limits_json);
  emscripten::function("lastError", &last_error_js);
  emscripten::function("outNumel", &out_numel_js);
  emscripten::function("kinks", &kinks_js);
  emscripten::function("simd", &simd_build);
  emscripten::function("heapInUse", &heap_in_use);
#if ACTLAB_BENCH
  emscripten::function("copyKernel", &copy_kernel_js);
  emscripten::function("copy2Kernel", &copy2_kernel_js);
  emscripten::function("cheapJson", &cheap_json);
  emscripten::function("gemm", &gemm_js);
  emscripten::function("linearForward", &linear_forward_js);
  emscripten::function("linearGradInput", &linear_grad_input_js);
  emscripten::function("linearGradWeight", &linear_grad_weight_js);
  emscripten::function("addChain", &add_chain);
  emscripten::function("mulAddChains", &mul_add_chains);
  emscripten::function("rngNew", &rng_new_js);
  emscripten::function("rngSeed", &rng_seed_js);
  emscripten::function("rngFill", &rng_fill_js);
  emscripten::function("rngFree", &rng_free_js);
#endif
}
