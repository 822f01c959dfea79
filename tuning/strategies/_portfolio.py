"""Bayesian optimisation as a portfolio: a Gaussian process and TPE share every batch.

Why two models: measured on TuneLab's benchmark (``bench/bench_search.py``), the Gaussian
process wins where the objective is smooth (Branin, logistic regression's C, XGBoost on
housing) and TPE where it is rugged or flat near the optimum (SVC, random forests,
ElasticNet). Neither wins everywhere, and a user cannot know in advance which kind of
objective they have. Both learn from every result; each batch of suggestions is split
between them (the Gaussian process "believes" TPE's picks before choosing its own, so
they do not collide), and for single suggestions they take turns.

Why the split can lean (a hedge): an even split spends half of every batch on the half
that suits the problem less. Once each half has :data:`HEDGE_MIN_PICKS` finished
model-based picks, each pick is scored by its rank among all results so far (1 is the best
yet), and the picks go 3:1 to the half whose latest :data:`HEDGE_WINDOW` picks rank better
by more than :data:`HEDGE_MARGIN`; otherwise they stay even. The 3:1 is kept over the asks
since the split began to lean, whatever their sizes: the runner asks for one or two points
at a time as workers free up, and a batch of 4 gets 3 and 1, as measured. This is GP-Hedge's
idea (Hoffman, Brochu and de Freitas, "Portfolio Allocation for Bayesian Optimization",
UAI 2011: a portfolio of acquisition functions, each rewarded by how its picks did), with
ranks for rewards, so a problem's scale does not matter, and a floor of a quarter of the
picks, so the half that lags keeps learning and can win the split back. Measured with
``bench/search_ablation.py`` (11 problems, 10 seeds, batches of 4): the mean score at
16/32/64 jobs went from 36.9/53.8/64.0 (even split) to 36.8/55.6/67.3.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import math

import numpy as np

from tuning.parameters import Parameter
from tuning.strategies._base import MAXIMIZE, Strategy
from tuning.strategies._gaussian_process import GAUSSIAN_PROCESS, RANDOM_START, GaussianProcessStrategy
from tuning.strategies._tpe import TPEStrategy

__all__ = ["GAUSSIAN_PROCESS", "HEDGE_LEAN", "HEDGE_MARGIN", "HEDGE_MIN_PICKS", "HEDGE_WINDOW", "TPE",
           "BayesianStrategy"]

TPE = "TPE"
"""The name of the half that proposed a point, as the call record and the table say it."""
HEDGE_MIN_PICKS = 4
"""Finished model-based picks each half needs before a batch's split leans (module docstring)."""
HEDGE_WINDOW = 8
"""How many of each half's latest finished picks its standing is the mean rank of."""
HEDGE_MARGIN = 0.1
"""How much better (in mean rank, 0 to 1) one half's picks must rank for the split to lean."""
HEDGE_LEAN = 0.75
"""The share of the picks that goes to the half leaned towards, while the split leans."""


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
        self._picked_by: dict[tuple[float, ...], str] = {}  # a pending model-based pick -> its half
        self._credits: list[tuple[str, float]] = []            # (half, value to minimise), finished picks
        self._values: list[float] = []                        # every finished value, to minimise
        self._lean: tuple[str | None, int, int] = (None, 0, 0)  # (half leaned to, picks, TPE's) since it began

    reasoning = ("Each batch is split between two models of the results so far: a Gaussian process, "
                 "which predicts the objective everywhere with an uncertainty and picks where expected "
                 "improvement is highest, and TPE, which compares where the good and the bad results lie. "
                 "Once each model's own picks have results, the split leans 3 to 1 towards the model "
                 "whose picks have ranked better.")

    @property
    def observed(self) -> int:
        return self._gp.observed

    def tpe_view(self):  # noqa: ANN201 - TPEView
        """The TPE half's trials and densities as they stand now (see :meth:`TPEStrategy.tpe_view`)."""
        return self._tpe.tpe_view()

    def last_surrogate(self):  # noqa: ANN201 - SurrogateView | None
        """The Gaussian process behind the last batch's model-based picks (None before it is used)."""
        return self._gp.last_surrogate() if self._gp_picked else None

    def standing(self) -> dict[str, float] | None:
        """Each half's mean rank over its latest :data:`HEDGE_WINDOW` finished picks (1: every
        one the best yet), once both have :data:`HEDGE_MIN_PICKS`; else ``None``."""
        with self._lock:
            return self._standing()

    def _standing(self) -> dict[str, float] | None:
        credits = {half: [v for by, v in self._credits if by == half] for half in (GAUSSIAN_PROCESS, TPE)}
        if min(len(values) for values in credits.values()) < HEDGE_MIN_PICKS:
            return None
        values = np.array(self._values)
        # A pick's rank is against every result so far (later ones too), so only the window is ranked.
        return {half: float(np.mean([np.mean(values > v) + 0.5 * np.mean(values == v)
                                     for v in latest[-HEDGE_WINDOW:]]))
                for half, latest in credits.items()}

    def split_reason(self, n: int) -> str:
        """Why ``n`` points asked for now are split between the halves as they are, in words."""
        with self._lock:
            tpe, towards, _ = self._split(n)
            standing = self._standing()
            counts = {half: sum(by == half for by, _ in self._credits) for half in (GAUSSIAN_PROCESS, TPE)}
        if standing is None:
            judged = (f"each half needs {HEDGE_MIN_PICKS} finished picks of its own model before the split can "
                      f"lean; the Gaussian process has {counts[GAUSSIAN_PROCESS]}, TPE {counts[TPE]}")
        else:
            judged = (f"the Gaussian process's latest picks rank {standing[GAUSSIAN_PROCESS]:.2f} on average among "
                      f"all results, TPE's {standing[TPE]:.2f} (1 = each the best yet), "
                      f"{'more' if towards else 'no more'} than {HEDGE_MARGIN:g} apart")
        split = f"{n - tpe} to the Gaussian process, {tpe} to TPE"
        if towards is not None:
            name = "the Gaussian process" if towards == GAUSSIAN_PROCESS else "TPE"
            return (f"The split leans 3:1 towards {name}, counted over the picks since it began to lean ({judged}): "
                    f"of the {n} asked for now, {split}.")
        if n == 1:
            return (f"The two halves take turns, one job at a time ({judged}): this one is "
                    f"{'TPE' if tpe else 'the Gaussian process'}'s.")
        return f"Split evenly, {split} ({judged})."

    def _split(self, n: int) -> tuple[int, str | None, tuple[str | None, int, int]]:
        """How many of ``n`` points TPE proposes, the half the split leans towards (None: even), and
        the lean's tally once these ``n`` are picked (for :meth:`_suggest` to keep).

        Even: half of a batch, turns for single points. Leaning: TPE's picks since the lean
        began are kept at a quarter (or three quarters) of all picks since, counting these.
        """
        standing = self._standing()
        towards = None
        if standing is not None and abs(standing[GAUSSIAN_PROCESS] - standing[TPE]) > HEDGE_MARGIN:
            towards = GAUSSIAN_PROCESS if standing[GAUSSIAN_PROCESS] > standing[TPE] else TPE
        if towards is None:
            return (self._turn % 2 if n == 1 else n // 2), None, (None, 0, 0)
        _, picks, tpe_picks = self._lean if self._lean[0] == towards else (towards, 0, 0)
        share = 1 - HEDGE_LEAN if towards == GAUSSIAN_PROCESS else HEDGE_LEAN
        tpe = min(n, max(0, math.floor(share * (picks + n) + 0.5) - tpe_picks))
        return tpe, towards, (towards, picks + n, tpe_picks + tpe)

    def _suggest(self, n: int) -> list[dict[str, Any]]:
        tpe_count, _, self._lean = self._split(n)
        self._turn += 1
        tpe_points = self._tpe.suggest(tpe_count) if tpe_count else []
        gp_points = self._gp.suggest_beside(n - tpe_count, tpe_points)
        self._gp_picked = bool(gp_points)
        self._tpe.note_running(gp_points)  # running: TPE must not repeat them in a later batch
        gp_by = self._gp.calls[-1]["by"] if gp_points else []
        tpe_by = [TPE if self._tpe.model_in_use else f"{TPE} ({RANDOM_START})"] * len(tpe_points)
        self._last_proposers = [*gp_by, *tpe_by]
        for point, by in zip([*gp_points, *tpe_points], self._last_proposers):
            if by in (GAUSSIAN_PROCESS, TPE):  # the starts are no half's judgement
                self._picked_by[self._key(point)] = by
        return [*gp_points, *tpe_points]

    def _key(self, point: dict[str, Any]) -> tuple[float, ...]:
        return tuple(np.round(self._gp._space.encode(point), 9))

    def _replaced(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        # Whichever half made the repeat swaps its pending trial; both count the new point as tried.
        for half in (self._gp, self._tpe):
            half.note_running([new])
            half._replaced(old, new)
        by = self._picked_by.pop(self._key(old), None)
        if by is not None:
            self._picked_by[self._key(new)] = by

    def _observe(self, hyperparameters: dict[str, Any], value: float | None, stopped_at: int | None) -> None:
        self._gp.observe(hyperparameters, value, stopped_at=stopped_at)
        self._tpe.observe(hyperparameters, value, stopped_at=stopped_at)
        by = self._picked_by.pop(self._key(hyperparameters), None)
        if value is None or stopped_at is not None:
            return  # a failed job ranks nowhere; a stopped one's value is partial, not its own
        to_minimise = -value if self._objective_type == MAXIMIZE else value
        self._values.append(to_minimise)
        if by is not None:
            self._credits.append((by, to_minimise))

