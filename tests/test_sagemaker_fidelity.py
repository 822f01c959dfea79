"""AWS's own material runs as AWS runs it (issue 17, points 1 and 4): ranges, Hyperband's resource,
strategy names, string statics, Grid's categorical ranges and the fields that must round-trip.

Every test checks a value AWS documents, and quotes the page (URL and sentence) it comes from.
"""

from __future__ import annotations

import copy
import json
import re

import numpy as np
import pytest

from tuning import CategoricalParameter, ContinuousParameter, IntegerParameter, TuningJobConfig
from tuning.algorithms import TrainingData, get_algorithm
from tuning.errors import ValidationError
from tuning.job.preparation import prepare
from tuning.job.range_rules import check_ranges
from tuning.metrics import BINARY, get_metric
from tuning.parameters import ScalingType
from tuning.running.runner import run_tuning_job
from tuning.sagemaker.request_json import from_sagemaker_request, read_tuning_job_json, to_sagemaker_request
from tuning.strategies import create_strategy

XGBOOST_PAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/xgboost_hyperparameters.html"
HYPERBAND_NOTEBOOK = ("https://github.com/aws/amazon-sagemaker-examples/blob/main/build_and_train_models/"
                      "sm-hyperparameter_tuning_hyperband_automatic_model_tuning.ipynb")
HYPERBAND_API = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperbandStrategyConfig.html"
DEFINE_RANGES = "https://docs.aws.amazon.com/sagemaker/latest/dg/automatic-model-tuning-define-ranges.html"
HOW_IT_WORKS = "https://docs.aws.amazon.com/sagemaker/latest/dg/automatic-model-tuning-how-it-works.html"
TUNING_CONFIG_API = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperParameterTuningJobConfig.html"
DEFINITION_API = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperParameterTrainingJobDefinition.html"
XGBOOST = get_algorithm("xgboost")

AWS_HYPERBAND_RANGES = {  # HYPERBAND_NOTEBOOK's hyperparameter_ranges, as written there
    "num_round": IntegerParameter(100, 200),
    "eta": ContinuousParameter(0, 1),
    "min_child_weight": ContinuousParameter(1, 10),
    "alpha": ContinuousParameter(0, 2),
    "max_depth": IntegerParameter(1, 10),
    "colsample_bylevel": ContinuousParameter(0, 1),
    "colsample_bytree": ContinuousParameter(0, 1),
}


def _request(**tuning_changes) -> dict:
    """A CreateHyperParameterTuningJob request in AWS's shape, values as strings."""
    request = {
        "HyperParameterTuningJobName": "fidelity",
        "HyperParameterTuningJobConfig": {
            "Strategy": "Bayesian",
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1},
            "ParameterRanges": {"ContinuousParameterRanges": [
                {"Name": "eta", "MinValue": "0", "MaxValue": "1", "ScalingType": "Auto"}]},
            "TrainingJobEarlyStoppingType": "Off",
        },
        "TrainingJobDefinition": {
            "AlgorithmSpecification": {"TrainingImage": XGBOOST.training_image(), "TrainingInputMode": "File"},
            "StaticHyperParameters": {"num_round": "10"},
            "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": "tunelab://dataset/breast_cancer",
                "S3DataDistributionType": "FullyReplicated"}}, "ContentType": "text/csv"}],
        },
    }
    request["HyperParameterTuningJobConfig"].update(tuning_changes)
    return request


