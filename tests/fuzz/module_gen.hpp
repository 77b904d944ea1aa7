// Class-shaped inputs for the expression engine: the one generator behind the libFuzzer target
// (fuzz_module.cpp), the native stress (module_stress.cpp) and the wasm stress, which reads its
// inputs from module-gen (module_gen.cpp) so both sides run the same texts.
//
// gen_module() builds a tutorial-style PyTorch paste from a small grammar: imports (with
// aliases), module constants, 0-3 nn.Module classes (__init__ with defaults, a super() form,
// self.attr from arguments and constants, asserts, prints; forward(self, <name>) with 0-8
// temporaries, reassignments, if-blocks and a return), `def f(x):` helpers and usage lines.
// Expressions nest calls of torch / F / np / math, tensor methods (dim-wise reductions among
// them) and operators to a random depth. mutate() then breaks it the ways pastes break: a line
// changed, duplicated or deleted, tabs mixed with spaces, indentation shifted by 1-3 columns,
// brackets unbalanced, 200+ levels of nesting, 10 k - 1 M characters, random bytes, non-ASCII
// (CJK comments, zero-width characters, encoded lone surrogates, invalid UTF-8), other line
// endings, a splice of another module, truncation.
//
// Everything is a function of a 64-bit seed through integer arithmetic only (no <random>
// distributions, no floating-point maths), so input i of seed s is the same text on every
// platform and in every build.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace actlab {
namespace fuzzgen {

// splitmix64: tiny, fast, and every seed (0 included) gives a good stream.
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed) {}
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n ? size_t(next() % n) : 0; }
  size_t between(size_t lo, size_t hi) { return lo + below(hi - lo + 1); }  // inclusive
  bool chance(int percent) { return int(below(100)) < percent; }
  // Log-uniform in [lo, hi] with integers only: a power-of-two band, then a point inside it.
  size_t log_between(size_t lo, size_t hi) {
    if (lo < 1) lo = 1;
    if (hi <= lo) return lo;
    int blo = 0, bhi = 0;
    while ((size_t(2) << blo) <= lo) ++blo;
    while ((size_t(2) << bhi) <= hi) ++bhi;
    const int b = blo + int(below(size_t(bhi - blo + 1)));
    size_t v = (size_t(1) << b) + below(size_t(1) << b);
    return v < lo ? lo : v > hi ? hi : v;
  }
  template <class T, size_t N> const T& pick(const T (&a)[N]) { return a[below(N)]; }
  template <class T> const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
};

inline uint64_t mix_seed(uint64_t seed, uint64_t i) {
  Rng r(seed * 0x2545f4914f6cdd1dULL ^ (i + 0x632be59bd9b4e019ULL));
  return r.next();
}

struct Module {
  std::string src;
  std::string kind;  // "clean", or the mutations applied, e.g. "tabs+huge"
};

namespace detail {

const char* const kSelu = "1.0507009873554804934193349852946";
const char* const kSeluAlpha = "1.6732632423543772848170429916717";

struct Gen {
  Rng& r;
  std::string ind = "    ";  // the source's indentation unit
  std::string torch = "torch", nn = "nn", F = "F", np = "np", math = "math";
  std::vector<std::string> consts;   // module-level constants
  std::vector<std::string> attrs;    // self.<name> of the class being written
  std::vector<std::string> tensors;  // names holding a tensor in the function being written
  std::vector<std::string> helpers;  // module-level def names, callable on a tensor
  bool in_class = false, has_dim = false, has_np = true, has_math = true;
  int tmp = 0;
  std::string out;

  explicit Gen(Rng& rng) : r(rng) {}

  std::string I(int level) const {
    std::string s;
    for (int k = 0; k < level; ++k) s += ind;
    return s;
  }
  void line(int level, const std::string& text) { out += I(level) + text + "\n"; }

  std::string mod_np(bool slip) { return has_np || slip ? np : math; }
  std::string mod_math(bool slip) { return has_math || slip ? math : np; }

  std::string number() {
    static const char* const pool[] = {"1.0", "0.5", "2", "-1", "1e-6", "0.01", "3", "6.0", "20", "0.044715",
                                       "1.702", "0.2", "1.", ".5", "1_000.5", "0", "0.0", "-0.0", "1e308",
                                       "2.0", "0.1", "100", "4.5e-3", "1E2"};
    switch (r.below(8)) {
      case 0: return kSelu;
      case 1: return kSeluAlpha;
      case 2: {
        char b[40];
        std::snprintf(b, sizeof b, "%d.%0*d", int(r.below(20)) - 5, int(1 + r.below(6)), int(r.below(100000)));
        return b;
      }
      default: return r.pick(pool);
    }
  }
  // numpy and math where the paste imported them (now and then where it did not: a NameError).
  std::string math_const() {
    const bool slip = r.chance(3);
    if (!has_np && !has_math && !slip) return r.chance(50) ? torch + ".pi" : number();
    switch (r.below(9)) {
      case 0: return mod_math(slip) + ".pi";
      case 1: return mod_np(slip) + ".pi";
      case 2: return mod_math(slip) + ".e";
      case 3: return mod_np(slip) + ".e";
      case 4: { const std::string m = mod_math(slip); return m + ".sqrt(2 / " + m + ".pi)"; }
      case 5: { const std::string m = mod_np(slip); return m + ".sqrt(2 / " + m + ".pi)"; }
      case 6: return mod_math(slip) + ".log(2.0)";
      case 7: return "float('inf')";
      default: return torch + ".pi";
    }
  }
  std::string scalar() {
    const int k = int(r.below(10));
    if (k < 4 && in_class && !attrs.empty()) return "self." + r.pick(attrs);
    if (k < 5 && !consts.empty()) return r.pick(consts);
    if (k < 7) return math_const();
    return number();
  }
  std::string dim() {
    if (in_class && has_dim && r.chance(70)) return "self.dim";
    static const char* const d[] = {"-1", "1", "0", "-2", "2"};
    return r.pick(d);
  }
  std::string tensor() { return tensors.empty() ? "x" : r.pick(tensors); }
  static bool compound(const std::string& e) {
    int depth = 0;
    for (char c : e) {
      if (c == '(' || c == '[') ++depth;
      else if (c == ')' || c == ']') --depth;
      else if (c == ' ' && depth == 0) return true;
    }
    return !e.empty() && (e[0] == '-' || e[0] == '~');
  }
  static std::string paren(const std::string& e) { return compound(e) ? "(" + e + ")" : e; }

