// The tensor console: PyTorch syntax in, torch 1.13's print format out (input, output, gradient)
// for the selected function and parameters; dim-wise functions get a dim selector and a picture
// of which elements were normalized together. All text goes in with textContent.
import { parseTensor, formatTensor, formatParseError, TensorParseError } from '../lib/tensor.js';
import { seedFor } from './seed.js';
import { consoleCtor } from './learn.js';

export const MAX_ELEMENTS = 1_000_000;
const DRAW_MAX = 24;        // cells per side drawn in a heatmap slice
const DRAW_SLICES = 6;      // 2-D slices drawn for N-D tensors

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
};
const numel = (shape) => shape.reduce((a, b) => a * b, 1);

/** Parse a tensor from the console's text; errors carry the caret rendering and the offset. */
export function readTensor(text) {
  try {
    return { tensor: parseTensor(text, { maxElements: MAX_ELEMENTS, seed: () => seedFor(text) }) };
  } catch (e) {
    if (e instanceof TensorParseError) return { error: formatParseError(text, e), pos: e.pos };
    return { error: e.message };
  }
}

// Texts above this size are parsed in a worker; below it parsing takes well under a frame.
export const WORKER_MIN_CHARS = 50_000;
let worker = null;
let seq = 0;
const waiting = new Map();
/** readTensor off the main thread (same result shape). */
export function readTensorAsync(text) {
  if (text.length < WORKER_MIN_CHARS || typeof Worker === 'undefined') return Promise.resolve(readTensor(text));
  if (!worker) {
    worker = new Worker(new URL('./parse-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => {
      const w = waiting.get(data.id);
      waiting.delete(data.id);
      if (!w) return;
      if (data.tensor) w.resolve({ tensor: data.tensor });
      else if (data.error.name === 'TensorParseError') w.resolve({ error: formatParseError(w.text, data.error), pos: data.error.pos });
      else w.resolve({ error: data.error.message });
    };
  }
  const id = ++seq;
  return new Promise((resolve) => {
    waiting.set(id, { resolve, text });
    worker.postMessage({ id, text, maxElements: MAX_ELEMENTS });
  });
}

/** dim as PyTorch would resolve it (None -> implicit rule), or null when there is none. */
export function effectiveDim(spec, params, ndim) {
  if (spec.fixedDim !== undefined) return spec.fixedDim + (spec.fixedDim < 0 ? ndim : 0);
  const p = spec.params.find((q) => q.kind === 'dim');
  if (!p) return null;
  let d = params.dim === undefined ? p.default : params.dim;
  if (d === null) d = p.implicitDim?.[ndim];  // undefined where None is invalid (GLU): the kernel says so
  if (ndim === 0) return null;
  return d < 0 ? d + ndim : d;
}

/**
 * Evaluate spec on the typed tensor: { input, output, grad, note } as torch prints them, or
 * { error } (PyTorch's wording from the kernels).
 */
// Per-library scratch on the wasm heap: x, grad_output, y and dx of the last size used. A console
// evaluation then allocates no JS arrays (fresh big arrays are slow to create); the results are
// views, read at once by the printer and the picture.
const scratch = new WeakMap();
function buffers(lab, n, nOut) {
  let b = scratch.get(lab);
  if (!b || b.n !== n || b.nOut !== nOut) {
    if (b) for (const h of [b.x, b.g, b.y, b.dx]) h.free();
    b = { n, nOut, x: lab.alloc(n), g: lab.alloc(nOut), y: lab.alloc(nOut), dx: lab.alloc(n), ones: false };
    scratch.set(lab, b);
  }
  return b;
}

export function evaluate(lab, spec, params, tensor, gradTensor) {
  const note = [];
  if (tensor.dtype !== 'float32') note.push('float');
  const shape = tensor.shape;
  const n = tensor.data.length;
  const outShape = outputShape(spec, params, shape);
  const nOut = outShape.reduce((a, b) => a * b, 1);
  if (gradTensor && gradTensor.shape.join(',') !== outShape.join(',')) {
    throw new Error(`Mismatch in shape: grad_output[0] has a shape of torch.Size([${gradTensor.shape.join(', ')}]) and output[0] has a shape of torch.Size([${outShape.join(', ')}]).`);
  }
  const b = buffers(lab, n, nOut);
  b.x.array.set(tensor.data);  // int64/bool -> float32, as x.float()
  if (gradTensor) {
    b.g.array.set(gradTensor.data);
    b.ones = false;
  } else if (!b.ones) {
    b.g.array.fill(1);
    b.ones = true;
  }
  const opts = { params, shape };
  lab.forward(spec.name, b.x, { ...opts, out: b.y });
  lab.backward(spec.name, b.x, b.g, { ...opts, out: b.dx });
  const x = { shape, data: b.x.array, dtype: 'float32' };
  const y = { shape: outShape, data: b.y.array, dtype: 'float32' };
  const dx = { shape, data: b.dx.array, dtype: 'float32' };
  return { x, y, dx, input: formatTensor(tensor), output: formatTensor(y), grad: formatTensor(dx), note };
}

function outputShape(spec, params, shape) {
  if (!spec.halves) return shape.slice();
  const d = effectiveDim(spec, params, shape.length);
  if (!(d >= 0 && d < shape.length)) return shape.slice();  // the kernel reports the bad dim
  const s = shape.slice();
  s[d] = Math.floor(s[d] / 2);
  return s;
}

/** The dim options for a tensor of `ndim` dims: every valid dim with its negative alias. */
export function dimOptions(spec, ndim) {
  const p = spec.params.find((q) => q.kind === 'dim');
  if (!p) return [];
  const opts = [];
  if (p.default === null) opts.push({ value: 'None', label: `None (→ ${effectiveDim(spec, {}, Math.max(ndim, 1))})` });
  for (let d = 0; d < Math.max(ndim, 1); d++) opts.push({ value: String(d), label: `${d}  (= ${d - Math.max(ndim, 1)})` });
  return opts;
}

/** The Python line that reproduces the console's output. */
export function pythonLine(spec, params) {
  return `y = ${consoleCtor(spec, params)}(x)`;
}

/**
 * The picture for dim-wise functions: bars for 1-D, heatmaps of 2-D slices for 2-D and N-D with
 * the slices normalized together outlined and their sums (each 1 for Softmax) shown.
 */
export function drawGroups(root, spec, params, r, lang) {
  root.replaceChildren();
  const shape = r.x.shape;
  const nd = shape.length;
  const d = effectiveDim(spec, params, nd);
  if (d == null || nd === 0) return;
  const isSoft = spec.family === 'softmax';
  const y = r.y.data;
  const yShape = r.y.shape;
  const sumOf = (vals) => (spec.name === 'LogSoftmax' ? vals.reduce((a, v) => a + Math.exp(v), 0) : vals.reduce((a, v) => a + v, 0));
  const sumLabel = spec.name === 'LogSoftmax' ? 'Σ exp' : 'Σ';
  root.append(el('p', 'explain', explain(spec, shape, d, lang)));
  const strides = (s) => { const st = new Array(s.length).fill(1); for (let i = s.length - 2; i >= 0; i--) st[i] = st[i + 1] * s[i + 1]; return st; };
  const ys = strides(yShape);
  const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : v.toFixed(Math.abs(v) >= 100 ? 0 : 3)) : String(v));
  let lo = Infinity, hi = -Infinity;
  for (const v of y) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const color = (v) => {
    if (!Number.isFinite(v)) return 'var(--grid)';
    const a = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return `color-mix(in srgb, var(--c1) ${Math.round(8 + a * 80)}%, var(--panel))`;
  };

  if (nd === 1) {
    const bars = el('div', 'bars');
    const n = Math.min(yShape[0], 64);
    const span = Math.max(Math.abs(lo), Math.abs(hi), 1e-12);
    for (let i = 0; i < n; i++) {
      const b = el('div', 'bar');
      const fill = el('div', 'bar-fill');
      fill.style.height = `${Math.max(1, (Math.abs(y[i]) / span) * 100)}%`;
      if (y[i] < 0) fill.classList.add('neg');
      b.append(el('span', 'bar-val', fmt(y[i])), fill, el('span', 'bar-idx', String(i)));
      bars.append(b);
    }
    root.append(bars);
    if (isSoft) root.append(el('p', 'sums', `${sumLabel} = ${sumOf(Array.from(y)).toFixed(4)}`));
    return;
  }
  // Display two dims: the normalized one and the last other one (rows, cols in tensor order).
  const other = d === nd - 1 ? nd - 2 : nd - 1;
  const [ra, ca] = d < other ? [d, other] : [other, d];
  const rest = [...Array(nd).keys()].filter((k) => k !== ra && k !== ca);
  const restCount = rest.reduce((a, k) => a * yShape[k], 1);
  const slices = el('div', 'slices');
  for (let s = 0; s < Math.min(restCount, DRAW_SLICES); s++) {
    // index of the fixed dims for slice s
    const idx = new Array(nd).fill(0);
    let q = s;
    for (let j = rest.length - 1; j >= 0; j--) { idx[rest[j]] = q % yShape[rest[j]]; q = Math.floor(q / yShape[rest[j]]); }
    const at = (i, j) => { idx[ra] = i; idx[ca] = j; return y[idx.reduce((a, v, k) => a + v * ys[k], 0)]; };
    const R = yShape[ra], C = yShape[ca];
    const fig = el('figure', 'slice');
    const label = idx.map((v, k) => (k === ra || k === ca ? ':' : String(v))).join(', ');
    fig.append(el('figcaption', null, `y[${label}]`));
    if (R > DRAW_MAX || C > DRAW_MAX) {
      fig.append(el('p', 'muted', `${R} × ${C}: too large to draw (≤ ${DRAW_MAX} × ${DRAW_MAX})`));
      slices.append(fig);
      continue;
    }
    // Strips = groups normalized together: along columns when d is the row axis, else rows.
    const vertical = d === ra;
    const grid = el('div', `heat ${vertical ? 'vertical' : 'horizontal'}`);
    const nStrips = vertical ? C : R, len = vertical ? R : C;
    for (let k = 0; k < nStrips; k++) {
      const strip = el('div', isSoft || spec.halves ? 'strip group' : 'strip');
      const vals = [];
      for (let m = 0; m < len; m++) {
        const v = vertical ? at(m, k) : at(k, m);
        vals.push(v);
        const c = el('div', 'cell', fmt(v));
        c.style.background = color(v);
        strip.append(c);
      }
      if (isSoft) strip.append(el('div', 'cell sum', `${sumLabel} ${sumOf(vals).toFixed(4)}`));
      grid.append(strip);
    }
    fig.append(grid);
    slices.append(fig);
  }
  if (restCount > DRAW_SLICES) slices.append(el('p', 'muted', `… ${restCount - DRAW_SLICES} more slices`));
  root.append(slices);
}

