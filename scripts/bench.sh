#!/usr/bin/env bash
# Runs the benchmarks; prints ratios against baselines measured in the same run.
#   npm run bench            all of them
#   npm run bench -- paging  one group (heap: resident, paging, checkpoint, policy, image; lua; web)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
need_cargo
need_apt lua5.4 lua5.4   # the baseline for the Lua benchmarks
group="${1:-}"
case "$group" in
  lua) cargo bench --locked --bench lua ;;
  web)
    # Headless Chromium: raw IndexedDB beside the heap's own paging, and checkpoints.
    need_wasm
    need_chromium
    CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=3600 \
      wasm-pack test --headless --chrome --release -- --locked --test web_bench -- --nocapture 2>&1 | grep -v "^\s*Compiling"
    ;;
  "")
    cargo bench --locked --bench heap
    cargo bench --locked --bench lua
    bash "$0" web
    ;;
  *) cargo bench --locked --bench heap -- "$@" ;;
esac
