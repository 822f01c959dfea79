"""Run a strategy race, store it as a group, and read it back by name.

:func:`launch_race` turns a configuration into one tuning job per strategy
(:func:`tuning.job.race_plan.plan_race`: same data, ranges, budget and seed; Grid's grid
fitted to the budget; Hyperband only where the algorithm has a training resource), checks
every one against its data, then starts them all at once, each in a thread of its own with
an equal share of the cores as MaxParallelTrainingJobs. No scheduler of TuneLab's own: the
tuning jobs' worker processes run side by side and the operating system shares the
cores, so the strategies' training jobs interleave. A barrier lets no strategy's loop
begin before every member is recorded, so none gets the machine first.

How a race is recognised later, the way :mod:`tuning.running.seed_study` marks a rerun:
each member's stored configuration gets a ``Race`` entry in its ``RunRecord``,
``{"Name": "class-race", "Role": "Bayesian", "Seed": 7, "Strategies": [...], "LeftOut": {...},
"Note": ..., "Cores": 2, "ParallelEach": 1}``, written as soon as the runner has created the
job. :func:`races` lists the races in the store, :func:`race` reads one back by name.

Seeds. A race is one seed: each strategy's run is one draw of its luck. More seeds (the
``seeds`` of :func:`launch_race`, or :func:`repeat_race` later) rerun every member with
:func:`tuning.running.seed_study.rerun_with_seeds` (names like ``class-race-grid-s2``,
found again as the member's seed study), the members' reruns again side by side, each
strategy's seeds one after another. :func:`race_seed_groups` gathers each strategy's runs
over seeds for :func:`tuning.analysis.seed_stats.summarise_seeds`, the race's own run
counted as one of the seeds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuning.errors import TuneLabError, ValidationError
from tuning.job.config import RUN_RECORD
from tuning.job.race_plan import RacePlan, plan_race
from tuning.running.seed_study import MAX_SEEDS, _check_seeds, rerun_with_seeds, study_of

if TYPE_CHECKING:
    from tuning.analysis.seed_stats import SeedGroup
    from tuning.job.config import TuningJobConfig
    from tuning.records import TrainingJob, TuningJob
    from tuning.store.database import Store

__all__ = [
    "RACE",
    "Race",
    "RaceHandle",
    "RaceMember",
    "launch_race",
    "race",
    "race_of",
    "race_seed_groups",
    "race_summaries",
    "races",
    "repeat_race",
    "repeat_seeds",
]

RACE = "Race"
"""The RunRecord key that marks a race's member: ``{"Name": race, "Role": strategy, ...}``."""
START_TIMEOUT_SECONDS = 120.0
"""How long a member waits at the start line for the others (a member that failed to start
breaks the barrier at once, so this only bounds a hang)."""


def race_of(job: TuningJob) -> dict[str, Any] | None:
    """The ``Race`` entry of a race's member, else ``None`` (a rerun over seeds has none)."""
    entry = (job.config.get(RUN_RECORD) or {}).get(RACE)
    return entry if isinstance(entry, dict) and isinstance(entry.get("Name"), str) else None


@dataclass(frozen=True)
class RaceMember:
    """One strategy of a stored race: its own run, and its reruns over other seeds."""

    role: str
    job: TuningJob
    reruns: tuple[TuningJob, ...] = ()
    note: str | None = None

    @property
    def runs(self) -> list[TuningJob]:
        """The race's own run, then the reruns by seed."""
        return [self.job, *self.reruns]

    @property
    def is_active(self) -> bool:
        return any(run.is_active for run in self.runs)


@dataclass(frozen=True)
class Race:
    """A race read back from the store: see the module docstring."""

    name: str
    seed: int
    members: tuple[RaceMember, ...]
    left_out: dict[str, str] = field(default_factory=dict)
    cores: int = 1
    parallel_each: int = 1

    @property
    def first(self) -> TuningJob:
        return self.members[0].job

    @property
    def dataset(self) -> str:
        return self.first.dataset

    @property
    def algorithm(self) -> str:
        return self.first.algorithm

    @property
    def objective_metric_name(self) -> str:
        return self.first.objective_metric_name

    @property
    def objective_type(self) -> str:
        return self.first.objective_type

    @property
    def budget(self) -> int:
        """MaxNumberOfTrainingJobs, the same for every member (Grid may run fewer: its grid)."""
        return max(member.job.max_jobs for member in self.members)

    @property
    def is_active(self) -> bool:
        return any(member.is_active for member in self.members)

    @property
    def seeds(self) -> list[int]:
        """The seeds every member has a run for: the race's own, then its reruns'."""
        per_member = [{_seed_of(run) for run in member.runs} for member in self.members]
        common = set.intersection(*per_member) if per_member else set()
        return [self.seed, *sorted(common - {self.seed})] if self.seed in common else sorted(common)

    @property
    def created_at(self) -> float:
        return min(member.job.created_at for member in self.members)


