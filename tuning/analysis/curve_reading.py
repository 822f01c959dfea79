"""Reading learning curves: measured properties of each value's curves, and one sentence per value.

The hyperparameter lab (:mod:`tuning.job.lab_plan`, the Lab page) runs one training job per
value of one hyperparameter and shows their curves side by side. A student should not have
to take the course's word for what a high learning rate does: the sentence under each curve
says what *that* curve did, measured here, so a value that does not behave as the course
says is reported as it behaved.

Why the measurements are made on a "shortfall" and not on the raw metric: every TuneLab
objective has a perfect value (0 for a loss or an error, 1 for accuracy, AUC, F1 or R²;
see :mod:`tuning.metrics`), so ``value`` (minimised) or ``1 - value`` (maximised) is the
distance from perfect, lower is better, whichever way the metric points. Sentences quote
the metric's own values.

What is measured on one validation curve (:class:`CurveShape`), after smoothing it with a
centred rolling median (pandas; a monotone stretch is left exactly as it is, so the
residuals are the jitter alone):

- how much it learned (first to best), where its best is, how much it lost after its best;
- whether it was still improving over its last quarter;
- its *setbacks*: steps that made it worse by a large swing (oscillation);
- its *noise*: the spread of the raw curve around the smoothed one;
- when it first came within the tolerance of its best (settled);
- with a training curve, the train-validation gap and whether training kept improving
  while validation got worse (overfitting). Without one, only what validation shows.

The tolerance that makes a change "real" is shared by every value of one lab
(:func:`lab_tolerance`): a tenth of the best shortfall reached, or a fiftieth of the
typical curve's range, whichever is larger; so one diverging curve does not make every
other curve's changes look small.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tuning.job.lab_plan import Behaviour, show_value

__all__ = [
    "CurveShape",
    "LabReading",
    "ValueReading",
    "lab_tolerance",
    "measure_curve",
    "read_lab",
]

Curve = Sequence[tuple[int, float]]
"""A curve as the store keeps it: ``(step, value)`` pairs, in step order."""

REL_TOLERANCE = 0.10
"""A change counts when larger than this share of the best shortfall in the lab..."""
RANGE_TOLERANCE = 0.02
"""... or than this share of the typical curve's range, whichever is larger."""
SWING_TOLERANCES = 3.0
"""A setback (one step's worsening) is a swing when larger than this many tolerances."""
NOISIER_RATIO = 1.5
"""A curve is noisier than another when its noise is this many times the other's (and above half a tolerance)."""
UNDERFIT_RATIO = 1.5
"""A curve that settles at this many times the lab's best final shortfall is too simple (underfits)."""
SWING_SHARE = 0.25
"""... and than this share of the curve's own best shortfall (a 0.05 rise means more at 0.04 than at 0.2)."""
MIN_SWINGS = 3
"""A curve oscillates when it has at least this many swings."""
LATE_BEST_SHARE = 0.9
"""A curve still improving has its best in the last tenth of its steps."""
SLOWER_RATIO = 2.0
"""A value is the slowest to train when it took this many times the quickest one's seconds."""
EARLY_BEST_SHARE = 0.8
"""A best before this share of the steps, followed by a real loss, is "past its best"."""


@dataclass(frozen=True)
class CurveShape:
    """The measured properties of one value's validation curve (and training curve, when recorded).

    Amounts are shortfalls (distance from the metric's perfect value, lower is better), so
    ``learned > 0`` always means it got better, for a loss as for an accuracy.
    """

    points: int
    last_step: int
    first: float
    final: float
    """The raw last value, in the metric's own units (the training job's objective)."""
    best: float
    """The raw best value, in the metric's own units."""
    best_step: int
    learned: float
    """Smoothed first minus smoothed best shortfall: how much the curve improved."""
    lost_after_best: float
    """Smoothed final minus smoothed best shortfall: how much it gave back after its best."""
    late_gain: float
    """Improvement over the last quarter of the steps (smoothed): still learning at the end."""
    worse_than_start: float
    """Smoothed final minus smoothed first shortfall: positive when it ends worse than it began."""
    swings: int
    """Steps that made the raw curve worse by more than :data:`SWING_TOLERANCES` tolerances."""
    largest_swing: float
    noise: float
    """Standard deviation of the raw curve around its rolling median."""
    settle_step: int
    """The first step whose smoothed value is within the tolerance of the best."""
    final_shortfall: float
    """The smoothed final shortfall (compared across values)."""
    train_final: float | None = None
    """The training curve's raw last value; ``None`` without a training curve."""
    gap: float | None = None
    """Validation minus training shortfall at the end (smoothed): the train-validation gap."""
    train_gain_after_best: float | None = None
    """How much training improved after validation's best step (smoothed)."""


