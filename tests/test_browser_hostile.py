"""In a real browser: user text that looks like HTML or Markdown is shown as typed, never run.

A CSV whose column names are ``<script>``, ``<img onerror>`` and a Markdown image, uploaded
under a file name that is itself an ``<img onerror>`` tag, goes through the Datasets page;
a dataset name and a tuning job name made of tags are refused by their name rules. Every
one must appear on the page as literal text, ``window.__pwned`` must stay undefined, and no
element the input described (an ``img`` with ``src=x``, a remote image) may exist.

Run only this test: ``.venv/bin/python -m pytest tests/test_browser_hostile.py`` (chromium
at /usr/bin/chromium; skipped without it unless TUNELAB_REQUIRE_BROWSER is set).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PAGE_TIMEOUT_MS = 30_000  # the first run of a page imports pandas, plotly, xgboost...

SCRIPT = "<script>window.__pwned=1</script>"
IMG = "<img src=x onerror=window.__pwned=1>"
PIXEL = "![px](http://127.0.0.1:9/pixel.png)"
FILE_NAME = "<img src=x onerror=window.__pwned=2>.csv"


def wait_until_idle(page: Page) -> None:
    """Wait until the script run has finished (no "Running..." status widget)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=PAGE_TIMEOUT_MS)


def assert_no_exception(page: Page, where: str) -> None:
    boxes = page.get_by_test_id("stException")
    assert boxes.count() == 0, f"Streamlit exception on the {where} page:\n" + "\n---\n".join(boxes.all_inner_texts())


def _not_pwned(page: Page) -> None:
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("img[src*='127.0.0.1:9']").count() == 0
    assert page.locator("main script").count() == 0


def _shown(page: Page, text: str) -> None:
    expect(page.get_by_text(text, exact=False).first).to_be_visible(timeout=PAGE_TIMEOUT_MS)


def test_tags_in_uploaded_names_are_shown_as_text_and_never_run(page: Page, dashboard_url: str) -> None:
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{dashboard_url}/datasets")
    expect(page.get_by_role("heading", level=1, name="Datasets")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    csv = f"{SCRIPT},{IMG},{PIXEL},y\n1,2,3,0\n2,3,4,1\n3,4,5,0\n4,5,6,1\n".encode()
    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": csv}])
    wait_until_idle(page)
    expect(page.get_by_text("Columns read from the header row (4)", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    for name in (SCRIPT, IMG, PIXEL):  # the caption lists the column names as typed
        _shown(page, name)
    _not_pwned(page)

    # A dataset name made of a tag: refused by the name rule, and the refusal quotes it as text.
    name_box = page.get_by_label("Dataset name")
    name_box.fill(SCRIPT)
    name_box.press("Enter")
    wait_until_idle(page)
    page.get_by_role("button", name="Save dataset").click()
    wait_until_idle(page)
    error = page.get_by_test_id("stAlertContentError")
    expect(error.filter(has_text="is not usable")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(error.filter(has_text=SCRIPT)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    _not_pwned(page)

    # A usable name: saved, then previewed; the file name shows as typed in the source line.
    name_box.fill("tagged-columns")
    name_box.press("Enter")
    wait_until_idle(page)
    page.get_by_role("button", name="Save dataset").click()
    wait_until_idle(page)
    expect(page.get_by_text("Saved tagged-columns", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    _shown(page, f"Uploaded from {FILE_NAME}")
    assert_no_exception(page, "Datasets")
    _not_pwned(page)


def test_a_tuning_job_name_made_of_a_tag_is_refused_as_text(page: Page, dashboard_url: str) -> None:
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{dashboard_url}/create")
    expect(page.get_by_role("heading", level=1, name="Create tuning job")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_until_idle(page)
    tag = "<img src=x onerror=__pwned=1>"  # the field takes 32 characters, as AMT's names
    name_box = page.get_by_label("Tuning job name (optional)")
    name_box.fill(tag)
    name_box.press("Enter")
    wait_until_idle(page)
    error = page.get_by_test_id("stAlertContentError")
    expect(error.filter(has_text="is not valid")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(error.filter(has_text=tag)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("button", name=re.compile("Launch tuning job"))).to_be_disabled()  # once the run has ended
    assert_no_exception(page, "Create tuning job")
    _not_pwned(page)
