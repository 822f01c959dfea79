"""The Lesson page, with AppTest: its steps keep what was typed, and its job is the lesson's JSON.

A real store (the test's $TUNELAB_HOME), a real tuning job on bank-marketing for the reuse
of an earlier job, and the engine's own gate for the bad range.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tuning import Store, run_tuning_job
from tuning.analysis.resource_use import compute_usage
from tuning.lesson import STEPS, default_lesson_state, lesson_config

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lesson-bank-accuracy.json"
W = "lesson.w."


def _lesson() -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=90).run()
    app = app.switch_page("views/lesson.py").run()
    assert not app.exception, app.exception
    return app


def _next(app: AppTest, times: int = 1) -> AppTest:
    for _ in range(times):
        app = app.button(key="lesson.next").click().run()
        assert not app.exception, app.exception
    return app


def _back(app: AppTest, times: int = 1) -> AppTest:
    for _ in range(times):
        app = app.button(key="lesson.back").click().run()
        assert not app.exception, app.exception
    return app


def _step(app: AppTest) -> str:
    return app.get("progress")[0].proto.text


def _texts(app: AppTest) -> str:
    return "\n".join(element.value for kind in ("markdown", "caption", "success", "warning", "info", "error")
                     for element in getattr(app, kind))


def test_next_and_back_keep_what_was_typed():
    app = _lesson()
    assert _step(app) == f"Step 1 of {len(STEPS)}"
    assert app.subheader[0].value == f"1. {STEPS[0].title}"
    app.checkbox(key=W + "exclude_columns").check().run()
    app = _next(app)
    app.text_input(key=W + "name").input("class-of-2026").run()
    app = _next(app)
    assert _step(app).startswith("Step 3 of 10")
    app.number_input(key=W + "ranges.xgboost.1.MinValue").set_value(0.02).run()
    app.number_input(key=W + "ranges.xgboost.0.MaxValue").set_value(8).run()
    app.selectbox(key=W + "ranges.xgboost.2.ScalingType").set_value("Auto").run()
    app = _next(app, 2)
    assert _step(app).startswith("Step 5 of 10")
    app.number_input(key=W + "max_jobs").set_value(6).run()
    app.radio(key=W + "strategy").set_value("Random").run()

    app = _back(app, 4)  # to step 1: every widget of steps 2-5 was dropped by Streamlit meanwhile
    assert _step(app).startswith("Step 1 of 10")
    assert app.checkbox(key=W + "exclude_columns").value is True
    app = _next(app)
    assert app.text_input(key=W + "name").value == "class-of-2026"
    app = _next(app)
    assert app.number_input(key=W + "ranges.xgboost.1.MinValue").value == 0.02
    assert app.number_input(key=W + "ranges.xgboost.0.MaxValue").value == 8
    assert app.selectbox(key=W + "ranges.xgboost.2.ScalingType").value == "Auto"
    app = _next(app, 2)
    assert app.number_input(key=W + "max_jobs").value == 6
    assert app.radio(key=W + "strategy").value == "Random"

    # ... and the job the lesson would launch is the one typed.
    config = lesson_config(app.session_state["lesson.state"])
    assert (config.name, config.strategy, config.max_jobs, list(config.exclude_columns)) == (
        "class-of-2026", "Random", 6, ["duration"])
    ranges = config.resolved_ranges()
    assert (ranges["eta"].min_value, ranges["max_depth"].max_value, ranges["gamma"].scaling_type) == (0.02, 8, "Auto")


def test_switching_the_algorithm_keeps_each_algorithms_own_ranges():
    app = _next(_lesson(), 2)
    app.number_input(key=W + "ranges.xgboost.1.MaxValue").set_value(0.2).run()
    app = _back(app)
    app.radio(key=W + "algorithm").set_value("linear-learner").run()
    app = _next(app)
    assert app.number_input(key=W + "ranges.linear-learner.0.MinValue").value == 0.0001
    app = _back(app)
    app.radio(key=W + "algorithm").set_value("xgboost").run()
    app = _next(app)
    assert app.number_input(key=W + "ranges.xgboost.1.MaxValue").value == 0.2


def test_the_lessons_config_is_the_lessons_json():
    example = json.loads(EXAMPLE.read_text())
    from tuning.lesson import lesson_request

    assert lesson_request(default_lesson_state()) == example
    app = _next(_lesson(), 5)  # the launch step quotes the request it sends
    assert _step(app).startswith("Step 6 of 10")
    (code,) = app.code
    assert json.loads(code.value) == example
    app = _next(app, 4)  # the wrap-up offers the same settings for download
    assert app.get("download_button")[0].proto.label == "Download the lesson's job (SageMaker JSON)"


@pytest.mark.parametrize("position, bound, value, words", [
    (1, "MinValue", 0.0, "eta"),  # Logarithmic from 0: the range's own rule
    (1, "MaxValue", 5.0, "eta"),  # beyond what XGBoost accepts (eta in [0, 1]): only the gate against the algorithm knows
])
def test_launching_with_a_bad_range_shows_the_engines_message_in_words(position, bound, value, words):
    app = _next(_lesson(), 2)
    app.number_input(key=f"{W}ranges.xgboost.{position}.{bound}").set_value(value).run()
    app = _next(app, 3)
    app = app.button(key="lesson.launch").click().run()
    assert not app.exception
    failures = [box.value for box in app.error if box.value.startswith("The engine did not launch it")]
    assert len(failures) == 1 and words in failures[0], [box.value for box in app.error]
    assert "Traceback" not in failures[0]
    assert Store().list_tuning_jobs() == []  # nothing ran
    assert app.session_state["lesson.state"]["job"] is None


def test_the_gate_refuses_a_direction_against_the_metric():
    app = _next(_lesson(), 3)
    app.radio(key=W + "objective_type").set_value("Minimize").run()
    app = _next(app, 2).button(key="lesson.launch").click().run()
    (failure,) = [box.value for box in app.error if box.value.startswith("The engine did not launch it")]
    assert "must be Maximized" in failure


@pytest.fixture
def earlier_job():
    """A small finished job of the lesson's kind, as a teacher would run before class (3 jobs, 10 rounds)."""
    state = default_lesson_state()
    state.update(name="before-class", strategy="Random", max_jobs=3, max_parallel_jobs=3)
    state["static"]["xgboost"]["num_round"] = 10
    return run_tuning_job(lesson_config(state), Store())


