"""Datasets: the bundled ones load as documented, and CSV files are read by the rules."""

from __future__ import annotations

import gzip
import io
import math

import numpy as np
import pandas as pd
import pytest

from tuning.datasets import (
    BINARY,
    DATASETS_DIR,
    MULTICLASS,
    REGRESSION,
    Dataset,
    list_datasets,
    load_csv,
    load_dataset,
    split_channels,
)
from tuning.errors import ValidationError

# name, rows, feature columns, target, problem type, classes (None for regression)
BUNDLED = [
    ("bank-marketing", 41_188, 14, "output", BINARY, ["no", "yes"]),
    ("california-housing", 20_640, 9, "median_house_value", REGRESSION, None),
    ("breast_cancer", 569, 30, "diagnosis", BINARY, ["benign", "malignant"]),
    ("wine", 178, 13, "cultivar", MULTICLASS, ["class_0", "class_1", "class_2"]),
    ("digits", 1_797, 64, "digit", MULTICLASS, list(range(10))),
    ("iris", 150, 4, "species", MULTICLASS, ["setosa", "versicolor", "virginica"]),
    ("diabetes", 442, 10, "disease_progression", REGRESSION, None),
]


@pytest.fixture(scope="module")
def bundled():
    """Each bundled dataset, loaded at most once for the whole module."""
    cache: dict[str, Dataset] = {}

    def get(name: str) -> Dataset:
        if name not in cache:
            cache[name] = load_dataset(name)
        return cache[name]

    return get


def _csv(tmp_path, content: str | bytes, name: str = "data.csv"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# -- bundled datasets -----------------------------------------------------------------------
@pytest.mark.parametrize("name, rows, n_features, target, problem_type, classes", BUNDLED)
def test_bundled_datasets_load_as_documented(bundled, name, rows, n_features, target, problem_type, classes):
    dataset = bundled(name)
    assert dataset.name == name
    assert dataset.features.shape == (rows, n_features)
    assert len(dataset.target) == rows
    assert (dataset.target_name, dataset.target.name) == (target, target)
    assert target not in dataset.features.columns
    assert dataset.problem_type == problem_type
    assert dataset.is_classification == (classes is not None)
    assert dataset.classes == classes
    assert not dataset.target.isna().any()
    assert dataset.description and dataset.source


def test_list_datasets_metadata_matches_the_loaded_data(bundled):
    infos = list_datasets()
    assert [info.name for info in infos] == [row[0] for row in BUNDLED]
    for info in infos:
        dataset = bundled(info.name)
        assert info.rows == len(dataset.target)
        assert info.columns == dataset.features.shape[1] + 1  # the target counts as a column
        assert (info.target_name, info.problem_type) == (dataset.target_name, dataset.problem_type)
        assert (info.description, info.source) == (dataset.description, dataset.source)


@pytest.mark.parametrize("file, rows, columns", [("bank-marketing.csv", 41_188, 15), ("california-housing.csv", 20_640, 10)])
def test_bundled_csv_files_have_the_listed_size_and_a_clean_header(file, rows, columns):
    lines = (DATASETS_DIR / file).read_text(encoding="utf-8").splitlines()
    info = {info.name: info for info in list_datasets()}[file.removesuffix(".csv")]
    assert (len(lines) - 1, len(lines[0].split(","))) == (info.rows, info.columns) == (rows, columns)
    assert lines[0].split(",")[0].isidentifier()  # no stray b' or BOM before the first name
    assert (DATASETS_DIR / "README.md").is_file()


def test_bank_marketing_is_imbalanced_with_yes_as_the_positive_class(bundled):
    bank = bundled("bank-marketing")
    assert bank.classes[1] == "yes"
    assert (bank.target == "yes").mean() == pytest.approx(0.1127, abs=0.001)
    text = ["job", "marital", "education", "default", "housing", "loan", "contact", "month", "day_of_week"]
    assert [c for c in bank.features.columns if not pd.api.types.is_numeric_dtype(bank.features[c])] == text


def test_california_housing_keeps_its_missing_bedrooms(bundled):
    housing = bundled("california-housing")
    assert housing.features["total_bedrooms"].isna().sum() == 207
    assert housing.features.drop(columns="total_bedrooms").isna().sum().sum() == 0
    assert housing.target.max() == 500_001
    assert not pd.api.types.is_numeric_dtype(housing.features["ocean_proximity"])
    assert any("total_bedrooms (207)" in note for note in housing.notes)


def test_sklearn_class_codes_become_their_names_as_python_values(bundled):
    cancer = bundled("breast_cancer")
    assert cancer.target.value_counts().to_dict() == {"benign": 357, "malignant": 212}
    assert cancer.classes[1] == "malignant"
    assert all(type(label) is int for label in bundled("digits").classes)


def test_dataset_names_ignore_case_and_dash_or_underscore():
    assert load_dataset(" Breast-Cancer ").name == "breast_cancer"


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "/etc/passwd", "../datasets/bank-marketing.csv", "bank-marketing.csv",
     "datasets/iris", "..", "", "titanic", None, 3],
)
def test_unknown_and_path_like_dataset_names_are_refused_without_reading_files(monkeypatch, name):
    def no_reading(*args, **kwargs):
        raise AssertionError("load_dataset read a file for an unknown name")

    monkeypatch.setattr("tuning.datasets.bundled.load_csv", no_reading)
    monkeypatch.setattr("tuning.datasets.uploads.load_csv", no_reading)
    with pytest.raises(ValidationError, match=r"unknown dataset .*bank-marketing, california-housing, breast_cancer"):
        load_dataset(name)


