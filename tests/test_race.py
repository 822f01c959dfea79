"""Strategy race: the plan's fairness rules, a real race run side by side and read back, the verdict."""

from __future__ import annotations

import math

import pytest

from tuning import (CategoricalParameter, ContinuousParameter, IntegerParameter, Store, TrainingJob, TuningJobConfig,
                    ValidationError)
from tuning.analysis.race_verdict import bands_overlap, race_verdict
from tuning.analysis.seed_stats import summarise_seeds
from tuning.job.config import RUN_RECORD
from tuning.job.race_plan import grid_points_for_budget, parallel_share, plan_race
from tuning.records import TrainingJobStatus, TuningJobStatus
from tuning.running.race import RACE, launch_race, race, race_seed_groups, race_summaries, races, repeat_race
from tuning.running.seed_study import study_of
from tuning.visualization import plot_seed_bands_by_job, plot_seed_bands_by_seconds

LESSON_RANGES = {"max_depth": IntegerParameter(3, 10), "eta": ContinuousParameter(0.01, 0.3, "Logarithmic"),
                 "gamma": ContinuousParameter(0, 5)}


# -- the plan ----------------------------------------------------------------------------------
@pytest.mark.parametrize("budget, points, size", [
    (20, {"max_depth": 3, "eta": 3, "gamma": 2}, 18),  # 3 x 3 x 3 = 27 is too many: one range keeps 2
    (8, {"max_depth": 2, "eta": 2, "gamma": 2}, 8),
    (27, {"max_depth": 3, "eta": 3, "gamma": 3}, 27),
])
def test_grid_gets_the_largest_grid_within_the_budget(budget, points, size):
    assert grid_points_for_budget(LESSON_RANGES, budget) == (points, size)


def test_no_grid_fits_when_two_values_per_range_are_too_many_and_integers_are_not_padded():
    assert grid_points_for_budget(LESSON_RANGES, 7) is None
    ranges = {"depth": IntegerParameter(1, 3), "booster": CategoricalParameter(["a", "b"])}
    assert grid_points_for_budget(ranges, 100) == ({"depth": 3}, 6)  # all 3 depths, not 100 points
    assert grid_points_for_budget({"booster": CategoricalParameter(["a", "b", "c"])}, 2) is None


def test_cores_are_shared_equally_with_at_least_one_worker_each():
    assert [parallel_share(cores, 4) for cores in (1, 2, 4, 7, 8)] == [1, 1, 1, 1, 2]
    assert parallel_share(6, 3) == 2


def test_every_strategy_gets_the_same_data_ranges_budget_and_seed():
    config = TuningJobConfig(dataset="bank-marketing", algorithm="xgboost", objective_metric_name="validation:accuracy",
                             hyperparameter_ranges=LESSON_RANGES, max_jobs=20, max_parallel_jobs=3,
                             early_stopping_type="Auto", random_seed=11, name="lesson-race", strategy="Bayesian")
    plan = plan_race(config, cores=8)
    assert plan.roles == ["Grid", "Random", "Bayesian", "Hyperband"] and plan.left_out == {}
    for entry in plan.entries:
        data = entry.config.to_dict()
        assert data["Dataset"] == "bank-marketing" and data["RandomSeed"] == 11
        assert data["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 20
        assert data["ResourceLimits"]["MaxParallelTrainingJobs"] == 2  # 8 cores / 4 strategies
        assert data["HyperparameterRanges"] == {n: p.to_dict() for n, p in LESSON_RANGES.items()}
        assert data["Strategy"] == entry.role and data["TuningJobName"] == f"lesson-race-{entry.role.lower()}"
    grid, random, bayesian, hyperband = plan.entries
    assert grid.config.strategy_config == {"GridPoints": {"max_depth": 3, "eta": 3, "gamma": 2}}
    assert "18 of the 20" in grid.note
    assert random.config.strategy_config == {} and random.config.early_stopping_type == "Auto"
    assert hyperband.config.strategy_config == {"MinResource": 10, "MaxResource": 100}
    assert hyperband.config.early_stopping_type == "Off" and "Early stopping is Off" in hyperband.note
    assert "2 core(s) stay idle" not in plan.share_rule and "each runs 2 training jobs" in plan.share_rule


def test_an_algorithm_without_a_resource_gets_no_hyperband_and_grid_can_be_left_out():
    plan = plan_race(TuningJobConfig(dataset="iris", algorithm="knn", max_jobs=8, random_seed=1), cores=2)
    assert plan.roles == ["Grid", "Random", "Bayesian"]
    assert "no training resource" in plan.left_out["Hyperband"]
    assert "take turns" in plan.share_rule  # 3 jobs on 2 cores
    plan = plan_race(TuningJobConfig(dataset="iris", algorithm="xgboost", max_jobs=20, random_seed=1), cores=2)
    assert plan.roles == ["Random", "Bayesian", "Hyperband"]
    assert "32 combinations, more than the budget of 20" in plan.left_out["Grid"]


def test_a_tuned_resource_is_hyperbands_budget_not_its_range():
    ranges = {"eta": ContinuousParameter(0.1, 0.5), "num_round": IntegerParameter(20, 60)}
    plan = plan_race(TuningJobConfig(dataset="iris", hyperparameter_ranges=ranges, max_jobs=10, random_seed=1),
                     ["Random", "Hyperband"], cores=2)
    hyperband = plan.entries[1]
    assert list(hyperband.config.hyperparameter_ranges) == ["eta"]
    assert hyperband.config.strategy_config == {"MinResource": 6, "MaxResource": 60}
    assert "cannot also tune num_round" in hyperband.note


@pytest.mark.parametrize("changes, words", [
    ({"max_jobs": None}, "needs a budget"),
    ({"name": "a-very-long-race-name-x1"}, "keep it to 22"),
])
def test_a_race_that_cannot_run_is_refused_in_words(changes, words):
    config = TuningJobConfig(dataset="iris", max_jobs=8, random_seed=1).replace(**changes)
    with pytest.raises(ValidationError, match=words):
        plan_race(config)
    with pytest.raises(ValidationError, match="at least two strategies"):
        plan_race(TuningJobConfig(dataset="iris", max_jobs=8), ["Random"])


# -- a real race ---------------------------------------------------------------------------------
def _race_config(name="iris-race"):
    return TuningJobConfig(dataset="iris", algorithm="xgboost", objective_metric_name="validation:accuracy",
                           hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(1, 4)},
                           static_hyperparameters={"num_round": 5}, max_jobs=4, random_seed=3, name=name)


