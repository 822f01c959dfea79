"""The one source of truth for tuning jobs: a database file (or server) via SQLAlchemy.

By default the store is a SQLite file, ``$TUNELAB_HOME/tunelab.db`` (``TUNELAB_HOME``
defaults to ``~/.tunelab``); any SQLAlchemy URL works too, for example
``postgresql+psycopg://user@host/tunelab``, given to ``Store(url)``, the CLI's ``--store``
or, for the CLI and the dashboard, ``$TUNELAB_STORE_URL``. The same tables and queries run
on both (the tests run them on a real PostgreSQL server too). Model artifacts sit beside
the SQLite file, or in ``$TUNELAB_HOME/artifacts`` for a server (or the folder given as
``artifact_dir``).

Why SQLite works with a dashboard reading while jobs run: the file is opened in WAL
mode, in which readers never wait for the writer and the writer never waits for readers;
writers queue for each other (a busy timeout of 30 s instead of failing at once with
"database is locked"). Each tuning job has one writer, its runner, and the runner writes
in short transactions: one when a training job starts, one when it ends, one a second
for live intermediate values and the heartbeat (with Random and Grid, which queue jobs
ahead, a finished job and the job that took its worker share one transaction).

Why hand-written tables rather than Optuna's RDBStorage: AMT's records (training-job
status, failure and stop reasons, start and end times, the tuning job's limits and
completion reason) do not map onto Optuna's trial tables without a side table for most
of them, and Optuna's SQLite storage was measured here at ~22 ms a trial with clashes
between parallel writers. Optuna still does the sampling and pruning, in memory.

A tuning job whose runner process died (killed, laptop closed) is found by its stale
heartbeat (or, on the same machine, by its process being gone) and marked
``Interrupted`` by :meth:`Store.mark_dead_runners`; its finished training jobs stay as
they were.

A column added after its table first shipped (:data:`ADDED_COLUMNS`: the training channel's
curve, ``train_intermediate_values``, and its ``cpu_seconds``; a tuning job's class-mode
``workspace`` and fair share's ``queue_status``) is added to an
older store when it is opened, as a missing table is created then (:mod:`tuning.store.schema`);
its rows read as the default (``[]``; NULL, no workspace). A store that cannot be written is read without the column.

Who writes: the runner (its own job's rows), a resume (reopening its job), the request
to stop and the deletion of a job, and :meth:`Store.mark_dead_runners`, which its callers
make explicitly (the runner at start, a resume, the CLI's ``list`` and ``show``, each
dashboard page run and Monitor refresh). A read (:meth:`Store.get_tuning_job`,
:meth:`Store.list_tuning_jobs`, :meth:`Store.training_jobs`, ...) never writes: a read-only
store or a full disk still lists its jobs.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import socket
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tuning.errors import StoreWriteError, ValidationError
from tuning.records import (
    ACTIVE_TUNING_STATUSES,
    RUNNER_GONE,
    TrainingJob,
    TrainingJobStatus,
    TuningJob,
    TuningJobStatus,
)
from tuning.paths import default_artifacts_dir, default_home, make_folder
from tuning.store.engine import create_store_engine, read_only_engine
from tuning.store.file_guard import SqliteFileGuard
from tuning.store.liveness import HEARTBEAT_TIMEOUT_SECONDS, runner_alive
from tuning.store.schema import add_missing_columns, create_tables
from tuning.store.url import (configured_store_url, disk_nearly_full, open_failure, shown_url, sqlite_path,
                              sqlite_trouble)

__all__ = ["HEARTBEAT_TIMEOUT_SECONDS", "Store", "default_home"]

_metadata = sa.MetaData()


class _Message(sa.TypeDecorator):
    """Free text such as an exception's message, stored alike on every database.

    PostgreSQL's text cannot hold NUL (0x00), which SQLite keeps; a training job whose
    error message quoted a binary file would fail to be recorded. NUL is stored as U+FFFD.
    """

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        return value.replace("\x00", "\ufffd") if isinstance(value, str) else value


_tuning_jobs = sa.Table(
    "tuning_jobs",
    _metadata,
    sa.Column("name", sa.String(63), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("strategy", sa.String(16), nullable=False),
    sa.Column("algorithm", sa.String(32), nullable=False),
    sa.Column("dataset", sa.Text, nullable=False),
    sa.Column("objective_metric_name", sa.String(64), nullable=False),
    sa.Column("objective_type", sa.String(8), nullable=False),
    sa.Column("max_jobs", sa.Integer, nullable=False),
    sa.Column("max_parallel_jobs", sa.Integer, nullable=False),
    sa.Column("config", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("ended_at", sa.Float),
    sa.Column("failure_reason", _Message),
    sa.Column("completion_reason", _Message),
    sa.Column("best_training_job", sa.String(80)),
    sa.Column("best_objective_value", sa.Float),
    sa.Column("runner_host", sa.String(255)),
    sa.Column("runner_pid", sa.Integer),
    sa.Column("heartbeat_at", sa.Float),
    sa.Column("stop_requested", sa.Boolean, nullable=False, default=False),
    # Added for issue 20 (class mode): whose job it is; NULL outside class mode (tuning.classroom).
    sa.Column("workspace", sa.String(64)),
    # Added for issue 20 (fair share): "queued: N training jobs ahead" while the job waits for slots, else NULL.
    sa.Column("queue_status", _Message),
)

_training_jobs = sa.Table(
    "training_jobs",
    _metadata,
    sa.Column("tuning_job_name", sa.String(63), sa.ForeignKey("tuning_jobs.name"), primary_key=True),
    sa.Column("index", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("hyperparameters", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("start_time", sa.Float),
    sa.Column("end_time", sa.Float),
    sa.Column("final_objective_value", sa.Float),
    sa.Column("failure_reason", _Message),
    sa.Column("stopped_reason", sa.String(64)),
    sa.Column("intermediate_values", sa.Text, nullable=False, default="[]"),
    # Added for issue 18 (the training channel's curve); older stores get it when opened (ADDED_COLUMNS).
    sa.Column("train_intermediate_values", sa.Text, nullable=False, default="[]", server_default="[]"),
    # Added for issue 20 (fair share measured): the CPU seconds the training job's worker process used.
    sa.Column("cpu_seconds", sa.Float),
)

_strategy_calls = sa.Table(
    # The strategy's record of calls (tuning.strategies.Strategy.calls, plus the runner's
    # "start" and "launched" entries), one JSON row per call: what tuning.explain.replay reads.
    "strategy_calls",
    _metadata,
    sa.Column("tuning_job_name", sa.String(63), sa.ForeignKey("tuning_jobs.name"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("call", sa.Text, nullable=False),
)

StrategyCalls = Sequence[tuple[int, Mapping[str, Any]]]
"""(position, call) pairs of a tuning job's record of strategy calls."""

