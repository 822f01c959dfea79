"""End to end, in a real browser: Home's demo button, the Monitor page until the job ends, Results.

A real ``streamlit run app.py`` server (the ``dashboard_url`` fixture in conftest.py, with an
empty store of its own) is driven by Debian's chromium through pytest-playwright's ``page``
fixture at 1280x720. The demo is a real 20-job Bayesian XGBoost tuning job (30-60 s on two
cores). Screenshots of every step go to the test's ``tmp_path`` and, if the environment
variable TUNELAB_SCREENSHOTS names a folder, there too.

Run only this test: ``.venv/bin/python -m pytest tests/test_browser_e2e.py``. Without
/usr/bin/chromium it is skipped, unless TUNELAB_REQUIRE_BROWSER is set.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DEMO_BUTTON = "Demo: tune XGBoost on bank marketing"
JOB_TIMEOUT_SECONDS = 150
PAGE_TIMEOUT_MS = 30_000  # the first run of a page imports pandas, plotly, xgboost...


class Screenshots:
    """Numbered full-page screenshots into tmp_path (and $TUNELAB_SCREENSHOTS if set)."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.extra = Path(os.environ["TUNELAB_SCREENSHOTS"]) if os.environ.get("TUNELAB_SCREENSHOTS") else None
        self.count = 0

    def __call__(self, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        # Streamlit scrolls inside its main pane, so full_page alone gives 720 px: for the shot,
        # make the window as tall as the pane's content (same width), then restore 1280x720.
        viewport = self.page.viewport_size
        height = self.page.evaluate(
            "() => Math.max(document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0, window.innerHeight)")
        self.page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], int(height))})
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=path, full_page=True)
        self.page.set_viewport_size(viewport)
        if self.extra is not None:
            self.extra.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, self.extra / path.name)
        return path


def sidebar_link(page: Page, title: str):
    """A page link of the st.navigation menu in the sidebar (its text is "<icon name> <title>").

    The pointer is moved off the page first: a help tooltip it left open (a button's "?")
    lies over the sidebar at 1280 px and takes the click, as it would a user's.
    """
    page.mouse.move(1, 1)
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(rf"{re.escape(title)}$"))


def open_from_sidebar(page: Page, title: str, heading: str) -> None:
    sidebar_link(page, title).click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible(timeout=PAGE_TIMEOUT_MS)


def wait_until_idle(page: Page, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Wait until the script run has finished (no "Running..." status widget)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout_ms)


def assert_no_exception(page: Page, where: str) -> None:
    boxes = page.get_by_test_id("stException")
    assert boxes.count() == 0, f"Streamlit exception on the {where} page:\n" + "\n---\n".join(boxes.all_inner_texts())


