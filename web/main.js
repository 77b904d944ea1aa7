// Plain function list (the playground UI comes with the plot issue). DOM is built with
// textContent only: nothing is ever injected as HTML.
import { loadActlab } from './lib/actlab.js';

const lab = await loadActlab();
// Python spelling of a default, as in the PyTorch signature.
const py = (v) => (v === null ? 'None' : v === true ? 'True' : v === false ? 'False' : typeof v === 'string' ? `'${v}'` : String(+v.toPrecision(6)));
const status = document.getElementById('status');
status.textContent = `${lab.functions.length} functions, ${lab.simd ? 'SIMD128' : 'scalar'} build.`;
const body = document.getElementById('fns');
const probe = new Float32Array([-1, 0, 1]);
for (const f of lab.functions) {
  const tr = document.createElement('tr');
  const cell = (text, code = false) => {
    const td = document.createElement('td');
    const el = code ? document.createElement('code') : td;
    el.textContent = text;
    if (code) td.append(el);
    tr.append(td);
  };
  cell(`${f.module}.${f.name}`, true);
  cell(f.family);
  cell(f.params.map((p) => `${p.name}=${py(p.default)}`).join(', ') || '—', true);
  const shape = f.dimwise ? (f.fixedDim === -3 ? [3, 1, 1] : [probe.length - (f.halves ? 1 : 0)]) : undefined;
  const x = f.fixedDim === -3 ? probe : f.halves ? new Float32Array([-1, 1]) : probe;
  try {
    const y = Array.from(lab.forward(f.name, x, { shape: f.dimwise ? shape : undefined })).map((v) => v.toFixed(4));
    cell(f.halves ? `${y.join(', ')}  (x = [−1, 1]: a = −1, b = 1)` : y.join(', '));
  } catch (e) {
    cell(e.message);
  }
  body.append(tr);
}
