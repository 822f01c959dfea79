#!/usr/bin/env bash
# Install what the tests need into .venv and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
