"""The training job definition's StoppingCondition.MaxRuntimeInSeconds stops each training job.

AWS, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StoppingCondition.html:
"Specifies a limit to how long a job can run. When the job reaches the time limit, SageMaker
ends the job." and, of MaxRuntimeInSeconds, "The default value is 1 day. The maximum value is
28 days."
AWS, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html
(SecondaryStatus): "Stopped - MaxRuntimeExceeded - The job stopped because it exceeded the
maximum allowed runtime."

Real training jobs: XGBoost with 20,000 boosting rounds on breast_cancer runs for many seconds;
with a limit of 1 second each job is stopped at about 1 second, between two rounds.
"""

from __future__ import annotations

import copy

import pytest

from tuning import ContinuousParameter, HyperparameterTuner, ValidationError
from tuning.job.config import TuningJobConfig
from tuning.job.stopping_condition import AWS_DEFAULT_MAX_RUNTIME_SECONDS
from tuning.running.runner import run_tuning_job
from tuning.sagemaker.estimators import XGBoost
from tuning.sagemaker.request_json import from_sagemaker_request, read_tuning_job_json, to_sagemaker_request

ROUNDS = 20_000
LIMIT = 1
SLACK = 2.5  # seconds past the limit a stopped job may end: the last round, scoring, a busy machine

REQUEST = {
    "HyperParameterTuningJobName": "capped",
    "HyperParameterTuningJobConfig": {
        "Strategy": "Random", "RandomSeed": 3,
        "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 2},
        "ParameterRanges": {"ContinuousParameterRanges": [
            {"Name": "eta", "MinValue": "0.01", "MaxValue": "0.02", "ScalingType": "Auto"}]},
    },
    "TrainingJobDefinition": {
        "AlgorithmSpecification": {"TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/"
                                                    "sagemaker-xgboost:1.7-1", "TrainingInputMode": "File"},
        "StaticHyperParameters": {"num_round": str(ROUNDS), "max_depth": "6"},
        "InputDataConfig": [{"ChannelName": "train", "ContentType": "text/csv", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "tunelab://dataset/breast_cancer",
            "S3DataDistributionType": "FullyReplicated"}}}],
        "RoleArn": "arn:aws:iam::111122223333:role/x", "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        "StoppingCondition": {"MaxRuntimeInSeconds": LIMIT},
    },
}


def _assert_stopped_at_the_limit(store, name: str) -> None:
    jobs = store.training_jobs(name)
    assert jobs
    for job in jobs:
        described = job.describe("validation:auc")
        assert (described["TrainingJobStatus"], described["SecondaryStatus"]) == ("Stopped", "MaxRuntimeExceeded")
        assert job.stopped_reason == "MaxRuntimeExceeded" and job.failure_reason is None
        assert LIMIT <= job.elapsed_seconds <= LIMIT + SLACK, job.elapsed_seconds
        # Stopped between rounds, keeping what it trained (its objective), far short of ROUNDS.
        assert 0 < job.intermediate_values[-1][0] < ROUNDS and job.final_objective_value is not None


def test_the_json_path_stops_each_training_job_at_its_max_runtime(store):
    config = read_tuning_job_json(copy.deepcopy(REQUEST))
    assert config.training_job_max_runtime_seconds == LIMIT
    job = run_tuning_job(config, store)
    assert job.status == "Completed"
    _assert_stopped_at_the_limit(store, "capped")
    assert to_sagemaker_request(config)["TrainingJobDefinition"]["StoppingCondition"] == {"MaxRuntimeInSeconds": LIMIT}


def test_the_sdk_estimators_max_run_stops_each_training_job(store):
    estimator = XGBoost(role="arn:aws:iam::1:role/x", instance_count=1, instance_type="ml.m5.xlarge", max_run=LIMIT)
    estimator.set_hyperparameters(num_round=str(ROUNDS), max_depth="6", objective="binary:logistic")
    tuner = HyperparameterTuner(estimator, "validation:auc", {"eta": ContinuousParameter(0.01, 0.02)},
                                strategy="Random", max_jobs=1, random_seed=3, store=store)
    tuner.fit("breast_cancer")
    name = tuner.latest_tuning_job.name
    _assert_stopped_at_the_limit(store, name)
    assert store.get_tuning_job(name).config["StoppingCondition"] == {"MaxRuntimeInSeconds": LIMIT}
    assert HyperparameterTuner.attach(name, store=store).estimator.max_run == LIMIT


def test_a_training_job_within_its_limit_completes(store):
    config = read_tuning_job_json(copy.deepcopy(REQUEST)).replace(
        static_hyperparameters={"num_round": 5}, training_job_max_runtime_seconds=600, max_jobs=1)
    run_tuning_job(config, store)
    (job,) = store.training_jobs("capped")
    assert job.status == "Completed" and job.stopped_reason is None and "SecondaryStatus" not in job.describe()


@pytest.mark.parametrize("seconds", [LIMIT, 7200, 28 * 86_400])
def test_export_writes_back_the_limit_it_read(seconds):
    request = copy.deepcopy(REQUEST)
    request["TrainingJobDefinition"]["StoppingCondition"] = {"MaxRuntimeInSeconds": seconds}
    config = from_sagemaker_request(request)
    assert to_sagemaker_request(config)["TrainingJobDefinition"]["StoppingCondition"] == {"MaxRuntimeInSeconds": seconds}
    assert TuningJobConfig.from_dict(config.to_dict()).to_dict() == config.to_dict()
    assert config.to_dict()["StoppingCondition"] == {"MaxRuntimeInSeconds": seconds}


