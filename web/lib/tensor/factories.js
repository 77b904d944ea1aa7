// torch's factories (torch.tensor, zeros, ones, full, arange, linspace, rand, randn,
// manual_seed) and Python's float(), with torch's argument parsing and messages. Each gets the
// parser p for its element budget (p.checkCount), generator (p.gen), threads and item positions.

import { MAX_DIMS, fail } from './errors.js';
import { K_BOOL, K_FLOAT, K_INT, num, numel, pyTypeName, shapeStr, tensor } from './values.js';
import { arangeFloat, linspaceFloat } from './float32.js';
import { MT19937, randFloat, randnFloat } from './rng.js';

// torch.X names, in the order the "supported:" message lists them
export const TORCH_FUNCS = ['tensor', 'zeros', 'ones', 'full', 'arange', 'linspace', 'rand', 'randn', 'manual_seed'];

// name -> (parser, call, name) => value; callable as torch.X (and float/tensor as plain names)
export const FUNCTIONS = {
  float: fnFloat, tensor: fnTensor, zeros: fnSized, ones: fnSized, rand: fnSized, randn: fnSized,
  full: fnFull, arange: fnArange, linspace: fnLinspace, manual_seed: fnManualSeed,
};

// Bind arguments Python-style; messages follow torch's argument parser.
function bind(fname, c, params, { required = params.length, dtype = false } = {}) {
  const out = {};
  if (c.args.length > params.length) {
    const n = c.args.length;
    fail(`${fname}() takes ${params.length} positional argument${params.length === 1 ? '' : 's'} but ${n} ${n === 1 ? 'was' : 'were'} given`,
      c.args[params.length].pos, 'TypeError');
  }
  c.args.forEach((a, i) => { out[params[i]] = a; });
  for (const kw of c.kwargs) {
    if (kw.name === 'dtype' && dtype) { out.dtype = kw; continue; }
    if (!params.includes(kw.name)) fail(`${fname}() got an unexpected keyword argument '${kw.name}'`, kw.pos, 'TypeError');
    if (out[kw.name]) fail(`${fname}() got multiple values for argument '${kw.name}'`, kw.pos, 'TypeError');
    out[kw.name] = kw;
  }
  const missing = params.slice(0, required).filter((p) => !out[p]);
  if (missing.length) {
    fail(`${fname}() missing ${missing.length} required positional argument${missing.length === 1 ? 's' : ''}: ${missing.map((m) => `"${m}"`).join(', ')}`,
      c.close, 'TypeError');
  }
  return out;
}

function dtypeArg(a) {
  if (!a) return null;
  if (a.v.k !== 'dtype') fail(`argument 'dtype' must be torch.dtype, not ${pyTypeName(a.v)}`, a.pos, 'TypeError');
  if (a.v.v !== 'float32') fail(`only dtype=torch.float32 is supported here (got ${a.v.name})`, a.pos, 'NotSupported');
  return 'float32';
}

function numberArg(fname, pname, index, a) {
  if (a.v.k !== 'num') fail(`${fname}(): argument '${pname}' (position ${index}) must be Number, not ${pyTypeName(a.v)}`, a.pos, 'TypeError');
  return a.v;
}

// Sizes as varargs or one list/tuple: torch's "tuple of ints" parsing and messages.
export function sizeArgs(p, fname, args, what, kind) {
  const bad = (type, i, pos) => fail(`${fname}(): argument '${what}' must be tuple of ${kind}, but found element of type ${type} at pos ${i + 1}`, pos, 'TypeError');
  const count = args.length === 1 && args[0].v.k === 'list' ? args[0].v.items.length : args.length;
  // refused early, which also keeps the per-item type checks below short
  if (count > MAX_DIMS) fail(`tensors with more than ${MAX_DIMS} dimensions are not supported here (got ${count})`, args[0].pos, 'NotSupported');
  if (args.length === 1 && args[0].v.k === 'list') {
    const node = args[0].v;
    return node.items.map((x, i) => {
      if (typeof x === 'number' && (node.kinds === K_INT || p.leafType(node, i) === 'int')) return x;
      if (typeof x === 'bigint') bad('int', i, p.itemPos(node, i));
      if (typeof x === 'object') bad(x.tuple ? 'tuple' : 'list', i, x.pos);
      bad(p.leafType(node, i), i, p.itemPos(node, i));
    });
  }
  return args.map((a, i) => {
    const v = a.v;
    if (v.k === 'num' && v.t === 'int') {
      if (v.big === null) return v.v;
      bad('int', i, a.pos);
    }
    if (args.length === 1) fail(`${fname}(): argument '${what}' (position 1) must be tuple of ${kind}, not ${pyTypeName(v)}`, a.pos, 'TypeError');
    bad(pyTypeName(v), i, a.pos);
  });
}

