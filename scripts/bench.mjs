// npm run bench: ns/element of every function, forward and backward, at 1M float32 elements in
// node — SIMD128 build vs scalar build of the same source, at kernel level (buffers already on
// the wasm heap, lab.alloc) and at API level (Float32Array in, new Float32Array out: two copies).
// Each figure: median of 7 samples, each sample repeats the call for >= 30 ms, after 300 ms of warm-up.
// `node scripts/bench.mjs gemm`: only the GEMM section (GFLOP/s of the nn.Linear products, bench build).
import { writeFileSync, mkdirSync } from 'node:fs';
import { loadActlab, loadActlabBuild } from '../web/lib/actlab.js';
import createSimdBench from '../build/wasm/actlab-simd-bench.mjs';
import createScalarBench from '../build/wasm/actlab-scalar-bench.mjs';

const N = 1 << 20;
const SAMPLES = 7;
const MIN_MS = 30;
const WARM_MS = 300;

function median(a) { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]; }
function timeIt(fn) {
  // Warm up for 300 ms: V8 tiers a hot wasm function up to TurboFan in the background, and a big
  // one (the expression evaluator) took long enough that two warm-up calls left most samples on
  // baseline code (custom ELU measured 6.6 or 10.2 ns/element from run to run).
  const w0 = performance.now();
  do fn(); while (performance.now() - w0 < WARM_MS);
  const per = [];
  for (let s = 0; s < SAMPLES; s++) {
    let reps = 0;
    const t0 = performance.now();
    let t;
    do { fn(); reps++; t = performance.now(); } while (t - t0 < MIN_MS);
    per.push(((t - t0) * 1e6) / reps / N);
  }
  return median(per);
}

// Shapes for dim-wise functions: 1,024 rows of 1,024 along the last dim (Softmax2d: 256 channels).
function shapeFor(f) {
  if (f.fixedDim === -3) return [4, 256, 32, 32];
  if (f.dimwise) return [1024, 1024];
  return undefined;
}

// Deterministic normals x 3.
let seed = 12345;
const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const xs = Float32Array.from({ length: N }, () => 3 * Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd()));
const gs = Float32Array.from({ length: N }, () => rnd() - 0.5);

const builds = { simd: await loadActlab({ simd: true }), scalar: await loadActlab({ simd: false }) };
// Optional names on the command line (`npm run bench -- Tanh GELU`, `-- gemm`) restrict the run.
const only = process.argv.slice(2);
const gemmOnly = only.length > 0 && only.every((n) => n === 'gemm');
const rows = [];
for (const f of builds.simd.functions.filter((f) => !only.length || only.includes(f.name))) {
  const shape = shapeFor(f);
  const row = { name: f.name };
  for (const [which, lab] of Object.entries(builds)) {
    const nOut = f.halves ? N / 2 : N;
    const x = lab.alloc(N), g = lab.alloc(nOut), y = lab.alloc(nOut), dx = lab.alloc(N);
    x.array.set(xs);
    g.array.set(gs.subarray(0, nOut));
    row[`${which}_fwd`] = timeIt(() => lab.forward(f.name, x, { shape, out: y }));
    row[`${which}_bwd`] = timeIt(() => lab.backward(f.name, x, g, { shape, out: dx }));
    for (const h of [x, g, y, dx]) h.free();
  }
  const lab = builds.simd;
  row.api_fwd = timeIt(() => lab.forward(f.name, xs, { shape }));
  row.api_bwd = timeIt(() => lab.backward(f.name, xs, f.halves ? gs.subarray(0, N / 2) : gs, { shape }));
  rows.push(row);
  process.stderr.write('.');
}
process.stderr.write('\n');

