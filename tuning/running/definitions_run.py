"""Run a tuning job over several training job definitions: its members, sharing one budget.

:func:`prepare_definitions` checks every definition against its data first (nothing runs if
one is refused) and that the objective types agree once the data has chosen any left out.
:func:`run_definitions` then runs the members (``<name>-<definition>``, each with its share
of MaxNumberOfTrainingJobs and MaxParallelTrainingJobs, :meth:`TrainingJobDefinitionsConfig.members`)
in threads of this process, as a race does (:mod:`tuning.running.race`): all at once when
there are parallel slots for each, else MaxParallelTrainingJobs of them at a time, in order,
so never more training jobs run at once than the request allows. A member reaching
TuningJobCompletionCriteria's TargetObjectiveMetricValue ends the whole tuning job, as in AMT: the
others are stopped, those not started are not run. The other completion criteria end each member alone.

Each member is a tuning job of its own in the store, so a restart loses nothing finished:
:func:`resume_definitions` resumes the members that were Interrupted (their finished training
jobs kept, :mod:`tuning.running.resume`), starts those never started, and leaves the ended ones.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from tuning.errors import TuneLabError, ValidationError
from tuning.job.config import RUN_RECORD
from tuning.job.definitions import DEFINITIONS, TrainingJobDefinitionsConfig, member_name
from tuning.running.definitions_group import DefinitionsGroup, definitions_group, group_or_none

if TYPE_CHECKING:
    from tuning.job.preparation import PreparedTuningJob
    from tuning.running.runner import TuningProgress
    from tuning.store.database import Store

__all__ = ["DefinitionsHandle", "launch_definitions", "prepare_definitions", "prepare_resume_definitions",
           "resume_definitions", "stop_members",
           "run_definitions"]

Prepared = list[tuple[str, "PreparedTuningJob"]]


def _check_name(config: TrainingJobDefinitionsConfig, store: Store) -> str:
    if config.name is None:
        raise ValidationError("HyperParameterTuningJobName: required with several training job definitions: each "
                              "runs as a tuning job named <HyperParameterTuningJobName>-<DefinitionName>.")
    if store.tuning_job_exists(config.name) or group_or_none(store, config.name) is not None:
        raise ValidationError(f"a tuning job named {config.name!r} is in the store already; give this one another "
                              "name.", field="name")
    return config.name


def prepare_definitions(config: TrainingJobDefinitionsConfig, store: Store) -> Prepared:
    """Check the whole request now, every definition against its data; nothing is written.

    Problems are said by DefinitionName, all of them at once.
    """
    from tuning.job.preparation import prepare

    config.check()
    store.mark_dead_runners()
    _check_name(config, store)
    prepared, problems = [], []
    for definition, member in config.members():
        try:
            prepared.append((definition, prepare(member, store=store)))
        except TuneLabError as error:
            problems.append(f"{definition}: {error}")
    if problems:
        raise ValidationError("cannot start the tuning job, nothing was run. " + " ".join(problems))
    _check_prepared_types(prepared)
    return prepared


def _check_prepared_types(prepared: Prepared) -> None:
    """AWS's one objective type, for objectives the data chose (no metric named)."""
    kinds = {definition: job.objective_type for definition, job in prepared}
    if len(set(kinds.values())) > 1:
        said = ", ".join(f"{definition} {kind} ({job.metric.name})" for (definition, job), kind
                         in zip(prepared, kinds.values()))
        raise ValidationError(f"the training job definitions' objectives go different ways ({said}); AWS requires one "
                              "objective type for all. Name a metric for each that goes the same way.")


def stop_members(store: Store, names: list[str], *, group: str | None = None) -> list[str]:
    """Ask the members still running to stop (AMT's StopHyperParameterTuningJob of the group); the
    names asked. With ``group``, a group with none running is refused, as a single ended job is."""
    running = [name for name in names if store.tuning_job_exists(name) and store.get_tuning_job(name).is_active]
    for name in running:
        try:
            store.request_stop(name)
        except ValidationError:
            pass  # it ended meanwhile
    if group is not None and not running:
        raise ValidationError(f"tuning job {group!r} has no definition running, so there is nothing to stop.")
    return running


def _entry(config: TrainingJobDefinitionsConfig, definition: str) -> dict[str, Any]:
    return {"Name": config.name, "DefinitionName": definition, "Group": config.to_dict()}


def _mark(store: Store, name: str, entry: dict[str, Any]) -> None:
    """Add the group's entry to the member's RunRecord (the runner has just written it)."""
    stored = dict(store.get_tuning_job(name).config)
    stored[RUN_RECORD] = {**(stored.get(RUN_RECORD) or {}), DEFINITIONS: entry}
    store.update_tuning_job(name, config=stored)


