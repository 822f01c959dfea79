"""Leaving columns out of a tuning job (ExcludeColumns): from the JSON to the endpoint.

bank-marketing's ``duration`` is known only once the call is over, so it leaks the answer.
A job that leaves it out must train without it, record that, and give a model that
neither asks for it on the Deploy page nor needs it at the endpoint.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from conftest import export_codes, free_port
from streamlit.testing.v1 import AppTest

from tuning import (
    ContinuousParameter,
    HyperparameterTuner,
    Store,
    TuningJobConfig,
    ValidationError,
    WarmStartConfig,
    load_predictor,
    prepare,
    run_tuning_job,
)
from tuning.cli import main
from tuning.datasets import load_dataset, without_columns
from tuning.serving.deploy import feature_schema, final_predictor, model_for_training_job, predict_frame
from tuning.serving.endpoints import start_endpoint, stop_endpoint
from tuning.sagemaker.estimators import XGBoost
from tuning.running.resume import prepare_resume, resume_tuning_job
from tuning.sagemaker.request_json import from_sagemaker_request, read_tuning_job_json, to_sagemaker_request
from tuning.sagemaker.sdk_code import sdk_code
from tuning.serving.serve import predict_payload

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = ["duration"]
BANK = "bank-x"


def _bank_config(**changes) -> TuningJobConfig:
    return TuningJobConfig(
        dataset="bank-marketing", exclude_columns=LEFT_OUT, hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
        static_hyperparameters={"num_round": 5}, strategy="Random", max_jobs=2, random_seed=1, name=BANK,
    ).replace(**changes)


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    """One real tuning job on bank-marketing without ``duration`` (2 training jobs, 5 rounds)."""
    home = tmp_path_factory.mktemp("exclude")
    store = Store(home / "tunelab.db", artifact_dir=home / "artifacts")
    job = run_tuning_job(_bank_config(), store)
    assert job.status == "Completed" and job.status_counters["Completed"] == 2
    yield store, job
    store.dispose()


def _rows(count: int = 20) -> pd.DataFrame:
    """Rows as a user has them: every column of the CSV, the leaky one and the target included."""
    dataset = load_dataset("bank-marketing")
    rows = dataset.features.head(count).copy()
    rows[dataset.target_name] = dataset.target.head(count)
    return rows


# -- the configuration, in every shape -------------------------------------------------------------
def test_exclude_columns_round_trips_through_tunelab_json():
    config = TuningJobConfig(dataset="bank-marketing", exclude_columns=["duration", "pdays"])
    data = json.loads(json.dumps(config.to_dict()))
    assert data["ExcludeColumns"] == ["duration", "pdays"]
    assert TuningJobConfig.from_dict(data).to_dict() == config.to_dict()
    assert "ExcludeColumns" not in TuningJobConfig(dataset="iris").to_dict()  # older files stay as they were


def test_exclude_columns_round_trips_through_the_sagemaker_tag():
    config = TuningJobConfig(dataset="bank-marketing", exclude_columns=["duration", "pdays"], name="bank-1")
    request = json.loads(json.dumps(to_sagemaker_request(config)))
    assert {"Key": "tunelab:ExcludeColumns", "Value": "duration,pdays"} in request["Tags"]
    assert from_sagemaker_request(request).to_dict() == config.to_dict()
    request["Tags"] = [{"Key": "tunelab:ExcludeColumns", "Value": " duration , pdays"}]  # typed by hand
    assert list(read_tuning_job_json(request).exclude_columns) == ["duration", "pdays"]
    assert "Tags" not in to_sagemaker_request(TuningJobConfig(dataset="iris"))


def test_a_column_name_with_a_comma_cannot_go_into_the_tag():
    config = TuningJobConfig(dataset="my.csv", exclude_columns=["price, EUR"])
    with pytest.raises(ValidationError, match=r"'price, EUR' holds a comma.*TuneLab's JSON"):
        to_sagemaker_request(config)


@pytest.mark.parametrize(("value", "message"), [
    ("duration", r"^ExcludeColumns: .*list of column names, such as \['duration'\], but got the single string"),
    ([1], r"^ExcludeColumns: .*got \[1\]. Give each column's name as a non-empty string"),
    ([""], r"^ExcludeColumns: .*non-empty string"),
    ({"duration": True}, r"^ExcludeColumns: .*list of column names"),
])
def test_bad_exclude_columns_in_json_name_the_field(value, message):
    with pytest.raises(ValidationError, match=message):
        TuningJobConfig.from_dict({"Dataset": "bank-marketing", "ExcludeColumns": value})


def test_bad_exclude_columns_in_python_are_refused_before_any_data_is_read():
    with pytest.raises(ValidationError, match=r"^exclude_columns must be a list .*\['duration'\]"):
        TuningJobConfig(dataset="bank-marketing", exclude_columns="duration").check_limits()


# -- preparing the data ------------------------------------------------------------------------------
@pytest.mark.parametrize(("names", "message"), [
    (["durashun"], r"has no feature column\(s\) 'durashun'\. Its feature columns are 'age', .*'duration'.*"
                   r"'previous'\. Spell the name exactly"),
    (["Duration", "pdays"], r"no feature column\(s\) 'Duration'.*case matters"),
    (["output"], r"'output' is the target column of dataset 'bank-marketing'.*cannot be left out\. Remove it"),
])
def test_unknown_columns_and_the_target_are_refused_with_the_columns_to_choose_from(names, message):
    with pytest.raises(ValidationError, match=message):
        prepare(TuningJobConfig(dataset="bank-marketing", exclude_columns=names))


def test_leaving_out_every_feature_is_refused():
    columns = list(load_dataset("iris").features.columns)
    with pytest.raises(ValidationError, match=r"leaves out every feature column of dataset 'iris' .*Keep at least one"):
        prepare(TuningJobConfig(dataset="iris", exclude_columns=columns))


def test_without_columns_drops_only_the_named_columns_and_keeps_the_dataset_as_it_was():
    dataset = load_dataset("iris")
    before = list(dataset.features.columns)
    smaller = without_columns(dataset, ["petal width (cm)", "petal width (cm)"])
    assert list(smaller.features.columns) == before[:3]
    assert list(dataset.features.columns) == before  # the cached dataset is not changed
    assert smaller.target.equals(dataset.target) and "left out the column(s) petal width (cm)" in smaller.notes[-1]
    assert without_columns(dataset, []) is dataset


def test_both_channels_of_a_two_file_job_lose_the_column(tmp_path):
    iris = load_dataset("iris")
    frame = iris.features.assign(species=iris.target).sample(frac=1, random_state=0)  # iris is sorted by class
    frame.iloc[:100].to_csv(tmp_path / "train.csv", index=False)
    frame.iloc[100:].to_csv(tmp_path / "validation.csv", index=False)
    prepared = prepare(TuningJobConfig(dataset=tmp_path / "train.csv", validation_dataset=tmp_path / "validation.csv",
                                       target="species", exclude_columns=["sepal length (cm)"]))
    for channel in (prepared.train, prepared.validation):
        assert "sepal length (cm)" not in channel.features.columns and channel.features.shape[1] == 3


# -- a real job, its model, its endpoint ---------------------------------------------------------------
def test_the_job_records_the_exclusion_and_its_model_has_no_duration(bank):
    store, job = bank
    assert job.config["ExcludeColumns"] == LEFT_OUT
    assert "duration" not in job.config["RunRecord"]["DataFingerprint"]["Columns"]
    predictor = load_predictor(store, BANK)
    assert "duration" not in predictor.feature_columns and "age" in predictor.feature_columns
    encoding = json.loads((store.tuning_job_artifacts(BANK) / "encoding.json").read_text())
    assert encoding["feature_columns"] == list(predictor.feature_columns)
    assert "duration" not in [field.name for field in feature_schema(predictor)]


def test_predicting_needs_no_duration_and_ignores_one_that_is_given(bank):
    store, _ = bank
    predictor = load_predictor(store, BANK)
    rows = _rows()
    without = predict_frame(predictor, rows.drop(columns=["duration", "output"]))
    assert set(without["prediction"]) <= {"yes", "no"}
    changed = rows.assign(duration=rows["duration"] * 100)  # a leaky value the model must not read
    assert list(predict_frame(predictor, changed)["probability_yes"]) == list(without["probability_yes"])


def test_the_final_model_and_a_retrained_model_keep_the_exclusion(bank):
    store, job = bank
    final = final_predictor(store, BANK)
    assert final.final and "duration" not in final.feature_columns
    other = next(t.name for t in store.training_jobs(BANK) if t.name != job.best_training_job)
    retrained = model_for_training_job(store, BANK, other)
    assert list(retrained.feature_columns) == list(final.feature_columns)
    assert len(predict_frame(final, _rows().drop(columns=["duration"]))) == 20


def _post(url: str, body: bytes, content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(f"{url}/invocations", data=body, method="POST",
                                     headers={"Content-Type": content_type, "Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def test_the_endpoint_answers_requests_without_duration(bank):
    store, _ = bank
    predictor = final_predictor(store, BANK)
    rows = _rows(3)
    features = rows[list(predictor.feature_columns)]
    running = start_endpoint(predictor, port=free_port(), tuning_job_name=BANK)
    try:
        instances = json.loads(features.to_json(orient="records"))
        status, body = _post(running.url, json.dumps({"instances": instances}).encode(), "application/json")
        assert status == 200
        answers = json.loads(body)["predictions"]
        assert len(answers) == 3 and {a["predicted_label"] for a in answers} <= {"yes", "no"}
        headerless = features.to_csv(index=False, header=False).encode()  # 13 values a row, no duration
        assert _post(running.url, headerless, "text/csv") == (200, body)
        export = rows.to_csv(index=False).encode()  # a CSV export: its header names duration and the target too
        assert _post(running.url, export, "text/csv") == (200, body)
    finally:
        stop_endpoint(running.port)


def test_a_headerless_row_with_duration_is_refused_with_the_columns_expected(bank):
    store, _ = bank
    predictor = load_predictor(store, BANK)
    row = _rows(1).drop(columns=["output"])  # 14 values: duration among them
    with pytest.raises(ValidationError, match=r"must have 13 values \(age, job, .*previous\)"):
        predict_payload(predictor, row.to_csv(index=False, header=False).encode(), "text/csv", None)


# -- the SDK, the CLI, warm start and resume --------------------------------------------------------------
def test_the_tuner_passes_exclude_columns_on_and_attach_reads_them_back(bank):
    store, _ = bank
    tuner = HyperparameterTuner(XGBoost(), "validation:auc", {"eta": ContinuousParameter(0.1, 0.5)},
                                store=store, exclude_columns=LEFT_OUT)
    assert list(tuner._config("bank-marketing").exclude_columns) == LEFT_OUT
    attached = HyperparameterTuner.attach(BANK, store=store)
    assert list(attached.exclude_columns) == LEFT_OUT


def test_the_sdk_code_carries_the_tag_and_says_to_drop_the_column():
    code = sdk_code(_bank_config())
    assert "{'Key': 'tunelab:ExcludeColumns', 'Value': 'duration'}" in code
    assert "drop(columns=['duration'])" in code
    assert "ExcludeColumns" not in sdk_code(_bank_config(exclude_columns=()))


def test_cli_show_prints_the_columns_left_out(bank, capsys):
    store, _ = bank
    assert main(["--store", store.url, "show", BANK]) == 0
    assert "Columns left out (ExcludeColumns): duration" in capsys.readouterr().out


def test_warm_start_with_identical_data_needs_the_same_columns_left_out(bank):
    store, _ = bank
    parents = WarmStartConfig("IdenticalDataAndAlgorithm", [BANK])
    same = prepare(_bank_config(name="child-same", warm_start_config=parents), store=store)
    assert same.warm_start is not None
    with pytest.raises(ValidationError, match=r"used other data .*columns left out: duration\) than this job"):
        prepare(_bank_config(name="child-all", exclude_columns=(), warm_start_config=parents), store=store)


SELF_KILLING_RUN = """
import json, os, signal, sys
from tuning import Store, TuningJobConfig, run_tuning_job
def callback(progress):
    if progress.finished >= 1:
        os.kill(os.getpid(), signal.SIGKILL)
