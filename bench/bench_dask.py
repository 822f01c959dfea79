"""The same tuning job on this machine's process pool and on a Dask LocalCluster.

Usage::

    .venv/bin/python bench/bench_dask.py [--jobs 16] [--repeats 3]

Two workloads, each a Random tuning job with MaxParallelTrainingJobs 2, same seed (so
the same hyperparameters on both pools):

- *short*: k-NN on iris, training jobs of a few milliseconds: what each pool costs per
  training job (submission, result, bookkeeping);
- *xgboost*: XGBoost on breast_cancer, 200 rounds, where training dominates.

The cluster is a ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``
started once (its start-up is reported apart). Each pool first runs one warm-up job, so
the workers have imported scikit-learn and XGBoost; the figures are the median wall time
of ``--repeats`` runs of ``run_tuning_job``, set-up included (board, pool, data sent).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tuning import ContinuousParameter, IntegerParameter, Store, TuningJobConfig, run_tuning_job  # noqa: E402

WORKLOADS = {
    "short": dict(dataset="iris", algorithm="knn", objective_metric_name="validation:accuracy",
                  hyperparameter_ranges={"k": IntegerParameter(1, 30)}),
    "xgboost": dict(dataset="breast_cancer", algorithm="xgboost", objective_metric_name="validation:auc",
                    hyperparameter_ranges={"eta": ContinuousParameter(0.05, 0.5, "Logarithmic"),
                                           "max_depth": IntegerParameter(2, 8)},
                    static_hyperparameters={"num_round": 200}),
}


def _time(config: TuningJobConfig, store: Store, scheduler: str | None) -> float:
    started = time.perf_counter()
    job = run_tuning_job(config, store, scheduler=scheduler)
    elapsed = time.perf_counter() - started
    completed = len(store.training_jobs(job.name, status="Completed"))
    if completed != config.max_jobs:
        raise SystemExit(f"{job.name}: only {completed} of {config.max_jobs} training jobs completed")
    return elapsed


def main() -> None:
    from distributed import LocalCluster

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tunelab-bench-dask-"))
    store = Store(folder / "tunelab.db", artifact_dir=folder / "artifacts")

    started = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        print(f"LocalCluster(2 workers) start-up: {time.perf_counter() - started:.2f} s")
        pools = {"local process pool": None, "Dask LocalCluster": cluster.scheduler_address}
        print(f"{'workload':<9} {'pool':<19} {'jobs':>4} {'median s':>9} {'ms/job':>7}  runs")
        for workload, values in WORKLOADS.items():
            config = TuningJobConfig(**values, strategy="Random", max_jobs=args.jobs, max_parallel_jobs=2,
                                     random_seed=1)
            for label, scheduler in pools.items():
                _time(config.replace(max_jobs=2), store, scheduler)  # warm-up: imports in the workers
                runs = [_time(config, store, scheduler) for _ in range(args.repeats)]
                median = statistics.median(runs)
                print(f"{workload:<9} {label:<19} {args.jobs:>4} {median:>9.2f} {1000 * median / args.jobs:>7.0f}  "
                      + " ".join(f"{run:.2f}" for run in runs), flush=True)


if __name__ == "__main__":
    main()
