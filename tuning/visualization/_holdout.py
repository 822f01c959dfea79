"""The generalisation check as a chart: each re-scored training job, validation against test.

A point on the diagonal scores the same on the test split as on validation; below it (for
a metric to maximize) validation overstated it. The validation winner is marked, so a
student sees at once whether it stays the best on rows nobody tuned on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from tuning.visualization._common import objective_label, style

if TYPE_CHECKING:
    from tuning.analysis.holdout import GeneralisationCheck

TITLE = "Generalisation check: validation against test"
WINNER_COLOUR = "#d62728"
OTHERS_COLOUR = "#1f77b4"
DIAGONAL_COLOUR = "#7f7f7f"


def plot_generalisation_check(check: GeneralisationCheck) -> go.Figure:
    """The top-k training jobs of ``check`` (:func:`tuning.analysis.holdout.generalisation_check`):
    validation objective (x) against test objective (y), a y = x diagonal, the validation
    winner marked with a star; axis titles name the metric and its direction."""
    rows = check.rows
    values = [row.validation_value for row in rows] + [row.test_value for row in rows]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or max(abs(high) * 0.02, 1e-3)
    low, high = low - pad, high + pad
    label = objective_label(check.objective_metric_name, check.objective_type)
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=[low, high], y=[low, high], mode="lines", name="test = validation",
        line=dict(color=DIAGONAL_COLOUR, dash="dash", width=2), hoverinfo="skip",
    ))
    hover = ("%{text}<br>validation %{x:.4g}<br>test %{y:.4g}"
             "<br>rank %{customdata[0]} on validation, %{customdata[1]} on test<extra></extra>")
    others = rows[1:]
    if others:
        figure.add_trace(go.Scatter(
            x=[row.validation_value for row in others], y=[row.test_value for row in others], mode="markers",
            name=f"next {len(others)} by validation", text=[row.training_job_name for row in others],
            customdata=[(row.validation_rank, row.test_rank) for row in others],
            marker=dict(size=14, color=OTHERS_COLOUR, line=dict(width=1, color="white")), hovertemplate=hover,
        ))
    winner = check.winner
    figure.add_trace(go.Scatter(
        x=[winner.validation_value], y=[winner.test_value], mode="markers",
        name=f"validation winner ({winner.training_job_name})", text=[winner.training_job_name],
        textposition="top center", customdata=[(winner.validation_rank, winner.test_rank)],
        marker=dict(size=22, symbol="star", color=WINNER_COLOUR, line=dict(width=1, color="black")),
        hovertemplate=hover,
    ))
    figure.update_xaxes(title_text=f"on the validation channel: {label}", range=[low, high], constrain="domain")
    figure.update_yaxes(title_text=f"on the test split: {label}", range=[low, high], scaleanchor="x", scaleratio=1)
    note = (f"top {len(rows)} of {check.completed} Completed training jobs by validation; "
            f"{check.test_rows:,} test rows, one seed, one split")
    style(figure, f"{TITLE}<br><sup>{note}</sup>")
    figure.update_layout(legend=dict(orientation="h", x=0, y=-0.2, yanchor="top"),
                         margin=dict(t=110, b=140), height=620)
    return figure
