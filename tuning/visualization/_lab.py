"""The hyperparameter lab's chart: one small panel per value, validation solid, training dashed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tuning.job.lab_plan import show_value
from tuning.visualization._common import FONT_SIZE, empty_figure, log_axis_layout, objective_label, short_objective_label, style

__all__ = ["plot_lab_curves"]

TITLE = "One value per panel"
VALIDATION_COLOR = "#1f77b4"
TRAINING_COLOR = "#ff7f0e"
LOG_RATIO = 20.0
"""A loss whose curves span more than this ratio is drawn on a log axis, so one diverging
value does not flatten the others into a line at the bottom."""

Curve = Sequence[tuple[int, float]]


def plot_lab_curves(values: Sequence[Any], validation: Mapping[Any, Curve], *, hyperparameter: str,
                    objective_name: str, objective_type: str, step_label: str = "Step",
                    training: Mapping[Any, Curve] | None = None,
                    labels: Mapping[Any, str] | None = None) -> go.Figure:
    """Each value's validation curve (solid) and training curve (dashed, when recorded), side by side.

    The panels share their y axis, so heights compare across values; ``labels`` (the
    reading's word or two for each value, "diverges") go under each panel's value.
    """
    training = training or {}
    labels = labels or {}
    drawn = [value for value in values if validation.get(value)]
    label = objective_label(objective_name, objective_type)
    if not drawn:
        return empty_figure(TITLE, "No value has reported a point yet.")
    # Panels are narrow (five in 1,200 px): the value alone on top, a word or two under it; the
    # hyperparameter's name is in the chart's title. Longer titles ran into each other.
    titles = [f"<b>{show_value(value)}</b>" + (f"<br><sup>{labels[value]}</sup>" if labels.get(value) else "")
              for value in values]
    figure = make_subplots(rows=1, cols=len(values), shared_yaxes=True, subplot_titles=titles,
                           horizontal_spacing=0.02 if len(values) > 4 else 0.04)
    points = [v for value in drawn for curve in (validation[value], training.get(value) or ())
              for _, v in curve]
    positive = min(points) > 0
    log = objective_type == "Minimize" and positive and max(points) / min(points) > LOG_RATIO
    for column, value in enumerate(values, start=1):
        for curve, colour, dash, name in ((validation.get(value) or (), VALIDATION_COLOR, "solid", "Validation"),
                                          (training.get(value) or (), TRAINING_COLOR, "dash", "Training")):
            if not curve:
                continue
            figure.add_trace(go.Scatter(
                x=[step for step, _ in curve], y=[v for _, v in curve], mode="lines", name=name,
                line=dict(color=colour, width=2, dash=dash), legendgroup=name, showlegend=column == 1 or (
                    name == "Training" and not any(training.get(v) for v in values[:column - 1])),
                hovertemplate=f"{hyperparameter} {show_value(value)}<br>{step_label} %{{x}}: %{{y:.4g}}<extra>{name}</extra>",
            ), row=1, col=column)
        figure.update_xaxes(title_text=step_label if column == (len(values) + 1) // 2 else None, row=1, col=column)
    figure.update_yaxes(title_text=short_objective_label(objective_name, objective_type) + (" (log)" if log else ""),
                        row=1, col=1)
    if log:  # 1-3 ticks per decade: plotly's own minor digits ("2 3 4 ... 9") read as values
        figure.update_yaxes(**log_axis_layout(min(points), max(points)))
    style(figure, f"{hyperparameter}, one value per panel: {label}")
    figure.update_annotations(font_size=FONT_SIZE)
    # A legend only when there are two kinds of line; under the x axis, where no panel's title is.
    both = any(training.get(value) for value in drawn)
    figure.update_layout(height=430 if both else 400, margin=dict(t=110, b=90 if both else 50, l=80, r=20),
                         showlegend=both, legend=dict(orientation="h", y=-0.3, x=0.5, xanchor="center",
                                                      yanchor="top"))
    return figure
