"""How long each dashboard page takes with tuning jobs of 20, 1,000 and 10,000 training jobs.

Usage::

    .venv/bin/python bench/bench_pages.py                       # script time of every page (AppTest)
    .venv/bin/python bench/bench_pages.py --browser             # and the time a real chromium needs
    .venv/bin/python bench/bench_pages.py --sizes 20,1000,10000 --pages home,monitor,results --browser

The jobs live in a temporary store. Up to 1,000 training jobs they are real: Random
search of XGBoost on breast_cancer with early stopping, 30 rounds each (1,000 take about
a minute on 2 cores). A bigger job is **synthetic**: running 10,000 real training jobs
would take ten minutes or more of the machine, and what the pages cost depends on the
records, not on how they were made. :func:`fill_synthetic_job` writes records shaped like
the real ones straight through the Store's API (``Store.add_training_jobs``, one
transaction): hyperparameters drawn from the same ranges, the objective a smooth function
of them plus noise, about 1% Failed and 15% Stopped by early stopping, and 30-step
learning curves for the jobs that reported them. The store is then padded with small
synthetic tuning jobs to ``--store-jobs`` (100) in all, so Home lists that many and the
job pickers of Monitor and Results read that many.

Each page is then opened on each job and timed:

- *script*: the page's Python run on the server (Streamlit's AppTest, the median of
  ``--repeats`` warm runs): what the store, the tables and the plotly figures cost;
  *cold* is the first run, with Streamlit's caches empty (the first visitor's wait);
- *browser* (``--browser``): from navigation until Streamlit is idle and every plotly
  chart is drawn, in Debian's chromium at 1280x720: what a user waits for. The same is
  measured for a one-line Streamlit app (*streamlit start-up*), the part of every page's
  time that is Streamlit's own and no page can remove.

The last column is the biggest job's time over the smallest job's: a page that scales
with the number of training jobs shows a large ratio.
"""

from __future__ import annotations

import argparse
import math
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
REAL_LIMIT = 1000
"""Jobs of up to this many training jobs are run for real; bigger ones are synthetic."""
STORE_JOBS = 100
BLANK_APP = "import streamlit as st\n\nst.title('blank')\n"


def _ranges() -> dict:
    from tuning import ContinuousParameter, IntegerParameter

    return {"eta": ContinuousParameter(0.01, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 10),
            "min_child_weight": ContinuousParameter(1, 20), "subsample": ContinuousParameter(0.5, 1.0)}


def _config(name: str, count: int):  # noqa: ANN202 - a TuningJobConfig
    from tuning import TuningJobConfig

    return TuningJobConfig(
        dataset="breast_cancer", hyperparameter_ranges=_ranges(), static_hyperparameters={"num_round": 30},
        strategy="Random", max_jobs=count, max_parallel_jobs=2, early_stopping_type="Auto", random_seed=0,
        name=name,
    )


def job_name(count: int) -> str:
    return f"jobs-{count}"


def run_job(store, count: int) -> None:  # noqa: ANN001 - a Store
    """A real tuning job of ``count`` training jobs."""
    from tuning import run_tuning_job

    started = time.perf_counter()
    job = run_tuning_job(_config(job_name(count), count), store)
    print(f"ran {job.name}: {job.status_counters} in {time.perf_counter() - started:.0f} s", flush=True)


def _auc(hyperparameters: dict, noise: float) -> float:
    """A smooth, single-peaked validation AUC over the four ranges (best near eta 0.1, depth 4)."""
    value = (0.985 - 0.012 * (math.log10(hyperparameters["eta"]) + 1) ** 2
             - 0.0008 * (hyperparameters["max_depth"] - 4) ** 2
             - 0.00005 * (hyperparameters["min_child_weight"] - 3) ** 2
             - 0.02 * (hyperparameters["subsample"] - 0.85) ** 2 + noise)
    return min(1.0, value)


