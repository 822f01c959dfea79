"""Class mode's pages (issue 20): the name prompt, the teacher's login, and what each session may do.

Run by Streamlit's AppTest through app.py (the door every browser session passes) against a
real store and real class-mode settings in the test's $TUNELAB_HOME. Students Ann and Bo
and the teacher share one store; every attempt on another's job, by widget, crafted session
state or URL, must be refused in words and leave the job as it was.
"""

from __future__ import annotations

import logging
import os
import socket
import time

import pytest
from streamlit.testing.v1 import AppTest

from tuning import ContinuousParameter, TuningJobConfig
from tuning.classroom import TEACHER, ClassSettings, Workspace, WorkspaceStore, WorkspaceUploads, save_class_settings
from tuning.classroom.settings import CLASS_VARIABLE
from tuning.records import TrainingJob, TuningJob
from tuning.store.database import Store

PASSWORD = "correct horse battery"
ANN, BO = Workspace.student("Ann"), Workspace.student("Bo")
APP = "../app.py"


def _class_mode(monkeypatch, **settings) -> ClassSettings:
    monkeypatch.delenv(CLASS_VARIABLE, raising=False)
    saved = ClassSettings(enabled=True, **settings).with_password(PASSWORD)
    save_class_settings(saved)
    return saved


def _config(name, dataset):
    return TuningJobConfig(dataset=dataset, algorithm="xgboost", name=name, strategy="Random", max_jobs=4,
                           hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                           static_hyperparameters={"num_round": 5}, max_parallel_jobs=1).to_dict()


def _job(name, status="Completed", *, best=None, dataset="iris", running=False):
    """A tuning job; ``running`` ones carry this process as their runner, so no page marks them Interrupted."""
    runner = dict(runner_host=socket.gethostname(), runner_pid=os.getpid(), heartbeat_at=time.time()) if running else {}
    return TuningJob(name=name, status=status, strategy="Random", algorithm="xgboost", dataset=dataset,
                     objective_metric_name="validation:accuracy", objective_type="Maximize", max_jobs=4,
                     max_parallel_jobs=1, config=_config(name, dataset), created_at=time.time(),
                     best_training_job=f"{name}-001" if best is not None else None, best_objective_value=best,
                     **runner)


def _add(workspace, job, *, value=None):
    store = Store()
    WorkspaceStore(store, workspace).create_tuning_job(job)
    if value is not None:
        now = time.time()
        store.add_training_job(TrainingJob(tuning_job_name=job.name, index=0, name=f"{job.name}-001",
                                           status="Completed", hyperparameters={"eta": 0.1}, created_at=now,
                                           start_time=now, end_time=now + 1, final_objective_value=value))
    store.dispose()


@pytest.fixture
def classroom(monkeypatch):
    """Class mode on (no class code), Ann's running job, Ann's interrupted one, and Bo's running one."""
    _class_mode(monkeypatch)
    _add(ANN, _job("ann-running", "InProgress", running=True))
    _add(ANN, _job("ann-interrupted", "Interrupted"))
    _add(BO, _job("bo-running", "InProgress", running=True))


def _enter(name=None, *, code=None, page=None, query=None):
    """A fresh browser session through app.py, entered as student ``name`` (or left at the prompt)."""
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    if name is not None:
        app.text_input(key="class.name").input(name)
        if code is not None:
            app.text_input(key="class.code").input(code)
        _click(app, "Enter the class")
        assert not app.exception
    if page is not None:
        app.switch_page(page).run()
        assert not app.exception
    return app


def _click(app, label):
    next(button for button in app.button if button.label == label).click().run()


def _as_teacher(password=PASSWORD):
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input(key="class.password").input(password)
    _click(app, "Log in as the teacher")
    assert not app.exception
    return app


def _labels(app):
    return [button.label for button in app.button]


def _texts(elements):
    return " ".join(element.value for element in elements)


# -- the door -------------------------------------------------------------------------------------


