"""The SageMaker Python SDK surface AWS's notebooks use (issue 17, point 6), against the SDK's source.

Each shape is checked against the SDK v2 source (aws/sagemaker-python-sdk, tag v2.257.6,
``src/sagemaker/...``, file and line quoted) or the AWS page quoted. Real jobs on the
bundled breast_cancer dataset, a few boosting rounds; one fitted tuner and one fitted
estimator are shared by the tests that only read them.
"""

from __future__ import annotations

import numpy as np
import pytest

from tuning import (
    CategoricalParameter,
    ContinuousParameter,
    HyperparameterTuner,
    HyperparameterTuningJobAnalytics,
    IntegerParameter,
    TrainingInput,
    ValidationError,
    WarmStartConfig,
    WarmStartTypes,
)
from tuning.datasets import load_dataset
from tuning.sagemaker.analytics import TrainingJobAnalytics
from tuning.sagemaker.deserializers import CSVDeserializer, JSONDeserializer
from tuning.sagemaker.estimators import LinearLearner, XGBoost
from tuning.sagemaker.serializers import CSVSerializer, JSONSerializer
from tuning.store.database import Store

RANGES = {"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(1, 4)}


def _xgb() -> XGBoost:
    estimator = XGBoost(role="arn:aws:iam::1:role/x", instance_count=1, instance_type="ml.m5.xlarge")
    estimator.set_hyperparameters(num_round="5", objective="binary:logistic", eval_metric="auc")
    return estimator


def _rows(count: int = 4) -> np.ndarray:
    return load_dataset("breast_cancer").features.head(count).to_numpy()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("sdk") / "tunelab.db")
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def tuner(store):
    tuner = HyperparameterTuner(_xgb(), "validation:auc", RANGES, max_jobs=3, max_parallel_jobs=1,
                                random_seed=5, store=store)
    tuner.fit("breast_cancer")
    return tuner


@pytest.fixture(scope="module")
def single(store):
    """``Estimator.fit`` as AWS's Hyperband notebook calls it (job_name longer than a tuning job's 32)."""
    estimator = _xgb()
    estimator.fit("breast_cancer", job_name="xgb-single-instance-2026-12-01-17-43-32", wait=True, store=store)
    return estimator


# -- ranges --------------------------------------------------------------------------------------
def test_as_tuning_range_and_name_are_the_sdks():
    # sagemaker/parameter.py:79-84 returns {"Name": name, "MinValue": to_string(self.min_value), "MaxValue": ...,
    # "ScalingType": ...}; to_string is str, so ContinuousParameter(0, 1) gives "0" and "1".
    assert ContinuousParameter(0, 1).as_tuning_range("eta") == {
        "Name": "eta", "MinValue": "0", "MaxValue": "1", "ScalingType": "Auto"}
    assert IntegerParameter(1, 10, "Linear").as_tuning_range("max_depth") == {
        "Name": "max_depth", "MinValue": "1", "MaxValue": "10", "ScalingType": "Linear"}
    # parameter.py:130: {"Name": name, "Values": self.values}, values converted with to_string (line 116).
    assert CategoricalParameter(["gbtree", 3]).as_tuning_range("booster") == {"Name": "booster", "Values": ["gbtree", "3"]}
    # parameter.py:95, 106, 168: __name__ = "Continuous" / "Categorical" / "Integer", read from an instance.
    assert [p.__name__ for p in (ContinuousParameter(0.1, 1), IntegerParameter(1, 2), CategoricalParameter(["a"]))] == [
        "Continuous", "Integer", "Categorical"]
    assert ContinuousParameter.__name__ == "ContinuousParameter"  # the class keeps its own name, as in the SDK


# -- inputs and warm start configs ----------------------------------------------------------------
def test_training_input_config_has_the_sdks_shape(tmp_path):
    # sagemaker/inputs.py:115-134: {"DataSource": {"S3DataSource": {"S3DataType": s3_data_type, "S3Uri": s3_data}}},
    # S3DataDistributionType "FullyReplicated" unless given, then CompressionType/ContentType/... when set.
    train = TrainingInput(s3_data=f"file://{tmp_path}/train", distribution="ShardedByS3Key", content_type="csv")
    assert train.config == {"DataSource": {"S3DataSource": {
        "S3DataType": "S3Prefix", "S3Uri": f"file://{tmp_path}/train", "S3DataDistributionType": "ShardedByS3Key"}},
        "ContentType": "csv"}
    plain = TrainingInput(s3_data="validation.csv").config
    assert plain["DataSource"]["S3DataSource"]["S3DataDistributionType"] == "FullyReplicated"
    assert "ContentType" not in plain


