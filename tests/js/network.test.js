// lab.network(): the depth lab's API over the C++ network — parameters named and ordered as
// named_parameters(), a fixture network from torch 1.13 reproduced through JS (weights bit for
// bit, statistics within 1e-4), a custom activation, clear errors, nothing leaked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadActlab } from '../../web/lib/actlab.js';

const lab = await loadActlab({ expr: true });
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/network.json', import.meta.url), 'utf8'));
const f32 = (s) => Math.fround(Number(s));
const close = (a, b, scale = 0) => (b === null ? Number.isNaN(a) || a === null : Math.abs(a - b) <= 1e-4 * Math.max(Math.abs(b), scale) + 1e-12);

function run(c) {
  const net = lab.network({ inputs: c.inputs, hidden: c.hidden, outputs: c.outputs, activation: c.activation, init: c.init, bias: c.bias, seed: c.seed });
  const x = net.input(c.batch, { dist: c.input.dist, std: c.input.std });
  const fwd = net.forward(x, { shape: [c.batch, c.inputs] });
  const loss = net.loss(c.loss);
  const bwd = net.backward(loss.gradOutput);
  const stats = net.stats({ eps: fixtures.eps });
  const params = net.parameters();
  net.free();
  return { x, fwd, loss, bwd, stats, params };
}

test('fixture networks through the JS API: parameters, input, loss and statistics as torch', () => {
  for (const name of ['default_relu', 'cross_entropy', 'kaiming_normal_leaky', 'mse_loss', 'relu6_rand_input']) {
    const c = fixtures.cases.find((k) => k.name === name);
    const r = run(c);
    assert.deepEqual(r.params.map((p) => [p.name, p.shape]), c.params.map((p) => [p.name, p.shape]), name);
    r.params.forEach((p, i) => assert.deepEqual(Array.from(p.data.slice(0, 8)), c.params[i].head.map(f32), `${name} ${p.name}`));
    assert.deepEqual(Array.from(r.x.slice(0, 8)), c.x_head.map(f32), name);
    assert.equal(r.fwd.layers.length, c.hidden.length);
    assert.equal(r.fwd.output.length, c.batch * c.outputs);
    assert.ok(close(r.loss.value, c.loss_value), `${name} loss ${r.loss.value} vs ${c.loss_value}`);
    r.stats.layers.forEach((s, l) => {
      const e = c.layers[l];
      assert.ok(close(s.postStd, e.post_std, 1e-2 * Math.abs(e.post_mean)), `${name} layer ${l} postStd`);
      assert.ok(close(s.gradNorm, e.grad_norm), `${name} layer ${l} gradNorm`);
      assert.ok(close(s.dead, e.dead) && close(s.saturated, e.saturated), `${name} layer ${l} dead/saturated`);
    });
    // The weight gradients the stats summarise are the ones backward() returns.
    const norm = (a) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
    r.stats.linear.forEach((s, l) => assert.ok(Math.abs(norm(r.bwd.params[2 * l].grad) - s.wGradNorm) <= 1e-6 * s.wGradNorm + 1e-12));
  }
});

test('a custom activation drives the network like the built-in it spells out', () => {
  lab.compile('class Tanhish(nn.Module):\n    def forward(self, x):\n        return torch.tanh(x)\n', { name: 'MyTanh' });
  const cfg = { inputs: 5, hidden: [7, 7], outputs: 3, init: { name: 'xavier_uniform_', gain: 5 / 3 }, seed: 3 };
  const mine = lab.network({ ...cfg, activation: { name: 'MyTanh' } });
  const theirs = lab.network({ ...cfg, activation: { name: 'Tanh' } });
  const x = Float32Array.from({ length: 10 }, (_, i) => i / 3 - 1.5);
  assert.deepEqual(mine.forward(x).output, theirs.forward(x).output);
  mine.free();
  theirs.free();
  lab.compile('def sm(X):\n    return X.exp() / X.exp().sum(dim=-1, keepdim=True)\n', { name: 'MySoftmax' });
  assert.throws(() => lab.network({ ...cfg, activation: { name: 'MySoftmax' } }), /reduces along a dim: the depth lab's activations are element-wise/);
  lab.release('MyTanh');
  lab.release('MySoftmax');
});

test('bad configurations get clear errors; a freed network says so; nothing leaks', () => {
  const ok = { inputs: 4, hidden: [8], outputs: 2 };
  assert.throws(() => lab.network({ ...ok, hidden: [0] }), /width: between 1 and 1024, got 0/);
  assert.throws(() => lab.network({ ...ok, hidden: [] }), /hidden: between 1 and 100/);
  assert.throws(() => lab.network({ ...ok, init: { name: 'orthogonal_' } }), /unknown init 'orthogonal_'/);
  assert.throws(() => lab.network({ ...ok, init: { name: 'kaiming_normal_', mode: 'fan_avg' } }), /Mode fan_avg not supported, please use one of \['fan_in', 'fan_out'\]/);
  assert.throws(() => lab.network({ ...ok, init: { name: 'kaiming_uniform_', nonlinearity: 'swish' } }), /Unsupported nonlinearity swish/);
  assert.throws(() => lab.network({ ...ok, activation: { name: 'Softmax' } }), /element-wise/);
  assert.throws(() => lab.network({ ...ok, activation: { name: 'GLU' } }), /element-wise/);
  assert.throws(() => lab.network({ ...ok, activation: { name: 'Nope' } }), /Unknown function 'Nope'/);
  assert.throws(() => lab.network({ ...ok, seed: -1 }), /seed must be a non-negative integer/);
  const n = lab.network(ok);
  assert.throws(() => n.backward([1, 2]), /backward before forward/);
  assert.throws(() => n.forward([1, 2, 3]), /cannot be multiplied/);
  assert.throws(() => n.input(0), /batch: between 1 and 4096, got 0/);
  n.forward(n.input(3));
  assert.throws(() => n.loss('hinge'), /unknown loss 'hinge'/);
  n.free();
  assert.throws(() => n.stats(), /network was freed/);
  // One run first: the GEMM's grow-only scratch and the network table reach their size.
  const cycle = (i) => {
    const m = lab.network({ inputs: 16, hidden: [32, 32], outputs: 4, seed: i });
    m.forward(m.input(8));
    m.backward(m.loss('mse').gradOutput);
    m.stats();
    m.free();
  };
  cycle(0);
  const before = lab.heapInUse();
  for (let i = 1; i <= 20; i++) cycle(i);
  assert.equal(lab.heapInUse() - before, 0);
});
