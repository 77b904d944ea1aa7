// Custom expressions (actlab/expr.hpp): values and derivatives against real PyTorch autograd
// (tests/fixtures/expr.json from scripts/gen-expr-reference.py), agreement with the built-in
// kernels they spell out, every error class with its message and position, limits, parameter
// overrides, canonical text round trips, a seeded fuzz of the front end, and the accuracy of
// the vectorized sin/cos. Runs natively and in the wasm SIMD128 build.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "actlab/expr.hpp"
#include "actlab/registry.hpp"
#include "actlab/vecmath.hpp"
#include "fixtures.hpp"
#include "json.hpp"

using namespace actlab;

namespace {

struct ExprCase {
  std::string text;
  std::vector<std::pair<std::string, double>> params;
  std::vector<float> y, dy, dx;  // f, f' (grad with ones), grad with the fixtures' g
};

std::vector<float> g_grad_output;  // the fixtures' grad_output pattern for dx

bool load_expr_fixtures(std::vector<float>& x, std::vector<ExprCase>& cases) {
  Json doc;
  if (!read_json_file(g_fixture_dir + "/expr.json", doc)) return false;
  x = json_floats(*doc.get("x"));
  g_grad_output = json_floats(*doc.get("g"));
  for (const Json& c : doc.get("cases")->arr) {
    ExprCase ec;
    ec.text = c.get("text")->str;
    for (const auto& kv : c.get("params")->obj) ec.params.emplace_back(kv.first, kv.second.num);
    ec.y = json_floats(*c.get("y"));
    ec.dy = json_floats(*c.get("dy"));
    ec.dx = json_floats(*c.get("dx"));
    cases.push_back(std::move(ec));
  }
  return true;
}

// Parameter values in declaration order: defaults, then the overrides.
std::vector<double> param_values(const Expr& e, const std::vector<std::pair<std::string, double>>& over) {
  std::vector<double> v;
  for (const ExprParam& p : expr_params(e)) v.push_back(p.def);
  for (const auto& kv : over)
    for (size_t k = 0; k < expr_params(e).size(); ++k)
      if (expr_params(e)[k].name == kv.first) v[k] = kv.second;
  return v;
}

bool same_bits(float a, float b) { return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, 4) == 0; }

struct Eval {
  std::string err;
  std::vector<float> f, df;
};
Eval evaluate(const Expr& e, const std::vector<float>& x, const std::vector<double>& params) {
  Eval r;
  r.f.assign(x.size(), -1234.5f);
  r.df.assign(x.size(), -1234.5f);
  r.err = expr_eval(e, x.data(), int64_t(x.size()), params.empty() ? nullptr : params.data(), r.f.data(), r.df.data());
  return r;
}

int char_len(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

TEST_CASE("expressions match PyTorch autograd (fixtures)", "[expr]") {
  std::vector<float> x;
  std::vector<ExprCase> cases;
  REQUIRE(load_expr_fixtures(x, cases));
  REQUIRE(cases.size() >= 24);
  REQUIRE(x.size() > 200);
  int64_t worst_f = 0, worst_df = 0, same_f = 0, same_df = 0, total = 0;
  std::string worst_f_text, worst_df_text;
  for (const ExprCase& c : cases) {
    INFO("expression: " << c.text);
    ExprError err;
    std::unique_ptr<Expr> e = compile_expr(c.text, err);
    INFO("compile error at " << err.pos << ": " << err.message);
    REQUIRE(e);
    const std::vector<double> pv = param_values(*e, c.params);
    Eval r = evaluate(*e, x, pv);
    REQUIRE(r.err == "");
    int bad = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!close_f32(r.f[i], c.y[i]) && bad++ < 6)
        FAIL_CHECK("f(" << x[i] << "): got " << r.f[i] << ", torch " << c.y[i]);
      if (!close_f32(r.df[i], c.dy[i]) && bad++ < 6)
        FAIL_CHECK("f'(" << x[i] << "): got " << r.df[i] << ", torch " << c.dy[i]);
      ++total;
      same_f += r.f[i] == c.y[i] || (std::isnan(r.f[i]) && std::isnan(c.y[i]));
      same_df += r.df[i] == c.dy[i] || (std::isnan(r.df[i]) && std::isnan(c.dy[i]));
      if (std::isfinite(c.y[i]) && std::fabs(c.y[i]) >= 1e-3f) {
        const int64_t d = ulp_distance(r.f[i], c.y[i]);
        if (d > worst_f) { worst_f = d; worst_f_text = c.text; }
      }
      if (std::isfinite(c.dy[i]) && std::fabs(c.dy[i]) >= 1e-3f) {
        const int64_t d = ulp_distance(r.df[i], c.dy[i]);
        if (d > worst_df) { worst_df = d; worst_df_text = c.text; }
      }
    }
    // torch.autograd.grad(f(x), x, g) with a grad_output holding zeros, signs and huge values.
    std::vector<float> dx(x.size());
    REQUIRE(expr_backward(*e, x.data(), g_grad_output.data(), int64_t(x.size()), pv.data(), dx.data()) == "");
    // backward is linear in g: assert_close's atol scales with |g| (g holds 1e30)
    for (size_t i = 0; i < x.size(); ++i)
      if (!close_f32(dx[i], c.dx[i], 1.3e-6, 1e-5 * std::max(1.0, std::fabs(double(g_grad_output[i])))) && bad++ < 6)
        FAIL_CHECK("backward(" << x[i] << ", g=" << g_grad_output[i] << "): got " << dx[i] << ", torch " << c.dx[i]);
    // One element at a time (the 1-lane path) gives the same bits as the blocked SIMD pass.
    for (size_t i = 0; i < x.size(); i += 7) {
      float f1, d1;
      REQUIRE(expr_eval(*e, &x[i], 1, pv.data(), &f1, &d1) == "");
      CHECK(same_bits(f1, r.f[i]));
      CHECK(same_bits(d1, r.df[i]));
    }
    // The canonical text compiles to the same function.
    std::unique_ptr<Expr> e2 = compile_expr(expr_canonical(*e), err);
    INFO("canonical: " << expr_canonical(*e));
    REQUIRE(e2);
    CHECK(expr_canonical(*e2) == expr_canonical(*e));
    Eval r2 = evaluate(*e2, x, pv);
    for (size_t i = 0; i < x.size(); ++i) {
      CHECK(same_bits(r2.f[i], r.f[i]));
      CHECK(same_bits(r2.df[i], r.df[i]));
    }
  }
  // (The max ULP comes from cancellation, e.g. silu(x) - mish(x) near x = 8.7: 1 ULP of the terms.)
  std::printf("\nexpr fixtures: %zu expressions x %zu points; equal to torch: f %.1f%%, f' %.1f%%; max ULP "
              "(|ref| >= 1e-3): f %lld (%s), f' %lld (%s)\n",
              cases.size(), x.size(), 100.0 * double(same_f) / double(total), 100.0 * double(same_df) / double(total),
              (long long)worst_f, worst_f_text.c_str(), (long long)worst_df, worst_df_text.c_str());
}

