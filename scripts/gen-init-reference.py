#!/usr/bin/python3
"""Generate tests/fixtures/init.json: torch's CPU generator and torch.nn.init run by real
PyTorch 1.13, the reference for tests/cpp/test_init.cpp (cpp/include/actlab/{random,init}.hpp).

Run with Debian's interpreter (the one that has torch):  /usr/bin/python3 scripts/gen-init-reference.py

Every case is torch.manual_seed(seed) then a list of steps run in order on the default
generator, each recording what torch produced, so the C++ replay proves the values and the
stream position after each step (a step that fails must draw nothing).

FORMAT (JSON)
  {"generator", "torch", "cpu_capability",
   "gains": [{"nonlinearity": str, "param": P, "gain": D} or {..., "error": str, "type": str}],
   "cases": [{"name": str, "seed": "decimal uint64", "steps": [STEP, ...]}]}
  STEP: {"op": OP, "shape": [int, ...], "kwargs": {name: P or str}, then
         "values": [F, ...]                      all the resulting floats, or for big tensors
         "fnv": "16 hex digits", "stride": k, "values": [F, ...]
                                                 FNV-1a 64 of the floats' little-endian bytes,
                                                 and the floats at indices 0, k, 2k, ... then the
                                                 last 16
         or "error": str, "type": str            the exception (str(e), type(e).__name__)}
  OP: rand, randn (torch.rand/randn(*shape)); normal64, uniform64 (torch.empty(shape,
      dtype=torch.float64).normal_()/uniform_(): the generator's doubles, values are D);
      manual_seed (kwargs.seed); linear (nn.Linear(shape[1], shape[0], bias=kwargs.bias):
      "values" is the weight, "bias" the bias); uniform_, normal_, constant_, zeros_, ones_,
      eye_, xavier_uniform_, xavier_normal_, kaiming_uniform_, kaiming_normal_,
      trunc_normal_ (nn.init.* on torch.empty(shape)); lecun_normal_ (nn.init.normal_(w, 0,
      1 / math.sqrt(fan_in))).
  F: a float32 as its shortest round-trip decimal ("0.1", "-0.0", "1e-45", "inf", "nan");
     strtof() gives back the exact bits.
  D: a double as Python's repr ("0.1", "inf", "nan"); strtod() gives back the exact bits.
  P: a Python argument: null (None), D (a float), or {"other": str} (a non-number, e.g. True,
     whose str() torch's message shows).
Deterministic: fixed seeds, no timestamps. No numpy.
"""
import json
import math
import os
import random
import struct
import sys
import warnings

from torch_pinned import cpu_capability  # noqa: E402  (first: pins torch's CPU dispatch)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "init.json")

FULL_UP_TO = 2200       # elements (64 x 33 is 2112); bigger tensors store a checksum and a sample
SAMPLE_TARGET = 48      # about this many sampled values (plus the last 16)
SEEDS = [0, 1, 42, 1234, 2**31 - 1, 2**32 + 7, 2**64 - 1, 67280421310721, 987654321]
SHAPES = [[1, 1], [1, 7], [3, 5], [4, 4], [16, 1], [15, 1], [17, 3], [64, 33], [256, 128]]

# --------------------------------------------------------------------------------------- text


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def f32_bits(x):
    return struct.pack("<f", x)


