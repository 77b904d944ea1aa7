// The tensor console: the typed tensor through the current function, printed as torch 1.13 prints
// it (input, output, gradient), with a dim selector and a picture for dim-wise functions. Off the
// plot's critical path: a slider drag redraws the curve in its frame and the console right after,
// once per burst; the parse of a changed text is cached (a 1000 x 1000 tensor is ~8 MB of text).
import { t } from '../ui/i18n.js';
import { paramsOf } from '../ui/curves.js';
import { typedInto, hasFocus } from '../ui/typing.js';
import { seedFor } from '../ui/seed.js';

const $ = (id) => document.getElementById(id);
// The console code (parser, printer) is not needed for the first curve: it loads after it.
let consoleMod = null;
export const loadConsole = () => (consoleMod ??= import('../ui/console.js'));
const parsed = { text: null, r: null, gtext: null, g: null };
// The input box: the textarea, until the code editor replaces it once the page is idle.
let box = null;
let typing = null;
let queued = null;
// A parse error waits for a pause in typing, and for the brackets before the caret to close.
const PAUSE_MS = 500;
let errorTimer = 0;
let held = null;  // an error held back while a bracket is open at the caret
// Evaluated inputs, newest last, for ↑/↓ in the box (kept in this browser).
// An input joins it once typing pauses (not every keystroke's prefix), and long pastes never do.
const HISTORY_KEY = 'actlab:console-history', HISTORY_MAX = 50, HISTORY_MAX_CHARS = 20_000;
let rememberTimer = 0;
let history = [];
let browsing = -1;
let walking = false;  // the input event of a step through the history, not of typing
try { history = JSON.parse(localStorage.getItem(HISTORY_KEY)) ?? []; } catch { history = []; }
function remember(text) {
  if (!text.trim() || history.at(-1) === text) return;
  history = [...history.filter((h) => h !== text), text].slice(-HISTORY_MAX);
  try { localStorage.setItem(HISTORY_KEY, JSON.stringify(history)); } catch { /* no storage: session only */ }
}
/** Whether an opening bracket before `caret` is still open there (strings skipped). */
export function openBracketAt(text, caret) {
  let depth = 0, quote = null;
  for (let i = 0; i < caret; i++) {
    const c = text[i];
    if (quote) { if (c === quote) quote = null; continue; }
    if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && depth > 0) depth--;
  }
  return depth > 0;
}
// The message under the box; `invalid`: it is the text's own error (the box is marked too, and
// the editor underlines `pos`).
function showError(err, invalid = false, pos = -1) {
  $('console-error').hidden = !err;
  $('console-error').textContent = err ?? '';
  box.setAttribute('aria-invalid', String(!!err && invalid));
  box.setError?.(err && invalid ? pos : -1, err ?? '');
}
/** ↑ on the first line and ↓ on the last walk through the evaluated inputs; true if it did. */
function walk(up) {
  const before = box.value.slice(0, box.selectionStart);
  if (up ? before.includes('\n') : box.value.slice(box.selectionEnd).includes('\n')) return false;
  if (!history.length) return false;
  if (browsing < 0) browsing = history.at(-1) === box.value ? history.length - 1 : history.length;
  browsing = Math.max(0, Math.min(history.length, browsing + (up ? -1 : 1)));
  box.value = browsing === history.length ? '' : history[browsing];
  walking = true;
  box.dispatchEvent(new Event('input'));
  walking = false;
  return true;
}

