// Custom expressions, front end: tokenizer and recursive-descent parser for the Python subset
// of expr.hpp, feeding the typed graph builder (expr_graph.cpp). Grammar (Python's precedence):
//
//   program    := stmt ((';' | NEWLINE) stmt)*
//   stmt       := 'import' dotted ['as' NAME] (',' ...)* | 'from' dotted 'import' NAME ['as' NAME]
//               | 'def' NAME '(' NAME ')' ':' [stmt] | NAME '=' <constant>          (a parameter)
//               | ['return'] ['lambda' NAME ':'] expr | NAME '=' 'lambda' NAME ':' expr
//   expr       := bitor [cmp bitor]                 (a second comparison: chained, rejected)
//   bitor      := bitand ('|' bitand)*      bitand := arith ('&' arith)*
//   arith      := term (('+' | '-') term)*  term   := factor (('*' | '/') factor)*
//   factor     := ('-' | '+' | '~') factor | power
//   power      := primary ['**' factor]     (right-assoc; -x**2 == -(x**2))
//   primary    := atom ('.' NAME | '(' args ')')*
//   atom       := NUMBER | STRING | NAME | True | False | None | '(' expr ')'
//
// Positions are 0-based character offsets (UTF-8 code points) into the text.
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

#include "expr_internal.hpp"

