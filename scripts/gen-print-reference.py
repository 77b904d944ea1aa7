#!/usr/bin/python3
"""Ground truth for the tensor console (web/lib/tensor.js): real PyTorch evaluates console inputs
and prints them; the results go to tests/fixtures/print.json.

Run with Debian's interpreter, the one that has torch 1.13:

    /usr/bin/python3 scripts/gen-print-reference.py

Every case is a text the console accepts. The script runs it as Python (statements, the last
expression is the result; a bare list or number goes through torch.tensor) and records:
  ok cases:    dtype, shape, the values (base64 of the raw little-endian bytes, or a sha256 of
               them for big tensors) and str(t), printed with the case's print options;
  error cases: torch's/Python's exception type and message.
Deterministic: fixed seeds, no timestamps.
"""
import ast
import base64
import hashlib
import json
import math
import os
import random
import sys

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'print.json')
HASH_ABOVE = 4096  # elements; bigger tensors store a sha256 of their bytes instead of the bytes
DEFAULT_OPTS = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)

rng = random.Random(20240613)
cases = []


# ------------------------------------------------------------------------------------------ text

def f32(x):
    return float(np.float32(x))


def num_text(x, dtype='float32'):
    """Shortest text that Python (double, then float32) and the console read back as x."""
    if dtype == 'bool':
        return 'True' if x else 'False'
    if dtype == 'int64':
        return str(int(x))
    if math.isnan(x):
        return 'nan'
    if math.isinf(x):
        return 'inf' if x > 0 else '-inf'
    s = repr(np.float32(x))
    if s.startswith('np.'):  # numpy >= 2 style, not expected with Debian's 1.24
        s = str(np.float32(x))
    if float(np.float32(float(s))) != x or (x == 0 and math.copysign(1, float(s)) != math.copysign(1, x)):
        s = repr(float(x))  # exact double of the float32: always reads back exactly
    if float(s) == int(float(s)) and 'e' not in s and 'inf' not in s and '.' not in s:
        s += '.'
    return s


def nested(flat, shape, dtype='float32', sep=', '):
    """Nested-list literal of flat values in row-major order."""
    if len(shape) == 0:
        return num_text(flat[0], dtype)
    step = len(flat) // shape[0] if shape[0] else 0
    parts = [nested(flat[i * step:(i + 1) * step], shape[1:], dtype, sep) for i in range(shape[0])]
    return '[' + sep.join(parts) + ']'


def magnitudes(n, lo, hi, signs='mixed', r=rng):
    out = []
    for _ in range(n):
        v = 10 ** r.uniform(lo, hi)
        if signs == 'mixed' and r.random() < 0.5:
            v = -v
        out.append(f32(v))
    return out


# ------------------------------------------------------------------------------------ evaluation

def run(text):
    """The console's semantics in Python: statements in order, the last one is the result."""
    tree = ast.parse(text)
    ns = {'torch': torch, 'math': math, 'inf': math.inf, 'nan': math.nan, 'tensor': torch.tensor}
    *head, last = tree.body
    exec(compile(ast.Module(body=head, type_ignores=[]), '<console>', 'exec'), ns)
    if isinstance(last, ast.Assign):
        exec(compile(ast.Module(body=[last], type_ignores=[]), '<console>', 'exec'), ns)
        value = ns[last.targets[0].id]
    else:
        value = eval(compile(ast.Expression(last.value), '<console>', 'eval'), ns)
    if not isinstance(value, torch.Tensor):
        value = torch.tensor(value)
    return value


DTYPE = {torch.float32: 'float32', torch.int64: 'int64', torch.bool: 'bool'}
DEFAULT_THREADS = torch.get_num_threads()


def add(text, note='', opts=None, threads=None, requires_grad=False):
    """Record torch's result (or error) for one console input."""
    opts = dict(opts or {})
    entry = {'text': text}
    if note:
        entry['note'] = note
    torch.set_printoptions(**{**DEFAULT_OPTS, **opts})
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        t = run(text)
        if requires_grad:  # printed with torch's suffix; the console passes it as an option
            t.requires_grad_(True)
            entry['suffixes'] = ['requires_grad=True']
        entry['dtype'] = DTYPE[t.dtype]
        entry['shape'] = list(t.shape)
        raw = t.detach().contiguous().numpy().tobytes()
        if t.numel() > HASH_ABOVE:
            entry['sha256'] = hashlib.sha256(raw).hexdigest()
        else:
            entry['data'] = base64.b64encode(raw).decode()
        entry['str'] = str(t)
    except Exception as e:  # noqa: BLE001 -- torch's own exception is the expectation
        entry['error'] = str(e)
        entry['pyType'] = type(e).__name__
    finally:
        torch.set_printoptions(profile='default', sci_mode=None)
        torch.set_num_threads(DEFAULT_THREADS)
    if opts:
        entry['opts'] = opts
    if threads is not None:
        entry['threads'] = threads
    cases.append(entry)


