"""Resuming an interrupted tuning job: go on from where it stood, rerun only what was cut short.

A tuning job becomes ``Interrupted`` when the process running it dies (SIGKILL, a laptop
closed, the dashboard server killed; see :meth:`tuning.store.database.Store.mark_dead_runners`).
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

Where it stood is read by :mod:`tuning.running.resume_point` (below the runner); this
module, above it, runs the resume: in this process (:func:`resume_tuning_job`) or in a
background thread (:func:`launch_resume`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tuning.records import TuningJob
from tuning.running.resume_point import ResumePoint, is_cut_short, prepare_resume
from tuning.running.runner import TuningJobHandle, TuningProgress, launch_prepared, run_tuning_job

if TYPE_CHECKING:
    from tuning.store.database import Store

__all__ = ["ResumePoint", "is_cut_short", "launch_resume", "prepare_resume", "resume_tuning_job"]


def resume_tuning_job(name: str, store: Store, *,
                      callback: Callable[[TuningProgress], None] | None = None,
                      scheduler: str | None = None) -> TuningJob:
    """Resume the Interrupted tuning job ``name`` in this process, to its end; return its record.

    Only an Interrupted job can be resumed; any other, an unknown name or changed data
    raise :class:`~tuning.errors.ValidationError` with nothing changed.
    """
    return run_tuning_job(prepare_resume(name, store), store, callback=callback, scheduler=scheduler)


def launch_resume(name: str, store: Store, **kwargs: Any) -> TuningJobHandle:
    """Check now that ``name`` can be resumed, then resume it in a background thread.

    The dashboard's way, like :func:`tuning.running.runner.launch_tuning_job`: bad input raises
    here, before the thread starts.
    """
    return launch_prepared(prepare_resume(name, store), store, **kwargs)
