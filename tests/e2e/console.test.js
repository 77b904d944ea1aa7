// The tensor console in headless Chromium: typed tensors print as torch 1.13 prints them, the dim
// selector re-evaluates at once, the heatmap outlines and sums the normalized slices, bad input
// shows PyTorch's message with a caret and keeps the text.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, newPage, ready, idle, editor, fillEditor, typeEditor, editorText } from './browser.js';

const env = useBrowser();

async function open() {
  const { page, errors } = await newPage(env.browser);
  await page.goto(env.url);
  await ready(page);
  await page.waitForSelector('#out-output:not(:empty)');
  return { page, errors };
}

describe('tensor console', () => {
  test('Softmax over a typed 2-D tensor, both dims: torch\'s print, outlined slices summing to 1', async () => {
    const { page, errors } = await open();
    await page.click('#fnlist button[data-fn="Softmax"]');
    await fillEditor(page, 'tensor-input', 'torch.tensor([[1., 2., 3.], [1., 1., 1.]])');
    await idle(page);
    // torch 1.13: print(nn.Softmax(dim=None)(x)) for this 2-D x (implicit dim 1)
    assert.equal(await page.textContent('#out-output'), 'tensor([[0.0900, 0.2447, 0.6652],\n        [0.3333, 0.3333, 0.3333]])');
    assert.equal(await page.textContent('#out-input'), 'tensor([[1., 2., 3.],\n        [1., 1., 1.]])');
    assert.equal(await page.locator('#groups .strip.group').count(), 2);
    assert.deepEqual(await page.$$eval('#groups .cell.sum', (e) => e.map((x) => x.textContent)), ['Σ 1.0000', 'Σ 1.0000']);
    const options = await page.$$eval('#dim option', (e) => e.map((o) => o.textContent));
    assert.deepEqual(options.map((o) => o.replace(/\s+/g, ' ')), ['None (→ 1)', '0 (= -2)', '1 (= -1)']);
    await page.selectOption('#dim', '0');
    await idle(page);
    assert.equal(await page.textContent('#out-output'), 'tensor([[0.5000, 0.7311, 0.8808],\n        [0.5000, 0.2689, 0.1192]])');
    assert.equal(await page.locator('#groups .strip.group').count(), 3);
    assert.match(await page.textContent('#groups .explain'), /dim=0 \(= -2\).*3 groups/);
    assert.equal(await page.textContent('#out-line'), 'y = nn.Softmax(dim=0)(x)');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('bad input: caret message, PyTorch wording, text kept, last output kept', async () => {
    const { page } = await open();
    const good = await page.textContent('#out-output');
    await fillEditor(page, 'tensor-input', 'torch.tensor([[1, 2, 3], [4, 5]])');
    await idle(page);
    const msg = await page.textContent('#console-error');
    assert.match(msg, /expected sequence of length 3 at dim 1 \(got 2\)/);
    assert.match(msg, /\n\s*\^/);
    assert.equal(await editorText(page, 'tensor-input'), 'torch.tensor([[1, 2, 3], [4, 5]])');
    assert.equal(await page.textContent('#out-output'), good);
    await fillEditor(page, 'tensor-input', 'torch.zeros(1001, 1000)');
    await idle(page);
    assert.match(await page.textContent('#console-error'), /1,?000,?000/);
    // An out-of-range dim (kept from a 3-D tensor) gives PyTorch's message.
    await page.click('#fnlist button[data-fn="LogSoftmax"]');
    await fillEditor(page, 'tensor-input', 'torch.ones(2, 2, 2)');
    await idle(page);
    await page.selectOption('#dim', '2');
    await fillEditor(page, 'tensor-input', '[1., 2.]');
    await idle(page);
    assert.equal(await page.textContent('#console-error'), 'Dimension out of range (expected to be in range of [-1, 0], but got 2)');
    await page.close();
  });

  test('elementwise function with a custom grad_output', async () => {
    const { page } = await open();
    await page.click('#fnlist button[data-fn="ReLU"]');
    await fillEditor(page, 'tensor-input', 'torch.linspace(-1, 1, 5)');
    await page.check('#grad-custom');
    await page.fill('#grad-input', '[1., 2., 3., 4., 5.]');
    await idle(page);
    assert.equal(await page.textContent('#out-input'), 'tensor([-1.0000, -0.5000,  0.0000,  0.5000,  1.0000])');
    assert.equal(await page.textContent('#out-output'), 'tensor([0.0000, 0.0000, 0.0000, 0.5000, 1.0000])');
    assert.equal(await page.textContent('#out-grad'), 'tensor([0., 0., 0., 4., 5.])');
    await page.close();
  });

  test('a big pasted literal is parsed in a worker and printed summarized', async () => {
    const { page, errors } = await open();
    await page.click('#fnlist button[data-fn="Softmax"]');
    const text = await page.evaluate(() => `[${Array.from({ length: 300 }, (_, i) => `[${Array.from({ length: 300 }, (_, j) => ((i * 7 + j * 3) % 11 - 5) / 4).join(', ')}]`).join(', ')}]`);
    assert.ok(text.length > 50_000);
    await fillEditor(page, 'tensor-input', text);
    await page.waitForFunction(() => document.getElementById('out-input').textContent.includes('...'));
    const out = await page.textContent('#out-output');
    assert.match(out, /^tensor\(\[\[.*\.\.\./s);
    assert.match(await page.textContent('#groups .explain'), /300 elements/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('randn without a seed runs with one from the text, says which, and can write it in', async () => {
    const { page, errors } = await open();
    await fillEditor(page, 'tensor-input', 'torch.randn(1000, 1000)');
    await idle(page);
    assert.equal(await page.isHidden('#console-error'), true);
    const note = await page.textContent('#console-seed span');
    const seed = +note.match(/manual_seed\((\d+)\)/)[1];
    const out = await page.textContent('#out-output');
    assert.match(out, /^tensor\(\[\[/);
    await page.click('#console-seed button');
    await idle(page);
    assert.equal(await editorText(page, 'tensor-input'), `torch.manual_seed(${seed}); torch.randn(1000, 1000)`);
    assert.equal(await page.isHidden('#console-seed'), true);
    assert.equal(await page.textContent('#out-output'), out, 'the same numbers, now reproducible from the text');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('typing: no error flashes while a bracket is open at the caret; after a pause it shows, and wraps', async () => {
    const { page } = await newPage(env.browser, { width: 375, height: 740 });
    await page.goto(env.url);
    await ready(page);
    await (await editor(page, 'tensor-input')).click();
    await fillEditor(page, 'tensor-input', '');
    // Typed, each bracket is closed as it opens: the text stays valid.
    await typeEditor(page, 'tensor-input', '[[1, 2], [3, 4');
    await idle(page);
    assert.equal(await editorText(page, 'tensor-input'), '[[1, 2], [3, 4]]');
    assert.equal(await page.isHidden('#console-error'), true);
    // The closers deleted, the brackets are open at the caret: no error yet.
    await page.keyboard.press('Delete');
    await page.keyboard.press('Delete');
    await idle(page);
    assert.equal(await editorText(page, 'tensor-input'), '[[1, 2], [3, 4');
    assert.equal(await page.isHidden('#console-error'), true, 'open bracket at the caret: no error yet');
    await typeEditor(page, 'tensor-input', ']]]');
    await idle(page);  // the pause has passed
    assert.equal(await editorText(page, 'tensor-input'), '[[1, 2], [3, 4]]]');
    assert.equal(await page.isVisible('#console-error'), true);
    const fits = await page.evaluate(() => { const e = document.getElementById('console-error'); return e.scrollWidth <= e.clientWidth + 1; });
    assert.ok(fits, 'the error box wraps instead of clipping at 375 px');
    // Back to a bracket still open: hidden while typing; leaving the box shows it at once.
    await fillEditor(page, 'tensor-input', '[1, 2');
    await idle(page);
    assert.equal(await page.isHidden('#console-error'), true);
    await page.click('#fn-title');
    await idle(page);
    assert.match(await page.textContent('#console-error'), /never closed|unexpected end/);
    await page.close();
  });

  test('↑ and ↓ walk through the inputs evaluated before', async () => {
    const { page } = await open();
    for (const text of ['[1., 2.]', 'torch.linspace(-1, 1, 3)', '[[5., 6.]]']) {
      await fillEditor(page, 'tensor-input', text);
      await idle(page);
    }
    await page.focus('#tensor-input');
    await page.keyboard.press('ArrowUp');
    await idle(page);
    assert.equal(await editorText(page, 'tensor-input'), 'torch.linspace(-1, 1, 3)');
    assert.equal(await page.textContent('#out-input'), 'tensor([-1.,  0.,  1.])');
    await page.keyboard.press('ArrowUp');
    assert.equal(await editorText(page, 'tensor-input'), '[1., 2.]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await idle(page);
    assert.equal(await editorText(page, 'tensor-input'), '[[5., 6.]]');
    // Typed key by key, only the finished input joins the history, not each prefix.
    await fillEditor(page, 'tensor-input', '');
    await typeEditor(page, 'tensor-input', '345');
    await idle(page);
    await page.keyboard.press('ArrowUp');
    assert.equal(await editorText(page, 'tensor-input'), '[[5., 6.]]');
    await page.close();
  });
});

