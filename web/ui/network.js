// The depth lab's pure helpers (no DOM): the page state's network config -> lab.network()'s
// arguments, its cost, calculate_gain and what an init draws, the presets,
// config labels, and the PyTorch script that reproduces the view. Shared by the panel
// (network-panel.js), the worker (network-worker.js), the embed and the tests.
import { NET_INITS, NET_BIASES, NET_LIMITS } from '../lib/state.js';

/** The hidden widths of a config: `widths`, or `depth` layers of `width`. */
export const hiddenOf = (net) => (net.widths ? net.widths.slice() : Array.from({ length: net.depth }, () => net.width));

// An activation's spec with only what its module takes in the labs (eval mode: RReLU's training
// and seed are no constructor keywords; no dim: the labs' activations are element-wise).
export const labActSpec = (spec) => (spec ? { ...spec, params: spec.params.filter((p) => p.torch === undefined && p.kind !== 'dim') } : null);

/** The init's keyword arguments with torch's defaults filled in: { name, ...kwargs } or 'default'. */
export function initArgs(item, table) {
  if (item.fn === 'default') return 'default';
  const spec = table.find((i) => i.name === item.fn);
  const args = { name: item.fn };
  for (const p of spec?.params ?? []) args[p.name] = item.params[p.name] ?? p.default;
  return args;
}

/**
 * lab.network()'s config and the run's settings for a state config (see web/lib/state.js `net`):
 * { api: { inputs, hidden, outputs, activation, init, bias, seed }, run: { batch, dist, std, loss } }.
 */
export function apiOf(net) {
  const bias = initArgs(net.bias, NET_BIASES);
  return {
    api: {
      inputs: net.inputs,
      hidden: hiddenOf(net),
      outputs: net.outputs,
      activation: { name: net.act.fn, params: { ...net.act.params } },
      init: initArgs(net.init, NET_INITS),
      bias: bias === 'default' ? 'default' : bias,
      seed: net.seed,
    },
    run: { batch: net.batch, dist: net.dist, std: net.std, loss: net.loss },
  };
}

/** A config's identity for caches: what lab.network() and the run receive (and the custom source it uses). */
export const configKey = (net, customSource = '') =>
  JSON.stringify([apiOf(net), net.act.fn === 'Custom' ? customSource : '']);

/**
 * What a run costs: parameters P, hidden units H (sum of widths), floats the worker's heap holds at
 * once (weights and their gradients, four tensors per hidden layer, the input, the output and their
 * gradients), and the multiply-adds of forward and backward.
 */
export function costOf(net) {
  const dims = [net.inputs, ...hiddenOf(net), net.outputs];
  let P = 0;
  for (let i = 0; i + 1 < dims.length; i++) P += dims[i] * dims[i + 1] + dims[i + 1];
  const H = dims.slice(1, -1).reduce((a, b) => a + b, 0);
  const B = net.batch;
  return { params: P, units: H, floats: 2 * P + 4 * B * H + 2 * B * (net.inputs + net.outputs), flops: 6 * B * P };
}
/** The most floats a run may hold: 1.5 GiB of the heap's 2 GiB limit, the rest for allocation slack. */
export const MAX_FLOATS = 3 * 2 ** 27;
/** Runs above this many floats give their memory back afterwards (the worker is replaced). */
export const RECYCLE_FLOATS = 2 ** 27;
/** Over MAX_FLOATS: the message (in MB), else null. */
export function tooBig(net) {
  const { floats } = costOf(net);
  return floats > MAX_FLOATS ? { mb: Math.ceil((floats * 4) / 2 ** 20), maxMb: (MAX_FLOATS * 4) / 2 ** 20 } : null;
}

// ---- torch.nn.init's arithmetic, shown next to the init controls ----

