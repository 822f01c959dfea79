"""Early stopping, what if: AMT's median rule replayed on the curves of a run with early stopping Off.

Usage::

    .venv/bin/python bench/early_stopping_whatif.py STORE.db [STORE.db ...] [--out bench/results/early-stopping-whatif.md]

``STORE.db`` is the store ``bench_early_stopping.py`` printed (it keeps it). With the Random
strategy, a seed proposes the same training jobs whether early stopping is Off or Auto, so
the Off run's full learning curves say what any stopping rule would have seen. Each Off
run is replayed with the rule's own code (:func:`tuning.job.early_stopping.median_rule_decision`)
under other settings of TuneLab's two guards, the fewest earlier jobs the median is taken
over (``min_earlier_jobs``; AMT publishes none, TuneLab uses 5) and the grace period, with
the run's own number of parallel workers: each training job steps at its own measured
seconds per step, and a job is judged, at each step, against the earlier jobs' curves as
far as they had got by then (stopped ones cut where they stopped), as the board does.

Printed per pair: the resource the replay trains as a share of Off's, and the cost (how
much worse the best completed job is than Off's best, relative, mean over the seeds), for
each setting; the first column replays TuneLab's own settings, as a check against the
measured Auto run (the replay leaves out worker start-up and the board's timing, so the
two differ by a little).
"""

from __future__ import annotations

import argparse
import heapq
import math
import shlex
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tuning import Store  # noqa: E402
from tuning.job.early_stopping import DEFAULT_GRACE_SHARE, median_rule_decision  # noqa: E402
from tuning.metrics import MAXIMIZE  # noqa: E402
from tuning.records import TrainingJob, TrainingJobStatus  # noqa: E402

SETTINGS = ((5, DEFAULT_GRACE_SHARE), (3, DEFAULT_GRACE_SHARE), (5, 0.05))
"""(min_earlier_jobs, grace period as a share of the resource): TuneLab's own first."""

Curve = list[tuple[int, float]]


def replay(jobs: list[TrainingJob], *, parallel: int, maximize: bool, min_earlier_jobs: int,
           grace: int) -> tuple[int, float | None]:
    """The resource trained and the best completed value had the median rule run with these settings.

    ``jobs`` are one Off run's training jobs in launch order, each with its full curve.
    """
    curves: list[Curve] = [list(j.intermediate_values) for j in jobs]
    pace = [(j.elapsed_seconds or 1.0) / max(1, len(c)) for j, c in zip(jobs, curves)]
    seen: list[Curve] = [[] for _ in jobs]  # what each job had reported so far
    stopped = [False] * len(jobs)
    events: list[tuple[float, int, int]] = []  # (time, job, index of its next step)
    launched = 0
    for _ in range(min(parallel, len(jobs))):
        heapq.heappush(events, (pace[launched], launched, 0))
        launched += 1
    while events:
        now, job, index = heapq.heappop(events)
        step, value = curves[job][index]
        seen[job].append((step, value))
        decision = median_rule_decision(value, step, (dict(seen[e]) for e in range(job) if seen[e]),
                                        maximize=maximize, min_earlier_jobs=min_earlier_jobs, grace_period=grace)
        if decision.stop or index + 1 == len(curves[job]):
            stopped[job] = decision.stop and index + 1 < len(curves[job])
            if launched < len(jobs):  # the worker takes the next training job
                heapq.heappush(events, (now + pace[launched], launched, 0))
                launched += 1
        else:
            heapq.heappush(events, (now + pace[job], job, index + 1))
    finals = [j.final_objective_value for j, s in zip(jobs, stopped)
              if not s and j.status == TrainingJobStatus.COMPLETED and j.final_objective_value is not None]
    best = (max(finals) if maximize else min(finals)) if finals else None
    return sum(c[-1][0] for c in seen if c), best


def whatif_table(stores: list[Store]) -> list[str]:
    """One row a (dataset, algorithm) pair of the stores' Random Off runs; the settings as columns."""
    runs: dict[tuple[str, str], list[tuple[int, object, list[TrainingJob]]]] = defaultdict(list)
    measured: dict[tuple[str, str], list[int]] = defaultdict(list)
    for store, job in ((store, job) for store in stores for job in store.list_tuning_jobs()):
        if job.strategy != "Random" or job.status != "Completed":
            continue  # only Random proposes the same jobs with and without stopping; a run cut short is left out
        trainings = store.training_jobs(job.name)
        used = sum(t.intermediate_values[-1][0] for t in trainings if t.intermediate_values)
        if job.config.get("EarlyStoppingType") == "Auto":
            measured[(job.dataset, job.algorithm)].append(used)
        else:
            runs[(job.dataset, job.algorithm)].append((used, job, trainings))
    heading = ["dataset", "algorithm", "measured Auto"] + [
        f"replayed: {k} earlier, grace {share:.0%}" for k, share in SETTINGS]
    lines = ["| " + " | ".join(heading) + " |", "|" + "---|" * len(heading)]
    for (dataset, algorithm), offs in runs.items():
        off_used = sum(u for u, _, _ in offs)
        maximize = offs[0][1].objective_type == MAXIMIZE
        off_best = statistics.mean(job.best_objective_value for _, job, _ in offs)
        cells = [dataset, algorithm,
                 f"{sum(measured[(dataset, algorithm)]) / off_used:.0%}"
                 if len(measured[(dataset, algorithm)]) == len(offs) else "-"]  # the same seeds, or none
        for k, share in SETTINGS:
            used, bests = 0, []
            for _, job, trainings in offs:
                resource = max(t.intermediate_values[-1][0] for t in trainings if t.intermediate_values)
                u, b = replay([t for t in trainings if t.intermediate_values], parallel=job.max_parallel_jobs,
                              maximize=maximize, min_earlier_jobs=k,
                              grace=max(1, math.ceil(share * resource)))
                used += u
                bests.append(b if b is not None else float("nan"))
            worse = (off_best - statistics.mean(bests)) if maximize else (statistics.mean(bests) - off_best)
            cells.append(f"{used / off_used:.0%}, cost {worse / abs(off_best):+.2%}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", type=Path, nargs="+", metavar="STORE.db",
                        help="the stores bench_early_stopping.py printed")
    parser.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args()
    stores = [Store(f"sqlite:///{path.resolve()}") for path in args.stores]
    text = "\n".join([
        f"Command: `python bench/early_stopping_whatif.py {shlex.join(map(str, args.stores))}`  ",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Each cell: the resource trained as a share "
        "of Off's, and the cost (best completed value against Off's best, relative; mean over the seeds).",
        "",
        *whatif_table(stores),
    ])
    for store in stores:
        store.dispose()
    print(text)
    if args.out:
        args.out.write_text(f"# Early stopping, what if (issue 19, item 4)\n\n{text}\n")


if __name__ == "__main__":
    main()
