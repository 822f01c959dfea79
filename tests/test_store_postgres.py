"""TuneLab on a real PostgreSQL server: tuning jobs end to end, two writing processes, CLI, dashboard.

tests/test_store.py runs the store's own tests on SQLite and PostgreSQL; these run the
rest of TuneLab (the runner and its worker processes, the command line, the dashboard's
home page) against a fresh database of the session's server (tests/postgres_server.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tuning import ContinuousParameter, IntegerParameter, TuningJobConfig, load_predictor, prepare, run_tuning_job
from tuning.metrics import get_metric
from tuning.records import TrainingJob, TuningJob
from tuning.store.database import Store

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parent.parent


def _config(**overrides):
    values = dict(
        dataset="breast_cancer", algorithm="xgboost", objective_metric_name="validation:auc",
        hyperparameter_ranges={"eta": ContinuousParameter(0.05, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 6)},
        static_hyperparameters={"num_round": 20}, strategy="Random", max_jobs=6, max_parallel_jobs=2, random_seed=3,
    )
    values.update(overrides)
    return TuningJobConfig(**values)


def test_a_real_tuning_job_runs_on_postgresql_and_another_store_reads_it_back(postgres_url):
    store = Store(postgres_url)
    progress = []
    run_tuning_job(_config(name="pg-e2e"), store, callback=progress.append)
    store.dispose()

    again = Store(postgres_url)  # new connections: everything came from the server
    job = again.get_tuning_job("pg-e2e")
    assert (job.status, job.status_counters) == ("Completed", {"Completed": 6})
    assert job.completion_reason == "MaxNumberOfTrainingJobs (6) reached"
    assert [p.finished for p in progress] == [1, 2, 3, 4, 5, 6]
    jobs = again.training_jobs("pg-e2e")
    assert [j.name for j in jobs] == [f"pg-e2e-{i:03d}" for i in range(1, 7)]
    for training_job in jobs:
        assert 0.05 <= training_job.hyperparameters["eta"] <= 0.5
        assert 0.5 < training_job.final_objective_value <= 1.0
        assert training_job.intermediate_values[-1] == (20, pytest.approx(training_job.final_objective_value))
        assert training_job.end_time > training_job.start_time
    best = max(jobs, key=lambda j: j.final_objective_value)
    assert (job.best_training_job, job.best_objective_value) == (best.name, best.final_objective_value)
    # The best model (artifacts stay in files beside $TUNELAB_HOME) scores what the server recorded.
    predictor = load_predictor(again, "pg-e2e")
    prepared = prepare(_config())
    y = np.array([predictor.classes.index(label) for label in prepared.validation.target])
    score = get_metric("validation:auc")(y, predictor.predict_proba(prepared.validation.features))
    assert score == pytest.approx(job.best_objective_value, rel=1e-6)
    again.dispose()


_RUN_WHEN_TOLD = """
import sys
from tuning import TuningJobConfig, run_tuning_job
from tuning.store.database import Store

url, name = sys.argv[1], sys.argv[2]
config = TuningJobConfig(dataset="iris", algorithm="knn", strategy="Random", max_jobs=12, max_parallel_jobs=2,
                         random_seed=int(name[-1]), name=name)
store = Store(url)
print("ready", flush=True)
sys.stdin.readline()  # both processes start their tuning job at the same moment
job = run_tuning_job(config, store)
print(job.status, flush=True)
"""


def test_two_processes_run_tuning_jobs_on_one_postgresql_store_at_once(postgres_url):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen([sys.executable, "-c", _RUN_WHEN_TOLD, postgres_url, f"pg-proc-{number}"], cwd=ROOT,
                         env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for number in (1, 2)
    ]
    for process in processes:
        assert process.stdout.readline() == "ready\n", process.communicate(timeout=120)[1]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert (process.returncode, out) == (0, "Completed\n"), err

    store = Store(postgres_url)
    jobs = {job.name: job for job in store.list_tuning_jobs()}
    assert sorted(jobs) == ["pg-proc-1", "pg-proc-2"]
    training = {name: store.training_jobs(name) for name in jobs}
    for name, job in jobs.items():
        assert (job.status, job.status_counters) == ("Completed", {"Completed": 12})
        assert [t.index for t in training[name]] == list(range(12))
        assert [t.name for t in training[name]] == [f"{name}-{i:03d}" for i in range(1, 13)]
    # The two runners were writing at the same time (each job's record, heartbeat and training
    # jobs): each tuning job was created before the other one ended.
    first, second = (jobs[name] for name in sorted(jobs))
    assert first.created_at < second.ended_at and second.created_at < first.ended_at, (
        [(j.created_at, t[0].start_time, t[-1].end_time, j.ended_at) for j, t in
         ((jobs[n], training[n]) for n in sorted(jobs))])
    store.dispose()


def _cli(*args, env_store=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if env_store:
        env["TUNELAB_STORE_URL"] = env_store
    return subprocess.run([sys.executable, "-m", "tuning", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)


def _recorded_job(url, name):
    """A finished tuning job of two training jobs, written straight into the store."""
    store = Store(url)
    now = time.time()
    store.create_tuning_job(TuningJob(
        name=name, status="Completed", strategy="Random", algorithm="knn", dataset="iris",
        objective_metric_name="validation:accuracy", objective_type="Maximize", max_jobs=2, max_parallel_jobs=1,
        config={}, created_at=now, ended_at=now + 2, best_training_job=f"{name}-002", best_objective_value=0.97,
    ))
    store.add_training_jobs([TrainingJob(
        tuning_job_name=name, index=index, name=f"{name}-{index + 1:03d}", status="Completed",
        hyperparameters={"k": 3 + index}, created_at=now, start_time=now, end_time=now + 1,
        final_objective_value=0.9 + 0.07 * index) for index in range(2)])
    store.dispose()


def test_the_cli_takes_a_postgresql_url_with_store_or_the_environment(postgres_url, tmp_path):
    _recorded_job(postgres_url, "pg-cli")
    shown = _cli("--store", postgres_url, "show", "pg-cli")
    assert shown.returncode == 0, shown.stderr
    assert "pg-cli-001" in shown.stdout and "Best training job: pg-cli-002" in shown.stdout

    listed = _cli("list", env_store=postgres_url)  # no --store: $TUNELAB_STORE_URL
    assert listed.returncode == 0, listed.stderr
    assert "pg-cli" in listed.stdout and "Completed" in listed.stdout
    assert not (tmp_path / "home" / "tunelab.db").exists()  # the default file was never made

    missing = _cli("--store", postgres_url.rsplit("/", 1)[0] + "/no_such_db", "list")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert 'database "no_such_db" does not exist' in missing.stderr and "createdb" in missing.stderr


def test_the_dashboard_lists_the_jobs_of_the_postgresql_store_named_by_the_environment(postgres_url, monkeypatch,
                                                                                        tmp_path):
    _recorded_job(postgres_url, "pg-dash")
    monkeypatch.setenv("TUNELAB_STORE_URL", postgres_url)
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not app.exception
    frame = app.dataframe[0].value
    assert list(frame["HyperParameterTuningJobName"]) == ["pg-dash"]
    assert not (tmp_path / "home" / "tunelab.db").exists()

