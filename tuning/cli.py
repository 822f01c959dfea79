"""The command line: run a tuning job from a JSON file, and read the store.

    python -m tuning run CONFIG.json [--store URL]   run it, with a progress bar (TuneLab's JSON
                                                     or SageMaker's CreateHyperParameterTuningJob request);
                     [--scheduler tcp://HOST:8786]   its training jobs on a Dask cluster
                                                     (default: $TUNELAB_SCHEDULER, else this machine)
    python -m tuning export NAME [--format F]        a stored job's config as JSON (sagemaker|tunelab)
    python -m tuning list                            every tuning job in the store
    python -m tuning show NAME                       one tuning job and its training jobs
                     [--test [--top-k 5]]            and its best training jobs re-scored on its test
                                                     split (TestSplitFraction): the generalisation check
    python -m tuning report NAME [NAME ...] [-o F]   one self-contained HTML file (opens offline): config,
                                                     training jobs, every Results chart; several names:
                                                     a group, their best-so-far curves overlaid
    python -m tuning stop NAME                       ask a running tuning job to stop
    python -m tuning resume NAME                     go on with an Interrupted tuning job (its process
                                                     died): rerun what was cut short, then the rest
    python -m tuning algorithms                      the catalogue, with default ranges
    python -m tuning serve NAME [--port 8080]        a local endpoint for its best model (final: retrained
                                                     on train + validation; --tuning-model: as tuned)
    python -m tuning class on|off|show               class mode's settings and the teacher's password
                                                     (tuning/classroom/command.py)

Each command imports what it needs when it is chosen, not when this module loads: pandas,
SQLAlchemy, scikit-learn and the runner cost seconds to import, and ``list``, ``stop`` or
``--help`` need few of them (bench/bench_cold_start.py measures it).

The store is ``$TUNELAB_HOME/tunelab.db`` unless ``--store`` (or ``$TUNELAB_STORE_URL``) names
a file or a SQLAlchemy URL, such as ``postgresql+psycopg://user:password@host/tunelab``. Bad input prints ``error: ...`` (no traceback) and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tuning.errors import StoreWriteError, TuneLabError, ValidationError, os_error_words

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["main"]


def _store(url: str | None):  # noqa: ANN202 - imported lazily to keep --help fast
    from tuning.store.database import Store

    return Store(url)


def _group(store, name: str):  # noqa: ANN001, ANN202 - a DefinitionsGroup, or None
    """The tuning job over several training job definitions called ``name``, if that is what it is."""
    from tuning.running.definitions_group import group_or_none

    return None if store.tuning_job_exists(name) else group_or_none(store, name)


def _print_frame(frame: pd.DataFrame) -> None:
    import pandas as pd  # here, not at the top: only the commands that print a table pay for it

    with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 40):
        print(frame.to_string(index=False) if not frame.empty else "(none)")


def _read_config(path: str):  # noqa: ANN202
    from tuning.job.definitions import TrainingJobDefinitionsConfig
    from tuning.json_input import parse_json
    from tuning.sagemaker.definitions_json import read_any_tuning_job_json

    file = Path(path)
    if not file.is_file():
        raise ValidationError(f"no configuration file at {path!r}. Give the path of a JSON file.")
    data = parse_json(file.read_bytes(), path)  # hostile text (binary, 10,000 levels deep) gets a message too
    config = read_any_tuning_job_json(data)  # any shape; AWS's is told apart by its top-level fields

    def beside_the_file(one):  # noqa: ANN001, ANN202 - a CSV path in the file is relative to the file
        for attribute in ("dataset", "validation_dataset"):
            value = getattr(one, attribute)
            if isinstance(value, Path) and not value.is_absolute():
                one = one.replace(**{attribute: (file.parent / value).resolve()})
        return one

    if isinstance(config, TrainingJobDefinitionsConfig):  # several training job definitions
        return config.replace(definitions={name: beside_the_file(one) for name, one in config.definitions.items()})
    return beside_the_file(config)


def _start_workers_now() -> None:
    """Start the training jobs' worker processes (their forkserver) before anything else.

    Why first: its imports (scikit-learn, skops, Optuna: over a second) then run on the
    other core while this process imports the runner and reads the data, instead of after
    (:func:`tuning.running.forkserver.warm_up`). It returns at once; the forkserver of a
    command that then fails (a bad file) ends with this process.
    """
    from tuning.running.forkserver import warm_up

    warm_up()


def _run(args: argparse.Namespace) -> int:
    _start_workers_now()
    from tqdm import tqdm

    from tuning.running.cluster import default_scheduler, scheduler_or_none
    from tuning.job.preparation import prepare

    scheduler = default_scheduler() if args.scheduler is None else scheduler_or_none(args.scheduler)
    store = _store(args.store)
    config = _read_config(args.config)
    if args.name:
        config = config.replace(name=args.name)
    if hasattr(config, "definitions"):  # TrainingJobDefinitions: a group of member tuning jobs
        from tuning.definitions_cli import run_group

        return run_group(config, store, scheduler, quiet=args.quiet)
    prepared = prepare(config, store=store)
    print(f"Tuning job {prepared.name}: {prepared.strategy_name} search of {prepared.algorithm.title} "
          f"on {prepared.train.name}, {prepared.metric.name} ({prepared.objective_type}), "
          f"{prepared.max_jobs} training jobs, {config.max_parallel_jobs} at a time"
          + (f", on the Dask cluster at {scheduler}." if scheduler else "."))
    for note in prepared.notes:
        print(f"note: {note}")
    bar = tqdm(total=prepared.max_jobs, unit="job", disable=args.quiet, dynamic_ncols=True)

    def on_progress(progress) -> None:  # noqa: ANN001
        bar.update(1)
        if progress.best_objective_value is not None:
            bar.set_postfix(best=f"{progress.best_objective_value:.5g}", refresh=False)

    return _run_to_the_end(prepared, store, bar, on_progress, scheduler)


def _run_to_the_end(prepared, store, bar, on_progress, scheduler: str | None) -> int:  # noqa: ANN001
    """Run (or resume) a prepared job, then show it; exit 1 when it Failed.

    A store that refuses a write mid-job (a full disk, a read-only one) is said with what
    is kept and how to go on; a store file deleted mid-run and written back is noted.
    """
    from tuning.running.runner import run_tuning_job

    try:
        job = run_tuning_job(prepared, store, callback=on_progress, scheduler=scheduler)
    except StoreWriteError as error:
        bar.close()
        recorded = store.tuning_job_exists(prepared.name)
        raise StoreWriteError(
            f"{error} " + (f"Tuning job {prepared.name} stopped; the training jobs it recorded are kept. Once the "
                           f"store can be written again, `python -m tuning resume {prepared.name}` goes on."
                           if recorded else "Nothing was recorded.")
        ) from None
    finally:
        bar.close()
    _show(store, job.name)
    if store.check_file() is not None:
        print(f"note: {store.check_file()}", file=sys.stderr)
    return 0 if job.status != "Failed" else 1


def _progress_bar(total: int, done: int, quiet: bool):  # noqa: ANN202
    """A tqdm bar over the training jobs (``done`` of them already finished), and its callback."""
    from tqdm import tqdm

    bar = tqdm(total=total, initial=done, unit="job", disable=quiet, dynamic_ncols=True)

    def on_progress(progress) -> None:  # noqa: ANN001
        bar.update(1)
        if progress.best_objective_value is not None:
            bar.set_postfix(best=f"{progress.best_objective_value:.5g}", refresh=False)

    return bar, on_progress


def _resume(args: argparse.Namespace) -> int:
    _start_workers_now()
    from tuning.running.cluster import default_scheduler, scheduler_or_none
    from tuning.running.resume import prepare_resume

    scheduler = default_scheduler() if args.scheduler is None else scheduler_or_none(args.scheduler)
    store = _store(args.store)
    if _group(store, args.name) is not None:  # several training job definitions
        from tuning.definitions_cli import resume_group

        return resume_group(args.name, store, scheduler, quiet=args.quiet)
    prepared = prepare_resume(args.name, store)  # not Interrupted, or its data changed: a clear error
    point = prepared.resume
    print(f"Resuming tuning job {prepared.name}: {len(point.kept)} of {prepared.max_jobs} training jobs "
          f"finished before it was interrupted; rerunning {len(point.reruns) + len(point.holes)} cut short, "
          f"then {max(0, prepared.max_jobs - len(point.kept) - len(point.reruns) - len(point.holes))} new, "
          f"{prepared.config.max_parallel_jobs} at a time.")
    for note in point.notes:
        print(f"note: {note}")
    bar, on_progress = _progress_bar(prepared.max_jobs, len(point.kept), args.quiet)
    return _run_to_the_end(prepared, store, bar, on_progress, scheduler)


def _show(store, name: str, *, price_per_hour: float | None = None, currency: str = "USD",  # noqa: ANN001
          test: bool = False, top_k: int = 5) -> None:
    from tuning.analysis.baseline import baseline_for_job
    from tuning.job.config import RUN_RECORD, training_jobs_ran_on
    from tuning.analysis.resource_use import compute_usage
    from tuning.analysis.stopped_jobs import objective_text, stopping_evidence
    from tuning.analysis.tables import training_jobs_frame

    if _group(store, name) is not None:  # several training job definitions
        from tuning.definitions_cli import show_group

        show_group(store, name)
        return
    job = store.get_tuning_job(name)
    training_jobs = store.training_jobs(name)
    frame = training_jobs_frame(training_jobs)
    if not frame.empty:
        frame = frame.drop(columns=["TrainingStartTime", "TrainingEndTime"])
        if any(t.status == "Stopped" for t in training_jobs):  # a stopped job's value is interim: say so
            frame["FinalObjectiveValue"] = [objective_text(job, t) for t in training_jobs]
        frame = frame.dropna(axis=1, how="all")
    print()
    _print_frame(frame)
    print()
    counters = ", ".join(f"{k} {job.status_counters.get(k, 0)}" for k in ("Completed", "Stopped", "Failed", "InProgress"))
    print(f"Tuning job {job.name}: {job.status} ({counters})")
    if job.completion_reason:
        print(f"Why it ended: {job.completion_reason}")
    if job.failure_reason:
        print(f"Failure reason: {job.failure_reason}")
    from tuning.job.autotune import autotune_summary

    autotuned = autotune_summary(job.config)  # AMT's Autotune: which settings were chosen for the job
    if autotuned:
        print(autotuned)
    ran_on = training_jobs_ran_on(job.config)
    if ran_on:
        print(f"Training jobs ran on {ran_on}")
    left_out = (job.config or {}).get("ExcludeColumns")
    if left_out:
        print(f"Columns left out (ExcludeColumns): {', '.join(map(str, left_out))}")
    held_out = ((job.config or {}).get(RUN_RECORD) or {}).get("TestSplit")
    if held_out and not test:
        print(f"Test split: {held_out['Rows']:,} rows held out (TestSplitFraction {held_out['TestSplitFraction']:g}), "
              f"never seen by tuning; `show {name} --test` re-scores the best training jobs there")
    baseline = baseline_for_job(job)
    if job.best_training_job:
        best = next(t for t in training_jobs if t.name == job.best_training_job)
        print(f"Best training job: {best.name}  {job.objective_metric_name} = {job.best_objective_value:.6g}"
              + (f"  (baseline {baseline.value:.4g}: {baseline.description})" if baseline else ""))
        print("  hyperparameters: " + ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                             for k, v in best.hyperparameters.items()))
        print(f"  model: {store.tuning_job_artifacts(name) / best.name}")
    usage = compute_usage(job, training_jobs)
    if usage is not None:
        print(f"Compute: {usage.line(price_per_hour=price_per_hour, currency=currency)}")
    evidence = stopping_evidence(job, training_jobs, baseline)
    if evidence:
        print(f"note: {evidence}")
    from tuning.job.warm_start import overall_best_training_job

    overall = overall_best_training_job(store, job)
    if overall is not None:
        value = overall["FinalHyperParameterTuningJobObjectiveMetric"]["Value"]
        print(f"Overall best training job (with the warm-start parents): {overall['TrainingJobName']} "
              f"of {overall['TuningJobName']}  {job.objective_metric_name} = {value:.6g}")
    if test:
        _show_generalisation_check(store, name, top_k)


def _show_generalisation_check(store, name: str, top_k: int) -> None:  # noqa: ANN001
    """``show --test``: the best training jobs on validation and on the test split, and what it means."""
    from tuning.analysis.holdout import generalisation_check

    print(f"\nGeneralisation check: the best {top_k} training jobs re-scored on the test split "
          "(retraining those not kept on disk)...", flush=True)
    check = generalisation_check(store, name, top_k=top_k)
    print()
    _print_frame(check.frame())
    print()
    print(check.sentence)


def _as_it_stands(store):  # noqa: ANN001, ANN202 - a Store, returned
    """The store, with the tuning jobs whose process died marked Interrupted first.

    Why ``list`` and ``show`` write, when reading the store never does: they are what a
    user runs to learn whether a job still runs, so a dead job must not read InProgress.
    The write is this one explicit call, and a store that refuses it (read-only, a full
    disk) costs a note on stderr, not the listing.
    """
    try:
        store.mark_dead_runners()
    except StoreWriteError as error:
        print(f"note: {error}", file=sys.stderr)
    return store


def _list(args: argparse.Namespace) -> int:
    import datetime as dt

    from tuning.analysis.tuning_job_rows import tuning_job_rows
    from tuning.text_table import format_table

    rows = tuning_job_rows(_as_it_stands(_store(args.store)).list_tuning_jobs())
    for row in rows:
        row.pop("Progress")  # "Finished" says it in a terminal
        row["CreationTime"] = dt.datetime.fromtimestamp(row["CreationTime"], dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    print(format_table(rows))  # no pandas: `list` should answer at once
    return 0


def _export(args: argparse.Namespace) -> int:
    """Print a stored job's configuration: the store keeps TuneLab's dict, AWS's shape is derived."""
    from tuning.job.config import TuningJobConfig

    group = _group(_store(args.store), args.name)
    if group is not None:  # several training job definitions: AWS's TrainingJobDefinitions
        from tuning.sagemaker.definitions_json import to_definitions_request

        data = to_definitions_request(group.config) if args.format == "sagemaker" else group.config.to_dict()
        print(json.dumps(data, indent=2))
        return 0
    job = _store(args.store).get_tuning_job(args.name)  # an unknown name: ValidationError naming the known ones
    config = TuningJobConfig.from_dict(job.config)
    if args.format == "sagemaker":
        from tuning.sagemaker.request_json import to_sagemaker_request

        data = to_sagemaker_request(config)
    else:
        data = config.to_dict()
    print(json.dumps(data, indent=2))
    return 0