/** torch.nn.init.calculate_gain(nonlinearity, param). */
export function calculateGain(nonlinearity, param) {
  if (['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'].includes(nonlinearity)) return 1;
  if (nonlinearity === 'tanh') return 5 / 3;
  if (nonlinearity === 'relu') return Math.SQRT2;
  if (nonlinearity === 'selu') return 3 / 4;
  if (nonlinearity === 'leaky_relu') return Math.sqrt(2 / (1 + (param ?? 0.01) ** 2));
  throw new Error(`Unsupported nonlinearity ${nonlinearity}`);
}

/** calculate_gain's name for an activation of the table ({ nonlinearity, param }), or null where it has none. */
export function nonlinearityOf(act) {
  const map = { Sigmoid: 'sigmoid', Tanh: 'tanh', ReLU: 'relu', SELU: 'selu' };
  if (map[act.fn]) return { nonlinearity: map[act.fn] };
  if (act.fn === 'LeakyReLU') return { nonlinearity: 'leaky_relu', param: act.params.negative_slope ?? 0.01 };
  return null;
}

/**
 * What the init draws for a Linear(fanIn, fanOut): { dist: 'uniform' | 'normal' | 'constant', bound | std | value,
 * gain?, formula } (torch.nn.init's formulas; 'default' is nn.Linear's kaiming_uniform_(a=sqrt(5))).
 */
export function initDraw(init, fanIn, fanOut) {
  const p = { ...Object.fromEntries((NET_INITS.find((i) => i.name === init.fn)?.params ?? []).map((q) => [q.name, q.default])), ...init.params };
  switch (init.fn) {
    case 'default': return { dist: 'uniform', bound: 1 / Math.sqrt(fanIn), formula: 'kaiming_uniform_(a=√5): bound = 1/√fan_in' };
    case 'xavier_uniform_': return { dist: 'uniform', gain: p.gain, bound: p.gain * Math.sqrt(6 / (fanIn + fanOut)), formula: 'bound = gain·√(6/(fan_in+fan_out))' };
    case 'xavier_normal_': return { dist: 'normal', gain: p.gain, std: p.gain * Math.sqrt(2 / (fanIn + fanOut)), formula: 'std = gain·√(2/(fan_in+fan_out))' };
    case 'kaiming_uniform_':
    case 'kaiming_normal_': {
      const fan = p.mode === 'fan_in' ? fanIn : fanOut;
      const gain = calculateGain(p.nonlinearity, p.a);
      const std = gain / Math.sqrt(fan);
      return init.fn === 'kaiming_normal_'
        ? { dist: 'normal', gain, std, formula: `std = gain/√${p.mode}` }
        : { dist: 'uniform', gain, bound: Math.sqrt(3) * std, formula: `bound = gain·√(3/${p.mode})` };
    }
    case 'lecun_normal_': return { dist: 'normal', std: 1 / Math.sqrt(fanIn), formula: 'std = 1/√fan_in' };
    case 'normal_': return { dist: 'normal', std: p.std, mean: p.mean, formula: 'N(mean, std²)' };
    case 'uniform_': return { dist: 'uniform', a: p.a, b: p.b, formula: 'U(a, b)' };
    case 'zeros_': return { dist: 'constant', value: 0, formula: '0' };
    default: return null;
  }
}

// ---- labels ----

/**
 * Numbers in strips and readouts: 3 significant digits, exponent outside [1e-3, 1e4); NaN and ±inf
 * as torch prints them (an overflowing network is not a missing value, which is '—').
 */
export const fmt = (v) => (v == null ? '—' : Number.isNaN(v) ? 'nan' : !Number.isFinite(v) ? (v > 0 ? 'inf' : '-inf')
  : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(+v.toPrecision(3)));


const shortNum = (v) => String(+(+v).toPrecision(4));
const itemLabel = (item) => {
  const kv = Object.entries(item.params).map(([k, v]) => `${k}=${typeof v === 'number' ? shortNum(v) : v}`);
  return kv.length ? `${item.fn}(${kv.join(', ')})` : item.fn;
};
/** The activation as PyTorch names it: `ELU(alpha=0.5)`. */
export const actLabel = (act) => itemLabel(act);
/** The init as torch.nn.init calls it: `kaiming_normal_(nonlinearity=relu)`, 'default'. */
export const initLabel = (init) => itemLabel(init);
/** The layer sizes: `20×128` or `128,64,32`. */
export const sizeLabel = (net) => (net.widths ? net.widths.join(',') : `${net.depth}×${net.width}`);

