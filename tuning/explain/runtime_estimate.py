"""How long a tuning job will take, before it runs: from past training jobs, or one timed training job.

Always said as an estimate, with where it came from: the median seconds of past Completed
training jobs of the same algorithm on the same dataset in the store (scaled by the
training resource), or one real training job of the algorithm on this data, each range at
its middle (:func:`time_trial`, run only when asked: it takes seconds). The search-space
lint (:mod:`tuning.explain.lint`) shows it before launch.

Why :func:`time_trial` imports ``tuning.running.worker``: it times the engine's own training
function, not a copy that could drift from what a tuning job runs.
"""

from __future__ import annotations

import math
import os
import statistics
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuning.algorithms import get_algorithm
from tuning.errors import ValidationError
from tuning.job.config import TuningJobConfig
from tuning.explain.findings import RUNTIME_ESTIMATE, Finding, number_text
from tuning.parameters import CategoricalParameter, Parameter
from tuning.strategies import DEFAULT_GRID_POINTS, strategy_class

if TYPE_CHECKING:
    from tuning.algorithms import Algorithm
    from tuning.store.database import Store

__all__ = ["HISTORY_JOBS", "RuntimeEstimate", "grid_size", "estimate_from_history", "runtime_finding", "time_trial"]

HISTORY_JOBS = 200
"""At most this many past training jobs (the newest tuning jobs' first) inform an estimate."""


def grid_size(config: TuningJobConfig, ranges: Mapping[str, Parameter]) -> int | None:
    from tuning.strategies import GridStrategy

    try:
        return GridStrategy(hyperparameter_ranges=ranges,
                            grid_points=config.strategy_config.get("GridPoints", DEFAULT_GRID_POINTS)).total_jobs
    except ValidationError:  # too large, or bad GridPoints: the launch's own check says so
        return None


@dataclass(frozen=True)
class RuntimeEstimate:
    """How long one training job takes, where that figure came from, and so the whole job."""

    seconds_per_job: float
    source: str
    """Where the per-job time came from, in words: "one timed training job of XGBoost on iris ..."."""
    kind: str
    """``"history"`` (past training jobs in the store) or ``"trial"`` (a timed training job)."""
    jobs_seen: int = 1
    """How many training jobs the per-job time is the median of."""
    details: dict[str, Any] = field(default_factory=dict)


def _dataset_name(config: TuningJobConfig) -> str:
    dataset = config.dataset
    if isinstance(dataset, (str, Path)) and (isinstance(dataset, Path) or str(dataset).lower().endswith(".csv")):
        return Path(dataset).stem  # as load_channel names a CSV's dataset
    return str(getattr(dataset, "name", dataset))


def _middle(parameter: Parameter, default: Any) -> Any:
    """A range's middle on its own scaling; a categorical range's default if listed, else its first value."""
    if isinstance(parameter, CategoricalParameter):
        return default if default in parameter.values else parameter.values[0]
    return parameter.from_unit(0.5)


def _job_resource(config: TuningJobConfig, algorithm: Algorithm) -> int | None:
    """The resource (num_round...) a training job of ``config`` trains: a tuned one's middle,
    Hyperband's MaxResource (an upper figure), or the static value."""
    resource = algorithm.resource
    if resource is None:
        return None
    ranges = config.resolved_ranges()
    if resource in ranges:
        return int(_middle(ranges[resource], algorithm.hyperparameters[resource].default))
    if strategy_class(config.strategy).grows_resource and "MaxResource" in config.strategy_config:
        return int(config.strategy_config["MaxResource"])
    return int(algorithm.resolve(config.static_hyperparameters)[resource])


def estimate_from_history(config: TuningJobConfig, store: Store) -> RuntimeEstimate | None:
    """The median time of past Completed training jobs of the same algorithm on the same dataset.

    Scaled by the training resource when the algorithm has one: a past job of 50 rounds
    that took 1 s counts as 0.02 s a round, and this job's rounds (its static
    ``num_round``, or a tuned range's middle) are multiplied by it. ``None`` when the
    store holds no such job.
    """
    from tuning.analysis.resource_use import training_resource

    try:
        algorithm = get_algorithm(config.algorithm)
        resource = _job_resource(config, algorithm)
    except (ValidationError, TypeError, ValueError):
        return None
    dataset = _dataset_name(config)
    past = [job for job in store.list_tuning_jobs()
            if job.algorithm == algorithm.name and job.dataset == dataset and not job.is_active]
    past.sort(key=lambda job: job.created_at, reverse=True)
    rates: list[float] = []
    used: list[str] = []
    for tuning_job in past:
        for training_job in store.training_jobs(tuning_job.name, status="Completed", with_curves=False):
            seconds = training_job.elapsed_seconds
            if seconds is None:
                continue
            if resource is None:
                rates.append(seconds)
            else:
                units = training_resource(tuning_job, training_job)
                if not units:
                    continue
                rates.append(seconds / units)
            if tuning_job.name not in used:
                used.append(tuning_job.name)
            if len(rates) >= HISTORY_JOBS:
                break
        if len(rates) >= HISTORY_JOBS:
            break
    if not rates:
        return None
    per_job = statistics.median(rates) * (resource or 1)
    jobs = f"{len(used)} earlier tuning job{'s' if len(used) > 1 else ''}"
    scaled = f", scaled to {resource} {algorithm.resource_unit}" if resource is not None else ""
    return RuntimeEstimate(
        per_job, f"the median of {len(rates)} Completed training jobs of {algorithm.title} on {dataset} in this "
                 f"store ({jobs}: {', '.join(used[:3])}{'…' if len(used) > 3 else ''}){scaled}",
        "history", jobs_seen=len(rates))


