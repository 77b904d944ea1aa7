// The playground: state -> curves (wasm kernels, cached) -> uPlot. Everything on screen is read
// from the store; controls only write to it. DOM text is set with textContent, never as HTML.
import './style.css';
import { loadActlab } from './lib/actlab.js';
import { createStore } from './ui/store.js';
import { createCodec } from './lib/state.js';
import { formatParseError } from './lib/caret.js';
import { CUSTOM, EXAMPLES, compileCustom, withCustom, decodeLink, customModule, linkHasExpr } from './ui/custom.js';
import { Sampler } from './ui/sample.js';
import { MainPlot, palette, num, effectiveTheme, systemDark } from './ui/plot.js';
import { buildControls, syncControls, py } from './ui/controls.js';
import { tex, pytorchCode, renderNote } from './ui/learn.js';
import { buildGallery } from './ui/gallery.js';
import { curvesFor, paramsOf, compOf, labelOf } from './ui/curves.js';
import { t, applyI18n } from './ui/i18n.js';
import { LANGUAGES, preferredLanguage } from './lib/languages.js';

const $ = (id) => document.getElementById(id);
performance.mark('actlab:start');
// The build with the expression engine only when the link has a custom expression; otherwise
// it loads the first time one is typed (upgradeLab), keeping the first download small.
let lab = await loadActlab({ expr: linkHasExpr(location.hash.slice(1)) });
performance.mark('actlab:wasm-ready');
const specs = new Map(lab.functions.map((f) => [f.name, f]));
const N = 2000;
let sampler = new Sampler(lab, N);
let upgrading = null;
/** Swap in the build with the expression engine (same table, so specs and state stay valid). */
function upgradeLab() {
  upgrading ??= loadActlab({ expr: true }).then((full) => {
    lab = full;
    sampler = new Sampler(lab, N);
    lastGood.clear();
    galleryBuilt = false;
    compiledSource = null;  // compile again in the new module
  });
  return upgrading;
}
// The URL schema owns the defaults; the store starts from the link (invalid parts dropped). A
// custom expression in the link is compiled first, so `fn=Custom` and its parameters validate.
const DEFAULTS = { lang: preferredLanguage(navigator.language) };
let codec;
let customSpec = null;
function useCustom(spec) {
  customSpec = spec;
  if (spec) specs.set(CUSTOM, spec);
  else specs.delete(CUSTOM);
  codec = createCodec(withCustom(lab, spec), { defaults: DEFAULTS, limits: lab.limits });
}
const fromHash = () => {
  const r = decodeLink(lab, location.hash.slice(1), DEFAULTS);
  useCustom(r.custom.spec ?? (r.custom.error ? customSpec : null));
  return r;
};
const first = fromHash();
const X_DEFAULT = codec.defaults.x;
// Texts the link could not hold come back from this browser's storage on a reload of the same link.
const DRAFT_HASH = 'actlab:draft-hash', DRAFT_TEXTS = 'actlab:draft-texts';
const TEXT_KEYS = ['expr', 'tensor', 'grad'];
function readDraft() {
  try {
    if (localStorage.getItem(DRAFT_HASH) !== location.hash.slice(1)) return {};
    const d = JSON.parse(localStorage.getItem(DRAFT_TEXTS));
    return Object.fromEntries(TEXT_KEYS.filter((k) => typeof d?.[k] === 'string' || (k === 'grad' && d?.[k] === null)).map((k) => [k, d[k]]));
  } catch {
    return {};  // storage unavailable (sandboxed, private mode) or not ours
  }
}
const store = createStore({ ...first.state, ...readDraft(), params: { ...first.state.params } });


// ---- function list (grouped by the table's family, in table order) ----
const familyLabel = (f) => t(store.get().lang, `family_${f}`);
function buildList() {
  const s = store.get();
  const root = $('fnlist');
  root.replaceChildren();
  const q = s.query.trim().toLowerCase();
  const groups = new Map();
  for (const f of withCustom(lab, customSpec)) {
    if (q && !f.name.toLowerCase().includes(q) && !familyLabel(f.family).toLowerCase().includes(q)) continue;
    if (!groups.has(f.family)) groups.set(f.family, []);
    groups.get(f.family).push(f);
  }
  if (!groups.size) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = t(s.lang, 'noMatch');
    root.append(p);
  }
  for (const [fam, fns] of groups) {
    const h = document.createElement('h3');
    h.textContent = familyLabel(fam);
    const ul = document.createElement('ul');
    for (const f of fns) {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = f.name;
      b.dataset.fn = f.name;
      if (f.name === s.fn) b.setAttribute('aria-current', 'true');
      b.addEventListener('click', () => store.set({ fn: f.name, view: store.get().view === 'gallery' ? 'plot' : store.get().view }));
      li.append(b);
      ul.append(li);
    }
    root.append(h, ul);
  }
}

