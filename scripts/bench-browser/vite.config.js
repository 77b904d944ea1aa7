// Builds the benchmark page (scripts/bench-browser/) to build/bench-browser/, with the peers'
// wasm binaries copied out of their npm packages into peers/ next to it.
import { defineConfig } from 'vite';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const peerFiles = {
  'tfjs-backend-wasm-simd.wasm': 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm.wasm': 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm': 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
  'ort-wasm-simd-threaded.wasm': 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm',
};

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: resolve(repo, 'build/bench-browser'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 10000,
    // The peers' wasm files are copied as they are (below), not inlined or re-hashed.
    assetsInlineLimit: 0,
  },
  plugins: [{
    name: 'actlab-bench-peer-wasm',
    generateBundle() {
      for (const [name, path] of Object.entries(peerFiles)) {
        this.emitFile({ type: 'asset', fileName: `peers/${name}`, source: readFileSync(resolve(repo, path)) });
      }
    },
  }],
});
