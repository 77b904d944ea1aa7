// The custom-activation box: the source is compiled on input (debounced); on error the last good
// function stays and the message points at the character; the link carries the source.
import { formatParseError } from '../lib/caret.js';
import { CUSTOM, EXAMPLES, compileCustom } from '../ui/custom.js';
import { typedInto, hasFocus } from '../ui/typing.js';

const $ = (id) => document.getElementById(id);
// The source box: the textarea, until the code editor replaces it once the page is idle.
let box = null;
let typing = null;
let compiled = { source: null, cls: '', generation: -1 };
let error = null;
// A pasted module (more than one line; a trailing line break is not one) gets the layout's full width.
const fit = () => $('custom').classList.toggle('wide', box.value.trimEnd().includes('\n'));
// The box is marked invalid, and the editor underlines where the message points (only in the
// text the error was computed for: typed-ahead text keeps the underline mapped through edits).
function mark(s) {
  box.setAttribute('aria-invalid', String(!!error));
  if (!error) box.setError?.(-1);
  else if (box.value === s.expr) box.setError?.(error.pos, error.error);
}

// A pasted program: which class is plotted, and what its print() calls wrote (with notes on
// module-level code that was not run).
function renderProgram(spec) {
  const classes = spec?.classes ?? [];
  $('expr-class-wrap').hidden = classes.length < 2;
  if (classes.length >= 2) {
    const sel = $('expr-class');
    if (sel.options.length !== classes.length || [...sel.options].some((o, i) => o.value !== classes[i])) {
      sel.replaceChildren(...classes.map((c) => new Option(c, c)));
    }
    sel.value = spec.cls;
  }
  const out = spec?.prints ?? [];
  $('expr-output').hidden = !out.length;
  $('expr-output').textContent = out.map((p) => (p.note ? `# ${p.text}` : p.text)).join('\n');
}

// Compare with PyTorch: the built-ins of the same kind (element-wise or dim-wise), and the
// chosen one's parameters as inputs.
function renderRef(s, cat, store) {
  const spec = cat.custom;
  const sel = $('expr-ref');
  const kinds = cat.lab.functions.filter((f) => !f.halves && f.fixedDim === undefined && !!f.dimwise === !!spec?.dimwise && f.params.every((p) => p.kind !== 'weight'));
  const key = kinds.map((f) => f.name).join(',');
  if (sel.dataset.key !== key) {
    sel.dataset.key = key;
    const none = sel.options[0];
    sel.replaceChildren(none, ...kinds.map((f) => new Option(`${f.module}.${f.name}`, f.name)));
  }
  sel.value = s.ref && kinds.some((f) => f.name === s.ref.fn) ? s.ref.fn : '';
  const box = $('expr-ref-params');
  const refSpec = s.ref ? cat.specs.get(s.ref.fn) : null;
  const want = refSpec ? refSpec.params.filter((p) => p.kind === 'number' || p.kind === 'choice') : [];
  if (box.dataset.fn !== (refSpec?.name ?? '')) {
    box.dataset.fn = refSpec?.name ?? '';
    box.replaceChildren(...want.map((p) => {
      const label = document.createElement('label');
      const input = p.kind === 'choice' ? document.createElement('select') : document.createElement('input');
      if (p.kind === 'choice') input.append(...p.choices.map((c) => new Option(c, c)));
      else { input.type = 'number'; input.step = 'any'; }
      input.dataset.param = p.name;
      input.addEventListener('change', () => {
        const cur = store.get().ref;
        if (!cur) return;
        const v = p.kind === 'choice' ? input.value : input.valueAsNumber;
        if (p.kind === 'number' && !Number.isFinite(v)) return;
        store.set({ ref: { fn: cur.fn, params: { ...cur.params, [p.name]: v } } });
      });
      label.append(`${p.name} `, input);
      return label;
    }));
  }
  for (const input of box.querySelectorAll('[data-param]')) {
    const p = want.find((q) => q.name === input.dataset.param);
    const v = s.ref?.params[p.name] ?? p.default;
    if (document.activeElement !== input) input.value = String(v);
  }
}

export default {
  deps: ['expr', 'cls', 'ref', 'fn', 'overlays', 'lang'],
  first: true,  // before the plot: it defines the function the plot may draw
  pending: () => typing.pending(),
  flush: () => typing.flush(),
  mount({ store, cat, boot, scheduler, editors }) {
    box = $('expr');
    compiled = { source: boot.state.expr, cls: boot.state.cls, generation: cat.generation };
    error = boot.custom.error ? boot.custom : null;
    for (const ex of EXAMPLES) $('expr-examples').append(new Option(ex.replace(/\n/g, '; '), ex));
    $('expr-examples').addEventListener('input', () => {
      if (!$('expr-examples').value) return;
      box.value = $('expr-examples').value;
      $('expr-examples').value = '';
      fit();
      store.set({ expr: box.value, fn: CUSTOM });
    });
    const wire = () => {
      typing = typedInto(box, store, 'expr', () => 120);
      box.addEventListener('input', fit);
    };
    wire();
    // The code editor takes the textarea's place (text, caret, focus) once the page is idle.
    scheduler.whenIdle(async () => {
      const { CodeEditor } = await import('../ui/editor.js');
      typing.flush();
      box = editors.expr = new CodeEditor(box);
      wire();
      mark(store.get());
    });
    $('expr-class').addEventListener('input', () => store.set({ cls: $('expr-class').value }));
    $('expr-ref').addEventListener('input', () => {
      const fn = $('expr-ref').value;
      store.set({ ref: fn ? { fn, params: {} } : null });
    });
    $('expr-plot').addEventListener('click', () => {
      const s = store.get();
      if (cat.custom) store.set({ fn: CUSTOM, view: s.view === 'gallery' ? 'plot' : s.view });
    });
  },
  render(s, changed, { store, cat, scheduler }) {
    if (s.expr && !cat.lab.hasExpr) {
      // The engine's build loads on first use, with a sign of progress; then everything that
      // reads functions redraws.
      $('expr-loading').hidden = false;
      return cat.upgrade().then(() => {
        $('expr-loading').hidden = true;
        scheduler.refresh(['expr', 'fn']);
      });
    }
    if (s.expr !== compiled.source || s.cls !== compiled.cls || cat.generation !== compiled.generation) {
      compiled = { source: s.expr, cls: s.cls, generation: cat.generation };
      const r = compileCustom(cat.lab, s.expr, CUSTOM, s.cls);
      error = r.error ? r : null;
      if (!r.error) {
        cat.useCustom(r.spec);
        if (!r.spec && (s.fn === CUSTOM || s.overlays.some((o) => o.fn === CUSTOM))) {
          store.set({ fn: s.fn === CUSTOM ? cat.codec.defaults.fn : s.fn, overlays: s.overlays.filter((o) => o.fn !== CUSTOM) });
        }
      }
    }
    if (!hasFocus(box) && box.value !== s.expr) box.value = s.expr;
    fit();
    mark(s);
    $('expr-error').hidden = !error;
    // Errors without a position (evaluation limits) are shown as they are.
    $('expr-error').textContent = !error ? '' : error.pos >= 0 ? formatParseError(s.expr, { message: error.error, pos: error.pos }) : error.error;
    $('expr-plot').disabled = !cat.custom || !!error;
    // A broken edit leaves the last good function on the plot: say so there.
    const shown = s.fn === CUSTOM || s.overlays.some((o) => o.fn === CUSTOM);
    $('plot-stale').hidden = !(error && cat.custom && shown);
    renderProgram(cat.custom);
    renderRef(s, cat, store);
    return undefined;
  },
};
