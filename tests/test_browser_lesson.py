"""The course's lesson in a real browser: import its job, launch it, and read what the class sees.

Lesson 4.3's tuning job (``examples/lesson-bank-accuracy.json``: bank-marketing, XGBoost,
validation:accuracy, max_depth 3-10, eta 0.01-0.3 Logarithmic, gamma 0-5, Bayesian, 20
jobs, 3 in parallel, early stopping Auto) is imported on the Create page of a real
``streamlit run app.py`` server, launched, watched on Monitor until it ends, then read
on Monitor, Results and Compare in Debian's chromium at 1280x720. The compute-saved line
and every stopped job's "at round r of 100 (stopped)" label on the page must be the ones
the engine computes from the store. Screenshots go to tmp_path (and $TUNELAB_SCREENSHOTS).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from test_browser_e2e import PAGE_TIMEOUT_MS, Screenshots, assert_no_exception, wait_until_idle
from tuning.analysis.baseline import baseline_for_job
from tuning.analysis.resource_use import compute_usage
from tuning.analysis.stopped_jobs import objective_text

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lesson-bank-accuracy.json"
NAME = "lesson-browser"
JOB_TIMEOUT_MS = 180_000


def test_the_lesson_path_shows_compute_saved_and_interim_labels(
        page: Page, dashboard_url: str, dashboard_home: Path, tmp_path: Path) -> None:
    from tuning import Store

    page.set_default_timeout(PAGE_TIMEOUT_MS)
    shot = Screenshots(page, tmp_path)
    request = json.loads(EXAMPLE.read_text())
    request["HyperParameterTuningJobName"] = NAME
    upload = tmp_path / "lesson.json"
    upload.write_text(json.dumps(request))

    # Create: import AWS's request, check the form took it, launch.
    page.goto(f"{dashboard_url}/create")
    expect(page.get_by_role("heading", level=1, name="Create tuning job")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    page.get_by_text("Import a SageMaker tuning job JSON").click()
    page.locator("input[type=file]").first.set_input_files(upload)
    wait_until_idle(page)
    expect(page.get_by_text("lesson.json")).to_be_visible()  # the upload arrived
    shot("create-upload")
    page.get_by_role("button", name=re.compile("^.*Import$")).click()
    wait_until_idle(page)
    shot("create-import-clicked")
    expect(page.get_by_text(f"Imported SageMaker JSON for {NAME}")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    # validation:accuracy on data that is 89% "no": the page points to AUC.
    expect(page.get_by_text(re.compile(r"of the rows are 'no'.*validation:auc"))).to_be_visible()
    assert_no_exception(page, "Create tuning job")
    shot("create-imported")
    page.get_by_role("button", name=re.compile("Launch tuning job")).click()
    expect(page.get_by_text(f"Launched {NAME}", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT_MS)

    # Monitor, until the job ends.
    page.goto(f"{dashboard_url}/monitor?job={NAME}")
    expect(page.get_by_text("20 of 20 training jobs finished")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    status = page.get_by_test_id("stMetric").first.get_by_test_id("stMetricValue")
    expect(status).to_have_text("Completed", timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)

    store = Store(dashboard_home / "tunelab.db")
    job = store.get_tuning_job(NAME)
    jobs = store.training_jobs(NAME)
    usage = compute_usage(job, jobs)
    stopped = [t for t in jobs if t.status == "Stopped"]
    assert job.status == "Completed" and len(jobs) == 20
    assert stopped, "the lesson's job stopped no training job early: nothing to read on the page"
    baseline = baseline_for_job(job)

    for where in ("monitor", "results"):
        if where == "results":
            page.goto(f"{dashboard_url}/results?job={NAME}")
            expect(page.get_by_role("heading", level=1, name="Results")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
            wait_until_idle(page)
        expect(page.get_by_text(usage.line(), exact=False)).to_be_visible()
        expect(page.get_by_text(f"baseline {baseline.value:.4g}", exact=False).first).to_be_visible()
        labels = page.get_by_text("Stopped early, so their values are interim", exact=False)
        listed = stopped[-8:] if where == "monitor" else stopped[:8]  # up to eight; Monitor lists the newest first
        for training_job in listed:  # retried: the line may still be the last live refresh's for a moment
            expect(labels).to_contain_text(objective_text(job, training_job))
        assert_no_exception(page, where)
        shot(where)

    # Compare: the lesson's job beside itself needs two jobs; the page's rounds column is the engine's.
    page.goto(f"{dashboard_url}/compare")
    expect(page.get_by_role("heading", level=1, name="Compare tuning jobs")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    assert_no_exception(page, "Compare")
    shot("compare")
