// The public JS API (web/lib/actlab.js) on both wasm builds: PyTorch fixtures, error messages,
// heap hygiene, RReLU's training mode.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadActlab } from '../../web/lib/actlab.js';
import { loadFixtures, firstMismatch } from './fixtures.js';

let simd, scalar;
// float32 bit patterns (signed zeros distinct), NaN as one value: torch's NaN payloads are not specified.
const bits = (a) => Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : new Uint32Array(Float32Array.of(v).buffer)[0]));
before(async () => {
  simd = await loadActlab();
  scalar = await loadActlab({ simd: false });
});

describe('loading', () => {
  test('node 20 gets the SIMD build by feature detection; the scalar build loads on request', () => {
    assert.equal(simd.simd, true);
    assert.equal(scalar.simd, false);
  });

  test('lab.version is package.json\'s version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.equal(simd.version, version);
    assert.equal(scalar.version, version);
  });

  test('lab.functions comes from the C++ table: unique names, PyTorch defaults, metadata', () => {
    const names = simd.functions.map((f) => f.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of ['ReLU', 'ReLU6', 'LeakyReLU', 'RReLU', 'PReLU', 'Sigmoid', 'Tanh', 'ELU', 'CELU', 'SELU',
      'GELU', 'SiLU', 'Mish', 'Softplus', 'Softsign', 'Hardtanh', 'Hardswish', 'Hardsigmoid', 'Hardshrink',
      'Softshrink', 'Tanhshrink', 'Threshold', 'LogSigmoid', 'Softmax', 'Softmin', 'LogSoftmax', 'Softmax2d',
      'GLU', 'SwiGLU']) {
      assert.ok(names.includes(n), `${n} missing`);
    }
    const gelu = simd.functions.find((f) => f.name === 'GELU');
    assert.deepEqual(gelu.params[0].choices, ['none', 'tanh']);
    assert.equal(gelu.params[0].default, 'none');
    assert.equal(simd.functions.find((f) => f.name === 'LeakyReLU').params[0].default, 0.01);
    assert.equal(simd.functions.find((f) => f.name === 'Softplus').params[1].default, 20);
    assert.equal(simd.functions.find((f) => f.name === 'Softmax').params[0].default, null);
    assert.equal(simd.functions.find((f) => f.name === 'GLU').dimwise, true);
    assert.ok(Object.isFrozen(simd.functions));
    for (const f of simd.functions) assert.ok(f.latex.length > 0 && Array.isArray(f.kinks), f.name);
  });

  test('every field of lab.functions is in README\'s API list', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const list = readme.slice(readme.indexOf('lab.functions  '), readme.indexOf('kinks }, ...]') + 6);
    const listed = new Set([...list.matchAll(/(\w+)\??[,:}\]\s]/g)].map((m) => m[1]));
    for (const f of simd.functions) {
      for (const k of Object.keys(f)) assert.ok(listed.has(k), `${f.name}.${k}`);
      for (const p of f.params) for (const k of Object.keys(p)) assert.ok(listed.has(k), `${f.name}.params.${k}`);
    }
  });

  test('kinks follow the params', () => {
    assert.deepEqual(simd.kinks('ReLU'), [0]);
    assert.deepEqual(simd.kinks('Hardtanh', { min_val: -2, max_val: 0.5 }), [-2, 0.5]);
    assert.deepEqual(simd.kinks('Softshrink', { lambd: 1.5 }), [-1.5, 1.5]);
    assert.deepEqual(simd.kinks('Softplus', { beta: 2, threshold: 10 }), [5]);
  });
});

