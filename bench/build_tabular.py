"""Build the multi-fidelity table once (issue 19, item 3): real TuneLab training curves.

Usage::

    .venv/bin/python bench/build_tabular.py                       # both tables, the shipped sizes
    .venv/bin/python bench/build_tabular.py --tables xgboost --configs 50   # a quick look

Each table is one algorithm on one bundled dataset: ``--configs`` configurations sampled
uniformly (seeded) in the scaled space of the algorithm's own default ranges
(``Algorithm.default_ranges()``, what a new tuning job starts from), each trained to the
full resource by the algorithm's own ``fit`` on the arrays a tuning job's workers see
(:func:`tuning.job.preparation.prepare` then ``encode_channels``: same split, same
encoder). The reporter records, after every resource step, the validation objective and
the seconds that step took. Nothing is stopped early: the table holds whole curves, and a
replay (:mod:`tabular_replay`) stops them where the runner's pruners say.

Why a table: Hyperband-type methods can then be compared over many repetitions in
simulated time (``bench/bench_multifidelity.py``) without training anything again.

Output: ``bench/data/tabular-<algorithm>-<dataset>.json.gz`` (``--output-dir``).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

TABLES: dict[str, dict[str, Any]] = {
    "xgboost": {"algorithm": "xgboost", "dataset": "breast_cancer", "resource": 100, "configs": 800},
    "mlp": {"algorithm": "mlp", "dataset": "breast_cancer", "resource": 50, "configs": 400},
    "random-forest": {"algorithm": "random-forest", "dataset": "breast_cancer", "resource": 50, "configs": 400},
    "xgboost-bank": {"algorithm": "xgboost", "dataset": "bank-marketing", "resource": 100, "configs": 300},
}
"""The shipped tables: what each trains, to how many resource units, for how many configurations."""
METRIC = "validation:auc"
SEED = 19


class RecordingReporter:
    """A :class:`~tuning.algorithms.Reporter` that keeps every (step, value) and the seconds between reports."""

    def __init__(self) -> None:
        self.steps: list[int] = []
        self.values: list[float] = []
        self.seconds: list[float] = []
        self._last = time.perf_counter()

    def report(self, step: int, value: float, train_value: float | None = None) -> bool:
        now = time.perf_counter()
        self.steps.append(int(step))
        self.values.append(float(value))
        self.seconds.append(now - self._last)
        self._last = now
        return False


def sample_configurations(ranges: dict[str, Any], count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` configurations, uniform in each range's scaled space (its ``from_unit``)."""
    rng = np.random.default_rng(seed)
    units = rng.random((count, len(ranges)))
    return [{name: parameter.from_unit(float(u)) for (name, parameter), u in zip(ranges.items(), row)}
            for row in units]


def build_table(key: str, configs: int | None = None) -> dict[str, Any]:
    """Train every sampled configuration of table ``key`` to the full resource; the table as a dict."""
    from tuning import TuningJobConfig
    from tuning.job.preparation import encode_channels, prepare
    from tuning.metrics import get_metric

    spec = dict(TABLES[key])
    count = configs or spec["configs"]
    config = TuningJobConfig(dataset=spec["dataset"], algorithm=spec["algorithm"], objective_metric_name=METRIC,
                             strategy="Random", max_jobs=1, random_seed=SEED,
                             static_hyperparameters={})
    prepared = prepare(config)
    data, _, _ = encode_channels(prepared)
    algorithm = prepared.algorithm
    metric = get_metric(METRIC)
    ranges = algorithm.default_ranges()
    rows = []
    started = time.perf_counter()
    for index, values in enumerate(sample_configurations(ranges, count, SEED)):
        hyperparameters = algorithm.resolve({**values, algorithm.resource: spec["resource"]})
        reporter = RecordingReporter()
        algorithm.fit(hyperparameters, data, metric.bound(hyperparameters), reporter, seed=index)
        rows.append({"hyperparameters": values, "steps": reporter.steps,
                     "values": [round(v, 6) for v in reporter.values],
                     "seconds": [round(s, 6) for s in reporter.seconds]})
        if (index + 1) % 50 == 0:
            print(f"  {key}: {index + 1}/{count} in {time.perf_counter() - started:.0f} s", flush=True)
    return {
        "algorithm": spec["algorithm"], "dataset": spec["dataset"], "metric": METRIC,
        "higher_is_better": metric.higher_is_better, "resource": algorithm.resource,
        "max_resource": spec["resource"], "seed": SEED,
        "ranges": {name: parameter.to_dict() for name, parameter in ranges.items()},
        "validation_rows": int(len(data.y_validation)), "train_rows": int(len(data.y_train)),
        "build_seconds": round(time.perf_counter() - started, 1),
        "built": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": shlex.join(["python", *sys.argv]),
        "configurations": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="+", choices=sorted(TABLES), default=list(TABLES))
    parser.add_argument("--configs", type=int, default=None, help="configurations per table (default: the table's)")
    parser.add_argument("--output-dir", type=Path, default=HERE / "data")
    args = parser.parse_args()
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for key in args.tables:
        table = build_table(key, args.configs)
        path = args.output_dir / f"tabular-{table['algorithm']}-{table['dataset']}.json.gz"
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            json.dump(table, handle, separators=(",", ":"))
        print(f"{path}: {len(table['configurations'])} configurations, {table['build_seconds']} s, "
              f"{path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
