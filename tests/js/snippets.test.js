// The Python the page writes for a function (console line, Learn snippet, curve label), pinned to
// the texts the page wrote before the table held these facts. web/ui/ is loaded through Vite
// (learn.js uses import.meta.glob).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'vite';
import { loadActlab } from '../../web/lib/actlab.js';

const root = new URL('../../', import.meta.url).pathname;
let server, con, learn, curves, specs;
before(async () => {
  server = await createServer({ root, configFile: false, logLevel: 'error', appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false }, optimizeDeps: { noDiscovery: true, include: [] } });
  [con, learn, curves] = await Promise.all(['console', 'learn', 'curves'].map((m) => server.ssrLoadModule(`/web/ui/${m}.js`)));
  specs = new Map((await loadActlab()).functions.map((f) => [f.name, f]));
});
after(() => server?.close());

const view = { x: [-5, 5], vec: [0.5, -1, 2], comp: 1, n: 200 };
const head = ['import torch', 'from torch import nn', ''];
const plotted = ['x = torch.linspace(-5.0, 5.0, 200).requires_grad_()', 'y = f(x)', "dy, = torch.autograd.grad(y, x, torch.ones_like(y))   # f'(x)"];
const softmaxCode = [...head, 'f = nn.Softmax(dim=-1)', 'x = torch.tensor([0.5, -1.0, 2.0]).repeat(200, 1)', 'x[:, 1] = torch.linspace(-5.0, 5.0, 200)',
  'x.requires_grad_()', 'y = f(x)[:, 1]', 'dy, = torch.autograd.grad(y.sum(), x)', 'dy = dy[:, 1]   # the plotted derivative'];

// [function, params, pythonLine, labelOf, pytorchCode lines or null]
const cases = [
  ['PReLU', {}, 'y = nn.PReLU(init=0.25)(x)', 'PReLU', [...head, 'f = nn.PReLU(init=0.25)', ...plotted]],
  ['PReLU', { weight: 0.3 }, 'y = nn.PReLU(init=0.3)(x)', 'PReLU(weight=0.3)', [...head, 'f = nn.PReLU(init=0.3)', ...plotted]],
  ['SwiGLU', {}, 'y = SwiGLU()(x)', 'SwiGLU', [
    'import torch', 'import torch.nn.functional as F', 'from torch import nn', '',
    'class SwiGLU(nn.Module):  # not in torch.nn: a, b = x.chunk(2, dim); silu(a) * b',
    '    def __init__(self, dim=-1):', '        super().__init__()', '        self.dim = dim',
    '    def forward(self, x):', '        a, b = x.chunk(2, dim=self.dim)', '        return F.silu(a) * b', '',
    'f = SwiGLU(dim=-1)', 'v = torch.tensor([0.5, -1.0, 2.0])', 'x = torch.cat([v, v]).repeat(200, 1)   # rows (a, b)',
    'x[:, 1] = torch.linspace(-5.0, 5.0, 200)', 'x.requires_grad_()', 'y = f(x)[:, 1]', 'dy, = torch.autograd.grad(y.sum(), x)',
    'dy = dy[:, 1]   # the plotted derivative']],
  ['SwiGLU', { dim: 0 }, 'y = SwiGLU(dim=0)(x)', 'SwiGLU', null],
  ['RReLU', {}, 'y = nn.RReLU()(x)', 'RReLU', [...head, 'f = nn.RReLU()', 'f.eval()   # fixed slope (lower + upper) / 2', ...plotted]],
  ['RReLU', { lower: 0.1, upper: 0.2, training: true, seed: 3 }, 'y = nn.RReLU(lower=0.1, upper=0.2)(x)', 'RReLU(lower=0.1, upper=0.2, training=True)',
    [...head, 'f = nn.RReLU(lower=0.1, upper=0.2)', "f.train()  # random slopes: torch's RNG differs from actlab's seed", ...plotted]],
  ['Softmax', { dim: null }, 'y = nn.Softmax()(x)', 'Softmax', softmaxCode],
  ['Softmax', { dim: 1 }, 'y = nn.Softmax(dim=1)(x)', 'Softmax', softmaxCode],
  ['GELU', { approximate: 'tanh' }, "y = nn.GELU(approximate='tanh')(x)", "GELU(approximate='tanh')", [...head, "f = nn.GELU(approximate='tanh')", ...plotted]],
  ['GLU', { dim: 0 }, 'y = nn.GLU(dim=0)(x)', 'GLU', null],
  ['Softmax2d', {}, 'y = nn.Softmax2d()(x)', 'Softmax2d', null],
];

test('pythonLine, labelOf and pytorchCode write what they wrote before the table held these facts', () => {
  for (const [name, params, line, label, code] of cases) {
    const spec = specs.get(name);
    const what = `${name} ${JSON.stringify(params)}`;
    assert.equal(con.pythonLine(spec, params), line, what);
    assert.equal(curves.labelOf(spec, params), label, what);
    if (code) assert.equal(learn.pytorchCode(spec, params, view), code.join('\n'), what);
  }
});

