// Parameter controls from the C++ table (slider + box, select, checkbox) with a reset, and the
// input vector of dim-wise functions (the plot varies one component, the others come from it).
import { t } from '../ui/i18n.js';
import { buildControls, syncControls } from '../ui/controls.js';
import { paramsOf, compOf } from '../ui/curves.js';
import { CUSTOM } from '../ui/custom.js';

const $ = (id) => document.getElementById(id);

export default {
  deps: ['fn', 'params', 'lang', 'expr', 'cls', 'vec', 'comp'],
  mount({ store, cat }) {
    $('vector').addEventListener('input', () => {
      const parts = $('vector').value.split(/[\s,]+/).filter(Boolean);
      const vals = parts.map(Number);
      const ok = parts.length >= 1 && parts.length <= 16 && vals.every(Number.isFinite);
      $('vector-error').hidden = ok;
      $('vector-error').textContent = ok ? '' : t(store.get().lang, 'vectorError');
      if (ok) store.set({ vec: vals });
    });
    $('comp').addEventListener('input', () => store.set({ comp: +$('comp').value }));
    $('reset-params').addEventListener('click', () => {
      const s = store.get();
      const params = { ...s.params };
      delete params[s.fn];
      store.set({ params, vec: cat.codec.defaults.vec, comp: null });
    });
  },
  render(s, changed, { store, cat }) {
    const spec = cat.specs.get(s.fn);
    if (!spec) return;
    const any = (...k) => changed.has('init') || k.some((x) => changed.has(x));
    if (any('fn', 'lang') || ((changed.has('expr') || changed.has('cls')) && s.fn === CUSTOM)) {
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
    } else if (changed.has('params')) {
      syncControls($('params'), spec, paramsOf(s, s.fn));
    }
    if (any('vec', 'comp', 'fn')) {
      const v = $('vector');
      if (document.activeElement !== v) v.value = s.vec.join(', ');
      const sel = $('comp');
      if (sel.options.length !== s.vec.length) sel.replaceChildren(...s.vec.map((_, i) => new Option(String(i), String(i))));
      sel.value = String(compOf(s));
    }
  },
};
