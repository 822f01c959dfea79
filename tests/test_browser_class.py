"""Class mode in a real browser: two students and the teacher, each a browser context of their own.

A real ``streamlit run app.py`` server in class mode (``TUNELAB_CLASS=1``, a teacher password
in its home's classroom.json) is driven by Debian's chromium at 1280x720. Ann and Bo each
launch the Home page's demo job; each sees only their own; Bo's copy of the link to Ann's
job is refused; the teacher sees both, stops Ann's, and reads the class overview.

Screenshots of the name prompt and the class overview (1280x720, the viewport) go to the
test's ``tmp_path`` and, if the environment variable TUNELAB_SCREENSHOTS names a folder, there too.
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

from conftest import start_dashboard, stop_process_group
from test_browser_e2e import DEMO_BUTTON, assert_no_exception, sidebar_link, wait_until_idle

pytestmark = pytest.mark.browser

PASSWORD = "a teacher's long password"
TIMEOUT_MS = 90_000  # two demo jobs run on the server's cores meanwhile: a page answers slower than alone


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


def _shot(page: Page, folder: Path, name: str) -> None:
    """The viewport (1280x720) as ``name``.png in ``folder``, and in $TUNELAB_SCREENSHOTS if set."""
    page.screenshot(path=folder / f"{name}.png")
    if os.environ.get("TUNELAB_SCREENSHOTS"):
        extra = Path(os.environ["TUNELAB_SCREENSHOTS"])
        extra.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=extra / f"{name}.png")


@pytest.fixture
def sessions(browser: Browser, browser_context_args: dict):
    """A new browser context (a person) per call, each closed after the test: a context left
    open keeps its Monitor page refreshing, and chromium busy, for the rest of the suite."""
    opened = []

    def session() -> Page:
        context = browser.new_context(**browser_context_args)
        opened.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    yield session
    for context in opened:
        context.close()


def _prompt(page: Page, address: str) -> None:
    page.goto(address, wait_until="domcontentloaded", timeout=TIMEOUT_MS)  # two demo jobs share the cores
    expect(page.get_by_role("heading", level=1, name="TuneLab class")).to_be_visible(timeout=TIMEOUT_MS)
    wait_until_idle(page)


def _enter(page: Page, address: str, name: str, heading: str = "TuneLab") -> None:
    """Open ``address`` in a new session, type ``name`` at the prompt; the page asked for opens."""
    _prompt(page, address)
    page.get_by_label("Your name", exact=True).fill(name)
    page.get_by_role("button", name=re.compile("Enter the class")).click()
    expect(page.get_by_role("heading", level=1, name=heading, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stSidebar").get_by_text(f"You are {name}.", exact=False)).to_be_visible(
        timeout=TIMEOUT_MS)
    wait_until_idle(page)


def _launch_demo(page: Page, store: Store, workspace: str) -> str:
    page.get_by_role("button", name=DEMO_BUTTON).click()
    expect(page.get_by_text("Launched", exact=False)).to_be_visible(timeout=TIMEOUT_MS)
    wait_until_idle(page)
    assert_no_exception(page, f"Home ({workspace}'s demo launched)")
    (job,) = [job for job in store.list_tuning_jobs() if job.workspace == workspace]
    return job.name


def _picker(page: Page):
    """The Monitor's tuning-job picker: its value is the job shown, "NAME (Status)"."""
    return page.get_by_role("combobox", name="Tuning job")


def _picker_options(page: Page) -> str:
    """The Monitor's tuning-job picker opened: the text of every job it offers."""
    page.get_by_test_id("stSelectbox").first.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible(timeout=TIMEOUT_MS)
    offered = " | ".join(options.all_inner_texts())
    page.keyboard.press("Escape")
    return offered


