"""Repeat tuning jobs over random seeds, to tell a strategy's method from its luck.

One tuning job is one draw of its strategy's randomness. :func:`rerun_with_seeds` runs a
stored tuning job again once per seed, with the same configuration and
``random_seed=seed``, under a name derived from the original (``bank-random-s3``); the
reruns of one original are its *seed study*, summarised by :mod:`tuning.analysis.seed_stats`.

How a rerun is recognised later: its stored configuration's ``RunRecord`` (facts of a
run, not settings: see :data:`tuning.job.config.RUN_RECORD`) gets a ``SeedStudy`` entry,
``{"Original": "bank-random", "Seed": 3}``, written right after the runner creates the
job. :func:`seed_studies` finds the groups again from the store, and a resume keeps the
entry (it rewrites the RunRecord with what was there).

Why reruns are reused rather than run again: the names are deterministic, so pressing
Run again after an interruption (a closed laptop, a server restart) continues the study:
a rerun that ended (Completed, Stopped or Failed) is kept as it is, an Interrupted one is
resumed (:mod:`tuning.running.resume`), and only missing seeds run.

Note: when a tuning job splits one dataset into training and validation channels, the
seed also draws that split, so the spread across seeds includes the split's luck too.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuning.job.config import RUN_RECORD, TuningJobConfig, check_tuning_job_name
from tuning.errors import TuneLabError, ValidationError
from tuning.records import TuningJobStatus

if TYPE_CHECKING:
    from tuning.records import TrainingJob, TuningJob
    from tuning.running.runner import TuningProgress
    from tuning.store.database import Store

__all__ = [
    "MAX_SEEDS",
    "SEED_STUDY",
    "SeedRunProgress",
    "SeedStudyHandle",
    "group_label",
    "launch_rerun_with_seeds",
    "rerun_with_seeds",
    "seed_studies",
    "seed_study_runs",
    "seed_study_name",
    "study_of",
]

SEED_STUDY = "SeedStudy"
"""The RunRecord key that marks a rerun: ``{"Original": name, "Seed": seed}``."""
MAX_SEEDS = 20
"""The most seeds one study runs: 20 seeds of a 20-job tuning job is already 400 training jobs."""
_NAME_LIMIT = 32
_ENDED = frozenset({TuningJobStatus.COMPLETED, TuningJobStatus.STOPPED, TuningJobStatus.FAILED})


def seed_study_name(original: str, seed: int) -> str:
    """The rerun's name: ``<original>-s<seed>``, within AMT's 32 characters.

    A name too long for the suffix is cut and given 4 hex digits of the original's hash,
    so two long originals that share a beginning still get different rerun names.
    """
    suffix = f"-s{seed}"
    if len(original) + len(suffix) <= _NAME_LIMIT:
        return check_tuning_job_name(f"{original}{suffix}")
    tag = hashlib.sha256(original.encode()).hexdigest()[:4]
    head = original[:_NAME_LIMIT - len(suffix) - len(tag) - 1].rstrip("-")
    return check_tuning_job_name(f"{head}-{tag}{suffix}")


def study_of(job: TuningJob) -> tuple[str, int] | None:
    """``(original, seed)`` when ``job`` is a rerun of a seed study, else ``None``."""
    entry = (job.config.get(RUN_RECORD) or {}).get(SEED_STUDY)
    if not isinstance(entry, dict) or not isinstance(entry.get("Original"), str):
        return None
    return entry["Original"], int(entry["Seed"])


def seed_studies(store: Store, originals: Iterable[str] | None = None) -> dict[str, list[TuningJob]]:
    """Every seed study in the store (or those of ``originals``): original name -> its reruns by seed."""
    wanted = None if originals is None else set(originals)
    studies: dict[str, list[TuningJob]] = {}
    for job in store.list_tuning_jobs():
        study = study_of(job)
        if study is not None and (wanted is None or study[0] in wanted):
            studies.setdefault(study[0], []).append(job)
    return {original: sorted(reruns, key=lambda job: study_of(job)[1]) for original, reruns in studies.items()}


def group_label(original: str, rerun: TuningJob) -> str:
    """A study's name on a chart: what differs between strategies, then the original, such as
    ``Random, early stopping Off (bank-random)`` (the rerun's configuration is the original's)."""
    early_stopping = rerun.config.get("EarlyStoppingType") or "Off"
    return f"{rerun.strategy}, early stopping {early_stopping} ({original})"


def seed_study_runs(store: Store, originals: Iterable[str]) -> dict[str, list[list[TrainingJob]]]:
    """The studies of ``originals`` found in the store, ready for
    :func:`tuning.analysis.seed_stats.summarise_seeds`: label -> one training-job list per seed.

    In the order of ``originals``; originals never repeated are left out.
    """
    originals = list(dict.fromkeys(originals))
    studies = seed_studies(store, originals)
    return {group_label(original, studies[original][0]):
            [store.training_jobs(job.name, with_curves=False) for job in studies[original]]
            for original in originals if original in studies}


@dataclass(frozen=True)
class SeedRunProgress:
    """What a progress callback hears: after each training job of a rerun, and per reused rerun."""

    original: str
    seed: int
    tuning_job_name: str
    runs_done: int
    """Reruns finished (or reused) before this one."""
    runs_total: int
    training_jobs_done: int
    max_jobs: int

    @property
    def fraction(self) -> float:
        """How far the whole study is, from 0 to 1 (for a progress bar)."""
        within = self.training_jobs_done / self.max_jobs if self.max_jobs else 1.0
        return min(1.0, (self.runs_done + within) / self.runs_total) if self.runs_total else 1.0


def _check_seeds(seeds: Sequence[int]) -> list[int]:
    seeds = list(dict.fromkeys(seeds))
    if not 1 <= len(seeds) <= MAX_SEEDS:
        raise ValidationError(f"give 1 to {MAX_SEEDS} seeds to repeat over, but got {len(seeds)}.")
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= 2**31 - 1:
            raise ValidationError(f"a seed must be a whole number from 0 to {2**31 - 1:,} (AMT's RandomSeed), "
                                  f"but got {seed!r}.")
    return seeds


def _original(store: Store, name: str) -> TuningJob:
    """The tuning job to repeat: ``name`` itself, or its original when ``name`` is a rerun."""
    job = store.get_tuning_job(name)  # unknown: a ValidationError naming known jobs
    study = study_of(job)
    return store.get_tuning_job(study[0]) if study else job


def _config(original: TuningJob, seed: int) -> TuningJobConfig:
    try:
        config = TuningJobConfig.from_dict(original.config)  # the RunRecord is ignored
    except TuneLabError as error:
        raise ValidationError(f"cannot repeat tuning job {original.name!r}: its stored configuration does not "
                              f"read back: {error}") from None
    return config.replace(name=seed_study_name(original.name, seed), random_seed=seed)


def _existing(store: Store, name: str, original: str, seed: int) -> TuningJob | None:
    """The rerun already in the store, or ``None``; a name taken by another job is refused."""
    if not store.tuning_job_exists(name):
        return None
    job = store.get_tuning_job(name)
    if study_of(job) != (original, seed):
        raise ValidationError(
            f"cannot repeat tuning job {original!r} with seed {seed}: the name {name!r} is taken by a tuning job "
            "that is not that rerun. Delete or rename it (or repeat a copy of the original under another name)."
        )
    return job


def _plan(store: Store, names: Sequence[str], seeds: list[int]) -> list[TuningJob]:
    """The originals to repeat, each checked against its data now, before anything runs."""
    from tuning.job.preparation import prepare

    originals: dict[str, TuningJob] = {}
    problems = []
    for name in names:
        try:
            original = _original(store, name)
            originals.setdefault(original.name, original)
            missing = [seed for seed in seeds
                       if _existing(store, seed_study_name(original.name, seed), original.name, seed) is None]
            if missing:
                prepare(_config(original, missing[0]), store=store)  # a dataset gone, a range refused, ...
        except TuneLabError as error:
            problems.append(f"{name}: {error}")
    if problems:
        raise ValidationError("cannot repeat over seeds, nothing was run. " + " ".join(problems))
    return list(originals.values())


def _mark(store: Store, name: str, original: str, seed: int) -> None:
    """Add the SeedStudy entry to the new job's RunRecord (the runner has just written it)."""
    config = dict(store.get_tuning_job(name).config)
    config[RUN_RECORD] = {**(config.get(RUN_RECORD) or {}), SEED_STUDY: {"Original": original, "Seed": seed}}
    store.update_tuning_job(name, config=config)


