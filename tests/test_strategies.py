"""Search strategies: one contract for all four, then what each one promises on its own."""

from __future__ import annotations

import logging
import math
import statistics
import time

import optuna
import pytest
from optuna.trial import TrialState

from tuning import CategoricalParameter, ContinuousParameter, IntegerParameter, ValidationError
from tuning.strategies import (
    STRATEGY_NAMES,
    BayesianStrategy,
    TPEStrategy,
    GridStrategy,
    HyperbandStrategy,
    RandomStrategy,
    Strategy,
    create_strategy,
)
from tuning.strategies._portfolio import GAUSSIAN_PROCESS

MIXED = {
    "eta": ContinuousParameter(0.1, 0.5),
    "alpha": ContinuousParameter(1e-3, 1e3, scaling_type="Logarithmic"),
    "momentum": ContinuousParameter(0.9, 0.999, scaling_type="ReverseLogarithmic"),
    "max_depth": IntegerParameter(1, 10),
    "booster": CategoricalParameter(["gbtree", "dart", "gblinear"]),
}

# Every range kind under every scaling type it accepts (Auto resolved both ways).
RANGE_CASES = {
    "continuous-auto-linear": ContinuousParameter(0.01, 0.99),
    "continuous-auto-log": ContinuousParameter(1e-3, 10.0),
    "continuous-linear": ContinuousParameter(-2.0, 3.0, scaling_type="Linear"),
    "continuous-log": ContinuousParameter(1e-5, 1e2, scaling_type="Logarithmic"),
    "continuous-reverse-log": ContinuousParameter(0.0, 0.999, scaling_type="ReverseLogarithmic"),
    "integer-auto": IntegerParameter(1, 1000),
    "integer-linear": IntegerParameter(-3, 7, scaling_type="Linear"),
    "integer-log": IntegerParameter(2, 4096, scaling_type="Logarithmic"),
    "categorical-strings": CategoricalParameter(["gbtree", "dart", "gblinear"]),
    "categorical-mixed": CategoricalParameter([1, True, "auto", 2.5]),
}


def _score(ranges, point):
    """A deterministic objective: high where every numeric value is high, or a later category."""
    total = 0.0
    for name, parameter in ranges.items():
        if isinstance(parameter, CategoricalParameter):
            total += parameter.index(point[name]) / len(parameter.values)
        else:
            total += parameter.to_unit(point[name])
    return total


def _assert_inside(parameter, value):
    if isinstance(parameter, CategoricalParameter):
        assert any(value == choice and type(value) is type(choice) for choice in parameter.values), value
    elif isinstance(parameter, IntegerParameter):
        assert type(value) is int
        assert parameter.min_value <= value <= parameter.max_value
    else:
        assert type(value) is float
        assert parameter.min_value <= value <= parameter.max_value


def _run(strategy, ranges, *, rounds, batch):
    """Suggest ``batch`` at a time and observe each result in order; return everything suggested."""
    seen = []
    for _ in range(rounds):
        for point in strategy.suggest(batch):
            seen.append(point)
            strategy.observe(point, _score(ranges, point))
    return seen


# -- the contract, run against every strategy --------------------------------------------------


@pytest.fixture(params=STRATEGY_NAMES)
def make(request):
    """Build the strategy under test with any ranges (Grid gets room for its whole grid)."""

    def build(ranges, **kwargs) -> Strategy:
        return create_strategy(request.param, ranges, **kwargs)

    build.name = request.param
    return build


def test_create_strategy_gives_the_named_strategy_in_any_case(make):
    strategy = create_strategy(f"  {make.name.upper()} ", MIXED)
    assert isinstance(strategy, Strategy)
    assert strategy.name == make.name
    expected = {"Grid": GridStrategy, "Random": RandomStrategy, "Bayesian": BayesianStrategy,
                "Hyperband": HyperbandStrategy}[make.name]
    assert type(strategy) is expected


@pytest.mark.parametrize("case", list(RANGE_CASES))
def test_suggestions_have_the_range_type_and_stay_inside_it(make, case):
    ranges = {case: RANGE_CASES[case], "other": IntegerParameter(1, 3)}
    strategy = make(ranges, random_seed=0)
    seen = _run(strategy, ranges, rounds=12, batch=2)
    assert seen
    for point in seen:
        assert list(point) == list(ranges)
        for name, parameter in ranges.items():
            _assert_inside(parameter, point[name])


