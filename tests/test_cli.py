"""The command line, run as a user runs it: a real subprocess, a real store file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args, store, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tuning", "--store", str(store), *args],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=300,
    )


def test_run_prints_progress_the_table_and_the_best_job_then_list_and_show_read_the_store(tmp_path):
    store = tmp_path / "cli.db"
    result = _cli("run", str(ROOT / "examples" / "iris-grid.json"), "--name", "iris-grid", store=store)
    assert result.returncode == 0, result.stderr
    assert "8/8" in result.stderr  # tqdm's bar reached the end
    assert "TrainingJobName" in result.stdout and "iris-grid-008" in result.stdout
    assert "Best training job: iris-grid-" in result.stdout
    assert "Why it ended: MaxNumberOfTrainingJobs (8) reached" in result.stdout

    listed = _cli("list", store=store)
    assert listed.returncode == 0 and "iris-grid" in listed.stdout and "Completed" in listed.stdout
    shown = _cli("show", "iris-grid", store=store)
    assert shown.returncode == 0 and "iris-grid-001" in shown.stdout


def test_a_csv_path_in_the_config_is_relative_to_the_config_file(tmp_path):
    rows = ["x1,x2,label"] + [f"{i % 7},{(i * 3) % 5},{'a' if i % 2 else 'b'}" for i in range(60)]
    (tmp_path / "data.csv").write_text("\n".join(rows))
    (tmp_path / "job.json").write_text(json.dumps({
        "Dataset": {"Path": "data.csv", "Target": "label"}, "Algorithm": "knn", "Strategy": "Random",
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 2}, "RandomSeed": 1,
    }))
    result = _cli("run", "job.json", "--quiet", store=tmp_path / "s.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Best training job" in result.stdout


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", r"is not valid JSON"),
        ('["a"]', r"must be a JSON object"),
        ('{"Dataset": "iris", "Colour": 1}', r"Colour: unknown field"),
        ('{"Dataset": "iris", "ResourceLimits": {"MaxNumberOfTrainingJobs": "ten"}}', r"ResourceLimits.MaxNumberOfTrainingJobs: .*whole number"),
        ('{"Dataset": "iris", "ResourceLimits": {"MaxParallelTrainingJobs": 1000}}', r"ResourceLimits.MaxParallelTrainingJobs"),
        ('{"Dataset": "iris", "HyperparameterRanges": {"k": {"Type": "Integer", "MinValue": 5, "MaxValue": 1}}}', r"HyperparameterRanges.k: .*min_value < max_value"),
        ('{"Dataset": {"Path": 3}}', r"Dataset.Path: must be the path of a CSV file"),
        ('{"Algorithm": "xgboost"}', r"Dataset: required"),
        ('{"Dataset": "iris", "Objective": {"MetricName": 5}}', r"Objective.MetricName: must be a string"),
    ],
)
def test_bad_config_files_print_a_clear_error_and_exit_2(tmp_path, content, message):
    (tmp_path / "bad.json").write_text(content)
    result = _cli("run", str(tmp_path / "bad.json"), store=tmp_path / "s.db")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    import re

    assert re.search(message, result.stderr), result.stderr


def test_missing_file_and_unknown_job(tmp_path):
    missing = _cli("run", "nope.json", store=tmp_path / "s.db")
    assert missing.returncode == 2 and "no configuration file at 'nope.json'" in missing.stderr
    unknown = _cli("show", "ghost", store=tmp_path / "s.db")
    assert unknown.returncode == 2 and "no tuning job named 'ghost'" in unknown.stderr
    stop = _cli("stop", "ghost", store=tmp_path / "s.db")
    assert stop.returncode == 2


def test_algorithms_lists_the_catalogue(tmp_path):
    result = _cli("algorithms", store=tmp_path / "s.db")
    assert result.returncode == 0
    for name in ("xgboost", "linear-learner", "random-forest", "knn", "mlp", "num_round", "0.1 to 0.5"):
        assert name in result.stdout


def test_export_of_an_unknown_job_or_format_is_a_clear_error(tmp_path):
    result = _cli("export", "nobody", store=tmp_path / "empty.db")
    assert result.returncode == 2 and "error: no tuning job named 'nobody'" in result.stderr
    result = _cli("export", "nobody", "--format", "yaml", store=tmp_path / "empty.db")
    assert result.returncode == 2 and "invalid choice: 'yaml'" in result.stderr


def test_list_and_show_mark_dead_runners_and_a_read_only_store_still_lists_with_a_note(tmp_path):
    """``list`` and ``show`` tell a dead job from a live one (they mark dead runners first); on a
    store that refuses writes (read-only, a full disk) they still print what they read."""
    import re
    import time

    from tuning.records import TuningJob
    from tuning.store.database import Store

    path = tmp_path / "dead.db"
    store = Store(path)
    for name in ("dead-1", "dead-2"):
        store.create_tuning_job(TuningJob(
            name=name, status="InProgress", strategy="Random", algorithm="xgboost", dataset="iris",
            objective_metric_name="validation:accuracy", objective_type="Maximize", max_jobs=5,
            max_parallel_jobs=1, config={"Strategy": "Random"}, created_at=time.time(),
            runner_host="elsewhere", runner_pid=1, heartbeat_at=time.time() - 120))
    store.dispose()
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    listed = _cli("list", store=read_only)
    assert listed.returncode == 0, listed.stderr
    assert re.search(r"dead-1\s+InProgress", listed.stdout) and "Traceback" not in listed.stderr
    assert "note: could not mark 2 tuning job(s) whose process died as Interrupted" in listed.stderr
    shown = _cli("show", "dead-1", store=read_only)
    assert shown.returncode == 0 and "Tuning job dead-1: InProgress" in shown.stdout
    assert "refused the write" in shown.stderr
    shown = _cli("show", "dead-1", store=path)
    assert shown.returncode == 0 and "Tuning job dead-1: Interrupted" in shown.stdout and not shown.stderr
    listed = _cli("list", store=path)
    assert re.search(r"dead-1\s+Interrupted", listed.stdout) and re.search(r"dead-2\s+Interrupted", listed.stdout)
