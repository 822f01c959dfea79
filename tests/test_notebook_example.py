"""examples/amt_notebook_xgboost.py, AWS's AMT notebook with only its imports changed, runs.

It runs in a subprocess, as a student runs it (no ``if __name__ == "__main__"`` guard,
worker processes and all), small: a sample of rows, few training jobs, few rounds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "amt_notebook_xgboost.py"


def test_notebook_script_runs_end_to_end(tmp_path):
    env = {
        **os.environ,
        "TUNELAB_HOME": str(tmp_path / "home"),
        "TUNELAB_NOTEBOOK_ROWS": "1500",
        "TUNELAB_NOTEBOOK_MAX_JOBS": "3",
        "TUNELAB_NOTEBOOK_WARM_JOBS": "2",
        "TUNELAB_NOTEBOOK_PARALLEL": "2",
        "TUNELAB_NOTEBOOK_NUM_ROUND": "5",
        "TUNELAB_NOTEBOOK_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run([sys.executable, str(SCRIPT)], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "3/3 training jobs finished" in out
    assert "Number of training jobs with valid objective: 3" in out
    assert "Best training job: xgboost-" in out
    assert "Warm start status: Completed" in out
    assert "BestTrainingJob: warmstart-" in out and "OverallBestTrainingJob: " in out
    assert "Predictions: 150" in out  # the 10% test split of 1,500 rows
    assert "actuals" in out  # the confusion matrix
    for name in ("train.csv", "validation.csv", "test.csv"):
        first = (tmp_path / "data" / name).read_text().splitlines()[0].split(",")
        assert first[0] in ("0", "1") and all(cell.lstrip("-").replace(".", "").isdigit() for cell in first)
    assert (tmp_path / "home" / "tunelab.db").is_file()  # the default store, under $TUNELAB_HOME
