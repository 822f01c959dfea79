"""The strongest public peers of the search benchmark (issue 19): HEBO and SMAC3, ask 4, tell 4.

Both are benchmark-only dependencies (``scripts/bench-venv.sh`` builds a venv with them; see
``requirements-bench.txt``): TuneLab's runtime never imports this module. Each adapter
speaks the benchmark's ask-and-tell contract (``suggest(n)`` then one ``observe(point,
value)`` per point) and builds its optimiser's search space from the problem's AMT ranges,
so that every optimiser searches the same space the same way:

- a ``Logarithmic`` range is searched on a log scale (HEBO ``pow`` / ``pow_int``, ConfigSpace
  ``log=True``), a ``Linear`` one uniformly; integers stay integers;
- a categorical range's values are handed over as their ``str`` labels and mapped back, so a
  value such as ``True`` or ``1`` comes back as the very object the range holds (neither
  package round-trips Python booleans and integers reliably through its own types).

Both optimisers minimise: a ``Maximize`` objective is negated before it is told.

- **HEBO** (Cowen-Rivers et al., 2022; winner of the NeurIPS 2020 black-box optimisation
  challenge): ``hebo.optimizers.hebo.HEBO`` with its defaults (GP with input warping, MACE
  multi-objective acquisition, NSGA-II), ``suggest(n_suggestions=4)`` and ``observe(X, y)``.
  It draws from numpy's and torch's global generators, which the adapter seeds.
- **SMAC3** (Lindauer et al., 2022): ``HyperparameterOptimizationFacade`` (random forest,
  log expected improvement, Sobol initial design) driven through ``ask`` / ``tell``, with
  ``n_trials`` the run's budget, ``deterministic=True`` (one evaluation per configuration:
  the benchmark's objectives are deterministic), its output in a temporary directory.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import tempfile
import warnings
from typing import Any

import numpy as np

from search_problems import Problem
from tuning.parameters import CategoricalParameter, IntegerParameter, Parameter, ScalingType

HEBO_NAME, SMAC_NAME = "HEBO", "SMAC3"
PEERS: tuple[str, ...] = (HEBO_NAME, SMAC_NAME)

_MODULES = {HEBO_NAME: "hebo", SMAC_NAME: "smac"}
INSTALL_HINT = "scripts/bench-venv.sh builds a venv with them (see requirements-bench.txt)"


def peer_available(name: str) -> bool:
    """Whether the package behind peer ``name`` is importable (without importing it)."""
    return importlib.util.find_spec(_MODULES[name]) is not None


def _log_scaled(parameter: Parameter) -> bool:
    scaling = parameter.effective_scaling
    if scaling is ScalingType.REVERSE_LOGARITHMIC:
        raise ValueError("the benchmark's problems use no ReverseLogarithmic range")
    return scaling is ScalingType.LOGARITHMIC


def _labels(parameter: CategoricalParameter) -> dict[str, Any]:
    """Each categorical value by its ``str`` label, the form both peers are given."""
    return {str(value): value for value in parameter.values}


def _clip(parameter: Parameter, value: Any) -> Any:
    """A numeric value as the range's Python type, clipped into the range.

    A log-scaled value comes back through ``exp`` and may overshoot its bound in the last
    digit; it is clipped, never moved further.
    """
    low, high = parameter.min_value, parameter.max_value
    if isinstance(parameter, IntegerParameter):
        return int(min(max(int(round(float(value))), low), high))
    return float(min(max(float(value), low), high))


# -- HEBO -----------------------------------------------------------------------------------
def hebo_space(ranges: dict[str, Parameter]) -> list[dict[str, Any]]:
    """HEBO's design-space records for ``ranges`` (``DesignSpace().parse`` reads them)."""
    records = []
    for name, parameter in ranges.items():
        if isinstance(parameter, CategoricalParameter):
            records.append({"name": name, "type": "cat", "categories": list(_labels(parameter))})
            continue
        log = _log_scaled(parameter)
        if isinstance(parameter, IntegerParameter):
            kind = "pow_int" if log else "int"
        else:
            kind = "pow" if log else "num"
        records.append({"name": name, "type": kind, "lb": parameter.min_value, "ub": parameter.max_value})
    return records


