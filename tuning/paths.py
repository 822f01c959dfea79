"""Where TuneLab keeps things on disk: one module, so every room agrees.

Two roots. The *home* (``$TUNELAB_HOME``, or ``~/.tunelab``) is the user's: the default
store, uploaded datasets and saved models live there and survive reinstalls. The bundled
datasets ship with the code, in the repository's ``datasets/`` folder.
"""

from __future__ import annotations

import os
from pathlib import Path

BUNDLED_DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"
"""The CSVs that ship with TuneLab, each beside its provenance."""


def default_home() -> Path:
    """``$TUNELAB_HOME``, or ``~/.tunelab``: where the default store and artifacts live.

    Read at each call, not at import, so a test (or a user's shell) that sets the variable
    later is obeyed.
    """
    return Path(os.environ.get("TUNELAB_HOME") or Path.home() / ".tunelab")


def uploads_dir() -> Path:
    """``$TUNELAB_HOME/datasets``: where uploaded CSVs live, beside the store."""
    return default_home() / "datasets"


def default_artifacts_dir() -> Path:
    """``$TUNELAB_HOME/artifacts``: saved models of a store that is not a local file."""
    return default_home() / "artifacts"