def test_warm_start_config_to_input_req_and_from_job_desc():
    # sagemaker/tuner.py:209-214 (to_input_req) and 145-186 (from_job_desc: None without both keys).
    described = {"WarmStartType": "TransferLearning",
                 "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "p1"},
                                                    {"HyperParameterTuningJobName": "p2"}]}
    config = WarmStartConfig.from_job_desc(described)
    assert config.type is WarmStartTypes.TRANSFER_LEARNING and set(config.parents) == {"p1", "p2"}
    assert config.to_input_req()["WarmStartType"] == "TransferLearning"
    assert config.to_input_req()["ParentHyperParameterTuningJobs"] == described["ParentHyperParameterTuningJobs"]
    assert WarmStartConfig.from_job_desc({}) is None
    assert WarmStartConfig.from_job_desc({"WarmStartType": "TransferLearning"}) is None


# -- the tuner -------------------------------------------------------------------------------------
def test_current_job_name_and_latest_tuning_job(tuner, store):
    # sagemaker/tuner.py:758-759 sets _current_job_name and latest_tuning_job; job.py:378 gives .name.
    assert tuner._current_job_name == tuner.latest_tuning_job.name == tuner.latest_tuning_job.job_name
    assert store.tuning_job_exists(tuner._current_job_name)
    assert tuner.latest_tuning_job.describe()["HyperParameterTuningJobName"] == tuner._current_job_name


def test_description_and_tuning_ranges_in_aws_shapes(tuner, store):
    analytics = HyperparameterTuningJobAnalytics(tuner.latest_tuning_job.name, store=store)
    described = analytics.description()
    # DescribeHyperParameterTuningJob (https://docs.aws.amazon.com/sagemaker/latest/APIReference/
    # API_DescribeHyperParameterTuningJob.html) answers HyperParameterTuningJobArn, HyperParameterTuningJobConfig
    # (with ParameterRanges) and TrainingJobDefinition. The ARN is a clearly fake local one.
    assert described["HyperParameterTuningJobArn"] == (
        f"arn:aws:sagemaker:local:000000000000:hyper-parameter-tuning-job/{tuner.latest_tuning_job.name}")
    ranges = described["HyperParameterTuningJobConfig"]["ParameterRanges"]
    assert ranges["ContinuousParameterRanges"] == [{"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5",
                                                    "ScalingType": "Auto"}]
    assert described["HyperParameterTuningJobConfig"]["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 3
    definition = described["TrainingJobDefinition"]
    assert definition["StaticHyperParameters"]["num_round"] == "5"
    assert "xgboost" in definition["AlgorithmSpecification"]["TrainingImage"]
    # sagemaker/analytics.py:214-219: tuning_ranges maps each range's Name to its entry (string bounds).
    assert analytics.tuning_ranges == {
        "eta": {"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5", "ScalingType": "Auto"},
        "max_depth": {"Name": "max_depth", "MinValue": "1", "MaxValue": "4", "ScalingType": "Auto"}}
    assert tuner.describe()["HyperParameterTuningJobArn"] == described["HyperParameterTuningJobArn"]


def test_best_estimator_takes_the_sdks_dict(tuner):
    # sagemaker/tuner.py:1394-1432: best_training_job is a dict with "TrainingJobName", as describe() gives it.
    best = tuner.describe()["BestTrainingJob"]
    estimator = tuner.best_estimator(best_training_job=best)
    assert estimator.latest_training_job.name == best["TrainingJobName"] == tuner.best_training_job()
    job = tuner.store.training_jobs(tuner.latest_tuning_job.name)
    tuned = next(j for j in job if j.name == best["TrainingJobName"]).hyperparameters
    assert estimator.hyperparameters()["max_depth"] == str(tuned["max_depth"])
    with pytest.raises(ValidationError, match="SDK's dict"):
        tuner.best_estimator(best_training_job={"Name": "x"})


def test_warm_start_tuners_copy_the_tuner_with_the_sdks_parents(tuner, store):
    # sagemaker/tuner.py:1794-1830: parents = {latest job} | additional_parents; the rest copied from self.
    identical = tuner.identical_dataset_and_algorithm_tuner()
    assert identical.warm_start_config.to_input_req() == {
        "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": tuner.latest_tuning_job.name}],
        "WarmStartType": "IdenticalDataAndAlgorithm"}
    assert identical.hyperparameter_ranges == tuner.hyperparameter_ranges and identical.max_jobs == 3
    other = XGBoost(role="r")
    other.set_hyperparameters(num_round="4")
    transfer = tuner.transfer_learning_tuner(additional_parents={"other-parent"}, estimator=other)
    assert transfer.estimator is other
    assert set(transfer.warm_start_config.parents) == {tuner.latest_tuning_job.name, "other-parent"}
    assert transfer.warm_start_config.type is WarmStartTypes.TRANSFER_LEARNING
    identical.max_jobs = 2
    identical.fit("breast_cancer")  # a real warm-started job from the parent
    assert identical.describe()["WarmStartConfig"]["WarmStartType"] == "IdenticalDataAndAlgorithm"


