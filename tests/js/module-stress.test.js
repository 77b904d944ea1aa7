// A slice of the class-shaped stress (tests/js/module-stress.js) on the product's wasm build:
// 1,000 generated pastes (FUZZ_N=<n> for more) through compile, evaluate, forward, backward and
// heap arrays. Properties only: nothing traps or throws a non-Error, and the heap in use is the
// same after the inputs as before them. Times are printed, never asserted; the 100,000-input run
// is `npm run fuzz` (scripts/module-stress-wasm.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadActlab } from '../../web/lib/actlab.js';
import { fuzzN } from './fuzz.js';
import { stressWasm, X } from './module-stress.js';

test('class-shaped pastes: no trap, no non-Error, no heap growth', async (t) => {
  const lab = await loadActlab({ expr: true });
  const n = fuzzN(1000);
  const r = await stressWasm(lab, { n, warmup: Math.min(100, n >> 2) });
  t.diagnostic(`${n} inputs, ${r.compiled} compiled, max ${r.maxMs.toFixed(2)} ms (input ${r.slowest?.i}, ${r.slowest?.kind})`);
  assert.deepEqual(r.failures, []);
  assert.deepEqual(r.leaks, []);
  assert.equal(r.heapGrowth, 0);
  // The module still computes.
  lab.compile('x * torch.sigmoid(x)', { name: 'After' });
  assert.deepEqual(Array.from(lab.forward('After', X.subarray(0, 4))), Array.from(lab.forward('SiLU', X.subarray(0, 4))));
});
