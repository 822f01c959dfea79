"""Uploaded datasets: kept beside the store, refused before anything is written when unusable."""

from __future__ import annotations

import json
import time

import pytest
from sklearn.datasets import load_iris

from tuning import Store, TuningJobConfig, ValidationError, run_tuning_job
from tuning.datasets.profile import profile_dataset
from tuning.datasets import list_datasets, load_dataset
from tuning.datasets.uploads import (
    delete_uploaded_dataset,
    is_uploaded_dataset,
    list_uploaded_datasets,
    load_uploaded_dataset,
    save_uploaded_dataset,
    upload_columns,
    uploaded_at,
    uploads_dir,
)
from tuning.visualization import plot_target_distribution


@pytest.fixture
def iris_csv() -> bytes:
    frame = load_iris(as_frame=True).frame
    frame["target"] = frame["target"].map(dict(enumerate(["setosa", "versicolor", "virginica"])))
    return frame.to_csv(index=False).encode()


def test_an_upload_round_trips_and_works_by_name_everywhere(iris_csv):
    saved = save_uploaded_dataset(iris_csv, name="my-iris", original_name="iris.csv")
    assert (saved.rows, saved.target_name, saved.problem_type) == (150, "target", "MulticlassClassification")
    assert is_uploaded_dataset("my-iris")
    (info,) = list_uploaded_datasets()
    assert (info.name, info.rows, info.columns, info.target_name) == ("my-iris", 150, 5, "target")
    assert "iris.csv" in info.description
    assert [i.name for i in list_datasets(include_uploaded=True)][-1] == "my-iris"
    assert "my-iris" not in [i.name for i in list_datasets()]
    again = load_dataset("my-iris")
    assert again.features.equals(saved.features) and again.classes == ["setosa", "versicolor", "virginica"]
    job = run_tuning_job(TuningJobConfig(dataset="my-iris", static_hyperparameters={"num_round": 5},
                                         strategy="Random", max_jobs=2, random_seed=1), Store())
    assert job.status == "Completed" and job.dataset == "my-iris"
    delete_uploaded_dataset("my-iris")
    assert list_uploaded_datasets() == [] and not any(uploads_dir().iterdir())
    with pytest.raises(ValidationError, match="unknown dataset 'my-iris'.*Datasets page"):
        load_dataset("my-iris")


def test_target_problem_type_and_header_choices_are_kept(iris_csv):
    save_uploaded_dataset(iris_csv, name="petals", target="petal width (cm)", problem_type="Regression")
    dataset = load_uploaded_dataset("petals")
    assert (dataset.target_name, dataset.problem_type) == ("petal width (cm)", "Regression")
    assert "target" in dataset.features.columns
    headerless = b"1,0.5,3\n0,0.1,2\n1,0.7,1\n0,0.2,5\n"
    save_uploaded_dataset(headerless, name="sagemaker-style", header=False, problem_type="BinaryClassification")
    dataset = load_dataset("sagemaker-style")
    assert dataset.target_name == "label" and list(dataset.features.columns) == ["f1", "f2"]


@pytest.mark.parametrize(("name", "message"), [
    ("My Data", "not usable"), ("", "not usable"), ("../escape", "not usable"), ("a" * 64, "not usable"),
    ("iris", "bundled dataset"), ("breast-cancer", "bundled dataset"),
])
def test_bad_names_are_refused_with_nothing_written(iris_csv, name, message):
    with pytest.raises(ValidationError, match=message):
        save_uploaded_dataset(iris_csv, name=name)
    assert list_uploaded_datasets() == []


def test_a_taken_name_needs_replace(iris_csv):
    save_uploaded_dataset(iris_csv, name="mine")
    with pytest.raises(ValidationError, match="already exists"):
        save_uploaded_dataset(b"a,b\n1,2\n3,4\n", name="mine")
    assert load_uploaded_dataset("mine").rows == 150
    save_uploaded_dataset(b"a,b\n1,2\n3,4\n5,6\n", name="mine", replace=True)
    assert load_uploaded_dataset("mine").rows == 3


@pytest.mark.parametrize(("data", "message"), [
    (b"only\n1\n2\n", "single column"),
    (b"", "empty"),
    (b"\xff\xfe\x00\x81binary\x00", "UTF-8|text"),
    (b"a,b\n", "no data rows"),
    (b"x,y\n1,inf\n2,3\n", "infinite|inf"),
])
def test_unusable_files_are_refused_with_nothing_written(data, message):
    with pytest.raises(ValidationError, match=message):
        save_uploaded_dataset(data, name="broken")
    assert not is_uploaded_dataset("broken")
    assert not uploads_dir().exists() or not any(uploads_dir().iterdir())


def test_a_file_over_the_cap_is_refused(iris_csv):
    with pytest.raises(ValidationError, match="upload limit"):
        save_uploaded_dataset(iris_csv, name="big", max_bytes=1000)
    assert not is_uploaded_dataset("big")


