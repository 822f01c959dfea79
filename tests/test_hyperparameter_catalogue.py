"""AWS's whole hyperparameter catalogue of XGBoost, Linear Learner and k-NN, through both doors.

AWS's pages, quoted where a test checks them:

- https://docs.aws.amazon.com/sagemaker/latest/dg/xgboost_hyperparameters.html (and the
  container's ``algorithm_mode/hyperparameter_validation.py``, aws/sagemaker-xgboost-container);
- https://docs.aws.amazon.com/sagemaker/latest/dg/ll_hyperparameters.html;
- https://docs.aws.amazon.com/sagemaker/latest/dg/linear-learner-tuning.html: "You can tune a
  linear learner model with the following hyperparameters": wd, l1, learning_rate,
  mini_batch_size (100 to 5000), use_bias ([True, False]), positive_example_weight_mult (1e-5 to 1e5).
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

from tuning.algorithms import TrainingData, get_algorithm
from tuning.algorithms._linear_learner_catalogue import STATIC_HYPERPARAMETERS as LL_CATALOGUE
from tuning.algorithms._xgboost_catalogue import STATIC_HYPERPARAMETERS as XGB_CATALOGUE
from tuning.errors import ValidationError
from tuning.job.config import TuningJobConfig
from tuning.job.form_values import hidden_statics
from tuning.job.preparation import prepare
from tuning.job.range_rules import check_range, check_ranges
from tuning.job.range_table import range_rows
from tuning.metrics import BINARY, MULTICLASS, REGRESSION, get_metric
from tuning.parameters import CategoricalParameter, ContinuousParameter, IntegerParameter
from tuning.sagemaker.estimators import KNN, LinearLearner, XGBoost
from tuning.sagemaker.request_json import from_sagemaker_request, to_sagemaker_request

_EXAMPLES = {"monotone_constraints": "(0,1)", "interaction_constraints": "[[0,1],[2,3]]", "updater": "grow_colmaker,prune",
             "eval_metric": "auc", "early_stopping_rounds": "10", "nthread": "2", "num_class": "3",
             "max_cached_hist_node": "100", "prob_buffer_row": "2", "num_classes": "3", "sample_size": "500",
             "faiss_index_pq_m": "8", "dimension_reduction_type": "sign", "dimension_reduction_target": "2",
             "feature_dim": "4"}
"""A valid value for the catalogue entries whose AWS default is "none" (or depends on others)."""


def _text(spec) -> str:
    value = _EXAMPLES.get(spec.name, spec.default)
    return str(value).lower() if isinstance(value, bool) else str(value)


_RANGES = {"xgboost": {"max_depth": IntegerParameter(1, 3)}, "linear-learner": {"wd": ContinuousParameter(1e-6, 1e-2)},
           "knn": {"k": IntegerParameter(1, 3)}}


def _request(algorithm: str, statics: dict[str, str]) -> dict:
    config = TuningJobConfig(dataset="breast_cancer", algorithm=algorithm, max_jobs=2,
                             hyperparameter_ranges=_RANGES[algorithm])
    request = copy.deepcopy(to_sagemaker_request(config))
    request["TrainingJobDefinition"]["StaticHyperParameters"] = dict(statics)
    return request


def _python(algorithm: str, statics: dict[str, str]):
    estimator = {"xgboost": XGBoost, "linear-learner": LinearLearner, "knn": KNN}[algorithm](role="role")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.set_hyperparameters(**statics)
    return estimator


def _both_doors(algorithm: str, statics: dict[str, str]) -> tuple[dict, dict]:
    """The static hyperparameters each door gives the engine, or the message each refuses with."""
    results = []
    for door in (lambda: _python(algorithm, statics).static_hyperparameters(),
                 lambda: dict(from_sagemaker_request(_request(algorithm, statics)).static_hyperparameters)):
        try:
            results.append(door())
        except ValidationError as error:
            results.append({"refused": str(error).split(": ", 1)[1]})  # without the door's own prefix
    return results[0], results[1]


_KNN_AWS = [spec for name, spec in get_algorithm("knn").hyperparameters.items() if name not in ("k", "weights", "distance")]
CATALOGUE = ([("xgboost", spec) for spec in XGB_CATALOGUE] + [("linear-learner", spec) for spec in LL_CATALOGUE]
             + [("knn", spec) for spec in _KNN_AWS])


@pytest.mark.parametrize("algorithm, spec", CATALOGUE, ids=[f"{a}-{s.name}" for a, s in CATALOGUE])
def test_every_catalogue_hyperparameter_is_accepted_alike_by_both_doors(algorithm, spec):
    # Values as strings, as SageMaker sends them to the container.
    statics = {spec.name: _text(spec)}
    python, json = _both_doors(algorithm, statics)
    assert "refused" not in python and python == json
    derived = spec.name in get_algorithm(algorithm).derived_from_data
    assert (spec.name in python) is not derived  # those read from the data are TuneLab's own choice


def test_python_and_json_agree_on_rate_drop_which_json_used_to_refuse():
    python, json = _both_doors("xgboost", {"booster": "dart", "rate_drop": "0.3", "skip_drop": "0.5"})
    assert python == json == {"booster": "dart", "rate_drop": 0.3, "skip_drop": 0.5}


@pytest.mark.parametrize("algorithm, name, value, aws_range", [
    # xgboost_hyperparameters: "tweedie_variance_power ... Valid values: Float. Range: (1, 2)."
    ("xgboost", "tweedie_variance_power", "2", "(1, 2)"),
    # "sketch_eps ... Valid values: Float, Range: [0, 1]." (the container: open at both ends)
    ("xgboost", "sketch_eps", "1", "(0, 1)"),
    # "rate_drop ... Valid values: Float. Range: [0.0, 1.0]."
    ("xgboost", "rate_drop", "1.5", "[0, 1]"),
    ("xgboost", "lambda_bias", "-0.1", "[0, 1]"),
    ("xgboost", "scale_pos_weight", "0", "(0, inf)"),
    ("xgboost", "max_leaves", "-1", "[0, inf)"),
    ("xgboost", "verbosity", "4", "[0, 3]"),
    ("xgboost", "num_class", "1", "[2, inf)"),
    # ll_hyperparameters: "num_classes ... Valid values: Integers from 3 to 1,000,000"
    ("linear-learner", "num_classes", "2", "[3, 1e+06]"),
    # "quantile ... Valid values: Floating-point integer between 0 and 1"
    ("linear-learner", "quantile", "1", "(0, 1)"),
    # "momentum ... Valid values: auto or a floating-point integer between 0 and 1.0"
    ("linear-learner", "momentum", "1.5", "'auto' or [0, 1)"),
    ("linear-learner", "target_precision", "1.5", "[0, 1]"),
    ("linear-learner", "positive_example_weight_mult", "-1", "'balanced' or 'auto' or (0, inf)"),
    ("linear-learner", "mini_batch_size", "0", "[1, inf)"),
])
def test_a_value_outside_the_aws_range_is_refused_alike_quoting_the_range(algorithm, name, value, aws_range):
    python, json = _both_doors(algorithm, {name: value})
    assert python == json and "refused" in python
    assert f"valid in {aws_range}" in python["refused"], python


@pytest.mark.parametrize("algorithm, statics, words", [
    ("xgboost", {"booster": "linear"}, "must be one of ['gbtree', 'gblinear', 'dart']"),
    ("xgboost", {"monotone_constraints": "(2,0)"}, "must be text such as '(0,0)'"),
    ("xgboost", {"objective": "reg:tweedie"}, "is not one TuneLab trains"),  # AWS accepts it; TuneLab cannot train it
    # learning_rate is an alias AWS's container takes (tests/test_xgboost_aliases.py); scikit-learn's n_estimators is not
    ("xgboost", {"n_estimators": "10"}, "XGBoost has no hyperparameter(s) 'n_estimators'"),
    ("linear-learner", {"loss": "cross_entropy"}, "must be one of ['auto', 'logistic'"),
    ("linear-learner", {"learning_rate": "fast"}, "must be a number (or 'auto')"),
])
def test_other_refusals_are_the_same_through_both_doors(algorithm, statics, words):
    python, json = _both_doors(algorithm, statics)
    assert python == json and words in python["refused"], python


def test_static_only_hyperparameters_take_no_range_and_the_tunable_ones_take_awss():
    xgb, linear = get_algorithm("xgboost"), get_algorithm("linear-learner")
    with pytest.raises(ValidationError, match="'rate_drop' is static only"):
        check_range(xgb, "rate_drop", ContinuousParameter(0, 1))
    # linear-learner-tuning: mini_batch_size 100..5000, use_bias [True, False], positive_example_weight_mult 1e-5..1e5
    checked = check_ranges(linear, {"mini_batch_size": IntegerParameter(100, 5000),
                                    "use_bias": CategoricalParameter([True, False]),
                                    "positive_example_weight_mult": ContinuousParameter(1e-5, 1e5)})
    assert set(checked) == {"mini_batch_size", "use_bias", "positive_example_weight_mult"}
    assert linear.hyperparameters["mini_batch_size"].default_range.describe() == IntegerParameter(100, 5000).describe()


# -- the mapped ones change the trained model, the noted ones do not ----------------------
class _Quiet:
    def report(self, step: int, value: float, train_value: float | None = None) -> bool:
        return False


def _data(problem: str) -> TrainingData:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4))
    score = x[:, 0] - 0.5 * x[:, 1] + 0.3 * x[:, 2] * x[:, 3] + rng.normal(scale=0.5, size=300)
    if problem == REGRESSION:
        y, classes = 3 + 2 * score, 0
    elif problem == BINARY:
        y, classes = (score > 0.8).astype(float), 2  # unbalanced: weights matter
    else:
        y, classes = np.digitize(score, [-0.5, 0.5]).astype(float), 3
    return TrainingData(x[:200], y[:200], x[200:], y[200:], problem, classes)


_METRICS = {BINARY: "validation:auc", MULTICLASS: "validation:accuracy", REGRESSION: "validation:rmse"}


def _outputs(algorithm: str, problem: str, statics: dict[str, str]) -> np.ndarray:
    algo, data = get_algorithm(algorithm), _data(problem)
    static = {name: algo.static_value(name, value) for name, value in statics.items()}
    resolved = algo.resolve({"num_round": 10, **static} if algorithm == "xgboost" else {"epochs": 5, **static})
    model = algo.fit(resolved, data, get_metric(_METRICS[problem], problem_type=problem), _Quiet(), seed=1)
    return algo.output(model, data.x_validation)


@pytest.mark.parametrize("algorithm, problem, statics", [
    ("xgboost", BINARY, {"scale_pos_weight": "5"}),
    ("xgboost", BINARY, {"grow_policy": "lossguide", "max_leaves": "3"}),
    ("xgboost", BINARY, {"max_bin": "4"}),
    ("xgboost", BINARY, {"tree_method": "exact"}),
    ("xgboost", BINARY, {"num_parallel_tree": "3", "subsample": "0.5"}),
    ("xgboost", REGRESSION, {"base_score": "0"}),
    ("xgboost", REGRESSION, {"monotone_constraints": "(-1,0,0,0)"}),
    ("xgboost", REGRESSION, {"interaction_constraints": "[[0],[1],[2],[3]]"}),
    ("xgboost", BINARY, {"booster": "dart", "rate_drop": "0.5"}),
    ("xgboost", BINARY, {"booster": "dart", "rate_drop": "0.5", "one_drop": "1", "sample_type": "weighted",
                         "normalize_type": "forest"}),
    ("xgboost", REGRESSION, {"booster": "gblinear"}),
    ("linear-learner", BINARY, {"use_bias": "false"}),
    ("linear-learner", BINARY, {"positive_example_weight_mult": "5"}),
    ("linear-learner", BINARY, {"positive_example_weight_mult": "balanced"}),
    ("linear-learner", MULTICLASS, {"balance_multiclass_weights": "true"}),
    ("linear-learner", REGRESSION, {"loss": "huber_loss", "huber_delta": "0.1"}),
    ("linear-learner", REGRESSION, {"loss": "absolute_loss"}),
    ("linear-learner", REGRESSION, {"loss": "eps_insensitive_squared_loss", "loss_insensitivity": "0.5"}),
    ("linear-learner", REGRESSION, {"normalize_label": "false", "learning_rate": "0.0001"}),
])
def test_the_mapped_hyperparameters_change_the_trained_model(algorithm, problem, statics):
    reference = {"learning_rate": "0.0001"} if "normalize_label" in statics else {}
    before, after = _outputs(algorithm, problem, reference), _outputs(algorithm, problem, statics)
    assert before.shape == after.shape and not np.allclose(before, after)
    assert get_algorithm(algorithm).training_notes(statics) == []  # none of them gets a "does not change" note


@pytest.mark.parametrize("algorithm, problem, statics", [
    ("xgboost", BINARY, {"sketch_eps": "0.1", "dsplit": "col", "lambda_bias": "0.5", "seed": "7",
                         "single_precision_histogram": "true", "tweedie_variance_power": "1.2"}),
    ("linear-learner", BINARY, {"optimizer": "sgd", "momentum": "0.9", "mini_batch_size": "10",
                                "init_method": "normal", "early_stopping_patience": "1", "num_models": "4"}),
])
def test_the_noted_hyperparameters_do_not_change_the_model_and_say_so(algorithm, problem, statics):
    assert np.allclose(_outputs(algorithm, problem, {}), _outputs(algorithm, problem, statics))
    notes = get_algorithm(algorithm).training_notes(statics)
    assert len(notes) == len(statics) and all("does not change training in TuneLab" in note for note in notes)


def test_the_notes_reach_the_user_through_both_doors():
    with pytest.warns(UserWarning, match=r"sketch_eps=0.1 is accepted and recorded, but does not change training"):
        XGBoost(role="role").set_hyperparameters(sketch_eps="0.1")
    config = from_sagemaker_request(_request("xgboost", {"num_round": "5", "sketch_eps": "0.1"}))
    assert config.static_hyperparameters["sketch_eps"] == 0.1  # recorded in the job
    assert any("sketch_eps=0.1" in note for note in prepare(config).notes)


def test_the_ranges_table_shows_the_tunable_ones_and_keeps_an_imported_jobs_static_only_values():
    xgb, linear = get_algorithm("xgboost"), get_algorithm("linear-learner")
    assert "tree_method" not in set(range_rows(xgb)["Hyperparameter"])  # static only: left out of the table
    assert {"mini_batch_size", "use_bias", "positive_example_weight_mult"} <= set(range_rows(linear)["Hyperparameter"])
    imported = ("xgboost", None, {"tree_method": "exact", "max_depth": 3})
    assert hidden_statics(xgb, imported) == {"tree_method": "exact"}


# -- k-NN: https://docs.aws.amazon.com/sagemaker/latest/dg/kNN_hyperparameters.html ----------
def test_knn_takes_awss_hyperparameters_and_tunes_sample_size():
    knn = get_algorithm("knn")
    # kNN-tuning: "sample_size | IntegerParameterRanges | MinValue: 256, MaxValue: 20000000"
    assert knn.hyperparameters["sample_size"].default_range.describe() == IntegerParameter(256, 20_000_000).describe()
    check_ranges(knn, {"k": IntegerParameter(1, 20), "sample_size": IntegerParameter(256, 20_000_000)})
    with pytest.raises(ValidationError, match="'index_type' is static only"):
        check_range(knn, "index_type", CategoricalParameter(["faiss.Flat", "faiss.IVFFlat"]))
    # "faiss_index_pq_m ... Valid values: One of the following positive integers: 1, 2, 3, 4, 8, ..."
    assert knn.static_value("faiss_index_pq_m", "8") == 8
    with pytest.raises(ValidationError, match="must be one of"):
        knn.static_value("faiss_index_pq_m", "5")
    assert knn.training_notes({"index_type": "faiss.IVFPQ", "k": 3}) == [
        "k-Nearest Neighbours hyperparameter index_type=faiss.IVFPQ is accepted and recorded, but does not change "
        "training in TuneLab: scikit-learn searches every sampled row exactly, as faiss.Flat does."]


@pytest.mark.parametrize("problem, statics", [
    (BINARY, {"sample_size": "20"}),
    (MULTICLASS, {"sample_size": "3"}),  # every class kept, so the probabilities keep their columns
    (REGRESSION, {"index_metric": "COSINE"}),
])
def test_knn_sample_size_and_index_metric_change_the_model(problem, statics):
    algo, data = get_algorithm("knn"), _data(problem)
    metric = get_metric(_METRICS[problem], problem_type=problem)

    def outputs(values):
        resolved = algo.resolve({"k": 3, **{n: algo.static_value(n, v) for n, v in values.items()}})
        return algo.output(algo.fit(resolved, data, metric, _Quiet(), seed=1), data.x_validation)

    before, after = outputs({}), outputs(statics)
    assert before.shape == after.shape and not np.allclose(before, after)
