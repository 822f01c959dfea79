"""Stopping weak training jobs early: AMT's median rule, and Hyperband's brackets.

With ``TrainingJobEarlyStoppingType="Auto"``, AMT checks a training job after every
round (epoch) and stops it when its objective at that round is worse than the *median of
the running averages* of the earlier training jobs' objectives up to the same round.
Optuna's ``MedianPruner`` is close but not the same rule: it compares against the median
of the other trials' values *at* that step, not of their running averages. The difference
matters for noisy curves, where the running average is the steadier yardstick, so this
module writes AMT's rule as an Optuna pruner (about thirty lines) and uses Optuna's own
``HyperbandPruner`` for the Hyperband strategy unchanged.

Both are used through :func:`create_pruner`; the runner consults the pruner after each
report of a training job and stops the job when it says so (the job ends as Stopped,
keeping its last objective value).
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

import optuna
from optuna.pruners import BasePruner, HyperbandPruner, NopPruner
from optuna.trial import TrialState

if TYPE_CHECKING:
    from optuna.study import Study
    from optuna.trial import FrozenTrial

__all__ = ["AmtMedianStoppingRule", "create_pruner"]


class AmtMedianStoppingRule(BasePruner):
    """Stop a job that is worse than the median of earlier jobs' running averages.

    At step ``s``, job ``j``'s value ``v`` is compared with, for each training job that
    started before ``j`` and reported at or beyond step ``s``, the mean of its values up
    to step ``s``. If ``v`` is worse than the median of those means, ``j`` stops.

    The rule waits for evidence: it needs ``min_earlier_jobs`` earlier jobs with values
    at the step (AMT does not publish its number; TuneLab uses 5, Optuna's default for
    ``MedianPruner``), and it never stops a job before ``min_steps`` steps.

    >>> import optuna
    >>> study = optuna.create_study(pruner=AmtMedianStoppingRule())
    """

    def __init__(self, *, min_earlier_jobs: int = 5, min_steps: int = 1) -> None:
        if min_earlier_jobs < 1:
            raise ValueError(f"`min_earlier_jobs >= 1` must hold, but got {min_earlier_jobs}.")
        self._min_earlier_jobs = min_earlier_jobs
        self._min_steps = min_steps

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = trial.last_step
        if step is None or step < self._min_steps:
            return False
        value = trial.intermediate_values[step]
        averages = []
        for other in study.get_trials(
            deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
        ):
            if other.number >= trial.number or not other.intermediate_values:
                continue
            if max(other.intermediate_values) < step:
                continue  # it never got this far: no running average at this step
            upto = [v for s, v in other.intermediate_values.items() if s <= step]
            averages.append(sum(upto) / len(upto))
        if len(averages) < self._min_earlier_jobs:
            return False
        median = statistics.median(averages)
        if study.direction == optuna.study.StudyDirection.MAXIMIZE:
            return value < median
        return value > median


def create_pruner(
    kind: str,
    *,
    min_resource: int | None = None,
    max_resource: int | None = None,
) -> BasePruner:
    """The pruner for a tuning job: ``"Off"``, ``"Auto"`` (AMT's rule) or ``"Hyperband"``.

    Hyperband uses Optuna's ``HyperbandPruner`` with a reduction factor of 3 between
    ``min_resource`` and ``max_resource`` (AMT's HyperbandStrategyConfig).
    """
    if kind == "Off":
        return NopPruner()
    if kind == "Auto":
        return AmtMedianStoppingRule()
    if kind == "Hyperband":
        return HyperbandPruner(
            min_resource=int(min_resource or 1),
            max_resource=int(max_resource) if max_resource else "auto",
            reduction_factor=3,
        )
    raise ValueError(f"unknown pruner kind {kind!r}")
