"""AWS's string forms: a value as CreateHyperParameterTuningJob writes it, and ranges as ParameterRanges.

Apart from :mod:`tuning.sagemaker.request_json` so that the modules it calls (Autotune's
JSON) can write ranges too without importing it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tuning.parameters import CategoricalParameter, ContinuousParameter, IntegerParameter, Parameter

__all__ = ["RANGE_KINDS", "ranges_to_aws", "to_aws_string"]

RANGE_KINDS = {"IntegerParameterRanges": IntegerParameter, "ContinuousParameterRanges": ContinuousParameter,
               "CategoricalParameterRanges": CategoricalParameter}
"""ParameterRanges' three lists, and the range class each holds."""


def to_aws_string(value: Any) -> str:
    """AWS's string form: ``true``/``false`` for booleans, the shortest exact form for numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def ranges_to_aws(ranges: Mapping[str, Parameter]) -> dict[str, list[dict[str, Any]]]:
    """AWS's ParameterRanges: ``{"IntegerParameterRanges": [...], "ContinuousParameterRanges": [...], ...}``."""
    out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in RANGE_KINDS}
    for name, parameter in ranges.items():
        if isinstance(parameter, CategoricalParameter):
            out["CategoricalParameterRanges"].append({"Name": name, "Values": [to_aws_string(v) for v in parameter.values]})
            continue
        kind = "IntegerParameterRanges" if isinstance(parameter, IntegerParameter) else "ContinuousParameterRanges"
        out[kind].append({"Name": name, "MinValue": to_aws_string(parameter.min_value),
                          "MaxValue": to_aws_string(parameter.max_value), "ScalingType": str(parameter.scaling_type)})
    return out