  // An F.<name>(a, ...) call with a plausible keyword tail (A: a scalar, D: a dim).
  std::string f_call(const std::string& a) {
    static const char* const pool[][2] = {
        {"relu", ""}, {"relu", ", inplace=False"}, {"elu", ", alpha=A"}, {"selu", ""}, {"celu", ", alpha=A"},
        {"gelu", ""}, {"gelu", ", approximate='tanh'"}, {"silu", ""}, {"mish", ""}, {"softplus", ", beta=A, threshold=20"},
        {"leaky_relu", ", negative_slope=A"}, {"leaky_relu", ", 0.2"}, {"hardtanh", ", min_val=-1.0, max_val=1.0"},
        {"relu6", ""}, {"hardsigmoid", ""}, {"hardswish", ""}, {"logsigmoid", ""}, {"softsign", ""},
        {"tanhshrink", ""}, {"softshrink", ", lambd=A"}, {"hardshrink", ", lambd=A"}, {"threshold", ", A, 0.0"},
        {"rrelu", ", training=False"}, {"sigmoid", ""}, {"tanh", ""}, {"softmax", ", dim=D"},
        {"log_softmax", ", dim=D"}, {"softmin", ", dim=D"}, {"glu", ", dim=D"}, {"normalize", ", dim=D"},
        {"dropout", ", p=0.0, training=self.training"}, {"elu", ", A"}, {"softmax", ", D"}};
    const auto& p = pool[r.below(sizeof pool / sizeof pool[0])];
    std::string tail;
    for (const char* c = p[1]; *c; ++c) {
      if (*c == 'A' && (c[1] == ',' || c[1] == 0)) tail += scalar();
      else if (*c == 'D' && (c[1] == ',' || c[1] == 0)) tail += dim();
      else tail += *c;
    }
    const std::string ns = r.chance(90) ? F : torch + ".nn.functional";
    return ns + "." + p[0] + "(" + a + tail + ")";
  }

  std::string method(const std::string& a) {
    static const char* const pool[] = {
        "exp()", "log()", "sigmoid()", "tanh()", "abs()", "relu()", "sqrt()", "neg()", "clamp(min=A)",
        "clamp(A, A)", "clamp_min(A)", "clamp_max(A)", "pow(A)", "mul(A)", "add(A)", "div(A)", "exp_()",
        "float()", "sum(dim=D, keepdim=True)", "mean(dim=D, keepdim=True)", "max(dim=D, keepdim=True)[0]",
        "max(D, keepdim=True).values", "amax(dim=D, keepdim=True)", "softmax(dim=D)", "log_softmax(D)",
        "logsumexp(dim=D, keepdim=True)", "sign()", "square()", "reciprocal()", "expm1()", "log1p()", "erf()",
        "masked_fill(T < 0, 0.0)", "type_as(T)", "detach()", "clone()", "view_as(T)", "unsqueeze(0).squeeze(0)",
        "sum(D)", "norm(dim=D, keepdim=True)", "cumsum(dim=D)", "to(T.dtype)", "sub(T)"};
    std::string m;
    for (const char* c = r.pick(pool); *c; ++c) {
      if (*c == 'A' && (c[1] == ',' || c[1] == ')')) m += scalar();
      else if (*c == 'D' && (c[1] == ',' || c[1] == ')')) m += dim();
      else if (*c == 'T' && (c[1] == ',' || c[1] == ')' || c[1] == ' ' || c[1] == '.')) m += tensor();
      else m += *c;
    }
    return paren(a) + "." + m;
  }

