// The training lab's data (actlab/datasets.hpp) against tests/fixtures/datasets.json, which
// web/lib/train/datasets.py wrote in torch 1.13 (scripts/gen-dataset-reference.py): every dataset,
// its shuffle and its features bit for bit, natively and in the wasm SIMD128 build. Then the CSV
// reader: numbers as float() and torch read them, good files, every error message, and the
// 100,000-row limit.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <string>

#include "actlab/datasets.hpp"
#include "fixtures.hpp"
#include "json.hpp"

using namespace actlab;

namespace {

uint64_t fnv1a(const void* data, size_t bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  const unsigned char* p = static_cast<const unsigned char*>(data);  // little-endian, as struct.pack("<f")
  for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

std::string hex(uint64_t h) {
  char b[24];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(h));
  return b;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, 4) == 0; }

const Json& fixture() {
  static Json doc;
  static bool loaded = read_json_file(g_fixture_dir + "/datasets.json", doc);
  if (!loaded) FAIL("tests/fixtures/datasets.json missing: npm run gen-reference");
  return doc;
}

struct Csv {
  Dataset d;
  std::vector<CsvError> errors;
  int64_t more = 0;
  std::string err;
  explicit Csv(const std::string& text) { err = parse_csv(text.data(), text.size(), d, errors, more); }
};

}  // namespace

TEST_CASE("datasets: every dataset, shuffle and feature bit for bit as datasets.py in torch", "[datasets]") {
  const Json& doc = fixture();
  int checked = 0;
  for (const Json& c : doc.get("datasets")->arr) {
    const std::string name = c.get("name")->str;
    const int64_t n = int64_t(c.get("n")->num);
    INFO(name << " n=" << n << " noise=" << c.get("noise")->num << " seed=" << c.get("seed")->num);
    Dataset d;
    REQUIRE(make_dataset(name, n, c.get("noise")->num, uint64_t(c.get("seed")->num), int(c.get("classes")->num ? c.get("classes")->num : 2), d) == "");
    REQUIRE(d.size() == n);
    CHECK(d.classes == int(c.get("classes")->num));
    CHECK(hex(fnv1a(d.x.data(), d.x.size() * 4)) == c.get("x_fnv")->str);
    if (d.classes) CHECK(hex(fnv1a(d.label.data(), d.label.size() * 4)) == c.get("y_fnv")->str);
    else CHECK(hex(fnv1a(d.target.data(), d.target.size() * 4)) == c.get("y_fnv")->str);
    std::vector<float> f;
    REQUIRE(make_features(d.x.data(), n, feature_names(), f) == "");
    CHECK(hex(fnv1a(f.data(), f.size() * 4)) == c.get("features_fnv")->str);
    // the values themselves, so a failure shows where
    const Json* xs = c.get("x") ? c.get("x") : c.get("x_head");
    const Json* ys = c.get("y") ? c.get("y") : c.get("y_head");
    for (size_t i = 0; i < xs->arr.size(); ++i) CHECK(same_bits(d.x[i], json_f32(xs->arr[i])));
    for (size_t i = 0; i < ys->arr.size(); ++i) {
      if (d.classes) CHECK(d.label[i] == int(ys->arr[i].num));
      else CHECK(same_bits(d.target[i], json_f32(ys->arr[i])));
    }
    ++checked;
  }
  CHECK(checked == 48);
}

TEST_CASE("datasets: features in a chosen order, the split point", "[datasets]") {
  const Json& doc = fixture();
  const Json& s = *doc.get("subset");
  Dataset d;
  REQUIRE(make_dataset(s.get("name")->str, int64_t(s.get("n")->num), s.get("noise")->num, uint64_t(s.get("seed")->num), 2, d) == "");
  std::vector<std::string> names;
  for (const Json& j : s.get("names")->arr) names.push_back(j.str);
  std::vector<float> f;
  REQUIRE(make_features(d.x.data(), d.size(), names, f) == "");
  const std::vector<float> want = json_floats(*s.get("values"));
  REQUIRE(f.size() == want.size());
  for (size_t i = 0; i < f.size(); ++i) CHECK(same_bits(f[i], want[i]));
  for (const Json& c : doc.get("splits")->arr) {
    INFO("n=" << c.get("n")->num << " ratio=" << c.get("ratio")->num);
    CHECK(split_point(int64_t(c.get("n")->num), c.get("ratio")->num) == int64_t(c.get("train")->num));
  }
}

