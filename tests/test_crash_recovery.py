"""Crash recovery: SIGKILL what runs a tuning job halfway, restart, resume it to the end.

Real processes throughout: ``python -m tuning run`` (or a script) killed with SIGKILL, a
fresh ``Store`` on the same database file as after a restart, ``python -m tuning resume``,
and a real ``streamlit run app.py`` server killed and started again, driven by chromium.

Two ways to kill "halfway": from outside, once the store shows about half the training
jobs Completed (as a user or the OOM killer would), and from inside, a progress callback
that SIGKILLs its own process after N finished jobs (the same crash, at an exact point,
for the tests that check the strategy's state rather than the timing).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CHROMIUM, ROOT, processes_with_marker, start_dashboard, stop_process_group
from tuning.errors import ValidationError
from tuning.records import RUNNER_GONE
from tuning.running.resume import prepare_resume, resume_tuning_job
from tuning.store.database import Store

PYTHON = sys.executable
PAGE_MS = 30_000
"""Playwright's wait for a page element: a first page run imports pandas, plotly, xgboost..."""
SELF_KILLING_RUN = """
import json, os, signal, sys
from tuning import Store, TuningJobConfig, run_tuning_job
config = TuningJobConfig.from_dict(json.loads(sys.argv[2]))
kill_after = int(sys.argv[3])
def callback(progress):
    if progress.finished >= kill_after:
        os.kill(os.getpid(), signal.SIGKILL)
run_tuning_job(config, Store(sys.argv[1]), callback=callback)
"""


def _env(marker: str | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    if marker:
        env["TUNELAB_TEST_MARK"] = marker
    return env


def _cli(*args: str, store: Path) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "tuning", "--store", str(store), *args], capture_output=True,
                          text=True, cwd=ROOT, env=_env(), timeout=300)


def _killed_halfway(db: Path, config: dict, kill_after: int, *, killed: bool = True) -> None:
    """Run ``config`` in a process that SIGKILLs itself once ``kill_after`` jobs have finished."""
    result = subprocess.run([PYTHON, "-c", SELF_KILLING_RUN, str(db), json.dumps(config), str(kill_after)],
                            capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=300)
    assert result.returncode == (-signal.SIGKILL if killed else 0), result.stderr[-2000:]


def _reopened(db: Path) -> Store:
    """A new Store on the file after the crash, with dead runners marked, as the CLI and pages do first."""
    store = Store(db)
    store.mark_dead_runners()
    return store


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.2)


def _finished_rows(store: Store, name: str) -> dict[int, object]:
    return {job.index: job for job in store.training_jobs(name) if job.status != "InProgress"}


def _assert_resumed_to_the_end(store: Store, name: str, max_jobs: int, kept: dict[int, object]) -> None:
    """Exactly max_jobs training jobs, dense indexes, none InProgress, every kept row unchanged."""
    jobs = store.training_jobs(name)
    assert [job.index for job in jobs] == list(range(max_jobs))
    assert [job.name for job in jobs] == [f"{name}-{index + 1:03d}" for index in range(max_jobs)]
    assert not [job for job in jobs if job.status == "InProgress" or RUNNER_GONE in (job.failure_reason or "")]
    after = {job.index: job for job in jobs}
    for index, before in kept.items():
        assert after[index] == before, f"training job {before.name} changed in the resume"


