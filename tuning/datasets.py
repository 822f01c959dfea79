"""Datasets: the rows a tuning job learns from, read by rules a student can predict.

A tuning job is only as good as its data, and most first attempts fail on the data, not
on the model: a semicolon-separated export, a label in the wrong column, a numeric code
taken for a measurement. So this module reads a CSV in exactly two documented shapes and
says, in a :class:`~tuning.errors.ValidationError` or in :attr:`Dataset.notes`, what it
refused or what it decided:

- **With a header row** (the usual CSV): the target is the column named by ``target``, or
  the **last** column when ``target`` is None.
- **SageMaker's built-in-algorithm format**: no header, the label in the **first** column.
  The target is then called ``label`` and the features ``f1`` ... ``fN``.

``header=None`` (the default) tells them apart: if every cell of the first row is a
finite number, the file is headerless.

Values are kept raw: numbers as numbers, text categories as text, missing cells as NaN.
Turning them into model input is :mod:`tuning.features`' job, fitted on the training
channel only. Missing cells are empty cells and the spellings in :data:`MISSING_VALUES`;
``?`` and ``None`` are ordinary text. Text that pandas would read as a boolean
(``True``/``false``) stays text, so a column means the same thing in every channel.
Infinite numbers (``inf``, ``-Infinity``) are refused with the column's name: they are
usually a division by zero upstream, and no model can learn from them.

The *problem type* is given, or inferred from the target:

- text (or booleans) → classification;
- whole numbers with at most :data:`MAX_INFERRED_CLASSES` distinct values → classification
  (a 1-5 rating, a 0/1 flag);
- any other numbers → ``Regression``;

then ``BinaryClassification`` for two classes and ``MulticlassClassification`` for more.
A note says what was inferred, so a wrong guess is one ``problem_type=`` away from fixed.

Bundled datasets (:func:`list_datasets`, :func:`load_dataset`) are two real CSVs shipped in
``datasets/`` and five small sets bundled with scikit-learn; no download is needed.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from collections.abc import Sequence
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from tuning.errors import TuneLabError, ValidationError
from tuning.metrics import BINARY, MULTICLASS, REGRESSION

__all__ = [
    "BINARY",
    "DATASETS_DIR",
    "DEFAULT_MAX_BYTES",
    "MAX_COLUMN_NAME",
    "MAX_INFERRED_CLASSES",
    "MISSING_VALUES",
    "MULTICLASS",
    "PROBLEM_TYPES",
    "REGRESSION",
    "Dataset",
    "DatasetInfo",
    "ProblemType",
    "list_datasets",
    "load_csv",
    "load_dataset",
    "split_channels",
    "without_columns",
]

ProblemType = Literal["BinaryClassification", "MulticlassClassification", "Regression"]
PROBLEM_TYPES: tuple[str, ...] = (BINARY, MULTICLASS, REGRESSION)
"""The problem types of AMT's Autopilot, which TuneLab uses too."""

MAX_INFERRED_CLASSES = 20
"""A numeric target is inferred to be classes only with at most this many distinct values."""
MISSING_VALUES: tuple[str, ...] = ("", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "#N/A")
"""Cell texts read as a missing value. ``?``, ``None`` and ``-`` are ordinary text."""
MAX_COLUMN_NAME = 256
"""Longest column name accepted, in characters (a name is a label, not data)."""
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
"""Largest CSV :func:`load_csv` reads by default (200 MiB): beyond it, sample the rows."""
DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"
"""The folder of the bundled CSV files (and their provenance note, README.md)."""

_HEADERLESS_TARGET = "label"
_CLASSIFICATION = (BINARY, MULTICLASS)
_SHOWN = 8  # how many columns, classes or values a message lists before "and N more"


