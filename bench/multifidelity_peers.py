"""Syne Tune's ASHA and BOHB on a tabulated table, for ``bench_multifidelity.py`` (benchmark only).

Syne Tune 0.16 (``requirements-bench.txt``; installed ``--no-deps`` in the bench venv,
because its metadata pulls the full ``xgboost`` wheel beside TuneLab's ``xgboost-cpu``)
is driven through its scheduler interface (``suggest``, ``on_trial_add``,
``on_trial_result``, ``on_trial_complete``) by the same event loop as Optuna's peers: 4
simulated asynchronous workers stepping through the tabulated curves in tabulated time,
a trial stopped where the scheduler answers STOP. TuneLab never imports this module.
"""

from __future__ import annotations

import datetime
import heapq
import importlib.util
from typing import Any

import tabular_replay

SYNE_TUNE_PEERS = ("Syne Tune ASHA", "Syne Tune BOHB")


def syne_tune_available() -> bool:
    return importlib.util.find_spec("syne_tune") is not None


def _space(ranges: dict[str, Any]) -> dict[str, Any]:
    from syne_tune.config_space import lograndint, loguniform, randint, uniform

    space = {}
    for name, parameter in ranges.items():
        low, high = parameter.min_value, parameter.max_value
        log = str(parameter.effective_scaling) == "Logarithmic"
        if type(parameter).__name__ == "IntegerParameter":
            space[name] = (lograndint if log else randint)(int(low), int(high))
        else:
            space[name] = (loguniform if log else uniform)(float(low), float(high))
    return space


def syne_tune_run(table: dict[str, Any], seed: int, *, peer: str, budget_jobs: int, workers: int) -> list:
    """One run of ``peer`` until ``budget_jobs`` full-resource jobs' resource is reported; finished jobs."""
    from syne_tune.backend.trial_status import Trial
    from syne_tune.optimizer.baselines import ASHA, BOHB
    from syne_tune.optimizer.scheduler import SchedulerDecision

    ranges = {name: tabular_replay.parameter_from_dict(name, value) for name, value in table["ranges"].items()}
    replay = tabular_replay.replay_class(table, 0.0)()
    top = int(table["max_resource"])
    kind = ASHA if peer == "Syne Tune ASHA" else BOHB
    scheduler = kind(_space(ranges), metric="objective", time_attr="step", max_t=top,
                     do_minimize=not table["higher_is_better"], random_seed=seed)
    rows = table["configurations"]
    events: list = []
    finished: list = []
    counter = used = 0

    def start(now: float) -> bool:
        nonlocal counter
        suggestion = scheduler.suggest()
        if suggestion is None:
            return False
        trial = Trial(trial_id=counter, config=suggestion.config, creation_time=datetime.datetime.now())
        scheduler.on_trial_add(trial)
        row = rows[replay.nearest(suggestion.config)]
        heapq.heappush(events, (now + row["seconds"][0], counter, (trial, row, 0)))
        counter += 1
        return True

    for _ in range(workers):
        start(0.0)
    while events:
        now, _, (trial, row, position) = heapq.heappop(events)
        value, step = row["values"][position], row["steps"][position]
        used += step - (row["steps"][position - 1] if position else 0)  # in the resource's units (trees, rounds)
        result = {"objective": value, "step": step}
        last = position + 1 >= len(row["steps"])
        decision = SchedulerDecision.STOP if last else scheduler.on_trial_result(trial, result)
        if last:
            scheduler.on_trial_complete(trial, result)
        if decision != SchedulerDecision.CONTINUE:
            finished.append((float(step), now, float(value)))  # the resource used: the last step reached
            if used < budget_jobs * top:
                start(now)
        else:
            heapq.heappush(events, (now + row["seconds"][position + 1], counter, (trial, row, position + 1)))
            counter += 1
    return finished
