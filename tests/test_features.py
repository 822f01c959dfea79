"""Features and targets become the numbers models need, fitted on the training channel."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tuning.datasets import BINARY, MULTICLASS, REGRESSION, load_dataset, split_channels
from tuning.errors import ValidationError
from tuning.datasets.features import MAX_CATEGORIES, TargetEncoder, build_preprocessor, feature_names_out


@pytest.fixture(scope="module")
def bank_channels():
    """bank-marketing's training and validation channels, read once for the module."""
    return split_channels(load_dataset("bank-marketing"), validation_fraction=0.2, random_seed=0)


@pytest.fixture
def mixed():
    return pd.DataFrame({
        "size": [1.0, np.nan, 3.0, 5.0],
        "count": [10, 20, 30, 40],
        "colour": pd.Series(["red", None, "blue", "red"], dtype="str"),
    })


def test_bank_marketing_becomes_a_dense_float32_matrix(bank_channels):
    train, validation = bank_channels
    preprocessor = build_preprocessor(train.features, scale=True, impute=True)
    x_train = preprocessor.fit_transform(train.features)
    x_validation = preprocessor.transform(validation.features)
    categories = sum(train.features[c].nunique() for c in train.features.select_dtypes(exclude="number"))
    assert x_train.shape == (len(train.target), 5 + categories)
    assert x_validation.shape == (len(validation.target), x_train.shape[1])
    assert x_train.dtype == x_validation.dtype == np.float32
    assert isinstance(x_train, np.ndarray) and not np.isnan(x_train).any()
    names = feature_names_out(preprocessor)
    assert len(names) == x_train.shape[1]
    assert names[:5] == ["age", "duration", "campaign", "pdays", "previous"]
    assert "job_admin." in names and "output_yes" not in names
    np.testing.assert_allclose(x_train[:, :5].mean(axis=0), 0, atol=1e-4)  # scaled on training rows


@pytest.mark.parametrize("scale", [False, True])
def test_without_imputation_numeric_nan_passes_through(mixed, scale):
    out = build_preprocessor(mixed, scale=scale, impute=False).fit_transform(mixed)
    assert np.isnan(out[:, 0]).tolist() == [False, True, False, False]
    assert not np.isnan(out[:, 1:]).any()


def test_imputation_fills_the_training_median_and_missing_text(mixed):
    preprocessor = build_preprocessor(mixed, scale=False, impute=True)
    out = preprocessor.fit_transform(mixed)
    assert out[:, 0].tolist() == [1.0, 3.0, 3.0, 5.0]
    assert feature_names_out(preprocessor) == ["size", "count", "colour_blue", "colour_missing", "colour_red"]
    assert out[1, 2:].tolist() == [0.0, 1.0, 0.0]


