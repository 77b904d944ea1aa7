// The npm package in three real consumers: `npm pack`, the tarball installed offline into a
// fresh folder (it has no dependencies to fetch), then (a) a blank Vite app that imports
// loadActlab from 'actlab', built, served and run in Chromium; (b) a plain HTML page that loads
// node_modules/actlab/actlab-plot.js from a static server on another origin and draws a plot;
// (c) a Node script that imports 'actlab'. Each checks PyTorch's numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import { launch, newPage } from '../e2e/browser.js';

const repo = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
// torch 1.13.1, float32: GELU()(torch.tensor([[1., -1.], [0.5, 2.]])) and its print(), and
// torch.manual_seed(0); nn.Linear(2, 4).weight[0, 0] (the first layer of a Sequential).
const GELU_1 = 0.8413447141647339;
const GELU_PRINT = 'tensor([[ 0.8413, -0.1587],\n        [ 0.3457,  1.9545]])';
const LINEAR_W00 = -0.005293981172144413;

// npm run by `npm test` passes its own settings down as npm_config_* variables; the consumer's
// npm must act as a user's would in a fresh folder, not as the repo's.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let dir, app, packed, chrome;
const servers = [];

// A static server for a folder, on a port of its own: Vite's preview server (sirv), which sends
// CORS headers, as a CDN or GitHub Pages does.
async function serve(root) {
  const server = await preview({ root, configFile: false, logLevel: 'silent', build: { outDir: root },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false, cors: true } });
  servers.push(server);
  return `http://127.0.0.1:${server.httpServer.address().port}/`;
}

before(async () => {
  if (!existsSync(join(repo, 'lib/actlab-plot.js'))) throw new Error('lib/ is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'actlab-package-'));
  [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], repo));
  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // --offline: the registry is never asked; it works because the tarball depends on nothing.
  npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, packed.filename)], app);
  chrome = await launch();
});

