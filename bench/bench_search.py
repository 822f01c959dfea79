"""Search efficiency (issue 5): does TuneLab's Bayesian strategy find better hyperparameters
than its peers for the same number of training jobs?

Usage::

    .venv/bin/python bench/bench_search.py                    # all problems, 5 seeds, 64 jobs
    .venv/bin/python bench/bench_search.py --quick            # 3 problems, 2 seeds, 16 jobs
    .venv/bin/python bench/bench_search.py --problems branin hartmann6 --seeds 3 \\
        --optimizers "TuneLab Bayesian" "random search" --processes 2
    bash scripts/bench-venv.sh /work/bench-venv             # torch, HEBO, SMAC3 (bench only)
    /work/bench-venv/bin/python bench/bench_search.py --seeds 3 --optimizers HEBO SMAC3 \\
        "TuneLab Bayesian" --output bench/results/search-peers.md

Every optimizer runs on every problem of :mod:`search_problems` (real scikit-learn and
XGBoost models on the bundled datasets, plus Branin and Hartmann-6) with every seed, the
way a tuning job with ``MaxParallelTrainingJobs=4`` drives a strategy: suggest 4, evaluate
4, observe 4. The peers are

- **TuneLab Bayesian** and **TuneLab Random**, built by ``create_strategy`` (the public
  contract: whatever "Bayesian" is when the benchmark runs is what is measured);
- **Optuna TPE** (``TPESampler(seed=...)``, its defaults) and **Optuna GP**
  (``GPSampler(seed=...)``; needs ``torch``, see ``requirements-bench.txt``; skipped with
  a note when torch is missing), each asked 4 times through ``study.ask`` then told 4 times;
- **HEBO** and **SMAC3** (issue 19), the strongest public peers, adapted in
  :mod:`search_peers`: benchmark-only packages that ``scripts/bench-venv.sh`` installs;
  each is skipped with a note when its package is missing;
- **random search**: a plain numpy sampler, uniform in each range's scaled space, written
  here independently of TuneLab so that the zero of the score does not depend on TuneLab.

**Score** (Bayesmark's normalisation), per problem and budget: 100 for the best value any
optimizer found on that problem (in any run, at any budget), 0 for random search's
expected best at that budget, computed from all its evaluations on the problem pooled
(``expected_best_of``: far less noisy than the mean of a few seeds); an optimizer's score is its mean best at that budget
mapped on that scale. Negative means worse than random. One run of the largest budget
gives the smaller budgets too, as its best-so-far after 16 and 32 jobs (the same thing a
shorter run would have seen, since no optimizer here is told the budget).

**Wall time** is the seconds spent inside ``suggest`` and ``observe`` (the optimizer's own
work, objective evaluations excluded), per run, up to that budget.

Tables go to stdout and, as Markdown with the command line and date, to
``bench/results/search.md`` (``--output``).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # two benchmark processes share two cores

import argparse  # noqa: E402
import datetime  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import multiprocessing  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Mapping, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Protocol  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

from search_peers import HEBO_NAME, INSTALL_HINT, PEERS, SMAC_NAME, make_peer, peer_available  # noqa: E402
from search_problems import PROBLEMS, QUICK_PROBLEMS, Problem  # noqa: E402
from tuning.parameters import (  # noqa: E402
    CategoricalParameter,
    IntegerParameter,
    Parameter,
    ScalingType,
)

BATCH = 4
"""Training jobs suggested, evaluated and observed together (MaxParallelTrainingJobs)."""
REPORTED_BUDGETS = (16, 32, 64)
TABLE_BUDGET = 32
DEFAULT_OUTPUT = HERE / "results" / "search.md"

BAYESIAN, TL_RANDOM, TPE, GP, RANDOM = (
    "TuneLab Bayesian", "TuneLab Random", "Optuna TPE", "Optuna GP", "random search")
HEBO, SMAC = HEBO_NAME, SMAC_NAME
OPTIMIZERS: tuple[str, ...] = (BAYESIAN, TL_RANDOM, TPE, GP, HEBO, SMAC, RANDOM)


# -- the optimizers, behind one interface ----------------------------------------------------
class Optimizer(Protocol):
    """What the benchmark drives: the ask-and-tell contract of TuneLab's strategies."""

    def suggest(self, n: int) -> list[dict[str, Any]]: ...

    def observe(self, point: dict[str, Any], value: float) -> None: ...


