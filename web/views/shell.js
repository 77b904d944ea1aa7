// The page shell: language, theme and the view tabs (plot, console, gallery, network, train).
import { t, applyI18n } from '../ui/i18n.js';
import { LANGUAGES } from '../lib/languages.js';
import { effectiveTheme } from '../ui/plot.js';

const $ = (id) => document.getElementById(id);

export default {
  deps: ['lang', 'theme', 'systemDark', 'view'],
  first: true,
  mount({ store }) {
    for (const [code, { name }] of Object.entries(LANGUAGES)) $('lang').append(new Option(name, code));
    $('lang').addEventListener('input', () => store.set({ lang: $('lang').value }));
    $('theme').addEventListener('input', () => store.set({ theme: $('theme').value }));
    // A tab brings its view into sight and puts the focus where that view's work starts.
    const target = { plot: () => $('fn-title'), console: () => $('tensor-input'), gallery: () => $('gallery').querySelector('.card') ?? $('view-gallery'),
      network: () => $('net-title') ?? $('view-network'), train: () => $('tr-title') ?? $('view-train') };
    for (const b of document.querySelectorAll('.tab')) {
      b.addEventListener('click', () => {
        store.set({ view: b.dataset.view }, { now: true });
        const el = target[b.dataset.view]();
        el.scrollIntoView({ block: b.dataset.view === 'console' ? 'center' : 'start' });
        el.focus({ preventScroll: true });
      });
    }
  },
  render(s, changed, { cat }) {
    const any = (k) => changed.has('init') || changed.has(k);
    if (any('lang')) {
      applyI18n(document.body, s.lang);
      document.title = t(s.lang, 'title');
      $('lang').value = s.lang;
      $('build').textContent = `actlab ${cat.lab.version} · ${t(s.lang, 'build', cat.lab.simd)}`;
    }
    if (any('theme') || any('systemDark')) {
      document.documentElement.dataset.theme = effectiveTheme(s.theme);
      $('theme').value = s.theme;
    }
    if (any('view')) {
      // The console view is the plot view with the console first under the plot; the network
      // view takes the whole width (no function list).
      $('view-plot').hidden = s.view === 'gallery' || s.view === 'network' || s.view === 'train';
      document.body.classList.toggle('view-console', s.view === 'console');
      document.body.classList.toggle('view-network', s.view === 'network' || s.view === 'train');
      $('view-gallery').hidden = s.view !== 'gallery';
      $('view-network').hidden = s.view !== 'network';
      $('view-train').hidden = s.view !== 'train';
      for (const b of document.querySelectorAll('.tab')) b.setAttribute('aria-pressed', String(b.dataset.view === s.view));
    }
  },
};
