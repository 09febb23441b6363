#!/usr/bin/env bash
# Runs the benchmarks; prints ratios against baselines measured in the same run.
#   npm run bench            all of them
#   npm run bench -- paging  one group (resident, paging, checkpoint)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
need_cargo
cargo bench --locked --bench heap -- "$@"
