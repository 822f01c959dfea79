#!/usr/bin/env bash
# Install what the tests need into .venv and run the whole test suite.
# The browser tests drive Debian's chromium (/usr/bin/chromium): install it if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements-dev.txt

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=""
  elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
  else
    as_root="none"
  fi
  if [ "$as_root" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: /usr/bin/chromium is missing and cannot be installed here (needs apt-get, and root or sudo)." >&2
    echo "test.sh: install it with 'apt-get install chromium'. Until then the browser tests are skipped" >&2
    echo "test.sh: (they run, and fail, if TUNELAB_REQUIRE_BROWSER is set)." >&2
  else
    echo "test.sh: installing Debian's chromium for the browser tests (apt-get install chromium)..." >&2
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
    if [ ! -x /usr/bin/chromium ]; then
      echo "test.sh: apt-get installed chromium, but there is no /usr/bin/chromium" >&2
      exit 1
    fi
  fi
fi

exec .venv/bin/python -m pytest "$@"
