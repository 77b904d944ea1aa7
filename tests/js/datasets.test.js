// The training lab's data through the JS API: lab.dataset() against tests/fixtures/datasets.json
// (web/lib/train/datasets.py in torch 1.13: points, labels, features, split), lab.parseCsv() on
// good files, bad files (each message, line by line), 100,000 rows and 100,001, and lab.features().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadActlab } from '../../web/lib/actlab.js';

const lab = await loadActlab({ expr: true });
const fx = JSON.parse(readFileSync(new URL('../fixtures/datasets.json', import.meta.url), 'utf8'));
const f32 = (s) => Math.fround(Number(s));
const bitsEqual = (a, b) => Object.is(a, b);  // ±0 apart; no NaN in the data

function fnv1a(typed) {
  const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}
const concat = (a, b) => { const c = new a.constructor(a.length + b.length); c.set(a); c.set(b, a.length); return c; };

test('lab.datasets: names, features and limits from C++', () => {
  assert.deepEqual(lab.datasets.names, ['circle', 'xor', 'gauss', 'spiral', 'moons', 'plane']);
  assert.deepEqual(lab.datasets.features, fx.features);
  assert.equal(lab.datasets.maxN, 10000);
  assert.equal(lab.datasets.maxRows, 100000);
});

test('every fixture dataset bit for bit: points, labels, all features', () => {
  for (const c of fx.datasets) {
    const d = lab.dataset({ name: c.name, n: c.n, noise: c.noise, seed: c.seed, classes: c.classes || 2, ratio: 0.5, features: fx.features });
    const what = `${c.name} n=${c.n} seed=${c.seed}`;
    assert.equal(d.train.shape[0] + d.test.shape[0], c.n, what);
    assert.equal(d.classes, c.classes, what);
    assert.equal(d.task, c.classes ? 'classification' : 'regression');
    const points = concat(d.train.points, d.test.points), y = concat(d.train.y, d.test.y), x = concat(d.train.x, d.test.x);
    assert.equal(fnv1a(points), c.x_fnv, what);
    assert.equal(fnv1a(y), c.y_fnv, what);
    assert.equal(fnv1a(x), c.features_fnv, what);
    (c.x ?? c.x_head).forEach((s, i) => assert.ok(bitsEqual(points[i], f32(s)), `${what} x[${i}]`));
    assert.ok(c.classes ? y instanceof Int32Array : y instanceof Float32Array);
  }
});

test('split: the first round(n * ratio) rows train (half to even), the rest test', () => {
  for (const s of fx.splits) {
    const d = lab.dataset({ name: 'xor', n: s.n, ratio: s.ratio, features: ['x1'] });
    assert.equal(d.train.shape[0], s.train, `n=${s.n} ratio=${s.ratio}`);
    assert.deepEqual(d.test.shape, [s.n - s.train, 1]);
  }
});

test('features in a chosen order, and of any points (a grid)', () => {
  const s = fx.subset;
  const d = lab.dataset({ name: s.name, n: s.n, noise: s.noise, seed: s.seed, ratio: 1, features: s.names });
  assert.deepEqual(d.features, s.names);
  assert.deepEqual(Array.from(d.train.x), s.values.map(f32));
  assert.deepEqual(Array.from(lab.features(d.train.points, s.names)), s.values.map(f32));
  assert.deepEqual(Array.from(lab.features([1, 2, -3, 0.5], ['x2', 'x1x2', 'x1sq'])), [2, 2, 1, 0.5, -1.5, 9]);
});

test('bad dataset arguments throw C++\'s messages', () => {
  assert.throws(() => lab.dataset({ name: 'spirals' }), /unknown dataset 'spirals'/);
  assert.throws(() => lab.dataset({ name: 'xor', n: 10001 }), /n must be an integer between 1 and 10,000/);
  assert.throws(() => lab.dataset({ name: 'xor', n: 2.5 }), /n must be an integer/);
  assert.throws(() => lab.dataset({ name: 'xor', noise: 2 }), /noise must be between 0 and 1, got 2/);
  assert.throws(() => lab.dataset({ name: 'xor', ratio: 1.5 }), /ratio must be between 0 and 1/);
  assert.throws(() => lab.dataset({ name: 'xor', seed: -1 }), /seed must be a non-negative integer/);
  assert.throws(() => lab.dataset({ name: 'gauss', classes: 5 }), /classes must be 2, 3 or 4, got 5/);
  assert.throws(() => lab.dataset({ name: 'xor', features: ['x1', 'cosx1'] }), /unknown feature 'cosx1'/);
  assert.throws(() => lab.dataset({ name: 'xor', features: [] }), /choose at least one feature/);
  assert.throws(() => lab.dataset({ name: 'xor', features: 'x1' }), TypeError);
});

