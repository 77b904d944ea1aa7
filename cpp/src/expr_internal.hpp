// Internals of custom expressions (expr.hpp), shared by expr_parse.cpp (text -> graph),
// expr_graph.cpp (typed node construction, constant folding, canonical text) and
// expr_eval.cpp (block-wise SIMD evaluation with forward-mode derivatives).
//
// The graph is a DAG of hash-consed nodes in topological order (operands before users). Two
// value kinds:
//   scalar — a Python number (double): literals, parameters and arithmetic on them; folded
//            once per call (constants already at compile time), with Python's rules;
//   tensor — float32 elementwise over x, optionally bool dtype (comparisons), optionally
//            carrying a derivative ("grad": depends on x the way torch's requires_grad does).
// A scalar meets a tensor as float32 (float(value)), like a Python scalar in a torch op.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "actlab/expr.hpp"
#include "actlab/registry.hpp"

namespace actlab {
namespace ex {

// ------------------------------------------------------------------ tokens (expr_parse.cpp)
// Sep is ';' or a newline outside brackets; Indent / Dedent follow a newline whose next line
// starts deeper / shallower (Python's tokenizer); End closes every token list.
enum class Tok : uint8_t { Num, Name, Str, Op, Sep, Indent, Dedent, End };

struct Token {
  Tok kind = Tok::End;
  std::string text;   // Num: the spelling; Name / Op / Sep; Str: decoded
  double num = 0;
  bool integer = false;
  bool fstring = false;  // Str: an f-string (print() fills in its {name} fields)
  int pos = 0;        // byte offset
};

// The whole text as tokens, End last; false with err (message, byte offset) at a bad token.
bool tokenize(const std::string& text, std::vector<Token>& out, ExprError& err);

enum class Op : uint8_t {
  // leaves
  Const, Param, X, ZerosLike, OnesLike,
  // unary arithmetic
  Neg, Recip, Not,
  // binary arithmetic / logic
  Add, Sub, Mul, Div, Pow, And, Or,
  // comparisons (bool result, no derivative)
  Lt, Le, Gt, Ge, Eq, Ne,
  // elementary functions: torch.X on tensors, math.X on numbers
  Exp, Log, Log1p, Expm1, Sqrt, Abs, Sin, Cos, Erf, Tanh,
  // selection
  Where, Clamp, Maximum, Minimum,
  // a registry kernel (F.X, torch.relu/sigmoid/tanh on tensors)
  Builtin,
  // reductions along the function's dim, kept and broadcast back (keepdim=True): dim-wise functions
  Sum, Mean, Amax, MaxDim, LogSumExp,
};
inline bool is_reduction(Op op) { return op >= Op::Sum && op <= Op::LogSumExp; }

// How a function node was spelled, so the canonical text can say torch.relu vs F.relu.
enum class Spell : uint8_t { Torch, F, Math, Py };

struct Node {
  Op op = Op::Const;
  bool tensor = false;   // float32 tensor; false: Python number (double)
  bool grad = false;     // tensor whose derivative w.r.t. x is tracked
  bool boolean = false;  // bool dtype (tensor) / Python bool (number)
  bool integer = false;  // Python int constant (printing only)
  Spell spell = Spell::Torch;
  int a = -1, b = -1, c = -1;  // operands; Clamp: a = input, b = min (or -1), c = max (or -1)
  double value = 0;      // Const: the number; Param: its index
  int fn = -1;           // Builtin: index into registry()
  std::vector<int> args; // Builtin: one scalar node per registry param (declaration order)
  int pos = 0;           // source position (first token of the construct)
};

// An assert on the parameters: its scalar node must be true when the function is evaluated.
struct Check {
  int node = -1;
  std::string message;  // "AssertionError: ..."
  int pos = 0;
};

struct Graph {
  std::vector<Node> nodes;
  int root = -1;
  std::vector<ExprParam> params;
  std::vector<Check> checks;
  bool dimwise = false;  // has reductions: evaluated row by row along a dim
  int dim = -1;          // the source's dim (the default; the caller chooses)
};

// Python-number arithmetic for scalar nodes: operands' values in v[0..2]. Returns false and
// sets err (Python's exception text, e.g. "ZeroDivisionError: float division by zero").
bool scalar_apply(const Node& n, const double* v, double& out, std::string& err);

// The F.X signature of a registry entry: the registry params F.X accepts (RReLU's seed is
// actlab's, not torch's) and how many leading arguments it requires.
struct FSig {
  const Fn* fn = nullptr;
  int index = -1;                 // registry index
  std::vector<int> params;        // registry param indices, in F.X's positional order
  int nreq = 1;                   // input and the params torch has no default for
};
const FSig* find_fsig(const std::string& functional);
const Fn* find_functional(const std::string& functional);  // callable in expressions or not
const std::vector<FSig>& fsigs();

// Python repr of a float/int constant (shortest round-trip), math.inf / math.nan for specials.
std::string py_number(double v, bool integer);

// Canonical text of a graph (see expr_canonical).
std::string canonical_text(const Graph& g);

// ------------------------------------------------------------------ graph construction
// A parsed operand: a node, a string literal (choice arguments such as approximate='tanh'),
// or None (clamp's bounds).
struct Val {
  enum Kind : uint8_t { Node, Str, None } kind = Node;
  int node = -1;
  std::string str;
  int pos = 0;
};
struct CallArg {
  std::string kw;  // "" for a positional argument
  Val v;
  int pos = 0;     // start of the argument (its keyword if any)
};

// What a dotted name refers to: a module (torch, torch.nn, math, F...), a function, a constant.
enum class Attr : uint8_t { Module, Func, Const, Missing };
// module is a canonical module path ("torch", "torch.nn", "torch.nn.functional", "math").
// On Func, qualified is the spelling the builder takes ("torch.exp", "F.elu", "math.sqrt").
Attr lookup_attr(const std::string& module, const std::string& name, std::string& qualified, double& value);
// Closest known attribute of a module (or tensor method, module == "Tensor") within a small
// edit distance, or "".
std::string suggest_attr(const std::string& module, const std::string& name);
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);
bool is_method(const std::string& name);  // x.exp(), x.clamp(min=0), ...

// Builds the typed graph: type checks, hash-consing, folding of constant subtrees. Every
// method returns a node index, or -1 after filling err (message + position).
class Builder {
 public:
  explicit Builder(ExprError& err) : err_(err) {}
  Graph g;

