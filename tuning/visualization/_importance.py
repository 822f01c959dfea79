"""Which hyperparameters matter: a random forest's share of the objective's variance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from tuning.errors import ValidationError
from tuning.visualization._common import (
    empty_figure,
    finished_jobs,
    hyperparameter_names,
    is_categorical,
    is_maximize,
    style,
)

if TYPE_CHECKING:
    from tuning.records import TrainingJob

MIN_IMPORTANCE_JOBS = 3
MAX_IMPORTANCE_JOBS = 2000
"""Above this many completed jobs the forest learns from a random sample of them."""
TITLE = "Hyperparameter importance"


def hyperparameter_importance(jobs: Sequence[TrainingJob], *, objective_type: str) -> dict[str, float]:
    """Each tuned hyperparameter's share of what explains the objective, summing to 1.

    A fANOVA-like estimate: a scikit-learn ``RandomForestRegressor`` learns the objective
    from the hyperparameters of the Completed jobs, and its impurity-based feature
    importances are the shares. A categorical hyperparameter is one-hot encoded and its
    columns' shares are added back together. With few jobs the estimate is rough: it
    says what mattered *in the jobs that ran*, not in the whole range. The result is
    ordered from most to least important. Above :data:`MAX_IMPORTANCE_JOBS` completed
    jobs the forest learns from a seeded random sample of that many: the shares barely
    move, and fitting 10,000 jobs would take seconds on a laptop.
    """
    is_maximize(objective_type)  # the direction does not change importance; check it anyway
    completed = finished_jobs(jobs)
    if len(completed) < MIN_IMPORTANCE_JOBS:
        raise ValidationError(
            f"Hyperparameter importance needs at least {MIN_IMPORTANCE_JOBS} completed training jobs "
            f"with an objective value, but got {len(completed)}. Wait for more jobs to finish, "
            f"or run a tuning job with a larger MaxNumberOfTrainingJobs."
        )
    if len(completed) > MAX_IMPORTANCE_JOBS:
        picks = np.random.default_rng(0).choice(len(completed), size=MAX_IMPORTANCE_JOBS, replace=False)
        completed = [completed[int(pick)] for pick in sorted(picks)]
    names = [name for name in hyperparameter_names(completed)
             if all(name in job.hyperparameters for job in completed)]
    if not names:
        raise ValidationError("These training jobs have no tuned hyperparameter in common to rank.")
    columns, owners = [], []
    for name in names:
        values = [job.hyperparameters[name] for job in completed]
        if is_categorical(name, values, None):
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


def plot_importance(jobs: Sequence[TrainingJob], *, objective_name: str, objective_type: str) -> go.Figure:
    """Horizontal bars of :func:`hyperparameter_importance`, the most important on top."""
    try:
        importance = hyperparameter_importance(jobs, objective_type=objective_type)
    except ValidationError as error:
        if "objective_type" in str(error):
            raise
        return empty_figure(TITLE, str(error).split(". ")[0] + ".")
    names = list(importance)
    figure = go.Figure(go.Bar(
        x=[importance[name] for name in names], y=names, orientation="h",
        text=[f"{importance[name]:.0%}" for name in names], textposition="auto",
        hovertemplate="%{y}: %{x:.1%}<extra></extra>",
    ))
    figure.update_xaxes(title_text=f"Share of importance for {objective_name}", tickformat=".0%", range=[0, 1])
    figure.update_yaxes(title_text="Hyperparameter", autorange="reversed")
    total = len(finished_jobs(jobs))
    note = (f"<br><sup>estimated from a random {MAX_IMPORTANCE_JOBS:,} of {total:,} completed training jobs "
            "(sampled)</sup>" if total > MAX_IMPORTANCE_JOBS else "")
    style(figure, f"{TITLE} for {objective_name}{note}")
    if note:
        figure.update_layout(margin=dict(t=110))
    return figure
