// The depth lab's panel (view=network), loaded when its tab first opens: controls that write the
// page state, a Web Worker that runs lab.network() (network-worker.js), the through-depth charts
// (lab-plot.js), the layer strips and the PyTorch script. The embed uses it without controls.
//
// Work flow: the state's configs (the current one and the pinned ones) and the saturation
// threshold make one request; requests are coalesced (only the newest runs after the one in
// flight), the worker caches results per config, and a run that takes longer than a moment shows
// its progress and can be cancelled (the worker is terminated and a new one started).
import { t, applyI18n, extendStrings } from './i18n.js';
import STRINGS from './network-strings.js';
import './network.css';
import { LabPlot } from './lab-plot.js';
import { palette, markerOf, drawShape, css } from './plot.js';
import { paramControls } from './controls.js';
import { moduleCode } from './learn.js';
import { copyWithFeedback } from './clipboard.js';
import { h } from './dom.js';
import { NET_INITS, NET_BIASES, NET_LIMITS, MAX_NET_CMP, EPS_RANGE, isNetActivation } from '../lib/state.js';
import {
  apiOf, configKey, tooBig, calculateGain, nonlinearityOf, initDraw, configLabels, PRESETS, presetState, presetOf,
  pythonCode, hiddenOf, actLabel, fmt, costOf, RECYCLE_FLOATS, labActSpec,
} from './network.js';

extendStrings(STRINGS);

const pctOf = (v) => `${(100 * v).toFixed(1)}%`;

