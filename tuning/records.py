"""What a tuning job and a training job are, as the store hands them out.

Field names follow SageMaker's DescribeHyperParameterTuningJob and DescribeTrainingJob in
snake_case; ``describe()`` gives the AMT-shaped dictionary itself, so what a student sees
here reads like what the real service returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "RUNNER_GONE",
    "TRAINING_JOB_STATUSES",
    "TUNING_JOB_STATUSES",
    "TrainingJob",
    "TrainingJobStatus",
    "TuningJob",
    "TuningJobStatus",
]


class TrainingJobStatus:
    """AMT's TrainingJobStatus values."""

    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    FAILED = "Failed"
    STOPPED = "Stopped"


class TuningJobStatus:
    """AMT's HyperParameterTuningJobStatus values, plus TuneLab's ``Interrupted``.

    ``Interrupted`` marks a job whose process died (killed, machine restarted) before it
    ended: AMT's service never dies that way, a laptop does. Its finished training jobs
    are intact, and it can be resumed (:mod:`tuning.running.resume`, ``python -m tuning resume``).
    """

    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    FAILED = "Failed"
    STOPPING = "Stopping"
    STOPPED = "Stopped"
    INTERRUPTED = "Interrupted"


TRAINING_JOB_STATUSES = ("Completed", "InProgress", "Failed", "Stopped")
TUNING_JOB_STATUSES = ("InProgress", "Completed", "Failed", "Stopping", "Stopped", "Interrupted")
ACTIVE_TUNING_STATUSES = ("InProgress", "Stopping")
RUNNER_GONE = "RunnerGone"
"""The FailureReason prefix (``"RunnerGone: ..."``, in the manner of AWS's ``"ClientError: ..."``)
of a training job cut short because the process running its tuning job died. Resuming
the tuning job (:mod:`tuning.running.resume`) reruns exactly these, recognised by the prefix."""


def _time(seconds: float | None) -> dt.datetime | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


@dataclass
class TrainingJob:
    """One training job of a tuning job: its hyperparameters and what became of them."""

    tuning_job_name: str
    index: int
    name: str
    status: str
    hyperparameters: dict[str, Any]
    created_at: float
    start_time: float | None = None
    end_time: float | None = None
    final_objective_value: float | None = None
    failure_reason: str | None = None
    stopped_reason: str | None = None
    intermediate_values: list[tuple[int, float]] = field(default_factory=list)
    train_intermediate_values: list[tuple[int, float]] = field(default_factory=list)
    """The objective on the training channel (a fixed sample of at most 5,000 of its rows,
    :data:`tuning.algorithms.TRAINING_CURVE_ROWS`) at the steps of ``intermediate_values``,
    where the algorithm scored it: the twin curve that shows overfitting. Empty for an
    algorithm without a resource (k-NN) and for jobs recorded before TuneLab kept it."""
    cpu_seconds: float | None = None
    """CPU time (user plus system, every thread) the worker process spent on this training
    job: the share of the machine it took, which wall time is not once jobs contend for
    cores. ``None`` while it runs, for jobs recorded before TuneLab kept it, and on a Dask
    worker that runs more than one thread (the process's CPU time is then its threads')."""

    @property
    def elapsed_seconds(self) -> float | None:
        if self.start_time is None or self.end_time is None:
            return None
        return max(0.0, self.end_time - self.start_time)

    @property
    def training_start_time(self) -> dt.datetime | None:
        return _time(self.start_time)

    @property
    def training_end_time(self) -> dt.datetime | None:
        return _time(self.end_time)

    def describe(self, objective_metric_name: str | None = None) -> dict[str, Any]:
        """This training job in the shape of AMT's DescribeTrainingJob (the relevant part).

        ``IntermediateValues`` and ``TrainIntermediateValues`` are TuneLab's own, not AWS
        fields (AWS keeps a job's per-round metrics in CloudWatch, read by the SDK's
        TrainingJobAnalytics): the validation and training channels' objective per step.
        """
        described: dict[str, Any] = {
            "TrainingJobName": self.name,
            "TuningJobName": self.tuning_job_name,
            "TrainingJobStatus": self.status,
            "TunedHyperParameters": {k: str(v) for k, v in self.hyperparameters.items()},
            "CreationTime": _time(self.created_at),
            "TrainingStartTime": self.training_start_time,
            "TrainingEndTime": self.training_end_time,
            "TrainingElapsedTimeSeconds": self.elapsed_seconds,
        }
        if self.failure_reason:
            described["FailureReason"] = self.failure_reason
        if self.stopped_reason:
            described["StoppedReason"] = self.stopped_reason
            if self.stopped_reason == "MaxRuntimeExceeded":  # AWS's SecondaryStatus for it (API_DescribeTrainingJob)
                described["SecondaryStatus"] = self.stopped_reason
        if self.final_objective_value is not None:
            described["FinalHyperParameterTuningJobObjectiveMetric"] = {
                "MetricName": objective_metric_name,
                "Value": self.final_objective_value,
            }
        described["IntermediateValues"] = [
            {"Step": step, "Value": value} for step, value in self.intermediate_values
        ]
        described["TrainIntermediateValues"] = [  # TuneLab's own, as IntermediateValues
            {"Step": step, "Value": value} for step, value in self.train_intermediate_values
        ]
        return described


