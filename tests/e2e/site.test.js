// The built site at any path: dist/ served under /some/sub/path/ by a plain static server (as
// GitHub Pages serves a project site) — the playground's curve, a custom expression through the
// engine's build, the depth and training labs' module workers, embed.html, the tutorial page and
// its web component all work, and no request leaves the path. Also: the build's idea of the first
// view (build/sizes.json) is what the page really loads first, and files go compressed (brotli
// when accepted, else gzip) from this server and from `npm start`'s.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { launch, newPage, ready, idle, fillEditor, startServer } from './browser.js';
import { serveStatic } from './static.js';

const BASE = '/some/sub/path/';
const env = {};
before(async () => {
  env.server = await serveStatic({ base: BASE });
  env.chrome = await launch();
  env.browser = env.chrome.browser;
  env.url = env.server.url;
});
after(async () => { await env.chrome?.close(); await env.server?.stop(); });

async function open(hash = '') {
  const { page, errors, context } = await newPage(env.browser);
  await page.goto(`${env.url}${hash}`);
  await ready(page);
  await idle(page);
  return { page, errors, context };
}
const resources = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
/** Every request so far stayed under the path, and every resource the page lists is there too. */
async function underPath(page) {
  assert.deepEqual(env.server.outside, []);
  for (const r of await resources(page)) if (!r.startsWith('data:')) assert.ok(r.startsWith(env.url), r);
}

