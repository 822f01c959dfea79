"""Replay a tuning job's strategy, step by step, from the record the runner kept.

Why a replay and not a log of pictures: what a student wants to see is the model the
strategy had *when it picked* (the Gaussian process's surface, the points it knew, those
still running). Only the strategy itself knows that, so the replay builds a new one of
the same kind, with the same ranges and seed, and makes it the same calls in the same
order: the results it heard (with the training job each came from), the points it was
told were running, and each ``suggest(n)``. Strategies are deterministic given their
seed and their calls, so each step proposes what was proposed then; a step whose
proposals differ from the record says so (:attr:`ReplayStep.matches_record`) instead of
passing for the truth.

The record (``Store.strategy_calls``) is written by the runner as the job runs: a
``start`` entry per run of the loop (a resume starts a new stretch with a new strategy, fed
the finished jobs again), then the strategy's own calls (:attr:`tuning.strategies.Strategy.calls`)
and the runner's ``launched`` entries (which training jobs each batch became). Jobs made
before the record existed cannot be replayed, and say so.

The replay is lazy: :meth:`Replay.step` replays up to the step asked for and keeps what it
has done, so a slider that walks forward pays for each step once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuning.errors import ValidationError
from tuning.parameters import Parameter, parameter_from_dict
from tuning.strategies import Strategy, create_strategy

if TYPE_CHECKING:
    from tuning.store import Store

__all__ = ["Replay", "ReplayStep", "proposed_by", "replay"]


@dataclass(frozen=True)
class ReplayStep:
    """One ``suggest`` call of the strategy, replayed.

    ``known``: the training jobs (or warm-start parents' jobs) whose results the strategy
    had heard, in the order it heard them; ``pending``: those launched and still running;
    ``proposed``: the hyperparameter dicts it proposed now; ``proposers``: which model
    proposed each (the Bayesian strategy's "Gaussian process" or "TPE"); ``launched``: the
    training jobs the proposals became (fewer when a stop came first).
    """

    number: int
    stretch: int
    known: list[str]
    pending: list[str]
    proposed: list[dict[str, Any]]
    proposers: list[str]
    launched: list[str]
    matches_record: bool
    known_values: dict[str, float | None] = field(default_factory=dict)
    """The objective value of each known job as the strategy heard it (None: failed; an
    interim value for a job stopped early, see :attr:`stopped`)."""
    known_points: dict[str, dict[str, Any]] = field(default_factory=dict)
    stopped: frozenset[str] = frozenset()
    """Known jobs heard as stopped early (their value is interim)."""
    pending_points: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The hyperparameters of each pending job."""
    surrogate: Any = None
    """The Gaussian process as it scored these proposals (a ``SurrogateView``), when the
    strategy has one and had used it; None otherwise."""
    split_reason: str | None = None
    """Why the batch was split between the strategy's halves as it was (a Bayesian portfolio's
    :meth:`~tuning.strategies.BayesianStrategy.split_reason`, asked just before); None otherwise."""
    tpe: Any = None
    """TPE's trials just before this step (a ``TPEView``: its good and bad densities), when
    the strategy has a TPE (Bayesian's half, Hyperband); None otherwise."""


class Replay:
    """A tuning job's strategy replayed; steps are computed on demand, in order, once."""

    def __init__(self, name: str, calls: list[dict[str, Any]], job_names: dict[int, str]) -> None:
        self.name = name
        self._calls = calls
        self._job_names = job_names
        self.total = sum(call["call"] == "suggest" for call in calls)
        """How many steps (suggest calls) the record holds."""
        self.stretches = sum(call["call"] == "start" for call in calls)
        first = calls[0]
        self.strategy_name: str = first["strategy"]
        self.ranges: dict[str, Parameter] = {name: parameter_from_dict(name, spec)
                                             for name, spec in first["ranges"].items()}
        self.objective_type: str = first["objective_type"]
        self._steps: list[ReplayStep] = []
        self._walk = self._replayed()
        # The dashboard caches one Replay per job for every session and rerun, and two
        # reruns can ask for steps at once (a slider dragged fast): the generator can be
        # advanced by one thread at a time only.
        self._lock = threading.Lock()

    @property
    def done(self) -> list[ReplayStep]:
        """The steps replayed so far."""
        with self._lock:
            return list(self._steps)

    def step(self, number: int) -> ReplayStep:
        """Step ``number`` (1 to :attr:`total`), replaying up to it if needed."""
        if not 1 <= number <= self.total:
            raise ValidationError(f"tuning job {self.name!r} has steps 1 to {self.total}; there is no step {number}.")
        with self._lock:
            while len(self._steps) < number:
                self._steps.append(next(self._walk))
            return self._steps[number - 1]

    def steps(self) -> list[ReplayStep]:
        """Every step (replays the whole job)."""
        return [self.step(number) for number in range(1, self.total + 1)] if self.total else []

    def _replayed(self) -> Iterator[ReplayStep]:
        stretch = -1
        strategy: Strategy | None = None
        known: list[str] = []
        values: dict[str, float | None] = {}
        points: dict[str, dict[str, Any]] = {}
        stopped: set[str] = set()
        pending: list[str] = []
        launched: dict[str, dict[str, Any]] = {}
        last: ReplayStep | None = None
        number = 0
        for call in self._calls:
            kind = call["call"]
            if kind == "start":
                if last is not None:
                    yield last
                stretch += 1
                strategy = _rebuilt(call)
                known, values, points, stopped, pending, last = [], {}, {}, set(), [], None
                launched = {}
            elif kind == "observe":
                label = call.get("job") or f"result {len(known) + 1}"
                strategy.observe(call["hyperparameters"], call["value"], stopped_at=call["stopped_at"])
                known.append(label)
                values[label], points[label] = call["value"], call["hyperparameters"]
                if call["stopped_at"] is not None:
                    stopped.add(label)
                if label in pending:
                    pending.remove(label)
            elif kind == "note_running":
                strategy.note_running(call["points"])
            elif kind == "suggest":
                if last is not None:
                    yield last
                number += 1
                tpe_view = getattr(strategy, "tpe_view", None)
                tpe = tpe_view() if tpe_view is not None else None  # before: what this step's asks saw
                split_reason = getattr(strategy, "split_reason", None)
                why_split = split_reason(call["n"]) if split_reason is not None else None
                proposed = strategy.suggest(call["n"])
                surrogate = getattr(strategy, "last_surrogate", None)
                last = ReplayStep(
                    number=number, stretch=stretch, known=list(known), pending=list(pending), proposed=proposed,
                    proposers=list(strategy.calls[-1]["by"]), launched=[],
                    matches_record=proposed == call["points"], known_values=dict(values),
                    known_points=dict(points), stopped=frozenset(stopped),
                    pending_points={name: launched[name] for name in pending if name in launched},
                    surrogate=surrogate() if surrogate is not None and len(known) >= 2 else None, tpe=tpe,
                    split_reason=why_split,
                )
            elif kind == "launched":
                names = [self._job_names.get(job["index"], f"{self.name}-{job['index'] + 1:03d}")
                         for job in call["jobs"]]
                pending.extend(names)
                launched.update({name: job["hyperparameters"] for name, job in zip(names, call["jobs"])})
                if last is not None:
                    mine = [name for name, job in zip(names, call["jobs"]) if job["hyperparameters"] in last.proposed]
                    last = _with_launched(last, mine)
        if last is not None:
            yield last


def _with_launched(step: ReplayStep, launched: list[str]) -> ReplayStep:
    return ReplayStep(**{**step.__dict__, "launched": [*step.launched, *launched]})


def _rebuilt(start: dict[str, Any]) -> Strategy:
    """A new strategy as the runner built it for this stretch (its ``start`` entry)."""
    ranges = {name: parameter_from_dict(name, spec) for name, spec in start["ranges"].items()}
    return create_strategy(start["strategy"], ranges, objective_type=start["objective_type"],
                           random_seed=start["random_seed"], max_jobs=start["max_jobs"],
                           grid_points=start["grid_points"])


def replay(store: Store, tuning_job_name: str) -> Replay:
    """The strategy of ``tuning_job_name`` replayed from its record (see the module docstring).

    >>> steps = replay(store, "bank-bayes").steps()  # doctest: +SKIP
    >>> steps[4].known, steps[4].pending, steps[4].proposed  # doctest: +SKIP
    """
    job = store.get_tuning_job(tuning_job_name)  # an unknown name is refused there, in words
    calls = store.strategy_calls(tuning_job_name)
    if not calls or calls[0].get("call") != "start":
        raise ValidationError(
            f"tuning job {job.name!r} cannot be replayed: it was run before TuneLab recorded its strategy's "
            "calls. Run it again (Create, or `python -m tuning export` then `run`) to replay the new one."
        )
    names = {training_job.index: training_job.name
             for training_job in store.training_jobs(tuning_job_name, with_curves=False)}
    return Replay(job.name, calls, names)


def proposed_by(store: Store, tuning_job_name: str) -> dict[str, str]:
    """Which model proposed each training job (the Bayesian strategy's "Gaussian process" or
    "TPE"; the strategy's name otherwise), read from the record without replaying it; {}
    for a job made before the record existed. A rerun after a resume keeps its first proposer."""
    names = {training_job.index: training_job.name
             for training_job in store.training_jobs(tuning_job_name, with_curves=False)}
    found: dict[str, str] = {}
    last: dict[str, Any] | None = None
    for call in store.strategy_calls(tuning_job_name):
        if call["call"] == "suggest":
            last = call
        elif call["call"] == "launched" and last is not None:
            free = list(zip(last["points"], last["by"]))
            for job in call["jobs"]:
                for position, (point, by) in enumerate(free):
                    if point == job["hyperparameters"]:
                        found.setdefault(names.get(job["index"], f"{tuning_job_name}-{job['index'] + 1:03d}"), by)
                        del free[position]
                        break
            last = None
    return found
