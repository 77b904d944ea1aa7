// torch's CPU generator: mt19937 seeded like at::mt19937, the Box-Muller cache of small randn
// calls, and the AVX2 kernel of large ones.

import { f32, f32buf, i32buf, fmaf } from './float32.js';

export class MT19937 {
  constructor(seed32) {
    const s = (this.s = new Uint32Array(624));
    s[0] = seed32 >>> 0;
    for (let i = 1; i < 624; i++) {
      const p = s[i - 1] ^ (s[i - 1] >>> 30);
      s[i] = (Math.imul(1812433253, p) + i) >>> 0;
    }
    this.i = 624;
  }

  twist() {
    const s = this.s;
    for (let k = 0; k < 624; k++) {
      const y = (s[k] & 0x80000000) | (s[k + 1 === 624 ? 0 : k + 1] & 0x7fffffff);
      const m = k + 397 < 624 ? k + 397 : k + 397 - 624;
      s[k] = s[m] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.i = 0;
  }

  u32() {
    if (this.i >= 624) this.twist();
    let y = this.s[this.i++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  // uniform_real_distribution<float>(0, 1): 24 random bits / 2^24
  uniformFloat() {
    return (this.u32() & 0xffffff) / 16777216;
  }

  // uniform_real_distribution<double>(0, 1) on random64() = (first << 32) | second: 53 bits / 2^53
  uniformDouble() {
    const hi = this.u32();
    const lo = this.u32();
    return ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
  }
}

// --- randn's AVX2 kernel: avx_mathfun.h's log256_ps and sincos256_ps, as GCC compiled them
// (multiply-add pairs fused into FMA where the multiply's only use is the add).

const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f32);
const LOG_Q1 = f32(-2.12194440e-4);
const LOG_Q2 = f32(0.693359375);
const SQRTHF = f32(0.707106781186547524);

function log256(x) { // x in (0, 1]
  f32buf[0] = x;
  const bits = i32buf[0];
  let e = f32((bits >>> 23) - 0x7f + 1);
  i32buf[0] = (bits & ~0x7f800000) | 0x3f000000; // mantissa in [0.5, 1)
  x = f32buf[0];
  if (x < SQRTHF) {
    e = f32(e - 1);
    x = f32(f32(x - 1) + x);
  } else {
    x = f32(x - 1);
  }
  const z = f32(x * x);
  let y = LOG_P[0];
  for (let k = 1; k < 9; k++) y = fmaf(y, x, LOG_P[k]);
  y = f32(y * x);
  y = fmaf(y, z, f32(e * LOG_Q1));
  y = fmaf(z, -0.5, y);
  return fmaf(e, LOG_Q2, f32(x + y));
}

const DP1 = f32(-0.78515625), DP2 = f32(-2.4187564849853515625e-4), DP3 = f32(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f32);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f32);
const FOPI = f32(1.27323954473516);
const sincosOut = [0, 0];

function sincos256(x) { // x in [0, 2*pi)
  let j = Math.trunc(f32(x * FOPI));
  j = (j + 1) & ~1;
  const y = f32(j);
  x = fmaf(y, DP1, x);
  x = fmaf(y, DP2, x);
  x = fmaf(y, DP3, x);
  const z = f32(x * x);
  let yc = fmaf(COS_P[0], z, COS_P[1]);
  yc = fmaf(yc, z, COS_P[2]);
  yc = f32(yc * z);
  yc = fmaf(yc, z, -f32(z * 0.5));
  yc = f32(yc + 1);
  let ys = fmaf(SIN_P[0], z, SIN_P[1]);
  ys = fmaf(ys, z, SIN_P[2]);
  ys = f32(ys * z);
  ys = fmaf(ys, x, x);
  const sinPoly = (j & 2) === 0;
  let sin = sinPoly ? ys : yc;
  let cos = sinPoly ? yc : ys;
  if (j & 4) sin = -sin;
  if (~(j - 2) & 4) cos = -cos;
  sincosOut[0] = sin;
  sincosOut[1] = cos;
}

const TWO_PI_F = f32(2 * Math.PI);

// normal_fill_16_AVX2: 16 uniforms -> 16 normals (first 8 cos, last 8 sin), mean 0, std 1.
function normalFill16(d, o) {
  for (let j = 0; j < 8; j++) {
    const u1 = f32(1 - d[o + j]);
    const u2 = d[o + j + 8];
    const radius = f32(Math.sqrt(f32(-2 * log256(u1))));
    sincos256(f32(TWO_PI_F * u2));
    d[o + j] = f32(radius * sincosOut[1]);
    d[o + j + 8] = f32(radius * sincosOut[0]);
  }
}

export function randFloat(gen, n) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = gen.mt.uniformFloat();
  return out;
}

export function randnFloat(gen, n) {
  const d = new Float32Array(n);
  const mt = gen.mt;
  if (n >= 16) {
    // normal_fill_AVX2: all uniforms first, 16 at a time; a ragged end redraws the last 16.
    for (let i = 0; i < n; i++) d[i] = mt.uniformFloat();
    for (let i = 0; i + 16 <= n; i += 16) normalFill16(d, i);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) d[i] = mt.uniformFloat();
      normalFill16(d, n - 16);
    }
    return d;
  }
  // Small tensors: at::normal_distribution<double>, whose second Box-Muller value is cached in
  // the generator for the next call (torch.manual_seed clears it).
  for (let i = 0; i < n; i++) {
    if (gen.cache !== null) {
      d[i] = gen.cache;
      gen.cache = null;
      continue;
    }
    const u1 = mt.uniformDouble();
    const u2 = mt.uniformDouble();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    gen.cache = r * Math.sin(theta);
    d[i] = r * Math.cos(theta);
  }
  return d;
}
