#!/usr/bin/env bash
# Every test: Catch2 natively and as wasm SIMD128 under node (CTest), then the JS API tests.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== Catch2, native =="
ctest --test-dir build/native -V | grep -v "^[0-9]*: Test command\|^UpdateCTestConfiguration\|^Parse Config\|^Test project\|^Constructing\|^Checking test\|^test [0-9]"
echo "== Catch2, wasm SIMD128 under node =="
ctest --test-dir build/wasm -V | grep -v "^[0-9]*: Test command\|^UpdateCTestConfiguration\|^Parse Config\|^Test project\|^Constructing\|^Checking test\|^test [0-9]"
echo "== JS API (node:test) =="
node --test tests/js/
