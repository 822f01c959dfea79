"""Finding a dataset by name: the bundled ones first, then the user's uploads.

Why a module of its own: the bundled catalogue and the uploads folder know nothing of each
other (an upload only asks which names are taken), and this is the one place that puts
them side by side, so a tuning job, the CLI and the pages all mean the same by a name.
"""

from __future__ import annotations

from tuning.datasets.bundled import bundled_infos, is_bundled_dataset, load_bundled_dataset, unknown_dataset
from tuning.datasets.dataset import Dataset, DatasetInfo
from tuning.datasets.uploads import is_uploaded_dataset, list_uploaded_datasets, load_uploaded_dataset


def list_datasets(*, include_uploaded: bool = False) -> list[DatasetInfo]:
    """The bundled datasets (then the uploaded ones, if asked), without reading any of them."""
    infos = bundled_infos()
    if include_uploaded:
        infos += list_uploaded_datasets()
    return infos


def load_dataset(name: str) -> Dataset:
    """Load a dataset by name: a bundled one (see :func:`list_datasets`), else an upload.

    Names are looked up, never used to build a path, so a name such as ``'../secret'`` is
    only an unknown name. Case and ``-``/``_`` do not matter for the bundled names.
    """
    if is_bundled_dataset(name):
        return load_bundled_dataset(name)
    if is_uploaded_dataset(name):
        return load_uploaded_dataset(name)
    raise unknown_dataset(name)