run_tuning_job(TuningJobConfig.from_dict(json.loads(sys.argv[2])), Store(sys.argv[1]), callback=callback)
"""


def test_a_job_with_columns_left_out_resumes_after_its_process_died(tmp_path):
    db = tmp_path / "crash.db"
    config = TuningJobConfig(dataset="iris", exclude_columns=["petal width (cm)"], strategy="Random", max_jobs=3,
                             static_hyperparameters={"num_round": 5}, random_seed=2, name="iris-crash")
    result = subprocess.run([sys.executable, "-c", SELF_KILLING_RUN, str(db), json.dumps(config.to_dict())],
                            capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    store = Store(db)
    try:
        assert store.mark_dead_runners() == ["iris-crash"]  # what the CLI and the pages do before reading
        assert store.get_tuning_job("iris-crash").status == "Interrupted"
        prepared = prepare_resume("iris-crash", store)  # the fingerprint matches: same columns left out
        assert "petal width (cm)" not in prepared.train.features.columns
        job = resume_tuning_job("iris-crash", store)
        assert job.status == "Completed" and job.status_counters["Completed"] == 3
        assert job.config["ExcludeColumns"] == ["petal width (cm)"]
        assert "petal width (cm)" not in load_predictor(store, "iris-crash").feature_columns
    finally:
        store.dispose()


# -- the pages -------------------------------------------------------------------------------------------
def _app_page(page: str) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    return app.switch_page(page).run()


def _tunelab_json(app: AppTest) -> dict:
    return json.loads(next(code.value for code in export_codes(app) if code.language == "json" and '"Dataset"' in code.value))


def test_the_datasets_page_warns_about_duration_and_leaves_it_out_in_a_new_job():
    app = _app_page("views/datasets.py")
    assert not app.exception
    assert any("`duration` leaks the answer" in warning.value for warning in app.warning)
    app.button(key="datasets.leave_out.duration").click().run()
    assert not app.exception
    assert app.selectbox(key="create.dataset").value == "bank-marketing"
    assert app.multiselect(key="create.exclude.bank-marketing").value == ["duration"]
    assert _tunelab_json(app)["ExcludeColumns"] == ["duration"]


def test_the_datasets_page_has_no_leak_warning_for_a_dataset_without_one():
    app = _app_page("views/datasets.py")
    app.selectbox(key="datasets.chosen").set_value("iris").run()
    assert not [warning for warning in app.warning if "leaks the answer" in warning.value]


def test_the_create_page_launches_a_job_with_the_columns_left_out():
    app = _app_page("views/create.py")
    assert app.multiselect(key="create.exclude.bank-marketing").options[:2] == ["age", "job"]
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.multiselect(key="create.exclude.iris").set_value(["petal width (cm)"]).run()
    app.number_input(key="create.max_jobs").set_value(2).run()
    app.radio(key="create.strategy").set_value("Random").run()
    app.text_input(key="create.name").set_value("iris-left-out").run()
    assert not app.error
    request = json.loads(next(c.value for c in export_codes(app) if c.language == "json" and '"Dataset"' not in c.value))
    assert {"Key": "tunelab:ExcludeColumns", "Value": "petal width (cm)"} in request["Tags"]
    app.button(key="create.launch").click().run()
    assert not app.exception and "Launched **iris-left-out**" in app.success[0].value
    store = Store()
    deadline = time.monotonic() + 120
    while store.get_tuning_job("iris-left-out").is_active and time.monotonic() < deadline:
        time.sleep(0.25)
    job = store.get_tuning_job("iris-left-out")
    assert job.status == "Completed" and job.config["ExcludeColumns"] == ["petal width (cm)"]
    assert "petal width (cm)" not in load_predictor(store, "iris-left-out").feature_columns
    prepared = prepare(TuningJobConfig.from_dict(job.config).replace(name=None))
    assert list(prepared.train.features.columns) == ["sepal length (cm)", "sepal width (cm)", "petal length (cm)"]


@pytest.mark.parametrize("shape", ["tunelab", "sagemaker"])
def test_importing_a_json_with_columns_left_out_prefills_the_choice(shape):
    config = TuningJobConfig(dataset="bank-marketing", exclude_columns=["duration", "pdays"], strategy="Random",
                             max_jobs=4)
    text = json.dumps(config.to_dict() if shape == "tunelab" else to_sagemaker_request(config))
    app = _app_page("views/create.py")
    app.text_area(key="create.import_text").set_value(text).run()
    app.button(key="create.import").click().run()
    assert not app.exception and not app.error
    assert app.multiselect(key="create.exclude.bank-marketing").value == ["duration", "pdays"]
    assert _tunelab_json(app)["ExcludeColumns"] == ["duration", "pdays"]
    # A file without ExcludeColumns clears the choice: the form shows what the file says.
    app.text_area(key="create.import_text").set_value(json.dumps(config.replace(exclude_columns=()).to_dict())).run()
    app.button(key="create.import").click().run()
    assert app.multiselect(key="create.exclude.bank-marketing").value == []


def test_the_create_page_refuses_the_target_left_out_inline():
    app = _app_page("views/create.py")
    app.text_area(key="create.import_text").set_value(json.dumps(
        {"Dataset": "bank-marketing", "ExcludeColumns": ["output", "duration"]})).run()
    app.button(key="create.import").click().run()
    assert not app.exception
    assert any("has no feature column output" in warning.value for warning in app.warning)
    assert app.multiselect(key="create.exclude.bank-marketing").value == ["duration"]


def test_the_deploy_page_does_not_ask_for_duration():
    store = Store()
    run_tuning_job(_bank_config(), store)
    app = AppTest.from_file("../views/deploy.py", default_timeout=120).run()
    assert not app.exception and not app.error
    labels = [widget.label for widget in [*app.number_input, *app.selectbox] if widget.label not in ("Port",)]
    assert "age" in labels and "job" in labels and "duration" not in labels
    assert any("left out duration" in caption.value for caption in app.caption)
    app.button[0].click().run()  # the form's Predict, from the typical row
    assert not app.exception and not app.error
    assert app.success[0].value.split("**")[1] in ("no", "yes")
