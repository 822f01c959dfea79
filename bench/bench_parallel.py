"""Parallel speed-up and a real-data run: what MaxParallelTrainingJobs buys on a laptop.

Usage::

    .venv/bin/python bench/bench_parallel.py [--jobs 16] [--skip-real-data]

1. *Speed-up*: the same Random XGBoost tuning job (the first 10,000 rows of
   bank-marketing, 150 rounds, single-threaded training jobs as always in TuneLab) run with
   MaxParallelTrainingJobs 1 and then 2, same seed, so the same hyperparameters. The
   speed-up is wall time at 1 over wall time at 2 (the issue's target: 1.8x or better on
   2 cores). Random keeps both runs identical job for job; the strategy's own time is not
   what is measured here.
2. *Real data*: a 20-job Bayesian XGBoost tuning job on the full bank-marketing data
   (41,188 rows), 2 in parallel, early stopping Off: its wall time and best validation
   AUC, against XGBoost with its default hyperparameters trained on the same split
   (TuneLab's catalogue defaults, which are XGBoost's, with the same num_round).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tuning import (  # noqa: E402
    ContinuousParameter,
    IntegerParameter,
    Store,
    TuningJobConfig,
    run_tuning_job,
)
from tuning.datasets import load_dataset  # noqa: E402

RANGES = {
    "eta": ContinuousParameter(0.05, 0.5, "Logarithmic"),
    "max_depth": IntegerParameter(2, 8),
    "min_child_weight": ContinuousParameter(1, 100, "Logarithmic"),
    "subsample": ContinuousParameter(0.5, 1.0),
}


def _store() -> Store:
    folder = Path(tempfile.mkdtemp(prefix="tunelab-bench-parallel-"))
    return Store(folder / "tunelab.db", artifact_dir=folder / "artifacts")


def speed_up(jobs: int) -> None:
    import dataclasses

    data = load_dataset("bank-marketing")
    dataset = dataclasses.replace(data, name="bank-10k", features=data.features.iloc[:10_000],
                                  target=data.target.iloc[:10_000])
    times = {}
    for parallel in (1, 2):
        store = _store()
        config = TuningJobConfig(dataset=dataset, algorithm="xgboost", objective_metric_name="validation:auc",
                                 hyperparameter_ranges=RANGES, static_hyperparameters={"num_round": 150},
                                 strategy="Random", max_jobs=jobs, max_parallel_jobs=parallel, random_seed=3,
                                 name=f"parallel-{parallel}")
        started = time.perf_counter()
        job = run_tuning_job(config, store)
        times[parallel] = time.perf_counter() - started
        training = sum(t.elapsed_seconds or 0 for t in store.training_jobs(job.name))
        print(f"MaxParallelTrainingJobs {parallel}: {times[parallel]:6.1f} s wall, {training:6.1f} s of training "
              f"in {jobs} jobs, best AUC {job.best_objective_value:.4f}", flush=True)
    print(f"speed-up 1 -> 2: {times[1] / times[2]:.2f}x on {os.cpu_count()} cores (target: 1.8x or better)")


def real_data() -> None:
    store = _store()
    base = TuningJobConfig(dataset="bank-marketing", algorithm="xgboost", objective_metric_name="validation:auc",
                           static_hyperparameters={"num_round": 100}, max_parallel_jobs=2, random_seed=1)
    started = time.perf_counter()
    tuned = run_tuning_job(base.replace(name="bank-tuned", strategy="Bayesian", max_jobs=20,
                                        hyperparameter_ranges=RANGES), store)
    wall = time.perf_counter() - started
    # XGBoost's defaults: one job whose only "range" is a single categorical value of a
    # hyperparameter left at its default, so nothing else differs from the tuned job.
    from tuning import CategoricalParameter

    default = run_tuning_job(base.replace(name="bank-defaults", strategy="Grid", max_jobs=1,
                                          hyperparameter_ranges={"eta": CategoricalParameter([0.3])}), store)
    print(f"\n20 Bayesian XGBoost jobs on bank-marketing (41,188 rows), 2 in parallel: {wall:.0f} s wall")
    print(f"  best validation AUC {tuned.best_objective_value:.4f} ({tuned.best_training_job})")
    print(f"  XGBoost's defaults (eta 0.3, max_depth 6, ...) on the same split: {default.best_objective_value:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=48)
    parser.add_argument("--skip-real-data", action="store_true")
    args = parser.parse_args()
    speed_up(args.jobs)
    if not args.skip_real_data:
        real_data()


if __name__ == "__main__":
    main()
