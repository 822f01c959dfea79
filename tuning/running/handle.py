"""A tuning job running in a background thread of this process, and the handle to it.

The dashboard and ``HyperparameterTuner.fit(wait=False)`` start jobs this way
(:func:`tuning.running.runner.launch_tuning_job`, :func:`tuning.running.resume.launch_resume`).
The handle knows nothing of how the job runs, a fresh start or a resume: it is given the
run to make in the thread, and returns once the job is recorded in the store (or its
start failed, which it raises here).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuning.records import TuningJob
    from tuning.store.database import Store

__all__ = ["TuningJobHandle"]

StartedRun = Callable[[Callable[[], None]], "TuningJob"]
"""A run of a tuning job to its end, given what to call once the job is recorded in the store."""


class TuningJobHandle:
    """A tuning job running in a background thread of this process."""

    def __init__(self, name: str, store: Store, run: StartedRun) -> None:
        self.name = name
        self.store = store
        self.error: BaseException | None = None
        self.result: TuningJob | None = None
        self._started = threading.Event()

        def target() -> None:
            try:
                self.result = run(self._started.set)
            except BaseException as error:  # noqa: BLE001 - kept for whoever waits
                self.error = error
            finally:
                self._started.set()

        self.thread = threading.Thread(target=target, name=f"tuning-job-{self.name}", daemon=True)
        self.thread.start()
        self._started.wait()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Ask the job to stop; its running training jobs end as Stopped."""
        self.store.request_stop(self.name)

    def wait(self, timeout: float | None = None) -> TuningJob:
        """Block until the job ends; return its record (re-raising a loop error)."""
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise TimeoutError(f"tuning job {self.name!r} is still running after {timeout} s")
        if self.error is not None:
            raise self.error
        return self.store.get_tuning_job(self.name)

    @property
    def running(self) -> bool:
        return self.thread.is_alive()
