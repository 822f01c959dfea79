"""Hyperparameter ranges as an editable table: one row per hyperparameter of an algorithm.

The dashboard's ranges editor shows every tunable hyperparameter of the chosen algorithm, the
ones AWS recommends tuning already ticked, and reads the edited table back into AMT
ranges plus static values. It lives here, not in the page, because reading a table a
student typed into is the error-prone part: each mistake must come back as a sentence
naming the hyperparameter and the fix, and all of them at once, so the student can fix
the whole table before launching. Tests can drive it without a browser.

Reading is this module's job; the rules are not: a range read from a row is checked by
:func:`tuning.job.range_rules.check_range`, the rule :func:`tuning.job.preparation.prepare`
applies at launch, so the table and the launch can never disagree.

Columns (:data:`COLUMNS`):

- ``Tune``: tune this hyperparameter (a range) or keep it at ``Value``;
- ``Hyperparameter``, ``Type`` (Continuous, Integer or Categorical), ``Description``: read only;
- ``MinValue``, ``MaxValue``, ``ScalingType``: a numeric range, as in AMT;
- ``Values``: a categorical range's values, comma-separated;
- ``Value``: the value used when the hyperparameter is not tuned (the algorithm's default
  unless changed; a changed one becomes a static hyperparameter).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tuning.algorithms import Algorithm
from tuning.errors import ValidationError
from tuning.job.range_rules import check_range
from tuning.parameters import (
    CategoricalParameter,
    ContinuousParameter,
    IntegerParameter,
    Parameter,
    ScalingType,
)

__all__ = ["COLUMNS", "SCALING_TYPES", "RangeTable", "hyperband_resource_row", "range_rows", "read_range_rows"]

COLUMNS = ("Tune", "Hyperparameter", "Type", "MinValue", "MaxValue", "ScalingType", "Values", "Value",
           "Description")
SCALING_TYPES = tuple(scaling.value for scaling in ScalingType)


@dataclass
class RangeTable:
    """What an edited table means: ranges to tune, static values, and every mistake found."""

    ranges: dict[str, Parameter] = field(default_factory=dict)
    static: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _kind(algorithm: Algorithm, name: str) -> str:
    return algorithm.hyperparameters[name].default_range.kind


def _text(value: Any) -> str:
    if value is None:  # no default (k-NN's sample_size: every row): an empty cell, read back as unset
        return ""
    return "true" if value is True else "false" if value is False else str(value)


def range_rows(algorithm: Algorithm, *, exclude: tuple[str, ...] = ()) -> pd.DataFrame:
    """The editor's starting table: every tunable hyperparameter, AWS's recommended ranges ticked.

    ``exclude`` leaves hyperparameters out (the Create page shows them all: Hyperband's resource
    too, see :func:`hyperband_resource_row`).
    The static-only ones (AWS lists dozens: ``tree_method``, ``csv_weights``...) are left out
    too, so the table stays one screen; they are set in code or JSON, and an imported job's
    values for them are kept (:func:`tuning.job.form_values.hidden_statics`).
    """
    rows = []
    for name, spec in algorithm.hyperparameters.items():
        if name in exclude or not spec.tunable:
            continue
        default_range = spec.default_range
        numeric = not isinstance(default_range, CategoricalParameter)
        rows.append({
            "Tune": spec.tuned_by_default,
            "Hyperparameter": name,
            "Type": default_range.kind,
            "MinValue": float(default_range.min_value) if numeric else None,
            "MaxValue": float(default_range.max_value) if numeric else None,
            "ScalingType": default_range.scaling_type.value if numeric else None,
            "Values": None if numeric else ", ".join(_text(value) for value in default_range.values),
            "Value": _text(spec.default),
            "Description": spec.description,
        })
    return pd.DataFrame(rows, columns=list(COLUMNS))


def hyperband_resource_row(algorithm: Algorithm, table: RangeTable) -> tuple[RangeTable, str]:
    """Under Hyperband, the resource's row (``num_round``) as AMT reads it, and the sentence that says so.

    AMT lets a Hyperband job tune its resource (AWS's Hyperband notebook tunes ``num_round``
    ``IntegerParameter(100, 200)``) and stops each job at MaxResource; :func:`tuning.job.preparation.prepare`
    does the same (each job trains its drawn value, capped at MaxResource). Left untuned, the row's
    Value is not the job's: Hyperband grows every job up to MaxResource, so the static value is dropped here.
    """
    resource = algorithm.resource
    unit = algorithm.resource_unit or "steps"
    if resource in table.ranges:
        sentence = (f"Hyperband with {resource} tuned, as AWS's Hyperband example tunes it: each training job "
                    f"trains its own drawn {resource}, and is stopped at MaxResource if it draws more (AMT: "
                    "\"once a job reaches the MaxResource value, it is stopped\"); the drawn value is recorded.")
        return table, sentence
    static = {name: value for name, value in table.static.items() if name != resource}
    sentence = (f"Hyperband grows {resource} itself: every training job starts with MinResource {unit} and the "
                f"promising ones train up to MaxResource, so this row's Value is not used. Tick Tune to tune "
                f"{resource} as AWS's Hyperband example does (each job then trains its drawn value, capped at "
                "MaxResource).")
    return RangeTable(dict(table.ranges), static, list(table.errors)), sentence


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def _number(text: Any, integer: bool) -> int | float:
    if isinstance(text, bool):
        raise ValueError
    value = float(str(text).strip())
    if integer:
        if not value.is_integer():
            raise ValueError
        return int(value)
    return value


def _categorical_value(algorithm: Algorithm, name: str, text: str) -> Any:
    """A typed value as the hyperparameter wants it: a listed choice, else a number, else text."""
    spec = algorithm.hyperparameters[name]
    text = text.strip()
    for choice in spec.choices or ():
        if isinstance(choice, str) and choice == text:
            return choice
    try:
        return _number(text, integer=False)
    except ValueError:
        return text


def _static_value(algorithm: Algorithm, name: str, text: Any) -> Any:
    spec = algorithm.hyperparameters[name]
    if _kind(algorithm, name) == "Categorical":
        value = _categorical_value(algorithm, name, str(text))
    else:
        try:
            value = _number(text, integer=spec.integer)
        except ValueError:
            kind = "a whole number" if spec.integer else "a number"
            raise ValidationError(
                f"{name}: Value must be {kind}, but got {text!r}. Type {kind} such as {spec.default!r}."
            ) from None
    spec.check_value(value)
    return value


def _numeric_range(algorithm: Algorithm, name: str, row: dict[str, Any]) -> Parameter:
    spec = algorithm.hyperparameters[name]
    bounds = []
    for column in ("MinValue", "MaxValue"):
        if _missing(row.get(column)):
            raise ValidationError(f"{name}: {column} is empty. Type a number, or untick Tune to keep it fixed.")
        try:
            bounds.append(_number(row[column], integer=spec.integer))
        except ValueError:
            kind = "a whole number" if spec.integer else "a number"
            raise ValidationError(f"{name}: {column} must be {kind}, but got {row[column]!r}.") from None
    scaling = row.get("ScalingType")
    scaling = "Auto" if _missing(scaling) else scaling
    cls = IntegerParameter if spec.integer else ContinuousParameter
    parameter = _built(name, cls, bounds[0], bounds[1], scaling_type=scaling)
    check_range(algorithm, name, parameter)
    return parameter


def _built(name: str, cls: type[Parameter], *arguments: Any, **keywords: Any) -> Parameter:
    """The range a row describes; the range's own refusal names the row (its message names
    only the call, ``ContinuousParameter(min_value=2.0, ...)``)."""
    try:
        return cls(*arguments, **keywords)
    except ValidationError as error:
        raise ValidationError(f"{name}: {error}", field=name) from None


def _categorical_range(algorithm: Algorithm, name: str, row: dict[str, Any]) -> Parameter:
    text = row.get("Values")
    if _missing(text):
        raise ValidationError(f"{name}: Values is empty. List the values to try, separated by commas.")
    values = [_categorical_value(algorithm, name, item) for item in str(text).split(",") if item.strip()]
    parameter = _built(name, CategoricalParameter, values)
    check_range(algorithm, name, parameter)
    return parameter


def read_range_rows(algorithm: Algorithm, rows: pd.DataFrame | list[dict[str, Any]]) -> RangeTable:
    """Read an edited table into ranges and static values, collecting every mistake.

    A row's ``Type`` is the algorithm's, whatever the table says: a student cannot turn
    max_depth into a Continuous range by editing a cell. Unknown hyperparameter names
    are refused (the table was built for another algorithm).
    """
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    table = RangeTable()
    for row in rows:
        name = row.get("Hyperparameter")
        if name not in algorithm.hyperparameters:
            table.errors.append(
                f"{name!r} is not a hyperparameter of {algorithm.title}; its hyperparameters are "
                f"{', '.join(algorithm.hyperparameters)}."
            )
            continue
        try:
            if bool(row.get("Tune")):
                if _kind(algorithm, name) == "Categorical":
                    table.ranges[name] = _categorical_range(algorithm, name, row)
                else:
                    table.ranges[name] = _numeric_range(algorithm, name, row)
            elif not _missing(row.get("Value")):
                value = _static_value(algorithm, name, row["Value"])
                if value != algorithm.hyperparameters[name].default:
                    table.static[name] = value
        except ValidationError as error:  # every message names the row's hyperparameter already
            table.errors.append(str(error))
    if not table.ranges and not table.errors:
        table.errors.append("No hyperparameter is ticked in the Tune column. Tick at least one to tune.")
    return table