// ---- the main plot ----
const plot = new MainPlot($('plot'), {
  shade: false,
  onZoom: (xr, yr) => store.set({ ...(xr ? { x: xr.map((v) => +v.toPrecision(4)) } : {}), ...(yr ? { y: yr.map((v) => +v.toPrecision(4)) } : {}) }),
  onReset: () => store.set({ x: X_DEFAULT, y: null }),
});

const lastGood = new Map();  // slot -> last valid curve (shown while a parameter is invalid)
function renderPlot(s) {
  const { curves, error } = curvesFor(s, specs, sampler, palette(), lastGood);
  plot.update(curves, { show: s.show, xr: s.x, yr: s.y, shade: s.shade });
  $('plot-error').hidden = !error;
  $('plot-error').textContent = error;
  $('plot').setAttribute('aria-label', `${curves.map((c) => c.label).join(', ')}: f(x) and f′(x) for x in [${s.x.join(', ')}]`);
  renderKinks(s, curves[0]);
}

function renderKinks(s, c) {
  const root = $('kinks');
  root.replaceChildren();
  const spec = specs.get(s.fn);
  if (spec.dimwise || spec.halves || spec.custom) return;  // custom: kinks are not derived (yet)
  const h = document.createElement('h4');
  h.textContent = c.curve.kinks.length ? t(s.lang, 'kinks') : t(s.lang, 'noKinks');
  root.append(h);
  if (!c.curve.kinks.length) return;
  const ul = document.createElement('ul');
  for (const k of c.curve.kinks) {
    const li = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = `${spec.name}′(${num(k.x)}) = ${num(k.df)}`;
    li.append(code, ` — f(${num(k.x)}) = ${num(k.f)}`);
    ul.append(li);
  }
  root.append(ul);
}

// ---- parameter controls, vector for dim-wise functions ----
function renderControls(s) {
  const spec = specs.get(s.fn);
  buildControls($('params'), spec, paramsOf(s, s.fn), s.lang, (name, value) => {
    const cur = store.get();
    store.set({ params: { ...cur.params, [cur.fn]: { ...paramsOf(cur, cur.fn), [name]: value } } });
  });
  const dimwise = spec.dimwise || spec.halves;
  $('vector-box').hidden = !dimwise;
  if (dimwise) {
    $('vector-label').textContent = t(s.lang, spec.halves ? 'vectorGate' : 'vector');
    $('vector-hint').textContent = t(s.lang, spec.halves ? 'vectorHintGate' : 'vectorHintSoftmax');
  }
}

function renderVector(s) {
  const v = $('vector');
  if (document.activeElement !== v) v.value = s.vec.join(', ');
  const sel = $('comp');
  const comp = compOf(s);
  if (sel.options.length !== s.vec.length) sel.replaceChildren(...s.vec.map((_, i) => new Option(String(i), String(i))));
  sel.value = String(comp);
}

$('vector').addEventListener('input', () => {
  const parts = $('vector').value.split(/[\s,]+/).filter(Boolean);
  const vals = parts.map(Number);
  const ok = parts.length >= 1 && parts.length <= 16 && vals.every(Number.isFinite);
  $('vector-error').hidden = ok;
  $('vector-error').textContent = ok ? '' : t(store.get().lang, 'vectorError');
  if (ok) store.set({ vec: vals });
});
$('comp').addEventListener('input', () => store.set({ comp: +$('comp').value }));

