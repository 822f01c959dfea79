"""The SDK's deserializers (``sagemaker.deserializers``): what ``predictor.predict`` returns.

``from sagemaker.deserializers import JSONDeserializer`` becomes
``from tuning.sagemaker.deserializers import JSONDeserializer``. Each reads the endpoint's
answer (a stream of bytes) and names what it ``ACCEPT``s, as the SDK's do
(sagemaker/base_deserializers.py): :class:`BytesDeserializer` (the SDK's default) gives the
bytes, :class:`StringDeserializer` text, :class:`CSVDeserializer` a list of rows of strings,
:class:`JSONDeserializer` the parsed JSON.
"""

from __future__ import annotations

import csv
import json
from typing import IO, Any

__all__ = ["BaseDeserializer", "BytesDeserializer", "CSVDeserializer", "JSONDeserializer", "StringDeserializer"]


class BaseDeserializer:
    """A deserializer: ``deserialize(stream, content_type)`` and the MIME type(s) it ``ACCEPT``s."""

    def __init__(self, accept: str | tuple[str, ...] = "*/*") -> None:
        self.accept = accept

    @property
    def ACCEPT(self) -> tuple[str, ...]:  # noqa: N802 - the SDK's name
        return (self.accept,) if isinstance(self.accept, str) else tuple(self.accept)

    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(accept={self.accept!r})"


class BytesDeserializer(BaseDeserializer):
    """The answer's bytes."""

    def deserialize(self, stream: IO[bytes], content_type: str) -> bytes:  # noqa: ARG002
        try:
            return stream.read()
        finally:
            stream.close()


class StringDeserializer(BaseDeserializer):
    """The answer as text."""

    def __init__(self, encoding: str = "UTF-8", accept: str | tuple[str, ...] = "application/json") -> None:
        super().__init__(accept)
        self.encoding = encoding

    def deserialize(self, stream: IO[bytes], content_type: str) -> str:  # noqa: ARG002
        try:
            return stream.read().decode(self.encoding)
        finally:
            stream.close()


class CSVDeserializer(BaseDeserializer):
    """The answer as a list of rows, each a list of strings (``csv.reader``)."""

    def __init__(self, encoding: str = "utf-8", accept: str | tuple[str, ...] = "text/csv") -> None:
        super().__init__(accept)
        self.encoding = encoding

    def deserialize(self, stream: IO[bytes], content_type: str) -> list[list[str]]:  # noqa: ARG002
        try:
            return list(csv.reader(stream.read().decode(self.encoding).splitlines()))
        finally:
            stream.close()


class JSONDeserializer(BaseDeserializer):
    """The answer's JSON, parsed."""

    def __init__(self, accept: str | tuple[str, ...] = "application/json") -> None:
        super().__init__(accept)

    def deserialize(self, stream: IO[bytes], content_type: str) -> Any:  # noqa: ARG002
        try:
            return json.loads(stream.read().decode("utf-8"))
        finally:
            stream.close()