class HeboOptimizer:
    """HEBO, asked for a batch (``suggest(n_suggestions=n)``), told each result as it comes."""

    def __init__(self, problem: Problem, seed: int) -> None:
        import torch
        from hebo.design_space.design_space import DesignSpace
        from hebo.optimizers.hebo import HEBO

        torch.set_num_threads(1)
        np.random.seed(seed)  # HEBO samples with numpy's and torch's global generators
        torch.manual_seed(seed)
        self._ranges = dict(problem.ranges)
        self._sign = -1.0 if problem.direction == "Maximize" else 1.0
        self._hebo = HEBO(DesignSpace().parse(hebo_space(self._ranges)), scramble_seed=seed)
        self._pending: list[tuple[dict[str, Any], Any]] = []

    def _point(self, row: Any) -> dict[str, Any]:
        point = {}
        for name, parameter in self._ranges.items():
            value = row[name]
            if isinstance(parameter, CategoricalParameter):
                point[name] = _labels(parameter)[str(value)]
            else:
                point[name] = _clip(parameter, value)
        return point

    def suggest(self, n: int) -> list[dict[str, Any]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas' and GPyTorch's warnings, per batch
            frame = self._hebo.suggest(n_suggestions=n)
        points = []
        for index in range(len(frame)):
            row = frame.iloc[[index]]
            point = self._point(row.iloc[0])
            self._pending.append((point, row))
            points.append(point)
        return points

    def observe(self, point: dict[str, Any], value: float) -> None:
        for index, (pending, row) in enumerate(self._pending):
            if pending is point:
                del self._pending[index]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self._hebo.observe(row, np.array([[self._sign * float(value)]]))
                return
        raise KeyError(f"observe() of a point that was not suggested: {point!r}")


# -- SMAC3 ----------------------------------------------------------------------------------
def smac_space(ranges: dict[str, Parameter], seed: int) -> Any:
    """A ConfigSpace ``ConfigurationSpace`` searching ``ranges`` as their scalings say."""
    from ConfigSpace import Categorical, ConfigurationSpace, Float, Integer

    space = ConfigurationSpace(seed=seed)
    for name, parameter in ranges.items():
        if isinstance(parameter, CategoricalParameter):
            space.add(Categorical(name, list(_labels(parameter))))
            continue
        kind = Integer if isinstance(parameter, IntegerParameter) else Float
        bounds = (parameter.min_value, parameter.max_value)
        space.add(kind(name, bounds, log=_log_scaled(parameter)))
    return space


class SmacOptimizer:
    """SMAC3's HyperparameterOptimizationFacade, asked ``n`` times, then told each cost."""

    def __init__(self, problem: Problem, seed: int, budget: int) -> None:
        from smac import HyperparameterOptimizationFacade, Scenario

        self._ranges = dict(problem.ranges)
        self._sign = -1.0 if problem.direction == "Maximize" else 1.0
        self._directory = tempfile.TemporaryDirectory(prefix="bench-smac-")
        scenario = Scenario(smac_space(self._ranges, seed), deterministic=True, n_trials=budget,
                            seed=seed, output_directory=self._directory.name)

        def never_called(config: Any, seed: int = 0) -> float:
            raise RuntimeError("the benchmark evaluates SMAC's configurations itself (ask and tell)")

        self._smac = HyperparameterOptimizationFacade(scenario, never_called, overwrite=True,
                                                      logging_level=logging.ERROR)
        self._pending: list[tuple[dict[str, Any], Any]] = []

    def _point(self, config: Any) -> dict[str, Any]:
        values = dict(config)
        point = {}
        for name, parameter in self._ranges.items():
            if isinstance(parameter, CategoricalParameter):
                point[name] = _labels(parameter)[str(values[name])]
            else:
                point[name] = _clip(parameter, values[name])
        return point

    def suggest(self, n: int) -> list[dict[str, Any]]:
        points = []
        for _ in range(n):
            info = self._smac.ask()
            point = self._point(info.config)
            self._pending.append((point, info))
            points.append(point)
        return points

    def observe(self, point: dict[str, Any], value: float) -> None:
        from smac.runhistory.dataclasses import TrialValue

        for index, (pending, info) in enumerate(self._pending):
            if pending is point:
                del self._pending[index]
                cost = self._sign * float(value)
                self._smac.tell(info, TrialValue(cost=cost if math.isfinite(cost) else math.inf),
                                save=False)
                return
        raise KeyError(f"observe() of a point that was not suggested: {point!r}")


def make_peer(name: str, problem: Problem, seed: int, budget: int) -> HeboOptimizer | SmacOptimizer:
    """The peer called ``name`` (one of :data:`PEERS`) for one run of ``budget`` jobs."""
    if name == HEBO_NAME:
        return HeboOptimizer(problem, seed)
    if name == SMAC_NAME:
        return SmacOptimizer(problem, seed, budget)
    raise ValueError(f"unknown peer {name!r}; use one of {', '.join(PEERS)}")
