// The main chart (uPlot): f and f' of the current function and of every pinned one on a shared
// x axis, hover readout in the legend, drag-to-zoom, kink markers with PyTorch's one-sided
// derivative, optional shading where |f'| < 1e-3.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { flatRuns, runsWhere } from './sample.js';
import { RANGE_ABS, RANGE_MIN_SPAN } from '../lib/state.js';

/** A theme variable as resolved at `el` (the page root, or inside a web component's shadow root). */
export const css = (name, el = document.documentElement) => getComputedStyle(el).getPropertyValue(name).trim();
export const systemDark = matchMedia('(prefers-color-scheme: dark)');
/** 'light' or 'dark' for a theme setting ('system' follows the operating system). */
export const effectiveTheme = (theme) => (theme === 'system' ? (systemDark.matches ? 'dark' : 'light') : theme);

// The page palette is read once per theme (getComputedStyle is slow enough to matter per frame).
const paletteCache = new Map();
export const palette = (el) => {
  const key = el ? null : document.documentElement.dataset.theme;
  if (key != null && paletteCache.has(key)) return paletteCache.get(key);
  const p = [0, 1, 2, 3, 4, 5].map((i) => css(`--c${i}`, el));
  if (key != null) paletteCache.set(key, p);
  return p;
};

/**
 * Tick labels with as many digits as the tick step needs, so neighbours stay short and distinct
 * (ticks 5e-7 apart read 5e-7, 1e-6, not 5.000e-7, 1.000e-6 running into each other).
 */
export function tickLabels(vals, incr) {
  const e = Math.floor(Math.log10(incr) + 1e-9);
  return vals.map((v) => {
    if (v == null) return '';
    if (Math.abs(v) < incr * 1e-6) return '0';
    if (e >= -4 && Math.abs(v) < 1e6) return String(+v.toFixed(Math.max(0, -e)));
    const p = Math.max(0, Math.floor(Math.log10(Math.abs(v)) + 1e-9) - e);
    return v.toExponential(Math.min(p, 6)).replace(/\.?0+e/, 'e').replace('e+', 'e');
  });
}

/** A zoomed range rounded to the digits its axis shows (links stay short: -3.01,-0.01, not -3.006,-0.005814). */
export function roundRange([lo, hi]) {
  for (let d = Math.max(0, 2 - Math.floor(Math.log10(hi - lo))); d <= 20; d++) {
    const r = [+lo.toFixed(d), +hi.toFixed(d)];
    if (r[0] < r[1] && r[1] - r[0] >= RANGE_MIN_SPAN) return r;
  }
  return [lo, hi];
}

/** Tick/legend number format: short, no float noise. */
export const num = (v) => (v == null || Number.isNaN(v) ? '—' : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(+v.toPrecision(5)));

export class MainPlot {
  #el;
  #u = null;
  #sig = '';        // series signature: the chart is rebuilt only when it changes
  #curves = [];     // [{ label, curve, color }]
  #opts;            // { shade, onZoom(xr, yr), onReset() }
  #firstDraw = true;

