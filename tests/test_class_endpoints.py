"""Class mode and local endpoints (issue 20, item 4: "through the endpoint pages").

An endpoint runs in the dashboard's server and is shared by every session; it belongs to the
tuning job whose model it serves. A real job run through Ann's store, its model served on a
real port: Bo neither sees nor stops it (the engine refuses, the Deploy page offers no live
button), the teacher does.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tuning import ContinuousParameter, TuningJobConfig, ValidationError, run_tuning_job
from tuning.classroom import TEACHER, ClassSettings, Workspace, WorkspaceStore, save_class_settings
from tuning.classroom.endpoints import endpoints_seen_by, may_stop_endpoint, stop_endpoint_as
from tuning.classroom.settings import CLASS_VARIABLE
from tuning.serving.endpoints import list_endpoints, start_endpoint, stop_endpoint
from tuning.serving.serve import serve_model
from tuning.store.database import Store

ANN, BO = Workspace.student("Ann"), Workspace.student("Bo")


@pytest.fixture
def ann_endpoint():
    store = Store()
    ann = WorkspaceStore(store, ANN)
    run_tuning_job(TuningJobConfig(dataset="iris", algorithm="xgboost", name="ann-iris", strategy="Random",
                                   hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                                   static_hyperparameters={"num_round": 5}, max_jobs=2, max_parallel_jobs=1,
                                   random_seed=1), ann)
    endpoint = start_endpoint(serve_model(ann, "ann-iris", final=False), tuning_job_name="ann-iris")
    yield store, endpoint
    if endpoint.port in {running.port for running in list_endpoints()}:
        stop_endpoint(endpoint.port)
    store.dispose()


def test_another_student_neither_sees_nor_stops_an_endpoint_and_the_teacher_does(ann_endpoint):
    store, endpoint = ann_endpoint
    bo, ann = WorkspaceStore(store, BO), WorkspaceStore(store, ANN)
    assert endpoint.port not in {seen.port for seen in endpoints_seen_by(bo)}
    assert endpoint.port in {seen.port for seen in endpoints_seen_by(WorkspaceStore(store, BO, others_visible=True))}
    assert not may_stop_endpoint(bo, endpoint) and may_stop_endpoint(ann, endpoint)
    with pytest.raises(ValidationError, match="which is not yours"):
        stop_endpoint_as(bo, endpoint.port)
    assert endpoint.port in {running.port for running in list_endpoints()}  # still serving
    assert endpoint.port in {seen.port for seen in endpoints_seen_by(store)}  # outside class mode: as before
    stop_endpoint_as(WorkspaceStore(store, TEACHER), endpoint.port)
    assert endpoint.port not in {running.port for running in list_endpoints()}


def test_the_deploy_page_offers_bo_no_live_stop_button_on_ann_s_endpoint(ann_endpoint, monkeypatch):
    store, endpoint = ann_endpoint
    monkeypatch.delenv(CLASS_VARIABLE, raising=False)
    save_class_settings(ClassSettings(enabled=True, students_see_others=True))
    page = AppTest.from_file("../views/deploy.py", default_timeout=120)
    page.session_state["class.workspace"] = BO
    page.query_params["job"] = "ann-iris"
    page.run()
    assert not page.exception
    (stop,) = [button for button in page.button if button.key == f"deploy:stop:{endpoint.port}"]
    assert stop.disabled
    assert endpoint.port in {running.port for running in list_endpoints()}
