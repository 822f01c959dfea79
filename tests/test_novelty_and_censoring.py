"""Issue 12: no strategy proposes a point already tried or running; stopped jobs are censored.

Two points are the same when their integer and categorical values agree and every
continuous value lies within 2% of its scaled range (tuning.strategies._novelty).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from tuning import CategoricalParameter, ContinuousParameter, IntegerParameter
from tuning.strategies import create_strategy
from tuning.strategies._novelty import NEAR, SeenPoints

LESSON = {
    "max_depth": IntegerParameter(3, 10, scaling_type="Linear"),
    "eta": ContinuousParameter(0.01, 0.3, scaling_type="Logarithmic"),
    "gamma": ContinuousParameter(0, 5, scaling_type="Linear"),
}


def _same(ranges, a, b):
    for name, parameter in ranges.items():
        if isinstance(parameter, (IntegerParameter, CategoricalParameter)):
            if a[name] != b[name]:
                return False
        elif abs(parameter.to_unit(a[name]) - parameter.to_unit(b[name])) >= NEAR:
            return False
    return True


def _duplicates(ranges, points):
    return [(a, b) for a, b in combinations(points, 2) if _same(ranges, a, b)]


def _lesson_score(point):
    # A smooth objective whose optimum (eta 0.2, depth 6, gamma 0) pulls a model back to it.
    return 0.91 - (np.log10(point["eta"]) - np.log10(0.2)) ** 2 * 0.05 - abs(point["max_depth"] - 6) * 0.002 \
        - point["gamma"] * 0.001


def test_seen_points_uses_two_percent_of_the_scaled_range_and_exact_discrete_values():
    seen = SeenPoints(LESSON)
    seen.add({"max_depth": 4, "eta": 0.076, "gamma": 0.77})
    assert not seen.is_new({"max_depth": 4, "eta": 0.0765, "gamma": 0.78})   # within 2% of eta's decades and gamma
    assert seen.is_new({"max_depth": 5, "eta": 0.076, "gamma": 0.77})        # another depth
    assert seen.is_new({"max_depth": 4, "eta": 0.076, "gamma": 0.77 + 0.11})  # gamma 2.2% of 0-5 away
    assert not seen.is_new({"max_depth": 4, "eta": 0.3, "gamma": 1.0}, also=[{"max_depth": 4, "eta": 0.3, "gamma": 1.01}])
    assert len(seen) == 1


@pytest.mark.parametrize("strategy_name", ["Random", "Bayesian", "Hyperband"])
@pytest.mark.parametrize("batch", [1, 3])
def test_no_strategy_repeats_a_point_tried_or_running(strategy_name, batch):
    strategy = create_strategy(strategy_name, LESSON, random_seed=2, max_jobs=30)
    points, running = [], []
    for _ in range(30 // batch):
        for point in strategy.suggest(batch):
            points.append(point)
            running.append(point)
        # Results come back one batch late: the next batch is chosen with jobs still running.
        while len(running) > batch:
            done = running.pop(0)
            strategy.observe(done, _lesson_score(done), stopped_at=10 if done["max_depth"] < 4 else None)
    assert _duplicates(LESSON, points) == []
    assert strategy.repeats_note is None


def test_a_warm_start_result_counts_as_tried():
    strategy = create_strategy("Random", {"depth": IntegerParameter(1, 4)}, random_seed=0)
    for depth in (1, 2, 3):
        strategy.observe({"depth": depth}, 0.5)
    assert strategy.suggest(1) == [{"depth": 4}]


def test_an_exhausted_space_repeats_and_says_so():
    ranges = {"depth": IntegerParameter(1, 3), "booster": CategoricalParameter(["gbtree", "dart"])}
    strategy = create_strategy("Bayesian", ranges, random_seed=1)
    first = []
    for _ in range(6):
        [point] = strategy.suggest(1)
        first.append(point)
        strategy.observe(point, float(point["depth"]))
    assert _duplicates(ranges, first) == []  # all six points of the space, each once
    assert strategy.repeats_note is None
    more = strategy.suggest(2)
    assert len(more) == 2
    assert "The search space is exhausted: 2 suggestion(s) repeated" in strategy.repeats_note


def test_grid_is_left_as_it_is():
    strategy = create_strategy("Grid", {"x": ContinuousParameter(0, 1)}, grid_points=50)
    assert len({p["x"] for p in strategy.suggest(50)}) == 50
    assert strategy.repeats_note is None


def test_random_keeps_its_sequence_when_nothing_repeats():
    ranges = {"a": ContinuousParameter(0, 1), "b": ContinuousParameter(0, 1), "c": ContinuousParameter(0, 1)}
    one = create_strategy("Random", ranges, random_seed=9).suggest(12)
    other = create_strategy("Random", ranges, random_seed=9)
    assert [p for _ in range(4) for p in other.suggest(3)] == one


# -- censored: a stopped job's interim value is not its score ---------------------------------

def _gp_after(stopped_value):
    """A Bayesian strategy's Gaussian process told 8 finished jobs and one stopped job."""
    strategy = create_strategy("Bayesian", LESSON, random_seed=3)
    random = create_strategy("Random", LESSON, random_seed=4)
    for point in random.suggest(8):
        strategy.observe(point, _lesson_score(point))
    stopped = {"max_depth": 6, "eta": 0.2, "gamma": 0.1}  # at the optimum, stopped early
    strategy.observe(stopped, stopped_value, stopped_at=10)
    gp = strategy._gp
    x, y, censored = gp._training_set()
    warped = np.zeros_like(y)
    warped[~censored] = gp._warp(y[~censored])
    return warped, gp._impute_censored(x, warped, censored), censored


def test_the_interim_value_of_a_stopped_job_is_not_used_as_its_score():
    _, low, censored = _gp_after(0.50)   # a terrible interim value...
    _, high, _ = _gp_after(0.90)         # ...or a good one: the model learns the same
    assert censored.tolist() == [False] * 8 + [True]
    assert low[-1] == pytest.approx(high[-1])


def test_a_stopped_job_is_imputed_as_at_least_as_bad_as_the_median():
    warped, imputed, censored = _gp_after(0.50)
    # "lower is better": the stopped job is known only to be no better than the median finished job.
    assert imputed[-1] >= np.median(warped[~censored]) - 1e-12
    assert np.array_equal(imputed[~censored], warped[~censored])
