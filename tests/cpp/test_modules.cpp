// Pasted tutorial-style nn.Module classes and `def f(x):` functions (actlab/expr.hpp with
// ExprOptions::cls) against real PyTorch 1.13 (tests/fixtures/modules.json from
// scripts/gen-module-reference.py): values, derivatives and backward of every case, Python's
// and torch's exceptions with their messages and lines, and the dim-wise modules (softmax
// written by hand, ...) through expr_eval_dim / expr_backward_dim. Runs natively and in the
// wasm SIMD128 build.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "actlab/expr.hpp"
#include "fixtures.hpp"
#include "json.hpp"

using namespace actlab;

namespace {

struct ModuleError {
  std::string type, message;
  int line = 0;  // 1-based; 0 when Python gives none
};

struct ModuleCase {
  std::string name, source, cls;
  std::vector<std::pair<std::string, double>> params;
  bool fails = false;
  ModuleError error;
  std::vector<float> y, dy, dx;
};

struct DimCase {
  std::string name, source, cls;
  std::vector<int64_t> shape;
  int64_t dim = 0;
  std::vector<float> x, g, y, dx;
};

struct ModuleFixtures {
  std::vector<float> x, g;  // the elementwise cases' grid and grad_output pattern
  std::vector<ModuleCase> cases;
  std::vector<DimCase> dimwise;
};

bool load_module_fixtures(ModuleFixtures& fx) {
  Json doc;
  if (!read_json_file(g_fixture_dir + "/modules.json", doc)) return false;
  fx.x = json_floats(*doc.get("x"));
  fx.g = json_floats(*doc.get("g"));
  for (const Json& c : doc.get("cases")->arr) {
    ModuleCase mc;
    mc.name = c.get("name")->str;
    mc.source = c.get("source")->str;
    mc.cls = c.get("class")->str;
    for (const auto& kv : c.get("params")->obj) mc.params.emplace_back(kv.first, kv.second.num);
    if (const Json* e = c.get("error")) {
      mc.fails = true;
      mc.error.type = e->get("type")->str;
      mc.error.message = e->get("message")->str;
      if (e->get("line")->kind == Json::Num) mc.error.line = int(e->get("line")->num);
    } else {
      mc.y = json_floats(*c.get("y"));
      mc.dy = json_floats(*c.get("dy"));
      mc.dx = json_floats(*c.get("dx"));
    }
    fx.cases.push_back(std::move(mc));
  }
  for (const Json& c : doc.get("dimwise")->arr) {
    DimCase dc;
    dc.name = c.get("name")->str;
    dc.source = c.get("source")->str;
    dc.cls = c.get("class")->str;
    for (const Json& d : c.get("shape")->arr) dc.shape.push_back(int64_t(d.num));
    dc.dim = int64_t(c.get("dim")->num);
    dc.x = json_floats(*c.get("x"));
    dc.g = json_floats(*c.get("g"));
    dc.y = json_floats(*c.get("y"));
    dc.dx = json_floats(*c.get("dx"));
    fx.dimwise.push_back(std::move(dc));
  }
  return true;
}

// Parameter values in declaration order: defaults, then the overrides, each of which must name
// a parameter (an override that matched nothing would test the defaults instead).
std::vector<double> param_values(const Expr& e, const std::vector<std::pair<std::string, double>>& over) {
  const std::vector<ExprParam>& ps = expr_params(e);
  std::vector<double> v;
  for (const ExprParam& p : ps) v.push_back(p.def);
  for (const auto& kv : over) {
    size_t k = 0;
    while (k < ps.size() && ps[k].name != kv.first) ++k;
    INFO("override " << kv.first << " = " << kv.second);
    REQUIRE(k < ps.size());
    v[k] = kv.second;
  }
  return v;
}

const double* data_or_null(const std::vector<double>& v) { return v.empty() ? nullptr : v.data(); }

// The 1-based line holding a 0-based code-point offset of the text.
int line_of(const std::string& text, int pos) {
  int line = 1, cp = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: same code point
    if (cp++ == pos) break;
    line += c == '\n';
  }
  return line;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

std::unique_ptr<Expr> compile_module(const std::string& source, const std::string& cls, ExprError& err) {
  ExprOptions opt;
  opt.cls = cls;
  return compile_expr(source, err, opt);
}

}  // namespace