def test_create_and_estimator_name_take_inputs_by_name(store):
    # sagemaker/tuner.py:1054-1077: with estimator_name, fit takes inputs keyed by the estimator's name.
    tuner = HyperparameterTuner.create({"xgb": _xgb()}, {"xgb": "validation:auc"}, {"xgb": RANGES},
                                       max_jobs=1, store=store)
    assert tuner.estimator_name == "xgb" and tuner.estimator_dict["xgb"] is tuner.estimator
    with pytest.raises(ValidationError, match="inputs must be"):
        tuner.fit({"train": "breast_cancer"})
    tuner.fit({"xgb": {"train": "breast_cancer"}})
    assert tuner.describe()["HyperParameterTuningJobStatus"] == "Completed"
    # several estimators make one tuning job over several definitions (tests/test_training_job_definitions.py)
    several = HyperparameterTuner.create({"a": _xgb(), "b": _xgb()}, {"a": "validation:auc", "b": "validation:auc"},
                                         {"a": RANGES, "b": RANGES}, store=store)
    assert set(several.estimator_dict) == {"a", "b"} and several.estimator is None
    with pytest.raises(ValidationError, match=r"the keys of hyperparameter_ranges_dict must be the same as"):
        HyperparameterTuner.create({"a": _xgb(), "b": _xgb()}, {"a": "validation:auc", "b": "validation:auc"},
                                   {"a": RANGES}, store=store)


def test_autotune_and_hyperparameters_to_keep_static(store):
    tuner = HyperparameterTuner(_xgb(), "validation:auc", RANGES, autotune=False, store=store)
    assert tuner.autotune is False
    # sagemaker/tuner.py:697-702: "hyperparameters_to_keep_static parameter is set, however Autotune mode is not
    # enabled."
    with pytest.raises(ValidationError, match="Autotune is not enabled"):
        HyperparameterTuner(_xgb(), "validation:auc", RANGES, hyperparameters_to_keep_static=["num_round"], store=store)
    # autotune=True is built (tests/test_autotune.py): ranges may be left out, as in the SDK.
    assert HyperparameterTuner(_xgb(), "validation:auc", autotune=True, store=store).hyperparameter_ranges == {}


# -- Estimator.fit ----------------------------------------------------------------------------------
def test_estimator_fit_runs_one_training_job_and_records_it(single, store):
    job = single.latest_training_job
    assert single._current_job_name == job.name == f"{job.tuning_job_name}-001"
    assert job.tuning_job_name == "xgb-single-instance-2026-12-01-1"  # job_name cut to AMT's 32 characters
    record = store.get_tuning_job(job.tuning_job_name)
    assert record.status == "Completed" and record.max_jobs == 1 and record.best_training_job == job.name
    described = job.describe()
    assert described["TrainingJobStatus"] == "Completed"
    assert described["HyperParameters"]["num_round"] == "5"
    assert described["TrainingJobArn"].startswith("arn:aws:sagemaker:local:000000000000:training-job/")


def test_training_job_analytics_has_the_sdks_columns(single, store):
    # sagemaker/analytics.py:413-417: the dataframe's columns are timestamp, metric_name, value.
    frame = single.training_job_analytics.dataframe()
    assert list(frame.columns[:3]) == ["timestamp", "metric_name", "value"]
    # eval_metric="auc": the validation channel's metric, then the training channel's, as AWS's container logs them
    assert frame["metric_name"].unique().tolist() == ["validation:auc", "train:auc"]
    validation = frame[frame["metric_name"] == "validation:auc"]
    assert validation["step"].tolist() == [1, 2, 3, 4, 5]  # one row per boosting round
    assert frame[frame["metric_name"] == "train:auc"]["step"].tolist() == [1, 2, 3, 4, 5]
    final = store.get_tuning_job(single.latest_training_job.tuning_job_name).best_objective_value
    assert validation["value"].iloc[-1] == pytest.approx(final)
    assert validation["timestamp"].is_monotonic_increasing
    with pytest.raises(ValidationError, match="only the objective metric"):
        TrainingJobAnalytics(single.latest_training_job.name, metric_names=["train:rmse"], store=store)


def test_estimator_without_a_training_job_says_so():
    with pytest.raises(ValidationError, match="no training job yet"):
        _xgb().training_job_analytics  # noqa: B018


