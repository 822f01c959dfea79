"""Search-space lint: what is likely wrong with a tuning job's ranges and budget, each with its fix.

A student's first tuning jobs go wrong in a few ways that the numbers show plainly once
someone looks: the best job sits at the edge of a range (the optimum may lie outside
it), a range spanning decades is searched on a Linear scale (nearly every try lands in
the top decade), five hyperparameters get ten training jobs, a hyperparameter turns out
to change nothing. This module looks, and says each finding as a sentence with a fix a
page can apply in one click. Nothing here imports Streamlit: the Create and Results pages
draw the findings (:mod:`views.lint_panel`).

Before launch (:func:`lint_before_launch`, on a :class:`~tuning.job.config.TuningJobConfig`):

- ``linear-over-decades`` (:func:`check_log_scaling`): a numeric range with
  ``min > 0`` and ``max / min >= 100`` (two decades or more) on explicit Linear scaling.
  Auto is never flagged: for exactly these ranges Auto already searches Logarithmic
  (:data:`tuning.parameters.AUTO_LOG_RATIO`, the same threshold). Fix: Logarithmic.
- ``budget`` (:func:`check_budget`): Random, Bayesian, TPE and Hyperband get at least
  :data:`JOBS_PER_HYPERPARAMETER` (10) training jobs per tuned hyperparameter; Grid
  runs every combination, so its grid must fit in MaxNumberOfTrainingJobs. Fix: raise
  MaxNumberOfTrainingJobs (the message also says how many hyperparameters the budget
  supports).
- ``runtime-estimate`` (:func:`runtime_finding`): how long the job will take, from past
  training jobs of the same algorithm on the same dataset in the store
  (:func:`estimate_from_history`) or from one timed training job (:func:`time_trial`);
  always said to be an estimate, and where it came from.

After a job (:func:`lint_after_job`, on a tuning job and its training jobs):

- ``best-on-edge`` (:func:`check_best_on_edge`): the best Completed training job lies
  within :data:`EDGE_SHARE` (2%) of the range's width of a numeric range's end, measured
  on the range's scaling (a Logarithmic range's width in decades). Fix: move that bound
  out by one more range width (in the scaling's space), doubling the range, clipped to
  the values the algorithm accepts (its catalogue entry, as
  :mod:`tuning.job.range_rules` checks them).
- ``linear-over-decades``, as before launch, on the job's own ranges.
- ``no-effect`` (:func:`check_no_effect`): a tuned hyperparameter whose share of the
  importance (:func:`tuning.analysis.importance.hyperparameter_importance`, the
  Importance chart's numbers) is below :data:`NO_EFFECT_SHARE` (2%), judged from at
  least :data:`MIN_NO_EFFECT_JOBS` (10) Completed training jobs. Fix: stop tuning it,
  fixed at the best training job's value.

A fix is plain data (:attr:`Finding.fix`): ``{"hyperparameter": "max_depth", "MaxValue": 20}``,
``{"hyperparameter": "eta", "ScalingType": "Logarithmic"}``,
``{"hyperparameter": "subsample", "StaticValue": 0.8}`` or ``{"max_jobs": 40}``;
:func:`apply_fix` applies one to a configuration, and :func:`rerun_config` to a finished
job's configuration, for the Create page to open prefilled.

Why this module reaches up the engine's layers (``tuning.analysis`` for the importance
and the resource a job trained, ``tuning.running.worker`` for the timed training job,
the last imported only inside :func:`time_trial`): it lives beside the configuration it
fixes, and reads finished work and runs one training job with the engine's own code
rather than a copy that could drift.
"""

from __future__ import annotations

import math
import os
import statistics
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuning.algorithms import get_algorithm
from tuning.analysis.importance import completed_with_value, hyperparameter_importance
from tuning.errors import ValidationError
from tuning.job.config import MAX_TRAINING_JOBS, TuningJobConfig
from tuning.job.range_rules import check_range
from tuning.parameters import (
    AUTO_LOG_RATIO,
    CategoricalParameter,
    IntegerParameter,
    Parameter,
    ScalingType,
    parameter_from_dict,
)
from tuning.strategies import DEFAULT_GRID_POINTS, strategy_class

