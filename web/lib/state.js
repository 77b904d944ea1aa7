// Page state <-> URL hash, driven by one declarative schema (in the spirit of TensorFlow
// Playground's state.ts): every field names its URL key, its path in the state, its type and
// default, and how to parse, check and format a value. encode() and decode() both walk the same
// list, so a field cannot be written one way and read another.
//
// Link grammar: `#key=value&key=value…` in schema order; a value equal to its default is left out,
// so the default page is `#` and a typical link is `#fn=GELU&approximate=tanh&x=-4,4`.
//
//   view=gallery/console  fn=ELU               <param>=<value>  (the current fn's own parameters)
//   cmp=ReLU;ELU(alpha=0.5);PReLU(weight=0.1,0.2)              (overlays, at most 5)
//   x=-4,4   y=-1,2 | y=auto   show=f | df | f,df | none   shade=true   eps=0.01   steep=true
//   vec=0,1,2   comp=1   lang=zh   theme=dark   tensor=<text>   grad=<text>   expr=<text>
//   cls=GELU (the class of a pasted source)   ref=ELU(alpha=0.5) (the built-in it is compared with)
//
// Rules (the "why" is next to the code below):
// - Parameter keys are the PyTorch names (negative_slope=0.2). A name equal to a fixed key would
//   be written `p.<name>` (a dot can't occur in a Python identifier, so this never collides).
// - Booleans are written true/false (1/0 and True/False are read too); dim None is `None`;
//   PReLU's weight is one number or a comma list; numbers are String(n) (shortest exact repr),
//   -0 is `-0`, and any `+` (as in 1e+21) is escaped.
// - `fn` is written whenever its parameters are, even when it is the default function, so a
//   parameter never appears without the function it belongs to.
// - Duplicated keys: the last one counts (with a notice). Unknown keys are dropped with a notice.
// - Decoding percent-decodes every piece exactly once (`%2541` stays `%41`); a `+` is a literal
//   plus, not a space (this is a hash, not a form; the encoder writes spaces as %20).
// - Free texts are capped in characters (code points) of the text, not of its escaped URL form:
//   tensor and grad at TEXT_CAP, expr at the expression compiler's own limit (lab.limits), so
//   the link takes exactly what the compiler takes. encodeReport() says what was left out, and why.
// - The hash is capped at HASH_CAP characters; everything from the first pair that crosses the
//   cap is ignored. Notices are capped at MAX_NOTICES.
// - Links are versioned: `v=<n>` (absent: 1, the version every link made so far has). A link of an
//   older version goes through MIGRATIONS (renamed keys, changed defaults written out) before it
//   is read, so it shows what it showed when it was made; tests/fixtures/links-v1.json holds
//   links made by version 1 and the state each must decode to, for every later version. The
//   encoder writes `v` once the version is past 1.
// - Nothing decoded is evaluated or used as markup. Free text (tensor, grad) rejects control and
//   invisible formatting characters (bidi overrides, zero-width, BOM, tag characters) except
//   \n and \t; expr takes what the compiler takes (it may hold such characters in a comment) but
//   not lone surrogates, which have no URL form; everything else matches table names or ASCII number syntax exactly, so full-width
//   digits or a zero-width space inside a name are rejected rather than normalized.
// - State objects are plain objects, but only table names and schema keys ever become property
//   names (via defineProperty), and all look-ups by URL text go through Maps, so `__proto__`,
//   `constructor` or `prototype` in a link can't reach any prototype.

import { codePoints } from './text.js';
import { LANGUAGES } from './languages.js';

/** The link schema's version: a link without `v` is version 1. */
export const LINK_VERSION = 1;
/**
 * How a link of version `to - 1` becomes one of version `to`: migrate(pairs, notices) edits the
 * raw key -> value Map (rename a key, write out a default that changed). None yet: version 1 is
 * the first.
 */
const MIGRATIONS = Object.freeze([]);

export const TEXT_CAP = 4000;       // tensor / grad: characters (code points) of the text itself
// Worst case of every field at its limit (a code point escapes to at most 12 URL characters);
// createCodec checks the expression limit it is given against it.
export const HASH_CAP = 200_000;
export const MAX_OVERLAYS = 5;
export const MAX_VEC = 16;
export const MAX_WEIGHTS = 64;      // PReLU: one weight per channel
export const MAX_NOTICES = 20;
export const RANGE_ABS = 1e6;
export const RANGE_MIN_SPAN = 1e-6;
const DIM_MIN = -6;
const DIM_MAX = 5;

const BASE_DEFAULTS = {
  view: 'plot',
  fn: 'GELU',
  params: {},
  overlays: [],
  x: [-6, 6],
  y: null,
  show: { f: true, df: true },
  shade: false,
  eps: 1e-3,
  steep: false,
  vec: [0, 1, 2],
  comp: null,
  lang: 'en',
  theme: 'system',
  tensor: '[[1.0, -2.0, 3.0],\n [0.5, 0.0, -1.5]]',
  grad: null,
  expr: '',
  cls: '',
  ref: null,
  query: '',
  // The depth lab (view=network): nn.Sequential(nn.Linear(inputs, width), act, ..., nn.Linear(width,
  // outputs)) with `depth` hidden layers (or `widths`, one per layer), torch.nn.init's init, a batch
  // of torch.randn(batch, inputs) * std (dist 'rand': (torch.rand(...) - 0.5) * (2 * std)), a loss.
  net: {
    act: { fn: 'Tanh', params: {} },
    depth: 20,
    width: 128,
    widths: null,
    batch: 256,
    inputs: 128,
    outputs: 10,
    dist: 'randn',
    std: 1,
    init: { fn: 'default', params: {} },
    bias: { fn: 'default', params: {} },
    loss: 'sum',
    seed: 0,
  },
  // Pinned network configs, drawn next to the current one (2 to 4 in all).
  netCmp: [],
  // The training lab (view=train): a 2-D dataset (web/lib/train/datasets.py) or an upload, the
  // input features, an MLP of `widths` with `act` (or `acts`, one per hidden layer), an optimizer of
  // torch.optim with its keyword arguments, full batch (batch 0) or mini-batches; `cmp`: more
  // activations trained side by side on the same data, seed and optimizer.
  train: {
    data: 'circle',
    classes: 2,
    n: 500,
    noise: 0,
    ratio: 0.5,
    dseed: 0,
    feats: ['x1', 'x2'],
    widths: [8, 8],
    act: { fn: 'Tanh', params: {} },
    acts: null,
    init: { fn: 'default', params: {} },
    bias: { fn: 'default', params: {} },
    loss: 'auto',
    opt: { fn: 'SGD', params: {} },
    batch: 0,
    l1: 0,
    seed: 0,
    cmp: [],
    play: false,
  },
};

