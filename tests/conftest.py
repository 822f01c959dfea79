"""Shared fixtures: a real SQLite store file in a temporary folder for each test.

And, for browser tests (marked ``browser``), a real dashboard server (``dashboard_url``)
and pytest-playwright set up for Debian's chromium at 1280x720.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest_plugins = ["tests.postgres_server"]  # a real PostgreSQL server: fixtures postgres_server, postgres_url


@pytest.fixture(autouse=True)
def _tunelab_home(tmp_path, monkeypatch):
    """Keep every test's default store and artifacts out of the user's home folder."""
    monkeypatch.setenv("TUNELAB_HOME", str(tmp_path / "home"))


@pytest.fixture(autouse=True)
def _ctrl_c_as_a_terminal_gives_it():
    """Every test starts, and leaves, with Ctrl-C (SIGINT) raising KeyboardInterrupt.

    A test that runs a helper process's set-up in this process (the lifeline ignores Ctrl-C
    there, as a worker should) would otherwise leave SIGINT ignored, and every process a
    later test starts inherits that: the Ctrl-C test's CLI runner then never heard its
    SIGINT (seen under two pytest workers, its threads printed by faulthandler).
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, signal.default_int_handler)


_REAL_MAIN_MODULE = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def _real_main_module():
    """Every test starts with pytest's own ``__main__``.

    AppTest installs the page script it runs as ``sys.modules["__main__"]`` and leaves it
    there. A process spawned later (a Dask nanny's worker, say) re-imports ``__main__``
    from its file, and would run that page script: Dask's LocalCluster then failed with
    "Nanny failed to start" when its tests came after a page test.
    """
    yield
    sys.modules["__main__"] = _REAL_MAIN_MODULE


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    """Every test's pages start with empty Streamlit caches: the store behind a cached
    ``get_store()`` is the previous test's, in another $TUNELAB_HOME. Engine-only tests
    never import Streamlit, so they skip this."""
    _clear_streamlit_caches()
    yield
    _clear_streamlit_caches()


def _clear_streamlit_caches() -> None:
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_resource.clear()
        st.cache_data.clear()


@pytest.fixture
def store(tmp_path):
    from tuning.store.database import Store

    store = Store(tmp_path / "store" / "tunelab.db")
    yield store
    store.dispose()


# --- Browser end-to-end tests: a real dashboard server and Debian's chromium -------------------

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (`apt-get install chromium`); scripts/test.sh installs it
SERVER_START_TIMEOUT = 60.0

BROWSER_SKIP_REASON = (
    f"no browser: {CHROMIUM} is missing (`apt-get install chromium`, or run `bash scripts/test.sh`, which "
    "installs it); set TUNELAB_REQUIRE_BROWSER=1 to make browser tests run (and fail) anyway"
)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium against a real dashboard server")


def pytest_collection_modifyitems(config, items):
    """Skip `browser` tests only where chromium is missing and TUNELAB_REQUIRE_BROWSER is unset."""
    if CHROMIUM.exists() or os.environ.get("TUNELAB_REQUIRE_BROWSER"):
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=BROWSER_SKIP_REASON))


def export_codes(app):  # noqa: ANN001, ANN201 - an AppTest; its st.code elements
    """The Create page's export code blocks (SageMaker JSON, TuneLab JSON, SDK code), its expander opened.

    The expander is lazy (views/create.py): closed, it holds no code, so a test opens it
    as a user does, by its key, and reruns the page. The rerun names the page: after a
    ``st.switch_page`` (Datasets' "Tune without"), AppTest would rerun the page it came from.
    """
    from tuning.job.form_values import Key

    if not (Key.EXPORT in app.session_state and app.session_state[Key.EXPORT]):
        app.session_state[Key.EXPORT] = True
        app.switch_page("views/create.py").run()
    return app.code


def free_port() -> int:
    """A TCP port free on loopback now (servers started by tests bind it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's chromium (no `playwright install` download here).

    SwiftShader gives headless chromium WebGL, which plotly's parcoords and scattergl need.
    """
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 720}}


@pytest.fixture(scope="session")
def dashboard_home(tmp_path_factory) -> Path:
    """The TUNELAB_HOME of the dashboard server: a fresh, empty store for the test session."""
    return tmp_path_factory.mktemp("dashboard-home")


@pytest.fixture(scope="session")
def dashboard_url(dashboard_home, tmp_path_factory):
    """The URL of a real `streamlit run app.py` server, started once for the session.

    Its store lives in ``dashboard_home``; tests that launch jobs share it, so look jobs
    up by name rather than counting them. The server and its worker processes are killed
    (whole process group) at the end.

    The dashboard's pages live in ``views/``, not ``pages/``: Streamlit treats a ``pages/``
    folder beside app.py as old-style pages until some session has run app.py, so a first
    visit by URL would show the folder's files in the sidebar. Tests open pages by URL.
    """
    log_path = tmp_path_factory.mktemp("dashboard-log") / "streamlit.log"
    url, process = start_dashboard(dashboard_home, log_path)
    try:
        yield url
    finally:
        stop_process_group(process)


# --- Helpers for tests that start servers and processes of their own ---------------------------------


def start_dashboard(home: Path, log_path: Path, *, env: dict[str, str] | None = None) -> tuple[str, subprocess.Popen]:
    """Start `streamlit run app.py` on a free loopback port, store in ``home``; return once it is healthy.

    It runs in a session of its own, so :func:`stop_process_group` ends it with its worker processes.
    """
    port = free_port()
    python = ROOT / ".venv" / "bin" / "python"
    command = [str(python if python.exists() else sys.executable), "-m", "streamlit", "run", "app.py",
               "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    environment = {**(env or os.environ), "TUNELAB_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def server_output() -> str:
        return log_path.read_text(errors="replace")[-4000:]

    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"the dashboard server exited with code {process.returncode}:\n{server_output()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return url, process
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_process_group(process, signal.SIGKILL)
            pytest.fail(f"the dashboard server did not answer {url}/_stcore/health within "
                        f"{SERVER_START_TIMEOUT:.0f} s:\n{server_output()}")
        time.sleep(0.3)


def stop_process_group(process: subprocess.Popen, first_signal: int = signal.SIGTERM) -> None:
    """End a process started with ``start_new_session=True`` and its children: ``first_signal``,
    then SIGKILL if it has not exited within 10 s."""
    try:
        os.killpg(process.pid, first_signal)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def processes_with_marker(marker: str) -> list[int]:
    """Live (not zombie) processes whose environment carries ``marker``: a test's children,
    however deep (worker and board processes included)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as environ:
                if marker.encode() not in environ.read():
                    continue
            with open(f"/proc/{entry}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(entry))
        except OSError:
            continue
    return found
