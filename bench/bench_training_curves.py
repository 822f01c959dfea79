"""What recording the training channel's curve costs: one XGBoost training job on bank-marketing, 100 rounds.

Issue 18 (item 2): every training job of an algorithm with a resource scores the objective on
the training rows after each round, beside validation. This bench times ``fit`` on
bank-marketing (32,950 training rows, 8,238 validation rows) three ways, alternating, and
prints medians and ratios:

- ``before``: the checkout given by ``--before`` (default /work/main), which scores validation only;
- ``sample``: this checkout, the training channel scored on a fixed sample of 5,000 rows
  (:data:`tuning.algorithms.TRAINING_CURVE_ROWS`), as TuneLab runs;
- ``all rows``: this checkout with the sample as large as the training channel.

Run: ``PYTHONPATH=$PWD .venv/bin/python bench/bench_training_curves.py [--before PATH] [--repeats 7]
[--algorithm xgboost]``. A ratio, not a test: the machine's load moves the seconds, less the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
STATIC = {"xgboost": {"num_round": 100}, "mlp": {"epochs": 20}, "linear-learner": {"epochs": 20},
          "random-forest": {"n_estimators": 100}}


def _one_fit(algorithm: str, all_rows: bool) -> float:
    """Seconds of one ``fit`` in this process (whichever checkout is on the path)."""
    from tuning import TuningJobConfig, prepare
    from tuning.job.preparation import encode_channels

    if all_rows:
        import tuning.algorithms._base as base

        base.TRAINING_CURVE_ROWS = 10**9
    prepared = prepare(TuningJobConfig(dataset="bank-marketing", algorithm=algorithm,
                                       static_hyperparameters=STATIC[algorithm], max_jobs=1, random_seed=1,
                                       name="bench-curves"))
    data, _, _ = encode_channels(prepared)

    class Quiet:
        def report(self, step: int, value: float, train_value: float | None = None) -> bool:
            return False

    hyperparameters = prepared.algorithm.resolve(prepared.static)
    prepared.algorithm.fit(hyperparameters, data, prepared.metric, Quiet(), seed=1)  # warm: imports, caches
    started = time.perf_counter()
    prepared.algorithm.fit(hyperparameters, data, prepared.metric, Quiet(), seed=1)
    return time.perf_counter() - started


def _in_subprocess(checkout: Path, algorithm: str, all_rows: bool) -> float:
    command = [sys.executable, __file__, "--child", algorithm] + (["--all-rows"] if all_rows else [])
    done = subprocess.run(command, env={**os.environ, "PYTHONPATH": str(checkout)}, capture_output=True,
                          text=True, check=True, cwd=checkout)
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, default=Path("/work/main"))
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--algorithm", default="xgboost", choices=sorted(STATIC))
    parser.add_argument("--child")
    parser.add_argument("--all-rows", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps({"seconds": _one_fit(args.child, args.all_rows)}))
        return
    runs = {"before": (args.before, False), "sample": (HERE, False), "all rows": (HERE, True)}
    times: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(args.repeats):  # alternating, so a change in the machine's load hits all three alike
        for label, (checkout, all_rows) in runs.items():
            times[label].append(_in_subprocess(checkout, args.algorithm, all_rows))
    before = statistics.median(times["before"])
    print(f"{args.algorithm} on bank-marketing, {STATIC[args.algorithm]}, median of {args.repeats}:")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"  {label:>8}: {median:6.3f} s  ({median / before:4.2f}x before)")


if __name__ == "__main__":
    main()
