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
Turning them into model input is :mod:`tuning.datasets.features`' job, fitted on the training
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

The bundled datasets are :mod:`tuning.datasets.bundled`'s; finding a dataset by name is
:mod:`tuning.datasets.catalog`'s.
"""

from __future__ import annotations


import csv
import io


import math
import os


from pathlib import Path
from typing import IO, Any


import numpy as np
import pandas as pd


from tuning.errors import ValidationError
from tuning.metrics import BINARY, MULTICLASS, REGRESSION


from tuning.datasets.csv_dialect import Dialect, detect_dialect, thousands_numbers
from tuning.datasets.dataset import (
    DEFAULT_MAX_BYTES,
    HEADERLESS_TARGET,
    MAX_COLUMN_NAME,
    MAX_INFERRED_CLASSES,
    MISSING_VALUES,
    PROBLEM_TYPES,
    Dataset,
    listing,
    native_value,
    sorted_labels,
)


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


def _first_records(text: str, what: str, count: int = 2, dialect: Dialect = Dialect()) -> list[list[str]]:
    """The first ``count`` records (blank lines skipped, as pandas skips them)."""
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text), delimiter=dialect.separator):
            if record:
                records.append(record)
                if len(records) == count:
                    break
    except csv.Error as error:
        raise ValidationError(f"{what} could not be read as CSV: {error}.") from None
    if not records:
        raise ValidationError(f"{what} is empty: it has only blank lines.")
    return records


def _is_number(cell: str, dialect: Dialect = Dialect()) -> bool:
    try:
        return math.isfinite(float(cell.replace(dialect.decimal, ".")))
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
            if target.strip() == HEADERLESS_TARGET:
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
            f"{listing(names, 30)}.{hint}"
        )
    raise ValidationError(
        f"{what}: target must be a column name, a 0-based column position or None (the last "
        f"column), but got {target!r} ({type(target).__name__})."
    )


def _parse(text: str, *, headerless: bool, what: str, dialect: Dialect, usecols: list[int] | None = None,
           as_text: bool = False) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.StringIO(text), header=None if headerless else 0, index_col=False,
            sep=dialect.separator, decimal=dialect.decimal,
            keep_default_na=False, na_values=list(MISSING_VALUES), low_memory=False,
            usecols=usecols, dtype=str if as_text else None,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as error:
        message = " ".join(str(error).split())
        raise ValidationError(
            f"{what} could not be read as CSV: {message}. Check that every row has as many "
            "comma-separated values as the header and that every quote is closed."
        ) from None


def csv_columns(data: bytes, *, header: bool | None = None) -> tuple[list[str], bool]:
    """The column names :func:`load_csv` would give ``data``, and whether it is headerless.

    Only the first record is read. With ``header=None`` a first row of numbers means
    SageMaker's headerless shape (label first), exactly as load_csv decides; its columns are
    then ``label``, ``f1`` ... ``fN``. A file it cannot read raises load_csv's own refusal.
    """
    text = _decode(data, "the file")
    dialect = detect_dialect(text)
    first = _first_records(text, "the file", count=1, dialect=dialect)[0]
    headerless = all(_is_number(cell, dialect) for cell in first) if header is None else not header
    if headerless:
        return [HEADERLESS_TARGET, *(f"f{number}" for number in range(1, len(first)))], True
    return _header_names(first, "the file", []), False


def csv_text_shape(data: bytes, what: str) -> tuple[str, Dialect, list[str], bool]:
    """``data`` decoded, its dialect, its first record, and whether it is headerless, by load_csv's rules.

    :mod:`tuning.datasets.shards` checks with it that the shards of one channel are written
    alike; ``what`` names the file in a refusal (not UTF-8 text, empty, not CSV).
    """
    text = _decode(data, what)
    dialect = detect_dialect(text)
    first = _first_records(text, what, count=1, dialect=dialect)[0]
    return text, dialect, first, all(_is_number(cell, dialect) for cell in first)


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
            f"{what}: the target {name!r} has the same value ({native_value(distinct[0])!r}) in all "
            f"{len(target):,} rows, so there is nothing to predict. Check that target names the "
            "column to predict, or use data where it varies."
        )
    if given == REGRESSION:
        if not numeric:
            raise ValidationError(
                f"{what}: problem_type='Regression' needs a numeric target, but {name!r} holds "
                f"text such as {listing(sorted_labels(distinct), 3)}. Use "
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
    classes = sorted_labels(distinct)
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
            f"{len(classes)} classes ({listing(classes)}). Use {fix}, or None to infer it."
        )
    if given is None:
        holds = "whole numbers" if numeric else "text"
        notes.append(
            f"problem type inferred as {kind}: the target {name!r} holds {holds} with "
            f"{len(classes)} classes ({listing(classes)})"
            + ("; give problem_type='Regression' to predict them as numbers" if numeric else "")
        )
    if whole and target.dtype.kind == "f":
        target = target.astype("int64")
    return kind, target


def _read_grouped_numbers(frame: pd.DataFrame, dialect: Dialect, notes: list[str]) -> None:
    """Text columns that are numbers with thousands separators become numbers, with a note."""
    for spot, column in enumerate(frame.columns):
        if frame[column].dtype.kind in "iufb":
            continue
        numbers = thousands_numbers(frame[column], dialect)
        if numbers is not None:
            example = str(frame[column].dropna().iloc[0]).strip()
            label = repr(column) if isinstance(column, str) else str(spot + 1)
            notes.append(f"column {label} holds numbers written with thousands separators (such as "
                         f"{example!r}); read them as numbers")
            frame[column] = numbers


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
    dialect = detect_dialect(text)
    records = _first_records(text, what, dialect=dialect)
    first = records[0]
    notes: list[str] = [dialect.note()] if dialect.note() else []
    headerless = all(_is_number(cell, dialect) for cell in first) if header is None else not header
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

    frame = _parse(text, headerless=headerless, what=what, dialect=dialect)
    if len(frame) == 0:
        raise ValidationError(
            f"{what} has a header row but no data rows. Add the rows (one example per row)."
        )
    odd = [spot for spot, dtype in enumerate(frame.dtypes) if dtype == object or dtype == bool]
    if odd:  # booleans or mixed cells: keep the text as written, the same in every channel
        text_columns = _parse(text, headerless=headerless, what=what, dialect=dialect, usecols=odd, as_text=True)
        for spot, column in zip(odd, text_columns.columns):
            frame[frame.columns[spot]] = text_columns[column]
    _read_grouped_numbers(frame, dialect, notes)

    if headerless:
        position = _target_position(target, [str(i) for i in range(frame.shape[1])], True, what)
        names, feature_number = [], 0
        for spot in range(frame.shape[1]):
            if spot == position:
                names.append(HEADERLESS_TARGET)
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