class TuneLabOptimizer:
    """A TuneLab strategy, built only through the public ``create_strategy``."""

    def __init__(self, strategy: str, problem: Problem, seed: int) -> None:
        from tuning.strategies import create_strategy

        self._strategy = create_strategy(strategy, problem.ranges, objective_type=problem.direction,
                                         random_seed=seed)
        kind = type(self._strategy)
        self.implementation = f"{kind.__module__}.{kind.__qualname__}"
        """Which class ``create_strategy`` gave: the strategy is being improved meanwhile."""

    def suggest(self, n: int) -> list[dict[str, Any]]:
        return self._strategy.suggest(n)

    def observe(self, point: dict[str, Any], value: float) -> None:
        self._strategy.observe(point, value)


def optuna_distribution(parameter: Parameter) -> Any:
    """The Optuna distribution that searches ``parameter`` the way its AMT scaling says."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    if isinstance(parameter, CategoricalParameter):
        return CategoricalDistribution(list(parameter.values))
    scaling = parameter.effective_scaling
    if scaling is ScalingType.REVERSE_LOGARITHMIC:
        raise ValueError("the benchmark's problems use no ReverseLogarithmic range")
    log = scaling is ScalingType.LOGARITHMIC
    kind = IntDistribution if isinstance(parameter, IntegerParameter) else FloatDistribution
    return kind(parameter.min_value, parameter.max_value, log=log)


class OptunaOptimizer:
    """An Optuna sampler asked ``n`` times (``study.ask``), then told each result (``study.tell``)."""

    def __init__(self, sampler_name: str, problem: Problem, seed: int) -> None:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        if sampler_name == GP:
            import torch

            torch.set_num_threads(1)
            sampler = optuna.samplers.GPSampler(seed=seed)
        else:
            sampler = optuna.samplers.TPESampler(seed=seed)
        self._study = optuna.create_study(direction=problem.direction.lower(), sampler=sampler)
        self._distributions = {name: optuna_distribution(p) for name, p in problem.ranges.items()}
        self._pending: list[tuple[dict[str, Any], Any]] = []

    def suggest(self, n: int) -> list[dict[str, Any]]:
        points = []
        for _ in range(n):
            trial = self._study.ask(self._distributions)
            point = dict(trial.params)
            self._pending.append((point, trial))
            points.append(point)
        return points

    def observe(self, point: dict[str, Any], value: float) -> None:
        for index, (pending, trial) in enumerate(self._pending):
            if pending is point:
                del self._pending[index]
                self._study.tell(trial, value)
                return
        raise KeyError(f"observe() of a point that was not suggested: {point!r}")


class RandomSearch:
    """Plain random search: each value uniform in its range's scaled space (numpy only)."""

    def __init__(self, problem: Problem, seed: int) -> None:
        self._ranges = dict(problem.ranges)
        # Its own stream: seeded with ``seed`` alone it would draw TuneLab Random's very points.
        self._rng = np.random.default_rng([seed, 20_260_526])

    def _draw(self, parameter: Parameter) -> Any:
        if isinstance(parameter, CategoricalParameter):
            return parameter.values[int(self._rng.integers(len(parameter.values)))]
        low, high = float(parameter.min_value), float(parameter.max_value)
        log = parameter.effective_scaling is ScalingType.LOGARITHMIC
        if isinstance(parameter, IntegerParameter):
            high += 1.0  # [low, high + 1) floored: every integer gets its share
        if log:
            value = math.exp(self._rng.uniform(math.log(low), math.log(high)))
        else:
            value = self._rng.uniform(low, high)
        if isinstance(parameter, IntegerParameter):
            return int(min(math.floor(value), parameter.max_value))
        return float(min(value, high))

    def suggest(self, n: int) -> list[dict[str, Any]]:
        return [{name: self._draw(p) for name, p in self._ranges.items()} for _ in range(n)]

    def observe(self, point: dict[str, Any], value: float) -> None:
        """Random search learns nothing."""


