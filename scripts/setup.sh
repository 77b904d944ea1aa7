#!/usr/bin/env bash
# Idempotent bootstrap for a fresh Debian machine: installs only what is missing.
#   Debian: emscripten (em++ 3.1.6), catch2 (single header), cmake, chromium (browser tests).
#   npm:    the packages in package-lock.json, reinstalled when the lock file changes.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v em++ >/dev/null 2>&1 || need+=(emscripten)
[ -f /usr/include/catch2/catch.hpp ] || need+=(catch2)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ((${#need[@]})); then
  echo "setup: installing Debian packages: ${need[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

stamp=node_modules/.actlab-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
