// Compare with PyTorch: a custom function minus the built-in chosen for it, on the plot's grid —
// the difference curves (f and f′) in a panel under the plot, and where |difference| peaks.
import { MainPlot, palette, num } from '../ui/plot.js';
import { compOf, labelOf, paramsOf, refOf } from '../ui/curves.js';
import { t } from '../ui/i18n.js';

const $ = (id) => document.getElementById(id);
let chart = null;

/** { d, max, at } for a - b: NaN where exactly one side is NaN (a real mismatch); max may be NaN then. */
export function difference(x, a, b) {
  const d = new Float64Array(a.length);
  let max = 0, at = null, nanAt = null;
  for (let i = 0; i < a.length; i++) {
    const na = Number.isNaN(a[i]), nb = Number.isNaN(b[i]);
    if (na || nb) {
      d[i] = na && nb ? 0 : NaN;
      if (!(na && nb) && nanAt === null) nanAt = x[i];
      continue;
    }
    d[i] = a[i] === b[i] ? 0 : a[i] - b[i];  // inf - inf is no difference
    const m = Math.abs(d[i]);
    if (m > max || (Number.isNaN(m) && at === null)) { max = m; at = x[i]; }
  }
  return { d, max, at, nanAt };
}

function summary(lang, what, r) {
  if (r.nanAt !== null) return t(lang, 'diffNaN', what, num(r.nanAt));
  if (r.max === 0) return t(lang, 'diffZero', what);
  return t(lang, 'diffMax', what, num(r.max), num(r.at));
}

export default {
  deps: ['fn', 'params', 'ref', 'expr', 'cls', 'x', 'vec', 'comp', 'show', 'theme', 'systemDark', 'lang', 'view'],
  mount({ store, cat }) {
    chart = new MainPlot($('diff-plot'), {
      shade: false,
      onZoom: (xr) => { if (xr) store.set({ x: xr }); },
      onReset: () => store.set({ x: cat.codec.defaults.x, y: null }),
    });
  },
  render(s, changed, { cat }) {
    const spec = cat.specs.get(s.fn);
    const ref = spec && refOf(s, cat.specs);
    $('diff').hidden = !ref || s.view === 'gallery';
    if ($('diff').hidden) return;
    const refSpec = cat.specs.get(ref.fn);
    let mine, theirs;
    try {
      mine = cat.sampler.curve(spec, paramsOf(s, s.fn), s.x, s.vec, compOf(s));
      theirs = cat.sampler.curve(refSpec, ref.params, s.x, s.vec, compOf(s));
    } catch (e) {
      $('diff-summary').textContent = e.message;
      return;
    }
    const refLabel = labelOf(refSpec, ref.params);
    const f = difference(mine.x, mine.f, theirs.f), df = difference(mine.x, mine.df, theirs.df);
    $('diff-title').textContent = t(s.lang, 'diffTitle', s.fn, refLabel);
    $('diff-summary').textContent = `${summary(s.lang, 'f', f)} · ${summary(s.lang, 'f′', df)}`;
    $('diff-summary').dataset.maxF = String(f.max);
    $('diff-summary').dataset.maxDf = String(df.max);
    const label = `${s.fn} − ${refSpec.name}`;
    // y fitted to the differences themselves (float32 rounding is 1e-7, not a unit-scale curve).
    const m = Math.max(s.show.f && Number.isFinite(f.max) ? f.max : 0, s.show.df && Number.isFinite(df.max) ? df.max : 0);
    chart.update([{ label, curve: { x: mine.x, f: f.d, df: df.d, kinks: [] }, color: palette()[0] }],
      { show: s.show, xr: s.x, yr: m > 0 ? [-1.1 * m, 1.1 * m] : [-1, 1], shade: false });
    $('diff-plot').setAttribute('aria-label', $('diff-title').textContent + '. ' + $('diff-summary').textContent);
  },
};
