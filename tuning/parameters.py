"""Hyperparameter ranges, named and ruled as in SageMaker Automatic Model Tuning.

A tuning job searches a *range* for each tuned hyperparameter:

>>> from tuning import ContinuousParameter, IntegerParameter, CategoricalParameter
>>> ranges = {
...     "eta": ContinuousParameter(0.1, 0.5),
...     "alpha": ContinuousParameter(1e-3, 1000, scaling_type="Logarithmic"),
...     "max_depth": IntegerParameter(1, 10),
...     "booster": CategoricalParameter(["gbtree", "dart"]),
... }

The *scaling type* says how a strategy spreads its tries over a numeric range:

- ``Linear``: evenly over ``[min, max]``.
- ``Logarithmic``: evenly over ``[log(min), log(max)]``, so 0.001-0.01 gets as many tries
  as 100-1000. Needs ``min > 0``.
- ``ReverseLogarithmic``: dense near 1, for values such as a momentum of 0.9-0.999.
  Continuous ranges only, inside ``[0, 1)``.
- ``Auto``: TuneLab's rule (AMT does not publish its own): Logarithmic when
  ``min > 0`` and ``max / min >= 100`` (the range spans two orders of magnitude or more),
  Linear otherwise.

Every numeric range maps its values to the unit interval and back (``to_unit`` /
``from_unit``) with its scaling. Random and Bayesian strategies work in that unit space,
so a strategy never has to know what "Logarithmic" means.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from tuning.errors import ValidationError

__all__ = [
    "MAX_CATEGORICAL_VALUES",
    "MAX_HYPERPARAMETERS",
    "MAX_TUNED_HYPERPARAMETERS",
    "AUTO_LOG_RATIO",
    "CategoricalParameter",
    "ContinuousParameter",
    "IntegerParameter",
    "Parameter",
    "ScalingType",
    "parameter_from_dict",
    "validate_ranges",
]

MAX_TUNED_HYPERPARAMETERS = 30
"""AMT's limit on the number of hyperparameters a tuning job searches."""
MAX_CATEGORICAL_VALUES = 30
"""AMT's limit on the number of values of one categorical range."""
MAX_HYPERPARAMETERS = 100
"""AMT's limit on tuned plus static hyperparameters of one tuning job."""
AUTO_LOG_RATIO = 100.0
"""``Auto`` scaling picks Logarithmic when ``max / min`` reaches this ratio."""


class ScalingType(str, enum.Enum):
    """How a numeric range is searched (AMT's ``ScalingType``)."""

    AUTO = "Auto"
    LINEAR = "Linear"
    LOGARITHMIC = "Logarithmic"
    REVERSE_LOGARITHMIC = "ReverseLogarithmic"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: Any) -> ScalingType:
        """Accept a ScalingType or its AMT name (case-insensitive); refuse anything else."""
        if isinstance(value, ScalingType):
            return value
        if isinstance(value, str):
            for member in cls:
                if member.value.lower() == value.strip().lower():
                    return member
        names = ", ".join(member.value for member in cls)
        raise ValidationError(f"unknown scaling type {value!r}; use one of: {names}.")


class Parameter:
    """Base class of the three range types; see the module docstring."""

    kind: str = ""

    def describe(self) -> str:
        """A short human description such as ``0.1 to 0.5, Logarithmic``."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The range as plain JSON-ready data (TuneLab's own shape)."""
        raise NotImplementedError

    def check(self, name: str) -> None:
        """Re-run the rules, with ``name`` in the message."""
        raise NotImplementedError

    def grid_values(self, points: int) -> list[Any]:
        """The values a grid search tries for this range."""
        raise NotImplementedError


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