# -- reading CSV files ----------------------------------------------------------------------
def test_a_csv_with_a_header_targets_its_last_column(tmp_path):
    path = _csv(tmp_path, "age,job,subscribed\n30,admin.,no\n45,,yes\n28,student,no\n")
    dataset = load_csv(path)
    assert (dataset.name, dataset.target_name, dataset.problem_type) == ("data", "subscribed", BINARY)
    assert list(dataset.features.columns) == ["age", "job"]
    assert dataset.features["age"].tolist() == [30, 45, 28]
    assert dataset.features["job"].iloc[0] == "admin." and pd.isna(dataset.features["job"].iloc[1])
    assert dataset.target.tolist() == ["no", "yes", "no"]


@pytest.mark.parametrize("target", ["age", 0])
def test_the_target_can_be_named_or_given_by_position(tmp_path, target):
    dataset = load_csv(_csv(tmp_path, "age,job,subscribed\n30,a,no\n45,b,yes\n"), target=target, name="mine")
    assert (dataset.name, dataset.target_name, list(dataset.features.columns)) == ("mine", "age", ["job", "subscribed"])


def test_sagemaker_headerless_format_has_the_label_first(tmp_path):
    dataset = load_csv(_csv(tmp_path, "1,0.5,3\n0,0.25,4\n1,0.75,5\n0,0.5,6\n"))
    assert dataset.target_name == "label"
    assert list(dataset.features.columns) == ["f1", "f2"]
    assert dataset.target.tolist() == [1, 0, 1, 0]
    assert dataset.classes == [0, 1] and all(type(c) is int for c in dataset.classes)
    assert dataset.features["f1"].tolist() == [0.5, 0.25, 0.75, 0.5]
    assert any("headerless" in note for note in dataset.notes)


def test_a_headerless_label_can_sit_in_another_column(tmp_path):
    dataset = load_csv(_csv(tmp_path, "0.5,1,3\n0.25,0,4\n"), header=False, target=1, problem_type="Regression")
    assert (dataset.target_name, list(dataset.features.columns)) == ("label", ["f1", "f2"])
    assert dataset.target.tolist() == [1, 0]


@pytest.mark.parametrize(
    "content, header, target_name, feature_names",
    [
        ("x1,x2,y\n1,2,0\n3,4,1\n", None, "y", ["x1", "x2"]),
        ("0,1.5,2\n1,2.5,3\n", None, "label", ["f1", "f2"]),
        ("-1,1e3,.5\n1,2,3\n", None, "label", ["f1", "f2"]),
        ("nan,1,2\n1,2,3\n4,5,6\n", None, "2", ["nan", "1"]),  # not finite: a header
        ("1,2,3\n4,5,6\n7,8,9\n", True, "3", ["1", "2"]),
        ("a,b,c\n4,5,6\n", False, "label", ["f1", "f2"]),
    ],
)
def test_header_detection(tmp_path, content, header, target_name, feature_names):
    dataset = load_csv(_csv(tmp_path, content), header=header)
    assert dataset.target_name == target_name
    assert list(dataset.features.columns) == feature_names


