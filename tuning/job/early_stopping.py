"""Stopping weak training jobs early: AMT's median rule, and Hyperband's brackets.

With ``TrainingJobEarlyStoppingType="Auto"``, AMT checks a training job after every
round (epoch) and stops it when its objective at that round is worse than the *median of
the running averages* of the earlier training jobs' objectives up to the same round.
Optuna's ``MedianPruner`` is close but not the same rule: it compares against the median
of the other trials' values *at* that step, not of their running averages. The difference
matters for noisy curves, where the running average is the steadier yardstick, so this
module writes AMT's rule as an Optuna pruner (about forty lines) and uses Optuna's own
``HyperbandPruner`` for the Hyperband strategy unchanged.

TuneLab's Auto is AMT's median rule plus two guards that make it decide on evidence
(AMT publishes neither its own warm-up nor its number of earlier jobs):

- a *grace period*: no job is judged before it has trained ``grace_period`` resource
  units (rounds, epochs). This is ASHA's grace period (Li et al. 2020, "A System for
  Massively Parallel Hyperparameter Tuning") and Optuna's ``n_warmup_steps``. Without
  it, on bank-marketing every job was judged at round 3, when all of them still predicted
  the majority class, and slow starters (a low eta) were stopped before they learnt
  anything. The default is :data:`DEFAULT_GRACE_SHARE` of the job's resource.
- *no decision on a plateau*: while most of the curves a job is compared with have not
  moved from their first value (every model still predicts the majority class), their
  median says nothing about which hyperparameters are better, so no job is stopped.
  A job is also never stopped for being worse than the median by float rounding alone
  (the running average of equal values can differ from them in the last bit).

Both are used through :func:`create_pruner`; the runner consults the pruner after each
report of a training job and stops the job when it says so (the job ends as Stopped,
keeping its last objective value, which is an interim value, not its score).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import optuna
from optuna.pruners import BasePruner, HyperbandPruner, NopPruner
from optuna.trial import TrialState

from tuning.errors import ValidationError

if TYPE_CHECKING:
    from optuna.study import Study
    from optuna.trial import FrozenTrial

__all__ = ["DEFAULT_GRACE_SHARE", "AmtMedianStoppingRule", "MedianRuleDecision", "create_pruner", "default_grace_period",
           "median_rule_decision", "running_average"]

DEFAULT_GRACE_SHARE = 0.1
"""The default grace period, as a share of a training job's resource (10 of 100 rounds).

