"""Tuning jobs repeated over seeds: mean best so far per group, with its interquartile band."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import plotly.graph_objects as go
from plotly.colors import DEFAULT_PLOTLY_COLORS

from tuning.visualization._common import NO_COMPLETED_JOBS, add_baseline, empty_figure, objective_label, style

if TYPE_CHECKING:
    from tuning.analysis.baseline import Baseline
    from tuning.analysis.seed_stats import BandCurve, SeedGroup

TITLE = "Best objective so far over seeds"
BAND_OPACITY = 0.2


def seeds_note(groups: Mapping[str, SeedGroup]) -> str:
    """What the lines are, in words: "mean of 5 seeds, band: interquartile range", or "one seed"."""
    counts = sorted({group.seeds for group in groups.values()})
    if counts == [1]:
        return "one seed each, no band"
    many = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]} to {counts[-1]}"
    return f"mean of {many} seeds, band: interquartile range"


def _seeds(count: int) -> str:
    return "one seed" if count == 1 else f"{count} seeds"


def _bands(groups: Mapping[str, SeedGroup], curve_of: str, *, objective_name: str, objective_type: str,
           x_title: str, x_hover: str) -> go.Figure:
    label = objective_label(objective_name, objective_type)
    drawn = {name: group for name, group in groups.items() if getattr(group, curve_of).x}
    if not drawn:
        return empty_figure(TITLE, NO_COMPLETED_JOBS)
    figure = go.Figure()
    for number, (name, group) in enumerate(drawn.items()):
        curve: BandCurve = getattr(group, curve_of)
        color = DEFAULT_PLOTLY_COLORS[number % len(DEFAULT_PLOTLY_COLORS)]
        shade = color.replace("rgb(", "rgba(").replace(")", f", {BAND_OPACITY})")
        legend = f"{name} · {_seeds(group.seeds)}"
        if group.seeds > 1:
            figure.add_trace(go.Scatter(x=curve.x, y=curve.q75, mode="lines", line=dict(width=0, shape="hv"),
                                        legendgroup=name, showlegend=False, hoverinfo="skip"))
            figure.add_trace(go.Scatter(x=curve.x, y=curve.q25, mode="lines", line=dict(width=0, shape="hv"),
                                        fill="tonexty", fillcolor=shade, legendgroup=name, showlegend=False,
                                        hoverinfo="skip", name=f"{name} interquartile range"))
        figure.add_trace(go.Scatter(
            x=curve.x, y=curve.mean, mode="lines", name=legend, legendgroup=name,
            line=dict(shape="hv", width=3, color=color),
            customdata=list(zip(curve.q25, curve.q75, curve.seeds)),
            hovertemplate=(f"{x_hover}: mean %{{y:.4g}}<br>IQR %{{customdata[0]:.4g}} to %{{customdata[1]:.4g}}"
                           f" (%{{customdata[2]}} seeds)<extra>{name}</extra>"),
        ))
    figure.update_xaxes(title_text=x_title)
    figure.update_yaxes(title_text=label)
    style(figure, f"{TITLE}: {label}<br><sup>{seeds_note(drawn)}</sup>")
    # Labels name strategy, early stopping and job: below the plot they leave it the full width.
    figure.update_layout(legend=dict(orientation="h", x=0, y=-0.25, yanchor="top"),
                         margin=dict(t=110, b=150), height=560)  # room for the title's second line and the legend
    return figure


def plot_seed_bands_by_job(groups: Mapping[str, SeedGroup], *, objective_name: str,
                           objective_type: str, baseline: Baseline | None = None) -> go.Figure:
    """Per group, the mean over seeds of best so far against the training job number, and its IQR band.

    ``groups`` comes from :func:`tuning.analysis.seed_stats.summarise_seeds`. The title says how
    many seeds each line is the mean of, and that the band is the interquartile range
    (25th to 75th percentile); a group of one seed is its own line, with no band.
    """
    return add_baseline(_bands(groups, "by_job", objective_name=objective_name, objective_type=objective_type,
                               x_title="Training job number", x_hover="after job %{x}"), baseline)


def plot_seed_bands_by_seconds(groups: Mapping[str, SeedGroup], *, objective_name: str,
                               objective_type: str, baseline: Baseline | None = None) -> go.Figure:
    """As :func:`plot_seed_bands_by_job`, against compute seconds (training time summed over jobs).

    A strategy that stops weak jobs early, or picks cheaper models, moves left here even
    when it needs as many training jobs.
    """
    return add_baseline(_bands(groups, "by_seconds", objective_name=objective_name, objective_type=objective_type,
                               x_title="Compute seconds (training time of every job, summed)",
                               x_hover="after %{x:.3g} s"), baseline)
