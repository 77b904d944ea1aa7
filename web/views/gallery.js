// The gallery: small multiples of every function at default parameters, built on first visit
// and again when the functions, the theme or the language change.
import { t } from '../ui/i18n.js';
import { buildGallery } from '../ui/gallery.js';
import { Sampler } from '../ui/sample.js';

const $ = (id) => document.getElementById(id);
let builtFor = null;

export default {
  deps: ['view', 'theme', 'systemDark', 'expr', 'cls', 'lang'],
  render(s, changed, { store, cat }) {
    if (s.view !== 'gallery') return;
    const key = JSON.stringify([document.documentElement.dataset.theme, s.lang, cat.generation, cat.custom?.source ?? null]);
    if (builtFor === key) return;
    builtFor = key;
    buildGallery($('gallery'), [...cat.families().values()].flat(), new Sampler(cat.lab, 200), (f) => t(s.lang, `family_${f}`), (fn) => store.set({ fn, view: 'plot' }));
  },
};
