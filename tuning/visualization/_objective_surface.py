"""The objective over two hyperparameters: the tried points and a surface between them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from tuning.errors import ValidationError
from tuning.visualization._common import (
    BEST_LINES,
    COLORSCALE,
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

if TYPE_CHECKING:
    from tuning.parameters import Parameter
    from tuning.records import TrainingJob

TITLE = "Objective surface"
GRID_POINTS = 60
MIN_SURFACE_POINTS = 4
MAX_INTERPOLATED_POINTS = 1000
"""Above this many jobs the surface is each grid cell's mean objective, not an interpolation."""


def plot_objective_surface(
    jobs: Sequence[TrainingJob],
    x: str,
    y: str,
    *,
    objective_name: str,
    objective_type: str,
    ranges: Mapping[str, Parameter] | None = None,
) -> go.Figure:
    """Completed jobs placed by two hyperparameters and coloured by their objective.

    With at least four distinct points, a contour layer interpolates the objective
    between them (linearly, by ``scipy.interpolate.griddata``, in the range's own scale:
    ``log10`` for a Logarithmic range). It is a guide to where the good region lies, not
    a measurement: only the markers are real training jobs. The colour scale runs from
    worst to best (bright is best) for both objective types.

    Above :data:`MAX_INTERPOLATED_POINTS` jobs the layer is the mean objective of the jobs
    in each cell of a 60 x 60 grid (one cell per value of an integer or categorical
    hyperparameter), and the title says so: triangulating 10,000 points takes seconds,
    and with that many the cell means show the same landscape, measured rather than guessed.
    Above :data:`MAX_POINTS` jobs the markers are the best ones and a random sample of the
    rest; the shading and the colour scale still count every job.
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
    completed = [job for job in finished_jobs(jobs) if x in job.hyperparameters and y in job.hyperparameters]
    if not completed:
        return empty_figure(f"{TITLE}: {x} × {y}", NO_COMPLETED_JOBS)
    x_axis = EncodedAxis(x, [job.hyperparameters[x] for job in completed], ranges)
    y_axis = EncodedAxis(y, [job.hyperparameters[y] for job in completed], ranges)
    values = np.asarray([job.final_objective_value for job in completed], dtype=float)

    figure = go.Figure()
    binned = len(completed) > MAX_INTERPOLATED_POINTS
    surface = _binned_surface(x_axis, y_axis, values) if binned else _surface(x_axis, y_axis, values)
    if surface is not None:
        grid_x, grid_y, grid_z = surface
        figure.add_trace(go.Contour(
            x=x_axis.to_plotted(grid_x), y=y_axis.to_plotted(grid_y), z=grid_z,
            colorscale=COLORSCALE, reversescale=not maximize, showscale=False,
            zmin=float(values.min()), zmax=float(values.max()),
            opacity=0.55, contours=dict(showlines=False),
            name="mean per cell" if binned else "interpolated", hoverinfo="skip", connectgaps=False,
        ))
    drawn = sample_jobs(completed, MAX_POINTS, maximize=maximize)
    if len(drawn) < len(completed):
        position = {job.index: k for k, job in enumerate(completed)}
        rows = np.asarray([position[job.index] for job in drawn])
        x_points, y_points, colours = x_axis.plotted[rows], y_axis.plotted[rows], values[rows]
    else:
        x_points, y_points, colours = x_axis.plotted, y_axis.plotted, values
    figure.add_trace(scatter_class(len(drawn))(
        x=x_points, y=y_points, mode="markers", name="training jobs",
        text=[job.name for job in drawn],
        # Each trace carries its own colour scale: a shared ``coloraxis`` clashes with the
        # template's contour scale in plotly.js, which then never finishes drawing.
        marker=dict(color=colours, colorscale=COLORSCALE, reversescale=not maximize, cmin=float(values.min()),
                    cmax=float(values.max()), size=12, line=dict(width=1, color="white"), showscale=True,
                    colorbar=dict(title=dict(text=label, side="right"))),
        hovertemplate=f"%{{text}}<br>{x} %{{x}}<br>{y} %{{y}}<br>objective %{{marker.color:.4g}}<extra></extra>",
    ))
    figure.update_layout(showlegend=False)
    figure.update_xaxes(title_text=x_axis.title(), **x_axis.axis_layout())
    figure.update_yaxes(title_text=y_axis.title(), **y_axis.axis_layout())
    parts = []
    if len(drawn) < len(completed):
        parts.append(f"{len(drawn):,} of {len(completed):,} jobs drawn (sampled): the best {BEST_LINES} "
                     "and a random sample of the rest")
    if binned and surface is not None:
        parts.append(f"the shading is the mean objective per grid cell of all {len(completed):,}")
    note = f"<br><sup>{'; '.join(parts)}</sup>" if parts else ""
    style(figure, f"{TITLE}: {objective_name} over {x} × {y}{note}")
    if note:
        figure.update_layout(margin=dict(t=110))
    return figure


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
    x_axis: EncodedAxis, y_axis: EncodedAxis, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Each grid cell's mean objective in scaled space (NaN where no job fell), or None."""
    if np.ptp(x_axis.scaled) == 0 or np.ptp(y_axis.scaled) == 0:
        return None
    (x_edges, x_centres), (y_edges, y_centres) = _cells(x_axis.scaled), _cells(y_axis.scaled)
    sums, _, _ = np.histogram2d(x_axis.scaled, y_axis.scaled, bins=[x_edges, y_edges], weights=values)
    counts, _, _ = np.histogram2d(x_axis.scaled, y_axis.scaled, bins=[x_edges, y_edges])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
    return x_centres, y_centres, means.T  # plotly's z is indexed [y][x]


def _surface(
    x_axis: EncodedAxis, y_axis: EncodedAxis, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """A grid interpolated from the points in scaled space, or None if it cannot be made."""
    points = np.column_stack([x_axis.scaled, y_axis.scaled])
    if len({tuple(point) for point in points}) < MIN_SURFACE_POINTS:
        return None
    if np.ptp(points[:, 0]) == 0 or np.ptp(points[:, 1]) == 0:
        return None
    try:
        from scipy.interpolate import griddata
    except ImportError:  # pragma: no cover - scipy ships with scikit-learn
        return None
    grid_x = np.linspace(points[:, 0].min(), points[:, 0].max(), GRID_POINTS)
    grid_y = np.linspace(points[:, 1].min(), points[:, 1].max(), GRID_POINTS)
    mesh_x, mesh_y = np.meshgrid(grid_x, grid_y)
    # Normalise both axes to [0, 1] so that the triangulation is not skewed by units.
    span = np.ptp(points, axis=0)
    low = points.min(axis=0)
    try:
        grid_z = griddata((points - low) / span, values,
                          ((mesh_x - low[0]) / span[0], (mesh_y - low[1]) / span[1]), method="linear")
    except Exception:  # Qhull refuses points that all lie on one line.
        return None
    if np.all(np.isnan(grid_z)):
        return None
    return grid_x, grid_y, grid_z
