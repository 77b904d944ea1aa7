// Custom activations typed in PyTorch/Python syntax, compiled once into a typed expression graph
// and evaluated on float32 buffers in cache-sized blocks with SIMD128. The derivative comes
// from automatic differentiation in the same pass: each block runs the graph forward, then
// torch's own reverse sweep (adjoint 1 at the root, derivatives.yaml's backward formulas,
// built-ins through their kernels' backward), so values, kinks, ±0, ±inf and NaN match torch
// 1.13 autograd (forward mode multiplies in the opposite order and differs where a masked
// zero meets an infinite factor; see cpp/src/expr_eval.cpp).
//
//   alpha = 0.2                                # named parameter with its default
//   F.leaky_relu(x, negative_slope=alpha) + torch.where(x > 1, x ** 2, 0.0)
//
// Language (grammar in cpp/src/expr_parse.cpp): statements separated by ';' or newlines;
// 'name = <number>' declares a parameter; the last statement is the expression in x, optionally
// after 'return' or 'lambda x:'; imports of torch / math / torch.nn.functional (as F) are
// no-ops. Numbers, x, parameters, math.pi / math.e / math.sqrt(...), + - * / ** (Python's
// precedence), comparisons (bool tensors; chained ones rejected), & | ~ on bool tensors,
// torch.where / clamp / maximum / minimum / zeros_like / ones_like / pow / exp / log / log1p /
// expm1 / sqrt / abs / sin / cos / tanh / sigmoid / erf / relu, the same as tensor methods
// (x.exp()), and F.X for every elementwise built-in of the registry with its keyword params.
// Python numbers (literals, parameters and arithmetic on them) are doubles folded once per
// call and meet tensors as float32, as Python scalars do in torch.
//
// Errors never cross the API as exceptions: compile_expr fills ExprError (message + 0-based
// character position), expr_eval returns the message.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace actlab {

// Limits, stated in the error messages that enforce them.
constexpr int kExprMaxText = 4000;    // characters
constexpr int kExprMaxDepth = 64;     // nested parentheses, calls, unary and ** operators
constexpr int kExprMaxNodes = 512;    // graph nodes
constexpr int kExprMaxParams = 16;

struct ExprParam {
  std::string name;
  double def, lo, hi;  // default; slider range [min(0, 2v), max(0, 2v)], [-1, 1] for 0
};
struct ExprError {
  std::string message;
  int pos = -1;  // 0-based character offset into the text
};

// A line of print() output from the program, or a note on code it did not run.
struct ExprPrint {
  int line = 0;  // 1-based source line
  std::string text;
  bool note = false;
};

// A paste with several nn.Module classes: which one to compile ("" = the first with a forward).
struct ExprOptions {
  std::string cls;
};

// Opaque compiled graph.
class Expr {
 public:
  struct Impl;
  explicit Expr(std::unique_ptr<Impl> impl);
  ~Expr();
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Compile; on error returns nullptr and fills err.
std::unique_ptr<Expr> compile_expr(const std::string& text, ExprError& err, const ExprOptions& opt = {});
const std::vector<ExprParam>& expr_params(const Expr&);
const std::vector<std::string>& expr_classes(const Expr&);  // every class of the source, in order
const std::string& expr_class(const Expr&);                 // the class compiled ("" for an expression or def)
const std::vector<ExprPrint>& expr_prints(const Expr&);
// Normalized rendering: parameter lines, then the expression with constants folded, every
// function spelled torch.X / F.X / math.X. Compiling it again gives the same graph; it is empty
// when it would exceed the compiler's limits (it can nest deeper than the source).
std::string expr_canonical(const Expr&);
// f(x) into f and f'(x) into df (either may be null, and either may be x itself); params in
// declaration order (null: the defaults). Returns "" or an error message (e.g. a built-in's
// parameter out of range, or Python's ZeroDivisionError in the parameters' arithmetic).
std::string expr_eval(const Expr&, const float* x, int64_t n, const double* params, float* f, float* df);
// torch.autograd.grad(f(x), x, g) into dx (may be x or g): the reverse sweep seeded with g
// instead of ones, so it is exact where f'(x) * g is not (an inf f' where g is 0, ...).
std::string expr_backward(const Expr&, const float* x, const float* g, int64_t n, const double* params, float* dx);

// Dim-wise functions: reductions along a dim (X.sum(dim=self.dim, keepdim=True), .amax, .max(dim)[0],
// .mean, torch.logsumexp) broadcast back as torch does. expr_eval / expr_backward take their input as
// one row (a 1-D tensor); these take a contiguous tensor of `shape` and reduce along `dim` (negative
// counts from the end; torch's message when out of range). Element-wise functions ignore the dim.
bool expr_dimwise(const Expr&);
int expr_default_dim(const Expr&);  // the source's dim (e.g. __init__(self, dim=1)), -1 when it names none
std::string expr_eval_dim(const Expr&, const float* x, const int64_t* shape, int ndim, int64_t dim,
                          const double* params, float* y);
std::string expr_backward_dim(const Expr&, const float* x, const float* g, const int64_t* shape, int ndim,
                              int64_t dim, const double* params, float* dx);

}  // namespace actlab
