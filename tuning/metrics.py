"""Objective metrics, named as SageMaker's built-ins name them.

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

Most names are SageMaker XGBoost's, and every algorithm emits them. Linear Learner's own
names (``validation:binary_f_beta``, ``validation:objective_loss``...; AWS's page
https://docs.aws.amazon.com/sagemaker/latest/dg/linear-learner-tuning.html) belong to it
alone (``algorithm="linear-learner"``), as AWS's XGBoost emits none of them. Some read a
hyperparameter (``f_beta``, ``accuracy_top_k``, ``loss``): a metric is bound to a training
job's hyperparameters with :meth:`ObjectiveMetric.bound` (they are static, so one tuning
job scores every training job alike).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

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


# -- Linear Learner's own metrics (AWS's linear-learner-tuning page) ---------------------------
def _binary_f_beta(y: np.ndarray, output: np.ndarray, f_beta: Any = 1.0) -> float:
    return float(skm.fbeta_score(y, _labels(output), beta=float(f_beta), pos_label=1, zero_division=0.0))


def _precision(y: np.ndarray, output: np.ndarray) -> float:
    return float(skm.precision_score(y, _labels(output), pos_label=1, zero_division=0.0))


def _recall(y: np.ndarray, output: np.ndarray) -> float:
    return float(skm.recall_score(y, _labels(output), pos_label=1, zero_division=0.0))


def _macro_f_beta(y: np.ndarray, output: np.ndarray, f_beta: Any = 1.0) -> float:
    return float(skm.fbeta_score(y, _labels(output), beta=float(f_beta), average="macro",
                                 labels=range(output.shape[1]), zero_division=0.0))


def _macro_precision(y: np.ndarray, output: np.ndarray) -> float:
    return float(skm.precision_score(y, _labels(output), average="macro", labels=range(output.shape[1]),
                                     zero_division=0.0))


def _macro_recall(y: np.ndarray, output: np.ndarray) -> float:
    return float(skm.recall_score(y, _labels(output), average="macro", labels=range(output.shape[1]),
                                  zero_division=0.0))


def _top_k_accuracy(y: np.ndarray, output: np.ndarray, accuracy_top_k: Any = 3) -> float:
    if int(accuracy_top_k) >= output.shape[1]:  # every class is in the top k: every row is right
        return 1.0
    return float(skm.top_k_accuracy_score(y, output, k=int(accuracy_top_k), labels=range(output.shape[1])))


def _dcg(y: np.ndarray, output: np.ndarray) -> float:
    """Gain 1 for the true class, discounted by the rank the model gives it (scikit-learn's DCG)."""
    from sklearn.preprocessing import label_binarize

    return float(skm.dcg_score(label_binarize(y, classes=range(output.shape[1])), output))


def _objective_loss(y: np.ndarray, output: np.ndarray, loss: Any = "auto", huber_delta: Any = 1.0,
                    loss_insensitivity: Any = 0.01) -> float:
    """The mean of the loss the model was trained on, as TuneLab trains ``loss``.

    Classifiers train logistic (softmax) loss whatever ``loss`` says (its note says so):
    log loss. Regression: the loss set, as :data:`tuning.algorithms._linear_learner.REGRESSION_LOSSES`
    trains it (hinge_loss and quantile_loss train squared_loss).
    """
    if np.ndim(output) == 2:
        return _logloss(y, output)
    error = np.abs(np.asarray(y, dtype=np.float64) - output)
    if loss == "absolute_loss":
        return _mae(y, output)
    if loss in ("eps_insensitive_absolute_loss", "eps_insensitive_squared_loss"):
        beyond = np.maximum(error - float(loss_insensitivity), 0.0)
        return float(np.mean(beyond if loss == "eps_insensitive_absolute_loss" else beyond ** 2))
    if loss == "huber_loss":
        delta = float(huber_delta)
        return float(np.mean(np.where(error <= delta, 0.5 * error ** 2, delta * (error - 0.5 * delta))))
    return _mse(y, output)


@dataclass(frozen=True)
class ObjectiveMetric:
    """One objective metric: its AMT name, direction, problems, and how it is scored.

    ``algorithm`` names the one algorithm that emits it (None: every one); ``uses`` names the
    hyperparameters its score reads (keyword arguments of ``score``), bound with :meth:`bound`.
    """

    name: str
    direction: str
    problem_types: tuple[str, ...]
    description: str
    score: Callable[..., float]
    algorithm: str | None = None
    uses: tuple[str, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def higher_is_better(self) -> bool:
        return self.direction == MAXIMIZE

    def bound(self, hyperparameters: Mapping[str, Any]) -> ObjectiveMetric:
        """This metric scoring with the hyperparameters it reads (``f_beta``...) taken from ``hyperparameters``."""
        if not self.uses:
            return self
        return replace(self, settings={name: hyperparameters[name] for name in self.uses
                                       if name in hyperparameters and hyperparameters[name] is not None})

    def __call__(self, y_true: np.ndarray, output: np.ndarray) -> float:
        return self.score(y_true, output, **self.settings)


_LL = "linear-learner"
_LOSS_SETTINGS = ("loss", "huber_delta", "loss_insensitivity")


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
        # Linear Learner's, as AWS's page lists them (its validation: metrics; see get_metric for test:)
        ObjectiveMetric(
            "validation:objective_loss", MINIMIZE, (BINARY, MULTICLASS, REGRESSION),
            "mean of the loss trained (log loss for classifiers; regression: the loss hyperparameter's)",
            _objective_loss, _LL, _LOSS_SETTINGS,
        ),
        ObjectiveMetric(
            "validation:binary_classification_accuracy", MAXIMIZE, (BINARY,),
            "share of validation rows whose predicted class is right", _accuracy, _LL,
        ),
        ObjectiveMetric(
            "validation:binary_f_beta", MAXIMIZE, (BINARY,),
            "F-beta of the positive class, beta the f_beta hyperparameter (1: F1)", _binary_f_beta, _LL,
            ("f_beta",),
        ),
        ObjectiveMetric(
            "validation:precision", MAXIMIZE, (BINARY,), "precision of the positive class", _precision, _LL,
        ),
        ObjectiveMetric(
            "validation:recall", MAXIMIZE, (BINARY,), "recall of the positive class", _recall, _LL,
        ),
        ObjectiveMetric(
            "validation:roc_auc_score", MAXIMIZE, (BINARY,), "area under the ROC curve", _auc, _LL,
        ),
        ObjectiveMetric(
            "validation:multiclass_accuracy", MAXIMIZE, (MULTICLASS,),
            "share of validation rows whose predicted class is right", _accuracy, _LL,
        ),
        ObjectiveMetric(
            "validation:multiclass_top_k_accuracy", MAXIMIZE, (MULTICLASS,),
            "share of rows whose class is among the model's top k, k the accuracy_top_k hyperparameter (3)",
            _top_k_accuracy, _LL, ("accuracy_top_k",),
        ),
        ObjectiveMetric(
            "validation:macro_f_beta", MAXIMIZE, (MULTICLASS,),
            "F-beta averaged over the classes, beta the f_beta hyperparameter (1: F1)", _macro_f_beta, _LL,
            ("f_beta",),
        ),
        ObjectiveMetric(
            "validation:macro_precision", MAXIMIZE, (MULTICLASS,), "precision averaged over the classes",
            _macro_precision, _LL,
        ),
        ObjectiveMetric(
            "validation:macro_recall", MAXIMIZE, (MULTICLASS,), "recall averaged over the classes",
            _macro_recall, _LL,
        ),
        ObjectiveMetric(
            "validation:dcg", MAXIMIZE, (MULTICLASS,),
            "discounted cumulative gain of the true class in the model's ranking of the classes", _dcg, _LL,
        ),
        ObjectiveMetric(
            "validation:absolute_loss", MINIMIZE, (REGRESSION,), "mean absolute error", _mae, _LL,
        ),
    )
}


