"""One tuning job in the report: what ran, what it found, how far to trust it, and every chart.

The sections follow the Results page, with what a file needs and a page does not: the
configuration as both JSON shapes (so the job can be rerun or sent to AWS from the
report alone), the whole table of training jobs, and the honest labels in words on the
page itself (a stopped job's value is interim, a running job's every number is interim,
one tuning job is one seed).

The generalisation check retrains models for the training jobs whose model is not kept, so
a report never retrains: it re-scores only the best training jobs whose models are on disk
(the best one always is), which is only a prediction on the test rows, and says how to
re-score more (``python -m tuning show NAME --test``, or the Explain page), which retrains
them once and keeps them for the next report.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tuning.algorithms import get_algorithm
from tuning.analysis.baseline import Baseline, baseline_for_job
from tuning.analysis.holdout import DEFAULT_TOP_K, generalisation_check, no_test_split_fix, ranked_by_validation
from tuning.analysis.resource_use import compute_usage, training_resource
from tuning.analysis.stopped_jobs import objective_text, stopped_at, stopping_evidence
from tuning.errors import TuneLabError
from tuning.explain import proposed_by
from tuning.explain.lint import lint_after_job
from tuning.job.config import RUN_RECORD, TuningJobConfig, training_jobs_ran_on
from tuning.job.warm_start import overall_best_training_job
from tuning.records import TrainingJobStatus
from tuning.report._html import Charts, code_block, esc, facts, links, note, table, when
from tuning.sagemaker.request_json import to_sagemaker_request
from tuning.serving.deploy import model_is_saved
from tuning.visualization import RESULTS_CHARTS, default_axes, plot_generalisation_check, results_figure

if TYPE_CHECKING:
    from tuning.records import TrainingJob, TuningJob
    from tuning.store.database import Store

BEST_MARK = "★"
SECTIONS = (("charts", "Charts"), ("lint", "Search-space lint"), ("generalisation", "Generalisation check"),
            ("training-jobs", "Training jobs"), ("configuration", "Configuration"))
"""A job's sections after its summary, in order: (anchor suffix, heading)."""


def direction(objective_type: str) -> str:
    return "higher is better" if objective_type == "Maximize" else "lower is better"


def interim_banner(job: TuningJob) -> str:
    """The words a running job's report opens with: nothing in it is final yet."""
    if not job.is_active:
        return ""
    return note(f"Interim: {esc(job.name)} was still {esc(job.status)} when this report was written "
                f"({job.finished_count:,} of {job.max_jobs:,} training jobs finished). Every number and chart "
                "below is interim and may change; write the report again once the job has ended.", "interim")


def seed_words(job: TuningJob) -> str:
    seed = (job.config or {}).get("RandomSeed")
    which = f"RandomSeed {seed}" if seed is not None else "a random seed, not recorded as RandomSeed"
    return (f"One tuning job is one run with one seed ({esc(which)}): another seed tries other hyperparameters "
            "and may find another best. The Compare page's Repeat over seeds says how much the result varies.")


def best_words(job: TuningJob, baseline: Baseline | None) -> str:
    """The best score with the score to beat beside it."""
    if not job.best_training_job or job.best_objective_value is None:
        best = "none yet: no training job has completed with an objective value."
    else:
        best = (f"<strong>{esc(job.best_training_job)}</strong> with {esc(job.objective_metric_name)} = "
                f"<strong>{job.best_objective_value:.6g}</strong>")
    if baseline is None:
        return best + " &middot; baseline: none recorded (the job ran before TuneLab kept one)."
    return (best + f" &middot; baseline <strong>{baseline.value:.4g}</strong>, the score of "
            f"{esc(baseline.description)} (a model that ignores the features): the score to beat.")


def compute_words(job: TuningJob, training_jobs: Sequence[TrainingJob]) -> str:
    """Compute used and saved by stopping, or why there is nothing to count."""
    try:
        usage = compute_usage(job, training_jobs)
        algorithm = get_algorithm(job.algorithm)
    except TuneLabError as error:
        return esc(f"not known: {error}")
    if usage is not None:
        so_far = " so far" if job.is_active else ""
        return esc(f"{usage.line()}{so_far}. The saving is an estimate: each stopped job's remaining "
                   f"{usage.unit} at its own measured seconds per unit.")
    if algorithm.resource is None:
        return esc(f"{algorithm.title or job.algorithm} trains each model in one go (no rounds), so there was "
                   "nothing to stop early and nothing saved.")
    return "no training job has finished yet."