// ---- custom activation: compile on input; the link carries the source ----
for (const ex of EXAMPLES) $('expr-examples').append(new Option(ex.replace(/\n/g, '; '), ex));
$('expr-examples').addEventListener('input', () => {
  if (!$('expr-examples').value) return;
  $('expr').value = $('expr-examples').value;
  $('expr-examples').value = '';
  store.set({ expr: $('expr').value, fn: CUSTOM });
});
let exprTimer = 0;
$('expr').addEventListener('input', () => {
  clearTimeout(exprTimer);
  exprTimer = setTimeout(() => { exprTimer = 0; store.set({ expr: $('expr').value }); }, 120);
});
$('expr-plot').addEventListener('click', () => { if (customSpec) store.set({ fn: CUSTOM, view: store.get().view === 'gallery' ? 'plot' : store.get().view }); });
let compiledSource = first.state.expr;
let exprError = first.custom.error ? first.custom : null;
// Compile a changed source; on error the last good function stays and the message shows a caret.
function syncCustom(s) {
  if (s.expr && !lab.hasExpr) {
    track(upgradeLab().then(() => render(store.get(), new Set(['expr', 'fn']))));
    return;
  }
  if (s.expr !== compiledSource) {
    compiledSource = s.expr;
    const r = compileCustom(lab, s.expr);
    exprError = r.error ? r : null;
    if (!r.error) {
      useCustom(r.spec);
      if (!r.spec && (s.fn === CUSTOM || s.overlays.some((o) => o.fn === CUSTOM))) {
        store.set({ fn: s.fn === CUSTOM ? codec.defaults.fn : s.fn, overlays: s.overlays.filter((o) => o.fn !== CUSTOM) });
      }
    }
  }
  const box = $('expr');
  if (document.activeElement !== box && box.value !== s.expr) box.value = s.expr;
  box.setAttribute('aria-invalid', String(!!exprError));
  $('expr-error').hidden = !exprError;
  // Errors without a position (evaluation limits) are shown as they are.
  $('expr-error').textContent = !exprError ? '' : exprError.pos >= 0 ? formatParseError(s.expr, { message: exprError.error, pos: exprError.pos }) : exprError.error;
  $('expr-plot').disabled = !customSpec;
}

// ---- Learn ----
function renderLearn(s, changed) {
  const spec = specs.get(s.fn);
  if (spec.custom) {
    // No formula to typeset: the source is the definition; the derivative is autodiff's.
    $('latex').textContent = spec.source;
    $('dlatex').textContent = 'forward-mode automatic differentiation of the expression (torch.autograd semantics)';
    $('range').textContent = '—';
    $('note').replaceChildren();
    $('code').textContent = `${customModule(spec, paramsOf(s, s.fn))}\n\nf = Custom()\nx = torch.linspace(${py(s.x[0])}, ${py(s.x[1])}, ${N}).requires_grad_()\ny = f(x)\ndy, = torch.autograd.grad(y, x, torch.ones_like(y))   # f'(x)`;
    return;
  }
  if (changed.has('fn') || changed.has('lang') || changed.has('init') || changed.has('expr')) {
    tex($('latex'), spec.latex);
    tex($('dlatex'), spec.dlatex);
    tex($('range'), spec.range);
    renderNote($('note'), spec.name, s.lang);
  }
  $('code').textContent = pytorchCode(spec, paramsOf(s, s.fn), { x: s.x, vec: s.vec, comp: compOf(s), n: N });
}
$('copy-code').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('code').textContent);
    $('copy-code').textContent = t(store.get().lang, 'copied');
    setTimeout(() => ($('copy-code').textContent = t(store.get().lang, 'copy')), 1500);
  } catch { /* clipboard unavailable (insecure context): the code stays selectable */ }
});

// ---- compare ----
function renderOverlays(s) {
  const ul = $('overlays');
  ul.replaceChildren();
  const colors = palette();
  s.overlays.forEach((o, i) => {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = colors[(i + 1) % colors.length];
    const name = document.createElement('button');
    name.type = 'button';
    name.className = 'linkish';
    name.textContent = labelOf(specs.get(o.fn), o.params);
    name.title = t(s.lang, 'edit');
    name.addEventListener('click', () => {
      const cur = store.get();
      store.set({ fn: o.fn, params: { ...cur.params, [o.fn]: { ...o.params } }, overlays: cur.overlays.filter((_, j) => j !== i) });
    });
    const rm = document.createElement('button');
    rm.type = 'button';
    rm.className = 'remove';
    rm.textContent = '×';
    rm.setAttribute('aria-label', `${t(s.lang, 'remove')} ${name.textContent}`);
    rm.addEventListener('click', () => store.set({ overlays: store.get().overlays.filter((_, j) => j !== i) }));
    li.append(sw, name, rm);
    ul.append(li);
  });
  $('clear-compare').disabled = !s.overlays.length;
}
$('pin').addEventListener('click', () => {
  const s = store.get();
  if (s.overlays.length >= 5) return;
  store.set({ overlays: [...s.overlays, { fn: s.fn, params: { ...paramsOf(s, s.fn) } }] });
});
$('clear-compare').addEventListener('click', () => store.set({ overlays: [] }));