def test_suggest_returns_n_dicts_and_nothing_for_n_below_one(make):
    strategy = make(MIXED, random_seed=1)
    assert strategy.suggest(0) == []
    assert strategy.suggest(-3) == []
    batch = strategy.suggest(3)
    assert len(batch) == 3
    assert all(isinstance(point, dict) and set(point) == set(MIXED) for point in batch)


def test_suggest_refuses_a_count_that_is_not_whole(make):
    strategy = make(MIXED)
    with pytest.raises(ValidationError, match=r"suggest\(n\) needs a whole number.*2.5"):
        strategy.suggest(2.5)


def test_same_seed_and_same_observations_give_the_same_suggestions(make):
    first = _run(make(MIXED, random_seed=7), MIXED, rounds=14, batch=1)
    second = _run(make(MIXED, random_seed=7), MIXED, rounds=14, batch=1)
    assert first == second


def test_failed_stopped_and_foreign_results_are_taken_in_stride(make):
    strategy = make(MIXED, random_seed=3)
    first, second, third = strategy.suggest(3)
    strategy.observe(first, None)
    strategy.observe(second, 0.4, stopped_at=5)
    strategy.observe(third, float("nan"))  # cannot be ranked: counts as a failure
    foreign = {"eta": 0.3, "alpha": 1.0, "momentum": 0.99, "max_depth": 4, "booster": "dart", "seed": 1}
    strategy.observe(foreign, 0.9)
    for point in strategy.suggest(3):
        for name, parameter in MIXED.items():
            _assert_inside(parameter, point[name])


@pytest.mark.parametrize(
    "change, message",
    [
        ({"eta": 0.7}, r"'eta'.*0.7 lies outside its range \[0.1, 0.5\]"),
        ({"max_depth": 2.5}, r"'max_depth'.*whole number"),
        ({"booster": "linear"}, r"'booster'.*'linear' is not one of"),
        ({"alpha": "big"}, r"'alpha'.*finite number"),
    ],
)
def test_observe_refuses_hyperparameters_outside_the_ranges(make, change, message):
    strategy = make(MIXED)
    point = {**strategy.suggest(1)[0], **change}
    with pytest.raises(ValidationError, match=message):
        strategy.observe(point, 0.5)


def test_observe_refuses_missing_hyperparameters_and_bad_values(make):
    strategy = make(MIXED)
    point = strategy.suggest(1)[0]
    with pytest.raises(ValidationError, match=r"lack 'eta'.*Pass every tuned one"):
        strategy.observe({k: v for k, v in point.items() if k != "eta"}, 0.5)
    with pytest.raises(ValidationError, match=r"value must be a number or None.*'high'"):
        strategy.observe(point, "high")
    with pytest.raises(ValidationError, match=r"stopped_at must be None or the whole-number step"):
        strategy.observe(point, 0.5, stopped_at=-1)


