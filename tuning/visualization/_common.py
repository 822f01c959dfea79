"""What every chart shares: which jobs to plot, labels, scales, the empty figure."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from tuning.errors import ValidationError
from tuning.parameters import CategoricalParameter, ScalingType
from tuning.records import TrainingJobStatus

if TYPE_CHECKING:
    from tuning.analysis.baseline import Baseline
    from tuning.parameters import Parameter
    from tuning.records import TrainingJob

WEBGL_THRESHOLD = 1000
"""Above this many points a chart draws with WebGL (``go.Scattergl``) to stay fluid."""

COLORSCALE = "Viridis"
FONT_SIZE = 16
TITLE_SIZE = 22


def is_maximize(objective_type: str) -> bool:
    """True for ``Maximize``, False for ``Minimize``; anything else is refused."""
    if objective_type == "Maximize":
        return True
    if objective_type == "Minimize":
        return False
    raise ValidationError(
        f"objective_type must be 'Maximize' or 'Minimize' (AMT's HyperParameterTuningJobObjective "
        f"Type), but got {objective_type!r}."
    )


def objective_label(objective_name: str, objective_type: str) -> str:
    """An axis title such as ``validation:auc — higher is better``."""
    better = "higher is better" if is_maximize(objective_type) else "lower is better"
    return f"{objective_name} — {better}"


def short_objective_label(objective_name: str, objective_type: str) -> str:
    """``validation:auc ↑``: for axes packed side by side, where the long form would collide
    (the chart's title still says "higher is better" in words)."""
    return f"{objective_name} {'↑' if is_maximize(objective_type) else '↓'}"


def _has_value(job: TrainingJob) -> bool:
    value = job.final_objective_value
    return value is not None and math.isfinite(float(value))


def finished_jobs(jobs: Iterable[TrainingJob], *, include_stopped: bool = False) -> list[TrainingJob]:
    """Completed jobs (and Stopped ones if asked) with a final objective value, by index."""
    statuses = {TrainingJobStatus.COMPLETED}
    if include_stopped:
        statuses.add(TrainingJobStatus.STOPPED)
    return sorted((job for job in jobs if job.status in statuses and _has_value(job)),
                  key=lambda job: job.index)


def hyperparameter_names(jobs: Iterable[TrainingJob], ranges: Mapping[str, Parameter] | None = None) -> list[str]:
    """Tuned hyperparameter names: the ranges' order first, then any others the jobs carry."""
    names = list(ranges or {})
    for job in jobs:
        names.extend(name for name in job.hyperparameters if name not in names)
    return names


def is_log(name: str, ranges: Mapping[str, Parameter] | None) -> bool:
    """Whether ``name`` has a numeric range searched on a Logarithmic scale."""
    parameter = (ranges or {}).get(name)
    scaling = getattr(parameter, "effective_scaling", None)
    return scaling is ScalingType.LOGARITHMIC


def is_categorical(name: str, values: Sequence[Any], ranges: Mapping[str, Parameter] | None) -> bool:
    """Categorical if its range says so, or if any value is not a number."""
    if isinstance((ranges or {}).get(name), CategoricalParameter):
        return True
    return any(not _is_number(value) for value in values if value is not None)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def categories(name: str, values: Sequence[Any], ranges: Mapping[str, Parameter] | None) -> list[Any]:
    """The category order: the range's values if given, else first-seen order."""
    parameter = (ranges or {}).get(name)
    ordered = list(parameter.values) if isinstance(parameter, CategoricalParameter) else []
    for value in values:
        if value not in ordered:
            ordered.append(value)
    return ordered


def scatter_class(points: int) -> type:
    """``go.Scattergl`` above :data:`WEBGL_THRESHOLD` points, ``go.Scatter`` otherwise."""
    return go.Scattergl if points > WEBGL_THRESHOLD else go.Scatter


def running_best(values: Sequence[float], maximize: bool) -> list[float]:
    """The best value seen so far after each value."""
    best: list[float] = []
    for value in values:
        if not best:
            best.append(value)
        else:
            best.append(max(best[-1], value) if maximize else min(best[-1], value))
    return best


def style(figure: go.Figure, title: str) -> go.Figure:
    """A title and fonts large enough for a projector at 1280x720."""
    figure.update_layout(
        title=dict(text=title, font=dict(size=TITLE_SIZE), x=0.5, xanchor="center"),
        font=dict(size=FONT_SIZE),
        template="plotly_white",
        margin=dict(l=90, r=40, t=80, b=80),
        hoverlabel=dict(font_size=FONT_SIZE),
    )
    return figure


def empty_figure(title: str, message: str) -> go.Figure:
    """A figure holding only a centred note, for when there is nothing to draw yet."""
    figure = go.Figure()
    figure.add_annotation(
        text=message, x=0.5, y=0.5, xref="paper", yref="paper",
        showarrow=False, font=dict(size=FONT_SIZE + 4),
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return style(figure, title)


NO_COMPLETED_JOBS = "No completed training job with an objective value yet."


LOG_TICK_DIGITS = ((1, 3), (1, 2, 5), (1, 2, 3, 4, 5, 6, 7, 8, 9))
"""Leading digits of a log axis's ticks, tried in turn until at least two fall in its range."""
MAX_LOG_TICKS = 10
"""Above this many 1-3 ticks (five decades or more) a log axis is labelled at each decade."""


def log_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Tick values and labels for a log axis over ``[low, high]``: 0.01, 0.03, 0.1, 0.3, ...

    Why: over a decade or two plotly labels a log axis with its minor digits ("2 3 4 ... 9
    0.1 2"), which a student cannot read as values. 1 and 3 per decade are close to evenly
    spaced on a log scale (3 is about the square root of 10) and read as plain numbers.
    A range too narrow for two of them takes 1-2-5, then every digit, then its own two ends;
    a range of many decades takes one tick per decade.

    >>> log_ticks(0.01, 0.3)
    ([0.01, 0.03, 0.1, 0.3], ['0.01', '0.03', '0.1', '0.3'])
    """
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0 or high <= 0:
        return [], []
    low, high = min(low, high), max(low, high)
    slack = 1e-9 * (high - low) + 1e-12 * high  # a tick exactly at an end counts
    decades = range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1)

    def within(digits: tuple[int, ...]) -> list[tuple[int, float]]:
        candidates = ((digit, float(f"{digit}e{decade}")) for decade in decades for digit in digits)
        return [(digit, tick) for digit, tick in candidates if low - slack <= tick <= high + slack]

    for digits in LOG_TICK_DIGITS:
        ticks = within(digits)
        if digits == (1, 3) and len(ticks) > MAX_LOG_TICKS:
            ticks = [(digit, tick) for digit, tick in ticks if digit == 1]
        if len(ticks) >= 2:
            return [tick for _, tick in ticks], [f"{tick:g}" for _, tick in ticks]
    inner = {tick for _, tick in within(LOG_TICK_DIGITS[-1])}
    ends = sorted(inner | {float(f"{low:.2g}"), float(f"{high:.2g}")})
    return ends, [f"{tick:g}" for tick in ends]


def log_axis_layout(low: float, high: float) -> dict[str, Any]:
    """``update_xaxes``/``update_yaxes`` keywords for a log axis labelled by :func:`log_ticks`."""
    values, labels = log_ticks(low, high)
    return dict(type="log", tickmode="array", tickvals=values, ticktext=labels)


class EncodedAxis:
    """One hyperparameter's values as numbers a chart can place.

    ``scaled`` is the space to interpolate or space ticks in: category positions
    (0, 1, ...) for a categorical, ``log10`` of the value for a Logarithmic range, the value
    itself otherwise. ``plotted`` is what goes on a plotly axis: category positions, or the
    raw value (a log axis does the log itself).
    """

    def __init__(self, name: str, values: Sequence[Any], ranges: Mapping[str, Parameter] | None) -> None:
        self.name = name
        self.parameter = (ranges or {}).get(name)
        self.categorical = is_categorical(name, values, ranges)
        self.log = not self.categorical and is_log(name, ranges)
        if self.categorical:
            self.categories = categories(name, values, ranges)
            codes = [self.categories.index(value) for value in values]
            self.scaled = np.asarray(codes, dtype=float)
            self.plotted = self.scaled
        else:
            self.categories = []
            raw = np.asarray(values, dtype=float)
            self.scaled = np.log10(raw) if self.log else raw
            self.plotted = raw

    def to_plotted(self, scaled: np.ndarray) -> np.ndarray:
        """Scaled-space coordinates back to plotly axis coordinates."""
        return np.power(10.0, scaled) if self.log else scaled

    def bounds(self) -> tuple[float, float]:
        """The searched range in scaled space (widened to any value outside it), else the values'.

        A chart over the whole range shows where the strategy did not look, too.
        """
        if self.categorical:
            return 0.0, float(max(len(self.categories) - 1, 0))
        low, high = float(self.scaled.min()), float(self.scaled.max())
        minimum, maximum = getattr(self.parameter, "min_value", None), getattr(self.parameter, "max_value", None)
        if minimum is not None and maximum is not None and (not self.log or minimum > 0):
            ends = np.log10([minimum, maximum]) if self.log else np.asarray([minimum, maximum], dtype=float)
            low, high = min(low, float(ends[0])), max(high, float(ends[1]))
        return low, high

    def axis_layout(self, scaled_span: tuple[float, float] | None = None) -> dict[str, Any]:
        """``update_xaxes``/``update_yaxes`` keywords: log type and ticks, or category ticks.

        A log axis is labelled over ``scaled_span`` (``log10`` units), by default the values'.
        """
        if self.categorical:
            return dict(tickmode="array", tickvals=list(range(len(self.categories))),
                        ticktext=[str(value) for value in self.categories])
        if not self.log:
            return {}
        low, high = scaled_span or (float(self.scaled.min()), float(self.scaled.max()))
        return log_axis_layout(10.0 ** low, 10.0 ** high)

    def title(self) -> str:
        return f"{self.name} (log scale)" if self.log else self.name


MAX_POINTS = WEBGL_THRESHOLD
"""Point charts draw at most this many jobs as markers: the best ones and a sample of the rest.

Measured in chromium (software WebGL, as ``bench/bench_pages.py`` runs it) on the Monitor
page of a 10,000-job tuning job: 2,000 WebGL markers drew in 2.9 s, 1,000 SVG markers in
1.8 s (10,000 markers take over a second more either way). So above this many jobs a
point chart samples down to a number that SVG draws quickly; charts that cannot be
sampled without losing their meaning (Compare's curves) still switch to WebGL.
"""
MAX_LINES = 1000
"""Parallel coordinates draw at most this many lines: the best ones and a sample of the rest."""
BEST_LINES = 100
"""How many of the best jobs a sampled chart always draws (the best one among them)."""


def best_first(jobs: Sequence[TrainingJob], maximize: bool) -> list[TrainingJob]:
    """Jobs with a final objective value, the best first (ties: the earlier job first)."""
    scored = [job for job in jobs if _has_value(job)]
    return sorted(scored, key=lambda job: (-job.final_objective_value if maximize else job.final_objective_value,
                                           job.index))


def sample_jobs(
    jobs: Sequence[TrainingJob], limit: int, *, maximize: bool, best: int = BEST_LINES, seed: int = 0
) -> list[TrainingJob]:
    """At most ``limit`` of ``jobs``: the ``best`` best ones and a random sample of the rest.

    Why: a chart of 10,000 lines (parallel coordinates, learning curves) takes seconds to
    draw and shows a solid block of colour; the best jobs, which a student looks for, and
    an unbiased sample of the others tell the same story. The sample is seeded, so a
    rerun draws the same lines; the result is in launch order. Jobs without a value
    (never the best) can only be drawn as part of the random sample.
    """
    if len(jobs) <= limit:
        return list(jobs)
    top = best_first(jobs, maximize)[:min(best, limit)]
    chosen = {job.index for job in top}
    rest = [job for job in jobs if job.index not in chosen]
    picks = np.random.default_rng(seed).choice(len(rest), size=limit - len(top), replace=False)
    drawn = top + [rest[int(pick)] for pick in picks]
    return sorted(drawn, key=lambda job: job.index)


def sampled_note(drawn: int, total: int, *, best: int = BEST_LINES, what: str = "training jobs",
                 more: str = "") -> str:
    """A title's second line saying that a chart shows a sample, and of how many."""
    return (f"<br><sup>{drawn:,} of {total:,} {what} drawn (sampled): the best {best} and a "
            f"random sample of the rest{more}</sup>")


BASELINE_COLOUR = "#7f7f7f"


def add_baseline(figure: go.Figure, baseline: Baseline | None) -> go.Figure:
    """A dotted horizontal line at the score of a model that learnt nothing, named in the legend.

    Beside it a student sees how much of a 0.91 accuracy is learning and how much is the
    class balance (see :mod:`tuning.analysis.baseline`).
    """
    if baseline is None:
        return figure
    figure.add_hline(y=baseline.value, line=dict(dash="dot", width=2, color=BASELINE_COLOUR))
    # An invisible trace gives the line a legend entry with its meaning.
    figure.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=dict(dash="dot", width=2, color=BASELINE_COLOUR),
                                name=f"Baseline {baseline.value:.4g}: {baseline.description}", hoverinfo="skip"))
    # The legend goes below the plot: on the right, this long entry squeezed the plot to half the width.
    bottom = max(120, (figure.layout.margin.b or 0) if figure.layout.margin else 0)
    figure.update_layout(legend=dict(orientation="h", x=0, y=-0.22, yanchor="top"), margin=dict(b=bottom))
    return figure
