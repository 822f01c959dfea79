"""Tuning jobs on a real Dask cluster: a LocalCluster with two worker processes."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import distributed
import pytest

from tuning import ContinuousParameter, IntegerParameter, TuningJobConfig, ValidationError, launch_tuning_job, run_tuning_job
from tuning.cli import main
from tuning.job.config import training_jobs_ran_on

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as observer:
        yield observer


def _config(**overrides):
    values = dict(
        dataset="breast_cancer",
        algorithm="xgboost",
        objective_metric_name="validation:auc",
        hyperparameter_ranges={"eta": ContinuousParameter(0.05, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 6)},
        static_hyperparameters={"num_round": 10},
        strategy="Random",
        max_jobs=4,
        max_parallel_jobs=2,
        random_seed=5,
    )
    values.update(overrides)
    return TuningJobConfig(**values)


def _setups(client):
    """Per worker: how many times it built its state, for each tuning job it served."""
    import tuning.running.cluster

    return client.run(lambda: dict(tuning.running.cluster.setups))


def _wait_for(condition, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.mark.parametrize("strategy", ["Random", "Bayesian"])
def test_every_training_job_completes_on_the_cluster_with_a_real_objective(store, cluster, client, strategy):
    job = run_tuning_job(_config(strategy=strategy), store, scheduler=cluster.scheduler_address)
    assert job.status == "Completed"
    jobs = store.training_jobs(job.name)
    assert len(jobs) == 4
    for training_job in jobs:
        assert training_job.status == "Completed", training_job.failure_reason
        assert 0.5 < training_job.final_objective_value <= 1.0  # AUC of a real model
        assert training_job.cpu_seconds > 0  # one thread a worker process: its CPU time is the job's
    assert job.best_objective_value == max(j.final_objective_value for j in jobs)
    assert len({tuple(sorted(j.hyperparameters.items())) for j in jobs}) == 4
    assert training_jobs_ran_on(job.config) == f"the Dask cluster at {cluster.scheduler_address}"


def test_max_runtime_in_seconds_stops_each_training_job_on_the_cluster(store, cluster):
    # AWS, API_StoppingCondition: "When the job reaches the time limit, SageMaker ends the job."
    config = _config(static_hyperparameters={"num_round": 20_000}, max_jobs=2, training_job_max_runtime_seconds=1)
    job = run_tuning_job(config, store, scheduler=cluster.scheduler_address)
    for training_job in store.training_jobs(job.name):
        assert (training_job.status, training_job.stopped_reason) == ("Stopped", "MaxRuntimeExceeded")
        assert 1 <= training_job.elapsed_seconds <= 3.5 and training_job.intermediate_values[-1][0] < 20_000


def test_the_data_goes_to_each_worker_once_per_tuning_job(store, cluster, client):
    before = _setups(client)
    with distributed.get_task_stream(client) as stream:
        job = run_tuning_job(_config(max_jobs=8), store, scheduler=cluster.scheduler_address)
    assert job.status == "Completed"
    trainings = [task for task in stream.data if task["key"].startswith(job.name)]
    assert len(trainings) == 8  # one task per training job, named after it
    assert not [task for task in stream.data if any(s["action"] == "transfer" for s in task["startstops"])]
    per_worker = {}
    for task in trainings:
        per_worker[task["worker"]] = per_worker.get(task["worker"], 0) + 1
    after = _setups(client)
    for worker, ran in per_worker.items():
        new = {key: count for key, count in after[worker].items() if key not in before.get(worker, {})}
        assert list(new.values()) == [1], (worker, ran, new)  # built once, for all its `ran` jobs
    assert max(per_worker.values()) > 1


def test_median_early_stopping_stops_weak_jobs_on_the_cluster(store, cluster):
    config = _config(
        hyperparameter_ranges={"eta": ContinuousParameter(0.001, 0.5, "Logarithmic")},
        static_hyperparameters={"num_round": 40}, objective_metric_name="validation:logloss",
        max_jobs=14, early_stopping_type="Auto", random_seed=3,
    )
    job = run_tuning_job(config, store, scheduler=cluster.scheduler_address)
    jobs = store.training_jobs(job.name)
    stopped = [j for j in jobs if j.status == "Stopped"]
    assert len(jobs) == 14 and stopped, "no job was stopped early"
    for training_job in stopped:
        assert training_job.stopped_reason == "EarlyStopped"
        assert training_job.intermediate_values[-1][0] < 40
    assert job.best_training_job not in {j.name for j in stopped}


def test_hyperband_stops_weak_jobs_on_the_cluster(store, cluster):
    config = _config(
        strategy="Hyperband", strategy_config={"MinResource": 1, "MaxResource": 27},
        static_hyperparameters={}, objective_metric_name="validation:logloss", max_jobs=16,
    )
    job = run_tuning_job(config, store, scheduler=cluster.scheduler_address)
    jobs = store.training_jobs(job.name)
    stopped = [j for j in jobs if j.status == "Stopped"]
    completed = [j for j in jobs if j.status == "Completed"]
    assert stopped and completed
    assert all(j.stopped_reason == "Hyperband" and j.intermediate_values[-1][0] < 27 for j in stopped)
    assert all(j.intermediate_values[-1][0] == 27 for j in completed)


def test_the_sdk_style_tuner_fits_on_the_cluster(store, cluster, client, capsys):
    from tuning import HyperparameterTuner
    from tuning.sagemaker.estimators import XGBoost

    estimator = XGBoost(role="arn:aws:iam::1:role/x", instance_count=1, instance_type="ml.m5.xlarge")
    estimator.set_hyperparameters(num_round="5", objective="binary:logistic", eval_metric="auc")
    tuner = HyperparameterTuner(estimator, "validation:auc", {"eta": ContinuousParameter(0.1, 0.5)}, max_jobs=3,
                                max_parallel_jobs=2, random_seed=3, store=store, scheduler=cluster.scheduler_address)
    before = _setups(client)
    tuner.fit("breast_cancer")
    job = tuner.wait()
    assert job.status == "Completed" and len(store.training_jobs(job.name, status="Completed")) == 3
    after = _setups(client)
    assert any(len(after[w]) > len(before.get(w, {})) for w in after)


def test_a_stop_request_stops_the_running_training_jobs_on_the_cluster(store, cluster):
    handle = launch_tuning_job(_config(static_hyperparameters={"num_round": 100_000}, max_jobs=6), store,
                               scheduler=cluster.scheduler_address)
    _wait_for(lambda: any(j.intermediate_values for j in store.training_jobs(handle.name)))
    store.request_stop(handle.name)
    job = handle.wait(timeout=60)
    assert job.status == "Stopped"
    jobs = store.training_jobs(handle.name)
    assert len(jobs) == 2  # nothing launched after the stop
    for training_job in jobs:
        assert (training_job.status, training_job.stopped_reason) == ("Stopped", "StopRequested")
        assert training_job.intermediate_values[-1][0] < 100_000


@pytest.mark.parametrize(
    "scheduler, message",
    [
        ("127.0.0.1:8786", r"not a Dask scheduler address.*tcp://HOST:8786"),
        ("tcp://127.0.0.1:9", r"could not reach a Dask scheduler at 'tcp://127.0.0.1:9'"),
    ],
)
def test_a_bad_scheduler_address_is_refused_before_anything_is_stored(store, scheduler, message):
    with pytest.raises(ValidationError, match=message):
        launch_tuning_job(_config(), store, scheduler=scheduler)
    assert store.list_tuning_jobs() == []


def test_a_server_that_is_not_a_scheduler_is_refused_in_seconds():
    from tuning.running.cluster import connect_scheduler

    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers (a wrong port)
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(ValidationError, match=r"could not reach a Dask scheduler at .*no answer as a Dask scheduler"):
            connect_scheduler(address, timeout=1)


def test_a_scheduler_without_workers_is_refused_with_how_to_start_one():
    from tuning.running.cluster import connect_scheduler

    with distributed.LocalCluster(n_workers=0, dashboard_address=":0") as empty:
        with pytest.raises(ValidationError, match=r"has no worker.*Start one with `dask worker tcp://"):
            connect_scheduler(empty.scheduler_address, timeout=1)


def test_the_cli_runs_a_tuning_job_on_the_scheduler_it_is_given(tmp_path, cluster, client, capsys):
    # In this process (argv to exit status, as `python -m tuning` runs it): a subprocess
    # would spend most of the test importing scikit-learn again.
    before = _setups(client)
    status = main(["--store", str(tmp_path / "cli.db"), "run", str(ROOT / "examples" / "iris-grid.json"),
                   "--name", "iris-dask", "--quiet", "--scheduler", cluster.scheduler_address])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert f"on the Dask cluster at {cluster.scheduler_address}" in out
    assert "Why it ended: MaxNumberOfTrainingJobs (8) reached" in out
    after = _setups(client)
    assert sum(len(after[w]) - len(before.get(w, {})) for w in after) >= 1  # the cluster's workers trained


def test_the_cli_refuses_a_bad_scheduler_with_the_reason(tmp_path, capsys):
    status = main(["--store", str(tmp_path / "cli.db"), "run", str(ROOT / "examples" / "iris-grid.json"),
                   "--scheduler", "scheduler-host"])
    assert status == 2
    assert "error: scheduler 'scheduler-host' is not a Dask scheduler address" in capsys.readouterr().err


@pytest.mark.parametrize("allowed_failures, expected", [(3, "Completed"), (0, "Failed")])
def test_a_worker_killed_mid_job_is_retried_or_failed_and_the_tuning_job_finishes(
        store, cluster, client, monkeypatch, allowed_failures, expected):
    # Dask's own rule (distributed.scheduler.allowed-failures, 3 by default): a task whose
    # worker died is run again elsewhere, until it has killed that many workers.
    monkeypatch.setattr(cluster.scheduler, "allowed_failures", allowed_failures)
    config = _config(hyperparameter_ranges={"eta": ContinuousParameter(0.01, 0.02)},
                     static_hyperparameters={"num_round": 4000}, max_jobs=2)
    handle = launch_tuning_job(config, store, scheduler=cluster.scheduler_address)
    _wait_for(lambda: any(j.intermediate_values for j in store.training_jobs(handle.name)))
    busy = [worker for worker, keys in client.processing().items() if keys]
    victim = client.run(os.getpid, workers=busy[:1])[busy[0]]
    os.kill(victim, signal.SIGKILL)

    job = handle.wait(timeout=120)
    assert job.status == "Completed"
    jobs = store.training_jobs(job.name)
    assert sorted(j.status for j in jobs) == sorted(["Completed", expected])
    for training_job in jobs:
        if training_job.status == "Failed":
            assert training_job.failure_reason.startswith(
                "WorkerLost: The Dask workers running this training job died"), training_job.failure_reason
    client.wait_for_workers(2, timeout=60)  # the nanny restarted the killed worker
    assert victim not in client.run(os.getpid).values()


def _create_page():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file("../app.py", default_timeout=60).run()
    app = app.switch_page("views/create.py").run()
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.number_input(key="create.max_jobs").set_value(3).run()
    app.radio(key="create.strategy").set_value("Random").run()
    return app


def test_the_create_page_launches_a_job_on_the_cluster_it_names(cluster, client):
    from tuning import Store

    before = _setups(client)
    app = _create_page()
    app.radio(key="create.run_on").set_value("A Dask cluster").run()
    app.text_input(key="create.scheduler").set_value("localhost:8786").run()  # no tcp://
    assert app.button(key="create.launch").disabled is True
    assert "is not a Dask scheduler address" in "\n".join(e.value for e in app.error)
    app.text_input(key="create.scheduler").set_value(cluster.scheduler_address).run()
    app.text_input(key="create.name").set_value("from-the-page").run()
    assert not app.error and f"on the Dask cluster at {cluster.scheduler_address}" in app.info[0].value
    app.button(key="create.launch").click().run()
    assert "Launched **from-the-page**" in app.success[0].value
    store = Store()
    _wait_for(lambda: not store.get_tuning_job("from-the-page").is_active, timeout=120)
    assert len(store.training_jobs("from-the-page", status="Completed")) == 3
    after = _setups(client)
    assert any(len(after[w]) > len(before.get(w, {})) for w in after)  # trained on the cluster's workers


def test_the_create_page_shows_an_unreachable_scheduler_and_stores_nothing(monkeypatch):
    from tuning import Store

    monkeypatch.setenv("TUNELAB_SCHEDULER", "tcp://127.0.0.1:9")  # a lab's default: preselected
    app = _create_page()
    assert app.radio(key="create.run_on").value == "A Dask cluster"
    assert app.text_input(key="create.scheduler").value == "tcp://127.0.0.1:9"
    app.button(key="create.launch").click().run()
    assert "could not reach a Dask scheduler at 'tcp://127.0.0.1:9'" in "\n".join(e.value for e in app.error)
    assert Store().list_tuning_jobs() == []