def test_demo_job_from_home_to_monitor_to_results(page: Page, dashboard_url: str, tmp_path: Path) -> None:
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    shot = Screenshots(page, tmp_path)

    # Home: the st.navigation menu, and the demo button.
    page.goto(dashboard_url)
    expect(page.get_by_role("heading", level=1, name="TuneLab")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    for title in ("Home", "Monitor", "Results"):
        expect(sidebar_link(page, title)).to_be_visible()
    wait_until_idle(page)
    assert_no_exception(page, "Home")
    shot("home")

    page.get_by_role("button", name=DEMO_BUTTON).click()
    expect(page.get_by_text("Launched", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    assert_no_exception(page, "Home (demo launched)")
    shot("home-demo-launched")

    # Monitor: it refreshes itself every two seconds until the job ends.
    open_from_sidebar(page, "Monitor", "Monitor")
    status = page.get_by_test_id("stMetric").first.get_by_test_id("stMetricValue")
    expect(status).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    shot("monitor-running")
    deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
    seen = None
    while True:
        assert_no_exception(page, "Monitor")
        seen = status.inner_text(timeout=PAGE_TIMEOUT_MS).strip()
        if seen in {"Completed", "Failed", "Stopped"} or time.monotonic() > deadline:
            break
        page.wait_for_timeout(1000)
    shot("monitor-ended")
    assert seen == "Completed", (
        f"the demo tuning job is {seen!r}, not 'Completed', after up to {JOB_TIMEOUT_SECONDS} s; "
        f"see the screenshots in {tmp_path}")
    expect(page.get_by_text(re.compile(r"\d+ of 20 training jobs finished"))).to_be_visible()
    wait_until_idle(page)  # the fragment's last full rerun, after which refreshing stops
    assert_no_exception(page, "Monitor")
    shot("monitor-completed")

    # Results: the training-jobs table and the objective surface over eta x max_depth.
    open_from_sidebar(page, "Results", "Results")
    wait_until_idle(page)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    surface = (page.locator(".js-plotly-plot")
               .filter(has=page.locator(".xtitle", has_text="eta"))
               .filter(has=page.locator(".ytitle", has_text="max_depth")))
    expect(surface).to_have_count(1)
    expect(surface).to_be_visible()
    expect(surface.locator(".gtitle")).to_contain_text("eta")  # "Objective surface: ... over eta × max_depth"
    assert_no_exception(page, "Results")
    shot("results")


def test_create_page_launches_a_job_that_a_second_tab_watches_to_the_end(
        page: Page, context, dashboard_url: str, tmp_path: Path) -> None:
    """Opened by its URL (the sidebar must be st.navigation's menu, not a folder listing), the
    Create page launches a small job; another tab, a new session, watches it finish."""
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    shot = Screenshots(page, tmp_path)
    page.goto(f"{dashboard_url}/create")
    expect(page.get_by_role("heading", level=1, name="Create tuning job")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(sidebar_link(page, "Deploy")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile("shared"))).to_have_count(0)
    wait_until_idle(page)

    page.get_by_test_id("stSelectbox").filter(has_text="Dataset").click()
    page.get_by_role("option", name=re.compile(r"^iris \(")).click()
    wait_until_idle(page)
    page.get_by_test_id("stRadio").get_by_text("Random", exact=True).click()
    wait_until_idle(page)
    for label, value in (("Maximum training jobs", "4"), ("Tuning job name (optional)", "e2e-create")):
        page.get_by_label(label).fill(value)
        page.get_by_label(label).press("Enter")
        wait_until_idle(page)
    expect(page.get_by_text(re.compile(r"^4 training jobs, .*Random search"))).to_be_visible()
    assert_no_exception(page, "Create tuning job")
    # The export expander is lazy: no code until it is opened, then the form's job as JSON.
    expect(page.get_by_test_id("stCode")).to_have_count(0)
    page.get_by_test_id("stExpander").filter(has_text="The same tuning job as SageMaker JSON").locator("summary").click()
    wait_until_idle(page)
    expect(page.get_by_test_id("stCode").filter(has_text='"MaxNumberOfTrainingJobs": 4').first).to_be_visible()
    shot("create-filled")
    page.get_by_role("button", name=re.compile("Launch tuning job")).click()
    expect(page.get_by_text("Launched e2e-create", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    shot("create-launched")

    watcher = context.new_page()  # another tab: a new Streamlit session on the same server
    watcher.goto(f"{dashboard_url}/monitor?job=e2e-create")
    expect(watcher.get_by_role("heading", level=1, name="Monitor")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(watcher.get_by_text("4 of 4 training jobs finished")).to_be_visible(timeout=JOB_TIMEOUT_SECONDS * 1000)
    status = watcher.get_by_test_id("stMetric").first.get_by_test_id("stMetricValue")
    expect(status).to_have_text("Completed", timeout=PAGE_TIMEOUT_MS)
    assert_no_exception(watcher, "Monitor (second tab)")

    for path, heading in (("datasets", "Datasets"), ("deploy", "Deploy")):
        page.goto(f"{dashboard_url}/{path}?job=e2e-create")
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        wait_until_idle(page)
        assert_no_exception(page, heading)
        shot(path)
    expect(page.get_by_role("button", name="Download model artifact (.zip)")).to_be_visible()
