"""What AWS's built-in inference containers answer, for a TuneLab model.

The SDK's predictor returns the container's answer through its deserializer; TuneLab's
own endpoint (:mod:`tuning.serving.serve`) answers in TuneLab's shape. This module gives,
for a request body, the answer AWS's container for that algorithm would give:

- **XGBoost** (https://docs.aws.amazon.com/sagemaker/latest/dg/xgboost.html: "For Inference
  ContentType, valid inputs are text/libsvm or (the default) text/csv"; both are read, see
  :func:`tuning.serving.serve.rows_from_body`): the objective's
  output, as text/csv. TuneLab trains ``binary:logistic`` for two classes, so the answer is
  the probability of the second class (the label ``1`` of SageMaker's label-first CSV),
  comma-separated on one line as AWS's direct-marketing notebook parses it
  (``np.fromstring(predictions[1:], sep=",")``); ``multi:softprob`` gives one line of class
  probabilities per row; a regression, the predicted values. With ``Accept: application/json``
  it answers ``{"predictions": [{"score": x}, ...]}``, ``x`` the same output per row (a list of
  class probabilities for multiclass), as the container's ``encode_predictions_as_json``
  (aws/sagemaker-xgboost-container, ``algorithm_mode/serve_utils.py``, whose ``SUPPORTED_ACCEPTS``
  also name JSON Lines and RecordIO; TuneLab gives CSV and JSON). Its selectable inference
  content (``SAGEMAKER_INFERENCE_OUTPUT``) is not built.
- **Linear Learner** (https://docs.aws.amazon.com/sagemaker/latest/dg/LL-in-formats.html):
  ``{"predictions": [{"score": 0.4, "predicted_label": 0}]}`` for a binary classifier
  (score: the probability of label 1), ``score`` a list of class probabilities for
  multiclass, ``{"score": x}`` for a regressor; JSON Lines too. It has no CSV answer.
- TuneLab's other algorithms (k-NN, random forest, MLP) answer as TuneLab's endpoint does
  (:func:`tuning.serving.serve.predict_payload`).

An Accept the container does not answer is refused, naming the ones it does.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from tuning.errors import ValidationError
from tuning.serving.artifacts import Predictor
from tuning.serving.serve import predict_payload, rows_from_body

__all__ = ["CONTAINER_ACCEPTS", "container_answer"]

CONTAINER_ACCEPTS: dict[str, tuple[str, ...]] = {
    "xgboost": ("text/csv", "application/json"),
    "linear-learner": ("application/json", "application/jsonlines"),
}
"""The answer types of AWS's containers that TuneLab gives (requests: XGBoost's text/csv and
text/libsvm are read; protobuf RecordIO requests, XGBoost's or Linear Learner's, are not built here)."""


def _label(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def container_answer(predictor: Predictor, body: bytes, content_type: str, accept: str | None) -> tuple[bytes, str]:
    """``(answer, its content type)`` for one request, as AWS's container for the algorithm gives it."""
    algorithm = predictor.algorithm.name
    accepts = CONTAINER_ACCEPTS.get(algorithm)
    if accepts is None:
        return predict_payload(predictor, body, content_type, accept)
    wanted = [kind.split(";")[0].strip().lower() for kind in (accept or "").split(",") if kind.strip()]
    wanted = [kind for kind in wanted if kind != "*/*"] or [accepts[0]]
    chosen = next((kind for kind in wanted if kind in accepts), None)
    if chosen is None:
        raise ValidationError(
            f"AWS's {predictor.algorithm.title} container does not answer {', '.join(wanted)}; TuneLab gives what "
            f"it answers: {', '.join(accepts)}. Set predictor.deserializer to one that accepts it (for example "
            f"{'JSONDeserializer()' if 'application/json' in accepts else 'CSVDeserializer()'}).")
    output = predictor.output(rows_from_body(predictor, body, content_type))
    if algorithm == "xgboost":
        if chosen == "application/json":
            return json.dumps({"predictions": _xgboost_scores(predictor, output)}).encode(), chosen
        return _xgboost_csv(predictor, output), "text/csv"
    records = _linear_learner_records(predictor, output)
    if chosen == "application/jsonlines":
        return ("\n".join(json.dumps(record) for record in records) + "\n").encode(), chosen
    return json.dumps({"predictions": records}).encode(), chosen


def _xgboost_csv(predictor: Predictor, output: np.ndarray) -> bytes:
    if not predictor.model.n_classes:
        return ",".join(repr(float(value)) for value in output).encode()
    if output.shape[1] == 2:  # binary:logistic: the probability of the positive (second) class
        return ",".join(repr(float(value)) for value in output[:, 1]).encode()
    return "\n".join(",".join(repr(float(p)) for p in row) for row in output).encode()


def _xgboost_scores(predictor: Predictor, output: np.ndarray) -> list[dict[str, Any]]:
    """One ``{"score": ...}`` per row: what the objective outputs, as in the CSV answer."""
    if not predictor.model.n_classes:
        return [{"score": float(value)} for value in output]
    if output.shape[1] == 2:
        return [{"score": float(value)} for value in output[:, 1]]
    return [{"score": [float(p) for p in row]} for row in output]


def _linear_learner_records(predictor: Predictor, output: np.ndarray) -> list[dict[str, Any]]:
    if not predictor.model.n_classes:
        return [{"score": float(value)} for value in output]
    labels = predictor.target_encoder.decode(output.argmax(axis=1))
    if output.shape[1] == 2:
        return [{"score": float(row[1]), "predicted_label": _label(label)} for row, label in zip(output, labels)]
    return [{"score": [float(p) for p in row], "predicted_label": _label(label)} for row, label in zip(output, labels)]
