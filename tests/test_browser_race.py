"""A strategy race in a real browser: set it up, race, repeat with 2 seeds, read the overlaid charts.

Linear Learner on iris (three ranges, 15 epochs, so Hyperband has a resource to grow), a
budget of 8 training jobs per strategy, so Grid's 2 x 2 x 2 grid is the whole budget. The
four strategies run side by side on the real dashboard server; then every strategy is
rerun with a second seed. Screenshots at 1280x720 go to tmp_path (and $TUNELAB_SCREENSHOTS).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from test_browser_e2e import PAGE_TIMEOUT_MS, Screenshots, assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser

NAME = "browser-race"
RACE_TIMEOUT_MS = 240_000
STRATEGIES = ("Grid", "Random", "Bayesian", "Hyperband")


def fill(page: Page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Enter")
    wait_until_idle(page)


def legend_names(page: Page) -> list[str]:
    """The strategies' legend entries of every chart on the page (the baseline's left out)."""
    texts = [text.strip() for text in page.locator(".js-plotly-plot .legendtext").all_text_contents()]
    return [text for text in texts if not text.startswith("Baseline")]


def test_a_race_with_two_seeds_draws_the_strategies_overlaid(
        page: Page, dashboard_url: str, dashboard_home: Path, tmp_path: Path) -> None:
    from tuning import Store
    from tuning.running.race import race

    page.set_default_timeout(PAGE_TIMEOUT_MS)
    shot = Screenshots(page, tmp_path)
    page.goto(f"{dashboard_url}/race")
    expect(page.get_by_role("heading", level=1, name="Strategy race")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    label = page.get_by_test_id("stWidgetLabel").get_by_text("Algorithm", exact=True)
    page.get_by_test_id("stSelectbox").filter(has=label).click()
    page.get_by_role("option", name="Linear Learner").click()
    wait_until_idle(page)
    fill(page, "Budget (training jobs per strategy)", "8")
    fill(page, "Race name (optional)", NAME)
    expect(page.get_by_text(re.compile(r"4 strategies: Grid, Random, Bayesian, Hyperband; 8 training jobs each"))
           ).to_be_visible()
    assert_no_exception(page, "Strategy race (setup)")
    shot("race-setup")

    page.get_by_role("button", name=re.compile(r"Race$")).click()
    # The final verdict (not the interim "So far ..., with one seed each" of the live view).
    expect(page.get_by_text(re.compile(r"^With one seed each, "))).to_be_visible(timeout=RACE_TIMEOUT_MS)
    wait_until_idle(page)
    assert_no_exception(page, "Strategy race (one seed)")
    shot("race-one-seed")

    fill(page, "Seeds in all", "2")
    page.get_by_role("button", name=re.compile(r"Repeat with 2 seeds$")).click()
    expect(page.get_by_text(re.compile(r"^Over 2 seeds, "))).to_be_visible(timeout=RACE_TIMEOUT_MS)
    wait_until_idle(page)
    assert_no_exception(page, "Strategy race (two seeds)")

    charts = page.locator(".js-plotly-plot")
    expect(charts).to_have_count(2)
    for chart in charts.all():  # each strategy drawn: its mean line and its interquartile band
        assert chart.locator(".scatterlayer .trace").count() >= 3 * len(STRATEGIES)
    assert sorted(legend_names(page)) == sorted([f"{role} · 2 seeds" for role in STRATEGIES] * 2)
    charts.first.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "race-charts-viewport.png")  # what a 1280x720 projector shows
    shot("race-two-seeds")

    store = Store(dashboard_home / "tunelab.db")
    stored = race(store, NAME)
    store.dispose()
    assert [member.role for member in stored.members] == list(STRATEGIES) and stored.seeds == [1, 2]