def test_text_categories_and_missing_values_are_kept_raw(tmp_path):
    content = (
        "size,colour,flag,code,y\n"
        "1.5,red,True,?,a\n"
        ",NA,false,None,b\n"
        "NA,,TRUE,x,a\n"
        "2.5,blue,,?,b\n"
    )
    features = load_csv(_csv(tmp_path, content)).features
    assert features["size"].dtype == np.float64
    assert features["size"].isna().tolist() == [False, True, True, False]
    assert features["colour"].isna().tolist() == [False, True, True, False]
    assert features["code"].tolist() == ["?", "None", "x", "?"]  # '?' and 'None' are text
    flags = features["flag"]  # booleans stay as written, with NaN for the empty cell
    assert flags.iloc[:3].tolist() == ["True", "false", "TRUE"] and pd.isna(flags.iloc[3])


@pytest.mark.parametrize(
    "values, problem_type, classes",
    [
        (["yes", "no", "yes", "no"], BINARY, ["no", "yes"]),
        (["cat", "dog", "bird", "cat"], MULTICLASS, ["bird", "cat", "dog"]),
        (["True", "False", "True"], BINARY, ["False", "True"]),
        (["0", "1", "1", "0"], BINARY, [0, 1]),
        (["1", "2", "3", "5"], MULTICLASS, [1, 2, 3, 5]),
        (["1.0", "2.0", "3.0"], MULTICLASS, [1, 2, 3]),  # whole floats become int classes
        ([str(v) for v in range(20)], MULTICLASS, list(range(20))),
        ([str(v) for v in range(21)], REGRESSION, None),
        (["0.5", "1.5", "0.5"], REGRESSION, None),
        (["-3", "1e6", "2"], MULTICLASS, [-3, 2, 1_000_000]),
    ],
)
def test_problem_type_inference(tmp_path, values, problem_type, classes):
    content = "x,y\n" + "".join(f"{i},{value}\n" for i, value in enumerate(values))
    dataset = load_csv(_csv(tmp_path, content))
    assert dataset.problem_type == problem_type
    assert dataset.classes == classes
    assert any(f"inferred as {problem_type}" in note for note in dataset.notes)


@pytest.mark.parametrize(
    "given, values, expected",
    [
        ("Regression", ["0", "1", "1"], REGRESSION),
        ("regression", ["1", "2", "3"], REGRESSION),
        ("binaryclassification", ["0.5", "1.5", "0.5"], BINARY),
        ("MulticlassClassification", [str(v) for v in range(30)], MULTICLASS),
    ],
)
def test_a_given_problem_type_wins_over_inference(tmp_path, given, values, expected):
    content = "x,y\n" + "".join(f"{i},{value}\n" for i, value in enumerate(values))
    dataset = load_csv(_csv(tmp_path, content), problem_type=given)
    assert dataset.problem_type == expected
    assert not any("inferred" in note for note in dataset.notes)


