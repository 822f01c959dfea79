"""Fair share measured: several students' real tuning jobs on one server-wide limit of training slots.

Usage::

    .venv/bin/python bench/bench_fair_share.py [--students 6] [--parallel 3] [--jobs 6] [--limit 2]

Class mode is switched on in a fresh, temporary ``$TUNELAB_HOME`` with
``max_running_training_jobs=--limit``; each student launches one Random XGBoost tuning job on
breast_cancer (60 rounds, ``--parallel`` parallel, ``--jobs`` training jobs) in a thread of this
process, as the dashboard does, one after the other. Reported: per student, their training jobs'
summed training time and when their first started and last ended; the most training jobs that
ran at once (from the recorded times) and the gate's grants per student. One run: the figures
move with whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if TYPE_CHECKING:
    from tuning.records import TrainingJob


def most_at_once(training_jobs: Sequence[TrainingJob]) -> int:
    """The most training jobs that ran at the same moment, from their recorded start and end times.

    An end at the very moment of another's start counts first (the slot went from one to the other).
    """
    edges = [(job.start_time, 1) for job in training_jobs] + [(job.end_time, -1) for job in training_jobs]
    now = most = 0
    for _, step in sorted(edges):
        now += step
        most = max(most, now)
    return most


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--parallel", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--limit", type=int, default=2)
    args = parser.parse_args()
    os.environ["TUNELAB_HOME"] = tempfile.mkdtemp(prefix="tunelab-fair-share-")

    from tuning import ContinuousParameter, TuningJobConfig, launch_tuning_job
    from tuning.classroom import ClassSettings, Workspace, WorkspaceStore, save_class_settings
    from tuning.running.fair_share import LOCAL_POOL_KEY, gate_for
    from tuning.store.database import Store

    save_class_settings(ClassSettings(enabled=True, max_running_training_jobs=args.limit))
    store = Store()
    students = [Workspace.student(f"student {n + 1}") for n in range(args.students)]
    start = time.time()
    handles = [launch_tuning_job(TuningJobConfig(
        dataset="breast_cancer", name=f"student-{n + 1}", hyperparameter_ranges={"eta": ContinuousParameter(0.05, 0.5)},
        static_hyperparameters={"num_round": 60}, strategy="Random", max_jobs=args.jobs,
        max_parallel_jobs=args.parallel, random_seed=1), WorkspaceStore(store, student))
        for n, student in enumerate(students)]
    jobs = [handle.wait(timeout=3600) for handle in handles]
    wall = time.time() - start
    print(f"{args.students} students x {args.jobs} training jobs ({args.parallel} parallel each), "
          f"limit {args.limit}: {wall:.1f} s, statuses {sorted({job.status for job in jobs})}")
    print("| student | training jobs | training time, s | first start, s | last end, s |")
    print("|---|---|---|---|---|")
    every = []
    for student, handle in zip(students, handles):
        training = store.training_jobs(handle.name)
        every += training
        busy = sum(job.end_time - job.start_time for job in training)
        print(f"| {student} | {len(training)} | {busy:.1f} | {min(j.start_time for j in training) - start:.1f} "
              f"| {max(j.end_time for j in training) - start:.1f} |")
    most = most_at_once(every)
    grants = gate_for(LOCAL_POOL_KEY).granted_per_workspace
    print(f"most at once: {most}; grants per student: {sorted(grants.values())}")


if __name__ == "__main__":
    main()
