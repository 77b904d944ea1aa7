// Printer: torch/_tensor_str.py (1.13), default print options.

import { numel, shapeStr } from './values.js';
import { f32 } from './float32.js';

// Python's '{:.{p}f}'.format(x): exact decimal value rounded half-to-even. toFixed is exact but
// breaks ties upward; a tie needs x*2^(p+1) to be an odd integer, so those are fixed here.
function pyFixed(x, p) {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let s;
  if (a >= 1e21) {
    s = BigInt(a).toString() + (p > 0 ? '.' + '0'.repeat(p) : '');
  } else {
    s = a.toFixed(p);
    const scaled = a * 2 ** (p + 1);
    if (Number.isInteger(scaled) && scaled % 2 === 1 && Number.isFinite(scaled)) {
      const last = s.charCodeAt(s.length - 1) - 48;
      if (last % 2 === 1) s = s.slice(0, -1) + String(last - 1);
    }
  }
  return (neg ? '-' : '') + s;
}

// Python's '{:.{p}e}'.format(x): half-to-even ties (found via 100 exact digits), 2-digit exponent.
function pyExp(x, p) {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let s = a.toExponential(p);
  if (a !== 0) {
    const more = a.toExponential(p + 1);
    if (more.charCodeAt(more.indexOf('e') - 1) === 53) { // ends in 5: maybe an exact tie
      const exact = a.toExponential(100);
      const mant = exact.slice(0, exact.indexOf('e'));
      const tail = mant.slice(p + 2); // digits after the first p+1 significant ones
      if (/^50*$/.test(tail)) {
        const e = s.indexOf('e');
        const last = s.charCodeAt(e - 1) - 48;
        if (last % 2 === 1) s = s.slice(0, e - 1) + String(last - 1) + s.slice(e);
      }
    }
  }
  const e = s.indexOf('e');
  const ex = s.slice(e + 1);
  const sign = ex[0] === '-' ? '-' : '+';
  const digits = ex.replace(/^[+-]/, '');
  return (neg ? '-' : '') + s.slice(0, e) + 'e' + sign + digits.padStart(2, '0');
}

class Formatter {
  constructor(values, dtype, po) {
    this.floating = dtype === 'float32';
    this.dtype = dtype;
    this.po = po;
    this.intMode = true;
    this.sciMode = false;
    this.maxWidth = 1;
    if (!this.floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.intStr(v).length);
      return;
    }
    let min = Infinity;
    let max = 0;
    let any = false;
    for (const v of values) {
      if (v === 0 || !Number.isFinite(v)) continue;
      any = true;
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
      if (this.intMode && v !== Math.ceil(v)) this.intMode = false;
    }
    if (any) {
      const p = po.precision;
      const nz = values.filter((v) => v !== 0 && Number.isFinite(v));
      if (this.intMode) {
        if (max / min > 1000 || max > 1e8) {
          this.sciMode = true;
          for (const v of nz) this.maxWidth = Math.max(this.maxWidth, pyExp(v, p).length);
        } else {
          for (const v of nz) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, 0).length + 1);
        }
      } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
        this.sciMode = true;
        for (const v of nz) this.maxWidth = Math.max(this.maxWidth, pyExp(v, p).length);
      } else {
        for (const v of nz) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, p).length);
      }
    }
    if (po.sciMode !== null && po.sciMode !== undefined) this.sciMode = po.sciMode;
  }

  intStr(v) {
    return this.dtype === 'bool' ? (v ? 'True' : 'False') : String(v === 0 ? 0 : v); // no '-0' for ints
  }

  format(v) {
    let s;
    if (!this.floating) s = this.intStr(v);
    else if (this.sciMode) s = pyExp(v, this.po.precision);
    else if (this.intMode) s = pyFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = pyFixed(v, this.po.precision);
    return s.length < this.maxWidth ? ' '.repeat(this.maxWidth - s.length) + s : s;
  }
}

