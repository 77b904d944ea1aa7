// The general parser: a small Python subset evaluated left to right, statement by statement.
// Syntax and names live here; torch's functions are the table in factories.js, operators and
// tensor methods are in ops.js; both get the parser for its limits, generator and error positions.

import { MAX_DEPTH, TensorParseError, fail } from './errors.js';
import { Lexer, OPS2, T_EOF, T_NAME, T_NL, T_NUM, T_OP, T_STR } from './lexer.js';
import { K_BOOL, K_FLOAT, K_INT, ListNode, num, pyTypeName } from './values.js';
import { FUNCTIONS, TORCH_FUNCS, toTensor } from './factories.js';
import { applyUnary, binary, callMethod, pow } from './ops.js';
import { literalFastPath } from './fastpath.js';

const DTYPES = {
  float32: 'float32', float: 'float32', int64: 'int64', long: 'int64', bool: 'bool', float64: 'float64',
  double: 'float64', float16: 'float16', half: 'float16', bfloat16: 'bfloat16', int32: 'int32', int: 'int32',
  int16: 'int16', short: 'int16', int8: 'int8', uint8: 'uint8', complex64: 'complex64', cfloat: 'complex64',
  complex128: 'complex128', cdouble: 'complex128',
};

const TORCH_CONSTS = { pi: Math.PI, e: Math.E, inf: Infinity, nan: NaN };
const MATH_CONSTS = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI, inf: Infinity, nan: NaN };
const METHODS = ['reshape', 'view', 'float'];

class Parser {
  constructor(text, opts) {
    this.text = text;
    this.maxElements = opts.maxElements;
    this.threads = opts.threads;
    this.budget = 16 * opts.maxElements; // all tensors made by one input, so no input can run long
    this.lx = new Lexer(text);
    this.depth = 0;
    this.leaves = 0;
    this.env = new Map();
    this.gen = null; // {mt, cache} after torch.manual_seed
    this.defaultSeed = opts.seed ?? null;  // for rand/randn before any torch.manual_seed
    this.seeded = null;  // the default seed, once used
  }

  // ---------------------------------------------------------------------------------- statements

  program() {
    const lx = this.lx;
    let last = null;
    let lastPos = 0;
    for (;;) {
      while (lx.type === T_NL || lx.is(';')) lx.next();
      if (lx.type === T_EOF) break;
      lastPos = lx.start;
      last = this.statement();
      if (lx.type === T_NL || lx.is(';')) continue;
      if (lx.type !== T_EOF) this.unexpected();
    }
    if (last === null) fail('empty input: type a tensor, e.g. torch.tensor([1.0, 2.0]) or [[1, 2], [3, 4]]', 0);
    if (last.k === 'stmt') fail('the last statement must be a tensor expression', lastPos);
    return toTensor(this, last, lastPos);
  }

  statement() {
    const lx = this.lx;
    if (lx.type === T_NAME && (lx.text === 'import' || lx.text === 'from')) return this.importStatement();
    if (lx.type === T_NAME) {
      // NAME '=' expr: look one token ahead
      const m = lx.mark();
      lx.next();
      if (lx.is('=')) {
        if (['torch', 'math', 'True', 'False', 'None'].includes(m.text)) fail(`cannot assign to ${m.text} here`, m.start);
        lx.next();
        const v = this.expr();
        this.env.set(m.text, v);
        return v;
      }
      lx.reset(m);
    }
    return this.expr();
  }

  importStatement() {
    const lx = this.lx;
    const pos = lx.start;
    const kw = lx.text;
    lx.next();
    if (kw === 'import' && lx.type === T_NAME && (lx.text === 'torch' || lx.text === 'math')) {
      lx.next();
      if (lx.type === T_NL || lx.type === T_EOF || lx.is(';')) return { k: 'stmt' };
    }
    fail("only 'import torch' and 'import math' are supported", pos, 'NotSupported');
  }

  unexpected() {
    const lx = this.lx;
    if (lx.type === T_OP && OPS2.has(lx.text) && lx.text !== '**') fail(`operator '${lx.text}' is not supported`, lx.start, 'NotSupported');
    fail(`unexpected ${lx.describe()}`, lx.start);
  }

  // -------------------------------------------------------------------------------- expressions

  expr() {
    return this.binaryRest(this.unary(), 0);
  }