describe('matches PyTorch 1.13 (tests/fixtures) through the public API', () => {
  for (const which of ['simd', 'scalar']) {
    test(`${which} build: every fixture, forward and backward`, () => {
      const lab = which === 'simd' ? simd : scalar;
      const cases = loadFixtures(lab.functions);
      assert.ok(cases.length > 100);
      for (const c of cases) {
        const opts = { params: c.params, shape: c.shape };
        const what = `${c.fn} {${c.paramText}} ${JSON.stringify(c.shape)}`;
        const y = lab.forward(c.fn, c.x, opts);
        assert.equal(y.length, c.y.length, what);
        assert.equal(firstMismatch(y, c.y, c.x), null, `forward ${what}`);
        const dx = lab.backward(c.fn, c.x, c.g, opts);
        assert.equal(dx.length, c.x.length, what);
        assert.equal(firstMismatch(dx, c.dx, c.x), null, `backward ${what}`);
      }
    });
  }

  test('a call without params computes with the C++ table\'s defaults: the bits of passing each default', () => {
    // Without params nothing is written to the heap (params pointer 0); with them every value is
    // packed, checked and read from the heap: both must run the same numbers.
    const x = Float32Array.from({ length: 2 * 3 * 4 * 6 }, (_, i) => (i - 70) / 9);
    const g = Float32Array.from(x, (v) => Math.sin(v));
    for (const lab of [simd, scalar]) {
      for (const f of lab.functions) {
        const shape = [2, 3, 4, 6];
        const explicit = Object.fromEntries(f.params.map((p) => [p.name, p.default]));
        assert.ok(f.params.every((p) => p.default !== undefined), f.name);
        const gy = f.halves ? g.subarray(0, g.length / 2) : g;
        assert.deepEqual(bits(lab.forward(f.name, x, { shape })), bits(lab.forward(f.name, x, { shape, params: explicit })), f.name);
        assert.deepEqual(bits(lab.backward(f.name, x, gy, { shape })), bits(lab.backward(f.name, x, gy, { shape, params: explicit })), f.name);
      }
    }
    // The default weight is PReLU's 0.25, and it is one weight (any channel count).
    assert.deepEqual(Array.from(simd.forward('PReLU', [-4, 2, -8], { shape: [1, 3] })), [-1, 2, -2]);
  });

  test('SIMD and scalar builds agree bit for bit on elementwise functions', () => {
    // 4,099 = 16-float passes + 3 lanes; 4,107 = 16-float passes + one 8-float pass + 3 lanes:
    // every loop of the element-wise driver runs.
    for (const n of [4099, 4107]) {
      const x = Float32Array.from({ length: n }, (_, i) => (i - 2049) / 97 + (i % 7) * 1e-3);
      const g = Float32Array.from(x, (v) => Math.cos(v));
      for (const f of simd.functions.filter((s) => !s.dimwise)) {
        assert.deepEqual(simd.forward(f.name, x), scalar.forward(f.name, x), `${f.name} n=${n}`);
        assert.deepEqual(simd.backward(f.name, x, g), scalar.backward(f.name, x, g), `${f.name} n=${n}`);
      }
    }
  });
});

