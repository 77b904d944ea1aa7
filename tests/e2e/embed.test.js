// Embedding: embed.html in a sandboxed iframe draws and fits its height; the web component renders
// several plots sharing one wasm instance on the sample tutorial page; Copy embed code round-trips.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { useBrowser, newPage, ready } from './browser.js';

const env = useBrowser();

describe('embed', () => {
  test('embed code from the playground works in a sandboxed iframe on another page and fits its height', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(`${env.url}#fn=Softmax&x=-5,5&view=console&tensor=[[1.,2.],[3.,4.]]`);
    await ready(page);
    await page.click('#copy-embed');
    const code = await page.inputValue('#embed-code');
    assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\.html#[^"]+" title="actlab: Softmax" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"/);
    // A tutorial page elsewhere (about:blank origin) pastes the snippet.
    const host = await newPage(env.browser);
    await host.page.setContent(`<!doctype html><body><h1>Tutorial</h1>${code}</body>`);
    const frame = await (await host.page.waitForSelector('iframe')).contentFrame();
    await frame.waitForFunction(() => window.actlab?.plot?.uplot?.data?.[1]?.length === 1000);
    await frame.waitForFunction(() => document.getElementById('out-output').textContent.startsWith('tensor('));
    assert.equal(await frame.textContent('#out-output'), 'tensor([[0.2689, 0.7311],\n        [0.2689, 0.7311]])');
    assert.equal(await frame.textContent('#embed-title'), 'Softmax');
    assert.match(await frame.getAttribute('#open-playground', 'href'), /\/#.*fn=Softmax/);
    // The frame was resized from 440 px to its content by the postMessage listener.
    await host.page.waitForFunction(() => document.querySelector('iframe').style.height !== '440px');
    const h = await host.page.evaluate(() => parseInt(document.querySelector('iframe').style.height, 10));
    const content = await frame.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(Math.abs(h - content) <= 2, `frame ${h}px, content ${content}px`);
    assert.deepEqual([...errors, ...host.errors], []);
    await page.close();
    await host.page.close();
  });

  test('the sample tutorial page renders every <actlab-plot> from one wasm instance, and its frames', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(`${env.url}tutorial.html`);
    await page.waitForFunction(() => [...document.querySelectorAll('actlab-plot')].every((e) => e.uplot?.data?.[1]?.length === 1000));
    const plots = await page.$$eval('actlab-plot', (els) => els.map((e) => ({ id: e.id, series: e.uplot.series.slice(1).map((s) => [s.label, s.show]) })));
    assert.deepEqual(plots.find((p) => p.id === 'wc-gelu').series, [['GELU', true], ['GELU′', true], ['ReLU', true], ['ReLU′', true]]);
    assert.deepEqual(plots.find((p) => p.id === 'wc-tanh').series, [["GELU(approximate='tanh')", true], ["GELU(approximate='tanh')′", false], ['GELU', true], ['GELU′', false]]);
    assert.equal(plots.find((p) => p.id === 'wc-zh').series.length, 6);
    const wasm = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm')).length);
    assert.equal(wasm, 1, 'one wasm download for every plot on the page');
    // The component's numbers are PyTorch's: GELU and GELU' at the ends of [-4, 4] (torch 1.13, float32).
    const ends = await page.evaluate(() => { const d = document.getElementById('wc-gelu').uplot.data; const n = d[0].length - 1; return [d[0][0], d[0][n], d[1][0], d[1][n], d[2][0], d[2][n]]; });
    const torch = [-4, 4, -0.00012671947479248047, 3.999873161315918, -0.0005036294460296631, 1.000503659248352];
    ends.forEach((v, i) => assert.ok(Math.abs(v - torch[i]) <= 1e-5 + 1.3e-6 * Math.abs(torch[i]), `${i}: ${v} vs torch ${torch[i]}`));
    for (const id of ['#embed-frame', '#embed-frame-zh']) {
      await page.locator(id).scrollIntoViewIfNeeded();
      const frame = await (await page.$(id)).contentFrame();
      await frame.waitForFunction(() => document.getElementById('out-output').textContent.startsWith('tensor('));
    }
    await page.screenshot({ path: 'test-output/tutorial.png', fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('"Open in the playground" works from a sandboxed frame on another origin, with and without allow-popups', async () => {
    const { page, errors, context } = await newPage(env.browser);
    const src = `${env.url}embed.html#fn=ELU&alpha=0.5&x=-3,3`;
    for (const sandbox of ['allow-scripts allow-popups allow-popups-to-escape-sandbox', 'allow-scripts']) {
      // A tutorial page from another origin (its own server, another port).
      const html = `<!doctype html><body><h1>Tutorial</h1><iframe src="${src}" sandbox="${sandbox}" style="width:100%;height:440px"></iframe></body>`;
      const host = createServer((req, res) => { res.setHeader('content-type', 'text/html'); res.end(html); });
      await new Promise((r) => host.listen(0, '127.0.0.1', r));
      await page.goto(`http://127.0.0.1:${host.address().port}/`);
      const frame = await (await page.waitForSelector('iframe')).contentFrame();
      await frame.waitForFunction(() => window.actlab?.plot?.uplot?.data?.[1]?.length === 1000);
      if (sandbox.includes('allow-popups')) {
        const [tab] = await Promise.all([context.waitForEvent('page'), frame.click('#open-playground')]);
        await tab.waitForFunction(() => window.actlab?.store?.get().fn === 'ELU');
        assert.equal(await tab.evaluate(() => window.actlab.store.get().params.ELU.alpha), 0.5);
        assert.equal(await tab.evaluate(() => window.opener), null);
        await tab.close();
      } else {
        // No popups allowed: the frame itself becomes the playground.
        await frame.click('#open-playground');
        const f2 = page.frames().find((f) => f !== page.mainFrame());
        await f2.waitForURL(/127\.0\.0\.1:\d+\/#.*fn=ELU/);
        await f2.waitForFunction(() => window.actlab?.store?.get().fn === 'ELU');
      }
      host.close();
    }
    assert.deepEqual(errors.filter((e) => !/Blocked opening/.test(e)), []);
    await page.close();
  });

  test('<actlab-plot>: bare boolean attributes, a misspelt fn, legend, theme from the host page, title and label', async () => {
    const { page, errors } = await newPage(env.browser, { colorScheme: 'dark' });
    await page.goto(`${env.url}tutorial.html`);
    await page.evaluate(() => {
      const add = (id, attrs, parent = document.body) => {
        const el = document.createElement('actlab-plot');
        el.id = id;
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
        parent.append(el);
      };
      add('bare', { fn: 'Sigmoid', shade: '' });
      add('typo', { fn: 'Relu' });
      add('fonly', { fn: 'Tanh' });
      add('titled', { fn: 'ELU', title: 'ELU, α = 1', label: 'ELU and its derivative on [-6, 6]', derivative: '' });
      const darkBox = Object.assign(document.createElement('div'), { style: 'background:#101418' });
      document.body.append(darkBox);
      add('ondark', { fn: 'GELU' }, darkBox);
      add('forced', { fn: 'GELU', theme: 'light' }, darkBox);
      add('auto', { fn: 'GELU', theme: 'auto' });
    });
    const ids = ['bare', 'fonly', 'titled', 'ondark', 'forced', 'auto'];
    await page.waitForFunction((ids) => ids.every((id) => document.getElementById(id).uplot?.data?.[1]?.length === 1000), ids);
    await page.waitForFunction(() => document.getElementById('typo').shadowRoot.querySelector('.error')?.hidden === false);
    const r = await page.evaluate(() => {
      const q = (id, sel) => document.getElementById(id).shadowRoot.querySelector(sel);
      return {
        shade: document.getElementById('bare').uplot && q('bare', '.note').hidden,
        typo: q('typo', '.error').textContent,
        typoPlot: q('typo', '[role="img"]').hidden,
        legend: [...q('fonly', '.u-legend').querySelectorAll('.u-series')].filter((r) => !r.hidden).map((r) => r.querySelector('.u-label').textContent),
        title: q('titled', '.title').textContent,
        label: q('titled', '[role="img"]').getAttribute('aria-label'),
        dark: ['bare', 'ondark', 'forced', 'auto'].map((id) => document.getElementById(id).hasAttribute('data-dark')),
      };
    });
    assert.equal(r.shade, true, 'a bare shade attribute is accepted (no notice)');
    assert.equal(r.typo, "Unknown function 'Relu': did you mean ReLU?");
    assert.equal(r.typoPlot, true);
    assert.deepEqual(r.legend, ['x', 'Tanh']);
    assert.equal(r.title, 'ELU, α = 1');
    assert.equal(r.label, 'ELU and its derivative on [-6, 6]');
    // The reader's OS is dark; the tutorial page is light: plots follow the page unless told.
    assert.deepEqual(r.dark, [false, true, false, true]);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