TEST_CASE("datasets: bad arguments are messages", "[datasets]") {
  Dataset d;
  CHECK(make_dataset("spirals", 10, 0, 0, 2, d) == "unknown dataset 'spirals' (circle, xor, gauss, spiral, moons or plane)");
  CHECK(make_dataset("xor", 0, 0, 0, 2, d) == "n must be between 1 and 10,000, got 0");
  CHECK(make_dataset("xor", 10001, 0, 0, 2, d) == "n must be between 1 and 10,000, got 10001");
  CHECK(make_dataset("xor", 10, -0.1, 0, 2, d) == "noise must be between 0 and 1, got -0.1");
  CHECK(make_dataset("xor", 10, NAN, 0, 2, d) == "noise must be between 0 and 1, got nan");
  CHECK(make_dataset("gauss", 10, 0, 0, 5, d) == "classes must be 2, 3 or 4, got 5");
  CHECK(make_dataset("xor", 10, 0, 0, 5, d) == "");  // classes is read by gauss only
  std::vector<float> f;
  const float x[2] = {1, 2};
  CHECK(make_features(x, 1, {"x1", "x3"}, f) == "unknown feature 'x3' (x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2)");
  CHECK(make_features(x, 1, {}, f) == "choose at least one feature");
}

TEST_CASE("csv: numbers read as float(text) then float32, midpoints included", "[datasets][csv]") {
  const Json& doc = fixture();
  int refused = 0;
  for (const Json& c : doc.get("numbers")->arr) {
    const std::string text = c.arr[0].str, want = c.arr[1].str;
    INFO(text);
    Csv r(text + ",0,0\n");
    if (want == "inf" || want == "-inf") {
      CHECK(r.err == "line 1: '" + text + "' is out of float32's range (x1)");
      ++refused;
      continue;
    }
    REQUIRE(r.err == "");
    CHECK(same_bits(r.d.x[0], json_f32(c.arr[1])));
  }
  CHECK(refused == 1);
}

TEST_CASE("csv: good files", "[datasets][csv]") {
  Csv a("x1,x2,label\n1,2,0\n-1.5,2e3,1\n0.25,.5,1\n");
  REQUIRE(a.err == "");
  CHECK(a.d.size() == 3);
  CHECK(a.d.classes == 2);
  CHECK(a.d.x == std::vector<float>{1, 2, -1.5f, 2000, 0.25f, 0.5f});
  CHECK(a.d.label == std::vector<int32_t>{0, 1, 1});
  CHECK(a.d.target.empty());

  // no header, CRLF, a byte order mark, blank lines, spaces: labels -1 and 1 become 0 and 1
  Csv b("\xEF\xBB\xBF" "1,2,-1\r\n\r\n  3 , 4 , 1 \r\n5,6,-1\n\n");
  REQUIRE(b.err == "");
  CHECK(b.d.classes == 2);
  CHECK(b.d.class_values == std::vector<double>{-1, 1});
  CHECK(b.d.label == std::vector<int32_t>{0, 1, 0});

  // regression by header, even with integer targets; by its values without one
  Csv c("X1, X2, Y\n0,0,1\n1,1,2\n");
  REQUIRE(c.err == "");
  CHECK(c.d.classes == 0);
  CHECK(c.d.target == std::vector<float>{1, 2});
  Csv d("0,0,0.5\n1,1,2\n");
  REQUIRE(d.err == "");
  CHECK(d.d.classes == 0);
  Csv e("0,0,7\n1,1,7\n");  // one integer value: a constant target, not one class
  REQUIRE(e.err == "");
  CHECK(e.d.classes == 0);
  std::string many;
  for (int k = 0; k < 11; ++k) many += "0,0," + std::to_string(k) + "\n";
  Csv f(many);  // 11 integer values: more than the classes a classifier here takes, so a target
  REQUIRE(f.err == "");
  CHECK(f.d.classes == 0);
  Csv g("x1,x2,label\n0,0,9\n0,0,3\n0,0,5\n0,0,3\n");  // any integers, remapped in increasing order
  REQUIRE(g.err == "");
  CHECK(g.d.class_values == std::vector<double>{3, 5, 9});
  CHECK(g.d.label == std::vector<int32_t>{2, 0, 1, 0});
}