def test_class_mode_asks_for_a_name_before_any_page_and_shows_who_you_are(classroom):
    app = _enter()
    assert [title.value for title in app.title] == ["TuneLab class"]
    assert not app.dataframe  # no page, no job listed, before a name
    assert [field.label for field in app.text_input] == ["Your name", "Teacher password"]  # no code was set
    app.text_input(key="class.name").input("  Ann  ")
    _click(app, "Enter the class")
    assert not app.exception
    assert app.title[0].value == "TuneLab"  # Home
    assert "You are **Ann**" in _texts(app.sidebar.markdown)
    listed = set(app.dataframe[0].value["HyperParameterTuningJobName"])
    assert listed == {"ann-running", "ann-interrupted"}  # not Bo's
    _click(app, "Leave")
    assert app.title[0].value == "TuneLab class" and "class.workspace" not in app.session_state


def test_a_link_to_a_page_opens_that_page_once_the_name_is_in(classroom):
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["job"] = "ann-running"
    app.run()
    app.switch_page("views/monitor.py").run()  # the link's page: the prompt still comes first
    assert [title.value for title in app.title] == ["TuneLab class"] and not app.selectbox
    app.text_input(key="class.name").input("Ann")
    _click(app, "Enter the class")
    assert not app.exception
    assert app.title[0].value == "Monitor"
    assert app.selectbox(key="pick_tuning_job").value == "ann-running"


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "![x](http://example.com/x.png)", ":red[Ann]",
                                  "[Ann](http://example.com)", "Ann\tLee", "", "x" * 41])
def test_names_with_markup_or_out_of_shape_are_refused_in_words(classroom, name):
    app = _enter()
    app.text_input(key="class.name").input(name)
    _click(app, "Enter the class")
    assert not app.exception
    assert app.title[0].value == "TuneLab class" and "class.workspace" not in app.session_state
    (error,) = app.error
    assert "name" in error.value and "Traceback" not in error.value


def test_the_class_code_is_asked_for_and_a_wrong_one_refused_and_logged(monkeypatch, caplog):
    _class_mode(monkeypatch, class_code="owl-42")
    caplog.set_level(logging.WARNING, logger="tuning.classroom")
    app = _enter("Ann", code="owl-41")
    assert app.title[0].value == "TuneLab class"
    assert "not the class code" in app.error[0].value
    assert any("wrong class code" in record.getMessage() for record in caplog.records)
    app = _enter("Ann", code="owl-42")
    assert app.title[0].value == "TuneLab" and app.session_state["class.workspace"] == ANN


def test_outside_class_mode_nothing_changes(monkeypatch):
    monkeypatch.setenv(CLASS_VARIABLE, "0")
    _add(ANN, _job("ann-done"))  # a job with a workspace, from an earlier class
    Store().create_tuning_job(_job("lab-job"))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "TuneLab" and not app.text_input
    assert set(app.dataframe[0].value["HyperParameterTuningJobName"]) == {"ann-done", "lab-job"}
    assert "Class overview" not in str(app)
    app.switch_page("views/monitor.py").run()
    assert "Read-only" not in _texts(app.caption)


# -- the teacher's password -------------------------------------------------------------------------


def test_the_teacher_logs_in_with_the_password_which_is_not_kept_in_the_session(classroom, caplog):
    caplog.set_level(logging.WARNING, logger="tuning.classroom")
    app = _as_teacher("not the password")
    assert app.title[0].value == "TuneLab class" and "not the teacher's password" in app.error[0].value
    assert any("wrong teacher password" in record.getMessage() for record in caplog.records)
    assert app.session_state["class.password"] == ""  # cleared once checked
    app = _as_teacher()
    assert app.session_state["class.workspace"] == TEACHER
    assert app.session_state["class.password"] == ""
    assert all(PASSWORD not in str(value) for value in app.query_params.values())
    assert "The teacher" in _texts(app.sidebar.markdown)
    listed = set(app.dataframe[0].value["HyperParameterTuningJobName"])
    assert listed == {"ann-running", "ann-interrupted", "bo-running"}