namespace {

std::unique_ptr<Expr> must_compile(const std::string& text) {
  ExprError err;
  std::unique_ptr<Expr> e = compile_expr(text, err);
  INFO("expression: " << text << "\ncompile error at " << err.pos << ": " << err.message);
  REQUIRE(e);
  return e;
}

// A dense sweep: [-lim, lim] in small steps, the float32 neighbourhood of 0, and specials.
std::vector<float> sweep_inputs(float lim, int steps) {
  std::vector<float> x;
  for (int i = 0; i <= steps; ++i) x.push_back(-lim + 2 * lim * float(i) / float(steps));
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-45f, 1e30f, -1e30f, 3e38f, -3e38f, INFINITY, -INFINITY, NAN})
    x.push_back(v);
  return x;
}

struct Builtin {
  std::vector<float> f, df;
};
Builtin run_builtin(const char* name, const std::vector<float>& x, std::vector<double> params = {}) {
  const Fn* fn = find_fn(name);
  REQUIRE(fn);
  if (params.empty())
    for (const Param& p : fn->params) params.push_back(p.def);
  Builtin r;
  r.f.resize(x.size());
  r.df.resize(x.size());
  const std::vector<float> ones(x.size(), 1.0f);
  REQUIRE(run(*fn, false, x.data(), nullptr, 0, r.f.data(), int64_t(x.size()), nullptr, -1, params.data(), nullptr, 0) == "");
  REQUIRE(run(*fn, true, x.data(), ones.data(), int64_t(x.size()), r.df.data(), int64_t(x.size()), nullptr, -1,
              params.data(), nullptr, 0) == "");
  return r;
}

}  // namespace

