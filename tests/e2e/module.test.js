// Pasted nn.Module classes in the page: the tutorial's ELU class compiles, plots equal to nn.ELU
// with a zero difference panel, its alpha slider moves the curve, and the link reopens it all.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, newPage, ready, idle, fillEditor, editorText } from './browser.js';

const env = useBrowser();

const ELU_CLASS = `import torch
import torch.nn as nn
import torch.nn.functional as F

class ELU(nn.Module):
    def __init__(self, alpha=1.0):
        super(ELU, self).__init__()
        self.alpha=alpha
    def forward(self, x):
        temp1 = F.relu(x)
        temp2 = self.alpha * (-1*F.relu(1-torch.exp(x)))
        return temp1 + temp2
`;

const TWO_CLASSES = `import numpy as np
class GELU(nn.Module):
    def forward(self, x):
        print("tanh form")
        return 0.5*x*(1+torch.tanh(np.sqrt(2/np.pi)*(x+0.044715*torch.pow(x,3))))

class Swish(nn.Module):
    def __init__(self, beta=1.0):
        super().__init__()
        assert beta != 0, "beta should not be equal to 0"
        self.beta = beta
    def forward(self, x):
        return x * torch.sigmoid(self.beta * x)

m = GELU()
plt.plot(x, m(x))
`;

