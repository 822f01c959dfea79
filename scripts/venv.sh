#!/usr/bin/env bash
# Make .venv (Python 3.11+) and install the pinned requirements file given as $1.
# Sourced by dashboard.sh and test.sh; re-running it only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=".venv/.installed-$(basename "$requirements")"
if [ ! -f "$stamp" ] || [ requirements.txt -nt "$stamp" ] || [ "$requirements" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  # `tuning` importable from anywhere in the venv (scripts, notebooks), edits live.
  .venv/bin/python -m pip install --quiet --no-deps -e .
  touch "$stamp"
fi
