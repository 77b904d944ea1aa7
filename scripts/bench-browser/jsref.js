// Plain-JavaScript Math.* versions of every actlab function (default parameters), forward and
// backward, written the way a JS library would: Float32Array in, new Float32Array out (or the
// caller's `out` array when given: the JS counterpart of lab.forward(..., { out })), one
// explicit loop per function (no shared callback, so every loop is monomorphic for the JIT).
// Semantics follow PyTorch (one-sided derivatives at kinks as in PyTorch's backward kernels);
// dim-wise functions work along the last dim (Softmax2d: dim -3 of [B, C, H, W]).

const LAMBDA = 1.0507009873554804934193349852946;   // SELU scale
const ALPHA = 1.6732632423543772848170429916717;    // SELU alpha
const RRELU_A = (0.125 + 1 / 3) / 2;                // RReLU eval slope, (lower + upper) / 2
const INV_SQRT2 = Math.SQRT1_2, INV_SQRT2PI = 0.3989422804014327;

// erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): JS has no Math.erf.
function erf(v) {
  const a = Math.abs(v), t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return v < 0 ? -y : y;
}
const softplus1 = (v) => (v > 20 ? v : Math.log1p(Math.exp(v)));

const last = (shape) => shape[shape.length - 1];

export const jsref = {
  ReLU: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v > 0 ? v : 0; } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) d[i] = x[i] > 0 ? g[i] : 0; return d; },
  },
  ReLU6: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) y[i] = Math.min(Math.max(x[i], 0), 6); return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; d[i] = v > 0 && v < 6 ? g[i] : 0; } return d; },
  },
  LeakyReLU: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v > 0 ? v : 0.01 * v; } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) d[i] = x[i] > 0 ? g[i] : 0.01 * g[i]; return d; },
  },
  RReLU: {  // eval mode (training=false): a fixed slope
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v >= 0 ? v : RRELU_A * v; } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) d[i] = x[i] > 0 ? g[i] : RRELU_A * g[i]; return d; },
  },
  PReLU: {  // one weight, 0.25
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v > 0 ? v : 0.25 * v; } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) d[i] = x[i] > 0 ? g[i] : 0.25 * g[i]; return d; },
  },
  Threshold: {  // threshold 0.1, value 20
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v > 0.1 ? v : 20; } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) d[i] = x[i] > 0.1 ? g[i] : 0; return d; },
  },
  Hardtanh: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) y[i] = Math.min(Math.max(x[i], -1), 1); return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; d[i] = v > -1 && v < 1 ? g[i] : 0; } return d; },
  },
  Sigmoid: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-x[i])); return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const s = 1 / (1 + Math.exp(-x[i])); d[i] = g[i] * s * (1 - s); } return d; },
  },
  Tanh: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]); return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const t = Math.tanh(x[i]); d[i] = g[i] * (1 - t * t); } return d; },
  },
  LogSigmoid: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v))); } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) d[i] = g[i] / (1 + Math.exp(x[i])); return d; },
  },
  Softsign: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v / (1 + Math.abs(v)); } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const q = 1 + Math.abs(x[i]); d[i] = g[i] / (q * q); } return d; },
  },
  ELU: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v > 0 ? v : Math.expm1(v); } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; d[i] = v > 0 ? g[i] : g[i] * Math.exp(v); } return d; },
  },
  CELU: {  // alpha 1
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v > 0 ? v : Math.expm1(v / 1); } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; d[i] = v > 0 ? g[i] : g[i] * Math.exp(v / 1); } return d; },
  },
  SELU: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = LAMBDA * (v > 0 ? v : ALPHA * Math.expm1(v)); } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; d[i] = v > 0 ? LAMBDA * g[i] : g[i] * LAMBDA * ALPHA * Math.exp(v); } return d; },
  },
  GELU: {  // approximate='none'
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = 0.5 * v * (1 + erf(v * INV_SQRT2)); } return y; },
    bwd(x, g, shape, out) {
      const n = x.length, d = out ?? new Float32Array(n);
      for (let i = 0; i < n; i++) { const v = x[i]; d[i] = g[i] * (0.5 * (1 + erf(v * INV_SQRT2)) + v * INV_SQRT2PI * Math.exp(-0.5 * v * v)); }
      return d;
    },
  },
  SiLU: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v / (1 + Math.exp(-v)); } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i], s = 1 / (1 + Math.exp(-v)); d[i] = g[i] * s * (1 + v * (1 - s)); } return d; },
  },
  Mish: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v * Math.tanh(softplus1(v)); } return y; },
    bwd(x, g, shape, out) {
      const n = x.length, d = out ?? new Float32Array(n);
      for (let i = 0; i < n; i++) { const v = x[i], t = Math.tanh(softplus1(v)), s = 1 / (1 + Math.exp(-v)); d[i] = g[i] * (t + v * s * (1 - t * t)); }
      return d;
    },
  },
  Softplus: {  // beta 1, threshold 20
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v > 20 ? v : Math.log1p(Math.exp(v)); } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; d[i] = v > 20 ? g[i] : g[i] / (1 + Math.exp(-v)); } return d; },
  },
  Hardswish: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v * Math.min(Math.max(v + 3, 0), 6) / 6; } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; d[i] = v < -3 ? 0 : v <= 3 ? g[i] * (v / 3 + 0.5) : g[i]; } return d; },
  },
  Hardsigmoid: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) y[i] = Math.min(Math.max(x[i] + 3, 0), 6) / 6; return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; d[i] = v > -3 && v < 3 ? g[i] / 6 : 0; } return d; },
  },
  Hardshrink: {  // lambd 0.5
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v > 0.5 || v < -0.5 ? v : 0; } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; d[i] = v > 0.5 || v < -0.5 ? g[i] : 0; } return d; },
  },
  Softshrink: {  // lambd 0.5
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0; } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; d[i] = v > 0.5 || v < -0.5 ? g[i] : 0; } return d; },
  },
  Tanhshrink: {
    fwd(x, shape, out) { const n = x.length, y = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const v = x[i]; y[i] = v - Math.tanh(v); } return y; },
    bwd(x, g, shape, out) { const n = x.length, d = out ?? new Float32Array(n); for (let i = 0; i < n; i++) { const t = Math.tanh(x[i]); d[i] = g[i] * t * t; } return d; },
  },
  Softmax: {
    fwd(x, shape, out) { return softmaxRows(x, last(shape), 1, out); },
    bwd(x, g, shape, out) { return softmaxRowsBwd(x, g, last(shape), 1, out); },
  },
  Softmin: {
    fwd(x, shape, out) { return softmaxRows(x, last(shape), -1, out); },
    bwd(x, g, shape, out) { return softmaxRowsBwd(x, g, last(shape), -1, out); },
  },
  LogSoftmax: {
    fwd(x, shape, out) {
      const n = x.length, c = last(shape), y = out ?? new Float32Array(n);
      for (let r = 0; r < n; r += c) {
        let m = -Infinity;
        for (let i = r; i < r + c; i++) if (x[i] > m) m = x[i];
        let s = 0;
        for (let i = r; i < r + c; i++) s += Math.exp(x[i] - m);
        const lse = m + Math.log(s);
        for (let i = r; i < r + c; i++) y[i] = x[i] - lse;
      }
      return y;
    },
    bwd(x, g, shape, out) {  // dx = g - softmax(x) * sum(g)
      const n = x.length, c = last(shape), d = out ?? new Float32Array(n);
      for (let r = 0; r < n; r += c) {
        let m = -Infinity;
        for (let i = r; i < r + c; i++) if (x[i] > m) m = x[i];
        let s = 0, gs = 0;
        for (let i = r; i < r + c; i++) { s += Math.exp(x[i] - m); gs += g[i]; }
        const k = gs / s;
        for (let i = r; i < r + c; i++) d[i] = g[i] - Math.exp(x[i] - m) * k;
      }
      return d;
    },
  },
  Softmax2d: {  // softmax over C of [B, C, H, W] (stride H*W)
    fwd(x, shape, out) {
      const [B, C, H, W] = shape, hw = H * W, y = out ?? new Float32Array(x.length);
      for (let b = 0; b < B; b++) {
        const base = b * C * hw;
        for (let p = 0; p < hw; p++) {
          let m = -Infinity;
          for (let c = 0; c < C; c++) { const v = x[base + c * hw + p]; if (v > m) m = v; }
          let s = 0;
          for (let c = 0; c < C; c++) { const i = base + c * hw + p, e = Math.exp(x[i] - m); y[i] = e; s += e; }
          const inv = 1 / s;
          for (let c = 0; c < C; c++) y[base + c * hw + p] *= inv;
        }
      }
      return y;
    },
    bwd(x, g, shape, out) {
      const y = jsref.Softmax2d.fwd(x, shape);
      const [B, C, H, W] = shape, hw = H * W, d = out ?? new Float32Array(x.length);
      for (let b = 0; b < B; b++) {
        const base = b * C * hw;
        for (let p = 0; p < hw; p++) {
          let dot = 0;
          for (let c = 0; c < C; c++) { const i = base + c * hw + p; dot += g[i] * y[i]; }
          for (let c = 0; c < C; c++) { const i = base + c * hw + p; d[i] = y[i] * (g[i] - dot); }
        }
      }
      return d;
    },
  },
  GLU: {  // dim -1: a = first half, b = second half, y = a * sigmoid(b)
    fwd(x, shape, out) {
      const c = last(shape), h = c / 2, y = out ?? new Float32Array(x.length / 2);
      for (let r = 0, o = 0; r < x.length; r += c, o += h) {
        for (let j = 0; j < h; j++) y[o + j] = x[r + j] / (1 + Math.exp(-x[r + h + j]));
      }
      return y;
    },
    bwd(x, g, shape, out) {
      const c = last(shape), h = c / 2, d = out ?? new Float32Array(x.length);
      for (let r = 0, o = 0; r < x.length; r += c, o += h) {
        for (let j = 0; j < h; j++) {
          const a = x[r + j], s = 1 / (1 + Math.exp(-x[r + h + j])), gg = g[o + j];
          d[r + j] = gg * s;
          d[r + h + j] = gg * a * s * (1 - s);
        }
      }
      return d;
    },
  },
  SwiGLU: {  // dim -1: y = silu(a) * b
    fwd(x, shape, out) {
      const c = last(shape), h = c / 2, y = out ?? new Float32Array(x.length / 2);
      for (let r = 0, o = 0; r < x.length; r += c, o += h) {
        for (let j = 0; j < h; j++) { const a = x[r + j]; y[o + j] = a / (1 + Math.exp(-a)) * x[r + h + j]; }
      }
      return y;
    },
    bwd(x, g, shape, out) {
      const c = last(shape), h = c / 2, d = out ?? new Float32Array(x.length);
      for (let r = 0, o = 0; r < x.length; r += c, o += h) {
        for (let j = 0; j < h; j++) {
          const a = x[r + j], b = x[r + h + j], s = 1 / (1 + Math.exp(-a)), gg = g[o + j];
          d[r + j] = gg * b * s * (1 + a * (1 - s));
          d[r + h + j] = gg * a * s;
        }
      }
      return d;
    },
  },
};

function softmaxRows(x, c, sign, out) {
  const n = x.length, y = out ?? new Float32Array(n);
  for (let r = 0; r < n; r += c) {
    let m = -Infinity;
    for (let i = r; i < r + c; i++) { const v = sign * x[i]; if (v > m) m = v; }
    let s = 0;
    for (let i = r; i < r + c; i++) { const e = Math.exp(sign * x[i] - m); y[i] = e; s += e; }
    const inv = 1 / s;
    for (let i = r; i < r + c; i++) y[i] *= inv;
  }
  return y;
}

// Softmax: dx = y * (g - sum(g * y)); Softmin (sign -1): the same with a minus sign.
function softmaxRowsBwd(x, g, c, sign, out) {
  const y = softmaxRows(x, c, sign), n = x.length, d = out ?? new Float32Array(n);
  for (let r = 0; r < n; r += c) {
    let dot = 0;
    for (let i = r; i < r + c; i++) dot += g[i] * y[i];
    for (let i = r; i < r + c; i++) d[i] = sign * y[i] * (g[i] - dot);
  }
  return d;
}
