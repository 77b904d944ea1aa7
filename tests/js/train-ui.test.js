// The training lab's pure helpers (web/ui/train.js): the runs of a config, losses and outputs per
// dataset, bounded histories, steps to a threshold, the script's structure, and the presets doing
// what their explanations say (trained through the API, as the page's worker trains them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadActlab } from '../../web/lib/actlab.js';
import {
  runsOf, dataOf, lossOf, lossProblem, outputsOf, optimizerArgs, History, stepsTo, TRAIN_PRESETS, presetTrain, trainPresetOf, trainConfig,
  pythonTrainCode,
} from '../../web/ui/train.js';
import STRINGS from '../../web/ui/train-strings.js';

const lab = await loadActlab({ expr: true });

test('runs: the activation (or one per layer) first, then each compared one; torch\'s optimizer keywords', () => {
  const cfg = trainConfig({ act: { fn: 'ELU', params: { alpha: 0.5 } }, cmp: [{ fn: 'ReLU', params: {} }], opt: { fn: 'Adam', params: { lr: 0.01, beta2: 0.99 } }, batch: 32, l1: 0.001 });
  const [a, b] = runsOf(cfg);
  assert.equal(a.label, 'ELU(alpha=0.5)');
  assert.deepEqual(a.net.activation, { name: 'ELU', params: { alpha: 0.5 } });
  assert.deepEqual(b.net.activation, { name: 'ReLU', params: {} });
  assert.deepEqual({ ...a.net, activation: null }, { ...b.net, activation: null }, 'the same network but for the activation');
  assert.deepEqual(a.opt, { name: 'Adam', lr: 0.01, betas: [0.9, 0.99], eps: 1e-8, weight_decay: 0, amsgrad: false });
  assert.deepEqual([a.loss, a.batch, a.l1, a.net.inputs, a.net.outputs], ['CrossEntropyLoss', 32, 0.001, 2, 2]);
  const per = runsOf(trainConfig({ widths: [4, 3], acts: [{ fn: 'ReLU', params: {} }, { fn: 'Tanh', params: {} }] }))[0];
  assert.equal(per.label, 'ReLU → Tanh');
  assert.equal(per.net.activations.length, 2);
  assert.deepEqual(optimizerArgs({ fn: 'SGD', params: {} }), { name: 'SGD', lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false });
});

test('losses and outputs follow the data: classes, regression, uploads; impossible pairs say why', () => {
  assert.equal(lossOf(trainConfig()), 'CrossEntropyLoss');
  assert.equal(lossOf(trainConfig({ data: 'plane' })), 'MSELoss');
  assert.equal(outputsOf(trainConfig({ data: 'gauss', classes: 4 })), 4);
  assert.equal(outputsOf(trainConfig({ loss: 'BCEWithLogitsLoss' })), 1);
  assert.equal(outputsOf(trainConfig({ data: 'upload' }), { classes: 7 }), 7);
  assert.equal(lossOf(trainConfig({ data: 'upload' }), { classes: 0, regression: true }), 'MSELoss');
  assert.match(lossProblem(trainConfig({ data: 'plane', loss: 'CrossEntropyLoss' })), /CrossEntropyLoss needs class labels/);
  assert.match(lossProblem(trainConfig({ data: 'gauss', classes: 3, loss: 'BCEWithLogitsLoss' })), /takes two classes \(one logit\): these data have 3/);
  assert.equal(lossProblem(trainConfig({ data: 'moons', loss: 'MSELoss' })), null);
  assert.deepEqual(dataOf(trainConfig({ data: 'spiral', noise: 0.2, feats: ['x1', 'x1sq'] })), { name: 'spiral', n: 500, noise: 0.2, ratio: 0.5, seed: 0, classes: 2, features: ['x1', 'x1sq'] });
});

test('histories keep at most their cap however long a run goes, thinning evenly; steps to a threshold', () => {
  const h = new History(8);
  for (let s = 1; s <= 1000; s++) h.push(s, 1 / s);
  assert.ok(h.n <= 8 && h.n >= 4);
  const xs = Array.from(h.xs);
  const gaps = xs.slice(1).map((x, i) => x - xs[i]);
  assert.ok(gaps.every((g) => g === gaps[0]), `even spacing: ${xs}`);
  assert.equal(xs[0], 1);
  const f = new History();
  [0.9, 0.5, 0.2, 0.09, 0.3, 0.05].forEach((v, i) => f.push(i + 1, v));
  assert.equal(stepsTo(f, 0.1), 4);
  assert.equal(stepsTo(f, 0.01), null);
});