test('effectiveDim: None resolves as torch\'s _get_softmax_dim, a dim wraps, no dim param is null', () => {
  const dims = (name, params) => [0, 1, 2, 3, 4, 5, 6].map((nd) => con.effectiveDim(specs.get(name), params, nd));
  assert.deepEqual(dims('Softmax', {}), [null, 0, 1, 0, 1, 1, 1]);
  assert.deepEqual(dims('LogSoftmax', { dim: null }), [null, 0, 1, 0, 1, 1, 1]);
  assert.deepEqual(dims('Softmin', { dim: -1 }), [null, 0, 1, 2, 3, 4, 5]);
  assert.deepEqual(dims('Softmax2d', {}), [-3, -2, -1, 0, 1, 2, 3]);
  assert.deepEqual(dims('ReLU', {}), [null, null, null, null, null, null, null]);
  assert.deepEqual(con.dimOptions(specs.get('Softmax'), 3).map((o) => o.label), ['None (→ 0)', '0  (= -3)', '1  (= -2)', '2  (= -1)']);
});

test('a custom expression\'s console line calls the Custom module the Learn panel defines', async () => {
  const lab = await loadActlab({ expr: true });
  const spec = lab.compile('alpha = 1.0\ntorch.where(x > 0, x, alpha * (torch.exp(x) - 1))');
  assert.equal(con.pythonLine(spec, {}), 'y = Custom()(x)');
  assert.equal(con.pythonLine(spec, { alpha: 0.5 }), 'y = Custom(alpha=0.5)(x)');
  assert.match((await server.ssrLoadModule('/web/ui/custom.js')).customModule(spec, { alpha: 0.5 }), /^class Custom\(nn\.Module\):$/m);
  lab.release('Custom');
});

test('a pasted class or def: the Learn code runs it as pasted, built with the plotted parameters', async () => {
  const lab = await loadActlab({ expr: true });
  const { programCode, isProgram } = await server.ssrLoadModule('/web/ui/custom.js');
  const opts = { x: ['-6.0', '6.0'], n: 200, fmt: String };
  const cls = lab.compile('import torch.nn as nn\nclass SELU(nn.Module):\n    def __init__(self, inplace=False):\n        super().__init__()\n'
    + '        self.alpha = 1.6732632423543772\n        self.scale = 1.0507009873554805\n    def forward(self, x):\n'
    + '        return self.scale * torch.where(x > 0, x, self.alpha * (torch.exp(x) - 1))\n');
  assert.ok(isProgram(cls));
  const code = programCode(cls, { scale: 2 }, opts).split('\n');
  // torch.nn is imported by the source itself; the constants are attributes, set after construction
  assert.equal(code.filter((l) => l === 'import torch.nn as nn').length, 1);
  assert.deepEqual(code.slice(code.indexOf('# what the plot shows') + 1, -3), ['f = SELU()', 'f.alpha = 1.6732632423543772', 'f.scale = 2']);
  const def = lab.compile('def swish(x, beta=1.0):\n    return x * torch.sigmoid(beta * x)\n');
  assert.match(programCode(def, { beta: 0.5 }, opts), /^y = swish\(x, beta=0\.5\)$/m);
  assert.ok(!isProgram(lab.compile('x * 2')));
  lab.release('Custom');
});

test('the Learn code reproduces everything on screen: pinned curves, the plot (matplotlib) and the console', () => {
  const s = { fn: 'ELU', params: { ELU: { alpha: 0.5 }, Softmax: { dim: 0 } }, x: [-3, 3], y: [-1, 2], show: { f: true, df: true }, vec: [0, 1, 2], comp: null,
    overlays: [{ fn: 'ReLU', params: {} }, { fn: 'RReLU', params: { training: true } }, { fn: 'Softmax', params: {} }], tensor: 'torch.randn(2, 3)', grad: null };
  const code = learn.sceneCode(s, specs, { n: 50, comp: 2, seed: 7 });
  const lines = code.split('\n');
  for (const l of ['f = nn.ELU(alpha=0.5)', 'f1 = nn.ReLU()', 'f2 = nn.RReLU()', 'f2.train()  # random slopes: torch\'s RNG differs from actlab\'s seed',
    'y1 = f1(x1)', "plt.plot(grid, y.detach(), label='ELU(alpha=0.5)')", "plt.plot(grid, dy1, '--', label='ReLU′')", 'plt.ylim(-1.0, 2.0)', 'plt.show()',
    'torch.manual_seed(7)   # the seed the console used', 'x = torch.randn(2, 3)', 'y = nn.ELU(alpha=0.5)(x)', 'y.backward(torch.ones_like(y))', 'print(x.grad)']) {
    assert.ok(lines.includes(l), `missing: ${l}\n${code}`);
  }
  assert.match(code, /# pinned Softmax: open it for its own snippet/);
  // A list literal goes through torch.tensor; statements before the last line are kept.
  const c2 = learn.sceneCode({ ...s, overlays: [], tensor: 'torch.manual_seed(0); [[1, 2], [3, 4]]', grad: '[[1., 0.], [0., 1.]]' }, specs, { n: 50, comp: 2, seed: 7 });
  assert.ok(c2.includes('torch.manual_seed(0)\nx = torch.tensor([[1, 2], [3, 4]])'), c2);
  assert.ok(c2.includes('g = torch.tensor([[1., 0.], [0., 1.]])\ny.backward(g.float())'), c2);
});