# -- SIGKILL the CLI's runner ------------------------------------------------------------------------------
def test_sigkill_of_the_cli_runner_halfway_then_resume_runs_the_rest_and_keeps_what_finished(tmp_path):
    db, name, max_jobs = tmp_path / "crash.db", "crash-cli", 10
    (tmp_path / "job.json").write_text(json.dumps({
        "TuningJobName": name, "Dataset": "breast_cancer", "Strategy": "Random",
        "StaticHyperparameters": {"num_round": 200},
        "ResourceLimits": {"MaxNumberOfTrainingJobs": max_jobs, "MaxParallelTrainingJobs": 2}, "RandomSeed": 3,
    }))
    marker = f"crash-cli-{os.getpid()}-{time.time()}"
    runner = subprocess.Popen([PYTHON, "-m", "tuning", "--store", str(db), "run", str(tmp_path / "job.json"), "--quiet"],
                              cwd=ROOT, env=_env(marker), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watcher = Store(db)
    try:
        _wait_for(lambda: watcher.tuning_job_exists(name)
                  and watcher.get_tuning_job(name).status_counters.get("Completed", 0) >= max_jobs // 2,
                  timeout=150, what=f"{max_jobs // 2} training jobs Completed")
        snapshot = {job.index: job for job in watcher.training_jobs(name, status="Completed")}
        best_before = watcher.get_tuning_job(name)
    finally:
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait(30)
    watcher.dispose()

    store = _reopened(db)  # after a restart: a new Store on the same file
    job = store.get_tuning_job(name)
    assert job.status == "Interrupted" and f"pid {runner.pid}" in job.failure_reason
    finished = _finished_rows(store, name)
    for index, row in snapshot.items():
        assert finished[index] == row  # every Completed row as it was just before the kill
    cut_short = [row for row in finished.values() if row.failure_reason and row.failure_reason.startswith(RUNNER_GONE)]
    assert cut_short, "two jobs ran in parallel: the kill cut at least one short"
    kept = {index: row for index, row in finished.items() if row not in cut_short}
    # Its worker and board processes do not outlive it (tuning/running/lifeline.py).
    _wait_for(lambda: not processes_with_marker(marker), timeout=20, what="the killed runner's workers exit")

    result = _cli("resume", name, store=db)
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(rf"Resuming tuning job {name}: {len(kept)} of {max_jobs} training jobs finished", result.stdout)
    assert f"{max_jobs}/{max_jobs}" in result.stderr  # the progress bar went on from where it stood
    assert f"Why it ended: MaxNumberOfTrainingJobs ({max_jobs}) reached" in result.stdout

    job = store.get_tuning_job(name)
    assert job.status == "Completed" and job.failure_reason is None and job.ended_at is not None
    _assert_resumed_to_the_end(store, name, max_jobs, kept)
    jobs = store.training_jobs(name)
    for row in cut_short:  # rerun under its own index, with its own hyperparameters
        assert jobs[row.index].status == "Completed" and jobs[row.index].hyperparameters == row.hyperparameters
    points = [json.dumps(job.hyperparameters, sort_keys=True) for job in jobs]
    assert len(set(points)) == max_jobs, "a resumed Random search does not draw its earlier points again"
    completed = [job for job in jobs if job.status == "Completed"]
    assert job.best_objective_value == max(j.final_objective_value for j in completed)
    assert job.best_objective_value >= best_before.best_objective_value

    from tuning.serving.artifacts import load_predictor
    from tuning.datasets import load_dataset

    predictor = load_predictor(store, name)
    assert predictor.training_job_name == job.best_training_job
    meta = json.loads((store.tuning_job_artifacts(name) / job.best_training_job / "model.json").read_text())
    assert meta["final_objective_value"] == job.best_objective_value
    assert meta["hyperparameters"].items() >= jobs[int(job.best_training_job[-3:]) - 1].hyperparameters.items()
    rows = load_dataset("breast_cancer").features.head(5)
    assert len(predictor.predict(rows)) == 5
    print(f"\nkilled at {len(snapshot)} Completed of {max_jobs} ({len(kept)} kept, {len(cut_short)} cut short); "
          f"the resume ran {max_jobs - len(kept)} and kept every earlier row")


# -- what a resume restores ---------------------------------------------------------------------------------
def test_a_resumed_grid_evaluates_every_grid_point_exactly_once(tmp_path):
    db, name = tmp_path / "grid.db", "grid-crash"
    config = {
        "TuningJobName": name, "Dataset": "iris", "Algorithm": "xgboost", "Strategy": "Grid",
        "HyperparameterRanges": {"max_depth": {"Type": "Integer", "MinValue": 1, "MaxValue": 3},
                                 "eta": {"Type": "Continuous", "MinValue": 0.1, "MaxValue": 0.5}},
        "StrategyConfig": {"GridPoints": 3}, "StaticHyperparameters": {"num_round": 10},
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 9, "MaxParallelTrainingJobs": 2}, "RandomSeed": 1,
    }
    _killed_halfway(db, config, kill_after=5)
    store = _reopened(db)
    assert store.get_tuning_job(name).status == "Interrupted"
    kept = {index: row for index, row in _finished_rows(store, name).items()
            if not (row.failure_reason or "").startswith(RUNNER_GONE)}
    assert len(kept) >= 5

    job = resume_tuning_job(name, store)
    assert job.status == "Completed"
    _assert_resumed_to_the_end(store, name, 9, kept)
    points = {(job.hyperparameters["max_depth"], round(job.hyperparameters["eta"], 6))
              for job in store.training_jobs(name)}
    assert points == {(depth, eta) for depth in (1, 2, 3) for eta in (0.1, 0.3, 0.5)}  # each once, none skipped