def literal_case(flat, shape, note, dtype='float32', wrap=True, **kw):
    body = nested(flat, shape, dtype, sep=', ' if len(flat) < 200 else ',')
    add(f'torch.tensor({body})' if wrap else body, note, **kw)


# ------------------------------------------------------------------------------------------ cases

def formatter_cases():
    # Magnitude bands, each crossing one rule of _Formatter (fixed / sci / int mode).
    bands = [(-8, -5), (-5, -3.5), (-4.2, -3.8), (-4, 0), (-1, 1), (0, 3), (2, 5), (3, 7.9), (7.9, 8.1),
             (7, 10), (-8, 10), (-3, 3)]
    for lo, hi in bands:
        for n in (1, 2, 5, 9):
            for signs in ('pos', 'mixed'):
                literal_case(magnitudes(n, lo, hi, signs), [n], f'magnitudes 1e{lo}..1e{hi} {signs}')
    # ratio max/min just around 1000 (the sci-mode switch)
    for ratio in (999.0, 999.99, 1000.0, 1000.01, 1001.0):
        literal_case([f32(1.5), f32(1.5 * ratio)], [2], f'ratio {ratio}')
        literal_case([f32(2.0), f32(2.0 * ratio)], [2], f'int-mode ratio {ratio}')
    # integral values: int mode, its widths and its sci switch (max > 1e8)
    for vals in ([1, 2, 3], [-1, 0, 1], [0, 0, 0], [100, -2000, 3], [1e8, 1], [1e8 + 8, 1], [1.5e8, 2, 3],
                 [123465, 1, 1e9], [123455, 1, 1e9], [-7, 16777216], [1e7, 1e4, -1e5], [3e10, -2e10]):
        literal_case([f32(v) for v in vals], [len(vals)], 'integral')
    # half-way cases: Python rounds ties to even, JavaScript's toFixed away from zero
    for vals in ([0.03125, 0.09375, 0.15625, 0.21875], [-0.03125, 1.5, 2.40625], [0.5, 1.5, 2.5, 1e-5],
                 [12345.5, 1, 1e-4 * 3], [0.96875, 0.5], [1.03125, 100.46875], [0.00015625, 1],
                 [1234.5, 0.25], [2.5, 3.5, 1e9 + 0.5]):
        literal_case([f32(v) for v in vals], [len(vals)], 'ties')
    # nan / inf / -0 in every mode
    specials = [
        [math.nan], [math.inf], [-math.inf], [-0.0], [0.0], [math.nan, math.inf, -math.inf],
        [math.nan, 1.0], [math.nan, 1.5], [-0.0, 1.0], [-0.0, 1.5], [-0.0, 0.0], [math.inf, 1e-5],
        [-math.inf, 1e10, 1.0], [math.nan, -0.0, 2.0, 3.25], [1e-7, -0.0, math.nan], [math.inf, -math.inf, 0.5],
        [math.nan, 100.0, -1000.0], [1.0, 2.0, math.inf, math.nan, -0.0],
    ]
    for vals in specials:
        literal_case([f32(v) for v in vals], [len(vals)], 'specials')
    for vals in ([math.nan], [-0.0], [math.inf], [1.5], [-2.0], [1e-9], [123456789.0], [0.0]):
        add(f'torch.tensor({num_text(f32(vals[0]))})', '0-d')
    # shapes 0-d .. 6-d with a few kinds of values
    shapes = [[1], [3], [1, 1], [2, 3], [3, 1], [1, 4], [2, 2, 2], [1, 3, 1], [2, 1, 3, 2], [2, 2, 2, 2, 2],
              [1, 2, 1, 2, 1, 2], [2, 3, 1, 1, 2, 2], [4, 5], [2, 3, 4]]
    for i, shape in enumerate(shapes):
        n = math.prod(shape)
        kind = i % 3
        if kind == 0:
            flat = magnitudes(n, -2, 2)
        elif kind == 1:
            flat = [f32(rng.randint(-50, 50)) for _ in range(n)]
        else:
            flat = magnitudes(n, -6, 6)
        literal_case(flat, shape, f'shape {shape}')
    # rows wider than linewidth=80: wrapping with indents at each depth
    for n, (lo, hi) in [(30, (-1, 1)), (17, (-6, 3)), (40, (0, 2)), (12, (6, 9)), (25, (-9, -5))]:
        literal_case(magnitudes(n, lo, hi), [n], 'wide row')
    for shape, (lo, hi) in [([2, 20], (-1, 1)), ([2, 2, 15], (-5, 5)), ([3, 13], (0, 3)), ([2, 1, 1, 1, 1, 16], (-2, 2))]:
        literal_case(magnitudes(math.prod(shape), lo, hi), shape, 'wide rows nested')
    literal_case([f32(rng.randint(-10 ** 6, 10 ** 6)) for _ in range(50)], [50], 'wide integral row')
    # summarization: more than 1000 elements -> edge items and '...'
    for shape, (lo, hi) in [([1000], (-1, 1)), ([1001], (-1, 1)), ([1001], (-6, 6)), ([10, 101], (-2, 2)),
                            ([101, 10], (0, 1)), ([7, 7, 21], (-3, 3)), ([3, 4, 5, 6, 7], (-1, 1)),
                            ([2, 3, 4, 5, 6, 2], (-1, 1)), ([1, 1001], (-2, 2)), ([1001, 1], (-2, 2)),
                            ([6, 6, 6, 6], (-1, 1)), ([7, 7, 7, 7], (-1, 1))]:
        literal_case(magnitudes(math.prod(shape), lo, hi), shape, f'summarized {shape}')
    # the summarized formatter only sees the edges: a tiny middle value must not switch to sci
    flat = [f32(1.5)] * 3 + [f32(1e-9)] * 1000 + [f32(2.5)] * 3
    literal_case(flat, [1006], 'summarized: hidden middle')
    literal_case([f32(rng.randint(-999, 999)) for _ in range(1200)], [1200], 'summarized integral')


