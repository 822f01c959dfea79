"""Training jobs on a Dask cluster, in place of this machine's process pool.

A tuning job given a scheduler address (``tcp://HOST:8786``) runs its training jobs on
that cluster's workers. :class:`DaskPool` is the ``concurrent.futures`` executor the
runner uses there, so the loop in :mod:`tuning.running.runner` stays the same:

- **Data goes once per tuning job.** The encoded data is scattered to every worker when
  the pool starts (``Client.scatter(broadcast=True)``); each training job's task only
  names it, and Dask hands the worker's in-memory copy to the task. A worker builds its
  state for the tuning job (data, algorithm, metric, board connection) at its first task
  and keeps it for the next ones (:func:`_train_on_worker`). A worker that joins later,
  or is restarted, fetches the data once from a peer.
- **The board is reached over TCP.** Workers are not the runner's children: they connect
  to the training board with a :class:`~tuning.running.board.BoardTicket` (address and authkey),
  to report each round and hear CONTINUE, PRUNE or STOP. Early stopping, Hyperband and a
  stop request therefore work as on the local pool; there is no shared-memory stop flag.
- **A dead worker costs a retry, not the tuning job.** Dask runs a task whose worker died
  again on another worker (``distributed.scheduler.allowed-failures`` times, 3 by
  default); after that the task fails with :class:`WorkerLost`, and the runner records the
  training job Failed with that reason and goes on.

Dask runs tasks in threads, which cannot be killed: a training job cancelled while it
runs goes on until its next report to the board, which answers STOP (or is gone). Jobs
are not queued ahead on a cluster (see :mod:`tuning.running.runner`), so no more than
``MaxParallelTrainingJobs`` tasks exist at once, however many workers the cluster has.

The workers must be able to import this ``tuning`` package (same version): a
``LocalCluster`` started from the same Python is; a remote cluster needs TuneLab
installed in its workers' environment.

Only Dask's public API is used; what is written here by hand is the bridge from Dask's
futures to ``concurrent.futures`` ones (Dask's own ``ClientExecutor`` neither cancels on
``shutdown(cancel_futures=True)`` nor lets us name the task keys after training jobs).
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import socket
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tuning.running.board import BoardTicket
from tuning.errors import ValidationError
from tuning.running.worker import worker_state

if TYPE_CHECKING:
    from collections.abc import Callable

    from distributed import Client

    from tuning.algorithms import TrainingData

__all__ = ["CONNECT_TIMEOUT_SECONDS", "LOCAL", "SCHEDULER_ENV", "ClusterLost", "DaskPool", "WorkerLost", "board_address",
           "check_scheduler_address", "connect_scheduler", "default_scheduler", "new_authkey", "scheduler_or_none"]

CONNECT_TIMEOUT_SECONDS = 5.0
"""How long to wait for the scheduler (and for a first worker) before refusing the address."""
SCHEDULER_ENV = "TUNELAB_SCHEDULER"
"""The environment variable a lab sets once to send every CLI and dashboard tuning job to
its cluster (a run may still choose the local pool)."""
HANDSHAKE_SECONDS = 2.0
"""How long a scheduler may take to answer once connected (it takes milliseconds)."""
DEFAULT_PORT = 8786
"""The port of a Dask scheduler address that names none (Dask's default)."""
LOCAL = "local"
"""The scheduler value that means this machine's process pool."""


def scheduler_or_none(value: str | None) -> str | None:
    """``value`` as a scheduler address, or ``None`` for the local pool (empty, ``local``)."""
    text = (value or "").strip()
    return None if not text or text.lower() == LOCAL else text


def default_scheduler() -> str | None:
    """The scheduler named by ``$TUNELAB_SCHEDULER``; ``None`` (the local pool) if unset."""
    return scheduler_or_none(os.environ.get(SCHEDULER_ENV))


class WorkerLost(RuntimeError):
    """The Dask workers that ran a training job kept dying, and Dask gave up on it."""


class ClusterLost(RuntimeError):
    """Dask cancelled a training job the runner had not cancelled (scheduler lost or restarted)."""


def connect_scheduler(address: str, *, timeout: float = CONNECT_TIMEOUT_SECONDS) -> Client:
    """A client of the Dask scheduler at ``address``; a clear ValidationError if there is none.

    The scheduler must answer within ``timeout`` seconds and have at least one worker:
    a cluster without workers would leave the tuning job waiting forever.
    """
    text = check_scheduler_address(address)
    try:
        _check_port_open(text, timeout)  # a refused connection fails now, not after Dask's retries
        client = _client_within(text, timeout)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        reason = (f"no answer as a Dask scheduler within {timeout:g} s" if isinstance(error, TimeoutError)
                  else f"{type(error).__name__}: {error}")
        raise ValidationError(
            f"could not reach a Dask scheduler at {text!r} ({reason}). Check the address and that "
            "`dask scheduler` runs there, or leave the scheduler empty to use this machine's process pool."
        ) from None
    except Exception as error:  # noqa: BLE001 - something answered, but not Dask's protocol
        raise ValidationError(
            f"{text!r} answered, but not as a Dask scheduler ({type(error).__name__}: {str(error)[:200]}). "
            "Check the port: a scheduler listens on 8786 by default (8787 is its web dashboard)."
        ) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError) as error:
        client.close()
        raise ValidationError(
            f"the Dask scheduler at {text!r} has no worker ({type(error).__name__} after {timeout:g} s). "
            "Start one with `dask worker " + text + "`, then launch the tuning job again."
        ) from None
    return client