function checkShape(p, shape, pos) {
  if (shape.length > MAX_DIMS) fail(`tensors with more than ${MAX_DIMS} dimensions are not supported here (got ${shape.length})`, pos, 'NotSupported');
  const neg = shape.find((d) => d < 0);
  if (neg !== undefined) fail(`Trying to create tensor with negative dimension ${neg}: ${shapeStr(shape)}`, pos, 'RuntimeError');
  p.checkCount(shape.includes(0) ? 0 : shape.reduce((a, b) => a * b, 1), pos);
}

function bigIntFail(big, pos) {
  if (big < -(2n ** 63n) || big >= 2n ** 63n) fail('Overflow when unpacking long', pos, 'RuntimeError');
  fail(`integer ${big} is too large: int64 tensors here hold integers up to ±2^53 (9007199254740992) exactly`, pos, 'NotSupported');
}

function fnFloat(p, c) {
  if (c.kwargs.length) fail("float() takes no keyword arguments", c.kwargs[0].pos, 'TypeError');
  if (c.args.length > 1) fail(`float expected at most 1 argument, got ${c.args.length}`, c.args[1].pos, 'TypeError');
  if (c.args.length === 0) return num(0, 'float');
  const { v, pos } = c.args[0];
  if (v.k === 'num') {
    if (v.big !== null && !Number.isFinite(v.v)) fail('int too large to convert to float', pos, 'OverflowError');
    return num(v.v, 'float');
  }
  if (v.k === 'str') {
    const x = pyFloatString(v.v.trim());
    if (x === null) fail(`could not convert string to float: '${v.v}'`, pos, 'ValueError');
    return num(x, 'float');
  }
  if (v.k === 'tensor') {
    if (numel(v.shape) !== 1) fail('only one element tensors can be converted to Python scalars', pos, 'ValueError');
    return num(v.data[0], 'float');
  }
  fail(`float() argument must be a string or a real number, not '${pyTypeName(v)}'`, pos, 'TypeError');
}

function fnTensor(p, c) {
  const a = bind('tensor', c, ['data'], { dtype: true });
  const dtype = dtypeArg(a.dtype);
  return toTensor(p, a.data.v, a.data.pos, dtype, 'tensor');
}

function fnSized(p, c, name) {
  let args = c.args;
  let dtype = null;
  for (const kw of c.kwargs) {
    if (kw.name === 'dtype') dtype = dtypeArg(kw);
    else if (kw.name === 'size' && args.length === 0) args = [kw];
    else fail(`${name}() got an unexpected keyword argument '${kw.name}'`, kw.pos, 'TypeError');
  }
  if (args.length === 0) {
    fail(`${name}() missing 1 required positional arguments: "size"`, c.close, 'TypeError');
  }
  const kind = name === 'zeros' || name === 'ones' ? 'SymInts' : 'ints';
  const shape = sizeArgs(p, name, args, 'size', kind);
  checkShape(p, shape, args[0].pos);
  const n = numel(shape);
  if (name === 'zeros') return tensor(shape, new Float32Array(n), 'float32');
  if (name === 'ones') return tensor(shape, new Float32Array(n).fill(1), 'float32');
  if (p.gen === null) {
    if (p.defaultSeed == null) fail(`torch.${name}() needs torch.manual_seed(n) earlier in the input: without a seed its values are unknown`, c.pos, 'NotSupported');
    // The caller's seed, as if torch.manual_seed(seed) came first (reported, so it can be repeated).
    // (a function is asked only now: hashing a long text for a seed costs when nothing is random)
    const seed = typeof p.defaultSeed === 'function' ? p.defaultSeed() : p.defaultSeed;
    p.gen = { mt: new MT19937(seed), cache: null };
    p.seeded = seed;
  }
  return tensor(shape, name === 'rand' ? randFloat(p.gen, n) : randnFloat(p.gen, n), 'float32');
}

