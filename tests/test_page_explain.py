"""The Explain page, with AppTest, over real finished tuning jobs (issue 15)."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tuning import ContinuousParameter, IntegerParameter, Store, TuningJobConfig, run_tuning_job

RANGES = {"eta": ContinuousParameter(0.01, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 6)}


def _run(strategy: str, name: str, jobs: int = 8) -> None:
    run_tuning_job(TuningJobConfig(dataset="diabetes", algorithm="xgboost", objective_metric_name="validation:rmse",
                                   objective_type="Minimize", hyperparameter_ranges=RANGES,
                                   static_hyperparameters={"num_round": 20}, max_jobs=jobs, max_parallel_jobs=2,
                                   strategy=strategy, random_seed=4, name=name), Store())


def _titles(app: AppTest) -> list[str]:
    return [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in app.get("plotly_chart")]


def _open(name: str) -> AppTest:
    app = AppTest.from_file("../views/explain.py", default_timeout=120).run()
    app.selectbox(key="pick_tuning_job").set_value(name).run()
    assert not app.exception, [item.value for item in app.exception]
    return app


def test_a_bayesian_job_is_walked_step_by_step_with_the_model_drawn():
    _run("Bayesian", "walked", jobs=10)
    app = _open("walked")
    text = " ".join(item.value for item in app.markdown)
    assert "How Bayesian picks." in text and "Step 1 of" in text
    assert "No model yet" in json.dumps([chart.proto.spec for chart in app.get("plotly_chart")])
    last = int(app.slider(key="explain.step").max)
    for step in (4, 7, last):
        app.slider(key="explain.step").set_value(step).run()
        assert not app.exception, [item.value for item in app.exception]
        look_into = app.radio(key=f"explain.model.{step}")
        assert look_into.value == ("TPE" if all(by.startswith("TPE") for by in app.dataframe[0].value["Proposed by"])
                                   else "Gaussian process")  # the half that picked at this step, first
        look_into.set_value("Gaussian process").run()
        assert f"Step {step} of {last}" in " ".join(item.value for item in app.markdown)
        split = " ".join(item.value for item in app.caption)  # why the step's points were split as they were
        assert any(words in split for words in ("The two halves take turns", "Split evenly", "The split leans")), split
        assert _titles(app) == [f"Step {step}: what the Gaussian process believed", f"Step {step}: the model along eta"]
    table = app.dataframe[0].value
    assert list(table.columns[:2]) == ["Training job", "Proposed by"] and {"eta", "max_depth"} <= set(table.columns)
    # Which half picked at which step depends on the order the two workers finished in: the model is
    # drawn at the latest step the Gaussian process picked at; a step TPE took alone says so instead.
    by_step = {}
    for step in range(last, 0, -1):
        app.slider(key="explain.step").set_value(step).run()
        by_step[step] = list(app.dataframe[0].value["Proposed by"])
        if "Gaussian process" in by_step[step]:
            break
    assert "Gaussian process" in by_step[step], by_step
    app.radio(key=f"explain.model.{step}").set_value("Gaussian process").run()
    plane = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert [trace["type"] for trace in plane["data"]].count("heatmap") == 3
    for tpe_step in [s for s, by in by_step.items() if all(b.startswith("TPE") for b in by)][:1]:
        app.slider(key="explain.step").set_value(tpe_step).run()
        app.radio(key=f"explain.model.{tpe_step}").set_value("Gaussian process").run()
        assert "TPE made every pick at this step" in json.dumps([chart.proto.spec for chart in app.get("plotly_chart")])
    assert "held" in plane["layout"]["title"]["subtitle"]["text"] or "whole model" in plane["layout"]["title"][
        "subtitle"]["text"]


def test_a_random_job_shows_coverage_and_why_it_does_not_learn():
    _run("Random", "spread", jobs=6)
    app = _open("spread")
    text = " ".join(item.value for item in app.markdown)
    assert "whatever the results" in text
    assert _titles(app) == ["Step 1: where Random has looked"]


def test_a_job_without_a_record_says_so_on_the_page():
    _run("Random", "older", jobs=2)
    with Store().engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM strategy_calls")
    app = _open("older")
    assert "cannot be replayed" in " ".join(item.value for item in app.info)


def test_results_names_the_half_that_proposed_each_bayesian_job():
    _run("Bayesian", "halves", jobs=8)
    app = AppTest.from_file("../views/results.py", default_timeout=120).run()
    assert not app.exception, [item.value for item in app.exception]
    table = app.dataframe[0].value
    assert "ProposedBy" in table.columns
    assert set(table["ProposedBy"]) <= {"Gaussian process", "TPE", "Sobol start", "random start", "TPE (random start)"}
    assert table["ProposedBy"].notna().all() and "TPE (random start)" in set(table["ProposedBy"])
