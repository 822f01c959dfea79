"""Datasets: the rows a tuning job learns from, read by rules a student can predict.

``from tuning.datasets import load_dataset, load_csv, split_channels`` is the public way in.
The rooms: :mod:`~tuning.datasets.dataset` (what a dataset is), :mod:`~tuning.datasets.csv_reading`
(the two CSV shapes and their rules), :mod:`~tuning.datasets.shards` (a folder or path prefix
of CSV shards as one channel, as an S3 prefix), :mod:`~tuning.datasets.bundled` (what ships with
TuneLab), :mod:`~tuning.datasets.uploads` (the user's CSVs), :mod:`~tuning.datasets.catalog`
(a name, found among both), :mod:`~tuning.datasets.split` (channels, left-out columns),
:mod:`~tuning.datasets.features` (columns into model input), :mod:`~tuning.datasets.profile`
and :mod:`~tuning.datasets.fingerprint`.
"""

from tuning.datasets.catalog import list_datasets, load_dataset
from tuning.datasets.csv_reading import load_csv
from tuning.datasets.dataset import (
    DEFAULT_MAX_BYTES,
    MAX_COLUMN_NAME,
    MAX_INFERRED_CLASSES,
    MISSING_VALUES,
    PROBLEM_TYPES,
    Dataset,
    DatasetInfo,
    ProblemType,
)
from tuning.datasets.split import hold_out_test_rows, split_channels, without_columns
from tuning.metrics import BINARY, MULTICLASS, REGRESSION
from tuning.paths import BUNDLED_DATASETS_DIR as DATASETS_DIR

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
    "hold_out_test_rows",
    "split_channels",
    "without_columns",
]
