#!/usr/bin/env bash
# Builds what the demo needs and serves www/ on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
need_cargo
cargo build --locked --release --bin vheap
exec node scripts/serve.mjs www "${PORT:-8080}"