def _spans_overlap(spans):
    return max(start for start, _ in spans) < min(end for _, end in spans)


def test_a_race_runs_its_strategies_side_by_side_is_stored_as_a_group_and_reopens(store):
    handle = launch_race(_race_config(), store, cores=2)
    assert handle.members == {role: f"iris-race-{role.lower()}" for role in ("Grid", "Random", "Bayesian", "Hyperband")}
    assert handle.wait(timeout=300) == {}

    jobs = {role: store.get_tuning_job(name) for role, name in handle.members.items()}
    configs = {role: job.config for role, job in jobs.items()}
    for role, job in jobs.items():
        assert job.status == TuningJobStatus.COMPLETED and job.strategy == role
        assert job.max_parallel_jobs == 1  # 2 cores / 4 strategies, at least 1
        config = configs[role]
        assert (config["Dataset"], config["RandomSeed"], config["ResourceLimits"]["MaxNumberOfTrainingJobs"]) == (
            "iris", 3, 4)
        assert config["HyperparameterRanges"] == configs["Random"]["HyperparameterRanges"]
        entry = config[RUN_RECORD][RACE]
        assert entry["Name"] == "iris-race" and entry["Role"] == role and entry["Seed"] == 3
        assert "DataFingerprint" in config[RUN_RECORD]  # the runner's own facts are kept
    assert len(store.training_jobs("iris-race-grid")) == 4  # a 2 x 2 grid, the whole budget

    # Run at the same time: every tuning job's span overlaps every other's, and so do their training jobs'.
    assert _spans_overlap([(job.created_at, job.ended_at) for job in jobs.values()])
    training = {role: store.training_jobs(name, with_curves=False) for role, name in handle.members.items()}
    assert _spans_overlap([(min(t.start_time for t in runs), max(t.end_time for t in runs))
                           for runs in training.values()])

    fresh = Store(store.url)  # another process's view of the same file: read back by name
    reopened = race(fresh, "iris-race")
    fresh.dispose()
    assert [member.role for member in reopened.members] == ["Grid", "Random", "Bayesian", "Hyperband"]
    assert reopened.seed == 3 and reopened.seeds == [3] and reopened.budget == 4 and not reopened.is_active
    assert list(races(store)) == ["iris-race"]
    assert "Grid runs every combination" in reopened.members[0].note
    with pytest.raises(ValidationError, match="in the store already"):
        launch_race(_race_config(), store, cores=2)
    with pytest.raises(ValidationError, match="no race named 'nope'.*iris-race"):
        race(store, "nope")

    one = race_summaries(store, reopened)
    assert {label: group.seeds for label, group in one.items()} == dict.fromkeys(handle.members, 1)
    assert race_verdict(one, objective_name="validation:accuracy").startswith("With one seed each, ")

    # Repeat with 2 seeds: the race's own seed and seed 1, each member rerun as its seed study.
    assert repeat_race(store, "iris-race", 2).wait(timeout=300) == {}
    repeated = race(store, "iris-race")
    assert repeated.seeds == [3, 1]
    for member in repeated.members:
        assert [study_of(run) for run in member.reruns] == [(member.job.name, 1)]
    groups = race_seed_groups(store, repeated)
    assert {role: len(runs) for role, runs in groups.items()} == dict.fromkeys(handle.members, 2)
    summaries = summarise_seeds(groups, objective_type="Maximize")
    verdict = race_verdict(summaries, objective_name="validation:accuracy")
    assert verdict.startswith("Over 2 seeds, ") and "interquartile band" in verdict
    figure = plot_seed_bands_by_job(summaries, objective_name="validation:accuracy", objective_type="Maximize")
    legends = [trace.name for trace in figure.data if trace.showlegend is not False]
    assert legends == [f"{role} · 2 seeds" for role in handle.members]
    assert len(plot_seed_bands_by_seconds(summaries, objective_name="validation:accuracy",
                                          objective_type="Maximize").data) == 12  # a line and a band each


