// The benchmark page (driven by scripts/bench-browser.mjs through playwright-core). Everything
// runs on the page's main thread, one thread for every contender: actlab (API and kernel level),
// plain-JS Math.* loops, @tensorflow/tfjs-backend-wasm (SIMD, no threads) and onnxruntime-web
// (wasm EP, numThreads = 1), plus two copy baselines on actlab's wasm heap.
import { loadActlabBuild, loadActlab } from '../../web/lib/actlab.js';
import createBench from '../../build/wasm/actlab-simd-bench.mjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths, setThreadsCount, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-web/wasm';
import { jsref } from './jsref.js';
import { oneNodeModel } from './onnx.js';

const RRELU_A = (0.125 + 1 / 3) / 2;
const cfg = { samples: 9, minMs: 25, warmMs: 50 };

// ---------------------------------------------------------------- inputs and shapes
const ROW = 1000;
const MAX_N = 1049 * ROW;  // the largest size rounded to rows of 1,000
let seed = 12345;
const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
const X = Float32Array.from({ length: MAX_N }, () => 3 * normal());
const G = Float32Array.from({ length: MAX_N }, () => normal());

/** Shape and element count of the input for function f at nominal size N. */
export function shapeFor(name, N) {
  if (name === 'Softmax' || name === 'Softmin' || name === 'LogSoftmax') {
    const rows = Math.round(N / ROW);
    return { shape: [rows, ROW], n: rows * ROW };
  }
  if (name === 'Softmax2d') {
    const s = Math.round(Math.sqrt(N / 16));
    return { shape: [1, 16, s, s], n: 16 * s * s };
  }
  if (name === 'GLU' || name === 'SwiGLU') return { shape: [N / 1024, 1024], n: N };
  return { shape: [N], n: N, elementwise: true };
}
// Every contender cycles through `variants(n)` different inputs, together at least POOL elements:
// replaying one small input lets the CPU's branch predictor learn its signs, which made a JS
// ReLU loop 4x faster at 4,096 elements than on data it had not seen (1.2 vs 5.2 ns/element).
// Real inputs do not repeat; branch-free kernels gain nothing from it either way.
const POOL = 1 << 17;
export const variants = (n) => Math.max(1, Math.ceil(POOL / n));
// () => the next index in 0..K-1, round robin; one counter per contender.
const cycle = (K) => { let k = 0; return () => (k = k + 1 === K ? 0 : k + 1); };
const paramsFor = (name) => (['Softmax', 'Softmin', 'LogSoftmax'].includes(name) ? { dim: -1 } : {});

// ---------------------------------------------------------------- timing
let sink = 0;
const consume = (a) => { sink += a[a.length >> 1]; };
const median = (a) => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]; };

function summary(per, calls, warmedMs) {
  const s = [...per].sort((p, q) => p - q);
  const q1 = s[Math.floor(s.length / 4)], q3 = s[Math.floor((3 * s.length) / 4)];
  return { ns: median(per), min: s[0], max: s[s.length - 1], iqr: q3 - q1, samples: per, callsPerSample: calls, warmedMs };
}

// The warm-up goes on past cfg.warmMs, in WINDOW_MS windows, until SETTLED windows in a row are no
// more than 3% faster than the best one before them (at most CAP_MS): a code path's first
// measurement can still be tiering up. The run's first cell (ReLU forward kernel at 4K) fell from
// 0.54 to 0.12 ns/element over its nine samples after a fixed 50 ms warm-up.
const WINDOW_MS = 10, SETTLED = 2, CAP_MS = 2000;
function warmup(first) {
  const w = {
    best: first, flat: 0, done: false, warmedMs: 0,
    window(ms, calls, total) {
      const per = ms / calls;
      if (per < 0.97 * w.best) w.flat = 0;
      else w.flat++;
      w.best = Math.min(w.best, per);
      w.warmedMs = total;
      w.done = w.flat >= SETTLED || total >= CAP_MS;
    },
  };
  return w;
}

/** ns/element: median of cfg.samples samples, each >= cfg.minMs of back-to-back calls, after a warm-up. */
function measure(fn, n) {
  let t0 = performance.now(), t = t0, calls = 0;
  do { consume(fn()); calls++; t = performance.now(); } while (t - t0 < cfg.warmMs || calls < 3);
  const w = warmup((t - t0) / calls);
  while (!w.done) {
    const s0 = t; let c = 0;
    do { consume(fn()); c++; t = performance.now(); } while (t - s0 < WINDOW_MS || c < 3);
    w.window(t - s0, c, t - t0);
  }
  const batch = Math.max(1, Math.floor(cfg.minMs / 8 / w.best));
  const per = [], reps = [];
  for (let s = 0; s < cfg.samples; s++) {
    let r = 0, el;
    const s0 = performance.now();
    do { for (let k = 0; k < batch; k++) consume(fn()); r += batch; el = performance.now() - s0; } while (el < cfg.minMs);
    per.push((el * 1e6) / r / n);
    reps.push(r);
  }
  return summary(per, median(reps), w.warmedMs);
}

