"""XGBoost, with the hyperparameters and recommended ranges of SageMaker's built-in XGBoost.

The ranges are those of AWS's "Tune an XGBoost model" table; the defaults are XGBoost's
own (``num_round`` has no default in SageMaker, where it is required: TuneLab uses 100).
The training resource is the boosting round: early stopping and Hyperband look at the
validation objective after every round; the training channel's objective (on a fixed sample
of its rows, :func:`~tuning.algorithms._base.training_sample`) is reported beside it.

The valid domains (``valid=``) are those of AWS's XGBoost hyperparameters page, so every
range AWS accepts is accepted: ``eta``, ``subsample`` and ``colsample_*`` in [0, 1] (AWS's
examples tune ``ContinuousParameter(0, 1)``), ``max_depth`` from 0 with no upper limit. A
value at the end of its domain trains as XGBoost itself trains it: ``eta=0`` grows trees
whose weights are all shrunk to 0 (the model stays at its base score), ``colsample_*=0``
still samples one column (XGBoost keeps at least one), ``subsample=0`` grows empty trees.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tuning.algorithms._base import (Algorithm, FittedModel, HyperparameterSpec, TrainingData, training_sample,
                                     training_score)
from tuning.algorithms._xgboost_catalogue import STATIC_HYPERPARAMETERS, TRAINED
from tuning.errors import ValidationError
from tuning.glossary import hyperparameter_words as _words
from tuning.metrics import BINARY, MULTICLASS, REGRESSION
from tuning.parameters import ContinuousParameter, IntegerParameter

if TYPE_CHECKING:
    from tuning.algorithms._base import Reporter
    from tuning.metrics import ObjectiveMetric

__all__ = ["XGBoostAlgorithm"]

_MAX_REPORTS = 200
"""At most this many rounds are scored on the validation set; see ``_report_every``."""

_NATIVE_TRAIN_METRICS: dict[tuple[str, str], tuple[str, Any]] = {
    (BINARY, "validation:auc"): ("auc", None),
    (BINARY, "validation:logloss"): ("logloss", None),
    (BINARY, "validation:error"): ("error", None),
    (BINARY, "validation:accuracy"): ("error", lambda error: 1.0 - error),
    (MULTICLASS, "validation:mlogloss"): ("mlogloss", None),
    (MULTICLASS, "validation:merror"): ("merror", None),
    (MULTICLASS, "validation:error"): ("merror", None),
    (MULTICLASS, "validation:accuracy"): ("merror", lambda error: 1.0 - error),
    (REGRESSION, "validation:rmse"): ("rmse", None),
    (REGRESSION, "validation:mse"): ("rmse", lambda rmse: rmse * rmse),
    (REGRESSION, "validation:mae"): ("mae", None),
}
"""The training channel's objective as XGBoost's own eval metric computes it, where it has one.

