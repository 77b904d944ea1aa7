// Typed graph construction for custom expressions: Python-number arithmetic (folding),
// torch's type rules (tensor vs number, bool dtype, what carries a derivative), call binding
// with Python's argument rules and messages, and the canonical text. See expr_internal.hpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "expr_internal.hpp"
#include "actlab/random.hpp"  // py_repr

namespace actlab {
namespace ex {

// ------------------------------------------------------------------ numbers

std::string py_number(double v, bool integer) {
  if (std::isnan(v)) return "math.nan";
  if (std::isinf(v)) return v > 0 ? "math.inf" : "-math.inf";
  char buf[64];
  if (integer && std::fabs(v) < 9007199254740992.0 && v == std::floor(v)) {
    snprintf(buf, sizeof buf, "%.0f", v == 0 ? 0.0 : v);
    return buf;
  }
  return py_repr(v);
}

namespace {

bool is_int_value(double v) { return std::isfinite(v) && v == std::floor(v); }

bool py_pow(double a, double b, bool ints, double& out, std::string& err) {
  if (b == 0) { out = 1; return true; }
  if (a == 0 && b < 0 && !std::isinf(b)) {
    err = "ZeroDivisionError: 0.0 cannot be raised to a negative power";
    return false;
  }
  if (a < 0 && std::isfinite(a) && std::isfinite(b) && !is_int_value(b)) {
    err = "ValueError: (" + py_number(a, ints) + ") ** " + py_number(b, false) +
          " is a complex number in Python; a negative base needs an integer exponent";
    return false;
  }
  out = std::pow(a, b);
  if (std::isinf(out) && std::isfinite(a) && std::isfinite(b)) {
    err = "OverflowError: (34, 'Numerical result out of range')";
    return false;
  }
  return true;
}

}  // namespace

bool scalar_apply(const Node& n, const double* v, double& out, std::string& err) {
  const double a = v[0], b = v[1];
  auto domain = [&](bool bad) {
    if (bad) err = "ValueError: math domain error";
    return !bad;
  };
  auto range = [&](double r) {
    out = r;
    if (std::isinf(r) && std::isfinite(a)) { err = "OverflowError: math range error"; return false; }
    return true;
  };
  switch (n.op) {
    case Op::Neg: out = -a; return true;
    case Op::Add: out = a + b; return true;
    case Op::Sub: out = a - b; return true;
    case Op::Mul: out = a * b; return true;
    case Op::Div:
      if (b == 0) {
        err = n.integer ? "ZeroDivisionError: division by zero" : "ZeroDivisionError: float division by zero";
        return false;
      }
      out = a / b;
      return true;
    case Op::Pow: return py_pow(a, b, n.integer, out, err);
    case Op::Lt: out = a < b; return true;
    case Op::Le: out = a <= b; return true;
    case Op::Gt: out = a > b; return true;
    case Op::Ge: out = a >= b; return true;
    case Op::Eq: out = a == b; return true;
    case Op::Ne: out = a != b; return true;
    case Op::Exp: return range(std::exp(a));
    case Op::Expm1: return range(std::expm1(a));
    case Op::Log: out = std::log(a); return domain(a <= 0);
    case Op::Log1p: out = std::log1p(a); return domain(a <= -1);
    case Op::Sqrt: out = std::sqrt(a); return domain(a < 0);
    case Op::Sin: out = std::sin(a); return domain(std::isinf(a));
    case Op::Cos: out = std::cos(a); return domain(std::isinf(a));
    case Op::Abs: out = std::fabs(a); return true;
    case Op::Erf: out = std::erf(a); return true;
    case Op::Tanh: out = std::tanh(a); return true;
    default: break;
  }
  err = "internal error: not a number operation";
  return false;
}

// ------------------------------------------------------------------ names

namespace {

// torch.X functions (also tensor methods x.X(...) where marked) and math.X functions.
struct FuncInfo { const char* name; bool method; };
const FuncInfo kTorchFuncs[] = {
    {"exp", true},   {"log", true},     {"log1p", true},   {"expm1", true},      {"sqrt", true},
    {"abs", true},   {"sin", true},     {"cos", true},     {"tanh", true},       {"sigmoid", true},
    {"erf", true},   {"relu", true},    {"clamp", true},   {"clip", true},       {"maximum", true},
    {"minimum", true}, {"where", false}, {"zeros_like", false}, {"ones_like", false}, {"pow", true},
    {"neg", true},   {"square", true},  {"sum", true},     {"mean", true},       {"amax", true},
    {"max", true},   {"logsumexp", true},
};
const char* const kMathFuncs[] = {"sqrt", "exp", "log", "log1p", "expm1", "sin", "cos", "tanh", "erf", "fabs"};
struct MathConst { const char* name; double v; };
const MathConst kMathConsts[] = {
    {"pi", 3.141592653589793}, {"e", 2.718281828459045}, {"tau", 6.283185307179586},
    {"inf", INFINITY}, {"nan", NAN},
};
// F.X names torch has and the table lacks (dim-wise): refused by name rather than as unknown.
const char* const kFNotInTable[] = {"gumbel_softmax"};

template <class T, size_t N> bool contains(const T (&arr)[N], const std::string& s) {
  for (const auto& a : arr)
    if (s == a) return true;
  return false;
}

int edit_distance(const std::string& a, const std::string& b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = int(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = int(i);
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    prev.swap(cur);
  }
  return prev[b.size()];
}

std::vector<std::string> attrs_of(const std::string& module) {
  std::vector<std::string> r;
  if (module == "torch") {
    for (const auto& f : kTorchFuncs) r.push_back(f.name);
    r.push_back("nn");
  } else if (module == "Tensor") {
    for (const auto& f : kTorchFuncs)
      if (f.method) r.push_back(f.name);
  } else if (module == "torch.nn") {
    r.push_back("functional");
  } else if (module == "torch.nn.functional") {
    for (const FSig& s : fsigs()) r.push_back(s.fn->functional);
  } else if (module == "math" || module == "numpy") {
    for (const char* f : kMathFuncs) r.push_back(f);
    for (const auto& c : kMathConsts) r.push_back(c.name);
  } else if (module == "") {  // global names
    r = {"x", "torch", "math", "F", "abs"};
  }
  return r;
}

}  // namespace

const std::vector<FSig>& fsigs() {
  static const std::vector<FSig> table = [] {
    std::vector<FSig> t;
    const std::vector<Fn>& reg = registry();
    for (size_t i = 0; i < reg.size(); ++i) {
      const Fn& f = reg[i];
      if (f.functional.empty() || f.dimwise || f.halves || !f.forward) continue;
      FSig s;
      s.fn = &f;
      s.index = int(i);
      bool weight = false;
      for (size_t k = 0; k < f.params.size(); ++k) {
        if (f.params[k].kind == PKind::Weight) weight = true;
        if (f.params[k].torch == PTorch::None) continue;  // actlab's, not F.<functional>'s
        s.params.push_back(int(k));
        if (f.params[k].required) s.nreq = 1 + int(s.params.size());
      }
      if (weight) continue;  // PReLU: its weight is a tensor
      t.push_back(s);
    }
    return t;
  }();
  return table;
}

const FSig* find_fsig(const std::string& functional) {
  for (const FSig& s : fsigs())
    if (s.fn->functional == functional) return &s;
  return nullptr;
}

const Fn* find_functional(const std::string& functional) {
  for (const Fn& f : registry())
    if (!f.functional.empty() && f.functional == functional) return &f;
  return nullptr;
}

bool is_method(const std::string& name) {
  for (const auto& f : kTorchFuncs)
    if (f.method && name == f.name) return true;
  return false;
}

Attr lookup_attr(const std::string& module, const std::string& name, std::string& qualified, double& value) {
  if (module == "torch") {
    if (name == "nn") { qualified = "torch.nn"; return Attr::Module; }
    if (name == "tensor") { qualified = "torch.tensor"; return Attr::Func; }
    for (const auto& f : kTorchFuncs)
      if (name == f.name) { qualified = "torch." + name; return Attr::Func; }
  } else if (module == "torch.nn") {
    if (name == "functional") { qualified = "torch.nn.functional"; return Attr::Module; }
  } else if (module == "torch.nn.functional") {
    if (find_functional(name) || contains(kFNotInTable, name)) { qualified = "F." + name; return Attr::Func; }
  } else if (module == "math" || module == "numpy") {
    if (contains(kMathFuncs, name) || (module == "numpy" && name == "abs"))
      { qualified = module + "." + (module == "numpy" && name == "abs" ? std::string("fabs") : name); return Attr::Func; }
    for (const auto& c : kMathConsts)
      if (name == c.name && (module == "math" || name != std::string("tau"))) { value = c.v; return Attr::Const; }
  }
  return Attr::Missing;
}

std::string suggest_attr(const std::string& module, const std::string& name) {
  return closest_name(name, attrs_of(module));
}

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  int bd = 3;
  for (const std::string& c : candidates) {
    const int d = edit_distance(name, c);
    if (d < bd && d * 3 <= int(std::max(name.size(), c.size())) + 1) { bd = d; best = c; }
  }
  return best;
}

// ------------------------------------------------------------------ builder: nodes

namespace {

constexpr int kCreatedLimit = 8 * kExprMaxNodes;  // bounds work before the final count

bool same_node(const Node& p, const Node& q) {
  return p.op == q.op && p.tensor == q.tensor && p.grad == q.grad && p.boolean == q.boolean &&
         p.integer == q.integer && p.spell == q.spell && p.a == q.a && p.b == q.b && p.c == q.c &&
         std::memcmp(&p.value, &q.value, sizeof(double)) == 0 && p.fn == q.fn && p.args == q.args;
}

bool is_cmp(Op op) { return op >= Op::Lt && op <= Op::Ne; }

const char* type_name(const Node& n) {
  if (n.tensor) return "Tensor";
  if (n.boolean) return "bool";
  return n.integer ? "int" : "float";
}

std::string nodes_limit_msg() {
  return "expression too large: at most " + std::to_string(kExprMaxNodes) + " graph nodes";
}

}  // namespace

bool Builder::fail(const std::string& msg, int pos) {
  if (err_.message.empty()) {
    err_.message = msg;
    err_.pos = pos;
  }
  return false;
}

int Builder::add(Node n) {
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (same_node(g.nodes[i], n)) return int(i);
  if (int(g.nodes.size()) >= kCreatedLimit) return bad(nodes_limit_msg(), n.pos);
  double dv = 0;
  if (!n.tensor) {
    if (n.op == Op::Const) {
      dv = n.value;
    } else if (n.op == Op::Param) {
      dv = g.params[size_t(n.value)].def;
    } else {
      const double v[3] = {n.a >= 0 ? dval_[size_t(n.a)] : 0, n.b >= 0 ? dval_[size_t(n.b)] : 0,
                           n.c >= 0 ? dval_[size_t(n.c)] : 0};
      std::string e;
      if (!scalar_apply(n, v, dv, e)) return bad(e, n.pos);
    }
  }
  g.nodes.push_back(std::move(n));
  dval_.push_back(dv);
  return int(g.nodes.size()) - 1;
}

// Scalar nodes whose operands are all constants become constants (Python arithmetic).
int Builder::fold_or_add(Node n) {
  if (!n.tensor) {
    bool all_const = true;
    for (int o : {n.a, n.b, n.c})
      if (o >= 0 && g.nodes[size_t(o)].op != Op::Const) all_const = false;
    if (all_const) {
      double v[3] = {0, 0, 0};
      const int ops[3] = {n.a, n.b, n.c};
      for (int k = 0; k < 3; ++k)
        if (ops[k] >= 0) v[k] = g.nodes[size_t(ops[k])].value;
      double out = 0;
      std::string e;
      if (!scalar_apply(n, v, out, e)) return bad(e, n.pos);
      const Node* A = n.a >= 0 ? &g.nodes[size_t(n.a)] : nullptr;
      const Node* B = n.b >= 0 ? &g.nodes[size_t(n.b)] : nullptr;
      auto intish = [](const Node* q) { return q && (q->integer || q->boolean); };
      bool integer = false;
      switch (n.op) {
        case Op::Neg: case Op::Abs: integer = intish(A); break;
        case Op::Add: case Op::Sub: case Op::Mul: integer = intish(A) && intish(B); break;
        case Op::Pow: integer = intish(A) && intish(B) && B->value >= 0; break;
        default: integer = is_cmp(n.op);
      }
      if (integer && !is_cmp(n.op) && std::fabs(out) >= 9007199254740992.0) integer = false;
      return constant(out, integer, is_cmp(n.op), n.pos);
    }
  }
  return add(std::move(n));
}

int Builder::constant(double v, bool integer, bool boolean, int pos) {
  Node n;
  n.op = Op::Const;
  n.value = (integer && v == 0) ? 0.0 : v;  // Python ints have no -0
  n.integer = integer || boolean;
  n.boolean = boolean;
  n.pos = pos;
  return add(std::move(n));
}

int Builder::param(int index, int pos) {
  Node n;
  n.op = Op::Param;
  n.value = index;
  n.pos = pos;
  return add(std::move(n));
}

int Builder::input(int pos) {
  Node n;
  n.op = Op::X;
  n.tensor = n.grad = true;
  n.pos = pos;
  return add(std::move(n));
}

int Builder::unary(const std::string& op, int a, int pos) {
  const Node A = g.nodes[size_t(a)];
  if (op == "+") return a;
  if (op == "~") {
    if (!A.tensor)
      return bad("~ on a number is Python's bitwise not; use it on a boolean tensor such as ~(x > 0)", pos);
    if (!A.boolean)
      return bad("\"bitwise_not_cpu\" not implemented for 'Float': ~ needs a boolean tensor such as ~(x > 0)", pos);
    Node n;
    n.op = Op::Not;
    n.a = a;
    n.tensor = n.boolean = true;
    n.pos = pos;
    return add(std::move(n));
  }
  // "-"
  if (A.tensor && A.boolean)
    return bad("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
               "mask, use the `~` or `logical_not()` operator instead.", pos);
  Node n;
  n.op = Op::Neg;
  n.a = a;
  n.tensor = A.tensor;
  n.grad = A.grad;
  n.integer = A.integer || A.boolean;
  n.pos = pos;
  return fold_or_add(std::move(n));
}

int Builder::arith(Op op, int a, int b, int pos) {
  const Node& A = g.nodes[size_t(a)];
  const Node& B = g.nodes[size_t(b)];
  Node n;
  n.op = op;
  n.a = a;
  n.b = b;
  n.tensor = A.tensor || B.tensor;
  n.grad = A.grad || B.grad;
  n.integer = (A.integer || A.boolean) && (B.integer || B.boolean);
  n.pos = pos;
  return fold_or_add(std::move(n));
}

int Builder::binary(const std::string& op, int a, int b, int pos) {
  const Node A = g.nodes[size_t(a)];
  const Node B = g.nodes[size_t(b)];
  static const struct { const char* s; Op op; } cmps[] = {
      {"<", Op::Lt}, {"<=", Op::Le}, {">", Op::Gt}, {">=", Op::Ge}, {"==", Op::Eq}, {"!=", Op::Ne}};
  for (const auto& c : cmps) {
    if (op != c.s) continue;
    Node n;
    n.op = c.op;
    n.a = a;
    n.b = b;
    n.tensor = A.tensor || B.tensor;
    n.boolean = true;
    n.pos = pos;
    return fold_or_add(std::move(n));
  }
  if (op == "&" || op == "|") {
    const bool ok = (A.tensor || B.tensor) && A.boolean && B.boolean;
    if (!ok) {
      if ((A.tensor && !A.boolean) || (B.tensor && !B.boolean))
        return bad(std::string("\"bitwise_") + (op == "&" ? "and" : "or") +
                   "_cpu\" not implemented for 'Float': & and | combine boolean tensors such as (x > 0) & (x < 1)", pos);
      return bad("& and | combine boolean tensors such as (x > 0) & (x < 1)", pos);
    }
    Node n;
    n.op = op == "&" ? Op::And : Op::Or;
    n.a = a;
    n.b = b;
    n.tensor = n.boolean = true;
    n.pos = pos;
    return add(std::move(n));
  }
  if (op == "**") return power(a, b, pos);
  const bool both_bool_tensors = A.tensor && B.tensor && A.boolean && B.boolean;
  if (op == "+" && both_bool_tensors) return binary("|", a, b, pos);  // torch: bool + bool is logical or
  if (op == "*" && both_bool_tensors) return binary("&", a, b, pos);
  if (op == "-" && both_bool_tensors)
    return bad("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
               "`logical_xor()` operator instead.", pos);
  if (op == "+") return arith(Op::Add, a, b, pos);
  if (op == "-") return arith(Op::Sub, a, b, pos);
  if (op == "*") return arith(Op::Mul, a, b, pos);
  if (op == "/") {
    if (!A.tensor && B.tensor) {
      // Tensor.__rdiv__: number / t is t.reciprocal() * number
      Node r;
      r.op = Op::Recip;
      r.a = b;
      r.tensor = true;
      r.grad = B.grad;
      r.pos = pos;
      const int rn = add(std::move(r));
      if (rn < 0) return -1;
      return arith(Op::Mul, rn, a, pos);
    }
    return arith(Op::Div, a, b, pos);
  }
  return bad("unsupported operator " + op, pos);
}

int Builder::power(int a, int b, int pos) { return arith(Op::Pow, a, b, pos); }

// ------------------------------------------------------------------ builder: functions

int Builder::elementary(Op op, const std::string& name, Spell spell, int a, int pos) {
  const Node& A = g.nodes[size_t(a)];
  if (spell == Spell::Torch && !A.tensor) {
    std::string hint;
    std::string q;
    double v;
    if (lookup_attr("math", name, q, v) == Attr::Func) hint = "; use math." + name + "() for a number";
    return bad(name + "(): argument 'input' (position 1) must be Tensor, not " + type_name(A) + hint, A.pos);
  }
  if (spell == Spell::Math && A.tensor)
    return bad("math." + name + "(): only one element tensors can be converted to Python scalars; use torch." +
               (name == "fabs" ? std::string("abs") : name) + "() for tensors", A.pos);
  Node n;
  n.op = op;
  n.a = a;
  n.tensor = A.tensor;
  n.grad = A.grad;
  n.spell = spell;
  n.pos = pos;
  return fold_or_add(std::move(n));
}

int Builder::where(int c, int a, int b, int pos) {
  const Node& C = g.nodes[size_t(c)];
  if (!C.tensor)
    return bad(std::string("where(): argument 'condition' (position 1) must be Tensor, not ") + type_name(C), C.pos);
  if (!C.boolean)
    return bad("where expected condition to be a boolean tensor, but got a tensor with dtype Float", C.pos);
  const Node& A = g.nodes[size_t(a)];
  const Node& B = g.nodes[size_t(b)];
  Node n;
  n.op = Op::Where;
  n.a = a;
  n.b = b;
  n.c = c;
  n.tensor = true;
  n.grad = A.grad || B.grad;
  n.boolean = A.boolean && B.boolean && A.tensor && B.tensor;
  n.pos = pos;
  return add(std::move(n));
}

int Builder::clamp(int a, int lo, int hi, int pos) {
  const Node& A = g.nodes[size_t(a)];
  if (!A.tensor)
    return bad(std::string("clamp(): argument 'input' (position 1) must be Tensor, not ") + type_name(A), A.pos);
  for (int k : {lo, hi}) {
    if (k >= 0 && g.nodes[size_t(k)].tensor)
      return bad(std::string("clamp(): ") + (k == lo ? "min" : "max") +
                 " must be a number here (a tensor bound is not supported; use torch.maximum / torch.minimum)",
                 g.nodes[size_t(k)].pos);
  }
  if (lo < 0 && hi < 0) return bad("torch.clamp: At least one of 'min' or 'max' must not be None", pos);
  Node n;
  n.op = Op::Clamp;
  n.a = a;
  n.b = lo;
  n.c = hi;
  n.tensor = true;
  n.grad = A.grad;
  n.pos = pos;
  return add(std::move(n));
}

int Builder::minmax(Op op, int a, int b, int pos) {
  const char* name = op == Op::Maximum ? "maximum" : "minimum";
  for (int k = 0; k < 2; ++k) {
    const Node& N = g.nodes[size_t(k ? b : a)];
    if (!N.tensor)
      return bad(std::string(name) + "(): argument '" + (k ? "other" : "input") + "' (position " +
                 std::to_string(k + 1) + ") must be Tensor, not " + type_name(N) +
                 (k ? "; for a number bound use torch.clamp(input, min=...) / torch.clamp(input, max=...)" : ""),
                 N.pos);
  }
  Node n;
  n.op = op;
  n.a = a;
  n.b = b;
  n.tensor = true;
  n.grad = g.nodes[size_t(a)].grad || g.nodes[size_t(b)].grad;
  n.pos = pos;
  return add(std::move(n));
}

int Builder::builtin(const FSig& sig, const std::string& name, Spell spell, const std::vector<Val>& vals, int fpos) {
  const Fn& f = *sig.fn;
  const Val& in = vals[0];
  const Node& A = g.nodes[size_t(in.node)];
  if (!A.tensor)
    return bad(name + "(): argument 'input' (position 1) must be Tensor, not " + type_name(A), in.pos);
  Node n;
  n.op = Op::Builtin;
  n.fn = sig.index;
  n.a = in.node;
  n.tensor = true;
  n.grad = A.grad;
  n.spell = spell;
  n.pos = fpos;
  n.args.resize(f.params.size(), -1);
  std::vector<double> pv(f.params.size());
  for (size_t k = 0; k < f.params.size(); ++k) {
    const Param& p = f.params[k];
    int slot = -1;
    for (size_t s = 0; s < sig.params.size(); ++s)
      if (sig.params[s] == int(k)) slot = int(s) + 1;
    const Val* v = (slot > 0 && vals[size_t(slot)].node != -2) ? &vals[size_t(slot)] : nullptr;
    int node = -1;
    if (!v) {
      node = constant(p.def, p.kind != PKind::Number, p.kind == PKind::Bool, fpos);
    } else if (p.kind == PKind::Choice) {
      if (v->kind != Val::Str) {
        return bad(name + "(): " + p.name + " must be a string, one of " +
                   [&] { std::string r; for (const auto& c : p.choices) r += (r.empty() ? "'" : ", '") + c + "'"; return r; }(),
                   v->pos);
      }
      int idx = -1;
      for (size_t c = 0; c < p.choices.size(); ++c)
        if (p.choices[c] == v->str) idx = int(c);
      if (idx < 0) {
        if (f.name == "GELU") return bad("approximate argument must be either none or tanh.", v->pos);
        return bad(name + "(): " + p.name + " must be one of the choices, got '" + v->str + "'", v->pos);
      }
      node = constant(idx, true, false, v->pos);
    } else {
      if (v->kind != Val::Node)
        return bad(name + "(): argument '" + p.name + "' must be a number, not " +
                   (v->kind == Val::Str ? "str" : "None"), v->pos);
      const Node& P = g.nodes[size_t(v->node)];
      if (P.tensor)
        return bad(name + "(): " + p.name + " must not depend on x (parameters of built-in functions are numbers)",
                   v->pos);
      if (p.kind == PKind::Bool && P.op != Op::Const)
        return bad(name + "(): " + p.name + " must be True or False", v->pos);
      if (f.name == "RReLU" && p.name == "training" && P.value != 0)
        return bad("F.rrelu(training=True) samples random slopes: only eval mode (training=False) is supported "
                   "in expressions", v->pos);
      node = v->node;
    }
    if (node < 0) return -1;
    n.args[k] = node;
    pv[k] = dval_[size_t(node)];
  }
  if (sig.fn->inplace && vals.size() > 1 + sig.params.size()) {  // F.X(..., inplace=...)
    const Val& ip = vals.back();
    if (ip.node != -2) {
      const Node* P = ip.kind == Val::Node ? &g.nodes[size_t(ip.node)] : nullptr;
      if (!P || P->tensor || P->op != Op::Const || P->value != 0)
        return bad(name + "(): inplace=True is not supported in expressions (x is a leaf tensor that requires grad)",
                   ip.pos);
    }
  }
  // The kernel's own validation, with the parameters' defaults: PyTorch's message.
  const std::string e = run(f, false, nullptr, nullptr, 0, nullptr, 0, nullptr, -1, pv.data(), nullptr, 0);
  if (!e.empty()) return bad(e, fpos);
  return add(std::move(n));
}

int Builder::reduce(Op op, int a, int pos) {
  const Node& A = g.nodes[size_t(a)];
  if (!A.tensor) return bad("reductions need a tensor, not a number", pos);
  if (A.boolean) return bad("reductions of boolean tensors are not supported", pos);
  Node n;
  n.op = op;
  n.a = a;
  n.tensor = true;
  n.grad = A.grad;
  n.pos = pos;
  g.dimwise = true;
  return add(std::move(n));
}

// ------------------------------------------------------------------ builder: calls

namespace {

std::string quoted_list(const std::vector<std::string>& names) {
  std::string r;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) r += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    r += "'" + names[i] + "'";
  }
  return r;
}

}  // namespace