def test_an_earlier_tuning_job_is_reused_through_steps_7_to_10(earlier_job):
    store = Store()
    app = _next(_lesson(), 5)
    app.radio(key=W + "source").set_value("earlier").run()
    assert app.selectbox(key=W + "earlier").value == "before-class"
    (warning,) = [box.value for box in app.warning if "differs from the settings typed" in box.value]
    assert "MaxNumberOfTrainingJobs: 3 in the earlier job, 20 typed here" in warning
    assert "strategy: Random in the earlier job, Bayesian typed here" in warning
    app = app.button(key="lesson.use_earlier").click().run()
    assert app.session_state["lesson.state"]["job"] == "before-class"
    assert "The lesson follows **before-class**" in _texts(app)

    app = _next(app)  # 7: the table of training jobs
    table = app.dataframe[0].value
    assert list(table.columns) == ["Training Job", "Max Depth", "Eta", "Gamma", "Validation Accuracy", "Status"]
    jobs = store.training_jobs("before-class")
    assert sorted(table["Training Job"]) == sorted(job.name for job in jobs)
    values = dict(zip(table["Training Job"], table["Validation Accuracy"]))
    assert all(values[job.name] == pytest.approx(job.final_objective_value) for job in jobs)
    for job in jobs:
        status = table.loc[table["Training Job"] == job.name, "Status"].item()
        assert status == job.status or (job.status == "Stopped" and status.startswith("Stopped: interim"))

    app = _next(app)  # 8: deploy and predict
    app = app.button(key="lesson.deploy").click().run()
    assert not app.exception
    predictions = app.dataframe[0].value
    assert len(predictions) == 5 and set(predictions["prediction"]) <= {"no", "yes"}
    assert list(predictions.columns[:2]) == ["prediction", "actual output"]

    app = _next(app)  # 9: the two charts
    assert len(app.get("plotly_chart")) == 2 and not app.exception

    app = _next(app)  # 10: wrap-up, the engine's compute line and one seed said
    texts = _texts(app)
    usage = compute_usage(earlier_job, jobs)
    assert usage.line() in texts
    assert "one seed" in texts and "Repeat over seeds" in texts
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == ["Download the lesson's job (SageMaker JSON)",
                      "Download the job that ran, before-class (SageMaker JSON)"]


def test_later_steps_without_a_job_point_back_to_launch():
    app = _next(_lesson(), 6)
    assert "No tuning job yet" in _texts(app)
    app = app.button(key="lesson.to_launch").click().run()
    assert _step(app).startswith("Step 6 of 10")
