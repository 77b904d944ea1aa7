// Parameter controls generated from the C++ table's metadata: slider + number box for numbers,
// checkbox for bools, select for choices, number box for integers. Values go to the store;
// validation is the kernel's (its PyTorch-worded error is shown, the last good curve stays).
import { t } from './i18n.js';

/** Python spelling of a value, as in a PyTorch signature. */
export const py = (v) =>
  v === null || v === undefined ? 'None' : v === true ? 'True' : v === false ? 'False' : typeof v === 'string' ? `'${v}'` : pyNum(v);
const pyNum = (v) => {
  const s = String(+(+v).toPrecision(6));
  return Number.isInteger(+s) && !s.includes('e') ? `${s}.0` : s;
};

/** Slider step: about 200 steps over the slider range, rounded to 1, 2 or 5 × 10^k. */
function niceStep(lo, hi) {
  const raw = (hi - lo) / 200;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : 5) * p;
}

let uid = 0;

/**
 * Fill `root` with the controls of `spec`. `values` are the current overrides; onChange(name,
 * value) is called on every input event (continuous while dragging).
 */
export function buildControls(root, spec, values, lang, onChange) {
  root.replaceChildren();
  const shown = spec.params.filter((p) => p.kind !== 'dim');
  if (!shown.length) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = t(lang, 'noParams');
    root.append(p);
  }
  for (const p of shown) {
    const id = `param-${p.name}-${++uid}`;
    const row = document.createElement('div');
    row.className = 'param';
    row.dataset.param = p.name;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = p.name;
    label.title = p.doc ?? '';
    const v = values[p.name] ?? p.default;
    if (p.kind === 'choice') {
      const sel = document.createElement('select');
      sel.id = id;
      for (const c of p.choices) sel.append(new Option(c, c, false, c === v));
      sel.addEventListener('input', () => onChange(p.name, sel.value));
      row.append(label, sel);
    } else if (p.kind === 'bool') {
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.id = id;
      cb.checked = !!v;
      cb.addEventListener('input', () => onChange(p.name, cb.checked));
      row.classList.add('bool');
      row.append(cb, label);
    } else {
      const box = document.createElement('input');
      box.type = 'number';
      box.id = id;
      box.value = String(v);
      box.setAttribute('aria-describedby', `${id}-doc`);
      if (p.min !== undefined) box.min = String(p.min);
      if (p.max !== undefined) box.max = String(p.max);
      let slider = null;
      if (p.kind === 'int') {
        box.step = '1';
      } else {
        slider = document.createElement('input');
        slider.type = 'range';
        slider.min = String(p.lo);
        slider.max = String(p.hi);
        slider.step = String(niceStep(p.lo, p.hi));
        slider.value = String(v);
        slider.setAttribute('aria-label', p.name);
        box.step = 'any';
        slider.addEventListener('input', () => {
          box.value = slider.value;
          onChange(p.name, +slider.value);
        });
      }
      box.addEventListener('input', () => {
        if (box.value.trim() === '' || !Number.isFinite(+box.value)) return;  // mid-typing ("-", "1e")
        if (slider) slider.value = box.value;
        onChange(p.name, +box.value);
      });
      row.append(label, ...(slider ? [slider] : []), box);
    }
    const doc = document.createElement('small');
    doc.id = `${id}-doc`;
    doc.className = 'muted';
    doc.textContent = `${p.doc ?? ''} · default ${py(p.default)}`;
    row.append(doc);
    root.append(row);
  }
  if (spec.params.some((p) => p.kind === 'dim')) {
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = t(lang, 'dimNote');
    root.append(note);
  }
}

/**
 * `spec`'s controls in `root`, built again only when the function or the language changes, else
 * brought in line with `values`; onChange as buildControls'. No spec, or no parameters: empty.
 */
export function paramControls(root, spec, values, lang, onChange) {
  const sig = `${spec?.name ?? ''}|${lang}`;
  if (root.dataset.sig === sig) {
    if (spec) syncControls(root, spec, values);
    return;
  }
  root.dataset.sig = sig;
  if (!spec || !spec.params.length) root.replaceChildren();
  else buildControls(root, spec, values, lang, onChange);
}

/** Bring existing controls in line with `values` (a link, a reset, an overlay) without rebuilding. */
export function syncControls(root, spec, values) {
  for (const p of spec.params) {
    const row = root.querySelector(`.param[data-param="${p.name}"]`);
    if (!row) continue;
    const v = values[p.name] ?? p.default;
    for (const input of row.querySelectorAll('input, select')) {
      if (input === document.activeElement) continue;
      if (input.type === 'checkbox') input.checked = !!v;
      else if (String(input.value) !== String(v)) input.value = String(v);
    }
  }
}
