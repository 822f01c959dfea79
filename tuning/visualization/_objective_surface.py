"""The objective over two hyperparameters: the tried points and a surface between them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from tuning.errors import ValidationError
from tuning.records import TrainingJobStatus
from tuning.visualization._common import (
    BEST_LINES,
    COLORSCALE,
    FONT_SIZE,
    MAX_POINTS,
    NO_COMPLETED_JOBS,
    EncodedAxis,
    empty_figure,
    finished_jobs,
    hyperparameter_names,
    is_maximize,
    objective_label,
    sample_jobs,
    scatter_class,
    style,
)
from tuning.visualization._surface_fit import MIN_FIT_POINTS, fitted_surface

if TYPE_CHECKING:
    from tuning.parameters import Parameter
    from tuning.records import TrainingJob

TITLE = "Objective surface"
GRID_POINTS = 60
MIN_SURFACE_POINTS = MIN_FIT_POINTS
"""Completed jobs at different points the fitted surface needs (``_surface_fit`` says why)."""
MAX_INTERPOLATED_POINTS = 1000
"""Above this many jobs the surface is each grid cell's mean objective, not a fitted guess."""
MAX_STOPPED_POINTS = MAX_POINTS // 4
"""Stopped jobs drawn at most (a seeded random sample above it)."""
COMPLETED_NAME = "completed (final value)"
STOPPED_NAME = "stopped early (interim value)"


