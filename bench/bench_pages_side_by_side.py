"""Two checkouts' dashboards drawn in one chromium, page by page, loads alternating.

Usage::

    git worktree add /tmp/before 273ce7c
    .venv/bin/python bench/bench_pages_side_by_side.py --before /tmp/before --after . \\
        --pages home,datasets,create,results,deploy --repeats 9

Why alternate: ``bench_pages.py --browser`` times one checkout, then the other; on a
machine whose load changes (a test run, another program) the two runs meet different
machines. Here each page is loaded from one server, then the other, ``--repeats`` times,
so both meet the same load; the first round warms each server's caches and is not counted.
Both servers share one empty store in a temporary ``TUNELAB_HOME`` (the pages drawn are
those of a fresh install). A load ends when Streamlit is idle and every plotly chart is
drawn, as in ``bench_pages.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pages import _serve  # noqa: E402


def _one_load(tab, address: str) -> float:  # noqa: ANN001 - a playwright Page
    """Seconds from navigation until Streamlit is idle and every chart is drawn (bench_pages' end)."""
    started = time.perf_counter()
    tab.goto(address)
    tab.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=300_000)
    tab.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')]"
                          ".every(plot => plot.querySelector('.main-svg'))", timeout=300_000)
    return time.perf_counter() - started


def _serve_checkout(root: Path, home: str) -> tuple[subprocess.Popen, str]:
    """The dashboard of the checkout ``root`` (its own code first on the path), on the store in ``home``."""
    return _serve(root / "app.py", cwd=root, env=dict(os.environ, PYTHONPATH=str(root), TUNELAB_HOME=home),
                  wait_seconds=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the checkout to compare against")
    parser.add_argument("--after", type=Path, default=Path("."), help="the checkout measured (default: here)")
    parser.add_argument("--pages", default="home,datasets,create,results,deploy")
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    pages = [page for page in args.pages.split(",") if page]
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as home:
        servers = {"before": _serve_checkout(args.before.resolve(), home),
                   "after": _serve_checkout(args.after.resolve(), home)}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
                tab = browser.new_page(viewport={"width": 1280, "height": 720})
                for page in pages:  # the first round warms both servers' caches
                    for _, url in servers.values():
                        _one_load(tab, f"{url}/{'' if page == 'home' else page}")
                for _ in range(args.repeats):
                    for page in pages:
                        for which, (_, url) in servers.items():
                            times.setdefault((page, which), []).append(
                                _one_load(tab, f"{url}/{'' if page == 'home' else page}"))
                browser.close()
        finally:
            for server, _ in servers.values():
                os.killpg(server.pid, 15)
                server.wait(timeout=30)
    print(f"Page time in chromium 1280x720, median of {args.repeats} alternating loads (fresh store)")
    print(f"{'page':12s}{'before':>10s}{'after':>10s}{'after/before':>14s}")
    for page in pages:
        before, after = (statistics.median(times[page, which]) for which in ("before", "after"))
        print(f"{page:12s}{before * 1000:8.0f} ms{after * 1000:8.0f} ms{after / before:14.2f}")
    print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")


if __name__ == "__main__":
    main()
