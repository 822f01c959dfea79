"""What runs inside a worker process: one training job, start to finish.

The runner sends each worker process the tuning job's data once, when the process starts
(:func:`initialize`), and then only small job descriptions (:func:`run_training_job`):
a training job's cost is its training, not copying the dataset again. On a Dask cluster,
:mod:`tuning.running.cluster` does the same with :func:`worker_state`, once per tuning job.

A training job that raises fails alone: the exception becomes the job's FailureReason
and the worker goes on to the next job.

Two things keep a short training job cheap. The model is serialised (skops, XGBoost's
UBJSON: about half a millisecond for a small model) only when it beats the best objective
the runner knew when it sent the job (``best``); the best can only have improved since,
so a model that is not serialised cannot be the new best. And a stop is heard through a
flag in shared memory (:func:`initialize`'s ``stop_flag``), read before a job starts and
at each reported round, with no round trip to the board; a job queued ahead that finds
the flag set does not start at all (:data:`NOT_STARTED`). A training job's own limit,
StoppingCondition.MaxRuntimeInSeconds, is heard at the same reported rounds
(:mod:`tuning.running.training_deadline`).

Once per tuning job, a worker also serialises the fitted feature encoder
(:func:`dump_encoder`), for the same reason it serialises the models: skops, imported by
the forkserver before any worker starts, then never has to be imported by the runner's own
process (about a second: it lists every scikit-learn estimator as it loads).
"""

from __future__ import annotations

import math
import time
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any

from tuning.algorithms import TrainingData, get_algorithm
from tuning.running.board import CONTINUE, PRUNE, STOP
from tuning.running.lifeline import exit_when_gone
from tuning.running.training_deadline import MAX_RUNTIME_EXCEEDED, Deadline, exceeded
from tuning.metrics import get_metric

__all__ = ["NOT_STARTED", "TrainingOutcome", "dump_encoder", "initialize", "run_training_job", "worker_state"]

NOT_STARTED = "NotStarted"
"""The status of a job that was queued ahead and found the tuning job stopping: it never
ran, and the runner records nothing for it."""

_REPORT_INTERVAL_SECONDS = 0.5
"""Without a pruner, curves go to the board at most this often (for the live view and
to hear a stop request); with one, every point goes at once, since the pruner decides."""
MAX_FAILURE_REASON = 1024
"""AMT's FailureReason holds at most 1,024 characters."""

_state: dict[str, Any] = {}


@dataclass
class TrainingOutcome:
    """What a training job sends back to the runner."""

    index: int
    status: str
    start_time: float
    end_time: float
    final_objective_value: float | None = None
    intermediate_values: list[tuple[int, float]] = field(default_factory=list)
    train_intermediate_values: list[tuple[int, float]] = field(default_factory=list)
    """The training channel's objective at the same steps (where the algorithm scored it)."""
    failure_reason: str | None = None
    stopped_reason: str | None = None
    model_blob: bytes | None = None
    """The model in the algorithm's artifact format; ``None`` when it could not be the best."""
    target_mean: float = 0.0
    target_scale: float = 1.0
    cpu_seconds: float | None = None
    """The worker process's CPU time over the job (:func:`time.process_time`: every thread,
    XGBoost's OpenMP ones too); ``None`` where other jobs share the process (threads)."""


def initialize(data: TrainingData, algorithm: str, metric: str, board: Any, runner_pid: int,
               stop_flag: Any = None) -> None:
    """Runs once in each worker process: keep the data, the board proxy and the stop flag.

    ``stop_flag`` is a shared-memory ``multiprocessing.Value`` the runner sets to 1 when
    the tuning job stops; ``None`` in a plain loop.
    """
    exit_when_gone(runner_pid)
    _state.update(worker_state(data, algorithm, metric, board, stop_flag))


def worker_state(data: TrainingData, algorithm: str, metric: str, board: Any,
                 stop_flag: Any = None) -> dict[str, Any]:
    """What :func:`run_training_job` needs, built once per tuning job in a worker.

    A pool's worker keeps it in this module (:func:`initialize`); a Dask worker, which may
    serve several tuning jobs, keeps one per tuning job (:mod:`tuning.running.cluster`).
    """
    warnings.filterwarnings("ignore")
    return dict(data=data, algorithm=get_algorithm(algorithm), metric=get_metric(metric), board=board,
                stop_flag=stop_flag)


def _stopping(state: dict[str, Any]) -> bool:
    flag = state.get("stop_flag")
    return bool(flag is not None and flag.value)


