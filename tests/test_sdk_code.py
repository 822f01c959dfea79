"""The SageMaker Python SDK export: valid Python that builds the same tuning job."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tuning import (
    CategoricalParameter,
    CompletionCriteria,
    ContinuousParameter,
    IntegerParameter,
    TuningJobConfig,
    WarmStartConfig,
)
from tuning.sagemaker.sdk_code import sdk_code


def _calls(code: str) -> dict[str, list[ast.Call]]:
    """Every call in the code, by the called name."""
    calls: dict[str, list[ast.Call]] = {}
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            calls.setdefault(name, []).append(node)
    return calls


def _keywords(call: ast.Call) -> dict[str, object]:
    return {k.arg: ast.unparse(k.value) for k in call.keywords}


FULL = TuningJobConfig(
    dataset="bank-marketing", validation_dataset=Path("/data/val.csv"), target="y", name="bank-bayes",
    objective_metric_name="validation:auc", objective_type="Maximize",
    hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5, "Linear"),
                           "alpha": ContinuousParameter(0.001, 1000, "Logarithmic"),
                           "max_depth": IntegerParameter(1, 10),
                           "gamma": CategoricalParameter([0.0, 1.5])},
    static_hyperparameters={"num_round": 100, "subsample": 0.8},
    strategy="Hyperband", strategy_config={"MinResource": 1, "MaxResource": 100},
    max_jobs=20, max_parallel_jobs=2, max_runtime_seconds=3600.0, early_stopping_type="Off", random_seed=42,
    completion_criteria=CompletionCriteria(0.95, 5, True),
    warm_start_config=WarmStartConfig("TransferLearning", ["bank-1", "bank-2"]),
)


def test_the_code_is_valid_python_naming_every_range_with_its_bounds():
    code = sdk_code(FULL)
    calls = _calls(code)
    ranges = {ast.literal_eval(key): ast.unparse(value)
              for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Dict)
              for key, value in zip(node.keys, node.values)
              if isinstance(value, ast.Call) and ast.unparse(value.func).endswith("Parameter")}
    assert ranges == {
        "eta": "ContinuousParameter(0.1, 0.5, scaling_type='Linear')",
        "alpha": "ContinuousParameter(0.001, 1000.0, scaling_type='Logarithmic')",
        "max_depth": "IntegerParameter(1, 10, scaling_type='Auto')",
        "gamma": "CategoricalParameter(['0.0', '1.5'])",
    }
    retrieve = calls["retrieve"][0]
    assert ast.literal_eval(retrieve.args[0]) == "xgboost"
    assert _keywords(calls["set_hyperparameters"][0]) == {"num_round": "100", "subsample": "0.8"}
    tuner = _keywords(calls["HyperparameterTuner"][0])
    assert tuner["objective_metric_name"] == "'validation:auc'" and tuner["objective_type"] == "'Maximize'"
    assert tuner["strategy"] == "'Hyperband'" and tuner["max_jobs"] == "20" and tuner["max_parallel_jobs"] == "2"
    assert tuner["max_runtime_in_seconds"] == "3600" and tuner["random_seed"] == "42"
    assert tuner["early_stopping_type"] == "'Off'"
    assert "HyperbandStrategyConfig(min_resource=1, max_resource=100)" in tuner["strategy_config"]
    assert tuner["completion_criteria_config"] == (
        "TuningJobCompletionCriteriaConfig(target_objective_metric_value=0.95, "
        "max_number_of_training_jobs_not_improving=5, complete_on_convergence=True)")
    assert tuner["warm_start_config"] == (
        "WarmStartConfig(WarmStartTypes.TRANSFER_LEARNING, parents={'bank-1', 'bank-2'})")
    fit = calls["fit"][0]
    assert [ast.literal_eval(k) for k in fit.args[0].keys] == ["train", "validation"]
    assert _keywords(fit)["job_name"] == "'bank-bayes'"


@pytest.mark.parametrize("algorithm", ["xgboost", "linear-learner", "knn", "random-forest", "mlp"])
def test_every_algorithm_gives_valid_code_with_its_default_ranges_spelt_out(algorithm):
    from tuning.algorithms import get_algorithm

    code = sdk_code(TuningJobConfig(dataset="iris", algorithm=algorithm, strategy="Random"))
    calls = _calls(code)
    named = {ast.literal_eval(k) for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Dict)
             for k in node.keys if isinstance(k, ast.Constant)} - {"train"}
    assert named == set(get_algorithm(algorithm).default_ranges())
    if algorithm in ("random-forest", "mlp"):
        assert "retrieve" not in calls and f"tunelab/{algorithm}:latest" in code
    else:
        assert "retrieve" in calls
    assert "warm_start_config" not in code and "completion_criteria_config" not in code


def test_an_implicit_metric_is_flagged_for_the_user():
    code = sdk_code(TuningJobConfig(dataset="iris"))
    ast.parse(code)
    assert "TODO: TuneLab picks the default metric" in code