if TYPE_CHECKING:
    from tuning.algorithms import Algorithm
    from tuning.records import TrainingJob, TuningJob
    from tuning.store.database import Store

__all__ = [
    "BEST_ON_EDGE",
    "BUDGET",
    "EDGE_SHARE",
    "JOBS_PER_HYPERPARAMETER",
    "LINEAR_OVER_DECADES",
    "MIN_NO_EFFECT_JOBS",
    "NO_EFFECT",
    "NO_EFFECT_SHARE",
    "RUNTIME_ESTIMATE",
    "Finding",
    "RuntimeEstimate",
    "apply_fix",
    "check_best_on_edge",
    "check_budget",
    "check_log_scaling",
    "check_no_effect",
    "estimate_from_history",
    "fix_label",
    "lint_after_job",
    "lint_before_launch",
    "rerun_config",
    "runtime_finding",
    "time_trial",
]

# Rule ids
BEST_ON_EDGE = "best-on-edge"
LINEAR_OVER_DECADES = "linear-over-decades"
BUDGET = "budget"
NO_EFFECT = "no-effect"
RUNTIME_ESTIMATE = "runtime-estimate"

EDGE_SHARE = 0.02
"""The best job is "on the edge" within this share of the range's width (on its scaling)."""
JOBS_PER_HYPERPARAMETER = 10
"""A rule of thumb for searches that sample (Random, Bayesian, TPE, Hyperband): at least this
many training jobs per tuned hyperparameter, or the search hardly sees each one's effect."""
NO_EFFECT_SHARE = 0.02
"""Below this share of the importance, a hyperparameter had no measurable effect."""
MIN_NO_EFFECT_JOBS = 10
"""Importance from fewer Completed training jobs is too rough to call anything ineffective."""
HISTORY_JOBS = 200
"""At most this many past training jobs (the newest tuning jobs' first) inform an estimate."""


@dataclass(frozen=True)
class Finding:
    """One thing the lint found: which rule, how serious, a sentence, and a fix a page can apply."""

    rule: str
    """One of the rule ids: best-on-edge, linear-over-decades, budget, no-effect, runtime-estimate."""
    severity: str
    """``"warning"`` (likely to cost results) or ``"info"`` (worth knowing)."""
    message: str
    """For a student: what was found, why it matters, and what to do."""
    fix: Mapping[str, Any] | None = None
    """Machine-readable, for :func:`apply_fix`; ``None`` when there is nothing to click."""
    hyperparameter: str | None = None
    """The hyperparameter the finding is about, if one."""

    @property
    def label(self) -> str:
        """The fix's button text: ``Set max_depth's MaxValue to 20``; empty without a fix."""
        return fix_label(self.fix) if self.fix else ""


def fix_label(fix: Mapping[str, Any]) -> str:
    """A fix in words, short enough for a button."""
    if "max_jobs" in fix:
        return f"Raise MaxNumberOfTrainingJobs to {fix['max_jobs']:,}"
    name = fix.get("hyperparameter")
    if "ScalingType" in fix:
        return f"Search {name} on {fix['ScalingType']} scaling"
    if "StaticValue" in fix:
        return f"Stop tuning {name}: fix it at {_number(fix['StaticValue'])}"
    bounds = [f"{key} to {_number(fix[key])}" for key in ("MinValue", "MaxValue") if key in fix]
    return f"Set {name}'s {' and '.join(bounds)}"


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


