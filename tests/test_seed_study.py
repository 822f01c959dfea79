"""Repeating tuning jobs over seeds: rerun names and reuse, groups found again, the maths across seeds."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

import tuning.visualization as viz
from tuning import TrainingJob, TuningJobConfig, ValidationError, run_tuning_job
from tuning.job.config import RUN_RECORD, check_tuning_job_name
from tuning.records import TuningJobStatus
from tuning.analysis.seed_stats import best_so_far_by_job, summarise_seeds, worst_mean_best
from tuning.running.seed_study import (
    SEED_STUDY,
    launch_rerun_with_seeds,
    rerun_with_seeds,
    seed_studies,
    seed_study_name,
    seed_study_runs,
    study_of,
)


def _original(store, name="orig-random", strategy="Random", **changes):
    config = TuningJobConfig(dataset="iris", algorithm="knn", objective_metric_name="validation:accuracy",
                             strategy=strategy, max_jobs=4, random_seed=7, name=name)
    return run_tuning_job(config.replace(**changes), store)


# -- names -----------------------------------------------------------------------------------
@pytest.mark.parametrize("original, seed, expected", [
    ("bank-random", 3, "bank-random-s3"),
    ("a" * 29, 1, "a" * 29 + "-s1"),  # exactly 32
])
def test_a_rerun_is_named_after_its_original_and_seed(original, seed, expected):
    assert seed_study_name(original, seed) == expected


def test_long_names_are_cut_to_32_characters_and_stay_distinct():
    first, second = "x" * 30 + "ab", "x" * 30 + "cd"
    names = {seed_study_name(original, 12) for original in (first, second)}
    assert len(names) == 2
    for name in names:
        assert len(name) <= 32 and name.endswith("-s12") and check_tuning_job_name(name) == name


# -- real reruns -----------------------------------------------------------------------------
def test_reruns_carry_the_seed_and_their_study_and_a_second_run_reuses_them(store):
    _original(store)
    heard = []
    result = rerun_with_seeds(store, ["orig-random"], [1, 2], callback=heard.append)
    assert result == {"orig-random": ["orig-random-s1", "orig-random-s2"]}
    for seed, name in zip((1, 2), result["orig-random"]):
        job = store.get_tuning_job(name)
        assert job.status == TuningJobStatus.COMPLETED and len(store.training_jobs(name)) == 4
        assert job.config["RandomSeed"] == seed and job.config["TuningJobName"] == name
        assert job.config[RUN_RECORD][SEED_STUDY] == {"Original": "orig-random", "Seed": seed}
        assert "DataFingerprint" in job.config[RUN_RECORD]  # the runner's own facts are kept
        assert study_of(job) == ("orig-random", seed)
    assert heard[-1].fraction == 1.0 and heard[-1].runs_total == 2
    assert [p.training_jobs_done for p in heard if p.seed == 1] == [1, 2, 3, 4]

    before = {name: store.get_tuning_job(name).created_at for name in result["orig-random"]}
    heard.clear()
    again = rerun_with_seeds(store, ["orig-random-s1"], [1, 2, 3], callback=heard.append)  # a rerun stands for its original
    assert again == {"orig-random": ["orig-random-s1", "orig-random-s2", "orig-random-s3"]}
    assert {name: store.get_tuning_job(name).created_at for name in before} == before  # reused, not run again
    assert [p.tuning_job_name for p in heard[:2]] == ["orig-random-s1", "orig-random-s2"]
    assert len(store.training_jobs("orig-random-s3")) == 4


def test_groups_are_found_again_from_the_store(store):
    _original(store, "orig-random")
    _original(store, "orig-bayes", strategy="Bayesian")
    rerun_with_seeds(store, ["orig-random", "orig-bayes"], [2, 1])
    studies = seed_studies(store)
    assert {o: [j.name for j in reruns] for o, reruns in studies.items()} == {
        "orig-random": ["orig-random-s1", "orig-random-s2"], "orig-bayes": ["orig-bayes-s1", "orig-bayes-s2"]}
    assert list(seed_studies(store, ["orig-bayes"])) == ["orig-bayes"]
    runs = seed_study_runs(store, ["orig-bayes", "orig-random", "never-repeated"])
    assert list(runs) == ["Bayesian, early stopping Off (orig-bayes)", "Random, early stopping Off (orig-random)"]
    assert [len(jobs) for jobs in runs["Random, early stopping Off (orig-random)"]] == [4, 4]


def test_an_interrupted_rerun_is_resumed_and_keeps_its_study(store):
    _original(store)
    rerun_with_seeds(store, ["orig-random"], [1])
    store.update_tuning_job("orig-random-s1", status=TuningJobStatus.INTERRUPTED)
    rerun_with_seeds(store, ["orig-random"], [1])
    job = store.get_tuning_job("orig-random-s1")
    assert job.status == TuningJobStatus.COMPLETED
    assert study_of(job) == ("orig-random", 1) and job.config[RUN_RECORD]["Resumes"]


def test_a_name_taken_by_another_job_is_refused_with_nothing_run(store):
    _original(store)
    _original(store, "orig-random-s1")  # a user's own job, not a rerun
    with pytest.raises(ValidationError, match="nothing was run.*'orig-random-s1' is taken"):
        rerun_with_seeds(store, ["orig-random"], [1, 2])
    assert not store.tuning_job_exists("orig-random-s2")


def test_a_dataset_that_no_longer_exists_is_refused_before_anything_runs(store, tmp_path):
    from tuning.datasets import load_dataset

    path = tmp_path / "flowers.csv"
    iris = load_dataset("iris")
    iris.features.assign(species=iris.target).to_csv(path, index=False)
    _original(store, "orig-csv", dataset=path, target="species")
    _original(store)
    path.unlink()
    with pytest.raises(ValidationError, match=r"nothing was run\. orig-csv: dataset: no file at"):
        rerun_with_seeds(store, ["orig-random", "orig-csv"], [1])
    assert seed_studies(store) == {}


@pytest.mark.parametrize("seeds, message", [([], "1 to 20 seeds"), (list(range(21)), "1 to 20 seeds"),
                                            ([-1], "whole number from 0"), ([1.5], "whole number from 0")])
def test_bad_seeds_are_refused(store, seeds, message):
    with pytest.raises(ValidationError, match=message):
        rerun_with_seeds(store, ["anything"], seeds)


def test_the_background_handle_runs_the_study_and_refuses_bad_input_at_once(store):
    _original(store)
    with pytest.raises(ValidationError, match="no tuning job named 'missing'"):
        launch_rerun_with_seeds(store, ["missing"], [1])
    handle = launch_rerun_with_seeds(store, ["orig-random"], [1, 2])
    assert handle.wait(timeout=120) == {"orig-random": ["orig-random-s1", "orig-random-s2"]}
    assert not handle.running and handle.progress.fraction == 1.0


# -- the maths across seeds, on hand-built training jobs ---------------------------------------
def _job(index, value, status="Completed", seconds=1.0):
    return TrainingJob(tuning_job_name="hand", index=index, name=f"hand-{index + 1}", status=status,
                       hyperparameters={}, created_at=0.0, start_time=0.0, end_time=seconds,
                       final_objective_value=value)


def test_best_so_far_is_carried_through_stopped_and_failed_jobs_to_the_last_job():
    jobs = [_job(0, None, "Failed"), _job(1, 0.5), _job(2, 0.99, "Stopped"), _job(3, 0.7),
            _job(4, None, "Failed"), _job(5, 0.9, "Stopped"), _job(6, 0.0, "InProgress")]
    numbers, best = best_so_far_by_job(jobs, objective_type="Maximize")
    assert numbers == [2, 3, 4, 5, 6]  # from the first Completed job to the last finished one
    assert best == [0.5, 0.5, 0.7, 0.7, 0.7]  # the Stopped 0.99 is interim: never a new best


def test_the_one_seed_compare_curve_runs_to_the_last_training_job():
    runs = {"random": [_job(0, 0.3), _job(1, 0.9), _job(2, 0.2, "Stopped"), _job(3, None, "Failed")]}
    figure = viz.plot_compare_best_so_far(runs, objective_name="m", objective_type="Maximize")
    assert list(figure.data[0].x) == [1, 2, 3, 4] and list(figure.data[0].y) == [0.3, 0.9, 0.9, 0.9]
    assert "one seed each" in figure.layout.title.text


def test_mean_and_interquartile_range_across_seeds_by_job_number():
    seeds = [[_job(0, v), _job(1, w)] for v, w in [(1.0, 1.0), (2.0, 5.0), (3.0, 2.0), (4.0, 4.0)]]
    (group,) = summarise_seeds({"g": seeds}, objective_type="Minimize").values()
    assert group.seeds == 4 and group.by_job.x == [1.0, 2.0]
    assert group.by_job.mean == [2.5, (1 + 2 + 2 + 4) / 4]
    assert group.by_job.q25 == pytest.approx([np.percentile([1, 2, 3, 4], 25), np.percentile([1, 2, 2, 4], 25)])
    assert group.by_job.q75 == pytest.approx([3.25, np.percentile([1, 2, 2, 4], 75)])
    assert group.final_bests == [1.0, 2.0, 2.0, 4.0] and group.mean_best == 2.25
    assert group.iqr == pytest.approx((1.75, 2.5))


def test_a_shorter_seed_keeps_its_final_best_and_a_seed_counts_from_its_first_completed_job():
    long = [_job(0, 0.4), _job(1, 0.6), _job(2, 0.8)]
    short = [_job(0, None, "Failed"), _job(1, 0.7)]  # stopped after two jobs
    (group,) = summarise_seeds({"g": [long, short]}, objective_type="Maximize").values()
    assert group.by_job.x == [2.0, 3.0]  # from where both seeds have a best: the mean never jumps down
    assert group.by_job.seeds == [2, 2]
    assert group.by_job.mean == pytest.approx([0.65, 0.75])  # job 3: 0.8 and the short seed's 0.7


def test_a_seed_without_a_completed_job_is_left_out_of_the_curves_but_counted():
    (group,) = summarise_seeds({"g": [[_job(0, 0.4)], [_job(0, None, "Failed")]]}, objective_type="Maximize").values()
    assert group.by_job.mean == [0.4] and group.by_job.seeds == [1] and group.by_seconds.seeds == [1]
    assert group.seeds == 2 and group.jobs_to_reach(0.4).reached == 1


def test_jobs_needed_to_reach_a_value_counts_seeds_that_never_reach_it():
    runs = [[_job(0, 0.5), _job(1, 0.9)],                      # reaches 0.8 at job 2
            [_job(0, 0.85)],                                    # at job 1
            [_job(0, 0.6), _job(1, 0.95, "Stopped"), _job(2, 0.82)],  # at job 3: the Stopped value does not count
            [_job(0, 0.1), _job(1, 0.2)]]                      # never
    (group,) = summarise_seeds({"g": runs}, objective_type="Maximize").values()
    reach = group.jobs_to_reach(0.8)
    assert (reach.reached, reach.seeds, reach.median_jobs) == (3, 4, 2.5)  # median of 1, 2, 3, never
    worse = group.jobs_to_reach(0.88)  # reached by seed 1 only: the median is unknown
    assert (worse.reached, worse.median_jobs) == (1, None)
    assert group.jobs_to_reach(0.0).median_jobs == 1.0


def test_compute_seconds_place_each_job_at_the_training_time_spent_so_far():
    fast = [_job(0, 3.0, seconds=1.0), _job(1, 0.5, "Stopped", seconds=0.5), _job(2, 1.0, seconds=1.0)]
    slow = [_job(0, 2.0, seconds=2.0), _job(1, 4.0, seconds=2.0)]
    (group,) = summarise_seeds({"g": [fast, slow]}, objective_type="Minimize").values()
    curve = group.by_seconds
    # fast's jobs end at 1, 1.5 (the stopped job's own time) and 2.5 s; slow's at 2 and 4 s: from 2 s both have a best
    assert curve.x == [2.0, 2.5, 4.0]
    assert curve.seeds == [2, 2, 2]
    assert curve.mean == pytest.approx([2.5, 1.5, 1.5])  # at 2 s: fast 3.0 (the stopped 0.5 is interim, not a best), slow 2.0
    assert curve.q25 == pytest.approx([2.25, 1.25, 1.25])


def test_worst_mean_best_is_the_target_every_group_reaches_on_average():
    groups = {"a": [[_job(0, 0.9)], [_job(0, 0.7)]], "b": [[_job(0, 0.6)]]}
    assert worst_mean_best(summarise_seeds(groups, objective_type="Maximize")) == pytest.approx(0.6)
    assert worst_mean_best(summarise_seeds(groups, objective_type="Minimize")) == pytest.approx(0.8)
    assert worst_mean_best(summarise_seeds({"c": [[_job(0, None, "Failed")]]}, objective_type="Maximize")) is None


def test_unknown_objective_type_is_refused():
    with pytest.raises(ValidationError, match="'Maximize' or 'Minimize'.*'Biggest'"):
        summarise_seeds({"g": [[_job(0, 1.0)]]}, objective_type="Biggest")


# -- figures ---------------------------------------------------------------------------------
@pytest.mark.parametrize("plot", [viz.plot_seed_bands_by_job, viz.plot_seed_bands_by_seconds])
def test_band_figures_say_how_many_seeds_and_what_the_band_is(plot):
    three = [[_job(0, v), _job(1, v + 0.1)] for v in (0.2, 0.4, 0.6)]
    summaries = summarise_seeds({"Random": three, "Bayesian": three}, objective_type="Maximize")
    figure = plot(summaries, objective_name="validation:auc", objective_type="Maximize")
    assert "mean of 3 seeds, band: interquartile range" in figure.layout.title.text
    assert "higher is better" in figure.layout.yaxis.title.text
    fills = [trace for trace in figure.data if trace.fill == "tonexty"]
    assert len(fills) == 2 and all(isinstance(trace, go.Scatter) for trace in figure.data)
    assert [trace.name for trace in figure.data if trace.showlegend is not False] == [
        "Random · 3 seeds", "Bayesian · 3 seeds"]
    mean = next(trace for trace in figure.data if trace.name == "Random · 3 seeds")
    assert list(mean.y) == pytest.approx(summaries["Random"].by_job.mean if plot is viz.plot_seed_bands_by_job
                                         else summaries["Random"].by_seconds.mean)


def test_one_seed_is_called_one_seed_and_has_no_band():
    summaries = summarise_seeds({"Random": [[_job(0, 0.5)]]}, objective_type="Maximize")
    figure = viz.plot_seed_bands_by_job(summaries, objective_name="m", objective_type="Maximize")
    assert "one seed each, no band" in figure.layout.title.text
    assert [trace.name for trace in figure.data] == ["Random · one seed"]


def test_band_figures_without_a_completed_job_show_a_note():
    summaries = summarise_seeds({"g": [[_job(0, None, "Failed")]]}, objective_type="Maximize")
    figure = viz.plot_seed_bands_by_seconds(summaries, objective_name="m", objective_type="Maximize")
    assert not figure.data and "No completed" in figure.layout.annotations[0].text
    assert math.isnan(summaries["g"].final_bests[0]) and summaries["g"].iqr is None
