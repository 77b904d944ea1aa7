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
#include <algorithm>
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
    if (!indentation(0, out)) return false;
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
        if (c == '\n' && depth == 0 && !indentation(i, out)) return false;
        continue;
      }
      if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(s_[i + 1]))) {
        if (!number(i, out)) return false;
        continue;
      }
      if (is_name_start(c)) {
        size_t j = i;
        while (j < n && is_name_char(s_[j])) ++j;
        if (j < n && (s_[j] == '\'' || s_[j] == '"')) {
          std::string pre = s_.substr(i, j - i);
          for (char& ch : pre) ch = char(ch | 0x20);
          if (pre.find('b') != std::string::npos && pre.size() <= 2)
            return fail("SyntaxError: bytes literals are not supported", i);
          if (pre != "r" && pre != "f" && pre != "u" && pre != "rf" && pre != "fr")
            return fail("SyntaxError: invalid string prefix", i);
          const size_t start = i;
          i = j;
          if (!string(i, out, pre.find('r') != std::string::npos)) return false;
          out.back().pos = int(start);
          out.back().fstring = pre.find('f') != std::string::npos;
          continue;
        }
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
    for (size_t k = 1; k < cols_.size(); ++k) push(Tok::Dedent, "", n, out);
    push(Tok::End, "", n, out);
    // One logical line is an expression as eval() takes it: leading blanks don't count.
    if (!out.empty() && out[0].kind == Tok::Indent) {
      bool newline = false, more = false;
      for (size_t k = 1; k < out.size() && !more; ++k) {
        const Tok t = out[k].kind;
        if (t == Tok::Sep && out[k].text == "\n") newline = true;
        else if (t != Tok::Sep && t != Tok::Dedent && t != Tok::End) more = newline;
      }
      if (!more) {
        out.erase(out.begin());
        out.erase(out.end() - 2);
      }
    }
    return true;
  }

 private:
  // Python's indentation stacks: columns with tabs to multiples of 8, and with tabs as 1 (their
  // disagreement is a TabError).
  std::vector<int> cols_{0}, alts_{0};

  // At the start of a line: Indent / Dedent tokens for the next line with content, or Python's error.
  bool indentation(size_t i, std::vector<Token>& out) {
    const size_t n = s_.size();
    while (i < n) {
      int col = 0, alt = 0;
      size_t j = i;
      for (; j < n; ++j) {
        const char c = s_[j];
        if (c == ' ') { ++col; ++alt; }
        else if (c == '\t') { col = (col / 8 + 1) * 8; ++alt; }
        else if (c == '\f') { col = alt = 0; }
        else break;
      }
      if (j < n && (s_[j] == '\r' || s_[j] == '\n' || s_[j] == '#')) {  // blank or comment-only
        while (j < n && s_[j] != '\n') ++j;
        i = j + 1;
        continue;
      }
      if (j >= n) return true;
      const char* tab = "TabError: inconsistent use of tabs and spaces in indentation";
      if (col == cols_.back()) {
        if (alt != alts_.back()) return fail(tab, j);
      } else if (col > cols_.back()) {
        if (alt <= alts_.back()) return fail(tab, j);
        cols_.push_back(col);
        alts_.push_back(alt);
        push(Tok::Indent, "", j, out);
      } else {
        while (cols_.size() > 1 && col < cols_.back()) {
          cols_.pop_back();
          alts_.pop_back();
          push(Tok::Dedent, "", j, out);
        }
        if (col != cols_.back()) return fail("IndentationError: unindent does not match any outer indentation level", j);
        if (alt != alts_.back()) return fail(tab, j);
      }
      return true;
    }
    return true;
  }

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

  bool string(size_t& i, std::vector<Token>& out, bool raw = false) {
    const size_t start = i, n = s_.size();
    const char q = s_[i++];
    std::string v;
    if (i + 1 < n && s_[i] == q && s_[i + 1] == q) {  // a docstring: its newlines are its own
      i += 2;
      const std::string close(3, q);
      const size_t end = s_.find(close, i);
      if (end == std::string::npos)
        return fail("SyntaxError: unterminated triple-quoted string literal (detected at line " +
                    std::to_string(1 + std::count(s_.begin(), s_.end(), '\n')) + ")", start);
      Token tk;
      tk.kind = Tok::Str;
      tk.text = s_.substr(i, end - i);
      tk.pos = int(start);
      out.push_back(std::move(tk));
      i = end + 3;
      return true;
    }
    while (i < n && s_[i] != q) {
      if (s_[i] == '\n') break;
      if (s_[i] == '\\' && i + 1 < n && s_[i + 1] != '\n') {
        const char e = s_[i + 1];
        if (raw) v += '\\';
        v += raw ? e : e == 'n' ? '\n' : e == 't' ? '\t' : e;
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

// A parsed operand: what Val carries plus the Python objects a pasted program handles: modules,
// functions, its own functions and classes, their instances and methods.
struct PV {
  enum Kind : uint8_t {
    Node, Str, None, Module, Func,
    UserFunc,   // ref: a def
    Class,      // ref: a class
    Instance,   // ref: an instance (nn.Module object)
    Method,     // ref: a def, inst: the instance it is bound to
    Super,      // super() / super(Name, self): only __init__ is reached through it
    Noop,       // super().__init__ and nn.Module.__init__: called for their side effects, none here
    Print,      // print
    NnCtor,     // nn.ELU etc.: s is the functional name
    NnModule,   // an nn.ELU(...) object: ref indexes nnmods_
    MaxResult,  // x.max(dim, keepdim=True): (values, indices), node is values
  } kind = Node;
  int node = -1;
  std::string s;   // Str: the text; Module: canonical path; Func: qualified name
  int self = -1;   // Func: the tensor of a method call x.f(...)
  int pos = 0;
  int ref = -1, inst = -1;
  bool fstring = false;  // Str: an f-string
};

// The program's statements, from the tokens: a simple statement, or a compound one's header
// (up to its ':') with the block under it.
struct Stmt {
  size_t begin = 0, end = 0;  // tokens [begin, end)
  int line = 1;               // 1-based
  bool compound = false;
  std::vector<Stmt> body;
};

struct DefInfo {
  std::string name;
  const Stmt* st = nullptr;
  std::vector<std::string> args;
  std::vector<PV> defaults;     // per arg; kind None with ref == -2: no default
  std::vector<int> arg_pos;
  int cls = -1;                 // a method of this class
};
struct ClassInfo {
  std::string name;
  int line = 1, pos = 0;
  std::map<std::string, int> methods;
  std::map<std::string, PV> attrs;
};
struct InstanceInfo {
  int cls = -1;
  std::map<std::string, PV> attrs;
};
struct NnModuleInfo {
  std::string functional;
  std::vector<std::pair<std::string, PV>> kwargs;  // the constructor's arguments, by name
};

class Parser {
 public:
  Parser(const std::string& text, ExprError& err, const std::string& cls = "")
      : text_(text), err_(err), b_(err), want_cls_(cls) {}

  // On success the builder's graph is complete (root set, compacted).
  bool run() {
    if (!tokenize(text_, toks_, err_)) return false;
    if (!block(top_, true)) return false;
    return program();
  }

  Graph& graph() { return b_.g; }
  std::vector<std::string> classes;   // every class of the paste, in order
  std::string chosen;                 // the class compiled ("" for an expression or a def)
  std::vector<ExprPrint> prints;      // print() output and notes on code not run

 private:
  const std::string& text_;
  ExprError& err_;
  Builder b_;
  std::string want_cls_;
  std::vector<Token> toks_;
  size_t i_ = 0;
  int depth_ = 0;
  bool legacy_ = true;  // an expression program: no def or class
  std::string input_ = "x";
  std::map<std::string, PV> aliases_;  // module-level names: imports, constants, defs, classes
  std::vector<Stmt> top_;
  std::vector<DefInfo> defs_;
  std::vector<ClassInfo> classes_;
  std::vector<InstanceInfo> insts_;
  std::vector<NnModuleInfo> nnmods_;
  struct Frame {
    std::map<std::string, PV> vars;
    int inst = -1;        // self
    int def = -1;
    bool target = false;  // the plotted function's own frame: constants become parameters
    bool returned = false;
    PV ret;
  };
  std::vector<Frame> frames_;
  std::vector<bool> prunable_;  // per parameter: created from a signature or attribute (dropped when unused)
  int steps_ = 0;
  static constexpr int kMaxSteps = 20000;   // statements run, counting calls: bounds nested helpers
  static constexpr int kMaxCallDepth = 32;

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
  int line_of(int pos) const {
    int l = 1;
    for (int k = 0; k < pos && k < int(text_.size()); ++k) l += text_[size_t(k)] == '\n';
    return l;
  }
  bool at_stmt_end(const Stmt& s) const { return i_ == s.end; }
  bool stmt_end(const Stmt& s) { return at_stmt_end(s) ? true : syntax_error(cur()); }

  // -------- structure: statements and blocks (Python's INDENT / DEDENT)
  static bool compound_kw(const Token& t) {
    if (t.kind != Tok::Name) return false;
    for (const char* k : {"def", "class", "if", "elif", "else", "for", "while", "with", "try", "except", "finally", "async"})
      if (t.text == k) return true;
    return false;
  }
  bool line_end() const {
    return at(Tok::End) || at(Tok::Dedent) || at(Tok::Indent) || (at(Tok::Sep) && cur().text == "\n");
  }
  bool block(std::vector<Stmt>& out, bool top) {
    while (true) {
      while (at(Tok::Sep)) ++i_;
      if (at(Tok::End)) return true;
      if (at(Tok::Dedent)) {
        ++i_;
        if (!top) return true;
        continue;
      }
      if (at(Tok::Indent)) return fail("IndentationError: unexpected indent", cur().pos);
      if (!logical_line(out)) return false;
    }
  }
  bool logical_line(std::vector<Stmt>& out) {
    if (compound_kw(cur())) return compound(out);
    while (true) {
      Stmt st;
      st.begin = i_;
      st.line = line_of(cur().pos);
      while (!at(Tok::Sep) && !at(Tok::End) && !at(Tok::Dedent) && !at(Tok::Indent)) ++i_;
      st.end = i_;
      out.push_back(st);
      if (at(Tok::Sep) && cur().text == ";") {
        ++i_;
        if (line_end()) return true;
        if (compound_kw(cur())) return syntax_error(cur());
        continue;
      }
      return true;
    }
  }
  bool compound(std::vector<Stmt>& out) {
    Stmt st;
    st.begin = i_;
    st.compound = true;
    st.line = line_of(cur().pos);
    const std::string what = cur().text == "def" ? "function definition"
                           : cur().text == "class" ? "class definition" : "'" + cur().text + "' statement";
    int depth = 0;
    size_t j = i_;
    for (; toks_[j].kind != Tok::Sep && toks_[j].kind != Tok::End; ++j) {
      const Token& t = toks_[j];
      if (t.kind != Tok::Op) continue;
      if (t.text == "(" || t.text == "[" || t.text == "{") ++depth;
      else if (t.text == ")" || t.text == "]" || t.text == "}") --depth;
      else if (t.text == ":" && depth == 0) break;
    }
    if (toks_[j].kind != Tok::Op) return fail("SyntaxError: expected ':'", toks_[j].pos);
    st.end = j;
    i_ = j + 1;
    if ((at(Tok::Sep) && cur().text == "\n") || at(Tok::End)) {
      while (at(Tok::Sep)) ++i_;
      if (!at(Tok::Indent))
        return fail("IndentationError: expected an indented block after " + what + " on line " + std::to_string(st.line),
                    cur().pos);
      ++i_;
      if (!block(st.body, false)) return false;
    } else if (!logical_line(st.body)) {  // the body on the header's line
      return false;
    }
    out.push_back(std::move(st));
    return true;
  }

  // -------- running the program
  bool step(int pos) {
    if (++steps_ <= kMaxSteps) return true;
    return fail("program too large to run: more than " + std::to_string(kMaxSteps) +
                " statements executed (functions calling functions)", pos);
  }
  void note(const Stmt& s, const std::string& why) {
    prints.push_back({s.line, "line " + std::to_string(s.line) + " not run: " + why, true});
  }
  bool is_kw_at(size_t k, const char* w) const { return toks_[k].kind == Tok::Name && toks_[k].text == w; }

  bool program() {
    bool defs = false;
    for (const Stmt& s : top_)
      if (s.compound && (is_kw_at(s.begin, "def") || is_kw_at(s.begin, "class"))) defs = true;
    legacy_ = !defs;
    int root = -1;
    bool seen_def = false;
    for (const Stmt& s : top_) {
      i_ = s.begin;
      if (!step(cur().pos)) return false;
      if (root >= 0)
        return fail("only the last statement can be the expression; parameters ('alpha = 1.0') come first", cur().pos);
      if (s.compound) {
        if (kw("def")) {
          if (define_function(s, -1) < 0) return false;
          seen_def = true;
        } else if (kw("class")) {
          if (!define_class(s)) return false;
          seen_def = true;
        } else if (defs) {
          note(s, "top-level '" + cur().text + "' statement (actlab runs the definitions)");
        } else {
          return unsupported_compound(s);
        }
        continue;
      }
      if (s.begin == s.end) continue;
      if (kw("import") || kw("from")) {
        if (!import_stmt() || !stmt_end(s)) return false;
        continue;
      }
      if (defs) {
        if (!module_level(s, seen_def)) return false;
        continue;
      }
      if (!legacy_stmt(s, root)) return false;
    }
    if (legacy_) {
      if (root < 0)
        return fail("no expression: the last statement must be an expression in x, e.g. x * torch.sigmoid(x)",
                    int(text_.size()));
      return finish(root);
    }
    return run_target();
  }

  // A statement of an expression program: parameters, temporaries, print(), the expression.
  bool legacy_stmt(const Stmt& s, int& root) {
    const Token& t = cur();
    if (t.kind == Tok::Name && !is_keyword(t.text) && peek_op(1, "=") && peek_kw(2, "lambda")) {
      i_ += 2;
      root = final_expr();
      return root >= 0 && stmt_end(s);
    }
    if (assignment_at(s) != s.end || kw("assert") || kw("pass")) return exec_simple(s);
    const bool print = kw("print");
    if (print) {
      PV v = expr();
      return !failed(v) && stmt_end(s);
    }
    root = final_expr();
    return root >= 0 && stmt_end(s);
  }

  // Module-level code of a program with definitions: constants and imports run; other code (a
  // usage example, plotting) is reported as not run.
  bool module_level(const Stmt& s, bool after_defs) {
    const size_t eq = assignment_at(s);
    if (kw("print") || (at(Tok::Str) && peek(1).kind == Tok::Sep) || kw("pass") || kw("assert")) return exec_simple(s);
    if (eq == s.end || toks_[s.begin].kind != Tok::Name || eq != s.begin + 1) {
      note(s, after_defs ? "code after the definitions (actlab runs the definitions)" : "module-level code");
      return true;
    }
    // NAME = value: tried; what fails to evaluate here (torch.linspace, plotting) is not run
    const ExprError saved = err_;
    if (exec_simple(s)) return true;
    err_ = saved;
    note(s, "module-level code");
    return true;
  }

  // The token index of an assignment's '=' at bracket depth 0 in s, or s.end.
  size_t assignment_at(const Stmt& s) const {
    int depth = 0;
    for (size_t k = s.begin; k < s.end; ++k) {
      const Token& t = toks_[k];
      if (t.kind == Tok::Name && t.text == "lambda") return s.end;
      if (t.kind != Tok::Op) continue;
      if (t.text == "(" || t.text == "[" || t.text == "{") ++depth;
      else if (t.text == ")" || t.text == "]" || t.text == "}") --depth;
      else if (t.text == "=" && depth == 0) return k;
    }
    return s.end;
  }

  bool unsupported_compound(const Stmt& s) {
    const Token& t = toks_[s.begin];
    const std::string k = t.text;
    if (k == "elif" || k == "else") return fail("SyntaxError: invalid syntax: '" + k + "' without an 'if'", t.pos);
    if (k == "if")
      return fail("'if' statements are not supported here: a Python if can't choose per element; use "
                  "torch.where(condition, a, b)", t.pos);
    if (k == "for" || k == "while")
      return fail("'" + k + "' loops are not supported: write the operations out", t.pos);
    if (k == "class") return fail("a class inside a function is not supported", t.pos);
    return fail("'" + k + "' blocks are not supported", t.pos);
  }

  // def NAME(args): stores the function (defaults evaluated now, as Python does). Returns its index.
  int define_function(const Stmt& s, int cls) {
    i_ = s.begin + 1;
    if (!at(Tok::Name) || is_keyword(cur().text)) return syntax_error(cur()), -1;
    DefInfo d;
    d.name = cur().text;
    d.st = &s;
    d.cls = cls;
    const int npos = cur().pos;
    ++i_;
    if (!expect_op("(")) return -1;
    while (!op(")")) {
      if (op("*") || op("**")) return bad("*args and **kwargs are not supported", cur().pos);
      if (op("/")) { ++i_; if (op(",")) ++i_; continue; }
      if (!at(Tok::Name) || is_keyword(cur().text)) return syntax_error(cur()), -1;
      for (const std::string& a : d.args)
        if (a == cur().text)
          return bad("SyntaxError: duplicate argument '" + a + "' in function definition", cur().pos);
      d.args.push_back(cur().text);
      d.arg_pos.push_back(cur().pos);
      ++i_;
      if (op(":")) {  // an annotation: skipped
        ++i_;
        int depth = 0;
        while (!at(Tok::End) && !at(Tok::Sep) && !(depth == 0 && (op(",") || op("=") || op(")")))) {
          if (op("(") || op("[")) ++depth;
          if (op(")") || op("]")) --depth;
          ++i_;
        }
      }
      PV def;
      def.kind = PV::None;
      def.ref = -2;
      if (op("=")) {
        ++i_;
        def = expr();
        if (failed(def)) return -1;
      } else if (!d.defaults.empty() && d.defaults.back().ref != -2) {
        return bad("SyntaxError: non-default argument follows default argument", d.arg_pos.back());
      }
      d.defaults.push_back(def);
      if (op(",")) { ++i_; continue; }
      if (!op(")")) return syntax_error(cur()), -1;
    }
    ++i_;
    if (op("->")) i_ = s.end;  // a return annotation: skipped
    if (i_ != s.end) return syntax_error(cur()), -1;
    defs_.push_back(std::move(d));
    const int id = int(defs_.size()) - 1;
    if (cls < 0) {
      PV f;
      f.kind = PV::UserFunc;
      f.ref = id;
      f.pos = npos;
      if (!bind(defs_[size_t(id)].name, f, npos)) return -1;
    }
    return id;
  }

  bool define_class(const Stmt& s) {
    i_ = s.begin + 1;
    if (!at(Tok::Name) || is_keyword(cur().text)) return syntax_error(cur());
    ClassInfo c;
    c.name = cur().text;
    c.line = s.line;
    c.pos = cur().pos;
    ++i_;
    if (op("(")) {
      ++i_;
      const int bpos = cur().pos;
      PV base = op(")") ? PV{} : expr();
      if (failed(base) && !op(")")) return false;
      if (!(base.kind == PV::Module && base.s == "torch.nn.Module")) {
        return fail("class " + c.name + " must derive from nn.Module (class " + c.name + "(nn.Module):)", bpos);
      }
      if (!expect_op(")")) return false;
    } else {
      return fail("class " + c.name + " must derive from nn.Module (class " + c.name + "(nn.Module):)", cur().pos);
    }
    if (i_ != s.end) return syntax_error(cur());
    classes_.push_back(c);
    classes.push_back(c.name);
    const int id = int(classes_.size()) - 1;
    for (const Stmt& b : s.body) {
      i_ = b.begin;
      if (b.compound) {
        if (!kw("def")) return unsupported_compound(b);
        const int d = define_function(b, id);
        if (d < 0) return false;
        classes_[size_t(id)].methods[defs_[size_t(d)].name] = d;
        continue;
      }
      if (b.begin == b.end || kw("pass") || (at(Tok::Str) && b.end == b.begin + 1)) continue;  // docstring
      const size_t eq = assignment_at(b);
      if (eq != b.begin + 1 || toks_[b.begin].kind != Tok::Name)
        return fail("only methods and constants (name = value) are supported in a class body", cur().pos);
      i_ = eq + 1;
      PV v = expr();
      if (failed(v) || !stmt_end(b)) return false;
      classes_[size_t(id)].attrs[toks_[b.begin].text] = v;
    }
    PV k;
    k.kind = PV::Class;
    k.ref = id;
    k.pos = c.pos;
    return bind(c.name, k, c.pos);
  }

  // The plotted function: the chosen class's forward, or the last def, called on the input.
  bool run_target() {
    PV input = node_pv(b_.input(0), 0);
    PV out;
    if (!classes_.empty() || !want_cls_.empty()) {
      int c = -1;
      for (size_t k = 0; k < classes_.size(); ++k) {
        if (!want_cls_.empty() ? classes_[k].name == want_cls_ : classes_[k].methods.count("forward") > 0) {
          c = int(k);
          break;
        }
      }
      if (c < 0 && want_cls_.empty()) c = 0;
      if (c < 0) {
        std::string have;
        for (const auto& k : classes_) have += (have.empty() ? "'" : ", '") + k.name + "'";
        return fail("no class named '" + want_cls_ + "' in the source" + (have.empty() ? "" : "; it defines " + have), 0);
      }
      const ClassInfo& k = classes_[size_t(c)];
      chosen = k.name;
      auto fw = k.methods.find("forward");
      if (fw == k.methods.end())
        return fail("class " + k.name + " has no forward(self, x) method: nothing to plot", k.pos);
      const int inst = instantiate(c, {}, true, k.pos);
      if (inst < 0) return false;
      out = call_user(fw->second, {{"", input}}, inst, true, k.pos);
    } else {
      int d = -1;
      for (size_t k = 0; k < defs_.size(); ++k)
        if (defs_[k].cls < 0) d = int(k);
      out = call_user(d, {{"", input}}, -1, true, defs_[size_t(d)].arg_pos.empty() ? 0 : defs_[size_t(d)].arg_pos[0]);
    }
    if (failed(out)) return false;
    if (out.kind == PV::None)
      return fail("forward() returned None: it must return a tensor (is a 'return' missing?)", out.pos);
    const int r = node_of(out, out.pos);
    return r >= 0 && finish(r);
  }

  bool finish(int root) { return b_.finish(root, prunable_); }

  // A new instance of class c with __init__ run on args. target: the plotted instance, whose
  // defaults and constant attributes become parameters.
  int instantiate(int c, const std::vector<std::pair<std::string, PV>>& args, bool target, int pos) {
    InstanceInfo in;
    in.cls = c;
    insts_.push_back(in);
    const int id = int(insts_.size()) - 1;
    const ClassInfo& k = classes_[size_t(c)];
    auto init = k.methods.find("__init__");
    if (init == k.methods.end()) {
      if (!args.empty()) return bad("TypeError: " + k.name + "() takes no arguments", pos);
      return id;
    }
    PV r = call_user(init->second, args, id, target, pos);
    if (failed(r)) return -1;
    return id;
  }

  // Runs a def in a new frame with args bound as Python binds them (self first for a method).
  PV call_user(int d, const std::vector<std::pair<std::string, PV>>& args, int inst, bool target, int pos) {
    if (d < 0) { fail("no function to plot", pos); return err_pv(); }
    if (int(frames_.size()) >= kMaxCallDepth) { fail("RecursionError: maximum recursion depth exceeded", pos); return err_pv(); }
    const DefInfo def = defs_[size_t(d)];
    Frame f;
    f.inst = inst;
    f.def = d;
    f.target = target;
    size_t k = 0;
    std::vector<bool> given(def.args.size(), false);
    if (def.cls >= 0) {
      if (def.args.empty()) { fail("TypeError: " + def.name + "() takes 0 positional arguments but 1 was given", pos); return err_pv(); }
      PV self;
      self.kind = PV::Instance;
      self.ref = inst;
      f.vars[def.args[0]] = self;
      given[0] = true;
      k = 1;
    }
    const std::string who = (def.cls >= 0 ? classes_[size_t(def.cls)].name + "." : "") + def.name + "()";
    for (const auto& a : args) {
      if (a.first.empty()) {
        if (k >= def.args.size()) {
          fail("TypeError: " + who + " takes " + std::to_string(def.args.size()) + " positional arguments but " +
               std::to_string(args.size() + (def.cls >= 0)) + " were given", a.second.pos);
          return err_pv();
        }
        f.vars[def.args[k]] = a.second;
        given[k++] = true;
        continue;
      }
      size_t idx = def.args.size();
      for (size_t j = 0; j < def.args.size(); ++j)
        if (def.args[j] == a.first) idx = j;
      if (idx == def.args.size()) {
        fail("TypeError: " + who + " got an unexpected keyword argument '" + a.first + "'", a.second.pos);
        return err_pv();
      }
      if (given[idx]) { fail("TypeError: " + who + " got multiple values for argument '" + a.first + "'", a.second.pos); return err_pv(); }
      f.vars[def.args[idx]] = a.second;
      given[idx] = true;
    }
    for (size_t j = 0; j < def.args.size(); ++j) {
      if (given[j]) continue;
      const PV& dv = def.defaults[j];
      if (dv.kind == PV::None && dv.ref == -2) {
        std::string hint = target ? " (give it a default, e.g. " + def.args[j] + "=1.0, to plot it)" : "";
        fail("TypeError: " + who + " missing 1 required positional argument: '" + def.args[j] + "'" + hint, pos);
        return err_pv();
      }
      PV v = dv;
      if (target && v.kind == PV::Node && is_number_const(v.node) && def.args[j] != "dim") {
        const int p = new_param(def.args[j], v.node, def.arg_pos[j]);
        if (p == -1) return err_pv();
        if (p >= 0) v = node_pv(p, def.arg_pos[j]);
      }
      f.vars[def.args[j]] = v;
    }
    frames_.push_back(std::move(f));
    const size_t resume = i_;  // the caller's place in its statement
    const bool ok = exec_body(def.st->body);
    i_ = resume;
    PV ret = frames_.back().ret;
    const bool returned = frames_.back().returned;
    frames_.pop_back();
    if (!ok) return err_pv();
    if (!returned) { PV none; none.kind = PV::None; none.pos = pos; return none; }
    return ret;
  }

  bool is_number_const(int n) const {
    const Node& N = b_.g.nodes[size_t(n)];
    return N.op == Op::Const && !N.tensor && !N.boolean && std::isfinite(N.value);
  }

  // A parameter named `name` with the constant's value as its default; -2 when the name is taken
  // (the constant stays a constant), -1 on error.
  int new_param(const std::string& name, int cnode, int pos) {
    for (const ExprParam& p : b_.g.params)
      if (p.name == name) return -2;
    if (int(b_.g.params.size()) >= kExprMaxParams)
      return bad("too many parameters: at most " + std::to_string(kExprMaxParams), pos);
    const Node& n = b_.g.nodes[size_t(cnode)];
    ExprParam p;
    p.name = name;
    p.def = n.value;
    const double twice = std::max(-DBL_MAX, std::min(DBL_MAX, 2 * p.def));
    p.lo = p.def == 0 ? -1 : std::min(0.0, twice);
    p.hi = p.def == 0 ? 1 : std::max(0.0, twice);
    b_.g.params.push_back(p);
    prunable_.resize(b_.g.params.size() - 1, false);
    prunable_.push_back(true);
    return b_.param(int(b_.g.params.size()) - 1, pos);
  }

  bool exec_body(const std::vector<Stmt>& body) {
    for (size_t k = 0; k < body.size(); ++k) {
      const Stmt& s = body[k];
      i_ = s.begin;
      if (!step(cur().pos)) return false;
      if (s.compound) {
        if (kw("def")) {
          const int d = define_function(s, -1);
          if (d < 0) return false;
          continue;
        }
        if (kw("if")) {  // the chain: if, elif..., else
          const Stmt* taken = nullptr;
          size_t j = k;
          for (; j < body.size(); ++j) {
            const Stmt& b = body[j];
            const bool head = j == k;
            if (!b.compound || (!head && !is_kw_at(b.begin, "elif") && !is_kw_at(b.begin, "else"))) break;
            if (!head && is_kw_at(b.begin, "else")) {
              if (!taken) taken = &b;
              ++j;
              break;
            }
            if (!taken) {
              bool truth = false;
              if (!condition(b, truth)) return false;
              if (truth) taken = &b;
            }
          }
          if (taken && !exec_body(taken->body)) return false;
          k = j - 1;
          if (!frames_.empty() && frames_.back().returned) break;
          continue;
        }
        return unsupported_compound(s);
      }
      if (!exec_simple(s)) return false;
      if (!frames_.empty() && frames_.back().returned) break;
    }
    return true;
  }

  // An if / elif condition on Python values known when the function is compiled (a flag such as
  // self.inplace, a string, None): a tensor or a slider's value would need a branch per element or
  // per call, so those are refused.
  bool condition(const Stmt& b, bool& truth) {
    i_ = b.begin + 1;
    const int pos = cur().pos;
    PV v = expr();
    if (failed(v)) return false;
    if (i_ != b.end) return syntax_error(cur());
    switch (v.kind) {
      case PV::None: truth = false; return true;
      case PV::Str: truth = !v.s.empty(); return true;
      case PV::Node: break;
      default: truth = true; return true;  // modules, functions, objects
    }
    const Node& n = b_.g.nodes[size_t(v.node)];
    if (n.tensor)
      return fail("'if' on a tensor is not supported: a Python if can't choose per element; use "
                  "torch.where(condition, a, b)", pos);
    if (n.op != Op::Const)
      return fail("'if' on a parameter is not supported: the branch would stay the one its default picks as the "
                  "slider moves; use torch.where(condition, a, b)", pos);
    truth = n.value != 0;
    return true;
  }

  bool exec_simple(const Stmt& s) {
    i_ = s.begin;
    if (s.begin == s.end || kw("pass")) return true;
    if (kw("import") || kw("from")) return import_stmt() && stmt_end(s);
    if (kw("return")) {
      if (frames_.empty()) return fail("SyntaxError: 'return' outside function", cur().pos);
      const int rpos = cur().pos;
      ++i_;
      PV v;
      v.kind = PV::None;
      v.pos = rpos;
      if (!at_stmt_end(s)) {
        v = expr();
        if (failed(v)) return false;
        if (op(",")) return fail("returning a tuple is not supported: forward must return one tensor", cur().pos);
      }
      if (!stmt_end(s)) return false;
      frames_.back().ret = v;
      frames_.back().returned = true;
      return true;
    }
    if (kw("assert")) return assert_stmt(s);
    for (const char* k : {"del", "global", "nonlocal", "raise", "yield", "break", "continue", "await"})
      if (kw(k)) return fail("'" + std::string(k) + "' statements are not supported", cur().pos);
    for (size_t k = s.begin; k < s.end; ++k) {
      const Token& t = toks_[k];
      if (t.kind == Tok::Op && t.text.size() >= 2 && t.text.back() == '=' && t.text != "==" && t.text != "<=" &&
          t.text != ">=" && t.text != "!=")
        return fail("augmented assignment ('" + t.text + "') is an in-place operation on tensors; write it out, e.g. "
                    "y = y " + t.text.substr(0, t.text.size() - 1) + " ...", t.pos);
    }
    const size_t eq = assignment_at(s);
    if (eq != s.end) return assign(s, eq);
    PV v = expr();
    return !failed(v) && stmt_end(s);
  }

  bool assert_stmt(const Stmt& s) {
    const int apos = cur().pos;
    ++i_;
    PV c = expr();
    if (failed(c)) return false;
    std::string msg;
    if (op(",")) {
      ++i_;
      PV m = expr();
      if (failed(m)) return false;
      if (m.kind == PV::Str) msg = m.fstring ? fstring_text(m.s, m.pos) : m.s;
      else if (m.kind == PV::Node && b_.g.nodes[size_t(m.node)].op == Op::Const) msg = py_number(b_.g.nodes[size_t(m.node)].value, b_.g.nodes[size_t(m.node)].integer);
      else return fail("an assert's message must be a string", m.pos);
    }
    if (!stmt_end(s)) return false;
    if (c.kind == PV::Str) return true;  // a non-empty string is true
    const int n = node_of(c, apos);
    if (n < 0) return false;
    if (b_.g.nodes[size_t(n)].tensor)
      return fail("assert on a tensor is not supported: a check per element can't stop a plot; assert on "
                  "parameters (assert self.alpha > 0)", c.pos);
    b_.g.checks.push_back({n, msg.empty() ? "AssertionError" : "AssertionError: " + msg, apos});
    if (b_.value(n) == 0) return fail(b_.g.checks.back().message, apos);
    return true;
  }

  // name = value, self.attr = value (a constant becomes a parameter in the plotted function).
  bool assign(const Stmt& s, size_t eq) {
    for (size_t k = eq + 1; k < s.end; ++k) {
      const Token& t = toks_[k];
      if (t.kind == Tok::Op && t.text == "=" && assignment_at(Stmt{k + 1, s.end, s.line, false, {}}) == s.end) {
        bool top = true;  // only at depth 0
        int depth = 0;
        for (size_t j = eq + 1; j < k; ++j) {
          const Token& u = toks_[j];
          if (u.kind == Tok::Op && (u.text == "(" || u.text == "[" || u.text == "{")) ++depth;
          if (u.kind == Tok::Op && (u.text == ")" || u.text == "]" || u.text == "}")) --depth;
        }
        top = depth == 0;
        if (top) return fail("chained assignment ('a = b = ...') is not supported", t.pos);
      }
    }
    const Token& t0 = toks_[s.begin];
    for (size_t k = s.begin; k < eq; ++k) {
      const Token& t = toks_[k];
      if (t.kind == Tok::Op && t.text == ",")
        return fail("tuple unpacking ('a, b = ...') is not supported", t.pos);
      if (t.kind == Tok::Op && t.text == "[")
        return fail("indexed assignment ('x[...] = ...') is an in-place operation; use torch.where(mask, value, x)",
                    t.pos);
    }
    if (t0.kind != Tok::Name || is_keyword(t0.text)) return syntax_error(t0);
    std::string attr;
    int apos = t0.pos;
    size_t after = s.begin + 1;
    if (after < eq && toks_[after].kind == Tok::Op && toks_[after].text == ".") {
      if (after + 2 != eq || toks_[after + 1].kind != Tok::Name) return syntax_error(toks_[after + 1]);
      attr = toks_[after + 1].text;
      apos = toks_[after + 1].pos;
    } else if (after < eq && toks_[after].kind == Tok::Op && toks_[after].text == ":") {
      // an annotated name (alpha: float = 1.0): the annotation is skipped
    } else if (after != eq) {
      return syntax_error(toks_[after]);
    }
    i_ = eq + 1;
    const int vpos = cur().pos;
    if (kw("lambda")) return fail("lambda is only allowed as the whole expression: lambda x: ...", vpos);
    PV v = expr();
    if (failed(v) || !stmt_end(s)) return false;
    if (attr.empty()) return assign_name(t0.text, v, t0.pos, vpos);
    // obj.attr = v: obj must be an instance (self)
    PV obj = lookup(t0.text, t0.pos);
    if (failed(obj)) return false;
    if (obj.kind != PV::Instance)
      return fail("AttributeError: can't set attribute '" + attr + "' on " + describe(obj), apos);
    if (!frames_.empty() && frames_.back().target && v.kind == PV::Node && is_number_const(v.node) &&
        !b_.g.nodes[size_t(v.node)].boolean && attr != "dim") {
      const int p = new_param(attr, v.node, apos);
      if (p == -1) return false;
      if (p >= 0) v = node_pv(p, apos);
    }
    insts_[size_t(obj.ref)].attrs[attr] = v;
    return true;
  }

  bool assign_name(const std::string& name, PV v, int npos, int vpos) {
    const bool module_level = frames_.empty();
    const bool number = v.kind == PV::Node && is_number_const(v.node);
    if (module_level && legacy_) {
      if (number) {
        if (name == input_ || name == "torch" || name == "math" || name == "F" || name == "abs")
          return fail("cannot use '" + name + "' as a parameter name", npos);
        for (const ExprParam& p : b_.g.params)
          if (p.name == name) return fail("parameter '" + name + "' is already defined", npos);
        if (aliases_.count(name)) return fail("'" + name + "' is already defined above: a parameter needs a name of its own", npos);
        const Node& n = b_.g.nodes[size_t(v.node)];
        if (!std::isfinite(n.value)) return fail("parameter '" + name + "' needs a finite default", vpos);
        if (int(b_.g.params.size()) >= kExprMaxParams)
          return fail("too many parameters: at most " + std::to_string(kExprMaxParams), npos);
        const int p = new_param(name, v.node, npos);
        if (p < 0) return false;
        prunable_.back() = false;
        return bind(name, node_pv(p, npos), npos);
      }
      if (v.kind == PV::Node && v.node >= 0 && b_.g.nodes[size_t(v.node)].op == Op::Const &&
          !b_.g.nodes[size_t(v.node)].boolean)
        return fail("parameter '" + name + "' needs a finite default", vpos);
      return bind(name, v, npos);
    }
    if (number && (module_level || frames_.back().target)) {
      const int p = new_param(name, v.node, npos);
      if (p == -1) return false;
      if (p >= 0) {
        if (module_level) prunable_.back() = false;
        v = node_pv(p, npos);
      }
    }
    return bind(name, v, npos);
  }

  bool bind(const std::string& name, const PV& v, int) {
    if (frames_.empty()) aliases_[name] = v;
    else frames_.back().vars[name] = v;
    return true;
  }

  std::string describe(const PV& v) const {
    switch (v.kind) {
      case PV::Str: return "a str";
      case PV::None: return "None";
      case PV::Module: return "module '" + v.s + "'";
      case PV::Node: return b_.g.nodes[size_t(v.node)].tensor ? "a Tensor" : "a number";
      default: return "this object";
    }
  }

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
      return m == "torch" || m == "torch.nn" || m == "torch.nn.functional" || m == "math" || m == "numpy";
    };
    if (!known_module(path))
      return fail("ModuleNotFoundError: only torch, torch.nn, torch.nn.functional, math and numpy can be imported "
                  "(they are available without importing, as torch, nn, F, math and np)", ppos);
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
          return fail("ModuleNotFoundError: only torch, torch.nn, torch.nn.functional, math and numpy can be imported",
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
    if (legacy_ && name.text == input_) return fail("cannot rebind '" + name.text + "': it is the input", name.pos);
    return bind(name.text, v, name.pos);
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
      case PV::UserFunc: case PV::Method:
        return bad("'" + defs_[size_t(v.ref)].name + "' is a function: call it", v.pos);
      case PV::Class: return bad("class '" + classes_[size_t(v.ref)].name + "' is not a value: create and call it, e.g. " +
                                 classes_[size_t(v.ref)].name + "()(x)", v.pos);
      case PV::Instance: case PV::NnModule:
        return bad("a module is not a value: call it on a tensor, e.g. self.act(x)", v.pos);
      case PV::MaxResult:
        return bad("max(dim=...) returns (values, indices): take .values or [0]", v.pos);
      default: break;
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
  PV builtin_call(const PV& callee, const std::vector<std::pair<std::string, PV>>& pargs, const std::vector<int>& apos,
                  int close);
  PV lookup(const std::string& name, int pos);
  PV reduction(const PV& callee, const std::vector<std::pair<std::string, PV>>& pargs, int close);
  bool object_attr(PV& v, const Token& name);
  std::string print_text(const PV& v);
  std::string fstring_text(const std::string& t, int pos);
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
    const bool text = a.kind == PV::Str || a.kind == PV::None || b.kind == PV::Str || b.kind == PV::None;
    if (text && (std::string(c) == "==" || std::string(c) == "!=")) {
      // Python's == on strings and None (self.kind == 'relu'): a bool known now.
      const bool eq = a.kind == b.kind && (a.kind == PV::None || a.s == b.s);
      return node_pv(b_.constant((std::string(c) == "==") == eq ? 1 : 0, true, true, pos), a.pos);
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

PV Parser::lookup(const std::string& name, int pos) {
  auto found = [&](PV v) { v.pos = pos; return v; };
  if (!frames_.empty()) {
    auto it = frames_.back().vars.find(name);
    if (it != frames_.back().vars.end()) return found(it->second);
  }
  auto al = aliases_.find(name);
  if (al != aliases_.end()) return found(al->second);
  if (legacy_ && frames_.empty() && name == input_) return node_pv(b_.input(pos), pos);
  PV m;
  m.kind = PV::Module;
  m.pos = pos;
  if (name == "torch" || name == "math") { m.s = name; return m; }
  if (name == "F") { m.s = "torch.nn.functional"; return m; }
  if (name == "nn") { m.s = "torch.nn"; return m; }
  if (name == "np" || name == "numpy") { m.s = "numpy"; return m; }
  m.kind = PV::Func;
  if (name == "abs" || name == "super" || name == "float") { m.s = name; return m; }
  if (name == "print") { m.kind = PV::Print; return m; }
  std::vector<std::string> cands{"torch", "math", "F", "nn", "np", "abs", "print"};
  if (legacy_) cands.push_back(input_);
  if (!frames_.empty())
    for (const auto& v : frames_.back().vars) cands.push_back(v.first);
  for (const auto& a : aliases_) cands.push_back(a.first);
  std::string hint = closest_name(name, cands);
  if (!frames_.empty() && frames_.back().inst >= 0) {
    const InstanceInfo& in = insts_[size_t(frames_.back().inst)];
    const ClassInfo& k = classes_[size_t(in.cls)];
    if (in.attrs.count(name) || k.attrs.count(name) || k.methods.count(name)) {
      for (const auto& v : frames_.back().vars)
        if (v.second.kind == PV::Instance && v.second.ref == frames_.back().inst) hint = v.first + "." + name;
    }
  }
  fail("NameError: name '" + name + "' is not defined" + (hint.empty() ? "" : ". Did you mean: '" + hint + "'?"), pos);
  return err_pv();
}

// obj.name for the program's objects: instances (self.alpha), super(), nn.Module, nn.ELU.
bool Parser::object_attr(PV& v, const Token& name) {
  if (v.kind == PV::Instance) {
    const InstanceInfo& in = insts_[size_t(v.ref)];
    const ClassInfo& k = classes_[size_t(in.cls)];
    auto a = in.attrs.find(name.text);
    if (a != in.attrs.end()) { v = a->second; v.pos = name.pos; return true; }
    auto m = k.methods.find(name.text);
    if (m != k.methods.end()) {
      const int inst = v.ref;
      v = PV{};
      v.kind = PV::Method;
      v.ref = m->second;
      v.inst = inst;
      v.pos = name.pos;
      return true;
    }
    auto c = k.attrs.find(name.text);
    if (c != k.attrs.end()) { v = c->second; v.pos = name.pos; return true; }
    if (name.text == "training") { v = node_pv(b_.constant(0, true, true, name.pos), name.pos); return true; }
    std::vector<std::string> cands;
    for (const auto& x : in.attrs) cands.push_back(x.first);
    for (const auto& x : k.methods) cands.push_back(x.first);
    const std::string hint = closest_name(name.text, cands);
    return fail("AttributeError: '" + k.name + "' object has no attribute '" + name.text + "'" +
                (hint.empty() ? "" : ". Did you mean: '" + hint + "'?"), name.pos);
  }
  if (v.kind == PV::Super || (v.kind == PV::Module && v.s == "torch.nn.Module")) {
    if (name.text == "__init__") { v = PV{}; v.kind = PV::Noop; v.pos = name.pos; return true; }
    return fail("AttributeError: '" + std::string(v.kind == PV::Super ? "super" : "Module") +
                "' object has no attribute '" + name.text + "'", name.pos);
  }
  if (v.kind == PV::Class) {
    const ClassInfo& k = classes_[size_t(v.ref)];
    auto c = k.attrs.find(name.text);
    if (c != k.attrs.end()) { v = c->second; v.pos = name.pos; return true; }
    auto m = k.methods.find(name.text);
    if (m != k.methods.end()) { v = PV{}; v.kind = PV::UserFunc; v.ref = m->second; v.pos = name.pos; return true; }
    return fail("AttributeError: type object '" + k.name + "' has no attribute '" + name.text + "'", name.pos);
  }
  if (v.kind == PV::Module && v.s == "torch.nn") {
    if (name.text == "Module") { v.s = "torch.nn.Module"; v.pos = name.pos; return true; }
    if (name.text == "Parameter") { v.kind = PV::Func; v.s = "torch.nn.Parameter"; v.pos = name.pos; return true; }
    for (const FSig& s : fsigs()) {
      if (s.fn->name != name.text) continue;
      v = PV{};
      v.kind = PV::NnCtor;
      v.s = s.fn->functional;
      v.pos = name.pos;
      return true;
    }
  }
  if (v.kind == PV::MaxResult) {
    if (name.text == "values") { v = node_pv(v.node, name.pos); return true; }
    if (name.text == "indices") return fail("indices are not supported: they are integers, not a function of x", name.pos);
  }
  return false;
}

PV Parser::primary() {
  PV v = atom();
  while (!failed(v)) {
    if (op(".")) {
      ++i_;
      if (!at(Tok::Name) || is_keyword(cur().text)) { syntax_error(cur()); return err_pv(); }
      const Token name = cur();
      ++i_;
      if (v.kind == PV::Instance || v.kind == PV::Super || v.kind == PV::Class || v.kind == PV::MaxResult ||
          (v.kind == PV::Module && (v.s == "torch.nn.Module" ||
                                     (v.s == "torch.nn" && name.text != "functional")))) {
        const bool ok = object_attr(v, name);
        if (!ok && err_.message.empty()) {
          fail("AttributeError: module '" + v.s + "' has no attribute '" + name.text + "'", name.pos);
        }
        if (!ok) return err_pv();
        continue;
      }
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
      if (v.kind == PV::Node && b_.g.nodes[size_t(v.node)].tensor) {
        const std::string& m = name.text;
        if (m.size() > 1 && m.back() == '_' && m[m.size() - 2] != '_') {
          fail("in-place operation 'Tensor." + m + "' is not supported: it would overwrite the tensor; use x." +
               m.substr(0, m.size() - 1) + "(...)", name.pos);
          return err_pv();
        }
        if (is_method(m)) {
          PV f;
          f.kind = PV::Func;
          f.s = "torch." + m;
          f.self = v.node;
          f.pos = name.pos;
          v = f;
          continue;
        }
      }
      std::string type = v.kind == PV::Str ? "str" : v.kind == PV::None ? "NoneType"
                       : v.kind == PV::Node ? (b_.g.nodes[size_t(v.node)].tensor ? "Tensor" : "float")
                       : "builtin_function_or_method";
      const std::string hint = type == "Tensor" ? suggest_attr("Tensor", name.text) : "";
      fail("AttributeError: '" + type + "' object has no attribute '" + name.text + "'" +
           (hint.empty() ? "" : ". Did you mean: '" + hint + "'?"), name.pos);
      return err_pv();
    }
    if (op("(")) {
      if (v.kind == PV::Node || v.kind == PV::Str || v.kind == PV::None || v.kind == PV::Module ||
          v.kind == PV::MaxResult) {
        std::string type = v.kind == PV::Module ? "module" : v.kind == PV::Str ? "str" : v.kind == PV::None ? "NoneType"
                         : v.kind == PV::MaxResult ? "tuple"
                         : b_.g.nodes[size_t(v.node)].tensor ? "Tensor" : "float";
        fail("TypeError: '" + type + "' object is not callable", cur().pos);
        return err_pv();
      }
      v = call(v);
      continue;
    }
    if (op("[")) {
      if (v.kind == PV::MaxResult && peek(1).kind == Tok::Num && peek_op(2, "]")) {
        const Token& k = peek(1);
        if (k.integer && k.num == 0) { i_ += 3; v = node_pv(v.node, v.pos); continue; }
        if (k.integer && k.num == 1) { fail("indices are not supported: they are integers, not a function of x", k.pos); return err_pv(); }
      }
      fail("indexing is not supported: expressions are elementwise (use torch.where for masks)", cur().pos);
      return err_pv();
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
      s.fstring = t.fstring;
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
      return lookup(t.text, t.pos);
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
  std::vector<std::pair<std::string, PV>> pargs;
  std::vector<int> apos;
  bool seen_kw = false;
  while (!op(")")) {
    std::string kwname;
    const int a_pos = cur().pos;
    if (op("*") || op("**")) { fail("*args and **kwargs are not supported", cur().pos); return err_pv(); }
    if (at(Tok::Name) && !is_keyword(cur().text) && peek_op(1, "=")) {
      kwname = cur().text;
      for (const auto& o : pargs)
        if (o.first == kwname) { fail("SyntaxError: keyword argument repeated: " + kwname, a_pos); return err_pv(); }
      i_ += 2;
      seen_kw = true;
    } else if (seen_kw) {
      fail("SyntaxError: positional argument follows keyword argument", a_pos);
      return err_pv();
    }
    const int vpos = cur().pos;
    PV v = expr();
    if (failed(v)) return err_pv();
    if (v.kind == PV::Str || v.kind == PV::None) v.pos = vpos;
    pargs.emplace_back(kwname, v);
    apos.push_back(a_pos);
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
  PV none;
  none.kind = PV::None;
  none.pos = callee.pos;
  switch (callee.kind) {
    case PV::UserFunc: return call_user(callee.ref, pargs, -1, false, callee.pos);
    case PV::Method: return call_user(callee.ref, pargs, callee.inst, false, callee.pos);
    case PV::Class: {
      const int inst = instantiate(callee.ref, pargs, false, callee.pos);
      if (inst < 0) return err_pv();
      PV r;
      r.kind = PV::Instance;
      r.ref = inst;
      r.pos = callee.pos;
      return r;
    }
    case PV::Instance: {
      const ClassInfo& k = classes_[size_t(insts_[size_t(callee.ref)].cls)];
      auto fw = k.methods.find("forward");
      if (fw == k.methods.end()) { fail("NotImplementedError: " + k.name + " has no forward()", callee.pos); return err_pv(); }
      return call_user(fw->second, pargs, callee.ref, false, callee.pos);
    }
    case PV::Noop: return none;
    case PV::Print: {
      std::string line;
      for (const auto& a : pargs) {
        if (!a.first.empty()) continue;  // sep=, end=, flush=
        line += (line.empty() ? "" : " ") + print_text(a.second);
      }
      prints.push_back({line_of(callee.pos), line, false});
      return none;
    }
    case PV::NnCtor: {
      const FSig* sig = find_fsig(callee.s);
      NnModuleInfo m;
      m.functional = callee.s;
      size_t k = 0;
      for (const auto& a : pargs) {
        if (!a.first.empty()) { m.kwargs.push_back(a); continue; }
        if (k >= sig->params.size()) {
          fail("TypeError: " + sig->fn->name + ".__init__() takes at most " + std::to_string(sig->params.size()) +
               " positional arguments", a.second.pos);
          return err_pv();
        }
        m.kwargs.emplace_back(sig->fn->params[size_t(sig->params[k++])].name, a.second);
      }
      nnmods_.push_back(std::move(m));
      PV r;
      r.kind = PV::NnModule;
      r.ref = int(nnmods_.size()) - 1;
      r.pos = callee.pos;
      return r;
    }
    case PV::NnModule: {
      const NnModuleInfo m = nnmods_[size_t(callee.ref)];
      std::vector<std::pair<std::string, PV>> all;
      for (const auto& a : pargs) {
        if (!a.first.empty() || !all.empty()) {
          fail("TypeError: forward() takes 1 positional argument, the input", a.second.pos);
          return err_pv();
        }
        all.push_back(a);
      }
      for (const auto& a : m.kwargs) all.push_back(a);
      PV f;
      f.kind = PV::Func;
      f.s = "F." + m.functional;
      f.pos = callee.pos;
      return builtin_call(f, all, std::vector<int>(all.size(), callee.pos), close);
    }
    case PV::Func:
      if (callee.s == "super") {
        if (frames_.empty() || frames_.back().inst < 0) { fail("RuntimeError: super(): no arguments", callee.pos); return err_pv(); }
        PV s;
        s.kind = PV::Super;
        s.inst = frames_.back().inst;
        s.pos = callee.pos;
        return s;
      }
      if (callee.s == "float") {
        if (pargs.size() != 1 || !pargs[0].first.empty()) { fail("float() takes one number", callee.pos); return err_pv(); }
        const int n = node_of(pargs[0].second, pargs[0].second.pos);
        if (n < 0) return err_pv();
        if (b_.g.nodes[size_t(n)].tensor) {
          fail("ValueError: only one element tensors can be converted to Python scalars", pargs[0].second.pos);
          return err_pv();
        }
        return node_pv(b_.binary("*", n, b_.constant(1.0, false, false, callee.pos), callee.pos), callee.pos);
      }
      if (callee.s == "torch.tensor" || callee.s == "torch.nn.Parameter") {
        // A learnable scalar (nn.Parameter(torch.tensor(1.0))): for f(x) it is that number.
        const PV* val = nullptr;
        for (const auto& a : pargs)
          if (a.first.empty() || a.first == "data") {
            if (val) { fail(callee.s + "(): takes one value", a.second.pos); return err_pv(); }
            val = &a.second;
          }
        if (!val) { fail(callee.s + "() missing its value", callee.pos); return err_pv(); }
        const int n = node_of(*val, val->pos);
        if (n < 0) return err_pv();
        if (b_.g.nodes[size_t(n)].tensor && callee.s == "torch.tensor") {
          fail("torch.tensor() of a tensor is not supported: use the tensor itself", val->pos);
          return err_pv();
        }
        return node_pv(n, callee.pos);
      }
      if (callee.s.compare(0, 6, "numpy.") == 0) {
        for (const auto& a : pargs)
          if (a.second.kind == PV::Node && b_.g.nodes[size_t(a.second.node)].tensor) {
            fail("RuntimeError: Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.",
                 a.second.pos);
            return err_pv();
          }
        PV f = callee;
        f.s = "math." + callee.s.substr(6);
        return builtin_call(f, pargs, apos, close);
      }
      return builtin_call(callee, pargs, apos, close);
    default:
      break;
  }
  fail("TypeError: object is not callable", callee.pos);
  return err_pv();
}

// torch.sum / mean / amax / max / logsumexp (and the methods): along a dim with keepdim=True,
// they make the function dim-wise; torch.max(a, b) of two tensors is torch.maximum.
PV Parser::reduction(const PV& callee, const std::vector<std::pair<std::string, PV>>& pargs, int close) {
  const std::string name = callee.s.substr(6);
  std::vector<std::pair<std::string, PV>> args;
  if (callee.self >= 0) args.emplace_back("", node_pv(callee.self, callee.pos));
  for (const auto& a : pargs) args.push_back(a);
  const char* names[3] = {"input", "dim", "keepdim"};
  const PV* v[3] = {nullptr, nullptr, nullptr};
  size_t k = 0;
  for (const auto& a : args) {
    int idx = -1;
    if (a.first.empty()) idx = int(k++);
    else
      for (int j = 0; j < 3; ++j)
        if (a.first == names[j]) idx = j;
    if (name == "max" && idx == 1 && a.second.kind == PV::Node && b_.g.nodes[size_t(a.second.node)].tensor) {
      if (args.size() != 2 || !v[0]) { fail("max(): with a tensor 'other', takes exactly (input, other)", a.second.pos); return err_pv(); }
      PV f = callee;
      f.s = "torch.maximum";
      f.self = -1;
      return builtin_call(f, {{"", *v[0]}, {"", a.second}}, {callee.pos, a.second.pos}, close);
    }
    if (idx < 0 || idx > 2) {
      fail(name + "() got an unexpected argument" + (a.first.empty() ? "" : " '" + a.first + "'"), a.second.pos);
      return err_pv();
    }
    if (v[idx]) { fail(name + "() got multiple values for argument '" + names[idx] + "'", a.second.pos); return err_pv(); }
    v[idx] = &a.second;
  }
  if (!v[0]) { fail(name + "() missing 1 required positional argument: 'input'", close); return err_pv(); }
  const int in = node_of(*v[0], v[0]->pos);
  if (in < 0) return err_pv();
  if (!v[1] || v[1]->kind == PV::None) {
    fail(name + "() without a dim reduces the whole tensor to one number: give dim=..., keepdim=True to reduce "
         "along a dim", callee.pos);
    return err_pv();
  }
  const int dn = node_of(*v[1], v[1]->pos);
  if (dn < 0) return err_pv();
  const Node& D = b_.g.nodes[size_t(dn)];
  if (D.tensor || D.op != Op::Const || !D.integer || D.boolean) {
    fail(name + "(): dim must be an int such as dim=-1 or dim=self.dim", v[1]->pos);
    return err_pv();
  }
  bool keep = false;
  if (v[2]) {
    const int kn = node_of(*v[2], v[2]->pos);
    if (kn < 0) return err_pv();
    const Node& K = b_.g.nodes[size_t(kn)];
    keep = K.op == Op::Const && !K.tensor && K.value != 0;
  }
  if (!keep) {
    fail(name + "(..., keepdim=False) drops the dim, so the result would not broadcast back along it: use "
         "keepdim=True", v[2] ? v[2]->pos : callee.pos);
    return err_pv();
  }
  const int d = int(D.value);
  if (b_.g.dimwise && b_.g.dim != d) {
    fail("all reductions must be along the same dim (this one is dim=" + std::to_string(d) + ", an earlier one dim=" +
         std::to_string(b_.g.dim) + ")", v[1]->pos);
    return err_pv();
  }
  const Op op = name == "sum" ? Op::Sum : name == "mean" ? Op::Mean : name == "amax" ? Op::Amax
              : name == "max" ? Op::MaxDim : Op::LogSumExp;
  const int r = b_.reduce(op, in, callee.pos);
  if (r < 0) return err_pv();
  b_.g.dim = d;
  if (op != Op::MaxDim) return node_pv(r, callee.pos);
  PV m;
  m.kind = PV::MaxResult;
  m.node = r;
  m.pos = callee.pos;
  return m;
}

// A call of torch / F / math: arguments must be numbers, tensors, strings or None.
PV Parser::builtin_call(const PV& callee, const std::vector<std::pair<std::string, PV>>& pargs,
                        const std::vector<int>& apos, int close) {
  if (callee.s == "torch.sum" || callee.s == "torch.mean" || callee.s == "torch.amax" || callee.s == "torch.max" ||
      callee.s == "torch.logsumexp")
    return reduction(callee, pargs, close);
  std::vector<CallArg> args;
  for (size_t k = 0; k < pargs.size(); ++k) {
    const PV& v = pargs[k].second;
    if (v.kind != PV::Node && v.kind != PV::Str && v.kind != PV::None) {
      node_of(v, apos[k]);
      return err_pv();
    }
    CallArg a;
    a.kw = pargs[k].first;
    a.pos = apos[k];
    a.v.kind = v.kind == PV::Str ? Val::Str : v.kind == PV::None ? Val::None : Val::Node;
    a.v.node = v.node;
    a.v.str = v.s;
    a.v.pos = v.pos;
    args.push_back(std::move(a));
  }
  return node_pv(b_.call(callee.s, callee.pos, callee.self, args, close), callee.pos);
}

// An f-string's fields that name a value ({beta}, {self.alpha:.3f}) filled in; any other field is
// printed as written.
std::string Parser::fstring_text(const std::string& t, int pos) {
  std::string out;
  for (size_t k = 0; k < t.size(); ++k) {
    if ((t[k] == '{' || t[k] == '}') && k + 1 < t.size() && t[k + 1] == t[k]) { out += t[k++]; continue; }
    if (t[k] != '{') { out += t[k]; continue; }
    const size_t close = t.find('}', k);
    if (close == std::string::npos) { out += t.substr(k); break; }
    const std::string field = t.substr(k + 1, close - k - 1);
    const size_t colon = field.find(':');
    std::string name = field.substr(0, colon), spec = colon == std::string::npos ? "" : field.substr(colon + 1);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name.size() > 2 && name[name.size() - 2] == '!') name.resize(name.size() - 2);  // !r, !s
    const ExprError saved = err_;
    PV v;
    bool ok = !name.empty();
    size_t start = 0;
    while (ok) {
      const size_t dot = name.find('.', start);
      const std::string part = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      ok = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return is_name_char(c); });
      if (!ok) break;
      if (start == 0) {
        v = lookup(part, pos);
        ok = !failed(v);
      } else {
        Token tk;
        tk.text = part;
        tk.pos = pos;
        ok = object_attr(v, tk);
      }
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    err_ = saved;
    std::string text = ok ? print_text(v) : "{" + field + "}";
    if (ok && v.kind == PV::Node && !b_.g.nodes[size_t(v.node)].tensor && spec.size() >= 2 && spec[0] == '.' &&
        std::strchr("fegFEG", spec.back()) && spec.find_first_not_of("0123456789", 1) == spec.size() - 1) {
      char buf[64];
      snprintf(buf, sizeof buf, ("%" + spec).c_str(), b_.value(v.node));
      text = buf;
    }
    out += text;
    k = close;
  }
  return out;
}

std::string Parser::print_text(const PV& v) {
  switch (v.kind) {
    case PV::Str: return v.fstring ? fstring_text(v.s, v.pos) : v.s;
    case PV::None: return "None";
    case PV::Node: {
      const Node& n = b_.g.nodes[size_t(v.node)];
      if (n.tensor) return "tensor(...)";
      if (n.boolean) return b_.value(v.node) != 0 ? "True" : "False";
      const std::string s = py_number(b_.value(v.node), n.integer);
      return s.compare(0, 5, "math.") == 0 ? s.substr(5) : s;
    }
    case PV::Instance: return classes_[size_t(insts_[size_t(v.ref)].cls)].name + "()";
    case PV::Module: return "<module '" + v.s + "'>";
    default: return "<object>";
  }
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

std::unique_ptr<Expr> compile_impl(const std::string& text, ExprError& err, const ExprOptions& opt) {
  const int len = char_len(text);
  if (len > kExprMaxText) {
    err.message = "expression too long: " + std::to_string(len) + " characters (at most " +
                  std::to_string(kExprMaxText) + ")";
    err.pos = kExprMaxText;
    return nullptr;
  }
  ex::Parser p(text, err, opt.cls);
  if (!p.run()) {
    if (err.message.empty()) err.message = "invalid expression";
    err.pos = char_pos(text, std::max(0, err.pos));
    return nullptr;
  }
  auto impl = std::make_unique<Expr::Impl>();
  impl->g = std::move(p.graph());
  impl->classes = p.classes;
  impl->cls = p.chosen;
  impl->prints = p.prints;
  // Source order: the plotted forward runs after the module-level code that was skipped.
  std::stable_sort(impl->prints.begin(), impl->prints.end(), [](const ExprPrint& a, const ExprPrint& b) { return a.line < b.line; });
  impl->plan = ex::make_plan(impl->g);
  impl->canonical = ex::canonical_text(impl->g);
  // The canonical text can nest deeper or run longer than the source (x.exp().exp()... prints
  // as nested calls): it is kept only when it compiles within the same limits.
  ExprError cerr;
  if (int(char_len(impl->canonical)) > kExprMaxText || !ex::Parser(impl->canonical, cerr).run()) impl->canonical.clear();
  return std::make_unique<Expr>(std::move(impl));
}

}  // namespace

std::unique_ptr<Expr> compile_expr(const std::string& text, ExprError& err, const ExprOptions& opt) {
  err = ExprError{};
#if defined(__cpp_exceptions)
  try {
    return compile_impl(text, err, opt);
  } catch (...) {
    err.message = "internal error while compiling the expression";
    err.pos = 0;
    return nullptr;
  }
#else
  return compile_impl(text, err, opt);
#endif
}

const std::vector<ExprParam>& expr_params(const Expr& e) { return e.impl().g.params; }
std::string expr_canonical(const Expr& e) { return e.impl().canonical; }
const std::vector<std::string>& expr_classes(const Expr& e) { return e.impl().classes; }
const std::string& expr_class(const Expr& e) { return e.impl().cls; }
const std::vector<ExprPrint>& expr_prints(const Expr& e) { return e.impl().prints; }

}  // namespace actlab
