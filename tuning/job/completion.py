"""AMT's TuningJobCompletionCriteria: end a tuning job early when more jobs would not help.

Three criteria, in AWS's names, any of which ends the job (running training jobs are
stopped, finished ones kept, and the tuning job is Completed with the reason recorded):

- ``TargetObjectiveMetricValue``: a completed training job reached this objective value
  (at least it when maximizing, at most it when minimizing).
- ``BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving`` (3 or more, as in
  AMT): that many completed training jobs in a row did not improve the best objective.
  A job *improves* when it beats the best so far by 1% or more of the best's magnitude.
- ``ConvergenceDetected.CompleteOnConvergence = Enabled``: AMT does not publish its rule;
  TuneLab's is written here so a student can check it. Once at least
  :data:`CONVERGENCE_MIN_JOBS` training jobs have completed, the search has converged when
  the best objective of the last :data:`CONVERGENCE_WINDOW` completed jobs improved the
  best of all the earlier ones by less than :data:`CONVERGENCE_TOLERANCE` (0.1%) of its
  magnitude: the recent jobs no longer find anything better.

Jobs are counted in the order they complete, as AMT sees them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tuning.errors import ValidationError

__all__ = ["CONVERGENCE_MIN_JOBS", "CONVERGENCE_TOLERANCE", "CONVERGENCE_WINDOW", "IMPROVEMENT",
           "CompletionCriteria", "CompletionTracker"]

IMPROVEMENT = 0.01
"""A job improves the best when it beats it by this share of the best's magnitude (AMT: 1%)."""
CONVERGENCE_MIN_JOBS = 20
CONVERGENCE_WINDOW = 10
CONVERGENCE_TOLERANCE = 0.001
_MIN_NOT_IMPROVING = 3
_WHERE = "TuningJobCompletionCriteria"


@dataclass(frozen=True)
class CompletionCriteria:
    """AMT's TuningJobCompletionCriteria; see the module docstring for each rule."""

    target_objective_metric_value: float | None = None
    max_number_of_training_jobs_not_improving: int | None = None
    complete_on_convergence: bool = False

    def check(self) -> None:
        target = self.target_objective_metric_value
        if target is not None and (isinstance(target, bool) or not isinstance(target, (int, float))
                                   or not math.isfinite(target)):
            raise ValidationError(f"{_WHERE}.TargetObjectiveMetricValue: must be a finite number, but got {target!r}.")
        count = self.max_number_of_training_jobs_not_improving
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < _MIN_NOT_IMPROVING):
            raise ValidationError(
                f"{_WHERE}.BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving: must be a whole number "
                f"of at least {_MIN_NOT_IMPROVING} (as in AMT), but got {count!r}."
            )
        if not isinstance(self.complete_on_convergence, bool):
            raise ValidationError(f"{_WHERE}.ConvergenceDetected.CompleteOnConvergence: must be 'Enabled' or "
                                  f"'Disabled', but got {self.complete_on_convergence!r}.")

    def to_json(self) -> dict[str, Any]:
        """AWS's shape, with only the criteria that are set."""
        data: dict[str, Any] = {}
        if self.target_objective_metric_value is not None:
            data["TargetObjectiveMetricValue"] = self.target_objective_metric_value
        if self.max_number_of_training_jobs_not_improving is not None:
            data["BestObjectiveNotImproving"] = {
                "MaxNumberOfTrainingJobsNotImproving": self.max_number_of_training_jobs_not_improving}
        if self.complete_on_convergence:
            data["ConvergenceDetected"] = {"CompleteOnConvergence": "Enabled"}
        return data

    @classmethod
    def from_json(cls, data: Any) -> CompletionCriteria:
        """Read AWS's shape; unknown fields and wrong types are refused with their JSON path."""
        if not isinstance(data, Mapping):
            raise ValidationError(f"{_WHERE}: must be an object, but got {data!r}.")
        known = {"TargetObjectiveMetricValue", "BestObjectiveNotImproving", "ConvergenceDetected"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationError(f"{_WHERE}: unknown field(s) {', '.join(unknown)}; it takes {', '.join(sorted(known))}.")
        count = None
        if "BestObjectiveNotImproving" in data:
            part = data["BestObjectiveNotImproving"]
            if not isinstance(part, Mapping) or set(part) != {"MaxNumberOfTrainingJobsNotImproving"}:
                raise ValidationError(f'{_WHERE}.BestObjectiveNotImproving: must be '
                                      f'{{"MaxNumberOfTrainingJobsNotImproving": N}}, but got {part!r}.')
            count = part["MaxNumberOfTrainingJobsNotImproving"]
        convergence = False
        if "ConvergenceDetected" in data:
            part = data["ConvergenceDetected"]
            value = part.get("CompleteOnConvergence") if isinstance(part, Mapping) else None
            if not isinstance(part, Mapping) or set(part) != {"CompleteOnConvergence"} or value not in (
                    "Enabled", "Disabled"):
                raise ValidationError(f'{_WHERE}.ConvergenceDetected: must be {{"CompleteOnConvergence": '
                                      f'"Enabled" or "Disabled"}}, but got {part!r}.')
            convergence = value == "Enabled"
        criteria = cls(data.get("TargetObjectiveMetricValue"), count, convergence)
        criteria.check()
        return criteria


class CompletionTracker:
    """Watches completed training jobs' objectives; says when a criterion ends the job."""

    def __init__(self, criteria: CompletionCriteria, *, maximize: bool) -> None:
        self.criteria = criteria
        self.sign = 1.0 if maximize else -1.0  # compare as "higher is better" throughout
        self.values: list[float] = []
        self.best: float | None = None
        self.not_improving = 0

    def _improves(self, value: float, best: float | None, share: float) -> bool:
        if best is None:
            return True
        gain = self.sign * (value - best)
        return gain > 0 and gain >= share * abs(best)

    def observe(self, value: float) -> str | None:
        """Record a completed job's objective; return why the tuning job ends, or None."""
        criteria = self.criteria
        target = criteria.target_objective_metric_value
        if target is not None and self.sign * (value - target) >= 0:
            return f"TargetObjectiveMetricValue ({target:g}) reached: a training job scored {value:.6g}"
        if self._improves(value, self.best, IMPROVEMENT):
            self.not_improving = 0
        else:
            self.not_improving += 1
        if self.best is None or self.sign * (value - self.best) > 0:
            self.best = value
        self.values.append(value)
        limit = criteria.max_number_of_training_jobs_not_improving
        if limit is not None and self.not_improving >= limit:
            return (f"BestObjectiveNotImproving: {limit} training jobs in a row did not improve the best "
                    f"objective ({self.best:.6g}) by 1% or more")
        if criteria.complete_on_convergence and len(self.values) >= CONVERGENCE_MIN_JOBS:
            earlier = self.values[:-CONVERGENCE_WINDOW]
            recent = self.values[-CONVERGENCE_WINDOW:]
            earlier_best = max(earlier, key=lambda v: self.sign * v)
            recent_best = max(recent, key=lambda v: self.sign * v)
            if not self._improves(recent_best, earlier_best, CONVERGENCE_TOLERANCE):
                return (f"ConvergenceDetected: the last {CONVERGENCE_WINDOW} completed training jobs improved the "
                        f"best objective by less than 0.1%")
        return None
