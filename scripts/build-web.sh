#!/usr/bin/env bash
# Builds the browser package into www/pkg: the crate compiled to wasm with
# wasm-bindgen's JavaScript glue and TypeScript types, then shrunk with
# Debian's wasm-opt when it can read the module. Prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
need_wasm
# Size over speed for the download, and panics abort (the worker reports
# them): the native release profile keeps its own settings.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
  CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_PANIC=abort
wasm-pack build --release --target web --out-dir www/pkg --out-name vheap 2>&1 | grep -v "^\s*Compiling" || true
test -f www/pkg/vheap_bg.wasm
wasm=www/pkg/vheap_bg.wasm
# Debian's binaryen (version 108) predates the reference types that Rust's
# wasm target now emits: its output fails to instantiate (an externref table
# of the wrong kind), so wasm-opt runs only when VHEAP_WASM_OPT=1 asks for it.
if [ "${VHEAP_WASM_OPT:-0}" = 1 ]; then
  features="--enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types --enable-multivalue"
  wasm-opt -Oz $features "$wasm" -o "$wasm.opt" && mv "$wasm.opt" "$wasm"
fi
wasm_gz=$(gzip -9 -c "$wasm" | wc -c)
js_gz=$(cat www/pkg/vheap.js www/vheap.js www/worker.js | gzip -9 | wc -c)
echo "build-web: vheap_bg.wasm $(wc -c < "$wasm") bytes ($wasm_gz gzipped); JS glue + API + worker $js_gz gzipped"
