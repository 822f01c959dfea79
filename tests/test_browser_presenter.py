"""Presenter mode in a real browser at 1280x720: the toggle collapses the sidebar, a Create
link opens its section, and the ranges table shows every column and every row.

Streamlit applies ``initial_sidebar_state`` when it changes mid-session too, unless the
user has opened or closed the sidebar by hand in this browser (Streamlit then keeps the
user's choice, in the browser's local storage): each test here has a fresh browser context.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tuning.algorithms import get_algorithm
from tuning.job.range_table import range_rows

from test_browser_e2e import PAGE_TIMEOUT_MS, Screenshots, assert_no_exception, wait_until_idle

pytestmark = pytest.mark.browser

VIEWPORT_WIDTH = 1280


def sidebar_is_open(page: Page) -> bool:
    """Whether the sidebar is open, once its slide (a CSS transition) has ended."""
    sidebar = page.get_by_test_id("stSidebar")
    boxes = []
    for _ in range(50):
        boxes.append(sidebar.bounding_box())
        if len(boxes) >= 3 and boxes[-1] == boxes[-2] == boxes[-3]:
            break
        page.wait_for_timeout(100)
    box = boxes[-1]
    return box is not None and box["width"] > 0 and box["x"] >= 0


def open_page(page: Page, address: str, heading: str) -> None:
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(address)
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    wait_until_idle(page)


def test_the_toggle_collapses_the_sidebar_and_the_address_keeps_presenter_mode(
        page: Page, dashboard_url: str, tmp_path: Path) -> None:
    open_page(page, f"{dashboard_url}/", "TuneLab")
    assert sidebar_is_open(page)  # 1280 px, no choice made yet: Streamlit's "auto" opens it
    page.get_by_test_id("stSidebar").get_by_text("Presenter mode", exact=True).click()
    wait_until_idle(page)
    expect(page.get_by_test_id("stExpandSidebarButton")).to_be_visible()
    assert not sidebar_is_open(page)
    assert "present=1" in page.url
    assert_no_exception(page, "Home (presenter mode turned on)")
    Screenshots(page, tmp_path)("presenter-toggled-on")


def test_a_create_link_opens_the_ranges_section_with_every_column_and_row_in_view(
        page: Page, dashboard_url: str, tmp_path: Path) -> None:
    open_page(page, f"{dashboard_url}/create?present=1&section=3.%20Hyperparameter%20ranges", "Create tuning job")
    expect(page.get_by_role("tab", name="3. Hyperparameter ranges")).to_have_attribute("aria-selected", "true")
    assert not sidebar_is_open(page)  # opened by a presenter link: collapsed from the start
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT_WIDTH, box  # no column off the right edge
    expect(table.locator("[role=columnheader]").last).to_have_text("Value")  # the grid has drawn
    headers = [text.strip() for text in table.locator("[role=columnheader]").all_text_contents() if text.strip()]
    assert headers == ["Tune", "Hyperparameter", "Type", "MinValue", "MaxValue", "ScalingType", "Values", "Value"]
    # Every row in view, none scrolled away inside the table (Streamlit's default shows ten):
    # the header and each of the form's XGBoost hyperparameters, 35 px a row.
    rows = len(range_rows(get_algorithm("xgboost"), exclude=()))
    assert rows > 10 and box["height"] >= (1 + rows) * 35, (rows, box)
    # What each ticked hyperparameter does is said in full below the table (a cell would cut it).
    expect(page.get_by_role("paragraph").filter(has_text="eta: Learning rate (SageMaker: eta): how much each new tree corrects the previous ones;")).to_be_visible()
    assert_no_exception(page, "Create (ranges section by link)")
    Screenshots(page, tmp_path)("presenter-create-ranges")