async function measureAsync(fn, n) {
  let t0 = performance.now(), t = t0, calls = 0;
  do { consume(await fn()); calls++; t = performance.now(); } while (t - t0 < cfg.warmMs || calls < 3);
  const w = warmup((t - t0) / calls);
  while (!w.done) {
    const s0 = t; let c = 0;
    do { consume(await fn()); c++; t = performance.now(); } while (t - s0 < WINDOW_MS || c < 3);
    w.window(t - s0, c, t - t0);
  }
  const batch = Math.max(1, Math.floor(cfg.minMs / 8 / w.best));
  const per = [], reps = [];
  for (let s = 0; s < cfg.samples; s++) {
    let r = 0, el;
    const s0 = performance.now();
    do { for (let k = 0; k < batch; k++) consume(await fn()); r += batch; el = performance.now() - s0; } while (el < cfg.minMs);
    per.push((el * 1e6) / r / n);
    reps.push(r);
  }
  return summary(per, median(reps), w.warmedMs);
}

// ---------------------------------------------------------------- peers
let lab, M;   // the bench build: the library and its raw module (copyKernel, copy2Kernel)
let cheap;    // the functions held to the copy ceiling (the table's Fn::cheap)
let tfAlpha;
// tfjs-backend-wasm: named tf ops computing the same function at actlab's default parameters.
const tfOps = {
  ReLU: { op: (t) => tf.relu(t), label: 'relu' },
  ReLU6: { op: (t) => tf.relu6(t), label: 'relu6' },
  LeakyReLU: { op: (t) => tf.leakyRelu(t, 0.01), label: 'leakyRelu(0.01)' },
  RReLU: { op: (t) => tf.leakyRelu(t, RRELU_A), label: 'leakyRelu((lower+upper)/2) = RReLU eval' },
  PReLU: { op: (t) => tf.prelu(t, tfAlpha), label: 'prelu(scalar 0.25)' },
  Hardtanh: { op: (t) => tf.clipByValue(t, -1, 1), label: 'clipByValue(-1, 1)' },
  Sigmoid: { op: (t) => tf.sigmoid(t), label: 'sigmoid' },
  Tanh: { op: (t) => tf.tanh(t), label: 'tanh' },
  LogSigmoid: { op: (t) => tf.logSigmoid(t), label: 'logSigmoid' },
  ELU: { op: (t) => tf.elu(t), label: 'elu' },
  CELU: { op: (t) => tf.elu(t), label: 'elu = CELU at alpha 1' },
  SELU: { op: (t) => tf.selu(t), label: 'selu' },
  Softplus: { op: (t) => tf.softplus(t), label: 'softplus' },
  Softmax: { op: (t) => tf.softmax(t, -1), label: 'softmax(-1)' },
  LogSoftmax: { op: (t) => tf.logSoftmax(t, -1), label: 'logSoftmax(-1)' },
};

// onnxruntime-web: one-node ONNX models. approx: a different function of the same cost (shown,
// never counted as best peer).
const ortOps = {
  ReLU: { op: 'Relu' },
  ReLU6: { op: 'Clip', inits: [{ name: 'min', dims: [], values: [0] }, { name: 'max', dims: [], values: [6] }], label: 'Clip(0, 6)' },
  LeakyReLU: { op: 'LeakyRelu', attrs: { alpha: 0.01 } },
  RReLU: { op: 'LeakyRelu', attrs: { alpha: RRELU_A }, label: 'LeakyRelu((lower+upper)/2)' },
  PReLU: { op: 'PRelu', inits: [{ name: 'slope', dims: [1], values: [0.25] }] },
  Threshold: { op: 'ThresholdedRelu', attrs: { alpha: 0.1 }, approx: true, label: 'ThresholdedRelu(0.1): value 0, not 20' },
  Hardtanh: { op: 'Clip', inits: [{ name: 'min', dims: [], values: [-1] }, { name: 'max', dims: [], values: [1] }], label: 'Clip(-1, 1)' },
  Sigmoid: { op: 'Sigmoid' },
  Tanh: { op: 'Tanh' },
  Softsign: { op: 'Softsign' },
  ELU: { op: 'Elu', attrs: { alpha: 1 } },
  CELU: { op: 'Celu', attrs: { alpha: 1 } },
  SELU: { op: 'Selu' },
  GELU: { op: 'Gelu', opset: 20 },
  SiLU: { op: 'Swish', opset: 24 },
  Mish: { op: 'Mish', opset: 18 },
  Softplus: { op: 'Softplus' },
  Hardswish: { op: 'HardSwish' },
  Hardsigmoid: { op: 'HardSigmoid', attrs: { alpha: 1 / 6, beta: 0.5 }, label: 'HardSigmoid(1/6, 0.5)' },
  Hardshrink: { op: 'Shrink', attrs: { lambd: 0.5, bias: 0 }, label: 'Shrink(lambd 0.5, bias 0)' },
  Softshrink: { op: 'Shrink', attrs: { lambd: 0.5, bias: 0.5 }, label: 'Shrink(lambd 0.5, bias 0.5)' },
  Softmax: { op: 'Softmax', attrs: { axis: { int: -1 } }, dims: ['R', 'C'] },
  LogSoftmax: { op: 'LogSoftmax', attrs: { axis: { int: -1 } }, dims: ['R', 'C'] },
  Softmax2d: { op: 'Softmax', attrs: { axis: { int: -3 } }, dims: ['B', 'C', 'H', 'W'], label: 'Softmax(axis -3)' },
};
const ortSessions = {};

