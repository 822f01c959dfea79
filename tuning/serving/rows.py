"""The rows a model is asked about: read and typed as its training data was, refused in words.

The Deploy page's uploads and paste box and :func:`tuning.serving.deploy.predict_frame` go
through here: a CSV read by the same dialect rules as training data (a European export's
``;`` and decimal commas too), every row complete, numbers where the model was trained on
numbers, and finite.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import pandas as pd

from tuning.datasets import MISSING_VALUES
from tuning.datasets.csv_dialect import detect_dialect
from tuning.errors import ValidationError
from tuning.serving.artifacts import Predictor

__all__ = ["prepare_rows", "read_rows_csv"]


def prepare_rows(predictor: Predictor, rows: Any) -> pd.DataFrame:
    """The feature columns of ``rows``, typed as the encoder expects; bad input refused.

    A number too large for a float (``1e309``) is refused with its row and column: left as
    infinity, XGBoost answered with a C++ stack trace.
    """
    if not isinstance(rows, pd.DataFrame):
        raise ValidationError(f"rows must be a pandas DataFrame, but got {type(rows).__name__}.")
    expected = list(predictor.feature_columns)
    missing = [column for column in expected if column not in rows.columns]
    if missing:
        raise ValidationError(
            f"the rows lack {len(missing)} feature column(s): {', '.join(missing)}. The model "
            f"expects the columns {', '.join(expected)} (extra columns, such as the target, are "
            "ignored). Add the missing columns, spelled exactly so."
        )
    if len(rows) == 0:
        raise ValidationError("the rows are empty: give at least one row to predict.")
    kinds = predictor.column_kinds
    features = rows[expected].copy()
    for column in expected:
        series = features[column]
        if kinds.get(column) == "numeric":
            if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
                _refuse_infinite(column, series, series)
                continue
            numbers = pd.to_numeric(series, errors="coerce")
            bad = series[numbers.isna() & series.notna() & (series.astype(str).str.strip() != "")]
            if len(bad):
                raise ValidationError(
                    f"feature column {column!r} must hold numbers, but row {bad.index[0]!r} has "
                    f"{bad.iloc[0]!r} ({len(bad):,} such row(s)). Fix those cells, or leave them "
                    "empty for a missing value."
                )
            _refuse_infinite(column, numbers, series)
            features[column] = numbers
        elif kinds.get(column) == "categorical":
            # Training read categories as text; numbers or booleans here are compared as text.
            features[column] = [np.nan if pd.isna(value) else str(value) for value in series.astype(object)]
    return features


def _refuse_infinite(column: str, numbers: pd.Series, written: pd.Series) -> None:
    infinite = np.isinf(pd.to_numeric(numbers, errors="coerce").to_numpy(dtype=float))
    if infinite.any():
        row = numbers.index[int(np.argmax(infinite))]
        raise ValidationError(
            f"feature column {column!r}, row {row!r}: {str(written.loc[row])!r} is beyond the numbers a model takes "
            "(about ±1.8e308). Give a finite number, or leave the cell empty for a missing value."
        )


def read_rows_csv(predictor: Predictor, data: bytes, *, name: str = "the file") -> pd.DataFrame:
    """Read a CSV file of rows to predict (with a header row), as training data was read.

    Category columns are read as text (so ``yes``/``no`` or codes such as ``01`` stay as
    written), and the same spellings count as missing as in training data.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise ValidationError(f"{name}: expected the file's bytes, but got {type(data).__name__}.")
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{name} is not UTF-8 text; save it as CSV (UTF-8) and upload it again.") from None
    if not text.strip():
        raise ValidationError(f"{name} is empty: give a header row naming the columns, then one row per example.")
    text_columns = [c for c, kind in predictor.column_kinds.items() if kind == "categorical"]
    dialect = detect_dialect(text)  # a European export: ';' between values, decimal commas
    records = [record for record in csv.reader(io.StringIO(text), delimiter=dialect.separator) if record]
    for number, record in enumerate(records[1:], start=1):
        if len(record) != len(records[0]):  # pandas would fill a short row with gaps and predict it
            raise ValidationError(
                f"{name}: row {number} has {len(record)} value(s), but the header names {len(records[0])} columns. "
                "Give every row a value for every column (an empty cell marks a missing value)."
            )
    try:
        return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=list(MISSING_VALUES),
                           dtype=dict.fromkeys(text_columns, str), low_memory=False,
                           sep=dialect.separator, decimal=dialect.decimal)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        message = " ".join(str(error).split())
        raise ValidationError(
            f"{name} could not be read as CSV: {message}. Check that it has a header row and that "
            "every row has as many comma-separated values as the header."
        ) from None