// ---- the depth lab's tables: lab.network()'s limits, torch.nn.init's functions and kwargs ----
export const NET_LIMITS = Object.freeze({ depth: 100, width: 1024, batch: 4096, std: 1000 });
export const MAX_NET_CMP = 3;
/** calculate_gain's nonlinearities (torch 1.13). */
export const NONLINEARITIES = Object.freeze(['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d',
  'conv_transpose3d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu']);
const initNum = (name, def, lo, hi, min = -1000, max = 1000) => ({ name, kind: 'number', default: def, min, max, lo, hi });
const GAIN = initNum('gain', 1, 0, 4, 0);
const KAIMING = [initNum('a', 0, 0, 1),
  { name: 'mode', kind: 'choice', default: 'fan_in', choices: ['fan_in', 'fan_out'] },
  { name: 'nonlinearity', kind: 'choice', default: 'leaky_relu', choices: NONLINEARITIES }];
/** Weight inits: torch.nn.init's names and keyword arguments with torch's defaults ('default': nn.Linear's own). */
export const NET_INITS = deepFreeze([
  { name: 'default', params: [] },
  { name: 'xavier_uniform_', params: [GAIN] },
  { name: 'xavier_normal_', params: [GAIN] },
  { name: 'kaiming_uniform_', params: KAIMING },
  { name: 'kaiming_normal_', params: KAIMING },
  { name: 'lecun_normal_', params: [] },
  { name: 'normal_', params: [initNum('mean', 0, -1, 1), initNum('std', 1, 0, 2, 0)] },
  { name: 'uniform_', params: [initNum('a', 0, -2, 2), initNum('b', 1, -2, 2)] },
  { name: 'zeros_', params: [] },
]);
/** Bias inits. */
export const NET_BIASES = deepFreeze([
  { name: 'default', params: [] },
  { name: 'zeros_', params: [] },
  { name: 'constant_', params: [initNum('val', 0, -5, 5)] },
]);
// ---- the training lab's tables ----
export const TRAIN_LIMITS = Object.freeze({ layers: 8, width: 256, n: 10000, upload: 100000 });
export const MAX_TRAIN_CMP = 3;
/** web/lib/train/datasets.py's datasets ('upload': a CSV the user gave, never in a link's data). */
export const TRAIN_DATASETS = Object.freeze(['circle', 'xor', 'gauss', 'spiral', 'moons', 'plane', 'upload']);
/** datasets.py's FEATURES, in its order. */
export const TRAIN_FEATURES = Object.freeze(['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2']);
export const TRAIN_LOSSES = Object.freeze(['auto', 'CrossEntropyLoss', 'BCEWithLogitsLoss', 'MSELoss']);
const optNum = (name, def, lo, hi, min = 0, max = 1e6) => ({ name, kind: 'number', default: def, min, max, lo, hi });
const optBool = (name) => ({ name, kind: 'bool', default: false });
const BETAS = [optNum('beta1', 0.9, 0, 1, 0, 0.999999), optNum('beta2', 0.999, 0, 1, 0, 0.999999)];
/**
 * torch.optim's optimizers and keyword arguments with torch 1.13's defaults (SGD's lr has none in
 * torch: the lab starts at 0.1); Adam's betas as beta1, beta2.
 */
export const TRAIN_OPTIMIZERS = deepFreeze([
  { name: 'SGD', params: [optNum('lr', 0.1, 0, 1), optNum('momentum', 0, 0, 1), optNum('dampening', 0, 0, 1),
    optNum('weight_decay', 0, 0, 0.1), optBool('nesterov')] },
  { name: 'Adam', params: [optNum('lr', 0.001, 0, 0.1), ...BETAS, optNum('eps', 1e-8, 0, 1e-4), optNum('weight_decay', 0, 0, 0.1), optBool('amsgrad')] },
  { name: 'AdamW', params: [optNum('lr', 0.001, 0, 0.1), ...BETAS, optNum('eps', 1e-8, 0, 1e-4), optNum('weight_decay', 0.01, 0, 0.1), optBool('amsgrad')] },
  { name: 'RMSprop', params: [optNum('lr', 0.01, 0, 0.1), optNum('alpha', 0.99, 0, 1, 0, 1), optNum('eps', 1e-8, 0, 1e-4),
    optNum('weight_decay', 0, 0, 0.1), optNum('momentum', 0, 0, 1), optBool('centered')] },
]);

/** Whether a function can be the depth lab's activation: element-wise, no learnable weight. */
export const isNetActivation = (spec) => !!spec && !spec.dimwise && !spec.halves && (spec.params ?? []).every((p) => p.kind !== 'weight');

// ---- small helpers ----

/** A rejected value; its message becomes the reason in a notice. */
class Bad extends Error {}
const bad = (why) => {
  throw new Bad(why);
};

const own = (o, k) => o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k);
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/** Own data property even for a key like "__proto__" (plain assignment would set the prototype). */
function put(o, k, v) {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

function getPath(o, path) {
  for (const k of path) {
    if (!own(o, k)) return undefined;
    o = o[k];
  }
  return o;
}

function setPath(o, path, v) {
  for (const k of path.slice(0, -1)) o = own(o, k) ? o[k] : put(o, k, {})[k];
  put(o, path[path.length - 1], v);
}

function deepEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => own(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function deepFreeze(v) {
  if (v && typeof v === 'object') for (const k of Object.keys(Object.freeze(v))) deepFreeze(v[k]);
  return v;
}

function clone(v) {
  if (Array.isArray(v)) return v.map(clone);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) put(o, k, clone(v[k]));
    return o;
  }
  return v;
}

/** Percent-decode once; a malformed escape rejects the value instead of throwing. */
function dec(raw) {
  try {
    return decodeURIComponent(raw);
  } catch {
    return bad('malformed percent-encoding');
  }
}

// Atoms inside structured values: encodeURIComponent already escapes & = , ; + # % and spaces;
// the parentheses of the cmp syntax must be escaped too.
const escAtom = (s) => encodeURIComponent(s).replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'));
// Free text has no inner structure, so keep the characters tensors are made of readable.
const escText = (s) => encodeURIComponent(s).replace(/%(2C|5B|5D|3A|2F|3F|40)/g, (e) => decodeURIComponent(e));

// ASCII only (\d never matches full-width digits); no hex, Infinity, NaN or digit separators.
const NUM_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT_RE = /^[+-]?\d+$/;

function parseNum(s, what) {
  const n = NUM_RE.test(s) ? Number(s) : NaN;
  return Number.isFinite(n) ? n : bad(`expected ${what}`);  // 1e999 parses to Infinity
}