def torch_available() -> bool:
    return importlib.util.find_spec("torch") is not None


def make_optimizer(name: str, problem: Problem, seed: int, budget: int) -> Optimizer:
    """The optimizer called ``name`` (one of :data:`OPTIMIZERS`) for a run of ``budget`` jobs."""
    if name == BAYESIAN:
        return TuneLabOptimizer("Bayesian", problem, seed)
    if name == TL_RANDOM:
        return TuneLabOptimizer("Random", problem, seed)
    if name in (TPE, GP):
        return OptunaOptimizer(name, problem, seed)
    if name in PEERS:
        return make_peer(name, problem, seed, budget)
    if name == RANDOM:
        return RandomSearch(problem, seed)
    raise ValueError(f"unknown optimizer {name!r}; use one of {', '.join(OPTIMIZERS)}")


# -- one run -----------------------------------------------------------------------------------
def run_one(problem_name: str, optimizer_name: str, seed: int, budget: int) -> dict[str, Any]:
    """``budget`` jobs of one optimizer on one problem, in batches of :data:`BATCH`.

    Returns the objective value of each job in order, and the optimizer's cumulative
    seconds (inside suggest and observe) after each job.
    """
    problem = PROBLEMS[problem_name]
    spent = 0.0
    started = time.perf_counter()
    optimizer = make_optimizer(optimizer_name, problem, seed, budget)
    spent += time.perf_counter() - started
    values: list[float] = []
    seconds: list[float] = []
    while len(values) < budget:
        started = time.perf_counter()
        points = optimizer.suggest(min(BATCH, budget - len(values)))
        spent += time.perf_counter() - started
        results = [float(problem.objective(point)) for point in points]
        for point, value in zip(points, results):
            started = time.perf_counter()
            optimizer.observe(point, value)
            spent += time.perf_counter() - started
            values.append(value)
            seconds.append(spent)
    return {"problem": problem_name, "optimizer": optimizer_name, "seed": seed,
            "values": values, "seconds": seconds,
            "implementation": getattr(optimizer, "implementation", None)}


def _run_task(task: tuple[str, str, int, int]) -> dict[str, Any]:
    return run_one(*task)


# -- scoring (Bayesmark) -------------------------------------------------------------------------
def best_so_far(values: Sequence[float], direction: str) -> np.ndarray:
    """The best value after each job, in the objective's own units and direction."""
    array = np.asarray(values, dtype=float)
    return np.maximum.accumulate(array) if direction == "Maximize" else np.minimum.accumulate(array)


def bayesmark_score(opt_mean: float, random_mean: float, best: float, direction: str) -> float:
    """100 for ``best``, 0 for ``random_mean``, linear between (and beyond, either way).

    ``100 * (random_mean - opt_mean) / (random_mean - best)`` for a minimised objective;
    signs flipped for a maximised one. When random search's mean already is the best
    value, an optimizer that matches it scores 0 and one below it -100.
    """
    sign = -1.0 if direction == "Maximize" else 1.0
    gap = sign * (random_mean - best)
    gained = sign * (random_mean - opt_mean)
    if gap <= 0:
        return 0.0 if gained >= 0 else -100.0
    return 100.0 * gained / gap


