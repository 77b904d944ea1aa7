// npm run bench: ns/element of every function, forward and backward, at 1M float32 elements in
// node — SIMD128 build vs scalar build of the same source, at kernel level (buffers already on
// the wasm heap, lab.alloc) and at API level (Float32Array in, new Float32Array out: two copies).
// Each figure: median of 7 samples, each sample repeats the call for >= 30 ms, after 300 ms of warm-up.
import { writeFileSync, mkdirSync } from 'node:fs';
import { loadActlab } from '../web/lib/actlab.js';

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
// Optional names on the command line (`npm run bench -- Tanh GELU`) restrict the run.
const only = process.argv.slice(2);
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
console.log(`actlab bench: ${N.toLocaleString('en')} float32 elements, node ${process.version}, ns/element (median of ${SAMPLES})`);
console.log('kernel = buffers on the wasm heap (lab.alloc); API = Float32Array in/out (copies included)\n');
console.log('| function | SIMD fwd | scalar fwd | speed-up | SIMD bwd | scalar bwd | speed-up | API fwd | API bwd |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.name} | ${fmt(r.simd_fwd)} | ${fmt(r.scalar_fwd)} | ${(r.scalar_fwd / r.simd_fwd).toFixed(1)}× | ` +
    `${fmt(r.simd_bwd)} | ${fmt(r.scalar_bwd)} | ${(r.scalar_bwd / r.simd_bwd).toFixed(1)}× | ${fmt(r.api_fwd)} | ${fmt(r.api_bwd)} |`);
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
const lab = builds.simd;
const h = lab.alloc(N);
const copy = timeIt(() => { h.array.set(xs); return h.array.slice(); });
h.free();
console.log(`\ncopy in + copy out of the heap (API overhead floor): ${fmt(copy)} ns/element`);
mkdirSync('build', { recursive: true });
if (!only.length) writeFileSync('build/bench.json', JSON.stringify({ n: N, node: process.version, rows, copy, customRows, classRows }, null, 2));
if (!only.length) console.log('wrote build/bench.json');
