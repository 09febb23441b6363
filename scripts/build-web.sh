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
# Rust's wasm target uses post-MVP features; name them so an older binaryen accepts the module.
features="--enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types --enable-multivalue"
# Binaryen 108 (Debian 12's) writes table exports wrongly: wasm-bindgen's
# externref table comes out exported as the function table, and the glue
# then fails at start-up ("WebAssembly.Table.set(): Argument 1 is invalid").
# So the optimised module is kept only if that export still names an anyref table.
externref_table_ok() {
  local printed table
  printed=$(wasm-opt $features "$1" --print 2>/dev/null | grep -E '^ \((table|export "__wbindgen_externrefs")') || return 1
  table=$(sed -n 's/^ (export "__wbindgen_externrefs" (table \$\([^)]*\)))$/\1/p' <<<"$printed")
  [ -z "$table" ] && return 0
  grep -qE "^ \(table \\\$$table .*(anyref|externref)\)" <<<"$printed"
}
if wasm-opt -Oz $features "$wasm" -o "$wasm.opt" 2>/dev/null && externref_table_ok "$wasm.opt"; then
  mv "$wasm.opt" "$wasm"
else
  rm -f "$wasm.opt"
  echo "build-web: wasm-opt could not read the module or broke its externref table; keeping it unoptimised" >&2
fi
wasm_gz=$(gzip -9 -c "$wasm" | wc -c)
js_gz=$(cat www/pkg/vheap.js www/vheap.js www/worker.js | gzip -9 | wc -c)
echo "build-web: vheap_bg.wasm $(wc -c < "$wasm") bytes ($wasm_gz gzipped); JS glue + API + worker $js_gz gzipped"
