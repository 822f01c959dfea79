"""Class mode under load: thirty browser sessions each launching a tuning job from the Create page within a minute.

Usage::

    .venv/bin/python bench/bench_class_load.py [--sessions 30] [--spread 60] [--jobs 4] [--parallel 2]
                                              [--out bench/results/class-load.md]

Issue 20, point 3. A fresh, temporary ``$TUNELAB_HOME`` with class mode on (the default
server-wide limit: ``os.cpu_count()`` training jobs at once, shared round-robin between
students, tuning/running/fair_share.py). Each session is its own Streamlit ``AppTest`` of
app.py in this one process, as the Streamlit server holds its browser sessions: same
``st.cache_resource`` store and launcher, each session its own session state. Before the
clock starts every session enters its student's name at the class prompt and opens the
Create page (the class sitting down); then, one every ``spread / sessions`` seconds, each
fills the form (breast_cancer, the page's default XGBoost with its default ranges and 100
rounds, Random, ``--jobs`` training jobs, ``--parallel`` parallel, the page's default seed,
so every student asks for the same work) and clicks **Launch tuning job**: the page's real
launch, a thread of this process going through the session's ``WorkspaceStore``.

Between launches and until every job has ended, a random launched session opens its Monitor
or Results page (its own job, picked by the page) and each page run is timed: the script's
run on the server, what a browser waits for before it can draw (not the drawing itself).

At the end the store is read directly: exactly one tuning job per session, Completed, with
exactly ``--jobs`` training jobs (indexes 0..jobs-1, none lost, none twice), all Completed,
each job in its student's workspace. The share between students is each one's summed CPU
seconds (what the worker processes spent on their training jobs, as the store records them:
``TrainingJob.cpu_seconds``), reported against the 20% target two ways: each student's distance from the mean (over the
mean), and the stricter (max - min) / mean. Their summed training time (end minus start) is shown beside it and is not the
measure: a training job launched while the machine is busy takes longer on the clock for the
same CPU, so wall time measures when a student launched as much as what they got. With each student's
wait (their first training job's start after the launch) and finish (their last one's end
after the launch), and the gate's grants per student. One run: the figures move with
whatever else the machine is doing, so the load average is printed with them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_fair_share import most_at_once  # noqa: E402

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

    from tuning.store.database import Store

APP = str(ROOT / "app.py")
PAGE_TIMEOUT_SECONDS = 120
RUN_TIMEOUT_SECONDS = 1800
PAGE_P95_TARGET_SECONDS = 2.0
SHARE_TARGET = 0.20
WATCHED_PAGES = ("monitor", "results")


@dataclass
class Session:
    """One browser session: its student, the tuning job it launches, and its AppTest."""

    student: str
    job_name: str
    app: AppTest
    launched_at: float | None = None
    """time.time() when its Launch click ran (None: not launched yet)."""
    refused: bool = False
    """Its form or its launch failed (a problem is recorded): nothing runs for it."""


@dataclass
class PageRun:
    """One timed run of a page script for one session."""

    kind: str
    """"enter" (the name prompt, before the clock), "create" (the form filled), "launch", "monitor", "results"."""
    seconds: float
    under_load: bool
    """Run after the first launch and before the last tuning job ended."""


@dataclass
class StudentRow:
    """What the store says one student's tuning job got."""

    student: str
    job_name: str
    status: str
    training_jobs: int
    training_seconds: float
    cpu_seconds: float
    """Summed CPU seconds of their training jobs (the share's measure)."""
    launched: float
    """The tuning job's creation, seconds after the first launch."""
    wait: float
    """Its first training job's start after its creation."""
    finish: float
    """Its last training job's end after its creation."""
    grants: int