# -- fixes ---------------------------------------------------------------------------------
def apply_fix(config: TuningJobConfig, fix: Mapping[str, Any]) -> TuningJobConfig:
    """``config`` with ``fix`` applied; the changed range is checked by the launch's own rules.

    A range fix makes the ranges explicit (the algorithm's defaults when the configuration
    left them out). Refuses (ValidationError) a fix that names a hyperparameter the
    configuration does not tune, or that the algorithm would refuse.
    """
    if "max_jobs" in fix:
        return config.replace(max_jobs=int(fix["max_jobs"]))
    name = fix.get("hyperparameter")
    ranges = config.resolved_ranges()
    if name not in ranges:
        raise ValidationError(f"the fix is for {name!r}, which this tuning job does not tune "
                              f"(it tunes {', '.join(ranges)}).")
    if "StaticValue" in fix:
        del ranges[name]
        if not ranges:
            raise ValidationError(f"{name} is the only tuned hyperparameter: a tuning job needs at least one range.")
        static = {**config.static_hyperparameters, name: fix["StaticValue"]}
        return config.replace(hyperparameter_ranges=ranges, static_hyperparameters=static)
    changes = {key: fix[key] for key in ("MinValue", "MaxValue", "ScalingType") if key in fix}
    parameter = parameter_from_dict(name, {**ranges[name].to_dict(), **changes})
    check_range(get_algorithm(config.algorithm), name, parameter)
    ranges[name] = parameter
    return config.replace(hyperparameter_ranges=ranges)


def rerun_config(tuning_job: TuningJob, fix: Mapping[str, Any]) -> TuningJobConfig:
    """A finished job's configuration with ``fix`` applied, and no name: a new job to create.

    Why no name: the old one is taken in the store, and the Create page gives a fresh one.
    """
    return apply_fix(TuningJobConfig.from_dict(tuning_job.config).replace(name=None), fix)


# -- before launch ------------------------------------------------------------------------
def lint_before_launch(config: TuningJobConfig, *, store: Store | None = None,
                       estimate: RuntimeEstimate | None = None) -> list[Finding]:
    """The findings for a job about to launch: scaling, budget, and a runtime estimate.

    ``estimate`` is one already made (a timed trial, :func:`time_trial`); without it, past
    training jobs in ``store`` give one if there are any (:func:`estimate_from_history`).
    A configuration whose ranges cannot be read yields no range findings: the launch's
    own check says what is wrong with it.
    """
    try:
        ranges = config.resolved_ranges()
    except ValidationError:
        ranges = {}
    findings = check_log_scaling(ranges) + check_budget(config)
    if estimate is None and store is not None:
        estimate = estimate_from_history(config, store)
    if estimate is not None and (config.max_jobs is None or config.max_jobs >= 1):  # 0 jobs: the limit's own error
        findings.append(runtime_finding(estimate, config))
    return findings


def check_log_scaling(ranges: Mapping[str, Parameter]) -> list[Finding]:
    """Numeric ranges of two decades or more (``min > 0``, ``max / min >= 100``) on explicit Linear scaling.

    Auto is not flagged: TuneLab's Auto rule picks Logarithmic for exactly these ranges
    (the same :data:`~tuning.parameters.AUTO_LOG_RATIO`). ReverseLogarithmic is a choice
    made on purpose and left alone.
    """
    findings = []
    for name, parameter in ranges.items():
        if isinstance(parameter, CategoricalParameter) or parameter.scaling_type is not ScalingType.LINEAR:
            continue
        low, high = float(parameter.min_value), float(parameter.max_value)
        if not (low > 0 and high / low >= AUTO_LOG_RATIO):
            continue
        decades = math.log10(high / low)
        top_share = (high - high / 10) / (high - low)
        findings.append(Finding(
            LINEAR_OVER_DECADES, "warning",
            f"{name} spans {low:g} to {high:g}, {decades:.1f} decades, on Linear scaling: {top_share:.0%} of the "
            f"tries land between {high / 10:g} and {high:g}, and the decades below get almost none. Logarithmic "
            f"suits it: it gives each decade the same share of the tries (the rule: min > 0 and max/min >= "
            f"{AUTO_LOG_RATIO:g}, which Auto would search Logarithmic too).",
            fix={"hyperparameter": name, "ScalingType": ScalingType.LOGARITHMIC.value}, hyperparameter=name))
    return findings


def _grid_size(config: TuningJobConfig, ranges: Mapping[str, Parameter]) -> int | None:
    from tuning.strategies import GridStrategy

    try:
        return GridStrategy(hyperparameter_ranges=ranges,
                            grid_points=config.strategy_config.get("GridPoints", DEFAULT_GRID_POINTS)).total_jobs
    except ValidationError:  # too large, or bad GridPoints: the launch's own check says so
        return None


