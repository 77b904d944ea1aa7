// The function table: every activation declared once. lab.functions, the URL schema,
// the docs table, the fixture generator and the tests all iterate over registry().
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace actlab {

constexpr int kNoDim = 1 << 20;
constexpr int kMaxDims = 16;

enum class PKind { Number, Int, Bool, Choice, Dim, Weight };
// How torch takes a param: a keyword of the same name of the module's constructor (and of
// F.<functional>), only as the module's train()/eval() mode, or not at all (actlab's option).
enum class PTorch : uint8_t { Keyword, Mode, None };

struct Param {
  std::string name;
  PKind kind = PKind::Number;
  PTorch torch = PTorch::Keyword;
  bool required = false;     // torch has no default for it (nn.Threshold's, F.threshold's)
  double def = 0;            // Choice: index into choices; Dim: default dim; Bool: 0/1
  double min = -std::numeric_limits<double>::infinity();  // valid range (inclusive)
  double max = std::numeric_limits<double>::infinity();
  double lo = -1, hi = 1;    // slider range for the UI
  const char* const* mode_code = nullptr;  // Mode: Python that puts module f in the state for false, true
  const int8_t* implicit_dim = nullptr;  // Dim: the dim torch picks for None, by input ndim 0..kMaxDims (None is invalid without it)
  std::vector<std::string> choices;
  std::string doc;
};

// A resolved shape, held inline: run() fills one per call, and a heap allocation there was a
// measurable part of a small call's cost.
struct Dims {
  int64_t d[kMaxDims];  // not zeroed (a memset per call): only [0, nd) is ever read
  int nd = 0;
  Dims() = default;
  // Copies read only [0, nd) too (the rest is uninitialized).
  Dims(const Dims& o) { assign(o.begin(), o.end()); }
  Dims& operator=(const Dims& o) { if (this != &o) assign(o.begin(), o.end()); return *this; }
  size_t size() const { return size_t(nd); }
  bool empty() const { return nd == 0; }
  int64_t& operator[](size_t i) { return d[i]; }
  int64_t operator[](size_t i) const { return d[i]; }
  const int64_t* begin() const { return d; }
  const int64_t* end() const { return d + nd; }
  void assign(const int64_t* b, const int64_t* e) { nd = int(e - b); std::copy(b, e, d); }
  void one(int64_t v) { nd = 1; d[0] = v; }
};

// Everything a kernel sees. Buffers live on the wasm heap (or anywhere natively).
struct Ctx {
  const float* x = nullptr;   // input, n elements
  const float* g = nullptr;   // grad_output (backward only), out_n elements
  float* out = nullptr;       // forward: out_n elements; backward: n elements
  int64_t n = 0;
  Dims shape;                 // resolved shape (elementwise: {n} when not given)
  const double* p = nullptr;  // parameter values in declaration order
  int dim = 0;                // wrapped dim for dim-wise functions
  const float* weight = nullptr;  // PReLU weight values
  int64_t nweight = 0;
};

struct Fn {
  std::string name;           // PyTorch module class name
  std::string module = "torch.nn";
  std::string functional;     // torch.nn.functional name, e.g. "leaky_relu"
  std::string family;         // learner's grouping, e.g. "relu", "sigmoid"
  std::string latex;          // f(x)
  std::string dlatex;         // f'(x) (elementwise) or the Jacobian-vector form
  std::string range;          // output range, LaTeX
  std::vector<Param> params;
  bool dimwise = false;       // needs a shape (Softmax, GLU, PReLU per-channel ...)
  bool halves = false;        // output is half the input along dim (GLU, SwiGLU)
  bool index_keyed = false;   // f(x_i) may depend on i itself (RReLU's training noise): the input
                              // cannot be split into pieces computed separately
  bool cheap = false;         // no transcendental per element (compares, selects, a division at
                              // most): held to the copy ceiling in the benchmarks, not to exp's cost
                              // (the bench build's cheapJson(), not lab.functions)
  bool inplace = false;       // F.<functional> takes inplace=
  int activated_half = -1;    // gating: the half that goes through the nonlinearity (0 = a, 1 = b)
  int fixed_dim = kNoDim;     // dim-wise functions without a dim param (Softmax2d: -3)
  // Python building the torch module: {kwargs} = the Keyword params it does not name, {p} = param
  // p's value; nullptr: nn.<name>({kwargs}).
  const char* torch_ctor = nullptr;
  const char* torch_def = nullptr;  // Python defining the module where torch.nn has none (uses torch, nn, F)
  // x positions where PyTorch's derivative is one-sided, for the given params.
  std::vector<double> (*kinks)(const double* p) = nullptr;
  // Extra validation beyond per-parameter ranges: true when fine, else false with the message
  // (PyTorch's wording) in err.
  bool (*check)(const Ctx& c, std::string& err) = nullptr;
  void (*forward)(const Ctx& c) = nullptr;
  void (*backward)(const Ctx& c) = nullptr;
  // Derived from `params` by registry(): what a call without params computes with (a Dim's
  // None is NaN), and PReLU's default weight. Arrays, not vectors: every push of a Fn into the
  // table copies it, and two more vectors made that copy code 7 KB of the wasm.
  static constexpr size_t kMaxParams = 8;
  double defaults[kMaxParams] = {};
  float default_weight = 0;
  int64_t n_default_weight = 0;  // 1 for PReLU
};

// Sets the error and reports failure: messages are built only on the error path.
inline bool fail(std::string& err, std::string msg) { err = std::move(msg); return false; }

const std::vector<Fn>& registry();
const Fn* find_fn(const std::string& name);

// Validate params/shape/dim, fill the derived Ctx fields and run. Returns true, or false with
// the error in `err` (PyTorch's wording); the success path builds no string (each cost a call
// into libc++ on the per-call path). `params` holds one value per declared param (a Dim param's
// NaN means None), or nullptr for the defaults (then weight is the default too, and nothing
// needs checking: a zero-copy call writes no params to the heap); ndim < 0: no shape.
bool run(const Fn& f, bool backward, const float* x, const float* g, int64_t ng, float* out, int64_t n,
         const int64_t* shape, int ndim, const double* params, const float* weight, int64_t nweight,
         std::string& err);
// The same with the error as the result, "" when fine (tests, tools).
inline std::string run(const Fn& f, bool backward, const float* x, const float* g, int64_t ng, float* out,
                       int64_t n, const int64_t* shape, int ndim, const double* params, const float* weight,
                       int64_t nweight) {
  std::string err;
  run(f, backward, x, g, ng, out, n, shape, ndim, params, weight, nweight, err);
  return err;
}

// Output element count for a forward call (n, or n/2 for GLU-like functions).
int64_t out_numel(const Fn& f, int64_t n, const int64_t* shape, int ndim, const double* params);

std::vector<double> kinks_of(const Fn& f, const double* params);
std::string functions_json();   // the table as JSON, exported as lab.functions
// A number as JSON text appended to `o`: its shortest round-trip form, or null when it is not
// finite (JSON has no inf or nan).
void json_number(std::string& o, double v);

}  // namespace actlab
