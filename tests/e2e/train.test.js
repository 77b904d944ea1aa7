// The training lab (view=train) in Chromium: play, pause, step, epoch and reset drive the worker;
// every step's loss equals what lab.network().optimizer() computes in the page itself (and what
// torch prints, running the page's script); compare, links, the embed, CSV uploads good and bad,
// bad input, and a long run that holds the page's memory bounded.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { useBrowser, newPage, idle, openIdle } from './browser.js';

const env = useBrowser();

const open = (hash, opts) => openIdle(env, hash, opts);
const status = (page) => page.evaluate(() => window.actlab.train.status());

/** The same runs through the API in the page's own instance (the engine's build), apart from the panel and its worker. */
const independent = (page, { data, runs, steps }) => page.evaluate(async ({ data, runs, steps }) => {
  await window.actlab.upgrade();
  const lab = window.actlab.lab;
  const d = lab.dataset(data);
  return runs.map((r) => {
    const net = lab.network(r.net);
    try {
      const opt = net.optimizer(r.opt);
      const t = r.loss === 'CrossEntropyLoss' ? d.train.y : Float32Array.from(d.train.y);
      const train = [], test = [];
      for (let s = 0; s < steps; s++) {
        train.push(opt.run(d.train.x, t, { shape: d.train.shape, loss: r.loss, l1: r.l1, batchSize: r.batch, steps: 1 })[0]);
        const tt = r.loss === 'CrossEntropyLoss' ? d.test.y : Float32Array.from(d.test.y);
        test.push(opt.evaluate(d.test.x, tt, { shape: d.test.shape, loss: r.loss }).loss);
      }
      return { train, test };
    } finally {
      net.free();
    }
  });
}, { data, runs, steps });

