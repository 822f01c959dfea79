"""The training job definition's StoppingCondition in AWS's JSON, read and written losslessly.

``TrainingJobDefinition.StoppingCondition.MaxRuntimeInSeconds`` is each training job's
limit (:mod:`tuning.job.stopping_condition`); the config keeps it as
``training_job_max_runtime_seconds``. Writing gives back what was read. A job with none
set is written with AWS's own default: AWS requires a StoppingCondition in a tuning job's
training job definition (API_HyperParameterTrainingJobDefinition, "StoppingCondition [...]
Required: Yes") and fills in MaxRuntimeInSeconds itself when it is left out, "The default
value is 1 day" (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StoppingCondition.html),
so ``{"MaxRuntimeInSeconds": 86400}`` is what AWS would run with; read back it is that
default again (``None``), so the round trip holds both ways.

``MaxWaitTimeInSeconds`` (managed spot training) and ``MaxPendingTimeInSeconds`` (capacity
from training plans) have no effect on one machine: they are recorded with the other definition
fields (:mod:`tuning.job.recorded_fields`, as ``{"StoppingCondition": {...the rest}}``) and
written back beside MaxRuntimeInSeconds.
"""

from __future__ import annotations

from typing import Any

from tuning.job.stopping_condition import AWS_DEFAULT_MAX_RUNTIME_SECONDS
from tuning.json_input import json_object, refuse_unknown_fields

__all__ = ["stopping_condition_from_aws", "stopping_condition_rest", "stopping_condition_to_aws"]

_FIELDS = {"MaxRuntimeInSeconds", "MaxWaitTimeInSeconds", "MaxPendingTimeInSeconds"}


def stopping_condition_to_aws(seconds: int | None, rest: Any = None) -> dict[str, Any]:
    """AWS's StoppingCondition for a training job limit (None: AWS's default, 1 day), with its recorded rest."""
    value = AWS_DEFAULT_MAX_RUNTIME_SECONDS if seconds is None else seconds
    others = {key: item for key, item in (rest or {}).items() if key != "MaxRuntimeInSeconds"}
    return {"MaxRuntimeInSeconds": int(value) if float(value).is_integer() else value, **others}


def stopping_condition_rest(value: Any) -> dict[str, Any]:
    """``{"StoppingCondition": {...}}`` with the fields other than MaxRuntimeInSeconds, to record; ``{}`` for none."""
    if not isinstance(value, dict):
        return {}  # refused by stopping_condition_from_aws, in its words
    rest = {key: item for key, item in value.items() if key != "MaxRuntimeInSeconds"}
    return {"StoppingCondition": rest} if rest else {}


def stopping_condition_from_aws(value: Any, where: str) -> Any:
    """The training job limit a StoppingCondition gives; None for AWS's default (or none given).

    The value is passed on as written: the gate (:func:`~tuning.job.stopping_condition.check_training_runtime`)
    refuses what is not a whole number of seconds, at this JSON path.
    """
    if value is None:
        return None
    condition = json_object(value, where)
    refuse_unknown_fields(condition, _FIELDS, f"{where}.")
    seconds = condition.get("MaxRuntimeInSeconds")
    return None if seconds == AWS_DEFAULT_MAX_RUNTIME_SECONDS and not isinstance(seconds, bool) else seconds