function parseInt_(s, what) {
  const n = INT_RE.test(s) ? Number(s) : NaN;
  return Number.isSafeInteger(n) ? n : bad(`expected ${what}`);
}

const fmtNum = (n) => escAtom(Object.is(n, -0) ? '-0' : String(n));

/** A comma list of count in [min, max] numbers. Numbers contain no commas, so `%2C` is fine too. */
function parseNums(raw, min, max, what) {
  const parts = dec(raw).split(',');
  if (parts.length < min || parts.length > max) bad(`expected ${what}`);
  return parts.map((s) => parseNum(s, what));
}

const numsOk = (v, min, max) => Array.isArray(v) && v.length >= min && v.length <= max && v.every(isNum);

// Control characters (C0 except \t \n, DEL, C1), format characters (bidi overrides and isolates,
// zero-width space/joiners, BOM, soft hyphen, tag characters), lone surrogates, and the Unicode
// line/paragraph separators: all of them make the text read differently from what it is.
const HIDDEN_RE = /(?![\t\n])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
const hex = (c) => `U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

function textWhy(v) {
  if (typeof v !== 'string') return 'expected text';
  // Length first: a megabyte of console text is refused without scanning it on every URL write.
  const long = longWhy(v, TEXT_CAP);
  if (long) return long;
  const m = HIDDEN_RE.exec(v);
  return m ? `contains a control or invisible character (${hex(m[0])})` : null;
}
// Code points >= UTF-16 length / 2, so a huge string is refused without counting it.
const longWhy = (v, cap) => (v.length > 2 * cap || codePoints(v) > cap ? `longer than ${cap} characters` : null);
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A value as shown in a notice: quoted, escaped where invisible or misleading, and short. */
function q(s) {
  const cps = Array.from(String(s));
  const cut = cps.length > 40 ? `${cps.slice(0, 40).join('')}…` : cps.join('');
  const shown = cut.replace(/["\\]|[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, (c) =>
    c === '"' || c === '\\' ? `\\${c}` : c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u{${c.codePointAt(0).toString(16)}}`);
  return `"${shown}"`;
}

const BOOLS = new Map([['true', true], ['false', false], ['1', true], ['0', false], ['True', true], ['False', false]]);

// ---- field types: parse(raw) -> value, check(value, ctx) -> reason | null, format(value) -> raw ----
// parse gets the still percent-encoded text (cmp must split before decoding); check also guards
// encode() against whatever the page hands it, so it accepts any JS value without throwing.

const enumType = (values) => ({
  type: 'enum',
  values,
  parse: dec,
  check: (v) => (values.includes(v) ? null : `expected ${values.join(' or ')}`),
  format: escAtom,
});

const boolType = {
  type: 'bool',
  parse: (raw) => {
    const s = dec(raw);
    return BOOLS.has(s) ? BOOLS.get(s) : bad('expected true or false');
  },
  check: (v) => (typeof v === 'boolean' ? null : 'expected true or false'),
  format: String,
};

/** What is wrong with an x or y range [lo, hi]: 'numbers', 'order', 'bound', 'span', or null (the page words it too). */
export function rangeProblem(v) {
  if (!numsOk(v, 2, 2)) return 'numbers';
  if (!(v[0] < v[1])) return 'order';
  if (Math.abs(v[0]) > RANGE_ABS || Math.abs(v[1]) > RANGE_ABS) return 'bound';
  if (v[1] - v[0] < RANGE_MIN_SPAN) return 'span';
  return null;
}
const RANGE_WHY = {
  numbers: 'expected two numbers lo,hi with lo < hi',
  order: 'expected two numbers lo,hi with lo < hi',
  bound: `expected |lo| and |hi| <= ${RANGE_ABS}`,
  span: `expected hi - lo >= ${RANGE_MIN_SPAN}`,
};
const rangeWhy = (v) => RANGE_WHY[rangeProblem(v)] ?? null;
const rangeType = {
  type: 'range',
  parse: (raw) => parseNums(raw, 2, 2, 'two numbers lo,hi with lo < hi'),
  check: rangeWhy,
  format: (v) => v.map(fmtNum).join(','),
};
export const EPS_RANGE = [1e-4, 0.25];
const epsType = {
  type: 'number',
  parse: (raw) => parseNum(dec(raw), `a number in [${EPS_RANGE.join(', ')}]`),
  check: (v) => (isNum(v) && v >= EPS_RANGE[0] && v <= EPS_RANGE[1] ? null : `expected a number in [${EPS_RANGE.join(', ')}]`),
  format: fmtNum,
};
const rangeOrAutoType = {
  type: 'range|auto',
  parse: (raw) => (dec(raw) === 'auto' ? null : rangeType.parse(raw)),
  check: (v) => (v === null ? null : rangeWhy(v)),
  format: (v) => rangeType.format(v),
};

const showType = {
  type: 'show',
  parse: (raw) => {
    const s = dec(raw);
    if (s === 'none') return { f: false, df: false };
    const parts = s.split(',');
    if (!parts.every((p) => p === 'f' || p === 'df')) bad('expected f, df, f,df or none');
    return { f: parts.includes('f'), df: parts.includes('df') };
  },
  check: (v) => (v && typeof v === 'object' && typeof v.f === 'boolean' && typeof v.df === 'boolean' ? null : 'expected f, df, f,df or none'),
  canon: (v) => (v && typeof v === 'object' ? { f: v.f, df: v.df } : v),
  format: (v) => (v.f && v.df ? 'f,df' : v.f ? 'f' : v.df ? 'df' : 'none'),
};

const vecType = {
  type: 'numbers',
  parse: (raw) => parseNums(raw, 1, MAX_VEC, `1 to ${MAX_VEC} numbers`),
  check: (v) => (numsOk(v, 1, MAX_VEC) ? null : `expected 1 to ${MAX_VEC} numbers`),
  format: (v) => v.map(fmtNum).join(','),
};

// comp is checked against the vec already decoded (vec comes first in the schema).
const compType = {
  type: 'index|last',
  parse: (raw) => parseInt_(dec(raw), 'an integer'),
  check: (v, ctx) => {
    if (v === null) return null;
    const n = Array.isArray(ctx.vec) ? ctx.vec.length : 0;
    return Number.isInteger(v) && v >= 0 && v < n ? null : `expected an integer in [0, ${n - 1}] (vec has ${n} components)`;
  },
  format: String,
};

