"""The endpoint holds a classroom: a burst of clients, clients that hang up, and slow ones.

A real server on a real loopback socket (:func:`tuning.serving.serve.create_server`), real
client sockets. No timing is asserted here (bench/bench_endpoint.py measures speed); what is
asserted is that every request is answered, threads stay bounded, and nothing is printed.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tuning import ContinuousParameter, Store, TuningJobConfig, run_tuning_job
from tuning.serving.serve import create_server, serve_model


@pytest.fixture(scope="module")
def predictor(tmp_path_factory):
    home = tmp_path_factory.mktemp("endpoint-load")
    store = Store(home / "tunelab.db", artifact_dir=home / "artifacts")
    run_tuning_job(TuningJobConfig(dataset="iris", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                                   static_hyperparameters={"num_round": 5}, strategy="Random", max_jobs=1,
                                   random_seed=1, name="load"), store)
    yield serve_model(store, "load", final=False)
    store.dispose()


class _Running:
    def __init__(self, predictor, **options):
        self.server = create_server(predictor, "127.0.0.1", 0, **options)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture
def running(predictor):
    servers = []

    def start(**options):
        servers.append(_Running(predictor, **options))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


_ROW = b"5.1,3.5,1.4,0.2\n"


def _post(port: int) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/invocations", body=_ROW, headers={"Content-Type": "text/csv"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_two_hundred_clients_at_once_are_all_answered_by_a_bounded_pool(running):
    server = running(threads=8)
    threads_seen = []
    barrier = threading.Barrier(200)

    def client(_):
        barrier.wait()  # all 200 connect in the same instant, as a class pressing Enter
        result = _post(server.port)
        threads_seen.append(sum(t.name.startswith("tunelab-request") for t in threading.enumerate()))
        return result

    with ThreadPoolExecutor(200) as clients:
        results = list(clients.map(client, range(200)))
    statuses = [status for status, _ in results]
    assert statuses == [200] * 200, {status: statuses.count(status) for status in set(statuses)}
    assert {body.strip() for _, body in results} <= {b"setosa", b"versicolor", b"virginica"}
    assert max(threads_seen) <= 8  # bounded: the others waited their turn


def test_clients_that_hang_up_are_counted_not_printed(running, capfd):
    server = running()
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", server.port)) as raw:
            raw.sendall(b"POST /invocations HTTP/1.0\r\nContent-Type: text/csv\r\nContent-Length: 16\r\n\r\n5.1,")
        # closed mid-body: nobody is left to answer
    with socket.create_connection(("127.0.0.1", server.port)) as raw:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST on close
        raw.sendall(b"POST /invocations HTTP/1.0\r\nContent-Length: 16\r\n\r\n")
    assert _post(server.port)[0] == 200  # the endpoint lives on
    time.sleep(0.5)
    printed = capfd.readouterr()
    assert "Traceback" not in printed.err and "Error" not in printed.err, printed.err


def test_a_lying_content_length_gets_408_and_frees_its_thread(running):
    server = running(threads=1, request_timeout=0.5)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(b"POST /invocations HTTP/1.0\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\n5.1,3.5")
        answer = b""
        while chunk := raw.recv(4096):  # headers and body may come in two packets
            answer += chunk
        answer = answer.decode()
    assert answer.startswith("HTTP/1.0 408"), answer
    assert "Content-Length says 1,000 bytes" in answer
    # The one thread is free again: a normal request is answered.
    assert _post(server.port)[0] == 200


def test_a_silent_client_does_not_hold_the_only_thread(running):
    server = running(threads=1, request_timeout=0.5)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(b"POST /invoc")  # a partial request line, then silence
        assert _post(server.port)[0] == 200  # answered once the silent one timed out


# -- bad values in requests (issue 14, case 8): a 400 naming the row and column ---------------
def _post_body(port: int, body: bytes, content_type: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/invocations", body=body, headers={"Content-Type": content_type})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.mark.parametrize("body, content_type, words", [
    (b"5.1,3.5,1.4,0.2\n1,2\n", "text/csv", ["row 2 has 2 value(s)", "each row needs 4"]),
    (b"sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n5.1,3.5,1.4,0.2\n1,2,3\n",
     "text/csv", ["row 2 has 3 value(s)", "as the header names"]),
    (b"5.1,1e309,1.4,0.2\n", "text/csv", ["row 1, column 'sepal width (cm)'", "1e309", "finite number"]),
    (b'{"instances": [[5.1, 3.5, 1.4, 0.2], [1' + b"0" * 400 + b', 3.5, 1.4, 0.2]]}', "application/json",
     ["row 2, column 'sepal length (cm)'", "401 characters", "finite number"]),
    (b'{"instances": [[5.1, 3.5, "-inf", 0.2]]}', "application/json", ["row 1, column 'petal length (cm)'"]),
])
def test_bad_values_get_a_400_naming_row_and_column(running, body, content_type, words):
    server = running()
    status, answer = _post_body(server.port, body, content_type)
    assert status == 400, (status, answer)
    for word in words:
        assert word in answer, answer
    assert "Traceback" not in answer and "dmlc" not in answer and "0x" not in answer
    assert _post(server.port)[0] == 200  # and it lives on


def test_the_same_bad_values_are_refused_by_predict_payload_directly(predictor):
    """The second door: code calling the endpoint's own function (as the Deploy page's paste box may)."""
    from tuning import ValidationError
    from tuning.serving.serve import predict_payload

    with pytest.raises(ValidationError, match="row 2 has 2 value"):
        predict_payload(predictor, b"5.1,3.5,1.4,0.2\n1,2\n", "text/csv", None)
    with pytest.raises(ValidationError, match="row 1, column 'sepal width \\(cm\\)'.*finite"):
        predict_payload(predictor, b"5.1,1e309,1.4,0.2\n", "text/csv", None)


# -- the Deploy page's door: a CSV file of rows (issue 14, cases 8 and 9) ------------------------
_HEADER = "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)"


def test_the_deploy_pages_rows_file_refuses_a_ragged_row_and_an_overflowing_cell(predictor):
    from tuning import ValidationError
    from tuning.serving.deploy import predict_frame, read_rows_csv

    with pytest.raises(ValidationError, match=r"rows.csv: row 2 has 2 value\(s\), but the header names 4 columns"):
        read_rows_csv(predictor, f"{_HEADER}\n5.1,3.5,1.4,0.2\n1,2\n".encode(), name="rows.csv")
    rows = read_rows_csv(predictor, f"{_HEADER}\n5.1,1e309,1.4,0.2\n".encode())
    with pytest.raises(ValidationError, match=r"'sepal width \(cm\)', row 0: 'inf' is beyond the numbers a model takes"):
        predict_frame(predictor, rows)


def test_the_deploy_pages_rows_file_reads_a_european_export(predictor):
    from tuning.serving.deploy import predict_frame, read_rows_csv

    european = "\ufeff" + _HEADER.replace(",", ";") + "\n5,1;3,5;1,4;0,2\n6,7;3,0;5,2;2,3\n"
    rows = read_rows_csv(predictor, european.encode())
    assert rows.iloc[0].tolist() == [5.1, 3.5, 1.4, 0.2]
    assert predict_frame(predictor, rows)["prediction"].tolist() == ["setosa", "virginica"]
