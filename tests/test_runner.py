"""Tuning jobs run for real: worker processes, a SQLite file, saved models."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tuning import (
    CategoricalParameter,
    ContinuousParameter,
    IntegerParameter,
    TuningJobConfig,
    ValidationError,
    launch_tuning_job,
    load_predictor,
    prepare,
    run_tuning_job,
)
from conftest import processes_with_marker
from tuning.job.config import training_jobs_ran_on
from tuning.metrics import get_metric


def _config(**overrides):
    values = dict(
        dataset="breast_cancer",
        algorithm="xgboost",
        objective_metric_name="validation:auc",
        hyperparameter_ranges={"eta": ContinuousParameter(0.05, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 6)},
        static_hyperparameters={"num_round": 20},
        strategy="Random",
        max_jobs=4,
        max_parallel_jobs=2,
        random_seed=5,
    )
    values.update(overrides)
    return TuningJobConfig(**values)


def _wait_for(condition, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_a_tuning_job_runs_in_parallel_and_records_every_training_job(store):
    progress = []
    job = run_tuning_job(_config(static_hyperparameters={"num_round": 300}), store, callback=progress.append)
    assert job.status == "Completed"
    assert job.completion_reason == "MaxNumberOfTrainingJobs (4) reached"
    jobs = store.training_jobs(job.name)
    assert [j.name for j in jobs] == [f"{job.name}-{i:03d}" for i in range(1, 5)]
    for training_job in jobs:
        assert training_job.status == "Completed"
        assert 0.05 <= training_job.hyperparameters["eta"] <= 0.5
        assert isinstance(training_job.hyperparameters["max_depth"], int)
        assert 0.5 < training_job.final_objective_value <= 1.0
        assert training_job.intermediate_values[-1] == (300, pytest.approx(training_job.final_objective_value))
        assert training_job.elapsed_seconds > 0
    best = max(jobs, key=lambda j: j.final_objective_value)
    assert (job.best_training_job, job.best_objective_value) == (best.name, best.final_objective_value)
    assert [p.finished for p in progress] == [1, 2, 3, 4]
    assert training_jobs_ran_on(job.config) == "this machine's process pool"
    # Two worker processes: some training jobs ran at the same time.
    intervals = sorted((j.start_time, j.end_time) for j in jobs)
    assert any(later[0] < earlier[1] for earlier, later in zip(intervals, intervals[1:]))


def test_the_best_model_is_saved_and_predicts_its_recorded_objective(store):
    job = run_tuning_job(_config(), store)
    predictor = load_predictor(store, job.name)
    assert predictor.training_job_name == job.best_training_job
    prepared = prepare(_config())  # the same seed gives the same validation split
    y = np.array([predictor.classes.index(label) for label in prepared.validation.target])
    score = get_metric("validation:auc")(y, predictor.predict_proba(prepared.validation.features))
    assert score == pytest.approx(job.best_objective_value, rel=1e-6)
    assert set(predictor.predict(prepared.validation.features.head())) <= set(predictor.classes)
    folder = store.tuning_job_artifacts(job.name) / job.best_training_job
    assert (folder / "model.ubj").read_bytes()[:1] == b"{"  # UBJSON, not a pickle


@pytest.mark.parametrize("strategy", ["Random", "Grid"])
def test_same_seed_gives_the_same_hyperparameters(store, strategy):
    config = _config(strategy=strategy, max_jobs=4 if strategy == "Random" else 6,
                     hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(2, 3)},
                     strategy_config={"GridPoints": 3} if strategy == "Grid" else {})
    first = run_tuning_job(config, store)
    second = run_tuning_job(config, store)
    params = [[j.hyperparameters for j in store.training_jobs(job.name)] for job in (first, second)]
    assert params[0] == params[1]
    assert len({tuple(sorted(p.items())) for p in params[0]}) == len(params[0])


def test_grid_runs_every_point_and_says_so(store):
    config = _config(strategy="Grid", max_jobs=None, max_parallel_jobs=1,
                     hyperparameter_ranges={"max_depth": IntegerParameter(1, 3), "eta": CategoricalParameter([0.1, 0.3])})
    job = run_tuning_job(config, store)
    assert job.max_jobs == 6
    seen = sorted((j.hyperparameters["max_depth"], j.hyperparameters["eta"]) for j in store.training_jobs(job.name))
    assert seen == [(d, e) for d in (1, 2, 3) for e in (0.1, 0.3)]


def test_a_failing_training_job_fails_alone(store):
    # k-NN with more neighbours than the 455 training rows fails; k=1 works.
    config = _config(algorithm="knn", strategy="Grid", max_jobs=2, objective_metric_name="validation:accuracy",
                     hyperparameter_ranges={"k": CategoricalParameter([1, 1000])}, static_hyperparameters={})
    job = run_tuning_job(config, store)
    assert job.status == "Completed"
    ok, failed = sorted(store.training_jobs(job.name), key=lambda j: j.hyperparameters["k"])
    assert ok.status == "Completed" and ok.final_objective_value > 0.8
    assert failed.status == "Failed" and "n_neighbors" in failed.failure_reason
    assert failed.final_objective_value is None
    assert job.best_training_job == ok.name


def test_a_tuning_job_whose_every_training_job_fails_is_failed_with_the_reason(store):
    config = _config(algorithm="knn", strategy="Grid", max_jobs=2, objective_metric_name="validation:accuracy",
                     hyperparameter_ranges={"k": CategoricalParameter([1000, 2000])}, static_hyperparameters={})
    job = run_tuning_job(config, store)
    assert job.status == "Failed"
    assert job.failure_reason.startswith("All 2 training jobs failed") and "n_neighbors" in job.failure_reason


def test_stop_from_outside_ends_running_training_jobs_as_stopped(store):
    handle = launch_tuning_job(_config(static_hyperparameters={"num_round": 100_000}, max_jobs=6), store)
    _wait_for(lambda: any(j.intermediate_values for j in store.training_jobs(handle.name)))
    store.request_stop(handle.name)  # as another process (the CLI, the dashboard) would
    job = handle.wait(timeout=60)
    assert job.status == "Stopped"
    jobs = store.training_jobs(handle.name)
    assert len(jobs) == 2  # nothing launched after the stop
    for training_job in jobs:
        assert training_job.status == "Stopped"
        assert training_job.stopped_reason == "StopRequested"
        assert training_job.final_objective_value is not None
        assert training_job.intermediate_values[-1][0] < 100_000


def test_max_runtime_ends_the_job_with_its_reason(store):
    config = _config(static_hyperparameters={"num_round": 100_000}, max_runtime_seconds=3)
    started = time.time()
    job = run_tuning_job(config, store)
    assert time.time() - started < 30
    assert job.status == "Completed"
    assert job.completion_reason == "MaxRuntimeInSeconds (3 s) reached"
    assert {j.status for j in store.training_jobs(job.name)} == {"Stopped"}


def test_early_stopping_auto_stops_jobs_worse_than_the_median(store):
    config = _config(
        hyperparameter_ranges={"eta": ContinuousParameter(0.001, 0.5, "Logarithmic")},
        static_hyperparameters={"num_round": 40}, objective_metric_name="validation:logloss",
        max_jobs=14, max_parallel_jobs=1, early_stopping_type="Auto", random_seed=3,
    )
    job = run_tuning_job(config, store)
    jobs = store.training_jobs(job.name)
    stopped = [j for j in jobs if j.status == "Stopped"]
    assert stopped, "no job was stopped early"
    for training_job in stopped:
        assert training_job.stopped_reason == "EarlyStopped"
        assert training_job.intermediate_values[-1][0] < 40
    assert all(j.status == "Completed" for j in jobs[:5])  # the rule waits for 5 earlier jobs
    assert job.best_training_job not in {j.name for j in stopped}


def test_hyperband_stops_weak_jobs_between_min_and_max_resource(store):
    config = _config(
        strategy="Hyperband", strategy_config={"MinResource": 1, "MaxResource": 27},
        hyperparameter_ranges={"eta": ContinuousParameter(0.001, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 6)},
        static_hyperparameters={}, objective_metric_name="validation:logloss", max_jobs=16, max_parallel_jobs=1,
    )
    job = run_tuning_job(config, store)
    jobs = store.training_jobs(job.name)
    stopped = [j for j in jobs if j.status == "Stopped"]
    completed = [j for j in jobs if j.status == "Completed"]
    assert stopped and completed
    assert all(j.stopped_reason == "Hyperband" and j.intermediate_values[-1][0] < 27 for j in stopped)
    assert all(j.intermediate_values[-1][0] == 27 for j in completed)


@pytest.mark.parametrize(
    "algorithm, dataset, metric",
    [
        ("xgboost", "wine", "validation:mlogloss"),
        ("xgboost", "diabetes", "validation:rmse"),
        ("linear-learner", "breast_cancer", "validation:f1"),
        ("linear-learner", "diabetes", "validation:mae"),
        ("random-forest", "wine", "validation:accuracy"),
        ("knn", "diabetes", "validation:r2"),
        ("mlp", "iris", "validation:merror"),
    ],
)
def test_every_algorithm_tunes_with_its_default_ranges(store, algorithm, dataset, metric):
    config = _config(algorithm=algorithm, dataset=dataset, objective_metric_name=metric,
                     hyperparameter_ranges=None, static_hyperparameters={}, max_jobs=2)
    job = run_tuning_job(config, store)
    assert job.status == "Completed", store.training_jobs(job.name)[0].failure_reason
    assert job.best_training_job is not None
    predictor = load_predictor(store, job.name)
    prepared = prepare(config)
    assert len(predictor.predict(prepared.validation.features)) == len(prepared.validation.features)


def _refuses(overrides):
    return _config(**overrides)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"algorithm": "catboost"}, r"unknown algorithm 'catboost'.*xgboost"),
        ({"objective_metric_name": "validation:rmse"}, r"does not apply to BinaryClassification"),
        ({"objective_type": "Minimize"}, r"must be Maximized"),
        ({"strategy": "Annealing"}, r"Annealing"),
        ({"max_jobs": 0}, r"MaxNumberOfTrainingJobs.*from 1"),
        ({"max_jobs": -1}, r"MaxNumberOfTrainingJobs.*from 1"),
        ({"max_jobs": 10**9}, r"MaxNumberOfTrainingJobs.*100,000"),
        ({"max_parallel_jobs": 0}, r"MaxParallelTrainingJobs"),
        ({"max_runtime_seconds": -5}, r"MaxRuntimeInSeconds.*positive"),
        ({"early_stopping_type": "Sometimes"}, r"'Off' or 'Auto'"),
        ({"name": "../../etc"}, r"tuning job name '../../etc' is not valid"),
        ({"dataset": "../../etc/passwd"}, r"etc/passwd"),
        ({"dataset": "no-such.csv"}, r"no file at 'no-such.csv'"),
        ({"hyperparameter_ranges": {"depth": IntegerParameter(1, 5)}}, r"no hyperparameter\(s\) 'depth'.*max_depth"),
        ({"hyperparameter_ranges": {"subsample": ContinuousParameter(0.0, 2.0)}}, r"'subsample' is valid in \[0, 1\]"),
        ({"hyperparameter_ranges": {"max_depth": ContinuousParameter(1, 5)}}, r"whole numbers: use an IntegerParameter"),
        ({"static_hyperparameters": {"num_round": -3}}, r"'num_round' is valid in \[1, 100000\]"),
        ({"static_hyperparameters": {"nthreads": 2}}, r"no hyperparameter\(s\) 'nthreads'"),
        ({"strategy": "Grid", "max_jobs": 3}, r"grid"),
        ({"strategy": "Hyperband", "early_stopping_type": "Auto"}, r"early stopping must be Off with the Hyperband"),
        ({"strategy": "Hyperband", "strategy_config": {"MinResource": 50, "MaxResource": 10}}, r"MinResource < MaxResource"),
        ({"strategy": "Hyperband", "algorithm": "knn", "objective_metric_name": "validation:accuracy",
          "hyperparameter_ranges": None, "static_hyperparameters": {}}, r"k-Nearest Neighbours has none"),
        ({"early_stopping_type": "Auto", "algorithm": "knn", "objective_metric_name": "validation:accuracy",
          "hyperparameter_ranges": None, "static_hyperparameters": {}}, r"early stopping has nothing to watch"),
        ({"strategy_config": {"MinResource": 3}}, r"Hyperband strategy only"),
        ({"strategy_config": {"Bracket": 3}}, r"unknown field\(s\) Bracket"),
        ({"validation_fraction": 1.5}, r"validation_fraction"),
    ],
)
def test_bad_configurations_are_refused_before_anything_is_stored(store, overrides, message):
    with pytest.raises(ValidationError, match=message):
        run_tuning_job(_config(**overrides), store)
    assert store.list_tuning_jobs() == []


def test_a_taken_name_is_refused_and_the_first_job_is_kept(store):
    first = run_tuning_job(_config(name="twice", max_jobs=1), store)
    with pytest.raises(ValidationError, match=r"'twice' already exists"):
        run_tuning_job(_config(name="twice", max_jobs=1), store)
    assert [j.name for j in store.list_tuning_jobs()] == ["twice"]
    assert store.get_tuning_job("twice").best_objective_value == first.best_objective_value


def test_separate_train_and_validation_channels(store, tmp_path):
    from tuning.datasets import load_dataset, split_channels

    train, validation = split_channels(load_dataset("iris"), validation_fraction=0.3, random_seed=1)
    train_csv, validation_csv = tmp_path / "train.csv", tmp_path / "validation.csv"
    for part, path in ((train, train_csv), (validation, validation_csv)):
        part.features.assign(species=part.target.values).to_csv(path, index=False)
    config = _config(dataset=train_csv, validation_dataset=validation_csv, target="species",
                     objective_metric_name="validation:accuracy", max_jobs=2)
    prepared = prepare(config)
    assert len(prepared.train.target) == len(train.target)
    assert len(prepared.validation.target) == len(validation.target)
    assert run_tuning_job(config, store).status == "Completed"


def test_a_script_without_a_main_guard_runs_a_tuning_job(tmp_path):
    """Students write scripts without ``if __name__ == "__main__":``; workers must not rerun them."""
    import subprocess
    import sys

    script = tmp_path / "student.py"
    script.write_text(
        "from tuning import ContinuousParameter, Store, TuningJobConfig, run_tuning_job\n"
        "config = TuningJobConfig(dataset='iris', hyperparameter_ranges={'eta': ContinuousParameter(0.1, 0.5)},\n"
        "                         static_hyperparameters={'num_round': 5}, strategy='Random', max_jobs=2,\n"
        "                         max_parallel_jobs=2, random_seed=1)\n"
        f"job = run_tuning_job(config, Store({str(tmp_path / 's.db')!r}))\n"
        "print('RESULT', job.status, job.status_counters)\n"
    )
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("RESULT") == 1
    assert "RESULT Completed {'Completed': 2}" in result.stdout


def test_a_main_module_swapped_while_a_job_runs_is_not_rerun_by_the_next_job_s_workers(tmp_path, store):
    """Streamlit's AppTest installs each page it runs as ``__main__``, while an earlier job still runs.

    A second tuning job started then used to fork workers that imported that page (the first
    job had hidden the old ``__main__``'s file, not the new one's); the page here writes a
    marker file if any process imports it.
    """
    import sys
    import types

    marker = tmp_path / "imported"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(marker)!r}, 'w').write('a worker imported the page')\n")
    fake = types.ModuleType("__main__")
    fake.__file__ = str(page)
    slow = TuningJobConfig(dataset="breast_cancer", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                           static_hyperparameters={"num_round": 2000}, strategy="Random", max_jobs=4,
                           max_parallel_jobs=1, random_seed=1, name="running-first")
    first = launch_tuning_job(slow, store)
    real = sys.modules["__main__"]
    try:
        sys.modules["__main__"] = fake  # as AppTest does, while "running-first" runs
        assert first.running
        second = run_tuning_job(slow.replace(name="started-later", max_jobs=2, max_parallel_jobs=2,
                                             static_hyperparameters={"num_round": 5}), store)
        still_running = first.running
    finally:
        sys.modules["__main__"] = real
        first.wait()
    assert still_running  # the second job started and ended while the first ran
    assert second.status == "Completed" and store.get_tuning_job("running-first").status == "Completed"
    assert not marker.exists()
    assert fake.__file__ == str(page)  # put back after each start


def test_a_killed_runner_leaves_an_interrupted_job_with_its_finished_training_jobs(tmp_path):
    """SIGKILL the process running a tuning job; what finished is kept, the job says Interrupted."""
    import json
    import os
    import signal
    import subprocess
    import sys

    from tuning.store.database import Store

    db = tmp_path / "killed.db"
    (tmp_path / "job.json").write_text(json.dumps({
        "TuningJobName": "killed", "Dataset": "breast_cancer", "Strategy": "Random",
        "StaticHyperparameters": {"num_round": 400},
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 100, "MaxParallelTrainingJobs": 2}, "RandomSeed": 2,
    }))
    marker = f"TUNELAB_TEST_MARK={os.getpid()}-{time.time()}"
    runner = subprocess.Popen([sys.executable, "-m", "tuning", "--store", str(db), "run", str(tmp_path / "job.json"), "--quiet"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env={**os.environ, "TUNELAB_TEST_MARK": marker.split("=", 1)[1]})
    store = Store(db)
    try:
        _wait_for(lambda: store.tuning_job_exists("killed")
                  and store.get_tuning_job("killed").status_counters.get("Completed", 0) >= 2, timeout=120)
        before = {j.name: j.final_objective_value for j in store.training_jobs("killed", status="Completed")}
    finally:
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait(30)
    restarted = Store(db)  # "after a restart": a fresh Store on the file
    restarted.mark_dead_runners()  # what the CLI and the pages do before reading
    job = restarted.get_tuning_job("killed")
    assert job.status == "Interrupted"
    after = {j.name: j.final_objective_value for j in store.training_jobs("killed", status="Completed")}
    assert before.items() <= after.items()
    assert store.training_jobs("killed", status="InProgress") == []
    assert job.best_training_job in after
    # Its worker and board processes do not outlive it.
    _wait_for(lambda: not processes_with_marker(marker), timeout=20)


def test_ctrl_c_stops_the_cli_job_quickly_and_keeps_what_finished(tmp_path):
    import json
    import os
    import signal
    import subprocess
    import sys

    from tuning.store.database import Store

    db = tmp_path / "ctrl-c.db"
    (tmp_path / "job.json").write_text(json.dumps({
        "TuningJobName": "ctrl-c", "Dataset": "breast_cancer", "Strategy": "Random",
        "StaticHyperparameters": {"num_round": 100000},
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 10, "MaxParallelTrainingJobs": 2}, "RandomSeed": 2,
    }))
    runner = subprocess.Popen([sys.executable, "-m", "tuning", "--store", str(db), "run", str(tmp_path / "job.json"), "--quiet"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONFAULTHANDLER": "1"})  # a hang below prints its threads
    store = Store(db)
    _wait_for(lambda: store.tuning_job_exists("ctrl-c")
              and any(j.intermediate_values for j in store.training_jobs("ctrl-c")), timeout=120)
    os.kill(runner.pid, signal.SIGINT)
    try:
        _, err = runner.communicate(timeout=90)  # a hang check, not a timing: one loaded CI machine took over 30 s
    except subprocess.TimeoutExpired:
        runner.send_signal(signal.SIGABRT)  # faulthandler prints where every thread of the runner waits
        _, err = runner.communicate(timeout=30)
        pytest.fail(f"the CLI runner did not end within 90 s of Ctrl-C; its threads:\n{err[-8000:]}")
    assert runner.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    job = store.get_tuning_job("ctrl-c")
    assert job.status == "Stopped"
    assert {j.status for j in store.training_jobs("ctrl-c")} == {"Stopped"}


def test_warm_up_starts_the_forkserver_once_and_jobs_still_run(store):
    import os
    from multiprocessing import forkserver

    from tuning.running.runner import warm_up

    warm_up()
    pid = forkserver._forkserver._forkserver_pid  # CPython's module-level forkserver
    os.kill(pid, 0)  # alive
    warm_up()
    assert forkserver._forkserver._forkserver_pid == pid  # started once
    job = run_tuning_job(_config(max_jobs=2), store)
    assert job.status == "Completed" and job.status_counters["Completed"] == 2
