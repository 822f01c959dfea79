"""The problems of the search-efficiency benchmark (issue 5): what every optimizer is asked to tune.

Each :class:`Problem` is what a TuneLab user gives a tuning job, minus the runner: AMT-style
ranges (``Logarithmic`` wherever a hyperparameter spans decades, as AMT's own guidance
says), an objective direction, and an objective function of one hyperparameter dict. The
machine-learning problems are real models on the bundled datasets, scored by 3-fold
cross-validation on *fixed* folds (the same rows for every optimizer and seed, so a value
depends only on the hyperparameters), single-threaded so that two benchmark processes
share two cores fairly; each evaluation costs a few hundredths of a second. Branin (2-D)
and Hartmann-6 (6-D) are the classic synthetic functions with known optima, so a strategy's
raw search ability is visible without model noise.

The two big CSVs (bank-marketing, california-housing) are subsampled to 2,000 rows, digits to
900, with a fixed seed: the benchmark measures search, not training. Loaded data are cached per
process.

>>> problem = PROBLEMS["branin"]
>>> round(problem.objective({"x1": 3.141593, "x2": 2.275}), 4)
0.3979
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from tuning.parameters import CategoricalParameter, ContinuousParameter, IntegerParameter, Parameter

__all__ = ["PROBLEMS", "QUICK_PROBLEMS", "Problem", "problem_names"]

SUBSAMPLE_ROWS = 2_000
"""Rows kept of the big bundled datasets (bank-marketing, california-housing)."""
_ROWS = {"digits": 900}  # an RBF SVC with a bad gamma is slow on all 1,797 digits
FOLDS = 3

LOG = "Logarithmic"
LIN = "Linear"


@dataclass(frozen=True)
class Problem:
    """One benchmark problem: ranges to search, a direction, and the objective to evaluate."""

    name: str
    ranges: Mapping[str, Parameter]
    direction: str  # "Maximize" or "Minimize", AMT's Objective.Type
    objective: Callable[[dict[str, Any]], float]
    description: str


# -- data ----------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _data(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A bundled dataset as numeric arrays: text columns one-hot, gaps filled with the median.

    The encoding is deliberately plain and fitted on all rows: every optimizer sees the
    same matrix, and only the hyperparameters change between evaluations.
    """
    import pandas as pd

    from tuning.datasets import load_dataset

    dataset = load_dataset(name)
    features, target = dataset.features, dataset.target
    keep = _ROWS.get(name, SUBSAMPLE_ROWS)
    if len(features) > keep:
        rows = np.random.default_rng(0).choice(len(features), keep, replace=False)
        rows.sort()
        features, target = features.iloc[rows], target.iloc[rows]
    features = pd.get_dummies(features, dtype=float)
    features = features.fillna(features.median(numeric_only=True))
    x = features.to_numpy(dtype=float)
    if dataset.problem_type == "Regression":
        y = target.to_numpy(dtype=float)
        if name == "california-housing":
            y = y / 100_000.0  # in units of $100k, so that RMSEs read easily
    else:
        y = pd.factorize(target, sort=True)[0]
    return x, y


def _folds(classification: bool) -> Any:
    from sklearn.model_selection import KFold, StratifiedKFold

    kind = StratifiedKFold if classification else KFold
    return kind(n_splits=FOLDS, shuffle=True, random_state=0)