class _NumericParameter(Parameter):
    """What continuous and integer ranges share: bounds, scaling, the unit-interval map."""

    def __init__(
        self,
        min_value: float,
        max_value: float,
        scaling_type: ScalingType | str = ScalingType.AUTO,
    ) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.scaling_type = scaling_type
        self.check(None)
        self._given = (min_value, max_value)  # as written, for the SDK's string form (as_tuning_range)
        self.min_value = self._coerce(min_value)
        self.max_value = self._coerce(max_value)
        self.scaling_type = ScalingType.parse(scaling_type)

    # -- rules ---------------------------------------------------------------------------
    def _coerce(self, value: Any) -> Any:
        return float(value)

    def _where(self, name: str | None) -> str:
        call = (
            f"{type(self).__name__}(min_value={self.min_value!r}, "
            f"max_value={self.max_value!r}, scaling_type={str(self.scaling_type)!r})"
        )
        return f"Hyperparameter {name!r} ({call})" if name else call

    def check(self, name: str | None) -> None:
        where = self._where(name)
        for label, value in (("min_value", self.min_value), ("max_value", self.max_value)):
            if not _is_number(value):
                raise ValidationError(
                    f"{where}: {label} must be a number, but got {value!r} "
                    f"({type(value).__name__}). Give a number such as 0.1."
                )
            if math.isnan(value) or math.isinf(value):
                raise ValidationError(
                    f"{where}: {label} must be a finite number, but got {value!r}. "
                    "Give a finite bound."
                )
        self._check_kind(where)
        if not self.min_value < self.max_value:
            raise ValidationError(
                f"{where}: min_value < max_value must hold, but got min_value={self.min_value!r} "
                f"and max_value={self.max_value!r}. Swap them, or use a CategoricalParameter "
                "for a single fixed value (or make it a static hyperparameter)."
            )
        try:
            scaling = ScalingType.parse(self.scaling_type)
        except ValidationError as error:
            raise ValidationError(f"{where}: {error}") from None
        if scaling is ScalingType.LOGARITHMIC and not self.min_value > 0:
            raise ValidationError(
                f"{where}: Logarithmic scaling needs min_value > 0, but got "
                f"min_value={self.min_value!r}. Use Linear scaling, or a min_value above 0 "
                "(for example 1e-6)."
            )
        if scaling is ScalingType.REVERSE_LOGARITHMIC:
            self._check_reverse_log(where)

    def _check_kind(self, where: str) -> None:
        """Rules specific to the subclass (integers must be whole)."""

    def _check_reverse_log(self, where: str) -> None:
        raise NotImplementedError

    # -- scaling -------------------------------------------------------------------------
    @property
    def effective_scaling(self) -> ScalingType:
        """The scaling used in practice: ``Auto`` resolved by TuneLab's documented rule."""
        if self.scaling_type is not ScalingType.AUTO:
            return self.scaling_type
        if self.min_value > 0 and self.max_value / self.min_value >= AUTO_LOG_RATIO:
            return ScalingType.LOGARITHMIC
        return ScalingType.LINEAR

    def _bounds(self) -> tuple[float, float]:
        """The continuous interval mapped onto [0, 1]."""
        return float(self.min_value), float(self.max_value)

    def to_unit(self, value: float) -> float:
        """Where ``value`` lies in the range, as a number in [0, 1], under the scaling."""
        low, high = self._bounds()
        value = min(max(float(value), low), high)
        scaling = self.effective_scaling
        if scaling is ScalingType.LOGARITHMIC:
            return (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
        if scaling is ScalingType.REVERSE_LOGARITHMIC:
            top, bottom = math.log(1.0 - low), math.log(1.0 - high)
            return (top - math.log(1.0 - value)) / (top - bottom)
        return (value - low) / (high - low)

    def _from_unit_float(self, unit: float) -> float:
        low, high = self._bounds()
        unit = min(max(float(unit), 0.0), 1.0)
        scaling = self.effective_scaling
        if scaling is ScalingType.LOGARITHMIC:
            return math.exp(math.log(low) + unit * (math.log(high) - math.log(low)))
        if scaling is ScalingType.REVERSE_LOGARITHMIC:
            top, bottom = math.log(1.0 - low), math.log(1.0 - high)
            return 1.0 - math.exp(top - unit * (top - bottom))
        return low + unit * (high - low)

    def from_unit(self, unit: float) -> float:
        """The value at position ``unit`` (0 to 1) of the range, under the scaling."""
        raise NotImplementedError

    def describe(self) -> str:
        scaling = str(self.scaling_type)
        if self.scaling_type is ScalingType.AUTO:
            scaling = f"Auto ({self.effective_scaling})"
        return f"{self.min_value:g} to {self.max_value:g}, {scaling}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "Type": self.kind,
            "MinValue": self.min_value,
            "MaxValue": self.max_value,
            "ScalingType": str(self.scaling_type),
        }

    def as_tuning_range(self, name: str) -> dict[str, str]:
        """The SDK's ``ParameterRange.as_tuning_range``: AWS's request entry, bounds as strings
        written as given (``str(0)`` is ``"0"``, as the SDK's ``to_string``)."""
        low, high = getattr(self, "_given", (self.min_value, self.max_value))
        return {"Name": name, "MinValue": str(low), "MaxValue": str(high), "ScalingType": str(self.scaling_type)}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.to_dict() == self.to_dict()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.min_value, self.max_value, self.scaling_type))

    def __repr__(self) -> str:
        return self._where(None)


