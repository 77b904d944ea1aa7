import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { resolve, extname, relative } from 'node:path';
import { gzip, brotliCompress, constants as zlib } from 'node:zlib';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync, existsSync, createReadStream, readdirSync, mkdirSync } from 'node:fs';
import { iconSvg, iconPng, ACCENT } from './scripts/icons.mjs';

const web = (f) => resolve(import.meta.dirname, 'web', f);
// The kernels keep a fixed name so index.html can start fetching them before any JS runs (the
// depth lab's worker names its copy the same way: one file, not two).
const assetFileNames = (a) => (/^actlab-simd\.wasm$/.test((a.names ?? [a.name])[0] ?? '') ? 'assets/[name][extname]' : 'assets/[name]-[hash][extname]');
const dist = resolve(import.meta.dirname, 'dist');

// Compressed copies written next to the build's text and wasm files, gzip and brotli (as a static
// host or CDN serves them), and the preview server (`npm start`, the tests) sends the best one the
// browser accepts: what the page downloads is what a user downloads. Written after every other
// plugin has closed the bundle, so the service worker and the workbox runtime are compressed too.
const TYPES = {
  '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.wasm': 'application/wasm', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.webmanifest': 'application/manifest+json', '.ttf': 'font/ttf',
};
const ENCODINGS = [  // preferred first
  { name: 'br', ext: '.br', test: /\bbr\b/ },
  { name: 'gzip', ext: '.gz', test: /\bgzip\b/ },
];
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(resolve(dir, e.name)) : [resolve(dir, e.name)]));
const precompress = {
  name: 'actlab-precompress',
  apply: 'build',
  closeBundle: {
    order: 'post',
    sequential: true,
    // Compressed on libuv's thread pool, files in parallel: brotli at quality 11 is slow.
    async handler() {
      const [gz, br] = [promisify(gzip), promisify(brotliCompress)];
      await Promise.all(walk(dist).filter((file) => TYPES[extname(file)]).map(async (file) => {
        const buf = readFileSync(file);
        const [g, b] = await Promise.all([gz(buf, { level: 9 }), br(buf, {
          params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: buf.length,
            [zlib.BROTLI_PARAM_MODE]: extname(file) === '.wasm' ? zlib.BROTLI_MODE_GENERIC : zlib.BROTLI_MODE_TEXT },
        })]);
        writeFileSync(`${file}.gz`, g);
        writeFileSync(`${file}.br`, b);
      }));
    },
  },
};
const servePrecompressed = {
  name: 'actlab-serve-precompressed',
  configurePreviewServer(server) {
    const base = server.config.base.startsWith('/') ? server.config.base : '/';
    server.middlewares.use((req, res, next) => {
      const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (!url.startsWith(base)) return next();
      const path = `/${url.slice(base.length)}`;
      const file = resolve(dist, `.${path.endsWith('/') ? `${path}index.html` : path}`);
      const accept = req.headers['accept-encoding'] ?? '';
      const enc = ENCODINGS.find((e) => e.test.test(accept) && existsSync(`${file}${e.ext}`));
      if (!file.startsWith(dist) || !TYPES[extname(file)] || !enc) return next();
      res.setHeader('Content-Type', TYPES[extname(file)]);
      res.setHeader('Content-Encoding', enc.name);
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Access-Control-Allow-Origin', '*');  // sandboxed iframes have an opaque origin
      createReadStream(`${file}${enc.ext}`).pipe(res);
    });
  },
};

