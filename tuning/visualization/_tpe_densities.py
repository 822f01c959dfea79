"""TPE at a replayed step: where the good and the bad results lie along one hyperparameter.

TPE does not model the objective; it models *where* results were good and where they were
bad, and picks where good/bad is highest. The top panel draws both densities (Optuna's
own, see :mod:`tuning.strategies._tpe_view`), with the known jobs as ticks coloured by
the side they fell on; the bottom panel draws the log of their ratio, the quantity TPE
maximises, with this step's TPE proposals marked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tuning.parameters import CategoricalParameter, IntegerParameter
from tuning.visualization._common import FONT_SIZE, empty_figure, style
from tuning.visualization._replay import PROPOSED_COLOUR, SLICE_POINTS, ScaledAxis, add_subtitle

if TYPE_CHECKING:
    from tuning.explain.replay import ReplayStep
    from tuning.parameters import Parameter

GOOD_COLOUR = "#2ca02c"
BAD_COLOUR = "#d62728"


def plot_tpe_densities(step: ReplayStep, ranges: Mapping[str, Parameter], name: str) -> go.Figure:
    """TPE's good and bad densities of ``name`` at ``step``, and their log ratio."""
    title = f"Step {step.number}: where TPE saw good and bad results along {name}"
    if step.tpe is None:
        return empty_figure(title, "No TPE at this step.")
    parameter = ranges[name]
    if isinstance(parameter, CategoricalParameter):
        return empty_figure(title, f"{name} is categorical: pick a numeric hyperparameter.")
    axis = ScaledAxis(name, parameter, SLICE_POINTS)
    values = [int(v) if isinstance(parameter, IntegerParameter) else float(v) for v in axis.values]
    densities = step.tpe.densities(name, values)
    good, bad = step.tpe.split()
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.07)
    for key, colour, label in (("good", GOOD_COLOUR, f"good results' density ({len(good)})"),
                               ("bad", BAD_COLOUR, f"bad results' density ({len(bad)}, running ones counted bad)")):
        figure.add_trace(go.Scatter(x=axis.positions, y=densities[key], mode="lines", name=label,
                                    line=dict(width=3, color=colour)), row=1, col=1)
    for points, colour, label in ((good, GOOD_COLOUR, "a good result"), (bad, BAD_COLOUR, "a bad result")):
        located = [point[name] for point in points if name in point]
        if located:
            figure.add_trace(go.Scatter(x=axis.position(located), y=np.zeros(len(located)), mode="markers",
                                        marker=dict(symbol="line-ns-open", size=16, color=colour, line=dict(width=2)),
                                        name=label, showlegend=False, hovertemplate=f"{label}: %{{x}}<extra></extra>"),
                             row=1, col=1)
    figure.add_trace(go.Scatter(x=axis.positions, y=densities["log_ratio"], mode="lines",
                                name="log(good / bad): what TPE maximises", line=dict(width=2, color="#9467bd")),
                     row=2, col=1)
    for point, by in zip(step.proposed, step.proposers):
        if by.startswith("TPE") or by == "Hyperband":
            figure.add_vline(x=float(axis.position([point[name]])[0]), row=2, col=1,
                             line=dict(color=PROPOSED_COLOUR, dash="dash"),
                             annotation_text="proposed by TPE", annotation_position="top")
    figure.update_xaxes(**axis.layout(), row=2, col=1)
    figure.update_yaxes(title="density", row=1, col=1)
    figure.update_yaxes(title="log ratio", row=2, col=1)
    style(figure, title)
    note = ("The other hyperparameters are summed over (each density's marginal). "
            + ("TPE picked with these densities." if step.tpe.in_use else
               "TPE was still in its random start-up: these are the densities it would use, not yet what picked."))
    add_subtitle(figure, note)
    figure.update_layout(margin=dict(l=80, r=30, t=110, b=100), legend=dict(orientation="h", y=-0.18, x=0),
                         font=dict(size=FONT_SIZE))
    return figure