@dataclass
class TuningJob:
    """One tuning job: its configuration, where it stands, and its best training job."""

    name: str
    status: str
    strategy: str
    algorithm: str
    dataset: str
    objective_metric_name: str
    objective_type: str
    max_jobs: int
    max_parallel_jobs: int
    config: dict[str, Any]
    created_at: float
    ended_at: float | None = None
    failure_reason: str | None = None
    completion_reason: str | None = None
    best_training_job: str | None = None
    best_objective_value: float | None = None
    runner_host: str | None = None
    runner_pid: int | None = None
    heartbeat_at: float | None = None
    stop_requested: bool = False
    workspace: str | None = None
    """Whose job this is in class mode (a student's name, or the teacher's); None outside class mode
    (see :mod:`tuning.classroom`)."""
    queue_status: str | None = None
    """While the job waits for training slots the server shares out (fair share, class mode):
    "queued: N training jobs ahead"; None otherwise. AMT has no such field (see README)."""
    status_counters: dict[str, int] = field(default_factory=dict)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_TUNING_STATUSES

    @property
    def finished_count(self) -> int:
        return sum(self.status_counters.get(s, 0) for s in ("Completed", "Failed", "Stopped"))

    def describe(self, overall_best_training_job: dict[str, Any] | None = None) -> dict[str, Any]:
        """This tuning job in the shape of AMT's DescribeHyperParameterTuningJob (in part).

        ``overall_best_training_job`` (from :func:`tuning.job.warm_start.overall_best_training_job`,
        which needs the store) adds AMT's OverallBestTrainingJob for a warm-started job.
        """
        counters = {status: self.status_counters.get(status, 0) for status in TRAINING_JOB_STATUSES}
        described: dict[str, Any] = {
            "HyperParameterTuningJobName": self.name,
            "HyperParameterTuningJobStatus": self.status,
            "CreationTime": _time(self.created_at),
            "HyperParameterTuningEndTime": _time(self.ended_at),
            "HyperParameterTuningJobConfig": {
                "Strategy": self.strategy,
                "HyperParameterTuningJobObjective": {
                    "Type": self.objective_type,
                    "MetricName": self.objective_metric_name,
                },
                "ResourceLimits": {
                    "MaxNumberOfTrainingJobs": self.max_jobs,
                    "MaxParallelTrainingJobs": self.max_parallel_jobs,
                },
            },
            "TrainingJobStatusCounters": counters,
            "Algorithm": self.algorithm,
            "Dataset": self.dataset,
        }
        if self.best_training_job:
            described["BestTrainingJob"] = {
                "TrainingJobName": self.best_training_job,
                "FinalHyperParameterTuningJobObjectiveMetric": {
                    "MetricName": self.objective_metric_name,
                    "Value": self.best_objective_value,
                },
            }
        if overall_best_training_job:
            described["OverallBestTrainingJob"] = overall_best_training_job
        if self.config.get("WarmStartConfig"):
            described["WarmStartConfig"] = self.config["WarmStartConfig"]
        if self.failure_reason:
            described["FailureReason"] = self.failure_reason
        if self.completion_reason:
            described["TuningJobCompletionReason"] = self.completion_reason
        return described