describe('the site under /some/sub/path/', () => {
  test('the playground plots its first curve; the first view is what build/sizes.json counts', async () => {
    const { page, errors } = await open('#fn=GELU');
    const curve = await page.evaluate(() => { const d = window.actlab.plot.uplot.data; return { n: d[0].length, finite: d[1].every(Number.isFinite), label: window.actlab.plot.uplot.series[1].label }; });
    assert.deepEqual(curve, { n: 2000, finite: true, label: 'GELU' });
    await underPath(page);
    // The files requested before the first curve are the build's first view (the document too);
    // anything else that early is a lazy part that merely started in time (as bench-page counts).
    const early = await page.evaluate(() => {
      const first = performance.getEntriesByName('actlab:first-curve')[0].startTime;
      return performance.getEntriesByType('resource').filter((e) => e.startTime <= first).map((e) => e.name);
    });
    const paths = new Set(['index.html', ...early.map((u) => new URL(u).pathname.slice(BASE.length))]);
    const sizes = JSON.parse(readFileSync('build/sizes.json', 'utf8'));
    const firstView = sizes.firstView.files.map((f) => f.path);
    for (const f of firstView) assert.ok(paths.has(f), `${f} is in sizes.json's first view but was not loaded before the first curve`);
    for (const f of paths) assert.ok(firstView.includes(f) || /katex|KaTeX|console|\/(en|zh)-/.test(f), `${f} was loaded before the first curve but is not in sizes.json's first view`);
    assert.ok(sizes.firstView.gz <= 150 * 1024, `first view ${sizes.firstView.gz} bytes gzip`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a custom expression loads the engine (the -expr build) from the path, compiles and plots', async () => {
    const { page, errors } = await open();
    await fillEditor(page, 'expr', 'x * torch.sigmoid(x)');
    await idle(page);
    await page.click('#expr-plot');
    await idle(page);
    const r = await page.evaluate(() => {
      const { lab, plot, store } = window.actlab;
      const x = plot.uplot.data[0], y = plot.uplot.data[1];
      const silu = lab.forward('SiLU', x);
      return { fn: store.get().fn, err: Math.max(...y.map((v, i) => Math.abs(v - silu[i]))) };
    });
    assert.equal(r.fn, 'Custom');
    assert.ok(r.err < 1e-5, `custom x * sigmoid(x) against SiLU: ${r.err}`);
    assert.ok((await resources(page)).some((u) => /\/assets\/actlab-simd-expr-[\w-]+\.wasm$/.test(u)));
    await underPath(page);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('view=network: the depth lab\'s module worker runs the network and the charts draw', async () => {
    const { page, errors } = await open('#view=network&ndepth=6');
    await page.waitForFunction(() => window.actlab.network?.charts()[0].uplot?.data[0].length === 6 && !window.actlab.network.pending());
    const stds = await page.evaluate(() => Array.from(window.actlab.network.charts().find((c) => c.id === 'postStd').uplot.data[1]));
    assert.equal(stds.length, 6);
    assert.ok(stds.every((v) => Number.isFinite(v) && v > 0), String(stds));
    assert.ok((await resources(page)).some((u) => /\/assets\/network-worker-[\w-]+\.js$/.test(u)));
    await underPath(page);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('view=train: the training lab\'s module worker trains a step', async () => {
    const { page, errors } = await open('#view=train');
    await page.click('#tr-step');
    await idle(page);
    const st = await page.evaluate(() => window.actlab.train.status());
    assert.equal(st.step, 1);
    assert.ok(Number.isFinite(st.runs[0].last.evalLoss.train) && st.runs[0].last.evalLoss.train > 0);
    assert.ok((await resources(page)).some((u) => /\/assets\/train-worker-[\w-]+\.js$/.test(u)));
    await underPath(page);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('embed.html draws its plot and its console', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(`${env.url}embed.html#fn=Softmax&view=console&tensor=[[1.,2.],[3.,4.]]`);
    await page.waitForFunction(() => window.actlab?.plot?.uplot?.data?.[1]?.length === 1000);
    await page.waitForFunction(() => document.getElementById('out-output').textContent.startsWith('tensor('));
    assert.equal(await page.textContent('#out-output'), 'tensor([[0.2689, 0.7311],\n        [0.2689, 0.7311]])');
    assert.ok((await page.getAttribute('#open-playground', 'href')).startsWith(`${env.url}#`));
    await underPath(page);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('tutorial.html: every <actlab-plot> (actlab-plot.js) and both sandboxed frames draw', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(`${env.url}tutorial.html`);
    await page.waitForFunction(() => [...document.querySelectorAll('actlab-plot')].every((e) => e.uplot?.data?.[1]?.length === 1000));
    for (const id of ['#embed-frame', '#embed-frame-zh']) {
      await page.locator(id).scrollIntoViewIfNeeded();
      const frame = await (await page.$(id)).contentFrame();
      await frame.waitForFunction(() => document.getElementById('out-output').textContent.startsWith('tensor('));
    }
    await underPath(page);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

/** GET path with an Accept-Encoding: [Content-Encoding, bytes on the wire]. */
const get = (url, accept) => new Promise((resolve, reject) => {
  request(url, { headers: accept ? { 'Accept-Encoding': accept } : {} }, (res) => {
    let n = 0;
    res.on('data', (b) => { n += b.length; });
    res.on('end', () => resolve([res.headers['content-encoding'] ?? 'identity', n]));
  }).on('error', reject).end();
});

describe('compressed files', () => {
  test('brotli when the browser accepts it, else gzip, else the file: this server and npm start\'s', async () => {
    const preview = await startServer();
    try {
      for (const base of [env.url, preview.url]) {
        for (const file of ['assets/actlab-simd.wasm', 'index.html', 'sw.js']) {
          const raw = statSync(`dist/${file}`).size;
          assert.deepEqual(await get(`${base}${file}`, 'gzip, deflate, br, zstd'), ['br', statSync(`dist/${file}.br`).size], `${base}${file}`);
          assert.deepEqual(await get(`${base}${file}`, 'gzip, deflate'), ['gzip', statSync(`dist/${file}.gz`).size], `${base}${file}`);
          assert.deepEqual(await get(`${base}${file}`, ''), ['identity', raw], `${base}${file}`);
        }
      }
    } finally {
      await preview.close();
    }
  });
});
