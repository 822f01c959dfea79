"""A local endpoint with SageMaker's inference-container contract, for a tuned model.

``python -m tuning serve TUNING_JOB`` answers, on 127.0.0.1:8080 by default:

- ``GET /ping``: 200 when the model is loaded (SageMaker's health check);
- ``POST /invocations``: rows in, predictions out.

  - ``Content-Type: text/csv``: one row per line, the feature values in the training
    columns' order with no header (SageMaker's built-in algorithms' format); a first line
    that names every feature column is taken as a header, so a CSV export also works: its
    other columns (the target, a column the tuning job left out) are ignored, as in a JSON
    object or on the Deploy page.
  - ``Content-Type: application/json``: ``{"instances": [...]}`` or a bare list, each
    instance an object of column name to value or a list of values in column order.
  - The answer follows ``Accept`` (else the request's type): CSV, one prediction per
    line; or JSON ``{"predictions": [{"predicted_label": ..., "probabilities": {...}}]}``
    (``{"score": x}`` for regression).

A malformed request gets a 4xx status with the reason in the body, never a crash: 400
for rows that cannot be read, 404 for another path, 411/413 for a missing or too large
body, 408 for a client that goes silent mid-request, 415 for another content type. The
server is the standard library's, with a bounded pool and a deep listen queue
(:mod:`tuning.serving.http_pool`): enough for a classroom on one laptop; a production
server is out of scope.

:func:`serve_model` picks the model: the final one (retrained on train + validation, AMT's
optional last step) by default, or the model as tuned. :mod:`tuning.serving.endpoints` runs
servers in background threads, for the dashboard.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import math
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

import pandas as pd

from tuning.serving.artifacts import Predictor
from tuning.serving.http_pool import DEFAULT_THREADS, PooledHTTPServer
from tuning.datasets import MISSING_VALUES
from tuning.datasets.dataset import listing
from tuning.datasets.libsvm_reading import LIBSVM_CONTENT_TYPES, libsvm_rows
from tuning.errors import TuneLabError, ValidationError

if TYPE_CHECKING:
    from tuning.store.database import Store

__all__ = ["MAX_BODY_BYTES", "create_server", "describe_model", "predict_payload", "rows_from_body", "serve_model"]

MAX_BODY_BYTES = 6 * 1024 * 1024
"""SageMaker real-time endpoints take at most 6 MB per request; so does this one."""
REQUEST_TIMEOUT_SECONDS = 10.0
"""How long a client may go silent mid-request (SageMaker's own invocation timeout is 60 s
for the whole call; a laptop endpoint frees a thread sooner)."""


def _frame_from_csv(predictor: Predictor, text: str) -> pd.DataFrame:
    columns = predictor.feature_columns
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValidationError("the request body has no rows: send one CSV line of feature values per row.")
    records = list(csv.reader(lines))
    first = [cell.strip() for cell in records[0]]
    header = 0 if set(columns) <= set(first) else None  # a header: extra columns are ignored
    wanted = len(first)  # the header's count, or the first row's (checked against the model below)
    for number, record in enumerate(records[1:], start=1 if header == 0 else 2):
        if len(record) != wanted:  # pandas would fill a short row with gaps and predict it
            expected = f"{wanted} (as the header names)" if header == 0 else f"{wanted} ({', '.join(columns)})"
            raise ValidationError(
                f"row {number} has {len(record)} value(s), but each row needs {expected}. Send every "
                "row complete; leave a cell empty (1,,3) to mark a value missing."
            )
    frame = pd.read_csv(io.StringIO("\n".join(lines)), header=header, keep_default_na=False,
                        na_values=list(MISSING_VALUES), dtype=str)
    if header is None:
        if frame.shape[1] != len(columns):
            raise ValidationError(
                f"each CSV row must have {len(columns)} values ({', '.join(columns)}), but the first row has "
                f"{frame.shape[1]}. Send the features only, in this order, without the target."
            )
        frame.columns = columns
    return _typed(predictor, frame)


def _typed(predictor: Predictor, frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers where the model was trained on numbers, naming the first cell that is not one.

    ``predict_frame`` checks this too, but by the frame's index; an HTTP client wants the
    row as it counted it in its request (1-based), so the endpoint checks first.
    """
    for column, kind in predictor.column_kinds.items():
        if kind != "numeric" or column not in frame.columns:
            continue
        frame[column] = [_number(cell, row, column) for row, cell in enumerate(frame[column], start=1)]
    return frame