def summary(store: Store, job: TuningJob, training_jobs: Sequence[TrainingJob]) -> str:
    baseline = baseline_for_job(job)
    counters = ", ".join(f"{status} {job.status_counters.get(status, 0):,}"
                         for status in ("Completed", "Stopped", "Failed", "InProgress"))
    rows: list[tuple[str, str]] = [
        ("Best training job", best_words(job, baseline)),
        ("Training jobs", esc(f"{job.finished_count:,} of {job.max_jobs:,} finished ({counters}), "
                              f"{job.max_parallel_jobs} at a time")),
        ("Created", esc(when(job.created_at)) + (f" &middot; ended {esc(when(job.ended_at))}" if job.ended_at else "")),
    ]
    if job.completion_reason:
        rows.append(("Why it ended", esc(job.completion_reason)))
    if job.failure_reason:
        rows.append(("Failure reason", esc(job.failure_reason)))
    rows.append(("Compute", compute_words(job, training_jobs)))
    rows.append(("Seed", seed_words(job)))
    ran_on = training_jobs_ran_on(job.config or {})
    if ran_on:
        rows.append(("Ran on", esc(ran_on)))
    left_out = (job.config or {}).get("ExcludeColumns")
    if left_out:
        rows.append(("Columns left out", esc(", ".join(map(str, left_out)))))
    try:
        overall = overall_best_training_job(store, job)
    except TuneLabError:
        overall = None
    if overall is not None:
        value = overall["FinalHyperParameterTuningJobObjectiveMetric"]["Value"]
        rows.append(("Overall best (warm start)", esc(f"{overall['TrainingJobName']} of {overall['TuningJobName']}, "
                                                      f"{job.objective_metric_name} = {value:.6g}")))
    parts = [facts(rows)]
    try:
        evidence = stopping_evidence(job, training_jobs, baseline)
    except TuneLabError:
        evidence = None
    if evidence:
        parts.append(note(esc(evidence), "warning"))
    if any(t.status == TrainingJobStatus.STOPPED for t in training_jobs):
        parts.append(note("Stopped training jobs were stopped early: their values are interim (their score at the "
                          "round they were stopped, not what their hyperparameters would have scored), and are "
                          "labelled so in the table and the charts."))
    return "\n".join(parts)


def configuration(job: TuningJob) -> str:
    """The ranges in a table, then TuneLab's JSON and AWS's CreateHyperParameterTuningJob request."""
    try:
        config = TuningJobConfig.from_dict(job.config)
    except TuneLabError as error:
        return note(esc(f"The stored configuration does not read as one: {error}"), "warning") + \
            code_block(json.dumps(job.config, indent=2, default=str))
    parts = []
    ranges = config.resolved_ranges()
    if ranges:
        parts.append(table(["Hyperparameter", "Range"], [(name, parameter.describe()) for name, parameter in ranges.items()]))
    statics = dict(config.static_hyperparameters or {})
    if statics:
        parts.append(f"<p>Fixed hyperparameters: {esc(', '.join(f'{k}={v}' for k, v in statics.items()))}</p>")
    tunelab = config.to_dict()
    parts.append("<details open><summary>TuneLab's JSON</summary>"
                 + note("Save it as a file and <code>python -m tuning run FILE.json --name NEW-NAME</code> reruns "
                        "the job (or import it on the Create page).")
                 + code_block(json.dumps(tunelab, indent=2, default=str)) + "</details>")
    try:
        request = to_sagemaker_request(config)
    except TuneLabError as error:
        parts.append(note(esc(f"No SageMaker request for this job: {error}"), "warning"))
    else:
        parts.append("<details><summary>SageMaker's CreateHyperParameterTuningJob request</summary>"
                     + note("The request AWS's API takes (TuneLab's own settings ride along as <code>tunelab:</code> "
                            "tags); <code>python -m tuning run</code> reads it back too.")
                     + code_block(json.dumps(request, indent=2, default=str)) + "</details>")
    return "\n".join(parts)


def _has_rounds(job: TuningJob) -> bool:
    try:
        return get_algorithm(job.algorithm).resource is not None
    except TuneLabError:
        return True


