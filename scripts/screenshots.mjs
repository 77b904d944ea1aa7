// The playground as a user sees it, at 1280 px and 375 px, light and dark, written to
// docs/screenshots/ (and docs/screenshot.png for the README); the depth lab (view=network, its
// "Sigmoid, Tanh, ReLU, SELU at depth 50" preset) as network-<width>-<scheme>.png. Run after `npm run build`:
//   node scripts/screenshots.mjs
import { mkdirSync } from 'node:fs';
import { startServer, launch, newPage, ready } from '../tests/e2e/browser.js';

const VIEW = '#fn=GELU&approximate=tanh&cmp=ReLU;SiLU&x=-4,4&shade=true&eps=0.01';
const NETWORK = '#view=network&nact=Sigmoid&ndepth=50&ncmp=(act=Tanh,depth=50);(act=ReLU,depth=50);(act=SELU,depth=50)';
const server = await startServer();
const chrome = await launch();
mkdirSync('docs/screenshots', { recursive: true });
for (const [width, height] of [[1280, 900], [375, 740]]) {
  for (const colorScheme of ['light', 'dark']) {
    const { page } = await newPage(chrome.browser, { width, height, colorScheme });
    await page.goto(`${server.url}${VIEW}`);
    await ready(page);
    await page.evaluate(() => window.actlab.idle());
    const path = `docs/screenshots/${width}-${colorScheme}.png`;
    await page.screenshot({ path });
    if (width === 1280 && colorScheme === 'light') await page.screenshot({ path: 'docs/screenshot.png' });
    console.log(path);
    // The depth lab: its controls, charts and the first strips.
    await page.goto(`${server.url}${NETWORK}`);
    await ready(page);
    await page.evaluate(() => window.actlab.idle());
    const net = `docs/screenshots/network-${width}-${colorScheme}.png`;
    await page.screenshot({ path: net, fullPage: true, clip: { x: 0, y: 0, width, height: width === 1280 ? 2000 : 3200 } });
    console.log(net);
    await page.close();
  }
}
await chrome.close();
await server.close();