def test_a_race_refused_on_its_data_runs_nothing(store):
    config = _race_config("bad-race").replace(exclude_columns=["no-such-column"])
    with pytest.raises(ValidationError, match="cannot start the race, nothing was run. Grid: "):
        launch_race(config, store, cores=2)
    assert store.list_tuning_jobs() == []


# -- the verdict --------------------------------------------------------------------------------
def _run(values):
    return [TrainingJob(tuning_job_name="t", index=i, name=f"t-{i}", status=TrainingJobStatus.COMPLETED,
                        hyperparameters={}, created_at=0.0, start_time=float(i), end_time=i + 1.0,
                        final_objective_value=value) for i, value in enumerate(values)]


def _summaries(finals_by_strategy):
    return summarise_seeds({label: [_run([0.5, final]) for final in finals] for label, finals in finals_by_strategy.items()},
                           objective_type="Maximize")


def test_one_seed_is_called_one_seed_and_no_verdict():
    verdict = race_verdict(_summaries({"Grid": [0.9], "Bayesian": [0.95]}), objective_name="validation:accuracy")
    assert verdict == ("With one seed each, Bayesian is ahead on validation:accuracy (0.95; then Grid 0.9). One seed is "
                       "one draw of each strategy's luck, so this is no verdict yet: repeat the race with 5 seeds and "
                       "compare the interquartile bands.")


def test_overlapping_bands_are_within_the_noise_and_clear_bands_win():
    overlap = race_verdict(_summaries({"Random": [0.90, 0.92, 0.94, 0.96, 0.97], "Bayesian": [0.91, 0.93, 0.95,
                                       0.96, 0.98]}), objective_name="validation:accuracy")
    assert overlap.startswith("Over 5 seeds, Bayesian has the best mean validation:accuracy")
    assert "overlaps Random's" in overlap and "within the seeds' noise" in overlap
    clear = race_verdict(_summaries({"Grid": [0.80, 0.81, 0.82], "Bayesian": [0.95, 0.96, 0.97]}),
                         objective_name="validation:accuracy", interim=True)
    assert clear.startswith("So far (the race is still running, so these values are interim), over 3 seeds, Bayesian "
                            "wins on validation:accuracy: its interquartile band (0.955 to 0.965) lies clear")
    assert "Bands from 3 seeds are rough" in clear
    two = race_verdict(_summaries({"Grid": [0.80, 0.81], "Bayesian": [0.95, 0.96]}), objective_name="m")
    assert two.startswith("Over 2 seeds, Bayesian is ahead on m: its interquartile band") and "too few to call it a win" in two


def test_a_one_seed_tie_says_who_got_there_first():
    groups = summarise_seeds({"Grid": [_run([0.5, 0.6, 0.9])], "Random": [_run([0.9, 0.5])], "Bayesian": [_run([0.7])]},
                             objective_type="Maximize")
    assert race_verdict(groups, objective_name="validation:accuracy").startswith(
        "With one seed each, Grid and Random tie on validation:accuracy (0.9; Random got there first, at training "
        "job 1; then Bayesian 0.7). One seed is one draw")


def test_equal_means_are_a_tie_with_their_bands():
    verdict = race_verdict(_summaries({"Grid": [0.9, 0.8], "Random": [0.8, 0.9], "Bayesian": [0.7, 0.75]}),
                           objective_name="validation:accuracy")
    assert verdict.startswith("Over 2 seeds, Grid and Random tie on mean validation:accuracy (0.85; interquartile "
                              "bands: Grid 0.825 to 0.875; Random 0.825 to 0.875): no strategy wins this race.")


def test_a_strategy_without_a_result_is_named_and_touching_bands_overlap():
    groups = summarise_seeds({"Grid": [[]], "Random": [_run([0.7])]}, objective_type="Maximize")
    assert race_verdict(groups, objective_name="m").endswith("Grid has no completed training job yet.")
    assert race_verdict(summarise_seeds({"Grid": [[]]}, objective_type="Maximize"), objective_name="m") == (
        "No strategy has a completed training job yet.")
    assert bands_overlap((0.1, 0.2), (0.2, 0.3)) and not bands_overlap((0.1, 0.2), (0.21, 0.3))
    assert not math.isnan(groups["Random"].mean_best)
