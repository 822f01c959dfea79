"""What every search strategy shares: the suggest / observe contract and its checks.

A *search strategy* decides which hyperparameters the next training jobs try. The tuning
job runner drives it with two calls, the ask-and-tell split Optuna uses:

- :meth:`Strategy.suggest` ``(n)`` proposes ``n`` sets of hyperparameters to train now,
  side by side (one per free worker);
- :meth:`Strategy.observe` reports one finished training job: its hyperparameters and its
  objective value (``None`` when it failed; ``stopped_at`` when it was stopped early).

Because proposing and reporting are separate, any executor can sit between them, and
results may come back in any order. Strategies that do not learn (Grid, Random) simply
ignore what they observe.

Every call is written down (:attr:`Strategy.calls`): what was asked, what was proposed and
by which model, what was heard and from which training job. A tuning job stores that record
as it runs, and :mod:`tuning.explain.replay` rebuilds the strategy from it, step by step, to
show a student why each point was picked.

Every suggestion passes one test here, whichever strategy made it: it must not be a point
already evaluated or running (:mod:`tuning.strategies._novelty`). A repeat is replaced by
the strategy's own alternative (:meth:`Strategy._alternative`: by default a fresh random
draw); when none can be found the search space is exhausted, the repeat stands, and
:attr:`Strategy.repeats_note` says so.
"""

from __future__ import annotations

import abc
import math
import threading
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from tuning.errors import ValidationError
from tuning.parameters import CategoricalParameter, IntegerParameter, Parameter, validate_ranges
from tuning.strategies._novelty import NEAR, SeenPoints

__all__ = ["MAXIMIZE", "MINIMIZE", "MAX_RANDOM_SEED", "NEW_POINT_TRIES", "Strategy"]

MAXIMIZE = "Maximize"
MINIMIZE = "Minimize"
MAX_RANDOM_SEED = 2**31 - 1
"""The largest ``random_seed`` accepted (the same bound as the tuning job's RandomSeed)."""
NEW_POINT_TRIES = 200
"""Random draws tried for a point not yet seen before the space counts as exhausted."""


