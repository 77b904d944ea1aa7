import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// The npm package's files (scripts/build.sh, after the site): lib/actlab.js, the API (`import …
// from 'actlab'`, web/lib/index.js), and with `--mode plot` lib/actlab-plot.js, the web component.
// Two builds, not two entries of one: each file must stand alone (no chunk shared between them,
// uPlot and its CSS inside the element), as one <script type="module"> tag loads the element.
// Library mode: an app build would add Vite's module-preload helper, whose name then collides
// with the one a consumer's Vite adds to the same file. Unminified, as libraries ship: the
// consumer's bundler minifies, and the comment that tells it to leave `import('node:fs/promises')`
// (Node only) alone survives.
const web = (f) => resolve(import.meta.dirname, 'web', f);

// The element styles its shadow root from `?inline` CSS strings; a plain `import '….css'` (the
// playground's, in ui/plot.js) would only add a stylesheet file that nothing links.
const dropDocumentCss = {
  name: 'actlab-package-drop-document-css',
  enforce: 'pre',
  resolveId: (id) => (/\.css$/.test(id) ? '\0actlab-no-css' : null),
  load: (id) => (id === '\0actlab-no-css' ? '' : null),
};

// Library mode inlines every asset as base64; the wasm builds (0.1 to 0.8 MB) stay files, under
// lib/wasm/ with their own names, fetched (browsers) or read (Node) next to the module, and a
// consumer's bundler ships them as it ships any `new URL('…', import.meta.url)` asset. Vite's
// `?no-inline` query keeps a file out of the bundle; the sources keep plain URLs for the site.
const wasmAsFiles = {
  name: 'actlab-package-wasm-as-files',
  enforce: 'pre',
  transform(code, id) {
    if (!/[\\/]web[\\/]lib[\\/](actlab\.js|wasm[\\/][\w-]+\.mjs)$/.test(id)) return null;
    return code.replace(/new URL\((['"])((?:\.\/)?(?:wasm\/)?actlab-[\w-]+\.wasm)\1,\s*import\.meta\.url\)/g, "new URL('$2?no-inline', import.meta.url)");
  },
};

export default defineConfig(({ mode }) => {
  const plot = mode === 'plot';
  return {
    root: import.meta.dirname,
    publicDir: false,
    base: './',
    plugins: plot ? [wasmAsFiles, dropDocumentCss] : [wasmAsFiles],
    build: {
      outDir: 'lib',
      emptyOutDir: !plot,  // the plot build comes second and adds to the API's
      target: 'es2022',
      minify: false,
      lib: { entry: plot ? { 'actlab-plot': web('actlab-plot.js') } : { actlab: web('lib/index.js') }, formats: ['es'] },
      rolldownOptions: {
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          // Stable names: the API recognises a page's prefetched actlab-simd.wasm by its name,
          // and users may preload or serve them themselves (`actlab/wasm/*`).
          assetFileNames: (a) => (/\.wasm$/.test((a.names ?? [a.name])[0] ?? '') ? 'wasm/[name][extname]' : 'assets/[name]-[hash][extname]'),
        },
      },
    },
  };
});
