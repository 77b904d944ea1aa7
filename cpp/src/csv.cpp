// Uploaded CSV files for the training lab (actlab/datasets.hpp's parse_csv). A number is read as
// Python reads it, float(text), then rounded to float32 as torch.tensor(..., dtype=torch.float32)
// does; the grammar is the plain decimal one (no inf/nan, hex or underscores).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "actlab/datasets.hpp"

namespace actlab {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

struct Field {
  const char* p;
  size_t n;
  std::string str() const { return std::string(p, n); }
};

Field trim(const char* p, size_t n) {
  while (n && is_space(*p)) ++p, --n;
  while (n && is_space(p[n - 1])) --n;
  return {p, n};
}

// 1234567 -> "1,234,567": the limits in messages read as the docs write them.
std::string grouped(int64_t v) {
  std::string s = std::to_string(v), o;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) o += ',';
    o += s[i];
  }
  return o;
}

// A field shown in a message: quoted, cut at 40 characters.
std::string shown(Field f) {
  return "'" + (f.n > 40 ? std::string(f.p, 40) + "..." : f.str()) + "'";
}

enum class Num { Ok, NotNumber, NotFinite, Range };

// float(double(w * 10^e)), the double nearest the decimal then rounded to float32 (float() then
// torch), without strtod where that is cheap to prove (strtod is ~1 us a number in wasm: a
// 100,000-row file would take 300 ms). False when the caller must use strtod.
bool scaled_to_float(uint64_t w, int64_t e, double& value, float& out) {
  static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (w == 0) return value = 0, out = 0, true;
  if (e < -22 || e > 22) return false;
  // exact powers of ten: one rounding when w is exact too (Clinger's fast path), else at most
  // three, i.e. within 2^-51 of the decimal
  const double d = e >= 0 ? double(w) * p10[e] : double(w) / p10[-e];
  if (!(d > 1e-37 && d < 1e38)) return false;  // subnormal and overflow boundaries: strtod
  value = d;
  out = float(d);
  if (w <= (uint64_t(1) << 53)) return true;
  // Only a decimal this close to a midpoint between two floats could round the other way.
  const double up = (double(out) + double(std::nextafter(out, INFINITY))) / 2;
  const double down = (double(out) + double(std::nextafter(out, 0.0f))) / 2;
  const double tol = d * 0x1p-49;
  return std::fabs(d - up) > tol && std::fabs(d - down) > tol;
}

// [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?, the decimal subset of float(), to
// the nearest double as float() reads it, then to float32 as torch.tensor(dtype=float32) rounds
// it; `integer` says whether it was digits alone, *value is the double (exact for integers < 2^53).
Num parse_number(Field f, float& out, bool& integer, double* value = nullptr) {
  const char* p = f.p;
  const size_t n = f.n;
  size_t i = 0;
  const bool neg = i < n && p[i] == '-';
  if (i < n && (p[i] == '+' || p[i] == '-')) ++i;
  uint64_t w = 0;  // the first 19 significant digits
  int sig = 0;
  bool dropped = false;  // a nonzero digit beyond them
  int64_t e = 0;
  size_t digits = 0;
  auto digit = [&](char c, bool fraction) {
    ++digits;
    if (sig < 19) {
      if (w || c != '0') w = w * 10 + uint64_t(c - '0'), ++sig;
      if (fraction) --e;
    } else {
      dropped = dropped || c != '0';
      if (!fraction) ++e;
    }
  };
  while (i < n && is_digit(p[i])) digit(p[i++], false);
  integer = digits > 0;
  if (i < n && p[i] == '.') {
    integer = false;
    ++i;
    while (i < n && is_digit(p[i])) digit(p[i++], true);
  }
  if (digits == 0) {
    // float() takes these; a CSV of numbers should not hold them
    std::string low;
    for (size_t k = 0; k < n && k < 12; ++k) low += char(std::tolower(static_cast<unsigned char>(p[k])));
    const std::string body = low[0] == '+' || low[0] == '-' ? low.substr(1) : low;
    if (body == "nan" || body == "inf" || body == "infinity") return Num::NotFinite;
    return Num::NotNumber;
  }
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    integer = false;
    ++i;
    const bool eneg = i < n && p[i] == '-';
    if (i < n && (p[i] == '+' || p[i] == '-')) ++i;
    const size_t e0 = i;
    int64_t x = 0;
    while (i < n && is_digit(p[i])) x = std::min<int64_t>(x * 10 + (p[i++] - '0'), 1000000);
    if (i == e0) return Num::NotNumber;
    e += eneg ? -x : x;
  }
  if (i != n) return Num::NotNumber;
  double d;
  float fl;
  if (dropped || !scaled_to_float(w, e, d, fl)) {
    // strtod needs a terminated string; fields are short (the line limit bounds them)
    char buf[kMaxCsvLine + 1];
    std::memcpy(buf, p, n);
    buf[n] = 0;
    d = std::fabs(std::strtod(buf, nullptr));
    if (!std::isfinite(d)) return Num::Range;
    fl = float(d);
    if (!std::isfinite(fl)) return Num::Range;
  }
  if (value) *value = neg ? -d : d;
  out = neg ? -fl : fl;
  return Num::Ok;
}

bool lower_equals(Field f, const char* word) {
  const size_t n = std::strlen(word);
  if (f.n != n) return false;
  for (size_t i = 0; i < n; ++i)
    if (std::tolower(static_cast<unsigned char>(f.p[i])) != word[i]) return false;
  return true;
}

enum class Kind { Auto, Label, Target };

