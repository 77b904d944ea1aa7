// torch.optim on the depth lab's Network (optim.hpp): the single-tensor updates of torch 1.13,
// op by op in float32, and the training step and mini-batch loop around them.
#include "actlab/optim.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "actlab/loss.hpp"

namespace actlab {

namespace {

// ATen's add(t, alpha=a) and addcmul are fused on its AVX2 kernels: a·b + c rounded once. The product
// of two floats is exact in double, so one double add and the float rounding give the fused result
// (but for a double-rounding tie, ~2^-29 of cases, off by one ulp).
inline float fma32(float a, float b, float c) { return float(double(a) * double(b) + double(c)); }

std::string bad_value(const std::string& what, double v) { return "Invalid " + what + ": " + py_repr(v); }

}  // namespace

std::string optim_spec(const std::string& name, const std::vector<Kwarg>& kwargs, OptimSpec& o) {
  o = OptimSpec{};
  o.name = name;
  std::vector<std::string> keys;  // the class's keywords, in its signature's order
  if (name == "SGD") keys = {"lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"};
  else if (name == "Adam" || name == "AdamW") keys = {"lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"};
  else if (name == "RMSprop") keys = {"lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize"};
  else return "unknown optimizer '" + name + "': one of SGD, Adam, AdamW, RMSprop";
  o.lr = name == "RMSprop" ? 1e-2 : 1e-3;
  o.weight_decay = name == "AdamW" ? 1e-2 : 0;
  bool has_lr = false;
  for (const Kwarg& k : kwargs) {
    if (std::find(keys.begin(), keys.end(), k.name) == keys.end())
      return name + ".__init__() got an unexpected keyword argument '" + k.name + "'";
    const size_t want = k.name == "betas" ? 2 : 1;
    if (k.v.size() != want)
      return k.name == "betas" ? "betas: a pair of floats (beta1, beta2)" : k.name + ": one number";
    const double v = k.v[0];
    if (k.name == "lr") o.lr = v, has_lr = true;
    else if (k.name == "momentum") o.momentum = v;
    else if (k.name == "dampening") o.dampening = v;
    else if (k.name == "weight_decay") o.weight_decay = v;
    else if (k.name == "alpha") o.alpha = v;
    else if (k.name == "eps") o.eps = v;
    else if (k.name == "betas") o.beta1 = k.v[0], o.beta2 = k.v[1];
    else if (k.name == "nesterov") o.nesterov = v != 0;
    else if (k.name == "maximize") o.maximize = v != 0;
    else if (k.name == "amsgrad") o.amsgrad = v != 0;
    else if (k.name == "centered") o.centered = v != 0;
  }
  // __init__'s checks in its order (SGD compares with `<`, so a NaN passes there as in Python).
  if (name == "SGD") {
    if (has_lr && o.lr < 0.0) return bad_value("learning rate", o.lr);
    if (o.momentum < 0.0) return bad_value("momentum value", o.momentum);
    if (o.weight_decay < 0.0) return bad_value("weight_decay value", o.weight_decay);
    if (o.nesterov && (o.momentum <= 0 || o.dampening != 0)) return "Nesterov momentum requires a momentum and zero dampening";
    if (!has_lr) return "parameter group didn't specify a value of required optimization parameter lr";
    return "";
  }
  if (!(0.0 <= o.lr)) return bad_value("learning rate", o.lr);
  if (!(0.0 <= o.eps)) return bad_value("epsilon value", o.eps);
  if (name == "RMSprop") {
    if (!(0.0 <= o.momentum)) return bad_value("momentum value", o.momentum);
    if (!(0.0 <= o.weight_decay)) return bad_value("weight_decay value", o.weight_decay);
    if (!(0.0 <= o.alpha)) return bad_value("alpha value", o.alpha);
    return "";
  }
  if (!(0.0 <= o.beta1 && o.beta1 < 1.0)) return "Invalid beta parameter at index 0: " + py_repr(o.beta1);
  if (!(0.0 <= o.beta2 && o.beta2 < 1.0)) return "Invalid beta parameter at index 1: " + py_repr(o.beta2);
  if (!(0.0 <= o.weight_decay)) return bad_value("weight_decay value", o.weight_decay);
  return "";
}

std::string loss_kind(const std::string& name, LossKind& out) {
  if (name == "CrossEntropyLoss") out = LossKind::CrossEntropy;
  else if (name == "BCEWithLogitsLoss") out = LossKind::BCEWithLogits;
  else if (name == "MSELoss") out = LossKind::MSE;
  else return "unknown loss '" + name + "': one of CrossEntropyLoss, BCEWithLogitsLoss, MSELoss";
  return "";
}

Optimizer::Optimizer(Network& net, OptimSpec spec) : net_(net), spec_(std::move(spec)) {
  const size_t P = net_.params().size();
  m_.resize(P);
  v_.resize(P);
  vmax_.resize(P);
  buf_.resize(P);
}

void Optimizer::step() {
  ++steps_;
  const OptimSpec& s = spec_;
  auto& ps = net_.params();
  for (size_t i = 0; i < ps.size(); ++i) {
    std::vector<float>& p = ps[i].data;
    const size_t n = p.size();
    // grad = -grad if maximize; grad = grad.add(param, alpha=weight_decay) (not AdamW's)
    grad_.resize(n);
    const float* g0 = ps[i].grad.data();
    for (size_t k = 0; k < n; ++k) grad_[k] = s.maximize ? -g0[k] : g0[k];
    if (s.weight_decay != 0 && s.name != "AdamW") {
      const float wd = float(s.weight_decay);
      for (size_t k = 0; k < n; ++k) grad_[k] = fma32(p[k], wd, grad_[k]);
    }
    float* g = grad_.data();
    if (s.name == "SGD") {
      if (s.momentum != 0) {
        std::vector<float>& buf = buf_[i];
        if (buf.empty()) {
          buf.assign(g, g + n);  // torch.clone(d_p) on the first step
        } else {
          const float mom = float(s.momentum), damp = float(1 - s.dampening);
          for (size_t k = 0; k < n; ++k) buf[k] = fma32(g[k], damp, buf[k] * mom);
        }
        if (s.nesterov) {
          const float mom = float(s.momentum);
          for (size_t k = 0; k < n; ++k) g[k] = fma32(buf[k], mom, g[k]);
        } else {
          std::copy(buf.begin(), buf.end(), g);
        }
      }
      const float neg_lr = float(-s.lr);
      for (size_t k = 0; k < n; ++k) p[k] = fma32(g[k], neg_lr, p[k]);
    } else if (s.name == "Adam" || s.name == "AdamW") {
      std::vector<float>& m = m_[i];
      std::vector<float>& v = v_[i];
      if (m.empty()) m.assign(n, 0.0f), v.assign(n, 0.0f);
      if (s.amsgrad && vmax_[i].empty()) vmax_[i].assign(n, 0.0f);
      if (s.name == "AdamW") {  // param.mul_(1 - lr * weight_decay)
        const float decay = float(1 - s.lr * s.weight_decay);
        for (size_t k = 0; k < n; ++k) p[k] *= decay;
      }
      const float b1 = float(s.beta1), c1 = float(1 - s.beta1), b2 = float(s.beta2), c2 = float(1 - s.beta2);
      for (size_t k = 0; k < n; ++k) {
        m[k] = fma32(g[k], c1, m[k] * b1);             // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        v[k] = fma32(c2 * g[k], g[k], v[k] * b2);      // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
      }
      const double step = double(steps_);
      const double bc1 = 1 - std::pow(s.beta1, step), bc2 = 1 - std::pow(s.beta2, step);
      const double step_size = s.lr / bc1;
      const float bc2_sqrt = float(std::sqrt(bc2)), eps = float(s.eps), neg_step = float(-step_size);
      const std::vector<float>* den = &v;
      if (s.amsgrad) {
        std::vector<float>& mx = vmax_[i];
        for (size_t k = 0; k < n; ++k) mx[k] = std::isnan(v[k]) ? v[k] : std::max(mx[k], v[k]);  // torch.maximum keeps NaN
        den = &mx;
      }
      for (size_t k = 0; k < n; ++k) {
        const float denom = std::sqrt((*den)[k]) / bc2_sqrt + eps;  // (sqrt / bias_correction2_sqrt).add_(eps)
        p[k] = p[k] + (neg_step * m[k]) / denom;                     // addcdiv_(exp_avg, denom, value=-step_size)
      }
    } else {  // RMSprop
      std::vector<float>& sq = v_[i];
      if (sq.empty()) sq.assign(n, 0.0f);
      const float a = float(s.alpha), c = float(1 - s.alpha), eps = float(s.eps);
      for (size_t k = 0; k < n; ++k) sq[k] = fma32(c * g[k], g[k], sq[k] * a);
      std::vector<float>& avg = avg_;
      avg.resize(n);
      if (s.centered) {
        std::vector<float>& ga = m_[i];
        if (ga.empty()) ga.assign(n, 0.0f);
        for (size_t k = 0; k < n; ++k) {
          ga[k] = fma32(g[k], c, ga[k] * a);                 // grad_avg.mul_(alpha).add_(grad, alpha=1 - alpha)
          avg[k] = std::sqrt(fma32(-ga[k], ga[k], sq[k]));   // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        }
      } else {
        for (size_t k = 0; k < n; ++k) avg[k] = std::sqrt(sq[k]);
      }
      for (size_t k = 0; k < n; ++k) avg[k] += eps;
      if (s.momentum > 0) {
        std::vector<float>& buf = buf_[i];
        if (buf.empty()) buf.assign(n, 0.0f);
        const float mom = float(s.momentum), neg_lr = float(-s.lr);
        for (size_t k = 0; k < n; ++k) {
          buf[k] = buf[k] * mom + g[k] / avg[k];  // buf.mul_(momentum).addcdiv_(grad, avg)
          p[k] = fma32(buf[k], neg_lr, p[k]);     // param.add_(buf, alpha=-lr)
        }
      } else {
        const float neg_lr = float(-s.lr);
        for (size_t k = 0; k < n; ++k) p[k] = p[k] + (neg_lr * g[k]) / avg[k];  // addcdiv_(grad, avg, value=-lr)
      }
    }
  }
}

std::string Optimizer::loss_of_output(const float* target, int batch, LossKind kind, double& value) {
  const std::vector<float>& out = net_.output();
  const int C = net_.width(net_.layers() + 1);
  std::vector<float>& gout = gout_;
  gout.resize(out.size());
  std::string err;
  if (kind == LossKind::CrossEntropy) {
    cls_.resize(size_t(batch));
    for (int b = 0; b < batch; ++b) {
      const float t = target[b];
      if (!(t == std::floor(t))) return "CrossEntropyLoss: targets are class indices (integers), got " + py_repr(t);
      cls_[size_t(b)] = std::fabs(t) < 2e9f ? int32_t(t) : -1;
      if (cls_[size_t(b)] < 0 || cls_[size_t(b)] >= C) {
        char num[64];
        snprintf(num, sizeof num, "%.0f", double(t));
        return std::string("Target ") + num + " is out of bounds.";
      }
    }
    err = cross_entropy_loss(out.data(), cls_.data(), batch, C, value, gout.data());
    if (!err.empty()) return err;
  } else if (kind == LossKind::BCEWithLogits) {
    bce_with_logits_loss(out.data(), target, int64_t(out.size()), value, gout.data());
  } else {
    mse_loss(out.data(), target, int64_t(out.size()), value, gout.data());
  }
  return "";
}

std::string Optimizer::evaluate(const float* x, const float* target, int batch, LossKind kind, double& value) {
  const std::string err = net_.forward(x, batch);
  return err.empty() ? loss_of_output(target, batch, kind, value) : err;
}

std::string Optimizer::train_step(const float* x, const float* target, int batch, LossKind kind, double l1, float& loss) {
  std::string err = net_.forward(x, batch);
  if (!err.empty()) return err;
  double value = 0;
  err = loss_of_output(target, batch, kind, value);
  if (!err.empty()) return err;
  err = net_.backward(gout_.data());
  if (!err.empty()) return err;
  loss = float(value);
  if (l1 != 0) {
    // + l1 * sum(m.weight.abs().sum() for m in linears): float32 sums, then a float32 product; its
    // gradient float(l1) * sign(W) joins the loss's before the weight's grad is written.
    float total = 0;
    const float l1f = float(l1);
    auto& ps = net_.params();
    for (size_t i = 0; i < ps.size(); i += 2) {  // weights only: 0.weight, 2.weight, ...
      double s = 0;
      std::vector<float>& w = ps[i].data;
      std::vector<float>& gw = ps[i].grad;
      for (size_t k = 0; k < w.size(); ++k) {
        s += std::fabs(double(w[k]));
        const float sg = w[k] > 0 ? 1.0f : w[k] < 0 ? -1.0f : w[k];  // sgn: 0 at 0, NaN at NaN
        gw[k] = gw[k] + l1f * sg;
      }
      total += float(s);
    }
    loss = loss + l1f * total;
  }
  step();
  return "";
}

std::string Optimizer::train_steps(const float* x, const float* target, int64_t n, LossKind kind, double l1,
                                   int64_t batch_size, int64_t steps, double seed, float* losses) {
  if (n < 1) return "the dataset is empty";
  if (steps < 0) return "steps: a non-negative integer, got " + std::to_string(steps);
  if (batch_size < 0) return "batch_size should be a positive integer value, but got batch_size=" + std::to_string(batch_size);
  const int D = net_.width(0), T = kind == LossKind::CrossEntropy ? 1 : net_.width(net_.layers() + 1);
  if (batch_size == 0 || batch_size >= n) {  // full batch: the dataset as it is
    for (int64_t s = 0; s < steps; ++s) {
      const std::string err = train_step(x, target, int(std::min<int64_t>(n, 1 << 30)), kind, l1, losses[s]);
      if (!err.empty()) return err;
    }
    return "";
  }
  if (perm_n_ != n || perm_bs_ != batch_size || perm_seed_ != seed) {  // a new loader: a new epoch
    perm_n_ = n, perm_bs_ = batch_size, perm_seed_ = seed, pos_ = n;
    own_gen_.reset(seed >= 0 ? new Generator(uint64_t(seed)) : nullptr);
  }
  Generator& gen = own_gen_ ? *own_gen_ : net_.generator();
  for (int64_t s = 0; s < steps; ++s) {
    if (pos_ >= n) {
      perm_.resize(size_t(n));
      randperm(gen, perm_.data(), n);
      pos_ = 0;
    }
    const int64_t b = std::min(batch_size, n - pos_);
    xb_.resize(size_t(b * D));
    tb_.resize(size_t(b * T));
    for (int64_t r = 0; r < b; ++r) {
      const int64_t row = perm_[size_t(pos_ + r)];
      std::copy(x + row * D, x + (row + 1) * D, xb_.begin() + r * D);
      std::copy(target + row * T, target + (row + 1) * T, tb_.begin() + r * T);
    }
    pos_ += b;
    const std::string err = train_step(xb_.data(), tb_.data(), int(b), kind, l1, losses[s]);
    if (!err.empty()) return err;
  }
  return "";
}

}  // namespace actlab
