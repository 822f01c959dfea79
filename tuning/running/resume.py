"""Resuming an interrupted tuning job: go on from where it stood, rerun only what was cut short.

A tuning job becomes ``Interrupted`` when the process running it dies (SIGKILL, a laptop
closed, the dashboard server killed; see :meth:`tuning.store.database.Store._mark_dead_runners`).
Its finished training jobs are in the store; those the crash cut short are Failed with a
reason starting :data:`~tuning.records.RUNNER_GONE`. :func:`resume_tuning_job` takes it up
again, in this process, until ``MaxNumberOfTrainingJobs``:

- Finished training jobs (Completed, Stopped, Failed for reasons of their own) are never
  rerun nor changed. The cut-short ones are rerun first, under their own index and with
  their own hyperparameters (and so their own seed), so the indexes stay dense and the job
  ends with exactly MaxNumberOfTrainingJobs training jobs.
- The strategy hears every finished result first, in the order they finished, as it did
  the first time (Bayesian and Hyperband learn from them). Random and Grid learn nothing,
  but draw in a fixed order: they skip the draws already handed out, so a resumed Random
  job with a seed does not repeat its points and a Grid does not evaluate a point twice.
- The best training job (value, name, saved model) is restored, so a worse new job does
  not replace it; completion criteria and the pruner see the earlier results; and
  ``MaxRuntimeInSeconds`` counts the time spent before the crash.
- The data is read again from the stored configuration and compared with the fingerprint
  recorded when the job started (:mod:`tuning.datasets.fingerprint`): changed data is refused,
  since the old and new objective values would not be comparable.

How the time before is known: the stored configuration's ``RunRecord`` keeps each resume's
start and the seconds spent before it; the seconds of the last stretch are its start to
the last heartbeat (which is when the dead runner was last seen alive).

Why not Optuna's ``RDBStorage`` and its ``study.enqueue_trial``-style resume: the store is
TuneLab's own (see :mod:`tuning.store.database`), and the strategies are fed through their ask and
tell interface, which a resume only has to replay.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuning.job.config import RUN_RECORD, TuningJobConfig
from tuning.errors import TuneLabError, ValidationError
from tuning.datasets.fingerprint import data_fingerprint, describe_difference
from tuning.records import RUNNER_GONE, TrainingJob, TrainingJobStatus, TuningJob, TuningJobStatus

if TYPE_CHECKING:
    from tuning.job.preparation import PreparedTuningJob
    from tuning.running.runner import TuningJobHandle, TuningProgress
    from tuning.store.database import Store
    from tuning.strategies import Strategy

__all__ = ["ResumePoint", "is_cut_short", "launch_resume", "prepare_resume", "resume_tuning_job"]

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

    Built by :func:`prepare_resume` from the store, without writing; used by the runner:
    :meth:`reopen` when the job starts again, :meth:`apply` to the new loop's state,
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

    def apply(self, loop: Any) -> None:
        """Set a new runner loop's counters, best, clock and strategy to where the job stood."""
        strategy = loop.strategy
        for job in self.kept:
            _observe(strategy, job)
        loop.launched = loop.finished = len(self.kept)
        failed = [job for job in self.kept if job.status == TrainingJobStatus.FAILED]
        loop.failed = len(failed)
        loop.first_failure = failed[0].failure_reason if failed else None
        loop.best = self.best
        loop.started -= self.seconds_before  # MaxRuntimeInSeconds counts the time before
        if loop.completion is not None:
            for job in self.kept:
                if job.status == TrainingJobStatus.COMPLETED and job.final_objective_value is not None:
                    message = loop.completion.observe(float(job.final_objective_value))
                    loop.completion_message = loop.completion_message or message
        if loop.prune_live:
            loop.board_history = [(job.index, list(job.intermediate_values), *_board_state(job))
                                  for job in self.kept]
        refill = sorted([*(job.index for job in self.reruns), *self.holes])
        handed: list[dict[str, Any]] = []
        if not strategy.depends_on_results:
            # Index i was the i-th draw: skip them all, instead of replaying results it would ignore.
            handed = strategy.suggest(self.next_index)
        own = {job.index: job.hyperparameters for job in self.reruns}
        pending = [own.get(index, handed[index] if index < len(handed) else None) for index in refill]
        loop.refill = refill
        loop.strategy = RerunsFirst(strategy, pending)

    def put_back_unrun(self, store: Store) -> None:
        """Cut-short jobs that did not start again (the job was stopped first) keep their old row."""
        present = {job.index for job in store.training_jobs(self.name, with_curves=False)}
        store.add_training_jobs(job for job in self.reruns if job.index not in present)


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
                stopped_at: int | None = None) -> None:
        self.strategy.observe(hyperparameters, value, stopped_at=stopped_at)


def _observe(strategy: Strategy, job: TrainingJob) -> None:
    """Tell the strategy one finished job, as the runner told it the first time."""
    if job.status == TrainingJobStatus.FAILED:
        strategy.observe(job.hyperparameters, None)
    elif job.status == TrainingJobStatus.STOPPED and job.intermediate_values:
        strategy.observe(job.hyperparameters, job.final_objective_value,
                         stopped_at=int(job.intermediate_values[-1][0]))
    else:
        strategy.observe(job.hyperparameters, job.final_objective_value)


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


def prepare_resume(name: str, store: Store) -> PreparedTuningJob:
    """Check that ``name`` can be resumed, and where it stood; refuse it with a clear message.

    Nothing is written. The data is read again and must match the fingerprint recorded
    when the job started.
    """
    from tuning.job.preparation import prepare

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
    current = data_fingerprint(prepared.train, prepared.validation)
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
    prepared.resume = ResumePoint(
        name=name, kept=kept, reruns=reruns, holes=holes, best=best, seconds_before=seconds_before,
        config={**stored, RUN_RECORD: record}, notes=notes + best_notes,
    )
    prepared.notes.extend(prepared.resume.notes)
    return prepared


def resume_tuning_job(name: str, store: Store, *,
                      callback: Callable[[TuningProgress], None] | None = None,
                      scheduler: str | None = None) -> TuningJob:
    """Resume the Interrupted tuning job ``name`` in this process, to its end; return its record.

    Only an Interrupted job can be resumed; any other, an unknown name or changed data
    raise :class:`~tuning.errors.ValidationError` with nothing changed.
    """
    from tuning.running.runner import run_tuning_job

    return run_tuning_job(prepare_resume(name, store), store, callback=callback, scheduler=scheduler)


def launch_resume(name: str, store: Store, **kwargs: Any) -> TuningJobHandle:
    """Check now that ``name`` can be resumed, then resume it in a background thread.

    The dashboard's way, like :func:`tuning.running.runner.launch_tuning_job`: bad input raises
    here, before the thread starts.
    """
    from tuning.running.runner import TuningJobHandle

    return TuningJobHandle(prepare_resume(name, store), store, kwargs)
