// The training lab's pure helpers (no DOM): the page state's train config -> the worker's runs
// (lab.network() and net.optimizer() arguments), the loss a dataset takes, the presets, the
// history buffers the charts read, steps to a threshold, and the PyTorch script that reproduces a
// run. Shared by the panel (train-panel.js), the worker (train-worker.js) and the tests.
import { NET_INITS, NET_BIASES, TRAIN_OPTIMIZERS } from '../lib/state.js';
import { pyFloat, initCall, biasCall, actLabel, initArgs } from './network.js';

/** Whether the config's data are a regression (the plane, or an upload with float targets). */
export const isRegression = (train, upload = null) => (train.data === 'upload' ? !!upload?.regression : train.data === 'plane');

/** The loss the config trains with: 'auto' picks CrossEntropyLoss for classes, MSELoss for regression. */
export function lossOf(train, upload = null) {
  if (train.loss !== 'auto') return train.loss;
  return isRegression(train, upload) ? 'MSELoss' : 'CrossEntropyLoss';
}

/** How many classes the data have (0: regression). */
export function classesOf(train, upload = null) {
  if (isRegression(train, upload)) return 0;
  if (train.data === 'upload') return upload?.classes ?? 2;
  return train.data === 'gauss' ? train.classes : 2;
}

/**
 * Why the loss cannot train on these data, or null: BCEWithLogitsLoss needs two classes (one logit),
 * CrossEntropyLoss class labels, MSELoss takes either (a class index as a number).
 */
export function lossProblem(train, upload = null) {
  const loss = lossOf(train, upload), k = classesOf(train, upload);
  if (loss === 'CrossEntropyLoss' && k === 0) return 'CrossEntropyLoss needs class labels: these data have real-valued targets (use MSELoss)';
  if (loss === 'BCEWithLogitsLoss' && k !== 2) return k ? `BCEWithLogitsLoss takes two classes (one logit): these data have ${k}` : 'BCEWithLogitsLoss needs 0/1 labels: these data have real-valued targets (use MSELoss)';
  return null;
}

/** Outputs of the last Linear: one per class for CrossEntropyLoss, else one. */
export const outputsOf = (train, upload = null) => (lossOf(train, upload) === 'CrossEntropyLoss' ? classesOf(train, upload) : 1);

/** net.optimizer()'s argument: { name, ...torch's keywords } (beta1, beta2 -> betas). */
export function optimizerArgs(opt) {
  const kw = initArgs(opt, TRAIN_OPTIMIZERS);
  // torch's order: betas where beta1 stands
  return Object.fromEntries(Object.entries(kw).filter(([k]) => k !== 'beta2').map(([k, v]) => (k === 'beta1' ? ['betas', [v, kw.beta2]] : [k, v])));
}

/**
 * The runs a config trains: the current activation (or per-layer ones) first, then each compared
 * activation in every layer. Each: { label, net: lab.network()'s config, opt, loss, l1, batch }.
 */
export function runsOf(train, upload = null) {
  const inputs = train.feats.length, outputs = outputsOf(train, upload);
  const base = {
    inputs, hidden: train.widths.slice(), outputs, init: initArgs(train.init, NET_INITS), bias: initArgs(train.bias, NET_BIASES), seed: train.seed,
  };
  const act = (a) => ({ name: a.fn, params: { ...a.params } });
  const first = train.acts
    ? { label: train.acts.map(actLabel).join(' → '), net: { ...base, activations: train.acts.map(act) } }
    : { label: actLabel(train.act), net: { ...base, activation: act(train.act) } };
  const runs = [first, ...train.cmp.map((a) => ({ label: actLabel(a), net: { ...base, activation: act(a) } }))];
  const common = { opt: optimizerArgs(train.opt), loss: lossOf(train, upload), l1: train.l1, batch: train.batch };
  return runs.map((r) => ({ ...r, ...common }));
}

/** The dataset request of a built-in dataset (lab.dataset()'s arguments). */
export const dataOf = (train) => ({ name: train.data, n: train.n, noise: train.noise, ratio: train.ratio, seed: train.dseed, classes: train.classes, features: train.feats });

/** What the worker must rebuild for: data, model and optimizer (not `play`). */
export const trainKey = (train, customSource = '') => JSON.stringify([{ ...train, play: false }, customSource]);

// ---- histories: the charts' series, bounded however long a run goes ----

/**
 * A series that keeps at most `cap` points: when full, every other point is dropped and the
 * stride doubles (a chart of a million steps holds as many points as one of `cap`).
 */
