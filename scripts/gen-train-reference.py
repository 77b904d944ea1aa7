#!/usr/bin/python3
"""Generate tests/fixtures/train.json: small networks trained by real PyTorch 1.13 with torch.optim,
the reference for tests/cpp/test_train.cpp and tests/js/train.test.js.

Each case is the training lab's PyTorch script:

    g = torch.Generator().manual_seed(data_seed)          # the dataset, apart from the network's stream
    X = torch.randn(n, d0, generator=g); R = torch.randn(d0, d_out, generator=g)
    y = (X @ R).argmax(1)        # CrossEntropyLoss: class indices
    y = (X @ R > 0).float()      # BCEWithLogitsLoss
    y = torch.sin(X @ R)         # MSELoss
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(d0, d1), act1, ..., nn.Linear(dL, d_out))   # nn.Linear's own init
    opt = torch.optim.<Name>(net.parameters(), **kwargs); loss_fn = nn.<Loss>()
    pg = torch.Generator().manual_seed(perm_seed) if perm_seed is not None else None
    while step < steps:                         # full batch when batch_size >= n
        perm = torch.randperm(n, generator=pg)  # the global generator (after the network) without perm_seed
        for i in range(0, n, batch_size):
            idx = perm[i:i + batch_size]
            opt.zero_grad()
            loss = loss_fn(net(X[idx]), y[idx])
            if l1: loss = loss + l1 * sum(m.weight.abs().sum() for m in net if isinstance(m, nn.Linear))
            loss.backward(); opt.step()

Run with Debian's interpreter (the one that has torch):  /usr/bin/python3 scripts/gen-train-reference.py

FORMAT (JSON)
  {"torch": version, "cpu_capability": ...,
   "cases": [{"name", "inputs", "hidden": [w...], "outputs", "seed", "activations": [{"name", "params"}] (one per
              hidden layer), "optimizer": {"name", "kwargs"}, "loss", "l1", "n", "batch_size", "steps",
              "perm_seed" (null: the global generator), "x": [n*d0 f32], "y": [n or n*d_out f32],
              "losses": [per step, f32], "params": [{"name", "shape", "data": [f32...]}] (after the last step)}]}
  f32 values are shortest round-trip strings (strtof gives the exact bits).
"""
import json
import os

from torch_pinned import cpu_capability  # noqa: E402  (first: pins torch's CPU dispatch)
import repo_module  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "train.json")


s32 = repo_module.load("scripts/gen-init-reference.py").s32
lab_data = repo_module.load("web/lib/train/datasets.py")  # the training lab's own datasets


def f32s(t):
    return [s32(v) for v in t.detach().reshape(-1).tolist()]


def dataset(c):
    if c.get("data"):
        # the training lab's own data: datasets.py's make_dataset, split, the x1, x2 features
        name, n, noise, seed = c["data"]
        X, y = lab_data.make_dataset(name, n, noise, seed)
        X_train, y_train, _, _ = lab_data.split(X, y, 0.5)
        x = lab_data.features(X_train, ["x1", "x2"])
        if c["loss"] == "CrossEntropyLoss":
            return x, y_train
        return x, y_train.float().reshape(-1, 1)
    g = torch.Generator().manual_seed(c["data_seed"])
    X = torch.randn(c["n"], c["inputs"], generator=g)
    R = torch.randn(c["inputs"], c["outputs"], generator=g)
    z = X @ R
    if c["loss"] == "CrossEntropyLoss":
        y = z.argmax(1)
    elif c["loss"] == "BCEWithLogitsLoss":
        y = (z > 0).float()
    else:
        y = torch.sin(z)
    return X, y


def run(c):
    X, y = dataset(c)
    torch.manual_seed(c["seed"])
    dims = [c["inputs"]] + c["hidden"] + [c["outputs"]]
    layers = []
    for i in range(len(dims) - 1):
        layers.append(nn.Linear(dims[i], dims[i + 1]))
        if i < len(dims) - 2:
            a = c["activations"][i]
            layers.append(getattr(nn, a["name"])(**a["params"]))
    net = nn.Sequential(*layers)
    opt = getattr(torch.optim, c["optimizer"]["name"])(net.parameters(), **c["optimizer"]["kwargs"])
    loss_fn = getattr(nn, c["loss"])()
    n, bs = c["n"], c["batch_size"]
    pg = torch.Generator().manual_seed(c["perm_seed"]) if c["perm_seed"] is not None else None
    losses = []
    while len(losses) < c["steps"]:
        if bs == 0 or bs >= n:
            batches = [None]
        else:
            perm = torch.randperm(n, generator=pg)
            batches = [perm[i:i + bs] for i in range(0, n, bs)]
        for idx in batches:
            if len(losses) == c["steps"]:
                break
            xb, yb = (X, y) if idx is None else (X[idx], y[idx])
            opt.zero_grad()
            loss = loss_fn(net(xb), yb)
            if c["l1"]:
                loss = loss + c["l1"] * sum(m.weight.abs().sum() for m in net if isinstance(m, nn.Linear))
            loss.backward()
            opt.step()
            losses.append(loss.item())
    params = [{"name": k, "shape": list(p.shape), "data": f32s(p)} for k, p in net.named_parameters()]
    return {"x": f32s(X), "y": f32s(y.float()), "losses": [s32(v) for v in losses], "params": params}


