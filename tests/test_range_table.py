"""The ranges editor's table read back into AMT ranges, with every mistake named."""

from __future__ import annotations

import pytest

from tuning.algorithms import get_algorithm
from tuning.parameters import CategoricalParameter, ContinuousParameter, IntegerParameter
from tuning.job.range_table import COLUMNS, range_rows, read_range_rows


def _set(table, name, column, value):
    table.loc[table["Hyperparameter"] == name, column] = value
    return table


@pytest.mark.parametrize("algorithm", ["xgboost", "linear-learner", "random-forest", "knn", "mlp"])
def test_the_starting_table_reads_back_as_the_algorithms_default_ranges(algorithm):
    algo = get_algorithm(algorithm)
    table = range_rows(algo)
    assert tuple(table.columns) == COLUMNS
    # every tunable hyperparameter; the static-only ones (AWS lists dozens) are left out of the table
    assert list(table["Hyperparameter"]) == [name for name, spec in algo.hyperparameters.items() if spec.tunable]
    read = read_range_rows(algo, table)
    assert read.errors == []
    assert read.static == {}
    assert read.ranges == algo.default_ranges()


def test_edits_become_ranges_and_static_values():
    algo = get_algorithm("xgboost")
    table = range_rows(algo)
    _set(table, "eta", "MinValue", 0.01)
    _set(table, "eta", "ScalingType", "Logarithmic")
    _set(table, "gamma", "Tune", True)
    _set(table, "subsample", "Tune", False)
    _set(table, "num_round", "Value", "50")
    _set(table, "subsample", "Value", "0.8")
    read = read_range_rows(algo, table)
    assert read.errors == []
    assert read.ranges["eta"] == ContinuousParameter(0.01, 0.5, "Logarithmic")
    assert read.ranges["gamma"] == ContinuousParameter(0, 5)
    assert read.ranges["max_depth"] == IntegerParameter(0, 10)
    assert "subsample" not in read.ranges
    assert read.static == {"num_round": 50, "subsample": 0.8}


def test_categorical_values_are_read_from_a_comma_list():
    algo = get_algorithm("knn")
    table = _set(range_rows(algo), "weights", "Values", " distance ,uniform")
    read = read_range_rows(algo, table)
    assert read.ranges["weights"] == CategoricalParameter(["distance", "uniform"])
    forest = get_algorithm("random-forest")
    read = read_range_rows(forest, _set(range_rows(forest), "bootstrap", "Tune", True))
    assert read.ranges["bootstrap"] == CategoricalParameter(["true", "false"])


def test_every_mistake_is_reported_at_once_naming_the_hyperparameter():
    algo = get_algorithm("xgboost")
    table = range_rows(algo)
    _set(table, "eta", "MinValue", 2.0)             # min > max, and above eta's limit of 1
    _set(table, "max_depth", "MaxValue", 3.5)       # integer hyperparameter
    _set(table, "subsample", "MaxValue", None)      # empty cell
    _set(table, "gamma", "Value", "abc")            # static value not a number
    _set(table, "num_round", "Value", "0")          # below num_round's minimum
    read = read_range_rows(algo, table)
    assert len(read.errors) == 5, read.errors
    joined = "\n".join(read.errors)
    for name in ("eta", "max_depth", "subsample", "gamma", "num_round"):
        assert name in joined
    assert "MaxValue is empty" in joined
    assert "whole number" in joined


def test_a_value_outside_the_choices_and_an_empty_table_are_refused():
    algo = get_algorithm("knn")
    read = read_range_rows(algo, _set(range_rows(algo), "weights", "Values", "uniform, closest"))
    assert any("weights" in error and "closest" in error for error in read.errors)
    table = range_rows(algo)
    table["Tune"] = False
    assert read_range_rows(algo, table).errors == [
        "No hyperparameter is ticked in the Tune column. Tick at least one to tune."]


def test_a_row_of_another_algorithm_is_refused():
    rows = range_rows(get_algorithm("knn")).to_dict("records")
    read = read_range_rows(get_algorithm("xgboost"), rows)
    assert any("'k' is not a hyperparameter of XGBoost" in error for error in read.errors)


def test_hyperbands_resource_can_be_left_out():
    algo = get_algorithm("xgboost")
    assert "num_round" not in list(range_rows(algo, exclude=("num_round",))["Hyperparameter"])
