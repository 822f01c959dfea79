"""The command line for a tuning job over several training job definitions (AWS's TrainingJobDefinitions).

``python -m tuning run`` of such a request, ``show``, ``resume``: the group's words beside
:mod:`tuning.cli`'s one-job ones. The group runs as member tuning jobs
(:mod:`tuning.running.definitions_run`); these say it as one tuning job, the best across the
definitions with its DefinitionName.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import pandas as pd

from tuning.errors import TuneLabError

if TYPE_CHECKING:
    from tuning.job.definitions import TrainingJobDefinitionsConfig
    from tuning.store.database import Store

__all__ = ["resume_group", "run_group", "show_group"]


def _bar(total: int, done: int, quiet: bool) -> tuple[Any, Any]:
    from tqdm import tqdm

    bar = tqdm(total=total, initial=done, unit="job", disable=quiet, dynamic_ncols=True)

    def on_progress(progress: Any) -> None:
        bar.update(1)

    return bar, on_progress


def _finish(store: Store, name: str, run: Any, bar: Any) -> int:
    """Run, then show the group; exit 1 when a definition failed (the others' results are kept)."""
    from tuning.running.definitions_group import definitions_group

    error: TuneLabError | None = None
    try:
        run()
    except TuneLabError as raised:  # a definition's loop failed; the others ran on
        error = raised
    finally:
        bar.close()
    show_group(store, name)
    if error is not None:
        print(f"error: {error}", file=sys.stderr)
    return 1 if error is not None or definitions_group(store, name).status == "Failed" else 0


def run_group(config: TrainingJobDefinitionsConfig, store: Store, scheduler: str | None, *, quiet: bool) -> int:
    """``python -m tuning run`` of a request with TrainingJobDefinitions."""
    from tuning.running.definitions_run import prepare_definitions, run_definitions

    prepared = prepare_definitions(config, store)
    shares = ", ".join(f"{definition}: {job.algorithm.title}, {job.max_jobs} jobs" for definition, job in prepared)
    print(f"Tuning job {config.name}: {len(prepared)} training job definitions ({shares}) on "
          f"{prepared[0][1].train.name}, {config.max_jobs} training jobs in all, {config.max_parallel_jobs} at a time"
          + (f", on the Dask cluster at {scheduler}." if scheduler else "."))
    for definition, job in prepared:
        for note in job.notes:
            print(f"note: {definition}: {note}")
    bar, on_progress = _bar(config.max_jobs, 0, quiet)
    return _finish(store, str(config.name), lambda: run_definitions(
        config, store, prepared=prepared, callback=on_progress, scheduler=scheduler), bar)


def resume_group(name: str, store: Store, scheduler: str | None, *, quiet: bool) -> int:
    """``python -m tuning resume`` of such a group: its Interrupted and never-started definitions."""
    from tuning.running.definitions_group import definitions_group
    from tuning.running.definitions_run import prepare_resume_definitions, resume_definitions

    prepared = prepare_resume_definitions(name, store)  # nothing to resume: refused before anything is said
    group = definitions_group(store, name)
    done = sum(job.finished_count for job in group.members.values() if job is not None)
    print(f"Resuming tuning job {name}: {done} of {group.config.max_jobs} training jobs finished before it was "
          f"interrupted; going on with {', '.join(definition for definition, _ in prepared)}.")
    bar, on_progress = _bar(group.config.max_jobs, done, quiet)
    return _finish(store, name, lambda: resume_definitions(name, store, prepared=prepared, callback=on_progress,
                                                           scheduler=scheduler), bar)


def show_group(store: Store, name: str) -> None:
    """``python -m tuning show`` of such a group: every training job with its definition, and the best."""
    from tuning.running.definitions_group import definitions_group
    from tuning.sagemaker.analytics import HyperparameterTuningJobAnalytics

    group = definitions_group(store, name)
    frame = HyperparameterTuningJobAnalytics(name, store=store).dataframe()
    if not frame.empty:
        frame = frame.drop(columns=["TrainingStartTime", "TrainingEndTime"]).dropna(axis=1, how="all")
        first = ["TrainingJobDefinitionName", "TrainingJobName"]
        frame = frame[[*first, *[column for column in frame.columns if column not in first]]]
    print()
    with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 40):
        print(frame.to_string(index=False) if not frame.empty else "(none)")
    print()
    counters = group.status_counters
    print(f"Tuning job {name}: {group.status} (" + ", ".join(
        f"{k} {counters.get(k, 0)}" for k in ("Completed", "Stopped", "Failed", "InProgress")) + "), "
          f"{len(group.members)} training job definitions")
    for definition, job in group.members.items():
        if job is None:
            print(f"  {definition}: not started (`python -m tuning resume {name}` starts it)")
            continue
        best = (f", best {job.best_training_job} {job.objective_metric_name} = {job.best_objective_value:.6g}"
                if job.best_training_job else "")
        print(f"  {definition}: {job.algorithm}, tuning job {job.name}, {job.status}, "
              f"{job.finished_count} of {job.max_jobs} training jobs{best}")
    if group.failure_reason:
        print(f"Failure reason: {group.failure_reason}")
    best = group.best_training_job()
    if best is not None:
        metric = best["FinalHyperParameterTuningJobObjectiveMetric"]
        print(f"Best training job: {best['TrainingJobName']} (definition {best['TrainingJobDefinitionName']})  "
              f"{metric['MetricName']} = {metric['Value']:.6g}")