def test_a_resume_restores_what_the_strategy_learnt_the_best_and_the_clock(tmp_path):
    """The resumed loop starts where the dead one stood: a Bayesian strategy that has
    observed every finished job, the best so far, the counters, the completion criteria's
    history, MaxRuntimeInSeconds' clock; then it runs to the end without replacing the
    best by a worse job."""
    from tuning.job.preparation import encode_channels as _encode
    from tuning.running.runner import _TuningLoop

    db, name = tmp_path / "bayes.db", "bayes-crash"
    config = {
        "TuningJobName": name, "Dataset": "iris", "Algorithm": "xgboost", "Strategy": "Bayesian",
        "HyperparameterRanges": {"eta": {"Type": "Continuous", "MinValue": 0.05, "MaxValue": 0.5},
                                 "max_depth": {"Type": "Integer", "MinValue": 1, "MaxValue": 6}},
        "StaticHyperparameters": {"num_round": 30},
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 8, "MaxParallelTrainingJobs": 2, "MaxRuntimeInSeconds": 3600},
        "TuningJobCompletionCriteria": {"BestObjectiveNotImproving": {"MaxNumberOfTrainingJobsNotImproving": 20}},
        "RandomSeed": 4,
    }
    _killed_halfway(db, config, kill_after=4)
    store = _reopened(db)
    before = store.get_tuning_job(name)
    assert before.status == "Interrupted" and before.best_training_job

    prepared = prepare_resume(name, store)  # writes nothing: the job is marked Interrupted already
    point = prepared.resume
    assert store.get_tuning_job(name) == before
    loop = _TuningLoop(prepared, store, _encode(prepared)[0], None)
    assert loop.strategy.strategy.observed == len(point.kept) >= 4  # Bayesian heard every finished job
    assert loop.launched == loop.finished == len(point.kept)
    assert loop.best == (before.best_objective_value, before.best_training_job)
    assert loop.completion.values == [job.final_objective_value for job in point.kept if job.status == "Completed"]
    assert sorted(loop.refill) == sorted(job.index for job in point.reruns)
    assert point.seconds_before == pytest.approx(before.ended_at - before.created_at)
    assert time.monotonic() - loop.started >= point.seconds_before > 0

    job = resume_tuning_job(name, store)
    assert job.status == "Completed"
    _assert_resumed_to_the_end(store, name, 8, {job.index: job for job in point.kept})
    new = [j for j in store.training_jobs(name) if j.index not in {k.index for k in point.kept}]
    if job.best_training_job != before.best_training_job:  # only a better new job takes over
        assert job.best_objective_value > before.best_objective_value
        assert job.best_training_job in {j.name for j in new}
    assert job.best_objective_value == max(j.final_objective_value for j in store.training_jobs(name)
                                           if j.final_objective_value is not None)
    assert (store.tuning_job_artifacts(name) / job.best_training_job / "model.json").is_file()
    resumes = job.config["RunRecord"]["Resumes"]
    assert len(resumes) == 1 and resumes[0]["SecondsBefore"] == pytest.approx(point.seconds_before)


# -- bad resumes ------------------------------------------------------------------------------------------
def test_bad_resumes_say_why_and_change_nothing(tmp_path):
    db = tmp_path / "bad.db"
    csv = tmp_path / "data.csv"
    lines = ["x1,x2,x3,label"] + [f"{i % 7},{(i * 3) % 11},{(i * 5) % 13},{'yes' if (i * 7) % 3 else 'no'}"
                                  for i in range(240)]
    csv.write_text("\n".join(lines) + "\n")
    config = {
        "TuningJobName": "csv-crash", "Dataset": {"Path": str(csv), "Target": "label"}, "Algorithm": "knn",
        "Strategy": "Random", "ResourceLimits": {"MaxNumberOfTrainingJobs": 6, "MaxParallelTrainingJobs": 2},
        "RandomSeed": 5,
    }
    _killed_halfway(db, config, kill_after=2)
    store = _reopened(db)

    def state():
        return store.get_tuning_job("csv-crash"), store.training_jobs("csv-crash")

    saved = state()
    assert saved[0].status == "Interrupted"
    with pytest.raises(ValidationError, match=r"no tuning job named 'ghost'.*Known tuning jobs include"):
        resume_tuning_job("ghost", store)
    csv.write_text("\n".join(lines[:-20]) + "\n")  # 20 rows fewer
    with pytest.raises(ValidationError, match=r"its data changed since it ran .*training rows then, .* now.* "
                                              r"Restore the old data"):
        resume_tuning_job("csv-crash", store)
    csv.write_text("\n".join(lines[:-1] + ["1,2,3,yes"]) + "\n")  # same shape, one value differs
    result = _cli("resume", "csv-crash", store=db)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "its data changed since it ran" in result.stderr and "different values" in result.stderr
    assert state() == saved  # nothing changed by any refusal

    csv.write_text("\n".join(lines) + "\n")  # the old data back: now it resumes
    assert resume_tuning_job("csv-crash", store).status == "Completed"
    assert len(store.training_jobs("csv-crash")) == 6
    saved = state()
    with pytest.raises(ValidationError, match=r"'csv-crash' is Completed, and only an Interrupted tuning job .* "
                                              r"can be resumed: it ended normally"):
        resume_tuning_job("csv-crash", store)
    assert state() == saved


