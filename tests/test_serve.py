"""`python -m tuning serve`: SageMaker's inference contract on loopback, with a real server process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import free_port
from sklearn.datasets import load_breast_cancer

from tuning import ContinuousParameter, Store, TuningJobConfig, load_predictor, run_tuning_job


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    home = tmp_path_factory.mktemp("serve-home")
    store = Store(home / "tunelab.db", artifact_dir=home / "artifacts")
    run_tuning_job(TuningJobConfig(dataset="breast_cancer", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                                   static_hyperparameters={"num_round": 10}, strategy="Random", max_jobs=2,
                                   random_seed=1, name="served"), store)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "tuning", "serve", "served", "--port", str(port)],
                               env={**os.environ, "TUNELAB_HOME": str(home)}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if urllib.request.urlopen(f"{url}/ping", timeout=2).status == 200:
                break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                pytest.fail(f"the endpoint did not start: {process.stdout.read().decode()}")
            time.sleep(0.3)
    yield url, load_predictor(store, "served")
    store.dispose()
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=10)


def _post(url, body: bytes, content_type: str, accept: str | None = None):
    request = urllib.request.Request(f"{url}/invocations", data=body, method="POST",
                                     headers={"Content-Type": content_type, **({"Accept": accept} if accept else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def _rows(count: int):
    data = load_breast_cancer(as_frame=True)
    return data.frame[data.feature_names].head(count)


def test_csv_rows_without_a_header_get_one_prediction_per_line(endpoint):
    url, predictor = endpoint
    rows = _rows(5)
    status, kind, body = _post(url, rows.to_csv(index=False, header=False).encode(), "text/csv")
    assert (status, kind) == (200, "text/csv")
    assert body.split() == [str(label) for label in predictor.predict(rows)]
    with_header = _post(url, rows.to_csv(index=False).encode(), "text/csv")
    assert with_header[2] == body


def test_json_instances_get_labels_and_probabilities(endpoint):
    url, predictor = endpoint
    rows = _rows(3)
    payload = {"instances": [rows.iloc[0].to_dict(), list(rows.iloc[1]), rows.iloc[2].to_dict()]}
    status, kind, body = _post(url, json.dumps(payload).encode(), "application/json")
    assert (status, kind) == (200, "application/json")
    predictions = json.loads(body)["predictions"]
    probabilities = predictor.predict_proba(rows)
    for prediction, expected in zip(predictions, probabilities):
        assert list(prediction["probabilities"].values()) == pytest.approx(list(expected))
        assert sum(prediction["probabilities"].values()) == pytest.approx(1.0)
    status, kind, body = _post(url, rows.to_csv(index=False, header=False).encode(), "text/csv", "application/json")
    assert kind == "application/json" and len(json.loads(body)["predictions"]) == 3


@pytest.mark.parametrize(("body", "content_type", "status", "message"), [
    (b"1,2,3\n", "text/csv", 400, "must have 30 values"),
    (b"", "text/csv", 400, "no rows"),
    (b"{not json", "application/json", 400, "not valid JSON"),
    (b'{"instances": [[1, 2]]}', "application/json", 400, "list of 30 values"),
    (b'{"instances": []}', "application/json", 400, "at least one row"),
    (b"<rows/>", "application/xml", 415, "not supported"),
    (b"\xff\xfe\x00", "text/csv", 400, "not UTF-8"),
])
def test_malformed_requests_get_a_4xx_with_the_reason_and_the_endpoint_lives_on(endpoint, body, content_type, status,
                                                                                message):
    url, _ = endpoint
    answer = _post(url, body, content_type)
    assert answer[0] == status and message in answer[2]
    assert urllib.request.urlopen(f"{url}/ping", timeout=5).status == 200


def test_a_text_cell_in_a_numeric_column_is_named(endpoint):
    url, _ = endpoint
    rows = _rows(2).astype(object)
    rows.iloc[1, 3] = "big"
    status, _, body = _post(url, rows.to_csv(index=False, header=False).encode(), "text/csv")
    assert status == 400 and "row 2, column 'mean area'" in body


def test_other_paths_are_404(endpoint):
    url, _ = endpoint
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{url}/predict", timeout=5)
    assert error.value.code == 404


def test_serving_an_unknown_job_is_a_clear_cli_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tuning", "serve", "nope"], capture_output=True, text=True,
                            env={**os.environ, "TUNELAB_HOME": str(tmp_path)}, timeout=60)
    assert result.returncode == 2 and result.stderr.startswith("error:") and "nope" in result.stderr