after(async () => {
  await chrome?.close();
  for (const s of servers) await new Promise((r) => s.httpServer.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the tarball: API, element, every wasm build, types, README; no dependencies', () => {
  assert.equal(packed.filename, `actlab-${pkg.version}.tgz`);
  const files = packed.files.map((f) => f.path);
  for (const f of ['package.json', 'README.md', 'actlab-plot.js', 'lib/actlab.js', 'lib/actlab-plot.js', 'types/actlab.d.ts', 'types/actlab-plot.d.ts',
    ...['simd', 'scalar', 'simd-expr', 'scalar-expr'].map((v) => `lib/wasm/actlab-${v}.wasm`)]) {
    assert.ok(files.includes(f), `${f} is in the package`);
  }
  // Nothing from the repo's sources, tests or site build.
  assert.deepEqual(files.filter((f) => !/^(lib|types)\/|^(package\.json|README\.md|actlab-plot\.js)$/.test(f)), []);
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/actlab/package.json'), 'utf8'));
  assert.equal(installed.dependencies, undefined);
  assert.equal(installed.private, undefined);
  assert.deepEqual(readdirSync(join(app, 'node_modules')).filter((d) => !d.startsWith('.')), ['actlab']);
});

test('(c) a Node script imports actlab: GELU, a printed tensor, the network API, the version', () => {
  writeFileSync(join(app, 'node.js'), `
import { loadActlab, parseTensor, formatTensor, version } from 'actlab';
const lab = await loadActlab();
const t = parseTensor('[[1., -1.], [0.5, 2.]]');
const y = lab.forward('GELU', t.data);
const engine = await loadActlab({ expr: true });
const net = engine.network({ inputs: 2, hidden: [4], outputs: 1, seed: 0 });
const w00 = net.parameters()[0].data[0];
net.free();
console.log(JSON.stringify({ gelu: y[0], printed: formatTensor({ ...t, data: y }), w00, version, labVersion: lab.version, simd: lab.simd }));
`);
  const out = JSON.parse(execFileSync(process.execPath, ['node.js'], { cwd: app, encoding: 'utf8' }));
  assert.equal(out.gelu, GELU_1);
  assert.equal(out.printed, GELU_PRINT);
  assert.equal(out.w00, LINEAR_W00);
  assert.equal(out.version, pkg.version);
  assert.equal(out.labVersion, pkg.version);
  assert.equal(out.simd, true);
});

test('(a) a blank Vite app imports loadActlab from actlab: built, served, GELU in Chromium', async () => {
  writeFileSync(join(app, 'index.html'), '<!doctype html><title>consumer</title><link rel="icon" href="data:,"><pre id="out"></pre><script type="module" src="./main.js"></script>\n');
  writeFileSync(join(app, 'main.js'), `
import { loadActlab, formatTensor } from 'actlab';
const lab = await loadActlab();
const y = lab.forward('GELU', new Float32Array([1, -1, 0.5, 2]));
// the build with the engine: a second wasm file and a lazily loaded chunk the bundler must ship
const engine = await loadActlab({ expr: true });
engine.compile('0.5 * x * (1 + torch.erf(x / math.sqrt(2)))');
const custom = engine.forward('Custom', new Float32Array([1]));
document.getElementById('out').textContent = JSON.stringify({ gelu: y[0], printed: formatTensor({ shape: [2, 2], data: y }), custom: custom[0], simd: lab.simd, version: lab.version });
`);
  await build({ root: app, configFile: false, logLevel: 'silent', build: { outDir: join(app, 'dist') } });
  const url = await serve(join(app, 'dist'));
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('out').textContent !== '');
  const out = JSON.parse(await page.textContent('#out'));
  assert.equal(out.gelu, GELU_1);
  assert.equal(out.printed, GELU_PRINT);
  assert.ok(Math.abs(out.custom - GELU_1) <= 1e-6, `custom erf GELU(1) = ${out.custom}`);
  assert.equal(out.simd, true);
  assert.equal(out.version, pkg.version);
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm')));
  assert.deepEqual(wasm.map((n) => n.replace(/.*\//, '').replace(/-[\w-]{8}\.wasm$/, '.wasm')).sort(), ['actlab-simd-expr.wasm', 'actlab-simd.wasm']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('(b) a plain HTML page loads node_modules/actlab/actlab-plot.js from another origin and draws GELU', async () => {
  const modules = await serve(app);  // the consumer folder, node_modules/ included
  const site = join(dir, 'site');
  mkdirSync(site);
  writeFileSync(join(site, 'index.html'), `<!doctype html><html lang="en"><title>tutorial</title><link rel="icon" href="data:,">
<script type="module" src="${modules}node_modules/actlab/actlab-plot.js"></script>
<actlab-plot id="p" fn="GELU" cmp="ReLU" x="-4,4" derivative></actlab-plot>
`);
  const url = await serve(site);
  assert.notEqual(new URL(url).origin, new URL(modules).origin);
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('p').uplot?.data?.[1]?.length === 1000);
  const plot = await page.evaluate(() => {
    const u = document.getElementById('p').uplot;
    const d = u.data;
    const n = d[0].length - 1;
    // The curve is on the canvas: the pixel where GELU(2) is drawn has the GELU series' colour.
    const i = d[0].findIndex((x) => x >= 2);
    const px = Math.round(u.valToPos(d[0][i], 'x', true));  // canvas pixels, plot offset included
    const py = Math.round(u.valToPos(d[1][i], 'y', true));
    const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    probe.fillStyle = typeof u.series[1].stroke === 'function' ? u.series[1].stroke(u, 1) : u.series[1].stroke;
    probe.fillRect(0, 0, 1, 1);
    const want = [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)];
    const near = [...u.ctx.getImageData(px - 1, py - 1, 3, 3).data].reduce((best, _, k, a) => (k % 4 ? best
      : Math.min(best, Math.abs(a[k] - want[0]) + Math.abs(a[k + 1] - want[1]) + Math.abs(a[k + 2] - want[2]))), Infinity);
    return {
      series: u.series.slice(1).map((s) => [s.label, s.show]),
      ends: [d[0][0], d[0][n], d[1][0], d[1][n], d[2][0], d[2][n]],
      near,
      wasm: performance.getEntriesByType('resource').map((e) => e.name).filter((x) => x.endsWith('.wasm')),
    };
  });
  assert.deepEqual(plot.series, [['GELU', true], ['GELU′', true], ['ReLU', true], ['ReLU′', true]]);
  // GELU and GELU' at the ends of [-4, 4], torch 1.13 float32 (as tests/e2e/embed.test.js).
  const torch = [-4, 4, -0.00012671947479248047, 3.999873161315918, -0.0005036294460296631, 1.000503659248352];
  plot.ends.forEach((v, i) => assert.ok(Math.abs(v - torch[i]) <= 1e-5 + 1.3e-6 * Math.abs(torch[i]), `${i}: ${v} vs torch ${torch[i]}`));
  assert.ok(plot.near <= 30, `the GELU series' colour where GELU(2) is drawn (off by ${plot.near})`);
  assert.deepEqual(plot.wasm, [`${modules}node_modules/actlab/lib/wasm/actlab-simd.wasm`]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('TypeScript: a consumer type-checks against the package\'s declarations (API and element)', () => {
  writeFileSync(join(app, 'check.ts'), `
import { loadActlab, parseTensor, formatTensor, version, type Actlab, type Network } from 'actlab';
import 'actlab/actlab-plot.js';
const lab: Actlab = await loadActlab({ expr: true });
const y: Float32Array = lab.forward('GELU', new Float32Array([1]), { params: { approximate: 'tanh' } });
const dx: Float32Array = lab.backward('Softmax', [1, 2, 3, 4], y, { params: { dim: 1 }, shape: [2, 2] });
const net: Network = lab.network({ inputs: 2, hidden: [4], outputs: 2, init: { name: 'kaiming_normal_', nonlinearity: 'relu' } });
const opt = net.optimizer({ name: 'Adam', lr: 0.01, betas: [0.9, 0.999] });
const losses: Float32Array = opt.run(new Float32Array(4), new Int32Array(2), { loss: 'CrossEntropyLoss', steps: 3 });
const printed: string = formatTensor(parseTensor('[1., 2.]'));
const el = document.createElement('actlab-plot');
const hash: string = el.hash;
const shown = el.uplot?.data[1];
const v: string = version + lab.version;
// @ts-expect-error: a function is named by a string
lab.forward(1, [1]);
// @ts-expect-error: the optimizers are torch.optim's four
net.optimizer({ name: 'Adagrad' });
export { dx, losses, printed, hash, shown, v };
`);
  const tsc = join(repo, 'node_modules/typescript/bin/tsc');
  const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,dom', 'check.ts'];
  try {
    execFileSync(process.execPath, [tsc, ...args], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    assert.fail(`tsc: ${e.stdout}${e.stderr}`);
  }
});
