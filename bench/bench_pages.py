"""How long each dashboard page takes with a tuning job of 1,000 finished training jobs.

Usage::

    .venv/bin/python bench/bench_pages.py            # script time of every page (AppTest)
    .venv/bin/python bench/bench_pages.py --browser  # and the time a real chromium needs

Two real tuning jobs are run first into a temporary store (Random search of XGBoost on
breast_cancer with early stopping, 30 rounds each): one of 20 training jobs, the peer
that sets the scale, and one of 1,000 (about a minute on 2 cores). Then each page is
opened on each job and timed:

- *script*: the page's Python run on the server (Streamlit's AppTest, the median of
  ``--repeats`` warm runs): what the store, the tables and the plotly figures cost;
- *browser* (``--browser``): from navigation until Streamlit is idle and every plotly
  chart is drawn, in Debian's chromium at 1280x720: what a user waits for.

The last column is the 1,000-job time over the 20-job time: a page that scales with the
number of training jobs shows a large ratio.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["home", "create", "datasets", "monitor", "results", "compare", "deploy"]
SIZES = {"small": 20, "thousand": 1000}


def run_jobs() -> None:
    """The two real tuning jobs the pages are timed on."""
    from tuning import ContinuousParameter, IntegerParameter, Store, TuningJobConfig, run_tuning_job

    store = Store()
    for name, count in SIZES.items():
        started = time.perf_counter()
        config = TuningJobConfig(
            dataset="breast_cancer",
            hyperparameter_ranges={"eta": ContinuousParameter(0.01, 0.5, "Logarithmic"),
                                   "max_depth": IntegerParameter(1, 10),
                                   "min_child_weight": ContinuousParameter(1, 20),
                                   "subsample": ContinuousParameter(0.5, 1.0)},
            static_hyperparameters={"num_round": 30}, strategy="Random", max_jobs=count,
            max_parallel_jobs=2, early_stopping_type="Auto", random_seed=0, name=name,
        )
        job = run_tuning_job(config, store)
        print(f"ran {name}: {count} training jobs {job.status_counters} in "
              f"{time.perf_counter() - started:.0f} s", flush=True)


def time_scripts(repeats: int) -> dict[tuple[str, str], float]:
    """Median warm script time of each page on each job, in seconds."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    times = {}
    for job in SIZES:
        for page in PAGES:
            st.cache_resource.clear()
            app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
            app.session_state["tuning_job"] = job
            app.switch_page(f"views/{page}.py")
            app.run()  # cold: caches fill
            if app.exception:
                raise SystemExit(f"{page} raised: {app.exception[0].message}")
            runs = []
            for _ in range(repeats):
                started = time.perf_counter()
                app.run()
                runs.append(time.perf_counter() - started)
            times[job, page] = statistics.median(runs)
    return times


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_browser(repeats: int) -> dict[tuple[str, str], float]:
    """Median time from navigation until Streamlit is idle and every chart is drawn."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        times = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            for job in SIZES:
                for name in PAGES:
                    address = f"{url}/{'' if name == 'home' else name}?job={job}"
                    runs = []
                    for attempt in range(repeats + 1):
                        started = time.perf_counter()
                        page.goto(address)
                        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                                               timeout=120_000)
                        page.wait_for_function(
                            "() => [...document.querySelectorAll('.js-plotly-plot')]"
                            ".every(plot => plot.querySelector('.main-svg'))", timeout=120_000)
                        if attempt:  # the first load warms the server's caches
                            runs.append(time.perf_counter() - started)
                    times[job, name] = statistics.median(runs)
            browser.close()
        return times
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def report(title: str, times: dict[tuple[str, str], float]) -> None:
    small, big = SIZES
    print(f"\n{title}")
    print(f"{'page':<10}{'20 jobs':>10}{'1,000 jobs':>12}{'ratio':>8}")
    for page in PAGES:
        a, b = times[small, page], times[big, page]
        print(f"{page:<10}{a * 1000:>8.0f} ms{b * 1000:>10.0f} ms{b / a:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--browser", action="store_true", help="also time the pages in chromium")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["TUNELAB_HOME"] = home
        sys.path.insert(0, str(ROOT))
        run_jobs()
        report("Page script time (server side, median of warm runs)", time_scripts(args.repeats))
        if args.browser:
            report("Page time in chromium 1280x720 (navigation until idle and charts drawn)",
                   time_browser(args.repeats))


if __name__ == "__main__":
    main()