const pyTuple = (shape) => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`);

/**
 * torch 1.13's str(t) for a CPU tensor.
 * @param {{shape: number[], data: ArrayLike<number>, dtype?: 'float32'|'int64'|'bool'}} t
 * @param {{precision?: number, threshold?: number, edgeitems?: number, linewidth?: number,
 *          sciMode?: boolean|null, suffixes?: string[]}} [options]
 *   torch.set_printoptions equivalents; suffixes are appended like torch's own
 *   (e.g. ['requires_grad=True'] or ['grad_fn=<ReluBackward0>']).
 */
export function formatTensor(t, options = {}) {
  const po = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null, ...options };
  // JavaScript's exact digit generation (toFixed/toExponential) stops at 100 digits
  if (!Number.isInteger(po.precision) || po.precision < 0 || po.precision > 99) {
    throw new RangeError(`formatTensor: precision must be an integer from 0 to 99 (got ${po.precision})`);
  }
  const shape = Array.from(t.shape);
  const dtype = t.dtype ?? 'float32';
  if (!['float32', 'int64', 'bool'].includes(dtype)) throw new TypeError(`formatTensor: unsupported dtype ${dtype}`);
  const n = numel(shape);
  if (t.data.length < n) throw new RangeError(`formatTensor: ${t.data.length} values for shape ${shapeStr(shape)}`);
  const read = dtype === 'float32' ? (i) => f32(t.data[i]) : (i) => t.data[i]; // ints may be BigInt
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes = [];
  let body;
  if (n === 0) {
    if (shape.length !== 1) suffixes.push(`size=${pyTuple(shape)}`);
    if (dtype !== 'float32') suffixes.push(`dtype=torch.${dtype}`);
    body = '[]';
  } else {
    body = tensorStr(shape, read, dtype, po, indent);
  }
  if (options.suffixes) suffixes.push(...options.suffixes);
  return addSuffixes(prefix + body, suffixes, indent, po.linewidth);
}

function tensorStr(shape, read, dtype, po, indent) {
  const ndim = shape.length;
  const summarize = numel(shape) > po.threshold;
  const edge = po.edgeitems;
  const strides = new Array(ndim);
  for (let d = ndim - 1, s = 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
  const cut = (d) => summarize && shape[d] > 2 * edge;
  // Indices shown along each dim: all, or edgeitems from each end (get_summarized_data).
  const shown = shape.map((size, d) => {
    if (!cut(d)) return Array.from({ length: size }, (_, i) => i);
    return [...Array.from({ length: edge }, (_, i) => i), ...Array.from({ length: edge }, (_, i) => size - edge + i)];
  });
  const values = [];
  const collect = (d, off) => {
    if (d === ndim) { values.push(read(off)); return; }
    for (const i of shown[d]) collect(d + 1, off + i * strides[d]);
  };
  collect(0, 0);
  const fmt = new Formatter(values, dtype, po);
  if (ndim === 0) return fmt.format(read(0));

  const rec = (d, off, ind) => {
    const idx = shown[d];
    if (d === ndim - 1) {
      const elementsPerLine = Math.max(1, Math.floor((po.linewidth - ind) / (fmt.maxWidth + 2)));
      const data = [];
      for (let k = 0; k < idx.length; k++) {
        if (cut(d) && k === edge) data.push(' ...');
        data.push(fmt.format(read(off + idx[k])));
      }
      const lines = [];
      for (let i = 0; i < data.length; i += elementsPerLine) lines.push(data.slice(i, i + elementsPerLine).join(', '));
      return '[' + lines.join(',\n' + ' '.repeat(ind + 1)) + ']';
    }
    const slices = [];
    for (let k = 0; k < idx.length; k++) {
      if (cut(d) && k === edge) slices.push('...');
      slices.push(rec(d + 1, off + idx[k] * strides[d], ind + 1));
    }
    return '[' + slices.join(',' + '\n'.repeat(ndim - d - 1) + ' '.repeat(ind + 1)) + ']';
  };
  return rec(0, 0, indent);
}

function addSuffixes(str, suffixes, indent, linewidth) {
  const parts = [str];
  let lastLineLen = str.length - str.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + s);
      lastLineLen = indent + s.length;
    } else {
      parts.push(', ' + s);
      lastLineLen += s.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}