def test_guessing_the_teacher_password_is_rate_limited_across_sessions_and_logged(classroom, caplog):
    caplog.set_level(logging.WARNING, logger="tuning.classroom")
    for guess in range(5):
        app = _as_teacher(f"guess number {guess}")
        assert "not the teacher's password" in app.error[0].value
    refused = _as_teacher()  # the right password, in a new session (a new tab), within the minute
    assert refused.title[0].value == "TuneLab class"
    assert "too many wrong passwords" in refused.error[0].value
    assert "class.workspace" not in refused.session_state
    assert any("too many wrong passwords" in record.getMessage() for record in caplog.records)


# -- one student and another's job -----------------------------------------------------------------


def test_a_student_neither_sees_nor_stops_another_s_job_by_url_or_crafted_state(classroom):
    app = _enter("Bo", page="views/monitor.py", query={"job": "ann-running"})
    assert "not one you can open" in app.warning[0].value
    picker = app.selectbox(key="pick_tuning_job")
    assert picker.options == ["bo-running (InProgress)"] and picker.value == "bo-running"
    assert "Stop tuning job" in _labels(app)  # his own job: the button is his
    app.session_state["tuning_job"] = "ann-running"  # crafted session state (a picker's value cannot name
    app.run()  # a job it does not list: Streamlit refuses a value outside a selectbox's options)
    assert not app.exception
    assert app.selectbox(key="pick_tuning_job").value == "bo-running"
    for page in ("views/results.py", "views/explain.py", "views/deploy.py"):
        app.query_params["job"] = "ann-running"
        app.switch_page(page).run()
        assert not app.exception
        assert "ann-running" not in str(app.selectbox(key="pick_tuning_job").options)
    assert not Store().stop_requested("ann-running")


def test_with_others_visible_another_s_job_opens_read_only_without_stop_or_resume(monkeypatch):
    _class_mode(monkeypatch, students_see_others=True)
    _add(ANN, _job("ann-running", "InProgress", running=True))
    _add(ANN, _job("ann-interrupted", "Interrupted"))
    app = _enter("Bo", page="views/monitor.py", query={"job": "ann-running"})
    assert app.selectbox(key="pick_tuning_job").value == "ann-running"
    assert "Read-only: Ann's tuning job" in _texts(app.caption)
    assert "Stop tuning job" not in _labels(app)
    app = _enter("Bo", page="views/monitor.py", query={"job": "ann-interrupted"})  # a link, pasted in a new tab
    assert app.selectbox(key="pick_tuning_job").value == "ann-interrupted"
    assert "Resume tuning job" not in _labels(app)
    assert Store().get_tuning_job("ann-interrupted").status == "Interrupted"
    assert not Store().stop_requested("ann-running")


@pytest.mark.parametrize("others_visible", [False, True])
def test_a_stale_stop_button_clicked_after_the_job_changed_hands_stops_nothing(monkeypatch, others_visible):
    _class_mode(monkeypatch, students_see_others=others_visible)
    _add(BO, _job("bo-running", "InProgress", running=True))
    app = _enter("Bo", page="views/monitor.py")
    assert "Stop tuning job" in _labels(app)
    store = Store()
    WorkspaceStore(store, TEACHER).update_tuning_job("bo-running", workspace="Ann")  # given away meanwhile
    _click(app, "Stop tuning job")  # the button still on Bo's screen
    assert not app.exception
    assert "Stop tuning job" not in _labels(app)
    if others_visible:
        assert "Read-only: Ann's tuning job" in _texts(app.caption)
    else:
        assert "No tuning jobs yet" in app.info[0].value
    assert not store.stop_requested("bo-running")


def test_a_student_s_launch_is_stamped_with_their_workspace(classroom):
    app = _enter("Bo")
    _click(app, next(label for label in _labels(app) if "demo" in label.lower()))
    assert not app.exception and "Launched" in app.success[0].value
    store = Store()
    (job,) = [job for job in store.list_tuning_jobs() if job.workspace == "Bo" and job.dataset == "bank-marketing"]
    store.request_stop(job.name)
    deadline = time.time() + 60
    while store.get_tuning_job(job.name).is_active and time.time() < deadline:
        time.sleep(0.2)
    assert store.get_tuning_job(job.name).workspace == "Bo"


