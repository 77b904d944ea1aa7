// Python tokens, one at a time (no token array: a 1000x1000 literal is 10 MB of text).
// Positions are UTF-16 offsets into the text.

import { fail } from './errors.js';
import { MAX_EXACT } from './values.js';

export const T_EOF = 0, T_NUM = 1, T_NAME = 2, T_STR = 3, T_OP = 4, T_NL = 5;

const isDigit = (c) => c >= 48 && c <= 57;
const isIdStart = (c) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdChar = (c) => isIdStart(c) || isDigit(c);
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`)); // exact doubles
const isRadixDigit = (c, radix) => (radix === 16 ? isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102) : c >= 48 && c < 48 + radix);
export const OPS2 = new Set(['**', '//', '==', '!=', '<=', '>=', '->', ':=', '<<', '>>', '+=', '-=', '*=', '/=']);
const STRING_PREFIX = /^(?:[rbuf]|rb|br|rf|fr)$/i; // Python's: r'..' etc. are strings, not a name + a string
const OPS1 = '[](){},.=;+-*/:%@<>&|^~!?$`\\';

export class Lexer {
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
        const q = s.charCodeAt(j);
        if ((q === 39 || q === 34) && STRING_PREFIX.test(this.text)) {
          fail("string prefixes (r'', f'', b'') are not supported", i, 'NotSupported');
        }
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
    if (s.charCodeAt(i + 1) === quote && s.charCodeAt(i + 2) === quote) {
      fail('triple-quoted strings are not supported', i, 'NotSupported');
    }
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
