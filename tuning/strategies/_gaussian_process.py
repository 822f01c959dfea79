"""Bayesian optimisation with a Gaussian process: AMT's own kind of model.

It is one half of TuneLab's Bayesian strategy (``_portfolio.py``), TPE the other.

Why this is written here rather than taken from Optuna: Optuna's ``GPSampler`` needs
PyTorch (a 700 MB dependency for a laptop tool) and, in batch mode, does not account for
the jobs still running, so four parallel suggestions crowd onto one point. The pieces
that libraries do well are still theirs: scikit-learn fits the Gaussian process (its
``GaussianProcessRegressor`` with a Matérn kernel, hyperparameters by maximum
likelihood), SciPy draws the scrambled Sobol start and the normal distribution's tails.
What is ours is the loop around them, in about 250 lines.

How a suggestion is made (each step is a common, published practice):

1. *Space.* Every numeric range is mapped to [0, 1] with its scaling (``to_unit``), so a
   Logarithmic range is searched evenly in decades; an integer is snapped to the unit
   position of a whole number; a categorical range becomes one 0/1 column per value.
2. *Start.* The first jobs come from a scrambled Sobol sequence (evenly spread, unlike
   independent random draws) until ``n_initial`` results are in.
3. *Model.* The results, seen as "lower is better", are replaced by the normal scores of
   their ranks (a Gaussian copula, as in Salinas et al. 2020: only their order counts, so
   a few terrible jobs no longer flatten the rest of the surface, and a plateau of nearly
   equal good values is spread out), then fitted by a Gaussian process with a Matérn-5/2 kernel, one length scale per dimension (so
   it learns which hyperparameters matter), and a noise term. Failed jobs count as the
   worst result seen. Beyond :data:`MAX_MODEL_POINTS` results the model keeps the best
   quarter and a seeded sample of the rest, so a suggestion never grows without bound;
   there the kernel's hyperparameters are fitted again every :data:`REFIT_EVERY` suggestions,
   not at each, and from the previous fit without a random restart (the usual economy of
   long BO runs, as Spearmint's and GPyOpt's refit intervals): estimated on 160 results,
   they move little with four more, and their fit was three quarters of a suggestion's time
   after 1,000 results (0.6 s on this machine, measured). Below the cap, so at every budget
   the search benchmark runs, nothing changes.
   *Stopped jobs are censored, not final* (Hutter, Hoos & Leyton-Brown 2013, "Bayesian
   Optimization With Censored Response Data", after Schmee & Hahn 1979): a job stopped
   early was judged worse than the median of the others at its round, so all that is
   known is "at least as bad as the median". Its interim value is not used; instead the
   model, fitted on the finished jobs, predicts it, and the prediction is replaced by the
   mean of that predictive normal truncated to "worse than the median". The model is then
   fitted on everything. (Taken as final, the interim values, scored while every model
   still predicted the majority class, made the model believe stopped regions were
   terrible and, near a stopped clone of the best job, that the best job was a fluke.)
4. *Acquisition.* Log expected improvement over the best result, maximised over Sobol
   candidates plus perturbations of the best points found so far (small, medium and large
   steps, categories switched at random), refined around the best candidates.
5. *Parallel jobs.* Each pick, and each job still running, is added to the model as if it
   had returned the model's own prediction (the *kriging believer*); the next pick then
   looks elsewhere, so a batch of four spreads out instead of repeating itself. A
   candidate that is the same as a point already tried or running (to within 2% of each
   range, :mod:`tuning.strategies._novelty`) is passed over for the next best.

Seeds: the same ``random_seed`` and the same sequence of calls with the same values give
the same suggestions.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import erfcx, log_ndtr, ndtri
from scipy.stats import rankdata
from scipy.stats import qmc
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
from threadpoolctl import threadpool_limits

from tuning.errors import ValidationError
from tuning.parameters import CategoricalParameter, IntegerParameter, Parameter
from tuning.strategies._base import MAXIMIZE, Strategy

__all__ = ["MAX_MODEL_POINTS", "GaussianProcessStrategy", "SurrogateView"]

MAX_MODEL_POINTS = 160
"""Most results the Gaussian process is fitted on (its cost grows with the cube)."""
GAUSSIAN_PROCESS = "Gaussian process"
"""Who proposed a point, as the record of calls and the table say it: the model, or the start."""
SOBOL_START = "Sobol start"
RANDOM_START = "random start"
_SOBOL_CANDIDATES = 1024
_LOCAL_CANDIDATES = 2048
_FIT_ITERATIONS = 200
REFIT_EVERY = 4
"""Beyond :data:`MAX_MODEL_POINTS` results, suggestions between two fits of the kernel's hyperparameters."""
"""Most L-BFGS steps for the kernel's hyperparameters in one fit."""
_TOP_POINTS = 8
_STEP_SIZES = (0.01, 0.05, 0.15)