/**
 * A short label for each of several configs: the activation, the weight init, and whatever else
 * differs between them (bias, sizes, batch, input, loss, seed).
 */
export function configLabels(configs) {
  const differs = (f) => configs.some((c) => f(c) !== f(configs[0]));
  const parts = [
    [(c) => actLabel(c.act), true],
    [(c) => initLabel(c.init), true],
    [(c) => `bias ${initLabel(c.bias)}`, differs((c) => initLabel(c.bias)) || configs.some((c) => c.bias.fn !== 'default')],
    [(c) => sizeLabel(c), differs(sizeLabel)],
    [(c) => `batch ${c.batch}`, differs((c) => c.batch)],
    [(c) => `in ${c.inputs} out ${c.outputs}`, differs((c) => `${c.inputs} ${c.outputs}`)],
    [(c) => `${c.dist}·${shortNum(c.std)}`, differs((c) => `${c.dist} ${c.std}`)],
    [(c) => c.loss, differs((c) => c.loss)],
    [(c) => `seed ${c.seed}`, differs((c) => c.seed)],
  ];
  return configs.map((c) => parts.filter(([, on]) => on).map(([f]) => f(c)).join(' · '));
}

// ---- presets ----

const NET_DEFAULT = Object.freeze({
  act: { fn: 'Tanh', params: {} }, depth: 20, width: 128, widths: null, batch: 256, inputs: 128, outputs: 10,
  dist: 'randn', std: 1, init: { fn: 'default', params: {} }, bias: { fn: 'default', params: {} }, loss: 'sum', seed: 0,
});
/** A full config: `base` (the defaults) with `patch`. */
export const netConfig = (patch = {}, base = NET_DEFAULT) => structuredClone({ ...base, ...patch });
const act = (fn, params = {}) => ({ act: { fn, params } });
const init = (fn, params = {}) => ({ init: { fn, params } });
const bias = (fn, params = {}) => ({ bias: { fn, params } });

/**
 * One-click configurations: `net` (the current config) and `cmp` (pinned ones), each a patch of
 * the defaults; titles and explanations live in the strings (preset_<id>, preset_<id>_text).
 */
export const PRESETS = Object.freeze([
  { id: 'sigmoid', net: { ...act('Sigmoid') }, cmp: [] },
  { id: 'relu', net: { ...act('ReLU') }, cmp: [{ ...act('ReLU'), ...init('kaiming_normal_', { nonlinearity: 'relu' }) }] },
  { id: 'selu', net: { ...act('SELU'), depth: 50, ...init('lecun_normal_') }, cmp: [{ ...act('SELU'), depth: 50 }] },
  { id: 'dead', net: { ...act('ReLU'), ...init('kaiming_normal_', { nonlinearity: 'relu' }), ...bias('constant_', { val: -0.5 }) },
    cmp: [{ ...act('ReLU'), ...init('kaiming_normal_', { nonlinearity: 'relu' }), ...bias('zeros_') }] },
  { id: 'tanh', net: { ...act('Tanh'), ...init('xavier_normal_', { gain: 5 / 3 }) },
    cmp: [{ ...act('Tanh'), ...init('normal_', { std: 0.01 }) }, { ...act('Tanh'), ...init('normal_') }] },  // normal_'s std defaults to 1
  { id: 'depth50', net: { ...act('Sigmoid'), depth: 50 },
    cmp: [{ ...act('Tanh'), depth: 50 }, { ...act('ReLU'), depth: 50 }, { ...act('SELU'), depth: 50 }] },
]);
/** The state patch of a preset: { net, netCmp } (the current view's seed, sizes and batch are the defaults'). */
export const presetState = (p) => ({ net: netConfig(p.net), netCmp: p.cmp.map((c) => netConfig(c)) });
/** The preset the state shows, if any (so its explanation stays after a reload or from a link). */
export function presetOf(s) {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  return PRESETS.find((p) => { const q = presetState(p); return same(canonNet(q.net), canonNet(s.net)) && q.netCmp.length === s.netCmp.length && q.netCmp.every((c, i) => same(canonNet(c), canonNet(s.netCmp[i]))); }) ?? null;
}
// Key order and defaults-as-overrides do not make two configs different.
function canonNet(c) {
  const item = (it, table) => {
    const spec = table?.find((i) => i.name === it.fn);
    const params = Object.fromEntries(Object.entries(it.params).filter(([k, v]) => !spec || spec.params.find((q) => q.name === k)?.default !== v).sort());
    return { fn: it.fn, params };
  };
  return { ...Object.fromEntries(Object.entries(c).sort()), act: item(c.act), init: item(c.init, NET_INITS), bias: item(c.bias, NET_BIASES) };
}