def test_uploads_are_listed_by_workspace_and_only_the_owner_may_delete(monkeypatch):
    _class_mode(monkeypatch, students_see_others=True)
    WorkspaceUploads(ANN).save(b"a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n", name="ann-data", original_name="a.csv")
    app = _enter("Bo", page="views/datasets.py")
    assert "ann-data — uploaded by Ann" in app.selectbox(key="datasets.chosen").options  # others visible: listed
    app.session_state["datasets.chosen"] = "ann-data"
    app.run()
    assert not app.exception and not any(expander.label.startswith("Delete") for expander in app.expander)
    _class_mode(monkeypatch)  # own only
    app = _enter("Bo", page="views/datasets.py")
    assert not any("ann-data" in option for option in app.selectbox(key="datasets.chosen").options)
    app = _enter("Ann", page="views/datasets.py")
    app.session_state["datasets.chosen"] = "ann-data"
    app.run()
    assert any(expander.label == "Delete ann-data" for expander in app.expander)


# -- the teacher ------------------------------------------------------------------------------------


def test_the_teacher_stops_any_student_s_job(classroom):
    app = _as_teacher()
    app.query_params["job"] = "ann-running"
    app.switch_page("views/monitor.py").run()
    assert app.selectbox(key="pick_tuning_job").value == "ann-running"
    assert "Read-only" not in _texts(app.caption)
    _click(app, "Stop tuning job")
    assert not app.exception
    assert Store().stop_requested("ann-running")


def test_the_class_overview_is_the_teacher_s_with_each_student_s_best_and_a_leaderboard(monkeypatch):
    _class_mode(monkeypatch)
    _add(ANN, _job("ann-1", best=0.91), value=0.91)
    _add(ANN, _job("ann-2", best=0.95), value=0.95)
    _add(BO, _job("bo-1", best=0.97), value=0.97)
    _add(Workspace.student("Cy"), _job("cy-1", best=0.80, dataset="breast_cancer"), value=0.80)
    _add(TEACHER, _job("demo", best=0.99), value=0.99)  # the teacher's: not on the board
    student = _enter("Ann")
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in a student's navigation
        student.switch_page("views/class_overview.py")
    page = AppTest.from_file("../views/class_overview.py", default_timeout=60)  # and the page refuses on its own
    page.session_state["class.workspace"] = ANN
    page.run()
    assert not page.exception and "teacher's" in page.error[0].value and not page.dataframe

    app = _as_teacher()
    app.switch_page("views/class_overview.py").run()
    assert not app.exception
    students, board = app.dataframe[0].value, app.dataframe[1].value
    assert list(students["Student"]) == ["Ann", "Bo", "Cy"]
    assert list(students["Tuning jobs"]) == [2, 1, 1]
    assert students["Best per dataset"].iloc[0] == "iris validation:accuracy 0.95"
    assert students["Best per dataset"].iloc[2] == "breast_cancer validation:accuracy 0.8"
    assert app.selectbox(key="class_overview.board").value.dataset == "iris"  # the one most students share
    assert list(board["Student"]) == ["Bo", "Ann"] and list(board["Rank"]) == [1, 2]
    assert list(board["Best objective"]) == pytest.approx([0.97, 0.95])
    assert list(board["Tuning job"]) == ["bo-1", "ann-2"]
    assert app.get("plotly_chart")


def _cache_key_script():
    import streamlit as st

    from views.shared import get_store, job_version

    st.text(repr(job_version(get_store().get_tuning_job("shared-demo"))))


def test_cached_tables_are_keyed_by_the_session_s_workspace(monkeypatch):
    """The cache key of a job's tables and charts (``job_version``) holds the workspace: the same
    shared job's cached listing, built for Ann, is never the one handed to Bo's session."""
    _class_mode(monkeypatch)
    _add(TEACHER, _job("shared-demo", best=0.9), value=0.9)
    keys = []
    for workspace in (ANN, BO, TEACHER):
        app = AppTest.from_function(_cache_key_script, default_timeout=60)
        app.session_state["class.workspace"] = workspace
        app.run()
        assert not app.exception
        keys.append(app.text[0].value)
    assert len(set(keys)) == 3 and all("shared-demo" in key for key in keys)
    assert "'Ann'" in keys[0] and "'Bo'" in keys[1] and "'@teacher'" in keys[2]
