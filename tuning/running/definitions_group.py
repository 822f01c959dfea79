"""A tuning job over several training job definitions, read back from the store as one group.

The definitions run as member tuning jobs (``<name>-<definition>``, see
:mod:`tuning.job.definitions` for why); each member's RunRecord carries the group's
``TrainingJobDefinitions`` entry. Here the members are gathered again under the group's name,
the way AMT shows one tuning job: its status, its counters summed, and the best training job
across the definitions with its TrainingJobDefinitionName. A read never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuning.errors import ValidationError
from tuning.job.config import RUN_RECORD
from tuning.job.definitions import DEFINITIONS, TrainingJobDefinitionsConfig, member_name

if TYPE_CHECKING:
    from tuning.records import TrainingJob, TuningJob
    from tuning.store.database import Store

__all__ = ["DefinitionsGroup", "definition_groups", "definition_of", "definitions_group", "group_or_none"]


def definition_of(job: TuningJob) -> dict[str, Any] | None:
    """The ``TrainingJobDefinitions`` entry of a group's member, else ``None``."""
    entry = (job.config.get(RUN_RECORD) or {}).get(DEFINITIONS)
    return entry if isinstance(entry, dict) and isinstance(entry.get("Name"), str) else None


@dataclass(frozen=True)
class DefinitionsGroup:
    """A group read back: its request (:class:`TrainingJobDefinitionsConfig`) and its members by
    DefinitionName (``None`` for a member not started yet: the run was cut off first)."""

    name: str
    config: TrainingJobDefinitionsConfig
    members: dict[str, TuningJob | None]

    @property
    def objective_type(self) -> str:
        started = [job for job in self.members.values() if job is not None]
        return started[0].objective_type if started else str(self.config.first.objective_type or "Maximize")

    @property
    def is_active(self) -> bool:
        return any(job is not None and job.is_active for job in self.members.values())

    @property
    def target_reached(self) -> bool:
        """Whether a definition's training job reached TargetObjectiveMetricValue: that ends the whole
        tuning job, as in AMT (the other definitions are stopped, those not started are not run)."""
        return any(job is not None and (job.completion_reason or "").startswith("TargetObjectiveMetricValue")
                   for job in self.members.values())

    @property
    def status(self) -> str:
        """InProgress while any member runs; Completed once the target was reached; Interrupted when a
        member died or never started (resume goes on); Failed when a member failed; Stopped when one
        was stopped; else Completed."""
        jobs = list(self.members.values())
        if any(job is not None and job.is_active for job in jobs):
            return "InProgress"
        if self.target_reached:
            return "Completed"
        if any(job is None or job.status == "Interrupted" for job in jobs):
            return "Interrupted"
        for status in ("Failed", "Stopped"):
            if any(job.status == status for job in jobs if job is not None):
                return status
        return "Completed"

    @property
    def failure_reason(self) -> str | None:
        reasons = [f"{definition}: {job.failure_reason}" for definition, job in self.members.items()
                   if job is not None and job.failure_reason]
        return "; ".join(reasons) or None

    @property
    def status_counters(self) -> dict[str, int]:
        counters: dict[str, int] = {}
        for job in self.members.values():
            for status, count in (job.status_counters if job is not None else {}).items():
                counters[status] = counters.get(status, 0) + count
        return counters

    @property
    def created_at(self) -> float:
        return min(job.created_at for job in self.members.values() if job is not None)

    @property
    def ended_at(self) -> float | None:
        if self.is_active or any(job is None for job in self.members.values()):
            return None
        ended = [job.ended_at for job in self.members.values() if job is not None and job.ended_at is not None]
        return max(ended) if ended else None

    def best(self) -> tuple[str, TuningJob] | None:
        """The member whose best training job is best across the definitions, with its DefinitionName
        (AMT compares them on one objective: the gate made every definition's type the same)."""
        scored = [(definition, job) for definition, job in self.members.items()
                  if job is not None and job.best_training_job and job.best_objective_value is not None]
        if not scored:
            return None
        sign = 1.0 if self.objective_type == "Maximize" else -1.0
        return max(scored, key=lambda item: sign * float(item[1].best_objective_value))  # first wins a tie

    def best_training_job(self) -> dict[str, Any] | None:
        """AMT's BestTrainingJob (a HyperParameterTrainingJobSummary) with its TrainingJobDefinitionName."""
        found = self.best()
        if found is None:
            return None
        definition, job = found
        return {"TrainingJobName": job.best_training_job, "TrainingJobDefinitionName": definition,
                "TuningJobName": self.name,
                "FinalHyperParameterTuningJobObjectiveMetric": {"MetricName": job.objective_metric_name,
                                                                "Value": job.best_objective_value}}

    def training_jobs(self, store: Store, *, with_curves: bool = True) -> list[tuple[str, TrainingJob]]:
        """Every member's training jobs, each with its DefinitionName, definition by definition."""
        return [(definition, training_job) for definition, job in self.members.items() if job is not None
                for training_job in store.training_jobs(job.name, with_curves=with_curves)]

    def definition_of_training_job(self, training_job_name: str) -> str | None:
        """Which definition ran ``training_job_name`` (``<member>-001``), by its member's name."""
        for definition, job in self.members.items():
            if job is not None and training_job_name.rsplit("-", 1)[0] == job.name:
                return definition
        return None


def _build(name: str, entry: dict[str, Any], jobs: dict[str, TuningJob]) -> DefinitionsGroup:
    config = TrainingJobDefinitionsConfig.from_dict(entry["Group"])
    return DefinitionsGroup(name=name, config=config,
                            members={definition: jobs.get(member_name(name, definition))
                                     for definition in config.definitions})


def definition_groups(store: Store) -> dict[str, DefinitionsGroup]:
    """Every group in the store, newest first (one read of the job list)."""
    jobs = store.list_tuning_jobs()
    by_name = {job.name: job for job in jobs}
    entries: dict[str, dict[str, Any]] = {}
    for job in jobs:
        entry = definition_of(job)
        if entry is not None:
            entries.setdefault(entry["Name"], entry)
    return {name: _build(name, entry, by_name) for name, entry in entries.items()}


def group_or_none(store: Store, name: str) -> DefinitionsGroup | None:
    """The group called ``name``, or ``None`` when there is none (a tuning job's name, say)."""
    return definition_groups(store).get(name)


def definitions_group(store: Store, name: str) -> DefinitionsGroup:
    """The group called ``name``; an unknown name lists the groups there are."""
    found = definition_groups(store)
    if name not in found:
        known = ", ".join(found) or "none yet"
        raise ValidationError(f"there is no tuning job over several training job definitions named {name!r} in the "
                              f"store; those there are: {known}.")
    return found[name]