def normalise_objective_type(value: str) -> str:
    """``maximize`` -> ``Maximize``; refuse anything but the two AMT names."""
    if isinstance(value, str) and value.strip().lower() in ("maximize", "minimize"):
        return value.strip().capitalize()
    raise ValidationError(f"objective type must be Maximize or Minimize, but got {value!r}.")


def metrics_for(problem_type: str, algorithm: str | None = None) -> list[ObjectiveMetric]:
    """The metrics that apply to a problem type, in catalogue order: the shared ones, and ``algorithm``'s own."""
    return [metric for metric in _CATALOG.values()
            if problem_type in metric.problem_types and metric.algorithm in (None, algorithm)]


def get_metric(
    name: str,
    *,
    problem_type: str | None = None,
    objective_type: str | None = None,
    algorithm: str | None = None,
) -> ObjectiveMetric:
    """Look a metric up by its AMT name and check that it fits the algorithm, the problem and direction.

    ``algorithm`` (a catalogue name) refuses another algorithm's own metric, as AWS refuses an
    objective its container does not emit; None skips that check.
    """
    key = name.strip() if isinstance(name, str) else name
    metric = _CATALOG.get(key)
    if metric is None and isinstance(key, str) and key.startswith("test:"):
        mirror = _CATALOG.get("validation:" + key[len("test:"):])
        if mirror is not None and (algorithm is None or mirror.algorithm in (None, algorithm)):
            raise ValidationError(
                f"objective metric {name!r} is computed on a 'test' channel, which TuneLab's tuning jobs do not "
                f"take (AWS recommends a validation metric); use {mirror.name!r}, the same score on the "
                "validation channel.")
    if metric is None:
        raise ValidationError(
            f"unknown objective metric {name!r}; known metrics are: {', '.join(_CATALOG)}."
        )
    if algorithm is not None and metric.algorithm not in (None, algorithm):
        own = (metrics_for(problem_type, algorithm) if problem_type is not None
               else [m for m in _CATALOG.values() if m.algorithm in (None, algorithm)])
        fitting = ", ".join(m.name for m in own)
        raise ValidationError(
            f"objective metric {name!r} is {metric.algorithm}'s own (AWS's {metric.algorithm} emits it), not "
            f"{algorithm}'s; use one of: {fitting}."
        )
    if problem_type is not None and problem_type not in metric.problem_types:
        fitting = ", ".join(m.name for m in metrics_for(problem_type, algorithm or metric.algorithm))
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