describe('errors are values with PyTorch wording, never aborts', () => {
  const x6 = new Float32Array([1, 2, 3, 4, 5, 6]);
  const cases = [
    ['unknown function', () => simd.forward('Swish', x6), /^Unknown function 'Swish'\. Known functions: ReLU, /],
    ['unknown param', () => simd.forward('ReLU', x6, { params: { alpha: 1 } }),
      "ReLU.__init__() got an unexpected keyword argument 'alpha' (parameters: none)"],
    ['dim out of range', () => simd.forward('Softmax', x6, { shape: [2, 3], params: { dim: 2 } }),
      'Dimension out of range (expected to be in range of [-2, 1], but got 2)'],
    ['negative dim out of range', () => simd.forward('LogSoftmax', x6, { shape: [6], params: { dim: -2 } }),
      'Dimension out of range (expected to be in range of [-1, 0], but got -2)'],
    ['length != prod(shape)', () => simd.forward('Softmax', x6, { shape: [4, 2], params: { dim: 0 } }),
      "shape '[4, 2]' is invalid for input of size 6"],
    ['negative shape', () => simd.forward('Softmax', x6, { shape: [-2, -3] }),
      'Trying to create tensor with negative dimension -2: [-2, -3]'],
    ['dim-wise without shape', () => simd.forward('Softmax', x6),
      'Softmax is dim-wise: pass the input\'s shape, e.g. { shape: [2, 3] }'],
    ['GLU odd size', () => simd.forward('GLU', x6, { shape: [2, 3] }),
      'Halving dimension must be even, but dimension 1 is size 3'],
    ['SwiGLU odd size', () => simd.forward('SwiGLU', x6, { shape: [3, 2], params: { dim: 0 } }),
      'Halving dimension must be even, but dimension 0 is size 3'],
    ['Softmax2d 2-D', () => simd.forward('Softmax2d', x6, { shape: [2, 3] }),
      'Softmax2d requires a 3D or 4D tensor as input (got 2D)'],
    ['out-of-range param', () => simd.forward('RReLU', x6, { params: { lower: 2 } }), 'RReLU: lower must be in [0, 1], got 2'],
    ['RReLU lower > upper', () => simd.forward('RReLU', x6, { params: { lower: 0.5, upper: 0.2 } }),
      'Lower bound should be less than or equal to the upper bound'],
    ['Softshrink negative lambd', () => simd.forward('Softshrink', x6, { params: { lambd: -1 } }),
      'lambda must be greater or equal to 0, but found to be -1.'],
    ['Hardtanh min > max', () => simd.forward('Hardtanh', x6, { params: { min_val: 2, max_val: 1 } }),
      'max_val must be greater or equal to min_val'],
    ['PReLU weight count', () => simd.forward('PReLU', x6, { shape: [2, 3], params: { weight: [0.1, 0.2] } }),
      'Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 3.'],
    ['bad choice', () => simd.forward('GELU', x6, { params: { approximate: 'erf' } }),
      'approximate argument must be either none or tanh. (GELU got "erf")'],
    ['non-finite param', () => simd.forward('ELU', x6, { params: { alpha: NaN } }), 'ELU: alpha must be a finite number, got nan'],
    ['dim beyond int64', () => simd.forward('Softmax', x6, { shape: [2, 3], params: { dim: 2 ** 63 } }), 'Overflow when unpacking long'],
    ['dim beyond int64, negative', () => simd.forward('Softmax', x6, { shape: [2, 3], params: { dim: -1e300 } }), 'Overflow when unpacking long'],
    ['dim huge but int64', () => simd.forward('Softmax', x6, { shape: [2, 3], params: { dim: 2 ** 62 } }),
      'Dimension out of range (expected to be in range of [-2, 1], but got 4611686018427387904)'],
    ['wrong type param', () => simd.forward('ELU', x6, { params: { alpha: '1' } }), 'ELU: alpha must be a number, got "1"'],
    ['gradOutput size', () => simd.backward('GLU', x6, new Float32Array(6), { shape: [2, 3], params: { dim: 0 } }),
      'Mismatch in shape: grad_output[0] has a shape of torch.Size([6]) and output[0] has a shape of torch.Size([1, 3]).'],
    ['gradOutput missing', () => simd.backward('ReLU', x6), 'backward(): gradOutput is required (use ones for the derivative)'],
    ['x not numeric', () => simd.forward('ReLU', 'abc'), 'x must be a Float32Array or an array of numbers'],
    ['CELU alpha 0', () => simd.forward('CELU', x6, { params: { alpha: 0 } }), 'ZeroDivisionError: alpha cannot be 0 for CELU'],
  ];
  for (const [what, fn, msg] of cases) {
    test(what, () => {
      assert.throws(fn, (e) => {
        assert.ok(e instanceof Error);
        if (msg instanceof RegExp) assert.match(e.message, msg);
        else assert.equal(e.message, msg);
        return true;
      });
      // The module still works after the error.
      assert.deepEqual(Array.from(simd.forward('ReLU', [-1, 2])), [0, 2]);
    });
  }
});