def expected_best_of(pool: Sequence[float], n: int, direction: str) -> float:
    """The expected best of ``n`` draws, without replacement, from the values in ``pool``.

    Random search's zero point from *all* its evaluations on a problem (seeds x budget of
    them) rather than the mean of a few seeds' best-so-far: much less noise for the same
    runs (Bayesmark estimates its baseline from many random-search runs for the same
    reason). The k-th best of N values is the best of a draw of n with probability
    C(N - k, n - 1) / C(N, n).
    """
    values = np.sort(np.asarray(pool, dtype=float))
    if direction == "Maximize":
        values = values[::-1]
    size = len(values)
    if not 1 <= n <= size:
        raise ValueError(f"need 1 <= n <= {size} values in the pool, but got n={n}")
    ranks = np.arange(1, size + 1)
    # log C(N - k, n - 1) - log C(N, n), with log-gamma for large N.
    from scipy.special import gammaln

    def log_choose(a: np.ndarray | float, b: float) -> np.ndarray:
        a = np.asarray(a, dtype=float)
        with np.errstate(invalid="ignore"):
            out = gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1)
        return np.where(a >= b, out, -np.inf)

    weights = np.exp(log_choose(size - ranks, n - 1) - log_choose(size, n))
    return float(np.sum(weights * values) / np.sum(weights))


def score_runs(
    runs: Sequence[Mapping[str, Any]], budgets: Sequence[int]
) -> dict[int, dict[str, dict[str, float]]]:
    """``scores[budget][problem][optimizer]`` from finished runs (random search must be among them)."""
    by_pair: dict[tuple[str, str], list[np.ndarray]] = {}
    direction: dict[str, str] = {}
    random_pool: dict[str, list[float]] = {}
    for run in runs:
        problem = run["problem"]
        direction[problem] = run.get("direction") or PROBLEMS[problem].direction
        trace = best_so_far(run["values"], direction[problem])
        by_pair.setdefault((problem, run["optimizer"]), []).append(trace)
        if run["optimizer"] == RANDOM:
            random_pool.setdefault(problem, []).extend(run["values"])
    scores: dict[int, dict[str, dict[str, float]]] = {budget: {} for budget in budgets}
    for problem, sense in direction.items():
        if (problem, RANDOM) not in by_pair:
            raise ValueError(f"no random search runs on {problem!r}: the score's zero is missing")
        finals = [trace[-1] for (name, _), traces in by_pair.items() if name == problem
                  for trace in traces]
        best = max(finals) if sense == "Maximize" else min(finals)
        for budget in budgets:
            random_mean = expected_best_of(random_pool[problem], budget, sense)
            row = scores[budget].setdefault(problem, {})
            for (name, optimizer), traces in by_pair.items():
                if name == problem:
                    opt_mean = float(np.mean([t[budget - 1] for t in traces]))
                    row[optimizer] = bayesmark_score(opt_mean, random_mean, best, sense)
    return scores


def seconds_per_run(runs: Sequence[Mapping[str, Any]], budgets: Sequence[int]) -> dict[int, dict[tuple[str, str], float]]:
    """``seconds[budget][(problem, optimizer)]``: mean optimizer seconds per run up to ``budget``."""
    collected: dict[int, dict[tuple[str, str], list[float]]] = {budget: {} for budget in budgets}
    for run in runs:
        for budget in budgets:
            collected[budget].setdefault((run["problem"], run["optimizer"]), []).append(
                run["seconds"][budget - 1])
    return {budget: {key: float(np.mean(values)) for key, values in table.items()}
            for budget, table in collected.items()}