test('parseCsv: a good file, shuffled as shuffle_upload and split', () => {
  const u = fx.upload;
  const d = lab.parseCsv(u.text, { seed: u.seed, ratio: 0.75, features: ['x1', 'x2'] });
  assert.deepEqual(d.classValues, [-1, 1, 3]);
  assert.equal(d.classes, 3);
  assert.deepEqual(d.train.shape, [9, 2]);
  assert.deepEqual(Array.from(concat(d.train.points, d.test.points)), u.x.map(f32));
  assert.deepEqual(Array.from(concat(d.train.y, d.test.y)), u.y);
  const r = lab.parseCsv('x1,x2,y\r\n0.5,1,2.25\r\n1,2,-3\r\n', { ratio: 1 });
  assert.equal(r.task, 'regression');
  assert.deepEqual(Array.from(r.train.y).sort(), [-3, 2.25]);
});

test('parseCsv: bad files name each bad line', () => {
  const bad = [
    ['', 'the file is empty'],
    ['x1,x2,label\n', 'the file has a header but no data rows'],
    ['a,b,c\n1,2,3\n', "line 1: the header must be x1,x2,label or x1,x2,y, got 'a,b,c'"],
    ['x1,x2,label\n1,2\n', 'line 2: expected 3 comma-separated values (x1,x2,label or x1,x2,y), got 2'],
    ['x1,x2,y\n1,abc,0\n', "line 2: 'abc' is not a number (x2)"],
    ['nan,1,0\n', "line 1: 'nan' is not a finite number (x1)"],
    ['1e39,0,1\n', "line 1: '1e39' is out of float32's range (x1)"],
    ['x1,x2,label\n1,2,1.5\n', "line 2: label '1.5' is not an integer (the header x1,x2,y makes it a regression target)"],
    ['x1,x2,label\n1,2,0\n', 'every label is 0: a classifier needs at least 2 classes'],
    [`1,2,0\n${'1'.repeat(1001)},2,0\n`, 'line 2: longer than 1,000 characters'],
  ];
  for (const [text, message] of bad) assert.throws(() => lab.parseCsv(text), { message }, JSON.stringify(text.slice(0, 40)));
  let e;
  try { lab.parseCsv('x1,x2,y\n1,x,0\n2,2,2\n\n3,,3\n' + '0,0\n'.repeat(12)); } catch (err) { e = err; }
  assert.deepEqual(e.errors.slice(0, 2), [{ line: 2, message: "line 2: 'x' is not a number (x2)" }, { line: 5, message: 'line 5: a value is missing (x2)' }]);
  assert.equal(e.errors.length, 10);
  assert.equal(e.more, 4);
  assert.equal(e.message.split('\n').length, 11);
  assert.match(e.message, /\nand 4 more lines with errors$/);
  assert.throws(() => lab.parseCsv(42), TypeError);
});

test('parseCsv: 100,000 rows read (timed), 100,001 refused, too many bytes refused unread', () => {
  let text = 'x1,x2,label\n';
  const rows = [];
  for (let i = 0; i < 100000; i++) rows.push(`${(Math.sin(i) * 6).toFixed(6)},${(Math.cos(i * 0.7) * 6).toPrecision(17)},${i % 4}`);
  text += rows.join('\n') + '\n';
  const t0 = performance.now();
  const d = lab.parseCsv(text, { ratio: 0.8 });
  const ms = performance.now() - t0;
  assert.equal(d.train.shape[0] + d.test.shape[0], 100000);
  assert.deepEqual(d.train.shape, [80000, 2]);
  assert.equal(d.classes, 4);
  console.log(`# parseCsv: 100,000 rows (${(text.length / 1e6).toFixed(1)} MB) in ${ms.toFixed(1)} ms`);
  assert.throws(() => lab.parseCsv(text + '1,2,0\n'), { message: 'line 100,002: too many rows (at most 100,000)' });
  const huge = '\n'.repeat(lab.datasets.maxBytes + 1);
  const before = lab.heapInUse();
  assert.throws(() => lab.parseCsv(huge), { message: 'the file is too large: 16,777,217 bytes (at most 16,777,216)' });
  assert.equal(lab.heapInUse(), before);
});

test('nothing leaks: datasets, uploads and errors free their heap', () => {
  lab.dataset({ name: 'moons', n: 2000, features: lab.datasets.features });
  const before = lab.heapInUse();
  for (let k = 0; k < 20; k++) {
    lab.dataset({ name: lab.datasets.names[k % 6], n: 2000, seed: k, features: lab.datasets.features });
    lab.parseCsv('x1,x2,y\n1,2,3\n4,5,6\n');
    assert.throws(() => lab.parseCsv('1,2\n'));
    lab.features([1, 2, 3, 4], ['sinx1']);
  }
  assert.equal(lab.heapInUse(), before);
});

test('the builds without the engine say so', async () => {
  const plain = await loadActlab();
  assert.throws(() => plain.dataset({ name: 'xor' }), /no training lab: load it with loadActlab\(\{ expr: true \}\)/);
});