function fnFull(p, c) {
  const a = bind('full', c, ['size', 'fill_value'], { dtype: true });
  const dtype = dtypeArg(a.dtype);
  if (a.size.v.k !== 'list') fail(`full(): argument 'size' (position 1) must be tuple of SymInts, not ${pyTypeName(a.size.v)}`, a.size.pos, 'TypeError');
  const shape = sizeArgs(p, 'full', [a.size], 'size', 'SymInts');
  const fill = numberArg('full', 'fill_value', 2, a.fill_value);
  checkShape(p, shape, a.size.pos);
  const n = numel(shape);
  const t = dtype ?? (fill.t === 'bool' ? 'bool' : fill.t === 'int' ? 'int64' : 'float32');
  if (t === 'int64' && fill.big !== null) bigIntFail(fill.big, a.fill_value.pos);
  const Arr = t === 'float32' ? Float32Array : t === 'int64' ? Float64Array : Uint8Array;
  return tensor(shape, new Arr(n).fill(fill.v), t);
}

function fnArange(p, c) {
  const a = bind('arange', c, ['start', 'end', 'step'], { required: 0, dtype: true });
  const dtype = dtypeArg(a.dtype);
  let start, end, step;
  const given = ['start', 'end', 'step'].filter((p) => a[p]);
  if (given.length === 0) fail('arange() missing 1 required positional arguments: "end"', c.close, 'TypeError');
  if (c.args.length === 1 && !a.end) { // arange(end)
    end = numberArg('arange', 'end', 1, a.start);
    start = num(0, 'int');
    step = num(1, 'int');
  } else {
    if (!a.end) fail('arange() missing 1 required positional arguments: "end"', c.close, 'TypeError');
    start = a.start ? numberArg('arange', 'start', 1, a.start) : num(0, 'int');
    end = numberArg('arange', 'end', 2, a.end);
    step = a.step ? numberArg('arange', 'step', 3, a.step) : num(1, 'int');
  }
  for (const v of [start, end, step]) if (v.big !== null) bigIntFail(v.big, c.pos);
  const isFloat = dtype === 'float32' || [start, end, step].some((v) => v.t === 'float');
  const x0 = start.v, x1 = end.v, dx = step.v;
  if (!(dx > 0 || dx < 0)) fail('step must be nonzero', c.pos, 'RuntimeError');
  if (!Number.isFinite(x0) || !Number.isFinite(x1)) fail(`unsupported range: ${cppDouble(x0)} -> ${cppDouble(x1)}`, c.pos, 'RuntimeError');
  if (!((dx > 0 && x1 >= x0) || (dx < 0 && x1 <= x0))) fail('upper bound and larger bound inconsistent with step sign', c.pos, 'RuntimeError');
  const size = Math.ceil((x1 - x0) / dx);
  if (!(size >= 0 && size <= 9223372036854775807)) fail('invalid size, possible overflow?', c.pos, 'RuntimeError');
  p.checkCount(size, c.pos);
  if (isFloat) return tensor([size], arangeFloat(x0, dx, size, p.threads), 'float32');
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = x0 + dx * i;
  return tensor([size], out, 'int64');
}

