"""The Explain page in a real browser: a Bayesian job's replay walked three steps, a Hyperband diagram.

Two real tuning jobs are run into the store of a real ``streamlit run app.py`` server; the
page is driven in Debian's chromium at 1280x720 (WebGL through SwiftShader). The step
slider is moved with the keyboard, as a teacher would, and each step's charts must be
drawn (plotly's SVG in the page, not only a figure sent). Screenshots go to tmp_path (and
$TUNELAB_SCREENSHOTS).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from test_browser_e2e import PAGE_TIMEOUT_MS, Screenshots, assert_no_exception, wait_until_idle
from tuning import ContinuousParameter, IntegerParameter, Store, TuningJobConfig, run_tuning_job

pytestmark = pytest.mark.browser

RANGES = {"eta": ContinuousParameter(0.01, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 6)}


def _charts_drawn(page: Page, at_least: int) -> None:
    """Plotly drew ``at_least`` charts: each has its SVG with axes in the page."""
    expect(page.locator(".js-plotly-plot .main-svg").nth(at_least * 2 - 1)).to_be_attached(timeout=PAGE_TIMEOUT_MS)


def test_a_bayesian_replay_walked_three_steps_and_a_hyperband_diagram(
        page: Page, dashboard_url: str, dashboard_home: Path, tmp_path: Path) -> None:
    store = Store(dashboard_home / "tunelab.db")
    common = dict(dataset="diabetes", algorithm="xgboost", objective_metric_name="validation:rmse",
                  objective_type="Minimize", hyperparameter_ranges=RANGES, max_parallel_jobs=2, random_seed=3)
    run_tuning_job(TuningJobConfig(**common, static_hyperparameters={"num_round": 20}, max_jobs=10,
                                   strategy="Bayesian", name="explain-bayes"), store)
    run_tuning_job(TuningJobConfig(**common, max_jobs=12, strategy="Hyperband", name="explain-hyperband",
                                   strategy_config={"MinResource": 1, "MaxResource": 27}), store)
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    shot = Screenshots(page, tmp_path)

    page.goto(f"{dashboard_url}/explain?job=explain-bayes")
    expect(page.get_by_role("heading", level=1, name="Explain")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    expect(page.get_by_text(re.compile(r"Step 1 of \d+"))).to_be_visible()
    total = int(re.search(r"Step 1 of (\d+)", page.get_by_text(re.compile(r"Step 1 of \d+")).inner_text()).group(1))
    assert total >= 5
    thumb = page.get_by_role("slider")
    shown = page.get_by_test_id("stSliderThumbValue")
    thumb.focus()
    for step in (3, 6, total):
        while int(shown.inner_text()) < step:
            thumb.press("ArrowRight")
        wait_until_idle(page)
        expect(page.get_by_text(f"Step {step} of {total}")).to_be_visible()
        assert_no_exception(page, "Explain")
        look_into = page.get_by_role("radiogroup", name="Look into").last
        look_into.get_by_text("Gaussian process", exact=True).click()  # whichever half picked at this step
        wait_until_idle(page)
        expect(page.get_by_text(f"Step {step}: what the Gaussian process believed")).to_be_visible(
            timeout=PAGE_TIMEOUT_MS)
        _charts_drawn(page, 2)  # the Gaussian process's plane and slice
        shot(f"explain-bayes-step-{step}")
        thumb.focus()
    page.get_by_role("radiogroup", name="Look into").last.get_by_text("TPE", exact=True).click()
    wait_until_idle(page)
    expect(page.get_by_text(re.compile(r"where TPE saw good and bad results along eta"))).to_be_visible()
    shot("explain-bayes-tpe")

    page.goto(f"{dashboard_url}/explain?job=explain-hyperband")
    wait_until_idle(page)
    page.get_by_role("tab", name="What was cut").click()
    wait_until_idle(page)
    assert_no_exception(page, "Explain")
    _charts_drawn(page, 1)
    expect(page.get_by_text(re.compile("bracket", re.IGNORECASE)).first).to_be_visible()
    shot("explain-hyperband")
