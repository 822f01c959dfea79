"""Lesson mode in a real browser: the ten steps end to end, at 1280x720, with a small budget.

A real ``streamlit run app.py`` server (conftest's ``dashboard_url``) and Debian's chromium
walk the Lesson page: the data, a JSON prepared before class loaded, the job's name, the search space, the objective, the
strategy (MaxNumberOfTrainingJobs typed down to 6 for speed, and still there after Back
and Next), the launch through the dashboard's launcher, the live table until the job
ends, the best model deployed (and retrained on all the data), the two charts and the
wrap-up, whose compute line must be the engine's for the store. Screenshots of every step
go to tmp_path (and $TUNELAB_SCREENSHOTS).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from test_browser_e2e import PAGE_TIMEOUT_MS, Screenshots, assert_no_exception, wait_until_idle
from tuning.analysis.resource_use import compute_usage

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lesson-bank-accuracy.json"
NAME = "lesson-mode-browser"
JOBS = 6
JOB_TIMEOUT_MS = 120_000


def _button(page: Page, label: str):
    return page.get_by_role("button", name=re.compile(rf"{re.escape(label)}$"))


def _to_step(page: Page, number: int, direction: str = "Next") -> None:
    _button(page, direction).click()
    expect(page.get_by_text(f"Step {number} of 10", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    assert_no_exception(page, f"Lesson step {number}")


def _type(page: Page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Enter")
    wait_until_idle(page)


def test_the_lesson_mode_end_to_end(page: Page, dashboard_url: str, dashboard_home: Path, tmp_path: Path) -> None:
    from tuning import Store

    page.set_default_timeout(PAGE_TIMEOUT_MS)
    shot = Screenshots(page, tmp_path)

    page.goto(f"{dashboard_url}/lesson")
    expect(page.get_by_role("heading", level=1, name="Lesson")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text("Step 1 of 10", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="1. The problem and the data")).to_be_visible()
    wait_until_idle(page)
    expect(page.get_by_text("leaks the answer", exact=False)).to_be_visible()
    assert_no_exception(page, "Lesson step 1")
    expect(page.get_by_test_id("stPlotlyChart")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(1000)  # the table and the chart draw after the run
    shot("step1-data")

    _to_step(page, 2)
    # A teacher's JSON prepared before class: the lesson's, with another name and budget.
    prepared = json.loads(EXAMPLE.read_text())
    prepared["HyperParameterTuningJobName"] = "prepared-before-class"
    prepared["HyperParameterTuningJobConfig"]["ResourceLimits"]["MaxNumberOfTrainingJobs"] = 8
    upload = tmp_path / "prepared.json"
    upload.write_text(json.dumps(prepared))
    page.get_by_text("Load the lesson's settings from a JSON file").click()
    page.locator("input[type=file]").first.set_input_files(upload)
    expect(page.get_by_text("prepared.json")).to_be_visible()
    wait_until_idle(page)
    _button(page, "Load").click()
    expect(page.get_by_text("Loaded the settings of prepared-before-class")).to_be_visible()
    expect(page.get_by_label("Tuning job name", exact=True)).to_have_value("prepared-before-class")
    _type(page, "Tuning job name", NAME)
    shot("step2-job")
    _to_step(page, 3)
    expect(page.get_by_text("The job will search max_depth 3 to 10 (Linear), eta 0.01 to 0.3 (Logarithmic), "
                            "gamma 0 to 5 (Linear).")).to_be_visible()
    shot("step3-ranges")
    _to_step(page, 4)
    shot("step4-objective")
    _to_step(page, 5)
    expect(page.get_by_label("MaxNumberOfTrainingJobs", exact=True)).to_have_value("8")  # from the JSON
    _type(page, "MaxNumberOfTrainingJobs", str(JOBS))
    shot("step5-strategy")
    _to_step(page, 4, "Back")
    _to_step(page, 5)
    expect(page.get_by_label("MaxNumberOfTrainingJobs", exact=True)).to_have_value(str(JOBS))  # Back lost nothing

    _to_step(page, 6)
    expect(page.get_by_text(f"{JOBS} training jobs", exact=False).first).to_be_visible()
    shot("step6-launch")
    # The name typed at step 2 is the one the request carries (a CI run once launched the default name).
    page.get_by_text("The request this lesson sends", exact=False).click()
    expect(page.get_by_text(f'"HyperParameterTuningJobName": "{NAME}"', exact=False)).to_be_visible()
    _button(page, "Launch tuning job").click()
    expect(page.get_by_text(f"The lesson follows {NAME}", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert_no_exception(page, "Lesson launch")

    _to_step(page, 7)
    shot("step7-running")
    expect(_button(page, "Leave this job and launch or pick another")).to_have_count(0)  # no stale step 6
    expect(page.get_by_text(f"{NAME}: Completed, {JOBS} of {JOBS} training jobs finished")).to_be_visible(
        timeout=JOB_TIMEOUT_MS)
    wait_until_idle(page)
    assert_no_exception(page, "Lesson monitor")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()  # a canvas: its columns are in the screenshot
    shot("step7-completed")

    store = Store(dashboard_home / "tunelab.db")
    job = store.get_tuning_job(NAME)
    jobs = store.training_jobs(NAME)
    assert job.status == "Completed" and len(jobs) == JOBS and job.max_parallel_jobs == 3

    _to_step(page, 8)
    _button(page, "Deploy the best model").click()
    expect(page.get_by_text(f"{job.best_training_job} (as tuned", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    _button(page, "Retrain on all the data (final model)").click()
    expect(page.get_by_text(f"{job.best_training_job} (final: retrained", exact=False)).to_be_visible(
        timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    assert_no_exception(page, "Lesson deploy")
    shot("step8-deploy")

    _to_step(page, 9)
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2)
    page.wait_for_timeout(1000)  # plotly draws after the run
    shot("step9-analyse")

    _to_step(page, 10)
    usage = compute_usage(job, jobs)
    expect(page.get_by_text(usage.line(), exact=False)).to_be_visible()
    expect(page.get_by_text("one seed", exact=False).first).to_be_visible()
    expect(_button(page, "Download the lesson's job (SageMaker JSON)")).to_be_visible()
    shot("step10-wrapup")