  std::string expr(int depth) {
    if (depth <= 0 || r.chance(20)) return r.chance(92) ? tensor() : scalar();
    const std::string a = expr(depth - 1);
    switch (r.below(16)) {
      case 0:
      case 1: {
        static const char* const ops[] = {" + ", " - ", " * ", " / ", " ** ", " * ", " + "};
        const char* o = r.pick(ops);
        const std::string b = std::string(o) == " ** " && r.chance(70) ? scalar() : expr(depth - 1);
        return paren(a) + o + paren(b);
      }
      case 2: return r.chance(50) ? "-" + paren(a) : "(-1*" + paren(a) + ")";
      case 3: {
        static const char* const fs[] = {"exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "abs", "sin", "cos",
                                         "tanh", "sigmoid", "erf", "erfc", "relu", "neg", "square", "sign",
                                         "floor", "exp2", "reciprocal", "atan", "asinh"};
        return torch + "." + r.pick(fs) + "(" + a + ")";
      }
      case 4:
      case 5: return f_call(a);
      case 6:
      case 7: return method(a);
      case 8: {
        static const char* const cmp[] = {" > ", " >= ", " < ", " <= ", " == ", " != "};
        return torch + ".where(" + paren(a) + r.pick(cmp) + scalar() + ", " + expr(depth - 1) + ", " +
               expr(depth - 1) + ")";
      }
      case 9:
        switch (r.below(5)) {
          case 0: return torch + ".clamp(" + a + ", min=" + scalar() + ")";
          case 1: return torch + ".clamp(" + a + ", " + scalar() + ", " + scalar() + ")";
          case 2: return torch + ".maximum(" + a + ", " + expr(depth - 1) + ")";
          case 3: return torch + ".minimum(" + a + ", " + torch + ".zeros_like(" + tensor() + "))";
          default: return torch + ".pow(" + a + ", " + scalar() + ")";
        }
      case 10:
        switch (r.below(6)) {
          case 0: return torch + ".sum(" + a + ", dim=" + dim() + ", keepdim=True)";
          case 1: return torch + ".logsumexp(" + a + ", dim=" + dim() + ", keepdim=True)";
          case 2: return paren(a) + " - " + paren(a) + ".max(dim=" + dim() + ", keepdim=True)[0]";
          case 3: return torch + ".softmax(" + a + ", dim=" + dim() + ")";
          case 4: return torch + ".mean(" + a + ", " + dim() + ", True)";
          default: return torch + ".exp(" + a + ") / " + torch + ".exp(" + a + ").sum(dim=" + dim() + ", keepdim=True)";
        }
      case 11:
        if (!has_np && !r.chance(5)) return torch + ".tanh(" + a + ")";
        switch (r.below(5)) {
          case 0: return np + ".exp(" + a + ")";
          case 1: return np + ".tanh(" + a + ")";
          case 2: return np + ".maximum(" + a + ", 0)";
          case 3: return np + ".where(" + paren(a) + " > 0, " + a + ", 0)";
          default: return np + ".clip(" + a + ", " + scalar() + ", " + scalar() + ")";
        }
      case 12:
        switch (r.below(4)) {
          case 0: return "(" + a + " > 0).float()";
          case 1: return "(" + a + " < " + scalar() + ").type_as(" + tensor() + ")";
          case 2: return "(" + a + " > 0) * " + paren(expr(depth - 1));
          default: return "(" + a + " > 0) & (" + tensor() + " < 1)";
        }
      case 13:
        switch (r.below(4)) {
          case 0: return torch + ".zeros_like(" + a + ")";
          case 1: return torch + ".ones_like(" + a + ")";
          case 2: return torch + ".full_like(" + a + ", " + scalar() + ")";
          default: return torch + ".tensor(" + scalar() + ")";
        }
      case 14:
        if (!helpers.empty()) return r.pick(helpers) + "(" + a + ")";
        return "abs(" + a + ")";
      default: return mod_math(r.chance(5)) + "." + (r.chance(50) ? "sqrt" : "exp") + "(" + scalar() + ") * " + paren(a);
    }
  }

  std::string fresh_tmp() { return r.chance(60) ? "temp" + std::to_string(++tmp) : (r.chance(50) ? "y" : "out") + std::to_string(++tmp); }

  // One statement of a function body at `level`; may open a block.
  void body_stmt(int level, int depth) {
    const int k = int(r.below(20));
    if (k < 11) {
      const std::string t = fresh_tmp();
      line(level, t + " = " + expr(depth) + (r.chance(10) ? "  # " + t : ""));
      tensors.push_back(t);
    } else if (k < 14) {
      const std::string t = tensor();
      line(level, t + " = " + (r.chance(50) ? expr(depth) : paren(t) + " * " + scalar()));
    } else if (k == 14) {
      line(level, "assert " + tensor() + ".dim() >= 1" + (r.chance(50) ? ", \"input must be a tensor\"" : ""));
    } else if (k == 15) {
      line(level, r.chance(50) ? "print(" + tensor() + ".shape)" : "print(\"forward\", " + tensor() + ")");
    } else if (k == 16) {
      line(level, std::string("if ") + (in_class && !attrs.empty() ? "self." + r.pick(attrs) : "True") + ":");
      line(level + 1, tensor() + " = " + expr(depth - 1));
      if (r.chance(50)) {
        line(level, "else:");
        line(level + 1, tensor() + " = " + expr(depth - 1));
      }
    } else if (k == 17) {
      line(level, tensor() + " += " + scalar());
    } else if (k == 18) {
      line(level, "# " + std::string(r.chance(50) ? "numerically stable" : "see the paper"));
    } else {
      line(level, "with " + torch + ".no_grad():");
      line(level + 1, "pass");
    }
  }

  void func_body(int level, int depth) {
    const int temps = int(r.below(9));
    for (int k = 0; k < temps; ++k) body_stmt(level, depth);
    std::string ret = tensors.size() > 1 && r.chance(40) ? tensors[tensors.size() - 1] + " + " + tensors[tensors.size() - 2] : expr(depth);
    line(level, (r.chance(95) ? "return " : "") + ret);
  }