class _Space:
    """Hyperparameter dicts <-> rows of numbers in [0, 1]."""

    def __init__(self, ranges: Mapping[str, Parameter]) -> None:
        self.ranges = dict(ranges)
        self.slices: dict[str, slice] = {}
        width = 0
        for name, parameter in self.ranges.items():
            size = len(parameter.values) if isinstance(parameter, CategoricalParameter) else 1
            self.slices[name] = slice(width, width + size)
            width += size
        self.width = width

    def encode(self, point: Mapping[str, Any]) -> np.ndarray:
        row = np.zeros(self.width)
        for name, parameter in self.ranges.items():
            where = self.slices[name]
            if isinstance(parameter, CategoricalParameter):
                row[where.start + parameter.index(point[name])] = 1.0
            else:
                row[where.start] = parameter.to_unit(point[name])
        return row

    def decode(self, row: np.ndarray) -> dict[str, Any]:
        point: dict[str, Any] = {}
        for name, parameter in self.ranges.items():
            where = self.slices[name]
            if isinstance(parameter, CategoricalParameter):
                point[name] = parameter.values[int(np.argmax(row[where]))]
            else:
                point[name] = parameter.from_unit(float(row[where.start]))
        return point

    def snap(self, rows: np.ndarray) -> np.ndarray:
        """Rows moved onto points a job can run: whole numbers, one category each."""
        rows = np.clip(rows, 0.0, 1.0)
        for name, parameter in self.ranges.items():
            where = self.slices[name]
            if isinstance(parameter, CategoricalParameter):
                choice = np.argmax(rows[:, where], axis=1)
                block = np.zeros((len(rows), where.stop - where.start))
                block[np.arange(len(rows)), choice] = 1.0
                rows[:, where] = block
            elif isinstance(parameter, IntegerParameter):
                values = [parameter.from_unit(u) for u in rows[:, where.start]]
                rows[:, where.start] = [parameter.to_unit(v) for v in values]
        return rows

    def from_cube(self, cube: np.ndarray) -> np.ndarray:
        """Points of the unit cube of one dimension per hyperparameter -> encoded rows."""
        rows = np.zeros((len(cube), self.width))
        for column, (name, parameter) in enumerate(self.ranges.items()):
            where = self.slices[name]
            if isinstance(parameter, CategoricalParameter):
                choice = np.minimum((cube[:, column] * len(parameter.values)).astype(int), len(parameter.values) - 1)
                rows[np.arange(len(cube)), where.start + choice] = 1.0
            else:
                rows[:, where.start] = cube[:, column]
        return self.snap(rows)


class SurrogateView:
    """The Gaussian process exactly as it scored a suggestion, for a student to look into.

    Kept by :meth:`GaussianProcessStrategy.last_surrogate` after each model-based suggestion:
    the fitted model (with the running jobs "believed", as when it picked), the best value it
    tried to improve on, and the results it was fitted on. The model works on the normal
    scores of the results' ranks (the module docstring's step 3); :meth:`predict` maps its
    mean and band back onto the objective's own scale through the results' ranks, so a
    chart can say "predicted validation:accuracy" and be read as one.
    """

    def __init__(self, space: _Space, model: GaussianProcessRegressor, best: float, values: np.ndarray,
                 warped: np.ndarray, maximize: bool) -> None:
        self._space, self._model, self._best, self._maximize = space, model, best, maximize
        order = np.argsort(warped, kind="stable")
        self._warped_sorted = warped[order]
        self._values_sorted = values[order]

    def predict(self, points: list[Mapping[str, Any]]) -> dict[str, np.ndarray]:
        """For each point: ``mean`` and ``low``/``high`` (a band of one standard deviation) on
        the objective's scale, ``std`` on the model's scale, and ``log_ei``, the acquisition."""
        rows = np.array([self._space.encode(point) for point in points])
        mean, std = self._model.predict(rows, return_std=True)
        log_ei = _log_expected_improvement(mean, std, self._best)
        sign = -1.0 if self._maximize else 1.0
        one, other = sign * self._to_objective(mean - std), sign * self._to_objective(mean + std)
        return {"mean": sign * self._to_objective(mean), "low": np.minimum(one, other),
                "high": np.maximum(one, other), "std": std, "log_ei": log_ei}

    def _to_objective(self, warped: np.ndarray) -> np.ndarray:
        """Model scale -> objective ("lower is better"), monotone, through the fitted results' ranks."""
        if len(self._warped_sorted) < 2 or np.ptp(self._warped_sorted) <= 0:
            return np.full_like(warped, float(np.mean(self._values_sorted)) if len(self._values_sorted) else 0.0)
        return np.interp(warped, self._warped_sorted, self._values_sorted)


