// Fast path for the common big input, a plain numeric list literal (`[[...]]` or
// `torch.tensor([[...]])`): the engine's JSON parser reads it several times faster than the
// general parser. Anything it is not sure about (Python-only spellings like `1.` or `inf`, trailing commas,
// ragged or empty lists, ints beyond 2^53, limits) returns null and the general parser decides,
// so values, dtypes and error messages are the same either way.

import { MAX_DIMS } from './errors.js';

const FAST_MIN = 4096;  // below this the general parser is fast enough
export function literalFastPath(text, maxElements) {
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

