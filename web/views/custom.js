// The custom-activation box: the source is compiled on input (debounced); on error the last good
// function stays and the message points at the character; the link carries the source.
import { formatParseError } from '../lib/caret.js';
import { CUSTOM, EXAMPLES, compileCustom } from '../ui/custom.js';
import { typedInto, hasFocus } from '../ui/typing.js';

const $ = (id) => document.getElementById(id);
// The source box: the textarea, until the code editor replaces it once the page is idle.
let box = null;
let typing = null;
let compiled = { source: null, generation: -1 };
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

export default {
  deps: ['expr', 'fn', 'overlays', 'lang'],
  first: true,  // before the plot: it defines the function the plot may draw
  pending: () => typing.pending(),
  flush: () => typing.flush(),
  mount({ store, cat, boot, scheduler, editors }) {
    box = $('expr');
    compiled = { source: boot.state.expr, generation: cat.generation };
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
    if (s.expr !== compiled.source || cat.generation !== compiled.generation) {
      compiled = { source: s.expr, generation: cat.generation };
      const r = compileCustom(cat.lab, s.expr);
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
    return undefined;
  },
};
