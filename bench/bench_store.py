"""How long the store takes to record training jobs: SQLite against PostgreSQL.

Usage::

    .venv/bin/python bench/bench_store.py [--jobs 500] [--repeats 3] [--postgres-url URL]

Each run records ``--jobs`` training jobs the way the runner does (the first one added as
it starts; then, for each job, one :meth:`~tuning.store.database.Store.finish_training_job` that
writes its end and inserts the next job, which took its worker), then reads the tuning
job and its training jobs back once. It runs on:

- a SQLite file in a temp folder (WAL, ``synchronous=NORMAL``: commits do not wait for
  the disk, a checkpoint does);
- a PostgreSQL server started for the run from Debian's binaries in a temp folder, on
  loopback, with PostgreSQL's default durability (every commit waits for the disk);
- the same kind of server with the test suite's settings (``fsync``,
  ``synchronous_commit`` and ``full_page_writes`` off), closest to SQLite's NORMAL;
- and ``--postgres-url``, if given, a server of your own (the benchmark's tuning jobs
  are left behind there, named ``bench-...``).

The medians over ``--repeats`` runs are printed, in seconds and milliseconds per job,
with the time each server took to start (initdb and ``pg_ctl start``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.postgres_server import PostgresServer, find_postgres_bindir  # noqa: E402
from tuning.records import TrainingJob, TuningJob  # noqa: E402
from tuning.store.database import Store  # noqa: E402


def _tuning_job(name: str, jobs: int) -> TuningJob:
    return TuningJob(
        name=name, status="InProgress", strategy="Random", algorithm="linear-learner", dataset="breast_cancer",
        objective_metric_name="validation:binary_f_beta", objective_type="Maximize", max_jobs=jobs,
        max_parallel_jobs=1, config={"Strategy": "Random"}, created_at=time.time(),
    )


def _started(name: str, index: int) -> TrainingJob:
    now = time.time()
    return TrainingJob(
        tuning_job_name=name, index=index, name=f"{name}-{index + 1:03d}", status="InProgress",
        hyperparameters={"learning_rate": 0.01 * (index % 7 + 1), "l1": 1e-4, "wd": 1e-3, "epochs": 3},
        created_at=now, start_time=now,
    )


def record_jobs(store: Store, name: str, jobs: int) -> tuple[float, float]:
    """Seconds to record ``jobs`` training jobs as the runner does, then to read them back."""
    store.create_tuning_job(_tuning_job(name, jobs))
    started = time.perf_counter()
    store.add_training_job(_started(name, 0))
    for index in range(jobs):
        following = [_started(name, index + 1)] if index + 1 < jobs else []
        store.finish_training_job(name, index, started=following, status="Completed", end_time=time.time(),
                                  final_objective_value=0.9 + index * 1e-5,
                                  intermediate_values=[(1, 0.8), (2, 0.85), (3, 0.9)])
    recorded = time.perf_counter() - started
    started = time.perf_counter()
    job = store.get_tuning_job(name)
    read = store.training_jobs(name)
    read_back = time.perf_counter() - started
    assert job.status_counters == {"Completed": jobs} and len(read) == jobs
    return recorded, read_back


def measure(label: str, open_store: Callable[[int], Store], jobs: int, repeats: int) -> None:
    runs = []
    for repeat in range(repeats):
        store = open_store(repeat)
        runs.append(record_jobs(store, f"bench-{time.strftime('%H%M%S')}-{repeat}", jobs))
        store.dispose()
    recorded = statistics.median(run[0] for run in runs)
    read_back = statistics.median(run[1] for run in runs)
    print(f"{label:<44} {recorded:7.2f} s  {1000 * recorded / jobs:6.2f} ms/job   read back {read_back:5.3f} s")


def _on_server(durable: bool) -> tuple[PostgresServer, float]:
    bindir = find_postgres_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL binaries: apt-get install postgresql (or set TUNELAB_POSTGRES_BIN)")
    server = PostgresServer(bindir, durable=durable)
    started = time.perf_counter()
    server.start()
    return server, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres-url", help="also a PostgreSQL server of your own (SQLAlchemy URL)")
    args = parser.parse_args()
    print(f"Recording {args.jobs} training jobs (finish_training_job, one commit a job), median of {args.repeats}:")

    with tempfile.TemporaryDirectory() as folder:
        measure("SQLite file (WAL, synchronous=NORMAL)", lambda repeat: Store(Path(folder) / f"s{repeat}.db"),
                args.jobs, args.repeats)

    for durable, label in ((True, "PostgreSQL, default durability"), (False, "PostgreSQL, fsync off (test settings)")):
        server, start_seconds = _on_server(durable)
        try:
            def open_store(repeat: int, server: PostgresServer = server) -> Store:
                name = f"bench_{repeat}"
                server.execute(f'CREATE DATABASE "{name}"')
                return Store(server.url(name))

            measure(label, open_store, args.jobs, args.repeats)
            print(f"{'':<44} (server started in {start_seconds:.2f} s: initdb + pg_ctl start)")
        finally:
            server.stop()

    if args.postgres_url:
        measure("PostgreSQL at --postgres-url", lambda repeat: Store(args.postgres_url), args.jobs, args.repeats)


if __name__ == "__main__":
    main()
