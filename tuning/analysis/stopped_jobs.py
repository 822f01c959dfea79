"""A stopped training job's value is an interim value: say so, and say when the stopping had no evidence.

A job that early stopping (or Hyperband, or a user) stopped keeps, as AMT's
FinalObjectiveValue, its last reported objective: its score *at the round it was stopped*,
not what its hyperparameters would have scored. Tables and charts that put it beside
completed jobs' final values mislead, so it is written with its round:
"0.887 at round 20 of 100 (stopped)".

When many stopped jobs were stopped on the very same value (seen on bank-marketing: every
model still predicted the majority class, so all scored 0.887), the decisions were taken
on values that tell hyperparameters apart not at all. :func:`stopping_evidence` finds that
and says it in a sentence, for the job's notes on Monitor, Results and ``show``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tuning.algorithms import get_algorithm
from tuning.records import TrainingJobStatus
from tuning.analysis.resource_use import training_resource

if TYPE_CHECKING:
    from tuning.analysis.baseline import Baseline
    from tuning.records import TrainingJob, TuningJob

__all__ = ["objective_text", "stopped_at", "stopping_evidence"]

_SAME = 1e-9


def stopped_at(training_job: TrainingJob) -> int | None:
    """The resource step a Stopped job reached, or ``None`` (not stopped, or no curve)."""
    if training_job.status != TrainingJobStatus.STOPPED or not training_job.intermediate_values:
        return None
    return int(training_job.intermediate_values[-1][0])


def objective_text(tuning_job: TuningJob, training_job: TrainingJob, digits: int = 4) -> str:
    """The job's objective for a table: "0.9136", or "0.8874 at round 20 of 100 (stopped)",
    "-" without a value."""
    value = training_job.final_objective_value
    if value is None:
        return "-"
    text = f"{value:.{digits}f}"
    step = stopped_at(training_job)
    if training_job.status != TrainingJobStatus.STOPPED:
        return text
    if step is None:
        return f"{text} (stopped)"
    word = get_algorithm(tuning_job.algorithm).resource_step or "step"
    total = training_resource(tuning_job, training_job)
    return f"{text} at {word} {step}" + (f" of {total}" if total else "") + " (stopped)"


def stopping_evidence(tuning_job: TuningJob, training_jobs: Sequence[TrainingJob],
                      baseline: Baseline | None = None) -> str | None:
    """A sentence when at least half of the stopped jobs (two or more) were stopped on one
    and the same value, else ``None``. Needs the jobs' curves."""
    stopped = [job for job in training_jobs if stopped_at(job) is not None and job.final_objective_value is not None]
    if len(stopped) < 2:
        return None
    values = Counter(round(job.final_objective_value, 9) for job in stopped)
    value, count = values.most_common(1)[0]
    if 2 * count < len(stopped) or count < 2:
        return None
    same = [job for job in stopped if abs(job.final_objective_value - value) <= _SAME * max(1.0, abs(value))]
    steps = sorted(stopped_at(job) for job in same)
    word = get_algorithm(tuning_job.algorithm).resource_step or "step"
    where = f"{word} {steps[0]}" if steps[0] == steps[-1] else f"{word}s {steps[0]}-{steps[-1]}"
    text = (f"{len(same)} of {len(stopped)} stopped jobs were stopped at {where} with the same "
            f"{tuning_job.objective_metric_name}, {value:.4g}")
    if baseline is not None and abs(baseline.value - value) <= 1e-6 * max(1.0, abs(value)):
        text += (f": the score of {baseline.description}. They had not learnt anything yet when they were "
                 "judged, so their values say nothing about their hyperparameters")
    else:
        text += ": those decisions could not tell their hyperparameters apart"
    return text + "."