// The web app manifest (installable: name, colours, icons) and its icons, generated at build
// time from scripts/icons.mjs. Only index.html links it: embed.html and tutorial.html are pages
// for other sites, not the app.
const MANIFEST = {
  name: 'actlab — PyTorch activation functions',
  short_name: 'actlab',
  description: "Plot, probe and learn every PyTorch activation function and its derivative, computed exactly as torch 1.13 does.",
  id: './',
  start_url: './',
  scope: './',
  display: 'standalone',
  background_color: '#fbfbfd',
  theme_color: ACCENT,
  icons: [
    { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
    { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
    { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
    { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};
const appFiles = {
  name: 'actlab-app-files',
  apply: 'build',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'manifest.webmanifest', source: `${JSON.stringify(MANIFEST, null, 2)}\n` });
    this.emitFile({ type: 'asset', fileName: 'icon.svg', source: iconSvg() });
    for (const s of [192, 512]) this.emitFile({ type: 'asset', fileName: `icon-${s}.png`, source: iconPng(s) });
  },
};

// The chunk graph (who imports whom, statically or on demand, and the CSS each chunk brings),
// written to build/bundle.json for scripts/sizes.mjs, which prints the first view's size and each
// lazy part's after the build.
const bundleGraph = {
  name: 'actlab-bundle-graph',
  apply: 'build',
  writeBundle(opts, bundle) {
    const chunks = Object.values(bundle).filter((c) => c.type === 'chunk').map((c) => ({
      file: c.fileName, name: c.name, isEntry: c.isEntry, isDynamicEntry: c.isDynamicEntry,
      module: c.facadeModuleId ? relative(import.meta.dirname, c.facadeModuleId) : null,
      imports: c.imports, dynamicImports: c.dynamicImports, css: [...(c.viteMetadata?.importedCss ?? [])],
    }));
    mkdirSync(resolve(import.meta.dirname, 'build'), { recursive: true });
    writeFileSync(resolve(import.meta.dirname, 'build/bundle.json'), `${JSON.stringify({ chunks }, null, 1)}\n`);
  },
};

// Offline use: a Workbox service worker (generated by vite-plugin-pwa) precaches the playground,
// its kernels, KaTeX and the notes, the embed and tutorial pages and the web component; the
// expression engine, the scalar fallback and the labs (a megabyte the first view never needs) are
// cached the first time the page uses them. `prompt`: a new version waits until the reader
// presses Reload (web/ui/offline.js) instead of swapping code under a running page.
const pwa = VitePWA({
  registerType: 'prompt',
  injectRegister: null,  // web/ui/offline.js registers it, after the first curve
  manifest: false,       // actlab-app-files writes it (linked from index.html only)
  workbox: {
    globPatterns: ['*.{html,js,webmanifest,svg,png}', 'assets/*.{js,css,wasm,woff2}'],
    globIgnores: ['assets/network*', 'assets/train*', 'assets/*-expr*', 'assets/actlab-scalar*'],
    // Only names with Vite's content hash skip the revision check; actlab-simd.wasm keeps a fixed
    // name, so it needs one (the plugin's default, every file under assets/, would keep an old
    // kernel after an update).
    dontCacheBustURLsMatching: /-[\w-]{8}\.\w+$/,
    // Three pages, each precached under its own URL: no single-page fallback.
    navigateFallback: null,
    // The first visit's page comes under the worker as soon as it is installed, so a lab or the
    // engine opened then is cached too (updates still wait for Reload: no skipWaiting).
    clientsClaim: true,
    runtimeCaching: [{
      urlPattern: ({ url, sameOrigin }) => sameOrigin && /\/assets\/[^/]+$/.test(url.pathname),
      handler: 'CacheFirst',  // hashed names never change content
      options: { cacheName: 'actlab-lazy', expiration: { maxEntries: 80, purgeOnQuotaError: true }, cacheableResponse: { statuses: [200] } },
    }],
  },
});

// The site lives in web/; `npm run build` writes it to dist/: the playground, embed.html (for
// iframes), tutorial.html (a sample page) and actlab-plot.js at a stable URL (the web component,
// one <script type="module"> tag). Every URL is relative (base './'), so dist/ works under any
// path (GitHub Pages' /repo/). Static files from any host work; the preview server sends CORS
// headers so sandboxed iframes (opaque origin) can load the modules and the wasm, as they can
// from a CDN or GitHub Pages.
export default defineConfig({
  root: 'web',
  plugins: [appFiles, bundleGraph, pwa, precompress, servePrecompressed],
  base: './',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every browser with wasm SIMD supports <link rel="modulepreload">: no polyfill request.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // The precompression and the service worker run after the bundle by design: no report of
      // plugin time after every build.
      checks: { pluginTimings: false },
      input: { main: web('index.html'), embed: web('embed.html'), tutorial: web('tutorial.html'), 'actlab-plot': web('actlab-plot.js') },
      output: {
        // The modules the playground needs for its first plot go in one chunk (one request
        // instead of five); what loads later (console, export, KaTeX, notes, the depth lab's
        // panel, charts, worker and styles: ui/network*, ui/depth-plot.js) stays split.
        codeSplitting: {
          groups: [{ name: 'app', test: /node_modules[\\/]uplot[\\/]|[\\/]web[\\/](lib[\\/](actlab|caret|state|text|languages)|ui[\\/](catalog|chart|clipboard|controls|curves|custom|gallery|i18n|learn|plot|sample|scheduler|seed|store|typing)|views[\\/]\w+)\.js$|[\\/]web[\\/](ui[\\/])?(?!network)[^\\/]+\.css$|uPlot\.min\.css$/ }],
        },
        entryFileNames: (chunk) => (chunk.name === 'actlab-plot' ? 'actlab-plot.js' : 'assets/[name]-[hash].js'),
        assetFileNames,
      },
    },
  },
  // Module workers (the depth lab's) import the library, whose builds load on demand: ES output.
  worker: { format: 'es', rolldownOptions: { output: { assetFileNames } } },
  server: { port: 5173, strictPort: false, cors: true },
  preview: { port: 4173, strictPort: false, cors: true },
});