function fnLinspace(p, c) {
  const a = bind('linspace', c, ['start', 'end', 'steps'], { dtype: true });
  dtypeArg(a.dtype);
  const start = numberArg('linspace', 'start', 1, a.start);
  const end = numberArg('linspace', 'end', 2, a.end);
  const sv = a.steps.v;
  if (sv.k !== 'num' || sv.t === 'float') fail(`linspace(): argument 'steps' (position 3) must be int, not ${pyTypeName(sv)}`, a.steps.pos, 'TypeError');
  if (sv.big !== null) fail('Overflow when unpacking long', a.steps.pos, 'RuntimeError');
  const steps = sv.v;
  if (steps < 0) fail('number of steps must be non-negative', c.pos, 'RuntimeError');
  p.checkCount(steps, a.steps.pos);
  return tensor([steps], linspaceFloat(start.v, end.v, steps, p.threads), 'float32');
}

function fnManualSeed(p, c) {
  // a Python function, so Python's wording for a missing argument
  if (!c.args.length && !c.kwargs.length) fail("manual_seed() missing 1 required positional argument: 'seed'", c.close, 'TypeError');
  const a = bind('manual_seed', c, ['seed']);
  const v = a.seed.v;
  let big;
  if (v.k === 'num') {
    if (v.t === 'float') {
      if (Number.isNaN(v.v)) fail('cannot convert float NaN to integer', a.seed.pos, 'ValueError');
      if (!Number.isFinite(v.v)) fail('cannot convert float infinity to integer', a.seed.pos, 'OverflowError');
      big = BigInt(Math.trunc(v.v)); // Python: int(seed)
    } else {
      big = v.big ?? BigInt(v.v);
    }
  } else if (v.k === 'str' && /^\s*[+-]?\d+\s*$/.test(v.v)) {
    big = BigInt(v.v.trim());
  } else if (v.k === 'str') {
    fail(`invalid literal for int() with base 10: '${v.v}'`, a.seed.pos, 'ValueError');
  } else {
    fail(`int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(v)}'`, a.seed.pos, 'TypeError');
  }
  if (big < -(2n ** 63n) || big >= 2n ** 64n) fail('Overflow when unpacking long', a.seed.pos, 'RuntimeError');
  // at::mt19937 keeps the low 32 bits of the (two's complement) 64-bit seed
  p.gen = { mt: new MT19937(Number(BigInt.asUintN(32, big))), cache: null };
  return { k: 'stmt' };
}

export function toTensor(p, v, pos, dtype = null, fname = null) {
  if (v.k === 'tensor') {
    if (fname) fail('torch.tensor() of a tensor is not supported here: use the tensor itself or .float()', pos, 'NotSupported');
    return v;
  }
  if (v.k === 'num') {
    const t = dtype ?? (v.t === 'bool' ? 'bool' : v.t === 'int' ? 'int64' : 'float32');
    p.checkCount(1, pos);
    if (v.big !== null) {
      if (t === 'int64') bigIntFail(v.big, pos);
      if (!Number.isFinite(v.v)) fail('int too large to convert to float', pos, 'OverflowError');
    }
    const Arr = t === 'float32' ? Float32Array : t === 'int64' ? Float64Array : Uint8Array;
    return tensor([], Arr.of(v.v), t);
  }
  if (v.k === 'list') return fromList(p, v, dtype);
  if (v.k === 'str') fail("new(): invalid data type 'str'", pos, 'TypeError');
  if (fname) fail(`new(): data must be a sequence (got ${pyTypeName(v)})`, pos, 'TypeError');
  fail(`the result must be a tensor, a list or a number (got ${pyTypeName(v)})`, pos, 'TypeError');
}