def _native(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (JSON and ``==`` friendly)."""
    return value.item() if isinstance(value, np.generic) else value


def _sorted_labels(values: Any) -> list[Any]:
    labels = [_native(value) for value in values]
    try:
        return sorted(labels)
    except TypeError:  # mixed types, e.g. 1 and 'a' in a hand-made Dataset
        return sorted(labels, key=lambda label: (type(label).__name__, str(label)))


def _listing(items: Any, limit: int = _SHOWN) -> str:
    items = [repr(item) for item in items]
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit:,} more"


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A table of raw features and a target, ready to split into channels.

    ``features`` holds the raw feature columns (numbers as int/float, text categories as
    strings, NaN for missing); ``target`` the raw labels or numbers, never missing.
    ``notes`` are the things the user should know about how the data was read, such as
    rows dropped for a missing target. A Dataset is compared by identity: two loads of
    the same file are two datasets.

    >>> ds = load_dataset("iris")
    >>> ds.problem_type, ds.classes
    ('MulticlassClassification', ['setosa', 'versicolor', 'virginica'])
    """

    name: str
    features: pd.DataFrame
    target: pd.Series
    target_name: str
    problem_type: str
    description: str = ""
    source: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        where = f"Dataset {self.name!r}"
        if not isinstance(self.features, pd.DataFrame):
            raise ValidationError(
                f"{where}: features must be a pandas DataFrame, but got "
                f"{type(self.features).__name__}."
            )
        if not isinstance(self.target, pd.Series):
            raise ValidationError(
                f"{where}: target must be a pandas Series, but got {type(self.target).__name__}."
            )
        if len(self.features) != len(self.target):
            raise ValidationError(
                f"{where}: features and target must have one row each per example, but got "
                f"{len(self.features):,} feature rows and {len(self.target):,} target values."
            )
        if self.problem_type not in PROBLEM_TYPES:
            raise ValidationError(
                f"{where}: problem_type must be one of {', '.join(PROBLEM_TYPES)}, but got "
                f"{self.problem_type!r}."
            )
        missing = int(self.target.isna().sum())
        if missing:
            raise ValidationError(
                f"{where}: the target must have no missing values, but {missing:,} are "
                "missing. Drop those rows (load_csv does this for you, with a note)."
            )
        if not isinstance(self.notes, tuple):
            object.__setattr__(self, "notes", tuple(self.notes))

    @cached_property
    def _labels(self) -> tuple[Any, ...] | None:
        if not self.is_classification:
            return None
        return tuple(_sorted_labels(self.target.unique()))

    @property
    def classes(self) -> list[Any] | None:
        """Sorted class labels for classification (``classes[1]`` is the positive class
        of a binary problem, e.g. ``'yes'``); None for regression."""
        labels = self._labels
        return None if labels is None else list(labels)

    @property
    def is_classification(self) -> bool:
        return self.problem_type in _CLASSIFICATION

    @property
    def rows(self) -> int:
        return len(self.target)

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, rows={self.rows:,}, features={self.features.shape[1]}, "
            f"target_name={self.target_name!r}, problem_type={self.problem_type!r})"
        )


@dataclass(frozen=True)
class DatasetInfo:
    """What :func:`list_datasets` tells about a bundled dataset, without reading it.

    ``columns`` counts every column of the table, the target included (as in the CSV).
    ``leaky_columns`` are feature columns known only after the outcome: they leak the
    answer, so the Datasets page offers to leave them out (see :func:`without_columns`).
    """

    name: str
    rows: int
    columns: int
    target_name: str
    problem_type: str
    description: str
    source: str
    leaky_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Bundled:
    info: DatasetInfo
    csv_file: str | None = None  # a file in DATASETS_DIR
    sklearn_loader: str | None = None  # sklearn.datasets.load_<this>