describe('the training lab', () => {
  test('play, pause, step, epoch and reset; every step\'s loss is lab.network().optimizer()\'s in the page', async () => {
    const { page, errors } = await open('#view=train&topt=Adam(lr=0.01)&tbatch=50');
    let st = await status(page);
    assert.equal(st.step, 0);
    assert.equal(st.runs.length, 1);
    assert.ok(st.runs[0].last.evalLoss.train > 0.5, 'an untrained network');
    // one step, then one epoch (250 training rows in batches of 50: 5 steps)
    await page.click('#tr-step');
    await idle(page);
    assert.equal((await status(page)).step, 1);
    await page.click('#tr-epoch');
    await idle(page);
    assert.equal((await status(page)).step, 6);
    assert.match(await page.textContent('#tr-counter'), /epoch 1\.2 · step 6/);
    // play until 60 steps, pause: it stops there
    await page.click('#tr-play');
    assert.equal(await page.textContent('#tr-play'), 'Pause');
    await page.waitForFunction(() => window.actlab.train.status().step >= 60);
    await page.click('#tr-play');
    await idle(page);
    st = await status(page);
    assert.equal(st.playing, false);
    const stopped = st.step;
    await idle(page);
    assert.equal((await status(page)).step, stopped);
    // the losses, step by step, are the API's
    const want = await independent(page, {
      data: { name: 'circle', n: 500, noise: 0, ratio: 0.5, seed: 0, classes: 2, features: ['x1', 'x2'] },
      runs: [{ net: { inputs: 2, hidden: [8, 8], outputs: 2, activation: { name: 'Tanh', params: {} }, init: 'default', bias: 'default', seed: 0 },
        opt: { name: 'Adam', lr: 0.01 }, loss: 'CrossEntropyLoss', l1: 0, batch: 50 }],
      steps: stopped,
    });
    assert.deepEqual(st.runs[0].steps, Array.from({ length: stopped }, (_, i) => i + 1));
    assert.equal(st.runs[0].train.length, want[0].train.length);
    st.runs[0].train.forEach((v, i) => assert.equal(v, want[0].train[i], `step ${i + 1}`));
    assert.deepEqual(st.runs[0].test, want[0].test);
    // reset: step 0, and the same steps again give the same losses (same seed, same batch order)
    await page.click('#tr-reset');
    await idle(page);
    assert.equal((await status(page)).step, 0);
    await page.click('#tr-epoch');
    await idle(page);
    assert.deepEqual((await status(page)).runs[0].train, want[0].train.slice(0, 5));
    // the decision map is drawn: not a blank canvas
    const painted = await page.evaluate(() => { const c = document.querySelector('#tr-maps canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; const s = new Set(); for (let i = 0; i < d.length; i += 397) s.add(d[i]); return s.size; });
    assert.ok(painted > 5);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('compare: four activations on one seed, their maps side by side, curves overlaid, steps to a test loss', async () => {
    const { page, errors } = await open('#view=train');
    await page.click('[data-preset="spiral"]');
    await idle(page);
    assert.equal(await page.getAttribute('[data-preset="spiral"]', 'aria-pressed'), 'true');
    assert.match(await page.textContent('.net-preset-text'), /Four activations, the same spiral/);
    assert.equal(await page.locator('#tr-maps canvas').count(), 4);
    assert.deepEqual(await page.locator('#tr-maps figcaption').allTextContents(), ['ReLU', 'Tanh', 'ELU', 'GELU']);
    await page.click('#tr-step');
    await idle(page);
    const st = await status(page);
    assert.equal(st.runs.length, 4);
    const charts = await page.evaluate(() => window.actlab.train.charts().map(({ id, uplot }) => [id, uplot ? uplot.series.length : 0]));
    assert.deepEqual(Object.fromEntries(charts).loss, 1 + 2 * 4);  // x, then train and test per run
    assert.equal(await page.locator('#tr-table tbody tr').count(), 4);
    // the link carries the comparison; a new page shows the same runs
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /view=train&tdata=spiral&tnoise=0\.1&twidths=16,16,16&tact=ReLU&topt=Adam\(lr=0\.01\)&tcmp=Tanh;ELU;GELU/);
    const again = await open(hash);
    assert.deepEqual(await again.page.locator('#tr-maps figcaption').allTextContents(), ['ReLU', 'Tanh', 'ELU', 'GELU']);
    await again.page.close();
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the embed shows the maps and curves and autoplays with tplay', async () => {
    const { page, errors } = await newPage(env.browser, { width: 700, height: 700 });
    await page.goto(`${env.url}embed.html#view=train&tdata=xor&tplay=true`);
    await page.waitForFunction(() => window.actlab?.train && window.actlab.train.status().step > 20);
    assert.ok(await page.isVisible('#embed-train #tr-maps canvas'));
    assert.ok(await page.isHidden('#plot'));
    assert.equal(await page.locator('#embed-train #tr-step').count(), 0, 'no controls beyond play');
    await page.click('#embed-train #tr-play');
    await page.waitForFunction(() => !window.actlab.train.status().playing);
    assert.match(await page.getAttribute('#open-playground', 'href'), /#view=train&tdata=xor&tplay=true/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('CSV upload: a good file trains on its rows; a bad one names its lines and keeps the data before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actlab-csv-'));
    try {
      const good = join(dir, 'blobs.csv'), bad = join(dir, 'bad.csv');
      const rows = ['x1,x2,label'];
      for (let i = 0; i < 300; i++) rows.push(`${(i % 3) * 2 - 2 + Math.sin(i)},${(i % 3) - 1 + Math.cos(i)},${i % 3}`);
      writeFileSync(good, `${rows.join('\n')}\n`);
      writeFileSync(bad, 'x1,x2,label\n1,2,0\n3,abc,1\n4,5\n');
      const { page, errors } = await open('#view=train');
      await page.setInputFiles('#tr-file', bad);
      await page.waitForFunction(() => !document.getElementById('tr-file-error').hidden);
      await idle(page);
      const msg = await page.textContent('#tr-file-error');
      assert.match(msg, /bad\.csv:\nline 3: 'abc' is not a number \(x2\)\nline 4: expected 3 comma-separated values/);
      assert.equal(await page.evaluate(() => window.actlab.store.get().train.data), 'circle');
      assert.equal((await status(page)).runs.length, 1);
      await page.setInputFiles('#tr-file', good);
      await page.waitForFunction(() => window.actlab.store.get().train.data === 'upload');
      await idle(page);
      assert.ok(await page.isHidden('#tr-file-error'));
      assert.match(await page.textContent('#tr-file-info'), /blobs\.csv: 300 rows, 3 classes/);
      assert.equal(await page.inputValue('#tr-data'), 'upload');
      await page.click('#tr-epoch');
      await idle(page);
      const st = await status(page);
      assert.equal(st.step, 1);
      assert.ok(st.runs[0].last.acc.test >= 0 && !st.runs[0].error);
      // the script embeds the rows
      assert.match(await page.evaluate(() => window.actlab.train.code()), /# the uploaded file's 300 rows/);
      // a link to it says the data are not in links
      const hash = await page.evaluate(() => location.hash);
      assert.match(hash, /tdata=upload/);
      const again = await open(hash);
      assert.match(await again.page.textContent('#tr-error'), /made with an uploaded file, which links do not carry/);
      await again.page.close();
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad input: a clear message next to the control, the state kept, nothing injected', async () => {
    const { page, errors } = await open('#view=train');
    await page.fill('#tr-widths', '8,0');
    await idle(page);
    assert.match(await page.textContent('#tr-widths-error'), /expected 1 to 8 comma-separated integers in \[1, 256\]/);
    assert.deepEqual(await page.evaluate(() => window.actlab.store.get().train.widths), [8, 8]);
    await page.fill('#tr-widths', '<img src=x onerror=window.pwned=1>');
    await idle(page);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    // BCEWithLogitsLoss on three classes: torch's shapes would not match; the page says why
    await page.goto(`${env.url}#view=train&tdata=gauss&tclasses=3&tloss=BCEWithLogitsLoss`);
    await idle(page);
    assert.match(await page.textContent('#tr-error'), /BCEWithLogitsLoss takes two classes \(one logit\): these data have 3/);
    // a tampered link: values outside the schema are dropped with a notice, the rest applies
    await page.goto(`${env.url}#view=train&twidths=9999&topt=Adam(lr=-1)&tdata=moons`);
    await idle(page);
    const s = await page.evaluate(() => window.actlab.store.get().train);
    assert.deepEqual([s.widths, s.opt, s.data], [[8, 8], { fn: 'Adam', params: {} }, 'moons']);
    assert.match(await page.textContent('#notice'), /twidths.*expected 1 to 8 comma-separated integers in \[1, 256\]/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('10,000 steps: the worker\'s wasm heap does not grow, the page\'s JS heap stays within 24 MB, the charts hold at most their cap', async () => {
    const { page, errors } = await open('#view=train&tn=200');
    await page.selectOption('#tr-speed', '0');
    const heap0 = await page.evaluate(() => performance.memory.usedJSHeapSize);
    await page.click('#tr-play');
    await page.waitForFunction(() => window.actlab.train.status().step >= 1000, null, { timeout: 60000, polling: 100 });
    const wasm0 = (await status(page)).heap;
    await page.waitForFunction(() => window.actlab.train.status().step >= 10000, null, { timeout: 120000, polling: 200 });
    await page.click('#tr-play');
    await idle(page);
    const st = await status(page);
    const heap1 = await page.evaluate(() => performance.memory.usedJSHeapSize);
    // the worker's wasm heap: the same bytes in use after 1,000 steps and after 10,000
    assert.ok(wasm0 > 0);
    assert.equal(st.heap, wasm0);
    assert.ok(st.runs[0].train.length <= 4096, `${st.runs[0].train.length} points kept`);
    assert.ok(heap1 - heap0 < 24 * 2 ** 20, `JS heap grew ${((heap1 - heap0) / 2 ** 20).toFixed(1)} MB`);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// With Debian's python3-torch the page's script is run as it is and must print the losses the page computed.
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
describe('the training script, run by torch 1.13', { skip: !hasTorch && 'no torch for /usr/bin/python3' }, () => {
  test('prints the page\'s losses step by step: full batch, mini-batches, every optimizer, compared activations', async () => {
    const links = [
      '#view=train&topt=SGD(lr=0.3,momentum=0.9,nesterov=true)&tcmp=ReLU;ELU',
      '#view=train&tdata=spiral&tbatch=32&topt=Adam(lr=0.02)&tact=GELU&tl1=0.001',
      '#view=train&tdata=gauss&tclasses=3&tfeat=x1,x2,x1x2&topt=RMSprop(lr=0.005,centered=true)&tact=SiLU&tinit=xavier_normal_',
      '#view=train&tdata=plane&tnoise=0.2&twidths=6&topt=AdamW&tact=Softplus&tbias=zeros_',
      '#view=train&tdata=moons&tloss=BCEWithLogitsLoss&topt=SGD(lr=0.5)&tacts=ReLU;Tanh',
    ];
    const pages = [];
    for (const link of links) {
      const { page, errors } = await open(link);
      await page.click('#tr-step');
      await idle(page);
      for (let i = 0; i < 3; i++) { await page.click('#tr-epoch'); await idle(page); }
      const st = await status(page);
      pages.push({ link, code: await page.evaluate(() => window.actlab.train.code()), runs: st.runs, steps: st.step });
      assert.deepEqual(errors, [], link);
      await page.close();
    }
    const driver = 'import sys, json, io, contextlib\nout = []\nfor code in json.load(sys.stdin):\n    buf = io.StringIO()\n    with contextlib.redirect_stdout(buf):\n        exec(code, {"__name__": "__main__"})\n    out.append(buf.getvalue())\nprint(json.dumps(out))\n';
    const r = spawnSync('/usr/bin/python3', ['-c', driver], { input: JSON.stringify(pages.map((p) => p.code)), encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    JSON.parse(r.stdout).forEach((out, i) => {
      const p = pages[i];
      const blocks = out.split(/^== .*$/m).slice(1);
      assert.equal(blocks.length, p.runs.length, p.link);
      blocks.forEach((b, k) => {
        const torch = [...b.matchAll(/^step (\d+): loss (\S+)$/gm)].map((m) => Number(m[2]));
        const page = p.runs[k].train;
        assert.ok(torch.length >= page.length, `${p.link} run ${k}: ${torch.length} steps printed`);
        page.forEach((v, s) => assert.ok(Math.abs(v - torch[s]) <= 1e-4 * Math.abs(torch[s]) + 1e-6, `${p.link} run ${k} step ${s + 1}: page ${v}, torch ${torch[s]}`));
      });
    });
  });
});
