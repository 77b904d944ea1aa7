// The Learn panel: formula and derivative typeset by KaTeX (loaded lazily, off the first view),
// the output range, a bilingual note, and the PyTorch code that reproduces the plot.
import { t } from './i18n.js';
import { py } from './controls.js';
import { customModule, isProgram, initArgNames } from './custom.js';

let katexP = null;
const katex = () =>
  (katexP ??= Promise.all([import('katex'), import('katex/dist/katex.min.css')]).then(([m]) => m.default));

// One file per language in ./notes (Vite turns the glob into lazy imports).
const noteLoaders = Object.fromEntries(Object.entries(import.meta.glob('./notes/*.json')).map(([path, load]) => [path.slice(8, -5), load]));
const notes = {};
export async function loadNotes(lang) {
  notes[lang] ??= (await noteLoaders[lang]()).default;
  return notes[lang];
}

/** Typeset `tex` into `el`; the raw TeX stays as text until KaTeX arrives (and if it fails). */
export async function tex(el, source) {
  el.textContent = source;
  el.dataset.tex = source;
  const k = await katex();
  if (el.dataset.tex !== source) return;  // superseded meanwhile
  k.render(source, el, { throwOnError: false, displayMode: true });
}

/** Non-default parameters, of those `only` keeps, as Python keyword arguments. */
export function kwargs(spec, params, { only = () => true } = {}) {
  return spec.params
    .filter((p) => only(p) && params[p.name] !== undefined && params[p.name] !== p.default)
    .map((p) => `${p.name}=${p.kind === 'dim' || p.kind === 'int' ? String(params[p.name]) : py(params[p.name])}`);
}

/** Whether p goes in the {kwargs} of the table's torchCtor (a torch keyword the template does not name). */
export const ctorKeyword = (spec) => (p) => !p.torch && !spec.torchCtor?.includes(`{${p.name}}`);

/** A curve's label, as PyTorch would be called (no dim: the plot shows one component whatever the dim). */
export const labelOf = (spec, params) => {
  const args = kwargs(spec, params, { only: (p) => p.kind !== 'dim' && p.torch !== 'none' });
  return args.length ? `${spec.name}(${args.join(', ')})` : spec.name;
};

// Constructor keywords for a plotted curve: dim is the plot's (-1), not the user's.
const plotArgs = (spec, params) => kwargs(spec, params, { only: (p) => p.kind !== 'dim' && ctorKeyword(spec)(p) });

/** The table's torchCtor with `args` for {kwargs} and fmt(value) for a {param}. */
export function torchCtor(spec, params, args, fmt) {
  // A custom expression is the `Custom` module the Learn panel defines (customModule), not torch.nn's.
  const template = spec.torchCtor ?? (spec.custom ? 'Custom({kwargs})' : `nn.${spec.name}({kwargs})`);
  return template.replace(/\{(\w+)\}/g, (_, k) => (k === 'kwargs' ? args.join(', ') : fmt(params[k] ?? spec.params.find((p) => p.name === k).default)));
}

/**
 * An activation `{ fn, params }` as the labs' scripts build it, once per layer: { ctor, def? }, a
 * constructor call carrying these parameter values, and the code it needs (the same for every
 * call of one custom function). `spec`: the table's (or the custom function's) entry, or null.
 */