def case(name, opt, loss="CrossEntropyLoss", acts=("ReLU",), hidden=(8, 8), inputs=2, outputs=2, seed=0, n=100,
         batch_size=0, steps=100, l1=0.0, perm_seed=None, data_seed=1, act_params=None, data=None):
    acts = list(acts) * (len(hidden) if len(acts) == 1 else 1)
    if data:  # the rows the lab trains on: the first half of the dataset
        n = round(data[1] * 0.5)
    return {"name": name, "inputs": inputs, "hidden": list(hidden), "outputs": outputs, "seed": seed, "data": data,
            "activations": [{"name": a, "params": (act_params or {}).get(a, {})} for a in acts],
            "optimizer": {"name": opt[0], "kwargs": opt[1]}, "loss": loss, "l1": l1, "n": n,
            "batch_size": batch_size, "steps": steps, "perm_seed": perm_seed, "data_seed": data_seed}


CASES = [
    case("sgd_relu_ce", ("SGD", {"lr": 0.1})),
    case("sgd_nesterov_wd_tanh_bce", ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3}),
         loss="BCEWithLogitsLoss", acts=["Tanh"], hidden=(16, 16), outputs=1),
    case("sgd_momentum_dampening_sigmoid_mse", ("SGD", {"lr": 0.5, "momentum": 0.5, "dampening": 0.1}), loss="MSELoss",
         acts=["Sigmoid"]),
    case("sgd_maximize_relu_mse", ("SGD", {"lr": 0.01, "maximize": True}), loss="MSELoss", steps=30),
    case("adam_gelu_ce", ("Adam", {"lr": 0.01}), acts=["GELU"]),
    case("adam_amsgrad_wd_elu_bce", ("Adam", {"lr": 0.01, "weight_decay": 1e-2, "amsgrad": True}), loss="BCEWithLogitsLoss",
         acts=["ELU"], hidden=(16, 16), outputs=1),
    case("adam_betas_softplus_mse", ("Adam", {"lr": 0.005, "betas": (0.8, 0.99), "eps": 1e-6}), loss="MSELoss",
         acts=["Softplus"], seed=3),
    case("adamw_silu_mse", ("AdamW", {"lr": 0.01}), loss="MSELoss", acts=["SiLU"]),
    case("adamw_amsgrad_leaky_ce", ("AdamW", {"lr": 0.005, "amsgrad": True, "weight_decay": 0.1}), acts=["LeakyReLU"],
         act_params={"LeakyReLU": {"negative_slope": 0.1}}, inputs=4, hidden=(32, 32), outputs=3, n=128),
    case("rmsprop_tanh_ce", ("RMSprop", {"lr": 0.01}), acts=["Tanh"]),
    case("rmsprop_centered_momentum_relu_bce", ("RMSprop", {"lr": 0.005, "centered": True, "momentum": 0.9}),
         loss="BCEWithLogitsLoss", hidden=(16, 16), outputs=1),
    case("rmsprop_wd_alpha_mish_mse", ("RMSprop", {"lr": 0.01, "weight_decay": 1e-3, "alpha": 0.9}), loss="MSELoss",
         acts=["Mish"]),
    case("per_layer_relu_tanh_l1_adam", ("Adam", {"lr": 0.01}), acts=["ReLU", "Tanh"], l1=1e-3),
    case("sgd_l1_elu_bce", ("SGD", {"lr": 0.1, "momentum": 0.9}), loss="BCEWithLogitsLoss", acts=["ELU"], outputs=3, l1=1e-2),
    case("minibatch_global_adam_ce", ("Adam", {"lr": 0.01}), n=200, batch_size=32, seed=5),
    # The training lab's defaults on its own datasets (circle and spiral, 500 points, 250 train), full
    # batch, every optimizer with the page's default keywords, 100 steps.
    case("lab_circle_sgd_tanh", ("SGD", {"lr": 0.1}), acts=["Tanh"], data=("circle", 500, 0.0, 0)),
    case("lab_circle_adam_relu", ("Adam", {"lr": 0.001}), data=("circle", 500, 0.0, 0)),
    case("lab_circle_adamw_gelu", ("AdamW", {"lr": 0.001}), acts=["GELU"], data=("circle", 500, 0.0, 0)),
    case("lab_circle_rmsprop_elu", ("RMSprop", {"lr": 0.01}), acts=["ELU"], data=("circle", 500, 0.0, 0)),
    case("lab_spiral_sgd_sigmoid", ("SGD", {"lr": 0.1}), acts=["Sigmoid"], data=("spiral", 500, 0.1, 0)),
    case("lab_spiral_adam_silu", ("Adam", {"lr": 0.01}), acts=["SiLU"], hidden=(16, 16, 16), data=("spiral", 500, 0.1, 0)),
    case("lab_spiral_adamw_leaky", ("AdamW", {"lr": 0.01}), acts=["LeakyReLU"], data=("spiral", 500, 0.1, 0)),
    case("lab_spiral_rmsprop_softplus", ("RMSprop", {"lr": 0.002}), acts=["Softplus"], data=("spiral", 500, 0.1, 0)),
    case("minibatch_seeded_sgd_mse", ("SGD", {"lr": 0.05, "momentum": 0.9}), loss="MSELoss", acts=["Tanh"], n=150,
         batch_size=40, perm_seed=123, hidden=(16, 16), outputs=1),
]


def main():
    cases = []
    for c in CASES:
        cases.append({**c, **run(c)})
    doc = {"torch": torch.__version__, "cpu_capability": cpu_capability(), "cases": cases}
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)}: {len(cases)} training runs ({cpu_capability()})")


if __name__ == "__main__":
    main()
