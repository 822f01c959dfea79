"""Results and Monitor pages, with AppTest, over a real finished tuning job."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tuning.visualization._importance import TITLE as IMPORTANCE_TITLE
from tuning import ContinuousParameter, IntegerParameter, Store, TuningJobConfig, run_tuning_job



@pytest.fixture
def finished_job():
    config = TuningJobConfig(
        dataset="breast_cancer", hyperparameter_ranges={"eta": ContinuousParameter(0.05, 0.5, "Logarithmic"),
                                                        "max_depth": IntegerParameter(1, 6)},
        static_hyperparameters={"num_round": 10}, strategy="Random", max_jobs=5, max_parallel_jobs=2,
        random_seed=1, name="shown",
    )
    return run_tuning_job(config, Store())


@pytest.mark.parametrize("page", ["results", "monitor"])
def test_pages_explain_when_there_is_no_job(page):
    app = AppTest.from_file(f"../views/{page}.py", default_timeout=60).run()
    assert not app.exception
    assert "No tuning jobs yet" in app.info[0].value


def test_results_shows_the_table_best_job_and_charts(finished_job):
    app = AppTest.from_file("../views/results.py", default_timeout=60).run()
    assert not app.exception
    assert finished_job.best_training_job in app.success[0].value
    table = app.dataframe[0].value
    assert len(table) == 5 and set(table["TrainingJobStatus"]) == {"Completed"}
    assert {"eta", "max_depth", "FinalObjectiveValue"} <= set(table.columns)
    axes = [box.value for box in app.selectbox if box.label in ("Horizontal axis", "Vertical axis")]
    assert axes == ["eta", "max_depth"]
    assert len(app.get("plotly_chart")) == 1  # lazy tabs: only the open tab's chart is built
    titles = []
    for tab in ("Best so far", "Parallel coordinates", "Importance", "Each hyperparameter", "Learning curves"):
        app.session_state["results.chart"] = tab
        app.run()
        assert not app.exception
        (chart,) = app.get("plotly_chart")
        titles.append(json.loads(chart.proto.spec)["layout"]["title"]["text"])
    assert [title.split(":")[0].removesuffix(" for validation") for title in titles] == [
        "Best objective so far", "Parallel coordinates", IMPORTANCE_TITLE, "Slice plot", "Intermediate values"], titles
    app.session_state["results.chart"] = "Objective surface"
    app.run()
    # Filtering by status narrows the table.
    app.multiselect[0].set_value([]).run()
    assert len(app.dataframe[0].value) == 0


def test_results_refuses_the_same_axis_twice_with_a_message(finished_job):
    app = AppTest.from_file("../views/results.py", default_timeout=60).run()
    vertical = next(box for box in app.selectbox if box.label == "Vertical axis")
    vertical.set_value("eta").run()
    assert not app.exception
    assert any("eta" in error.value for error in app.error)


def test_monitor_shows_counters_progress_and_no_stop_button_for_a_finished_job(finished_job):
    app = AppTest.from_file("../views/monitor.py", default_timeout=60).run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Status"] == "Completed" and metrics["Completed"] == "5" and metrics["Failed"] == "0"
    assert not [button for button in app.button if button.label == "Stop tuning job"]
    assert len(app.dataframe[0].value) == 5
    assert "Training jobs ran on this machine's process pool." in [caption.value for caption in app.caption]


def test_monitor_stops_a_running_job_from_its_button():
    from tuning import launch_tuning_job

    store = Store()
    handle = launch_tuning_job(TuningJobConfig(
        dataset="breast_cancer", hyperparameter_ranges={"eta": ContinuousParameter(0.05, 0.5)},
        static_hyperparameters={"num_round": 100_000}, strategy="Random", max_jobs=4, max_parallel_jobs=2,
        random_seed=1, name="to-stop"), store)
    app = AppTest.from_file("../views/monitor.py", default_timeout=60).run()
    assert not app.exception
    assert [metric.value for metric in app.metric if metric.label == "Status"] == ["InProgress"]
    next(button for button in app.button if button.label == "Stop tuning job").click().run()
    job = handle.wait(timeout=60)
    assert job.status == "Stopped"
    assert {j.status for j in store.training_jobs("to-stop")} == {"Stopped"}


def test_compare_overlays_two_strategies_and_totals_their_compute():
    store = Store()
    for strategy in ("Random", "Bayesian"):
        run_tuning_job(TuningJobConfig(
            dataset="iris", algorithm="knn", objective_metric_name="validation:accuracy", strategy=strategy,
            max_jobs=3, random_seed=2, name=f"cmp-{strategy.lower()}"), store)
    app = AppTest.from_file("../views/compare.py", default_timeout=60).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert set(table["Tuning job"]) == {"cmp-random", "cmp-bayesian"}
    assert set(table["Training jobs"]) == {3}
    assert (table["Compute seconds"] >= 0).all()
    figure = app.get("plotly_chart")[0].proto.spec
    assert "cmp-random" in figure and "cmp-bayesian" in figure


def _compare_pair(store, **changes):
    for strategy in ("Random", "Bayesian"):
        run_tuning_job(TuningJobConfig(
            dataset="iris", algorithm="knn", objective_metric_name="validation:accuracy", strategy=strategy,
            max_jobs=4, random_seed=2, name=f"cmp-{strategy.lower()}").replace(**changes), store)


def test_compare_repeats_over_seeds_and_draws_bands_and_a_table_found_again_later():
    store = Store()
    _compare_pair(store)
    app = AppTest.from_file("../views/compare.py", default_timeout=120).run()
    assert not app.exception
    assert "been repeated over seeds yet: press Run" in app.info[0].value
    assert app.multiselect(key="compare.repeat").value == ["cmp-bayesian", "cmp-random"]
    app.number_input(key="compare.seeds").set_value(2)
    app.button(key="compare.run").click().run()  # waits for the reruns (AppTest never fires run_every)
    assert not app.exception and not app.error
    titles = [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in app.get("plotly_chart")]
    assert "one seed each" in titles[0]
    assert all("mean of 2 seeds, band: interquartile range" in title for title in titles[1:]) and len(titles) == 3
    assert "Compute seconds" in app.get("plotly_chart")[2].proto.spec
    table = app.dataframe[1].value
    assert list(table["Group"]) == ["Bayesian, early stopping Off (cmp-bayesian)", "Random, early stopping Off (cmp-random)"]
    assert list(table["Seeds"]) == [2, 2] and {"Mean best", "IQR of best", "Median jobs to reach X"} <= set(table.columns)
    assert (table["Seeds that reached X"].str.endswith("of 2")).all()
    assert {job.name for job in store.list_tuning_jobs()} >= {"cmp-random-s1", "cmp-random-s2", "cmp-bayesian-s2"}

    later = AppTest.from_file("../views/compare.py", default_timeout=60).run()  # a new session: no Run pressed
    assert not later.exception
    assert len(later.get("plotly_chart")) == 3 and len(later.dataframe[1].value) == 2
    assert set(later.dataframe[0].value["Tuning job"]) == {"cmp-random", "cmp-bayesian"}  # reruns are not originals


def test_compare_says_in_a_sentence_why_a_repeat_cannot_run(tmp_path):
    from tuning.datasets import load_dataset

    path = tmp_path / "flowers.csv"
    iris = load_dataset("iris")
    iris.features.assign(species=iris.target).to_csv(path, index=False)
    _compare_pair(Store(), dataset=path, target="species")
    path.unlink()
    app = AppTest.from_file("../views/compare.py", default_timeout=60).run()
    app.button(key="compare.run").click().run()
    assert not app.exception
    (error,) = app.error
    assert "nothing was run" in error.value and "no file at" in error.value and "Traceback" not in error.value


def test_compare_needs_two_jobs(finished_job):
    app = AppTest.from_file("../views/compare.py", default_timeout=60).run()
    assert not app.exception
    assert "needs two or more" in app.info[0].value


@pytest.mark.parametrize("page", ["results", "monitor"])
def test_a_warm_started_job_shows_its_parents_and_the_overall_best(finished_job, page):
    from tuning import WarmStartConfig, WarmStartTypes

    store = Store()
    child = run_tuning_job(TuningJobConfig.from_dict(finished_job.config).replace(
        name="child", strategy="Bayesian", max_jobs=2,
        warm_start_config=WarmStartConfig(WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM, ["shown"])), store)
    best = max([*store.training_jobs("shown"), *store.training_jobs("child")], key=lambda j: j.final_objective_value)
    app = AppTest.from_file(f"../views/{page}.py", default_timeout=60)
    app.query_params["job"] = child.name
    app.run()
    assert not app.exception
    (note,) = [box.value for box in app.info if "Warm-started" in box.value]
    assert "IdenticalDataAndAlgorithm" in note and "shown" in note
    assert f"**{best.name}**" in note
    assert f"{best.final_objective_value:.6g}" in note


# -- a tuning job of thousands of training jobs ----------------------------------------------
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from bench_pages import fill_synthetic_job  # noqa: E402

TABLE_ROWS = 300  # views/monitor.py's TABLE_ROWS (a page script cannot be imported)


@pytest.fixture
def big_job():
    """A finished tuning job of 3,000 synthetic training jobs, written in two transactions."""
    store = Store()
    fill_synthetic_job(store, "big", 3000, seed=5)
    return store.get_tuning_job("big")


def test_monitor_shows_only_the_newest_rows_of_a_big_job_and_says_where_the_rest_are(big_job):
    app = AppTest.from_file("../views/monitor.py", default_timeout=60).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert len(table) == TABLE_ROWS
    assert list(table["TrainingJobName"][:2]) == ["big-3000", "big-2999"]  # newest first
    (note,) = [caption.value for caption in app.caption if "newest" in caption.value]
    assert f"The newest {TABLE_ROWS} of 3,000 training jobs" in note and "Results page" in note
    assert {metric.label: metric.value for metric in app.metric}["Status"] == "Completed"
    (chart,) = app.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    assert sum(len(trace["x"]) for trace in spec["data"] if trace["mode"] == "markers") == 1000  # sampled
    assert "sampled" in spec["layout"]["title"]["text"]


def test_results_lists_every_job_of_a_big_job_with_the_best_first_and_starred(big_job):
    app = AppTest.from_file("../views/results.py", default_timeout=60).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert len(table) == 3000
    assert table["TrainingJobName"].iloc[0] == big_job.best_training_job
    assert list(table["Best"]).count("★") == 1 and table["Best"].iloc[0] == "★"
    assert any("3,000 of 3,000 training jobs" in caption.value for caption in app.caption)
    titles = {}
    for tab in ("Objective surface", "Parallel coordinates", "Learning curves"):
        app.session_state["results.chart"] = tab
        app.run()
        assert not app.exception
        (chart,) = app.get("plotly_chart")
        titles[tab] = json.loads(chart.proto.spec)["layout"]["title"]["text"]
    assert "mean objective per grid cell" in titles["Objective surface"]
    assert "sampled" in titles["Parallel coordinates"] and "sampled" in titles["Learning curves"]


def test_pages_mark_a_dead_runner_interrupted_and_a_read_only_store_still_shows_with_a_note(tmp_path, monkeypatch):
    """Each page run (and each Monitor refresh) marks dead runners explicitly; reading never does,
    so on a store that refuses writes the pages still show what they read, with a plain note."""
    import time

    import streamlit as st

    from tuning.records import TuningJob

    path = tmp_path / "dead.db"
    Store(path).create_tuning_job(TuningJob(
        name="dead", status="InProgress", strategy="Random", algorithm="xgboost", dataset="iris",
        objective_metric_name="validation:accuracy", objective_type="Maximize", max_jobs=5, max_parallel_jobs=1,
        config={"Strategy": "Random"}, created_at=time.time(), runner_host="elsewhere", runner_pid=1,
        heartbeat_at=time.time() - 120))

    def notes(app):
        return [caption.value for caption in app.caption if "could not mark" in caption.value]

    monkeypatch.setenv("TUNELAB_STORE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    for page in ("../app.py", "../views/monitor.py"):  # the app opens on Home
        app = AppTest.from_file(page, default_timeout=60).run()
        assert not app.exception, page
        assert notes(app) and "refused the write" in notes(app)[0], page
    assert {metric.label: metric.value for metric in app.metric}["Status"] == "InProgress"

    st.cache_resource.clear()  # a writable store from here on
    monkeypatch.setenv("TUNELAB_STORE_URL", f"sqlite:///{path}")
    app = AppTest.from_file("../views/monitor.py", default_timeout=60).run()
    assert not app.exception and not notes(app)
    assert {metric.label: metric.value for metric in app.metric}["Status"] == "Interrupted"
    assert any(button.label == "Resume tuning job" for button in app.button)