def _number(cell: Any, row: int, column: str) -> float:
    """One cell of a numeric column as a float; what is no finite number is named with its place.

    Why cell by cell: ``pd.to_numeric`` turns ``1e309`` into infinity (XGBoost then fails
    with a C++ stack trace) and a JSON integer of 400 digits into an OverflowError (a 500).
    """
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return math.nan
    text = str(cell).strip()
    if isinstance(cell, str) and text in MISSING_VALUES:
        return math.nan
    try:
        value = float(cell if isinstance(cell, (int, float)) else text)
    except OverflowError:
        value = math.inf
    except ValueError:
        raise ValidationError(f"row {row}, column {column!r}: {text[:60]!r} is not a number.") from None
    if not math.isfinite(value):
        shown = text if len(text) <= 24 else f"{text[:12]}...{text[-6:]} ({len(text)} characters)"
        raise ValidationError(
            f"row {row}, column {column!r}: {shown} is beyond the numbers a model takes (about ±1.8e308); "
            "send a finite number, or leave the cell empty to mark it missing."
        )
    return value


def _frame_from_json(predictor: Predictor, text: str) -> pd.DataFrame:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ValidationError(f"the request body is not valid JSON ({error}).") from None
    except RecursionError:  # [[[[... thousands deep: json's parser recurses once per level
        raise ValidationError('the request body is JSON nested too deeply; send {"instances": [[...], ...]}, '
                              "one list (or object) per row.") from None
    instances = data.get("instances") if isinstance(data, dict) else data
    if not isinstance(instances, list) or not instances:
        raise ValidationError('send {"instances": [...]} (or a list) with at least one row.')
    columns = predictor.feature_columns
    rows = []
    for position, instance in enumerate(instances, start=1):
        if isinstance(instance, dict):
            rows.append(instance)
        elif isinstance(instance, list) and len(instance) == len(columns):
            rows.append(dict(zip(columns, instance)))
        else:
            raise ValidationError(
                f"instance {position} must be an object of column to value, or a list of {len(columns)} values "
                f"({', '.join(columns)}); got {instance!r:.200}."
            )
    return _typed(predictor, pd.DataFrame(rows))


