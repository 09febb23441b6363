#!/usr/bin/env bash
# Regenerates the .expected files of tests/stdin with the reference lua5.4,
# on the inputs tests/cli_stdin.rs gives the programs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
seq 1 30000 | lua5.4 read_formats.lua > read_formats.expected
lua5.4 numbers.lua < numbers.input > numbers.expected
