"""Hyperband's brackets and rungs: one bar per training job, from no training to where it stopped."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from tuning.analysis.hyperband_plan import CUT, FINISHED, PROMOTED
from tuning.records import TrainingJobStatus
from tuning.visualization._common import empty_figure, objective_label, style

if TYPE_CHECKING:
    from tuning.analysis.hyperband_plan import HyperbandDiagram, HyperbandJob

TITLE = "Hyperband brackets and rungs"
COMPLETED_GROUP = "Completed (trained to MaxResource)"
CUT_GROUP = "Cut by Hyperband at a rung"
OTHER_GROUP = "Failed, stopped by the user, or running"
RUNGS = "Rungs (where a bracket judges its jobs)"
MARKERS = {PROMOTED: ("circle", "Promoted at a rung"), CUT: ("x", "Cut at a rung"), FINISHED: ("star", "Finished")}
COLORS = {COMPLETED_GROUP: "#1f77b4", CUT_GROUP: "#d62728", OTHER_GROUP: "#9e9e9e"}
ROW_PIXELS = 24
GAP = 1.0
"""Empty rows between two brackets."""
MIN_ROWS = 3
"""Rows a bracket takes at least, so that its three-line label fits beside it."""


def _group(job: HyperbandJob) -> str:
    if job.status == TrainingJobStatus.COMPLETED:
        return COMPLETED_GROUP
    if job.cut_at is not None:
        return CUT_GROUP
    return OTHER_GROUP


def plot_hyperband(diagram: HyperbandDiagram) -> go.Figure:
    """Bars grouped by bracket, dotted rung lines, a marker per job and rung with its value.

    Each row is a training job: its bar runs from 0 to the rounds it trained, red when
    Hyperband cut it. Each bracket's rungs are drawn across that bracket's rows only, since
    brackets judge at different resources; hovering a rung line shows the plan (jobs the
    Hyperband plan takes there) beside what happened (reached, promoted, cut). The label
    of each bracket gives its jobs and the rounds they spent, against the plan's.
    """
    if not diagram.jobs:
        return empty_figure(TITLE, "No training job has started yet.")
    label = objective_label(diagram.objective_name, diagram.objective_type)
    word = diagram.resource_word
    rows: dict[int, float] = {}
    ticks: list[float] = []
    tick_text: list[str] = []
    spans: dict[int, tuple[float, float]] = {}
    y = 0.0
    for bracket in diagram.brackets:
        members = [job for job in diagram.jobs if job.bracket == bracket.bracket_id]
        top = y
        for job in members:
            rows[job.index] = y
            ticks.append(y)
            tick_text.append(job.name)
            y += 1
        if not members:
            ticks.append(y)
            tick_text.append("(no job)")
            y += 1
        spans[bracket.bracket_id] = (top - 0.45, y - 0.55)
        y = max(y, top + MIN_ROWS) + GAP  # room for the bracket's label beside a bracket of one or two jobs
    figure = go.Figure()
    for group in (COMPLETED_GROUP, CUT_GROUP, OTHER_GROUP):
        jobs = [job for job in diagram.jobs if _group(job) == group]
        if not jobs:
            continue
        figure.add_trace(go.Bar(
            orientation="h", base=0, x=[job.stopped_at or 0 for job in jobs], y=[rows[job.index] for job in jobs],
            marker=dict(color=COLORS[group]), opacity=0.45, width=0.7, name=group,
            text=[_bar_text(job, word, diagram) for job in jobs], textposition="none",
            hovertemplate="%{text}<extra></extra>",
        ))
    xs: list = []
    ys: list = []
    texts: list = []
    for bracket in diagram.brackets:
        low, high = spans[bracket.bracket_id]
        for rung in bracket.rungs:
            line = (f"bracket {bracket.bracket_id}, rung at {word} {rung.resource}"
                    + ("" if rung.decides else " (MaxResource: the full course)")
                    + f"<br>plan: {rung.planned_jobs} of {bracket.planned_jobs} jobs per round of brackets, "
                    f"{rung.expected_jobs:.1f} for this tuning job<br>ran: {rung.reached} reached"
                    + (f", {rung.promoted} promoted, {rung.cut} cut" if rung.decides else ""))
            xs += [rung.resource, rung.resource, None]
            ys += [low, high, None]
            texts += [line, line, None]
    figure.add_trace(go.Scatter(
        x=xs, y=ys, mode="lines", line=dict(color="#555555", width=2, dash="dot"), name=RUNGS,
        text=texts, hovertemplate="%{text}<extra></extra>",
    ))
    for verdict, (symbol, name) in MARKERS.items():
        points = [(job, rung) for job in diagram.jobs for rung in job.rungs if rung.verdict == verdict]
        if not points:
            continue
        figure.add_trace(go.Scatter(
            x=[rung.resource for _, rung in points], y=[rows[job.index] for job, _ in points], mode="markers",
            marker=dict(symbol=symbol, size=12 if verdict != CUT else 14,
                        color=COLORS[CUT_GROUP] if verdict == CUT else "#333333"),
            name=name,
            text=[f"{job.name} (bracket {job.bracket})<br>at {word} {rung.step}: {rung.value:.4g}<br>{rung.verdict}"
                  for job, rung in points],
            hovertemplate="%{text}<extra></extra>",
        ))
    for bracket in diagram.brackets:
        low, high = spans[bracket.bracket_id]
        figure.add_annotation(
            x=1.01, y=low, yanchor="top", xref="paper", yref="y", xanchor="left", showarrow=False, align="left",
            text=(f"<b>Bracket {bracket.bracket_id}</b>: from {word} {bracket.first_rung}<br>"
                  f"{len(bracket.jobs)} jobs (plan {bracket.expected_jobs:.1f})<br>"
                  f"{bracket.resource_spent:,} {word}s (plan {bracket.planned_resource:,.0f})"),
            font=dict(size=13),
        )
    figure.update_yaxes(tickvals=ticks, ticktext=tick_text, autorange="reversed", showgrid=False, zeroline=False,
                        title_text="Training jobs, by bracket")
    figure.update_xaxes(title_text=f"{diagram.resource_name} ({word}s trained)", range=[0, diagram.max_resource * 1.03])
    style(figure, f"{TITLE}: {diagram.resource_spent:,} {word}s in all<br><sup>values: {label}; "
          f"MinResource {diagram.min_resource}, MaxResource {diagram.max_resource}, "
          f"reduction factor {diagram.reduction_factor}</sup>")
    figure.update_layout(
        barmode="overlay", height=max(450, min(2400, 170 + ROW_PIXELS * int(y))),
        margin=dict(l=150, r=230, t=100, b=70), legend=dict(orientation="h", y=-0.12, x=0),
    )
    return figure


def _bar_text(job: HyperbandJob, word: str, diagram: HyperbandDiagram) -> str:
    values = "<br>".join(f"{word} {rung.step}: {rung.value:.4g} ({rung.verdict})"
                         for rung in job.rungs if rung.value is not None)
    ending = (f"cut by Hyperband at {word} {job.cut_at}" if job.cut_at is not None
              else f"{job.status}" + (f" ({job.stopped_reason})" if job.stopped_reason else ""))
    return (f"{job.name}, bracket {job.bracket}: trained {job.stopped_at or 0} of {diagram.max_resource} {word}s, "
            f"{ending}" + (f"<br>{values}" if values else ""))