_UCI = "UCI Machine Learning Repository (CC BY 4.0), as bundled with scikit-learn"
_CATALOG: dict[str, _Bundled] = {
    bundled.info.name: bundled
    for bundled in (
        _Bundled(DatasetInfo(
            "bank-marketing", 41_188, 15, "output", BINARY,
            "Did a bank client subscribe a term deposit after a phone campaign? 9 text "
            "columns; imbalanced (~11% yes); 'duration' leaks the answer.",
            'UCI Bank Marketing, "bank-additional-full" (Moro, Cortez and Rita, 2014), '
            "CC BY 4.0; see datasets/README.md", leaky_columns=("duration",)),
            csv_file="bank-marketing.csv"),
        _Bundled(DatasetInfo(
            "california-housing", 20_640, 10, "median_house_value", REGRESSION,
            "Median house value of California block groups, 1990 census; 207 missing "
            "total_bedrooms, one text column; the target is capped at 500,001.",
            "1990 California census (Pace and Barry, 1997), as distributed with "
            '"Hands-On Machine Learning"; see datasets/README.md'),
            csv_file="california-housing.csv"),
        _Bundled(DatasetInfo(
            "breast_cancer", 569, 31, "diagnosis", BINARY,
            "Is a breast mass malignant or benign? 30 measurements of cell nuclei.",
            f"Breast Cancer Wisconsin (Diagnostic), {_UCI}"), sklearn_loader="breast_cancer"),
        _Bundled(DatasetInfo(
            "wine", 178, 14, "cultivar", MULTICLASS,
            "Which of 3 cultivars is a wine from? 13 chemical measurements.",
            f"Wine, {_UCI}"), sklearn_loader="wine"),
        _Bundled(DatasetInfo(
            "digits", 1_797, 65, "digit", MULTICLASS,
            "Which digit (0-9) is an 8x8 image of a handwritten digit? 64 pixel intensities.",
            f"Optical Recognition of Handwritten Digits (test set), {_UCI}"),
            sklearn_loader="digits"),
        _Bundled(DatasetInfo(
            "iris", 150, 5, "species", MULTICLASS,
            "Which of 3 iris species is a flower? 4 measurements of sepals and petals.",
            f"Iris (Fisher, 1936), {_UCI}"), sklearn_loader="iris"),
        _Bundled(DatasetInfo(
            "diabetes", 442, 11, "disease_progression", REGRESSION,
            "Disease progression one year after baseline; 10 features, already centred "
            "and scaled.",
            'Efron, Hastie, Johnstone and Tibshirani (2004), "Least Angle Regression", '
            "as bundled with scikit-learn"), sklearn_loader="diabetes"),
    )
}


def list_datasets(*, include_uploaded: bool = False) -> list[DatasetInfo]:
    """The bundled datasets (then the uploaded ones, if asked), without reading any of them."""
    infos = [bundled.info for bundled in _CATALOG.values()]
    if include_uploaded:
        from tuning.user_datasets import list_uploaded_datasets

        infos += list_uploaded_datasets()
    return infos


def _lookup(name: Any) -> _Bundled:
    known = ", ".join(_CATALOG)
    if isinstance(name, str):
        wanted = name.strip().lower().replace("_", "-")
        for key, bundled in _CATALOG.items():
            if key.replace("_", "-") == wanted:
                return bundled
    raise ValidationError(
        f"unknown dataset {name!r}: the bundled datasets are {known}. To use your own data, "
        "give a CSV file to load_csv (or its path as the tuning job's dataset), or upload it on "
        "the dashboard's Datasets page and use its name."
    )


def load_dataset(name: str) -> Dataset:
    """Load a bundled dataset by name (see :func:`list_datasets`).

    Names are looked up in a fixed catalog, never used to build a path, so a name such as
    ``'../secret'`` is only an unknown name. Case and ``-``/``_`` do not matter.
    """
    try:
        bundled = _lookup(name)
    except ValidationError:
        from tuning.user_datasets import is_uploaded_dataset, load_uploaded_dataset

        if is_uploaded_dataset(name):
            return load_uploaded_dataset(name)
        raise
    info = bundled.info
    if bundled.csv_file is not None:
        path = DATASETS_DIR / bundled.csv_file
        if not path.is_file():
            raise TuneLabError(
                f"the bundled dataset {info.name!r} is missing its file {path}; reinstall "
                "TuneLab or restore the datasets/ folder."
            )
        dataset = load_csv(path, target=info.target_name, header=True,
                           problem_type=info.problem_type, name=info.name)
    else:
        dataset = _load_sklearn(info, bundled.sklearn_loader or "")
    return replace(dataset, description=info.description, source=info.source)


def _load_sklearn(info: DatasetInfo, loader: str) -> Dataset:
    import sklearn.datasets

    bunch = getattr(sklearn.datasets, f"load_{loader}")(as_frame=True)
    features = bunch.data.copy()
    features.columns = [str(column) for column in features.columns]
    target = bunch.target
    names = getattr(bunch, "target_names", None)
    if info.problem_type != REGRESSION and names is not None:
        labels = {code: _native(label) for code, label in enumerate(names)}
        target = target.map(labels)
    return Dataset(
        name=info.name, features=features, target=target.rename(info.target_name),
        target_name=info.target_name, problem_type=info.problem_type,
    )


