"""Best-so-far curves of one tuning job repeated over seeds, summarised across the seeds.

One run of a strategy is one draw: Random may find a good model at training job 4 by
luck, Bayesian at job 16. Repeating each tuning job with several random seeds (see
:mod:`tuning.running.seed_study`) and summarising the curves tells chance from method. This
module does the summary, on training-job records only (no store, no plotting):

- **Best so far** after training job *k* is the best FinalObjectiveValue of the
  *Completed* jobs among the first *k*. A Stopped job's value is an interim value (where
  its learning curve was when it was stopped), not its score, so, as AMT's
  BestTrainingJob does, it never sets a new best; a Stopped or Failed job carries the
  best forward, so a curve runs to its tuning job's last training job.
- **Across seeds**, at each training job number: the mean of the seeds' best so far, and
  the interquartile range (25th to 75th percentile) as the band. The IQR rather than
  mean ± standard deviation: with 3 to 20 seeds, one lucky seed moves a standard
  deviation a lot and the IQR little, and the band stays within values seen.
- A seed that ran fewer training jobs than another (it was stopped, or reached its
  completion criteria) keeps its final best: the curve at *k* reads "best found within
  the first *k* training jobs", which for a finished run is its final best.
- A group's curve starts where every seed has a best (its first Completed job): a mean
  over the one or two seeds that happened to complete a job first, then over all of
  them, would jump down as the others join, and a best so far never gets worse. A seed
  with no Completed job at all is left out of the curves (the table counts it).
- **Against compute seconds**: the same, with training job *k* placed at the sum of the
  ``elapsed_seconds`` of jobs 1 to *k* (a stopped job counts at its own, shorter, time;
  parallel jobs add up, as on a bill, not as on a wall clock).
- **Jobs needed to reach X**: per seed, the first training job number whose best so far
  reaches X. The median counts a seed that never reached X as "more than it ran": when
  half the seeds or more never reached X, the median is unknown (``None``), not the
  median of the lucky ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tuning.errors import ValidationError
from tuning.records import TrainingJobStatus

if TYPE_CHECKING:
    from tuning.records import TrainingJob

__all__ = ["BandCurve", "Reach", "SeedGroup", "best_so_far_by_job", "summarise_seeds", "worst_mean_best"]

_FINISHED = frozenset({TrainingJobStatus.COMPLETED, TrainingJobStatus.STOPPED, TrainingJobStatus.FAILED})


def _maximize(objective_type: str) -> bool:
    if objective_type not in ("Maximize", "Minimize"):
        raise ValidationError(
            f"objective_type must be 'Maximize' or 'Minimize' (AMT's HyperParameterTuningJobObjective "
            f"Type), but got {objective_type!r}."
        )
    return objective_type == "Maximize"


def _score(job: TrainingJob) -> float:
    """A Completed job's finite value, else NaN (it cannot set a new best)."""
    value = job.final_objective_value
    if job.status != TrainingJobStatus.COMPLETED or value is None or not math.isfinite(float(value)):
        return math.nan
    return float(value)


def _dense_best(jobs: Sequence[TrainingJob], maximize: bool) -> np.ndarray:
    """Best so far after each training job number 1..L (L: the last finished job), NaN before any.

    Index holes and jobs still running carry the best forward like a Stopped job.
    """
    finished = [job for job in jobs if job.status in _FINISHED]
    if not finished:
        return np.empty(0)
    values = np.full(max(job.index for job in finished) + 1, np.nan)
    for job in finished:
        values[job.index] = _score(job)
    return (np.fmax if maximize else np.fmin).accumulate(values)  # fmax/fmin skip NaN


def best_so_far_by_job(jobs: Sequence[TrainingJob], *, objective_type: str) -> tuple[list[int], list[float]]:
    """One tuning job's best-so-far step line: training job numbers and the best after each.

    It starts at the first Completed job with a value and runs to the last finished job
    (Completed, Stopped or Failed), carried forward through Stopped and Failed ones; empty
    lists when no job has completed.
    """
    best = _dense_best(jobs, _maximize(objective_type))
    numbers = [k + 1 for k in range(len(best)) if not math.isnan(best[k])]
    return numbers, [float(best[k - 1]) for k in numbers]


@dataclass(frozen=True)
class BandCurve:
    """A summary across seeds at each x: the mean, the interquartile range, how many seeds."""

    x: list[float]
    mean: list[float]
    q25: list[float]
    q75: list[float]
    seeds: list[int]
    """How many seeds the summary at this x is over: every seed with a Completed job."""


@dataclass(frozen=True)
class Reach:
    """How soon the seeds reached a target value."""

    target: float
    median_jobs: float | None
    """Median training job number at which best so far first reached the target; a seed that
    never did counts as more than it ran, so ``None`` when half the seeds or more never did."""
    reached: int
    seeds: int


