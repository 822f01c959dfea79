"""Search strategies: which hyperparameters the next training jobs try.

>>> from tuning import ContinuousParameter
>>> from tuning.strategies import create_strategy
>>> strategy = create_strategy("Bayesian", {"eta": ContinuousParameter(0.1, 0.5)}, random_seed=1)
>>> [job] = strategy.suggest(1)
>>> strategy.observe(job, 0.87)

Each strategy lives in its own module beside this file, with its facts on its class (name,
summary, settings, whether it learns from results); the names below are the public
contract. A new built-in strategy is its module plus one entry in :data:`STRATEGY_CLASSES`;
one from elsewhere is added with :func:`register_strategy`.
"""

from __future__ import annotations

from tuning.strategies._base import MAX_RANDOM_SEED, Strategy
from tuning.strategies._portfolio import BayesianStrategy
from tuning.strategies._factory import (
    DEFAULT_STRATEGY,
    STRATEGY_CLASSES,
    STRATEGY_NAMES,
    create_strategy,
    register_strategy,
    strategy_class,
    strategy_classes,
    strategy_names,
    unregister_strategy,
)
from tuning.strategies._grid import DEFAULT_GRID_POINTS, MAX_GRID_SIZE, GridStrategy, check_grid_points
from tuning.strategies._hyperband import HyperbandStrategy
from tuning.strategies._random import RandomStrategy
from tuning.strategies._tpe import TPEStrategy

__all__ = [
    "DEFAULT_GRID_POINTS",
    "DEFAULT_STRATEGY",
    "MAX_GRID_SIZE",
    "MAX_RANDOM_SEED",
    "STRATEGY_CLASSES",
    "STRATEGY_NAMES",
    "BayesianStrategy",
    "GridStrategy",
    "HyperbandStrategy",
    "RandomStrategy",
    "Strategy",
    "TPEStrategy",
    "check_grid_points",
    "create_strategy",
    "register_strategy",
    "strategy_class",
    "strategy_classes",
    "strategy_names",
    "unregister_strategy",
]