def synthetic_training_jobs(name: str, count: int, *, seed: int = 0, start: float | None = None,
                            rounds: int = 30) -> list:
    """``count`` finished training jobs shaped like a real Random run's (module docstring).

    Hyperparameters drawn uniformly in each range's scale, AUC a smooth function plus
    noise, ~1% Failed, ~15% Stopped by early stopping at a random round (their value is
    their curve's last), and a ``rounds``-step learning curve for every Completed and
    Stopped job. Seeded: the same arguments give the same jobs.
    """
    import numpy as np

    from tuning.records import TrainingJob

    rng = np.random.default_rng(seed)
    ranges = _ranges()
    start = time.time() - 3 * count - 60 if start is None else start
    jobs = []
    for index in range(count):
        hyperparameters = {key: parameter.from_unit(float(rng.random())) for key, parameter in ranges.items()}
        created = start + 1.5 * index
        ended = created + float(rng.uniform(1.0, 4.0))
        draw = rng.random()
        status = "Failed" if draw < 0.01 else "Stopped" if draw < 0.16 else "Completed"
        final = _auc(hyperparameters, float(rng.normal(0, 0.003)))
        curve, value, failure, stopped = [], None, None, None
        if status == "Failed":
            failure = "XGBoostError: synthetic failure (out of memory)"
        else:
            steps = rounds if status == "Completed" else int(rng.integers(3, rounds // 2))
            curve = [(step, round(min(1.0, final - 0.08 * math.exp(-step / 5) + float(rng.normal(0, 0.001))), 6))
                     for step in range(1, steps + 1)]
            value = curve[-1][1]
            stopped = "EarlyStopped" if status == "Stopped" else None
        jobs.append(TrainingJob(tuning_job_name=name, index=index, name=f"{name}-{index + 1:03d}", status=status,
                                hyperparameters=hyperparameters, created_at=created, start_time=created,
                                end_time=ended, final_objective_value=value, failure_reason=failure,
                                stopped_reason=stopped, intermediate_values=curve))
    return jobs


def fill_synthetic_job(store, name: str, count: int, *, seed: int = 0,
                       created_at: float | None = None) -> None:  # noqa: ANN001 - a Store
    """A finished Random tuning job of ``count`` synthetic training jobs, in two transactions.

    The training jobs are :func:`synthetic_training_jobs`; the tuning job's
    BestTrainingJob is the best Completed one, as the runner would record it.
    """
    from tuning.records import TuningJob

    start = time.time() - 3 * count - 60 if created_at is None else created_at
    jobs = synthetic_training_jobs(name, count, seed=seed, start=start)
    completed = [job for job in jobs if job.status == "Completed"]
    best = max(completed, key=lambda job: job.final_objective_value) if completed else None
    config = _config(name, count)
    store.create_tuning_job(TuningJob(
        name=name, status="Completed", strategy="Random", algorithm=config.algorithm, dataset="breast_cancer",
        objective_metric_name="validation:auc", objective_type="Maximize", max_jobs=count, max_parallel_jobs=2,
        config=config.to_dict(), created_at=start, ended_at=start + 1.5 * count + 4,
        completion_reason=f"MaxNumberOfTrainingJobs ({count}) reached",
        best_training_job=best.name if best else None, best_objective_value=best.final_objective_value if best else None,
    ))
    store.add_training_jobs(jobs)


def fill_store(sizes: list[int], store_jobs: int) -> None:
    """The jobs the pages are timed on, then small synthetic ones up to ``store_jobs`` in all."""
    from tuning import Store

    store = Store()
    for count in sizes:
        if count <= REAL_LIMIT:
            run_job(store, count)
        else:
            started = time.perf_counter()
            fill_synthetic_job(store, job_name(count), count)
            print(f"wrote {job_name(count)}: {count} synthetic training jobs in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    padding = max(0, store_jobs - len(sizes))
    for number in range(padding):
        fill_synthetic_job(store, f"other-{number + 1:03d}", 20, seed=number + 1,
                           created_at=time.time() - 86_400 * (number + 2))
    print(f"wrote {padding} more synthetic tuning jobs of 20 training jobs "
          f"({len(store.list_tuning_jobs())} in the store) in {time.perf_counter() - started:.1f} s", flush=True)
    store.dispose()


def time_scripts(sizes: list[int], pages: list[str], repeats: int) -> tuple[dict, dict]:
    """Median warm script time, and the cold (first) run's, of each page on each job, in seconds."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    warm, cold = {}, {}
    for count in sizes:
        for page in pages:
            st.cache_resource.clear()
            st.cache_data.clear()
            app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
            app.session_state["tuning_job"] = job_name(count)
            app.switch_page(f"views/{page}.py")
            started = time.perf_counter()
            app.run()  # cold: caches fill
            cold[count, page] = time.perf_counter() - started
            if app.exception:
                raise SystemExit(f"{page} raised: {app.exception[0].message}")
            runs = []
            for _ in range(repeats):
                started = time.perf_counter()
                app.run()
                runs.append(time.perf_counter() - started)
            warm[count, page] = statistics.median(runs)
    return warm, cold


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(script: Path, *, cwd: Path = ROOT, env: dict[str, str] | None = None,
           wait_seconds: float = 60) -> tuple[subprocess.Popen, str]:
    """``streamlit run script`` from ``cwd`` on a free port, once it answers its health check."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + wait_seconds
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return server, url
        except OSError:
            if time.time() > deadline:
                os.killpg(server.pid, 15)
                raise
            time.sleep(0.3)


def _load_time(page, address: str, repeats: int) -> float:  # noqa: ANN001 - a playwright Page
    """Median time from navigation until Streamlit is idle and every chart is drawn."""
    runs = []
    for attempt in range(repeats + 1):
        started = time.perf_counter()
        page.goto(address)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=300_000)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.js-plotly-plot')]"
            ".every(plot => plot.querySelector('.main-svg'))", timeout=300_000)
        if attempt:  # the first load warms the server's caches
            runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def time_browser(sizes: list[int], pages: list[str], repeats: int) -> tuple[dict, float]:
    """Each page on each job in chromium, and a one-line Streamlit app's time (start-up)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        blank = Path(folder) / "blank.py"
        blank.write_text(BLANK_APP)
        servers = [_serve(ROOT / "app.py"), _serve(blank)]
        try:
            times = {}
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
                page = browser.new_page(viewport={"width": 1280, "height": 720})
                startup = _load_time(page, servers[1][1], repeats)
                for count in sizes:
                    for name in pages:
                        address = f"{servers[0][1]}/{'' if name == 'home' else name}?job={job_name(count)}"
                        times[count, name] = _load_time(page, address, repeats)
                browser.close()
            return times, startup
        finally:
            for server, _ in servers:
                os.killpg(server.pid, 15)
                server.wait(timeout=30)


def report(title: str, times: dict[tuple[int, str], float], sizes: list[int], pages: list[str]) -> None:
    print(f"\n{title}")
    print(f"{'page':<10}" + "".join(f"{f'{count:,} jobs':>13}" for count in sizes) + f"{'ratio':>8}")
    for page in pages:
        cells = "".join(f"{times[count, page] * 1000:>10.0f} ms" for count in sizes)
        print(f"{page:<10}{cells}{times[sizes[-1], page] / times[sizes[0], page]:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--browser", action="store_true", help="also time the pages in chromium")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", default="20,1000", help="training jobs per timed tuning job (comma-separated)")
    parser.add_argument("--pages", default=",".join(PAGES), help="pages to time (comma-separated)")
    parser.add_argument("--store-jobs", type=int, default=STORE_JOBS, help="tuning jobs in the store in all")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    pages = [page for page in args.pages.split(",") if page]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown page(s) {sorted(unknown)}; pick from {', '.join(PAGES)}")
    with tempfile.TemporaryDirectory() as home:
        os.environ["TUNELAB_HOME"] = home
        sys.path.insert(0, str(ROOT))
        fill_store(sizes, args.store_jobs)
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
        warm, cold = time_scripts(sizes, pages, args.repeats)
        report(f"Page script time (server side, median of {args.repeats} warm runs; "
               f"{args.store_jobs} tuning jobs in the store)", warm, sizes, pages)
        report("Page script time, cold (first run, caches empty)", cold, sizes, pages)
        if args.browser:
            times, startup = time_browser(sizes, pages, args.repeats)
            report("Page time in chromium 1280x720 (navigation until idle and charts drawn)", times, sizes, pages)
            print(f"streamlit start-up (a one-line app in the same chromium): {startup * 1000:.0f} ms")
            report("Page time in chromium minus streamlit start-up", {key: max(1e-3, value - startup)
                   for key, value in times.items()}, sizes, pages)
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")


if __name__ == "__main__":
    main()