@dataclass(frozen=True)
class SeedGroup:
    """One group (a tuning job repeated over seeds) summarised: see the module docstring."""

    label: str
    maximize: bool
    curves: tuple[tuple[float, ...], ...]
    """Per seed, best so far after each of its training job numbers (NaN before any)."""
    by_job: BandCurve
    by_seconds: BandCurve

    @property
    def seeds(self) -> int:
        return len(self.curves)

    @property
    def final_bests(self) -> list[float]:
        """Each seed's best at its last training job (NaN: no job completed)."""
        return [curve[-1] if curve else math.nan for curve in self.curves]

    def _finals(self) -> np.ndarray:
        finals = np.asarray(self.final_bests, dtype=float)
        return finals[~np.isnan(finals)]

    @property
    def mean_best(self) -> float | None:
        """Mean over seeds of the final best; ``None`` when no seed completed a job."""
        finals = self._finals()
        return float(finals.mean()) if finals.size else None

    @property
    def iqr(self) -> tuple[float, float] | None:
        """25th and 75th percentile of the seeds' final bests."""
        finals = self._finals()
        return (float(np.percentile(finals, 25)), float(np.percentile(finals, 75))) if finals.size else None

    def jobs_to_reach(self, target: float) -> Reach:
        """Per seed, the first training job number whose best so far reaches ``target``."""
        needed = []
        for curve in self.curves:
            best = np.asarray(curve, dtype=float)
            hits = np.flatnonzero(best >= target if self.maximize else best <= target)  # NaN compares False
            needed.append(float(hits[0] + 1) if hits.size else math.inf)
        median = float(np.median(needed)) if needed else math.inf
        return Reach(target=float(target), median_jobs=None if math.isinf(median) else median,
                     reached=sum(not math.isinf(n) for n in needed), seeds=len(needed))


def _band(x: np.ndarray, rows: np.ndarray) -> BandCurve:
    """Mean and IQR down each column of ``rows`` (seeds x points), from the first column where
    every seed that ever has a value has one (rows of NaN only are left out)."""
    rows = rows[~np.isnan(rows).all(axis=1)] if rows.size else rows
    if not rows.size:
        return BandCurve([], [], [], [], [])
    counts = (~np.isnan(rows)).sum(axis=0)
    keep = counts == len(rows)
    kept = rows[:, keep]
    return BandCurve(
        x=[float(value) for value in x[keep]],
        mean=np.nanmean(kept, axis=0).tolist(),
        q25=np.nanpercentile(kept, 25, axis=0).tolist(),
        q75=np.nanpercentile(kept, 75, axis=0).tolist(),
        seeds=[int(count) for count in counts[keep]],
    )


def _by_job(curves: list[np.ndarray]) -> BandCurve:
    length = max((len(curve) for curve in curves), default=0)
    rows = np.full((len(curves), length), np.nan)
    for row, curve in zip(rows, curves):
        if len(curve):
            row[:len(curve)] = curve
            row[len(curve):] = curve[-1]  # a shorter run keeps its final best
    return _band(np.arange(1, length + 1, dtype=float), rows)


def _cumulative_seconds(jobs: Sequence[TrainingJob], length: int) -> np.ndarray:
    """Compute seconds spent through each training job number 1..length (no time for a hole)."""
    seconds = np.zeros(length)
    for job in jobs:
        if job.index < length and job.status in _FINISHED:
            seconds[job.index] = job.elapsed_seconds or 0.0
    return np.cumsum(seconds)


def _by_seconds(runs: Sequence[Sequence[TrainingJob]], curves: list[np.ndarray]) -> BandCurve:
    clocks = [_cumulative_seconds(jobs, len(curve)) for jobs, curve in zip(runs, curves)]
    grid = np.unique(np.concatenate([clock for clock in clocks if len(clock)] or [np.empty(0)]))
    rows = np.full((len(curves), len(grid)), np.nan)
    for row, clock, curve in zip(rows, clocks, curves):
        if len(curve):
            last = np.searchsorted(clock, grid, side="right") - 1  # the last job done by then
            row[last >= 0] = curve[last[last >= 0]]  # after its end: its final best
    return _band(grid, rows)


def summarise_seeds(
    groups: Mapping[str, Sequence[Sequence[TrainingJob]]], *, objective_type: str
) -> dict[str, SeedGroup]:
    """Summarise each group's runs across seeds.

    ``groups`` maps a label (such as "Random, early stopping Off") to one list of training
    jobs per seed (``Store.training_jobs(name)`` of each rerun). Each :class:`SeedGroup`
    holds the mean and IQR of best so far by training job number and by compute seconds,
    the seeds' final bests, and :meth:`SeedGroup.jobs_to_reach`.
    """
    maximize = _maximize(objective_type)
    summaries = {}
    for label, runs in groups.items():
        curves = [_dense_best(jobs, maximize) for jobs in runs]
        summaries[label] = SeedGroup(
            label=label, maximize=maximize,
            curves=tuple(tuple(float(value) for value in curve) for curve in curves),
            by_job=_by_job(curves), by_seconds=_by_seconds(runs, curves),
        )
    return summaries


def worst_mean_best(summaries: Mapping[str, SeedGroup]) -> float | None:
    """The worst of the groups' mean final bests: a target every group reaches on average,
    so "jobs needed to reach it" compares how soon, not whether. ``None`` with no value."""
    means = [group.mean_best for group in summaries.values() if group.mean_best is not None]
    if not means:
        return None
    maximize = next(iter(summaries.values())).maximize
    return min(means) if maximize else max(means)
