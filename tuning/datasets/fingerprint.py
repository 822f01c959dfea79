"""A fingerprint of a tuning job's data: its shape and a hash of every value.

A tuning job records it when it starts. Resuming an interrupted job reads the data again
from its configuration (the dataset's name or CSV path); if someone replaced the CSV or
re-uploaded the dataset meanwhile, the finished training jobs were scored on other data
than the new ones would be, and their objective values could not be compared. The
fingerprint tells the two apart, so such a resume is refused instead of mixing results.

Why pandas' ``hash_pandas_object``: it hashes each row's values (numbers, strings, NaN)
vectorised, 41,000 rows in a few milliseconds, with no copy of the data as text; SHA-256
then folds the row hashes, in order, into one short hex string.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from tuning.datasets.dataset import Dataset

__all__ = ["data_fingerprint", "describe_difference", "held_out_rows_record"]


def data_fingerprint(train: Dataset, validation: Dataset, test: Dataset | None = None) -> dict[str, Any]:
    """Rows, columns, target and a SHA-256 of both channels' values, as JSON-ready data.

    With a test split (TestSplitFraction), its rows count too (``TestRows``, and in the
    hash, in order): the test rows rebuilt later from the stored configuration and seed are
    then known to be exactly those held out when the job ran. Without one, the fingerprint
    is what it always was, so jobs recorded before test splits still compare equal.
    """
    digest = hashlib.sha256()
    for channel in (train, validation) if test is None else (train, validation, test):
        digest.update(pd.util.hash_pandas_object(channel.features, index=False).to_numpy().tobytes())
        digest.update(pd.util.hash_pandas_object(channel.target, index=False).to_numpy().tobytes())
    fingerprint: dict[str, Any] = {
        "TrainingRows": len(train.features),
        "ValidationRows": len(validation.features),
        "Columns": [str(column) for column in train.features.columns],
        "Target": str(train.target_name),
        "Sha256": digest.hexdigest(),
    }
    if test is not None:
        fingerprint["TestRows"] = len(test.features)
    return fingerprint


def held_out_rows_record(test: Dataset, fraction: float, random_seed: int) -> dict[str, Any]:
    """Which rows a tuning job held out as its test split, as JSON-ready data for its RunRecord.

    The rows themselves are not stored (a 41,000-row dataset would carry 8,000 row numbers in
    every listing of its job): the configuration's TestSplitFraction and RandomSeed rebuild
    them, and ``RowsSha256``, a hash of their row labels in the dataset, in order, proves the
    rebuilt rows are the same ones. :mod:`tuning.analysis.holdout` checks it.
    """
    labels = pd.Index(test.features.index)
    return {
        "TestSplitFraction": fraction,
        "RandomSeed": random_seed,
        "Rows": len(labels),
        "RowsSha256": hashlib.sha256(pd.util.hash_pandas_object(labels, index=False).to_numpy().tobytes()).hexdigest(),
    }


def describe_difference(recorded: dict[str, Any], current: dict[str, Any]) -> str | None:
    """What differs between two fingerprints, in words; ``None`` when they match."""
    if recorded == current:
        return None
    changes = []
    for key, label in (("TrainingRows", "training rows"), ("ValidationRows", "validation rows"),
                       ("TestRows", "test rows")):
        if recorded.get(key) != current.get(key):
            changes.append(f"{recorded.get(key)} {label} then, {current.get(key)} now")
    if recorded.get("Columns") != current.get("Columns"):
        added = [c for c in current.get("Columns", []) if c not in recorded.get("Columns", [])]
        removed = [c for c in recorded.get("Columns", []) if c not in current.get("Columns", [])]
        changes.append(f"columns added {added or 'none'}, removed {removed or 'none'}")
    if recorded.get("Target") != current.get("Target"):
        changes.append(f"target {recorded.get('Target')!r} then, {current.get('Target')!r} now")
    if not changes:
        changes.append("the same rows and columns, but different values")
    return "; ".join(changes)
