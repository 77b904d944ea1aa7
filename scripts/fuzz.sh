#!/usr/bin/env bash
# libFuzzer with ASan + UBSan on the C++ entry points: the kernel entry run() and the expression
# compiler/evaluator. Each target runs FUZZ_TIME seconds (default 60) from its committed corpus
# in tests/fuzz/corpus/<target>; new inputs that reach new code are merged back into it, and a
# crash leaves its input in build/fuzz/ and fails the run. `npm test` replays the corpus.
#   npm run fuzz                  every target, 60 s each
#   FUZZ_TIME=600 npm run fuzz    longer
#   npm run fuzz -- expr          one target
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang++ >/dev/null 2>&1 || {
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang >/dev/null
}
time_s=${FUZZ_TIME:-60}
targets=("${@:-run expr}")
read -r -a targets <<<"${targets[*]}"
mkdir -p build/fuzz
srcs=$(ls cpp/src/*.cpp | grep -v bindings.cpp)
flags=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Icpp/include)
for t in "${targets[@]}"; do
  bin=build/fuzz/$t
  if [ ! -x "$bin" ] || [ -n "$(find cpp tests/fuzz/fuzz_$t.cpp -newer "$bin" -name '*.[ch]pp' | head -1)" ]; then
    echo "fuzz: building $t"
    # shellcheck disable=SC2086
    clang++ "${flags[@]}" $srcs "tests/fuzz/fuzz_$t.cpp" -o "$bin"
  fi
  corpus=tests/fuzz/corpus/$t
  mkdir -p "$corpus" "build/fuzz/$t-new"
  echo "fuzz: $t for ${time_s} s"
  (cd build/fuzz && "./$t" -max_total_time="$time_s" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 "$t-new" "../../$corpus") > "build/fuzz/$t.log" 2>&1 || true
  grep -E "stat::(number_of_executed_units|peak_rss)|ERROR|SUMMARY" "build/fuzz/$t.log" || true
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$t.log")
  found=$(ls build/fuzz/crash-* build/fuzz/leak-* build/fuzz/timeout-* 2>/dev/null || true)
  if [ -z "$found" ]; then
    # Keep the corpus small: only inputs that add coverage join the committed set.
    "$bin" -merge=1 -max_len=4096 "$corpus" "build/fuzz/$t-new" >/dev/null 2>&1
  fi
  rm -rf "build/fuzz/$t-new"
  size=$(ls "$corpus" | wc -l)
  echo "fuzz: $t: ${runs:-0} inputs in ${time_s} s, corpus $size, ${found:-no failures}"
  printf '{"target":"%s","seconds":%s,"executions":%s,"corpus":%s,"failures":"%s","date":"%s"}\n' \
    "$t" "$time_s" "${runs:-0}" "$size" "$found" "$(date -u +%Y-%m-%d)" >> build/fuzz/report.jsonl
  [ -z "$found" ] || { echo "fuzz: $t found a failure: $found"; exit 1; }
done
node scripts/gen-reliability.mjs