# -- reading a CSV --------------------------------------------------------------------------
def _size(count: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:,} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError  # unreachable


def _too_big(what: str, size: str, max_bytes: int) -> ValidationError:
    return ValidationError(
        f"{what} is {size}, larger than the {_size(max_bytes)} cap (max_bytes={max_bytes:,}). "
        "Use a sample of its rows, or raise max_bytes if this machine has the memory."
    )


def _read_source(source: Any, max_bytes: int) -> tuple[bytes, str, str, str]:
    """The raw bytes, how to name the source in messages, a default name, a source line."""
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ValidationError(f"max_bytes must be a positive whole number of bytes, but got {max_bytes!r}.")
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
        if len(raw) > max_bytes:
            raise _too_big("the uploaded data", _size(len(raw)), max_bytes)
        return raw, "the uploaded data", "uploaded", "uploaded CSV data"
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        shown = str(path) if len(str(path)) <= 160 else f"{str(path)[:150]}..."
        what = f"CSV file {shown!r}"
        try:
            kind = "" if path.is_file() else "a folder, not a file" if path.is_dir() else "not there"
        except (OSError, ValueError):  # a name too long for the system, say
            kind = "not there"
        if kind:
            hint = " (to read CSV text, pass it as bytes)" if isinstance(source, str) and "\n" in source else ""
            raise ValidationError(f"{what} is {kind}{hint}. Check the path.")
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise _too_big(what, _size(size), max_bytes)
            raw = path.read_bytes()
        except OSError as error:
            raise ValidationError(f"{what} could not be read: {error.strerror or error}.") from None
        return raw, what, path.stem, str(path)
    if hasattr(source, "read"):
        label = getattr(source, "name", None)
        what = f"CSV file {label!r}" if isinstance(label, str) else "the uploaded file"
        data = source.read(max_bytes + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not isinstance(data, (bytes, bytearray)):
            raise ValidationError(f"{what}: reading it gave {type(data).__name__}, not bytes or text.")
        if len(data) > max_bytes:
            raise _too_big(what, f"more than {_size(max_bytes)}", max_bytes)
        stem = Path(label).stem if isinstance(label, str) and label else "uploaded"
        return bytes(data), what, stem, label if isinstance(label, str) else "uploaded CSV file"
    raise ValidationError(
        f"a CSV source must be a path, bytes or an open file, but got {type(source).__name__}."
    )


def _decode(raw: bytes, what: str) -> str:
    if not raw.strip():
        raise ValidationError(
            f"{what} is empty: it has no header and no rows. Give a CSV with a header row "
            "and at least one data row."
        )
    if b"\x00" in raw:
        raise ValidationError(
            f"{what} is not a CSV: it holds binary data (NUL bytes), like a spreadsheet "
            "workbook, an image, a compressed file or UTF-16 text. Export it as 'CSV UTF-8' "
            "first."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"{what} is not UTF-8 text: byte {raw[error.start]:#04x} at offset {error.start:,} "
            "cannot be decoded. Save it as 'CSV UTF-8' (it may also not be a CSV at all, "
            "such as a compressed file)."
        ) from None


def _first_records(text: str, what: str, count: int = 2) -> list[list[str]]:
    """The first ``count`` records (blank lines skipped, as pandas skips them)."""
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text)):
            if record:
                records.append(record)
                if len(records) == count:
                    break
    except csv.Error as error:
        raise ValidationError(f"{what} could not be read as CSV: {error}.") from None
    if not records:
        raise ValidationError(f"{what} is empty: it has only blank lines.")
    return records