// ---------------------------------------------------------------- setup
async function init() {
  // The bench build: the product's kernels plus the copy kernels and the cheap list.
  ({ lab, module: M } = await loadActlabBuild(createBench, new URL('../../build/wasm/actlab-simd-bench.wasm', import.meta.url)));
  cheap = new Set(JSON.parse(M.cheapJson()));

  // tfjs: SIMD binary, no threads (the threaded binary is only picked when threads are supported).
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setThreadsCount(1);
  setWasmPaths(new URL('./peers/', location.href).href);
  const tfOk = await tf.setBackend('wasm');
  await tf.ready();
  tfAlpha = tf.scalar(0.25);

  // onnxruntime-web: wasm EP, one thread, no proxy worker.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = { wasm: new URL('./peers/ort-wasm-simd-threaded.wasm', location.href).href };
  ort.env.logLevel = 'error';
  const ortErrors = {};
  for (const [name, spec] of Object.entries(ortOps)) {
    const dims = spec.dims ?? ['N'];
    const bytes = oneNodeModel({ op: spec.op, dims, attrs: spec.attrs, inits: spec.inits, opset: spec.opset ?? 20 });
    try {
      ortSessions[name] = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    } catch (e) {
      ortErrors[name] = String(e.message ?? e).split('\n')[0].slice(0, 200);
    }
  }
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: self.crossOriginIsolated,
    actlab: { simd: lab.simd, functions: lab.functions.map((f) => ({ name: f.name, dimwise: f.dimwise, halves: f.halves, cheap: cheap.has(f.name) })) },
    tfjs: {
      version: tf.version_core,
      backend: tfOk ? tf.getBackend() : null,
      WASM_HAS_SIMD_SUPPORT: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
      WASM_HAS_MULTITHREAD_SUPPORT: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
      threads: getThreadsCount(),
      ops: Object.fromEntries(Object.entries(tfOps).map(([k, v]) => [k, v.label])),
    },
    ort: {
      version: ort.env.versions?.web ?? ort.env.versions?.common,
      numThreads: ort.env.wasm.numThreads,
      simd: ort.env.wasm.simd,
      proxy: ort.env.wasm.proxy,
      sessions: Object.keys(ortSessions),
      failed: ortErrors,
      ops: Object.fromEntries(Object.entries(ortOps).map(([k, v]) => [k, `${v.label ?? v.op} (opset ${v.opset ?? 20})`])),
    },
    wasmFiles: performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname),
  };
}