const textType = { type: 'text', parse: dec, check: textWhy, format: escText };
const exprType = (cap) => ({
  type: 'text',
  parse: dec,
  check: (v) => (typeof v !== 'string' ? 'expected text' : LONE_SURROGATE_RE.test(v) ? 'contains a lone surrogate' : longWhy(v, cap)),
  format: escText,
});
const classType = {
  type: 'name',
  parse: dec,
  check: (v) => (typeof v === 'string' && /^([A-Za-z_][A-Za-z0-9_]{0,99})?$/.test(v) ? null : 'expected a Python class name'),
  format: escText,
};
const textOrOnesType = {
  type: 'text|ones',
  parse: dec,
  check: (v) => (v === null ? null : textWhy(v)),
  format: escText,
};

// The depth lab's sizes, seed and input scale.
const intRangeType = (lo, hi) => {
  const what = `an integer in [${lo}, ${hi}]`;
  return {
    type: 'int',
    parse: (raw) => parseInt_(dec(raw), what),
    check: (v) => (Number.isSafeInteger(v) && v >= lo && v <= hi ? null : `expected ${what}`),
    format: String,
  };
};
const numRangeType = (lo, hi) => {
  const what = `a number in [${lo}, ${hi}]`;
  return {
    type: 'number',
    parse: (raw) => parseNum(dec(raw), what),
    check: (v) => (isNum(v) && v >= lo && v <= hi ? null : `expected ${what}`),
    format: fmtNum,
  };
};
// Per-layer widths (`128,64,32`), or null: `depth` layers of `width`.
const widthsWhy = (v) => (v === null || (Array.isArray(v) && v.length >= 1 && v.length <= NET_LIMITS.depth
  && v.every((w) => Number.isSafeInteger(w) && w >= 1 && w <= NET_LIMITS.width))
  ? null : `expected 1 to ${NET_LIMITS.depth} comma-separated integers in [1, ${NET_LIMITS.width}]`);
const widthsType = {
  type: 'ints|none',
  parse: (raw) => {
    const s = dec(raw);
    if (s === 'none') return null;
    const parts = s.split(',');
    if (parts.length > NET_LIMITS.depth) bad(widthsWhy([]));
    return parts.map((p) => parseInt_(p, widthsWhy([]).slice(9)));
  },
  check: widthsWhy,
  canon: (v) => (Array.isArray(v) ? v.slice() : v),
  format: (v) => (v === null ? 'none' : v.join(',')),
};

// ---- function parameters: one field type per table `kind` ----

const interval = (lo, hi) =>
  lo !== undefined && hi !== undefined ? ` in [${lo}, ${hi}]` : lo !== undefined ? ` >= ${lo}` : hi !== undefined ? ` <= ${hi}` : '';
const within = (v, p) => (p.min === undefined || v >= p.min) && (p.max === undefined || v <= p.max);

function paramType(p) {
  switch (p.kind) {
    case 'number': {
      const what = `a number${interval(p.min, p.max)}`;
      return {
        parse: (raw) => parseNum(dec(raw), what),
        check: (v) => (isNum(v) && within(v, p) ? null : `expected ${what}`),
        format: fmtNum,
      };
    }
    case 'int': {
      const what = `an integer${interval(p.min, p.max)}`;
      return {
        parse: (raw) => parseInt_(dec(raw), what),
        check: (v) => (Number.isSafeInteger(v) && within(v, p) ? null : `expected ${what}`),
        format: String,
      };
    }
    case 'bool':
      return boolType;
    case 'choice': {
      const choices = Array.isArray(p.choices) ? p.choices : [];
      return { parse: dec, check: (v) => (choices.includes(v) ? null : `expected ${choices.join(' or ')}`), format: escAtom };
    }
    case 'dim': {
      // None only where PyTorch's default is None (Softmax & co.); GLU's dim must be an integer.
      const lo = p.min ?? DIM_MIN;
      const hi = p.max ?? DIM_MAX;
      const what = `an integer in [${lo}, ${hi}]${p.default === null ? ' or None' : ''}`;
      return {
        parse: (raw) => {
          const s = dec(raw);
          return s === 'None' && p.default === null ? null : parseInt_(s, what);
        },
        check: (v) => ((v === null && p.default === null) || (Number.isInteger(v) && v >= lo && v <= hi) ? null : `expected ${what}`),
        format: (v) => (v === null ? 'None' : String(v)),
      };
    }
    case 'weight': {
      // One number, or one per channel; a one-element list is written and read as the number.
      const what = `a number or a comma list of up to ${MAX_WEIGHTS} numbers`;
      const ok = (v) => (isNum(v) && within(v, p)) || (numsOk(v, 1, MAX_WEIGHTS) && v.every((u) => within(u, p)));
      return {
        parse: (raw) => {
          const w = parseNums(raw, 1, MAX_WEIGHTS, what);
          return w.length === 1 ? w[0] : w;
        },
        check: (v) => (ok(v) ? null : `expected ${what}`),
        canon: (v) => (Array.isArray(v) && v.length === 1 ? v[0] : Array.isArray(v) ? v.slice() : v),
        format: (v) => (Array.isArray(v) ? v.map(fmtNum).join(',') : fmtNum(v)),
      };
    }
    default:
      return { parse: dec, check: () => `unsupported parameter kind ${p.kind}`, format: String };
  }
}

/** One URL value through a field: parse, check, canonicalize. Throws Bad. */
function read(f, raw, ctx, notes) {
  const v = f.parse(raw, ctx, notes);
  const why = f.check(v, ctx);
  if (why) bad(why);
  return f.canon ? f.canon(v, ctx) : v;
}

/**
 * Build the URL codec for a function table (lab.functions). `defaults` overrides the built-in
 * defaults of any state key except `params` (the table's defaults rule there), e.g. the page's
 * language: createCodec(lab.functions, { defaults: { lang: 'zh' } }).
 */
