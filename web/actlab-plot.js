// <actlab-plot fn="GELU" approximate="tanh" derivative></actlab-plot>
// One <script type="module" src=".../actlab-plot.js"> and any number of plots on a page, all
// sharing one wasm instance. Attributes are the share-link schema (fn, the function's PyTorch
// parameters, cmp, x, y, show, shade, vec, comp, theme); `derivative` is short for show="f,df"
// (without it and without `show`, only f is drawn). Invalid attributes are reported in the
// element, as a link's would be.
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import themeCss from './ui/theme.css?inline';
import { loadActlab } from './lib/actlab.js';
import { decodeLink, CUSTOM } from './ui/custom.js';
import { Sampler } from './ui/sample.js';
import { effectiveTheme } from './ui/plot.js';
import { PlotPanel } from './ui/chart.js';

// One instance per page (two if some elements have an `expr`: that build carries the engine).
const shared = new Map();
const core = (expr) => {
  if (!shared.has(expr)) {
    shared.set(expr, loadActlab({ expr }).then((lab) => ({
      lab,
      builtins: lab.functions.map((f) => [f.name, f]),
      sampler: new Sampler(lab, 1000),
    })));
  }
  return shared.get(expr);
};
let elements = 0;
const BOOLEAN = new Set(['shade', 'steep']);  // link keys whose bare attribute means true (+ bool params)

const STYLE = `${uplotCss}
${themeCss}
:host { display: block; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; margin: 1em 0; }
.title { font-weight: 600; margin-bottom: 4px; }
.u-legend { font-size: 12px; text-align: left; }
.note { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
.error { color: var(--error); font-size: 12px; margin: 4px 0 0; }`;

// Attribute text -> one URL pair; only the characters that split a hash are escaped, so the
// codec reads `cmp="ReLU;ELU(alpha=0.5)"` exactly as it reads the same text in a link.
const esc = (v) => v.replace(/%/g, '%25').replace(/&/g, '%26').replace(/#/g, '%23').replace(/\s/g, (c) => encodeURIComponent(c));
const OWN = new Set(['derivative', 'class', 'style', 'id', 'title', 'label', 'data-dark', 'hidden', 'slot', 'lang']);

// The closest table name to a misspelt one (case first, then edit distance), for "did you mean".
function closest(name, names) {
  const lower = names.find((n) => n.toLowerCase() === name.toLowerCase());
  if (lower) return lower;
  const dist = (a, b) => {
    const d = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0];
      d[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const t = d[j];
        d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        prev = t;
      }
    }
    return d[b.length];
  };
  const best = names.reduce((a, n) => (dist(name, n) < dist(name, a) ? n : a), names[0]);
  return dist(name, best) <= Math.max(2, name.length / 3) ? best : null;
}

// The host page's background is dark? (its first non-transparent background up the tree)
function hostIsDark(el) {
  for (let e = el.parentElement; e; e = e.parentElement) {
    const m = getComputedStyle(e).backgroundColor.match(/[\d.]+/g);
    if (m && (m.length < 4 || +m[3] > 0)) return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255 < 0.5;
  }
  return false;
}

class ActlabPlot extends HTMLElement {
  #root;
  #panel = null;
  #state = null;
  #base = null;
  #observer = null;
  #title; #box; #err; #note;
  // This element's custom expression lives in the shared engine under a name of its own, so
  // elements never recompile each other's; the link's `Custom` maps to it in #specs.
  #name = `Custom-${++elements}`;
  #specs = null;

  connectedCallback() {
    if (!this.#root) {
      this.#root = this.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = STYLE;
      this.#title = Object.assign(document.createElement('div'), { className: 'title' });
      this.#box = document.createElement('div');
      this.#box.setAttribute('role', 'img');
      this.#err = Object.assign(document.createElement('p'), { className: 'error', hidden: true });
      this.#note = Object.assign(document.createElement('p'), { className: 'note', hidden: true });
      this.#root.append(style, this.#title, this.#box, this.#err, this.#note);
      this.#observer = new MutationObserver(() => this.#render());
    }
    this.#observer.observe(this, { attributes: true });
    this.#render();
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
  }

  /** The element's configuration as a share-link hash (a bare boolean attribute means true). */
  get hash() {
    const pairs = [];
    for (const a of this.attributes) {
      if (OWN.has(a.name)) continue;
      const v = a.name === 'theme' && a.value === 'auto' ? 'system' : a.value === '' && BOOLEAN.has(a.name) ? 'true' : a.value;
      pairs.push(`${esc(a.name)}=${esc(v)}`);
    }
    if (!this.hasAttribute('show')) pairs.push(`show=${this.hasAttribute('derivative') ? 'f,df' : 'f'}`);
    return pairs.join('&');
  }

  async #render() {
    const { lab, builtins, sampler } = await core(this.hasAttribute('expr'));
    for (const f of lab.functions) for (const p of f.params) if (p.kind === 'bool') BOOLEAN.add(p.name);
    const { state, notices, custom } = decodeLink(lab, this.hash, {}, { name: this.#name });
    this.#specs = new Map(builtins);
    if (custom.spec) this.#specs.set(CUSTOM, custom.spec);
    // A misspelt function is an error, not a quiet fallback to the default function.
    const fn = this.getAttribute('fn');
    if (fn != null && fn !== state.fn) {
      const hint = closest(fn, [...this.#specs.keys()]);
      this.#err.hidden = false;
      this.#err.textContent = `Unknown function '${fn}'${hint ? `: did you mean ${hint}?` : ''}`;
      this.#box.hidden = this.#title.hidden = this.#note.hidden = true;
      return;
    }
    this.#box.hidden = this.#title.hidden = false;
    this.#state = state;
    this.#base = state;
    // Without a theme attribute the plot matches the page around it, not the reader's OS.
    const dark = this.hasAttribute('theme') ? effectiveTheme(state.theme) === 'dark' : hostIsDark(this);
    this.toggleAttribute('data-dark', dark);
    this.#panel ??= new PlotPanel({ plot: this.#box, title: this.#title, error: this.#err }, {
      themeRoot: this.#box,
      onZoom: (xr, yr) => { this.#state = { ...this.#state, x: xr ?? this.#state.x, y: yr ?? this.#state.y }; this.#draw(sampler); },
      onReset: () => { this.#state = this.#base; this.#draw(sampler); },
    });
    this.#note.hidden = !notices.length;
    this.#note.textContent = notices.join(' · ');
    this.#draw(sampler);
  }

  #draw(sampler) {
    this.#panel.draw(this.#state, { specs: this.#specs, sampler });
    if (this.hasAttribute('title')) this.#title.textContent = this.getAttribute('title');
    if (this.hasAttribute('label')) this.#box.setAttribute('aria-label', this.getAttribute('label'));
  }

  /** uPlot instance (tests). */
  get uplot() { return this.#panel?.uplot ?? null; }
}

if (!customElements.get('actlab-plot')) customElements.define('actlab-plot', ActlabPlot);