def s32(x):
    """Shortest decimal that reads back as the float32 x."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    for p in range(1, 10):
        s = "%.*g" % (p, x)
        if f32_bits(float(s)) == f32_bits(x):
            break
    if "e" not in s and "." not in s:
        s += ".0"
    return s


def d64(x):
    return repr(float(x))


def fnv1a(values):
    h = 0xcbf29ce484222325
    for v in values:
        for b in f32_bits(v):
            h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return "%016x" % h


def record(flat, full=False):
    """The step's values: all of them, or a checksum and a sample."""
    if full or len(flat) <= FULL_UP_TO:
        return {"values": [s32(v) for v in flat]}
    stride = max(1, len(flat) // SAMPLE_TARGET)
    picked = flat[::stride] + flat[-16:]
    return {"fnv": fnv1a(flat), "stride": stride, "values": [s32(v) for v in picked]}


class Other:
    """A non-number Python argument, kept with its JSON form."""

    def __init__(self, value):
        self.value = value


def py_arg(v):
    if isinstance(v, Other):
        return v.value
    return v


def json_arg(v):
    if v is None:
        return None
    if isinstance(v, Other):
        return {"other": str(v.value)}
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return v
    return d64(v)


# --------------------------------------------------------------------------------------- steps

def lecun_normal_(w):
    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(w)
    return nn.init.normal_(w, 0, 1 / math.sqrt(fan_in))


INITS = {
    "uniform_": nn.init.uniform_, "normal_": nn.init.normal_, "constant_": nn.init.constant_,
    "zeros_": nn.init.zeros_, "ones_": nn.init.ones_, "eye_": nn.init.eye_,
    "xavier_uniform_": nn.init.xavier_uniform_, "xavier_normal_": nn.init.xavier_normal_,
    "kaiming_uniform_": nn.init.kaiming_uniform_, "kaiming_normal_": nn.init.kaiming_normal_,
    "lecun_normal_": lecun_normal_, "trunc_normal_": nn.init.trunc_normal_,
}


def run_step(op, shape, kwargs=None, full=False):
    kwargs = kwargs or {}
    step = {"op": op, "shape": list(shape), "kwargs": {k: json_arg(v) for k, v in kwargs.items()}}
    args = {k: py_arg(v) for k, v in kwargs.items()}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # kaiming's zero-element notice
            if op == "manual_seed":
                torch.manual_seed(args["seed"])
                step["kwargs"]["seed"] = str(args["seed"])
                return step
            if op in ("rand", "randn"):
                t = getattr(torch, op)(*shape)
            elif op in ("normal64", "uniform64"):
                t = torch.empty(shape, dtype=torch.float64)
                getattr(t, op[:-2] + "_")()
                step["values"] = [d64(v) for v in t.flatten().tolist()]
                return step
            elif op == "linear":
                m = nn.Linear(shape[1], shape[0], bias=args.get("bias", True))
                step.update(record(m.weight.detach().flatten().tolist(), full))
                if m.bias is not None:
                    step["bias"] = [s32(v) for v in m.bias.detach().tolist()]
                return step
            else:
                t = torch.empty(shape)
                INITS[op](t, **args)
    except Exception as e:  # noqa: BLE001  (the exception is the recorded result)
        step["error"] = str(e)
        step["type"] = type(e).__name__
        return step
    step.update(record(t.detach().flatten().tolist(), full))
    return step


cases = []


def case(name, seed, steps):
    torch.manual_seed(seed)
    out = []
    for s in steps:
        out.append(run_step(*s) if isinstance(s, tuple) else s())
    cases.append({"name": name, "seed": str(seed), "steps": out})


# ---------------------------------------------------------------------------------------- gains

def gains():
    out = []
    names = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
             "sigmoid", "tanh", "relu", "selu", "leaky_relu", "softmax", "Tanh", "", "leaky relu"]
    tries = [(n, None) for n in names]
    tries += [("leaky_relu", p) for p in [0.0, 0.01, 0.1, 0.2, 0.25, 0.3, 1.0, -0.5, 3.0, math.sqrt(5), 1e-300,
                                           1e200, -1e160, math.inf, math.nan, 1e-5]]
    tries += [("leaky_relu", Other(True)), ("leaky_relu", Other(False)), ("leaky_relu", Other("x")),
              ("relu", 0.3), ("tanh", Other(True)), ("selu", 2.0), ("nope", Other(True))]
    # slopes where Python's slope ** 2 (libm pow) is not slope * slope and the gain shows it
    r = random.Random(20240705)
    found = 0
    while found < 24:
        p = r.uniform(-1, 1)
        if p ** 2 != p * p and math.sqrt(2.0 / (1 + p ** 2)) != math.sqrt(2.0 / (1 + p * p)):
            tries.append(("leaky_relu", p))
            found += 1
    tries += [("leaky_relu", r.uniform(-1, 1)) for _ in range(40)]
    for nl, p in tries:
        g = {"nonlinearity": nl, "param": json_arg(p)}
        try:
            g["gain"] = d64(nn.init.calculate_gain(nl, py_arg(p)))
        except Exception as e:  # noqa: BLE001
            g["error"] = str(e)
            g["type"] = type(e).__name__
        out.append(g)
    return out


# ---------------------------------------------------------------------------------------- cases