BAD_CSVS = [
    (b"", {}, r"is empty: it has no header and no rows"),
    (b"\n \n\n", {}, r"is empty"),
    (b"a,b,c\n", {}, r"has a header row but no data rows"),
    (b"a\n1\n2\n", {}, r"has a single column \('a'\).*separated by ';'"),
    (b"a,b\n1,2\n", {"target": "c"}, r"target 'c' is not one of its columns, which are 'a', 'b'"),
    (b"Age,y\n1,2\n", {"target": "age"}, r"Did you mean 'Age'\?"),
    (b"a,b\n1,2\n", {"target": 2}, r"position must be from 0 to 1 .* but got 2"),
    (b"a,b\n1,2\n", {"target": 1.5}, r"target must be a column name, a 0-based column position"),
    (b"1,2\n3,4\n", {"target": "y"}, r"no header row .* no column named 'y'"),
    (b"a,y\n1,yes\n2,yes\n", {}, r"single class \('yes'\) in all 2 rows"),
    (b"a,y\n1,yes\n2,no\n", {"problem_type": "Regression"}, r"'Regression' needs a numeric target, but 'y' holds text such as 'no', 'yes'"),
    (b"a,y\n1,x\n2,y\n3,z\n", {"problem_type": "BinaryClassification"}, r"does not fit the target 'y', which has 3 classes.*Use MulticlassClassification"),
    (b"a,y\n1,x\n2,y\n", {"problem_type": "MulticlassClassification"}, r"Use BinaryClassification"),
    (b"a,y\n1,x\n2,y\n", {"problem_type": "Clustering"}, r"unknown problem_type 'Clustering'; use one of BinaryClassification"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", {}, r"not a CSV: it holds binary data \(NUL bytes\)"),
    (gzip.compress(b"a,b\n1,2\n", mtime=0), {}, r"not a CSV|not UTF-8"),
    (b"a,b\ncaf\xe9,1\n", {}, r"not UTF-8 text: byte 0xe9 at offset 7"),
    (b'a,b\n"1,2\n3,4\n', {}, r"could not be read as CSV: .*EOF inside string"),
    (b"a,b\n1,2\n3,4,5\n", {}, r"could not be read as CSV: .*Expected 2 fields in line 3, saw 3"),
    (b"a,b\n1,2,3\n4,5,6\n", {}, r"first data row has 3 values but the header names only 2 columns"),
    (b"a,b,y\n" + b"1,2,3\n" * 10, {"max_bytes": 50}, r"is 66 bytes, larger than the 50 bytes cap \(max_bytes=50\)"),
    (b"a,b\n1,2\n", {"max_bytes": 0}, r"max_bytes must be a positive whole number"),
    (b"a,b,a\n1,2,3\n", {}, r"duplicate column names: 'a' \(columns 1 and 3\)"),
    (b"a, a ,y,a\n1,2,3,4\n", {}, r"duplicate column names: 'a' \(columns 1, 2 and 4\)"),
    (b"a,b,y\n1,inf,0\n2,3,1\n", {}, r"column 'b' has 1 infinite value\(s\) \(the first in data row 1: inf\)"),
    (b"a,y\n1,0.5\n2,-Infinity\n", {}, r"column 'y' has 1 infinite value"),
    (b"a,y\n1,\n2,NA\n", {}, r"target column 'y' has no values: all 2 of its cells are missing"),
    (b"a,y\n1,2\n", {"header": "yes"}, r"header must be True"),
    (b"a,y\n1,2\n", {"name": " "}, r"name must be a non-blank string"),
]


@pytest.mark.parametrize("content, kwargs, message", BAD_CSVS)
def test_bad_csv_files_are_refused_with_a_clear_message(tmp_path, content, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        load_csv(_csv(tmp_path, content), **kwargs)


def test_missing_files_and_folders_are_refused(tmp_path):
    with pytest.raises(ValidationError, match=r"is not there\. Check the path"):
        load_csv(tmp_path / "nope.csv")
    with pytest.raises(ValidationError, match=r"is a folder, not a file"):
        load_csv(tmp_path)
    with pytest.raises(ValidationError, match=r"pass it as bytes"):
        load_csv("a,b\n1,2\n")
    with pytest.raises(ValidationError, match=r"must be a path, bytes or an open file, but got int"):
        load_csv(42)


@pytest.mark.parametrize("kind", ["bytes", "binary file", "text file"])
def test_the_size_cap_holds_for_every_kind_of_source(kind):
    content = b"a,y\n" + b"1,0\n" * 100
    source = {"bytes": content, "binary file": io.BytesIO(content), "text file": io.StringIO(content.decode())}[kind]
    with pytest.raises(ValidationError, match=r"larger than the 100 bytes cap \(max_bytes=100\)"):
        load_csv(source, max_bytes=100)


def test_paths_bytes_and_open_files_read_the_same(tmp_path):
    content = "\ufeffa,b,y\n1,x,yes\n2,,no\n3,z,yes\n"  # with a UTF-8 byte order mark
    raw = content.encode("utf-8")
    upload = io.BytesIO(raw)
    upload.name = "upload.csv"
    loaded = [load_csv(_csv(tmp_path, raw)), load_csv(raw), load_csv(upload), load_csv(io.StringIO(content))]
    for dataset in loaded:
        assert list(dataset.features.columns) == ["a", "b"]  # the BOM is not part of 'a'
        pd.testing.assert_frame_equal(dataset.features, loaded[0].features)
        pd.testing.assert_series_equal(dataset.target, loaded[0].target)
    assert [d.name for d in loaded] == ["data", "uploaded", "upload", "uploaded"]


def test_blank_column_names_are_named_by_position(tmp_path):
    dataset = load_csv(_csv(tmp_path, "a,,c, ,y\n1,2,3,4,no\n5,6,7,8,yes\n"))
    assert list(dataset.features.columns) == ["a", "column_2", "c", "column_4"]
    assert "column 2 has no name in the header; named it 'column_2'" in dataset.notes


def test_html_in_column_names_stays_plain_text(tmp_path):
    name = "<script>alert('x')</script>"
    dataset = load_csv(_csv(tmp_path, f'"{name}",<b>y</b>\n1,no\n2,yes\n'))
    assert list(dataset.features.columns) == [name]
    assert dataset.target_name == "<b>y</b>"


def test_rows_with_a_missing_target_are_dropped_with_a_note(tmp_path):
    dataset = load_csv(_csv(tmp_path, "a,y\n1,yes\n2,\n3,no\n4,NA\n5,yes\n"))
    assert dataset.features["a"].tolist() == [1, 3, 5]
    assert dataset.target.index.tolist() == [0, 2, 4]  # the index is the file's data row
    assert "dropped 2 row(s) with a missing target 'y'" in dataset.notes


def test_a_numeric_target_with_missing_values_keeps_int_classes(tmp_path):
    dataset = load_csv(_csv(tmp_path, "a,y\n1,0\n2,\n3,1\n4,1\n"))
    assert dataset.target.dtype == np.int64
    assert dataset.classes == [0, 1]


# -- the Dataset object -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "changes, message",
    [
        ({"problem_type": "Clustering"}, r"problem_type must be one of"),
        ({"target": pd.Series([1, 2])}, r"3 feature rows and 2 target values"),
        ({"target": pd.Series([1.0, None, 2.0])}, r"1 are missing"),
        ({"features": [[1], [2], [3]]}, r"features must be a pandas DataFrame"),
        ({"target": [1, 2, 3]}, r"target must be a pandas Series"),
    ],
)
def test_a_hand_made_dataset_is_checked(changes, message):
    values = dict(name="mine", features=pd.DataFrame({"x": [1, 2, 3]}), target=pd.Series([0.5, 1.5, 2.5]),
                  target_name="y", problem_type=REGRESSION)
    values.update(changes)
    with pytest.raises(ValidationError, match=message):
        Dataset(**values)


def test_regression_has_no_classes_and_repr_is_short(bundled):
    housing = bundled("california-housing")
    assert housing.classes is None and not housing.is_classification
    assert repr(housing) == (
        "Dataset(name='california-housing', rows=20,640, features=9, "
        "target_name='median_house_value', problem_type='Regression')"
    )


# -- channels ---------------------------------------------------------------------------------
def test_a_split_is_reproducible_for_a_seed(bundled):
    wine = bundled("wine")
    first, again, other = (split_channels(wine, random_seed=seed) for seed in (7, 7, 8))
    assert first[0].target.index.tolist() == again[0].target.index.tolist()
    assert first[1].target.index.tolist() == again[1].target.index.tolist()
    assert first[1].target.index.tolist() != other[1].target.index.tolist()


@pytest.mark.parametrize("fraction", [0.2, 0.33, 0.5])
def test_a_split_covers_every_row_once_with_the_asked_share(bundled, fraction):
    iris = bundled("iris")
    train, validation = split_channels(iris, validation_fraction=fraction, random_seed=3)
    assert len(validation.target) == math.ceil(fraction * 150)
    assert sorted([*train.target.index, *validation.target.index]) == list(range(150))
    for part in (train, validation):
        assert part.features.index.equals(part.target.index)
        assert (part.name, part.problem_type, part.target_name) == ("iris", MULTICLASS, "species")


@pytest.mark.parametrize("name, tolerance", [("bank-marketing", 0.01), ("digits", 0.02), ("iris", 0.02)])
def test_classification_splits_are_stratified(bundled, name, tolerance):
    dataset = bundled(name)
    train, validation = split_channels(dataset, validation_fraction=0.2, random_seed=11)
    overall = dataset.target.value_counts(normalize=True)
    for part in (train, validation):
        shares = part.target.value_counts(normalize=True).reindex(overall.index, fill_value=0)
        assert (shares - overall).abs().max() <= tolerance
        assert part.classes == dataset.classes
    assert "stratified by" in train.notes[-1] and train.notes[-1].startswith("training channel")


def test_a_class_too_small_to_stratify_gives_a_random_split_that_keeps_it_in_training():
    labels = ["a"] * 10 + ["b"] * 10 + ["rare"]
    dataset = Dataset("small", pd.DataFrame({"x": range(21)}), pd.Series(labels, name="y"), "y", MULTICLASS)
    for seed in range(10):
        train, validation = split_channels(dataset, validation_fraction=0.3, random_seed=seed)
        assert "rare" in set(train.target)
        assert set(validation.target) <= set(train.target)
        assert len(train.target) + len(validation.target) == 21
        assert "not stratified (class 'rare' has only 1 row" in validation.notes[-1]


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5, float("nan"), float("inf"), True, "0.2", None])
def test_bad_validation_fractions_are_refused(bundled, fraction):
    with pytest.raises(ValidationError, match=r"validation_fraction must be a number strictly between 0 and 1"):
        split_channels(bundled("iris"), validation_fraction=fraction)


