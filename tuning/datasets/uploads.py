"""The user's own datasets: uploaded CSVs kept beside the store, usable by name everywhere.

An uploaded CSV is read once by :func:`tuning.datasets.load_csv` (so a file it cannot use
is refused with its message *before* anything is written), then kept as
``$TUNELAB_HOME/datasets/<name>.csv`` with a ``<name>.json`` sidecar holding how to read it
(target column, problem type, header). From then on the name works like a bundled one:
``TuningJobConfig(dataset="my-data")`` in Python, ``"Dataset": "my-data"`` in the CLI's
JSON, and the dashboard's pickers, because :func:`tuning.datasets.load_dataset` falls back
to this library.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

from tuning.datasets.bundled import bundled_names
from tuning.datasets.csv_reading import csv_columns, load_csv
from tuning.datasets.dataset import Dataset, DatasetInfo
from tuning.errors import ValidationError
from tuning.paths import make_folder, uploads_dir

__all__ = [
    "UPLOAD_MAX_MB",
    "delete_uploaded_dataset",
    "is_uploaded_dataset",
    "list_uploaded_datasets",
    "load_uploaded_dataset",
    "save_uploaded_dataset",
    "upload_columns",
    "uploaded_at",
    "uploaded_dataset_workspace",
    "uploads_dir",
]

UPLOAD_MAX_MB = 50
"""Largest CSV the dashboard takes: beyond it a laptop's memory and a class's patience run out
(bank-marketing, 41,188 rows, is 5 MB). ``.streamlit/config.toml`` sets the same cap."""
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValidationError(
            f"dataset name {name!r} is not usable: use 1 to 63 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit (for example 'my-sales-2024')."
        )
    bundled = bundled_names()
    if name.replace("_", "-") in bundled:
        raise ValidationError(
            f"dataset name {name!r} is taken by a bundled dataset; pick another name, such as '{name}-mine'."
        )
    return name


def _write(path: Path, data: bytes) -> None:
    """Write then rename, so a crash never leaves half a file under a dataset's name."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def save_uploaded_dataset(
    data: bytes,
    *,
    name: str,
    target: str | None = None,
    problem_type: str | None = None,
    header: bool | None = None,
    original_name: str = "",
    replace: bool = False,
    max_bytes: int = UPLOAD_MAX_MB * 1024 * 1024,
    workspace: str | None = None,
) -> Dataset:
    """Check an uploaded CSV and keep it under ``name``; return it as read.

    Nothing is written unless the file reads as a usable dataset. An existing upload of
    the same name is replaced only with ``replace=True``. ``workspace``, in class mode, is
    whose upload it is (a :class:`tuning.classroom.Workspace`'s key, kept in the sidecar;
    :class:`tuning.classroom.uploads.WorkspaceUploads` checks it).
    """
    name = _check_name(name)
    if not isinstance(data, (bytes, bytearray)):
        raise ValidationError(f"data must be the CSV file's bytes, but got {type(data).__name__}.")
    if len(data) > max_bytes:
        raise ValidationError(
            f"{original_name or 'the file'} is {len(data) / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB "
            "upload limit. Keep a sample of the rows (for example with pandas' sample()) and upload that."
        )
    if is_uploaded_dataset(name) and not replace:
        raise ValidationError(
            f"an uploaded dataset named {name!r} already exists. Pick another name, or delete it first."
        )
    dataset = load_csv(bytes(data), target=target, header=header, problem_type=problem_type, name=name,
                       max_bytes=max_bytes)
    folder = make_folder(uploads_dir(), "the folder of uploaded datasets")
    meta = {
        "name": name,
        "target": dataset.target_name,
        "problem_type": dataset.problem_type,
        "header": header if header is not None else not any("headerless" in note for note in dataset.notes),
        "original_name": original_name,
        "description": _description(original_name),
        "rows": dataset.rows,
        "columns": dataset.features.shape[1] + 1,
        "uploaded_at": time.time(),
        **({"workspace": workspace} if workspace is not None else {}),
    }
    _write(folder / f"{name}.csv", bytes(data))
    _write(folder / f"{name}.json", json.dumps(meta, indent=2).encode())
    return dataset


