"""A replayed step drawn: what the strategy knew, what it believed, and what it picked.

Three pictures of one step of :func:`tuning.explain.replay`:

- :func:`plot_surrogate_plane`: for a Bayesian step, the Gaussian process's predicted
  objective, its uncertainty and the acquisition function (log expected improvement) over
  two numeric hyperparameters, with the known jobs as dots and the step's proposals as
  stars. The other hyperparameters are held at the step's best known job (the chart says
  so), because a model of five hyperparameters has no flat picture otherwise.
- :func:`plot_surrogate_slice`: the same model along one hyperparameter, the mean with a
  band of one standard deviation, and the acquisition below it.
- :func:`plot_coverage`: for strategies without a model of the objective (Random, Grid, or
  Hyperband's start), where the points known, running and proposed lie on the plane, with
  Grid's lines: coverage is all they aim at.

Every chart is drawn on the ranges' own scaling (a Logarithmic range on log10 positions,
labelled with its values), so the picture matches how the strategy sees the space.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tuning.errors import ValidationError
from tuning.parameters import CategoricalParameter, IntegerParameter, ScalingType
from tuning.visualization._common import COLORSCALE, FONT_SIZE, empty_figure, is_maximize, log_ticks, style

if TYPE_CHECKING:
    from tuning.explain.replay import ReplayStep
    from tuning.parameters import Parameter

PLANE_POINTS = 41
"""Grid positions per axis of the plane (41 x 41 = 1,681 model predictions: well under 0.1 s)."""
SLICE_POINTS = 201
LOG_EI_SPAN = 12.0
"""The acquisition's colours and axis span this much below its best (log EI falls to -1,000
far from the good region, which would leave the rest of the picture one colour)."""
PROPOSED_COLOUR = "#d62728"
KNOWN_COLOUR = "white"
PENDING_COLOUR = "#ff7f0e"


class ScaledAxis:
    """One numeric hyperparameter as a chart axis: positions on its scaling, ticks with its values."""

    def __init__(self, name: str, parameter: Parameter, points: int) -> None:
        if isinstance(parameter, CategoricalParameter):
            raise ValidationError(f"{name} is categorical: pick a numeric hyperparameter for this chart's axes.")
        self.name, self.parameter = name, parameter
        self.log = parameter.effective_scaling is ScalingType.LOGARITHMIC
        if isinstance(parameter, IntegerParameter) and parameter.max_value - parameter.min_value < points:
            values = np.arange(parameter.min_value, parameter.max_value + 1)
        else:
            values = np.unique([parameter.from_unit(u) for u in np.linspace(0.0, 1.0, points)])
        self.values = values
        self.positions = self.position(values)

    def position(self, values: Any) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        return np.log10(values) if self.log else values

    def layout(self) -> dict[str, Any]:
        title = f"{self.name} (log scale)" if self.log else self.name
        if not self.log:
            return dict(title=title)
        ticks, labels = log_ticks(float(self.values.min()), float(self.values.max()))
        return dict(title=title, tickmode="array", tickvals=list(np.log10(ticks)), ticktext=labels)


def numeric_names(ranges: Mapping[str, Parameter]) -> list[str]:
    """The hyperparameters a plane or a slice can use as an axis."""
    return [name for name, parameter in ranges.items() if not isinstance(parameter, CategoricalParameter)]


def held_point(step: ReplayStep, ranges: Mapping[str, Parameter], objective_type: str) -> dict[str, Any]:
    """Where the hyperparameters off the chart are held: the step's best known finished job,
    else its first proposal (nothing finished yet)."""
    maximize = is_maximize(objective_type)
    finished = [(value, name) for name, value in step.known_values.items()
                if value is not None and name not in step.stopped and name in step.known_points]
    if finished:
        best = max(finished) if maximize else min(finished)
        return dict(step.known_points[best[1]])
    return dict(step.proposed[0]) if step.proposed else {name: p.from_unit(0.5) if not isinstance(
        p, CategoricalParameter) else p.values[0] for name, p in ranges.items()}


def _held_note(held: Mapping[str, Any], shown: Sequence[str]) -> str:
    others = [f"{name} = {_short(value)}" for name, value in held.items() if name not in shown]
    if not others:
        return "No other hyperparameter is tuned: this is the whole model."
    return "Other hyperparameters held at the step's best job: " + ", ".join(others)


def add_subtitle(figure: go.Figure, text: str) -> None:
    """A line under the title (what the chart holds fixed), small enough to fit at 1280 px."""
    figure.update_layout(title=dict(subtitle=dict(text=text, font=dict(size=FONT_SIZE - 2))))


def no_model_note(step: ReplayStep) -> str:
    """Why a step has no Gaussian process to draw, in two short lines (a chart's centred note)."""
    if step.proposers and all(by.startswith("TPE") for by in step.proposers):
        return "TPE made every pick at this step<br>(the line above the table says why): look into TPE."
    return "No model yet at this step: the first points<br>are spread out, before there are results to learn from."


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _points_traces(step: ReplayStep, x: ScaledAxis, y: ScaledAxis | None, *, show_legend: bool,
                   objective_name: str) -> list[go.Scatter]:
    """Known jobs (dots), running ones (crosses) and the step's proposals (stars)."""
    def coordinates(points: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
        xs = x.position([point[x.name] for point in points])
        if y is None:
            return xs, np.zeros(len(points))
        return xs, y.position([point[y.name] for point in points])

    traces = []
    known = [name for name in step.known if name in step.known_points]
    if known:
        xs, ys = coordinates([step.known_points[name] for name in known])
        text = [f"{name}<br>{objective_name} = {_value(step.known_values.get(name))}"
                f"{' (interim: stopped early)' if name in step.stopped else ''}" for name in known]
        traces.append(go.Scatter(x=xs, y=ys, mode="markers", name="known results", showlegend=show_legend,
                                 marker=dict(size=10, color=KNOWN_COLOUR, line=dict(width=2, color="black"),
                                             symbol=["diamond-open" if n in step.stopped else "circle"
                                                     for n in known]),
                                 text=text, hovertemplate="%{text}<extra></extra>"))
    if step.pending_points:
        xs, ys = coordinates(list(step.pending_points.values()))
        traces.append(go.Scatter(x=xs, y=ys, mode="markers", name="still running", showlegend=show_legend,
                                 marker=dict(size=12, color=PENDING_COLOUR, symbol="x"),
                                 text=list(step.pending_points), hovertemplate="%{text} (running)<extra></extra>"))
    if step.proposed:
        xs, ys = coordinates(step.proposed)
        text = [f"proposed by {by}" for by in step.proposers]
        traces.append(go.Scatter(x=xs, y=ys, mode="markers", name="proposed at this step", showlegend=show_legend,
                                 marker=dict(size=20, color=PROPOSED_COLOUR, symbol="star",
                                             line=dict(width=1, color="black")),
                                 text=text, hovertemplate="%{text}<extra></extra>"))
    return traces


def _value(value: float | None) -> str:
    return "failed" if value is None else f"{value:.4g}"


def plot_surrogate_plane(step: ReplayStep, ranges: Mapping[str, Parameter], x: str, y: str, *,
                         objective_name: str, objective_type: str) -> go.Figure:
    """The Gaussian process at ``step`` over ``x`` and ``y``: prediction, uncertainty, acquisition."""
    title = f"Step {step.number}: what the Gaussian process believed"
    if step.surrogate is None:
        return empty_figure(title, no_model_note(step))
    if x == y:
        raise ValidationError("pick two different hyperparameters for the plane's axes.")
    ax, ay = ScaledAxis(x, ranges[x], PLANE_POINTS), ScaledAxis(y, ranges[y], PLANE_POINTS)
    held = held_point(step, ranges, objective_type)
    grid = [{**held, x: vx, y: vy} for vy in ay.values for vx in ax.values]
    predicted = step.surrogate.predict(grid)
    shape = (len(ay.values), len(ax.values))
    better = "higher" if is_maximize(objective_type) else "lower"
    panels = (("mean", f"predicted {objective_name}", COLORSCALE if better == "higher" else COLORSCALE + "_r"),
              ("std", "uncertainty (model's std. dev.)", "Greys"),
              ("log_ei", "acquisition: log expected improvement", "Plasma"))
    figure = make_subplots(rows=1, cols=3, subplot_titles=[label for _, label, _ in panels],
                           horizontal_spacing=0.09)
    for column, (key, label, scale) in enumerate(panels, start=1):
        z = np.asarray(predicted[key]).reshape(shape)
        figure.add_trace(go.Heatmap(
            x=ax.positions, y=ay.positions, z=z, colorscale=scale,
            zmin=max(float(z.min()), float(z.max()) - LOG_EI_SPAN) if key == "log_ei" else None,
            zmax=float(z.max()) if key == "log_ei" else None,
            colorbar=dict(x=0.255 + 0.372 * (column - 1), len=0.75, thickness=12),
            hovertemplate=f"{x}=%{{x:.3g}}<br>{y}=%{{y:.3g}}<br>{label}=%{{z:.4g}}<extra></extra>",
            name=label, showscale=True), row=1, col=column)
        for trace in _points_traces(step, ax, ay, show_legend=column == 1, objective_name=objective_name):
            figure.add_trace(trace, row=1, col=column)
        figure.update_xaxes(**ax.layout(), row=1, col=column)
        figure.update_yaxes(**({**ay.layout(), "title": ay.layout()["title"] if column == 1 else None}),
                            row=1, col=column)
    style(figure, title)
    add_subtitle(figure, _held_note(held, (x, y)))
    figure.update_layout(legend=dict(orientation="h", y=-0.2, x=0.5, xanchor="center"),
                         margin=dict(l=70, r=30, t=110, b=110), height=560)
    for annotation in figure.layout.annotations[:3]:
        annotation.font.size = FONT_SIZE
    return figure


def plot_surrogate_slice(step: ReplayStep, ranges: Mapping[str, Parameter], x: str, *,
                         objective_name: str, objective_type: str) -> go.Figure:
    """The Gaussian process at ``step`` along ``x``: mean, a band of one std. dev., and the acquisition."""
    title = f"Step {step.number}: the model along {x}"
    if step.surrogate is None:
        return empty_figure(title, no_model_note(step))
    axis = ScaledAxis(x, ranges[x], SLICE_POINTS)
    held = held_point(step, ranges, objective_type)
    predicted = step.surrogate.predict([{**held, x: value} for value in axis.values])
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06)
    figure.add_trace(go.Scatter(x=axis.positions, y=predicted["high"], mode="lines", line=dict(width=0),
                                showlegend=False, hoverinfo="skip"), row=1, col=1)
    figure.add_trace(go.Scatter(x=axis.positions, y=predicted["low"], mode="lines", line=dict(width=0),
                                fill="tonexty", fillcolor="rgba(31,119,180,0.25)", name="± one std. dev.",
                                hoverinfo="skip"), row=1, col=1)
    figure.add_trace(go.Scatter(x=axis.positions, y=predicted["mean"], mode="lines", name="predicted",
                                line=dict(width=3, color="#1f77b4")), row=1, col=1)
    known = [name for name in step.known if name in step.known_points and step.known_values.get(name) is not None]
    if known:
        figure.add_trace(go.Scatter(
            x=axis.position([step.known_points[name][x] for name in known]),
            y=[step.known_values[name] for name in known], mode="markers", name="known results",
            marker=dict(size=9, color="black", symbol=["diamond-open" if n in step.stopped else "circle"
                                                         for n in known]),
            text=known, hovertemplate="%{text}: %{y:.4g}<extra></extra>"), row=1, col=1)
    figure.add_trace(go.Scatter(x=axis.positions, y=predicted["log_ei"], mode="lines", name="acquisition",
                                line=dict(width=2, color="#9467bd")), row=2, col=1)
    for point, by in zip(step.proposed, step.proposers):
        where = float(axis.position([point[x]])[0])
        for row in (1, 2):
            figure.add_vline(x=where, line=dict(color=PROPOSED_COLOUR, dash="dash"), row=row, col=1,
                             **({"annotation_text": f"proposed ({by})", "annotation_position": "top"}
                                if row == 1 else {}))
    figure.update_xaxes(**axis.layout(), row=2, col=1)
    figure.update_yaxes(title=objective_name, tickformat=".4g", row=1, col=1)
    top = float(np.max(predicted["log_ei"]))
    figure.update_yaxes(title="log EI", range=[max(float(np.min(predicted["log_ei"])), top - LOG_EI_SPAN), top + 0.5],
                        row=2, col=1)
    style(figure, title)
    add_subtitle(figure, _held_note(held, (x,)) + ". Known results sit at their own values of the others.")
    figure.update_layout(margin=dict(l=80, r=30, t=110, b=100), legend=dict(orientation="h", y=-0.18, x=0))
    return figure


def plot_coverage(step: ReplayStep, ranges: Mapping[str, Parameter], x: str, y: str, *,
                  strategy_name: str, objective_name: str, grid_points: int | Mapping[str, int] = 5) -> go.Figure:
    """Where the points known, running and proposed at ``step`` lie: coverage, with Grid's lines."""
    if x == y:
        raise ValidationError("pick two different hyperparameters for the plane's axes.")
    ax, ay = ScaledAxis(x, ranges[x], PLANE_POINTS), ScaledAxis(y, ranges[y], PLANE_POINTS)
    figure = go.Figure()
    if strategy_name == "Grid":
        for axis, vertical in ((ax, True), (ay, False)):
            count = grid_points.get(axis.name, 5) if isinstance(grid_points, Mapping) else grid_points
            for value in axis.position(axis.parameter.grid_values(count)):
                (figure.add_vline if vertical else figure.add_hline)(float(value), line=dict(color="#cccccc"))
    for trace in _points_traces(step, ax, ay, show_legend=True, objective_name=objective_name):
        figure.add_trace(trace)
    figure.update_xaxes(**ax.layout(), range=_padded(ax.positions))
    figure.update_yaxes(**ay.layout(), range=_padded(ay.positions))
    style(figure, f"Step {step.number}: where {strategy_name} has looked")
    figure.update_layout(legend=dict(orientation="h", y=-0.2, x=0.5, xanchor="center"),
                         margin=dict(l=90, r=40, t=80, b=110))
    return figure


def _padded(positions: np.ndarray) -> list[float]:
    low, high = float(positions.min()), float(positions.max())
    pad = 0.04 * (high - low or 1.0)
    return [low - pad, high + pad]

