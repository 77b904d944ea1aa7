// The training lab's worker: its own instance of the build with the engine holds the dataset, one
// network and optimizer per compared activation (same data, seed and optimizer), and trains them
// step by step while the page plays. After every step it records each run's training loss (what
// the step's loss.item() is) and test loss; a few dozen times a second it posts those with the
// decision map's outputs on a grid, train and test accuracy, the per-layer dead and saturated
// fractions, and, for small networks, every hidden unit's output over the plane.
//
// in:  { type: 'setup', id, train, data: { name, ... } | null, upload: text | null, custom, eps, grid }
//      (the runs are runsOf(train) for the data as read: an upload's classes decide the outputs)
//      { type: 'play', rate } (epochs per second; 0: as fast as it goes) | { type: 'pause' }
//      { type: 'step', steps } (then a snapshot) | { type: 'epoch' }
// out: { type: 'ready' } | { type: 'fatal', error }
//      { type: 'data', id, error } | { type: 'data', id, train: { points, y }, test: { points, y }, classes, bounds }
//      { type: 'snap', id, step, epoch, playing, stopped, heap (the wasm heap's bytes in use), runs: [{ error } | { train: Float32Array, test: Float32Array,
//        acc: { train, test }, evalLoss: { train, test }, grid: Float32Array, layers: [{ dead, saturated }], units? }] }
import { loadActlab } from '../lib/actlab.js';
import { customActivation } from './worker-custom.js';
import { runsOf, lossProblem } from './train.js';

const SNAP_MS = 25;     // about 40 snapshots a second while playing: the map redraws at 30 fps or more
const SLICE_MS = 12;    // work between yields, so pause and new configs get through
const UNIT_GRID = 24;   // each hidden unit's thumbnail, in points per side

let lab = null;
let compiled = null;  // the page's custom activation, compiled here (worker-custom.js)
const labReady = loadActlab({ expr: true }).then((l) => { lab = l; compiled = customActivation(l); self.postMessage({ type: 'ready' }); }, (e) => {
  self.postMessage({ type: 'fatal', error: String(e?.message ?? e) });
  throw e;
});

let id = 0;
let d = null;            // { train, test, classes, ... } from lab.dataset / lab.parseCsv
let targets = null;      // per run's loss: { train, test } in the form opt.run takes
let runs = [];           // [{ net, opt, run, error, train: [], test: [] }]
let grid = null, unitGrid = null, G = 64;
let step = 0, stepsPerEpoch = 1, eps = 1e-3, units = false;
let playing = false, rate = 0, played = 0, playStart = 0, lastSnap = 0;
let uploadText = null, uploadData = null, uploadKey = '';

function freeRuns() {
  for (const r of runs) r.net?.free();
  runs = [];
}

// The data of a setup: a built-in dataset, or the upload (parsed again only when it or the split changes).
function dataOf({ data, upload, train }) {
  if (!data) {
    const key = JSON.stringify([train.ratio, train.dseed, train.feats]);
    if (upload !== uploadText || key !== uploadKey) {
      uploadText = upload;
      uploadKey = key;
      uploadData = null;
      if (upload == null) throw new Error('no uploaded file: upload a CSV of x1,x2,label or x1,x2,y rows');
      uploadData = lab.parseCsv(upload, { ratio: train.ratio, seed: train.dseed, features: train.feats });
    }
    if (!uploadData) throw new Error('no uploaded file');
    return uploadData;
  }
  return lab.dataset(data);
}

// Points of the plane the map covers: the data's extent with a margin, as a G × G grid (row 0 at the top).
function gridOf(points, n) {
  let lo1 = Infinity, hi1 = -Infinity, lo2 = Infinity, hi2 = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    lo1 = Math.min(lo1, points[i]); hi1 = Math.max(hi1, points[i]);
    lo2 = Math.min(lo2, points[i + 1]); hi2 = Math.max(hi2, points[i + 1]);
  }
  if (!(lo1 <= hi1)) { lo1 = lo2 = -1; hi1 = hi2 = 1; }
  const pad = (lo, hi) => { const m = Math.max(0.5, 0.08 * (hi - lo)); return [lo - m, hi + m]; };
  const [a1, b1] = pad(lo1, hi1), [a2, b2] = pad(lo2, hi2);
  const pts = new Float32Array(2 * n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      pts[2 * (r * n + c)] = a1 + ((c + 0.5) / n) * (b1 - a1);
      pts[2 * (r * n + c) + 1] = b2 - ((r + 0.5) / n) * (b2 - a2);
    }
  }
  return { pts, bounds: [a1, b1, a2, b2] };
}

