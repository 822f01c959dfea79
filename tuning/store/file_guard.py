"""Is the store's SQLite file still the file at its path? If it was deleted, write it back.

Why: a student cleaning a folder deleted ``tunelab.db`` while the dashboard ran. SQLite kept
writing to the deleted file through its open connections: a job launched afterwards showed
on the page and wrote its artifacts, but no file existed, another process saw no jobs, and
after a restart the job was gone. A file can vanish under an open connection on every POSIX
system, so the store asks before each write session and at each page run.

What it does, explicitly:

- the file is still there (same device and inode): nothing;
- the file is gone: the open connection still holds every row, so they are copied with
  SQLite's backup API into a new file at the path (the stale ``-wal``/``-shm`` beside it are
  removed first, or SQLite would replay them onto the new file), and the store reopens it.
  :attr:`SqliteFileGuard.recovered` then says what happened, for the pages and the CLI;
- another file now stands at the path (restored from a backup, say): refused in words,
  nothing written to either file, since which one holds the truth is the user's call.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tuning.errors import StoreWriteError

if TYPE_CHECKING:
    import sqlalchemy as sa

__all__ = ["SqliteFileGuard"]


class SqliteFileGuard:
    """Watches one SQLite file by its identity (device, inode), taken when the store opened it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.identity = self._identity()
        self.recovered: str | None = None
        """A sentence saying the file was deleted and written back, once that has happened."""

    def _identity(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_dev, stat.st_ino

    def check(self, engine: sa.Engine) -> bool:
        """True when the file was gone and has just been written back (the engine must reopen)."""
        now = self._identity()
        if now == self.identity or self.identity is None:
            return False
        if now is not None:
            raise StoreWriteError(
                f"the store file {self.path} was replaced by another file while TuneLab was running, so "
                "nothing more is written to either. Restart the dashboard (or the command) to use the file "
                "now at that path; put the other one back under its name if it was the right one."
            )
        self._write_back(engine)
        self.identity = self._identity()
        self.recovered = (
            f"The store file {self.path} was deleted while TuneLab was running (at about "
            f"{time.strftime('%H:%M')}); every job it still held was written back to a new file at that path."
        )
        return True

    def _write_back(self, engine: sa.Engine) -> None:
        scratch = self.path.with_name(self.path.name + ".recovering")
        raw = engine.raw_connection()  # a pooled connection: it still has the deleted file open
        try:
            target = sqlite3.connect(scratch)
            try:
                raw.driver_connection.backup(target)
            finally:
                target.close()
        except sqlite3.Error as error:
            scratch.unlink(missing_ok=True)
            raise StoreWriteError(
                f"the store file {self.path} was deleted while TuneLab was running, and writing it back "
                f"failed ({error}). Restart TuneLab: jobs that finished before the deletion are gone with the file."
            ) from None
        finally:
            raw.close()
        engine.dispose()  # every connection to the deleted file closed before the new one is opened
        for stale in ("-wal", "-shm"):
            Path(f"{self.path}{stale}").unlink(missing_ok=True)
        os.replace(scratch, self.path)