def _message(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return str(caught.value)


# -- 1. ranges as AWS allows them --------------------------------------------------------------
@pytest.mark.parametrize("name, parameter, aws_says", [
    ("eta", ContinuousParameter(0, 1), "eta ... Valid values: Float. Range: [0,1]. Default value: 0.3"),
    ("colsample_bylevel", ContinuousParameter(0, 1), "colsample_bylevel ... Valid values: Float. Range: [0,1]."),
    ("colsample_bytree", ContinuousParameter(0, 1), "colsample_bytree ... Valid values: Float. Range: [0,1]."),
    ("subsample", ContinuousParameter(0, 1), "subsample ... Valid values: Float. Range: [0,1]. Default value: 1"),
    ("max_depth", IntegerParameter(0, 100), "max_depth ... Valid values: Integer. Range: [0,∞) Default value: 6"),
])
def test_every_range_aws_documents_as_valid_is_accepted(name, parameter, aws_says):
    # XGBOOST_PAGE: aws_says; HYPERBAND_NOTEBOOK tunes eta and colsample_* as ContinuousParameter(0, 1).
    assert check_ranges(XGBOOST, {name: parameter})[name] == parameter


def test_aws_hyperband_notebooks_ranges_are_accepted_as_written():
    # HYPERBAND_NOTEBOOK: "eta": ContinuousParameter(0, 1), "colsample_bylevel": ContinuousParameter(0, 1), ...
    assert check_ranges(XGBOOST, AWS_HYPERBAND_RANGES) == AWS_HYPERBAND_RANGES


def test_a_range_past_awss_domain_is_still_refused_and_the_json_path_quoted():
    # XGBOOST_PAGE: eta "Range: [0,1]", so 0 to 1.5 reaches past it.
    request = _request(ParameterRanges={"ContinuousParameterRanges": [
        {"Name": "eta", "MinValue": "0", "MaxValue": "1.5"}]})
    message = _message(lambda: from_sagemaker_request(request))
    assert message.startswith("HyperParameterTuningJobConfig.ParameterRanges.ContinuousParameterRanges[0]: ")
    assert "'eta' is valid in [0, 1]" in message


def test_a_range_from_zero_stays_linear_under_auto_as_no_logarithm_starts_at_zero():
    # DEFINE_RANGES: "Logarithmic scaling works only for ranges that have values greater than 0", so Auto cannot
    # pick it for 0 to 1. The old forced 0.0001 made Auto Logarithmic: half the draws fell below 0.01.
    eta = ContinuousParameter(0, 1)
    assert eta.effective_scaling is ScalingType.LINEAR
    draws = [point["eta"] for point in create_strategy("Random", {"eta": eta}, random_seed=3).suggest(400)]
    below = sum(value < 0.01 for value in draws) / len(draws)
    assert below < 0.05, below  # Linear: about 1% of the draws; Logarithmic over 1e-4..1: 50%
    assert ContinuousParameter(0.0001, 1).effective_scaling is ScalingType.LOGARITHMIC  # what the workaround did


def _binary_data(seed: int = 0) -> TrainingData:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(300, 6))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(float)
    return TrainingData(x[:200], y[:200], x[200:], y[200:], BINARY, n_classes=2)


class _Quiet:
    def report(self, step: int, value: float, train_value: float | None = None) -> bool:
        return False


def test_values_at_the_ends_of_the_domain_train_as_xgboost_trains_them():
    # XGBOOST_PAGE: eta "Range: [0,1]"; XGBoost itself accepts eta=0 and colsample_bytree=0 and trains.
    data = _binary_data()
    metric = get_metric("validation:auc", problem_type=BINARY)
    defaults = XGBOOST.resolve({"num_round": 5})
    frozen = XGBOOST.fit({**defaults, "eta": 0.0}, data, metric, _Quiet(), seed=1)
    output = XGBOOST.output(frozen, data.x_validation)[:, 1]
    assert np.ptp(output) == 0  # every tree's weight shrunk to 0: the model stays at its base score
    learning = XGBOOST.fit({**defaults, "eta": 0.3}, data, metric, _Quiet(), seed=1)
    assert np.ptp(XGBOOST.output(learning, data.x_validation)[:, 1]) > 0
    one_column = XGBOOST.fit({**defaults, "colsample_bytree": 0.0}, data, metric, _Quiet(), seed=1)
    used = [set(re.findall(r"\[f(\d+)<", tree)) for tree in one_column.estimator.get_dump()]
    assert all(len(columns) == 1 for columns in used), used  # XGBoost keeps at least one column per tree


def test_a_tuning_job_over_awss_ranges_from_zero_runs(store):
    config = TuningJobConfig(dataset="breast_cancer", hyperparameter_ranges={
        "eta": ContinuousParameter(0, 1), "colsample_bytree": ContinuousParameter(0, 1)},
        static_hyperparameters={"num_round": 5}, strategy="Random", max_jobs=3, random_seed=2)
    job = run_tuning_job(config, store)
    assert job.status == "Completed"
    assert {training.status for training in store.training_jobs(job.name)} == {"Completed"}