# (init, kwargs) run over every shape, each with the next seed.
CONFIGS = [
    ("uniform_", {}), ("uniform_", {"a": -0.5, "b": 2.0}), ("uniform_", {"a": -3.3, "b": -1.1}),
    ("normal_", {}), ("normal_", {"mean": 0.3, "std": 0.02}), ("normal_", {"mean": -2.0, "std": 5.0}),
    ("xavier_uniform_", {}), ("xavier_uniform_", {"gain": math.sqrt(2.0)}), ("xavier_uniform_", {"gain": 5.0 / 3}),
    ("xavier_normal_", {}), ("xavier_normal_", {"gain": 0.5}),
    ("kaiming_uniform_", {}), ("kaiming_uniform_", {"a": math.sqrt(5)}),
    ("kaiming_uniform_", {"a": 0.2, "mode": "fan_out"}), ("kaiming_uniform_", {"nonlinearity": "relu"}),
    ("kaiming_uniform_", {"mode": "FAN_OUT", "nonlinearity": "tanh"}), ("kaiming_uniform_", {"a": None}),
    ("kaiming_uniform_", {"nonlinearity": "selu"}),
    ("kaiming_normal_", {}), ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", {"a": 0.1}), ("kaiming_normal_", {"nonlinearity": "sigmoid", "mode": "Fan_In"}),
    ("lecun_normal_", {}), ("linear", {}),
    ("trunc_normal_", {}), ("trunc_normal_", {"std": 0.02}), ("trunc_normal_", {"mean": 0.5, "std": 0.2, "a": 0.0, "b": 1.0}),
    ("trunc_normal_", {"mean": 1.0, "std": 3.0, "a": -1.0, "b": 0.5}),
]


def fma_witnesses():
    """normal_ on one element where torch's double fma(z, std, mean) and z * std + mean round
    to different floats: z * std + mean is made to land on a float32 midpoint."""
    out = []
    seed = 1
    while len(out) < 6:
        seed += 1
        torch.manual_seed(seed)
        v = torch.empty(1, dtype=torch.float64).normal_().item()
        if abs(v) < 0.3:
            continue
        std = 2.5 / abs(v) * 1.0000001234567
        pr = v * std
        lo = f32(0.7 + len(out) * 2**-20)
        mean = (lo + 2**-25) - pr   # exact: a multiple of the result's ulp
        from fractions import Fraction
        exact = Fraction(v) * Fraction(std) + Fraction(mean)
        if f32(float(exact)) == f32(pr + mean):
            continue
        out.append((seed, mean, std))
    return out


