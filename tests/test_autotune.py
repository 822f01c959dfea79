"""AMT's Autotune (``"Autotune": {"Mode": "Enabled"}``), HyperParameterTuningResourceConfig, and
TrainingJobDefinitions: AWS's request fields TuneLab used to refuse (issue 17, point 5)."""

from __future__ import annotations

import copy
import json

import pytest

from tuning import HyperparameterTuner
from tuning.cli import main
from tuning.errors import ValidationError
from tuning.job.autotune import Autotune, choose_max_jobs, choose_max_parallel_jobs
from tuning.job.autotune_choice import apply_autotune
from tuning.job.config import TuningJobConfig
from tuning.job.preparation import prepare
from tuning.parameters import ContinuousParameter, IntegerParameter
from tuning.sagemaker.estimators import XGBoost
from tuning.sagemaker.request_json import from_sagemaker_request, to_sagemaker_request

_XGB_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


def _request(**tuning_fields) -> dict:
    """AWS's request with Autotune: the tuning config holds only the objective and what is passed."""
    return {
        "HyperParameterTuningJobName": "autotuned",
        "Autotune": {"Mode": "Enabled"},
        "HyperParameterTuningJobConfig": {
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:accuracy"},
            **tuning_fields},
        "TrainingJobDefinition": {
            "AlgorithmSpecification": {"TrainingImage": _XGB_IMAGE, "TrainingInputMode": "File"},
            "StaticHyperParameters": {"num_round": "5"},
            "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": "tunelab://dataset/iris",
                "S3DataDistributionType": "FullyReplicated"}}, "ContentType": "text/csv"}]},
    }


# -- what AWS documents --------------------------------------------------------------------------
def test_autotune_mode_takes_enabled_only():
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Autotune.html: "Mode: Set Mode to Enabled if
    # you want to use Autotune. Type: String. Valid Values: Enabled. Required: Yes"
    assert from_sagemaker_request(_request()).autotune is not None
    for bad in ({"Mode": "Disabled"}, {}):
        request = _request()
        request["Autotune"] = bad
        with pytest.raises(ValidationError, match=r"^Autotune\.Mode: the only value is \"Enabled\""):
            from_sagemaker_request(request)
    request = _request()
    request["Autotune"]["Level"] = "High"
    with pytest.raises(ValidationError, match=r"Autotune\.Level"):
        from_sagemaker_request(request)


def test_settings_the_request_leaves_out_are_autotunes_and_the_given_ones_are_kept():
    # API_Autotune.html: "A flag to indicate if you want to use Autotune to automatically find optimal values for
    # the following fields: ParameterRanges ... ResourceLimits ... TrainingJobEarlyStoppingType ... RetryStrategy
    # ... Strategy". What the request gives, it keeps.
    left_out = from_sagemaker_request(_request())
    assert set(left_out.autotune.to_choose) == {"Strategy", "MaxNumberOfTrainingJobs", "MaxParallelTrainingJobs",
                                                "TrainingJobEarlyStoppingType"}
    given = from_sagemaker_request(_request(
        Strategy="Random", ResourceLimits={"MaxParallelTrainingJobs": 2}, TrainingJobEarlyStoppingType="Off",
        ParameterRanges={"ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.2", "MaxValue": "0.3"}]}))
    assert given.autotune.to_choose == ("MaxNumberOfTrainingJobs",)
    chosen = apply_autotune(given, rows=150)
    assert (chosen.strategy, chosen.max_parallel_jobs, chosen.early_stopping_type) == ("Random", 2, "Off")
    assert chosen.hyperparameter_ranges == {"eta": ContinuousParameter(0.2, 0.3)}
    assert chosen.max_jobs == 10  # one tuned hyperparameter: 10 per hyperparameter, at least 10
    assert chosen.autotune.chosen == ("MaxNumberOfTrainingJobs",)


