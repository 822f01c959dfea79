"""The course's lesson, measured: does early stopping Auto tell the truth, and does Bayesian beat Random?

Usage::

    .venv/bin/python bench/bench_lesson.py [--seeds 5] [--grace 20 10 ...] [--out FILE.md]

The configuration is Lesson 4.3's own: bank-marketing, XGBoost (100 boosting rounds),
``validation:accuracy``, max_depth 3-10 Linear, eta 0.01-0.3 Logarithmic, gamma 0-5
Linear, MaxParallelTrainingJobs 3, MaxNumberOfTrainingJobs 20; Random and Bayesian, each
with early stopping Off and Auto (the default grace period, and any ``--grace`` given,
in rounds), on the same seeds, through the public API with real worker processes.

Printed per configuration, as means over the seeds: the best validation accuracy, the
boosting rounds used (and their share of Off's 2,000), the stopped jobs and the median
round they were stopped at, how many jobs ended on the majority-class score (the
baseline, every model still predicting "no"), the earliest round any job was judged
at, and near-duplicate pairs (two training jobs with the same max_depth and eta and gamma
within 2% of their scaled range). It then checks the issue's targets and says which hold.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tuning import ContinuousParameter, IntegerParameter, Store, TuningJobConfig, run_tuning_job  # noqa: E402
from tuning.analysis.baseline import baseline_for_job  # noqa: E402
from tuning.job.early_stopping import default_grace_period  # noqa: E402
from tuning.records import TrainingJob, TuningJob  # noqa: E402

RANGES = {
    "max_depth": IntegerParameter(3, 10, scaling_type="Linear"),
    "eta": ContinuousParameter(0.01, 0.3, scaling_type="Logarithmic"),
    "gamma": ContinuousParameter(0, 5, scaling_type="Linear"),
}
ROUNDS = 100
JOBS = 20


def near_duplicates(jobs: list) -> int:
    """Pairs of training jobs at nearly the same point: same max_depth, eta and gamma within 2%."""
    pairs = 0
    for a, b in combinations(jobs, 2):
        ha, hb = a.hyperparameters, b.hyperparameters
        if ha["max_depth"] == hb["max_depth"] and all(
                abs(RANGES[n].to_unit(ha[n]) - RANGES[n].to_unit(hb[n])) < 0.02 for n in ("eta", "gamma")):
            pairs += 1
    return pairs


def timed_run(config: TuningJobConfig, store: Store) -> tuple[TuningJob, list[TrainingJob], float]:
    """Run one tuning job through the public API (real worker processes); its record, its training
    jobs as the store holds them, and its wall-clock seconds. Shared with ``bench_early_stopping.py``."""
    started = time.perf_counter()
    job = run_tuning_job(config, store)
    seconds = time.perf_counter() - started
    return job, store.training_jobs(job.name), seconds


def run_one(store: Store, strategy: str, stopping: str, grace: int | None, seed: int) -> dict:
    config = TuningJobConfig(
        dataset="bank-marketing", algorithm="xgboost", objective_metric_name="validation:accuracy",
        hyperparameter_ranges=RANGES, static_hyperparameters={"num_round": ROUNDS}, strategy=strategy,
        max_jobs=JOBS, max_parallel_jobs=3, early_stopping_type=stopping, early_stopping_grace_period=grace,
        random_seed=seed,
    )
    job, jobs, seconds = timed_run(config, store)
    baseline = baseline_for_job(job)
    stopped = [t for t in jobs if t.status == "Stopped"]
    return {
        "best": job.best_objective_value,
        "rounds": sum(t.intermediate_values[-1][0] for t in jobs if t.intermediate_values),
        "stopped": len(stopped),
        "stop_rounds": [t.intermediate_values[-1][0] for t in stopped],
        "at_baseline": sum(1 for t in jobs if baseline is not None and t.final_objective_value is not None
                           and abs(t.final_objective_value - baseline.value) < 1e-9),
        "duplicates": near_duplicates(jobs),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--grace", type=int, nargs="*", default=[], help="extra grace periods to try, in rounds")
    parser.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tunelab-bench-lesson-"))
    store = Store(f"sqlite:///{folder}/store.db", artifact_dir=folder / "artifacts")
    settings = [("Off", None)] + [("Auto", None)] + [("Auto", g) for g in args.grace]
    results: dict[tuple[str, str], list[dict]] = {}
    for seed in range(1, args.seeds + 1):
        for strategy in ("Random", "Bayesian"):
            for stopping, grace in settings:
                label = "Off" if stopping == "Off" else (
                    f"Auto, grace {grace if grace else default_grace_period(ROUNDS)} rounds"
                    + ("" if grace else " (default)"))
                result = run_one(store, strategy, stopping, grace, seed)
                results.setdefault((strategy, label), []).append(result)
                print(f"seed {seed} {strategy:8s} {label:32s} best {result['best']:.4f} rounds {result['rounds']:5d} "
                      f"stopped {result['stopped']:2d} {sorted(result['stop_rounds'])} dup {result['duplicates']} "
                      f"{result['seconds']:.1f} s", flush=True)

    lines = [
        f"Command: `python bench/bench_lesson.py --seeds {args.seeds}"
        + (f" --grace {' '.join(map(str, args.grace))}" if args.grace else "") + "`  ",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {args.seeds} seeds (1-{args.seeds}), "
        f"each row a mean over them; {JOBS} training jobs of {ROUNDS} rounds, 3 in parallel.",
        "",
        "| strategy | early stopping | best validation:accuracy (mean; min-max) | boosting rounds used (of Off's 2,000) "
        "| stopped jobs | median stopping round | jobs ending on the majority-class score | near-duplicate pairs | seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    summary: dict[tuple[str, str], dict] = {}
    for (strategy, label), rows in results.items():
        bests = [r["best"] for r in rows]
        stop_rounds = [s for r in rows for s in r["stop_rounds"]]
        summary[(strategy, label)] = s = {
            "best": statistics.mean(bests), "rounds": statistics.mean(r["rounds"] for r in rows),
            "median_stop": statistics.median(stop_rounds) if stop_rounds else None,
            "first_stop": min(stop_rounds) if stop_rounds else None,
            "duplicates": sum(r["duplicates"] for r in rows),
        }
        median_text = "-" if s["median_stop"] is None else f"{s['median_stop']:g}"
        lines.append(
            f"| {strategy} | {label} | {s['best']:.4f} ({min(bests):.4f}-{max(bests):.4f}) | "
            f"{s['rounds']:,.0f} ({s['rounds'] / (JOBS * ROUNDS):.0%}) | "
            f"{statistics.mean(r['stopped'] for r in rows):.1f} | "
            f"{median_text} | "
            f"{sum(r['at_baseline'] for r in rows)} of {JOBS * len(rows)} | {s['duplicates']} | "
            f"{statistics.mean(r['seconds'] for r in rows):.1f} |")
    default = f"Auto, grace {default_grace_period(ROUNDS)} rounds (default)"
    checks = []
    bayes, random_, bayes_off = (summary[("Bayesian", default)], summary[("Random", default)],
                                 summary[("Bayesian", "Off")])
    checks.append(("Bayesian with Auto finds at least Random with Auto's mean best",
                   bayes["best"] >= random_["best"], f"{bayes['best']:.4f} vs {random_['best']:.4f}"))
    for strategy in ("Random", "Bayesian"):
        auto, off = summary[(strategy, default)], summary[(strategy, "Off")]
        checks.append((f"{strategy}: Auto costs at most 0.002 accuracy against Off", off["best"] - auto["best"] <= 0.002,
                       f"{off['best'] - auto['best']:+.4f}"))
        checks.append((f"{strategy}: Auto uses at most 75% of Off's rounds", auto["rounds"] <= 0.75 * off["rounds"],
                       f"{auto['rounds'] / off['rounds']:.0%}"))
        checks.append((f"{strategy}: no job judged before the grace period ({default_grace_period(ROUNDS)})",
                       auto["first_stop"] is None or auto["first_stop"] >= default_grace_period(ROUNDS),
                       f"earliest stop at round {auto['first_stop']}"))
        checks.append((f"{strategy}: median stopping round at least 10% of the resource",
                       auto["median_stop"] is None or auto["median_stop"] >= 0.1 * ROUNDS,
                       f"{auto['median_stop']}"))
    checks.append(("Bayesian proposes no near-duplicate points",
                   bayes["duplicates"] == 0 and bayes_off["duplicates"] == 0,
                   f"{bayes['duplicates'] + bayes_off['duplicates']} pairs"))
    lines += ["", "| target | holds | measured |", "|---|---|---|"]
    lines += [f"| {name} | {'yes' if ok else '**no**'} | {measured} |" for name, ok, measured in checks]
    text = "\n".join(lines)
    print("\n" + text)
    if args.out:
        args.out.write_text(f"# The course's lesson (issue 12)\n\n{text}\n")


if __name__ == "__main__":
    main()
