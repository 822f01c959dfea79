"""The gap between a training job's training and validation curves: how much it overfits.

A model that fits its training rows better and better while its validation objective
stalls or worsens has stopped learning what generalises: the gap between the two curves is
what the course calls overfitting. Both curves are recorded per step
(:attr:`tuning.records.TrainingJob.intermediate_values` and
``train_intermediate_values``); this module lines them up and measures the gap, for the
learning-curves chart and anything that reads it in words.

The gap is signed in the objective's direction, so it reads the same for AUC (maximised)
and RMSE (minimised): positive means training scores *better* than validation. The training
side is scored on a fixed sample of at most 5,000 training rows
(:data:`tuning.algorithms.TRAINING_CURVE_ROWS`), so a gap on a large dataset is measured
against that sample, not every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuning.records import TrainingJob

__all__ = ["TrainGap", "gap_curve", "last_gap", "last_gaps"]


@dataclass(frozen=True)
class TrainGap:
    """One training job's two channels at one step, and how far apart they are."""

    training_job: str
    step: int
    train_value: float
    validation_value: float
    gap: float
    """Training minus validation for a maximised objective, validation minus training for a
    minimised one: positive when training scores better (the usual sign of overfitting)."""


def gap_curve(job: TrainingJob, *, maximize: bool) -> list[TrainGap]:
    """The gap at every step both curves have, in step order ([] when the job has no training curve)."""
    validation = dict(job.intermediate_values)
    return [_gap(job.name, int(step), float(train), float(validation[step]), maximize)
            for step, train in sorted(job.train_intermediate_values) if step in validation]


def last_gap(job: TrainingJob, *, maximize: bool) -> TrainGap | None:
    """The gap at the last step both curves have: where the job ended (None without a training curve)."""
    curve = gap_curve(job, maximize=maximize)
    return curve[-1] if curve else None


def last_gaps(jobs: Sequence[TrainingJob], *, objective_type: str) -> dict[str, TrainGap]:
    """Each job's gap at its last step, by training job name; jobs without a training curve left out."""
    maximize = objective_type == "Maximize"
    gaps = {job.name: last_gap(job, maximize=maximize) for job in jobs}
    return {name: gap for name, gap in gaps.items() if gap is not None}


def _gap(name: str, step: int, train: float, validation: float, maximize: bool) -> TrainGap:
    return TrainGap(name, step, train, validation, train - validation if maximize else validation - train)
