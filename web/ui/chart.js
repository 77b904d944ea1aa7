// The one plot component: link-schema state -> curves from the wasm kernels -> the chart, with
// zoom/reset, kinks, shading, the title, the aria label, the error line and the theme's palette.
// The playground, embed.html and <actlab-plot> all draw through it.
import { MainPlot, palette } from './plot.js';
import { curvesFor } from './curves.js';
import { t } from './i18n.js';

export class PlotPanel {
  #plot;
  #els;
  #lastGood = new Map();  // slot -> last valid curve (shown while a parameter is invalid)

  /**
   * els: { plot, title?, error? } elements; onZoom(xr, yr) / onReset() receive the user's zoom;
   * `themeRoot`: where the palette variables resolve (a web component's shadow host), or the page.
   */
  constructor(els, { onZoom, onReset, themeRoot = null }) {
    this.#els = els;
    this.themeRoot = themeRoot;
    this.#plot = new MainPlot(els.plot, { shade: false, onZoom, onReset });
  }

  get uplot() { return this.#plot.uplot; }
  /** The y range on screen (the user's, or the automatic one). */
  get yShown() { return this.#plot.yShown; }
  /** Marker shapes drawn on the pinned curves in the last draw (tests). */
  get markersDrawn() { return this.#plot.markersDrawn; }
  /** Colour of every uPlot series, for exports. */
  get seriesColors() { return this.#plot.seriesColors; }

  /** Draw `state` (fn, params, overlays, x, y, show, shade, vec, comp); returns { curves, error }. */
  draw(state, { specs, sampler }) {
    const { curves, error } = curvesFor(state, specs, sampler, palette(this.themeRoot ?? undefined), this.#lastGood);
    this.#plot.update(curves, { show: state.show, xr: state.x, yr: state.y, shade: state.shade, eps: state.eps, steep: state.steep });
    const labels = curves.map((c) => c.label);
    if (this.#els.title) this.#els.title.textContent = labels.join(' · ');
    const lang = state.lang;
    const what = [state.show.f && 'f(x)', state.show.df && 'f′(x)'].filter(Boolean).join(t(lang, 'curvesAnd')) || t(lang, 'noCurves');
    this.#els.plot.setAttribute('aria-label', t(lang, 'plotAria', labels.join(', '), what, state.x[0], state.x[1]));
    if (this.#els.error) {
      this.#els.error.hidden = !error;
      this.#els.error.textContent = error;
    }
    return { curves, error };
  }

  /** Forget the last good curves (they came from another build). */
  reset() { this.#lastGood.clear(); }
}
