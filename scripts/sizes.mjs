// Prints what the built site downloads, as served (the .gz and .br files the build writes next to
// each file; woff2 and png go as they are), and writes build/sizes.json (scripts/gen-docs.mjs puts
// the figures in the README). Run by scripts/build.sh after `vite build`.
//
// - first view: index.html, its entry chunk with the chunks and CSS it imports statically, and the
//   SIMD kernels index.html starts fetching: the files scripts/bench-page.mjs sees requested
//   before the first curve (tests/e2e/site.test.js checks the two agree);
// - each lazy part: what one feature adds on top of the first view (a chunk loaded on demand with
//   its static imports and CSS, and the files it fetches itself: workers, wasm, fonts);
// - other entries: embed.html and actlab-plot.js as a page that uses only them downloads them;
// - the service worker's precache: what it downloads once, in the background, for offline use.
import { readFileSync, writeFileSync, existsSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const DIST = 'dist';
const graph = JSON.parse(readFileSync('build/bundle.json', 'utf8'));
const byFile = new Map(graph.chunks.map((c) => [c.file, c]));
const byModule = new Map(graph.chunks.filter((c) => c.module).map((c) => [c.module, c]));
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
const distFiles = walk(DIST).map((f) => relative(DIST, f)).filter((f) => !/\.(gz|br)$/.test(f));

function size(path) {
  const raw = statSync(join(DIST, path)).size;
  const enc = (ext) => (existsSync(join(DIST, path + ext)) ? statSync(join(DIST, path + ext)).size : raw);
  return { path, raw, gz: enc('.gz'), br: enc('.br') };
}
/** A chunk's file with everything it imports statically and the CSS they bring. */
function closure(files, out = new Set()) {
  for (const f of files) {
    if (out.has(f) || !existsSync(join(DIST, f))) continue;
    out.add(f);
    const c = byFile.get(f);
    if (c) { for (const css of c.css) out.add(css); closure(c.imports, out); }
  }
  return out;
}
const chunkOf = (module) => {
  const c = byModule.get(module);
  if (!c) throw new Error(`sizes: no chunk for ${module} in build/bundle.json (renamed? update scripts/sizes.mjs)`);
  return c.file;
};
const matching = (re) => distFiles.filter((f) => re.test(f));
const sum = (files) => {
  const list = [...files].sort().map(size);
  return { files: list, raw: list.reduce((s, f) => s + f.raw, 0), gz: list.reduce((s, f) => s + f.gz, 0), br: list.reduce((s, f) => s + f.br, 0) };
};

// The first view.
const html = readFileSync(join(DIST, 'index.html'), 'utf8');
const early = [...html.matchAll(/fetch\('\.\/(assets\/[^']+\.wasm)'\)/g)].map((m) => m[1]);
if (!early.length) throw new Error('sizes: index.html no longer starts fetching the kernels (update scripts/sizes.mjs)');
const firstSet = closure([chunkOf('web/index.html')]);
for (const f of ['index.html', ...early]) firstSet.add(f);
const firstView = sum(firstSet);

// The lazy parts: [name, modules whose chunks load on demand, files they fetch themselves].
const PARTS = [
  ['console (+ its parse worker)', ['web/ui/console.js'], /^assets\/parse-worker-/],
  ['code editor (CodeMirror)', ['web/ui/editor.js'], null],
  ['KaTeX (JS, CSS)', ['node_modules/katex/dist/katex.mjs'], /^assets\/katex-[\w-]+\.css$/],
  // Fonts: a browser fetches only the woff2 faces a formula uses; this row is all of them.
  ['KaTeX fonts (every woff2 face)', [], /^assets\/KaTeX_[\w-]+\.woff2$/],
  ['notes, English', ['web/ui/notes/en.json'], null],
  ['notes, Chinese', ['web/ui/notes/zh.json'], null],
  ['export (PNG, SVG, CSV)', ['web/ui/export.js'], null],
  ['expression engine (-expr build)', ['web/lib/wasm/actlab-simd-expr.mjs'], /^assets\/actlab-simd-expr-[\w-]+\.wasm$/],
  ['depth lab (panel, charts, worker)', ['web/ui/network-panel.js'], /^assets\/network-worker-/],
  ['training lab (panel, maps, worker)', ['web/ui/train-panel.js'], /^assets\/train-worker-/],
  ['offline (registration, service worker)', ['web/ui/offline.js', 'node_modules/workbox-window/build/workbox-window.prod.es5.mjs'], /^(sw\.js|workbox-[\w-]+\.js|manifest\.webmanifest|icon[\w-]*\.(svg|png))$/],
  ['scalar kernels (browsers without wasm SIMD)', ['web/lib/wasm/actlab-scalar.mjs'], /^assets\/actlab-scalar-(?!expr)[\w-]+\.wasm$/],
  ['scalar expression engine', ['web/lib/wasm/actlab-scalar-expr.mjs'], /^assets\/actlab-scalar-expr-[\w-]+\.wasm$/],
];
const parts = PARTS.map(([name, modules, extra]) => {
  const set = closure(modules.map(chunkOf));
  if (extra) {
    const found = matching(extra);
    if (!found.length) throw new Error(`sizes: nothing in dist/ matches ${extra} (${name})`);
    for (const f of found) set.add(f);
  }
  for (const f of firstSet) set.delete(f);
  return { name, ...sum(set) };
});

// Other entries, on a page of their own (nothing cached from the playground).
const pages = [
  ['embed.html (an iframe)', closure([chunkOf('web/embed.html')]).add('embed.html')],
  ['actlab-plot.js (the web component)', closure(['actlab-plot.js'])],
].map(([name, set]) => {
  for (const f of early) set.add(f);  // both load the SIMD kernels
  return { name, ...sum(set) };
});

// The precache: the list in sw.js.
const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
const precache = sum(new Set([...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1])));

// Files no row accounts for: a new chunk should get a part (or join one).
const seen = new Set([...firstSet, ...parts.flatMap((p) => p.files.map((f) => f.path)), ...pages.flatMap((p) => p.files.map((f) => f.path))]);
const loose = distFiles.filter((f) => !seen.has(f) && !/^(tutorial\.html)$|\.(ttf|woff)$/.test(f));

const kb = (b) => (b / 1024).toFixed(1).padStart(8);
const row = (name, s) => `${name.padEnd(48)}${kb(s.raw)}${kb(s.gz)}${kb(s.br)}`;
console.log(`\n${'download sizes (KB, as served)'.padEnd(48)}${'raw'.padStart(8)}${'gzip'.padStart(8)}${'brotli'.padStart(8)}`);
console.log(row(`first view (${firstView.files.length} files)`, firstView));
for (const p of parts) console.log(row(`  + ${p.name}`, p));
for (const p of pages) console.log(row(p.name, p));
console.log(row(`service worker precache (${precache.files.length} files, once)`, precache));
if (loose.length) console.log(`not in any row: ${loose.join(', ')}`);

mkdirSync('build', { recursive: true });
writeFileSync('build/sizes.json', `${JSON.stringify({ firstView, parts, pages, precache: { raw: precache.raw, gz: precache.gz, br: precache.br, files: precache.files.length }, loose }, null, 1)}\n`);