def int_bool_cases():
    for vals in ([1, 2], [0], [-5, 10, 300], [2 ** 53, -(2 ** 53)], [0, -0], [7] * 12, list(range(-20, 20)),
                 [10 ** 15, 1, -1]):
        literal_case(vals, [len(vals)], 'int64', dtype='int64')
    literal_case(list(range(24)), [2, 3, 4], 'int64 3-d', dtype='int64')
    literal_case([rng.randint(-10 ** 9, 10 ** 9) for _ in range(1500)], [30, 50], 'int64 summarized', dtype='int64')
    add('torch.tensor(3)', 'int64 0-d')
    add('torch.tensor(-12345678901)', 'int64 0-d')
    add('[True, False]', 'bool')
    add('[[True], [False]]', 'bool 2-d')
    add('torch.tensor(True)', 'bool 0-d')
    add('[True, True]', 'bool all true')
    add('[True, 1]', 'bool+int -> int64')
    add('[True, 1.5]', 'bool+float -> float32')
    add(nested([rng.random() < 0.5 for _ in range(1100)], [1100], 'bool', sep=','), 'bool summarized')
    add('torch.full((3, 2), True)', 'full bool')
    add('torch.full((0,), True)', 'empty bool')
    add('torch.full((2, 3), 7)', 'full int64')


def empty_cases():
    for text in ['[]', '[[]]', '[[], []]', '[[[]]]', 'torch.tensor([])', 'torch.zeros(0)', 'torch.zeros(0, 3)',
                 'torch.zeros(2, 0, 4)', 'torch.ones(3, 0)', 'torch.arange(0)', 'torch.arange(0.0)',
                 'torch.linspace(0, 1, 0)', 'torch.tensor([]).view(0, 5)', 'torch.arange(0).view(2, 0, 3)',
                 'torch.zeros((0,))', 'torch.full((1, 0), 2)', 'torch.randn(0)', 'torch.arange(0).reshape(0, 1, 1, 1, 1, 1)',
                 '[[], [1]]']:
        add(text if 'randn' not in text else 'torch.manual_seed(0); ' + text, 'empty')