struct Parser {
  std::vector<CsvError>& errors;
  int64_t& more;
  void fail(int64_t line, std::string msg) {
    if (int(errors.size()) < kMaxCsvErrors) errors.push_back({line, line ? "line " + grouped(line) + ": " + msg : msg});
    else ++more;
  }
  // A number's problem, said of the field `what`.
  void bad(int64_t line, Num r, Field f, const char* what) {
    if (f.n == 0) return fail(line, std::string("a value is missing") + what);
    if (r == Num::NotNumber) fail(line, shown(f) + " is not a number" + what);
    if (r == Num::NotFinite) fail(line, shown(f) + " is not a finite number" + what);
    if (r == Num::Range) fail(line, shown(f) + " is out of float32's range" + what);
  }
};

}  // namespace

std::string parse_csv(const char* text, size_t len, Dataset& out, std::vector<CsvError>& errors, int64_t& more_errors) {
  out = Dataset{};
  errors.clear();
  more_errors = 0;
  Parser ps{errors, more_errors};
  if (int64_t(len) > kMaxCsvBytes) {
    ps.fail(0, "the file is too large: " + grouped(int64_t(len)) + " bytes (at most " + grouped(kMaxCsvBytes) + ")");
    return errors[0].message;
  }
  size_t pos = 0;
  if (len >= 3 && std::memcmp(text, "\xEF\xBB\xBF", 3) == 0) pos = 3;  // a UTF-8 byte order mark
  Kind kind = Kind::Auto;
  bool first = true, all_int = true;
  int64_t rows = 0;
  std::vector<double> third;  // the third column as read (labels before remapping)
  for (int64_t line = 1; pos < len; ++line) {
    const char* nl = static_cast<const char*>(std::memchr(text + pos, '\n', len - pos));
    const size_t end = nl ? size_t(nl - text) : len;
    size_t n = end - pos;
    const char* p = text + pos;
    pos = end + 1;
    if (n && p[n - 1] == '\r') --n;
    if (int64_t(n) > kMaxCsvLine) {
      ps.fail(line, "longer than " + grouped(kMaxCsvLine) + " characters");
      continue;
    }
    const Field whole = trim(p, n);
    if (whole.n == 0) continue;  // blank lines are skipped
    Field f[3];
    int count = 0;
    for (size_t a = 0; a <= n; ++count) {
      const char* c = static_cast<const char*>(std::memchr(p + a, ',', n - a));
      const size_t b = c ? size_t(c - p) : n;
      if (count < 3) f[count] = trim(p + a, b - a);
      a = b + 1;
    }
    if (count != 3) {
      ps.fail(line, "expected 3 comma-separated values (x1,x2,label or x1,x2,y), got " + std::to_string(count));
      first = false;
      continue;
    }
    float x[2], v2;
    bool integer, int2;
    if (first) {
      first = false;
      // a header starts with a word ('0x10' is a bad number, not a header)
      if (f[0].n && std::isalpha(static_cast<unsigned char>(f[0].p[0])) && parse_number(f[0], x[0], integer) == Num::NotNumber) {
        const bool xs = lower_equals(f[0], "x1") && lower_equals(f[1], "x2");
        if (xs && lower_equals(f[2], "label")) kind = Kind::Label;
        else if (xs && lower_equals(f[2], "y")) kind = Kind::Target;
        else ps.fail(line, "the header must be x1,x2,label or x1,x2,y, got " + shown(whole));
        continue;
      }
    }
    if (++rows > kMaxCsvRows) {
      ps.fail(line, "too many rows (at most " + grouped(kMaxCsvRows) + ")");
      break;
    }
    // one message per line: its first problem
    Num r = parse_number(f[0], x[0], integer);
    if (r != Num::Ok) { ps.bad(line, r, f[0], " (x1)"); continue; }
    if ((r = parse_number(f[1], x[1], integer)) != Num::Ok) { ps.bad(line, r, f[1], " (x2)"); continue; }
    double exact;  // an integer token is read exactly (float32 would round labels above 2^24)
    r = parse_number(f[2], v2, int2, &exact);
    if (r != Num::Ok) {
      ps.bad(line, r, f[2], kind == Kind::Label ? " (label)" : kind == Kind::Target ? " (y)" : " (label or y)");
      continue;
    }
    if (kind == Kind::Label && !int2) {
      ps.fail(line, "label " + shown(f[2]) + " is not an integer (the header x1,x2,y makes it a regression target)");
      continue;
    }
    if (int2 && std::fabs(exact) > 2147483647.0) {
      if (kind == Kind::Label) { ps.fail(line, "label " + shown(f[2]) + " is out of range"); continue; }
      int2 = false;  // too big for a label: a target, in a file without a header
    }
    out.x.push_back(x[0]);
    out.x.push_back(x[1]);
    all_int = all_int && int2;
    third.push_back(exact);
    out.target.push_back(v2);
  }
  if (errors.empty() && rows == 0) ps.fail(0, first ? "the file is empty" : "the file has a header but no data rows");
  if (!errors.empty()) {
    out = Dataset{};
    return errors[0].message;
  }
  std::vector<double> values = third;
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  const bool labels = kind == Kind::Label || (kind == Kind::Auto && all_int && values.size() >= 2 && int(values.size()) <= kMaxClasses);
  if (!labels) return "";  // out.target holds the rows' targets
  if (int(values.size()) > kMaxClasses) ps.fail(0, std::to_string(values.size()) + " different labels: at most " + std::to_string(kMaxClasses) + " classes");
  if (values.size() < 2) ps.fail(0, "every label is " + std::to_string(int64_t(values[0])) + ": a classifier needs at least 2 classes");
  if (!errors.empty()) {
    out = Dataset{};
    return errors[0].message;
  }
  out.target.clear();
  out.classes = int(values.size());
  out.class_values = values;
  for (double v : third) out.label.push_back(int32_t(std::lower_bound(values.begin(), values.end(), v) - values.begin()));
  return "";
}

}  // namespace actlab
