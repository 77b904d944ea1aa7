// Custom activations typed by the learner: compiled by the C++ expression engine (lab.compile),
// then treated like a built-in named `Custom` — plotted, pinned, in the gallery, the console,
// links and embeds. The link carries the source (`expr=`); decoding compiles it first so that
// `fn=Custom` and its parameters validate against the compiled spec.
import { createCodec } from '../lib/state.js';

export const CUSTOM = 'Custom';

/** Whether a link hash carries a custom expression (then the build with the engine is loaded). */
export const linkHasExpr = (hash) => /(^|&)expr=[^&]/.test(hash);

/** Examples for the expression box (the classics of PyTorch tutorials). */
export const EXAMPLES = [
  'torch.where(x > 0, x, torch.exp(x) - 1)',
  'x * torch.sigmoid(x)',
  'beta = 1.0\ntorch.log(1 + torch.exp(beta * x)) / beta',
  'x * torch.tanh(F.softplus(x))',
  'alpha = 0.2\nF.leaky_relu(x, negative_slope=alpha) + torch.where(x > 1, x ** 2 - x, 0.0)',
  '0.5 * x * (1 + torch.erf(x / math.sqrt(2)))',
];

/**
 * Compile `source` (or release the custom function when empty): { spec } or { error, pos }.
 * `name`: the engine's name for it (each <actlab-plot> has its own; the page uses `Custom`).
 */
export function compileCustom(lab, source, name = CUSTOM, cls = '') {
  if (!source.trim()) {
    lab.release(name);
    return { spec: null };
  }
  try {
    return { spec: lab.compile(source, { name, cls }) };
  } catch (e) {
    return { error: e.message, pos: e.pos ?? -1 };
  }
}

/** The functions a codec must know: the table, plus the compiled custom function if any. */
export const withCustom = (lab, spec) => (spec ? [...lab.functions, spec] : lab.functions);

/**
 * Decode a link: a first pass reads `expr`, which is compiled; the second pass, with the custom
 * function known, reads everything else. Returns { codec, state, notices, custom }.
 */
export function decodeLink(lab, hash, defaults, { name = CUSTOM } = {}) {
  let codec = createCodec(lab.functions, { defaults, limits: lab.limits });
  let { state, notices } = codec.decode(hash);
  let custom = { spec: null };
  if (state.expr && lab.hasExpr) {
    custom = compileCustom(lab, state.expr, name, state.cls);
    if (custom.spec) {
      // Links always say `Custom`, whatever the engine calls it.
      const asLinked = custom.spec.name === CUSTOM ? custom.spec : { ...custom.spec, name: CUSTOM };
      codec = createCodec(withCustom(lab, asLinked), { defaults, limits: lab.limits });
      ({ state, notices } = codec.decode(hash));
    } else {
      notices = [...notices, `Ignored expr: ${custom.error}`];
    }
  }
  return { codec, state, notices, custom };
}

/** The PyTorch module that reproduces a custom function. */
export function customModule(spec, params) {
  const ps = spec.params;
  const args = ps.map((p) => `${p.name}=${+(params[p.name] ?? p.default)}`).join(', ');
  const lines = spec.source.split('\n').filter((l) => l.trim() && !/^\s*(import|from)\s/.test(l));
  const body = lines.filter((l) => !/^\s*[A-Za-z_]\w*\s*=\s*[-+]?[\d.]/.test(l) || l.includes('x'));
  return [
    'import math',
    'import torch',
    'import torch.nn.functional as F',
    'from torch import nn',
    '',
    'class Custom(nn.Module):',
    `    def __init__(self${ps.length ? `, ${args}` : ''}):`,
    '        super().__init__()',
    ...ps.map((p) => `        self.${p.name} = ${p.name}`),
    '',
    '    def forward(self, x):',
    ...ps.map((p) => `        ${p.name} = self.${p.name}`),
    ...body.slice(0, -1).map((l) => `        ${l.trim()}`),
    `        return ${(body[body.length - 1] ?? 'x').trim().replace(/^return\s+/, '')}`,
  ].join('\n');
}

/** The argument names of a pasted class's __init__ (self included), [] without one. */
export function initArgNames(spec) {
  const init = new RegExp(`class\\s+${spec.cls}\\b[\\s\\S]*?def\\s+__init__\\s*\\(([^)]*)\\)`).exec(spec.source);
  return init ? init[1].split(',').map((a) => a.split(/[:=]/)[0].trim()).filter(Boolean) : [];
}

/** Whether a custom function's source is a program (a class or def) rather than an expression. */
export const isProgram = (spec) => /^\s*(class|def)\s/m.test(spec.source);

/**
 * PyTorch code that runs a pasted program as pasted: the source, then the plotted object built
 * with the plot's parameters (signature arguments as keywords, constant attributes assigned).
 */
export function programCode(spec, params, { x: [lo, hi], n, fmt }) {
  const value = (p) => fmt(params[p.name] ?? p.default);
  const own = spec.params.filter((p) => p.kind !== 'dim');
  const dim = spec.params.some((p) => p.kind === 'dim');
  let make, call;
  if (spec.cls) {
    const args = initArgNames(spec);
    const kw = own.filter((p) => args.includes(p.name)).map((p) => `${p.name}=${value(p)}`);
    if (dim && args.includes('dim')) kw.push('dim=-1');
    make = [`f = ${spec.cls}(${kw.join(', ')})`, ...own.filter((p) => !args.includes(p.name)).map((p) => `f.${p.name} = ${value(p)}`)];
    call = 'f(x)';
  } else {
    const defs = [...spec.source.matchAll(/^def\s+(\w+)\s*\(/gm)];
    const name = defs.length ? defs[defs.length - 1][1] : 'f';
    make = [];
    call = `${name}(x${own.map((p) => `, ${p.name}=${value(p)}`).join('')})`;
  }
  const shape = dim ? `.reshape(1, -1)` : '';
  // The names actlab provides without an import, imported here unless the source does it.
  const provides = [['math', 'import math'], ['np', 'import numpy as np'], ['torch', 'import torch'],
    ['nn', 'import torch.nn as nn'], ['F', 'import torch.nn.functional as F']];
  const imported = (name) => new RegExp(`^\\s*(import\\s+\\S+\\s+as\\s+${name}\\b|import\\s+${name}\\b|from\\s+\\S+\\s+import\\s+(.*\\s)?${name}\\b)`, 'm').test(spec.source);
  const head = provides.filter(([name]) => !imported(name)).map(([, line]) => line);
  return [
    ...head,
    ...(head.length ? [''] : []),
    spec.source.trimEnd(),
    '',
    `# what the plot shows${dim ? ' (one row: the plotted x is one component of it)' : ''}`,
    ...make,
    `x = torch.linspace(${lo}, ${hi}, ${n})${shape}.requires_grad_()`,
    `y = ${call}`,
    "dy, = torch.autograd.grad(y, x, torch.ones_like(y))   # f'(x)",
  ].join('\n');
}
