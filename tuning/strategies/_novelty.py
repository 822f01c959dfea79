"""Has this point been tried? The test every strategy passes its suggestions through.

A model-based strategy that believes the best point so far is good proposes it again and
again (seen on bank-marketing: one seeded Bayesian run had 14 pairs of training jobs
within 2% of each range, and the clones of the best job were then stopped early, judged
by a median that had moved). A second job on the same hyperparameters teaches the model
little and costs a whole training job, so no strategy proposes a point it has already
evaluated or has running, unless nothing new is left (then it says so).

Two points are *the same* when every integer and categorical hyperparameter has the same
value and every continuous one lies within :data:`NEAR` of the other in the unit cube
(``to_unit``: its scaled range mapped to [0, 1]). No library offers this test on AMT's
ranges (Optuna's samplers skip exact duplicates at most), hence these few lines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from tuning.parameters import CategoricalParameter, IntegerParameter, Parameter

__all__ = ["NEAR", "SeenPoints"]

NEAR = 0.02
"""Continuous values closer than this share of their (scaled) range count as the same."""


class SeenPoints:
    """The points a strategy has evaluated or has running, and whether a new one is among them.

    Points are kept in buckets keyed by their discrete values and the first continuous
    coordinate's cell of width :data:`NEAR`, so a check looks at three buckets rather than
    every point: a Random job of 100,000 training jobs stays linear.
    """

    def __init__(self, ranges: Mapping[str, Parameter], *, near: float = NEAR) -> None:
        self._discrete = [name for name, p in ranges.items()
                          if isinstance(p, (CategoricalParameter, IntegerParameter))]
        self._continuous = [(name, p) for name, p in ranges.items() if name not in self._discrete]
        self._ranges = dict(ranges)
        self._near = near
        self._buckets: dict[tuple[Any, ...], list[np.ndarray]] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def _key(self, point: Mapping[str, Any]) -> tuple[tuple[Any, ...], np.ndarray]:
        discrete = []
        for name in self._discrete:
            parameter = self._ranges[name]
            value = point[name]
            discrete.append(parameter.index(value) if isinstance(parameter, CategoricalParameter) else int(value))
        units = np.array([parameter.to_unit(point[name]) for name, parameter in self._continuous], dtype=float)
        return tuple(discrete), units

    def _cell(self, units: np.ndarray) -> int:
        return math.floor(units[0] / self._near) if units.size else 0

    def add(self, point: Mapping[str, Any]) -> None:
        """Remember ``point`` (a dict holding every searched hyperparameter)."""
        discrete, units = self._key(point)
        self._buckets.setdefault((discrete, self._cell(units)), []).append(units)
        self._count += 1

    def add_all(self, points: Iterable[Mapping[str, Any]]) -> None:
        for point in points:
            self.add(point)

    def is_new(self, point: Mapping[str, Any], also: Iterable[Mapping[str, Any]] = ()) -> bool:
        """True unless ``point`` is the same as a remembered point or as one of ``also``."""
        discrete, units = self._key(point)
        cell = self._cell(units)
        for offset in (-1, 0, 1):
            rows = self._buckets.get((discrete, cell + offset))
            if rows and np.any(np.all(np.abs(np.array(rows) - units) < self._near, axis=1)):
                return False
        for other in also:
            other_discrete, other_units = self._key(other)
            if other_discrete == discrete and np.all(np.abs(other_units - units) < self._near):
                return False
        return True