Why: scikit-learn's metric costs a few milliseconds of input checks per call whatever the
rows, so scoring the training sample with it after every round made a 100-round job on
bank-marketing 1.48x slower (bench/results/training-curves.md); XGBoost's C++ metric on
the same rows costs microseconds. It is also what AWS's container reports as
``train:<metric>``: XGBoost's own. The validation objective stays TuneLab's (scikit-learn's),
the number the strategy and the pruners judge. F1, R² and multiclass AUC, which XGBoost
does not compute alike, keep scikit-learn's on the sample."""


def _spec(name: str, default: Any, low: float, high: float, description: str, *,
          tuned: bool = False, integer: bool = False, valid: tuple[float | None, float | None]) -> HyperparameterSpec:
    parameter = IntegerParameter(int(low), int(high)) if integer else ContinuousParameter(low, high)
    return HyperparameterSpec(
        name, default, parameter, description, low=valid[0], high=valid[1],
        tuned_by_default=tuned, integer=integer,
    )


_HYPERPARAMETERS = {
    spec.name: spec
    for spec in (
        _spec("alpha", 0.0, 0, 1000, _words("regularization strength", "L1, on leaf weights", sagemaker="alpha"), valid=(0, None)),
        _spec("colsample_bylevel", 1.0, 0.1, 1, "Share of columns sampled for each tree level.", valid=(0, 1)),
        _spec("colsample_bynode", 1.0, 0.1, 1, "Share of columns sampled for each split.", valid=(0, 1)),
        _spec("colsample_bytree", 1.0, 0.5, 1, "Share of columns sampled for each tree.", tuned=True, valid=(0, 1)),
        _spec("eta", 0.3, 0.1, 0.5, _words("learning rate", "how much each new tree corrects the previous ones", sagemaker="eta"), tuned=True, valid=(0, 1)),
        _spec("gamma", 0.0, 0, 5, "Minimum loss reduction needed to split a leaf.", valid=(0, None)),
        _spec("lambda", 1.0, 0, 1000, _words("regularization strength", "L2, on leaf weights", sagemaker="lambda"), valid=(0, None)),
        _spec("max_delta_step", 0.0, 0, 10, "Cap on each leaf's weight change (helps with imbalanced classes).", valid=(0, None)),
        _spec("max_depth", 6, 0, 10, "Maximum depth of a tree (0: no limit). Deeper trees fit more, and overfit more.", tuned=True, integer=True, valid=(0, None)),
        _spec("min_child_weight", 1.0, 0, 120, "Minimum sum of instance weight (hessian) in a child; larger is more conservative.", tuned=True, valid=(0, None)),
        _spec("num_round", 100, 1, 4000, _words("epochs", "boosting rounds (trees), the training resource", sagemaker="num_round"), integer=True, valid=(1, 100_000)),
        _spec("subsample", 1.0, 0.5, 1, "Share of training rows sampled for each tree.", tuned=True, valid=(0, 1)),
    )
}
_HYPERPARAMETERS.update((spec.name, spec) for spec in STATIC_HYPERPARAMETERS)  # AWS's static-only ones

_OBJECTIVES = {
    "binary:logistic": BINARY, "binary:logitraw": BINARY,
    "multi:softprob": MULTICLASS, "multi:softmax": MULTICLASS,
    "reg:squarederror": REGRESSION, "reg:linear": REGRESSION,
}
"""The SageMaker XGBoost objectives an estimator may name, by the problem type each is for."""


class XGBoostAlgorithm(Algorithm):
    """Gradient-boosted trees (XGBoost), as SageMaker's built-in XGBoost algorithm."""

    name = "xgboost"
    title = "XGBoost"
    summary = "Gradient-boosted decision trees: strong on tables, the usual first choice."
    resource = "num_round"
    resource_unit = "boosting rounds"
    resource_step = "round"
    handles_missing = True
    model_file = "model.ubj"
    hyperparameters = _HYPERPARAMETERS
    fixed_hyperparameters = {"tree_method": "hist", "nthread": 1}
    aws_image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    aws_image_aliases = ("xgboost",)
    sdk_image = ("xgboost", "1.7-1")
    derived_from_data = frozenset({"objective", "eval_metric", "num_class"})
    hyperparameter_aliases = {"learning_rate": "eta", "min_split_loss": "gamma", "reg_lambda": "lambda",
                              "reg_alpha": "alpha"}
    """The aliases AWS's container declares (aws/sagemaker-xgboost-container,
    algorithm_mode/hyperparameter_validation.py: ``declare_alias("eta", "learning_rate")``...)."""

    def check_decided(self, name: str, value: Any) -> Any:
        """Only the objectives TuneLab trains (AWS's container accepts more)."""
        if name == "objective" and value not in _OBJECTIVES:
            raise ValidationError(
                f"hyperparameter objective={value!r} is not one TuneLab trains; use one of "
                f"{', '.join(_OBJECTIVES)} (or leave it out: TuneLab picks it from the data)."
            )
        return value

    def check_decided_problem(self, decided: Mapping[str, Any], problem_type: str) -> None:
        """An ``objective`` set on the estimator must be for the data's problem type."""
        objective = decided.get("objective")
        if objective is not None and _OBJECTIVES[objective] != problem_type:
            raise ValidationError(
                f"hyperparameter objective={objective!r} is for {_OBJECTIVES[objective]}, but the "
                f"train channel is {problem_type}. Fix the objective or the data (TuneLab picks the "
                "objective from the data, so leaving it out works too)."
            )

    def _params(self, hyperparameters: Mapping[str, Any], data_problem: str, n_classes: int, seed: int) -> dict[str, Any]:
        # The tunable ones always; AWS's static-only ones in TRAINED only when set (their AWS
        # defaults are XGBoost's, and base_score unset lets XGBoost estimate it); the rest
        # do not change training here (each spec's note says why).
        params = {name: value for name, value in hyperparameters.items()
                  if name != "num_round" and name in self.hyperparameters and self.hyperparameters[name].tunable}
        params["max_depth"] = int(params["max_depth"])
        params.update(self.fixed_hyperparameters)
        params.update({name: value for name, value in hyperparameters.items()
                       if name in TRAINED and value != self.hyperparameters[name].default})
        if params["tree_method"] in ("auto", "gpu_hist"):  # auto is hist in XGBoost 2; no GPU here
            params["tree_method"] = "hist"
        params.update(seed=seed, disable_default_eval_metric=1, verbosity=0)
        if data_problem == BINARY:
            params["objective"] = "binary:logistic"
        elif data_problem == MULTICLASS:
            params.update(objective="multi:softprob", num_class=n_classes)
        else:
            params["objective"] = "reg:squarederror"
        return params

    def fit(self, hyperparameters: Mapping[str, Any], data: TrainingData, metric: ObjectiveMetric,
            reporter: Reporter, *, seed: int) -> FittedModel:
        import xgboost as xgb

        rounds = int(hyperparameters["num_round"])
        every = max(1, math.ceil(rounds / _MAX_REPORTS))
        dtrain = xgb.DMatrix(data.x_train, label=data.y_train)
        dvalid = xgb.DMatrix(data.x_validation, label=data.y_validation)
        x_sample, y_sample = training_sample(data)
        # The training channel is an eval set too (AWS's container logs train:<metric> the same
        # way): XGBoost keeps its predictions up to date round by round, as it does validation's.
        dsample = dtrain if len(y_sample) == len(data.y_train) else xgb.DMatrix(x_sample, label=y_sample)
        n_classes = data.n_classes
        native, from_native = _NATIVE_TRAIN_METRICS.get((data.problem_type, metric.name), (None, None))
        truth = {id(dvalid): data.y_validation, id(dsample): y_sample}
        seen: dict[int, int] = {}

        def score(predictions: np.ndarray, matrix: Any) -> tuple[str, float]:
            # XGBoost keeps each eval set's predictions up to date round by round, so
            # scoring here costs one metric call, not a fresh prediction over all trees.
            # Only every ``every``-th round (and the last) is scored, so a 4,000-round job
            # does not spend its time in metric calls; the others log NaN. Called once per
            # eval set and round: each set counts its own rounds.
            key = id(matrix)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] % every and seen[key] != rounds:
                return "objective", math.nan
            if key != id(dvalid) and native is not None:  # the training value is XGBoost's own metric (above)
                return "objective", math.nan
            output = _as_output(predictions, n_classes)
            if key == id(dvalid):
                return "objective", metric(truth[key], output)
            train_value = training_score(metric, truth[key], output)
            return "objective", math.nan if train_value is None else train_value

        class _Report(xgb.callback.TrainingCallback):
            def after_iteration(self, model: Any, epoch: int, evals_log: dict) -> bool:
                value = evals_log["validation"]["objective"][-1]
                if math.isnan(value):
                    return False
                if math.isinf(value):
                    raise FloatingPointError(f"the objective became {value} at round {epoch + 1}")
                train_value = evals_log["train"][native][-1] if native else evals_log["train"]["objective"][-1]
                if native and from_native is not None:
                    train_value = from_native(train_value)
                return bool(reporter.report(epoch + 1, float(value),
                                            train_value=float(train_value) if math.isfinite(train_value) else None))

        params = self._params(hyperparameters, data.problem_type, n_classes, seed)
        if native:
            params["eval_metric"] = native
        booster = xgb.train(
            params,
            dtrain,
            num_boost_round=rounds,
            evals=[(dsample, "train"), (dvalid, "validation")],
            custom_metric=score,
            callbacks=[_Report()],
            verbose_eval=False,
        )
        return FittedModel(booster, n_classes)

    def output(self, model: FittedModel, x: np.ndarray) -> np.ndarray:
        import xgboost as xgb

        predictions = model.estimator.predict(xgb.DMatrix(x))
        return _as_output(predictions, model.n_classes)

    def dump(self, model: FittedModel) -> bytes:
        # XGBoost's own UBJSON format: a data file, never code (unlike pickle).
        return bytes(model.estimator.save_raw(raw_format="ubj"))

    def load(self, blob: bytes, *, n_classes: int, target_mean: float, target_scale: float) -> FittedModel:
        import xgboost as xgb

        booster = xgb.Booster()
        booster.load_model(bytearray(blob))
        return FittedModel(booster, n_classes, target_mean, target_scale)


def _as_output(predictions: np.ndarray, n_classes: int) -> np.ndarray:
    """XGBoost's predictions as :mod:`tuning.metrics` expects them."""
    predictions = np.asarray(predictions, dtype=np.float64)
    if n_classes == 2 and predictions.ndim == 1:
        return np.column_stack([1.0 - predictions, predictions])
    if n_classes > 2:
        return predictions.reshape(len(predictions), n_classes)
    return predictions
