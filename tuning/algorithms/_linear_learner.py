"""Linear Learner: linear and logistic models trained by stochastic gradient descent.

A counterpart of SageMaker's built-in Linear Learner, built on scikit-learn's
``SGDClassifier`` / ``SGDRegressor``. The hyperparameter names are the Linear Learner's
(``learning_rate``, ``l1``, ``wd`` for L2 weight decay, ``epochs``); the training resource
is the epoch, one ``partial_fit`` pass over the shuffled training rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tuning.algorithms._base import (
    Algorithm,
    FittedModel,
    HyperparameterSpec,
    TrainingData,
    epoch_loop,
    scaled_regression_target,
)
from tuning.algorithms._linear_learner_catalogue import STATIC_HYPERPARAMETERS
from tuning.glossary import hyperparameter_words as _words
from tuning.metrics import BINARY, REGRESSION
from tuning.parameters import ContinuousParameter, IntegerParameter

if TYPE_CHECKING:
    from tuning.algorithms._base import Reporter
    from tuning.metrics import ObjectiveMetric

__all__ = ["LinearLearnerAlgorithm"]


REGRESSION_LOSSES: dict[str, tuple[str, str | None]] = {
    "auto": ("squared_error", None),
    "squared_loss": ("squared_error", None),
    "absolute_loss": ("epsilon_insensitive", ""),  # epsilon 0: the absolute error
    "eps_insensitive_absolute_loss": ("epsilon_insensitive", "loss_insensitivity"),
    "eps_insensitive_squared_loss": ("squared_epsilon_insensitive", "loss_insensitivity"),
    "huber_loss": ("huber", "huber_delta"),
}
"""AWS's regression losses as scikit-learn's, each with the hyperparameter that is its epsilon."""


class LinearLearnerAlgorithm(Algorithm):
    """Linear (regression) or logistic (classification) model fitted by SGD."""

    name = "linear-learner"
    title = "Linear Learner"
    summary = "A linear or logistic model trained by SGD: fast, simple, a baseline to beat."
    resource = "epochs"
    resource_unit = "epochs"
    resource_step = "epoch"
    needs_scaling = True
    aws_image = "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1"
    sdk_image = ("linear-learner", "1")
    derived_from_data = frozenset({"predictor_type", "feature_dim", "num_classes"})
    hyperparameters = {
        spec.name: spec
        for spec in (
            # AWS's tuning page's ranges (1e-5..1, 1e-7..1, 1e-7..1); the valid values are its
            # hyperparameters page's ("auto or positive", "auto or non-negative"): no upper limit.
            HyperparameterSpec("learning_rate", 0.01, ContinuousParameter(1e-5, 1.0, "Logarithmic"),
                               _words("learning rate", "SGD's initial step size", sagemaker="learning_rate"),
                               low=0, low_open=True, tuned_by_default=True, words=("auto",)),
            HyperparameterSpec("l1", 1e-6, ContinuousParameter(1e-7, 1.0, "Logarithmic"),
                               _words("regularization strength", "L1, pushes weights to exactly zero", sagemaker="l1"),
                               low=0, tuned_by_default=True, words=("auto",)),
            HyperparameterSpec("wd", 1e-4, ContinuousParameter(1e-7, 1.0, "Logarithmic"),
                               _words("regularization strength", "L2 weight decay, keeps weights small", sagemaker="wd"),
                               low=0,
                               tuned_by_default=True, words=("auto",)),
            # Not on AWS's tuning page, but the training resource (Hyperband's, early stopping's): TuneLab
            # tunes it; capped at 10,000 as XGBoost's num_round is at 100,000, so no job runs for days.
            HyperparameterSpec("epochs", 15, IntegerParameter(1, 100),
                               _words("epochs", "passes over the training data, the training resource", sagemaker="epochs"), low=1,
                               high=10_000, integer=True),
            *STATIC_HYPERPARAMETERS,  # the rest of AWS's page, in their own module
        )
    }

    def value_note(self, name: str, value: Any) -> str | None:
        """Besides the catalogue's notes: the losses and the weight scikit-learn's SGD cannot train."""
        if name == "loss" and value not in (*REGRESSION_LOSSES, "logistic", "softmax_loss"):
            return ("TuneLab's classifiers train logistic loss (they give probabilities), and regression "
                    "trains squared_loss in place of hinge_loss or quantile_loss")
        if name == "positive_example_weight_mult" and value == "auto":
            return "'auto' (the weight that scores best) is taken as 1; 'balanced' or a number changes training"
        return super().value_note(name, value)

    def fit(self, hyperparameters: Mapping[str, Any], data: TrainingData, metric: ObjectiveMetric,
            reporter: Reporter, *, seed: int) -> FittedModel:
        from sklearn.linear_model import SGDClassifier, SGDRegressor

        def number(name: str) -> float:  # AWS's "auto": TuneLab's own default
            value = hyperparameters[name]
            return float(self.hyperparameters[name].default if value == "auto" else value)

        def setting(name: str, default: Any) -> Any:  # a catalogue setting, when the caller gave it
            return str(hyperparameters.get(name, default)).lower()

        l1, wd = number("l1"), number("wd")
        common = dict(
            penalty="elasticnet",
            alpha=max(l1 + wd, 1e-12),
            l1_ratio=l1 / (l1 + wd) if l1 + wd > 0 else 0.0,
            learning_rate="invscaling",
            eta0=number("learning_rate"),
            random_state=seed,
            fit_intercept=setting("use_bias", "true") == "true",
        )
        rng = np.random.default_rng(seed)
        if data.problem_type == REGRESSION:
            target, mean, scale = scaled_regression_target(data)
            if setting("normalize_label", "auto") == "false":
                target, mean, scale = data.y_train, 0.0, 1.0
            loss, epsilon = REGRESSION_LOSSES.get(setting("loss", "auto"), ("squared_error", None))
            if epsilon is not None:
                common["epsilon"] = float(hyperparameters.get(epsilon, self.hyperparameters[epsilon].default)) if epsilon else 0.0
            model = FittedModel(SGDRegressor(loss=loss, **common), 0, mean, scale)
            partial_fit = model.estimator.partial_fit
        else:
            target = data.y_train
            weight = hyperparameters.get("positive_example_weight_mult", 1.0)
            balanced = (weight == "balanced" if data.problem_type == BINARY
                        else setting("balance_multiclass_weights", "false") == "true")
            if balanced:  # partial_fit takes weights, not "balanced": computed once, from the training rows
                from sklearn.utils.class_weight import compute_class_weight

                present = np.unique(target)
                weights = compute_class_weight("balanced", classes=present, y=target)
                common["class_weight"] = {int(c): float(w) for c, w in zip(present, weights)}
            elif data.problem_type == BINARY and weight not in ("auto", 1.0, 1):
                common["class_weight"] = {0: 1.0, 1: float(weight)}
            model = FittedModel(SGDClassifier(loss="log_loss", **common), data.n_classes)
            classes = np.arange(data.n_classes)

            def partial_fit(x: np.ndarray, y: np.ndarray) -> None:
                model.estimator.partial_fit(x, y, classes=classes)

        def one_epoch(epoch: int) -> int:
            order = rng.permutation(len(target))
            partial_fit(data.x_train[order], target[order])
            return epoch

        return epoch_loop(self, model, one_epoch, int(hyperparameters["epochs"]), data, metric, reporter)