TEST_CASE("expressions that spell a built-in agree with its kernel", "[expr]") {
  const std::vector<float> x = sweep_inputs(30.0f, 60000);
  SECTION("x * torch.sigmoid(x) vs SiLU: forward within 1 ULP, derivative within tolerance") {
    auto e = must_compile("x * torch.sigmoid(x)");
    Eval r = evaluate(*e, x, {});
    Builtin b = run_builtin("SiLU", x);
    int64_t worst = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      INFO("x = " << x[i] << ": expr " << r.f[i] << " / " << r.df[i] << ", SiLU " << b.f[i] << " / " << b.df[i]);
      worst = std::max(worst, ulp_distance(r.f[i], b.f[i]));
      CHECK(ulp_distance(r.f[i], b.f[i]) <= 1);
      if (std::isfinite(x[i])) CHECK(close_f32(r.df[i], b.df[i]));  // torch: NaN at +inf via inf * 0
    }
    std::printf("x * torch.sigmoid(x) vs SiLU: max %lld ULP over %zu inputs\n", (long long)worst, x.size());
  }
  SECTION("formulas of other built-ins") {
    struct Pair { const char* text; const char* fn; bool exact_f; std::vector<float> kinks; };
    const Pair pairs[] = {
        {"x / (1 + torch.abs(x))", "Softsign", true, {}},
        {"x - torch.tanh(x)", "Tanhshrink", true, {}},
        {"torch.clamp(x, min=0)", "ReLU", true, {0.0f}},            // clamp's derivative is 1 at the kink
        {"torch.clamp(x, -1, 1)", "Hardtanh", true, {-1.0f, 1.0f}},  // inclusive vs exclusive bounds
        {"torch.log1p(torch.exp(x))", "Softplus", false, {}},
        {"0.5 * x * (1 + torch.erf(x / math.sqrt(2)))", "GELU", false, {}},
        {"torch.where(x > 0, x, torch.exp(x) - 1)", "ELU", false, {}},
        {"torch.minimum(torch.maximum(x, torch.zeros_like(x)), 6 * torch.ones_like(x))", "ReLU6", true, {0.0f, 6.0f}},
    };
    for (const Pair& p : pairs) {
      INFO(p.text << " vs " << p.fn);
      auto e = must_compile(p.text);
      Eval r = evaluate(*e, x, {});
      Builtin b = run_builtin(p.fn, x);
      for (size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]) || std::fabs(x[i]) > 20) continue;  // Softplus switches to x above 20
        INFO("x = " << x[i]);
        // exact: equal values (the ReLU kernel gives +0 at -0, torch and clamp -0)
        if (p.exact_f) CHECK((r.f[i] == b.f[i] || (std::isnan(r.f[i]) && std::isnan(b.f[i]))));
        else CHECK(close_f32(r.f[i], b.f[i]));
        bool kink = false;
        for (float k : p.kinks) kink |= x[i] == k;
        if (!kink) CHECK(close_f32(r.df[i], b.df[i]));
      }
    }
  }
}

TEST_CASE("expression errors: message and position", "[expr]") {
  struct Case { std::string text; std::string message; int pos; };
  const Case cases[] = {
      // syntax
      {"", "no expression", 0},
      {"x +", "SyntaxError: unexpected end of input", 3},
      {"x + * 2", "SyntaxError: invalid syntax: unexpected '*'", 4},
      {"(x + 1", "'(' was never closed", 0},
      {"x)", "unexpected ')'", 1},
      {"2x", "invalid decimal literal", 1},
      {"007", "leading zeros", 0},
      {"x // 2", "floor division", 2},
      {"x[0]", "indexing", 1},
      {"x é", "invalid character", 2},
      {"é + x", "invalid character", 0},
      {"'tanh", "unterminated string literal", 0},
      {"F.elu(x, alpha=1, alpha=2)", "keyword argument repeated: alpha", 18},
      {"F.elu(alpha=1, x)", "positional argument follows keyword argument", 15},
      {"0 < x < 1", "chained comparisons", 6},
      {"x and x", "'and' does not work element-wise", 2},
      {"x if x > 0 else 0", "torch.where", 2},
      {"x * 2; alpha = 1", "only the last statement can be the expression", 7},
      {"alpha = 1.0", "no expression", 11},
      // names
      {"foo * x", "NameError: name 'foo' is not defined", 0},
      {"alpha = 1.0\nx * alpah", "Did you mean: 'alpha'?", 16},
      {"torch.sigmod(x)", "module 'torch' has no attribute 'sigmod'. Did you mean: 'sigmoid'?", 6},
      {"F.relu7(x)", "module 'torch.nn.functional' has no attribute 'relu7'. Did you mean: 'relu'?", 2},
      {"x.foo()", "'Tensor' object has no attribute 'foo'", 2},
      {"import scipy as sp\nx", "ModuleNotFoundError", 7},
      {"lambda t: x * t", "NameError: name 'x' is not defined", 10},
      // arity and keywords
      {"torch.exp(x, 1)", "exp() takes 1 positional argument but 2 were given", 13},
      {"F.elu(x, 1.0, False, 3)", "elu() takes from 1 to 3 positional arguments but 4 were given", 21},
      {"F.elu(x, beta=1)", "elu() got an unexpected keyword argument 'beta'", 9},
      {"F.elu(x, 2.0, alpha=1)", "elu() got multiple values for argument 'alpha'", 14},
      {"F.threshold(x)", "threshold() missing 2 required positional arguments: 'threshold' and 'value'", 13},
      {"torch.where(x > 0, x)", "where() missing 1 required positional argument: 'other'", 20},
      {"math.sqrt(x=2) * x", "takes no keyword arguments", 10},
      // types
      {"torch.where(x, x, x)", "where expected condition to be a boolean tensor", 12},
      {"torch.exp(2.0)", "exp(): argument 'input' (position 1) must be Tensor, not float", 10},
      {"torch.maximum(x, 0.1)", "maximum(): argument 'other' (position 2) must be Tensor, not float", 17},
      {"math.sqrt(x)", "only one element tensors can be converted to Python scalars", 10},
      {"F.elu(x, alpha=x)", "alpha must not depend on x", 15},
      {"torch.clamp(x)", "At least one of 'min' or 'max' must not be None", 6},
      {"torch.clamp(x, min=x)", "min must be a number", 12},
      {"-(x > 0)", "Negation, the `-` operator, on a bool tensor is not supported", 0},
      {"~x", "~ needs a boolean tensor", 0},
      {"'a' + x", "a string is not a number", 0},
      {"x.exp", "is a method: call it", 2},
      {"alpha = x\nalpha = 1.0\nx", "'alpha' is already defined above", 10},
      {"x = 1\nx", "cannot use 'x' as a parameter name", 0},
      {"a = 1\na = 2\nx", "parameter 'a' is already defined", 6},
      // built-ins' own validation (PyTorch's wording)
      {"F.gelu(x, approximate='fast')", "approximate argument must be either none or tanh.", 22},
      {"F.softshrink(x, -1)", "lambda must be greater or equal to 0, but found to be -1.", 2},
      {"F.celu(x, alpha=0)", "ZeroDivisionError: alpha cannot be 0 for CELU", 2},
      {"F.rrelu(x, training=True)", "only eval mode (training=False)", 20},
      {"F.relu(x, inplace=True)", "inplace=True is not supported", 18},
      {"F.prelu(x, 0.25)", "F.prelu is not supported", 2},
      {"F.softmax(x)", "dim-wise", 2},
      {"F.glu(x)", "F.glu is dim-wise", 2},
      {"F.log_softmax(x, 1)", "F.log_softmax is dim-wise", 2},
      {"F.gumbel_softmax(x)", "F.gumbel_softmax is dim-wise", 2},
      {"F.tanhshrink(x, inplace=False)", "tanhshrink() got an unexpected keyword argument 'inplace'", 16},
      {"F.threshold(x, 0.5)", "threshold() missing 1 required positional argument: 'value'", 18},
      {"F.rrelu(x, seed=1)", "rrelu() got an unexpected keyword argument 'seed'", 11},
      // Python number arithmetic
      {"1/0 * x", "ZeroDivisionError: division by zero", 1},
      {"1.0/0 * x", "ZeroDivisionError: float division by zero", 3},
      {"math.sqrt(-1) * x", "ValueError: math domain error", 5},
      {"(-8) ** 0.5 * x", "complex number", 5},
      {"0.0 ** -1 * x", "0.0 cannot be raised to a negative power", 4},
      {"a = 0.0\nx * (1 / a)", "float division by zero", 15},
  };
  for (const Case& c : cases) {
    INFO("text: " << c.text);
    ExprError err;
    err.pos = 12345;
    std::unique_ptr<Expr> e = compile_expr(c.text, err);
    CHECK(!e);
    INFO("message: " << err.message);
    CHECK(err.message.find(c.message) != std::string::npos);
    CHECK(err.pos == c.pos);
  }
}

