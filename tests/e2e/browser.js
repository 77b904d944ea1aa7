// Shared harness for browser tests and page benchmarks: serves dist/ with Vite's preview server
// on a free port and drives Debian's Chromium headless through playwright-core.
import { preview } from 'vite';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function startServer() {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` first');
  const server = await preview({ logLevel: 'silent', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const addr = server.httpServer.address();
  return { url: `http://127.0.0.1:${addr.port}/`, close: () => new Promise((r) => server.httpServer.close(r)) };
}

export async function launch() {
  // playwright-core gives every launch a fresh temporary profile; downloads go to our own dir.
  const profile = mkdtempSync(join(tmpdir(), 'actlab-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    downloadsPath: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const close = async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { browser, close };
}

/** A page that records console errors and uncaught exceptions. */
export async function newPage(browser, { width = 1280, height = 900, colorScheme = 'light', locale = 'en-US' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, locale, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  return { page, errors, context };
}

/** Wait until the playground has drawn its first curve and built the rest of its UI. */
export async function ready(page) {
  await page.waitForFunction(() => window.actlab?.plot?.uplot && performance.getEntriesByName('actlab:ui-ready').length > 0);
}

/** Wait until the playground has rendered every queued change (its idle() signal). */
export const idle = (page) => page.evaluate(() => window.actlab.idle());

/** Serve dist/ and launch Chromium around this test file: env.url, env.browser. */
export function useBrowser() {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.chrome = await launch();
    env.url = env.server.url;
    env.browser = env.chrome.browser;
  });
  after(async () => { await env.chrome?.close(); await env.server?.close(); });
  return env;
}
