// The Learn panel: formula and derivative (KaTeX), output range, the note in the UI language,
// and the PyTorch code that reproduces the plot.
import { copyWithFeedback } from '../ui/clipboard.js';
import { tex, sceneCode, renderNote } from '../ui/learn.js';
import { seedFor } from '../ui/seed.js';
import { py } from '../ui/controls.js';
import { paramsOf, compOf } from '../ui/curves.js';
import { customModule } from '../ui/custom.js';
import { SAMPLES } from '../ui/catalog.js';

const $ = (id) => document.getElementById(id);

export default {
  deps: ['fn', 'lang', 'params', 'x', 'y', 'show', 'vec', 'comp', 'expr', 'overlays', 'tensor', 'grad'],
  mount({ store }) {
    // Without a clipboard the code stays selectable.
    $('copy-code').addEventListener('click', () => copyWithFeedback($('copy-code'), $('code').textContent, () => store.get().lang, 'copy'));
  },
  render(s, changed, { cat }) {
    const spec = cat.specs.get(s.fn);
    if (!spec) return;
    if (spec.custom) {
      // No formula to typeset: the source is the definition; the derivative is autodiff's.
      $('latex').textContent = spec.source;
      $('dlatex').textContent = 'forward-mode automatic differentiation of the expression (torch.autograd semantics)';
      $('range').textContent = '—';
      $('note').replaceChildren();
      $('code').textContent = `${customModule(spec, paramsOf(s, s.fn))}\n\nf = Custom()\nx = torch.linspace(${py(s.x[0])}, ${py(s.x[1])}, ${SAMPLES}).requires_grad_()\ny = f(x)\ndy, = torch.autograd.grad(y, x, torch.ones_like(y))   # f'(x)`;
      return;
    }
    if (['init', 'fn', 'lang', 'expr'].some((k) => changed.has(k))) {
      tex($('latex'), spec.latex);
      tex($('dlatex'), spec.dlatex);
      tex($('range'), spec.range);
      renderNote($('note'), spec.name, s.lang);
    }
    $('code').textContent = sceneCode(s, cat.specs, { n: SAMPLES, comp: compOf(s), seed: () => seedFor(s.tensor) });
  },
};