// ---- the PyTorch script ----

/** A Python float literal (repr-like: 1.0, 0.01, 1e-07 reads as 1e-7, which Python takes too). */
export const pyFloat = (v) => (Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : String(v));
const pyVal = (v) => (typeof v === 'string' ? `'${v}'` : typeof v === 'number' ? pyFloat(v) : String(v));

/** The weight init as a torch.nn.init call on `w` (LeCun normal is normal_ with std 1/sqrt(fan_in): torch has no lecun_normal_). */
export function initCall(init, w = 'm.weight') {
  if (init.fn === 'lecun_normal_') return `nn.init.normal_(${w}, 0.0, 1.0 / math.sqrt(${w}.shape[1]))   # LeCun normal (the SELU paper's init)`;
  const spec = NET_INITS.find((i) => i.name === init.fn);
  const kw = (spec?.params ?? []).filter((p) => init.params[p.name] !== undefined && init.params[p.name] !== p.default)
    .map((p) => `${p.name}=${pyVal(init.params[p.name])}`);
  return `nn.init.${init.fn}(${[w, ...kw].join(', ')})`;
}
/** The bias init as a torch.nn.init call on `b`, or null for nn.Linear's own. */
export function biasCall(b, name = 'm.bias') {
  if (b.fn === 'default') return null;
  if (b.fn === 'zeros_') return `nn.init.zeros_(${name})`;
  return `nn.init.constant_(${name}, ${pyFloat(b.params.val ?? 0)})`;
}

/** The weight init as a function of the weight (for run()'s `init=`), or null for nn.Linear's own. */
const initFn = (init) => (init.fn === 'default' ? null : init.fn === 'lecun_normal_'
  ? 'lambda w: nn.init.normal_(w, 0.0, 1.0 / math.sqrt(w.shape[1]))'
  : `lambda w: ${initCall(init, 'w')}`);

/**
 * The script that builds the same networks with the same seeds and prints the statistics the page
 * shows, for the current config and each pinned one. run() follows scripts/gen-network-reference.py
 * (which tests/cpp/test_network.cpp holds the C++ to): manual_seed, the layers (nn.Linear's init
 * draws as each is made), the init in layer order (weight, then bias), the input, the loss's
 * targets, backward. `nets`: the configs; `acts`: per config { ctor: 'nn.Tanh()', def?: code the
 * ctor needs (a custom activation) }; `labels`: per config; `eps`: the saturation threshold.
 */
