import { defineConfig } from 'vite';

// The page lives in web/; `npm run build` writes the static site to dist/.
export default defineConfig({
  root: 'web',
  base: './',
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022' },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: false },
});