def _seed_of(job: TuningJob) -> int:
    study = study_of(job)
    return study[1] if study else int(job.config.get("RandomSeed") or 0)


def _build(name: str, members: list[tuple[dict[str, Any], TuningJob]], reruns: dict[str, list[TuningJob]]) -> Race:
    entry = members[0][0]
    order = {role: index for index, role in enumerate(entry.get("Strategies") or [])}
    members = sorted(members, key=lambda item: order.get(item[0].get("Role"), len(order)))
    return Race(
        name=name, seed=int(entry.get("Seed", 0)),
        members=tuple(RaceMember(role=str(e.get("Role") or job.strategy), job=job, note=e.get("Note"),
                                 reruns=tuple(sorted(reruns.get(job.name, []), key=_seed_of)))
                      for e, job in members),
        left_out=dict(entry.get("LeftOut") or {}), cores=int(entry.get("Cores", 1)),
        parallel_each=int(entry.get("ParallelEach", 1)),
    )


def races(store: Store) -> dict[str, Race]:
    """Every race in the store, newest first: race name -> :class:`Race` (one read of the job list)."""
    jobs = store.list_tuning_jobs()  # newest first
    grouped: dict[str, list[tuple[dict[str, Any], TuningJob]]] = {}
    reruns: dict[str, list[TuningJob]] = {}
    for job in jobs:
        entry = race_of(job)
        if entry is not None:
            grouped.setdefault(entry["Name"], []).append((entry, job))
        study = study_of(job)
        if study is not None:
            reruns.setdefault(study[0], []).append(job)
    return {name: _build(name, members, reruns) for name, members in grouped.items()}


def race(store: Store, race_name: str) -> Race:
    """The race called ``race_name``, read back from the store; unknown names list the known ones."""
    found = races(store)
    if race_name not in found:
        known = ", ".join(found) or "none yet"
        raise ValidationError(f"there is no race named {race_name!r} in the store; races: {known}.")
    return found[race_name]


def race_seed_groups(store: Store, race: Race, *, all_seeds: bool = True) -> dict[str, list[list[TrainingJob]]]:
    """Strategy -> one training-job list per seed, for :func:`tuning.analysis.seed_stats.summarise_seeds`.

    ``all_seeds=False`` keeps the race's own seed only (its live, one-seed view).
    """
    return {member.role: [store.training_jobs(run.name, with_curves=False)
                          for run in (member.runs if all_seeds else [member.job])]
            for member in race.members}


def race_summaries(store: Store, race: Race, *, all_seeds: bool = True) -> dict[str, SeedGroup]:
    """Each strategy's best so far summarised across its seeds (by job and by compute seconds)."""
    from tuning.analysis.seed_stats import summarise_seeds

    return summarise_seeds(race_seed_groups(store, race, all_seeds=all_seeds), objective_type=race.objective_type)


class RaceHandle:
    """A race's members running side by side, one thread each, in this process.

    ``run`` maps each strategy to what its thread does, given a ``started`` callback to
    call once the member's tuning job is recorded; the handle returns once every member has
    started (or failed to). A page keeps the handle to show errors; the race's progress is
    in the store, where :func:`race` reads it.
    """

    def __init__(self, name: str, members: dict[str, str], runs: dict[str, Callable[[Callable[[], None]], None]]) -> None:
        self.name = name
        self.members = dict(members)
        """Strategy -> its tuning job's name."""
        self.errors: dict[str, BaseException] = {}
        self._lock = threading.Lock()
        started = {role: threading.Event() for role in runs}
        self.threads: dict[str, threading.Thread] = {}
        for role, run in runs.items():
            def target(role: str = role, run: Callable = run) -> None:
                try:
                    run(started[role].set)
                except BaseException as error:  # noqa: BLE001 - kept for whoever waits
                    with self._lock:
                        self.errors[role] = error
                finally:
                    started[role].set()

            self.threads[role] = threading.Thread(target=target, name=f"race-{name}-{role}", daemon=True)
        for thread in self.threads.values():
            thread.start()
        for event in started.values():
            event.wait()

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self.threads.values())

    def wait(self, timeout: float | None = None) -> dict[str, BaseException]:
        """Block until every member has ended; return the errors by strategy (``{}`` when none)."""
        for role, thread in self.threads.items():
            thread.join(timeout)
            if thread.is_alive():
                raise TimeoutError(f"the race {self.name!r} is still running after {timeout} s ({role})")
        return dict(self.errors)


