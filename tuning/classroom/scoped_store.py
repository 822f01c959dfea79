"""The store as one workspace sees it: its own jobs, the teacher's, and (if allowed) others' read-only.

Why a wrapper around :class:`~tuning.store.database.Store` rather than checks on pages: a page
can be bypassed (a crafted URL, a widget value, a second tab), the engine cannot. Everything a
page, the CLI or the runner does with a tuning job goes through a store; give a student's
session a :class:`WorkspaceStore` and every write naming another student's job is refused
with a :class:`~tuning.errors.ValidationError`, and the job is left as it was. The runner
given one stamps the new job with the workspace (:meth:`WorkspaceStore.create_tuning_job`)
and writes its own job as before. What is not a tuning job's business (marking dead
runners, the artifact root, disposing of the pool) is the wrapped store's, unchanged.

Who sees what:

=====================  ===============  ===========================  ===============
job's workspace        its student      another student              the teacher
=====================  ===============  ===========================  ===============
a student's            read and write   read only if the teacher     read and write
                                        allows, else not at all
the teacher's          read only        read only                    read and write
none (outside class)   read only        read only                    read and write
=====================  ===============  ===========================  ===============

Outside class mode there is no wrapper: the plain store, exactly as before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from tuning.classroom.settings import ClassSettings
from tuning.classroom.uploads import WorkspaceUploads
from tuning.classroom.workspace import TEACHER_KEY, Workspace
from tuning.errors import ValidationError
from tuning.records import TrainingJob, TuningJob
from tuning.store.database import Store, StrategyCalls

__all__ = ["WorkspaceStore", "store_for"]

_log = logging.getLogger("tuning.classroom")

_CREATING = threading.Lock()
"""Held while a student's tuning jobs are counted and a new one is inserted: the dashboard
serves every student's session from one process, and thirty launches in the same second
must not all read "under the limit" before any of them is written."""


class WorkspaceStore:
    """``store`` as ``workspace`` sees it (see the module docstring); any other attribute is the store's."""

    def __init__(self, store: Store, workspace: Workspace, *, others_visible: bool = False,
                 max_tuning_jobs: int | None = None) -> None:
        if isinstance(store, WorkspaceStore):
            store = store.store  # one scope, never a scope of a scope
        self.store = store
        self.workspace = workspace
        self.others_visible = others_visible
        self.max_tuning_jobs = max_tuning_jobs
        """The teacher's limit on a student's tuning jobs (ClassSettings.student_max_tuning_jobs); None: none."""

    def __getattr__(self, name: str) -> Any:
        if name == "store":  # not set yet (a copy being made): no endless lookup
            raise AttributeError(name)
        return getattr(self.store, name)

    # -- who may do what ---------------------------------------------------------------
    def may_see(self, job_workspace: str | None) -> bool:
        """Whether this workspace may read a job of ``job_workspace`` (a value of the column)."""
        if self.workspace.is_teacher or job_workspace in (None, TEACHER_KEY, self.workspace.key):
            return True
        return self.others_visible

    def may_change(self, job_workspace: str | None) -> bool:
        """Whether this workspace may stop, delete, resume or write a job of ``job_workspace``."""
        return self.workspace.is_teacher or job_workspace == self.workspace.key

    def _refusal(self, name: str, job_workspace: str | None, doing: str) -> ValidationError:
        whose = ("the teacher (a shared demo job)" if job_workspace == TEACHER_KEY
                 else "the lab (made outside class mode)" if job_workspace is None
                 else "another student")
        _log.warning("class mode: refused: %s tried to %s tuning job %r of workspace %r",
                     self.workspace, doing, name, job_workspace)
        return ValidationError(f"this tuning job belongs to {whose}: {self.workspace} cannot {doing} "
                               f"{name!r}. Launch a tuning job of your own (a warm start from it works) instead.")

    def _check_change(self, name: str, doing: str) -> None:
        job_workspace = self.store.workspace_of(name)
        if not self.may_change(job_workspace):
            raise self._refusal(name, job_workspace, doing)

    def _check_see(self, name: str) -> None:
        job_workspace = self.store.workspace_of(name)
        if not self.may_see(job_workspace):
            _log.warning("class mode: refused: %s tried to see tuning job %r of workspace %r",
                         self.workspace, name, job_workspace)
            raise ValidationError(f"this tuning job belongs to another student: {self.workspace} cannot see "
                                  f"{name!r}. Pick one of your own tuning jobs.")

    # -- reads -------------------------------------------------------------------------
    def list_tuning_jobs(self) -> list[TuningJob]:
        """The tuning jobs this workspace may see, newest first."""
        return [job for job in self.store.list_tuning_jobs() if self.may_see(job.workspace)]

    def get_tuning_job(self, name: str) -> TuningJob:
        job = self.store.get_tuning_job(name)
        if not self.may_see(job.workspace):
            _log.warning("class mode: refused: %s tried to see tuning job %r of workspace %r",
                         self.workspace, name, job.workspace)
            raise ValidationError(f"this tuning job belongs to another student: {self.workspace} cannot see "
                                  f"{name!r}. Pick one of your own tuning jobs.")
        return job

    def may_change_job(self, name: str) -> bool:
        """Whether this workspace may stop, delete or resume ``name``: for a page to offer the buttons."""
        return self.may_change(self.store.workspace_of(name))

    def training_jobs(self, tuning_job_name: str, **options: Any) -> list[TrainingJob]:
        self._check_see(tuning_job_name)
        return self.store.training_jobs(tuning_job_name, **options)

    def strategy_calls(self, tuning_job_name: str) -> list[dict[str, Any]]:
        self._check_see(tuning_job_name)
        return self.store.strategy_calls(tuning_job_name)

    def stop_requested(self, name: str) -> bool:
        self._check_see(name)
        return self.store.stop_requested(name)

    def tuning_job_artifacts(self, tuning_job_name: str) -> Path:
        """The job's folder of models; a name not in the store yet is a job about to start (the runner asks first)."""
        if self.store.tuning_job_exists(tuning_job_name):
            self._check_see(tuning_job_name)
        return self.store.tuning_job_artifacts(tuning_job_name)

    # -- what a user asks for ----------------------------------------------------------
    def check_readable_channels(self, config: Any) -> None:
        """Refuse a tuning job whose channels this workspace may not read (see
        :meth:`tuning.classroom.uploads.WorkspaceUploads.check_channels`); the gate,
        :func:`tuning.job.preparation.prepare`, asks before it reads any data."""
        WorkspaceUploads(self.workspace, others_visible=self.others_visible).check_channels(
            ((config.dataset, "dataset"), (config.validation_dataset, "validation_dataset")))

    def create_tuning_job(self, job: TuningJob) -> None:
        """Insert a new tuning job, stamped with this workspace; refused past the teacher's limit of tuning jobs.

        The limit counts the student's tuning jobs in the store (deleting one makes room; a
        resume makes none). Checked here, where every new job of a student is made, so no
        page, URL or CLI call gets round it. Launches at the same instant in one process (the
        dashboard's sessions) are counted one after the other; a launch from another process
        at that instant (the CLI beside the dashboard) may still pass with one.
        """
        limit = self.max_tuning_jobs
        stamped = replace(job, workspace=self.workspace.key)
        if limit is None or self.workspace.is_teacher:
            self.store.create_tuning_job(stamped)
            return
        with _CREATING:
            own = sum(1 for other in self.store.list_tuning_jobs() if other.workspace == self.workspace.key)
            if own >= limit:
                raise ValidationError(f"you have reached the class limit of {limit} tuning jobs; ask your teacher "
                                      "to raise it, or delete one of your finished tuning jobs to make room.")
            self.store.create_tuning_job(stamped)

    def request_stop(self, name: str) -> None:
        self._check_change(name, "stop")
        self.store.request_stop(name)

    def delete_tuning_job(self, name: str) -> None:
        self._check_change(name, "delete")
        self.store.delete_tuning_job(name)

    def reopen_tuning_job(self, name: str, **options: Any) -> bool:
        self._check_change(name, "resume")
        return self.store.reopen_tuning_job(name, **options)

    def update_tuning_job(self, name: str, **values: Any) -> None:
        if "workspace" in values and not self.workspace.is_teacher:
            raise ValidationError(f"{self.workspace} cannot give tuning job {name!r} to another workspace.")
        self._check_change(name, "change")
        self.store.update_tuning_job(name, **values)

    # -- what the runner writes of its own job -----------------------------------------
    def claim_runner(self, name: str) -> None:
        self._check_change(name, "run")
        self.store.claim_runner(name)

    def heartbeat(self, name: str) -> None:
        self._check_change(name, "run")
        self.store.heartbeat(name)

    def interrupt_tuning_job(self, name: str, why: str) -> bool:
        self._check_change(name, "interrupt")
        return self.store.interrupt_tuning_job(name, why)

    def add_training_job(self, job: TrainingJob, *, calls: StrategyCalls = ()) -> None:
        self._check_change(job.tuning_job_name, "add training jobs to")
        self.store.add_training_job(job, calls=calls)

    def add_training_jobs(self, jobs: Iterable[TrainingJob]) -> None:
        jobs = list(jobs)
        for name in sorted({job.tuning_job_name for job in jobs}):
            self._check_change(name, "add training jobs to")
        self.store.add_training_jobs(jobs)

    def add_strategy_calls(self, tuning_job_name: str, calls: StrategyCalls) -> None:
        self._check_change(tuning_job_name, "write the strategy's calls of")
        self.store.add_strategy_calls(tuning_job_name, calls)

    def update_training_job(self, tuning_job_name: str, index: int, **values: Any) -> None:
        self._check_change(tuning_job_name, "change training jobs of")
        self.store.update_training_job(tuning_job_name, index, **values)

    def finish_training_job(self, tuning_job_name: str, index: int, **options: Any) -> None:
        self._check_change(tuning_job_name, "change training jobs of")
        self.store.finish_training_job(tuning_job_name, index, **options)

    def update_intermediate_values(self, tuning_job_name: str, curves: Mapping[int, Iterable[tuple[int, float]]],
                                   **options: Any) -> None:
        self._check_change(tuning_job_name, "change training jobs of")
        self.store.update_intermediate_values(tuning_job_name, curves, **options)


def store_for(store: Store, workspace: Workspace | None, settings: ClassSettings) -> Store | WorkspaceStore:
    """The store a session works through: the plain one outside class mode, else its workspace's scope.

    The seam a page (or any front end) calls once per browser session: outside class mode
    nothing changes; in class mode a session that has not entered a name gets no store at
    all, rather than an unscoped one.
    """
    if not settings.enabled:
        return store
    if workspace is None:
        raise ValidationError("this server is in class mode: enter your name (and the class code) first.")
    return WorkspaceStore(store, workspace, others_visible=settings.students_see_others,
                          max_tuning_jobs=settings.student_max_tuning_jobs)
