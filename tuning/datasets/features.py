"""Turning a dataset's raw columns and labels into the numbers a model learns from.

Models want a float matrix and, for classification, class codes ``0 .. k-1``; datasets
hold text categories, missing cells and labels such as ``'yes'``. Two objects bridge the
gap, both fitted or built from the **training channel only**, so nothing about the
validation rows leaks into training:

- :func:`build_preprocessor` returns an unfitted scikit-learn ``ColumnTransformer``:
  numeric columns (booleans as 0 and 1) are optionally imputed (median) and scaled
  (z-score); text columns get
  ``'missing'`` for missing cells and a one-hot encoding that keeps the 50 most frequent
  categories (rarer ones share one column; categories first seen at prediction time get
  all zeros). The output is a dense float32 matrix. Only scikit-learn types and
  ``numpy.float32`` are inside, so it saves with skops and loads without pickle.
- :class:`TargetEncoder` maps labels to codes in :attr:`tuning.datasets.Dataset.classes`
  order (so code 1 is the positive class of a binary problem) and back; regression
  targets pass through as float64.

Whether to impute or scale is the algorithm's call: XGBoost handles NaN itself and needs
no scaling; linear models and neural networks need both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from tuning.errors import ValidationError
from tuning.metrics import BINARY, MULTICLASS, REGRESSION

__all__ = [
    "MAX_CATEGORIES",
    "MISSING_CATEGORY",
    "TargetEncoder",
    "build_preprocessor",
    "categorical_columns",
    "feature_names_out",
    "numeric_columns",
]

MAX_CATEGORIES = 50
"""One-hot columns per text column at most; rarer categories share one column."""
MISSING_CATEGORY = "missing"
"""The category a missing text cell becomes (a cell that reads 'missing' joins it)."""
_PROBLEM_TYPES = (BINARY, MULTICLASS, REGRESSION)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series)


def numeric_columns(features: pd.DataFrame) -> list[str]:
    """The columns encoded as numbers: int, float, and booleans (as 0 and 1)."""
    return [column for column in features.columns if _is_numeric(features[column])]


def categorical_columns(features: pd.DataFrame) -> list[str]:
    """The columns one-hot encoded: text, and anything else not numeric."""
    return [column for column in features.columns if not _is_numeric(features[column])]


def _check_features(features: Any) -> pd.DataFrame:
    if not isinstance(features, pd.DataFrame):
        raise ValidationError(f"features must be a pandas DataFrame, but got {type(features).__name__}.")
    if features.shape[1] == 0:
        raise ValidationError("features has no columns; a model needs at least one feature column.")
    odd = [column for column in features.columns if not isinstance(column, str)]
    if odd:
        raise ValidationError(
            f"feature column names must be strings, but got {odd[:5]!r}. Rename them, for "
            "example with features.columns = [str(c) for c in features.columns]."
        )
    repeated = sorted({column for column in features.columns if list(features.columns).count(column) > 1})
    if repeated:
        raise ValidationError(f"feature column names must be unique, but {repeated!r} repeat. Rename them.")
    for column in categorical_columns(features):
        series = features[column]
        if series.dtype != object:
            continue
        kinds = {type(value).__name__ for value in series.dropna()}
        if kinds - {"str"}:
            raise ValidationError(
                f"feature column {column!r} mixes value types ({', '.join(sorted(kinds))}); "
                "a category column must hold text. Convert it, for example with "
                f"features[{column!r}] = features[{column!r}].astype('string')."
            )
    return features


def build_preprocessor(features: pd.DataFrame, *, scale: bool, impute: bool) -> ColumnTransformer:
    """An unfitted encoder of ``features``' columns into a dense float32 matrix.

    Numeric columns (booleans as 0 and 1): median imputation if ``impute`` (a column empty
    in training becomes 0), z-scoring if ``scale``; with ``impute=False`` NaN passes through
    for models that handle it. Text columns: a missing cell becomes ``'missing'``, then a
    one-hot encoding of at most :data:`MAX_CATEGORIES` columns that ignores categories it
    did not see in fitting. Fit it on the training channel, then transform every channel.
    """
    features = _check_features(features)
    numeric = numeric_columns(features)
    categorical = categorical_columns(features)
    transformers: list[tuple[str, Pipeline, list[str]]] = []
    if numeric:
        # numpy.float32 applied to a table casts it (booleans become 0 and 1); skops trusts
        # it by default. Casting first keeps imputing and scaling in float32 too.
        steps: list[tuple[str, Any]] = [
            ("float32", FunctionTransformer(np.float32, feature_names_out="one-to-one"))
        ]
        if impute:
            steps.append(("impute", SimpleImputer(strategy="median", keep_empty_features=True)))
        if scale:
            steps.append(("scale", StandardScaler()))
        transformers.append(("numeric", Pipeline(steps), numeric))
    if categorical:
        transformers.append((
            "categorical",
            Pipeline([
                ("impute", SimpleImputer(strategy="constant", fill_value=MISSING_CATEGORY,
                                         keep_empty_features=True)),
                ("one_hot", OneHotEncoder(handle_unknown="ignore", max_categories=MAX_CATEGORIES,
                                          sparse_output=False, dtype=np.float32)),
            ]),
            categorical,
        ))
    return ColumnTransformer(
        transformers, remainder="drop", sparse_threshold=0.0, verbose_feature_names_out=False
    )


def feature_names_out(preprocessor: ColumnTransformer) -> list[str]:
    """The names of a fitted preprocessor's output columns, such as ``age`` or ``job_admin.``."""
    try:
        check_is_fitted(preprocessor)
    except NotFittedError:
        raise ValidationError(
            "the preprocessor is not fitted yet, so its output columns are not known. Call "
            "its fit (or fit_transform) on the training features first."
        ) from None
    names: list[str] = []
    for label, transformer, columns in preprocessor.transformers_:
        if label == "remainder" or transformer == "drop" or len(columns) == 0:
            continue
        names.extend(str(name) for name in transformer.get_feature_names_out(list(columns)))
    return names


