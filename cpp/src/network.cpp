// The depth lab's network (network.hpp): torch's construction order on the shared generator, the
// Linear layers on the SIMD128 GEMM, the activation through its kernels, statistics in double.
#include "actlab/network.hpp"

#include <algorithm>
#include <cmath>

#include "actlab/gemm.hpp"
#include "actlab/init.hpp"
#include "actlab/loss.hpp"
#include "actlab/registry.hpp"

namespace actlab {

std::string table_activation(const std::string& name, const std::vector<double>& params, Activation& out) {
  const Fn* f = find_fn(name);
  if (!f) return "unknown activation '" + name + "'";
  if (f->dimwise || f->halves)
    return name + " mixes elements along a dim: the depth lab's activations are element-wise";
  for (const Param& p : f->params)
    if (p.kind == PKind::Weight) return name + " has a learnable weight of its own: not supported in the depth lab";
  if (!params.empty() && params.size() != f->params.size())
    return name + " takes " + std::to_string(f->params.size()) + " parameters, got " + std::to_string(params.size());
  std::vector<double> p = params;
  if (p.empty())
    for (const Param& q : f->params) p.push_back(q.def);
  // Modules run in eval mode (RReLU's fixed slope), as the lab's PyTorch code calls .eval().
  for (size_t k = 0; k < f->params.size(); ++k)
    if (f->params[k].name == "training") p[k] = 0;
  std::string err = run(*f, false, nullptr, nullptr, 0, nullptr, 0, nullptr, -1, p.data(), nullptr, 0);
  if (!err.empty()) return err;
  out.forward = [f, p](const float* x, int64_t n, float* y) {
    return run(*f, false, x, nullptr, 0, y, n, nullptr, -1, p.data(), nullptr, 0);
  };
  out.backward = [f, p](const float* x, const float* g, int64_t n, float* dx) {
    return run(*f, true, x, g, n, dx, n, nullptr, -1, p.data(), nullptr, 0);
  };
  return "";
}

namespace {

// The depth lab draws batches of up to kMaxBatch; a forward takes more rows (the training lab's full
// batch of an upload), as long as the tensors it keeps stay within kMaxRowFloats.
constexpr int kMaxLayers = 100, kMaxWidth = 1024, kMaxBatch = 4096, kMaxRows = 100000;
constexpr double kMaxRowFloats = double(1 << 28);

double norm_of(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += double(x) * double(x);
  return std::sqrt(s);
}

}  // namespace

Summary summarize(const float* v, int64_t n, int bins) {
  Summary m;
  Histogram& h = m.hist;
  h.n = n;
  if (bins > 0) h.counts.assign(size_t(bins), 0);
  if (n <= 0) return m;
  double sum = 0, sumsq = 0;
  float lo = INFINITY, hi = -INFINITY;
  for (int64_t i = 0; i < n; ++i) {
    const float x = v[i];
    sum += x;
    sumsq += double(x) * double(x);
    h.zeros += x == 0.0f;
    if (!std::isfinite(x)) {
      ++h.non_finite;
      continue;
    }
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  m.mean = sum / double(n);
  m.sumsq = sumsq;
  const bool binned = bins > 0 && lo <= hi;
  double a = lo, b = hi;
  if (binned && b - a <= std::fabs(a) * 1e-12) {  // a constant tensor: one spike in the middle
    a -= 0.5;
    b += 0.5;
  }
  if (binned) {
    h.lo = a;
    h.hi = b;
  }
  const double scale = binned ? bins / (b - a) : 0;
  double dev = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double x = v[i];
    dev += (x - m.mean) * (x - m.mean);
    if (binned && std::isfinite(x)) {
      const double k = std::floor((x - a) * scale);
      h.counts[size_t(k < 0 ? 0 : k >= bins ? bins - 1 : int(k))]++;
    }
  }
  if (n >= 2) m.std = std::sqrt(dev / double(n - 1));
  return m;
}

int Network::width(int layer) const {
  if (layer <= 0) return spec_.inputs;
  if (layer > int(spec_.hidden.size())) return spec_.outputs;
  return spec_.hidden[size_t(layer - 1)];
}

std::string Network::set_activations(std::vector<Activation> acts) {
  if (acts.size() != spec_.hidden.size())
    return "activations: one per hidden layer, got " + std::to_string(acts.size()) + " for " + std::to_string(spec_.hidden.size());
  for (const Activation& a : acts)
    if (!a.forward || !a.backward) return "no activation";
  spec_.acts = std::move(acts);
  return "";
}

std::unique_ptr<Network> Network::build(NetworkSpec spec, std::string& err) {
  err.clear();
  if (spec.hidden.empty() || int(spec.hidden.size()) > kMaxLayers) {
    err = "hidden layers: between 1 and " + std::to_string(kMaxLayers) + ", got " + std::to_string(spec.hidden.size());
    return nullptr;
  }
  auto check_width = [&](int w, const std::string& what) {
    if (w >= 1 && w <= kMaxWidth) return true;
    err = what + ": between 1 and " + std::to_string(kMaxWidth) + ", got " + std::to_string(w);
    return false;
  };
  if (!check_width(spec.inputs, "inputs") || !check_width(spec.outputs, "outputs")) return nullptr;
  for (int w : spec.hidden)
    if (!check_width(w, "width")) return nullptr;
  if (!spec.acts.empty() && spec.acts.size() != spec.hidden.size()) {
    err = "activations: one per hidden layer, got " + std::to_string(spec.acts.size()) + " for " + std::to_string(spec.hidden.size());
    return nullptr;
  }
  for (const Activation& a : spec.acts.empty() ? std::vector<Activation>{spec.act} : spec.acts)
    if (!a.forward || !a.backward) {
      err = "no activation";
      return nullptr;
    }
  static const char* const kInits[] = {"default", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
                                       "kaiming_normal_", "lecun_normal_", "normal_", "uniform_", "zeros_"};
  if (std::none_of(std::begin(kInits), std::end(kInits), [&](const char* k) { return spec.init == k; })) {
    err = "unknown init '" + spec.init + "': one of default, xavier_uniform_, xavier_normal_, kaiming_uniform_, "
          "kaiming_normal_, lecun_normal_, normal_, uniform_, zeros_";
    return nullptr;
  }
  if (spec.bias != "default" && spec.bias != "zeros_" && spec.bias != "constant_") {
    err = "unknown bias init '" + spec.bias + "': one of default, zeros_, constant_";
    return nullptr;
  }
  std::unique_ptr<Network> net(new Network(std::move(spec)));
  Network& n = *net;
  const NetworkSpec& s = n.spec_;
  const int L = int(s.hidden.size());
  // nn.Sequential(Linear, act, ..., Linear): each Linear draws its reset_parameters() as it is made.
  for (int l = 0; l <= L; ++l) {
    const int in = n.width(l), out = n.width(l + 1);
    Param w, b;
    w.name = std::to_string(2 * l) + ".weight";
    w.shape = {out, in};
    w.data.resize(size_t(out) * size_t(in));
    b.name = std::to_string(2 * l) + ".bias";
    b.shape = {out};
    b.data.resize(size_t(out));
    err = init::linear_reset_parameters(n.gen_, w.data.data(), b.data.data(), in, out);
    if (!err.empty()) return nullptr;
    n.params_.push_back(std::move(w));
    n.params_.push_back(std::move(b));
  }
  // Then the chosen init, weight and bias of each Linear in turn.
  for (int l = 0; l <= L; ++l) {
    Param& w = n.params_[size_t(2 * l)];
    Param& b = n.params_[size_t(2 * l + 1)];
    float* W = w.data.data();
    const init::Shape& ws = w.shape;
    if (s.init == "xavier_uniform_") err = init::xavier_uniform_(n.gen_, W, ws, s.gain);
    else if (s.init == "xavier_normal_") err = init::xavier_normal_(n.gen_, W, ws, s.gain);
    else if (s.init == "kaiming_uniform_") err = init::kaiming_uniform_(n.gen_, W, ws, s.a, s.mode, s.nonlinearity);
    else if (s.init == "kaiming_normal_") err = init::kaiming_normal_(n.gen_, W, ws, s.a, s.mode, s.nonlinearity);
    else if (s.init == "lecun_normal_") err = init::lecun_normal_(n.gen_, W, ws);
    else if (s.init == "normal_") err = init::normal_(n.gen_, W, ws, s.mean, s.std);
    else if (s.init == "uniform_") err = init::uniform_(n.gen_, W, ws, s.a, s.b);
    else if (s.init == "zeros_") err = init::zeros_(W, ws);
    if (!err.empty()) return nullptr;
    if (s.bias == "zeros_") err = init::zeros_(b.data.data(), b.shape);
    else if (s.bias == "constant_") err = init::constant_(b.data.data(), b.shape, s.bias_val);
    if (!err.empty()) return nullptr;
  }
  for (Param& p : n.params_) p.grad.assign(p.data.size(), 0.0f);
  return net;
}

std::string Network::draw_input(int batch, bool normal, double std, std::vector<float>& x) {
  if (batch < 1 || batch > kMaxBatch)
    return "batch: between 1 and " + std::to_string(kMaxBatch) + ", got " + std::to_string(batch);
  x.resize(size_t(batch) * size_t(spec_.inputs));
  const int64_t n = int64_t(x.size());
  if (normal) {
    randn(gen_, x.data(), n);
    const float s = float(std);  // a Python float meets a float32 tensor as float32
    for (float& v : x) v *= s;
  } else {
    rand(gen_, x.data(), n);
    const float s = float(2 * std);
    for (float& v : x) v = (v - 0.5f) * s;
  }
  return "";
}

std::string Network::forward(const float* x, int batch) {
  std::string e = forward_begin(x, batch);
  for (int l = 0; e.empty() && l <= layers(); ++l) e = forward_layer(l);
  return e;
}

std::string Network::forward_begin(const float* x, int batch) {
  if (batch < 1 || batch > kMaxRows)
    return "batch: between 1 and " + std::to_string(kMaxRows) + ", got " + std::to_string(batch);
  double units = 2.0 * (spec_.inputs + spec_.outputs);
  for (int w : spec_.hidden) units += 4.0 * w;  // pre, post and their gradients
  if (double(batch) * units > kMaxRowFloats)
    return "batch of " + std::to_string(batch) + " rows: its activations and gradients would take " +
           std::to_string(int64_t(double(batch) * units * 4 / (1 << 20))) + " MB, over the " +
           std::to_string(int64_t(kMaxRowFloats * 4 / (1 << 20))) + " MB a forward may hold";
  const int L = layers();
  batch_ = batch;
  forward_done_ = backward_done_ = false;
  backward_next_ = -1;
  acts_.resize(size_t(L) + 2);
  pres_.resize(size_t(L));
  acts_[0].assign(x, x + size_t(batch) * size_t(spec_.inputs));
  forward_next_ = 0;
  return "";
}

std::string Network::forward_layer(int l) {
  if (l != forward_next_) return "forward_layer out of order";
  const int L = layers(), B = batch_;
  const int in = width(l), out = width(l + 1);
  std::vector<float>& y = l == L ? acts_[size_t(l) + 1] : pres_[size_t(l)];
  y.resize(size_t(B) * size_t(out));
  linear_forward(B, out, in, acts_[size_t(l)].data(), params_[size_t(2 * l)].data.data(), params_[size_t(2 * l + 1)].data.data(),
                 y.data());
  forward_next_ = l == L ? -1 : l + 1;
  forward_done_ = l == L;
  if (l == L) return "";
  std::vector<float>& post = acts_[size_t(l) + 1];
  post.resize(y.size());
  const std::string e = act_of(l).forward(y.data(), int64_t(y.size()), post.data());
  if (!e.empty()) forward_next_ = -1;
  return e;
}

std::string Network::loss(const std::string& kind, double& value, std::vector<float>& grad_out) {
  if (!forward_done_) return "loss before forward";
  const std::vector<float>& out = acts_.back();
  const int64_t n = int64_t(out.size());
  const int C = spec_.outputs, B = batch_;
  grad_out.assign(out.size(), 0.0f);
  if (kind == "sum") {
    double s = 0;
    for (float v : out) s += v;
    value = s;
    std::fill(grad_out.begin(), grad_out.end(), 1.0f);
    return "";
  }
  if (kind == "mse") {  // F.mse_loss(out, torch.randn_like(out)), mean reduction
    std::vector<float> t(out.size());
    randn(gen_, t.data(), n);
    mse_loss(out.data(), t.data(), n, value, grad_out.data());
    return "";
  }
  if (kind == "cross_entropy") {  // F.cross_entropy(out, torch.randint(C, (B,))), mean reduction
    std::vector<int32_t> target(static_cast<size_t>(B));
    for (int32_t& t : target) t = int32_t(gen_.random() % uint32_t(C));
    return cross_entropy_loss(out.data(), target.data(), B, C, value, grad_out.data());
  }
  return "unknown loss '" + kind + "': one of sum, mse, cross_entropy";
}

std::string Network::backward(const float* grad_out) {
  std::string e = backward_begin(grad_out);
  for (int l = layers(); e.empty() && l >= 0; --l) e = backward_layer(l);
  return e;
}

std::string Network::backward_begin(const float* grad_out) {
  if (!forward_done_) return "backward before forward";
  const int L = layers();
  backward_done_ = false;
  gpost_.resize(size_t(L));
  gpre_.resize(size_t(L));
  g_.assign(grad_out, grad_out + acts_.back().size());
  backward_next_ = L;
  return "";
}

std::string Network::backward_layer(int l) {
  if (l != backward_next_) return "backward_layer out of order";
  const int B = batch_, in = width(l), out = width(l + 1);
  Param& w = params_[size_t(2 * l)];
  Param& b = params_[size_t(2 * l + 1)];
  // The gradient flowing into Linear l: the loss's for the last, else the activation's after it.
  const float* g = l == layers() ? g_.data() : gpre_[size_t(l)].data();
  linear_grad_weight(B, out, in, g, acts_[size_t(l)].data(), w.grad.data(), false);
  linear_grad_bias(B, out, g, b.grad.data(), false);
  std::vector<float>& gin = l == 0 ? ginput_ : gpost_[size_t(l - 1)];
  gin.resize(size_t(B) * size_t(in));
  linear_grad_input(B, out, in, g, w.data.data(), gin.data());
  backward_next_ = l - 1;
  if (l == 0) {
    backward_done_ = true;
    return "";
  }
  std::vector<float>& gp = gpre_[size_t(l - 1)];
  gp.resize(gin.size());
  const std::string e = act_of(l - 1).backward(pres_[size_t(l - 1)].data(), gin.data(), int64_t(gin.size()), gp.data());
  if (!e.empty()) backward_next_ = -1;
  return e;
}

std::string Network::stats(double eps, int bins, std::vector<LayerStats>& layers_out, std::vector<LinearStats>& linear) {
  if (!forward_done_) return "stats need a forward first";
  layers_out.assign(size_t(layers()), {});
  for (int l = 0; l < layers(); ++l) {
    const std::string e = layer_stats(l, eps, bins, layers_out[size_t(l)]);
    if (!e.empty()) return e;
  }
  return linear_stats(linear);
}

std::string Network::layer_stats(int l, double eps, int bins, LayerStats& st) {
  if (!forward_done_) return "stats need a forward first";
  if (l < 0 || l >= layers()) return "no hidden layer " + std::to_string(l);
  const int B = batch_, W = width(l + 1);
  const std::vector<float>& x = pres_[size_t(l)];
  const std::vector<float>& p = acts_[size_t(l) + 1];
  // The gradient figures need this forward's backward; after a forward alone they are NaN.
  const std::vector<float>* gp = backward_done_ ? &gpost_[size_t(l)] : nullptr;
  Summary pre = summarize(x.data(), int64_t(x.size()), bins), post = summarize(p.data(), int64_t(p.size()), bins),
          g = gp ? summarize(gp->data(), int64_t(gp->size()), bins) : Summary{};
  if (!gp) g.sumsq = NAN;
  st.pre_hist = std::move(pre.hist);
  st.post_hist = std::move(post.hist);
  st.grad_hist = std::move(g.hist);
  st.pre_mean = pre.mean;
  st.pre_std = pre.std;
  st.post_mean = post.mean;
  st.post_std = post.std;
  st.grad_mean = g.mean;
  st.grad_std = g.std;
  st.grad_norm = std::sqrt(g.sumsq);
  // f'(pre): the activation's backward with a gradient of ones.
  ones_.assign(x.size(), 1.0f);
  scratch_.resize(x.size());
  const std::string e = act_of(l).backward(x.data(), ones_.data(), int64_t(x.size()), scratch_.data());
  if (!e.empty()) return e;
  int64_t sat = 0;
  for (float v : scratch_) sat += std::fabs(v) < eps;
  st.saturated = double(sat) / double(x.size());
  int dead = 0;
  for (int j = 0; j < W; ++j) {
    bool all = true;
    for (int b = 0; b < B && all; ++b) all = p[size_t(b) * size_t(W) + size_t(j)] == 0.0f;
    dead += all;
  }
  st.dead = double(dead) / double(W);
  return "";
}

std::string Network::linear_stats(std::vector<LinearStats>& linear) {
  if (!forward_done_) return "stats need a forward first";
  const int L = layers();
  linear.assign(size_t(L) + 1, {});
  for (int l = 0; l <= L; ++l) {
    LinearStats& st = linear[size_t(l)];
    st.w_norm = norm_of(params_[size_t(2 * l)].data);
    st.w_grad_norm = norm_of(params_[size_t(2 * l)].grad);
    st.ratio = st.w_norm > 0 ? st.w_grad_norm / st.w_norm : NAN;
  }
  return "";
}

}  // namespace actlab