// ---- the worker client: one run at a time, the newest request queued, cancel = terminate ----
class Runner {
  #w = null;
  #seq = 0;
  #inFlight = null;   // { id, req, started }
  #queued = null;
  #validations = new Map();
  #on;
  constructor(on) { this.#on = on; }

  #spawn() {
    this.#w = new Worker(new URL('./network-worker.js', import.meta.url), { type: 'module' });
    this.#w.onmessage = ({ data }) => {
      if (data.type === 'progress' && this.#inFlight?.id === data.id) this.#on.progress(data);
      else if (data.type === 'result' && this.#inFlight?.id === data.id) {
        const { req } = this.#inFlight;
        this.#inFlight = null;
        // A wasm heap never shrinks: after a very large run a fresh worker gives the memory back.
        if (req.recycle) this.#restart();
        this.#on.result(req, data.results);
        this.#next();
      } else if (data.type === 'validated') {
        this.#validations.get(data.id)?.(data.error);
        this.#validations.delete(data.id);
      } else if (data.type === 'fatal') this.#on.fatal(data.error);
    };
    this.#w.onerror = (e) => { e.preventDefault?.(); this.#on.fatal(e.message ?? 'worker error'); };
  }
  #worker() { if (!this.#w) this.#spawn(); return this.#w; }
  #next() {
    if (this.#inFlight || !this.#queued) return;
    const req = this.#queued;
    this.#queued = null;
    this.#inFlight = { id: ++this.#seq, req, started: performance.now() };
    this.#on.start(req);
    this.sent++;
    this.#worker().postMessage({ type: 'run', id: this.#seq, ...req.msg });
  }
  /** Run `req` ({ msg, ... }) after the one in flight; a newer request replaces a queued one. A stale run that has gone on for a while is dropped. */
  run(req) {
    this.#queued = req;
    if (this.#inFlight && performance.now() - this.#inFlight.started > 500) this.#restart();
    this.#next();
  }
  /** Stop the run in flight (and forget the queued one). */
  cancel() {
    this.#queued = null;
    if (this.#inFlight) this.#restart();
  }
  #restart() {
    this.#w?.terminate();
    this.#w = null;
    this.#inFlight = null;
    for (const resolve of this.#validations.values()) resolve(null);
    this.#validations.clear();
  }
  validate(msg) {
    const id = ++this.#seq;
    return new Promise((resolve) => {
      this.#validations.set(id, resolve);
      this.#worker().postMessage({ type: 'validate', id, ...msg });
    });
  }
  get busy() { return !!this.#inFlight || !!this.#queued; }
  /** Runs sent to a worker so far (tests: a drag is coalesced). */
  sent = 0;
  get validating() { return this.#validations.size > 0; }
  get started() { return this.#inFlight?.started ?? 0; }
}

// ---- histograms ----
// One histogram on its canvas, `w` x `ht` CSS px; `ink`: { bar, axis, zero } colours, resolved once
// per redraw (not per canvas: getComputedStyle after DOM changes recomputes styles).
function drawHist(canvas, hist, w, ht, ink) {
  const dpr = devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(ht * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const n = hist.counts.length;
  let max = 0;
  for (const c of hist.counts) max = Math.max(max, c);
  ctx.fillStyle = ink.axis;
  ctx.fillRect(0, ht - 1, w, 1);
  if (!max) return;
  // 0 inside the range: a tick, so shifted and one-sided distributions read at a glance.
  if (hist.lo < 0 && hist.hi > 0) {
    ctx.fillStyle = ink.zero;
    ctx.fillRect(Math.round(((0 - hist.lo) / (hist.hi - hist.lo)) * w), 0, 1, ht);
  }
  ctx.fillStyle = ink.bar;
  const bw = w / n;
  for (let i = 0; i < n; i++) {
    const c = hist.counts[i];
    if (!c) continue;
    const bh = Math.max(1, (c / max) * (ht - 2));
    ctx.fillRect(i * bw + 0.5, ht - 1 - bh, Math.max(1, bw - 1), bh);
  }
}

// The marker of config k beside its label (the charts' second channel besides colour).
function swatch(k, color) {
  const c = h('canvas', { class: 'net-swatch', width: 28, height: 14, 'aria-hidden': 'true' });
  const ctx = c.getContext('2d');
  ctx.strokeStyle = ctx.fillStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(1, 7);
  ctx.lineTo(27, 7);
  ctx.stroke();
  ctx.lineWidth = 1.5;
  if (k === 0) { ctx.beginPath(); ctx.arc(14, 7, 2.5, 0, 2 * Math.PI); ctx.fill(); } else drawShape(ctx, markerOf(k), 14, 7, 4);
  return c;
}

const CHARTS = [
  { id: 'postStd', of: 'layers', x: 'netLayer' },
  { id: 'gradNorm', of: 'layers', x: 'netLayer' },
  { id: 'wGradNorm', of: 'linear', x: 'netLinear' },
  { id: 'ratio', of: 'linear', x: 'netLinear' },
];
// Which control an API message is about (shown next to it as well as in the status line).
const ERROR_AT = [[/^(hidden|width|hidden width)\b/, 'sizes'], [/^(inputs|outputs)\b/, 'sizes'], [/^batch\b/, 'sizes'],
  [/^(uniform_|normal expects|Mode |Unsupported nonlinearity|negative_slope|unknown init|Fan in)/, 'init'],
  [/^(value cannot be converted|unknown bias)/, 'init']];

/**
 * Mount the panel in `root`. ctx: { store?, cat, scheduler? }; `embed`: charts only, no
 * controls (the state comes from the link). Returns { render(s, changed), pending() }.
 */
export function mountNetwork(root, ctx, { embed = false } = {}) {
  const { store, cat } = ctx;
  const set = (patch) => store?.set(patch);
  let S = null;            // the state last rendered
  let lastReq = '';         // request signature last sent
  let shown = null;         // { configs, results, labels } on screen
  const lastGood = [];      // per slot: the last result that ran (kept on screen under an error)
  let progressTimer = 0, cancelled = false, fatal = null, runStart = 0;
  let progress = null;
  const errorsAt = { sizes: null, init: null, act: null };
  let stripObserver = null;

  // ---- layout ----
  const el = {};
  const field = (key, label, input, extra, wide = false) => {
    const err = h('p', { class: 'error small', id: `${input.id}-error`, role: 'alert', hidden: true });
    input.setAttribute('aria-describedby', err.id);
    el[`${key}Err`] = err;
    return h('div', { class: `net-field${wide ? ' wide' : ''}` }, h('label', { for: input.id, i18n: label }), input, extra, err);
  };
  const num = (id, { min, max, step = 1 }) => h('input', { type: 'number', id, min, max, step, inputmode: step === 1 ? 'numeric' : 'decimal' });
  const select = (id, options) => h('select', { id }, ...options.map(([v, label]) => new Option(label, v)));

  if (!embed) {
    el.presets = h('div', { class: 'net-presets', role: 'group' });
    for (const p of PRESETS) {
      el.presets.append(h('button', { type: 'button', 'data-preset': p.id, i18n: `preset_${p.id}`, onclick: () => set(presetState(p)) }));
    }
    el.presetText = h('p', { class: 'net-preset-text', role: 'status' });
    el.depth = num('net-depth', { min: 1, max: NET_LIMITS.depth });
    el.depthRange = h('input', { type: 'range', id: 'net-depth-range', min: 1, max: NET_LIMITS.depth, step: 1, 'data-i18n-label': 'netDepth' });
    el.depthErr = h('p', { class: 'error small', id: 'net-depth-error', role: 'alert', hidden: true });
    el.depth.setAttribute('aria-describedby', 'net-depth-error');
    el.width = num('net-width', { min: 1, max: NET_LIMITS.width });
    el.widths = h('input', { type: 'text', id: 'net-widths', spellcheck: 'false', autocomplete: 'off', placeholder: '128,64,32' });
    el.batch = num('net-batch', { min: 1, max: NET_LIMITS.batch });
    el.inputs = num('net-inputs', { min: 1, max: NET_LIMITS.width });
    el.outputs = num('net-outputs', { min: 1, max: NET_LIMITS.width });
    el.act = h('select', { id: 'net-act' });
    el.actParams = h('div', { class: 'net-params', id: 'net-act-params' });
    el.actErr = h('p', { class: 'error small', id: 'net-act-error', role: 'alert', hidden: true });
    el.init = select('net-init', NET_INITS.map((i) => [i.name, i.name === 'default' ? 'default (nn.Linear)' : `nn.init.${i.name}`]));
    el.initParams = h('div', { class: 'net-params', id: 'net-init-params' });
    el.gain = h('p', { class: 'muted small net-gain' }, h('span'), ' ', h('button', { type: 'button', class: 'linkish', id: 'net-gain-use', i18n: 'netGainUse' }));
    el.draw = h('p', { class: 'muted small', id: 'net-draw' });
    el.bias = select('net-bias', NET_BIASES.map((i) => [i.name, i.name === 'default' ? 'default (nn.Linear)' : `nn.init.${i.name}`]));
    el.biasParams = h('div', { class: 'net-params', id: 'net-bias-params' });
    el.initErr = h('p', { class: 'error small', id: 'net-init-error', role: 'alert', hidden: true });
    el.dist = select('net-dist', [['randn', 'torch.randn(batch, d_in) * std'], ['rand', '(torch.rand(batch, d_in) - 0.5) * (2 * std)']]);
    el.std = num('net-std', { min: 0, max: NET_LIMITS.std, step: 'any' });
    el.loss = select('net-loss', [['sum', 'out.sum()'], ['mse', 'F.mse_loss(out, torch.randn_like(out))'], ['cross_entropy', 'F.cross_entropy(out, torch.randint(d_out, (batch,)))']]);
    el.seed = num('net-seed', { min: 0, max: Number.MAX_SAFE_INTEGER });
    el.eps = h('input', { type: 'range', id: 'net-eps', min: Math.log10(EPS_RANGE[0]), max: Math.log10(EPS_RANGE[1]), step: 0.01, 'data-i18n-label': 'netEps' });
    el.epsOut = h('output', { for: 'net-eps' });
    el.pin = h('button', { type: 'button', class: 'primary', id: 'net-pin', i18n: 'netPin' });
    el.pinWhy = h('p', { class: 'muted small', id: 'net-pin-why', role: 'status', hidden: true });
    el.clear = h('button', { type: 'button', id: 'net-clear', i18n: 'netClear' });
  }
  el.configs = h('ul', { class: 'net-configs', id: 'net-configs' });
  el.status = h('div', { class: 'net-status', id: 'net-status', role: 'status', hidden: true },
    h('progress', { max: 1, value: 0 }), h('span', { class: 'net-status-text' }),
    h('button', { type: 'button', id: 'net-cancel', i18n: 'netCancel' }));
  el.cancelled = h('p', { class: 'muted', id: 'net-cancelled', hidden: true }, h('span', { i18n: 'netCancelled' }), ' ',
    h('button', { type: 'button', class: 'linkish', id: 'net-retry', i18n: 'netRetry' }));
  el.error = h('p', { class: 'error', id: 'net-error', role: 'alert', hidden: true });
  el.charts = h('div', { class: 'net-charts', id: 'net-charts' });
  const charts = CHARTS.map((c) => {
    const box = h('div', { class: 'plot net-chart-plot', role: 'img' });
    const readout = h('p', { class: 'net-readout muted small' });
    const gaps = h('p', { class: 'muted small net-gaps', hidden: true });
    const card = h('figure', { class: 'net-chart', 'data-chart': c.id }, h('figcaption', { i18n: `chart_${c.id}` }), box, readout, gaps);
    el.charts.append(card);
    const chart = { ...c, box, readout, gaps, plot: new LabPlot(box, { height: embed ? 180 : 200 }) };
    chart.plot.onHover = (i) => hover(chart, readout, i);
    return chart;
  });

  // Cancel (the page and the embed): the run stops, the last result stays; Run again resends it.
  el.status.querySelector('button').addEventListener('click', () => {
    runner.cancel();
    cancelled = true;
    hideProgress();
    el.cancelled.hidden = false;
  });
  el.cancelled.querySelector('button').addEventListener('click', () => {
    cancelled = false;
    el.cancelled.hidden = true;
    lastReq = '';
    request(S);
  });

  if (embed) {
    root.append(el.configs, el.status, el.cancelled, el.error, el.charts);
  } else {
    el.strips = h('div', { class: 'net-strips', id: 'net-strips' });
    el.code = h('code', { id: 'net-code' });
    el.copy = h('button', { type: 'button', id: 'net-copy', i18n: 'copy' });
    const panel = (id, title, ...kids) => h('section', { class: 'panel', 'aria-labelledby': id }, h('h3', { id, i18n: title }), ...kids);
    root.append(
      h('div', { class: 'plot-head' }, h('h2', { id: 'net-title', tabindex: '-1', i18n: 'netTitle' })),
      h('p', { class: 'muted net-intro', i18n: 'netIntro' }),
      h('div', { class: 'net-preset-box' }, h('h3', { class: 'net-h', i18n: 'netPresets' }), el.presets, el.presetText),
      h('div', { class: 'net-controls' },
        panel('net-h-sizes', 'netSizes',
          h('div', { class: 'net-field' }, h('label', { for: 'net-depth', i18n: 'netDepth' }), h('div', { class: 'net-pair' }, el.depthRange, el.depth), el.depthErr),
          field('width', 'netWidth', el.width),
          field('widths', 'netWidths', el.widths, h('small', { class: 'muted', i18n: 'netWidthsHint' })),
          field('batch', 'netBatch', el.batch),
          field('inputs', 'netInputs', el.inputs),
          field('outputs', 'netOutputs', el.outputs)),
        panel('net-h-act', 'netActivation', el.act, el.actParams, el.actErr, h('p', { class: 'muted small', i18n: 'netActHint' })),
        panel('net-h-init', 'netInit', el.init, el.initParams, el.gain, el.draw,
          h('h4', { i18n: 'netBias' }), el.bias, el.biasParams, el.initErr),
        panel('net-h-input', 'netInputLoss',
          field('dist', 'netDist', el.dist, null, true),
          field('std', 'netStd', el.std),
          field('loss', 'netLoss', el.loss, null, true),
          field('seed', 'netSeed', el.seed),
          h('div', { class: 'net-field wide' }, h('label', { for: 'net-eps', i18n: 'netEps' }), h('div', { class: 'net-pair' }, el.eps, el.epsOut),
            h('small', { class: 'muted', i18n: 'netEpsHint' })))),
      h('section', { class: 'panel net-compare', 'aria-labelledby': 'net-h-cmp' },
        h('div', { class: 'panel-head' }, h('h3', { id: 'net-h-cmp', i18n: 'netCompare' }), el.clear),
        el.pin, el.pinWhy, el.configs, h('p', { class: 'muted small', i18n: 'netCompareHint' })),
      el.status, el.cancelled, el.error,
      h('h3', { class: 'net-h', i18n: 'netCharts' }), h('p', { class: 'muted small', i18n: 'netHover' }), el.charts,
      h('h3', { class: 'net-h', i18n: 'netStrips' }), h('p', { class: 'muted small', i18n: 'netStripsHint' }), el.strips,
      h('section', { class: 'panel net-code-panel', 'aria-labelledby': 'net-h-code' },
        h('div', { class: 'panel-head' }, h('h3', { id: 'net-h-code', i18n: 'netCode' }), el.copy),
        h('p', { class: 'muted small', i18n: 'netCodeHint' }), h('pre', {}, el.code)),
    );
    wire();
  }

  // ---- controls -> state ----
  function showErr(key, msg) {
    const e = el[`${key}Err`];
    if (!e) return;
    e.hidden = !msg;
    e.textContent = msg ?? '';
    const input = el[key];
    if (input && input.setAttribute) input.setAttribute('aria-invalid', String(!!msg));
  }
  const codecField = (key) => cat.codec.fields.find((f) => f.key === key);
  const custom = (s) => ([s.net, ...s.netCmp].some((c) => c.act.fn === 'Custom') ? { source: s.expr, cls: s.cls } : null);
  let validating = 0;
  /** A number typed into a size box: into the state if the link takes it, else the API's (or the link's) message, state kept. */
  async function commitSize(key, raw) {
    const s = store.get();
    const v = raw.trim() === '' ? NaN : Number(raw);
    const why = codecField(`n${{ inputs: 'in', outputs: 'out' }[key] ?? key}`).check(v);
    if (!why) {
      showErr(key, null);
      set({ net: { ...s.net, [key]: v } });
      return;
    }
    // The API's own message where it checks the value (sizes), on a draft of the config.
    let msg = null;
    if (Number.isFinite(v) && ['depth', 'width', 'batch', 'inputs', 'outputs'].includes(key) && (key !== 'depth' || Number.isInteger(v))) {
      const draft = { ...s.net, [key]: v };
      const { api, run } = apiOf({ ...draft, depth: 1, widths: draft.widths });
      if (key === 'depth') api.hidden = Array.from({ length: Math.max(0, Math.min(v, NET_LIMITS.depth + 1)) }, () => s.net.width);
      if (key === 'width' && !s.net.widths) api.hidden = [v];
      validating++;
      msg = await runner.validate({ custom: custom(s), api, run });
      validating--;
    }
    if (String(el[key].value) !== raw) return;  // typed on meanwhile
    showErr(key, msg ?? `${key}: ${why}`);
  }
  async function commitWidths(raw) {
    const s = store.get();
    const text = raw.trim();
    if (!text) { showErr('widths', null); set({ net: { ...s.net, widths: null } }); return; }
    const parts = text.split(/\s*,\s*|\s+/).filter((p) => p !== '');
    const ws = parts.map(Number);
    const why = codecField('nwidths').check(ws);
    if (!why) { showErr('widths', null); set({ net: { ...s.net, widths: ws } }); return; }
    let msg = null;
    if (ws.length && ws.every(Number.isFinite)) {
      const { api, run } = apiOf(s.net);
      api.hidden = ws.slice(0, NET_LIMITS.depth + 1);
      validating++;
      msg = await runner.validate({ custom: custom(s), api, run });
      validating--;
    }
    if (el.widths.value !== raw) return;
    showErr('widths', msg ?? `widths: ${why}`);
  }
  function commitItem(key, item, name, value) {
    const s = store.get();
    const f = codecField(key === 'act' ? 'nact' : key === 'init' ? 'ninit' : 'nbias');
    const next = { fn: item.fn, params: { ...item.params, [name]: value } };
    const kept = f.canon(next);
    const spec = key === 'act' ? null : (key === 'init' ? NET_INITS : NET_BIASES).find((i) => i.name === item.fn)?.params.find((p) => p.name === name);
    const ok = !f.check(kept) && (Object.hasOwn(kept.params, name) || value === (spec ?? cat.codec.paramFields(item.fn).find((p) => p.name === name))?.default);
    const errKey = key === 'act' ? 'act' : 'init';
    if (!ok) {
      const pf = key === 'act' ? cat.codec.paramFields(item.fn).find((p) => p.name === name) : null;
      const p = spec ?? pf?.param;
      showErr(errKey, `${name}: expected ${p?.kind === 'number' ? `a number${p.min !== undefined ? ` in [${p.min}, ${p.max ?? '∞'}]` : ''}` : 'a valid value'}`);
      return;
    }
    showErr(errKey, null);
    set({ net: { ...s.net, [key]: kept } });
  }

  function wire() {
    const onNum = (key) => el[key].addEventListener('input', () => commitSize(key, el[key].value));
    for (const k of ['depth', 'width', 'batch', 'inputs', 'outputs']) onNum(k);
    el.depthRange.addEventListener('input', () => { el.depth.value = el.depthRange.value; commitSize('depth', el.depthRange.value); });
    el.widths.addEventListener('input', () => commitWidths(el.widths.value));
    el.std.addEventListener('input', () => {
      const s = store.get();
      const v = el.std.value.trim() === '' ? NaN : Number(el.std.value);
      const why = codecField('nstd').check(v);
      showErr('std', why ? `std: ${why}` : null);
      if (!why) set({ net: { ...s.net, std: v } });
    });
    el.seed.addEventListener('input', () => {
      const s = store.get();
      const v = el.seed.value.trim() === '' ? NaN : Number(el.seed.value);
      const why = codecField('nseed').check(v);
      showErr('seed', why ? `seed: ${why}` : null);
      if (!why) set({ net: { ...s.net, seed: v } });
    });
    el.dist.addEventListener('input', () => set({ net: { ...store.get().net, dist: el.dist.value } }));
    el.loss.addEventListener('input', () => set({ net: { ...store.get().net, loss: el.loss.value } }));
    el.act.addEventListener('input', () => { showErr('act', null); set({ net: { ...store.get().net, act: { fn: el.act.value, params: {} } } }); });
    el.init.addEventListener('input', () => { showErr('init', null); set({ net: { ...store.get().net, init: { fn: el.init.value, params: {} } } }); });
    el.bias.addEventListener('input', () => { showErr('init', null); set({ net: { ...store.get().net, bias: { fn: el.bias.value, params: {} } } }); });
    el.eps.addEventListener('input', () => set({ eps: +(10 ** +el.eps.value).toPrecision(3) }));
    el.gain.querySelector('button').addEventListener('click', () => {
      const s = store.get();
      const nl = nonlinearityOf(s.net.act);
      if (!nl) return;
      const init = s.net.init;
      const params = init.fn.startsWith('xavier') ? { ...init.params, gain: calculateGain(nl.nonlinearity, nl.param) }
        : { ...init.params, nonlinearity: nl.nonlinearity, ...(nl.param !== undefined ? { a: nl.param } : {}) };
      set({ net: { ...s.net, init: codecField('ninit').canon({ fn: init.fn, params }) } });
    });
    el.pin.addEventListener('click', () => {
      const s = store.get();
      if (s.netCmp.length >= MAX_NET_CMP) return;
      set({ netCmp: [...s.netCmp, structuredClone(s.net)] });
    });
    el.clear.addEventListener('click', () => set({ netCmp: [] }));
    el.copy.addEventListener('click', () => copyWithFeedback(el.copy, el.code.textContent, () => store.get().lang, 'copy'));
  }

  // ---- the worker ----
  const runner = new Runner({
    start() {
      runStart = performance.now();
      progress = null;
      clearTimeout(progressTimer);
      // Quick runs finish without a flash of progress; longer ones show it after 50 ms.
      progressTimer = setTimeout(() => { progressTimer = 0; showProgress(); }, 50);
    },
    progress(p) { progress = p; if (!el.status.hidden) showProgress(); },
    result(req, results) {
      hideProgress();
      const full = req.configs.map((c, i) => req.local[i] ?? results.find((r) => r.key === c.key) ?? { error: 'no result' });
      display(req, full);
    },
    fatal(e) {
      fatal = e;
      hideProgress();
      el.error.hidden = false;
      el.error.textContent = t(S?.lang ?? 'en', 'netEngineError', e);
    },
  });
  function showProgress() {
    if (!runner.busy) return;
    const lang = S?.lang ?? 'en';
    el.status.hidden = false;
    const bar = el.status.querySelector('progress');
    const text = el.status.querySelector('.net-status-text');
    if (!progress) {
      bar.removeAttribute('value');
      text.textContent = t(lang, 'netLoading');
      return;
    }
    bar.value = progress.done;
    const layer = progress.layer ? ` · ${t(lang, 'netLayerOf', progress.layer, progress.layers)}` : '';
    text.textContent = `${t(lang, 'netComputing', t(lang, `phase_${progress.phase}`), `${Math.round(100 * progress.done)}%`)}${layer}${progress.total > 1 ? ` ${t(lang, 'netOf', progress.index + 1, progress.total)}` : ''} · ${((performance.now() - runStart) / 1000).toFixed(1)} s`;
  }
  function hideProgress() {
    clearTimeout(progressTimer);
    progressTimer = 0;
    el.status.hidden = true;
  }

  function request(s) {
    const configs = [s.net, ...s.netCmp];
    const c = custom(s);
    const keys = configs.map((n) => configKey(n, c ? `${s.cls}\n${s.expr}` : ''));
    const sig = JSON.stringify([keys, s.eps]);
    if (sig === lastReq) return;
    lastReq = sig;
    cancelled = false;
    if (el.cancelled) el.cancelled.hidden = true;
    // What the page itself refuses: a network over the memory budget, a custom activation that is not there.
    const local = configs.map((n) => {
      const big = tooBig(n);
      if (big) return { error: t(s.lang, 'netTooBig', big.mb.toLocaleString('en-US'), big.maxMb) };
      if (n.act.fn === 'Custom' && !(cat.custom && isNetActivation(cat.custom))) return { error: `${actLabel(n.act)}: ${t(s.lang, 'netNoCustom')}` };
      return null;
    });
    const msg = { eps: s.eps, custom: c, configs: configs.map((n, i) => (local[i] ? null : { key: keys[i], ...apiOf(n) })).filter(Boolean) };
    const recycle = configs.some((n, i) => !local[i] && costOf(n).floats > RECYCLE_FLOATS);
    runner.run({ msg, configs: configs.map((n, i) => ({ net: n, key: keys[i] })), local, recycle });
  }

  // ---- results -> screen ----
  function display(req, results) {
    performance.mark('actlab:net-result');
    const s = S;
    const labels = configLabels(req.configs.map((c) => c.net));
    const slots = results.map((r, i) => {
      if (!r.error) lastGood[i] = { net: req.configs[i].net, result: r, label: labels[i] };
      return r.error ? { error: r.error, stale: lastGood[i] ?? null, label: labels[i], net: req.configs[i].net } : { result: r, label: labels[i], net: req.configs[i].net };
    });
    lastGood.length = results.length;
    shown = { slots, sig: lastReq };
    sigs.draw = JSON.stringify([shown.sig, s.lang, document.documentElement.dataset.theme]);
    drawAll(s);
  }

  function errorText(s) {
    if (!shown) return '';
    return shown.slots.map((sl, i) => (sl.error ? (shown.slots.length > 1 ? `${sl.label}: ${sl.error}` : sl.error) : null)).filter(Boolean).join(' · ');
  }

  function drawAll(s) {
    if (!shown) return;
    const colors = palette();
    const lang = s.lang;
    const err = errorText(s);
    el.error.hidden = !err && !fatal;
    el.error.textContent = fatal ? t(lang, 'netEngineError', fatal) : err;
    // The current config's API message next to the control it is about.
    if (!embed) {
      const e0 = shown.slots[0]?.error;
      const actParams = cat.specs.get(s.net.act.fn)?.params.map((p) => p.name) ?? [];
      const at = !e0 ? null : ERROR_AT.find(([re]) => re.test(e0))?.[1] ?? (actParams.some((n) => e0.includes(n)) ? 'act' : null);
      // Each control group shows the run's message while it stands, and loses it once it is gone
      // (a message the control set itself, for a value it kept out of the state, stays).
      for (const [k, box] of [['sizes', 'width'], ['init', 'init'], ['act', 'act']]) {
        const msg = at === k ? e0 : null;
        if (msg && (k !== 'sizes' || !el.widthErr.textContent)) showErr(box, msg);
        else if (!msg && errorsAt[k] && el[`${box}Err`].textContent === errorsAt[k]) showErr(box, null);
        errorsAt[k] = msg;
      }
    }
    // Charts: one series per slot that has something to show (its result, or its last good one).
    const series = shown.slots.map((sl, k) => ({ sl, k, r: sl.result ?? sl.stale?.result })).filter((x) => x.r);
    for (const c of charts) {
      const gaps = c.plot.update(series.map(({ sl, k, r }) => ({
        label: sl.label, color: colors[k % colors.length], y: r.stats[c.of].map((l) => l[c.id]),
      })), { xLabel: t(lang, c.x), theme: document.documentElement.dataset.theme });
      c.gaps.hidden = !gaps;
      c.gaps.textContent = gaps ? t(lang, 'netGaps', gaps) : '';
      c.box.setAttribute('aria-label', `${t(lang, `chart_${c.id}`)}: ${series.map(({ sl, r }) => `${sl.label}: ${fmt(r.stats[c.of][0]?.[c.id])} → ${fmt(r.stats[c.of].at(-1)?.[c.id])}`).join('; ')}`);
      c.series = series;
      c.box.dataset.points = String(series[0] ? series[0].r.stats[c.of].length : 0);
      hover(c, c.readout, null);
    }
    performance.mark('actlab:net-charts');
    renderConfigs(s, colors);
    if (!embed) renderStrips(s, colors);
  }

  function hover(c, readout, i) {
    const lang = S?.lang ?? 'en';
    if (!c.series?.length) { readout.textContent = ''; return; }
    if (i == null) { readout.textContent = '\u00a0'; return; }
    readout.textContent = `${t(lang, c.x)} ${i + 1}: ${c.series.map(({ sl, r }) => `${sl.label} ${fmt(r.stats[c.of][i]?.[c.id])}`).join(' · ')}`;
  }

  // The compared configs: the legend of the charts, with the loss, Edit and Remove.
  function renderConfigs(s, colors) {
    const configs = [s.net, ...s.netCmp];
    const labels = configLabels(configs);
    el.configs.replaceChildren(...configs.map((c, k) => {
      const slot = shown?.slots[k];
      const r = slot?.result && JSON.stringify(slot.net) === JSON.stringify(c) ? slot.result : null;
      const li = h('li', { 'data-slot': k, 'data-loss': r ? String(r.loss) : null, style: `--slot: ${colors[k % colors.length]}` }, swatch(k, colors[k % colors.length]),
        h('span', { class: 'net-config-label', text: labels[k] }),
        k === 0 ? h('span', { class: 'muted small', text: `(${t(s.lang, 'netCurrent')})` }) : null,
        r ? h('span', { class: 'muted small net-loss', text: t(s.lang, 'netLossValue', c.loss, fmt(r.loss), Math.round(r.ms)) }) : null);
      if (k > 0 && !embed) {
        li.append(
          h('button', { type: 'button', class: 'linkish', title: t(s.lang, 'netEditHint'), text: t(s.lang, 'netEdit'), onclick: () => {
            const cur = store.get();
            const cmp = cur.netCmp.slice();
            const next = cmp[k - 1];
            cmp[k - 1] = cur.net;
            set({ net: next, netCmp: cmp });
          } }),
          h('button', { type: 'button', class: 'remove', 'aria-label': `${t(s.lang, 'netRemove')} ${labels[k]}`, text: '×', onclick: () => {
            const cur = store.get();
            set({ netCmp: cur.netCmp.filter((_, j) => j !== k - 1) });
          } }));
      }
      return li;
    }));
  }

  // Strips: one column per config, one row per hidden layer: pre, post and ∂L/∂post histograms,
  // μ and σ under each, saturated and dead fractions.
  // Rows are built a batch of layers at a time, a task each, and each row's histograms are drawn
  // when it scrolls into sight: a hundred layers of four configs (1,200 canvases) never hold the
  // main thread for long. A newer render abandons the batches of an older one.
  const STRIP_BATCH = 12;
  let stripGen = 0, stripsPending = false;
  function renderStrips(s, colors) {
    const gen = ++stripGen;
    const lang = s.lang;
    const slots = shown.slots;
    el.strips.style.setProperty('--cols', String(slots.length));
    const results = slots.map((sl) => sl.result ?? sl.stale?.result);
    const cols = slots.map((sl, k) => {
      const color = colors[k % colors.length];
      return h('div', { class: 'net-col', 'data-slot': k, style: `--slot: ${color}` },
        h('div', { class: 'net-col-head' },
          h('div', { class: 'net-col-title' }, swatch(k, color), h('span', { text: sl.label }),
            sl.error ? h('span', { class: 'error small', text: sl.stale ? `(${t(lang, 'netStale')})` : sl.error }) : null),
          h('div', { class: 'net-row net-kinds', 'aria-hidden': 'true' }, h('span'), h('span', { text: t(lang, 'netPre') }),
            h('span', { text: t(lang, 'netPost') }), h('span', { text: t(lang, 'netGrad') }))));
    });
    el.strips.replaceChildren(...cols);
    stripObserver?.disconnect();
    const ink = { axis: css('--grid', el.strips), zero: css('--muted', el.strips) };
    const names = { pre: t(lang, 'netPre'), post: t(lang, 'netPost'), grad: t(lang, 'netGrad') };
    const rowOf = (st, hs, l) => {
      const cell = (kind, hist, mean, std) => {
        const cv = h('canvas', { class: 'net-hist', 'data-kind': kind, title: `${names[kind]}: ${t(lang, 'netRange', fmt(hist.lo), fmt(hist.hi))}`, 'aria-hidden': 'true' });
        const fig = h('figure', { class: 'net-cell', 'data-kind': kind }, cv,
          h('figcaption', { class: 'net-num', 'aria-label': `${names[kind]}: μ ${fmt(mean)}, σ ${fmt(std)}` }, h('span', { class: 'net-mean', text: `μ ${fmt(mean)}` }), h('span', { class: 'net-std', text: `σ ${fmt(std)}` })));
        return [fig, cv, hist];
      };
      const cells = [cell('pre', hs.pre, st.preMean, st.preStd), cell('post', hs.post, st.postMean, st.postStd), cell('grad', hs.grad, st.gradMean, st.gradStd)];
      const row = h('div', { class: 'net-row', 'data-layer': l + 1 },
        h('span', { class: 'net-l', text: String(l + 1) }), ...cells.map((c) => c[0]),
        h('span', { class: 'net-sd small' }, h('span', { class: 'net-sat', text: t(lang, 'netSat', st.saturated) }), ' · ', h('span', { class: 'net-dead', text: t(lang, 'netDead', st.dead) })));
      Object.assign(row.dataset, { postMean: st.postMean, postStd: st.postStd, preMean: st.preMean, preStd: st.preStd, gradMean: st.gradMean, gradStd: st.gradStd, saturated: st.saturated, dead: st.dead });
      row.cells = cells;
      return row;
    };
    let sizes = null;  // every canvas of a column has its first one's size: one layout, read once
    const draw = (row) => {
      const k = +row.parentElement.dataset.slot;
      for (const [, cv, hist] of row.cells) drawHist(cv, hist, sizes[k][0], sizes[k][1], { ...ink, bar: colors[k % colors.length] });
    };
    stripObserver = typeof IntersectionObserver === 'function' ? new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        stripObserver.unobserve(e.target);
        draw(e.target);
      }
    }, { root: el.strips, rootMargin: '200px' }) : null;
    const depth = Math.max(0, ...results.map((r) => r?.stats.layers.length ?? 0));
    const batch = (from) => {
      if (gen !== stripGen) return;
      const to = Math.min(depth, from + STRIP_BATCH);
      const rows = [];
      results.forEach((r, k) => {
        for (let l = from; l < Math.min(to, r?.stats.layers.length ?? 0); l++) {
          const row = rowOf(r.stats.layers[l], r.stats.layers[l].hist, l);
          cols[k].append(row);
          rows.push(row);
        }
      });
      sizes ??= cols.map((col) => {
        const cv = col.querySelector('.net-hist');
        return cv ? [Math.max(20, cv.clientWidth), cv.clientHeight || 30] : [80, 30];
      });
      for (const row of rows) (stripObserver ? stripObserver.observe(row) : draw(row));
      stripsPending = to < depth;
      if (stripsPending) setTimeout(() => batch(to));
      else performance.mark('actlab:net-strips');
    };
    batch(0);
  }

  // ---- state -> controls ----
  const focused = (e) => document.activeElement === e;
  let syncedNet = null;
  function syncInputs(s) {
    const n = s.net;
    // A box keeps what was typed into it while it is invalid, until the config changes elsewhere
    // (a preset, a link, Edit): then it shows the config again.
    const moved = syncedNet !== null && syncedNet !== n;
    syncedNet = n;
    const val = (e, v) => {
      if (focused(e)) return;
      if (e.getAttribute('aria-invalid') === 'true') {
        if (!moved) return;
        const key = Object.keys(el).find((k) => el[k] === e);
        showErr(key === 'depthRange' ? 'depth' : key, null);
      }
      if (e.value !== String(v)) e.value = String(v);
    };
    val(el.depth, n.widths ? n.widths.length : n.depth);
    val(el.depthRange, n.widths ? n.widths.length : n.depth);
    el.depth.disabled = el.depthRange.disabled = el.width.disabled = !!n.widths;
    val(el.width, n.width);
    if (!focused(el.widths) && (el.widths.getAttribute('aria-invalid') !== 'true' || moved)) {
      if (moved) showErr('widths', null);
      el.widths.value = n.widths ? n.widths.join(',') : '';
    }
    val(el.batch, n.batch);
    val(el.inputs, n.inputs);
    val(el.outputs, n.outputs);
    val(el.std, n.std);
    val(el.seed, n.seed);
    el.dist.value = n.dist;
    el.loss.value = n.loss;
    el.eps.value = String(Math.log10(s.eps));
    el.epsOut.textContent = String(s.eps);
    // Activation: the element-wise table functions, and Custom when there is one.
    const fns = cat.functions().filter(isNetActivation);
    const opts = fns.map((f) => [f.name, f.custom ? `Custom (${f.cls ? `class ${f.cls}` : 'custom'})` : `${f.module}.${f.name}`]);
    if (n.act.fn === 'Custom' && !fns.some((f) => f.name === 'Custom')) opts.push(['Custom', 'Custom']);
    const sig = JSON.stringify(opts);
    if (el.act.dataset.sig !== sig) { el.act.dataset.sig = sig; el.act.replaceChildren(...opts.map(([v, l]) => new Option(l, v))); }
    el.act.value = n.act.fn;
    params(el.actParams, labActSpec(cat.specs.get(n.act.fn)), n.act, 'act', s.lang);
    el.init.value = n.init.fn;
    params(el.initParams, initSpec(NET_INITS, n.init.fn, s.lang), n.init, 'init', s.lang);
    el.bias.value = n.bias.fn;
    params(el.biasParams, initSpec(NET_BIASES, n.bias.fn, s.lang), n.bias, 'bias', s.lang);
    // calculate_gain for this activation, and what the first Linear draws.
    const nl = nonlinearityOf(n.act);
    const [gainText, use] = [el.gain.firstChild, el.gain.querySelector('button')];
    gainText.textContent = nl ? t(s.lang, 'netGain', nl.nonlinearity, fmt(calculateGain(nl.nonlinearity, nl.param)), actLabel(n.act)) : t(s.lang, 'netGainNone', actLabel(n.act));
    const p = { ...Object.fromEntries((NET_INITS.find((i) => i.name === n.init.fn)?.params ?? []).map((q) => [q.name, q.default])), ...n.init.params };
    const applies = nl && (n.init.fn.startsWith('xavier') ? Math.abs(p.gain - calculateGain(nl.nonlinearity, nl.param)) > 1e-12
      : n.init.fn.startsWith('kaiming') ? p.nonlinearity !== nl.nonlinearity || (nl.param !== undefined && p.a !== nl.param) : false);
    use.hidden = !applies;
    const hidden = hiddenOf(n);
    const fanIn = n.inputs, fanOut = hidden[0];
    let d = null;
    try { d = initDraw(n.init, fanIn, fanOut); } catch (e) { d = { error: e.message }; }
    const what = !d ? '' : d.error ? d.error : d.dist === 'uniform' ? `W ~ U(${fmt(d.a ?? -d.bound)}, ${fmt(d.b ?? d.bound)})`
      : d.dist === 'normal' ? `W ~ N(${fmt(d.mean ?? 0)}, ${fmt(d.std)}²)` : 'W = 0';
    el.draw.textContent = t(s.lang, 'netDraw', `nn.Linear(${fanIn}, ${fanOut})`, `${what}${d?.formula ? ` — ${d.formula}` : ''}${d?.gain !== undefined ? `, gain ${fmt(d.gain)}` : ''}`);
    // Pinning: four configs at most, and not the same one twice.
    const full = s.netCmp.length >= MAX_NET_CMP;
    const same = s.netCmp.some((c) => JSON.stringify(configKey(c)) === JSON.stringify(configKey(n)));
    el.pin.disabled = full || same;
    el.pinWhy.hidden = !full && !same;
    el.pinWhy.textContent = full ? t(s.lang, 'netPinFull') : same ? t(s.lang, 'netPinSame') : '';
    el.clear.disabled = !s.netCmp.length;
    // The preset this view is, and its explanation.
    const pr = presetOf(s);
    for (const b of el.presets.children) b.setAttribute('aria-pressed', String(b.dataset.preset === pr?.id));
    el.presetText.hidden = !pr;
    el.presetText.textContent = pr ? t(s.lang, `preset_${pr.id}_text`) : '';
  }
  const initSpec = (table, name, lang) => {
    const spec = table.find((i) => i.name === name);
    if (!spec) return null;
    const doc = (p) => t(lang, `initdoc_${p.name === 'a' ? (name === 'uniform_' ? 'a_uniform' : 'a_kaiming') : p.name}`);
    return { name, params: spec.params.map((p) => ({ ...p, doc: doc(p) })) };
  };
  // Parameter controls (the playground's), committed through the link's checks.
  const params = (root, spec, item, key, lang) =>
    paramControls(root, spec, item.params, lang, (name, v) => commitItem(key, store.get().net[key], name, v));


  // What was last drawn, by signature: a render redraws only what its inputs changed.
  const sigs = { lang: '', draw: '', code: '' };
  return {
    render(s) {
      S = s;
      if (sigs.lang !== s.lang) { sigs.lang = s.lang; applyI18n(root, s.lang); }
      if (!embed) syncInputs(s);
      if (!fatal) request(s);
      const drawSig = JSON.stringify([shown?.sig, s.lang, document.documentElement.dataset.theme]);
      if (shown && drawSig !== sigs.draw) { sigs.draw = drawSig; drawAll(s); } else if (shown) renderConfigs(s, palette());
      const codeSig = JSON.stringify([s.net, s.netCmp, s.eps, s.lang, s.expr, s.cls, cat.generation]);
      if (!embed && codeSig !== sigs.code) {
        sigs.code = codeSig;
        const nets = [s.net, ...s.netCmp];
        el.code.textContent = pythonCode(nets, { acts: nets.map((n) => moduleCode(cat.specs.get(n.act.fn), n.act)), eps: s.eps, labels: configLabels(nets) });
      }
    },
    pending: () => runner.busy || validating > 0 || stripsPending,
    /** Charts, for tests: [{ id, uplot }]. */
    charts: () => charts.map((c) => ({ id: c.id, uplot: c.plot.uplot })),
    /** Runs sent to the worker so far (tests). */
    runs: () => runner.sent,
  };
}
