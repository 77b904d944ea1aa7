// The code editor (CodeMirror 6) of the custom-activation box and the console input. It replaces
// a textarea in place once the page is idle (this module and CodeMirror are not in the first
// view's download), and offers the part of a textarea's interface the views use, so they drive
// either one: `value` (setting it fires no input event), selectionStart/End, focus(), hasFocus,
// setAttribute() on the editable element, and `input` and `blur` events; setError() underlines
// the current error. Text only ever enters the page through CodeMirror's document, never as HTML.
import { Annotation, Compartment, EditorSelection, EditorState, Prec } from '@codemirror/state';
import { EditorView, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting, syntaxTree } from '@codemirror/language';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { python } from '@codemirror/lang-python';
import { setDiagnostics } from '@codemirror/lint';
import { tags } from '@lezer/highlight';

const MONO = 'ui-monospace, "SF Mono", Menlo, Consolas, monospace';
const LINE = 1.45;       // the page's line height, so the editor is as tall as the textarea was
const MAX_LINES = 20;    // a pasted module shows this many lines, then scrolls
const lines = (n) => `calc(${n * LINE}em + 0.8rem)`;

// Colours come from the page's palette (ui/theme.css), so one theme serves light and dark and
// follows a theme switch without reconfiguring. Series colours too light for text on a light
// background are mixed with the text colour, which darkens them in light and lightens them in dark.
const toward = (c, pct) => `color-mix(in srgb, var(${c}) ${pct}%, var(--fg))`;
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword, tags.moduleKeyword, tags.operatorKeyword], color: 'var(--accent)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--c1)' },
  { tag: [tags.string, tags.special(tags.string)], color: toward('--c2', 65) },
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.definition(tags.variableName), tags.definition(tags.propertyName), tags.function(tags.definition(tags.variableName)), tags.className], color: toward('--c3', 70), fontWeight: '600' },
  { tag: tags.self, color: toward('--c3', 70) },
  { tag: tags.invalid, color: 'var(--error)' },
]);

const theme = EditorView.theme({
  '&': {
    background: 'var(--bg)', color: 'var(--fg)', border: '1px solid var(--line)', borderRadius: '6px',
    fontSize: '0.9rem', maxHeight: lines(MAX_LINES),
    // The user may drag it shorter or taller (up to the maximum), as they could the textarea.
    resize: 'vertical', overflow: 'hidden', containerType: 'inline-size',
  },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '2px' },
  '&.cm-invalid': { borderColor: 'var(--error)' },
  '.cm-scroller': { fontFamily: MONO, lineHeight: String(LINE), overflow: 'auto' },
  '.cm-content': { padding: '0.4rem 0', caretColor: 'var(--fg)' },
  '.cm-line': { padding: '0 0.5rem' },
  // The placeholder wraps (the box is narrow at first) where code does not: it is as wide as the
  // editor (a container, so the width is known), less the line's padding.
  '.cm-placeholder': { color: 'var(--muted)', fontStyle: 'italic', whiteSpace: 'pre-wrap', maxWidth: 'calc(100cqw - 1rem - 2px)' },
  '&.cm-focused .cm-matchingBracket': { background: 'color-mix(in srgb, var(--accent) 22%, transparent)', outline: '1px solid color-mix(in srgb, var(--accent) 55%, transparent)' },
  '&.cm-focused .cm-nonmatchingBracket': { color: 'var(--error)', background: 'none' },
  // Brackets are matched at the caret, which only means something while typing.
  '&:not(.cm-focused) .cm-matchingBracket, &:not(.cm-focused) .cm-nonmatchingBracket': { background: 'none', outline: 'none', color: 'inherit' },
  '.cm-specialChar': { color: 'var(--error)' },
  // The error: a wavy underline in the page's error colour (lint's own is a fixed red image).
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--error) 1.5px', textDecorationSkipInk: 'none', textUnderlineOffset: '3px' },
  '.cm-lintPoint-error:after': { borderBottomColor: 'var(--error)' },
  '.cm-tooltip': { background: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--line)', borderRadius: '6px' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--error)' },
});

// Marks the editor's own changes made through `value`: they are not the user's input.
const programmatic = Annotation.define();

/**
 * The range to underline for an error at `pos`: the token there (a bracket opening a group: the
 * group), within its line; a point at a line's end.
 */
function errorRange(state, pos) {
  const from = Math.max(0, Math.min(pos, state.doc.length));
  const line = state.doc.lineAt(from);
  if (from === line.to) return { from, to: from };
  let node = syntaxTree(state).resolveInner(from, 1);
  if (node.firstChild || node.to <= from) return { from, to: from + 1 };
  if ('([{'.includes(state.sliceDoc(from, from + 1)) && node.parent?.from === from) node = node.parent;
  return { from, to: Math.min(node.to, line.to) };
}

