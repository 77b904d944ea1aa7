// Seeded random valid page states drawn from the function table, for the link codec's round-trip
// tests (state.test.js) and the committed corpus of links (scripts/gen-link-corpus.mjs).
import { mulberry32 } from './fuzz.js';
import { MAX_OVERLAYS, MAX_VEC, MAX_WEIGHTS, MAX_NET_CMP, NET_INITS, NET_BIASES, isNetActivation,
  TRAIN_DATASETS, TRAIN_FEATURES, TRAIN_LOSSES, TRAIN_OPTIMIZERS, TRAIN_LIMITS, MAX_TRAIN_CMP } from '../../web/lib/state.js';

export function rand(seed) {
  const u = mulberry32(seed);
  const r = {
    u,
    int: (n) => Math.floor(u() * n),
    bool: () => u() < 0.5,
    pick: (a) => a[Math.floor(u() * a.length)],
    /** A finite number in [lo, hi] in one of many shapes: short decimals, full doubles, ints, ±0, extremes. */
    num(lo = -1e300, hi = 1e300) {
      for (let tries = 0; tries < 20; tries++) {
        let v;
        switch (r.int(8)) {
          case 0: v = +(lo + u() * (hi - lo)).toFixed(r.int(4)); break;
          case 1: v = lo + u() * (hi - lo); break;
          case 2: v = Math.round(lo + u() * (hi - lo)); break;
          case 3: v = r.bool() ? lo : hi; break;
          case 4: v = r.pick([0, -0, 0.1, 0.2, 0.1 + 0.2, 1 / 3, -1 / 7]); break;
          case 5: v = (r.bool() ? -1 : 1) * u() * 10 ** -r.int(320); break;  // down to subnormals
          case 6: v = (r.bool() ? -1 : 1) * u() * 10 ** r.int(309); break;
          default: v = r.pick([5e-324, -5e-324, 1e21, -1e21, 1.7976931348623157e308, 2 ** 53 + 2, 123456789.123456789]);
        }
        if (Number.isFinite(v) && v >= lo && v <= hi) return v;
      }
      return lo === -1e300 ? 0 : lo;
    },
  };
  return r;
}

const rangeOk = ([lo, hi]) =>
  Number.isFinite(lo) && Number.isFinite(hi) && lo < hi && Math.abs(lo) <= 1e6 && Math.abs(hi) <= 1e6 && hi - lo >= 1e-6;

function randRange(r) {
  for (;;) {
    let v;
    switch (r.int(5)) {
      case 0: v = [-r.int(20) - 1, r.int(20) + 1]; break;
      case 1: v = [r.num(-1e6, 1e6), r.num(-1e6, 1e6)].sort((a, b) => a - b); break;
      case 2: { const lo = r.num(-1e6, 1e6 - 1); v = [lo, lo + 1e-6 * (1 + 10 * r.u())]; break; }
      case 3: v = [-1e6, 1e6]; break;
      default: v = [+(r.u() * -10).toPrecision(4), +(r.u() * 10).toPrecision(4)];
    }
    if (rangeOk(v)) return v;
  }
}

function randParam(r, p) {
  switch (p.kind) {
    case 'number': {
      const lo = p.min ?? -1e300;
      const hi = p.max ?? 1e300;
      // Half the time inside the slider range (what the UI produces), else anywhere valid.
      return r.bool() ? r.num(Math.max(lo, p.lo), Math.min(hi, p.hi)) : r.num(lo, hi);
    }
    case 'int': {
      const lo = p.min ?? -(2 ** 31);
      const hi = p.max ?? 2 ** 31;
      return r.int(4) === 0 ? r.pick([lo, hi]) : lo + Math.floor(r.u() * (hi - lo + 1));
    }
    case 'bool': return r.bool();
    case 'choice': return r.pick(p.choices);
    case 'dim': return (p.min ?? -6) + r.int((p.max ?? 5) - (p.min ?? -6) + 1);
    case 'weight': {
      const num = () => (p.min !== undefined || p.max !== undefined ? r.num(p.min, p.max) : r.num());
      if (r.bool()) return num();
      const n = r.int(5) === 0 ? 2 + r.int(MAX_WEIGHTS - 1) : 2 + r.int(6);
      return Array.from({ length: n }, num);
    }
    default: throw new Error(`test generator: unknown kind ${p.kind}`);
  }
}

/** Canonical overrides: random params, the ones equal to the default left out (as the codec does). */
export function randParams(r, spec) {
  const out = {};
  for (const p of spec.params) {
    if (r.int(3) === 0) continue;
    const v = randParam(r, p);
    if (!Object.is(v, p.default)) out[p.name] = v;
  }
  return out;
}

const TEXT_BITS = ['[', ']', ',', ' ', ' ', '\n', '\t', '-', '.', '0', '1', '2', '7', '9', 'e', 'e+', '+', '&', '=', '#',
  '%', '%20', '%E2%80%AE', '?', '/', ':', '@', ';', '(', ')', '"', "'", '\\', '<', '>', '`', '~', '!', '*', '$', '^',
  '{', '}', '|', '中文', 'é', 'ß', '∞', 'ℝ', '😀', '🧪', 'Ω', 'torch.tensor(', 'True', 'None', 'nan', 'inf', '&amp;',
  '<script>alert(1)</script>', 'javascript:'];
const randText = (r) => Array.from({ length: r.int(120) }, () => r.pick(TEXT_BITS)).join('');

