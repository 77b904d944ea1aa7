// The training lab's panel (view=train), loaded when its tab first opens: controls that write the
// page state, a Web Worker that trains (train-worker.js), the decision maps, the loss, accuracy
// and dead-unit charts (lab-plot.js), the hidden units' thumbnails, the comparison table and the
// PyTorch script. The embed uses it without controls.
//
// Flow: a config change (anything but play) sets the worker up again from step 0 (same seed, so
// a reset is exact); play, pause, step and epoch drive it; its snapshots (about 40 a second while
// playing) land in bounded histories and are drawn in the next animation frame.
import { t, applyI18n, extendStrings } from './i18n.js';
import STRINGS from './train-strings.js';
import NET_STRINGS from './network-strings.js';
import './network.css';
import './train.css';
import datasetsPy from '../lib/train/datasets.py?raw';
import { LabPlot } from './lab-plot.js';
import { palette, css } from './plot.js';
import { paramControls } from './controls.js';
import { moduleCode } from './learn.js';
import { copyWithFeedback } from './clipboard.js';
import { h } from './dom.js';
import { NET_INITS, NET_BIASES, TRAIN_DATASETS, TRAIN_FEATURES, TRAIN_LOSSES, TRAIN_OPTIMIZERS, TRAIN_LIMITS, MAX_TRAIN_CMP, isNetActivation } from '../lib/state.js';
import { fmt, actLabel, labActSpec } from './network.js';
import {
  runsOf, dataOf, lossOf, lossProblem, classesOf, trainKey, History, stepsTo, TRAIN_PRESETS, presetTrain, trainPresetOf,
  pythonTrainCode,
} from './train.js';

extendStrings(NET_STRINGS);
extendStrings(STRINGS);

const GRID = 64;                       // the decision map's resolution, points per side
const SPEEDS = [1, 10, 60, 300, 0];    // epochs per second (0: as fast as it goes)
const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');