describe('shapes', () => {
  test('GLU halves the dim; backward returns the input size', () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(simd.forward('GLU', x, { shape: [2, 4] }).length, 4);
    assert.equal(simd.backward('GLU', x, new Float32Array(4).fill(1), { shape: [2, 4] }).length, 8);
  });

  test('0-d softmax is 1, and dim=None follows torch\'s implicit rule', () => {
    assert.deepEqual(Array.from(simd.forward('Softmax', [3.5], { shape: [] })), [1]);
    const x = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i));
    // 3-D input: implicit dim 0.
    assert.deepEqual(simd.forward('Softmax', x, { shape: [2, 3, 4] }),
      simd.forward('Softmax', x, { shape: [2, 3, 4], params: { dim: 0 } }));
    // 2-D input: implicit dim 1.
    assert.deepEqual(simd.forward('Softmax', x, { shape: [4, 6] }),
      simd.forward('Softmax', x, { shape: [4, 6], params: { dim: -1 } }));
  });

  test('an all -inf row gives NaN, as torch', () => {
    const y = simd.forward('Softmax', [-Infinity, -Infinity, 0, 1], { shape: [2, 2], params: { dim: 1 } });
    assert.ok(Number.isNaN(y[0]) && Number.isNaN(y[1]));
    assert.ok(Math.abs(y[2] + y[3] - 1) < 1e-6);
  });

  test('per-channel PReLU: every channel layout gives x > 0 ? x : w·x (and g, w·g backward)', () => {
    // inner = 1 and 2..15 run rows with a slope per lane, >= 16 (or rows over 4,096) a block per
    // channel; torch's formula is one float multiply, so Math.fround(w * x) is its exact value.
    for (const shape of [[5, 7], [3, 4, 2], [2, 3, 5], [2, 3, 17], [1, 2100, 2], [2, 6, 3, 3]]) {
      const C = shape[1], n = shape.reduce((a, b) => a * b), inner = n / shape[0] / C;
      const weight = Float32Array.from({ length: C }, (_, i) => 0.37 - 0.013 * i);
      const x = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? -0 : Math.sin(i * 1.3) * 4));
      const g = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
      const w = (i) => weight[Math.floor(i / inner) % C];
      const fwd = x.map((v, i) => (v > 0 ? v : Math.fround(w(i) * v)));
      const bwd = g.map((v, i) => (x[i] > 0 ? v : Math.fround(w(i) * v)));
      for (const lab of [simd, scalar]) {
        assert.deepEqual(lab.forward('PReLU', x, { shape, params: { weight } }), fwd, `fwd ${shape}`);
        assert.deepEqual(lab.backward('PReLU', x, g, { shape, params: { weight } }), bwd, `bwd ${shape}`);
      }
    }
  });

  test('LeakyReLU, RReLU (eval) and PReLU give fround(x > 0 ? x : slope·x) to the bit, for every kind of slope', () => {
    // 0 < slope <= 1 runs max(x, slope·x); other slopes a compare and select. Signed zeros,
    // infinities (slope 0: -inf·0 = NaN), underflow and NaN included; 21 elements: vectors and a tail.
    const specials = [NaN, -0, 0, -Infinity, Infinity, -1e-38, 1e-38, -1e-45, -3.5, 2.25, -1, 1, 7e37, -7e37];
    const x = Float32Array.from({ length: 21 }, (_, i) => specials[i] ?? Math.sin(i) * 3);
    for (const slope of [0.01, 0.5, 1, 1e-30, 0, -0.3, 1.5, -1]) {
      const want = bits(x.map((v) => (v > 0 ? v : Math.fround(Math.fround(slope) * v))));
      for (const lab of [simd, scalar]) {
        const tag = `slope ${slope}, ${lab.simd ? 'simd' : 'scalar'}`;
        assert.deepEqual(bits(lab.forward('LeakyReLU', x, { params: { negative_slope: slope } })), want, `LeakyReLU ${tag}`);
        assert.deepEqual(bits(lab.forward('PReLU', x, { params: { weight: slope } })), want, `PReLU ${tag}`);
        if (slope >= 0 && slope <= 1) {
          assert.deepEqual(bits(lab.forward('RReLU', x, { params: { lower: slope, upper: slope } })), want, `RReLU ${tag}`);
        }
      }
    }
  });

  test('Softshrink and Hardshrink follow ATen to the bit, for every kind of lambda', () => {
    // The kernels test |x| > l on the bits (one and + one compare) and Softshrink subtracts
    // copysign(l, x): ATen compares x with l and -l. Signed zeros at l = 0, lambdas at x, NaN.
    const specials = [NaN, -0, 0, -Infinity, Infinity, 0.5, -0.5, 3, -3, 1e-30, -1e-30, -1e-45, 1e-38, 3e38, -3e38];
    const x = Float32Array.from({ length: 23 }, (_, i) => specials[i] ?? Math.sin(i) * 3);
    const g = Float32Array.from(x, (_, i) => 1 + i);
    for (const lambd of [0, -0, 0.5, 1e-30, 3, 1e30, -1]) {
      const l = Math.fround(lambd);
      const outside = (v) => v > l || v < -l;
      const want = {
        Softshrink: x.map((v) => (v > l ? Math.fround(v - l) : v < -l ? Math.fround(v + l) : 0)),
        Hardshrink: x.map((v) => (v >= -l && v <= l ? 0 : v)),
      };
      const dwant = bits(g.map((v, i) => (outside(x[i]) ? v : 0)));
      for (const name of lambd < 0 ? ['Hardshrink'] : ['Softshrink', 'Hardshrink']) {
        for (const lab of [simd, scalar]) {
          const tag = `${name} lambd ${Object.is(lambd, -0) ? '-0' : lambd}, ${lab.simd ? 'simd' : 'scalar'}`;
          assert.deepEqual(bits(lab.forward(name, x, { params: { lambd } })), bits(want[name]), tag);
          assert.deepEqual(bits(lab.backward(name, x, g, { params: { lambd } })), dwant, `${tag} backward`);
        }
      }
    }
  });

  test('empty input gives empty output', () => {
    assert.equal(simd.forward('Tanh', new Float32Array(0)).length, 0);
  });
});

