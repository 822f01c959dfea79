"""The search benchmark's scoring (Bayesmark's normalisation) and one tiny real run.

The benchmark itself is slow and timed; here only its arithmetic and the shape of its
output are checked, on hand-made numbers and on 8 jobs of Branin.
"""

from __future__ import annotations

import itertools

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import bench_search  # noqa: E402
from bench_search import (  # noqa: E402
    RANDOM,
    bayesmark_score,
    expected_best_of,
    best_so_far,
    report,
    run_benchmark,
    score_runs,
)


@pytest.mark.parametrize(
    "opt_mean, random_mean, best, direction, expected",
    [
        (1.0, 1.0, 0.0, "Minimize", 0.0),     # random's mean scores 0
        (0.0, 1.0, 0.0, "Minimize", 100.0),   # the best value scores 100
        (0.5, 1.0, 0.0, "Minimize", 50.0),
        (1.5, 1.0, 0.0, "Minimize", -50.0),   # worse than random goes negative
        (0.90, 0.90, 1.0, "Maximize", 0.0),
        (1.0, 0.90, 1.0, "Maximize", 100.0),
        (0.95, 0.90, 1.0, "Maximize", 50.0),
        (0.85, 0.90, 1.0, "Maximize", -50.0),
        (3.0, 3.0, 3.0, "Minimize", 0.0),     # random already at the best: no gap to share
        (4.0, 3.0, 3.0, "Minimize", -100.0),
    ],
)
def test_bayesmark_score_maps_random_mean_to_0_and_best_to_100(opt_mean, random_mean, best, direction, expected):
    assert bayesmark_score(opt_mean, random_mean, best, direction) == pytest.approx(expected)


def test_best_so_far_follows_the_direction():
    assert best_so_far([3, 1, 2, 0], "Minimize").tolist() == [3, 1, 1, 0]
    assert best_so_far([3, 1, 4, 0], "Maximize").tolist() == [3, 3, 4, 4]


def _run(optimizer: str, seed: int, values: list[float], problem: str = "branin") -> dict:
    return {"problem": problem, "optimizer": optimizer, "seed": seed, "values": values,
            "seconds": list(np.linspace(0.1, 0.1 * len(values), len(values)))}


def test_expected_best_of_matches_every_possible_draw():
    pool = [10, 8, 6, 6, 12, 10, 8, 4]
    for n in (1, 2, 3, 8):
        draws = list(itertools.combinations(pool, n))
        assert expected_best_of(pool, n, "Minimize") == pytest.approx(np.mean([min(d) for d in draws]))
        assert expected_best_of(pool, n, "Maximize") == pytest.approx(np.mean([max(d) for d in draws]))
    with pytest.raises(ValueError):
        expected_best_of(pool, 9, "Minimize")


@pytest.mark.parametrize("direction, sign", [("Minimize", 1.0), ("Maximize", -1.0)])
def test_score_runs_uses_random_searchs_pooled_expected_best_and_best_of_anyone(direction, sign):
    # Values in "minimise" units, flipped for Maximize: the scores must not change.
    runs = [
        _run(RANDOM, 0, [sign * v for v in [10, 8, 6, 6]]),
        _run(RANDOM, 1, [sign * v for v in [12, 10, 8, 4]]),
        _run("X", 0, [sign * v for v in [9, 5, 2, 2]]),
        _run("X", 1, [sign * v for v in [11, 7, 6, 3]]),
    ]
    for run in runs:
        run["direction"] = direction
    scores = score_runs(runs, [2, 4])
    pool = [10, 8, 6, 6, 12, 10, 8, 4]
    for budget, x_mean in ((2, 6.0), (4, 2.5)):
        zero = np.mean([min(d) for d in itertools.combinations(pool, budget)])
        # best anyone found: 2 (X, seed 0)
        assert scores[budget]["branin"]["X"] == pytest.approx(100 * (zero - x_mean) / (zero - 2))


def test_score_runs_needs_random_search():
    with pytest.raises(ValueError, match="random search"):
        score_runs([_run("X", 0, [1.0, 2.0])], [2])


