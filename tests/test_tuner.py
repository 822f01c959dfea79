"""The SageMaker-SDK-shaped API: estimators, HyperparameterTuner, analytics, attach, deploy.

Real tuning jobs in real worker processes on small datasets (breast_cancer, iris) with a
few boosting rounds; one fitted tuner is shared by the tests that only read its results.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tuning import (
    CategoricalParameter,
    CompletionCriteria,
    ContinuousParameter,
    HyperbandStrategyConfig,
    HyperparameterTuner,
    HyperparameterTuningJobAnalytics,
    IntegerParameter,
    StrategyConfig,
    TrainingInput,
    TuningJobCompletionCriteriaConfig,
    ValidationError,
    WarmStartConfig,
    WarmStartTypes,
)
from tuning.datasets import load_csv, load_dataset
from tuning.sagemaker.estimators import KNN, Estimator, LinearLearner, XGBoost
from tuning.sagemaker.inputs import resolve_channels
from tuning.store.database import Store
from tuning.sagemaker.tuner import ANALYTICS_COLUMNS

RANGES = {"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(1, 4)}


def _xgb(**hyperparameters):
    estimator = XGBoost(role="arn:aws:iam::1:role/x", instance_count=1, instance_type="ml.m5.xlarge")
    estimator.set_hyperparameters(**{"num_round": "5", "objective": "binary:logistic", "eval_metric": "auc",
                                     **hyperparameters})
    return estimator


def _cancer_frame() -> pd.DataFrame:
    dataset = load_dataset("breast_cancer")
    return pd.concat([dataset.target, dataset.features], axis=1)  # label first, as in SageMaker


@pytest.fixture(scope="module")
def module_store(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("tuner") / "tunelab.db")
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def fitted(module_store):
    """One tuning job on a DataFrame channel, launched with wait=False and then waited for."""
    tuner = HyperparameterTuner(_xgb(), "validation:auc", RANGES, max_jobs=4, max_parallel_jobs=2,
                                random_seed=3, store=module_store)
    tuner.fit({"train": _cancer_frame()}, wait=False)
    job = tuner.wait()
    assert job.status == "Completed"
    return tuner


# -- estimators --------------------------------------------------------------------------------
def test_string_hyperparameters_are_converted_with_the_catalogue_specs():
    estimator = _xgb(max_depth="3", subsample="0.8")
    assert estimator.static_hyperparameters() == {"num_round": 5, "max_depth": 3, "subsample": 0.8}
    assert estimator.hyperparameters()["num_round"] == "5"
    assert estimator.hyperparameters()["objective"] == "binary:logistic"  # recorded, decided by TuneLab


def test_builtin_estimators_take_sdk_positional_arguments_and_hyperparameter_keywords():
    linear = LinearLearner("role", 1, "local", predictor_type="binary_classifier", epochs=3)
    assert linear.algorithm.name == "linear-learner" and linear.static_hyperparameters() == {"epochs": 3}
    assert KNN(role="role", k=7).static_hyperparameters() == {"k": 7}
    assert Estimator("123.dkr.ecr.us-west-2.amazonaws.com/xgboost:1.7-1", "role").algorithm.name == "xgboost"
    assert Estimator(algorithm="random-forest").algorithm.name == "random-forest"


@pytest.mark.parametrize("make, message", [
    (lambda: _xgb(n_estimators=10), r"XGBoost has no hyperparameter\(s\) 'n_estimators'.*eta"),  # learning_rate is eta's alias
    (lambda: _xgb(num_round="many"), r"'num_round' must be a number, but got 'many'"),
    (lambda: _xgb(max_depth="2.5"), r"'max_depth' must be a whole number"),
    (lambda: _xgb(eta="1.5"), r"'eta' is valid in \[0, 1\]"),
    (lambda: _xgb(objective="reg:tweedie"), r"objective='reg:tweedie' is not one TuneLab trains"),
    (lambda: XGBoost(instance_type="huge"), r"instance_type 'huge' is not an instance type"),
    (lambda: XGBoost(colour="red"), r"unknown argument 'colour'"),
    (lambda: Estimator("my-own-image"), r"Estimator needs algorithm="),
    (lambda: LinearLearner(predictor_type="ranker"), r"predictor_type must be one of"),
])
def test_estimators_refuse_bad_arguments(make, message):
    with pytest.raises(ValidationError, match=message):
        make()


def test_script_arguments_are_accepted_with_a_warning_that_they_are_not_run():
    with pytest.warns(UserWarning, match="entry_point/source_dir are not run"):
        estimator = XGBoost(entry_point="train.py", framework_version="1.7-1", role="role")
    assert estimator.sdk_arguments["entry_point"] == "train.py"


def test_estimator_fit_refuses_bad_inputs_before_training(tmp_path):
    store = Store(tmp_path / "tunelab.db")
    with pytest.raises(ValidationError, match="unknown channel"):
        _xgb().fit({"training": "breast_cancer"}, store=store)
    assert store.list_tuning_jobs() == []  # refused before anything was recorded


# -- tuner arguments ------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    ({"hyperparameter_ranges": {"n_estimators": ContinuousParameter(0.1, 0.5)}},
     r"hyperparameter_ranges: XGBoost has no hyperparameter 'n_estimators'"),
    ({"hyperparameter_ranges": {"eta": (0.1, 0.5)}},
     r"hyperparameter_ranges\['eta'\] must be a ContinuousParameter"),
    ({"hyperparameter_ranges": {"max_depth": IntegerParameter(-1, 10)}},
     r"hyperparameter_ranges\['max_depth'\]: .*valid in \[0, inf\)"),
    ({"hyperparameter_ranges": {}}, r"hyperparameter_ranges must be a non-empty dict"),
    ({"objective_metric_name": "validation:banana"}, r"objective_metric_name: unknown objective metric"),
    ({"objective_metric_name": "validation:logloss"}, r"pass objective_type='Minimize'"),
    ({"objective_type": "Minimize"}, r"validation:auc is Maximized .*pass objective_type='Maximize'"),
    ({"max_jobs": 0}, r"max_jobs \(MaxNumberOfTrainingJobs\): must be from 1"),
    ({"max_parallel_jobs": 0}, r"max_parallel_jobs \(MaxParallelTrainingJobs\)"),
    ({"early_stopping_type": "Sometimes"}, r"early_stopping_type must be 'Off' or 'Auto'"),
    ({"strategy_config": {"HyperbandStrategyConfig": {"MinRounds": 1}}},
     r"HyperbandStrategyConfig'\] takes MinResource and MaxResource"),
    ({"strategy_config": "fast"}, r"strategy_config must be StrategyConfig"),
    ({"completion_criteria_config": {"TargetObjectiveMetricValue": 0.9}},
     r"completion_criteria_config must be TuningJobCompletionCriteriaConfig"),
    ({"warm_start_config": {"parents": ["a"]}}, r"warm_start_config must be WarmStartConfig"),
    ({"estimator": "xgboost"}, r"estimator must be a tuning.sagemaker.estimators estimator"),
])
def test_tuner_refuses_bad_arguments_with_the_sdk_names(store, kwargs, message):
    arguments = {"estimator": _xgb(), "objective_metric_name": "validation:auc", "hyperparameter_ranges": RANGES,
                 "max_jobs": 2, "store": store, **kwargs}
    with pytest.raises(ValidationError, match=message):
        HyperparameterTuner(**arguments)


def test_completion_criteria_config_takes_the_sdk_names_and_checks_them():
    config = TuningJobCompletionCriteriaConfig(max_number_of_training_jobs_not_improving=5,
                                               complete_on_convergence=True, target_objective_metric_value=0.99)
    assert config.to_criteria() == CompletionCriteria(0.99, 5, True)
    assert TuningJobCompletionCriteriaConfig(max_number_training_jobs_not_improving=4).to_criteria() == \
        CompletionCriteria(None, 4, False)
    with pytest.raises(ValidationError, match="MaxNumberOfTrainingJobsNotImproving: must be a whole number of at least 3"):
        TuningJobCompletionCriteriaConfig(max_number_of_training_jobs_not_improving=1)


def test_strategy_config_objects_give_aws_shape():
    config = StrategyConfig(hyperband_strategy_config=HyperbandStrategyConfig(min_resource=1, max_resource=5))
    assert config.to_input_req() == {"HyperbandStrategyConfig": {"MinResource": 1, "MaxResource": 5}}


def test_results_before_fit_are_refused(store):
    tuner = HyperparameterTuner(_xgb(), "validation:auc", RANGES, max_jobs=2, store=store)
    for call in (tuner.best_training_job, tuner.describe, tuner.analytics, tuner.stop_tuning_job, tuner.deploy):
        with pytest.raises(ValidationError, match="no tuning job yet. Call fit"):
            call()


@pytest.mark.parametrize("inputs, message", [
    (None, r"fit\(inputs\) needs the data"),
    ({"train": "s3://bucket/prefix/train"}, r"S3 URI.*local path"),
    ({"train": "iris", "test": "iris"}, r"unknown channel\(s\) 'test'"),
    ({"validation": "iris"}, r"needs a 'train' channel"),
    ({"train": "no/such/file.csv"}, r"inputs\['train'\]: no file at"),
    ({"train": 42}, r"inputs\['train'\] must be a CSV path"),
])
def test_fit_refuses_bad_inputs(store, inputs, message):
    tuner = HyperparameterTuner(_xgb(), "validation:auc", RANGES, max_jobs=2, store=store)
    with pytest.raises(ValidationError, match=message):
        tuner.fit(inputs)
    assert store.list_tuning_jobs() == []


def test_fit_refuses_a_metric_or_objective_that_does_not_fit_the_data(store):
    tuner = HyperparameterTuner(_xgb(), "validation:rmse", RANGES, objective_type="Minimize", max_jobs=2,
                                store=store)
    with pytest.raises(ValidationError, match="'validation:rmse' does not apply to BinaryClassification"):
        tuner.fit("breast_cancer")
    tuner = HyperparameterTuner(_xgb(), "validation:accuracy", RANGES, max_jobs=2, store=store)
    with pytest.raises(ValidationError, match="objective='binary:logistic' is for BinaryClassification"):
        tuner.fit("iris")
    assert store.list_tuning_jobs() == []


def test_training_input_refuses_other_content_types():
    with pytest.raises(ValidationError, match="not supported: TuneLab reads CSV and, for XGBoost, libsvm"):
        TrainingInput("train.csv", content_type="application/x-recordio-protobuf")


# -- channels -------------------------------------------------------------------------------------
def test_dataframe_channel_takes_first_column_or_the_estimators_target(tmp_path):
    frame = _cancer_frame()
    train, validation = resolve_channels({"train": frame}, target=None, inputs_dir=tmp_path)
    assert validation is None and train.target == "diagnosis"
    again, _ = resolve_channels(frame.copy(), target=None, inputs_dir=tmp_path)
    assert again.source == train.source  # same content, same file: warm start sees the same data
    moved = frame[[*frame.columns[1:], "diagnosis"]]
    chosen, _ = resolve_channels({"train": moved}, target="diagnosis", inputs_dir=tmp_path)
    assert load_csv(chosen.source, target=chosen.target).target_name == "diagnosis"
    with pytest.raises(ValidationError, match="target 'label' is not a column"):
        resolve_channels(frame, target="label", inputs_dir=tmp_path)


def test_headerless_csv_and_file_uri_and_folder_channels(store, tmp_path, capsys):
    frame = _cancer_frame()
    frame["diagnosis"] = (frame["diagnosis"] == "malignant").astype(int)
    (tmp_path / "train").mkdir()
    frame.iloc[:400].to_csv(tmp_path / "train" / "train.csv", index=False, header=False)
    frame.iloc[400:].to_csv(tmp_path / "validation.csv", index=False, header=False)
    tuner = HyperparameterTuner(_xgb(), "validation:auc", RANGES, max_jobs=2, store=store)
    tuner.fit({"train": TrainingInput(str(tmp_path / "train"), content_type="text/csv"),
               "validation": f"file://{tmp_path / 'validation.csv'}"})
    job = store.get_tuning_job(tuner.latest_tuning_job.name)
    assert job.status == "Completed" and job.config["ValidationDataset"]["Path"] == str(tmp_path / "validation.csv")
    out = capsys.readouterr().out
    assert "2/2 training jobs finished" in out and f"Tuning job {job.name}: Completed" in out


def test_dataset_name_channel_with_knn_and_base_job_name(store):
    tuner = HyperparameterTuner(KNN(k=3), "validation:accuracy",
                                {"k": IntegerParameter(1, 10), "weights": CategoricalParameter(["uniform", "distance"])},
                                strategy="Random", max_jobs=3, base_tuning_job_name="iris-knn", store=store)
    tuner.fit("iris")
    name = tuner.latest_tuning_job.job_name
    assert name.startswith("iris-knn-") and len(name) <= 32
    assert len(tuner.analytics().dataframe()) == 3


def test_hyperband_strategy_config_reaches_the_job(store):
    config = StrategyConfig(hyperband_strategy_config=HyperbandStrategyConfig(min_resource=1, max_resource=6))
    tuner = HyperparameterTuner(_xgb(), "validation:auc", RANGES, strategy="Hyperband", strategy_config=config,
                                max_jobs=2, store=store)
    tuner.fit("breast_cancer")
    assert tuner.describe()["HyperParameterTuningJobConfig"]["Strategy"] == "Hyperband"
    assert store.get_tuning_job(tuner.latest_tuning_job.name).config["StrategyConfig"] == {
        "MinResource": 1, "MaxResource": 6}


def test_stop_tuning_job_stops_a_running_job(store):
    estimator = _xgb()
    estimator.set_hyperparameters(num_round=4000)
    tuner = HyperparameterTuner(estimator, "validation:auc", RANGES, max_jobs=50, store=store)
    tuner.fit("breast_cancer", wait=False)
    tuner.stop_tuning_job()
    job = tuner.wait()
    assert job.status == "Stopped"
    assert job.finished_count < 50


# -- results of one fitted tuner -------------------------------------------------------------------
def test_analytics_dataframe_has_the_sdk_columns(fitted, module_store):
    frame = fitted.analytics().dataframe()
    assert list(frame.columns[:8]) == ["eta", "max_depth", *ANALYTICS_COLUMNS]
    assert len(frame) == 4 and set(frame["TrainingJobStatus"]) == {"Completed"}
    same = HyperparameterTuningJobAnalytics(fitted.latest_tuning_job.name, store=module_store).dataframe()
    pd.testing.assert_frame_equal(frame, same)


def test_best_training_job_and_best_estimator(fitted, module_store):
    best = fitted.best_training_job()
    frame = fitted.analytics().dataframe()
    assert best == frame.loc[frame["FinalObjectiveValue"].idxmax(), "TrainingJobName"]
    recorded = {job.name: job for job in module_store.training_jobs(fitted.latest_tuning_job.name)}[best]
    estimator = fitted.best_estimator()
    assert isinstance(estimator, XGBoost)
    static = estimator.static_hyperparameters()
    assert {name: static[name] for name in recorded.hyperparameters} == recorded.hyperparameters
    assert static["num_round"] == 5 and estimator.hyperparameters()["objective"] == "binary:logistic"


def test_attach_rebuilds_the_tuner(fitted, module_store):
    attached = HyperparameterTuner.attach(fitted.latest_tuning_job.name, store=module_store)
    assert attached.best_training_job() == fitted.best_training_job()
    assert attached.hyperparameter_ranges == RANGES
    assert attached.estimator.static_hyperparameters() == {"num_round": 5}
    assert attached.max_jobs == 4 and attached.max_parallel_jobs == 2
    assert attached.wait().status == "Completed"  # already ended: returns at once
    with pytest.raises(ValidationError, match="not-a-job"):
        HyperparameterTuner.attach("not-a-job", store=module_store)


def test_warm_start_describe_has_best_and_overall_best(fitted, module_store):
    parent = fitted.latest_tuning_job.name
    child = HyperparameterTuner(
        _xgb(), "validation:auc", RANGES, max_jobs=2, random_seed=3, store=module_store,
        warm_start_config=WarmStartConfig(WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM, parents={parent}))
    child.fit({"train": _cancer_frame()})
    described = child.describe()
    assert described["WarmStartConfig"]["ParentHyperParameterTuningJobs"] == [{"HyperParameterTuningJobName": parent}]
    assert described["BestTrainingJob"]["TrainingJobName"].startswith(child.latest_tuning_job.name)
    overall = described["OverallBestTrainingJob"]
    assert overall["TuningJobName"] in (parent, child.latest_tuning_job.name)
    values = [module_store.get_tuning_job(name).best_objective_value for name in (parent, child.latest_tuning_job.name)]
    assert overall["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] == max(values)
    rows = load_dataset("breast_cancer").features.head(3)
    assert len(child.deploy().predict_labels(rows)) == 3  # a warm-started job deploys too


def test_deploy_predict_labels_for_frames_arrays_and_csv(fitted):
    predictor = fitted.deploy(initial_instance_count=1, instance_type="ml.m5.large")
    assert predictor.predictor.final  # the best hyperparameters retrained on train + validation
    features = load_dataset("breast_cancer").features.head(7)
    classes = {"benign", "malignant"}
    for data in (features, features.to_numpy(), features.to_numpy().tolist(),
                 features.to_csv(header=False, index=False)):
        labels = predictor.predict_labels(data)
        assert len(labels) == 7 and set(labels) <= classes
    assert len(predictor.predict_labels(features.to_numpy()[0])) == 1  # one 1-D row
    assert predictor.predict_proba(features).shape == (7, 2)
    with pytest.raises(ValidationError, match="3 values per row, but the model takes 30"):
        predictor.predict_labels([[1, 2, 3]])
    predictor.delete_endpoint()
    with pytest.raises(ValidationError, match="was deleted"):
        predictor.predict(features)


def test_fit_again_while_running_is_refused(module_store):
    estimator = _xgb()
    estimator.set_hyperparameters(num_round=4000)
    tuner = HyperparameterTuner(estimator, "validation:auc", RANGES, max_jobs=20, store=module_store)
    tuner.fit("breast_cancer", wait=False)
    try:
        with pytest.raises(ValidationError, match="still running"):
            tuner.fit("breast_cancer")
    finally:
        tuner.stop_tuning_job()
        job = tuner.wait()
    assert job.status == "Stopped"