def plot_objective_surface(
    jobs: Sequence[TrainingJob],
    x: str,
    y: str,
    *,
    objective_name: str,
    objective_type: str,
    ranges: Mapping[str, Parameter] | None = None,
) -> go.Figure:
    """Finished jobs placed by two hyperparameters, over a surface fitted to the completed ones.

    Completed jobs are circles coloured by their final objective (bright is best, for both
    objective types). Stopped jobs are grey open diamonds: early stopping ended them at an
    interim value, worse than they would have reached, so that value is in their hover text
    but neither in the colour scale nor in the surface. Failed jobs have no value: left out.

    With at least :data:`MIN_SURFACE_POINTS` completed jobs at different points, a faint
    contour layer is a Gaussian process fitted to them (``_surface_fit.py`` says why) over
    the whole rectangle of the two ranges, in each range's own scale (``log10`` for a
    Logarithmic range). It is a guide to where the good region lies, not a measurement:
    only the markers are training jobs. With fewer, the figure says how many it needs.

    Above :data:`MAX_INTERPOLATED_POINTS` completed jobs the layer is the mean objective of
    the jobs in each cell of a 60 x 60 grid (one cell per value of an integer or
    categorical hyperparameter), and the title says so: with that many, the cell means
    show the landscape measured rather than guessed. Above :data:`MAX_POINTS` jobs the
    markers are the best ones and a random sample of the rest; the shading and the colour
    scale still count every job.
    """
    maximize = is_maximize(objective_type)
    names = hyperparameter_names(jobs, ranges)
    if x == y:
        raise ValidationError(
            f"x and y must be two different hyperparameters, but both are {x!r}. "
            f"Pick two of: {', '.join(names) or '(none)'}."
        )
    for axis, name in (("x", x), ("y", y)):
        if names and name not in names:
            raise ValidationError(
                f"{axis}={name!r} is not a tuned hyperparameter of these training jobs. "
                f"Pick one of: {', '.join(names)}."
            )
    label = objective_label(objective_name, objective_type)
    finished = [job for job in finished_jobs(jobs, include_stopped=True)
                if x in job.hyperparameters and y in job.hyperparameters]
    if not finished:
        return empty_figure(f"{TITLE}: {x} × {y}", NO_COMPLETED_JOBS)
    # One encoding of every finished job, so that completed and stopped markers share the axes.
    x_axis = EncodedAxis(x, [job.hyperparameters[x] for job in finished], ranges)
    y_axis = EncodedAxis(y, [job.hyperparameters[y] for job in finished], ranges)
    row = {job.index: k for k, job in enumerate(finished)}
    completed = [job for job in finished if job.status == TrainingJobStatus.COMPLETED]
    stopped = [job for job in finished if job.status == TrainingJobStatus.STOPPED]
    rows = np.asarray([row[job.index] for job in completed], dtype=int)
    values = np.asarray([job.final_objective_value for job in completed], dtype=float)
    x_span, y_span = x_axis.bounds(), y_axis.bounds()

    figure = go.Figure()
    binned = len(completed) > MAX_INTERPOLATED_POINTS
    if binned:
        surface, missing = _binned_surface(x_axis.scaled[rows], y_axis.scaled[rows], values), None
    else:
        surface, missing = _surface(x_axis, y_axis, rows, values, x_span, y_span)
    if surface is not None:
        grid_x, grid_y, grid_z = surface
        figure.add_trace(go.Contour(
            x=x_axis.to_plotted(grid_x), y=y_axis.to_plotted(grid_y), z=grid_z,
            colorscale=COLORSCALE, reversescale=not maximize, showscale=False, showlegend=False,
            zmin=float(values.min()), zmax=float(values.max()),
            opacity=0.55, contours=dict(showlines=False),
            name="mean per cell" if binned else "fitted surface", hoverinfo="skip", connectgaps=False,
        ))
    drawn = sample_jobs(completed, MAX_POINTS, maximize=maximize)
    if drawn:
        drawn_rows = np.asarray([row[job.index] for job in drawn], dtype=int)
        figure.add_trace(scatter_class(len(drawn))(
            x=x_axis.plotted[drawn_rows], y=y_axis.plotted[drawn_rows], mode="markers", name=COMPLETED_NAME,
            text=[job.name for job in drawn],
            # Each trace carries its own colour scale: a shared ``coloraxis`` clashes with the
            # template's contour scale in plotly.js, which then never finishes drawing.
            marker=dict(color=[job.final_objective_value for job in drawn], colorscale=COLORSCALE,
                        reversescale=not maximize, cmin=float(values.min()), cmax=float(values.max()),
                        size=12, line=dict(width=1, color="white"), showscale=True,
                        colorbar=dict(title=dict(text=label, side="right"))),
            hovertemplate=f"%{{text}}<br>{x} %{{x}}<br>{y} %{{y}}<br>objective %{{marker.color:.4g}}<extra></extra>",
        ))
    shown = sample_jobs(stopped, MAX_STOPPED_POINTS, maximize=maximize, best=0)
    if shown:
        shown_rows = np.asarray([row[job.index] for job in shown], dtype=int)
        figure.add_trace(scatter_class(len(shown))(
            x=x_axis.plotted[shown_rows], y=y_axis.plotted[shown_rows], mode="markers",
            name=STOPPED_NAME if len(shown) == len(stopped)
            else f"{STOPPED_NAME}: {len(shown):,} of {len(stopped):,} (sampled)",
            text=[job.name for job in shown], customdata=[job.final_objective_value for job in shown],
            marker=dict(symbol="diamond-open", size=11, color="#444444", line=dict(width=2)),
            hovertemplate=(f"%{{text}}<br>{x} %{{x}}<br>{y} %{{y}}<br>stopped early: interim value "
                           "%{customdata:.4g}<extra></extra>"),
        ))
    figure.update_layout(showlegend=True, legend=dict(orientation="h", x=0, y=1.0, xanchor="left",
                                                      yanchor="bottom", bgcolor="rgba(255,255,255,0.7)"))
    figure.update_xaxes(title_text=x_axis.title(), range=_axis_range(x_axis, x_span), **x_axis.axis_layout(x_span))
    figure.update_yaxes(title_text=y_axis.title(), range=_axis_range(y_axis, y_span), **y_axis.axis_layout(y_span))
    if missing:
        figure.add_annotation(text=missing, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                              font=dict(size=FONT_SIZE), bgcolor="rgba(255,255,255,0.85)",
                              bordercolor="#999999", borderwidth=1, borderpad=8)
    parts = []
    if len(drawn) < len(completed):
        parts.append(f"{len(drawn):,} of {len(completed):,} jobs drawn (sampled): the best {BEST_LINES} "
                     "and a random sample of the rest")
    if binned and surface is not None:
        parts.append(f"the shading is the mean objective per grid cell of all {len(completed):,}")
    note = f"<br><sup>{'; '.join(parts)}</sup>" if parts else ""
    style(figure, f"{TITLE}: {objective_name} over {x} × {y}{note}")
    figure.update_layout(margin=dict(t=140 if note else 120))  # room for the legend under the title
    return figure


