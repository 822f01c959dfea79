"""Build a search strategy from its AMT name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tuning.errors import ValidationError
from tuning.strategies._base import MAXIMIZE, Strategy
from tuning.strategies._portfolio import BayesianStrategy
from tuning.strategies._grid import DEFAULT_GRID_POINTS, GridStrategy, check_grid_points
from tuning.strategies._hyperband import HyperbandStrategy
from tuning.strategies._random import RandomStrategy

if TYPE_CHECKING:
    from tuning.parameters import Parameter

__all__ = ["STRATEGY_CLASSES", "STRATEGY_NAMES", "create_strategy"]

STRATEGY_CLASSES: tuple[type[Strategy], ...] = (GridStrategy, RandomStrategy, BayesianStrategy, HyperbandStrategy)
"""The registry: a new strategy is its own module plus one entry here."""
_CLASSES: dict[str, type[Strategy]] = {cls.name.lower(): cls for cls in STRATEGY_CLASSES}
STRATEGY_NAMES: tuple[str, ...] = tuple(cls.name for cls in STRATEGY_CLASSES)
"""AMT's strategy names, as ``create_strategy`` accepts them (in any letter case)."""


def create_strategy(
    name: str,
    hyperparameter_ranges: Mapping[str, Parameter],
    *,
    objective_type: str = MAXIMIZE,
    random_seed: int | None = None,
    max_jobs: int | None = None,
    grid_points: int | Mapping[str, int] = DEFAULT_GRID_POINTS,
) -> Strategy:
    """The strategy called ``name`` (``Grid``, ``Random``, ``Bayesian`` or ``Hyperband``).

    Every argument is checked, whichever strategy is asked for, and refused with a
    :class:`~tuning.errors.ValidationError` that says how to fix it: the ranges, the
    objective type, the seed and the budget by :class:`Strategy` itself (a strategy built
    directly checks them too, so the factory does not check them again), and ``grid_points``
    here for the strategies other than Grid, so that a bad GridPoints is caught even before
    the strategy is switched to Grid.

    >>> from tuning import ContinuousParameter
    >>> create_strategy("random", {"eta": ContinuousParameter(0.1, 0.5)}).name
    'Random'
    """
    key = name.strip().lower() if isinstance(name, str) else None
    if key not in _CLASSES:
        raise ValidationError(
            f"unknown strategy {name!r}; use one of {', '.join(STRATEGY_NAMES)} (AMT's "
            "strategy names, in any letter case)."
        )
    common: dict[str, Any] = {
        "hyperparameter_ranges": hyperparameter_ranges,
        "objective_type": objective_type,
        "random_seed": random_seed,
        "max_jobs": max_jobs,
    }
    if key == "grid":
        return GridStrategy(**common, grid_points=grid_points)
    strategy = _CLASSES[key](**common)
    check_grid_points(grid_points, strategy.hyperparameter_ranges)
    return strategy
