#!/usr/bin/env bash
# Build the benchmark venv (at $1, default .bench-venv) for
# bench/bench_search.py with every peer: Optuna's GPSampler, HEBO and SMAC3.
#
# Why a script and not just `pip install -r requirements-bench.txt`: HEBO 0.3.6 declares
# numpy<1.25 and pymoo==0.6.0, which would drag numpy back below TuneLab's pin; it runs with
# TuneLab's numpy when installed with --no-deps beside its real dependencies (pinned in
# requirements-bench.txt). pip cannot say "--no-deps for one package" in a requirements
# file, so the order is: TuneLab's runtime, torch (CPU build), the pinned bench
# dependencies, then HEBO alone without its metadata's pins.
#
# Usage: bash scripts/bench-venv.sh [VENV_DIR]      (TORCH_INDEX=URL to use another torch index)
# Never the dashboard's .venv: these packages are not TuneLab's runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.bench-venv}"
torch_index="${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
python="${PYTHON:-python3.11}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install --quiet)
"${pip[@]}" -r requirements.txt
# torch first, from the CPU index (the default PyPI wheel pulls in CUDA, gigabytes).
"${pip[@]}" --extra-index-url "$torch_index" "$(grep -E '^torch==' requirements-bench.txt)"
"${pip[@]}" --extra-index-url "$torch_index" -r requirements-bench.txt
"${pip[@]}" --no-deps "hebo==0.3.6"
"${pip[@]}" --no-deps "syne-tune==0.16.0"
"$venv/bin/python" -c "import hebo.optimizers.hebo, smac, optuna, torch, numpy, syne_tune.optimizer.baselines; print('bench venv ready:', '$venv', 'numpy', numpy.__version__, 'torch', torch.__version__)"
