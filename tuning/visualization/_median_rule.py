"""AMT's median rule: learning curves, the median of running averages, and why each job stopped."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from tuning.records import TrainingJobStatus
from tuning.visualization._common import empty_figure, objective_label, scatter_class, style

if TYPE_CHECKING:
    from tuning.analysis.median_rule import MedianRuleStop, MedianRuleView

TITLE = "Early stopping (Auto): the median rule"
COMPLETED_CURVES = "Learning curves: completed"
STOPPED_CURVES = "Learning curves: stopped early (interim values)"
MEDIAN_LINE = "Median of running averages (all jobs)"
STOP_MARKERS = "Stopped here by the median rule"
COMPARED_WITH = "The median each stopped job was compared with"


def plot_median_rule(view: MedianRuleView) -> go.Figure:
    """Thin learning curves, a thick median-of-running-averages line, and a marker per stopped job.

    Hovering a marker shows the two numbers that decided: the job's value at that round and
    the median of the earlier jobs' running averages there (each job is measured against the
    jobs that started before it, so its median can differ from the thick line, which takes
    every job). A dotted vertical line marks the end of the grace period.
    """
    if not view.curves:
        return empty_figure(TITLE, "No training job has reported intermediate values yet.")
    label = objective_label(view.objective_name, view.objective_type)
    word = view.resource_word
    worse = "lower" if view.objective_type == "Maximize" else "higher"
    scatter = scatter_class(sum(len(curve) for curve in view.curves.values()))
    figure = go.Figure()
    for name, stopped, colour in ((COMPLETED_CURVES, False, "#1f77b4"), (STOPPED_CURVES, True, "#d62728")):
        xs: list = []
        ys: list = []
        texts: list = []
        for index, curve in view.curves.items():
            if (view.statuses[index] == TrainingJobStatus.STOPPED) != stopped:
                continue
            xs += [step for step, _ in curve] + [None]
            ys += [value for _, value in curve] + [None]
            texts += [view.names[index]] * len(curve) + [None]
        if xs:
            figure.add_trace(scatter(
                x=xs, y=ys, mode="lines", connectgaps=False, opacity=0.7 if stopped else 0.45, name=name,
                line=dict(color=colour, width=1.5 if stopped else 1, dash="dash" if stopped else "solid"), text=texts,
                hovertemplate=f"%{{text}}<br>{word} %{{x}}: %{{y:.4g}}<extra></extra>",
            ))
    figure.add_trace(go.Scatter(
        x=[point.step for point in view.median_line], y=[point.median for point in view.median_line],
        mode="lines", name=MEDIAN_LINE, line=dict(color="#111111", width=5),
        customdata=[point.jobs for point in view.median_line],
        hovertemplate=f"{word} %{{x}}: median of %{{customdata}} running averages %{{y:.4g}}<extra></extra>",
    ))
    if view.stops:
        texts = []
        for stop in view.stops:
            median = "not judged on the stored curves" if stop.median is None else f"{stop.median:.4g}"
            texts.append(
                f"{stop.name} stopped at {word} {stop.step}<br>its value: {stop.value:.4g} (its running average "
                f"{stop.running_average:.4g})<br>median of {stop.compared} earlier jobs' running averages: {median}"
                f"<br>{stop.reason} ({worse} is worse)" + _uncertainty(stop))
        figure.add_trace(go.Scatter(
            x=[stop.step for stop in view.stops], y=[stop.value for stop in view.stops], mode="markers",
            marker=dict(symbol="x", size=14, color="#d62728", line=dict(width=1)), name=STOP_MARKERS,
            text=texts, hovertemplate="%{text}<extra></extra>",
        ))
        judged = [stop for stop in view.stops if stop.median is not None]
        figure.add_trace(go.Scatter(  # the gap between the two numbers, drawn
            x=[x for stop in judged for x in (stop.step, stop.step, None)],
            y=[y for stop in judged for y in (stop.median, stop.value, None)], mode="lines",
            line=dict(color="#d62728", width=2), showlegend=False, hoverinfo="skip", name="gap",
        ))
        figure.add_trace(go.Scatter(
            x=[stop.step for stop in judged], y=[stop.median for stop in judged], mode="markers",
            marker=dict(symbol="line-ew-open", size=22, color="#111111", line=dict(width=3)), name=COMPARED_WITH,
            text=[f"{stop.name}: the median it was compared with, {stop.median:.4g}<br>(of {stop.compared} earlier "
                  f"jobs' running averages at {word} {stop.step})" for stop in judged],
            hovertemplate="%{text}<extra></extra>",
        ))
    figure.add_vline(x=view.grace_period, line=dict(color="#777777", dash="dot", width=2))
    figure.add_annotation(x=view.grace_period, y=1.0, yref="paper", text=f"grace period: {word} {view.grace_period}",
                          showarrow=False, xanchor="left", yanchor="bottom", font=dict(size=13))
    figure.update_xaxes(title_text=f"{word.capitalize()} (training resource)")
    figure.update_yaxes(title_text=label)
    style(figure, f"{TITLE}<br><sup>{len(view.stops)} of {len(view.curves)} jobs stopped; each is compared with "
          f"the median of the earlier jobs' running averages at its {word}</sup>")
    figure.update_layout(margin=dict(t=110), legend=dict(orientation="h", y=-0.18, x=0), height=620)
    return figure


def _uncertainty(stop: MedianRuleStop) -> str:
    if stop.exact:
        return ""
    text = f"<br>{', '.join(stop.uncertain)} trained at the same time: not known how far it had got"
    if stop.left_out:
        text += f"<br>left out of this median (it had not got this far yet): {', '.join(stop.left_out)}"
    return text
