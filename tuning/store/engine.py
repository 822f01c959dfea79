"""The SQLAlchemy engine behind a store: SQLite's settings, and a read-only file opened for reading.

Why a module of its own: how a connection is made (WAL, a busy timeout, a server that does
not answer in 10 s) is one concern, what the store reads and writes another.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa

__all__ = ["create_store_engine", "read_only_engine"]


def create_store_engine(url: str) -> sa.Engine:
    """An engine for ``url``: SQLite in WAL mode with a 30 s busy timeout, servers with a 10 s connect timeout.

    WAL lets readers (the dashboard, ``list``) read while the runner writes; with the busy
    timeout, writers of several tuning jobs queue for each other instead of failing at once
    with "database is locked".
    """
    if not url.startswith("sqlite"):
        # A server that does not answer fails in 10 s instead of the OS's 2 minutes.
        connect_args = {"connect_timeout": 10} if url.startswith("postgresql") else {}
        return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(connection: Any, _: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def read_only_engine(database: str | None, *, disk_full: bool = False) -> sa.Engine | None:
    """An engine that only reads ``database``, when it is a file nobody can write now; else None.

    Why: on a read-only disk (a mounted course folder, a locked lab machine) SQLite cannot
    open a WAL database at all, because it must create its ``-shm`` file beside it, so
    ``list`` and ``show`` failed too. Nothing can change a file on such a disk, so SQLite's
    ``immutable`` mode is safe there: every read works, every write is refused (and said so).
    A full disk (``disk_full``) refuses the ``-shm`` file the same way and, while it stays
    full, no writer can commit either; the store goes back to a normal engine once there
    is space (:meth:`tuning.store.database.Store.check_file`).
    """
    if not database or database == ":memory:":
        return None
    path = Path(database)
    if not path.is_file() or (os.access(path.parent, os.W_OK) and not disk_full):
        return None
    return sa.create_engine(f"sqlite:///file:{path}?immutable=1&uri=true", connect_args={"check_same_thread": False})
