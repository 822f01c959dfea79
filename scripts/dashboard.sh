#!/usr/bin/env bash
# Install what the dashboard needs into .venv and start it on http://127.0.0.1:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements.txt
exec .venv/bin/streamlit run app.py --server.address 127.0.0.1 --browser.gatherUsageStats false "$@"
