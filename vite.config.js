import { defineConfig } from 'vite';
import { resolve, extname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync, existsSync, createReadStream } from 'node:fs';

const web = (f) => resolve(import.meta.dirname, 'web', f);
// The kernels keep a fixed name so index.html can start fetching them before any JS runs (the
// depth lab's worker names its copy the same way: one file, not two).
const assetFileNames = (a) => (/^actlab-simd\.wasm$/.test((a.names ?? [a.name])[0] ?? '') ? 'assets/[name][extname]' : 'assets/[name]-[hash][extname]');
const dist = resolve(import.meta.dirname, 'dist');

// Compressed copies written next to the build's text and wasm files (as a static host or CDN
// would serve them), and the preview server (`npm start`, the tests) sends them to browsers that
// accept gzip: what the page downloads is what a user downloads.
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml' };
const precompress = {
  name: 'actlab-precompress',
  apply: 'build',
  writeBundle(opts, bundle) {
    for (const name of Object.keys(bundle)) {
      if (!TYPES[extname(name)]) continue;
      const file = resolve(opts.dir, name);
      writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }));
    }
  },
};
const servePrecompressed = {
  name: 'actlab-serve-precompressed',
  configurePreviewServer(server) {
    server.middlewares.use((req, res, next) => {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const file = resolve(dist, `.${path.endsWith('/') ? `${path}index.html` : path}`);
      if (!file.startsWith(dist) || !TYPES[extname(file)] || !/\bgzip\b/.test(req.headers['accept-encoding'] ?? '') || !existsSync(`${file}.gz`)) return next();
      res.setHeader('Content-Type', TYPES[extname(file)]);
      res.setHeader('Content-Encoding', 'gzip');
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Access-Control-Allow-Origin', '*');  // sandboxed iframes have an opaque origin
      createReadStream(`${file}.gz`).pipe(res);
    });
  },
};

// The site lives in web/; `npm run build` writes it to dist/: the playground, embed.html (for
// iframes), tutorial.html (a sample page) and actlab-plot.js at a stable URL (the web component,
// one <script type="module"> tag). Static files from any host work; the preview server sends
// CORS headers so sandboxed iframes (opaque origin) can load the modules and the wasm, as they
// can from a CDN or GitHub Pages.
export default defineConfig({
  root: 'web',
  plugins: [precompress, servePrecompressed],
  base: './',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every browser with wasm SIMD supports <link rel="modulepreload">: no polyfill request.
    modulePreload: { polyfill: false },
    rolldownOptions: {
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