def test_only_a_grid_knows_its_size_and_runs_out(make):
    ranges = {"depth": IntegerParameter(1, 3), "booster": CategoricalParameter(["a", "b"])}
    strategy = make(ranges, random_seed=0)
    assert strategy.exhausted is False
    strategy.suggest(6)
    if make.name == "Grid":
        assert strategy.total_jobs == 6
        assert strategy.exhausted is True
        assert strategy.suggest(2) == []
    else:
        assert strategy.total_jobs is None
        assert strategy.exhausted is False
        assert len(strategy.suggest(2)) == 2


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": "Annealing"}, r"unknown strategy 'Annealing'; use one of Grid, Random, Bayesian, Hyperband"),
        ({"name": None}, r"unknown strategy None"),
        ({"objective_type": "Maximise"}, r"objective_type.*'Maximize' or 'Minimize'.*'Maximise'"),
        ({"hyperparameter_ranges": {}}, r"hyperparameter_ranges is empty.*Add one"),
        ({"hyperparameter_ranges": [("eta", 0.1)]}, r"must be a dict"),
        ({"hyperparameter_ranges": {"eta": 0.1}}, r"'eta': expected a ContinuousParameter"),
        ({"max_jobs": 0}, r"max_jobs \(MaxNumberOfTrainingJobs\).*at least 1.*got 0"),
        ({"max_jobs": 2.5}, r"max_jobs.*whole number.*2.5"),
        ({"max_jobs": True}, r"max_jobs.*True"),
        ({"grid_points": 1}, r"grid_points \(GridPoints\) must be a whole number from 2.*got 1"),
        ({"grid_points": 3.0}, r"grid_points \(GridPoints\) must be a whole number.*3.0"),
        ({"grid_points": {"eta": 1}}, r"grid_points\['eta'\].*from 2.*got 1"),
        ({"grid_points": {"gamma": 3}}, r"names 'gamma', which is not a tuned hyperparameter"),
        ({"grid_points": {"booster": 3}}, r"'booster', a categorical range.*Remove that entry"),
        ({"random_seed": -1}, r"random_seed \(RandomSeed\).*0 to 2147483647.*-1"),
        ({"random_seed": "42"}, r"random_seed.*'42'"),
    ],
)
@pytest.mark.parametrize("name", STRATEGY_NAMES)
def test_bad_input_is_refused_with_the_fix(name, kwargs, message):
    arguments = {"name": name, "hyperparameter_ranges": MIXED, **kwargs}
    with pytest.raises(ValidationError, match=message):
        create_strategy(**arguments)


# -- Random -----------------------------------------------------------------------------------


def _random_draws(parameter, n=2000, seed=0):
    strategy = RandomStrategy(hyperparameter_ranges={"p": parameter}, random_seed=seed)
    return [point["p"] for point in strategy.suggest(n)]


def test_random_log_range_has_its_median_near_the_geometric_mean():
    draws = _random_draws(ContinuousParameter(1e-3, 1e3, scaling_type="Logarithmic"))
    assert 0.5 < statistics.median(draws) < 2.0  # geometric mean 1, arithmetic mean 500
    decades = [sum(10.0**k <= d < 10.0 ** (k + 1) for d in draws) for k in range(-3, 3)]
    assert min(decades) > 250  # about 333 draws in each of the six decades


def test_random_linear_range_has_its_median_near_the_arithmetic_mean():
    draws = _random_draws(ContinuousParameter(1e-3, 1e3, scaling_type="Linear"))
    assert 450 < statistics.median(draws) < 550


def test_random_reverse_log_range_clusters_near_one():
    draws = _random_draws(ContinuousParameter(0.0, 0.999, scaling_type="ReverseLogarithmic"))
    assert statistics.median(draws) > 0.95  # 1 - 10**-1.5: half the draws lie above 0.968
    assert sum(d > 0.99 for d in draws) > 0.25 * len(draws)


def test_random_integers_and_categories_are_drawn_evenly():
    depths = _random_draws(IntegerParameter(1, 4))
    assert {depth: depths.count(depth) for depth in range(1, 5)} == pytest.approx(
        {depth: 500 for depth in range(1, 5)}, abs=80
    )
    boosters = _random_draws(CategoricalParameter(["gbtree", "dart"]))
    assert abs(boosters.count("dart") - 1000) < 100


def test_random_seed_fixes_the_sequence_whatever_the_batch_sizes():
    def draws(batches, seed=11):
        strategy = create_strategy("Random", MIXED, random_seed=seed)
        return [point for size in batches for point in strategy.suggest(size)]

    one_by_one = draws([1] * 12)
    assert draws([12]) == one_by_one
    assert draws([5, 0, 7]) == one_by_one
    assert draws([12], seed=12) != one_by_one


# -- Grid -------------------------------------------------------------------------------------


def test_grid_runs_every_combination_in_product_order():
    grid = create_strategy(
        "Grid",
        {"depth": IntegerParameter(1, 3), "booster": CategoricalParameter(["gbtree", "dart"])},
        max_jobs=6,
    )
    assert grid.total_jobs == 6
    first = grid.suggest(4)
    assert grid.exhausted is False
    rest = grid.suggest(4)
    assert len(rest) == 2  # fewer than asked: the grid ran out
    assert grid.exhausted is True
    assert [(p["depth"], p["booster"]) for p in first + rest] == [
        (1, "gbtree"), (1, "dart"), (2, "gbtree"), (2, "dart"), (3, "gbtree"), (3, "dart"),
    ]