// torch/csrc/utils/tensor_new.cpp: sizes from the first element at each level, then a
// depth-first store that checks every sequence's length before its elements.
function fromList(p, root, dtypeOverride) {
  const sizes = [];
  let node = root;
  for (;;) {
    sizes.push(node.items.length);
    if (sizes.length > MAX_DIMS) fail(`tensors with more than ${MAX_DIMS} dimensions are not supported here (this list nests ${MAX_DIMS + 1} or more levels deep)`, node.pos, 'NotSupported');
    if (node.items.length === 0) break;
    const first = node.items[0];
    if (typeof first !== 'object' || first === null) break;
    node = first;
  }
  const kinds = root.kinds | (root.items.length === 0 ? K_FLOAT : 0);
  const dtype = dtypeOverride ?? (kinds & K_FLOAT ? 'float32' : kinds & K_INT ? 'int64' : kinds & K_BOOL ? 'bool' : 'float32');
  const n = numel(sizes);
  p.checkCount(n, root.pos);
  const data = dtype === 'float32' ? new Float32Array(n) : dtype === 'int64' ? new Float64Array(n) : new Uint8Array(n);
  if (n === 0) return tensor(sizes, data, dtype);
  const ndim = sizes.length;
  let o = 0;
  const store = (nd, dim) => {
    if (nd.items.length !== sizes[dim]) {
      fail(`expected sequence of length ${sizes[dim]} at dim ${dim} (got ${nd.items.length})`, nd.pos, 'ValueError');
    }
    const items = nd.items;
    if (dim === ndim - 1) {
      for (let i = 0; i < items.length; i++) {
        const x = items[i];
        if (typeof x === 'number') data[o++] = x;
        else if (typeof x === 'bigint') {
          if (dtype === 'int64') bigIntFail(x, p.itemPos(nd, i));
          const f = Number(x);
          if (!Number.isFinite(f)) fail('int too large to convert to float', p.itemPos(nd, i), 'OverflowError');
          data[o++] = f;
        } else {
          const type = x.tuple ? 'tuple' : 'list';
          fail(dtype === 'float32' ? `must be real number, not ${type}` : `'${type}' object cannot be interpreted as an integer`, x.pos, 'TypeError');
        }
      }
      return;
    }
    for (let i = 0; i < items.length; i++) {
      const x = items[i];
      if (typeof x !== 'object' || x === null) fail('not a sequence', p.itemPos(nd, i), 'TypeError');
      store(x, dim + 1);
    }
  };
  store(root, 0);
  return tensor(sizes, data, dtype);
}

// C++ ostream << double (%g, 6 significant digits), for torch's arange message.
function cppDouble(x) {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const a = Math.abs(x);
  const [m, ex] = a.toExponential(5).split('e');
  const e = Number(ex);
  const s = e < -4 || e >= 6
    ? `${m.replace(/\.?0+$/, '')}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`
    : a.toFixed(5 - e).replace(/\.?0+$/, '');
  return (x < 0 ? '-' : '') + s;
}

// Python's float() of a string (already stripped): an optional sign, then inf/infinity/nan or a
// decimal literal with single underscores between digits. null: not a float. A scan, not a regex:
// a backtracking regex overflows the stack on a string of millions of digits.
function pyFloatString(t) {
  let i = 0;
  const sign = t[0] === '-' || t[0] === '+' ? t[i++] : '';
  const word = t.slice(i).toLowerCase();
  if (word === 'inf' || word === 'infinity') return sign === '-' ? -Infinity : Infinity;
  if (word === 'nan') return NaN;
  const isDigit = (c) => c >= '0' && c <= '9';
  // digits with single underscores between them; returns the index after them (i when none)
  const digits = (k) => {
    if (!isDigit(t[k])) return k;
    let j = k + 1;
    for (;;) {
      if (isDigit(t[j])) j++;
      else if (t[j] === '_' && isDigit(t[j + 1])) j += 2;
      else return j;
    }
  };
  let j = digits(i);
  let mantissa = j > i;
  if (t[j] === '.') {
    const k = digits(j + 1);
    mantissa ||= k > j + 1;
    j = k;
  }
  if (!mantissa) return null;
  if (t[j] === 'e' || t[j] === 'E') {
    let k = j + 1;
    if (t[k] === '+' || t[k] === '-') k++;
    const e = digits(k);
    if (e === k) return null;
    j = e;
  }
  if (j !== t.length) return null;
  return Number(sign + t.slice(i).replace(/_/g, ''));
}

