"""Learning curves: each training job's intermediate objective, where it was stopped, and its training channel.

The training channel's curve (the same objective on a fixed sample of the training rows,
:attr:`tuning.records.TrainingJob.train_intermediate_values`) is drawn dotted and lighter
beside the validation curve for the best few jobs only (:data:`TRAIN_CURVES`): one dotted
twin per blue line would make a chart of 150 curves unreadable, and the best jobs are the
ones whose overfitting matters. Hovering a training point shows the validation value and
the gap at that step; a ring marks each job's gap at its last step
(:func:`tuning.analysis.train_gap.last_gaps`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from tuning.algorithms import TRAINING_CURVE_ROWS
from tuning.analysis.train_gap import gap_curve, last_gaps
from tuning.records import TrainingJobStatus
from tuning.visualization._common import (
    add_baseline,
    best_first,
    empty_figure,
    is_maximize,
    objective_label,
    sample_jobs,
    scatter_class,
    style,
)

if TYPE_CHECKING:
    from tuning.analysis.baseline import Baseline
    from tuning.records import TrainingJob

TITLE = "Intermediate values"
COMPLETED_GROUP = "Completed"
STOPPED_GROUP = "Stopped early (interim values)"
COMPLETED_COLOR = "#1f77b4"
STOPPED_COLOR = "#d62728"
MAX_CURVES = 150
"""Per group, at most this many curves are drawn one by one; above it, a sample and a band."""
BEST_CURVES = 10
BAND = (10, 90)
"""The percentiles of the band drawn under a sampled group's curves."""
TRAIN_CURVES = 5
"""The training channel's curve is drawn for at most this many jobs: the best ones."""
TRAIN_GROUP = "Training channel"
TRAIN_COLORS = {False: "#7fb8e6", True: "#f08a8b"}
"""Lighter twins of the completed and stopped colours, by whether the job was stopped."""


def plot_intermediate_values(jobs: Sequence[TrainingJob], *, objective_name: str, objective_type: str,
                             baseline: Baseline | None = None) -> go.Figure:
    """One line per training job: its objective after each step of training.

    Completed jobs are solid lines. Jobs stopped early (by AMT-style early stopping or
    by Hyperband) are dashed and end in an ``x`` at the step where they were stopped:
    the chart shows how soon the weak ones were cut and how much training that saved.
    The legend has one entry per group; clicking it hides or shows the whole group.

    A group of more than :data:`MAX_CURVES` jobs draws its best :data:`BEST_CURVES` and
    a random sample of the rest (the best job is always drawn), over a shaded band of
    every job's 10th-90th percentile at each step and a dotted median: 10,000 curves
    would take seconds to draw and hide each other anyway. The title says when.
    """
    maximize = is_maximize(objective_type)
    label = objective_label(objective_name, objective_type)
    curves = sorted(
        (job for job in jobs
         if job.status in (TrainingJobStatus.COMPLETED, TrainingJobStatus.STOPPED) and job.intermediate_values),
        key=lambda job: job.index,
    )
    if not curves:
        return empty_figure(TITLE, "No completed or stopped training job has reported intermediate values yet.")
    groups = []
    for group, stopped in ((COMPLETED_GROUP, False), (STOPPED_GROUP, True)):
        members = [job for job in curves if (job.status == TrainingJobStatus.STOPPED) == stopped]
        if members:
            drawn = sample_jobs(members, MAX_CURVES, maximize=maximize, best=BEST_CURVES)
            groups.append((group, stopped, members, drawn))
    scatter = scatter_class(sum(len(job.intermediate_values) for *_, drawn in groups for job in drawn))
    figure = go.Figure()
    for group, stopped, members, drawn in groups:
        colour = STOPPED_COLOR if stopped else COMPLETED_COLOR
        if len(drawn) < len(members):
            _add_band(figure, members, group, colour)
        # One trace per group, curves separated by None gaps: a thousand jobs draw as two
        # traces, not a thousand (plotly's cost grows with the number of traces, not points).
        xs: list = []
        ys: list = []
        texts: list = []
        for job in drawn:
            reason = f" ({job.stopped_reason})" if stopped and job.stopped_reason else ""
            xs += [step for step, _ in job.intermediate_values] + [None]
            ys += [value for _, value in job.intermediate_values] + [None]
            texts += [job.name + reason] * len(job.intermediate_values) + [None]
        name = group if len(drawn) == len(members) else f"{group} ({len(drawn):,} of {len(members):,}, sampled)"
        figure.add_trace(scatter(
            x=xs, y=ys, mode="lines", connectgaps=False, opacity=0.6,
            line=dict(color=colour, width=2, dash="dash" if stopped else "solid"),
            name=name, legendgroup=group, text=texts,
            hovertemplate="%{text}<br>step %{x}: %{y:.4g}<extra>" + group + "</extra>",
        ))
        if stopped:  # an 'x' where each stopped job was stopped
            figure.add_trace(scatter(
                x=[job.intermediate_values[-1][0] for job in drawn],
                y=[job.intermediate_values[-1][1] for job in drawn],
                mode="markers", marker=dict(symbol="x", size=12, color=colour),
                name="where it was stopped", legendgroup=group, showlegend=False,
                text=[job.name for job in drawn],
                hovertemplate="%{text} stopped at step %{x}: %{y:.4g}<extra></extra>",
            ))
    trained = _add_training_curves(figure, curves, maximize, objective_type, scatter)
    figure.update_xaxes(title_text="Step (training resource, e.g. boosting rounds)")
    figure.update_yaxes(title_text=label)
    figure.update_layout(legend_title_text="Training jobs")
    sampled = [(len(drawn), len(members)) for *_, members, drawn in groups if len(drawn) < len(members)]
    note = ""
    if sampled:
        drawn_count = sum(len(drawn) for *_, drawn in groups)
        note = (f"<br><sup>{drawn_count:,} of {len(curves):,} curves drawn (sampled: the best "
                f"{BEST_CURVES} per group and a random sample); the band holds "
                f"{BAND[0]}-{BAND[1]}% of all</sup>")
    if trained:
        which = f"the best {trained}" if trained < len(curves) else "every job"
        note += (f"<br><sup>Dotted: the training channel (a fixed sample of at most {TRAINING_CURVE_ROWS:,} "
                 f"rows) for {which}; hover it for the train-validation gap</sup>")
    style(figure, f"{TITLE}: {label}{note}")
    if note:
        figure.update_layout(margin=dict(t=110 + (20 if sampled and trained else 0)))
    return add_baseline(figure, baseline)


