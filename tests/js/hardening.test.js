// Regressions from hostile and careless use (issue 20): each test failed before its fix.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadActlab } from '../../web/lib/actlab.js';
import { parseTensor, formatTensor, TensorParseError } from '../../web/lib/tensor.js';

const lab = await loadActlab({ expr: true });
const f32 = (a) => Float32Array.from(a);

describe('heap arrays', () => {
  test('alloc refuses sizes the heap cannot address, with a RangeError, and allocates nothing', () => {
    const before = lab.heapInUse();
    for (const n of [2 ** 30, 2 ** 31, 2 ** 32, 2 ** 53, (lab.limits.heapMax - 4096) / 4]) {
      assert.throws(() => lab.alloc(n), RangeError, String(n));
    }
    assert.equal(lab.heapInUse(), before);
    // A neighbour of a refused alloc is intact.
    const h = lab.alloc(4);
    h.array.set([1, 2, 3, 4]);
    assert.throws(() => lab.alloc(2 ** 30), RangeError);
    assert.deepEqual(Array.from(h.array), [1, 2, 3, 4]);
    h.free();
  });

  test('ptr and length are read-only', () => {
    const h = lab.alloc(8);
    const { ptr, length } = h;
    assert.throws(() => { 'use strict'; h.ptr = 0; }, TypeError);
    assert.throws(() => { h.length = 1e9; }, TypeError);
    assert.equal(h.ptr, ptr);
    assert.equal(h.length, length);
    h.free();
  });

  test('a view of the heap (h.array) passed as x or out survives the call growing the heap', async () => {
    const n = 3 << 20;  // 12 MiB: the arena the call needs grows the 16 MiB heap
    const xs = Float32Array.from({ length: n }, (_, i) => ((i % 2000) - 1000) / 100);
    for (const fn of ['GELU', 'Custom']) {
      for (const where of ['x', 'out', 'gradOutput']) {
        const fresh = await loadActlab({ expr: true });
        if (fn === 'Custom') fresh.compile('x * torch.sigmoid(x)');
        const h = fresh.alloc(n);
        const size = fresh.heapSize;
        let got;
        if (where === 'x') {
          h.array.set(xs);
          got = fresh.forward(fn, h.array);
        } else if (where === 'out') {
          got = fresh.forward(fn, xs, { out: h.array });
        } else {
          h.array.fill(1);
          got = fresh.backward(fn, xs, h.array);
        }
        assert.ok(fresh.heapSize > size, `${fn} ${where}: the call grew the heap`);
        const want = where === 'gradOutput' ? lab.backward(fn === 'Custom' ? 'SiLU' : fn, xs, new Float32Array(n).fill(1)) : lab.forward(fn === 'Custom' ? 'SiLU' : fn, xs);
        assert.equal(got.length, n);
        let worst = 0;
        for (let i = 0; i < n; i += 997) worst = Math.max(worst, Math.abs(got[i] - want[i]));
        assert.ok(worst < 1e-5, `${fn} ${where}: ${worst}`);
        if (where === 'out') assert.equal(got[5], h.array[5]);
        h.free();
      }
    }
  });
});

describe('shapes', () => {
  test('an element count that overflows int64 is refused with torch\'s message', () => {
    const x = new Float32Array(65536);
    const shape = [65536, 65537, 193, 22253377];
    for (const fn of ['Softmax', 'LogSoftmax', 'GLU', 'SwiGLU']) {
      assert.throws(() => lab.forward(fn, x, { shape, params: { dim: 3 } }), { message: "shape '[65536, 65537, 193, 22253377]' is invalid for input of size 65536" }, fn);
      assert.throws(() => lab.backward(fn, x, x, { shape, params: { dim: 3 } }), /is invalid for input of size 65536/, fn);
    }
    // A zero dim makes the count 0 whatever the other dims are.
    assert.equal(lab.forward('Softmax', new Float32Array(0), { shape: [2 ** 30, 0, 2 ** 30], params: { dim: 0 } }).length, 0);
    assert.deepEqual(Array.from(lab.forward('ReLU', [-1, 2])), [0, 2]);
  });
});