// ---------------------------------------------------------------- contenders for one (function, N)
function contenders(f, N, rotate = true) {
  const { shape, n } = shapeFor(f.name, N);
  const params = paramsFor(f.name);
  const labShape = shape.length > 1 ? shape : undefined;
  const nOut = f.halves ? n / 2 : n;
  const K = rotate ? variants(n) : 1;
  const xs = Array.from({ length: K }, (_, k) => X.slice(k * n, (k + 1) * n));
  const gs = Array.from({ length: K }, (_, k) => G.slice(k * nOut, (k + 1) * nOut));
  const ortDims = ortOps[f.name]?.dims ? shape : [n];
  const c = { n, shape, fwd: {}, bwd: {}, heap: null };

  const hx = xs.map((x) => { const a = lab.alloc(n); a.array.set(x); return a; });
  const hg = gs.map((g) => { const a = lab.alloc(nOut); a.array.set(g); return a; });
  const hy = lab.alloc(nOut), hdx = lab.alloc(n);
  c.heap = [...hx, ...hg, hy, hdx];
  // Forward takes x_k; backward takes (x_k, g_k) from one counter, so pairs stay fixed.
  const fx = (make) => { const next = cycle(K); return () => make(next()); };
  c.fwd.kernel = fx((k) => lab.forward(f.name, hx[k], { params, shape: labShape, out: hy }));
  c.bwd.kernel = fx((k) => lab.backward(f.name, hx[k], hg[k], { params, shape: labShape, out: hdx }));
  // The copy ceiling paired with the kernel: actlab's loop with no maths on the kernel's own
  // buffers, timed right after it (the machine's speed drifts over a run: one run timed the 4K
  // copy at 0.070 ns/element at its start, 0.097 at its end). Cheap functions only (the target's).
  if (cheap.has(f.name) && !f.halves) {
    c.fwd.copy = fx((k) => { M.copyKernel(hx[k].ptr, hy.ptr, n); return hy.array; });
    c.bwd.copy = fx((k) => { M.copy2Kernel(hx[k].ptr, hg[k].ptr, hdx.ptr, n); return hdx.array; });
  }
  c.fwd.api = fx((k) => lab.forward(f.name, xs[k], { params, shape: labShape }));
  c.bwd.api = fx((k) => lab.backward(f.name, xs[k], gs[k], { params, shape: labShape }));
  // out=: the caller's own Float32Array receives the result (no fresh array per call).
  const yOut = new Float32Array(nOut), dxOut = new Float32Array(n);
  c.fwd.apiOut = fx((k) => lab.forward(f.name, xs[k], { params, shape: labShape, out: yOut }));
  c.bwd.apiOut = fx((k) => lab.backward(f.name, xs[k], gs[k], { params, shape: labShape, out: dxOut }));
  const js = jsref[f.name];
  if (js) {
    c.fwd.js = fx((k) => js.fwd(xs[k], shape));
    c.bwd.js = fx((k) => js.bwd(xs[k], gs[k], shape));
    const jy = new Float32Array(nOut), jd = new Float32Array(n);
    c.fwd.jsOut = fx((k) => js.fwd(xs[k], shape, jy));
    c.bwd.jsOut = fx((k) => js.bwd(xs[k], gs[k], shape, jd));
  }
  const t = tfOps[f.name];
  if (t) {
    // tf.tidy disposes every intermediate; the data is carried out in a variable because tidy
    // walks every index of a returned object looking for tensors (slow for a typed array).
    let d;
    c.fwd.tfjs = fx((k) => { tf.tidy(() => { d = t.op(tf.tensor(xs[k], shape)).dataSync(); }); return d; });
    const grad = tf.grad((u) => t.op(u));
    c.bwd.tfjs = fx((k) => { tf.tidy(() => { d = grad(tf.tensor(xs[k], shape), tf.tensor(gs[k], shape)).dataSync(); }); return d; });
  }
  const sess = ortSessions[f.name];
  if (sess) {
    c.fwd.ort = fx(async (k) => {
      const out = await sess.run({ x: new ort.Tensor('float32', xs[k], ortDims) });
      const d = out.y.data;
      out.y.dispose?.();
      return d;
    });
    // ORT's pre-allocated output: a CPU tensor passed as the fetch for 'y' (checked like the rest).
    const oy = new ort.Tensor('float32', new Float32Array(n), ortDims);
    c.fwd.ortOut = fx(async (k) => (await sess.run({ x: new ort.Tensor('float32', xs[k], ortDims) }, { y: oy })).y.data);
  }
  c.free = () => { for (const a of c.heap) a.free(); };
  return c;
}

const ASYNC = new Set(['ort', 'ortOut']);

/** Max error of every contender against actlab's API output (relative to 1 + |reference|). */
async function check(fn, ref) {
  let out;
  try { out = await fn(); } catch (e) { return { error: String(e.message ?? e).slice(0, 200) }; }
  if (!out || out.length !== ref.length) return { error: `length ${out?.length} != ${ref.length}` };
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const e = Math.abs(out[i] - ref[i]) / (1 + Math.abs(ref[i]));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return { maxRelErr: worst };
}

async function validate(name) {
  const f = lab.functions.find((s) => s.name === name);
  const c = contenders(f, 4096, false);  // one input: every contender is checked on the same data
  const res = {};
  try {
    for (const dir of ['fwd', 'bwd']) {
      const ref = c[dir].api();
      res[dir] = {};
      for (const [who, fn] of Object.entries(c[dir])) {
        if (who === 'api' || who === 'copy') continue;  // copy: a baseline, not the function
        // out= contenders write into one array: poison it first, so a contender that leaves it
        // untouched (or returns another array) fails instead of passing on stale results.
        const owned = who.endsWith('Out') ? await fn() : null;
        owned?.fill(NaN);
        res[dir][who] = await check(fn, ref);
        if (owned && (await fn()) !== owned) res[dir][who] = { error: 'does not write into the given output array' };
      }
    }
  } finally { c.free(); }
  return res;
}