def charts(job: TuningJob, jobs_with_curves: Sequence[TrainingJob], draw: Charts) -> str:
    """Every Results chart, in the page's order; the objective surface on its default axes."""
    try:
        names = list(TuningJobConfig.from_dict(job.config).resolved_ranges())
    except TuneLabError:  # a stored configuration that no longer reads: the charts that need no ranges still draw
        names = []
    parts = []
    if job.is_active:
        parts.append(note("Interim charts: drawn from the training jobs finished when the report was written.",
                          "interim"))
    for chart in RESULTS_CHARTS:
        args: tuple[str, ...] = ()
        caption = chart.caption
        if chart.axes:
            axes = default_axes(names)
            if axes is None:
                parts.append(f"<h3>{esc(chart.title)}</h3>" + note("The objective surface needs two tuned "
                                                                   "hyperparameters."))
                continue
            args = axes
            caption = (f"{axes[0]} across, {axes[1]} up (the Results page lets you pick any two tuned "
                       "hyperparameters).")
        if chart.curves and not _has_rounds(job):
            caption = (f"{job.algorithm} trains each model in one go: every training job reports one value, so "
                       "there is no curve to draw.")
        try:
            figure = results_figure(chart, job, jobs_with_curves, *args)
        except TuneLabError as error:
            parts.append(f"<h3>{esc(chart.title)}</h3>" + note(esc(str(error)), "warning"))
            continue
        parts.append(draw(figure, chart.title, caption))
    return "\n".join(parts)


def lint(job: TuningJob, training_jobs: Sequence[TrainingJob]) -> str:
    if job.is_active:
        return note("The lint reads the finished job: write the report again once the tuning job has ended.")
    try:
        findings = lint_after_job(job, training_jobs)
    except TuneLabError as error:
        return note(esc(f"No lint for this job: {error}"))
    if not findings:
        return note("Nothing to flag: the best job is inside every range, and every tuned hyperparameter mattered.")
    items = []
    for finding in findings:
        fix = f" <em>Fix: {esc(finding.label)}</em> (one click on the Results page opens it in Create)." \
            if finding.fix else ""
        items.append(f'<li class="finding {esc(finding.severity)}"><strong>{esc(finding.severity.title())}:</strong> '
                     f"{esc(finding.message)}{fix}</li>")
    return "<ul>" + "\n".join(items) + "</ul>"


def _how_to_rescore(job: TuningJob) -> str:
    return (f"To re-score the best {DEFAULT_TOP_K}: <code>python -m tuning show {esc(job.name)} --test --top-k "
            f"{DEFAULT_TOP_K}</code>, or the Explain page's Generalisation check. It retrains the training jobs whose "
            "model is not kept (same data, hyperparameters and seed) and keeps them, so the next report includes "
            "them; a report itself never retrains.")


def generalisation(store: Store, job: TuningJob, training_jobs: Sequence[TrainingJob], draw: Charts) -> str:
    """The check on the best training jobs whose models are on disk: scoring only, no retraining."""
    fraction = (job.config or {}).get("TestSplitFraction")
    if fraction is None:
        return note(esc(f"{job.name} held out no test split, so there are no unseen rows to check its best training "
                        f"jobs on. {no_test_split_fix()}"))
    if job.is_active:
        return note(f"{esc(job.name)} is still running, so its best training jobs may still change: the check is "
                    "left out. " + _how_to_rescore(job))
    ranked = ranked_by_validation(training_jobs, job.objective_type)
    kept = 0
    for training_job in ranked[:DEFAULT_TOP_K]:
        if not model_is_saved(store, job.name, training_job.name):
            break
        kept += 1
    if kept == 0:
        return note("No model of the best training jobs is on disk, so nothing was re-scored. " + _how_to_rescore(job))
    try:
        check = generalisation_check(store, job.name, top_k=kept)
    except TuneLabError as error:
        return note(esc(f"The check could not run: {error}"), "warning")
    frame = check.frame()
    parts = [
        f"<p>{float(fraction):.0%} of the rows were held out before "
        "the train/validation split: no training job trained on them and the strategy never saw a score on them.</p>",
        f"<p>{esc(check.sentence)}</p>",
        draw(plot_generalisation_check(check), "Generalisation check"),
        table(list(frame.columns), frame.itertuples(index=False), css_class="holdout"),
    ]
    if kept < min(DEFAULT_TOP_K, len(ranked)):
        parts.append(note(f"Only the best {kept} model{'s are' if kept > 1 else ' is'} kept on disk, so only "
                          f"{'they were' if kept > 1 else 'it was'} re-scored. " + _how_to_rescore(job)))
    return "\n".join(parts)


