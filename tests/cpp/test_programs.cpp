// Pasted programs (classes, defs) beyond what the torch fixtures pin: constructs outside the
// supported subset are named, the class chooser, print() output and notes, asserts checked per
// call, the work limits, and that a class compiles to the graph of its inlined expression.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "actlab/expr.hpp"

using namespace actlab;

namespace {

std::string error_of(const std::string& src, const std::string& cls = "") {
  ExprError err;
  ExprOptions o;
  o.cls = cls;
  auto e = compile_expr(src, err, o);
  return e ? "" : err.message;
}

const char* kHead = "import torch\nimport torch.nn as nn\n\nclass A(nn.Module):\n    def forward(self, x):\n";

}  // namespace

TEST_CASE("constructs outside the subset say what they are", "[expr][programs]") {
  struct Case { const char* body; const char* says; };
  const Case cases[] = {
      {"        if x > 0:\n            return x\n        return -x\n", "'if' on a tensor is not supported"},
      {"        if x.sum(dim=-1, keepdim=True) > 0:\n            return x\n        return -x\n", "'if' on a tensor is not supported"},
      {"        for i in range(3):\n            x = x * 2\n        return x\n", "'for' loops are not supported"},
      {"        while True:\n            pass\n", "'while' loops are not supported"},
      {"        with torch.no_grad():\n            pass\n        return x\n", "'with' blocks are not supported"},
      {"        try:\n            pass\n        except:\n            pass\n        return x\n", "'try' blocks are not supported"},
      {"        x += 1\n        return x\n", "augmented assignment ('+=') is an in-place operation"},
      {"        x.clamp_(min=0)\n        return x\n", "in-place operation 'Tensor.clamp_' is not supported"},
      {"        x[x < 0] = 0\n        return x\n", "indexed assignment ('x[...] = ...') is an in-place operation"},
      {"        a, b = x, x\n        return a\n", "tuple unpacking"},
      {"        y = z = x\n        return y\n", "chained assignment"},
      {"        return x, x\n", "returning a tuple is not supported"},
      {"        raise ValueError('no')\n", "'raise' statements are not supported"},
      {"        y = x * 2\n", "forward() returned None"},
      {"        return x.sum()\n", "without a dim reduces the whole tensor"},
      {"        return x / x.sum(dim=-1)\n", "keepdim=True"},
      {"        return x.sum(dim=0, keepdim=True) + x.amax(dim=1, keepdim=True)\n", "all reductions must be along the same dim"},
      {"        return x[0]\n", "indexing is not supported"},
  };
  for (const Case& c : cases) {
    const std::string msg = error_of(std::string(kHead) + c.body);
    INFO(c.body);
    CHECK(msg.find(c.says) != std::string::npos);
  }
}

TEST_CASE("the class chooser, print() output and notes", "[expr][programs]") {
  const std::string src =
      "class A(nn.Module):\n    def forward(self, x):\n        print('in A', 1.5, True)\n        return x * 2\n"
      "class B(nn.Module):\n    def __init__(self, k=3):\n        super().__init__()\n        print('k is', k)\n"
      "        self.k = k\n    def forward(self, x):\n        return x ** self.k\n"
      "m = B()\nplt.plot(x, m(x))\n";
  ExprError err;
  auto a = compile_expr(src, err);
  REQUIRE(a);
  CHECK(expr_class(*a) == "A");
  CHECK(expr_classes(*a) == std::vector<std::string>{"A", "B"});
  REQUIRE(expr_prints(*a).size() == 3);
  CHECK(expr_prints(*a)[0].text == "in A 1.5 True");
  CHECK(expr_prints(*a)[1].text == "k is 3");  // m = B() at module level runs: B's __init__ prints
  CHECK(expr_prints(*a)[2].note);              // plt.plot(...) is not run, and says so
  ExprOptions o;
  o.cls = "B";
  auto b = compile_expr(src, err, o);
  REQUIRE(b);
  CHECK(expr_class(*b) == "B");
  REQUIRE(expr_params(*b).size() == 1);
  CHECK(expr_params(*b)[0].name == "k");
  CHECK(expr_params(*b)[0].def == 3);
  o.cls = "C";
  CHECK(!compile_expr(src, err, o));
  CHECK(err.message == "no class named 'C' in the source; it defines 'A', 'B'");
}

TEST_CASE("asserts are checked with the parameters of each call", "[expr][programs]") {
  ExprError err;
  auto e = compile_expr("class S(nn.Module):\n  def __init__(self, beta=1.0):\n    super().__init__()\n"
                        "    assert beta != 0, 'beta should not be equal to 0'\n    self.beta = beta\n"
                        "  def forward(self, x):\n    return x * torch.sigmoid(self.beta * x)\n", err);
  REQUIRE(e);
  float x[2] = {1, -1}, y[2], dy[2];
  double zero = 0, two = 2;
  CHECK(expr_eval(*e, x, 2, &two, y, dy).empty());
  CHECK(expr_eval(*e, x, 2, &zero, y, dy) == "AssertionError: beta should not be equal to 0");
  CHECK(expr_backward(*e, x, x, 2, &zero, y) == "AssertionError: beta should not be equal to 0");
}

