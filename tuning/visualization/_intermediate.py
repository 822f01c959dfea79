"""Learning curves: each training job's intermediate objective, and where it was stopped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from tuning.records import TrainingJobStatus
from tuning.visualization._common import (
    empty_figure,
    is_maximize,
    objective_label,
    scatter_class,
    style,
)

if TYPE_CHECKING:
    from tuning.records import TrainingJob

TITLE = "Intermediate values"
COMPLETED_GROUP = "Completed"
STOPPED_GROUP = "Stopped early"
COMPLETED_COLOR = "#1f77b4"
STOPPED_COLOR = "#d62728"


def plot_intermediate_values(jobs: Sequence[TrainingJob], *, objective_name: str, objective_type: str) -> go.Figure:
    """One line per training job: its objective after each step of training.

    Completed jobs are solid lines. Jobs stopped early (by AMT-style early stopping or
    by Hyperband) are dashed and end in an ``x`` at the step where they were stopped:
    the chart shows how soon the weak ones were cut and how much training that saved.
    The legend has one entry per group; clicking it hides or shows the whole group.
    """
    is_maximize(objective_type)
    label = objective_label(objective_name, objective_type)
    curves = sorted(
        (job for job in jobs
         if job.status in (TrainingJobStatus.COMPLETED, TrainingJobStatus.STOPPED) and job.intermediate_values),
        key=lambda job: job.index,
    )
    if not curves:
        return empty_figure(TITLE, "No completed or stopped training job has reported intermediate values yet.")
    scatter = scatter_class(sum(len(job.intermediate_values) for job in curves))
    figure = go.Figure()
    shown: set[str] = set()
    for job in curves:
        stopped = job.status == TrainingJobStatus.STOPPED
        group = STOPPED_GROUP if stopped else COMPLETED_GROUP
        steps = [step for step, _ in job.intermediate_values]
        values = [value for _, value in job.intermediate_values]
        line = dict(color=STOPPED_COLOR if stopped else COMPLETED_COLOR, width=2,
                    dash="dash" if stopped else "solid")
        if stopped:
            # Only the last point gets a marker: the 'x' where the job was stopped.
            marker = dict(symbol="x", size=[0] * (len(steps) - 1) + [14], color=STOPPED_COLOR)
            mode = "lines+markers"
        else:
            marker = None
            mode = "lines"
        reason = f" ({job.stopped_reason})" if stopped and job.stopped_reason else ""
        figure.add_trace(scatter(
            x=steps, y=values, mode=mode, line=line, marker=marker, opacity=0.75,
            name=group, legendgroup=group, showlegend=group not in shown,
            text=[job.name] * len(steps),
            hovertemplate="%{text}<br>step %{x}: %{y:.4g}<extra>" + group + reason + "</extra>",
        ))
        shown.add(group)
    figure.update_xaxes(title_text="Step (training resource, e.g. boosting rounds)")
    figure.update_yaxes(title_text=label)
    figure.update_layout(legend_title_text="Training jobs")
    return style(figure, f"{TITLE}: {label}")
