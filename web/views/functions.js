// The function list, grouped by the table's family in table order, and its search box (Enter
// opens the first match).
import { t } from '../ui/i18n.js';

const $ = (id) => document.getElementById(id);
// Where the list scrolls inside its box (phones), a fade and a line say more is below.
function cue(list) {
  const scroller = list.parentElement;
  const more = scroller.scrollHeight - scroller.clientHeight - scroller.scrollTop > 4;
  $('list-more').hidden = !more;
}

export default {
  deps: ['fn', 'query', 'lang', 'expr', 'cls'],
  mount({ store }) {
    const list = $('fnlist');
    list.parentElement.addEventListener('scroll', () => cue(list), { passive: true });
    new ResizeObserver(() => cue(list)).observe(list);
    $('search').addEventListener('input', () => store.set({ query: $('search').value }));
    $('search').addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      const first = $('fnlist').querySelector('button');
      if (first) store.set({ fn: first.dataset.fn, view: store.get().view === 'gallery' ? 'plot' : store.get().view });
    });
  },
  render(s, changed, { store, cat }) {
    const familyLabel = (f) => t(s.lang, `family_${f}`);
    const root = $('fnlist');
    root.replaceChildren();
    const q = s.query.trim().toLowerCase();
    const groups = cat.families((f) => !q || f.name.toLowerCase().includes(q) || familyLabel(f.family).toLowerCase().includes(q));
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
        b.addEventListener('click', () => {
          const cur = store.get();
          store.set({ fn: f.name, view: cur.view === 'gallery' ? 'plot' : cur.view });
        });
        li.append(b);
        ul.append(li);
      }
      root.append(h, ul);
    }
    $('list-more').textContent = t(s.lang, 'listMore', cat.functions().length);
    cue(root);
  },
};
