"""A dataset cut into AMT's two channels (and a test split), and a dataset without some of its columns.

The split is seeded and stratified for classes; leaving a column out (ExcludeColumns)
happens before the feature encoder sees any row, so the column cannot leak.
"""

from __future__ import annotations


import math
from dataclasses import replace


from collections.abc import Sequence
from typing import Any


import numpy as np
import pandas as pd


from tuning.errors import ValidationError
from tuning.datasets.dataset import listing, Dataset


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
    return _split(dataset, _check_fraction(validation_fraction), validation_fraction, random_seed,
                  held="validation", fraction_name="validation_fraction")


MAX_TEST_SPLIT_FRACTION = 0.5
"""TestSplitFraction must stay below this: half the rows or more held out leaves tuning
with fewer rows to learn from than the test that judges it."""


def check_test_split_fraction(value: Any) -> None:
    """``None`` (no test split) or a number above 0 and below 0.5; whether the dataset has
    rows enough for it is checked when it is loaded (:func:`tuning.job.preparation.prepare`)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError(
            f"test_split_fraction (TestSplitFraction) must be a number, the share of rows held out as a test "
            f"split, such as 0.2, but got {value!r}. Give a number above 0 and below {MAX_TEST_SPLIT_FRACTION:g}, "
            "or leave it out for no test split.", field="test_split_fraction")
    if not 0 < value < MAX_TEST_SPLIT_FRACTION:
        raise ValidationError(
            f"test_split_fraction (TestSplitFraction) must be above 0 and below {MAX_TEST_SPLIT_FRACTION:g}, "
            f"but got {value!r}: {'no rows would be held out' if value <= 0 else 'tuning would learn from fewer rows than the test judges it on'}. "
            "Give a share such as 0.2, or leave it out for no test split.", field="test_split_fraction")


def hold_out_test_rows(dataset: Dataset, *, test_fraction: float, random_seed: int = 0) -> tuple[Dataset, Dataset]:
    """Split a dataset into (rest, test): the test split a tuning job holds out (TestSplitFraction).

    Why its own split, taken *before* the train/validation split: the strategy picks the
    training job whose validation objective is best, so that objective is an optimistic
    estimate of the winner (the winner's curse). Rows the strategy never saw, through either
    channel, give an estimate it could not have chosen for; see :mod:`tuning.analysis.holdout`.

    The rule is :func:`split_channels`'s, the same seed gives the same rows (so a stored
    configuration rebuilds them exactly), classification is stratified, and the rows keep
    the dataset's index, so where each test row came from stays known.
    """
    if not isinstance(dataset, Dataset):
        raise ValidationError(f"hold_out_test_rows needs a Dataset, but got {type(dataset).__name__}.")
    check_test_split_fraction(test_fraction)
    if test_fraction is None:
        raise ValidationError("test_split_fraction (TestSplitFraction) is needed to hold out a test split, such as 0.2.")
    return _split(dataset, float(test_fraction), test_fraction, random_seed,
                  held="test", fraction_name="test_split_fraction")


def _split(dataset: Dataset, fraction: float, given: Any, random_seed: Any, *, held: str,
           fraction_name: str) -> tuple[Dataset, Dataset]:
    """(kept, held out): the share ``fraction`` of the rows held out, named ``held`` in notes and errors."""
    validation_fraction = given
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
            f"{fraction_name}={validation_fraction!r} into non-empty training and "
            f"{held} rows. Use more rows, or give a validation dataset."
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
                why += f"; {held} rows of classes absent from training were moved to training"
            how = f"not stratified ({why}), {how}"
        if len(validation) == 0:
            raise ValidationError(
                f"Dataset {dataset.name!r}: no {held} rows are left once every class is "
                "kept in training. Use more rows, or give a validation dataset."
            )
        kept = pd.Series(labels[train]).nunique()
        if kept < 2:
            raise ValidationError(
                f"Dataset {dataset.name!r}: the training channel would hold a single class; "
                "classification needs at least 2. Use more rows, or a smaller "
                f"{fraction_name} than {validation_fraction!r}."
            )
    else:
        train, validation = train_test_split(positions, test_size=n_validation, random_state=seed)
    if held == "test":
        note = (f"test split: {len(validation):,} of {rows:,} rows held out ({len(validation) / rows:.1%}), "
                f"never seen by tuning, {how}")
        return _subset(dataset, np.asarray(train), note), _subset(dataset, np.asarray(validation), note)
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
            f"exclude_columns: dataset {dataset.name!r} has no feature column(s) {listing(unknown)}. Its "
            f"feature columns are {listing(columns, _SHOWN_COLUMNS)}. Spell the name exactly as there "
            f"(case matters), or {fix[0].lower() + fix[1:]}."
        )
    if len(wanted) == len(columns):
        raise ValidationError(
            f"exclude_columns leaves out every feature column of dataset {dataset.name!r} "
            f"({listing(columns, _SHOWN_COLUMNS)}): a model needs at least one column to learn from. "
            "Keep at least one of them."
        )
    dropped = [column for column in dataset.features.columns if str(column) in wanted]
    return replace(
        dataset,
        features=dataset.features.drop(columns=dropped),
        notes=(*dataset.notes, f"left out the column(s) {', '.join(wanted)} (ExcludeColumns)"),
    )
