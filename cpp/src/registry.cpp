// Assembles the table from the family files, validates calls and exports the table as JSON.
#include "actlab/registry.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

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
      if (f.module != "torch.nn" && !f.torch_ctor) std::abort();  // nn.<name> is only torch.nn's
      for (size_t i = 0; i < f.params.size(); ++i) {
        f.defaults[i] = f.params[i].def;
        if (f.params[i].kind == PKind::Weight) { f.default_weight = float(f.params[i].def); f.n_default_weight = 1; }
        if (std::isnan(f.params[i].def) && !f.params[i].implicit_dim) std::abort();  // a None default needs the dim it means
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

std::vector<double> kinks_of(const Fn& f, const double* params) {
  return f.kinks ? f.kinks(params) : std::vector<double>{};
}

namespace {
std::string jstr(const std::string& s) {
  std::string r = "\"";
  for (char ch : s) {
    switch (ch) {
      case '"': r += "\\\""; break;
      case '\\': r += "\\\\"; break;
      case '\n': r += "\\n"; break;
      default: r += ch;
    }
  }
  return r + "\"";
}
std::string jnum(double v) {
  if (!std::isfinite(v)) return "null";
  return fmt_num(v);
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

std::string functions_json() {
  std::string o = "[";
  bool first = true;
  for (const Fn& f : registry()) {
    if (!first) o += ",";
    first = false;
    o += "{\"name\":" + jstr(f.name) + ",\"module\":" + jstr(f.module) + ",\"family\":" + jstr(f.family);
    if (!f.functional.empty()) o += ",\"functional\":" + jstr(f.functional);
    o += ",\"dimwise\":" + std::string(f.dimwise ? "true" : "false");
    o += ",\"halves\":" + std::string(f.halves ? "true" : "false");
    if (f.index_keyed) o += ",\"indexKeyed\":true";
    if (f.cheap) o += ",\"cheap\":true";
    if (f.activated_half >= 0) o += ",\"activatedHalf\":" + std::to_string(f.activated_half);
    if (f.fixed_dim != kNoDim) o += ",\"fixedDim\":" + std::to_string(f.fixed_dim);
    o += ",\"torchCtor\":" + (f.torch_ctor ? jstr(f.torch_ctor) : jstr("nn." + f.name + "({kwargs})"));
    if (f.torch_def) o += ",\"torchDef\":" + jstr(f.torch_def);
    o += ",\"latex\":" + jstr(f.latex) + ",\"dlatex\":" + jstr(f.dlatex) + ",\"range\":" + jstr(f.range);
    o += ",\"params\":[";
    std::vector<double> defs;
    for (size_t i = 0; i < f.params.size(); ++i) {
      const Param& p = f.params[i];
      defs.push_back(p.def);
      if (i) o += ",";
      o += "{\"name\":" + jstr(p.name) + ",\"kind\":" + jstr(kind_name(p.kind));
      std::string d;
      switch (p.kind) {
        case PKind::Bool: d = p.def != 0 ? "true" : "false"; break;
        case PKind::Choice: d = jstr(p.choices[size_t(p.def)]); break;
        default: d = jnum(p.def);
      }
      o += ",\"default\":" + d;
      if (std::isfinite(p.min)) o += ",\"min\":" + jnum(p.min);
      if (std::isfinite(p.max)) o += ",\"max\":" + jnum(p.max);
      o += ",\"lo\":" + jnum(p.lo) + ",\"hi\":" + jnum(p.hi);
      if (p.torch == PTorch::None) o += ",\"torch\":\"none\"";
      if (p.torch == PTorch::Mode)
        o += ",\"torch\":\"mode\",\"modeCode\":[" + jstr(p.mode_code[0]) + "," + jstr(p.mode_code[1]) + "]";
      if (p.implicit_dim) {
        o += ",\"implicitDim\":[";
        for (int nd = 0; nd <= kMaxDims; ++nd) o += (nd ? "," : "") + std::to_string(p.implicit_dim[nd]);
        o += "]";
      }
      if (!p.choices.empty()) {
        o += ",\"choices\":[";
        for (size_t k = 0; k < p.choices.size(); ++k) o += (k ? "," : "") + jstr(p.choices[k]);
        o += "]";
      }
      o += ",\"doc\":" + jstr(p.doc) + "}";
    }
    o += "],\"kinks\":[";
    std::vector<double> k = kinks_of(f, defs.data());
    for (size_t i = 0; i < k.size(); ++i) o += (i ? "," : "") + jnum(k[i]);
    o += "]}";
  }
  return o + "]";
}

}  // namespace actlab
