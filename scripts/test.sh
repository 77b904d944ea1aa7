#!/usr/bin/env bash
# Every test: Catch2 natively and as wasm SIMD128 under node (CTest), the JS tests (node:test),
# then the playground in headless Chromium (Playwright); screenshots land in test-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== Catch2, native =="
ctest --test-dir build/native -V | grep -v "^[0-9]*: Test command\|^UpdateCTestConfiguration\|^Parse Config\|^Test project\|^Constructing\|^Checking test\|^test [0-9]"
echo "== Catch2, wasm SIMD128 under node =="
ctest --test-dir build/wasm -V | grep -v "^[0-9]*: Test command\|^UpdateCTestConfiguration\|^Parse Config\|^Test project\|^Constructing\|^Checking test\|^test [0-9]"
echo "== JS API (node:test) =="
node --test tests/js/
echo "== playground in headless Chromium (playwright-core) =="
node --test tests/e2e/
echo "== the npm package: packed, installed offline, used by a Vite app, a plain page on another origin and Node =="
node --test tests/package/
