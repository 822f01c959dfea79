"""Presenter mode, deep links and page messages in the user's words (issue 16), with AppTest.

Pages run through app.py, as a browser opens them, against a real store file and a real
finished tuning job (iris, a few rounds: seconds).
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from tuning import ContinuousParameter, IntegerParameter, Store, TuningJobConfig, ValidationError, run_tuning_job
from tuning.user_words import in_user_words
from tuning.visualization._importance import TITLE as IMPORTANCE_TITLE
from views.presenter import PRESENT_KEY, styled


SECTIONS = ["1. Data and model", "2. Strategy", "3. Hyperparameter ranges", "4. Limits and reproducibility",
            "5. Check and launch"]  # views/create.py's sections (importing a page would run it)


def _app(page: str | None = None, **params: str) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=60)
    app.query_params.update(params)
    app.run()
    if page is not None:
        app.switch_page(f"views/{page}.py").run()
    assert not app.exception, app.exception
    return app


@pytest.fixture
def finished_job():
    config = TuningJobConfig(
        dataset="iris", algorithm="xgboost", objective_metric_name="validation:accuracy",
        hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(1, 4)},
        static_hyperparameters={"num_round": 5}, strategy="Random", max_jobs=3, max_parallel_jobs=1,
        early_stopping_type="Auto", random_seed=2, name="linked",
    )
    return run_tuning_job(config, Store())


def _tab_labels(app: AppTest) -> list[str]:
    return [tab.label for tab in app.tabs]


# -- presenter mode on and off ---------------------------------------------------------------
def test_present_query_parameter_turns_presenter_mode_on_and_create_becomes_tabs():
    app = _app("create", present="1")
    assert app.session_state[PRESENT_KEY] is True
    assert app.sidebar.toggle(key=PRESENT_KEY).value is True
    labels = _tab_labels(app)
    assert labels[:5] == list(SECTIONS)  # one tab per section (the JSON expander's tabs come after)
    assert not [header.value for header in app.subheader if header.value in SECTIONS]
    # Same widgets, same keys: the defaults still make a valid job, and Launch is enabled.
    assert app.selectbox(key="create.dataset").value == "bank-marketing"
    assert "20 training jobs" in app.info[0].value
    assert app.button(key="create.launch").disabled is False
    assert app.query_params.get("present") == "1"


def test_normal_mode_keeps_one_page_with_headings():
    app = _app("create")
    assert app.session_state[PRESENT_KEY] is False
    assert [header.value for header in app.subheader][:5] == list(SECTIONS)
    assert not set(SECTIONS) & set(_tab_labels(app))
    assert "present" not in app.query_params


def test_presenter_mode_is_remembered_from_page_to_page_and_the_toggle_turns_it_off():
    app = _app("create", present="1")
    app.query_params.clear()  # a page change in the sidebar drops the address's parameters
    app.switch_page("views/home.py").run()
    assert app.session_state[PRESENT_KEY] is True
    assert app.query_params.get("present") == "1"  # written back into the address
    app.sidebar.toggle(key=PRESENT_KEY).set_value(False).run()
    assert app.session_state[PRESENT_KEY] is False
    assert "present" not in app.query_params
    app.switch_page("views/create.py").run()
    assert not set(SECTIONS) & set(_tab_labels(app))


def test_present_zero_in_a_link_turns_it_off():
    app = _app("home", present="1")
    app.query_params["present"] = "0"
    app.run()
    assert app.session_state[PRESENT_KEY] is False


def test_monitor_draws_the_live_chart_before_the_counters_in_presenter_mode(finished_job):
    def order(app: AppTest) -> list[str]:
        kinds = []
        for node in app.main:  # the page's elements, top to bottom
            stack = [node]
            while stack:
                element = stack.pop(0)
                kind = getattr(element, "type", "")
                if kind in ("plotly_chart", "metric"):
                    kinds.append(kind)
                stack[:0] = list(getattr(element, "children", {}).values())
        return kinds

    normal = order(_app("monitor", job=finished_job.name))
    present = order(_app("monitor", job=finished_job.name, present="1"))
    assert normal.index("metric") < normal.index("plotly_chart")
    assert present.index("plotly_chart") < present.index("metric")


# -- charts: template and fonts in one place -------------------------------------------------------
def test_show_chart_follows_the_theme_and_enlarges_fonts_in_presenter_mode():
    from tuning.visualization import plot_best_so_far

    light = styled(plot_best_so_far([], objective_name="validation:auc", objective_type="Maximize"),
                   dark=False, present=False)
    dark = styled(go.Figure(light), dark=True, present=True)
    assert light.layout.template.layout.paper_bgcolor == "white"
    assert dark.layout.template.layout.paper_bgcolor == "rgb(17,17,17)"  # plotly_dark
    assert dark.layout.font.size > light.layout.font.size
    assert dark.layout.title.font.size > light.layout.title.font.size
    assert dark.layout.annotations[0].font.size > light.layout.annotations[0].font.size


def test_every_results_chart_is_drawn_without_streamlit_restyling_it(finished_job):
    app = _app("results", job=finished_job.name)
    (chart,) = app.get("plotly_chart")
    assert chart.proto.theme == ""  # theme=None: the figure's own template is what is seen
    assert json.loads(chart.proto.spec)["layout"]["template"]["layout"]["paper_bgcolor"] == "white"


# -- deep links ------------------------------------------------------------------------------------
def test_a_results_link_opens_the_job_and_the_chart(finished_job):
    # The store holds one more job (newer, listed first), so the link must choose.
    other = run_tuning_job(TuningJobConfig(
        dataset="iris", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
        static_hyperparameters={"num_round": 3}, strategy="Random", max_jobs=2, max_parallel_jobs=1,
        random_seed=3, name="other"), Store())
    app = _app("results", job=finished_job.name, chart="Importance")
    assert app.selectbox(key="pick_tuning_job").value == finished_job.name != other.name
    assert app.session_state["results.chart"] == "Importance"
    (chart,) = app.get("plotly_chart")
    assert json.loads(chart.proto.spec)["layout"]["title"]["text"].startswith(IMPORTANCE_TITLE)
    # The address follows what is on screen: another tab, another job.
    app.session_state["results.chart"] = "Best so far"
    app.run()
    assert app.query_params["chart"] == "Best so far"
    app.selectbox(key="pick_tuning_job").set_value(other.name).run()
    assert app.query_params["job"] == other.name
    link = " ".join(code.value for code in app.code)
    assert f"/results?job={other.name}&chart=Best%20so%20far" in link


def test_an_explain_link_opens_the_tab(finished_job):
    app = _app("explain", job=finished_job.name, tab="What was cut")
    assert app.session_state["explain.tab"] == "What was cut"
    link = " ".join(code.value for code in app.code)
    assert f"/explain?job={finished_job.name}&tab=What%20was%20cut" in link


def test_an_unknown_tab_in_a_link_opens_the_first_one(finished_job):
    app = _app("results", job=finished_job.name, chart="No such chart")
    assert app.session_state["results.chart"] == "Objective surface"
    assert "chart" not in app.query_params


# -- messages in the user's words ------------------------------------------------------------------
def test_a_refused_range_reads_in_the_pages_words_and_the_engine_keeps_its_own():
    with pytest.raises(ValidationError) as refused:
        ContinuousParameter(0.0, 0.3, "Logarithmic")
    assert "ContinuousParameter(min_value=0.0" in str(refused.value)  # the API says the call it was given
    words = in_user_words(f"eta: {refused.value}")
    assert words.startswith("eta (Continuous range 0 to 0.3, Logarithmic): Logarithmic scaling needs MinValue > 0")
    assert "Parameter(" not in words and "min_value" not in words
    for untouched in ("max_jobs (MaxNumberOfTrainingJobs): must be from 1 to 10,000.",
                      "HyperParameterTuningJobConfig.ParameterRanges.IntegerParameterRanges[0].MinValue: must be a string"):
        assert in_user_words(untouched) == untouched


def test_the_create_page_shows_an_imported_bad_range_without_python_reprs():
    app = _app("create")
    bad = {"Dataset": "iris", "Algorithm": "xgboost", "Objective": {"MetricName": "validation:accuracy"},
           "HyperparameterRanges": {"eta": {"Type": "Continuous", "MinValue": 0, "MaxValue": 0.3,
                                            "ScalingType": "Logarithmic"}},
           "Strategy": "Random", "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1}}
    app.text_area(key="create.import_text").set_value(json.dumps(bad))
    app.button(key="create.import").click().run()
    message = " ".join(error.value for error in app.error)
    assert "Cannot import it" in message and "MinValue" in message and "Logarithmic" in message, message
    assert "ContinuousParameter(" not in message and "min_value" not in message, message


def test_a_create_link_opens_its_section_in_presenter_mode_and_the_address_follows_the_tab():
    app = _app("create", present="1", section="3. Hyperparameter ranges")
    assert app.session_state["create.section"] == "3. Hyperparameter ranges"
    assert app.query_params["section"] == "3. Hyperparameter ranges"
    app.session_state["create.section"] = "5. Check and launch"  # the teacher clicks another tab
    app.run()
    assert app.query_params["section"] == "5. Check and launch"
    app.session_state["create.section"] = "1. Data and model"  # the first tab leaves no parameter
    app.run()
    assert "section" not in app.query_params
    assert app.selectbox(key="create.dataset").value == "bank-marketing"  # the form kept its values