@pytest.mark.parametrize(
    "labels, problem_type, message",
    [
        ([1.0], REGRESSION, r"has 1 row\(s\): too few to split"),
        (["a", "b"], BINARY, r"no validation rows are left"),
    ],
)
def test_datasets_too_small_to_split_are_refused(labels, problem_type, message):
    dataset = Dataset("tiny", pd.DataFrame({"x": range(len(labels))}), pd.Series(labels), "y", problem_type)
    with pytest.raises(ValidationError, match=message):
        split_channels(dataset, validation_fraction=0.5)


@pytest.mark.parametrize("seed", [-1, 1.5, True, 2**32])
def test_bad_random_seeds_are_refused(bundled, seed):
    with pytest.raises(ValidationError, match=r"random_seed must be a whole number"):
        split_channels(bundled("iris"), random_seed=seed)


# -- European exports and thousands separators (issue 14) --------------------------------------
_EUROPEAN = "\ufeffalter;gewicht;preis;klasse\n34;70,5;1.234,50;ja\n45;80,25;999,00;nein\n52;65,0;2.100,75;ja\n"


def test_a_european_export_is_read_with_its_separator_and_decimal_commas_and_says_so():
    dataset = load_csv(_EUROPEAN.encode())  # BOM, ';' between values, decimal commas, '.' grouping
    assert list(dataset.features.columns) == ["alter", "gewicht", "preis"]
    assert dataset.features["gewicht"].tolist() == [70.5, 80.25, 65.0]
    assert dataset.features["preis"].tolist() == [1234.5, 999.0, 2100.75]
    assert dataset.target.tolist() == ["ja", "nein", "ja"]
    assert any("separated by ';'" in note and "decimal commas" in note for note in dataset.notes), dataset.notes
    assert any("'preis'" in note and "thousands separators" in note for note in dataset.notes), dataset.notes