  binaryRest(left, minPrec) {
    const lx = this.lx;
    for (;;) {
      if (lx.type !== T_OP) return left;
      const op = lx.text;
      const prec = op === '+' || op === '-' ? 1 : op === '*' || op === '/' ? 2 : 0;
      if (prec === 0 || prec < minPrec) return left;
      const pos = lx.start;
      lx.next();
      let right = this.unary();
      for (;;) {
        const next = lx.type === T_OP ? lx.text : '';
        const p2 = next === '*' || next === '/' ? 2 : 0;
        if (p2 > prec) right = this.binaryRest(right, p2);
        else break;
      }
      left = binary(op, left, right, pos);
    }
  }

  unary() {
    const lx = this.lx;
    if (!lx.is('-') && !lx.is('+')) return this.power();
    const signs = [];
    while (lx.is('-') || lx.is('+')) {
      signs.push(lx.text, lx.start);
      lx.next();
    }
    let v = this.power();
    for (let i = signs.length - 2; i >= 0; i -= 2) v = applyUnary(this, signs[i], v, signs[i + 1]);
    return v;
  }

  // Python: '**' binds tighter than a unary sign on its left, and its right operand may be signed.
  power() {
    const lx = this.lx;
    const base = this.postfix();
    if (!lx.is('**')) return base;
    const pos = lx.start;
    lx.next();
    this.enter(pos);
    const exp = this.unary();
    this.depth--;
    return pow(base, exp, pos);
  }

  postfix() {
    const lx = this.lx;
    const pos = lx.start;
    let v = this.primary();
    for (;;) {
      if (lx.is('.')) {
        lx.next();
        if (lx.type !== T_NAME) this.unexpected();
        const namePos = lx.start;
        const name = lx.text;
        lx.next();
        v = this.attribute(v, name, namePos);
      } else if (lx.is('(')) {
        v = this.call(v, pos);
      } else if (lx.is('[')) {
        fail('indexing is not supported', lx.start, 'NotSupported');
      } else {
        return v;
      }
    }
  }

  primary() {
    const lx = this.lx;
    const pos = lx.start;
    switch (lx.type) {
      case T_NUM: {
        const v = lx.isInt ? num(lx.num, 'int', lx.big) : num(lx.num, 'float');
        lx.next();
        return v;
      }
      case T_STR: {
        const v = { k: 'str', v: lx.text };
        lx.next();
        return v;
      }
      case T_NAME: {
        const name = lx.text;
        lx.next();
        return this.name(name, pos);
      }
      case T_OP:
        if (lx.text === '[') return this.list(pos);
        if (lx.text === '(') return this.paren(pos);
        break;
      default:
    }
    this.unexpected();
  }

  enter(pos) {
    if (++this.depth > MAX_DEPTH) fail(`nesting is deeper than ${MAX_DEPTH} levels`, pos, 'LimitExceeded');
  }

  name(name, pos) {
    if (this.env.has(name)) return this.env.get(name);
    switch (name) {
      case 'torch': return { k: 'module', name: 'torch' };
      case 'math': return { k: 'module', name: 'math' };
      case 'True': return num(1, 'bool');
      case 'False': return num(0, 'bool');
      case 'None': return { k: 'none' };
      case 'inf': return num(Infinity, 'float');
      case 'nan': return num(NaN, 'float');
      case 'float': return { k: 'fn', name: 'float' };
      case 'tensor': return { k: 'fn', name: 'tensor' }; // so torch's own printout parses back
      default:
    }
    fail(`name '${name}' is not defined`, pos, 'NameError');
  }

  attribute(v, name, pos) {
    if (v.k === 'module' && v.name === 'torch') {
      if (TORCH_FUNCS.includes(name)) return { k: 'fn', name };
      if (name in TORCH_CONSTS) return num(TORCH_CONSTS[name], 'float');
      if (name in DTYPES) return { k: 'dtype', v: DTYPES[name], name: `torch.${name}` };
      fail(`torch.${name} is not supported here (supported: ${TORCH_FUNCS.map((f) => `torch.${f}`).join(', ')})`, pos, 'NotSupported');
    }
    if (v.k === 'module' && v.name === 'math') {
      if (name in MATH_CONSTS) return num(MATH_CONSTS[name], 'float');
      fail(`math.${name} is not supported here (supported: ${Object.keys(MATH_CONSTS).map((c) => `math.${c}`).join(', ')})`, pos, 'NotSupported');
    }
    if (v.k === 'tensor') {
      if (METHODS.includes(name)) return { k: 'method', name, self: v };
      fail(`tensor method .${name}() is not supported here (supported: ${METHODS.map((m) => `.${m}()`).join(', ')})`, pos, 'NotSupported');
    }
    fail(`'${pyTypeName(v)}' object has no attribute '${name}'`, pos, 'AttributeError');
  }