@dataclass
class LoadRun:
    """A whole run: sessions, timed page runs, what the store says, and every problem found."""

    sessions: list[Session]
    pages: list[PageRun] = field(default_factory=list)
    rows: list[StudentRow] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(kind, words): kind "page", "lost", "status", "workspace", "limit" or "time"."""
    started: float = 0.0
    wall: float = 0.0
    completed: int = 0
    """Tuning jobs of the sessions that the store says Completed."""
    most_at_once: int = 0
    limit: int = 0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    alone: list[float] = field(default_factory=list)
    """CPU seconds of the first student's tuning job run again alone, after the load (see cpu_seconds_alone)."""

    def problem(self, kind: str, words: str) -> None:
        self.problems.append((kind, words))

    def problems_of(self, kind: str) -> list[str]:
        return [words for problem_kind, words in self.problems if problem_kind == kind]

    def page_seconds(self, kinds: tuple[str, ...], *, under_load: bool = True) -> list[float]:
        return [run.seconds for run in self.pages if run.kind in kinds and (run.under_load or not under_load)]

    @property
    def share(self) -> float:
        """(max - min) / mean of the students' summed CPU seconds."""
        seconds = [row.cpu_seconds for row in self.rows]
        return (max(seconds) - min(seconds)) / float(np.mean(seconds)) if seconds and np.mean(seconds) > 0 else 0.0

    @property
    def deviation(self) -> float:
        """The largest distance of a student's summed CPU seconds from the students' mean, over that mean."""
        seconds = [row.cpu_seconds for row in self.rows]
        mean = float(np.mean(seconds)) if seconds else 0.0
        return max(abs(x - mean) for x in seconds) / mean if mean > 0 else 0.0


def _timed(action: Callable[[], object]) -> float:
    """Run one AppTest action and return its seconds; ``__main__`` put back afterwards.

    AppTest installs the script it runs as ``sys.modules["__main__"]`` and leaves it there
    (tests/conftest.py says why that matters to worker processes started later).
    """
    main_module = sys.modules["__main__"]
    started = time.perf_counter()
    try:
        action()
    finally:
        sys.modules["__main__"] = main_module
    return time.perf_counter() - started


def _page_problem(app: AppTest, what: str) -> str | None:
    if app.exception:
        return f"{what}: exception {[e.message for e in app.exception]}"
    if app.error:
        return f"{what}: error shown {[e.value for e in app.error]}"
    return None


def enter_class(student: str, job_name: str, load: LoadRun) -> Session:
    """A new browser session: app.py, the student's name at the class prompt, then the Create page."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(APP, default_timeout=PAGE_TIMEOUT_SECONDS)
    load.pages.append(PageRun("enter", _timed(app.run), False))
    app.text_input(key="class.name").input(student)
    button = next(button for button in app.button if button.label == "Enter the class")
    load.pages.append(PageRun("enter", _timed(lambda: button.click().run()), False))
    load.pages.append(PageRun("enter", _timed(lambda: app.switch_page("views/create.py").run()), False))
    if problem := _page_problem(app, f"{student} entering"):
        load.problem("page", problem)
    return Session(student, job_name, app)


def launch(session: Session, load: LoadRun, *, max_jobs: int, max_parallel: int) -> None:
    """Fill the Create form as a student would and click Launch: the page's own launch."""
    app = session.app
    app.selectbox(key="create.dataset").set_value("breast_cancer")
    app.radio(key="create.strategy").set_value("Random")
    app.number_input(key="create.max_jobs").set_value(max_jobs)
    app.number_input(key="create.max_parallel").set_value(max_parallel)
    app.text_input(key="create.name").set_value(session.job_name)
    load.pages.append(PageRun("create", _timed(app.run), True))
    if problem := _page_problem(app, f"{session.student}'s Create form"):
        load.problem("page", problem)
        session.refused = True
        return
    clicked = time.time()
    load.pages.append(PageRun("launch", _timed(lambda: app.button(key="create.launch").click().run()), True))
    if problem := _page_problem(app, f"{session.student}'s launch"):
        load.problem("page", problem)
        session.refused = True
    elif not any(f"Launched **{session.job_name}**" in success.value for success in app.success):
        load.problem("page", f"{session.student}'s launch said no 'Launched': {[s.value for s in app.success]}")
        session.refused = True
    else:
        session.launched_at = clicked


def watch(session: Session, page: str, load: LoadRun) -> None:
    """The session opens its Monitor or Results page; the run is timed, and the page must show its own job."""
    app = session.app
    load.pages.append(PageRun(page, _timed(lambda: app.switch_page(f"views/{page}.py").run()), True))
    if problem := _page_problem(app, f"{session.student}'s {page} page"):
        load.problem("page", problem)
    elif app.selectbox(key="pick_tuning_job").value != session.job_name:
        load.problem("page", f"{session.student}'s {page} page shows {app.selectbox(key='pick_tuning_job').value}")


def _all_ended(store: Store, names: set[str]) -> bool:
    jobs = {job.name: job for job in store.list_tuning_jobs()}
    return names <= set(jobs) and not any(jobs[name].is_active for name in names)


