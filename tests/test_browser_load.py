"""Issue 6, concurrency in the dashboard: two browser sessions launch two tuning jobs each.

Two browser contexts (two people, two Streamlit sessions) on one real dashboard server
(``dashboard_url`` in conftest.py) fill the Create page and launch two small XGBoost
tuning jobs each, so four run at once in background threads of the one server process,
all writing to its one SQLite store. Then both sessions watch their jobs on the Monitor
page until all four are Completed. What must hold: the four really overlapped in time,
each ends Completed in the store with all its training jobs, and every page of both
sessions kept answering (no Streamlit exception element). Page response times are
printed (``-s``). About a minute on two cores.
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tuning.store.database import Store

pytestmark = pytest.mark.browser

TRAINING_JOBS = 40  # long enough that the four overlap on a quiet machine (12 did not: 3 s a job, 1 s a launch)
JOB_TIMEOUT_SECONDS = 240
STALE_GRACE_SECONDS = 20
PAGE_TIMEOUT_MS = 60_000  # four tuning jobs share two cores with the browser and the server
SESSIONS = {"alice": ("load-alice-1", "load-alice-2"), "bob": ("load-bob-1", "load-bob-2")}
ALL_JOBS = [name for names in SESSIONS.values() for name in names]


def wait_until_idle(page: Page) -> None:
    """Wait until the script run has finished (no "Running..." status widget)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=PAGE_TIMEOUT_MS)


def assert_no_exception(page: Page, where: str) -> None:
    boxes = page.get_by_test_id("stException")
    assert boxes.count() == 0, f"Streamlit exception on {where}:\n" + "\n---\n".join(boxes.all_inner_texts())