def test_grid_spaces_numeric_points_with_the_scaling_and_keeps_the_ends():
    grid = create_strategy(
        "Grid",
        {
            "alpha": ContinuousParameter(1e-3, 1e3, scaling_type="Logarithmic"),
            "eta": ContinuousParameter(0.0, 1.0),
        },
        grid_points={"alpha": 7},
    )
    points = grid.suggest(grid.total_jobs)
    assert grid.total_jobs == 7 * 5
    alphas = sorted({p["alpha"] for p in points})
    assert alphas == pytest.approx([1e-3, 1e-2, 1e-1, 1.0, 1e1, 1e2, 1e3])
    assert sorted({p["eta"] for p in points}) == pytest.approx([0.0, 0.25, 0.5, 0.75, 1.0])
    assert all(type(p["alpha"]) is float for p in points)


def test_grid_uses_every_value_of_a_small_integer_range():
    ranges = {
        "depth": IntegerParameter(2, 4),
        "layers": IntegerParameter(1, 100, scaling_type="Linear"),
        "trees": IntegerParameter(1, 100),  # Auto: max / min reaches 100, so Logarithmic
    }
    grid = create_strategy("Grid", ranges, grid_points=5)
    points = grid.suggest(100)
    assert grid.total_jobs == 3 * 5 * 5 == len(points)
    assert sorted({p["depth"] for p in points}) == [2, 3, 4]
    assert sorted({p["layers"] for p in points}) == [1, 26, 50, 75, 100]
    assert sorted({p["trees"] for p in points}) == [1, 3, 10, 32, 100]
    assert all(type(p[name]) is int for p in points for name in ranges)


def test_grid_order_does_not_depend_on_the_seed_or_the_batch_sizes():
    one = create_strategy("Grid", MIXED, random_seed=1)
    two = create_strategy("Grid", MIXED, random_seed=2)
    assert one.total_jobs == 5 * 5 * 5 * 5 * 3
    assert one.suggest(40) == [point for size in (3, 17, 20) for point in two.suggest(size)]


def test_grid_larger_than_max_jobs_is_refused_with_its_size_and_the_way_out():
    ranges = {
        "eta": ContinuousParameter(0.1, 0.5),
        "alpha": ContinuousParameter(1e-3, 1.0),
        "max_depth": IntegerParameter(1, 4),
    }
    with pytest.raises(ValidationError) as caught:
        create_strategy("Grid", ranges, max_jobs=50)
    message = str(caught.value)
    assert "5 x 5 x 4 = 100" in message
    assert "max_jobs (MaxNumberOfTrainingJobs) = 50" in message
    assert "fewer grid_points" in message and "fewer ranges" in message
    assert "raise MaxNumberOfTrainingJobs to 100" in message
    assert create_strategy("Grid", ranges, max_jobs=100).total_jobs == 100


def test_a_grid_of_ten_million_is_refused_at_once_even_without_max_jobs():
    ranges = {f"x{i}": ContinuousParameter(0.0, 1.0) for i in range(7)}
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=r"10000000 combinations \(10 x 10 x .* = 10000000.*100000"):
        create_strategy("Grid", ranges, grid_points=10)
    assert time.perf_counter() - started < 0.5


# -- Bayesian and Hyperband -------------------------------------------------------------------


def test_bayesian_parallel_suggestions_are_distinct_and_spread_out():
    strategy = create_strategy("Bayesian", MIXED, random_seed=0)
    startup = strategy.suggest(12)
    assert len({tuple(sorted(point.items())) for point in startup}) == 12
    for point in startup:
        strategy.observe(point, _score(MIXED, point))
    assert strategy.observed == 12
    batch = strategy.suggest(4)  # from the model now: each pick is "believed" before the next
    keys = {tuple(sorted(point.items())) for point in batch}
    assert len(keys) == 4
    assert not keys & {tuple(sorted(point.items())) for point in startup}
    # Jobs still running count too: the next batch avoids them.
    again = strategy.suggest(4)
    assert not keys & {tuple(sorted(point.items())) for point in again}