def test_auto_parameters_get_the_catalogues_range_or_stay_at_their_hint():
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AutoParameter.html: "The name and an example
    # value of the hyperparameter that you want to use in Autotune. If Automatic model tuning (AMT) determines that
    # your hyperparameter is eligible for Autotune, an optimal hyperparameter range is selected for you."
    request = _request(ParameterRanges={"AutoParameters": [{"Name": "eta", "ValueHint": "0.3"},
                                                           {"Name": "max_depth", "ValueHint": "6"},
                                                           {"Name": "grow_policy", "ValueHint": "lossguide"}]})
    config = from_sagemaker_request(request)
    assert config.hyperparameter_ranges is None  # AutoParameters only: the ranges are Autotune's
    assert config.autotune.auto_parameters == {"eta": "0.3", "max_depth": "6", "grow_policy": "lossguide"}
    chosen = apply_autotune(config, rows=150)
    xgboost_specs = __import__("tuning.algorithms", fromlist=["get_algorithm"]).get_algorithm("xgboost").hyperparameters
    assert chosen.hyperparameter_ranges == {"eta": xgboost_specs["eta"].default_range,
                                            "max_depth": xgboost_specs["max_depth"].default_range}
    assert chosen.static_hyperparameters == {"num_round": 5, "grow_policy": "lossguide"}  # not tunable: its hint
    assert chosen.max_jobs == 20 and chosen.max_parallel_jobs == 2 and chosen.strategy == "Bayesian"
    assert chosen.autotune.chosen[0] == "ParameterRanges"


def test_auto_parameters_without_autotune_are_refused_at_their_path():
    request = _request(ParameterRanges={"AutoParameters": [{"Name": "eta", "ValueHint": "0.3"}]})
    del request["Autotune"]
    with pytest.raises(ValidationError, match=r"^HyperParameterTuningJobConfig\.ParameterRanges\.AutoParameters: .*"
                                              r"add \"Autotune\": \{\"Mode\": \"Enabled\"\}"):
        from_sagemaker_request(request)
    request = _request(ParameterRanges={"AutoParameters": [{"Name": "eta"}]})
    with pytest.raises(ValidationError, match=r"ParameterRanges\.AutoParameters\[0\]\.ValueHint: required"):
        from_sagemaker_request(request)


def test_the_rules_for_limits_and_early_stopping():
    assert [choose_max_jobs(n, 150) for n in (0, 1, 3, 5, 9)] == [10, 10, 30, 50, 50]
    assert choose_max_jobs(5, 100_000) == 25 and choose_max_jobs(1, 500_000) == 10
    assert choose_max_jobs(5, 150, cap=4) == 4
    assert [choose_max_parallel_jobs(n) for n in (1, 10, 11, 25, 50)] == [1, 1, 2, 3, 3]
    base = TuningJobConfig(dataset="iris", autotune=Autotune())
    assert apply_autotune(base, rows=999).early_stopping_type == "Off"  # too small for stopping to save anything
    assert apply_autotune(base, rows=1_000).early_stopping_type == "Auto"  # XGBoost reports per round
    hyperband = TuningJobConfig(dataset="iris", strategy="Hyperband",
                                autotune=Autotune(to_choose=("TrainingJobEarlyStoppingType",)))
    assert apply_autotune(hyperband, rows=10_000).early_stopping_type == "Off"  # Hyperband must have it Off
    knn = TuningJobConfig(dataset="iris", algorithm="knn", autotune=Autotune())
    assert apply_autotune(knn, rows=10_000).early_stopping_type == "Off"  # k-NN reports once, at the end
    applied = apply_autotune(base, rows=150)
    assert apply_autotune(applied.replace(max_jobs=7), rows=99_999).max_jobs == 7  # applied once, kept after


def test_tunelab_json_carries_autotune():
    config = TuningJobConfig(dataset="iris", autotune=Autotune(auto_parameters={"eta": "0.2"}, max_jobs_cap=3))
    again = TuningJobConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again == config
    applied = apply_autotune(config, rows=150)
    assert TuningJobConfig.from_dict(applied.to_dict()) == applied
    with pytest.raises(ValidationError, match=r"^Autotune\.Mode: the only value"):
        TuningJobConfig.from_dict({"Dataset": "iris", "Autotune": {"Mode": "On"}})
    with pytest.raises(ValidationError, match=r"Autotune: .*max_jobs_cap must be a whole number"):
        TuningJobConfig.from_dict({"Dataset": "iris", "Autotune": {"Mode": "Enabled", "MaxNumberOfTrainingJobsCap": 0}})


