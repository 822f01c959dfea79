"""The rules a tuning job's ranges must keep, in one place: the gate's part about ranges.

Why a module of its own: four readers take ranges in (the Create page's table in
:mod:`tuning.job.range_table`, the SDK's ``HyperparameterTuner``, TuneLab's and SageMaker's
JSON) and one gate checks them (:func:`tuning.job.preparation.prepare`). Each reader used
to keep its own copy of "inside the algorithm's valid domain" and "an integer
hyperparameter takes an IntegerParameter"; now all of them call :func:`check_range` or
:func:`check_ranges`, and a copy cannot drift.

Every error carries ``field`` = the hyperparameter's name (see :mod:`tuning.errors`), so a
reader can say it in its own words (``hyperparameter_ranges['eta']: ...`` for the SDK)
with :func:`tuning.errors.at_field`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tuning.errors import ValidationError
from tuning.parameters import CategoricalParameter, Parameter, validate_ranges

if TYPE_CHECKING:
    from tuning.algorithms import Algorithm

__all__ = ["check_range", "check_ranges"]


def check_range(algorithm: Algorithm, name: str, parameter: Parameter) -> None:
    """One range: its own rules (AMT's), then the algorithm's catalogue entry for ``name``.

    ``name`` must be one of the algorithm's hyperparameters (a reader that looks its
    entry up first, as the range table does, has already refused an unknown one).
    """
    try:
        parameter.check(name)
    except ValidationError as error:
        error.field = name
        raise
    _check_in_catalogue(algorithm, name, parameter)


def check_ranges(algorithm: Algorithm, ranges: Mapping[str, Parameter],
                 static: Mapping[str, Any] | None = None) -> dict[str, Parameter]:
    """All of a job's ranges: the set's rules (:func:`tuning.parameters.validate_ranges`:
    not empty, not too many, none also static), every range's own rules, known names, and
    every range against the algorithm's catalogue. Returns them as a plain dict."""
    checked = validate_ranges(ranges, static)  # each range's own rules too: not checked twice below
    algorithm.resolve(dict.fromkeys(checked))  # unknown names, listing the known ones; refused ones saying why
    algorithm.current_names({**dict(static or {}), **checked})  # an older name static, today's tuned: one of them
    for name, parameter in checked.items():
        checked[name] = parameter = numeric_categories(algorithm, name, parameter)
        _check_in_catalogue(algorithm, name, parameter)
    return checked


def numeric_categories(algorithm: Algorithm, name: str, parameter: Parameter) -> Parameter:
    """``CategoricalParameter(['2', '3'])`` for a numeric hyperparameter, as numbers ``[2, 3]``.

    Why: SageMaker passes every hyperparameter as a string, so SDK-style code writes
    categories as strings; AMT reads ``'2'`` for ``max_depth`` as 2. Anything else (a word,
    ``'2.5'`` for a whole-number hyperparameter) is refused naming that value; a
    hyperparameter of named choices keeps its strings.
    """
    spec = algorithm.hyperparameters.get(name)
    if spec is None or spec.choices is not None or not isinstance(parameter, CategoricalParameter):
        return parameter
    if not all(isinstance(value, str) for value in parameter.values):
        return parameter
    numbers: list[int | float] = []
    kind = "a whole number" if spec.integer else "a finite number"
    for value in parameter.values:
        try:
            number = float(value.strip())
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or (spec.integer and not number.is_integer()):
            example = "[2, 3] or ['2', '3']" if spec.integer else "[0.1, 0.3] or ['0.1', '0.3']"
            raise ValidationError(
                f"CategoricalParameter for {name!r}: {value!r} is not {kind}, and {name!r} takes "
                f"{'whole numbers' if spec.integer else 'numbers'}. Give its values as numbers or as "
                f"text holding numbers, such as {example}.", field=name)
        numbers.append(int(number) if spec.integer else number)
    return CategoricalParameter(numbers)


def _check_in_catalogue(algorithm: Algorithm, name: str, parameter: Parameter) -> None:
    spec = algorithm.hyperparameters[name]
    try:
        if not spec.tunable:  # AWS's built-ins refuse a range over a hyperparameter they mark not tunable
            raise ValidationError(
                f"hyperparameter {name!r} is static only: AWS's {algorithm.title} page does not list it as tunable, "
                f"so SageMaker would refuse a range over it. Give it one value ({spec.domain()}) as a static "
                "hyperparameter instead.")
        if isinstance(parameter, CategoricalParameter):
            for value in numeric_categories(algorithm, name, parameter).values:
                spec.check_value(spec.from_text(value))  # [True, False] for use_bias means "true", "false"
            return
        spec.check_bounds(parameter.min_value, parameter.max_value, what="range")
        if spec.integer and parameter.kind != "Integer":
            raise ValidationError(f"hyperparameter {name!r} takes whole numbers: use an IntegerParameter for it.")
    except ValidationError as error:
        error.field = name
        raise
