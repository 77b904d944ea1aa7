#!/usr/bin/env bash
# libFuzzer with ASan + UBSan on the C++ entry points: the kernel entry run(), the expression
# compiler/evaluator, the training lab's CSV reader (csv), and whole class-shaped pastes
# (module: fuzz_module.cpp's custom mutator makes and breaks tutorial nn.Module sources,
# tests/fuzz/module_gen.hpp). Each target runs FUZZ_TIME seconds (default 60) from its committed
# corpus in tests/fuzz/corpus/<target>; new inputs that reach new code are merged back into it,
# and a crash leaves its input in build/fuzz/ and fails the run. `npm test` replays the corpus.
# Then `stress`: STRESS_N (default 100,000) generated pastes natively under ASan + UBSan (crash,
# leak), natively in the release build (time per input) and through the product's wasm build in
# node (tests/js/module-stress.js); each run appends a line to build/fuzz/report.jsonl.
#   npm run fuzz                  every target, 60 s each, then the stress
#   FUZZ_TIME=600 npm run fuzz    longer
#   npm run fuzz -- expr          one target
#   npm run fuzz -- stress        the stress only
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang++ >/dev/null 2>&1 || {
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang >/dev/null
}
time_s=${FUZZ_TIME:-60}
targets=("${@:-run expr module csv stress}")
read -r -a targets <<<"${targets[*]}"
mkdir -p build/fuzz
srcs=$(ls cpp/src/*.cpp | grep -v bindings.cpp)
flags=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Icpp/include)
today=$(date -u +%Y-%m-%d)

# One stress run: its report line, or one that says how it ended when it printed none (a crash).
stress_failed=0
run_stress() {
  local target=$1 what=$2 line rc=0
  shift 2
  echo "fuzz: stress, ${STRESS_N:-100000} class-shaped inputs, $what"
  line=$("$@" --n "${STRESS_N:-100000}" --json "$target") || rc=$?
  [ -n "$line" ] || line=$(printf '{"target":"%s","kind":"stress","failures":"exit %s, see the log","date":"%s"}' "$target" "$rc" "$today")
  echo "$line" >> build/fuzz/report.jsonl
  [ "$rc" = 0 ] || stress_failed=1
}

# The class-shaped stress, on the current build of every side (build.sh is incremental).
stress() {
  bash scripts/build.sh
  run_stress module-stress-asan "native ASan + UBSan" build/native/module-stress
  run_stress module-stress-native "native release build" build/native/module-stress-release
  run_stress module-stress-wasm "wasm (the product build in node)" node scripts/module-stress-wasm.mjs
  [ "$stress_failed" = 0 ] || { echo "fuzz: the stress found a failure (above)"; exit 1; }
}

for t in "${targets[@]}"; do
  if [ "$t" = stress ]; then stress; continue; fi
  bin=build/fuzz/$t
  if [ ! -x "$bin" ] || [ -n "$(find cpp tests/fuzz/fuzz_$t.cpp tests/fuzz/*.hpp -newer "$bin" -name '*.[ch]pp' | head -1)" ]; then
    echo "fuzz: building $t"
    # shellcheck disable=SC2086
    clang++ "${flags[@]}" $srcs "tests/fuzz/fuzz_$t.cpp" -o "$bin"
  fi
  # Pastes run to a megabyte (the mutator's huge sources); a committed one is cut at 4 KB.
  max_len=4096
  if [ "$t" = module ]; then max_len=1048576; fi
  corpus=tests/fuzz/corpus/$t
  mkdir -p "$corpus" "build/fuzz/$t-new"
  echo "fuzz: $t for ${time_s} s"
  (cd build/fuzz && "./$t" -max_total_time="$time_s" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 "$t-new" "../../$corpus") > "build/fuzz/$t.log" 2>&1 || true
  grep -E "stat::(number_of_executed_units|peak_rss)|ERROR|SUMMARY" "build/fuzz/$t.log" || true
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$t.log")
  found=$(ls build/fuzz/crash-* build/fuzz/leak-* build/fuzz/timeout-* 2>/dev/null || true)
  if [ -z "$found" ] && [ "$t" = module ]; then
    # Keep the committed seeds under 300 files and 1 MB: the hand-written pastes (*.py) stay,
    # the rest is the greedy set cover of old and new inputs, its 250 largest files (those carry
    # the most features), each cut at 4 KB.
    rm -rf build/fuzz/module-min && mkdir -p build/fuzz/module-min
    "$bin" -set_cover_merge=1 -max_len=4096 build/fuzz/module-min "$corpus" "build/fuzz/$t-new" >/dev/null 2>&1
    # (The listing is read whole: `ls | head` would end ls with SIGPIPE, fatal under pipefail.)
    mapfile -t kept < <(ls -S build/fuzz/module-min)
    if ((${#kept[@]})); then
      find "$corpus" -type f ! -name '*.py' -delete
      for f in "${kept[@]:0:250}"; do cp "build/fuzz/module-min/$f" "$corpus/"; done
      find "$corpus" -type f -size +4096c -exec truncate -s 4096 {} +
    fi
    rm -rf build/fuzz/module-min
  elif [ -z "$found" ]; then
    # Keep the corpus small: only inputs that add coverage join the committed set.
    "$bin" -merge=1 -max_len=4096 "$corpus" "build/fuzz/$t-new" >/dev/null 2>&1
  fi
  rm -rf "build/fuzz/$t-new"
  size=$(ls "$corpus" | wc -l)
  echo "fuzz: $t: ${runs:-0} inputs in ${time_s} s, corpus $size, ${found:-no failures}"
  printf '{"target":"%s","seconds":%s,"executions":%s,"corpus":%s,"failures":"%s","date":"%s"}\n' \
    "$t" "$time_s" "${runs:-0}" "$size" "$found" "$today" >> build/fuzz/report.jsonl
  [ -z "$found" ] || { echo "fuzz: $t found a failure: $found"; exit 1; }
done
node scripts/gen-reliability.mjs