// ---- view controls ----
for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => store.set({ view: b.dataset.view }));
$('search').addEventListener('input', () => store.set({ query: $('search').value }));
$('search').addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  const first = $('fnlist').querySelector('button');
  if (first) store.set({ fn: first.dataset.fn, view: 'plot' });
});
for (const [code, { name }] of Object.entries(LANGUAGES)) $('lang').append(new Option(name, code));
$('lang').addEventListener('input', () => store.set({ lang: $('lang').value }));
$('show-f').addEventListener('input', () => store.set({ show: { ...store.get().show, f: $('show-f').checked } }));
$('show-df').addEventListener('input', () => store.set({ show: { ...store.get().show, df: $('show-df').checked } }));
$('shade').addEventListener('input', () => store.set({ shade: $('shade').checked }));
const rangeInput = (a, b, key) => {
  const lo = +$(a).value, hi = +$(b).value;
  if ($(a).value !== '' && $(b).value !== '' && Number.isFinite(lo) && Number.isFinite(hi) && lo < hi && hi - lo >= 1e-6 && Math.max(-lo, hi) <= 1e6) {
    $(a).removeAttribute('aria-invalid');
    $(b).removeAttribute('aria-invalid');
    store.set({ [key]: [lo, hi] });
  } else {
    $(a).setAttribute('aria-invalid', 'true');
    $(b).setAttribute('aria-invalid', 'true');
  }
};
for (const id of ['x-lo', 'x-hi']) $(id).addEventListener('input', () => rangeInput('x-lo', 'x-hi', 'x'));
for (const id of ['y-lo', 'y-hi']) $(id).addEventListener('input', () => { $('y-auto').checked = false; rangeInput('y-lo', 'y-hi', 'y'); });
$('y-auto').addEventListener('input', () => {
  if ($('y-auto').checked) store.set({ y: null });
  else rangeInput('y-lo', 'y-hi', 'y');
});
$('reset-view').addEventListener('click', () => store.set({ x: X_DEFAULT, y: null }));
$('reset-params').addEventListener('click', () => {
  const s = store.get();
  const params = { ...s.params };
  delete params[s.fn];
  store.set({ params, vec: codec.defaults.vec, comp: null });
  renderControls(store.get());
});

function renderRanges(s) {
  const set = (id, v) => { if (document.activeElement !== $(id)) $(id).value = String(v); };
  set('x-lo', s.x[0]);
  set('x-hi', s.x[1]);
  $('y-auto').checked = s.y == null;
  // Auto y: show the range uPlot chose, so switching auto off starts from what is on screen.
  const [ylo, yhi] = s.y ?? (plot.yShown ?? ['', '']).map((v) => +(+v).toPrecision(3));
  set('y-lo', ylo);
  set('y-hi', yhi);
  $('show-f').checked = s.show.f;
  $('show-df').checked = s.show.df;
  $('shade').checked = s.shade;
}