def _value_kind(job: TuningJob, training_job: TrainingJob) -> str:
    """"final" for a Completed job's value, "interim: round 10 of 100" for a Stopped job's."""
    if training_job.status == TrainingJobStatus.STOPPED:
        step = stopped_at(training_job)
        if step is None:
            return "interim"
        word = get_algorithm(job.algorithm).resource_step or "step"
        total = training_resource(job, training_job)
        return f"interim: {word} {step}" + (f" of {total}" if total else "")
    if training_job.status == TrainingJobStatus.COMPLETED and training_job.final_objective_value is not None:
        return "final"
    return ""


def training_jobs_table(store: Store, job: TuningJob, training_jobs: Sequence[TrainingJob]) -> str:
    """Every training job, the best first (marked ★), as the Results page orders its columns."""
    if not training_jobs:
        return note("No training job has started yet.")
    names = list(dict.fromkeys(name for t in training_jobs for name in t.hyperparameters))
    try:
        proposers = proposed_by(store, job.name) if job.strategy == "Bayesian" else {}
    except TuneLabError:
        proposers = {}
    reasons = [column for column, attribute in (("StoppedReason", "stopped_reason"), ("FailureReason", "failure_reason"))
               if any(getattr(t, attribute) for t in training_jobs)]
    columns = ["Best", "TrainingJobName", "TrainingJobStatus", "FinalObjectiveValue", "Value", *names,
               *(["ProposedBy"] if proposers else []), "TrainingElapsedTimeSeconds", *reasons]
    ordered = sorted(training_jobs, key=lambda t: (t.name != job.best_training_job, t.index))
    rows: list[list[Any]] = []
    for t in ordered:
        elapsed = t.elapsed_seconds
        row: list[Any] = [BEST_MARK if t.name == job.best_training_job else "", t.name, t.status,
                          objective_text(job, t, digits=6), _value_kind(job, t),
                          *(t.hyperparameters.get(name) for name in names)]
        if proposers:
            row.append(proposers.get(t.name, ""))
        row.append(round(elapsed, 2) if elapsed is not None else None)
        row += [t.stopped_reason if column == "StoppedReason" else t.failure_reason for column in reasons]
        rows.append(row)
    return (table(columns, rows, css_class="training-jobs")
            + f"<p class=\"lede\">{len(rows):,} training jobs; the best first, marked {BEST_MARK}. A Stopped job's "
              "value is interim: its score at the round it was stopped.</p>")


def held_out_words(job: TuningJob) -> str:
    held_out = ((job.config or {}).get(RUN_RECORD) or {}).get("TestSplit")
    if not held_out:
        return ""
    return esc(f" · test split: {held_out.get('Rows', 0):,} rows held out")


def job_section(store: Store, job: TuningJob, draw: Charts, *, anchor: str, level: int = 1) -> str:
    """One tuning job, all its sections; ``level`` 1 for a report of its own, 2 inside a group."""
    training_jobs = store.training_jobs(job.name)  # with the learning curves: stopped rounds, compute, a chart
    heading, sub = (f"h{level}", f"h{level + 1}")
    lede = (f"{esc(job.status)} &middot; {esc(job.strategy)} search of {esc(job.algorithm)} on {esc(job.dataset)} "
            f"&middot; objective <strong>{esc(job.objective_metric_name)}</strong> "
            f"({direction(job.objective_type)}){held_out_words(job)}")
    bodies = {
        "charts": charts(job, training_jobs, draw),
        "lint": lint(job, training_jobs),
        "generalisation": generalisation(store, job, training_jobs, draw),
        "training-jobs": training_jobs_table(store, job, training_jobs),
        "configuration": configuration(job),
    }
    return "\n".join([
        f'<section id="{esc(anchor)}">',
        f"<{heading}>{'TuneLab report: ' if level == 1 else ''}{esc(job.name)}</{heading}>",
        f'<p class="lede">{lede}</p>',
        links({f"{anchor}-{part}": title for part, title in SECTIONS}),
        interim_banner(job),
        summary(store, job, training_jobs),
        *(f'<{sub} id="{esc(anchor)}-{part}">{esc(title)}</{sub}>\n{bodies[part]}' for part, title in SECTIONS),
        "</section>",
    ])
