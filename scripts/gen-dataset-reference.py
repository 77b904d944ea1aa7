#!/usr/bin/python3
"""Generate tests/fixtures/datasets.json: the training lab's datasets as web/lib/train/datasets.py
makes them in real PyTorch 1.13, the reference for tests/cpp/test_datasets.cpp (cpp/src/datasets.cpp,
csv.cpp) and tests/js/datasets.test.js.

Run with Debian's interpreter (the one that has torch):  /usr/bin/python3 scripts/gen-dataset-reference.py

FORMAT (JSON)
  {"torch", "cpu_capability", "features": [name, ...],
   "datasets": [{"name", "n", "noise", "seed", "classes",
                 "x": [F...] (n <= 16: all rows) or "x_head": [F...] (the first 8 rows),
                 "x_fnv", "y_fnv", "features_fnv": FNV-1a 64 of the little-endian bytes of X
                 (float32 [n, 2]), y (int32 labels or float32 targets) and features(X, FEATURES),
                 "y": [int or F...] (n <= 16) or "y_head" (the first 8)}],
   "subset": {"name", "n", "noise", "seed", "names": [...], "values": [F...]}  features in a given order,
   "splits": [{"n", "ratio", "train"}]   round(n * ratio), half to even,
   "upload": {"text", "seed", "x": [F...], "y": [int...]}  a CSV's rows as read, after shuffle_upload,
   "numbers": [[text, F], ...]   CSV numbers: float(text) rounded to float32, midpoints included
                                 ("inf": beyond float32, which the reader refuses)}
  F: a float32 as its shortest round-trip decimal; strtof gives back the exact bits.
"""
import json
import os
import random
import struct

from torch_pinned import cpu_capability  # noqa: E402  (first: pins torch's CPU dispatch)
import repo_module  # noqa: E402

import torch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
D = repo_module.load("web/lib/train/datasets.py")

OUT = os.path.join(ROOT, "tests", "fixtures", "datasets.json")

# (n, noise, seed): n = 1, below and at torch.randn's 16-wide path (2n < 16, = 16), odd sizes,
# the largest; seeds past 32 bits (torch keeps the low 32).
CASES = [(1, 0.0, 0), (2, 0.1, 1), (7, 0.3, 2), (8, 0.5, 3), (15, 1.0, 4), (101, 0.25, 5),
         (1000, 0.05, 2**40 + 7), (10000, 0.2, 6)]


def f32_bytes(x):
    try:
        return struct.pack("<f", x)
    except OverflowError:  # struct refuses what rounds to FLT_MAX from above
        return None


def s32(x):
    """Shortest decimal that reads back as the float32 x."""
    if abs(x) == float("inf"):
        return "inf" if x > 0 else "-inf"
    for p in range(1, 10):
        s = "%.*g" % (p, x)
        if f32_bytes(float(s)) == f32_bytes(x):
            break
    if "e" not in s and "." not in s:
        s += ".0"
    return s


def fnv1a(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return "%016x" % h


def tensor_bytes(t):
    return b"".join(struct.pack("<i" if t.dtype == torch.int64 else "<f", v) for v in t.flatten().tolist())


def y_values(y):
    return [int(v) for v in y.tolist()] if y.dtype == torch.int64 else [s32(v) for v in y.tolist()]


def dataset_case(name, n, noise, seed, classes):
    X, y = D.make_dataset(name, n, noise, seed, classes)
    F = D.features(X, D.FEATURES)
    c = {"name": name, "n": n, "noise": noise, "seed": seed, "classes": classes if name != "plane" else 0,
         "x_fnv": fnv1a(tensor_bytes(X)), "y_fnv": fnv1a(tensor_bytes(y)), "features_fnv": fnv1a(tensor_bytes(F))}
    if n <= 16:
        c["x"] = [s32(v) for v in X.flatten().tolist()]
        c["y"] = y_values(y)
    else:
        c["x_head"] = [s32(v) for v in X[:8].flatten().tolist()]
        c["y_head"] = y_values(y[:8])
    return c


def numbers():
    """CSV numbers and float(text) as float32: plain ones, long ones, and float32 midpoints."""
    rng = random.Random(0)
    texts = ["0", "-0", "1", "-1.5", ".5", "5.", "+2.25", "1e3", "1E-3", "-2.5e+2", "007", "0.1", "3.4028234e38",
             "3.4028235677973366e38", "1e-45", "7e-46", "1.4e-45", "1.17549435e-38", "123456789012345678901234567890",
             "0.000000000000000000000000000001", "16777217", "16777219", "2147483647", "-2147483648",
             "1.00000005960464477539062500", "1.000000059604644775390625000000000000001", "1.0000000596046446"]
    for _ in range(60):
        texts.append(repr(rng.uniform(-10, 10)))
        texts.append("%.18e" % rng.uniform(-1e3, 1e3))
        bits = rng.randrange(0x00800000, 0x7f000000)
        f = struct.unpack("<f", struct.pack("<I", bits))[0]
        g = struct.unpack("<f", struct.pack("<I", bits + 1))[0]
        m = (f + g) / 2  # exact in double: float() lands on it, torch then rounds to even
        texts += ["%.40g" % m, repr(m), repr(m * (1 + 2**-52)), repr(m * (1 - 2**-52))]
    out = []
    for t in texts:
        v = torch.tensor([float(t)], dtype=torch.float32).item()
        out.append([t, s32(v)])
    return out


def main():
    doc = {"torch": torch.__version__, "cpu_capability": cpu_capability(), "features": D.FEATURES, "datasets": []}
    for name in D.DATASETS:
        for k, (n, noise, seed) in enumerate(CASES):
            classes = 2 + k % 3 if name == "gauss" else 2
            doc["datasets"].append(dataset_case(name, n, noise, seed, classes))
    X, _ = D.make_dataset("moons", 5, 0.1, 9)
    names = ["sinx2", "x1x2", "x1", "x2sq"]
    doc["subset"] = {"name": "moons", "n": 5, "noise": 0.1, "seed": 9, "names": names,
                     "values": [s32(v) for v in D.features(X, names).flatten().tolist()]}
    doc["splits"] = []
    for n, ratio in [(1, 0.5), (1, 1.0), (2, 0.5), (5, 0.5), (7, 0.5), (10, 0.75), (10, 0.85), (10000, 0.8), (9999, 0.5),
                     (3, 0.0), (101, 0.333)]:
        X, y = D.make_dataset("xor", n, 0.0, 0)
        doc["splits"].append({"n": n, "ratio": ratio, "train": len(D.split(X, y, ratio)[0])})
    text = "x1,x2,label\n" + "".join("%d.5,-%d.25,%d\n" % (i, i, i % 3 * 2 - 1) for i in range(12))
    rows = [line.split(",") for line in text.split()[1:]]
    X = torch.tensor([[float(a), float(b)] for a, b, _ in rows])
    y = torch.tensor([[-1, 1, 3].index(int(c)) for _, _, c in rows])  # labels remapped in increasing order
    X, y = D.shuffle_upload(X, y, 5)
    doc["upload"] = {"text": text, "seed": 5, "x": [s32(v) for v in X.flatten().tolist()], "y": y.tolist()}
    doc["numbers"] = numbers()
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print("wrote %s (%d datasets, %d numbers, %d bytes)" % (OUT, len(doc["datasets"]), len(doc["numbers"]), os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
