"""The Create tuning job page, with AppTest, against a real store and real runs."""

from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from tuning import Store



def _page() -> AppTest:
    """The page inside the app (as a user opens it), so its links to other pages resolve."""
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    return app.switch_page("views/create.py").run()


def _errors(app: AppTest) -> str:
    return "\n".join(element.value for element in app.error)


def _wait_until_finished(store: Store, name: str, seconds: float = 120) -> str:
    deadline = time.time() + seconds
    while store.get_tuning_job(name).is_active and time.time() < deadline:
        time.sleep(0.25)
    return store.get_tuning_job(name).status


def test_defaults_are_valid_and_explained():
    app = _page()
    assert not app.exception
    assert not app.error
    assert app.selectbox(key="create.dataset").value == "bank-marketing"
    metric = app.selectbox(key="create.metric.xgboost.BinaryClassification")
    assert metric.value == "validation:auc"
    assert "validation:auc — Maximize (higher is better)" in metric.options
    summary = app.info[0].value
    assert "20 training jobs" in summary and "Bayesian" in summary and "eta" in summary
    assert app.button(key="create.launch").disabled is False
    captions = " ".join(caption.value for caption in app.caption)
    assert "MaxParallelTrainingJobs" in captions and "RandomSeed" in captions
    shown = json.loads(app.code[0].value)
    assert shown["Dataset"] == "bank-marketing" and shown["Strategy"] == "Bayesian"
    assert shown["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 20


def test_launching_runs_a_real_job_in_the_background_and_returns_at_once():
    app = _page()
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.number_input(key="create.max_jobs").set_value(3).run()
    app.radio(key="create.strategy").set_value("Random").run()
    app.text_input(key="create.name").set_value("from-the-form").run()
    assert not app.error, _errors(app)
    started = time.time()
    app.button(key="create.launch").click().run()
    assert time.time() - started < 20  # it does not wait for the 3 training jobs
    assert not app.exception
    assert "Launched **from-the-form**" in app.success[0].value
    store = Store()
    assert _wait_until_finished(store, "from-the-form") == "Completed"
    job = store.get_tuning_job("from-the-form")
    assert (job.dataset, job.strategy, job.max_jobs, job.objective_metric_name) == (
        "iris", "Random", 3, "validation:accuracy")
    assert len(store.training_jobs("from-the-form", status="Completed")) == 3


def test_several_jobs_can_run_at_once():
    app = _page()
    app.selectbox(key="create.dataset").set_value("breast_cancer").run()
    app.number_input(key="create.max_jobs").set_value(2).run()
    app.number_input(key="create.max_parallel").set_value(1).run()
    names = []
    for name in ("first-of-two", "second-of-two"):
        app.text_input(key="create.name").set_value(name).run()
        app.button(key="create.launch").click().run()
        assert not app.exception and not app.error, _errors(app)
        names.append(name)
    store = Store()
    assert {job.name for job in store.list_tuning_jobs()} == set(names)
    assert [_wait_until_finished(store, name) for name in names] == ["Completed", "Completed"]


def test_a_grid_larger_than_the_job_limit_is_refused_inline():
    app = _page()
    app.radio(key="create.strategy").set_value("Grid").run()
    assert "5 x 5 x 5 x 5 x 5" in _errors(app)
    assert app.button(key="create.launch").disabled is True
    assert Store().list_tuning_jobs() == []


def test_hyperband_needs_a_resource_and_a_sensible_budget():
    app = _page()
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.radio(key="create.strategy").set_value("Hyperband").run()
    assert not app.error, _errors(app)
    assert "num_round" not in str(app.dataframe) and app.number_input(key="create.max_resource.xgboost").value == 100
    app.number_input(key="create.min_resource.xgboost").set_value(100).run()
    assert "MinResource < MaxResource" in _errors(app)
    assert app.button(key="create.launch").disabled is True
    algorithm = app.selectbox(key="create.algorithm.MulticlassClassification")
    algorithm.set_value("knn").run()
    assert "Hyperband has no budget" in _errors(app)
    assert app.toggle(key="create.early_stopping").disabled is True


@pytest.mark.parametrize(("name", "expected"), [("bad name!", "name"), ("taken", "already exists")])
def test_a_bad_or_taken_name_is_refused_inline(name, expected):
    if name == "taken":
        from tuning import TuningJobConfig, run_tuning_job
        run_tuning_job(TuningJobConfig(dataset="iris", static_hyperparameters={"num_round": 3}, strategy="Random",
                                       max_jobs=1, name="taken"), Store())
    app = _page()
    app.text_input(key="create.name").set_value(name).run()
    assert expected in _errors(app)
    assert app.button(key="create.launch").disabled is True


def test_the_datasets_page_can_hand_over_a_dataset():
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    app.session_state["create_dataset"] = "california-housing"
    app.switch_page("views/create.py").run()
    assert app.selectbox(key="create.dataset").value == "california-housing"
    assert app.selectbox(key="create.metric.xgboost.Regression").value == "validation:rmse"
    assert "minimizing validation:rmse" in app.info[0].value


def test_completion_criteria_end_a_launched_job_early_and_bad_ones_are_refused():
    app = _page()
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.radio(key="create.strategy").set_value("Random").run()
    app.number_input(key="create.patience").set_value(2).run()
    assert "at least 3" in _errors(app) and app.button(key="create.launch").disabled is True
    app.number_input(key="create.patience").set_value(0).run()
    app.checkbox(key="create.use_target").check().run()
    app.number_input(key="create.target").set_value(0.5).run()
    app.text_input(key="create.name").set_value("ends-early").run()
    assert json.loads(app.code[0].value)["TuningJobCompletionCriteria"] == {"TargetObjectiveMetricValue": 0.5}
    app.button(key="create.launch").click().run()
    assert not app.exception and not app.error, _errors(app)
    store = Store()
    assert _wait_until_finished(store, "ends-early") == "Completed"
    job = store.get_tuning_job("ends-early")
    assert job.finished_count < 20 and job.completion_reason.startswith("TargetObjectiveMetricValue (0.5) reached")
