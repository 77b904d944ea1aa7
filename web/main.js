// The playground: wiring only. The state store is the one thing views read; each view (web/views/)
// declares the keys it reads and the scheduler re-renders exactly those a change touches.
import './style.css';
import { loadActlab } from './lib/actlab.js';
import { preferredLanguage } from './lib/languages.js';
import { createStore } from './ui/store.js';
import { createScheduler } from './ui/scheduler.js';
import { createCatalog } from './ui/catalog.js';
import { decodeLink, linkHasExpr } from './ui/custom.js';
import { PlotPanel } from './ui/chart.js';
import { systemDark, roundRange } from './ui/plot.js';
import { py } from './ui/controls.js';
import shell from './views/shell.js';
import custom from './views/custom.js';
import plotView from './views/plot.js';
import diff from './views/diff.js';
import functions from './views/functions.js';
import params from './views/params.js';
import compare from './views/compare.js';
import ranges from './views/ranges.js';
import consoleView, { loadConsole } from './views/console.js';
import learn from './views/learn.js';
import gallery from './views/gallery.js';
import network, { networkPanel } from './views/network.js';
import train, { trainPanel } from './views/train.js';
import share, { readDraft, showNotices } from './views/share.js';

const $ = (id) => document.getElementById(id);
performance.mark('actlab:start');
const hash = location.hash.slice(1);
const draft = readDraft(hash);
// The build with the expression engine only when the link (or the kept draft) has a custom
// expression; otherwise it loads the first time one is typed, keeping the first download small.
const lab = await loadActlab({ expr: linkHasExpr(hash) || !!draft.expr });
performance.mark('actlab:wasm-ready');

// The URL schema owns the defaults; the store starts from the link (invalid parts dropped). A
// custom expression in the link is compiled first, so `fn=Custom` and its parameters validate.
const DEFAULTS = { lang: preferredLanguage(navigator.language) };
const cat = createCatalog(lab, DEFAULTS);
const decode = () => {
  const r = decodeLink(cat.lab, location.hash.slice(1), DEFAULTS);
  cat.useCustom(r.custom.spec ?? (r.custom.error ? cat.custom : null));
  return r;
};
const boot = decode();
const store = createStore({ ...boot.state, ...draft, params: { ...boot.state.params }, systemDark: systemDark.matches });
systemDark.addEventListener('change', () => store.set({ systemDark: systemDark.matches }));

const plot = new PlotPanel({ plot: $('plot'), error: $('plot-error') }, {
  onZoom: (xr, yr) => store.set({ ...(xr ? { x: roundRange(xr) } : {}), ...(yr ? { y: roundRange(yr) } : {}) }),
  onReset: () => store.set({ x: cat.codec.defaults.x, y: null }),
});

// Registration order is render order: the function catalogue, then the curve, then the rest.
const views = [shell, custom, share, plotView, diff, functions, params, compare, ranges, consoleView, learn, gallery, network, train];
// `editors`: the code editors, by id, once they have replaced their textareas (for tests).
const ctx = { store, cat, plot, boot, decode, views, editors: {} };
const scheduler = createScheduler(store, ctx);
ctx.scheduler = scheduler;
for (const v of views) scheduler.register(v);
scheduler.start(() => {
  document.documentElement.classList.remove('booting');
  performance.mark('actlab:ui-ready');
});
showNotices(boot.notices);
// Offline use (a service worker) is set up once the page is idle, after the first curve.
scheduler.whenIdle(() => import('./ui/offline.js').then((m) => { m.registerOffline(); }));
performance.mark('actlab:first-render');

// For tests and benchmarks: the live objects (read-only use), and idle(), which resolves once
// every queued change is rendered (debounced input, console, compile, engine load, URL write).
window.actlab = {
  get lab() { return cat.lab; },
  get sampler() { return cat.sampler; },
  get codec() { return cat.codec; },
  store, plot, py, loadConsole, editors: ctx.editors,
  idle: () => scheduler.idle(),
  /** The build with the expression engine (lab.compile, lab.network) as window.actlab.lab. */
  upgrade: () => cat.upgrade(),
  /** The depth lab's panel once its tab has opened (charts for tests). */
  get network() { return networkPanel(); },
  /** The training lab's panel once loaded (tests). */
  get train() { return trainPanel(); },
};
