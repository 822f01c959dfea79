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
    # One trace per group, curves separated by None gaps: a thousand jobs draw as two
    # traces, not a thousand (plotly's cost grows with the number of traces, not points).
    for group, stopped in ((COMPLETED_GROUP, False), (STOPPED_GROUP, True)):
        members = [job for job in curves if (job.status == TrainingJobStatus.STOPPED) == stopped]
        if not members:
            continue
        xs: list = []
        ys: list = []
        texts: list = []
        for job in members:
            reason = f" ({job.stopped_reason})" if stopped and job.stopped_reason else ""
            xs += [step for step, _ in job.intermediate_values] + [None]
            ys += [value for _, value in job.intermediate_values] + [None]
            texts += [job.name + reason] * len(job.intermediate_values) + [None]
        colour = STOPPED_COLOR if stopped else COMPLETED_COLOR
        figure.add_trace(scatter(
            x=xs, y=ys, mode="lines", connectgaps=False, opacity=0.6,
            line=dict(color=colour, width=2, dash="dash" if stopped else "solid"),
            name=group, legendgroup=group, text=texts,
            hovertemplate="%{text}<br>step %{x}: %{y:.4g}<extra>" + group + "</extra>",
        ))
        if stopped:  # an 'x' where each stopped job was stopped
            figure.add_trace(scatter(
                x=[job.intermediate_values[-1][0] for job in members],
                y=[job.intermediate_values[-1][1] for job in members],
                mode="markers", marker=dict(symbol="x", size=12, color=colour),
                name="where it was stopped", legendgroup=group, showlegend=False,
                text=[job.name for job in members],
                hovertemplate="%{text} stopped at step %{x}: %{y:.4g}<extra></extra>",
            ))
    figure.update_xaxes(title_text="Step (training resource, e.g. boosting rounds)")
    figure.update_yaxes(title_text=label)
    figure.update_layout(legend_title_text="Training jobs")
    return style(figure, f"{TITLE}: {label}")