def _log_expected_improvement(mean: np.ndarray, std: np.ndarray, best: float) -> np.ndarray:
    """log EI for minimisation, accurate far into the tails (where plain EI is 0).

    EI = std * h(z) with z = (best - mean) / std and h(z) = phi(z) + z Phi(z). For z well
    below 0, h(z) = phi(z) (1 + z * Phi(z)/phi(z)) with the Mills ratio from ``erfcx``.
    """
    std = np.maximum(std, 1e-12)
    z = (best - mean) / std
    log_h = np.empty_like(z)
    upper = z > -4.0
    zu = z[upper]
    log_h[upper] = np.log(np.exp(-0.5 * zu**2) / math.sqrt(2 * math.pi) + zu * np.exp(log_ndtr(zu)))
    zl = z[~upper]
    ratio = 1.0 + zl * math.sqrt(math.pi / 2) * erfcx(-zl / math.sqrt(2))
    log_h[~upper] = -0.5 * zl**2 - 0.5 * math.log(2 * math.pi) + np.log(np.maximum(ratio, 1e-300))
    return log_h + np.log(std)


def _bounded_lbfgs(objective: Any, theta: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, float]:
    """scikit-learn's kernel optimiser with a cap on its steps, so a fit's time is bounded."""
    result = minimize(objective, theta, method="L-BFGS-B", jac=True, bounds=bounds,
                      options={"maxiter": _FIT_ITERATIONS})
    return result.x, float(result.fun)


