#!/usr/bin/env bash
# Install what the dashboard needs into .venv and start it on http://127.0.0.1:8501
#   bash scripts/dashboard.sh --class   starts it in class mode (README, "Class mode"): a name prompt,
#                                       students' workspaces, the teacher's password (asked for here if none is set)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh requirements.txt
args=()
for arg in "$@"; do
  if [[ "$arg" == "--class" ]]; then
    export TUNELAB_CLASS=1
  else
    args+=("$arg")
  fi
done
if [[ "${TUNELAB_CLASS:-}" == "1" ]] && ! .venv/bin/python -c \
    'import sys; from tuning.classroom import load_class_settings; sys.exit(not load_class_settings().has_password)'; then
  if [[ -t 0 ]]; then
    echo "Class mode needs a teacher password (kept only as a hash, in TuneLab's home folder)."
    .venv/bin/python -m tuning class on
  else
    echo "Class mode: no teacher password is set, so nobody can log in as the teacher." \
         "Set one with: .venv/bin/python -m tuning class on --password" >&2
  fi
fi
exec .venv/bin/streamlit run app.py --server.address 127.0.0.1 --browser.gatherUsageStats false ${args[@]+"${args[@]}"}
