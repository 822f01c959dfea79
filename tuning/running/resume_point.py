"""Where an interrupted tuning job stood, read from the store: what a resumed loop takes over.

:func:`prepare_resume` checks that a job can be resumed and returns it prepared, with
its :class:`ResumePoint` (finished jobs, cut-short ones, the best, the time before);
:meth:`ResumePoint.replay` tells a new loop's strategy what the dead one had heard and
hands the loop a :class:`ResumeState`, which the loop applies itself
(``_TuningLoop.restore`` in :mod:`tuning.running.runner`). Why resuming works as it does
is told in :mod:`tuning.running.resume`, which runs a resume; this module sits below the
runner, which imports it, and imports nothing of the runner's. :func:`start_entry` is
each run's first entry in the record of strategy calls: what a resume and the replay build
the strategy from again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from tuning.job.config import RUN_RECORD, TuningJobConfig
from tuning.errors import TuneLabError, ValidationError
from tuning.datasets.fingerprint import data_fingerprint, describe_difference
from tuning.job.preparation import PreparedTuningJob, prepare
from tuning.records import RUNNER_GONE, TrainingJob, TrainingJobStatus, TuningJob, TuningJobStatus

if TYPE_CHECKING:
    from tuning.store.database import Store
    from tuning.strategies import Strategy

__all__ = ["RerunsFirst", "ResumePoint", "ResumeState", "ResumedTuningJob", "is_cut_short", "prepare_resume", "start_entry"]

BoardEntry = tuple[int, list[tuple[int, float]], str, float | None]
"""A finished job as the pruner hears it again: index, curve, its end ("complete", "pruned", "fail"), value."""

_LEGACY_CUT_SHORT = "The process running this tuning job"
"""How cut-short training jobs' reasons began before they had the RUNNER_GONE prefix."""


def is_cut_short(job: TrainingJob) -> bool:
    """Whether a training job failed only because its tuning job's process died."""
    reason = job.failure_reason or ""
    return job.status == TrainingJobStatus.FAILED and (
        reason.startswith(f"{RUNNER_GONE}:") or reason.startswith(_LEGACY_CUT_SHORT))


@dataclass
class ResumePoint:
    """Where an interrupted tuning job stood: what its loop must know to go on.

    Built by :func:`prepare_resume` from the store; used by the runner: :meth:`reopen`
    when the job starts again, :meth:`replay` for the new loop's strategy and state,
    :meth:`put_back_unrun` when it ends.
    """

    name: str
    kept: list[TrainingJob]
    """Finished training jobs, in the order they finished: never rerun nor changed."""
    reruns: list[TrainingJob]
    """Training jobs the crash cut short: rerun first, with their own index and hyperparameters."""
    holes: list[int]
    """Indexes with no row at all (an earlier resume died before rerunning them): filled first too."""
    best: tuple[float, str] | None
    seconds_before: float
    config: dict[str, Any]
    """The stored configuration, with this resume added to its RunRecord."""
    notes: list[str] = field(default_factory=list)

    @property
    def next_index(self) -> int:
        """The first index after every existing row and hole."""
        indexes = [job.index for job in (*self.kept, *self.reruns)] + self.holes
        return max(indexes) + 1 if indexes else 0

    def reopen(self, store: Store) -> None:
        """InProgress again, this process its runner, the cut-short rows cleared: one transaction."""
        if not store.reopen_tuning_job(self.name, config=self.config,
                                       rerun_indexes=[job.index for job in self.reruns]):
            status = store.get_tuning_job(self.name).status
            raise ValidationError(
                f"tuning job {self.name!r} is {status} now, no longer Interrupted: another process "
                "resumed it a moment ago. Watch it on the Monitor page or with `python -m tuning show`."
            )
        if self.best is not None:  # the record's own, or a better one saved just before the crash
            store.update_tuning_job(self.name, best_objective_value=self.best[0], best_training_job=self.best[1])

    def replay(self, strategy: Strategy) -> ResumeState:
        """Tell a new loop's ``strategy`` what the dead loop's had heard; return the rest to restore.

        The strategy hears every finished result in the order they finished; Random and
        Grid, which learn nothing, skip the draws already handed out instead. The state's
        strategy hands out the cut-short jobs' own hyperparameters first.
        """
        for job in self.kept:
            _observe(strategy, job)
        refill = sorted([*(job.index for job in self.reruns), *self.holes])
        handed: list[dict[str, Any]] = []
        if not strategy.depends_on_results:
            # Index i was the i-th draw: skip them all, instead of replaying results it would ignore.
            handed = strategy.suggest(self.next_index)
        own = {job.index: job.hyperparameters for job in self.reruns}
        pending = [own.get(index, handed[index] if index < len(handed) else None) for index in refill]
        return ResumeState(strategy=RerunsFirst(strategy, pending), kept=list(self.kept), best=self.best,
                           seconds_before=self.seconds_before, refill=refill)

    def put_back_unrun(self, store: Store) -> None:
        """Cut-short jobs that did not start again (the job was stopped first) keep their old row."""
        present = {job.index for job in store.training_jobs(self.name, with_curves=False)}
        store.add_training_jobs(job for job in self.reruns if job.index not in present)



