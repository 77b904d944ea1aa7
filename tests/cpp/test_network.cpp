// The depth lab's network (actlab/network.hpp) against tests/fixtures/network.json, networks that
// torch 1.13 built, ran and differentiated (scripts/gen-network-reference.py): every parameter
// bit for bit at both ends and in sum, the input and output, the loss, and every per-layer
// statistic within 1e-4 relative (GEMM sums in another order than torch's). Runs natively and in
// the wasm SIMD128 build.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "actlab/network.hpp"
#include "fixtures.hpp"
#include "json.hpp"

using namespace actlab;

namespace {

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

double num_or_nan(const Json* j) { return j && j->kind == Json::Num ? j->num : NAN; }

// Within 1e-4 relative of max(|expected|, scale): a mean is measured against the spread of what
// it averages (its std), since a mean near 0 of values of either sign keeps only the sums'
// rounding; a std against 1% of the mean, since float32 sums leave torch's std of equal values
// at ~1e-7 of them, not 0.
bool close_stat(double actual, double expected, double scale) {
  if (std::isnan(expected)) return std::isnan(actual);
  return std::fabs(actual - expected) <= 1e-4 * std::max(std::fabs(expected), std::isnan(scale) ? 0 : scale) + 1e-12;
}

NetworkSpec spec_of(const Json& c, std::string& err) {
  NetworkSpec s;
  s.inputs = int(c.get("inputs")->num);
  s.outputs = int(c.get("outputs")->num);
  for (const Json& w : c.get("hidden")->arr) s.hidden.push_back(int(w.num));
  s.seed = uint64_t(c.get("seed")->num);
  const Json& act = *c.get("activation");
  // Parameters by name, the rest at the table's defaults.
  std::vector<double> p;
  if (const Fn* f = find_fn(act.get("name")->str)) {
    for (const Param& q : f->params) {
      double v = q.def;
      for (const auto& kv : act.get("params")->obj)
        if (kv.first == q.name) v = kv.second.kind == Json::Str ? double(std::find(q.choices.begin(), q.choices.end(), kv.second.str) - q.choices.begin()) : kv.second.num;
      p.push_back(v);
    }
  }
  err = table_activation(act.get("name")->str, p, s.act);
  const Json& init = *c.get("init");
  if (init.kind == Json::Str) {
    s.init = init.str;
  } else {
    s.init = init.get("name")->str;
    for (const auto& kv : init.obj) {
      if (kv.first == "gain") s.gain = kv.second.num;
      if (kv.first == "a") s.a = kv.second.num;
      if (kv.first == "b") s.b = kv.second.num;
      if (kv.first == "mean") s.mean = kv.second.num;
      if (kv.first == "std") s.std = kv.second.num;
      if (kv.first == "mode") s.mode = kv.second.str;
      if (kv.first == "nonlinearity") s.nonlinearity = kv.second.str;
    }
  }
  const Json& bias = *c.get("bias");
  if (bias.kind == Json::Str) {
    s.bias = bias.str;
  } else {
    s.bias = bias.get("name")->str;
    if (const Json* v = bias.get("val")) s.bias_val = v->num;
  }
  return s;
}

}  // namespace

