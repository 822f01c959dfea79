"""A real PostgreSQL server for the test session: Debian's binaries, a temp folder, loopback.

Why a throwaway server rather than a shared one: the tests must not depend on a database
someone else set up, and must leave nothing behind. ``initdb`` makes a cluster in a temp
folder, the server listens on 127.0.0.1 on a free port (its Unix socket stays in that
folder, so it never clashes with a system server's /var/run/postgresql), and it is
stopped and removed at the end of the session. Durability is switched off (``fsync``,
``synchronous_commit``, ``full_page_writes``): the data is thrown away anyway, and it
makes creating a database per test cheap.

Debian keeps the binaries off PATH, in ``/usr/lib/postgresql/<version>/bin``;
``scripts/test.sh`` installs the ``postgresql`` package when they are missing. PostgreSQL
refuses to run as root, so as root initdb and pg_ctl run as the ``postgres`` user (created
by the package) with ``runuser``, and the temp folder belongs to that user.

Fixtures: ``postgres_server`` (one per session) and ``postgres_url`` (a fresh, empty
database for one test, dropped after it). Without PostgreSQL they skip, saying how to
install it, unless ``TUNELAB_REQUIRE_POSTGRES`` is set: then they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

SERVER_START_TIMEOUT = 60
SUPERUSER = "tunelab"
REQUIRE_POSTGRES = bool(os.environ.get("TUNELAB_REQUIRE_POSTGRES"))


def find_postgres_bindir() -> Path | None:
    """``$TUNELAB_POSTGRES_BIN``, else the newest ``/usr/lib/postgresql/<version>/bin``, else PATH.

    The variable is for other layouts (Homebrew, a self-built server): a folder holding
    initdb and pg_ctl.
    """
    chosen = os.environ.get("TUNELAB_POSTGRES_BIN")
    if chosen:
        return Path(chosen) if (Path(chosen) / "initdb").is_file() else None
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if found:
        newest = max(found, key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0)
        return Path(newest).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster in a temp folder, reachable at ``127.0.0.1:port``.

    Every connection is trusted (loopback only, the folder is private): the URL needs no
    password. ``url(database)`` is the SQLAlchemy URL TuneLab's ``Store`` takes.
    """

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable  # keep PostgreSQL's fsync and synchronous commits (a benchmark's fair setting)
        # As root, in /tmp: a private $TMPDIR would keep the postgres user out of its own folder.
        root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="tunelab-postgres-", dir="/tmp" if root else None))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = 0
        self._run_as: list[str] = []
        if root:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(self.folder, ignore_errors=True)
                raise RuntimeError(
                    "running as root, and PostgreSQL refuses to run as root, but there is no "
                    "'postgres' user to run it as (Debian's postgresql package creates it)."
                ) from None
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._run_as = ["runuser", "-u", "postgres", "--"]

    def _run(self, program: str, *args: str) -> None:
        command = [*self._run_as, str(self.bindir / program), *args]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                               f"{result.stdout}{result.stderr}{log}")

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        for attempt in range(3):  # another process may take the free port before the server binds it
            self.port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=200"
            if not self.durable:
                options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w",
                          "-t", str(SERVER_START_TIMEOUT), "-o", options, "start")
                return
            except RuntimeError:
                if attempt == 2:
                    raise

    def stop(self) -> None:
        """Stop at once (the data is thrown away) and remove the folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(sql)


def _unavailable(reason: str) -> None:
    if REQUIRE_POSTGRES:
        pytest.fail(f"PostgreSQL tests cannot run: {reason} (TUNELAB_REQUIRE_POSTGRES is set, so this fails "
                    "instead of skipping)")
    pytest.skip(f"no PostgreSQL: {reason}. Install it with `apt-get install postgresql` (or run "
                "`bash scripts/test.sh`, which does); set TUNELAB_REQUIRE_POSTGRES=1 to make these tests fail instead")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: runs against a real PostgreSQL server (fixture postgres_url)")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole session, stopped and removed at its end."""
    bindir = find_postgres_bindir()
    if bindir is None:
        where = os.environ.get("TUNELAB_POSTGRES_BIN") or "/usr/lib/postgresql/*/bin nor on PATH"
        _unavailable(f"initdb was found neither in {where}")
    try:
        server = PostgresServer(bindir)
    except RuntimeError as error:
        _unavailable(str(error))
    try:
        server.start()
    except RuntimeError as error:
        server.stop()
        pytest.fail(f"the PostgreSQL server did not start: {error}")
    try:
        yield server
    finally:
        server.stop()


_database_numbers = count(1)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the session's server, so no test sees another's rows."""
    name = f"test_{os.getpid()}_{next(_database_numbers)}"
    postgres_server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
