"""SageMaker's CreateHyperParameterTuningJob request: exact shape, lossless round trips, bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tuning import (
    CategoricalParameter,
    CompletionCriteria,
    ContinuousParameter,
    IntegerParameter,
    TuningJobConfig,
    ValidationError,
    WarmStartConfig,
)
from tuning.cli import main
from tuning.sagemaker.request_json import (
    PLACEHOLDERS,
    from_sagemaker_request,
    is_sagemaker_request,
    read_tuning_job_json,
    to_sagemaker_request,
)

ROOT = Path(__file__).resolve().parent.parent

XGB_RANGES = {
    "eta": ContinuousParameter(0.1, 0.5, scaling_type="Linear"),
    "alpha": ContinuousParameter(0.001, 1000, scaling_type="Logarithmic"),
    "subsample": ContinuousParameter(0.9, 0.999, scaling_type="ReverseLogarithmic"),
    "colsample_bytree": ContinuousParameter(0.5, 1),
    "max_depth": IntegerParameter(1, 10),
    "num_round": IntegerParameter(10, 1000, scaling_type="Logarithmic"),
    "gamma": CategoricalParameter([0.0, 0.5, 2.5]),
}

CONFIGS = {
    "bundled-defaults": TuningJobConfig(dataset="iris"),
    "every-range-kind-and-scaling": TuningJobConfig(
        dataset="bank-marketing", objective_metric_name="validation:auc", objective_type="Maximize",
        hyperparameter_ranges=XGB_RANGES, static_hyperparameters={"min_child_weight": 2.5, "lambda": 1.0},
        max_jobs=30, max_parallel_jobs=3, max_runtime_seconds=3600, random_seed=7, name="bank-bayes"),
    "random-with-runtime-in-minutes": TuningJobConfig(
        dataset="iris", strategy="Random", max_runtime_seconds=90.0, early_stopping_type="Auto",
        objective_metric_name="validation:accuracy", static_hyperparameters={"num_round": 5}),
    "grid-knn-categoricals": TuningJobConfig(
        dataset="iris", algorithm="knn", strategy="Grid", strategy_config={"GridPoints": 4}, max_jobs=None,
        hyperparameter_ranges={"k": IntegerParameter(1, 30, scaling_type="Logarithmic"),
                               "weights": CategoricalParameter(["uniform", "distance"])},
        static_hyperparameters={"distance": "manhattan"}),
    "hyperband": TuningJobConfig(
        dataset="california-housing", strategy="Hyperband", strategy_config={"MinResource": 1, "MaxResource": 100},
        objective_metric_name="validation:rmse", objective_type="Minimize", max_jobs=50),
    "implicit-objective-type": TuningJobConfig(dataset="iris", objective_metric_name="validation:accuracy"),
    "completion-criteria": TuningJobConfig(
        dataset="breast_cancer", completion_criteria=CompletionCriteria(0.99, 5, True), random_seed=0),
    "one-completion-criterion": TuningJobConfig(
        dataset="breast_cancer", completion_criteria=CompletionCriteria(complete_on_convergence=True)),
    "warm-start-identical": TuningJobConfig(
        dataset="iris", warm_start_config=WarmStartConfig("IdenticalDataAndAlgorithm", ["iris-1"])),
    "warm-start-transfer": TuningJobConfig(
        dataset="iris", warm_start_config=WarmStartConfig("TransferLearning", ["a", "b-2", "c"])),
    "csv-path-with-target": TuningJobConfig(dataset=Path("/data/my folder/churn.csv"), target="churned",
                                            algorithm="random-forest", validation_fraction=0.3),
    "relative-csv-no-target": TuningJobConfig(dataset=Path("data/train.csv"), algorithm="linear-learner"),
    "validation-channel-csv": TuningJobConfig(dataset=Path("/d/train.csv"), validation_dataset=Path("/d/val.csv"),
                                              target="y", algorithm="mlp"),
    "validation-channel-named": TuningJobConfig(dataset="my-upload", validation_dataset="my-upload-test"),
    "random-forest-bootstrap": TuningJobConfig(
        dataset="iris", algorithm="random-forest",
        hyperparameter_ranges={"bootstrap": CategoricalParameter(["true", "false"]),
                               "max_features": ContinuousParameter(0.1, 1.0)},
        static_hyperparameters={"n_estimators": 50}),
    "empty-ranges": TuningJobConfig(dataset="iris", hyperparameter_ranges={}, static_hyperparameters={"eta": 0.2}),
}


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_round_trip_is_lossless(config):
    request = to_sagemaker_request(config)
    through_json = json.loads(json.dumps(request))
    assert is_sagemaker_request(through_json)
    assert from_sagemaker_request(through_json).to_dict() == config.to_dict()


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_values_are_strings_as_in_aws(config):
    request = to_sagemaker_request(config)
    definition = request["TrainingJobDefinition"]
    assert all(isinstance(v, str) for v in definition["StaticHyperParameters"].values())
    ranges = request["HyperParameterTuningJobConfig"].get("ParameterRanges", {})
    for kind in ("IntegerParameterRanges", "ContinuousParameterRanges"):
        for entry in ranges.get(kind, []):
            assert isinstance(entry["MinValue"], str) and isinstance(entry["MaxValue"], str)
    for entry in ranges.get("CategoricalParameterRanges", []):
        assert all(isinstance(v, str) for v in entry["Values"])
    for key, value in PLACEHOLDERS.items():
        assert definition[key] == value


HAND_WRITTEN = {
    "HyperParameterTuningJobName": "bank-bayes",
    "HyperParameterTuningJobConfig": {
        "Strategy": "Hyperband",
        "StrategyConfig": {"HyperbandStrategyConfig": {"MinResource": 1, "MaxResource": 100}},
        "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
        "ResourceLimits": {"MaxParallelTrainingJobs": 2, "MaxNumberOfTrainingJobs": 20, "MaxRuntimeInSeconds": 3600},
        "ParameterRanges": {
            "IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "1", "MaxValue": "10", "ScalingType": "Auto"}],
            "ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5", "ScalingType": "Linear"}],
            "CategoricalParameterRanges": [{"Name": "gamma", "Values": ["0.0", "1.5"]}],
        },
        "TrainingJobEarlyStoppingType": "Off",
        "TuningJobCompletionCriteria": {"TargetObjectiveMetricValue": 0.95},
        "RandomSeed": 42,
    },
    "TrainingJobDefinition": {
        "AlgorithmSpecification": {
            "TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
            "TrainingInputMode": "File",
        },
        "StaticHyperParameters": {"subsample": "0.8"},
        "InputDataConfig": [
            {"ChannelName": "train", "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": "tunelab://dataset/bank-marketing",
                "S3DataDistributionType": "FullyReplicated"}}, "ContentType": "text/csv"},
            {"ChannelName": "validation", "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": "file:///srv/bank/validation.csv",
                "S3DataDistributionType": "FullyReplicated"}}, "ContentType": "text/csv"},
        ],
        **PLACEHOLDERS,
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    },
    "WarmStartConfig": {"ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "bank-1"}],
                        "WarmStartType": "IdenticalDataAndAlgorithm"},
    "Tags": [{"Key": "tunelab:LabelColumn", "Value": "y"}],
}
HAND_WRITTEN_CONFIG = TuningJobConfig(
    name="bank-bayes", dataset="bank-marketing", validation_dataset=Path("/srv/bank/validation.csv"), target="y",
    algorithm="xgboost", objective_metric_name="validation:auc", objective_type="Maximize",
    hyperparameter_ranges={"max_depth": IntegerParameter(1, 10), "eta": ContinuousParameter(0.1, 0.5, "Linear"),
                           "gamma": CategoricalParameter([0.0, 1.5])},
    static_hyperparameters={"subsample": 0.8}, strategy="Hyperband",
    strategy_config={"MinResource": 1, "MaxResource": 100}, max_jobs=20, max_parallel_jobs=2,
    max_runtime_seconds=3600, random_seed=42, completion_criteria=CompletionCriteria(0.95),
    warm_start_config=WarmStartConfig("IdenticalDataAndAlgorithm", ["bank-1"]), training_job_max_runtime_seconds=3600,
)


def test_the_request_is_exactly_aws_shape():
    assert to_sagemaker_request(HAND_WRITTEN_CONFIG) == HAND_WRITTEN


def test_a_hand_written_request_reads_with_typed_values():
    config = from_sagemaker_request(HAND_WRITTEN)
    assert config.to_dict() == HAND_WRITTEN_CONFIG.to_dict()
    assert config.static_hyperparameters == {"subsample": 0.8}
    assert isinstance(config.hyperparameter_ranges["max_depth"].min_value, int)
    assert config.hyperparameter_ranges["gamma"].values == [0.0, 1.5]  # floats, from the catalogue


def test_a_sagemaker_file_reads_leniently():
    """What AWS users write: other regions' images, XGBoost's own statics (bounds are strings: AWS refuses numbers)."""
    request = copy.deepcopy(HAND_WRITTEN)
    del request["Tags"], request["WarmStartConfig"]
    request["TrainingJobDefinition"]["AlgorithmSpecification"]["TrainingImage"] = (
        "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.5-1")
    request["TrainingJobDefinition"]["StaticHyperParameters"] = {
        "num_round": "40", "objective": "binary:logistic", "eval_metric": "auc"}
    request["HyperParameterTuningJobConfig"]["ParameterRanges"]["IntegerParameterRanges"][0]["MinValue"] = " 2 "
    config = from_sagemaker_request(request)
    assert config.algorithm == "xgboost"
    assert config.static_hyperparameters == {"num_round": 40}  # objective, eval_metric: TuneLab's choice
    assert config.hyperparameter_ranges["max_depth"].min_value == 2


def test_either_shape_is_told_apart():
    tunelab = CONFIGS["every-range-kind-and-scaling"].to_dict()
    assert not is_sagemaker_request(tunelab) and is_sagemaker_request(HAND_WRITTEN)
    assert read_tuning_job_json(tunelab).to_dict() == tunelab


def test_tunelab_algorithms_get_a_tunelab_image_and_aws_builtins_theirs():
    images = {name: to_sagemaker_request(TuningJobConfig(dataset="iris", algorithm=name))
              ["TrainingJobDefinition"]["AlgorithmSpecification"]["TrainingImage"]
              for name in ("xgboost", "linear-learner", "knn", "random-forest", "mlp")}
    assert images["linear-learner"].endswith("/linear-learner:1") and images["knn"].endswith("/knn:1")
    assert images["random-forest"] == "tunelab/random-forest:latest" and images["mlp"] == "tunelab/mlp:latest"


def _bad(path: list, value, delete: bool = False) -> dict:
    request = copy.deepcopy(HAND_WRITTEN)
    target = request
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return request


_C, _D = "HyperParameterTuningJobConfig", "TrainingJobDefinition"
_INT0 = [_C, "ParameterRanges", "IntegerParameterRanges", 0]
_CHANNEL0 = [_D, "InputDataConfig", 0]


@pytest.mark.parametrize(
    "request_json, message",
    [
        (_bad([*_INT0, "MinValue"], "1.5"),
         r'HyperParameterTuningJobConfig\.ParameterRanges\.IntegerParameterRanges\[0\]\.MinValue: must be a string '
         r'holding a whole number, such as "1", but got .1\.5.'),
        # API_IntegerParameterRange: MinValue "Type: String"; a JSON number is refused, as AWS refuses it
        (_bad([*_INT0, "MinValue"], 2),
         r'IntegerParameterRanges\[0\]\.MinValue: must be a string, as AWS.s range bounds are: write "2"'),
        (_bad([*_INT0, "MaxValue"], "ten"), r"IntegerParameterRanges\[0\]\.MaxValue: must be a string holding"),
        (_bad([_C, "ParameterRanges", "ContinuousParameterRanges", 0, "MinValue"], "0.9"),
         r"ContinuousParameterRanges\[0\]: .*min_value < max_value"),
        (_bad([*_INT0, "Scaling"], "Auto"), r"IntegerParameterRanges\[0\]\.Scaling: unknown field"),
        (_bad([_C, "ParameterRanges", "CategoricalParameterRanges", 0, "Values"], "a,b"),
         r"CategoricalParameterRanges\[0\]\.Values: must be a list"),
        (_bad([_C, "ParameterRanges", "AutoParameters"], []), r"ParameterRanges\.AutoParameters: AutoParameters are Autotune.s .* add \"Autotune\""),
        (_bad([_C, "ResourceLimits", "MaxParallelTrainingJobs"], 1000),
         r"HyperParameterTuningJobConfig\.ResourceLimits\.MaxParallelTrainingJobs: "),
        (_bad([_C, "HyperParameterTuningJobObjective", "Type"], "Biggest"),
         r"HyperParameterTuningJobObjective\.Type: must be \"Maximize\" or \"Minimize\""),
        (_bad([_C, "TrainingJobEarlyStoppingType"], "Sometimes"), r"HyperParameterTuningJobConfig\.TrainingJobEarlyStoppingType"),
        (_bad([_C, "StrategyConfig", "HyperbandStrategyConfig", "MinResource"], "one"),
         r"StrategyConfig\.HyperbandStrategyConfig\.MinResource: must be a string holding a whole number"),
        (_bad([_C, "TuningJobCompletionCriteria", "BestObjectiveNotImproving"], {"MaxNumberOfTrainingJobsNotImproving": 2}),
         r"HyperParameterTuningJobConfig\.TuningJobCompletionCriteria\.BestObjectiveNotImproving"),
        (_bad([_C, "Colour"], "red"), r"HyperParameterTuningJobConfig\.Colour: unknown field"),
        (_bad([_D, "AlgorithmSpecification", "TrainingImage"], "my/own:latest"),
         r"TrainingJobDefinition\.AlgorithmSpecification\.TrainingImage: 'my/own:latest' is not an algorithm"),
        (_bad([_D, "AlgorithmSpecification"], None, delete=True), r"TrainingJobDefinition\.AlgorithmSpecification: required"),
        (_bad([*_CHANNEL0, "DataSource", "S3DataSource", "S3Uri"], "s3://bucket/train/"),
         r"TrainingJobDefinition\.InputDataConfig\[0\]\.DataSource\.S3DataSource\.S3Uri: TuneLab reads local data"),
        (_bad([*_CHANNEL0, "ContentType"], "application/x-recordio-protobuf"),
         r"InputDataConfig\[0\]\.ContentType: TuneLab reads \"text/csv\" and, for XGBoost, \"text/libsvm\", but got .application/x-recordio-protobuf."),
        (_bad([*_CHANNEL0, "ChannelName"], "test"), r"InputDataConfig\[0\]\.ChannelName: TuneLab reads the channels"),
        (_bad([_D, "StaticHyperParameters", "subsample"], "most"),
         r"TrainingJobDefinition\.StaticHyperParameters\.subsample: hyperparameter .subsample. must be a number"),  # the gate set_hyperparameters uses
        (_bad([_D, "StaticHyperParameters", "max_depth"], "2.5"),
         r"StaticHyperParameters\.max_depth: hyperparameter .max_depth. must be a whole number"),
        (_bad(["WarmStartConfig", "WarmStartType"], "Lukewarm"), r"WarmStartConfig\.WarmStartType: must be"),
        (_bad(["Tags", 0, "Key"], "tunelab:Colour"), r"Tags\[0\]\.Key: unknown TuneLab tag"),
        (_bad(["HyperParameterTuningJobName"], "bad name!"), r"HyperParameterTuningJobName: tuning job name"),
        (_bad(["TrainingJobDefinitions"], []), r"TrainingJobDefinitions: a tuning job over several training job definitions runs with `python -m tuning run FILE`"),
        (_bad([_C], None, delete=True), r"HyperParameterTuningJobConfig: required"),
        ([HAND_WRITTEN], r"the request: must be a JSON object"),
    ],
)
def test_bad_requests_name_the_json_path(request_json, message):
    with pytest.raises(ValidationError, match=message):
        from_sagemaker_request(request_json)


def test_a_job_runs_from_an_aws_file_through_the_cli_and_exports_back(tmp_path, capsys):
    rows = ["x1,x2,label"] + [f"{i % 7},{(i * 3) % 5},{'a' if i % 3 else 'b'}" for i in range(60)]
    (tmp_path / "data.csv").write_text("\n".join(rows))
    config = TuningJobConfig(
        dataset=Path("data.csv"), target="label", algorithm="xgboost", objective_metric_name="validation:accuracy",
        hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(1, 4)},
        static_hyperparameters={"num_round": 3}, strategy="Random", max_jobs=2, random_seed=1, name="aws-file")
    request = to_sagemaker_request(config)
    assert request["TrainingJobDefinition"]["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == "file:data.csv"
    (tmp_path / "job.json").write_text(json.dumps(request))
    store = str(tmp_path / "s.db")
    assert main(["--store", store, "run", str(tmp_path / "job.json"), "--quiet"]) == 0
    assert "Best training job: aws-file-" in capsys.readouterr().out

    assert main(["--store", store, "export", "aws-file"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert is_sagemaker_request(exported)
    uri = exported["TrainingJobDefinition"]["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"]
    assert uri == (tmp_path / "data.csv").resolve().as_uri()  # resolved against the file when it ran
    again = from_sagemaker_request(exported)
    assert again.to_dict() == config.replace(dataset=(tmp_path / "data.csv").resolve()).to_dict()

    assert main(["--store", store, "export", "aws-file", "--format", "tunelab"]) == 0
    assert TuningJobConfig.from_dict(json.loads(capsys.readouterr().out)).to_dict() == again.to_dict()
    assert main(["--store", store, "export", "nobody"]) == 2
    assert "error: no tuning job named 'nobody'" in capsys.readouterr().err


def test_the_example_file_is_aws_shaped_and_valid():
    data = json.loads((ROOT / "examples" / "sagemaker-bank-xgboost.json").read_text())
    assert is_sagemaker_request(data)
    config = from_sagemaker_request(data)
    assert (config.dataset, config.algorithm, config.strategy) == ("bank-marketing", "xgboost", "Bayesian")
    assert config.static_hyperparameters == {"num_round": 50}