/** A random valid depth-lab config (each field at its default a third of the time). */
function randNet(r, functions, D) {
  const c = structuredClone(D.net);
  const maybe = (k, f) => { if (r.int(3) !== 0) c[k] = f(); };
  const item = (table) => { const spec = r.pick(table); return { fn: spec.name, params: randParams(r, spec) }; };
  const acts = functions.filter(isNetActivation).map((f) => ({ ...f, params: f.params.filter((p) => p.torch === undefined) }));
  maybe('act', () => item(acts));
  maybe('depth', () => 1 + r.int(100));
  maybe('width', () => 1 + r.int(1024));
  maybe('widths', () => (r.bool() ? null : Array.from({ length: r.int(5) === 0 ? 1 + r.int(100) : 1 + r.int(6) }, () => 1 + r.int(1024))));
  maybe('batch', () => 1 + r.int(4096));
  maybe('inputs', () => 1 + r.int(1024));
  maybe('outputs', () => 1 + r.int(1024));
  maybe('dist', () => r.pick(['randn', 'rand']));
  maybe('std', () => r.num(0, 1000));
  maybe('init', () => item(NET_INITS));
  maybe('bias', () => item(NET_BIASES));
  maybe('loss', () => r.pick(['sum', 'mse', 'cross_entropy']));
  maybe('seed', () => (r.bool() ? r.int(1000) : r.pick([Number.MAX_SAFE_INTEGER, 2 ** 32, r.int(2 ** 31)])));
  return c;
}

/** A random valid training-lab config (each field at its default a third of the time). */
function randTrain(r, functions, D) {
  const c = structuredClone(D.train);
  const maybe = (k, f) => { if (r.int(3) !== 0) c[k] = f(); };
  const item = (table) => { const spec = r.pick(table); return { fn: spec.name, params: randParams(r, spec) }; };
  const acts = functions.filter(isNetActivation).map((f) => ({ ...f, params: f.params.filter((p) => p.torch === undefined) }));
  maybe('data', () => r.pick(TRAIN_DATASETS));
  maybe('classes', () => 2 + r.int(3));
  maybe('n', () => 10 + r.int(TRAIN_LIMITS.n - 9));
  maybe('noise', () => r.num(0, 1));
  maybe('ratio', () => r.num(0.1, 0.9));
  maybe('dseed', () => r.int(1000));
  maybe('feats', () => { const f = TRAIN_FEATURES.filter(() => r.bool()); return f.length ? f : ['x2']; });
  maybe('widths', () => Array.from({ length: 1 + r.int(TRAIN_LIMITS.layers) }, () => 1 + r.int(TRAIN_LIMITS.width)));
  maybe('act', () => item(acts));
  if (r.int(3) === 0) c.acts = c.widths.map(() => item(acts));
  maybe('init', () => item(NET_INITS));
  maybe('bias', () => item(NET_BIASES));
  maybe('loss', () => r.pick(TRAIN_LOSSES));
  maybe('opt', () => item(TRAIN_OPTIMIZERS));
  maybe('batch', () => r.int(TRAIN_LIMITS.upload + 1));
  maybe('l1', () => r.num(0, 1));
  maybe('seed', () => r.int(2 ** 31));
  maybe('cmp', () => Array.from({ length: r.int(MAX_TRAIN_CMP + 1) }, () => item(acts)));
  maybe('play', () => r.bool());
  return c;
}

/** A random valid state; `D`: the codec's defaults. */
export function randState(r, functions, D) {
  const spec = r.int(4) === 0 ? functions.find((f) => f.name === D.fn) : r.pick(functions);
  const own = randParams(r, spec);
  const vec = Array.from({ length: 1 + r.int(MAX_VEC) }, () => (r.bool() ? r.num(-10, 10) : r.num()));
  return {
    view: r.pick(['plot', 'gallery', 'console', 'network', 'train']),
    fn: spec.name,
    params: Object.keys(own).length ? { [spec.name]: own } : {},
    overlays: Array.from({ length: r.int(3) === 0 ? r.int(MAX_OVERLAYS + 1) : r.int(3) }, () => {
      const o = r.pick(functions);
      return { fn: o.name, params: randParams(r, o) };
    }),
    x: r.int(3) === 0 ? [-6, 6] : randRange(r),
    y: r.bool() ? null : randRange(r),
    show: { f: r.int(4) !== 0, df: r.int(4) !== 0 },
    shade: r.bool(),
    eps: r.bool() ? 1e-3 : r.num(1e-4, 0.25),
    steep: r.bool(),
    vec,
    comp: r.bool() ? null : r.int(vec.length),
    lang: r.pick(['en', 'zh']),
    theme: r.pick(['system', 'light', 'dark']),
    tensor: r.int(4) === 0 ? D.tensor : randText(r),
    grad: r.bool() ? null : randText(r),
    expr: r.bool() ? '' : randText(r),
    cls: r.bool() ? '' : r.pick(['ELU', 'MyGELU', '_Swish2', 'Softmax']),
    ref: r.bool() ? null : (() => { const o = r.pick(functions.filter((f) => !f.custom)); return { fn: o.name, params: randParams(r, o) }; })(),
    query: '',
    net: r.int(4) === 0 ? structuredClone(D.net) : randNet(r, functions, D),
    netCmp: Array.from({ length: r.int(MAX_NET_CMP + 1) }, () => randNet(r, functions, D)),
    train: r.int(4) === 0 ? structuredClone(D.train) : randTrain(r, functions, D),
  };
}