// ---- tensor console ----
// The parse of the typed text is cached: changing the function, a parameter or dim re-evaluates
// without re-parsing (a 1000 x 1000 tensor's text is ~8 MB).
const parsed = { text: null, r: null, gtext: null, g: null };
// The console code (parser, formatter) is not needed for the first curve: it loads after it.
let consoleMod = null;
const loadConsole = () => (consoleMod ??= import('./ui/console.js'));
async function renderConsole() {
  const { readTensorAsync, evaluate, dimOptions, pythonLine, drawGroups, WORKER_MIN_CHARS } = await loadConsole();
  let s = store.get();
  // Parse what changed (big texts in a worker); a newer text arriving meanwhile wins.
  if (parsed.text !== s.tensor) {
    const text = s.tensor;
    $('console-busy').hidden = text.length < WORKER_MIN_CHARS;
    const r = await readTensorAsync(text);
    $('console-busy').hidden = true;
    if (store.get().tensor !== text) return;
    parsed.r = r;
    parsed.text = text;
  }
  if (s.grad != null && parsed.gtext !== s.grad) {
    const text = s.grad;
    const r = await readTensorAsync(text);
    if (store.get().grad !== text) return;
    parsed.g = r;
    parsed.gtext = text;
  }
  s = store.get();
  if (parsed.text !== s.tensor || (s.grad != null && parsed.gtext !== s.grad)) return;  // a newer render follows
  const spec = specs.get(s.fn);
  const box = $('tensor-input');
  if (document.activeElement !== box && box.value !== s.tensor) box.value = s.tensor;
  $('grad-custom').checked = s.grad != null;
  $('grad-input').hidden = s.grad == null;
  if (s.grad != null && document.activeElement !== $('grad-input')) $('grad-input').value = s.grad;
  const { tensor, error } = parsed.r;
  const params = paramsOf(s, s.fn);
  // dim selector: every valid dim of the typed tensor, with its negative alias.
  const dims = tensor ? dimOptions(spec, tensor.shape.length) : [];
  $('dim-wrap').hidden = !dims.length;
  if (dims.length) {
    const sel = $('dim');
    const cur = params.dim === undefined ? spec.params.find((q) => q.kind === 'dim').default : params.dim;
    const curV = cur === null ? 'None' : String(cur);
    const opts = dims.map((o) => new Option(o.label, o.value));
    // A stored dim (from another tensor or a link) that is now out of range stays visible.
    const nd = tensor.shape.length;
    if (!dims.some((o) => o.value === curV || (cur !== null && String(cur + Math.max(nd, 1)) === o.value))) opts.push(new Option(`${curV} (out of range)`, curV));
    sel.replaceChildren(...opts);
    sel.value = cur !== null && cur < 0 && dims.some((o) => o.value === String(cur + Math.max(nd, 1))) ? String(cur + Math.max(nd, 1)) : curV;
  }
  let err = error ?? null;
  let r = null;
  if (!err && s.grad != null && parsed.g.error) err = `grad_output: ${parsed.g.error}`;
  if (!err) {
    try {
      r = evaluate(lab, spec, params, tensor, s.grad != null ? parsed.g.tensor : null);
    } catch (e) {
      err = e.message;
    }
  }
  $('console-error').hidden = !err;
  $('console-error').textContent = err ?? '';
  box.setAttribute('aria-invalid', String(!!error));
  $('console-note').hidden = !r?.note.length;
  $('console-note').textContent = r?.note.length ? t(s.lang, 'floatNote') : '';
  $('out-line').textContent = pythonLine(spec, params);
  if (r) {
    // On error the last good output stays, under the message.
    $('out-input').textContent = r.input;
    $('out-output').textContent = r.output;
    $('out-grad').textContent = r.grad;
    drawGroups($('groups'), spec, params, r, s.lang);
  } else if (!$('out-input').textContent) {
    $('groups').replaceChildren();
  }
}
let typing = 0;
$('tensor-input').addEventListener('input', () => {
  clearTimeout(typing);
  const v = $('tensor-input').value;
  // Short texts evaluate at once; long pastes wait for a pause in typing.
  typing = setTimeout(() => { typing = 0; store.set({ tensor: v }); }, v.length > 20000 ? 250 : 0);
});
$('grad-custom').addEventListener('input', () => {
  const s = store.get();
  store.set({ grad: $('grad-custom').checked ? ($('grad-input').value || s.tensor) : null });
});
$('grad-input').addEventListener('input', () => store.set({ grad: $('grad-input').value }));
$('dim').addEventListener('input', () => {
  const s = store.get();
  const v = $('dim').value === 'None' ? null : +$('dim').value;
  store.set({ params: { ...s.params, [s.fn]: { ...paramsOf(s, s.fn), dim: v } } });
});