export function createCodec(functions, { defaults = {}, limits, version = LINK_VERSION, migrations = MIGRATIONS } = {}) {
  if (!Array.isArray(functions) || !functions.length) throw new TypeError('createCodec: functions must be a non-empty array');
  const exprChars = limits?.exprChars;
  if (!Number.isInteger(exprChars) || exprChars < 1 || 12 * (2 * TEXT_CAP + exprChars) + 20000 > HASH_CAP) {
    throw new TypeError('createCodec: limits.exprChars (lab.limits) must be a positive integer that fits HASH_CAP');
  }
  const specs = new Map(functions.map((f) => [f.name, f]));
  const allParamNames = new Set(functions.flatMap((f) => (f.params ?? []).map((p) => p.name)));

  const def = clone(BASE_DEFAULTS);
  if (!specs.has(def.fn)) def.fn = functions[0].name;
  if (!isNetActivation(specs.get(def.net.act.fn))) def.net.act = { fn: functions.find(isNetActivation)?.name ?? def.net.act.fn, params: {} };
  if (!isNetActivation(specs.get(def.train.act.fn))) def.train.act = { ...def.net.act };
  for (const k of Object.keys(defaults ?? {})) {
    if (!own(BASE_DEFAULTS, k) || k === 'params') throw new TypeError(`createCodec: unknown default '${k}'`);
    put(def, k, clone(defaults[k]));
  }

  const fnType = {
    type: 'function',
    parse: dec,
    check: (v) => (typeof v === 'string' && specs.has(v) ? null : `unknown function (kept ${def.fn})`),
    format: escAtom,
  };

  // Parameter fields of one function, in table order. Cached: the table is fixed. Keys equal to
  // a fixed key (FIXED_KEYS, built from the schema below) get the `p.` prefix.
  const paramCache = new Map();
  function paramFields(fnName) {
    const spec = specs.get(fnName);
    if (!spec) return [];
    if (!paramCache.has(fnName)) {
      paramCache.set(fnName, (spec.params ?? []).map((p) => Object.freeze({
        key: FIXED_KEYS.has(p.name) ? `p.${p.name}` : p.name,
        path: ['params', fnName, p.name],
        name: p.name,
        type: p.kind,
        default: p.default,
        param: p,
        ...paramType(p),
      })));
    }
    return paramCache.get(fnName);
  }
  const paramFieldMap = (fnName) => new Map(paramFields(fnName).map((f) => [f.name, f]));

  // Overlays: `Name` or `Name(k=v,k=v)`, joined by `;`. The raw text is split on the structural
  // characters first and each atom decoded afterwards (atoms escape them, see escAtom). A piece
  // without `=` continues the previous value, which is how PReLU's weight list reads.
  // The same grammar names the depth lab's activation (nact) and its inits (ninit, nbias), each
  // over its own table: `label` names the key in notices, `has`/`fieldsOf` the table.
  function itemsType(label, has, fieldsOf, max, unknown = () => 'unknown function') {
    const fieldMap = (name) => new Map(fieldsOf(name).map((f) => [f.name, f]));
    return {
      type: 'items',
      parse(raw, ctx, notes) {
        const items = [];
        for (const rawItem of raw.split(';')) {
          if (rawItem === '') continue;  // `cmp=` or a trailing `;`
          if (items.length === max) {
            notes.push(`Ignored ${label} items after the first ${max}`);
            break;
          }
          const m = /^([^()]*)(?:\(([^()]*)\))?$/.exec(rawItem);
          let name;
          try {
            if (!m) bad('expected Name or Name(param=value,...)');
            name = dec(m[1]);
            if (!has(name)) bad(unknown(name));
          } catch (e) {
            if (!(e instanceof Bad)) throw e;
            notes.push(`Ignored ${label} item ${q(name ?? safeDec(rawItem))}: ${e.message}`);
            continue;
          }
          const pfs = fieldMap(name);
          const params = {};
          const pairs = [];
          for (const piece of m[2] ? m[2].split(',') : []) {
            const eq = piece.indexOf('=');
            if (eq >= 0) pairs.push([piece.slice(0, eq), piece.slice(eq + 1)]);
            else if (pairs.length) pairs[pairs.length - 1][1] += `,${piece}`;
            else notes.push(`Ignored ${q(safeDec(piece))} in ${label} item ${name}: expected param=value`);
          }
          const seen = new Set();
          for (const [rk, rv] of pairs) {
            const key = safeDec(rk);
            const f = pfs.get(key);
            try {
              if (!f) bad(`${name} has no parameter ${q(key)}`);
              if (seen.has(key)) {
                // As at the top level, the last one counts even when it is invalid.
                notes.push(`Parameter ${key} appears more than once in ${label} item ${name}: the last one counts`);
                delete params[key];
              }
              seen.add(key);
              const v = read(f, rv, ctx, notes);
              if (!deepEqual(v, f.default)) put(params, key, v);  // a default is no override
            } catch (e) {
              if (!(e instanceof Bad)) throw e;
              notes.push(`Ignored ${name}(${key}=${q(safeDec(rv))}) in ${label}: ${e.message}`);
            }
          }
          items.push({ fn: name, params });
        }
        return items;
      },
      check: (v) => (Array.isArray(v) ? null : 'expected a list of functions'),
      // encode(): keep the valid items (at most `max`) and their valid non-default params.
      canon(v) {
        if (!Array.isArray(v)) return v;
        const items = [];
        for (const it of v) {
          if (items.length === max) break;
          if (!own(it, 'fn') || typeof it.fn !== 'string' || !has(it.fn)) continue;
          const params = {};
          const given = own(it, 'params') ? it.params : {};
          for (const f of fieldsOf(it.fn)) {
            if (!own(given, f.name)) continue;
            const pv = f.canon ? f.canon(given[f.name]) : given[f.name];
            if (!f.check(pv) && !deepEqual(pv, f.default)) put(params, f.name, pv);
          }
          items.push({ fn: it.fn, params });
        }
        return items;
      },
      format: (items) => items.map((it) => {
        const kv = fieldsOf(it.fn).filter((f) => own(it.params, f.name)).map((f) => `${escAtom(f.name)}=${f.format(it.params[f.name])}`);
        return escAtom(it.fn) + (kv.length ? `(${kv.join(',')})` : '');
      }).join(';'),
    };
  }
  const overlaysType = itemsType('cmp', (name) => specs.has(name), paramFields, MAX_OVERLAYS);

  /** One item of an items type (`Name(k=v)`): nact, ninit, nbias; `ok(item)` checks it further. */
  function oneItemType(label, items, ok) {
    return {
      type: 'item',
      parse(raw, ctx, notes) {
        const own = [];
        const list = items.parse(raw, ctx, own);
        const head = `Ignored ${label} item `;
        if (list.length !== 1) bad(own.length === 1 && own[0].startsWith(head) ? own[0].replace(/^Ignored \S+ item [^:]*: /, '') : `expected one ${label === 'nact' ? 'function' : 'init'}`);
        notes.push(...own);
        return list[0];
      },
      check: (v) => (v && typeof v === 'object' && own(v, 'fn') && items.canon([v]).length === 1 ? ok(v) : `expected ${label === 'nact' ? 'an element-wise function' : 'an init'}`),
      canon: (v) => (v && typeof v === 'object' ? items.canon([v])[0] ?? v : v),
      format: (v) => items.format([v]),
    };
  }

  // ---- the depth lab (view=network): one network config, and the pinned ones to compare ----
  // Its activation: an element-wise function of the table (or the custom one) with its
  // constructor's parameters (the lab runs modules in eval mode: RReLU's training/seed are no
  // constructor keywords); its inits: torch.nn.init's functions and keyword arguments.
  const netActFields = (name) => paramFields(name).filter((f) => f.param.torch === undefined);
  const netActItems = itemsType('nact', (name) => specs.has(name) && isNetActivation(specs.get(name)), netActFields, Infinity,
    (name) => (specs.has(name) ? `${name} is not element-wise (or has a learnable weight): the depth lab's activations are element-wise` : 'unknown function'));
  const netActType = oneItemType('nact', netActItems, () => null);
  const initFieldCache = new Map();
  const initFields = (table) => (name) => {
    const spec = table.find((i) => i.name === name);
    if (!spec) return [];
    const key = `${table === NET_BIASES ? 'b' : table === TRAIN_OPTIMIZERS ? 'o' : 'w'}:${name}`;
    if (!initFieldCache.has(key)) {
      initFieldCache.set(key, spec.params.map((p) => Object.freeze({ key: p.name, name: p.name, type: p.kind, default: p.default, param: p, ...paramType(p) })));
    }
    return initFieldCache.get(key);
  };
  const hasIn = (table) => (name) => table.some((i) => i.name === name);
  const initType = oneItemType('ninit', itemsType('ninit', hasIn(NET_INITS), initFields(NET_INITS), Infinity,
    () => `unknown init: one of ${NET_INITS.map((i) => i.name).join(', ')}`), () => null);
  const biasType = oneItemType('nbias', itemsType('nbias', hasIn(NET_BIASES), initFields(NET_BIASES), Infinity,
    () => `unknown bias init: one of ${NET_BIASES.map((i) => i.name).join(', ')}`), () => null);
  // Sub-keys of a network config: the URL key is `n` + the sub-key (nact, ndepth, ...); inside a
  // pinned config (ncmp) the sub-key itself.
  const NET_FIELDS = [
    ['act', 'act', netActType],
    ['depth', 'depth', intRangeType(1, NET_LIMITS.depth)],
    ['width', 'width', intRangeType(1, NET_LIMITS.width)],
    ['widths', 'widths', widthsType],
    ['batch', 'batch', intRangeType(1, NET_LIMITS.batch)],
    ['in', 'inputs', intRangeType(1, NET_LIMITS.width)],
    ['out', 'outputs', intRangeType(1, NET_LIMITS.width)],
    ['x', 'dist', enumType(['randn', 'rand'])],
    ['std', 'std', numRangeType(0, NET_LIMITS.std)],
    ['init', 'init', initType],
    ['bias', 'bias', biasType],
    ['loss', 'loss', enumType(['sum', 'mse', 'cross_entropy'])],
    ['seed', 'seed', intRangeType(0, Number.MAX_SAFE_INTEGER)],
  ].map(([key, name, t]) => Object.freeze({ key, name, default: def.net[name], ...t }));

  // Pinned configs: `(k=v,k=v);(k=v)` with the sub-keys, defaults left out. Pairs split at commas
  // outside parentheses; a value's own top-level commas (a widths list) are written %2C.
  const splitTop = (s, sep) => {
    const out = [];
    let depth = 0, start = 0;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '(') depth++;
      else if (s[i] === ')') depth--;
      else if (s[i] === sep && depth === 0) { out.push(s.slice(start, i)); start = i + 1; }
    }
    out.push(s.slice(start));
    return out;
  };
  const escTop = (s) => splitTop(s, ',').join('%2C');
  const netConfigCanon = (v) => {
    const c = clone(def.net);
    if (!v || typeof v !== 'object') return c;
    for (const f of NET_FIELDS) {
      if (!own(v, f.name)) continue;
      const x = f.canon ? f.canon(v[f.name]) : v[f.name];
      if (!f.check(x)) put(c, f.name, clone(x));
    }
    return c;
  };
  const netCmpType = {
    type: 'configs',
    parse(raw, ctx, notes) {
      const items = [];
      for (const rawItem of splitTop(raw, ';')) {
        if (rawItem === '') continue;
        if (items.length === MAX_NET_CMP) {
          notes.push(`Ignored ncmp items after the first ${MAX_NET_CMP}`);
          break;
        }
        if (!/^\(.*\)$/s.test(rawItem) || splitTop(rawItem.slice(1, -1), ';').length !== 1) {
          notes.push(`Ignored ncmp item ${q(safeDec(rawItem))}: expected (key=value,...)`);
          continue;
        }
        const c = clone(def.net);
        const seen = new Set();
        // As in cmp, a piece without `=` continues the previous value (a widths list typed raw).
        const pairs = [];
        for (const piece of splitTop(rawItem.slice(1, -1), ',')) {
          if (piece === '') continue;
          if (piece.includes('=') || !pairs.length) pairs.push(piece);
          else pairs[pairs.length - 1] += `,${piece}`;
        }
        for (const pair of pairs) {
          const eq = pair.indexOf('=');
          const key = safeDec(eq < 0 ? pair : pair.slice(0, eq));
          const f = NET_FIELDS.find((g) => g.key === key);
          try {
            if (eq < 0) bad('expected key=value');
            if (!f) bad(`a network config has no key ${q(key)}`);
            if (seen.has(key)) notes.push(`Key ${key} appears more than once in an ncmp item: the last one counts`);
            seen.add(key);
            put(c, f.name, read(f, pair.slice(eq + 1), ctx, notes));
          } catch (e) {
            if (!(e instanceof Bad)) throw e;
            if (f) put(c, f.name, clone(def.net[f.name]));
            notes.push(`Ignored ${q(safeDec(pair))} in ncmp: ${e.message}`);
          }
        }
        items.push(c);
      }
      return items;
    },
    check: (v) => (Array.isArray(v) ? null : 'expected a list of network configs'),
    canon: (v) => (Array.isArray(v) ? v.slice(0, MAX_NET_CMP).map(netConfigCanon) : v),
    format: (items) => items.map((c) => `(${NET_FIELDS.filter((f) => !deepEqual(c[f.name], f.default)).map((f) => `${f.key}=${escTop(f.format(c[f.name]))}`).join(',')})`).join(';'),
  };

  // ---- the training lab (view=train): keys `t` + the sub-key ----
  const trainActItems = itemsType('tact', (name) => specs.has(name) && isNetActivation(specs.get(name)), netActFields, Infinity,
    (name) => (specs.has(name) ? `${name} is not element-wise (or has a learnable weight): the lab's activations are element-wise` : 'unknown function'));
  const trainActType = oneItemType('nact', trainActItems, () => null);
  const actListType = (label, max) => {
    const items = itemsType(label, (name) => specs.has(name) && isNetActivation(specs.get(name)), netActFields, max,
      (name) => (specs.has(name) ? `${name} is not element-wise (or has a learnable weight): the lab's activations are element-wise` : 'unknown function'));
    const perLayer = label === 'tacts';
    return { ...items, type: 'items|none', parse: (raw, ctx, notes) => (dec(raw) === 'none' ? null : items.parse(raw, ctx, notes)),
      // tacts: one per hidden layer (twidths comes first in a link and in the state's checks)
      check: (v, ctx) => (v === null || (Array.isArray(v) && (!perLayer || !Array.isArray(ctx?.train?.widths) || v.length === ctx.train.widths.length))
        ? null : perLayer ? 'expected one activation per hidden layer' : 'expected a list of functions'),
      canon: (v) => (v === null ? null : items.canon(v)), format: (v) => (v === null ? 'none' : items.format(v)) };
  };
  const trainWidthsWhy = (v) => (Array.isArray(v) && v.length >= 1 && v.length <= TRAIN_LIMITS.layers
    && v.every((w) => Number.isSafeInteger(w) && w >= 1 && w <= TRAIN_LIMITS.width)
    ? null : `expected 1 to ${TRAIN_LIMITS.layers} comma-separated integers in [1, ${TRAIN_LIMITS.width}]`);
  const trainWidthsType = {
    type: 'ints',
    parse: (raw) => {
      const parts = dec(raw).split(',');
      if (parts.length > TRAIN_LIMITS.layers) bad(trainWidthsWhy([]));
      return parts.map((p) => parseInt_(p, trainWidthsWhy([]).slice(9)));
    },
    check: trainWidthsWhy,
    canon: (v) => (Array.isArray(v) ? v.slice() : v),
    format: (v) => v.join(','),
  };
  const featsWhy = (v) => (Array.isArray(v) && v.length >= 1 && new Set(v).size === v.length && v.every((f) => TRAIN_FEATURES.includes(f))
    ? null : `expected distinct features among ${TRAIN_FEATURES.join(', ')}`);
  const featsType = {
    type: 'features',
    parse: (raw) => dec(raw).split(','),
    check: featsWhy,
    // datasets.py's order, whatever order they were ticked in
    canon: (v) => (Array.isArray(v) ? TRAIN_FEATURES.filter((f) => v.includes(f)) : v),
    format: (v) => v.join(','),
  };
  const optType = oneItemType('topt', itemsType('topt', hasIn(TRAIN_OPTIMIZERS), initFields(TRAIN_OPTIMIZERS), Infinity,
    () => `unknown optimizer: one of ${TRAIN_OPTIMIZERS.map((o) => o.name).join(', ')}`), () => null);
  const TRAIN_FIELDS = [
    ['data', 'data', enumType(TRAIN_DATASETS)],
    ['classes', 'classes', intRangeType(2, 4)],
    ['n', 'n', intRangeType(10, TRAIN_LIMITS.n)],
    ['noise', 'noise', numRangeType(0, 1)],
    ['ratio', 'ratio', numRangeType(0.1, 0.9)],
    ['dseed', 'dseed', intRangeType(0, Number.MAX_SAFE_INTEGER)],
    ['feat', 'feats', featsType],
    ['widths', 'widths', trainWidthsType],
    ['act', 'act', trainActType],
    ['acts', 'acts', actListType('tacts', TRAIN_LIMITS.layers)],
    ['init', 'init', initType],
    ['bias', 'bias', biasType],
    ['loss', 'loss', enumType(TRAIN_LOSSES)],
    ['opt', 'opt', optType],
    ['batch', 'batch', intRangeType(0, TRAIN_LIMITS.upload)],
    ['l1', 'l1', numRangeType(0, 1)],
    ['seed', 'seed', intRangeType(0, Number.MAX_SAFE_INTEGER)],
    ['cmp', 'cmp', actListType('tcmp', MAX_TRAIN_CMP)],
    ['play', 'play', boolType],
  ].map(([key, name, t]) => Object.freeze({ key, name, default: def.train[name], ...t }));

  // Compare with PyTorch: one built-in, with its parameters, that a custom function is measured
  // against (the overlay grammar, one item).
  const refType = {
    type: 'ref',
    parse(raw, ctx, notes) {
      const own = [];
      const items = overlaysType.parse(raw, ctx, own);
      const said = (n) => n.replace(/ in cmp\b/, ' in ref').replace(/^Ignored cmp item /, 'Ignored ref item ');
      if (items.length !== 1) bad(own.length === 1 ? said(own[0]).replace(/^Ignored ref item [^:]*: /, '') : 'expected one built-in function');
      notes.push(...own.map(said));
      return items[0];
    },
    check: (v) => (v === null || (v && typeof v === 'object' && own(v, 'fn') && specs.has(v.fn) && !specs.get(v.fn).custom)
      ? null : 'expected a built-in function'),
    canon: (v) => (v === null || typeof v !== 'object' ? v : overlaysType.canon([v])[0] ?? null),
    format: (v) => overlaysType.format([v]),
  };

  // The schema, in URL order. The `params` entry stands for the current fn's parameter fields.
  const schema = [
    ['view', ['view'], enumType(['plot', 'gallery', 'console', 'network', 'train'])],
    ['fn', ['fn'], fnType],
    [null, ['params'], { type: 'params', expand: paramFields }],
    ['cmp', ['overlays'], overlaysType],
    ['x', ['x'], rangeType],
    ['y', ['y'], rangeOrAutoType],
    ['show', ['show'], showType],
    ['shade', ['shade'], boolType],
    // Shading: |f′| < eps (vanishing gradient), and |f′| > 1 (exploding) when steep.
    ['eps', ['eps'], epsType],
    ['steep', ['steep'], boolType],
    ['vec', ['vec'], vecType],
    ['comp', ['comp'], compType],
    ['lang', ['lang'], enumType(Object.keys(LANGUAGES))],
    ['theme', ['theme'], enumType(['system', 'light', 'dark'])],
    ['tensor', ['tensor'], textType],
    ['grad', ['grad'], textOrOnesType],
    // A custom activation's source; the page compiles it and passes its spec in `functions`.
    ['expr', ['expr'], exprType(exprChars)],
    // Which class of a pasted source is plotted ('' : the first with a forward).
    ['cls', ['cls'], classType],
    ['ref', ['ref'], refType],
    // The depth lab: the network config (nact, ndepth, ...) and the pinned configs (ncmp).
    ...NET_FIELDS.map((f) => [`n${f.key}`, ['net', f.name], f]),
    ['ncmp', ['netCmp'], netCmpType],
    // The training lab (tdata, twidths, ...).
    ...TRAIN_FIELDS.map((f) => [`t${f.key}`, ['train', f.name], f]),
  ];
  const FIXED_KEYS = new Set(schema.map(([key]) => key).filter(Boolean));  // read by paramFields()
  const fields = Object.freeze(schema.map(([key, path, t]) => Object.freeze({ ...t, key, path, default: getPath(def, path) })));

  // Defaults are trusted page input, but a bad one would make every link decode oddly: refuse it.
  for (const f of fields) {
    if (f.check && f.check(f.default, def)) throw new TypeError(`createCodec: default ${f.path[0]}: ${f.check(f.default, def)}`);
  }
  deepFreeze(def);

  /** { hash, leftOut: [{ key, why }] }: the link, and the state's values it could not hold. */
  function encodeReport(state) {
    const s = state && typeof state === 'object' ? state : {};
    const eff = clone(def);  // what decode() will see so far: context for checks (comp needs vec)
    const out = [];
    const leftOut = [];
    let fnAt = -1;
    const write = (f, v) => {
      if (v === undefined) return false;
      const why = f.check(v, eff);
      if (why) {  // invalid: left out, as decode would drop it
        if (!deepEqual(v, f.default)) leftOut.push({ key: f.key, why });
        return false;
      }
      setPath(eff, f.path, v);
      if (deepEqual(v, f.default)) return false;
      out.push(`${f.key}=${f.format(v)}`);
      return true;
    };
    for (const f of fields) {
      if (f.type === 'params') {
        const before = out.length;
        for (const pf of f.expand(eff.fn)) {
          const v = getPath(s, pf.path);
          write(pf, pf.canon && v !== undefined ? pf.canon(v) : v);
        }
        // fn accompanies its params even when it is the default function.
        if (out.length > before && fnAt < 0) out.splice(before, 0, `fn=${fnType.format(eff.fn)}`);
        continue;
      }
      const v = getPath(s, f.path);
      const wrote = write(f, f.canon && v !== undefined ? f.canon(v, eff) : v);
      if (f.key === 'fn' && wrote) fnAt = out.length - 1;
    }
    // Within the field limits a link stays well under HASH_CAP (tests check the worst case);
    // this guard only keeps a future field from producing a link decode() would cut.
    while (out.join('&').length > HASH_CAP) {
      const longest = out.reduce((a, p, i) => (p.length > out[a].length ? i : a), 0);
      leftOut.push({ key: out[longest].slice(0, out[longest].indexOf('=')), why: `the link would be longer than ${HASH_CAP} characters` });
      out.splice(longest, 1);
    }
    // Version 1 goes unwritten (every link made so far has none); later ones lead the link.
    if (version !== 1) out.unshift(`v=${version}`);
    return { hash: out.join('&'), leftOut };
  }
  const encode = (state) => encodeReport(state).hash;

  function decode(hash) {
    const notices = [];
    let state = clone(def);
    try {
      let s = typeof hash === 'string' ? hash : '';
      if (s.startsWith('#')) s = s.slice(1);
      if (s.length > HASH_CAP) {
        // Keep whole pairs only: a cut value could still parse, as a different value.
        const head = s.slice(0, HASH_CAP);
        s = s[HASH_CAP] === '&' ? head : head.slice(0, Math.max(0, head.lastIndexOf('&')));
        notices.push(`The link is longer than ${HASH_CAP} characters: ignored the rest`);
      }

      // key -> raw value; Map, so no URL text ever becomes a property name.
      const pairs = new Map();
      const dups = new Map();
      for (const piece of s.split('&')) {
        if (piece === '') continue;
        const eq = piece.indexOf('=');
        const rawKey = eq < 0 ? piece : piece.slice(0, eq);
        let key;
        try {
          key = dec(rawKey);
        } catch (e) {
          if (!(e instanceof Bad)) throw e;
          notices.push(`Ignored ${q(rawKey)}: ${e.message}`);
          continue;
        }
        if (pairs.has(key)) dups.set(key, (dups.get(key) ?? 1) + 1);
        pairs.set(key, eq < 0 ? '' : piece.slice(eq + 1));  // the last one counts
      }
      for (const [key, n] of dups) notices.push(`Key ${q(key)} appears ${n} times: the last one counts`);

      // The link's version: older ones are migrated to this one, newer ones read as far as they go.
      let from = 1;
      if (pairs.has('v')) {
        const raw = safeDec(pairs.get('v'));
        pairs.delete('v');
        if (/^[1-9]\d{0,5}$/.test(raw)) from = Number(raw);
        else notices.push(`Ignored v=${q(raw)}: expected a link version (an integer from 1)`);
      }
      if (from > version) notices.push(`This link was made by a newer actlab (link version ${from}; this is ${version}): what this version does not know is ignored`);
      for (const m of migrations) if (m.to > from && m.to <= version) m.migrate(pairs, notices);

      let fnOk = true;
      const apply = (f) => {
        if (!pairs.has(f.key)) return;
        const raw = pairs.get(f.key);
        pairs.delete(f.key);
        try {
          const v = read(f, raw, state, notices);
          if (f.param && deepEqual(v, f.default)) return;  // a default is no override
          setPath(state, f.path, v);
        } catch (e) {
          if (!(e instanceof Bad)) throw e;
          if (f.key === 'fn') fnOk = false;
          notices.push(`Ignored ${f.key}=${q(safeDec(raw))}: ${e.message}`);
        }
      };
      for (const f of fields) {
        // Params of an unknown fn would land on the default function: leave them unknown.
        if (f.type === 'params') for (const pf of fnOk ? f.expand(state.fn) : []) apply(pf);
        else apply(f);
      }
      for (const [key, raw] of pairs) {
        notices.push(!allParamNames.has(key) ? `Ignored unknown key ${q(key)}`
          : fnOk ? `Ignored ${key}=${q(safeDec(raw))}: ${state.fn} has no parameter ${key}`
            : `Ignored ${key}=${q(safeDec(raw))}: its function is unknown`);
      }
    } catch (e) {
      // Unreachable by design; if it happens anyway, a link must still not break the page.
      state = clone(def);
      notices.push(`Ignored the link: ${e && e.message}`);
    }
    if (notices.length > MAX_NOTICES) {
      const more = notices.length - (MAX_NOTICES - 1);
      notices.splice(MAX_NOTICES - 1, Infinity, `…and ${more} more ignored`);
    }
    return { state, notices };
  }

  return Object.freeze({ fields, paramFields, defaults: def, encode, encodeReport, decode });
}

/** Decoded for display in a notice; the raw text if it doesn't decode. */
function safeDec(raw) {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