  void imports() {
    std::vector<std::string> ls;
    if (r.chance(90)) {
      if (r.chance(10)) { torch = "th"; ls.push_back("import torch as th"); }
      else ls.push_back("import torch");
    }
    switch (r.below(4)) {
      case 0: ls.push_back("from torch import nn"); break;
      case 1: ls.push_back("import " + torch + ".nn as nn"); break;
      case 2: nn = torch + ".nn"; break;
      default: ls.push_back("import torch.nn as nn"); break;
    }
    switch (r.below(5)) {
      case 0: ls.push_back("from torch.nn import functional as F"); break;
      case 1: F = torch + ".nn.functional"; break;
      case 2: F = "nnf"; ls.push_back("import torch.nn.functional as nnf"); break;
      default: ls.push_back("import torch.nn.functional as F"); break;
    }
    has_np = r.chance(40);
    has_math = r.chance(50);
    if (has_np) ls.push_back("import numpy as np");
    if (has_math) ls.push_back("import math");
    if (r.chance(10)) ls.push_back("from math import pi, sqrt");
    if (r.chance(5)) ls.push_back("from typing import Optional");
    for (size_t k = ls.size(); k > 1; --k) std::swap(ls[k - 1], ls[r.below(k)]);  // any order
    for (const auto& l : ls) line(0, l);
  }

  void klass(const std::string& name, int depth) {
    in_class = true;
    attrs.clear();
    has_dim = false;
    static const char* const bases[] = {"nn.Module", "nn.Module", "nn.Module", "torch.nn.Module", "object", ""};
    std::string base = r.pick(bases);
    if (base == "nn.Module") base = nn + ".Module";
    line(0, "class " + name + (base.empty() ? "" : "(" + base + ")") + ":");
    if (r.chance(20)) line(1, "\"\"\"Applies " + name + " element-wise.\"\"\"");
    if (r.chance(10)) line(1, "__constants__ = ['alpha']");
    // __init__(self, p=default, ...)
    static const char* const params[][2] = {
        {"alpha", "1.0"}, {"beta", "1.0"}, {"lambd", "0.5"}, {"negative_slope", "0.01"}, {"threshold", "20"},
        {"dim", "-1"}, {"inplace", "False"}, {"scale", nullptr}, {"min_val", "-1.0"}, {"max_val", "1.0"},
        {"approximate", "'none'"}, {"eps", "1e-6"}, {"num_parameters", "1"}, {"init", "0.25"}};
    const int np_ = r.chance(15) ? 0 : int(r.below(5));
    std::string sig = "def __init__(self";
    std::vector<std::string> args;
    for (int k = 0; k < np_; ++k) {
      const auto& p = params[r.below(sizeof params / sizeof params[0])];
      bool dup = false;
      for (const auto& a : args) dup |= a == p[0];
      if (dup) continue;
      args.push_back(p[0]);
      const std::string def = p[1] ? p[1] : kSelu;
      sig += ", " + std::string(p[0]);
      if (r.chance(10)) sig += ": float";
      if (r.chance(93)) sig += (r.chance(10) ? " = " : "=") + def;
    }
    if (r.chance(4)) sig += ", *args, **kwargs";
    line(1, sig + "):");
    switch (r.below(6)) {
      case 0: line(2, "super().__init__()"); break;
      case 1: line(2, nn + ".Module.__init__(self)"); break;
      case 2: if (r.chance(70)) line(2, "super(" + name + ",self).__init__()"); break;  // sometimes none
      default: line(2, "super(" + name + ", self).__init__()"); break;
    }
    for (const auto& a : args) {
      if (r.chance(10)) line(2, "assert " + a + " > 0, \"" + a + " must be positive\"");
      if (r.chance(5)) line(2, "self." + a + " = " + nn + ".Parameter(" + torch + ".tensor(" + a + "))");
      else line(2, "self." + a + " = " + a);
      attrs.push_back(a);
      has_dim |= a == "dim";
    }
    const int consts_n = int(r.below(3));
    static const char* const cnames[] = {"scale", "c", "k", "eps", "gamma", "offset"};
    for (int k = 0; k < consts_n; ++k) {
      const std::string c = r.pick(cnames);
      line(2, "self." + c + " = " + (r.chance(50) ? std::string(kSelu) : r.chance(50) ? number() : math_const()));
      attrs.push_back(c);
    }
    if (r.chance(10)) line(2, "print(\"init " + name + "\")");
    if (r.chance(5)) line(2, "self.register_buffer('one', " + torch + ".tensor(1.0))");
    if (np_ == 0 && consts_n == 0 && r.chance(50)) line(2, "pass");
    if (r.chance(5)) {  // a method besides forward
      line(0, "");
      line(1, "def extra_repr(self):");
      line(2, "return 'alpha={}'.format(self.alpha)");
    }
    line(0, "");
    static const char* const inputs[] = {"x", "x", "x", "input", "X", "inp", "z"};
    const std::string in = r.pick(inputs);
    tensors.assign(1, in);
    tmp = 0;
    line(1, "def forward(self, " + in + (r.chance(10) ? ": " + torch + ".Tensor) -> " + torch + ".Tensor:" : "):"));
    func_body(2, depth);
    in_class = false;
  }