// ---- the worker client ----
class Trainer {
  #w = null;
  #on;
  #seq = 0;
  constructor(on) { this.#on = on; }
  #worker() {
    if (this.#w) return this.#w;
    this.#w = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
    this.#w.onmessage = ({ data }) => {
      if (data.type === 'fatal') this.#on.fatal(data.error);
      else if (data.id === this.#seq) this.#on[data.type]?.(data);
    };
    this.#w.onerror = (e) => { e.preventDefault?.(); this.#on.fatal(e.message ?? 'worker error'); };
    return this.#w;
  }
  /** A new setup: every older message from the worker is ignored from now on. */
  setup(msg) {
    this.pendingSetup = true;
    this.#worker().postMessage({ type: 'setup', id: ++this.#seq, ...msg });
  }
  send(msg) { this.#worker().postMessage(msg); }
  pendingSetup = false;
}

/**
 * Mount the panel in `root`. ctx: { store?, cat }; `embed`: the maps and charts, no controls (the
 * state comes from the link). Returns { render(s), pending(), ... }.
 */
export function mountTrain(root, ctx, { embed = false } = {}) {
  const { store, cat } = ctx;
  const set = (patch) => store?.set({ train: { ...store.get().train, ...patch } });
  let S = null;
  let key = '';                // trainKey of the last setup
  let playing = false, wantPlay = false, speed = 60;
  let info = null;             // the worker's 'data' message: points, classes, bounds
  let runs = [];               // per run: { label, hist: { train, test, accTrain, accTest }, layers: [History...], last }
  let step = 0, epoch = 0, snaps = 0, draws = 0, heap = 0, fatal = null, dataError = null;
  let upload = null;           // { text, name, rows, classes, regression, train, test } of the file given
  let pendingUpload = null;    // { text, name } of a file the worker is reading
  let drawQueued = false, awaiting = 0;
  const el = {};

  const trainer = new Trainer({
    data(m) {
      trainer.pendingSetup = false;
      if (m.error) {
        awaiting = 0;  // no snapshot follows a setup that failed
        info = null;
        if (pendingUpload) {
          // The file was refused: its lines are named, and the data before it stay.
          showFileError(`${pendingUpload.name}:\n${m.error}`);
          pendingUpload = null;
          key = '';
          sync(S);
          return;
        }
        dataError = m.error;
        showStatus();
        return;
      }
      dataError = null;
      info = m;
      if (pendingUpload) {
        upload = { ...pendingUpload, classes: m.classes, regression: !m.classes, rows: m.train.y.length + m.test.y.length,
          train: { points: m.train.points, y: m.train.y }, test: { points: m.test.points, y: m.test.y } };
        pendingUpload = null;
        showFileError(null);
        if (S.train.data !== 'upload') set({ data: 'upload' });
      }
      else if (upload && S.train.data === 'upload') Object.assign(upload, { train: { points: m.train.points, y: m.train.y }, test: { points: m.test.points, y: m.test.y } });
      showStatus();
      if (wantPlay) play();
    },
    snap(m) {
      // Answers to setup, step, epoch and pause come with playing false; play's own come with true.
      if (!m.playing || m.stopped) awaiting = Math.max(0, awaiting - 1);
      step = m.step;
      epoch = m.epoch;
      heap = m.heap;
      snaps++;
      m.runs.forEach((r, k) => {
        const run = runs[k];
        if (!run) return;
        if (r.error) { run.error = r.error; return; }
        const first = step - r.train.length + 1;
        for (let i = 0; i < r.train.length; i++) { run.hist.train.push(first + i, r.train[i]); run.hist.test.push(first + i, r.test[i]); }
        run.hist.accTrain.push(step, r.acc.train);
        run.hist.accTest.push(step, r.acc.test);
        r.layers.forEach((l, i) => {
          run.layers[i] ??= { dead: new History(1024), sat: new History(1024) };
          run.layers[i].dead.push(step, l.dead);
          run.layers[i].sat.push(step, l.saturated);
        });
        run.last = r;
      });
      if (m.stopped && playing) { playing = false; syncPlay(); }
      queueDraw();
    },
    fatal(e) { fatal = e; showStatus(); },
  });

  // ---- layout ----
  const field = (label, input, hint) => h('div', { class: 'net-field' }, h('label', { for: input.id, i18n: label }), input, hint ? h('small', { class: 'muted', i18n: hint }) : null);
  const num = (id, { min, max, step = 1 }) => h('input', { type: 'number', id, min, max, step, inputmode: step === 1 ? 'numeric' : 'decimal' });
  const select = (id, options) => h('select', { id }, ...options.map(([v, label]) => new Option(label, v)));

  el.status = h('p', { class: 'error', id: 'tr-error', role: 'alert', hidden: true });
  el.maps = h('div', { class: 'tr-maps', id: 'tr-maps' });
  el.legend = h('ul', { class: 'net-configs tr-legend', id: 'tr-legend' });
  el.counter = h('span', { class: 'tr-counter', id: 'tr-counter', 'aria-live': 'off' });
  const chartBox = (id, title) => {
    const box = h('div', { class: 'plot net-chart-plot', role: 'img' });
    const fig = h('figure', { class: 'net-chart', 'data-chart': id }, h('figcaption', { i18n: title }), box);
    return { fig, box, plot: new LabPlot(box, { height: embed ? 170 : 200 }) };
  };
  const charts = { loss: chartBox('loss', 'trLossChart'), acc: chartBox('acc', 'trAccChart'), dead: chartBox('dead', 'trDeadChart') };
  el.play = h('button', { type: 'button', class: 'primary', id: 'tr-play', i18n: 'trPlay' });
  el.play.addEventListener('click', () => (playing ? pause() : play()));
  const bar = h('div', { class: 'tr-bar', role: 'group' }, el.play);
  if (!embed) {
    el.step = h('button', { type: 'button', id: 'tr-step', i18n: 'trStep', onclick: () => { pause(); send({ type: 'step', steps: 1 }); } });
    el.epoch = h('button', { type: 'button', id: 'tr-epoch', i18n: 'trEpoch', onclick: () => { pause(); send({ type: 'epoch' }); } });
    el.reset = h('button', { type: 'button', id: 'tr-reset', i18n: 'trReset', onclick: () => { const was = playing; pause(); key = ''; wantPlay = was; sync(S); } });
    el.speed = select('tr-speed', SPEEDS.map((r) => [String(r), r ? `${r}` : '∞']));
    el.speed.value = String(speed);
    el.speed.addEventListener('input', () => { speed = +el.speed.value; if (playing) send({ type: 'play', rate: speed }); });
    bar.append(el.step, el.epoch, el.reset, h('label', { class: 'tr-speed', for: 'tr-speed' }, h('span', { i18n: 'trSpeed' }), el.speed, h('span', { class: 'muted small', text: 'epochs/s' })));
  }
  bar.append(el.counter);

  if (embed) {
    root.append(bar, el.status, el.maps, el.legend, h('div', { class: 'net-charts' }, charts.loss.fig, charts.acc.fig));
  } else {
    el.presets = h('div', { class: 'net-presets', role: 'group' }, ...TRAIN_PRESETS.map((p) => h('button', { type: 'button', 'data-preset': p.id, i18n: `tpreset_${p.id}`, onclick: () => { pause(); store.set({ train: presetTrain(p) }); } })));
    el.presetText = h('p', { class: 'net-preset-text', role: 'status' });
    el.data = select('tr-data', TRAIN_DATASETS.map((d) => [d, d]));
    el.classes = num('tr-classes', { min: 2, max: 4 });
    el.n = num('tr-n', { min: 10, max: TRAIN_LIMITS.n });
    el.noise = h('input', { type: 'range', id: 'tr-noise', min: 0, max: 1, step: 0.01 });
    el.noiseOut = h('output', { for: 'tr-noise' });
    el.ratio = h('input', { type: 'range', id: 'tr-ratio', min: 0.1, max: 0.9, step: 0.05 });
    el.ratioOut = h('output', { for: 'tr-ratio' });
    el.dseed = num('tr-dseed', { min: 0 });
    el.file = h('input', { type: 'file', id: 'tr-file', accept: '.csv,text/csv,text/plain' });
    el.fileInfo = h('p', { class: 'muted small', id: 'tr-file-info' });
    el.fileErr = h('pre', { class: 'error small tr-file-error', id: 'tr-file-error', role: 'alert', hidden: true });
    el.feats = h('div', { class: 'tr-feats', id: 'tr-feats', role: 'group' }, ...TRAIN_FEATURES.map((f) => h('label', { class: 'tr-feat' },
      h('input', { type: 'checkbox', value: f }), h('span', { i18n: `feat_${f}` }))));
    el.widths = h('input', { type: 'text', id: 'tr-widths', spellcheck: 'false', autocomplete: 'off' });
    el.widthsErr = h('p', { class: 'error small', id: 'tr-widths-error', role: 'alert', hidden: true });
    el.act = h('select', { id: 'tr-act' });
    el.actParams = h('div', { class: 'net-params', id: 'tr-act-params' });
    el.perLayer = h('input', { type: 'checkbox', id: 'tr-per-layer' });
    el.layerActs = h('div', { class: 'tr-layer-acts', id: 'tr-layer-acts' });
    el.init = select('tr-init', NET_INITS.map((i) => [i.name, i.name === 'default' ? 'default (nn.Linear)' : `nn.init.${i.name}`]));
    el.initParams = h('div', { class: 'net-params', id: 'tr-init-params' });
    el.bias = select('tr-bias', NET_BIASES.map((i) => [i.name, i.name === 'default' ? 'default (nn.Linear)' : `nn.init.${i.name}`]));
    el.biasParams = h('div', { class: 'net-params', id: 'tr-bias-params' });
    el.loss = select('tr-loss', TRAIN_LOSSES.map((l) => [l, l]));
    el.opt = select('tr-opt', TRAIN_OPTIMIZERS.map((o) => [o.name, `torch.optim.${o.name}`]));
    el.optParams = h('div', { class: 'net-params', id: 'tr-opt-params' });
    el.batch = num('tr-batch', { min: 0, max: TRAIN_LIMITS.upload });
    el.l1 = num('tr-l1', { min: 0, max: 1, step: 'any' });
    el.seed = num('tr-seed', { min: 0 });
    el.cmp = h('ul', { class: 'tr-cmp', id: 'tr-cmp' });
    el.add = h('select', { id: 'tr-add', 'data-i18n-label': 'trAdd' });
    el.threshold = num('tr-threshold', { min: 0, step: 'any' });
    el.threshold.value = '0.1';
    el.table = h('table', { class: 'tr-table', id: 'tr-table' });
    el.deadRun = h('select', { id: 'tr-dead-run' });
    el.units = h('div', { class: 'tr-units', id: 'tr-units' });
    el.code = h('code', { id: 'tr-code' });
    el.copy = h('button', { type: 'button', id: 'tr-copy', i18n: 'copy' });
    el.download = h('button', { type: 'button', id: 'tr-download', i18n: 'trDownload' });
    el.codeNote = h('p', { class: 'muted small', id: 'tr-code-note', hidden: true });
    const panel = (id, title, ...kids) => h('section', { class: 'panel', 'aria-labelledby': id }, h('h3', { id, i18n: title }), ...kids);
    root.append(
      h('div', { class: 'plot-head' }, h('h2', { id: 'tr-title', tabindex: '-1', i18n: 'trTitle' })),
      h('p', { class: 'muted net-intro', i18n: 'trIntro' }),
      h('div', { class: 'net-preset-box' }, h('h3', { class: 'net-h', i18n: 'trPresets' }), el.presets, el.presetText),
      h('div', { class: 'net-controls' },
        panel('tr-h-data', 'trData',
          field('trDataset', el.data),
          h('div', { class: 'net-field tr-classes' }, h('label', { for: 'tr-classes', i18n: 'trClasses' }), el.classes),
          field('trN', el.n),
          h('div', { class: 'net-field' }, h('label', { for: 'tr-noise', i18n: 'trNoise' }), h('div', { class: 'net-pair' }, el.noise, el.noiseOut)),
          h('div', { class: 'net-field' }, h('label', { for: 'tr-ratio', i18n: 'trRatio' }), h('div', { class: 'net-pair' }, el.ratio, el.ratioOut)),
          field('trDSeed', el.dseed),
          h('div', { class: 'net-field wide' }, h('label', { for: 'tr-file', i18n: 'trUpload' }), el.file, h('small', { class: 'muted', i18n: 'trUploadHint' }), el.fileInfo, el.fileErr),
          h('h4', { i18n: 'trFeatures' }), el.feats),
        panel('tr-h-model', 'trModel',
          h('div', { class: 'net-field' }, h('label', { for: 'tr-widths', i18n: 'trWidths' }), el.widths, h('small', { class: 'muted', i18n: 'trWidthsHint' }), el.widthsErr),
          h('h4', { i18n: 'trAct' }), el.act, el.actParams,
          h('label', { class: 'tr-check' }, el.perLayer, h('span', { i18n: 'trPerLayer' })), el.layerActs,
          h('h4', { i18n: 'trInit' }), el.init, el.initParams, h('h4', { i18n: 'trBias' }), el.bias, el.biasParams),
        panel('tr-h-opt', 'trOptim',
          el.opt, el.optParams,
          h('div', { class: 'net-field wide' }, h('label', { for: 'tr-loss', i18n: 'trLoss' }), el.loss),
          field('trBatch', el.batch, 'trBatchHint'),
          field('trL1', el.l1, 'trL1Hint'),
          field('trSeed', el.seed)),
        panel('tr-h-cmp', 'trCompare', el.cmp, el.add, h('p', { class: 'muted small', i18n: 'trCompareHint' }))),
      bar, el.status,
      h('h3', { class: 'net-h', i18n: 'trMap' }), h('p', { class: 'muted small', i18n: 'trMapHint' }), el.maps, el.legend,
      h('div', { class: 'net-charts' }, charts.loss.fig, charts.acc.fig,
        h('div', {}, charts.dead.fig, h('label', { class: 'tr-dead-run' }, h('span', { i18n: 'trDeadRun' }), ' ', el.deadRun))),
      h('div', { class: 'tr-threshold' }, h('label', { for: 'tr-threshold', i18n: 'trThreshold' }), el.threshold), el.table,
      h('h3', { class: 'net-h', i18n: 'trUnits' }), h('p', { class: 'muted small', i18n: 'trUnitsHint' }), el.units,
      h('section', { class: 'panel net-code-panel', 'aria-labelledby': 'tr-h-code' },
        h('div', { class: 'panel-head' }, h('h3', { id: 'tr-h-code', i18n: 'trCode' }), h('div', {}, el.copy, ' ', el.download)),
        h('p', { class: 'muted small', i18n: 'trCodeHint' }), el.codeNote, h('pre', {}, el.code)),
    );
    wire();
  }

  // ---- controls -> state ----
  function wire() {
    const int = (e, k, lo, hi) => e.addEventListener('input', () => {
      const v = Number(e.value);
      if (e.value.trim() !== '' && Number.isSafeInteger(v) && v >= lo && v <= hi) { e.removeAttribute('aria-invalid'); set({ [k]: v }); } else e.setAttribute('aria-invalid', 'true');
    });
    el.data.addEventListener('input', () => {
      if (el.data.value === 'upload' && !upload) { el.data.value = S.train.data; el.file.click(); return; }
      set({ data: el.data.value });
    });
    int(el.classes, 'classes', 2, 4);
    int(el.n, 'n', 10, TRAIN_LIMITS.n);
    int(el.dseed, 'dseed', 0, Number.MAX_SAFE_INTEGER);
    int(el.batch, 'batch', 0, TRAIN_LIMITS.upload);
    int(el.seed, 'seed', 0, Number.MAX_SAFE_INTEGER);
    el.noise.addEventListener('input', () => set({ noise: +el.noise.value }));
    el.ratio.addEventListener('input', () => set({ ratio: +el.ratio.value }));
    el.l1.addEventListener('input', () => {
      const v = Number(el.l1.value);
      if (el.l1.value.trim() !== '' && v >= 0 && v <= 1) { el.l1.removeAttribute('aria-invalid'); set({ l1: v }); } else el.l1.setAttribute('aria-invalid', 'true');
    });
    el.file.addEventListener('change', async () => {
      const f = el.file.files?.[0];
      if (!f) return;
      el.fileErr.hidden = true;
      // The worker reads it: a bad file keeps the current data, and its lines are named.
      const text = f.size > 64 * 2 ** 20 ? null : await f.text();
      if (text == null) { showFileError(`${f.name}: the file is over 64 MB (at most 100,000 rows)`); return; }
      pendingUpload = { text, name: f.name };
      key = '';
      sync({ ...S, train: { ...S.train, data: 'upload' } }, pendingUpload);
      el.file.value = '';  // the same file chosen again is a new upload
    });
    for (const cb of el.feats.querySelectorAll('input')) {
      cb.addEventListener('input', () => {
        const feats = [...el.feats.querySelectorAll('input:checked')].map((c) => c.value);
        if (!feats.length) { cb.checked = true; return; }  // at least one input
        set({ feats });
      });
    }
    el.widths.addEventListener('input', () => {
      const parts = el.widths.value.split(/\s*,\s*|\s+/).filter(Boolean).map(Number);
      const ok = parts.length >= 1 && parts.length <= TRAIN_LIMITS.layers && parts.every((w) => Number.isSafeInteger(w) && w >= 1 && w <= TRAIN_LIMITS.width);
      el.widthsErr.hidden = ok;
      el.widthsErr.textContent = ok ? '' : `widths: expected 1 to ${TRAIN_LIMITS.layers} comma-separated integers in [1, ${TRAIN_LIMITS.width}]`;
      el.widths.setAttribute('aria-invalid', String(!ok));
      if (!ok) return;
      const acts = S.train.acts ? parts.map((_, i) => S.train.acts[i] ?? S.train.act) : null;
      set({ widths: parts, acts });
    });
    el.act.addEventListener('input', () => set({ act: { fn: el.act.value, params: {} } }));
    el.perLayer.addEventListener('input', () => set({ acts: el.perLayer.checked ? S.train.widths.map(() => structuredClone(S.train.act)) : null }));
    el.init.addEventListener('input', () => set({ init: { fn: el.init.value, params: {} } }));
    el.bias.addEventListener('input', () => set({ bias: { fn: el.bias.value, params: {} } }));
    el.loss.addEventListener('input', () => set({ loss: el.loss.value }));
    el.opt.addEventListener('input', () => set({ opt: { fn: el.opt.value, params: {} } }));
    el.add.addEventListener('input', () => {
      if (!el.add.value) return;
      set({ cmp: [...S.train.cmp, { fn: el.add.value, params: {} }].slice(0, MAX_TRAIN_CMP) });
      el.add.value = '';
    });
    el.threshold.addEventListener('input', () => queueDraw());
    el.deadRun.addEventListener('input', () => queueDraw());
    el.copy.addEventListener('click', () => copyWithFeedback(el.copy, fullCode(), () => store.get().lang, 'copy'));
    el.download.addEventListener('click', () => {
      const a = h('a', { href: URL.createObjectURL(new Blob([fullCode()], { type: 'text/x-python' })), download: 'actlab_train.py' });
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    });
  }
  function showFileError(msg) {
    if (embed) return;
    el.fileErr.hidden = !msg;
    el.fileErr.textContent = msg ?? '';
  }

  // ---- state -> worker ----
  const customOf = (s) => {
    const acts = [s.train.act, ...(s.train.acts ?? []), ...s.train.cmp];
    return acts.some((a) => a.fn === 'Custom') ? { source: s.expr, cls: s.cls } : null;
  };
  function sync(s, up = upload) {
    const c = customOf(s);
    const k = trainKey(s.train, c ? `${s.cls}\n${s.expr}` : '') + JSON.stringify([up?.text?.length ?? 0, up?.name ?? '', s.eps]);
    if (k === key) return;
    key = k;
    const was = playing;
    playing = false;
    wantPlay ||= was;
    const problem = lossProblem(s.train, up);
    const needUpload = s.train.data === 'upload' && !up;
    runs = runsOf(s.train, up).map((r) => ({ label: r.label, hist: { train: new History(), test: new History(), accTrain: new History(1024), accTest: new History(1024) }, layers: [], last: null, error: null }));
    step = epoch = 0;
    info = null;
    dataError = needUpload ? t(s.lang, 'trNeedUpload') : problem;
    if (dataError) { showStatus(); queueDraw(); return; }
    awaiting++;
    trainer.setup({
      train: s.train, data: s.train.data === 'upload' ? null : dataOf(s.train), upload: up?.text ?? null, custom: c, eps: s.eps, grid: GRID,
    });
    queueDraw();
  }
  function send(m) {
    if (!info) return;
    if (m.type !== 'play') awaiting++;
    trainer.send(m);
  }
  function play() {
    wantPlay = false;
    if (!info || dataError) { wantPlay = true; return; }
    playing = true;
    syncPlay();
    trainer.send({ type: 'play', rate: speed });
  }
  function pause() {
    wantPlay = false;
    if (!playing) return;
    playing = false;
    syncPlay();
    awaiting++;
    trainer.send({ type: 'pause' });
  }
  function syncPlay() {
    el.play.dataset.i18n = playing ? 'trPause' : 'trPlay';
    el.play.textContent = t(S?.lang ?? 'en', el.play.dataset.i18n);
    el.play.setAttribute('aria-pressed', String(playing));
  }
  function showStatus() {
    const msg = fatal ? t(S?.lang ?? 'en', 'trEngineError', fatal) : dataError;
    el.status.hidden = !msg;
    el.status.textContent = msg ?? '';
    if (!embed) el.fileInfo.textContent = upload ? `${upload.name}: ${t(S.lang, 'trUploaded', upload.rows.toLocaleString('en-US'), upload.regression ? t(S.lang, 'trUploadRegression') : t(S.lang, 'trUploadClasses', upload.classes))}` : '';
  }

  // ---- drawing: in the next frame, once however many snapshots arrived ----
  function queueDraw() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(() => { drawQueued = false; draw(); });
  }
  const classColors = () => { const p = palette(); return [p[1], p[0], p[2], p[3], p[4], p[5]]; };
  const rgb = (c) => {
    const m = /^#?([\da-f]{2})([\da-f]{2})([\da-f]{2})/i.exec(c.trim());
    if (m) return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
    const n = /(\d+)\D+(\d+)\D+(\d+)/.exec(c);
    return n ? [+n[1], +n[2], +n[3]] : [128, 128, 128];
  };

  function drawMap(canvas, r, loss, k) {
    const size = Math.max(120, Math.floor(canvas.clientWidth || 240));
    const dpr = devicePixelRatio || 1;
    canvas.width = Math.round(size * dpr);
    canvas.height = Math.round(size * dpr);
    const ctx = canvas.getContext('2d');
    const bg = rgb(css('--bg', canvas) || '#ffffff');
    const cols = classColors().map(rgb);
    const img = new ImageData(GRID, GRID);
    const out = r?.grid;
    const C = out ? out.length / (GRID * GRID) : 0;
    let vmax = 0;
    if (out && !k) for (const v of out) vmax = Math.max(vmax, Math.abs(v));
    for (let i = 0; out && i < GRID * GRID; i++) {
      let col, conf;
      if (!k) {  // regression: a diverging scale around 0
        const v = out[i] / (vmax || 1);
        col = v >= 0 ? cols[0] : cols[1];
        conf = Math.min(1, Math.abs(v));
      } else if (C > 1) {  // softmax over the classes
        let m = -Infinity;
        for (let c = 0; c < C; c++) m = Math.max(m, out[i * C + c]);
        let z = 0;
        const p = new Array(C);
        for (let c = 0; c < C; c++) { p[c] = Math.exp(out[i * C + c] - m); z += p[c]; }
        col = [0, 0, 0];
        let pm = 0;
        for (let c = 0; c < C; c++) { const q = p[c] / z; pm = Math.max(pm, q); for (let j = 0; j < 3; j++) col[j] += q * cols[c][j]; }
        conf = (pm - 1 / C) / (1 - 1 / C);
      } else {  // one output: a logit (BCEWithLogitsLoss) or the class index (MSELoss)
        const q = loss === 'BCEWithLogitsLoss' ? 1 / (1 + Math.exp(-out[i])) : Math.min(1, Math.max(0, out[i]));
        col = cols[0].map((a, j) => (1 - q) * a + q * cols[1][j]);
        conf = Math.abs(2 * q - 1);
      }
      const alpha = 0.12 + 0.6 * conf;
      for (let j = 0; j < 3; j++) img.data[4 * i + j] = Math.round(bg[j] + alpha * (col[j] - bg[j]));
      img.data[4 * i + 3] = 255;
    }
    const off = new OffscreenCanvas(GRID, GRID);
    off.getContext('2d').putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.fillStyle = css('--bg', canvas) || '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (out) ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
    if (!info) return;
    const [a1, b1, a2, b2] = info.bounds;
    const X = (v) => ((v - a1) / (b1 - a1)) * canvas.width, Y = (v) => ((b2 - v) / (b2 - a2)) * canvas.height;
    let ymax = 0;
    if (!k) for (const v of [...info.train.y, ...info.test.y]) ymax = Math.max(ymax, Math.abs(v));
    const dot = (pts, ys, test) => {
      const rad = (test ? 3 : 2.6) * dpr;
      for (let i = 0; i < ys.length; i++) {
        const c = k ? cols[ys[i] % cols.length] : (ys[i] >= 0 ? cols[0] : cols[1]);
        ctx.fillStyle = `rgb(${c.join(',')})`;
        ctx.beginPath();
        ctx.arc(X(pts[2 * i]), Y(pts[2 * i + 1]), rad, 0, 2 * Math.PI);
        ctx.fill();
        if (test) { ctx.lineWidth = 1.2 * dpr; ctx.strokeStyle = css('--fg', canvas) || '#000'; ctx.stroke(); }
      }
    };
    // At most 2,000 points of each part are drawn: a 100,000-row upload would hide the map.
    const cap = (part) => {
      const n = part.y.length, every = Math.max(1, Math.ceil(n / 2000));
      if (every === 1) return part;
      const m = Math.ceil(n / every), pts = new Float32Array(2 * m), ys = new (part.y.constructor)(m);
      for (let i = 0, j = 0; i < n; i += every, j++) { pts[2 * j] = part.points[2 * i]; pts[2 * j + 1] = part.points[2 * i + 1]; ys[j] = part.y[i]; }
      return { points: pts, y: ys };
    };
    const tr = cap(info.train), te = cap(info.test);
    dot(tr.points, tr.y, false);
    dot(te.points, te.y, true);
  }

  function draw() {
    const s = S;
    if (!s) return;
    draws++;
    const lang = s.lang;
    const colors = palette();
    const loss = lossOf(s.train, upload);
    const k = classesOf(s.train, upload);
    el.counter.textContent = t(lang, 'trCounter', +epoch.toFixed(2), step);
    root.dataset.step = String(step);
    // maps, one per run, side by side
    el.maps.dataset.runs = String(runs.length);
    if (el.maps.children.length !== runs.length) {
      el.maps.replaceChildren(...runs.map((r, i) => h('figure', { class: 'tr-map', 'data-run': i }, h('canvas', { 'aria-hidden': 'true' }), h('figcaption', {}))));
    }
    runs.forEach((r, i) => {
      const fig = el.maps.children[i];
      drawMap(fig.querySelector('canvas'), r.last, loss, k);
      fig.querySelector('figcaption').textContent = r.error ? `${r.label}: ${r.error}` : r.label;
      fig.style.setProperty('--slot', colors[i % colors.length]);
    });
    // legend with the latest figures
    el.legend.replaceChildren(...runs.map((r, i) => h('li', { 'data-run': i, style: `--slot: ${colors[i % colors.length]}`, 'data-loss': r.last ? String(r.last.evalLoss.train) : null },
      h('span', { class: 'tr-swatch', 'aria-hidden': 'true' }), h('span', { class: 'net-config-label', text: r.label }),
      r.last ? h('span', { class: 'muted small net-loss', text: `${t(lang, 'trTable')[2]} ${fmt(r.last.evalLoss.train)} · ${t(lang, 'trTable')[3]} ${fmt(r.last.evalLoss.test)}${k ? ` · ${t(lang, 'trTable')[5]} ${pct(r.last.acc.test)}` : ''}` }) : null,
      r.error ? h('span', { class: 'error small', text: r.error }) : null)));
    // charts: per run, train solid and test dashed
    const stepsX = (hs) => hs.reduce((a, b) => (b.n > a.n ? b : a), hs[0]);
    const lossHist = runs.flatMap((r) => [r.hist.train, r.hist.test]);
    const xs = runs.length ? stepsX(lossHist).xs : new Float64Array(0);
    const align = (hist) => { const m = new Map(); for (let i = 0; i < hist.n; i++) m.set(hist.x[i], hist.y[i]); return Array.from(xs, (x) => m.get(x) ?? NaN); };
    const series = (a, b) => runs.flatMap((r, i) => [
      { label: `${r.label} (train)`, color: colors[i % colors.length], y: a(r), marker: i },
      { label: `${r.label} (test)`, color: colors[i % colors.length], y: b(r), dash: true, marker: i }]);
    charts.loss.plot.update(series((r) => align(r.hist.train), (r) => align(r.hist.test)), { xLabel: t(lang, 'trSteps'), theme: document.documentElement.dataset.theme, x: xs });
    const accX = runs.length ? stepsX(runs.map((r) => r.hist.accTrain)).xs : new Float64Array(0);
    const alignAcc = (hist) => { const m = new Map(); for (let i = 0; i < hist.n; i++) m.set(hist.x[i], hist.y[i]); return Array.from(accX, (x) => m.get(x) ?? NaN); };
    charts.acc.fig.hidden = !k;
    if (k) charts.acc.plot.update(series((r) => alignAcc(r.hist.accTrain), (r) => alignAcc(r.hist.accTest)), { xLabel: t(lang, 'trSteps'), theme: document.documentElement.dataset.theme, x: accX, log: false, yRange: [0, 1] });
    if (embed) return;
    // dead and saturated fractions per layer, of the chosen run
    const opts = runs.map((r, i) => [String(i), r.label]);
    if (el.deadRun.dataset.sig !== JSON.stringify(opts)) { el.deadRun.dataset.sig = JSON.stringify(opts); el.deadRun.replaceChildren(...opts.map(([v, l]) => new Option(l, v))); }
    const dr = runs[+el.deadRun.value || 0];
    const layers = dr?.layers ?? [];
    const dX = layers[0]?.dead.xs ?? new Float64Array(0);
    charts.dead.plot.update(layers.flatMap((l, i) => [
      { label: t(lang, 'trLayerN', i + 1), color: colors[i % colors.length], y: Array.from(l.dead.ys), marker: i },
      { label: `${t(lang, 'trLayerN', i + 1)} saturated`, color: colors[i % colors.length], y: Array.from(l.sat.ys), dash: true, marker: i }]),
    { xLabel: t(lang, 'trSteps'), theme: document.documentElement.dataset.theme, x: dX, log: false, yRange: [0, 1] });
    // steps to the threshold, and the latest figures
    const thr = Number(el.threshold.value);
    const head = h('tr', {}, ...t(lang, 'trTable').map((c) => h('th', { scope: 'col', text: c })));
    el.table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...runs.map((r) => {
      const at = Number.isFinite(thr) ? stepsTo(r.hist.test, thr) : null;
      return h('tr', {}, h('th', { scope: 'row', text: r.label }), h('td', { text: at == null ? t(lang, 'trNever') : String(at) }),
        h('td', { text: fmt(r.last?.evalLoss.train) }), h('td', { text: fmt(r.last?.evalLoss.test) }),
        h('td', { text: k ? pct(r.last?.acc.train) : '—' }), h('td', { text: k ? pct(r.last?.acc.test) : '—' }));
    })));
    drawUnits(s);
  }

  // Hidden units of the first run: one thumbnail per unit, a column per layer.
  function drawUnits(s) {
    const u = runs[0]?.last?.units;
    const small = s.train.widths.length <= 8 && s.train.widths.every((w) => w <= 8);
    if (!small || !u) {
      el.units.dataset.sig = '';
      el.units.replaceChildren(h('p', { class: 'muted small', i18n: small ? null : 'trUnitsNone', text: small ? '' : t(s.lang, 'trUnitsNone') }));
      return;
    }
    const n = Math.round(Math.sqrt(u[0].length / s.train.widths[0]));
    const sig = JSON.stringify(s.train.widths);
    if (el.units.dataset.sig !== sig) {
      el.units.dataset.sig = sig;
      el.units.replaceChildren(...s.train.widths.map((w, l) => h('div', { class: 'tr-unit-col' }, h('span', { class: 'muted small', text: t(s.lang, 'trLayerN', l + 1) }),
        ...Array.from({ length: w }, () => h('canvas', { class: 'tr-unit', width: n, height: n })))));
    }
    const cols = classColors().map(rgb), bg = rgb(css('--bg', el.units) || '#fff');
    u.forEach((post, l) => {
      const w = s.train.widths[l];
      const canvases = el.units.children[l].querySelectorAll('canvas');
      for (let j = 0; j < w; j++) {
        let m = 0;
        for (let i = j; i < post.length; i += w) m = Math.max(m, Math.abs(post[i]));
        const img = new ImageData(n, n);
        for (let i = 0; i < n * n; i++) {
          const v = post[i * w + j] / (m || 1);
          const c = v >= 0 ? cols[0] : cols[1], a = Math.min(1, Math.abs(v));
          for (let q = 0; q < 3; q++) img.data[4 * i + q] = Math.round(bg[q] + a * (c[q] - bg[q]));
          img.data[4 * i + 3] = 255;
        }
        canvases[j].getContext('2d').putImageData(img, 0, 0);
      }
    });
  }

  // ---- state -> controls ----
  function syncInputs(s) {
    const tr = s.train;
    const focused = (e) => document.activeElement === e;
    const val = (e, v) => { if (!focused(e) && e.getAttribute('aria-invalid') !== 'true' && e.value !== String(v)) e.value = String(v); };
    for (const o of el.data.options) o.textContent = t(s.lang, `ds_${o.value}`);
    el.data.value = tr.data;
    el.classes.closest('.net-field').hidden = tr.data !== 'gauss';
    val(el.classes, tr.classes);
    val(el.n, tr.n);
    el.n.disabled = el.noise.disabled = tr.data === 'upload';
    el.noise.value = String(tr.noise);
    el.noiseOut.textContent = String(tr.noise);
    el.ratio.value = String(tr.ratio);
    el.ratioOut.textContent = pct(tr.ratio);
    val(el.dseed, tr.dseed);
    for (const cb of el.feats.querySelectorAll('input')) cb.checked = tr.feats.includes(cb.value);
    if (!focused(el.widths) && el.widths.getAttribute('aria-invalid') !== 'true') el.widths.value = tr.widths.join(',');
    const fns = cat.functions().filter(isNetActivation);
    const opts = fns.map((f) => [f.name, f.custom ? `Custom (${f.cls ? `class ${f.cls}` : 'custom'})` : `${f.module}.${f.name}`]);
    const sig = JSON.stringify(opts);
    if (el.act.dataset.sig !== sig) {
      el.act.dataset.sig = sig;
      el.act.replaceChildren(...opts.map(([v, l]) => new Option(l, v)));
      el.add.replaceChildren(new Option(`+ ${t(s.lang, 'trAdd')}`, ''), ...opts.map(([v, l]) => new Option(l, v)));
    }
    el.act.value = tr.act.fn;
    itemControls(el.actParams, labActSpec(cat.specs.get(tr.act.fn)), 'act', s.lang);
    el.perLayer.checked = !!tr.acts;
    el.act.disabled = !!tr.acts;
    const layerSig = JSON.stringify([tr.acts?.map((a) => a.fn), s.lang, sig]);
    if (el.layerActs.dataset.sig !== layerSig) {
      el.layerActs.dataset.sig = layerSig;
      el.layerActs.replaceChildren(...(tr.acts ?? []).map((a, i) => {
        const sel = h('select', { 'aria-label': t(s.lang, 'trLayer', i + 1) }, ...opts.map(([v, l]) => new Option(l, v)));
        sel.value = a.fn;
        sel.addEventListener('input', () => set({ acts: S.train.acts.map((b, j) => (j === i ? { fn: sel.value, params: {} } : b)) }));
        return h('div', { class: 'tr-layer-act' }, h('span', { class: 'muted small', text: t(s.lang, 'trLayer', i + 1) }), sel);
      }));
    }
    el.init.value = tr.init.fn;
    itemControls(el.initParams, tableSpec(NET_INITS, tr.init.fn), 'init', s.lang);
    el.bias.value = tr.bias.fn;
    itemControls(el.biasParams, tableSpec(NET_BIASES, tr.bias.fn), 'bias', s.lang);
    for (const o of el.loss.options) o.textContent = o.value === 'auto' ? t(s.lang, 'trLossAuto', lossOf({ ...tr, loss: 'auto' }, upload)) : `nn.${o.value}`;
    el.loss.value = tr.loss;
    el.opt.value = tr.opt.fn;
    itemControls(el.optParams, tableSpec(TRAIN_OPTIMIZERS, tr.opt.fn), 'opt', s.lang);
    val(el.batch, tr.batch);
    val(el.l1, tr.l1);
    val(el.seed, tr.seed);
    el.cmp.replaceChildren(...tr.cmp.map((a, i) => h('li', {}, h('span', { class: 'net-config-label', text: actLabel(a) }),
      h('button', { type: 'button', class: 'remove', 'aria-label': `${t(s.lang, 'trRemove')} ${actLabel(a)}`, text: '×', onclick: () => set({ cmp: S.train.cmp.filter((_, j) => j !== i) }) }))));
    el.add.disabled = tr.cmp.length >= MAX_TRAIN_CMP;
    const pr = trainPresetOf(tr);
    for (const b of el.presets.children) b.setAttribute('aria-pressed', String(b.dataset.preset === pr?.id));
    el.presetText.hidden = !pr;
    el.presetText.textContent = pr ? t(s.lang, `tpreset_${pr.id}_text`) : '';
  }
  // Parameter controls (the playground's) of the config's item `key` (act, init, bias, opt).
  function itemControls(box, spec, key, lang) {
    paramControls(box, spec, S.train[key].params, lang, (name, v) => {
      const cur = S.train[key];
      set({ [key]: { fn: cur.fn, params: { ...cur.params, [name]: v } } });
    });
  }
  const tableSpec = (table, name) => table.find((i) => i.name === name) ?? null;

  // ---- the PyTorch script ----
  function codeFor(s, steps) {
    const rs = runsOf(s.train, upload);
    const acts = [...(s.train.acts ?? [s.train.act]), ...s.train.cmp].map((a) => moduleCode(cat.specs.get(a.fn), a));
    return pythonTrainCode(s.train, { runs: rs, acts, datasetsPy, upload: s.train.data === 'upload' ? upload : null, steps });
  }
  const codeSteps = () => Math.min(Math.max(step, 100), 2000);
  const fullCode = () => codeFor(S, codeSteps());
  let codeSig = '';
  function renderCode(s) {
    const sig = JSON.stringify([s.train, s.lang, s.expr, s.cls, cat.generation, codeSteps(), upload?.text?.length ?? 0, !!upload?.train]);
    if (sig === codeSig) return;
    codeSig = sig;
    if (s.train.data === 'upload' && !upload?.train) { el.code.textContent = ''; return; }
    const code = codeFor(s, codeSteps());
    // A large upload's rows make a script too long to show: the copy and the download have them.
    const long = code.length > 200000;
    el.codeNote.hidden = !long;
    el.codeNote.textContent = long ? t(s.lang, 'trCodeRows', upload.rows.toLocaleString('en-US')) : '';
    el.code.textContent = long ? code.replace(/^(X|y) = torch\.tensor\(\[.*$/gm, (m, v) => `${v} = torch.tensor([...])   # ${m.length.toLocaleString('en-US')} characters`) : code;
  }

  const sigs = { lang: '' };
  return {
    render(s) {
      S = s;
      if (sigs.lang !== s.lang) { sigs.lang = s.lang; applyI18n(root, s.lang); syncPlay(); }
      if (!embed) syncInputs(s);
      if (!fatal) sync(s);
      if (s.train.play && !sigs.autoplayed) { sigs.autoplayed = true; wantPlay = true; if (info) play(); }
      if (!embed) { renderCode(s); showStatus(); }
      queueDraw();
    },
    /** Work the page waits on in tests: a setup, a step or a pause the worker has not answered, a frame not drawn. */
    pending: () => trainer.pendingSetup || awaiting > 0 || drawQueued || (!!pendingUpload),
    play, pause,
    /** For tests: whether it is playing, the step, snapshots so far, and the charts. */
    status: () => ({ playing, step, epoch, snaps, draws, heap, runs: runs.map((r) => ({ label: r.label, error: r.error, last: r.last && { evalLoss: r.last.evalLoss, acc: r.last.acc }, train: Array.from(r.hist.train.ys), test: Array.from(r.hist.test.ys), steps: Array.from(r.hist.train.xs) })) }),
    code: () => (S ? codeFor(S, codeSteps()) : ''),
    charts: () => Object.entries(charts).map(([id, c]) => ({ id, uplot: c.plot.uplot })),
  };
}
