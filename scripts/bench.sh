#!/usr/bin/env bash
# Runs the benchmarks; prints ratios against baselines measured in the same run.
#   npm run bench            all of them
#   npm run bench -- paging  one group (heap: resident, paging, checkpoint, policy, image; or lua)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
need_cargo
need_apt lua5.4 lua5.4   # the baseline for the Lua benchmarks
group="${1:-}"
if [ "$group" != "lua" ]; then
  cargo bench --locked --bench heap -- "$@"
fi
if [ -z "$group" ] || [ "$group" = "lua" ]; then
  cargo bench --locked --bench lua
fi