def test_tiny_real_run_has_one_value_and_one_time_per_job():
    optimizers = ["TuneLab Bayesian", RANDOM]
    runs = run_benchmark(["branin"], optimizers, seeds=1, budget=8, processes=1)
    assert sorted(run["optimizer"] for run in runs) == sorted(optimizers)
    for run in runs:
        assert len(run["values"]) == len(run["seconds"]) == 8
        assert all(np.isfinite(run["values"]))
        assert run["seconds"] == sorted(run["seconds"])  # cumulative
    text = report(runs, optimizers, budget=8)
    assert "| branin |" in text and "TuneLab Bayesian" in text and "8 jobs" in text


def test_random_search_stays_inside_the_ranges():
    problem = bench_search.PROBLEMS["rf-bank"]
    points = bench_search.RandomSearch(problem, seed=3).suggest(200)
    for name, parameter in problem.ranges.items():
        values = [point[name] for point in points]
        if hasattr(parameter, "values"):
            assert set(values) <= set(parameter.values)
        else:
            assert parameter.min_value <= min(values) and max(values) <= parameter.max_value


def test_a_missing_peer_is_skipped_with_a_note(monkeypatch):
    # As if HEBO and SMAC3 were not installed (the main venv has neither; a bench venv has both).
    monkeypatch.setattr(bench_search, "peer_available", lambda name: False)
    optimizers = ["TuneLab Bayesian", "HEBO", "SMAC3", RANDOM]
    notes = bench_search.skip_missing(optimizers)
    assert optimizers == ["TuneLab Bayesian", RANDOM]
    assert len(notes) == 2
    for name, note in zip(("HEBO", "SMAC3"), notes):
        assert note.startswith(f"note: {name}'s package is not installed, so {name} is skipped")
        assert "scripts/bench-venv.sh" in note


def test_a_missing_peer_leaves_the_run_and_its_report_going(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(bench_search, "peer_available", lambda name: False)
    output = tmp_path / "search.md"
    text = bench_search.main(["--problems", "branin", "--seeds", "1", "--budget", "8", "--processes", "1",
                              "--optimizers", "HEBO", "SMAC3", "--output", str(output)])
    printed = capsys.readouterr().out
    assert "HEBO is skipped" in printed and "SMAC3 is skipped" in printed
    assert "| branin |" in text and "HEBO" not in text.split("###")[1]  # only random search ran
    assert "SMAC3 is skipped" in output.read_text()


@pytest.mark.parametrize("peer", ["HEBO", "SMAC3"])
@pytest.mark.parametrize("problem_name", ["rf-bank", "logreg-breast_cancer", "knn-california", "branin"])
def test_each_peer_suggests_points_inside_the_ranges_and_learns_from_them(peer, problem_name):
    if not bench_search.peer_available(peer):
        pytest.skip(f"{peer} is not installed (bash scripts/bench-venv.sh builds a venv with it)")
    problem = bench_search.PROBLEMS[problem_name]
    # A cheap stand-in objective: the suggest/observe round trip is what is checked here.
    rng = np.random.default_rng(0)
    optimizer = bench_search.make_optimizer(peer, problem, seed=1, budget=16)
    suggested = []
    for _ in range(4):  # past HEBO's and SMAC's initial designs, so the models propose too
        points = optimizer.suggest(4)
        assert len(points) == 4
        for point in points:
            optimizer.observe(point, float(rng.normal()))
        suggested += points
    for point in suggested:
        assert set(point) == set(problem.ranges)
        for name, parameter in problem.ranges.items():
            value = point[name]
            if hasattr(parameter, "values"):
                # the range's own objects (True, 1, "gini"), not numpy's or a str label
                assert any(value is v or (type(value) is type(v) and value == v) for v in parameter.values)
            else:
                kind = int if type(parameter).__name__ == "IntegerParameter" else float
                assert type(value) is kind
                assert parameter.min_value <= value <= parameter.max_value
    with pytest.raises(KeyError):
        optimizer.observe(dict(suggested[0]), 0.0)  # a copy was never suggested
