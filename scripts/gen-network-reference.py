#!/usr/bin/python3
"""Generate tests/fixtures/network.json: the depth lab's networks built and run by real PyTorch 1.13,
the reference for tests/cpp/test_network.cpp.

Each configuration is run exactly as the page's "PyTorch code for this view" writes it:

    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(d0, d1), act, nn.Linear(d1, d2), act, ..., nn.Linear(dL, d_out))
    for m in net:                        # the chosen init, in layer order (not for 'default')
        if isinstance(m, nn.Linear):
            init(m.weight, **kwargs)
            bias_init(m.bias)            # unless bias is 'default'
    x = torch.randn(batch, d0) * std     # or (torch.rand(batch, d0) - 0.5) * (2 * std)
    target = ...                         # randn_like(out) for mse, randint(d_out, (batch,)) for ce
    out = net(x); loss.backward()

The activation runs in eval mode (RReLU's fixed slope). Per hidden layer l (the output of Linear l
is pre, act(pre) is post) the statistics are torch's, in float32:
  pre_mean, pre_std, post_mean, post_std (std is torch.std: unbiased), grad_mean, grad_std (of
  d loss / d post), grad_norm (its 2-norm), saturated (fraction of pre where |f'(pre)| < EPS with
  f' from autograd of the activation alone), dead (fraction of units whose post is exactly 0 for
  every sample);
and per Linear layer (hidden ones and the output): w_norm, w_grad_norm, ratio = w_grad_norm / w_norm.
Weights are checked bit for bit at both ends of every parameter (the first and last 8 values) and
through sum and sum of squares; the output's first 8 values and the loss too.

Run with Debian's interpreter (the one that has torch):  /usr/bin/python3 scripts/gen-network-reference.py

FORMAT (JSON)
  {"torch": version, "cpu_capability": ..., "eps": EPS,
   "cases": [{"name", "inputs", "hidden": [w...], "outputs", "batch", "seed",
              "activation": {"name", "params"}, "init": {"name", ...kwargs} | "default",
              "bias": "default" | {"name": "zeros_"} | {"name": "constant_", "val"},
              "input": {"dist": "randn" | "rand", "std"}, "loss": "sum" | "mse" | "cross_entropy",
              "params": [{"name", "shape", "head": [8 f32], "tail": [8 f32], "sum", "sumsq"}],
              "x_head": [8 f32], "out_head": [8 f32], "loss_value",
              "layers": [{"pre_mean", ..., "dead"}], "linear": [{"w_norm", "w_grad_norm", "ratio"}]}]}
  f32 values are shortest round-trip strings (strtof gives the exact bits); statistics are numbers.
"""
import json
import math
import os

from torch_pinned import cpu_capability  # noqa: E402  (first: pins torch's CPU dispatch)
import repo_module  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "network.json")
EPS = 1e-3  # the page's default shading threshold: |f'| below it counts as saturated


def act_module(name, params):
    m = getattr(nn, name)(**params)
    return m.eval()


def init_fn(spec):
    """(weight init callable) for a config's init."""
    if spec == "default":
        return None
    name = spec["name"]
    kw = {k: v for k, v in spec.items() if k != "name"}
    if name == "lecun_normal_":  # normal_(0, 1 / sqrt(fan_in)), the SELU paper's init
        return lambda w: nn.init.normal_(w, 0.0, 1.0 / math.sqrt(w.shape[1]))
    fn = getattr(nn.init, name)
    return lambda w: fn(w, **kw)


def bias_fn(spec):
    if spec == "default":
        return None
    if spec["name"] == "zeros_":
        return nn.init.zeros_
    return lambda b: nn.init.constant_(b, spec["val"])


s32 = repo_module.load("scripts/gen-init-reference.py").s32


def strs(t, n=8, tail=False):
    flat = t.detach().reshape(-1)
    part = flat[-n:] if tail else flat[:n]
    return [s32(v) for v in part.tolist()]


