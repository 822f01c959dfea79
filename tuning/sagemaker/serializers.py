"""The SDK's serializers (``sagemaker.serializers``): what ``predictor.predict(data)`` sends.

A notebook's ``from sagemaker.serializers import CSVSerializer`` becomes
``from tuning.sagemaker.serializers import CSVSerializer``. Each turns ``data`` into the
request body and names its ``CONTENT_TYPE``, as the SDK's do (sagemaker/base_serializers.py):
:class:`CSVSerializer` writes rows of values with no header, :class:`JSONSerializer`
``json.dumps`` (numpy arrays as lists), :class:`IdentitySerializer` sends data as it is.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np
import pandas as pd

from tuning.errors import ValidationError

__all__ = ["BaseSerializer", "CSVSerializer", "IdentitySerializer", "JSONSerializer"]


class BaseSerializer:
    """A serializer: ``serialize(data)`` and the MIME type it writes (``CONTENT_TYPE``)."""

    def __init__(self, content_type: str) -> None:
        if not isinstance(content_type, str):
            raise ValidationError(f"content_type must be a MIME type string such as 'text/csv', but got {content_type!r}.")
        self.content_type = content_type

    @property
    def CONTENT_TYPE(self) -> str:  # noqa: N802 - the SDK's name
        return self.content_type

    def serialize(self, data: Any) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(content_type={self.content_type!r})"


class CSVSerializer(BaseSerializer):
    """Rows as CSV text without a header (a DataFrame without its index), as the SDK's."""

    def __init__(self, content_type: str = "text/csv") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> str:
        if hasattr(data, "read"):
            return data.read()
        if isinstance(data, pd.DataFrame):
            return data.to_csv(header=False, index=False)
        sequence = hasattr(data, "__iter__") and hasattr(data, "__getitem__")
        if sequence and hasattr(data, "__setitem__") and len(data) > 0 and \
                hasattr(data[0], "__iter__") and hasattr(data[0], "__getitem__") and not isinstance(data[0], str):
            return "\n".join(self._row(row) for row in data)
        return self._row(data)

    @staticmethod
    def _row(data: Any) -> str:
        if isinstance(data, str):
            return data
        if isinstance(data, np.ndarray):
            data = data.flatten()
        if not hasattr(data, "__len__"):
            raise ValidationError(f"CSVSerializer cannot write {type(data).__name__}; give rows of values.")
        if len(data) == 0:
            raise ValidationError("CSVSerializer: cannot serialize an empty row.")
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=",").writerow(data)
        return buffer.getvalue().rstrip("\r\n")


class JSONSerializer(BaseSerializer):
    """``json.dumps(data)``, numpy arrays (also as a dict's values) as lists, as the SDK's."""

    def __init__(self, content_type: str = "application/json") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> str:
        if isinstance(data, dict):
            return json.dumps({k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in data.items()})
        if hasattr(data, "read"):
            return data.read()
        if isinstance(data, np.ndarray):
            return json.dumps(data.tolist())
        return json.dumps(data)


class IdentitySerializer(BaseSerializer):
    """Data sent as it is (the SDK's default for ``Estimator.deploy``'s predictor)."""

    def __init__(self, content_type: str = "application/octet-stream") -> None:
        super().__init__(content_type)

    def serialize(self, data: Any) -> Any:
        return data
