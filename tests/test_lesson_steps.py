"""The lesson as data (tuning/lesson.py): its steps, its job, its table, its differences in words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tuning import CategoricalParameter, ContinuousParameter, ValidationError
from tuning.lesson import (
    STEPS,
    check_lesson,
    column_title,
    config_differences,
    default_lesson_state,
    lesson_config,
    lesson_request,
    lesson_state,
    training_jobs_table,
)
from tuning.records import TrainingJob, TuningJob
from tuning.sagemaker.request_json import read_tuning_job_json

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lesson-bank-accuracy.json"


def test_ten_steps_each_with_two_to_four_sentences():
    assert len(STEPS) == 10 and len({step.key for step in STEPS}) == 10
    assert all(2 <= len(step.sentences) <= 4 for step in STEPS)
    assert all(sentence.endswith((".", "?")) for step in STEPS for sentence in step.sentences)


def test_the_default_state_is_the_lessons_json_and_reads_back_to_it():
    example = json.loads(EXAMPLE.read_text())
    assert lesson_request(default_lesson_state()) == example
    assert lesson_config(default_lesson_state()).to_dict() == read_tuning_job_json(example).to_dict()
    # The state is plain data: changing one copy leaves the next default as it was.
    state = default_lesson_state()
    state["ranges"]["xgboost"][0]["MaxValue"] = 4
    assert default_lesson_state()["ranges"]["xgboost"][0]["MaxValue"] == 10


@pytest.mark.parametrize("change, words", [
    (lambda s: s["ranges"]["xgboost"][0].update(MinValue=2.5), "max_depth's range: MinValue must be a whole number"),
    (lambda s: s["ranges"]["xgboost"][1].update(MinValue=0.5), "eta's range"),
    (lambda s: s["ranges"]["xgboost"][2].update(MaxValue=None), "gamma's range: MaxValue must be a number"),
    (lambda s: s.update(max_parallel_jobs=0), "MaxParallelTrainingJobs"),
    (lambda s: s.update(name="no spaces please"), "not valid"),
])
def test_bad_settings_are_refused_in_words(change, words):
    state = default_lesson_state()
    change(state)
    with pytest.raises(ValidationError, match=None) as caught:
        lesson_config(state)
    assert words in str(caught.value)


def test_the_gate_checks_the_lessons_job_against_algorithm_and_data(store):
    state = default_lesson_state()
    state["ranges"]["xgboost"][1]["MaxValue"] = 5.0  # eta is valid in [0, 1]
    with pytest.raises(ValidationError) as caught:
        check_lesson(state, store=store)
    assert "eta" in str(caught.value)
    assert check_lesson(default_lesson_state(), store=store).name == "lesson-bayesian"


def test_column_titles():
    assert [column_title(n) for n in ("max_depth", "eta", "gamma", "validation:accuracy", "validation:auc")] == [
        "Max Depth", "Eta", "Gamma", "Validation Accuracy", "Validation AUC"]


def test_the_table_says_a_stopped_jobs_value_is_interim():
    config = lesson_config(default_lesson_state()).to_dict()
    job = TuningJob(name="lesson", status="Completed", strategy="Bayesian", algorithm="xgboost",
                    dataset="bank-marketing", objective_metric_name="validation:accuracy", objective_type="Maximize",
                    max_jobs=2, max_parallel_jobs=1, config=config, created_at=0.0)
    jobs = [TrainingJob("lesson", 0, "lesson-001", "Completed", {"max_depth": 5, "eta": 0.1, "gamma": 1.0}, 0.0,
                        final_objective_value=0.91, intermediate_values=[(100, 0.91)]),
            TrainingJob("lesson", 1, "lesson-002", "Stopped", {"max_depth": 3, "eta": 0.02, "gamma": 4.0}, 0.0,
                        final_objective_value=0.8874, intermediate_values=[(s, 0.8874) for s in range(1, 11)])]
    table = training_jobs_table(job, jobs)
    assert list(table.columns) == ["Training Job", "Max Depth", "Eta", "Gamma", "Validation Accuracy", "Status"]
    assert table.to_dict("records") == [
        {"Training Job": "lesson-002", "Max Depth": 3, "Eta": 0.02, "Gamma": 4.0, "Validation Accuracy": 0.8874,
         "Status": "Stopped: interim, round 10 of 100"},
        {"Training Job": "lesson-001", "Max Depth": 5, "Eta": 0.1, "Gamma": 1.0, "Validation Accuracy": 0.91,
         "Status": "Completed"},
    ]


def test_differences_with_an_earlier_job_are_said_in_words():
    typed = lesson_config(default_lesson_state())
    assert config_differences(typed, typed) == []
    earlier = typed.replace(max_jobs=6, strategy="Random", exclude_columns=["duration"],
                            hyperparameter_ranges={**typed.hyperparameter_ranges,
                                                   "eta": typed.hyperparameter_ranges["eta"].__class__(0.05, 0.3)})
    assert config_differences(typed, earlier) == [
        "strategy: Random in the earlier job, Bayesian typed here",
        "MaxNumberOfTrainingJobs: 6 in the earlier job, 20 typed here",
        "columns left out: duration in the earlier job, none typed here",
        "eta: 0.05-0.3 Auto in the earlier job, 0.01-0.3 Logarithmic typed here",
    ]


def test_a_json_prepared_before_class_becomes_the_lessons_settings_and_back():
    example = read_tuning_job_json(json.loads(EXAMPLE.read_text()))
    assert lesson_state(example) == default_lesson_state()
    changed = example.replace(max_jobs=6, strategy="Random", algorithm="linear-learner", objective_type=None,
                              objective_metric_name="validation:error", static_hyperparameters={"epochs": 5},
                              hyperparameter_ranges={"learning_rate": ContinuousParameter(0.001, 0.1, "Logarithmic")})
    state = lesson_state(changed)
    assert state["objective_type"] == "Minimize"  # the metric's own direction when the JSON leaves it out
    assert lesson_config(state).to_dict() == changed.replace(objective_type="Minimize").to_dict()
    assert state["ranges"]["xgboost"] == default_lesson_state()["ranges"]["xgboost"]  # XGBoost's kept as they were


@pytest.mark.parametrize("change, words", [
    (dict(dataset="iris"), "the lesson is on bank-marketing"),
    (dict(algorithm="random-forest", hyperparameter_ranges=None), "the lesson shows XGBoost and Linear Learner"),
    (dict(strategy="Grid"), "the lesson compares Bayesian and Random"),
    (dict(hyperparameter_ranges={"booster": CategoricalParameter(["gbtree", "dart"])}), "categorical range"),
])
def test_a_job_the_lesson_cannot_show_is_refused_in_words(change, words):
    example = read_tuning_job_json(json.loads(EXAMPLE.read_text()))
    with pytest.raises(ValidationError) as caught:
        lesson_state(example.replace(**change))
    assert words in str(caught.value)
