#!/usr/bin/python3
"""Generate tests/fixtures/expr.json: custom expressions (cpp/include/actlab/expr.hpp) evaluated
by real PyTorch 1.13 autograd, the reference for tests/cpp/test_expr.cpp.

The expression language is a subset of Python, so each case's text is run as Python itself:
every statement but the last executes (parameters, imports), parameter overrides are applied,
then the last statement is evaluated with x = a float32 tensor that requires grad, and
torch.autograd.grad(y, x, g) gives dy for g = ones (f'(x)) and dx for g = the fixed grad_output
pattern G below (zeros, signs, huge values: for expr_backward). Both are zeros when y does not
depend on x.

Run with Debian's interpreter (the one that has torch):  /usr/bin/python3 scripts/gen-expr-reference.py

FORMAT (JSON)
  {"torch": version, "cpu_capability": ..., "x": [float32, ...], "g": [float32, ...],
   "cases": [{"text": str, "params": {name: number} (overrides, may be empty),
              "y": [float32, ...], "dy": [float32, ...], "dx": [float32, ...]}, ...]}
  Every float32 is a string holding its shortest round-trip decimal ("0.1", "-0.0", "1e-45",
  "inf", "-inf", "nan"): strtof() gives back the exact bits. All cases share the x grid.
"""
import ast
import json
import math
import os
import sys

from torch_pinned import cpu_capability  # noqa: E402  (first: pins torch's CPU dispatch)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "expr.json")

# (text, parameter overrides). The first 26 are the list; the rest pin down rules
# (zero gradients through infinite local derivatives, pow's masks, rdiv, methods, ...).
CASES = [
    ("torch.where(x > 0, x, torch.exp(x) - 1)", {}),
    ("x * torch.sigmoid(x)", {}),
    ("beta = 1.0; torch.log(1 + torch.exp(beta * x)) / beta", {}),
    ("x * torch.tanh(F.softplus(x))", {}),
    ("0.5 * x * (1 + torch.erf(x / math.sqrt(2)))", {}),
    ("torch.clamp(x, min=0)", {}),
    ("torch.maximum(x, 0.1 * x)", {}),
    ("torch.abs(x)", {}),
    ("x ** 2", {}),
    ("x ** 3 - 2 * x", {}),
    ("torch.sqrt(torch.abs(x))", {}),
    ("torch.sin(x) + torch.cos(x)", {}),
    ("F.gelu(x, approximate='tanh') * 2", {}),
    ("alpha = 0.2; F.leaky_relu(x, negative_slope=alpha)", {}),
    ("F.elu(x, alpha=2.0) - F.relu(x)", {}),
    ("torch.where(x < -1, -1.0, torch.where(x > 1, 1.0, x))", {}),
    ("x / (1 + torch.abs(x))", {}),
    ("torch.minimum(x, torch.zeros_like(x))", {}),
    ("F.hardswish(x) + F.hardsigmoid(x)", {}),
    ("x * (x > 0)", {}),
    ("torch.exp(-x ** 2)", {}),
    ("torch.log1p(torch.exp(x))", {}),
    ("(x > 0) * x + (x <= 0) * 0.01 * x", {}),
    ("x ** 0", {}),
    ("2 ** x", {}),
    ("torch.clamp(x, -2, 2) ** 2", {}),
    # parameters overridden
    ("beta = 1.0; torch.log(1 + torch.exp(beta * x)) / beta", {"beta": 0.5}),
    ("alpha = 0.2; F.leaky_relu(x, negative_slope=alpha)", {"alpha": -0.5}),
    ("k = 3\nscale = 0.5\nscale * x ** k", {"k": 2.0, "scale": -1.5}),
    ("import torch\nimport torch.nn.functional as F\n\n# Swish-like with a learnable-looking beta\n"
     "beta = 1.5\nx * torch.sigmoid(beta * x)", {}),
    # an exact zero gradient meeting an infinite local derivative is NaN in reverse mode
    ("torch.clamp(torch.exp(x), max=5.0)", {}),
    ("F.relu(-torch.exp(x))", {}),
    ("torch.exp(x) ** 0", {}),
    ("torch.minimum(torch.exp(x), torch.zeros_like(x))", {}),
    # pow: tensor exponents, scalar bases, special exponents
    ("x ** x", {}),
    ("0 ** x", {}),
    ("0.5 ** (x / 4)", {}),
    ("torch.abs(x) ** 0.5 - x ** -2", {}),
    ("x ** 1.5 + torch.abs(x) ** 2.5", {}),
    ("torch.pow(torch.abs(x) + 1, -x / 3)", {}),
    # number / tensor is reciprocal(t) * number; quotients of tensors
    ("2 / x", {}),
    ("0.3 / (x * x + 1) + x / 3", {}),
    ("torch.sin(x) / x", {}),
    # elementary functions and domains
    ("torch.log(x) + torch.expm1(x) / 4", {}),
    ("torch.cos(3 * x) * torch.exp(-torch.abs(x) / 4)", {}),
    # every built-in of the table, through F.X
    ("F.softplus(x, beta=2, threshold=5) + F.celu(x, alpha=0.5) + F.selu(x)", {}),
    ("F.hardtanh(x, -2., 2.) * F.threshold(x, 0.5, -1.0)", {}),
    ("F.silu(x) - F.mish(x) + F.logsigmoid(x) * F.softsign(x)", {}),
    ("F.tanhshrink(x) + F.softshrink(x, 0.5) - F.hardshrink(x, lambd=1.0) + F.relu6(x)", {}),
    ("F.rrelu(x) + torch.tanh(x) * torch.sigmoid(x) + F.gelu(x)", {}),
    # logic, methods, lambda, ties
    ("torch.where((x > -2) & (x < 2), torch.sin(3 * x), x / 2)", {}),
    ("torch.where(~(x > 0) | (x == 3), x * x, -x)", {}),
    ("x.clamp(min=-1).exp() - x.abs().sqrt()", {}),
    ("lambda x: torch.maximum(x, x ** 2)", {}),
    ("torch.clamp(x, min=-1, max=1) + torch.clamp(x, max=-3)", {}),
]


