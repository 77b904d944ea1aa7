// The class-shaped stress in wasm: the inputs of tests/fuzz/module_gen.hpp, printed by the native
// build's module-gen (so this side and tests/fuzz/module_stress.cpp run the same texts, from one
// generator), through the product build and its JS API (lab.compile, evaluate, forward, backward,
// heap arrays). Per input: the time of compile + evaluations (reported, never asserted; over
// 1 ms it is timed three times and the fastest counts), the heap in use before and after once a
// warm-up has run (an input that grows it on every rerun is a leak), and anything thrown that is
// not an Error with a message (a wasm trap, an abort).
// Used by tests/js/module-stress.test.js (a slice) and scripts/module-stress-wasm.mjs (100,000).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './fuzz.js';

export const DEFAULT_SEED = 20261207;  // module_gen.cpp's and module_stress.cpp's too
export const MODULE_GEN = fileURLToPath(new URL('../../build/native/module-gen', import.meta.url));

// Input records {i, kind, src}, streamed: a 100,000-input run is about a gigabyte of text.
export async function* moduleInputs({ n, seed = DEFAULT_SEED, start = 0 }) {
  if (!existsSync(MODULE_GEN)) throw new Error(`${MODULE_GEN} is missing: run npm run build`);
  const child = spawn(MODULE_GEN, ['--n', String(n), '--seed', String(seed), '--start', String(start)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let count = 0;
  try {
    for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
      count++;
      yield JSON.parse(line);
    }
  } finally {
    if (count < n) child.kill();  // the consumer stopped early
  }
  const { code, signal } = await exited;
  if (code !== 0 || count !== n) throw new Error(`module-gen: exit ${code ?? signal} after ${count} of ${n} inputs`);
}

// The points of tests/fuzz/module_harness.hpp: the awkward floats, then a ramp over [-8, 8].
const AWKWARD = [0, -0, 1, -1, 0.5, -2.5, 3, 1e-30, -1e30, 88, -104, Infinity, -Infinity, NaN, 6, -6, 1e-45];
const N = 64;
const RETIME_MS = 1;  // a first run slower than this is timed again
export const X = Float32Array.from([...AWKWARD, ...Array.from({ length: N - AWKWARD.length }, (_, k) => -8 + (16 * k) / (N - AWKWARD.length - 1))]);
const G = Float32Array.from({ length: N }, (_, k) => [1, 0.5, 0, -1, Infinity, -0, 2, NaN][k % 8]);

function otherParams(spec, u) {
  const out = {};
  for (const p of spec.params) {
    const k = Math.floor(u() * 8);
    out[p.name] = [p.lo, p.hi, 0, -p.default, 1e30, NaN, -1, p.lo + (p.hi - p.lo) * Math.floor(u() * 1001) / 1000][k];
  }
  return out;
}

// An Error the API may throw on bad input: an Error with a message, not a trap or a bare number.
const fine = (e) => e instanceof Error && !(e instanceof WebAssembly.RuntimeError) && e.message.length > 0 && !/^\d+$/.test(e.message);

// One input through the API. Returns { compiled, error }; throws what is not `fine`.
export function exercise(lab, src, salt) {
  const u = mulberry32(salt);
  const name = 'ModuleStress';
  let spec;
  try {
    spec = lab.compile(src, { name });
  } catch (e) {
    if (!fine(e)) throw e;
    return { compiled: 0, error: e.message };
  }
  // Pastes with several classes: each by name as well (spec.classes, when the engine has it).
  const specs = [spec];
  for (const cls of Array.isArray(spec.classes) ? spec.classes : []) {
    try {
      specs.push(lab.compile(src, { name: `${name}.${cls}`, cls }));
    } catch (e) {
      if (!fine(e)) throw e;
    }
  }
  let compiled = 0;
  for (const s of specs) {
    compiled++;
    const params = otherParams(s, u);
    const calls = [
      () => lab.evaluate(s.name, X),
      () => lab.evaluate(s.name, X, { params }),
      () => lab.forward(s.name, X, { params }),
      () => lab.backward(s.name, X, G),
      () => lab.backward(s.name, X, G, { params }),
      () => lab.evaluate(s.name, new Float32Array(0)),
      () => {  // zero-copy, in place
        const h = lab.alloc(N);
        try {
          h.array.set(X);
          lab.forward(s.name, h, { out: h });
        } finally {
          h.free();
        }
      },
    ];
    if (s.dimwise) {
      // Dim-wise functions take a shape and a dim as the built-in ones do (Softmax's params.dim).
      for (const [shape, dim] of [[[8, 8], 1], [[2, 4, 8], -1], [[4, 16], 0], [[8, 8], 2]]) {
        calls.push(() => lab.forward(s.name, X, { shape, params: { ...params, dim } }));
        calls.push(() => lab.backward(s.name, X, G, { shape, params: { dim } }));
      }
    }
    for (const call of calls) {
      try {
        call();
      } catch (e) {
        if (!fine(e)) throw e;
      }
    }
    lab.release(s.name);
  }
  return { compiled, error: '' };
}

// The same key as module_stress.cpp's error_kind: the message without names, numbers, quotes.
const errorKind = (m) => m.replace(/(['"])[^'"]*\1/g, "'…'").replace(/[0-9]+/g, '#').slice(0, 90);
const head = (src) => JSON.stringify([...src].slice(0, 200).join(''));

/**
 * Runs n inputs from `start` through `lab` (a loadActlab({ expr: true }) instance); returns the
 * report. A failure (trap, abort, non-Error) is recorded with its input and the run goes on with
 * a fresh module from `reload()`.
 */
export async function stressWasm(lab, { n, seed = DEFAULT_SEED, start = 0, warmup = Math.min(1000, Math.floor(n / 10)), reload, onProgress } = {}) {
  const t0 = performance.now();
  const r = { inputs: n, compiled: 0, maxMs: 0, totalMs: 0, over100ms: 0, slowest: null, heapGrowth: 0, leaks: [], once: 0, failures: [], errors: new Map() };
  // One paste that compiles first: the API's grow-only scratch block reaches its size however
  // few of the warm-up inputs compile.
  exercise(lab, 'import torch\ndef f(x):\n    return x * torch.sigmoid(x)', 1);
  // Two classes: each compiled by name while the first is alive, so the engine's table of
  // compiled functions has its second slot before the heap is watched.
  exercise(lab, 'class A(nn.Module):\n    def forward(self, x):\n        return x\nclass B(nn.Module):\n    def forward(self, x):\n        return -x\n', 1);
  let k = 0;
  for await (const { i, kind, src } of moduleInputs({ n, seed, start })) {
    const watched = k++ >= warmup;
    const salt = (i * 2654435761 + seed) >>> 0;
    const before = watched ? lab.heapInUse() : 0;
    const t = performance.now();
    let out;
    try {
      out = exercise(lab, src, salt);
    } catch (e) {
      r.failures.push({ i, kind, head: head(src), error: `${e?.constructor?.name}: ${e?.message ?? e}` });
      if (!reload) throw e;
      lab = await reload();
      continue;
    }
    let ms = performance.now() - t;
    if (watched) {
      const after = lab.heapInUse();
      r.heapGrowth += after - before;
      if (after > before) {
        // Again twice: a leak grows the heap each time, a first-use table only once.
        let b = lab.heapInUse();
        exercise(lab, src, salt);
        const grew1 = lab.heapInUse() > b;
        b = lab.heapInUse();
        exercise(lab, src, salt);
        const grew2 = lab.heapInUse() - b;
        if (grew1 && grew2 > 0) r.leaks.push({ i, kind, bytes: grew2, head: head(src) });
        else r.once++;
      }
    }
    // The machine is shared and V8 collects garbage: a slow first run is timed twice more and
    // the fastest counts.
    for (let again = 0; again < 2 && ms > RETIME_MS; again++) {
      const t1 = performance.now();
      exercise(lab, src, salt);
      ms = Math.min(ms, performance.now() - t1);
    }
    r.totalMs += ms;
    if (ms > 100) r.over100ms++;
    if (ms > r.maxMs) {
      r.maxMs = ms;
      r.slowest = { i, kind, head: head(src) };
    }
    if (out.compiled) r.compiled++;
    else {
      const key = errorKind(out.error);
      r.errors.set(key, (r.errors.get(key) ?? 0) + 1);
    }
    if (onProgress && k % 10000 === 0) onProgress(k, r);
  }
  r.seconds = (performance.now() - t0) / 1000;
  r.meanMs = r.totalMs / n;
  r.lab = lab;
  return r;
}