namespace actlab {

Expr::Expr(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Expr::~Expr() = default;

namespace ex {
namespace {

// ------------------------------------------------------------------ tokens

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

const char* const kKeywords[] = {"False", "None", "True", "and", "as", "assert", "async", "await", "break",
                                 "class", "continue", "def", "del", "elif", "else", "except", "finally", "for",
                                 "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
                                 "pass", "raise", "return", "try", "while", "with", "yield"};
bool is_keyword(const std::string& s) {
  for (const char* k : kKeywords)
    if (s == k) return true;
  return false;
}

class Lexer {
 public:
  Lexer(const std::string& t, ExprError& err) : s_(t), err_(err) {}

  bool run(std::vector<Token>& out) {
    int depth = 0;  // brackets: newlines inside them are whitespace (implicit line joining)
    size_t i = 0;
    const size_t n = s_.size();
    while (i < n) {
      const char c = s_[i];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f') { ++i; continue; }
      if (c == '#') { while (i < n && s_[i] != '\n') ++i; continue; }
      if (c == '\\') {
        size_t j = i + 1;
        if (j < n && s_[j] == '\r') ++j;
        if (j < n && s_[j] == '\n') { i = j + 1; continue; }
        return fail("SyntaxError: unexpected character after line continuation character", i);
      }
      if (c == '\n' || c == ';') {
        if (c == ';' && depth > 0) return fail("SyntaxError: invalid syntax ';' inside brackets", i);
        if (depth == 0) push(Tok::Sep, std::string(1, c), i, out);
        ++i;
        continue;
      }
      if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(s_[i + 1]))) {
        if (!number(i, out)) return false;
        continue;
      }
      if (is_name_start(c)) {
        size_t j = i;
        while (j < n && is_name_char(s_[j])) ++j;
        if (j < n && (s_[j] == '\'' || s_[j] == '"'))
          return fail("SyntaxError: string prefixes (r'', f'', b'') are not supported", i);
        push(Tok::Name, s_.substr(i, j - i), i, out);
        i = j;
        continue;
      }
      if (c == '\'' || c == '"') {
        if (!string(i, out)) return false;
        continue;
      }
      static const char* const ops3[] = {"**=", "//=", ">>=", "<<=", "..."};
      static const char* const ops2[] = {"**", "//", "<=", ">=", "==", "!=", "<<", ">>", "->", "+=", "-=", "*=",
                                         "/=", "%=", "&=", "|=", "^=", "@=", ":="};
      bool matched = false;
      for (const char* o : ops3)
        if (s_.compare(i, 3, o) == 0) { push(Tok::Op, o, i, out); i += 3; matched = true; break; }
      if (!matched)
        for (const char* o : ops2)
          if (s_.compare(i, 2, o) == 0) { push(Tok::Op, o, i, out); i += 2; matched = true; break; }
      if (matched) continue;
      if (std::strchr("+-*/%@()[]{},:.=<>&|^~", c) && c != '\0') {
        if (c == '(' || c == '[' || c == '{') ++depth;
        if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
        push(Tok::Op, std::string(1, c), i, out);
        ++i;
        continue;
      }
      if (c == '!') return fail("SyntaxError: invalid syntax: '!' (did you mean '!=' or '~'?)", i);
      if (static_cast<unsigned char>(c) >= 0x80)
        return fail("SyntaxError: invalid character (only ASCII outside strings and comments)", i);
      return fail("SyntaxError: invalid character '" + std::string(1, c) + "'", i);
    }
    push(Tok::End, "", n, out);
    return true;
  }

 private:
  const std::string& s_;
  ExprError& err_;

  bool fail(const std::string& m, size_t pos) {
    err_.message = m;
    err_.pos = int(pos);
    return false;
  }
  static void push(Tok k, std::string t, size_t pos, std::vector<Token>& out) {
    Token tk;
    tk.kind = k;
    tk.text = std::move(t);
    tk.pos = int(pos);
    out.push_back(std::move(tk));
  }

  // Python's decimal literals: 1, 1_000, 1.5, 1., .5, 1e-3, 1.5E+2. No hex/octal/complex.
  bool number(size_t& i, std::vector<Token>& out) {
    const size_t start = i, n = s_.size();
    std::string clean;
    bool integer = true;
    auto digits = [&]() -> bool {  // digits with single underscores between them
      if (i >= n || !is_digit(s_[i])) return false;
      while (i < n && (is_digit(s_[i]) || s_[i] == '_')) {
        if (s_[i] == '_') {
          if (i + 1 >= n || !is_digit(s_[i + 1])) return false;
        } else {
          clean += s_[i];
        }
        ++i;
      }
      return true;
    };
    if (s_[i] != '.') {
      if (!digits()) return fail("SyntaxError: invalid decimal literal", i);
      // 01.5, 01e1 and 01j are valid Python: only a plain integer may not start with 0
      const bool more = i < n && (s_[i] == '.' || (s_[i] | 0x20) == 'e' || (s_[i] | 0x20) == 'j');
      if (s_[start] == '0' && clean.size() > 1 && clean.find_first_not_of('0') != std::string::npos && !more)
        return fail("SyntaxError: leading zeros in decimal integer literals are not permitted", start);
    }
    if (i < n && s_[i] == '.') {
      integer = false;
      clean += '.';
      ++i;
      if (i < n && is_digit(s_[i]) && !digits()) return fail("SyntaxError: invalid decimal literal", i);
    }
    if (i < n && (s_[i] == 'e' || s_[i] == 'E')) {
      integer = false;
      clean += 'e';
      ++i;
      if (i < n && (s_[i] == '+' || s_[i] == '-')) clean += s_[i++];
      if (!digits()) return fail("SyntaxError: invalid decimal literal", i);
    }
    if (i < n && (s_[i] == 'j' || s_[i] == 'J'))
      return fail("complex numbers are not supported", start);
    if (i < n && (is_name_char(s_[i]) || s_[i] == '.')) {
      const char prefix = char(s_[i] | 0x20);  // 0x, 0o, 0b in either case
      if (s_[start] == '0' && i == start + 1 && (prefix == 'x' || prefix == 'o' || prefix == 'b'))
        return fail("SyntaxError: hexadecimal, octal and binary literals are not supported", start);
      return fail("SyntaxError: invalid decimal literal", i);
    }
    Token tk;
    tk.kind = Tok::Num;
    tk.num = std::strtod(clean.c_str(), nullptr);
    tk.integer = integer && tk.num < 9007199254740992.0;
    tk.text = s_.substr(start, i - start);
    tk.pos = int(start);
    out.push_back(std::move(tk));
    return true;
  }

  bool string(size_t& i, std::vector<Token>& out) {
    const size_t start = i, n = s_.size();
    const char q = s_[i++];
    if (i + 1 < n && s_[i] == q && s_[i + 1] == q) return fail("SyntaxError: triple-quoted strings are not supported", start);
    std::string v;
    while (i < n && s_[i] != q) {
      if (s_[i] == '\n') break;
      if (s_[i] == '\\' && i + 1 < n && s_[i + 1] != '\n') {
        const char e = s_[i + 1];
        v += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        i += 2;
        continue;
      }
      v += s_[i++];
    }
    if (i >= n || s_[i] != q) return fail("SyntaxError: unterminated string literal", start);
    ++i;
    Token tk;
    tk.kind = Tok::Str;
    tk.text = v;
    tk.pos = int(start);
    out.push_back(std::move(tk));
    return true;
  }
};

}  // namespace

bool tokenize(const std::string& text, std::vector<Token>& out, ExprError& err) {
  return Lexer(text, err).run(out);
}

namespace {

// ------------------------------------------------------------------ parser

// A parsed operand: what Val carries plus modules and functions (until they are called).
struct PV {
  enum Kind : uint8_t { Node, Str, None, Module, Func } kind = Node;
  int node = -1;
  std::string s;   // Str: the text; Module: canonical path; Func: qualified name
  int self = -1;   // Func: the tensor of a method call x.f(...)
  int pos = 0;
};

class Parser {
 public:
  Parser(const std::string& text, ExprError& err) : text_(text), err_(err), b_(err) {}

