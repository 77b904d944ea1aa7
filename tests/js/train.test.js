// The training lab's API: lab.network(config).optimizer({ name, ...kwargs }) with step() and run(),
// holding torch 1.13's training runs (tests/fixtures/train.json) through JS, torch's errors, and a
// heap that does not grow over 10,000 steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadActlab } from '../../web/lib/actlab.js';

const lab = await loadActlab({ expr: true });
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/train.json', import.meta.url), 'utf8'));
const f32 = (a) => Float32Array.from(a, Number);

function netOf(c) {
  return lab.network({ inputs: c.inputs, hidden: c.hidden, outputs: c.outputs, activations: c.activations, seed: c.seed });
}

test('torch 1.13 training runs through the JS API: every step\'s loss and the final parameters', () => {
  for (const c of fixtures.cases) {
    const net = netOf(c);
    const opt = net.optimizer({ name: c.optimizer.name, ...c.optimizer.kwargs });
    const losses = opt.run(f32(c.x), f32(c.y), {
      shape: [c.n, c.inputs], loss: c.loss, l1: c.l1, batchSize: c.batch_size, steps: c.steps, seed: c.perm_seed ?? -1,
    });
    const tol = c.optimizer.name === 'RMSprop' ? 1e-3 : 1e-4;
    const want = f32(c.losses);
    assert.equal(losses.length, want.length);
    losses.forEach((l, s) => assert.ok(Math.abs(l - want[s]) <= tol * Math.abs(want[s]) + 1e-8, `${c.name} step ${s}: ${l} vs ${want[s]}`));
    const ps = net.parameters();
    ps.forEach((p, k) => {
      const e = f32(c.params[k].data);
      p.data.forEach((v, i) => assert.ok(Math.abs(v - e[i]) <= 1e-4 + 1e-2 * Math.abs(e[i]), `${c.name} ${p.name}[${i}]`));
    });
    net.free();
  }
});

test('step() is one run() step and returns loss.item(); the spec has torch\'s defaults', () => {
  const c = fixtures.cases.find((k) => k.name === 'adam_gelu_ce');
  const a = netOf(c), b = netOf(c);
  const oa = a.optimizer({ name: 'Adam', lr: 0.01 }), ob = b.optimizer({ name: 'Adam', lr: 0.01 });
  assert.deepEqual({ ...oa.spec }, { name: 'Adam', lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false });
  const x = f32(c.x), y = f32(c.y);
  const l = oa.step(x, y, { shape: [c.n, 2], loss: 'CrossEntropyLoss' });
  assert.equal(typeof l, 'number');
  assert.equal(l, Math.fround(Number(c.losses[0])));
  assert.equal(ob.run(x, y, { loss: 'CrossEntropyLoss', steps: 1 })[0], l);
  assert.deepEqual(a.parameters(), b.parameters());
  assert.deepEqual(a.optimizer({ name: 'RMSprop' }).spec.lr, 0.01);
  assert.deepEqual(a.optimizer({ name: 'AdamW' }).spec.weight_decay, 0.01);
  a.free();
  b.free();
});

