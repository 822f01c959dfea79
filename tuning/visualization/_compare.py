"""Best-so-far curves of several tuning jobs on one chart (Grid vs Random vs Bayesian)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from tuning.visualization._common import (
    NO_COMPLETED_JOBS,
    empty_figure,
    finished_jobs,
    is_maximize,
    objective_label,
    running_best,
    scatter_class,
    style,
)

if TYPE_CHECKING:
    from tuning.records import TrainingJob

TITLE = "Best objective so far, by tuning job"


def plot_compare_best_so_far(
    runs: Mapping[str, Sequence[TrainingJob]], *, objective_name: str, objective_type: str
) -> go.Figure:
    """One running-best step line per tuning job, named in the legend.

    ``runs`` maps a tuning job's name to its training jobs. The curves are drawn against
    the training job number, so strategies with the same budget compare point by point.
    """
    maximize = is_maximize(objective_type)
    label = objective_label(objective_name, objective_type)
    curves = {name: finished_jobs(jobs) for name, jobs in runs.items()}
    curves = {name: jobs for name, jobs in curves.items() if jobs}
    if not curves:
        return empty_figure(TITLE, NO_COMPLETED_JOBS)
    scatter = scatter_class(sum(len(jobs) for jobs in curves.values()))
    figure = go.Figure()
    for name, jobs in curves.items():
        figure.add_trace(scatter(
            x=[job.index + 1 for job in jobs],
            y=running_best([job.final_objective_value for job in jobs], maximize),
            mode="lines", name=name, line=dict(shape="hv", width=3),
            hovertemplate="after job %{x}: best %{y:.4g}<extra>" + name + "</extra>",
        ))
    figure.update_xaxes(title_text="Training job number")
    figure.update_yaxes(title_text=label)
    figure.update_layout(legend_title_text="Tuning job")
    return style(figure, f"{TITLE}: {label}")
