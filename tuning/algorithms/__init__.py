"""The catalogue of built-in algorithms.

>>> from tuning.algorithms import get_algorithm
>>> get_algorithm("xgboost").resource
'num_round'

An algorithm's facts live on its class (its own module beside this file): hyperparameters,
metrics, training resource, and how SageMaker knows it (image, SDK name, the statics AWS's
container wants). A new built-in algorithm is that module plus one entry in
:data:`BUILT_IN_ALGORITHMS`; one from elsewhere (a course's own, a test's) is added with
:func:`register_algorithm`, and the Create page, the SageMaker JSON, the SDK code and the
estimators see it at once.
"""

from __future__ import annotations

from tuning.algorithms._base import (
    Algorithm,
    FittedModel,
    HyperparameterSpec,
    Reporter,
    TRAINING_CURVE_ROWS,
    TrainingData,
    image_repository,
)
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
    "TRAINING_CURVE_ROWS",
    "TrainingData",
    "BUILT_IN_ALGORITHMS",
    "get_algorithm",
    "image_repository",
    "list_algorithms",
    "register_algorithm",
    "unregister_algorithm",
]

BUILT_IN_ALGORITHMS: tuple[Algorithm, ...] = (
    XGBoostAlgorithm(),
    LinearLearnerAlgorithm(),
    RandomForestAlgorithm(),
    KNearestNeighborsAlgorithm(),
    MultilayerPerceptronAlgorithm(),
)
"""The registry of built-in algorithms, XGBoost first: a new one is its own module plus one entry here."""
_CATALOG: dict[str, Algorithm] = {algorithm.name: algorithm for algorithm in BUILT_IN_ALGORITHMS}


def register_algorithm(algorithm: Algorithm) -> Algorithm:
    """Add ``algorithm`` to the catalogue (after the built-ins), so every part of TuneLab offers it.

    Its name and its image repositories must be new: a SageMaker request names the
    algorithm by its image, so two algorithms with one image could not be told apart.
    """
    name = algorithm.name
    if not name or name != name.strip().lower():
        raise ValidationError(f"an algorithm's name must be lower-case and non-blank, such as 'my-knn', but got {name!r}.")
    if name in _CATALOG:
        raise ValidationError(f"there is an algorithm called {name!r} already; give the new one its own name.")
    for other in _CATALOG.values():
        shared = (set(algorithm.image_repositories()) | {name}) & (set(other.image_repositories()) | {other.name})
        if shared:
            raise ValidationError(
                f"algorithm {name!r} has the image repository {sorted(shared)[0]!r}, which is "
                f"{other.name!r}'s; give it its own aws_image (or none: it is then tunelab/{name}:latest).")
    _CATALOG[name] = algorithm
    return algorithm


def unregister_algorithm(name: str) -> None:
    """Take a registered algorithm out again; the built-in ones stay."""
    if any(algorithm.name == name for algorithm in BUILT_IN_ALGORITHMS):
        raise ValidationError(f"{name!r} is a built-in algorithm; only registered ones can be taken out.")
    _CATALOG.pop(name, None)


def list_algorithms() -> list[Algorithm]:
    """Every algorithm: the built-ins, XGBoost first, then the registered ones."""
    return list(_CATALOG.values())


def get_algorithm(name: str) -> Algorithm:
    """The algorithm called ``name`` (case-insensitive); unknown names list the known ones."""
    algorithm = _CATALOG.get(str(name).strip().lower())
    if algorithm is None:
        raise ValidationError(
            f"unknown algorithm {name!r}; built-in algorithms are: {', '.join(_CATALOG)}."
        )
    return algorithm
