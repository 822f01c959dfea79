"""The runner keeps its one worker busy: jobs queued ahead, one commit per finished job.

These pin the behaviour behind the speed (bench/bench_overhead.py measures the speed
itself): never more jobs training than MaxParallelTrainingJobs, a job InProgress in the
store only once it has started, queued jobs that never run after a stop, and strategies
that learn from results not queueing ahead at all.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from tuning import TuningJobConfig, launch_tuning_job, run_tuning_job
from tuning.running.board import STOP
from tuning.running.worker import NOT_STARTED, _BoardReporter, run_training_job


def _config(**overrides):
    values = dict(
        dataset="breast_cancer", algorithm="linear-learner", static_hyperparameters={"epochs": 2},
        strategy="Random", max_jobs=12, max_parallel_jobs=1, random_seed=3, early_stopping_type="Off",
    )
    values.update(overrides)
    return TuningJobConfig(**values)


def _most_at_once(jobs) -> int:
    events = sorted([(j.start_time, 1) for j in jobs] + [(j.end_time, -1) for j in jobs],
                    key=lambda event: (event[0], event[1]))  # an end before a start at the same instant
    running = most = 0
    for _, change in events:
        running += change
        most = max(most, running)
    return most


@pytest.mark.parametrize("parallel", [1, 2])
def test_queued_ahead_jobs_never_train_more_than_max_parallel_at_once(store, parallel):
    in_progress_seen = []

    def watch(progress):
        in_progress_seen.append(len(store.training_jobs(progress.tuning_job_name, status="InProgress")))
        assert progress.running <= parallel

    job = run_tuning_job(_config(max_parallel_jobs=parallel), store, callback=watch)
    jobs = store.training_jobs(job.name)
    assert job.status == "Completed"
    assert [j.name for j in jobs] == [f"{job.name}-{i:03d}" for i in range(1, 13)]
    assert job.describe()["TrainingJobStatusCounters"]["Completed"] == 12
    assert len(in_progress_seen) == 12
    # InProgress rows are the jobs really training, never the ones waiting in the queue.
    assert max(in_progress_seen) <= parallel
    assert _most_at_once(jobs) <= parallel
    for training_job in jobs:
        assert training_job.created_at <= training_job.start_time < training_job.end_time


@pytest.mark.parametrize("strategy, queued_ahead", [("Random", True), ("Bayesian", False)])
def test_only_strategies_that_ignore_results_queue_ahead(store, strategy, queued_ahead):
    job = run_tuning_job(_config(strategy=strategy, max_jobs=8), store)
    jobs = store.training_jobs(job.name)
    # A job created before the previous one ended was queued while it trained.
    created_early = [b.created_at < a.end_time for a, b in zip(jobs, jobs[1:])]
    assert any(created_early) is queued_ahead


def test_a_stop_ends_the_running_job_and_the_queued_one_never_runs(store):
    handle = launch_tuning_job(_config(static_hyperparameters={"epochs": 10_000}, max_jobs=5), store)
    deadline = time.time() + 60
    while not store.training_jobs(handle.name, status="InProgress") and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    store.request_stop(handle.name)
    job = handle.wait(timeout=60)
    assert job.status == "Stopped"
    jobs = store.training_jobs(handle.name)
    assert len(jobs) == 1  # the job queued behind it was never started, nor recorded
    assert jobs[0].status == "Stopped" and jobs[0].stopped_reason == "StopRequested"
    assert jobs[0].intermediate_values and jobs[0].intermediate_values[-1][0] < 10_000
    assert job.describe()["TrainingJobStatusCounters"] == {"Completed": 0, "InProgress": 0, "Failed": 0, "Stopped": 1}


@pytest.fixture
def worker_state(monkeypatch):
    """A worker's state in this process, as :func:`tuning.running.worker.initialize` leaves it
    (without its lifeline, which would make this process ignore Ctrl-C)."""
    from tuning import prepare
    from tuning.running import worker
    from tuning.algorithms import get_algorithm
    from tuning.metrics import get_metric
    from tuning.job.preparation import encode_channels as _encode

    prepared = prepare(_config(name="unit"))
    data, _, _ = _encode(prepared)
    flag = SimpleNamespace(value=0)
    monkeypatch.setattr(worker, "_state", dict(
        data=data, algorithm=get_algorithm(prepared.algorithm.name), metric=get_metric(prepared.metric.name),
        board=None, stop_flag=flag))
    return SimpleNamespace(flag=flag, hyperparameters=prepared.algorithm.resolve(prepared.static))


def test_a_job_that_finds_the_stop_flag_set_does_not_start(worker_state):
    worker_state.flag.value = 1
    outcome = run_training_job(0, worker_state.hyperparameters, 0, False)
    assert outcome.status == NOT_STARTED and outcome.intermediate_values == []


def test_the_stop_flag_is_heard_at_the_next_round_without_the_board(worker_state):
    reporter = _BoardReporter(0, board=None, prune_live=True)
    assert reporter.report(1, 0.5) is False
    worker_state.flag.value = 1
    assert reporter.report(2, 0.6) is True and reporter.verdict == STOP


def test_a_model_is_serialised_only_when_it_beats_the_best_so_far(worker_state):
    first = run_training_job(0, worker_state.hyperparameters, 0, False)
    assert first.status == "Completed" and first.model_blob  # no best yet: it is the best
    value = first.final_objective_value
    beaten = value + 1 if _higher_is_better() else value - 1  # a best this job cannot beat
    worse = run_training_job(0, worker_state.hyperparameters, 0, False, beaten)
    assert worse.model_blob is None and worse.final_objective_value == value
    easy = value - 1 if _higher_is_better() else value + 1
    assert run_training_job(0, worker_state.hyperparameters, 0, False, easy).model_blob


def _higher_is_better() -> bool:
    from tuning.running import worker

    return worker._state["metric"].higher_is_better
