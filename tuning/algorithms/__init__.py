"""The catalogue of built-in algorithms.

>>> from tuning.algorithms import get_algorithm
>>> get_algorithm("xgboost").resource
'num_round'
"""

from __future__ import annotations

from tuning.algorithms._base import Algorithm, FittedModel, HyperparameterSpec, Reporter, TrainingData
from tuning.algorithms._knn import KNearestNeighborsAlgorithm
from tuning.algorithms._linear_learner import LinearLearnerAlgorithm
from tuning.algorithms._mlp import MultilayerPerceptronAlgorithm
from tuning.algorithms._random_forest import RandomForestAlgorithm
from tuning.algorithms._xgboost import XGBoostAlgorithm
from tuning.errors import ValidationError

__all__ = [
    "Algorithm",
    "FittedModel",
    "HyperparameterSpec",
    "Reporter",
    "TrainingData",
    "get_algorithm",
    "list_algorithms",
]

_CATALOG: dict[str, Algorithm] = {
    algorithm.name: algorithm
    for algorithm in (
        XGBoostAlgorithm(),
        LinearLearnerAlgorithm(),
        RandomForestAlgorithm(),
        KNearestNeighborsAlgorithm(),
        MultilayerPerceptronAlgorithm(),
    )
}


def list_algorithms() -> list[Algorithm]:
    """Every built-in algorithm, XGBoost first."""
    return list(_CATALOG.values())


def get_algorithm(name: str) -> Algorithm:
    """The algorithm called ``name`` (case-insensitive); unknown names list the known ones."""
    algorithm = _CATALOG.get(str(name).strip().lower())
    if algorithm is None:
        raise ValidationError(
            f"unknown algorithm {name!r}; built-in algorithms are: {', '.join(_CATALOG)}."
        )
    return algorithm