def _is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def _header_names(first: list[str], what: str, notes: list[str]) -> list[str]:
    names = [cell.strip() for cell in first]
    for position, name in enumerate(names, start=1):
        if len(name) > MAX_COLUMN_NAME:  # every message and page that lists columns would carry it
            raise ValidationError(
                f"{what}: column {position}'s name is {len(name):,} characters long (it starts "
                f"{name[:40]!r}); column names may have at most {MAX_COLUMN_NAME}. Shorten it in the "
                "header row (the first row may also be data, not a header: then give header=False)."
            )
    taken = set(names)
    for position, name in enumerate(names, start=1):
        if not name:
            fresh, suffix = f"column_{position}", 1
            while fresh in taken:
                suffix += 1
                fresh = f"column_{position}_{suffix}"
            names[position - 1] = fresh
            taken.add(fresh)
            notes.append(f"column {position} has no name in the header; named it {fresh!r}")
    seen: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        seen.setdefault(name, []).append(position)
    duplicates = {name: spots for name, spots in seen.items() if len(spots) > 1}
    if duplicates:
        described = "; ".join(
            f"{name!r} (columns {', '.join(map(str, spots[:-1]))} and {spots[-1]})"
            for name, spots in duplicates.items()
        )
        raise ValidationError(
            f"{what} has duplicate column names: {described}. Rename them so that every "
            "column has its own name."
        )
    return names


def _target_position(target: Any, names: list[str], headerless: bool, what: str) -> int:
    count = len(names)
    if target is None:
        return 0 if headerless else count - 1
    if isinstance(target, (int, np.integer)) and not isinstance(target, bool):
        if not 0 <= target < count:
            raise ValidationError(
                f"{what}: target column position must be from 0 to {count - 1} (0 is the first "
                f"of its {count} columns), but got {target}."
            )
        return int(target)
    if isinstance(target, str):
        if headerless:
            if target.strip() == _HEADERLESS_TARGET:
                return 0
            raise ValidationError(
                f"{what} has no header row (SageMaker's format: label first), so it has no "
                f"column named {target!r}. Leave target out to use the first column, give "
                "the target's 0-based position, or add a header row (header=True)."
            )
        wanted = target.strip()
        if wanted in names:
            return names.index(wanted)
        near = [name for name in names if name.lower() == wanted.lower()]
        hint = f" Did you mean {near[0]!r}?" if near else ""
        raise ValidationError(
            f"{what}: target {target!r} is not one of its columns, which are "
            f"{_listing(names, 30)}.{hint}"
        )
    raise ValidationError(
        f"{what}: target must be a column name, a 0-based column position or None (the last "
        f"column), but got {target!r} ({type(target).__name__})."
    )


def _parse(text: str, *, headerless: bool, what: str, usecols: list[int] | None = None,
           as_text: bool = False) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.StringIO(text), header=None if headerless else 0, index_col=False,
            keep_default_na=False, na_values=list(MISSING_VALUES), low_memory=False,
            usecols=usecols, dtype=str if as_text else None,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as error:
        message = " ".join(str(error).split())
        raise ValidationError(
            f"{what} could not be read as CSV: {message}. Check that every row has as many "
            "comma-separated values as the header and that every quote is closed."
        ) from None


def _check_finite(frame: pd.DataFrame, what: str) -> None:
    for column in frame.columns:
        values = frame[column]
        if values.dtype.kind != "f":
            continue
        infinite = np.isinf(values.to_numpy())
        if infinite.any():
            first = int(np.argmax(infinite))
            raise ValidationError(
                f"{what}: column {column!r} has {int(infinite.sum()):,} infinite value(s) (the "
                f"first in data row {first + 1:,}: {values.iloc[first]}); numbers must be "
                "finite. Replace them with a finite number, or leave the cell empty to mark "
                "it missing."
            )


def _parse_problem_type(problem_type: Any) -> str:
    if isinstance(problem_type, str):
        for known in PROBLEM_TYPES:
            if known.lower() == problem_type.strip().lower():
                return known
    raise ValidationError(
        f"unknown problem_type {problem_type!r}; use one of {', '.join(PROBLEM_TYPES)}, or "
        "None to infer it from the target."
    )


