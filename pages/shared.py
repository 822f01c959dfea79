"""What every page shares: the one store and the one job launcher of this server process."""

from __future__ import annotations

import threading

import streamlit as st

from tuning import TuningJobConfig, TuningJobHandle, launch_tuning_job
from tuning.store import Store


@st.cache_resource
def get_store() -> Store:
    """One Store (and its connection pool) for every browser session of this server."""
    return Store()


class JobLauncher:
    """Tuning jobs started from the dashboard, running in background threads of the server.

    Shared by every browser session (a teacher's and the students'); closing a tab does
    not stop a job, and the store keeps every result.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._handles: dict[str, TuningJobHandle] = {}

    def launch(self, config: TuningJobConfig) -> str:
        """Check and start a tuning job; return its name. Bad input raises ValidationError."""
        handle = launch_tuning_job(config, self.store)
        with self._lock:
            self._handles[handle.name] = handle
        return handle.name

    def running(self) -> list[str]:
        with self._lock:
            return [name for name, handle in self._handles.items() if handle.running]


@st.cache_resource
def get_launcher() -> JobLauncher:
    return JobLauncher(get_store())