  void function(const std::string& name, int depth) {
    static const char* const inputs[] = {"x", "x", "t", "input"};
    const std::string in = r.pick(inputs);
    tensors.assign(1, in);
    tmp = 0;
    line(0, "def " + name + "(" + in + "):");
    if (r.chance(15)) line(1, "\"\"\"" + name + "(x)\"\"\"");
    func_body(1, depth);
    helpers.push_back(name);
  }

  std::string module() {
    static const char* const inds[] = {"    ", "    ", "    ", "    ", "  ", "\t", "        ", "   "};
    ind = r.pick(inds);
    const int depth = int(r.between(1, 5));
    const int shape = int(r.below(100));
    if (shape < 8) {  // today's format: parameters, then the expression
      tensors.assign(1, "x");
      const int ps = int(r.below(3));
      static const char* const pn[] = {"alpha", "beta", "scale", "lambd"};
      for (int k = 0; k < ps; ++k) {
        const std::string p = std::string(pn[k]);
        line(0, p + " = " + number());
        consts.push_back(p);
      }
      line(0, expr(depth));
      return out;
    }
    if (r.chance(95)) imports();
    if (r.chance(50)) line(0, "");
    if (r.chance(25)) {
      static const char* const cn[] = {"SCALE", "ALPHA", "EPS", "GELU_C"};
      const std::string c = r.pick(cn);
      line(0, c + " = " + (c == "SCALE" ? std::string(kSelu) : c == "ALPHA" ? std::string(kSeluAlpha) : number()));
      consts.push_back(c);
    }
    if (shape < 20) {  // `def f(x):` only
      function(r.chance(50) ? "f" : "my_activation", depth);
      if (r.chance(20)) line(0, "print(f(" + torch + ".randn(4)))");
      return out;
    }
    if (r.chance(15)) { function("gelu_fn", depth); line(0, ""); }
    static const char* const names[] = {"ELU", "SELU", "MyActivation", "Swish", "GELU", "Mish", "Softmax",
                                        "CustomReLU", "Act", "LearnedSiLU"};
    const int classes = shape < 30 ? 0 : int(r.between(1, 3));
    for (int c = 0; c < classes; ++c) {
      if (c) {
        line(0, "");
        if (r.chance(70)) line(0, "");
      }
      std::string name = r.pick(names);
      if (c && r.chance(70)) name += std::to_string(c + 1);
      klass(name, depth);
      if (r.chance(10)) {
        line(0, "");
        line(0, "m = " + name + "()");
        line(0, "print(m(" + torch + ".randn(3)))");
      }
    }
    if (classes == 0) function("f", depth);
    if (r.chance(5)) {
      line(0, "if __name__ == \"__main__\":");
      line(1, "print(" + (classes ? std::string("\"ok\"") : "f(" + torch + ".zeros(2))") + ")");
    }
    if (r.chance(3)) out += "\n\n\n";
    return out;
  }
};

inline std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> ls;
  size_t a = 0;
  while (true) {
    const size_t b = s.find('\n', a);
    if (b == std::string::npos) { ls.push_back(s.substr(a)); break; }
    ls.push_back(s.substr(a, b - a));
    a = b + 1;
  }
  return ls;
}
inline std::string join_lines(const std::vector<std::string>& ls) {
  std::string s;
  for (size_t k = 0; k < ls.size(); ++k) s += (k ? "\n" : "") + ls[k];
  return s;
}
inline size_t indent_of(const std::string& l) {
  size_t k = 0;
  while (k < l.size() && (l[k] == ' ' || l[k] == '\t')) ++k;
  return k;
}
// Index of the last line that starts with `return` (after indentation), else a random line.
inline size_t return_line(const std::vector<std::string>& ls, Rng& r) {
  for (size_t k = ls.size(); k-- > 0;)
    if (ls[k].compare(indent_of(ls[k]), 6, "return") == 0) return k;
  return r.below(ls.size());
}

}  // namespace detail

// A fresh tutorial-style source.
inline std::string gen_module(Rng& r) {
  detail::Gen g(r);
  return g.module();
}

enum Mutation { kChangeLine, kDupLine, kDelLine, kTabs, kShift, kBracket, kDeep, kHuge, kBytes, kUnicode,
                kTruncate, kLineEnds, kSplice, kMutationCount };
inline const char* mutation_name(int m) {
  static const char* const n[] = {"change", "dup", "delete", "tabs", "shift", "bracket", "deep", "huge",
                                  "bytes", "unicode", "truncate", "line-ends", "splice"};
  return m >= 0 && m < kMutationCount ? n[m] : "?";
}
// A mutation drawn with weights: a paste's small breakages often, the size extremes rarely
// (each makes an input up to a megabyte).
inline Mutation pick_mutation(Rng& r) {
  static const int w[kMutationCount] = {14, 8, 8, 10, 10, 8, 4, 2, 6, 10, 8, 4, 6};
  int total = 0;
  for (int x : w) total += x;
  int v = int(r.below(size_t(total)));
  for (int m = 0; m < kMutationCount; ++m) {
    if (v < w[m]) return Mutation(m);
    v -= w[m];
  }
  return kChangeLine;
}

