"""Tuning and training jobs as pandas tables, in SageMaker's column names.

The columns of :func:`training_jobs_frame` are those of the SageMaker SDK's
``HyperparameterTuningJobAnalytics.dataframe()``: one row per training job, one column
per tuned hyperparameter, then TrainingJobName, TrainingJobStatus, FinalObjectiveValue,
TrainingStartTime, TrainingEndTime, TrainingElapsedTimeSeconds. The CLI prints them and
the dashboard draws them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tuning.analysis.tuning_job_rows import tuning_job_rows
from tuning.records import TrainingJob, TuningJob

__all__ = ["training_jobs_frame", "tuning_jobs_frame"]


def training_jobs_frame(jobs: Sequence[TrainingJob]) -> pd.DataFrame:
    """One row per training job, SageMaker analytics columns (plus reasons)."""
    rows = []
    for job in jobs:
        row = dict(job.hyperparameters)
        row.update(
            TrainingJobName=job.name,
            TrainingJobStatus=job.status,
            FinalObjectiveValue=job.final_objective_value,
            TrainingStartTime=job.training_start_time,
            TrainingEndTime=job.training_end_time,
            TrainingElapsedTimeSeconds=job.elapsed_seconds,
            FailureReason=job.failure_reason,
            StoppedReason=job.stopped_reason,
        )
        rows.append(row)
    return pd.DataFrame(rows)


def tuning_jobs_frame(jobs: Sequence[TuningJob]) -> pd.DataFrame:
    """One row per tuning job: status, progress, strategy, best objective, creation time."""
    frame = pd.DataFrame(tuning_job_rows(jobs))
    if not frame.empty:
        frame["CreationTime"] = pd.to_datetime(frame["CreationTime"], unit="s", utc=True)
    return frame