def rows_from_body(predictor: Predictor, body: bytes, content_type: str) -> pd.DataFrame:
    """A request body's rows as the model's feature columns: JSON for ``application/json``, libsvm for
    ``text/libsvm`` (AWS's XGBoost reads it; index k is the k-th feature column), else CSV (see the
    module docstring). Bad rows raise ValidationError."""
    kind = (content_type or "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("the request body is not UTF-8 text.") from None
    if kind in LIBSVM_CONTENT_TYPES:
        text_columns = [column for column, how in predictor.column_kinds.items() if how == "categorical"]
        if text_columns:
            raise ValidationError(
                f"libsvm rows hold numbers, but this model's features include text columns ({listing(text_columns, 5)}); "
                "send the rows as CSV (text/csv) instead.")
        return libsvm_rows(text, predictor.feature_columns)
    return _frame_from_json(predictor, text) if kind == "application/json" else _frame_from_csv(predictor, text)


def predict_payload(predictor: Predictor, body: bytes, content_type: str, accept: str | None) -> tuple[bytes, str]:
    """Answer one /invocations request: ``(body, content type)``. Bad rows raise ValidationError."""
    from tuning.serving.deploy import predict_frame

    kind = (content_type or "").split(";")[0].strip().lower()
    result = predict_frame(predictor, rows_from_body(predictor, body, content_type))
    wanted = (accept or "").split(";")[0].strip().lower()
    if wanted in ("", "*/*"):
        wanted = kind
    if wanted == "application/json":
        probability_columns = [c for c in result.columns if c.startswith("probability_")]
        predictions = []
        for _, row in result.iterrows():
            value = row["prediction"]
            if probability_columns:
                predictions.append({"predicted_label": value.item() if hasattr(value, "item") else value,
                                    "probabilities": {c.removeprefix("probability_"): float(row[c])
                                                      for c in probability_columns}})
            else:
                predictions.append({"score": float(value)})
        return json.dumps({"predictions": predictions}).encode(), "application/json"
    lines = [str(v) if not isinstance(v, float) or math.isfinite(v) else "" for v in result["prediction"]]
    return ("\n".join(lines) + "\n").encode(), "text/csv"


def serve_model(store: Store, tuning_job_name: str, training_job_name: str | None = None, *,
                final: bool = True) -> Predictor:
    """The model an endpoint serves: the final one by default, as AMT's last step would give.

    ``final=True``: the training job's hyperparameters retrained on the training plus
    validation channels (:func:`tuning.serving.deploy.final_predictor`, trained once and saved).
    ``final=False``: the model as tuned, trained on the training channel only, the one the
    tuning job scored (:func:`tuning.serving.deploy.model_for_training_job`). The best training job
    unless ``training_job_name`` names another Completed one.
    """
    from tuning.serving.deploy import final_predictor, model_for_training_job

    if not isinstance(final, bool):
        raise ValidationError(f"final must be True (final model) or False (model as tuned), but got {final!r}.")
    pick = final_predictor if final else model_for_training_job
    return pick(store, tuning_job_name, training_job_name)


def describe_model(predictor: Predictor) -> str:
    """One line saying which model this is, for a console or a page: ``job-002 (final: ...)``."""
    if predictor.final:
        return f"{predictor.training_job_name} (final: retrained on train + validation)"
    return f"{predictor.training_job_name} (as tuned: trained on the training channel)"


def create_server(predictor: Predictor, host: str = "127.0.0.1", port: int = 8080, *,
                  threads: int = DEFAULT_THREADS,
                  request_timeout: float = REQUEST_TIMEOUT_SECONDS) -> PooledHTTPServer:
    """A server (not yet serving: call ``serve_forever()``) answering /ping and /invocations.

    ``port=0`` lets the system pick a free port (read it from ``server.server_address``).
    A port already in use, or an address that cannot be bound, raises a ValidationError.
    At most ``threads`` requests are answered at once (the others wait, see
    :mod:`tuning.serving.http_pool`); a client silent for ``request_timeout`` seconds
    mid-request gets 408 and its thread back.
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValidationError(f"port must be a whole number from 0 to 65535 (0: any free port), but got {port!r}.")
    if not isinstance(host, str) or not host.strip():
        raise ValidationError(f"host must be an address such as '127.0.0.1', but got {host!r}.")

    class Handler(BaseHTTPRequestHandler):
        timeout = request_timeout  # socketserver sets it on each connection's socket

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet by default
            return

        def _answer(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path.split("?")[0] == "/ping":
                self._answer(200, b"")
            else:
                self._answer(404, b"Not found: this endpoint answers GET /ping and POST /invocations.\n")

        def do_POST(self) -> None:  # noqa: N802
            if self.path.split("?")[0] != "/invocations":
                self._answer(404, b"Not found: send rows to POST /invocations.\n")
                return
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                self._answer(411, b"A Content-Length header is required.\n")
                return
            if int(length) > MAX_BODY_BYTES:
                self._answer(413, f"The body is over {MAX_BODY_BYTES // 2**20} MB; send fewer rows per request.\n"
                             .encode())
                return
            try:
                body = self.rfile.read(int(length))
            except TimeoutError:
                self.close_connection = True
                self._answer(408, f"The body did not arrive: Content-Length says {int(length):,} bytes, and "
                                  f"nothing more came for {request_timeout:g} s.\n".encode())
                return
            if len(body) < int(length):
                return  # the client hung up mid-body: nobody is left to answer
            content_type = (self.headers.get("Content-Type") or "text/csv").split(";")[0].strip().lower()
            if content_type not in ("text/csv", "application/json"):
                self._answer(415, f"Content-Type {content_type!r} is not supported: use text/csv or "
                                  "application/json.\n".encode())
                return
            try:
                answer, answer_type = predict_payload(predictor, body, content_type, self.headers.get("Accept"))
            except (TuneLabError, ValueError) as error:
                self._answer(400, f"{error}\n".encode())
                return
            except Exception as error:  # noqa: BLE001 - one bad request must not end the endpoint
                # The first line only: XGBoost's errors carry a C++ stack trace after it.
                first_line = (str(error).strip().splitlines() or [""])[0][:200]
                self._answer(500, f"The model could not answer these rows ({type(error).__name__}: "
                                  f"{first_line}).\n".encode())
                return
            self._answer(200, answer, answer_type)

    try:
        return PooledHTTPServer((host, port), Handler, threads=threads)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ValidationError(
                f"port {port} on {host} is already in use (another endpoint or program listens there). "
                "Pick another port, or stop what is using it."
            ) from None
        raise ValidationError(
            f"cannot listen on {host}:{port} ({error.strerror or error}). Use 127.0.0.1 (this machine "
            "only) and a port from 1024 to 65535, or 0 for any free port."
        ) from None
