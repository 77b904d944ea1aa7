#!/usr/bin/python3
"""Generate PyTorch reference fixtures for actlab's kernels.

Writes tests/fixtures/kernels.tsv and tests/fixtures/kernels.bin (see FORMAT below).

The list of functions is NOT hard-coded: it comes from the native tool
build/native/actlab-dump (built here if missing), which prints the function table as JSON;
`actlab-dump kinks <Name> <p1> ...` gives the kink positions for a param set and
`actlab-dump check <Name> <p1> ...` the table's error for it (an empty line when valid).

Run with Debian's interpreter (the one that has torch 1.13):  /usr/bin/python3 scripts/gen-reference.py
Options:  --rebuild   rebuild actlab-dump even if it exists.

FORMAT
  kernels.bin: little-endian float32 values, concatenated.
  kernels.tsv: a '#' header line, then one line per case, tab-separated:
    name  params  shape  offset  n  m
  params: name=value pairs joined by ';' in declaration order (every declared param present);
  shape: [2,3,4] ([] for 0-d); offset in float32 elements; n = numel(x); m = numel(y).
  Data at offset: x[n], g[m] (grad_output), y[m] (forward), dx[n] (gradient w.r.t. x).

Deterministic: every random tensor comes from a torch.Generator with a fixed seed.
"""
import json
import math
import os
import re
import struct
import subprocess
import sys
import zlib

from torch_pinned import cpu_capability  # noqa: E402  (first: pins torch's CPU dispatch)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

try:
    import numpy  # noqa: F401  (tensor.numpy() needs it)
    HAVE_NUMPY = True
except ImportError:  # pragma: no cover
    HAVE_NUMPY = False

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DUMP = os.path.join(ROOT, "build", "native", "actlab-dump")
OUT_DIR = os.path.join(ROOT, "tests", "fixtures")

F32 = torch.float32


# ----------------------------------------------------------------------------- actlab-dump

def ensure_dump(rebuild=False):
    if os.path.exists(DUMP) and not rebuild:
        return
    print("building actlab-dump ...", flush=True)
    subprocess.run(["cmake", "-S", ".", "-B", "build/native", "-DCMAKE_BUILD_TYPE=Release"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", "build/native", "--target", "actlab-dump", "-j2"],
                   cwd=ROOT, check=True)


def load_table():
    out = subprocess.run([DUMP], cwd=ROOT, check=True, stdout=subprocess.PIPE).stdout
    return json.loads(out.decode("utf-8"))


def dump_arg(p, v):
    """One param value as actlab-dump's kinks and check modes take it (a number)."""
    k = p["kind"]
    if k == "choice":
        return str(p["choices"].index(v))
    if k == "bool":
        return "1" if v else "0"
    if k == "dim":
        return "nan" if v is None else str(int(v))
    if k == "int":
        return str(int(v))
    if k == "weight":
        return repr(float(v[0] if isinstance(v, (list, tuple)) else v))
    return repr(float(v))


def kinks(fn, values):
    args = [DUMP, "kinks", fn["name"]] + [dump_arg(p, values[p["name"]]) for p in fn["params"]]
    out = subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.PIPE).stdout
    return [float(k) for k in json.loads(out.decode("utf-8"))]


def table_error(fn, values):
    """The table's validation of a param set, cross-param checks included: "" when valid."""
    args = [DUMP, "check", fn["name"]] + [dump_arg(p, values[p["name"]]) for p in fn["params"]]
    return subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.PIPE).stdout.decode("utf-8").strip()


# ----------------------------------------------------------------------------- params

def default_values(fn):
    vals = {}
    for p in fn["params"]:
        d = p.get("default")
        if p["kind"] == "number":
            d = float(d)
        elif p["kind"] == "int":
            d = int(d)
        elif p["kind"] == "weight":
            d = float(d)
        vals[p["name"]] = d
    return vals


def fmt_value(p, v):
    k = p["kind"]
    if k == "choice":
        return str(v)
    if k == "bool":
        return "True" if v else "False"
    if k == "int":
        return str(int(v))
    if k == "dim":
        return "None" if v is None else str(int(v))
    if k == "weight":
        if isinstance(v, (list, tuple)):
            return ",".join(repr(float(w)) for w in v)
        return repr(float(v))
    return repr(float(v))


