// Assembles the table from the family files, validates calls and exports the table as JSON.
#include "actlab/registry.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace actlab {

void register_relu_family(std::vector<Fn>&);
void register_sigmoid_family(std::vector<Fn>&);
void register_exp_linear(std::vector<Fn>&);
void register_smooth_relu(std::vector<Fn>&);
void register_hard_shrink(std::vector<Fn>&);
void register_softmax(std::vector<Fn>&);
void register_gating(std::vector<Fn>&);

const std::vector<Fn>& registry() {
  static const std::vector<Fn> table = [] {
    std::vector<Fn> t;
    register_relu_family(t);
    register_sigmoid_family(t);
    register_exp_linear(t);
    register_smooth_relu(t);
    register_hard_shrink(t);
    register_softmax(t);
    register_gating(t);
    for (Fn& f : t) {
      if (f.params.size() > Fn::kMaxParams) std::abort();  // raise kMaxParams (every test fails first)
      for (size_t i = 0; i < f.params.size(); ++i) {
        f.defaults[i] = f.params[i].def;
        if (f.params[i].kind == PKind::Weight) { f.default_weight = float(f.params[i].def); f.n_default_weight = 1; }
      }
    }
    return t;
  }();
  return table;
}

const Fn* find_fn(const std::string& name) {
  for (const Fn& f : registry())
    if (f.name == name) return &f;
  return nullptr;
}

