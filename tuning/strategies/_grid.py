"""Grid search: one training job per combination of values, in a fixed order."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tuning.errors import ValidationError
from tuning.parameters import CategoricalParameter, IntegerParameter
from tuning.strategies._base import MAXIMIZE, Strategy

if TYPE_CHECKING:
    from tuning.parameters import Parameter

__all__ = ["DEFAULT_GRID_POINTS", "MAX_GRID_SIZE", "GridStrategy", "check_grid_points"]

DEFAULT_GRID_POINTS = 5
"""Values tried per numeric range unless ``grid_points`` says otherwise."""
MAX_GRID_SIZE = 100_000
"""The most combinations a grid may have, whatever ``max_jobs`` says (AMT's own limit on
training jobs per tuning job is far lower)."""


def _whole(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_grid_points(
    grid_points: int | Mapping[str, int], ranges: Mapping[str, Parameter]
) -> dict[str, int]:
    """The number of grid points for each numeric range, or a ValidationError.

    ``grid_points`` is one whole number for every numeric range, or a dict from range name
    to number that overrides the default of 5 for the ranges it names.
    """
    numeric = [name for name, parameter in ranges.items() if not isinstance(parameter, CategoricalParameter)]

    def checked(value: Any, where: str) -> int:
        if not _whole(value) or not 2 <= value <= MAX_GRID_SIZE:
            raise ValidationError(
                f"{where} must be a whole number from 2 to {MAX_GRID_SIZE}, but got {value!r}. "
                f"Give the number of values to try per numeric range, such as "
                f"{DEFAULT_GRID_POINTS} (a grid needs at least both ends of a range)."
            )
        return int(value)

    if isinstance(grid_points, Mapping):
        for name in grid_points:
            if name not in ranges:
                raise ValidationError(
                    f"grid_points (GridPoints) names {name!r}, which is not a tuned "
                    f"hyperparameter. Name only ranges being searched ({', '.join(ranges)})."
                )
            if name not in numeric:
                raise ValidationError(
                    f"grid_points (GridPoints) gives a number for {name!r}, a categorical range: "
                    "its grid is always all of its values. Remove that entry."
                )
        return {
            name: checked(grid_points.get(name, DEFAULT_GRID_POINTS), f"grid_points[{name!r}] (GridPoints)")
            for name in numeric
        }
    points = checked(grid_points, "grid_points (GridPoints)")
    return {name: points for name in numeric}


def _count(parameter: Parameter, points: int | None) -> int:
    """How many values the grid tries for ``parameter``, without listing them when avoidable."""
    if isinstance(parameter, CategoricalParameter):
        return len(parameter.values)
    assert points is not None
    if isinstance(parameter, IntegerParameter):
        span = parameter.max_value - parameter.min_value + 1
        if span <= points:
            return span
        # Rounding can merge neighbouring points of a log-scaled integer grid: list them.
        return len(parameter.grid_values(points))
    return points


class GridStrategy(Strategy):
    """Try every combination of a fixed set of values per hyperparameter, in a fixed order.

    Grid search is exhaustive and reproducible: the same ranges always give the same jobs,
    in the same order, whatever the seed. Its cost is the *product* of the values per
    range, so it grows fast: 5 values for each of 4 ranges is already 625 jobs.

    AMT's grid search accepts only categorical ranges. TuneLab also discretises numeric
    ranges, with their scaling, into ``grid_points`` values each (both ends included; a
    Logarithmic range of 0.001 to 1000 with 7 points gives 0.001, 0.01, ..., 1000). An
    integer range with fewer distinct values than that uses all of them. Combinations are
    handed out in ``itertools.product`` order over the ranges as given (the last range
    varies fastest); :attr:`total_jobs` is their number, and :attr:`exhausted` turns true
    once the last one has been suggested. A grid larger than ``max_jobs`` is refused
    (AMT runs every combination or refuses the grid), and so is one beyond 100,000.

    >>> from tuning import CategoricalParameter, IntegerParameter
    >>> grid = GridStrategy(hyperparameter_ranges={"depth": IntegerParameter(1, 2),
    ...                                            "booster": CategoricalParameter(["a", "b"])})
    >>> grid.total_jobs, grid.suggest(3)
    (4, [{'depth': 1, 'booster': 'a'}, {'depth': 1, 'booster': 'b'}, {'depth': 2, 'booster': 'a'}])
    """

    name = "Grid"
    summary = "Tries every combination of a few values per range: thorough, but the count multiplies with each range."
    depends_on_results = False
    reasoning = ("The points are fixed before the first job: every combination of a few values per range, "
                 "in order. Results never change what comes next, so the grid covers the space evenly but "
                 "spends as much on poor regions as on good ones.")
    refuses_repeats = False
    settings = ("GridPoints",)
    counts_its_jobs = True
    warm_start_refusal = "a grid's points are fixed in advance, so the parents' results cannot change them"

    def __init__(
        self,
        *,
        hyperparameter_ranges: Mapping[str, Parameter],
        objective_type: str = MAXIMIZE,
        random_seed: int | None = None,
        max_jobs: int | None = None,
        grid_points: int | Mapping[str, int] = DEFAULT_GRID_POINTS,
    ) -> None:
        super().__init__(
            hyperparameter_ranges=hyperparameter_ranges, objective_type=objective_type,
            random_seed=random_seed, max_jobs=max_jobs,
        )
        points = check_grid_points(grid_points, self._ranges)
        counts = {name: _count(parameter, points.get(name)) for name, parameter in self._ranges.items()}
        size = math.prod(counts.values())
        self._check_size(counts, size)
        self._grid_points = points
        self._values = [parameter.grid_values(points.get(name, 0)) for name, parameter in self._ranges.items()]
        self._total = size
        self._handed_out = 0
        self._combinations = itertools.product(*self._values)

    def _check_size(self, counts: dict[str, int], size: int) -> None:
        factors = " x ".join(str(count) for count in counts.values())
        product = f"{factors} = {size}" if len(counts) > 1 else str(size)
        per_range = ", ".join(f"{name} {count}" for name, count in counts.items())
        if size > MAX_GRID_SIZE:
            raise ValidationError(
                f"Grid strategy: the grid has {size} combinations ({product}; values per range: "
                f"{per_range}), more than the {MAX_GRID_SIZE} TuneLab allows. Shrink it: fewer "
                "grid_points (GridPoints), fewer ranges, or fewer categorical values; or use the "
                "Random or Bayesian strategy, which need no grid."
            )
        if self._max_jobs is not None and size > self._max_jobs:
            raise ValidationError(
                f"Grid strategy: the grid has {size} combinations ({product}; values per range: "
                f"{per_range}), more than max_jobs (MaxNumberOfTrainingJobs) = {self._max_jobs}, "
                "and a grid runs every combination. Shrink it: fewer grid_points (GridPoints), "
                f"fewer ranges or categorical values; or raise MaxNumberOfTrainingJobs to {size}."
            )

    @property
    def grid_points(self) -> dict[str, int]:
        """Points per numeric range (categorical ranges use all their values)."""
        return dict(self._grid_points)

    @property
    def exhausted(self) -> bool:
        return self._handed_out >= self._total

    @property
    def total_jobs(self) -> int:
        return self._total

    def _suggest(self, n: int) -> list[dict[str, Any]]:
        names = list(self._ranges)
        batch = [dict(zip(names, values)) for values in itertools.islice(self._combinations, n)]
        self._handed_out += len(batch)
        return batch
