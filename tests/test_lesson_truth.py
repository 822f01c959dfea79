"""Issue 12: what a tuning job says about itself is true — baselines, interim values, compute saved.

Unit checks on hand-built records, then one real tuning job on the course's own
bank-marketing configuration (real worker processes, a real SQLite file), read back
through the CLI and describe().
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tuning import ContinuousParameter, IntegerParameter, TuningJobConfig, run_tuning_job
from tuning.algorithms import TrainingData
from tuning.analysis.baseline import Baseline, baseline_for_job, compute_baseline, imbalance_hint
from tuning.job.config import RUN_RECORD
from tuning.metrics import get_metric
from tuning.records import TrainingJob, TuningJob
from tuning.analysis.resource_use import compute_usage, training_resource
from tuning.analysis.stopped_jobs import objective_text, stopped_at, stopping_evidence

LESSON = {
    "max_depth": IntegerParameter(3, 10, scaling_type="Linear"),
    "eta": ContinuousParameter(0.01, 0.3, scaling_type="Logarithmic"),
    "gamma": ContinuousParameter(0, 5, scaling_type="Linear"),
}


def _tuning_job(**overrides):
    values = dict(name="lesson", status="Completed", strategy="Random", algorithm="xgboost", dataset="bank-marketing",
                  objective_metric_name="validation:accuracy", objective_type="Maximize", max_jobs=4,
                  max_parallel_jobs=2, config={"StaticHyperparameters": {"num_round": 100}}, created_at=0.0)
    values.update(overrides)
    return TuningJob(**values)


def _training_job(index, status, rounds, value, seconds, **hyperparameters):
    return TrainingJob(tuning_job_name="lesson", index=index, name=f"lesson-{index + 1:03d}", status=status,
                       hyperparameters=hyperparameters or {"eta": 0.1}, created_at=0.0, start_time=100.0,
                       end_time=100.0 + seconds, final_objective_value=value,
                       intermediate_values=[(step, value) for step in range(1, rounds + 1)])


# -- baseline ---------------------------------------------------------------------------------

def _data(y_train, y_validation, problem_type="BinaryClassification", n_classes=2):
    return TrainingData(x_train=np.zeros((len(y_train), 1)), y_train=np.asarray(y_train),
                        x_validation=np.zeros((len(y_validation), 1)), y_validation=np.asarray(y_validation),
                        problem_type=problem_type, n_classes=n_classes)


def test_the_baseline_is_the_majority_class_score_of_the_metric():
    data = _data([0] * 8 + [1] * 2, [0] * 9 + [1])
    accuracy = compute_baseline(get_metric("validation:accuracy"), data, ["no", "yes"])
    assert accuracy == Baseline(0.9, "always predicting the majority class 'no'")
    assert compute_baseline(get_metric("validation:auc"), data, ["no", "yes"]).value == 0.5
    assert compute_baseline(get_metric("validation:f1"), data, ["no", "yes"]).value == 0.0


def test_a_regression_baseline_predicts_the_training_mean():
    data = _data([1.0, 3.0], [0.0, 4.0], problem_type="Regression", n_classes=0)
    baseline = compute_baseline(get_metric("validation:rmse"), data)
    assert baseline.value == pytest.approx(2.0)  # |0 - 2| and |4 - 2|
    assert baseline.description == "always predicting the training mean, 2"


def test_a_class_missing_from_the_training_channel_still_gets_a_column():
    data = _data([0, 0, 1], [0, 2, 2], problem_type="MulticlassClassification", n_classes=3)
    assert compute_baseline(get_metric("validation:accuracy"), data, ["a", "b", "c"]).value == pytest.approx(1 / 3)


def test_imbalance_hint_points_to_auc_for_accuracy_on_skewed_data_only():
    skewed = pd.Series(["no"] * 89 + ["yes"] * 11)
    hint = imbalance_hint("validation:accuracy", skewed, "BinaryClassification")
    assert hint.startswith("89.0% of the rows are 'no'") and "validation:auc" in hint and "validation:f1" in hint
    assert imbalance_hint("validation:auc", skewed, "BinaryClassification") is None
    assert imbalance_hint("validation:accuracy", pd.Series(["a", "b"] * 20), "BinaryClassification") is None
    assert imbalance_hint("validation:rmse", pd.Series([1.0] * 10), "Regression") is None


def test_a_job_recorded_before_baselines_has_none():
    assert baseline_for_job(_tuning_job()) is None
    recorded = _tuning_job(config={RUN_RECORD: {"Baseline": {"Value": 0.887, "Description": "x"}}})
    assert baseline_for_job(recorded) == Baseline(0.887, "x")


# -- interim values and compute --------------------------------------------------------------

def test_a_stopped_jobs_value_is_written_with_its_round():
    job = _tuning_job()
    stopped = _training_job(0, "Stopped", 10, 0.8874, 1.0)
    completed = _training_job(1, "Completed", 100, 0.91357, 5.0)
    assert stopped_at(stopped) == 10 and stopped_at(completed) is None
    assert objective_text(job, stopped) == "0.8874 at round 10 of 100 (stopped)"
    assert objective_text(job, completed) == "0.9136"
    tuned = _training_job(2, "Stopped", 7, 0.5, 1.0, num_round=40)
    assert objective_text(job, tuned) == "0.5000 at round 7 of 40 (stopped)"
    hyperband = _tuning_job(strategy="Hyperband", config={"StrategyConfig": {"MaxResource": 81}})
    assert training_resource(hyperband, stopped) == 81


def test_compute_used_and_saved_counts_each_stopped_job_at_its_own_speed():
    job = _tuning_job()
    jobs = [
        _training_job(0, "Completed", 100, 0.91, 10.0),
        _training_job(1, "Stopped", 10, 0.887, 2.0),    # 0.2 s a round: 90 more rounds = 18 s
        _training_job(2, "Stopped", 20, 0.887, 1.0),    # 0.05 s a round: 80 more = 4 s
        _training_job(3, "InProgress", 5, 0.887, 1.0),  # not counted until it ends
    ]
    usage = compute_usage(job, jobs)
    assert (usage.used, usage.full, usage.stopped, usage.finished) == (130, 300, 2, 3)
    assert usage.seconds == pytest.approx(13.0) and usage.seconds_saved == pytest.approx(22.0)
    assert usage.line() == "used 130 of 300 boosting rounds (57% saved, about 22 s of training)"
    priced = usage.line(price_per_hour=3.6, currency="EUR")
    assert priced.endswith("; at 3.6 EUR an instance-hour, 0.013 EUR spent and about 0.022 EUR saved")
    assert compute_usage(_tuning_job(algorithm="knn"), jobs) is None


def test_stopping_evidence_names_the_baseline_when_stopped_jobs_all_scored_it():
    job = _tuning_job()
    baseline = Baseline(0.887, "always predicting the majority class 'no'")
    jobs = [_training_job(i, "Stopped", 3, 0.887, 1.0) for i in range(11)] + [
        _training_job(11, "Stopped", 30, 0.90, 1.0), _training_job(12, "Completed", 100, 0.91, 1.0)]
    note = stopping_evidence(job, jobs, baseline)
    assert note.startswith("11 of 12 stopped jobs were stopped at round 3 with the same validation:accuracy, 0.887")
    assert "always predicting the majority class 'no'" in note
    varied = [_training_job(i, "Stopped", 10 + i, 0.88 + i / 100, 1.0) for i in range(4)]
    assert stopping_evidence(job, varied, baseline) is None


# -- the course's own job, for real ----------------------------------------------------------

@pytest.fixture(scope="module")
def lesson_run(tmp_path_factory):
    from tuning import Store

    folder = tmp_path_factory.mktemp("lesson")
    store = Store(f"sqlite:///{folder}/store.db", artifact_dir=folder / "artifacts")
    config = TuningJobConfig(
        dataset="bank-marketing", algorithm="xgboost", objective_metric_name="validation:accuracy",
        hyperparameter_ranges=LESSON, static_hyperparameters={"num_round": 40}, strategy="Bayesian",
        max_jobs=14, max_parallel_jobs=3, early_stopping_type="Auto", random_seed=1, name="lesson-bayes",
    )
    job = run_tuning_job(config, store)
    return store, job, store.training_jobs(job.name)


def test_the_lesson_job_judges_no_job_before_its_grace_period(lesson_run):
    _, job, jobs = lesson_run
    assert job.status == "Completed" and len(jobs) == 14
    assert all(stopped_at(t) >= 4 for t in jobs if t.status == "Stopped")  # 10% of 40 rounds


def test_the_lesson_job_records_the_majority_class_baseline_of_its_validation_channel(lesson_run):
    from tuning.datasets import load_dataset, split_channels

    _, job, _ = lesson_run
    _, validation = split_channels(load_dataset("bank-marketing"), validation_fraction=0.2, random_seed=1)
    share = validation.target.value_counts(normalize=True).iloc[0]
    baseline = baseline_for_job(job)
    assert baseline.value == pytest.approx(share) and baseline.description == "always predicting the majority class 'no'"


def test_the_lesson_job_proposes_no_point_twice(lesson_run):
    _, _, jobs = lesson_run
    for a, b in [(a, b) for i, a in enumerate(jobs) for b in jobs[i + 1:]]:
        ha, hb = a.hyperparameters, b.hyperparameters
        assert not (ha["max_depth"] == hb["max_depth"] and all(
            abs(LESSON[n].to_unit(ha[n]) - LESSON[n].to_unit(hb[n])) < 0.02 for n in ("eta", "gamma"))), (a.name, b.name)


def test_show_prints_the_compute_line_the_baseline_and_interim_labels(lesson_run, capsys):
    from tuning.cli import main

    store, job, jobs = lesson_run
    assert main(["--store", store.url, "show", job.name, "--price-per-hour", "0.23"]) == 0
    out = capsys.readouterr().out
    usage = compute_usage(job, jobs)
    assert f"Compute: {usage.line(price_per_hour=0.23)}" in out
    assert "USD an instance-hour" in out
    assert f"(baseline {baseline_for_job(job).value:.4g}: always predicting the majority class 'no')" in out
    for stopped in (t for t in jobs if t.status == "Stopped"):
        assert objective_text(job, stopped) in out


def test_describe_reports_consumed_resources_and_compute_saved(lesson_run):
    from tuning.sagemaker.tuner import HyperparameterTuner

    store, job, jobs = lesson_run
    described = HyperparameterTuner.attach(job.name, store=store).describe()
    usage = compute_usage(job, jobs)
    assert described["TuneLabComputeUsage"]["ResourceUsed"] == usage.used == sum(
        t.intermediate_values[-1][0] for t in jobs)
    assert described["TuneLabComputeUsage"]["ResourceWithoutStopping"] == 14 * 40
    assert described["ConsumedResources"]["RuntimeInSeconds"] >= 0
    assert described["TuneLabBaseline"]["MetricName"] == "validation:accuracy"
    json.dumps(described, default=str)