TEST_CASE("a class is the graph of its inlined expression", "[expr][programs]") {
  ExprError err;
  auto cls = compile_expr("class ELU(nn.Module):\n    def __init__(self, alpha=1.0):\n        super(ELU, self).__init__()\n"
                          "        self.alpha=alpha\n    def forward(self, x):\n        temp1 = F.relu(x)\n"
                          "        temp2 = self.alpha * (-1*F.relu(1-torch.exp(x)))\n        return temp1 + temp2\n", err);
  REQUIRE(cls);
  auto inl = compile_expr("alpha = 1.0\nF.relu(x) + alpha * (-1*F.relu(1-torch.exp(x)))", err);
  REQUIRE(inl);
  CHECK(expr_canonical(*cls) == expr_canonical(*inl));
  // temporaries used twice are one node: the canonical text spells the shared subtree twice,
  // recompiling it gives the same text back
  auto twice = compile_expr("def f(x):\n    e = torch.exp(x)\n    return e / (1 + e)\n", err);
  REQUIRE(twice);
  auto again = compile_expr(expr_canonical(*twice), err);
  REQUIRE(again);
  CHECK(expr_canonical(*again) == expr_canonical(*twice));
}

TEST_CASE("helpers calling helpers stay bounded", "[expr][programs]") {
  // 30 levels, each calling the next twice: 2^30 calls in Python; refused after a bounded amount of work
  std::string src;
  for (int i = 0; i < 30; ++i)
    src += "def f" + std::to_string(i) + "(x):\n    return f" + std::to_string(i + 1) + "(x) + f" + std::to_string(i + 1) + "(x)\n";
  src += "def f30(x):\n    return x\ndef g(x):\n    return f0(x)\n";
  const auto t0 = std::chrono::steady_clock::now();
  const std::string msg = error_of(src);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  CHECK(msg.find("program too large to run") != std::string::npos);
  WARN("30-level doubling helpers refused in " << ms << " ms");
  CHECK(error_of("def f(x):\n    return f(x)\n").find("RecursionError: maximum recursion depth exceeded") == 0);
}

TEST_CASE("dim-wise calls: torch's dim range message, element-wise functions ignore the dim", "[expr][programs]") {
  ExprError err;
  auto sm = compile_expr("def f(X):\n    e = X.exp()\n    return e / e.sum(dim=-1, keepdim=True)\n", err);
  REQUIRE(sm);
  CHECK(expr_dimwise(*sm));
  const float x[6] = {1, 2, 3, 4, 5, 6};
  float y[6];
  const int64_t shape[2] = {2, 3};
  CHECK(expr_eval_dim(*sm, x, shape, 2, 2, nullptr, y) ==
        "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
  REQUIRE(expr_eval_dim(*sm, x, shape, 2, 0, nullptr, y).empty());
  CHECK(y[0] + y[3] == Approx(1.0f));
  auto el = compile_expr("x * 2", err);
  REQUIRE(el);
  CHECK(!expr_dimwise(*el));
  REQUIRE(expr_eval_dim(*el, x, shape, 2, 1, nullptr, y).empty());
  CHECK(y[5] == 12.0f);
}

TEST_CASE("f-strings print their named fields; a learnable nn.Parameter is its number", "[expr][programs]") {
  ExprError err;
  auto e = compile_expr("class S(nn.Module):\n    def __init__(self, beta=1.5):\n        super().__init__()\n"
                        "        print(f\"beta={beta}, {beta:.3f} {{x}} {self} {nope}\", r'\\d')\n"
                        "        self.gain = nn.Parameter(torch.tensor(2.0))\n        self.beta = beta\n"
                        "    def forward(self, x):\n        return self.gain * x * torch.sigmoid(self.beta * x)\n", err);
  REQUIRE(e);
  REQUIRE(expr_prints(*e).size() == 1);
  CHECK(expr_prints(*e)[0].text == "beta=1.5, 1.500 {x} S() {nope} \\d");
  REQUIRE(expr_params(*e).size() == 2);
  CHECK(expr_params(*e)[1].name == "gain");
  CHECK(expr_params(*e)[1].def == 2.0);
  CHECK(error_of("x * torch.sigmoid(b'1')").find("SyntaxError: bytes literals are not supported") == 0);
}

TEST_CASE("if on values known at compile time picks its branch; on a slider it is refused", "[expr][programs]") {
  ExprError err;
  const std::string src =
      "class Act(nn.Module):\n    def __init__(self, inplace=False, kind='tanh', alpha=1.0):\n        super().__init__()\n"
      "        self.inplace = inplace\n        self.kind = kind\n        self.alpha = alpha\n"
      "    def forward(self, x):\n        if self.inplace:\n            raise ValueError('no')\n"
      "        elif self.kind == 'relu':\n            y = F.relu(x)\n        else:\n            y = torch.tanh(x)\n"
      "        return y * self.alpha\n";
  auto e = compile_expr(src, err);
  INFO(err.message);
  REQUIRE(e);
  CHECK(expr_canonical(*e) == "alpha = 1.0\ntorch.tanh(x) * alpha");
  const std::string on_param = "class A(nn.Module):\n    def __init__(self, alpha=1.0):\n        super().__init__()\n"
                               "        self.alpha = alpha\n    def forward(self, x):\n        if self.alpha > 0:\n"
                               "            return x\n        return -x\n";
  CHECK(error_of(on_param).find("'if' on a parameter is not supported") == 0);
  CHECK(error_of("def f(x):\n    else:\n        return x\n").find("without an 'if'") != std::string::npos);
}
