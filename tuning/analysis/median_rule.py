"""AMT's median rule, looked into: the yardstick each job was measured against, and why each stopped.

With ``TrainingJobEarlyStoppingType="Auto"`` a training job is stopped at a round when its
objective there is worse than the median of the *running averages* (the mean of the values
up to that round) of the training jobs that started before it. This module shows, after
the fact and from the stored learning curves, the median of running averages round by round
and, for each job the rule stopped, the two numbers that decided: its value at the round it
was stopped, and the median of the earlier jobs' running averages at that round.

The numbers come from the rule's own code, :func:`tuning.job.early_stopping.median_rule_decision`,
which the board's pruner calls while jobs run, with the rule's own grace period and number
of earlier jobs (:func:`tuning.job.early_stopping.create_pruner`, fed the job's settings as
:func:`tuning.job.preparation.grace_period_for` resolves them). One thing the store does not
hold is how far an earlier job that was still running had trained when the decision was
taken: its stored curve is its whole curve. Such a decision is marked ``exact=False``.
"""

from __future__ import annotations

import statistics
from itertools import combinations
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tuning.algorithms import get_algorithm
from tuning.errors import ValidationError
from tuning.job.config import RUN_RECORD, TuningJobConfig
from tuning.job.early_stopping import AmtMedianStoppingRule, create_pruner, median_rule_decision, running_average
from tuning.job.preparation import grace_period_for
from tuning.job.range_rules import check_ranges
from tuning.records import TrainingJobStatus
from tuning.strategies import strategy_class

if TYPE_CHECKING:
    from tuning.records import TrainingJob, TuningJob
    from tuning.store.database import Store

__all__ = ["MedianRulePoint", "MedianRuleStop", "MedianRuleView", "median_rule_view"]


@dataclass(frozen=True)
class MedianRulePoint:
    """The median of running averages at one round, over every job (not failed) that reached it."""

    step: int
    median: float
    jobs: int


@dataclass(frozen=True)
class MedianRuleStop:
    """A job the median rule stopped, and the two numbers that decided it."""

    index: int
    name: str
    step: int
    """The round it was stopped at (its curve's last step)."""
    value: float
    """Its objective at that round: what the rule compares."""
    median: float | None
    """The median of the earlier jobs' running averages at that round (``None``: the rule, replayed on
    the stored curves, would not have judged: see ``reason``)."""
    compared: int
    """How many earlier jobs' running averages the median was taken over."""
    running_average: float
    """Its own running average at that round, for comparison (the rule does not use it)."""
    stop: bool
    """The rule's verdict on the stored curves: True when ``value`` is worse than ``median``."""
    reason: str
    exact: bool
    """False when an earlier job was still training while this one trained: the rule then saw that
    job's curve only as far as it had got, which the store does not record (see ``left_out``)."""
    uncertain: tuple[str, ...] = ()
    """The earlier jobs that trained at the same time as this one, so may not have reached ``step``
    when it was judged."""
    left_out: tuple[str, ...] = ()
    """Those of ``uncertain`` left out of ``median``: the fewest whose absence reproduces the
    rule's decision (they had not reached ``step`` yet, then)."""


@dataclass
class MedianRuleView:
    """The median rule of one tuning job with early stopping Auto."""

    tuning_job_name: str
    objective_name: str
    objective_type: str
    resource_word: str
    grace_period: int
    min_earlier_jobs: int
    curves: dict[int, list[tuple[int, float]]]
    """Every training job's curve (not failed), by index."""
    names: dict[int, str]
    statuses: dict[int, str]
    median_line: list[MedianRulePoint]
    stops: list[MedianRuleStop]
    notes: list[str] = field(default_factory=list)


def _rule_settings(tuning_job: TuningJob) -> tuple[TuningJobConfig, AmtMedianStoppingRule]:
    config = TuningJobConfig.from_dict(tuning_job.config)
    algorithm = get_algorithm(tuning_job.algorithm)
    static = dict(config.static_hyperparameters)
    resolved = algorithm.resolve(static)
    ranges = check_ranges(algorithm, config.hyperparameter_ranges or algorithm.default_ranges(), static)
    grace, _ = grace_period_for(config, algorithm, resolved, ranges)
    rule = create_pruner("Auto", min_resource=grace)
    assert isinstance(rule, AmtMedianStoppingRule)
    return config, rule


def _judged(job: TrainingJob) -> bool:
    """What the board's pruner hears of: every job but a failed one (its trial ends FAIL)."""
    return job.status != TrainingJobStatus.FAILED and bool(job.intermediate_values)


_MAX_UNCERTAIN = 6
"""Above this many overlapping earlier jobs (2**6 subsets), no subset is searched."""