const fmt = (v) => v.toFixed(2);
if (!gemmOnly) {
console.log(`actlab bench: ${N.toLocaleString('en')} float32 elements, node ${process.version}, ns/element (median of ${SAMPLES})`);
console.log('kernel = buffers on the wasm heap (lab.alloc); API = Float32Array in/out (copies included)\n');
console.log('| function | SIMD fwd | scalar fwd | speed-up | SIMD bwd | scalar bwd | speed-up | API fwd | API bwd |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.name} | ${fmt(r.simd_fwd)} | ${fmt(r.scalar_fwd)} | ${(r.scalar_fwd / r.simd_fwd).toFixed(1)}× | ` +
    `${fmt(r.simd_bwd)} | ${fmt(r.scalar_bwd)} | ${(r.scalar_bwd / r.simd_bwd).toFixed(1)}× | ${fmt(r.api_fwd)} | ${fmt(r.api_bwd)} |`);
}
}
// Custom expressions (issue: within 3x of the equivalent built-in): value + derivative in one
// pass of the compiled graph vs the built-in's forward + backward kernels, buffers on the heap.
const customs = [
  { name: 'ELU', src: 'torch.where(x > 0, x, alpha * (torch.exp(x) - 1))', pre: 'alpha = 1.0\n', ops: 5 },
  { name: 'SiLU', src: 'x * torch.sigmoid(x)', pre: '', ops: 2 },
  { name: 'GELU', src: '0.5 * x * (1 + torch.erf(x * 0.7071067811865476))', pre: '', ops: 5 },
];
const customRows = [];
const classes = [
  { name: 'ELU (tutorial class)', src: 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\nclass ELU(nn.Module):\n'
    + '    def __init__(self, alpha=1.0):\n        super(ELU, self).__init__()\n        self.alpha=alpha\n    def forward(self, x):\n'
    + '        temp1 = F.relu(x)\n        temp2 = self.alpha * (-1*F.relu(1-torch.exp(x)))\n        return temp1 + temp2\n' },
  { name: 'GELU tanh form (def)', src: 'import numpy as np\ndef gelu(x):\n    inner = np.sqrt(2 / np.pi) * (x + 0.044715 * torch.pow(x, 3))\n'
    + '    return 0.5 * x * (1 + torch.tanh(inner))\n' },
];
const classRows = [];
if (!only.length || only.includes('custom')) {
  const lab = await loadActlab({ simd: true, expr: true });
  const x = lab.alloc(N), g = lab.alloc(N), y = lab.alloc(N), dx = lab.alloc(N);
  x.array.set(xs);
  g.array.fill(1);
  for (const c of customs) {
    lab.compile(c.pre + c.src, { name: 'Bench' });
    const builtin = timeIt(() => { lab.forward(c.name, x, { out: y }); lab.backward(c.name, x, g, { out: dx }); });
    const custom = timeIt(() => lab.evaluate('Bench', x, { out: y, dout: dx }));
    customRows.push({ ...c, builtin, custom });
  }
  // A pasted class compiles to the graph of its inlined expression (temporaries shared): timed
  // side by side with that expression (its canonical text).
  for (const c of classes) {
    const spec = lab.compile(c.src, { name: 'Bench' });
    const klass = timeIt(() => lab.evaluate('Bench', x, { out: y, dout: dx }));
    lab.compile(spec.canonical, { name: 'Bench' });
    const inline = timeIt(() => lab.evaluate('Bench', x, { out: y, dout: dx }));
    classRows.push({ name: c.name, klass, inline, canonical: spec.canonical.split('\n').pop() });
  }
  lab.release('Bench');
  for (const h of [x, g, y, dx]) h.free();
  console.log('\ncustom expression, value + derivative in one pass vs the built-in kernel forward + backward, all buffers on the heap, ns/element:\n');
  console.log('| expression | ops | custom | built-in | ratio |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of customRows) console.log(`| \`${r.src}\` (= ${r.name}) | ${r.ops} | ${fmt(r.custom)} | ${fmt(r.builtin)} | ${(r.custom / r.builtin).toFixed(2)}× |`);
  console.log('\npasted class or def vs the expression it reduces to, value + derivative, ns/element:\n');
  console.log('| pasted | inlined expression | pasted | inlined | ratio |');
  console.log('|---|---|---:|---:|---:|');
  for (const r of classRows) console.log(`| ${r.name} | \`${r.canonical}\` | ${fmt(r.klass)} | ${fmt(r.inline)} | ${(r.klass / r.inline).toFixed(2)}× |`);
}

// The memory floor: a copy of N floats in and out of the heap (what any copying API pays).
mkdirSync('build', { recursive: true });
if (!gemmOnly) {
  const lab = builds.simd;
  const h = lab.alloc(N);
  const copy = timeIt(() => { h.array.set(xs); return h.array.slice(); });
  h.free();
  console.log(`\ncopy in + copy out of the heap (API overhead floor): ${fmt(copy)} ns/element`);
  if (!only.length) writeFileSync('build/bench.json', JSON.stringify({ n: N, node: process.version, rows, copy, customRows, classRows }, null, 2));
  if (!only.length) console.log('wrote build/bench.json');
}

// ---------------------------------------------------------------- gemm
// The nn.Linear products of actlab/gemm.hpp through the bench build's exports, buffers on the heap.
// GFLOP/s = 2·M·N·K / time per call: median of 7 samples of >= 30 ms, after 300 ms of warm-up.
// Peak model: wasm SIMD128 has 4 f32 lanes and no fused multiply-add, so a multiply-accumulate is an
// f32x4.mul and an f32x4.add; at one of each per cycle that is 8 flop/cycle. The clock is measured,
// not assumed: a chain of dependent i32.adds (one cycle each on any x86 or ARM core) timed right
// after every sample, so each sample has its own clock (on this shared VM the speed varied by 1.5x
// over seconds): the fastest of 8 timings of ~1 ms, since being descheduled or sharing the core can
// only make a timing slower. flop/cycle is the median of the samples' ratios.
const CHAIN = 1 << 13;  // x 32 adds: ~260K cycles, ~0.06 ms per call
function clockSample(M) {
  let best = 0;
  for (let i = 0; i < 8; i++) {
    let reps = 0;
    const t0 = performance.now();
    let t;
    do { M.addChain(CHAIN, 7); reps++; t = performance.now(); } while (t - t0 < 1);
    best = Math.max(best, (reps * CHAIN * 32) / ((t - t0) * 1e6));
  }
  return best;  // GHz
}

// The hardware's own ceiling for this instruction mix, measured: 12 independent mul-then-add chains
// (bindings.cpp, mulAddChains: 96 flop per pass), the best of 8 timings of ~20 ms, each divided by
// the clock measured right after it. The 8 flop/cycle model assumes one mul and one add per cycle;
// a core with two of each (AMD Zen 4/5, recent Intel) can do up to 16.
function mulAddCeiling(M) {
  const n = 1 << 14;
  let best = 0;
  for (let i = 0; i < 8; i++) {
    let reps = 0;
    const t0 = performance.now();
    let t;
    do { M.mulAddChains(n); reps++; t = performance.now(); } while (t - t0 < 20);
    best = Math.max(best, (96 * n * reps) / ((t - t0) * 1e6) / clockSample(M));
  }
  return best;  // flop/cycle
}

function timeGemm(fn, M, flop) {
  const w0 = performance.now();
  do { fn(); clockSample(M); } while (performance.now() - w0 < WARM_MS);
  const ms = [], ghz = [], fpc = [];
  for (let s = 0; s < SAMPLES; s++) {
    let reps = 0;
    const t0 = performance.now();
    let t;
    do { fn(); reps++; t = performance.now(); } while (t - t0 < MIN_MS || reps < 3);
    const per = (t - t0) / reps, clock = clockSample(M);
    ms.push(per);
    ghz.push(clock);
    fpc.push(flop / (per * 1e6) / clock);
  }
  return { ms: median(ms), ghz: median(ghz), flopPerCycle: median(fpc) };
}

// { name, op, M, N, K }: op gemm = C = A·B (no transposes, as tf.matMul), forward = y = x Wᵀ + b,
// dX = dY W, dW = dYᵀ X (overwriting). For Linear products M is the batch, N the layer's outputs,
// K its inputs: the depth lab's default layer is nn.Linear(128, 128) on a batch of 256.
const GEMM_CASES = [
  { name: 'A·B', op: 'gemm', M: 256, N: 256, K: 256 },
  { name: 'A·B', op: 'gemm', M: 1024, N: 1024, K: 64 },
  { name: 'A·B', op: 'gemm', M: 128, N: 128, K: 256 },
  { name: 'Linear forward y = x Wᵀ + b', op: 'forward', M: 256, N: 128, K: 128 },
  { name: 'Linear dX = dY W', op: 'dX', M: 256, N: 128, K: 128 },
  { name: 'Linear dW = dYᵀ X', op: 'dW', M: 256, N: 128, K: 128 },
];
// The product's own shape (rows × cols × inner) for each op.
const gemmDims = (c) => (c.op === 'dX' ? [c.M, c.K, c.N] : c.op === 'dW' ? [c.N, c.K, c.M] : [c.M, c.N, c.K]);

// A bound call for case c on `lab`'s heap, plus a spot check of 16 outputs against double dot products.
function gemmCall(lab, M, c) {
  const { M: m, N: n, K: k } = c;
  const rnd2 = () => 2 * rnd() - 1;
  const fill = (len) => { const h = lab.alloc(len); h.array.set(Float32Array.from({ length: len }, rnd2)); return h; };
  let bufs, run, get;
  if (c.op === 'gemm') {
    const A = fill(m * k), B = fill(k * n), C = lab.alloc(m * n);
    bufs = [A, B, C];
    run = () => M.gemm(m, n, k, A.ptr, k, false, B.ptr, n, false, C.ptr, n, 0, 0);
    get = (i, j) => [C.array[i * n + j], (q) => A.array[i * k + q] * B.array[q * n + j], k, m, n];
  } else if (c.op === 'forward') {
    const x = fill(m * k), W = fill(n * k), b = fill(n), y = lab.alloc(m * n);
    bufs = [x, W, b, y];
    run = () => M.linearForward(m, n, k, x.ptr, W.ptr, b.ptr, y.ptr);
    get = (i, j) => [y.array[i * n + j] - b.array[j], (q) => x.array[i * k + q] * W.array[j * k + q], k, m, n];
  } else if (c.op === 'dX') {
    const dY = fill(m * n), W = fill(n * k), dX = lab.alloc(m * k);
    bufs = [dY, W, dX];
    run = () => M.linearGradInput(m, n, k, dY.ptr, W.ptr, dX.ptr);
    get = (i, j) => [dX.array[i * k + j], (q) => dY.array[i * n + q] * W.array[q * k + j], n, m, k];
  } else {
    const dY = fill(m * n), X = fill(m * k), dW = lab.alloc(n * k);
    bufs = [dY, X, dW];
    run = () => M.linearGradWeight(m, n, k, dY.ptr, X.ptr, dW.ptr, false);
    get = (i, j) => [dW.array[i * k + j], (q) => dY.array[q * n + i] * X.array[q * k + j], m, n, k];
  }
  run();
  for (let t = 0; t < 16; t++) {
    const [, , , rows, cols] = get(0, 0);
    const i = Math.floor(rnd() * rows), j = Math.floor(rnd() * cols);
    const [got, term, inner] = get(i, j);
    let ref = 0, mag = 0;
    for (let q = 0; q < inner; q++) { const v = term(q); ref += v; mag += Math.abs(v); }
    if (!(Math.abs(got - ref) <= (inner + 3) * 2 ** -24 * mag + 1e-30)) throw new Error(`gemm bench: ${c.op} ${m}×${n}×${k} wrong at [${i}][${j}]: ${got} vs ${ref}`);
  }
  return { run, free: () => bufs.forEach((h) => h.free()) };
}

if (!only.length || only.includes('gemm')) {
  const simd = await loadActlabBuild(createSimdBench, new URL('../build/wasm/actlab-simd-bench.wasm', import.meta.url));
  const scalar = await loadActlabBuild(createScalarBench, new URL('../build/wasm/actlab-scalar-bench.wasm', import.meta.url));
  const MODEL = 8;  // flop/cycle: 4 lanes x (1 mul + 1 add)
  const ceiling = mulAddCeiling(simd.module);
  const gemmRows = [];
  for (const c of GEMM_CASES) {
    const flop = 2 * c.M * c.N * c.K;
    const row = { ...c, dims: gemmDims(c), flop };
    for (const [which, b] of [['simd', simd], ['scalar', scalar]]) {
      const call = gemmCall(b.lab, b.module, c);
      const t = timeGemm(call.run, simd.module, flop);
      call.free();
      row[which] = { ...t, gflops: flop / (t.ms * 1e6) };
    }
    row.peakFraction = row.simd.flopPerCycle / MODEL;
    row.ceilingFraction = row.simd.flopPerCycle / ceiling;
    gemmRows.push(row);
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const clocks = gemmRows.map((r) => r.simd.ghz);
  const clockLo = Math.min(...clocks), clockHi = Math.max(...clocks);
  console.log(`\ngemm (actlab/gemm.hpp, bench build), node ${process.version}: GFLOP/s = 2·M·N·K / time per call, median of ${SAMPLES} samples`);
  console.log(`peak model: 4 f32 lanes × (1 f32x4.mul + 1 f32x4.add) per cycle (SIMD128 has no FMA) = ${MODEL} flop/cycle at the measured clock`);
  console.log(`clock: a dependent i32.add chain (1 cycle per add) timed after every sample: ${clockLo.toFixed(2)}–${clockHi.toFixed(2)} GHz ` +
    `(per-case medians), so the peak is ${(MODEL * clockLo).toFixed(1)}–${(MODEL * clockHi).toFixed(1)} GFLOP/s`);
  console.log(`measured ceiling of f32x4.mul + f32x4.add on this core: ${ceiling.toFixed(1)} flop/cycle (12 independent mul-then-add chains) — ` +
    'above 8 where the core has two multiply and two add pipes\n');
  console.log('| product | M×N×K (product) | SIMD ms | SIMD GFLOP/s | clock GHz | flop/cycle | of the 8 flop/cycle peak | of the measured ceiling | scalar GFLOP/s | SIMD / scalar |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of gemmRows) {
    console.log(`| ${r.name} | ${r.dims.join('×')} | ${r.simd.ms.toFixed(3)} | ${r.simd.gflops.toFixed(1)} | ${r.simd.ghz.toFixed(2)} | ` +
      `${r.simd.flopPerCycle.toFixed(2)} | ${(100 * r.peakFraction).toFixed(0)}% | ${(100 * r.ceilingFraction).toFixed(0)}% | ` +
      `${r.scalar.gflops.toFixed(2)} | ${(r.simd.gflops / r.scalar.gflops).toFixed(1)}× |`);
  }
  writeFileSync('build/bench-gemm.json', JSON.stringify({
    node: process.version, samples: SAMPLES, minSampleMs: MIN_MS, warmupMs: WARM_MS,
    measuredCeilingFlopPerCycle: ceiling,
    peakModel: { lanes: 4, flopPerCycle: MODEL, clock: 'dependent i32.add chain, 1 cycle per add: fastest of 8 timings of 1 ms after every sample' },
    rows: gemmRows,
  }, null, 2));
  console.log('wrote build/bench-gemm.json');
}

// The depth lab's default view (depth 20 x width 128 x batch 256, Tanh): build (seeded init), input,
// forward, loss, backward and statistics, the work one change of the view recomputes.
if (!only.length || only.includes('network')) {
  const lab = await loadActlab({ simd: true, expr: true });
  const cfg = { inputs: 128, hidden: Array(20).fill(128), outputs: 10, activation: { name: 'Tanh', params: {} }, seed: 0 };
  const once = () => {
    const net = lab.network(cfg);
    net.forward(net.input(256));
    net.backward(net.loss('sum').gradOutput);
    net.stats();
    net.free();
  };
  const ns = timeIt(once) * N;  // timeIt reports per element of N: undo it for a per-call figure
  const flop = 3 * 2 * 256 * 128 * (128 * 20 + 10);  // forward, dX and dW products
  const ms = ns / 1e6;
  console.log(`\ndepth lab, default view (depth 20 × width 128 × batch 256, Tanh, build + forward + backward + stats): ${ms.toFixed(1)} ms per change, ` +
    `${(flop / (ms * 1e6)).toFixed(1)} GFLOP/s in the products`);
  writeFileSync('build/bench-network.json', JSON.stringify({ node: process.version, ms, flop }, null, 2));
}

// The training lab (`node scripts/bench.mjs train`): 2-8-8-2 (ReLU) on 500 points, full batch, Adam
// and CrossEntropyLoss, run() 100 steps a call as the page's worker would (epochs/s; target >= 300 in
// a browser worker); and 784-256-256-10 at batch 64 with SGD (momentum 0.9), ms per step().
if (!only.length || only.includes('train')) {
  const lab = await loadActlab({ simd: true, expr: true });
  const small = lab.network({ inputs: 2, hidden: [8, 8], outputs: 2, seed: 0 });
  const adam = small.optimizer({ name: 'Adam', lr: 0.01 });
  const P = 500;
  const x = Float32Array.from({ length: 2 * P }, () => 2 * rnd() - 1);
  const y = Float32Array.from({ length: P }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0));
  const chunk = 100;
  const msChunk = (timeIt(() => adam.run(x, y, { shape: [P, 2], loss: 'CrossEntropyLoss', steps: chunk })) * N) / 1e6;
  const epochsPerS = chunk / (msChunk / 1e3);
  const msStep = (timeIt(() => adam.step(x, y, { shape: [P, 2], loss: 'CrossEntropyLoss' })) * N) / 1e6;
  small.free();
  const big = lab.network({ inputs: 784, hidden: [256, 256], outputs: 10, seed: 0 });
  const sgd = big.optimizer({ name: 'SGD', lr: 0.01, momentum: 0.9 });
  const B = 64;
  const bx = Float32Array.from({ length: B * 784 }, () => rnd());
  const by = Float32Array.from({ length: B }, (_, i) => i % 10);
  const msBig = (timeIt(() => sgd.step(bx, by, { shape: [B, 784], loss: 'CrossEntropyLoss' })) * N) / 1e6;
  big.free();
  const flop = 3 * 2 * B * (784 * 256 + 256 * 256 + 256 * 10);
  console.log(`\ntraining lab: 2-8-8-2 on ${P} points, full batch, Adam: ${epochsPerS.toFixed(0)} epochs/s through run() ` +
    `(${chunk} steps a call; ${(1e3 / msStep).toFixed(0)} a second through step()); ` +
    `784-256-256-10, batch ${B}, SGD: ${msBig.toFixed(2)} ms/step (${(flop / (msBig * 1e6)).toFixed(1)} GFLOP/s in the products)`);
  writeFileSync('build/bench-train.json', JSON.stringify({ node: process.version, small: { points: P, chunk, epochsPerS, msStep },
    big: { batch: B, msStep: msBig, flop } }, null, 2));
}
