"""The Deploy page, with AppTest, over a real finished tuning job."""

from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from tuning import ContinuousParameter, IntegerParameter, Store, TuningJob, TuningJobConfig, run_tuning_job
from tuning.serving.deploy import final_model_is_saved, model_is_saved
from tuning.serving.endpoints import list_endpoints, stop_endpoint

PAGE = "../views/deploy.py"


@pytest.fixture(autouse=True)
def _stop_endpoints_started_here():
    """AppTest runs the page in this process: stop every endpoint a test started, even on failure."""
    before = {endpoint.port for endpoint in list_endpoints()}
    yield
    for endpoint in list_endpoints():
        if endpoint.port not in before:
            stop_endpoint(endpoint.port)


def _feature_inputs(app):
    """The form's number inputs (not the endpoint's Port)."""
    return [number for number in app.number_input if number.label != "Port"]


def _model_radio(app):
    return next(radio for radio in app.radio if radio.label == "Model")



@pytest.fixture
def finished_job():
    config = TuningJobConfig(
        dataset="breast_cancer", hyperparameter_ranges={"eta": ContinuousParameter(0.05, 0.5, "Logarithmic"),
                                                        "max_depth": IntegerParameter(1, 6)},
        static_hyperparameters={"num_round": 10}, strategy="Random", max_jobs=3, max_parallel_jobs=1,
        random_seed=1, name="deployed",
    )
    store = Store()
    job = run_tuning_job(config, store)
    return job, store


def _training_job_box(app):
    return next(box for box in app.selectbox if box.label == "Training job")


def test_no_job_explains_where_to_get_one():
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception
    assert "No tuning jobs yet" in app.info[0].value


def test_a_tuning_job_without_a_completed_training_job_says_how_to_get_one():
    Store().create_tuning_job(TuningJob(
        name="empty", status="Failed", strategy="Random", algorithm="xgboost", dataset="iris",
        objective_metric_name="validation:accuracy", objective_type="Maximize", max_jobs=1,
        max_parallel_jobs=1, config={}, created_at=time.time(),
    ))
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception
    assert "no completed training job yet" in app.info[0].value
    assert not [box for box in app.selectbox if box.label == "Training job"]


def test_the_page_lists_completed_jobs_best_first_and_predicts_from_the_form(finished_job):
    job, store = finished_job
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception and not app.error
    assert app.title[0].value == "Deploy"
    box = _training_job_box(app)
    completed = {t.name: t.final_objective_value for t in store.training_jobs("deployed", status="Completed")}
    assert box.options[0].startswith(f"{job.best_training_job} (best)")
    assert len(box.options) == len(completed) == 3
    assert sum("(best)" in option for option in box.options) == 1
    assert f"{completed[job.best_training_job]:.5g}" in box.options[0]
    # The rest follow from the best objective down (AUC: higher is better).
    rest = [value for name, value in completed.items() if name != job.best_training_job]
    assert [option.split(" — ")[0] for option in box.options[1:]] == [
        name for name, _ in sorted(((n, v) for n, v in completed.items() if n != job.best_training_job),
                                   key=lambda pair: -pair[1])]
    assert max(rest) <= completed[job.best_training_job]

    hyperparameters = app.dataframe[0].value
    assert {"eta", "max_depth", "num_round"} <= set(hyperparameters["Hyperparameter"])
    assert [tab.label for tab in app.tabs] == ["Predict a CSV", "Type feature values"]
    assert len(_feature_inputs(app)) == 30
    assert [b.label for b in app.get("download_button")] == ["Download model artifact (.zip)"]

    app.button[0].click().run()  # the form's Predict button
    assert not app.exception and not app.error
    assert app.success[0].value.startswith("Prediction: **")
    assert app.success[0].value.split("**")[1] in ("malignant", "benign")
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["yaxis"]["title"]["text"] == "probability"
    assert sorted(figure["data"][0]["x"]) == ["benign", "malignant"]
    assert sum(figure["data"][0]["y"]) == pytest.approx(1.0)


def test_choosing_a_non_best_job_retrains_it_once_and_predicts(finished_job):
    job, store = finished_job
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    box = _training_job_box(app)
    other = box.options[1].split(" — ")[0]
    assert not model_is_saved(store, "deployed", other)
    box.set_value(other).run()
    assert not app.exception and not app.error
    assert model_is_saved(store, "deployed", other)
    trained = {t.name: t.hyperparameters for t in store.training_jobs("deployed")}[other]
    table = app.dataframe[0].value
    shown = dict(zip(table["Hyperparameter"], table["Value"]))
    assert shown["eta"] == str(trained["eta"]) and shown["max_depth"] == str(trained["max_depth"])
    app.button[0].click().run()
    assert not app.exception and not app.error
    assert app.success[0].value.startswith("Prediction: **")