# grad_output for the dx arrays, repeated over x
G = [1.0, -2.0, 0.0, 0.5, 1e30, -0.0, 3.0, -1e-3, 1e-30]


def f32(v):
    return np.float32(v)


def grid():
    """[-10, 10] step 0.1, branch-switch points and their float32 neighbours, specials."""
    xs = [f32(i / 10) for i in range(-100, 101)]
    kinks = [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 5, 6, 2.5, -2.5, 20]
    for k in kinks:
        k = f32(k)
        xs += [k, np.nextafter(k, f32(math.inf)), np.nextafter(k, f32(-math.inf))]
    specials = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e-30, -1e-30, 1e-45, -1e-45, 1e-38,
                1e30, -1e30, 3e38, -3e38, 3.4028234663852886e38, -3.4028234663852886e38,
                88.0, 88.72, 88.73, 89.0, 100.0, -87.0, -88.0, -100.0, -103.0, -104.0, -150.0,
                1e4, -1e4, 4096.5, -5000.0, 1e8, -1e8, 30.0, -30.0, 15.5, -15.5, 1e-4, -1e-4,
                math.pi, -math.pi, 1.5707964, 3.1415927]
    xs += [f32(v) for v in specials]
    # dedupe by bits, keep order
    seen, out = set(), []
    for v in xs:
        b = np.array([v], dtype=np.float32).view(np.uint32)[0]
        if b not in seen:
            seen.add(b)
            out.append(v)
    return np.array(out, dtype=np.float32)


def run_case(text, params, xs):
    tree = ast.parse(text)
    body = tree.body
    assert body and isinstance(body[-1], ast.Expr), text
    ns = {"torch": torch, "math": math, "F": F}
    exec(compile(ast.Module(body=body[:-1], type_ignores=[]), "<expr>", "exec"), ns)
    for k, v in params.items():
        assert k in ns, (text, k)
        ns[k] = v
    x = torch.tensor(xs, dtype=torch.float32, requires_grad=True)
    ns["x"] = x
    y = eval(compile(ast.Expression(body=body[-1].value), "<expr>", "eval"), ns)
    if callable(y) and not isinstance(y, torch.Tensor):
        y = y(x)
    if not isinstance(y, torch.Tensor):
        y = torch.full_like(x, float(y))
    g = torch.tensor([G[i % len(G)] for i in range(len(xs))], dtype=torch.float32)
    if y.requires_grad:
        (dy,) = torch.autograd.grad(y, x, torch.ones_like(y), retain_graph=True)
        (dx,) = torch.autograd.grad(y, x, g)
    else:
        dy = dx = torch.zeros_like(x)
    return y.detach().to(torch.float32).numpy(), dy.detach().numpy(), dx.detach().numpy(), g.numpy()


def s32(v):
    return str(np.float32(v))


def main():
    torch.set_num_threads(1)
    xs = grid()
    cases = []
    g = None
    for text, params in CASES:
        y, dy, dx, g = run_case(text, params, xs)
        cases.append({"text": text, "params": params, "y": [s32(v) for v in y], "dy": [s32(v) for v in dy],
                      "dx": [s32(v) for v in dx]})
    # round-trip check of the string format
    for v in xs:
        assert np.float32(s32(v)).tobytes() == v.tobytes() or math.isnan(v)
    doc = {"generator": "scripts/gen-expr-reference.py", "torch": torch.__version__,
           "cpu_capability": cpu_capability(), "x": [s32(v) for v in xs], "g": [s32(v) for v in g],
           "cases": cases}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print("wrote %s: %d cases x %d points (torch %s, %s)" % (os.path.relpath(OUT, ROOT), len(cases), len(xs),
                                                             torch.__version__, cpu_capability()))


if __name__ == "__main__":
    sys.exit(main())
