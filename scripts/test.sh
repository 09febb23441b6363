#!/usr/bin/env bash
# Runs every test suite. `npm test` and CI (.ci/run) call exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
need_cargo
need_apt lua5.4 lua5.4   # the reference interpreter for the Lua corpus

echo "== cargo test (unit, integration, CLI, Lua corpus, 1 GiB heap) =="
cargo test --locked 2>&1

echo "== browser tests: wasm-pack test in headless Chromium, real IndexedDB and Web Locks =="
need_wasm
need_chromium
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=900 \
  wasm-pack test --headless --chrome --release -- --locked --test web 2>&1 | grep -v "^\s*Compiling"