TEST_CASE("csv: bad files, every message with its line", "[datasets][csv]") {
  const std::pair<std::string, std::string> cases[] = {
      {"", "the file is empty"},
      {"\n  \n\r\n", "the file is empty"},
      {"x1,x2,label\n", "the file has a header but no data rows"},
      {"a,b,c\n1,2,3\n", "line 1: the header must be x1,x2,label or x1,x2,y, got 'a,b,c'"},
      {"x1,x2,label\n1,2\n", "line 2: expected 3 comma-separated values (x1,x2,label or x1,x2,y), got 2"},
      {"1;2;0\n", "line 1: expected 3 comma-separated values (x1,x2,label or x1,x2,y), got 1"},
      {"1,2,0,4\n", "line 1: expected 3 comma-separated values (x1,x2,label or x1,x2,y), got 4"},
      {"x1,x2,y\n1,abc,0\n", "line 2: 'abc' is not a number (x2)"},
      {"x1,x2,y\n1,2,0\n\n1,,0\n", "line 4: a value is missing (x2)"},
      {"nan,1,0\n", "line 1: 'nan' is not a finite number (x1)"},
      {"1,-inf,0\n", "line 1: '-inf' is not a finite number (x2)"},
      {"1,2,Infinity\n", "line 1: 'Infinity' is not a finite number (label or y)"},
      {"1e39,0,1\n", "line 1: '1e39' is out of float32's range (x1)"},
      {"0x10,0,1\n", "line 1: '0x10' is not a number (x1)"},
      {"1_000,0,1\n", "line 1: '1_000' is not a number (x1)"},
      {"1e,0,1\n", "line 1: '1e' is not a number (x1)"},
      {"x1,x2,label\n1,2,1.5\n", "line 2: label '1.5' is not an integer (the header x1,x2,y makes it a regression target)"},
      {"x1,x2,label\n1,2,99999999999\n", "line 2: label '99999999999' is out of range"},
      {"x1,x2,label\n1,2,0\n3,4,0\n", "every label is 0: a classifier needs at least 2 classes"},
      {"x1,x2,label\n0,0,0\n0,0,1\n0,0,2\n0,0,3\n0,0,4\n0,0,5\n0,0,6\n0,0,7\n0,0,8\n0,0,9\n0,0,10\n",
       "11 different labels: at most 10 classes"},
      {"1,2,0\n" + std::string(1001, '1') + ",2,0\n", "line 2: longer than 1,000 characters"},
      {"1,2,0\n'" + std::string(60, 'z') + "',2,0\n", "line 2: ''" + std::string(39, 'z') + "...' is not a number (x1)"},
  };
  for (const auto& c : cases) {
    INFO(c.first.substr(0, 80));
    Csv r(c.first);
    CHECK(r.err == c.second);
    CHECK(r.d.size() == 0);
    REQUIRE(!r.errors.empty());
    CHECK(r.errors[0].message == r.err);
  }
  // every bad line is named, up to 10; the rest are counted
  std::string text = "x1,x2,y\n";
  for (int k = 0; k < 25; ++k) text += k % 2 ? "1,2,3\n" : "1,x,3\n";  // 13 bad lines
  Csv m(text);
  REQUIRE(m.errors.size() == 10);
  CHECK(m.errors[0].line == 2);
  CHECK(m.errors[1].message == "line 4: 'x' is not a number (x2)");
  CHECK(m.errors[9].line == 20);
  CHECK(m.more == 3);
}

TEST_CASE("csv: 100,000 rows are read, 100,001 refused", "[datasets][csv]") {
  std::string text = "x1,x2,label\n";
  char row[64];
  for (int i = 0; i < 100000; ++i) {
    std::snprintf(row, sizeof row, "%.7g,%.7g,%d\n", (i % 1000) * 0.01 - 5, (i / 1000) * 0.1 - 5, i % 3);
    text += row;
  }
  Csv ok(text);
  REQUIRE(ok.err == "");
  CHECK(ok.d.size() == 100000);
  CHECK(ok.d.classes == 3);
  CHECK(ok.d.x[2 * 99999 + 1] == 4.9f);
  Csv over(text + "1,2,0\n");
  CHECK(over.err == "line 100,002: too many rows (at most 100,000)");
  CHECK(over.d.size() == 0);
  const std::string big(size_t(kMaxCsvBytes) + 1, '\n');
  CHECK(Csv(big).err == "the file is too large: 16,777,217 bytes (at most 16,777,216)");
}

TEST_CASE("csv: an upload shuffled as datasets.py's shuffle_upload", "[datasets][csv]") {
  const Json& u = *fixture().get("upload");
  Csv r(u.get("text")->str);
  REQUIRE(r.err == "");
  CHECK(r.d.class_values == std::vector<double>{-1, 1, 3});
  Generator g(uint64_t(u.get("seed")->num));
  shuffle(r.d, g);
  const std::vector<float> want = json_floats(*u.get("x"));
  REQUIRE(r.d.x.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) CHECK(same_bits(r.d.x[i], want[i]));
  for (size_t i = 0; i < r.d.label.size(); ++i) CHECK(r.d.label[i] == int(u.get("y")->arr[i].num));
}