class GaussianProcessStrategy(Strategy):
    """Bayesian optimisation with a Gaussian process and expected improvement.

    See the module docstring for the steps. ``n_initial`` is the number of Sobol jobs
    before the model is used (default: the number of model dimensions plus one, at least
    4 and at most 10).
    """

    name = "Bayesian"

    def __init__(
        self,
        *,
        hyperparameter_ranges: Mapping[str, Parameter],
        objective_type: str = MAXIMIZE,
        random_seed: int | None = None,
        max_jobs: int | None = None,
        n_initial: int | None = None,
    ) -> None:
        super().__init__(hyperparameter_ranges=hyperparameter_ranges, objective_type=objective_type,
                         random_seed=random_seed, max_jobs=max_jobs)
        self._space = _Space(self._ranges)
        if n_initial is None:
            n_initial = min(10, max(4, self._space.width + 1))
        if isinstance(n_initial, bool) or not isinstance(n_initial, int) or n_initial < 1:
            raise ValidationError(f"n_initial must be a whole number of 1 or more, but got {n_initial!r}.")
        self._n_initial = n_initial
        self._rng = np.random.default_rng(self._random_seed)
        self._sobol = qmc.Sobol(d=len(self._ranges), scramble=True, seed=self._rng)
        self._rows: list[np.ndarray] = []      # observed points, encoded
        self._values: list[float | None] = []  # their results, "lower is better"; None: failed
        self._censored: list[bool] = []        # stopped early: only "worse than the median" is known
        self._pending: list[np.ndarray] = []   # suggested, not yet observed
        self._kernel: Any = None               # the kernel fitted for this suggestion
        self._since_fit = 0                    # suggestions since its hyperparameters were fitted
        self._surrogate: SurrogateView | None = None

    # -- the contract ----------------------------------------------------------------------
    def _suggest(self, n: int) -> list[dict[str, Any]]:
        self._surrogate = None  # set again below when the model picks
        picks: list[np.ndarray] = []
        observed = sum(value is not None for value in self._values)
        while len(picks) < n and observed + len(self._pending) + len(picks) < self._n_initial:
            picks.append(self._space.from_cube(self._sobol.random(1))[0])
        sources = [SOBOL_START] * len(picks)
        if len(picks) < n:
            if observed < 2:
                while len(picks) < n:
                    picks.append(self._space.from_cube(self._rng.random((1, len(self._ranges))))[0])
                    sources.append(RANDOM_START)
            else:
                sources.extend([GAUSSIAN_PROCESS] * (n - len(picks)))
                # One BLAS thread: these matrices are small (at most a few hundred rows), and
                # OpenBLAS's threads, fighting the training jobs for two cores, made one
                # 160 x 160 Cholesky take 65 ms instead of 0.4 ms (measured here).
                with threadpool_limits(limits=1):
                    picks.extend(self._model_picks(n - len(picks), picks))
        self._pending.extend(picks)
        self._last_proposers = sources
        return [self._space.decode(row) for row in picks]

    def _observe(self, hyperparameters: dict[str, Any], value: float | None, stopped_at: int | None) -> None:
        row = self._space.encode(hyperparameters)
        for position, pending in enumerate(self._pending):
            if np.allclose(pending, row, atol=1e-9):
                del self._pending[position]
                break
        if value is not None and self._objective_type == MAXIMIZE:
            value = -value
        self._rows.append(row)
        self._values.append(value)
        self._censored.append(value is not None and stopped_at is not None)

    def _replaced(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        row = self._space.encode(old)
        for position, pending in enumerate(self._pending):
            if np.allclose(pending, row, atol=1e-9):
                self._pending[position] = self._space.encode(new)
                return

    def suggest_beside(self, n: int, others: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``n`` suggestions made knowing that ``others`` (another model's picks) run too."""
        with self._lock:
            self._pending.extend(self._space.encode(point) for point in others)
        self.note_running(others)
        return self.suggest(n) if n > 0 else []

    @property
    def observed(self) -> int:
        """How many results the strategy has learnt from (its own jobs, and warm-start ones)."""
        return len(self._values)

    def last_surrogate(self) -> SurrogateView | None:
        """The model behind the last model-based suggestion (None before the model is used)."""
        return self._surrogate

    # -- the model ---------------------------------------------------------------------------
    def _training_set(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Points, results ("lower is better"; a failure as the worst) and which are censored."""
        finished = [v for v, c in zip(self._values, self._censored) if v is not None and not c]
        finite = finished or [v for v in self._values if v is not None]
        worst = max(finite)
        x = np.array(self._rows)
        censored = np.array(self._censored, dtype=bool)
        y = np.array([worst if v is None else v for v in self._values])
        y[censored] = worst  # a placeholder: censored results are imputed after the warp
        if len(y) > MAX_MODEL_POINTS:
            order = np.argsort(np.where(censored, np.inf, y), kind="stable")
            best = order[: MAX_MODEL_POINTS // 4]
            rest = self._rng.choice(order[MAX_MODEL_POINTS // 4:], MAX_MODEL_POINTS - len(best), replace=False)
            keep = np.sort(np.concatenate([best, rest]))
            x, y, censored = x[keep], y[keep], censored[keep]
        return x, y, censored

    def _impute_censored(self, x: np.ndarray, warped: np.ndarray, censored: np.ndarray) -> np.ndarray:
        """Censored results -> the mean of the model's prediction truncated to "worse than the
        median of the finished jobs" (see the module docstring)."""
        if not censored.any():
            return warped
        warped = warped.copy()
        known = ~censored
        if known.sum() < 3:  # too few finished jobs for a model: as bad as the worst known
            warped[censored] = warped[known].max() if known.any() else 0.0
            return warped
        bound = float(np.median(warped[known]))
        model = self._fit(x[known], warped[known], optimize=True)
        mean, std = model.predict(x[censored], return_std=True)
        std = np.maximum(std, 1e-9)
        alpha = (bound - mean) / std
        # E[Y | Y > bound] for Y ~ N(mean, std^2): mean + std * phi(alpha) / (1 - Phi(alpha)),
        # with the inverse Mills ratio written through erfcx, exact far into the tail.
        mills = math.sqrt(2 / math.pi) / erfcx(alpha / math.sqrt(2))
        warped[censored] = np.maximum(mean + std * mills, bound)
        return warped

    def _fit(self, x: np.ndarray, y: np.ndarray, *, optimize: bool, warm: bool = False) -> GaussianProcessRegressor:
        """A Gaussian process on (x, y); ``optimize`` also fits the kernel's hyperparameters.

        The kernel fit starts from neutral values plus one random restart: starting from
        the previous fit instead was measured to get stuck where a few early points had
        put it (much worse results on a mixed integer/categorical problem). ``warm`` (only
        beyond :data:`MAX_MODEL_POINTS`, where 160 results, not a few early ones, made the
        previous fit) starts from it, once, without the restart: half the time.
        """
        if not optimize or warm:
            kernel = self._kernel
        else:
            kernel = (ConstantKernel(1.0, (1e-2, 1e2))
                      * Matern(length_scale=np.full(x.shape[1], 0.5), length_scale_bounds=(1e-2, 2e1), nu=2.5)
                      + WhiteKernel(1e-3, (1e-6, 1e-1)))
        model = GaussianProcessRegressor(
            kernel=kernel, normalize_y=False, optimizer=_bounded_lbfgs if optimize else None,
            n_restarts_optimizer=1 if optimize and not warm else 0, random_state=int(self._rng.integers(2**31)),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            model.fit(x, y)
        if optimize:
            self._kernel = model.kernel_
        return model

    def _warp(self, y: np.ndarray) -> np.ndarray:
        """Results -> normal scores of their ranks (a Gaussian copula transform).

        Only the order of the results matters then, as for TPE: a plateau of near-equal
        good values is spread out so the model can tell its points apart, and a few
        diverged jobs cannot flatten everything else. Ties share their mean rank.
        """
        if np.ptp(y) <= 0:
            return np.zeros_like(y)
        ranks = rankdata(y)  # 1 = lowest = best
        return ndtri((ranks - 0.5) / len(y))

    def _candidates(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        dims = len(self._ranges)
        sobol = self._space.from_cube(qmc.Sobol(d=dims, scramble=True, seed=self._rng).random(_SOBOL_CANDIDATES))
        top = x[np.argsort(y)[:_TOP_POINTS]]
        per_point = _LOCAL_CANDIDATES // len(top)
        local = []
        for row in top:
            steps = self._rng.choice(_STEP_SIZES, size=(per_point, 1))
            moved = row + self._rng.normal(size=(per_point, row.size)) * steps
            moved = self._switch_categories(moved)
            local.append(moved)
        return np.vstack([sobol, self._space.snap(np.vstack(local))])

    def _switch_categories(self, rows: np.ndarray, share: float = 0.15) -> np.ndarray:
        for parameter_name, parameter in self._ranges.items():
            if not isinstance(parameter, CategoricalParameter):
                continue
            where = self._space.slices[parameter_name]
            switch = self._rng.random(len(rows)) < share
            choice = self._rng.integers(len(parameter.values), size=int(switch.sum()))
            block = np.zeros((int(switch.sum()), len(parameter.values)))
            block[np.arange(len(choice)), choice] = 1.0
            rows[switch, where] = block
        return rows

    def _model_picks(self, n: int, first: list[np.ndarray]) -> list[np.ndarray]:
        x, y, censored = self._training_set()
        warped = np.zeros_like(y)
        warped[~censored] = self._warp(y[~censored]) if (~censored).any() else 0.0
        warped = self._impute_censored(x, warped, censored)
        best = float(warped[~censored].min()) if (~censored).any() else float(warped.min())
        beyond_cap = self._kernel is not None and len(self._values) > MAX_MODEL_POINTS
        refit = not beyond_cap or self._since_fit + 1 >= REFIT_EVERY
        self._since_fit = 0 if refit else self._since_fit + 1
        model = self._fit(x, warped, optimize=refit, warm=beyond_cap)
        believed_x, believed_y = x, warped
        believers = [*self._pending, *first]
        if believers:
            believers_x = np.array(believers)
            believed_x = np.vstack([x, believers_x])
            believed_y = np.concatenate([warped, model.predict(believers_x)])
            model = self._fit(believed_x, believed_y, optimize=False)
        finished = ~censored
        self._surrogate = SurrogateView(self._space, model, best, y[finished], warped[finished],
                                        self._objective_type == MAXIMIZE)
        candidates = self._candidates(x, warped)
        picks: list[np.ndarray] = []
        for _ in range(n):
            pick = self._best_candidate(model, candidates, best, [self._space.decode(row) for row in [*first, *picks]])
            picks.append(pick)
            believed_x = np.vstack([believed_x, pick])
            believed_y = np.append(believed_y, model.predict(pick.reshape(1, -1)))
            model = self._fit(believed_x, believed_y, optimize=False)
        return picks

    def _best_candidate(self, model: GaussianProcessRegressor, candidates: np.ndarray, best: float,
                        batch: list[dict[str, Any]]) -> np.ndarray:
        mean, std = model.predict(candidates, return_std=True)
        score = _log_expected_improvement(mean, std, best)
        # Refine: small steps around the best few candidates, then pick the best of all.
        top = candidates[np.argsort(score)[-4:]]
        steps = self._rng.normal(size=(4, 64, candidates.shape[1])) * 0.01
        refined = self._space.snap((top[:, None, :] + steps).reshape(-1, candidates.shape[1]))
        mean_r, std_r = model.predict(refined, return_std=True)
        pool = np.vstack([candidates, refined])
        score = np.concatenate([score, _log_expected_improvement(mean_r, std_r, best)])
        for index in np.argsort(score)[::-1]:
            # A point already run (or running) teaches nothing new: take the next best.
            if self._seen.is_new(self._space.decode(pool[index]), also=batch):
                return pool[index]
        return self._space.from_cube(self._rng.random((1, len(self._ranges))))[0]
