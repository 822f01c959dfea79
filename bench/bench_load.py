"""Concurrency and load: eight CLI tuning jobs of 200 training jobs at once, on one SQLite store.

Usage::

    .venv/bin/python bench/bench_load.py [--tuning-jobs 8] [--training-jobs 200] [--skip-peer]

The load (issue 6): ``--tuning-jobs`` processes of ``python -m tuning run`` start at once,
each a Random search of Linear Learner on breast_cancer with ``epochs=3`` (about 6 ms a
training job, so the store and the runners are what is loaded), MaxParallelTrainingJobs
1 and 2 in turn, all writing one SQLite file. Meanwhile this process, with its own
:class:`~tuning.store.database.Store` on the file, polls every 20 ms for finished training jobs
(the latency *finish -> visible* is when it first sees a job minus the job's
``end_time``) and times the reads a dashboard page makes (list_tuning_jobs, then
get_tuning_job and training_jobs of one job).

Printed: total wall time, training jobs per second, the finish -> visible and store-read
percentiles, and any "database is locked" or other failure. The peer in the same run
is the same number of training jobs as *one* tuning job in one CLI process with
MaxParallelTrainingJobs 2 (the machine's two cores): the ratio says what splitting the
work into eight runners on one store costs or gains.

Measured on 2 cores shared with other work (load average 14-18)::

    8 tuning jobs at once: 1,600 training jobs in 170.6 s = 9.4 jobs/s
      start-up (launch -> first training job starts) 102.0 s; first start -> last end 52.0 s
      finish -> visible to another process: p50 99 ms, p95 363 ms, max 1997 ms
      a page's store reads (list + get + training_jobs): p50 2 ms, p95 128 ms, max 670 ms
      problems: none
    peer: one tuning job of 1,600, MaxParallelTrainingJobs 2: 35.5 s = 45.1 jobs/s
      start-up 19.2 s; first start -> last end 13.2 s
    ratio: wall 4.81x, first start -> last end 3.95x

Each CLI run costs about 4 s of CPU before its first training job (imports, the data,
the worker forkserver's preload), so eight at once on two busy cores spend most of the
wall time starting; no writer ever waited long enough to fail.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tuning.store.database import Store, _training_jobs  # noqa: E402

POLL_SECONDS = 0.02
LOCK_MARKERS = ("database is locked", "OperationalError")


def config(name: str, jobs: int, parallel: int, seed: int) -> dict:
    return {"TuningJobName": name, "Dataset": "breast_cancer", "Algorithm": "linear-learner",
            "Strategy": "Random", "StaticHyperparameters": {"epochs": 3},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": jobs, "MaxParallelTrainingJobs": parallel},
            "EarlyStoppingType": "Off", "RandomSeed": seed}


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    values = sorted(values)
    q = statistics.quantiles(values, n=20)
    return f"p50 {statistics.median(values) * 1000:.0f} ms, p95 {q[-1] * 1000:.0f} ms, max {values[-1] * 1000:.0f} ms"


def run_load(folder: Path, configs: list[dict]) -> dict:
    """Start one CLI process per config at once; poll the store until all have exited."""
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'tunelab.db'}"
    store = Store(url, artifact_dir=folder / "artifacts")
    env = {**os.environ, "TUNELAB_HOME": str(folder)}
    processes = []
    launched = time.time()
    started = time.perf_counter()
    for item in configs:
        path = folder / f"{item['TuningJobName']}.json"
        path.write_text(json.dumps(item), encoding="utf-8")
        log = open(folder / f"{item['TuningJobName']}.log", "wb")  # noqa: SIM115 - closed below
        processes.append((item["TuningJobName"], log, subprocess.Popen(
            [sys.executable, "-m", "tuning", "--store", url, "run", str(path), "--quiet"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)))
    finished = sa.select(_training_jobs.c.tuning_job_name, _training_jobs.c.index, _training_jobs.c.end_time).where(
        _training_jobs.c.end_time.is_not(None))
    seen: dict[tuple[str, int], float] = {}
    reads = []
    while any(process.poll() is None for _, _, process in processes):
        with store.engine.connect() as connection:
            rows = connection.execute(finished).all()
        now = time.time()
        for name, index, end_time in rows:
            seen.setdefault((name, index), now - end_time)
        read_started = time.perf_counter()
        jobs = store.list_tuning_jobs()
        if jobs:
            store.get_tuning_job(jobs[0].name)
            store.training_jobs(jobs[0].name, with_curves=False)
            reads.append(time.perf_counter() - read_started)
        time.sleep(POLL_SECONDS)
    wall = time.perf_counter() - started
    with store.engine.connect() as connection:
        first_start, last_end = connection.execute(
            sa.select(sa.func.min(_training_jobs.c.start_time), sa.func.max(_training_jobs.c.end_time))).one()
    problems = []
    for name, log, process in processes:
        log.close()
        text = (folder / f"{name}.log").read_text(errors="replace")
        if process.returncode != 0:
            problems.append(f"{name} exited with {process.returncode}")
        problems += [f"{name}: {marker!r} in its output" for marker in LOCK_MARKERS if marker in text]
    jobs = store.list_tuning_jobs()
    total = sum(sum(job.status_counters.values()) for job in jobs)
    problems += [f"{job.name} is {job.status}: {job.failure_reason}" for job in jobs if job.status != "Completed"]
    store.dispose()
    return dict(wall=wall, startup=(first_start or launched) - launched,
                jobs_phase=(last_end or launched) - (first_start or launched), total=total, visible=list(seen.values()), reads=reads, problems=problems,
                expected=sum(item["ResourceLimits"]["MaxNumberOfTrainingJobs"] for item in configs))


def report(label: str, result: dict) -> None:
    print(f"{label}: {result['total']:,} of {result['expected']:,} training jobs in {result['wall']:.1f} s "
          f"= {result['total'] / result['wall']:.1f} jobs/s  [load {os.getloadavg()[0]:.2f}]")
    print(f"  start-up (launch -> first training job starts) {result['startup']:.1f} s; first start -> "
          f"last end {result['jobs_phase']:.1f} s")
    print(f"  finish -> visible to another process (polled every {POLL_SECONDS * 1000:g} ms): "
          f"{percentiles(result['visible'])}")
    print(f"  a page's store reads (list + get + training_jobs), {len(result['reads'])} times: "
          f"{percentiles(result['reads'])}")
    print("  problems: " + ("; ".join(result["problems"]) if result["problems"] else "none"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tuning-jobs", type=int, default=8)
    parser.add_argument("--training-jobs", type=int, default=200)
    parser.add_argument("--skip-peer", action="store_true", help="no single-tuning-job run to compare with")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tunelab-bench-load-"))
    print(f"{args.tuning_jobs} x {args.training_jobs} Linear Learner training jobs (epochs=3) on breast_cancer, "
          f"{os.cpu_count()} cores; stores in {folder}")
    load = run_load(folder / "load", [config(f"load-{i}", args.training_jobs, 1 + i % 2, i)
                                      for i in range(args.tuning_jobs)])
    report(f"{args.tuning_jobs} tuning jobs at once", load)
    if args.skip_peer:
        return
    total = args.tuning_jobs * args.training_jobs
    peer = run_load(folder / "peer", [config("one", total, 2, 0)])
    report(f"peer: one tuning job of {total:,}, MaxParallelTrainingJobs 2", peer)
    print(f"ratio, {args.tuning_jobs} concurrent tuning jobs / the one: wall {load['wall'] / peer['wall']:.2f}x, "
          f"first start -> last end {load['jobs_phase'] / peer['jobs_phase']:.2f}x")


if __name__ == "__main__":
    main()