class ContinuousParameter(_NumericParameter):
    """A real-valued range ``[min_value, max_value]`` (AMT's ``ContinuousParameterRange``).

    >>> ContinuousParameter(0.1, 0.5).from_unit(0.5)
    0.3
    """

    kind = "Continuous"
    __name__ = "Continuous"  # the SDK's class attribute (sagemaker/parameter.py), read from an instance

    def _check_reverse_log(self, where: str) -> None:
        if not (0 <= self.min_value and self.max_value < 1):
            raise ValidationError(
                f"{where}: ReverseLogarithmic scaling needs 0 <= min_value and max_value < 1, "
                f"but got min_value={self.min_value!r}, max_value={self.max_value!r}. Use it "
                "only for ranges inside [0, 1) such as 0.9 to 0.999, or use Linear or "
                "Logarithmic scaling."
            )

    def from_unit(self, unit: float) -> float:
        value = self._from_unit_float(unit)
        return float(min(max(value, self.min_value), self.max_value))

    def grid_values(self, points: int) -> list[float]:
        return [self.from_unit(u) for u in np.linspace(0.0, 1.0, points)]


class IntegerParameter(_NumericParameter):
    """A whole-number range ``[min_value, max_value]`` (AMT's ``IntegerParameterRange``).

    Each integer gets an equal share of the (scaled) interval: the unit interval covers
    ``[min - 0.5, max + 0.5]`` before rounding, so the end points are not half as likely.
    """

    kind = "Integer"
    __name__ = "Integer"  # the SDK's class attribute (sagemaker/parameter.py), read from an instance

    def _coerce(self, value: Any) -> int:
        return int(value)

    def _check_kind(self, where: str) -> None:
        for label, value in (("min_value", self.min_value), ("max_value", self.max_value)):
            if not float(value).is_integer():
                raise ValidationError(
                    f"{where}: {label} must be a whole number, but got {value!r}. Round it, "
                    "or use a ContinuousParameter."
                )

    def _check_reverse_log(self, where: str) -> None:
        raise ValidationError(
            f"{where}: ReverseLogarithmic scaling works only for continuous ranges inside "
            "[0, 1). Use Linear or Logarithmic scaling for an integer range."
        )

    def _bounds(self) -> tuple[float, float]:
        return self.min_value - 0.5, self.max_value + 0.5

    def from_unit(self, unit: float) -> int:
        value = self._from_unit_float(unit)
        return int(min(max(round(value), self.min_value), self.max_value))

    def grid_values(self, points: int) -> list[int]:
        span = self.max_value - self.min_value + 1
        if span <= points:
            return list(range(self.min_value, self.max_value + 1))
        low, high = float(self.min_value), float(self.max_value)
        values: list[int] = []
        for unit in np.linspace(0.0, 1.0, points):
            # Grid ends are the range's own ends, not the widened cell edges.
            if self.effective_scaling is ScalingType.LOGARITHMIC:
                value = math.exp(math.log(low) + unit * (math.log(high) - math.log(low)))
            else:
                value = low + unit * (high - low)
            rounded = int(round(value))
            if rounded not in values:
                values.append(rounded)
        return values


