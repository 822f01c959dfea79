"""The class overview's leaderboard: each student's best value on one dataset, as horizontal bars."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from tuning.visualization._common import objective_label, style


def plot_leaderboard(students: Sequence[str], values: Sequence[float], *, objective_name: str, objective_type: str,
                     dataset: str, jobs: Sequence[str] | None = None) -> go.Figure:
    """One bar per student, in the order given (best first, at the top), labelled with its value.

    ``jobs`` (each student's tuning job) shows on hover. The title says what the values are:
    each student's best, one run each (one seed, not an average).
    """
    figure = go.Figure(go.Bar(x=list(values), y=list(students), orientation="h",
                              text=[f"{value:.4g}" for value in values], textposition="auto",
                              customdata=list(jobs) if jobs is not None else None,
                              hovertemplate="%{y}: %{x:.6g}" + ("<br>%{customdata}" if jobs is not None else "")
                              + "<extra></extra>"))
    figure.update_yaxes(autorange="reversed", title=None)
    figure.update_xaxes(title=objective_label(objective_name, objective_type))
    return style(figure, f"Leaderboard on {dataset} (each student's best, one run each)")
