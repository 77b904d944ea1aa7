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

/**
 * A page that records console errors and uncaught exceptions. The playground registers its service
 * worker once idle; `serviceWorkers: 'block'` keeps it out (page.route() cannot hold a request the
 * worker answers).
 */
export async function newPage(browser, { width = 1280, height = 900, colorScheme = 'light', locale = 'en-US', serviceWorkers = 'allow' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, locale, deviceScaleFactor: 1, serviceWorkers });
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

/** A new page of the suite's browser (`env` of useBrowser) at `hash`, ready and idle: { page, errors }. */
export async function openIdle(env, hash, opts) {
  const { page, errors } = await newPage(env.browser, opts);
  await page.goto(`${env.url}${hash}`);
  await ready(page);
  await idle(page);
  return { page, errors };
}

// The custom-expression box (#expr) and the console input (#tensor-input) start as textareas;
// once the page is idle a code editor (CodeMirror) replaces each, and its editable element takes
// the id. These helpers drive the editor itself.
/** The code editor's editable element, once it has replaced textarea #id. */
export async function editor(page, id) {
  await page.waitForSelector(`#${id}.cm-content`);
  return page.locator(`#${id}`);
}
/** Replace the text of code editor #id, as select-all and a paste would. */
export async function fillEditor(page, id, text) {
  // Not locator.fill() nor keyboard.insertText(): Chromium replaces a selection over several
  // lines in the DOM with one line plus an empty one, which CodeMirror reads back as text + '\n'.
  // A paste event goes through CodeMirror's own paste handling, as a user's paste does.
  await (await editor(page, id)).focus();
  await page.keyboard.press('ControlOrMeta+A');
  if (!text) return page.keyboard.press('Delete');
  await page.evaluate(([i, t]) => {
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', t);
    document.getElementById(i).dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
  }, [id, text]);
}
/** Type into code editor #id key by key (its auto-closed brackets and indentation apply). */
export async function typeEditor(page, id, text) {
  await (await editor(page, id)).pressSequentially(text);
}
/** The text of code editor #id. */
export async function editorText(page, id) {
  await editor(page, id);
  return page.evaluate((i) => window.actlab.editors[i].value, id);
}

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
