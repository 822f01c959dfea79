"""Input channels as the SageMaker Python SDK gives them, turned into what a tuning job reads.

In SageMaker, ``tuner.fit({"train": ..., "validation": ...})`` names an S3 prefix per
channel. Here a channel is any of:

- a CSV file: a path (``str`` or :class:`pathlib.Path`) or a ``file://`` URI; or a folder
  or a path prefix of CSV shards, read as one channel, as an S3 prefix is (every ``.csv``
  under it, in sorted order: see :mod:`tuning.datasets.shards`). A headerless
  CSV is SageMaker's format, label in the first column; a CSV with a header row takes the
  estimator's ``target=`` column, or the last column (TuneLab's rule for headed CSVs);
- :class:`TrainingInput` (the SDK's ``sagemaker.inputs.TrainingInput``) wrapping one of
  the above;
- a pandas DataFrame: its *first* column is the target (as in SageMaker's CSV format)
  unless the estimator was given ``target="column"``. It is written once to
  ``<store home>/inputs/<content hash>.csv``, as the SDK uploads a DataFrame to S3
  before training: the tuning job then records a file it can read again (to retrain a
  model for deployment) and the same DataFrame gives the same file (so a warm start with
  ``IdenticalDataAndAlgorithm`` recognises the same data);
- a dataset name, bundled or uploaded (see :func:`tuning.datasets.load_dataset`), or a
  :class:`tuning.datasets.Dataset`.

``s3://`` URIs are refused with how to fix it: TuneLab never reaches AWS.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pandas as pd

from tuning.datasets.libsvm_reading import LibsvmChannel, is_libsvm_content_type, libsvm_files
from tuning.errors import ValidationError
from tuning.sagemaker.channel_prefix import check_s3_data_type

__all__ = ["CHANNELS", "Channel", "TrainingInput", "resolve_channels"]

CHANNELS = ("train", "validation")
"""The channel names a tuning job reads, as in SageMaker's built-in algorithms."""


@dataclass(frozen=True)
class TrainingInput:
    """One input channel, shaped like ``sagemaker.inputs.TrainingInput``.

    ``s3_data`` is a local CSV path, a ``file://`` URI, or a folder or path prefix of CSV
    shards (``s3_data_type="S3Prefix"``, the SDK's default). ``"ManifestFile"`` and
    ``"AugmentedManifestFile"`` are refused: list the shards in a folder instead.
    ``content_type`` may be ``"csv"`` / ``"text/csv"`` (the only format TuneLab reads) or
    None; the SDK's other arguments (``distribution``, ``input_mode``, ...) are accepted
    and have no effect on one machine.
    """

    s3_data: str | os.PathLike[str]
    distribution: str | None = None
    compression: str | None = None
    content_type: str | None = None
    record_wrapping: str | None = None
    s3_data_type: str = "S3Prefix"
    input_mode: str | None = None

    def __post_init__(self) -> None:
        kind = self.content_type
        if (kind is not None and not is_libsvm_content_type(kind)
                and str(kind).split(";")[0].strip().lower() not in ("csv", "text/csv")):
            raise ValidationError(
                f"TrainingInput content_type {kind!r} is not supported: TuneLab reads CSV and, for XGBoost, "
                "libsvm. Use content_type='text/csv' (or leave it out) for a CSV file, or 'libsvm' for a libsvm file."
            )
        check_s3_data_type(self.s3_data_type, "TrainingInput s3_data_type")
        if self.compression not in (None, "None"):
            raise ValidationError(
                f"TrainingInput compression {self.compression!r} is not supported: give an "
                "uncompressed CSV file."
            )


    @property
    def config(self) -> dict[str, Any]:
        """The SDK's ``TrainingInput.config``: the channel as CreateTrainingJob's InputDataConfig entry
        (sagemaker/inputs.py ``TrainingInput.__init__``): ``DataSource.S3DataSource`` with S3DataType,
        S3Uri (the local path or URI, as given) and S3DataDistributionType (default FullyReplicated),
        then CompressionType, ContentType, RecordWrapperType and InputMode when set."""
        source: dict[str, Any] = {"S3DataType": self.s3_data_type, "S3Uri": os.fspath(self.s3_data),
                                  "S3DataDistributionType": self.distribution or "FullyReplicated"}
        shape: dict[str, Any] = {"DataSource": {"S3DataSource": source}}
        optional = {"CompressionType": self.compression, "ContentType": self.content_type,
                    "RecordWrapperType": self.record_wrapping, "InputMode": self.input_mode}
        shape.update({key: value for key, value in optional.items() if value is not None})
        return shape


@dataclass(frozen=True)
class Channel:
    """What a tuning job's configuration takes for one channel, and its target column."""

    source: Any  # a dataset name, a Path or a Dataset
    target: str | None