def _native(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


class TargetEncoder:
    """Labels to class codes ``0 .. k-1`` and back; regression targets as float64.

    The codes follow ``classes`` (a dataset's sorted :attr:`~tuning.datasets.Dataset.classes`),
    so code 1 is the positive class of a binary problem.

    >>> encoder = TargetEncoder("BinaryClassification", ["no", "yes"])
    >>> encoder.encode(pd.Series(["yes", "no"])).tolist(), encoder.decode(np.array([1]))
    ([1, 0], ['yes'])
    """

    def __init__(self, problem_type: str, classes: Sequence[Any] | None) -> None:
        if problem_type not in _PROBLEM_TYPES:
            raise ValidationError(
                f"TargetEncoder: problem_type must be one of {', '.join(_PROBLEM_TYPES)}, but "
                f"got {problem_type!r}."
            )
        self.problem_type = problem_type
        if problem_type == REGRESSION:
            if classes is not None:
                raise ValidationError(
                    f"TargetEncoder: a Regression target has no classes, but got {classes!r}. "
                    "Give classes=None."
                )
            self.classes: list[Any] | None = None
            self._codes: dict[Any, int] = {}
            return
        if isinstance(classes, (str, bytes)) or not isinstance(classes, Sequence):
            raise ValidationError(
                f"TargetEncoder: {problem_type} needs the list of class labels, but got {classes!r}."
            )
        labels = [_native(label) for label in classes]
        if len(labels) < 2 or len(set(labels)) != len(labels):
            raise ValidationError(
                f"TargetEncoder: classes must be at least 2 distinct labels, but got {labels!r}."
            )
        if problem_type == BINARY and len(labels) != 2:
            raise ValidationError(
                f"TargetEncoder: BinaryClassification needs exactly 2 classes, but got {len(labels)}: "
                f"{labels!r}. Use MulticlassClassification."
            )
        self.classes = labels
        self._codes = {label: code for code, label in enumerate(labels)}

    @property
    def n_classes(self) -> int:
        """The number of classes; 0 for regression."""
        return len(self.classes) if self.classes else 0

    def encode(self, target: pd.Series | Sequence[Any] | np.ndarray) -> np.ndarray:
        """Class codes (int64) for classification; float64 numbers for regression."""
        series = target if isinstance(target, pd.Series) else pd.Series(list(np.asarray(target, dtype=object)))
        if self.classes is None:
            if not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
                values = pd.to_numeric(series, errors="coerce")
                bad = series[values.isna() & series.notna()]
                if len(bad):
                    raise ValidationError(
                        f"a Regression target must be numbers, but got {bad.iloc[0]!r}."
                    )
                series = values
            values = series.to_numpy(dtype=np.float64)
            if not np.isfinite(values).all():
                raise ValidationError(
                    "a Regression target must hold finite numbers, but it has "
                    f"{int((~np.isfinite(values)).sum()):,} missing or infinite value(s)."
                )
            return values
        codes = series.map(self._codes)
        unknown = series[codes.isna()]
        if len(unknown):
            shown = [_native(value) for value in pd.unique(unknown)[:5]]
            raise ValidationError(
                f"unknown class label(s) {', '.join(map(repr, shown))} (in {len(unknown):,} row(s)); "
                f"the classes are {self.classes!r}, as learned from the training channel. Make "
                "sure every class appears in training, or drop those rows."
            )
        return codes.to_numpy(dtype=np.int64)

    def decode(self, codes: np.ndarray | Sequence[Any]) -> list[Any] | np.ndarray:
        """Labels (a list of Python values) for class codes; float64 numbers for regression."""
        values = np.asarray(codes)
        if self.classes is None:
            return values.astype(np.float64)
        count = len(self.classes)
        if values.size and (
            not np.issubdtype(values.dtype, np.number)
            or np.any(values != np.round(values))
            or values.min() < 0
            or values.max() >= count
        ):
            shown = values.ravel()[:5].tolist()
            raise ValidationError(
                f"class codes must be whole numbers from 0 to {count - 1} (one per class of "
                f"{self.classes!r}), but got {shown!r}{' and more' if values.size > 5 else ''}."
            )
        return [self.classes[int(code)] for code in values.ravel()]

    def to_dict(self) -> dict[str, Any]:
        """The encoder as JSON-ready data (Python values only)."""
        return {"problem_type": self.problem_type,
                "classes": None if self.classes is None else list(self.classes)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TargetEncoder:
        """Rebuild an encoder from :meth:`to_dict`'s output."""
        if not isinstance(data, Mapping) or "problem_type" not in data or "classes" not in data:
            raise ValidationError(
                "a saved target encoder must be an object with problem_type and classes, but "
                f"got {data!r}."
            )
        return cls(data["problem_type"], data["classes"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TargetEncoder) and other.to_dict() == self.to_dict()

    def __hash__(self) -> int:
        return hash((self.problem_type, tuple(map(str, self.classes or ()))))

    def __repr__(self) -> str:
        return f"TargetEncoder(problem_type={self.problem_type!r}, classes={self.classes!r})"
