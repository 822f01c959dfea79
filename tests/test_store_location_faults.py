"""A store that cannot be where it is asked to be: said in words, through every door.

Issue 14, cases 5 and 16: ``TUNELAB_HOME`` pointing at a file printed a ``FileExistsError``
traceback on any command; ``--store ""`` resolved to the current folder and advised checking
that a writable folder was writable. Each case is tried through the CLI (a real subprocess),
the Python API and the dashboard (AppTest), and nothing already saved changes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tuning import Store, ValidationError

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "tuning", *args], capture_output=True, text=True,
                          cwd=ROOT, env=environment, timeout=120)


@pytest.fixture
def home_is_a_file(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("my notes\n")
    monkeypatch.setenv("TUNELAB_HOME", str(blocker))
    return blocker


def test_a_home_that_is_a_file_is_named_by_the_cli_without_a_traceback(home_is_a_file):
    for command in (["list"], ["show", "anything"], ["run", str(ROOT / "examples" / "iris-grid.json")]):
        result = _cli(*command)
        assert result.returncode != 0
        assert "Traceback" not in result.stderr, result.stderr
        assert f"{home_is_a_file} is a file, not a folder" in result.stderr, result.stderr
        assert "point TUNELAB_HOME at a folder" in result.stderr
    assert home_is_a_file.read_text() == "my notes\n"  # the user's file is untouched


def test_a_home_that_is_a_file_is_refused_by_the_api_and_said_on_the_dashboard(home_is_a_file):
    with pytest.raises(ValidationError, match="is a file, not a folder.*TUNELAB_HOME"):
        Store()
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not app.exception, [item.value for item in app.exception]
    shown = " ".join(item.value for item in app.error)
    assert "cannot open its store" in shown and "is a file, not a folder" in shown, shown
    assert home_is_a_file.read_text() == "my notes\n"


def test_a_folder_under_a_file_names_the_file(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    with pytest.raises(ValidationError, match=f"{blocker} is a file, not a folder"):
        Store(blocker / "sub" / "tunelab.db")


@pytest.mark.parametrize("store", ["", "   "])
def test_a_blank_store_says_it_is_blank(store, tmp_path):
    result = _cli("--store", store, "list")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "cannot open the store: it is blank" in result.stderr and "leave --store out" in result.stderr, result.stderr
    with pytest.raises(ValidationError, match="it is blank"):
        Store(store)


def test_a_folder_given_as_the_store_says_so_and_proposes_a_file_in_it(tmp_path):
    saved = Store(tmp_path / "kept.db")  # something already saved beside it
    saved.dispose()
    before = sorted(path.name for path in tmp_path.iterdir())
    result = _cli("--store", str(tmp_path), "list")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"is a folder, not a database file. Give a file in it, such as {tmp_path / 'tunelab.db'}" in result.stderr
    with pytest.raises(ValidationError, match="is a folder, not a database file"):
        Store(str(tmp_path))
    assert sorted(path.name for path in tmp_path.iterdir()) == before  # nothing created or changed