  // On success the builder's graph is complete (root set, compacted).
  bool run() {
    if (!tokenize(text_, toks_, err_)) return false;
    int root = -1;
    while (true) {
      while (at(Tok::Sep)) ++i_;
      if (at(Tok::End)) break;
      const Token& t = cur();
      if (root >= 0)
        return fail("only the last statement can be the expression; parameters ('alpha = 1.0') come first",
                    t.pos);
      if (kw("import") || kw("from")) {
        if (!import_stmt()) return false;
      } else if (kw("def")) {
        if (!def_header()) return false;
        continue;  // the body may follow on the same line
      } else if (t.kind == Tok::Name && !is_keyword(t.text) && peek_op(1, "=")) {
        if (peek_kw(2, "lambda")) {
          i_ += 2;
          root = final_expr();
          if (root < 0) return false;
        } else if (!param_stmt()) {
          return false;
        }
      } else {
        root = final_expr();
        if (root < 0) return false;
      }
      if (!at(Tok::Sep) && !at(Tok::End)) return syntax_error(cur());
    }
    if (root < 0)
      return fail("no expression: the last statement must be an expression in x, e.g. x * torch.sigmoid(x)",
                  int(text_.size()));
    return b_.finish(root);
  }

  Graph& graph() { return b_.g; }

 private:
  const std::string& text_;
  ExprError& err_;
  Builder b_;
  std::vector<Token> toks_;
  size_t i_ = 0;
  int depth_ = 0;
  std::string input_ = "x";
  std::map<std::string, PV> aliases_;  // from imports: name -> module / function / constant

  // -------- token helpers
  const Token& cur() const { return toks_[i_]; }
  const Token& peek(size_t k) const { return toks_[std::min(i_ + k, toks_.size() - 1)]; }
  bool at(Tok k) const { return cur().kind == k; }
  bool op(const char* o) const { return cur().kind == Tok::Op && cur().text == o; }
  bool kw(const char* k) const { return cur().kind == Tok::Name && cur().text == k; }
  bool peek_op(size_t k, const char* o) const { return peek(k).kind == Tok::Op && peek(k).text == o; }
  bool peek_kw(size_t k, const char* w) const { return peek(k).kind == Tok::Name && peek(k).text == w; }
  bool fail(const std::string& m, int pos) { return b_.fail(m, pos); }
  int bad(const std::string& m, int pos) { return b_.bad(m, pos); }
  bool syntax_error(const Token& t) {
    if (t.kind == Tok::End) return fail("SyntaxError: unexpected end of input", t.pos);
    if (t.kind == Tok::Op) {
      static const struct { const char* op; const char* msg; } known[] = {
          {"//", "'//' (floor division) is not supported"},
          {"%", "'%' (remainder) is not supported"},
          {"@", "'@' (matrix multiplication) is not supported: expressions are elementwise"},
          {"^", "'^' (xor) is not supported; for booleans use (a) != (b)"},
          {"<<", "shift operators are not supported"},
          {">>", "shift operators are not supported"},
          {"[", "indexing and lists are not supported: expressions are elementwise"},
          {"{", "dicts and sets are not supported"},
      };
      for (const auto& k : known)
        if (t.text == k.op) return fail(k.msg, t.pos);
      if (t.text.size() >= 2 && t.text.back() == '=' && t.text != "==" && t.text != "<=" && t.text != ">=" &&
          t.text != "!=")
        return fail("SyntaxError: augmented assignment ('" + t.text + "') is not supported", t.pos);
      if (t.text == "=") return fail("SyntaxError: invalid syntax: '=' here (did you mean '=='?)", t.pos);
    }
    if (t.kind == Tok::Name) {
      if (t.text == "and" || t.text == "or" || t.text == "not")
        return fail("'" + t.text + "' does not work element-wise on tensors: use & | ~ on boolean tensors, e.g. "
                    "(x > 0) & (x < 1)", t.pos);
      if (t.text == "if" || t.text == "else")
        return fail("conditional expressions don't work element-wise: use torch.where(condition, a, b)", t.pos);
      if (t.text == "in" || t.text == "is")
        return fail("'" + t.text + "' is not supported in expressions", t.pos);
    }
    std::string what = t.kind == Tok::Str ? "string" : "'" + t.text + "'";
    return fail("SyntaxError: invalid syntax: unexpected " + what, t.pos);
  }
  bool expect_op(const char* o) {
    if (op(o)) { ++i_; return true; }
    if (at(Tok::End) && (std::string(o) == ")"))
      return fail("SyntaxError: '(' was never closed", open_.empty() ? cur().pos : open_.back());
    return syntax_error(cur());
  }
  std::vector<int> open_;  // positions of open parentheses (for "never closed")