# -- report ------------------------------------------------------------------------------------
def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def report(runs: Sequence[Mapping[str, Any]], optimizers: Sequence[str], budget: int) -> str:
    """The benchmark's tables as Markdown (which also reads fine as plain text)."""
    budgets = [b for b in REPORTED_BUDGETS if b < budget] + [budget]
    table_budget = TABLE_BUDGET if TABLE_BUDGET in budgets else max(b for b in budgets if b <= budget)
    scores = score_runs(runs, budgets)
    seconds = seconds_per_run(runs, budgets)
    problems = [name for name in PROBLEMS if name in scores[budget]]
    names = [name for name in optimizers if any(run["optimizer"] == name for run in runs)]
    seeds = len({run["seed"] for run in runs})
    parts = [f"### Score per problem at {table_budget} jobs (batches of {BATCH}, {seeds} seeds; "
             "100 = best value anyone found, 0 = random search's expected best at that budget, from all its "
             "evaluations pooled; optimizer seconds per run "
             "in brackets)", ""]
    rows = []
    for problem in problems:
        rows.append([problem] + [f"{scores[table_budget][problem][name] + 0.0:.1f} "
                                 f"({seconds[table_budget][(problem, name)]:.2f} s)" for name in names])
    parts += [_markdown_table(["problem"] + names, rows), ""]
    parts += ["### Mean score over the problems, and optimizer seconds per run (mean over problems)", ""]
    rows = []
    for name in names:
        row = [name]
        for b in budgets:
            mean = np.mean([scores[b][problem][name] for problem in problems])
            secs = np.mean([seconds[b][(problem, name)] for problem in problems])
            row.append(f"{mean + 0.0:.1f} ({secs:.2f} s)")
        rows.append(row)
    parts += [_markdown_table(["optimizer"] + [f"{b} jobs" for b in budgets], rows), ""]
    if BAYESIAN in names:
        parts += ["### Against the issue's targets", ""]
        for b in budgets:
            ours = {p: scores[b][p][BAYESIAN] for p in problems}
            worst = min(ours, key=ours.get)
            mean = np.mean(list(ours.values()))
            peers = {n: np.mean([scores[b][p][n] for p in problems]) for n in names if n != BAYESIAN}
            best_peer = max(peers, key=peers.get) if peers else None
            line = (f"- {b} jobs: TuneLab Bayesian mean {mean:.1f}; minimum per-problem score of "
                    f"TuneLab Bayesian minus random's: {ours[worst] - scores[b][worst][RANDOM]:.1f} "
                    f"({worst}; target: never below 0)")
            if best_peer is not None:
                line += f"; best peer {best_peer} {peers[best_peer]:.1f}"
            if TPE in peers:
                line += f"; lead over Optuna TPE {mean - peers[TPE]:+.1f} (target: +10 or more)"
            parts.append(line)
        parts.append("")
        peers = [n for n in names if n not in (BAYESIAN, TL_RANDOM, RANDOM)]
        if peers:
            parts += ["### TuneLab Bayesian against the best peer on each problem (score difference; "
                      "the best peer in brackets)", ""]
            rows = []
            for problem in problems:
                row = [problem]
                for b in budgets:
                    best = max(peers, key=lambda n: scores[b][problem][n])
                    gap = scores[b][problem][BAYESIAN] - scores[b][problem][best]
                    row.append(f"{gap + 0.0:+.1f} ({best})")
                rows.append(row)
            parts += [_markdown_table(["problem"] + [f"{b} jobs" for b in budgets], rows), ""]
    if TL_RANDOM in names:
        # Same distribution as random search: whatever it scores is what the seeds leave to chance.
        chance = [scores[table_budget][p][TL_RANDOM] for p in problems]
        parts += [f"Noise yardstick: TuneLab Random samples the same distribution as random search, "
                  f"so its scores are chance alone: at {table_budget} jobs, mean {np.mean(chance):.1f}, "
                  f"per problem {min(chance):.1f} to {max(chance):.1f} with {seeds} seeds.", ""]
    return "\n".join(parts)


