"""Helper processes end when the process that started them dies.

A ``ProcessPoolExecutor`` worker or a manager process started through ``forkserver``
does not notice when its runner is killed (SIGKILL, out of memory): every worker keeps
a copy of the pool's queues, so nobody reads end-of-file, and the orphans would idle on
a student's laptop until it reboots. Each helper process therefore watches its runner's
pid and exits as soon as it is gone.
"""

from __future__ import annotations

import os
import threading
import time

__all__ = ["exit_when_gone"]

CHECK_SECONDS = 1.0


def exit_when_gone(pid: int) -> None:
    """In this process, start a daemon thread that exits it once ``pid`` has ended."""

    def watch() -> None:
        while True:
            time.sleep(CHECK_SECONDS)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name=f"lifeline-{pid}", daemon=True).start()
