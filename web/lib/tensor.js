// Tensor console core: parse PyTorch tensor syntax, print tensors exactly like torch 1.13.
//
//   parseTensor(text, { maxElements, threads }) -> { shape, data, dtype }
//   formatTensor({ shape, data, dtype }, options) -> the string torch 1.13's print(t) shows
//
// dtype and data:
//   'float32' -> Float32Array
//   'int64'   -> Float64Array of exact integers (|n| <= 2^53; larger literals are refused)
//   'bool'    -> Uint8Array of 0/1 (torch.tensor([True, False]) is a bool tensor and prints as one)
//
// The input is a small Python subset evaluated left to right, statement by statement (';' or
// newline): nested lists/tuples, torch.tensor, factories (zeros, ones, full, arange, linspace, rand,
// randn), torch.manual_seed, .reshape/.view/.float, float('inf'), math/torch constants, scalar
// + - * / **, assignments `x = ...`, `import torch`. The last statement is the result. Values follow
// torch's CPU kernels bit for bit, including its mt19937 generator (rand and randn need an
// explicit torch.manual_seed first), the AVX2 Box-Muller kernel of randn and the FMA contractions
// GCC made in Debian's build (verified against the real library, see tests/fixtures/print.json).
//
// Every failure is a TensorParseError with .pos (0-based offset of the offending character);
// formatParseError(text, err) renders the line with a caret. Parsing is linear in the text,
// nesting is limited to MAX_DEPTH and element counts are checked before anything is allocated.

import { formatParseError } from './caret.js';

export { formatParseError };
export const MAX_DIMS = 6;
export const MAX_DEPTH = 64;

// ============================================================================================
// Errors
// ============================================================================================

export class TensorParseError extends Error {
  /**
   * @param {string} message  torch's/Python's wording where they have one
   * @param {number} pos      0-based offset of the offending character
   * @param {string} [pyType] the exception real torch/Python raises for the same input (ValueError,
   *   TypeError, RuntimeError, NameError, SyntaxError, ...); 'NotSupported' for what torch accepts
   *   but this console does not; 'LimitExceeded' for the console's element and nesting limits.
   */
  constructor(message, pos, pyType = 'SyntaxError') {
    super(message);
    this.name = 'TensorParseError';
    this.pos = pos;
    this.pyType = pyType;
  }

  caretMessage(text) {
    return formatParseError(text, this);
  }
}


const fail = (message, pos, pyType) => {
  throw new TensorParseError(message, pos, pyType);
};

// ============================================================================================
// Lexer: Python tokens, one at a time (no token array: a 1000x1000 literal is 10 MB of text)
// ============================================================================================

const T_EOF = 0, T_NUM = 1, T_NAME = 2, T_STR = 3, T_OP = 4, T_NL = 5;

const isDigit = (c) => c >= 48 && c <= 57;
const isIdStart = (c) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdChar = (c) => isIdStart(c) || isDigit(c);
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`)); // exact doubles
const isRadixDigit = (c, radix) => (radix === 16 ? isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102) : c >= 48 && c < 48 + radix);
const OPS2 = new Set(['**', '//', '==', '!=', '<=', '>=', '->', ':=', '<<', '>>', '+=', '-=', '*=', '/=']);
const OPS1 = '[](){},.=;+-*/:%@<>&|^~!?$`\\';

class Lexer {
  constructor(text) {
    this.s = text;
    this.i = 0;
    this.depth = 0; // open brackets: newlines inside them are whitespace (Python's implicit joining)
    this.type = T_EOF;
    this.start = 0;
    this.text = '';
    this.num = 0; // T_NUM: value as a double
    this.big = null; // T_NUM: exact BigInt for ints beyond 2^53
    this.isInt = false;
    this.next();
  }

