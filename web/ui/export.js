// Export of the current plot: CSV of the sampled curves, SVG redrawn from the data (vector, with
// axes, grid and legend), PNG of uPlot's canvas with the legend painted under it.
import { css, num } from './plot.js';

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

/** x, then f and f' of every curve, one row per sample. */
export function toCSV(u) {
  const cols = u.series.map((s, i) => (i === 0 ? 'x' : s.label));
  const lines = [cols.map(csvCell).join(',')];
  const n = u.data[0].length;
  for (let r = 0; r < n; r++) lines.push(u.data.map((d) => f32str(d[r])).join(','));
  return `${lines.join('\n')}\n`;
}

const xml = (s) => String(s).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);

/** About `count` round tick values covering [lo, hi]. */
function ticks(lo, hi, count) {
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** A standalone SVG of what the chart shows (visible series only). */
export function toSVG(u, title, colors) {
  const W = 800, H = 480, L = 56, R = 16, T = 36, B = 70;
  const pw = W - L - R, ph = H - T - B;
  const [x0, x1] = [u.scales.x.min, u.scales.x.max];
  const [y0, y1] = [u.scales.y.min, u.scales.y.max];
  const X = (v) => L + ((v - x0) / (x1 - x0)) * pw;
  const Y = (v) => T + (1 - (v - y0) / (y1 - y0)) * ph;
  const fg = css('--fg'), grid = css('--grid'), bg = css('--panel');
  const o = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="${xml(bg)}"/>`,
    `<text x="${L}" y="22" font-size="15" font-weight="600" fill="${xml(fg)}">${xml(title)}</text>`];
  for (const v of ticks(x0, x1, 8)) o.push(`<line x1="${X(v).toFixed(1)}" x2="${X(v).toFixed(1)}" y1="${T}" y2="${T + ph}" stroke="${xml(grid)}"/>`, `<text x="${X(v).toFixed(1)}" y="${T + ph + 16}" text-anchor="middle" fill="${xml(fg)}">${xml(num(v))}</text>`);
  for (const v of ticks(y0, y1, 6)) o.push(`<line x1="${L}" x2="${L + pw}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="${xml(grid)}"/>`, `<text x="${L - 6}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end" fill="${xml(fg)}">${xml(num(v))}</text>`);
  o.push(`<clipPath id="plot"><rect x="${L}" y="${T}" width="${pw}" height="${ph}"/></clipPath><g clip-path="url(#plot)" fill="none">`);
  const legend = [];
  u.series.forEach((s, i) => {
    if (i === 0 || !s.show) return;
    let d = '';
    let pen = false;
    const xs = u.data[0], ys = u.data[i];
    for (let k = 0; k < xs.length; k++) {
      const v = ys[k];
      if (!Number.isFinite(v)) { pen = false; continue; }
      const yv = Math.max(-1e4, Math.min(1e4, Y(v)));  // far off-scale points stay finite for the clip
      d += `${pen ? 'L' : 'M'}${X(xs[k]).toFixed(2)} ${yv.toFixed(2)}`;
      pen = true;
    }
    const dash = s.dash ? ` stroke-dasharray="${s.dash.join(' ')}"` : '';
    o.push(`<path d="${d}" stroke="${xml(colors[i])}" stroke-width="${s.width}"${dash}/>`);
    legend.push({ label: s.label, color: colors[i], dash });
  });
  o.push('</g>', `<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="${xml(grid)}"/>`);
  let lx = L, ly = H - 22;
  for (const g of legend) {
    const w = 34 + g.label.length * 7;
    if (lx + w > W - R) { lx = L; ly += 16; }
    o.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${xml(g.color)}" stroke-width="2"${g.dash}/>`, `<text x="${lx + 28}" y="${ly}" fill="${xml(fg)}">${xml(g.label)}</text>`);
    lx += w;
  }
  o.push('</svg>');
  return o.join('\n');
}

/** uPlot's canvas plus a title and a legend, as a PNG blob. */
export function toPNG(u, title, colors) {
  const src = u.ctx.canvas;
  const dpr = src.width / u.width || 1;
  const shown = u.series.map((s, i) => ({ s, color: colors[i] })).filter(({ s }, i) => i > 0 && s.show);
  const pad = 12 * dpr, head = 28 * dpr, foot = (20 + 16 * Math.ceil(shown.length / 3)) * dpr;
  const c = document.createElement('canvas');
  c.width = src.width + 2 * pad;
  c.height = src.height + head + foot;
  const g = c.getContext('2d');
  g.fillStyle = css('--panel');
  g.fillRect(0, 0, c.width, c.height);
  g.fillStyle = css('--fg');
  g.font = `600 ${15 * dpr}px system-ui, sans-serif`;
  g.fillText(title, pad, 20 * dpr);
  g.drawImage(src, pad, head);
  g.font = `${12 * dpr}px system-ui, sans-serif`;
  shown.forEach(({ s, color }, k) => {
    const x = pad + (k % 3) * (c.width / 3), y = head + src.height + (18 + 16 * Math.floor(k / 3)) * dpr;
    g.strokeStyle = color;
    g.lineWidth = 2 * dpr;
    g.setLineDash(s.dash ? s.dash.map((d) => d * dpr) : []);
    g.beginPath(); g.moveTo(x, y - 4 * dpr); g.lineTo(x + 22 * dpr, y - 4 * dpr); g.stroke();
    g.fillStyle = css('--fg');
    g.fillText(s.label, x + 28 * dpr, y);
  });
  return new Promise((resolve) => c.toBlob(resolve, 'image/png'));
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