// Before any timing, every actlab path (kernel, API, API out=; forward and backward) of every
// function runs for a while at 4K, twice round. V8 starts wasm in its baseline compiler and
// optimizes a function once it has run enough; the per-call code every function shares (the
// export, the argument checks) got there only after seconds of calls, so the run's first cells
// were measured on code that was still getting faster (ReLU forward kernel at 4K: 0.113 ns/element
// in one run, 0.075 in the next).
function warmAll(msPer = 15, rounds = 2) {
  for (let round = 0; round < rounds; round++) {
    for (const f of lab.functions) {
      const c = contenders(f, 4096, false);
      try {
        for (const dir of ['fwd', 'bwd']) {
          for (const who of ['kernel', 'api', 'apiOut']) {
            const fn = c[dir][who];
            for (const t0 = performance.now(); performance.now() - t0 < msPer;) consume(fn());
          }
        }
      } finally { c.free(); }
    }
  }
}

// One (function, N) at a time, one contender per call, so the driver can collect garbage
// between contenders (allocation-heavy peers must not leave their garbage to the next one).
let current = null;
function prepare(name, N) {
  release();
  const f = lab.functions.find((s) => s.name === name);
  current = contenders(f, N);
  const list = (dir) => Object.keys(current[dir]);
  return { n: current.n, shape: current.shape, fwd: list('fwd'), bwd: list('bwd') };
}
async function measureOne(dir, who) {
  const fn = current[dir][who];
  try {
    return ASYNC.has(who) ? await measureAsync(fn, current.n) : measure(fn, current.n);
  } catch (e) {
    return { error: String(e.message ?? e).slice(0, 200) };
  }
}
function release() {
  if (current) current.free();
  current = null;
}

/** Baselines at size N: memmove inside actlab's heap, the same copy as a wasm SIMD kernel (and its two-input form), a copy in + copy out, a fresh written output.
 * Sources cycle through variants(N) inputs like the contenders' (the copy ceiling reads as they do). */
function runBaseline(which, N) {
  const K = variants(N);
  const both = lab.alloc((K + 1) * N), one = lab.alloc(N), second = which === 'wasmCopy2' ? lab.alloc(K * N) : null;
  const xs = Array.from({ length: K }, (_, k) => X.slice(k * N, (k + 1) * N));
  const src = cycle(K);
  try {
    const v = both.array;
    v.set(X.subarray(0, K * N));
    if (which === 'heapCopy') return measure(() => { const k = src(); v.copyWithin(K * N, k * N, (k + 1) * N); return v; }, N);
    // The same copy as a wasm kernel: actlab's element-wise loop with no maths (128-bit vectors).
    if (which === 'wasmCopy') return measure(() => { const k = src(); M.copyKernel(both.ptr + k * N * 4, both.ptr + K * N * 4, N); return v; }, N);
    // A backward's ceiling: two inputs (x_k, g_k, in their own allocation like a backward's) into one output.
    if (which === 'wasmCopy2') {
      second.array.set(G.subarray(0, K * N));
      return measure(() => { const k = src(); M.copy2Kernel(both.ptr + k * N * 4, second.ptr + k * N * 4, both.ptr + K * N * 4, N); return v; }, N);
    }
    if (which === 'inOut') return measure(() => { one.array.set(xs[src()]); return one.array.slice(); }, N);
    if (which === 'inOutOwned') { const o = new Float32Array(N); return measure(() => { one.array.set(xs[src()]); o.set(one.array); return o; }, N); }
    if (which === 'fresh') return measure(() => new Float32Array(N).fill(1), N);
    throw new Error(`unknown baseline ${which}`);
  } finally { both.free(); one.free(); second?.free(); }
}

