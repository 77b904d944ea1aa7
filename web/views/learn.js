// The Learn panel: formula and derivative (KaTeX), output range, the note in the UI language,
// and the PyTorch code that reproduces the plot.
import { copyWithFeedback } from '../ui/clipboard.js';
import { tex, sceneCode, renderNote } from '../ui/learn.js';
import { seedFor } from '../ui/seed.js';
import { py } from '../ui/controls.js';
import { paramsOf, compOf } from '../ui/curves.js';
import { customModule, isProgram, programCode } from '../ui/custom.js';
import { SAMPLES } from '../ui/catalog.js';

const $ = (id) => document.getElementById(id);

export default {
  deps: ['fn', 'lang', 'params', 'x', 'y', 'show', 'vec', 'comp', 'expr', 'cls', 'overlays', 'tensor', 'grad'],
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
      $('latex').classList.add('source');
      $('dlatex').classList.add('source');
      const program = isProgram(spec);
      // A pasted class or def: the one-line expression it reduces to (temporaries inlined).
      $('dlatex').textContent = program && spec.canonical
        ? `reduces to:\n${spec.canonical}\n\nderivative: reverse-mode automatic differentiation (torch.autograd semantics)`
        : 'reverse-mode automatic differentiation of the expression (torch.autograd semantics)';
      $('range').textContent = '—';
      $('note').replaceChildren();
      $('code').textContent = program
        ? programCode(spec, paramsOf(s, s.fn), { x: s.x.map(py), n: SAMPLES, fmt: py })
        : `${customModule(spec, paramsOf(s, s.fn))}\n\nf = Custom()\nx = torch.linspace(${py(s.x[0])}, ${py(s.x[1])}, ${SAMPLES}).requires_grad_()\ny = f(x)\ndy, = torch.autograd.grad(y, x, torch.ones_like(y))   # f'(x)`;
      return;
    }
    if (['init', 'fn', 'lang', 'expr'].some((k) => changed.has(k))) {
      $('latex').classList.remove('source');
      $('dlatex').classList.remove('source');
      tex($('latex'), spec.latex);
      tex($('dlatex'), spec.dlatex);
      tex($('range'), spec.range);
      renderNote($('note'), spec.name, s.lang);
    }
    $('code').textContent = sceneCode(s, cat.specs, { n: SAMPLES, comp: compOf(s), seed: () => seedFor(s.tensor) });
  },
};
