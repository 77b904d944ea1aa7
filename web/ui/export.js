// Export of the current plot: CSV of the sampled curves, SVG redrawn from the data (vector, with
// axes, grid and legend), PNG of uPlot's canvas with the legend painted under it.
import { css, num, palette, markerOf, MARKER_SPACING } from './plot.js';

/** Shortest decimal that reads back as the same float32 (CSV stays exact and short). */
export function f32str(v) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(+s) === v) return String(+s);
  }
  return String(v);
}

const csvCell = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** x, then f and f' of every curve, one row per sample; a BOM so spreadsheets read UTF-8 (′). */
export function toCSV(u) {
  const cols = u.series.map((s, i) => (i === 0 ? 'x' : s.label));
  const lines = [cols.map(csvCell).join(',')];
  const n = u.data[0].length;
  for (let r = 0; r < n; r++) lines.push(u.data.map((d) => f32str(d[r])).join(','));
  return `\ufeff${lines.join('\n')}\n`;
}

const xml = (s) => String(s).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);

/** About `count` round tick values covering [lo, hi]. */
function ticks(lo, hi, count) {
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

// The theme's colours, whatever the screen shows: resolved on a probe carrying that theme.
function themeColors(theme) {
  const probe = document.createElement('div');
  probe.dataset.theme = theme === 'dark' ? 'dark' : 'light';
  probe.hidden = true;
  document.body.append(probe);
  const v = (name) => css(name, probe);
  const c = { bg: theme === 'transparent' ? null : v('--panel'), fg: v('--fg'), grid: v('--grid'), series: palette(probe) };
  probe.remove();
  return c;
}

// The marker of pinned curve k (ui/plot.js's shapes), in SVG.
function marker(k, x, y, r, color) {
  const m = markerOf(k);
  if (m.circle) return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="none" stroke="${color}" stroke-width="1.5"/>`;
  const line = (pts) => `M${pts.map(([a, b]) => `${(x + a * r).toFixed(1)} ${(y + b * r).toFixed(1)}`).join('L')}`;
  const d = [...(m.closed ?? []).map((pts) => `${line(pts)}Z`), ...(m.open ?? []).map(line)].join('');
  return `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`;
}

/**
 * A standalone SVG of what the chart shows (visible series only), in `theme` (light, dark, or
 * transparent: light colours on no background), with axis labels and a legend.
 */
export function toSVG(u, title, { theme = 'light', yLabel = 'f(x), f′(x)' } = {}) {
  const W = 800, L = 64, R = 16, T = 36;
  const [x0, x1] = [u.scales.x.min, u.scales.x.max];
  const [y0, y1] = [u.scales.y.min, u.scales.y.max];
  const shown = u.series.map((s, i) => ({ s, i })).filter(({ s, i }) => i > 0 && s.show);
  // The legend flows in rows under the axis label; the height follows it.
  const rows = [];
  let lx = L;
  for (const { s } of shown) {
    const w = 46 + s.label.length * 7;
    if (!rows.length || lx + w > W - R) { rows.push([]); lx = L; }
    rows.at(-1).push({ s, x: lx });
    lx += w;
  }
  const ph = 374, H = T + ph + 44 + rows.length * 16 + 8, pw = W - L - R;
  const X = (v) => L + ((v - x0) / (x1 - x0)) * pw;
  const Y = (v) => T + (1 - (v - y0) / (y1 - y0)) * ph;
  const { bg, fg, grid, series } = themeColors(theme);
  const color = (i) => series[Math.floor((i - 1) / 2) % series.length];
  const o = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`];
  if (bg) o.push(`<rect width="${W}" height="${H}" fill="${xml(bg)}"/>`);
  o.push(`<text x="${L}" y="22" font-size="15" font-weight="600" fill="${xml(fg)}">${xml(title)}</text>`);
  for (const v of ticks(x0, x1, 8)) o.push(`<line x1="${X(v).toFixed(1)}" x2="${X(v).toFixed(1)}" y1="${T}" y2="${T + ph}" stroke="${xml(grid)}"/>`, `<text x="${X(v).toFixed(1)}" y="${T + ph + 16}" text-anchor="middle" fill="${xml(fg)}">${xml(num(v))}</text>`);
  for (const v of ticks(y0, y1, 6)) o.push(`<line x1="${L}" x2="${L + pw}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="${xml(grid)}"/>`, `<text x="${L - 6}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end" fill="${xml(fg)}">${xml(num(v))}</text>`);
  // Axis labels: x under the ticks, f(x), f′(x) turned along the y axis.
  o.push(`<text x="${L + pw / 2}" y="${T + ph + 34}" text-anchor="middle" font-style="italic" fill="${xml(fg)}" class="axis-x">x</text>`,
    `<text transform="translate(14 ${T + ph / 2}) rotate(-90)" text-anchor="middle" fill="${xml(fg)}" class="axis-y">${xml(yLabel)}</text>`);
  o.push(`<clipPath id="plot"><rect x="${L}" y="${T}" width="${pw}" height="${ph}"/></clipPath><g clip-path="url(#plot)" fill="none">`);
  for (const { s, i } of shown) {
    let d = '';
    let pen = false;
    const xs = u.data[0], ys = u.data[i];
    const k = Math.floor((i - 1) / 2);
    const from = k > 0 ? L + markerOf(k).offset : Infinity;  // the main curve has no markers
    const marks = [];
    let last = -Infinity;
    for (let j = 0; j < xs.length; j++) {
      const v = ys[j];
      if (!Number.isFinite(v)) { pen = false; continue; }
      const px = X(xs[j]), yv = Math.max(-1e4, Math.min(1e4, Y(v)));  // far off-scale points stay finite for the clip
      d += `${pen ? 'L' : 'M'}${px.toFixed(2)} ${yv.toFixed(2)}`;
      pen = true;
      if (px >= from && px - last >= MARKER_SPACING) { last = px; marks.push(marker(k, px, yv, 3.5, xml(color(i)))); }
    }
    const dash = s.dash ? ` stroke-dasharray="${s.dash.join(' ')}"` : '';
    o.push(`<path class="curve" d="${d}" stroke="${xml(color(i))}" stroke-width="${s.width}"${dash}/>`, ...marks);
  }
  o.push('</g>', `<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="${xml(grid)}"/>`);
  rows.forEach((row, r) => {
    const ly = T + ph + 58 + r * 16;
    for (const { s, x } of row) {
      const i = u.series.indexOf(s);
      const dash = s.dash ? ` stroke-dasharray="${s.dash.join(' ')}"` : '';
      const k = Math.floor((i - 1) / 2);
      o.push(`<line x1="${x}" x2="${x + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${xml(color(i))}" stroke-width="2"${dash}/>`, `<text x="${x + 28}" y="${ly}" fill="${xml(fg)}">${xml(s.label)}</text>`);
      if (k > 0) o.push(marker(k, x + 11, ly - 4, 3.5, xml(color(i))));
    }
  });
  o.push('</svg>');
  return o.join('\n');
}

/** The same drawing as toSVG, rasterized at twice its size, as a PNG blob. */
export async function toPNG(u, title, opts) {
  const svg = toSVG(u, title, opts);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width * 2;
    c.height = img.height * 2;
    c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
    return await new Promise((resolve) => c.toBlob(resolve, 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Save a blob or string under `name` (an <a download> click; nothing is uploaded). */
export function download(name, content, type) {
  const blob = content instanceof Blob ? content : new Blob([content], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