def resolve_channels(inputs: Any, *, target: str | None, inputs_dir: Path) -> tuple[Channel, Channel | None]:
    """``(train, validation or None)`` from what ``fit(inputs)`` was given."""
    if inputs is None:
        raise ValidationError(
            "fit(inputs) needs the data: give {'train': ..., 'validation': ...} (or just the "
            "train channel) as CSV paths, TrainingInput, DataFrames or a dataset name such as 'iris'."
        )
    if isinstance(inputs, Mapping):
        unknown = sorted(str(name) for name in inputs if name not in CHANNELS)
        if unknown:
            raise ValidationError(
                f"inputs has unknown channel(s) {', '.join(map(repr, unknown))}; the built-in algorithms "
                "read 'train' and 'validation' (leave 'validation' out to hold out 20% of train)."
            )
        if "train" not in inputs:
            raise ValidationError("inputs needs a 'train' channel, such as {'train': 'train.csv'}.")
        train = _channel(inputs["train"], target, inputs_dir, "inputs['train']")
        validation = (None if inputs.get("validation") is None
                      else _channel(inputs["validation"], target, inputs_dir, "inputs['validation']"))
    else:
        train, validation = _channel(inputs, target, inputs_dir, "inputs"), None
    if validation is not None and train.target != validation.target:
        raise ValidationError(
            f"the train and validation channels name different targets ({train.target!r} and "
            f"{validation.target!r}); give both the same target column."
        )
    return train, validation


def _channel(value: Any, target: str | None, inputs_dir: Path, where: str) -> Channel:
    from tuning.datasets import Dataset

    if isinstance(value, TrainingInput):
        if is_libsvm_content_type(value.content_type):
            return Channel(LibsvmChannel(_local_path(value.s3_data, where)), target)
        value = value.s3_data
    if isinstance(value, pd.DataFrame):
        return _frame_channel(value, target, inputs_dir, where)
    if isinstance(value, Dataset):
        return Channel(value, target)
    if isinstance(value, os.PathLike):
        return Channel(_csv_file(Path(value), where), target)
    if isinstance(value, str):
        text = value.strip()
        scheme = urlparse(text).scheme.lower()
        if scheme == "s3":
            raise ValidationError(
                f"{where}: {text!r} is an S3 URI, and TuneLab runs on this machine without AWS. "
                "Download the data (or write it with DataFrame.to_csv) and give the local path."
            )
        if scheme == "file":
            return Channel(_csv_file(Path(unquote(urlparse(text).path)), where), target)
        if text.lower().endswith(".csv") or os.sep in text or "/" in text or Path(text).is_dir():
            return Channel(_csv_file(Path(text), where), target)
        if not text:
            raise ValidationError(f"{where} is an empty string: give a CSV path or a dataset name such as 'iris'.")
        return Channel(text, target)  # a dataset name, checked when the job is prepared
    raise ValidationError(
        f"{where} must be a CSV path, a TrainingInput, a pandas DataFrame or a dataset name, but got "
        f"{type(value).__name__}."
    )


def _local_path(value: str | os.PathLike[str], where: str) -> Path:
    """A TrainingInput's ``s3_data`` as a local path (a ``file://`` URI too); an S3 URI is refused."""
    text = os.fspath(value).strip()
    scheme = urlparse(text).scheme.lower()
    if scheme == "s3":
        raise ValidationError(
            f"{where}: {text!r} is an S3 URI, and TuneLab runs on this machine without AWS. "
            "Download the data and give the local path.")
    path = Path(unquote(urlparse(text).path)) if scheme == "file" else Path(text)
    try:
        libsvm_files(path)  # refused now, naming the channel, if there is nothing there
    except ValidationError as error:
        raise ValidationError(f"{where}: {error}") from None
    return path


def _csv_file(path: Path, where: str) -> Path:
    """The CSV file, or the folder or path prefix of CSV shards, as one channel (an S3 prefix).

    The rule of what a prefix stands for is :func:`tuning.datasets.shards.csv_shards`'s;
    here it is only asked now, to name the channel in its refusal.
    """
    from tuning.datasets.shards import csv_shards

    try:
        csv_shards(path)
    except ValidationError as error:
        raise ValidationError(f"{where}: {error}") from None
    return path


def _frame_channel(frame: pd.DataFrame, target: str | None, inputs_dir: Path, where: str) -> Channel:
    """Write the DataFrame to a content-addressed CSV (see the module docstring)."""
    if frame.shape[1] < 2 or len(frame) == 0:
        raise ValidationError(
            f"{where}: the DataFrame has {len(frame)} row(s) and {frame.shape[1]} column(s); a channel "
            "needs rows, a target column and at least one feature column."
        )
    names = [str(column) for column in frame.columns]
    if len(set(names)) != len(names):
        raise ValidationError(f"{where}: the DataFrame's column names repeat ({names}); give each column its own name.")
    headerless = all(_numeric_name(name) for name in names)
    frame = frame.set_axis(names, axis=1)
    if target is not None:
        if target not in names:
            raise ValidationError(
                f"{where}: the estimator's target {target!r} is not a column of the DataFrame, whose "
                f"columns are {names[:30]}."
            )
        frame = frame[[target] + [name for name in names if name != target]]
    chosen = None if headerless else frame.columns[0]
    if headerless:  # columns 0, 1, ...: SageMaker's headerless format, label first
        text = frame.to_csv(index=False, header=False)
    else:
        text = frame.to_csv(index=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:20]
    inputs_dir.mkdir(parents=True, exist_ok=True)
    path = inputs_dir / f"dataframe-{digest}.csv"
    if not path.is_file():
        scratch = path.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_text(text)
        scratch.replace(path)
    return Channel(path, chosen)


def _numeric_name(name: str) -> bool:
    try:
        float(name)
    except ValueError:
        return False
    return True
