// The main plot: the current function and the pinned ones, f and f′, the kinks with PyTorch's
// one-sided derivative, and the export buttons. Drawn through the shared plot component.
import { t } from '../ui/i18n.js';
import { num } from '../ui/plot.js';

const $ = (id) => document.getElementById(id);
let generation = 0;

function renderKinks(s, spec, c) {
  const root = $('kinks');
  root.replaceChildren();
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

export default {
  deps: ['fn', 'params', 'overlays', 'x', 'y', 'show', 'shade', 'eps', 'steep', 'vec', 'comp', 'theme', 'systemDark', 'view', 'expr', 'cls', 'ref', 'lang'],
  first: true,
  mount({ store, plot }) {
    const name = () => { const s = store.get(); return [s.fn, ...s.overlays.map((o) => o.fn)].join('-'); };
    const title = () => plot.uplot.series.filter((x, i) => i % 2 === 1).map((x) => x.label).join(' · ');
    const exporter = async (kind) => {
      const { toPNG, toSVG, toCSV, download } = await import('../ui/export.js');
      const opts = { theme: $('export-theme').value, yLabel: t(store.get().lang, 'axisF') };
      if (kind === 'png') download(`${name()}.png`, await toPNG(plot.uplot, title(), opts));
      if (kind === 'svg') download(`${name()}.svg`, toSVG(plot.uplot, title(), opts), 'image/svg+xml');
      if (kind === 'csv') download(`${name()}.csv`, toCSV(plot.uplot), 'text/csv');
    };
    for (const kind of ['png', 'svg', 'csv']) $(`export-${kind}`).addEventListener('click', () => exporter(kind));
    // Fingers pinch and pan; the hint says so where the pointer is a finger.
    if (matchMedia('(pointer: coarse)').matches) $('zoom-hint').dataset.i18n = 'zoomHintTouch';
  },
  render(s, changed, { cat, plot }) {
    const spec = cat.specs.get(s.fn);
    if (!spec) return;  // fn=Custom while its source is not compiled yet
    if (changed.has('init') || changed.has('fn') || changed.has('expr') || changed.has('cls')) {
      $('fn-title').textContent = spec.name;
      $('fn-module').textContent = !spec.custom ? `${spec.module}.${spec.name}`
        : spec.cls ? `class ${spec.cls}(nn.Module)` : 'custom expression';
    }
    if (s.view === 'gallery') return;
    if (generation !== cat.generation) { generation = cat.generation; plot.reset(); }
    const { curves } = plot.draw(s, cat);
    renderKinks(s, spec, curves[0]);
  },
};
