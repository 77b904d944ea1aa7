// Python's operators on the console's values (unary +/-, + - * /, **) and the tensor methods
// .reshape/.view/.float.

import { MAX_DIMS, fail } from './errors.js';
import { intValue, num, pyTypeName, shapeStr, tensor } from './values.js';
import { sizeArgs } from './factories.js';

export function callMethod(p, name, t, c) {
  if (name === 'float') {
    if (c.args.length) fail(`float() takes 0 positional arguments but ${c.args.length} ${c.args.length === 1 ? 'was' : 'were'} given`, c.args[0].pos, 'TypeError');
    if (c.kwargs.length) fail(`float() got an unexpected keyword argument '${c.kwargs[0].name}'`, c.kwargs[0].pos, 'TypeError');
    if (t.dtype === 'float32') return t;
    p.checkCount(t.data.length, c.pos);
    return tensor(t.shape, Float32Array.from(t.data), 'float32');
  }
  // reshape / view
  const pname = name === 'view' ? 'size' : 'shape';
  let args = c.args;
  for (const kw of c.kwargs) {
    if (kw.name === pname && args.length === 0) args = [kw];
    else fail(`${name}() got an unexpected keyword argument '${kw.name}'`, kw.pos, 'TypeError');
  }
  if (args.length === 0) fail(`${name}() missing 1 required positional arguments: "${pname}"`, c.close, 'TypeError');
  if (name === 'view' && args.some((a) => a.v.k !== 'list' && !(a.v.k === 'num' && a.v.t === 'int'))) {
    const got = args.map((a) => pyTypeName(a.v)).join(', ');
    const bad = args.map((a) => `!${pyTypeName(a.v)}!`).join(', ');
    const bad1 = args.map((a) => (a.v.k === 'num' && a.v.t === 'int' ? pyTypeName(a.v) : `!${pyTypeName(a.v)}!`)).join(', ');
    fail(`view() received an invalid combination of arguments - got (${got}), but expected one of:\n * (torch.dtype dtype)\n` +
      `      didn't match because some of the arguments have invalid types: (${bad})\n * (tuple of SymInts size)\n` +
      `      didn't match because some of the arguments have invalid types: (${bad1})\n`,
    args[0].pos, 'TypeError');
  }
  const shape = sizeArgs(p, name, args, pname, 'SymInts');
  const out = inferSize(shape, t.data.length, args[0].pos);
  if (out.length > MAX_DIMS) fail(`tensors with more than ${MAX_DIMS} dimensions are not supported here (got ${out.length})`, args[0].pos, 'NotSupported');
  return tensor(out, t.data, t.dtype);
}

export function applyUnary(p, op, v, pos) {
  if (v.k === 'num') {
    if (op === '+') return v.t === 'bool' ? num(v.v, 'int') : v;
    if (v.big !== null) return intValue(-v.big);
    return num(v.t === 'float' ? -v.v : 0 - v.v, v.t === 'bool' ? 'int' : v.t);
  }
  if (v.k === 'tensor') {
    if (v.dtype === 'bool') {
      fail(op === '-'
        ? 'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.'
        : 'The `+` operator, on a bool tensor is not supported.', pos, 'RuntimeError');
    }
    if (op === '+') return v;
    p.checkCount(v.data.length, pos);
    const out = new v.data.constructor(v.data.length);
    if (v.dtype === 'float32') for (let i = 0; i < out.length; i++) out[i] = -v.data[i];
    else for (let i = 0; i < out.length; i++) out[i] = 0 - v.data[i];
    return tensor(v.shape, out, v.dtype);
  }
  fail(`bad operand type for unary ${op}: '${pyTypeName(v)}'`, pos, 'TypeError');
}

export function binary(op, a, b, pos) {
  if (a.k === 'tensor' || b.k === 'tensor') fail('arithmetic on tensors is not supported here', pos, 'NotSupported');
  if (a.k !== 'num' || b.k !== 'num') {
    if (a.k === 'list' || b.k === 'list') fail('list arithmetic is not supported here', pos, 'NotSupported');
    fail(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`, pos, 'TypeError');
  }
  const ints = a.t !== 'float' && b.t !== 'float';
  if (op === '/') {
    if (b.v === 0) fail(ints ? 'division by zero' : 'float division by zero', pos, 'ZeroDivisionError');
    return num(a.v / b.v, 'float');
  }
  if (!ints) return num(op === '+' ? a.v + b.v : op === '-' ? a.v - b.v : a.v * b.v, 'float');
  const r = op === '+' ? a.v + b.v : op === '-' ? a.v - b.v : a.v * b.v;
  if (a.big === null && b.big === null && Number.isSafeInteger(r)) return num(r, 'int');
  const x = a.big ?? BigInt(a.v), y = b.big ?? BigInt(b.v);
  return intValue(op === '+' ? x + y : op === '-' ? x - y : x * y);
}

export function pow(a, b, pos) {
  if (a.k === 'tensor' || b.k === 'tensor') fail('arithmetic on tensors is not supported here', pos, 'NotSupported');
  if (a.k !== 'num' || b.k !== 'num') {
    fail(`unsupported operand type(s) for ** or pow(): '${pyTypeName(a)}' and '${pyTypeName(b)}'`, pos, 'TypeError');
  }
  if (a.v === 0 && b.v < 0) fail('0.0 cannot be raised to a negative power', pos, 'ZeroDivisionError');
  if (a.t !== 'float' && b.t !== 'float' && b.v >= 0) { // exact integer power
    const x = a.big ?? BigInt(a.v);
    const bits = x === 0n || x === 1n || x === -1n ? 1 : x.toString(2).length;
    if (b.big !== null || bits * b.v > 4096) fail('integer result too large (more than 4096 bits)', pos, 'LimitExceeded');
    return intValue(x ** BigInt(b.v));
  }
  // Float powers use Math.pow; the result may differ from C's pow() in the last bit.
  return num(Math.pow(a.v, b.v), 'float');
}

// at::infer_size: -1 inference and torch's messages, in torch's order of checks.
function inferSize(shape, n, pos) {
  let newsize = 1;
  let infer = -1;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === -1) {
      if (infer >= 0) fail('only one dimension can be inferred', pos, 'RuntimeError');
      infer = d;
    } else if (shape[d] >= 0) {
      newsize *= shape[d];
    } else {
      fail(`invalid shape dimension ${shape[d]}`, pos, 'RuntimeError');
    }
  }
  if (n === newsize || (infer >= 0 && newsize > 0 && n % newsize === 0)) {
    const out = shape.slice();
    if (infer >= 0) {
      if (newsize === 0) {
        fail(`cannot reshape tensor of 0 elements into shape ${shapeStr(shape)} because the unspecified dimension size -1 can be any value and is ambiguous`, pos, 'RuntimeError');
      }
      out[infer] = n / newsize;
    }
    return out;
  }
  fail(`shape '${shapeStr(shape)}' is invalid for input of size ${n}`, pos, 'RuntimeError');
}
