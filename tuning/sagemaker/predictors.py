"""What ``deploy()`` returns: the SDK's Predictor, answering in this process as AWS's container would.

``predict(data)`` goes the SDK's way (sagemaker/base_predictor.py ``Predictor.predict``):
the ``serializer`` writes the request body (its CONTENT_TYPE is the request's type), the
model answers as AWS's container for the algorithm answers
(:func:`tuning.serving.container.container_answer`: XGBoost's probabilities as CSV text,
Linear Learner's ``{"predictions": [{"score": ..., "predicted_label": ...}]}``), and the
``deserializer`` reads the answer (its ACCEPT is the request's Accept). The defaults are
the SDK's: ``IdentitySerializer`` and ``BytesDeserializer`` for ``Estimator``/``XGBoost``
(so ``predict`` takes CSV text or bytes and returns bytes, and AWS's notebooks set
``predictor.serializer = CSVSerializer()`` to send arrays); the SDK's ``LinearLearner`` and
``KNN`` predictors send protobuf RecordIO, which TuneLab does not read, so they need a
serializer set (``CSVSerializer()``) and say so. ``initial_args`` may set ``ContentType``
and ``Accept``, as in the SDK.

TuneLab's own conveniences keep their own names: :meth:`TunedPredictor.predict_labels`
takes a DataFrame, rows or CSV text and gives labels (as in the training data) or numbers;
:meth:`TunedPredictor.predict_proba` class probabilities.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import pandas as pd

from tuning.errors import ValidationError
from tuning.sagemaker.deserializers import BaseDeserializer, BytesDeserializer
from tuning.sagemaker.serializers import BaseSerializer, IdentitySerializer

if TYPE_CHECKING:
    import numpy as np

    from tuning.serving.artifacts import Predictor

__all__ = ["RECORD_IO", "TunedPredictor"]

RECORD_IO = "record-io"
"""``serializer`` of a predictor whose SDK class sends protobuf RecordIO (LinearLearner, KNN)."""


class TunedPredictor:
    """The SDK's Predictor for a TuneLab model; see the module docstring."""

    def __init__(self, predictor: Predictor, endpoint_name: str, serializer: Any = None,
                 deserializer: Any = None, *, default_serializer: str | None = None) -> None:
        self.predictor = predictor
        self.endpoint_name = endpoint_name
        self.serializer = serializer if serializer is not None else (
            RECORD_IO if default_serializer == RECORD_IO else IdentitySerializer())
        self.deserializer = deserializer if deserializer is not None else BytesDeserializer()
        self._deleted = False

    @property
    def content_type(self) -> str:
        """The request's MIME type: the serializer's CONTENT_TYPE."""
        if not isinstance(self.serializer, BaseSerializer):
            return "application/x-recordio-protobuf"
        return self.serializer.CONTENT_TYPE

    @property
    def accept(self) -> tuple[str, ...]:
        """The answer types asked for: the deserializer's ACCEPT."""
        return self.deserializer.ACCEPT if isinstance(self.deserializer, BaseDeserializer) else ("*/*",)

    @property
    def feature_columns(self) -> list[str]:
        return list(self.predictor.feature_columns)

    # -- the SDK's predict ----------------------------------------------------------------
    def predict(self, data: Any, initial_args: dict[str, Any] | None = None, target_model: Any = None,
                target_variant: Any = None, inference_id: Any = None, custom_attributes: Any = None,
                component_name: Any = None) -> Any:  # noqa: ARG002 - the SDK's signature
        """The container's answer to ``data``, through the serializer and deserializer."""
        from tuning.serving.container import container_answer

        self._check_open()
        if not isinstance(self.serializer, BaseSerializer):
            raise ValidationError(
                f"predict: the SDK's {self.predictor.algorithm.title} predictor sends protobuf RecordIO "
                "(RecordSerializer), which TuneLab does not read. Set predictor.serializer = CSVSerializer() and "
                "predictor.deserializer = JSONDeserializer() (from tuning.sagemaker.serializers / deserializers), "
                "as AWS's notebooks do, or deploy(serializer=..., deserializer=...).")
        body = self.serializer.serialize(data)
        if isinstance(body, str):
            body = body.encode("utf-8")
        if not isinstance(body, (bytes, bytearray)):
            raise ValidationError(
                f"predict: the serializer {type(self.serializer).__name__} (the SDK's default for deploy()) sends "
                f"data as it is, and a {type(data).__name__} is not bytes or text, so AWS's request would fail too. "
                "Set predictor.serializer = CSVSerializer() (from tuning.sagemaker.serializers), as AWS's notebooks "
                "do; predict_labels(data) gives TuneLab's labels for a DataFrame or rows.")
        args = dict(initial_args or {})
        content_type = args.get("ContentType", self.content_type)
        if content_type == "application/octet-stream":
            content_type = "text/csv"  # AWS's XGBoost reads text/csv by default (see tuning.serving.container)
        accept = args.get("Accept", ", ".join(self.accept))
        answer, answer_type = container_answer(self.predictor, bytes(body), content_type, accept)
        if not isinstance(self.deserializer, BaseDeserializer):
            raise ValidationError(f"predict: the deserializer must be one of tuning.sagemaker.deserializers, such as "
                                  f"JSONDeserializer(), but got {self.deserializer!r}.")
        return self.deserializer.deserialize(io.BytesIO(answer), answer_type)

    # -- TuneLab's conveniences -----------------------------------------------------------
    def rows(self, data: Any) -> pd.DataFrame:
        """``data`` as a DataFrame with the model's feature columns: a DataFrame (by column
        names, or positionally), CSV text or bytes without a header, or rows of values."""
        import numpy as np

        columns = self.feature_columns
        if isinstance(data, pd.DataFrame):
            if all(column in data.columns for column in columns):
                return data
            if data.shape[1] == len(columns):
                return data.set_axis(columns, axis=1)
            raise ValidationError(
                f"predict: the DataFrame has columns {list(data.columns)[:30]}, but the model expects "
                f"{columns} (or {len(columns)} columns in that order).")
        if isinstance(data, (bytes, bytearray)):
            data = bytes(data).decode("utf-8")
        if isinstance(data, str):
            if not data.strip():
                raise ValidationError("predict: the CSV text is empty; give one row of feature values per line.")
            frame = pd.read_csv(io.StringIO(data), header=None, skipinitialspace=True)
            return self._positional(frame.to_numpy(dtype=object), "the CSV text")
        array = np.asarray(data, dtype=object)
        if array.ndim == 1:
            array = array.reshape(1, -1)
        if array.ndim != 2:
            raise ValidationError(f"predict: give rows of feature values (2-D), but got {array.ndim}-D data.")
        return self._positional(array, "the rows")

    def _positional(self, array: np.ndarray, what: str) -> pd.DataFrame:
        columns = self.feature_columns
        if array.shape[1] != len(columns):
            raise ValidationError(
                f"predict: {what} have {array.shape[1]} values per row, but the model takes {len(columns)} "
                f"features ({', '.join(columns[:30])}), in that order, without the label.")
        return pd.DataFrame(array, columns=columns)

    def predict_labels(self, data: Any) -> np.ndarray:
        """TuneLab's: predicted labels (as in the training data) or numbers, for :meth:`rows`' forms."""
        import numpy as np

        from tuning.serving.deploy import predict_frame

        self._check_open()
        return np.asarray(predict_frame(self.predictor, self.rows(data))["prediction"])

    def predict_proba(self, data: Any) -> np.ndarray:
        """TuneLab's: class probabilities, one column per class in ``predictor.classes`` order."""
        from tuning.serving.deploy import predict_frame

        self._check_open()
        classes = self.predictor.classes
        if not classes:
            raise ValidationError("predict_proba is for classification models; this one is a regression.")
        frame = predict_frame(self.predictor, self.rows(data))
        return frame[[f"probability_{label}" for label in classes]].to_numpy()

    def delete_endpoint(self, delete_endpoint_config: bool = True) -> None:  # noqa: ARG002
        """End the local endpoint: later predictions are refused."""
        self._deleted = True

    def delete_model(self) -> None:
        """Nothing to delete: the model stays in the store's artifacts."""

    def _check_open(self) -> None:
        if self._deleted:
            raise ValidationError(f"endpoint {self.endpoint_name!r} was deleted; call deploy() again.")
