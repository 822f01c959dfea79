"""AMT's TuningJobCompletionCriteria: the rules on given sequences, and real tuning jobs ending early."""

from __future__ import annotations

import json

import pytest

from tuning import CompletionCriteria, ContinuousParameter, Store, TuningJobConfig, ValidationError, run_tuning_job
from tuning.job.completion import CONVERGENCE_MIN_JOBS, CompletionTracker


def _first_reason(criteria, values, maximize=True):
    tracker = CompletionTracker(criteria, maximize=maximize)
    for position, value in enumerate(values, start=1):
        reason = tracker.observe(value)
        if reason:
            return position, reason
    return None, None


def test_target_value_respects_the_direction():
    criteria = CompletionCriteria(target_objective_metric_value=0.9)
    assert _first_reason(criteria, [0.5, 0.89, 0.9, 0.95])[0] == 3
    position, reason = _first_reason(CompletionCriteria(target_objective_metric_value=10), [30, 12, 9.5], maximize=False)
    assert position == 3 and "TargetObjectiveMetricValue (10) reached" in reason


def test_not_improving_counts_jobs_that_beat_the_best_by_less_than_one_percent():
    criteria = CompletionCriteria(max_number_of_training_jobs_not_improving=3)
    # 0.800 -> 0.805 is +0.6%: not an improvement; 0.90 is one and resets the count.
    assert _first_reason(criteria, [0.8, 0.805, 0.7, 0.90, 0.5, 0.905, 0.6])[0] == 7
    # Minimizing: 100 -> 99.5 is 0.5% better, not an improvement; 98 is.
    assert _first_reason(criteria, [100, 99.5, 98, 97.9, 120, 110], maximize=False)[0] == 6


def test_convergence_needs_enough_jobs_and_a_flat_recent_window():
    criteria = CompletionCriteria(complete_on_convergence=True)
    rising = [0.5 + 0.01 * k for k in range(40)]  # every window improves by far more than 0.1%
    assert _first_reason(criteria, rising) == (None, None)
    flat = [0.5 + 0.02 * k for k in range(10)] + [0.6] * 30  # best 0.68 early, nothing better after
    position, reason = _first_reason(criteria, flat)
    assert position == CONVERGENCE_MIN_JOBS and reason.startswith("ConvergenceDetected")


@pytest.mark.parametrize(("data", "message"), [
    ({"BestObjectiveNotImproving": {"MaxNumberOfTrainingJobsNotImproving": 2}}, "at least 3"),
    ({"TargetObjectiveMetricValue": "high"}, "TargetObjectiveMetricValue: must be a finite number"),
    ({"ConvergenceDetected": {"CompleteOnConvergence": True}}, "Enabled"),
    ({"Target": 1}, "unknown field"),
])
def test_bad_criteria_are_refused_with_their_json_path(data, message):
    with pytest.raises(ValidationError, match=message):
        TuningJobConfig.from_dict({"Dataset": "iris", "TuningJobCompletionCriteria": data})


def test_criteria_round_trip_in_awss_shape():
    data = {"TargetObjectiveMetricValue": 0.99,
            "BestObjectiveNotImproving": {"MaxNumberOfTrainingJobsNotImproving": 5},
            "ConvergenceDetected": {"CompleteOnConvergence": "Enabled"}}
    config = TuningJobConfig.from_dict({"Dataset": "iris", "TuningJobCompletionCriteria": data})
    assert config.completion_criteria == CompletionCriteria(0.99, 5, True)
    assert json.loads(json.dumps(config.to_dict()))["TuningJobCompletionCriteria"] == data
    assert "TuningJobCompletionCriteria" not in TuningJobConfig(dataset="iris").to_dict()


def _config(**criteria):
    return TuningJobConfig(
        dataset="breast_cancer", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
        static_hyperparameters={"num_round": 5}, strategy="Random", max_jobs=30, max_parallel_jobs=1,
        random_seed=3, completion_criteria=CompletionCriteria(**criteria),
    )


def test_a_reachable_target_ends_a_real_job_early_and_says_why():
    store = Store()
    job = run_tuning_job(_config(target_objective_metric_value=0.5), store)  # any AUC reaches 0.5
    assert job.status == "Completed"
    assert job.finished_count < 30
    assert job.completion_reason.startswith("TargetObjectiveMetricValue (0.5) reached")
    assert job.describe()["HyperParameterTuningJobStatus"] == "Completed"


def test_not_improving_ends_a_real_job_and_keeps_its_best():
    store = Store()
    job = run_tuning_job(_config(max_number_of_training_jobs_not_improving=3), store)
    completed = store.training_jobs(job.name, status="Completed")
    assert job.completion_reason.startswith("BestObjectiveNotImproving: 3 training jobs in a row")
    assert 4 <= len(completed) < 30
    assert job.best_objective_value == max(t.final_objective_value for t in completed)
