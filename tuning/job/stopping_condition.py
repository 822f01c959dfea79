"""The training job definition's StoppingCondition.MaxRuntimeInSeconds: how long each training job may run.

AWS's StoppingCondition (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StoppingCondition.html):
"Specifies a limit to how long a job can run. When the job reaches the time limit, SageMaker
ends the job." and, of MaxRuntimeInSeconds, "The maximum length of time, in seconds, that a
training or compilation job can run before it is stopped. [...] The default value is 1 day.
The maximum value is 28 days." (Type: Integer, minimum 1). A tuning job's training job
definition must carry a StoppingCondition (API_HyperParameterTrainingJobDefinition:
"StoppingCondition [...] Required: Yes"), so every AMT training job has a limit: the one
given, or AWS's default of a day.

It is not the tuning job's ``ResourceLimits.MaxRuntimeInSeconds`` (``max_runtime_seconds``),
which stops launching training jobs: this one stops each training job.

:class:`~tuning.job.config.TuningJobConfig` keeps it as ``training_job_max_runtime_seconds``
(``None``: AWS's default, :data:`AWS_DEFAULT_MAX_RUNTIME_SECONDS`); :func:`check_training_runtime`
is the gate's rule; :mod:`tuning.running.training_deadline` enforces it in the worker.
"""

from __future__ import annotations

import math
from typing import Any

from tuning.errors import ValidationError

__all__ = ["AWS_DEFAULT_MAX_RUNTIME_SECONDS", "AWS_MAX_RUNTIME_LIMIT_SECONDS", "check_training_runtime",
           "runtime_limit_seconds"]

AWS_DEFAULT_MAX_RUNTIME_SECONDS = 86_400
"""AWS's default MaxRuntimeInSeconds, "The default value is 1 day" (API_StoppingCondition)."""
AWS_MAX_RUNTIME_LIMIT_SECONDS = 28 * 86_400
"""AWS's largest MaxRuntimeInSeconds, "The maximum value is 28 days" (API_StoppingCondition)."""


def check_training_runtime(seconds: Any) -> None:
    """A whole number of seconds from 1 to 28 days (AWS's Integer range), or None for AWS's default."""
    if seconds is None:
        return
    whole = (not isinstance(seconds, bool) and isinstance(seconds, (int, float))
             and (isinstance(seconds, int) or (math.isfinite(seconds) and seconds.is_integer())))
    if not whole or not 1 <= seconds <= AWS_MAX_RUNTIME_LIMIT_SECONDS:
        raise ValidationError(
            "training_job_max_runtime_seconds (the training job definition's StoppingCondition.MaxRuntimeInSeconds): "
            f"must be a whole number of seconds from 1 to {AWS_MAX_RUNTIME_LIMIT_SECONDS:,} (28 days, AWS's most), "
            f"or None for AWS's default of {AWS_DEFAULT_MAX_RUNTIME_SECONDS:,} (1 day), but got {seconds!r}.",
            field="training_job_max_runtime_seconds",
        )


def runtime_limit_seconds(seconds: int | None) -> int:
    """The limit each training job runs under: the one set, or AWS's default of a day."""
    return AWS_DEFAULT_MAX_RUNTIME_SECONDS if seconds is None else int(seconds)