// Applies one mutation to `s` in place; the result is at most max_size bytes.
inline void mutate(std::string& s, Rng& r, size_t max_size, Mutation m) {
  using namespace detail;
  std::vector<std::string> ls = split_lines(s);
  switch (m) {
    case kChangeLine: {
      const size_t k = r.below(ls.size());
      std::string& l = ls[k];
      const size_t in = indent_of(l);
      switch (r.below(4)) {
        case 0: {  // a fresh statement at the same indentation
          Rng sub(r.next());
          Gen g(sub);
          g.in_class = l.find("self") != std::string::npos;
          g.attrs = {"alpha", "dim", "scale"};
          g.has_dim = true;
          g.body_stmt(0, int(sub.between(0, 3)));
          l = l.substr(0, in) + g.out.substr(0, g.out.find('\n'));
          break;
        }
        case 1: {  // a name swapped for another (keywords and the input among them)
          static const char* const names[] = {"x", "self", "alpha", "torch", "F", "nn", "np", "math", "super",
                                              "return", "class", "def", "lambda", "y", "temp1", "forward",
                                              "__init__", "dim", "input", "pass", "None", "True", "print"};
          std::vector<std::pair<size_t, size_t>> spans;
          for (size_t i = 0; i < l.size();) {
            auto name_char = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9'); };
            if (name_char(l[i]) && !(l[i] >= '0' && l[i] <= '9')) {
              size_t j = i;
              while (j < l.size() && name_char(l[j])) ++j;
              spans.push_back({i, j - i});
              i = j;
            } else {
              ++i;
            }
          }
          if (spans.empty()) { l += r.pick(names); break; }
          const auto sp = r.pick(spans);
          l.replace(sp.first, sp.second, r.pick(names));
          break;
        }
        case 2: {  // a number swapped
          std::vector<size_t> at;
          for (size_t i = 0; i < l.size(); ++i)
            if (l[i] >= '0' && l[i] <= '9' && (i == 0 || !((l[i - 1] >= 'a' && l[i - 1] <= 'z') || l[i - 1] == '_'))) at.push_back(i);
          static const char* const nums[] = {"0", "-1", "1e309", "1e-400", "0x1f", "1j", "00", "1__0", "1.2.3",
                                             "99999999999999999999999", "nan", "1e", ".", "5_"};
          const size_t i = at.empty() ? r.below(l.size() + 1) : r.pick(at);
          size_t j = i;
          while (j < l.size() && ((l[j] >= '0' && l[j] <= '9') || l[j] == '.' || l[j] == '_' || l[j] == 'e')) ++j;
          l.replace(i, j - i, r.pick(nums));
          break;
        }
        default: {  // an operator or punctuation swapped in
          static const char* const ops[] = {"+", "-", "*", "/", "**", "==", "=", ":", ",", ".", "//", "%", "@",
                                            "->", ":=", "!", "?", "$", "`", "'", "\"", "\\", ";", "...", "lambda x:"};
          const size_t i = r.below(l.size() + 1);
          l.replace(i, i < l.size() && r.chance(50) ? 1 : 0, r.pick(ops));
          break;
        }
      }
      break;
    }
    case kDupLine: {
      const size_t k = r.below(ls.size());
      const size_t times = r.chance(80) ? 1 : r.between(2, 20);
      ls.insert(ls.begin() + long(k), times, ls[k]);
      break;
    }
    case kDelLine: {
      const size_t k = r.below(ls.size());
      const size_t cnt = std::min(ls.size() - k, r.chance(80) ? size_t(1) : r.between(2, 6));
      ls.erase(ls.begin() + long(k), ls.begin() + long(k + cnt));
      if (ls.empty()) ls.emplace_back();
      break;
    }
    case kTabs: {  // spaces and tabs mixed, as an editor that converts some lines does
      const int how = int(r.below(4));
      for (auto& l : ls) {
        const size_t in = indent_of(l);
        if (!in || !r.chance(how == 0 ? 100 : 40)) continue;
        std::string lead = l.substr(0, in), n;
        if (how == 1) {  // every 4 spaces a tab
          for (size_t i = 0; i < lead.size();) {
            if (lead.compare(i, 4, "    ") == 0) { n += '\t'; i += 4; }
            else n += lead[i++];
          }
        } else if (how == 2) {  // tab then spaces, or spaces then tab
          n = r.chance(50) ? "\t" + lead.substr(lead.size() > 4 ? 4 : lead.size()) : lead.substr(0, lead.size() / 2) + "\t";
        } else {
          for (char c : lead) n += c == '\t' ? std::string("    ") : std::string(1, c == ' ' && r.chance(30) ? '\t' : c);
        }
        l = n + l.substr(in);
      }
      break;
    }
    case kShift: {  // 1-3 columns more or fewer, on one line or a run of lines
      const size_t k = r.below(ls.size());
      const size_t cnt = std::min(ls.size() - k, r.chance(60) ? size_t(1) : r.between(2, 8));
      const size_t cols = r.between(1, 3);
      const bool more = r.chance(50);
      for (size_t j = k; j < k + cnt; ++j) {
        std::string& l = ls[j];
        if (more) l.insert(0, cols, ' ');
        else l.erase(0, std::min(cols, indent_of(l)));
      }
      break;
    }
    case kBracket: {
      const size_t k = r.below(ls.size());
      std::string& l = ls[k];
      std::vector<size_t> at;
      for (size_t i = 0; i < l.size(); ++i)
        if (l[i] == '(' || l[i] == ')' || l[i] == '[' || l[i] == ']' || l[i] == '{' || l[i] == '}') at.push_back(i);
      if (!at.empty() && r.chance(50)) {
        l.erase(r.pick(at), 1);
      } else {
        static const char b[] = "()[]{}";
        l.insert(r.below(l.size() + 1), size_t(r.between(1, 3)), b[r.below(6)]);
      }
      break;
    }
    case kDeep: {  // 200+ levels of one kind of nesting, in place of the return line or appended
      const size_t budget = max_size > s.size() + 64 ? max_size - s.size() - 64 : 0;
      const size_t k = return_line(ls, r);
      const std::string lead = ls[k].substr(0, indent_of(ls[k]));
      size_t levels = r.log_between(200, 50000);
      std::string d;
      auto nest = [&](const char* open, const char* mid, const char* close, size_t per) {
        if (per * levels > budget) levels = per ? budget / per : 0;
        d.reserve(per * levels + 16);
        for (size_t i = 0; i < levels; ++i) d += open;
        d += mid;
        for (size_t i = 0; i < levels; ++i) d += close;
      };
      switch (r.below(10)) {
        case 0: nest("(", "x", ")", 2); break;
        case 1: nest("torch.exp(", "x", ")", 11); break;
        case 2: nest("-", "x", "", 1); break;
        case 3: nest("", "x", ".exp()", 6); break;
        case 4: nest("", "x", " ** x", 5); break;
        case 5: nest("", "x", " + x", 4); break;
        case 6: nest("(", "x", "", 1); break;  // never closed
        case 7: nest("[", "x", "]", 2); break;
        case 8: nest("lambda x: ", "x", "", 10); break;
        default: {  // nested blocks, one more column each
          size_t n = levels;
          while (n && n * (n + 12) / 2 > budget) n /= 2;
          std::string b;
          for (size_t i = 0; i < n; ++i) b += std::string(i, ' ') + "if x:\n";
          b += std::string(n, ' ') + "return x";
          ls.push_back(b);
          s = join_lines(ls);
          if (s.size() > max_size) s.resize(max_size);
          return;
        }
      }
      ls[k] = lead + "return " + d;
      break;
    }
    case kHuge: {  // 10 k - 1 M characters: one line repeated, or one enormous line
      const size_t target = std::min(max_size, r.log_between(10000, 1000000));
      if (s.size() >= target) break;
      const size_t k = r.below(ls.size());
      const size_t need = target - s.size();
      std::string big;
      big.reserve(need + 64);
      switch (r.below(7)) {
        case 0: {
          const std::string unit = ls[k] + "\n";
          while (big.size() + unit.size() <= need) big += unit;
          ls[k] = big + ls[k];
          break;
        }
        case 1: {
          const std::string lead = ls[k].substr(0, indent_of(ls[k]));
          big = lead + "return x";
          while (big.size() + 10 <= need) big += " * 1.0 + x";
          ls[return_line(ls, r)] = big;
          break;
        }
        case 2: big = "# "; big.append(need > 2 ? need - 2 : 0, 'a'); ls.insert(ls.begin() + long(k), big); break;
        case 3: big = "s = '"; big.append(need > 6 ? need - 6 : 0, 'z'); big += "'"; ls.insert(ls.begin() + long(k), big); break;
        case 4: big = "alpha = 1"; big.append(need > 9 ? need - 9 : 0, '0'); ls.insert(ls.begin() + long(k), big); break;
        case 5: {  // the whole paste again and again: many classes
          while (big.size() + s.size() + 1 <= need) big += s + "\n";
          ls.assign(1, big + s);
          break;
        }
        default: big.append(need, r.chance(50) ? '\n' : ' '); ls.insert(ls.begin() + long(k), big); break;
      }
      break;
    }
    case kBytes: {
      const size_t cnt = r.between(1, 16);
      std::string joined = join_lines(ls);
      for (size_t i = 0; i < cnt; ++i) {
        const size_t at = r.below(joined.size() + 1);
        const char c = char(r.below(256));
        if (at < joined.size() && r.chance(50)) joined[at] = c;
        else joined.insert(at, 1, c);
      }
      s = joined;
      if (s.size() > max_size) s.resize(max_size);
      return;
    }
    case kUnicode: {
      static const char* const pool[] = {
          "# 激活函数：指数线性单元 (ELU)", "  # 这是一个注释", "\xe2\x80\x8b" /* U+200B zero-width space */,
          "\xe2\x80\x8d" /* U+200D zero-width joiner */, "\xef\xbb\xbf" /* U+FEFF BOM */,
          "\xc2\xa0" /* U+00A0 no-break space */, "\xe3\x80\x80" /* U+3000 ideographic space */, "（", "）",
          "−" /* U+2212 minus */, "×", "“", "”", "‘", "’", "α", "λ = 0.5", "😀", "\xe2\x80\xae" /* U+202E RLO */,
          "é", "ｘ", "\xed\xa0\x80" /* an encoded lone high surrogate */, "\xed\xb0\x80" /* a lone low one */,
          "\xc0\x80" /* overlong NUL */, "\xff", "\xe4\xb8" /* a truncated sequence */, "" /* a NUL byte */,
          "\x0b", "\x0c", "\r", "\\", "\xe2\x80\xa8" /* U+2028 line separator */};
      const char* u = r.pick(pool);
      std::string piece = *u ? std::string(u) : std::string(1, '\0');
      const size_t k = r.below(ls.size());
      if (r.chance(20)) ls.insert(ls.begin() + long(k), piece);
      else if (r.chance(30)) ls[k].insert(0, piece);
      else ls[k].insert(r.below(ls[k].size() + 1), piece);
      break;
    }
    case kTruncate: s.resize(r.below(s.size() + 1)); return;
    case kLineEnds: {
      const int how = int(r.below(3));
      std::string t;
      for (size_t k = 0; k < ls.size(); ++k) {
        t += ls[k];
        if (k + 1 < ls.size()) t += how == 0 ? "\r\n" : how == 1 ? "\r" : r.chance(50) ? "\r\n" : "\n";
      }
      s = t;
      if (s.size() > max_size) s.resize(max_size);
      return;
    }
    case kSplice: {  // lines of another paste in the middle of this one
      Rng sub(r.next());
      const std::vector<std::string> other = split_lines(gen_module(sub));
      const size_t a = r.below(other.size()), b = std::min(other.size(), a + r.between(1, 12));
      ls.insert(ls.begin() + long(r.below(ls.size() + 1)), other.begin() + long(a), other.begin() + long(b));
      break;
    }
    default: break;
  }
  s = join_lines(ls);
  if (s.size() > max_size) s.resize(max_size);
}

