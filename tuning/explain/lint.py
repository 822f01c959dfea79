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

The rules' names and :class:`~tuning.explain.findings.Finding` live in
:mod:`tuning.explain.findings`; the runtime estimate in :mod:`tuning.explain.runtime_estimate`
(re-exported here). Both read finished work with the engine's own code (``tuning.analysis``
for the importance, ``tuning.running.worker`` for the timed training job).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tuning.algorithms import get_algorithm
from tuning.analysis.importance import completed_with_value, hyperparameter_importance
from tuning.errors import ValidationError
from tuning.explain.findings import (BEST_ON_EDGE, BUDGET, EDGE_SHARE, JOBS_PER_HYPERPARAMETER, LINEAR_OVER_DECADES,
                                     MIN_NO_EFFECT_JOBS, NO_EFFECT, NO_EFFECT_SHARE, RUNTIME_ESTIMATE, Finding,
                                     fix_label, number_text)
from tuning.explain.runtime_estimate import (RuntimeEstimate, estimate_from_history, grid_size, runtime_finding,
                                             time_trial)
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
from tuning.strategies import strategy_class

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
        size = grid_size(config, ranges)
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
        text = (f"The best training job, {best.name}, has {name} = {number_text(best.hyperparameters[name])}, {where} the "
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
            f"{text} Widen {name}'s {word} bound, to {number_text(bound)} ({how}), and tune again.",
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
            f"{f' ({number_text(value)})' if value is not None else ''} and give the budget to the others. (What "
            "mattered in these jobs, not in every range: one seed, a rough estimate.)",
            fix=fix, hyperparameter=name))
    return findings