  struct Depth {
    Parser& p;
    bool ok;
    explicit Depth(Parser& pp, int pos) : p(pp), ok(++pp.depth_ <= kExprMaxDepth) {
      if (!ok)
        pp.fail("expression nested too deeply: at most " + std::to_string(kExprMaxDepth) +
                " levels of parentheses, calls and operators", pos);
    }
    ~Depth() { --p.depth_; }
  };

  // -------- statements
  bool import_stmt() {
    const bool from = kw("from");
    ++i_;
    std::string path;
    int ppos = cur().pos;
    if (!dotted(path)) return false;
    auto known_module = [](const std::string& m) {
      return m == "torch" || m == "torch.nn" || m == "torch.nn.functional" || m == "math";
    };
    if (!known_module(path))
      return fail("ModuleNotFoundError: only torch, torch.nn, torch.nn.functional and math can be imported "
                  "(they are available without importing, with F = torch.nn.functional)", ppos);
    if (!from) {
      while (true) {
        if (kw("as")) {
          ++i_;
          if (!at(Tok::Name) || is_keyword(cur().text)) return syntax_error(cur());
          PV m;
          m.kind = PV::Module;
          m.s = path;
          if (!bind_alias(cur(), m)) return false;
          ++i_;
        }
        if (!op(",")) break;
        ++i_;
        ppos = cur().pos;
        if (!dotted(path)) return false;
        if (!known_module(path))
          return fail("ModuleNotFoundError: only torch, torch.nn, torch.nn.functional and math can be imported",
                      ppos);
      }
      return true;
    }
    if (!kw("import")) return syntax_error(cur());
    ++i_;
    while (true) {
      if (!at(Tok::Name) || is_keyword(cur().text)) return syntax_error(cur());
      const Token name = cur();
      ++i_;
      std::string q;
      double v = 0;
      PV item;
      item.pos = name.pos;
      switch (lookup_attr(path, name.text, q, v)) {
        case Attr::Module: item.kind = PV::Module; item.s = q; break;
        case Attr::Func: item.kind = PV::Func; item.s = q; break;
        case Attr::Const:
          item.kind = PV::Node;
          item.node = b_.constant(v, false, false, name.pos);
          if (item.node < 0) return false;
          break;
        case Attr::Missing: {
          std::string hint = suggest_attr(path, name.text);
          return fail("ImportError: cannot import name '" + name.text + "' from '" + path + "'" +
                      (hint.empty() ? "" : ". Did you mean: '" + hint + "'?"), name.pos);
        }
      }
      const Token* target = &name;
      if (kw("as")) {
        ++i_;
        if (!at(Tok::Name) || is_keyword(cur().text)) return syntax_error(cur());
        target = &cur();
        ++i_;
      }
      if (!bind_alias(*target, item)) return false;
      if (!op(",")) break;
      ++i_;
    }
    return true;
  }

  bool dotted(std::string& path) {
    if (!at(Tok::Name) || is_keyword(cur().text)) return syntax_error(cur());
    path = cur().text;
    ++i_;
    while (op(".")) {
      ++i_;
      if (!at(Tok::Name) || is_keyword(cur().text)) return syntax_error(cur());
      path += "." + cur().text;
      ++i_;
    }
    return true;
  }

  bool bind_alias(const Token& name, const PV& v) {
    if (name.text == input_) return fail("cannot rebind '" + name.text + "': it is the input", name.pos);
    aliases_[name.text] = v;
    return true;
  }

