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

WORKER_MODULES = ("tuning.running.worker",)
"""What every worker process imports, loaded once in the forkserver."""


def worker_context(*, skops: bool) -> ForkServerContext:
    """The forkserver start method, with the workers' modules imported once in the forkserver.

    Later tuning jobs in this process reuse the forkserver. skops, which writes the
    scikit-learn models, takes a second or more to import: in the forkserver
    it is paid while this process imports it too for the encoder, not in the first job.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*WORKER_MODULES, *(["skops.io"] if skops else [])])
    return context


def warm_up() -> None:
    """Start the worker processes' forkserver now, with the workers' modules imported.

    The first tuning job of a process otherwise waits about 1.4 s (measured) while the
    forkserver imports scikit-learn, pandas, Optuna and skops; later jobs fork from it at
    once. The dashboard calls this when it starts, so a class's first demo job starts
    as fast as the next ones. Calling it again does nothing.
    """
    from multiprocessing import forkserver

    worker_context(skops=True)
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