describe('compile', () => {
  test('a huge default keeps finite slider bounds, valid JSON and no leak', () => {
    lab.compile('x');  // the engine's table of compiled functions reaches its size
    lab.release('Custom');
    const before = lab.heapInUse();
    for (const v of ['1e308', '-1e308', '1.7976931348623157e308', '5e-324']) {
      const spec = lab.compile(`a = ${v}\nx * a`);
      const [p] = spec.params;
      assert.ok(Number.isFinite(p.lo) && Number.isFinite(p.hi) && p.lo <= p.default && p.default <= p.hi, JSON.stringify(p));
      lab.release('Custom');
    }
    for (let i = 0; i < 50; i++) { lab.compile('a = 1e308\nx * a'); lab.release('Custom'); }
    assert.equal(lab.heapInUse(), before);
  });

  test('a source over the limit is refused before it is copied into the heap', () => {
    const heap = lab.heapSize, before = lab.heapInUse();
    const t0 = performance.now();
    const huge = '€'.repeat(3e7);
    assert.throws(() => lab.compile(huge), (e) => e instanceof SyntaxError && e.message === `expression too long: ${3e7} characters (at most ${lab.limits.exprChars})` && e.pos === lab.limits.exprChars);
    assert.ok(performance.now() - t0 < 5000);
    assert.equal(lab.heapSize, heap);
    assert.equal(lab.heapInUse(), before);
    // Exactly at the limit compiles; one more does not. Characters are code points (emoji are one).
    const pad = (k) => `x${' '.repeat(k - 1)}`;
    assert.equal(lab.compile(pad(lab.limits.exprChars)).source.length, lab.limits.exprChars);
    assert.throws(() => lab.compile(pad(lab.limits.exprChars + 1)), /too long/);
    const emoji = `x # ${'😀'.repeat(lab.limits.exprChars - 4)}`;
    assert.equal(lab.compile(emoji).source, emoji);
    lab.release('Custom');
  });

  test('error positions are UTF-16 offsets (a caret after emoji lands on the culprit)', () => {
    for (const [src, at] of [["'😀😀' + y", 'y'], ['x # 😀\n😀 + 1', '😀'], ['x + 😀', '😀'], ['torch.sigmoud(x) # é', 's']]) {
      assert.throws(() => lab.compile(src), (e) => {
        assert.equal(src.slice(e.pos, e.pos + at.length), at, `${src}: ${e.message} at ${e.pos}`);
        return true;
      });
    }
  });

  test('canonical recompiles to itself, or is null when it would exceed the limits', () => {
    const chain = `x${'.exp()'.repeat(70)}`;
    assert.equal(lab.compile(chain).canonical, null);
    for (const src of ['x * torch.sigmoid(x)', 'alpha = 0.5\nF.elu(x, alpha=alpha)', `x${'.tanh()'.repeat(20)}`]) {
      const c = lab.compile(src).canonical;
      assert.equal(typeof c, 'string');
      assert.equal(lab.compile(c).canonical, c);
    }
    lab.release('Custom');
  });
});

describe('evaluate', () => {
  test('a built-in writes f into out and f\' into dout, in place too', () => {
    const x = f32([-2, -0.5, 0, 0.5, 2]);
    const f = lab.forward('ELU', x), df = lab.backward('ELU', x, new Float32Array(5).fill(1));
    const out = new Float32Array(5), dout = new Float32Array(5);
    const r = lab.evaluate('ELU', x, { out, dout });
    assert.equal(r.f, out);
    assert.equal(r.df, dout);
    assert.deepEqual(Array.from(out), Array.from(f));
    assert.deepEqual(Array.from(dout), Array.from(df));
    // out = x: the derivative still reads the input.
    const xi = x.slice();
    const r2 = lab.evaluate('ELU', xi, { out: xi, dout });
    assert.deepEqual(Array.from(r2.f), Array.from(f));
    assert.deepEqual(Array.from(dout), Array.from(df));
    // dout = x, and heap arrays.
    const h = lab.alloc(5), hd = lab.alloc(5);
    h.array.set(x);
    const r3 = lab.evaluate('ELU', h, { out: h, dout: hd });
    assert.deepEqual(Array.from(r3.f), Array.from(f));
    assert.deepEqual(Array.from(r3.df), Array.from(df));
    h.array.set(x);
    const r4 = lab.evaluate('ELU', h, { out: hd, dout: h });
    assert.deepEqual(Array.from(r4.f), Array.from(f));
    assert.deepEqual(Array.from(r4.df), Array.from(df));
    assert.throws(() => lab.evaluate('ELU', x, { out, dout: out }), /must not overlap/);
    h.free();
    hd.free();
  });
});

describe('tensor parser', () => {
  test('float() of ten million digits is inf, and nothing overflows the stack', () => {
    const t = parseTensor(`float('${'1'.repeat(1e7)}')`);
    assert.equal(t.data[0], Infinity);
    assert.throws(() => parseTensor(`float('${'1'.repeat(1e7)}x')`), (e) => e instanceof TensorParseError && /could not convert string to float/.test(e.message));
  });

  test('every failure on deep or long input is a TensorParseError', () => {
    for (const text of ['['.repeat(1e6), `${'('.repeat(1e5)}1${')'.repeat(1e5)}`, `[${'1,'.repeat(1e6 + 1)}]`, `torch.tensor(${'['.repeat(5e5)}`]) {
      assert.throws(() => parseTensor(text), TensorParseError, text.slice(0, 10));
    }
  });

  test('the long-literal fast path prints an integer -0 as torch does (0.), a float -0. as -0.', () => {
    const ints = Array.from({ length: 1500 }, (_, i) => (i % 3 === 0 ? '-0' : String(i)));
    const text = `[${ints.join(', ')}, 1.5]`;
    assert.ok(text.length >= 4096);
    const t = parseTensor(text);
    assert.ok(!Object.is(t.data[0], -0));
    assert.match(formatTensor(t), /^tensor\(\[ {0,}0\.0000e\+00|^tensor\(\[0\./);
    const f = parseTensor(`[${ints.map((v) => (v === '-0' ? '-0.' : v)).join(', ')}, 1.5]`);
    assert.ok(Object.is(f.data[0], -0));
    // Same as the general parser, element for element.
    const small = parseTensor(`[-0, 1, 2, 1.5]`);
    assert.ok(!Object.is(small.data[0], -0));
  });
});

describe('lone surrogates', () => {
  test('a lone surrogate in a source reaches the engine as U+FFFD, taking nothing with it', () => {
    // In a comment: the newline and `+ 1` after it stay; the function is x + 1.
    lab.compile('(x # \uD800\n+ 1)', { name: 'Lone' });
    assert.deepEqual(Array.from(lab.forward('Lone', [1, 2])), [2, 3]);
    // In a string: the literal still closes, and the choice is refused by name.
    assert.throws(() => lab.compile("F.gelu(x, approximate='\uD800') + x", { name: 'Lone' }), /approximate argument must be either none or tanh/);
    lab.release('Lone');
  });
});