def test_bayesian_learns_from_failed_and_foreign_results_and_stays_inside_the_ranges():
    strategy = create_strategy("Bayesian", MIXED, random_seed=0)
    first = strategy.suggest(6)
    strategy.observe(first[0], None)  # failed: counts as the worst result seen
    for point in first[1:]:
        strategy.observe(point, _score(MIXED, point))
    foreign = {"eta": 0.2, "alpha": 10.0, "momentum": 0.99, "max_depth": 3, "booster": "dart"}
    strategy.observe(foreign, 0.75)
    assert strategy.observed == 7
    for point in strategy.suggest(8):
        assert 0.1 <= point["eta"] <= 0.5 and 1e-3 <= point["alpha"] <= 1e3
        assert 0.9 <= point["momentum"] <= 0.999 and isinstance(point["max_depth"], int)
        assert point["booster"] in {"gbtree", "dart", "gblinear"}


def test_bayesian_shares_each_batch_between_its_gaussian_process_and_tpe():
    strategy = create_strategy("Bayesian", MIXED, random_seed=0)
    for point in strategy.suggest(12):
        strategy.observe(point, _score(MIXED, point))
    assert len(strategy._tpe.study.trials) == 12 and strategy._gp.observed == 12  # both learn from all
    batch = strategy.suggest(4)
    running = [t for t in strategy._tpe.study.trials if t.state == TrialState.RUNNING]
    assert len(running) == 2  # two of the four are TPE's
    assert len(strategy._gp._pending) == 4  # the GP chose its two knowing TPE's two
    assert len({tuple(sorted(p.items())) for p in batch}) == 4
    # Single suggestions take turns.
    singles = [strategy.suggest(1) for _ in range(2)]
    assert len([t for t in strategy._tpe.study.trials if t.state == TrialState.RUNNING]) == 3
    assert all(len(s) == 1 for s in singles)


def _halves(strategy):
    """How many points of the last batch each half proposed (its starts not counted)."""
    by = next(call["by"] for call in reversed(strategy.calls) if call["call"] == "suggest")
    return by.count(GAUSSIAN_PROCESS), by.count("TPE")


def _rewarding(strategy, favoured, *, batches, stopped=False):
    """Run batches of 4, each point worth 1 if ``favoured`` proposed it, else 0 (maximised)."""
    for _ in range(batches):
        batch = strategy.suggest(4)
        for point, by in zip(batch, strategy.calls[-1]["by"]):
            worth = 1.0 if favoured in by else 0.0
            strategy.observe(point, worth + 1e-3 * _score(MIXED, point), stopped_at=5 if stopped else None)


@pytest.mark.parametrize("favoured", [GAUSSIAN_PROCESS, "TPE"])
def test_bayesian_leans_each_batch_three_to_one_towards_the_half_whose_picks_rank_better(favoured):
    strategy = create_strategy("Bayesian", MIXED, random_seed=1)
    _rewarding(strategy, favoured, batches=4)  # the starts: no half has been judged yet
    assert strategy.standing() is None
    assert strategy.split_reason(4).startswith("Split evenly, 2 to the Gaussian process, 2 to TPE (each half needs 4")
    _rewarding(strategy, favoured, batches=3)
    standing = strategy.standing()
    assert standing is not None and standing[favoured] > 0.5 > min(standing.values())
    expected = (3, 1) if favoured == GAUSSIAN_PROCESS else (1, 3)
    reason = strategy.split_reason(4)
    name = "the Gaussian process" if favoured == GAUSSIAN_PROCESS else "TPE"
    assert reason.startswith(f"The split leans 3:1 towards {name}, counted over the picks since it began to lean (")
    assert reason.endswith(f"of the 4 asked for now, {expected[0]} to the Gaussian process, {expected[1]} to TPE.")
    assert f"{standing[GAUSSIAN_PROCESS]:.2f}" in reason and f"{standing['TPE']:.2f}" in reason
    _rewarding(strategy, favoured, batches=1)
    assert _halves(strategy) == expected
    # As the runner asks, one or two at a time while workers free up, the picks keep to 3:1.
    lagging = 1 if favoured == GAUSSIAN_PROCESS else 0
    asked = [_halves(strategy)[lagging]]
    for n in (1, 2, 1, 1, 2, 1):
        strategy.suggest(n)
        asked.append(_halves(strategy)[lagging])
    assert sum(asked) == 3  # a quarter of the 12 picks since the lean began
    strategy.suggest(8)
    assert _halves(strategy)[lagging] == 2