namespace {

std::string fmt_num(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  snprintf(buf, sizeof buf, "%.17g", v);
  // Prefer the shortest representation that round-trips (0.1 rather than 0.10000000000000001).
  for (int prec = 1; prec <= 17; ++prec) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string shape_str(const Dims& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

bool check_param(const Fn& f, const Param& p, double v, std::string& err) {
  // Built only on error: this runs for every param of every call.
  auto who = [&] { return f.name + ": " + p.name; };
  switch (p.kind) {
    case PKind::Weight: return true;
    case PKind::Dim:
      if (std::isnan(v) && p.implicit_dim) return true;  // None
      if (!std::isfinite(v) || v != std::floor(v)) return fail(err, who() + " must be an integer, got " + fmt_num(v));
      // Beyond int64, torch fails while reading the argument (and the cast would be undefined).
      if (!(v >= -0x1p63 && v < 0x1p63)) return fail(err, "Overflow when unpacking long");
      return true;
    case PKind::Bool:
      if (v != 0 && v != 1) return fail(err, who() + " must be True or False, got " + fmt_num(v));
      return true;
    case PKind::Choice:
      if (!(v >= 0 && v < double(p.choices.size())) || v != std::floor(v))
        return fail(err, who() + " must be one of the choices, got index " + fmt_num(v));
      return true;
    case PKind::Int:
      if (!std::isfinite(v) || v != std::floor(v)) return fail(err, who() + " must be an integer, got " + fmt_num(v));
      break;
    case PKind::Number:
      if (!std::isfinite(v)) return fail(err, who() + " must be a finite number, got " + fmt_num(v));
      break;
  }
  if (v < p.min || v > p.max)
    return fail(err, who() + " must be in [" + fmt_num(p.min) + ", " + fmt_num(p.max) + "], got " + fmt_num(v));
  return true;
}

// ATen's maybe_wrap_dim, including the 0-d rule (a scalar accepts dims -1 and 0).
bool wrap_dim(int64_t dim, int64_t ndim, int& out, std::string& err) {
  const int64_t n = ndim == 0 ? 1 : ndim;
  if (dim < -n || dim > n - 1) {
    return fail(err, "Dimension out of range (expected to be in range of [" + std::to_string(-n) + ", " +
                     std::to_string(n - 1) + "], but got " + std::to_string(dim) + ")");
  }
  out = int(dim < 0 ? dim + n : dim);
  return true;
}

int dim_param_index(const Fn& f) {
  for (size_t i = 0; i < f.params.size(); ++i)
    if (f.params[i].kind == PKind::Dim) return int(i);
  return -1;
}

// Shared by run() and out_numel(): params, shape and dim checks; fills c.shape and c.dim.
bool prepare(const Fn& f, Ctx& c, const int64_t* shape, int ndim, const double* params, std::string& err) {
  if (!params) {
    params = f.defaults;
  } else {
    for (size_t i = 0; i < f.params.size(); ++i) {
      if (!check_param(f, f.params[i], params[i], err)) return false;
    }
  }
  c.p = params;
  if (ndim < 0) {
    if (f.dimwise) return fail(err, f.name + " is dim-wise: pass the input's shape, e.g. { shape: [2, 3] }");
    c.shape.one(c.n);
  } else {
    if (ndim > kMaxDims) return fail(err, "shape has " + std::to_string(ndim) + " dims; at most 16 are supported");
    c.shape.assign(shape, shape + ndim);
    int64_t prod = 1;
    bool overflow = false, zero = false;
    for (int64_t s : c.shape) {
      if (s < 0) return fail(err, "Trying to create tensor with negative dimension " + std::to_string(s) + ": " + shape_str(c.shape));
      if (__builtin_mul_overflow(prod, s, &prod)) overflow = true;  // a wrapped product may equal n
      if (s == 0) zero = true;
    }
    if (zero) prod = 0, overflow = false;  // a zero dim makes any product 0
    if (overflow || prod != c.n)
      return fail(err, "shape '" + shape_str(c.shape) + "' is invalid for input of size " + std::to_string(c.n));
  }
  const int64_t nd = int64_t(c.shape.size());
  const int di = dim_param_index(f);
  if (di >= 0) {
    double d = params[di];
    if (std::isnan(d)) d = f.params[size_t(di)].implicit_dim[nd];
    if (!wrap_dim(int64_t(d), nd, c.dim, err)) return false;
  } else if (f.fixed_dim != kNoDim) {
    if (f.check && !f.check(c, err)) return false;
    if (!wrap_dim(f.fixed_dim, nd, c.dim, err)) return false;
  }
  if (nd == 0) c.shape.one(1);  // a 0-d tensor computes like one element along dim 0
  return true;
}

}  // namespace

int64_t out_numel(const Fn& f, int64_t n, const int64_t* shape, int ndim, const double* params) {
  if (!f.halves) return n;
  Ctx c; c.n = n;
  std::string err;
  if (!prepare(f, c, shape, ndim, params, err)) return -1;
  return n / 2;
}

bool run(const Fn& f, bool backward, const float* x, const float* g, int64_t ng, float* out,
         int64_t n, const int64_t* shape, int ndim, const double* params, const float* weight,
         int64_t nweight, std::string& err) {
  Ctx c;
  c.x = x; c.g = g; c.out = out; c.n = n; c.weight = weight; c.nweight = nweight;
  if (!params) { c.weight = &f.default_weight; c.nweight = f.n_default_weight; }
  if (!prepare(f, c, shape, ndim, params, err)) return false;
  // (fixed-dim functions ran their check in prepare(), before wrapping the dim)
  if (f.check && f.fixed_dim == kNoDim && !f.check(c, err)) return false;
  if (backward) {
    const int64_t want = f.halves ? n / 2 : n;
    if (ng != want) {
      Dims os = c.shape;
      if (f.halves && !os.empty()) os[c.dim] /= 2;
      return fail(err, "Mismatch in shape: grad_output[0] has a shape of torch.Size([" + std::to_string(ng) +
                       "]) and output[0] has a shape of torch.Size(" + shape_str(os) + ").");
    }
  }
  if (n == 0) return true;
  (backward ? f.backward : f.forward)(c);
  return true;
}

void json_number(std::string& o, double v) { o += std::isfinite(v) ? fmt_num(v) : "null"; }

std::vector<double> kinks_of(const Fn& f, const double* params) {
  return f.kinks ? f.kinks(params) : std::vector<double>{};
}

// Code that runs once, at load: built for size (clang's minsize; GCC has no such attribute).
#if defined(__clang__)
#define ACTLAB_MINSIZE [[clang::minsize]]
#else
#define ACTLAB_MINSIZE
#endif

namespace {
// The writers append to the JSON text in place: a string built per field grew the wasm.
void jstr(std::string& o, std::string_view s) {
  o += "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const char* e = s[i] == '"' ? "\\\"" : s[i] == '\\' ? "\\\\" : s[i] == '\n' ? "\\n" : nullptr;
    if (e) o += e; else o.append(s.data() + i, 1);
  }
  o += "\"";
}
// ,"k": before a field's value
std::string& key(std::string& o, const char* k) {
  o += ",\"";
  o += k;
  return o += "\":";
}
const char* kind_name(PKind k) {
  switch (k) {
    case PKind::Number: return "number";
    case PKind::Int: return "int";
    case PKind::Bool: return "bool";
    case PKind::Choice: return "choice";
    case PKind::Dim: return "dim";
    case PKind::Weight: return "weight";
  }
  return "?";
}
}  // namespace

ACTLAB_MINSIZE std::string functions_json() {
  std::string o = "[";
  for (const Fn& f : registry()) {
    o += o.size() > 1 ? ",{\"name\":" : "{\"name\":";
    jstr(o, f.name);
    jstr(key(o, "module"), f.module);
    jstr(key(o, "family"), f.family);
    if (!f.functional.empty()) jstr(key(o, "functional"), f.functional);
    key(o, "dimwise") += f.dimwise ? "true" : "false";
    key(o, "halves") += f.halves ? "true" : "false";
    if (f.index_keyed) key(o, "indexKeyed") += "true";
    if (f.activated_half >= 0) key(o, "activatedHalf") += std::to_string(f.activated_half);
    if (f.fixed_dim != kNoDim) key(o, "fixedDim") += std::to_string(f.fixed_dim);
    if (f.torch_ctor) jstr(key(o, "torchCtor"), f.torch_ctor);
    else (key(o, "torchCtor") += "\"nn.").append(f.name) += "({kwargs})\"";
    if (f.torch_def) jstr(key(o, "torchDef"), f.torch_def);
    jstr(key(o, "latex"), f.latex);
    jstr(key(o, "dlatex"), f.dlatex);
    jstr(key(o, "range"), f.range);
    key(o, "params") += "[";
    std::vector<double> defs;
    for (const Param& p : f.params) {
      o += defs.empty() ? "{\"name\":" : ",{\"name\":";
      defs.push_back(p.def);
      jstr(o, p.name);
      jstr(key(o, "kind"), kind_name(p.kind));
      key(o, "default");
      switch (p.kind) {
        case PKind::Bool: o += p.def != 0 ? "true" : "false"; break;
        case PKind::Choice: jstr(o, p.choices[size_t(p.def)]); break;
        default: json_number(o, p.def);
      }
      if (std::isfinite(p.min)) json_number(key(o, "min"), p.min);
      if (std::isfinite(p.max)) json_number(key(o, "max"), p.max);
      json_number(key(o, "lo"), p.lo);
      json_number(key(o, "hi"), p.hi);
      if (p.torch == PTorch::None) key(o, "torch") += "\"none\"";
      if (p.torch == PTorch::Mode) {
        key(o, "torch") += "\"mode\"";
        jstr(key(o, "modeCode") += "[", p.mode_code[0]);
        jstr(o += ",", p.mode_code[1]);
        o += "]";
      }
      if (p.implicit_dim) {
        key(o, "implicitDim") += "[";
        for (int nd = 0; nd <= kMaxDims; ++nd) (nd ? o += "," : o) += std::to_string(p.implicit_dim[nd]);
        o += "]";
      }
      if (!p.choices.empty()) {
        key(o, "choices") += "[";
        for (size_t k = 0; k < p.choices.size(); ++k) jstr(k ? o += "," : o, p.choices[k]);
        o += "]";
      }
      jstr(key(o, "doc"), p.doc);
      o += "}";
    }
    o += "],\"kinks\":[";
    std::vector<double> k = kinks_of(f, defs.data());
    for (size_t i = 0; i < k.size(); ++i) json_number(i ? o += "," : o, k[i]);
    o += "]}";
  }
  return o + "]";
}

}  // namespace actlab