export class CodeEditor extends EventTarget {
  #view;
  #attrs;
  #attrsSlot = new Compartment();
  #error = null;
  #text = { doc: null, value: '' };

  /**
   * @param {HTMLTextAreaElement} textarea  replaced in place; its text, selection, focus, id,
   *   label, ARIA attributes and placeholder carry over
   * @param {{ rows?: number, keys?: { key: string, run: () => boolean }[] }} [options]
   *   rows: the height it starts at (the textarea's rows); keys: the view's own bindings, which
   *   run before the editor's (return true when handled)
   */
  constructor(textarea, { rows = textarea.rows || 2, keys = [] } = {}) {
    super();
    const text = textarea.value;
    const backward = textarea.selectionDirection === 'backward';
    const [start, end] = [textarea.selectionStart, textarea.selectionEnd].map((p) => Math.min(p ?? 0, text.length));
    const focused = document.activeElement === textarea;
    // The label names the editable element (a <label for> cannot label a contenteditable).
    const label = textarea.id ? document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`) : null;
    if (label && !label.id) label.id = `${textarea.id}-label`;
    this.#attrs = Object.fromEntries([
      ['id', textarea.id],
      ['aria-labelledby', label?.id ?? textarea.getAttribute('aria-labelledby')],
      ...['aria-label', 'aria-describedby', 'aria-invalid'].map((a) => [a, textarea.getAttribute(a)]),
    ].filter(([, v]) => v));
    this.#view = new EditorView({
      state: EditorState.create({
        doc: text,
        selection: EditorSelection.single(backward ? end : start, backward ? start : end),
        extensions: [
          Prec.highest(keymap.of(keys.map(({ key, run }) => ({ key, run: () => run() })))),
          history(),
          highlightSpecialChars(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          // Tab indents; Escape then Tab leaves the editor (CodeMirror's tab-focus mode).
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
          python(),
          syntaxHighlighting(highlight),
          theme,
          EditorView.theme({ '.cm-content': { minHeight: lines(rows) } }),
          textarea.placeholder ? placeholder(textarea.placeholder) : [],
          this.#attrsSlot.of(this.#attributes()),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.every((tr) => tr.annotation(programmatic))) this.dispatchEvent(new Event('input'));
          }),
          EditorView.domEventHandlers({ blur: () => { this.dispatchEvent(new Event('blur')); } }),
        ],
      }),
    });
    textarea.replaceWith(this.#view.dom);
    label?.addEventListener('click', () => this.focus());
    if (focused) this.#view.focus();
  }

  #attributes() {
    return [
      EditorView.contentAttributes.of({ ...this.#attrs }),
      EditorView.editorAttributes.of(this.#attrs['aria-invalid'] === 'true' ? { class: 'cm-invalid' } : {}),
    ];
  }

  /** The outer element (what sits where the textarea was). */
  get dom() { return this.#view.dom; }

  get value() {
    // Read per document version: the views read it often, and a console text can be megabytes.
    const { doc } = this.#view.state;
    if (this.#text.doc !== doc) this.#text = { doc, value: doc.toString() };
    return this.#text.value;
  }

  /** Replace the text (undoable, like an edit; no input event), caret at the end. */
  set value(text) {
    if (text === this.value) return;
    this.#view.dispatch({
      changes: { from: 0, to: this.#view.state.doc.length, insert: text },
      selection: { anchor: text.length },
      annotations: programmatic.of(true),
    });
  }

  get selectionStart() { return this.#view.state.selection.main.from; }
  get selectionEnd() { return this.#view.state.selection.main.to; }
  get hasFocus() { return this.#view.hasFocus; }
  focus() { this.#view.focus(); }

  /** An attribute of the editable element (aria-invalid also marks the frame). */
  setAttribute(name, value) {
    if (this.#attrs[name] === String(value)) return;
    this.#attrs[name] = String(value);
    this.#view.dispatch({ effects: this.#attrsSlot.reconfigure(this.#attributes()) });
  }

  /**
   * Underline the error at `pos` (a 0-based UTF-16 offset into the text) with its message on
   * hover; a negative or missing pos clears it.
   */
  setError(pos, message = '') {
    const { state } = this.#view;
    const want = Number.isInteger(pos) && pos >= 0 ? { pos, message, doc: state.doc } : null;
    if (want === this.#error || (want && this.#error && want.pos === this.#error.pos && want.message === this.#error.message && want.doc === this.#error.doc)) return;
    this.#error = want;
    const diagnostics = want ? [{ ...errorRange(state, pos), severity: 'error', message }] : [];
    this.#view.dispatch(setDiagnostics(state, diagnostics));
  }
}
