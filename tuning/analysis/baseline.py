"""The score to beat: what the objective metric gives a model that learnt nothing.

A validation accuracy of 0.887 looks good until one learns that 88.7% of bank-marketing's
clients said "no": a model that always answers "no" scores exactly that. So every tuning
job computes, on its own validation channel, the objective of the simplest model that
ignores the features, and the dashboard draws it beside every score: for classification
the class shares of the training channel (scikit-learn's ``DummyClassifier(strategy=
"prior")``: its labels are the majority class, its probabilities the shares, so accuracy
is the majority's share and AUC 0.5); for regression the training mean (``DummyRegressor``).

The runner records it in the stored configuration's RunRecord
(:func:`baseline_for_job` reads it back); jobs recorded before TuneLab kept it have none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.dummy import DummyClassifier, DummyRegressor

from tuning.job.config import RUN_RECORD
from tuning.metrics import REGRESSION

if TYPE_CHECKING:
    from tuning.algorithms import TrainingData
    from tuning.metrics import ObjectiveMetric
    from tuning.records import TuningJob

__all__ = ["IMBALANCE_SHARE", "Baseline", "baseline_for_job", "compute_baseline", "imbalance_hint"]

IMBALANCE_SHARE = 0.75
"""Above this majority-class share, accuracy mostly measures the class balance."""


@dataclass(frozen=True)
class Baseline:
    """The objective of a model that ignores the features, and what that model does."""

    value: float
    description: str
    """For a person: "always predicting the majority class 'no'"."""

    def to_json(self) -> dict[str, Any]:
        return {"Value": self.value, "Description": self.description}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Baseline:
        return cls(float(data["Value"]), str(data["Description"]))


def compute_baseline(metric: ObjectiveMetric, data: TrainingData, classes: list[Any] | None = None) -> Baseline:
    """The baseline of ``metric`` on ``data``'s validation channel (encoded as the runner encodes it)."""
    x_train = np.zeros((len(data.y_train), 1))
    x_validation = np.zeros((len(data.y_validation), 1))
    if data.problem_type == REGRESSION:
        model = DummyRegressor(strategy="mean").fit(x_train, data.y_train)
        value = metric(data.y_validation, model.predict(x_validation))
        return Baseline(float(value), f"always predicting the training mean, {float(model.constant_[0][0]):.4g}")
    model = DummyClassifier(strategy="prior").fit(x_train, data.y_train)
    # One column per class code 0..k-1, also for a class the training channel lacks.
    probabilities = np.zeros((len(data.y_validation), data.n_classes))
    probabilities[:, model.classes_] = model.predict_proba(x_validation)
    value = metric(data.y_validation, probabilities)
    majority = int(model.classes_[np.argmax(model.class_prior_)])
    label = classes[majority] if classes and majority < len(classes) else majority
    return Baseline(float(value), f"always predicting the majority class '{label}'")


def baseline_for_job(job: TuningJob) -> Baseline | None:
    """The baseline a tuning job recorded when it ran, or ``None`` (recorded before TuneLab kept it)."""
    recorded = (job.config.get(RUN_RECORD) or {}).get("Baseline")
    try:
        return None if not recorded else Baseline.from_json(recorded)
    except (KeyError, TypeError, ValueError):
        return None


def imbalance_hint(metric_name: str, target: pd.Series, problem_type: str) -> str | None:
    """One line towards AUC or F1 when accuracy is chosen on data a majority class dominates."""
    if problem_type == REGRESSION or metric_name not in ("validation:accuracy", "validation:error"):
        return None
    shares = target.value_counts(normalize=True, dropna=True)
    if shares.empty or shares.iloc[0] <= IMBALANCE_SHARE:
        return None
    return (f"{shares.iloc[0]:.1%} of the rows are '{shares.index[0]}', so always answering '{shares.index[0]}' "
            f"already scores an accuracy of {shares.iloc[0]:.3f}: validation:auc (how well the model ranks the "
            "classes) or validation:f1 (the minority class found, and found correctly) tell models apart better.")
