"""A channel in libsvm format, XGBoost's own text format and the default of AWS's XGBoost.

AWS's XGBoost reads a channel's ``ContentType`` ``text/libsvm`` (its default: "ContentType
by default is in libsvm", as its error says to a CSV sent without one) or ``text/csv``.
A libsvm line is ``label index:value index:value ...``; an index that a line leaves out
is a *missing* value for XGBoost, not a zero (XGBoost's "Text Input Format of DMatrix").
TuneLab reads the file with scikit-learn's ``load_svmlight_file`` (the parser XGBoost's
documentation recommends from Python) and makes it the table SageMaker's headerless CSV
gives: the label first, then one column per feature index, ``f1`` for index 0, ``f2``
for index 1, ... as XGBoost numbers a libsvm file's columns from 0. A file numbered from 1
(the usual way) therefore has an ``f1`` column that is empty in every row, which XGBoost
never splits on; keeping it keeps a libsvm request's index ``k`` the model's column ``k``,
as on AWS (:func:`libsvm_rows`). Entries a line leaves out become missing cells, so the
model sees what XGBoost would.

As an S3 prefix, a folder or a key name prefix stands for every file under it (libsvm
files have no usual extension: AWS's own examples name them ``abalone.train``); hidden
files are left out. Only XGBoost reads libsvm on AWS among TuneLab's algorithms, so only
its channels may be libsvm (:func:`check_libsvm_algorithm`).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tuning.datasets.csv_reading import load_csv
from tuning.datasets.dataset import DEFAULT_MAX_BYTES, HEADERLESS_TARGET, Dataset, listing
from tuning.datasets.shards import files_under
from tuning.errors import ValidationError

__all__ = ["LIBSVM_CONTENT_TYPES", "LibsvmChannel", "check_libsvm_algorithm", "is_libsvm_content_type",
           "libsvm_rows", "load_libsvm_channel"]

LIBSVM_CONTENT_TYPES = ("text/libsvm", "libsvm", "text/x-libsvm")
"""What a channel's ContentType may say for libsvm (the SDK's examples write ``"libsvm"``)."""

READS_LIBSVM = ("xgboost",)
"""The algorithms whose AWS container reads libsvm channels."""


def is_libsvm_content_type(content_type: object) -> bool:
    """Whether a ContentType (``text/libsvm``, ``libsvm``, with or without parameters) names libsvm."""
    return isinstance(content_type, str) and content_type.split(";")[0].strip().lower() in LIBSVM_CONTENT_TYPES


@dataclass(frozen=True)
class LibsvmChannel:
    """A channel given as libsvm: a file, a folder or a path prefix of libsvm files."""

    path: Path

    def __str__(self) -> str:
        return str(self.path)

    @property
    def name(self) -> str:
        return self.path.stem or self.path.name or "data"


def check_libsvm_algorithm(algorithm_name: str, where: str = "ContentType") -> None:
    """Refuse a libsvm channel for an algorithm whose AWS container does not read libsvm."""
    if algorithm_name not in READS_LIBSVM:
        raise ValidationError(
            f"{where}: text/libsvm is read by AWS's XGBoost, but this job's algorithm is {algorithm_name!r}, "
            "whose AWS container reads CSV (text/csv). Give the channel as CSV (label first, no header), "
            "or tune XGBoost.")


def libsvm_files(prefix: str | os.PathLike[str]) -> list[Path]:
    """The files a libsvm channel stands for, in sorted path order (as S3 lists keys)."""
    text = os.fspath(prefix)
    path = Path(text)
    if path.is_file():
        return [path]
    if path.is_dir():
        base, wanted = path, None
    else:
        base, wanted = path.parent, os.path.normpath(text) if text not in ("", ".") else None
    found = sorted((p for p in files_under(base, wanted) if not p.name.startswith(".")), key=lambda p: p.as_posix())
    if not found:
        raise ValidationError(
            f"no libsvm file at {text!r} (no such file, and as a folder or path prefix it matches no file). "
            "Give the path of a libsvm file, or of a folder holding the channel's libsvm files.")
    return found


def load_libsvm_channel(source: str | os.PathLike[str], *, name: str | None = None,
                        max_bytes: int = DEFAULT_MAX_BYTES) -> Dataset:
    """Read a libsvm file, or every file under a folder or prefix, into one Dataset (see the module docstring)."""
    files = libsvm_files(source)
    total = sum(path.stat().st_size for path in files)
    label = os.fspath(source)
    if total > max_bytes:
        raise ValidationError(
            f"the libsvm data at {label!r} holds {total:,} bytes, more than the cap of {max_bytes:,} (max_bytes). "
            "Use a sample of its rows, or raise max_bytes if this machine has the memory.")
    labels, rows = [], []
    for path in files:
        file_labels, file_rows = _read_one(path)
        labels.append(file_labels)
        rows.append(file_rows)
    width = max(matrix.shape[1] for matrix in rows)
    table = np.vstack([_dense_with_missing(matrix, width) for matrix in rows])
    frame = pd.DataFrame(table, columns=[f"f{index + 1}" for index in range(width)])
    frame.insert(0, HEADERLESS_TARGET, np.concatenate(labels))
    text = frame.to_csv(index=False, header=False, na_rep="")
    handle = io.BytesIO(text.encode())
    handle.name = f"{label} (libsvm)"
    dataset = load_csv(handle, header=False, name=name or Path(label).stem or "data", max_bytes=max(max_bytes, len(text) + 1))
    first_used = bool(np.isfinite(table[:, 0]).any())
    notes = [f"read {len(files)} libsvm file(s) as one channel ({listing([p.name for p in files], 5)}): "
             f"column f{{k+1}} holds feature index k, as XGBoost numbers libsvm columns from 0"
             + ("" if first_used else "; no row uses index 0, so f1 is empty (XGBoost never splits on it)"),
             *[note for note in dataset.notes if "headerless format" not in note]]
    object.__setattr__(dataset, "notes", tuple(notes))
    object.__setattr__(dataset, "source", label)
    return dataset


def _read_one(path: Path) -> tuple[np.ndarray, object]:
    from sklearn.datasets import load_svmlight_file

    what = f"the libsvm file {path.as_posix()!r}"
    try:
        with path.open("rb") as handle:
            matrix, labels = load_svmlight_file(handle, zero_based=True)
    except OSError as error:
        raise ValidationError(f"{what} could not be read: {error.strerror or error}.") from None
    except ValueError as error:
        raise ValidationError(
            f"{what} is not libsvm text ({error}). Each line must be 'label index:value index:value ...', "
            "such as '1 1:0.5 3:2'; for a CSV file set ContentType to text/csv.") from None
    if matrix.shape[0] == 0:
        raise ValidationError(f"{what} holds no rows. Give one example per line: 'label index:value ...'.")
    return labels, matrix


def _dense_with_missing(matrix: object, width: int) -> np.ndarray:
    """The sparse rows as a dense table in which entries a line left out are NaN (missing), not 0."""
    csr = matrix.tocsr()  # type: ignore[attr-defined]
    dense = np.full((csr.shape[0], width), np.nan)
    rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
    dense[rows, csr.indices] = csr.data
    return dense


def libsvm_rows(body: str, feature_columns: list[str]) -> pd.DataFrame:
    """A libsvm request body (labels optional, as AWS's XGBoost ignores them) as the model's feature table.

    Index ``k`` is the model's ``k``-th feature column (from 0), as XGBoost reads it; an index
    beyond the model's columns is refused, naming how many it has.
    """
    from sklearn.datasets import load_svmlight_file

    lines = [line.strip() for line in body.splitlines() if line.strip()]
    if not lines:
        raise ValidationError("the request body holds no libsvm rows: give one row per line, such as '0 1:0.5 3:2'.")
    # AWS's XGBoost takes a row without a label too: give such rows a placeholder label for the parser.
    labelled = [line if ":" not in line.split()[0] else f"0 {line}" for line in lines]
    try:
        matrix, _ = load_svmlight_file(io.BytesIO("\n".join(labelled).encode()), zero_based=True)
    except ValueError as error:
        raise ValidationError(
            f"the request body is not libsvm text ({error}). Send one row per line: 'index:value index:value ...'.") from None
    if matrix.shape[1] > len(feature_columns):
        raise ValidationError(
            f"the request uses feature index {matrix.shape[1] - 1}, but the model has {len(feature_columns)} feature "
            f"columns (indices 0 to {len(feature_columns) - 1}).")
    return pd.DataFrame(_dense_with_missing(matrix, len(feature_columns)), columns=feature_columns)
