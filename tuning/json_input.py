"""Reading a JSON document a user hands over (a file for the CLI, an upload or paste in the dashboard).

Why not plain ``json.loads``: it answers hostile text with errors that are not
``JSONDecodeError`` and so escape the usual ``except``: nesting a few thousand levels deep
raises ``RecursionError``, an integer of more than 4,300 digits ``ValueError``, and bytes
that are not UTF-8 ``UnicodeDecodeError``. Here every one of them becomes a
:class:`~tuning.errors.ValidationError` that says what is wrong, so the CLI prints one line
and the dashboard shows one message, and a configuration larger than any real one is
refused before it is parsed.

The readers of a parsed document's parts (:func:`json_object`, :func:`json_string`,
:func:`refuse_unknown_fields`) live here too, shared by both tuning job shapes (TuneLab's
JSON in :mod:`tuning.job.config`, SageMaker's in :mod:`tuning.sagemaker.request_json`), so
that a field of the wrong type is refused in the same words, with its JSON path, in both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tuning.errors import ValidationError

__all__ = ["MAX_JSON_BYTES", "MAX_JSON_DEPTH", "json_object", "json_string", "parse_json", "refuse_unknown_fields"]

MAX_JSON_BYTES = 5 * 1024 * 1024
"""Largest tuning job JSON read (5 MiB): a real one, 30 ranges of 30 values, is a few KiB."""
MAX_JSON_DEPTH = 64
"""Deepest nesting of objects and lists accepted: a tuning job JSON is about 6 levels deep."""


def _depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings, found without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json(source: str | bytes, what: str = "the JSON") -> Any:
    """The JSON value in ``source`` (text, or bytes in UTF-8); refuse anything else clearly."""
    if isinstance(source, (bytes, bytearray)):
        if len(source) > MAX_JSON_BYTES:
            raise ValidationError(f"{what} is {len(source):,} bytes, more than the {MAX_JSON_BYTES:,} a tuning "
                                  "job's JSON may have. Check that it is the right file.")
        if b"\x00" in source:
            raise ValidationError(f"{what} is not JSON text: it holds binary data (NUL bytes). Give the "
                                  "tuning job's .json file, saved as UTF-8.")
        try:
            source = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(f"{what} is not UTF-8 text: byte {source[error.start]:#04x} at offset "
                                  f"{error.start:,} cannot be decoded. Save it as UTF-8 JSON.") from None
    if not isinstance(source, str):
        raise ValidationError(f"{what} must be JSON text, but got {type(source).__name__}.")
    if len(source) > MAX_JSON_BYTES:
        raise ValidationError(f"{what} has {len(source):,} characters, more than the {MAX_JSON_BYTES:,} a tuning "
                              "job's JSON may have. Check that it is the right file.")
    if not source.strip():
        raise ValidationError(f"{what} is empty. Give a tuning job's JSON, such as {{\"Dataset\": \"iris\"}}.")
    depth = _depth(source)
    if depth > MAX_JSON_DEPTH:
        raise ValidationError(f"{what} is nested {depth:,} levels deep, more than the {MAX_JSON_DEPTH} a tuning "
                              "job's JSON may have (a real one has about 6). Check that it is the right file.")
    try:
        return json.loads(source)
    except json.JSONDecodeError as error:
        raise ValidationError(f"{what} is not valid JSON: {error}.") from None
    except (ValueError, RecursionError) as error:  # an integer of thousands of digits, say
        raise ValidationError(f"{what} could not be read as JSON: {error}.") from None


def refuse_unknown_fields(data: Mapping[str, Any], known: set[str], prefix: str) -> None:
    """Refuse a key of ``data`` outside ``known``, naming it by its path (``prefix`` + key)."""
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationError(
            f"{prefix}{unknown[0]}: unknown field; "
            f"{'this object' if prefix else 'the configuration'} takes {', '.join(sorted(known))}."
        )


def json_object(value: Any, where: str) -> Mapping[str, Any]:
    """``value`` when it is a JSON object; refused by its path ``where`` otherwise."""
    if not isinstance(value, Mapping):
        raise ValidationError(f"{where}: must be a JSON object, but got {value!r}.")
    return value


def json_string(value: Any, where: str, *, optional: bool = False) -> str | None:
    """``value`` when it is a string (or ``None``, when ``optional``); refused by its path otherwise."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{where}: must be a string, but got {value!r}.")
    return value