def test_an_uploaded_csv_gets_predictions_and_a_bad_one_a_message(finished_job):
    from tuning import prepare

    job, _ = finished_job
    rows = prepare(TuningJobConfig.from_dict(job.config)).validation.features.head(7)
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    app.file_uploader[0].set_value(("rows.csv", rows.to_csv(index=False).encode(), "text/csv")).run()
    assert not app.exception and not app.error
    result = app.dataframe[1].value
    assert len(result) == 7
    assert {"prediction", "probability_malignant", "probability_benign"} <= set(result.columns)
    assert "Download predictions.csv" in [b.label for b in app.get("download_button")]

    app.file_uploader[0].set_value(("short.csv", rows.drop(columns=["mean radius"]).to_csv(index=False).encode(),
                                    "text/csv")).run()
    assert not app.exception
    assert "lack 1 feature column(s): mean radius" in app.error[0].value
    assert len(app.dataframe) == 1  # only the hyperparameters table


def test_text_columns_get_choices_and_a_job_whose_data_is_gone_gets_a_message(tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 80, 150), "job": rng.choice(["admin", "student", "retired"], 150)})
    frame["y"] = np.where((frame["age"] > 45) ^ (frame["job"] == "student"), "yes", "no")
    path = tmp_path / "people.csv"
    frame.to_csv(path, index=False)
    store = Store()
    job = run_tuning_job(TuningJobConfig(
        dataset=path, target="y", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
        static_hyperparameters={"num_round": 5}, strategy="Random", max_jobs=2, random_seed=1, name="people"), store)

    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception and not app.error
    job_box = next(box for box in app.selectbox if box.label == "job")
    assert job_box.options == ["admin", "retired", "student"]
    assert [number.label for number in _feature_inputs(app)] == ["age"]
    next(number for number in app.number_input if number.label == "age").set_value(30)
    job_box.set_value("student")
    app.button[0].click().run()
    assert not app.exception and not app.error
    assert app.success[0].value.split("**")[1] in ("no", "yes")

    path.unlink()
    other = next(t.name for t in store.training_jobs("people") if t.name != job.best_training_job)
    _training_job_box(app).set_value(other).run()
    assert not app.exception
    assert "can no longer be loaded" in app.error[0].value
    assert not app.tabs  # nothing below the message


def test_the_best_job_serves_its_final_model_by_default_and_as_tuned_on_request(finished_job):
    job, store = finished_job
    best = job.best_training_job
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not app.exception and not app.error
    radio = _model_radio(app)
    assert radio.options == ["final (retrained on train + validation, AMT's last step)",
                             "as tuned (trained on the training channel)"]
    assert radio.value is True  # final, for the best job
    assert final_model_is_saved(store, "deployed", best)
    assert any(f"{best} (final: retrained on train + validation)" in caption.value for caption in app.caption)
    assert any("promise" in caption.value for caption in app.caption)
    app.button[0].click().run()
    final_answer = app.success[0].value
    assert final_answer.startswith("Prediction: **")

    _model_radio(app).set_value(False).run()
    assert not app.exception and not app.error
    assert any(f"{best} (as tuned: trained on the training channel)" in caption.value for caption in app.caption)
    archive = app.get("download_button")[-1]
    assert archive.label == "Download model artifact (.zip)"

    # Another training job starts from its model as tuned.
    other = _training_job_box(app).options[1].split(" — ")[0]
    _training_job_box(app).set_value(other).run()
    assert _model_radio(app).value is False
    assert not final_model_is_saved(store, "deployed", other)


def test_start_endpoint_serves_over_http_and_stop_stops_it(finished_job):
    import urllib.error
    import urllib.request

    from conftest import free_port

    job, _ = finished_job
    port = free_port()
    app = AppTest.from_file(PAGE, default_timeout=60).run()
    assert any("No endpoint is running" in caption.value for caption in app.caption)
    next(number for number in app.number_input if number.label == "Port").set_value(port).run()
    code = app.code[0].value
    assert f"curl -s http://127.0.0.1:{port}/ping" in code
    assert "--data-binary '" in code and f"http://127.0.0.1:{port}/invocations" in code
    next(button for button in app.button if button.label == "Start endpoint").click().run()
    assert not app.exception and not app.error
    assert f"Endpoint running at http://127.0.0.1:{port}" in app.success[0].value
    running = {endpoint.port: endpoint for endpoint in list_endpoints()}
    assert port in running and running[port].final and running[port].training_job_name == job.best_training_job
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=5) as response:
        assert response.status == 200
    # The curl example's row is a real row: the endpoint answers it with a class label.
    row = code.split("--data-binary '")[1].split("'")[0]
    request = urllib.request.Request(f"http://127.0.0.1:{port}/invocations", data=row.encode(), method="POST",
                                     headers={"Content-Type": "text/csv"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read().decode().strip() in ("malignant", "benign")
    assert any(f"http://127.0.0.1:{port}" in block.value for block in app.markdown)

    # Starting it again on the same port is refused with the reason.
    next(button for button in app.button if button.label == "Start endpoint").click().run()
    assert not app.exception
    assert f"port {port} is already in use" in app.error[0].value

    next(button for button in app.button if button.label == "Stop").click().run()
    assert not app.exception and not app.error
    assert port not in {endpoint.port for endpoint in list_endpoints()}
    assert not [button for button in app.button if button.label == "Stop"]
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=5)
