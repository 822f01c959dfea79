"""Does warm start pay? Real XGBoost tuning jobs, warm-started against cold, same seeds.

Usage::

    .venv/bin/python bench/bench_warm_start.py [--seeds 3] [--parent-jobs 20] [--child-jobs 16]

For each seed: a Random parent tuning job (XGBoost on california_housing, validation:rmse,
six tuned hyperparameters), then two Bayesian children with the same seed and budget:
one warm-started from the parent (IdenticalDataAndAlgorithm), one cold. Printed per seed
and on average: how many of the child's training jobs it takes to match the parent's
best (``-`` when it never does within its budget), and the child's own best.
The measure is the one AMT promises: a warm-started job reaches good values sooner.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tuning import (  # noqa: E402 - after the path set-up, so the bench runs from a checkout
    ContinuousParameter,
    IntegerParameter,
    Store,
    TuningJobConfig,
    WarmStartConfig,
    WarmStartTypes,
    run_tuning_job,
)

RANGES = {
    "eta": ContinuousParameter(0.01, 0.5, "Logarithmic"),
    "max_depth": IntegerParameter(1, 10),
    "min_child_weight": ContinuousParameter(1, 100, "Logarithmic"),
    "subsample": ContinuousParameter(0.5, 1.0),
    "colsample_bytree": ContinuousParameter(0.3, 1.0),
    "lambda": ContinuousParameter(0.01, 100, "Logarithmic"),
}


def jobs_to_reach(store: Store, name: str, target: float) -> int | None:
    """Training jobs (in launch order) until one matched ``target`` (rmse: at most it)."""
    for position, job in enumerate(store.training_jobs(name), start=1):
        if job.final_objective_value is not None and job.final_objective_value <= target:
            return position
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--parent-jobs", type=int, default=20)
    parser.add_argument("--child-jobs", type=int, default=16)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tunelab-bench-warm-"))
    store = Store(folder / "tunelab.db", artifact_dir=folder / "artifacts")
    base = TuningJobConfig(dataset="california_housing", algorithm="xgboost", objective_metric_name="validation:rmse",
                           hyperparameter_ranges=RANGES, static_hyperparameters={"num_round": 60},
                           max_parallel_jobs=2)
    rows = []
    started = time.perf_counter()
    for seed in range(args.seeds):
        parent = run_tuning_job(base.replace(name=f"parent-{seed}", strategy="Random", max_jobs=args.parent_jobs,
                                             random_seed=seed), store)
        target = parent.best_objective_value
        results = {}
        for kind in ("warm", "cold"):
            warm = WarmStartConfig(WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM, [parent.name]) if kind == "warm" else None
            child = run_tuning_job(base.replace(name=f"{kind}-{seed}", strategy="Bayesian", max_jobs=args.child_jobs,
                                                random_seed=seed, warm_start_config=warm), store)
            results[kind] = (jobs_to_reach(store, child.name, target), child.best_objective_value)
        rows.append((seed, target, results))
        print(f"seed {seed}: parent best rmse {target:.4f} | jobs to match it: warm {results['warm'][0] or '-'}, "
              f"cold {results['cold'][0] or '-'} | child best: warm {results['warm'][1]:.4f}, "
              f"cold {results['cold'][1]:.4f}", flush=True)

    def reach(kind: str) -> list[int]:
        # A child that never matched counts as budget + 1, so the mean is a lower bound.
        return [r[2][kind][0] or args.child_jobs + 1 for r in rows]

    print()
    print(f"{'':<6}{'mean jobs to match parent best':>34}{'matched':>10}{'mean child best rmse':>24}")
    for kind in ("warm", "cold"):
        matched = sum(r[2][kind][0] is not None for r in rows)
        print(f"{kind:<6}{statistics.mean(reach(kind)):>34.1f}{f'{matched}/{len(rows)}':>10}"
              f"{statistics.mean(r[2][kind][1] for r in rows):>24.4f}")
    print(f"\n{args.seeds} seeds, {args.parent_jobs} parent + 2 x {args.child_jobs} child jobs each, "
          f"{time.perf_counter() - started:.0f} s in all (store: {folder})")


if __name__ == "__main__":
    main()
