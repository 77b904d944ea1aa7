// The training lab's core (actlab/optim.hpp, actlab/loss.hpp) against tests/fixtures/train.json:
// networks that torch 1.13 trained with torch.optim (scripts/gen-train-reference.py). The loss of
// every step within 1e-4 relative + 1e-8 (RMSprop 1e-3: its 1/sqrt amplifies the GEMMs' other summation
// order), the parameters after the last step within 1e-4 + 1e-3 relative (RMSprop 1e-2). The worst
// errors per optimizer are printed. Also torch's argument checks, randperm and the loader's state.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "actlab/loss.hpp"
#include "actlab/optim.hpp"
#include "actlab/registry.hpp"
#include "fixtures.hpp"
#include "json.hpp"

using namespace actlab;

namespace {

Activation act_of(const Json& a) {
  std::vector<double> p;
  const Fn* f = find_fn(a.get("name")->str);
  REQUIRE(f);
  for (const Param& q : f->params) {
    double v = q.def;
    for (const auto& kv : a.get("params")->obj)
      if (kv.first == q.name) v = kv.second.num;
    p.push_back(v);
  }
  Activation out;
  REQUIRE(table_activation(a.get("name")->str, p, out).empty());
  return out;
}

std::unique_ptr<Network> net_of(const Json& c) {
  NetworkSpec s;
  s.inputs = int(c.get("inputs")->num);
  s.outputs = int(c.get("outputs")->num);
  for (const Json& w : c.get("hidden")->arr) s.hidden.push_back(int(w.num));
  s.seed = uint64_t(c.get("seed")->num);
  for (const Json& a : c.get("activations")->arr) s.acts.push_back(act_of(a));
  std::string err;
  auto net = Network::build(std::move(s), err);
  INFO(err);
  REQUIRE(net);
  return net;
}

std::vector<Kwarg> kwargs_of(const Json& kw) {
  std::vector<Kwarg> out;
  for (const auto& kv : kw.obj) {
    Kwarg k{kv.first, {}};
    if (kv.second.kind == Json::Arr)
      for (const Json& v : kv.second.arr) k.v.push_back(v.num);
    else
      k.v.push_back(kv.second.kind == Json::Bool ? kv.second.num : kv.second.num);
    out.push_back(k);
  }
  return out;
}

double rel(double a, double e) { return std::fabs(a - e) / std::max(std::fabs(e), 1e-30); }

}  // namespace

TEST_CASE("training runs equal torch's: the loss of every step, the parameters after the last", "[train]") {
  Json doc;
  REQUIRE(read_json_file(g_fixture_dir + "/train.json", doc));
  std::map<std::string, std::pair<double, double>> worst;  // optimizer -> (loss rel, param abs)
  int cases = 0, total_steps = 0;
  for (const Json& c : doc.get("cases")->arr) {
    const std::string name = c.get("name")->str;
    INFO("case " << name);
    auto net = net_of(c);
    const Json& o = *c.get("optimizer");
    OptimSpec spec;
    REQUIRE(optim_spec(o.get("name")->str, kwargs_of(*o.get("kwargs")), spec) == "");
    Optimizer opt(*net, spec);
    LossKind kind;
    REQUIRE(loss_kind(c.get("loss")->str, kind) == "");
    const std::vector<float> x = json_floats(*c.get("x")), y = json_floats(*c.get("y"));
    const int64_t n = int64_t(c.get("n")->num), steps = int64_t(c.get("steps")->num);
    const Json* ps = c.get("perm_seed");
    std::vector<float> losses(static_cast<size_t>(steps));
    REQUIRE(opt.train_steps(x.data(), y.data(), n, kind, c.get("l1")->num, int64_t(c.get("batch_size")->num), steps,
                            ps->kind == Json::Num ? ps->num : -1, losses.data()) == "");
    const bool rms = spec.name == "RMSprop";
    const double loss_tol = rms ? 1e-3 : 1e-4, prel = rms ? 1e-2 : 1e-3;
    const std::vector<float> want = json_floats(*c.get("losses"));
    REQUIRE(want.size() == losses.size());
    auto& w = worst[spec.name];
    for (size_t s = 0; s < want.size(); ++s) {
      INFO("step " << s << ": " << losses[s] << " vs torch " << want[s]);
      // + 1e-8: a BCE loss near 0 is quantized per element at float32's ulp of 1 (log(1 + e) of e < 6e-8 is 0).
      CHECK(std::fabs(losses[s] - want[s]) <= loss_tol * std::fabs(want[s]) + 1e-8);
      if (std::fabs(want[s]) > 1e-4) w.first = std::max(w.first, rel(losses[s], want[s]));
    }
    const auto& wp = c.get("params")->arr;
    REQUIRE(wp.size() == net->params().size());
    for (size_t k = 0; k < wp.size(); ++k) {
      const std::vector<float> e = json_floats(*wp[k].get("data"));
      const std::vector<float>& a = net->params()[k].data;
      REQUIRE(a.size() == e.size());
      for (size_t i = 0; i < e.size(); ++i) {
        INFO(net->params()[k].name << "[" << i << "] " << a[i] << " vs torch " << e[i]);
        CHECK(std::fabs(a[i] - e[i]) <= 1e-4 + prel * std::fabs(e[i]));
        w.second = std::max(w.second, double(std::fabs(a[i] - e[i])));
      }
    }
    ++cases;
    total_steps += int(steps);
  }
  std::printf("train fixtures: %d runs, %d steps\n", cases, total_steps);
  for (const auto& kv : worst)
    std::printf("train vs torch, %s: worst loss %.2e relative (losses > 1e-4), worst parameter %.2e absolute\n", kv.first.c_str(),
                kv.second.first, kv.second.second);
  CHECK(cases >= 16);
}