export function moduleCode(spec, act) {
  if (!spec) return { ctor: `nn.${act.fn}()` };
  if (!spec.custom) return { ctor: torchCtor(spec, act.params, kwargs(spec, act.params, { only: ctorKeyword(spec) }), py) };
  const own = spec.params.filter((p) => p.kind !== 'dim');
  const val = (p) => py(act.params[p.name] ?? p.default);
  const kw = (ps) => ps.map((p) => `${p.name}=${val(p)}`).join(', ');
  if (!isProgram(spec)) return { ctor: `Custom(${kw(own)})`, def: customModule(spec, {}) };
  if (spec.cls) {
    const args = initArgNames(spec);
    const attrs = own.filter((p) => !args.includes(p.name));
    if (!attrs.length) return { ctor: `${spec.cls}(${kw(own)})`, def: spec.source.trimEnd() };
    const defaults = own.map((p) => `${p.name}=${py(p.default)}`).join(', ');
    return { ctor: `make_activation(${kw(own)})`, def: [spec.source.trimEnd(), '', `def make_activation(${defaults}):`,
      `    f = ${spec.cls}(${own.filter((p) => args.includes(p.name)).map((p) => `${p.name}=${p.name}`).join(', ')})`,
      ...attrs.map((p) => `    f.${p.name} = ${p.name}`), '    return f'].join('\n') };
  }
  const defs = [...spec.source.matchAll(/^def\s+(\w+)\s*\(/gm)];
  const fname = defs.length ? defs[defs.length - 1][1] : 'f';
  return { ctor: `Activation(${kw(own)})`, def: [spec.source.trimEnd(), '', 'class Activation(nn.Module):',
    '    def __init__(self, **params):', '        super().__init__()', '        self.params = params', '',
    '    def forward(self, x):', `        return ${fname}(x, **self.params)`].join('\n') };
}

/** The PyTorch snippet that reproduces what the plot shows. */
export function pytorchCode(spec, params, { x: [lo, hi], vec, comp, n }) {
  const lin = `torch.linspace(${py(lo)}, ${py(hi)}, ${n})`;
  const L = ['import torch', ...(spec.torchDef ? ['import torch.nn.functional as F'] : []), 'from torch import nn', ''];
  if (spec.torchDef) L.push(spec.torchDef, '');
  // dim=-1 whatever the params: the plotted rows run along the last dim.
  const args = plotArgs(spec, params);
  if (spec.params.some((p) => p.kind === 'dim')) args.push('dim=-1');
  L.push(`f = ${torchCtor(spec, params, args, py)}`);
  for (const p of spec.params) if (p.modeCode) L.push(p.modeCode[+!!(params[p.name] ?? p.default)]);
  if (!spec.dimwise && !spec.halves) {
    L.push(`x = ${lin}.requires_grad_()`, 'y = f(x)', "dy, = torch.autograd.grad(y, x, torch.ones_like(y))   # f'(x)");
    return L.join('\n');
  }
  const K = vec.length;
  const v = `[${vec.map((a) => py(a)).join(', ')}]`;
  if (spec.halves) {
    const col = (spec.activatedHalf ?? 0) * K + comp;
    L.push(`v = torch.tensor(${v})`, `x = torch.cat([v, v]).repeat(${n}, 1)   # rows (a, b)`,
      `x[:, ${col}] = ${lin}`, 'x.requires_grad_()', `y = f(x)[:, ${comp}]`);
  } else if (spec.fixedDim === -3) {
    L.push(`x = torch.tensor(${v}).reshape(${K}, 1, 1).repeat(1, 1, ${n})   # channels x 1 x ${n}`,
      `x[${comp}, 0] = ${lin}`, 'x.requires_grad_()', `y = f(x)[${comp}, 0]`);
  } else {
    L.push(`x = torch.tensor(${v}).repeat(${n}, 1)`, `x[:, ${comp}] = ${lin}`, 'x.requires_grad_()', `y = f(x)[:, ${comp}]`);
  }
  L.push('dy, = torch.autograd.grad(y.sum(), x)', `dy = dy[${spec.fixedDim === -3 ? `${comp}, 0` : spec.halves ? `:, ${(spec.activatedHalf ?? 0) * K + comp}` : `:, ${comp}`}]   # the plotted derivative`);
  return L.join('\n');
}

/** The module call the console prints (`nn.Softmax(dim=0)`): constructor keywords only. */
export const consoleCtor = (spec, params) => torchCtor(spec, params, kwargs(spec, params, { only: ctorKeyword(spec) }), String);

// Top-level statements of console text (`;` and newlines outside brackets split them).
function statements(text) {
  const out = [];
  let depth = 0, cur = '';
  for (const c of text) {
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
    if (depth === 0 && (c === ';' || c === '\n')) { if (cur.trim()) out.push(cur.trim()); cur = ''; } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
// Console text as Python that binds `name`: a list literal goes through torch.tensor.
const INLINE_MAX = 4000;  // longer console inputs are not repeated in the code box
function asPython(text, name, seed) {
  if (text.length > INLINE_MAX) return [`${name} = ...   # paste the console's input here (${text.length.toLocaleString('en-US')} characters)`];
  const st = statements(text);
  if (!st.length) return [`${name} = torch.tensor([])`];
  const last = st.pop();
  const unseeded = /torch\.randn?\(/.test(text) && !/manual_seed/.test(text);
  const lines = [...(seed != null && unseeded ? [`torch.manual_seed(${typeof seed === 'function' ? seed() : seed})   # the seed the console used`] : []), ...st];
  lines.push(`${name} = ${/^[[(]/.test(last) ? `torch.tensor(${last})` : last}`);
  return lines;
}

/**
 * Python for everything on screen: the plotted function and every pinned one (matplotlib draws
 * them as the page does), then the console's tensor through the current function.
 */
export function sceneCode(s, specs, { n, comp, seed }) {
  const main = specs.get(s.fn);
  const P = (fn) => s.params[fn] ?? {};
  const L = [pytorchCode(main, P(s.fn), { x: s.x, vec: s.vec, comp, n })];
  // Labelled as the chart labels them.
  const curves = [{ label: labelOf(main, P(s.fn)), y: 'y', dy: 'dy' }];
  const grid = `torch.linspace(${py(s.x[0])}, ${py(s.x[1])}, ${n})`;
  s.overlays.forEach((o, k) => {
    const spec = specs.get(o.fn);
    const i = k + 1;
    if (!spec || spec.custom || spec.dimwise || spec.halves) {
      L.push(`# pinned ${o.fn}: open it for its own snippet (not element-wise on this grid)`);
      return;
    }
    if (spec.torchDef && !L.some((l) => l.includes(spec.torchDef))) L.push(spec.torchDef);
    L.push(`f${i} = ${torchCtor(spec, o.params, plotArgs(spec, o.params), py)}`);
    for (const p of spec.params) if (p.modeCode) L.push(p.modeCode[+!!(o.params[p.name] ?? p.default)].replace(/^f\./, `f${i}.`));
    L.push(`x${i} = ${grid}.requires_grad_()`, `y${i} = f${i}(x${i})`, `dy${i}, = torch.autograd.grad(y${i}, x${i}, torch.ones_like(y${i}))`);
    curves.push({ label: labelOf(spec, o.params), y: `y${i}`, dy: `dy${i}` });
  });
  L.push('', '# The plot', 'import matplotlib.pyplot as plt', `grid = ${grid}`);
  for (const c of curves) {
    const q = (t) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    if (s.show.f) L.push(`plt.plot(grid, ${c.y}.detach(), label=${q(c.label)})`);
    if (s.show.df) L.push(`plt.plot(grid, ${c.dy}, '--', label=${q(`${c.label}′`)})`);
  }
  L.push(`plt.xlim(${py(s.x[0])}, ${py(s.x[1])})`, ...(s.y ? [`plt.ylim(${py(s.y[0])}, ${py(s.y[1])})`] : []), "plt.xlabel('x')", "plt.legend()", 'plt.show()');
  L.push('', '# The console: the typed tensor through the same function', ...asPython(s.tensor, 'x', seed),
    'x = x.float().requires_grad_()', `y = ${consoleCtor(main, P(s.fn))}(x)`, 'print(y)');
  if (s.grad != null) L.push(...asPython(s.grad, 'g', seed), 'y.backward(g.float())');
  else L.push('y.backward(torch.ones_like(y))');
  L.push('print(x.grad)');
  return L.join('\n');
}

/** Fill the note block (summary, strengths, weaknesses, use, derivative) with text only. */
export async function renderNote(el, name, lang) {
  const all = await loadNotes(lang);
  const n = all[name];
  el.replaceChildren();
  if (!n) return;
  const p = (text, cls) => { const e = document.createElement('p'); e.textContent = text; if (cls) e.className = cls; return e; };
  const list = (title, items) => {
    const h = document.createElement('h4'); h.textContent = title;
    const ul = document.createElement('ul');
    for (const s of items) { const li = document.createElement('li'); li.textContent = s; ul.append(li); }
    return [h, ul];
  };
  const h = (text) => { const e = document.createElement('h4'); e.textContent = text; return e; };
  el.append(p(n.summary, 'summary'), ...list(t(lang, 'strengths'), n.strengths), ...list(t(lang, 'weaknesses'), n.weaknesses),
    h(t(lang, 'use')), p(n.use), h(t(lang, 'aboutDerivative')), p(n.derivative));
}