// Input i of a run seeded with `seed`: a generated paste, 70% of the time with 1-4 mutations.
inline Module gen_input(uint64_t seed, uint64_t i, size_t max_size = size_t(1) << 20) {
  Rng r(mix_seed(seed, i));
  Module m;
  m.src = gen_module(r);
  if (m.src.size() > max_size) m.src.resize(max_size);
  if (r.chance(30)) {
    m.kind = "clean";
    return m;
  }
  const int count = r.chance(60) ? 1 : int(r.between(2, 4));
  for (int k = 0; k < count; ++k) {
    const Mutation mu = pick_mutation(r);
    mutate(m.src, r, max_size, mu);
    m.kind += (k ? "+" : "") + std::string(mutation_name(mu));
  }
  return m;
}

// The names after `class` at the start of a line (after any indentation), in order, at most 8:
// the classes a compile can be asked for.
inline std::vector<std::string> class_names(const std::string& src) {
  std::vector<std::string> names;
  size_t i = 0;
  while (i < src.size() && names.size() < 8) {
    size_t j = i;
    while (j < src.size() && (src[j] == ' ' || src[j] == '\t')) ++j;
    if (src.compare(j, 6, "class ") == 0) {
      j += 6;
      while (j < src.size() && src[j] == ' ') ++j;
      size_t e = j;
      while (e < src.size() && ((src[e] >= 'a' && src[e] <= 'z') || (src[e] >= 'A' && src[e] <= 'Z') ||
                                (src[e] >= '0' && src[e] <= '9') || src[e] == '_'))
        ++e;
      if (e > j) {
        std::string n = src.substr(j, e - j);
        bool seen = false;
        for (const auto& o : names) seen |= o == n;
        if (!seen) names.push_back(n);
      }
    }
    const size_t nl = src.find('\n', i);
    if (nl == std::string::npos) break;
    i = nl + 1;
  }
  return names;
}