  bool def_header() {  // def NAME(x):
    ++i_;
    if (!at(Tok::Name) || is_keyword(cur().text)) return syntax_error(cur());
    ++i_;
    if (!expect_op("(")) return false;
    if (!at(Tok::Name) || is_keyword(cur().text)) {
      if (op(")")) return fail("the function must take one argument, the input (e.g. def f(x):)", cur().pos);
      return syntax_error(cur());
    }
    input_ = cur().text;
    ++i_;
    if (op(","))
      return fail("the function must take exactly one argument, the input; declare parameters as 'alpha = 1.0' "
                  "lines before it", cur().pos);
    if (!expect_op(")")) return false;
    if (op("->")) return fail("return annotations are not supported", cur().pos);
    return expect_op(":");
  }

  bool param_stmt() {
    const Token name = cur();
    i_ += 2;  // NAME '='
    if (name.text == input_ || name.text == "torch" || name.text == "math" || name.text == "F" ||
        name.text == "abs")
      return fail("cannot use '" + name.text + "' as a parameter name", name.pos);
    for (const ExprParam& p : b_.g.params)
      if (p.name == name.text) return fail("parameter '" + name.text + "' is already defined", name.pos);
    if (aliases_.count(name.text)) return fail("'" + name.text + "' is already an imported name", name.pos);
    const int vpos = cur().pos;
    PV v = expr();
    if (v.kind == PV::Node && v.node < 0) return false;
    const Node* n = v.kind == PV::Node ? &b_.g.nodes[size_t(v.node)] : nullptr;
    if (!n || n->op != Op::Const) {
      if (n && n->tensor)
        return fail("only parameters can be assigned ('" + name.text +
                    " = 1.0'); write the expression in x as the last statement", vpos);
      return fail("parameter '" + name.text + "' needs a number as its default, e.g. " + name.text + " = 1.0", vpos);
    }
    if (!std::isfinite(n->value))
      return fail("parameter '" + name.text + "' needs a finite default", vpos);
    if (int(b_.g.params.size()) >= kExprMaxParams)
      return fail("too many parameters: at most " + std::to_string(kExprMaxParams), name.pos);
    ExprParam p;
    p.name = name.text;
    p.def = n->value;
    // 2v overflows past DBL_MAX / 2: the slider then ends at the largest finite double.
    const double twice = std::max(-DBL_MAX, std::min(DBL_MAX, 2 * p.def));
    p.lo = p.def == 0 ? -1 : std::min(0.0, twice);
    p.hi = p.def == 0 ? 1 : std::max(0.0, twice);
    b_.g.params.push_back(p);
    return true;
  }

  int final_expr() {
    if (kw("return")) ++i_;
    if (kw("lambda")) {
      ++i_;
      if (!at(Tok::Name) || is_keyword(cur().text)) {
        if (op(":")) return bad("the lambda must take one argument, the input (lambda x: ...)", cur().pos);
        syntax_error(cur());
        return -1;
      }
      input_ = cur().text;
      ++i_;
      if (op(",")) return bad("the lambda must take exactly one argument, the input", cur().pos);
      if (!expect_op(":")) return -1;
    }
    const int pos = cur().pos;
    PV v = expr();
    return node_of(v, pos);
  }

  // An operand that must be a number or a tensor.
  int node_of(const PV& v, int pos) {
    switch (v.kind) {
      case PV::Node: return v.node;
      case PV::Str: return bad("a string is not a number: strings are only for choices such as approximate='tanh'", v.pos);
      case PV::None: return bad("None is only allowed for torch.clamp's min / max", v.pos);
      case PV::Module: return bad("module '" + v.s + "' is not a value", v.pos);
      case PV::Func:
        if (v.self >= 0) {
          const std::string m = v.s.substr(v.s.rfind('.') + 1);
          return bad("'Tensor." + m + "' is a method: call it, e.g. x." + m + "()", v.pos);
        }
        return bad("'" + v.s + "' is a function: call it, e.g. " + v.s + "(x)", v.pos);
    }
    return bad("invalid value", pos);
  }