class CategoricalParameter(Parameter):
    """A list of values to choose from (AMT's ``CategoricalParameterRange``).

    Values may be strings, numbers or booleans; the strategy returns the value itself.
    """

    kind = "Categorical"
    __name__ = "Categorical"  # the SDK's class attribute (sagemaker/parameter.py), read from an instance

    def __init__(self, values: Sequence[Any]) -> None:
        self.values = values
        self.check(None)
        self.values = list(values)

    def _where(self, name: str | None) -> str:
        shown = repr(self.values)
        if len(shown) > 200:  # 10,000 values would make a message nobody reads
            count = len(self.values) if isinstance(self.values, Sequence) else "?"
            shown = f"{shown[:150]}... ({count} values)"
        call = f"CategoricalParameter(values={shown})"
        return f"Hyperparameter {name!r} ({call})" if name else call

    def check(self, name: str | None) -> None:
        where = self._where(name)
        if isinstance(self.values, (str, bytes)) or not isinstance(self.values, Sequence):
            raise ValidationError(
                f"{where}: values must be a list, but got {type(self.values).__name__}. "
                "Give a list such as ['gbtree', 'dart']."
            )
        if len(self.values) == 0:
            raise ValidationError(f"{where}: values must not be empty. Give at least one value.")
        if len(self.values) > MAX_CATEGORICAL_VALUES:
            raise ValidationError(
                f"{where}: at most {MAX_CATEGORICAL_VALUES} values are allowed (as in AMT), but "
                f"got {len(self.values)}. Keep the most promising values, or use an "
                "IntegerParameter/ContinuousParameter for a numeric range."
            )
        seen: list[Any] = []
        for value in self.values:
            if not isinstance(value, (str, int, float, bool, np.integer, np.floating)):
                raise ValidationError(
                    f"{where}: values must be strings, numbers or booleans, but got "
                    f"{value!r} ({type(value).__name__})."
                )
            if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
                raise ValidationError(f"{where}: values must be finite, but got {value!r}.")
            if isinstance(value, str) and not value.strip():
                raise ValidationError(f"{where}: values must not be blank strings. Remove it.")
            if any(value == other and type(value) is type(other) for other in seen):
                raise ValidationError(
                    f"{where}: values must be distinct, but {value!r} appears twice. "
                    "Remove the duplicate."
                )
            seen.append(value)

    def describe(self) -> str:
        return ", ".join(str(value) for value in self.values)

    def to_dict(self) -> dict[str, Any]:
        return {"Type": self.kind, "Values": list(self.values)}

    def as_tuning_range(self, name: str) -> dict[str, Any]:
        """The SDK's ``CategoricalParameter.as_tuning_range``: ``{"Name": .., "Values": [str(value), ...]}``
        (the SDK's ``to_string`` is ``str``)."""
        return {"Name": name, "Values": [str(value) for value in self.values]}

    def grid_values(self, points: int) -> list[Any]:
        return list(self.values)

    def index(self, value: Any) -> int:
        """The position of ``value`` among the values (by value and type)."""
        for position, candidate in enumerate(self.values):
            if candidate == value and type(candidate) is type(value):
                return position
        for position, candidate in enumerate(self.values):
            if candidate == value or str(candidate) == str(value):
                return position
        raise ValidationError(f"{value!r} is not one of {self.values!r}.")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.to_dict() == self.to_dict()

    def __hash__(self) -> int:
        return hash(tuple(map(str, self.values)))

    def __repr__(self) -> str:
        return self._where(None)