ADDED_COLUMNS = (_training_jobs.c.train_intermediate_values, _tuning_jobs.c.workspace,
                 _tuning_jobs.c.queue_status, _training_jobs.c.cpu_seconds)
"""Columns added after their table first shipped: added to an older store when it opens
(:func:`tuning.store.schema.add_missing_columns`); a store that cannot be written reads without them."""


# Ties broken by name: PostgreSQL and SQLite return equal created_at in different orders.
_NEWEST_FIRST = (_tuning_jobs.c.created_at.desc(), _tuning_jobs.c.name)
_TUNING_FIELDS = {column.name for column in _tuning_jobs.columns}
_TRAINING_FIELDS = {column.name for column in _training_jobs.columns}
_CURVE_FIELDS = {"intermediate_values", "train_intermediate_values"}


def _finite_or_none(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _training_row(job: TrainingJob) -> dict[str, Any]:
    """A training job as a row of the table (JSON columns encoded, NaN stored as NULL)."""
    row = {name: getattr(job, name) for name in _TRAINING_FIELDS}
    row["hyperparameters"] = json.dumps(job.hyperparameters)
    row["intermediate_values"] = json.dumps(job.intermediate_values)
    row["train_intermediate_values"] = json.dumps(job.train_intermediate_values)
    row["final_objective_value"] = _finite_or_none(job.final_objective_value)
    row["cpu_seconds"] = _finite_or_none(job.cpu_seconds)
    return row


def _encoded(values: dict[str, Any], fields: set[str], kind: str, json_fields: set[str],
             number_fields: set[str]) -> dict[str, Any]:
    """Column updates checked against the table's fields; JSON columns encoded, NaN stored as NULL."""
    unknown = set(values) - fields
    if unknown:
        raise TypeError(f"unknown {kind} field(s): {sorted(unknown)}")
    for name in json_fields & values.keys():
        values[name] = json.dumps(values[name])
    for name in number_fields & values.keys():
        values[name] = _finite_or_none(values[name])
    return values


def _insert_calls(connection: sa.Connection, tuning_job_name: str, calls: StrategyCalls) -> None:
    if calls:
        connection.execute(_strategy_calls.insert(), [
            {"tuning_job_name": tuning_job_name, "position": position, "call": json.dumps(call, allow_nan=True)}
            for position, call in calls])


def _interrupt(connection: sa.Connection, name: str, now: float, *, ended_at: float, training_reason: str,
               reason: str) -> bool:
    """An active tuning job Interrupted and its InProgress training jobs Failed, on ``connection``."""
    connection.execute(
        _training_jobs.update()
        .where(_training_jobs.c.tuning_job_name == name)
        .where(_training_jobs.c.status == TrainingJobStatus.IN_PROGRESS)
        .values(status=TrainingJobStatus.FAILED, failure_reason=training_reason[:1024], end_time=now)
    )
    return connection.execute(
        _tuning_jobs.update()
        .where(_tuning_jobs.c.name == name)
        .where(_tuning_jobs.c.status.in_(ACTIVE_TUNING_STATUSES))
        .values(status=TuningJobStatus.INTERRUPTED, ended_at=ended_at, failure_reason=reason[:1024])
    ).rowcount == 1


def _training_values(values: dict[str, Any]) -> dict[str, Any]:
    """Column updates of a training job, checked and encoded as :func:`_training_row` does."""
    return _encoded(values, _TRAINING_FIELDS, "training job", _CURVE_FIELDS,
                    {"final_objective_value", "cpu_seconds"})


class Store:
    """Tuning jobs and their training jobs in a database; see the module docstring.

    >>> store = Store("sqlite:///:memory:")  # doctest: +SKIP
    """

    def __init__(self, url: str | os.PathLike | None = None, *, artifact_dir: str | os.PathLike | None = None) -> None:
        home = default_home()
        url = url if url is not None else configured_store_url()
        if url is None:
            make_folder(home, "the folder of the store (TuneLab's home)")
            url = f"sqlite:///{home / 'tunelab.db'}"
        elif isinstance(url, os.PathLike) or "://" not in str(url):
            path = sqlite_path(url)  # a bare path is a SQLite file; a blank or a folder is refused
            make_folder(path.parent, "the folder of the store")
            url = f"sqlite:///{path}"
        self.url = str(url)
        self._opened_on_full_disk = False
        try:
            self.engine = create_store_engine(self.url)
            create_tables(self.engine, _metadata)
        except (sa.exc.ArgumentError, sa.exc.DBAPIError, ValueError, ImportError) as error:
            self.engine = self._read_only_fallback(error)  # a read-only or full disk: read it; writes say why not
        # Columns an older store lacks and could not be given (it cannot be written): left out of every query.
        self._missing = add_missing_columns(self.engine, ADDED_COLUMNS)
        database = sa.engine.make_url(self.url).database if self.url.startswith("sqlite") else None
        on_disk = database not in (None, "", ":memory:") and not database.startswith("file:")
        self._file_guard = SqliteFileGuard(database) if on_disk else None
        if artifact_dir is None:
            if database and database != ":memory:":
                artifact_dir = Path(database).parent / "artifacts"
            else:
                artifact_dir = default_artifacts_dir()
        self.artifact_dir = Path(artifact_dir)

    def _read_only_fallback(self, error: Exception) -> sa.Engine:
        """The engine that reads a SQLite file SQLite could not open for writing, or the error in words."""
        database = sa.engine.make_url(self.url).database if self.url.startswith("sqlite") else None
        full = database is not None and disk_nearly_full(Path(database).parent)
        fallback = read_only_engine(database, disk_full=full) if database else None
        if fallback is None:
            raise open_failure(self.url, error) from None
        self._opened_on_full_disk = full
        return fallback

    def _reopen_once_there_is_space(self) -> None:
        """Opened read-only on a full disk, and the disk has space again: the normal engine back."""
        database = sa.engine.make_url(self.url).database
        if disk_nearly_full(Path(database).parent):
            return
        try:
            engine = create_store_engine(self.url)
            create_tables(engine, _metadata)
        except sa.exc.DBAPIError:
            return  # not yet: the read-only engine stays
        self.engine, self._opened_on_full_disk = engine, False
        self._missing = add_missing_columns(self.engine, ADDED_COLUMNS)

    @contextlib.contextmanager
    def _writing(self, what: str) -> Iterator[sa.Connection]:
        """A write transaction whose refusal (read-only, full disk, server gone) is said in words.

        Why: SQLite answers a read-only file with "attempt to write a readonly database" and
        a full disk with "database or disk is full"; raised as they are, they reached the
        user as a 50-line traceback from ``python -m tuning run`` and the Launch button.
        """
        self.check_file()
        try:
            with self.engine.begin() as connection:
                yield connection
        except sa.exc.OperationalError as error:
            reason = " ".join(str(getattr(error, "orig", None) or error).split())
            advice = (sqlite_trouble(sa.engine.make_url(self.url).database, reason) if self.url.startswith("sqlite")
                      else "Check that the database server is running and accepts writes.")
            raise StoreWriteError(
                f"could not {what}: the store {shown_url(self.url)} refused the write ({reason}). {advice}"
            ) from None

    def check_file(self) -> str | None:
        """A SQLite store whose file was deleted under it is written back (see :mod:`tuning.store.file_guard`).

        Returns the sentence saying so once that has happened (None otherwise), for a page or
        the CLI to show; a file replaced by another raises :class:`StoreWriteError`.
        """
        if self._opened_on_full_disk:
            self._reopen_once_there_is_space()
        if self._file_guard is None:
            return None
        if self._file_guard.check(self.engine):
            self.engine = create_store_engine(self.url)
        return self._file_guard.recovered

    def dispose(self) -> None:
        """Close pooled connections (call before handing the store to another process)."""
        self.engine.dispose()

    # -- tuning jobs ---------------------------------------------------------------------
    def create_tuning_job(self, job: TuningJob) -> None:
        """Insert a new tuning job; refuse a name already taken."""
        row = {name: getattr(job, name) for name in _TUNING_FIELDS}
        row["config"] = json.dumps(job.config)
        row = self._present(row)
        try:
            with self._writing(f"record tuning job {job.name!r}") as connection:
                connection.execute(_tuning_jobs.insert().values(**row))
        except sa.exc.IntegrityError:
            raise ValidationError(
                f"a tuning job named {job.name!r} already exists in this store. Pick another "
                "name (or leave the name out to get a fresh one)."
            ) from None

    def update_tuning_job(self, name: str, **values: Any) -> None:
        values = _encoded(values, _TUNING_FIELDS, "tuning job", {"config"}, {"best_objective_value"})
        with self._writing(f"update tuning job {name!r}") as connection:
            connection.execute(_tuning_jobs.update().where(_tuning_jobs.c.name == name).values(**values))

    def claim_runner(self, name: str) -> None:
        """Record that this process runs the tuning job now, and beat the heart once."""
        self.update_tuning_job(
            name, runner_host=socket.gethostname(), runner_pid=os.getpid(), heartbeat_at=time.time()
        )

    def reopen_tuning_job(self, name: str, *, config: dict[str, Any], rerun_indexes: Iterable[int]) -> bool:
        """Take an Interrupted tuning job up again in this process, in one transaction.

        It becomes InProgress (end time, reasons and any stop request cleared), this
        process becomes its runner, and the training jobs to rerun are removed so that
        they start again under their own index. One transaction, with the status as its
        condition: two resumes at once (two browser tabs) cannot both win, and no reader
        sees the job InProgress under its dead runner. False, with nothing changed, when
        the job is not Interrupted (any more).
        """
        with self._writing(f"reopen tuning job {name!r}") as connection:
            claimed = connection.execute(
                _tuning_jobs.update()
                .where(_tuning_jobs.c.name == name)
                .where(_tuning_jobs.c.status == TuningJobStatus.INTERRUPTED)
                .values(status=TuningJobStatus.IN_PROGRESS, ended_at=None, failure_reason=None,
                        completion_reason=None, stop_requested=False, config=json.dumps(config),
                        **({} if "queue_status" in self._missing else {"queue_status": None}),
                        runner_host=socket.gethostname(), runner_pid=os.getpid(), heartbeat_at=time.time())
            ).rowcount
            if claimed != 1:
                return False
            indexes = list(rerun_indexes)
            if indexes:
                connection.execute(
                    _training_jobs.delete()
                    .where(_training_jobs.c.tuning_job_name == name)
                    .where(_training_jobs.c.index.in_(indexes))
                )
        return True

    def heartbeat(self, name: str) -> None:
        self.update_tuning_job(name, heartbeat_at=time.time())

    def request_stop(self, name: str) -> None:
        """Ask the tuning job's runner to stop it (AMT's StopHyperParameterTuningJob).

        The runner stops launching training jobs, stops the running ones (they end as
        Stopped) and marks the tuning job Stopped. Stopping a job that has already ended
        is refused with its status (a job whose runner died is Interrupted, and refused).
        """
        self.mark_dead_runners()
        job = self.get_tuning_job(name)
        if not job.is_active:
            raise ValidationError(
                f"tuning job {name!r} is {job.status}, so there is nothing to stop."
            )
        with self._writing(f"ask tuning job {name!r} to stop") as connection:
            connection.execute(
                _tuning_jobs.update()
                .where(_tuning_jobs.c.name == name)
                .values(stop_requested=True, status=TuningJobStatus.STOPPING)
            )

    def stop_requested(self, name: str) -> bool:
        with self.engine.connect() as connection:
            return bool(
                connection.execute(
                    sa.select(_tuning_jobs.c.stop_requested).where(_tuning_jobs.c.name == name)
                ).scalar()
            )

    def get_tuning_job(self, name: str) -> TuningJob:
        """The tuning job called ``name``, with its training-job status counters (read only).

        A job whose runner died reads as it was left (InProgress, say) until
        :meth:`mark_dead_runners` is called.
        """
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(*self._tuning_columns()).where(_tuning_jobs.c.name == name)).first()
            if row is None:
                names = connection.execute(
                    sa.select(_tuning_jobs.c.name).order_by(*_NEWEST_FIRST).limit(10)
                ).scalars().all()
                hint = f" Known tuning jobs include: {', '.join(names)}." if names else " The store has no tuning jobs yet."
                raise ValidationError(f"no tuning job named {name!r} in the store {shown_url(self.url)}.{hint}")
            counters = self._counters(connection, [name]).get(name, {})
        return self._tuning_job(row, counters)

    def _tuning_columns(self) -> list[sa.Column]:
        """The tuning-job columns this store has (an older, unwritable one lacks ``workspace``)."""
        return [column for column in _tuning_jobs.columns if column.name not in self._missing]

    def workspace_of(self, name: str) -> str | None:
        """Whose the tuning job is in class mode (None: made outside it); a read of one cell.

        An unknown name is refused as :meth:`get_tuning_job` refuses it.
        """
        if "workspace" in self._missing:
            return self.get_tuning_job(name).workspace
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(_tuning_jobs.c.workspace).where(_tuning_jobs.c.name == name)).first()
        return row[0] if row is not None else self.get_tuning_job(name).workspace

    def tuning_job_exists(self, name: str) -> bool:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.count()).select_from(_tuning_jobs).where(_tuning_jobs.c.name == name)
            ).scalar_one() > 0

    def list_tuning_jobs(self) -> list[TuningJob]:
        """Every tuning job, newest first, with status counters (two queries in all; read only)."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(*self._tuning_columns()).order_by(*_NEWEST_FIRST)).all()
            counters = self._counters(connection, None)
        return [self._tuning_job(row, counters.get(row.name, {})) for row in rows]

    def delete_tuning_job(self, name: str) -> None:
        """Remove a finished tuning job (one whose runner died counts), its training jobs and its artifacts."""
        self.mark_dead_runners()
        job = self.get_tuning_job(name)
        if job.is_active:
            raise ValidationError(f"tuning job {name!r} is {job.status}; stop it before deleting it.")
        with self._writing(f"delete tuning job {name!r}") as connection:
            connection.execute(_training_jobs.delete().where(_training_jobs.c.tuning_job_name == name))
            connection.execute(_strategy_calls.delete().where(_strategy_calls.c.tuning_job_name == name))
            connection.execute(_tuning_jobs.delete().where(_tuning_jobs.c.name == name))
        shutil.rmtree(self.artifact_dir / name, ignore_errors=True)

    @staticmethod
    def _counters(connection: sa.Connection, names: list[str] | None) -> dict[str, dict[str, int]]:
        query = sa.select(
            _training_jobs.c.tuning_job_name, _training_jobs.c.status, sa.func.count()
        ).group_by(_training_jobs.c.tuning_job_name, _training_jobs.c.status)
        if names is not None:
            query = query.where(_training_jobs.c.tuning_job_name.in_(names))
        counters: dict[str, dict[str, int]] = {}
        for tuning_job_name, status, count in connection.execute(query):
            counters.setdefault(tuning_job_name, {})[status] = count
        return counters

    @staticmethod
    def _tuning_job(row: sa.Row, counters: dict[str, int]) -> TuningJob:
        values = row._asdict()
        values["config"] = json.loads(values["config"])
        values["stop_requested"] = bool(values["stop_requested"])
        return TuningJob(**values, status_counters=dict(counters))

    def mark_dead_runners(self) -> list[str]:
        """Mark active tuning jobs whose runner is gone as Interrupted; return their names.

        On this machine a runner is gone when its process no longer exists; elsewhere,
        when its heartbeat is older than :data:`HEARTBEAT_TIMEOUT_SECONDS`. Training
        jobs left InProgress become Failed with a reason that says why.

        Why a call of its own rather than a side effect of every read: a read that may
        write fails on a read-only store or a full disk, and makes every dashboard refresh
        a writer. Callers that must show or act on the truth call it first (see the
        module docstring). A store that refuses the write raises :class:`StoreWriteError`
        (nothing is marked); with no dead runner, this is one query and writes nothing.
        """
        self.check_file()
        with self.engine.connect() as connection:
            active = connection.execute(
                sa.select(
                    _tuning_jobs.c.name, _tuning_jobs.c.runner_host, _tuning_jobs.c.runner_pid,
                    _tuning_jobs.c.heartbeat_at, _tuning_jobs.c.created_at,
                ).where(_tuning_jobs.c.status.in_(ACTIVE_TUNING_STATUSES))
            ).all()
        now = time.time()
        dead = [(name, host, pid, heartbeat) for name, host, pid, heartbeat, created in active
                if not runner_alive(host, pid, heartbeat if heartbeat is not None else created, now)]
        marked = []
        try:
            for name, host, pid, heartbeat in dead:
                if self._mark_interrupted(name, host, pid, heartbeat, now):
                    marked.append(name)
        except sa.exc.OperationalError as error:
            reason = " ".join(str(getattr(error, "orig", None) or error).split())
            raise StoreWriteError(
                f"could not mark {len(dead) - len(marked)} tuning job(s) whose process died as Interrupted "
                f"({', '.join(name for name, *_ in dead if name not in marked)}): the store "
                f"{shown_url(self.url)} refused the write ({reason}). They may still read InProgress; "
                "make the store writable (or free disk space) to see them as Interrupted and resume them."
            ) from None
        return marked

    def _mark_interrupted(self, name: str, host: str | None, pid: int | None, heartbeat: float | None,
                          now: float) -> bool:
        """One dead runner's job Interrupted, its InProgress training jobs Failed: one transaction."""
        with self.engine.begin() as connection:
            return _interrupt(
                connection, name, now, ended_at=heartbeat or now,
                training_reason=(f"{RUNNER_GONE}: The process running this tuning job (pid {pid} on {host}) ended "
                                 "before the job did. Finished training jobs are kept; this one did not finish."),
                reason=f"Interrupted: the process running this tuning job (pid {pid} on {host}) stopped before "
                       "the job ended.",
            )

    def interrupt_tuning_job(self, name: str, why: str) -> bool:
        """The runner's own job Interrupted because a write was refused (``why``, in words).

        Why not Failed: nothing is wrong with the job, the disk was full or read-only; its
        finished training jobs are kept and ``resume`` goes on once the store can be written
        (the running ones are Failed with :data:`RUNNER_GONE`, so resume reruns them). When
        the store still refuses, this raises :class:`StoreWriteError`, and the job is marked
        by :meth:`mark_dead_runners` once this process is gone and the disk has space.
        """
        now = time.time()
        with self._writing(f"mark tuning job {name!r} Interrupted") as connection:
            return _interrupt(
                connection, name, now, ended_at=now,
                training_reason=f"{RUNNER_GONE}: The tuning job stopped before this training job ended: {why}",
                reason=f"Interrupted: {why}",
            )

    # -- training jobs -------------------------------------------------------------------
    def _present(self, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` without the columns this (older, unwritable) store lacks."""
        return {name: value for name, value in row.items() if name not in self._missing} if self._missing else row

    def _row(self, job: TrainingJob) -> dict[str, Any]:
        return self._present(_training_row(job))

    def add_training_job(self, job: TrainingJob, *, calls: StrategyCalls = ()) -> None:
        """Insert one training job (and, in the same commit, the strategy calls since the last write)."""
        with self._writing(f"record training job {job.name!r}") as connection:
            connection.execute(_training_jobs.insert().values(**self._row(job)))
            _insert_calls(connection, job.tuning_job_name, calls)

    def add_strategy_calls(self, tuning_job_name: str, calls: StrategyCalls) -> None:
        """Append to a tuning job's record of strategy calls (read by :mod:`tuning.explain.replay`)."""
        if calls:
            with self._writing(f"record the strategy's calls of {tuning_job_name!r}") as connection:
                _insert_calls(connection, tuning_job_name, calls)

    def strategy_calls(self, tuning_job_name: str) -> list[dict[str, Any]]:
        """The tuning job's record of strategy calls, in order ([] for a job made before it existed)."""
        query = (sa.select(_strategy_calls.c.call).where(_strategy_calls.c.tuning_job_name == tuning_job_name)
                 .order_by(_strategy_calls.c.position))
        with self.engine.connect() as connection:
            return [json.loads(call) for (call,) in connection.execute(query)]

    def add_training_jobs(self, jobs: Iterable[TrainingJob]) -> None:
        """Insert many training jobs in one transaction (an import, or a benchmark's fill).

        The runner adds jobs one at a time as they start; 10,000 records written that way
        are 10,000 commits, here they are one.
        """
        rows = [self._row(job) for job in jobs]
        if rows:
            with self._writing("record the training jobs") as connection:
                connection.execute(_training_jobs.insert(), rows)

    def update_training_job(self, tuning_job_name: str, index: int, **values: Any) -> None:
        self.finish_training_job(tuning_job_name, index, **values)

    def check_readable_channels(self, config: Any) -> None:
        """Outside class mode every channel a configuration names may be read: nothing to refuse.

        :func:`tuning.job.preparation.prepare` asks its store before reading data; a student's
        :class:`~tuning.classroom.scoped_store.WorkspaceStore` refuses what is not theirs.
        """

    def finish_training_job(
        self, tuning_job_name: str, index: int, *, started: Iterable[TrainingJob] = (),
        best: tuple[float, str] | None = None, calls: StrategyCalls = (), **values: Any
    ) -> None:
        """Record a training job's end and the jobs that took its worker, in one transaction.

        The runner queues the next training job before the running one ends; when it
        collects the result, the queued job has just started on the freed worker. Writing
        both in one commit halves the runner's commits per job, and a reader never sees
        the worker idle in between. ``best`` (objective value, training job name) makes this
        job the tuning job's best in the same commit: a full disk cannot leave a better
        Completed job recorded while the best still names an older one. ``calls`` are the
        strategy calls made since the runner's last write (see :meth:`add_strategy_calls`).
        """
        values = self._present(_training_values(values))
        rows = [self._row(job) for job in started]
        with self._writing(f"record the end of training job {index} of {tuning_job_name!r}") as connection:
            if rows:  # first: the finished job may be one of them (queued, started and done)
                connection.execute(_training_jobs.insert(), rows)
            _insert_calls(connection, tuning_job_name, calls)
            if best is not None:
                connection.execute(_tuning_jobs.update().where(_tuning_jobs.c.name == tuning_job_name).values(
                    best_objective_value=_finite_or_none(best[0]), best_training_job=best[1]))
            connection.execute(
                _training_jobs.update()
                .where(_training_jobs.c.tuning_job_name == tuning_job_name)
                .where(_training_jobs.c.index == index)
                .values(**values)
            )

    def update_intermediate_values(
        self, tuning_job_name: str, curves: Mapping[int, Iterable[tuple[int, float]]], *,
        train_curves: Mapping[int, Iterable[tuple[int, float]]] | None = None,
    ) -> None:
        """Write the live curves of running training jobs, all in one transaction.

        ``train_curves`` are the same jobs' training-channel curves (a job may have none yet).
        """
        train_curves = {} if train_curves is None or "train_intermediate_values" in self._missing else train_curves
        if not curves and not train_curves:
            return
        with self._writing(f"record the learning curves of {tuning_job_name!r}") as connection:
            for index in {*curves, *train_curves}:
                values = {}
                if index in curves:
                    values["intermediate_values"] = json.dumps(list(curves[index]))
                if index in train_curves:
                    values["train_intermediate_values"] = json.dumps(list(train_curves[index]))
                connection.execute(
                    _training_jobs.update()
                    .where(_training_jobs.c.tuning_job_name == tuning_job_name)
                    .where(_training_jobs.c.index == index)
                    .values(**values)
                )

    def training_jobs(
        self, tuning_job_name: str, *, status: str | None = None, with_curves: bool = True
    ) -> list[TrainingJob]:
        """The tuning job's training jobs in launch order (optionally of one status).

        ``with_curves=False`` leaves both curves (``intermediate_values`` and
        ``train_intermediate_values``) empty without reading them: a page that only
        tabulates 10,000 jobs need not parse 20,000 JSON curves. An older store that lacks
        a column (and could not be given it) reads it as its default.
        """
        left_out = self._missing | (set() if with_curves else _CURVE_FIELDS)
        columns = [column for column in _training_jobs.columns if column.name not in left_out]
        query = (
            sa.select(*columns)
            .where(_training_jobs.c.tuning_job_name == tuning_job_name)
            .order_by(_training_jobs.c.index)
        )
        if status is not None:
            query = query.where(_training_jobs.c.status == status)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        jobs = []
        for row in rows:
            values = row._asdict()
            values["hyperparameters"] = json.loads(values["hyperparameters"])
            for name in _CURVE_FIELDS & values.keys():
                values[name] = [tuple(pair) for pair in json.loads(values[name])]
            jobs.append(TrainingJob(**values))
        return jobs

    # -- artifacts -----------------------------------------------------------------------
    def tuning_job_artifacts(self, tuning_job_name: str) -> Path:
        """The folder of one tuning job's artifacts (the encoder and the best model)."""
        return self.artifact_dir / tuning_job_name
