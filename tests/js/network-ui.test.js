// The depth lab's pure helpers (web/ui/network.js): the state -> lab.network() mapping, cost and
// the memory budget, histogram binning, calculate_gain and what an init draws, labels, presets
// (each one a valid link that round-trips, explained in every language), and the PyTorch script
// (the reference generator's order, each init and loss, a custom activation's class).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadActlab } from '../../web/lib/actlab.js';
import { createCodec } from '../../web/lib/state.js';
import { LANGUAGES } from '../../web/lib/languages.js';
import {
  apiOf, hiddenOf, configKey, costOf, tooBig, MAX_FLOATS, calculateGain, nonlinearityOf, initDraw, configLabels,
  PRESETS, presetState, presetOf, netConfig, pythonCode, initCall, biasCall, pyFloat,
} from '../../web/ui/network.js';
import STRINGS from '../../web/ui/network-strings.js';
import { catalog } from '../../web/ui/i18n.js';

const lab = await loadActlab({ expr: true });
const codec = createCodec(lab.functions, { limits: lab.limits });
const D = codec.defaults;

test('the default view: depth 20 x width 128 x batch 256, Tanh, default init, loss sum, seed 0, 128 inputs, 10 outputs', () => {
  assert.deepEqual(netConfig(), structuredClone(D.net));
  const { api, run } = apiOf(D.net);
  assert.deepEqual(api, { inputs: 128, hidden: Array(20).fill(128), outputs: 10, activation: { name: 'Tanh', params: {} }, init: 'default', bias: 'default', seed: 0 });
  assert.deepEqual(run, { batch: 256, dist: 'randn', std: 1, loss: 'sum' });
});

test('state -> lab.network(): per-layer widths, torch defaults filled into the init kwargs, bias inits', () => {
  const net = netConfig({ widths: [128, 64, 32], act: { fn: 'ELU', params: { alpha: 0.5 } }, init: { fn: 'kaiming_normal_', params: { nonlinearity: 'relu' } },
    bias: { fn: 'constant_', params: { val: -3 } } });
  const { api } = apiOf(net);
  assert.deepEqual(hiddenOf(net), [128, 64, 32]);
  assert.deepEqual(api.init, { name: 'kaiming_normal_', a: 0, mode: 'fan_in', nonlinearity: 'relu' });
  assert.deepEqual(api.bias, { name: 'constant_', val: -3 });
  assert.deepEqual(apiOf(netConfig({ init: { fn: 'xavier_uniform_', params: {} }, bias: { fn: 'zeros_', params: {} } })).api.init, { name: 'xavier_uniform_', gain: 1 });
  assert.deepEqual(apiOf(netConfig({ bias: { fn: 'zeros_', params: {} } })).api.bias, { name: 'zeros_' });
  assert.deepEqual(apiOf(netConfig({ init: { fn: 'normal_', params: { std: 0.01 } } })).api.init, { name: 'normal_', mean: 0, std: 0.01 });
  // every mapped config is one lab.network() takes, and builds what its statistics describe
  const n = lab.network(api);
  n.forward(n.input(4));
  n.backward(n.loss('sum').gradOutput);
  assert.equal(n.stats().layers.length, 3);
  n.free();
  // the cache key follows what the run depends on, and the custom source only when the activation is Custom
  assert.notEqual(configKey(net), configKey({ ...net, seed: 1 }));
  assert.equal(configKey(net, 'x * 2'), configKey(net, 'x * 3'));
  const custom = { ...net, act: { fn: 'Custom', params: {} } };
  assert.notEqual(configKey(custom, 'x * 2'), configKey(custom, 'x * 3'));
});

test('cost: parameters, floats held, and the memory budget', () => {
  const c = costOf(D.net);
  assert.equal(c.params, 128 * 128 * 20 + 128 * 20 + 128 * 10 + 10);
  assert.equal(c.units, 20 * 128);
  assert.equal(c.floats, 2 * c.params + 4 * 256 * 20 * 128 + 2 * 256 * (128 + 10));
  assert.equal(tooBig(D.net), null);
  const huge = netConfig({ depth: 100, width: 1024, batch: 4096 });
  assert.ok(costOf(huge).floats > MAX_FLOATS);
  assert.deepEqual(Object.keys(tooBig(huge)), ['mb', 'maxMb']);
  assert.equal(tooBig(huge).maxMb, 1536);
  // the deepest, widest network runs at batch 256 (weights, grads and tensors: about 1.2 GB)
  assert.equal(tooBig(netConfig({ depth: 100, width: 1024, batch: 256 })), null);
  assert.ok(tooBig(netConfig({ depth: 100, width: 1024, batch: 1024 })));
});