def check_scheduler_address(address: str) -> str:
    """``address`` stripped, if it has a scheduler address's shape (``PROTOCOL://HOST[:PORT]``);
    a ValidationError otherwise. Nothing is contacted: pages call this on every change."""
    text = str(address).strip()
    protocol, _, location = text.partition("://")
    if not protocol.isalpha() or not location or any(char.isspace() for char in text):
        raise ValidationError(
            f"scheduler {address!r} is not a Dask scheduler address. Give one like tcp://HOST:8786 "
            "(what `dask scheduler` prints), or leave it empty to use this machine's process pool."
        )
    return text


def _client_within(address: str, timeout: float) -> Client:
    """``Client(address)``, or TimeoutError after about ``timeout`` seconds.

    Client's own ``timeout`` covers the TCP connection, not the handshake after it: a
    server that accepts and never answers (a web server, a wrong port) would hang it.
    """
    from distributed import Client

    made: dict[str, Any] = {}

    def connect() -> None:
        try:
            made["client"] = Client(address, timeout=timeout, set_as_default=False)
        except BaseException as error:  # noqa: BLE001 - raised below, in the caller's thread
            made["error"] = error

    thread = threading.Thread(target=connect, name=f"dask-connect-{address}", daemon=True)
    thread.start()
    thread.join(timeout + HANDSHAKE_SECONDS)
    if thread.is_alive():
        raise TimeoutError(f"no Dask handshake within {timeout + HANDSHAKE_SECONDS:g} s")
    if "error" in made:
        raise made["error"]
    return made["client"]


def _check_port_open(address: str, timeout: float) -> None:
    """Raise OSError at once if nothing listens at a tcp:// or tls:// ``address``."""
    parts = urlsplit(address)
    if parts.scheme in ("tcp", "tls") and parts.hostname:
        with socket.create_connection((parts.hostname, parts.port or DEFAULT_PORT), timeout=timeout):
            pass


def board_address(client: Client) -> tuple[str, int]:
    """Where the training board should listen for ``client``'s workers: this machine's
    address on the network that reaches the scheduler (127.0.0.1 for a local cluster),
    on a free port."""
    from distributed.comm import get_address_host
    from distributed.utils import get_ip

    return get_ip(get_address_host(client.scheduler_info()["address"])), 0


@dataclass(frozen=True)
class _WorkerSetup:
    """The small, per-tuning-job part of every task: which state a worker should use."""

    key: str
    algorithm: str
    metric: str
    board: BoardTicket


# -- in a Dask worker process ---------------------------------------------------------
_states: dict[str, dict[str, Any]] = {}
_states_lock = threading.Lock()
setups: Counter[str] = Counter()
"""How many times this worker process built its state for each tuning job (once, unless
it was forgotten); tests read it through ``Client.run``."""


def _train_on_worker(data: TrainingData, setup: _WorkerSetup, fn: Callable[..., Any], *args: Any,
                     **kwargs: Any) -> Any:
    """Run ``fn(*args, state=..., **kwargs)`` with this worker's state for the tuning job."""
    state = _states.get(setup.key)
    if state is None:
        with _states_lock:
            state = _states.get(setup.key)
            if state is None:
                _forget_ended()
                state = worker_state(data, setup.algorithm, setup.metric, setup.board.connect())
                state["shared_process"] = _threads_here() > 1  # CPU time then counts the other threads' jobs
                _states[setup.key] = state
                setups[setup.key] += 1
    return fn(*args, state=state, **kwargs)


