"""How long the Explain page waits for one step of a replayed Bayesian tuning job.

Usage::

    .venv/bin/python bench/bench_replay.py [--jobs 200] [--parallel 2]

A real Bayesian tuning job (XGBoost on breast_cancer with 10 rounds, so that training is
quick and the strategy's own work dominates) of ``--jobs`` training jobs is run into a temp store. Then, in the
same run:

- **replay**: :func:`tuning.explain.replay` reads the record and replays it step by step,
  as the Explain page's slider does; printed: seconds per step (mean, p95, max, and at the
  last steps, where the model has the most results), the whole replay, and the seconds to
  draw the last step's plane and slice;
- **peer**: the same calls made straight to a new strategy, with no store and no record
  to read: the strategy's own cost, which no replay can beat. The ratio is the replay's
  overhead.

Target (issue 15): one step of a 200-job Bayesian job in under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--parallel", type=int, default=2)
    args = parser.parse_args()

    from tuning import ContinuousParameter, IntegerParameter, Store, TuningJobConfig, run_tuning_job
    from tuning.explain import replay
    from tuning.parameters import parameter_from_dict
    from tuning.strategies import create_strategy
    from tuning.visualization import plot_surrogate_plane, plot_surrogate_slice

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "tunelab.db")
        config = TuningJobConfig(
            dataset="breast_cancer", algorithm="xgboost", strategy="Bayesian", max_jobs=args.jobs,
            max_parallel_jobs=args.parallel, static_hyperparameters={"num_round": 10},
            hyperparameter_ranges={"eta": ContinuousParameter(0.01, 0.5, "Logarithmic"),
                                   "max_depth": IntegerParameter(1, 8), "gamma": ContinuousParameter(0, 5),
                                   "subsample": ContinuousParameter(0.5, 1)},
            random_seed=11, name="bench-replay")
        started = time.perf_counter()
        job = run_tuning_job(config, store)
        run_seconds = time.perf_counter() - started
        print(f"tuning job: {job.status}, {args.jobs} training jobs, {args.parallel} at a time, {run_seconds:.1f} s")

        replayed = replay(store, job.name)
        per_step = []
        for number in range(1, replayed.total + 1):
            tick = time.perf_counter()
            replayed.step(number)
            per_step.append(time.perf_counter() - tick)
        honest = all(step.matches_record for step in replayed.done)

        calls = store.strategy_calls(job.name)
        start = calls[0]
        strategy = create_strategy(start["strategy"], {name: parameter_from_dict(name, spec) for name, spec in
                                                       start["ranges"].items()},
                                   objective_type=start["objective_type"], random_seed=start["random_seed"],
                                   max_jobs=start["max_jobs"], grid_points=start["grid_points"])
        peer = []
        for call in calls[1:]:
            if call["call"] == "observe":
                strategy.observe(call["hyperparameters"], call["value"], stopped_at=call["stopped_at"])
            elif call["call"] == "note_running":
                strategy.note_running(call["points"])
            elif call["call"] == "suggest":
                tick = time.perf_counter()
                strategy.suggest(call["n"])
                peer.append(time.perf_counter() - tick)

        last = replayed.step(replayed.total)
        tick = time.perf_counter()
        names = list(replayed.ranges)
        plot_surrogate_plane(last, replayed.ranges, names[0], names[1], objective_name=job.objective_metric_name,
                             objective_type=job.objective_type)
        plot_surrogate_slice(last, replayed.ranges, names[0], objective_name=job.objective_metric_name,
                             objective_type=job.objective_type)
        chart_seconds = time.perf_counter() - tick

    def line(label: str, values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        tail = values[-20:]
        return (f"| {label} | {statistics.mean(values):.3f} | {p95:.3f} | {max(values):.3f} | "
                f"{statistics.mean(tail):.3f} | {sum(values):.1f} |")

    print(f"\nsteps: {replayed.total}; every step proposed what the job launched: {honest}")
    print("\n| seconds per step | mean | p95 | max | mean of the last 20 | all steps |")
    print("|---|---|---|---|---|---|")
    print(line("replay (store, record, strategy)", per_step))
    print(line("peer: the strategy alone", peer))
    print(f"\nreplay / peer, all steps: {sum(per_step) / sum(peer):.2f}x")
    print(f"the last step's plane and slice: {chart_seconds:.2f} s")
    print(f"target: one step under 1 s -> max {max(per_step):.3f} s: {'met' if max(per_step) < 1 else 'missed'}")


if __name__ == "__main__":
    main()