function setup(msg) {
  id = msg.id;
  playing = false;
  freeRuns();
  d = null;
  eps = msg.eps;
  compiled.use(msg.custom);
  try {
    d = dataOf(msg);
  } catch (e) {
    self.postMessage({ type: 'data', id, error: e.message });
    return;
  }
  const found = { classes: d.classes, regression: !d.classes };
  const problem = lossProblem(msg.train, found);
  if (problem) {
    self.postMessage({ type: 'data', id, error: problem });
    d = null;
    return;
  }
  G = msg.grid;
  const all = new Float32Array([...d.train.points, ...d.test.points]);
  const g = gridOf(all, G);
  grid = lab.features(g.pts, msg.train.feats);
  units = msg.train.widths.length <= 8 && msg.train.widths.every((w) => w <= 8);
  unitGrid = units ? lab.features(gridOf(all, UNIT_GRID).pts, msg.train.feats) : null;
  self.postMessage({
    type: 'data', id, classes: d.classes, bounds: g.bounds,
    train: { points: d.train.points, y: d.train.y }, test: { points: d.test.points, y: d.test.y },
  });
  const specs = runsOf(msg.train, found);
  const loss = specs[0].loss;
  const t = (part) => (loss === 'CrossEntropyLoss' ? part.y : Float32Array.from(part.y));
  targets = { train: t(d.train), test: t(d.test) };
  const bs = specs[0].batch;
  stepsPerEpoch = bs > 0 && bs < d.train.shape[0] ? Math.ceil(d.train.shape[0] / bs) : 1;
  step = 0;
  runs = specs.map((r) => {
    const run = { run: r, net: null, opt: null, error: null, train: [], test: [] };
    try {
      if (compiled.error && [r.net.activation, ...(r.net.activations ?? [])].some((a) => a?.name === 'Custom')) throw new Error(compiled.error);
      run.net = lab.network(r.net);
      run.opt = run.net.optimizer(r.opt);
    } catch (e) {
      run.net?.free();
      run.net = null;
      run.error = e.message;
    }
    return run;
  });
  snapshot();
}

// One step of every run: its training loss (the step's), then the test loss after it.
function trainStep() {
  for (const r of runs) {
    if (!r.opt) continue;
    try {
      const [l] = r.opt.run(d.train.x, targets.train, { shape: d.train.shape, loss: r.run.loss, l1: r.run.l1, batchSize: r.run.batch, steps: 1 });
      r.train.push(l);
      r.test.push(d.test.shape[0] ? r.opt.evaluate(d.test.x, targets.test, { shape: d.test.shape, loss: r.run.loss }).loss : NaN);
    } catch (e) {
      r.error = e.message;
      r.opt = null;
    }
  }
  step++;
}

// The fraction of rows whose predicted class is the label: the largest logit (CrossEntropyLoss),
// the logit's sign (BCEWithLogitsLoss), or the regressed class index rounded (MSELoss on labels).
function accuracy(out, y, k, loss) {
  if (!k || !y.length) return NaN;
  const C = out.length / y.length;
  let ok = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    if (C > 1) for (let c = 1; c < C; c++) { if (out[i * C + c] > out[i * C + best]) best = c; }
    else best = loss === 'BCEWithLogitsLoss' ? +(out[i] > 0) : Math.min(k - 1, Math.max(0, Math.round(out[i])));
    ok += best === y[i];
  }
  return ok / y.length;
}

function snapshot(stopped = false) {
  lastSnap = performance.now();
  const out = runs.map((r) => {
    if (!r.net || r.error) return { error: r.error ?? 'no network' };
    const res = { train: Float32Array.from(r.train), test: Float32Array.from(r.test) };
    r.train.length = r.test.length = 0;
    try {
      const cols = d.train.shape[1];
      res.grid = r.net.forward(grid, { shape: [G * G, cols] }).output;
      if (units && r === runs[0]) {
        const f = r.net.forward(unitGrid, { shape: [UNIT_GRID * UNIT_GRID, cols] });
        res.units = f.layers.map((l) => l.post);
      }
      const te = d.test.shape[0] ? r.opt.evaluate(d.test.x, targets.test, { shape: d.test.shape, loss: r.run.loss }) : null;
      const tr = r.opt.evaluate(d.train.x, targets.train, { shape: d.train.shape, loss: r.run.loss });
      res.acc = { train: accuracy(tr.output, d.train.y, d.classes, r.run.loss), test: te ? accuracy(te.output, d.test.y, d.classes, r.run.loss) : NaN };
      res.evalLoss = { train: tr.loss, test: te ? te.loss : NaN };
      res.layers = r.net.stats({ eps }).layers.map((l) => ({ dead: l.dead, saturated: l.saturated }));
    } catch (e) {
      return { error: e.message };
    }
    return res;
  });
  const transfer = out.flatMap((r) => [r.train?.buffer, r.test?.buffer, r.grid?.buffer, ...(r.units ?? []).map((u) => u.buffer)]).filter(Boolean);
  self.postMessage({ type: 'snap', id, step, epoch: step / stepsPerEpoch, playing, stopped, heap: lab.heapInUse(), runs: out }, transfer);
}

function tick() {
  if (!playing) return;
  const t0 = performance.now();
  // Steps due at this rate since play began (all it can do when the rate is 0).
  do {
    if (rate > 0 && played >= ((t0 - playStart) / 1000) * rate * stepsPerEpoch) break;
    trainStep();
    played++;
    // a slice ends early when a snapshot is due, so the map keeps its rate
  } while (performance.now() - t0 < SLICE_MS && performance.now() - lastSnap < SNAP_MS && runs.some((r) => r.opt));
  const stopped = !runs.some((r) => r.opt);  // every run failed: play ends by itself
  if (stopped) playing = false;
  if (!playing || performance.now() - lastSnap >= SNAP_MS) snapshot(stopped);
  if (playing) setTimeout(tick, rate > 0 ? 4 : 0);
}

self.onmessage = async ({ data: m }) => {
  await labReady;
  if (m.type === 'setup') setup(m);
  else if (!d) return;
  else if (m.type === 'play') {
    rate = m.rate;
    if (!playing) { playing = true; played = 0; playStart = performance.now(); setTimeout(tick); }
  } else if (m.type === 'pause') {
    playing = false;
    snapshot();
  } else if (m.type === 'step' || m.type === 'epoch') {
    playing = false;
    const n = m.type === 'epoch' ? stepsPerEpoch : m.steps;
    for (let i = 0; i < n && runs.some((r) => r.opt); i++) trainStep();
    snapshot();
  }
};