def test_a_job_with_no_limit_exports_awss_default_of_one_day():
    config = TuningJobConfig(dataset="iris")
    assert config.training_job_max_runtime_seconds is None and "StoppingCondition" not in config.to_dict()
    # AWS requires a StoppingCondition in a tuning job's training job definition and defaults it to a day.
    written = to_sagemaker_request(config)["TrainingJobDefinition"]["StoppingCondition"]
    assert written == {"MaxRuntimeInSeconds": AWS_DEFAULT_MAX_RUNTIME_SECONDS} == {"MaxRuntimeInSeconds": 86_400}
    assert from_sagemaker_request(to_sagemaker_request(config)).to_dict() == config.to_dict()


@pytest.mark.parametrize("value", [0, 1.5, "60", 28 * 86_400 + 1, True])
def test_a_bad_limit_is_refused_at_its_json_path(value):
    request = copy.deepcopy(REQUEST)
    request["TrainingJobDefinition"]["StoppingCondition"] = {"MaxRuntimeInSeconds": value}
    with pytest.raises(ValidationError, match=r"^TrainingJobDefinition\.StoppingCondition\.MaxRuntimeInSeconds: .*"
                                              r"whole number of seconds from 1 to 2,419,200"):
        from_sagemaker_request(request)
    with pytest.raises(ValidationError, match=r"^StoppingCondition\.MaxRuntimeInSeconds: "):
        TuningJobConfig.from_dict({"Dataset": "iris", "StoppingCondition": {"MaxRuntimeInSeconds": value}})
    with pytest.raises(ValidationError, match=r"^training_job_max_runtime_seconds \(the training job definition's"):
        TuningJobConfig(dataset="iris", training_job_max_runtime_seconds=value).check_limits()


def test_unknown_stopping_condition_fields_are_refused():
    request = copy.deepcopy(REQUEST)
    request["TrainingJobDefinition"]["StoppingCondition"]["MaxRunTime"] = 5
    with pytest.raises(ValidationError, match=r"TrainingJobDefinition\.StoppingCondition\.MaxRunTime"):
        from_sagemaker_request(request)


def test_the_sdk_code_for_aws_carries_the_limit_as_max_run():
    from tuning.sagemaker.sdk_code import sdk_code

    config = from_sagemaker_request(copy.deepcopy(REQUEST))
    assert f"    max_run={LIMIT}," in sdk_code(config).splitlines()
    assert not any("max_run=" in line for line in sdk_code(config.replace(training_job_max_runtime_seconds=None))
                   .splitlines())


def test_the_create_form_says_it_leaves_the_limit_out_of_an_imported_job():
    from tuning.job.form_values import import_notes

    notes = import_notes(from_sagemaker_request(copy.deepcopy(REQUEST)))
    assert any(f"StoppingCondition.MaxRuntimeInSeconds ({LIMIT:,} s) is not shown here" in note for note in notes)
    assert not any("StoppingCondition" in note for note in import_notes(TuningJobConfig(dataset="iris")))


def test_the_sdk_estimators_own_fit_stops_its_training_job_at_max_run(store):
    estimator = XGBoost(role="arn:aws:iam::1:role/x", instance_count=1, instance_type="ml.m5.xlarge", max_run=LIMIT)
    estimator.set_hyperparameters(num_round=str(ROUNDS), max_depth="6", objective="binary:logistic")
    estimator.fit("breast_cancer", store=store)
    described = estimator.latest_training_job.describe()
    assert (described["TrainingJobStatus"], described["SecondaryStatus"]) == ("Stopped", "MaxRuntimeExceeded")
    assert LIMIT <= described["TrainingElapsedTimeSeconds"] <= LIMIT + SLACK


def test_spots_max_wait_time_is_written_back_beside_the_limit():
    # API_StoppingCondition also has MaxWaitTimeInSeconds (managed spot training): no effect here, but kept.
    request = copy.deepcopy(REQUEST)
    request["TrainingJobDefinition"].update(EnableManagedSpotTraining=True, StoppingCondition={
        "MaxRuntimeInSeconds": 1200, "MaxWaitTimeInSeconds": 3600})
    config = from_sagemaker_request(request)
    assert config.training_job_max_runtime_seconds == 1200
    written = to_sagemaker_request(config)["TrainingJobDefinition"]
    assert written["StoppingCondition"] == {"MaxRuntimeInSeconds": 1200, "MaxWaitTimeInSeconds": 3600}
    assert written["EnableManagedSpotTraining"] is True
    again = TuningJobConfig.from_dict(config.to_dict())
    assert to_sagemaker_request(again)["TrainingJobDefinition"]["StoppingCondition"] == written["StoppingCondition"]
    assert to_sagemaker_request(again.replace(training_job_max_runtime_seconds=60))["TrainingJobDefinition"][
        "StoppingCondition"] == {"MaxRuntimeInSeconds": 60, "MaxWaitTimeInSeconds": 3600}
