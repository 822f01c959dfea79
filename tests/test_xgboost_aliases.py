"""XGBoost's hyperparameter aliases, as AWS's container takes them (issue 17), through every door.

AWS's SageMaker XGBoost container declares four aliases before it validates the hyperparameters
(aws/sagemaker-xgboost-container, src/sagemaker_xgboost_container/algorithm_mode/hyperparameter_validation.py):

    hyperparameters.declare_alias("eta", "learning_rate")
    hyperparameters.declare_alias("gamma", "min_split_loss")
    hyperparameters.declare_alias("lambda", "reg_lambda")
    hyperparameters.declare_alias("alpha", "reg_alpha")

and ``validate`` starts with "Replace aliases with original keys" (sagemaker_algorithm_toolkit). So
``learning_rate="0.2"`` trains as ``eta=0.2``; TuneLab records it as ``eta`` (one name per hyperparameter), and
refuses both names in one request, where the container would keep whichever came last without a word.
"""

from __future__ import annotations

import copy

import pytest

from tuning import ContinuousParameter, TuningJobConfig
from tuning.algorithms import get_algorithm
from tuning.errors import ValidationError
from tuning.job.preparation import prepare
from tuning.running.runner import run_tuning_job
from tuning.sagemaker.estimators import XGBoost
from tuning.sagemaker.request_json import from_sagemaker_request, to_sagemaker_request
from tuning.sagemaker.tuner import HyperparameterTuner

CONTAINER_ALIASES = {"learning_rate": "eta", "min_split_loss": "gamma", "reg_lambda": "lambda", "reg_alpha": "alpha"}
XGB = get_algorithm("xgboost")


def _request(statics: dict[str, str], continuous: list[dict] | None = None) -> dict:
    request = copy.deepcopy(to_sagemaker_request(TuningJobConfig(dataset="breast_cancer", max_jobs=2)))
    request["TrainingJobDefinition"]["StaticHyperParameters"] = {"num_round": "5", **statics}
    if continuous is not None:
        request["HyperParameterTuningJobConfig"]["ParameterRanges"] = {"ContinuousParameterRanges": continuous}
    return request


def test_the_aliases_are_the_containers_four():
    assert dict(XGB.hyperparameter_aliases) == CONTAINER_ALIASES


@pytest.mark.parametrize("alias, name", CONTAINER_ALIASES.items())
def test_an_alias_is_read_as_its_hyperparameter_on_the_python_and_json_doors_alike(alias, name):
    estimator = XGBoost(role="role")
    estimator.set_hyperparameters(**{alias: "0.25"})
    assert estimator.static_hyperparameters() == {name: 0.25}  # recorded under the hyperparameter's own name
    assert estimator.hyperparameters() == {name: "0.25"}
    config = from_sagemaker_request(_request({alias: "0.25"}))
    assert config.static_hyperparameters == {"num_round": 5, name: 0.25}
    assert XGB.static_value(alias, "0.25") == 0.25  # the one gate takes the alias with its hyperparameter's checks
    with pytest.raises(ValidationError, match=rf"'{name}' is valid in"):
        XGB.static_value(alias, "-1")


def test_an_alias_trains_as_its_hyperparameter(store):
    # eta 0.0 leaves the model at its base score (XGBoost's own meaning): the same whichever name sets it.
    runs = {}
    for key in ("eta", "learning_rate"):
        config = TuningJobConfig(dataset="breast_cancer", static_hyperparameters={"num_round": 3, key: 0.0},
                                 hyperparameter_ranges={"subsample": ContinuousParameter(0.5, 1)},
                                 strategy="Random", max_jobs=1,
                                 random_seed=3, name=f"alias-{key.replace('_', '-')}")
        job = run_tuning_job(config, store)
        assert job.config["StaticHyperparameters"] == {"num_round": 3, "eta": 0.0}
        runs[key] = store.training_jobs(job.name)[0]
    assert runs["eta"].final_objective_value == runs["learning_rate"].final_objective_value == 0.5  # AUC of a constant


def test_a_range_over_an_alias_tunes_the_hyperparameter_on_every_door():
    python = TuningJobConfig(dataset="breast_cancer", hyperparameter_ranges={"learning_rate": ContinuousParameter(0, 1)})
    assert list(python.hyperparameter_ranges) == ["eta"]
    assert list(prepare(python).ranges) == ["eta"]
    json_door = from_sagemaker_request(_request({}, [{"Name": "reg_alpha", "MinValue": "0", "MaxValue": "2",
                                                      "ScalingType": "Auto"}]))
    assert list(json_door.hyperparameter_ranges) == ["alpha"]
    tuner = HyperparameterTuner(XGBoost(role="role"), "validation:auc",
                                {"min_split_loss": ContinuousParameter(0, 5)}, max_jobs=2)
    assert list(tuner.hyperparameter_ranges) == ["gamma"]


def test_a_hyperparameter_given_twice_as_alias_and_name_is_refused_saying_both():
    said = r"'eta' is given twice, as 'eta' and as 'learning_rate' \('learning_rate' is another name for 'eta'"
    with pytest.raises(ValidationError, match=rf"^set_hyperparameters: XGBoost hyperparameter {said}.*Give it once"):
        XGBoost(role="role").set_hyperparameters(eta="0.1", learning_rate="0.2")
    with pytest.raises(ValidationError, match=rf"^TrainingJobDefinition.StaticHyperParameters: .*{said}"):
        from_sagemaker_request(_request({"eta": "0.1", "learning_rate": "0.2"}))
    with pytest.raises(ValidationError, match=r"^HyperParameterTuningJobConfig.ParameterRanges"
                                              r".ContinuousParameterRanges\[1\].Name: 'eta' has a range already "
                                              r"\('learning_rate' is another name for 'eta'\)"):
        from_sagemaker_request(_request({}, [{"Name": "eta", "MinValue": "0", "MaxValue": "1"},
                                             {"Name": "learning_rate", "MinValue": "0", "MaxValue": "1"}]))
    with pytest.raises(ValidationError, match=r"^hyperparameter_ranges: XGBoost hyperparameter 'lambda' is given twice"):
        TuningJobConfig(dataset="iris", hyperparameter_ranges={"lambda": ContinuousParameter(0, 1),
                                                               "reg_lambda": ContinuousParameter(0, 1)})
    # one static and one tuned under the two names: the gate's "both tuned and static", named canonically
    with pytest.raises(ValidationError, match=r"eta are both tuned and static"):
        prepare(TuningJobConfig(dataset="iris", static_hyperparameters={"learning_rate": 0.1},
                                hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)}))
