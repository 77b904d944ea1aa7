// embed.html#<state>: the plot of a share link (its console output when view=console, the depth
// lab's through-depth charts instead of the plot when view=network, the training lab's maps and
// curves when view=train, playing at once with tplay=true), for tutorial pages. Works inside <iframe sandbox="allow-scripts">: no storage, no same-origin
// access; it tells the parent its height with postMessage so the frame can fit its content.
import './style.css';
import { loadActlab } from './lib/actlab.js';
import { preferredLanguage } from './lib/languages.js';
import { decodeLink, CUSTOM, linkHasExpr } from './ui/custom.js';
import { Sampler } from './ui/sample.js';
import { effectiveTheme } from './ui/plot.js';
import { PlotPanel } from './ui/chart.js';
import { paramsOf } from './ui/curves.js';
import { applyI18n, t } from './ui/i18n.js';

const $ = (id) => document.getElementById(id);
// The expression engine's build only when the link has a custom expression.
const lab = await loadActlab({ expr: linkHasExpr(location.hash.slice(1)) });
const specs = new Map(lab.functions.map((f) => [f.name, f]));
const DEFAULTS = { lang: preferredLanguage(navigator.language) };
const sampler = new Sampler(lab, 1000);
let state, base;

const plot = new PlotPanel({ plot: $('plot'), title: $('embed-title'), error: $('plot-error') }, {
  onZoom: (xr, yr) => { state = { ...state, x: xr ?? state.x, y: yr ?? state.y }; plot.draw(state, { specs, sampler }); },
  onReset: () => { state = { ...state, x: base.x, y: base.y }; plot.draw(state, { specs, sampler }); },
});

async function drawConsole() {
  const box = $('embed-console');
  box.hidden = state.view !== 'console';
  if (box.hidden) return;
  const c = await import('./ui/console.js');
  const spec = specs.get(state.fn);
  const params = paramsOf(state, state.fn);
  $('out-line').textContent = c.pythonLine(spec, params);
  const { tensor, error } = c.readTensor(state.tensor);
  const g = state.grad != null ? c.readTensor(state.grad) : null;
  try {
    if (error || g?.error) throw new Error(error ?? g.error);
    const r = c.evaluate(lab, spec, params, tensor, g?.tensor ?? null);
    $('out-input').textContent = r.input;
    $('out-output').textContent = r.output;
    $('out-grad').textContent = r.grad;
    c.drawGroups($('groups'), spec, params, r, state.lang);
  } catch (e) {
    $('out-output').textContent = e.message;
  }
}

// The depth lab: its panel without controls, loaded only for view=network.
let network = null;
async function drawNetwork(custom) {
  const box = $('embed-network');
  box.hidden = state.view !== 'network';
  $('plot').hidden = !box.hidden;
  if (box.hidden) return;
  const { mountNetwork } = await import('./ui/network-panel.js');
  network ??= mountNetwork(box, { cat: { specs, custom } }, { embed: true });
  $('embed-title').textContent = t(state.lang, 'netTitle');
  network.render(state);
}

// The training lab: its maps and curves with play, loaded only for view=train.
let train = null;
async function drawTrain() {
  const box = $('embed-train');
  box.hidden = state.view !== 'train';
  if (box.hidden) { train?.pause(); return; }
  $('plot').hidden = true;
  const { mountTrain } = await import('./ui/train-panel.js');
  train ??= mountTrain(box, { cat: { specs } }, { embed: true });
  $('embed-title').textContent = t(state.lang, 'trTitle');
  train.render(state);
}

function load() {
  const r = decodeLink(lab, location.hash.slice(1), DEFAULTS);
  if (r.custom.spec) specs.set(CUSTOM, r.custom.spec);
  state = r.state;
  base = state;
  document.documentElement.dataset.theme = effectiveTheme(state.theme);
  applyI18n(document.body, state.lang);
  $('open-playground').href = new URL(`./#${r.codec.encode({ ...state, view: state.view === 'gallery' ? 'plot' : state.view })}`, location.href).href;
  $('embed-notice').hidden = !r.notices.length;
  $('embed-notice').textContent = r.notices.join(' · ');
  plot.draw(state, { specs, sampler });
  drawConsole().then(fit);
  drawNetwork(r.custom.spec ?? null).then(fit);
  drawTrain().then(fit);
}

// Height for the parent page (a sandboxed frame cannot be measured from outside).
let lastH = 0;
function fit() {
  const h = Math.ceil(document.documentElement.scrollHeight);
  if (h !== lastH && parent !== window) parent.postMessage({ type: 'actlab:height', height: h }, '*');
  lastH = h;
}
new ResizeObserver(fit).observe(document.body);
// "Open in the playground": a new tab where the frame may open one; inside a sandbox without
// allow-popups the browser refuses, and the frame itself goes to the playground instead.
$('open-playground').addEventListener('click', (e) => {
  e.preventDefault();
  const tab = window.open($('open-playground').href, '_blank');
  if (tab) tab.opener = null;
  else location.assign($('open-playground').href);
});
addEventListener('hashchange', () => (linkHasExpr(location.hash.slice(1)) && !lab.hasExpr ? location.reload() : load()));
load();
window.actlab = { lab, plot, get state() { return state; }, get network() { return network; }, get train() { return train; } };