def _mark(store: Store, name: str, entry: dict[str, Any]) -> None:
    """Add the Race entry to the new member's RunRecord (the runner has just written it)."""
    config = dict(store.get_tuning_job(name).config)
    config[RUN_RECORD] = {**(config.get(RUN_RECORD) or {}), RACE: entry}
    store.update_tuning_job(name, config=config)


def _entry(plan: RacePlan, role: str, note: str | None) -> dict[str, Any]:
    return {"Name": plan.name, "Role": role, "Seed": plan.seed, "Strategies": plan.roles,
            "LeftOut": dict(plan.left_out), "Note": note, "Cores": plan.cores, "ParallelEach": plan.parallel_each}


def repeat_seeds(race_seed: int, count: int) -> list[int]:
    """The seeds of a race repeated ``count`` times: its own seed, then 1, 2, ... (skipping it)."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_SEEDS:
        raise ValidationError(f"give 1 to {MAX_SEEDS} seeds to repeat the race over, but got {count!r}.")
    seeds, candidate = [race_seed], 1
    while len(seeds) < count:
        if candidate != race_seed:
            seeds.append(candidate)
        candidate += 1
    return seeds


def launch_race(config: TuningJobConfig, store: Store, strategies: Sequence[str] | None = None,
                seeds: Sequence[int] | None = None, *, cores: int | None = None) -> RaceHandle:
    """Check every strategy's tuning job now, then run them all side by side; returns once all are recorded.

    ``seeds`` (default: ``config``'s RandomSeed, or one drawn) are the seeds to run; the
    first is the race's own, the others rerun each member over seeds once its race run ends.
    ``cores`` (default: this machine's) is what MaxParallelTrainingJobs is shared out of.
    Any problem (a bad range, a dataset that does not load, a name taken) raises
    :class:`~tuning.errors.ValidationError` naming the strategy, with nothing run.
    """
    from tuning.job.preparation import prepare
    from tuning.running.runner import run_tuning_job

    if seeds is not None:
        seeds = _check_seeds(seeds)
        config = config.replace(random_seed=seeds[0])
    plan = plan_race(config, strategies, cores=cores)
    seeds = [plan.seed] if seeds is None else seeds
    store.mark_dead_runners()
    if plan.name in races(store):
        raise ValidationError(f"a race named {plan.name!r} is in the store already: reopen it from the stored "
                              "races, or give this one another name.", field="name")
    prepared, problems = {}, []
    for entry in plan.entries:
        try:
            prepared[entry.role] = prepare(entry.config, store=store)
        except TuneLabError as error:
            problems.append(f"{entry.role}: {error}")
    if problems:
        raise ValidationError("cannot start the race, nothing was run. " + " ".join(problems))

    start_line = threading.Barrier(len(plan.entries))

    def member(role: str, note: str | None) -> Callable[[Callable[[], None]], None]:
        def run(started: Callable[[], None]) -> None:
            def on_start(job: Any) -> None:
                _mark(store, job.name, _entry(plan, role, note))
                started()
                try:
                    start_line.wait(START_TIMEOUT_SECONDS)
                except threading.BrokenBarrierError:
                    pass  # a member failed to start: the others race on

            try:
                run_tuning_job(prepared[role], store, on_start=on_start)
            except BaseException:
                start_line.abort()  # do not keep the others at the start line
                raise
            if len(seeds) > 1:
                rerun_with_seeds(store, [prepared[role].name], seeds[1:])
        return run

    return RaceHandle(plan.name, {entry.role: entry.config.name for entry in plan.entries},
                      {entry.role: member(entry.role, entry.note) for entry in plan.entries})


def repeat_race(store: Store, race_name: str, seed_count: int) -> RaceHandle:
    """Run a stored race's members over ``seed_count`` seeds in all (:func:`repeat_seeds`), side by side.

    Each strategy's reruns run one after another (:func:`tuning.running.seed_study.rerun_with_seeds`,
    which reuses reruns already in the store and resumes interrupted ones), the
    strategies at the same time, each with the race's share of the cores.
    """
    stored = race(store, race_name)
    seeds = repeat_seeds(stored.seed, seed_count)[1:]
    if not seeds:
        raise ValidationError("one seed is the race itself: give 2 or more seeds to repeat it over.")

    def member(name: str) -> Callable[[Callable[[], None]], None]:
        def run(started: Callable[[], None]) -> None:
            started()
            rerun_with_seeds(store, [name], seeds)
        return run

    return RaceHandle(stored.name, {m.role: m.job.name for m in stored.members},
                      {m.role: member(m.job.name) for m in stored.members})
