"""k-Nearest Neighbours: predict from the k most similar training rows.

Built on scikit-learn's ``KNeighborsClassifier`` / ``KNeighborsRegressor``. There is no
training resource (nothing grows while it "trains"), so early stopping and Hyperband do
not apply: the objective is reported once, at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tuning.algorithms._base import Algorithm, FittedModel, HyperparameterSpec, TrainingData
from tuning.metrics import REGRESSION
from tuning.parameters import CategoricalParameter, IntegerParameter

if TYPE_CHECKING:
    from tuning.algorithms._base import Reporter
    from tuning.metrics import ObjectiveMetric

__all__ = ["KNearestNeighborsAlgorithm"]


class KNearestNeighborsAlgorithm(Algorithm):
    """k-NN: a vote (or mean) of the nearest training rows."""

    name = "knn"
    title = "k-Nearest Neighbours"
    summary = "Predicts from the most similar training rows: no training, slow to predict."
    needs_scaling = True
    hyperparameters = {
        spec.name: spec
        for spec in (
            HyperparameterSpec("k", 5, IntegerParameter(1, 100, "Logarithmic"),
                               "How many neighbours vote.", low=1, high=10_000, integer=True,
                               tuned_by_default=True),
            HyperparameterSpec("weights", "uniform", CategoricalParameter(["uniform", "distance"]),
                               "Equal votes, or closer neighbours count more.",
                               choices=("uniform", "distance"), tuned_by_default=True),
            HyperparameterSpec("distance", "euclidean", CategoricalParameter(["euclidean", "manhattan"]),
                               "How distance between rows is measured.",
                               choices=("euclidean", "manhattan"), tuned_by_default=True),
        )
    }
    fixed_hyperparameters = {"n_jobs": 1}
    aws_image = "382416733822.dkr.ecr.us-east-1.amazonaws.com/knn:1"
    sdk_image = ("knn", "1")
    derived_from_data = frozenset({"predictor_type", "feature_dim", "sample_size"})

    def fit(self, hyperparameters: Mapping[str, Any], data: TrainingData, metric: ObjectiveMetric,
            reporter: Reporter, *, seed: int) -> FittedModel:
        from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

        k = int(hyperparameters["k"])  # more than the training rows fails, with sklearn's message
        settings = dict(
            n_neighbors=k,
            weights=str(hyperparameters["weights"]),
            metric=str(hyperparameters["distance"]),
            **self.fixed_hyperparameters,
        )
        if data.problem_type == REGRESSION:
            model = FittedModel(KNeighborsRegressor(**settings).fit(data.x_train, data.y_train), 0)
        else:
            model = FittedModel(KNeighborsClassifier(**settings).fit(data.x_train, data.y_train), data.n_classes)
        reporter.report(1, metric(data.y_validation, self.output(model, data.x_validation)))
        return model
