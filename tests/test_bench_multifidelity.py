"""The multi-fidelity benchmark's replay: tabulated curves through the real runner.

A slice of the shipped XGBoost table (12 configurations) is replayed by a Hyperband
tuning job and by random search at the full resource, through ``run_tuning_job`` with its
workers, board and pruners. Every recorded curve must be the table's curve of the
configuration it was snapped to (cut where the job ended); Hyperband must have ended some
jobs before the full resource, random search none; the final objective the worker scores
from the replayed model must be the curve's last value.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import tabular_replay  # noqa: E402
from tuning import Store, TuningJobConfig, run_tuning_job  # noqa: E402
from tuning.algorithms import get_algorithm, unregister_algorithm  # noqa: E402
from tuning.running import forkserver  # noqa: E402

TABLE = BENCH / "data" / "tabular-xgboost-breast_cancer.json.gz"


@pytest.fixture
def replay(tmp_path, monkeypatch):
    """The replay algorithm on a 12-configuration slice, registered here and in the workers."""
    table = tabular_replay.load_table(TABLE)
    table["configurations"] = table["configurations"][:12]
    path = tmp_path / "slice.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(table, handle)
    for variable in (tabular_replay.ENVIRONMENT, "TABULAR_REPLAY_TIME_SCALE", "PYTHONPATH"):
        monkeypatch.setenv(variable, os.environ.get(variable, ""))
    monkeypatch.setattr(forkserver, "WORKER_MODULES", forkserver.WORKER_MODULES)
    (name,) = tabular_replay.preload_in_workers([path], 0.0)
    try:
        yield name, table
    finally:
        unregister_algorithm(name)
        # The forkserver was restarted with the replay preloaded (and this test's environment):
        # stop it, so the tests after this one fork their workers from the usual one.
        import multiprocessing.forkserver as mp_forkserver

        if getattr(mp_forkserver._forkserver, "_forkserver_pid", None) is not None:
            mp_forkserver._forkserver._stop()


def _run(name: str, table: dict, store: Store, strategy: str, jobs: int):
    algorithm = get_algorithm(name)
    config = TuningJobConfig(
        dataset=table["dataset"], algorithm=name, strategy=strategy, max_jobs=jobs, max_parallel_jobs=2,
        objective_metric_name=table["metric"], hyperparameter_ranges=algorithm.default_ranges(),
        static_hyperparameters={algorithm.resource: table["max_resource"]}, random_seed=3,
        name=f"replay-{strategy.lower()}")
    job = run_tuning_job(config, store)
    assert job.status == "Completed"
    return algorithm, store.training_jobs(job.name)


def _check_curves(algorithm, table, trainings) -> list[int]:
    """Each job's curve is its snapped configuration's tabulated curve, cut where it ended; the lengths."""
    lengths = []
    for training in trainings:
        assert training.status in ("Completed", "Stopped"), training.failure_reason
        row = table["configurations"][algorithm.nearest(training.hyperparameters)]
        curve = [(int(step), float(value)) for step, value in training.intermediate_values]
        expected = list(zip(row["steps"], row["values"]))[: len(curve)]
        assert curve == [(int(s), float(v)) for s, v in expected]
        # the worker scores the replayed model's output: the last value, to AUC's 1/(P*N)
        assert training.final_objective_value == pytest.approx(curve[-1][1], abs=1e-3)
        lengths.append(len(curve))
    return lengths


def test_hyperband_replays_the_table_and_stops_jobs_early(replay, tmp_path):
    name, table = replay
    store = Store(tmp_path / "tunelab.db")
    algorithm, trainings = _run(name, table, store, "Hyperband", 16)
    lengths = _check_curves(algorithm, table, trainings)
    assert len(lengths) == 16
    assert min(lengths) < table["max_resource"]  # some jobs ended before the full resource
    assert any(t.status == "Stopped" or len(t.intermediate_values) < table["max_resource"] for t in trainings)


def test_random_search_replays_whole_curves(replay, tmp_path):
    name, table = replay
    store = Store(tmp_path / "tunelab.db")
    algorithm, trainings = _run(name, table, store, "Random", 6)
    assert _check_curves(algorithm, table, trainings) == [table["max_resource"]] * 6


def test_anytime_curve_and_its_interquartile_mean():
    import numpy as np
    from bench_multifidelity import anytime, iqm_band

    run = [(10.0, 1.0, 0.7), (100.0, 2.0, 0.6), (50.0, 3.0, 0.9)]  # (resource, end seconds, value)
    by_resource = anytime(run, np.array([5.0, 10.0, 109.0, 110.0, 500.0]), by=0, higher=True)
    assert np.isnan(by_resource[0]) and list(by_resource[1:]) == [0.7, 0.7, 0.7, 0.9]
    assert list(anytime(run, np.array([2.5, 3.0]), by=1, higher=False)) == [0.6, 0.6]
    curves = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])
    mean, low, high = iqm_band(curves)
    assert (low[0], high[0]) == (2.0, 4.0) and mean[0] == 3.0  # the outlier is outside the band


@pytest.mark.parametrize("path", sorted((BENCH / "data").glob("tabular-*.json.gz")), ids=lambda p: p.name)
def test_every_shipped_table_holds_whole_curves_of_its_algorithm_s_default_ranges(path):
    """The shipped tables (bench/data/README.md) are small, and each curve runs to the full resource."""
    assert path.stat().st_size < 1_000_000
    table = tabular_replay.load_table(path)
    algorithm = get_algorithm(table["algorithm"])
    assert table["resource"] == algorithm.resource
    assert set(table["ranges"]) == set(algorithm.default_ranges())
    assert len(table["configurations"]) >= 200
    for configuration in table["configurations"]:
        steps, values = configuration["steps"], configuration["values"]
        assert steps == sorted(set(steps)) and steps[-1] == table["max_resource"]
        assert len(values) == len(steps) == len(configuration["seconds"])
        assert all(0.0 <= value <= 1.0 for value in values)  # validation AUC
        assert set(configuration["hyperparameters"]) == set(table["ranges"])


def test_the_peers_event_loop_counts_resource_in_the_table_s_units_not_in_reports():
    """A forest reports every 5 trees: a peer's job that reached 50 trees used 50, not 10 reports.

    Counted in reports, Optuna's and Syne Tune's jobs were charged a fifth of their trees on the
    Random Forest table, against TuneLab's counted in trees (a bug found in issue 19's run).
    """
    from bench_multifidelity import RANDOM_JOBS, optuna_run

    table = tabular_replay.load_table(BENCH / "data" / "tabular-random-forest-breast_cancer.json.gz")
    steps = set(table["configurations"][0]["steps"])
    finished = optuna_run(table, 1, pruner="hyperband", trials=400)
    resources = [resource for resource, _, _ in finished]
    assert set(resources) <= steps and max(resources) == table["max_resource"]
    used = sum(resources)
    # It starts trials until 32 full jobs' trees are used; the 4 running then finish at most one job each.
    assert RANDOM_JOBS * table["max_resource"] <= used <= (RANDOM_JOBS + 4) * table["max_resource"]
