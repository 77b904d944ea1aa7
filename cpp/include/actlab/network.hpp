// The depth lab's network: nn.Sequential(nn.Linear(d0, d1), act, ..., nn.Linear(dL, d_out)) built
// as torch builds it for the same torch.manual_seed (nn.Linear's own init while constructing, then
// the chosen torch.nn.init in layer order), run forward and backward on a batch, and summarised
// per layer. The activation is a callback pair, so a table kernel and a compiled custom function
// plug in alike (network.cpp has the table's; bindings.cpp adds custom ones).
//
// Errors never cross the API as exceptions: build() fills `err` (torch's wording where it has
// one), the other calls return "" or a message.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actlab/random.hpp"

namespace actlab {

// An element-wise activation: y = f(x), and dx = f'(x) · g (torch.autograd.grad with g).
struct Activation {
  std::function<std::string(const float* x, int64_t n, float* y)> forward;
  std::function<std::string(const float* x, const float* g, int64_t n, float* dx)> backward;
};
// A table function (element-wise, not halves) with one value per declared parameter.
std::string table_activation(const std::string& name, const std::vector<double>& params, Activation& out);

struct NetworkSpec {
  int inputs = 1, outputs = 1;
  std::vector<int> hidden;  // one width per hidden layer (1..100 of them, each 1..1024)
  Activation act;
  std::vector<Activation> acts;  // optional: one per hidden layer, in place of act (the training lab)
  // Weights: "default" (nn.Linear's reset_parameters only), or a torch.nn.init function applied
  // after construction: xavier_uniform_ / xavier_normal_ (gain), kaiming_uniform_ /
  // kaiming_normal_ (a, mode, nonlinearity), lecun_normal_, normal_ (mean, std), uniform_ (a, b),
  // zeros_.
  std::string init = "default";
  double gain = 1.0, a = 0.0, b = 1.0, mean = 0.0, std = 1.0;
  std::string mode = "fan_in", nonlinearity = "leaky_relu";
  // Biases: "default" (nn.Linear's), "zeros_" or "constant_" (bias_val).
  std::string bias = "default";
  double bias_val = 0.0;
  uint64_t seed = 0;
};

// Counts in `counts.size()` equal bins over [lo, hi], the tensor's finite min and max (a constant
// tensor: [v - 0.5, v + 0.5]); NaN and ±inf are counted apart, exact zeros too (dead ReLUs).
struct Histogram {
  double lo = 0, hi = 0;
  std::vector<uint32_t> counts;
  int64_t zeros = 0, non_finite = 0, n = 0;
};
// Mean, unbiased std (torch.std), sum of squares (in double) and the histogram of n floats.
struct Summary {
  double mean = NAN, std = NAN, sumsq = 0;
  Histogram hist;
};
Summary summarize(const float* v, int64_t n, int bins);

struct LayerStats {  // a hidden layer: pre = its Linear's output, post = act(pre), grad = dloss/dpost
  double pre_mean = 0, pre_std = 0, post_mean = 0, post_std = 0, grad_mean = 0, grad_std = 0, grad_norm = 0;
  double saturated = 0;  // fraction of pre where |f'(pre)| < eps
  double dead = 0;       // fraction of units whose post is exactly 0 for every sample
  Histogram pre_hist, post_hist, grad_hist;  // with bins > 0
};
struct LinearStats {  // every Linear, the output one last
  double w_norm = 0, w_grad_norm = 0, ratio = 0;
};

class Network {
 public:
  // Builds the layers (drawing from a Generator seeded with spec.seed, as torch does) or fills err.
  static std::unique_ptr<Network> build(NetworkSpec spec, std::string& err);

  struct Param {
    std::string name;            // as named_parameters(): "0.weight", "0.bias", "2.weight", ...
    std::vector<int64_t> shape;
    std::vector<float> data, grad;
  };
  std::vector<Param>& params() { return params_; }
  int layers() const { return int(spec_.hidden.size()); }  // hidden layers
  int width(int layer) const;                              // dims: inputs, hidden..., outputs
  Generator& generator() { return gen_; }
  // One activation per hidden layer from now on (build() takes them as spec.acts too).
  std::string set_activations(std::vector<Activation> acts);

  // The batch input as the page draws it after the layers: torch.randn(batch, d0) * std, or
  // (torch.rand(batch, d0) - 0.5) * (2 * std).
  std::string draw_input(int batch, bool normal, double std, std::vector<float>& x);
  // Forward on x [batch × inputs]: keeps every layer's pre and post for backward and stats.
  // forward() is forward_begin() then forward_layer(0..layers()), for callers that report
  // progress between layers (the same for backward, from layers() down to 0).
  std::string forward(const float* x, int batch);
  std::string forward_begin(const float* x, int batch);
  std::string forward_layer(int l);  // Linear l, then its activation (none after the last)
  const std::vector<float>& output() const { return acts_.back(); }
  const std::vector<float>& pre(int layer) const { return pres_[size_t(layer)]; }
  const std::vector<float>& post(int layer) const { return acts_[size_t(layer) + 1]; }
  // The loss of the page's choice on the last forward, with its targets drawn now as torch does:
  // "sum" (out.sum()), "mse" (F.mse_loss(out, torch.randn_like(out))), "cross_entropy"
  // (F.cross_entropy(out, torch.randint(d_out, (batch,)))). Fills the output's gradient.
  std::string loss(const std::string& kind, double& value, std::vector<float>& grad_out);
  // Backward from d loss / d output after forward(): parameter grads (overwritten), and per
  // layer the gradient w.r.t. post and pre.
  std::string backward(const float* grad_out);
  std::string backward_begin(const float* grad_out);
  std::string backward_layer(int l);  // Linear l's grads, then the activation before it
  const std::vector<float>& grad_post(int layer) const { return gpost_[size_t(layer)]; }
  const std::vector<float>& grad_pre(int layer) const { return gpre_[size_t(layer)]; }
  const std::vector<float>& grad_input() const { return ginput_; }

  // The per-layer figures of the last forward (eps: the saturation threshold; bins: histogram
  // bins, 0 for none); the gradient figures need its backward too (NaN without), and the weight
  // gradients are those of the last backward.
  std::string stats(double eps, int bins, std::vector<LayerStats>& layers, std::vector<LinearStats>& linear);
  std::string layer_stats(int l, double eps, int bins, LayerStats& out);
  std::string linear_stats(std::vector<LinearStats>& linear);

 private:
  explicit Network(NetworkSpec spec) : spec_(std::move(spec)), gen_(spec_.seed) {}
  const Activation& act_of(int l) const { return spec_.acts.empty() ? spec_.act : spec_.acts[size_t(l)]; }
  NetworkSpec spec_;
  Generator gen_;
  std::vector<Param> params_;
  int batch_ = 0;
  std::vector<std::vector<float>> acts_;   // [0] input, [l + 1] post of hidden layer l, back: output
  std::vector<std::vector<float>> pres_;   // per hidden layer
  std::vector<std::vector<float>> gpost_, gpre_;
  std::vector<float> ginput_, g_, ones_, scratch_;
  int forward_next_ = -1, backward_next_ = -1;  // the layer a stepped pass runs next
  bool forward_done_ = false, backward_done_ = false;
};

}  // namespace actlab
