#!/usr/bin/env bash
# Regenerate tests/lua/<name>.expected for every tests/lua/<name>.lua by running
# the reference interpreter (PUC Lua 5.4, `lua5.4`) from inside tests/lua.
#
# .expected format:
#   <the program's stdout, byte for byte>
#   and only if the exit status is non-zero, two more lines:
#   --- exit <status>
#   <first line of stderr, with the leading "lua5.4: " removed>
#
# Environment overrides: LUA (interpreter command, default lua5.4),
# TIMEOUT (seconds per program, default 10).
set -euo pipefail
export LC_ALL=C

LUA=${LUA:-lua5.4}
TIMEOUT=${TIMEOUT:-10}

cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v "$LUA" >/dev/null 2>&1; then
  echo "regen.sh: ERROR: reference interpreter '$LUA' not found." >&2
  echo "regen.sh: install it with:  apt-get install -y lua5.4" >&2
  exit 1
fi
if ! command -v timeout >/dev/null 2>&1; then
  echo "regen.sh: ERROR: 'timeout' (coreutils) not found." >&2
  exit 1
fi
version=$("$LUA" -v 2>&1 || true)
case "$version" in
  "Lua 5.4"*) ;;
  *) echo "regen.sh: ERROR: '$LUA' is not Lua 5.4 (it reports: $version)" >&2; exit 1 ;;
esac

shopt -s nullglob
programs=(*.lua)
if [ ${#programs[@]} -eq 0 ]; then
  echo "regen.sh: ERROR: no *.lua programs found in $(pwd)" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# drop .expected files whose program no longer exists
for e in *.expected; do
  [ -f "${e%.expected}.lua" ] || { echo "regen.sh: removing stale $e"; rm -f -- "$e"; }
done

failures=0
errors=0
for prog in "${programs[@]}"; do
  name=${prog%.lua}
  set +e
  timeout "$TIMEOUT" "$LUA" "$prog" </dev/null >"$tmp/stdout" 2>"$tmp/stderr"
  status=$?
  set -e
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "regen.sh: ERROR: $prog timed out after ${TIMEOUT}s" >&2
    failures=$((failures + 1))
  fi
  {
    cat "$tmp/stdout"
    if [ "$status" -ne 0 ]; then
      first=$(head -n 1 "$tmp/stderr")
      first=${first#"$LUA: "}
      first=${first#lua5.4: }
      printf -- '--- exit %d\n%s\n' "$status" "$first"
    fi
  } >"$name.expected"
  if [ "$status" -ne 0 ]; then
    errors=$((errors + 1))
    if [ -s "$tmp/stdout" ] && [ "$(tail -c 1 "$tmp/stdout" | od -An -c | tr -d ' ')" != '\n' ]; then
      echo "regen.sh: WARNING: $prog failed but its stdout does not end with a newline" >&2
    fi
  fi
  if [ ! -s "$name.expected" ]; then
    echo "regen.sh: ERROR: $name.expected is empty (programs must print something)" >&2
    failures=$((failures + 1))
  fi
done

echo "regen.sh: ${#programs[@]} programs, $errors with non-zero exit status, $failures problem(s)"
[ "$failures" -eq 0 ]
