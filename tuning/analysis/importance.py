"""Which hyperparameters matter: a random forest's share of the objective's variance.

The computation lives here, beside the other readings of finished work, because two
readers need it: the Importance chart (:func:`tuning.visualization.plot_importance`) draws
it, and the search-space lint (:mod:`tuning.explain.lint`) flags a hyperparameter with no
measurable effect. Both read the same numbers, so a bar and a finding cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tuning.errors import ValidationError
from tuning.records import TrainingJobStatus

if TYPE_CHECKING:
    from tuning.records import TrainingJob

__all__ = ["MAX_IMPORTANCE_JOBS", "MIN_IMPORTANCE_JOBS", "completed_with_value", "hyperparameter_importance"]

MIN_IMPORTANCE_JOBS = 3
MAX_IMPORTANCE_JOBS = 2000
"""Above this many completed jobs the forest learns from a random sample of them."""


def completed_with_value(jobs: Sequence[TrainingJob]) -> list[TrainingJob]:
    """The Completed jobs with a finite final objective value, by index: the ones importance learns from.

    A Stopped job's value is an interim one (where its curve was when it was stopped), so
    it is left out, as AMT's BestTrainingJob leaves it out.
    """
    def has_value(job: TrainingJob) -> bool:
        value = job.final_objective_value
        return value is not None and math.isfinite(float(value))

    return sorted((job for job in jobs if job.status == TrainingJobStatus.COMPLETED and has_value(job)),
                  key=lambda job: job.index)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def hyperparameter_importance(jobs: Sequence[TrainingJob], *, objective_type: str) -> dict[str, float]:
    """Each tuned hyperparameter's share of what explains the objective, summing to 1.

    A fANOVA-like estimate: a scikit-learn ``RandomForestRegressor`` learns the objective
    from the hyperparameters of the Completed jobs, and its impurity-based feature
    importances are the shares. A categorical hyperparameter is one-hot encoded and its
    columns' shares are added back together. With few jobs the estimate is rough: it
    says what mattered *in the jobs that ran*, not in the whole range. The result is
    ordered from most to least important. Above :data:`MAX_IMPORTANCE_JOBS` completed
    jobs the forest learns from a seeded random sample of that many: the shares barely
    move, and fitting 10,000 jobs would take seconds on a laptop. A constant objective
    (nothing explains anything) gives every hyperparameter an equal share.
    """
    if objective_type not in ("Maximize", "Minimize"):  # the direction does not change importance; check it anyway
        raise ValidationError(
            f"objective_type must be 'Maximize' or 'Minimize' (AMT's HyperParameterTuningJobObjective "
            f"Type), but got {objective_type!r}."
        )
    completed = completed_with_value(jobs)
    if len(completed) < MIN_IMPORTANCE_JOBS:
        raise ValidationError(
            f"Hyperparameter importance needs at least {MIN_IMPORTANCE_JOBS} completed training jobs "
            f"with an objective value, but got {len(completed)}. Wait for more jobs to finish, "
            f"or run a tuning job with a larger MaxNumberOfTrainingJobs."
        )
    if len(completed) > MAX_IMPORTANCE_JOBS:
        picks = np.random.default_rng(0).choice(len(completed), size=MAX_IMPORTANCE_JOBS, replace=False)
        completed = [completed[int(pick)] for pick in sorted(picks)]
    names: list[str] = []
    for job in completed:
        names.extend(name for name in job.hyperparameters if name not in names)
    names = [name for name in names if all(name in job.hyperparameters for job in completed)]
    if not names:
        raise ValidationError("These training jobs have no tuned hyperparameter in common to rank.")
    columns, owners = [], []
    for name in names:
        values = [job.hyperparameters[name] for job in completed]
        if any(not _is_number(value) for value in values if value is not None):
            dummies = pd.get_dummies(pd.Series([str(value) for value in values]), dtype=float)
            for column in dummies.columns:
                columns.append(dummies[column].to_numpy())
                owners.append(name)
        else:
            columns.append(np.asarray(values, dtype=float))
            owners.append(name)
    features = np.column_stack(columns)
    target = np.asarray([job.final_objective_value for job in completed], dtype=float)

    shares = dict.fromkeys(names, 0.0)
    if np.ptp(target) > 0:
        from sklearn.ensemble import RandomForestRegressor

        forest = RandomForestRegressor(n_estimators=100, min_samples_leaf=1, random_state=0, n_jobs=1)
        forest.fit(features, target)
        for owner, importance in zip(owners, forest.feature_importances_):
            shares[owner] += float(importance)
    total = sum(shares.values())
    if total <= 0:  # a constant objective: nothing explains anything, so nothing stands out
        return {name: 1.0 / len(names) for name in names}
    return dict(sorted(((name, share / total) for name, share in shares.items()),
                       key=lambda item: item[1], reverse=True))
