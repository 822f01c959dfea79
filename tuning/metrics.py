"""Objective metrics, named as SageMaker's built-in XGBoost names them.

A tuning job optimises one *objective metric*, computed on the validation channel after
every round of training (so early stopping can watch it) and at the end (the job's
``FinalObjectiveValue``). Each metric has a fixed direction: accuracy is maximised,
log loss minimised. Choosing ``validation:auc`` with ``Minimize`` would search for the
worst model, so TuneLab refuses the mismatch instead of silently obeying it.

Every metric takes the true labels (class codes ``0..k-1`` for classification, numbers
for regression) and the model's output: class probabilities, shape ``(n, k)``, for
classification; predictions, shape ``(n,)``, for regression. The scores come from
scikit-learn; this module only names them, gives them a direction, and says which
problems they apply to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn import metrics as skm

from tuning.errors import ValidationError

__all__ = [
    "MAXIMIZE",
    "MINIMIZE",
    "ObjectiveMetric",
    "get_metric",
    "metrics_for",
    "normalise_objective_type",
]

MAXIMIZE = "Maximize"
MINIMIZE = "Minimize"

BINARY = "BinaryClassification"
MULTICLASS = "MulticlassClassification"
REGRESSION = "Regression"
CLASSIFICATION = (BINARY, MULTICLASS)


def _labels(output: np.ndarray) -> np.ndarray:
    return np.asarray(output).argmax(axis=1)


def _accuracy(y: np.ndarray, output: np.ndarray) -> float:
    return float(skm.accuracy_score(y, _labels(output)))


def _error(y: np.ndarray, output: np.ndarray) -> float:
    return 1.0 - _accuracy(y, output)


def _f1(y: np.ndarray, output: np.ndarray) -> float:
    labels = _labels(output)
    if output.shape[1] == 2:
        return float(skm.f1_score(y, labels, pos_label=1, zero_division=0.0))
    return float(skm.f1_score(y, labels, average="macro", zero_division=0.0))


def _auc(y: np.ndarray, output: np.ndarray) -> float:
    if output.shape[1] == 2:
        return float(skm.roc_auc_score(y, output[:, 1]))
    return float(
        skm.roc_auc_score(y, output, multi_class="ovr", average="macro", labels=range(output.shape[1]))
    )


def _logloss(y: np.ndarray, output: np.ndarray) -> float:
    probabilities = np.clip(output, 1e-15, 1.0)
    probabilities /= probabilities.sum(axis=1, keepdims=True)  # float32 models sum to 1 +- 1e-7
    return float(skm.log_loss(y, probabilities, labels=range(output.shape[1])))


def _rmse(y: np.ndarray, output: np.ndarray) -> float:
    return float(np.sqrt(skm.mean_squared_error(y, output)))


def _mse(y: np.ndarray, output: np.ndarray) -> float:
    return float(skm.mean_squared_error(y, output))


def _mae(y: np.ndarray, output: np.ndarray) -> float:
    return float(skm.mean_absolute_error(y, output))


def _r2(y: np.ndarray, output: np.ndarray) -> float:
    return float(skm.r2_score(y, output))


@dataclass(frozen=True)
class ObjectiveMetric:
    """One objective metric: its AMT name, direction, problems, and how it is scored."""

    name: str
    direction: str
    problem_types: tuple[str, ...]
    description: str
    score: Callable[[np.ndarray, np.ndarray], float]

    @property
    def higher_is_better(self) -> bool:
        return self.direction == MAXIMIZE

    def __call__(self, y_true: np.ndarray, output: np.ndarray) -> float:
        return self.score(y_true, output)


_CATALOG: dict[str, ObjectiveMetric] = {
    metric.name: metric
    for metric in (
        ObjectiveMetric(
            "validation:accuracy", MAXIMIZE, CLASSIFICATION,
            "share of validation rows whose predicted class is right", _accuracy,
        ),
        ObjectiveMetric(
            "validation:error", MINIMIZE, CLASSIFICATION,
            "share of validation rows whose predicted class is wrong (1 - accuracy)", _error,
        ),
        ObjectiveMetric(
            "validation:f1", MAXIMIZE, CLASSIFICATION,
            "F1 of the positive class (binary) or macro-averaged F1 (multiclass)", _f1,
        ),
        ObjectiveMetric(
            "validation:auc", MAXIMIZE, CLASSIFICATION,
            "area under the ROC curve (multiclass: one-vs-rest, macro-averaged)", _auc,
        ),
        ObjectiveMetric(
            "validation:logloss", MINIMIZE, (BINARY,),
            "negative log-likelihood of the predicted probabilities", _logloss,
        ),
        ObjectiveMetric(
            "validation:mlogloss", MINIMIZE, (MULTICLASS,),
            "multiclass negative log-likelihood of the predicted probabilities", _logloss,
        ),
        ObjectiveMetric(
            "validation:merror", MINIMIZE, (MULTICLASS,),
            "multiclass error rate (1 - accuracy)", _error,
        ),
        ObjectiveMetric(
            "validation:rmse", MINIMIZE, (REGRESSION,), "root mean squared error", _rmse,
        ),
        ObjectiveMetric(
            "validation:mse", MINIMIZE, (REGRESSION,), "mean squared error", _mse,
        ),
        ObjectiveMetric(
            "validation:mae", MINIMIZE, (REGRESSION,), "mean absolute error", _mae,
        ),
        ObjectiveMetric(
            "validation:r2", MAXIMIZE, (REGRESSION,),
            "coefficient of determination (1 is perfect, 0 is predicting the mean)", _r2,
        ),
    )
}


def normalise_objective_type(value: str) -> str:
    """``maximize`` -> ``Maximize``; refuse anything but the two AMT names."""
    if isinstance(value, str) and value.strip().lower() in ("maximize", "minimize"):
        return value.strip().capitalize()
    raise ValidationError(f"objective type must be Maximize or Minimize, but got {value!r}.")


def metrics_for(problem_type: str) -> list[ObjectiveMetric]:
    """The metrics that apply to a problem type, in catalogue order."""
    return [metric for metric in _CATALOG.values() if problem_type in metric.problem_types]


def get_metric(
    name: str,
    *,
    problem_type: str | None = None,
    objective_type: str | None = None,
) -> ObjectiveMetric:
    """Look a metric up by its AMT name and check that it fits the problem and direction."""
    metric = _CATALOG.get(name.strip() if isinstance(name, str) else name)
    if metric is None:
        raise ValidationError(
            f"unknown objective metric {name!r}; known metrics are: {', '.join(_CATALOG)}."
        )
    if problem_type is not None and problem_type not in metric.problem_types:
        fitting = ", ".join(m.name for m in metrics_for(problem_type))
        raise ValidationError(
            f"objective metric {name!r} does not apply to {problem_type}; use one of: {fitting}."
        )
    if objective_type is not None:
        objective_type = normalise_objective_type(objective_type)
        if objective_type != metric.direction:
            raise ValidationError(
                f"objective metric {name!r} must be {metric.direction}d, but the objective type "
                f"is {objective_type}. Set the objective type to {metric.direction} (or leave "
                "it out: TuneLab takes the metric's own direction)."
            )
    return metric
