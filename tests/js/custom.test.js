// lab.compile / evaluate through the JS API: the expression build compiles, evaluates like the
// built-in it spells, reports errors with a position, leaks nothing; the small build says why not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadActlab } from '../../web/lib/actlab.js';

const lab = await loadActlab({ expr: true });
const close = (a, b) => Array.from(a).every((v, i) => Math.abs(v - b[i]) <= 1e-5 + 1.3e-6 * Math.abs(b[i]));

test('a custom ELU equals the ELU kernel, with parameters, forward, backward and evaluate', () => {
  const spec = lab.compile('alpha = 1.0\ntorch.where(x > 0, x, alpha * (torch.exp(x) - 1))', { name: 'MyELU' });
  assert.deepEqual(spec.params.map((p) => [p.name, p.default]), [['alpha', 1]]);
  const x = Float32Array.from({ length: 1001 }, (_, i) => -10 + i / 50);
  const g = Float32Array.from(x, (v, i) => (i % 7) - 3);
  for (const alpha of [1, 0.5, 2]) {
    assert.ok(close(lab.forward('MyELU', x, { params: { alpha } }), lab.forward('ELU', x, { params: { alpha } })));
    assert.ok(close(lab.backward('MyELU', x, g, { params: { alpha } }), lab.backward('ELU', x, g, { params: { alpha } })));
  }
  const { f, df } = lab.evaluate('MyELU', x);
  assert.ok(close(f, lab.forward('ELU', x)) && close(df, lab.backward('ELU', x, new Float32Array(x.length).fill(1))));
  assert.throws(() => lab.forward('MyELU', x, { params: { beta: 1 } }), /unexpected keyword argument 'beta'/);
  lab.release('MyELU');
  assert.throws(() => lab.forward('MyELU', x), /Unknown function 'MyELU'/);
});

test('compile errors carry a position; built-in names are protected', () => {
  assert.throws(() => lab.compile('x * torch.sigmoud(x)'), (e) => e instanceof SyntaxError && /sigmoud/.test(e.message) && e.pos === 10);
  assert.throws(() => lab.compile('x +'), (e) => e instanceof SyntaxError && Number.isInteger(e.pos));
  assert.throws(() => lab.compile('x', { name: 'ReLU' }), /built-in/);
});

test('10,000 compiles and evaluations leave the heap as it was', () => {
  lab.compile('x');
  lab.evaluate('Custom', new Float32Array(64));
  const before = lab.heapInUse();
  for (let i = 0; i < 10000; i++) {
    lab.compile(`beta = ${1 + (i % 5)}\ntorch.log(1 + torch.exp(beta * x)) / beta`);
    lab.evaluate('Custom', new Float32Array(64));
    try { lab.compile(`x * (${i}`); } catch { /* expected */ }
  }
  lab.release('Custom');
  lab.compile('x');
  lab.release('Custom');
  assert.ok(lab.heapInUse() <= before, `heap ${before} -> ${lab.heapInUse()}`);
});

test('the small build has no engine and says how to get it', async () => {
  const small = await loadActlab();
  assert.equal(small.hasExpr, false);
  assert.throws(() => small.compile('x'), /loadActlab\(\{ expr: true \}\)/);
});

test('out=: evaluate/backward write into the caller\'s Float32Arrays and return them', () => {
  const x = Float32Array.from({ length: 1000 }, (_, i) => i / 50 - 10);
  const g = Float32Array.from({ length: 1000 }, (_, i) => Math.cos(i));
  lab.compile('x * torch.sigmoid(x)', { name: 'warm' });  // the engine keeps its block scratch
  lab.backward('warm', x, g);  // the grow-only scratch block reaches its size for n = 1000
  lab.release('warm');
  const before = lab.heapInUse();
  lab.compile('x * torch.sigmoid(x)', { name: 'fx' });
  const f = new Float32Array(1000), df = new Float32Array(1000);
  const r = lab.evaluate('fx', x, { out: f, dout: df });
  assert.equal(r.f, f);
  assert.equal(r.df, df);
  assert.deepEqual({ f, df }, lab.evaluate('fx', x));
  assert.equal(lab.backward('fx', x, g, { out: f }), f);
  assert.deepEqual(f, lab.backward('fx', x, g));
  assert.throws(() => lab.forward('fx', x, { out: new Float32Array(3) }), /got 3 elements/);
  lab.release('fx');
  assert.equal(lab.heapInUse(), before);
});