def check_budget(config: TuningJobConfig) -> list[Finding]:
    """More tuned hyperparameters than MaxNumberOfTrainingJobs supports.

    The rule: a search that samples (Random, Bayesian, TPE, Hyperband) needs at least
    :data:`JOBS_PER_HYPERPARAMETER` training jobs per tuned hyperparameter to see each
    one's effect; Grid runs every combination of its grid, so the grid's size must fit
    in MaxNumberOfTrainingJobs (the launch refuses it otherwise: the fix is one click).
    """
    try:
        ranges = config.resolved_ranges()
        strategy = strategy_class(config.strategy)
    except ValidationError:
        return []
    count = len(ranges)
    if not count:
        return []
    if strategy.counts_its_jobs:
        size = _grid_size(config, ranges)
        if size is None or config.max_jobs is None or size <= config.max_jobs:
            return []
        return [Finding(
            BUDGET, "warning",
            f"The grid has {size:,} combinations of its {count} hyperparameter(s), but MaxNumberOfTrainingJobs is "
            f"{config.max_jobs:,}, and a grid runs every combination. Raise MaxNumberOfTrainingJobs to {size:,}, or "
            "shrink the grid: fewer GridPoints or fewer tuned hyperparameters.",
            fix={"max_jobs": size})]
    if config.max_jobs is None:
        return []
    needed = min(JOBS_PER_HYPERPARAMETER * count, MAX_TRAINING_JOBS)
    if config.max_jobs >= needed:
        return []
    supported = config.max_jobs // JOBS_PER_HYPERPARAMETER
    fewer = (f"tune at most {supported} hyperparameter{'s' if supported > 1 else ''}" if supported
             else "tune one hyperparameter")
    return [Finding(
        BUDGET, "warning",
        f"{count} hyperparameters are tuned with {config.max_jobs:,} training jobs. The rule TuneLab uses for "
        f"{strategy.name} search: at least {JOBS_PER_HYPERPARAMETER} training jobs per tuned hyperparameter, so "
        f"{needed:,} here; with fewer, the search cannot tell what each one does. Raise MaxNumberOfTrainingJobs "
        f"to {needed:,}, or {fewer} (untick the others in the ranges table: they keep their Value).",
        fix={"max_jobs": needed})]


