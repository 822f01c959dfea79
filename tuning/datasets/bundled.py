"""The datasets that ship with TuneLab: two real CSVs in ``datasets/`` and five of scikit-learn's.

Names are looked up in a fixed catalogue, never used to build a path, so a name such as
``'../secret'`` is only an unknown name. No download is needed.
"""

from __future__ import annotations


from dataclasses import dataclass, replace
from typing import Any


from tuning.errors import TuneLabError, ValidationError
from tuning.metrics import BINARY, MULTICLASS, REGRESSION


from tuning.paths import BUNDLED_DATASETS_DIR
from tuning.datasets.dataset import Dataset, DatasetInfo, native_value


from tuning.datasets.csv_reading import load_csv


@dataclass(frozen=True)
class _Bundled:
    info: DatasetInfo
    csv_file: str | None = None  # a file in BUNDLED_DATASETS_DIR
    sklearn_loader: str | None = None  # sklearn.datasets.load_<this>


_UCI = "UCI Machine Learning Repository (CC BY 4.0), as bundled with scikit-learn"
_CATALOG: dict[str, _Bundled] = {
    bundled.info.name: bundled
    for bundled in (
        _Bundled(DatasetInfo(
            "bank-marketing", 41_188, 15, "output", BINARY,
            "Did a bank client subscribe a term deposit after a phone campaign? 9 text "
            "columns; imbalanced (~11% yes); 'duration' leaks the answer.",
            'UCI Bank Marketing, "bank-additional-full" (Moro, Cortez and Rita, 2014), '
            "CC BY 4.0; see datasets/README.md", leaky_columns=("duration",)),
            csv_file="bank-marketing.csv"),
        _Bundled(DatasetInfo(
            "california-housing", 20_640, 10, "median_house_value", REGRESSION,
            "Median house value of California block groups, 1990 census; 207 missing "
            "total_bedrooms, one text column; the target is capped at 500,001.",
            "1990 California census (Pace and Barry, 1997), as distributed with "
            '"Hands-On Machine Learning"; see datasets/README.md'),
            csv_file="california-housing.csv"),
        _Bundled(DatasetInfo(
            "breast_cancer", 569, 31, "diagnosis", BINARY,
            "Is a breast mass malignant or benign? 30 measurements of cell nuclei.",
            f"Breast Cancer Wisconsin (Diagnostic), {_UCI}"), sklearn_loader="breast_cancer"),
        _Bundled(DatasetInfo(
            "wine", 178, 14, "cultivar", MULTICLASS,
            "Which of 3 cultivars is a wine from? 13 chemical measurements.",
            f"Wine, {_UCI}"), sklearn_loader="wine"),
        _Bundled(DatasetInfo(
            "digits", 1_797, 65, "digit", MULTICLASS,
            "Which digit (0-9) is an 8x8 image of a handwritten digit? 64 pixel intensities.",
            f"Optical Recognition of Handwritten Digits (test set), {_UCI}"),
            sklearn_loader="digits"),
        _Bundled(DatasetInfo(
            "iris", 150, 5, "species", MULTICLASS,
            "Which of 3 iris species is a flower? 4 measurements of sepals and petals.",
            f"Iris (Fisher, 1936), {_UCI}"), sklearn_loader="iris"),
        _Bundled(DatasetInfo(
            "diabetes", 442, 11, "disease_progression", REGRESSION,
            "Disease progression one year after baseline; 10 features, already centred "
            "and scaled.",
            'Efron, Hastie, Johnstone and Tibshirani (2004), "Least Angle Regression", '
            "as bundled with scikit-learn"), sklearn_loader="diabetes"),
    )
}


def bundled_infos() -> list[DatasetInfo]:
    """What each bundled dataset is, without reading any of them."""
    return [bundled.info for bundled in _CATALOG.values()]


def bundled_names() -> set[str]:
    """The bundled names as a user may spell them (``-`` for ``_``): an upload may not take one."""
    return {key.replace("_", "-") for key in _CATALOG}


def _lookup(name: Any) -> _Bundled | None:
    if isinstance(name, str):
        wanted = name.strip().lower().replace("_", "-")
        for key, bundled in _CATALOG.items():
            if key.replace("_", "-") == wanted:
                return bundled
    return None


def is_bundled_dataset(name: Any) -> bool:
    """Whether ``name`` names a bundled dataset (case and ``-``/``_`` do not matter)."""
    return _lookup(name) is not None


def unknown_dataset(name: Any) -> ValidationError:
    """The refusal for a name that is neither bundled nor uploaded, listing what there is."""
    return ValidationError(
        f"unknown dataset {name!r}: the bundled datasets are {', '.join(_CATALOG)}. To use your own "
        "data, give a CSV file to load_csv (or its path as the tuning job's dataset), or upload it "
        "on the dashboard's Datasets page and use its name."
    )


def load_bundled_dataset(name: str) -> Dataset:
    """Load a bundled dataset by name; an unknown name is refused by :func:`unknown_dataset`."""
    bundled = _lookup(name)
    if bundled is None:
        raise unknown_dataset(name)
    info = bundled.info
    if bundled.csv_file is not None:
        path = BUNDLED_DATASETS_DIR / bundled.csv_file
        if not path.is_file():
            raise TuneLabError(
                f"the bundled dataset {info.name!r} is missing its file {path}; reinstall "
                "TuneLab or restore the datasets/ folder."
            )
        dataset = load_csv(path, target=info.target_name, header=True,
                           problem_type=info.problem_type, name=info.name)
    else:
        dataset = _load_sklearn(info, bundled.sklearn_loader or "")
    return replace(dataset, description=info.description, source=info.source)


def _load_sklearn(info: DatasetInfo, loader: str) -> Dataset:
    import sklearn.datasets

    bunch = getattr(sklearn.datasets, f"load_{loader}")(as_frame=True)
    features = bunch.data.copy()
    features.columns = [str(column) for column in features.columns]
    target = bunch.target
    names = getattr(bunch, "target_names", None)
    if info.problem_type != REGRESSION and names is not None:
        labels = {code: native_value(label) for code, label in enumerate(names)}
        target = target.map(labels)
    return Dataset(
        name=info.name, features=features, target=target.rename(info.target_name),
        target_name=info.target_name, problem_type=info.problem_type,
    )
