#include "fixtures.hpp"

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

using namespace actlab;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

double parse_value(const Fn& f, const Param& p, const std::string& v, std::vector<float>& weight) {
  switch (p.kind) {
    case PKind::Bool: return v == "True" ? 1 : 0;
    case PKind::Dim: return v == "None" ? NAN : std::stod(v);
    case PKind::Choice:
      for (size_t i = 0; i < p.choices.size(); ++i)
        if (p.choices[i] == v) return double(i);
      throw std::runtime_error(f.name + ": unknown choice " + v);
    case PKind::Weight:
      for (const std::string& w : split(v, ',')) weight.push_back(std::stof(w));
      return weight[0];
    default: return std::stod(v);
  }
}

}  // namespace

std::vector<FixtureCase> load_fixtures() {
  std::ifstream tsv(g_fixture_dir + "/kernels.tsv");
  std::ifstream bin(g_fixture_dir + "/kernels.bin", std::ios::binary);
  if (!tsv || !bin) throw std::runtime_error("fixtures not found in " + g_fixture_dir);
  std::vector<char> blob((std::istreambuf_iterator<char>(bin)), std::istreambuf_iterator<char>());
  auto floats = [&](int64_t off, int64_t count) {
    std::vector<float> v(static_cast<size_t>(count));
    if (size_t((off + count) * 4) > blob.size()) throw std::runtime_error("fixture offset past end of kernels.bin");
    if (count) std::memcpy(v.data(), blob.data() + off * 4, size_t(count) * 4);
    return v;
  };
  std::vector<FixtureCase> cases;
  std::string line;
  while (std::getline(tsv, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto col = split(line, '\t');
    if (col.size() < 6) throw std::runtime_error("bad fixture line: " + line);
    FixtureCase c;
    c.fn = col[0]; c.params_text = col[1]; c.shape_text = col[2];
    const Fn* f = find_fn(c.fn);
    if (!f) throw std::runtime_error("fixture names unknown function " + c.fn);
    for (const Param& p : f->params) c.params.push_back(p.def);
    if (!col[1].empty()) {
      for (const std::string& kv : split(col[1], ';')) {
        const auto eq = kv.find('=');
        const std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
        size_t i = 0;
        while (i < f->params.size() && f->params[i].name != k) ++i;
        if (i == f->params.size()) throw std::runtime_error(c.fn + ": unknown param " + k);
        c.params[i] = parse_value(*f, f->params[i], v, c.weight);
      }
    }
    for (const Param& p : f->params)
      if (p.kind == PKind::Weight && c.weight.empty()) c.weight.push_back(float(p.def));
    std::string s = col[2].substr(1, col[2].size() - 2);
    if (!s.empty())
      for (const std::string& d : split(s, ',')) c.shape.push_back(std::stoll(d));
    const int64_t off = std::stoll(col[3]), n = std::stoll(col[4]), m = std::stoll(col[5]);
    c.x = floats(off, n);
    c.g = floats(off + n, m);
    c.y = floats(off + n + m, m);
    c.dx = floats(off + n + 2 * m, n);
    cases.push_back(std::move(c));
  }
  return cases;
}

int64_t ulp_distance(float a, float b) {
  if (std::isnan(a) && std::isnan(b)) return 0;
  if (std::isnan(a) || std::isnan(b)) return INT64_MAX;
  auto ord = [](float f) {
    int32_t i; std::memcpy(&i, &f, 4);
    return i < 0 ? int64_t(INT32_MIN) - int64_t(i) : int64_t(i);  // monotone, -0 == +0
  };
  const int64_t d = ord(a) - ord(b);
  return d < 0 ? -d : d;
}

bool close_f32(float a, float e, double rtol, double atol) {
  if (std::isnan(e)) return std::isnan(a);
  if (std::isinf(e)) return a == e;
  if (!std::isfinite(a)) return false;
  return std::fabs(double(a) - double(e)) <= atol + rtol * std::fabs(double(e));
}
