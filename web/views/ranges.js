// The x and y ranges, the curve toggles and shading: boxes that write the state, refilled from
// it (the automatic y range is read back from the plot, so switching auto off starts from it).
import { t } from '../ui/i18n.js';
import { rangeProblem, RANGE_ABS, RANGE_MIN_SPAN } from '../lib/state.js';

const RANGE_MESSAGE = { numbers: 'rangeEmpty', order: 'rangeOrder', bound: 'rangeBound', span: 'rangeSpan' };

const $ = (id) => document.getElementById(id);

export default {
  deps: ['x', 'y', 'show', 'shade', 'eps', 'steep', 'fn', 'params', 'vec', 'comp', 'overlays', 'expr', 'cls'],
  mount({ store, cat }) {
    $('show-f').addEventListener('input', () => store.set({ show: { ...store.get().show, f: $('show-f').checked } }));
    $('show-df').addEventListener('input', () => store.set({ show: { ...store.get().show, df: $('show-df').checked } }));
    $('shade').addEventListener('input', () => store.set({ shade: $('shade').checked }));
    // The threshold slider is logarithmic: 1e-4 to 0.25, two significant digits in the link.
    $('eps').addEventListener('input', () => store.set({ eps: +(10 ** +$('eps').value).toPrecision(2), shade: true }));
    $('steep').addEventListener('input', () => store.set({ steep: $('steep').checked }));
    // An invalid pair is said next to the boxes (the plot keeps the last valid range); the rule
    // is the link schema's.
    const rangeInput = (a, b, key) => {
      const num = (id) => ($(id).value === '' ? NaN : +$(id).value);
      const v = [num(a), num(b)];
      const why = RANGE_MESSAGE[rangeProblem(v)];
      for (const id of [a, b]) $(id).toggleAttribute('aria-invalid', !!why);
      $(`${key}-error`).hidden = !why;
      $(`${key}-error`).textContent = why ? t(store.get().lang, why, why === 'rangeBound' ? RANGE_ABS : RANGE_MIN_SPAN) : '';
      if (!why) store.set({ [key]: v });
    };
    for (const id of ['x-lo', 'x-hi']) $(id).addEventListener('input', () => rangeInput('x-lo', 'x-hi', 'x'));
    for (const id of ['y-lo', 'y-hi']) $(id).addEventListener('input', () => { $('y-auto').checked = false; rangeInput('y-lo', 'y-hi', 'y'); });
    $('y-auto').addEventListener('input', () => {
      if ($('y-auto').checked) store.set({ y: null });
      else rangeInput('y-lo', 'y-hi', 'y');
    });
    $('reset-view').addEventListener('click', () => store.set({ x: cat.codec.defaults.x, y: null }));
  },
  render(s, changed, { plot }) {
    // A range set elsewhere (zoom, reset, link) replaces what was typed, error included.
    for (const key of ['x', 'y']) {
      if (changed.has(key) && ![`${key}-lo`, `${key}-hi`].includes(document.activeElement?.id)) {
        $(`${key}-error`).hidden = true;
        for (const id of [`${key}-lo`, `${key}-hi`]) $(id).removeAttribute('aria-invalid');
      }
    }
    const set = (id, v) => { if (document.activeElement !== $(id)) $(id).value = String(v); };
    set('x-lo', s.x[0]);
    set('x-hi', s.x[1]);
    $('y-auto').checked = s.y == null;
    const [ylo, yhi] = s.y ?? (plot.yShown ?? ['', '']).map((v) => +(+v).toPrecision(3));
    set('y-lo', ylo);
    set('y-hi', yhi);
    $('show-f').checked = s.show.f;
    $('show-df').checked = s.show.df;
    $('shade').checked = s.shade;
    if (document.activeElement !== $('eps')) $('eps').value = String(Math.log10(s.eps));
    $('eps-out').textContent = String(s.eps);
    $('steep').checked = s.steep;
  },
};
