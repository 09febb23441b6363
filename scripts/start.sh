#!/usr/bin/env bash
# Builds what the demo needs (the wasm package and the page's bundle) and
# serves www/ on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
bash scripts/build-web.sh
bash scripts/build-page.sh
exec node scripts/serve.mjs www "${PORT:-8080}"
