"""Helper processes end when the process that started them dies.

A ``ProcessPoolExecutor`` worker or a manager process started through ``forkserver``
does not notice when its runner is killed (SIGKILL, out of memory): every worker keeps
a copy of the pool's queues, so nobody reads end-of-file, and the orphans would idle on
a student's laptop until it reboots. Each helper process therefore watches its runner's
pid and exits as soon as it is gone. It also ignores Ctrl-C: in a terminal, Ctrl-C
reaches the whole process group, and it is the runner's to handle (stop the running
jobs at their next round, record them as Stopped), not each helper's to die of.
"""

from __future__ import annotations

import os
import signal
import threading
import time

__all__ = ["exit_when_gone"]

CHECK_SECONDS = 1.0


def exit_when_gone(pid: int) -> None:
    """In this process: ignore Ctrl-C, and exit once ``pid`` has ended."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(CHECK_SECONDS)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                continue
            if _is_zombie(pid):
                os._exit(1)

    threading.Thread(target=watch, name=f"lifeline-{pid}", daemon=True).start()


def _is_zombie(pid: int) -> bool:
    """A killed runner that its parent has not reaped yet still answers ``kill(pid, 0)``.

    Its parent may be waiting for the runner's output pipes to close (``subprocess.run``
    with captured output does), and these helpers hold copies of them: without this
    check, each would wait for the other forever.
    """
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False  # no /proc (macOS): the zombie case is left to the parent