def main():
    torch.set_num_threads(1)
    k = 0
    for init, kw in CONFIGS:
        for shape in SHAPES:
            seed = SEEDS[k % len(SEEDS)]
            k += 1
            full = init == "normal_" and not kw and shape == [64, 33]
            case("%s %s %s" % (init, json.dumps(kw), shape), seed,
                 [(init, shape, kw, full), ("randn", [3])])
    # more shapes: 1-D and 3-D/4-D tensors (receptive fields), zero sizes
    for init, kw, shape in [("xavier_uniform_", {}, [6, 4, 3]), ("kaiming_normal_", {"mode": "fan_out"}, [8, 3, 3, 3]),
                            ("kaiming_uniform_", {}, [2, 3, 5]), ("lecun_normal_", {}, [4, 2, 2]),
                            ("uniform_", {}, [5]), ("normal_", {"std": 0.5}, [20]), ("normal_", {}, [31]),
                            ("normal_", {}, [33]), ("uniform_", {}, [0]), ("normal_", {}, [0, 3]),
                            ("kaiming_uniform_", {}, [0, 5]), ("kaiming_uniform_", {"mode": "bad"}, [0, 5]),
                            ("kaiming_normal_", {}, [3, 0]), ("xavier_uniform_", {}, [0, 4]),
                            ("constant_", {"val": 0.1}, [3, 5]), ("constant_", {"val": -2.5}, [17, 3]),
                            ("constant_", {"val": 1e40}, [2]), ("constant_", {"val": math.nan}, [2]),
                            ("constant_", {"val": 1e-46}, [2]), ("zeros_", {}, [4, 4]), ("ones_", {}, [15, 1]),
                            ("eye_", {}, [3, 5]), ("eye_", {}, [4, 4]), ("eye_", {}, [5, 2]), ("linear", {"bias": False}, [7, 5]),
                            ("linear", {}, [1, 1]), ("linear", {}, [3, 0]), ("linear", {}, [0, 3]),
                            ("normal_", {"std": math.inf}, [3]), ("normal_", {"std": math.inf}, [20]),
                            ("normal_", {"std": 0.0, "mean": 1.5}, [3]), ("normal_", {"std": 0.0, "mean": 1.5}, [20]),
                            ("uniform_", {"a": 1.5, "b": 1.5}, [4]), ("uniform_", {"a": -1e38, "b": 2e38}, [4]),
                            ("uniform_", {"a": 1e-40, "b": 3e-40}, [18]),
                            ("trunc_normal_", {"a": -math.inf, "b": math.inf}, [20]), ("trunc_normal_", {"a": -math.inf}, [5]),
                            ("trunc_normal_", {"mean": 5.0, "a": -1.0, "b": 1.0}, [20]), ("trunc_normal_", {}, [4, 3, 2])]:
        seed = SEEDS[k % len(SEEDS)]
        k += 1
        case("%s %s %s" % (init, json.dumps(kw), shape), seed, [(init, shape, kw), ("randn", [3])])
    # errors: nothing may be drawn, so the randn after is the seed's first
    for init, kw, shape in [("xavier_uniform_", {}, [5]), ("xavier_normal_", {}, []), ("lecun_normal_", {}, [5]),
                            ("kaiming_uniform_", {"mode": "fan_avg"}, [3, 5]),
                            ("kaiming_uniform_", {"mode": "Fan_Avg"}, [3, 5]),
                            ("kaiming_uniform_", {"mode": "bad"}, [5]), ("kaiming_uniform_", {}, [5]),
                            ("kaiming_normal_", {"nonlinearity": "softmax"}, [3, 5]),
                            ("kaiming_normal_", {"nonlinearity": "softmax", "mode": "x"}, [3, 5]),
                            ("kaiming_uniform_", {"a": Other(True)}, [3, 5]),
                            ("kaiming_uniform_", {"a": Other(True), "nonlinearity": "relu"}, [3, 5]),
                            ("kaiming_uniform_", {"a": 1e200}, [3, 5]), ("kaiming_uniform_", {"a": math.nan}, [3, 5]),
                            ("kaiming_uniform_", {"a": math.inf}, [3, 5]),
                            ("xavier_uniform_", {}, [0, 0]), ("lecun_normal_", {}, [3, 0]),
                            ("xavier_uniform_", {"gain": -1.0}, [3, 5]), ("xavier_normal_", {"gain": -1.0}, [3, 5]),
                            ("xavier_uniform_", {"gain": math.nan}, [3, 5]),
                            ("uniform_", {"a": 2.0, "b": 1.0}, [3]), ("uniform_", {"a": -math.inf}, [3]),
                            ("uniform_", {"b": math.inf}, [3]), ("uniform_", {"a": -3e38, "b": 3e38}, [3]),
                            ("uniform_", {"a": math.nan}, [3]), ("uniform_", {"a": 0.1, "b": 1 / 3}, [3]),
                            ("uniform_", {"a": 1 / 3, "b": 0.1}, [3]), ("uniform_", {"a": 1e-7, "b": -2.5e20}, [3]),
                            ("normal_", {"std": -1.0}, [3]), ("normal_", {"std": -1.0}, [20]),
                            ("normal_", {"std": math.nan}, [3]), ("normal_", {"std": -1e-10}, [3]),
                            ("eye_", {}, [2, 3, 4]), ("eye_", {}, [4]),
                            ("trunc_normal_", {"std": 0.0}, [3]), ("trunc_normal_", {"std": -1.0}, [3]),
                            ("trunc_normal_", {"a": 2.0, "b": -2.0}, [3]), ("trunc_normal_", {"a": math.nan}, [3]),
                            ("trunc_normal_", {"a": -1e39}, [3])]:
        case("error %s %s %s" % (init, json.dumps({k2: json_arg(v) for k2, v in kw.items()}), shape), 7,
             [(init, shape, kw), ("randn", [3])])

    # streams: rand/randn sizes below, at and above 16, ragged, with the Box-Muller cache
    # carried between the small ones
    sizes = [1, 2, 3, 15, 16, 17, 31, 32, 33, 47, 100, 1000]
    for seed in SEEDS:
        steps = []
        for i, n in enumerate(sizes):
            steps.append(("randn", [n]))
            if i % 3 == 0:
                steps.append(("rand", [n + 4]))
        steps += [("randn", [2, 3]), ("rand", [4099]), ("randn", [4099]), ("randn", [5])]
        case("stream", seed, steps)
    # the generator's doubles: normal_distribution<double> (log, sin, cos of libm) and uniform
    for seed in SEEDS[:4]:
        case("doubles", seed, [("normal64", [15]), ("uniform64", [7]), ("normal64", [1]), ("normal64", [3])])

    # the cache: normal_ of 15 (8 pairs: one sine left over) then of 3 uses it first with its
    # own mean and std; a >= 16 fill in between leaves it alone; manual_seed drops it
    case("cache 15 then 3", 11, [("normal_", [15], {"mean": 0.5, "std": 2.0}), ("normal_", [3], {"mean": -1.0, "std": 0.1})])
    case("cache 15, randn 20, 3", 12, [("normal_", [15]), ("randn", [20]), ("normal_", [3], {"mean": 3.0, "std": 0.5})])
    case("cache across rand", 13, [("randn", [1]), ("rand", [3]), ("randn", [1]), ("randn", [1])])
    case("manual_seed clears the cache", 14, [("randn", [1]), ("manual_seed", [], {"seed": 14}), ("randn", [2])])
    case("manual_seed 64-bit", 2**32 + 7, [("randn", [3]), ("manual_seed", [], {"seed": 7}), ("randn", [3])])
    case("cache kept by uniform_", 15, [("normal_", [1]), ("uniform_", [5]), ("kaiming_normal_", [1, 3]),
                                        ("xavier_normal_", [1, 1])])
    for seed, mean, std in fma_witnesses():
        case("scalar normal_ fuses z*std+mean", seed, [("normal_", [1], {"mean": mean, "std": std})])

    # the depth lab's construction order: Sequential(Linear(5, 7), Tanh(), Linear(7, 3)), a
    # custom init pass over modules (weight, then bias), then a draw after it
    for seed in [0, 42, 2024]:
        torch.manual_seed(seed)
        steps = []
        model = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3))
        params = dict(model.named_parameters())
        assert list(params) == ["0.weight", "0.bias", "2.weight", "2.bias"]
        for i in (0, 2):
            m = model[i]
            steps.append({"op": "linear", "shape": [m.out_features, m.in_features], "kwargs": {},
                          "values": [s32(v) for v in params["%d.weight" % i].detach().flatten().tolist()],
                          "bias": [s32(v) for v in params["%d.bias" % i].detach().tolist()]})
        for m in model.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_normal_(m.weight)
                nn.init.zeros_(m.bias)
                steps.append({"op": "xavier_normal_", "shape": list(m.weight.shape), "kwargs": {},
                              "values": [s32(v) for v in m.weight.detach().flatten().tolist()]})
                steps.append({"op": "zeros_", "shape": list(m.bias.shape), "kwargs": {},
                              "values": [s32(v) for v in m.bias.detach().tolist()]})
        x = torch.randn(4, 5)
        steps.append({"op": "randn", "shape": [4, 5], "kwargs": {}, "values": [s32(v) for v in x.flatten().tolist()]})
        cases.append({"name": "Sequential(Linear(5, 7), Tanh(), Linear(7, 3)) + xavier_normal_/zeros_ + randn(4, 5)",
                      "seed": str(seed), "steps": steps})
    # a deeper default-initialised net, then its input
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(64, 33), nn.ReLU(), nn.Linear(33, 16), nn.GELU(), nn.Linear(16, 1))
    steps = []
    for m in model:
        if isinstance(m, nn.Linear):
            step = {"op": "linear", "shape": [m.out_features, m.in_features], "kwargs": {}}
            step.update(record(m.weight.detach().flatten().tolist()))
            step["bias"] = [s32(v) for v in m.bias.detach().tolist()]
            steps.append(step)
    x = torch.randn(8, 64)
    step = {"op": "randn", "shape": [8, 64], "kwargs": {}}
    step.update(record(x.flatten().tolist()))
    steps.append(step)
    cases.append({"name": "Sequential(Linear(64, 33), ReLU(), Linear(33, 16), GELU(), Linear(16, 1)) + randn(8, 64)",
                  "seed": "3", "steps": steps})

    doc = {"generator": "scripts/gen-init-reference.py", "torch": torch.__version__, "cpu_capability": cpu_capability(),
           "gains": gains(), "cases": cases}
    text = json.dumps(doc, separators=(",", ":")) + "\n"
    with open(OUT, "w") as f:
        f.write(text)
    nsteps = sum(len(c["steps"]) for c in cases)
    nvals = sum(len(s.get("values", [])) + len(s.get("bias", [])) for c in cases for s in c["steps"])
    nerr = sum(1 for c in cases for s in c["steps"] if "error" in s)
    print("wrote %s: %d cases, %d steps (%d errors), %d values, %d gains, %d bytes (torch %s, %s)" % (
        os.path.relpath(OUT, ROOT), len(cases), nsteps, nerr, nvals, len(doc["gains"]), len(text),
        torch.__version__, cpu_capability()))


if __name__ == "__main__":
    sys.exit(main())
