"""One dict per tuning job, in the column names of ``python -m tuning list`` and the dashboard's table.

Apart from :mod:`tuning.analysis.tables` so that the CLI's ``list`` builds its rows without
importing pandas (about 0.4 s of a command meant to answer at once); the pandas table
(:func:`tuning.analysis.tables.tuning_jobs_frame`) is made from the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tuning.records import TRAINING_JOB_STATUSES, TuningJob

__all__ = ["tuning_job_rows"]


def tuning_job_rows(jobs: Sequence[TuningJob]) -> list[dict[str, Any]]:
    """One row per tuning job: status, progress, strategy, best objective, CreationTime (epoch seconds)."""
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
            "CreationTime": job.created_at,
        })
    return rows