  // -------- expressions (bodies below)
  PV err_pv() { PV p; p.kind = PV::Node; p.node = -1; return p; }
  static bool failed(const PV& v) { return v.kind == PV::Node && v.node < 0; }
  PV node_pv(int n, int pos) { PV p; p.kind = PV::Node; p.node = n; p.pos = pos; return p; }
  PV expr();
  PV bitor_expr();
  PV bitand_expr();
  PV arith();
  PV term();
  PV factor();
  PV power();
  PV primary();
  PV atom();
  PV call(const PV& callee);
  PV binop(const PV& a, const char* op, const PV& b, int pos);
};

PV Parser::binop(const PV& a, const char* o, const PV& b, int pos) {
  const int na = node_of(a, pos);
  if (na < 0) return err_pv();
  const int nb = node_of(b, pos);
  if (nb < 0) return err_pv();
  return node_pv(b_.binary(o, na, nb, pos), a.pos);
}

PV Parser::expr() {
  if (kw("not")) { syntax_error(cur()); return err_pv(); }
  if (kw("lambda")) { fail("lambda is only allowed as the whole expression: lambda x: ...", cur().pos); return err_pv(); }
  PV a = bitor_expr();
  if (failed(a)) return a;
  static const char* const cmps[] = {"<", "<=", ">", ">=", "==", "!="};
  auto cmp_here = [&]() -> const char* {
    for (const char* c : cmps)
      if (op(c)) return c;
    if (kw("in") || kw("is") || (kw("not") && peek_kw(1, "in"))) return "";
    return nullptr;
  };
  const char* c = cmp_here();
  if (c) {
    if (!*c) { fail("'" + cur().text + "' is not supported in expressions", cur().pos); return err_pv(); }
    const int pos = cur().pos;
    ++i_;
    PV b = bitor_expr();
    if (failed(b)) return b;
    if (const char* c2 = cmp_here()) {
      (void)c2;
      fail("chained comparisons such as 'a < x < b' don't work on tensors (Python joins them with 'and'); "
           "write (a < x) & (x < b)", cur().pos);
      return err_pv();
    }
    a = binop(a, c, b, pos);
    if (failed(a)) return a;
  }
  if (kw("and") || kw("or") || kw("if") || kw("else")) { syntax_error(cur()); return err_pv(); }
  return a;
}

PV Parser::bitor_expr() {
  PV a = bitand_expr();
  while (!failed(a) && op("|")) {
    const int pos = cur().pos;
    ++i_;
    PV b = bitand_expr();
    if (failed(b)) return b;
    a = binop(a, "|", b, pos);
  }
  return a;
}

PV Parser::bitand_expr() {
  PV a = arith();
  while (!failed(a) && op("&")) {
    const int pos = cur().pos;
    ++i_;
    PV b = arith();
    if (failed(b)) return b;
    a = binop(a, "&", b, pos);
  }
  return a;
}

PV Parser::arith() {
  PV a = term();
  while (!failed(a) && (op("+") || op("-"))) {
    const std::string o = cur().text;
    const int pos = cur().pos;
    ++i_;
    PV b = term();
    if (failed(b)) return b;
    a = binop(a, o.c_str(), b, pos);
  }
  return a;
}

PV Parser::term() {
  PV a = factor();
  while (!failed(a) && (op("*") || op("/"))) {
    const std::string o = cur().text;
    const int pos = cur().pos;
    ++i_;
    PV b = factor();
    if (failed(b)) return b;
    a = binop(a, o.c_str(), b, pos);
  }
  if (!failed(a) && (op("//") || op("%") || op("@"))) { syntax_error(cur()); return err_pv(); }
  return a;
}

PV Parser::factor() {
  if (op("-") || op("+") || op("~")) {
    const std::string o = cur().text;
    const int pos = cur().pos;
    Depth d(*this, pos);
    if (!d.ok) return err_pv();
    ++i_;
    PV a = factor();
    if (failed(a)) return a;
    const int na = node_of(a, pos);
    if (na < 0) return err_pv();
    return node_pv(b_.unary(o, na, pos), pos);
  }
  return power();
}

PV Parser::power() {
  PV a = primary();
  if (failed(a) || !op("**")) return a;
  const int pos = cur().pos;
  Depth d(*this, pos);
  if (!d.ok) return err_pv();
  ++i_;
  PV b = factor();
  if (failed(b)) return b;
  return binop(a, "**", b, pos);
}

PV Parser::primary() {
  PV v = atom();
  while (!failed(v)) {
    if (op(".")) {
      ++i_;
      if (!at(Tok::Name) || is_keyword(cur().text)) { syntax_error(cur()); return err_pv(); }
      const Token name = cur();
      ++i_;
      if (v.kind == PV::Module) {
        std::string q;
        double c = 0;
        switch (lookup_attr(v.s, name.text, q, c)) {
          case Attr::Module: v.s = q; v.pos = name.pos; break;
          case Attr::Func: v.kind = PV::Func; v.s = q; v.pos = name.pos; break;
          case Attr::Const: v = node_pv(b_.constant(c, false, false, name.pos), name.pos); break;
          case Attr::Missing: {
            const std::string hint = suggest_attr(v.s, name.text);
            fail("AttributeError: module '" + v.s + "' has no attribute '" + name.text + "'" +
                 (hint.empty() ? "" : ". Did you mean: '" + hint + "'?"), name.pos);
            return err_pv();
          }
        }
        continue;
      }
      if (v.kind == PV::Node && b_.g.nodes[size_t(v.node)].tensor && is_method(name.text)) {
        PV f;
        f.kind = PV::Func;
        f.s = "torch." + name.text;
        f.self = v.node;
        f.pos = name.pos;
        v = f;
        continue;
      }
      std::string type = v.kind == PV::Str ? "str" : v.kind == PV::None ? "NoneType"
                       : v.kind == PV::Func ? "builtin_function_or_method"
                       : b_.g.nodes[size_t(v.node)].tensor ? "Tensor" : "float";
      const std::string hint = type == "Tensor" ? suggest_attr("Tensor", name.text) : "";
      fail("AttributeError: '" + type + "' object has no attribute '" + name.text + "'" +
           (hint.empty() ? "" : ". Did you mean: '" + hint + "'?"), name.pos);
      return err_pv();
    }
    if (op("(")) {
      if (v.kind != PV::Func) {
        std::string type = v.kind == PV::Module ? "module" : v.kind == PV::Str ? "str" : v.kind == PV::None ? "NoneType"
                         : b_.g.nodes[size_t(v.node)].tensor ? "Tensor" : "float";
        fail("TypeError: '" + type + "' object is not callable", cur().pos);
        return err_pv();
      }
      v = call(v);
      continue;
    }
    break;
  }
  return v;
}

PV Parser::atom() {
  const Token t = cur();
  switch (t.kind) {
    case Tok::Num:
      ++i_;
      return node_pv(b_.constant(t.num, t.integer, false, t.pos), t.pos);
    case Tok::Str: {
      ++i_;
      PV s;
      s.kind = PV::Str;
      s.s = t.text;
      s.pos = t.pos;
      return s;
    }
    case Tok::Name: {
      if (t.text == "True" || t.text == "False") {
        ++i_;
        return node_pv(b_.constant(t.text == "True" ? 1 : 0, true, true, t.pos), t.pos);
      }
      if (t.text == "None") {
        ++i_;
        PV s;
        s.kind = PV::None;
        s.pos = t.pos;
        return s;
      }
      if (is_keyword(t.text)) { syntax_error(t); return err_pv(); }
      ++i_;
      if (t.text == input_) return node_pv(b_.input(t.pos), t.pos);
      for (size_t k = 0; k < b_.g.params.size(); ++k)
        if (b_.g.params[k].name == t.text) return node_pv(b_.param(int(k), t.pos), t.pos);
      auto al = aliases_.find(t.text);
      if (al != aliases_.end()) {
        PV v = al->second;
        v.pos = t.pos;
        return v;
      }
      PV m;
      m.kind = PV::Module;
      m.pos = t.pos;
      if (t.text == "torch" || t.text == "math") { m.s = t.text; return m; }
      if (t.text == "F") { m.s = "torch.nn.functional"; return m; }
      if (t.text == "abs") { m.kind = PV::Func; m.s = "abs"; return m; }
      std::vector<std::string> cands{input_, "torch", "math", "F", "abs"};
      for (const ExprParam& p : b_.g.params) cands.push_back(p.name);
      for (const auto& a : aliases_) cands.push_back(a.first);
      const std::string hint = closest_name(t.text, cands);
      fail("NameError: name '" + t.text + "' is not defined" + (hint.empty() ? "" : ". Did you mean: '" + hint + "'?"),
           t.pos);
      return err_pv();
    }
    case Tok::Op:
      if (t.text == "(") {
        Depth d(*this, t.pos);
        if (!d.ok) return err_pv();
        ++i_;
        open_.push_back(t.pos);
        if (op(")")) { fail("tuples are not supported", t.pos); return err_pv(); }
        PV v = expr();
        if (failed(v)) return v;
        if (op(",")) { fail("tuples are not supported", cur().pos); return err_pv(); }
        if (!expect_op(")")) return err_pv();
        open_.pop_back();
        return v;
      }
      break;
    default:
      break;
  }
  syntax_error(t);
  return err_pv();
}

PV Parser::call(const PV& callee) {
  const int open = cur().pos;
  Depth d(*this, open);
  if (!d.ok) return err_pv();
  ++i_;
  open_.push_back(open);
  std::vector<CallArg> args;
  bool seen_kw = false;
  while (!op(")")) {
    CallArg a;
    a.pos = cur().pos;
    if (op("*") || op("**")) { fail("*args and **kwargs are not supported", cur().pos); return err_pv(); }
    if (at(Tok::Name) && !is_keyword(cur().text) && peek_op(1, "=")) {
      a.kw = cur().text;
      for (const CallArg& o : args)
        if (o.kw == a.kw) { fail("SyntaxError: keyword argument repeated: " + a.kw, a.pos); return err_pv(); }
      i_ += 2;
      seen_kw = true;
    } else if (seen_kw) {
      fail("SyntaxError: positional argument follows keyword argument", a.pos);
      return err_pv();
    }
    const int vpos = cur().pos;
    PV v = expr();
    if (failed(v)) return err_pv();
    if (v.kind == PV::Module || v.kind == PV::Func) {
      node_of(v, a.pos);
      return err_pv();
    }
    a.v.kind = v.kind == PV::Str ? Val::Str : v.kind == PV::None ? Val::None : Val::Node;
    a.v.node = v.node;
    a.v.str = v.s;
    a.v.pos = vpos;
    args.push_back(std::move(a));
    if (op(",")) { ++i_; continue; }
    if (!op(")")) {
      if (at(Tok::End)) { fail("SyntaxError: '(' was never closed", open); return err_pv(); }
      syntax_error(cur());
      return err_pv();
    }
  }
  const int close = cur().pos;
  ++i_;
  open_.pop_back();
  return node_pv(b_.call(callee.s, callee.pos, callee.self, args, close), callee.pos);
}

}  // namespace
}  // namespace ex
}  // namespace actlab