class _BoardReporter:
    """Passes a training job's points to the board and remembers why it was told to stop.

    Both channels' curves are kept: ``curve`` (validation, what the pruner judges) and
    ``train_curve`` (the training channel at the same steps, for the learning-curves chart).
    The algorithm bounds both alike: XGBoost reports at most 200 rounds, the others one
    point per epoch or chunk of trees.
    """

    def __init__(self, index: int, board: Any, prune_live: bool, state: dict[str, Any] | None = None) -> None:
        self.index = index
        self.state = _state if state is None else state  # where the stop flag is
        self.board = board
        self.prune_live = prune_live
        self.curve: list[tuple[int, float]] = []
        self.train_curve: list[tuple[int, float]] = []
        self.pending: list[tuple[int, float]] = []
        self.train_pending: list[tuple[int, float]] = []
        self.last_flush = time.monotonic()
        self.verdict = CONTINUE

    def report(self, step: int, value: float, train_value: float | None = None) -> bool:
        point = (int(step), float(value))
        self.curve.append(point)
        self.pending.append(point)
        if train_value is not None and math.isfinite(train_value):
            train_point = (int(step), float(train_value))
            self.train_curve.append(train_point)
            self.train_pending.append(train_point)
        if _stopping(self.state):
            self.verdict = STOP
        elif self.prune_live or time.monotonic() - self.last_flush >= _REPORT_INTERVAL_SECONDS:
            self.flush()
        return self.verdict != CONTINUE

    def flush(self) -> None:
        if self.board is None or not self.pending:
            return
        self.verdict = self.board.report(self.index, self.pending, self.train_pending)
        self.pending, self.train_pending = [], []
        self.last_flush = time.monotonic()


def run_training_job(index: int, hyperparameters: dict[str, Any], seed: int, prune_live: bool,
                     best: float | None = None, *, state: dict[str, Any] | None = None,
                     max_runtime_seconds: float | None = None) -> TrainingOutcome:
    """Train one model with ``hyperparameters`` and score it on the validation channel.

    The model comes back serialised only if its objective beats ``best`` (``None``: always).
    ``state`` comes from :func:`worker_state`; by default, the one :func:`initialize` kept.
    ``max_runtime_seconds`` is the training job's StoppingCondition.MaxRuntimeInSeconds
    (see :mod:`tuning.running.training_deadline`); ``None`` for no limit.
    """
    state = _state if state is None else state
    data: TrainingData = state["data"]
    algorithm = state["algorithm"]
    metric = state["metric"].bound(hyperparameters)  # f_beta... of this job (static: the same in every job)
    start, cpu_start = time.time(), time.process_time()
    if _stopping(state):
        return TrainingOutcome(index, NOT_STARTED, start, start)
    reporter = _BoardReporter(index, state["board"], prune_live, state)
    deadline = Deadline(reporter, max_runtime_seconds)
    try:
        model = algorithm.fit(hyperparameters, data, metric, deadline, seed=seed)
        value = metric(data.y_validation, algorithm.output(model, data.x_validation))
        if not math.isfinite(value):
            raise FloatingPointError(f"the final objective is {value}: the model diverged")
        better = best is None or (value > best if metric.higher_is_better else value < best)
        blob = algorithm.dump(model) if better else None
    except Exception as error:  # noqa: BLE001 - any failure fails this job only
        return TrainingOutcome(
            index, "Failed", start, time.time(),
            intermediate_values=reporter.curve,
            train_intermediate_values=reporter.train_curve,
            failure_reason=_failure_reason(error),
            cpu_seconds=_cpu_seconds(cpu_start, state),
        )
    # A "stop" heard at the very last round stopped nothing: the job ran its full course.
    ran_in_full = bool(
        algorithm.resource is None
        or (reporter.curve and reporter.curve[-1][0] >= int(hyperparameters[algorithm.resource]))
    )
    if exceeded(deadline):
        status, reason = "Stopped", MAX_RUNTIME_EXCEEDED
    elif ran_in_full:
        status, reason = "Completed", None
    elif reporter.verdict == PRUNE:
        status, reason = "Stopped", "EarlyStopped"
    elif reporter.verdict == STOP:
        status, reason = "Stopped", "StopRequested"
    else:
        status, reason = "Completed", None
    return TrainingOutcome(
        index, status, start, time.time(),
        final_objective_value=value,
        intermediate_values=reporter.curve,
        train_intermediate_values=reporter.train_curve,
        stopped_reason=reason,
        model_blob=blob,
        target_mean=model.target_mean,
        target_scale=model.target_scale,
        cpu_seconds=_cpu_seconds(cpu_start, state),
    )


def _cpu_seconds(cpu_start: float, state: dict[str, Any]) -> float | None:
    """CPU seconds since ``cpu_start``, if this process runs one training job at a time."""
    if state.get("shared_process"):
        return None
    return max(0.0, time.process_time() - cpu_start)


def dump_encoder(preprocessor: Any) -> bytes:
    """The fitted feature encoder in skops' format: ``encoding.skops``'s bytes, for the runner to write."""
    import skops.io

    return skops.io.dumps(preprocessor)


def _failure_reason(error: BaseException) -> str:
    """``ClientError: message`` plus the innermost frame, cut to AMT's 1,024 characters."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    text = f"{type(error).__name__}: {error}{where}"
    return text[: MAX_FAILURE_REASON - 3] + "..." if len(text) > MAX_FAILURE_REASON else text