describe('RReLU', () => {
  const x = Float32Array.from({ length: 1000 }, (_, i) => (i % 2 ? -1 : 1) * (1 + i / 100));
  test('eval mode is LeakyReLU with slope (lower + upper) / 2', () => {
    assert.deepEqual(simd.forward('RReLU', x, { params: { lower: 0.1, upper: 0.3 } }),
      simd.forward('LeakyReLU', x, { params: { negative_slope: Math.fround(0.1 + 0.3) / 2 } }));
  });
  test('training mode: slopes in [lower, upper], seeded, and backward reuses the forward noise', () => {
    const params = { lower: 0.1, upper: 0.3, training: true, seed: 7 };
    const y = simd.forward('RReLU', x, { params });
    const g = new Float32Array(x.length).fill(1);
    const d = simd.backward('RReLU', x, g, { params });
    const slopes = new Set();
    for (let i = 0; i < x.length; i++) {
      if (x[i] > 0) { assert.equal(y[i], x[i]); assert.equal(d[i], 1); continue; }
      const r = y[i] / x[i];
      assert.ok(r >= 0.1 - 1e-6 && r <= 0.3 + 1e-6, `slope ${r}`);
      assert.ok(Math.abs(d[i] - r) < 1e-6);
      slopes.add(d[i]);
    }
    assert.ok(slopes.size > 400, 'slopes are random per element');
    assert.deepEqual(simd.forward('RReLU', x, { params }), y, 'same seed, same slopes');
    assert.deepEqual(scalar.forward('RReLU', x, { params }), y, 'independent of the build');
    assert.notDeepEqual(simd.forward('RReLU', x, { params: { ...params, seed: 8 } }), y);
  });
});

describe('heap hygiene', () => {
  test('10,000 forward/backward calls (and errors) leave the wasm heap unchanged', () => {
    const x = Float32Array.from({ length: 777 }, (_, i) => i / 50 - 7);
    const g = new Float32Array(777).fill(1);
    simd.forward('GELU', x);  // warm the scratch block
    simd.backward('Softmax', x, g, { shape: [7, 111], params: { dim: 1 } });
    const inUse = simd.heapInUse();
    const size = simd.heapSize;
    const fns = simd.functions.filter((f) => !f.dimwise).map((f) => f.name);
    for (let i = 0; i < 10000; i++) {
      const name = fns[i % fns.length];
      if (i % 2) simd.backward(name, x, g);
      else simd.forward(name, x);
      if (i % 100 === 0) {
        assert.throws(() => simd.forward('Softmax', x, { shape: [7, 111], params: { dim: 5 } }));
        simd.backward('Softmax', x, g, { shape: [7, 111], params: { dim: 0 } });
      }
    }
    assert.equal(simd.heapInUse(), inUse);
    assert.equal(simd.heapSize, size);
  });
});