def rerun_with_seeds(
    store: Store,
    tuning_job_names: Sequence[str],
    seeds: Sequence[int],
    *,
    callback: Callable[[SeedRunProgress], None] | None = None,
) -> dict[str, list[str]]:
    """Run each tuning job again once per seed; return original name -> rerun names, by seed.

    A name that is itself a rerun stands for its original. Every original is checked
    against its data first: any problem (a dataset that no longer exists, say) raises
    :class:`~tuning.errors.ValidationError` naming the job, with nothing run. Reruns
    already in the store are reused (an Interrupted one is resumed); the rest run through
    :func:`tuning.running.runner.run_tuning_job` on this machine's worker processes, one at a time.
    """
    from tuning.running.resume import resume_tuning_job
    from tuning.running.runner import run_tuning_job

    seeds = _check_seeds(seeds)
    store.mark_dead_runners()  # a rerun whose process died is Interrupted, and resumed below
    originals = _plan(store, tuning_job_names, seeds)
    total = len(originals) * len(seeds)
    done = 0
    result: dict[str, list[str]] = {}
    for original in originals:
        for seed in seeds:
            name = seed_study_name(original.name, seed)

            def hear(progress: TuningProgress, seed: int = seed, name: str = name) -> None:
                if callback is not None:
                    callback(SeedRunProgress(original.name, seed, name, done, total,
                                             progress.finished, progress.max_jobs))

            existing = _existing(store, name, original.name, seed)
            if existing is None:
                run_tuning_job(_config(original, seed), store, callback=hear,
                               on_start=lambda prepared, seed=seed: _mark(store, prepared.name, original.name, seed))
            elif existing.status == TuningJobStatus.INTERRUPTED:
                resume_tuning_job(name, store, callback=hear)
            elif callback is not None:  # ended, or running elsewhere: kept as it stands
                callback(SeedRunProgress(original.name, seed, name, done, total, existing.max_jobs, existing.max_jobs))
            done += 1
            result.setdefault(original.name, []).append(name)
    return result