# -- predictors -------------------------------------------------------------------------------------
def test_xgboost_predictor_answers_probabilities_as_the_container(single):
    predictor = single.deploy(initial_instance_count=1, instance_type="ml.m5.xlarge")
    rows = _rows()
    # sagemaker/base_predictor.py:106-107: the default serializer sends data as is, and bytes come back.
    with pytest.raises(ValidationError, match="CSVSerializer"):
        predictor.predict(rows)
    predictor.serializer = CSVSerializer()
    answer = predictor.predict(rows)
    assert isinstance(answer, bytes)
    # AWS's direct-marketing notebook parses the answers as np.fromstring(predictions[1:], sep=",").
    probabilities = np.fromstring(answer.decode(), sep=",")
    expected = predictor.predict_proba(rows)[:, 1]  # binary:logistic: the second class's probability
    assert probabilities == pytest.approx(expected)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    predictor.deserializer = CSVDeserializer()
    assert [float(v) for v in predictor.predict(rows)[0]] == pytest.approx(expected)
    # With Accept application/json AWS's container answers {"predictions": [{"score": p}, ...]}
    # (aws/sagemaker-xgboost-container, algorithm_mode/serve_utils.py encode_predictions_as_json).
    as_json = single.deploy(serializer=CSVSerializer(), deserializer=JSONDeserializer()).predict(rows)
    assert list(as_json) == ["predictions"]
    assert [record["score"] for record in as_json["predictions"]] == pytest.approx(expected)
    with pytest.raises(ValidationError, match="does not answer application/x-recordio-protobuf"):
        predictor.predict(rows, initial_args={"Accept": "application/x-recordio-protobuf"})


def test_linear_learner_json_answer_has_score_and_predicted_label(store):
    estimator = LinearLearner(role="r", instance_count=1, instance_type="ml.m5.xlarge",
                              predictor_type="binary_classifier")
    estimator.fit({"train": "breast_cancer"}, store=store)
    predictor = estimator.deploy(1, "ml.m5.xlarge")
    rows = _rows(3)
    with pytest.raises(ValidationError, match="RecordIO"):
        predictor.predict(rows)  # the SDK's LinearLearnerPredictor sends protobuf
    predictor.serializer, predictor.deserializer = CSVSerializer(), JSONDeserializer()
    answer = predictor.predict(rows)
    # https://docs.aws.amazon.com/sagemaker/latest/dg/LL-in-formats.html, Binary Classification:
    # {"predictions": [{"score": 0.4, "predicted_label": 0}]}
    assert list(answer) == ["predictions"] and len(answer["predictions"]) == 3
    probabilities = predictor.predict_proba(rows)[:, 1]
    labels = predictor.predict_labels(rows)
    for record, probability, label in zip(answer["predictions"], probabilities, labels):
        assert set(record) == {"score", "predicted_label"}
        assert record["score"] == pytest.approx(probability) and record["predicted_label"] == label
    predictor.serializer = JSONSerializer()  # JSON rows in, the same answer out
    assert predictor.predict(rows.tolist()) == answer


def test_estimator_fit_without_waiting_and_attach_names(store, tuner):
    estimator = _xgb()
    estimator.fit({"train": "breast_cancer"}, wait=False, job_name="xgb-nowait", store=store)
    assert estimator.latest_training_job.name == "xgb-nowait-001"
    estimator.latest_training_job.wait()
    assert estimator.latest_training_job.describe()["TrainingJobStatus"] == "Completed"
    with pytest.raises(ValidationError, match="already exists"):
        _xgb().fit({"train": "breast_cancer"}, job_name="xgb-nowait", store=store)  # AWS refuses a name in use
    attached = HyperparameterTuner.attach(tuner.latest_tuning_job.name, store=store)
    assert attached._current_job_name == tuner.latest_tuning_job.name


def test_multiclass_xgboost_and_regression_linear_learner_answers(store):
    xgb = XGBoost(role="r")
    xgb.set_hyperparameters(num_round="3")
    xgb.fit({"train": "iris"}, store=store)
    predictor = xgb.deploy(serializer=CSVSerializer(), deserializer=CSVDeserializer())
    rows = load_dataset("iris").features.head(4).to_numpy()
    answer = np.array(predictor.predict(rows), dtype=float)  # multi:softprob: one line of class probabilities a row
    assert answer.shape == (4, 3) and answer.sum(axis=1) == pytest.approx(np.ones(4))
    assert answer == pytest.approx(predictor.predict_proba(rows))
    regressor = LinearLearner(role="r", predictor_type="regressor")
    regressor.fit({"train": "diabetes"}, store=store)
    predictor = regressor.deploy(serializer=CSVSerializer(), deserializer=JSONDeserializer())
    rows = load_dataset("diabetes").features.head(2).to_numpy()
    # https://docs.aws.amazon.com/sagemaker/latest/dg/LL-in-formats.html, Regression: {"predictions": [{"score": 0.4}]}
    answer = predictor.predict(rows)
    assert [set(record) for record in answer["predictions"]] == [{"score"}, {"score"}]
    assert [r["score"] for r in answer["predictions"]] == pytest.approx(list(predictor.predict_labels(rows)))
