#!/usr/bin/env bash
# Builds the wasm library (SIMD128 and scalar variants + the Catch2 wasm suite), the native
# test build, then the static page and the npm package's files. Incremental: reruns cost seconds.
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
# lab.version: package.json is the one definition; rewritten only when it changes, so an
# unchanged version leaves the bundles' inputs untouched.
version="export const version = '$(node -p 'require("./package.json").version')';"
[ "$(cat web/lib/version.js 2>/dev/null)" = "$version" ] || echo "$version" > web/lib/version.js

if [ ! -f build/native/CMakeCache.txt ]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build/native -j"$jobs"

npx vite build --logLevel warn
# What the site downloads, gzip and brotli: the first view and each part loaded later.
node scripts/sizes.mjs

# The npm package's files (lib/: the API and <actlab-plot>, each standing alone, and the wasm
# builds; see vite.package.config.js), rebuilt only when one of their inputs changed. The stamp
# is taken before the build, so an edit made during it is seen next time.
if [ ! -f build/package.stamp ] || [ ! -f lib/actlab-plot.js ] || [ -n "$(find web package.json package-lock.json vite.package.config.js -newer build/package.stamp -print -quit)" ]; then
  touch build/package.stamp.new
  npx vite build -c vite.package.config.js --logLevel warn
  npx vite build -c vite.package.config.js --mode plot --logLevel warn
  mv build/package.stamp.new build/package.stamp
fi
