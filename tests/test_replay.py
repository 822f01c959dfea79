"""The replay of a tuning job's strategy is honest: each step proposes what was launched next.

Issue 15, part 1. Real tuning jobs on a real store file (worker processes, the board),
then :func:`tuning.explain.replay` rebuilds the strategy from the record and replays it:
every step's proposals must equal, exactly, the hyperparameters of the training jobs
launched from that step, and every training job must come from one step.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tuning import ContinuousParameter, IntegerParameter, Store, TuningJobConfig, ValidationError, run_tuning_job
from tuning.explain import replay
from tuning.explain.replay import Replay
from tuning.running.resume import resume_tuning_job
from tuning.strategies import BayesianStrategy

ROOT = Path(__file__).resolve().parent.parent
RANGES = {"eta": ContinuousParameter(0.05, 0.5), "max_depth": IntegerParameter(1, 6)}


def _config(strategy: str, name: str, *, parallel: int, jobs: int | None = 6, **extra) -> TuningJobConfig:
    if strategy == "Hyperband":
        extra.setdefault("strategy_config", {"MinResource": 2, "MaxResource": 18})
        static = {}
    else:
        static = {"num_round": 18}
    if strategy == "Grid":
        extra.setdefault("strategy_config", {"GridPoints": 3})
        jobs = None
    return TuningJobConfig(dataset="iris", algorithm="xgboost", hyperparameter_ranges=RANGES,
                           static_hyperparameters=static, max_jobs=jobs, max_parallel_jobs=parallel,
                           strategy=strategy, name=name, **extra)


def _assert_honest(store: Store, name: str) -> list:
    """Each step's proposals are the launched jobs' hyperparameters; each job comes from a step."""
    steps = replay(store, name).steps()
    jobs = {job.name: job.hyperparameters for job in store.training_jobs(name)}
    launched: list[str] = []
    for step in steps:
        assert step.matches_record, f"step {step.number} of {name} proposed other points than recorded"
        assert [jobs[job] for job in step.launched] == step.proposed[:len(step.launched)], step.number
        launched.extend(step.launched)
    assert sorted(set(launched)) == sorted(jobs), (name, sorted(set(jobs) - set(launched)))
    return steps


@pytest.mark.parametrize("strategy", ["Random", "Grid", "Bayesian", "Hyperband"])
@pytest.mark.parametrize("parallel", [1, 3])
def test_each_step_proposes_exactly_the_jobs_launched_next(tmp_path, strategy, parallel):
    store = Store(tmp_path / "tunelab.db")
    job = run_tuning_job(_config(strategy, "replayed", parallel=parallel), store)
    assert job.status == "Completed"
    steps = _assert_honest(store, "replayed")
    first = steps[0]
    assert first.known == [] and first.pending == []
    assert len(first.proposed) == min(parallel * (2 if strategy in ("Random", "Grid") else 1), 9 if strategy == "Grid"
                                      else 6)
    last = steps[-1]
    assert set(last.known) | set(last.pending) | set(last.launched) <= {j.name for j in store.training_jobs("replayed")}
    if strategy == "Bayesian":
        by = {name for step in steps for name in step.proposers}
        assert by <= {"Gaussian process", "TPE", "Sobol start", "random start", "TPE (random start)"}, by
        assert "Sobol start" in by
        assert any(step.surrogate is not None for step in steps)


def test_replay_with_early_stopping_and_the_stopped_jobs_heard_as_interim(tmp_path):
    store = Store(tmp_path / "tunelab.db")
    config = TuningJobConfig(dataset="breast_cancer", algorithm="xgboost",
                             hyperparameter_ranges={"eta": ContinuousParameter(0.001, 0.5, "Logarithmic"),
                                                    "max_depth": IntegerParameter(1, 6)},
                             static_hyperparameters={"num_round": 60}, max_jobs=12, max_parallel_jobs=2,
                             strategy="Bayesian", early_stopping_type="Auto", random_seed=7, name="stopping")
    run_tuning_job(config, store)
    steps = _assert_honest(store, "stopping")
    stopped = {job.name for job in store.training_jobs("stopping") if job.status == "Stopped"}
    heard_stopped = steps[-1].stopped
    assert heard_stopped <= stopped
    if stopped:  # jobs stopped before the last step were heard as stopped (interim values)
        assert heard_stopped, "no stopped job was heard as stopped"


def test_a_job_resumed_after_a_crash_replays_both_stretches(tmp_path):
    db = tmp_path / "tunelab.db"
    config = _config("Bayesian", "crashed", parallel=2, jobs=10, random_seed=5)
    script = ("import json, os, signal, sys\n"
              "from tuning import Store, TuningJobConfig, run_tuning_job\n"
              "config = TuningJobConfig.from_dict(json.loads(sys.argv[2]))\n"
              "def callback(progress):\n"
              "    if progress.finished >= 5:\n"
              "        os.kill(os.getpid(), signal.SIGKILL)\n"
              "run_tuning_job(config, Store(sys.argv[1]), callback=callback)\n")
    result = subprocess.run([sys.executable, "-c", script, str(db), json.dumps(config.to_dict())],
                            capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    store = Store(db)
    store.mark_dead_runners()
    assert resume_tuning_job("crashed", store).status == "Completed"
    steps = _assert_honest(store, "crashed")
    assert {step.stretch for step in steps} == {0, 1}
    resumed = [step for step in steps if step.stretch == 1]
    assert len(resumed[0].known) >= 5  # the new strategy heard the finished jobs first


def test_a_job_without_a_record_says_it_cannot_be_replayed(tmp_path):
    store = Store(tmp_path / "tunelab.db")
    run_tuning_job(_config("Random", "old", parallel=1, jobs=2), store)
    with store.engine.begin() as connection:  # as a store written before the record existed
        connection.exec_driver_sql("DELETE FROM strategy_calls")
    with pytest.raises(ValidationError, match="cannot be replayed: it was run before TuneLab recorded"):
        replay(store, "old")
    with pytest.raises(ValidationError, match="no step 9"):
        Replay("x", [_start()], {}).step(9)


def _start() -> dict:
    return {"call": "start", "strategy": "Random", "random_seed": 1, "objective_type": "Maximize", "max_jobs": 4,
            "grid_points": 5, "ranges": {name: p.to_dict() for name, p in RANGES.items()}, "resumed": False}


def test_the_replayed_surrogate_is_the_model_the_strategy_used(tmp_path):
    """The Gaussian process at a replayed step predicts what the original one predicted then."""
    strategy = BayesianStrategy(hyperparameter_ranges=RANGES, objective_type="Maximize", random_seed=3, max_jobs=30)
    rng = np.random.default_rng(0)
    seen = []
    for _ in range(8):
        for point in strategy.suggest(2):
            strategy.observe(point, float(-(point["eta"] - 0.2) ** 2 - 0.01 * point["max_depth"] + rng.normal() * 1e-3),
                             job=f"job-{len(seen)}")
            seen.append(point)
    proposals = strategy.suggest(2)
    original = strategy.last_surrogate().predict(proposals)
    start = {**_start(), "strategy": "Bayesian", "random_seed": 3, "max_jobs": 30}
    replayed = Replay("direct", [start, *strategy.calls], {})
    last = replayed.step(replayed.total)
    assert last.proposed == proposals
    again = last.surrogate.predict(proposals)
    for key in ("mean", "std", "log_ei", "low", "high"):
        np.testing.assert_allclose(again[key], original[key], rtol=1e-12, atol=1e-12)
    assert len(last.known) == 16 and last.known[0] == "job-0"


def test_proposed_by_names_the_half_of_each_bayesian_job(tmp_path):
    from tuning.explain import proposed_by

    store = Store(tmp_path / "tunelab.db")
    run_tuning_job(_config("Bayesian", "halves", parallel=2, jobs=14, random_seed=2), store)
    by = proposed_by(store, "halves")
    assert sorted(by) == [job.name for job in store.training_jobs("halves")]
    assert "Gaussian process" in by.values() and "TPE" in by.values()
    steps = replay(store, "halves").steps()
    assert {name: proposer for step in steps for name, proposer in zip(step.launched, step.proposers)} == by


def test_tpe_s_good_and_bad_split_at_a_step_is_optuna_s_own(tmp_path):
    """The TPE view at a step splits the results TPE had then as TPE does: the best γ(n) are "good"."""
    import math

    store = Store(tmp_path / "tunelab.db")
    run_tuning_job(_config("Bayesian", "tpe", parallel=1, jobs=14, random_seed=6), store)
    steps = replay(store, "tpe").steps()
    last = steps[-1]
    good, bad = last.tpe.split()
    finished = [name for name in last.known if last.known_values[name] is not None]
    assert len(good) == min(math.ceil(0.1 * len(finished)), 25) and len(good) + len(bad) == len(last.known)
    value_of = {str(last.known_points[name]): last.known_values[name] for name in finished}
    assert min(value_of[str(point)] for point in good) >= max(value_of[str(point)] for point in bad
                                                              if str(point) in value_of)
    values = list(np.linspace(0.05, 0.5, 2001))
    densities = last.tpe.densities("eta", values)
    for key in ("good", "bad"):  # a density over eta's range (Linear): it integrates to about 1
        assert 0.9 < float(np.trapezoid(densities[key], values)) < 1.1, key
    np.testing.assert_allclose(densities["log_ratio"], densities["log_good"] - densities["log_bad"])
    assert steps[0].tpe is not None and not steps[0].tpe.in_use and last.tpe.in_use


def test_one_replay_asked_for_steps_by_many_threads_at_once(tmp_path):
    """The dashboard shares one cached Replay between sessions and reruns (CI once showed
    "generator already executing" when two reruns stepped it at once)."""
    from concurrent.futures import ThreadPoolExecutor

    store = Store(tmp_path / "tunelab.db")
    run_tuning_job(_config("Bayesian", "shared", parallel=1, jobs=8), store)
    shared = replay(store, "shared")
    alone = replay(store, "shared").steps()
    wanted = [shared.total - (i % 3) for i in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(shared.step, wanted))
    assert [step.proposed for step in got] == [alone[n - 1].proposed for n in wanted]
    assert [step.number for step in shared.done] == list(range(1, shared.total + 1))
