// Offline: the service worker (vite-plugin-pwa's Workbox build) in Chromium, with the site under a
// sub path. A page opened once works with the network cut — context.setOffline(true) and the
// server stopped, since Chromium's offline emulation does not cover a service worker's own
// fetches — including the formulas and notes, and the engine and labs it used once. A new version
// waits for the reader's Reload. The manifest makes it installable.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, ready, idle, fillEditor } from './browser.js';
import { serveStatic } from './static.js';

const BASE = '/app/';
const env = { servers: [] };
before(async () => { env.chrome = await launch(); env.browser = env.chrome.browser; });
after(async () => { await env.chrome?.close(); await Promise.all(env.servers.map((s) => s.stop())); });
/** A server for one test (stopped after the file, whatever happens). */
async function serve() {
  const s = await serveStatic({ base: BASE });
  env.servers.push(s);
  return s;
}

/** The page is under the installed service worker (it took control once installed). */
const controlled = (page) => page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');

describe('offline', () => {
  test('a page opened once works with the network off: the playground, KaTeX and notes, and the engine and labs used once', async () => {
    const server = await serve();
    const { page, errors, context } = await newPage(env.browser);
    await page.goto(`${server.url}#fn=ELU`);
    await ready(page);
    await idle(page);
    await page.waitForSelector('#latex .katex');
    await controlled(page);
    // Used once, online: the expression engine and both labs (cached on first use).
    await fillEditor(page, 'expr', 'x * torch.sigmoid(x)');
    await idle(page);
    await page.click('.tab[data-view="network"]');
    await idle(page);
    await page.waitForFunction(() => window.actlab.network?.charts()[0].uplot?.data[0].length > 0 && !window.actlab.network.pending());
    await page.click('.tab[data-view="train"]');
    await idle(page);
    await page.click('#tr-step');
    await idle(page);
    assert.equal(await page.evaluate(() => window.actlab.train.status().step), 1);
    const lazy = await page.evaluate(async () => (await (await caches.open('actlab-lazy')).keys()).map((r) => new URL(r.url).pathname));
    for (const re of [/actlab-simd-expr-[\w-]+\.wasm$/, /network-worker-[\w-]+\.js$/, /train-worker-[\w-]+\.js$/, /network-panel-[\w-]+\.js$/]) {
      assert.ok(lazy.some((p) => re.test(p)), `${re} in the runtime cache: ${lazy}`);
    }
    await page.close();

    // The network cut: offline emulation, and nothing left to answer.
    await context.setOffline(true);
    await server.stop();
    const served = server.requests.length;
    const p = await context.newPage();
    const notFromWorker = [];
    p.on('response', (r) => { if (!r.fromServiceWorker() && !r.url().startsWith('data:')) notFromWorker.push(r.url()); });
    p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(`${server.url}#fn=GELU&lang=zh`);
    await ready(p);
    await idle(p);
    assert.deepEqual(await p.evaluate(() => { const u = window.actlab.plot.uplot; return [u.series[1].label, u.data[1].length, u.data[1].every(Number.isFinite)]; }), ['GELU', 2000, true]);
    await p.waitForSelector('#latex .katex');
    assert.ok((await p.textContent('#note')).length > 20, 'the Chinese notes');
    assert.equal(await p.textContent('.tab[data-view="plot"]'), '曲线');
    // The console and the code editor (precached), the engine (cached when it was used).
    await fillEditor(p, 'tensor-input', '[-1., 0., 2.]');
    await idle(p);
    assert.match(await p.textContent('#out-output'), /^tensor\(\[-0\.1587, {2}0\.0000, {2}1\.9545\]\)$/);
    await fillEditor(p, 'expr', 'x * torch.sigmoid(x)');
    await idle(p);
    await p.click('#expr-plot');
    await idle(p);
    assert.equal(await p.evaluate(() => window.actlab.store.get().fn), 'Custom');
    // Both labs, from the runtime cache.
    await p.click('.tab[data-view="network"]');
    await idle(p);
    await p.waitForFunction(() => window.actlab.network?.charts()[0].uplot?.data[0].length > 0 && !window.actlab.network.pending());
    await p.click('.tab[data-view="train"]');
    await idle(p);
    await p.click('#tr-step');
    await idle(p);
    assert.equal(await p.evaluate(() => window.actlab.train.status().step), 1);
    assert.deepEqual(notFromWorker, []);
    assert.equal(server.requests.length, served, 'nothing reached the server');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a new version waits: a notice (English, Chinese) offers Reload, which takes it and reloads the page', async () => {
    const server = await serve();
    const { page, errors, context } = await newPage(env.browser);
    await page.goto(server.url);
    await ready(page);
    await idle(page);
    await controlled(page);
    assert.ok(await page.isHidden('#update'));
    // A new build: the service worker's script differs (Workbox's precache list would).
    server.rewrite('sw.js', (text) => `${text}\n// the next version\n`);
    await page.evaluate(() => window.__sameDocument = true);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await page.waitForSelector('#update', { state: 'visible' });
    assert.equal((await page.textContent('#update span')).trim(), 'A new version of actlab is available.');
    assert.equal(await page.textContent('#update-reload'), 'Reload');
    // Nothing swapped under the page: the old worker still controls it, the new one waits.
    assert.deepEqual(await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return [!!reg.waiting, navigator.serviceWorker.controller === reg.active, window.__sameDocument];
    }), [true, true, true]);
    await page.selectOption('#lang', 'zh');
    await idle(page);
    assert.equal((await page.textContent('#update span')).trim(), 'actlab 有新版本可用。');
    assert.equal(await page.textContent('#update-reload'), '重新加载');
    // Reload: the new worker takes over and the page reloads under it.
    await Promise.all([page.waitForEvent('load'), page.click('#update-reload')]);
    await ready(page);
    assert.deepEqual(await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return [reg.waiting, navigator.serviceWorker.controller?.state, window.__sameDocument];
    }), [null, 'activated', undefined]);
    assert.ok(await page.isHidden('#update'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('installable: the manifest, its icons and the page\'s link to it', async () => {
    const server = await serve();
    const { page, errors, context } = await newPage(env.browser);
    await page.goto(server.url);
    await ready(page);
    const href = await page.evaluate(() => document.querySelector('link[rel="manifest"]').href);
    assert.equal(href, `${server.url}manifest.webmanifest`);
    const manifest = await (await fetch(href)).json();
    assert.equal(manifest.start_url, './');
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.name && manifest.short_name && manifest.theme_color);
    for (const icon of manifest.icons) {
      const res = await fetch(new URL(icon.src, href));
      assert.equal(res.status, 200, icon.src);
      const buf = Buffer.from(await res.arrayBuffer());
      if (icon.type === 'image/png') {
        // PNG width and height (IHDR) as the manifest says.
        assert.equal(`${buf.readUInt32BE(16)}x${buf.readUInt32BE(20)}`, icon.sizes, icon.src);
      } else assert.match(buf.toString(), /^<svg /);
    }
    assert.ok(manifest.icons.some((i) => i.purpose === 'maskable'));
    // Chromium's own reading of it (DevTools protocol): no errors, installable.
    const cdp = await context.newCDPSession(page);
    const m = await cdp.send('Page.getAppManifest');
    assert.deepEqual(m.errors, []);
    // Playwright's contexts are incognito profiles, where Chromium installs nothing: that is the only objection.
    const inst = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(inst.installabilityErrors.map((e) => e.errorId), ['in-incognito']);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