TEST_CASE("networks equal torch's: weights bit for bit, statistics within 1e-4", "[network]") {
  Json doc;
  REQUIRE(read_json_file(g_fixture_dir + "/network.json", doc));
  const double eps = doc.get("eps")->num;
  int cases = 0, params_checked = 0, stats_checked = 0;
  double worst = 0;
  std::string worst_at;
  for (const Json& c : doc.get("cases")->arr) {
    const std::string name = c.get("name")->str;
    INFO("case " << name);
    std::string err;
    NetworkSpec spec = spec_of(c, err);
    REQUIRE(err.empty());
    auto net = Network::build(std::move(spec), err);
    INFO(err);
    REQUIRE(net);
    // Parameters: named and shaped as named_parameters(), the ends bit for bit, the sums close.
    const auto& ps = c.get("params")->arr;
    REQUIRE(net->params().size() == ps.size());
    for (size_t k = 0; k < ps.size(); ++k) {
      const Network::Param& p = net->params()[k];
      INFO("param " << p.name);
      CHECK(p.name == ps[k].get("name")->str);
      const auto& head = ps[k].get("head")->arr;
      const auto& tail = ps[k].get("tail")->arr;
      for (size_t i = 0; i < head.size(); ++i) CHECK(bits(p.data[i]) == bits(json_f32(head[i])));
      for (size_t i = 0; i < tail.size(); ++i) CHECK(bits(p.data[p.data.size() - tail.size() + i]) == bits(json_f32(tail[i])));
      double sum = 0;
      for (float v : p.data) sum += v;
      CHECK(sum == Approx(ps[k].get("sum")->num).margin(1e-9));
      ++params_checked;
    }
    // The input drawn after the layers, the forward, the loss with its targets, the backward.
    const Json& inp = *c.get("input");
    std::vector<float> x;
    REQUIRE(net->draw_input(int(c.get("batch")->num), inp.get("dist")->str == "randn", inp.get("std")->num, x).empty());
    const auto& xh = c.get("x_head")->arr;
    for (size_t i = 0; i < xh.size() && i < x.size(); ++i) CHECK(bits(x[i]) == bits(json_f32(xh[i])));
    REQUIRE(net->forward(x.data(), int(c.get("batch")->num)).empty());
    const auto& oh = c.get("out_head")->arr;
    for (size_t i = 0; i < oh.size() && i < net->output().size(); ++i)
      CHECK(close_f32(net->output()[i], json_f32(oh[i]), 1e-4, 1e-6));
    double loss = 0;
    std::vector<float> g;
    REQUIRE(net->loss(c.get("loss")->str, loss, g).empty());
    CHECK(close_stat(loss, c.get("loss_value")->num, 0));
    REQUIRE(net->backward(g.data()).empty());
    std::vector<LayerStats> ls;
    std::vector<LinearStats> lin;
    REQUIRE(net->stats(eps, 32, ls, lin).empty());
    const auto& el = c.get("layers")->arr;
    REQUIRE(ls.size() == el.size());
    for (size_t l = 0; l < el.size(); ++l) {
      INFO("layer " << l);
      const Json& e = el[l];
      const struct { const char* key; double got; double scale; } fields[] = {
          {"pre_mean", ls[l].pre_mean, num_or_nan(e.get("pre_std"))},
          {"pre_std", ls[l].pre_std, 1e-2 * std::fabs(num_or_nan(e.get("pre_mean")))},
          {"post_mean", ls[l].post_mean, num_or_nan(e.get("post_std"))},
          {"post_std", ls[l].post_std, 1e-2 * std::fabs(num_or_nan(e.get("post_mean")))},
          {"grad_mean", ls[l].grad_mean, num_or_nan(e.get("grad_std"))},
          {"grad_std", ls[l].grad_std, 1e-2 * std::fabs(num_or_nan(e.get("grad_mean")))},
          {"grad_norm", ls[l].grad_norm, 0},
          {"saturated", ls[l].saturated, 0},
          {"dead", ls[l].dead, 0},
      };
      for (const Histogram* hg : {&ls[l].pre_hist, &ls[l].post_hist, &ls[l].grad_hist}) {
        int64_t total = 0;
        for (uint32_t k : hg->counts) total += k;
        CHECK(total + hg->non_finite == hg->n);
      }
      for (const auto& f : fields) {
        const double want = num_or_nan(e.get(f.key));
        INFO(f.key << ": " << f.got << " vs torch " << want);
        CHECK(close_stat(f.got, want, f.scale));
        if (std::isfinite(want) && std::fabs(want) > (std::isnan(f.scale) ? 0 : f.scale) * 1e-2 && want != 0) {
          const double rel = std::fabs(f.got - want) / std::fabs(want);
          if (rel > worst) { worst = rel; worst_at = name + " layer " + std::to_string(l) + " " + f.key; }
        }
        ++stats_checked;
      }
    }
    const auto& elin = c.get("linear")->arr;
    REQUIRE(lin.size() == elin.size());
    for (size_t l = 0; l < elin.size(); ++l) {
      INFO("linear " << l);
      CHECK(close_stat(lin[l].w_norm, num_or_nan(elin[l].get("w_norm")), 0));
      CHECK(close_stat(lin[l].w_grad_norm, num_or_nan(elin[l].get("w_grad_norm")), 0));
      CHECK(close_stat(lin[l].ratio, num_or_nan(elin[l].get("ratio")), 0));
      stats_checked += 3;
    }
    ++cases;
  }
  std::printf("\nnetwork fixtures: %d networks, %d parameters bit for bit at both ends, %d statistics; worst relative "
              "difference %.2g (%s)\n", cases, params_checked, stats_checked, worst, worst_at.c_str());
  CHECK(cases >= 30);
}

