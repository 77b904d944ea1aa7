// Share links: opening one restores exactly that view; tampered fields are dropped with a notice
// and nothing from the URL runs; back/forward walk through states.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, newPage, ready, idle, fillEditor, editorText } from './browser.js';

const env = useBrowser();

async function open(hash, opts) {
  const { page, errors } = await newPage(env.browser, opts);
  await page.goto(`${env.url}${hash}`);
  await ready(page);
  return { page, errors };
}
const snapshot = (page) => page.evaluate(() => {
  const { store, plot } = window.actlab;
  store.flush();
  const u = plot.uplot;
  return { state: store.get(), series: u.series.slice(1).map((s) => s.label), data: u.data.map((d) => Array.from(d.filter((_, i) => i % 97 === 0))) };
});

describe('share links', () => {
  test('a configured view survives Copy link -> open', async () => {
    const { page, errors } = await open('');
    await page.click('#fnlist button[data-fn="ReLU"]');
    await page.click('#pin');
    await page.click('#fnlist button[data-fn="ELU"]');
    await page.fill('.param[data-param="alpha"] input[type="number"]', '0.5');
    await page.fill('#x-lo', '-3');
    await page.fill('#x-hi', '2');
    await page.check('#shade');
    await page.selectOption('#lang', 'zh');
    await page.selectOption('#theme', 'dark');
    await fillEditor(page, 'tensor-input', 'torch.linspace(-2, 2, 5)');
    await page.waitForFunction(() => location.hash.includes('tensor='));
    const link = page.url();
    assert.match(link, /#.*fn=ELU.*alpha=0\.5/);
    const a = await snapshot(page);
    const b = await open(new URL(link).hash, {});
    const bs = await snapshot(b.page);
    assert.deepEqual(bs.series, a.series);
    assert.deepEqual(bs.data, a.data);
    for (const k of ['fn', 'overlays', 'x', 'y', 'shade', 'lang', 'theme', 'tensor']) assert.deepEqual(bs.state[k], a.state[k], k);
    assert.equal(await b.page.inputValue('.param[data-param="alpha"] input[type="number"]'), '0.5');
    assert.equal(await b.page.getAttribute('html', 'data-theme'), 'dark');
    assert.equal(await b.page.textContent('.tab[data-view="plot"]'), '曲线');
    await b.page.waitForFunction(() => document.getElementById('out-output').textContent.startsWith('tensor(['));
    assert.equal(await b.page.textContent('#out-output'), 'tensor([-0.4323, -0.3161,  0.0000,  1.0000,  2.0000])');
    assert.ok(await b.page.isHidden('#notice'));
    assert.deepEqual([...errors, ...b.errors], []);
    await page.close();
    await b.page.close();
  });

  test('tampered and hostile fields are dropped with a notice; the rest applies; nothing runs', async () => {
    const hostile = '#fn=Mish&x=abc&alpha=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E&cmp=ReLU;%22%3E%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E&y=-1,2&__proto__=1';
    const { page, errors } = await open(hostile);
    const s = await snapshot(page);
    assert.equal(s.state.fn, 'Mish');
    assert.deepEqual(s.state.y, [-1, 2]);
    assert.deepEqual(s.state.x, [-6, 6]);
    assert.deepEqual(s.state.overlays, [{ fn: 'ReLU', params: {} }]);
    assert.ok(await page.isVisible('#notice'));
    const notes = await page.$$eval('#notice-list li', (e) => e.map((x) => x.textContent));
    assert.ok(notes.length >= 3, notes.join(' | '));
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.equal(await page.evaluate(() => [...document.scripts].filter((e) => /pwned|alert/.test(e.textContent)).length), 0);
    assert.equal(await page.evaluate(() => ({}).constructor === Object && Object.keys(Object.prototype).length), 0);
    assert.deepEqual(errors.filter((e) => !/404/.test(e)), []);
    await page.close();
  });

  test('back and forward move through states', async () => {
    // Two history entries made by navigation (clicks within 600 ms share one entry, by design).
    const { page } = await open('#fn=ReLU');
    await page.evaluate(() => { location.hash = 'fn=Tanh'; });
    await page.waitForFunction(() => window.actlab.store.get().fn === 'Tanh');
    await page.goBack();
    await page.waitForFunction(() => window.actlab.store.get().fn === 'ReLU');
    assert.equal(await page.textContent('#fn-title'), 'ReLU');
    await page.goForward();
    await page.waitForFunction(() => window.actlab.store.get().fn === 'Tanh');
    await page.close();
  });
});

describe('export', () => {
  test('PNG, SVG and CSV downloads have the expected content', async () => {
    const { page, errors } = await open('#fn=ELU&alpha=0.5&cmp=ReLU&x=-2,2');
    const grab = async (id) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click(id)]);
      const { readFileSync } = await import('node:fs');
      return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
    };
    const csv = await grab('#export-csv');
    assert.equal(csv.name, 'ELU-ReLU.csv');
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM for spreadsheets');
    const lines = csv.bytes.toString().replace(/^\ufeff/, '').trim().split('\n');
    assert.equal(lines[0], 'x,ELU(alpha=0.5),ELU(alpha=0.5)′,ReLU,ReLU′');
    assert.equal(lines.length, 2001);
    const plotted = await page.evaluate(() => window.actlab.plot.uplot.data.map((d) => [d[0], d[1234]]));
    for (const [row, k] of [[lines[1], 0], [lines[1235], 1]]) {
      assert.deepEqual(row.split(',').map(Number).map(Math.fround), plotted.map((c) => c[k]));
    }
    const svg = await grab('#export-svg');
    const text = svg.bytes.toString();
    assert.match(text, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((text.match(/<path class="curve"/g) ?? []).length, 4);
    assert.ok((text.match(/<path d=|<circle /g) ?? []).length > 10, 'the pinned curve carries markers');
    assert.match(text, /ELU\(alpha=0\.5\)′/);
    assert.match(text, /class="axis-x">x<\/text>/);
    assert.match(text, /class="axis-y">f\(x\), f′\(x\)<\/text>/);
    const png = await grab('#export-png');
    assert.deepEqual([...png.bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    assert.ok(png.bytes.length > 5000);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('exports are light, dark or transparent whatever the screen shows', async () => {
    const { page, errors } = await open('#fn=ELU&cmp=ReLU&theme=dark', { colorScheme: 'dark' });
    const grab = async (id) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click(id)]);
      const { readFileSync } = await import('node:fs');
      return readFileSync(await dl.path());
    };
    const full = (h) => (h?.length === 4 ? `#${[...h.slice(1)].map((c) => c + c).join('')}` : h);  // the build writes #fff
    const bg = (svg) => full(svg.toString().match(/^<rect width="\d+" height="\d+" fill="([^"]+)"\/>$/m)?.[1] ?? null);
    const light = await grab('#export-svg');  // light is the default: tutorials are mostly light pages
    assert.equal(bg(light), '#ffffff');
    await page.selectOption('#export-theme', 'dark');
    assert.equal(bg(await grab('#export-svg')), '#181c24');
    await page.selectOption('#export-theme', 'transparent');
    assert.equal(bg(await grab('#export-svg')), null);
    // The PNG is the same drawing: a transparent one has transparent corners.
    const png = await grab('#export-png');
    const alpha = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = Object.assign(document.createElement('canvas'), { width: img.width, height: img.height });
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      return [g.getImageData(1, 1, 1, 1).data[3], img.width];
    }, png.toString('base64'));
    assert.deepEqual(alpha, [0, 1600]);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('what a link holds', () => {
  test('every expression the compiler takes travels in the link and survives a reload', async () => {
    const { page, errors } = await open('');
    // 2,993 characters, 4,353 once escaped; a zero-width space in a comment; 3,999 characters.
    const long = `alpha = 1.0\ntorch.where(x > 0, x, alpha * (torch.exp(x) - 1))  # ${'é '.repeat(1464)}`;
    const zw = 'x * torch.sigmoid(x)  # zero\u200bwidth';
    const edge = `x * torch.sigmoid(x)  # ${'a'.repeat(3999 - 24)}`;
    assert.equal(long.length, 2993);
    assert.equal(edge.length, 3999);
    for (const expr of [long, zw, edge]) {
      await fillEditor(page, 'expr', expr);
      await idle(page);
      assert.match(page.url(), /expr=/);
      assert.equal(await page.isHidden('#link-status'), true);
      await page.reload();
      await ready(page);
      await idle(page);
      assert.equal(await editorText(page, 'expr'), expr);
      assert.equal(await page.isHidden('#notice'), true);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('what a link cannot hold is said next to Copy link, downloadable, and kept across a reload', async () => {
    const { page, errors } = await open('');
    const text = `[${Array.from({ length: 900 }, (_, i) => (i / 7).toFixed(3)).join(', ')}]`;
    assert.ok(text.length > 4000);
    await fillEditor(page, 'tensor-input', text);
    await idle(page);
    assert.equal(await page.isVisible('#link-status'), true);
    assert.match(await page.textContent('#link-status'), /Console input: longer than 4000 characters/);
    assert.doesNotMatch(page.url(), /tensor=/);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#link-status li[data-key="tensor"] button')]);
    assert.equal(dl.suggestedFilename(), 'tensor.txt');
    const { readFile } = await import('node:fs/promises');
    assert.equal(await readFile(await dl.path(), 'utf8'), text);
    const out = await page.textContent('#out-output');
    await page.reload();
    await ready(page);
    await idle(page);
    assert.equal(await editorText(page, 'tensor-input'), text);
    assert.equal(await page.textContent('#out-output'), out);
    assert.equal(await page.isVisible('#link-status'), true);
    // Back under the limit: the link holds it again and the notice goes.
    await fillEditor(page, 'tensor-input', '[1., 2.]');
    await idle(page);
    assert.equal(await page.isHidden('#link-status'), true);
    assert.match(page.url(), /tensor=/);
    // A fresh page on the same link does not inherit an unrelated draft.
    const b = await open('#fn=ReLU');
    await idle(b.page);
    assert.notEqual(await editorText(b.page, 'tensor-input'), text);
    assert.deepEqual(errors, []);
    await page.close();
    await b.page.close();
  });
});