describe('pasted nn.Module classes', () => {
  test('the ELU class: curve equal to nn.ELU, difference 0, alpha slider, link round trip', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(env.url);
    await ready(page);
    await fillEditor(page, 'expr', ELU_CLASS);
    await idle(page);
    await page.click('#expr-plot');
    await idle(page);
    assert.equal(await page.evaluate(() => window.actlab.store.get().fn), 'Custom');
    assert.equal(await page.evaluate(() => window.actlab.lab.spec('Custom').cls), 'ELU');
    // Compare with PyTorch: nn.ELU is drawn with it and the difference is exactly 0.
    await page.selectOption('#expr-ref', 'ELU');
    await idle(page);
    assert.equal(await page.isVisible('#diff'), true);
    assert.match(await page.textContent('#diff-summary'), /^f: identical .* · f′: identical/);
    assert.deepEqual(await page.evaluate(() => {
      const d = document.getElementById('diff-summary').dataset;
      return [d.maxF, d.maxDf];
    }), ['0', '0']);
    const series = await page.evaluate(() => window.actlab.plot.uplot.series.map((s) => s.label));
    assert.ok(series.includes('ELU'), series.join());
    // The signature's alpha is a slider: moving it moves the curve (and the difference appears).
    await page.fill('.param[data-param="alpha"] input[type="number"]', '0.5');
    await idle(page);
    assert.ok(Math.abs(await page.evaluate(() => window.actlab.plot.uplot.data[1][0]) - 0.5 * Math.expm1(-6)) < 1e-6);
    assert.match(await page.textContent('#diff-summary'), /max \|difference\| = 0\.4987/);
    // nn.ELU's own alpha follows in the comparison's inputs: difference 0 again.
    await page.fill('#expr-ref-params [data-param="alpha"]', '0.5');
    await page.press('#expr-ref-params [data-param="alpha"]', 'Enter');
    await idle(page);
    assert.match(await page.textContent('#diff-summary'), /^f: identical/);
    // The link carries the class, its alpha and the comparison; reopening shows the same.
    const link = page.url();
    assert.match(link, /expr=.*class%20ELU/);
    assert.match(link, /alpha=0\.5/);
    assert.match(link, /ref=ELU\(alpha=0\.5\)/);
    const b = await newPage(env.browser);
    await b.page.goto(link);
    await ready(b.page);
    assert.equal(await b.page.inputValue('.param[data-param="alpha"] input[type="number"]'), '0.5');
    assert.match(await b.page.textContent('#diff-summary'), /^f: identical .* · f′: identical/);
    assert.deepEqual(await b.page.evaluate(() => Array.from(window.actlab.plot.uplot.data[1])),
      await page.evaluate(() => Array.from(window.actlab.plot.uplot.data[1])));
    // An embed of the same link draws the class and nn.ELU, identical.
    const e = await newPage(env.browser);
    await e.page.goto(`${env.url}embed.html${new URL(link).hash}`);
    await e.page.waitForFunction(() => window.actlab?.plot?.uplot?.data?.[3]?.length > 0);
    const embedded = await e.page.evaluate(() => {
      const u = window.actlab.plot.uplot;
      return { labels: u.series.slice(1).map((x) => x.label), same: u.data[1].every((v, i) => v === u.data[3][i]) };
    });
    assert.deepEqual(embedded, { labels: ['Custom(alpha=0.5)', 'Custom(alpha=0.5)′', 'ELU(alpha=0.5)', 'ELU(alpha=0.5)′'], same: true });
    assert.deepEqual([...errors, ...b.errors, ...e.errors], []);
    await page.close();
    await b.page.close();
    await e.page.close();
  });

  test('two classes: a selector, print output, notes on code not run, a real difference from nn.GELU', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(env.url);
    await ready(page);
    await fillEditor(page, 'expr', TWO_CLASSES);
    await idle(page);
    await page.click('#expr-plot');
    await idle(page);
    assert.equal(await page.isVisible('#expr-class'), true);
    assert.deepEqual(await page.$$eval('#expr-class option', (o) => o.map((x) => x.value)), ['GELU', 'Swish']);
    assert.match(await page.textContent('#expr-output'), /^tanh form\n# line 16 not run/);
    await page.selectOption('#expr-ref', 'GELU');
    await idle(page);
    const summary = await page.textContent('#diff-summary');
    assert.match(summary, /^f: max \|difference\| = /);
    const maxF = await page.evaluate(() => +document.getElementById('diff-summary').dataset.maxF);
    assert.ok(maxF > 1e-5 && maxF < 1e-3, String(maxF));
    // The other class: its beta slider, and its assert failing as Python's.
    await page.selectOption('#expr-class', 'Swish');
    await idle(page);
    assert.match(page.url(), /cls=Swish/);
    await page.fill('.param[data-param="beta"] input[type="number"]', '0');
    await idle(page);
    assert.match(await page.textContent('#plot-error'), /AssertionError: beta should not be equal to 0/);
    assert.equal(await editorText(page, 'expr'), TWO_CLASSES);  // the text is kept
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a forward using a bare name: NameError at its line, text and last curve kept', async () => {
    const { page } = await newPage(env.browser);
    await page.goto(env.url);
    await ready(page);
    const src = ELU_CLASS.replace('self.alpha * (', 'alpha * (');
    await fillEditor(page, 'expr', src);
    await idle(page);
    const err = await page.textContent('#expr-error');
    assert.match(err, /NameError: name 'alpha' is not defined\. Did you mean: 'self\.alpha'\?/);
    assert.match(err, /line 11/);
    // The editor underlines the name itself on that line.
    const marks = await page.$$eval('#expr .cm-lintRange-error', (spans) => spans.map((x) => x.textContent));
    assert.deepEqual(marks, ['alpha']);
    assert.equal(await editorText(page, 'expr'), src);
    await page.close();
  });

  test('a hand-written softmax is dim-wise: the component view, the console along the chosen dim, nn.Softmax compared', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(env.url);
    await ready(page);
    await fillEditor(page, 'expr', `class Softmax(nn.Module):
    # 从零实现 softmax
    def __init__(self, dim=1):
        super(Softmax, self).__init__()
        self.dim = dim
    def forward(self, X):
        X_exp = X.exp()
        partition = X_exp.sum(dim=self.dim, keepdim=True)
        return X_exp / partition  # 广播
`);
    await idle(page);
    await page.click('#expr-plot');
    await idle(page);
    assert.equal(await page.isVisible('#vector-box'), true);  // one component against x, the others from the vector
    await page.selectOption('#expr-ref', 'Softmax');
    await idle(page);
    const maxF = await page.evaluate(() => +document.getElementById('diff-summary').dataset.maxF);
    assert.ok(maxF < 1e-6, String(maxF));  // rounding only: exp / sum against torch's fused kernel
    await fillEditor(page, 'tensor-input', '[[1., 2., 3.], [0., 0., 1.]]');
    await idle(page);
    // torch.softmax(x, 1) and (x, 0), printed by torch 1.13
    assert.equal(await page.textContent('#out-output'), 'tensor([[0.0900, 0.2447, 0.6652],\n        [0.2119, 0.2119, 0.5761]])');
    await page.selectOption('#dim', '0');
    await idle(page);
    assert.equal(await page.textContent('#out-output'), 'tensor([[0.7311, 0.8808, 0.8808],\n        [0.2689, 0.1192, 0.1192]])');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