def test_bayesian_split_stays_even_when_neither_half_ranks_better_and_ignores_stopped_jobs():
    even = create_strategy("Bayesian", MIXED, random_seed=2)
    for _ in range(8):
        for point in even.suggest(4):
            even.observe(point, 0.5)  # every result ties: both halves' picks rank alike
    assert even.standing() == {GAUSSIAN_PROCESS: 0.5, "TPE": 0.5}
    assert even.split_reason(4).startswith("Split evenly, 2 to the Gaussian process, 2 to TPE (the Gaussian")
    assert even.split_reason(1).startswith("The two halves take turns, one job at a time (")
    even.suggest(4)
    assert _halves(even) == (2, 2)
    # Stopped jobs' values are partial: they are no half's credit, so the split never leans on them.
    stopped = create_strategy("Bayesian", MIXED, random_seed=1)
    _rewarding(stopped, GAUSSIAN_PROCESS, batches=8, stopped=True)
    assert stopped.standing() is None
    assert _halves(stopped) == (2, 2)


def test_bayesian_suggestions_repeat_with_the_same_seed():
    def run(seed):
        strategy = create_strategy("Bayesian", MIXED, random_seed=seed)
        return _run(strategy, MIXED, rounds=4, batch=3)

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_bayesian_model_stays_bounded_with_many_results():
    from tuning.strategies._gaussian_process import MAX_MODEL_POINTS

    strategy = create_strategy("Bayesian", MIXED, random_seed=0, objective_type="Minimize")
    random = create_strategy("Random", MIXED, random_seed=1)
    for point in random.suggest(MAX_MODEL_POINTS * 2):
        strategy.observe(point, _score(MIXED, point))
    x, y, _ = strategy._gp._training_set()  # the portfolio's Gaussian process
    assert len(x) == len(y) == MAX_MODEL_POINTS
    # The best results are always kept in the model.
    assert y.min() == min(_score(MIXED, p) for p in create_strategy("Random", MIXED, random_seed=1)
                          .suggest(MAX_MODEL_POINTS * 2))
    assert len(strategy.suggest(4)) == 4


def test_bayesian_fits_its_kernel_each_suggestion_below_the_cap_and_every_fourth_beyond_it(monkeypatch):
    from tuning.strategies import _gaussian_process as gp

    fits = []
    real_fit = gp.GaussianProcessStrategy._fit

    def counting_fit(self, x, y, *, optimize, warm=False):
        fits.append(optimize)
        return real_fit(self, x, y, optimize=optimize, warm=warm)

    monkeypatch.setattr(gp.GaussianProcessStrategy, "_fit", counting_fit)
    strategy = create_strategy("Bayesian", MIXED, random_seed=0, objective_type="Minimize")
    random = create_strategy("Random", MIXED, random_seed=1)

    def kernel_fits_over(suggestions: int) -> int:
        fits.clear()
        for _ in range(suggestions):
            for point in strategy.suggest(4):
                strategy.observe(point, _score(MIXED, point))
        return fits.count(True)

    for point in random.suggest(gp.MAX_MODEL_POINTS - 40):
        strategy.observe(point, _score(MIXED, point))
    assert kernel_fits_over(8) == 8  # 120 to 152 results: every suggestion fits the kernel
    for point in random.suggest(40):
        strategy.observe(point, _score(MIXED, point))
    assert kernel_fits_over(8) == 8 // gp.REFIT_EVERY  # beyond the cap: one suggestion in four
    assert all(len(strategy.suggest(4)) == 4 for _ in range(2))  # and the others still suggest


def test_hyperband_records_failed_stopped_and_foreign_results_as_optuna_trials():
    strategy = create_strategy("Hyperband", MIXED, random_seed=0)
    failed, stopped = strategy.suggest(2)
    strategy.observe(failed, None)
    strategy.observe(stopped, 0.25, stopped_at=9)
    foreign = {"eta": 0.2, "alpha": 10.0, "momentum": 0.99, "max_depth": 3, "booster": "dart"}
    strategy.observe(foreign, 0.75)
    trials = strategy.study.trials
    assert [trial.state for trial in trials] == [TrialState.FAIL, TrialState.PRUNED, TrialState.COMPLETE]
    assert trials[1].intermediate_values == {9: 0.25} and trials[1].value == 0.25
    assert trials[2].value == 0.75
    # ReverseLogarithmic is searched in its unit interval and mapped back faithfully.
    assert trials[2].params["momentum"] == pytest.approx(MIXED["momentum"].to_unit(0.99))
    assert strategy.suggest(1)[0]["booster"] in {"gbtree", "dart", "gblinear"}