def test_a_request_left_to_autotune_exports_as_it_was_read():
    request = _request(ResourceLimits={"MaxParallelTrainingJobs": 1},
                       ParameterRanges={"AutoParameters": [{"Name": "eta", "ValueHint": "0.3"}]})
    config = from_sagemaker_request(request)
    written = to_sagemaker_request(config)
    assert written["Autotune"] == {"Mode": "Enabled"}
    tuning = written["HyperParameterTuningJobConfig"]
    assert "Strategy" not in tuning and "TrainingJobEarlyStoppingType" not in tuning
    assert tuning["ResourceLimits"] == {"MaxParallelTrainingJobs": 1}
    assert tuning["ParameterRanges"] == {"AutoParameters": [{"Name": "eta", "ValueHint": "0.3"}]}
    assert from_sagemaker_request(written).to_dict() == config.to_dict()


# -- a real tuning job -------------------------------------------------------------------------
def test_an_autotuned_job_runs_from_aws_json_and_reports_what_was_chosen(tmp_path, capsys):
    request = _request(ParameterRanges={"AutoParameters": [{"Name": "eta", "ValueHint": "0.3"},
                                                           {"Name": "max_depth", "ValueHint": "3"}]})
    request["Tags"] = [{"Key": "tunelab:AutotuneMaxJobsCap", "Value": "3"}]  # the 20 jobs Autotune picks, capped
    (tmp_path / "job.json").write_text(json.dumps(request))
    store = str(tmp_path / "s.db")
    assert main(["--store", store, "run", str(tmp_path / "job.json"), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["--store", store, "show", "autotuned"]) == 0
    shown = capsys.readouterr().out
    assert "Autotune chose: ParameterRanges = eta, max_depth; Strategy = Bayesian; MaxNumberOfTrainingJobs = 3" in shown
    assert "(MaxNumberOfTrainingJobs capped at 3)" in shown

    from tuning.sagemaker.analytics import describe_tuning_job
    from tuning.store.database import Store

    described = describe_tuning_job(Store(tmp_path / "s.db"), "autotuned")
    # API_DescribeHyperParameterTuningJob.html, Response Syntax: "Autotune": { "Mode": "string" }
    assert described["Autotune"] == {"Mode": "Enabled"}
    assert described["TrainingJobStatusCounters"]["Completed"] == 3
    config = described["HyperParameterTuningJobConfig"]
    assert config["Strategy"] == "Bayesian" and config["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 3
    assert [r["Name"] for r in config["ParameterRanges"]["ContinuousParameterRanges"]] == ["eta"]
    chosen = described["TuneLabAutotune"]["ChosenByAutotune"]
    assert chosen["MaxParallelTrainingJobs"]["Value"] == 1 and "one per 10" in chosen["MaxParallelTrainingJobs"]["Rule"]
    assert chosen["TrainingJobEarlyStoppingType"]["Value"] == "Off"  # iris: 150 rows

    assert main(["--store", store, "export", "autotuned"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert {"Key": "tunelab:AutotuneChose", "Value": "ParameterRanges,Strategy,MaxNumberOfTrainingJobs,"
            "MaxParallelTrainingJobs,TrainingJobEarlyStoppingType"} in exported["Tags"]
    again = from_sagemaker_request(exported)
    stored = TuningJobConfig.from_dict(Store(tmp_path / "s.db").get_tuning_job("autotuned").config)
    assert again.to_dict() == stored.to_dict()
    assert prepare(again.replace(name="again")).config == again.replace(name="again")  # applied: nothing chosen a second time


def test_the_sdks_autotune_runs_through_the_same_code(store):
    estimator = XGBoost(role="arn:aws:iam::1:role/x", instance_count=1, instance_type="ml.m5.xlarge")
    estimator.set_hyperparameters(num_round="5", objective="binary:logistic", eta=0.3, grow_policy="depthwise")
    with pytest.raises(ValidationError, match="must be members of the estimator's hyperparameters"):
        HyperparameterTuner(estimator, "validation:auc", autotune=True, hyperparameters_to_keep_static=["gamma"],
                            store=store).fit({"train": "breast_cancer"})
    with pytest.raises(ValidationError, match=r"or set autotune=True"):
        HyperparameterTuner(estimator, "validation:auc", store=store)
    tuner = HyperparameterTuner(estimator, "validation:auc", autotune=True, hyperparameters_to_keep_static=["num_round"],
                                autotune_max_jobs_cap=2, store=store)
    tuner.fit({"train": "breast_cancer"})
    described = tuner.describe()
    assert described["Autotune"] == {"Mode": "Enabled"}
    config = described["HyperParameterTuningJobConfig"]
    # The SDK's request always carries Strategy, MaxParallelTrainingJobs and TrainingJobEarlyStoppingType, so they
    # are kept; MaxNumberOfTrainingJobs (max_jobs=None) and the ranges are Autotune's.
    assert set(described["TuneLabAutotune"]["ChosenByAutotune"]) == {"ParameterRanges", "MaxNumberOfTrainingJobs"}
    assert config["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 2
    assert [r["Name"] for r in config["ParameterRanges"]["ContinuousParameterRanges"]] == ["eta"]
    assert config["ParameterRanges"]["AutoParameters"] == [{"Name": "eta", "ValueHint": "0.3"},
                                                           {"Name": "grow_policy", "ValueHint": "depthwise"}]
    statics = described["TrainingJobDefinition"]["StaticHyperParameters"]
    assert statics == {"num_round": "5", "grow_policy": "depthwise"}
    assert described["TrainingJobStatusCounters"]["Completed"] == 2


# -- HyperParameterTuningResourceConfig -------------------------------------------------------------
def test_hyperparameter_tuning_resource_config_is_recorded_and_written_back():
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperParameterTuningResourceConfig.html:
    # "HyperParameterTuningResourceConfig is similar to ResourceConfig, but has the additional InstanceConfigs and
    # AllocationStrategy fields to allow for flexible instance management." AllocationStrategy: "Valid Values:
    # Prioritized".
    resources = {"AllocationStrategy": "Prioritized", "InstanceConfigs": [
        {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        {"InstanceType": "ml.c5.2xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10}]}
    request = _request(Strategy="Bayesian", ResourceLimits={"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1},
                       ParameterRanges={"IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "1",
                                                                    "MaxValue": "3", "ScalingType": "Auto"}]})
    del request["Autotune"]
    request["TrainingJobDefinition"]["HyperParameterTuningResourceConfig"] = copy.deepcopy(resources)
    config = from_sagemaker_request(request)
    assert config.recorded_definition_fields == {"HyperParameterTuningResourceConfig": resources}
    written = to_sagemaker_request(config)
    assert written["TrainingJobDefinition"]["HyperParameterTuningResourceConfig"] == resources
    assert "Autotune" not in written
    assert from_sagemaker_request(written).to_dict() == config.to_dict()
    assert TuningJobConfig.from_dict(config.to_dict()).to_dict() == config.to_dict()
    assert prepare(config).max_jobs == 2  # it does not change training here


def test_the_one_definition_reader_sends_training_job_definitions_to_their_own_path():
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeHyperParameterTuningJob.html:
    # TrainingJobDefinitions, "A list of the HyperParameterTrainingJobDefinition objects launched for this tuning job."
    # Each has its own DefinitionName, TuningObjective and HyperParameterRanges (API_HyperParameterTrainingJobDefinition).
    request = _request()
    request["TrainingJobDefinitions"] = [request.pop("TrainingJobDefinition")]
    # Several definitions run (tests/test_training_job_definitions.py); this reader takes one, and says where they go.
    with pytest.raises(ValidationError, match=r"^TrainingJobDefinitions: a tuning job over several training job "
                                              r"definitions runs with `python -m tuning run FILE`"):
        from_sagemaker_request(request)


def test_explicit_ranges_given_beside_autotune_are_kept():
    config = TuningJobConfig(dataset="iris", hyperparameter_ranges={"max_depth": IntegerParameter(1, 3)},
                             autotune=Autotune(auto_parameters={"eta": "0.3"}))
    chosen = apply_autotune(config, rows=150)
    assert chosen.hyperparameter_ranges["max_depth"] == IntegerParameter(1, 3)
    assert set(chosen.hyperparameter_ranges) == {"max_depth", "eta"}


def test_sdk_code_for_autotune_is_the_sdks_autotune_true():
    from tuning.sagemaker.sdk_code import sdk_code

    config = from_sagemaker_request(_request(ParameterRanges={"AutoParameters": [{"Name": "eta", "ValueHint": "0.3"}]}))
    code = sdk_code(config)
    compile(code, "tuner.py", "exec")
    assert "    autotune=True,\n    hyperparameters_to_keep_static=['num_round'],\n)" in code
    assert "estimator.set_hyperparameters(num_round=5, eta='0.3')" in code  # the SDK makes eta an AutoParameter
    assert "max_jobs=" not in code  # left to Autotune
    applied = sdk_code(apply_autotune(config, rows=150))
    assert "autotune=True" not in applied and "max_jobs=10," in applied and "'eta': ContinuousParameter" in applied
