// Property fuzzing of the JS surfaces (the link codec's are in state.test.js). Seeded, so a
// failure reproduces; FUZZ_N=<iterations> runs them long (e.g. FUZZ_N=200000 node --test tests/js/fuzz.test.js).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadActlab } from '../../web/lib/actlab.js';
import { parseTensor, formatTensor, TensorParseError } from '../../web/lib/tensor.js';
import { fuzzN, mulberry32 } from './fuzz.js';

const lab = await loadActlab({ expr: true });
lab.compile('alpha = 0.5\ntorch.where(x > 0, x, alpha * torch.expm1(x))', { name: 'MyELU' });
const names = [...lab.functions.map((f) => f.name), 'MyELU'];

function gen(seed) {
  const u = mulberry32(seed);
  const r = {
    u,
    int: (n) => Math.floor(u() * n),
    pick: (a) => a[Math.floor(u() * a.length)],
    chance: (p) => u() < p,
  };
  r.value = () => r.pick([0, -0, 1, -1, 0.5, 2, 1e308, -1e308, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 63, -3, 7, 1.5,
    '1', 'tanh', 'none', null, undefined, true, false, [], [0.1, 0.2], {}, Symbol.iterator]);
  return r;
}
const bitsOf = (a) => Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : new Uint32Array(Float32Array.of(v).buffer)[0]));

describe('JS API: random calls, options, aliasing and heap arrays', () => {
  test('every call returns the right result or throws an Error; the module never aborts or leaks', () => {
    const r = gen(20261204);
    // Sizes reach the grow-only scratch block's steady state first, so the heap check is exact.
    for (const fn of ['ReLU', 'MyELU']) for (const n of [0, 1, 40, 300]) {
      lab.evaluate(fn, new Float32Array(n));
      lab.backward(fn, new Float32Array(n), new Float32Array(n));
    }
    const before = lab.heapInUse();
    let ok = 0, errors = 0;
    for (let i = 0, n = fuzzN(3000); i < n; i++) {
      const name = r.chance(0.97) ? r.pick(names) : r.pick(['Swish', '', '__proto__', 'constructor', 'toString']);
      const len = r.pick([0, 1, 2, 3, 4, 6, 8, 12, 16, 40, 300]);
      const held = [];
      const heap = (k) => { const h = lab.alloc(k); held.push(h); return h; };
      const xs = Float32Array.from({ length: len }, () => (r.chance(0.1) ? r.pick([NaN, Infinity, -Infinity, -0, 0]) : (r.u() - 0.5) * 20));
      const mk = (k, src) => {
        switch (r.int(6)) {
          case 0: { const h = heap(k); if (src) h.array.set(src.subarray(0, k)); return h; }
          case 1: { const h = heap(k); h.viewed = true; if (src) h.array.set(src.subarray(0, k)); return h.array; }  // a heap view
          case 2: return src ? Array.from(src.subarray(0, k)) : new Array(k).fill(0);
          default: return src ? src.slice(0, k) : new Float32Array(k);
        }
      };
      const x = mk(len, xs);
      const opts = {};
      if (r.chance(0.6)) {
        const spec = lab.spec(name.length && names.includes(name) ? name : 'ReLU');
        opts.params = {};
        for (const p of spec.params) if (r.chance(0.5)) opts.params[p.name] = r.chance(0.7) ? p.default : r.value();
        if (r.chance(0.05)) opts.params[r.pick(['bogus', '__proto__', 'alpha'])] = r.value();
        if (r.chance(0.03)) opts.params = r.value();
      }
      if (r.chance(0.5)) {
        const shapes = [[len], [1, len], [len, 1], [2, len / 2], [len / 4, 2, 2], [], [-1, -len], [len, 0], [3, 5], [2 ** 31], [0.5, len * 2]];
        opts.shape = r.chance(0.95) ? r.pick(shapes) : r.value();
      }
      const what = r.pick(['forward', 'backward', 'evaluate']);
      const g = what === 'backward' ? (r.chance(0.9) ? mk(r.chance(0.8) ? len : r.pick([len >> 1, len + 1, 0]), xs.map(() => r.u())) : r.value()) : null;
      const outChoice = r.int(7);
      if (outChoice === 1) opts.out = x;                                   // in place
      else if (outChoice === 2 && g) opts.out = g;                         // into gradOutput
      else if (outChoice === 3) opts.out = mk(r.chance(0.8) ? len : r.pick([len >> 1, len + 1]), null);
      else if (outChoice === 4) opts.out = r.value();
      if (what === 'evaluate' && r.chance(0.5)) opts.dout = mk(len, null);
      // A freed HeapArray must be refused; a view of freed memory is the caller's use-after-free
      // (as with any pointer) and is not part of the contract.
      const freed = r.chance(0.03) && held.length && !held[0].viewed ? held[0] : null;
      if (freed) freed.free();
      // The same call on private copies, for the aliasing property.
      const copy = (a) => (a instanceof Float32Array ? a.slice() : a && typeof a === 'object' && 'array' in a && !a.freed ? a.array.slice() : a);
      let ref = null;
      try {
        ref = what === 'backward' ? lab.backward(name, copy(x), copy(g), { ...opts, out: undefined }) : what === 'forward' ? lab.forward(name, copy(x), { ...opts, out: undefined }) : null;
      } catch { ref = null; }
      let result;
      try {
        result = what === 'forward' ? lab.forward(name, x, opts) : what === 'backward' ? lab.backward(name, x, g, opts) : lab.evaluate(name, x, opts);
        ok++;
      } catch (e) {
        errors++;
        assert.ok(e instanceof Error, `#${i}: threw ${typeof e} ${String(e)}`);
        assert.ok(!(e instanceof WebAssembly.RuntimeError), `#${i}: wasm trap ${e.message}`);
        assert.ok(e.message.length > 0 && !/^\d+$/.test(e.message), `#${i}: bare message ${e.message}`);
      }
      if (result !== undefined) {
        const arrays = what === 'evaluate' ? [result.f, result.df] : [result];
        for (const a of arrays) assert.ok(a instanceof Float32Array, `#${i}: result ${Object.prototype.toString.call(a)}`);
        if (ref && what !== 'evaluate') assert.deepEqual(bitsOf(result), bitsOf(ref), `#${i}: ${what} ${name} aliased (out ${outChoice}) differs`);
      }
      for (const h of held) h.free();
      // The module still works.
      if (i % 50 === 0) assert.deepEqual(Array.from(lab.forward('ReLU', [-1, 2])), [0, 2]);
    }
    assert.ok(ok > 0 && errors > 0, `${ok} ok, ${errors} errors`);
    assert.equal(lab.heapInUse(), before);
  });
});

