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
from tuning.metrics import REGRESSION
from tuning.parameters import ContinuousParameter, IntegerParameter

if TYPE_CHECKING:
    from tuning.algorithms._base import Reporter
    from tuning.metrics import ObjectiveMetric

__all__ = ["LinearLearnerAlgorithm"]


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
            HyperparameterSpec("learning_rate", 0.01, ContinuousParameter(1e-4, 1.0, "Logarithmic"),
                               "Initial step size of SGD.", low=1e-8, high=10, tuned_by_default=True),
            HyperparameterSpec("l1", 1e-6, ContinuousParameter(1e-7, 1.0, "Logarithmic"),
                               "L1 regularisation: pushes weights to exactly zero.", low=0, high=100,
                               tuned_by_default=True),
            HyperparameterSpec("wd", 1e-4, ContinuousParameter(1e-7, 1.0, "Logarithmic"),
                               "Weight decay (L2 regularisation): keeps weights small.", low=0, high=100,
                               tuned_by_default=True),
            HyperparameterSpec("epochs", 15, IntegerParameter(1, 100),
                               "Passes over the training data: the training resource.", low=1,
                               high=10_000, integer=True),
        )
    }

    def fit(self, hyperparameters: Mapping[str, Any], data: TrainingData, metric: ObjectiveMetric,
            reporter: Reporter, *, seed: int) -> FittedModel:
        from sklearn.linear_model import SGDClassifier, SGDRegressor

        l1, wd = float(hyperparameters["l1"]), float(hyperparameters["wd"])
        common = dict(
            penalty="elasticnet",
            alpha=max(l1 + wd, 1e-12),
            l1_ratio=l1 / (l1 + wd) if l1 + wd > 0 else 0.0,
            learning_rate="invscaling",
            eta0=float(hyperparameters["learning_rate"]),
            random_state=seed,
        )
        rng = np.random.default_rng(seed)
        if data.problem_type == REGRESSION:
            target, mean, scale = scaled_regression_target(data)
            model = FittedModel(SGDRegressor(**common), 0, mean, scale)
            partial_fit = model.estimator.partial_fit
        else:
            target = data.y_train
            model = FittedModel(SGDClassifier(loss="log_loss", **common), data.n_classes)
            classes = np.arange(data.n_classes)

            def partial_fit(x: np.ndarray, y: np.ndarray) -> None:
                model.estimator.partial_fit(x, y, classes=classes)

        def one_epoch(epoch: int) -> int:
            order = rng.permutation(len(target))
            partial_fit(data.x_train[order], target[order])
            return epoch

        return epoch_loop(self, model, one_epoch, int(hyperparameters["epochs"]), data, metric, reporter)