def test_scaling_gives_zero_mean_unit_variance(mixed):
    out = build_preprocessor(mixed, scale=True, impute=True).fit_transform(mixed)
    np.testing.assert_allclose(out[:, :2].mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(out[:, :2].std(axis=0), 1, atol=1e-6)


def test_unknown_categories_at_transform_time_get_all_zeros(mixed):
    preprocessor = build_preprocessor(mixed, scale=False, impute=True)
    preprocessor.fit(mixed)
    new = pd.DataFrame({"size": [2.0], "count": [5], "colour": pd.Series(["green"], dtype="str")})
    out = preprocessor.transform(new)
    assert out.tolist() == [[2.0, 5.0, 0.0, 0.0, 0.0]]


@pytest.mark.parametrize(
    "features, width",
    [
        (pd.DataFrame({"a": [1.0, 2.0], "b": [3, 4]}), 2),
        (pd.DataFrame({"a": pd.Series(["x", "y"], dtype="str"), "b": pd.Series(["u", "u"], dtype="str")}), 3),
        (pd.DataFrame({"flag": [True, False], "a": [1.0, 2.0]}), 2),  # booleans are 0 and 1
    ],
)
def test_only_numeric_or_only_categorical_columns_work(features, width):
    out = build_preprocessor(features, scale=True, impute=True).fit_transform(features)
    assert out.shape == (2, width) and out.dtype == np.float32


def test_booleans_become_zero_and_one():
    features = pd.DataFrame({"flag": [True, False, True]})
    assert build_preprocessor(features, scale=False, impute=True).fit_transform(features).tolist() == [[1.0], [0.0], [1.0]]


def test_rare_categories_share_a_column_beyond_the_cap():
    features = pd.DataFrame({"city": pd.Series([f"c{i:03d}" for i in range(60)] * 2, dtype="str")})
    preprocessor = build_preprocessor(features, scale=False, impute=False)
    assert preprocessor.fit_transform(features).shape == (120, MAX_CATEGORIES)


def test_a_column_empty_in_training_keeps_its_place(mixed):
    features = mixed.assign(empty=np.nan)
    preprocessor = build_preprocessor(features, scale=True, impute=True)
    out = preprocessor.fit_transform(features)
    assert "empty" in feature_names_out(preprocessor)
    assert out.shape[1] == 6 and not np.isnan(out).any()


def test_the_fitted_preprocessor_saves_and_loads_with_skops(bank_channels):
    import skops.io

    from tuning.algorithms.safe_skops import TRUSTED_SKOPS_TYPES

    train, validation = bank_channels
    preprocessor = build_preprocessor(train.features, scale=True, impute=True)
    preprocessor.fit(train.features)
    loaded = skops.io.loads(skops.io.dumps(preprocessor), trusted=TRUSTED_SKOPS_TYPES)
    rows = validation.features.head(200)
    np.testing.assert_array_equal(loaded.transform(rows), preprocessor.transform(rows))


@pytest.mark.parametrize(
    "features, message",
    [
        ([[1, 2]], r"features must be a pandas DataFrame, but got list"),
        (pd.DataFrame(index=range(3)), r"features has no columns"),
        (pd.DataFrame({0: [1.0], 1: [2.0]}), r"feature column names must be strings, but got \[0, 1\]"),
        (pd.DataFrame([[1, 2]], columns=["a", "a"]), r"must be unique, but \['a'\] repeat"),
        (pd.DataFrame({"m": pd.Series(["x", 1, None], dtype=object)}), r"column 'm' mixes value types \(int, str\)"),
    ],
)
def test_bad_features_are_refused(features, message):
    with pytest.raises(ValidationError, match=message):
        build_preprocessor(features, scale=False, impute=False)


def test_feature_names_need_a_fitted_preprocessor(mixed):
    with pytest.raises(ValidationError, match=r"not fitted yet"):
        feature_names_out(build_preprocessor(mixed, scale=False, impute=False))


# -- targets ------------------------------------------------------------------------------------
def test_bank_marketing_targets_code_yes_as_the_positive_class(bank_channels):
    train, validation = bank_channels
    encoder = TargetEncoder(train.problem_type, train.classes)
    codes = encoder.encode(validation.target)
    assert codes.dtype == np.int64 and set(codes) == {0, 1}
    assert encoder.encode(pd.Series(["yes", "no"])).tolist() == [1, 0]
    assert codes.mean() == pytest.approx((validation.target == "yes").mean())
    assert encoder.decode(codes) == validation.target.tolist()


@pytest.mark.parametrize("name", ["iris", "digits", "breast_cancer", "diabetes"])
def test_target_encoders_round_trip_through_json(name):
    dataset = load_dataset(name)
    encoder = TargetEncoder(dataset.problem_type, dataset.classes)
    again = TargetEncoder.from_dict(json.loads(json.dumps(encoder.to_dict())))
    assert again == encoder
    encoded = again.encode(dataset.target)
    if dataset.is_classification:
        assert again.decode(encoded) == dataset.target.tolist()
        assert [type(c) for c in again.classes] == [type(c) for c in dataset.classes]
        assert encoded.min() == 0 and encoded.max() == len(dataset.classes) - 1
    else:
        assert encoded.dtype == np.float64
        np.testing.assert_array_equal(again.decode(encoded), dataset.target.to_numpy())


def test_an_unknown_label_is_named():
    encoder = TargetEncoder(MULTICLASS, ["setosa", "versicolor", "virginica"])
    with pytest.raises(ValidationError, match=r"unknown class label\(s\) 'rose' \(in 2 row\(s\)\)"):
        encoder.encode(pd.Series(["setosa", "rose", "rose"]))


@pytest.mark.parametrize(
    "problem_type, classes, message",
    [
        ("Clustering", None, r"problem_type must be one of"),
        (REGRESSION, ["a", "b"], r"a Regression target has no classes"),
        (BINARY, None, r"needs the list of class labels"),
        (BINARY, ["a"], r"at least 2 distinct labels"),
        (BINARY, ["a", "a"], r"at least 2 distinct labels"),
        (BINARY, ["a", "b", "c"], r"BinaryClassification needs exactly 2 classes"),
    ],
)
def test_bad_target_encoders_are_refused(problem_type, classes, message):
    with pytest.raises(ValidationError, match=message):
        TargetEncoder(problem_type, classes)


@pytest.mark.parametrize(
    "problem_type, classes, call, message",
    [
        (REGRESSION, None, lambda e: e.encode(pd.Series(["1.5", "high"])), r"must be numbers, but got 'high'"),
        (REGRESSION, None, lambda e: e.encode(pd.Series([1.0, np.inf])), r"1 missing or infinite"),
        (BINARY, ["no", "yes"], lambda e: e.decode(np.array([0, 2])), r"whole numbers from 0 to 1"),
        (BINARY, ["no", "yes"], lambda e: e.decode(np.array([0.5])), r"whole numbers from 0 to 1"),
        (BINARY, ["no", "yes"], lambda e: TargetEncoder.from_dict({"classes": ["no", "yes"]}), r"problem_type and classes"),
    ],
)
def test_bad_targets_and_codes_are_refused(problem_type, classes, call, message):
    with pytest.raises(ValidationError, match=message):
        call(TargetEncoder(problem_type, classes))
