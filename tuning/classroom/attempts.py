"""A limit on wrong teacher passwords: a few tries a minute per name, then a wait.

Why in memory and not in the store: the limit guards one server process's login form, and a
restart (which only the machine's owner can do) may forget it. A read of the store never
writes, and a failed login is no tuning job. The clock is a parameter so a test can move
time on instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["AttemptLimiter"]


class AttemptLimiter:
    """At most ``limit`` failed attempts per ``window`` seconds for each key (a name, a browser session)."""

    def __init__(self, limit: int = 5, window: float = 60.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def wait_seconds(self, key: str) -> float:
        """0 when ``key`` may try again now, else how many seconds until it may."""
        with self._lock:
            failures = self._recent(key)
            if len(failures) < self.limit:
                return 0.0
            return max(0.0, failures[0] + self.window - self._clock())

    def failed(self, key: str) -> None:
        """Count one failed attempt for ``key``."""
        with self._lock:
            self._recent(key).append(self._clock())

    def succeeded(self, key: str) -> None:
        """A right password clears ``key``'s failures."""
        with self._lock:
            self._failures.pop(key, None)
