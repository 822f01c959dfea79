"""Multi-fidelity benchmark (issue 19, item 3): Hyperband-type methods on tabulated curves.

Usage::

    .venv/bin/python bench/bench_multifidelity.py --table bench/data/tabular-xgboost-breast_cancer.json.gz \\
        --repetitions 5

The table (``bench/build_tabular.py``) holds real TuneLab training curves. TuneLab's
methods run through the real runner (``run_tuning_job``: its workers, board, pruners and
Hyperband) on the replay algorithm of :mod:`tabular_replay`, 4 workers, asynchronous:

- **TuneLab Hyperband** (strategy Hyperband, ``--hyperband-jobs`` training jobs);
- **TuneLab Random + early stopping Auto** (``--auto-jobs`` training jobs);
- **random search**: TuneLab Random at the full resource, 32 training jobs;
- **Optuna TPE + HyperbandPruner / SuccessiveHalvingPruner**: Optuna driving the same table
  directly (ask/tell), 4 simulated asynchronous workers stepping through the curves in
  tabulated time, pruned where ``trial.should_prune()`` says (up to ``--optuna-trials``
  trials and 32 full-resource jobs' resource);

- **Syne Tune ASHA and BOHB** (syne-tune 0.16, bench only: :mod:`multifidelity_peers`), the
  same event loop, when syne-tune is installed (the bench venv); skipped with a note otherwise.

Per run, each finished training job adds its resource (steps reported) and its final value;
the anytime curve is the best value so far against cumulative resource (in full-resource
jobs) and against wall-clock (TuneLab: the replay's real seconds, tabulated seconds times
``--time-scale``, the runner's own overhead included; Optuna, Syne Tune: simulated seconds, no overhead).
Across repetitions: interquartile mean (IQM) with a 25-75% band.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import heapq  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

import tabular_replay  # noqa: E402
from multifidelity_peers import SYNE_TUNE_PEERS, syne_tune_available, syne_tune_run  # noqa: E402

WORKERS = 4
RANDOM_JOBS = 32

Run = list[tuple[float, float, float]]
"""A run's finished jobs in order of ending: (resource used, end seconds, final value)."""


def tunelab_run(name: str, table: dict[str, Any], seed: int, *, strategy: str, jobs: int,
                early_stopping: str = "Off") -> Run:
    """One TuneLab tuning job on the replay algorithm; its finished jobs from the store."""
    from tuning import Store, TuningJobConfig, run_tuning_job
    from tuning.algorithms import get_algorithm

    algorithm = get_algorithm(name)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "tunelab.db")
        config = TuningJobConfig(
            dataset=table["dataset"], algorithm=name, strategy=strategy, max_jobs=jobs, max_parallel_jobs=WORKERS,
            objective_metric_name=table["metric"], hyperparameter_ranges=algorithm.default_ranges(),
            static_hyperparameters={algorithm.resource: table["max_resource"]}, early_stopping_type=early_stopping,
            random_seed=seed, name=f"mf-{seed}")
        job = run_tuning_job(config, store)
        trainings = [t for t in store.training_jobs(job.name) if t.intermediate_values and t.end_time]
        store.dispose()
    start = min(t.start_time for t in trainings)
    # The resource a job used is the step it last reported (a Random Forest reports every 5 trees).
    return [(float(t.intermediate_values[-1][0]), t.end_time - start, float(t.intermediate_values[-1][1]))
            for t in sorted(trainings, key=lambda t: t.end_time)]


