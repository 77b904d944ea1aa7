#!/usr/bin/python3
"""Generate tests/fixtures/modules.json: whole pasted nn.Module classes and `def f(x):` functions,
written the way tutorials and blogs write them, run by real PyTorch 1.13; the reference for
tests/cpp/test_modules.cpp (compile_expr with ExprOptions::cls, cpp/include/actlab/expr.hpp).

Each source is run as Python: compiled and exec'd in a namespace holding torch, nn, F, np and
math (plus whatever it imports). The selected class ("class", "" = the first class in the
source, or its one top-level def when it has no class) is instantiated with its defaults;
parameter overrides are then applied by instantiating with them as keyword arguments (a name
that is no __init__ argument, such as a constant attribute `self.scale = 1.05`, is set on the
instance after __init__). y = m(x) for x = a float32 tensor that requires grad, and
torch.autograd.grad(y, x, g) gives dy for g = ones (f'(x)) and dx for g = the grad_output
pattern. x and g are scripts/gen-expr-reference.py's grid and pattern, imported from it.

Error cases (names starting with "error_") record what Python raises on the way: SyntaxError
subclasses when compiling (IndentationError, TabError: e.msg and e.lineno), anything else when
instantiating or calling forward (str(e), and the line of the source's innermost frame). An
error case with overrides works with the defaults (checked here): it fails only at call time.

Dim-wise modules (a reduction along self.dim) are instantiated with dim=d, then run on the
fixed [3, 7] input X (ties, +-100) with a fixed pseudo-random grad_output G.

Run with Debian's interpreter (the one that has torch):  /usr/bin/python3 scripts/gen-module-reference.py

FORMAT (JSON)
  {"torch": version, "cpu_capability": ..., "x": [float32, ...], "g": [float32, ...],
   "cases": [{"name": str, "source": str, "class": str ("" = the first), "params": {name: number},
              "y": [float32, ...], "dy": [float32, ...], "dx": [float32, ...]}
             or {"name", "source", "class", "params",
                 "error": {"type": "NameError", "message": str, "line": 1-based line or null}}, ...],
   "dimwise": [{"name": str, "source": str, "class": str, "shape": [3, 7], "dim": int,
                "x": [float32, ...], "g": [float32, ...], "y": [float32, ...], "dx": [float32, ...]}, ...]}
  Every float32 is a string holding its shortest round-trip decimal ("0.1", "-0.0", "1e-45",
  "inf", "-inf", "nan"): strtof() gives back the exact bits; dim-wise arrays are row-major.
"""
import ast
import contextlib
import inspect
import io
import json
import math
import os
import sys
import traceback
import warnings

from torch_pinned import cpu_capability  # noqa: E402  (first: pins torch's CPU dispatch)
import repo_module  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "modules.json")
FILENAME = "<paste>"  # the compiled sources' file name: finds their frames in a traceback


