#!/usr/bin/env bash
# Installs what the project's commands need and a fresh machine lacks.
# Idempotent: every step checks first. Sourced by start.sh, test.sh, bench.sh.

need_apt() {
  # need_apt COMMAND PACKAGE...: installs the Debian packages if COMMAND is missing.
  local cmd=$1; shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  echo "setup: installing $* (for $cmd)" >&2
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if [ ! -f /tmp/.vheap-apt-updated ]; then
    $sudo apt-get update -qq >/dev/null && touch /tmp/.vheap-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

need_cargo() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
  fi
  command -v cargo >/dev/null 2>&1 || { echo "setup: cargo is missing; install Rust with rustup" >&2; exit 1; }
}

# The browser build: the wasm target, wasm-pack (which installs the matching
# wasm-bindgen on its first run).
need_wasm() {
  need_cargo
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "setup: adding the wasm32-unknown-unknown target" >&2
    rustup target add wasm32-unknown-unknown >/dev/null
  fi
  if ! command -v wasm-pack >/dev/null 2>&1; then
    echo "setup: installing wasm-pack (about 2 minutes, once)" >&2
    cargo install --locked wasm-pack >/dev/null 2>&1 || cargo install wasm-pack
  fi
}

# Debian's Chromium and its driver, for the browser tests.
need_chromium() {
  need_apt chromium chromium
  need_apt chromedriver chromium-driver
}

# The npm packages of package.json (the page's editor, playwright-core).
# npm rewrites node_modules/.package-lock.json on every install (the folder's
# own time does not change), so that file tells whether the install is current.
need_node_modules() {
  local stamp=node_modules/.package-lock.json
  if [ ! -f $stamp ] || [ package.json -nt $stamp ] || [ package-lock.json -nt $stamp ]; then
    echo "setup: installing npm packages" >&2
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  fi
}
