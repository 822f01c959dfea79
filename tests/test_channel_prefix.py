"""A channel that is a folder or a path prefix of CSV shards is one channel, as an S3 prefix is.

AWS, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html (S3DataType):
"If you choose S3Prefix, S3Uri identifies a key name prefix. SageMaker uses all objects that
match the specified key name prefix for model training."

Real tuning jobs on the bundled breast_cancer data, written once as one CSV and once split into
three shards (SageMaker's headerless format, label first): the same data gives the same rows.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tuning import ContinuousParameter, HyperparameterTuner, IntegerParameter, TrainingInput, ValidationError
from tuning.datasets import load_dataset
from tuning.datasets.fingerprint import data_fingerprint, describe_difference
from tuning.datasets.shards import csv_shards, load_csv_channel
from tuning.records import TuningJobStatus
from tuning.running.resume_point import prepare_resume
from tuning.running.runner import run_tuning_job
from tuning.sagemaker.estimators import XGBoost
from tuning.sagemaker.request_json import read_tuning_job_json, to_sagemaker_request

RANGES = {"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(1, 4)}


def _frame() -> pd.DataFrame:
    dataset = load_dataset("breast_cancer")
    frame = pd.concat([dataset.target, dataset.features], axis=1)  # label first, as in SageMaker
    frame[dataset.target_name] = (frame[dataset.target_name] == "malignant").astype(int)
    return frame


@pytest.fixture
def data(tmp_path):
    """``whole.csv``, the same rows as ``train/train_0.csv ... train_2.csv``, and ``validation.csv``."""
    frame = _frame()
    train, validation = frame.iloc[:450], frame.iloc[450:]
    train.to_csv(tmp_path / "whole.csv", index=False, header=False)
    (tmp_path / "train").mkdir()
    for number, rows in enumerate((train.iloc[:150], train.iloc[150:300], train.iloc[300:])):
        rows.to_csv(tmp_path / "train" / f"train_{number}.csv", index=False, header=False)
    validation.to_csv(tmp_path / "validation.csv", index=False, header=False)
    return tmp_path


def _request(train_uri: str, validation_uri: str, name: str) -> dict:
    """AWS's CreateHyperParameterTuningJob request, as a notebook would send it."""
    def channel(channel_name: str, uri: str) -> dict:
        return {"ChannelName": channel_name, "ContentType": "text/csv", "DataSource": {"S3DataSource": {
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
            "AlgorithmSpecification": {"TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/"
                                                        "sagemaker-xgboost:1.7-1", "TrainingInputMode": "File"},
            "StaticHyperParameters": {"num_round": "8"},
            "InputDataConfig": [channel("train", train_uri), channel("validation", validation_uri)],
            "RoleArn": "arn:aws:iam::111122223333:role/x", "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
            "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        },
    }


def _rows(store, name: str) -> list[tuple]:
    return [(job.status, job.hyperparameters, job.final_objective_value, job.intermediate_values)
            for job in store.training_jobs(name)]


def test_a_folder_of_shards_reads_as_the_one_file_it_was_split_from(data):
    shards, others = csv_shards(data / "train")
    assert [shard.name for shard in shards] == ["train_0.csv", "train_1.csv", "train_2.csv"] and others == []
    whole, sharded = load_csv_channel(data / "whole.csv"), load_csv_channel(data / "train")
    assert sharded.rows == whole.rows == 450
    pd.testing.assert_frame_equal(sharded.features, whole.features)
    pd.testing.assert_series_equal(sharded.target, whole.target)
    assert "read 3 CSV shard(s) as one channel" in sharded.notes[0]
    # A key name prefix, as S3's: every file whose path starts with it.
    by_prefix = load_csv_channel(str(data / "train" / "train_"))
    pd.testing.assert_frame_equal(by_prefix.features, whole.features)


def test_the_json_path_tunes_a_folder_channel_as_the_one_file(store, data):
    one = read_tuning_job_json(_request(f"file://{data / 'whole.csv'}", f"file://{data / 'validation.csv'}", "one"))
    folder = read_tuning_job_json(_request(f"file://{data / 'train'}/", f"file://{data / 'validation.csv'}",
                                           "folder"))
    assert run_tuning_job(one, store).status == run_tuning_job(folder, store).status == "Completed"
    assert _rows(store, "one") == _rows(store, "folder") and len(_rows(store, "one")) == 3
    recorded = [store.get_tuning_job(name).config["RunRecord"]["DataFingerprint"] for name in ("one", "folder")]
    assert recorded[0] == recorded[1]
    # Exported, the folder is still the channel's S3Uri, an S3Prefix.
    exported = to_sagemaker_request(folder)["TrainingJobDefinition"]["InputDataConfig"][0]["DataSource"]
    assert exported["S3DataSource"]["S3DataType"] == "S3Prefix"
    assert exported["S3DataSource"]["S3Uri"] == f"file://{data / 'train'}"


def test_the_sdk_path_tunes_a_folder_channel_as_the_one_file(store, data):
    def fit(train) -> list[tuple]:
        estimator = XGBoost(role="arn:aws:iam::1:role/x", instance_count=1, instance_type="ml.m5.xlarge")
        estimator.set_hyperparameters(num_round="8", objective="binary:logistic")
        tuner = HyperparameterTuner(estimator, "validation:auc", RANGES, strategy="Random", max_jobs=3,
                                    random_seed=5, store=store)
        tuner.fit({"train": train, "validation": str(data / "validation.csv")})
        return _rows(store, tuner.latest_tuning_job.name)

    whole = fit(str(data / "whole.csv"))
    assert fit(f"{data / 'train'}/") == whole
    assert fit(TrainingInput(f"file://{data / 'train'}", content_type="text/csv")) == whole
    assert len(whole) == 3 and all(status == "Completed" for status, *_ in whole)


def test_a_shard_with_other_columns_is_refused_by_name(store, data):
    frame = _frame()
    frame.iloc[:20, :-1].to_csv(data / "train" / "train_3.csv", index=False, header=False)  # one column fewer
    with pytest.raises(ValidationError, match=r"CSV shard '.*train_3\.csv' has 30 columns, but '.*train_0\.csv', "
                                              r"the first shard, has 31"):
        load_csv_channel(data / "train")
    request = _request(f"file://{data / 'train'}", f"file://{data / 'validation.csv'}", "odd")
    with pytest.raises(ValidationError, match=r"train_3\.csv"):
        run_tuning_job(read_tuning_job_json(request), store)


def test_headed_shards_must_share_their_header(tmp_path):
    (tmp_path / "a.csv").write_text("x,y,label\n1,2,0\n3,4,1\n")
    (tmp_path / "b.csv").write_text("x,z,label\n5,6,0\n")
    with pytest.raises(ValidationError, match=r"CSV shard '.*b\.csv' has other columns than '.*a\.csv', the first "
                                              r"shard: it lacks 'y'; it adds 'z'"):
        load_csv_channel(tmp_path)
    (tmp_path / "b.csv").write_text("x;y;label\n5;6;0\n")
    with pytest.raises(ValidationError, match=r"b\.csv' is written differently from .*separated by ';'"):
        load_csv_channel(tmp_path)
    (tmp_path / "b.csv").write_text("x,y,label\n5,6,0\n7,8,1\n")
    dataset = load_csv_channel(tmp_path)
    assert dataset.rows == 4 and list(dataset.target) == [0, 1, 0, 1]


def test_an_empty_folder_or_a_prefix_matching_nothing_is_refused_by_name(store, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValidationError, match=r"the folder '.*empty' holds no \.csv file \(it is empty\)"):
        csv_shards(tmp_path / "empty")
    with pytest.raises(ValidationError, match=r"as a path prefix it matches no \.csv file"):
        csv_shards(tmp_path / "train_")
    with pytest.raises(ValidationError, match=r"inputs\['train'\]: the folder '.*empty' holds no \.csv file"):
        HyperparameterTuner(XGBoost(num_round=3), "validation:auc", RANGES, store=store).fit(
            {"train": str(tmp_path / "empty")})


def test_manifest_files_are_refused_in_words(data):
    with pytest.raises(ValidationError, match=r"TrainingInput s3_data_type: 'ManifestFile' is not supported"):
        TrainingInput(str(data / "train"), s3_data_type="ManifestFile")
    request = _request(f"file://{data / 'train'}", f"file://{data / 'validation.csv'}", "manifest")
    request["TrainingJobDefinition"]["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3DataType"] = "ManifestFile"
    with pytest.raises(ValidationError, match=r"InputDataConfig\[0\]\.DataSource\.S3DataSource\.S3DataType: "
                                              r"'ManifestFile' is not supported"):
        read_tuning_job_json(request)


def test_a_changed_shard_changes_the_fingerprint_and_refuses_a_resume(store, data):
    validation = load_csv_channel(data / "validation.csv")
    before = data_fingerprint(load_csv_channel(data / "train"), validation)
    config = read_tuning_job_json(_request(f"file://{data / 'train'}", f"file://{data / 'validation.csv'}", "res"))
    run_tuning_job(config, store)
    store.update_tuning_job("res", status=TuningJobStatus.INTERRUPTED)  # as if its process had died
    shard = data / "train" / "train_1.csv"
    shard.write_text(shard.read_text().replace("1,", "0,", 1))  # one label in the middle shard
    after = data_fingerprint(load_csv_channel(data / "train"), validation)
    assert describe_difference(before, after) == "the same rows and columns, but different values"
    with pytest.raises(ValidationError, match=r"cannot resume tuning job 'res': its data changed"):
        prepare_resume("res", store)


def test_every_csv_under_the_folder_counts_in_path_order_and_other_files_are_left_out(tmp_path):
    (tmp_path / "train" / "b").mkdir(parents=True)
    (tmp_path / "train" / "b" / "x.csv").write_text('"x\nfirst",label\n5,1\n6,0\n')  # a quoted header over two lines
    (tmp_path / "train" / "a.csv").write_text('"x\nfirst",label\n1,0\n2,1')  # no newline at the end
    (tmp_path / "train" / "README.md").write_text("not data\n")
    dataset = load_csv_channel(tmp_path / "train")
    assert list(dataset.features.iloc[:, 0]) == [1, 2, 5, 6] and list(dataset.target) == [0, 1, 1, 0]
    assert any("left out 1 file(s) that are not .csv: 'README.md'" in note for note in dataset.notes)
    with pytest.raises(ValidationError, match=r"the 2 CSV shard\(s\) under .* more than the cap of 10 \(max_bytes\)"):
        load_csv_channel(tmp_path / "train", max_bytes=10)


def test_a_folder_linked_into_itself_is_read_once(tmp_path):
    (tmp_path / "train").mkdir()
    (tmp_path / "train" / "a.csv").write_text("x,label\n1,0\n2,1\n")
    (tmp_path / "train" / "loop").symlink_to(tmp_path / "train", target_is_directory=True)
    shards, _ = csv_shards(tmp_path / "train")
    assert [shard.name for shard in shards] == ["a.csv"]