def _description(original_name: str) -> str:
    return f"Uploaded from {original_name or 'a CSV file'}."


def upload_columns(data: bytes, *, header: bool | None = None) -> tuple[list[str], bool]:
    """The columns ``data`` will have once saved, and whether it is SageMaker's headerless shape.

    Why here and not in the page: the upload form offers these names as the target, so
    they must be read by :func:`~tuning.datasets.load_csv`'s own rules
    (:func:`~tuning.datasets.csv_reading.csv_columns`); otherwise a SageMaker file would be
    offered '0.5' as a target column, and saving would fail. A file that cannot be read
    gives ``([], False)``: saving it then says what is wrong, in load_csv's words.
    """
    try:
        return csv_columns(bytes(data), header=header)
    except (ValidationError, TypeError):
        return [], False


def uploaded_at(name: str) -> float:
    """When ``name`` was uploaded (or last replaced), as a Unix time.

    The dashboard keys its cache on it, so replacing an upload is never shown stale.
    """
    if not is_uploaded_dataset(name):
        raise ValidationError(f"there is no uploaded dataset named {name!r}; upload it on the Datasets page.")
    try:
        return float(_meta(name)["uploaded_at"])
    except (OSError, ValueError, KeyError, TypeError):  # a damaged sidecar: the file's own time
        return (uploads_dir() / f"{name}.csv").stat().st_mtime


def uploaded_dataset_workspace(name: str) -> str | None:
    """Whose upload ``name`` is in class mode (None: uploaded outside it, or a damaged sidecar)."""
    if not is_uploaded_dataset(name):
        raise ValidationError(f"there is no uploaded dataset named {name!r}; upload it on the Datasets page.")
    try:
        workspace = _meta(name).get("workspace")
    except (OSError, ValueError, AttributeError):
        return None
    return workspace if isinstance(workspace, str) else None


def _meta(name: str) -> dict[str, Any]:
    path = uploads_dir() / f"{name}.json"
    return json.loads(path.read_text())


def is_uploaded_dataset(name: str) -> bool:
    """Whether ``name`` is an uploaded dataset (any string is safe to ask about)."""
    if not isinstance(name, str) or not _NAME.match(name):
        return False
    folder = uploads_dir()
    return (folder / f"{name}.json").is_file() and (folder / f"{name}.csv").is_file()


def _info(meta: dict[str, Any]) -> DatasetInfo:
    return DatasetInfo(
        meta["name"], int(meta["rows"]), int(meta["columns"]), meta["target"], meta["problem_type"],
        str(meta.get("description") or _description(meta.get("original_name") or "")), "uploaded by you",
    )


def list_uploaded_datasets() -> list[DatasetInfo]:
    """The uploaded datasets, by name; a damaged sidecar file is skipped, not fatal."""
    folder = uploads_dir()
    infos = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            meta = json.loads(path.read_text())
            if is_uploaded_dataset(meta["name"]) and meta["name"] == path.stem:
                infos.append(_info(meta))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return infos


def load_uploaded_dataset(name: str) -> Dataset:
    """Read an uploaded dataset again, the way it was read when it was saved."""
    if not is_uploaded_dataset(name):
        raise ValidationError(f"there is no uploaded dataset named {name!r}; upload it on the Datasets page.")
    meta = _meta(name)
    dataset = load_csv(uploads_dir() / f"{name}.csv", target=meta["target"], header=meta["header"],
                       problem_type=meta["problem_type"], name=name, max_bytes=2**62)
    from dataclasses import replace

    info = _info(meta)
    return replace(dataset, description=info.description, source=info.source)


def delete_uploaded_dataset(name: str) -> None:
    """Forget an uploaded dataset. Tuning jobs already run on it keep their results."""
    if not is_uploaded_dataset(name):
        raise ValidationError(f"there is no uploaded dataset named {name!r} to delete.")
    folder = uploads_dir()
    (folder / f"{name}.json").unlink()
    (folder / f"{name}.csv").unlink(missing_ok=True)
