#!/usr/bin/env bash
# Bundles the page's editor (CodeMirror 6 and its Lua mode, from npm) into
# www/build/editor.js with esbuild, so the page loads no code from elsewhere
# and works offline. The page's own modules (www/app/) are served as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
need_node_modules
npx --no-install esbuild www/app/editor.js --bundle --format=esm --minify --log-level=warning \
  --outfile=www/build/editor.js
echo "build-page: www/build/editor.js $(wc -c < www/build/editor.js) bytes ($(gzip -9 -c www/build/editor.js | wc -c) gzipped)"