def fill_create_page(page: Page, dashboard_url: str) -> None:
    """A small Random search of XGBoost on iris, one training job at a time."""
    page.goto(f"{dashboard_url}/create")
    expect(page.get_by_role("heading", level=1, name="Create tuning job")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Dataset").click()
    page.get_by_role("option", name=re.compile(r"^iris \(")).click()
    wait_until_idle(page)
    page.get_by_test_id("stRadio").get_by_text("Random", exact=True).click()
    wait_until_idle(page)
    for label, value in (("Maximum training jobs", str(TRAINING_JOBS)), ("Parallel training jobs", "1")):
        page.get_by_label(label).fill(value)
        page.get_by_label(label).press("Enter")
        wait_until_idle(page)
    expect(page.get_by_text(re.compile(rf"^{TRAINING_JOBS} training jobs, .*Random search"))).to_be_visible()
    assert_no_exception(page, "the Create page")


def launch(page: Page, name: str) -> None:
    """Name the job and press Launch; the same session launches its second job the same way."""
    field = page.get_by_label("Tuning job name (optional)")
    field.fill(name)
    field.press("Enter")
    wait_until_idle(page)
    page.get_by_role("button", name=re.compile("Launch tuning job")).click()
    expect(page.get_by_text(f"Launched {name}", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert_no_exception(page, f"the Create page after launching {name}")


def open_monitor(page: Page) -> None:
    """Through the sidebar, so the session (and its launched jobs) stays the same."""
    page.mouse.move(1, 1)  # off any help tooltip, which would take the click
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(r"Monitor$")).click()
    expect(page.get_by_role("heading", level=1, name="Monitor")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)


def picker(page: Page):
    label = page.get_by_test_id("stWidgetLabel").get_by_text("Tuning job", exact=True)
    return page.get_by_test_id("stSelectbox").filter(has=label)


def show_job(page: Page, name: str) -> float:
    """Pick ``name`` in the Monitor's job picker; return how long until the page shows it,
    whole and up to date (its run finished: nothing left greyed out as stale)."""
    started = time.perf_counter()
    picker(page).click()
    page.get_by_role("option", name=re.compile(rf"^{re.escape(name)} \(")).click()
    expect(picker(page).get_by_role("combobox")).to_have_value(re.compile(rf"^{re.escape(name)} \("),
                                                                 timeout=PAGE_TIMEOUT_MS)
    current_status(page)
    return time.perf_counter() - started


def current_status(page: Page) -> str:
    """The status the Monitor shows once its run has finished (no stale element left)."""
    wait_until_idle(page)
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=PAGE_TIMEOUT_MS)
    # One picker: unkeyed, a new one appeared beside the old as jobs started and ended.
    expect(picker(page)).to_have_count(1)
    expect(page.get_by_text(re.compile(rf"of {TRAINING_JOBS} training jobs finished"))).to_be_visible(
        timeout=PAGE_TIMEOUT_MS)
    return page.get_by_test_id("stMetric").first.get_by_test_id("stMetricValue").inner_text(
        timeout=PAGE_TIMEOUT_MS).strip()


def test_two_sessions_launch_four_tuning_jobs_at_once_and_watch_them_finish(
        browser: Browser, browser_context_args: dict, dashboard_url: str, dashboard_home: Path,
        tmp_path: Path) -> None:
    contexts = {who: browser.new_context(**browser_context_args) for who in SESSIONS}
    try:
        pages = {who: context.new_page() for who, context in contexts.items()}
        for page in pages.values():
            page.set_default_timeout(PAGE_TIMEOUT_MS)
        for page in pages.values():  # both forms first, so the four launches follow each other closely
            fill_create_page(page, dashboard_url)
        for who, names in SESSIONS.items():
            for name in names:
                launch(pages[who], name)
        for page in pages.values():
            open_monitor(page)

        # Each session watches its first job until the Monitor shows it Completed, then its second.
        response_times: dict[str, list[float]] = {who: [] for who in SESSIONS}
        watching = {who: 0 for who in SESSIONS}
        shown: dict[str, str] = {}
        for who, names in SESSIONS.items():
            response_times[who].append(show_job(pages[who], names[0]))
        deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
        store = Store(dashboard_home / "tunelab.db")
        ended_in_store = None  # when the store said all four had ended
        while any(index < len(SESSIONS[who]) for who, index in watching.items()):
            if ended_in_store is None and not any(store.get_tuning_job(n).is_active for n in ALL_JOBS):
                ended_in_store = time.monotonic()
            if ended_in_store is not None and time.monotonic() - ended_in_store > STALE_GRACE_SECONDS:
                for who, page in pages.items():
                    page.screenshot(path=tmp_path / f"{who}-stale.png", full_page=True)
                pytest.fail(f"the store says all four ended {STALE_GRACE_SECONDS} s ago, the Monitor pages "
                            f"still show {shown}; screenshots in {tmp_path}")
            assert time.monotonic() < deadline, f"not all four Completed after {JOB_TIMEOUT_SECONDS} s: {shown}"
            for who, names in SESSIONS.items():
                if watching[who] >= len(names):
                    continue
                name = names[watching[who]]
                shown[name] = current_status(pages[who])
                assert shown[name] in ("InProgress", "Completed"), (name, shown[name])
                assert_no_exception(pages[who], f"{who}'s Monitor page watching {name}")
                if shown[name] == "Completed":
                    watching[who] += 1
                    if watching[who] < len(names):
                        response_times[who].append(show_job(pages[who], names[watching[who]]))
            pages["alice"].wait_for_timeout(1000)
        store.dispose()
        for who, page in pages.items():
            expect(page.get_by_text(f"{TRAINING_JOBS} of {TRAINING_JOBS} training jobs finished")).to_be_visible()
            wait_until_idle(page)
            assert_no_exception(page, f"{who}'s Monitor page at the end")
    finally:
        for context in contexts.values():
            context.close()

    store = Store(dashboard_home / "tunelab.db")
    try:
        jobs = [store.get_tuning_job(name) for names in SESSIONS.values() for name in names]
        for job in jobs:
            assert job.status == "Completed", (job.name, job.status, job.failure_reason)
            assert job.status_counters == {"Completed": TRAINING_JOBS}, (job.name, job.status_counters)
            training_jobs = store.training_jobs(job.name, with_curves=False)
            assert [t.index for t in training_jobs] == list(range(TRAINING_JOBS))
            best = max(t.final_objective_value for t in training_jobs)  # validation:accuracy, maximized
            assert job.best_objective_value == best
        # Four at once: the last to start started before the first to end ended.
        assert max(job.created_at for job in jobs) < min(job.ended_at for job in jobs), [
            (job.name, job.created_at, job.ended_at) for job in jobs]
    finally:
        store.dispose()
    for who, times in response_times.items():
        print(f"\n{who}: {len(times)} Monitor views, median {statistics.median(times):.2f} s, "
              f"max {max(times):.2f} s")