def check_store(store: Store, load: LoadRun, *, max_jobs: int, grants: Counter) -> None:
    """Every job once, Completed, with exactly its training jobs, in its student's workspace: rows and problems."""
    from tuning.classroom import Workspace

    jobs = store.list_tuning_jobs()
    names = [job.name for job in jobs]
    wanted = [session.job_name for session in load.sessions]
    if sorted(names) != sorted(wanted):
        load.problem("lost", f"{len(names)} tuning jobs in the store, {len(wanted)} launched: "
                             f"missing {sorted(set(wanted) - set(names))}, extra {sorted(set(names) - set(wanted))}")
    every = []
    for session in load.sessions:
        job = store.get_tuning_job(session.job_name)
        if job is None:
            continue
        training = store.training_jobs(job.name, with_curves=False)
        every += training
        indexes = [t.index for t in training]
        load.completed += job.status == "Completed"
        if job.status != "Completed" or job.failure_reason:
            load.problem("status", f"{job.name}: {job.status} {job.failure_reason or ''}".strip())
        if sorted(indexes) != list(range(max_jobs)):
            load.problem("lost", f"{job.name}: training job indexes {sorted(indexes)}, not 0..{max_jobs - 1}")
        if len({t.name for t in training}) != len(training):
            load.problem("lost", f"{job.name}: a training job name twice")
        if any(t.status != "Completed" for t in training):
            load.problem("status", f"{job.name}: training jobs {Counter(t.status for t in training)}")
        key = Workspace.student(session.student).key
        if job.workspace != key:
            load.problem("workspace", f"{job.name}: workspace {job.workspace!r}, not {key!r}")
        timed = [t for t in training if t.start_time is not None and t.end_time is not None]
        if any(t.cpu_seconds is None for t in timed):
            load.problem("time", f"{job.name}: a training job without its CPU seconds")
        if not timed:
            continue
        load.rows.append(StudentRow(
            student=session.student, job_name=job.name, status=job.status, training_jobs=len(training),
            training_seconds=sum(t.end_time - t.start_time for t in timed),
            cpu_seconds=sum(t.cpu_seconds or 0.0 for t in timed), launched=job.created_at - load.started,
            wait=min(t.start_time for t in timed) - job.created_at, finish=max(t.end_time for t in timed) - job.created_at,
            grants=grants.get(key, 0)))
    load.most_at_once = most_at_once([t for t in every if t.start_time is not None and t.end_time is not None])
    if load.most_at_once > load.limit:
        load.problem("limit", f"{load.most_at_once} training jobs ran at once, over the limit of {load.limit}")


def run_class_load(sessions: int = 30, *, spread_seconds: float = 60.0, max_jobs: int = 4, max_parallel: int = 2,
                   seed: int = 0, timeout: float = RUN_TIMEOUT_SECONDS, alone_repeats: int = 0) -> LoadRun:
    """The whole load in this process's ``$TUNELAB_HOME`` (class mode switched on there): see the module's docstring."""
    from tuning.classroom import ClassSettings, save_class_settings
    from tuning.running.fair_share import LOCAL_POOL_KEY, gate_for
    from tuning.store.database import Store

    save_class_settings(ClassSettings(enabled=True))
    gate = gate_for(LOCAL_POOL_KEY, os.cpu_count() or 1)  # the limit admission_for gives it in class mode
    grants_before = Counter(gate.granted_per_workspace)
    load = LoadRun(sessions=[], limit=gate.limit, load_before=os.getloadavg())
    for number in range(1, sessions + 1):
        load.sessions.append(enter_class(f"Student {number:02d}", f"class-load-{number:02d}", load))
    store = Store()
    picker = random.Random(seed)
    interval = spread_seconds / sessions
    load.started = time.time()
    deadline = load.started + timeout
    turn = 0
    while time.time() < deadline:
        now = time.time()
        due = [s for n, s in enumerate(load.sessions)
               if s.launched_at is None and not s.refused and now >= load.started + n * interval]
        if due:
            launch(due[0], load, max_jobs=max_jobs, max_parallel=max_parallel)
            continue
        launched = [s for s in load.sessions if s.launched_at is not None]
        if (len(launched) + sum(s.refused for s in load.sessions) == sessions
                and _all_ended(store, {s.job_name for s in launched})):
            break
        if launched:
            watch(picker.choice(launched), WATCHED_PAGES[turn % 2], load)
            turn += 1
        else:
            time.sleep(0.05)
    else:
        load.problem("time", f"the tuning jobs had not all ended after {timeout:.0f} s")
    load.wall = time.time() - load.started
    load.load_after = os.getloadavg()
    grants = Counter(gate.granted_per_workspace)
    grants.subtract(grants_before)
    check_store(store, load, max_jobs=max_jobs, grants=grants)
    if alone_repeats and load.sessions and store.tuning_job_exists(load.sessions[0].job_name):
        load.alone = cpu_seconds_alone(store.get_tuning_job(load.sessions[0].job_name).config, alone_repeats)
    store.dispose()
    return load


