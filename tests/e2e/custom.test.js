// Custom activations in the page: typed, compiled by the C++ engine, plotted with their autodiff
// derivative, pinned next to built-ins, in the gallery and console, carried by links and embeds.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, newPage, ready, idle, editor, fillEditor, typeEditor, editorText } from './browser.js';

const env = useBrowser();


describe('custom activations', () => {
  test('type an expression: plot, derivative, parameter slider, console, link, gallery', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(env.url);
    await ready(page);
    await fillEditor(page, 'expr', 'alpha = 1.0\ntorch.where(x > 0, x, alpha * (torch.exp(x) - 1))');
    await idle(page);
    await page.click('#expr-plot');
    await idle(page);
    assert.equal(await page.evaluate(() => window.actlab.store.get().fn), 'Custom');
    // It is ELU: the custom curve equals the built-in kernel's within float32 tolerance.
    const cmp = await page.evaluate(() => {
      const { lab, plot } = window.actlab;
      const u = plot.uplot;
      const x = u.data[0];
      const f = lab.forward('ELU', x), d = lab.backward('ELU', x, new Float32Array(x.length).fill(1));
      let ef = 0, ed = 0;
      for (let i = 0; i < x.length; i++) { ef = Math.max(ef, Math.abs(f[i] - u.data[1][i])); ed = Math.max(ed, Math.abs(d[i] - u.data[2][i])); }
      return { ef, ed, label: u.series[1].label };
    });
    assert.ok(cmp.ef < 1e-5 && cmp.ed < 1e-5, JSON.stringify(cmp));
    assert.equal(cmp.label, 'Custom');
    // The parameter from `alpha = 1.0` gets a slider.
    await page.fill('.param[data-param="alpha"] input[type="number"]', '0.5');
    await page.waitForFunction(() => window.actlab.plot.uplot.data[1][0] > -0.51 && window.actlab.plot.uplot.data[1][0] < -0.49);
    // Console, PyTorch module snippet, link.
    await fillEditor(page, 'tensor-input', '[-1., 0., 2.]');
    await idle(page);
    assert.equal(await page.textContent('#out-output'), 'tensor([-0.3161,  0.0000,  2.0000])');
    assert.match(await page.textContent('#code'), /class Custom\(nn\.Module\):[\s\S]*return torch\.where\(x > 0, x, alpha \* \(torch\.exp\(x\) - 1\)\)/);
    const link = page.url();
    assert.match(link, /expr=/);
    const b = await newPage(env.browser);
    await b.page.goto(link);
    await ready(b.page);
    assert.equal(await b.page.evaluate(() => window.actlab.store.get().fn), 'Custom');
    assert.equal(await b.page.inputValue('.param[data-param="alpha"] input[type="number"]'), '0.5');
    assert.deepEqual(await b.page.evaluate(() => Array.from(window.actlab.plot.uplot.data[1].slice(0, 3))), await page.evaluate(() => Array.from(window.actlab.plot.uplot.data[1].slice(0, 3))));
    await b.page.click('.tab[data-view="gallery"]');
    await b.page.waitForSelector('#gallery .card[data-fn="Custom"] canvas');
    assert.deepEqual([...errors, ...b.errors], []);
    await page.close();
    await b.page.close();
  });

  test('bad expressions show a caret, keep the text and the last good curve', async () => {
    const { page } = await newPage(env.browser);
    await page.goto(`${env.url}#fn=Custom&expr=x%20*%20torch.sigmoid(x)`);
    await ready(page);
    const good = await page.evaluate(() => Array.from(window.actlab.plot.uplot.data[1].slice(0, 5)));
    await fillEditor(page, 'expr', 'x * torch.sigmoud(x)');
    await idle(page);
    const msg = await page.textContent('#expr-error');
    assert.match(msg, /sigmoud/);
    assert.match(msg, /\n\s*\^/);
    assert.equal(await editorText(page, 'expr'), 'x * torch.sigmoud(x)');
    assert.deepEqual(await page.evaluate(() => Array.from(window.actlab.plot.uplot.data[1].slice(0, 5))), good);
    // The plot says it shows the last version that compiled; that version cannot be re-plotted as new.
    assert.equal(await page.isVisible('#plot-stale'), true);
    assert.equal(await page.isDisabled('#expr-plot'), true);
    // The link keeps the last expression that compiled, and says so next to Copy link.
    assert.match(decodeURIComponent(page.url()), /expr=x \* torch\.sigmoid\(x\)(&|$)/);
    assert.match(await page.textContent('#link-status li[data-key="expr"]'), /does not compile/);
    const link = page.url();
    const b = await newPage(env.browser);
    await b.page.goto(link);
    await ready(b.page);
    await idle(b.page);
    assert.equal(await b.page.isHidden('#notice'), true, 'no "parts of this link were ignored"');
    assert.equal(await b.page.evaluate(() => window.actlab.store.get().fn), 'Custom');
    assert.deepEqual(await b.page.evaluate(() => Array.from(window.actlab.plot.uplot.data[1].slice(0, 5))), good);
    // A reload of the same page keeps the broken text being edited (this browser's draft).
    await page.reload();
    await ready(page);
    await idle(page);
    assert.equal(await editorText(page, 'expr'), 'x * torch.sigmoud(x)');
    assert.deepEqual(await page.evaluate(() => Array.from(window.actlab.plot.uplot.data[1].slice(0, 5))), good);
    // Fixed: the link follows again.
    await fillEditor(page, 'expr', 'x * torch.sigmoid(2 * x)');
    await idle(page);
    assert.equal(await page.isHidden('#plot-stale'), true);
    assert.match(decodeURIComponent(page.url()), /expr=x \* torch\.sigmoid\(2 \* x\)/);
    await b.page.close();
    await page.close();
  });

  test('a custom expression in an <actlab-plot> and in embed.html', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(`${env.url}embed.html#fn=Custom&expr=${encodeURIComponent('torch.clamp(x, min=0)')}&cmp=ReLU`);
    await page.waitForFunction(() => window.actlab?.plot?.uplot?.data?.[3]?.length === 1000);
    const same = await page.evaluate(() => { const d = window.actlab.plot.uplot.data; return d[1].every((v, i) => v === d[3][i]); });
    assert.ok(same, 'clamp(x, min=0) equals ReLU everywhere');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('each <actlab-plot> keeps its own custom expression', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(`${env.url}tutorial.html`);
    await page.evaluate(() => {
      for (const [id, expr] of [['twice', 'x * 2'], ['thrice', 'x * 3'], ['square', 'x ** 2']]) {
        const el = document.createElement('actlab-plot');
        el.id = id;
        el.setAttribute('fn', 'Custom');
        el.setAttribute('expr', expr);
        el.setAttribute('x', '-2,2');
        document.body.append(el);
      }
    });
    await page.waitForFunction(() => ['twice', 'thrice', 'square'].every((id) => document.getElementById(id).uplot?.data?.[1]?.length === 1000));
    // Re-render one element (an attribute change): the others keep their functions.
    await page.evaluate(() => document.getElementById('twice').setAttribute('x', '-1,1'));
    await page.waitForFunction(() => document.getElementById('twice').uplot.data[0][0] === -1);
    const r = await page.evaluate(() => ['twice', 'thrice', 'square'].map((id) => {
      const u = document.getElementById(id).uplot;
      return { id, x: u.data[0][999], f: u.data[1][999], label: u.series[1].label };
    }));
    assert.deepEqual(r, [
      { id: 'twice', x: 1, f: 2, label: 'Custom' },
      { id: 'thrice', x: 2, f: 6, label: 'Custom' },
      { id: 'square', x: 2, f: 4, label: 'Custom' },
    ]);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
