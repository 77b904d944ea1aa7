// A small JSON reader for the test fixtures (expr.json, modules.json, lexer-corpus.json): objects
// keep their key order, numbers are doubles, strings are UTF-8 (\uXXXX escapes and surrogate pairs
// decoded).
#pragma once
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

struct Json {
  enum Kind { Null, Bool, Num, Str, Arr, Obj } kind = Null;
  double num = 0;
  std::string str;
  std::vector<Json> arr;
  std::vector<std::pair<std::string, Json>> obj;
  const Json* get(const std::string& k) const {
    for (const auto& kv : obj)
      if (kv.first == k) return &kv.second;
    return nullptr;
  }
};

struct JsonParser {
  const std::string& s;
  size_t i = 0;
  void ws() { while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i; }
  bool parse(Json& out) {
    ws();
    if (i >= s.size()) return false;
    const char c = s[i];
    if (c == '{') {
      out.kind = Json::Obj;
      ++i;
      ws();
      if (s[i] == '}') { ++i; return true; }
      while (true) {
        Json k;
        if (!parse(k) || k.kind != Json::Str) return false;
        ws();
        if (s[i++] != ':') return false;
        Json v;
        if (!parse(v)) return false;
        out.obj.emplace_back(k.str, std::move(v));
        ws();
        if (s[i] == ',') { ++i; continue; }
        if (s[i] == '}') { ++i; return true; }
        return false;
      }
    }
    if (c == '[') {
      out.kind = Json::Arr;
      ++i;
      ws();
      if (s[i] == ']') { ++i; return true; }
      while (true) {
        Json v;
        if (!parse(v)) return false;
        out.arr.push_back(std::move(v));
        ws();
        if (s[i] == ',') { ++i; continue; }
        if (s[i] == ']') { ++i; return true; }
        return false;
      }
    }
    if (c == '"') {
      out.kind = Json::Str;
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\') {
          const char e = s[++i];
          ++i;
          switch (e) {
            case 'n': out.str += '\n'; break;
            case 't': out.str += '\t'; break;
            case 'r': out.str += '\r'; break;
            case 'f': out.str += '\f'; break;
            case 'b': out.str += '\b'; break;
            case 'u': {
              unsigned cp = hex4();
              if (cp >= 0xD800 && cp < 0xDC00 && s.compare(i, 2, "\\u") == 0) {  // surrogate pair
                i += 2;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4() - 0xDC00);
              }
              utf8(cp, out.str);
              break;
            }
            default: out.str += e;  // \" \\ \/
          }
          continue;
        }
        out.str += s[i++];
      }
      ++i;
      return true;
    }
    if (s.compare(i, 4, "true") == 0) { out.kind = Json::Bool; out.num = 1; i += 4; return true; }
    if (s.compare(i, 5, "false") == 0) { out.kind = Json::Bool; i += 5; return true; }
    if (s.compare(i, 4, "null") == 0) { i += 4; return true; }
    char* end = nullptr;
    out.kind = Json::Num;
    out.num = std::strtod(s.c_str() + i, &end);
    if (end == s.c_str() + i) return false;
    i = size_t(end - s.c_str());
    return true;
  }

 private:
  unsigned hex4() {
    const unsigned v = unsigned(std::strtoul(s.substr(i, 4).c_str(), nullptr, 16));
    i += 4;
    return v;
  }
  static void utf8(unsigned cp, std::string& out) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }
};

// The JSON document in a file; false when it is missing or not JSON.
inline bool read_json_file(const std::string& path, Json& doc) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  JsonParser p{text};
  return p.parse(doc);
}

// A fixture's float32, written by the generators as its shortest round-trip decimal ("0.1",
// "-0.0", "1e-45", "inf", "nan"): strtof gives back the exact bits.
inline float json_f32(const Json& j) { return std::strtof(j.str.c_str(), nullptr); }
inline std::vector<float> json_floats(const Json& a) {
  std::vector<float> v;
  v.reserve(a.arr.size());
  for (const Json& e : a.arr) v.push_back(json_f32(e));
  return v;
}