TEST_CASE("pasted modules match PyTorch (fixtures)", "[expr][modules]") {
  ModuleFixtures fx;
  REQUIRE(load_module_fixtures(fx));
  REQUIRE(fx.cases.size() >= 45);
  REQUIRE(fx.x.size() > 200);
  REQUIRE(fx.g.size() == fx.x.size());
  const std::vector<float>& x = fx.x;
  const int64_t n = int64_t(x.size());
  int64_t same_f = 0, same_df = 0, total = 0;
  int n_ok = 0, n_err = 0;
  for (const ModuleCase& c : fx.cases) {
    INFO("case " << c.name << (c.cls.empty() ? "" : " (class " + c.cls + ")") << ":\n" << c.source);
    ExprError err;
    std::unique_ptr<Expr> e = compile_module(c.source, c.cls, err);
    INFO("compile error at " << err.pos << " (line " << line_of(c.source, err.pos) << "): " << err.message);
    if (c.fails) {
      ++n_err;
      const std::string want = c.error.type + ": " + c.error.message;
      INFO("Python: " << want << " (line " << c.error.line << ")");
      if (c.params.empty()) {  // Python fails with the defaults: so must the compiler
        if (e) {
          FAIL_CHECK("compiled, but Python raises with the defaults");
          continue;
        }
        CHECK(starts_with(err.message, want));
        if (c.error.line > 0) CHECK(line_of(c.source, err.pos) == c.error.line);
        continue;
      }
      // Python fails only with the overrides (the generator checked that the defaults run): the
      // source compiles and the call fails, with no position to check.
      if (!e) {
        FAIL_CHECK("did not compile, but Python runs it with the defaults");
        continue;
      }
      const std::vector<double> pv = param_values(*e, c.params);
      std::vector<float> f(x.size()), df(x.size()), dx(x.size());
      const std::string eval_err = expr_eval(*e, x.data(), n, pv.data(), f.data(), df.data());
      INFO("expr_eval: " << eval_err);
      CHECK(starts_with(eval_err, want));
      const std::string back_err = expr_backward(*e, x.data(), fx.g.data(), n, pv.data(), dx.data());
      INFO("expr_backward: " << back_err);
      CHECK(starts_with(back_err, want));
      continue;
    }
    ++n_ok;
    if (!e) {  // the other cases still run: one report lists every source that fails
      FAIL_CHECK("did not compile");
      continue;
    }
    CHECK(!expr_dimwise(*e));
    const std::vector<double> pv = param_values(*e, c.params);
    std::vector<float> f(x.size(), -1234.5f), df(x.size(), -1234.5f), dx(x.size(), -1234.5f);
    const std::string eval_err = expr_eval(*e, x.data(), n, data_or_null(pv), f.data(), df.data());
    const std::string back_err = expr_backward(*e, x.data(), fx.g.data(), n, data_or_null(pv), dx.data());
    CHECK(eval_err == "");
    CHECK(back_err == "");
    if (!eval_err.empty() || !back_err.empty()) continue;
    int bad = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!close_f32(f[i], c.y[i]) && bad++ < 6) FAIL_CHECK("f(" << x[i] << "): got " << f[i] << ", torch " << c.y[i]);
      if (!close_f32(df[i], c.dy[i]) && bad++ < 6)
        FAIL_CHECK("f'(" << x[i] << "): got " << df[i] << ", torch " << c.dy[i]);
      // backward is linear in g: assert_close's atol scales with |g| (g holds 1e30), as in test_expr.cpp
      if (!close_f32(dx[i], c.dx[i], 1.3e-6, 1e-5 * std::max(1.0, std::fabs(double(fx.g[i])))) && bad++ < 6)
        FAIL_CHECK("backward(" << x[i] << ", g=" << fx.g[i] << "): got " << dx[i] << ", torch " << c.dx[i]);
      ++total;
      same_f += f[i] == c.y[i] || (std::isnan(f[i]) && std::isnan(c.y[i]));
      same_df += df[i] == c.dy[i] || (std::isnan(df[i]) && std::isnan(c.dy[i]));
    }
  }
  CHECK(n_err >= 8);
  std::printf("\nmodule fixtures: %d pasted sources x %zu points, %d errors; equal to torch: f %.1f%%, f' %.1f%%\n",
              n_ok, x.size(), n_err, 100.0 * double(same_f) / double(std::max<int64_t>(total, 1)),
              100.0 * double(same_df) / double(std::max<int64_t>(total, 1)));
}

TEST_CASE("pasted dim-wise modules match PyTorch (fixtures)", "[expr][modules][dimwise]") {
  ModuleFixtures fx;
  REQUIRE(load_module_fixtures(fx));
  REQUIRE(fx.dimwise.size() >= 12);
  for (const DimCase& c : fx.dimwise) {
    INFO("case " << c.name << " (dim " << c.dim << "):\n" << c.source);
    ExprError err;
    std::unique_ptr<Expr> e = compile_module(c.source, c.cls, err);
    INFO("compile error at " << err.pos << ": " << err.message);
    if (!e) {
      FAIL_CHECK("did not compile");
      continue;
    }
    CHECK(expr_dimwise(*e));
    for (const ExprParam& p : expr_params(*e)) CHECK(p.name != "dim");  // dim is the call's argument
    const std::vector<double> pv = param_values(*e, {});
    std::vector<float> y(c.x.size(), -1234.5f), dx(c.x.size(), -1234.5f);
    const int ndim = int(c.shape.size());
    const std::string eval_err = expr_eval_dim(*e, c.x.data(), c.shape.data(), ndim, c.dim, data_or_null(pv), y.data());
    const std::string back_err =
        expr_backward_dim(*e, c.x.data(), c.g.data(), c.shape.data(), ndim, c.dim, data_or_null(pv), dx.data());
    CHECK(eval_err == "");
    CHECK(back_err == "");
    if (!eval_err.empty() || !back_err.empty()) continue;
    for (size_t i = 0; i < c.x.size(); ++i) {
      INFO("element " << i << ": x = " << c.x[i] << ", g = " << c.g[i]);
      if (!close_f32(y[i], c.y[i])) FAIL_CHECK("y: got " << y[i] << ", torch " << c.y[i]);
      if (!close_f32(dx[i], c.dx[i])) FAIL_CHECK("dx: got " << dx[i] << ", torch " << c.dx[i]);
    }
  }
}