int Builder::call(const std::string& func, int fpos, int self, const std::vector<CallArg>& args, int end_pos) {
  const size_t dot = func.rfind('.');
  const std::string name = dot == std::string::npos ? func : func.substr(dot + 1);
  const std::string module = dot == std::string::npos ? "" : func.substr(0, dot);
  std::vector<std::string> names{"input"};
  int nreq = 1;
  bool posonly = false;
  const FSig* sig = nullptr;
  if (module == "F") {
    sig = find_fsig(name);
    if (!sig) {
      const Fn* f = find_functional(name);
      if (f && !f->dimwise)  // PReLU: element-wise, but its weight is a tensor
        return bad("F." + name + " is not supported in expressions (its weight is a tensor); for one slope write "
                   "F.leaky_relu(x, negative_slope=w)", fpos);
      return bad("F." + name + " is dim-wise (it mixes elements along a dim); custom expressions are elementwise",
                 fpos);
    }
    for (int k : sig->params) names.push_back(sig->fn->params[size_t(k)].name);
    if (sig->fn->inplace) names.push_back("inplace");
    nreq = sig->nreq;
  } else if (module == "torch") {
    if (name == "clamp" || name == "clip") names = {"input", "min", "max"};
    else if (name == "maximum" || name == "minimum") names = {"input", "other"}, nreq = 2;
    else if (name == "where") names = {"condition", "input", "other"}, nreq = 3;
    else if (name == "pow") names = {"input", "exponent"}, nreq = 2;
    else if (name == "tanh" || name == "sigmoid" || name == "relu") sig = find_fsig(name);
    else if (name == "neg" || name == "square") names = {"input"};
  } else {  // math.X, abs: positional only
    names = {"x"};
    posonly = true;
  }

  // Bind like Python: positionals in order, then keywords; missing optional ones get node -2.
  std::vector<Val> vals(names.size());
  std::vector<bool> given(names.size(), false);
  for (Val& v : vals) { v.kind = Val::None; v.node = -2; v.pos = end_pos; }
  size_t k = 0;
  if (self >= 0) {
    vals[0].kind = Val::Node;
    vals[0].node = self;
    vals[0].pos = g.nodes[size_t(self)].pos;
    given[0] = true;
    k = 1;
  }
  const size_t offset = k;
  size_t npos = 0;
  for (const CallArg& a : args) {
    if (a.kw.empty()) {
      ++npos;
      if (k >= names.size()) {
        size_t total = npos;
        for (const CallArg& b : args) total += (&b > &a && b.kw.empty()) ? 1 : 0;
        const size_t lo = size_t(std::max<int>(0, nreq - int(offset))), hi = names.size() - offset;
        std::string takes = lo == hi ? std::to_string(hi) : "from " + std::to_string(lo) + " to " + std::to_string(hi);
        return bad(name + "() takes " + takes + " positional argument" + (hi == 1 && lo == hi ? "" : "s") + " but " +
                   std::to_string(total) + (total == 1 ? " was" : " were") + " given", a.pos);
      }
      vals[k] = a.v;
      given[k++] = true;
      continue;
    }
    if (posonly) return bad((module.empty() ? "" : module + ".") + name + "() takes no keyword arguments", a.pos);
    size_t idx = names.size();
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == a.kw) idx = i;
    if (idx == names.size()) {
      std::string hint = closest_name(a.kw, names);
      return bad(name + "() got an unexpected keyword argument '" + a.kw + "'" +
                 (hint.empty() ? "" : ". Did you mean '" + hint + "'?"), a.pos);
    }
    if (given[idx]) return bad(name + "() got multiple values for argument '" + a.kw + "'", a.pos);
    vals[idx] = a.v;
    given[idx] = true;
  }
  std::vector<std::string> missing;
  for (int i = 0; i < nreq; ++i)
    if (!given[size_t(i)]) missing.push_back(names[size_t(i)]);
  if (!missing.empty())
    return bad(name + "() missing " + std::to_string(missing.size()) + " required positional argument" +
               (missing.size() == 1 ? "" : "s") + ": " + quoted_list(missing), end_pos);
  // Arguments that must be tensors or numbers (everything but choices and clamp's None).
  auto node_arg = [&](size_t i) -> int {
    const Val& v = vals[i];
    if (v.kind == Val::Node) return v.node;
    return bad(name + "(): argument '" + names[i] + "' (position " + std::to_string(i + 1) + ") must be " +
               (i == 0 ? "Tensor" : "a number") + ", not " + (v.kind == Val::Str ? "str" : "None"), v.pos);
  };

  if (sig) {
    if (node_arg(0) < 0) return -1;
    return builtin(*sig, name, module == "F" ? Spell::F : Spell::Torch, vals, fpos);
  }
  static const struct { const char* name; Op op; } elem[] = {
      {"exp", Op::Exp}, {"log", Op::Log}, {"log1p", Op::Log1p}, {"expm1", Op::Expm1}, {"sqrt", Op::Sqrt},
      {"abs", Op::Abs}, {"fabs", Op::Abs}, {"sin", Op::Sin}, {"cos", Op::Cos}, {"erf", Op::Erf},
      {"tanh", Op::Tanh}};
  if (module == "math" || module == "torch" || module.empty()) {
    for (const auto& e : elem) {
      if (name != e.name) continue;
      const int a = node_arg(0);
      if (a < 0) return -1;
      Spell sp = module == "math" ? Spell::Math : Spell::Torch;
      if (module.empty()) sp = g.nodes[size_t(a)].tensor ? Spell::Torch : Spell::Py;  // Python's abs()
      return elementary(e.op, name, sp, a, fpos);
    }
  }
  if (name == "clamp" || name == "clip") {
    const int a = node_arg(0);
    if (a < 0) return -1;
    int b[2] = {-1, -1};
    for (int i = 0; i < 2; ++i) {
      const Val& v = vals[size_t(i + 1)];
      if (v.kind == Val::Str) return bad("clamp(): argument '" + names[size_t(i + 1)] + "' must be a number, not str", v.pos);
      if (v.kind == Val::Node) b[i] = v.node;
    }
    return clamp(a, b[0], b[1], fpos);
  }
  if (name == "maximum" || name == "minimum" || name == "where" || name == "pow") {
    std::vector<int> n;
    for (size_t i = 0; i < names.size(); ++i) {
      n.push_back(node_arg(i));
      if (n.back() < 0) return -1;
    }
    if (name == "where") return where(n[0], n[1], n[2], fpos);
    if (name == "pow") {
      if (!g.nodes[size_t(n[0])].tensor && !g.nodes[size_t(n[1])].tensor)
        return bad("pow(): at least one of 'input' and 'exponent' must be a Tensor", fpos);
      return power(n[0], n[1], fpos);
    }
    return minmax(name == "maximum" ? Op::Maximum : Op::Minimum, n[0], n[1], fpos);
  }
  if (name == "neg" || name == "square") {
    const int a = node_arg(0);
    if (a < 0) return -1;
    if (!g.nodes[size_t(a)].tensor)
      return bad(name + "(): argument 'input' (position 1) must be Tensor, not " + type_name(g.nodes[size_t(a)]), fpos);
    if (name == "neg") return unary("-", a, fpos);
    const int two = constant(2, true, false, fpos);
    return two < 0 ? -1 : power(a, two, fpos);
  }
  if (name == "zeros_like" || name == "ones_like") {
    const int a = node_arg(0);
    if (a < 0) return -1;
    const Node& A = g.nodes[size_t(a)];
    if (!A.tensor)
      return bad(name + "(): argument 'input' (position 1) must be Tensor, not " + type_name(A), A.pos);
    Node n;
    n.op = name == "zeros_like" ? Op::ZerosLike : Op::OnesLike;
    n.tensor = true;
    n.pos = fpos;
    return add(std::move(n));
  }
  return bad("unknown function " + func, fpos);
}