TEST_CASE("bad network configurations are refused with a message", "[network]") {
  Activation relu;
  REQUIRE(table_activation("ReLU", {}, relu).empty());
  auto build = [&](NetworkSpec s) {
    s.act = relu;
    std::string err;
    auto n = Network::build(std::move(s), err);
    return n ? std::string() : err;
  };
  NetworkSpec s;
  s.hidden = {8};
  CHECK(build(s).empty());
  NetworkSpec w0 = s;
  w0.hidden = {0};
  CHECK(build(w0) == "width: between 1 and 1024, got 0");
  NetworkSpec deep = s;
  deep.hidden.assign(101, 4);
  CHECK(build(deep) == "hidden layers: between 1 and 100, got 101");
  NetworkSpec bad_init = s;
  bad_init.init = "orthogonal_";
  CHECK(build(bad_init).find("unknown init 'orthogonal_'") == 0);
  NetworkSpec bad_mode = s;
  bad_mode.init = "kaiming_normal_";
  bad_mode.mode = "fan_avg";
  CHECK(build(bad_mode) == "Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']");
  Activation sm;
  CHECK(table_activation("Softmax", {}, sm) == "Softmax mixes elements along a dim: the depth lab's activations are element-wise");
  CHECK(table_activation("PReLU", {}, sm).find("learnable weight") != std::string::npos);
  CHECK(table_activation("Nope", {}, sm) == "unknown activation 'Nope'");
}

