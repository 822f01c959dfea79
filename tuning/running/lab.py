"""Run a hyperparameter lab, find it again in the store, and read its curves.

A lab (:mod:`tuning.job.lab_plan`) is one Grid tuning job; what makes it a lab is a ``Lab``
entry in its RunRecord, ``{"Hyperparameter": "learning_rate", "Values": [...], "Preset":
"learning-rate"}``, written as soon as the runner has recorded the job (as a race marks
its members, :mod:`tuning.running.race`). :func:`labs` lists the store's labs, and
:func:`read_lab_job` turns one into a :class:`~tuning.analysis.curve_reading.LabReading`
from its stored curves: the store stays the one source of truth, and a read never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuning.algorithms import get_algorithm
from tuning.analysis.baseline import baseline_for_job
from tuning.analysis.curve_reading import LabReading, read_lab
from tuning.job.config import RUN_RECORD
from tuning.metrics import get_metric
from tuning.records import TrainingJobStatus

if TYPE_CHECKING:
    from tuning.job.lab_plan import LabPlan
    from tuning.records import TrainingJob, TuningJob
    from tuning.running.handle import TuningJobHandle
    from tuning.store.database import Store

__all__ = ["LAB", "LabRun", "lab_of", "labs", "launch_lab", "read_lab_job"]

LAB = "Lab"
"""The RunRecord key that marks a lab's tuning job."""


def lab_of(job: TuningJob) -> dict[str, Any] | None:
    """The ``Lab`` entry of a lab's tuning job, else ``None``."""
    entry = (job.config.get(RUN_RECORD) or {}).get(LAB)
    return entry if isinstance(entry, dict) and isinstance(entry.get("Hyperparameter"), str) else None


def labs(store: Store) -> list[TuningJob]:
    """The store's labs, newest first."""
    return [job for job in store.list_tuning_jobs() if lab_of(job) is not None]


def launch_lab(plan: LabPlan, store: Store) -> TuningJobHandle:
    """Check the lab's tuning job now, then run it in a background thread; returns once it is recorded."""
    from tuning.job.preparation import prepare
    from tuning.running.handle import TuningJobHandle
    from tuning.running.runner import run_tuning_job

    store.mark_dead_runners()
    prepared = prepare(plan.config, store=store)

    def run(started: Any) -> TuningJob:
        def on_start(job: Any) -> None:
            config = dict(store.get_tuning_job(job.name).config)
            config[RUN_RECORD] = {**(config.get(RUN_RECORD) or {}), LAB: plan.record()}
            store.update_tuning_job(job.name, config=config)
            started()

        return run_tuning_job(prepared, store, on_start=on_start)

    return TuningJobHandle(prepared.name, store, run)


@dataclass(frozen=True)
class LabRun:
    """A stored lab: its tuning job, its training jobs by value, and their reading."""

    job: TuningJob
    hyperparameter: str
    values: tuple[Any, ...]
    preset: str | None
    by_value: dict[Any, TrainingJob]
    reading: LabReading


def read_lab_job(store: Store, job: TuningJob) -> LabRun:
    """A lab's curves read from the store (interim while it runs: unfinished values read as they stand)."""
    entry = lab_of(job) or {}
    hyperparameter = entry.get("Hyperparameter", "")
    algorithm = get_algorithm(job.algorithm)
    by_value: dict[Any, TrainingJob] = {}
    for training_job in store.training_jobs(job.name):
        by_value.setdefault(training_job.hyperparameters.get(hyperparameter), training_job)
    values = tuple(value for value in entry.get("Values", []) if value in by_value)
    baseline = baseline_for_job(job)
    failures = {value: (by_value[value].failure_reason or "no reason given")
                for value in values if by_value[value].status == TrainingJobStatus.FAILED}
    reading = read_lab(
        hyperparameter, {value: by_value[value].intermediate_values for value in values},
        training={value: by_value[value].train_intermediate_values for value in values},
        higher_is_better=get_metric(job.objective_metric_name).higher_is_better,
        metric_name=job.objective_metric_name, failures=failures,
        baseline=baseline.value if baseline is not None else None,
        resource=hyperparameter == algorithm.resource, step_name=algorithm.resource_step or "step",
        unit=algorithm.resource_unit or "steps",
        seconds={value: by_value[value].elapsed_seconds for value in values
                 if by_value[value].status == TrainingJobStatus.COMPLETED},
    )
    return LabRun(job, hyperparameter, values, entry.get("Preset"), by_value, reading)