// Keep the nodes reachable from the root (folding leaves dead constants behind), in order.
bool Builder::finish(int root, const std::vector<bool>& prunable) {
  std::vector<char> live(g.nodes.size(), 0);
  live[size_t(root)] = 1;
  for (const Check& c : g.checks) live[size_t(c.node)] = 1;
  for (size_t i = g.nodes.size(); i-- > 0;) {
    if (!live[i]) continue;
    const Node& n = g.nodes[i];
    for (int o : {n.a, n.b, n.c})
      if (o >= 0) live[size_t(o)] = 1;
    for (int o : n.args) live[size_t(o)] = 1;
  }
  std::vector<int> remap(g.nodes.size(), -1);
  std::vector<Node> out;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!live[i]) continue;
    if (int(out.size()) >= kExprMaxNodes) return fail(nodes_limit_msg(), g.nodes[i].pos);
    remap[i] = int(out.size());
    out.push_back(g.nodes[i]);
  }
  for (Node& n : out) {
    for (int* o : {&n.a, &n.b, &n.c})
      if (*o >= 0) *o = remap[size_t(*o)];
    for (int& o : n.args) o = remap[size_t(o)];
  }
  // Parameters from a signature that the function never reads get no slider.
  std::vector<char> used(g.params.size(), 0);
  for (const Node& n : out)
    if (n.op == Op::Param) used[size_t(n.value)] = 1;
  std::vector<int> premap(g.params.size(), -1);
  std::vector<ExprParam> params;
  for (size_t k = 0; k < g.params.size(); ++k) {
    if (!used[k] && k < prunable.size() && prunable[k]) continue;
    premap[k] = int(params.size());
    params.push_back(g.params[k]);
  }
  for (Node& n : out)
    if (n.op == Op::Param) n.value = premap[size_t(n.value)];
  g.params.swap(params);
  g.nodes.swap(out);
  g.root = remap[size_t(root)];
  for (Check& c : g.checks) c.node = remap[size_t(c.node)];
  return true;
}

