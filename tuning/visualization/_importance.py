"""Which hyperparameters matter, as bars: the shares :func:`tuning.analysis.importance.hyperparameter_importance` computes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from tuning.analysis.importance import MAX_IMPORTANCE_JOBS, MIN_IMPORTANCE_JOBS, hyperparameter_importance
from tuning.errors import ValidationError
from tuning.visualization._common import empty_figure, finished_jobs, style

if TYPE_CHECKING:
    from tuning.records import TrainingJob

__all__ = ["MAX_IMPORTANCE_JOBS", "MIN_IMPORTANCE_JOBS", "TITLE", "hyperparameter_importance", "plot_importance"]

TITLE = "Hyperparameter importance"


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