def _report(args: argparse.Namespace) -> int:
    """Write the HTML report of one tuning job, or of a group of them (a race of strategies)."""
    from tuning.report import write_report

    store = _as_it_stands(_store(args.store))
    stem = "-vs-".join(args.names) if len(args.names) <= 3 else f"{args.names[0]}-and-{len(args.names) - 1}-more"
    names = []
    for name in args.names:  # several training job definitions: the group of their tuning jobs
        group = _group(store, name)
        names += [job.name for job in group.members.values() if job is not None] if group else [name]
    path = Path(args.output) if args.output else Path(f"{stem}-report.html")
    report = write_report(store, names, path)
    jobs = f"{len(names)} tuning jobs, " if len(names) > 1 else ""
    print(f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB): {jobs}{report.training_jobs:,} training jobs, "
          f"{report.charts} charts; one file, opens offline.")
    return 0


def _algorithms(_: argparse.Namespace) -> int:
    from tuning.algorithms import list_algorithms

    for algorithm in list_algorithms():
        resource = f"; resource: {algorithm.resource} ({algorithm.resource_unit})" if algorithm.resource else ""
        print(f"{algorithm.name}: {algorithm.title}. {algorithm.summary}{resource}")
        for spec in algorithm.hyperparameters.values():
            mark = "*" if spec.tuned_by_default else " "
            tuning = spec.default_range.describe() if spec.default_range is not None else f"static: {spec.domain()}"
            print(f"  {mark} {spec.name:<18} default {spec.default!s:<10} range {tuning:<32} {spec.description}")
    print("(* tuned by default)")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from tuning.serving.serve import create_server, describe_model, serve_model

    predictor = serve_model(_store(args.store), args.name, args.training_job, final=args.final)
    server = create_server(predictor, args.host, args.port)  # a busy port: ValidationError saying so
    print(f"Serving {describe_model(predictor)} on http://{args.host}:{server.server_address[1]} "
          "(GET /ping, POST /invocations with text/csv or application/json). Ctrl-C stops.", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tuning", description="TuneLab: hyperparameter tuning jobs, locally.")
    parser.add_argument("--store", help="database file or SQLAlchemy URL, e.g. postgresql+psycopg://user:password@host/tunelab "
                        "(default: $TUNELAB_STORE_URL, else $TUNELAB_HOME/tunelab.db)")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a tuning job described by a JSON file")
    run.add_argument("config", help="path of the tuning job's JSON configuration")
    run.add_argument("--name", help="name of the tuning job (overrides TuningJobName)")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--scheduler", metavar="tcp://HOST:8786",
                     help="run the training jobs on this Dask scheduler's cluster ('local': this machine's "
                     "process pool; default: $TUNELAB_SCHEDULER if set, else local)")
    export = commands.add_parser("export", help="print a stored tuning job's configuration as JSON")
    export.add_argument("name", help="the tuning job")
    export.add_argument("--format", choices=("sagemaker", "tunelab"), default="sagemaker",
                        help="sagemaker: the CreateHyperParameterTuningJob request (default); tunelab: TuneLab's JSON")
    commands.add_parser("list", help="list the tuning jobs in the store")
    show = commands.add_parser("show", help="show a tuning job and its training jobs")
    show.add_argument("name")
    show.add_argument("--price-per-hour", type=float, metavar="PRICE",
                      help="what one instance-hour costs you (typed, never fetched): adds the cost spent and saved")
    show.add_argument("--currency", default="USD", help="the price's currency (default USD)")
    show.add_argument("--test", action="store_true",
                      help="re-score the best training jobs on the job's test split (TestSplitFraction)")
    show.add_argument("--top-k", type=int, default=5, metavar="K",
                      help="with --test: how many of the best training jobs by validation (default 5)")
    report = commands.add_parser("report", help="write a tuning job's report: one self-contained HTML file")
    report.add_argument("names", nargs="+", metavar="NAME",
                        help="the tuning job; several: a group report with their best-so-far curves overlaid")
    report.add_argument("-o", "--output", metavar="FILE.html",
                        help="where to write it (default: NAME-report.html in this folder)")
    stop = commands.add_parser("stop", help="ask a running tuning job to stop")
    stop.add_argument("name")
    resume = commands.add_parser("resume", help="go on with an Interrupted tuning job (its process died)")
    resume.add_argument("name")
    resume.add_argument("--quiet", action="store_true", help="no progress bar")
    resume.add_argument("--scheduler", metavar="tcp://HOST:8786",
                        help="as for run: a Dask scheduler's cluster, or 'local'")
    commands.add_parser("algorithms", help="list the built-in algorithms and their hyperparameters")
    serve = commands.add_parser("serve", help="serve a tuning job's best model (GET /ping, POST /invocations)")
    serve.add_argument("name", help="the tuning job")
    serve.add_argument("--training-job", help="serve this completed training job's model instead of the best")
    serve.add_argument("--tuning-model", dest="final", action="store_false",
                       help="serve the model as tuned (training channel only) instead of the final model "
                            "(retrained on train + validation, AMT's last step)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080, as SageMaker containers)")
    classroom = commands.add_parser("class", help="class mode: students' workspaces and the teacher's password")
    classroom.add_argument("action", choices=["on", "off", "show"])
    classroom.add_argument("--code", help="a class code students type with their name (empty: none)")
    seeing = classroom.add_mutually_exclusive_group()
    seeing.add_argument("--others-visible", dest="others_visible", action="store_true", default=None,
                        help="students see each other's tuning jobs, read-only")
    seeing.add_argument("--own-only", dest="others_visible", action="store_false",
                        help="students see their own tuning jobs and the teacher's only (the default)")
    classroom.add_argument("--password", action="store_true",
                           help="set a new teacher password (asked for, hidden, when none is set yet)")
    for flag, dest, what in (("--max-running", "max_running_training_jobs",
                              "training jobs running at once on this server, all students together "
                              "(default: the machine's cores, or the Dask cluster's worker threads)"),
                             ("--student-max-parallel", "student_max_parallel_training_jobs",
                              "training jobs one student may run at once"),
                             ("--student-max-jobs", "student_max_tuning_jobs", "tuning jobs one student may keep"),
                             ("--student-max-upload-mb", "student_max_upload_mb", "largest CSV a student may upload, MB")):
        classroom.add_argument(flag, dest=dest, type=int, metavar="N", help=f"{what}; 0: no limit")
    args = parser.parse_args(argv)
    try:
        if args.command == "class":
            from tuning.classroom.command import run_class_command

            return run_class_command(args)
        if args.command == "run":
            return _run(args)
        if args.command == "list":
            return _list(args)
        if args.command == "show":
            if args.price_per_hour is not None and not (args.price_per_hour >= 0 and args.price_per_hour < float("inf")):
                raise ValidationError(f"--price-per-hour must be a number of 0 or more, such as 0.23, "
                                      f"but got {args.price_per_hour}.")
            _show(_as_it_stands(_store(args.store)), args.name, price_per_hour=args.price_per_hour,
                  currency=args.currency, test=args.test, top_k=args.top_k)
            return 0
        if args.command == "stop":
            store = _store(args.store)
            group = _group(store, args.name)
            if group is None:
                store.request_stop(args.name)
            else:  # several training job definitions: each one still running
                from tuning.running.definitions_run import stop_members

                stop_members(store, [job.name for job in group.members.values() if job is not None], group=group.name)
            print(f"Asked tuning job {args.name} to stop.")
            return 0
        if args.command == "resume":
            return _resume(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "export":
            return _export(args)
        if args.command == "report":
            return _report(args)
        return _algorithms(args)
    except ValidationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except TuneLabError as error:  # the store refused a write, a model could not be trained...
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a file TuneLab writes beside the store (a model, an upload)
        print(f"error: {os_error_words(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