TEST_CASE("expression limits are enforced with their numbers in the message", "[expr]") {
  auto fails = [](const std::string& text, const std::string& msg, int pos) {
    ExprError err;
    CHECK(!compile_expr(text, err));
    INFO("message: " << err.message);
    CHECK(err.message.find(msg) != std::string::npos);
    CHECK(err.pos == pos);
  };
  // text length (characters)
  CHECK(must_compile("x" + std::string(kExprMaxText - 1, ' ')));
  fails("x" + std::string(kExprMaxText, ' '), "at most 4000", kExprMaxText);
  // nesting: parentheses, unary operators, calls
  CHECK(must_compile(std::string(64, '(') + "x" + std::string(64, ')')));
  fails(std::string(65, '(') + "x" + std::string(65, ')'), "at most 64 levels", 64);
  fails(std::string(65, '-') + "x", "at most 64 levels", 64);
  {
    std::string t = "x";
    for (int i = 0; i < 65; ++i) t = "torch.exp(" + t + ")";
    fails(t, "nested too deeply", 640 + 9);
  }
  // graph nodes: 300 distinct products and their sums
  {
    std::string t = "x";
    for (int i = 1; i <= 300; ++i) t += "+x*" + std::to_string(i);
    ExprError err;
    CHECK(!compile_expr(t, err));
    CHECK(err.message.find("at most 512 graph nodes") != std::string::npos);
    CHECK(err.pos > 0);
    CHECK(err.pos <= int(t.size()));
  }
  // ... while common subexpressions are shared
  {
    std::string t = "x";
    for (int i = 0; i < 600; ++i) t += "+torch.exp(x)";
    ExprError err;
    CHECK(!compile_expr(t, err));  // 600 distinct sums
    CHECK(compile_expr("torch.exp(x) * torch.exp(x) + torch.exp(x)", err));
  }
  // parameters
  {
    std::string t;
    for (int i = 0; i < kExprMaxParams; ++i) t += "p" + std::to_string(i) + " = " + std::to_string(i) + "\n";
    CHECK(must_compile(t + "x"));
    const int pos = int(t.size());
    fails(t + "p16 = 1\nx", "too many parameters: at most 16", pos);
  }
}

