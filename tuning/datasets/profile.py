"""What a student should see of a dataset before tuning on it: shape, types, gaps, target.

Most surprises of a tuning job are in the data (a rare class, a column of gaps, a code
read as a number), so the Datasets page shows this profile before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tuning.datasets.dataset import Dataset

__all__ = ["DatasetProfile", "profile_dataset"]


@dataclass(frozen=True)
class DatasetProfile:
    """Shape, one row per feature column, and the target's distribution."""

    rows: int
    features: int
    problem_type: str
    target_name: str
    columns: pd.DataFrame
    missing_total: int
    target_distribution: pd.DataFrame


def _example(series: pd.Series) -> str:
    present = series.dropna()
    return "" if present.empty else str(present.iloc[0])


def profile_dataset(dataset: Dataset) -> DatasetProfile:
    """The profile of ``dataset``: per-column kind, gaps and distinct values; the target's spread.

    For classification the target distribution is one row per class (count, share); for
    regression it is the summary statistics (min, median, mean, max, std).
    """
    features = dataset.features
    rows = max(1, len(features))
    columns = pd.DataFrame({
        "column": list(features.columns),
        "kind": ["numeric" if pd.api.types.is_numeric_dtype(features[c]) and not pd.api.types.is_bool_dtype(features[c])
                 else "categorical" for c in features.columns],
        "missing": [int(features[c].isna().sum()) for c in features.columns],
        "distinct": [int(features[c].nunique()) for c in features.columns],
        "example": [_example(features[c]) for c in features.columns],
    })
    columns.insert(3, "missing %", (columns["missing"] / rows * 100).round(1))
    target = dataset.target
    if dataset.is_classification:
        counts = target.value_counts().reindex(dataset.classes)
        distribution = pd.DataFrame({"class": [str(c) for c in counts.index], "count": counts.to_numpy(),
                                     "share": (counts / counts.sum()).round(4).to_numpy()})
    else:
        numbers = pd.to_numeric(target)
        distribution = pd.DataFrame({
            "statistic": ["min", "median", "mean", "max", "std"],
            "value": [numbers.min(), numbers.median(), numbers.mean(), numbers.max(), numbers.std()],
        })
    return DatasetProfile(
        rows=dataset.rows, features=features.shape[1], problem_type=dataset.problem_type,
        target_name=dataset.target_name, columns=columns, missing_total=int(columns["missing"].sum()),
        target_distribution=distribution,
    )
