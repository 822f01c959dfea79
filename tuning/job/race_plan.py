"""A strategy race's plan: one tuning job configuration per strategy, fair by construction.

A *race* runs Grid, Random, Bayesian (and Hyperband, when the algorithm has a training
resource) on the same data, ranges, budget (MaxNumberOfTrainingJobs) and seed, at the same
time. This module decides, without data and without writing anything, what each strategy
runs and where it has to differ; :mod:`tuning.running.race` runs the plan.

The rules, each stated in the plan's notes so a class sees them:

- **Cores.** The strategies run side by side, each with the same MaxParallelTrainingJobs:
  ``max(1, cores // strategies)`` (:func:`parallel_share`). No scheduler of TuneLab's own:
  the tuning jobs start together and the operating system shares the cores among their
  worker processes, so no strategy gets the machine first. A remainder of cores stays idle
  rather than giving one strategy more workers (more workers change what a Bayesian search
  sees between its suggestions). With fewer cores than strategies each still gets one
  worker and they take turns on the cores: every job's training time then includes its
  wait for a core, the same for every strategy.
- **Grid's budget.** A grid runs every combination, so its size must fit the budget:
  :func:`grid_points_for_budget` takes the largest GridPoints per numeric range whose grid
  has at most MaxNumberOfTrainingJobs combinations. When that grid is smaller than the
  budget, Grid runs fewer training jobs and its curve ends early (the note says how many);
  when even two values per numeric range are too many, Grid is left out, with the reason.
- **Hyperband's resource.** Hyperband grows the algorithm's training resource (XGBoost's
  ``num_round``) itself, so it cannot tune it and needs early stopping Off: its jobs grow
  from a tenth of the resource to all of it (the others' value, or the top of their
  range when they tune it). An algorithm with no resource (k-NN) gets no Hyperband.
- Warm start is left out: a race starts every strategy from nothing.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tuning.errors import ValidationError
from tuning.job.config import MAX_PARALLEL_JOBS, TuningJobConfig, check_tuning_job_name, hyperband_resource_errors
from tuning.parameters import CategoricalParameter, IntegerParameter
from tuning.strategies import MAX_RANDOM_SEED, GridStrategy, strategy_class

if TYPE_CHECKING:
    from tuning.parameters import Parameter

__all__ = [
    "RACE_STRATEGIES",
    "RaceEntry",
    "RacePlan",
    "available_cores",
    "grid_points_for_budget",
    "member_name",
    "parallel_share",
    "plan_race",
    "race_name_limit",
]

RACE_STRATEGIES = ("Grid", "Random", "Bayesian", "Hyperband")
"""The strategies a race runs unless told otherwise, in the order they are shown."""
_NAME_LIMIT = 32


def available_cores() -> int:
    """The CPU cores this process may use (its affinity, where the OS tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def parallel_share(cores: int, strategies: int) -> int:
    """Each strategy's MaxParallelTrainingJobs: an equal share of the cores, at least 1."""
    if strategies < 1:
        raise ValidationError("a race needs at least one strategy to share the cores among.")
    return max(1, min(MAX_PARALLEL_JOBS, cores // strategies))


def member_name(race_name: str, role: str) -> str:
    """The tuning job a strategy runs in a race: ``<race>-<strategy>``, such as ``class-race-bayesian``."""
    return check_tuning_job_name(f"{race_name}-{role.lower()}")


def race_name_limit(roles: Sequence[str]) -> int:
    """How long a race's name may be so that every member's name fits AMT's 32 characters."""
    return _NAME_LIMIT - 1 - max((len(role) for role in roles), default=0)


def _grid_size(ranges: Mapping[str, Parameter], points: int | Mapping[str, int]) -> int | None:
    """The grid's number of combinations, counted by Grid itself; ``None`` beyond what it allows."""
    try:
        return GridStrategy(hyperparameter_ranges=ranges, grid_points=points).total_jobs
    except ValidationError:
        return None


def grid_points_for_budget(ranges: Mapping[str, Parameter], budget: int) -> tuple[dict[str, int], int] | None:
    """The largest grid that fits ``budget`` training jobs: (GridPoints per numeric range, grid size).

    First the largest number of values per numeric range that is the same for every range,
    then one more value for each range in turn (in the ranges' order) while the grid still
    fits; an integer range never gets more points than it has values. ``None`` when even
    the smallest grid (2 values per numeric range, every categorical value) is larger.
    """
    numeric = [name for name, parameter in ranges.items() if not isinstance(parameter, CategoricalParameter)]
    if not numeric:
        size = _grid_size(ranges, {})
        return ({}, size) if size is not None and size <= budget else None

    def fits(points: int | Mapping[str, int]) -> bool:
        size = _grid_size(ranges, points)
        return size is not None and size <= budget

    if not fits(2):
        return None
    low, high = 2, max(2, budget)  # fits(low) holds; find the largest such uniform count
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    points = {name: _capped(ranges[name], low) for name in numeric}
    for name in numeric:
        trial = {**points, name: _capped(ranges[name], points[name] + 1)}
        if trial != points and fits(trial):
            points = trial
    size = _grid_size(ranges, points)
    assert size is not None
    return points, size


def _capped(parameter: Parameter, points: int) -> int:
    """An integer range has only so many values: more grid points would repeat them."""
    if isinstance(parameter, IntegerParameter):
        return max(2, min(points, int(parameter.max_value - parameter.min_value + 1)))
    return points


def _grid_shape(ranges: Mapping[str, Parameter], points: Mapping[str, int]) -> str:
    """"max_depth 3 x eta 3 x gamma 2": the values per range of a grid, in words."""
    counts = []
    for name, parameter in ranges.items():
        count = len(parameter.values) if isinstance(parameter, CategoricalParameter) else len(
            parameter.grid_values(points[name]))
        counts.append(f"{name} {count}")
    return " x ".join(counts)


@dataclass(frozen=True)
class RaceEntry:
    """One strategy of a race: its role (the strategy's name), its configuration, how it differs."""

    role: str
    config: TuningJobConfig
    note: str | None = None
    """Where this strategy's job differs from the others' (Grid's size, Hyperband's resource)."""


@dataclass(frozen=True)
class RacePlan:
    """What a race runs: see the module docstring for the rules."""

    name: str
    entries: tuple[RaceEntry, ...]
    left_out: dict[str, str]
    """Strategy -> why it is not in the race."""
    cores: int
    parallel_each: int
    seed: int
    budget: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    """What the race changed of the given configuration for every strategy (warm start dropped)."""

    @property
    def roles(self) -> list[str]:
        return [entry.role for entry in self.entries]

    @property
    def share_rule(self) -> str:
        """The core-sharing rule, with this race's numbers, in one sentence."""
        count = len(self.entries)
        total = count * self.parallel_each
        rule = (f"{count} strategies share {self.cores} CPU core{'s' if self.cores != 1 else ''}: each runs "
                f"{self.parallel_each} training job{'s' if self.parallel_each != 1 else ''} at a time "
                f"(cores ÷ strategies, at least 1), all started together")
        if total > self.cores:
            return rule + (f"; {total} jobs on {self.cores} cores take turns, so each job's training time includes "
                           "its wait for a core, alike for every strategy.")
        if total < self.cores:
            return rule + f"; {self.cores - total} core(s) stay idle so that no strategy gets more workers."
        return rule + "."


def _fresh_race_name() -> str:
    return f"race-{time.strftime('%y%m%d-%H%M%S')}"


def _roles(strategies: Sequence[str] | None) -> list[str]:
    names = RACE_STRATEGIES if strategies is None else strategies
    roles = list(dict.fromkeys(strategy_class(name).name for name in names))  # unknown names: listed
    if len(roles) < 2:
        raise ValidationError(f"a race needs at least two strategies to compare, but got {len(roles)}: "
                              f"{', '.join(roles) or 'none'}.")
    return roles


def plan_race(config: TuningJobConfig, strategies: Sequence[str] | None = None, *,
              cores: int | None = None) -> RacePlan:
    """One configuration per strategy: ``config``'s data, ranges, budget and seed for each.

    ``config`` gives the dataset, algorithm, objective, ranges (the algorithm's defaults
    when it has none), static hyperparameters, budget (``max_jobs``), seed and race name
    (``name``; a fresh one when empty). Its own strategy and MaxParallelTrainingJobs are
    replaced. Raises :class:`~tuning.errors.ValidationError` for a configuration no race
    can run; the data is checked when the race starts (:func:`tuning.job.preparation.prepare`).
    """
    from tuning.algorithms import get_algorithm

    config.check_limits()
    roles = _roles(strategies)
    if config.max_jobs is None:
        raise ValidationError("a race needs a budget: give max_jobs (MaxNumberOfTrainingJobs), the same for every "
                              "strategy.", field="max_jobs")
    budget = int(config.max_jobs)
    seed = config.random_seed if config.random_seed is not None else secrets.randbelow(MAX_RANDOM_SEED + 1)
    algorithm = get_algorithm(config.algorithm)
    ranges = config.resolved_ranges()
    resolved = algorithm.resolve(config.static_hyperparameters)
    base = config.replace(strategy_config={}, warm_start_config=None, hyperparameter_ranges=dict(ranges),
                          random_seed=seed)
    notes = ("Warm start is left out: a race starts every strategy from nothing.",) if config.warm_start_config else ()

    left_out: dict[str, str] = {}
    drafts: list[tuple[str, TuningJobConfig, str | None]] = []
    for role in roles:
        cls = strategy_class(role)
        if "GridPoints" in cls.settings:
            grid = grid_points_for_budget(ranges, budget)
            if grid is None:
                smallest = _grid_size(ranges, 2)
                left_out[role] = (f"the smallest grid over these {len(ranges)} ranges (2 values per numeric range) has "
                                  f"{'more than 100,000' if smallest is None else f'{smallest:,}'} combinations, more "
                                  f"than the budget of {budget} training jobs. Raise the budget or tune fewer ranges.")
                continue
            points, size = grid
            shape = _grid_shape(ranges, points)
            note = (f"{role} runs {size} of the {budget} training jobs: every combination of {shape} values, the "
                    f"largest grid within the budget; its curve ends there." if size < budget else
                    f"{role} runs every combination of {shape} values: {size}, the whole budget.")
            drafts.append((role, base.replace(strategy=role, strategy_config={"GridPoints": points}), note))
        elif cls.grows_resource:
            resource = algorithm.resource
            if resource is None:
                left_out[role] = (f"{algorithm.title} trains in one step: there is no training resource for "
                                  f"{role} to grow.")
                continue
            tuned = ranges.get(resource)
            own = config.strategy_config if strategy_class(config.strategy).grows_resource else {}
            if own.get("MaxResource") is not None:
                maximum = own["MaxResource"]
            elif tuned is not None and not isinstance(tuned, CategoricalParameter):
                maximum = int(tuned.max_value)
            else:
                maximum = int(resolved[resource])
            minimum = own.get("MinResource", max(1, maximum // 10))
            errors = hyperband_resource_errors(minimum, maximum, algorithm.hyperparameters[resource])
            if errors:
                left_out[role] = f"its budget of {resource} does not work: {next(iter(errors.values()))}"
                continue
            unit = algorithm.resource_unit or resource
            note = (f"{role} grows each training job's {resource} from {minimum} to {maximum} {unit} and stops "
                    f"weak ones on the way")
            note += (f"; it cannot also tune {resource}, which the others tune over {tuned.describe()}."
                     if tuned is not None else f", where the others train all {maximum}.")
            if config.early_stopping_type != "Off":
                note += f" Early stopping is Off for it ({role} stops jobs itself); the others use Auto."
            drafts.append((role, base.replace(
                strategy=role, strategy_config={"MinResource": minimum, "MaxResource": maximum},
                hyperparameter_ranges={name: p for name, p in ranges.items() if name != resource},
                early_stopping_type="Off", early_stopping_grace_period=None), note))
        else:
            drafts.append((role, base.replace(strategy=role), None))
    if len(drafts) < 2:
        reasons = " ".join(f"{role}: {why}" for role, why in left_out.items())
        raise ValidationError(f"a race needs at least two strategies, and only {len(drafts)} can run here. {reasons}")

    kept = [role for role, _, _ in drafts]
    name = config.name or _fresh_race_name()
    check_tuning_job_name(name)
    limit = race_name_limit(kept)
    if len(name) > limit:
        raise ValidationError(f"the race name {name!r} is {len(name)} characters; keep it to {limit}, so that each "
                              f"strategy's tuning job ({name}-{max(kept, key=len).lower()}) fits AMT's 32.",
                              field="name")
    cores = available_cores() if cores is None else max(1, int(cores))
    share = parallel_share(cores, len(drafts))
    entries = tuple(RaceEntry(role, draft.replace(name=member_name(name, role), max_parallel_jobs=share), note)
                    for role, draft, note in drafts)
    return RacePlan(name=name, entries=entries, left_out=left_out, cores=cores, parallel_each=share,
                    seed=seed, budget=budget, notes=notes)
