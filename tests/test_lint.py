"""Search-space lint (tuning.explain.lint): each rule on a real job or real store records, and its one-click fix."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from conftest import export_codes
from streamlit.testing.v1 import AppTest

from tuning import (
    CategoricalParameter,
    ContinuousParameter,
    IntegerParameter,
    Store,
    TuningJobConfig,
    prepare,
    run_tuning_job,
)
from tuning.explain import lint
from tuning.explain.lint import (
    BEST_ON_EDGE,
    BUDGET,
    LINEAR_OVER_DECADES,
    NO_EFFECT,
    RUNTIME_ESTIMATE,
    apply_fix,
    check_best_on_edge,
    check_budget,
    check_log_scaling,
    check_no_effect,
    estimate_from_history,
    lint_after_job,
    lint_before_launch,
    rerun_config,
    runtime_finding,
    time_trial,
)
from tuning.records import TrainingJob, TuningJob


def _edge_config(name: str = "edge") -> TuningJobConfig:
    """Three boosting rounds with a tiny learning rate: the larger eta and the deeper tree always win."""
    return TuningJobConfig(
        dataset="breast_cancer", objective_metric_name="validation:logloss",
        hyperparameter_ranges={"eta": ContinuousParameter(0.01, 0.02), "max_depth": IntegerParameter(2, 4)},
        static_hyperparameters={"num_round": 3}, strategy="Grid", strategy_config={"GridPoints": 3},
        max_jobs=9, max_parallel_jobs=2, random_seed=1, name=name)


def _record(store: Store, name: str, config: TuningJobConfig, rows: list[tuple[dict, float]], *,
            objective_type: str = "Maximize", seconds: float = 1.0, dataset: str = "iris") -> TuningJob:
    """A finished tuning job written to the store as the runner writes one: its config, its training jobs."""
    now = time.time()
    store.create_tuning_job(TuningJob(
        name=name, status="Completed", strategy=config.strategy, algorithm=config.algorithm, dataset=dataset,
        objective_metric_name="validation:accuracy", objective_type=objective_type, max_jobs=len(rows),
        max_parallel_jobs=1, config=config.replace(name=name).to_dict(), created_at=now, ended_at=now + 1))
    store.add_training_jobs([
        TrainingJob(tuning_job_name=name, index=index, name=f"{name}-{index + 1:03d}", status="Completed",
                    hyperparameters=hyperparameters, created_at=now, start_time=now, end_time=now + seconds,
                    final_objective_value=value)
        for index, (hyperparameters, value) in enumerate(rows)])
    return store.get_tuning_job(name)


def _rules(findings) -> list[tuple[str, str | None]]:
    return [(finding.rule, finding.hyperparameter) for finding in findings]


# -- 1. the best job on a range's edge --------------------------------------------------------------
def test_a_best_job_on_the_edges_of_a_real_job_gets_wider_bounds(store):
    job = run_tuning_job(_edge_config(), store)
    training_jobs = store.training_jobs(job.name)
    findings = [finding for finding in lint_after_job(job, training_jobs) if finding.rule == BEST_ON_EDGE]
    by_name = {finding.hyperparameter: finding for finding in findings}
    assert set(by_name) == {"eta", "max_depth"}, [finding.message for finding in findings]
    best = job.best_training_job
    assert by_name["eta"].fix == {"hyperparameter": "eta", "MaxValue": 0.03}  # the width again, above 0.02
    assert by_name["max_depth"].fix == {"hyperparameter": "max_depth", "MaxValue": 6}
    assert best in by_name["eta"].message and "upper end" in by_name["eta"].message
    assert by_name["eta"].label == "Set eta's MaxValue to 0.03"
    # The fixed job is one the launch accepts, with the new bound and the same everything else.
    fixed = rerun_config(job, by_name["max_depth"].fix)
    assert fixed.name is None and fixed.hyperparameter_ranges["max_depth"] == IntegerParameter(2, 6)
    assert fixed.hyperparameter_ranges["eta"] == ContinuousParameter(0.01, 0.02)
    assert prepare(fixed.replace(max_jobs=15), store=store).ranges["max_depth"].max_value == 6


def test_a_widened_bound_stops_at_what_the_algorithm_allows_and_measures_on_the_scaling(store):
    config = TuningJobConfig(dataset="iris", hyperparameter_ranges={
        "colsample_bytree": ContinuousParameter(0.5, 0.9), "eta": ContinuousParameter(0.001, 0.1, "Logarithmic"),
        "gamma": ContinuousParameter(1.0, 5.0), "subsample": ContinuousParameter(0.5, 1.0)}, max_jobs=3)
    rows = [({"colsample_bytree": 0.9, "eta": 0.00105, "gamma": 1.0, "subsample": 1.0}, 0.95),  # 1% up, in decades
            ({"colsample_bytree": 0.6, "eta": 0.01, "gamma": 3.0, "subsample": 0.7}, 0.90),
            ({"colsample_bytree": 0.7, "eta": 0.05, "gamma": 4.0, "subsample": 0.8}, 0.91)]
    job = _record(store, "clipped", config, rows)
    findings = {f.hyperparameter: f for f in check_best_on_edge(job, store.training_jobs(job.name))}
    # 1.3 clipped to 1, XGBoost's upper limit (AWS's page: colsample_bytree "Range: [0,1]")
    assert findings["colsample_bytree"].fix == {"hyperparameter": "colsample_bytree", "MaxValue": 1.0}
    assert "XGBoost's upper limit" in findings["colsample_bytree"].message
    assert findings["gamma"].fix == {"hyperparameter": "gamma", "MinValue": 0.0}  # -3 clipped to gamma's 0
    assert "XGBoost's lower limit" in findings["gamma"].message
    # eta is valid from 0 (AWS's page: eta "Range: [0,1]"), so two decades down is not clipped.
    assert findings["eta"].fix == {"hyperparameter": "eta", "MinValue": 1e-05}
    # subsample is at 1.0, XGBoost's own limit: said, with nothing to click.
    assert findings["subsample"].fix is None and "cannot widen" in findings["subsample"].message
    assert findings["subsample"].severity == "info"


def test_a_best_job_inside_its_ranges_or_a_tie_across_them_is_not_flagged(store):
    config = TuningJobConfig(dataset="iris", hyperparameter_ranges={
        "eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(1, 10)}, max_jobs=3)
    inside = _record(store, "inside", config, [({"eta": 0.3, "max_depth": 5}, 0.97),
                                               ({"eta": 0.1, "max_depth": 1}, 0.90),
                                               ({"eta": 0.5, "max_depth": 10}, 0.91)])
    assert check_best_on_edge(inside, store.training_jobs("inside")) == []
    # Every job scored the same (iris's 30 validation rows often do): the "best" says nothing about where to look.
    tied = _record(store, "tied", config, [({"eta": 0.5, "max_depth": 10}, 0.93), ({"eta": 0.3, "max_depth": 5}, 0.93),
                                           ({"eta": 0.1, "max_depth": 1}, 0.93)])
    assert check_best_on_edge(tied, store.training_jobs("tied")) == []


# -- 2. Linear over decades -----------------------------------------------------------------------------
def test_linear_scaling_over_two_decades_is_flagged_with_logarithmic_as_its_fix():
    findings = check_log_scaling({
        "eta": ContinuousParameter(0.001, 1.0, "Linear"),        # three decades, Linear: flagged
        "alpha": ContinuousParameter(0.01, 1000.0, "Auto"),      # Auto already searches it Logarithmic
        "lambda": ContinuousParameter(0.0, 1000.0, "Linear"),    # min 0: Logarithmic cannot take it
        "subsample": ContinuousParameter(0.5, 1.0, "Linear"),    # a factor of 2
        "num_round": IntegerParameter(10, 999, "Linear"),        # 99.9: just under two decades
        "booster": CategoricalParameter(["gbtree"]),
    })
    assert _rules(findings) == [(LINEAR_OVER_DECADES, "eta")]
    (finding,) = findings
    assert finding.fix == {"hyperparameter": "eta", "ScalingType": "Logarithmic"}
    assert "Logarithmic suits it" in finding.message and "3.0 decades" in finding.message
    assert "90% of the tries" in finding.message
    fixed = apply_fix(TuningJobConfig(dataset="iris", hyperparameter_ranges={"eta": ContinuousParameter(0.001, 1.0, "Linear")}),
                      finding.fix)
    assert fixed.hyperparameter_ranges["eta"] == ContinuousParameter(0.001, 1.0, "Logarithmic")


# -- 3. the budget ----------------------------------------------------------------------------------------
def test_too_many_hyperparameters_for_the_budget_asks_for_ten_jobs_each():
    config = TuningJobConfig(dataset="iris", strategy="Bayesian", max_jobs=20)  # XGBoost's 5 default ranges
    (finding,) = check_budget(config)
    assert finding.rule == BUDGET and finding.fix == {"max_jobs": 50}
    assert "at least 10 training jobs per tuned hyperparameter" in finding.message
    assert "tune at most 2 hyperparameters" in finding.message
    assert apply_fix(config, finding.fix).max_jobs == 50
    assert check_budget(config.replace(max_jobs=50)) == []
    assert check_budget(config.replace(hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)}, max_jobs=10)) == []


def test_a_grid_larger_than_the_budget_gets_the_grid_size_and_a_fitting_grid_is_left_alone(store):
    config = TuningJobConfig(dataset="iris", strategy="Grid", strategy_config={"GridPoints": 3}, max_jobs=5,
                             hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5),
                                                    "max_depth": IntegerParameter(2, 4)})
    (finding,) = check_budget(config)
    assert finding.fix == {"max_jobs": 9} and "9 combinations" in finding.message
    prepare(apply_fix(config, finding.fix), store=store)  # the launch refused 5; it takes the fix
    assert check_budget(config.replace(max_jobs=9)) == []


# -- 4. no measurable effect --------------------------------------------------------------------------------
def _effect_rows(depth_matters: bool) -> list[tuple[dict, float]]:
    rng = np.random.default_rng(3)
    rows = []
    for _ in range(16):
        eta, depth = float(rng.uniform(0.1, 0.5)), int(rng.integers(1, 11))
        rows.append(({"eta": eta, "max_depth": depth}, 0.5 + eta + (0.04 * depth if depth_matters else 0.0)))
    return rows


def test_a_hyperparameter_that_changed_nothing_is_flagged_with_the_threshold(store):
    config = TuningJobConfig(dataset="iris", hyperparameter_ranges={
        "eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(1, 10)}, max_jobs=16)
    rows = _effect_rows(depth_matters=False)
    job = _record(store, "no-effect", config, rows)
    (finding,) = check_no_effect(job, store.training_jobs(job.name))
    assert finding.rule == NO_EFFECT and finding.hyperparameter == "max_depth"
    assert "the threshold is 2%" in finding.message and "16 Completed training jobs" in finding.message
    best_depth = max(rows, key=lambda row: row[1])[0]["max_depth"]
    assert finding.fix == {"hyperparameter": "max_depth", "StaticValue": best_depth}
    fixed = rerun_config(job, finding.fix)
    assert list(fixed.hyperparameter_ranges) == ["eta"] and fixed.static_hyperparameters["max_depth"] == best_depth
    prepare(fixed)


def test_no_effect_needs_an_effect_elsewhere_and_enough_jobs(store):
    config = TuningJobConfig(dataset="iris", hyperparameter_ranges={
        "eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(1, 10)}, max_jobs=16)
    both = _record(store, "both-matter", config, _effect_rows(depth_matters=True))
    assert check_no_effect(both, store.training_jobs(both.name)) == []
    few = _record(store, "few", config, _effect_rows(depth_matters=False)[:lint.MIN_NO_EFFECT_JOBS - 1])
    assert check_no_effect(few, store.training_jobs(few.name)) == []


# -- 5. the runtime estimate ----------------------------------------------------------------------------------
def test_past_training_jobs_give_a_runtime_estimate_scaled_to_the_rounds(store):
    past = TuningJobConfig(dataset="iris", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                           static_hyperparameters={"num_round": 10}, max_jobs=4)
    _record(store, "past", past, [({"eta": 0.1 * k}, 0.9) for k in range(1, 5)], seconds=2.0)
    planned = past.replace(static_hyperparameters={"num_round": 20}, max_jobs=12, max_parallel_jobs=1)
    estimate = estimate_from_history(planned, store)
    assert estimate.kind == "history" and estimate.jobs_seen == 4
    assert estimate.seconds_per_job == pytest.approx(4.0)  # 0.2 s a round, 20 rounds
    findings = [f for f in lint_before_launch(planned, store=store) if f.rule == RUNTIME_ESTIMATE]
    (finding,) = findings
    assert finding.message.startswith("About 48 s with 1 parallel job: 12 training jobs at about 4 s each")
    assert "median of 4 Completed training jobs of XGBoost on iris in this store" in finding.message
    assert "estimate" in finding.message
    three = runtime_finding(estimate, planned.replace(max_parallel_jobs=3), cores=4)
    assert three.message.startswith("About 16 s with 3 parallel jobs")
    limited = runtime_finding(estimate, planned.replace(max_runtime_seconds=30), cores=4)
    assert "longer than MaxRuntimeInSeconds (30 s)" in limited.message
    # Another dataset or algorithm has no history here.
    assert estimate_from_history(planned.replace(dataset="wine"), store) is None
    assert estimate_from_history(planned.replace(algorithm="knn", hyperparameter_ranges=None), store) is None


def test_one_timed_training_job_gives_an_estimate_when_the_store_has_none(store):
    config = TuningJobConfig(dataset="iris", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5),
                                                                    "max_depth": IntegerParameter(2, 6)},
                             static_hyperparameters={"num_round": 5}, max_jobs=6, max_parallel_jobs=1)
    assert not [f for f in lint_before_launch(config, store=store) if f.rule == RUNTIME_ESTIMATE]
    estimate = time_trial(config)
    assert estimate.kind == "trial" and estimate.seconds_per_job > 0
    assert "one timed training job of XGBoost on iris" in estimate.source and "max_depth=4" in estimate.source
    (finding,) = [f for f in lint_before_launch(config, store=store, estimate=estimate) if f.rule == RUNTIME_ESTIMATE]
    assert "6 training jobs" in finding.message and "estimate" in finding.message
    assert store.list_tuning_jobs() == []  # a trial is not a tuning job


# -- the pages ---------------------------------------------------------------------------------------------------
def _create_page() -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    return app.switch_page("views/create.py").run()


def _tunelab_json(app: AppTest) -> dict:
    return next(json.loads(code.value) for code in export_codes(app) if code.language == "json" and '"Dataset"' in code.value)


def test_the_create_page_raises_the_budget_in_one_click():
    app = _create_page()
    assert not app.exception
    assert any("10 training jobs per tuned hyperparameter" in box.value for box in app.warning)
    assert app.number_input(key="create.max_jobs").value == 20
    button = app.button(key="create.lint.fix.budget.job")
    assert button.label == "Raise MaxNumberOfTrainingJobs to 50"
    button.click().run()
    assert not app.exception
    assert app.number_input(key="create.max_jobs").value == 50
    assert not any("10 training jobs per tuned hyperparameter" in box.value for box in app.warning)
    assert _tunelab_json(app)["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 50


def test_the_create_page_switches_a_range_to_logarithmic_in_one_click():
    app = _create_page()
    job = TuningJobConfig(dataset="iris", hyperparameter_ranges={"eta": ContinuousParameter(0.001, 1.0, "Linear")},
                          static_hyperparameters={"num_round": 5}, strategy="Random", max_jobs=10)
    app.text_area(key="create.import_text").set_value(json.dumps(job.to_dict()))
    app.button(key="create.import").click().run()
    assert _tunelab_json(app)["HyperparameterRanges"]["eta"]["ScalingType"] == "Linear"
    app.button(key="create.lint.fix.linear-over-decades.eta").click().run()
    assert not app.exception and not app.error
    shown = _tunelab_json(app)
    assert shown["HyperparameterRanges"] == {"eta": {"Type": "Continuous", "MinValue": 0.001, "MaxValue": 1.0,
                                                     "ScalingType": "Logarithmic"}}
    assert shown["StaticHyperparameters"] == {"num_round": 5}  # the rest of the table is as it was
    assert not any("Logarithmic suits it" in box.value for box in app.warning)


def test_the_create_page_times_one_training_job_on_request():
    app = _create_page()
    app.selectbox(key="create.dataset").set_value("iris").run()
    assert not any("About" in box.value for box in app.info)
    app.button(key="create.lint_time").click().run()
    assert not app.exception and not app.error
    (estimate,) = [box.value for box in app.info if box.value.startswith("About")]
    assert "one timed training job of XGBoost on iris" in estimate and "estimate" in estimate


def test_a_fix_on_results_opens_create_prefilled():
    job = run_tuning_job(_edge_config("edge-shown"), Store())
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    app.switch_page("views/results.py").run()
    assert not app.exception
    assert any("Widen eta's upper bound" in box.value for box in app.warning)
    app.button(key="results.lint.fix.best-on-edge.eta").click().run()
    assert not app.exception
    assert any(f"Filled in from {job.name}" in box.value for box in app.success)
    shown = _tunelab_json(app)
    assert shown["Dataset"] == "breast_cancer" and shown["Strategy"] == "Grid"
    assert shown["HyperparameterRanges"]["eta"]["MaxValue"] == 0.03
    assert shown["HyperparameterRanges"]["max_depth"]["MaxValue"] == 4
    assert shown["Objective"]["MetricName"] == "validation:logloss"


def test_a_bound_that_cannot_move_is_said_without_a_fix(store):
    config = TuningJobConfig(dataset="iris", hyperparameter_ranges={
        "max_depth": IntegerParameter(1, 10, "Logarithmic"), "eta": ContinuousParameter(0.9, 0.99, "ReverseLogarithmic")},
        max_jobs=2)
    job = _record(store, "stuck", config, [({"max_depth": 1, "eta": 0.99}, 0.9), ({"max_depth": 5, "eta": 0.95}, 0.8)])
    findings = {f.hyperparameter: f for f in check_best_on_edge(job, store.training_jobs(job.name))}
    assert findings["max_depth"].fix is None  # a Logarithmic range of whole numbers cannot go below 1
    assert "Logarithmic scaling cannot reach below 1" in findings["max_depth"].message
    assert findings["eta"].fix == {"hyperparameter": "eta", "MaxValue": 0.999}  # one more width, on its scaling
