// The code editor (CodeMirror) of the custom-expression box and the console: it replaces each
// textarea once the page is idle, keeping what the textarea had; errors are underlined where the
// message points; undo, Tab, a pasted module's wide panel, and the console's keys.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, newPage, ready, idle, editor, fillEditor, typeEditor, editorText } from './browser.js';

const env = useBrowser();

// The text of the error underline(s) in editor #id, each with the text before it on its line.
const underlines = (page, id) => page.$$eval(`#${id} .cm-lintRange-error`, (spans) => spans.map((span) => {
  const before = document.createRange();
  before.setStart(span.closest('.cm-line'), 0);
  before.setEndBefore(span);
  return { text: span.textContent, before: before.toString() };
}));

const MODULE = `class Swish(nn.Module):
    """x * sigmoid(beta * x), with a learnable beta."""

    def __init__(self, beta=1.0):
        super().__init__()
        self.beta = nn.Parameter(torch.tensor(beta))

    def forward(self, x):
        # beta = 1 is SiLU; as beta grows it tends to ReLU
        return x * torch.sigmoid(self.beta * x)
`;

describe('code editor', () => {
  test('after load it replaces the textarea in place: text, selection, focus, label, aria-invalid', async () => {
    // No service worker: the editor's chunk is held below by page.route().
    const { page, errors } = await newPage(env.browser, { serviceWorkers: 'block' });
    // The editor's chunk is held back, so the textarea can be used first.
    let release;
    const gate = new Promise((r) => { release = r; });
    await page.route(/\/assets\/editor-[\w-]+\.js$/, async (route) => { await gate; await route.continue(); });
    await page.goto(env.url);
    await ready(page);
    assert.equal(await page.evaluate(() => document.getElementById('expr').tagName), 'TEXTAREA');
    await page.fill('#expr', 'x * torch.sigmoud(x)');
    await page.waitForSelector('textarea#expr[aria-invalid="true"]');
    await page.evaluate(() => document.getElementById('expr').setSelectionRange(4, 9));
    release();
    await idle(page);
    const ed = await editor(page, 'expr');
    assert.equal(await page.$$eval('textarea#expr, textarea#tensor-input', (e) => e.length), 0);
    assert.equal(await editorText(page, 'expr'), 'x * torch.sigmoud(x)');
    assert.deepEqual(await page.evaluate(() => { const e = window.actlab.editors.expr; return [e.selectionStart, e.selectionEnd]; }), [4, 9]);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'expr', 'the focus stays in the box');
    assert.equal(await ed.getAttribute('aria-invalid'), 'true');
    assert.equal(await ed.getAttribute('role'), 'textbox');
    // Named by its label, which also focuses it.
    const label = (await page.textContent('label[for="expr"]')).trim();
    assert.ok(label.length > 10);
    assert.equal(await page.getByRole('textbox', { name: label }).count(), 1);
    await page.click('#fn-title');
    await page.click('label[for="expr"]');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'expr');
    // The error it carried over is underlined at once.
    assert.deepEqual(await underlines(page, 'expr'), [{ text: 'sigmoud', before: 'x * torch.' }]);
    // The console's text carried over too, and the editor's code came after the first curve.
    assert.equal(await editorText(page, 'tensor-input'), await page.evaluate(() => window.actlab.store.get().tensor));
    const late = await page.evaluate(() => {
      const first = performance.getEntriesByName('actlab:first-curve')[0].startTime;
      return performance.getEntriesByType('resource').filter((e) => /\/editor-[\w-]+\.js$/.test(e.name)).map((e) => e.startTime > first);
    });
    assert.deepEqual(late, [true]);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a syntax error is underlined where the message points; fixing it removes the underline', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(env.url);
    await ready(page);
    await fillEditor(page, 'expr', 'alpha = 1.0\nx * torch.sigmoud(alpha * x)');
    await idle(page);
    assert.match(await page.textContent('#expr-error'), /\(line 2, column 11\)/);
    assert.deepEqual(await underlines(page, 'expr'), [{ text: 'sigmoud', before: 'x * torch.' }]);
    assert.equal(await page.getAttribute('#expr', 'aria-invalid'), 'true');
    // Fixed key by key: 'sigmoud' -> 'sigmoid'.
    await page.keyboard.press('ControlOrMeta+End');
    for (let i = 0; i < '(alpha * x)'.length; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await typeEditor(page, 'expr', 'id');
    await idle(page);
    assert.equal(await editorText(page, 'expr'), 'alpha = 1.0\nx * torch.sigmoid(alpha * x)');
    assert.deepEqual(await underlines(page, 'expr'), []);
    assert.equal(await page.getAttribute('#expr', 'aria-invalid'), 'false');
    assert.equal(await page.isHidden('#expr-error'), true);
    // An error at the end of the text (nothing to underline) is a point there.
    await fillEditor(page, 'expr', 'x +');
    await idle(page);
    assert.equal(await page.locator('#expr .cm-lintPoint-error').count(), 1);
    // The console marks its parse errors the same way once the box is left.
    await fillEditor(page, 'tensor-input', 'torch.tensor([[1, 2, 3], [4, 5]])');
    await page.click('#fn-title');
    await idle(page);
    const col = +(await page.textContent('#console-error')).match(/column (\d+)\)/)[1];
    const [mark] = await underlines(page, 'tensor-input');
    assert.equal(mark.before.length, col - 1, JSON.stringify(mark));
    assert.equal(await page.getAttribute('#tensor-input', 'aria-invalid'), 'true');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('Ctrl+Z undoes an edit (and the state follows), Ctrl+Shift+Z redoes it; Tab indents, Escape then Tab leaves', async () => {
    const { page } = await newPage(env.browser);
    await page.goto(`${env.url}#fn=Custom&expr=${encodeURIComponent('x * 2')}`);
    await ready(page);
    await (await editor(page, 'expr')).focus();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText(' + 1');
    await idle(page);
    assert.equal(await page.evaluate(() => window.actlab.store.get().expr), 'x * 2 + 1');
    await page.keyboard.press('ControlOrMeta+Z');
    assert.equal(await editorText(page, 'expr'), 'x * 2');
    await idle(page);
    assert.equal(await page.evaluate(() => window.actlab.store.get().expr), 'x * 2');
    await page.keyboard.press('ControlOrMeta+Shift+Z');
    assert.equal(await editorText(page, 'expr'), 'x * 2 + 1');
    await idle(page);
    assert.equal(await page.evaluate(() => window.actlab.store.get().expr), 'x * 2 + 1');
    // Tab indents the line and keeps the focus; Escape then Tab moves on (keyboard users).
    await page.keyboard.press('Tab');
    assert.match(await editorText(page, 'expr'), /^\s+x \* 2 \+ 1$/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'expr');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await editorText(page, 'expr'), 'x * 2 + 1');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'expr-plot');
    await page.close();
  });

  for (const width of [1280, 375]) {
    test(`pasting a 10-line module opens the wide panel (${width} px)`, async () => {
      const { page, context, errors } = await newPage(env.browser, { width, height: 800 });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.url });
      await page.goto(env.url);
      await ready(page);
      assert.equal(await page.evaluate(() => document.getElementById('custom').classList.contains('wide')), false);
      const narrow = await page.evaluate(() => document.getElementById('custom').getBoundingClientRect().width);
      await page.evaluate((t) => navigator.clipboard.writeText(t), MODULE);
      await (await editor(page, 'expr')).focus();
      await page.keyboard.press('ControlOrMeta+V');
      await idle(page);
      assert.equal(await editorText(page, 'expr'), MODULE);
      assert.equal(MODULE.trimEnd().split('\n').length, 10);
      const box = await page.evaluate(() => {
        const panel = document.getElementById('custom'), panels = panel.parentElement;
        const scroller = panel.querySelector('.cm-scroller');
        return {
          wide: panel.classList.contains('wide'),
          width: panel.getBoundingClientRect().width,
          full: panels.getBoundingClientRect().width,
          lines: panel.querySelectorAll('.cm-line').length,
          clipped: scroller.scrollHeight > scroller.clientHeight + 1,
          overflow: document.documentElement.scrollWidth - innerWidth,
        };
      });
      assert.ok(box.wide, JSON.stringify(box));
      assert.ok(Math.abs(box.width - box.full) < 1, `the panel spans the layout: ${JSON.stringify(box)}`);
      if (width === 1280) assert.ok(box.width > narrow * 2, `${narrow} -> ${box.width}`);
      assert.equal(box.lines, 11, 'every line is shown (the last one empty)');
      assert.equal(box.clipped, false, 'all of it, without scrolling');
      assert.ok(box.overflow <= 0, `no horizontal page overflow: ${box.overflow}px`);
      // Back to one line, back to its column.
      await fillEditor(page, 'expr', 'x * torch.sigmoid(x)');
      await idle(page);
      assert.equal(await page.evaluate(() => document.getElementById('custom').classList.contains('wide')), false);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test('console: typing evaluates, Enter starts a new line (as in the textarea), ↑ on the first line recalls', async () => {
    const { page, errors } = await newPage(env.browser);
    await page.goto(`${env.url}#fn=ReLU`);
    await ready(page);
    await fillEditor(page, 'tensor-input', '[1., 2.]');
    await idle(page);
    await fillEditor(page, 'tensor-input', '');
    // Key by key: each bracket closes as it opens and typing its closer steps over it.
    await typeEditor(page, 'tensor-input', 'torch.tensor([-1., 2.])');
    await idle(page);
    assert.equal(await editorText(page, 'tensor-input'), 'torch.tensor([-1., 2.])');
    assert.equal(await page.textContent('#out-output'), 'tensor([0., 2.])');
    await page.keyboard.press('Enter');
    await idle(page);
    assert.equal(await editorText(page, 'tensor-input'), 'torch.tensor([-1., 2.])\n');
    assert.equal(await page.textContent('#out-output'), 'tensor([0., 2.])');
    assert.equal(await page.isHidden('#console-error'), true);
    // On the second line ↑ moves the caret; on the first it recalls the inputs before.
    await page.keyboard.press('ArrowUp');
    assert.equal(await editorText(page, 'tensor-input'), 'torch.tensor([-1., 2.])\n');
    await page.keyboard.press('ArrowUp');
    assert.equal(await editorText(page, 'tensor-input'), 'torch.tensor([-1., 2.])');
    await page.keyboard.press('ArrowUp');
    await idle(page);
    assert.equal(await editorText(page, 'tensor-input'), '[1., 2.]');
    assert.equal(await page.textContent('#out-output'), 'tensor([1., 2.])');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
