"""Objective metrics: values agree with their definitions; directions are enforced."""

from __future__ import annotations

import numpy as np
import pytest

from tuning import ValidationError
from tuning.metrics import get_metric, metrics_for

Y = np.array([0, 1, 1, 0, 1])
P = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7], [0.1, 0.9]])


@pytest.mark.parametrize(
    "name, expected",
    [
        ("validation:accuracy", 3 / 5),
        ("validation:error", 2 / 5),
        ("validation:f1", 2 * (2 / 3) * (2 / 3) / (4 / 3)),
        ("validation:auc", 5 / 6),
        ("validation:logloss", -np.mean(np.log([0.9, 0.8, 0.4, 0.3, 0.9]))),
    ],
)
def test_binary_metric_values(name, expected):
    assert get_metric(name)(Y, P) == pytest.approx(expected)


@pytest.mark.parametrize(
    "name, expected",
    [("validation:rmse", np.sqrt(2 / 3)), ("validation:mse", 2 / 3), ("validation:mae", 2 / 3),
     ("validation:r2", 1 - 2 / 2)],
)
def test_regression_metric_values(name, expected):
    assert get_metric(name)(np.array([1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0])) == pytest.approx(expected)


def test_metric_catalog_per_problem():
    binary = {m.name for m in metrics_for("BinaryClassification")}
    assert {"validation:auc", "validation:logloss", "validation:f1"} <= binary
    assert "validation:rmse" not in binary
    assert "validation:mlogloss" in {m.name for m in metrics_for("MulticlassClassification")}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": "validation:acc"}, r"unknown objective metric 'validation:acc'.*validation:accuracy"),
        ({"name": "validation:auc", "problem_type": "Regression"}, r"does not apply to Regression.*validation:rmse"),
        ({"name": "validation:auc", "objective_type": "Minimize"}, r"must be Maximized.*Set the objective type to Maximize"),
        ({"name": "validation:rmse", "objective_type": "Lower"}, r"Maximize or Minimize"),
    ],
)
def test_bad_metric_requests(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        get_metric(**kwargs)
