// The depth lab (view=network) in Chromium: its charts and strips show exactly what lab.network()
// computes for the same config in the page; presets, links, bad input, the PyTorch script,
// cancelling a long run, the embed, and none of it in the first view's download.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, newPage, ready, idle, openIdle } from './browser.js';
import { fmt } from '../../web/ui/network.js';

const env = useBrowser();

const open = (hash, opts) => openIdle(env, hash, opts);
const pct = (v) => `${(100 * v).toFixed(1)}%`;

/** lab.network() run in the page's own instance (the build with the engine), apart from the panel and its worker. */
const independent = (page, cfg) => page.evaluate(async ({ api, run, eps }) => {
  await window.actlab.upgrade();
  const net = window.actlab.lab.network(api);
  try {
    net.forward(net.input(run.batch, { dist: run.dist, std: run.std }));
    net.backward(net.loss(run.loss).gradOutput);
    return net.stats({ eps });
  } finally {
    net.free();
  }
}, cfg);

/** What the page shows: per slot, the strips' rows (numbers and text) and the charts' series. */
const shown = (page) => page.evaluate(() => {
  const slots = [...document.querySelectorAll('#net-strips .net-col')].map((col) => [...col.querySelectorAll('.net-row[data-layer]')].map((r) => ({
    ...Object.fromEntries(Object.entries(r.dataset).map(([k, v]) => [k, Number(v)])),
    text: Object.fromEntries(['pre', 'post', 'grad'].map((k) => [k, [...r.querySelectorAll(`.net-cell[data-kind="${k}"] figcaption span`)].map((s) => s.textContent)])),
    satText: r.querySelector('.net-sat').textContent,
    deadText: r.querySelector('.net-dead').textContent,
  })));
  const charts = Object.fromEntries(window.actlab.network.charts().map(({ id, uplot }) => [id, { x: Array.from(uplot.data[0]), ys: uplot.data.slice(1).map((d) => Array.from(d)) }]));
  return { slots, charts, state: window.actlab.store.get() };
});

const DEFAULT = { api: { inputs: 128, hidden: Array(20).fill(128), outputs: 10, activation: { name: 'Tanh', params: {} }, init: 'default', bias: 'default', seed: 0 },
  run: { batch: 256, dist: 'randn', std: 1, loss: 'sum' }, eps: 1e-3 };
const onLog = (v) => (v > 0 && Number.isFinite(v) ? v : null);

function sameAsEngine(view, stats, slot = 0) {
  const rows = view.slots[slot];
  assert.equal(rows.length, stats.layers.length);
  stats.layers.forEach((st, l) => {
    const r = rows[l];
    for (const k of ['preMean', 'preStd', 'postMean', 'postStd', 'gradMean', 'gradStd', 'saturated', 'dead']) assert.equal(r[k], st[k], `layer ${l + 1} ${k}`);
    assert.deepEqual(r.text.pre, [`μ ${fmt(st.preMean)}`, `σ ${fmt(st.preStd)}`]);
    assert.deepEqual(r.text.post, [`μ ${fmt(st.postMean)}`, `σ ${fmt(st.postStd)}`]);
    assert.deepEqual(r.text.grad, [`μ ${fmt(st.gradMean)}`, `σ ${fmt(st.gradStd)}`]);
    assert.ok(r.satText.endsWith(pct(st.saturated)) && r.deadText.endsWith(pct(st.dead)), `${r.satText} ${r.deadText}`);
  });
  assert.deepEqual(view.charts.postStd.ys[slot].slice(0, stats.layers.length), stats.layers.map((l) => onLog(l.postStd)));
  assert.deepEqual(view.charts.gradNorm.ys[slot].slice(0, stats.layers.length), stats.layers.map((l) => onLog(l.gradNorm)));
  assert.deepEqual(view.charts.wGradNorm.ys[slot].slice(0, stats.linear.length), stats.linear.map((l) => onLog(l.wGradNorm)));
  assert.deepEqual(view.charts.ratio.ys[slot].slice(0, stats.linear.length), stats.linear.map((l) => onLog(l.ratio)));
}

