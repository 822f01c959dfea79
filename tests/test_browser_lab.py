"""The hyperparameter lab in a real browser: one of the course's presets, run end to end.

The "Epochs (neural network)" preset: an MLP on breast_cancer trained for 5 numbers of
epochs as a small Grid tuning job on the real dashboard server. The page must draw one
panel per value with its validation and (dashed) training curve, a sentence per value read
from those curves, the comparison, and the course's claims checked against what happened.
Screenshots at 1280x720 go to tmp_path (and $TUNELAB_SCREENSHOTS).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from test_browser_e2e import PAGE_TIMEOUT_MS, Screenshots, assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser

LAB_TIMEOUT_MS = 240_000


def test_the_epochs_preset_runs_and_reads_each_value_from_its_curves(
        page: Page, dashboard_url: str, dashboard_home: Path, tmp_path: Path) -> None:
    from tuning import Store
    from tuning.running.lab import labs

    page.set_default_timeout(PAGE_TIMEOUT_MS)
    shot = Screenshots(page, tmp_path)
    page.goto(f"{dashboard_url}/lab")
    expect(page.get_by_role("heading", level=1, name="Hyperparameter lab")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    label = page.get_by_test_id("stWidgetLabel").get_by_text("Preset", exact=True)
    page.get_by_test_id("stSelectbox").filter(has=label).click()
    page.get_by_role("option", name="Epochs (neural network)").click()
    wait_until_idle(page)
    expect(page.get_by_text(re.compile(r"^\*?\*?5 training jobs\*?\*?, one per value of epochs"))).to_be_visible()
    assert_no_exception(page, "Hyperparameter lab (setup)")
    shot("lab-setup")

    page.get_by_role("button", name=re.compile(r"Run the lab$")).click()
    # The final reading: the claims are checked only once every value has finished.
    expect(page.get_by_text(re.compile(r"^(As|Not as) the course says")).first).to_be_visible(timeout=LAB_TIMEOUT_MS)
    wait_until_idle(page)
    assert_no_exception(page, "Hyperparameter lab (done)")

    (job,) = labs(Store(dashboard_home / "tunelab.db"))
    assert job.status == "Completed" and job.strategy == "Grid" and job.status_counters.get("Completed") == 5
    sentences = page.get_by_role("listitem").filter(has_text=re.compile(r"^epochs \d+: "))
    expect(sentences).to_have_count(5)
    expect(page.get_by_text(re.compile(r"^Best final validation"))).to_be_visible()
    chart = page.locator(".js-plotly-plot").first
    titles = [text for text in chart.locator(".annotation-text").all_text_contents() if re.match(r"^\d", text)]
    assert len(titles) == 5, titles  # one panel per value, titled by it (and its reading in a word or two)
    legend = [text.strip() for text in chart.locator(".legendtext").all_text_contents()]
    assert "Validation" in legend and "Training" in legend  # the training channel is drawn beside validation
    expect(page.get_by_text("Validation curves only")).to_have_count(0)
    chart.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "lab-chart-viewport.png")  # what a 1280x720 projector shows
    shot("lab-done")
