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
const OWN = new Set(['derivative', 'class', 'style', 'id', 'title', 'data-dark', 'hidden', 'slot', 'lang']);

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

  /** The element's configuration as a share-link hash. */
  get hash() {
    const pairs = [];
    for (const a of this.attributes) if (!OWN.has(a.name)) pairs.push(`${esc(a.name)}=${esc(a.value)}`);
    if (!this.hasAttribute('show')) pairs.push(`show=${this.hasAttribute('derivative') ? 'f,df' : 'f'}`);
    return pairs.join('&');
  }

  async #render() {
    const { lab, builtins, sampler } = await core(this.hasAttribute('expr'));
    const { state, notices, custom } = decodeLink(lab, this.hash, {}, { name: this.#name });
    this.#specs = new Map(builtins);
    if (custom.spec) this.#specs.set(CUSTOM, custom.spec);
    this.#state = state;
    this.#base = state;
    this.toggleAttribute('data-dark', effectiveTheme(state.theme) === 'dark');
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
  }

  /** uPlot instance (tests). */
  get uplot() { return this.#panel?.uplot ?? null; }
}

if (!customElements.get('actlab-plot')) customElements.define('actlab-plot', ActlabPlot);