describe('tensor parser: random inputs', () => {
  const BITS = ['[', ']', '(', ')', ',', ' ', '\n', '-', '+', '.', '0', '1', '2', '9', 'e', 'e-', '_', '*', '/', '**', '@',
    'torch.', 'tensor(', 'randn(', 'rand(', 'zeros(', 'ones(', 'linspace(', 'arange(', 'manual_seed(', 'reshape(', '.view(',
    '.float()', 'float(', "'", '"', 'inf', 'nan', 'True', 'None', 'dtype=', 'torch.int64', ';', '=', 'x', 'math.pi',
    '中', '😀', '\u200b', '\\', '#', '1e999', '123456789012345678901234567890', '0x1f', '1j'];
  test('every input parses to a consistent tensor or fails with a TensorParseError at a position in the text', () => {
    const r = gen(7);
    let parsed = 0;
    for (let i = 0, n = fuzzN(20000); i < n; i++) {
      const text = Array.from({ length: 1 + r.int(24) }, () => r.pick(BITS)).join('');
      let t;
      try {
        t = parseTensor(text, { maxElements: 10000 });
      } catch (e) {
        assert.ok(e instanceof TensorParseError, `${JSON.stringify(text)}: ${e?.name} ${e?.message}`);
        assert.ok(Number.isInteger(e.pos) && e.pos >= 0 && e.pos <= text.length, `${JSON.stringify(text)}: pos ${e.pos}`);
        continue;
      }
      parsed++;
      assert.equal(t.data.length, t.shape.reduce((a, b) => a * b, 1), JSON.stringify(text));
      assert.equal(typeof formatTensor(t), 'string');
    }
    assert.ok(parsed > 0);
  });

  test('the long-literal fast path and the general parser agree on every value and dtype', () => {
    const r = gen(11);
    const lit = () => r.pick([
      () => String(r.int(2000) - 1000), () => '-0', () => '0', () => ((r.u() - 0.5) * 100).toFixed(r.int(5)),
      () => `${(r.u() * 10).toFixed(2)}e${r.int(80) - 40}`, () => '-0.0', () => '1E5', () => String(2 ** 53 - r.int(3)),
      () => '1e39', () => '-1e-46', () => '3.4028235e38', () => '0.1'])();
    for (let i = 0, n = fuzzN(60); i < n; i++) {
      const cols = 1 + r.int(40), rows = Math.ceil(5000 / (cols * 2)) + r.int(20);
      const floats = r.chance(0.5);
      const rowsText = Array.from({ length: rows }, () => `[${Array.from({ length: cols }, () => {
        const v = lit();
        return floats || !/[.eE]/.test(v) ? v : String(r.int(9));
      }).join(', ')}]`);
      const text = `[${rowsText.join(',\n ')}]`;
      assert.ok(text.length >= 4096);
      const fast = parseTensor(text);
      const general = parseTensor(`(${text})`);  // a parenthesized list: not the fast path's shape
      assert.equal(fast.dtype, general.dtype);
      assert.deepEqual(fast.shape, general.shape);
      assert.deepEqual(bitsOf(fast.data), bitsOf(general.data), text.slice(0, 200));
      assert.equal(formatTensor(fast), formatTensor(general));
    }
  });
});