export class History {
  constructor(cap = 4096) {
    this.cap = cap;
    this.x = new Float64Array(cap);
    this.y = new Float64Array(cap);
    this.n = 0;
    this.stride = 1;
    this.seen = 0;
  }
  push(x, y) {
    if (this.seen++ % this.stride !== 0) return;
    if (this.n === this.cap) {
      for (let i = 0; i < this.cap / 2; i++) { this.x[i] = this.x[2 * i]; this.y[i] = this.y[2 * i]; }
      this.n = this.cap / 2;
      this.stride *= 2;
      if ((this.seen - 1) % this.stride !== 0) return;
    }
    this.x[this.n] = x;
    this.y[this.n] = y;
    this.n++;
  }
  get xs() { return this.x.subarray(0, this.n); }
  get ys() { return this.y.subarray(0, this.n); }
}

/** The first step whose loss is below `threshold` (1-based, as the step count), or null. */
export function stepsTo(history, threshold) {
  for (let i = 0; i < history.n; i++) if (history.y[i] < threshold) return history.x[i];
  return null;
}

// ---- presets ----

const TRAIN_DEFAULT = Object.freeze({
  data: 'circle', classes: 2, n: 500, noise: 0, ratio: 0.5, dseed: 0, feats: ['x1', 'x2'], widths: [8, 8],
  act: { fn: 'Tanh', params: {} }, acts: null, init: { fn: 'default', params: {} }, bias: { fn: 'default', params: {} },
  loss: 'auto', opt: { fn: 'SGD', params: {} }, batch: 0, l1: 0, seed: 0, cmp: [], play: false,
});
/** A full train config: the defaults with `patch`. */
export const trainConfig = (patch = {}) => structuredClone({ ...TRAIN_DEFAULT, ...patch });
const a = (fn, params = {}) => ({ fn, params });

/** One-click configurations; titles and explanations live in the strings (tpreset_<id>, tpreset_<id>_text). */
export const TRAIN_PRESETS = Object.freeze([
  { id: 'spiral', train: { data: 'spiral', noise: 0.1, widths: [16, 16, 16], act: a('ReLU'), cmp: [a('Tanh'), a('ELU'), a('GELU')], opt: a('Adam', { lr: 0.01 }) } },
  { id: 'dying', train: { data: 'circle', widths: [8, 8, 8], act: a('ReLU'), cmp: [a('LeakyReLU'), a('ELU')], opt: a('SGD', { lr: 1, momentum: 0.9 }) } },
  { id: 'sigmoid', train: { data: 'xor', widths: [8, 8, 8, 8], act: a('Sigmoid'), cmp: [a('Tanh'), a('ReLU')], opt: a('SGD', { lr: 0.3 }) } },
  { id: 'features', train: { data: 'circle', feats: ['x1sq', 'x2sq'], widths: [2], act: a('Tanh'), cmp: [], opt: a('SGD', { lr: 0.3 }) } },
  { id: 'regression', train: { data: 'plane', noise: 0.2, widths: [8], act: a('ReLU'), cmp: [a('Tanh')], opt: a('Adam', { lr: 0.03 }) } },
]);
export const presetTrain = (p) => trainConfig(p.train);
/** The preset the config is, if any. */
export function trainPresetOf(train) {
  const same = (x, y) => JSON.stringify({ ...x, play: false }) === JSON.stringify({ ...y, play: false });
  return TRAIN_PRESETS.find((p) => same(presetTrain(p), train)) ?? null;
}

// ---- the PyTorch script ----

/**
 * The script that reproduces the runs on screen: the data (datasets.py pasted as it is, or the
 * upload's rows embedded), the model, the init, the optimizer and the loop with the same batch
 * order, printing each step's loss. `acts`: per run { ctor, def? } (as the depth lab's);
 * `datasetsPy`: web/lib/train/datasets.py; `upload`: { x, y, regression } rows as read; `steps`.
 */
