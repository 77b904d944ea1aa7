// <actlab-plot fn="GELU" approximate="tanh" derivative></actlab-plot>
// One <script type="module" src=".../actlab-plot.js"> and any number of plots on a page, all
// sharing one wasm instance. Attributes are the share-link schema (fn, the function's PyTorch
// parameters, cmp, x, y, show, shade, vec, comp, theme); `derivative` is short for show="f,df"
// (without it and without `show`, only f is drawn). Invalid attributes are reported in the
// element, as a link's would be.
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { loadActlab } from './lib/actlab.js';
import { decodeLink, CUSTOM } from './ui/custom.js';
import { Sampler } from './ui/sample.js';
import { MainPlot, palette, effectiveTheme } from './ui/plot.js';
import { curvesFor } from './ui/curves.js';

// One instance per page (two if some elements have an `expr`: that build carries the engine).
const shared = new Map();
const core = (expr) => {
  if (!shared.has(expr)) {
    shared.set(expr, loadActlab({ expr }).then((lab) => ({
      lab,
      specs: new Map(lab.functions.map((f) => [f.name, f])),
      sampler: new Sampler(lab, 1000),
    })));
  }
  return shared.get(expr);
};

const STYLE = `${uplotCss}
:host { display: block; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; margin: 1em 0;
  --bg: #fbfbfd; --panel: #ffffff; --fg: #1d2330; --muted: #5d6677; --line: #dfe3ea; --grid: #e9ecf2; --shade: rgba(120, 130, 160, 0.13); --error: #b42318;
  --c0: #d9480f; --c1: #1c7ed6; --c2: #2b8a3e; --c3: #862e9c; --c4: #c2255c; --c5: #5f3dc4; }
:host([data-dark]) { --bg: #11141a; --panel: #181c24; --fg: #e4e7ee; --muted: #9aa3b5; --line: #2a303c; --grid: #252b36; --shade: rgba(170, 180, 210, 0.12); --error: #ff8f84;
  --c0: #ff8a4c; --c1: #4dabf7; --c2: #69db7c; --c3: #da77f2; --c4: #f783ac; --c5: #9775fa; }
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
  #plot = null;
  #state = null;
  #base = null;
  #observer = null;
  #source = null;

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

  #title; #box; #err; #note;

  /** The element's configuration as a share-link hash. */
  get hash() {
    const pairs = [];
    for (const a of this.attributes) if (!OWN.has(a.name)) pairs.push(`${esc(a.name)}=${esc(a.value)}`);
    if (!this.hasAttribute('show')) pairs.push(`show=${this.hasAttribute('derivative') ? 'f,df' : 'f'}`);
    return pairs.join('&');
  }

  async #render() {
    const { lab, specs, sampler } = await core(this.hasAttribute('expr'));
    const { state, notices, custom } = decodeLink(lab, this.hash, {});
    if (custom.spec) specs.set(CUSTOM, custom.spec);
    this.#source = custom.spec ? custom.spec.source : null;
    this.#state = state;
    this.#base = state;
    this.toggleAttribute('data-dark', effectiveTheme(state.theme) === 'dark');
    this.#plot ??= new MainPlot(this.#box, {
      onZoom: (xr, yr) => { this.#state = { ...this.#state, x: xr ?? this.#state.x, y: yr ?? this.#state.y }; this.#draw(specs, sampler); },
      onReset: () => { this.#state = this.#base; this.#draw(specs, sampler); },
    });
    this.#note.hidden = !notices.length;
    this.#note.textContent = notices.join(' · ');
    this.#draw(specs, sampler);
  }

  #draw(specs, sampler) {
    const s = this.#state;
    // Elements share one engine and the name Custom: recompile this element's source if another
    // element compiled a different one since (cheap; curves are cached by source anyway).
    if (this.#source && specs.get(CUSTOM)?.source !== this.#source) specs.set(CUSTOM, sampler.lab.compile(this.#source, { name: CUSTOM }));
    const { curves, error } = curvesFor(s, specs, sampler, palette(this.#box));
    this.#plot.update(curves, { show: s.show, xr: s.x, yr: s.y, shade: s.shade });
    this.#title.textContent = curves.map((c) => c.label).join(' · ');
    this.#box.setAttribute('aria-label', `${this.#title.textContent}: ${s.show.df ? 'f(x) and f′(x)' : 'f(x)'}`);
    this.#err.hidden = !error;
    this.#err.textContent = error;
  }

  /** uPlot instance (tests). */
  get uplot() { return this.#plot?.uplot ?? null; }
}

if (!customElements.get('actlab-plot')) customElements.define('actlab-plot', ActlabPlot);
