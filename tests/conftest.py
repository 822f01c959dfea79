"""Shared fixtures: a real SQLite store file in a temporary folder for each test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _tunelab_home(tmp_path, monkeypatch):
    """Keep every test's default store and artifacts out of the user's home folder."""
    monkeypatch.setenv("TUNELAB_HOME", str(tmp_path / "home"))


@pytest.fixture
def store(tmp_path):
    from tuning.store import Store

    store = Store(tmp_path / "store" / "tunelab.db")
    yield store
    store.dispose()
