"""What a tuning job trained, and what early stopping or Hyperband saved, in resource units and seconds.

AMT's DescribeHyperParameterTuningJob reports ``ConsumedResources.RuntimeInSeconds``; the
course says tuning with early stopping "saves money". TuneLab shows both sides: the rounds
(epochs, trees) the training jobs really trained, and what the *same* training jobs would
have trained without being stopped. A stopped job's remaining resource is costed at its
own measured seconds per unit (a job with a deep tree and a low eta is slower per round
than a shallow one), so the saving is an estimate from this run's own timings, said as
"about". A job that failed or is still running claims no saving.

With a price per instance-hour that the user types (none by default, never fetched: AWS's
prices vary by region and change), the same line gives the cost spent and saved. Each
training job counts as one instance for its own time, as AMT bills them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuning.algorithms import get_algorithm
from tuning.errors import ValidationError
from tuning.records import TrainingJobStatus

if TYPE_CHECKING:
    from tuning.records import TrainingJob, TuningJob

__all__ = ["ComputeUsage", "compute_usage", "training_resource"]


def training_resource(tuning_job: TuningJob, training_job: TrainingJob) -> int | None:
    """How many resource units ``training_job`` was to train in full (``num_round`` for
    XGBoost), or ``None`` for an algorithm without a resource."""
    algorithm = get_algorithm(tuning_job.algorithm)
    resource = algorithm.resource
    if resource is None:
        return None
    if resource in training_job.hyperparameters:
        return int(training_job.hyperparameters[resource])
    config: Mapping[str, Any] = tuning_job.config
    strategy_config = config.get("StrategyConfig") or {}
    # Only a strategy that grows the resource itself (Hyperband) has MaxResource: prepare refuses it for the others.
    if strategy_config.get("MaxResource"):
        return int(strategy_config["MaxResource"])
    try:
        return int(algorithm.resolve(config.get("StaticHyperparameters") or {})[resource])
    except (ValidationError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class ComputeUsage:
    """The resource and seconds a tuning job's finished training jobs used, and would have used."""

    unit: str
    """The resource's unit, plural: "boosting rounds"."""
    used: int
    full: int
    """What the same training jobs would have trained, none stopped."""
    seconds: float
    seconds_in_full: float
    """An estimate: each stopped job's remaining units at its own seconds per unit."""
    stopped: int
    finished: int

    @property
    def saved(self) -> int:
        return self.full - self.used

    @property
    def saved_share(self) -> float:
        return self.saved / self.full if self.full else 0.0

    @property
    def seconds_saved(self) -> float:
        return max(0.0, self.seconds_in_full - self.seconds)

    def line(self, *, price_per_hour: float | None = None, currency: str = "USD") -> str:
        """One sentence: "used 836 of 2,000 boosting rounds (58% saved, about 38 s of training)"."""
        text = (f"used {self.used:,} of {self.full:,} {self.unit} "
                f"({self.saved_share:.0%} saved, about {_seconds(self.seconds_saved)} of training)")
        if price_per_hour is not None:
            spent = self.seconds / 3600 * price_per_hour
            saved = self.seconds_saved / 3600 * price_per_hour
            text += (f"; at {price_per_hour:g} {currency} an instance-hour, {_money(spent, currency)} spent "
                     f"and about {_money(saved, currency)} saved")
        return text

    def to_json(self) -> dict[str, Any]:
        """For ``describe()``, next to AMT's ConsumedResources."""
        return {"ResourceUnit": self.unit, "ResourceUsed": self.used, "ResourceWithoutStopping": self.full,
                "SavedShare": round(self.saved_share, 4), "TrainingSeconds": round(self.seconds, 3),
                "EstimatedTrainingSecondsWithoutStopping": round(self.seconds_in_full, 3),
                "StoppedTrainingJobs": self.stopped}


def _seconds(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _money(amount: float, currency: str) -> str:
    # Three significant digits below 1 (a demo's cost is cents or less), then cents.
    return f"{amount:.3g} {currency}" if amount < 1 else f"{amount:,.2f} {currency}"


def compute_usage(tuning_job: TuningJob, training_jobs: Sequence[TrainingJob]) -> ComputeUsage | None:
    """What the finished training jobs used; ``None`` for an algorithm without a resource
    (k-NN trains once) or before any training job has finished."""
    algorithm = get_algorithm(tuning_job.algorithm)
    if algorithm.resource is None:
        return None
    used = full = stopped = finished = 0
    seconds = seconds_in_full = 0.0
    for job in training_jobs:
        if job.status == TrainingJobStatus.IN_PROGRESS:
            continue
        total = training_resource(tuning_job, job)
        trained = job.intermediate_values[-1][0] if job.intermediate_values else 0
        elapsed = job.elapsed_seconds or 0.0
        finished += 1
        if total is None:
            continue
        used += trained
        seconds += elapsed
        if job.status == TrainingJobStatus.STOPPED and 0 < trained < total:
            stopped += 1
            full += total
            seconds_in_full += elapsed * total / trained
        else:  # completed (its whole resource), or failed (what it trained): nothing saved is claimed
            full += max(trained, total) if job.status == TrainingJobStatus.COMPLETED else trained
            seconds_in_full += elapsed
    if not finished:
        return None
    return ComputeUsage(algorithm.resource_unit, used, full, seconds, seconds_in_full, stopped, finished)
