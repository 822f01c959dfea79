"""Starting the worker processes: the forkserver, its preloaded modules, and the user's script kept out.

Training jobs run in processes forked from a ``forkserver`` (never from the runner's own
process, whose threads and open store connections a plain fork would copy). This module
holds what every tuning job of a process shares about that: :func:`worker_context`, the
start method with the workers' modules preloaded, :func:`warm_up`, which starts it before
the first job, and :class:`MainModuleHidden`, which keeps a student's script from being
imported again in each worker.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from multiprocessing.context import ForkServerContext
from typing import Any

__all__ = ["MainModuleHidden", "warm_up", "worker_context"]

WORKER_MODULES = ("tuning.running.worker", "skops.io")
"""What every worker process imports, loaded once in the forkserver: the worker's module
(scikit-learn, the algorithms, and Optuna for the board's process, forked from it too) and
skops, which writes each tuning job's feature encoder and the scikit-learn models (a second
or more to import: paid here, once, beside the runner's own imports, not in the first job)."""


def worker_context() -> ForkServerContext:
    """The forkserver start method, with the workers' modules imported once in the forkserver.

    Later tuning jobs in this process reuse the forkserver.
    """
    context = multiprocessing.get_context("forkserver")
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
    with MainModuleHidden():
        forkserver.ensure_running()


class MainModuleHidden:
    """While tuning jobs run, new worker processes do not re-import the user's script.

    Python's ``forkserver`` and ``spawn`` start methods import the main script in every
    child (as ``__mp_main__``) unless it comes from ``python -m``. A student's script
    that calls ``run_tuning_job`` without an ``if __name__ == "__main__":`` guard would
    then start the tuning job again inside each worker and fail with a bootstrapping
    error. Workers here need nothing from the script (they run :mod:`tuning.running.worker`), so
    while any tuning job is starting processes, the script's ``__file__`` is hidden from
    :mod:`multiprocessing` and restored when the last job ends.
    """

    _lock = threading.Lock()
    _users = 0
    _saved: Any = None

    def __enter__(self) -> None:
        with self._lock:
            main = sys.modules.get("__main__")
            if type(self)._users == 0 and main is not None and getattr(main, "__spec__", None) is None:
                type(self)._saved = main.__dict__.pop("__file__", None)
            type(self)._users += 1

    def __exit__(self, *_: object) -> None:
        with self._lock:
            type(self)._users -= 1
            main = sys.modules.get("__main__")
            if type(self)._users == 0 and type(self)._saved is not None and main is not None:
                main.__file__ = type(self)._saved
                type(self)._saved = None