// A JSON string of the bytes as a browser would hand them over: valid UTF-8 as is, an encoded
// surrogate half as its \u escape (a JS string can hold a lone surrogate), any other invalid
// byte as U+FFFD (what TextDecoder makes of it), control characters escaped.
inline std::string json_string(const std::string& s, size_t max_chars = std::string::npos) {
  std::string o = "\"";
  size_t i = 0, chars = 0;
  const size_t n = s.size();
  auto cont = [&](size_t k) { return k < n && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80; };
  while (i < n && chars < max_chars) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    ++chars;
    if (c < 0x80) {
      if (c == '"' || c == '\\') { o += '\\'; o += char(c); }
      else if (c == '\n') o += "\\n";
      else if (c == '\t') o += "\\t";
      else if (c == '\r') o += "\\r";
      else if (c < 0x20 || c == 0x7f) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); o += b; }
      else o += char(c);
      ++i;
      continue;
    }
    size_t len = 0;
    const unsigned char c1 = i + 1 < n ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c >= 0xC2 && c <= 0xDF && cont(i + 1)) len = 2;
    else if (c == 0xE0 && c1 >= 0xA0 && c1 <= 0xBF && cont(i + 2)) len = 3;
    else if (((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) && cont(i + 1) && cont(i + 2)) len = 3;
    else if (c == 0xED && c1 >= 0x80 && c1 <= 0x9F && cont(i + 2)) len = 3;
    else if (c == 0xED && c1 >= 0xA0 && c1 <= 0xBF && cont(i + 2)) {
      const unsigned cp = 0xD000u | ((c1 & 0x3Fu) << 6) | (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", cp);
      o += b;
      i += 3;
      continue;
    }
    else if (c == 0xF0 && c1 >= 0x90 && c1 <= 0xBF && cont(i + 2) && cont(i + 3)) len = 4;
    else if (c >= 0xF1 && c <= 0xF3 && cont(i + 1) && cont(i + 2) && cont(i + 3)) len = 4;
    else if (c == 0xF4 && c1 >= 0x80 && c1 <= 0x8F && cont(i + 2) && cont(i + 3)) len = 4;
    if (!len) { o += "\\ufffd"; ++i; continue; }
    // U+2028 / U+2029 are valid JSON but break line-oriented readers of some tools: escaped.
    if (len == 3 && c == 0xE2 && c1 == 0x80 && (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      o += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 3;
      continue;
    }
    o.append(s, i, len);
    i += len;
  }
  return o + "\"";
}

}  // namespace fuzzgen
}  // namespace actlab