@dataclass
class ResumeState:
    """What a resumed loop takes over from the dead one, applied by the loop itself.

    Built by :meth:`ResumePoint.replay` (its strategy has heard the finished jobs already);
    a plain record, so the loop's fields are set by the loop and by nothing outside it.
    """

    strategy: RerunsFirst
    """The strategy to go on with: the cut-short jobs' hyperparameters first, then its own."""
    kept: list[TrainingJob]
    """The finished training jobs, in the order they finished."""
    best: tuple[float, str] | None
    """The best (objective value, training job name) so far, with its saved model."""
    seconds_before: float
    """Seconds the job ran before: ``MaxRuntimeInSeconds`` counts them."""
    refill: list[int]
    """Indexes to fill before new ones (the cut-short jobs and holes), in order."""

    @property
    def failures(self) -> list[str | None]:
        """The failure reasons of the kept Failed jobs, in the order they finished."""
        return [job.failure_reason for job in self.kept if job.status == TrainingJobStatus.FAILED]

    @property
    def completed_values(self) -> list[float]:
        """The objective values of the kept Completed jobs, for the completion criteria."""
        return [float(job.final_objective_value) for job in self.kept
                if job.status == TrainingJobStatus.COMPLETED and job.final_objective_value is not None]

    @property
    def board_history(self) -> list[BoardEntry]:
        """The kept jobs as the pruner hears them again before the first new job."""
        return [(job.index, list(job.intermediate_values), *_board_state(job)) for job in self.kept]


@dataclass
class ResumedTuningJob(PreparedTuningJob):
    """A prepared tuning job that goes on from where it stood: :func:`prepare_resume`'s result.

    A subclass rather than a field of :class:`~tuning.job.preparation.PreparedTuningJob`:
    the preparation (tuning/job/) knows nothing of running, and the runner tells a resume
    from a fresh start by its type.
    """

    resume: ResumePoint = field(kw_only=True)

    @classmethod
    def of(cls, prepared: PreparedTuningJob, resume: ResumePoint) -> ResumedTuningJob:
        return cls(**{item.name: getattr(prepared, item.name) for item in fields(prepared)}, resume=resume)


class RerunsFirst:
    """A resumed loop's strategy: the cut-short jobs' own hyperparameters first, then the strategy's.

    ``None`` in ``pending`` stands for a hole whose hyperparameters are not known: the
    strategy fills it. Results go to the strategy either way.
    """

    def __init__(self, strategy: Strategy, pending: list[dict[str, Any] | None]) -> None:
        self.strategy = strategy
        self.pending = list(pending)
        strategy.note_running([point for point in self.pending if point is not None])

    @property
    def repeats_note(self) -> str | None:
        return self.strategy.repeats_note

    @property
    def name(self) -> str:
        return self.strategy.name

    @property
    def exhausted(self) -> bool:
        return not self.pending and self.strategy.exhausted

    @property
    def total_jobs(self) -> int | None:
        return self.strategy.total_jobs

    def suggest(self, n: int) -> list[dict[str, Any]]:
        taken, self.pending = self.pending[:n], self.pending[n:]
        fresh = iter(self.strategy.suggest(sum(point is None for point in taken)))
        points = [point if point is not None else next(fresh, None) for point in taken]
        points = [point for point in points if point is not None]
        return points + (self.strategy.suggest(n - len(taken)) if len(taken) < n else [])

    def observe(self, hyperparameters: dict[str, Any], value: float | None, *,
                stopped_at: int | None = None, job: str | None = None) -> None:
        self.strategy.observe(hyperparameters, value, stopped_at=stopped_at, job=job)


def _observe(strategy: Strategy, job: TrainingJob) -> None:
    """Tell the strategy one finished job, as the runner told it the first time."""
    if job.status == TrainingJobStatus.FAILED:
        strategy.observe(job.hyperparameters, None, job=job.name)
    elif job.status == TrainingJobStatus.STOPPED and job.intermediate_values:
        strategy.observe(job.hyperparameters, job.final_objective_value,
                         stopped_at=int(job.intermediate_values[-1][0]), job=job.name)
    else:
        strategy.observe(job.hyperparameters, job.final_objective_value, job=job.name)


def _board_state(job: TrainingJob) -> tuple[str, float | None]:
    if job.status == TrainingJobStatus.FAILED:
        return "fail", None
    if job.status == TrainingJobStatus.STOPPED and job.intermediate_values:
        return "pruned", job.final_objective_value
    return "complete", job.final_objective_value


def _why_not(job: TuningJob) -> str:
    if job.is_active:
        return "it is still running (its process is alive); watch it, or stop it first"
    if job.status == TuningJobStatus.COMPLETED:
        return f"it ended normally ({job.completion_reason or 'Completed'}); there is nothing to resume"
    if job.status == TuningJobStatus.STOPPED:
        return ("it was stopped on purpose, and AMT does not restart a stopped job; start a new one, warm-started "
                "from this one, to go on")
    return (f"it failed ({job.failure_reason or 'no reason recorded'}); fix the cause and start a new job, "
            "warm-started from this one")