def _add_training_curves(figure: go.Figure, curves: Sequence[TrainingJob], maximize: bool, objective_type: str,
                         scatter: type) -> int:
    """The best :data:`TRAIN_CURVES` jobs' training curves, dotted, with the gap in the hover; how many.

    Jobs are ranked by their final objective (a stopped job's is interim, and it rarely
    ranks among the best); a job recorded before TuneLab kept the training channel has no
    training curve and is skipped.
    """
    with_train = [job for job in curves if job.train_intermediate_values]
    chosen = best_first(with_train, maximize)[:TRAIN_CURVES]
    if not chosen:
        return 0
    ended = last_gaps(chosen, objective_type=objective_type)
    for stopped in (False, True):
        members = sorted((job for job in chosen if (job.status == TrainingJobStatus.STOPPED) == stopped),
                         key=lambda job: job.index)
        if not members:
            continue
        xs: list = []
        ys: list = []
        texts: list = []
        extra: list = []
        for job in members:
            gaps = gap_curve(job, maximize=maximize)
            xs += [gap.step for gap in gaps] + [None]
            ys += [gap.train_value for gap in gaps] + [None]
            texts += [job.name] * len(gaps) + [None]
            extra += [(gap.validation_value, gap.gap) for gap in gaps] + [(None, None)]
        colour = TRAIN_COLORS[stopped]
        name = f"training (sample of at most {TRAINING_CURVE_ROWS:,} rows)" + (", stopped jobs" if stopped else "")
        figure.add_trace(scatter(
            x=xs, y=ys, mode="lines", connectgaps=False, opacity=0.9,
            line=dict(color=colour, width=2, dash="dot"), name=name, legendgroup=TRAIN_GROUP,
            text=texts, customdata=extra,
            hovertemplate="%{text}<br>step %{x}: training %{y:.4g}, validation %{customdata[0]:.4g}"
                          "<br>gap %{customdata[1]:+.4g} (positive: training scores better)<extra>training</extra>",
        ))
        last = [ended[job.name] for job in members if job.name in ended]
        figure.add_trace(scatter(
            x=[gap.step for gap in last], y=[gap.train_value for gap in last], mode="markers",
            marker=dict(symbol="circle-open", size=10, color=colour, line=dict(width=2)),
            name="gap at the last step", legendgroup=TRAIN_GROUP, showlegend=False,
            text=[gap.training_job for gap in last], customdata=[(gap.validation_value, gap.gap) for gap in last],
            hovertemplate="%{text} at its last step %{x}: training %{y:.4g}, validation %{customdata[0]:.4g}"
                          "<br>train-validation gap %{customdata[1]:+.4g}<extra></extra>",
        ))
    return len(chosen)


def _add_band(figure: go.Figure, members: Sequence[TrainingJob], group: str, colour: str) -> None:
    """Every member's spread at each step: a shaded 10-90% band and a dotted median.

    A step's percentiles count the jobs that reached it, so a stopped group's band
    thins out where most of its jobs had already been stopped.
    """
    by_step: dict[int, list[float]] = {}
    for job in members:
        for step, value in job.intermediate_values:
            by_step.setdefault(step, []).append(value)
    steps = sorted(by_step)
    low, middle, high = (np.asarray([np.percentile(by_step[step], q) for step in steps])
                         for q in (BAND[0], 50, BAND[1]))
    hover = f"step %{{x}}: %{{y:.4g}}<extra>{group}, all {len(members):,} jobs</extra>"
    figure.add_trace(go.Scatter(x=steps, y=low, mode="lines", line=dict(width=0, color=colour),
                                legendgroup=group, showlegend=False, hovertemplate=f"{BAND[0]}% " + hover))
    figure.add_trace(go.Scatter(x=steps, y=high, mode="lines", line=dict(width=0, color=colour), fill="tonexty",
                                fillcolor=_transparent(colour), legendgroup=group,
                                name=f"{group}: {BAND[0]}-{BAND[1]}% of all", hovertemplate=f"{BAND[1]}% " + hover))
    figure.add_trace(go.Scatter(x=steps, y=middle, mode="lines", line=dict(color=colour, width=3, dash="dot"),
                                legendgroup=group, name=f"{group}: median of all", hovertemplate="median " + hover))


def _transparent(colour: str, alpha: float = 0.18) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"
