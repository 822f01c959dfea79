"""Random search: every job an independent draw from the ranges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tuning.strategies._base import MAXIMIZE, Strategy

if TYPE_CHECKING:
    from tuning.parameters import Parameter

__all__ = ["RandomStrategy"]


class RandomStrategy(Strategy):
    """Try independent random draws: simple, parallel, and hard to beat on a small budget.

    Each hyperparameter is drawn on its own: a numeric range uniformly in its *scaled*
    space (a Logarithmic range of 0.001 to 1000 lands as often in 0.001-0.01 as in
    100-1000, so the draws' median sits near the geometric mean, about 1), a categorical
    range uniformly among its values. Nothing is learnt from results, which makes random
    search the baseline a model-based strategy must beat; with few important
    hyperparameters it often does well, because every job tries new values of each one.

    Draws come one set at a time from one NumPy generator seeded with ``random_seed``, so
    the same seed gives the same sequence of hyperparameters whatever batch sizes
    ``suggest`` is called with, and whatever the results. A draw that repeats a point already
tried (see :mod:`tuning.strategies._novelty`) is replaced by a draw from a second
generator, so the first generator's sequence never shifts.

    >>> from tuning import ContinuousParameter
    >>> strategy = RandomStrategy(hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
    ...                           random_seed=1)
    >>> [0.1 <= s["eta"] <= 0.5 for s in strategy.suggest(2)]
    [True, True]
    """

    name = "Random"
    summary = ("Draws each training job's hyperparameters at random from the ranges: simple, parallel, "
               "hard to beat with few jobs.")
    depends_on_results = False
    reasoning = ("Every point is drawn at random from the ranges (on their scaling), whatever the results: "
                 "a good result does not pull the next draw towards it. That is why it never gets stuck "
                 "and why it cannot home in on the best region.")

    def __init__(
        self,
        *,
        hyperparameter_ranges: Mapping[str, Parameter],
        objective_type: str = MAXIMIZE,
        random_seed: int | None = None,
        max_jobs: int | None = None,
    ) -> None:
        super().__init__(
            hyperparameter_ranges=hyperparameter_ranges, objective_type=objective_type,
            random_seed=random_seed, max_jobs=max_jobs,
        )
        self._rng = np.random.default_rng(self._random_seed)

    def _suggest(self, n: int) -> list[dict[str, Any]]:
        return [self._draw(self._rng) for _ in range(n)]