class SeedStudyHandle:
    """:func:`rerun_with_seeds` in a background thread, for a page that must not own the run.

    A Streamlit script is cut short when its user clicks elsewhere; a run inside it would
    end Failed. Here the runs go on, and any page can wait on the handle and show
    ``progress``.
    """

    def __init__(self, store: Store, tuning_job_names: Sequence[str], seeds: Sequence[int]) -> None:
        self.names = list(tuning_job_names)
        self.seeds = _check_seeds(seeds)
        _plan(store, self.names, self.seeds)  # bad input raises here, before the thread starts
        self.progress: SeedRunProgress | None = None
        self.result: dict[str, list[str]] | None = None
        self.error: BaseException | None = None

        def hear(progress: SeedRunProgress) -> None:
            self.progress = progress

        def target() -> None:
            try:
                self.result = rerun_with_seeds(store, self.names, self.seeds, callback=hear)
            except BaseException as error:  # noqa: BLE001 - kept for whoever waits
                self.error = error

        self.thread = threading.Thread(target=target, name="seed-study", daemon=True)
        self.thread.start()

    @property
    def running(self) -> bool:
        return self.thread.is_alive()

    def wait(self, timeout: float | None = None) -> dict[str, list[str]]:
        """Block until every rerun has ended; return the reruns' names (re-raising an error)."""
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise TimeoutError(f"the seed study of {', '.join(self.names)} is still running after {timeout} s")
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


def launch_rerun_with_seeds(store: Store, tuning_job_names: Sequence[str], seeds: Sequence[int]) -> SeedStudyHandle:
    """Check now, then :func:`rerun_with_seeds` in a background thread; returns its handle."""
    return SeedStudyHandle(store, tuning_job_names, seeds)