  next() {
    const s = this.s;
    const n = s.length;
    let i = this.i;
    for (;;) {
      if (i >= n) {
        this.type = T_EOF;
        this.start = this.i = n;
        this.text = '';
        return;
      }
      const c = s.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13 || c === 12) { i++; continue; }
      if (c === 35) { // '#' comment
        while (i < n && s.charCodeAt(i) !== 10) i++;
        continue;
      }
      if (c === 92) { // backslash line continuation
        let j = i + 1;
        if (s.charCodeAt(j) === 13) j++;
        if (s.charCodeAt(j) === 10) { i = j + 1; continue; }
        fail('unexpected character after line continuation character', i);
      }
      if (c === 10) {
        if (this.depth > 0) { i++; continue; }
        this.type = T_NL;
        this.start = i;
        this.text = '\n';
        i++;
        // blank lines and comment-only lines fold into one newline token
        for (;;) {
          while (i < n) {
            const d = s.charCodeAt(i);
            if (d === 32 || d === 9 || d === 13 || d === 12 || d === 10) i++;
            else break;
          }
          if (i < n && s.charCodeAt(i) === 35) {
            while (i < n && s.charCodeAt(i) !== 10) i++;
            continue;
          }
          break;
        }
        this.i = i;
        return;
      }
      this.start = i;
      if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) {
        this.scanNumber(i);
        return;
      }
      if (isIdStart(c)) {
        let j = i + 1;
        while (j < n && isIdChar(s.charCodeAt(j))) j++;
        this.type = T_NAME;
        this.text = s.slice(i, j);
        this.i = j;
        return;
      }
      if (c === 39 || c === 34) {
        this.scanString(i, c);
        return;
      }
      if (c === 46 && s.charCodeAt(i + 1) === 46 && s.charCodeAt(i + 2) === 46) {
        fail("'...' (a summarized printout) cannot be parsed: the elements it hides are unknown", i, 'NotSupported');
      }
      const two = s.slice(i, i + 2);
      if (OPS2.has(two)) {
        this.type = T_OP;
        this.text = two;
        this.i = i + 2;
        return;
      }
      const ch = s[i];
      if (OPS1.includes(ch)) {
        if (c === 40 || c === 91 || c === 123) this.depth++;
        else if ((c === 41 || c === 93 || c === 125) && this.depth > 0) this.depth--;
        this.type = T_OP;
        this.text = ch;
        this.i = i + 1;
        return;
      }
      const cp = s.codePointAt(i);
      fail(`invalid character '${String.fromCodePoint(cp)}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`, i);
    }
  }

  // digit (["_"] digit)* from j in the given radix: its end, or -1 for a misplaced underscore.
  // (A method, not a closure: this runs for every number of a 10 MB literal.)
  digitRun(j, radix) {
    const s = this.s;
    if (!isRadixDigit(s.charCodeAt(j), radix)) return j;
    j++;
    for (;;) {
      const c = s.charCodeAt(j);
      if (isRadixDigit(c, radix)) j++;
      else if (c === 95) {
        if (!isRadixDigit(s.charCodeAt(j + 1), radix)) return -1;
        this.underscore = true;
        j += 2;
      } else return j;
    }
  }

  // Python's numeric literal grammar: 1, 1_000, 0x1F, 0o17, 0b101, 1., .5, 1e-3, 1_0.2_5e1_0.
  scanNumber(i) {
    const s = this.s;
    const start = i;
    this.underscore = false;
    const c1 = s.charCodeAt(i + 1) | 32;
    if (s.charCodeAt(i) === 48 && (c1 === 120 || c1 === 111 || c1 === 98)) {
      const radix = c1 === 120 ? 16 : c1 === 111 ? 8 : 2;
      let j = i + 2;
      if (s.charCodeAt(j) === 95) j++; // 0x_1f is valid Python
      const end = this.digitRun(j, radix);
      const name = radix === 16 ? 'hexadecimal' : radix === 8 ? 'octal' : 'binary';
      if (end === j || end < 0 || isIdChar(s.charCodeAt(end))) fail(`invalid ${name} literal`, start);
      this.setInt(BigInt(s.slice(i, i + 2) + s.slice(j, end).replace(/_/g, '')), start, end);
      return;
    }
    let j = this.digitRun(i, 10);
    if (j < 0) fail('invalid decimal literal', start);
    const intEnd = j;
    let isFloat = false;
    if (s.charCodeAt(j) === 46) {
      isFloat = true;
      j = this.digitRun(j + 1, 10);
      if (j < 0) fail('invalid decimal literal', start);
    }
    if ((s.charCodeAt(j) | 32) === 101) {
      let k = j + 1;
      const sign = s.charCodeAt(k);
      if (sign === 43 || sign === 45) k++;
      const e = this.digitRun(k, 10);
      if (e < 0 || e === k) fail('invalid decimal literal', start);
      isFloat = true;
      j = e;
    }
    const after = s.charCodeAt(j);
    if ((after | 32) === 106) fail('complex numbers are not supported', start, 'NotSupported');
    if (isIdChar(after) || after === 46) fail('invalid decimal literal', start);
    this.type = T_NUM;
    this.text = '';
    this.i = j;
    this.big = null;
    this.isInt = !isFloat;
    if (isFloat) {
      this.num = this.decimalValue(start, j);
      return;
    }
    if (intEnd - start > 1 && s.charCodeAt(start) === 48) {
      for (let k = start; k < j; k++) {
        const d = s.charCodeAt(k);
        if (d > 48 && d <= 57) fail('leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers', start);
      }
    }
    if (j - start <= 15) { // exact in a double: accumulate, no string
      let v = 0;
      for (let k = start; k < j; k++) {
        const d = s.charCodeAt(k);
        if (d !== 95) v = v * 10 + (d - 48);
      }
      this.num = v;
      return;
    }
    this.setInt(BigInt(s.slice(start, j).replace(/_/g, '')), start, j);
  }

  // The double nearest to the decimal literal s[start, end), like Python's float() and Number().
  // Clinger's fast path first: with at most 15 significant digits the digits form an exact
  // integer m, and m * 10^p or m / 10^p (|p| <= 22, an exact power) is then one correctly rounded
  // operation. Anything else goes to Number().
  decimalValue(start, end) {
    const s = this.s;
    let m = 0;
    let digits = 0;
    let frac = 0;
    let inFrac = false;
    let k = start;
    for (; k < end; k++) {
      const c = s.charCodeAt(k);
      if (c === 46) { inFrac = true; continue; }
      if (c === 95) continue;
      if ((c | 32) === 101) break;
      const d = c - 48;
      if (digits > 0 || d !== 0) digits++;
      m = m * 10 + d;
      if (inFrac) frac++;
    }
    let e = 0;
    if (k < end) {
      const neg = s.charCodeAt(k + 1) === 45;
      for (k += s.charCodeAt(k + 1) === 45 || s.charCodeAt(k + 1) === 43 ? 2 : 1; k < end && e < 1000; k++) {
        const c = s.charCodeAt(k);
        if (c !== 95) e = e * 10 + (c - 48);
      }
      if (neg) e = -e;
    }
    const p = e - frac;
    if (digits <= 15 && p >= -22 && p <= 22) return p < 0 ? m / POW10[-p] : m * POW10[p];
    const lit = s.slice(start, end);
    return Number(this.underscore ? lit.replace(/_/g, '') : lit); // 1e400 -> inf
  }

  setInt(big, start, end) {
    this.type = T_NUM;
    this.isInt = true;
    this.num = Number(big);
    this.big = big >= -MAX_EXACT && big <= MAX_EXACT ? null : big;
    this.text = '';
    this.i = end;
  }

  scanString(i, quote) {
    const s = this.s;
    let j = i + 1;
    for (;;) {
      const c = s.charCodeAt(j);
      if (j >= s.length || c === 10) {
        let line = 1;
        for (let k = s.indexOf('\n'); k >= 0 && k < i; k = s.indexOf('\n', k + 1)) line++;
        fail(`unterminated string literal (detected at line ${line})`, i);
      }
      if (c === 92) fail('escape sequences in strings are not supported', j, 'NotSupported');
      if (c === quote) break;
      j++;
    }
    this.type = T_STR;
    this.text = s.slice(i + 1, j);
    this.i = j + 1;
  }

  // Snapshot of the current token, to look one token ahead (NAME '=' ...) and come back.
  mark() {
    return { i: this.i, depth: this.depth, type: this.type, start: this.start, text: this.text,
      num: this.num, big: this.big, isInt: this.isInt };
  }

  reset(m) {
    Object.assign(this, m);
  }

  is(op) {
    return this.type === T_OP && this.text === op;
  }

  describe() {
    switch (this.type) {
      case T_EOF: return 'end of input';
      case T_NL: return 'end of line';
      case T_STR: return 'string';
      default: {
        const t = this.type === T_NUM ? this.s.slice(this.start, this.i) : this.text;
        return `'${t.length > 20 ? t.slice(0, 20) + '…' : t}'`;
      }
    }
  }
}