// ---- gallery (built on first visit) ----
let galleryBuilt = false;
function renderView(s) {
  // The console view is the plot view with the console first under the plot.
  $('view-plot').hidden = s.view === 'gallery';
  document.body.classList.toggle('view-console', s.view === 'console');
  $('view-gallery').hidden = s.view !== 'gallery';
  for (const b of document.querySelectorAll('.tab')) b.setAttribute('aria-pressed', String(b.dataset.view === s.view));
  if (s.view === 'gallery' && !galleryBuilt) {
    galleryBuilt = true;
    buildGallery($('gallery'), withCustom(lab, customSpec), new Sampler(lab, 200), familyLabel, (fn) => store.set({ fn, view: 'plot' }));
  }
}

// ---- one render pass per flushed batch of changes ----
let consoleQueued = false;
// Whether a render pass must redo a piece that depends on these state keys.
const anyOf = (changed) => (...keys) => changed.has('init') || keys.some((k) => changed.has(k));
function render(s, changed) {
  const any = anyOf(changed);
  if (any('expr')) syncCustom(s);
  if (!specs.has(s.fn)) return;  // fn=Custom while its source does not compile: syncCustom fixes fn
  if (any('theme')) applyTheme(s);
  if (any('lang')) {
    applyI18n(document.body, s.lang);
    document.title = t(s.lang, 'title');
    $('lang').value = s.lang;
    $('build').textContent = t(s.lang, 'build', lab.simd);
  }
  if (changed.has('expr')) galleryBuilt = false;
  if (any('view', 'theme', 'themeTick', 'expr')) renderView(s);
  // The curve first: it is what the user came for.
  if (any('fn', 'params', 'overlays', 'x', 'y', 'show', 'shade', 'vec', 'comp', 'theme', 'themeTick', 'view', 'expr') && s.view !== 'gallery') renderPlot(s);
  if (any('fn', 'lang') || (changed.has('expr') && s.fn === CUSTOM)) {
    const spec = specs.get(s.fn);
    $('fn-title').textContent = spec.name;
    $('fn-module').textContent = spec.custom ? 'custom expression' : `${spec.module}.${spec.name}`;
  }
  // On the first render everything else (the list, the controls under the plot, the console,
  // Learn) is built right after the first paint, so the curve is on screen one layout sooner.
  // Changes before then need no pass of their own: that pass reads the latest state.
  if (changed.has('init')) {
    requestAnimationFrame(() => setTimeout(() => {
      document.documentElement.classList.remove('booting');
      renderRest(store.get(), changed);
      uiReady = true;
      performance.mark('actlab:ui-ready');
    }));
  } else if (uiReady) renderRest(s, changed);
}
let uiReady = false;
// Work in flight that idle() waits for.
const inFlight = new Set();
function track(p) {
  inFlight.add(p);
  const done = () => inFlight.delete(p);
  p.then(done, done);
  return p;
}
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
const busy = () => !uiReady || exprTimer || typing || consoleQueued || urlTimer || inFlight.size > 0;
async function idle() {
  // Two quiet checks a frame apart: a render may queue work that queues more.
  for (let quiet = 0; quiet < 2;) {
    store.flush();
    if (busy()) {
      quiet = 0;
      await (inFlight.size ? Promise.allSettled([...inFlight]) : frame());
    } else {
      quiet++;
      await frame();
    }
  }
}
function renderRest(s, changed) {
  const any = anyOf(changed);
  if (!specs.has(s.fn)) return;
  if (any('fn', 'query', 'lang', 'expr')) buildList();
  if (any('fn', 'lang') || (changed.has('expr') && s.fn === CUSTOM)) renderControls(s);
  else if (changed.has('params')) syncControls($('params'), specs.get(s.fn), paramsOf(s, s.fn));
  if (any('overlays', 'lang', 'theme')) renderOverlays(s);
  if (any('vec', 'comp', 'fn')) renderVector(s);
  if (any('x', 'y', 'show', 'shade', 'fn', 'params', 'vec', 'comp', 'overlays')) renderRanges(s);
  if (any('fn', 'params', 'tensor', 'grad', 'lang', 'view', 'expr') && s.view !== 'gallery') {
    // Off the plot's critical path: a slider drag redraws the curve this frame and the console
    // (a tensor evaluation, prints, a heatmap) right after, once per burst.
    if (!consoleQueued) {
      consoleQueued = true;
      setTimeout(() => { consoleQueued = false; track(renderConsole()); });
    }
  }
  if (any('fn', 'lang', 'params', 'x', 'vec', 'comp', 'expr')) {
    // Below the fold: on the first render the Learn panel (KaTeX, notes) comes last.
    if (changed.has('init')) track(new Promise((r) => setTimeout(() => r(renderLearn(store.get(), changed)))));
    else renderLearn(s, changed);
  }
}
// ---- URL: every state change is written to the hash; back/forward and edited links read it ----
let lastPush = -Infinity;
let applyingUrl = false;
let urlTimer = 0;
let lastUrlWrite = -Infinity;
function writeUrl() {
  urlTimer = 0;
  const s = store.get();
  const { hash: h, leftOut } = codec.encodeReport(s);
  renderLinkStatus(s, leftOut);
  if (h === location.hash.slice(1)) return saveDraft(s, h, leftOut);
  saveDraft(s, h, leftOut);
  const url = `${location.pathname}${location.search}${h ? `#${h}` : ''}`;
  // A drag or a typing burst is one history entry: within 600 ms the entry is replaced.
  const now = performance.now();
  if (applyingUrl || now - lastPush < 600) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  lastPush = now;
  lastUrlWrite = now;
}
store.subscribe(() => {
  // History calls cost ~1 ms: during a drag the URL follows at most every 200 ms (and at the end).
  if (applyingUrl) return writeUrl();
  if (performance.now() - lastUrlWrite > 200) writeUrl();
  else if (!urlTimer) urlTimer = setTimeout(writeUrl, 200);
});
// What the link leaves out is said next to Copy link, with a download, and kept in storage.
let draftTexts = null;
let draftSaved = true;
function saveDraft(s, h, leftOut) {
  try {
    if (!leftOut.some((o) => TEXT_KEYS.includes(o.key))) {
      if (draftTexts !== null) { localStorage.removeItem(DRAFT_HASH); localStorage.removeItem(DRAFT_TEXTS); }
      draftTexts = null;
      draftSaved = true;
      return;
    }
    const texts = JSON.stringify(Object.fromEntries(TEXT_KEYS.map((k) => [k, s[k]])));
    if (texts !== draftTexts) localStorage.setItem(DRAFT_TEXTS, texts);
    draftTexts = texts;
    localStorage.setItem(DRAFT_HASH, h);
    draftSaved = true;
  } catch {
    draftSaved = false;  // over the storage quota, or no storage
  }
}
function renderLinkStatus(s, leftOut) {
  const box = $('link-status');
  box.hidden = !leftOut.length;
  if (!leftOut.length) return;
  $('link-status-title').textContent = t(s.lang, draftSaved ? 'leftOutTitle' : 'leftOutUnsaved');
  $('link-status-list').replaceChildren(...leftOut.map(({ key, why }) => {
    const li = document.createElement('li');
    li.dataset.key = key;
    li.append(`${TEXT_KEYS.includes(key) ? t(s.lang, `field_${key}`) : key}: ${why} `);
    if (TEXT_KEYS.includes(key) && s[key] != null) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'linkish';
      b.textContent = t(s.lang, 'download');
      const [name, type] = key === 'expr' ? ['custom_activation.py', 'text/x-python'] : [`${key}.txt`, 'text/plain'];
      b.addEventListener('click', async () => (await import('./ui/export.js')).download(name, store.get()[key] ?? '', type));
      li.append(b);
    }
    return li;
  }));
}
// Leaving or reloading: the newest text is in the link or in storage, even mid-debounce.
addEventListener('pagehide', () => {
  const patch = {};
  if (exprTimer) { clearTimeout(exprTimer); exprTimer = 0; patch.expr = $('expr').value; }
  if (typing) { clearTimeout(typing); typing = 0; patch.tensor = $('tensor-input').value; }
  store.set(patch, { now: true });
  writeUrl();
});

