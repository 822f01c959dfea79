"""AWS's own rules on a CreateHyperParameterTuningJob request, which TuneLab's JSON and Python API relax.

Why a module of its own: :mod:`tuning.sagemaker.request_json` maps AWS's request onto a
:class:`~tuning.job.config.TuningJobConfig`, and the gate (:func:`tuning.job.preparation.prepare`)
checks the config whatever shape it came in. A few of AWS's rules hold only for AWS's shape,
because TuneLab's own JSON and its Python API are deliberately more lenient; a file written for
SageMaker must be refused here exactly where SageMaker would refuse it:

- **Strategy names are case-sensitive** in AWS's JSON (``"Random"``, never ``"random"``); the
  Python API and TuneLab's JSON accept any letter case.
- **StaticHyperParameters values are strings** in AWS's JSON (``"num_round": "100"``); TuneLab's
  JSON keeps accepting numbers. So are **range bounds** (``"MinValue": "0.1"``: API_ContinuousParameterRange
  and API_IntegerParameterRange give MinValue and MaxValue "Type: String"), while TuneLab's own
  ``HyperparameterRanges`` keep numbers.
- **Grid takes only categorical ranges** in AWS's JSON, unless the tag
  ``tunelab:NumericGrid = true`` asks for TuneLab's numeric grid (which the Create page, the
  Python API and TuneLab's JSON keep); :func:`tuning.sagemaker.request_json.to_sagemaker_request`
  writes the tag whenever it exports such a grid, so the file reads back the same.

Every error quotes the JSON path of what it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tuning.errors import ValidationError
from tuning.parameters import CategoricalParameter, Parameter

__all__ = ["TAG_NUMERIC_GRID", "aws_strategy_name", "check_bound_string", "check_grid_ranges", "check_static_strings",
           "numeric_grid_tag", "numeric_grid_tags", "read_strategy"]

TAG_NUMERIC_GRID = "tunelab:NumericGrid"
"""``true``: a Grid over numeric ranges, discretised as TuneLab does (AMT's Grid takes categorical ranges only)."""
_CONFIG = "HyperParameterTuningJobConfig"


def read_strategy(value: Any) -> str:
    """``HyperParameterTuningJobConfig.Strategy`` exactly as AWS spells it; any other spelling refused."""
    from tuning.strategies import strategy_names

    where = f"{_CONFIG}.Strategy"
    names = strategy_names()
    if isinstance(value, str) and value in names:
        return value
    near = [name for name in names if isinstance(value, str) and name.lower() == value.strip().lower()]
    hint = f" Write it {near[0]!r}: AWS's strategy names are case-sensitive." if near else ""
    raise ValidationError(f"{where}: must be one of {', '.join(map(repr, names))}, but got {value!r}.{hint}")


def aws_strategy_name(name: str) -> str:
    """``name`` as AWS spells it (``"random"`` -> ``"Random"``), for writing; an unknown name as it is."""
    from tuning.strategies import strategy_class

    try:
        return strategy_class(name).name
    except ValidationError:
        return name


def check_static_strings(statics: Mapping[str, Any]) -> None:
    """Refuse a StaticHyperParameters value that is not a JSON string, as AWS's API does."""
    where = "TrainingJobDefinition.StaticHyperParameters"
    for name, value in statics.items():
        if not isinstance(value, str):
            shown = "true" if value is True else "false" if value is False else value
            raise ValidationError(
                f"{where}.{name}: must be a string, as every value of AWS's StaticHyperParameters is "
                f"(write \"{name}\": \"{shown}\"), but got {value!r}. TuneLab's own JSON takes numbers.")


def check_bound_string(value: Any, where: str) -> None:
    """Refuse a range's MinValue or MaxValue that is not a JSON string, as AWS's API does (``where`` is its path)."""
    if isinstance(value, str):
        return
    shown = "true" if value is True else "false" if value is False else value
    raise ValidationError(
        f"{where}: must be a string, as AWS's range bounds are: write \"{shown}\" (in quotes, as \"0.1\" for 0.1), "
        f"not {value!r}. TuneLab's own JSON (HyperparameterRanges) takes numbers.")


def numeric_grid_tag(tags: Mapping[str, str]) -> bool:
    """Whether the tag ``tunelab:NumericGrid`` asks for TuneLab's numeric grid (``true``/``false``)."""
    if TAG_NUMERIC_GRID not in tags:
        return False
    text = tags[TAG_NUMERIC_GRID].strip().lower()
    if text not in ("true", "false"):
        raise ValidationError(f"Tags[{TAG_NUMERIC_GRID}]: must be \"true\" or \"false\", but got "
                              f"{tags[TAG_NUMERIC_GRID]!r}.")
    return text == "true"


def numeric_grid_tags(strategy: str, ranges: Mapping[str, Parameter]) -> list[dict[str, str]]:
    """The tag an exported Grid over numeric ranges needs to read back (none for a categorical grid)."""
    if strategy.strip().lower() != "grid":
        return []
    if all(isinstance(parameter, CategoricalParameter) for parameter in ranges.values()):
        return []
    return [{"Key": TAG_NUMERIC_GRID, "Value": "true"}]


def check_grid_ranges(strategy: str, ranges: Mapping[str, Parameter], numeric_grid: bool, *,
                      defaulted: bool = False) -> None:
    """Under Grid, refuse a numeric range unless TuneLab's numeric grid was asked for.

    ``ranges`` are the ranges searched: the algorithm's default ones (``defaulted``) when the
    request gives no ParameterRanges.
    """
    if strategy != "Grid" or numeric_grid:
        return
    numeric = [name for name, parameter in ranges.items() if not isinstance(parameter, CategoricalParameter)]
    if not numeric:
        return
    which = f"{', '.join(map(repr, numeric))} {'is a numeric range' if len(numeric) == 1 else 'are numeric ranges'}"
    if defaulted:
        which += " (the algorithm's default ranges, as ParameterRanges gives none)"
    raise ValidationError(
        f"{_CONFIG}.ParameterRanges: the Grid strategy takes only CategoricalParameterRanges, as in AWS, but "
        f"{which}. Give each as CategoricalParameterRanges with its Values, or add the tag "
        f'{{"Key": "{TAG_NUMERIC_GRID}", "Value": "true"}} for TuneLab\'s numeric grid (GridPoints values per range).')