def _is_whole(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def check_objective_type(objective_type: Any) -> str:
    """``Maximize`` or ``Minimize`` (any letter case); anything else is refused."""
    if isinstance(objective_type, str):
        for direction in (MAXIMIZE, MINIMIZE):
            if objective_type.strip().lower() == direction.lower():
                return direction
    raise ValidationError(
        f"objective_type (Objective.Type) must be {MAXIMIZE!r} or {MINIMIZE!r}, but got "
        f"{objective_type!r}. Use 'Maximize' for metrics such as accuracy and 'Minimize' for "
        "errors such as rmse."
    )


def check_random_seed(random_seed: Any) -> int | None:
    """``None`` (a fresh seed each run) or a whole number from 0 to 2**31 - 1."""
    if random_seed is None:
        return None
    if not _is_whole(random_seed) or not 0 <= random_seed <= MAX_RANDOM_SEED:
        raise ValidationError(
            f"random_seed (RandomSeed) must be None or a whole number from 0 to {MAX_RANDOM_SEED}, "
            f"but got {random_seed!r}. Give a seed such as 42 to repeat a search, or None."
        )
    return int(random_seed)


def check_max_jobs(max_jobs: Any) -> int | None:
    """``None`` (no budget known to the strategy) or a whole number of at least 1."""
    if max_jobs is None:
        return None
    if not _is_whole(max_jobs) or max_jobs < 1:
        raise ValidationError(
            f"max_jobs (MaxNumberOfTrainingJobs) must be None or a whole number of at least 1, "
            f"but got {max_jobs!r}. Give the number of training jobs to run, such as 20."
        )
    return int(max_jobs)


class Strategy(abc.ABC):
    """A search strategy: proposes hyperparameters (``suggest``), learns from results (``observe``).

    Subclasses implement :meth:`_suggest` (and :meth:`_observe` when they learn); this
    class checks the arguments of both calls and serialises them with a lock, so one
    strategy can be shared by the threads of a runner.

    A suggestion is a dict from hyperparameter name to value: a Python ``int`` for an
    :class:`~tuning.parameters.IntegerParameter`, a Python ``float`` for a
    :class:`~tuning.parameters.ContinuousParameter`, and the category value itself for a
    :class:`~tuning.parameters.CategoricalParameter`. Every value lies inside its range.
    """

    name: ClassVar[str] = ""
    """The strategy's AMT name: ``Grid``, ``Random``, ``Bayesian`` or ``Hyperband``."""
    summary: ClassVar[str] = ""
    """One sentence for students, shown beside the strategy on the Create page."""
    depends_on_results: ClassVar[bool] = True
    """Whether a suggestion depends on the results observed so far. When it does not (Grid,
    Random), the runner queues jobs ahead and a resume skips the suggestions already made
    instead of replaying results."""
    refuses_repeats: ClassVar[bool] = True
    """Whether :meth:`suggest` replaces a repeat of a point already tried (Grid's points are
    distinct by construction, and closer together than the test's tolerance on a fine grid)."""
    settings: ClassVar[tuple[str, ...]] = ()
    """The StrategyConfig fields the strategy reads (Grid: GridPoints; Hyperband: MinResource,
    MaxResource); the Create page shows an input for each, and they are refused with another strategy."""
    grows_resource: ClassVar[bool] = False
    """Whether the strategy stops weak jobs itself along the algorithm's training resource
    (Hyperband): the resource is then not tuned, early stopping stays off, and an algorithm
    that trains in one step cannot be used with it."""
    counts_its_jobs: ClassVar[bool] = False
    """Whether the strategy knows how many jobs it has (Grid: the grid's size), so that
    max_jobs may be left out; :attr:`total_jobs` is then that number."""
    reasoning: ClassVar[str] = ""
    """How the strategy picks its points, and whether results change them: the sentence the
    Explain page shows beside a replay."""
    warm_start_refusal: ClassVar[str | None] = None
    """Why the strategy cannot start from parent tuning jobs' results (Grid: its points are
    fixed in advance), or None when it can."""

    def __init__(
        self,
        *,
        hyperparameter_ranges: Mapping[str, Parameter],
        objective_type: str = MAXIMIZE,
        random_seed: int | None = None,
        max_jobs: int | None = None,
    ) -> None:
        # A strategy is public on its own (built in a notebook, a test), so it keeps its
        # contract's checks; a tuning job's ranges reach it already through prepare's gate.
        self._ranges = validate_ranges(hyperparameter_ranges)
        self._objective_type = check_objective_type(objective_type)
        self._random_seed = check_random_seed(random_seed)
        self._max_jobs = check_max_jobs(max_jobs)
        self._lock = threading.Lock()
        self._seen = SeenPoints(self._ranges)
        # Its own generator, so replacing a repeat never shifts a strategy's own draws.
        self._novelty_rng = np.random.default_rng(None if self._random_seed is None else [self._random_seed, 17])
        self._repeats = 0
        self.calls: list[dict[str, Any]] = []
        """Every call of :meth:`suggest`, :meth:`observe` and :meth:`note_running`, in order, as
        JSON-ready dicts (``{"call": "suggest", "n": 2, "points": [...], "by": [...]}``, ...):
        the record a replay feeds a new strategy of the same kind (:mod:`tuning.explain.replay`)."""
        self._last_proposers: list[str] | None = None

    # -- what the runner reads -------------------------------------------------------------
    @property
    def hyperparameter_ranges(self) -> dict[str, Parameter]:
        """The ranges searched, in their given order (a copy)."""
        return dict(self._ranges)

    @property
    def objective_type(self) -> str:
        """``Maximize`` or ``Minimize``."""
        return self._objective_type

    @property
    def random_seed(self) -> int | None:
        return self._random_seed

    @property
    def max_jobs(self) -> int | None:
        return self._max_jobs

    @property
    def exhausted(self) -> bool:
        """True when the strategy has nothing more to suggest (only a finished grid)."""
        return False

    @property
    def repeats_note(self) -> str | None:
        """Why a suggestion repeated a point already tried, or ``None`` while none did."""
        if not self._repeats:
            return None
        return (f"The search space is exhausted: {self._repeats} suggestion(s) repeated hyperparameters "
                f"already tried, because no untried point was left (integer and categorical values "
                f"alike, continuous ones within {NEAR:.0%} of their range).")

    @property
    def total_jobs(self) -> int | None:
        """How many training jobs the strategy can suggest at most (Grid), else ``None``."""
        return None

    # -- the contract ----------------------------------------------------------------------
    def suggest(self, n: int) -> list[dict[str, Any]]:
        """Propose ``n`` sets of hyperparameters to train side by side; ``n <= 0`` gives ``[]``.

        A Grid may return fewer than ``n`` once every grid point has been handed out.
        """
        if not _is_whole(n):
            raise ValidationError(
                f"{self.name} strategy: suggest(n) needs a whole number of suggestions, but got "
                f"{n!r}. Pass the number of free workers, such as 2."
            )
        if n <= 0:
            return []
        with self._lock:
            batch: list[dict[str, Any]] = []
            self._last_proposers = None
            for point in self._suggest(int(n)):
                if self.refuses_repeats and not self._seen.is_new(point, also=batch):
                    # Once no untried point could be found, none will be: the tried ones only grow.
                    replacement = None if self._repeats else self._alternative(point, batch)
                    if replacement is None:
                        self._repeats += 1
                    else:
                        self._replaced(point, replacement)
                        point = replacement
                batch.append(point)
            self._seen.add_all(batch)
            by = self._last_proposers or [self.name] * len(batch)
            self.calls.append({"call": "suggest", "n": int(n), "points": [dict(point) for point in batch],
                               "by": list(by[:len(batch)])})
            return batch

    def observe(
        self,
        hyperparameters: Mapping[str, Any],
        value: float | None,
        *,
        stopped_at: int | None = None,
        job: str | None = None,
    ) -> None:
        """Report one finished training job.

        ``value`` is its objective value, or ``None`` if it failed (a NaN or infinite value
        counts as a failure too: it cannot be ranked). ``stopped_at`` is the resource step
        (round, epoch) at which the job was stopped early; ``value`` is then its last
        intermediate value. Keys of ``hyperparameters`` that are not tuned (static
        hyperparameters) are ignored; every tuned one must be there and inside its range. ``job`` names the
        training job, for the record of calls only (:attr:`calls`).
        """
        checked = self._check_hyperparameters(hyperparameters)
        if value is not None and not _is_real(value):
            raise ValidationError(
                f"{self.name} strategy: the observed value must be a number or None (a failed "
                f"job), but got {value!r} ({type(value).__name__})."
            )
        if value is not None:
            value = float(value)
            if not math.isfinite(value):
                value = None
        if stopped_at is not None and (not _is_whole(stopped_at) or stopped_at < 0):
            raise ValidationError(
                f"{self.name} strategy: stopped_at must be None or the whole-number step "
                f"(0 or more) at which the job was stopped, but got {stopped_at!r}."
            )
        with self._lock:
            self._seen.add(checked)  # a result from elsewhere (warm start) counts as tried too
            stopped = None if stopped_at is None else int(stopped_at)
            self._observe(checked, value, stopped)
            self.calls.append({"call": "observe", "hyperparameters": dict(checked), "value": value,
                               "stopped_at": stopped, "job": job})

    def _check_hyperparameters(self, hyperparameters: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(hyperparameters, Mapping):
            raise ValidationError(
                f"{self.name} strategy: observe() needs the job's hyperparameters as a dict of "
                f"name to value, but got {type(hyperparameters).__name__}."
            )
        checked: dict[str, Any] = {}
        for name, parameter in self._ranges.items():
            if name not in hyperparameters:
                raise ValidationError(
                    f"{self.name} strategy: the observed hyperparameters lack {name!r}, a tuned "
                    f"hyperparameter. Pass every tuned one ({', '.join(self._ranges)})."
                )
            checked[name] = _check_value(name, parameter, hyperparameters[name])
        return checked

    # -- what subclasses write -------------------------------------------------------------
    @abc.abstractmethod
    def _suggest(self, n: int) -> list[dict[str, Any]]:
        """Return up to ``n`` suggestions (``n >= 1``); called under the lock."""

    def _observe(self, hyperparameters: dict[str, Any], value: float | None, stopped_at: int | None) -> None:
        """Learn from one result; the default ignores it. Called under the lock."""

    def _draw(self, rng: np.random.Generator) -> dict[str, Any]:
        """One point drawn uniformly from the (scaled) ranges."""
        point: dict[str, Any] = {}
        for name, parameter in self._ranges.items():
            if isinstance(parameter, CategoricalParameter):
                point[name] = parameter.values[int(rng.integers(len(parameter.values)))]
            else:
                point[name] = parameter.from_unit(float(rng.random()))
        return point

    def _nearby(self, point: dict[str, Any], step: float, rng: np.random.Generator) -> dict[str, Any]:
        """``point`` moved by about ``step`` of each range (categories switched as often)."""
        moved: dict[str, Any] = {}
        for name, parameter in self._ranges.items():
            if isinstance(parameter, CategoricalParameter):
                switch = rng.random() < step
                moved[name] = parameter.values[int(rng.integers(len(parameter.values)))] if switch else point[name]
            else:
                unit = parameter.to_unit(point[name]) + rng.normal() * step
                moved[name] = parameter.from_unit(float(min(1.0, max(0.0, unit))))
        return moved

    def _alternative(self, point: dict[str, Any], batch: list[dict[str, Any]]) -> dict[str, Any] | None:
        """An untried point to replace ``point``, a repeat; ``None`` when none is found.

        The default looks near ``point`` first, with growing steps (the strategy wanted that
        region; the closest untried point keeps its intent), then anywhere at random: up to
        :data:`NEW_POINT_TRIES` tries in all. Called under the lock.
        """
        rng = self._novelty_rng
        for attempt in range(NEW_POINT_TRIES):
            if attempt < NEW_POINT_TRIES // 2:
                candidate = self._nearby(point, NEAR * (1.5 + attempt / 10), rng)
            else:
                candidate = self._draw(rng)
            if self._seen.is_new(candidate, also=batch):
                return candidate
        return None

    def _replaced(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        """``old``, a suggestion of :meth:`_suggest`, was replaced by ``new``: a strategy that
        tracks its pending suggestions swaps them here. Called under the lock."""

    def note_running(self, points: list[dict[str, Any]]) -> None:
        """Points running that this strategy did not suggest (a portfolio's other half, jobs a
        resume reruns): counted as tried, so no suggestion repeats them."""
        with self._lock:
            self._seen.add_all(points)
            self.calls.append({"call": "note_running", "points": [dict(point) for point in points]})

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(hyperparameter_ranges={list(self._ranges)!r}, "
            f"objective_type={self._objective_type!r}, random_seed={self._random_seed!r}, "
            f"max_jobs={self._max_jobs!r})"
        )


def _check_value(name: str, parameter: Parameter, value: Any) -> Any:
    """``value`` as the range's own type, or a ValidationError naming the hyperparameter."""
    if isinstance(parameter, CategoricalParameter):
        try:
            return parameter.values[parameter.index(value)]
        except ValidationError as error:
            raise ValidationError(f"Hyperparameter {name!r}: {error} Pass one of its values.") from None
    if not _is_real(value) or not math.isfinite(float(value)):
        raise ValidationError(
            f"Hyperparameter {name!r}: the observed value must be a finite number, but got "
            f"{value!r}."
        )
    if isinstance(parameter, IntegerParameter) and not float(value).is_integer():
        raise ValidationError(
            f"Hyperparameter {name!r}: the observed value must be a whole number (an "
            f"IntegerParameter), but got {value!r}."
        )
    if not parameter.min_value <= value <= parameter.max_value:
        raise ValidationError(
            f"Hyperparameter {name!r}: the observed value {value!r} lies outside its range "
            f"[{parameter.min_value!r}, {parameter.max_value!r}]. Observe only jobs whose "
            "hyperparameters lie inside the ranges searched."
        )
    return int(value) if isinstance(parameter, IntegerParameter) else float(value)
