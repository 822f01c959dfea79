"""The store's tables made on a new database, and columns added since a table first shipped.

Why a module of its own: what the tables hold is the store's business
(:mod:`tuning.store.database`); making them exist, even when several processes open a new
store at once, and bringing an older store's tables up to date are another.

A column added after a table first shipped (:data:`tuning.store.database.ADDED_COLUMNS`)
is added to an existing store when it is opened, as a new table is created then:
``ALTER TABLE ... ADD COLUMN`` with the column's server default, so the rows already there
read as the default (``[]``: no curve) and an older TuneLab still writes the table. A store
that cannot be written (a read-only disk, a full one) is opened without the column: it
reads as before, every new field at its default, and :func:`missing_columns` says which
columns the queries must leave out.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlalchemy as sa

__all__ = ["add_missing_columns", "create_tables", "missing_columns"]

_SCHEMA_LOCK = 7_146_857  # any fixed number: the key of PostgreSQL's advisory lock below
_RACE_MESSAGES = ("already exists", "database is locked", "duplicate column name")
_RACE_PATIENCE = 30.0  # seconds: as long as SQLite's own busy timeout


def create_tables(engine: sa.Engine, metadata: sa.MetaData) -> None:
    """Create the missing tables, even when several processes open a new store at once.

    On PostgreSQL, two processes would both see no tables and both create them, and one
    would fail on the catalog's unique index: an advisory lock, held to the end of the
    transaction, makes the second wait and then find the tables. SQLite has no such lock:
    eight ``python -m tuning run`` started together on a new file raced, and the losers got
    "table tuning_jobs already exists" or, when the loser's read of the schema was overtaken
    by the winner's write, "database is locked" (SQLite refuses to upgrade a stale read
    without calling its busy handler). So on SQLite each table is created with
    ``IF NOT EXISTS`` and no read first, and a loser that still meets one of those two
    messages waits a moment and tries again, for up to 30 s. Any other error (a read-only
    folder, a full disk) is raised at once.
    """
    _patiently(engine, lambda connection: (
        metadata.create_all(connection) if connection.dialect.name == "postgresql"
        else [connection.execute(sa.schema.CreateTable(table, if_not_exists=True))
              for table in metadata.sorted_tables]))


def add_missing_columns(engine: sa.Engine, columns: tuple[sa.Column, ...]) -> set[str]:
    """Add each of ``columns`` its table lacks; return the names still missing (a store nobody can write).

    Two processes opening an old SQLite store at once may both find the column missing:
    the loser's "duplicate column name" is waited out like a table's race and then finds
    the column there. On PostgreSQL the advisory lock makes the second wait.
    """
    def add(connection: sa.Connection) -> None:
        for column in columns:
            if column.name in _present(connection, column.table.name):
                continue
            kind = column.type.compile(dialect=connection.dialect)
            default = column.server_default.arg if column.server_default is not None else None
            tail = f" NOT NULL DEFAULT '{default}'" if default is not None and not column.nullable else ""
            connection.execute(sa.text(f"ALTER TABLE {column.table.name} ADD COLUMN {column.name} {kind}{tail}"))

    try:
        _patiently(engine, add)
    except sa.exc.DBAPIError:  # read-only, full, immutable: read it as it is
        pass
    return missing_columns(engine, columns)


def missing_columns(engine: sa.Engine, columns: tuple[sa.Column, ...]) -> set[str]:
    """The names of ``columns`` the store's tables lack (a read: the schema, no row)."""
    with engine.connect() as connection:
        return {column.name for column in columns if column.name not in _present(connection, column.table.name)}


def _present(connection: sa.Connection, table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(connection).get_columns(table)}


def _patiently(engine: sa.Engine, change: Callable[[sa.Connection], object]) -> None:
    """Run ``change(connection)`` in one transaction, waiting out another process's race (see above)."""
    deadline = time.monotonic() + _RACE_PATIENCE
    while True:
        try:
            with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
                change(connection)
            return
        except sa.exc.OperationalError as error:
            raced = any(message in str(error.orig) for message in _RACE_MESSAGES)
            if not raced or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