def _shortfall(values: np.ndarray, higher_is_better: bool) -> np.ndarray:
    return 1.0 - values if higher_is_better else values


def _smooth(values: np.ndarray) -> np.ndarray:
    """A centred rolling median; the ends, where the window is not full, keep their raw values.

    (A half window at the ends would pull a steep first drop towards its middle and count
    the difference as jitter.)"""
    window = max(3, (len(values) // 10) | 1)
    smooth = pd.Series(values).rolling(window, center=True).median().to_numpy()
    return np.where(np.isnan(smooth), values, smooth)


def _finite(curve: Curve) -> tuple[np.ndarray, np.ndarray]:
    steps = np.array([step for step, value in curve if math.isfinite(value)], dtype=float)
    values = np.array([value for _, value in curve if math.isfinite(value)], dtype=float)
    return steps, values


def lab_tolerance(curves: Sequence[Curve], *, higher_is_better: bool) -> float:
    """The size of a change that counts, shared by every curve of one lab (see the module docstring)."""
    shortfalls = [_shortfall(_finite(curve)[1], higher_is_better) for curve in curves]
    shortfalls = [values for values in shortfalls if len(values)]
    if not shortfalls:
        return 1e-9
    best = min(float(values.min()) for values in shortfalls)
    typical_range = float(np.median([values.max() - values.min() for values in shortfalls]))
    return max(REL_TOLERANCE * max(best, 0.0), RANGE_TOLERANCE * typical_range, 1e-9)


def measure_curve(validation: Curve, training: Curve = (), *, higher_is_better: bool,
                  tolerance: float) -> CurveShape | None:
    """The measured properties of one value's curves; ``None`` when validation has no finite point."""
    steps, values = _finite(validation)
    if not len(values):
        return None
    short = _shortfall(values, higher_is_better)
    smooth = _smooth(short)
    best_at = int(np.argmin(smooth))
    quarter = smooth[min(len(smooth) - 1, (3 * len(smooth)) // 4)]
    rises = np.diff(short)
    swings = rises[rises > max(SWING_TOLERANCES * tolerance, SWING_SHARE * max(float(smooth[best_at]), 0.0))]
    settle = int(np.argmax(smooth <= smooth[best_at] + tolerance))
    raw_best = int(np.argmin(short))
    shape = dict(
        points=len(values), last_step=int(steps[-1]), first=float(values[0]), final=float(values[-1]),
        best=float(values[raw_best]), best_step=int(steps[best_at]),
        learned=float(smooth[0] - smooth[best_at]), lost_after_best=float(smooth[-1] - smooth[best_at]),
        late_gain=float(quarter - smooth[-1]), worse_than_start=float(smooth[-1] - smooth[0]),
        swings=len(swings), largest_swing=float(swings.max()) if len(swings) else 0.0,
        noise=float(np.std(short - smooth)), settle_step=int(steps[settle]), final_shortfall=float(smooth[-1]),
    )
    train_steps, train_values = _finite(training)
    if len(train_values) >= 2:
        train = _smooth(_shortfall(train_values, higher_is_better))
        at_best = int(np.searchsorted(train_steps, steps[best_at], side="right")) - 1
        shape.update(train_final=float(train_values[-1]), gap=float(smooth[-1] - train[-1]),
                     train_gain_after_best=float(train[max(at_best, 0)] - train[-1]))
    return CurveShape(**shape)


@dataclass(frozen=True)
class ValueReading:
    """One value's curves read: its measured shape, what it did, and the sentence that says so."""

    value: object
    shape: CurveShape | None
    behaviours: tuple[str, ...]
    label: str
    sentence: str
    failure: str | None = None


@dataclass(frozen=True)
class LabReading:
    """Every value's reading and one sentence comparing them."""

    hyperparameter: str
    readings: tuple[ValueReading, ...]
    comparison: str
    tolerance: float

    def reading(self, value: object) -> ValueReading:
        return next(reading for reading in self.readings if reading.value == value)


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _label(behaviours: Sequence[str], *, resource: bool, unit: str) -> str:
    """The course's word for the first (most telling) behaviour."""
    words = {
        Behaviour.FAILED: "diverged",
        Behaviour.DIVERGES: "overshooting: it diverges",
        Behaviour.OSCILLATES: "overshooting",
        Behaviour.OVERFITS: "overfitting",
        Behaviour.PAST_BEST: "past its best (no training curve to tell whether it overfits)",
        Behaviour.STILL_IMPROVING: f"underfitting: too few {unit}" if resource else "slow: still learning",
        Behaviour.HARDLY_LEARNS: "it hardly learns: underfitting",
        Behaviour.UNDERFITS: "too simple: underfitting",
        Behaviour.NOISIER: "noisy",
        Behaviour.SETTLES_FIRST: "fast",
        Behaviour.SLOWEST: "slow to train",
        Behaviour.STEADY: "steady",
    }
    return words[behaviours[0]] if behaviours else words[Behaviour.STEADY]


def read_lab(
    hyperparameter: str,
    curves: Mapping[object, Curve],
    *,
    higher_is_better: bool,
    metric_name: str = "objective",
    training: Mapping[object, Curve] | None = None,
    failures: Mapping[object, str] | None = None,
    baseline: float | None = None,
    resource: bool = False,
    step_name: str = "step",
    unit: str = "steps",
    seconds: Mapping[object, float] | None = None,
) -> LabReading:
    """Read every value's curves: a sentence per value and one comparing them.

    ``curves`` maps each value tried to its validation curve; ``training`` (optional) to its
    training curve, on the same steps. ``failures`` gives the failure reason of a value whose
    training job failed. ``baseline`` is the objective of a model that learns nothing
    (:mod:`tuning.analysis.baseline`); a curve ending worse than it diverged. ``resource`` is
    True when the hyperparameter is the training resource itself (epochs, num_round), so a
    curve still improving at its end had too few of them; ``step_name`` and ``unit`` name
    the step in sentences ("epoch", "epochs"). ``seconds`` (optional) is each value's training
    time, which the comparison quotes (a batch size's cost shows there, not on the curve).
    """
    training = training or {}
    failures = failures or {}
    tolerance = lab_tolerance(list(curves.values()), higher_is_better=higher_is_better)
    shapes = {value: measure_curve(curve, training.get(value, ()), higher_is_better=higher_is_better,
                                   tolerance=tolerance) for value, curve in curves.items()}
    measured = {value: shape for value, shape in shapes.items() if shape is not None and value not in failures}
    best_value = min(measured, key=lambda v: measured[v].final_shortfall) if measured else None
    quietest = min(measured, key=lambda v: measured[v].noise) if len(measured) > 1 else None
    settles = sorted(measured, key=lambda v: measured[v].settle_step)
    first_settler = settles[0] if len(settles) > 1 and (
        measured[settles[0]].settle_step * 1.5 <= measured[settles[1]].settle_step) else None
    seconds = {value: float(spent) for value, spent in (seconds or {}).items() if spent is not None}
    timed = sorted(seconds, key=seconds.get)
    slowest = timed[-1] if len(timed) > 1 and seconds[timed[-1]] > SLOWER_RATIO * seconds[timed[0]] else None
    baseline_short = None if baseline is None else float(_shortfall(np.array([baseline]), higher_is_better)[0])
    name = metric_name.split(":")[-1]

    readings = []
    for value, shape in shapes.items():
        head = f"{hyperparameter} {show_value(value)}"
        if value in failures or shape is None:
            why = failures.get(value, "it reported no finite value")
            steps = f" after {shape.points} {unit}" if shape is not None else ""
            readings.append(ValueReading(value, shape, (Behaviour.FAILED,), "diverged",
                                         f"{head}: training failed{steps} ({why}): diverged.", failures.get(value)))
            continue
        behaviours, facts = [], []
        if shape.swings >= MIN_SWINGS:
            facts.append(f"the validation {name} swings up {shape.swings} times (by up to {_fmt(shape.largest_swing)})")
        below_baseline = baseline_short is not None and shape.final_shortfall > baseline_short
        if below_baseline or (shape.worse_than_start > tolerance and shape.swings >= MIN_SWINGS):
            behaviours.append(Behaviour.DIVERGES)
            facts.append(f"it ends at {_fmt(shape.final)}, worse than "
                         + (f"a model that learns nothing ({_fmt(baseline)})" if below_baseline
                            else f"where it started ({_fmt(shape.first)})"))
        elif shape.swings >= MIN_SWINGS:
            behaviours.append(Behaviour.OSCILLATES)
        past = shape.lost_after_best > tolerance and shape.best_step < EARLY_BEST_SHARE * shape.last_step
        if past and Behaviour.DIVERGES not in behaviours:
            trains_on = shape.train_gain_after_best is not None and shape.train_gain_after_best > tolerance
            if trains_on:
                behaviours.append(Behaviour.OVERFITS)
                facts.append(f"validation is best at {step_name} {shape.best_step} ({_fmt(shape.best)}) and then gets "
                             f"worse while training keeps improving (gap {_fmt(shape.gap)} at the end)")
            else:
                behaviours.append(Behaviour.PAST_BEST)
                training_said = (" while training also stops improving" if shape.train_gain_after_best is not None
                                 else "")
                facts.append(f"validation is best at {step_name} {shape.best_step} ({_fmt(shape.best)}) and then gets "
                             f"worse{training_said}")
        if (shape.late_gain > tolerance / 2 and shape.best_step >= LATE_BEST_SHARE * shape.last_step
                and not behaviours):
            behaviours.append(Behaviour.STILL_IMPROVING)
            facts.append(f"it is still improving at its last {step_name} ({shape.last_step})")
        if shape.learned <= tolerance and not behaviours:
            behaviours.append(Behaviour.HARDLY_LEARNS)
            facts.append(f"it hardly moves ({_fmt(shape.first)} to {_fmt(shape.final)})")
        if (behaviours in ([], [Behaviour.HARDLY_LEARNS]) and best_value is not None and value != best_value
                and shape.final_shortfall > UNDERFIT_RATIO * measured[best_value].final_shortfall
                and shape.final_shortfall - measured[best_value].final_shortfall > tolerance):
            behaviours.append(Behaviour.UNDERFITS)
            facts.append(f"it settles by {step_name} {shape.settle_step} at a level clearly worse than the best value's")
        if value == first_settler:
            behaviours.append(Behaviour.SETTLES_FIRST)
            facts.append(f"it gets within reach of its best soonest ({step_name} {shape.settle_step})")
        if (quietest is not None and value != quietest and shape.noise > tolerance / 2
                and shape.noise > NOISIER_RATIO * measured[quietest].noise):
            behaviours.append(Behaviour.NOISIER)
            facts.append(f"the curve is noisier than at {show_value(quietest)} (jitter {_fmt(shape.noise)} against "
                         f"{_fmt(measured[quietest].noise)})")
        if value == slowest:
            behaviours.append(Behaviour.SLOWEST)
            facts.append(f"it takes the longest to train ({seconds[value]:.1f} s against {seconds[timed[0]]:.1f} s "
                         f"at {show_value(timed[0])})")
        if not behaviours:
            behaviours.append(Behaviour.STEADY)
            facts.append(f"it settles by {step_name} {shape.settle_step}")
        if best_value is not None and value != best_value:
            facts.append(f"it ends at {_fmt(shape.final)}, worse than {_fmt(measured[best_value].final)} "
                          f"at {show_value(best_value)}" if Behaviour.DIVERGES not in behaviours
                          else f"the best value, {show_value(best_value)}, ends at {_fmt(measured[best_value].final)}")
        elif best_value is not None and len(measured) > 1:
            facts.append(f"it ends at {_fmt(shape.final)}, the best of the values tried")
        label = _label(behaviours, resource=resource, unit=unit)
        readings.append(ValueReading(value, shape, tuple(behaviours), label,
                                     f"{head}: {'; '.join(facts)}: {label}."))
    return LabReading(hyperparameter, tuple(readings),
                      _comparison(hyperparameter, measured, failures, best_value, name, seconds), tolerance)


def _comparison(hyperparameter: str, measured: Mapping[object, CurveShape], failures: Mapping[object, str],
                best_value: object, name: str, seconds: Mapping[object, float]) -> str:
    """One sentence across the values: which ended best and worst, and which failed."""
    if best_value is None:
        return f"No value of {hyperparameter} finished with a curve to compare."
    ranked = sorted(measured, key=lambda v: measured[v].final_shortfall)
    parts = [f"Best final validation {name}: {hyperparameter} {show_value(best_value)} ({_fmt(measured[best_value].final)})"]
    if len(ranked) > 1:
        worst = ranked[-1]
        parts.append(f"worst: {show_value(worst)} ({_fmt(measured[worst].final)})")
    if failures:
        parts.append(f"failed: {', '.join(map(show_value, failures))}")
    timed = sorted(seconds, key=seconds.get)
    if len(timed) > 1 and seconds[timed[-1]] > SLOWER_RATIO * seconds[timed[0]]:
        parts.append(f"quickest to train: {show_value(timed[0])} ({seconds[timed[0]]:.1f} s), slowest: "
                     f"{show_value(timed[-1])} "
                     f"({seconds[timed[-1]]:.1f} s)")
    return "; ".join(parts) + ". One seed: another seed can order close values differently."

