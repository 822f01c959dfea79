"""Channels and requests in libsvm, the format AWS's XGBoost reads by default.

AWS, https://docs.aws.amazon.com/sagemaker/latest/dg/xgboost.html (Input/Output interface):
"For Training ContentType, valid inputs are text/libsvm (default) or text/csv" and "For
Inference ContentType, valid inputs are text/libsvm or (the default) text/csv"; AWS's
container tells a CSV sent without ContentType "ContentType by default is in libsvm"
(aws/amazon-sagemaker-examples issue 161). XGBoost's "Text Input Format of DMatrix": each
line is ``label index:value ...``, and an index a line leaves out is a missing value.

Real tuning jobs on the bundled breast_cancer data, written once as SageMaker's headerless
CSV and once as libsvm (``sklearn.datasets.dump_svmlight_file``, indices from 1 as usual):
the same data gives the same training jobs.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import dump_svmlight_file

from tuning import ContinuousParameter, HyperparameterTuner, TrainingInput, ValidationError
from tuning.datasets import load_dataset
from tuning.datasets.libsvm_reading import load_libsvm_channel
from tuning.datasets.shards import load_csv_channel
from tuning.job.config import TuningJobConfig
from tuning.running.runner import run_tuning_job
from tuning.sagemaker.estimators import XGBoost
from tuning.sagemaker.request_json import read_tuning_job_json, to_sagemaker_request
from tuning.serving.artifacts import load_predictor
from tuning.serving.container import container_answer

RANGES = {"eta": ContinuousParameter(0.1, 0.5)}


def _frame() -> pd.DataFrame:
    dataset = load_dataset("breast_cancer")
    frame = pd.concat([dataset.target, dataset.features], axis=1)  # label first, as in SageMaker
    frame[dataset.target_name] = (frame[dataset.target_name] == "malignant").astype(int)
    # libsvm writes no zero (dump_svmlight_file leaves it out), and XGBoost reads a left-out index as
    # missing: the CSV twin holds those cells empty, so both say the same.
    return frame


def _csv_twin(rows: pd.DataFrame, path) -> None:
    rows = rows.copy()
    rows.iloc[:, 1:] = rows.iloc[:, 1:].replace(0, np.nan)
    rows.to_csv(path, index=False, header=False)


def _write_libsvm(rows: pd.DataFrame, path) -> None:
    dump_svmlight_file(rows.iloc[:, 1:].to_numpy(), rows.iloc[:, 0].to_numpy(), str(path), zero_based=False)


@pytest.fixture
def data(tmp_path):
    """The same rows as headerless CSV (``train.csv``, ``validation.csv``) and as libsvm, one file
    (``train.libsvm``) and three shards in a folder (``shards/``), and ``validation.libsvm``."""
    frame = _frame()
    train, validation = frame.iloc[:450], frame.iloc[450:]
    _csv_twin(train, tmp_path / "train.csv")
    _csv_twin(validation, tmp_path / "validation.csv")
    _write_libsvm(train, tmp_path / "train.libsvm")
    _write_libsvm(validation, tmp_path / "validation.libsvm")
    (tmp_path / "shards").mkdir()
    for number, rows in enumerate((train.iloc[:150], train.iloc[150:300], train.iloc[300:])):
        _write_libsvm(rows, tmp_path / "shards" / f"abalone.train.{number}")  # no extension, as AWS's examples
    return tmp_path


def _request(train_uri: str, validation_uri: str, name: str, content_type: str = "text/libsvm",
             image: str = "sagemaker-xgboost:1.7-1") -> dict:
    def channel(channel_name: str, uri: str) -> dict:
        return {"ChannelName": channel_name, "ContentType": content_type, "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": uri, "S3DataDistributionType": "FullyReplicated"}}}

    return {
        "HyperParameterTuningJobName": name,
        "HyperParameterTuningJobConfig": {
            "Strategy": "Random", "RandomSeed": 11,
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": 3, "MaxParallelTrainingJobs": 1},
            "ParameterRanges": {"ContinuousParameterRanges": [
                {"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5", "ScalingType": "Auto"}]},
        },
        "TrainingJobDefinition": {
            "AlgorithmSpecification": {"TrainingImage": f"683313688378.dkr.ecr.us-east-1.amazonaws.com/{image}",
                                       "TrainingInputMode": "File"},
            "StaticHyperParameters": {"num_round": "8"},
            "InputDataConfig": [channel("train", train_uri), channel("validation", validation_uri)],
            "RoleArn": "arn:aws:iam::111122223333:role/x", "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
            "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        },
    }


def _rows(store, name: str) -> list[tuple]:
    return [(job.status, job.hyperparameters, job.final_objective_value) for job in store.training_jobs(name)]


def test_a_libsvm_file_reads_as_the_headerless_csv_with_xgboosts_column_numbers(data):
    libsvm, csv = load_libsvm_channel(data / "train.libsvm"), load_csv_channel(data / "train.csv")
    assert libsvm.rows == csv.rows == 450 and libsvm.problem_type == csv.problem_type == "BinaryClassification"
    pd.testing.assert_series_equal(libsvm.target, csv.target)
    # Index k is column f{k+1}: a file numbered from 1 leaves f1 empty, and f2.. are the CSV's f1..
    assert libsvm.features["f1"].isna().all()
    shifted = libsvm.features.drop(columns="f1").set_axis(csv.features.columns, axis=1)
    np.testing.assert_allclose(shifted.to_numpy(dtype=float), csv.features.to_numpy(dtype=float), rtol=1e-6)
    assert csv.features.isna().any().any()  # the twins hold missing cells, where breast_cancer has zeros
    assert any("f1 is empty" in note for note in libsvm.notes)
    # Three shards in a folder, files without an extension, are the one channel.
    pd.testing.assert_frame_equal(load_libsvm_channel(data / "shards").features, libsvm.features)


def test_an_index_a_line_leaves_out_is_missing_not_zero(tmp_path):
    (tmp_path / "sparse").write_text("1 0:0.5 2:0\n0 1:3\n1 0:1.5 1:2 2:4\n0 0:2 2:1\n")
    dataset = load_libsvm_channel(tmp_path / "sparse")
    features = dataset.features
    assert list(features.columns) == ["f1", "f2", "f3"]
    assert features.iloc[0, 2] == 0 and np.isnan(features.iloc[0, 1])  # written 0 stays 0; left out is missing
    assert np.isnan(features.iloc[1, 0]) and features.iloc[1, 1] == 3
    assert list(dataset.target) == [1, 0, 1, 0]


def test_text_that_is_not_libsvm_is_refused_in_words(tmp_path, data):
    with pytest.raises(ValidationError, match=r"is not libsvm text .* 'label index:value index:value"):
        load_libsvm_channel(data / "train.csv")
    with pytest.raises(ValidationError, match=r"no libsvm file at"):
        load_libsvm_channel(tmp_path / "nothing_here")


def test_the_json_path_tunes_a_libsvm_channel_as_the_csv_it_came_from(store, data):
    libsvm = read_tuning_job_json(_request(f"file://{data / 'train.libsvm'}", f"file://{data / 'validation.libsvm'}",
                                           "svm"))
    sharded = read_tuning_job_json(_request(f"file://{data / 'shards'}/", f"file://{data / 'validation.libsvm'}",
                                            "svm-shards"))
    csv = read_tuning_job_json(_request(f"file://{data / 'train.csv'}", f"file://{data / 'validation.csv'}", "csv",
                                        content_type="text/csv"))
    assert {run_tuning_job(config, store).status for config in (libsvm, sharded, csv)} == {"Completed"}
    assert _rows(store, "svm") == _rows(store, "svm-shards")
    # An empty column (libsvm index 0) changes nothing XGBoost learns: the same objective values.
    assert [value for *_, value in _rows(store, "svm")] == pytest.approx([value for *_, value in _rows(store, "csv")])
    # Exported, the channel is still libsvm; and the stored configuration reads back as it was.
    exported = to_sagemaker_request(libsvm)["TrainingJobDefinition"]["InputDataConfig"]
    assert [channel["ContentType"] for channel in exported] == ["text/libsvm", "text/libsvm"]
    stored = TuningJobConfig.from_dict(json.loads(json.dumps(store.get_tuning_job("svm").config)))
    assert to_sagemaker_request(stored)["TrainingJobDefinition"]["InputDataConfig"] == exported


def test_the_sdk_path_reads_a_training_input_with_content_type_libsvm(store, data):
    estimator = XGBoost(role="arn:aws:iam::1:role/x", instance_count=1, instance_type="ml.m5.xlarge")
    estimator.set_hyperparameters(num_round="8", objective="binary:logistic")
    tuner = HyperparameterTuner(estimator, "validation:auc", RANGES, strategy="Random", max_jobs=2,
                                random_seed=5, store=store)
    tuner.fit({"train": TrainingInput(f"file://{data / 'train.libsvm'}", content_type="libsvm"),
               "validation": TrainingInput(str(data / "validation.libsvm"), content_type="text/libsvm")})
    jobs = store.training_jobs(tuner.latest_tuning_job.name)
    assert len(jobs) == 2 and all(job.status == "Completed" and job.final_objective_value > 0.9 for job in jobs)


def test_only_xgboost_reads_libsvm_as_on_aws(store, data):
    request = _request(f"file://{data / 'train.libsvm'}", f"file://{data / 'validation.libsvm'}", "ll",
                       image="linear-learner:1")
    request["TrainingJobDefinition"]["StaticHyperParameters"] = {"predictor_type": "binary_classifier"}
    request["HyperParameterTuningJobConfig"]["ParameterRanges"] = {"ContinuousParameterRanges": [
        {"Name": "wd", "MinValue": "0.0001", "MaxValue": "1", "ScalingType": "Auto"}]}
    request["HyperParameterTuningJobConfig"]["HyperParameterTuningJobObjective"]["MetricName"] = (
        "validation:binary_classification_accuracy")
    with pytest.raises(ValidationError, match=r"text/libsvm is read by AWS's XGBoost, but this job's algorithm is "
                                              r"'linear-learner'"):
        run_tuning_job(read_tuning_job_json(request), store)
    assert store.list_tuning_jobs() == []  # refused before anything was written
    with pytest.raises(ValidationError, match=r"TrainingInput content_type 'application/x-parquet' is not supported"):
        TrainingInput(str(data / "train.libsvm"), content_type="application/x-parquet")
    with pytest.raises(ValidationError, match=r"a bundled or uploaded dataset is read as CSV"):
        read_tuning_job_json(_request("tunelab://dataset/iris", "tunelab://dataset/iris", "named"))


def test_an_xgboost_endpoint_answers_a_libsvm_request_as_the_csv_one(store, data):
    run_tuning_job(read_tuning_job_json(_request(f"file://{data / 'train.csv'}", f"file://{data / 'validation.csv'}",
                                                 "served", content_type="text/csv")), store)
    predictor = load_predictor(store, "served")
    rows = _frame().iloc[450:455, 1:].replace(0, np.nan)
    csv_body = rows.to_csv(index=False, header=False).encode()
    lines = [" ".join(f"{index}:{value!r}" for index, value in enumerate(row) if not np.isnan(value))
             for row in rows.itertuples(index=False)]  # zero-based: index k is the model's column k
    by_csv, kind = container_answer(predictor, csv_body, "text/csv", "text/csv")
    by_libsvm, _ = container_answer(predictor, "\n".join(lines).encode(), "text/libsvm", "text/csv")
    assert kind == "text/csv"
    np.testing.assert_allclose(np.array(by_libsvm.decode().split(","), dtype=float),
                               np.array(by_csv.decode().split(","), dtype=float), rtol=1e-6)
    with pytest.raises(ValidationError, match=r"uses feature index 40, but the model has 30 feature columns"):
        container_answer(predictor, b"40:1.0", "text/libsvm", "text/csv")