def test_tab_separated_values_are_read_and_a_plain_csv_gets_no_dialect_note():
    tabbed = load_csv(b"a\tb\tc\n1\t2\tx\n3\t4\ty\n")
    assert tabbed.features.to_dict("list") == {"a": [1, 3], "b": [2, 4]}
    assert any("separated by tabs" in note for note in tabbed.notes)
    plain = load_csv(b"a,b,c\n1,2,x\n3,4,y\n")
    assert not any("separated by" in note for note in plain.notes)


def test_a_regression_target_with_thousands_separators_is_read_as_numbers():
    text = b'size,price\n1,"1,234.5"\n2,"2,000.25"\n3,"999.0"\n4,"12,345.0"\n5,"45,000"\n'
    dataset = load_csv(text)
    assert dataset.problem_type == "Regression"
    assert dataset.target.tolist() == [1234.5, 2000.25, 999.0, 12345.0, 45000.0]
    assert any("'price'" in note and "'1,234.5'" in note for note in dataset.notes), dataset.notes


def test_codes_that_only_look_grouped_stay_text():
    # "1,2,3" is no number with thousands separators: the column is a category, as written.
    dataset = load_csv(b'code,y\n"1,2,3",a\n"4,5,6",b\n"1,234",a\n')
    assert dataset.features["code"].tolist() == ["1,2,3", "4,5,6", "1,234"]
