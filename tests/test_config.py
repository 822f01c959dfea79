"""The JSON form of a tuning job: lossless round trip, errors with JSON paths."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tuning import CategoricalParameter, ContinuousParameter, IntegerParameter, TuningJobConfig, ValidationError

ROOT = Path(__file__).resolve().parent.parent


def test_round_trip_through_json_is_lossless():
    config = TuningJobConfig(
        dataset="bank-marketing", algorithm="xgboost", objective_metric_name="validation:auc",
        objective_type="Maximize",
        hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 10),
                               "booster": CategoricalParameter(["gbtree", "dart"])},
        static_hyperparameters={"num_round": 50}, strategy="Hyperband",
        strategy_config={"MinResource": 1, "MaxResource": 50}, max_jobs=30, max_parallel_jobs=2,
        max_runtime_seconds=600, early_stopping_type="Off", random_seed=4, name="round-trip",
    )
    again = TuningJobConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again == config


def test_csv_channels_round_trip_with_their_target():
    config = TuningJobConfig(dataset=Path("data/train.csv"), validation_dataset=Path("data/valid.csv"), target="y")
    again = TuningJobConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert (again.dataset, again.validation_dataset, again.target) == (config.dataset, config.validation_dataset, "y")


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.json")))
def test_example_files_are_valid(path):
    from tuning.sagemaker.request_json import read_tuning_job_json

    read_tuning_job_json(json.loads(path.read_text()))  # TuneLab's JSON or SageMaker's request


@pytest.mark.parametrize(
    "data, message",
    [
        ({"Dataset": "iris", "RandomSeed": -1}, r"RandomSeed: .*from 0"),
        ({"Dataset": "iris", "RandomSeed": 1.5}, r"RandomSeed: .*whole number"),
        ({"Dataset": "iris", "ResourceLimits": {"MaxRuntimeInSeconds": "fast"}}, r"ResourceLimits.MaxRuntimeInSeconds"),
        ({"Dataset": "iris", "ResourceLimits": {"MaxJobs": 3}}, r"ResourceLimits.MaxJobs: unknown field"),
        ({"Dataset": "iris", "EarlyStoppingType": "AUTO!"}, r"EarlyStoppingType: .*'Off' or 'Auto'"),
        ({"Dataset": "iris", "TuningJobName": "has space"}, r"TuningJobName: tuning job name 'has space' is not valid"),
        ({"Dataset": "iris", "TuningJobName": "x" * 33}, r"TuningJobName"),
        ({"Dataset": "iris", "ValidationFraction": 0}, r"ValidationFraction"),
        ({"Dataset": "iris", "StaticHyperparameters": [1]}, r"StaticHyperparameters: must be a JSON object"),
        ({"Dataset": "iris", "HyperparameterRanges": {"k": {"Type": "Integer", "MinValue": 1}}}, r"HyperparameterRanges.k: .*needs MaxValue"),
        ({"Dataset": ["iris"]}, r"Dataset: must be a dataset name"),
        ({"Dataset": {"Path": "a.csv", "Sep": ";"}}, r"Dataset.Sep: unknown field"),
    ],
)
def test_bad_json_names_the_field(data, message):
    with pytest.raises(ValidationError, match=message):
        TuningJobConfig.from_dict(data)


# -- limits, one rule each, for a form that shows them all ----------------------------------
@pytest.mark.parametrize("changes, expected", [
    ({"max_jobs": 0}, {"max_jobs": r"max_jobs \(MaxNumberOfTrainingJobs\): must be from 1 to 100,000, but got 0"}),
    ({"max_jobs": -1, "max_parallel_jobs": 101},
     {"max_jobs": r"got -1", "max_parallel_jobs": r"MaxParallelTrainingJobs\): must be from 1 to 100, but got 101"}),
    ({"max_runtime_seconds": -60.0}, {"max_runtime_seconds": r"positive number of seconds.*got -60.0"}),
    ({"random_seed": -1}, {"random_seed": r"RandomSeed\): must be from 0 to 2,147,483,647"}),
    ({"strategy": "Grid", "strategy_config": {"GridPoints": 1}}, {"GridPoints": r"GridPoints\) must be .* from 2"}),
    ({"strategy": "Hyperband", "strategy_config": {"MinResource": 0, "MaxResource": 0}},
     {"MinResource": r"MinResource must be a whole number >= 1", "MaxResource": r"MaxResource must be"}),
    ({"strategy": "Hyperband", "strategy_config": {"MinResource": 50, "MaxResource": 50}},
     {"MinResource": r"MinResource < MaxResource must hold"}),
    ({"strategy": "Hyperband", "strategy_config": {"MinResource": 1, "MaxResource": 10**6}},
     {"MaxResource": r"'num_round' is valid in \[1, 100000\]"}),
    ({}, {}),
])
def test_limit_errors_names_every_broken_limit_with_the_message_the_engine_raises(changes, expected):
    config = TuningJobConfig(dataset="iris", **changes)
    errors = config.limit_errors()
    assert set(errors) == set(expected)
    for field, pattern in expected.items():
        assert re.search(pattern, errors[field]), errors[field]
    if errors and not set(errors) & {"GridPoints", "MinResource", "MaxResource"}:
        with pytest.raises(ValidationError) as raised:  # check_limits raises the first of the same messages
            config.check_limits()
        assert str(raised.value) == next(iter(errors.values()))
