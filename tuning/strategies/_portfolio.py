"""Bayesian optimisation as a portfolio: a Gaussian process and TPE share every batch.

Why two models: measured on TuneLab's benchmark (``bench/bench_search.py``), the Gaussian
process wins where the objective is smooth (Branin, logistic regression's C, XGBoost on
housing) and TPE where it is rugged or flat near the optimum (SVC, random forests,
ElasticNet). Neither wins everywhere, and a user cannot know in advance which kind of
objective they have. Both learn from every result; each batch of suggestions is split
between them (the Gaussian process "believes" TPE's picks before choosing its own, so
they do not collide), and for single suggestions they take turns. This is the idea of
a portfolio of acquisition strategies (GP-Hedge, HEBO's ensembles), at its simplest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tuning.parameters import Parameter
from tuning.strategies._base import MAXIMIZE, Strategy
from tuning.strategies._gaussian_process import GAUSSIAN_PROCESS, RANDOM_START, GaussianProcessStrategy
from tuning.strategies._tpe import TPEStrategy

__all__ = ["GAUSSIAN_PROCESS", "TPE", "BayesianStrategy"]

TPE = "TPE"
"""The name of the half that proposed a point, as the call record and the table say it."""


class BayesianStrategy(Strategy):
    """A Gaussian process and Optuna's TPE, sharing each batch; see the module docstring.

    ``observed`` counts the results learnt from. Seeds: the same ``random_seed`` and the
    same calls with the same values give the same suggestions.
    """

    name = "Bayesian"
    summary = ("Fits models of the objective to the results so far (a Gaussian process and TPE) and "
               "picks the next hyperparameters where improvement is likely.")

    def __init__(
        self,
        *,
        hyperparameter_ranges: Mapping[str, Parameter],
        objective_type: str = MAXIMIZE,
        random_seed: int | None = None,
        max_jobs: int | None = None,
    ) -> None:
        super().__init__(hyperparameter_ranges=hyperparameter_ranges, objective_type=objective_type,
                         random_seed=random_seed, max_jobs=max_jobs)
        common: dict[str, Any] = dict(hyperparameter_ranges=self._ranges, objective_type=self._objective_type,
                                      random_seed=random_seed, max_jobs=max_jobs)
        self._gp = GaussianProcessStrategy(**common)
        self._tpe = TPEStrategy(**common)
        self._turn = 0
        self._gp_picked = False

    reasoning = ("Each batch is split between two models of the results so far: a Gaussian process, "
                 "which predicts the objective everywhere with an uncertainty and picks where expected "
                 "improvement is highest, and TPE, which compares where the good and the bad results lie.")

    @property
    def observed(self) -> int:
        return self._gp.observed

    def tpe_view(self):  # noqa: ANN201 - TPEView
        """The TPE half's trials and densities as they stand now (see :meth:`TPEStrategy.tpe_view`)."""
        return self._tpe.tpe_view()

    def last_surrogate(self):  # noqa: ANN201 - SurrogateView | None
        """The Gaussian process behind the last batch's model-based picks (None before it is used)."""
        return self._gp.last_surrogate() if self._gp_picked else None

    def _suggest(self, n: int) -> list[dict[str, Any]]:
        tpe_count = n // 2 if n > 1 else self._turn % 2
        self._turn += 1
        tpe_points = self._tpe.suggest(tpe_count) if tpe_count else []
        gp_points = self._gp.suggest_beside(n - tpe_count, tpe_points)
        self._gp_picked = bool(gp_points)
        self._tpe.note_running(gp_points)  # running: TPE must not repeat them in a later batch
        gp_by = self._gp.calls[-1]["by"] if gp_points else []
        tpe_by = [TPE if self._tpe.model_in_use else f"{TPE} ({RANDOM_START})"] * len(tpe_points)
        self._last_proposers = [*gp_by, *tpe_by]
        return [*gp_points, *tpe_points]

    def _replaced(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        # Whichever half made the repeat swaps its pending trial; both count the new point as tried.
        for half in (self._gp, self._tpe):
            half.note_running([new])
            half._replaced(old, new)

    def _observe(self, hyperparameters: dict[str, Any], value: float | None, stopped_at: int | None) -> None:
        self._gp.observe(hyperparameters, value, stopped_at=stopped_at)
        self._tpe.observe(hyperparameters, value, stopped_at=stopped_at)