def _replay_stop(job: TrainingJob, earlier: list[TrainingJob], curves: dict[int, dict[int, float]],
                 rule: AmtMedianStoppingRule, maximize: bool) -> MedianRuleStop:
    """The rule's decision on ``job`` at the round it was stopped, replayed on the stored curves.

    An earlier job that trained while ``job`` trained may not yet have reached the round
    when ``job`` was judged; the rule then left it out. Which of them had is not stored, so
    the median given is over the earlier jobs minus the fewest of those that reproduce the
    decision the rule took (it stopped the job), and the stop says which were left out.
    """
    step, value = sorted(curves[job.index].items())[-1]
    reached = [other for other in earlier if running_average(curves[other.index], step) is not None]
    uncertain = [other for other in reached if other.end_time is None or job.start_time is None
                 or other.end_time > job.start_time]

    def decide(left_out: tuple[TrainingJob, ...]):  # noqa: ANN202 - a MedianRuleDecision
        return median_rule_decision(
            value, step, [curves[other.index] for other in earlier if other not in left_out], maximize=maximize,
            min_earlier_jobs=rule.min_earlier_jobs, grace_period=rule.grace_period)

    left_out: tuple[TrainingJob, ...] = ()
    decision = decide(left_out)
    if not decision.stop and len(uncertain) <= _MAX_UNCERTAIN:
        for size in range(1, len(uncertain) + 1):
            found = next((combo for combo in combinations(uncertain, size) if decide(combo).stop), None)
            if found is not None:
                left_out, decision = found, decide(found)
                break
    return MedianRuleStop(
        index=job.index, name=job.name, step=step, value=value, median=decision.median, compared=decision.compared,
        running_average=own if (own := running_average(curves[job.index], step)) is not None else value, stop=decision.stop,
        reason=decision.reason, exact=not uncertain, uncertain=tuple(other.name for other in uncertain),
        left_out=tuple(other.name for other in left_out),
    )


def median_rule_view(store: Store, tuning_job_name: str) -> MedianRuleView:
    """The median of running averages per round, and the numbers behind each job the rule stopped.

    Refuses, in words, a tuning job that did not run with early stopping Auto.
    """
    tuning_job = store.get_tuning_job(tuning_job_name)  # an unknown name: a ValidationError naming known jobs
    if strategy_class(tuning_job.strategy).grows_resource:
        raise ValidationError(
            f"tuning job {tuning_job_name!r} ran with the {tuning_job.strategy} strategy, which stops jobs with its "
            "own brackets, not with the median rule (early stopping is Off with it, as in AMT). Look at its "
            "Hyperband brackets instead."
        )
    if tuning_job.config.get("EarlyStoppingType", "Off") != "Auto":
        raise ValidationError(
            f"tuning job {tuning_job_name!r} ran with early stopping Off: no job was judged by the median rule. "
            "Pick a tuning job whose early stopping is Auto."
        )
    _, rule = _rule_settings(tuning_job)
    maximize = tuning_job.objective_type == "Maximize"
    jobs = sorted(store.training_jobs(tuning_job_name), key=lambda job: job.index)
    judged = [job for job in jobs if _judged(job)]
    curves = {job.index: [(int(s), float(v)) for s, v in job.intermediate_values] for job in judged}
    as_maps = {index: dict(curve) for index, curve in curves.items()}
    steps = sorted({step for curve in curves.values() for step, _ in curve})
    median_line = []
    for step in steps:
        averages = [a for a in (running_average(curve, step) for curve in as_maps.values()) if a is not None]
        if averages:
            median_line.append(MedianRulePoint(step, statistics.median(averages), len(averages)))
    stops = [_replay_stop(job, [other for other in judged if other.index < job.index], as_maps, rule, maximize)
             for job in judged  # a run not resumed: the board's trial numbers are the jobs' indexes
             if job.status == TrainingJobStatus.STOPPED and job.stopped_reason == "EarlyStopped"]
    word = get_algorithm(tuning_job.algorithm).resource_step or "step"
    notes = [
        f"The rule stops a job at a {word} when its objective there is worse than the median of the running "
        f"averages of the jobs that started before it; it judges no job before {word} {rule.grace_period} "
        f"(the grace period) nor against fewer than {rule.min_earlier_jobs} earlier jobs.",
        "The thick line is the median over every job's running average (all jobs, for reading); each stopped job "
        "was measured against the jobs that started before it only, the number shown at its marker.",
    ]
    inexact = [stop.name for stop in stops if not stop.exact]
    if inexact:
        notes.append(
            f"{len(inexact)} stopped job(s) were judged while an earlier job was still training "
            f"({', '.join(inexact[:5])}): the store does not say how far that job had got, so their median is "
            "the one over the earlier jobs that reproduces the rule's decision, keeping as many as can be.")
    unexplained = [stop.name for stop in stops if not stop.stop]
    if unexplained:
        notes.append(f"For {', '.join(unexplained[:5])} the stored curves do not reproduce the rule's decision.")
    if (tuning_job.config.get(RUN_RECORD) or {}).get("Resumes"):
        notes.append("This tuning job was resumed: after the resume the rule heard the earlier jobs in the order "
                     "they had finished, so 'earlier' is by index here and may differ for the jobs run after it.")
    return MedianRuleView(
        tuning_job_name=tuning_job_name, objective_name=tuning_job.objective_metric_name,
        objective_type=tuning_job.objective_type, resource_word=word, grace_period=rule.grace_period,
        min_earlier_jobs=rule.min_earlier_jobs, curves=curves, names={job.index: job.name for job in judged},
        statuses={job.index: job.status for job in judged}, median_line=median_line, stops=stops, notes=notes,
    )
