"""The Strategy race page, with AppTest: the setup's plan, a race started from the button, reopened, repeated."""

from __future__ import annotations

import json
import time

from streamlit.testing.v1 import AppTest

from tuning import Store
from tuning.job.race_plan import available_cores, parallel_share
from tuning.running.race import races

PAGE = "../views/race.py"
WAIT_SECONDS = 240


def _setting(app, label):
    return next(widget for widget in [*app.selectbox, *app.number_input, *app.text_input] if widget.label == label)


def _wait(predicate):
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        store = Store()
        found = races(store)
        store.dispose()
        if predicate(found):
            return found
        assert time.monotonic() < deadline, "the race did not end in time"
        time.sleep(0.5)


def _charts(app):
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def test_the_setup_shows_the_plan_and_says_what_is_left_out():
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception
    assert "No race yet" in app.info[-1].value
    plan = app.info[0].value  # iris and XGBoost's five default ranges: 2 x 2 x 2 x 2 x 2 = 32 > 12
    assert plan.startswith("**3 strategies**: Random, Bayesian, Hyperband; 12 training jobs each, seed 1")
    assert any(w.value.startswith("Grid is left out: the smallest grid") for w in app.warning)
    _setting(app, "Algorithm").set_value("knn").run()
    assert app.info[0].value.startswith("**3 strategies**: Grid, Random, Bayesian;")
    assert any(w.value.startswith("Hyperband is left out: k-Nearest Neighbours trains in one step") for w in app.warning)
    _setting(app, "Race name (optional)").input("x" * 24).run()  # x...x-bayesian would be 33 characters
    assert not app.exception and any("keep it to 23" in e.value for e in app.error)
    assert app.button(key="race.start").disabled


def test_a_race_started_on_the_page_is_drawn_reopened_and_repeated():
    app = AppTest.from_file(PAGE, default_timeout=120).run()
    _setting(app, "Algorithm").set_value("knn").run()
    _setting(app, "Budget (training jobs per strategy)").set_value(8).run()
    _setting(app, "Race name (optional)").input("page-race").run()
    app.button(key="race.start").click().run()
    assert not app.exception
    _wait(lambda found: "page-race" in found and not found["page-race"].is_active)

    later = AppTest.from_file(PAGE, default_timeout=60)  # a new session reopens it from the stored races
    later.query_params["race"] = "page-race"
    later.run()
    assert not later.exception
    assert _setting(later, "Race").value == "page-race"
    verdict = later.success[0].value
    assert verdict.startswith("With one seed each, ") and "no verdict yet" in verdict
    charts = _charts(later)
    assert [chart["layout"]["xaxis"]["title"]["text"] for chart in charts] == [
        "Training job number", "Compute seconds (training time of every job, summed)"]
    for chart in charts:
        assert sorted(trace["name"] for trace in chart["data"] if " · " in trace.get("name", "")) == [
            "Bayesian · one seed", "Grid · one seed", "Random · one seed"]
        assert any(trace.get("name", "").startswith("Baseline ") for trace in chart["data"])
    table = later.dataframe[-1].value  # after the ranges editor
    assert list(table["Strategy"]) == ["Grid", "Random", "Bayesian"]
    assert set(table["Training jobs"]) == {"8 of 8"}
    assert set(table["Parallel"]) == {parallel_share(available_cores(), 3)}  # 3 strategies share the cores
    report = later.get("download_button")
    assert [button.proto.label for button in report] == ["Download race report (HTML)"]

    _setting(later, "Seeds in all").set_value(2).run()
    later.button(key="race.repeat").click().run()
    assert not later.exception
    _wait(lambda found: found["page-race"].seeds == [1, 2] and not found["page-race"].is_active)
    later.run()
    assert later.success[0].value.startswith("Over 2 seeds, ")
    for chart in _charts(later):
        assert {trace["name"] for trace in chart["data"] if " · " in trace.get("name", "")} == {
            "Grid · 2 seeds", "Random · 2 seeds", "Bayesian · 2 seeds"}


def test_an_existing_tuning_job_prefills_the_setup_as_a_template():
    from tuning import ContinuousParameter, TuningJobConfig, run_tuning_job

    store = Store()
    run_tuning_job(TuningJobConfig(dataset="breast_cancer", algorithm="linear-learner", strategy="Random",
                                   hyperparameter_ranges={"learning_rate": ContinuousParameter(0.001, 0.1, "Logarithmic")},
                                   max_jobs=3, random_seed=9, name="template-job"), store)
    store.dispose()
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    _setting(app, "Start from").set_value("template-job").run()
    assert not app.exception
    assert (_setting(app, "Dataset").value, _setting(app, "Algorithm").value) == ("breast_cancer", "linear-learner")
    assert (_setting(app, "Budget (training jobs per strategy)").value, _setting(app, "Random seed").value) == (3, 9)
    ranges = app.dataframe[0].value
    assert list(ranges.loc[ranges["Tune"], "Hyperparameter"]) == ["learning_rate"]  # the template's one range
    assert app.info[0].value.startswith("**4 strategies**: Grid, Random, Bayesian, Hyperband; 3 training jobs each, "
                                        "seed 9, validation:auc on breast_cancer")
