"""The objective against each hyperparameter on its own, one small chart per hyperparameter."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tuning.visualization._common import (
    COLORSCALE,
    MAX_POINTS,
    NO_COMPLETED_JOBS,
    EncodedAxis,
    empty_figure,
    finished_jobs,
    hyperparameter_names,
    is_maximize,
    objective_label,
    sample_jobs,
    sampled_note,
    short_objective_label,
    scatter_class,
    style,
)

if TYPE_CHECKING:
    from tuning.parameters import Parameter
    from tuning.records import TrainingJob

TITLE = "Slice plot"
MAX_COLUMNS = 3


def plot_slice(
    jobs: Sequence[TrainingJob],
    *,
    objective_name: str,
    objective_type: str,
    ranges: Mapping[str, Parameter] | None = None,
) -> go.Figure:
    """One subplot per hyperparameter: each completed job's objective against its value.

    Markers are coloured by training job number (dark early, bright late), so a student
    sees where a strategy moved its tries. A Logarithmic range gets a log x axis and a
    categorical one a category axis; all subplots share the objective's y axis. Above
    :data:`MAX_POINTS` completed jobs each subplot draws the same best jobs and random
    sample of the rest (the title says so).
    """
    label = objective_label(objective_name, objective_type)
    every = finished_jobs(jobs)
    if not every:
        return empty_figure(TITLE, NO_COMPLETED_JOBS)
    completed = sample_jobs(every, MAX_POINTS, maximize=is_maximize(objective_type))
    names = [name for name in hyperparameter_names(completed, ranges)
             if any(name in job.hyperparameters for job in completed)]
    columns = min(len(names), MAX_COLUMNS) or 1
    rows = max(1, math.ceil(len(names) / columns))
    figure = make_subplots(rows=rows, cols=columns, shared_yaxes=True,
                           horizontal_spacing=0.04, vertical_spacing=0.18 if rows > 1 else 0.1)
    scatter = scatter_class(len(completed))
    for position, name in enumerate(names):
        row, column = position // columns + 1, position % columns + 1
        group = [job for job in completed if name in job.hyperparameters]
        axis = EncodedAxis(name, [job.hyperparameters[name] for job in group], ranges)
        figure.add_trace(scatter(
            x=axis.plotted, y=[job.final_objective_value for job in group], mode="markers", name=name,
            text=[job.name for job in group],
            marker=dict(color=[job.index + 1 for job in group], colorscale=COLORSCALE, size=10,
                        showscale=position == 0, line=dict(width=1, color="white"),
                        colorbar=dict(title=dict(text="Training job number", side="right"))),
            hovertemplate=f"%{{text}}<br>{name} %{{x}}<br>objective %{{y:.4g}}<extra></extra>",
        ), row=row, col=column)
        figure.update_xaxes(title_text=axis.title(), row=row, col=column, **axis.axis_layout())
        if column == 1:
            figure.update_yaxes(title_text=short_objective_label(objective_name, objective_type), row=row, col=column)
    note = sampled_note(len(completed), len(every)) if len(completed) < len(every) else ""
    style(figure, f"{TITLE}: {label}{note}")
    figure.update_layout(showlegend=False, height=max(450, 330 * rows))
    if note:
        figure.update_layout(margin=dict(t=110))
    return figure