  // '[' items ']' -> ListNode. Numbers take a fast path (no value object per element): a
  // 1000x1000 literal is a million of them.
  list(pos) {
    this.enter(pos);
    this.lx.next();
    return this.listRest(new ListNode(pos, false), ']');
  }

  listRest(node, close) {
    const lx = this.lx;
    const items = node.items;
    const open = close === ']' ? '[' : '(';
    const unclosed = () => fail(`'${open}' was never closed`, node.pos);
    while (!lx.is(close)) {
      if (lx.type === T_EOF) unclosed();
      const itemPos = lx.start;
      const depth = lx.depth; // bracket depth before the item (the lexer runs one token ahead)
      let neg = false;
      let m = null;
      if (lx.type === T_OP && lx.text === '-') {
        m = lx.mark();
        lx.next();
        neg = true;
      }
      if (lx.type === T_NUM && lx.big === null) {
        const isInt = lx.isInt;
        const x = neg ? (isInt ? 0 - lx.num : -lx.num) : lx.num;
        lx.next();
        if (lx.is(',') || lx.is(close)) {
          this.leaf(itemPos);
          items.push(x);
          node.kinds |= isInt ? K_INT : K_FLOAT;
          if (lx.is(',')) lx.next();
          continue;
        }
      }
      // not a plain number: back to the item's start, parse it in full
      if (m !== null) lx.reset(m);
      else if (lx.start !== itemPos) this.rewind(itemPos, depth);
      this.pushItem(node, this.expr(), itemPos);
      if (lx.is(',')) lx.next();
      else if (!lx.is(close)) {
        if (lx.type === T_EOF) unclosed();
        this.unexpected();
      }
    }
    lx.next();
    this.depth--;
    return node;
  }

  // Put the lexer back on the token that starts at pos, at bracket depth `depth` (re-scans it).
  rewind(pos, depth) {
    const lx = this.lx;
    lx.i = pos;
    lx.depth = depth;
    lx.next();
  }

  leaf(pos) {
    if (++this.leaves > this.maxElements) {
      fail(`too many elements: the limit is ${this.maxElements.toLocaleString('en-US')} (maxElements)`, pos, 'LimitExceeded');
    }
  }

  pushItem(node, v, pos) {
    if (v.k === 'num') {
      this.leaf(pos);
      node.items.push(v.big !== null ? v.big : v.v);
      node.kinds |= v.t === 'bool' ? K_BOOL : v.t === 'int' ? K_INT : K_FLOAT;
    } else if (v.k === 'list') {
      node.items.push(v);
      node.kinds |= v.kinds | (v.items.length === 0 ? K_FLOAT : 0);
    } else if (v.k === 'str') {
      fail("new(): invalid data type 'str'", pos, 'TypeError');
    } else {
      fail(`list elements must be numbers or lists, not ${pyTypeName(v)}`, pos, 'TypeError');
    }
  }

  // '(' ')' is an empty tuple, '(' expr ')' a parenthesized expression, '(' expr ',' ... ')' a tuple.
  paren(pos) {
    const lx = this.lx;
    this.enter(pos);
    lx.next();
    if (lx.is(')')) {
      lx.next();
      this.depth--;
      return new ListNode(pos, true);
    }
    const firstPos = lx.start;
    const first = this.expr();
    if (lx.is(')')) {
      lx.next();
      this.depth--;
      return first;
    }
    if (!lx.is(',')) {
      if (lx.type === T_EOF) fail("'(' was never closed", pos);
      this.unexpected();
    }
    lx.next();
    const node = new ListNode(pos, true);
    this.pushItem(node, first, firstPos);
    return this.listRest(node, ')');
  }

  // ----------------------------------------------------------------------------------- calls