describe('out= (caller-owned output arrays)', () => {
  test('forward/backward/evaluate write into a Float32Array out and return it, for built-ins, GLU and custom', () => {
    const before = simd.heapInUse();
    const x = Float32Array.from({ length: 1000 }, (_, i) => i / 50 - 10);
    const g = Float32Array.from({ length: 1000 }, (_, i) => Math.cos(i));
    for (const name of ['ReLU', 'GELU', 'Softplus']) {
      const out = new Float32Array(1000).fill(7);
      assert.equal(simd.forward(name, x, { out }), out);
      assert.deepEqual(out, simd.forward(name, x));
      assert.equal(simd.backward(name, x, g, { out }), out);
      assert.deepEqual(out, simd.backward(name, x, g));
    }
    // In place, like torch.relu(x, out=x): the input is read before the output is written.
    const y = x.slice();
    simd.forward('Tanh', y, { out: y });
    assert.deepEqual(y, simd.forward('Tanh', x));
    // GLU halves its input: out has half the elements.
    const half = new Float32Array(500);
    assert.deepEqual(simd.forward('GLU', x, { out: half, shape: [2, 500], params: { dim: 0 } }), simd.forward('GLU', x, { shape: [2, 500], params: { dim: 0 } }));
    assert.throws(() => simd.forward('GLU', x, { out: new Float32Array(1000), shape: [2, 500], params: { dim: 0 } }), /out must be a Float32Array or a HeapArray of 500 floats, got 1000 elements/);
    assert.throws(() => simd.forward('ReLU', x, { out: [] }), /out must be a Float32Array or a HeapArray of 1000 floats, got Array/);
    assert.throws(() => simd.forward('ReLU', x, { out: new Float64Array(1000) }), /got Float64Array/);
    assert.equal(simd.heapInUse(), before);
  });
});

describe('aliased heap buffers', () => {
  test('Softmax family: out may be x or gradOutput (in place), with the same bits as separate buffers', () => {
    const cases = [['Softmax', [6, 50], { dim: 1 }], ['Softmin', [6, 50], { dim: 0 }], ['LogSoftmax', [6, 50], { dim: -1 }], ['Softmax2d', [3, 10, 10], {}]];
    for (const [name, shape, params] of cases) {
      const n = shape.reduce((a, b) => a * b);
      const xv = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 4), gv = Float32Array.from({ length: n }, (_, i) => Math.cos(3 * i));
      const f = simd.forward(name, xv, { shape, params }), b = simd.backward(name, xv, gv, { shape, params });
      const x = simd.alloc(n), g = simd.alloc(n);
      const reset = () => { x.array.set(xv); g.array.set(gv); };
      reset();
      assert.deepEqual(simd.forward(name, x, { shape, params, out: x }), f, `${name} fwd out=x`);
      reset();
      assert.deepEqual(simd.backward(name, x, g, { shape, params, out: g }), b, `${name} bwd out=g`);
      reset();
      assert.deepEqual(simd.backward(name, x, g, { shape, params, out: x }), b, `${name} bwd out=x`);
      x.free(); g.free();
    }
  });

  test('elementwise functions: out = x in place gives the bits of separate buffers (block edges of the two-pass kernels too)', () => {
    for (const spec of simd.functions.filter((s) => !s.dimwise)) {
      for (const n of [3, 255, 256, 257, 1029]) {
        const xv = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) * 12);
        const gv = Float32Array.from({ length: n }, (_, i) => Math.cos(3 * i));
        const f = simd.forward(spec.name, xv), b = simd.backward(spec.name, xv, gv);
        const x = simd.alloc(n), g = simd.alloc(n);
        x.array.set(xv);
        assert.deepEqual(simd.forward(spec.name, x, { out: x }), f, `${spec.name} fwd out=x, n=${n}`);
        x.array.set(xv); g.array.set(gv);
        assert.deepEqual(simd.backward(spec.name, x, g, { out: g }), b, `${spec.name} bwd out=g, n=${n}`);
        x.free(); g.free();
      }
    }
  });
});