def _resolve_problem_type(
    target: pd.Series, problem_type: Any, what: str, notes: list[str]
) -> tuple[str, pd.Series]:
    """The problem type and the target (whole floats become ints for classification)."""
    name = target.name
    numeric = pd.api.types.is_numeric_dtype(target) and not pd.api.types.is_bool_dtype(target)
    distinct = target.unique()
    whole = numeric and bool(np.all(np.mod(target.to_numpy(dtype=float), 1) == 0))
    given = None if problem_type is None else _parse_problem_type(problem_type)
    if numeric and len(distinct) < 2 and (given == REGRESSION or (given is None and not whole)):
        raise ValidationError(  # a constant: no model can learn anything, and R² divides by zero
            f"{what}: the target {name!r} has the same value ({_native(distinct[0])!r}) in all "
            f"{len(target):,} rows, so there is nothing to predict. Check that target names the "
            "column to predict, or use data where it varies."
        )
    if given == REGRESSION:
        if not numeric:
            raise ValidationError(
                f"{what}: problem_type='Regression' needs a numeric target, but {name!r} holds "
                f"text such as {_listing(_sorted_labels(distinct), 3)}. Use "
                "BinaryClassification or MulticlassClassification, or pick a numeric target."
            )
        return REGRESSION, target
    if given is None:
        if numeric and not (whole and len(distinct) <= MAX_INFERRED_CLASSES):
            why = "numbers with fractions" if not whole else f"{len(distinct):,} distinct whole numbers"
            notes.append(
                f"problem type inferred as Regression: the target {name!r} holds {why}; "
                "give problem_type to treat it as classes"
            )
            return REGRESSION, target
    classes = _sorted_labels(distinct)
    if len(classes) < 2:
        raise ValidationError(
            f"{what}: the target {name!r} has a single class ({classes[0]!r}) in all "
            f"{len(target):,} rows; classification needs at least 2 classes. Check that "
            "target names the label column, or use data with more than one outcome."
        )
    kind = BINARY if len(classes) == 2 else MULTICLASS
    if given is not None and given != kind:
        fix = "MulticlassClassification" if given == BINARY else "BinaryClassification"
        raise ValidationError(
            f"{what}: problem_type={given!r} does not fit the target {name!r}, which has "
            f"{len(classes)} classes ({_listing(classes)}). Use {fix}, or None to infer it."
        )
    if given is None:
        holds = "whole numbers" if numeric else "text"
        notes.append(
            f"problem type inferred as {kind}: the target {name!r} holds {holds} with "
            f"{len(classes)} classes ({_listing(classes)})"
            + ("; give problem_type='Regression' to predict them as numbers" if numeric else "")
        )
    if whole and target.dtype.kind == "f":
        target = target.astype("int64")
    return kind, target