# -- command line ------------------------------------------------------------------------------
def run_benchmark(problems: Sequence[str], optimizers: Sequence[str], seeds: int, budget: int,
                  processes: int = 1, progress: bool = False) -> list[dict[str, Any]]:
    """Every (problem, optimizer, seed) run; in a ``multiprocessing`` pool when ``processes > 1``."""
    # The slowest optimizers first, so that the pool's last tasks are short ones.
    order = {name: rank for rank, name in enumerate((HEBO, GP, SMAC, BAYESIAN, TPE, TL_RANDOM, RANDOM))}
    tasks = [(problem, optimizer, seed, budget) for optimizer in sorted(optimizers, key=order.get)
             for problem in problems for seed in range(seeds)]
    runs: list[dict[str, Any]] = []
    started = time.perf_counter()

    def note(run: dict[str, Any]) -> None:
        runs.append(run)
        if progress:
            print(f"[{len(runs)}/{len(tasks)} {time.perf_counter() - started:.0f} s] {run['problem']} "
                  f"{run['optimizer']} seed {run['seed']}: optimizer {run['seconds'][-1]:.2f} s",
                  file=sys.stderr, flush=True)

    if processes > 1:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            for run in pool.imap_unordered(_run_task, tasks, chunksize=1):
                note(run)
    else:
        for task in tasks:
            note(_run_task(task))
    return runs


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", nargs="+", choices=list(PROBLEMS), metavar="PROBLEM",
                        help=f"a subset of: {', '.join(PROBLEMS)}")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=64, help="training jobs per run (default 64)")
    parser.add_argument("--optimizers", nargs="+", choices=list(OPTIMIZERS), metavar="OPTIMIZER",
                        help=f"a subset of: {', '.join(OPTIMIZERS)} (random search is always run)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="3 problems, 2 seeds, 16 jobs: a smoke run")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--save-runs", type=Path, help="also write every run's values as JSON (for rescoring)")
    parser.add_argument("--rescore", type=Path, help="score runs saved by --save-runs instead of running")
    args = parser.parse_args(argv)
    if args.quick:
        args.problems = args.problems or list(QUICK_PROBLEMS)
        args.seeds, args.budget = 2, 16
    args.problems = args.problems or list(PROBLEMS)
    args.optimizers = list(args.optimizers or OPTIMIZERS)
    if RANDOM not in args.optimizers:
        args.optimizers.append(RANDOM)
    return args


def skip_missing(optimizers: list[str]) -> list[str]:
    """Drop the optimizers whose benchmark-only package is missing; one note line for each."""
    notes = []
    if GP in optimizers and not torch_available():
        notes.append("note: torch is not installed, so Optuna GP is skipped "
                     "(pip install -r requirements-bench.txt)")
        optimizers.remove(GP)
    for name in PEERS:
        if name in optimizers and not peer_available(name):
            notes.append(f"note: {name}'s package is not installed, so {name} is skipped ({INSTALL_HINT})")
            optimizers.remove(name)
    return notes


def main(argv: Sequence[str] | None = None) -> str:
    args = parse_args(argv)
    notes = [] if args.rescore else skip_missing(args.optimizers)
    for line in notes:
        print(line, flush=True)
    started = time.perf_counter()
    if args.rescore:
        runs = json.loads(args.rescore.read_text())
        found = set(run["optimizer"] for run in runs)
        args.optimizers = [name for name in OPTIMIZERS if name in found] + sorted(found - set(OPTIMIZERS))
        args.budget = min(len(run["values"]) for run in runs)
    else:
        runs = run_benchmark(args.problems, args.optimizers, args.seeds, args.budget,
                             processes=args.processes, progress=True)
    if args.save_runs:
        args.save_runs.write_text(json.dumps(runs))
    elapsed = time.perf_counter() - started
    text = report(runs, args.optimizers, args.budget)
    print(text)
    print(f"{len(runs)} runs in {elapsed:.0f} s with {args.processes} processes")
    command = "python bench/bench_search.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    header = [
        "# Search efficiency: TuneLab's strategies against Optuna, HEBO, SMAC3 and random search (issues 5, 19)", "",
        f"Command: `{command.strip()}`  ",
        f"Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; {len(runs)} runs in "
        f"{elapsed:.0f} s with {args.processes} processes; load average at the end "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.  ",
        f"Budgets below {args.budget} jobs are the best-so-far of the {args.budget}-job runs.  ",
    ]
    used = sorted({run["implementation"] for run in runs if run["optimizer"] == BAYESIAN} - {None})
    if used:
        header.append(f"TuneLab Bayesian was `{'`, `'.join(used)}` (from `create_strategy`).  ")
    header += [line + "  " for line in notes]
    header.append("")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(header) + "\n" + text)
    print(f"written to {args.output}")
    return text


if __name__ == "__main__":
    main()
