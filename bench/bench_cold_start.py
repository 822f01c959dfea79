"""Cold start: what a fresh process pays before TuneLab answers, each figure from new processes.

Usage::

    .venv/bin/python bench/bench_cold_start.py [--repeats 5] [--jobs 500] [--baseline DIR]

1. ``import tuning``: seconds for ``python -c "import tuning"``, beside ``python -c pass``
   (the interpreter alone), median of ``--repeats`` fresh processes.
2. ``python -m tuning list`` on a store holding a few finished tuning jobs (made once, by
   this checkout's CLI), median of fresh processes; the listing is checked to name them.
3. *The first tuning job of a fresh process*, against a plain loop in a fresh process.
   TuneLab: ``python -m tuning run JOB.json --quiet``, the CLI as a user types it
   (``--jobs`` Linear Learner training jobs with ``epochs=3`` on breast_cancer, Random,
   one worker: bench/bench_overhead.py's setting), timed from the command's start to its
   exit, so its imports, the forkserver's boot, the checks, the store, the run and the
   closing table are all in. The peer: a fresh ``python`` that imports the same training
   function (:func:`tuning.running.worker.run_training_job`), unpickles the same encoded
   data and hyperparameters (written beforehand, outside its timing: it reads no CSV) and
   trains them in a loop, keeping the best objective as the runner does, also from its
   start to its exit. Both pay their own imports and first-use costs (the peer imports
   scikit-learn and, at its first model, skops, as any script would); the peer does no
   more than that. The ratio is TuneLab's seconds over the peer's in the same repeat (they
   run back to back, so both see the same load); the median of the repeats is printed,
   with each side's start-up (from its launch until its first training job starts: the
   cold part), apart from the loop, whose per-job overhead bench/bench_overhead.py measures.

Why a fresh-process peer, when bench/bench_overhead.py times the first tuning job of a
process that has already imported everything against a plain loop that has already run one
job: there, the forkserver's imports (scikit-learn, skops) are inside TuneLab's timing while
the peer's own imports of the same libraries are outside its, so that "cold" ratio charges
TuneLab for imports the peer also needs. It is still printed there, for what it measures.

``--baseline DIR``: another checkout (an older commit, say) measured in the same repeats,
alternately with this one, so the before and after see the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
LISTED_JOBS = ("listed-grid", "listed-random", "listed-again")
JOB = {
    "Dataset": "breast_cancer", "Algorithm": "linear-learner", "Strategy": "Random",
    "StaticHyperparameters": {"epochs": 3}, "EarlyStoppingType": "Off", "RandomSeed": 1,
    "ResourceLimits": {"MaxNumberOfTrainingJobs": 500, "MaxParallelTrainingJobs": 1},
}
"""bench/bench_overhead.py's BENCH_CONFIG, as the CLI's JSON."""


def _timed(command: list[str], root: Path, *, check: str | None = None) -> float:
    """Wall seconds of one fresh process, run with ``root`` first on its path."""
    return _run(command, root, check=check)[0]


def _run(command: list[str], root: Path, *, check: str | None = None) -> tuple[float, float, str]:
    """Wall seconds of one fresh process run with ``root`` first on its path, its start (epoch) and its output."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    launched, started = time.time(), time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root, timeout=900)
    seconds = time.perf_counter() - started
    if result.returncode != 0 or (check is not None and check not in result.stdout):
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-2000:]}\n"
                           f"{result.stderr[-2000:]}")
    return seconds, launched, result.stdout


def _first_start(store: Path, name: str) -> float:
    """When the tuning job's first training job started (epoch seconds), read back from its store."""
    import sqlite3

    with sqlite3.connect(store) as connection:
        return connection.execute("SELECT MIN(start_time) FROM training_jobs WHERE tuning_job_name = ?",
                                  (name,)).fetchone()[0]


def _listed_store(folder: Path) -> Path:
    """A store with a few finished tuning jobs in it, made by this checkout's CLI."""
    store = folder / "listed.db"
    job = folder / "small.json"
    job.write_text(json.dumps({"Dataset": "iris", "Algorithm": "knn", "Strategy": "Random", "RandomSeed": 1,
                               "ResourceLimits": {"MaxNumberOfTrainingJobs": 3, "MaxParallelTrainingJobs": 1}}))
    for name in LISTED_JOBS:
        _timed([sys.executable, "-m", "tuning", "--store", str(store), "run", str(job), "--name", name, "--quiet"],
               HERE)
    return store


def _plain_inputs(folder: Path, jobs: int) -> Path:
    """The peer's input: the encoded data and the hyperparameters TuneLab's Random strategy draws."""
    sys.path.insert(0, str(HERE))
    from tuning import TuningJobConfig, prepare
    from tuning.job.preparation import encode_channels

    config = TuningJobConfig.from_dict({**JOB, "ResourceLimits": {**JOB["ResourceLimits"],
                                                                  "MaxNumberOfTrainingJobs": jobs}})
    prepared = prepare(config.replace(name="plain"))
    data, _, _ = encode_channels(prepared)
    strategy, points = prepared.strategy, []
    while len(points) < jobs:
        for point in strategy.suggest(1):
            strategy.observe(point, 0.0)
            points.append({**prepared.algorithm.resolve(prepared.static), **point})
    path = folder / "plain.pickle"
    path.write_bytes(pickle.dumps(dict(data=data, algorithm=prepared.algorithm.name, metric=prepared.metric.name,
                                       higher_is_better=prepared.metric.higher_is_better, points=points)))
    return path