test('bad arguments get torch\'s messages; freed optimizers and networks say so', () => {
  const net = lab.network({ inputs: 2, hidden: [4], outputs: 3, seed: 1 });
  assert.throws(() => net.optimizer({ name: 'SGD' }), /^Error: parameter group didn't specify a value of required optimization parameter lr$/);
  assert.throws(() => net.optimizer({ name: 'SGD', lr: -1 }), /^Error: Invalid learning rate: -1.0$/);
  assert.throws(() => net.optimizer({ name: 'Adam', eps: -1e-5 }), /^Error: Invalid epsilon value: -1e-05$/);
  assert.throws(() => net.optimizer({ name: 'Adam', betas: [0.9, 1] }), /^Error: Invalid beta parameter at index 1: 1.0$/);
  assert.throws(() => net.optimizer({ name: 'SGD', lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
  assert.throws(() => net.optimizer({ name: 'SGD', lr: 0.1, betas: [0.9, 0.99] }), /SGD.__init__\(\) got an unexpected keyword argument 'betas'/);
  assert.throws(() => net.optimizer({ name: 'Adam', lr: '0.1' }), /TypeError: Adam lr: a number/);
  assert.throws(() => net.optimizer({ name: 'LBFGS' }), /unknown optimizer 'LBFGS'/);
  const opt = net.optimizer({ name: 'SGD', lr: 0.1 });
  const x = [0, 1, 2, 3, 4, 5];
  assert.throws(() => opt.step(x, [0, 1, 2], { loss: 'NLLLoss' }), /unknown loss 'NLLLoss'/);
  assert.throws(() => opt.step(x, [0, 1], {}), /Expected input batch_size \(3\) to match target batch_size \(2\)/);
  assert.throws(() => opt.step(x, [0, 1, 3], {}), /^Error: Target 3 is out of bounds.$/);
  assert.throws(() => opt.step(x, [0, 1, 0.5], {}), /class indices/);
  assert.throws(() => opt.step(x, [0, 1, 1], { loss: 'MSELoss' }), /Target size \(torch.Size\(\[3\]\)\) must be the same as input size \(torch.Size\(\[3, 3\]\)\)/);
  assert.throws(() => opt.step(x, [0, 1, 1], { shape: [2, 3] }), /cannot be multiplied/);
  assert.throws(() => opt.run(x, [0, 1, 1], { steps: -1 }), /steps: a non-negative integer/);
  assert.throws(() => opt.run(x, [0, 1, 1], { batchSize: 1.5 }), /batch_size should be a positive integer value/);
  assert.equal(opt.run(x, [0, 1, 1], { steps: 0 }).length, 0);
  opt.free();
  assert.throws(() => opt.step(x, [0, 1, 1]), /optimizer was freed/);
  const other = net.optimizer({ name: 'Adam' });
  net.free();
  assert.throws(() => other.step(x, [0, 1, 1]), /optimizer was freed/);
  other.free();
});

test('per-layer activations: one per hidden layer, a mismatch refused', () => {
  assert.throws(() => lab.network({ inputs: 2, hidden: [4, 4], outputs: 1, activations: [{ name: 'ReLU' }] }), /activations: one per hidden layer, got 1 for 2/);
  assert.throws(() => lab.network({ inputs: 2, hidden: [4], outputs: 1, activations: [{ name: 'Softmax' }] }), /element-wise/);
  const mixed = lab.network({ inputs: 2, hidden: [4, 4], outputs: 1, activations: [{ name: 'ReLU' }, { name: 'Tanh' }], seed: 2 });
  const x = Float32Array.from({ length: 8 }, (_, i) => i - 4);
  const out = mixed.forward(x).layers;
  assert.ok(out[0].post.every((v) => v >= 0));
  assert.ok(out[1].post.every((v) => v > -1 && v < 1));
  mixed.free();
});

test('the heap does not grow over 10,000 steps', () => {
  const net = lab.network({ inputs: 2, hidden: [8, 8], outputs: 2, seed: 0 });
  const opt = net.optimizer({ name: 'Adam', lr: 0.01 });
  const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)), y = Float32Array.from({ length: 32 }, (_, i) => i % 2);
  opt.step(x, y);
  opt.run(x, y, { steps: 10, batchSize: 8 });
  const before = lab.heapInUse();
  for (let i = 0; i < 10000; i++) opt.step(x, y);
  for (let i = 0; i < 100; i++) opt.run(x, y, { steps: 10, batchSize: 8 });
  assert.equal(lab.heapInUse() - before, 0);
  // making and freeing networks and optimizers leaves nothing either
  const cycle = () => {
    const n = lab.network({ inputs: 2, hidden: [8, 8], outputs: 2 });
    n.optimizer({ name: 'SGD', lr: 0.1, momentum: 0.9 }).run(x, y, { steps: 5 });
    n.free();
  };
  cycle();
  const mid = lab.heapInUse();
  for (let i = 0; i < 50; i++) cycle();
  assert.equal(lab.heapInUse() - mid, 0);
  net.free();
});

test('evaluate() is the loss step() then reports, with nothing updated; stats() after it has no gradient figures', () => {
  const c = fixtures.cases.find((k) => k.name === 'adam_gelu_ce');
  const net = netOf(c);
  const opt = net.optimizer({ name: 'Adam', lr: 0.01 });
  const x = f32(c.x), y = f32(c.y), shape = [c.n, c.inputs];
  const before = net.parameters();
  const e = opt.evaluate(x, y, { shape, loss: c.loss });
  assert.equal(e.output.length, c.n * c.outputs);
  assert.deepEqual(net.parameters(), before);
  assert.equal(Math.fround(e.loss), opt.step(x, y, { shape, loss: c.loss }));
  opt.evaluate(x, y, { shape, loss: c.loss });
  const st = net.stats({ eps: 1e-3 });
  assert.ok(st.layers.every((l) => Number.isFinite(l.postStd) && Number.isNaN(l.gradStd) && l.dead >= 0));
  assert.throws(() => opt.evaluate(x, y.map(() => 9), { shape, loss: c.loss }), /Target 9 is out of bounds\./);
  net.free();
});

test('a full batch of an upload\'s size (100,000 rows) trains; a forward that would hold too much says how much', () => {
  const n = 100000;
  const x = Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i)), y = Float32Array.from({ length: n }, (_, i) => i % 2);
  const net = lab.network({ inputs: 2, hidden: [8, 8], outputs: 2, activation: { name: 'Tanh', params: {} }, seed: 0 });
  const opt = net.optimizer({ name: 'SGD', lr: 0.1 });
  const l = opt.run(x, y, { loss: 'CrossEntropyLoss', steps: 2 });
  assert.ok(l.every(Number.isFinite));
  net.free();
  const wide = lab.network({ inputs: 2, hidden: Array(8).fill(1024), outputs: 2, seed: 0 });
  assert.throws(() => wide.optimizer({ name: 'SGD', lr: 0.1 }).run(x, y, { loss: 'CrossEntropyLoss', steps: 1 }), /batch of 100000 rows: its activations and gradients would take \d+ MB, over the 1024 MB a forward may hold/);
  wide.free();
});
