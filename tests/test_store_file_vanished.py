"""The store file deleted while TuneLab runs (issue 14, case 1): written back, said, nothing lost.

A real SQLite file, deleted with ``unlink`` as a file manager would; the jobs are real tuning
jobs; another process reads the file afterwards; the dashboard door is its Home page (AppTest).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tuning import ContinuousParameter, Store, TuningJobConfig, run_tuning_job
from tuning.errors import StoreWriteError

ROOT = Path(__file__).resolve().parent.parent


def _config(name: str) -> TuningJobConfig:
    return TuningJobConfig(dataset="iris", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                           static_hyperparameters={"num_round": 5}, max_jobs=2, strategy="Random", random_seed=1,
                           name=name)


def _names_seen_by_another_process(path: Path) -> list[str]:
    script = "import sys; from tuning import Store; print(' '.join(j.name for j in Store(sys.argv[1]).list_tuning_jobs()))"
    result = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    return sorted(result.stdout.split())


def test_a_deleted_store_file_is_written_back_with_every_job_and_the_next_one(tmp_path):
    path = tmp_path / "tunelab.db"
    store = Store(path)
    run_tuning_job(_config("before"), store)
    path.unlink()  # a student cleans the folder; the -wal file beside it stays, as it would
    assert store.check_file() is not None  # noticed before anything else is written
    run_tuning_job(_config("after"), store)
    assert path.is_file()
    assert _names_seen_by_another_process(path) == ["after", "before"]
    assert "was deleted while TuneLab was running" in store.check_file()
    trained = store.training_jobs("before", with_curves=False)
    assert [t.status for t in trained] == ["Completed", "Completed"]


def test_a_store_file_replaced_by_another_refuses_writes_and_changes_neither(tmp_path):
    path = tmp_path / "tunelab.db"
    store = Store(path)
    run_tuning_job(_config("mine"), store)
    other = Store(tmp_path / "other.db")
    run_tuning_job(_config("theirs"), other)
    other.dispose()
    store.engine.dispose()  # idle: its connections closed, its -wal checkpointed into the file
    path.unlink()
    os.replace(tmp_path / "other.db", path)  # a backup restored over it while TuneLab runs
    with pytest.raises(StoreWriteError, match="was replaced by another file"):
        run_tuning_job(_config("third"), store)
    assert _names_seen_by_another_process(path) == ["theirs"]


def test_the_dashboard_says_the_store_was_written_back(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("TUNELAB_HOME", str(home))
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not app.exception
    from views.shared import get_store

    store = get_store()  # the server's one store, as the pages hold it
    run_tuning_job(_config("shown"), store)
    (home / "tunelab.db").unlink()
    app.run()
    assert not app.exception, [item.value for item in app.exception]
    warnings = " ".join(item.value for item in app.warning)
    assert "was deleted while TuneLab was running" in warnings, warnings
    assert "shown" in _names_seen_by_another_process(home / "tunelab.db")