Measured on the course's bank-marketing lesson (``bench/bench_lesson.py``, 5 seeds, grace
10, 15 and 20 rounds): the accuracy found was the same at all three (within 0.0006 of
Off), while 10 rounds used the fewest rounds (Random 67%, Bayesian 75% of Off's); see
the README's table. Before it, jobs were judged from round 1."""
_TIE = 1e-9
"""Relative margin below which a value counts as equal to the median (float rounding)."""


def default_grace_period(resource: int) -> int:
    """The grace period for a job of ``resource`` units: :data:`DEFAULT_GRACE_SHARE` of it, at least 1."""
    return max(1, math.ceil(DEFAULT_GRACE_SHARE * int(resource)))


def check_grace_period(value: object, where: str = "early_stopping_grace_period") -> int | None:
    """``None`` (the default share) or a whole number of resource units, 1 or more.

    ``where`` is the name the message gives it, and the error's ``field``.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not (math.isfinite(value) and value.is_integer())) or value < 1:
        raise ValidationError(
            f"{where} must be a whole number of training rounds (epochs), 1 or more, but got {value!r}. "
            "It is how many rounds every training job trains before early stopping may judge it; "
            "leave it out for the default (a tenth of the job's rounds).",
            field=where,
        )
    return int(value)


def _on_starting_plateau(values: list[float]) -> bool:
    first = values[0]
    return all(abs(v - first) <= _TIE * max(1.0, abs(first)) for v in values)


class AmtMedianStoppingRule(BasePruner):
    """Stop a job that is worse than the median of earlier jobs' running averages.

    At step ``s``, job ``j``'s value ``v`` is compared with, for each training job that
    started before ``j`` and reported at or beyond step ``s``, the mean of its values up
    to step ``s``. If ``v`` is worse than the median of those means, ``j`` stops.

    The rule waits for evidence: it needs ``min_earlier_jobs`` earlier jobs with values
    at the step (AMT does not publish its number; TuneLab uses 5, Optuna's default for
    ``MedianPruner``), it never stops a job before ``grace_period`` steps, and it stops
    nothing while most of the earlier curves are still on their starting plateau (see
    the module docstring).

    >>> import optuna
    >>> study = optuna.create_study(pruner=AmtMedianStoppingRule(grace_period=10))
    """

    def __init__(self, *, min_earlier_jobs: int = 5, grace_period: int = 1) -> None:
        if min_earlier_jobs < 1:
            raise ValueError(f"`min_earlier_jobs >= 1` must hold, but got {min_earlier_jobs}.")
        self._min_earlier_jobs = min_earlier_jobs
        self._grace_period = check_grace_period(grace_period, "grace_period") or 1

    @property
    def grace_period(self) -> int:
        """No job is judged before this step."""
        return self._grace_period

    @property
    def min_earlier_jobs(self) -> int:
        """No job is judged against fewer earlier jobs than this."""
        return self._min_earlier_jobs

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = trial.last_step
        if step is None:
            return False
        earlier = [
            other.intermediate_values
            for other in study.get_trials(
                deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING))
            if other.number < trial.number
        ]
        decision = median_rule_decision(
            trial.intermediate_values[step], step, earlier,
            maximize=study.direction == optuna.study.StudyDirection.MAXIMIZE,
            min_earlier_jobs=self._min_earlier_jobs, grace_period=self._grace_period,
        )
        return decision.stop


@dataclass(frozen=True)
class MedianRuleDecision:
    """What AMT's median rule weighed for one job at one step, and what it decided.

    ``value`` is the job's objective at ``step``; ``median`` the median of the earlier
    jobs' running averages up to ``step`` (``None`` when the rule did not get that far:
    inside the grace period, too few earlier jobs, or on the starting plateau, see
    ``reason``). ``compared`` is how many earlier jobs' running averages were weighed.
    """

    step: int
    value: float
    median: float | None
    compared: int
    stop: bool
    reason: str


def running_average(curve: Mapping[int, float], step: int) -> float | None:
    """The mean of a curve's values up to ``step``; ``None`` if it never reached ``step``.

    ``curve`` maps step to value (Optuna's ``intermediate_values``; ``dict(job.intermediate_values)``).
    """
    if not curve or max(curve) < step:
        return None  # it never got this far: no running average at this step
    upto = [v for s, v in sorted(curve.items()) if s <= step]
    return sum(upto) / len(upto)


def median_rule_decision(value: float, step: int, earlier: Iterable[Mapping[int, float]], *, maximize: bool,
                         min_earlier_jobs: int = 5, grace_period: int = 1) -> MedianRuleDecision:
    """AMT's median rule for a job whose objective at ``step`` is ``value``.

    ``earlier`` holds the curves (step -> value) of the training jobs that started before it
    and did not fail. This is the rule itself: :class:`AmtMedianStoppingRule` decides with
    it while jobs run, and :mod:`tuning.analysis.median_rule` shows with it, after the
    fact, the numbers that decided, so the two cannot drift apart.
    """
    if step < grace_period:
        return MedianRuleDecision(step, value, None, 0, False, f"inside the grace period ({grace_period})")
    averages = []
    on_plateau = 0
    for curve in earlier:
        average = running_average(curve, step)
        if average is None:
            continue
        averages.append(average)
        on_plateau += _on_starting_plateau([v for s, v in sorted(curve.items()) if s <= step])
    if len(averages) < min_earlier_jobs:
        return MedianRuleDecision(step, value, None, len(averages), False,
                                  f"{len(averages)} earlier jobs reached this step, fewer than {min_earlier_jobs}")
    if 2 * on_plateau > len(averages):
        return MedianRuleDecision(step, value, None, len(averages), False,
                                  f"{on_plateau} of {len(averages)} earlier curves still on their starting value")
    median = statistics.median(averages)
    margin = _TIE * max(1.0, abs(median))
    worse = value < median - margin if maximize else value > median + margin
    return MedianRuleDecision(step, value, median, len(averages), worse,
                              "worse than the median" if worse else "not worse than the median")


def create_pruner(
    kind: str,
    *,
    min_resource: int | None = None,
    max_resource: int | None = None,
) -> BasePruner:
    """The pruner for a tuning job: ``"Off"``, ``"Auto"`` (AMT's rule) or ``"Hyperband"``.

    For Auto, ``min_resource`` is the grace period (default 1). Hyperband uses Optuna's
    ``HyperbandPruner`` with a reduction factor of 3 between ``min_resource`` and
    ``max_resource`` (AMT's HyperbandStrategyConfig).
    """
    if kind == "Off":
        return NopPruner()
    if kind == "Auto":
        return AmtMedianStoppingRule(grace_period=int(min_resource or 1))
    if kind == "Hyperband":
        return HyperbandPruner(
            min_resource=int(min_resource or 1),
            max_resource=int(max_resource) if max_resource else "auto",
            reduction_factor=3,
        )
    raise ValueError(f"unknown pruner kind {kind!r}")
