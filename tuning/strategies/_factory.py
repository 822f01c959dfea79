"""Build a search strategy from its AMT name, and the registry of strategies."""

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

__all__ = [
    "DEFAULT_STRATEGY",
    "STRATEGY_CLASSES",
    "STRATEGY_NAMES",
    "create_strategy",
    "register_strategy",
    "strategy_class",
    "strategy_classes",
    "strategy_names",
    "unregister_strategy",
]

STRATEGY_CLASSES: tuple[type[Strategy], ...] = (GridStrategy, RandomStrategy, BayesianStrategy, HyperbandStrategy)
"""The registry of built-in strategies: a new one is its own module plus one entry here."""
STRATEGY_NAMES: tuple[str, ...] = tuple(cls.name for cls in STRATEGY_CLASSES)
"""AMT's strategy names, as ``create_strategy`` accepts them (in any letter case)."""
DEFAULT_STRATEGY = BayesianStrategy.name
"""AMT's default strategy, when a tuning job names none."""
_CLASSES: dict[str, type[Strategy]] = {cls.name.lower(): cls for cls in STRATEGY_CLASSES}


def register_strategy(cls: type[Strategy]) -> type[Strategy]:
    """Add a strategy class (after the built-ins), so every part of TuneLab offers it; usable as a decorator."""
    key = cls.name.strip().lower() if isinstance(cls.name, str) else ""
    if not key or not cls.summary:
        raise ValidationError(f"a strategy needs a name and a one-sentence summary, but {cls.__name__} lacks one.")
    if key in _CLASSES:
        raise ValidationError(f"there is a strategy called {cls.name!r} already; give the new one its own name.")
    _CLASSES[key] = cls
    return cls


def unregister_strategy(name: str) -> None:
    """Take a registered strategy out again; the built-in ones stay."""
    if name in STRATEGY_NAMES:
        raise ValidationError(f"{name!r} is a built-in strategy; only registered ones can be taken out.")
    _CLASSES.pop(name.strip().lower(), None)


def strategy_classes() -> tuple[type[Strategy], ...]:
    """Every strategy: the built-ins, then the registered ones."""
    return tuple(_CLASSES.values())


def strategy_names() -> tuple[str, ...]:
    """Every strategy's name, as :func:`create_strategy` accepts it (in any letter case)."""
    return tuple(cls.name for cls in _CLASSES.values())


def strategy_class(name: Any) -> type[Strategy]:
    """The strategy class called ``name`` (any letter case); unknown names list the known ones."""
    key = name.strip().lower() if isinstance(name, str) else None
    if key not in _CLASSES:
        raise ValidationError(
            f"unknown strategy {name!r}; use one of {', '.join(strategy_names())} (AMT's "
            "strategy names, in any letter case)."
        )
    return _CLASSES[key]


def create_strategy(
    name: str,
    hyperparameter_ranges: Mapping[str, Parameter],
    *,
    objective_type: str = MAXIMIZE,
    random_seed: int | None = None,
    max_jobs: int | None = None,
    grid_points: int | Mapping[str, int] = DEFAULT_GRID_POINTS,
) -> Strategy:
    """The strategy called ``name`` (``Grid``, ``Random``, ``Bayesian``, ``Hyperband`` or a registered one).

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
    cls = strategy_class(name)
    common: dict[str, Any] = {
        "hyperparameter_ranges": hyperparameter_ranges,
        "objective_type": objective_type,
        "random_seed": random_seed,
        "max_jobs": max_jobs,
    }
    if "GridPoints" in cls.settings:
        return cls(**common, grid_points=grid_points)
    strategy = cls(**common)
    check_grid_points(grid_points, strategy.hyperparameter_ranges)
    return strategy
