"""What TuneLab itself costs: strategy time per suggestion, and runner time per training job.

Usage::

    .venv/bin/python bench/bench_overhead.py [--jobs 500] [--skip-runner]

1. *Strategy overhead*: seconds for ``suggest(4)`` after 100 and after 1,000 observations,
   for TuneLab's Bayesian and Random strategies, beside Optuna's own TPESampler (its
   defaults) and RandomSampler asked through ``study.ask`` on the same five ranges: the
   peer in the same run.
2. *Runner overhead*: ``--jobs`` training jobs of k-NN on iris (a few milliseconds each),
   one worker, through ``run_tuning_job`` (a real SQLite store file, a worker process, the
   best model saved), against a plain Python loop calling the same training function
   (:func:`tuning.worker.run_training_job`) on the same hyperparameters in one process.
   The ratio is what the store, the process boundary and the bookkeeping add.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import optuna  # noqa: E402

from tuning import (  # noqa: E402
    CategoricalParameter,
    ContinuousParameter,
    IntegerParameter,
    Store,
    TuningJobConfig,
    run_tuning_job,
)
from tuning.strategies import create_strategy  # noqa: E402

RANGES = {
    "eta": ContinuousParameter(0.01, 0.5, "Logarithmic"),
    "max_depth": IntegerParameter(1, 10),
    "subsample": ContinuousParameter(0.5, 1.0),
    "alpha": ContinuousParameter(1e-3, 100, "Logarithmic"),
    "booster": CategoricalParameter(["gbtree", "dart"]),
}


def _objective(point: dict) -> float:
    return -((np.log(point["eta"]) + 3) ** 2) - (point["max_depth"] - 6) ** 2 / 10 - point["subsample"]


def tunelab_suggest_times(strategy_name: str, checkpoints: list[int], repeats: int = 5) -> dict[int, float]:
    strategy = create_strategy(strategy_name, RANGES, objective_type="Maximize", random_seed=1)
    times, seen = {}, 0
    for checkpoint in checkpoints:
        while seen < checkpoint:
            for point in strategy.suggest(4):
                strategy.observe(point, _objective(point))
                seen += 1
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            batch = strategy.suggest(4)
            samples.append(time.perf_counter() - started)
            for point in batch:
                strategy.observe(point, _objective(point))
                seen += 1
        times[checkpoint] = statistics.median(samples)
    return times


def optuna_suggest_times(sampler: optuna.samplers.BaseSampler, checkpoints: list[int], repeats: int = 5) -> dict[int, float]:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=sampler)
    distributions = {
        "eta": optuna.distributions.FloatDistribution(0.01, 0.5, log=True),
        "max_depth": optuna.distributions.IntDistribution(1, 10),
        "subsample": optuna.distributions.FloatDistribution(0.5, 1.0),
        "alpha": optuna.distributions.FloatDistribution(1e-3, 100, log=True),
        "booster": optuna.distributions.CategoricalDistribution(["gbtree", "dart"]),
    }

    def ask_four() -> list:
        return [study.ask(distributions) for _ in range(4)]

    times, seen = {}, 0
    for checkpoint in checkpoints:
        while seen < checkpoint:
            for trial in ask_four():
                study.tell(trial, _objective(trial.params))
                seen += 1
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            batch = ask_four()
            samples.append(time.perf_counter() - started)
            for trial in batch:
                study.tell(trial, _objective(trial.params))
                seen += 1
        times[checkpoint] = statistics.median(samples)
    return times


def strategy_overhead() -> None:
    checkpoints = [100, 1000]
    rows = {
        "TuneLab Bayesian": tunelab_suggest_times("Bayesian", checkpoints),
        "Optuna TPESampler (defaults)": optuna_suggest_times(optuna.samplers.TPESampler(seed=1), checkpoints),
        "TuneLab Random": tunelab_suggest_times("Random", checkpoints),
        "Optuna RandomSampler": optuna_suggest_times(optuna.samplers.RandomSampler(seed=1), checkpoints),
    }
    print("suggest(4), median of 5, seconds")
    print(f"{'':<32}" + "".join(f"{f'after {c:,}':>14}" for c in checkpoints))
    for name, times in rows.items():
        print(f"{name:<32}" + "".join(f"{times[c]:>14.4f}" for c in checkpoints))


def runner_overhead(jobs: int) -> None:
    from tuning import prepare
    from tuning.runner import _encode
    from tuning.worker import initialize, run_training_job

    folder = Path(tempfile.mkdtemp(prefix="tunelab-bench-overhead-"))
    store = Store(folder / "tunelab.db", artifact_dir=folder / "artifacts")
    config = TuningJobConfig(dataset="iris", algorithm="knn", strategy="Random", max_jobs=jobs,
                             max_parallel_jobs=1, random_seed=1, name="overhead")
    started = time.perf_counter()
    job = run_tuning_job(config, store)
    tunelab = time.perf_counter() - started
    points = [t.hyperparameters for t in store.training_jobs(job.name)]

    prepared = prepare(config.replace(name="plain"))
    data, _, _ = _encode(prepared)
    initialize(data, prepared.algorithm.name, prepared.metric.name, None, os.getpid())
    static = prepared.algorithm.resolve(prepared.static)
    started = time.perf_counter()
    for index, point in enumerate(points):
        run_training_job(index, {**static, **point}, index, False)
    plain = time.perf_counter() - started
    print(f"\n{jobs} k-NN training jobs on iris, one worker")
    print(f"  plain Python loop            {plain:8.2f} s  ({plain / jobs * 1000:.1f} ms a job)")
    print(f"  TuneLab run_tuning_job       {tunelab:8.2f} s  ({tunelab / jobs * 1000:.1f} ms a job)")
    print(f"  ratio                        {tunelab / plain:8.2f}x  (target: at most 1.10x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--skip-runner", action="store_true")
    args = parser.parse_args()
    strategy_overhead()
    if not args.skip_runner:
        runner_overhead(args.jobs)


if __name__ == "__main__":
    main()