# -- 1. Hyperband with the resource tuned -----------------------------------------------------------
def test_hyperband_with_num_round_tuned_trains_each_job_up_to_max_resource(store):
    # HYPERBAND_NOTEBOOK: "num_round": IntegerParameter(100, 200) with HyperbandStrategyConfig(max_resource=30,
    # min_resource=1). HYPERBAND_API, MaxResource: "Once a job reaches the MaxResource value, it is stopped."
    config = TuningJobConfig(
        dataset="breast_cancer", strategy="Hyperband", strategy_config={"MinResource": 1, "MaxResource": 30},
        hyperparameter_ranges={"num_round": IntegerParameter(100, 200), "eta": ContinuousParameter(0, 1)},
        max_jobs=4, max_parallel_jobs=1, random_seed=5)
    prepared = prepare(config)
    assert (prepared.min_resource, prepared.max_resource) == (1, 30)
    assert prepared.training_hyperparameters({"num_round": 150, "eta": 0.2})["num_round"] == 30
    job = run_tuning_job(config, store)
    training_jobs = store.training_jobs(job.name)
    assert len(training_jobs) == 4
    for training in training_jobs:
        assert 100 <= training.hyperparameters["num_round"] <= 200  # the drawn value is the one recorded
        assert training.intermediate_values and training.intermediate_values[-1][0] <= 30
    completed = [training for training in training_jobs if training.status == "Completed"]
    assert completed and all(training.intermediate_values[-1][0] == 30 for training in completed)


def test_hyperband_with_num_round_tuned_and_no_max_resource_grows_to_the_ranges_top():
    # HYPERBAND_API: MaxResource "The maximum number of resources (such as epochs) that can be used by a training job";
    # AMT infers it only from epochs-like statics; TuneLab takes the tuned range's top, so no job is cut short.
    config = TuningJobConfig(dataset="breast_cancer", strategy="Hyperband",
                             hyperparameter_ranges={"num_round": IntegerParameter(10, 40)}, max_jobs=2)
    prepared = prepare(config)
    assert prepared.max_resource == 40
    assert prepared.training_hyperparameters({"num_round": 25})["num_round"] == 25


# -- 4. what AWS refuses, TuneLab refuses on AWS's JSON ---------------------------------------------
def test_strategy_names_are_case_sensitive_in_awss_json():
    # TUNING_CONFIG_API, Strategy: "To use the Bayesian search strategy, set this to Bayesian. To randomly search,
    # set it to Random." (Valid Values: Bayesian | Random | Hyperband | Grid)
    message = _message(lambda: from_sagemaker_request(_request(Strategy="random")))
    assert message.startswith("HyperParameterTuningJobConfig.Strategy: must be one of 'Grid', 'Random', 'Bayesian', "
                              "'Hyperband'")
    assert "Write it 'Random'" in message and "case-sensitive" in message
    assert from_sagemaker_request(_request(Strategy="Random")).strategy == "Random"
    # TuneLab's own JSON and the Python API keep any letter case; written for AWS, the name is AWS's.
    tunelab = TuningJobConfig.from_dict({"Dataset": "iris", "Strategy": "random"})
    assert tunelab.strategy == "random"
    assert to_sagemaker_request(tunelab)["HyperParameterTuningJobConfig"]["Strategy"] == "Random"


def test_static_hyperparameters_must_be_strings_in_awss_json():
    # DEFINITION_API, StaticHyperParameters: "Type: String to string map".
    request = _request()
    request["TrainingJobDefinition"]["StaticHyperParameters"] = {"num_round": 10}
    message = _message(lambda: from_sagemaker_request(request))
    assert message.startswith("TrainingJobDefinition.StaticHyperParameters.num_round: must be a string")
    assert '"num_round": "10"' in message
    request["TrainingJobDefinition"]["StaticHyperParameters"] = {"num_round": "10"}
    assert from_sagemaker_request(request).static_hyperparameters == {"num_round": 10}
    # TuneLab's own JSON keeps taking numbers.
    assert TuningJobConfig.from_dict({"Dataset": "iris", "StaticHyperparameters": {"num_round": 10}}
                                     ).static_hyperparameters == {"num_round": 10}