def test_two_students_and_the_teacher(class_server, sessions, tmp_path: Path) -> None:
    url, store = class_server
    ann, bo, teacher = (sessions() for _ in range(3))

    _prompt(ann, url)
    _shot(ann, tmp_path, "class-name-prompt")
    _enter(ann, url, "Ann")
    ann_job = _launch_demo(ann, store, "Ann")
    _enter(bo, url, "Bo")
    bo_job = _launch_demo(bo, store, "Bo")

    # Each student sees only their own job (the Monitor's picker offers every job the session may see).
    for page, own, other in ((ann, ann_job, bo_job), (bo, bo_job, ann_job)):
        sidebar_link(page, "Monitor").click()
        expect(page.get_by_role("heading", level=1, name="Monitor")).to_be_visible(timeout=TIMEOUT_MS)
        offered = _picker_options(page)
        assert own in offered and other not in offered, offered
        assert_no_exception(page, "Monitor")

    # Bo opens the link to Ann's job in a new tab: after his name, refused in words, his own job shown.
    bo = bo.context.new_page()
    bo.set_default_timeout(TIMEOUT_MS)
    _enter(bo, f"{url}/monitor?job={ann_job}", "Bo", heading="Monitor")
    expect(bo.get_by_text("is not one you can open here", exact=False)).to_be_visible(timeout=TIMEOUT_MS)
    expect(_picker(bo)).to_have_value(re.compile(re.escape(bo_job)), timeout=TIMEOUT_MS)
    assert_no_exception(bo, "Monitor (Bo, with Ann's link)")
    expect(bo).to_have_url(re.compile(rf"job={re.escape(bo_job)}"), timeout=TIMEOUT_MS)  # the link now his

    # The teacher opens the same link, logs in (the password never in the address), sees both jobs, stops Ann's.
    _prompt(teacher, f"{url}/monitor?job={ann_job}")
    teacher.get_by_text("I am the teacher").click()
    teacher.get_by_label("Teacher password", exact=True).fill(PASSWORD)
    teacher.get_by_role("button", name=re.compile("Log in as the teacher")).click()
    expect(teacher.get_by_role("heading", level=1, name="Monitor")).to_be_visible(timeout=TIMEOUT_MS)
    expect(teacher.get_by_test_id("stSidebar").get_by_text("The teacher", exact=False)).to_be_visible(
        timeout=TIMEOUT_MS)
    wait_until_idle(teacher)
    assert PASSWORD not in teacher.url and PASSWORD.replace(" ", "%20") not in teacher.url
    expect(_picker(teacher)).to_have_value(re.compile(re.escape(ann_job)), timeout=TIMEOUT_MS)
    offered = _picker_options(teacher)
    assert ann_job in offered and bo_job in offered, offered
    teacher.get_by_role("button", name="Stop tuning job").click()
    deadline = time.monotonic() + 90
    while store.get_tuning_job(ann_job).is_active and time.monotonic() < deadline:
        time.sleep(0.5)
    assert store.get_tuning_job(ann_job).status == TuningJobStatus.STOPPED
    assert store.get_tuning_job(bo_job).status != TuningJobStatus.STOPPED
    assert_no_exception(teacher, "Monitor (the teacher stopped Ann's job)")

    # The class overview, in the teacher's navigation only: a leaderboard once Bo's job has a value.
    expect(sidebar_link(ann, "Class overview")).to_have_count(0, timeout=TIMEOUT_MS)
    deadline = time.monotonic() + 120
    while store.get_tuning_job(bo_job).best_objective_value is None and time.monotonic() < deadline:
        time.sleep(0.5)
    sidebar_link(teacher, "Class overview").click()
    expect(teacher.get_by_role("heading", level=1, name="Class overview")).to_be_visible(timeout=TIMEOUT_MS)
    expect(teacher.get_by_role("heading", name="Leaderboard")).to_be_visible(timeout=TIMEOUT_MS)
    wait_until_idle(teacher)
    chart = teacher.locator(".js-plotly-plot")
    expect(chart).to_have_count(1, timeout=TIMEOUT_MS)
    expect(chart.locator(".gtitle")).to_contain_text("Leaderboard on bank-marketing", timeout=TIMEOUT_MS)
    assert_no_exception(teacher, "Class overview")
    _shot(teacher, tmp_path, "class-overview")
    store.request_stop(bo_job)