namespace actlab {

namespace {

// Byte offset -> character (code point) offset.
int char_pos(const std::string& s, int byte_pos) {
  int n = 0;
  for (int i = 0; i < byte_pos && i < int(s.size()); ++i)
    if ((static_cast<unsigned char>(s[size_t(i)]) & 0xC0) != 0x80) ++n;
  return n;
}
int char_len(const std::string& s) { return char_pos(s, int(s.size())); }

std::unique_ptr<Expr> compile_impl(const std::string& text, ExprError& err) {
  const int len = char_len(text);
  if (len > kExprMaxText) {
    err.message = "expression too long: " + std::to_string(len) + " characters (at most " +
                  std::to_string(kExprMaxText) + ")";
    err.pos = kExprMaxText;
    return nullptr;
  }
  ex::Parser p(text, err);
  if (!p.run()) {
    if (err.message.empty()) err.message = "invalid expression";
    err.pos = char_pos(text, std::max(0, err.pos));
    return nullptr;
  }
  auto impl = std::make_unique<Expr::Impl>();
  impl->g = std::move(p.graph());
  impl->plan = ex::make_plan(impl->g);
  impl->canonical = ex::canonical_text(impl->g);
  // The canonical text can nest deeper or run longer than the source (x.exp().exp()... prints
  // as nested calls): it is kept only when it compiles within the same limits.
  ExprError cerr;
  if (int(char_len(impl->canonical)) > kExprMaxText || !ex::Parser(impl->canonical, cerr).run()) impl->canonical.clear();
  return std::make_unique<Expr>(std::move(impl));
}

}  // namespace

std::unique_ptr<Expr> compile_expr(const std::string& text, ExprError& err) {
  err = ExprError{};
#if defined(__cpp_exceptions)
  try {
    return compile_impl(text, err);
  } catch (...) {
    err.message = "internal error while compiling the expression";
    err.pos = 0;
    return nullptr;
  }
#else
  return compile_impl(text, err);
#endif
}

const std::vector<ExprParam>& expr_params(const Expr& e) { return e.impl().g.params; }
std::string expr_canonical(const Expr& e) { return e.impl().canonical; }

}  // namespace actlab
