"""What the dashboard and the endpoints expose to the network by default: this machine only.

A teacher's laptop on a classroom Wi-Fi must not offer its dashboard (which uploads
files, launches CPU-heavy jobs and deletes results, with no login) to everyone on the
network unless the teacher asks for it. These tests read the kernel's table of listening
sockets (``/proc/net/tcp``), so they check the address really bound, not a setting.
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, free_port, stop_process_group

LOOPBACK = "127.0.0.1"
EVERY_INTERFACE = "0.0.0.0"


def listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses on which some socket listens on ``port`` (from /proc/net/tcp)."""
    addresses = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state = fields[1], fields[3]
        hex_address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            octets = bytes.fromhex(hex_address)[::-1]  # little-endian in the table
            addresses.add(".".join(str(octet) for octet in octets))
    return addresses


def wait_for_listener(port: int, process: subprocess.Popen, log: Path, timeout: float = 90.0) -> set[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with code {process.returncode}:\n{log.read_text()[-3000:]}")
        addresses = listening_addresses(port)
        if addresses:
            return addresses
        time.sleep(0.5)
    pytest.fail(f"nothing listened on port {port} within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def start(command: list[str], tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "server.log"
    env = {**os.environ, "TUNELAB_HOME": str(tmp_path / "home"), "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    return process, log


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv if venv.exists() else Path(os.sys.executable))


def test_plain_streamlit_run_binds_loopback_only(tmp_path):
    """`streamlit run app.py` with no address given: .streamlit/config.toml keeps it on 127.0.0.1."""
    port = free_port()
    process, log = start([python(), "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                          "--server.port", str(port), "--server.fileWatcherType", "none"], tmp_path)
    try:
        assert wait_for_listener(port, process, log) == {LOOPBACK}
        with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/_stcore/health", timeout=10) as response:
            assert response.read().decode().strip() == "ok"
    finally:
        stop_process_group(process)


def test_the_readme_classroom_command_binds_every_interface(tmp_path):
    """README: `bash scripts/dashboard.sh --server.address 0.0.0.0` opens it to the network.

    The script passes its own ``--server.address 127.0.0.1`` first; the user's later one wins.
    """
    port = free_port()
    process, log = start(["bash", "scripts/dashboard.sh", "--server.headless", "true", "--server.port", str(port),
                          "--server.fileWatcherType", "none", "--server.address", EVERY_INTERFACE], tmp_path)
    try:
        assert wait_for_listener(port, process, log, timeout=240) == {EVERY_INTERFACE}
    finally:
        stop_process_group(process)


def test_serve_binds_loopback_by_default_and_the_given_host_when_asked(tmp_path):
    """`python -m tuning serve` listens on 127.0.0.1 unless --host says otherwise."""
    from tuning.job.config import TuningJobConfig
    from tuning.parameters import ContinuousParameter
    from tuning.running.runner import run_tuning_job
    from tuning.store.database import Store

    home = tmp_path / "home"
    store = Store(home / "tunelab.db")
    run_tuning_job(TuningJobConfig(
        name="net-exposure", algorithm="linear-learner", dataset="iris", max_jobs=2, max_parallel_jobs=1,
        strategy="Random", hyperparameter_ranges={"wd": ContinuousParameter(1e-6, 1e-2, "Logarithmic")},
        random_seed=1, early_stopping_type="Off",
    ), store)
    store.dispose()
    for host, expected in ((None, LOOPBACK), (EVERY_INTERFACE, EVERY_INTERFACE)):
        port = free_port()
        command = [python(), "-m", "tuning", "serve", "net-exposure", "--tuning-model", "--port", str(port)]
        if host:
            command += ["--host", host]
        process, log = start(command, tmp_path)
        try:
            assert wait_for_listener(port, process, log) == {expected}
        finally:
            stop_process_group(process)