TEST_CASE("optimizers take torch's keywords, defaults and checks", "[train]") {
  OptimSpec s;
  REQUIRE(optim_spec("Adam", {}, s) == "");
  CHECK(s.lr == 1e-3);
  CHECK(s.beta1 == 0.9);
  CHECK(s.beta2 == 0.999);
  CHECK(s.eps == 1e-8);
  CHECK(s.weight_decay == 0);
  REQUIRE(optim_spec("AdamW", {}, s) == "");
  CHECK(s.weight_decay == 1e-2);
  REQUIRE(optim_spec("RMSprop", {}, s) == "");
  CHECK(s.lr == 1e-2);
  CHECK(s.alpha == 0.99);
  CHECK(optim_spec("SGD", {}, s) == "parameter group didn't specify a value of required optimization parameter lr");
  CHECK(optim_spec("SGD", {{"lr", {-1}}}, s) == "Invalid learning rate: -1.0");
  CHECK(optim_spec("SGD", {{"lr", {NAN}}}, s) == "");  // `lr < 0.0` lets NaN through, as in Python
  CHECK(optim_spec("Adam", {{"lr", {NAN}}}, s) == "Invalid learning rate: nan");
  CHECK(optim_spec("SGD", {{"lr", {0.1}}, {"momentum", {-0.5}}}, s) == "Invalid momentum value: -0.5");
  CHECK(optim_spec("SGD", {{"lr", {0.1}}, {"nesterov", {1}}}, s) == "Nesterov momentum requires a momentum and zero dampening");
  CHECK(optim_spec("SGD", {{"lr", {0.1}}, {"momentum", {0.9}}, {"dampening", {0.1}}, {"nesterov", {1}}}, s) ==
        "Nesterov momentum requires a momentum and zero dampening");
  CHECK(optim_spec("SGD", {{"lr", {0.1}}, {"betas", {0.9, 0.99}}}, s) == "SGD.__init__() got an unexpected keyword argument 'betas'");
  CHECK(optim_spec("Adam", {{"eps", {-1e-8}}}, s) == "Invalid epsilon value: -1e-08");
  CHECK(optim_spec("Adam", {{"betas", {1.0, 0.999}}}, s) == "Invalid beta parameter at index 0: 1.0");
  CHECK(optim_spec("AdamW", {{"betas", {0.9, -0.001}}}, s) == "Invalid beta parameter at index 1: -0.001");
  CHECK(optim_spec("Adam", {{"weight_decay", {-0.0001}}}, s) == "Invalid weight_decay value: -0.0001");
  CHECK(optim_spec("RMSprop", {{"alpha", {-1}}}, s) == "Invalid alpha value: -1.0");
  CHECK(optim_spec("RMSprop", {{"momentum", {-1}}}, s) == "Invalid momentum value: -1.0");
  CHECK(optim_spec("Adagrad", {}, s) == "unknown optimizer 'Adagrad': one of SGD, Adam, AdamW, RMSprop");
  LossKind k;
  CHECK(loss_kind("NLLLoss", k) == "unknown loss 'NLLLoss': one of CrossEntropyLoss, BCEWithLogitsLoss, MSELoss");
  CHECK(py_repr(1e-5) == "1e-05");
  CHECK(py_repr(0.0001) == "0.0001");
  CHECK(py_repr(1e16) == "1e+16");
  CHECK(py_repr(123.25) == "123.25");
  CHECK(py_repr(-INFINITY) == "-inf");
}

TEST_CASE("randperm is torch's; the loader's epoch carries over between calls", "[train]") {
  Generator g(3);
  std::vector<int64_t> p(10);
  randperm(g, p.data(), 10);
  // torch.manual_seed(3); torch.randperm(10)
  CHECK(p == std::vector<int64_t>{6, 0, 3, 7, 8, 5, 1, 9, 2, 4});
  NetworkSpec s;
  s.inputs = 2;
  s.outputs = 2;
  s.hidden = {5};
  REQUIRE(table_activation("Tanh", {}, s.act).empty());
  std::string err;
  auto a = Network::build(s, err), b = Network::build(s, err);
  OptimSpec o;
  REQUIRE(optim_spec("Adam", {{"lr", {0.01}}}, o) == "");
  Optimizer oa(*a, o), ob(*b, o);
  std::vector<float> x(2 * 50), y(50);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(std::sin(double(i)));
  for (size_t i = 0; i < y.size(); ++i) y[i] = float(i % 2);
  std::vector<float> la(23), lb(23);
  REQUIRE(oa.train_steps(x.data(), y.data(), 50, LossKind::CrossEntropy, 0, 8, 23, -1, la.data()) == "");
  REQUIRE(ob.train_steps(x.data(), y.data(), 50, LossKind::CrossEntropy, 0, 8, 10, -1, lb.data()) == "");
  REQUIRE(ob.train_steps(x.data(), y.data(), 50, LossKind::CrossEntropy, 0, 8, 13, -1, lb.data() + 10) == "");
  CHECK(la == lb);
  CHECK(a->params()[0].data == b->params()[0].data);
  y[3] = 2;
  float l = 0;
  CHECK(oa.train_step(x.data(), y.data(), 50, LossKind::CrossEntropy, 0, l) == "Target 2 is out of bounds.");
  y[3] = 0.5f;
  CHECK(oa.train_step(x.data(), y.data(), 50, LossKind::CrossEntropy, 0, l) ==
        "CrossEntropyLoss: targets are class indices (integers), got 0.5");
}
