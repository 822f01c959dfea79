"""Starting the worker processes: the forkserver, its preloaded modules, and the user's script kept out.

Training jobs run in processes forked from a ``forkserver`` (never from the runner's own
process, whose threads and open store connections a plain fork would copy). This module
holds what every tuning job of a process shares about that: :func:`worker_context`, the
start method with the workers' modules preloaded, :func:`warm_up`, which starts it before
the first job, and :func:`main_module_hidden`, which keeps a student's script from being
imported again in each worker.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from multiprocessing.context import ForkServerContext, ForkServerProcess

__all__ = ["main_module_hidden", "warm_up", "worker_context"]

WORKER_MODULES = ("tuning.running.worker", "skops.io")
"""What every worker process imports, loaded once in the forkserver: the worker's module
(scikit-learn, the algorithms, and Optuna for the board's process, forked from it too) and
skops, which writes each tuning job's feature encoder and the scikit-learn models (a second
or more to import: paid here, once, beside the runner's own imports, not in the first job)."""


def worker_context() -> ForkServerContext:
    """The forkserver start method, with the workers' modules imported once in the forkserver.

    Later tuning jobs in this process reuse the forkserver.
    """
    context = _WorkerContext()
    context.set_forkserver_preload(list(WORKER_MODULES))
    return context


def warm_up() -> None:
    """Start the worker processes' forkserver now, with the workers' modules imported.

    The first tuning job of a process otherwise waits about 1.4 s (measured) while the
    forkserver imports scikit-learn, pandas, Optuna and skops; later jobs fork from it at
    once. This returns at once: the forkserver is a process of its own, which does its
    imports on the other core while this process goes on with its own work (imports,
    reading the data); a first worker asked for before they are done waits for them.

    Who calls it, as early as each can: the dashboard when it starts, so a class's first
    demo job starts as fast as the next ones; ``python -m tuning run`` and ``resume``
    before they import the runner; :func:`~tuning.running.runner.run_tuning_job` before it
    prepares the job. Calling it again does nothing.
    """
    from multiprocessing import forkserver

    worker_context()
    with main_module_hidden():  # the forkserver imports the main script too
        forkserver.ensure_running()


@contextlib.contextmanager
def main_module_hidden() -> Iterator[None]:
    """While a process starts, it does not re-import the user's script.

    Python's ``forkserver`` and ``spawn`` start methods import the main script in every
    child (as ``__mp_main__``) unless it comes from ``python -m``. A student's script
    that calls ``run_tuning_job`` without an ``if __name__ == "__main__":`` guard would
    then start the tuning job again inside each worker and fail with a bootstrapping
    error. Workers here need nothing from the script (they run :mod:`tuning.running.worker`),
    so the script's ``__file__`` is hidden from :mod:`multiprocessing` for the instant a
    process starts (it reads it then), and put back at once.

    Why at each start, not for a whole tuning job: whatever ``sys.modules["__main__"]`` is
    at that instant is the one read, and it can change while a job runs (Streamlit's AppTest
    installs each page script it runs as ``__main__``: a worker respawned then ran the page).
    """
    with _STARTING:
        main = sys.modules.get("__main__")
        hide = main is not None and getattr(main, "__spec__", None) is None and "__file__" in vars(main)
        saved = main.__dict__.pop("__file__") if hide else None
        try:
            yield
        finally:
            if hide:
                main.__file__ = saved


_STARTING = threading.Lock()


class _WorkerProcess(ForkServerProcess):
    """A forkserver process that starts with the main script hidden (:func:`main_module_hidden`)."""

    def start(self) -> None:
        with main_module_hidden():
            super().start()


class _WorkerContext(ForkServerContext):
    """The forkserver start method whose every process (pool workers, the board's manager) is a
    :class:`_WorkerProcess`."""

    Process = _WorkerProcess