describe('the depth lab', () => {
  test('view=network: the default network, its charts through depth and its strips as lab.network() computes them', async () => {
    const { page, errors } = await open('#view=network');
    const view = await shown(page);
    assert.equal(view.state.view, 'network');
    assert.ok(await page.isHidden('#view-plot') && await page.isVisible('#view-network') && await page.isHidden('.sidebar'));
    // depth points: 20 hidden layers, 21 Linear layers
    assert.deepEqual(view.charts.postStd.x, Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal(view.charts.gradNorm.x.length, 20);
    assert.equal(view.charts.wGradNorm.x.length, 21);
    assert.equal(view.charts.ratio.x.length, 21);
    assert.equal(view.slots.length, 1);
    sameAsEngine(view, await independent(page, DEFAULT));
    // the charts follow the theme's palette
    const [stroke, c0] = await page.evaluate(() => {
      const u = window.actlab.network.charts()[0].uplot;
      return [u.series[1].stroke(u, 1), getComputedStyle(document.documentElement).getPropertyValue('--c0').trim()];
    });
    assert.equal(stroke, c0);
    // hovering a chart reads out every config's value at that layer
    await page.locator('[data-chart="gradNorm"]').scrollIntoViewIfNeeded();
    const b = await page.locator('[data-chart="gradNorm"] .u-over').boundingBox();
    await page.mouse.move(b.x + 5, b.y + 5);
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 4 });
    await page.waitForFunction(() => /^layer \d+: Tanh · default /.test(document.querySelector('[data-chart="gradNorm"] .net-readout').textContent));
    // a new saturation threshold recounts the saturated fractions only (the run's time is the first run's)
    const loss = await page.textContent('#net-configs li[data-slot="0"] .net-loss');
    const runs = await page.evaluate(() => window.actlab.network.runs());
    await page.evaluate(() => window.actlab.store.set({ eps: 0.25 }));
    await idle(page);
    const wide = await shown(page);
    sameAsEngine(wide, await independent(page, { ...DEFAULT, eps: 0.25 }));
    assert.ok(wide.slots[0].some((r) => r.saturated > 0));
    assert.equal(await page.textContent('#net-configs li[data-slot="0"] .net-loss'), loss);
    assert.equal(await page.evaluate(() => window.actlab.network.runs()), runs + 1);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a slider drag stays interactive: requests are coalesced, the last config is the one shown', async () => {
    const { page, errors } = await open('#view=network&nact=ELU&ndepth=8');
    const runs = await page.evaluate(() => window.actlab.network.runs());
    const slider = page.locator('#net-act-params .param[data-param="alpha"] input[type="range"]');
    const box = await slider.boundingBox();
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 30; i++) await page.mouse.move(box.x + 2 + (i * (box.width - 4)) / 30, box.y + box.height / 2);
    await page.mouse.up();
    await idle(page);
    const view = await shown(page);
    const alpha = view.state.net.act.params.alpha;
    assert.ok(alpha > 1, `${alpha}`);
    const sent = await page.evaluate(() => window.actlab.network.runs()) - runs;
    assert.ok(sent >= 1 && sent < 30, `${sent} runs for a 30-step drag`);
    sameAsEngine(view, await independent(page, { ...DEFAULT, api: { ...DEFAULT.api, hidden: Array(8).fill(128), activation: { name: 'ELU', params: { alpha } } } }));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a preset sets the config and the comparison, redraws the charts, and explains itself (EN and ZH)', async () => {
    const { page, errors } = await open('#view=network');
    const before = await shown(page);
    await page.click('.net-presets [data-preset="selu"]');
    await idle(page);
    const view = await shown(page);
    assert.equal(view.state.net.act.fn, 'SELU');
    assert.equal(view.state.net.depth, 50);
    assert.equal(view.state.net.init.fn, 'lecun_normal_');
    assert.deepEqual(view.state.netCmp.map((c) => [c.act.fn, c.depth, c.init.fn]), [['SELU', 50, 'default']]);
    assert.equal(view.charts.postStd.x.length, 50);
    assert.equal(view.charts.postStd.ys.length, 2);
    assert.notDeepEqual(view.charts.postStd.ys[0], before.charts.postStd.ys[0]);
    assert.equal(view.slots.length, 2);
    assert.equal(await page.getAttribute('[data-preset="selu"]', 'aria-pressed'), 'true');
    assert.match(await page.textContent('.net-preset-text'), /^With LeCun normal weights/);
    // self-normalising: the LeCun config's last layer keeps std near 1, the default init's does not
    assert.ok(Math.abs(view.charts.postStd.ys[0][49] - 1) < 0.1 && view.charts.postStd.ys[1][49] < 0.3);
    const stats = await independent(page, { ...DEFAULT, api: { ...DEFAULT.api, hidden: Array(50).fill(128), activation: { name: 'SELU', params: {} } }, eps: 1e-3 });
    sameAsEngine(view, stats, 1);
    // Edit swaps a pinned config with the current one; × removes it; both reuse the cached runs
    const runs = await page.evaluate(() => window.actlab.network.runs());
    await page.click('#net-configs li[data-slot="1"] button.linkish');
    await idle(page);
    let st = await page.evaluate(() => window.actlab.store.get());
    assert.deepEqual([st.net.init.fn, st.netCmp[0].init.fn], ['default', 'lecun_normal_']);
    assert.ok(await page.isHidden('.net-preset-text'));
    await page.click('#net-configs li[data-slot="1"] button.remove');
    await idle(page);
    st = await page.evaluate(() => window.actlab.store.get());
    assert.deepEqual(st.netCmp, []);
    assert.equal((await shown(page)).slots.length, 1);
    assert.match(await page.textContent('#net-configs li[data-slot="0"] .net-loss'), /^sum = /);
    assert.equal(await page.evaluate(() => window.actlab.network.runs()), runs + 2);  // two requests, served from the worker's cache
    await page.click('.net-presets [data-preset="selu"]');
    await page.selectOption('#lang', 'zh');
    await idle(page);
    assert.equal(await page.textContent('#net-title'), '网络：激活函数在深层网络中的表现');
    assert.match(await page.textContent('.net-preset-text'), /^使用 LeCun 正态权重/);
    assert.match(await page.textContent('[data-chart="postStd"] figcaption'), /各层激活值标准差/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a link round trip reproduces the view: config, comparison, charts and strips', async () => {
    const { page, errors } = await open('#view=network');
    await page.click('.net-presets [data-preset="relu"]');
    await idle(page);
    await page.fill('#net-depth', '7');
    await page.fill('#net-batch', '64');
    await page.selectOption('#net-loss', 'mse');
    await page.fill('#net-seed', '5');
    await idle(page);
    await page.click('#net-pin');
    await page.selectOption('#net-act', 'ELU');
    await page.fill('#net-act-params .param[data-param="alpha"] input[type="number"]', '0.5');
    await idle(page);
    await page.waitForFunction(() => location.hash.includes('ncmp=') && location.hash.includes('nact=ELU'));
    const a = await shown(page);
    assert.equal(a.slots.length, 3);
    assert.deepEqual(a.state.net.act, { fn: 'ELU', params: { alpha: 0.5 } });
    const link = new URL(page.url()).hash;
    assert.match(link, /view=network&nact=ELU\(alpha=0\.5\)&ndepth=7&nbatch=64&nloss=mse&nseed=5&ncmp=/);
    const b = await open(link);
    const bv = await shown(b.page);
    assert.deepEqual(bv.state.net, a.state.net);
    assert.deepEqual(bv.state.netCmp, a.state.netCmp);
    assert.deepEqual(bv.charts, a.charts);
    assert.deepEqual(bv.slots, a.slots);
    assert.equal(await b.page.inputValue('#net-depth'), '7');
    assert.equal(await b.page.inputValue('#net-act'), 'ELU');
    assert.ok(await b.page.isHidden('#notice'));
    assert.deepEqual([...errors, ...b.errors], []);
    await page.close();
    await b.page.close();
  });

  test('bad input: the API\'s message next to the control, the state and the link kept', async () => {
    const { page, errors } = await open('#view=network&ndepth=3');
    for (const [sel, value, message] of [
      ['#net-width', '0', 'width: between 1 and 1024, got 0'],
      ['#net-width', '2000', 'width: between 1 and 1024, got 2000'],
      ['#net-batch', '5000', 'batch: between 1 and 4096, got 5000'],
      ['#net-inputs', '0', 'inputs: between 1 and 1024, got 0'],
      ['#net-depth', '101', 'hidden: between 1 and 100 layer widths'],
      ['#net-widths', '128,0,32', 'width: between 1 and 1024, got 0'],
      ['#net-widths', '128,abc', 'widths: expected 1 to 100 comma-separated integers in [1, 1024]'],
      ['#net-std', '-1', 'std: expected a number in [0, 1000]'],
    ]) {
      const before = await shown(page);
      const hash = new URL(page.url()).hash;
      await page.fill(sel, value);
      await page.waitForFunction(([s, m]) => document.querySelector(`${s}-error`).textContent === m && !document.querySelector(`${s}-error`).hidden, [sel, message]);
      assert.equal(await page.getAttribute(sel, 'aria-invalid'), 'true');
      assert.equal(await page.inputValue(sel), value);  // the typed text stays
      await idle(page);
      const now = await shown(page);
      assert.deepEqual(now.state.net, before.state.net, sel);
      assert.deepEqual(now.charts, before.charts);
      assert.equal(new URL(page.url()).hash, hash);
      // a valid value clears the message and applies
      const ok = { '#net-width': '64', '#net-batch': '32', '#net-inputs': '16', '#net-depth': '3', '#net-widths': '', '#net-std': '1' }[sel];
      await page.fill(sel, ok);
      await idle(page);
      assert.ok(await page.isHidden(`${sel}-error`));
    }
    // an init torch refuses (uniform_ with a > b): its message, next to the init controls too
    await page.selectOption('#net-init', 'uniform_');
    await page.fill('#net-init-params .param[data-param="a"] input[type="number"]', '2');
    await idle(page);
    assert.match(await page.textContent('#net-error'), /uniform_ expects to return a \[from, to\) range, but found from=2 > to=1/);
    assert.match(await page.textContent('#net-init-error'), /uniform_ expects/);
    // a network over the memory budget is refused by the page before it runs
    await page.selectOption('#net-init', 'default');
    await page.fill('#net-depth', '100');
    await page.fill('#net-batch', '4096');
    await page.fill('#net-width', '1024');
    await idle(page);
    assert.match(await page.textContent('#net-error'), /needs about [\d,]+ MB .* up to 1536 MB/);
    assert.deepEqual(await page.evaluate(() => { const n = window.actlab.store.get().net; return [n.depth, n.width, n.batch]; }), [100, 1024, 4096]);
    // nothing typed became markup
    await page.fill('#net-widths', '<img src=x onerror=window.pwned=1>');
    await idle(page);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the PyTorch script: torch.manual_seed, the layers, then the inits in layer order, the input and the loss', async () => {
    const { page, errors } = await open('#view=network&nact=ReLU&nseed=3');
    await page.selectOption('#net-init', 'kaiming_normal_');
    await page.selectOption('#net-init-params .param[data-param="nonlinearity"] select', 'relu');
    await page.selectOption('#net-bias', 'constant_');
    await page.fill('#net-bias-params .param[data-param="val"] input[type="number"]', '-0.5');
    await page.selectOption('#net-loss', 'cross_entropy');
    await idle(page);
    const code = await page.textContent('#net-code');
    const order = ['torch.manual_seed(seed)', 'nn.Linear(dims[i], dims[i + 1])', 'layers.append(act())', 'with torch.no_grad():',
      'init(m.weight)', 'bias(m.bias)', 'x = x()', 'loss = loss(out)', 'loss.backward()',
      'seed=3,', 'act=lambda: nn.ReLU(),', 'x=lambda: torch.randn(256, 128) * 1.0', 'loss=lambda out: F.cross_entropy(out, torch.randint(10, (256,)))',
      "init=lambda w: nn.init.kaiming_normal_(w, nonlinearity='relu')", 'bias=lambda b: nn.init.constant_(b, -0.5)'];
    let at = -1;
    for (const s of order) {
      const i = code.indexOf(s, at + 1);
      assert.ok(i > at, `${s}\n${code}`);
      at = i;
    }
    // calculate_gain is shown for the activation, and the draw of the first Linear
    assert.match(await page.textContent('.net-gain'), /calculate_gain\('relu'\) = 1\.41/);
    assert.match(await page.textContent('#net-draw'), /nn\.Linear\(128, 128\): W ~ N\(0, 0\.125²\)/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a long run shows its progress and can be cancelled; the page stays responsive', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(`${env.url}#view=network&ndepth=40&nwidth=512&nbatch=512`);
    await ready(page);
    await page.waitForSelector('#net-status:not([hidden])');
    assert.match(await page.textContent('#net-status'), /Computing|Loading/);
    // progress moves layer by layer, not a phase at a time
    await page.waitForFunction(() => {
      const seen = (window.seenProgress ??= new Set());
      seen.add(document.querySelector('#net-status progress')?.value);
      return seen.size > 6 && /layer \d+ of 4[01]/.test(document.querySelector('#net-status').textContent);
    }, null, { polling: 'raf' });
    // the main thread is free while the worker runs: frames keep coming
    const frames = await page.evaluate(() => new Promise((r) => { let n = 0; const t0 = performance.now(); const f = () => (++n, performance.now() - t0 < 300 ? requestAnimationFrame(f) : r(n)); requestAnimationFrame(f); }));
    assert.ok(frames > 5, `${frames} frames in 300 ms`);
    await page.click('#net-cancel');
    await idle(page);
    assert.ok(await page.isHidden('#net-status'));
    assert.ok(await page.isVisible('#net-cancelled'));
    // a new config runs on a new worker
    await page.fill('#net-width', '16');
    await idle(page);
    assert.ok(await page.isHidden('#net-cancelled'));
    const view = await shown(page);
    assert.equal(view.charts.postStd.x.length, 40);
    assert.equal(view.slots[0].length, 40);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('an overflowing network shows nan and inf as torch prints them, equal to lab.network()', async () => {
    const link = '#view=network&nact=ReLU&ndepth=20&nwidth=64&nin=16&nout=4&nbatch=8&ninit=normal_(std=1000.0)';
    const { page, errors } = await open(link);
    const view = await shown(page);
    const texts = view.slots[0].flatMap((r) => [...r.text.pre, ...r.text.post, ...r.text.grad]);
    assert.ok(texts.some((x) => /\bnan$/.test(x)), texts.join(' '));
    assert.ok(!texts.some((x) => x.includes('—')), 'a number that overflowed is not shown as missing');
    assert.match(await page.textContent('#net-configs li[data-slot="0"] .net-loss'), /\bnan\b/);
    const stats = await independent(page, { ...DEFAULT, api: { ...DEFAULT.api, inputs: 16, outputs: 4, hidden: Array(20).fill(64), activation: { name: 'ReLU', params: {} }, init: { name: 'normal_', mean: 0, std: 1000 } }, run: { ...DEFAULT.run, batch: 8 } });
    sameAsEngine(view, stats);
    // the log charts leave the non-finite layers out and say so
    assert.ok(await page.isVisible('.net-chart[data-chart="postStd"] .net-gaps'));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a hundred layers of four configs: rows and histograms arrive in short tasks, the main thread never held long', async () => {
    const cfg = 'depth=100,width=32,batch=32';
    const { page, errors } = await open(`#view=network&ndepth=100&nwidth=32&nbatch=32&ncmp=(act=ReLU,${cfg});(act=SELU,${cfg});(act=Sigmoid,${cfg})`);
    const r = await page.evaluate(async () => {
      const tasks = [];
      new PerformanceObserver((l) => tasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
      window.actlab.store.set({ theme: 'dark' });  // a full redraw of charts and 400 strips
      await window.actlab.idle();
      return { tasks, rows: document.querySelectorAll('#net-strips .net-row[data-layer]').length };
    });
    assert.equal(r.rows, 400);
    assert.ok(Math.max(0, ...r.tasks) < 250, `long tasks: ${r.tasks.map(Math.round).join(', ')} ms`);
    // the visible histograms are drawn (in the theme's colours), the rest when they scroll into sight
    const drawn = await page.evaluate(() => [...document.querySelectorAll('#net-strips .net-col[data-slot="0"] .net-hist')].slice(0, 3).map((c) => c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0)));
    assert.deepEqual(drawn, [true, true, true]);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the custom activation drives the network: compiled in the worker, equal to lab.network() with it in the page', async () => {
    const expr = 'alpha = 0.2\nF.leaky_relu(x, negative_slope=alpha) * torch.sigmoid(x)';
    const { page, errors } = await open(`#view=network&nact=Custom(alpha=0.3)&ndepth=6&expr=${encodeURIComponent(expr)}`);
    const view = await shown(page);
    assert.deepEqual(view.state.net.act, { fn: 'Custom', params: { alpha: 0.3 } });
    assert.equal(await page.inputValue('#net-act'), 'Custom');
    assert.equal(await page.inputValue('#net-act-params .param[data-param="alpha"] input[type="number"]'), '0.3');
    const stats = await independent(page, { ...DEFAULT, api: { ...DEFAULT.api, hidden: Array(6).fill(128), activation: { name: 'Custom', params: { alpha: 0.3 } } } });
    sameAsEngine(view, stats);
    const code = await page.textContent('#net-code');
    assert.ok(code.indexOf('class Custom(nn.Module)') < code.indexOf('def run('));
    assert.match(code, /def __init__\(self, alpha=0\.2\)/);
    assert.match(code, /act=lambda: Custom\(alpha=0\.3\)/);
    // an edit of the expression recomputes the network with the new function
    await page.evaluate(() => window.actlab.store.set({ expr: 'alpha = 0.2\nx * torch.tanh(x) * alpha' }));
    await idle(page);
    const after = await shown(page);
    assert.notDeepEqual(after.charts.postStd, view.charts.postStd);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the embed shows the through-depth charts for view=network', async () => {
    const { page, errors } = await newPage(env.browser, { width: 700 });
    await page.goto(`${env.url}embed.html#view=network&nact=ReLU&ndepth=12&ncmp=(act=ReLU,depth=12,init=kaiming_normal_(nonlinearity=relu))`);
    await page.waitForFunction(() => window.actlab?.network?.charts()[0].uplot?.data[0].length === 12 && !window.actlab.network.pending());
    const counts = await page.evaluate(() => window.actlab.network.charts().map(({ uplot }) => [uplot.data[0].length, uplot.data.length - 1]));
    assert.deepEqual(counts, [[12, 2], [12, 2], [13, 2], [13, 2]]);
    assert.ok(await page.isHidden('#plot'));
    assert.match(await page.getAttribute('#open-playground', 'href'), /#view=network&nact=ReLU&ndepth=12&ncmp=/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('none of the depth lab is in the first view\'s download', async () => {
    const { page, errors } = await open('');
    const names = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    assert.ok(names.length > 2);
    assert.deepEqual(names.filter((n) => /network|depth-plot|simd-expr/.test(n)), []);
    // opening the tab loads it, and its heading takes the focus
    await page.click('.tab[data-view="network"]');
    await idle(page);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'net-title');
    const after = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    assert.ok(after.some((n) => /network-panel/.test(n)) && after.some((n) => /network-worker/.test(n)));
    assert.equal(await page.evaluate(() => location.hash), '#view=network');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// With Debian's python3-torch (the fixture generators' interpreter) the page's script is run as it
// is and must print the numbers the page shows; without it this test is skipped.
const { spawnSync } = await import('node:child_process');
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

describe('the PyTorch script, run by torch 1.13', { skip: !hasTorch && 'no torch for /usr/bin/python3' }, () => {
  test('prints the statistics the page shows, for every kind of init, bias, loss, input and a custom activation', async () => {
    const links = [
      '#view=network&ndepth=4&nwidth=16&nbatch=8&nin=8&nout=3',
      '#view=network&nact=ReLU&ndepth=5&nwidth=24&nbatch=16&nin=8&nout=5&ninit=kaiming_normal_(nonlinearity=relu)&nbias=constant_(val=-0.5)&nloss=cross_entropy',
      '#view=network&nact=SELU&ndepth=6&nwidth=20&nbatch=12&nin=6&nout=4&ninit=lecun_normal_&nloss=mse&nx=rand&nstd=2',
      '#view=network&nact=ELU(alpha=0.5)&nwidths=7,5,3&nbatch=9&nin=4&nout=2&ninit=xavier_uniform_(gain=1.2)&nseed=5',
      '#view=network&nact=LeakyReLU(negative_slope=0.2)&ndepth=3&nwidth=12&nbatch=6&nin=5&nout=3&ninit=kaiming_uniform_(a=0.2,mode=fan_out)&nbias=zeros_',
      '#view=network&nact=GELU(approximate=tanh)&ndepth=3&nwidth=10&nbatch=7&nin=3&nout=2&ninit=normal_(std=0.3)',
      '#view=network&nact=Softplus(beta=2)&ndepth=3&nwidth=10&nbatch=7&nin=3&nout=2&ninit=uniform_(a=-0.3,b=0.3)&nseed=11',
      '#view=network&nact=RReLU&ndepth=3&nwidth=9&nbatch=5&nin=3&nout=2&ninit=xavier_normal_(gain=1.5)',
      `#view=network&nact=Custom(alpha=0.3)&ndepth=3&nwidth=11&nbatch=6&nin=4&nout=3&expr=${encodeURIComponent('alpha = 0.2\nF.leaky_relu(x, negative_slope=alpha) * torch.sigmoid(x)')}`,
      // pinned configs: one run() each, the custom one with its own parameter value
      `#view=network&nact=Tanh&ndepth=3&nwidth=10&nbatch=6&nin=4&nout=3&ncmp=(act=ReLU,depth=3,width=10,batch=6,in=4,out=3,init=kaiming_normal_(nonlinearity=relu),seed=4);(act=Custom(alpha=0.7),depth=2,width=8,batch=5,in=4,out=3)&expr=${encodeURIComponent('alpha = 0.2\nF.leaky_relu(x, negative_slope=alpha) * torch.sigmoid(x)')}`,
    ];
    const pages = [];
    for (const link of links) {
      const { page, errors } = await open(link);
      const data = await page.evaluate(() => ({
        code: document.getElementById('net-code').textContent,
        slots: [...document.querySelectorAll('#net-configs li[data-slot]')].map((li, k) => ({
          rows: [...document.querySelectorAll(`#net-strips .net-col[data-slot="${k}"] .net-row[data-layer]`)].map((r) => Object.fromEntries(Object.entries(r.dataset).map(([key, v]) => [key, Number(v)]))),
          linear: Object.fromEntries(window.actlab.network.charts().filter((c) => c.id === 'wGradNorm' || c.id === 'ratio').map(({ id, uplot }) => [id, Array.from(uplot.data[k + 1]).slice(0, uplot.data[0].length)])),
          loss: Number(li.dataset.loss),
        })),
      }));
      assert.deepEqual(errors, [], link);
      for (const [k, slot] of data.slots.entries()) {
        // the charts' x axis spans the deepest config: this one's Linears are its layers + 1
        const linear = Object.fromEntries(Object.entries(slot.linear).map(([id, ys]) => [id, ys.slice(0, slot.rows.length + 1)]));
        pages.push({ link: `${link} [config ${k + 1}]`, code: data.code, block: k, ...slot, linear });
      }
      await page.close();
    }
    // One interpreter runs every script, each in a fresh namespace, its print()s captured.
    const driver = 'import sys, json, io, contextlib\nout = []\nfor code in json.load(sys.stdin):\n    buf = io.StringIO()\n    with contextlib.redirect_stdout(buf):\n        exec(code, {"__name__": "__main__"})\n    out.append(buf.getvalue())\nprint(json.dumps(out))\n';
    const codes = [...new Set(pages.map((p) => p.code))];
    const r = spawnSync('/usr/bin/python3', ['-c', driver], { input: JSON.stringify(codes), encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(r.status, 0, r.stderr);
    const outs = JSON.parse(r.stdout);
    const close = (a, b, scale, what) => assert.ok(Math.abs(a - b) <= 2e-3 * Math.max(Math.abs(b), scale) + 1e-12 || (Number.isNaN(a) && Number.isNaN(b)), `${what}: torch ${a}, page ${b}`);
    assert.equal(pages.filter((p) => p.block > 0).length, 2, 'the pinned configs are checked too');
    pages.forEach((p) => {
      // the script prints one block per config on screen, each headed '== label'
      const blocks = outs[codes.indexOf(p.code)].split(/^== .*$/m).slice(1);
      assert.equal(blocks.length, pages.filter((q) => q.code === p.code).length, p.link);
      const lines = blocks[p.block].trim().split('\n');
      close(Number(/^loss (\S+)$/.exec(lines[0])[1]), p.loss, 0, `${p.link} loss`);
      const layers = lines.filter((l) => l.startsWith('layer ')).map((l) => l.match(/-?[\d.]+(?:e[-+]?\d+)?|nan/g).map(Number));
      assert.equal(layers.length, p.rows.length, p.link);
      layers.forEach(([l, preM, preS, postM, postS, gM, gS, gN, sat, dead], k) => {
        const row = p.rows[k], what = `${p.link} layer ${l}`;
        assert.equal(l, k + 1);
        close(preM, row.preMean, row.preStd, `${what} pre mean`);
        close(preS, row.preStd, 0, `${what} pre std`);
        close(postM, row.postMean, row.postStd, `${what} post mean`);
        close(postS, row.postStd, 0, `${what} post std`);
        close(gM, row.gradMean, row.gradStd, `${what} grad mean`);
        close(gS, row.gradStd, 0, `${what} grad std`);
        assert.ok(gN >= 0);
        assert.ok(Math.abs(sat - 100 * row.saturated) <= 0.05 && Math.abs(dead - 100 * row.dead) <= 0.05, `${what}: saturated ${sat}% dead ${dead}%`);
      });
      const linear = lines.filter((l) => l.startsWith('linear ')).map((l) => l.match(/-?[\d.]+(?:e[-+]?\d+)?|nan/g).map(Number));
      assert.equal(linear.length, p.linear.wGradNorm.length, p.link);
      linear.forEach(([l, , dW, ratio], k) => {
        if (p.linear.wGradNorm[k] != null) close(dW, p.linear.wGradNorm[k], 0, `${p.link} linear ${l} |dW|`);
        if (p.linear.ratio[k] != null) close(ratio, p.linear.ratio[k], 0, `${p.link} linear ${l} ratio`);
      });
    });
  });
});