def test_grid_takes_only_categorical_ranges_in_awss_json_unless_a_tag_asks_for_tunelabs_grid():
    # HOW_IT_WORKS, Grid Search: "Only categorical parameters are supported when using the grid search strategy."
    numeric = _request(Strategy="Grid")
    message = _message(lambda: from_sagemaker_request(numeric))
    assert message.startswith("HyperParameterTuningJobConfig.ParameterRanges: the Grid strategy takes only "
                              "CategoricalParameterRanges")
    assert "'eta' is a numeric range" in message and '"tunelab:NumericGrid", "Value": "true"' in message
    no_ranges = _request(Strategy="Grid")
    del no_ranges["HyperParameterTuningJobConfig"]["ParameterRanges"]
    assert "the algorithm's default ranges" in _message(lambda: from_sagemaker_request(no_ranges))

    categorical = _request(Strategy="Grid", ParameterRanges={"CategoricalParameterRanges": [
        {"Name": "max_depth", "Values": ["2", "4"]}]})
    assert from_sagemaker_request(categorical).hyperparameter_ranges == {"max_depth": CategoricalParameter([2, 4])}

    tagged = copy.deepcopy(numeric)
    tagged["Tags"] = [{"Key": "tunelab:NumericGrid", "Value": "true"}]
    config = from_sagemaker_request(tagged)
    assert config.hyperparameter_ranges == {"eta": ContinuousParameter(0.0, 1.0)}
    # Exported, TuneLab's numeric grid carries the tag, so it reads back; the Python API needs none.
    written = to_sagemaker_request(TuningJobConfig(dataset="iris", strategy="Grid", max_jobs=None,
                                                   hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)}))
    assert {"Key": "tunelab:NumericGrid", "Value": "true"} in written["Tags"]
    assert from_sagemaker_request(json.loads(json.dumps(written))).strategy == "Grid"
    bad_tag = copy.deepcopy(numeric)
    bad_tag["Tags"] = [{"Key": "tunelab:NumericGrid", "Value": "yes"}]
    assert _message(lambda: from_sagemaker_request(bad_tag)).startswith("Tags[tunelab:NumericGrid]: must be")


RECORDED = {
    "RoleArn": "arn:aws:iam::123456789012:role/MyTuningRole",
    "OutputDataConfig": {"S3OutputPath": "s3://my-bucket/tuning/output"},
    "ResourceConfig": {"InstanceType": "ml.m5.2xlarge", "InstanceCount": 3, "VolumeSizeInGB": 30},
    "RetryStrategy": {"MaximumRetryAttempts": 2},
    "Environment": {"MY_FLAG": "on"},
    "EnableManagedSpotTraining": True,
    "CheckpointConfig": {"S3Uri": "s3://my-bucket/checkpoints"},
    "VpcConfig": {"SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": ["subnet-0123456789abcdef0"]},
}


def test_definition_fields_accepted_on_read_are_written_back_on_export(store):
    # DEFINITION_API lists RetryStrategy ("The number of times to retry the job when the job fails due to an
    # InternalServerError"), Environment, EnableManagedSpotTraining, CheckpointConfig and VpcConfig among the
    # fields of a HyperParameterTrainingJobDefinition; none changes training here, and all come back as read.
    request = _request()
    request["TrainingJobDefinition"].update(copy.deepcopy(RECORDED))
    config = from_sagemaker_request(json.loads(json.dumps(request)))
    assert dict(config.recorded_definition_fields) == RECORDED
    definition = to_sagemaker_request(config)["TrainingJobDefinition"]
    assert {key: definition[key] for key in RECORDED} == RECORDED
    # Through the store, as `python -m tuning export` reads it: TuneLab's JSON keeps them too.
    through_store = read_tuning_job_json(json.loads(json.dumps(config.to_dict())))
    assert to_sagemaker_request(through_store)["TrainingJobDefinition"] == definition
    job = run_tuning_job(config.replace(name="recorded", max_jobs=1), store)
    stored = TuningJobConfig.from_dict(store.get_tuning_job(job.name).config)
    assert to_sagemaker_request(stored)["TrainingJobDefinition"]["RetryStrategy"] == {"MaximumRetryAttempts": 2}


def test_recorded_fields_on_the_python_api_are_checked_by_name():
    message = _message(lambda: TuningJobConfig(dataset="iris", recorded_definition_fields={"Colour": 1}).check_limits())
    assert "recorded_definition_fields has unknown field(s) Colour" in message
