"""The training board: where running training jobs report, and learn whether to go on.

Early stopping, Hyperband and "stop the tuning job" all need the same thing: a training
job in a worker process tells someone its objective after each round, and hears back
"continue" or "stop". The board is that someone. It keeps every running job's curve and
an in-memory Optuna study whose pruner (AMT's median rule, or Hyperband) makes the call.

The board lives in a ``multiprocessing`` manager process, so any worker process can call
it through a proxy (a socket round trip of a fraction of a millisecond), and the runner
reads the live curves from it for the dashboard. The class itself is plain Python, so the
same object can sit behind another transport.

On a Dask cluster the workers are not this machine's children: the manager then listens
on TCP with a random authkey, and each worker connects with a :class:`BoardTicket`
(address, object id and authkey). A plain proxy will not do: it carries its authkey only
while a child process is being spawned, and its default address is a Unix socket.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from dataclasses import dataclass
from multiprocessing.managers import AutoProxy, BaseManager
from typing import Any

import optuna
from optuna.trial import TrialState

from tuning.job.early_stopping import create_pruner
from tuning.running.lifeline import exit_when_gone

__all__ = ["BoardManager", "BoardTicket", "TrainingBoard", "CONTINUE", "PRUNE", "STOP"]

CONTINUE = "continue"
PRUNE = "prune"
"""The pruner stopped the job (early stopping or Hyperband)."""
STOP = "stop"
"""The tuning job is stopping (a user's request, or MaxRuntimeInSeconds)."""


class TrainingBoard:
    """Live state shared by a tuning job's runner and its worker processes."""

    def __init__(
        self,
        pruning: str,
        direction: str,
        *,
        min_resource: int | None = None,
        max_resource: int | None = None,
        study_name: str | None = None,
    ) -> None:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        logging.getLogger("optuna").setLevel(logging.WARNING)
        self.pruning = pruning
        self._lock = threading.Lock()
        # A named study: Hyperband assigns a trial to a bracket by hashing the study's name and
        # the trial's number, so the name (the runner passes the tuning job's) lets the
        # brackets be reconstructed after the fact (tuning.analysis.hyperband_plan).
        self._study = optuna.create_study(
            study_name=study_name,
            direction="maximize" if direction == "Maximize" else "minimize",
            sampler=optuna.samplers.RandomSampler(seed=0),
            pruner=create_pruner(pruning, min_resource=min_resource, max_resource=max_resource),
        )
        self._trials: dict[int, optuna.Trial] = {}
        self._curves: dict[int, list[tuple[int, float]]] = {}
        self._train_curves: dict[int, list[tuple[int, float]]] = {}
        self._stopping = False

    def begin(self, index: int) -> None:
        """A training job is about to start."""
        with self._lock:
            self._trials[index] = self._study.ask()
            self._curves[index] = []
            self._train_curves[index] = []

    def report(self, index: int, points: list[tuple[int, float]],
               train_points: list[tuple[int, float]] = ()) -> str:
        """Record new ``(step, value)`` points; answer CONTINUE, PRUNE or STOP.

        ``train_points`` are the training channel's at the same steps: kept for the live
        view only, the pruner judges validation.
        """
        with self._lock:
            curve = self._curves.setdefault(index, [])
            curve.extend((int(step), float(value)) for step, value in points)
            if train_points:
                self._train_curves.setdefault(index, []).extend(
                    (int(step), float(value)) for step, value in train_points)
            if self._stopping:
                return STOP
            trial = self._trials.get(index)
            if trial is None or self.pruning == "Off" or not points:
                return CONTINUE
            for step, value in points:
                trial.report(float(value), int(step))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return PRUNE if trial.should_prune() else CONTINUE

    def end(self, index: int, state: str, value: float | None) -> None:
        """A training job ended: ``state`` is ``complete``, ``pruned`` or ``fail``."""
        with self._lock:
            trial = self._trials.pop(index, None)
            self._curves.pop(index, None)
            self._train_curves.pop(index, None)
            if trial is None:
                return
            if state == "complete" and value is not None:
                self._study.tell(trial, value)
            elif state == "pruned":
                self._study.tell(trial, state=TrialState.PRUNED)
            else:
                self._study.tell(trial, state=TrialState.FAIL)

    def forget(self, indexes: list[int]) -> None:
        """Drop finished jobs' curves and trials, many in one call.

        Without a pruner the runner does not call :meth:`begin` and :meth:`end` for each
        job (two round trips to this process that decide nothing); it forgets finished
        jobs in batches instead, once a second.
        """
        with self._lock:
            for index in indexes:
                self._curves.pop(index, None)
                self._train_curves.pop(index, None)
                self._trials.pop(index, None)

    def stop_all(self) -> None:
        """From now on every report is answered STOP."""
        with self._lock:
            self._stopping = True

    def curves(self) -> dict[int, list[tuple[int, float]]]:
        """A copy of the running jobs' curves, for the live view."""
        with self._lock:
            return {index: list(curve) for index, curve in self._curves.items()}

    def train_curves(self) -> dict[int, list[tuple[int, float]]]:
        """A copy of the running jobs' training-channel curves, for the live view."""
        with self._lock:
            return {index: list(curve) for index, curve in self._train_curves.items()}


class BoardManager(BaseManager):
    """A manager process that hosts :class:`TrainingBoard` objects."""


BoardManager.register("TrainingBoard", TrainingBoard)


def start_board(context: Any, *, address: tuple[str, int] | None = None, authkey: bytes | None = None,
                **kwargs: Any) -> tuple[BoardManager, Any]:
    """Start a manager process in ``context`` and a board inside it; return both.

    ``address`` (host, port) makes the manager listen on TCP, for workers on other
    machines; the default is a Unix socket only this machine's processes reach.
    """
    manager = BoardManager(address=address, authkey=authkey, ctx=context)
    manager.start(initializer=exit_when_gone, initargs=(os.getpid(),))
    return manager, manager.TrainingBoard(**kwargs)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class BoardTicket:
    """What a process that is not the runner's child needs to reach a board: its
    manager's address, the board's id there, and the manager's authkey."""

    token: Any
    authkey: bytes

    @classmethod
    def for_board(cls, board: Any, authkey: bytes) -> BoardTicket:
        """A ticket for ``board``, a proxy from :func:`start_board` started with ``authkey``."""
        return cls(board._token, authkey)

    def connect(self) -> Any:
        """A proxy to the board, usable in this process (one connection per thread)."""
        return AutoProxy(self.token, "pickle", authkey=self.authkey)