  call(fn, pos) {
    const lx = this.lx;
    const open = lx.start;
    this.enter(open);
    lx.next();
    const args = [];
    const kwargs = [];
    while (!lx.is(')')) {
      if (lx.type === T_EOF) fail("'(' was never closed", open);
      const argPos = lx.start;
      if (lx.is('*') || lx.is('**')) fail('argument unpacking is not supported', argPos, 'NotSupported');
      let kw = null;
      if (lx.type === T_NAME) {
        const m = lx.mark();
        lx.next();
        if (lx.is('=')) {
          kw = m.text;
          lx.next();
        } else {
          lx.reset(m);
        }
      }
      const v = this.expr();
      if (kw !== null) {
        if (kwargs.some((a) => a.name === kw)) fail(`keyword argument repeated: ${kw}`, argPos);
        kwargs.push({ name: kw, v, pos: argPos });
      } else {
        if (kwargs.length) fail('positional argument follows keyword argument', argPos);
        args.push({ v, pos: argPos });
      }
      if (lx.is(',')) lx.next();
      else if (!lx.is(')')) {
        if (lx.type === T_EOF) fail("'(' was never closed", open);
        this.unexpected();
      }
    }
    const closePos = lx.start;
    lx.next();
    this.depth--;
    const c = { args, kwargs, pos, open, close: closePos };
    if (fn.k === 'fn') return this.callFunction(fn.name, c);
    if (fn.k === 'method') return callMethod(this, fn.name, fn.self, c);
    fail(`'${pyTypeName(fn)}' object is not callable`, open, 'TypeError');
  }

  callFunction(name, c) {
    if (!Object.hasOwn(FUNCTIONS, name)) fail(`unknown function ${name}`, c.pos);
    return FUNCTIONS[name](this, c, name);
  }

  // ----------------------------------------------------------- state factories.js and ops.js use

  // The Python type of a raw list leaf: re-parse it (only on error paths).
  leafType(node, i) {
    const sub = new Parser(this.text, { maxElements: 1, threads: 1 });
    sub.env = this.env;
    sub.rewind(this.itemPos(node, i), 1);
    try {
      return pyTypeName(sub.unary());
    } catch {
      return 'float';
    }
  }

  checkCount(n, pos) {
    if (n > this.maxElements) {
      fail(`too many elements: ${n.toLocaleString('en-US')} is more than the limit of ${this.maxElements.toLocaleString('en-US')} (maxElements)`, pos, 'LimitExceeded');
    }
    this.budget -= n;
    if (this.budget < 0) fail(`this input creates more than ${(16 * this.maxElements).toLocaleString('en-US')} tensor elements in total`, pos, 'LimitExceeded');
  }

  // Offset of item i of a list node: re-scan its text (error paths only).
  itemPos(node, index) {
    const lx = new Lexer(this.text.slice(0, 0));
    lx.s = this.text;
    lx.i = node.pos + 1;
    lx.depth = 1;
    lx.next();
    let depth = 0;
    let i = 0;
    while (lx.type !== T_EOF) {
      if (depth === 0 && i === index) return lx.start;
      if (lx.is('[') || lx.is('(')) depth++;
      else if (lx.is(']') || lx.is(')')) depth--;
      else if (lx.is(',') && depth === 0) i++;
      lx.next();
    }
    return node.pos;
  }
}

/**
 * Parse PyTorch tensor syntax into a tensor.
 * @param {string} text
 * @param {{maxElements?: number, threads?: number, seed?: number | (() => number)}} [options]
 *   maxElements: largest tensor accepted (checked before allocation), default 1,000,000.
 *   threads: torch's intra-op thread count to mimic for arange/linspace above 32768 elements
 *   (at::parallel_for splits them, which changes a few roundings), default 1.
 *   seed: what rand/randn use before any torch.manual_seed (without it they are an error); a
 *   function is called only if one of them runs.
 * @returns {{shape: number[], data: Float32Array|Float64Array|Uint8Array, dtype: 'float32'|'int64'|'bool', seed?: number}}
 *   seed: present when the default seed was used.
 */
export function parseTensor(text, { maxElements = 1_000_000, threads = 1, seed = null } = {}) {
  if (typeof text !== 'string') throw new TypeError('parseTensor expects a string');
  const seedOk = (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32;
  if (seed !== null && typeof seed !== 'function' && !seedOk(seed)) throw new RangeError('parseTensor: seed must be an integer in [0, 2**32)');
  if (typeof seed === 'function') {
    const ask = seed;
    seed = () => { const v = ask(); if (!seedOk(v)) throw new RangeError('parseTensor: seed() must return an integer in [0, 2**32)'); return v; };
  }
  try {
    const fast = literalFastPath(text, maxElements);
    if (fast) return fast;
    const p = new Parser(text, { maxElements, threads, seed });
    const t = p.program();
    const out = { shape: t.shape.slice(), data: t.data, dtype: t.dtype };
    if (p.seeded !== null) out.seed = p.seeded;
    return out;
  } catch (e) {
    // The parser bounds its own nesting; an engine limit reached anyway is still a parse error.
    if (e instanceof RangeError && !(e instanceof TensorParseError)) {
      throw new TensorParseError(`input too complex to parse (${e.message})`, 0, 'LimitExceeded');
    }
    throw e;
  }
}