def _threads_here() -> int:
    """How many training jobs this Dask worker process may run at once (its threads)."""
    from distributed import get_worker

    return int(get_worker().state.nthreads)


def _forget_ended() -> None:
    """Drop the state of tuning jobs whose data this worker no longer holds: they ended
    (in case the runner's :func:`_forget` never arrived)."""
    from distributed import get_worker

    held = get_worker().data
    for key in [key for key in _states if key not in held]:
        del _states[key]


def _forget(key: str) -> None:
    """The tuning job ended: drop its state (its data and board connection) here."""
    with _states_lock:
        _states.pop(key, None)


# -- in the runner's process ----------------------------------------------------------
class DaskPool(cf.Executor):
    """A ``concurrent.futures`` executor whose tasks are one tuning job's training jobs.

    ``submit(fn, index, *args)`` runs ``fn(index, *args, state=...)`` on a worker, under
    a task key named after the training job (``NAME-001-…``, as the Dask dashboard shows
    it). ``shutdown`` never waits: it cancels what is left and frees the data.
    """

    def __init__(self, client: Client, *, name: str, data: TrainingData, algorithm: str, metric: str,
                 board: BoardTicket) -> None:
        self.client = client
        self.name = name
        self._token = uuid.uuid4().hex[:8]
        self._data = client.scatter(data, broadcast=True, hash=False)
        self.setup = _WorkerSetup(self._data.key, algorithm, metric, board)
        self._tasks: dict[cf.Future, Any] = {}
        self._lock = threading.Lock()
        self._shutdown = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        if self._shutdown:
            raise RuntimeError("cannot submit a training job after the pool was shut down")
        index = args[0]
        task = self.client.submit(_train_on_worker, self._data, self.setup, fn, *args, **kwargs,
                                  key=f"{self.name}-{index + 1:03d}-{self._token}", pure=False)
        future: cf.Future = cf.Future()
        with self._lock:
            self._tasks[future] = task
        future.add_done_callback(self._cancel_if_cancelled)
        task.add_done_callback(lambda done: self._settle(future, done))
        return future

    def _settle(self, future: cf.Future, task: Any) -> None:
        """Called by Dask (in its callback thread) when ``task`` ended: pass on its outcome."""
        from distributed import KilledWorker

        try:
            if task.status == "finished":
                future.set_result(task.result())
            elif task.status == "cancelled":  # not by the runner (that cancels `future` first)
                future.set_exception(ClusterLost(
                    "Dask cancelled this training job: the scheduler lost its connection, or was restarted."))
            else:
                error = task.exception()
                if isinstance(error, KilledWorker):
                    error = WorkerLost(
                        "The Dask workers running this training job died (out of memory, or killed) "
                        "each time it was tried, so Dask gave up on it. " + str(error).split(".")[0] + "."
                    )
                future.set_exception(error)
        except cf.InvalidStateError:
            pass  # the runner cancelled it first
        except BaseException as error:  # noqa: BLE001 - e.g. the result could not be fetched
            try:
                future.set_exception(error)
            except cf.InvalidStateError:
                pass
        finally:
            with self._lock:
                self._tasks.pop(future, None)  # the scheduler may forget the result now

    def _cancel_if_cancelled(self, future: cf.Future) -> None:
        if future.cancelled():
            future.set_running_or_notify_cancel()  # wakes concurrent.futures.wait()
            with self._lock:
                task = self._tasks.pop(future, None)
            if task is not None:
                task.cancel()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Cancel the tasks left, free the scattered data and the workers' state.

        ``wait`` and ``cancel_futures`` are accepted for ``ProcessPoolExecutor``'s sake;
        running tasks cannot be waited for safely (a thread on a worker may never end).
        """
        if self._shutdown:
            return
        self._shutdown = True
        with self._lock:
            tasks = list(self._tasks.values())
            self._tasks.clear()
        try:
            if tasks:
                self.client.cancel(tasks)
            self.client.cancel([self._data])
            self.client.run(_forget, self.setup.key, on_error="ignore")
        except (OSError, TimeoutError, RuntimeError):  # the cluster went away: nothing to free
            pass


def new_authkey() -> bytes:
    """A fresh secret for the board's manager: only this tuning job's tasks know it."""
    return os.urandom(32)