# -- SIGKILL the dashboard server ---------------------------------------------------------------------------
class _Dashboard:
    """A `streamlit run app.py` server of this test's own, that the test may SIGKILL."""

    def __init__(self, home: Path, log: Path, marker: str) -> None:
        self.url, self.process = start_dashboard(home, log, env=_env(marker))

    def close(self) -> None:
        stop_process_group(self.process, signal.SIGKILL)


@pytest.mark.browser
def test_sigkill_of_the_dashboard_server_while_a_job_runs_then_resume_from_the_monitor_page(page, tmp_path):
    from playwright.sync_api import expect

    assert CHROMIUM.exists()
    home, name, max_jobs = tmp_path / "home", "dash-crash", 10
    page.set_default_timeout(PAGE_MS)
    marker = f"dash-crash-{os.getpid()}-{time.time()}"
    first = _Dashboard(home, tmp_path / "first.log", marker)
    try:
        page.goto(f"{first.url}/create")
        expect(page.get_by_role("heading", level=1, name="Create tuning job")).to_be_visible(timeout=PAGE_MS)
        idle = page.get_by_test_id("stStatusWidget")
        expect(idle).to_have_count(0, timeout=PAGE_MS)
        page.get_by_test_id("stSelectbox").filter(has_text="Dataset").click()
        page.get_by_role("option", name=re.compile(r"^digits \(")).click()  # XGBoost: 1-2 s a job here
        expect(idle).to_have_count(0, timeout=PAGE_MS)
        page.get_by_test_id("stRadio").get_by_text("Random", exact=True).click()
        expect(idle).to_have_count(0, timeout=PAGE_MS)
        for label, value in (("Maximum training jobs", str(max_jobs)), ("Tuning job name (optional)", name)):
            page.get_by_label(label).fill(value)
            page.get_by_label(label).press("Enter")
            expect(idle).to_have_count(0, timeout=PAGE_MS)
        expect(page.get_by_text(re.compile(rf"^{max_jobs} training jobs, .*Random search"))).to_be_visible(timeout=PAGE_MS)
        page.get_by_role("button", name=re.compile("Launch tuning job")).click()
        expect(page.get_by_text(f"Launched {name}", exact=False)).to_be_visible(timeout=PAGE_MS)

        store = Store(home / "tunelab.db")
        _wait_for(lambda: store.get_tuning_job(name).status_counters.get("Completed", 0) >= max_jobs // 2 - 1,
                  timeout=120, what="about half the dashboard's training jobs Completed")
        os.kill(first.process.pid, signal.SIGKILL)  # the server alone: its workers must notice by themselves
        first.process.wait(10)
        store.mark_dead_runners()  # as the CLI and every dashboard page do before reading
        assert store.get_tuning_job(name).status == "Interrupted"
        before = store.training_jobs(name)
        kept = {job.index: job for job in before if job.status != "InProgress"}
    finally:
        first.close()
    _wait_for(lambda: not processes_with_marker(marker), timeout=20, what="the killed server's workers exit")

    second = _Dashboard(home, tmp_path / "second.log", marker)  # a restart, on the same TUNELAB_HOME
    try:
        page.goto(f"{second.url}/monitor?job={name}")
        expect(page.get_by_role("heading", level=1, name="Monitor")).to_be_visible(timeout=PAGE_MS)
        status = page.get_by_test_id("stMetric").first.get_by_test_id("stMetricValue")
        expect(status).to_have_text("Interrupted", timeout=PAGE_MS)
        expect(page.get_by_text("stopped before the job ended", exact=False)).to_be_visible(timeout=PAGE_MS)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=PAGE_MS)
        page.screenshot(path=tmp_path / "monitor-interrupted.png", full_page=True)
        page.get_by_role("button", name=re.compile("Resume tuning job")).click()
        expect(page.get_by_text(f"{max_jobs} of {max_jobs} training jobs finished")).to_be_visible(timeout=150_000)
        expect(status).to_have_text("Completed", timeout=PAGE_MS)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=PAGE_MS)
        assert page.get_by_test_id("stException").count() == 0
        page.screenshot(path=tmp_path / "monitor-resumed.png", full_page=True)

        store = Store(home / "tunelab.db")
        job = store.get_tuning_job(name)
        assert job.status == "Completed" and job.runner_pid == second.process.pid
        cut_short = {i for i, row in kept.items() if (row.failure_reason or "").startswith(RUNNER_GONE)}
        assert cut_short or len(kept) == len(before), "InProgress rows were cut short by the kill"
        _assert_resumed_to_the_end(store, name, max_jobs, {i: row for i, row in kept.items() if i not in cut_short})
        print(f"\nserver killed at {len(kept) - len(cut_short)} of {max_jobs} finished; resumed from the Monitor page")
    finally:
        second.close()
