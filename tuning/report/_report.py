"""The report as one document: one tuning job, or a group of them side by side (a race of strategies).

A group report opens with the jobs in one table and their best-so-far curves overlaid on
one chart (when they share an objective, so the curves share an axis), then has every
job's own report below it. plotly.js is in the file once, in its head, whatever the number of charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tuning.analysis.baseline import baseline_for_job
from tuning.errors import ValidationError
from tuning.report._html import Charts, esc, links, note, page, plotly_js_version, table, when
from tuning.report._job import direction, interim_banner, job_section
from tuning.visualization import plot_compare_best_so_far

if TYPE_CHECKING:
    from tuning.records import TuningJob
    from tuning.store.database import Store

__all__ = ["Report", "build_report", "report_html", "write_report"]


@dataclass(frozen=True)
class Report:
    """A written report: the document, and what it holds (for the command line's one line)."""

    html: str
    tuning_jobs: tuple[str, ...]
    charts: int
    training_jobs: int


def _names(names: str | Sequence[str]) -> tuple[str, ...]:
    listed = (names,) if isinstance(names, str) else tuple(names)
    if not listed:
        raise ValidationError("name at least one tuning job to report on.")
    twice = sorted({name for name in listed if listed.count(name) > 1})
    if twice:
        raise ValidationError(f"tuning job {twice[0]!r} is named twice: name each tuning job once.")
    return listed


def _footer() -> str:
    import time

    return (f"Written by TuneLab on {esc(when(time.time()))}. One self-contained file: its charts' library "
            f"(plotly.js {esc(plotly_js_version())}) is inside it, so it opens without a network. Every value in "
            "it was read from the store; nothing was retrained to write it.")


def _group_overview(store: Store, jobs: Sequence[TuningJob], draw: Charts) -> str:
    rows = []
    for job in jobs:
        baseline = baseline_for_job(job)
        rows.append([job.name, job.status, job.strategy, job.algorithm, job.dataset,
                     f"{job.objective_metric_name} ({direction(job.objective_type)})",
                     f"{job.finished_count:,}/{job.max_jobs:,}", job.best_objective_value,
                     baseline.value if baseline else None, (job.config or {}).get("RandomSeed")])
    parts = [table(["Tuning job", "Status", "Strategy", "Algorithm", "Dataset", "Objective", "Finished",
                    "Best value", "Baseline", "RandomSeed"], rows)]
    parts += [interim_banner(job) for job in jobs if job.is_active]
    objectives = {(job.objective_metric_name, job.objective_type) for job in jobs}
    if len(objectives) > 1:
        parts.append(note(esc("These tuning jobs optimise different objectives ("
                              + "; ".join(sorted(f"{metric}, {kind}" for metric, kind in objectives))
                              + "), so their best-so-far curves cannot share an axis: each job's own chart is "
                              "in its section below.")))
        return "\n".join(parts)
    (metric, kind), = objectives
    baselines = {baseline_for_job(job) for job in jobs}
    shared = next(iter(baselines)) if len(baselines) == 1 else None  # one dataset and split: one score to beat
    runs = {job.name: store.training_jobs(job.name, with_curves=False) for job in jobs}
    figure = plot_compare_best_so_far(runs, objective_name=metric, objective_type=kind, baseline=shared)
    parts.append(draw(figure, "Best objective so far, by tuning job",
                      "Each curve is one tuning job, and one tuning job is one run with one seed: a gap between two "
                      "curves can be luck. The Compare page's Repeat over seeds runs each one over several seeds "
                      "and draws the spread." + ("" if len(baselines) == 1 else
                                                 " The jobs have different baselines (different data or split), "
                                                 "so none is drawn; each section gives its own.")))
    return "\n".join(parts)


def build_report(store: Store, names: str | Sequence[str]) -> Report:
    """The report of one tuning job, or of several (a group: overview and overlaid curves first).

    Unknown names are refused with the store's :class:`~tuning.errors.ValidationError`
    (it lists the known ones). Reads the store only: nothing is trained or written.
    """
    listed = _names(names)
    jobs = [store.get_tuning_job(name) for name in listed]
    draw = Charts()
    if len(jobs) == 1:
        title = f"TuneLab report: {jobs[0].name}"
        body = job_section(store, jobs[0], draw, anchor="job-1", level=1)
    else:
        title = "TuneLab report: " + " vs ".join(job.name for job in jobs)
        sections = [job_section(store, job, draw, anchor=f"job-{i}", level=2) for i, job in enumerate(jobs, 1)]
        body = "\n".join([
            f"<h1>{esc(title)}</h1>",
            f'<p class="lede">{len(jobs)} tuning jobs side by side, then each one in full.</p>',
            links({f"job-{i}": job.name for i, job in enumerate(jobs, 1)}),
            _group_overview(store, jobs, draw),
            *sections,
        ])
    counted = sum(len(store.training_jobs(job.name, with_curves=False)) for job in jobs)
    document = page(title, body, footer_html=_footer(), with_plotly=draw.count > 0)
    return Report(document, tuple(listed), draw.count, counted)


def report_html(store: Store, names: str | Sequence[str]) -> str:
    """One self-contained HTML document about tuning job ``names`` (a name, or several for a group).

    >>> html = report_html(store, "bank-bayes")  # doctest: +SKIP
    >>> html = report_html(store, ["bank-random", "bank-bayes"])  # a race: curves overlaid  # doctest: +SKIP
    """
    return build_report(store, names).html


def write_report(store: Store, names: str | Sequence[str], path: str | Path) -> Report:
    """Write :func:`report_html` to ``path`` (UTF-8) and return what it holds."""
    report = build_report(store, names)
    Path(path).write_text(report.html, encoding="utf-8")
    return report