// ============================================================================================
// Values. Python scalars are {k:'num', v, t:'int'|'float'|'bool', big}; lists/tuples are
// ListNodes whose items are raw numbers (bool/int/float leaves), BigInts (ints beyond 2^53) or
// ListNodes, with dtype-inference flags gathered while parsing.
// ============================================================================================

const K_BOOL = 1, K_INT = 2, K_FLOAT = 4;

class ListNode {
  constructor(pos, tuple) {
    this.k = 'list';
    this.pos = pos; // offset of '[' or '('
    this.tuple = tuple;
    this.items = [];
    this.kinds = 0; // K_* of every leaf below, and K_FLOAT for every empty list below (torch's inference)
  }
}

const num = (v, t, big = null) => ({ k: 'num', v, t, big });
const MAX_EXACT = 2n ** 53n;
// A Python int: a double when exact (|n| <= 2^53), else the double plus the exact BigInt.
const intValue = (big) => num(Number(big), 'int', big >= -MAX_EXACT && big <= MAX_EXACT ? null : big);
const tensor = (shape, data, dtype) => ({ k: 'tensor', shape, data, dtype });

const pyTypeName = (v) => {
  switch (v.k) {
    case 'num': return v.t === 'bool' ? 'bool' : v.t;
    case 'list': return v.tuple ? 'tuple' : 'list';
    case 'str': return 'str';
    case 'tensor': return 'Tensor';
    case 'dtype': return 'torch.dtype';
    case 'module': return 'module';
    case 'generator': return 'torch._C.Generator';
    case 'none': return 'NoneType';
    default: return 'builtin_function_or_method';
  }
};

