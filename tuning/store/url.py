"""Which database the store uses, and what to tell the user when it cannot be opened.

The store takes a SQLAlchemy URL (a SQLite file by default, a PostgreSQL server for a
class sharing one store). This module chooses the URL (``--store``, else
``$TUNELAB_STORE_URL``, else the SQLite file in ``$TUNELAB_HOME``) and turns the ways
opening it fails (a URL SQLAlchemy cannot parse, a driver that is not installed, a server
that does not answer, a database that does not exist) into one ValidationError that
names the URL, with its password hidden, and says what to do.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import sqlalchemy as sa

from tuning.errors import ValidationError

__all__ = ["STORE_URL_VARIABLE", "configured_store_url", "open_failure", "shown_url", "sqlite_path", "sqlite_trouble"]

STORE_URL_VARIABLE = "TUNELAB_STORE_URL"
"""The environment variable that points the CLI and the dashboard at another store."""

NEARLY_FULL = 1024 * 1024  # bytes: below this, a "disk I/O error" is taken for a full disk
_EXAMPLES = "sqlite:///tunelab.db or postgresql+psycopg://user:password@host:5432/tunelab"


def configured_store_url() -> str | None:
    """``$TUNELAB_STORE_URL`` when it is set (and not blank), else None for the default file."""
    return os.environ.get(STORE_URL_VARIABLE, "").strip() or None


def sqlite_path(given: str | os.PathLike) -> Path:
    """The SQLite file a bare path names, refusing what cannot be one (a blank, a folder).

    Why: ``--store ""`` resolved to the current folder, and SQLite's "unable to open
    database file" then advised checking that the folder exists and is writable, which it was.
    """
    text = os.fspath(given)
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(
            "cannot open the store: it is blank. Give a database file such as tunelab.db, a URL such as "
            f"{_EXAMPLES}, or leave --store out to use the default, $TUNELAB_HOME/tunelab.db."
        )
    path = Path(text).expanduser().resolve()
    if path.is_dir():
        raise ValidationError(
            f"cannot open the store {str(path)!r}: it is a folder, not a database file. Give a file in it, such as "
            f"{path / 'tunelab.db'}."
        )
    return path


def free_bytes(folder: Path | None) -> int | None:
    """Free bytes on the disk holding ``folder`` (None when that cannot be read)."""
    if folder is None:
        return None
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def disk_nearly_full(folder: Path | None) -> bool:
    """Whether the disk holding ``folder`` has less than :data:`NEARLY_FULL` bytes free."""
    free = free_bytes(folder)
    return free is not None and free < NEARLY_FULL


def sqlite_trouble(database: str | None, reason: str) -> str:
    """Advice for a SQLite file that failed, in the words of its likely cause.

    A full disk shows as "database or disk is full" or as "disk I/O error", and a read-only
    file or mount as "attempt to write a readonly database": each gets its own fix instead
    of one sentence for all.
    """
    folder = Path(database).parent if database and database != ":memory:" else None
    free = free_bytes(folder)
    lowered = reason.lower()
    read_only_folder = folder is not None and folder.is_dir() and not os.access(folder, os.W_OK)
    nearly_full = free is not None and free < NEARLY_FULL and ("i/o" in lowered or "readonly" in lowered)
    if "disk is full" in lowered or (nearly_full and not read_only_folder):
        shown = f" ({free / 1024:,.0f} KiB free)" if free is not None else ""
        return f"The disk that holds {folder or 'it'} is full{shown}: free some space there, or give a store on another disk."
    if "readonly" in lowered or "read-only" in lowered or read_only_folder:
        return (f"The store file or its folder is read-only: TuneLab reads it but cannot record jobs there. "
                f"Make {folder or 'it'} writable, or give a store in a writable folder with --store or "
                f"${STORE_URL_VARIABLE}.")
    return "Check that the folder exists and is writable."


def shown_url(url: str) -> str:
    """The URL as it may be printed: ``user:password@`` becomes ``user:***@``."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def open_failure(url: str, error: Exception) -> ValidationError:
    """The clear message for a store that could not be opened, from what went wrong."""
    shown = shown_url(url)
    if isinstance(error, (sa.exc.ArgumentError, ValueError)):
        return ValidationError(
            f"the store URL {shown!r} is not a database URL SQLAlchemy understands ({error}). "
            f"Give a file path, or a URL such as {_EXAMPLES}."
        )
    if isinstance(error, ImportError):
        return ValidationError(
            f"the store URL {shown!r} needs a database driver that is not installed ({error}). "
            "TuneLab installs SQLite's and PostgreSQL's (psycopg): use a URL such as "
            f"{_EXAMPLES}, or install the driver that URL names."
        )
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    reason = " ".join(line.strip() for line in reason)
    reason = reason if reason.endswith((".", "?", "!")) else reason + "."
    parsed = sa.engine.make_url(url)
    backend = parsed.get_backend_name()
    server = {"postgresql": "PostgreSQL", "mysql": "MySQL"}.get(backend, backend)
    if backend == "sqlite":
        advice = sqlite_trouble(parsed.database, reason)
    elif not isinstance(error, sa.exc.OperationalError):
        # Connected, but TuneLab may not create or read its tables there. PostgreSQL 15
        # no longer lets every user create tables in the schema public.
        advice = (
            f"The server answered, but the user {parsed.username!r} may not create or read TuneLab's "
            f"tables in the database {parsed.database!r}: have its owner run "
            f"GRANT CREATE, USAGE ON SCHEMA public TO {parsed.username or 'USER'} (or give the user its "
            "own database), or give another store with --store or "
            f"${STORE_URL_VARIABLE}."
        )
    else:
        host = parsed.host or "localhost"
        where = f"{host}:{parsed.port}" if parsed.port else host
        port = f" -p {parsed.port}" if parsed.port else ""
        advice = (
            f"Check that the {server} server is running and accepts connections at {where}, that "
            f"the user {parsed.username!r} and its password are right, and that the database "
            f"{parsed.database!r} exists (for PostgreSQL: createdb -h {host}{port} "
            f"-U {parsed.username or 'USER'} {parsed.database or 'tunelab'}); or give another store "
            f"with --store or ${STORE_URL_VARIABLE}."
        )
    return ValidationError(f"cannot open the store {shown!r}: {reason} {advice}")