_KINDS = {"continuous": ContinuousParameter, "integer": IntegerParameter}


def parameter_from_dict(name: str, data: Mapping[str, Any]) -> Parameter:
    """Build a range from TuneLab's JSON shape; errors name the hyperparameter."""
    if not isinstance(data, Mapping):
        raise ValidationError(
            f"Hyperparameter {name!r}: a range must be an object such as "
            '{"Type": "Continuous", "MinValue": 0.1, "MaxValue": 0.5}, but got '
            f"{data!r}."
        )
    kind = str(data.get("Type", "")).strip().lower()
    known = {"Type", "MinValue", "MaxValue", "ScalingType", "Values"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationError(
            f"Hyperparameter {name!r}: unknown field(s) {', '.join(unknown)}; a range has "
            f"{', '.join(sorted(known))}."
        )
    try:
        if kind == "categorical":
            if "Values" not in data:
                raise ValidationError("a Categorical range needs Values, a list of choices.")
            return CategoricalParameter(data["Values"])
        if kind in _KINDS:
            missing = [field for field in ("MinValue", "MaxValue") if field not in data]
            if missing:
                raise ValidationError(f"a {data['Type']} range needs {' and '.join(missing)}.")
            return _KINDS[kind](
                data["MinValue"], data["MaxValue"], data.get("ScalingType", "Auto")
            )
    except ValidationError as error:  # the messages above, and the range's own, name only the call
        raise ValidationError(f"Hyperparameter {name!r}: {error}", field=name) from None
    raise ValidationError(
        f"Hyperparameter {name!r}: Type must be Continuous, Integer or Categorical, but got "
        f"{data.get('Type')!r}."
    )


def validate_ranges(
    ranges: Mapping[str, Parameter],
    static_hyperparameters: Mapping[str, Any] | None = None,
) -> dict[str, Parameter]:
    """Check a set of ranges against AMT's rules; return them as a plain dict.

    Raises :class:`ValidationError` naming the offending hyperparameter.
    """
    if not isinstance(ranges, Mapping):
        raise ValidationError(
            "hyperparameter_ranges must be a dict of name to range, such as "
            "{'eta': ContinuousParameter(0.1, 0.5)}, but got "
            f"{type(ranges).__name__}."
        )
    if len(ranges) == 0:
        raise ValidationError(
            "hyperparameter_ranges is empty: a tuning job needs at least one range to search. "
            "Add one, for example {'eta': ContinuousParameter(0.1, 0.5)}."
        )
    if len(ranges) > MAX_TUNED_HYPERPARAMETERS:
        raise ValidationError(
            f"at most {MAX_TUNED_HYPERPARAMETERS} hyperparameters can be tuned at once (as in "
            f"AMT), but got {len(ranges)}. Fix the least important ones as static "
            "hyperparameters."
        )
    checked: dict[str, Parameter] = {}
    for name, parameter in ranges.items():
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(f"hyperparameter names must be non-blank strings, got {name!r}.")
        if not isinstance(parameter, Parameter):
            raise ValidationError(
                f"Hyperparameter {name!r}: expected a ContinuousParameter, IntegerParameter or "
                f"CategoricalParameter, but got {parameter!r}."
            )
        try:
            parameter.check(name)
        except ValidationError as error:
            error.field = name  # which range, for a reader that names it in its own words (tuning.errors)
            raise
        checked[name] = parameter
    static = dict(static_hyperparameters or {})
    both = sorted(set(static) & set(checked))
    if both:
        raise ValidationError(
            f"hyperparameter(s) {', '.join(both)} are both tuned and static; keep each in one "
            "place (remove it from the static hyperparameters to tune it)."
        )
    if len(static) + len(checked) > MAX_HYPERPARAMETERS:
        raise ValidationError(
            f"at most {MAX_HYPERPARAMETERS} hyperparameters (tuned plus static) are allowed, as "
            f"in AMT, but got {len(static) + len(checked)}. Drop static ones that keep their "
            "defaults."
        )
    return checked
