// The training lab's core: torch.optim's SGD, Adam, AdamW and RMSprop as torch 1.13 runs them on CPU
// (the single-tensor for-loop, its default there), a training step (zero_grad, forward, loss,
// backward, step) and a loop over mini-batches in torch.randperm's order, all on a Network.
//
// Every update is torch's sequence of float32 tensor ops, rounded where ATen rounds (measured on
// torch's AVX2 kernels): add(t, alpha=a) and addcmul are fused multiply-adds there, addcdiv is
// (value·t1)/t2 added, a Python float scalar meets a tensor as float32, and bias corrections are
// Python doubles. Errors never cross the API as exceptions: "" or a message in torch's wording.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actlab/network.hpp"
#include "actlab/random.hpp"

namespace actlab {

// A keyword argument as Python would receive it: a number, a bool (0/1), or a tuple (betas).
struct Kwarg {
  std::string name;
  std::vector<double> v;
};

// torch.optim's hyper-parameters, defaults filled in.
struct OptimSpec {
  std::string name;  // "SGD", "Adam", "AdamW", "RMSprop"
  double lr = 0, momentum = 0, dampening = 0, weight_decay = 0, alpha = 0.99, eps = 1e-8, beta1 = 0.9, beta2 = 0.999;
  bool nesterov = false, maximize = false, amsgrad = false, centered = false;
};
// The class's keywords with torch 1.13's defaults and __init__ checks: "Invalid learning rate: -1.0",
// "SGD.__init__() got an unexpected keyword argument 'betas'", ...
std::string optim_spec(const std::string& name, const std::vector<Kwarg>& kwargs, OptimSpec& out);

enum class LossKind { CrossEntropy, BCEWithLogits, MSE };
// "CrossEntropyLoss", "BCEWithLogitsLoss", "MSELoss" (the nn class names).
std::string loss_kind(const std::string& name, LossKind& out);

class Optimizer {
 public:
  Optimizer(Network& net, OptimSpec spec);
  const OptimSpec& spec() const { return spec_; }
  int64_t steps() const { return steps_; }

  // optimizer.step() on the network's current grads.
  void step();

  // One training step on x [batch × inputs] and its targets (class indices for CrossEntropyLoss,
  // batch × outputs floats otherwise): optimizer.zero_grad(); loss = loss_fn(net(x), target)
  // (+ l1 · Σ |W| over the Linear weights, not the biases); loss.backward(); optimizer.step().
  // `loss` is loss.item() (float32).
  std::string train_step(const float* x, const float* target, int batch, LossKind kind, double l1, float& loss);

  // The loss of the network on x and its targets, as `with torch.no_grad(): loss_fn(net(x), target)`
  // (no L1 term, nothing updated; the network keeps this forward's tensors for stats()).
  std::string evaluate(const float* x, const float* target, int batch, LossKind kind, double& value);

  // `steps` training steps over a dataset of n rows, batch_size rows at a time in the order of
  //   for epoch ...: perm = torch.randperm(n[, generator=g]); for i in range(0, n, bs): idx = perm[i:i + bs]
  // (batch_size >= n or 0: the whole dataset as it is, no randperm). The epoch's position carries
  // over from one call to the next with the same dataset size, batch size and generator. The
  // generator is the network's (torch.manual_seed(seed) before the network was built) or, with
  // `seed` >= 0, a torch.Generator().manual_seed(seed) of the optimizer's own. One loss per step.
  std::string train_steps(const float* x, const float* target, int64_t n, LossKind kind, double l1, int64_t batch_size,
                          int64_t steps, double seed, float* losses);

 private:
  // The loss of the last forward's output and its gradient (into gout_), targets checked.
  std::string loss_of_output(const float* target, int batch, LossKind kind, double& value);
  Network& net_;
  OptimSpec spec_;
  int64_t steps_ = 0;
  std::vector<std::vector<float>> m_, v_, vmax_, buf_;  // per parameter: exp_avg / square_avg, ...
  std::vector<float> grad_, avg_, gout_, xb_, tb_;  // scratch
  std::vector<int32_t> cls_;
  // The mini-batch loader's place: permutation, position, and what it was drawn for.
  std::vector<int64_t> perm_;
  int64_t pos_ = 0, perm_n_ = -1, perm_bs_ = -1;
  double perm_seed_ = -2;
  std::unique_ptr<Generator> own_gen_;
};


}  // namespace actlab
