"""Class mode in a real browser: two students and the teacher, each a browser context of their own.

A real ``streamlit run app.py`` server in class mode (``TUNELAB_CLASS=1``, a teacher password
in its home's classroom.json) is driven by Debian's chromium at 1280x720. Ann and Bo each
launch the Home page's demo job; each sees only their own; Bo's copy of the link to Ann's
job is refused; the teacher sees both, stops Ann's, and reads the class overview.

Screenshots of the name prompt and the class overview (1280x720, the viewport) go to
``shots/`` in the checkout, and to the test's ``tmp_path``.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tuning.classroom import ClassSettings, save_class_settings
from tuning.records import TuningJobStatus
from tuning.store.database import Store

from conftest import ROOT, start_dashboard, stop_process_group
from test_browser_e2e import DEMO_BUTTON, PAGE_TIMEOUT_MS, assert_no_exception, sidebar_link, wait_until_idle

pytestmark = pytest.mark.browser

PASSWORD = "a teacher's long password"
SHOTS = ROOT / "shots"


@pytest.fixture
def class_server(tmp_path):
    """A dashboard in class mode with its own home (the test's $TUNELAB_HOME), and that home's store."""
    home = Path(os.environ["TUNELAB_HOME"])
    save_class_settings(ClassSettings(enabled=True).with_password(PASSWORD))
    url, process = start_dashboard(home, tmp_path / "streamlit.log", env={**os.environ, "TUNELAB_CLASS": "1"})
    store = Store()
    try:
        yield url, store
    finally:
        stop_process_group(process)
        store.dispose()


def _session(browser: Browser, browser_context_args: dict) -> Page:
    page = browser.new_context(**browser_context_args).new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    return page


def _prompt(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1, name="TuneLab class")).to_be_visible()
    wait_until_idle(page)


def _enter(page: Page, url: str, name: str) -> None:
    _prompt(page, url)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name=re.compile("Enter the class")).click()
    expect(page.get_by_role("heading", level=1, name="TuneLab", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text(f"You are {name}.", exact=False)).to_be_visible()
    wait_until_idle(page)


def _launch_demo(page: Page, store: Store, workspace: str) -> str:
    page.get_by_role("button", name=DEMO_BUTTON).click()
    expect(page.get_by_text("Launched", exact=False)).to_be_visible()
    wait_until_idle(page)
    assert_no_exception(page, f"Home ({workspace}'s demo launched)")
    (job,) = [job for job in store.list_tuning_jobs() if job.workspace == workspace]
    return job.name


def _listed(page: Page) -> str:
    """The cells of the Home page's table of tuning jobs (a canvas grid: read through its cells for screen readers)."""
    table = page.get_by_test_id("stDataFrame").first
    expect(table.locator("[role=columnheader]").first).to_be_attached()
    return " ".join(table.locator("[role=gridcell]").all_text_contents())


def test_two_students_and_the_teacher(class_server, browser: Browser, browser_context_args, tmp_path: Path) -> None:
    url, store = class_server
    SHOTS.mkdir(exist_ok=True)
    ann, bo, teacher = (_session(browser, browser_context_args) for _ in range(3))

    _prompt(ann, url)
    ann.screenshot(path=SHOTS / "class-name-prompt.png")
    ann.screenshot(path=tmp_path / "class-name-prompt.png")
    _enter(ann, url, "Ann")
    ann_job = _launch_demo(ann, store, "Ann")
    _enter(bo, url, "Bo")
    bo_job = _launch_demo(bo, store, "Bo")

    # Each student sees only their own job.
    ann.reload()
    wait_until_idle(ann)
    assert ann_job in _listed(ann) and bo_job not in _listed(ann)
    bo.reload()
    wait_until_idle(bo)
    assert bo_job in _listed(bo) and ann_job not in _listed(bo)

    # Bo pastes the link to Ann's job: refused, and he is shown his own, with no button on hers.
    bo.goto(f"{url}/monitor?job={ann_job}")
    expect(bo.get_by_text("is not one you can open here", exact=False)).to_be_visible()
    wait_until_idle(bo)
    assert_no_exception(bo, "Monitor (Bo, with Ann's link)")
    expect(bo.get_by_test_id("stSelectbox").first).to_contain_text(bo_job)
    assert f"job={bo_job}" in bo.url

    # The teacher logs in (the password never in the address), sees both jobs, and stops Ann's.
    _prompt(teacher, url)
    teacher.get_by_text("I am the teacher").click()
    teacher.get_by_label("Teacher password").fill(PASSWORD)
    teacher.get_by_role("button", name=re.compile("Log in as the teacher")).click()
    expect(teacher.get_by_test_id("stSidebar").get_by_text("The teacher", exact=False)).to_be_visible()
    wait_until_idle(teacher)
    assert PASSWORD not in teacher.url
    listed = _listed(teacher)
    assert ann_job in listed and bo_job in listed
    teacher.goto(f"{url}/monitor?job={ann_job}")
    expect(teacher.get_by_test_id("stSelectbox").first).to_contain_text(ann_job)
    teacher.get_by_role("button", name="Stop tuning job").click()
    deadline = time.monotonic() + 60
    while store.get_tuning_job(ann_job).is_active and time.monotonic() < deadline:
        time.sleep(0.5)
    assert store.get_tuning_job(ann_job).status == TuningJobStatus.STOPPED
    assert store.get_tuning_job(bo_job).status != TuningJobStatus.STOPPED

    # The class overview, in the teacher's navigation only: both students, and a leaderboard once both have a value.
    expect(sidebar_link(ann, "Class overview")).to_have_count(0)
    deadline = time.monotonic() + 120
    while store.get_tuning_job(bo_job).best_objective_value is None and time.monotonic() < deadline:
        time.sleep(0.5)
    sidebar_link(teacher, "Class overview").click()
    expect(teacher.get_by_role("heading", level=1, name="Class overview")).to_be_visible()
    expect(teacher.get_by_role("heading", name="Leaderboard")).to_be_visible()
    wait_until_idle(teacher)
    chart = teacher.locator(".js-plotly-plot")
    expect(chart).to_have_count(1)
    expect(chart.locator(".gtitle")).to_contain_text("Leaderboard on bank-marketing")
    assert_no_exception(teacher, "Class overview")
    teacher.screenshot(path=SHOTS / "class-overview.png")
    teacher.screenshot(path=tmp_path / "class-overview.png")
    store.request_stop(bo_job)
