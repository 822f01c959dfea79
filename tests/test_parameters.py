"""Ranges: AMT's rules, the scaling types, and errors that name the fix."""

from __future__ import annotations

import math

import pytest

from tuning import CategoricalParameter, ContinuousParameter, IntegerParameter, ScalingType, ValidationError
from tuning.parameters import parameter_from_dict, validate_ranges


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: ContinuousParameter(1.0, 1.0), r"min_value < max_value must hold.*Swap them"),
        (lambda: ContinuousParameter(2.0, 1.0), r"min_value < max_value must hold"),
        (lambda: ContinuousParameter(0.0, 1.0, "Logarithmic"), r"Logarithmic scaling needs min_value > 0.*Linear"),
        (lambda: IntegerParameter(0, 10, "Logarithmic"), r"Logarithmic scaling needs min_value > 0"),
        (lambda: ContinuousParameter(0.5, 1.0, "ReverseLogarithmic"), r"ReverseLogarithmic.*max_value < 1"),
        (lambda: ContinuousParameter(-0.1, 0.5, "ReverseLogarithmic"), r"ReverseLogarithmic.*0 <= min_value"),
        (lambda: IntegerParameter(1, 5, "ReverseLogarithmic"), r"only for continuous ranges"),
        (lambda: ContinuousParameter(float("nan"), 1.0), r"finite"),
        (lambda: ContinuousParameter(0.0, float("inf")), r"finite"),
        (lambda: ContinuousParameter("0.1", 0.5), r"min_value must be a number.*str"),
        (lambda: ContinuousParameter(True, 5), r"must be a number"),
        (lambda: IntegerParameter(1.5, 4), r"whole number.*ContinuousParameter"),
        (lambda: ContinuousParameter(0.1, 0.5, "Cubic"), r"unknown scaling type 'Cubic'.*Linear"),
        (lambda: CategoricalParameter([]), r"must not be empty"),
        (lambda: CategoricalParameter(["a", "a"]), r"distinct.*'a' appears twice"),
        (lambda: CategoricalParameter("abc"), r"must be a list"),
        (lambda: CategoricalParameter([str(i) for i in range(31)]), r"at most 30 values"),
        (lambda: CategoricalParameter([" "]), r"blank"),
        (lambda: CategoricalParameter([[1]]), r"strings, numbers or booleans"),
    ],
)
def test_broken_range_is_refused_with_rule_and_fix(build, message):
    with pytest.raises(ValidationError, match=message):
        build()


def test_validate_ranges_names_the_hyperparameter():
    parameter = ContinuousParameter(0.1, 0.5)
    parameter.min_value = 0.9  # broken after construction, e.g. by a form
    with pytest.raises(ValidationError, match=r"Hyperparameter 'eta'"):
        validate_ranges({"eta": parameter})


@pytest.mark.parametrize(
    "ranges, static, message",
    [
        ({}, None, r"empty"),
        ({f"p{i}": ContinuousParameter(0, 1) for i in range(31)}, None, r"at most 30 hyperparameters can be tuned"),
        ({"eta": ContinuousParameter(0, 1)}, {f"s{i}": 1 for i in range(100)}, r"at most 100 hyperparameters"),
        ({"eta": ContinuousParameter(0, 1)}, {"eta": 0.3}, r"both tuned and static"),
        ({"eta": (0.1, 0.5)}, None, r"expected a ContinuousParameter"),
        ([ContinuousParameter(0, 1)], None, r"must be a dict"),
    ],
)
def test_amt_limits_on_the_set_of_ranges(ranges, static, message):
    with pytest.raises(ValidationError, match=message):
        validate_ranges(ranges, static)


@pytest.mark.parametrize(
    "low, high, expected",
    [(0.1, 0.5, ScalingType.LINEAR), (0.0, 1000.0, ScalingType.LINEAR), (1e-4, 1.0, ScalingType.LOGARITHMIC),
     (1.0, 99.0, ScalingType.LINEAR), (1.0, 100.0, ScalingType.LOGARITHMIC)],
)
def test_auto_scaling_rule(low, high, expected):
    assert ContinuousParameter(low, high).effective_scaling is expected


@pytest.mark.parametrize("scaling", ["Linear", "Logarithmic", "ReverseLogarithmic", "Auto"])
def test_unit_interval_round_trip_for_every_scaling(scaling):
    parameter = ContinuousParameter(0.01, 0.99, scaling)
    for unit in (0.0, 0.1, 0.5, 0.9, 1.0):
        value = parameter.from_unit(unit)
        assert 0.01 <= value <= 0.99
        assert parameter.to_unit(value) == pytest.approx(unit, abs=1e-9)


def test_log_scaling_puts_the_middle_at_the_geometric_mean():
    assert ContinuousParameter(1e-3, 1e3, "Logarithmic").from_unit(0.5) == pytest.approx(1.0)
    assert ContinuousParameter(1e-3, 1e3, "Linear").from_unit(0.5) == pytest.approx(500.0005)


def test_reverse_log_is_dense_near_one():
    parameter = ContinuousParameter(0.9, 0.999, "ReverseLogarithmic")
    assert parameter.from_unit(0.5) == pytest.approx(1 - math.sqrt(0.1 * 0.001))


def test_integer_range_gives_every_integer_an_equal_share():
    parameter = IntegerParameter(1, 4)
    counts = {v: 0 for v in range(1, 5)}
    for unit in [i / 9999 for i in range(10000)]:
        counts[parameter.from_unit(unit)] += 1
    assert all(abs(count - 2500) < 10 for count in counts.values())


def test_grid_values_follow_scaling():
    assert IntegerParameter(1, 4000).grid_values(5) == [1, 8, 63, 503, 4000]
    assert IntegerParameter(0, 3).grid_values(10) == [0, 1, 2, 3]
    assert ContinuousParameter(0.1, 0.5).grid_values(3) == pytest.approx([0.1, 0.3, 0.5])


def test_json_round_trip_and_errors_name_the_parameter():
    for parameter in (ContinuousParameter(0.1, 0.5, "Logarithmic"), IntegerParameter(1, 9), CategoricalParameter(["a", "b"])):
        assert parameter_from_dict("x", parameter.to_dict()) == parameter
    with pytest.raises(ValidationError, match=r"Hyperparameter 'eta': .*needs MaxValue"):
        parameter_from_dict("eta", {"Type": "Continuous", "MinValue": 0.1})
    with pytest.raises(ValidationError, match=r"Hyperparameter 'eta': unknown field"):
        parameter_from_dict("eta", {"Type": "Continuous", "MinValue": 0.1, "MaxValue": 1, "Step": 2})
    with pytest.raises(ValidationError, match=r"Type must be Continuous, Integer or Categorical"):
        parameter_from_dict("eta", {"Type": "Float", "MinValue": 0.1, "MaxValue": 1})
