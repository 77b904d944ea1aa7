// The expression language's lexer (ex::tokenize, cpp/src/expr_parse.cpp) against
// tests/fixtures/lexer-corpus.json, the corpus tests/js/lexer.test.js runs the tensor console's
// lexer on. Both sides are rendered in the corpus's normalized form (see its "about") as one line
// per token, so a failure shows the whole expected and actual lists.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

#include "../../cpp/src/expr_internal.hpp"
#include "fixtures.hpp"
#include "json.hpp"

using namespace actlab;

namespace {

// UTF-8 byte offset -> code points
int code_points(const std::string& s, int bytes) {
  int n = 0;
  for (int i = 0; i < bytes && i < int(s.size()); ++i) n += (static_cast<unsigned char>(s[size_t(i)]) & 0xC0) != 0x80;
  return n;
}

std::string token_line(const std::string& kind, const std::string& text, int start, const double* value) {
  std::string line = kind + " [" + (text == "\n" ? "\\n" : text) + "] @" + std::to_string(start);
  if (value) {
    char buf[40];
    std::snprintf(buf, sizeof buf, " = %.17g", *value);
    line += buf;
  }
  return line + "\n";
}

std::string error_line(const std::string& message, int pos) { return "error [" + message + "] @" + std::to_string(pos) + "\n"; }

// The corpus's expectation for this lexer, rendered.
std::string expected(const Json& c) {
  const Json* own = c.get("cpp");
  const Json& e = own ? *own : c;
  if (const Json* err = e.get("error")) return error_line(err->get("message")->str, int(err->get("pos")->num));
  std::string out;
  for (const Json& t : e.get("tokens")->arr) {
    double v = 0;
    const bool number = t.arr.size() > 3;
    if (number) v = t.arr[3].kind == Json::Str ? HUGE_VAL : t.arr[3].num;  // "inf"
    out += token_line(t.arr[0].str, t.arr[1].str, int(t.arr[2].num), number ? &v : nullptr);
  }
  return out;
}

std::string actual(const std::string& text) {
  std::vector<ex::Token> toks;
  ExprError err;
  if (!ex::tokenize(text, toks, err)) {
    std::string m = err.message;
    if (m.rfind("SyntaxError: ", 0) == 0) m.erase(0, 13);
    return error_line(m, code_points(text, err.pos));
  }
  std::string out;
  bool newline = false;
  for (const ex::Token& t : toks) {
    std::string kind;
    switch (t.kind) {
      case ex::Tok::Num: kind = "number"; break;
      case ex::Tok::Name: kind = "name"; break;
      case ex::Tok::Str: kind = "string"; break;
      case ex::Tok::Op: kind = "op"; break;
      case ex::Tok::Sep: kind = t.text == ";" ? "op" : "newline"; break;
      case ex::Tok::End: kind = "end"; break;
      case ex::Tok::Indent: case ex::Tok::Dedent: continue;  // the tensor lexer has no blocks
    }
    if (kind == "newline" && newline) continue;  // the tensor lexer folds blank lines into one
    newline = kind == "newline";
    out += token_line(kind, t.text, code_points(text, t.pos), t.kind == ex::Tok::Num ? &t.num : nullptr);
  }
  return out;
}

}  // namespace

TEST_CASE("the expression lexer follows the shared lexer corpus", "[expr][lexer]") {
  Json doc;
  REQUIRE(read_json_file(g_fixture_dir + "/lexer-corpus.json", doc));
  const Json* cases = doc.get("cases");
  REQUIRE(cases != nullptr);
  REQUIRE(cases->arr.size() >= 100);
  for (const Json& c : cases->arr) {
    const std::string& text = c.get("input")->str;
    INFO("input: " << text);
    const Json* note = c.get("note");
    INFO("note: " << (note ? note->str : std::string("-")));
    CHECK(actual(text) == expected(c));
  }
}