export function pythonTrainCode(train, { runs, acts, datasetsPy, upload = null, steps = 100 }) {
  const L = [
    `# The training lab: ${runs.length > 1 ? `${runs.length} runs` : 'one run'} as the page trains them (torch 1.13, CPU, float32).`,
    '# Each step prints its loss, as the page computes it.',
  ];
  const defs = [...new Set(acts.map((x) => x.def).filter(Boolean))];
  L.push('# ---- web/lib/train/datasets.py, as the page runs it ----', datasetsPy.trimEnd(), '# ---- end of datasets.py ----', '',
    'import torch.nn as nn', 'import torch.nn.functional as F', '');
  for (const d of defs) L.push(d, '');
  const reg = isRegression(train, upload);
  if (train.data === 'upload') {
    // The rows as the page holds them: already shuffled (shuffle_upload with the data seed) and
    // labels already 0..k-1; train rows first.
    const pts = [...upload.train.points, ...upload.test.points], ys = [...upload.train.y, ...upload.test.y];
    const rows = Array.from({ length: ys.length }, (_, i) => `[${pyFloat(pts[2 * i])}, ${pyFloat(pts[2 * i + 1])}]`);
    L.push(`# the uploaded file's ${ys.length} rows (x1, x2) and ${reg ? 'targets' : 'labels'}, shuffled with seed ${train.dseed} as the page did`);
    L.push(`X = torch.tensor([${rows.join(', ')}])`);
    L.push(reg ? `y = torch.tensor([${ys.map((v) => pyFloat(v)).join(', ')}])` : `y = torch.tensor([${ys.join(', ')}])`);
  } else {
    L.push(`X, y = make_dataset(${JSON.stringify(train.data)}, ${train.n}, ${pyFloat(train.noise)}, ${train.dseed}${train.data === 'gauss' ? `, classes=${train.classes}` : ''})`);
  }
  L.push(`X_train, y_train, X_test, y_test = split(X, y, ${pyFloat(train.ratio)})`);
  L.push(`x_train = features(X_train, ${JSON.stringify(train.feats)})`);
  const loss = lossOf(train, upload);
  if (loss === 'CrossEntropyLoss') L.push('t_train = y_train');
  else L.push(`t_train = y_train.float().reshape(-1, 1)${reg ? '' : '   # the class index as the target'}`);
  const dims = [train.feats.length, ...train.widths, outputsOf(train, upload)];
  const opt = optimizerArgs(train.opt);
  const kw = Object.entries(opt).filter(([k]) => k !== 'name').map(([k, v]) => `${k}=${Array.isArray(v) ? `(${v.map(pyFloat).join(', ')})` : typeof v === 'boolean' ? (v ? 'True' : 'False') : pyFloat(v)}`);
  const bs = train.batch;
  L.push(
    '',
    '',
    'def train(label, acts, steps):',
    '    """acts: one function per hidden layer that makes its activation."""',
    `    print(f'== {label}')`,
    `    torch.manual_seed(${train.seed})`,
    `    dims = ${JSON.stringify(dims)}`,
    '    layers = []',
    '    for i in range(len(dims) - 1):',
    '        layers.append(nn.Linear(dims[i], dims[i + 1]))   # nn.Linear draws its default init here',
    '        if i < len(dims) - 2:',
    '            layers.append(acts[i]())',
    '    net = nn.Sequential(*layers)',
  );
  const w = train.init.fn === 'default' ? null : train.init.fn === 'lecun_normal_' ? 'nn.init.normal_(m.weight, 0.0, 1.0 / math.sqrt(m.weight.shape[1]))' : initCall(train.init);
  const b = biasCall(train.bias);
  if (w || b) {
    L.push('    with torch.no_grad():   # the init, layer by layer: weight, then bias', '        for m in net:', '            if isinstance(m, nn.Linear):');
    if (w) L.push(`                ${w}`);
    if (b) L.push(`                ${b}`);
  }
  L.push(
    `    opt = torch.optim.${opt.name}(net.parameters(), ${kw.join(', ')})`,
    `    loss_fn = nn.${loss}()`,
    `    n, bs = len(x_train), ${bs}`,
    '    step = 0',
    '    while step < steps:',
    bs > 0 ? '        perm = torch.randperm(n) if 0 < bs < n else torch.arange(n)   # the global generator, after the layers' : '        perm = torch.arange(n)   # full batch',
    `        for i in range(0, n, ${bs > 0 ? 'bs if bs > 0 else n' : 'n'}):`,
    `            idx = perm[i:i + ${bs > 0 ? 'bs' : 'n'}]`,
    '            opt.zero_grad()',
    '            loss = loss_fn(net(x_train[idx]), t_train[idx])',
  );
  if (train.l1) L.push(`            loss = loss + ${pyFloat(train.l1)} * sum(m.weight.abs().sum() for m in net if isinstance(m, nn.Linear))`);
  L.push(
    '            loss.backward()',
    '            opt.step()',
    '            step += 1',
    "            print(f'step {step}: loss {loss.item():.6g}')",
    '            if step == steps:',
    '                break',
    '    return net',
    '',
  );
  runs.forEach((r, k) => {
    const perLayer = k === 0 && train.acts ? acts.slice(0, train.widths.length) : train.widths.map(() => acts[train.acts ? train.widths.length + k - 1 : k]);
    L.push(`train(${JSON.stringify(r.label)}, [${perLayer.map((x) => `lambda: ${x.ctor}`).join(', ')}], ${steps})`);
  });
  return L.join('\n');
}