test('calculate_gain and the init draws, as torch.nn.init computes them', () => {
  assert.equal(calculateGain('tanh'), 5 / 3);
  assert.equal(calculateGain('relu'), Math.SQRT2);
  assert.equal(calculateGain('selu'), 0.75);
  assert.equal(calculateGain('sigmoid'), 1);
  assert.equal(calculateGain('leaky_relu', 0.2), Math.sqrt(2 / 1.04));
  assert.equal(calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.throws(() => calculateGain('swish'), /Unsupported nonlinearity swish/);
  assert.deepEqual(nonlinearityOf({ fn: 'LeakyReLU', params: { negative_slope: 0.2 } }), { nonlinearity: 'leaky_relu', param: 0.2 });
  assert.equal(nonlinearityOf({ fn: 'GELU', params: {} }), null);
  assert.equal(initDraw({ fn: 'default', params: {} }, 128, 64).bound, 1 / Math.sqrt(128));
  assert.equal(initDraw({ fn: 'kaiming_normal_', params: { nonlinearity: 'relu' } }, 128, 64).std, Math.SQRT2 / Math.sqrt(128));
  assert.equal(initDraw({ fn: 'kaiming_normal_', params: { nonlinearity: 'relu', mode: 'fan_out' } }, 128, 64).std, Math.SQRT2 / 8);
  assert.equal(initDraw({ fn: 'kaiming_uniform_', params: {} }, 100, 64).bound, Math.sqrt(3) * (Math.SQRT2 / 10));  // a=0 is leaky_relu's slope: gain √2
  assert.equal(initDraw({ fn: 'xavier_normal_', params: { gain: 2 } }, 100, 200).std, 2 * Math.sqrt(2 / 300));
  assert.equal(initDraw({ fn: 'xavier_uniform_', params: {} }, 100, 200).bound, Math.sqrt(6 / 300));
  assert.equal(initDraw({ fn: 'lecun_normal_', params: {} }, 64, 1).std, 1 / 8);
  // the weight draw matches the network the engine builds (lecun_normal_: std 1/sqrt(fan_in))
  const n = lab.network({ inputs: 400, hidden: [400], outputs: 1, activation: { name: 'SELU' }, init: { name: 'lecun_normal_' }, seed: 3 });
  const w = n.parameters()[0].data;
  n.free();
  const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
  assert.ok(Math.abs(std - 1 / 20) < 0.001, `${std}`);
});

test('labels name the activation, the init and what differs between compared configs', () => {
  const a = netConfig({ act: { fn: 'SELU', params: {} }, init: { fn: 'lecun_normal_', params: {} }, depth: 50 });
  const b = netConfig({ act: { fn: 'SELU', params: {} }, depth: 50 });
  assert.deepEqual(configLabels([a, b]), ['SELU · lecun_normal_', 'SELU · default']);
  const c = netConfig({ act: { fn: 'ELU', params: { alpha: 0.5 } }, bias: { fn: 'constant_', params: { val: -0.5 } }, batch: 8 });
  assert.deepEqual(configLabels([c, netConfig()]), ['ELU(alpha=0.5) · default · bias constant_(val=-0.5) · batch 8', 'Tanh · default · bias default · batch 256']);
  assert.deepEqual(configLabels([netConfig({ widths: [5, 6] }), netConfig()]), ['Tanh · default · 5,6', 'Tanh · default · 20×128']);
});

test('presets: valid links that round-trip, recognised from the state, explained in every language', () => {
  const ids = new Set();
  for (const p of PRESETS) {
    assert.ok(!ids.has(p.id), p.id);
    ids.add(p.id);
    const patch = presetState(p);
    assert.ok(patch.netCmp.length <= 3 && [patch.net, ...patch.netCmp].length >= 1);
    const s = { ...structuredClone(D), view: 'network', ...patch };
    const h = codec.encode(s);
    const back = codec.decode(h);
    assert.deepEqual(back.notices, [], `${p.id}: ${h}`);
    assert.deepEqual(back.state, s, p.id);
    assert.equal(presetOf(back.state)?.id, p.id, p.id);
    // one click reproduces each preset's configs in the engine
    for (const c of [patch.net, ...patch.netCmp]) {
      const { api } = apiOf(c);
      lab.network(api).free();
    }
    for (const lang of Object.keys(LANGUAGES)) {
      const title = STRINGS[lang][`preset_${p.id}`], text = STRINGS[lang][`preset_${p.id}_text`];
      assert.ok(title && text, `${lang} ${p.id}`);
      // two sentences
      assert.equal(text.split(lang === 'zh' ? /。/ : /\.\s|\.$/).filter((x) => x.trim()).length, 2, `${lang} ${p.id}: ${text}`);
    }
  }
  assert.equal(presetOf({ ...structuredClone(D), net: netConfig({ seed: 1 }) }), null);
  // the presets the issue asks for
  const cmpLen = Object.fromEntries(PRESETS.map((p) => [p.id, p.cmp.length]));
  assert.deepEqual(cmpLen, { sigmoid: 0, relu: 1, selu: 1, dead: 1, tanh: 2, depth50: 3 });
  // a preset's explanation is true of what it computes: SELU + LeCun keeps std near 1 at depth 50, the default init does not
  const [lecun, dflt] = [presetState(PRESETS.find((p) => p.id === 'selu')).net, presetState(PRESETS.find((p) => p.id === 'selu')).netCmp[0]].map((c) => {
    const { api, run } = apiOf(c);
    const n = lab.network(api);
    n.forward(n.input(run.batch, run));
    n.backward(n.loss(run.loss).gradOutput);
    const st = n.stats();
    n.free();
    return st.layers.at(-1).postStd;
  });
  assert.ok(Math.abs(lecun - 1) < 0.1 && dflt < 0.3, `${lecun} ${dflt}`);
});

test('the network strings: every language has every key, of the same kind, and none clashes with the page\'s', () => {
  const keys = new Set(Object.values(STRINGS).flatMap((t) => Object.keys(t)));
  for (const lang of Object.keys(LANGUAGES)) {
    for (const k of keys) {
      assert.ok(Object.hasOwn(STRINGS[lang], k), `${lang} lacks ${k}`);
      assert.equal(typeof STRINGS[lang][k], typeof STRINGS.en[k], `${lang}.${k}`);
    }
  }
  for (const k of keys) assert.ok(!Object.hasOwn(catalog.en, k) || catalog.en[k] === STRINGS.en[k], k);
  assert.ok(catalog.en.viewNetwork && catalog.zh.viewNetwork);
  // every i18n key the panel's source names has a string
  const src = readFileSync(new URL('../../web/ui/network-panel.js', import.meta.url), 'utf8');
  for (const [, k] of src.matchAll(/i18n: '([^']+)'/g)) for (const lang of Object.keys(LANGUAGES)) assert.ok(Object.hasOwn(STRINGS[lang], k) || Object.hasOwn(catalog[lang], k), `${lang}: ${k}`);
});

test('the PyTorch script follows gen-network-reference.py: seed, layers, inits in layer order, input, targets, backward', () => {
  const net = netConfig({ act: { fn: 'ReLU', params: {} }, init: { fn: 'kaiming_normal_', params: { nonlinearity: 'relu' } },
    bias: { fn: 'constant_', params: { val: -0.5 } }, loss: 'cross_entropy', seed: 7 });
  const code = pythonCode([net], { acts: [{ ctor: 'nn.ReLU()' }], eps: 1e-3, labels: ['ReLU'] });
  // run(): the steps in the reference's order, then the call with this config's seed, sizes,
  // activation, input, loss, init and bias
  const order = ['EPS = 0.001', 'def run(', 'torch.manual_seed(seed)', 'nn.Linear(dims[i], dims[i + 1])', 'layers.append(act())',
    'nn.Sequential(*layers).eval()', 'with torch.no_grad():', 'init(m.weight)', 'bias(m.bias)', 'x = x()', 'h.retain_grad()',
    'loss = loss(out)', 'loss.backward()', 'torch.autograd.grad(f(xp).sum(), xp)', '(post == 0).all(dim=0)', 'm.weight.grad.norm()',
    'run("ReLU",', 'seed=7,', 'dims=[128] + [128] * 20 + [10],', 'act=lambda: nn.ReLU(),', 'x=lambda: torch.randn(256, 128) * 1.0,',
    'loss=lambda out: F.cross_entropy(out, torch.randint(10, (256,))),', "init=lambda w: nn.init.kaiming_normal_(w, nonlinearity='relu'),",
    'bias=lambda b: nn.init.constant_(b, -0.5))'];
  let at = -1;
  for (const s of order) {
    const i = code.indexOf(s, at + 1);
    assert.ok(i > at, `${s} (at ${i}, after ${at})\n${code}`);
    at = i;
  }
  // default init: no init or bias argument (nn.Linear's own draws are the init)
  const plain = pythonCode([netConfig()], { acts: [{ ctor: 'nn.Tanh()' }], eps: 0.01 });
  assert.ok(!/init=|bias=/.test(plain.slice(plain.indexOf('\nrun('))));
  assert.ok(plain.includes('loss=lambda out: out.sum()') && plain.includes('EPS = 0.01'));
  const one = (patch) => pythonCode([netConfig(patch)], { acts: [{ ctor: 'nn.Tanh()' }], eps: 1e-3 });
  assert.ok(one({ loss: 'mse' }).includes('loss=lambda out: F.mse_loss(out, torch.randn_like(out))'));
  assert.ok(one({ dist: 'rand', std: 3 }).includes('x=lambda: (torch.rand(256, 128) - 0.5) * (2 * 3.0)'));
  assert.ok(one({ widths: [31, 17, 9] }).includes('dims=[128] + [31, 17, 9] + [10]'));
  assert.ok(one({ init: { fn: 'lecun_normal_', params: {} } }).includes('init=lambda w: nn.init.normal_(w, 0.0, 1.0 / math.sqrt(w.shape[1]))'));
  // a custom activation: its class first (once for every config that uses it), then the layers' activation
  const def = 'class Custom(nn.Module):\n    def forward(self, x):\n        return x * torch.sigmoid(x)';
  const custom = pythonCode([netConfig(), netConfig({ seed: 3 })], { acts: [{ ctor: 'Custom()', def }, { ctor: 'Custom()', def }], eps: 1e-3 });
  assert.ok(custom.indexOf('class Custom(nn.Module)') < custom.indexOf('def run('));
  assert.equal(custom.split('class Custom(nn.Module)').length, 2);
  // every config on screen: one run() call each, in order
  const two = pythonCode([netConfig(), netConfig({ act: { fn: 'ReLU', params: {} }, seed: 2 })], { acts: [{ ctor: 'nn.Tanh()' }, { ctor: 'nn.ReLU()' }], eps: 1e-3, labels: ['a', 'b'] });
  assert.ok(two.indexOf('run("a",') < two.indexOf('run("b",') && two.includes('seed=2,') && two.includes('act=lambda: nn.ReLU(),'));
  // every init, as torch.nn.init spells it (LeCun normal is normal_ with std 1/sqrt(fan_in))
  assert.equal(initCall({ fn: 'xavier_uniform_', params: { gain: 5 / 3 } }), 'nn.init.xavier_uniform_(m.weight, gain=1.6666666666666667)');
  assert.equal(initCall({ fn: 'xavier_normal_', params: {} }), 'nn.init.xavier_normal_(m.weight)');
  assert.equal(initCall({ fn: 'kaiming_uniform_', params: { a: 0.2, mode: 'fan_out', nonlinearity: 'leaky_relu' } }), "nn.init.kaiming_uniform_(m.weight, a=0.2, mode='fan_out')");
  assert.match(initCall({ fn: 'lecun_normal_', params: {} }), /^nn\.init\.normal_\(m\.weight, 0\.0, 1\.0 \/ math\.sqrt\(m\.weight\.shape\[1\]\)\)/);
  assert.equal(initCall({ fn: 'normal_', params: { mean: 0.5, std: 2 } }), 'nn.init.normal_(m.weight, mean=0.5, std=2.0)');
  assert.equal(initCall({ fn: 'uniform_', params: { a: -1 } }), 'nn.init.uniform_(m.weight, a=-1.0)');
  assert.equal(initCall({ fn: 'zeros_', params: {} }), 'nn.init.zeros_(m.weight)');
  assert.equal(biasCall({ fn: 'default', params: {} }), null);
  assert.equal(biasCall({ fn: 'zeros_', params: {} }), 'nn.init.zeros_(m.bias)');
  assert.equal(biasCall({ fn: 'constant_', params: {} }), 'nn.init.constant_(m.bias, 0.0)');
  assert.deepEqual([pyFloat(1), pyFloat(0.01), pyFloat(-3), pyFloat(1e-7)], ['1.0', '0.01', '-3.0', '1e-7']);
});

test('the script matches the fixture networks\' construction (scripts/gen-network-reference.py)', () => {
  const ref = readFileSync(new URL('../../scripts/gen-network-reference.py', import.meta.url), 'utf8');
  // the reference's steps, in the reference's order, appear in the page's run() in the same order
  const steps = ['torch.manual_seed(', 'nn.Linear(dims[i], dims[i + 1])', 'isinstance(m, nn.Linear)', 'h.retain_grad()', '.backward()'];
  const code = pythonCode([netConfig({ loss: 'mse', init: { fn: 'xavier_normal_', params: {} } })], { acts: [{ ctor: 'nn.Tanh()' }], eps: 1e-3 });
  let a = -1, b = -1;
  for (const s of steps) {
    const i = ref.indexOf(s, a + 1), j = code.indexOf(s, b + 1);
    assert.ok(i > a && j > b, s);
    a = i;
    b = j;
  }
});