  constructor(el, opts) {
    this.#el = el;
    this.#opts = opts;
    new ResizeObserver(() => this.#resize()).observe(el);
    this.#touch();
  }

  // Touch: two fingers pinch x around their midpoint, one finger pans; the chart follows live
  // and the range is handed over (onZoom) when the fingers lift.
  #touch() {
    let start = null, range = null;
    const points = (e) => [...e.touches].map((t) => t.clientX);
    const begin = (e) => {
      const u = this.#u;
      start = { p: points(e), x: [u.scales.x.min, u.scales.x.max], rect: u.over.getBoundingClientRect() };
    };
    this.#el.addEventListener('touchstart', (e) => {
      if (!this.#u || !this.#u.over.contains(e.target)) return;
      begin(e);
    }, { passive: true });
    this.#el.addEventListener('touchmove', (e) => {
      if (!start) return;
      if (e.cancelable) e.preventDefault();
      const p = points(e), [x0, x1] = start.x, { left, width } = start.rect, span = x1 - x0;
      let lo, hi;
      if (p.length >= 2 && start.p.length >= 2) {
        const d0 = Math.abs(start.p[0] - start.p[1]) || 1, d1 = Math.abs(p[0] - p[1]) || 1;
        const c0 = (start.p[0] + start.p[1]) / 2 - left, c1 = (p[0] + p[1]) / 2 - left;
        const s = Math.min(2 * RANGE_ABS, Math.max(RANGE_MIN_SPAN, span * (d0 / d1)));
        lo = x0 + (c0 / width) * span - (c1 / width) * s;
        hi = lo + s;
      } else {
        const dx = ((p[0] - start.p[0]) / width) * span;
        [lo, hi] = [x0 - dx, x1 - dx];
      }
      // Kept inside the schema's bounds by shifting, not shrinking.
      const shift = Math.max(0, -RANGE_ABS - lo) - Math.max(0, hi - RANGE_ABS);
      range = [Math.max(-RANGE_ABS, lo + shift), Math.min(RANGE_ABS, hi + shift)];
      this.xr = range;
      this.#u.setScale('x', { min: range[0], max: range[1] });
    }, { passive: false });
    const end = (e) => {
      if (!start) return;
      if (e.touches.length) { begin(e); return; }  // a finger lifted: go on with the others
      start = null;
      if (range) this.#opts.onZoom(roundRange(range), null);
      range = null;
    };
    this.#el.addEventListener('touchend', end);
    this.#el.addEventListener('touchcancel', end);
  }

  get uplot() { return this.#u; }

  #size() {
    const w = Math.max(280, Math.floor(this.#el.clientWidth));
    return { width: w, height: Math.round(Math.min(460, Math.max(240, w * 0.55))) };
  }

  #resize() {
    if (this.#u) this.#u.setSize(this.#size());
  }

  /**
   * curves: [{ label, curve: {x, f, df, kinks}, color }]; show: {f, df}; xr: [lo, hi]; yr: [lo, hi] | null
   */
  update(curves, { show, xr, yr, shade, eps = 1e-3, steep = false }) {
    this.#curves = curves;
    Object.assign(this.#opts, { shade, eps, steep });
    // Rebuilt only when the series set changes; a parameter step only relabels (no new chart).
    const sig = JSON.stringify([curves.map((c) => [c.label.replace(/\(.*$/, ''), c.color]), show, yr == null, document.documentElement.dataset.theme]);
    const data = [curves[0]?.curve.x ?? new Float32Array(0)];
    for (const c of curves) data.push(c.curve.f, c.curve.df);
    this.yr = yr;
    this.xr = xr;
    /** Colour of every uPlot series (index 0 is x), for exports. */
    this.seriesColors = [null, ...curves.flatMap((c) => [c.color, c.color])];
    /** The y range on screen: the user's, or the automatic one. */
    this.yShown = yr ?? autoY(data, this.#u?.series.length === data.length ? this.#u : null);
    if (sig !== this.#sig || !this.#u) {
      this.#sig = sig;
      this.#u?.destroy();
      this.#u = new uPlot(this.#options(curves, show), data, this.#el);
      // Curves the state hides are left out of the legend (a greyed entry reads as "switched off here").
      this.#u.root.querySelectorAll('.u-legend .u-series').forEach((row, i) => { if (i > 0 && !this.#u.series[i].show) row.hidden = true; });
    } else {
      this.#relabel(curves);
      this.#u.batch(() => {
        this.#u.setData(data, false);
        this.#u.setScale('x', { min: xr[0], max: xr[1] });
        if (yr) this.#u.setScale('y', { min: yr[0], max: yr[1] });
        else { const [min, max] = autoY(data, this.#u); this.#u.setScale('y', { min, max }); }
      });
    }
  }

  // Legend labels follow the parameters (ELU(alpha=0.5)) without rebuilding the chart.
  #relabel(curves) {
    const rows = this.#u.root.querySelectorAll('.u-legend .u-series');
    curves.forEach((c, k) => {
      [c.label, `${c.label}′`].forEach((label, j) => {
        const i = 1 + 2 * k + j;
        if (this.#u.series[i].label === label) return;
        this.#u.series[i].label = label;
        const el = rows[i]?.querySelector('.u-label');
        if (el) el.textContent = label;
      });
    });
  }

  #options(curves, show) {
    const fg = css('--fg', this.#el), grid = css('--grid', this.#el);
    const series = [{ label: 'x', value: (u, v) => num(v) }];
    for (const c of curves) {
      series.push({ label: `${c.label}`, stroke: c.color, width: 2, show: show.f, value: (u, v) => num(v), points: { show: false } });
      series.push({ label: `${c.label}′`, stroke: c.color, width: 1.5, dash: [6, 4], show: show.df, value: (u, v) => num(v), points: { show: false } });
    }
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, values: (u, vals, i, space, incr) => tickLabels(vals, incr) };
    return {
      ...this.#size(),
      scales: {
        x: { time: false, auto: false, range: () => this.xr },
        y: { auto: false, range: (u) => this.yr ?? autoY(u.data, u) },
      },
      axes: [axis, { ...axis, size: 56 }],
      series,
      legend: { live: true },
      cursor: {
        drag: { x: true, y: true, uni: 20, setScale: false },
        bind: { dblclick: () => () => { this.#opts.onReset(); return null; } },
      },
      hooks: {
        setSelect: [(u) => {
          const s = { ...u.select };  // setSelect below resets u.select in place
          if (s.width < 4 && s.height < 4) return;
          const x0 = u.posToVal(s.left, 'x'), x1 = u.posToVal(s.left + s.width, 'x');
          const y0 = u.posToVal(s.top + s.height, 'y'), y1 = u.posToVal(s.top, 'y');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          // A one-way drag selects the whole other axis: that axis keeps its range (y stays auto).
          const W = u.over.clientWidth, H = u.over.clientHeight;
          const xs = s.width >= 4 && !(s.left <= 0 && s.width >= W - 1), ys = s.height >= 4 && !(s.top <= 0 && s.height >= H - 1);
          if (xs || ys) this.#opts.onZoom(xs ? [x0, x1] : null, ys ? [y0, y1] : null);
        }],
        setSeries: [(u) => { if (!this.yr) { const [min, max] = autoY(u.data, u); u.setScale('y', { min, max }); } }],
        drawClear: [(u) => this.#shade(u)],
        draw: [(u) => {
          this.#markers(u);
          this.#kinks(u);
          if (this.#firstDraw && u.data[0].length) {
            this.#firstDraw = false;
            performance.mark('actlab:first-curve');
          }
        }],
      },
    };
  }

  // Where the current function's gradient vanishes (|f′| < eps: saturation, dead units) and,
  // optionally, where it explodes (|f′| > 1): bands behind the curves.
  #shade(u) {
    if (!this.#curves.length) return;
    const { ctx, bbox } = u;
    const c = this.#curves[0].curve;
    const band = (runs, color) => {
      ctx.fillStyle = color;
      for (const [a, b] of runs) {
        const l = u.valToPos(a, 'x', true), r = u.valToPos(b, 'x', true);
        const x0 = Math.max(bbox.left, Math.min(l, r)), x1 = Math.min(bbox.left + bbox.width, Math.max(l, r));
        if (x1 >= x0) ctx.fillRect(x0, bbox.top, Math.max(1, x1 - x0), bbox.height);
      }
    };
    ctx.save();
    if (this.#opts.shade) band(flatRuns(c, this.#opts.eps), css('--shade', this.#el));
    if (this.#opts.steep) band(runsWhere(c, (d) => Math.abs(d) > 1), css('--shade-steep', this.#el));
    ctx.restore();
  }

  // A second channel besides colour: every pinned curve (f and f′) carries its own marker shape
  // every ~48 px, so overlays stay apart in grey print and for colour-vision deficiencies.
  #markers(u) {
    const dpr = devicePixelRatio || 1;
    const { ctx, bbox } = u;
    const xs = u.data[0];
    let drawn = 0;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
    ctx.clip();
    for (let k = 1; k < this.#curves.length; k++) {
      const shape = markerOf(k);
      ctx.strokeStyle = ctx.fillStyle = this.#curves[k].color;
      ctx.lineWidth = 1.5 * dpr;
      // Every `step`-th sample is MARKER_SPACING px apart (the grid is uniform).
      const step = Math.max(1, Math.round((MARKER_SPACING * dpr * (xs.length - 1)) / Math.max(1, bbox.width)));
      const first = Math.round((shape.offset / MARKER_SPACING) * step);
      for (const s of [2 * k + 1, 2 * k + 2]) {
        if (!u.series[s].show) continue;
        const ys = u.data[s];
        for (let i = first; i < xs.length; i += step) {
          if (!Number.isFinite(ys[i])) continue;
          drawShape(ctx, shape, u.valToPos(xs[i], 'x', true), u.valToPos(ys[i], 'y', true), 3.5 * dpr);
          drawn++;
        }
      }
    }
    ctx.restore();
    /** Markers in the last draw (tests). */
    this.markersDrawn = drawn;
  }

  // Kinks of the current function: a dot on f, a ring on f' at PyTorch's one-sided value.
  #kinks(u) {
    const c = this.#curves[0];
    if (!c) return;
    const { ctx, bbox } = u;
    const dpr = devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
    ctx.clip();
    ctx.font = `${12 * dpr}px system-ui, sans-serif`;
    ctx.fillStyle = ctx.strokeStyle = c.color;
    ctx.lineWidth = 2 * dpr;
    for (const k of c.curve.kinks) {
      const px = u.valToPos(k.x, 'x', true);
      if (u.series[1].show) {
        ctx.beginPath();
        ctx.arc(px, u.valToPos(k.f, 'y', true), 4 * dpr, 0, 2 * Math.PI);
        ctx.fill();
      }
      if (u.series[2].show) {
        const py = u.valToPos(k.df, 'y', true);
        ctx.beginPath();
        ctx.arc(px, py, 4.5 * dpr, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.fillText(`f′(${num(k.x)}) = ${num(k.df)}`, px + 7 * dpr, py - 7 * dpr);
      }
    }
    ctx.restore();
  }
}

/**
 * The marker of pinned curve k (1, 2, ...), as outlines in units of its radius: closed polygons,
 * open strokes, or a circle. The chart and the SVG export draw the same shapes, ~48 px apart,
 * staggered by curve (`offset`, px) so markers of overlapping curves do not sit on one another.
 */
const MARKERS = [
  { closed: [[[-1, -1], [1, -1], [1, 1], [-1, 1]]] },            // square
  { closed: [[[0, -1.2], [1.1, 0.8], [-1.1, 0.8]]] },            // triangle
  { closed: [[[0, -1.3], [1, 0], [0, 1.3], [-1, 0]]] },          // diamond
  { open: [[[-1, -1], [1, 1]], [[1, -1], [-1, 1]]] },           // cross
  { circle: true },
];
export const MARKER_SPACING = 48;
export const markerOf = (k) => ({ ...MARKERS[(k - 1) % MARKERS.length], offset: (k * 11) % MARKER_SPACING });

export function drawShape(ctx, m, x, y, r) {
  ctx.beginPath();
  if (m.circle) ctx.arc(x, y, r, 0, 2 * Math.PI);
  for (const [kind, lines] of [['closed', m.closed ?? []], ['open', m.open ?? []]]) {
    for (const pts of lines) {
      pts.forEach(([a, b], i) => (i ? ctx.lineTo(x + a * r, y + b * r) : ctx.moveTo(x + a * r, y + b * r)));
      if (kind === 'closed') ctx.closePath();
    }
  }
  ctx.stroke();
}

// y range of the visible data with 8% padding; NaN/inf ignored.
function autoY(data, u) {
  let lo = Infinity, hi = -Infinity;
  for (let s = 1; s < data.length; s++) {
    if (u && u.series[s] && !u.series[s].show) continue;
    for (const v of data[s]) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  }
  if (lo > hi) return [-1, 1];
  if (hi - lo < 1e-6) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}
