#!/usr/bin/env bash
# Builds the browser package into www/pkg: the crate compiled to wasm with
# wasm-bindgen's JavaScript glue and TypeScript types, then shrunk with
# wasm-opt (npm's binaryen). Prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
need_wasm
need_node_modules
# Size over speed for the download, and panics abort (the worker reports
# them): the native release profile keeps its own settings.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
  CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_PANIC=abort
wasm-pack build --release --target web --out-dir www/pkg --out-name vheap 2>&1 | grep -v "^\s*Compiling" || true
test -f www/pkg/vheap_bg.wasm
wasm=www/pkg/vheap_bg.wasm
# wasm-opt from the npm package `binaryen` (a devDependency): Debian's
# binaryen (version 108) predates the reference types Rust's wasm target
# emits, and its output fails to instantiate.
wasm_opt=node_modules/.bin/wasm-opt
if [ -x "$wasm_opt" ]; then
  features="--enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types --enable-multivalue"
  "$wasm_opt" -Oz $features "$wasm" -o "$wasm.opt" && mv "$wasm.opt" "$wasm"
else
  echo "build-web: no node_modules/.bin/wasm-opt (npm install); the wasm stays unoptimised" >&2
fi
wasm_gz=$(gzip -9 -c "$wasm" | wc -c)
js_gz=$(cat www/pkg/vheap.js www/vheap.js www/worker.js | gzip -9 | wc -c)
echo "build-web: vheap_bg.wasm $(wc -c < "$wasm") bytes ($wasm_gz gzipped); JS glue + API + worker $js_gz gzipped"