def test_hyperband_maps_ranges_to_matching_optuna_distributions():
    strategy = create_strategy("Hyperband", MIXED, random_seed=0)
    strategy.observe(strategy.suggest(1)[0], 0.5)
    distributions = strategy.study.trials[0].distributions
    assert distributions["eta"] == optuna.distributions.FloatDistribution(0.1, 0.5)
    assert distributions["alpha"] == optuna.distributions.FloatDistribution(1e-3, 1e3, log=True)
    assert distributions["momentum"] == optuna.distributions.FloatDistribution(0.0, 1.0)
    assert distributions["max_depth"] == optuna.distributions.IntDistribution(1, 10)
    assert isinstance(distributions["booster"], optuna.distributions.CategoricalDistribution)


def _quadratic(point):
    """Minimum 0 at x = 1.3 and lr = 10**-2.5; lr is searched on a log scale."""
    return (point["x"] - 1.3) ** 2 + (math.log10(point["lr"]) + 2.5) ** 2


def _best_regret(name, seed, evaluations=40):
    ranges = {"x": ContinuousParameter(-5.0, 5.0), "lr": ContinuousParameter(1e-4, 1.0, scaling_type="Logarithmic")}
    strategy = create_strategy(name, ranges, objective_type="Minimize", random_seed=seed, max_jobs=evaluations)
    best = math.inf
    for _ in range(evaluations):
        [point] = strategy.suggest(1)
        value = _quadratic(point)
        strategy.observe(point, value)
        best = min(best, value)
    return best


def test_bayesian_beats_random_on_a_quadratic_with_a_log_range():
    seeds = range(5)
    bayesian = statistics.mean(_best_regret("Bayesian", seed) for seed in seeds)
    random = statistics.mean(_best_regret("Random", seed) for seed in seeds)
    assert bayesian < random / 2


@pytest.mark.parametrize("objective_type", ["Minimize", "Maximize"])
def test_bayesian_concentrates_where_the_objective_is_best_for_its_direction(objective_type):
    # Two dimensions: in one, 40 points at least 2% apart (no repeats) would have to fill the line.
    strategy = create_strategy("Bayesian", {"x": ContinuousParameter(0.0, 1.0), "y": ContinuousParameter(0.0, 1.0)},
                               objective_type=objective_type, random_seed=4)
    late = []
    for round_ in range(40):
        [point] = strategy.suggest(1)
        strategy.observe(point, (point["x"] - 0.7) ** 2)  # lowest at 0.7, highest at 0
        if round_ >= 20:
            late.append(point["x"])
    if objective_type == "Minimize":
        # Uniform draws would put half of them more than 0.25 away from 0.7.
        assert abs(statistics.median(late) - 0.7) < 0.05
        assert statistics.median(abs(x - 0.7) for x in late) < 0.15
    else:
        assert statistics.median(late) < 0.2


def test_hyperband_keeps_optuna_quiet_and_restores_its_verbosity(caplog):
    optuna.logging.enable_propagation()
    optuna.logging.set_verbosity(optuna.logging.INFO)
    try:
        with caplog.at_level(logging.INFO, logger="optuna"):
            strategy = create_strategy("Hyperband", MIXED, random_seed=0)
            _run(strategy, MIXED, rounds=3, batch=2)
        assert not [record for record in caplog.records if record.name.startswith("optuna")]
        assert optuna.logging.get_verbosity() == optuna.logging.INFO
    finally:
        optuna.logging.disable_propagation()
        optuna.logging.set_verbosity(optuna.logging.INFO)


def test_hyperband_docstring_says_who_stops_jobs_early():
    doc = HyperbandStrategy.__doc__
    assert "HyperbandPruner" in doc and "MinResource" in doc and "MaxResource" in doc
    assert issubclass(HyperbandStrategy, TPEStrategy)