def tabs(src):
    """The source with each leading 4-space step as a tab: literal tabs would not survive editors."""
    out = []
    for line in src.split("\n"):
        body = line.lstrip(" ")
        out.append("\t" * ((len(line) - len(body)) // 4) + body)
    return "\n".join(out)


ELU = """\
import torch
import torch.nn as nn
import torch.nn.functional as F
import numpy as np

class ELU(nn.Module):
    def __init__(self, alpha=1.0):
        super(ELU, self).__init__()
        self.alpha=alpha
    def forward(self, x):
        temp1 = F.relu(x)
        temp2 = self.alpha * (-1*F.relu(1-torch.exp(x)))
        return temp1 + temp2
"""

SELU = """\
import torch
import torch.nn as nn

class SELU(nn.Module):
    # SELU 激活函数，论文 Self-Normalizing Neural Networks 中的两个常数
    def __init__(self):
        super(SELU, self).__init__()
        self.alpha = 1.6732632423543772848170429916717
        self.scale = 1.0507009873554804934193349852946

    def forward(self, x):
        # x > 0 时为 scale * x，否则为 scale * alpha * (exp(x) - 1)
        return self.scale * torch.where(x > 0, x, self.alpha * (torch.exp(x) - 1))
"""

SWISH_ASSERT = """\
import torch
import torch.nn as nn


class Swish(nn.Module):
    \"\"\"Swish 激活函数: f(x) = x * sigmoid(beta * x)\"\"\"

    def __init__(self, beta=1.0):
        super(Swish, self).__init__()
        assert beta != 0, "beta should not be equal to 0"
        print("使用 Swish 激活函数")
        self.beta = beta

    def forward(self, x):
        return x * torch.sigmoid(self.beta * x)
"""

SOFTPLUS = """\
import torch
import torch.nn as nn
import torch.nn.functional as F

class Softplus(nn.Module):
    def __init__(self, beta=1, threshold=20):
        super(Softplus, self).__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)
"""

SOFTPLUS_HAND = """\
import torch
from torch import nn

class MySoftplus(nn.Module):
    # 手写 softplus: beta * x 超过阈值时直接返回 x，避免 exp 溢出
    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, x):
        return torch.where(x * self.beta > self.threshold, x,
                           torch.log(1 + torch.exp(self.beta * x)) / self.beta)
"""

POWER_RELU = """\
import torch.nn as nn
import torch.nn.functional as F

class PowerReLU(nn.Module):
    def __init__(self, k=2):
        super().__init__()
        self.k = k

    def forward(self, x):
        return F.relu(x) ** self.k
"""

TWO_CLASSES = """\
import torch
import torch.nn as nn

# 两个激活函数写在同一个文件里
class Sigmoid(nn.Module):
    def forward(self, x):
        return 1 / (1 + torch.exp(-x))


class SiLU(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return x * torch.sigmoid(x)
"""

LEAKY_TWO = """\
import torch
import torch.nn as nn

class LeakyReLU(nn.Module):
    def __init__(self, negative_slope=0.01):
        super(LeakyReLU, self).__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return torch.where(x >= 0, x, x * self.negative_slope)


class PReLULike(nn.Module):
    def __init__(self, a=0.25):
        super(PReLULike, self).__init__()
        self.a = a

    def forward(self, x):
        return torch.where(x >= 0, x, self.a * x)
"""

# (name, class ("" = the first), parameter overrides, source)
CASES = [
    # --- the ELU of the brief, and overrides by the attribute's name
    ("elu_blog", "", {}, ELU),
    ("elu_blog_alpha", "", {"alpha": 0.5}, ELU),
    ("elu_blog_alpha_neg", "", {"alpha": -2.0}, ELU),
    # --- a learnable scalar (nn.Parameter(torch.tensor(...))) and an f-string print
    ("swish_learnable_parameter", "", {}, """\
import torch
import torch.nn as nn

class LearnableSwish(nn.Module):
    def __init__(self):
        super().__init__()
        self.beta = nn.Parameter(torch.tensor(1.0))  # 可学习的 beta

    def forward(self, x):
        return x * torch.sigmoid(self.beta * x)
"""),
    ("python_if_on_flags", "", {}, """\
import torch
import torch.nn as nn
import torch.nn.functional as F

class Activation(nn.Module):
    def __init__(self, kind="gelu", inplace=False):
        super().__init__()
        self.kind = kind
        self.inplace = inplace

    def forward(self, x):
        if self.kind == "relu":
            return F.relu(x, inplace=self.inplace)
        elif self.kind == "gelu":
            return F.gelu(x)
        else:
            raise ValueError(self.kind)
"""),
    ("swish_fstring_print_beta", "", {"beta": 0.25}, """\
import torch
import torch.nn as nn

class Swish(nn.Module):
    def __init__(self, beta=1.0):
        super().__init__()
        print(f"Swish(beta={beta:.2f})")
        self.beta = beta

    def forward(self, x):
        return x * torch.sigmoid(self.beta * x)
"""),
    # --- constants as attributes (SELU), overridden too
    ("selu_consts", "", {}, SELU),
    ("selu_consts_override", "", {"alpha": 2.0, "scale": 1.0}, SELU),
    # --- GELU: tanh form with numpy constants, a whole class indented with tabs
    ("gelu_tanh_np_tabs", "", {}, tabs("""\
import torch
import torch.nn as nn
import numpy as np

class GELU(nn.Module):
    def __init__(self):
        super(GELU, self).__init__()

    def forward(self, x):
        return 0.5*x*(1+torch.tanh(np.sqrt(2/np.pi)*(x+0.044715*torch.pow(x,3))))
""")),
    ("gelu_tanh_np_pow_method", "", {}, """\
import numpy as np
import torch
import torch.nn as nn

class GELU(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        # GELU 的 tanh 近似
        inner = np.sqrt(2./np.pi) * (x + 0.044715 * x.pow(3))
        return 0.5 * x * (1 + inner.tanh())
"""),
    ("gelu_erf_2space", "", {}, """\
import math
import torch
import torch.nn as nn

class GELU(nn.Module):
  def __init__(self):
    super().__init__()

  def forward(self, x):
    cdf = 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))
    return x * cdf
"""),
    ("gelu_helper_def", "", {}, """\
import math
import torch
from torch import nn


def gelu(x):
    \"\"\"Implementation of the gelu activation function.
    For information: OpenAI GPT's gelu is slightly different.
    \"\"\"
    return x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))


class GELUActivation(nn.Module):
    def forward(self, input):
        return gelu(input)
"""),
    ("gelu_new_helper_math_pi", "", {}, """\
import math

import torch
from torch import nn


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class NewGELU(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        return gelu_new(x)
"""),
    # --- Swish / SiLU
    ("swish_beta", "", {}, """\
import torch
import torch.nn as nn

class Swish(nn.Module):
    def __init__(self, beta=1.0):
        super(Swish, self).__init__()
        self.beta = beta

    def forward(self, x):
        return x * torch.sigmoid(self.beta * x)
"""),
    ("swish_assert_print", "", {}, SWISH_ASSERT),
    ("swish_assert_print_beta", "", {"beta": 1.5}, SWISH_ASSERT),
    ("silu_method_z", "", {}, """\
import torch.nn as nn

class SiLU(nn.Module):
  def __init__(self):
    super(SiLU, self).__init__()

  def forward(self, z):
    return z * z.sigmoid()
"""),
    ("swish_fsigmoid_deprecated", "", {}, """\
import torch.nn as nn
import torch.nn.functional as F

class Swish(nn.Module):
    def __init__(self, inplace=False):
        super(Swish, self).__init__()

    def forward(self, x):
        return x * F.sigmoid(x)
"""),
    ("sigmoid_math_e", "", {}, """\
import math
import torch.nn as nn

class Sigmoid(nn.Module):
    # sigmoid(x) = 1 / (1 + e^(-x))
    def forward(self, x):
        return 1 / (1 + math.e ** (-x))
"""),
    # --- Mish
    ("mish", "", {}, """\
import torch
import torch.nn as nn
import torch.nn.functional as F

class Mish(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        # Mish(x) = x * tanh(softplus(x))
        return x * torch.tanh(F.softplus(x))
"""),
    ("mish_tabs_temps", "", {}, tabs("""\
import torch
import torch.nn as nn
import torch.nn.functional as F

class Mish(nn.Module):
    def __init__(self):
        super(Mish, self).__init__()
        print("Mish activation loaded...")

    def forward(self, x):
        # 先算 softplus，再乘上 tanh
        sp = F.softplus(x)
        x = x * (sp.tanh())
        return x
""")),
    ("mish_def_temps", "", {}, """\
import torch
import torch.nn.functional as F

def mish(x):
    sp = F.softplus(x)
    t = torch.tanh(sp)
    return x * t
"""),
    # --- softplus with beta / threshold
    ("softplus_beta_threshold", "", {}, SOFTPLUS),
    ("softplus_beta_threshold_override", "", {"beta": 2, "threshold": 5}, SOFTPLUS),
    ("softplus_hand_where", "", {}, SOFTPLUS_HAND),
    ("softplus_hand_where_override", "", {"beta": 0.5, "threshold": 3.0}, SOFTPLUS_HAND),
    ("softplus_torch_nn_functional", "", {}, """\
import torch

class SoftPlus(torch.nn.Module):
    def __init__(self, beta=2.0, threshold=10.0):
        super(SoftPlus, self).__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, inputs):
        return torch.nn.functional.softplus(inputs, beta=self.beta, threshold=self.threshold)
"""),
    # --- hard sigmoid / hard swish written with clamp
    ("hard_sigmoid_clamp", "", {}, """\
import torch
import torch.nn as nn

class HardSigmoid(nn.Module):
    def __init__(self):
        super(HardSigmoid, self).__init__()

    def forward(self, x):
        # Keras 版本: 0.2 * x + 0.5，截断到 [0, 1]
        return torch.clamp(0.2 * x + 0.5, min=0., max=1.)
"""),
    ("hard_sigmoid_clamp_method", "", {}, """\
import torch.nn as nn

class Hsigmoid(nn.Module):
    def __init__(self, inplace=True):
        super(Hsigmoid, self).__init__()

    def forward(self, x):
        return (x + 3.).clamp(min=0, max=6) / 6.
"""),
    ("hard_swish_relu6", "", {}, """\
import torch.nn as nn
import torch.nn.functional as F

class Hswish(nn.Module):
    def __init__(self):
        super(Hswish, self).__init__()

    def forward(self, x):
        return x * F.relu6(x + 3.) / 6.
"""),
    # --- ReLU family through tensor methods and other argument names
    ("relu_clamp_input", "", {}, """\
import torch
import torch.nn as nn

class MyReLU(nn.Module):
    def forward(self, input):
        return input.clamp(min=0)
"""),
    ("hardtanh_clamp_inputs", "", {}, """\
import torch.nn as nn

class HardTanh(nn.Module):
  def __init__(self):
    super().__init__()

  def forward(self, inputs):
    return inputs.clamp(min=-1, max=1)
"""),
    ("leaky_relu_methods", "", {}, """\
import torch.nn as nn

class LeakyReLU(nn.Module):
    def __init__(self, negative_slope=0.1):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return x.relu() - self.negative_slope * x.neg().relu()
"""),
    ("leaky_relu_nn_functional", "", {"negative_slope": 0.2}, """\
import torch.nn as nn

class LeakyReLU(nn.Module):
    def __init__(self, negative_slope=0.01):
        super(LeakyReLU, self).__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return nn.functional.leaky_relu(x, self.negative_slope)
"""),
    ("relu6_torch_clamp", "", {}, """\
import torch
import torch.nn as nn

class ReLU6(nn.Module):
    def forward(self, x):
        return torch.clamp(x, min=0.0, max=6.0)
"""),
    # --- two classes in one file: the first by default, the second by name
    ("two_classes_first", "", {}, TWO_CLASSES),
    ("two_classes_second", "SiLU", {}, TWO_CLASSES),
    ("two_classes_leaky", "LeakyReLU", {"negative_slope": 0.3}, LEAKY_TWO),
    ("two_classes_prelu", "PReLULike", {"a": -0.5}, LEAKY_TWO),
    # --- integer defaults
    ("power_relu_int_k", "", {}, POWER_RELU),
    ("power_relu_int_k3", "", {"k": 3}, POWER_RELU),
    ("squareplus_int_b", "", {}, """\
import torch
import torch.nn as nn

class Squareplus(nn.Module):
    def __init__(self, b=4):
        super().__init__()
        self.b = b

    def forward(self, x):
        return (x + torch.sqrt(x * x + self.b)) / 2
"""),
    # --- temporaries and reassignment, other tensor methods
    ("elu_reassign_2space", "", {}, """\
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
  def __init__(self):
    super(Net, self).__init__()

  def forward(self, x):
    x = F.elu(x)
    x = x * 2 - 1
    return x
"""),
    ("tanh_by_hand_methods", "", {}, """\
import torch.nn as nn

class Tanh(nn.Module):
    def forward(self, x):
        a = x.exp()
        b = (-x).exp()
        return (a - b) / (a + b)
"""),
    ("tanh_f_deprecated", "", {}, """\
import torch.nn as nn
import torch.nn.functional as F

class TanhExp(nn.Module):
    # TanhExp: x * tanh(e^x)
    def forward(self, x):
        return x * F.tanh(x.exp())
"""),
    ("gaussian_pow_neg", "", {}, """\
import torch.nn as nn

class Gaussian(nn.Module):
    def forward(self, x):
        return x.pow(2).neg().exp()
"""),
    ("log_abs_sqrt_methods", "", {}, """\
import torch.nn as nn

class LogAbs(nn.Module):
    def forward(self, x):
        return (x.abs() + 1).log() + x.abs().sqrt()
"""),
    ("bent_identity_sqrt", "", {}, """\
import torch
import torch.nn as nn

class BentIdentity(nn.Module):
    def __init__(self):
        super(BentIdentity, self).__init__()

    def forward(self, x):
        return (torch.sqrt(x.pow(2) + 1) - 1) / 2 + x
"""),
    ("celu_hand", "", {"alpha": 0.5}, """\
import torch
import torch.nn as nn
import torch.nn.functional as F

class CELU(nn.Module):
    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        pos = F.relu(x)
        neg = -F.relu(-self.alpha * (torch.exp(x / self.alpha) - 1))
        return pos + neg
"""),
    # --- plain functions
    ("def_swish", "", {}, """\
import torch

def swish(x):
    return x * torch.sigmoid(x)
"""),
    ("def_gelu_temps", "", {}, """\
import numpy as np
import torch

def gelu(x):
    # BERT 中的 gelu
    cdf = 0.5 * (1.0 + torch.tanh((np.sqrt(2 / np.pi) * (x + 0.044715 * torch.pow(x, 3)))))
    return x * cdf
"""),
    ("def_swish_default_beta", "", {}, """\
import torch

def swish(x, beta=1.0):
    return x * torch.sigmoid(beta * x)
"""),
    # --- errors: Python's and torch's own exceptions
    ("error_name_bare_beta", "", {}, """\
import torch
import torch.nn as nn

class Swish(nn.Module):
    def __init__(self, beta=1.0):
        super(Swish, self).__init__()
        self.beta = beta

    def forward(self, x):
        return x * torch.sigmoid(beta * x)
"""),
    ("error_assert_beta_zero", "", {"beta": 0}, SWISH_ASSERT),
    ("error_assert_default", "", {}, """\
import torch.nn as nn
import torch.nn.functional as F

class PowerReLU(nn.Module):
    def __init__(self, k=0):
        super().__init__()
        assert k > 0, "k must be positive"
        self.k = k

    def forward(self, x):
        return F.relu(x) ** self.k
"""),
    ("error_unexpected_indent", "", {}, """\
import torch
import torch.nn as nn

class Swish(nn.Module):
    def forward(self, x):
        y = torch.sigmoid(x)
            return x * y
"""),
    ("error_expected_indented_block", "", {}, """\
import torch
import torch.nn as nn

class ReLU(nn.Module):
    def forward(self, x):
    return torch.clamp(x, min=0)
"""),
    ("error_unindent_mismatch", "", {}, """\
import torch
import torch.nn as nn

class Mish(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        sp = torch.nn.functional.softplus(x)
      return x * torch.tanh(sp)
"""),
    # copied from a tab-indented file into a space-indented one
    ("error_tab_mixed", "", {}, """\
import torch
import torch.nn as nn

class GELU(nn.Module):
    def forward(self, x):
        cdf = 0.5 * (1.0 + torch.erf(x / 1.4142135623730951))
\treturn x * cdf
"""),
    ("error_torch_sigmod", "", {}, """\
import torch
import torch.nn as nn

class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmod(x)
"""),
    ("error_tensor_sigmod", "", {}, """\
import torch.nn as nn

class SiLU(nn.Module):
    def forward(self, x):
        return x * x.sigmod()
"""),
    ("error_module_attribute", "", {}, """\
import torch
import torch.nn as nn

class Swish(nn.Module):
    def __init__(self, beta=1.0):
        super().__init__()
        self.b = beta

    def forward(self, x):
        return x * torch.sigmoid(self.beta * x)
"""),
]

# Dim-wise modules: (name, class, source); each is run with dim = each of DIMS.
DIMWISE = [
    ("softmax_d2l", "", """\
import torch
from torch import nn

class Softmax(nn.Module):
    # 从零实现 softmax：对每一行（dim）做指数再归一化
    def __init__(self, dim=1):
        super(Softmax, self).__init__()
        self.dim = dim

    def forward(self, X):
        X_exp = X.exp()
        partition = X_exp.sum(dim=self.dim, keepdim=True)
        return X_exp / partition  # 这里应用了广播机制
"""),
    ("softmax_stable_max", "", """\
import torch
import torch.nn as nn

class StableSoftmax(nn.Module):
    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, X):
        # 减去最大值，防止 exp 上溢
        X = X - X.max(dim=self.dim, keepdim=True)[0]
        X_exp = torch.exp(X)
        return X_exp / X_exp.sum(dim=self.dim, keepdim=True)
"""),
    ("softmax_stable_amax", "", """\
import torch
import torch.nn as nn

class Softmax(nn.Module):
    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        e = torch.exp(x - x.amax(dim=self.dim, keepdim=True))
        return e / torch.sum(e, dim=self.dim, keepdim=True)
"""),
    ("log_softmax_logsumexp", "", """\
import torch
import torch.nn as nn

class LogSoftmax(nn.Module):
    def __init__(self, dim=-1):
        super(LogSoftmax, self).__init__()
        self.dim = dim

    def forward(self, x):
        return x - torch.logsumexp(x, dim=self.dim, keepdim=True)
"""),
    ("standardize_mean", "", """\
import torch
import torch.nn as nn

class Standardize(nn.Module):
    def __init__(self, dim=-1, eps=1e-5):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, X):
        mu = X.mean(dim=self.dim, keepdim=True)
        var = ((X - mu) ** 2).mean(dim=self.dim, keepdim=True)
        return (X - mu) / torch.sqrt(var + self.eps)
"""),
    ("sigmoid_sum_normalize", "", """\
import torch
import torch.nn as nn

class SigmoidNorm(nn.Module):
    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, X):
        s = torch.sigmoid(X)
        return s / torch.sum(s, dim=self.dim, keepdim=True)
"""),
]
DIMS = [1, 0, -1]

# The dim-wise input: ties along rows (3, 3; 100, 100; 7, 7) and columns (0, 0, 0; 3, 0, 3), +-100.
X_DIM = [[1.0, 2.0, 3.0, 3.0, -1.0, 0.5, 0.0],
         [100.0, -100.0, 0.0, 100.0, 1.0, -1.0, 0.0],
         [-0.5, 0.25, 3.0, 7.0, 7.0, 1e-3, 0.0]]
G_DIM_SEED = 20240614  # RandomState's stream is frozen across numpy versions


def s32(v):
    return str(np.float32(v))


def strs(t):
    return [s32(v) for v in t.detach().reshape(-1).numpy()]


def error_record(e):
    """type, message and 1-based line: SyntaxError's own, else the innermost frame of the source."""
    if isinstance(e, SyntaxError):
        return {"type": type(e).__name__, "message": e.msg, "line": e.lineno}
    lines = [fr.lineno for fr in traceback.extract_tb(e.__traceback__) if fr.filename == FILENAME]
    return {"type": type(e).__name__, "message": str(e), "line": lines[-1] if lines else None}


def load(source, cls):
    """exec the source; the selected class (or the first, or the lone def) and the namespace."""
    ns = {"__name__": "paste", "torch": torch, "nn": nn, "F": F, "np": np, "math": math}
    exec(compile(source, FILENAME, "exec"), ns)
    if cls:
        return ns[cls]
    top = ast.parse(source).body
    classes = [n.name for n in top if isinstance(n, ast.ClassDef)]
    defs = [n.name for n in top if isinstance(n, ast.FunctionDef)]
    if classes:
        return ns[classes[0]]
    assert len(defs) == 1, "a source without a class needs exactly one def"
    return ns[defs[0]]


def instantiate(obj, params):
    """An instance with the overrides: __init__ arguments as keywords, the rest set as attributes."""
    if not inspect.isclass(obj):
        assert not params, "a def takes no overrides"
        return obj
    init_args = inspect.signature(obj.__init__).parameters
    m = obj(**{k: v for k, v in params.items() if k in init_args})
    for k, v in params.items():
        if k not in init_args:
            assert isinstance(getattr(m, k), (int, float)), k  # a constant attribute
            setattr(m, k, v)
    return m


def run_case(source, cls, params, xs, g):
    x = torch.tensor(xs, dtype=torch.float32, requires_grad=True)
    # print() in __init__ is part of the paste; F.sigmoid / F.tanh warn that they are deprecated
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = instantiate(load(source, cls), params)
        y = m(x)
    assert isinstance(y, torch.Tensor) and y.dtype == torch.float32 and y.shape == x.shape
    if y.requires_grad:
        (dy,) = torch.autograd.grad(y, x, torch.ones_like(y), retain_graph=True)
        (dx,) = torch.autograd.grad(y, x, g)
    else:
        dy = dx = torch.zeros_like(x)
    return y, dy, dx


def main():
    torch.set_num_threads(1)
    ref = repo_module.load("scripts/gen-expr-reference.py")
    xs = ref.grid()
    g = torch.tensor([ref.G[i % len(ref.G)] for i in range(len(xs))], dtype=torch.float32)
    cases = []
    for name, cls, params, source in CASES:
        case = {"name": name, "source": source, "class": cls, "params": params}
        try:
            y, dy, dx = run_case(source, cls, params, xs, g)
            case.update(y=strs(y), dy=strs(dy), dx=strs(dx))
        except Exception as e:  # noqa: BLE001  (what Python raised is the fixture)
            case["error"] = error_record(e)
        is_error = name.startswith("error_")
        assert is_error == ("error" in case), (name, case.get("error"))
        if is_error and params:
            run_case(source, cls, {}, xs, g)  # only the overrides fail: the defaults must run
        cases.append(case)

    x_dim = torch.tensor(X_DIM, dtype=torch.float32)
    g_dim = torch.tensor(np.random.RandomState(G_DIM_SEED).standard_normal(x_dim.shape).astype(np.float32))
    dimwise = []
    for name, cls, source in DIMWISE:
        for d in DIMS:
            x = x_dim.clone().requires_grad_(True)
            m = load(source, cls)(dim=d)
            y = m(x)
            assert y.shape == x.shape
            (dx,) = torch.autograd.grad(y, x, g_dim)
            dimwise.append({"name": "%s_dim%d" % (name, d), "source": source, "class": cls,
                            "shape": list(x.shape), "dim": d, "x": strs(x), "g": strs(g_dim),
                            "y": strs(y), "dx": strs(dx)})

    # round-trip check of the string format
    for v in xs:
        assert np.float32(s32(v)).tobytes() == v.tobytes() or math.isnan(v)
    doc = {"generator": "scripts/gen-module-reference.py", "torch": torch.__version__,
           "cpu_capability": cpu_capability(), "x": [s32(v) for v in xs], "g": strs(g),
           "cases": cases, "dimwise": dimwise}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"))
        f.write("\n")
    n_err = sum("error" in c for c in cases)
    print("wrote %s: %d cases (%d errors) x %d points, %d dim-wise (torch %s, %s)" % (
        os.path.relpath(OUT, ROOT), len(cases), n_err, len(xs), len(dimwise), torch.__version__,
        cpu_capability()))


if __name__ == "__main__":
    sys.exit(main())
