"""A benchmark-only algorithm that replays tabulated training curves through the real runner.

Why: Hyperband, early stopping Auto and the runner's board and pruners are compared on
many repetitions without training anything (issue 19, item 3). The algorithm is
registered from outside with :func:`tuning.algorithms.register_algorithm`; TuneLab's
runtime is unchanged. It subclasses the tabulated algorithm's own class, so it has the
same hyperparameters, default ranges and training resource; only ``fit`` and ``output``
differ:

- ``fit`` snaps the drawn configuration to the nearest tabulated one (Euclidean distance
  in the unit cube of the table's ranges, each range's own ``to_unit``), then reports that
  configuration's curve step by step up to the job's resource (Hyperband sets it per
  bracket), sleeping each step's tabulated seconds times ``time_scale``, and stops when
  the reporter says so, as a real training job does;
- ``output`` returns class scores built so that the job's final objective (which the worker
  computes from the model's output on the validation channel) is the curve's last value:
  AUC only, which is what the tables hold.

Worker processes are forked from a forkserver that imports only the worker module, so a
registration in the benchmark's process would not reach them: :func:`preload_in_workers`
adds this module to the forkserver's preload (and restarts a forkserver already running,
through multiprocessing's private ``_stop``: bench and test only). The module registers
its algorithms on import, from the tables named in ``TABULAR_REPLAY_TABLES`` (paths,
``os.pathsep``-separated), which the workers inherit from the environment.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from tuning.algorithms import FittedModel, get_algorithm, list_algorithms, register_algorithm  # noqa: E402
from tuning.parameters import parameter_from_dict  # noqa: E402

ENVIRONMENT = "TABULAR_REPLAY_TABLES"
MODULE = "tabular_replay"


def load_table(path: str | Path) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def replay_name(table: Mapping[str, Any]) -> str:
    return f"tabular-{table['algorithm']}-{table['dataset']}".replace("_", "-")


class ReplayedScores:
    """The replay's "model": the last value reported, scored back from scores built for it."""

    def __init__(self, value: float, y_validation: np.ndarray) -> None:
        self.value, self.y_validation = float(value), np.asarray(y_validation)

    def scores(self, rows: int) -> np.ndarray:
        """Positive-class scores on the validation rows whose AUC is ``value`` (to 1/(P*N)).

        Positives get ranks 1..P; of the N negatives, D = (1-AUC)*P*N discordant pairs are
        placed by putting negatives above all P positives, one above the remainder, the rest below.
        """
        y = self.y_validation
        if rows != len(y):
            return np.full(rows, 0.5)
        positives, negatives = np.flatnonzero(y == 1), np.flatnonzero(y != 1)
        p, n = len(positives), len(negatives)
        score = np.zeros(len(y))
        score[positives] = np.arange(1, p + 1)
        discordant = int(round((1.0 - self.value) * p * n))
        above = np.zeros(n)
        full, rest = divmod(discordant, p) if p else (0, 0)
        above[:full] = p
        if full < n:
            above[full] = rest
        score[negatives] = above + 0.5 - 1.0 * (above == 0)
        return (score - score.min()) / (score.max() - score.min() or 1.0)


def replay_class(table: Mapping[str, Any], time_scale: float) -> type:
    """The replay algorithm's class for ``table``: the tabulated algorithm's class, ``fit`` replaced."""
    source = get_algorithm(table["algorithm"])
    ranges = {name: parameter_from_dict(name, value) for name, value in table["ranges"].items()}
    rows = table["configurations"]
    cube = np.array([[ranges[name].to_unit(row["hyperparameters"][name]) for name in ranges] for row in rows])

    class TabularReplay(type(source)):  # type: ignore[misc]
        name = replay_name(table)
        title = f"Tabular {source.title} ({table['dataset']})"
        summary = f"Replays {len(rows)} tabulated {source.title} curves on {table['dataset']} (benchmark only)."
        aws_image = None
        aws_image_aliases = ()
        sdk_image = (name, "1")

        def default_ranges(self) -> dict[str, Any]:
            return dict(ranges)

        def nearest(self, hyperparameters: Mapping[str, Any]) -> int:
            point = np.array([ranges[name].to_unit(hyperparameters[name]) for name in ranges])
            return int(np.argmin(((cube - point) ** 2).sum(axis=1)))

        def fit(self, hyperparameters: Mapping[str, Any], data: Any, metric: Any, reporter: Any, *,
                seed: int) -> FittedModel:
            row = rows[self.nearest(hyperparameters)]
            budget = int(hyperparameters[self.resource])
            value = row["values"][0]
            for step, value, seconds in zip(row["steps"], row["values"], row["seconds"]):
                if step > budget:
                    break
                time.sleep(seconds * time_scale)
                if reporter.report(step, value):
                    break
            return FittedModel(ReplayedScores(value, data.y_validation), 2, 0.0, 1.0)

        def output(self, model: FittedModel, x: np.ndarray) -> np.ndarray:
            positive = model.estimator.scores(len(x))
            return np.column_stack([1.0 - positive, positive])

        def dump(self, model: FittedModel) -> bytes:
            return json.dumps({"value": model.estimator.value}).encode()

    return TabularReplay


def register_tables(paths: list[str | Path], time_scale: float | None = None) -> list[str]:
    """Register one replay algorithm per table (again: no-op); their names."""
    scale = float(os.environ.get("TABULAR_REPLAY_TIME_SCALE", "0.02")) if time_scale is None else time_scale
    names = []
    known = {algorithm.name for algorithm in list_algorithms()}
    for path in paths:
        table = load_table(path)
        name = replay_name(table)
        if name not in known:
            register_algorithm(replay_class(table, scale)())
        names.append(name)
    return names


def preload_in_workers(paths: list[str | Path], time_scale: float) -> list[str]:
    """Register the tables here and in every worker process the runner forks from now on."""
    import multiprocessing.forkserver as mp_forkserver

    from tuning.running import forkserver

    os.environ[ENVIRONMENT] = os.pathsep.join(str(Path(p).resolve()) for p in paths)
    os.environ["TABULAR_REPLAY_TIME_SCALE"] = repr(time_scale)
    pythonpath = os.environ.get("PYTHONPATH", "")
    if str(HERE) not in pythonpath.split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), pythonpath]))
    if MODULE not in forkserver.WORKER_MODULES:
        forkserver.WORKER_MODULES = (*forkserver.WORKER_MODULES, MODULE)
        if getattr(mp_forkserver._forkserver, "_forkserver_pid", None) is not None:
            mp_forkserver._forkserver._stop()
    return register_tables(paths, time_scale)


if os.environ.get(ENVIRONMENT):
    register_tables(os.environ[ENVIRONMENT].split(os.pathsep))