def plain_loop(path: str) -> None:
    """The peer, in its own process: the same training function on the same points, nothing else."""
    from tuning.running.worker import initialize, run_training_job

    with open(path, "rb") as file:
        given = pickle.load(file)  # noqa: S301 - written by this bench a moment ago
    initialize(given["data"], given["algorithm"], given["metric"], None, os.getpid())
    better = max if given["higher_is_better"] else min
    best = None  # kept like the runner keeps it: a model is serialised only when it is the best
    first_start = None
    for index, point in enumerate(given["points"]):
        outcome = run_training_job(index, point, index, False, best)
        first_start = outcome.start_time if first_start is None else first_start
        if outcome.final_objective_value is not None:
            value = outcome.final_objective_value
            best = value if best is None else better(best, value)
    print(f"plain loop: {len(given['points'])} training jobs, best {best}, first started {first_start!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=500, help="training jobs in the cold-start run")
    parser.add_argument("--baseline", type=Path, help="another checkout, measured alternately with this one")
    parser.add_argument("--skip-run", action="store_true", help="only the import and list figures")
    parser.add_argument("--plain-loop", metavar="PICKLE", help=argparse.SUPPRESS)  # the peer's own process
    args = parser.parse_args()
    if args.plain_loop:
        plain_loop(args.plain_loop)
        return
    folder = Path(tempfile.mkdtemp(prefix="tunelab-bench-cold-"))
    trees = {"this checkout": HERE, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    listed = _listed_store(folder)
    job_file = folder / "job.json"
    job_file.write_text(json.dumps({**JOB, "ResourceLimits": {**JOB["ResourceLimits"],
                                                              "MaxNumberOfTrainingJobs": args.jobs}}))
    plain_input = None if args.skip_run else _plain_inputs(folder, args.jobs)
    python = [sys.executable]
    figures: dict[str, dict[str, list[float]]] = {label: {} for label in trees}
    loads = []
    for repeat in range(args.repeats):
        for label, root in (trees.items() if repeat % 2 == 0 else reversed(trees.items())):
            seen = figures[label]
            seen.setdefault("python -c pass", []).append(_timed([*python, "-c", "pass"], root))
            seen.setdefault("import tuning", []).append(_timed([*python, "-c", "import tuning"], root))
            seen.setdefault("python -m tuning list", []).append(_timed(
                [*python, "-m", "tuning", "--store", str(listed), "list"], root, check=LISTED_JOBS[-1]))
            if plain_input is not None:
                store = folder / f"run-{label.replace(' ', '-')}.db"
                tunelab, launched, _ = _run([*python, "-m", "tuning", "--store", str(store), "run", str(job_file),
                                             "--quiet", "--name", f"cold-{repeat}"], root, check="Best training job")
                tunelab_startup = _first_start(store, f"cold-{repeat}") - launched
                plain, launched, shown = _run([*python, str(HERE / "bench" / "bench_cold_start.py"), "--plain-loop",
                                               str(plain_input)], root, check="plain loop")
                plain_startup = float(shown.rsplit("first started ", 1)[1]) - launched
                seen.setdefault("TuneLab CLI run, fresh process", []).append(tunelab)
                seen.setdefault("  of which start-up (to 1st job)", []).append(tunelab_startup)
                seen.setdefault("plain loop, fresh process", []).append(plain)
                seen.setdefault("  of which start-up (to 1st job) ", []).append(plain_startup)
                seen.setdefault("start-up, TuneLab minus plain", []).append(tunelab_startup - plain_startup)
                seen.setdefault("ratio", []).append(tunelab / plain)
        loads.append(os.getloadavg()[0])
        print(f"repeat {repeat + 1} of {args.repeats} done [load {loads[-1]:.2f}]", flush=True)
    print(f"\nmedian of {args.repeats} fresh processes each, seconds; load average {min(loads):.2f}-{max(loads):.2f} "
          f"on {os.cpu_count()} cores")
    for label, seen in figures.items():
        print(f"{label} ({trees[label]}):")
        for name, values in seen.items():
            if name == "ratio":
                print(f"  first tuning job / plain loop ({args.jobs} jobs): median ratio {statistics.median(values):.2f}x "
                      f"(each repeat: {', '.join(f'{v:.2f}' for v in values)}; target at most 1.15x)")
            else:
                print(f"  {name:<34} {statistics.median(values):7.2f}  (min {min(values):.2f}, "
                      f"runs {', '.join(f'{v:.2f}' for v in values)})")


if __name__ == "__main__":
    main()
