# actlab's training-lab data, as plain torch code. The page pastes this file verbatim into the
# PyTorch script it exports; cpp/src/datasets.cpp replays it bit for bit (tests/cpp/test_datasets.cpp
# holds it to tests/fixtures/datasets.json, which scripts/gen-dataset-reference.py writes from here).
#
# Shapes after TensorFlow Playground's datasets. Every number is float32 and every step is one
# correctly rounded torch op (no fused ones), so C++ gets the same bits; sin and cos are taken in
# float64 and rounded, where torch's and C's maths libraries agree (a float32 sin would not).
import math

import torch

MAX_N = 10_000
FEATURES = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2']


def _sin(t):
    return torch.sin(t.double()).float()


def _cos(t):
    return torch.cos(t.double()).float()


def _randn(g, n):
    # at least 16 numbers: torch's 16-wide float path (below 16 it takes libm's float64 route)
    return torch.randn(max(n, 8), 2, generator=g)[:n]


def circle(n, noise, g, classes=2):
    # class 1: the first ceil(n / 2) points, radius below 2.5; class 0: the ring from 3.5 to 5.
    # Labels come from the point nudged by up to 5 * noise per axis, as in the Playground.
    u = torch.rand(n, 4, generator=g)
    inner = torch.arange(n) < (n + 1) // 2
    r = torch.where(inner, u[:, 0] * 2.5, u[:, 0] * 1.5 + 3.5)
    a = u[:, 1] * (2 * math.pi)
    x1 = r * _sin(a)
    x2 = r * _cos(a)
    v1 = x1 + (u[:, 2] * 10 - 5) * noise
    v2 = x2 + (u[:, 3] * 10 - 5) * noise
    y = (v1 * v1 + v2 * v2 < 6.25).long()
    return torch.stack([x1, x2], 1), y


def xor(n, noise, g, classes=2):
    # points in [-5.3, 5.3]^2 kept 0.3 off the axes; class 1 where x1 * x2 >= 0 after the nudge
    u = torch.rand(n, 4, generator=g)
    x = u[:, :2] * 10 - 5
    x = torch.where(x > 0, x + 0.3, x - 0.3)
    v = x + (u[:, 2:] * 10 - 5) * noise
    y = (v[:, 0] * v[:, 1] >= 0).long()
    return x, y


CENTERS = [(2.0, 2.0), (-2.0, -2.0), (-2.0, 2.0), (2.0, -2.0)]


def gauss(n, noise, g, classes=2):
    # 2 to 4 Gaussian blobs at CENTERS; point i belongs to blob i % classes. The variance grows
    # from 0.5 at noise 0 to 4 at noise 0.5 (the Playground's scale) and 7.5 at noise 1.
    y = torch.arange(n) % classes
    c = torch.tensor(CENTERS[:classes])[y]
    std = math.sqrt(0.5 + 7 * noise)
    return c + _randn(g, n) * std, y


def spiral(n, noise, g, classes=2):
    # two arms of 1.75 turns out to radius 5, interleaved (point i on arm i % 2), nudged by up
    # to noise per axis
    i = torch.arange(n)
    y = i % 2
    f = (i // 2).float() / ((n + 1) // 2)
    r = f * 5
    t = f * (3.5 * math.pi) + y.float() * math.pi
    u = torch.rand(n, 2, generator=g) * 2 - 1
    x1 = r * _sin(t) + u[:, 0] * noise
    x2 = r * _cos(t) + u[:, 1] * noise
    return torch.stack([x1, x2], 1), y


def moons(n, noise, g, classes=2):
    # scikit-learn's two moons (point i on moon i % 2) at uniform angles, Gaussian noise of std
    # `noise` in moon units, then centred and scaled by 3
    y = torch.arange(n) % 2
    a = torch.rand(n, generator=g) * math.pi
    z = _randn(g, n)
    c = _cos(a)
    s = _sin(a)
    x1 = torch.where(y == 0, c, 1 - c) + z[:, 0] * noise
    x2 = torch.where(y == 0, s, 0.5 - s) + z[:, 1] * noise
    return torch.stack([(x1 - 0.5) * 3, (x2 - 0.25) * 3], 1), y


def plane(n, noise, g, classes=2):
    # regression: y = (x1 + x2) / 10 at the point nudged by up to 6 * noise per axis
    u = torch.rand(n, 4, generator=g) * 12 - 6
    x = u[:, :2]
    v = x + u[:, 2:] * noise
    y = (v[:, 0] + v[:, 1]) * 0.1
    return x.contiguous(), y


DATASETS = {'circle': circle, 'xor': xor, 'gauss': gauss, 'spiral': spiral, 'moons': moons, 'plane': plane}


def shuffle(X, y, g):
    perm = torch.randperm(len(X), generator=g)
    return X[perm], y[perm]


def make_dataset(name, n, noise, seed, classes=2):
    """(X float32 [n, 2], y): int64 labels 0..classes-1, or float32 targets for 'plane'; shuffled."""
    g = torch.Generator().manual_seed(seed)
    X, y = DATASETS[name](n, noise, g, classes)
    return shuffle(X, y, g)


def shuffle_upload(X, y, seed):
    """An uploaded CSV's rows, as read, shuffled the way make_dataset shuffles."""
    return shuffle(X, y, torch.Generator().manual_seed(seed))


def split(X, y, ratio):
    """The first round(n * ratio) rows train, the rest test."""
    k = round(len(X) * ratio)
    return X[:k], y[:k], X[k:], y[k:]


def features(X, names):
    """The network's input: one column per name of FEATURES, in the order given."""
    x1, x2 = X[:, 0], X[:, 1]
    cols = {'x1': x1, 'x2': x2, 'x1sq': x1 * x1, 'x2sq': x2 * x2, 'x1x2': x1 * x2, 'sinx1': _sin(x1), 'sinx2': _sin(x2)}
    return torch.stack([cols[k] for k in names], 1)