def factory_cases():
    # linspace: random ranges and sizes, including the vectorized/scalar boundaries
    for _ in range(36):
        a = rng.choice([0, 1, -1, 0.1, -3.7, 1e-3, 123.456, round(rng.uniform(-10, 10), 3), round(rng.uniform(-1e4, 1e4), 2)])
        b = rng.choice([1, 10, 2.5, -0.3, 1e5, round(rng.uniform(-10, 10), 4), round(rng.uniform(-1e3, 1e3), 1)])
        n = rng.choice([2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 50, 64, 100, 101, 257])
        add(f'torch.linspace({a}, {b}, {n})', 'linspace')
    for text in ['torch.linspace(0, 1, 1)', 'torch.linspace(-5, 5, 2)', 'torch.linspace(0, 1, steps=11)',
                 'torch.linspace(start=-1, end=1, steps=5)', 'torch.linspace(-math.pi, math.pi, 9)',
                 'torch.linspace(0, float("nan"), 3)', 'torch.linspace(float("-inf"), 0, 3)',
                 'torch.linspace(True, 2, 3)', 'torch.linspace(-3, 3, 1500)', 'torch.linspace(0, 1, 5000)',
                 'torch.linspace(-8, 8, 2000).view(40, 50)', 'torch.linspace(0, 1, 5, dtype=torch.float32)',
                 'torch.linspace(1e-3, 1e3, 7)', 'torch.linspace(10, -10, 21)']:
        add(text, 'linspace')
    # above at::internal::GRAIN_SIZE (32768) torch splits the work among its threads, which moves
    # the vectorized/scalar boundaries: the console takes the thread count as an option
    for n in (40000, 100001):
        for threads in (1, 2, 3, 4):
            add(f'torch.linspace(-7.5, 3.25, {n})', f'linspace above GRAIN_SIZE, {threads} threads', threads=threads)
    # arange: int64 and float paths, vector/scalar tails, steps that are not representable
    for text in ['torch.arange(5)', 'torch.arange(1, 10, 2)', 'torch.arange(10, 0, -3)', 'torch.arange(-4, 4)',
                 'torch.arange(end=5)', 'torch.arange(start=2, end=5)', 'torch.arange(0., 5)', 'torch.arange(2.5)',
                 'torch.arange(1, 2.5)', 'torch.arange(0, 1, 0.1)', 'torch.arange(-1, 1, 0.1)', 'torch.arange(0, 1, 1/3)',
                 'torch.arange(-1, 1, 1/3)', 'torch.arange(0, 2, 0.25)', 'torch.arange(-3.7, 1.9, 0.3)',
                 'torch.arange(0, 100, 0.7)', 'torch.arange(1000, dtype=torch.float32)', 'torch.arange(1001)',
                 'torch.arange(-2.5, 2.5, 0.01)', 'torch.arange(0, 5, 1, dtype=torch.float32)',
                 'torch.arange(5, -5, -0.5)', 'torch.arange(0, 1e-3, 1e-4)', 'torch.arange(1e6, 1e6 + 20)',
                 'torch.arange(-1, 0, 0.01)', 'torch.arange(0, 10 ** 6, 7 * 10 ** 4)', 'torch.arange(True)',
                 'torch.arange(12).view(3, 4)', 'torch.arange(24).view(2, 3, 4).float()', 'torch.arange(17.0)']:
        add(text, 'arange')
    for _ in range(16):
        a = rng.choice([0, 1, -1, 0.1, -3.7, round(rng.uniform(-10, 10), 3)])
        st = rng.choice([0.1, 0.3, 0.01, 0.7, round(rng.uniform(0.001, 2), 4)])
        n = rng.choice([3, 8, 9, 16, 17, 33, 100, 999])
        add(f'torch.arange({a}, {round(a + st * n, 6)}, {st})', 'arange')
    for threads in (1, 2, 3, 4):
        add('torch.arange(-2.0, 5.0, 1e-4)', f'arange above GRAIN_SIZE, {threads} threads', threads=threads)
    add('torch.arange(0, 1, 1e-5)', 'arange above GRAIN_SIZE, 2 threads', threads=2)
    # zeros / ones / full
    for text in ['torch.zeros(3)', 'torch.zeros(2, 3)', 'torch.zeros((2, 3))', 'torch.zeros([2, 3])',
                 'torch.zeros(size=(1, 2))', 'torch.zeros(())', 'torch.ones(4, dtype=torch.float32)', 'torch.ones(2, 1, 2)',
                 'torch.ones([])', 'torch.full((2, 2), 1.5)', 'torch.full([3], -0.0)', 'torch.full((2,), float("nan"))',
                 'torch.full((), 7.)', 'torch.full((2, 2), math.pi)', 'torch.full(size=(2,), fill_value=3)',
                 'torch.full((1, 2, 3, 4, 5, 6), 2.)', 'torch.zeros(40, 40)', 'torch.full((2,), 1e10)',
                 'torch.full((3,), 2, dtype=torch.float32)']:
        add(text, 'constant factory')