def time_trial(config: TuningJobConfig) -> RuntimeEstimate:
    """Train one real model of ``config`` on its data, timed: middle hyperparameters, this process.

    The hyperparameters are the algorithm's defaults and static values, with every tuned
    range at its middle (on its scaling) and Hyperband's resource at MaxResource. The data
    is loaded, split and encoded as the tuning job will (:func:`~tuning.job.preparation.prepare`);
    the training job runs as a worker runs it (:func:`~tuning.running.worker.run_training_job`).
    Refuses (ValidationError) a configuration the launch would refuse, and says so when
    the timed training job fails.
    """
    from tuning.job.preparation import encode_channels, prepare
    from tuning.running.worker import run_training_job, worker_state

    grows = strategy_class(config.strategy).grows_resource
    one_job = config.replace(  # only the data, the algorithm and the ranges matter for one training job
        name=None, warm_start_config=None, completion_criteria=None, strategy="Random", strategy_config={},
        max_jobs=1, early_stopping_type="Off", early_stopping_grace_period=None)
    prepared = prepare(one_job)
    algorithm = prepared.algorithm
    middles = {name: _middle(parameter, algorithm.hyperparameters[name].default)
               for name, parameter in prepared.ranges.items()}
    hyperparameters = algorithm.resolve({**prepared.static, **middles})  # an older name under today's
    if grows and algorithm.resource is not None:
        hyperparameters[algorithm.resource] = _job_resource(config, algorithm)
    started = time.perf_counter()
    data, _, _ = encode_channels(prepared)
    with warnings.catch_warnings():  # worker_state silences warnings: in this process, only for the trial
        state = worker_state(data, algorithm.name, prepared.metric.name, board=None)
        outcome = run_training_job(0, hyperparameters, config.random_seed or 0, False, state=state)
    if outcome.status != "Completed":
        raise ValidationError(f"the timed training job did not complete ({outcome.status}): "
                              f"{outcome.failure_reason or 'no reason given'}")
    seconds = outcome.end_time - outcome.start_time
    shown = ", ".join(f"{name}={number_text(value)}" for name, value in hyperparameters.items()
                      if name in prepared.ranges or name == algorithm.resource)
    return RuntimeEstimate(
        seconds, f"one timed training job of {algorithm.title} on {prepared.train.name} with the middle of each "
                 f"range ({shown}), one seed, on this machine", "trial",
        details={"encode_and_train_seconds": time.perf_counter() - started})


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds / 3600:.1f} hours"


def runtime_finding(estimate: RuntimeEstimate, config: TuningJobConfig, *, cores: int | None = None) -> Finding:
    """The estimate as a sentence: "about 4 minutes with 3 parallel jobs", its source, and that it is an estimate.

    Training jobs run in waves of MaxParallelTrainingJobs (no more than ``cores`` at once
    on this machine: a third job on two cores waits). Early stopping and Hyperband stop
    jobs early, so for them the figure is an upper one; MaxRuntimeInSeconds may end the
    job sooner, and the finding says so.
    """
    cores = cores or os.cpu_count() or 1
    jobs = config.max_jobs
    if jobs is None:
        jobs = grid_size(config, config.resolved_ranges()) or 1
    parallel = max(1, min(config.max_parallel_jobs, cores))
    total = math.ceil(jobs / parallel) * estimate.seconds_per_job
    at_once = f"{parallel} parallel job{'s' if parallel > 1 else ''}"
    if parallel < config.max_parallel_jobs:
        at_once += f" (this machine has {cores} cores, so no more run at once)"
    caveats = []
    if strategy_class(config.strategy).grows_resource:
        caveats.append("an upper figure: Hyperband trains most jobs on a fraction of the resource")
    elif config.early_stopping_type == "Auto":
        caveats.append("an upper figure: early stopping cuts weak jobs short")
    if config.max_runtime_seconds and total > config.max_runtime_seconds:
        caveats.append(f"longer than MaxRuntimeInSeconds ({config.max_runtime_seconds:g} s), so the job will end "
                       "at its time limit with fewer training jobs")
    words = "; ".join(["It is an estimate of training time only (starting the workers adds a few seconds)"]
                      + caveats)
    return Finding(
        RUNTIME_ESTIMATE, "info",
        f"About {_duration(total)} with {at_once}: {jobs:,} training jobs at about "
        f"{_duration(estimate.seconds_per_job) if estimate.seconds_per_job >= 1 else f'{estimate.seconds_per_job:.2g} s'} "
        f"each, from {estimate.source}. {words}.")