TEST_CASE("expression parameters: declaration, defaults, overrides, runtime errors", "[expr]") {
  auto e = must_compile("import torch\nalpha = 0.2   # slope\nbeta = -1.5; gamma = 0\nalpha * x + beta");
  const std::vector<ExprParam>& ps = expr_params(*e);
  REQUIRE(ps.size() == 3);
  CHECK(ps[0].name == "alpha");
  CHECK(ps[0].def == 0.2);
  CHECK(ps[0].lo == 0.0);
  CHECK(ps[0].hi == 0.4);
  CHECK(ps[1].name == "beta");
  CHECK(ps[1].lo == -3.0);
  CHECK(ps[1].hi == 0.0);
  CHECK(ps[2].lo == -1.0);
  CHECK(ps[2].hi == 1.0);
  CHECK(expr_canonical(*e) == "alpha = 0.2\nbeta = -1.5\ngamma = 0.0\nalpha * x + beta");
  const std::vector<float> x{-2.0f, 0.0f, 3.0f};
  Eval d = evaluate(*e, x, {});  // null params: the defaults
  CHECK(d.f[0] == 0.2f * -2.0f + -1.5f);
  CHECK(d.df[2] == 0.2f);
  Eval o = evaluate(*e, x, {3.0, 2.0, 0.0});
  CHECK(o.err == "");
  CHECK(o.f[0] == -4.0f);
  CHECK(o.f[2] == 11.0f);
  CHECK(o.df[1] == 3.0f);

  // parameters of built-ins: validated by the kernel on every call
  auto s = must_compile("s = 0.5\nF.softshrink(x, s)");
  CHECK(evaluate(*s, x, {1.0}).err == "");
  CHECK(evaluate(*s, x, {-1.0}).err == "lambda must be greater or equal to 0, but found to be -1.");
  auto c = must_compile("c = 1.0\nF.celu(x, alpha=c) + F.leaky_relu(x, c / 2)");
  CHECK(evaluate(*c, x, {0.0}).err == "ZeroDivisionError: alpha cannot be 0 for CELU");
  // Python number arithmetic on parameters, once per call
  auto q = must_compile("a = 1.0\nx * (1 / a) + (a - 3) ** 2");
  CHECK(evaluate(*q, x, {0.0}).err == "ZeroDivisionError: float division by zero");
  Eval q2 = evaluate(*q, x, {2.0});
  CHECK(q2.f[2] == 2.5f);
  CHECK(q2.df[0] == 0.5f);
  auto r = must_compile("b = 4.0\n(b - 3) ** 0.5 * x");
  CHECK(evaluate(*r, x, {2.0}).err.find("complex number") != std::string::npos);
  // exponent parameters take pow's special cases (x ** 0: derivative exactly 0, 1 at NaN)
  auto pw = must_compile("k = 3.0\nx ** k");
  const std::vector<float> xs{0.0f, 2.0f, NAN, -INFINITY};
  Eval p0 = evaluate(*pw, xs, {0.0});
  CHECK(p0.f[2] == 1.0f);
  CHECK(p0.df[0] == 0.0f);
  CHECK(p0.df[2] == 0.0f);
  Eval p2 = evaluate(*pw, xs, {2.0});
  CHECK(p2.f[1] == 4.0f);
  CHECK(p2.df[1] == 4.0f);
  Eval p3 = evaluate(*pw, xs, {0.5});
  CHECK(p3.f[1] == std::sqrt(2.0f));
  CHECK(std::isinf(p3.df[0]));
}

TEST_CASE("expr_eval: buffers, blocks, aliasing, constants", "[expr]") {
  // A graph big enough to shrink the block, over many blocks: blocked == one element at a time.
  std::string text = "a = 0.5\nx";
  for (int i = 1; i <= 40; ++i)
    text += " + torch.sin(" + std::to_string(i) + " * x) * a / " + std::to_string(i);
  auto e = must_compile(text);
  std::vector<float> x(5003);
  for (size_t i = 0; i < x.size(); ++i) x[i] = -20.0f + 40.0f * float(i) / float(x.size());
  Eval r = evaluate(*e, x, {});
  REQUIRE(r.err == "");
  for (size_t i = 0; i < x.size(); i += 13) {
    float f1, d1;
    REQUIRE(expr_eval(*e, &x[i], 1, nullptr, &f1, &d1) == "");
    CHECK(same_bits(f1, r.f[i]));
    CHECK(same_bits(d1, r.df[i]));
  }
  // f only, df only, and in place (f == x)
  std::vector<float> f(x.size()), df(x.size());
  REQUIRE(expr_eval(*e, x.data(), int64_t(x.size()), nullptr, f.data(), nullptr) == "");
  REQUIRE(expr_eval(*e, x.data(), int64_t(x.size()), nullptr, nullptr, df.data()) == "");
  for (size_t i = 0; i < x.size(); ++i) {
    CHECK(same_bits(f[i], r.f[i]));
    CHECK(same_bits(df[i], r.df[i]));
  }
  std::vector<float> inplace = x;
  REQUIRE(expr_eval(*e, inplace.data(), int64_t(x.size()), nullptr, inplace.data(), nullptr) == "");
  for (size_t i = 0; i < x.size(); ++i) CHECK(same_bits(inplace[i], r.f[i]));
  // n == 0, bad n
  CHECK(expr_eval(*e, nullptr, 0, nullptr, nullptr, nullptr) == "");
  CHECK(expr_eval(*e, x.data(), -1, nullptr, f.data(), df.data()) != "");
  // no x: a constant with derivative 0; x itself; tensors without a derivative
  struct K { const char* text; float f0, df0; };
  const K ks[] = {{"2.5", 2.5f, 0.0f},           {"a = 3\na * 2", 6.0f, 0.0f}, {"x", 1.5f, 1.0f},
                  {"torch.zeros_like(x)", 0.0f, 0.0f}, {"x > 1", 1.0f, 0.0f},  {"(x > 1) * 2.0", 2.0f, 0.0f},
                  {"torch.ones_like(x) * x", 1.5f, 1.0f}, {"torch.where(x > 0, 1.0, 0.0)", 1.0f, 0.0f}};
  for (const K& k : ks) {
    INFO(k.text);
    auto c = must_compile(k.text);
    Eval v = evaluate(*c, {1.5f, 2.0f}, {});
    CHECK(v.err == "");
    CHECK(v.f[0] == k.f0);
    CHECK(v.df[0] == k.df0);
  }
}