def random_cases():
    # randn: < 16 elements take the double Box-Muller path (with its cache), >= 16 the AVX2 kernel
    for n in range(1, 41):
        add(f'torch.manual_seed({n}); torch.randn({n})', 'randn size sweep')
    for seed, shape in [(0, '4, 4'), (1, '3, 5'), (2, '2, 3, 4'), (3, '5, 7'), (4, '2, 2, 2, 2'), (5, '1, 17'),
                        (6, '(6, 6)'), (7, '[2, 9]'), (8, '3, 1, 6'), (9, '2, 2, 2, 2, 2, 2'), (10, '100, 100'),
                        (11, '33, 33'), (12, '1000'), (13, '1001'), (14, '1, 2, 3, 4, 5, 6')]:
        add(f'torch.manual_seed({seed}); torch.randn({shape})', 'randn shapes')
    for seed, shape in [(0, '5'), (1, '4, 4'), (2, '2, 3, 4'), (3, '()'), (4, '1000'), (5, '31, 33'), (6, '7'),
                        (7, '[3, 3]'), (8, '2, 2, 2, 2, 2, 2'), (9, '1')]:
        add(f'torch.manual_seed({seed}); torch.rand({shape})', 'rand shapes')
    add('torch.manual_seed(0); torch.randn(())', 'randn 0-d')
    # the generator is shared by the statements of one input
    for text in ['torch.manual_seed(0); torch.randn(3); torch.randn(3)',
                 'torch.manual_seed(0); torch.randn(3); torch.randn(20); torch.randn(1)',
                 'torch.manual_seed(0); torch.randn(3); torch.rand(2); torch.randn(1)',
                 'torch.manual_seed(0); torch.randn(1); torch.manual_seed(0); torch.randn(1)',
                 'torch.manual_seed(42)\nx = torch.rand(5)\ntorch.randn(5)',
                 'torch.manual_seed(42); torch.randn(5); torch.randn(16)',
                 'torch.manual_seed(7); torch.rand(3); torch.randn(2, 2)',
                 'torch.manual_seed(7); torch.randn(1); torch.randn(1); torch.randn(1)']:
        add(text, 'generator state')
    # seeds: 64-bit values, negatives and floats map onto mt19937's 32-bit seed like torch
    for seed in ['2**32 + 5', '-1', '-2**63', '2**64 - 1', '1.9', 'True', '123456789012345', '0x7fffffff']:
        add(f'torch.manual_seed({seed}); torch.rand(3)', 'seed forms')
    add('torch.manual_seed(3); torch.randn(40, 50)', 'randn summarized')
    add('torch.manual_seed(5); torch.randn(100000)', 'randn 1e5 (hashed)')
    add('torch.manual_seed(6); torch.rand(70000)', 'rand 7e4 (hashed)')