def run(cfg):
    torch.manual_seed(cfg["seed"])
    dims = [cfg["inputs"]] + cfg["hidden"] + [cfg["outputs"]]
    layers = []
    act = cfg["activation"]
    for i in range(len(dims) - 1):
        layers.append(nn.Linear(dims[i], dims[i + 1]))
        if i < len(dims) - 2:
            layers.append(act_module(act["name"], act["params"]))
    net = nn.Sequential(*layers)
    wi, bi = init_fn(cfg["init"]), bias_fn(cfg["bias"])
    for m in net:
        if isinstance(m, nn.Linear):
            with torch.no_grad():
                if wi:
                    wi(m.weight)
                if bi:
                    bi(m.bias)
    inp = cfg["input"]
    if inp["dist"] == "randn":
        x = torch.randn(cfg["batch"], dims[0]) * inp["std"]
    else:
        x = (torch.rand(cfg["batch"], dims[0]) - 0.5) * (2 * inp["std"])
    # forward, keeping every hidden layer's pre- and post-activation
    pres, posts = [], []
    h = x
    for m in net:
        h = m(h)
        if isinstance(m, nn.Linear):
            pres.append(h)
        else:
            posts.append(h)
        h.retain_grad()
    out = h
    if cfg["loss"] == "sum":
        loss = out.sum()
    elif cfg["loss"] == "mse":
        loss = F.mse_loss(out, torch.randn_like(out))
    else:
        loss = F.cross_entropy(out, torch.randint(cfg["outputs"], (cfg["batch"],)))
    loss.backward()
    layers_out = []
    for pre, post in zip(pres[:-1], posts):
        xp = pre.detach().clone().requires_grad_()
        d, = torch.autograd.grad(act_module(act["name"], act["params"])(xp).sum(), xp)
        g = post.grad
        layers_out.append({
            "pre_mean": pre.mean().item(), "pre_std": pre.std().item() if pre.numel() > 1 else float("nan"),
            "post_mean": post.mean().item(), "post_std": post.std().item() if post.numel() > 1 else float("nan"),
            "grad_mean": g.mean().item(), "grad_std": g.std().item() if g.numel() > 1 else float("nan"),
            "grad_norm": g.norm().item(),
            "saturated": (d.abs() < EPS).float().mean().item(),
            "dead": (post == 0).all(dim=0).float().mean().item(),
        })
    linear = []
    for m in net:
        if isinstance(m, nn.Linear):
            wn, gn = m.weight.norm().item(), m.weight.grad.norm().item()
            linear.append({"w_norm": wn, "w_grad_norm": gn, "ratio": gn / wn if wn else float("nan")})
    params = []
    for name, p in net.named_parameters():
        params.append({"name": name, "shape": list(p.shape), "head": strs(p), "tail": strs(p, tail=True),
                       "sum": p.detach().double().sum().item(), "sumsq": (p.detach().double() ** 2).sum().item()})
    return {"params": params, "x_head": strs(x), "out_head": strs(out), "loss_value": loss.item(),
            "layers": layers_out, "linear": linear}


def cfg(name, act="ReLU", hidden=(32, 32, 32), init="default", bias="default", seed=0, batch=16, inputs=8,
        outputs=4, dist="randn", std=1.0, loss="sum", act_params=None):
    return {"name": name, "inputs": inputs, "hidden": list(hidden), "outputs": outputs, "batch": batch, "seed": seed,
            "activation": {"name": act, "params": act_params or {}}, "init": init, "bias": bias,
            "input": {"dist": dist, "std": std}, "loss": loss}


