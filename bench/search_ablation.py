"""Ablations of TuneLab's Bayesian strategy on bench_search's problems (issue 19).

Why beside ``bench_search.py``: that benchmark measures whatever ``create_strategy("Bayesian")``
is; this one runs the strategy's parts and variants by class, side by side, so a change to
the method can be judged against what it replaced in the same run::

    .venv/bin/python bench/search_ablation.py runs.json "random search" "Optuna TPE" \
        search_ablation:RankHedge tuning.strategies._portfolio:BayesianStrategy \
        tuning.strategies._gaussian_process:GaussianProcessStrategy tuning.strategies._tpe:TPEStrategy
    .venv/bin/python bench/search_ablation.py --score runs.json [more.json ...]

A variant is a name bench_search knows (``Optuna TPE``, ``random search``...) or
``module:Class`` for a TuneLab strategy class. 64-job runs in batches of 4, 10 seeds by
default, two processes; scores as bench_search's (100 = best anyone found, 0 = random
search's expected best), printed at 16, 32 and 64 jobs. Random search must be among the runs.
"""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse
import importlib
import json
import multiprocessing
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import numpy as np

import bench_search as bs
from search_problems import PROBLEMS
from tuning.strategies._portfolio import BayesianStrategy


class RankHedge(BayesianStrategy):
    """A proposed hedge, measured and not (yet) in TuneLab: the batch of 4 goes 3:1 to the half
    (GP or TPE) whose latest 8 finished model-based picks rank better among all results by more
    than 0.1 (after 4 each), else 2:2 (GP-Hedge, Hoffman et al. 2011, rewarded by observed ranks)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self._who, self._credit, self._all = {}, [], []

    def _suggest(self, n):
        diff = None
        values = np.array(self._all)
        ranks = {"gp": [], "tpe": []}
        for half, value in self._credit:
            ranks[half].append(float(np.mean(values < value) + 0.5 * np.mean(values == value)))
        if n >= 3 and min(len(r) for r in ranks.values()) >= 4:
            diff = np.mean(ranks["tpe"][-8:]) - np.mean(ranks["gp"][-8:])  # > 0: the GP's picks rank better
        if diff is None or abs(diff) <= 0.1:
            points = super()._suggest(n)
        else:
            tpe_count = max(1, n // 4) if diff > 0 else n - max(1, n // 4)
            tpe_points = self._tpe.suggest(tpe_count)
            gp_points = self._gp.suggest_beside(n - tpe_count, tpe_points)
            self._gp_picked = bool(gp_points)
            self._tpe.note_running(gp_points)
            gp_by = self._gp.calls[-1]["by"] if gp_points else []
            self._last_proposers = [*gp_by, *(["TPE"] * len(tpe_points))]
            points = [*gp_points, *tpe_points]
        for point, by in zip(points, self._last_proposers):
            if "start" not in by:
                self._who[json.dumps(point, sort_keys=True, default=str)] = "tpe" if by == "TPE" else "gp"
        return points

    def _observe(self, hyperparameters, value, stopped_at):
        super()._observe(hyperparameters, value, stopped_at)
        if value is not None:
            v = -value if self._objective_type == "Maximize" else value
            half = self._who.pop(json.dumps(hyperparameters, sort_keys=True, default=str), None)
            if half:
                self._credit.append((half, v))
            self._all.append(v)


def make(variant: str, problem, seed: int):
    if variant in bs.OPTIMIZERS:
        return _BY_NAME(variant, problem, seed, 64)
    module, _, cls = variant.partition(":")
    kind = getattr(importlib.import_module(module), cls)

    class Wrapped:
        def __init__(self):
            self.s = kind(hyperparameter_ranges=problem.ranges, objective_type=problem.direction, random_seed=seed)

        def suggest(self, n):
            return self.s.suggest(n)

        def observe(self, point, value):
            self.s.observe(point, value)
    return Wrapped()


def run(task):
    """One run, by bench_search's own loop (``run_one``), with variants known by class too."""
    return bs.run_one(*task)


_BY_NAME = bs.make_optimizer  # the names bench_search knows, kept before the line below
bs.make_optimizer = lambda name, problem, seed, budget: make(name, problem, seed)  # noqa: E731 - see run()


def score(files, budgets=(16, 32, 64)):
    import gzip

    runs = [r for f in files for r in json.loads(gzip.open(f, 'rt').read() if str(f).endswith('.gz') else Path(f).read_text())]
    scores = bs.score_runs(runs, list(budgets))
    names = sorted({r["optimizer"] for r in runs})
    problems = [p for p in PROBLEMS if p in scores[budgets[0]]]
    short = {n: n.split(":")[-1][:14] for n in names}
    print("problem".ljust(22) + "".join(short[n].rjust(15) for n in names))
    for b in budgets:
        print(f"-- {b} jobs")
        for p in problems:
            print(p.ljust(22) + "".join(f"{scores[b][p].get(n, float('nan')):15.1f}" for n in names))
        print("MEAN".ljust(22) + "".join(f"{np.mean([scores[b][p][n] for p in problems]):15.1f}" for n in names))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("variants", nargs="*")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--budget", type=int, default=64)
    ap.add_argument("--problems", nargs="+", default=list(PROBLEMS))
    ap.add_argument("--score", nargs="+")
    a = ap.parse_args()
    if a.score:
        score(a.score)
        sys.exit()
    tasks = [(p, v, s, a.budget) for v in a.variants for p in a.problems for s in range(a.seeds)]
    runs = []
    t0 = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for r in pool.imap_unordered(run, tasks, chunksize=1):
            runs.append(r)
    Path(a.out).write_text(json.dumps(runs))
    print(f"{len(runs)} runs in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