function explain(spec, shape, d, lang) {
  const nd = shape.length;
  const idx = shape.map((_, k) => (k === d ? ':' : 'ijklmn'[k < d ? k : k - 1])).join(', ');
  const groups = numel(shape) / shape[d];
  const alias = d - nd;
  if (spec.halves) {
    const h = Math.floor(shape[d] / 2);
    const gate = spec.name === 'GLU' ? 'a · σ(b)' : 'SiLU(a) · b';
    return lang === 'zh'
      ? `${spec.name} 沿 dim=${d}（即 ${alias}）：每个 x[${idx}] 被拆成前一半 a（${h} 个元素）和后一半 b，输出 ${gate}，该维长度减半。`
      : `${spec.name} along dim=${d} (= ${alias}): each x[${idx}] is split into a (first ${h} elements) and b (last ${h}); the output ${gate} has half the size along that dim.`;
  }
  const what = spec.name === 'LogSoftmax' ? (lang === 'zh' ? 'exp 之和为 1' : 'their exps sum to 1') : (lang === 'zh' ? '和为 1' : 'they sum to 1');
  return lang === 'zh'
    ? `${spec.name} 沿 dim=${d}（即 ${alias}）：除第 ${d} 维外其余下标都相同的 ${shape[d]} 个元素 x[${idx}] 一起归一化（共 ${groups} 组，每组${what}）。`
    : `${spec.name} along dim=${d} (= ${alias}): the ${shape[d]} elements x[${idx}] that share every other index are normalized together — ${groups} group${groups === 1 ? '' : 's'}, in each ${what}.`;
}

