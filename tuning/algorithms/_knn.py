"""k-Nearest Neighbours: predict from the k most similar training rows.

Built on scikit-learn's ``KNeighborsClassifier`` / ``KNeighborsRegressor``. There is no
training resource (nothing grows while it "trains"), so early stopping and Hyperband do
not apply: the objective is reported once, at the end.

Besides TuneLab's own ``weights`` and ``distance``, every hyperparameter of AWS's page
https://docs.aws.amazon.com/sagemaker/latest/dg/kNN_hyperparameters.html is accepted; its
tuning page (kNN-tuning.html) makes ``k`` and ``sample_size`` (256 to 20,000,000) tunable.
``sample_size`` (rows sampled from the training data) and ``index_metric`` change the
model; the FAISS index and dimension-reduction settings carry a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tuning.algorithms._base import Algorithm, FittedModel, HyperparameterSpec, TrainingData
from tuning.metrics import REGRESSION
from tuning.parameters import CategoricalParameter, IntegerParameter

if TYPE_CHECKING:
    from tuning.algorithms._base import Reporter
    from tuning.metrics import ObjectiveMetric

__all__ = ["KNearestNeighborsAlgorithm"]


_EXACT = "scikit-learn searches every sampled row exactly, as faiss.Flat does"
_METRICS = {"L2": "euclidean", "COSINE": "cosine"}
"""AWS's index_metric as scikit-learn's metric (INNER_PRODUCT is not a distance scikit-learn takes)."""


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
            HyperparameterSpec("sample_size", None, IntegerParameter(256, 20_000_000),
                               "Training rows sampled to search (empty: every row).", low=1, integer=True),
            HyperparameterSpec("index_metric", "L2", None, "AWS's distance: L2 (euclidean), COSINE or "
                               "INNER_PRODUCT; when set, it decides the distance.",
                               choices=("L2", "INNER_PRODUCT", "COSINE")),
            HyperparameterSpec("index_type", "faiss.Flat", None, "The FAISS index type.",
                               choices=("faiss.Flat", "faiss.IVFFlat", "faiss.IVFPQ"), note=_EXACT),
            HyperparameterSpec("faiss_index_ivf_nlists", "auto", None, "Centroids of an IVF index.", low=1,
                               integer=True, words=("auto",), note=_EXACT),
            HyperparameterSpec("faiss_index_pq_m", None, None, "Vector sub-components of an IVFPQ index.",
                               choices=(1, 2, 3, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 96), note=_EXACT),
            HyperparameterSpec("dimension_reduction_type", None, None, "Dimension reduction: sign (random "
                               "projection) or fjlt.", choices=("sign", "fjlt"),
                               note="TuneLab searches the features as they are"),
            HyperparameterSpec("dimension_reduction_target", None, None, "Dimension to reduce to.", low=1,
                               integer=True, note="TuneLab searches the features as they are"),
            HyperparameterSpec("mini_batch_size", 5000, None, "Observations per mini-batch of the data iterator.",
                               low=1, integer=True, note="the training rows are read at once"),
            HyperparameterSpec("predictor_type", "classifier", None, "classifier or regressor.",
                               choices=("classifier", "regressor"), note="read from the data"),
            HyperparameterSpec("feature_dim", None, None, "Number of features.", low=1, integer=True,
                               note="read from the data"),
        )
    }
    fixed_hyperparameters = {"n_jobs": 1}
    aws_image = "382416733822.dkr.ecr.us-east-1.amazonaws.com/knn:1"
    sdk_image = ("knn", "1")
    derived_from_data = frozenset({"predictor_type", "feature_dim"})

    def value_note(self, name: str, value: Any) -> str | None:
        """INNER_PRODUCT is AWS's, not scikit-learn's: the distance hyperparameter decides then."""
        if name == "index_metric" and value == "INNER_PRODUCT":
            return "scikit-learn's neighbours take no inner product; the distance hyperparameter decides"
        return super().value_note(name, value)

    def fit(self, hyperparameters: Mapping[str, Any], data: TrainingData, metric: ObjectiveMetric,
            reporter: Reporter, *, seed: int) -> FittedModel:
        from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

        k = int(hyperparameters["k"])  # more than the training rows fails, with sklearn's message
        index_metric = hyperparameters.get("index_metric", "L2")
        settings = dict(
            n_neighbors=k,
            weights=str(hyperparameters["weights"]),
            metric=_METRICS.get(index_metric, str(hyperparameters["distance"])) if index_metric != "L2"
            else str(hyperparameters["distance"]),
            **self.fixed_hyperparameters,
        )
        x, y = data.x_train, data.y_train
        sample_size = hyperparameters.get("sample_size")
        if sample_size is not None and int(sample_size) < len(y):  # AWS's reservoir sample of the training rows
            rows = np.random.default_rng(seed).choice(len(y), size=int(sample_size), replace=False)
            if data.problem_type != REGRESSION:  # every class kept, so probabilities have a column for each
                missing = sorted(set(np.unique(y)) - set(np.unique(y[rows])))
                rows = np.concatenate([rows, [int(np.flatnonzero(y == label)[0]) for label in missing]])
            rows = np.sort(rows).astype(int)
            x, y = x[rows], y[rows]
        if data.problem_type == REGRESSION:
            model = FittedModel(KNeighborsRegressor(**settings).fit(x, y), 0)
        else:
            model = FittedModel(KNeighborsClassifier(**settings).fit(x, y), data.n_classes)
        reporter.report(1, metric(data.y_validation, self.output(model, data.x_validation)))
        return model
