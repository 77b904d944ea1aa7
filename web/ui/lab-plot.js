// The labs' charts (uPlot, as the main plot): one quantity per layer (the depth lab) or per step
// (the training lab, `x` given) on a log y axis (or a linear one), one series per compared config
// in the theme's palette with the main plot's marker shapes (the current config has none, config k
// has markerOf(k)); a series may be dashed (test beside train). Zeros and NaN cannot sit on a log
// axis: they are gaps, and the chart says how many.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { css, num, markerOf, drawShape } from './plot.js';

/** Decade ticks as 1e-5 … 1e3 (1, 10, 100 plainly). */
const logTick = (v) => (v == null ? '' : v >= 1 && v <= 1000 ? String(v) : v.toExponential(0).replace('e+', 'e'));

export class LabPlot {
  #el;
  #u = null;
  #sig = '';
  #series = [];
  #height;
  #steps = false;

  /** `el`: the chart's box; `height`: px. */
  constructor(el, { height = 200 } = {}) {
    this.#el = el;
    this.#height = height;
    new ResizeObserver(() => this.#u?.setSize(this.#size())).observe(el);
  }

  get uplot() { return this.#u; }

  #size() {
    return { width: Math.max(240, Math.floor(this.#el.clientWidth)), height: this.#height };
  }

  /**
   * series: [{ label, color, y: number[] (layer 1..n) }]; `xLabel`: the axis name. Returns the
   * number of values left out (zero, negative, NaN or infinite).
   */
  update(series, { xLabel, theme, x: xs = null, log = true, yRange = null }) {
    this.#series = series;
    this.#steps = !!xs;
    const n = xs ? xs.length : Math.max(1, ...series.map((s) => s.y.length));
    const x = xs ?? Float64Array.from({ length: n }, (_, i) => i + 1);
    let gaps = 0;
    const ys = series.map((s) => Array.from({ length: n }, (_, i) => {
      const v = s.y[i];
      if (i >= s.y.length) return null;
      if (!Number.isFinite(v) || (log && !(v > 0))) { gaps++; return null; }
      return v;
    }));
    const data = [x, ...ys];
    // A new label alone (a parameter step renames the config) keeps the chart: only its data moves.
    const sig = JSON.stringify([series.map((s) => [s.color, !!s.dash]), xLabel, theme, log, yRange, !!xs]);
    if (sig !== this.#sig || !this.#u) {
      this.#sig = sig;
      this.#u?.destroy();
      this.#u = new uPlot(this.#options(series, xLabel, { log, yRange, steps: !!xs }), data, this.#el);
    } else {
      series.forEach((s, k) => { this.#u.series[k + 1].label = s.label; });
      this.#u.setData(data);
    }
    this.gaps = gaps;
    return gaps;
  }

  #options(series, xLabel, { log, yRange, steps }) {
    const fg = css('--fg', this.#el), grid = css('--grid', this.#el);
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const font = '11px system-ui, sans-serif';
    // Whole decades only, a step of several decades when the range spans many (vanishing
    // gradients span 40): a label and a grid line at least ~28 px apart.
    const logAxis = { ...axis, size: 52, font, values: (u, vals) => vals.map(logTick), filter: (u, splits) => splits, splits: (u, i, min, max) => {
      const lo = Math.ceil(Math.log10(min) - 1e-9), hi = Math.floor(Math.log10(max) + 1e-9);
      const room = Math.max(2, Math.floor((this.#height - 50) / 28));
      const step = Math.max(1, Math.ceil((hi - lo + 1) / room));
      const out = [];
      for (let k = Math.ceil(lo / step) * step; k <= hi; k += step) out.push(Number(`1e${k}`));
      return out;
    } };
    return {
      ...this.#size(),
      scales: {
        x: { time: false, range: steps ? (u, lo, hi) => [Math.min(lo ?? 0, 0), Math.max(hi ?? 1, 1)] : (u, lo, hi) => [Math.min(lo, 1) - 0.5, hi + 0.5] },
        y: log
          ? { distr: 3, log: 10, range: (u, lo, hi) => (lo == null || hi == null || !(lo > 0) ? [0.1, 10] : uPlot.rangeLog(lo, hi, 10, true)) }
          : { range: (u, lo, hi) => yRange ?? [lo ?? 0, hi ?? 1] },
      },
      axes: [
        { ...axis, label: xLabel, size: 30, labelSize: 14, labelGap: 0, font, labelFont: font,
          ...(steps ? {} : { incrs: [1, 2, 5, 10, 20, 25, 50] }), values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? String(v) : '')) },
        log ? logAxis : { ...axis, size: 52, font },
      ],
      series: [
        { label: xLabel, value: (u, v) => (v == null ? '—' : String(v)) },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: s.dash ? 1.5 : 2, dash: s.dash ? [5, 4] : undefined, value: (u, v) => num(v), points: { show: false }, spanGaps: false })),
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      hooks: {
        draw: [(u) => this.#markers(u)],
        setCursor: [(u) => this.onHover?.(u.cursor.idx ?? null)],
      },
    };
  }

  // The main plot's second channel besides colour: pinned config k carries markerOf(k) at every
  // layer (every few layers when they are dense); the current config is the plain line.
  #markers(u) {
    const dpr = devicePixelRatio || 1;
    const { ctx, bbox } = u;
    const xs = u.data[0];
    const gap = this.#steps ? 36 : 10;  // a loss curve over thousands of steps: a marker every 36 px
    const step = Math.max(1, Math.ceil((xs.length * gap * dpr) / Math.max(1, bbox.width)));
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
    ctx.clip();
    for (let k = 0; k < this.#series.length; k++) {
      const ys = u.data[k + 1];
      const m = this.#series[k].marker ?? k;  // the config's marker (a config may have two series)
      ctx.strokeStyle = ctx.fillStyle = this.#series[k].color;
      ctx.lineWidth = 1.5 * dpr;
      for (let i = k % step; i < xs.length; i += step) {
        if (ys[i] == null) continue;
        const px = u.valToPos(xs[i], 'x', true), py = u.valToPos(ys[i], 'y', true);
        if (m === 0) {
          ctx.beginPath();
          ctx.arc(px, py, 2.2 * dpr, 0, 2 * Math.PI);
          ctx.fill();
        } else {
          drawShape(ctx, markerOf(m), px, py, 3.5 * dpr);
        }
      }
    }
    ctx.restore();
  }

  destroy() { this.#u?.destroy(); this.#u = null; }
}
