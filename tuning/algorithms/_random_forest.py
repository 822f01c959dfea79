"""Random Forest: many decision trees on bootstrap samples, their votes averaged.

Built on scikit-learn's ``RandomForestClassifier`` / ``RandomForestRegressor``. The
training resource is the number of trees: the forest grows in ten chunks
(``warm_start``), and the validation objective is reported after each chunk.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tuning.algorithms._base import Algorithm, FittedModel, HyperparameterSpec, TrainingData, epoch_loop
from tuning.metrics import REGRESSION
from tuning.parameters import CategoricalParameter, ContinuousParameter, IntegerParameter

if TYPE_CHECKING:
    from tuning.algorithms._base import Reporter
    from tuning.metrics import ObjectiveMetric

__all__ = ["RandomForestAlgorithm"]

_CHUNKS = 10


class RandomForestAlgorithm(Algorithm):
    """A forest of randomised decision trees (bagging)."""

    name = "random-forest"
    title = "Random Forest"
    summary = "Many deep trees on resampled rows, averaged: robust, little tuning needed."
    resource = "n_estimators"
    resource_unit = "trees"
    resource_step = "tree"
    handles_missing = False
    hyperparameters = {
        spec.name: spec
        for spec in (
            HyperparameterSpec("n_estimators", 100, IntegerParameter(10, 500),
                               "Number of trees: the training resource.", low=1, high=5000, integer=True),
            HyperparameterSpec("max_depth", 16, IntegerParameter(2, 32),
                               "Maximum depth of each tree.", low=1, high=200, integer=True,
                               tuned_by_default=True),
            HyperparameterSpec("min_samples_leaf", 1, IntegerParameter(1, 50),
                               "Fewest training rows a leaf may hold; larger smooths the model.",
                               low=1, high=100_000, integer=True, tuned_by_default=True),
            HyperparameterSpec("max_features", 0.5, ContinuousParameter(0.1, 1.0),
                               "Share of features each split may look at.", low=0.001, high=1.0,
                               tuned_by_default=True),
            HyperparameterSpec("bootstrap", "true", CategoricalParameter(["true", "false"]),
                               "Whether each tree sees a bootstrap sample of the rows.",
                               choices=("true", "false", True, False)),
        )
    }
    fixed_hyperparameters = {"n_jobs": 1}

    def fit(self, hyperparameters: Mapping[str, Any], data: TrainingData, metric: ObjectiveMetric,
            reporter: Reporter, *, seed: int) -> FittedModel:
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

        trees = int(hyperparameters["n_estimators"])
        settings = dict(
            max_depth=int(hyperparameters["max_depth"]),
            min_samples_leaf=int(hyperparameters["min_samples_leaf"]),
            max_features=float(hyperparameters["max_features"]),
            bootstrap=str(hyperparameters["bootstrap"]).lower() == "true",
            warm_start=True,
            random_state=seed,
            **self.fixed_hyperparameters,
        )
        if data.problem_type == REGRESSION:
            model = FittedModel(RandomForestRegressor(n_estimators=0, **settings), 0)
        else:
            model = FittedModel(RandomForestClassifier(n_estimators=0, **settings), data.n_classes)
        chunk = math.ceil(trees / _CHUNKS)

        def grow(step: int) -> int:
            size = min(trees, step * chunk)
            model.estimator.set_params(n_estimators=size)
            model.estimator.fit(data.x_train, data.y_train)
            return size

        return epoch_loop(self, model, grow, math.ceil(trees / chunk), data, metric, reporter)