// ---------------------------------------------------------------- gemm
// C = A·B with A [M×K] and B [K×N] row-major, uniform in [-1, 1): tf.matMul's product without
// transposes. actlab: the bench build's gemm export on heap buffers; it packs B on every call.
// tfjs: tf.matMul on tensors made once. tfjs-backend-wasm runs it as XNNPACK's fully-connected
// operator, created on the first call for this b tensor and then cached, so its B is packed once,
// not per call (a transposed matMul would take its naive loop instead). Neither result is copied
// out of its heap; each call's output tensor is disposed.
let gemmCur = null;
function gemmPrepare(m, n, k) {
  gemmRelease();
  const uni = (len) => Float32Array.from({ length: len }, () => 2 * rnd() - 1);
  const a = uni(m * k), b = uni(k * n);
  const hA = lab.alloc(m * k), hB = lab.alloc(k * n), hC = lab.alloc(m * n);
  hA.array.set(a);
  hB.array.set(b);
  const ta = tf.tensor2d(a, [m, k]), tb = tf.tensor2d(b, [k, n]);
  const none = [0];
  const run = {
    actlab: () => { M.gemm(m, n, k, hA.ptr, k, false, hB.ptr, n, false, hC.ptr, n, 0, 0); return hC.array; },
    tfjs: () => { tf.matMul(ta, tb).dispose(); return none; },
  };
  // Same product? |tfjs − actlab| / (1 + |actlab|), like the functions' check.
  run.actlab();
  const c = tf.matMul(ta, tb);
  const got = c.dataSync();
  c.dispose();
  const ref = hC.array;
  let worst = 0, equal = 0;
  for (let i = 0; i < ref.length; i++) {
    worst = Math.max(worst, Math.abs(got[i] - ref[i]) / (1 + Math.abs(ref[i])));
    if (Object.is(got[i], ref[i])) equal++;
  }
  if (got.length !== ref.length) worst = Infinity;
  gemmCur = { run, free: () => { hA.free(); hB.free(); hC.free(); ta.dispose(); tb.dispose(); } };
  return { flop: 2 * m * n * k, contenders: Object.keys(run), check: { maxRelErr: worst, equalFraction: equal / ref.length } };
}
// The clock for the peak model: 32 × 2^13 dependent i32.adds (one cycle each) per call, the fastest
// of 8 timings of ~1 ms (being descheduled or sharing the core can only make a timing slower).
function clockGHz() {
  let best = 0;
  for (let i = 0; i < 8; i++) {
    let reps = 0;
    const t0 = performance.now();
    let t;
    do { M.addChain(1 << 13, 7); reps++; t = performance.now(); } while (t - t0 < 1);
    best = Math.max(best, (reps * (1 << 13) * 32) / ((t - t0) * 1e6));
  }
  return best;
}
/** ns per call (measure() with n = 1), and the clock measured just before and after. */
function gemmMeasure(who) {
  const before = clockGHz();
  const r = measure(gemmCur.run[who], 1);
  return { ...r, ghz: (before + clockGHz()) / 2 };
}
function gemmRelease() {
  if (gemmCur) gemmCur.free();
  gemmCur = null;
}

// ---------------------------------------------------------------- network
// The depth lab's default view: 20 hidden Tanh layers of 128, batch 256, 128 inputs, 10 outputs,
// loss out.sum(). actlab: lab.network (the build with the engine) forward + loss + backward, its
// per-layer buffers copied out as the API returns them. tfjs: the same weights as tf.variables,
// tf.grads of the same loss w.r.t. every weight and bias (tfjs-backend-wasm: matMul is XNNPACK's).
let netCur = null;
async function netPrepare() {
  netRelease();
  const full = await loadActlab({ simd: true, expr: true });
  const cfgNet = { inputs: 128, hidden: Array(20).fill(128), outputs: 10, activation: { name: 'Tanh', params: {} }, seed: 0 };
  const net = full.network(cfgNet);
  const x = net.input(256);
  const params = net.parameters();
  const tw = params.map((q) => tf.tensor(q.data, q.shape));
  const tx = tf.tensor2d(x, [256, 128]);
  const loss = (...ws) => {
    let h = tx;
    for (let l = 0; l < ws.length; l += 2) {
      h = tf.add(tf.matMul(h, ws[l], false, true), ws[l + 1]);
      if (l + 2 < ws.length) h = tf.tanh(h);
    }
    return tf.sum(h);
  };
  const grads = tf.grads(loss);
  const run = {
    actlab: () => { net.forward(x); const g = net.loss('sum').gradOutput; return net.backward(g).gradInput; },
    tfjs: () => { const gs = tf.tidy(() => grads(tw)); gs.forEach((t) => t.dispose()); return [0]; },
  };
  // Same gradients? The first layer's weight gradient, relative to its size.
  run.actlab();
  const mine = net.backward(net.loss('sum').gradOutput).params[0].grad;
  const theirs = tf.tidy(() => grads(tw)[0].dataSync());
  let worst = 0, scale = 0;
  for (let i = 0; i < mine.length; i++) { worst = Math.max(worst, Math.abs(mine[i] - theirs[i])); scale = Math.max(scale, Math.abs(mine[i])); }
  netCur = { run, free: () => { net.free(); tw.forEach((t) => t.dispose()); tx.dispose(); } };
  return { contenders: Object.keys(run), check: { maxAbsErr: worst, scale } };
}
function netMeasure(who) { return measure(netCur.run[who], 1); }
function netRelease() {
  if (netCur) netCur.free();
  netCur = null;
}

