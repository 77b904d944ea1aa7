// Compare: pin the current function with its parameters (up to MAX_OVERLAYS) and overlay them;
// a pinned entry can be edited (made current) or removed.
import { t } from '../ui/i18n.js';
import { palette } from '../ui/plot.js';
import { paramsOf, labelOf } from '../ui/curves.js';
import { MAX_OVERLAYS } from '../lib/state.js';

const $ = (id) => document.getElementById(id);
const same = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
const whyNot = (s) => (s.overlays.length >= MAX_OVERLAYS ? 'full'
  : s.overlays.some((o) => o.fn === s.fn && same(o.params, paramsOf(s, s.fn))) ? 'twice' : null);

export default {
  deps: ['overlays', 'lang', 'theme', 'systemDark', 'expr', 'cls', 'fn', 'params'],
  mount({ store }) {
    $('pin').addEventListener('click', () => {
      const s = store.get();
      if (whyNot(s)) return;
      store.set({ overlays: [...s.overlays, { fn: s.fn, params: { ...paramsOf(s, s.fn) } }] });
    });
    $('clear-compare').addEventListener('click', () => store.set({ overlays: [] }));
  },
  render(s, changed, { store, cat }) {
    const ul = $('overlays');
    ul.replaceChildren();
    const colors = palette();
    s.overlays.forEach((o, i) => {
      const spec = cat.specs.get(o.fn);
      if (!spec) return;
      const li = document.createElement('li');
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = colors[(i + 1) % colors.length];
      const name = document.createElement('button');
      name.type = 'button';
      name.className = 'linkish';
      name.textContent = labelOf(spec, o.params);
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
    // Pinning is refused (and the reason shown) when full or when this very curve is pinned.
    const why = whyNot(s);
    $('pin').disabled = !!why;
    $('pin-why').hidden = !why;
    $('pin-why').textContent = why === 'full' ? t(s.lang, 'pinFull', MAX_OVERLAYS) : why === 'twice' ? t(s.lang, 'pinTwice') : '';
  },
};