async function update({ store, cat }) {
  const { readTensorAsync, evaluate, dimOptions, pythonLine, drawGroups, WORKER_MIN_CHARS } = await loadConsole();
  let s = store.get();
  // Parse what changed (big texts in a worker); a newer text arriving meanwhile wins.
  if (parsed.text !== s.tensor) {
    const text = s.tensor;
    $('console-busy').hidden = text.length < WORKER_MIN_CHARS;
    const r = await readTensorAsync(text);
    $('console-busy').hidden = true;
    if (store.get().tensor !== text) return;
    parsed.r = r;
    parsed.text = text;
  }
  if (s.grad != null && parsed.gtext !== s.grad) {
    const text = s.grad;
    const r = await readTensorAsync(text);
    if (store.get().grad !== text) return;
    parsed.g = r;
    parsed.gtext = text;
  }
  s = store.get();
  if (parsed.text !== s.tensor || (s.grad != null && parsed.gtext !== s.grad)) return;  // a newer update follows
  const spec = cat.specs.get(s.fn);
  if (!spec) return;
  if (!hasFocus(box) && box.value !== s.tensor) box.value = s.tensor;
  $('grad-custom').checked = s.grad != null;
  $('grad-input').hidden = s.grad == null;
  if (s.grad != null && document.activeElement !== $('grad-input')) $('grad-input').value = s.grad;
  const { tensor, error, pos } = parsed.r;
  const params = paramsOf(s, s.fn);
  // dim selector: every valid dim of the typed tensor, with its negative alias.
  const dims = tensor ? dimOptions(spec, tensor.shape.length) : [];
  $('dim-wrap').hidden = !dims.length;
  if (dims.length) {
    const sel = $('dim');
    const cur = params.dim === undefined ? spec.params.find((q) => q.kind === 'dim').default : params.dim;
    const curV = cur === null ? 'None' : String(cur);
    const opts = dims.map((o) => new Option(o.label, o.value));
    // A stored dim (from another tensor or a link) that is now out of range stays visible.
    const nd = tensor.shape.length;
    if (!dims.some((o) => o.value === curV || (cur !== null && String(cur + Math.max(nd, 1)) === o.value))) opts.push(new Option(`${curV} (out of range)`, curV));
    sel.replaceChildren(...opts);
    sel.value = cur !== null && cur < 0 && dims.some((o) => o.value === String(cur + Math.max(nd, 1))) ? String(cur + Math.max(nd, 1)) : curV;
  }
  let err = error ?? null;
  let r = null;
  if (!err && s.grad != null && parsed.g.error) err = `grad_output: ${parsed.g.error}`;
  if (!err) {
    try {
      r = evaluate(cat.lab, spec, params, tensor, s.grad != null ? parsed.g.tensor : null);
    } catch (e) {
      err = e.message;
    }
  }
  clearTimeout(errorTimer);
  errorTimer = 0;
  held = null;
  if (err && error && hasFocus(box)) {
    // Mid-typing: no flashing box; after a pause, unless a bracket is open at the caret.
    showError(null);
    errorTimer = setTimeout(() => {
      errorTimer = 0;
      if (!hasFocus(box) || !openBracketAt(box.value, box.selectionStart)) showError(err, true, pos);
      else held = { err, pos };
    }, PAUSE_MS);
  } else {
    showError(err, !!error, error ? pos : -1);
  }
  clearTimeout(rememberTimer);
  rememberTimer = 0;
  if (!err && browsing < 0 && s.tensor.length <= HISTORY_MAX_CHARS) {
    const text = s.tensor;
    if (hasFocus(box)) rememberTimer = setTimeout(() => { rememberTimer = 0; remember(text); }, PAUSE_MS);
    else remember(text);
  }
  // rand/randn without a seed ran with one drawn from the text: say which, offer to write it in.
  const seed = tensor?.seed;
  $('console-seed').hidden = seed === undefined;
  if (seed !== undefined) $('console-seed').firstElementChild.textContent = t(s.lang, 'seedUsed', seed);
  $('console-note').hidden = !r?.note.length;
  $('console-note').textContent = r?.note.length ? t(s.lang, 'floatNote') : '';
  $('out-line').textContent = pythonLine(spec, params);
  if (r) {
    // On error the last good output stays, under the message.
    $('out-input').textContent = r.input;
    $('out-output').textContent = r.output;
    $('out-grad').textContent = r.grad;
    drawGroups($('groups'), spec, params, r, s.lang);
  } else if (!$('out-input').textContent) {
    $('groups').replaceChildren();
  }
}

export default {
  deps: ['fn', 'params', 'tensor', 'grad', 'lang', 'view', 'expr', 'cls'],
  pending: () => typing.pending() || errorTimer !== 0 || rememberTimer !== 0,
  flush: () => typing.flush(),
  mount({ store, cat, scheduler, editors }) {
    // Leaving the box shows a held-back error at once.
    const onBlur = () => {
      if (held) showError(held.err, true, held.pos);
      held = null;
      if (!errorTimer) return;
      clearTimeout(errorTimer);
      errorTimer = 0;
      update({ store, cat });
    };
    const onInput = () => { if (!walking) browsing = -1; };
    // Short texts evaluate at once; long pastes wait for a pause in typing.
    const wire = () => {
      typing = typedInto(box, store, 'tensor', (v) => (v.length > 20000 ? 250 : 0));
      box.addEventListener('blur', onBlur);
      box.addEventListener('input', onInput);
    };
    box = $('tensor-input');
    wire();
    box.addEventListener('keydown', (e) => {
      if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && walk(e.key === 'ArrowUp')) e.preventDefault();
    });
    // The code editor takes the textarea's place (text, caret, focus) once the page is idle.
    scheduler.whenIdle(async () => {
      const { CodeEditor } = await import('../ui/editor.js');
      typing.flush();
      box = editors['tensor-input'] = new CodeEditor(box, { keys: [{ key: 'ArrowUp', run: () => walk(true) }, { key: 'ArrowDown', run: () => walk(false) }] });
      wire();
    });
    $('console-seed').querySelector('button').addEventListener('click', () => {
      const s = store.get();
      const tensor = `torch.manual_seed(${seedFor(s.tensor)}); ${s.tensor}`;
      box.value = tensor;
      store.set({ tensor });
    });
    $('grad-custom').addEventListener('input', () => {
      const s = store.get();
      store.set({ grad: $('grad-custom').checked ? ($('grad-input').value || s.tensor) : null });
    });
    $('grad-input').addEventListener('input', () => store.set({ grad: $('grad-input').value }));
    $('dim').addEventListener('input', () => {
      const s = store.get();
      const v = $('dim').value === 'None' ? null : +$('dim').value;
      store.set({ params: { ...s.params, [s.fn]: { ...paramsOf(s, s.fn), dim: v } } });
    });
  },
  render(s, changed, ctx) {
    if (s.view === 'gallery' || s.view === 'network') return undefined;
    // One update per burst of changes, after the frame that redraws the curve.
    queued ??= new Promise((resolve) => setTimeout(resolve)).then(() => { queued = null; return update(ctx); });
    return queued;
  },
};