def _cv(model: Any, dataset: str, scoring: str, *, classification: bool, scaled: bool = False) -> float:
    """Mean 3-fold cross-validated score on fixed folds; NaN (a failed fit) is a bad score."""
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = _data(dataset)
    if scaled:
        model = make_pipeline(StandardScaler(), model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning of short MLP / linear fits
        scores = cross_val_score(model, x, y, scoring=scoring, cv=_folds(classification),
                                 n_jobs=1, error_score=np.nan)
    return float(np.mean(scores))


def _finite(value: float, worst: float) -> float:
    return value if math.isfinite(value) else worst


# -- objectives ----------------------------------------------------------------------------
def _xgb_params(p: dict[str, Any]) -> dict[str, Any]:
    return dict(n_estimators=30, learning_rate=p["eta"], max_depth=p["max_depth"],
                min_child_weight=p["min_child_weight"], subsample=p["subsample"],
                reg_alpha=p["alpha"], reg_lambda=p["lambda"], n_jobs=1, random_state=0,
                tree_method="hist", verbosity=0)


XGB_RANGES = {
    "eta": ContinuousParameter(0.01, 0.5, LOG),
    "max_depth": IntegerParameter(1, 10, LIN),
    "min_child_weight": ContinuousParameter(0.1, 100, LOG),
    "subsample": ContinuousParameter(0.5, 1.0, LIN),
    "alpha": ContinuousParameter(1e-3, 100, LOG),
    "lambda": ContinuousParameter(1e-3, 100, LOG),
}


def xgb_breast_cancer(p: dict[str, Any]) -> float:
    from xgboost import XGBClassifier

    return _finite(_cv(XGBClassifier(**_xgb_params(p)), "breast_cancer", "roc_auc",
                       classification=True), 0.0)


def xgb_california(p: dict[str, Any]) -> float:
    from xgboost import XGBRegressor

    rmse = -_cv(XGBRegressor(**_xgb_params(p)), "california-housing",
                "neg_root_mean_squared_error", classification=False)
    return _finite(rmse, 1e3)


def svc_digits(p: dict[str, Any]) -> float:
    from sklearn.svm import SVC

    model = SVC(C=p["C"], gamma=p["gamma"], kernel="rbf")
    return _finite(_cv(model, "digits", "accuracy", classification=True, scaled=True), 0.0)


def rf_bank(p: dict[str, Any]) -> float:
    from sklearn.ensemble import RandomForestClassifier

    model = RandomForestClassifier(
        n_estimators=15, max_depth=p["max_depth"], min_samples_split=p["min_samples_split"],
        min_samples_leaf=p["min_samples_leaf"], max_features=p["max_features"],
        criterion=p["criterion"], n_jobs=1, random_state=0,
    )
    return _finite(_cv(model, "bank-marketing", "roc_auc", classification=True), 0.0)


def knn_california(p: dict[str, Any]) -> float:
    from sklearn.neighbors import KNeighborsRegressor

    model = KNeighborsRegressor(n_neighbors=p["n_neighbors"], weights=p["weights"], p=p["p"])
    rmse = -_cv(model, "california-housing", "neg_root_mean_squared_error",
                classification=False, scaled=True)
    return _finite(rmse, 1e3)


def mlp_breast_cancer(p: dict[str, Any]) -> float:
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden_layer_sizes=(p["hidden_units"],), alpha=p["alpha"],
                          learning_rate_init=p["learning_rate_init"], max_iter=40,
                          random_state=0)
    loss = -_cv(model, "breast_cancer", "neg_log_loss", classification=True, scaled=True)
    return _finite(loss, 10.0)


def elasticnet_diabetes(p: dict[str, Any]) -> float:
    from sklearn.linear_model import ElasticNet

    model = ElasticNet(alpha=p["alpha"], l1_ratio=p["l1_ratio"], max_iter=5_000)
    mse = -_cv(model, "diabetes", "neg_mean_squared_error", classification=False, scaled=True)
    return _finite(mse, 1e5)


def dtree_bank(p: dict[str, Any]) -> float:
    from sklearn.tree import DecisionTreeClassifier

    model = DecisionTreeClassifier(
        max_depth=p["max_depth"], min_samples_split=p["min_samples_split"],
        min_samples_leaf=p["min_samples_leaf"], ccp_alpha=p["ccp_alpha"],
        criterion=p["criterion"], random_state=0,
    )
    return _finite(_cv(model, "bank-marketing", "roc_auc", classification=True), 0.0)


def logreg_breast_cancer(p: dict[str, Any]) -> float:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=p["C"], fit_intercept=p["fit_intercept"],
                               class_weight=p["class_weight"], max_iter=500)
    loss = -_cv(model, "breast_cancer", "neg_log_loss", classification=True, scaled=True)
    return _finite(loss, 10.0)


def branin(p: dict[str, Any]) -> float:
    """Branin-Hoo on [-5, 10] x [0, 15]; global minimum 0.397887 at three points."""
    x1, x2 = p["x1"], p["x2"]
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                  [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_H6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])