// ---------------------------------------------------------------- train
// The training lab's step benchmark: an MLP 784-256-256-10 with ReLU, batch 64, CrossEntropyLoss,
// SGD(lr=0.01): zero_grad, forward, loss, backward, step, the same weights and batch for each.
// actlab: net.optimizer('SGD').step() (the build with the engine). tfjs: tf.train.sgd(0.01).minimize
// of tf.losses.softmaxCrossEntropy over tf.variables (tfjs-backend-wasm, XNNPACK's matMul). js: a
// plain-JS step on Float32Arrays (row-major loops, the inner one over contiguous memory).
const TR = { dims: [784, 256, 256, 10], batch: 64, lr: 0.01 };
let trainCur = null;
function jsTrainer(params, x, y) {
  const W = params.map((q) => Float32Array.from(q.data));
  const d = TR.dims, B = TR.batch, L = d.length - 1;
  const acts = [x], pres = [];
  for (let l = 0; l < L; l++) { acts.push(new Float32Array(B * d[l + 1])); pres.push(new Float32Array(B * d[l + 1])); }
  const g = d.slice(1).map((n) => new Float32Array(B * n));
  const gw = W.map((w) => new Float32Array(w.length));
  return () => {
    for (let l = 0; l < L; l++) {  // z = h Wᵀ + b, then ReLU but on the last
      const inN = d[l], outN = d[l + 1], w = W[2 * l], bias = W[2 * l + 1], h = acts[l], z = pres[l], a = acts[l + 1];
      for (let i = 0; i < B; i++) {
        for (let j = 0; j < outN; j++) {
          let s = bias[j];
          const ro = i * inN, wo = j * inN;
          for (let k = 0; k < inN; k++) s += h[ro + k] * w[wo + k];
          z[i * outN + j] = s;
          a[i * outN + j] = l < L - 1 ? (s > 0 ? s : 0) : s;
        }
      }
    }
    const C = d[L], out = acts[L], go = g[L - 1];  // softmax cross-entropy, mean over the batch
    let loss = 0;
    for (let i = 0; i < B; i++) {
      let m = -Infinity;
      for (let c = 0; c < C; c++) m = Math.max(m, out[i * C + c]);
      let z = 0;
      for (let c = 0; c < C; c++) z += Math.exp(out[i * C + c] - m);
      loss += Math.log(z) + m - out[i * C + y[i]];
      for (let c = 0; c < C; c++) go[i * C + c] = (Math.exp(out[i * C + c] - m) / z - (c === y[i] ? 1 : 0)) / B;
    }
    for (let l = L - 1; l >= 0; l--) {  // dW = gᵀ h, db = Σ g, dh = g W (through ReLU)
      const inN = d[l], outN = d[l + 1], w = W[2 * l], gl = g[l], h = acts[l], dw = gw[2 * l], db = gw[2 * l + 1];
      dw.fill(0);
      db.fill(0);
      for (let i = 0; i < B; i++) {
        for (let j = 0; j < outN; j++) {
          const gv = gl[i * outN + j];
          db[j] += gv;
          if (gv === 0) continue;
          const wo = j * inN, ro = i * inN;
          for (let k = 0; k < inN; k++) dw[wo + k] += gv * h[ro + k];
        }
      }
      if (l > 0) {
        const gp = g[l - 1], zp = pres[l - 1];
        gp.fill(0);
        for (let i = 0; i < B; i++) {
          for (let j = 0; j < outN; j++) {
            const gv = gl[i * outN + j];
            if (gv === 0) continue;
            const wo = j * inN, ro = i * inN;
            for (let k = 0; k < inN; k++) gp[ro + k] += gv * w[wo + k];
          }
        }
        for (let k = 0; k < gp.length; k++) if (!(zp[k] > 0)) gp[k] = 0;
      }
    }
    for (let q = 0; q < W.length; q++) { const w = W[q], dw = gw[q]; for (let k = 0; k < w.length; k++) w[k] -= TR.lr * dw[k]; }
    return loss / B;
  };
}
async function trainPrepare() {
  trainRelease();
  const full = await loadActlab({ simd: true, expr: true });
  const cfg = { inputs: TR.dims[0], hidden: TR.dims.slice(1, -1), outputs: TR.dims.at(-1), activation: { name: 'ReLU', params: {} }, seed: 0 };
  const make = () => { const net = full.network(cfg); return { net, opt: net.optimizer({ name: 'SGD', lr: TR.lr }) }; };
  const a = make(), probeNet = make();
  const x = a.net.input(TR.batch);
  const y = Float32Array.from({ length: TR.batch }, (_, i) => (i * 7) % 10);
  const params = a.net.parameters();
  const vars = params.map((q) => tf.variable(tf.tensor(q.data, q.shape)));
  const tx = tf.tensor2d(x, [TR.batch, TR.dims[0]]);
  const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(y), 'int32'), 10);
  const sgd = tf.train.sgd(TR.lr);
  const tfLoss = () => {
    let h = tx;
    for (let l = 0; l < vars.length; l += 2) {
      h = tf.add(tf.matMul(h, vars[l], false, true), vars[l + 1]);
      if (l + 2 < vars.length) h = tf.relu(h);
    }
    return tf.losses.softmaxCrossEntropy(onehot, h);
  };
  const js = jsTrainer(params, x, y);
  const run = {
    actlab: () => [a.opt.step(x, y, { shape: [TR.batch, TR.dims[0]], loss: 'CrossEntropyLoss' })],
    tfjs: () => { const l = sgd.minimize(tfLoss, true); const v = l.dataSync(); l.dispose(); return v; },
    js: () => [js()],
  };
  // One step from the same weights: the losses, and the first weight after it.
  const la = probeNet.opt.step(x, y, { shape: [TR.batch, TR.dims[0]], loss: 'CrossEntropyLoss' });
  const w0 = probeNet.net.parameters()[0].data;
  const probeVars = params.map((q) => tf.variable(tf.tensor(q.data, q.shape)));
  const probeSgd = tf.train.sgd(TR.lr);
  const lt = tf.tidy(() => probeSgd.minimize(() => {
    let h = tx;
    for (let l = 0; l < probeVars.length; l += 2) {
      h = tf.add(tf.matMul(h, probeVars[l], false, true), probeVars[l + 1]);
      if (l + 2 < probeVars.length) h = tf.relu(h);
    }
    return tf.losses.softmaxCrossEntropy(onehot, h);
  }, true).dataSync()[0]);
  const t0 = probeVars[0].dataSync();
  const lj = jsTrainer(params, x, y)();
  let worst = 0;
  for (let i = 0; i < w0.length; i++) worst = Math.max(worst, Math.abs(w0[i] - t0[i]));
  probeVars.forEach((v) => v.dispose());
  probeNet.net.free();
  trainCur = { run, free: () => { a.net.free(); vars.forEach((v) => v.dispose()); tx.dispose(); onehot.dispose(); } };
  return { contenders: Object.keys(run), check: { loss: { actlab: la, tfjs: lt, js: lj }, maxAbsW0: worst } };
}
function trainMeasure(who) { return measure(trainCur.run[who], 1); }
function trainRelease() {
  if (trainCur) trainCur.free();
  trainCur = null;
}

