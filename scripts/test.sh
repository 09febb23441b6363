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

echo "== end-to-end tests: the demo page in Debian's Chromium, driven by playwright-core =="
need_node_modules
need_chromium
# The wasm package is built when missing or older than the Rust it comes from.
if [ ! -f www/pkg/vheap_bg.wasm ] || [ -n "$(find src Cargo.toml Cargo.lock -newer www/pkg/vheap_bg.wasm -print -quit)" ]; then
  bash scripts/build-web.sh
fi
bash scripts/build-page.sh
node --test --test-concurrency=1 tests/e2e/
