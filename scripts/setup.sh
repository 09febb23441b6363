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