// A fixed workload, ~15 ms here (one timing: Chromium's clock ticks in 0.1 ms): actlab Tanh on
// 4,096 heap floats, then a JS Math.exp loop. The driver runs it before every measurement and waits
// until it runs at its usual speed: Chromium's background work (e.g. tier-up compiles of the
// peers' big wasm modules) slowed the page's thread by up to 3x for seconds at a time, stretches
// that outlast a whole measurement.
let probeBufs = null;
function probe() {
  if (!probeBufs) {
    probeBufs = { x: lab.alloc(4096), y: lab.alloc(4096), o: new Float32Array(4096) };
    probeBufs.x.array.set(X.subarray(0, 4096));
  }
  const { x, y, o } = probeBufs;
  const xs = X.subarray(0, 4096);
  const t0 = performance.now();
  for (let k = 0; k < 800; k++) lab.forward('Tanh', x, { out: y });
  for (let k = 0; k < 80; k++) { for (let i = 0; i < 4096; i++) o[i] = Math.exp(-Math.abs(xs[i])); consume(o); }
  consume(y.array);
  return performance.now() - t0;
}
function freeProbe() {
  if (probeBufs) { probeBufs.x.free(); probeBufs.y.free(); }
  probeBufs = null;
}

window.bench = {
  init, validate, warmAll, prepare, measureOne, release, runBaseline, probe, freeProbe, gemmPrepare, gemmMeasure, gemmRelease,
  netPrepare, netMeasure, netRelease, trainPrepare, trainMeasure, trainRelease,
  config: (c) => Object.assign(cfg, c),
  tfTensors: () => tf.memory().numTensors,
  heapInUse: () => lab.heapInUse(),
  sink: () => sink,
  // for poking at the peers from devtools / page.evaluate
  tf, ort, jsref, get lab() { return lab; },
};
document.getElementById('status').textContent = 'ready';
window.benchReady = true;