  int constant(double v, bool integer, bool boolean, int pos);
  int param(int index, int pos);
  int input(int pos);
  int unary(const std::string& op, int a, int pos);            // "-", "+", "~"
  int binary(const std::string& op, int a, int b, int pos);    // + - * / ** & | < <= > >= == !=
  // func: qualified name from lookup_attr, or "abs"; self >= 0 for a method call x.f(...).
  int call(const std::string& func, int fpos, int self, const std::vector<CallArg>& args, int end_pos);
  // Node-count limit over the final (reachable from the root or a check) graph; compacts it and
  // drops the parameters flagged in `prunable` that nothing reads. false on error.
  bool finish(int root, const std::vector<bool>& prunable = {});
  double value(int node) const { return dval_[size_t(node)]; }  // a scalar's value with default parameters
  bool fail(const std::string& msg, int pos);
  int bad(const std::string& msg, int pos) { fail(msg, pos); return -1; }

 private:
  ExprError& err_;
  std::vector<double> dval_;  // scalar nodes' values with the parameters' defaults
  int add(Node n);
  int fold_or_add(Node n);
  int arith(Op op, int a, int b, int pos);
  int elementary(Op op, const std::string& name, Spell spell, int a, int pos);
  int builtin(const FSig& sig, const std::string& name, Spell spell, const std::vector<Val>& vals, int fpos);
  int power(int a, int b, int pos);
  int where(int c, int a, int b, int pos);
  int clamp(int a, int lo, int hi, int pos);
  int minmax(Op op, int a, int b, int pos);
 public:
  int reduce(Op op, int a, int pos);  // a reduction along the function's dim (see Graph::dim)
};

// Evaluation plan built once at compile time (expr_eval.cpp). Per block of `block` floats:
// a forward sweep computes every tensor node's value block, then (when the derivative is
// wanted) a reverse sweep from the root (adjoint 1) computes adjoint blocks with torch's
// backward formulas; the adjoint of x is f'(x).
struct Plan {
  int block = 256;                       // floats per block, sized so all live blocks stay in cache
  std::vector<int> order;                // tensor nodes in evaluation order
  std::vector<int> vslot;                // per node: value slot (-1: none; x reads the input)
  std::vector<int> broadcast;            // scalar nodes read by tensor ops (a constant block each)
  std::vector<int> scalars;              // non-constant scalar nodes in order (per-call folding)
  std::vector<int> builtins;             // Builtin nodes (validated per call)
  std::vector<int> rorder;               // nodes on a derivative path, reverse order (root first)
  std::vector<int> gslot;                // per node: adjoint slot (-1: none)
  std::vector<uint8_t> first;            // per node: bit 0/1 set when its edge to a/b writes the
                                         // operand's adjoint (first contribution) instead of adding
  int x_node = -1;                       // the input's node (-1: the expression ignores x)
  int nslots = 0;                        // slot 0: ones; the last two: scratch
};
Plan make_plan(const Graph& g);

}  // namespace ex

struct Expr::Impl {
  ex::Graph g;
  ex::Plan plan;
  std::string canonical;
  std::vector<std::string> classes;
  std::string cls;
  std::vector<ExprPrint> prints;
};

}  // namespace actlab