def _run_members(config: TrainingJobDefinitionsConfig, prepared: Prepared, store: Store, *,
                 callback: Callable[[TuningProgress], None] | None, scheduler: str | None,
                 started: Callable[[], None] = lambda: None) -> dict[str, BaseException]:
    """Run the prepared members, ``config.slots`` at a time; the errors by DefinitionName."""
    from tuning.running.runner import run_tuning_job

    errors: dict[str, BaseException] = {}
    lock = threading.Lock()
    target_reached = threading.Event()

    def run(definition: str, job: PreparedTuningJob) -> None:
        def on_start(_: Any) -> None:
            _mark(store, job.name, _entry(config, definition))
            started()

        if target_reached.is_set():  # AMT ends the whole tuning job once the target is reached
            started()
            return
        try:
            ended = run_tuning_job(job, store, callback=callback, on_start=on_start, scheduler=scheduler)
        except BaseException as error:  # noqa: BLE001 - kept, said by definition at the end
            with lock:
                errors[definition] = error
            started()  # a member that could not start does not keep fit(wait=False) waiting
            return
        if (ended.completion_reason or "").startswith("TargetObjectiveMetricValue"):
            target_reached.set()
            # the others running are stopped; those not started will not start
            stop_members(store, [other.name for _, other in prepared if other.name != job.name])

    with ThreadPoolExecutor(max_workers=config.slots, thread_name_prefix=f"definitions-{config.name}") as pool:
        futures = [pool.submit(run, definition, job) for definition, job in prepared]
        try:
            for future in futures:
                future.result()
        except KeyboardInterrupt:
            stop_members(store, [job.name for _, job in prepared])  # the running ones stopped,
            for future in futures:  # those still to come cancelled
                future.cancel()
            raise
    return errors


def _raise_errors(errors: dict[str, BaseException]) -> None:
    if errors:
        said = "; ".join(f"{definition}: {error}" for definition, error in errors.items())
        raise TuneLabError(f"training job definition(s) ended with an error, the others ran on: {said}")


def run_definitions(config: TrainingJobDefinitionsConfig, store: Store, *, prepared: Prepared | None = None,
                    callback: Callable[[TuningProgress], None] | None = None,
                    scheduler: str | None = None) -> DefinitionsGroup:
    """Run every definition's member to its end; return the group as stored (see the module docstring)."""
    prepared = prepare_definitions(config, store) if prepared is None else prepared
    _raise_errors(_run_members(config, prepared, store, callback=callback, scheduler=scheduler))
    return definitions_group(store, str(config.name))


class DefinitionsHandle:
    """A group running in a background thread of this process (``fit(wait=False)``)."""

    def __init__(self, config: TrainingJobDefinitionsConfig, prepared: Prepared, store: Store,
                 scheduler: str | None = None) -> None:
        self.name = str(config.name)
        self.store = store
        self.members = [job.name for _, job in prepared]
        self.errors: dict[str, BaseException] = {}
        started = threading.Event()

        def target() -> None:
            try:
                self.errors = _run_members(config, prepared, store, callback=None, scheduler=scheduler,
                                           started=started.set)
            finally:
                started.set()

        self.thread = threading.Thread(target=target, name=f"definitions-{self.name}", daemon=True)
        self.thread.start()
        started.wait()

    @property
    def running(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        stop_members(self.store, self.members, group=self.name)

    def wait(self, timeout: float | None = None) -> DefinitionsGroup:
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise TimeoutError(f"tuning job {self.name!r} is still running after {timeout} s")
        _raise_errors(self.errors)
        return definitions_group(self.store, self.name)


def launch_definitions(config: TrainingJobDefinitionsConfig, store: Store, **kwargs: Any) -> DefinitionsHandle:
    """Check now (raising here), then run the group in a background thread."""
    return DefinitionsHandle(config, prepare_definitions(config, store), store, **kwargs)


def prepare_resume_definitions(name: str, store: Store) -> Prepared:
    """What resuming the group runs: its Interrupted members resumed (their finished training jobs kept),
    those never started prepared fresh; the ended ones left. Refused when nothing is left to run."""
    from tuning.job.preparation import prepare
    from tuning.running.resume_point import prepare_resume

    store.mark_dead_runners()
    group = definitions_group(store, name)
    prepared: Prepared = []
    for definition, member in group.config.members():
        member_job = member_name(name, definition)
        if not store.tuning_job_exists(member_job):
            prepared.append((definition, prepare(member, store=store)))
        elif store.get_tuning_job(member_job).status == "Interrupted":
            prepared.append((definition, prepare_resume(member_job, store)))
    if group.target_reached:
        prepared = []  # AMT's TargetObjectiveMetricValue ended the whole tuning job
    if not prepared:
        raise ValidationError(f"tuning job {name!r} has nothing to resume: every definition's tuning job has ended "
                              f"({', '.join(f'{d} {j.status}' for d, j in group.members.items() if j is not None)}).")
    return prepared


def resume_definitions(name: str, store: Store, *, prepared: Prepared | None = None,
                       callback: Callable[[TuningProgress], None] | None = None,
                       scheduler: str | None = None) -> DefinitionsGroup:
    """Go on with a group whose process died (:func:`prepare_resume_definitions`), with the recorded budget shares."""
    prepared = prepare_resume_definitions(name, store) if prepared is None else prepared
    config = definitions_group(store, name).config
    _raise_errors(_run_members(config, prepared, store, callback=callback, scheduler=scheduler))
    return definitions_group(store, name)
