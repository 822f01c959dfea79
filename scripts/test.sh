#!/usr/bin/env bash
# Install what the tests need into .venv and run the whole test suite.
# The browser tests drive Debian's chromium (/usr/bin/chromium), and the store's tests start a
# real PostgreSQL server from Debian's postgresql package: install them if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements-dev.txt

# install_debian_package PACKAGE WHAT_SKIPS REQUIRE_VARIABLE: apt-get install PACKAGE as root or with
# sudo. Where neither works, say so and return 1: the tests that need it skip (or fail when the
# variable is set).
install_debian_package() {
  local package="$1" what_skips="$2" require_variable="$3" as_root
  if [ "$(id -u)" -eq 0 ]; then
    as_root=""
  elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
  else
    as_root="none"
  fi
  if [ "$as_root" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: $package is missing and cannot be installed here (needs apt-get, and root or sudo)." >&2
    echo "test.sh: install it with 'apt-get install $package'. Until then $what_skips are skipped" >&2
    echo "test.sh: (they run, and fail, if $require_variable is set)." >&2
    return 1
  fi
  echo "test.sh: installing Debian's $package for $what_skips (apt-get install $package)..." >&2
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  if install_debian_package chromium "the browser tests" TUNELAB_REQUIRE_BROWSER && [ ! -x /usr/bin/chromium ]; then
    echo "test.sh: apt-get installed chromium, but there is no /usr/bin/chromium" >&2
    exit 1
  fi
fi

# Debian keeps PostgreSQL's initdb and pg_ctl off PATH, in /usr/lib/postgresql/<version>/bin.
has_initdb() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1; }
if ! has_initdb; then
  if install_debian_package postgresql "the PostgreSQL store tests" TUNELAB_REQUIRE_POSTGRES && ! has_initdb; then
    echo "test.sh: apt-get installed postgresql, but there is no /usr/lib/postgresql/*/bin/initdb" >&2
    exit 1
  fi
fi

# Two pytest workers (pytest-xdist): the tests mostly wait on worker processes, servers and the
# browser, so two at once use the two cores the suite is sized for. Each test still gets its own
# TuneLab home, ports and servers (conftest), so they do not see each other. Arguments given
# after the command go to pytest (`bash scripts/test.sh -n 0 tests/test_cli.py` runs one file alone).
exec .venv/bin/python -m pytest -n 2 "$@"