def optuna_run(table: dict[str, Any], seed: int, *, pruner: str, trials: int) -> Run:
    """Optuna TPE with a pruner, 4 simulated asynchronous workers stepping through tabulated curves.

    A new trial starts while fewer than ``trials`` have started and the resource reported so
    far is under 32 full-resource jobs (random search's), whichever ends first.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    ranges = {name: tabular_replay.parameter_from_dict(name, value) for name, value in table["ranges"].items()}
    replay = tabular_replay.replay_class(table, 0.0)()
    top = table["max_resource"]
    chosen = (optuna.pruners.HyperbandPruner(min_resource=1, max_resource=top) if pruner == "hyperband"
              else optuna.pruners.SuccessiveHalvingPruner(min_resource=1))
    study = optuna.create_study(direction="maximize" if table["higher_is_better"] else "minimize",
                                sampler=optuna.samplers.TPESampler(seed=seed), pruner=chosen)
    rows = table["configurations"]

    def start(now: float) -> tuple[Any, dict[str, Any], int]:
        trial = study.ask()
        values = {}
        for name, parameter in ranges.items():
            low, high = float(parameter.min_value), float(parameter.max_value)
            log = str(parameter.effective_scaling) == "Logarithmic"
            values[name] = (trial.suggest_int(name, int(low), int(high), log=log) if type(parameter).__name__ ==
                            "IntegerParameter" else trial.suggest_float(name, low, high, log=log))
        return trial, rows[replay.nearest(values)], 0

    events: list[tuple[float, int, Any]] = []
    started, finished, counter, used = 0, [], 0, 0
    for _ in range(min(WORKERS, trials)):
        trial, row, position = start(0.0)
        started += 1
        heapq.heappush(events, (row["seconds"][0], counter, (trial, row, position)))
        counter += 1
    while events:
        now, _, (trial, row, position) = heapq.heappop(events)
        value, step = row["values"][position], row["steps"][position]
        trial.report(value, step)
        used += step - (row["steps"][position - 1] if position else 0)  # in the resource's units (trees, rounds)
        last = position + 1 >= len(row["steps"])
        if last or trial.should_prune():
            study.tell(trial, value) if last else study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            finished.append((float(step), now, float(value)))  # the resource used: the last step reached
            if started < trials and used < RANDOM_JOBS * top:
                trial, row, position = start(now)
                started += 1
                heapq.heappush(events, (now + row["seconds"][0], counter, (trial, row, position)))
                counter += 1
        else:
            heapq.heappush(events, (now + row["seconds"][position + 1], counter, (trial, row, position + 1)))
            counter += 1
    return finished


def anytime(run: Run, grid: np.ndarray, *, by: int, higher: bool) -> np.ndarray:
    """Best value so far at each point of ``grid`` (cumulative resource: by=0; seconds: by=1); NaN before the first."""
    marks = np.cumsum([r[0] for r in run]) if by == 0 else np.array([r[1] for r in run])
    values = np.array([r[2] for r in run])
    best = np.maximum.accumulate(values) if higher else np.minimum.accumulate(values)
    where = np.searchsorted(marks, grid, side="right") - 1
    return np.where(where >= 0, best[np.clip(where, 0, None)], np.nan)


def iqm_band(curves: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interquartile mean and the 25% and 75% quantiles across repetitions, per grid point."""
    low, high = np.nanpercentile(curves, 25, axis=0), np.nanpercentile(curves, 75, axis=0)
    inside = np.where((curves >= low) & (curves <= high), curves, np.nan)
    return np.nanmean(inside, axis=0), low, high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", type=Path, default=HERE / "data" / "tabular-xgboost-breast_cancer.json.gz")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--hyperband-jobs", type=int, default=96)
    parser.add_argument("--auto-jobs", type=int, default=64)
    parser.add_argument("--optuna-trials", type=int, default=400)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "multifidelity.md")
    args = parser.parse_args()

    table = tabular_replay.load_table(args.table)
    (name,) = tabular_replay.preload_in_workers([args.table], args.time_scale)
    higher = bool(table["higher_is_better"])
    methods = {
        "TuneLab Hyperband": lambda s: tunelab_run(name, table, s, strategy="Hyperband", jobs=args.hyperband_jobs),
        "TuneLab Random + early stopping Auto": lambda s: tunelab_run(
            name, table, s, strategy="Random", jobs=args.auto_jobs, early_stopping="Auto"),
        "random search (full resource, 32 jobs)": lambda s: tunelab_run(
            name, table, s, strategy="Random", jobs=RANDOM_JOBS),
        "Optuna TPE + HyperbandPruner": lambda s: optuna_run(table, s, pruner="hyperband", trials=args.optuna_trials),
        "Optuna TPE + SuccessiveHalvingPruner": lambda s: optuna_run(
            table, s, pruner="successive-halving", trials=args.optuna_trials),
    }
    if syne_tune_available():
        for peer in SYNE_TUNE_PEERS:
            methods[peer] = lambda s, peer=peer: syne_tune_run(table, s, peer=peer, budget_jobs=RANDOM_JOBS,
                                                                workers=WORKERS)
    runs: dict[str, list[Run]] = {method: [] for method in methods}
    for seed in range(args.repetitions):
        for method, run in methods.items():
            runs[method].append(run(1000 + seed))
            print(f"seed {seed} {method}: {len(runs[method][-1])} jobs, "
                  f"resource {sum(r[0] for r in runs[method][-1]) / table['max_resource']:.1f} full jobs", flush=True)

    full = float(table["max_resource"])
    resource_grid = np.linspace(0.25, RANDOM_JOBS, 128) * full
    by_resource = {m: iqm_band(np.array([anytime(r, resource_grid, by=0, higher=higher) for r in rs]))
                   for m, rs in runs.items()}
    horizon = float(np.median([max(r[1] for r in run) for run in runs["random search (full resource, 32 jobs)"]]))
    time_grid = np.linspace(horizon / 128, horizon, 128)
    by_time = {m: iqm_band(np.array([anytime(r, time_grid, by=1, higher=higher) for r in rs]))
               for m, rs in runs.items()}
    random_final = by_resource["random search (full resource, 32 jobs)"][0][-1]
    sign = 1.0 if higher else -1.0

    def reach(curve: np.ndarray) -> float | None:
        hits = np.flatnonzero(sign * np.nan_to_num(curve, nan=-np.inf * sign) >= sign * random_final)
        return float(resource_grid[hits[0]] / (RANDOM_JOBS * full)) if len(hits) else None

    def area(curve: np.ndarray) -> float:
        return float(np.nanmean(np.where(np.isnan(curve), 0.5 if higher else np.nan, curve)))

    lines = [
        "# Multi-fidelity benchmark: tabulated curves, 4 asynchronous workers",
        "",
        f"Command: `{shlex.join(['python', *sys.argv])}` ({datetime.date.today().isoformat()}).",
        f"Table: `{args.table.name}`: {len(table['configurations'])} {table['algorithm']} configurations on "
        f"{table['dataset']}, {table['metric']} (higher is better: {higher}), up to {table['max_resource']} "
        f"{table['resource']}. {args.repetitions} repetitions (seeds 1000...)"
        + (". Interim: fewer than the 20 the target asks." if args.repetitions < 20 else "."),
        "",
        "IQM across repetitions [25%, 75%] of the best value so far, at cumulative resource "
        "(in full-resource jobs) and at wall-clock (fractions of random search's median run time, "
        f"{horizon:.2f} s):",
        "",
        "| method | resource used (full jobs, median) | at 4 jobs | at 8 | at 16 | at 32 | at 25% time | at 50% | at 100% | reaches random's final at (share of 32 jobs) | area (resource) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    areas = {}
    for method in methods:
        mean, low, high = by_resource[method]
        tmean, tlow, thigh = by_time[method]
        cells = [f"{np.median([sum(r[0] for r in run) for run in runs[method]]) / full:.1f}"]
        for jobs in (4, 8, 16, 32):
            i = int(np.argmin(abs(resource_grid - jobs * full)))
            cells.append(f"{mean[i]:.4f} [{low[i]:.4f}, {high[i]:.4f}]")
        for share in (0.25, 0.5, 1.0):
            i = int(np.argmin(abs(time_grid - share * horizon)))
            cells.append(f"{tmean[i]:.4f} [{tlow[i]:.4f}, {thigh[i]:.4f}]")
        fraction = reach(mean)
        areas[method] = area(mean)
        cells.append("not reached" if fraction is None else f"{fraction:.2f}")
        cells.append(f"{areas[method]:.4f}")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    ranking = sorted(areas, key=lambda m: -sign * areas[m])
    fraction = reach(by_resource["TuneLab Hyperband"][0])
    lines += [
        "",
        f"Random search's final best (IQM at 32 full-resource jobs): {random_final:.4f}.",
        f"Target 1 (Hyperband reaches it with at most a third of the resource): "
        f"{'holds' if fraction is not None and fraction <= 1 / 3 else 'does not hold'} "
        f"({'not reached' if fraction is None else f'{fraction:.2f} of the resource'}).",
        f"Target 2 (Hyperband has the best area under the anytime curve, by resource): "
        f"{'holds' if ranking[0] == 'TuneLab Hyperband' else 'does not hold'}; ranking: {', '.join(ranking)}.",
        "Area: mean of the IQM curve over 0.25 to 32 full-resource jobs (before a method's first finished job: 0.5, AUC's chance level).",
        "Wall-clock: TuneLab's methods are timed as they ran (the tabulated seconds times the time scale, "
        f"{args.time_scale:g}, plus the runner's own overhead, which weighs on many short jobs); Optuna's and Syne "
        "Tune's are simulated seconds, with no overhead: compare TuneLab's methods with each other on that axis.",
        *([] if syne_tune_available() else ["Not run: Syne Tune ASHA and BOHB (syne-tune 0.16 is not installed; "
                                             "see requirements-bench.txt)."]),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with open(args.output, "a" if args.output.exists() and "--append" in sys.argv else "w") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