def syntax_cases():
    for text in [
        '[[1, 2.5], [-3e-2, 4]]', 'torch.tensor([[1, 2.5], [-3e-2, 4]], dtype=torch.float32)',
        'torch.tensor([1, 2], dtype=torch.float)', "torch.tensor([float('inf'), float('-inf'), float('nan')])",
        "[float('  -Infinity '), float('1e3'), float('1_000.5'), float(2), float()]", '[inf, -inf, nan]',
        '[math.pi, math.e, math.inf, -math.inf, math.nan, math.tau]', '[torch.pi, torch.e, torch.inf]',
        '[+1, -(-2), - - 3.5, +True, -False]', '[True, False, 2]', '((1, 2), (3, 4))', '(1.5,)', '[(1, 2), [3, 4]]',
        '[1_000, 0x10, 0o17, 0b101, 1e3, .5, 5., 1E-2]', '[1, 2, 3,]', '[\n  [1, 2],  # first row\n  [3, 4],\n]',
        'import torch\nimport math\ntorch.tensor([1.0, 2.0])', 'x = torch.arange(6)\nx.view(2, 3)',
        'x = [1, 2]; y = torch.tensor(x); y.float()', '[1/3, 2/3, 1 / 7]', '[2 * math.pi, -math.pi / 2, 1 + 2 * 3]',
        '[1 - 2 - 3, 2 * 3 / 4, (1 + 2) * 3]', '[2**10, -2**2, 2**-1, 10**15, 2.0**0.5, (-2)**3]', '[1e400, -1e400, 1e-400]',
        '[3.4028235e38, 3.4028236e38, 1.4e-45, 7e-46]', '[9007199254740993, 1.5]', '[2**63 - 1, 0.5]',
        '[123456789, 0.5]', '[-0.0, -0, 0]', '[0.1, 0.2, 0.30000000000000004]', 'torch.tensor(5).float()',
        'torch.tensor([[1, 2], [3, 4]]).reshape(-1)', 'torch.tensor([[1, 2], [3, 4]]).view(4, 1)',
        'torch.arange(6).reshape((3, 2))', 'torch.arange(6).view([2, -1])', 'torch.arange(6).reshape(3, -1).float()',
        'torch.arange(24).view(2, -1, 4).reshape(4, 6)', 'torch.tensor(5).view(-1)', 'torch.tensor(5).reshape(())',
        'torch.ones(2, 3).view(6, -1)', 'torch.tensor([1, 2, 3]).view(3,)', '-torch.tensor([1.5, -0.0, 0.0])',
        '-torch.arange(3)', '+torch.ones(2)', 'tensor([1.0000, 2.5000])', 'tensor([[ 1, -2],\n        [ 3,  4]])',
        'torch.tensor(float("nan"))', 'torch.tensor(-0.0)', 'torch.tensor([[[[[[1.5]]]]]])', "torch.tensor(data=[1, 2])",
        '(((1)))', '[[[1, 2]], [[3, 4]]]', 'torch.zeros(2, 3,)', '7', '2.5', 'True', '-3',
    ]:
        add(text, 'syntax')
    # torch's own printouts parse back
    for shape, (lo, hi) in [([3, 4], (-1, 1)), ([2, 2, 3], (-6, 2)), ([9], (3, 9))]:
        flat = magnitudes(math.prod(shape), lo, hi)
        t = torch.tensor(np.array(flat, dtype=np.float32).reshape(shape))
        torch.set_printoptions(precision=8)
        add(str(t), 'printout (precision 8) parsed back')
        torch.set_printoptions(profile='default')


def option_cases():
    vals = magnitudes(12, -3, 3)
    body = nested(vals, [3, 4])
    for opts in [dict(precision=2), dict(precision=8), dict(sci_mode=True), dict(sci_mode=False), dict(linewidth=40),
                 dict(threshold=10), dict(threshold=10, edgeitems=1), dict(edgeitems=2, threshold=5), dict(precision=0)]:
        add(f'torch.tensor({body})', 'print options', opts=opts)
    add('torch.tensor([1e30, 1e-30, -2.5])', 'sci_mode=False with huge values', opts=dict(sci_mode=False))
    add('torch.tensor([1e10, 2.0])', 'sci_mode=False int mode', opts=dict(sci_mode=False))
    add('torch.tensor([0.5, 1.5, 2.5, 3.5])', 'precision 0 ties', opts=dict(precision=0))
    add('torch.tensor([1.5, 2.0])', 'linewidth 5', opts=dict(linewidth=5))
    # torch's suffix placement (_add_suffixes): same line when it fits in linewidth, else a new one
    for text in ['torch.tensor([1.5, 2.0])', 'torch.tensor(3.25)', 'torch.linspace(0, 1, 7)', 'torch.linspace(0, 1, 8)',
                 'torch.linspace(-1, 1, 12).view(3, 4)', 'torch.zeros(0, 2)', 'torch.arange(9.0)']:
        add(text, 'requires_grad suffix', requires_grad=True)