def load_csv(
    source: str | os.PathLike[str] | bytes | IO[Any],
    *,
    target: str | int | None = None,
    header: bool | None = None,
    problem_type: str | None = None,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Dataset:
    """Read a CSV file (a path, its bytes or an open file) into a :class:`Dataset`.

    See the module docstring for the two shapes (header row, or SageMaker's headerless
    format with the label first) and the rules. ``target`` is a column name or a 0-based
    position; ``header`` is True, False, or None to detect it; ``problem_type`` is one of
    :data:`PROBLEM_TYPES` or None to infer it. Rows with a missing target are dropped
    (with a note). The index of ``features`` and ``target`` is the 0-based data row of
    the file. Every refusal is a :class:`~tuning.errors.ValidationError`.
    """
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ValidationError(f"name must be a non-blank string or None, but got {name!r}.")
    if header is not None and not isinstance(header, bool):
        raise ValidationError(
            f"header must be True (the first row names the columns), False (SageMaker's "
            f"headerless format) or None (detect it), but got {header!r}."
        )
    if problem_type is not None:
        problem_type = _parse_problem_type(problem_type)
    raw, what, default_name, source_line = _read_source(source, max_bytes)
    text = _decode(raw, what)
    records = _first_records(text, what)
    first = records[0]
    notes: list[str] = []
    headerless = all(_is_number(cell) for cell in first) if header is None else not header
    if headerless and header is None:
        notes.append(
            "the first row is all numbers, so the file was read as SageMaker's headerless "
            "format (label in the first column); give header=True if it is a header"
        )
    if not headerless and len(records) > 1 and len(records[1]) > len(first):
        raise ValidationError(
            f"{what}: the first data row has {len(records[1])} values but the header names "
            f"only {len(first)} columns. Give every column a name in the header row."
        )
    if len(first) < 2:
        raise ValidationError(
            f"{what} has a single column ({first[0].strip()!r}); a dataset needs a target "
            "column and at least one feature column. If its values are separated by ';' or "
            "tabs, save it with commas."
        )

    frame = _parse(text, headerless=headerless, what=what)
    if len(frame) == 0:
        raise ValidationError(
            f"{what} has a header row but no data rows. Add the rows (one example per row)."
        )
    odd = [spot for spot, dtype in enumerate(frame.dtypes) if dtype == object or dtype == bool]
    if odd:  # booleans or mixed cells: keep the text as written, the same in every channel
        text_columns = _parse(text, headerless=headerless, what=what, usecols=odd, as_text=True)
        for spot, column in zip(odd, text_columns.columns):
            frame[frame.columns[spot]] = text_columns[column]

    if headerless:
        position = _target_position(target, [str(i) for i in range(frame.shape[1])], True, what)
        names, feature_number = [], 0
        for spot in range(frame.shape[1]):
            if spot == position:
                names.append(_HEADERLESS_TARGET)
            else:
                feature_number += 1
                names.append(f"f{feature_number}")
    else:
        names = _header_names(first, what, notes)
        if len(names) != frame.shape[1]:  # csv and pandas disagree on the header: trust pandas
            names = [str(column) for column in frame.columns]
        position = _target_position(target, names, False, what)
    frame.columns = names
    _check_finite(frame, what)

    target_name = names[position]
    labels = frame[target_name]
    missing = labels.isna()
    if missing.all():
        raise ValidationError(
            f"{what}: the target column {target_name!r} has no values: all {len(frame):,} of its "
            "cells are missing. Pick the column that holds the labels with target=..."
        )
    if missing.any():
        notes.append(f"dropped {int(missing.sum()):,} row(s) with a missing target {target_name!r}")
        frame = frame.loc[~missing]
        labels = frame[target_name]
    kind, labels = _resolve_problem_type(labels, problem_type, what, notes)
    features = frame.drop(columns=[target_name])
    gaps = features.isna().sum()
    gaps = gaps[gaps > 0]
    if len(gaps):
        listed = ", ".join(f"{column} ({int(count):,})" for column, count in gaps.items())
        notes.append(f"missing values in feature column(s): {listed}")
    return Dataset(
        name=name.strip() if name else default_name,
        features=features,
        target=labels,
        target_name=target_name,
        problem_type=kind,
        source=source_line,
        notes=tuple(notes),
    )


# -- channels ---------------------------------------------------------------------------------
def _check_fraction(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not math.isfinite(value)
        or not 0 < value < 1
    ):
        raise ValidationError(
            "validation_fraction must be a number strictly between 0 and 1 (the share of rows "
            f"held out for validation, such as 0.2), but got {value!r}."
        )
    return float(value)


def _subset(dataset: Dataset, positions: np.ndarray, note: str) -> Dataset:
    return replace(
        dataset,
        features=dataset.features.iloc[positions],
        target=dataset.target.iloc[positions],
        notes=(*dataset.notes, note),
    )


def split_channels(
    dataset: Dataset, *, validation_fraction: float = 0.2, random_seed: int = 0
) -> tuple[Dataset, Dataset]:
    """Split a dataset into (train, validation) channels, as AMT's two input channels.

    The same seed gives the same split. Classification splits are stratified, so each
    class keeps its share in both channels; when a class is too small for that (a single
    row, or fewer validation rows than classes), the split is random instead, rows of a
    class missing from training are moved there, and a note says so.
    """
    if not isinstance(dataset, Dataset):
        raise ValidationError(f"split_channels needs a Dataset, but got {type(dataset).__name__}.")
    fraction = _check_fraction(validation_fraction)
    if isinstance(random_seed, bool) or not isinstance(random_seed, (int, np.integer)) or not (
        0 <= random_seed < 2**32
    ):
        raise ValidationError(f"random_seed must be a whole number from 0 to 2**32 - 1, but got {random_seed!r}.")
    from sklearn.model_selection import train_test_split

    rows = dataset.rows
    n_validation = math.ceil(fraction * rows)
    n_train = rows - n_validation
    if n_train < 1 or n_validation < 1:
        raise ValidationError(
            f"Dataset {dataset.name!r} has {rows:,} row(s): too few to split with "
            f"validation_fraction={validation_fraction!r} into non-empty training and "
            "validation channels. Use more rows, or give a validation dataset."
        )
    positions = np.arange(rows)
    seed = int(random_seed)
    how = f"random_seed={seed}"
    if dataset.is_classification:
        labels = dataset.target.to_numpy()
        counts = dataset.target.value_counts()
        if counts.min() >= 2 and min(n_train, n_validation) >= len(counts):
            train, validation = train_test_split(
                positions, test_size=n_validation, random_state=seed, stratify=labels)
            how = f"stratified by {dataset.target_name!r}, {how}"
        else:
            if counts.min() < 2:
                why = f"class {counts.idxmin()!r} has only {int(counts.min())} row"
            else:
                why = f"{min(n_train, n_validation)} rows cannot hold all {len(counts)} classes"
            train, validation = train_test_split(positions, test_size=n_validation, random_state=seed)
            absent = ~pd.Series(labels[validation]).isin(pd.Series(labels[train])).to_numpy()
            if absent.any():
                train = np.concatenate([train, validation[absent]])
                validation = validation[~absent]
                why += "; validation rows of classes absent from training were moved to training"
            how = f"not stratified ({why}), {how}"
        if len(validation) == 0:
            raise ValidationError(
                f"Dataset {dataset.name!r}: no validation rows are left once every class is "
                "kept in training. Use more rows, or give a validation dataset."
            )
        kept = pd.Series(labels[train]).nunique()
        if kept < 2:
            raise ValidationError(
                f"Dataset {dataset.name!r}: the training channel would hold a single class; "
                "classification needs at least 2. Use more rows, or a smaller "
                f"validation_fraction than {validation_fraction!r}."
            )
    else:
        train, validation = train_test_split(positions, test_size=n_validation, random_state=seed)
    note = (f"split {len(train):,} training / {len(validation):,} validation rows "
            f"({len(validation) / rows:.1%} held out), {how}")
    return _subset(dataset, np.asarray(train), f"training channel: {note}"), _subset(
        dataset, np.asarray(validation), f"validation channel: {note}"
    )


# -- leaving columns out ------------------------------------------------------------------------
_SHOWN_COLUMNS = 70  # a refusal lists the columns to choose from: all of them, up to digits' 64


def without_columns(dataset: Dataset, names: Sequence[str]) -> Dataset:
    """``dataset`` without the feature columns ``names`` (a tuning job's ExcludeColumns).

    Why a job leaves a column out: a column known only after the outcome leaks the answer.
    bank-marketing's ``duration`` is the length of the call, known once the call is over
    and the client has said yes or no; a model that reads it scores very well in tuning
    and cannot be used before a call. Dropping it here, before the feature encoder is
    fitted, means no model sees it and a deployed model never asks for it.

    Unknown names, the target column, and leaving out every feature are refused with a
    ValidationError naming the columns. No names: the dataset itself is returned.
    """
    wanted = list(dict.fromkeys(str(name) for name in names))
    if not wanted:
        return dataset
    columns = [str(column) for column in dataset.features.columns]
    fix = "Remove it from the columns to leave out (exclude_columns, ExcludeColumns)"
    if dataset.target_name in wanted:
        raise ValidationError(
            f"exclude_columns: {dataset.target_name!r} is the target column of dataset {dataset.name!r}, "
            f"the one the models learn to predict, so it cannot be left out. {fix}; to predict another "
            "column, choose it as the target instead."
        )
    unknown = [name for name in wanted if name not in columns]
    if unknown:
        raise ValidationError(
            f"exclude_columns: dataset {dataset.name!r} has no feature column(s) {_listing(unknown)}. Its "
            f"feature columns are {_listing(columns, _SHOWN_COLUMNS)}. Spell the name exactly as there "
            f"(case matters), or {fix[0].lower() + fix[1:]}."
        )
    if len(wanted) == len(columns):
        raise ValidationError(
            f"exclude_columns leaves out every feature column of dataset {dataset.name!r} "
            f"({_listing(columns, _SHOWN_COLUMNS)}): a model needs at least one column to learn from. "
            "Keep at least one of them."
        )
    dropped = [column for column in dataset.features.columns if str(column) in wanted]
    return replace(
        dataset,
        features=dataset.features.drop(columns=dropped),
        notes=(*dataset.notes, f"left out the column(s) {', '.join(wanted)} (ExcludeColumns)"),
    )
