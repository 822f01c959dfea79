"""A channel that is a folder or a path prefix of CSV shards, read as one table, as an S3 prefix is.

In SageMaker a channel's ``S3Uri`` with ``S3DataType`` ``S3Prefix`` is a *key name prefix*,
and the training job gets every object under it: AWS's API reference for S3DataSource
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html) says "If
you choose S3Prefix, S3Uri identifies a key name prefix. SageMaker uses all objects that
match the specified key name prefix for model training." Data split into shards
(``train/train_0.csv ... train/train_2.csv``) is therefore one channel. Here the same holds
for a local path:

- an existing **CSV file** is that file alone;
- an existing **folder** stands for every ``.csv`` file under it, its subfolders too (as
  ``s3://bucket/train/`` holds ``train/part/x.csv``);
- any other path is a **key name prefix**: ``data/train_`` takes every ``.csv`` file whose
  path starts with it (``data/train_0.csv``, ``data/train_1/x.csv``).

The shards are read in sorted path order (S3 lists keys in that order) and concatenated:
their rows, in that order, are the channel's rows. They must be written alike: the same
separator and decimal mark, all with a header row or all without, the same header (or the
same number of columns). A shard that differs is refused, named, with how it differs; an
empty folder or a prefix that matches no CSV file is refused, named. Files that are not
``.csv`` are left out, with a note (a ``README`` or ``.DS_Store`` beside the shards is not
data); AWS would hand them to the container too.

The data's fingerprint (:mod:`tuning.datasets.fingerprint`) hashes the rows read, so it
covers every shard: a shard changed, added or removed after the job started is noticed
when the job is resumed, as a changed file is.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tuning.datasets.csv_reading import csv_text_shape, load_csv
from tuning.datasets.dataset import DEFAULT_MAX_BYTES, Dataset, listing
from tuning.errors import ValidationError

__all__ = ["csv_shards", "load_csv_channel"]


def csv_shards(prefix: str | os.PathLike[str]) -> tuple[list[Path], list[Path]]:
    """``(the CSV files the prefix stands for, in sorted order; the other files it matched)``.

    Raises a ValidationError naming the folder or prefix when it matches no CSV file.
    """
    text = os.fspath(prefix)
    path = Path(text)
    if path.is_file():
        return [path], []
    if path.is_dir():
        base, wanted = path, None
    else:
        base, wanted = path.parent, os.path.normpath(text) if text not in ("", ".") else None
    matched = sorted(files_under(base, wanted), key=lambda p: p.as_posix())
    shards = [p for p in matched if p.suffix.lower() == ".csv"]
    others = [p for p in matched if p.suffix.lower() != ".csv"]
    if not shards:
        if path.is_dir():
            found = f" (it holds only {listing([p.name for p in others])})" if others else " (it is empty)"
            raise ValidationError(
                f"the folder {text!r} holds no .csv file{found}. Put the channel's CSV shards in it "
                "(such as train_0.csv, train_1.csv), or give the path of a CSV file.")
        where = "there is no such file or folder" if not base.is_dir() else f"no file in {str(base)!r} starts with it"
        raise ValidationError(
            f"no file at {text!r}, and as a path prefix it matches no .csv file ({where}). "
            "Give a CSV file, a folder of CSV shards, or a prefix such as data/train_ that their names start with.")
    return shards, others


def files_under(base: Path, prefix: str | None, seen: set[str] | None = None) -> Iterator[Path]:
    """Files under ``base`` whose path starts with ``prefix`` (all with None), not entering other folders.

    A folder linked back into itself is entered once (``seen``: real paths already walked).
    """
    seen = set() if seen is None else seen
    real = os.path.realpath(base)
    if real in seen:
        return
    seen.add(real)
    try:
        entries = list(os.scandir(base))
    except OSError:
        return
    for entry in entries:
        candidate = os.path.normpath(os.path.join(base, entry.name))
        if entry.is_dir():
            if prefix is None or (candidate + os.sep).startswith(prefix) or candidate.startswith(prefix):
                yield from files_under(Path(candidate), None if prefix is None or candidate.startswith(prefix)
                                        else prefix, seen)
        elif entry.is_file() and (prefix is None or candidate.startswith(prefix)):
            yield Path(candidate)


def load_csv_channel(source: str | os.PathLike[str], *, target: str | int | None = None, name: str | None = None,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> Dataset:
    """Read a CSV file, or every CSV shard under a folder or path prefix, into one Dataset.

    One file is :func:`~tuning.datasets.load_csv`'s; several are checked alike and
    concatenated (see the module docstring). ``max_bytes`` caps them all together.
    """
    shards, others = csv_shards(source)
    label = os.fspath(source)
    default_name = Path(label).stem or Path(label).name or "data"
    if len(shards) == 1 and not others and Path(label).is_file():
        return load_csv(shards[0], target=target, name=name or shards[0].stem, max_bytes=max_bytes)
    total = sum(shard.stat().st_size for shard in shards)
    what = f"the {len(shards)} CSV shard(s) under {label!r}"
    if total > max_bytes:
        raise ValidationError(
            f"{what} hold {total:,} bytes, more than the cap of {max_bytes:,} (max_bytes). Use a sample of "
            "their rows, fewer shards, or raise max_bytes if this machine has the memory.")
    combined = _concatenate(shards)
    handle = io.BytesIO(combined)
    handle.name = f"{label} ({len(shards)} CSV shards)" if len(shards) > 1 else str(shards[0])
    dataset = load_csv(handle, target=target, name=name or default_name, max_bytes=max_bytes)
    shown = listing([shard.as_posix() for shard in shards], 5)
    notes = [f"read {len(shards)} CSV shard(s) as one channel, in this order: {shown}", *dataset.notes]
    if others:
        notes.append(f"left out {len(others)} file(s) that are not .csv: {listing([p.name for p in others], 5)}")
    object.__setattr__(dataset, "notes", tuple(notes))
    object.__setattr__(dataset, "source", label)
    return dataset


def _concatenate(shards: list[Path]) -> bytes:
    """The shards' text as one CSV: the first whole, the others without their header row."""
    first: dict[str, Any] | None = None
    parts: list[str] = []
    for shard in shards:
        what = f"CSV shard {shard.as_posix()!r}"
        try:
            raw = shard.read_bytes()
        except OSError as error:
            raise ValidationError(f"{what} could not be read: {error.strerror or error}.") from None
        text, dialect, record, headerless = csv_text_shape(raw, what)
        shape = {"shard": shard.as_posix(), "dialect": dialect, "headerless": headerless,
                 "header": [cell.strip() for cell in record], "columns": len(record)}
        if first is None:
            first = shape
            body = text
        else:
            _check_alike(first, shape)
            body = text if shape["headerless"] else _after_first_record(text, dialect.separator)
        if body and not body.endswith(("\n", "\r")):
            body += "\n"
        parts.append(body)
    return "".join(parts).encode("utf-8")