def cpu_seconds_alone(config: dict, repeats: int) -> list[float]:
    """The CPU seconds of one student's very tuning job (same settings, seed, hyperparameters),
    run again ``repeats`` times alone, after the load, in a store of its own: what the same
    work costs on a quiet machine, the noise floor of the share's measure."""
    from tuning import TuningJobConfig, run_tuning_job
    from tuning.store.database import Store

    config = {key: value for key, value in config.items() if key != "TuningJobName"}
    alone = Store(Path(tempfile.mkdtemp(prefix="tunelab-alone-")) / "tunelab.db")
    totals = []
    for repeat in range(repeats):
        job = run_tuning_job(TuningJobConfig.from_dict({**config, "TuningJobName": f"alone-{repeat}"}), alone)
        totals.append(sum(t.cpu_seconds or 0.0 for t in alone.training_jobs(job.name, with_curves=False)))
    alone.dispose()
    return totals


# -- reporting -----------------------------------------------------------------------------


def _stats(seconds: list[float]) -> str:
    if not seconds:
        return "| 0 | - | - | - |"
    p50, p95 = np.percentile(seconds, [50, 95])
    return f"| {len(seconds)} | {p50:.2f} | {p95:.2f} | {max(seconds):.2f} |"


def _spread(values: list[float]) -> str:
    return f"{min(values):.1f} / {max(values):.1f} / {np.mean(values):.1f}" if values else "-"


