"""One gate validates a tuning job; every layer above it says its errors in its own words.

The gate is :func:`tuning.job.preparation.prepare` with its data-free part
``TuningJobConfig.check_limits`` and the range rules of :mod:`tuning.job.range_rules`. Its
errors carry ``field`` (the Python name of what was wrong); TuneLab's JSON, SageMaker's
JSON, the SDK tuner and the Create page's range table put their own name for that field
in front through one helper, :func:`tuning.errors.at_field`, never by reading the start of
the message.
"""

from __future__ import annotations

import pytest

from tuning import ContinuousParameter, TuningJobConfig
from tuning.algorithms import get_algorithm
from tuning.errors import ValidationError, at_field
from tuning.job import preparation
from tuning.job.range_rules import check_range
from tuning.job.range_table import range_rows, read_range_rows
from tuning.running.runner import run_tuning_job
from tuning.sagemaker.request_json import from_sagemaker_request, to_sagemaker_request
from tuning.sagemaker.tuner import HyperparameterTuner

GATE_MESSAGE = "max_parallel_jobs (MaxParallelTrainingJobs): must be from 1 to 100, but got 0."


def _config(**changes) -> TuningJobConfig:
    settings = {"dataset": "iris", "algorithm": "xgboost", "strategy": "Random", "max_jobs": 2, "random_seed": 1,
                "hyperparameter_ranges": {"eta": ContinuousParameter(0.1, 0.5)}}
    return TuningJobConfig(**{**settings, **changes})


def _message(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


def test_the_gate_refuses_a_limit_once_naming_its_field():
    error = _message(_config(max_parallel_jobs=0).check_limits)
    assert str(error) == GATE_MESSAGE
    assert error.field == "max_parallel_jobs"
    assert _config(max_parallel_jobs=0).limit_errors() == {"max_parallel_jobs": GATE_MESSAGE}  # the Create page


def test_each_layer_shows_the_gates_message_at_its_own_field_name(store):
    tunelab = _config().to_dict()
    tunelab["ResourceLimits"]["MaxParallelTrainingJobs"] = 0
    assert str(_message(lambda: TuningJobConfig.from_dict(tunelab))) == \
        f"ResourceLimits.MaxParallelTrainingJobs: {GATE_MESSAGE}"

    sagemaker = to_sagemaker_request(_config())
    sagemaker["HyperParameterTuningJobConfig"]["ResourceLimits"]["MaxParallelTrainingJobs"] = 0
    assert str(_message(lambda: from_sagemaker_request(sagemaker))) == \
        f"HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs: {GATE_MESSAGE}"

    from tuning.sagemaker.estimators import XGBoost  # the SDK speaks Python's names: the gate's own words
    tuner = lambda: HyperparameterTuner(XGBoost(), "validation:accuracy", {"eta": ContinuousParameter(0.1, 0.5)},
                                        max_jobs=2, max_parallel_jobs=0, store=store)
    assert str(_message(tuner)) == GATE_MESSAGE

    assert str(_message(lambda: preparation.prepare(_config(max_parallel_jobs=0)))) == GATE_MESSAGE


def test_a_range_outside_the_algorithms_domain_is_one_rule_said_four_ways(store):
    xgboost = get_algorithm("xgboost")
    too_wide = ContinuousParameter(0.5, 2.0)
    gate = _message(lambda: check_range(xgboost, "subsample", too_wide))
    assert gate.field == "subsample" and "hyperparameter 'subsample' is valid in [0, 1]" in str(gate)

    launch = _message(lambda: preparation.prepare(_config(hyperparameter_ranges={"subsample": too_wide})))
    assert str(launch) == str(gate)

    from tuning.sagemaker.estimators import XGBoost
    sdk = _message(lambda: HyperparameterTuner(XGBoost(), "validation:accuracy", {"subsample": too_wide},
                                               max_jobs=2, store=store))
    assert str(sdk) == f"hyperparameter_ranges['subsample']: {gate}"

    table = range_rows(xgboost)
    table.loc[table["Hyperparameter"] == "subsample", ["Tune", "MinValue", "MaxValue"]] = [True, 0.5, 2.0]
    assert str(gate) in read_range_rows(xgboost, table).errors  # the page's row is named in the sentence


def test_a_range_with_min_above_max_reads_the_same_in_both_json_shapes():
    body = ("ContinuousParameter(min_value=0.9, max_value=0.1, scaling_type='Auto'): min_value < max_value "
            "must hold")
    tunelab = _config().to_dict()
    tunelab["HyperparameterRanges"]["eta"].update(MinValue=0.9, MaxValue=0.1)
    assert str(_message(lambda: TuningJobConfig.from_dict(tunelab))).startswith(
        f"HyperparameterRanges.eta: Hyperparameter 'eta': {body}")
    sagemaker = to_sagemaker_request(_config())
    entry = sagemaker["HyperParameterTuningJobConfig"]["ParameterRanges"]["ContinuousParameterRanges"][0]
    entry.update(MinValue="0.9", MaxValue="0.1")
    error = _message(lambda: from_sagemaker_request(sagemaker))
    assert str(error).startswith(f"HyperParameterTuningJobConfig.ParameterRanges.ContinuousParameterRanges[0]: {body}")
    assert error.field == "eta"


def test_at_field_leaves_an_error_it_has_no_name_for_as_it_is():
    error = ValidationError("the data is empty.", field="dataset")
    assert at_field(error, {"max_jobs": "ResourceLimits.MaxNumberOfTrainingJobs"}) is error
    assert at_field(ValidationError("no field"), {"max_jobs": "x"}).field is None


def test_prepare_builds_the_strategy_once_and_the_run_searches_with_it(store, monkeypatch):
    calls = []
    real = preparation.create_strategy

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(preparation, "create_strategy", counting)
    prepared = preparation.prepare(_config(name="once"), store=store)
    assert calls == ["Random"]
    job = run_tuning_job(prepared, store)
    assert job.status == "Completed" and len(store.training_jobs("once")) == 2
    assert calls == ["Random"]  # the run used prepare's strategy, not a second one
    assert prepared.strategy.name == "Random"
