// Two ports of torch's CPU generator must agree bit for bit: the console's JS one
// (web/lib/tensor/rng.js, which runs in a worker without wasm) and the C++ one the labs use
// (cpp/src/random.cpp, exported by the bench build's rngNew/rngFill; tests/cpp/test_init.cpp
// holds the C++ one to torch itself). Same seeds, same interleaving of rand and randn calls, so
// the Box-Muller cache of small randn calls and the 16-wide path of large ones both carry over.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadActlab, loadActlabBuild } from '../../web/lib/actlab.js';
import { MT19937, randFloat, randnFloat } from '../../web/lib/tensor/rng.js';

const modules = {};
before(async () => {
  for (const v of ['simd', 'scalar']) {
    const url = new URL(`../../build/wasm/actlab-${v}-bench.mjs`, import.meta.url);
    modules[v] = (await loadActlabBuild((await import(url)).default, new URL(`../../build/wasm/actlab-${v}-bench.wasm`, import.meta.url))).module;
  }
});

// A seed as torch.manual_seed takes it (0 <= seed < 2^64), split for embind.
function halves(seed) {
  const s = BigInt(seed);
  return [Number(s >> 32n), Number(s & 0xffffffffn)];
}

// The C++ generator's fill of n floats, copied out of the heap.
function fill(M, id, op, n, a = 0, b = 1) {
  const p = M._malloc(Math.max(4, n * 4));
  try {
    const err = M.rngFill(id, op, p, n, a, b);
    if (err) throw new Error(err);
    return M.HEAPF32.slice(p / 4, p / 4 + n);  // HEAPF32 re-read: memory may have grown
  } finally {
    M._free(p);
  }
}

function sameBits(got, want, what) {
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  assert.equal(g.length, w.length, what);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i]) assert.fail(`${what}: element ${i} is ${got[i]} in C++, ${want[i]} in rng.js`);
  }
}

const SEEDS = [0, 1, 42, 1234, 2 ** 31 - 1, 2 ** 32 + 7, 67280421310721, 18446744073709551615n];
// below 16 (the cached Box-Muller path), 16 and its multiples, ragged ends, a few large ones
const SIZES = [1, 2, 3, 5, 7, 15, 16, 17, 1, 31, 32, 33, 2, 48, 100, 257, 3, 1000, 4099, 1];

test('the C++ generator and rng.js give the same rand/randn streams', () => {
  for (const [v, M] of Object.entries(modules)) {
    for (const seed of SEEDS) {
      const id = M.rngNew(...halves(seed));
      const js = { mt: new MT19937(Number(BigInt(seed) & 0xffffffffn)), cache: null };
      try {
        SIZES.forEach((n, k) => {
          const op = k % 3 === 1 ? 'rand' : 'randn';
          const want = op === 'rand' ? randFloat(js, n) : randnFloat(js, n);
          sameBits(fill(M, id, op, n), want, `${v}, seed ${seed}, call ${k}: ${op}(${n})`);
        });
      } finally {
        M.rngFree(id);
      }
    }
  }
});

test('manual_seed on the C++ generator drops the cache, as rng.js\'s fresh generator', () => {
  const M = modules.simd;
  const id = M.rngNew(0, 5);
  try {
    fill(M, id, 'randn', 1);  // leaves the sine half cached
    assert.equal(M.rngSeed(id, 0, 9), '');
    const js = { mt: new MT19937(9), cache: null };
    sameBits(fill(M, id, 'randn', 3), randnFloat(js, 3), 'after manual_seed(9)');
  } finally {
    M.rngFree(id);
  }
});

test('the C++ fills report torch\'s errors as strings; the product does not ship the generator', async () => {
  const M = modules.simd;
  const id = M.rngNew(0, 1);
  const p = M._malloc(16);
  try {
    assert.equal(M.rngFill(id, 'normal_', p, 3, 0, -1), 'normal expects std >= 0.0, but found std -1');
    assert.equal(M.rngFill(id, 'uniform_', p, 3, 2, 1), 'uniform_ expects to return a [from, to) range, but found from=2 > to=1');
    assert.equal(M.rngFill(id, 'bogus', p, 3, 0, 1), 'unknown fill bogus');
    assert.equal(M.rngFill(id, 'rand', p, 1.5, 0, 1), 'n must be a non-negative integer');
  } finally {
    M._free(p);
    M.rngFree(id);
  }
  assert.equal(M.rngFill(id, 'rand', 0, 0, 0, 1), 'generator was freed');
  const product = await loadActlab();
  const h = product.alloc(1);
  for (const name of ['rngNew', 'rngSeed', 'rngFill', 'rngFree']) assert.equal(h.module[name], undefined, `the product exports ${name}`);
  h.free();
});
