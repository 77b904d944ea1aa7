// Reads tests/fixtures/kernels.{tsv,bin} (format: scripts/gen-reference.py) for the JS tests.
import { readFileSync } from 'node:fs';

const dir = new URL('../fixtures/', import.meta.url);

export function loadFixtures(functions) {
  const bin = readFileSync(new URL('kernels.bin', dir));
  const data = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
  const byName = new Map(functions.map((f) => [f.name, f]));
  const cases = [];
  for (const line of readFileSync(new URL('kernels.tsv', dir), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [fn, paramText, shapeText, off, n, m] = line.split('\t');
    const spec = byName.get(fn);
    const params = {};
    for (const kv of paramText ? paramText.split(';') : []) {
      const [k, v] = kv.split('=');
      const p = spec.params.find((q) => q.name === k);
      if (p.kind === 'choice') params[k] = v;
      else if (p.kind === 'bool') params[k] = v === 'True';
      else if (p.kind === 'dim') params[k] = v === 'None' ? null : Number(v);
      else if (p.kind === 'weight') params[k] = v.includes(',') ? v.split(',').map(Number) : Number(v);
      else params[k] = Number(v);
    }
    const o = Number(off), N = Number(n), M = Number(m);
    cases.push({
      fn, paramText, params, shape: JSON.parse(shapeText),
      x: data.subarray(o, o + N), g: data.subarray(o + N, o + N + M),
      y: data.subarray(o + N + M, o + N + 2 * M), dx: data.subarray(o + N + 2 * M, o + 2 * N + 2 * M),
    });
  }
  return cases;
}

// torch.testing.assert_close for float32 (rtol 1.3e-6, atol 1e-5; NaN == NaN; infs exact).
export function close(a, e, rtol = 1.3e-6, atol = 1e-5) {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  return Number.isFinite(a) && Math.abs(a - e) <= atol + rtol * Math.abs(e);
}

export function firstMismatch(actual, expected, x) {
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i], expected[i])) return `index ${i} x=${x?.[i]}: got ${actual[i]}, torch ${expected[i]}`;
  }
  return null;
}
