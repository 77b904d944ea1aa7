import { chromium } from 'playwright-core';
const flags = process.env.JSF ? [`--js-flags=${process.env.JSF}`] : [];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', ...flags, ...(process.env.EXTRA ? process.env.EXTRA.split(' ') : [])] });
const page = await browser.newPage();
await page.goto('about:blank');
const run = () => page.evaluate(() => {
  const out = {};
  for (const N of [4096, 65536, 1048576]) {
    let sink = 0; const t0 = performance.now(); let k = 0;
    while (performance.now() - t0 < 200) { const a = new Float32Array(N); a[0] = k; sink += a[N - 1]; k++; }
    out[N] = ((performance.now() - t0) * 1e6 / (k * N)).toFixed(3) + ' k=' + k;
  }
  return out;
});
for (let i = 0; i < 3; i++) console.log(JSON.stringify(await run()));
await browser.close();
