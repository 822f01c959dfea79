"""Stopping a training job at its MaxRuntimeInSeconds, between two rounds, as SageMaker stops it.

SageMaker ends a training job that reaches its StoppingCondition.MaxRuntimeInSeconds
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StoppingCondition.html: "When the
job reaches the time limit, SageMaker ends the job."), and shows it with TrainingJobStatus
``Stopped`` and SecondaryStatus ``MaxRuntimeExceeded``
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html,
SecondaryStatus: "Stopped - MaxRuntimeExceeded - The job stopped because it exceeded the
maximum allowed runtime."). AWS's built-in algorithms keep what they trained: "The training
algorithms provided by SageMaker automatically save the intermediate results of a model
training job when possible" (API_StoppingCondition).

Here the limit is heard where a stop already is: at each round (boosting round, epoch, chunk
of trees) a training job reports to its :class:`~tuning.algorithms.Reporter`. :class:`Deadline`
wraps the job's reporter and answers "stop" at the first report after the limit, so the job
ends there with the model and objective of the rounds it trained, recorded Stopped with
StoppedReason :data:`MAX_RUNTIME_EXCEEDED`. A round is not cut in the middle (a SIGTERM would
be), and an algorithm that reports once, at its end (k-NN), runs to its end and is then
recorded Stopped if it went past the limit: :func:`exceeded` says so.
"""

from __future__ import annotations

import time
from typing import Any

__all__ = ["MAX_RUNTIME_EXCEEDED", "Deadline", "exceeded"]

MAX_RUNTIME_EXCEEDED = "MaxRuntimeExceeded"
"""AWS's SecondaryStatus of a training job stopped at its MaxRuntimeInSeconds (API_DescribeTrainingJob)."""


class Deadline:
    """A reporter that also says "stop" once ``seconds`` have passed since the job started."""

    def __init__(self, reporter: Any, seconds: float | None, *, started: float | None = None) -> None:
        self.reporter = reporter
        self.seconds = seconds
        self.started = time.monotonic() if started is None else started
        self.reached = False

    def report(self, step: int, value: float, train_value: float | None = None) -> bool:
        if self.reporter.report(step, value, train_value=train_value):
            return True
        if self.seconds is not None and time.monotonic() - self.started >= self.seconds:
            self.reached = True
        return self.reached


def exceeded(deadline: Deadline) -> bool:
    """Whether the job ran to its limit: stopped by it, or ended (between reports) after it."""
    return deadline.reached or (deadline.seconds is not None
                                and time.monotonic() - deadline.started >= deadline.seconds)