def _check_alike(first: dict[str, Any], shape: dict[str, Any]) -> None:
    here, there = f"CSV shard {shape['shard']!r}", repr(first["shard"])
    if shape["dialect"] != first["dialect"]:
        def words(d: Any) -> str:
            shown = "tabs" if d.separator == "\t" else repr(d.separator)
            return f"separated by {shown} with {d.decimal!r} as decimal mark"

        raise ValidationError(
            f"{here} is written differently from {there}: it is {words(shape['dialect'])}, that one "
            f"{words(first['dialect'])}. Save every shard of the channel the same way.")
    if shape["headerless"] != first["headerless"]:
        has = "has a header row" if not shape["headerless"] else "has no header row (its first row is numbers)"
        other = "has none" if first["headerless"] else "has one"
        raise ValidationError(
            f"{here} {has}, but {there}, the first shard, {other}. Give every shard of the channel a "
            "header row, or none (SageMaker's format: label first).")
    if shape["headerless"] and shape["columns"] != first["columns"]:
        raise ValidationError(
            f"{here} has {shape['columns']} columns, but {there}, the first shard, has {first['columns']}. "
            "Every shard of a channel needs the same columns.")
    if not shape["headerless"] and shape["header"] != first["header"]:
        missing = [c for c in first["header"] if c not in shape["header"]]
        extra = [c for c in shape["header"] if c not in first["header"]]
        if missing or extra:
            how = (f"it lacks {listing(missing)}" if missing else "") + ("; " if missing and extra else "") + (
                f"it adds {listing(extra)}" if extra else "")
        else:
            how = f"its columns are in another order ({listing(shape['header'])})"
        raise ValidationError(
            f"{here} has other columns than {there}, the first shard: {how}. Every shard of a channel "
            "needs the same header row, in the same order.")


def _after_first_record(text: str, separator: str) -> str:
    """``text`` after its first non-blank CSV record (a quoted header may span lines)."""
    consumed = 0

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in io.StringIO(text, newline=""):
            consumed += len(line)
            yield line

    for record in csv.reader(lines(), delimiter=separator):
        if record:
            break
    return text[consumed:]
