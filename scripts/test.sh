#!/usr/bin/env bash
# Runs every test suite. `npm test` and CI (.ci/run) call exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
need_cargo
need_apt lua5.4 lua5.4   # the reference interpreter for the Lua corpus

echo "== cargo test (unit, integration, CLI, 1 GiB heap) =="
cargo test --locked 2>&1
