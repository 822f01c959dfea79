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

from tuning.records import TRAINING_JOB_STATUSES, TrainingJob, TuningJob

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
    rows = []
    for job in jobs:
        counters = {status: job.status_counters.get(status, 0) for status in TRAINING_JOB_STATUSES}
        rows.append({
            "HyperParameterTuningJobName": job.name,
            "Status": job.status,
            "Strategy": job.strategy,
            "Algorithm": job.algorithm,
            "Dataset": job.dataset,
            "Objective": f"{job.objective_metric_name} ({job.objective_type})",
            "Finished": f"{job.finished_count}/{job.max_jobs}",
            "Progress": job.finished_count / job.max_jobs if job.max_jobs else 0.0,
            **counters,
            "BestObjectiveValue": job.best_objective_value,
            "CreationTime": pd.Timestamp(job.created_at, unit="s", tz="UTC"),
        })
    return pd.DataFrame(rows)
