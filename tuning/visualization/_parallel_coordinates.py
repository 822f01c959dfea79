"""Every completed job as one line across all hyperparameters and the objective."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from tuning.visualization._common import (
    COLORSCALE,
    MAX_LINES,
    NO_COMPLETED_JOBS,
    EncodedAxis,
    empty_figure,
    finished_jobs,
    hyperparameter_names,
    is_maximize,
    log_ticks,
    objective_label,
    sample_jobs,
    sampled_note,
    short_objective_label,
    style,
)

if TYPE_CHECKING:
    from tuning.parameters import Parameter
    from tuning.records import TrainingJob

TITLE = "Parallel coordinates"


def plot_parallel_coordinates(
    jobs: Sequence[TrainingJob],
    *,
    objective_name: str,
    objective_type: str,
    ranges: Mapping[str, Parameter] | None = None,
) -> go.Figure:
    """One vertical axis per hyperparameter, the objective last; one line per completed job.

    Categorical values sit at evenly spaced positions labelled with their names. A
    Logarithmic range is drawn in ``log10`` with ticks labelled in real values (0.01, 0.03,
    0.1, ...: :func:`~tuning.visualization._common.log_ticks`), because
    parallel-coordinate axes cannot be log axes themselves. Drag along an axis to keep
    only the lines through a band (for example, the best objectives).

    Above :data:`MAX_LINES` completed jobs it draws the best ones and a random sample of
    the rest (the title says so); the colour scale still spans every job's objective.
    """
    maximize = is_maximize(objective_type)
    label = objective_label(objective_name, objective_type)
    finished = finished_jobs(jobs)
    if not finished:
        return empty_figure(TITLE, NO_COMPLETED_JOBS)
    completed = sample_jobs(finished, MAX_LINES, maximize=maximize)
    note = sampled_note(len(completed), len(finished)) if len(completed) < len(finished) else ""
    every_value = [job.final_objective_value for job in finished]
    values = [job.final_objective_value for job in completed]
    dimensions = []
    for name in hyperparameter_names(completed, ranges):
        if not all(name in job.hyperparameters for job in completed):
            continue
        dimensions.append(_dimension(EncodedAxis(name, [job.hyperparameters[name] for job in completed], ranges)))
    dimensions.append(dict(label=short_objective_label(objective_name, objective_type), values=values))
    figure = go.Figure(go.Parcoords(
        dimensions=dimensions,
        line=dict(color=values, colorscale=COLORSCALE, reversescale=not maximize, showscale=True,
                  cmin=min(every_value), cmax=max(every_value),
                  colorbar=dict(title=dict(text=objective_name, side="right"))),
        labelfont=dict(size=15), tickfont=dict(size=13), labelangle=-12, labelside="top",
    ))
    style(figure, f"{TITLE}: {label}{note}")
    figure.update_layout(margin=dict(l=100, r=100, t=140 if note else 120, b=60))
    return figure


def _dimension(axis: EncodedAxis) -> dict[str, Any]:
    if axis.categorical:
        return dict(label=axis.name, values=axis.scaled, tickvals=list(range(len(axis.categories))),
                    ticktext=[str(value) for value in axis.categories])
    if axis.log:
        low, high = float(axis.scaled.min()), float(axis.scaled.max())
        ticks, labels = log_ticks(10.0 ** low, 10.0 ** high)
        # Unlabelled ticks at both ends: plotly draws a parcoords axis only between its outer ticks.
        positions = [low, *np.log10(ticks), high]
        return dict(label=axis.title(), values=axis.scaled, tickvals=positions, ticktext=["", *labels, ""])
    return dict(label=axis.name, values=axis.scaled)