def _axis_range(axis: EncodedAxis, span: tuple[float, float]) -> list[float]:
    """The axis over the whole searched range, with room for the markers at its ends.

    In scaled space, which is also what plotly takes for a log axis's range (``log10`` units).
    """
    low, high = span
    pad = 0.5 if axis.categorical else 0.03 * ((high - low) or 1.0)
    return [low - pad, high + pad]


def _surface(
    x_axis: EncodedAxis, y_axis: EncodedAxis, rows: np.ndarray, values: np.ndarray,
    x_span: tuple[float, float], y_span: tuple[float, float],
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray] | None, str | None]:
    """The fitted surface over the rectangle ``x_span`` x ``y_span`` (scaled space), or why not.

    Returns ``((grid_x, grid_y, z), None)``, or ``(None, the sentence the figure shows)``.
    """
    points = np.column_stack([x_axis.scaled[rows], y_axis.scaled[rows]])
    distinct = len({tuple(point) for point in points})
    if distinct < MIN_SURFACE_POINTS:
        where = " at different points" if distinct < len(points) else ""
        return None, (f"The surface needs at least {MIN_SURFACE_POINTS} completed training jobs{where}; "
                      f"there {'is' if distinct == 1 else 'are'} {distinct}.<br>Only the jobs are drawn "
                      "(a stopped job's interim value does not count).")
    for axis, column in ((x_axis, 0), (y_axis, 1)):
        if np.ptp(points[:, column]) == 0:
            return None, (f"Every completed training job has the same {axis.name}, so there is no "
                          f"surface over {axis.name} to fit: only the jobs are drawn.")
    grid_x, grid_y = _grid(x_axis, x_span), _grid(y_axis, y_span)
    low = np.asarray([x_span[0], y_span[0]])
    size = np.asarray([x_span[1] - x_span[0], y_span[1] - y_span[0]])
    size[size == 0] = 1.0
    # Both axes scaled to [0, 1], so that the fit's length scales are not skewed by units.
    z = fitted_surface((points - low) / size, values, (grid_x - low[0]) / size[0], (grid_y - low[1]) / size[1])
    return (grid_x, grid_y, z), None


def _grid(axis: EncodedAxis, span: tuple[float, float]) -> np.ndarray:
    """Where the surface is evaluated along one axis: at each category, or evenly."""
    if axis.categorical:
        return np.arange(len(axis.categories), dtype=float)
    return np.linspace(span[0], span[1], GRID_POINTS)


def _cells(scaled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bin edges and centres along one axis: one bin per distinct value if there are few."""
    distinct = np.unique(scaled)
    if len(distinct) <= GRID_POINTS:
        middles = (distinct[:-1] + distinct[1:]) / 2
        half = (distinct[-1] - distinct[0]) / (2 * max(1, len(distinct) - 1))
        return np.concatenate([[distinct[0] - half], middles, [distinct[-1] + half]]), distinct
    edges = np.linspace(distinct[0], distinct[-1], GRID_POINTS + 1)
    return edges, (edges[:-1] + edges[1:]) / 2


def _binned_surface(
    x_scaled: np.ndarray, y_scaled: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Each grid cell's mean objective in scaled space (NaN where no job fell), or None."""
    if np.ptp(x_scaled) == 0 or np.ptp(y_scaled) == 0:
        return None
    (x_edges, x_centres), (y_edges, y_centres) = _cells(x_scaled), _cells(y_scaled)
    sums, _, _ = np.histogram2d(x_scaled, y_scaled, bins=[x_edges, y_edges], weights=values)
    counts, _, _ = np.histogram2d(x_scaled, y_scaled, bins=[x_edges, y_edges])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
    return x_centres, y_centres, means.T  # plotly's z is indexed [y][x]