const numel = (shape) => shape.reduce((a, b) => a * b, 1);
const shapeStr = (shape) => `[${shape.join(', ')}]`;

// ============================================================================================
// torch's CPU generator: mt19937 seeded like at::mt19937, plus the Box-Muller cache
// ============================================================================================

class MT19937 {
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

// ============================================================================================
// float32 arithmetic helpers that reproduce the compiled kernels
// ============================================================================================

const f32 = Math.fround;
const f32buf = new Float32Array(1);
const i32buf = new Int32Array(f32buf.buffer);
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
function fmaf(a, b, c) {
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

// ============================================================================================
// Factories (torch 1.13 CPU kernels)
// ============================================================================================

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
function arangeFloat(start, step, n, threads) {
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
function linspaceFloat(start, end, steps, threads) {
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

function randFloat(gen, n) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = gen.mt.uniformFloat();
  return out;
}

function randnFloat(gen, n) {
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

// ============================================================================================
// Parser + evaluator
// ============================================================================================

const DTYPES = {
  float32: 'float32', float: 'float32', int64: 'int64', long: 'int64', bool: 'bool', float64: 'float64',
  double: 'float64', float16: 'float16', half: 'float16', bfloat16: 'bfloat16', int32: 'int32', int: 'int32',
  int16: 'int16', short: 'int16', int8: 'int8', uint8: 'uint8', complex64: 'complex64', cfloat: 'complex64',
  complex128: 'complex128', cdouble: 'complex128',
};

const TORCH_FUNCS = ['tensor', 'zeros', 'ones', 'full', 'arange', 'linspace', 'rand', 'randn', 'manual_seed'];
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
    return this.toTensor(last, lastPos);
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
      left = this.binary(op, left, right, pos);
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
    for (let i = signs.length - 2; i >= 0; i -= 2) v = this.applyUnary(signs[i], v, signs[i + 1]);
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
    return this.pow(base, exp, pos);
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
    if (fn.k === 'method') return this.callMethod(fn.name, fn.self, c);
    fail(`'${pyTypeName(fn)}' object is not callable`, open, 'TypeError');
  }

  callFunction(name, c) {
    switch (name) {
      case 'float': return this.fnFloat(c);
      case 'tensor': return this.fnTensor(c);
      case 'zeros': case 'ones': case 'rand': case 'randn': return this.fnSized(name, c);
      case 'full': return this.fnFull(c);
      case 'arange': return this.fnArange(c);
      case 'linspace': return this.fnLinspace(c);
      case 'manual_seed': return this.fnManualSeed(c);
      default: fail(`unknown function ${name}`, c.pos);
    }
  }

  // Bind arguments Python-style; messages follow torch's argument parser.
  bind(fname, c, params, { required = params.length, dtype = false } = {}) {
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

  dtypeArg(a) {
    if (!a) return null;
    if (a.v.k !== 'dtype') fail(`argument 'dtype' must be torch.dtype, not ${pyTypeName(a.v)}`, a.pos, 'TypeError');
    if (a.v.v !== 'float32') fail(`only dtype=torch.float32 is supported here (got ${a.v.name})`, a.pos, 'NotSupported');
    return 'float32';
  }

  numberArg(fname, pname, index, a) {
    if (a.v.k !== 'num') fail(`${fname}(): argument '${pname}' (position ${index}) must be Number, not ${pyTypeName(a.v)}`, a.pos, 'TypeError');
    return a.v;
  }

  // Sizes as varargs or one list/tuple: torch's "tuple of ints" parsing and messages.
  sizeArgs(fname, args, what, kind) {
    const bad = (type, i, pos) => fail(`${fname}(): argument '${what}' must be tuple of ${kind}, but found element of type ${type} at pos ${i + 1}`, pos, 'TypeError');
    const count = args.length === 1 && args[0].v.k === 'list' ? args[0].v.items.length : args.length;
    // refused early, which also keeps the per-item type checks below short
    if (count > MAX_DIMS) fail(`tensors with more than ${MAX_DIMS} dimensions are not supported here (got ${count})`, args[0].pos, 'NotSupported');
    if (args.length === 1 && args[0].v.k === 'list') {
      const node = args[0].v;
      return node.items.map((x, i) => {
        if (typeof x === 'number' && (node.kinds === K_INT || this.leafType(node, i) === 'int')) return x;
        if (typeof x === 'bigint') bad('int', i, this.itemPos(node, i));
        if (typeof x === 'object') bad(x.tuple ? 'tuple' : 'list', i, x.pos);
        bad(this.leafType(node, i), i, this.itemPos(node, i));
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

  checkShape(shape, pos) {
    if (shape.length > MAX_DIMS) fail(`tensors with more than ${MAX_DIMS} dimensions are not supported here (got ${shape.length})`, pos, 'NotSupported');
    const neg = shape.find((d) => d < 0);
    if (neg !== undefined) fail(`Trying to create tensor with negative dimension ${neg}: ${shapeStr(shape)}`, pos, 'RuntimeError');
    this.checkCount(shape.includes(0) ? 0 : shape.reduce((a, b) => a * b, 1), pos);
  }

  checkCount(n, pos) {
    if (n > this.maxElements) {
      fail(`too many elements: ${n.toLocaleString('en-US')} is more than the limit of ${this.maxElements.toLocaleString('en-US')} (maxElements)`, pos, 'LimitExceeded');
    }
    this.budget -= n;
    if (this.budget < 0) fail(`this input creates more than ${(16 * this.maxElements).toLocaleString('en-US')} tensor elements in total`, pos, 'LimitExceeded');
  }

  fnFloat(c) {
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

  fnTensor(c) {
    const a = this.bind('tensor', c, ['data'], { dtype: true });
    const dtype = this.dtypeArg(a.dtype);
    return this.toTensor(a.data.v, a.data.pos, dtype, 'tensor');
  }

  fnSized(name, c) {
    let args = c.args;
    let dtype = null;
    for (const kw of c.kwargs) {
      if (kw.name === 'dtype') dtype = this.dtypeArg(kw);
      else if (kw.name === 'size' && args.length === 0) args = [kw];
      else fail(`${name}() got an unexpected keyword argument '${kw.name}'`, kw.pos, 'TypeError');
    }
    if (args.length === 0) {
      fail(`${name}() missing 1 required positional arguments: "size"`, c.close, 'TypeError');
    }
    const kind = name === 'zeros' || name === 'ones' ? 'SymInts' : 'ints';
    const shape = this.sizeArgs(name, args, 'size', kind);
    this.checkShape(shape, args[0].pos);
    const n = numel(shape);
    if (name === 'zeros') return tensor(shape, new Float32Array(n), 'float32');
    if (name === 'ones') return tensor(shape, new Float32Array(n).fill(1), 'float32');
    if (this.gen === null) {
      fail(`torch.${name}() needs torch.manual_seed(n) earlier in the input: without a seed its values are unknown`, c.pos, 'NotSupported');
    }
    return tensor(shape, name === 'rand' ? randFloat(this.gen, n) : randnFloat(this.gen, n), 'float32');
  }

  fnFull(c) {
    const a = this.bind('full', c, ['size', 'fill_value'], { dtype: true });
    const dtype = this.dtypeArg(a.dtype);
    if (a.size.v.k !== 'list') fail(`full(): argument 'size' (position 1) must be tuple of SymInts, not ${pyTypeName(a.size.v)}`, a.size.pos, 'TypeError');
    const shape = this.sizeArgs('full', [a.size], 'size', 'SymInts');
    const fill = this.numberArg('full', 'fill_value', 2, a.fill_value);
    this.checkShape(shape, a.size.pos);
    const n = numel(shape);
    const t = dtype ?? (fill.t === 'bool' ? 'bool' : fill.t === 'int' ? 'int64' : 'float32');
    if (t === 'int64' && fill.big !== null) this.bigIntFail(fill.big, a.fill_value.pos);
    const Arr = t === 'float32' ? Float32Array : t === 'int64' ? Float64Array : Uint8Array;
    return tensor(shape, new Arr(n).fill(fill.v), t);
  }

  fnArange(c) {
    const a = this.bind('arange', c, ['start', 'end', 'step'], { required: 0, dtype: true });
    const dtype = this.dtypeArg(a.dtype);
    let start, end, step;
    const given = ['start', 'end', 'step'].filter((p) => a[p]);
    if (given.length === 0) fail('arange() missing 1 required positional arguments: "end"', c.close, 'TypeError');
    if (c.args.length === 1 && !a.end) { // arange(end)
      end = this.numberArg('arange', 'end', 1, a.start);
      start = num(0, 'int');
      step = num(1, 'int');
    } else {
      if (!a.end) fail('arange() missing 1 required positional arguments: "end"', c.close, 'TypeError');
      start = a.start ? this.numberArg('arange', 'start', 1, a.start) : num(0, 'int');
      end = this.numberArg('arange', 'end', 2, a.end);
      step = a.step ? this.numberArg('arange', 'step', 3, a.step) : num(1, 'int');
    }
    for (const v of [start, end, step]) if (v.big !== null) this.bigIntFail(v.big, c.pos);
    const isFloat = dtype === 'float32' || [start, end, step].some((v) => v.t === 'float');
    const x0 = start.v, x1 = end.v, dx = step.v;
    if (!(dx > 0 || dx < 0)) fail('step must be nonzero', c.pos, 'RuntimeError');
    if (!Number.isFinite(x0) || !Number.isFinite(x1)) fail(`unsupported range: ${cppDouble(x0)} -> ${cppDouble(x1)}`, c.pos, 'RuntimeError');
    if (!((dx > 0 && x1 >= x0) || (dx < 0 && x1 <= x0))) fail('upper bound and larger bound inconsistent with step sign', c.pos, 'RuntimeError');
    const size = Math.ceil((x1 - x0) / dx);
    if (!(size >= 0 && size <= 9223372036854775807)) fail('invalid size, possible overflow?', c.pos, 'RuntimeError');
    this.checkCount(size, c.pos);
    if (isFloat) return tensor([size], arangeFloat(x0, dx, size, this.threads), 'float32');
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = x0 + dx * i;
    return tensor([size], out, 'int64');
  }

  fnLinspace(c) {
    const a = this.bind('linspace', c, ['start', 'end', 'steps'], { dtype: true });
    this.dtypeArg(a.dtype);
    const start = this.numberArg('linspace', 'start', 1, a.start);
    const end = this.numberArg('linspace', 'end', 2, a.end);
    const sv = a.steps.v;
    if (sv.k !== 'num' || sv.t === 'float') fail(`linspace(): argument 'steps' (position 3) must be int, not ${pyTypeName(sv)}`, a.steps.pos, 'TypeError');
    if (sv.big !== null) fail('Overflow when unpacking long', a.steps.pos, 'RuntimeError');
    const steps = sv.v;
    if (steps < 0) fail('number of steps must be non-negative', c.pos, 'RuntimeError');
    this.checkCount(steps, a.steps.pos);
    return tensor([steps], linspaceFloat(start.v, end.v, steps, this.threads), 'float32');
  }

  fnManualSeed(c) {
    // a Python function, so Python's wording for a missing argument
    if (!c.args.length && !c.kwargs.length) fail("manual_seed() missing 1 required positional argument: 'seed'", c.close, 'TypeError');
    const a = this.bind('manual_seed', c, ['seed']);
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
    this.gen = { mt: new MT19937(Number(BigInt.asUintN(32, big))), cache: null };
    return { k: 'stmt' };
  }

  bigIntFail(big, pos) {
    if (big < -(2n ** 63n) || big >= 2n ** 63n) fail('Overflow when unpacking long', pos, 'RuntimeError');
    fail(`integer ${big} is too large: int64 tensors here hold integers up to ±2^53 (9007199254740992) exactly`, pos, 'NotSupported');
  }

  // ---------------------------------------------------------------------------------- methods

  callMethod(name, t, c) {
    if (name === 'float') {
      if (c.args.length) fail(`float() takes 0 positional arguments but ${c.args.length} ${c.args.length === 1 ? 'was' : 'were'} given`, c.args[0].pos, 'TypeError');
      if (c.kwargs.length) fail(`float() got an unexpected keyword argument '${c.kwargs[0].name}'`, c.kwargs[0].pos, 'TypeError');
      if (t.dtype === 'float32') return t;
      this.checkCount(t.data.length, c.pos);
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
    const shape = this.sizeArgs(name, args, pname, 'SymInts');
    const out = inferSize(shape, t.data.length, args[0].pos);
    if (out.length > MAX_DIMS) fail(`tensors with more than ${MAX_DIMS} dimensions are not supported here (got ${out.length})`, args[0].pos, 'NotSupported');
    return tensor(out, t.data, t.dtype);
  }

  // ------------------------------------------------------------------------------ arithmetic

  applyUnary(op, v, pos) {
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
      this.checkCount(v.data.length, pos);
      const out = new v.data.constructor(v.data.length);
      if (v.dtype === 'float32') for (let i = 0; i < out.length; i++) out[i] = -v.data[i];
      else for (let i = 0; i < out.length; i++) out[i] = 0 - v.data[i];
      return tensor(v.shape, out, v.dtype);
    }
    fail(`bad operand type for unary ${op}: '${pyTypeName(v)}'`, pos, 'TypeError');
  }

  binary(op, a, b, pos) {
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

  pow(a, b, pos) {
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

  // ------------------------------------------------------------------ torch.tensor(data) rules

  toTensor(v, pos, dtype = null, fname = null) {
    if (v.k === 'tensor') {
      if (fname) fail('torch.tensor() of a tensor is not supported here: use the tensor itself or .float()', pos, 'NotSupported');
      return v;
    }
    if (v.k === 'num') {
      const t = dtype ?? (v.t === 'bool' ? 'bool' : v.t === 'int' ? 'int64' : 'float32');
      this.checkCount(1, pos);
      if (v.big !== null) {
        if (t === 'int64') this.bigIntFail(v.big, pos);
        if (!Number.isFinite(v.v)) fail('int too large to convert to float', pos, 'OverflowError');
      }
      const Arr = t === 'float32' ? Float32Array : t === 'int64' ? Float64Array : Uint8Array;
      return tensor([], Arr.of(v.v), t);
    }
    if (v.k === 'list') return this.fromList(v, dtype);
    if (v.k === 'str') fail("new(): invalid data type 'str'", pos, 'TypeError');
    if (fname) fail(`new(): data must be a sequence (got ${pyTypeName(v)})`, pos, 'TypeError');
    fail(`the result must be a tensor, a list or a number (got ${pyTypeName(v)})`, pos, 'TypeError');
  }

  // torch/csrc/utils/tensor_new.cpp: sizes from the first element at each level, then a
  // depth-first store that checks every sequence's length before its elements.
  fromList(root, dtypeOverride) {
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
    this.checkCount(n, root.pos);
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
            if (dtype === 'int64') this.bigIntFail(x, this.itemPos(nd, i));
            const f = Number(x);
            if (!Number.isFinite(f)) fail('int too large to convert to float', this.itemPos(nd, i), 'OverflowError');
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
        if (typeof x !== 'object' || x === null) fail('not a sequence', this.itemPos(nd, i), 'TypeError');
        store(x, dim + 1);
      }
    };
    store(root, 0);
    return tensor(sizes, data, dtype);
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

/**
 * Parse PyTorch tensor syntax into a tensor.
 * @param {string} text
 * @param {{maxElements?: number, threads?: number}} [options]
 *   maxElements: largest tensor accepted (checked before allocation), default 1,000,000.
 *   threads: torch's intra-op thread count to mimic for arange/linspace above 32768 elements
 *   (at::parallel_for splits them, which changes a few roundings), default 1.
 * @returns {{shape: number[], data: Float32Array|Float64Array|Uint8Array, dtype: 'float32'|'int64'|'bool'}}
 */
export function parseTensor(text, { maxElements = 1_000_000, threads = 1 } = {}) {
  if (typeof text !== 'string') throw new TypeError('parseTensor expects a string');
  try {
    const fast = literalFastPath(text, maxElements);
    if (fast) return fast;
    const p = new Parser(text, { maxElements, threads });
    const t = p.program();
    return { shape: t.shape.slice(), data: t.data, dtype: t.dtype };
  } catch (e) {
    // The parser bounds its own nesting; an engine limit reached anyway is still a parse error.
    if (e instanceof RangeError && !(e instanceof TensorParseError)) {
      throw new TensorParseError(`input too complex to parse (${e.message})`, 0, 'LimitExceeded');
    }
    throw e;
  }
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

// Fast path for the common big input, a plain numeric list literal (`[[...]]` or
// `torch.tensor([[...]])`): the engine's JSON parser reads it 5-10x faster than the general
// parser. Anything it is not sure about (Python-only spellings like `1.` or `inf`, trailing commas,
// ragged or empty lists, ints beyond 2^53, limits) returns null and the general parser decides,
// so values, dtypes and error messages are the same either way.
const FAST_MIN = 4096;  // below this the general parser is fast enough
function literalFastPath(text, maxElements) {
  if (text.length < FAST_MIN) return null;
  const m = /^\s*(?:torch\.tensor\(\s*)?\[/.exec(text);
  if (!m) return null;
  const wrapped = m[0].includes('(');
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  if (wrapped) {
    if (text[end - 1] !== ')') return null;
    end--;
    while (end > 0 && /\s/.test(text[end - 1])) end--;
  }
  const body = text.slice(m.index + m[0].length - 1, end);
  let v;  // JSON also admits strings, true, null, objects: the walk below accepts numbers only
  try { v = JSON.parse(body); } catch { return null; }
  const shape = [];
  for (let a = v; Array.isArray(a); a = a[0]) {
    if (a.length === 0) return null;
    shape.push(a.length);
  }
  if (shape.length > MAX_DIMS) return null;
  const n = shape.reduce((p, q) => p * q, 1);
  if (n > maxElements) return null;
  const isFloat = /[.eE]/.test(body);
  // An integer literal's -0 is 0 in Python (only a float literal keeps the sign), and JSON does
  // not say which spelling it read: if the text has one, a -0 goes to the general parser.
  const intNegZero = isFloat && /-0(?![\d.eE])/.test(body);
  const data = isFloat ? new Float32Array(n) : new Float64Array(n);
  let k = 0;
  const walk = (a, d) => {
    if (!Array.isArray(a) || a.length !== shape[d]) return false;
    if (d === shape.length - 1) {
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        if (typeof x !== 'number' || (!isFloat && !Number.isSafeInteger(x)) || (intNegZero && Object.is(x, -0))) return false;
        data[k++] = isFloat ? x : x + 0;  // int64 has no -0
      }
      return true;
    }
    for (let i = 0; i < a.length; i++) if (!walk(a[i], d + 1)) return false;
    return true;
  };
  if (!walk(v, 0)) return null;
  return { shape, data, dtype: isFloat ? 'float32' : 'int64' };
}

// ============================================================================================
// Formatter: torch/_tensor_str.py (1.13), default print options
// ============================================================================================

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