async function applyHash() {
  if (linkHasExpr(location.hash.slice(1)) && !lab.hasExpr) await upgradeLab();
  const { state, notices } = fromHash();
  const cur = store.get();
  const params = { ...cur.params };
  if (state.params[state.fn]) params[state.fn] = state.params[state.fn];
  else delete params[state.fn];
  applyingUrl = true;
  store.set({ ...state, params, query: cur.query }, { now: true });
  applyingUrl = false;
  showNotices(notices);
}
addEventListener('popstate', applyHash);
addEventListener('hashchange', () => { if (codec.encode(store.get()) !== location.hash.slice(1)) applyHash(); });

function showNotices(notices) {
  const box = $('notice');
  $('notice-list').replaceChildren(...notices.map((n) => { const li = document.createElement('li'); li.textContent = n; return li; }));
  box.hidden = !notices.length;
}
$('notice-close').addEventListener('click', () => ($('notice').hidden = true));

$('copy-link').addEventListener('click', async () => {
  const link = location.href;
  try {
    await navigator.clipboard.writeText(link);
    $('copy-link').textContent = t(store.get().lang, 'copied');
  } catch {
    showNotices([`${t(store.get().lang, 'copyManually')} ${link}`]);
  }
  setTimeout(() => ($('copy-link').textContent = t(store.get().lang, 'copyLink')), 1500);
});

