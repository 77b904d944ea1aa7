// The playground as a user sees it, at 1280 px and 375 px, light and dark, written to
// docs/screenshots/ (and docs/screenshot.png for the README); the depth lab (view=network, its
// "Sigmoid, Tanh, ReLU, SELU at depth 50" preset) as network-<width>-<scheme>.png; the training lab
// (view=train, its spiral preset after 300 steps) as train-<width>-<scheme>.png. Run after `npm run build`:
//   node scripts/screenshots.mjs
import { mkdirSync } from 'node:fs';
import { startServer, launch, newPage, ready } from '../tests/e2e/browser.js';

const VIEW = '#fn=GELU&approximate=tanh&cmp=ReLU;SiLU&x=-4,4&shade=true&eps=0.01';
// A tutorial's pasted ELU class against nn.ELU with another alpha: the difference panel.
const ELU = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '', 'class ELU(nn.Module):',
  '    def __init__(self, alpha=1.0):', '        super(ELU, self).__init__()', '        self.alpha=alpha',
  '    def forward(self, x):', '        temp1 = F.relu(x)', '        temp2 = self.alpha * (-1*F.relu(1-torch.exp(x)))',
  '        return temp1 + temp2', ''].join('\n');
const MODULE = `#fn=Custom&x=-4,4&expr=${encodeURIComponent(ELU)}&ref=ELU(alpha=0.8)`;
const NETWORK = '#view=network&nact=Sigmoid&ndepth=50&ncmp=(act=Tanh,depth=50);(act=ReLU,depth=50);(act=SELU,depth=50)';
const TRAIN = '#view=train&tdata=spiral&tnoise=0.1&twidths=16,16,16&tact=ReLU&topt=Adam(lr=0.01)&tcmp=Tanh;ELU;GELU';
const server = await startServer();
const chrome = await launch();
mkdirSync('docs/screenshots', { recursive: true });
for (const [name, view] of [['', VIEW], ['module-', MODULE]]) for (const [width, height] of [[1280, 900], [375, 740]]) {
  for (const colorScheme of ['light', 'dark']) {
    const { page } = await newPage(chrome.browser, { width, height, colorScheme });
    await page.goto(`${server.url}${view}`);
    await ready(page);
    await page.evaluate(() => window.actlab.idle());
    const path = `docs/screenshots/${name}${width}-${colorScheme}.png`;
    await page.screenshot({ path });
    if (!name && width === 1280 && colorScheme === 'light') await page.screenshot({ path: 'docs/screenshot.png' });
    console.log(path);
    if (!name) {
      // The depth lab: its controls, charts and the first strips.
      await page.goto(`${server.url}${NETWORK}`);
      await ready(page);
      await page.evaluate(() => window.actlab.idle());
      const net = `docs/screenshots/network-${width}-${colorScheme}.png`;
      await page.screenshot({ path: net, fullPage: true, clip: { x: 0, y: 0, width, height: width === 1280 ? 2000 : 3200 } });
      console.log(net);
      // The training lab: 300 steps of four activations on the spiral.
      await page.goto(`${server.url}${TRAIN}`);
      await ready(page);
      await page.evaluate(() => window.actlab.idle());
      await page.selectOption('#tr-speed', '0');
      await page.evaluate(() => window.actlab.train.play());
      await page.waitForFunction(() => window.actlab.train.status().step >= 300);
      await page.evaluate(() => window.actlab.train.pause());
      await page.evaluate(() => window.actlab.idle());
      const tr = `docs/screenshots/train-${width}-${colorScheme}.png`;
      await page.screenshot({ path: tr, fullPage: true, clip: { x: 0, y: 0, width, height: width === 1280 ? 2400 : 4200 } });
      console.log(tr);
    }
    await page.close();
  }
}
await chrome.close();
await server.close();
