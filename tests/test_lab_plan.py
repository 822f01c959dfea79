"""The lab's plan: values on the hyperparameter's scaling, one Grid tuning job, the presets as data."""

from __future__ import annotations

import pytest

from tuning.algorithms import get_algorithm
from tuning.errors import ValidationError
from tuning.job.config import check_tuning_job_name
from tuning.job.lab_plan import (LAB_PRESETS, MAX_LAB_VALUES, Behaviour, lab_hyperparameters, lab_values, plan_lab,
                                 preset)
from tuning.parameters import CategoricalParameter
from tuning.strategies import GridStrategy


def test_values_are_spread_on_the_scaling_log_by_equal_ratios_linear_evenly():
    assert lab_values(1e-4, 1.0, "Logarithmic") == [0.0001, 0.001, 0.01, 0.1, 1.0]
    assert lab_values(0.01, 1.0, "Logarithmic", count=3) == [0.01, 0.1, 1.0]
    assert lab_values(0.0, 1.0, "Linear", count=5) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert lab_values(10, 200, "Linear", integer=True) == [10, 58, 105, 152, 200]
    assert lab_values(16, 256, "Logarithmic", integer=True) == [16, 32, 64, 128, 256]
    assert lab_values(1, 3, "Linear", integer=True) == [1, 2, 3]  # an integer range with fewer values gives them all
    assert lab_values(0.001, 1.0, "Auto", count=4) == [0.001, 0.01, 0.1, 1.0]  # Auto: three orders of magnitude


def test_values_from_high_to_low_or_a_log_scale_from_zero_are_refused_in_the_labs_words():
    with pytest.raises(ValidationError, match="but got from 1 to 0.1: swap them"):
        lab_values(1.0, 0.1)
    with pytest.raises(ValidationError, match="needs a first value above 0, but got 0: start from"):
        lab_values(0.0, 1.0, "Logarithmic")


@pytest.mark.parametrize("count", [1, MAX_LAB_VALUES + 1, 2.5, True])
def test_a_count_outside_two_to_eight_is_refused_saying_what_to_give(count):
    with pytest.raises(ValidationError, match=f"a lab tries 2 to {MAX_LAB_VALUES} values"):
        lab_values(0.1, 1.0, count=count)


def test_a_lab_is_one_grid_job_over_the_values_others_at_defaults_one_seed_early_stopping_off():
    plan = plan_lab("mlp", "breast_cancer", "learning_rate", [0.1, 0.001, "0.01"], static={"epochs": 20},
                    objective_metric_name="validation:logloss", name="my-lab", cores=2)
    config = plan.config
    assert plan.values == (0.001, 0.01, 0.1)  # sorted, the text "0.01" read as SageMaker would
    assert (config.strategy, config.max_jobs, config.max_parallel_jobs, config.early_stopping_type) == (
        "Grid", 3, 2, "Off")
    assert config.hyperparameter_ranges == {"learning_rate": CategoricalParameter([0.001, 0.01, 0.1])}
    assert dict(config.static_hyperparameters) == {"epochs": 20} and config.random_seed == 1
    assert plan.record() == {"Hyperparameter": "learning_rate", "Values": [0.001, 0.01, 0.1], "Preset": None}
    grid = GridStrategy(hyperparameter_ranges=config.hyperparameter_ranges, max_jobs=config.max_jobs)
    assert [s["learning_rate"] for s in grid.suggest(5)] == [0.001, 0.01, 0.1]  # exactly the values, once each
    assert plan_lab("mlp", "iris", "hidden_units", [8, 64], cores=16).config.max_parallel_jobs == 2


def test_a_fresh_name_is_a_valid_tuning_job_name_within_amts_32_characters():
    for name in lab_hyperparameters("xgboost") + lab_hyperparameters("mlp"):
        spec = next(get_algorithm(a).hyperparameters[name] for a in ("xgboost", "mlp")
                    if name in get_algorithm(a).hyperparameters)
        values = [spec.default_range.min_value, spec.default_range.max_value]
        algorithm = "xgboost" if name in get_algorithm("xgboost").hyperparameters else "mlp"
        generated = plan_lab(algorithm, "iris", name, values).name
        assert check_tuning_job_name(generated) == generated and generated.startswith("lab-")


@pytest.mark.parametrize(("hyperparameter", "values", "static", "message"), [
    ("dropout", [0.1, 0.5], None, "has no hyperparameter 'dropout': scikit-learn's neural network"),
    ("optimizer", ["sgd", "adam"], None, "'optimizer' is not one; pick one of: learning_rate, mini_batch_size, epochs"),
    ("learning_rate", [0.01, 2.0], None, "valid in [1e-07, 1], but the value is 2.0"),
    ("learning_rate", [0.01, 0.01], None, "learning_rate 0.01 is listed twice"),
    ("learning_rate", [0.01], None, "a lab compares 2 to 8 values of learning_rate, but got 1"),
    ("learning_rate", [0.01, 0.1], {"learning_rate": 0.1}, "leave it out of the fixed settings"),
    ("mini_batch_size", [16, 32.5], None, "must be a whole number"),
])
def test_a_bad_lab_is_refused_saying_what_is_wrong(hyperparameter, values, static, message):
    with pytest.raises(ValidationError) as refused:
        plan_lab("mlp", "breast_cancer", hyperparameter, values, static=static)
    assert message in str(refused.value)


def test_only_numeric_tunable_hyperparameters_can_be_varied():
    assert lab_hyperparameters("mlp") == ["learning_rate", "mini_batch_size", "epochs", "num_layers", "hidden_units",
                                          "alpha", "momentum", "learning_rate_decay", "early_stopping_patience",
                                          "early_stopping_tolerance"]  # not the categorical optimizer
    xgboost = lab_hyperparameters("xgboost")
    assert {"eta", "max_depth", "num_round", "alpha"} <= set(xgboost)
    assert all(get_algorithm("xgboost").hyperparameters[name].tunable for name in xgboost)


def test_the_five_presets_are_the_courses_claims_on_hyperparameters_that_exist_today(store):
    from tuning.job.preparation import prepare

    assert [p.key for p in LAB_PRESETS] == ["learning-rate", "batch-size", "epochs", "regularization", "eta"]
    for lab in LAB_PRESETS:
        algorithm = get_algorithm(lab.algorithm)
        assert lab.hyperparameter in lab_hyperparameters(lab.algorithm)
        assert set(lab.static) <= set(algorithm.hyperparameters)
        plan = lab.plan(cores=2)
        assert len(plan.values) == 5 and plan.values[0] == pytest.approx(lab.low) and plan.values[-1] == lab.high
        assert plan.record()["Preset"] == lab.key
        prepared = prepare(plan.config, store=store)  # the full gate: data, metric, ranges, statics
        assert prepared.metric.name == lab.objective_metric_name
        assert lab.expectations and all(e.end in ("lowest", "highest") for e in lab.expectations)
        assert all(set(e.behaviours) <= set(vars(Behaviour).values()) for e in lab.expectations)
    assert preset("eta").values() == [0.01, 0.03162, 0.1, 0.3162, 1.0]
    with pytest.raises(ValidationError, match="no lab preset 'dropout'; the presets are: learning-rate, batch-size"):
        preset("dropout")