CONFIGS = [
    # every init
    cfg("default_relu"),
    cfg("xavier_uniform_tanh", act="Tanh", init={"name": "xavier_uniform_", "gain": 5 / 3}),
    cfg("xavier_normal_tanh", act="Tanh", init={"name": "xavier_normal_", "gain": 5 / 3}),
    cfg("xavier_normal_gain1_sigmoid", act="Sigmoid", init={"name": "xavier_normal_", "gain": 1.0}),
    cfg("kaiming_uniform_relu", init={"name": "kaiming_uniform_", "a": 0, "mode": "fan_in", "nonlinearity": "relu"}),
    cfg("kaiming_normal_relu_fan_out", init={"name": "kaiming_normal_", "a": 0, "mode": "fan_out", "nonlinearity": "relu"}),
    cfg("kaiming_normal_leaky", act="LeakyReLU", act_params={"negative_slope": 0.2},
        init={"name": "kaiming_normal_", "a": 0.2, "mode": "fan_in", "nonlinearity": "leaky_relu"}),
    cfg("lecun_normal_selu_depth50", act="SELU", hidden=[33] * 50, init={"name": "lecun_normal_"}, batch=64),
    cfg("default_selu_depth50", act="SELU", hidden=[33] * 50, batch=64),
    cfg("normal_small_tanh", act="Tanh", init={"name": "normal_", "mean": 0.0, "std": 0.01}),
    cfg("normal_large_tanh", act="Tanh", init={"name": "normal_", "mean": 0.0, "std": 1.0}),
    cfg("uniform_relu", init={"name": "uniform_", "a": -0.5, "b": 0.5}),
    cfg("zeros_relu", init={"name": "zeros_"}),
    # activations
    cfg("sigmoid_depth20_vanishing", act="Sigmoid", hidden=[64] * 20, batch=32),
    cfg("tanh_depth20", act="Tanh", hidden=[64] * 20, batch=32),
    cfg("gelu", act="GELU", hidden=(13, 13)),
    cfg("gelu_tanh", act="GELU", act_params={"approximate": "tanh"}, hidden=(13, 13)),
    cfg("silu", act="SiLU", hidden=(7, 7, 7)),
    cfg("elu_alpha", act="ELU", act_params={"alpha": 0.5}, hidden=(7, 7, 7)),
    cfg("softplus", act="Softplus", act_params={"beta": 2.0}, hidden=(7, 7, 7)),
    cfg("mish", act="Mish", hidden=(21, 9)),
    cfg("hardtanh", act="Hardtanh", hidden=(21, 9)),
    cfg("rrelu_eval", act="RReLU", hidden=(21, 9)),
    cfg("hardswish", act="Hardswish", hidden=(21, 9)),
    cfg("relu6_rand_input", act="ReLU6", dist="rand", std=3.0),
    # biases
    cfg("dead_relu_negative_bias", bias={"name": "constant_", "val": -3.0}, init={"name": "kaiming_normal_", "a": 0,
        "mode": "fan_in", "nonlinearity": "relu"}, hidden=[64] * 5),
    cfg("zero_bias_xavier", act="Tanh", init={"name": "xavier_uniform_", "gain": 1.0}, bias={"name": "zeros_"}),
    # shapes: batch 1, widths not multiples of 4, per-layer widths, deep and wide
    cfg("batch1", batch=1, hidden=(5, 3)),
    cfg("batch1_mse", batch=1, hidden=(5, 3), loss="mse"),
    cfg("per_layer_widths", hidden=(31, 17, 9, 3), act="Tanh"),
    cfg("width1", hidden=(1, 1, 1), act="Sigmoid"),
    cfg("mse_loss", loss="mse", act="Tanh", hidden=(19, 19)),
    cfg("cross_entropy", loss="cross_entropy", outputs=10, hidden=(24, 24), batch=33),
    cfg("cross_entropy_batch1", loss="cross_entropy", outputs=3, hidden=(6,), batch=1),
    cfg("default_view_small", act="Tanh", hidden=[128] * 20, batch=64, inputs=16, outputs=10, seed=7),
    cfg("seed_1234", seed=1234, act="ELU"),
]


def nan_to_null(v):
    """JSON has no NaN: an undefined statistic (a ratio over a zero norm) is null."""
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, dict):
        return {k: nan_to_null(x) for k, x in v.items()}
    if isinstance(v, list):
        return [nan_to_null(x) for x in v]
    return v


def main():
    cases = []
    for c in CONFIGS:
        r = run(c)
        cases.append({**c, **r})
    doc = nan_to_null({"torch": torch.__version__, "cpu_capability": cpu_capability(), "eps": EPS, "cases": cases})
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)}: {len(cases)} networks ({cpu_capability()})")


if __name__ == "__main__":
    main()