// ---- export: PNG, SVG, CSV of what the plot shows ----
const exportName = () => {
  const s = store.get();
  return [s.fn, ...s.overlays.map((o) => o.fn)].join('-');
};
const exportTitle = () => plot.uplot.series.filter((x, i) => i > 0 && i % 2 === 1).map((x) => x.label).join(' · ');
$('export-png').addEventListener('click', async () => {
  const { toPNG, download } = await import('./ui/export.js');
  download(`${exportName()}.png`, await toPNG(plot.uplot, exportTitle(), plot.seriesColors));
});
$('export-svg').addEventListener('click', async () => {
  const { toSVG, download } = await import('./ui/export.js');
  download(`${exportName()}.svg`, toSVG(plot.uplot, exportTitle(), plot.seriesColors), 'image/svg+xml');
});
$('export-csv').addEventListener('click', async () => {
  const { toCSV, download } = await import('./ui/export.js');
  download(`${exportName()}.csv`, toCSV(plot.uplot), 'text/csv');
});

// ---- embed code: a sandboxed iframe of embed.html with this state, plus a height listener ----
const attr = (v) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
function embedSnippet() {
  const src = new URL(`embed.html#${codec.encode(store.get())}`, location.href).href;
  const title = `actlab: ${plot.uplot.series.filter((x, i) => i % 2 === 1).map((x) => x.label).join(', ')}`;
  return `<iframe src="${attr(src)}" title="${attr(title)}" sandbox="allow-scripts" loading="lazy" style="width:100%;height:440px;border:0"></iframe>\n` +
    "<script>addEventListener('message',e=>{if(e.data&&e.data.type==='actlab:height')for(const f of document.querySelectorAll('iframe'))if(f.contentWindow===e.source)f.style.height=e.data.height+'px'})</script>";
}
$('copy-embed').addEventListener('click', async () => {
  const code = embedSnippet();
  $('embed-code').value = code;
  $('embed-box').hidden = false;
  $('embed-code').select();
  try {
    await navigator.clipboard.writeText(code);
    $('copy-embed').textContent = t(store.get().lang, 'copied');
    setTimeout(() => ($('copy-embed').textContent = t(store.get().lang, 'copyEmbed')), 1500);
  } catch { /* the selected text box is the fallback */ }
});
$('embed-close').addEventListener('click', () => ($('embed-box').hidden = true));

// ---- theme: system / light / dark ----
function applyTheme(s) {
  const eff = effectiveTheme(s.theme);
  if (document.documentElement.dataset.theme !== eff) {
    document.documentElement.dataset.theme = eff;
    galleryBuilt = false;
    plotTheme++;
  }
  $('theme').value = s.theme;
}
let plotTheme = 0;
systemDark.addEventListener('change', () => { applyTheme(store.get()); store.set({ themeTick: plotTheme }); renderView(store.get()); });
$('theme').addEventListener('input', () => store.set({ theme: $('theme').value }));

store.subscribe(render);
render(store.get(), new Set(['init']));
showNotices(first.notices);
renderLinkStatus(store.get(), codec.encodeReport(store.get()).leftOut);
performance.mark('actlab:first-render');

// For tests and benchmarks: the live objects (read-only use), and idle(): resolves once every
// queued change has been rendered (debounced input, console, compile, engine load, URL write).
window.actlab = { get lab() { return lab; }, store, plot, get sampler() { return sampler; }, py, loadConsole, get codec() { return codec; }, idle };