def params_text(fn, vals):
    return ";".join("%s=%s" % (p["name"], fmt_value(p, vals[p["name"]])) for p in fn["params"])


def number_variant(fn, p, base):
    """A non-default value inside [lo, hi] (and [min, max]) for a number param."""
    lo, hi = float(p["lo"]), float(p["hi"])
    for frac in (0.7, 0.3, 0.85, 0.15, 0.55, 0.45, 0.95):
        v = round(lo + frac * (hi - lo), 3)
        if "min" in p:
            v = max(v, float(p["min"]))
        if "max" in p:
            v = min(v, float(p["max"]))
        if v == float(p["default"]):
            continue
        vals = dict(base)
        vals[p["name"]] = v
        if not table_error(fn, vals):
            return vals
    return None


def elementwise_param_sets(fn):
    """List of (values, shape or None) for an elementwise function; None = the 1-D probe input."""
    base = default_values(fn)
    sets = [(base, None)]
    for p in fn["params"]:
        k = p["kind"]
        if k == "number":
            v = number_variant(fn, p, base)
            if v is not None:
                sets.append((v, None))
        elif k == "choice":
            for c in p["choices"]:
                v = dict(base)
                v[p["name"]] = c
                sets.append((v, None))
        elif k == "weight":
            v = dict(base)
            v[p["name"]] = -0.3
            sets.append((v, None))
            v = dict(base)
            v[p["name"]] = [0.1, -0.2, 0.5]
            sets.append((v, [2, 3, 5]))
            # [N, C]: nothing after the channel dim (a row of weights per row; C = 11 spans
            # SIMD vectors and a scalar tail)
            v = dict(base)
            v[p["name"]] = [round(0.05 * i - 0.2, 2) for i in range(11)]
            sets.append((v, [7, 11]))
        # bool / int: keep defaults (RReLU training=True is checked by properties, not fixtures)
    if fn["name"] == "Softplus":  # a threshold kink that lies inside the dense grid
        v = dict(base)
        v.update(beta=2.0, threshold=5.0)
        sets.append((v, None))
    # drop duplicates (e.g. the default choice), keep order
    seen, out = set(), []
    for vals, shape in sets:
        key = (params_text(fn, vals), str(shape))
        if key not in seen:
            seen.add(key)
            out.append((vals, shape))
    return out


# ----------------------------------------------------------------------------- torch callables

def make_callable(fn, vals):
    """The torch module as the table builds it: torchDef, torchCtor, each mode param's modeCode."""
    ns = {"torch": torch, "nn": torch.nn, "F": F}
    exec(fn.get("torchDef", ""), ns)
    named = set(re.findall(r"\{(\w+)\}", fn["torchCtor"]))
    args, channels = {}, {}
    for p in fn["params"]:
        v = vals[p["name"]]
        if p["kind"] == "weight" and isinstance(v, (list, tuple)):  # one per channel: set once built
            channels[p["name"]], v = v, p["default"]
        args[p["name"]] = v
    ns["_arg"] = args
    ns["_kw"] = {p["name"]: args[p["name"]] for p in fn["params"] if "torch" not in p and p["name"] not in named}
    m = eval(re.sub(r"\{(\w+)\}", lambda g: "**_kw" if g.group(1) == "kwargs" else "_arg[%r]" % g.group(1),
                    fn["torchCtor"]), ns)
    for name, w in channels.items():
        getattr(m, name).data = torch.tensor(w, dtype=F32)
    for p in fn["params"]:
        if p.get("torch") == "mode":
            exec(p["modeCode"][bool(vals[p["name"]])], dict(ns, f=m))
    return m


# ----------------------------------------------------------------------------- inputs

