"""The objective of each training job in launch order, and the best found so far."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from tuning.records import TrainingJobStatus
from tuning.visualization._common import (
    MAX_POINTS,
    NO_COMPLETED_JOBS,
    add_baseline,
    empty_figure,
    finished_jobs,
    is_maximize,
    objective_label,
    running_best,
    sample_jobs,
    sampled_note,
    scatter_class,
    style,
)

if TYPE_CHECKING:
    from tuning.analysis.baseline import Baseline
    from tuning.records import TrainingJob

TITLE = "Best objective so far"


def plot_best_so_far(jobs: Sequence[TrainingJob], *, objective_name: str, objective_type: str,
                     baseline: Baseline | None = None) -> go.Figure:
    """Each job's objective against its number, and the running best as a step line.

    Completed jobs are circles, Stopped jobs (stopped early, with the value they had
    reached: an interim value, not a score) are crosses. The running best counts Completed
    jobs only, as AMT's BestTrainingJob does: it rises (Maximize) or falls (Minimize), never
    goes back, and runs on to the last finished job. ``baseline`` (:mod:`tuning.analysis.baseline`)
    is drawn as a dotted line.

    Above :data:`MAX_POINTS` finished jobs the markers are the best jobs and a random
    sample of the rest (the title says so), while the best-so-far line still counts
    every job, drawn through the jobs where it moved.
    """
    maximize = is_maximize(objective_type)
    label = objective_label(objective_name, objective_type)
    plotted = finished_jobs(jobs, include_stopped=True)
    completed = [job for job in plotted if job.status == TrainingJobStatus.COMPLETED]
    if not plotted:
        return empty_figure(TITLE, NO_COMPLETED_JOBS)
    every = plotted
    plotted = sample_jobs(every, MAX_POINTS, maximize=maximize)
    sampled = len(plotted) < len(every)
    scatter = scatter_class(len(plotted))
    figure = go.Figure()
    for status, name, symbol in (
        (TrainingJobStatus.COMPLETED, "Completed", "circle"),
        (TrainingJobStatus.STOPPED, "Stopped early (interim value)", "x"),
    ):
        group = [job for job in plotted if job.status == status]
        if not group:
            continue
        figure.add_trace(scatter(
            x=[job.index + 1 for job in group],
            y=[job.final_objective_value for job in group],
            text=[job.name for job in group],
            mode="markers", name=name,
            marker=dict(symbol=symbol, size=10, opacity=0.8),
            hovertemplate="%{text}<br>objective %{y:.4g}<extra>" + name + "</extra>",
        ))
    if completed:
        steps = [job.index + 1 for job in completed]
        best = running_best([job.final_objective_value for job in completed], maximize)
        last = max(job.index + 1 for job in every)
        if last > steps[-1]:  # carried on through the stopped jobs after the last completed one
            steps, best = [*steps, last], [*best, best[-1]]
        if sampled:  # only where the best moved, and the last job: the same step line, few points
            keep = [k for k in range(len(best)) if k == 0 or best[k] != best[k - 1] or k == len(best) - 1]
            steps, best = [steps[k] for k in keep], [best[k] for k in keep]
        figure.add_trace(scatter(
            x=steps,
            y=best,
            mode="lines", name="Best so far", line=dict(shape="hv", width=3),
            hovertemplate="after job %{x}: best %{y:.4g}<extra></extra>",
        ))
    figure.update_xaxes(title_text="Training job number")
    figure.update_yaxes(title_text=label)
    note = sampled_note(len(plotted), len(every), more="; the line counts all") if sampled else ""
    style(figure, f"{TITLE}: {label}{note}")
    if note:
        figure.update_layout(margin=dict(t=110))
    return add_baseline(figure, baseline)