test('every preset is a valid config; its explanation exists in both languages; it is recognised back', () => {
  for (const p of TRAIN_PRESETS) {
    const cfg = presetTrain(p);
    assert.equal(trainPresetOf(cfg)?.id, p.id);
    assert.equal(trainPresetOf({ ...cfg, play: true })?.id, p.id, 'autoplay is not part of a preset');
    for (const lang of ['en', 'zh']) assert.ok(STRINGS[lang][`tpreset_${p.id}`] && STRINGS[lang][`tpreset_${p.id}_text`], `${lang} ${p.id}`);
    assert.equal(lossProblem(cfg), null);
  }
  assert.equal(trainPresetOf(trainConfig({ seed: 3 })), null);
});

// Trains a preset's runs through the API for `steps` full-batch steps: test loss and mean dead fraction per run.
function trainPreset(id, steps) {
  const cfg = presetTrain(TRAIN_PRESETS.find((p) => p.id === id));
  const d = lab.dataset(dataOf(cfg));
  return runsOf(cfg).map((r) => {
    const net = lab.network(r.net);
    try {
      const opt = net.optimizer(r.opt);
      const t = (part) => (r.loss === 'CrossEntropyLoss' ? part.y : Float32Array.from(part.y));
      opt.run(d.train.x, t(d.train), { shape: d.train.shape, loss: r.loss, steps });
      const loss = opt.evaluate(d.test.x, t(d.test), { shape: d.test.shape, loss: r.loss }).loss;
      opt.evaluate(d.train.x, t(d.train), { shape: d.train.shape, loss: r.loss });
      const dead = net.stats({ eps: 1e-3 }).layers.map((l) => l.dead);
      return { label: r.label, loss, dead: dead.reduce((a, b) => a + b, 0) / dead.length };
    } finally {
      net.free();
    }
  });
}

test('the presets show what they say: ReLUs killed by a high learning rate, sigmoid\'s plateau, features for the circle', () => {
  const [relu, leaky, elu] = trainPreset('dying', 300);
  assert.ok(relu.loss > 0.6 && relu.dead > 0.4, `ReLU stalls with dead units: ${JSON.stringify(relu)}`);
  assert.ok(leaky.loss < 0.2 && elu.loss < 0.2, `LeakyReLU and ELU learn: ${leaky.loss}, ${elu.loss}`);
  const [sig, tanh, rl] = trainPreset('sigmoid', 300);
  assert.ok(sig.loss > 0.65, `sigmoid on its plateau: ${sig.loss}`);
  assert.ok(tanh.loss < 0.1 && rl.loss < 0.1, `Tanh and ReLU leave it: ${tanh.loss}, ${rl.loss}`);
  const [feat] = trainPreset('features', 300);
  assert.ok(feat.loss < 0.1, `two hidden units suffice on x1², x2²: ${feat.loss}`);
});

test('the script: datasets.py pasted, the data call, the model, the optimizer, the loop in torch.randperm order, one train() per run', () => {
  const py = readFileSync(new URL('../../web/lib/train/datasets.py', import.meta.url), 'utf8');
  const cfg = trainConfig({ data: 'gauss', classes: 3, feats: ['x1', 'x1x2'], batch: 32, l1: 0.01, cmp: [{ fn: 'ReLU', params: {} }],
    opt: { fn: 'RMSprop', params: { centered: true } }, init: { fn: 'xavier_normal_', params: {} } });
  const runs = runsOf(cfg);
  const code = pythonTrainCode(cfg, { runs, acts: [{ ctor: 'nn.Tanh()' }, { ctor: 'nn.ReLU()' }], datasetsPy: py, steps: 50 });
  const order = ['def make_dataset(', 'X, y = make_dataset("gauss", 500, 0.0, 0, classes=3)', 'split(X, y, 0.5)', 'features(X_train, ["x1","x1x2"])',
    'def train(label, acts, steps):', 'torch.manual_seed(0)', 'dims = [2,8,8,3]', 'nn.init.xavier_normal_(m.weight)',
    'torch.optim.RMSprop(net.parameters(), lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=True)',
    'loss_fn = nn.CrossEntropyLoss()', 'perm = torch.randperm(n) if 0 < bs < n else torch.arange(n)', 'loss = loss + 0.01 * sum(m.weight.abs().sum()',
    "print(f'step {step}: loss {loss.item():.6g}')", 'train("Tanh", [lambda: nn.Tanh(), lambda: nn.Tanh()], 50)', 'train("ReLU", [lambda: nn.ReLU(), lambda: nn.ReLU()], 50)'];
  let at = -1;
  for (const s of order) {
    const i = code.indexOf(s, at + 1);
    assert.ok(i > at, `${s} (at ${i}, after ${at})`);
    at = i;
  }
  // full batch: no randperm at all
  assert.ok(!pythonTrainCode(trainConfig(), { runs: runsOf(trainConfig()), acts: [{ ctor: 'nn.Tanh()' }], datasetsPy: py }).includes('torch.randperm(n)'));
});
