"""Best-so-far curves of several tuning jobs on one chart (Grid vs Random vs Bayesian)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from tuning.analysis.seed_stats import best_so_far_by_job
from tuning.visualization._common import (
    add_baseline,
    NO_COMPLETED_JOBS,
    empty_figure,
    objective_label,
    scatter_class,
    style,
)

if TYPE_CHECKING:
    from tuning.analysis.baseline import Baseline
    from tuning.records import TrainingJob

TITLE = "Best objective so far, by tuning job"


def plot_compare_best_so_far(
    runs: Mapping[str, Sequence[TrainingJob]], *, objective_name: str, objective_type: str,
    baseline: Baseline | None = None,
) -> go.Figure:
    """One running-best step line per tuning job, named in the legend.

    ``runs`` maps a tuning job's name to its training jobs. The curves are drawn against
    the training job number, so strategies with the same budget compare point by point.
    Only Completed jobs set a new best (a Stopped job's value is interim); Stopped and
    Failed jobs carry it forward, so each curve runs to its last finished training job.
    Each tuning job is one seed: :func:`plot_seed_bands_by_job` repeats them over seeds.
    """
    label = objective_label(objective_name, objective_type)
    curves = {name: best_so_far_by_job(jobs, objective_type=objective_type) for name, jobs in runs.items()}
    curves = {name: curve for name, curve in curves.items() if curve[0]}
    if not curves:
        return empty_figure(TITLE, NO_COMPLETED_JOBS)
    scatter = scatter_class(sum(len(numbers) for numbers, _ in curves.values()))
    figure = go.Figure()
    for name, (numbers, best) in curves.items():
        figure.add_trace(scatter(
            x=numbers,
            y=best,
            mode="lines", name=name, line=dict(shape="hv", width=3),
            hovertemplate="after job %{x}: best %{y:.4g}<extra>" + name + "</extra>",
        ))
    figure.update_xaxes(title_text="Training job number")
    figure.update_yaxes(title_text=label)
    figure.update_layout(legend_title_text="Tuning job")
    # Two lines: at 1280 px one line of title, metric and "one seed each" is cut off at both ends.
    add_baseline(style(figure, f"{TITLE}<br><sup>{label}; one seed each</sup>"), baseline)
    return figure