describe('large calls through copies run in pieces', () => {
  // Above 2 x 65,536 elements an element-wise call is computed piece by piece (#chunked); the
  // heap path is never split, so it is the reference.
  const n = 3 * 65536 + 1234;
  const xv = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 9 + (i % 5) * 1e-3);
  const gv = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 1.3));
  const onHeap = (lab, name, backward, params) => {
    const x = lab.alloc(n), g = lab.alloc(n), o = lab.alloc(n);
    x.array.set(xv); g.array.set(gv);
    const r = (backward ? lab.backward(name, x, g, { params, out: o }) : lab.forward(name, x, { params, out: o })).slice();
    for (const h of [x, g, o]) h.free();
    return r;
  };

  test('every element-wise function: new array, out=, out = x, and a 2-D shape give the heap path\'s bits', () => {
    for (const spec of simd.functions.filter((s) => !s.dimwise && !s.halves)) {
      for (const backward of [false, true]) {
        const want = onHeap(simd, spec.name, backward);
        const call = (opts, x = xv) => (backward ? simd.backward(spec.name, x, gv, opts) : simd.forward(spec.name, x, opts));
        assert.deepEqual(call({}), want, `${spec.name} ${backward} new array`);
        const out = new Float32Array(n);
        assert.equal(call({ out }), out);
        assert.deepEqual(out, want, `${spec.name} ${backward} out=`);
        const inPlace = xv.slice();
        assert.deepEqual(call({ out: inPlace }, inPlace), want, `${spec.name} ${backward} out = x`);
        assert.deepEqual(call({ shape: [2, n / 2] }), want, `${spec.name} ${backward} shape`);
      }
    }
  });

  test('RReLU in training mode, per-channel PReLU and a partly overlapping out run whole and stay right', () => {
    const params = { training: true, seed: 7 };
    assert.deepEqual(simd.forward('RReLU', xv, { params }), onHeap(simd, 'RReLU', false, params));
    const buf = new Float32Array(n + 1);
    buf.set(xv, 1);
    const want = simd.forward('Tanh', xv);
    assert.deepEqual(simd.forward('Tanh', buf.subarray(1), { out: buf.subarray(0, n) }), want);  // out one element ahead of x
    const w = Float32Array.from([0.1, 0.2]);
    const r = simd.forward('PReLU', xv, { shape: [1, 2, n / 2], params: { weight: w } });
    assert.equal(r[0], xv[0] < 0 ? Math.fround(xv[0] * Math.fround(0.1)) : xv[0]);
    assert.equal(r[n - 1], xv[n - 1] < 0 ? Math.fround(xv[n - 1] * Math.fround(0.2)) : xv[n - 1]);
  });

  test('errors are the whole call\'s and leave out untouched; the scratch stays one piece', () => {
    const out = new Float32Array(n).fill(7);
    const failing = () => {
      assert.throws(() => simd.forward('ELU', xv, { params: { alpha: NaN }, out }), /alpha/);
      assert.throws(() => simd.forward('Tanh', xv, { shape: [5, 7] }), new RegExp(`shape '\\[5, 7\\]' is invalid for input of size ${n}`));
      assert.throws(() => simd.backward('Tanh', xv, gv.subarray(1)), /Mismatch in shape/);
    };
    failing();  // grows the scratch block to these calls' size
    simd.forward('Tanh', [1]);
    const inUse = simd.heapInUse();
    failing();
    assert.equal(simd.heapInUse(), inUse, 'a thrown error leaves nothing on the heap (its message included)');
    assert.ok(out.every((v) => v === 7));
    const lab = scalar;
    const before = lab.heapSize;
    lab.forward('ReLU', new Float32Array(4 << 20));
    assert.ok(lab.heapSize - before < 4 << 20, `heap grew ${lab.heapSize - before} bytes for a 16 MiB call`);
  });
});

describe('zero-copy heap arrays', () => {
  test('forward/backward read and write lab.alloc() buffers, survive heap growth, free cleanly', () => {
    const before = simd.heapInUse();
    const n = 1000;
    const x = simd.alloc(n), out = simd.alloc(n), g = simd.alloc(n);
    x.array.set(Float32Array.from({ length: n }, (_, i) => i / 100 - 5));
    g.array.fill(1);
    const ref = simd.forward('GELU', x.array.slice());
    assert.equal(simd.forward('GELU', x, { out }), out.array);
    assert.deepEqual(out.array, ref);
    assert.deepEqual(simd.backward('Tanh', x, g, { out }), simd.backward('Tanh', x.array.slice(), g.array.slice()));
    // Force the heap to grow: views are re-created, data is kept.
    const big = simd.alloc(8 << 20);
    assert.deepEqual(x.array.subarray(0, 3), Float32Array.from([-5, -4.99, -4.98]));
    big.free();
    const small = simd.alloc(3);
    assert.throws(() => simd.forward('GELU', x, { out: small }), /out must be a Float32Array or a HeapArray of 1000 floats, got 3 elements/);
    small.free();
    for (const h of [x, out, g]) h.free();
    assert.throws(() => simd.forward('GELU', x), /freed/);
    assert.equal(simd.heapInUse(), before);
  });
});
