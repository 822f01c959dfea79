"""Fields of SageMaker's TrainingJobDefinition that TuneLab accepts, records and writes back, unused.

Why: a request read from AWS's JSON (:mod:`tuning.sagemaker.request_json`) may carry a
RetryStrategy, an Environment, CheckpointConfig with EnableManagedSpotTraining, a VpcConfig,
the RoleArn, OutputDataConfig and ResourceConfig (or HyperParameterTuningResourceConfig, with its
InstanceConfigs and AllocationStrategy) of a real account. None of them changes how
a training job trains on this machine, but dropping them made ``python -m tuning export`` lossy:
the file that came back was not the file that went in. They ride on the config as opaque JSON
values (:attr:`tuning.job.config.TuningJobConfig.recorded_definition_fields`, TuneLab JSON
``RecordedDefinitionFields``) and are written back as they were read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tuning.errors import ValidationError

__all__ = ["RECORDED_DEFINITION_FIELDS", "check_recorded_fields"]

RECORDED_DEFINITION_FIELDS = (
    "RoleArn", "OutputDataConfig", "ResourceConfig", "DefinitionName", "VpcConfig", "EnableNetworkIsolation",
    "EnableInterContainerTrafficEncryption", "EnableManagedSpotTraining", "CheckpointConfig", "RetryStrategy",
    "Environment", "StoppingCondition", "HyperParameterTuningResourceConfig",
)
"""The TrainingJobDefinition fields recorded as they are (of StoppingCondition, only what is not
MaxRuntimeInSeconds, which is read for what it means: :mod:`tuning.sagemaker.stopping_json`; the
channels, image and static hyperparameters are read into the config itself)."""


def check_recorded_fields(fields: Any) -> None:
    """A dict of the :data:`RECORDED_DEFINITION_FIELDS` to JSON values; anything else refused, saying which."""
    if not isinstance(fields, Mapping):
        raise ValidationError(f"recorded_definition_fields must be a dict of field name to JSON value, but got "
                              f"{type(fields).__name__}.", field="recorded_definition_fields")
    unknown = sorted(set(fields) - set(RECORDED_DEFINITION_FIELDS))
    if unknown:
        raise ValidationError(
            f"recorded_definition_fields has unknown field(s) {', '.join(map(str, unknown))}; it records "
            f"{', '.join(RECORDED_DEFINITION_FIELDS)}.", field="recorded_definition_fields")