TEST_CASE("expression front end: accepted forms and canonical text", "[expr]") {
  struct C { const char* text; const char* canonical; };
  const C cs[] = {
      {"lambda x: x * 2", "x * 2"},
      {"def act(t):\n    return t * torch.sigmoid(t)", "x * torch.sigmoid(x)"},
      {"import math\nimport torch.nn.functional as F\nreturn F.relu(x)", "F.relu(x)"},
      {"from torch.nn import functional as nnf\nnnf.elu(x, alpha=1.0)", "F.elu(x)"},
      {"from math import pi, sqrt as s\nx * s(pi)", "x * 1.7724538509055159"},
      {"torch.nn.functional.gelu(x, approximate = 'tanh')", "F.gelu(x, approximate='tanh')"},
      {"-x ** 2", "-x ** 2"},
      {"(-x) ** 2", "(-x) ** 2"},
      {"x ** -1", "x ** -1"},
      {"2 ** -x", "2 ** -x"},
      {"(-2.0) ** x", "(-2.0) ** x"},
      {"x - (x - 1)", "x - (x - 1)"},
      {"x / (x * 2)", "x / (x * 2)"},
      {"1 / x", "1 / x"},
      {"x * (1 / 3)", "x * 0.3333333333333333"},
      {"x * 1e-5 + x * 1e16 + x * 1_000", "x * 1e-05 + x * 1e+16 + x * 1000"},
      {"x * .5 + x * 1. + x * 1.5E3", "x * 0.5 + x * 1.0 + x * 1500.0"},
      {"torch.clip(x, max=1)", "torch.clamp(x, max=1)"},
      {"x.clamp(min=0, max=1).sigmoid()", "torch.sigmoid(torch.clamp(x, min=0, max=1))"},
      {"abs(x) + abs(-2.5)", "torch.abs(x) + 2.5"},
      {"F.threshold(x, 0.1, 20)", "F.threshold(x, threshold=0.1, value=20)"},
      {"F.threshold(x, 0.1, 20.0, False) + F.selu(x, inplace=False)", "F.threshold(x, threshold=0.1, value=20.0) + F.selu(x)"},
      {"F.rrelu(x, training=False) + F.leaky_relu(x, 0.01)", "F.rrelu(x) + F.leaky_relu(x)"},
      {"(x > 0) & (x < 1) | ~(x == 2)", "(x > 0) & (x < 1) | ~(x == 2)"},
      {"torch.where((x > 0) * (x < 1), x, 0)", "torch.where((x > 0) & (x < 1), x, 0)"},
      {"x * math.inf", "x * math.inf"},
      {"x \\\n + 1", "x + 1"},
      {"F.elu(\n  x,\n  alpha=2.0,  # comment\n)", "F.elu(x, alpha=2.0)"},
      {"x*torch.sigmoid(x)  ;", "x * torch.sigmoid(x)"},
  };
  for (const C& c : cs) {
    INFO(c.text);
    auto e = must_compile(c.text);
    CHECK(expr_canonical(*e) == c.canonical);
    auto e2 = must_compile(expr_canonical(*e));
    CHECK(expr_canonical(*e2) == expr_canonical(*e));
  }
}

namespace {

struct Rng {  // splitmix64: the same sequence on every platform
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return int(next() % uint64_t(n)); }
  bool chance(int pct) { return below(100) < pct; }
  template <class T, size_t N> const T& pick(const T (&a)[N]) { return a[below(int(N))]; }
};

const char* const kNumbers[] = {"2", "0.5", "1e-3", "3", "1.", ".5", "math.pi", "10", "0", "1.5e2", "True", "100", "-1"};
const char* const kUnary[] = {"exp", "log", "log1p", "expm1", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "erf", "relu"};
const char* const kF[] = {"relu", "elu(@, alpha=2.0)", "gelu(@, approximate='tanh')", "silu", "mish", "softplus(@, beta=2)",
                          "leaky_relu(@, 0.1)", "hardtanh(@, -2.0, 2.0)", "hardswish", "hardsigmoid", "selu",
                          "celu(@, alpha=0.5)", "logsigmoid", "softsign", "tanhshrink", "softshrink", "hardshrink(@, 1)",
                          "relu6", "threshold(@, 0.5, -1)", "rrelu", "sigmoid", "tanh"};