export function pythonCode(nets, { acts, eps, labels = [] }) {
  const L = [
    `# The depth lab: ${nets.length > 1 ? `${nets.length} networks` : 'the network'}, statistics and gradients the page shows (torch 1.13, CPU, float32).`,
    'import math',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
  ];
  for (const def of new Set(acts.map((a) => a.def).filter(Boolean))) L.push(def, '');
  L.push(
    `EPS = ${pyFloat(eps)}   # |f'(pre)| below it counts as saturated`,
    '',
    '',
    'def run(label, seed, dims, act, x, loss, init=None, bias=None):',
    '    """dims: inputs, hidden widths, outputs; act: makes the activation; init / bias: torch.nn.init on each Linear."""',
    `    print(f'== {label}')`,
    '    torch.manual_seed(seed)',
    '    layers = []',
    '    for i in range(len(dims) - 1):',
    '        layers.append(nn.Linear(dims[i], dims[i + 1]))   # nn.Linear draws its default init here',
    '        if i < len(dims) - 2:',
    '            layers.append(act())',
    '    net = nn.Sequential(*layers).eval()   # eval(): modules with a training mode (RReLU) use their fixed slope',
    '    with torch.no_grad():   # the init, layer by layer: weight, then bias',
    '        for m in net:',
    '            if isinstance(m, nn.Linear):',
    '                if init:',
    '                    init(m.weight)',
    '                if bias:',
    '                    bias(m.bias)',
    '    x = x()',
    '    # forward, keeping every layer\'s pre-activation (Linear output) and post-activation',
    '    pres, posts = [], []',
    '    h = x',
    '    for m in net:',
    '        h = m(h)',
    '        (pres if isinstance(m, nn.Linear) else posts).append(h)',
    '        h.retain_grad()',
    '    out = h',
    '    loss = loss(out)   # its targets are drawn here, after the input',
    '    loss.backward()',
    `    print(f'loss {loss.item():.6g}')`,
    '    f = net[1]',
    '    for l, (pre, post) in enumerate(zip(pres[:-1], posts), 1):',
    '        xp = pre.detach().clone().requires_grad_()',
    '        d, = torch.autograd.grad(f(xp).sum(), xp)   # f\'(pre)',
    '        g = post.grad                               # d loss / d post',
    '        sat = (d.abs() < EPS).float().mean().item()',
    '        dead = (post == 0).all(dim=0).float().mean().item()   # units that are 0 for every sample',
    "        print(f'layer {l}: pre {pre.mean().item():.4g} ± {pre.std().item():.4g}, post {post.mean().item():.4g} ± {post.std().item():.4g}, '",
    "              f'grad {g.mean().item():.4g} ± {g.std().item():.4g}, |grad| {g.norm().item():.4g}, saturated {sat:.1%}, dead {dead:.1%}')",
    '    for l, m in enumerate((m for m in net if isinstance(m, nn.Linear)), 1):',
    '        wn, gn = m.weight.norm().item(), m.weight.grad.norm().item()',
    "        print(f'linear {l}: |W| {wn:.4g}, |dW| {gn:.4g}, |dW|/|W| {gn / wn if wn else float(\"nan\"):.4g}')",
    '',
  );
  nets.forEach((net, k) => {
    const hidden = hiddenOf(net);
    const same = hidden.every((w) => w === hidden[0]);
    const args = [
      `seed=${net.seed}`,
      `dims=[${net.inputs}] + ${same ? `[${hidden[0]}] * ${hidden.length}` : `[${hidden.join(', ')}]`} + [${net.outputs}]`,
      `act=lambda: ${acts[k].ctor}`,
      `x=lambda: ${net.dist === 'randn' ? `torch.randn(${net.batch}, ${net.inputs}) * ${pyFloat(net.std)}` : `(torch.rand(${net.batch}, ${net.inputs}) - 0.5) * (2 * ${pyFloat(net.std)})`}`,
      `loss=lambda out: ${{
        sum: 'out.sum()',
        mse: 'F.mse_loss(out, torch.randn_like(out))',
        cross_entropy: `F.cross_entropy(out, torch.randint(${net.outputs}, (${net.batch},)))`,
      }[net.loss]}`,
    ];
    const init = initFn(net.init), b = biasCall(net.bias, 'b');
    if (init) args.push(`init=${init}`);
    if (b) args.push(`bias=lambda b: ${b}`);
    L.push('', `run(${JSON.stringify(labels[k] ?? `network ${k + 1}`)},`, ...args.map((a, i) => `    ${a}${i < args.length - 1 ? ',' : ')'}`));
  });
  return L.join('\n');
}

export { NET_LIMITS };