def report(load: LoadRun, *, command: str, max_jobs: int, max_parallel: int) -> str:
    """The run as Markdown: set-up, page times, targets, and one row per student."""
    launches = [s.launched_at - load.started for s in load.sessions if s.launched_at is not None]
    seconds = [row.cpu_seconds for row in load.rows]
    wall = [row.training_seconds for row in load.rows]
    watched = load.page_seconds(WATCHED_PAGES)
    every = load.page_seconds(("create", "launch", *WATCHED_PAGES))
    lines = [
        "# Class mode under load (issue 20, point 3)", "",
        f"Command: `{command}`  ",
        f"Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores; load average "
        f"(1, 5, 15 min) {', '.join(f'{x:.2f}' for x in load.load_before)} before, "
        f"{', '.join(f'{x:.2f}' for x in load.load_after)} after.  ",
        f"{len(load.sessions)} AppTest sessions of app.py in one process, each a student; launches through the "
        f"Create page's Launch button {_spread(launches) if launches else '-'} s (first / last / mean) after the "
        f"first; each a Random XGBoost tuning job on breast_cancer (100 rounds, the page's default ranges and seed), "
        f"{max_jobs} training jobs, {max_parallel} parallel; server-wide limit {load.limit} training jobs at once. "
        f"First launch to last job ended: {load.wall:.1f} s; most training jobs at once: {load.most_at_once}. One run.",
        "",
        "| page runs (server-side script, seconds) | runs | p50 | p95 | max |", "|---|---|---|---|---|",
        f"| Monitor and Results, while the jobs ran {_stats(watched)}",
        f"| Monitor {_stats(load.page_seconds(('monitor',)))}",
        f"| Results {_stats(load.page_seconds(('results',)))}",
        f"| Create, the form filled {_stats(load.page_seconds(('create',)))}",
        f"| Create, Launch clicked {_stats(load.page_seconds(('launch',)))}",
        f"| every page run while the jobs ran {_stats(every)}",
        f"| entering (name prompt, name, Create opened; before the clock) {_stats(load.page_seconds(('enter',), under_load=False))}",
        "",
        "| target | holds | measured |", "|---|---|---|",
    ]
    completed = load.completed
    lost, workspace = load.problems_of("lost"), load.problems_of("workspace")
    p95_watched = float(np.percentile(watched, 95)) if watched else float("inf")
    p95_every = float(np.percentile(every, 95)) if every else float("inf")
    targets = [
        ("every tuning job Completed", completed == len(load.sessions), f"{completed} of {len(load.sessions)}"),
        ("none lost or duplicated (one job per session, indexes 0..n-1 once each)", not lost,
         "none" if not lost else "; ".join(lost)),
        ("each job in its student's workspace", not workspace, "all" if not workspace else "; ".join(workspace)),
        (f"Monitor and Results p95 under {PAGE_P95_TARGET_SECONDS:.0f} s while the jobs ran",
         p95_watched < PAGE_P95_TARGET_SECONDS, f"{p95_watched:.2f} s"),
        (f"every page run (Create too) p95 under {PAGE_P95_TARGET_SECONDS:.0f} s while the jobs ran",
         p95_every < PAGE_P95_TARGET_SECONDS, f"{p95_every:.2f} s"),
        (f"CPU shared within {SHARE_TARGET:.0%}: every student's CPU seconds within {SHARE_TARGET:.0%} of the mean",
         bool(seconds) and load.deviation <= SHARE_TARGET,
         f"largest distance from the mean {load.deviation:.0%} (mean {np.mean(seconds) if seconds else 0:.2f} CPU s)"),
        (f"CPU shared within {SHARE_TARGET:.0%}, the stricter reading: (max - min) / mean of their CPU seconds",
         bool(seconds) and load.share <= SHARE_TARGET,
         f"{load.share:.0%} (min / max / mean {_spread(seconds)} CPU s; training wall time, not the measure: "
         f"{_spread(wall)} s)"),
        ("no page or check reported a problem", not load.problems, f"{len(load.problems)} problems"),
    ]
    lines += [f"| {what} | {'yes' if holds else '**no**'} | {measured} |" for what, holds, measured in targets]
    lines += ["", "| student | tuning job | status | training jobs | CPU s | training wall s | launched at s | "
              "wait s | finished s | slots granted |", "|---|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r.student} | {r.job_name} | {r.status} | {r.training_jobs} | {r.cpu_seconds:.2f} | "
              f"{r.training_seconds:.1f} | {r.launched:.1f} | {r.wait:.1f} | {r.finish:.1f} | {r.grants} |" for r in load.rows]
    lines += ["", f"Wait (min / max / mean): {_spread([r.wait for r in load.rows])} s; finish after launch: "
              f"{_spread([r.finish for r in load.rows])} s."]
    if load.alone:
        lines += ["", f"The same work alone: {load.sessions[0].job_name}'s tuning job (same settings, seed and "
                  f"hyperparameters) run again {len(load.alone)} times after the load, nothing else running: "
                  f"{', '.join(f'{x:.2f}' for x in load.alone)} CPU s (min / max / mean {_spread(load.alone)}; "
                  f"(max - min) / mean {(max(load.alone) - min(load.alone)) / float(np.mean(load.alone)):.0%}). "
                  "Under load every student ran that same work: CPU seconds above these are what contention "
                  "added (two cores that may share one physical core's units, 30 sessions' pages in the same "
                  "process), not work another student took."]
    if load.problems:
        lines += ["", "Problems:", *[f"- {kind}: {words}" for kind, words in load.problems]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--spread", type=float, default=60.0, help="seconds over which the launches are spread")
    parser.add_argument("--jobs", type=int, default=4, help="training jobs per tuning job")
    parser.add_argument("--parallel", type=int, default=2, help="MaxParallelTrainingJobs of each tuning job")
    parser.add_argument("--seed", type=int, default=0, help="which session opens which page")
    parser.add_argument("--alone", type=int, default=5,
                        help="times the first student's tuning job runs again alone afterwards (the measure's noise)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "class-load.md")
    args = parser.parse_args()
    os.environ["TUNELAB_HOME"] = tempfile.mkdtemp(prefix="tunelab-class-load-")
    from tuning.classroom.settings import CLASS_VARIABLE

    os.environ.pop(CLASS_VARIABLE, None)  # the settings file written by run_class_load decides
    load = run_class_load(args.sessions, spread_seconds=args.spread, max_jobs=args.jobs, max_parallel=args.parallel,
                          seed=args.seed, alone_repeats=args.alone)
    command = "python bench/bench_class_load.py " + " ".join(sys.argv[1:])
    text = report(load, command=command.strip(), max_jobs=args.jobs, max_parallel=args.parallel)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
