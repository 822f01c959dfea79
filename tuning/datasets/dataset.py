"""What a dataset is in TuneLab: raw features, a target, a problem type, and notes.

:class:`Dataset` is what every reader returns (the bundled catalogue, a CSV, an upload) and
what a tuning job splits into channels; :class:`DatasetInfo` tells about a dataset without
reading it. The shared constants of the reading rules live here too, so the readers and
the catalogue agree on them.
"""

from __future__ import annotations


from dataclasses import dataclass
from functools import cached_property


from typing import Any, Literal

import numpy as np


import pandas as pd

from tuning.errors import ValidationError


from tuning.metrics import BINARY, MULTICLASS, REGRESSION

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
HEADERLESS_TARGET = "label"
CLASSIFICATION = (BINARY, MULTICLASS)
SHOWN = 8  # how many columns, classes or values a message lists before "and N more"


def native_value(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (JSON and ``==`` friendly)."""
    return value.item() if isinstance(value, np.generic) else value


def sorted_labels(values: Any) -> list[Any]:
    labels = [native_value(value) for value in values]
    try:
        return sorted(labels)
    except TypeError:  # mixed types, e.g. 1 and 'a' in a hand-made Dataset
        return sorted(labels, key=lambda label: (type(label).__name__, str(label)))


def listing(items: Any, limit: int = SHOWN) -> str:
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
        return tuple(sorted_labels(self.target.unique()))

    @property
    def classes(self) -> list[Any] | None:
        """Sorted class labels for classification (``classes[1]`` is the positive class
        of a binary problem, e.g. ``'yes'``); None for regression."""
        labels = self._labels
        return None if labels is None else list(labels)

    @property
    def is_classification(self) -> bool:
        return self.problem_type in CLASSIFICATION

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
