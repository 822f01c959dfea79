"""Where TuneLab keeps things on disk: one module, so every room agrees.

Two roots. The *home* (``$TUNELAB_HOME``, or ``~/.tunelab``) is the user's: the default
store, uploaded datasets and saved models live there and survive reinstalls. The bundled
datasets ship with the code, in the repository's ``datasets/`` folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from tuning.errors import ValidationError

HOME_VARIABLE = "TUNELAB_HOME"
"""The environment variable naming TuneLab's home folder."""

BUNDLED_DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"
"""The CSVs that ship with TuneLab, each beside its provenance."""


def default_home() -> Path:
    """``$TUNELAB_HOME``, or ``~/.tunelab``: where the default store and artifacts live.

    Read at each call, not at import, so a test (or a user's shell) that sets the variable
    later is obeyed.
    """
    return Path(os.environ.get(HOME_VARIABLE) or Path.home() / ".tunelab")


def uploads_dir() -> Path:
    """``$TUNELAB_HOME/datasets``: where uploaded CSVs live, beside the store."""
    return default_home() / "datasets"


def default_artifacts_dir() -> Path:
    """``$TUNELAB_HOME/artifacts``: saved models of a store that is not a local file."""
    return default_home() / "artifacts"


def make_folder(folder: Path, what: str) -> Path:
    """Create ``folder`` (and its parents) if missing; refuse in words when that cannot be.

    Why not a bare ``mkdir``: with ``TUNELAB_HOME`` pointing at a file, every command
    ended in a ``FileExistsError`` traceback. ``what`` names the folder for the user (such
    as "the folder of the store").
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except (FileExistsError, NotADirectoryError):
        blocker = next((part for part in (folder, *folder.parents) if part.exists() and not part.is_dir()), folder)
        problem = f"{blocker} is a file, not a folder"
    except OSError as error:
        problem = f"{folder} cannot be created ({error.strerror or error})"
    home = default_home()
    in_home = folder == home or home in folder.parents
    fix = (f"point {HOME_VARIABLE} at a folder (it is created if missing), or unset it to use ~/.tunelab"
           if in_home and os.environ.get(HOME_VARIABLE) else "give a path to a folder that can be written")
    raise ValidationError(f"{what} cannot be made: {problem}. To fix it, {fix}.")


def names_a_file(channel: object) -> bool:
    """Whether a data channel names a file to read rather than a dataset: a ``Path``, or a string
    ending in ``.csv`` (a CSV file, or a folder or prefix of CSV shards).

    The one rule every door applies (the job's preparation, its JSON, class mode's check), so
    a string such as ``'../../etc/passwd'`` is a dataset name, refused as one, and never read.
    """
    return isinstance(channel, Path) or (isinstance(channel, str) and channel.strip().lower().endswith(".csv"))