# -- runtime estimate ---------------------------------------------------------------------
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
    hyperparameters = algorithm.resolve(prepared.static)
    for name, parameter in prepared.ranges.items():
        hyperparameters[name] = _middle(parameter, algorithm.hyperparameters[name].default)
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
    shown = ", ".join(f"{name}={_number(value)}" for name, value in hyperparameters.items()
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
        jobs = _grid_size(config, config.resolved_ranges()) or 1
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


# -- after a job --------------------------------------------------------------------------
def lint_after_job(tuning_job: TuningJob, training_jobs: Sequence[TrainingJob]) -> list[Finding]:
    """The findings for a finished tuning job: best on an edge, Linear over decades, no effect."""
    config = TuningJobConfig.from_dict(tuning_job.config)
    ranges = config.resolved_ranges()
    return (check_best_on_edge(tuning_job, training_jobs, ranges=ranges) + check_log_scaling(ranges)
            + check_no_effect(tuning_job, training_jobs, ranges=ranges))


def _best(tuning_job: TuningJob, training_jobs: Sequence[TrainingJob]) -> TrainingJob | None:
    """The best Completed training job (a Stopped job's value is interim, as in AMT)."""
    completed = completed_with_value(training_jobs)
    if not completed:
        return None
    sign = 1.0 if tuning_job.objective_type == "Maximize" else -1.0
    return max(completed, key=lambda job: (sign * float(job.final_objective_value), -job.index))


def _to_scale(scaling: ScalingType, value: float) -> float:
    if scaling is ScalingType.LOGARITHMIC:
        return math.log(value)
    if scaling is ScalingType.REVERSE_LOGARITHMIC:
        return -math.log(1.0 - value)
    return value


def _from_scale(scaling: ScalingType, value: float) -> float:
    if scaling is ScalingType.LOGARITHMIC:
        return math.exp(value)
    if scaling is ScalingType.REVERSE_LOGARITHMIC:
        return 1.0 - math.exp(-value)
    return value


def _widened(algorithm: Algorithm, name: str, parameter: Parameter, side: str) -> tuple[float | int, bool] | None:
    """The bound on ``side`` ("MinValue"/"MaxValue") moved out by one range width (doubling
    the range), in the scaling's space, clipped to what the algorithm accepts; whether it was clipped.
    ``None`` when the bound cannot move (it is the algorithm's limit already)."""
    scaling = parameter.effective_scaling
    low, high = float(parameter.min_value), float(parameter.max_value)
    width = _to_scale(scaling, high) - _to_scale(scaling, low)
    if side == "MaxValue":
        target = _from_scale(scaling, _to_scale(scaling, high) + width)
    else:
        target = _from_scale(scaling, _to_scale(scaling, low) - width)
    target = float(f"{target:.6g}")  # 0.7, not 0.7000000000000001
    spec = algorithm.hyperparameters.get(name)
    clipped = False
    limit = None if spec is None else (spec.high if side == "MaxValue" else spec.low)
    if limit is not None and (target > limit if side == "MaxValue" else target < limit):
        target, clipped = float(limit), True
    if scaling is ScalingType.REVERSE_LOGARITHMIC:
        target = min(max(target, 0.0), 0.999999)
    if isinstance(parameter, IntegerParameter):
        target = math.ceil(target) if side == "MaxValue" else math.floor(target)
        if scaling is ScalingType.LOGARITHMIC:
            target = max(target, 1)
    current = high if side == "MaxValue" else low
    if (target <= current if side == "MaxValue" else target >= current):
        return None
    try:
        check_range(algorithm, name, parameter_from_dict(name, {**parameter.to_dict(), side: target}))
    except ValidationError:
        return None
    return target, clipped


def _edge(parameter: Parameter, value: Any) -> str | None:
    """``"MaxValue"`` or ``"MinValue"`` when ``value`` lies within :data:`EDGE_SHARE` of that end
    of the range (on its scaling), else ``None``."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return None
    scaling = parameter.effective_scaling
    low, high = float(parameter.min_value), float(parameter.max_value)
    value = min(max(float(value), low), high)
    position = (_to_scale(scaling, value) - _to_scale(scaling, low)) / (
        _to_scale(scaling, high) - _to_scale(scaling, low))
    if position >= 1 - EDGE_SHARE:
        return "MaxValue"
    if position <= EDGE_SHARE:
        return "MinValue"
    return None


def check_best_on_edge(tuning_job: TuningJob, training_jobs: Sequence[TrainingJob], *,
                       ranges: Mapping[str, Parameter] | None = None) -> list[Finding]:
    """Numeric ranges whose end the best Completed training job lies on, or within 2% of the width of.

    The position is measured on the range's scaling: in a Logarithmic range of 0.001 to
    1, 0.0011 is 1.4% of the way up (in decades) and counts as on the edge. The fix
    moves that bound out by one more range width (doubling the range), clipped to the algorithm's
    valid values; a bound already at the algorithm's limit gets the finding without a fix.
    When several Completed jobs tie for the best, the edge counts only if all of them lie on it.
    """
    best = _best(tuning_job, training_jobs)
    if best is None:
        return []
    # Jobs as good as the best: an edge counts only if all of them are on it (a tie spread
    # over the range, such as a constant objective, says nothing about where to look).
    tied = [job for job in completed_with_value(training_jobs)
            if float(job.final_objective_value) == float(best.final_objective_value)]
    if ranges is None:
        ranges = TuningJobConfig.from_dict(tuning_job.config).resolved_ranges()
    algorithm = get_algorithm(tuning_job.algorithm)
    findings = []
    for name, parameter in ranges.items():
        if isinstance(parameter, CategoricalParameter):
            continue
        sides = {_edge(parameter, job.hyperparameters.get(name)) for job in tied}
        if len(sides) != 1 or None in sides:
            continue
        (side,) = sides
        scaling = parameter.effective_scaling
        low, high = float(parameter.min_value), float(parameter.max_value)
        value = float(best.hyperparameters[name])
        if side == "MaxValue":
            end, word, beyond = high, "upper", "above"
        else:
            end, word, beyond = low, "lower", "below"
        where = "on" if value == end else f"within {EDGE_SHARE:.0%} of the width of"
        text = (f"The best training job, {best.name}, has {name} = {_number(best.hyperparameters[name])}, {where} the "
                f"{word} end of its range {low:g} to {high:g} ({scaling} scaling): a better value may lie {beyond} "
                f"{end:g}, where the search never looked.")
        widened = _widened(algorithm, name, parameter, side)
        if widened is None:
            spec = algorithm.hyperparameters.get(name)
            limit = None if spec is None else (spec.high if side == "MaxValue" else spec.low)
            why = (f"{end:g} is the {word} limit {algorithm.title} accepts for {name}" if limit == end
                   else f"{scaling} scaling cannot reach {beyond} {end:g} for {name}")
            text += f" {why}, so the range cannot widen there."
            findings.append(Finding(BEST_ON_EDGE, "info", text, hyperparameter=name))
            continue
        bound, clipped = widened
        how = (f"{algorithm.title}'s {word} limit for {name}" if clipped
               else f"one more range width {beyond} {end:g}"
                    f"{', in decades' if scaling is ScalingType.LOGARITHMIC else ''}, doubling the range")
        findings.append(Finding(
            BEST_ON_EDGE, "warning",
            f"{text} Widen {name}'s {word} bound, to {_number(bound)} ({how}), and tune again.",
            fix={"hyperparameter": name, side: bound}, hyperparameter=name))
    return findings


def check_no_effect(tuning_job: TuningJob, training_jobs: Sequence[TrainingJob], *,
                    ranges: Mapping[str, Parameter] | None = None) -> list[Finding]:
    """Tuned hyperparameters with under 2% of the importance, from at least 10 Completed training jobs.

    The importance is the Importance chart's (:func:`tuning.analysis.importance.hyperparameter_importance`).
    A constant objective explains nothing, so nothing is flagged then; nor with one tuned
    hyperparameter (it has all of the importance by definition). The fix stops tuning it,
    fixed at the best training job's value, which frees the budget for the others.
    """
    completed = completed_with_value(training_jobs)
    if len(completed) < MIN_NO_EFFECT_JOBS:
        return []
    if len({float(job.final_objective_value) for job in completed}) < 2:
        return []
    if ranges is None:
        ranges = TuningJobConfig.from_dict(tuning_job.config).resolved_ranges()
    try:
        importance = hyperparameter_importance(completed, objective_type=tuning_job.objective_type)
    except ValidationError:
        return []
    tuned = [name for name in importance if name in ranges]
    if len(tuned) < 2:
        return []
    best = _best(tuning_job, training_jobs)
    findings = []
    for name in tuned:
        share = importance[name]
        if share >= NO_EFFECT_SHARE:
            continue
        value = best.hyperparameters.get(name) if best is not None else None
        fix = None if value is None else {"hyperparameter": name, "StaticValue": value}  # shares sum to 1: one stays
        findings.append(Finding(
            NO_EFFECT, "info",
            f"{name} had no measurable effect: {share:.1%} of the importance (a random forest fitted to "
            f"{len(completed)} Completed training jobs; the threshold is {NO_EFFECT_SHARE:.0%}). Within "
            f"{ranges[name].describe()} it hardly changed {tuning_job.objective_metric_name}, so tuning it spends "
            f"training jobs on nothing. Fix it at the best job's value"
            f"{f' ({_number(value)})' if value is not None else ''} and give the budget to the others. (What "
            "mattered in these jobs, not in every range: one seed, a rough estimate.)",
            fix=fix, hyperparameter=name))
    return findings