def gen(seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return g


SPECIALS = [0.0, 1e-45, 1e-40, 1e-38, 1e-7, 88.0, 88.7, 89.0, 100.0, 1e4, 3.4e38, math.inf]


def elementwise_probe(kink_list):
    parts = [torch.linspace(-20, 20, 2001, dtype=F32)]
    up = torch.tensor([math.inf], dtype=F32)
    dn = torch.tensor([-math.inf], dtype=F32)
    for k in kink_list:
        c = torch.tensor([k], dtype=F32)
        d1 = torch.nextafter(c, dn)
        d2 = torch.nextafter(d1, dn)
        u1 = torch.nextafter(c, up)
        u2 = torch.nextafter(u1, up)
        parts.append(torch.cat([d2, d1, c, u1, u2]))
    sp = []
    for s in SPECIALS:
        sp += [s, -s]
    sp.append(math.nan)
    parts.append(torch.tensor(sp, dtype=F32))
    g = gen(0)
    parts.append(torch.randn(200, generator=g, dtype=F32))
    parts.append(torch.randn(50, generator=g, dtype=F32) * 10)
    return torch.cat(parts)


def prelu_channel_input(shape):
    x = torch.randn(*shape, generator=gen(0), dtype=F32) * 3
    x.view(-1)[7] = 0.0
    x.view(-1)[29] = -0.0
    x.view(-1)[15] = 0.0
    return x


def dim_sizes_ok(fn, shape, d):
    """Is dim d (already non-negative) usable for this function and shape?"""
    if fn["halves"]:
        return len(shape) > 0 and shape[d] % 2 == 0
    return True


def dimwise_cases(fn):
    """List of (values, shape) for a dim-wise function."""
    base = default_values(fn)
    dim_p = [p for p in fn["params"] if p["kind"] == "dim"]
    if "fixedDim" in fn:  # Softmax2d: no dim param, dim -3 (3-D or 4-D input)
        return [(base, [3, 4, 6]), (base, [2, 3, 4, 6])]
    shapes = [[7], [4, 6], [3, 4, 6], [2, 3, 4, 6], [5, 1000]]
    if not fn["halves"]:
        shapes.append([])
    out = []
    for shape in shapes:
        nd = max(len(shape), 1)  # a 0-d tensor accepts dims 0 and -1
        for dp in dim_p:
            for d in range(nd):
                if not dim_sizes_ok(fn, shape, d):
                    continue
                for spelled in (d, d - nd):
                    v = dict(base)
                    v[dp["name"]] = spelled
                    out.append((v, shape))
            if dp.get("default", 0) is None:
                v = dict(base)
                v[dp["name"]] = None
                out.append((v, shape))
    return out


def resolved_dim(fn, vals, shape):
    nd = len(shape)
    if "fixedDim" in fn:
        d = fn["fixedDim"]
    else:
        d = vals["dim"]
        if d is None:
            d = next(p for p in fn["params"] if p["kind"] == "dim")["implicitDim"][nd]
    n = max(nd, 1)
    return d + n if d < 0 else d


def dimwise_input(fn, vals, shape, seed):
    g = gen(seed)
    x = torch.randn(shape, generator=g, dtype=F32) * 3
    if len(shape) == 0:
        return x
    d = resolved_dim(fn, vals, shape)
    size = shape[d]
    fibers = x.numel() // size
    if fn["family"] == "softmax":
        # -inf masks (softmin's masking value is +inf; a -inf makes its whole slice NaN there)
        mask_val = math.inf if fn["name"] == "Softmin" else -math.inf
        if size >= 2:
            r = torch.rand(shape, generator=g)
            x[r < 0.06] = mask_val
            if fn["name"] == "Softmin" and fibers >= 3:
                idx = [0] * len(shape)
                idx[d] = size - 1
                x[tuple(idx)] = -math.inf  # one -inf: softmin's whole slice becomes NaN
        if fibers >= 2:
            # one full slice along dim set to -inf (all-masked): the fiber in the middle of the other dims
            idx = tuple(slice(None) if k == d else s // 2 for k, s in enumerate(shape))
            x[idx] = -math.inf
    else:  # gating: a few large values, ±inf / NaN only in the big cases
        flat = x.view(-1)
        n = flat.numel()
        if n >= 24:
            picks = torch.randperm(n, generator=g)[:8]
            vals_big = [100.0, -100.0, 1e4, -1e4, 30.0, -30.0, 90.0, -90.0]
            for i, v in zip(picks.tolist(), vals_big):
                flat[i] = v
        if n >= 144:
            picks = torch.randperm(n, generator=g)[:3]
            for i, v in zip(picks.tolist(), [math.inf, -math.inf, math.nan]):
                flat[i] = v
    return x


# ----------------------------------------------------------------------------- run one case

def run_case(fn, vals, x, seed):
    f = make_callable(fn, vals)
    x = x.detach().clone().requires_grad_(True)
    y = f(x)
    g = torch.randn(y.shape, generator=gen(10_000 + seed), dtype=F32)
    (dx,) = torch.autograd.grad(y, x, g)
    return x.detach(), g, y.detach(), dx.detach()


def to_bytes(t):
    t = t.detach().contiguous().reshape(-1).to(F32)
    if HAVE_NUMPY:
        return t.numpy().astype("<f4").tobytes()
    return struct.pack("<%df" % t.numel(), *t.tolist())


def shape_text(shape):
    return "[" + ",".join(str(s) for s in shape) + "]"


# ----------------------------------------------------------------------------- main

def main():
    rebuild = "--rebuild" in sys.argv[1:]
    torch.set_grad_enabled(True)
    torch.set_num_threads(1)  # same reduction order every run
    print("torch", torch.__version__, "CPU capability", cpu_capability())
    ensure_dump(rebuild)
    table = load_table()

    lines = []
    chunks = []
    offset = 0
    seed = 0
    surprises = []
    total_cases = 0
    for fn in table:
        if fn["dimwise"]:
            cases = dimwise_cases(fn)
        else:
            cases = elementwise_param_sets(fn)
        ncases = nelems = 0
        for vals, shape in cases:
            # Seeded by the case itself, not its position: adding a case leaves the others' data alone.
            seed = zlib.crc32(("%s|%s|%s" % (fn["name"], params_text(fn, vals), shape)).encode()) % 1_000_000
            if fn["dimwise"]:
                x = dimwise_input(fn, vals, shape, seed)
            elif shape is not None:  # PReLU per-channel
                x = prelu_channel_input(shape)
            else:
                x = elementwise_probe(kinks(fn, vals))
            x, g, y, dx = run_case(fn, vals, x, seed)
            n, m = x.numel(), y.numel()
            exp_m = n // 2 if fn["halves"] else n
            assert m == exp_m, (fn["name"], m, exp_m)
            assert dx.shape == x.shape
            ptxt = params_text(fn, vals)
            lines.append("\t".join([fn["name"], ptxt, shape_text(list(x.shape)), str(offset), str(n), str(m)]))
            for t in (x, g, y, dx):
                chunks.append(to_bytes(t))
            offset += 2 * n + 2 * m
            ncases += 1
            nelems += n
            # NaN in outputs where no NaN went in (elementwise: per element)
            if not fn["dimwise"]:
                fin = ~torch.isnan(x.reshape(-1))
                gf = g.reshape(-1)
                ny = int((torch.isnan(y.reshape(-1)) & fin).sum())
                ndx = int((torch.isnan(dx.reshape(-1)) & fin & ~torch.isnan(gf)).sum())
                if ny or ndx:
                    bad = x.reshape(-1)[(torch.isnan(y.reshape(-1)) | torch.isnan(dx.reshape(-1))) & fin]
                    surprises.append("%s {%s}: NaN y=%d dx=%d at x=%s" % (
                        fn["name"], ptxt, ny, ndx, sorted(set(bad.tolist()))[:8]))
        total_cases += ncases
        print("%-12s %4d cases %9d elements" % (fn["name"], ncases, nelems))

    header = ("# actlab PyTorch reference fixtures, written by scripts/gen-reference.py with torch %s (CPU %s). "
              "Columns: name, params, shape, offset, n, m. kernels.bin holds little-endian float32; "
              "at offset (in floats): x[n], g[m] (grad_output), y[m] (forward), dx[n] (grad wrt x)."
              % (torch.__version__, cpu_capability()))
    os.makedirs(OUT_DIR, exist_ok=True)
    tsv = os.path.join(OUT_DIR, "kernels.tsv")
    binp = os.path.join(OUT_DIR, "kernels.bin")
    with open(tsv + ".tmp", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(header + "\n")
        for ln in lines:
            fh.write(ln + "\n")
    with open(binp + ".tmp", "wb") as fh:
        for c in chunks:
            fh.write(c)
    os.replace(tsv + ".tmp", tsv)
    os.replace(binp + ".tmp", binp)
    print("%d cases, %d floats; %s (%d bytes), %s (%d bytes)" % (
        total_cases, offset, os.path.relpath(tsv, ROOT), os.path.getsize(tsv),
        os.path.relpath(binp, ROOT), os.path.getsize(binp)))
    if surprises:
        print("NaN outputs from non-NaN inputs (elementwise):")
        for s in surprises:
            print("  " + s)


if __name__ == "__main__":
    main()
