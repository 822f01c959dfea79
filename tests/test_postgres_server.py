"""The PostgreSQL test server itself: it starts, isolates, cleans up, and skips or fails honestly."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.postgres
def test_a_server_listens_on_loopback_and_leaves_nothing_when_stopped(postgres_server):
    server = PostgresServer(postgres_server.bindir)  # a second one, to watch it end
    server.start()
    try:
        with psycopg.connect(host="127.0.0.1", port=server.port, user="tunelab", dbname="postgres") as connection:
            settings = dict(connection.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN ('listen_addresses', 'fsync', "
                "'unix_socket_directories')").fetchall())
        assert settings == {"listen_addresses": "127.0.0.1", "fsync": "off",
                            "unix_socket_directories": str(server.folder)}
    finally:
        server.stop()
    assert not server.folder.exists()
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("127.0.0.1", server.port))


@pytest.mark.postgres
def test_each_test_gets_its_own_empty_database(postgres_server, postgres_url):
    other = postgres_server.url("postgres")
    assert postgres_url != other and postgres_url.startswith("postgresql+psycopg://tunelab@127.0.0.1:")
    database = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(host="127.0.0.1", port=postgres_server.port, user="tunelab", dbname=database) as connection:
        tables = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    assert tables == (0,)


def test_without_postgresql_its_tests_skip_or_fail_when_it_is_required(tmp_path):
    (tmp_path / "test_needs_postgres.py").write_text("def test_it(postgres_url):\n    pass\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TUNELAB_POSTGRES_BIN": str(tmp_path / "nowhere")}
    env.pop("TUNELAB_REQUIRE_POSTGRES", None)
    command = [sys.executable, "-m", "pytest", "-p", "tests.postgres_server", "-rs", "-q", "-p", "no:cacheprovider",
               "test_needs_postgres.py"]
    skipped = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert skipped.returncode == 0, skipped.stdout
    assert "1 skipped" in skipped.stdout and "apt-get install postgresql" in skipped.stdout

    required = subprocess.run(command, cwd=tmp_path, env={**env, "TUNELAB_REQUIRE_POSTGRES": "1"},
                              capture_output=True, text=True, timeout=120)
    assert required.returncode == 1, required.stdout
    assert "1 error" in required.stdout and "TUNELAB_REQUIRE_POSTGRES is set" in required.stdout

