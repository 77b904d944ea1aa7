// The app's icons, drawn from one shape (the favicon's ReLU hinge, white on the accent colour):
// an SVG and PNGs rasterized here, so the build needs no image files or tools. The hinge stays
// inside the middle 80%, the safe zone of a maskable icon that a launcher crops to a circle.
import { deflateSync } from 'node:zlib';

export const ACCENT = '#c2410c';
const BG = [0xc2, 0x41, 0x0c], FG = [0xff, 0xff, 0xff];
// In a 512-unit square: the hinge's points and stroke width.
const HINGE = [[112, 340], [244, 340], [400, 156]];
const WIDTH = 52;

export function iconSvg() {
  const d = `M${HINGE.map((p) => p.join(' ')).join('L')}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="${ACCENT}"/>`
    + `<path d="${d}" fill="none" stroke="#fff" stroke-width="${WIDTH}" stroke-linecap="round" stroke-linejoin="round"/></svg>\n`;
}

// Distance from p to segment ab.
function segDist(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A size x size RGB PNG of the icon (anti-aliased: coverage from the distance to the stroke). */
export function iconPng(size) {
  const unit = 512 / size;  // icon units per pixel
  const raw = Buffer.alloc(size * (1 + 3 * size));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + 3 * size);  // each row starts with filter type 0 (none)
    for (let x = 0; x < size; x++) {
      const px = (x + 0.5) * unit, py = (y + 0.5) * unit;
      const d = Math.min(segDist(px, py, HINGE[0], HINGE[1]), segDist(px, py, HINGE[1], HINGE[2]));
      const a = Math.max(0, Math.min(1, (WIDTH / 2 - d) / unit + 0.5));
      for (let c = 0; c < 3; c++) raw[row + 1 + 3 * x + c] = Math.round(BG[c] + (FG[c] - BG[c]) * a);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);  // 8-bit RGB, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}