def _best(job: TuningJob, kept: list[TrainingJob], store: Store) -> tuple[tuple[float, str] | None, list[str]]:
    """The best training job as it stood, with its saved model; notes on anything amiss.

    The runner saves a new best model, then records it, then removes the old one: a crash
    in between leaves the better model saved but not yet recorded, and it is taken here.
    """
    folder = store.tuning_job_artifacts(job.name)
    maximize = job.objective_type == "Maximize"
    completed = [j for j in kept if j.status == TrainingJobStatus.COMPLETED and j.final_objective_value is not None]
    completed.sort(key=lambda j: j.final_objective_value, reverse=maximize)
    for candidate in completed:
        if (folder / candidate.name / "model.json").is_file():
            return (float(candidate.final_objective_value), candidate.name), []
    if completed:
        return None, [f"no saved model was found for the completed training jobs of {job.name!r} (in {folder}); "
                      "the best model is saved again from the training jobs that complete from now on."]
    return None, []


def _seconds_before(job: TuningJob, record: dict[str, Any]) -> float:
    """Seconds the job ran before this resume, over every earlier stretch."""
    last_seen = job.ended_at or job.heartbeat_at or time.time()
    resumes = record.get("Resumes") or []
    if not resumes:
        return max(0.0, last_seen - job.created_at)
    last = resumes[-1]
    return float(last["SecondsBefore"]) + max(0.0, last_seen - float(last["At"]))


def prepare_resume(name: str, store: Store) -> ResumedTuningJob:
    """Check that ``name`` can be resumed, and where it stood; refuse it with a clear message.

    The one write: dead runners are marked Interrupted first (:meth:`Store.mark_dead_runners
    <tuning.store.database.Store.mark_dead_runners>`), so a job whose process has just died
    can be resumed; the job itself is left as it is. The data is read again and must match
    the fingerprint recorded when the job started.
    """
    store.mark_dead_runners()
    job = store.get_tuning_job(name)  # an unknown name: a ValidationError naming known jobs
    if job.status != TuningJobStatus.INTERRUPTED:
        raise ValidationError(
            f"tuning job {name!r} is {job.status}, and only an Interrupted tuning job (one whose process died "
            f"before it ended) can be resumed: {_why_not(job)}."
        )
    stored = dict(job.config)
    record = dict(stored.pop(RUN_RECORD, None) or {})
    try:
        config = TuningJobConfig.from_dict(stored)
        prepared = prepare(config, store=store, resuming=True)
    except TuneLabError as error:
        raise ValidationError(f"cannot resume tuning job {name!r}: its configuration no longer checks out "
                              f"against its data: {error}") from None
    notes = []
    recorded = record.get("DataFingerprint")
    current = data_fingerprint(prepared.train, prepared.validation, prepared.test)
    if recorded is None:
        notes.append(f"{name!r} recorded no fingerprint of its data (it predates them): it was not checked "
                     "that the data is unchanged.")
    else:
        difference = describe_difference(recorded, current)
        if difference is not None:
            raise ValidationError(
                f"cannot resume tuning job {name!r}: its data changed since it ran ({stored.get('Dataset')!r}: "
                f"{difference}). Its finished training jobs were scored on the old data, so new ones would not be "
                "comparable. Restore the old data to resume it, or start a new tuning job on the new data "
                "(warm-started from this one with TransferLearning, to reuse what it learnt)."
            )
    jobs = store.training_jobs(name)
    reruns = [training_job for training_job in jobs if is_cut_short(training_job)]
    kept = [training_job for training_job in jobs if not is_cut_short(training_job)]
    kept.sort(key=lambda training_job: (training_job.end_time or 0.0, training_job.index))
    present = {training_job.index for training_job in jobs}
    holes = [index for index in range(max(present) + 1 if present else 0) if index not in present]
    best, best_notes = _best(job, kept, store)
    seconds_before = _seconds_before(job, record)
    record["DataFingerprint"] = recorded or current
    record["Resumes"] = [*(record.get("Resumes") or []), {"At": time.time(), "SecondsBefore": seconds_before}]
    point = ResumePoint(
        name=name, kept=kept, reruns=reruns, holes=holes, best=best, seconds_before=seconds_before,
        config={**stored, RUN_RECORD: record}, notes=notes + best_notes,
    )
    prepared.notes.extend(point.notes)
    return ResumedTuningJob.of(prepared, point)


def start_entry(prepared: PreparedTuningJob, *, resumed: bool) -> dict[str, Any]:
    """The record's first entry for one run of the loop: what builds the same strategy again.

    A resume builds a new strategy (and tells it the finished jobs again), so each run of
    the loop starts a new stretch of the record with an entry of its own.
    """
    strategy = prepared.strategy
    return {
        "call": "start", "strategy": strategy.name, "random_seed": strategy.random_seed,
        "objective_type": strategy.objective_type, "max_jobs": strategy.max_jobs,
        "grid_points": prepared.config.strategy_config.get("GridPoints", 5),
        "ranges": {name: parameter.to_dict() for name, parameter in strategy.hyperparameter_ranges.items()},
        "resumed": resumed,
    }
