"""Running a tuning job: suggest, train in parallel, record, repeat.

:func:`tuning.job.preparation.prepare` checks a :class:`~tuning.job.config.TuningJobConfig`
against the data and the algorithm, and refuses a bad one before anything is written
(``prepare`` is also importable from here). :func:`run_tuning_job` then runs it:

1. the strategy suggests as many hyperparameter sets as there are free worker slots
   (``MaxParallelTrainingJobs``), each becoming a training job recorded as InProgress;
2. worker processes (a ``ProcessPoolExecutor``: real parallel training, no scheduler of
   our own) train them, reporting each round to the training board, which may stop
   them early (median rule or Hyperband);
3. each finished job is recorded (status, objective, curve, times), the strategy observes
   it, and the model is saved if it is the best so far;
4. until ``MaxNumberOfTrainingJobs`` jobs have run, the grid is exhausted,
   ``MaxRuntimeInSeconds`` has passed, or someone asked the job to stop
   (:meth:`tuning.store.database.Store.request_stop`).

The loop is shaped like Optuna's ``_optimize``: a stop flag checked every turn, a
budget, a callback with each finished training job, and clean-up in ``finally``.

Keeping the workers busy. With the Random and Grid strategies, whose suggestions never
depend on results, the runner *queues ahead*: up to ``MaxParallelTrainingJobs`` further
jobs wait in the pool while the running ones train, so a worker that finishes one job
starts the next at once, and the runner does its bookkeeping for the finished job (store,
strategy, best model, callback) while the next one trains. The pool has
``MaxParallelTrainingJobs`` processes, so no more than that many ever train at once. A
queued job is written to the store (InProgress) only when it really starts, that is when
a running job's result comes back and frees its worker, in the same transaction as that
result. Bayesian and Hyperband jobs do not queue ahead: each suggestion should see every
result that could be known. When the tuning job stops, a queued job that has not started
finds the shared stop flag set and never runs (nothing is recorded for it); one that had
already taken a freed worker runs and is recorded like the others.

On a Dask cluster (``scheduler="tcp://HOST:8786"``) the pool is a
:class:`tuning.running.cluster.DaskPool`: the same loop, the data scattered to the workers once,
the board reached over TCP. Jobs are not queued ahead there: the cluster may have more
workers than ``MaxParallelTrainingJobs``, and a queued task would run at once. Nor in class mode
(:mod:`tuning.running.fair_share`), where a queued job would hold a shared slot idle.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuning.algorithms import TrainingData
from tuning.serving.artifacts import remove_model, save_encoding, save_model
from tuning.analysis.baseline import compute_baseline
from tuning.running.board import BoardTicket, start_board
from tuning.running.cluster import DaskPool, board_address, connect_scheduler, new_authkey
from tuning.running.fair_share import admission_for
from tuning.running.forkserver import warm_up, worker_context
from tuning.running.handle import TuningJobHandle
from tuning.running.resume_point import BoardEntry, RerunsFirst, ResumedTuningJob, ResumeState, start_entry
from tuning.job.completion import CompletionTracker
from tuning.job.config import LOCAL_POOL, PRUNER_STUDY, RUN_RECORD, TuningJobConfig
from tuning.datasets.fingerprint import data_fingerprint, held_out_rows_record
from tuning.errors import StoreWriteError, os_error_words
from tuning.metrics import MAXIMIZE
from tuning.job.preparation import PreparedTuningJob, encode_channels, prepare
from tuning.records import TrainingJob, TrainingJobStatus, TuningJob, TuningJobStatus
from tuning.job.stopping_condition import runtime_limit_seconds
from tuning.running.worker import NOT_STARTED, TrainingOutcome, dump_encoder, initialize, run_training_job

if TYPE_CHECKING:
    from distributed import Client

    from tuning.store.database import Store
    from tuning.strategies import Strategy

__all__ = ["PreparedTuningJob", "TuningJobHandle", "TuningProgress", "launch_prepared", "launch_tuning_job",
           "prepare", "run_tuning_job", "warm_up"]

POLL_SECONDS = 0.2
"""How often the loop looks for finished jobs and stop requests (at the most)."""
LIVE_WRITE_SECONDS = 1.0
"""How often live curves and the heartbeat are written to the store."""
STOP_GRACE_SECONDS = 10.0
"""After a stop, running jobs get this long to stop at their next round; then their
worker processes are ended."""


@dataclass
class TuningProgress:
    """What a progress callback hears after each finished training job."""

    tuning_job_name: str
    finished: int
    max_jobs: int
    running: int
    last: TrainingJob
    best_objective_value: float | None
    best_training_job: str | None


def _test_split_record(prepared: PreparedTuningJob) -> dict[str, Any]:
    """``{"TestSplit": ...}`` when the job holds out a test split (see :func:`held_out_rows_record`), else ``{}``."""
    if prepared.test is None:
        return {}
    return {"TestSplit": held_out_rows_record(prepared.test, prepared.config.test_split_fraction,
                                           prepared.config.random_seed or 0)}


def run_tuning_job(
    config: TuningJobConfig | PreparedTuningJob,
    store: Store,
    *,
    callback: Callable[[TuningProgress], None] | None = None,
    on_start: Callable[[PreparedTuningJob], None] | None = None,
    scheduler: str | None = None,
) -> TuningJob:
    """Run a tuning job to its end and return its final record.

    Bad configurations raise :class:`~tuning.errors.ValidationError` before anything is
    stored. Once running, a failing training job fails alone; an error of the loop itself
    marks the tuning job Failed with the reason, keeping every finished training job.

    ``scheduler``, a Dask scheduler's address (``tcp://HOST:8786``), runs the training
    jobs on that cluster instead of this machine's process pool; an address with no
    scheduler behind it is refused before anything is stored.

    First, jobs whose runner died are marked Interrupted (:meth:`Store.mark_dead_runners
    <tuning.store.database.Store.mark_dead_runners>`): a warm-start parent whose process
    died counts as ended, and the store a new job joins tells the truth.
    """
    warm_up()  # the workers' forkserver imports while this process checks the job and reads its data
    store.mark_dead_runners()
    prepared = config if isinstance(config, PreparedTuningJob) else prepare(config, store=store)
    resume = prepared.resume if isinstance(prepared, ResumedTuningJob) else None
    cluster = connect_scheduler(scheduler) if scheduler else None
    data, preprocessor, target_encoder = encode_channels(prepared)
    loop = _TuningLoop(prepared, store, data, callback)  # writes nothing: a loop that cannot start leaves no record
    record = TuningJob(
        name=prepared.name,
        status=TuningJobStatus.IN_PROGRESS,
        strategy=prepared.strategy_name,
        algorithm=prepared.algorithm.name,
        dataset=prepared.train.name,
        objective_metric_name=prepared.metric.name,
        objective_type=prepared.objective_type,
        max_jobs=prepared.max_jobs,
        max_parallel_jobs=prepared.config.max_parallel_jobs,
        config={**prepared.config.replace(name=prepared.name).to_dict(),
                RUN_RECORD: {"DataFingerprint": data_fingerprint(prepared.train, prepared.validation, prepared.test),
                             "TrainingJobsRanOn": scheduler or LOCAL_POOL,
                             "Baseline": compute_baseline(prepared.metric, data, prepared.train.classes).to_json(),
                             **({PRUNER_STUDY: prepared.name} if prepared.pruning != "Off" else {}),
                             **_test_split_record(prepared)}},
        created_at=time.time(),
    )
    if resume is None:
        store.create_tuning_job(record)
    else:
        resume.config.setdefault(RUN_RECORD, {})["TrainingJobsRanOn"] = scheduler or LOCAL_POOL
        resume.reopen(store)  # an Interrupted job: InProgress again, its cut-short jobs cleared
    store.claim_runner(prepared.name)
    if on_start is not None:
        on_start(prepared)
    try:
        loop.run(preprocessor, lambda encoded: save_encoding(
            store.tuning_job_artifacts(prepared.name), preprocessor, target_encoder,
            prepared.train.features, prepared.train.problem_type, prepared.train.target_name, encoded=encoded),
            cluster=cluster)
    except StoreWriteError as error:  # a full or read-only disk: Interrupted, for resume to go on
        try:
            store.interrupt_tuning_job(prepared.name, str(error))
        except StoreWriteError:
            pass  # still refused: marked Interrupted by mark_dead_runners once there is space
        raise
    except BaseException as error:
        interrupted = isinstance(error, KeyboardInterrupt)
        store.update_tuning_job(
            prepared.name,
            status=TuningJobStatus.STOPPED if interrupted else TuningJobStatus.FAILED,
            ended_at=time.time(),
            failure_reason=None if interrupted else f"{type(error).__name__}: {error}"[:1024],
            completion_reason="Interrupted from the keyboard" if interrupted else None,
        )
        raise
    finally:
        if resume is not None:
            resume.put_back_unrun(store)  # cut-short jobs a stop kept from rerunning
        if cluster is not None:
            cluster.close()
    return store.get_tuning_job(prepared.name)


class _TuningLoop:
    """The state of one running tuning job; see the module docstring for the steps."""

    def __init__(self, prepared: PreparedTuningJob, store: Store, data: TrainingData,
                 callback: Callable[[TuningProgress], None] | None) -> None:
        self.prepared = prepared
        self.store = store
        self.data = data
        self.callback = callback
        self.name = prepared.name
        self.strategy: Strategy | RerunsFirst = prepared.strategy  # built once, by prepare
        self.maximize = prepared.objective_type == MAXIMIZE
        self.running: dict[Future, tuple[int, dict[str, Any]]] = {}
        # Submitted, not yet known to have started, oldest first: (index, hyperparameters, created).
        self.queued: dict[Future, tuple[int, dict[str, Any], float]] = {}
        self.pause = prepared.config.pause_between_jobs_seconds  # a demo's pace: seconds after each job ends
        self.pause_until = float("-inf")
        # Results cannot change what comes next: queue ahead (not while pausing: a queued job would start at once).
        self.queue_ahead = not self.strategy.depends_on_results and not self.pause
        self.ended: list[int] = []  # finished jobs the board has not forgotten yet
        self.last_stop_check = float("-inf")
        self.launched = 0
        self.finished = 0
        self.failed = 0
        self.best: tuple[float, str] | None = None
        self.first_failure: str | None = None
        self.stop_reason: str | None = None
        self.started = time.monotonic()
        self.artifacts = store.tuning_job_artifacts(self.name)
        self.seed = prepared.config.random_seed or 0
        self.prune_live = prepared.pruning != "Off"
        self.training_limit = runtime_limit_seconds(prepared.config.training_job_max_runtime_seconds)
        criteria = prepared.config.completion_criteria
        self.completion = (None if criteria is None else
                           CompletionTracker(criteria, maximize=prepared.objective_type == "Maximize"))
        self.completion_message: str | None = None  # set when a completion criterion is met
        self.refill: list[int] = []  # after a resume: indexes to fill before new ones
        self.board_history: list[BoardEntry] = []
        # The strategy's record of calls, written to the store with the runner's own writes:
        # a "start" entry (what rebuilds the strategy), then every call, and "launched" entries.
        self.calls = prepared.strategy.calls
        self.calls.insert(0, start_entry(prepared, resumed=isinstance(prepared, ResumedTuningJob)))
        self.calls_written = 0
        self.call_base = len(store.strategy_calls(self.name)) if isinstance(prepared, ResumedTuningJob) else 0
        if isinstance(prepared, ResumedTuningJob):
            self.restore(prepared.resume.replay(self.strategy))

    def restore(self, state: ResumeState) -> None:
        """Go on from where an interrupted job's loop stood: counters, best, clock and strategy.

        The pruner hears the earlier jobs in :meth:`_next_index`, once the board exists.
        """
        self.strategy = state.strategy
        self.launched = self.finished = len(state.kept)
        failures = state.failures
        self.failed, self.first_failure = len(failures), failures[0] if failures else None
        self.best = state.best
        self.started -= state.seconds_before  # MaxRuntimeInSeconds counts the time before
        if self.completion is not None:
            for value in state.completed_values:
                self.completion_message = self.completion_message or self.completion.observe(value)
        if self.prune_live:
            self.board_history = state.board_history
        self.refill = list(state.refill)

    # -- the loop ------------------------------------------------------------------------
    def run(self, encoder: Any = None, save_encoder: Callable[[bytes | None], None] = lambda encoded: None, *,
            cluster: Client | None = None) -> None:
        """Run the loop, first saving the job's fitted feature ``encoder`` with ``save_encoder``.

        ``save_encoder`` is given the encoder in skops' format, made by the first worker
        process (:meth:`_encoded`), or ``None`` to serialise it itself (on a Dask cluster,
        whose workers may be other machines; it then runs while the board process starts).
        With a Dask ``cluster`` client, training jobs run on its workers. In class mode, training
        jobs wait for slots the server shares out (:mod:`tuning.running.fair_share`).
        """
        self.cluster = cluster
        self.admission = admission_for(self.store, self.name, cluster=cluster)  # its slots back on every way out
        self.queue_ahead &= not self.admission.limited  # a job queued ahead in the pool would hold a slot idle
        with self.admission:
            self._run(encoder, save_encoder)

    def _run(self, encoder: Any, save_encoder: Callable[[bytes | None], None]) -> None:
        context = worker_context()
        self.stop_flag = context.Value("b", 0, lock=False)
        started: dict[str, Any] = {}

        if self.cluster is not None:  # remote workers: the board on TCP, nothing queued ahead
            self.queue_ahead = False
            self.board_authkey = new_authkey()
            transport = {"address": board_address(self.cluster), "authkey": self.board_authkey}
        else:
            transport = {}

        def board() -> None:
            try:
                started["board"] = start_board(
                    context, **transport, pruning=self.prepared.pruning, direction=self.prepared.objective_type,
                    min_resource=self.prepared.min_resource, max_resource=self.prepared.max_resource,
                    study_name=self.name,
                )
            except BaseException as error:  # noqa: BLE001 - raised below, in this thread
                started["error"] = error

        # The board's process is forked from the forkserver (its imports started with the
        # tuning job: warm_up) while this process goes on: they overlap on two cores.
        thread = threading.Thread(target=board, name=f"board-{self.name}", daemon=True)
        thread.start()
        try:
            if self.cluster is not None:
                save_encoder(None)
        finally:
            thread.join()
        if "error" in started:
            raise started["error"]
        manager, self.board = started["board"]
        self.pool = self._new_pool(context)
        stop_deadline: float | None = None
        last_write = time.monotonic()
        try:
            if self.cluster is None:
                save_encoder(self._encoded(encoder, context))
            while True:
                now = time.monotonic()
                if self.stop_reason is None:
                    self._check_stop(now)
                    if self.stop_reason is not None:
                        self._stop_all()
                        stop_deadline = now + STOP_GRACE_SECONDS
                if self.stop_reason is None:
                    self._launch()
                if not self.running and not self.queued:
                    left = self._pause_left()
                    if left <= 0 and not self.admission.waiting:
                        break
                    if self.admission.waiting:  # fair share: no slot free yet (a stop is heard next turn)
                        self.admission.wait_for_slot(POLL_SECONDS, self.store)
                    else:
                        time.sleep(min(left, POLL_SECONDS))  # a demo's pause between training jobs
                    continue
                done, _ = wait([*self.running, *self.queued], timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    self._collect(future, context)
                if time.monotonic() - last_write >= LIVE_WRITE_SECONDS:
                    self._write_live()
                    last_write = time.monotonic()
                if stop_deadline is not None and time.monotonic() > stop_deadline and self.running:
                    self._end_stuck_jobs()
                    break
        except BaseException as error:
            # Ctrl-C or an error of the loop itself: running jobs stop at their next
            # round rather than run to the end, and are recorded as Stopped. A refused
            # write leaves them to run_tuning_job, which marks them for resume to rerun.
            self._stop_all()
            if isinstance(error, StoreWriteError):
                raise
            self.write_calls()
            now = time.time()
            for index, _ in self.running.values():
                self.store.update_training_job(self.name, index, status=TrainingJobStatus.STOPPED,
                                               end_time=now, stopped_reason="TuningJobInterrupted")
            raise
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
            manager.shutdown()
        self._finish()

    def _encoded(self, encoder: Any, context: Any) -> bytes | None:
        """The feature encoder in skops' format, made by the pool's first worker process.

        Why there: that process has skops imported already (the forkserver preloads it),
        and this one then needs skops for nothing while the job runs (the models come back
        serialised too), which spares it about a second of imports (measured by
        bench/bench_cold_start.py). ``None`` when the worker died first (the encoder is then
        serialised here, and a new pool takes over).
        """
        try:
            return self.pool.submit(dump_encoder, encoder).result()
        except BrokenProcessPool:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool(context)
            return None

    def _new_pool(self, context: Any) -> ProcessPoolExecutor | DaskPool:
        if self.cluster is not None:
            return DaskPool(self.cluster, name=self.name, data=self.data, algorithm=self.prepared.algorithm.name,
                            metric=self.prepared.metric.name,
                            board=BoardTicket.for_board(self.board, self.board_authkey))
        return ProcessPoolExecutor(
            max_workers=self.prepared.config.max_parallel_jobs,
            mp_context=context,
            initializer=initialize,
            initargs=(self.data, self.prepared.algorithm.name, self.prepared.metric.name, self.board,
                      os.getpid(), self.stop_flag),
        )

    def _stop_all(self) -> None:
        """Tell every job to stop: the flag (read by workers for free), then the board."""
        self.stop_flag.value = 1
        self.admission.withdraw()  # a stopped job waits for no slot
        self.board.stop_all()
        for future in list(self.queued):
            if future.cancel():  # still in the pool's own queue: it will never run
                self.queued.pop(future)
                self.launched -= 1

    def _check_stop(self, now: float) -> None:
        # The store is asked at most every POLL_SECONDS, not after every short job.
        if now - self.last_stop_check >= POLL_SECONDS:
            self.last_stop_check = now
            if self.store.stop_requested(self.name):
                self.stop_reason = "StopRequested"
                return
        if self.completion_message is not None:
            self.stop_reason = "CompletionCriteria"
            return
        limit = self.prepared.config.max_runtime_seconds
        if limit is not None and now - self.started >= limit:
            self.stop_reason = "MaxRuntimeInSeconds"

    def _launch(self) -> None:
        parallel = self.prepared.config.max_parallel_jobs
        capacity = 2 * parallel if self.queue_ahead else parallel
        free = capacity - len(self.running) - len(self.queued)
        budget = self.prepared.max_jobs - self.launched
        idle = free <= 0 or budget <= 0 or self.strategy.exhausted or self._pause_left() > 0
        free = self.admission.allow(0 if idle else min(free, budget), in_flight=len(self.running) + len(self.queued))
        if free <= 0:
            return
        launched = []
        for hyperparameters in self.strategy.suggest(free):
            index = self._next_index()
            self.launched += 1
            if self.prune_live:  # the pruner needs a trial per job; without one, skip the round trip
                self.board.begin(index)
            self.queued[self._submit(index, hyperparameters)] = (index, hyperparameters, time.time())
            launched.append({"index": index, "hyperparameters": dict(hyperparameters)})
        self.calls.append({"call": "launched", "jobs": launched})
        for training_job in self._promote(time.time()):  # taken by a free worker: started now
            self.store.add_training_job(training_job, calls=self._unwritten_calls())

    def _pause_left(self) -> float:
        """Seconds until the next training job may start under PauseBetweenJobsSeconds (0: now)."""
        if not self.pause or self.stop_reason is not None or self.launched >= self.prepared.max_jobs \
                or self.strategy.exhausted:
            return 0.0
        return max(0.0, self.pause_until - time.monotonic())

    def _next_index(self) -> int:
        """The next training job's index: after a resume, first those the crash cut short.

        A resumed job's pruner also hears the earlier jobs' curves here, before its
        first new job (the board exists only once the loop runs).
        """
        for index, curve, state, value in self.board_history:
            self.board.begin(index)
            if curve:
                self.board.report(index, curve)
            self.board.end(index, state, value)
        self.board_history = []
        return self.refill.pop(0) if self.refill else self.launched

    def _submit(self, index: int, hyperparameters: dict[str, Any]) -> Future:
        full = self.prepared.training_hyperparameters(hyperparameters)
        best = self.best[0] if self.best else None  # the worker serialises only a model that beats it
        return self.pool.submit(run_training_job, index, full, self.seed + index, self.prune_live, best,
                                max_runtime_seconds=self.training_limit)

    def _started(self, index: int, hyperparameters: dict[str, Any], created: float, start: float) -> TrainingJob:
        return TrainingJob(
            tuning_job_name=self.name, index=index, name=f"{self.name}-{index + 1:03d}",
            status=TrainingJobStatus.IN_PROGRESS, hyperparameters=hyperparameters,
            created_at=created, start_time=start,
        )

    def _promote(self, start: float, *, through: Future | None = None) -> list[TrainingJob]:
        """Queued jobs that have started: the oldest while a worker is free (or up to
        ``through``, a queued job already done). The pool runs its queue in order, so a
        worker freed by a finished job took the oldest queued job."""
        started = []
        while self.queued:
            if through is None and (self.stop_reason is not None
                                    or len(self.running) >= self.prepared.config.max_parallel_jobs):
                break
            future = next(iter(self.queued))
            index, hyperparameters, created = self.queued.pop(future)
            self.running[future] = (index, hyperparameters)
            started.append(self._started(index, hyperparameters, created, start))
            if future is through:
                break
        return started

    def _collect(self, future: Future, context: Any) -> None:
        if future not in self.running and future not in self.queued:
            return  # settled already, with the jobs of a broken pool
        error = future.exception()
        if future in self.queued:
            if isinstance(error, BrokenProcessPool):  # never ran: the new pool runs it
                self._replace_broken_pool(context)
                return
            if error is None and future.result().status == NOT_STARTED:
                self.queued.pop(future)  # the stop came first: it never ran
                self.launched -= 1
                return
        now = time.time()
        started = self._promote(now, through=future) if future in self.queued else []
        index, hyperparameters = self.running.pop(future)
        if isinstance(error, BrokenProcessPool):
            # A worker process died (out of memory, killed): its jobs fail, a new pool goes on.
            self._record(TrainingOutcome(index, "Failed", now, now,
                                         failure_reason="The worker process running this training job died "
                                         "(out of memory, or killed)."), hyperparameters, started)
            self._replace_broken_pool(context)
            return
        if error is not None:  # e.g. a result that could not be sent back
            outcome = TrainingOutcome(index, "Failed", now, now,
                                      failure_reason=f"{type(error).__name__}: {error}"[:1024])
        else:
            outcome = future.result()
            if outcome.status == NOT_STARTED:  # recorded as started, but the stop came first
                outcome = TrainingOutcome(index, TrainingJobStatus.STOPPED, outcome.start_time,
                                          outcome.end_time, stopped_reason="StopRequested")
        self._record(outcome, hyperparameters, started + self._promote(outcome.end_time))

    def _replace_broken_pool(self, context: Any) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        for future, (index, hyperparameters) in list(self.running.items()):
            self.running.pop(future)
            self._record(TrainingOutcome(index, "Failed", time.time(), time.time(),
                                         failure_reason="A worker process died while this job ran."),
                         hyperparameters)
        self.pool = self._new_pool(context)
        for future, (index, hyperparameters, created) in list(self.queued.items()):
            self.queued.pop(future)
            self.queued[self._submit(index, hyperparameters)] = (index, hyperparameters, created)
        for training_job in self._promote(time.time()):
            self.store.add_training_job(training_job)

    def _record(self, outcome: TrainingOutcome, hyperparameters: dict[str, Any],
                started: list[TrainingJob] | None = None) -> None:
        name = f"{self.name}-{outcome.index + 1:03d}"
        stopped_reason = outcome.stopped_reason
        if stopped_reason == "EarlyStopped" and self.prepared.pruning == "Hyperband":
            stopped_reason = "Hyperband"
        elif stopped_reason == "StopRequested" and self.stop_reason == "CompletionCriteria":
            stopped_reason = "CompletionCriteria"  # the tuning job ended, not the user
        value = outcome.final_objective_value
        new_best = outcome.status == TrainingJobStatus.COMPLETED and value is not None and self._better(value)
        if new_best:
            self._save_best_model(outcome, name, hyperparameters)
        try:
            self._record_end(outcome, started, stopped_reason, (float(value), name) if new_best else None)
        except BaseException:
            if new_best:  # not recorded: its model goes too, and the best on disk stays the recorded one
                remove_model(self.artifacts, name)
            raise
        if new_best:
            previous = self.best[1] if self.best else None
            self.best = (float(value), name)
            if previous:
                remove_model(self.artifacts, previous)
        if outcome.status == TrainingJobStatus.FAILED:
            self.failed += 1
            self.first_failure = self.first_failure or outcome.failure_reason
            self.strategy.observe(hyperparameters, None, job=name)
            state = "fail"
        elif outcome.status == TrainingJobStatus.STOPPED and outcome.intermediate_values:
            self.strategy.observe(hyperparameters, value, stopped_at=outcome.intermediate_values[-1][0], job=name)
            state = "pruned"
        else:
            self.strategy.observe(hyperparameters, value, job=name)
            state = "complete"
        if self.prune_live:
            self.board.end(outcome.index, state, value)
        else:
            self.ended.append(outcome.index)  # forgotten in a batch by _write_live
        self.finished += 1
        if self.pause:
            self.pause_until = time.monotonic() + self.pause
        if (self.completion is not None and self.completion_message is None
                and outcome.status == TrainingJobStatus.COMPLETED and value is not None):
            self.completion_message = self.completion.observe(float(value))
        if self.callback is not None:
            last = TrainingJob(
                tuning_job_name=self.name, index=outcome.index, name=name, status=outcome.status,
                hyperparameters=hyperparameters, created_at=outcome.start_time,
                start_time=outcome.start_time, end_time=outcome.end_time,
                final_objective_value=value, failure_reason=outcome.failure_reason,
                stopped_reason=stopped_reason, intermediate_values=outcome.intermediate_values,
                train_intermediate_values=outcome.train_intermediate_values, cpu_seconds=outcome.cpu_seconds,
            )
            self.callback(TuningProgress(
                self.name, self.finished, self.prepared.max_jobs, len(self.running), last,
                self.best[0] if self.best else None, self.best[1] if self.best else None,
            ))

    def _better(self, value: float) -> bool:
        if self.best is None:
            return True
        return value > self.best[0] if self.maximize else value < self.best[0]

    def _record_end(self, outcome: TrainingOutcome, started: list[TrainingJob] | None, stopped_reason: str | None,
                    best: tuple[float, str] | None) -> None:
        self.store.finish_training_job(
            self.name, outcome.index, started=started or (), best=best, calls=self._unwritten_calls(),
            status=outcome.status,
            start_time=outcome.start_time,
            end_time=outcome.end_time,
            final_objective_value=outcome.final_objective_value,
            failure_reason=outcome.failure_reason,
            stopped_reason=stopped_reason,
            intermediate_values=outcome.intermediate_values,
            train_intermediate_values=outcome.train_intermediate_values,
            cpu_seconds=outcome.cpu_seconds,
        )

    def _save_best_model(self, outcome: TrainingOutcome, name: str, hyperparameters: dict[str, Any]) -> None:
        """Save a new best job's model before it is recorded (and the old one removed after).

        A crash between the two leaves a saved model the store does not name yet; resume
        takes it only when its training job was recorded Completed. A disk that refuses the
        model is said as a refused store write (the job can be resumed), nothing half-written kept.
        """
        try:
            save_model(
                self.artifacts, self.prepared.algorithm, outcome.model_blob or b"", training_job_name=name,
                hyperparameters=self.prepared.training_hyperparameters(hyperparameters),
                n_classes=self.data.n_classes, target_mean=outcome.target_mean,
                target_scale=outcome.target_scale, objective=outcome.final_objective_value,
            )
        except OSError as error:
            remove_model(self.artifacts, name)
            raise StoreWriteError(f"could not save the model of the best training job {name}: "
                                  f"{os_error_words(error)}") from None

    def _write_live(self) -> None:
        self.store.heartbeat(self.name)
        self.admission.show(self.store)  # "queued: N training jobs ahead", when it changed
        if self.ended:
            self.board.forget(self.ended)
            self.ended = []
        if self.running:
            running = {index for index, _ in self.running.values()}
            # The training curves first: the board adds both channels' points in one step, so the
            # validation curves read after them have every step they have (no training point ahead).
            train_curves = {index: curve for index, curve in self.board.train_curves().items()
                            if index in running and curve}
            curves = {index: curve for index, curve in self.board.curves().items() if index in running}
            self.store.update_intermediate_values(self.name, curves, train_curves=train_curves)

    def _end_stuck_jobs(self) -> None:
        """Jobs that did not stop within the grace period: end their processes.

        A Dask pool has no processes of ours to end: its tasks are cancelled when it shuts
        down, right after this."""
        # ProcessPoolExecutor has no public way to end running workers before Python 3.14
        # (``terminate_workers``); its ``_processes`` map is the documented-in-source way.
        for process in list(getattr(self.pool, "_processes", {}).values()):
            process.kill()
        now = time.time()
        self.launched -= len(self.queued)  # never recorded as started: they end unseen
        self.queued.clear()
        for future, (index, hyperparameters) in list(self.running.items()):
            self.running.pop(future)
            self.store.update_training_job(
                self.name, index, status=TrainingJobStatus.STOPPED, end_time=now,
                stopped_reason=self.stop_reason,
            )
            self.finished += 1

    def _finish(self) -> None:
        if self.stop_reason == "StopRequested":
            status, reason, failure = TuningJobStatus.STOPPED, "Stopped at the user's request", None
        elif self.finished and self.failed == self.finished:
            status, reason = TuningJobStatus.FAILED, None
            failure = f"All {self.failed} training jobs failed. The first failure: {self.first_failure}"[:1024]
        elif self.stop_reason == "CompletionCriteria":
            status, reason, failure = TuningJobStatus.COMPLETED, self.completion_message, None
        elif self.stop_reason == "MaxRuntimeInSeconds":
            status, failure = TuningJobStatus.COMPLETED, None
            reason = f"MaxRuntimeInSeconds ({self.prepared.config.max_runtime_seconds:g} s) reached"
        elif self.strategy.exhausted and self.launched < self.prepared.max_jobs:
            status, reason, failure = TuningJobStatus.COMPLETED, "Every grid point was evaluated", None
        else:
            status, failure = TuningJobStatus.COMPLETED, None
            reason = f"MaxNumberOfTrainingJobs ({self.prepared.max_jobs}) reached"
        repeats = self.strategy.repeats_note
        if repeats and status == TuningJobStatus.COMPLETED:  # said where "why it ended" is read
            reason = f"{reason}. {repeats}" if reason else repeats
        self.write_calls()
        self.store.update_tuning_job(self.name, status=status, ended_at=time.time(),
                                     completion_reason=reason, failure_reason=failure)

    def _unwritten_calls(self) -> list[tuple[int, dict[str, Any]]]:
        """The calls made since the last write, numbered; counted as written at once.

        Counted before the write commits: a refused write ends the loop (the job is
        Interrupted), and a resume starts a new stretch of the record anyway.
        """
        calls = [(self.call_base + position, call)
                 for position, call in enumerate(self.calls[self.calls_written:], start=self.calls_written)]
        self.calls_written = len(self.calls)
        return calls

    def write_calls(self) -> None:
        """Write the calls not yet written (at the end, and when the loop stops early)."""
        self.store.add_strategy_calls(self.name, self._unwritten_calls())


def launch_tuning_job(config: TuningJobConfig, store: Store, **kwargs: Any) -> TuningJobHandle:
    """Check ``config`` now, then run the tuning job in a background thread.

    Returns at once with a handle; the dashboard launches jobs this way. Bad input raises
    here, before the thread starts.
    """
    warm_up()  # as in run_tuning_job: the forkserver's imports overlap the check
    store.mark_dead_runners()  # before the check: a warm-start parent whose process died has ended
    return launch_prepared(prepare(config, store=store), store, **kwargs)


def launch_prepared(prepared: PreparedTuningJob, store: Store, **kwargs: Any) -> TuningJobHandle:
    """Run a tuning job already checked (a fresh one, or a resume) in a background thread."""
    return TuningJobHandle(prepared.name, store, lambda started: run_tuning_job(
        prepared, store, on_start=lambda _: started(), **kwargs))