def hartmann6(p: dict[str, Any]) -> float:
    """Hartmann-6 on [0, 1]^6; global minimum -3.32237."""
    x = np.array([p[f"x{i}"] for i in range(1, 7)])
    return float(-np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


# -- the catalogue -------------------------------------------------------------------------
_LIST = [
    Problem("xgb-breast_cancer", XGB_RANGES, "Maximize", xgb_breast_cancer,
            "XGBoost, 30 rounds, 3-fold AUC on breast_cancer (569 rows)"),
    Problem("xgb-california", XGB_RANGES, "Minimize", xgb_california,
            "XGBoost regressor, 30 rounds, 3-fold RMSE ($100k) on california-housing (2,000 rows)"),
    Problem("svc-digits", {"C": ContinuousParameter(1e-2, 1e3, LOG),
                           "gamma": ContinuousParameter(1e-5, 1.0, LOG)},
            "Maximize", svc_digits, "RBF SVC, 3-fold accuracy on digits (900 of 1,797 rows, standardised)"),
    Problem("rf-bank", {"max_depth": IntegerParameter(2, 20, LIN),
                        "min_samples_split": IntegerParameter(2, 64, LOG),
                        "min_samples_leaf": IntegerParameter(1, 32, LOG),
                        "max_features": ContinuousParameter(0.05, 1.0, LOG),
                        "criterion": CategoricalParameter(["gini", "entropy"])},
            "Maximize", rf_bank, "Random forest, 15 trees, 3-fold AUC on bank-marketing (2,000 rows)"),
    Problem("knn-california", {"n_neighbors": IntegerParameter(1, 100, LOG),
                               "weights": CategoricalParameter(["uniform", "distance"]),
                               "p": CategoricalParameter([1, 2])},
            "Minimize", knn_california, "k-NN regressor, 3-fold RMSE on california-housing (2,000 rows)"),
    Problem("mlp-breast_cancer", {"hidden_units": IntegerParameter(2, 128, LOG),
                                  "alpha": ContinuousParameter(1e-6, 10.0, LOG),
                                  "learning_rate_init": ContinuousParameter(1e-5, 1e-1, LOG)},
            "Minimize", mlp_breast_cancer, "MLP, 40 epochs, 3-fold log loss on breast_cancer"),
    Problem("elasticnet-diabetes", {"alpha": ContinuousParameter(1e-4, 100.0, LOG),
                                    "l1_ratio": ContinuousParameter(0.0, 1.0, LIN)},
            "Minimize", elasticnet_diabetes, "ElasticNet, 3-fold MSE on diabetes (442 rows)"),
    Problem("dtree-bank", {"max_depth": IntegerParameter(1, 30, LIN),
                           "min_samples_split": IntegerParameter(2, 128, LOG),
                           "min_samples_leaf": IntegerParameter(1, 64, LOG),
                           "ccp_alpha": ContinuousParameter(1e-6, 1e-1, LOG),
                           "criterion": CategoricalParameter(["gini", "entropy"])},
            "Maximize", dtree_bank, "Decision tree, 3-fold AUC on bank-marketing (2,000 rows)"),
    Problem("logreg-breast_cancer", {"C": ContinuousParameter(1e-4, 1e4, LOG),
                                     "fit_intercept": CategoricalParameter([True, False]),
                                     "class_weight": CategoricalParameter(["balanced", "none"])},
            "Minimize", lambda p: logreg_breast_cancer(
                {**p, "class_weight": None if p["class_weight"] == "none" else p["class_weight"]}),
            "Logistic regression, 3-fold log loss on breast_cancer"),
    Problem("branin", {"x1": ContinuousParameter(-5.0, 10.0, LIN),
                       "x2": ContinuousParameter(0.0, 15.0, LIN)},
            "Minimize", branin, "Branin-Hoo, 2-D, minimum 0.397887"),
    Problem("hartmann6", {f"x{i}": ContinuousParameter(0.0, 1.0, LIN) for i in range(1, 7)},
            "Minimize", hartmann6, "Hartmann-6, 6-D, minimum -3.32237"),
]

PROBLEMS: dict[str, Problem] = {problem.name: problem for problem in _LIST}
"""Every benchmark problem by name, in a fixed order."""

QUICK_PROBLEMS: tuple[str, ...] = ("branin", "elasticnet-diabetes", "xgb-breast_cancer")
"""The three problems of a ``--quick`` smoke run: synthetic, cheap linear, XGBoost."""


def problem_names() -> list[str]:
    """The names of all problems, in the benchmark's order."""
    return list(PROBLEMS)
