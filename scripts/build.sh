#!/usr/bin/env bash
# Builds the wasm library (SIMD128 and scalar variants + the Catch2 wasm suite), the native
# test build, then the static page. Incremental: reruns cost seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's emscripten looks for its JS optimizer's modules (acorn) in Debian's node path.
export NODE_PATH=/usr/share/nodejs
jobs=$(nproc)

if [ ! -f build/wasm/CMakeCache.txt ]; then
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_CROSSCOMPILING_EMULATOR=node;--no-experimental-fetch" >/dev/null
fi
cmake --build build/wasm -j"$jobs"
mkdir -p web/lib/wasm
for v in simd scalar simd-expr scalar-expr; do
  cp -u build/wasm/actlab-$v.mjs build/wasm/actlab-$v.wasm web/lib/wasm/
done

if [ ! -f build/native/CMakeCache.txt ]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build/native -j"$jobs"

npx vite build --logLevel warn
# What the site downloads, gzip and brotli: the first view and each part loaded later.
node scripts/sizes.mjs
