"""Whether a tuning job's runner is still alive: its process on this machine, or its heartbeat.

The store asks it when marking dead runners (:meth:`tuning.store.database.Store.mark_dead_runners`).
"""

from __future__ import annotations

import os
import socket

__all__ = ["HEARTBEAT_TIMEOUT_SECONDS", "runner_alive"]

HEARTBEAT_TIMEOUT_SECONDS = 30.0
"""A runner on another machine is taken for dead when its heartbeat is older than this."""


def runner_alive(host: str | None, pid: int | None, heartbeat: float, now: float) -> bool:
    """On this machine: the process exists and is no zombie; elsewhere: a recent heartbeat."""
    if host == socket.gethostname() and pid:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return pid_is_not_zombie(pid)
    return now - heartbeat < HEARTBEAT_TIMEOUT_SECONDS


def pid_is_not_zombie(pid: int) -> bool:
    """A killed child that its parent has not reaped yet still answers ``kill(pid, 0)``."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
