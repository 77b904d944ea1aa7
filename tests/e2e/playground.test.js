// The playground in headless Chromium: every function plots f and f' from the wasm kernels,
// controls change the data, gallery / compare / language work, screenshots for a human look.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { useBrowser, newPage, ready, idle, fillEditor, editorText } from './browser.js';

const OUT = 'test-output';
mkdirSync(OUT, { recursive: true });
const env = useBrowser();

async function open(opts) {
  const { page, errors } = await newPage(env.browser, opts);
  await page.goto(env.url);
  await ready(page);
  return { page, errors };
}

// The plotted data at a few indices, and what the library computes at those x independently
// of the plot code (elementwise: one call per point; dim-wise: the row the plot describes).
const probe = (page) => page.evaluate(() => {
  const { lab, store, plot } = window.actlab;
  store.flush();
  const s = store.get();
  const spec = lab.functions.find((f) => f.name === s.fn);
  const u = plot.uplot;
  const params = Object.fromEntries(Object.entries(s.params[s.fn] ?? {}).filter(([k]) => k !== 'dim'));
  const idx = [0, 250, 999, 1000, 1733, u.data[0].length - 1];
  const rows = idx.map((i) => {
    const x = u.data[0][i];
    let f, df;
    if (!spec.dimwise && !spec.halves) {
      f = lab.forward(spec.name, [x], { params })[0];
      df = lab.backward(spec.name, [x], [1], { params })[0];
    } else {
      const K = s.vec.length, c = s.comp ?? K - 1;
      if (spec.halves) {
        const row = [...s.vec, ...s.vec];
        const col = spec.activatedHalf * K + c;
        row[col] = x;
        f = lab.forward(spec.name, row, { params: { dim: -1 }, shape: [1, 2 * K] })[c];
        const g = new Array(K).fill(0); g[c] = 1;
        df = lab.backward(spec.name, row, g, { params: { dim: -1 }, shape: [1, 2 * K] })[col];
      } else if (spec.fixedDim === -3) {
        const row = [...s.vec]; row[c] = x;
        f = lab.forward(spec.name, row, { shape: [K, 1, 1] })[c];
        const g = new Array(K).fill(0); g[c] = 1;
        df = lab.backward(spec.name, row, g, { shape: [K, 1, 1] })[c];
      } else {
        const row = [...s.vec]; row[c] = x;
        f = lab.forward(spec.name, row, { params: { dim: -1 }, shape: [1, K] })[c];
        const g = new Array(K).fill(0); g[c] = 1;
        df = lab.backward(spec.name, row, g, { params: { dim: -1 }, shape: [1, K] })[c];
      }
    }
    return { x, plotF: u.data[1][i], plotDf: u.data[2][i], f, df };
  });
  return { fn: s.fn, n: u.data[0].length, series: u.series.length, shown: u.series.slice(1, 3).map((x) => x.show), rows };
});