// ------------------------------------------------------------------ canonical text

namespace {

enum Prec { kCmp = 1, kOr, kAnd, kAdd, kMul, kUnary, kPow, kAtom };

struct Printer {
  const Graph& g;
  std::string text(int id) { return print(id).first; }
  std::string wrap(int id, int min_prec) {
    auto r = print(id);
    return r.second < min_prec ? "(" + r.first + ")" : r.first;
  }
  std::pair<std::string, int> print(int id) {
    const Node& n = g.nodes[size_t(id)];
    auto bin = [&](const char* op, int lp, int rp, int prec) {
      return std::make_pair(wrap(n.a, lp) + " " + op + " " + wrap(n.b, rp), prec);
    };
    auto fn = [&](const std::string& f, const std::string& inner) { return std::make_pair(f + "(" + inner + ")", int(kAtom)); };
    switch (n.op) {
      case Op::Const: {
        if (n.boolean) return {n.value != 0 ? "True" : "False", kAtom};
        std::string s = py_number(n.value, n.integer);
        return {s, s[0] == '-' ? kUnary : kAtom};
      }
      case Op::Param: return {g.params[size_t(n.value)].name, kAtom};
      case Op::X: return {"x", kAtom};
      case Op::ZerosLike: return {"torch.zeros_like(x)", kAtom};
      case Op::OnesLike: return {"torch.ones_like(x)", kAtom};
      case Op::Neg: return {"-" + wrap(n.a, kUnary), kUnary};
      case Op::Not: return {"~" + wrap(n.a, kUnary), kUnary};
      case Op::Recip: return {"1 / " + wrap(n.a, kUnary), kMul};  // only under Mul (below)
      case Op::Add: return bin("+", kAdd, kMul, kAdd);
      case Op::Sub: return bin("-", kAdd, kMul, kAdd);
      case Op::Mul: {
        const Node& A = g.nodes[size_t(n.a)];
        if (A.op == Op::Recip && !g.nodes[size_t(n.b)].tensor)  // number / tensor
          return {wrap(n.b, kMul) + " / " + wrap(A.a, kUnary), kMul};
        return bin("*", kMul, kUnary, kMul);
      }
      case Op::Div: return bin("/", kMul, kUnary, kMul);
      case Op::Pow: return bin("**", kAtom, kUnary, kPow);
      case Op::And: return bin("&", kAnd, kAdd, kAnd);
      case Op::Or: return bin("|", kOr, kAnd, kOr);
      case Op::Lt: return bin("<", kOr, kOr, kCmp);
      case Op::Le: return bin("<=", kOr, kOr, kCmp);
      case Op::Gt: return bin(">", kOr, kOr, kCmp);
      case Op::Ge: return bin(">=", kOr, kOr, kCmp);
      case Op::Eq: return bin("==", kOr, kOr, kCmp);
      case Op::Ne: return bin("!=", kOr, kOr, kCmp);
      case Op::Exp: case Op::Log: case Op::Log1p: case Op::Expm1: case Op::Sqrt: case Op::Abs:
      case Op::Sin: case Op::Cos: case Op::Erf: case Op::Tanh: {
        static const char* names[] = {"exp", "log", "log1p", "expm1", "sqrt", "abs", "sin", "cos", "erf", "tanh"};
        std::string name = names[int(n.op) - int(Op::Exp)];
        if (n.spell == Spell::Py) return fn("abs", text(n.a));
        if (n.spell == Spell::Math) return fn("math." + (name == "abs" ? std::string("fabs") : name), text(n.a));
        return fn("torch." + name, text(n.a));
      }
      case Op::Where: return fn("torch.where", text(n.c) + ", " + text(n.a) + ", " + text(n.b));
      case Op::Clamp:
        return fn("torch.clamp", text(n.a) + (n.b >= 0 ? ", min=" + text(n.b) : "") + (n.c >= 0 ? ", max=" + text(n.c) : ""));
      case Op::Maximum: return fn("torch.maximum", text(n.a) + ", " + text(n.b));
      case Op::Minimum: return fn("torch.minimum", text(n.a) + ", " + text(n.b));
      case Op::Sum: case Op::Mean: case Op::Amax: case Op::MaxDim: case Op::LogSumExp: {
        static const char* names[] = {"sum", "mean", "amax", "max", "logsumexp"};
        const std::string call = "torch." + std::string(names[int(n.op) - int(Op::Sum)]) + "(" + text(n.a) +
                                 ", dim=" + std::to_string(g.dim) + ", keepdim=True)";
        return {n.op == Op::MaxDim ? call + "[0]" : call, kAtom};
      }
      case Op::Builtin: {
        const Fn& f = registry()[size_t(n.fn)];
        if (n.spell == Spell::Torch) return fn("torch." + f.functional, text(n.a));
        const FSig* sig = find_fsig(f.functional);
        std::string inner = text(n.a);
        for (int k : sig->params) {
          const Param& p = f.params[size_t(k)];
          const Node& v = g.nodes[size_t(n.args[size_t(k)])];
          if (!p.required && v.op == Op::Const && v.value == p.def) continue;
          std::string val;
          if (p.kind == PKind::Choice) val = "'" + p.choices[size_t(v.value)] + "'";
          else if (p.kind == PKind::Bool) val = v.value != 0 ? "True" : "False";
          else val = text(n.args[size_t(k)]);
          inner += ", " + p.name + "=" + val;
        }
        return fn("F." + f.functional, inner);
      }
    }
    return {"?", kAtom};
  }
};

}  // namespace

std::string canonical_text(const Graph& g) {
  std::string out;
  for (const ExprParam& p : g.params) out += p.name + " = " + py_number(p.def, false) + "\n";
  Printer pr{g};
  return out + pr.text(g.root);
}

}  // namespace ex
}  // namespace actlab