def test_a_damaged_sidecar_is_skipped_not_fatal(iris_csv):
    save_uploaded_dataset(iris_csv, name="good")
    (uploads_dir() / "bad.json").write_text("{not json")
    (uploads_dir() / "bad.csv").write_text("a,b\n1,2\n")
    assert [info.name for info in list_uploaded_datasets()] == ["good"]


def test_the_profile_and_chart_describe_the_data():
    bank = profile_dataset(load_dataset("bank-marketing"))
    assert (bank.rows, bank.features) == (41_188, 14)
    assert list(bank.target_distribution["class"]) == ["no", "yes"]
    assert bank.target_distribution["count"].sum() == 41_188
    assert dict(zip(bank.columns["column"], bank.columns["kind"]))["job"] == "categorical"
    housing = profile_dataset(load_dataset("california-housing"))
    assert housing.missing_total == 207
    assert list(housing.target_distribution["statistic"]) == ["min", "median", "mean", "max", "std"]
    figure = plot_target_distribution(load_dataset("iris"))
    assert list(figure.data[0].y) == [50, 50, 50] and figure.layout.yaxis.title.text == "rows"
    assert plot_target_distribution(load_dataset("diabetes")).data[0].type == "histogram"


def test_the_upload_form_is_offered_the_columns_load_csv_will_read(iris_csv):
    assert upload_columns(b"size,colour,price\n1,red,10\n") == (["size", "colour", "price"], False)
    sagemaker = b"1,0.5,3\n0,0.1,2\n"
    assert upload_columns(sagemaker) == (["label", "f1", "f2"], True)  # detected, as load_csv does
    assert upload_columns(sagemaker, header=True) == (["1", "0.5", "3"], False)
    assert upload_columns(b"a,b\n1,2\n", header=False) == (["label", "f1"], True)
    assert upload_columns(b",b\n1,2\n") == (["column_1", "b"], False)  # load_csv's name for a blank header
    for unreadable in (b"", b"\xff\xfe\x00\x81binary\x00", b"a,a\n1,2\n"):
        assert upload_columns(unreadable) == ([], False)
    # what the form offers by default (detect, no target: the first column) saves as it showed
    save_uploaded_dataset(sagemaker + b"1,0.7,1\n0,0.2,5\n", name="sm", problem_type="BinaryClassification")
    assert load_dataset("sm").target_name == "label"


def test_the_sidecar_describes_the_upload_and_a_replacement_gets_a_new_time(iris_csv):
    save_uploaded_dataset(iris_csv, name="mine", original_name="Iris export.csv")
    meta = json.loads((uploads_dir() / "mine.json").read_text())
    assert meta["description"] == "Uploaded from Iris export.csv." and meta["header"] is True
    assert load_uploaded_dataset("mine").description == "Uploaded from Iris export.csv."
    first = uploaded_at("mine")
    assert abs(first - time.time()) < 60
    save_uploaded_dataset(iris_csv, name="mine", replace=True)
    assert uploaded_at("mine") > first
    with pytest.raises(ValidationError, match="no uploaded dataset named 'gone'"):
        uploaded_at("gone")
    with pytest.raises(ValidationError, match="no uploaded dataset named '../x'"):
        load_uploaded_dataset("../x")
    with pytest.raises(ValidationError, match="to delete"):
        delete_uploaded_dataset("gone")


def test_an_unknown_name_lists_the_bundled_datasets_and_points_to_uploads():
    with pytest.raises(ValidationError) as caught:
        load_dataset("nope")
    assert "iris" in str(caught.value) and "bank-marketing" in str(caught.value)
    assert "upload it on the dashboard's Datasets page" in str(caught.value)


def test_a_european_export_uploads_offers_its_real_columns_and_tunes():
    """Issue 14: the upload form offered one column named 'alter;gewicht;...' for such a file."""
    from tuning import IntegerParameter, Store, TuningJobConfig, run_tuning_job

    # ';' between values, decimal commas, '.' grouping thousands: 20;60,5;1.000,00;nein
    rows = "".join(f"{20 + i};{60 + i % 7},5;{(1000 + 37 * i) // 1000}.{(1000 + 37 * i) % 1000:03d},00;"
                   f"{'ja' if i % 3 else 'nein'}\n" for i in range(60))
    data = ("\ufeffalter;gewicht;preis;klasse\n" + rows).encode()
    assert upload_columns(data) == (["alter", "gewicht", "preis", "klasse"], False)
    saved = save_uploaded_dataset(data, name="umfrage", target="klasse", original_name="umfrage.csv")
    assert saved.features["gewicht"].iloc[0] == 60.5 and saved.features["preis"].iloc[1] == 1037.0
    job = run_tuning_job(TuningJobConfig(dataset="umfrage", hyperparameter_ranges={"max_depth": IntegerParameter(2, 4)},
                                         static_hyperparameters={"num_round": 5}, strategy="Random", max_jobs=2,
                                         max_parallel_jobs=1, random_seed=1), Store())
    assert job.status == "Completed", job.failure_reason