def error_cases():
    for text in [
        # ragged nesting: torch checks each list's length before its elements
        'torch.tensor([[1, 2, 3], [4, 5]])', '[[1, 2], [3]]', '[[1, 2], 3]', '[1, [2, 3]]', '[1.5, [2, 3]]',
        '[True, [False]]', '[1, (2,)]', '[1.5, (2, 3)]', '[[[1], [2]], [[3], [4], [5, 6]]]', '[[1], [2, 3]]',
        'torch.tensor([[1], [2, 3]], dtype=torch.float32)', '[[1], []]', '[[[1, 2]], [[3]]]', '[[1, [2]], [3, 4]]',
        '[[1, 2], [3, [4]]]', '[[1, 2], (3, 4, 5)]',
        # reshape / view
        'torch.arange(6).reshape(4, 2)', 'torch.arange(6).view(-1, -1)', 'torch.arange(6).view(-1, 4)',
        'torch.arange(0).view(0, -1)', 'torch.arange(6).view(-2, 3)', 'torch.tensor([1.0, 2.0]).view(3)',
        'torch.ones(2).reshape()', 'torch.ones(2).reshape(2.5)', 'torch.ones(2).reshape((2, 2.5))',
        'torch.ones(2).view(2.0)', 'torch.ones(6).view(-1, -1, -2)', 'torch.ones(6).view(-2, -1, -1)',
        'torch.ones(2).float(1)', 'torch.ones(2).view(10**20)',
        # factories
        'torch.zeros(-1)', 'torch.ones(-2, 3)', 'torch.zeros(2.5)', 'torch.zeros((2, 3.0))', 'torch.rand(2.5)',
        'torch.randn(2, 3.0)', 'torch.manual_seed(0); torch.rand((2, 3.0))', 'torch.full((-1,), 1.)',
        'torch.full(2, 3.)', 'torch.full((2,), [1])', 'torch.full([2], None)', 'torch.zeros(True)',
        'torch.zeros(10**20)', 'torch.linspace(0, 1)', 'torch.linspace(0)', 'torch.linspace(0, 1, 2, 3)',
        'torch.linspace(0, 1, steps=2, foo=3)', 'torch.linspace(0, 1, -1)', 'torch.linspace(0, 1, 2.0)',
        'torch.linspace(0, [1], 3)', 'torch.linspace(0, 1, 10**20)', 'torch.arange(0, 5, 0)', 'torch.arange(5, 0)',
        'torch.arange(0, 5, -1)', 'torch.arange(float("nan"))', 'torch.arange(0, float("inf"))',
        'torch.arange(0.5, float("nan"))', 'torch.arange(1e20, 1e21)', 'torch.arange([1])', 'torch.tensor()',
        'torch.tensor([1], [2])', 'torch.tensor("a")', 'torch.tensor([1, "a"])', 'torch.tensor([1], foo=1)',
        'torch.manual_seed()', 'torch.manual_seed(float("nan"))', 'torch.manual_seed("a")', 'torch.manual_seed(2**64)',
        'torch.manual_seed(-2**63 - 1)', 'torch.tensor([2**63])', 'torch.tensor([10**400, 1.5])', 'torch.tensor(2**63)',
        # Python-level errors the console words the same way
        'foo', 'torch.tensor([1, x])', '1/0', '1.0/0', '1/0.0', 'float("abc")', '0 ** -1',
        'float(1, 2)', 'float([1])', '-torch.tensor([True])', '+torch.tensor([True])', "'abc'.foo",
    ]:
        add(text, 'error')


def main():
    formatter_cases()
    int_bool_cases()
    empty_cases()
    factory_cases()
    random_cases()
    syntax_cases()
    option_cases()
    error_cases()
    doc = {
        'generator': 'scripts/gen-print-reference.py',
        'torch': torch.__version__,
        'cpu_capability': torch.__config__.show().split('CPU capability usage: ')[1].split('\n')[0],
        'default_threads': DEFAULT_THREADS,
        'cases': cases,
    }
    text = json.dumps(doc, indent=0, ensure_ascii=False)
    with open(OUT, 'w') as f:
        f.write(text + '\n')
    ok = sum('error' not in c for c in doc['cases'])
    print(f'{len(doc["cases"])} cases ({ok} tensors, {len(doc["cases"]) - ok} errors), '
          f'{len(text) / 1e6:.2f} MB -> {os.path.relpath(OUT)}', file=sys.stderr)


if __name__ == '__main__':
    main()