describe('playground', () => {
  test('loads without console errors, SIMD kernels, KaTeX formula, GELU by default', async () => {
    const { page, errors } = await open();
    assert.equal(await page.textContent('#fn-title'), 'GELU');
    assert.match(await page.textContent('#build'), /SIMD128/);
    // the footer names the version, package.json's (through lab.version)
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    assert.ok((await page.textContent('#build')).startsWith(`actlab ${version} · `));
    await page.waitForSelector('#latex .katex');
    await page.waitForSelector('#note .summary');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the curve comes first; the list and controls that follow do not move it (phone and desktop)', async () => {
    for (const width of [375, 1280]) {
      const { page, errors } = await newPage(env.browser, { width, height: 800 });
      // The plot's box at the moment the first curve is drawn, before anything else is built.
      await page.addInitScript(() => {
        const mark = performance.mark.bind(performance);
        performance.mark = (name, ...rest) => {
          if (name === 'actlab:first-curve') {
            const r = document.getElementById('plot').getBoundingClientRect();
            window.firstBox = [r.top, r.left, r.width, r.height];
            window.listAtFirst = document.querySelectorAll('#fnlist button').length;
          }
          return mark(name, ...rest);
        };
      });
      await page.goto(env.url);
      await ready(page);
      const box = () => page.evaluate(() => { const r = document.getElementById('plot').getBoundingClientRect(); return [r.top, r.left, r.width, r.height]; });
      const first = await page.evaluate(() => window.firstBox);
      assert.equal(await page.evaluate(() => window.listAtFirst), 0, 'the list is built after the first curve');
      assert.ok(await page.locator('#fnlist button').count() >= 29);
      assert.deepEqual(await box(), first, `plot moved at ${width} px`);
      assert.deepEqual(errors, []);
      await page.close();
    }
  });

  test('every function can be selected; f and f\' are drawn and equal lab.forward / lab.backward', async () => {
    const { page, errors } = await open();
    const names = await page.evaluate(() => window.actlab.lab.functions.map((f) => f.name));
    assert.ok(names.length >= 29);
    for (const name of names) {
      await page.click(`#fnlist button[data-fn="${name}"]`);
      const r = await probe(page);
      assert.equal(r.fn, name);
      assert.equal(r.n, 2000, name);
      assert.equal(r.series, 3, name);
      assert.deepEqual(r.shown, [true, true], name);
      for (const row of r.rows) {
        assert.ok(Object.is(row.plotF, row.f), `${name} f(${row.x}): plotted ${row.plotF}, lab ${row.f}`);
        assert.ok(Object.is(row.plotDf, row.df), `${name} f'(${row.x}): plotted ${row.plotDf}, lab ${row.df}`);
      }
      const finite = await page.evaluate(() => window.actlab.plot.uplot.data[1].filter(Number.isFinite).length);
      assert.ok(finite > 1900, `${name}: ${finite} finite points`);
      assert.equal(await page.getAttribute(`#fnlist button[data-fn="${name}"]`, 'aria-current'), 'true');
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('search filters the list; Enter opens the first match', async () => {
    const { page } = await open();
    await page.fill('#search', 'shrink');
    await page.waitForFunction(() => document.querySelectorAll('#fnlist button').length === 3);
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => document.getElementById('fn-title').textContent === 'Hardshrink');
    await page.close();
  });

  test('a slider drives the kernel: data change continuously and match the new parameter', async () => {
    const { page } = await open();
    await page.click('#fnlist button[data-fn="LeakyReLU"]');
    const before = await probe(page);
    const slider = page.locator('.param[data-param="negative_slope"] input[type="range"]');
    await slider.focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
    const after = await probe(page);
    const slope = await page.evaluate(() => window.actlab.store.get().params.LeakyReLU.negative_slope);
    assert.ok(slope > 0.01, `slope ${slope}`);
    assert.notEqual(after.rows[0].plotF, before.rows[0].plotF);
    for (const row of after.rows) assert.ok(Object.is(row.plotF, row.f) && Object.is(row.plotDf, row.df));
    assert.equal(await page.inputValue('.param[data-param="negative_slope"] input[type="number"]'), String(slope));
    // An invalid value shows PyTorch's message and keeps the last curve.
    await page.click('#fnlist button[data-fn="Hardtanh"]');
    await page.fill('.param[data-param="min_val"] input[type="number"]', '2');
    await page.waitForSelector('#plot-error:not([hidden])');
    assert.match(await page.textContent('#plot-error'), /min_val|max_val/);
    const kept = await page.evaluate(() => window.actlab.plot.uplot.data[1].filter(Number.isFinite).length);
    assert.equal(kept, 2000);
    await page.click('#reset-params');
    await page.waitForSelector('#plot-error', { state: 'hidden' });
    await page.close();
  });

  test('kinks are marked with PyTorch\'s one-sided derivative; shading toggles', async () => {
    const { page } = await open();
    await page.click('#fnlist button[data-fn="ReLU"]');
    await page.waitForSelector('#kinks code');
    assert.equal(await page.textContent('#kinks code'), 'ReLU′(0) = 0');
    await page.click('#fnlist button[data-fn="Hardtanh"]');
    await page.waitForFunction(() => document.querySelectorAll('#kinks code').length === 2);
    assert.deepEqual(await page.$$eval('#kinks code', (e) => e.map((x) => x.textContent)), ['Hardtanh′(-1) = 0', 'Hardtanh′(1) = 0']);
    // Shading: the flat parts (|x| > 1, where Hardtanh′ = 0) get a band behind the curves.
    const pixels = () => page.evaluate(() => {
      const u = window.actlab.plot.uplot;
      const y = Math.round(u.bbox.top + 6);  // above the curves, off the grid lines
      const at = (x) => Array.from(u.ctx.getImageData(Math.round(u.valToPos(x, 'x', true)), y, 1, 1).data).join(',');
      return { flat: at(-3.7), slope: at(0.3), flat2: at(4.3) };
    });
    const off = await pixels();
    assert.equal(off.flat, off.slope);
    await page.check('#shade');
    await idle(page);
    const on = await pixels();
    assert.equal(on.slope, off.slope, 'no band where the function has slope');
    assert.notEqual(on.flat, off.flat, 'a band where f′ = 0');
    assert.equal(on.flat2, on.flat);
    await page.close();
  });

  test('hovering reads out x, f(x) and f\'(x) in the legend, equal to the kernels at that x', async () => {
    const { page } = await open();  // GELU on [-6, 6]
    const box = await page.locator('#plot .u-over').boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.waitForFunction(() => document.querySelector('.u-legend .u-series .u-value')?.textContent !== '—');
    const r = await page.evaluate(() => {
      const u = window.actlab.plot.uplot;
      const i = u.cursor.idx;
      const x = u.data[0][i];
      const lab = window.actlab.lab;
      return {
        values: [...document.querySelectorAll('.u-legend .u-series .u-value')].map((e) => e.textContent),
        x, f: u.data[1][i], df: u.data[2][i],
        kf: lab.forward('GELU', Float32Array.of(x))[0], kdf: lab.backward('GELU', Float32Array.of(x), Float32Array.of(1))[0],
      };
    });
    assert.ok(r.x > 0 && r.x < 6, `cursor at x = ${r.x}`);
    assert.equal(r.f, r.kf);
    assert.equal(r.df, r.kdf);
    const [vx, vf, vdf] = r.values.map(Number);
    assert.ok(Math.abs(vx - r.x) < 1e-3 * Math.max(1, Math.abs(r.x)), `legend x ${r.values[0]} vs ${r.x}`);
    assert.ok(Math.abs(vf - r.f) < 1e-3 * Math.max(1, Math.abs(r.f)), `legend f ${r.values[1]} vs ${r.f}`);
    assert.ok(Math.abs(vdf - r.df) < 1e-3 * Math.max(1, Math.abs(r.df)), `legend f' ${r.values[2]} vs ${r.df}`);
    await page.close();
  });

  test('x range box and drag-zoom resample the curve; double-click resets', async () => {
    const { page } = await open();
    await page.fill('#x-lo', '-2');
    await page.fill('#x-hi', '3');
    await page.waitForFunction(() => { const d = window.actlab.plot.uplot.data[0]; return d[0] === -2 && d[d.length - 1] === 3; });
    const box = await page.locator('#plot .u-over').boundingBox();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.7, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => window.actlab.store.get().x[0] > -2);
    const zoomed = await page.evaluate(() => window.actlab.store.get());
    assert.ok(zoomed.x[1] < 3 && zoomed.y != null);
    await page.dblclick('#plot .u-over');
    await page.waitForFunction(() => window.actlab.store.get().x[0] === -6 && window.actlab.store.get().y === null);
    // The boxes show whole values (Softmax's auto y range starts at -0.0786: clipped at 5.5rem).
    await page.click('#fnlist button[data-fn="Softmax"]');
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForFunction(() => window.actlab.store.get().fn === 'Softmax' && document.getElementById('y-lo').value === '-0.0786');
      for (const v of [null, '-0.000123', '-1.23e+10']) {
        if (v != null) for (const id of ['#x-lo', '#y-lo']) await page.fill(id, v);
        const clipped = await page.$$eval('.range input[type="number"]', (els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => `${e.id}=${e.value}`));
        assert.deepEqual(clipped, [], `width ${width}`);
      }
      await page.click('#reset-view');
    }
    await page.close();
  });

  test('softmax family and gating: component vs one logit, vector editable', async () => {
    const { page } = await open();
    await page.click('#fnlist button[data-fn="Softmax"]');
    let r = await probe(page);
    for (const row of r.rows) assert.ok(Object.is(row.plotF, row.f) && Object.is(row.plotDf, row.df));
    await page.fill('#vector', '1, -2, 0.5, 3');
    await page.selectOption('#comp', '1');
    await page.waitForFunction(() => window.actlab.store.get().comp === 1 && window.actlab.store.get().vec.length === 4);
    r = await probe(page);
    for (const row of r.rows) assert.ok(Object.is(row.plotF, row.f) && Object.is(row.plotDf, row.df));
    await page.fill('#vector', '1, oops');
    await page.waitForSelector('#vector-error:not([hidden])');
    assert.equal(await page.inputValue('#vector'), '1, oops');  // the text is kept
    await page.click('#fnlist button[data-fn="SwiGLU"]');
    r = await probe(page);
    for (const row of r.rows) assert.ok(Object.is(row.plotF, row.f) && Object.is(row.plotDf, row.df));
    await page.close();
  });

  test('compare: a legend entry per overlaid function', async () => {
    const { page, errors } = await open();
    for (const name of ['ReLU', 'SiLU', 'Mish']) {
      await page.click(`#fnlist button[data-fn="${name}"]`);
      await page.click('#pin');
    }
    await page.click('#fnlist button[data-fn="ELU"]');
    await page.fill('.param[data-param="alpha"] input[type="number"]', '0.5');
    await idle(page);
    assert.equal(await page.evaluate(() => window.actlab.plot.uplot.series.length), 9);
    const labels = await page.$$eval('#plot .u-legend .u-series .u-label', (e) => e.map((x) => x.textContent));
    for (const name of ['ELU(alpha=0.5)', 'ReLU', 'SiLU', 'Mish']) {
      assert.ok(labels.includes(name), `${name} in ${labels}`);
      assert.ok(labels.includes(`${name}′`), `${name}′ in ${labels}`);
    }
    assert.equal(await page.locator('#overlays li').count(), 3);
    await page.screenshot({ path: `${OUT}/compare.png` });
    await page.click('#overlays li:first-child .remove');
    await page.waitForFunction(() => window.actlab.plot.uplot.series.length === 7);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('gallery shows every function with its curves; a click opens it', async () => {
    const { page, errors } = await open();
    await page.click('.tab[data-view="gallery"]');
    await page.waitForSelector('#gallery .card canvas');
    const n = await page.evaluate(() => window.actlab.lab.functions.length);
    assert.equal(await page.locator('#gallery .card').count(), n);
    assert.equal(await page.locator('#gallery .card canvas').count(), n);
    // Each chart fits inside its card's padding box (a fixed-width chart overflowed and was clipped).
    const overflow = await page.evaluate(() => [...document.querySelectorAll('#gallery .card')].filter((card) => {
      const c = card.getBoundingClientRect(), k = card.querySelector('canvas').getBoundingClientRect();
      return k.right > c.right - parseFloat(getComputedStyle(card).paddingRight) + 0.5;
    }).map((card) => card.dataset.fn));
    assert.deepEqual(overflow, []);
    await page.screenshot({ path: `${OUT}/gallery.png`, fullPage: true });
    await page.click('#gallery .card[data-fn="Mish"]');
    await page.waitForFunction(() => document.getElementById('fn-title').textContent === 'Mish' && !document.getElementById('view-plot').hidden);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('language switch changes the UI text and the note', async () => {
    const { page } = await open();
    const en = await page.textContent('#note .summary');
    await page.selectOption('#lang', 'zh');
    await page.waitForFunction(() => document.querySelector('.tab[data-view="plot"]').textContent === '曲线');
    await page.waitForFunction((en) => document.querySelector('#note .summary')?.textContent !== en, en);
    assert.match(await page.textContent('#note .summary'), /[\u4e00-\u9fff]/);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-Hans');
    await page.close();
  });

  test('main view screenshots: desktop light, dark, and 375 px without horizontal scrolling', async () => {
    let { page, errors } = await open();
    await page.click('#fnlist button[data-fn="GELU"]');
    await page.waitForSelector('#latex .katex');
    await page.screenshot({ path: `${OUT}/main.png`, fullPage: true });
    await page.close();
    ({ page, errors } = await open({ colorScheme: 'dark' }));
    await page.click('#fnlist button[data-fn="ReLU"]');
    await page.waitForSelector('#kinks code');
    await page.screenshot({ path: `${OUT}/main-dark.png` });
    await page.close();
    ({ page, errors } = await open({ width: 375, height: 800 }));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px at 375 px`);
    await page.screenshot({ path: `${OUT}/main-375.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('switching language re-texts the kink box at once', async () => {
    const { page } = await open();
    await page.click('#fnlist button[data-fn="ReLU"]');
    await idle(page);
    const en = await page.textContent('#kinks h4');
    await page.selectOption('#lang', 'zh');
    await idle(page);
    const zh = await page.textContent('#kinks h4');
    assert.notEqual(zh, en);
    assert.match(zh, /[\u4e00-\u9fff]/);
    await page.close();
  });

  test('each tab brings its view into sight and focuses its input; Enter in search keeps the view', async () => {
    for (const width of [1280, 375]) {
      const { page } = await open({ width, height: 740 });
      const inView = (sel) => page.evaluate((s) => { const r = document.querySelector(s).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }, sel);
      await page.click('.tab[data-view="console"]');
      await idle(page);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'tensor-input');
      assert.ok(await inView('#tensor-input'), `console input in view at ${width}px`);
      await page.fill('#search', 'elu');
      await page.press('#search', 'Enter');
      await idle(page);
      assert.equal(await page.evaluate(() => window.actlab.store.get().view), 'console');
      await page.click('.tab[data-view="plot"]');
      await idle(page);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'fn-title');
      assert.ok(await inView('#fn-title'));
      await page.click('.tab[data-view="gallery"]');
      await idle(page);
      assert.equal(await page.evaluate(() => document.activeElement.className), 'card');
      await page.close();
    }
  });

  test('compare: the same curve cannot be pinned twice, nor a sixth; the button says why', async () => {
    const { page } = await open();
    await page.click('#fnlist button[data-fn="ReLU"]');
    await page.click('#pin');
    await idle(page);
    assert.equal(await page.isDisabled('#pin'), true);
    assert.match(await page.textContent('#pin-why'), /pinned already/);
    assert.equal(await page.locator('#overlays li').count(), 1);
    // Another parameter value is another curve.
    await page.click('#fnlist button[data-fn="ELU"]');
    for (const a of ['0.5', '1.5', '2', '0.25']) {
      await page.fill('.param[data-param="alpha"] input[type="number"]', a);
      await idle(page);
      assert.equal(await page.isDisabled('#pin'), false, a);
      await page.click('#pin');
    }
    await idle(page);
    assert.equal(await page.locator('#overlays li').count(), 5);
    await page.fill('.param[data-param="alpha"] input[type="number"]', '3');
    await idle(page);
    assert.equal(await page.isDisabled('#pin'), true);
    assert.match(await page.textContent('#pin-why'), /At most 5/);
    await page.click('#overlays li:first-child .remove');
    await idle(page);
    assert.equal(await page.isDisabled('#pin'), false);
    assert.equal(await page.isHidden('#pin-why'), true);
    await page.close();
  });

  test('compare: six curves stay apart by colour (also for colour-vision deficiencies) and by marker shape', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const { page } = await open({ colorScheme });
      await page.goto(`${env.url}#fn=GELU&cmp=ReLU;SiLU;ELU;Tanh;Sigmoid`);
      await ready(page);
      await idle(page);
      const colors = await page.evaluate(() => [0, 1, 2, 3, 4, 5].map((i) => getComputedStyle(document.documentElement).getPropertyValue(`--c${i}`).trim()));
      // sRGB -> linear -> (optionally a dichromat's view, Machado et al. 2009) -> CIELAB; ΔE76 between every pair.
      const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      const full = (h) => (h.length === 4 ? `#${[...h.slice(1)].map((c) => c + c).join('')}` : h);  // the build writes #333 for #333333
      const rgb = (hex) => [1, 3, 5].map((i) => lin(parseInt(full(hex).slice(i, i + 2), 16)));
      const SIM = {
        none: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        protan: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
        deutan: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
      };
      const lab = ([r, g, b]) => {
        const f = (t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
        const X = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505, Y = 0.2126 * r + 0.7152 * g + 0.0722 * b, Z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089;
        return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
      };
      for (const [kind, m] of Object.entries(SIM)) {
        const L = colors.map((h) => { const v = rgb(h); return lab(m.map((row) => Math.min(1, Math.max(0, row[0] * v[0] + row[1] * v[1] + row[2] * v[2])))); });
        for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) {
          const d = Math.hypot(L[i][0] - L[j][0], L[i][1] - L[j][1], L[i][2] - L[j][2]);
          assert.ok(d >= 14, `${colorScheme} ${kind}: --c${i} ${colors[i]} and --c${j} ${colors[j]} are ΔE ${d.toFixed(1)} apart`);
        }
      }
      assert.ok(await page.evaluate(() => window.actlab.plot.markersDrawn > 20), 'overlays carry markers');
      await page.close();
    }
  });

  test('shading: the vanishing-gradient threshold is a log slider carried in the link; exploding gradients shade too', async () => {
    const { page } = await open();
    await page.goto(`${env.url}#fn=Sigmoid`);
    await ready(page);
    const px = (x) => page.evaluate((x) => {
      const u = window.actlab.plot.uplot;
      return Array.from(u.ctx.getImageData(Math.round(u.valToPos(x, 'x', true)), Math.round(u.bbox.top + 6), 1, 1).data).join(',');
    }, x);
    const plain = await px(-5.7);
    // σ′ ≥ 0.0025 on ±6: nothing is below 1e-3, so nothing is shaded.
    await page.check('#shade');
    await idle(page);
    assert.equal(await px(-5.7), plain);
    // At 0.01 the tails are (σ′(±5.7) ≈ 0.0033); the middle is not.
    await page.fill('#eps', '-2');
    await idle(page);
    assert.equal(await page.evaluate(() => window.actlab.store.get().eps), 0.01);
    assert.match(page.url(), /eps=0\.01/);
    assert.notEqual(await px(-5.7), plain);
    assert.equal(await px(0.3), plain);
    assert.equal(await page.textContent('#eps-out'), '0.01');
    // Exploding: SELU's slope is 1.0507 for x > 0.
    await page.click('#fnlist button[data-fn="SELU"]');
    await page.uncheck('#shade');
    await page.check('#steep');
    await idle(page);
    assert.match(page.url(), /steep=true/);
    assert.notEqual(await px(3.3), plain);
    assert.equal(await px(-3.3), plain);
    await page.close();
  });

  test('ranges: a bad pair is explained next to the boxes; zoom writes rounded ranges; tiny ranges have readable ticks', async () => {
    const { page } = await open();
    await page.fill('#x-hi', '2');
    await page.fill('#x-lo', '5');
    await idle(page);
    assert.equal(await page.isVisible('#x-error'), true);
    assert.match(await page.textContent('#x-error'), /smaller than the second/);
    assert.deepEqual(await page.evaluate(() => window.actlab.store.get().x), [-6, 2], 'the last valid range stays');
    await page.fill('#x-hi', '5.0000001');
    await idle(page);
    assert.match(await page.textContent('#x-error'), /at least 1e-6/);
    await page.fill('#x-hi', '9');
    await idle(page);
    assert.equal(await page.isHidden('#x-error'), true);
    // A drag across the plot zooms x; the link gets the digits the axis shows.
    const box = await page.locator('#plot .u-over').boundingBox();
    await page.mouse.move(box.x + box.width * 0.23, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.61, box.y + box.height / 2 + 1, { steps: 5 });
    await page.mouse.up();
    await idle(page);
    const x = await page.evaluate(() => window.actlab.store.get().x);
    const span = x[1] - x[0];
    for (const v of x) assert.ok(String(v).replace(/^-?\d+\.?/, '').length <= Math.max(0, 2 - Math.floor(Math.log10(span))), `${x}`);
    assert.equal(await page.evaluate(() => window.actlab.store.get().y), null, 'a horizontal drag keeps y automatic');
    // Ticks on [-1e-6, 1e-6] are short and distinct.
    await page.goto(`${env.url}#x=-0.000001,0.000001`);
    await ready(page);
    await idle(page);
    const labels = await page.evaluate(() => window.actlab.plot.uplot.axes[0]._values);
    assert.ok(labels.length >= 3, `${labels}`);
    assert.equal(new Set(labels).size, labels.length, `${labels}`);
    for (const l of labels) assert.ok(l.length <= 5, `${labels}`);
    await page.close();
  });

  test('polish: gallery in the sidebar\'s order; zh skip link and plot label; copy buttons keep the header still; the engine shows it is loading', async () => {
    // No service worker: the engine's download is held below by page.route().
    const { page, context } = await open({ serviceWorkers: 'block' });
    await page.click('.tab[data-view="gallery"]');
    await idle(page);
    const gallery = await page.$$eval('#gallery .card', (e) => e.map((c) => c.dataset.fn));
    const sidebar = await page.$$eval('#fnlist button', (e) => e.map((b) => b.dataset.fn));
    assert.deepEqual(gallery, sidebar);
    await page.click('.tab[data-view="plot"]');
    await page.selectOption('#lang', 'zh');
    await idle(page);
    assert.equal(await page.textContent('a.skip'), '跳到曲线图');
    assert.match(await page.getAttribute('#plot', 'aria-label'), /x 在 \[-6, 6\] 上的/);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.url });
    const header = () => page.evaluate(() => [document.querySelector('header.top').offsetHeight, document.getElementById('copy-link').offsetWidth, document.getElementById('copy-embed').offsetWidth]);
    const before = await header();
    await page.click('#copy-link');
    await page.waitForFunction(() => document.getElementById('copy-link').textContent !== '复制链接');
    const after = await header();
    assert.equal(after[0], before[0], 'the header keeps its height');
    assert.ok(after[1] >= before[1] && after[2] === before[2], `${before} -> ${after}`);
    assert.notEqual(await page.textContent('#copy-embed'), await page.textContent('#copy-link'), 'only the clicked button says Copied');
    // The engine's download is held until its progress line has been seen.
    let release;
    const gate = new Promise((r) => { release = r; });
    await page.route('**/actlab-simd-expr*.wasm', async (route) => { await gate; await route.continue(); });
    await fillEditor(page, 'expr', 'x * 2');
    await page.waitForSelector('#expr-loading', { state: 'visible' });
    release();
    await idle(page);
    assert.equal(await page.isHidden('#expr-loading'), true);
    assert.equal(await page.isDisabled('#expr-plot'), false);
    await page.close();
  });

  test('npm start serves compressed files, as a static host would', async () => {
    const { page } = await open();
    const wasm = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => /actlab-simd\.wasm$/.test(e.name)).map((e) => [e.encodedBodySize, e.decodedBodySize]));
    assert.ok(wasm.length >= 1);
    for (const [enc, dec] of wasm) assert.ok(enc > 0 && enc < dec / 3, `wasm ${enc} bytes on the wire for ${dec}`);
    await page.close();
  });

  test('phone (375 px, touch): 44 px targets, a list that says it scrolls, heatmaps that fit, pinch and pan', async () => {
    const context = await env.browser.newContext({ viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${env.url}#fn=ELU`);
    await ready(page);
    await idle(page);
    assert.match(await page.textContent('#zoom-hint'), /Pinch to zoom/);
    // Every control a finger uses is at least 44 x 44 (a checkbox through its label).
    const small = await page.evaluate(() => {
      const els = [...document.querySelectorAll('.tab, #copy-link, #copy-embed, #lang, #theme, #fnlist button, #pin, #reset-params, #reset-view, #export-png, .param input, .param select, #x-lo, #x-hi, #tensor-input')];
      for (const cb of document.querySelectorAll('main input[type="checkbox"]')) els.push(cb.closest('label') ?? cb);
      return els.filter((e) => e.offsetParent).map((e) => { const r = e.getBoundingClientRect(); return [e.id || e.textContent.trim().slice(0, 20) || e.tagName, Math.round(r.width), Math.round(r.height)]; })
        .filter(([, w, h]) => w < 44 || h < 44);
    });
    assert.deepEqual(small, []);
    // The function list's box says there is more below, until scrolled to its end.
    assert.equal(await page.isVisible('#list-more'), true);
    assert.match(await page.textContent('#list-more'), /29 functions/);
    await page.evaluate(() => { const s = document.querySelector('.sidebar'); s.scrollTop = s.scrollHeight; s.dispatchEvent(new Event('scroll')); });
    await page.waitForSelector('#list-more', { state: 'hidden' });
    // A 6 x 8 softmax heatmap fits the page (its figure scrolls if it must).
    await fillEditor(page, 'tensor-input', 'torch.linspace(-2, 2, 48).reshape(6, 8)');
    await page.click('#fnlist button[data-fn="Softmax"]');
    await idle(page);
    const overflow = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth, Math.round(document.querySelector('#groups .slice').getBoundingClientRect().right)]);
    assert.ok(overflow[0] <= overflow[1] && overflow[2] <= overflow[1], `${overflow}`);
    // Pinch out around the middle: x zooms in; one finger then pans.
    await page.click('#fnlist button[data-fn="ELU"]');
    await idle(page);
    const box = await page.locator('#plot .u-over').boundingBox();
    const cdp = await context.newCDPSession(page);
    const y = box.y + box.height / 2, cx = box.x + box.width / 2;
    const touch = (type, xs) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: xs.map((x, id) => ({ x, y, id })) });
    await touch('touchStart', [cx - 40, cx + 40]);
    for (const d of [60, 90, 120]) await touch('touchMove', [cx - d, cx + d]);
    await touch('touchEnd', []);
    await idle(page);
    const zoomed = await page.evaluate(() => window.actlab.store.get().x);
    assert.ok(zoomed[1] - zoomed[0] < 6 && zoomed[1] - zoomed[0] > 3, `pinched to ${zoomed}`);
    await touch('touchStart', [cx]);
    for (const d of [30, 60, 90]) await touch('touchMove', [cx + d]);
    await touch('touchEnd', []);
    await idle(page);
    const panned = await page.evaluate(() => window.actlab.store.get().x);
    assert.ok(panned[0] < zoomed[0] - 0.5, `panned ${zoomed} -> ${panned}`);
    await page.click('#reset-view');
    await idle(page);
    assert.deepEqual(await page.evaluate(() => window.actlab.store.get().x), [-6, 6]);
    await context.close();
  });

  test('compare: each curve in the legend is a visibility toggle', async () => {
    const { page } = await open();
    await page.goto(`${env.url}#fn=ELU&cmp=ReLU`);
    await ready(page);
    await idle(page);
    const shown = () => page.evaluate(() => window.actlab.plot.uplot.series.slice(1).map((s) => s.show));
    assert.deepEqual(await shown(), [true, true, true, true]);
    const relu = page.locator('#plot .u-legend .u-series').nth(3).locator('.u-label');
    assert.equal(await relu.textContent(), 'ReLU');
    await relu.click();
    assert.deepEqual(await shown(), [true, true, false, true]);
    await relu.click();
    assert.deepEqual(await shown(), [true, true, true, true]);
    await page.close();
  });
});