TEST_CASE("summaries: mean, std and equal bins over the finite range, non-finite values and zeros apart", "[network]") {
  auto counts = [](const Summary& s) { return std::vector<uint32_t>(s.hist.counts.begin(), s.hist.counts.end()); };
  const std::vector<float> r10 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  const Summary h = summarize(r10.data(), 10, 5);
  CHECK(h.hist.lo == 0);
  CHECK(h.hist.hi == 9);
  CHECK(counts(h) == std::vector<uint32_t>{2, 2, 2, 2, 2});  // the maximum goes in the last bin
  CHECK(h.hist.zeros == 1);
  CHECK(h.mean == 4.5);
  CHECK(h.std == Approx(std::sqrt(82.5 / 9)));
  CHECK(h.sumsq == 285);
  const std::vector<float> nf = {NAN, INFINITY, -INFINITY, 1, 3};
  const Summary f = summarize(nf.data(), 5, 2);
  CHECK(f.hist.lo == 1);
  CHECK(f.hist.hi == 3);
  CHECK(f.hist.non_finite == 3);
  CHECK(counts(f) == std::vector<uint32_t>{1, 1});
  CHECK(std::isnan(f.mean));
  const std::vector<float> inf = {INFINITY, 1};
  CHECK(summarize(inf.data(), 2, 0).mean == INFINITY);  // torch: mean inf, std nan
  CHECK(std::isnan(summarize(inf.data(), 2, 0).std));
  // every unit dead: one spike in the middle bin of [-0.5, 0.5]
  const std::vector<float> dead(100, 0.0f);
  const Summary d = summarize(dead.data(), 100, 4);
  CHECK(d.hist.lo == -0.5);
  CHECK(d.hist.hi == 0.5);
  CHECK(d.hist.zeros == 100);
  CHECK(counts(d) == std::vector<uint32_t>{0, 0, 100, 0});
  const std::vector<float> c = {2.5f, 2.5f};
  CHECK(counts(summarize(c.data(), 2, 3)) == std::vector<uint32_t>{0, 2, 0});
  // nothing finite, nothing at all, one value (torch.std of one element is nan)
  const float one_nan = NAN;
  CHECK(counts(summarize(&one_nan, 1, 3)) == std::vector<uint32_t>{0, 0, 0});
  CHECK(summarize(nullptr, 0, 3).hist.n == 0);
  const float one = 2;
  CHECK(std::isnan(summarize(&one, 1, 3).std));
  // tiny values keep their own range; counts add up to the finite values
  std::vector<float> tiny(1000);
  for (int i = 0; i < 1000; ++i) tiny[size_t(i)] = float(std::sin(i) * 1e-7);
  const Summary t = summarize(tiny.data(), 1000, 32);
  int64_t total = 0;
  for (uint32_t k : t.hist.counts) total += k;
  CHECK(total == 1000);
  CHECK(t.hist.lo >= -1e-7);
  CHECK(t.hist.hi <= 1e-7);
}

TEST_CASE("a stepped forward and backward equal the whole passes, and refuse to run out of order", "[network]") {
  NetworkSpec s;
  s.inputs = 5;
  s.outputs = 3;
  s.hidden = {7, 6, 9};
  REQUIRE(table_activation("Tanh", {}, s.act).empty());
  std::string err;
  auto a = Network::build(s, err), b = Network::build(s, err);
  REQUIRE(a);
  REQUIRE(b);
  std::vector<float> x;
  REQUIRE(a->draw_input(4, true, 1.0, x).empty());
  REQUIRE(a->forward(x.data(), 4).empty());
  REQUIRE(b->forward_begin(x.data(), 4).empty());
  CHECK(b->forward_layer(1) == "forward_layer out of order");
  for (int l = 0; l <= 3; ++l) REQUIRE(b->forward_layer(l).empty());
  CHECK(a->output() == b->output());
  std::vector<float> g(12, 1.0f);
  REQUIRE(a->backward(g.data()).empty());
  REQUIRE(b->backward_begin(g.data()).empty());
  // mid-backward: the forward's figures, the gradient's NaN
  std::vector<LayerStats> ls;
  std::vector<LinearStats> lin;
  REQUIRE(b->stats(1e-3, 4, ls, lin).empty());
  CHECK(std::isfinite(ls[0].post_std));
  CHECK(std::isnan(ls[0].grad_std));
  CHECK(std::isnan(ls[0].grad_norm));
  CHECK(ls[0].grad_hist.n == 0);
  for (int l = 3; l >= 0; --l) REQUIRE(b->backward_layer(l).empty());
  REQUIRE(b->stats(1e-3, 4, ls, lin).empty());
  CHECK(std::isfinite(ls[0].grad_std));
  for (size_t k = 0; k < a->params().size(); ++k) CHECK(a->params()[k].grad == b->params()[k].grad);
  CHECK(a->grad_input() == b->grad_input());
  // a new forward started: no backward until it ends
  REQUIRE(b->forward_begin(x.data(), 4).empty());
  CHECK(b->backward_begin(g.data()) == "backward before forward");
  CHECK(b->stats(1e-3, 0, ls, lin) == "stats need a forward first");
  double v = 0;
  CHECK(b->loss("sum", v, g) == "loss before forward");
}
