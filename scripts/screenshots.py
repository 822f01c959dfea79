"""Full-page screenshots of every dashboard page, at 1280x720, in Debian's chromium.

Usage (with a dashboard already running, ideally on a store with a finished tuning job)::

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8501 /tmp/tunelab-shots
    .venv/bin/python scripts/screenshots.py URL OUT_DIR --no-tabs      # skip the per-tab shots

It opens the app's root URL, reads the st.navigation menu in the sidebar, clicks each page
in turn (one browser session, so a tuning job picked on one page stays picked), waits for
the page's script run to end (no ``stStatusWidget`` "Running" indicator) plus a short settle
delay, and saves ``NN-<page>.png``. On pages with st.tabs it also clicks every tab and saves
``NN-<page>-tab-MM-<tab>.png``. Streamlit scrolls inside its main pane, not the window, so
for a full-page picture the window is made as tall as that pane's content for the shot; the
width stays 1280.

Needs the ``playwright`` package (requirements-dev.txt) and /usr/bin/chromium
(``apt-get install chromium``); no ``playwright install`` download.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1280, 720
SETTLE_MS = 1500
RUN_TIMEOUT_MS = 60_000


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "page"


def wait_for_run(page: Page) -> None:
    """Wait until the page's script has run: content drawn, no running indicator, then settle."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=RUN_TIMEOUT_MS)
    page.wait_for_timeout(300)  # let a just-requested rerun show its indicator
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=RUN_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)


def full_page_shot(page: Page, path: Path) -> None:
    """Make the window as tall as the main pane's content, screenshot, and restore 1280x720."""
    height = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const sidebar = document.querySelector('[data-testid="stSidebarContent"]');
            return Math.max(main ? main.scrollHeight : 0, sidebar ? sidebar.scrollHeight : 0, window.innerHeight);
        }"""
    )
    page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, int(height))})
    page.wait_for_timeout(500)
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.wait_for_timeout(300)


def navigation_titles(page: Page) -> list[str]:
    """The page titles of the sidebar menu (each link's last line; the first is its icon's name)."""
    texts = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    return [text.strip().splitlines()[-1].strip() for text in texts]


def capture(url: str, out_dir: Path, tabs: bool = True) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url.rstrip("/") + "/")  # the root runs app.py, so the sidebar is st.navigation's menu
        page.wait_for_selector('[data-testid="stSidebarNav"] a', timeout=RUN_TIMEOUT_MS)
        wait_for_run(page)
        titles = navigation_titles(page)
        print(f"pages in the sidebar: {', '.join(titles)}")
        for number, title in enumerate(titles, start=1):
            page.locator('[data-testid="stSidebarNav"] a').nth(number - 1).click()
            wait_for_run(page)
            name = f"{number:02d}-{slug(title)}"
            path = out_dir / f"{name}.png"
            full_page_shot(page, path)
            saved.append(path)
            exceptions = page.locator('[data-testid="stException"]').count()
            print(f"{path}{'  (Streamlit exception shown!)' if exceptions else ''}")
            if tabs:
                tab_buttons = page.get_by_role("tab")
                for tab_number in range(tab_buttons.count()):
                    tab = tab_buttons.nth(tab_number)
                    tab_name = tab.inner_text().strip()
                    tab.click()
                    page.wait_for_timeout(SETTLE_MS)
                    wait_for_run(page)  # lazy tabs rerun the script to draw their chart
                    path = out_dir / f"{name}-tab-{tab_number + 1:02d}-{slug(tab_name)}.png"
                    full_page_shot(page, path)
                    saved.append(path)
                    print(path)
        if errors:
            print("JavaScript errors in the page:\n  " + "\n  ".join(errors), file=sys.stderr)
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="a running dashboard, e.g. http://127.0.0.1:8501")
    parser.add_argument("out_dir", type=Path, help="folder for the PNG files (created if missing)")
    parser.add_argument("--no-tabs", dest="tabs", action="store_false", help="one picture per page only")
    args = parser.parse_args(argv)
    capture(args.url, args.out_dir, tabs=args.tabs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
