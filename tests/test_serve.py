"""Local endpoints with SageMaker's inference contract on loopback: in-process threads
(:mod:`tuning.serving.endpoints`, as the dashboard starts them) and ``python -m tuning serve``."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import free_port
from sklearn.datasets import load_breast_cancer

from tuning import ContinuousParameter, Store, TuningJobConfig, ValidationError, load_predictor, run_tuning_job
from tuning.serving.endpoints import list_endpoints, start_endpoint, stop_endpoint
from tuning.serving.serve import create_server, describe_model, serve_model


@pytest.fixture(scope="module")
def served_store(tmp_path_factory):
    home = tmp_path_factory.mktemp("serve-home")
    store = Store(home / "tunelab.db", artifact_dir=home / "artifacts")
    run_tuning_job(TuningJobConfig(dataset="breast_cancer", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                                   static_hyperparameters={"num_round": 10}, strategy="Random", max_jobs=2,
                                   random_seed=1, name="served"), store)
    yield home, store
    store.dispose()


def _ports() -> set[int]:
    return {running.port for running in list_endpoints()}


@pytest.fixture(autouse=True)
def _no_endpoint_left_running():
    """Stop what a test started, even when it fails (the module's own endpoint stays)."""
    before = _ports()
    yield
    for port in _ports() - before:
        stop_endpoint(port)


@pytest.fixture(scope="module")
def endpoint(served_store):
    """The tuning-time model served from a thread of this process, on a free loopback port."""
    _, store = served_store
    predictor = serve_model(store, "served", final=False)
    running = start_endpoint(predictor, port=free_port(), tuning_job_name="served")
    yield running.url, load_predictor(store, "served")
    if running.port in _ports():
        stop_endpoint(running.port)


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
    (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "nested too deeply"),
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


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status


def test_an_endpoint_in_a_thread_serves_the_final_model_and_stop_frees_the_port(served_store):
    _, store = served_store
    final = serve_model(store, "served")  # final by default
    assert final.final and final.trained_on == "train+validation"
    port = free_port()
    running = start_endpoint(final, port=port, tuning_job_name="served")
    assert (running.port, running.url, running.final) == (port, f"http://127.0.0.1:{port}", True)
    assert running.training_job_name == final.training_job_name and running.tuning_job_name == "served"
    assert running.started_at <= time.time() and running.model == "final"
    assert port in _ports()

    assert _get(f"{running.url}/ping") == 200
    rows = _rows(6)
    status, kind, body = _post(running.url, rows.to_csv(index=False, header=False).encode(), "text/csv")
    assert (status, kind) == (200, "text/csv")
    assert body.split() == [str(label) for label in final.predict(rows)]

    stop_endpoint(port)
    assert port not in _ports()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{running.url}/ping", timeout=5)
    again = start_endpoint(final, port=port)  # the port is free again
    assert _get(f"{again.url}/ping") == 200
    stop_endpoint(port)


def test_a_busy_port_or_a_bad_one_is_refused_clearly(served_store):
    _, store = served_store
    predictor = serve_model(store, "served", final=False)
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        busy = other_program.getsockname()[1]
        with pytest.raises(ValidationError, match=f"port {busy} on 127.0.0.1 is already in use.*Pick another port"):
            start_endpoint(predictor, port=busy)
    assert busy not in _ports()

    running = start_endpoint(predictor)  # port 0: any free port
    assert running.port > 0 and not running.final and running.model == "as tuned"
    with pytest.raises(ValidationError, match=f"port {running.port} is already in use by the endpoint of "
                                              f"{predictor.training_job_name}"):
        start_endpoint(predictor, port=running.port)
    for port in (-1, 70000, "8080", True):
        with pytest.raises(ValidationError, match="port must be a whole number from 0 to 65535"):
            start_endpoint(predictor, port=port)
    with pytest.raises(ValidationError, match=r"no endpoint is running on port 1 \(ports of running endpoints: "
                                              rf".*\b{running.port}\b"):
        stop_endpoint(1)
    with pytest.raises(ValidationError, match="needs a Predictor"):
        start_endpoint("served")
    with pytest.raises(ValidationError, match="host must be an address"):
        create_server(predictor, "", 0)


def test_serve_model_picks_the_final_model_or_the_model_as_tuned(served_store):
    _, store = served_store
    tuned, final = serve_model(store, "served", final=False), serve_model(store, "served", final=True)
    assert describe_model(tuned) == f"{tuned.training_job_name} (as tuned: trained on the training channel)"
    assert describe_model(final) == f"{final.training_job_name} (final: retrained on train + validation)"
    with pytest.raises(ValidationError, match="final must be True .* or False"):
        serve_model(store, "served", final="yes")
    with pytest.raises(ValidationError, match="no tuning job named 'nope'"):
        serve_model(store, "nope")


@pytest.mark.parametrize("flags, model", [([], "final: retrained on train + validation"),
                                          (["--tuning-model"], "as tuned: trained on the training channel")])
def test_python_m_tuning_serve_answers_ping_and_invocations(served_store, flags, model):
    home, _ = served_store
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "tuning", "serve", "served", "--port", str(port), *flags],
                               env={**os.environ, "TUNELAB_HOME": str(home)}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if _get(f"{url}/ping") == 200:
                    break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    pytest.fail(f"the endpoint did not start: {process.stdout.read().decode()}")
                time.sleep(0.3)
        status, _, body = _post(url, _rows(2).to_csv(index=False, header=False).encode(), "text/csv")
        assert status == 200 and set(body.split()) <= {"malignant", "benign"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    assert f"({model}) on {url}" in process.stdout.read().decode()


def test_serving_an_unknown_job_is_a_clear_cli_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tuning", "serve", "nope"], capture_output=True, text=True,
                            env={**os.environ, "TUNELAB_HOME": str(tmp_path)}, timeout=60)
    assert result.returncode == 2 and result.stderr.startswith("error:") and "nope" in result.stderr