const char* const kOps[] = {" + ", " - ", " * ", " / ", " ** ", "+", "*"};
const char* const kCmps[] = {" > ", " < ", " >= ", " <= ", " == ", " != "};

// Every RNG call is its own statement: the evaluation order of operands of + is unspecified,
// and GCC and clang differ, so the same seed must not depend on it.
std::string gen_expr(Rng& r, int depth, const std::vector<std::string>& params) {
  if (depth <= 0 || r.chance(22)) {
    const int k = r.below(10);
    if (k < 5) return "x";
    if (k < 8 || params.empty()) return r.pick(kNumbers);
    return params[size_t(r.below(int(params.size())))];
  }
  auto sub = [&] { return gen_expr(r, depth - 1, params); };
  const int kind = r.below(12);
  const std::string a = sub();
  switch (kind) {
    case 0: case 1: { const std::string op = r.pick(kOps); return a + op + sub(); }
    case 2: return "-" + a;
    case 3: return "(" + a + ")";
    case 4: return std::string("torch.") + r.pick(kUnary) + "(" + a + ")";
    case 5: {
      std::string f = r.pick(kF);
      const size_t at = f.find('@');
      return at == std::string::npos ? "F." + f + "(" + a + ")" : "F." + f.replace(at, 1, a);
    }
    case 6: {
      const std::string cmp = r.pick(kCmps);
      const std::string b = sub(), c = sub(), d = sub();
      return "torch.where(" + a + cmp + b + ", " + c + ", " + d + ")";
    }
    case 7: {
      std::string t = "torch.clamp(" + a;
      if (r.chance(50)) t += ", min=" + sub();
      if (r.chance(50)) t += ", max=" + sub();
      return t + ")";
    }
    case 8: {
      const bool mx = r.chance(50);
      const std::string b = sub();
      return std::string(mx ? "torch.maximum(" : "torch.minimum(") + a + ", " + b + ")";
    }
    case 9: { const std::string cmp = r.pick(kCmps); return "(" + a + cmp + sub() + ")"; }
    case 10: return "(" + a + ")." + r.pick(kUnary) + "()";
    default: return a + " ** " + r.pick(kNumbers);
  }
}

std::string gen_program(Rng& r) {
  std::vector<std::string> params;
  std::string t;
  if (r.chance(30)) t += "import torch\n";
  const int np = r.below(3);
  for (int i = 0; i < np; ++i) {
    params.push_back(std::string(1, char('a' + i)) + "p");
    t += params.back() + " = ";
    if (r.chance(30)) t += "-";
    t += r.pick(kNumbers);
    t += r.chance(50) ? "\n" : "; ";
  }
  if (r.chance(10)) t += "lambda x: ";
  return t + gen_expr(r, 1 + r.below(6), params);
}

const char* const kTokens[] = {"x", "torch", ".", "F", "math", "exp", "where", "clamp", "(", ")", "(", ")", ",", "+", "-",
                               "*", "/", "**", "<", ">=", "==", "=", "&", "|", "~", "alpha", "1.5", "0", "1e309", "'tanh'",
                               "None", "True", "min=", "lambda", ":", ";", "\n", "#", " ", "import", "return", "nn",
                               "functional", "elu", "sigmoid", "maximum", "\\", "\"", "[", "]", "{", "!", "@", "é", "\t"};

std::string mutate(Rng& r, std::string s) {
  const int edits = 1 + r.below(4);
  for (int k = 0; k < edits; ++k) {
    const size_t n = s.size();
    const size_t at = n ? size_t(r.below(int(n) + 1)) : 0;
    switch (r.below(6)) {
      case 0: if (n) s.erase(std::min(at, n - 1), size_t(1 + r.below(4))); break;
      case 1: s.insert(at, r.pick(kTokens)); break;
      case 2: if (n) s[std::min(at, n - 1)] = char(32 + r.below(95)); break;
      case 3:
        if (n > 2) {
          const size_t a = size_t(r.below(int(n)));
          const size_t len = size_t(1 + r.below(int(n - a)));
          s.insert(at, s.substr(a, len));
        }
        break;
      case 4: s = s.substr(0, at); break;
      default:
        if (n > 1) {
          const size_t i = size_t(r.below(int(n)));
          const size_t j = size_t(r.below(int(n)));
          std::swap(s[i], s[j]);
        }
        break;
    }
  }
  return s;
}

}  // namespace

