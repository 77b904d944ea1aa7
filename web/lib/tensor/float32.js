// torch 1.13's float arithmetic as GCC compiled it (FMA contractions, float32 roundings), and the
// arange/linspace kernels built on it.

export const f32 = Math.fround;
export const f32buf = new Float32Array(1);
export const i32buf = new Int32Array(f32buf.buffer);
const f64buf = new Float64Array(1);
const u32of64 = new Uint32Array(f64buf.buffer); // little-endian: [lo, hi]

function nextUpF32(x) { // x finite, toward +inf
  if (x === 0) return 1.401298464324817e-45;
  f32buf[0] = x;
  i32buf[0] += x > 0 ? 1 : -1;
  return f32buf[0];
}

// fmaf(a, b, c) for float32 inputs: a*b is exact in double; the sum is corrected when rounding
// to double and then to float would round twice.
export function fmaf(a, b, c) {
  const p = a * b;
  const t = p + c;
  const r = f32(t);
  if (r === t || !Number.isFinite(t)) return r;
  const bb = t - p;
  const e = (p - (t - bb)) + (c - bb);
  if (e === 0) return r;
  const lo = r > t ? -nextUpF32(-r) : r;
  const hi = r > t ? r : nextUpF32(r);
  if (t !== (lo + hi) / 2) return r;
  return e > 0 ? hi : lo;
}

// fma(a, b, c) in double with one rounding (Boldo & Melquiond: exact product and sum, the low
// part rounded to odd, then one final rounding). GCC contracted torch's `start + step * idx`.
const SPLIT = 134217729; // 2^27 + 1
function fma64(a, b, c) {
  const p = a * b;
  if (p === 0 || c === 0 || !Number.isFinite(p) || !Number.isFinite(c) || Math.abs(p) > 1e300) return p + c;
  const A = SPLIT * a, ah = A - (A - a), al = a - ah;
  const B = SPLIT * b, bh = B - (B - b), bl = b - bh;
  const pl = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  const th = c + p;
  const bv = th - c;
  const tl = (c - (th - bv)) + (p - bv);
  // v = round-to-odd(tl + pl)
  let v = tl + pl;
  const bw = v - tl;
  const ev = (tl - (v - bw)) + (pl - bw);
  if (ev !== 0 && v !== 0) {
    f64buf[0] = v;
    if ((u32of64[0] & 1) === 0) {
      // step one ulp toward the exact value: magnitude up if ev has v's sign, else down
      const up = (ev > 0) === (v > 0);
      if (up) { if (++u32of64[0] === 0) u32of64[1]++; } else { if (u32of64[0]-- === 0) u32of64[1]--; }
      v = f64buf[0];
    }
  }
  return th + v;
}

const GRAIN_SIZE = 32768;

// at::parallel_for: above GRAIN_SIZE, OpenMP threads take equal chunks, and each chunk restarts
// the vectorized loop, so the split changes which elements take the scalar path.
function parallelChunks(n, threads) {
  if (n <= GRAIN_SIZE || threads <= 1) return [[0, n]];
  const tasks = Math.min(threads, Math.ceil(n / GRAIN_SIZE));
  const chunk = Math.ceil(n / tasks);
  const out = [];
  for (let b = 0; b < n; b += chunk) out.push([b, Math.min(n, b + chunk)]);
  return out;
}

// arange float32: accumulate type double; cpu_serial_kernel_vec does pairs of 8-lane vectors
// (Vectorized<float>::arange(base, step) = float(base) + k*step in double), then a scalar tail.
export function arangeFloat(start, step, n, threads) {
  const out = new Float32Array(n);
  for (const [b, e] of parallelChunks(n, threads)) {
    let i = b;
    for (; i + 16 <= e; i += 16) {
      for (let h = i; h < i + 16; h += 8) {
        const base = f32(fma64(step, h, start));
        out[h] = base;
        for (let k = 1; k < 8; k++) out[h + k] = fma64(k, step, base);
      }
    }
    for (; i < e; i++) out[i] = fma64(step, i, start);
  }
  return out;
}

// linspace float32: float arithmetic, symmetric halves; vector bases are fused, lanes are not.
export function linspaceFloat(start, end, steps, threads) {
  const out = new Float32Array(steps);
  if (steps === 1) out[0] = f32(start);
  if (steps <= 1) return out;
  const s = f32(start);
  const e = f32(end);
  const step = f32(f32(e - s) / f32(steps - 1));
  const half = Math.floor(steps / 2);
  const at = (idx) => (idx < half ? fmaf(step, f32(idx), s) : fmaf(-step, f32(steps - idx - 1), e));
  for (const [b, end_] of parallelChunks(steps, threads)) {
    let i = b;
    for (; i + 16 <= end_; i += 16) {
      for (let h = i; h < i + 16; h += 8) {
        const base = at(h);
        out[h] = base;
        for (let k = 1; k < 8; k++) out[h + k] = f32(base + f32(k * step));
      }
    }
    for (; i < end_; i++) out[i] = at(i);
  }
  return out;
}
