"""The pages tell the truth about a lesson job (issue 12), with AppTest over a real tuning job.

Bank-marketing's accuracy with early stopping: the compute used and saved, the score of a
model that learnt nothing beside the best one, stopped jobs' values written as interim, and
the warning when early stopping judged jobs that had not learnt anything yet. Every number
the pages show is compared with what the engine gives for the same store.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tuning import ContinuousParameter, IntegerParameter, Store, TuningJobConfig, run_tuning_job
from tuning.analysis.baseline import baseline_for_job
from tuning.analysis.resource_use import compute_usage
from tuning.analysis.stopped_jobs import objective_text, stopping_evidence


def _lesson(name: str = "lesson", seed: int = 1, **changes):
    config = TuningJobConfig(
        dataset="bank-marketing", objective_metric_name="validation:accuracy",
        hyperparameter_ranges={"max_depth": IntegerParameter(3, 10), "eta": ContinuousParameter(0.01, 0.3, "Logarithmic"),
                               "gamma": ContinuousParameter(0, 5)},
        static_hyperparameters={"num_round": 30}, strategy="Random", max_jobs=8, max_parallel_jobs=2,
        early_stopping_type="Auto", random_seed=seed, name=name).replace(**changes)
    return run_tuning_job(config, Store())


@pytest.fixture
def lesson():
    """A finished lesson job whose early stopping stopped some jobs (seed 1: 3 of 8, on the majority's score)."""
    job = _lesson()
    jobs = Store().training_jobs(job.name)
    assert any(training_job.status == "Stopped" for training_job in jobs)
    return job, jobs


def _texts(app: AppTest) -> str:
    return "\n".join(element.value for kind in ("markdown", "caption", "success", "warning", "info")
                     for element in getattr(app, kind))


def _app(page: str) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    return app.switch_page(f"views/{page}.py").run()


@pytest.mark.parametrize("page", ["results", "monitor"])
def test_the_page_shows_compute_baseline_evidence_and_interim_values(lesson, page):
    job, jobs = lesson
    app = _app(page)
    assert not app.exception and not app.error
    texts = _texts(app)
    usage = compute_usage(job, jobs)
    assert f"**Compute:** {usage.line()}" in texts
    assert "instance-hour" not in texts  # no price typed, no cost
    baseline = baseline_for_job(job)
    (best,) = [box.value for box in app.success if "Best training job" in box.value]
    assert (f"**{job.best_training_job}** with validation:accuracy = {job.best_objective_value:.4g} "
            f"(baseline {baseline.value:.4g}: always predicting the majority class 'no')") in best
    (warning,) = [box.value for box in app.warning if "stopped jobs were stopped" in box.value]
    assert warning == stopping_evidence(job, jobs, baseline)
    stopped = [training_job for training_job in jobs if training_job.status == "Stopped"]
    (line,) = [caption.value for caption in app.caption if caption.value.startswith("Stopped early")]
    for training_job in stopped:
        assert f"{training_job.name} {objective_text(job, training_job)}" in line
    assert "(stopped)" in line and "round" in line
    table = app.dataframe[0].value
    values = dict(zip(table["TrainingJobName"], table["Value"]))
    assert {values[training_job.name] for training_job in stopped} <= {
        f"interim: round {step} of 30" for step in range(1, 31)}
    assert {values[t.name] for t in jobs if t.status == "Completed"} == {"final"}
    assert table["FinalObjectiveValue"].dtype.kind == "f"  # the numbers still sort
    spec = json.loads(app.get("plotly_chart")[0].proto.spec) if page == "monitor" else None
    if spec is not None:  # Monitor's best-so-far: the dotted baseline, named
        assert any(f"Baseline {baseline.value:.4g}" in (trace.get("name") or "") for trace in spec["data"])


def test_a_price_adds_the_cost_and_stays_when_the_page_changes(lesson):
    job, jobs = lesson
    usage = compute_usage(job, jobs)
    app = _app("results")
    app.number_input(key="cost.price").set_value(0.23).run()
    app.text_input(key="cost.currency").set_value("EUR").run()
    assert not app.exception
    expected = usage.line(price_per_hour=0.23, currency="EUR")
    assert "at 0.23 EUR an instance-hour" in expected and f"**Compute:** {expected}" in _texts(app)
    app.switch_page("views/datasets.py").run()  # a page without the inputs: Streamlit drops their widget state
    app.switch_page("views/monitor.py").run()
    assert not app.exception
    assert app.number_input(key="cost.price").value == 0.23
    assert f"**Compute:** {expected}" in _texts(app)
    app.number_input(key="cost.price").set_value(None).run()
    assert "instance-hour" not in _texts(app)


def test_results_draws_the_baseline_on_best_so_far_and_learning_curves(lesson):
    job, _ = lesson
    baseline = baseline_for_job(job)
    app = _app("results")
    for tab in ("Best so far", "Learning curves"):
        app.session_state["results.chart"] = tab
        app.run()
        assert not app.exception
        (chart,) = app.get("plotly_chart")
        names = [trace.get("name") or "" for trace in json.loads(chart.proto.spec)["data"]]
        assert any(name.startswith(f"Baseline {baseline.value:.4g}") for name in names), (tab, names)


def test_a_job_without_a_resource_has_no_compute_line():
    run_tuning_job(TuningJobConfig(dataset="iris", algorithm="knn", objective_metric_name="validation:accuracy",
                                   strategy="Random", max_jobs=3, random_seed=2, name="knn"), Store())
    app = _app("results")
    assert not app.exception
    assert "Compute" not in _texts(app)
    assert "baseline" in app.success[0].value


def test_compare_counts_rounds_used_and_draws_one_baseline_for_one_dataset(lesson):
    job, jobs = lesson
    other = _lesson("lesson-off", early_stopping_type="Off")
    store = Store()
    app = _app("compare")
    assert not app.exception and not app.error
    table = app.dataframe[0].value
    used = dict(zip(table["Tuning job"], table["Boosting rounds used"]))
    for tuning_job in (job, other):
        usage = compute_usage(tuning_job, store.training_jobs(tuning_job.name))
        assert used[tuning_job.name] == f"{usage.used:,} of {usage.full:,} ({usage.saved_share:.0%} saved)"
    assert used["lesson-off"] == "240 of 240 (0% saved)"
    names = [trace.get("name") or "" for trace in json.loads(app.get("plotly_chart")[0].proto.spec)["data"]]
    assert sum(name.startswith("Baseline ") for name in names) == 1
    assert any("one run with one seed" in caption.value for caption in app.caption)


def test_compare_draws_no_baseline_across_datasets(lesson):
    run_tuning_job(TuningJobConfig(dataset="breast_cancer", objective_metric_name="validation:accuracy",
                                   hyperparameter_ranges={"eta": ContinuousParameter(0.05, 0.5)},
                                   static_hyperparameters={"num_round": 10}, strategy="Random", max_jobs=3,
                                   random_seed=1, name="cancer"), Store())
    app = _app("compare")
    assert not app.exception
    assert set(app.multiselect[0].value) == {"lesson", "cancer"}
    names = [trace.get("name") or "" for trace in json.loads(app.get("plotly_chart")[0].proto.spec)["data"]]
    assert not any(name.startswith("Baseline ") for name in names)