TEST_CASE("expression front end fuzz: an Expr or a positioned error, nothing else", "[expr][fuzz]") {
  std::vector<float> fx;
  std::vector<ExprCase> fcases;
  load_expr_fixtures(fx, fcases);
  std::vector<float> x{0.0f, -0.0f, 1.0f, -1.0f, 2.5f, -3.0f, 1e30f, -1e30f, INFINITY, -INFINITY, NAN, 1e-40f};
  for (int i = 0; i < 1100; ++i) x.push_back(-10.0f + 0.018f * float(i));  // more than one block (<= 1024 floats)
  Rng r{20240611};
  int n_inputs = 0, n_ok = 0, n_err = 0, n_canon = 0;
  double worst = 0, total = 0;
  std::vector<std::string> pool;
  for (const ExprCase& c : fcases) pool.push_back(c.text);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    const int kind = iter % 10;
    if (kind < 3) {
      text = gen_program(r);
      if (pool.size() < 400) pool.push_back(text);
    } else if (kind < 7) {
      text = mutate(r, pool[size_t(r.below(int(pool.size())))]);
    } else if (kind < 9) {
      const int len = r.below(25);
      for (int k = 0; k < len; ++k) text += r.pick(kTokens);
    } else {
      const int len = r.below(60);
      for (int k = 0; k < len; ++k) text += char(r.below(256));
    }
    ++n_inputs;
    const auto t0 = std::chrono::steady_clock::now();
    ExprError err;
    std::unique_ptr<Expr> e = compile_expr(text, err);
    std::string eval_err;
    std::vector<float> f(x.size()), df(x.size());
    if (e) eval_err = expr_eval(*e, x.data(), int64_t(x.size()), nullptr, f.data(), df.data());
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    worst = std::max(worst, dt);
    total += dt;
    INFO("input #" << iter << ": [" << text << "]");
    if (!e) {
      ++n_err;
      CHECK(!err.message.empty());
      CHECK(err.pos >= 0);
      CHECK(err.pos <= char_len(text));
      continue;
    }
    ++n_ok;
    CHECK(err.message.empty());
    CHECK(eval_err == "");  // the defaults were validated at compile time
    // The canonical text compiles to the same function (within the text limit).
    const std::string canon = expr_canonical(*e);
    if (int(canon.size()) > kExprMaxText) continue;
    ExprError err2;
    std::unique_ptr<Expr> e2 = compile_expr(canon, err2);
    INFO("canonical: [" << canon << "] -> " << err2.message);
    if (!e2 && err2.message.find("nested too deeply") != std::string::npos) continue;
    REQUIRE(e2);
    ++n_canon;
    CHECK(expr_canonical(*e2) == canon);
    std::vector<float> f2(x.size()), df2(x.size());
    REQUIRE(expr_eval(*e2, x.data(), int64_t(x.size()), nullptr, f2.data(), df2.data()) == "");
    for (size_t i = 0; i < x.size(); ++i) {
      CHECK(same_bits(f2[i], f[i]));
      CHECK(same_bits(df2[i], df[i]));
    }
  }
  std::printf("expr fuzz: %d inputs, %d compiled (%d canonical round trips), %d errors; %.3f s total, worst %.2f ms\n",
              n_inputs, n_ok, n_canon, n_err, total, worst * 1e3);
  CHECK(n_inputs >= 20000);
  CHECK(n_ok > 1000);
  CHECK(worst < 1.0);
}

TEST_CASE("vectorized sin/cos are accurate", "[expr][vecmath]") {
  // Against double-precision libm (accurate far below a float ULP), 4-lane and 1-lane.
  int64_t max_ulp[2] = {0, 0};
  double max_abs[2] = {0, 0};
  int64_t count = 0;
  auto check = [&](float v) {
    float in[4] = {v, -v, v * 0.5f, v};
    for (int c = 0; c < 2; ++c) {
      float out4[4], out1[4];
      (c ? vm::cos(F4::load(in)) : vm::sin(F4::load(in))).store(out4);
      for (int k = 0; k < 4; ++k) out1[k] = (c ? vm::cos(F1(in[k])) : vm::sin(F1(in[k]))).v;
      for (int k = 0; k < 4; ++k) {
        const double ref = c ? std::cos(double(in[k])) : std::sin(double(in[k]));
        CHECK(same_bits(out4[k], out1[k]));
        if (!std::isfinite(ref)) { CHECK(std::isnan(out4[k])); continue; }
        const float rf = float(ref);
        if (std::fabs(rf) >= 1e-3f) max_ulp[c] = std::max(max_ulp[c], ulp_distance(out4[k], rf));
        else max_abs[c] = std::max(max_abs[c], std::fabs(double(out4[k]) - ref));
        ++count;
      }
    }
  };
  for (uint64_t bits = 0; bits < 0x7f800000ull; bits += 2039) {  // every binade up to FLT_MAX
    float v;
    const uint32_t b = uint32_t(bits);
    std::memcpy(&v, &b, 4);
    check(v);
  }
  for (float v : {INFINITY, NAN, 4096.0f, 4096.5f, 1e30f, 3.14159265f, 1.57079633f, 0.0f})
    check(v);
  std::printf("sin: max %lld ULP (|y| >= 1e-3), max abs err %.2g below; cos: %lld ULP, %.2g; %lld values\n",
              (long long)max_ulp[0], max_abs[0], (long long)max_ulp[1], max_abs[1], (long long)count);
  CHECK(max_ulp[0] <= 2);
  CHECK(max_ulp[1] <= 2);
  CHECK(max_abs[0] < 1e-9);
  CHECK(max_abs[1] < 1e-9);
  // sin(-0) = -0, odd/even symmetry
  CHECK(std::signbit(vm::sin(F1(-0.0f)).v));
  CHECK(vm::cos(F1(0.0f)).v == 1.0f);
}
