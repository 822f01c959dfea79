"""Each training job's CPU seconds: measured in its worker process, stored, and kept apart from wall time.

Fair share between students is a share of the machine, and wall time is not one once
jobs contend for two cores: the same training job takes longer when thirty run. So the
worker records the CPU time its process spent on the job (real worker processes, a real
SQLite file; a Dask worker with two threads, whose process time is not one job's).
"""

from __future__ import annotations

import os
import sqlite3

import pytest

from tuning import IntegerParameter, TuningJobConfig, run_tuning_job
from tuning.store.database import Store


def _config(rounds: int, **overrides) -> TuningJobConfig:
    values = dict(dataset="breast_cancer", algorithm="xgboost", objective_metric_name="validation:auc",
                  hyperparameter_ranges={"max_depth": IntegerParameter(4, 6)},
                  static_hyperparameters={"num_round": rounds, "eta": 0.05}, strategy="Random",
                  max_jobs=2, max_parallel_jobs=2, random_seed=3)
    values.update(overrides)
    return TuningJobConfig(**values)


def test_a_worker_records_the_cpu_seconds_of_each_training_job_and_more_work_takes_more(store):
    light = run_tuning_job(_config(5, name="light"), store)
    heavy = run_tuning_job(_config(600, name="heavy"), store)
    assert light.status == heavy.status == "Completed"
    cores = os.cpu_count() or 1
    by_job = {}
    for name in ("light", "heavy"):
        jobs = store.training_jobs(name)
        for job in jobs:
            assert job.cpu_seconds is not None and job.cpu_seconds > 0, job
            assert job.cpu_seconds <= job.elapsed_seconds * cores + 0.05  # one process: at most every core
        by_job[name] = sum(job.cpu_seconds for job in jobs)
    assert by_job["heavy"] > 3 * by_job["light"], by_job  # 600 boosting rounds against 5


def test_cpu_seconds_survive_reopening_the_store_and_an_older_store_gets_the_column(tmp_path):
    path = tmp_path / "tunelab.db"
    with sqlite3.connect(path) as connection:  # a store from before the column: its tables made without it
        Store(path).dispose()
        connection.execute("ALTER TABLE training_jobs DROP COLUMN cpu_seconds")
    columns = lambda: {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(training_jobs)")}  # noqa: E731
    assert "cpu_seconds" not in columns()
    store = Store(path)
    assert "cpu_seconds" in columns()
    run_tuning_job(_config(20, name="kept", max_jobs=1, max_parallel_jobs=1), store)
    store.dispose()
    (job,) = Store(path).training_jobs("kept")
    assert job.cpu_seconds is not None and job.cpu_seconds > 0


def test_a_dask_worker_with_two_threads_records_no_cpu_seconds_rather_than_a_wrong_figure(store):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        job = run_tuning_job(_config(20, name="threads"), store, scheduler=cluster.scheduler_address)
    assert job.status == "Completed"
    assert [training.cpu_seconds for training in store.training_jobs("threads")] == [None, None]
