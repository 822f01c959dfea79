"""Which kinds of S3 data source a channel may be here: S3Prefix, as a folder or path prefix.

AWS's S3DataSource (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html)
has three S3DataType values. ``S3Prefix`` ("S3Uri identifies a key name prefix. SageMaker uses
all objects that match the specified key name prefix for model training") is what TuneLab
reads, locally: a CSV file, or a folder or path prefix of CSV shards
(:mod:`tuning.datasets.shards`). ``ManifestFile`` (a JSON list of object keys) and
``AugmentedManifestFile`` (JSON lines, Pipe mode only) are refused with how to say the same
data as a prefix: the one rule for the SageMaker JSON and the SDK's ``TrainingInput``.
"""

from __future__ import annotations

from typing import Any

from tuning.errors import ValidationError

__all__ = ["S3_DATA_TYPES", "check_s3_data_type"]

S3_DATA_TYPES = ("S3Prefix", "ManifestFile", "AugmentedManifestFile")
"""AWS's S3DataType values (API_S3DataSource); TuneLab reads the first."""


def check_s3_data_type(value: Any, where: str) -> None:
    """Refuse any S3DataType but S3Prefix, saying how to give the data instead."""
    if value == "S3Prefix":
        return
    if value in S3_DATA_TYPES:
        raise ValidationError(
            f"{where}: {value!r} is not supported: TuneLab reads S3Prefix channels only (a CSV file, or a "
            "folder or path prefix of CSV shards, all read as one channel). Put the files the manifest lists "
            "in one folder and give that folder with S3DataType \"S3Prefix\".")
    raise ValidationError(f"{where}: must be one of {', '.join(S3_DATA_TYPES)} (AWS's S3DataType), but got {value!r}.")
