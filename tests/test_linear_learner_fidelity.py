"""Linear Learner as AWS documents it for tuning (issue 17): its objective metrics, accepted with AWS's
direction, for the problem types AWS gives, and scored from the model with scikit-learn; its tunable ranges
and valid values.

AWS's page, "Tune a linear learner model", tables "Metrics computed by the linear learner algorithm" and
"Tuning linear learner hyperparameters": https://docs.aws.amazon.com/sagemaker/latest/dg/linear-learner-tuning.html;
the valid values: https://docs.aws.amazon.com/sagemaker/latest/dg/ll_hyperparameters.html.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from tuning import CategoricalParameter, ContinuousParameter, IntegerParameter, TuningJobConfig
from tuning.algorithms import get_algorithm
from tuning.errors import ValidationError
from tuning.job.preparation import encode_channels, prepare
from tuning.metrics import BINARY, MULTICLASS, REGRESSION, get_metric
from tuning.job.range_rules import check_ranges
from tuning.running.runner import run_tuning_job
from tuning.sagemaker.request_json import from_sagemaker_request

LL_TUNING_PAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/linear-learner-tuning.html"
LL_HYPERPARAMETERS_PAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/ll_hyperparameters.html"
LINEAR = get_algorithm("linear-learner")

AWS_VALIDATION_METRICS = [  # LL_TUNING_PAGE's table, validation rows: name, "Optimization Direction", "only valid for"
    ("validation:absolute_loss", "Minimize", (REGRESSION,)),
    ("validation:binary_classification_accuracy", "Maximize", (BINARY,)),
    ("validation:binary_f_beta", "Maximize", (BINARY,)),
    ("validation:dcg", "Maximize", (MULTICLASS,)),
    ("validation:macro_f_beta", "Maximize", (MULTICLASS,)),
    ("validation:macro_precision", "Maximize", (MULTICLASS,)),
    ("validation:macro_recall", "Maximize", (MULTICLASS,)),
    ("validation:mse", "Minimize", (REGRESSION,)),
    ("validation:multiclass_accuracy", "Maximize", (MULTICLASS,)),
    ("validation:multiclass_top_k_accuracy", "Maximize", (MULTICLASS,)),
    # "The mean value of the objective loss function on the validation dataset every epoch" (every problem type)
    ("validation:objective_loss", "Minimize", (BINARY, MULTICLASS, REGRESSION)),
    ("validation:precision", "Maximize", (BINARY,)),
    ("validation:recall", "Maximize", (BINARY,)),
    ("validation:roc_auc_score", "Maximize", (BINARY,)),
]


@pytest.mark.parametrize("name, direction, problems", AWS_VALIDATION_METRICS)
def test_every_validation_metric_on_awss_page_is_linear_learners_with_awss_direction(name, direction, problems):
    for problem in (BINARY, MULTICLASS, REGRESSION):
        offered = {metric.name: metric for metric in LINEAR.objective_metrics(problem)}
        assert (name in offered) == (problem in problems), (name, problem)
        if problem in problems:
            assert offered[name].direction == direction
            assert get_metric(name, problem_type=problem, objective_type=direction, algorithm="linear-learner")
    wrong = "Maximize" if direction == "Minimize" else "Minimize"
    with pytest.raises(ValidationError, match=rf"must be {direction}d.*Set the objective type to {direction}"):
        get_metric(name, objective_type=wrong, algorithm="linear-learner")


def test_linear_learners_own_names_are_refused_for_xgboost_whose_container_does_not_emit_them():
    assert "validation:binary_f_beta" not in {m.name for m in get_algorithm("xgboost").objective_metrics(BINARY)}
    with pytest.raises(ValidationError, match=r"'validation:binary_f_beta' is linear-learner's own.*not xgboost's; "
                                              r"use one of: validation:accuracy"):
        get_metric("validation:binary_f_beta", problem_type=BINARY, algorithm="xgboost")


@pytest.mark.parametrize("name", ["test:objective_loss", "test:binary_f_beta", "test:precision", "test:recall"])
def test_test_channel_metrics_are_refused_naming_the_validation_metric_to_use(name):
    # LL_TUNING_PAGE: "To avoid overfitting, we recommend tuning the model against a validation metric".
    # TuneLab's built-in channels are train and validation; AWS's test: metrics score a 'test' channel.
    validation = "validation:" + name.split(":")[1]
    with pytest.raises(ValidationError, match=rf"'test' channel.*use '{validation}'"):
        get_metric(name, algorithm="linear-learner")
    if get_metric(validation).algorithm == "linear-learner":  # not suggested to XGBoost, which does not emit it
        with pytest.raises(ValidationError, match=rf"unknown objective metric '{name}'"):
            get_metric(name, algorithm="xgboost")


Y = np.array([0, 1, 1, 0, 1, 1, 0, 0])
P1 = np.array([0.2, 0.9, 0.4, 0.6, 0.8, 0.7, 0.1, 0.3])  # predicted 0 1 0 1 1 1 0 0: tp 3, fp 1, fn 1
BINARY_OUTPUT = np.column_stack([1 - P1, P1])


@pytest.mark.parametrize("beta", [1.0, 0.5, 2.0])
def test_binary_f_beta_reads_the_f_beta_hyperparameter(beta):
    # LL_TUNING_PAGE, validation:binary_f_beta: "By default, the F-beta score is the F1 score, which is the harmonic
    # mean of the validation:precision and validation:recall metrics"; ll_hyperparameters.html, f_beta: "The value
    # of beta to use when calculating F score metrics ... Default value: 1.0".
    precision, recall = 3 / 4, 3 / 4
    metric = get_metric("validation:binary_f_beta").bound({"f_beta": beta})
    assert metric(Y, BINARY_OUTPUT) == pytest.approx((1 + beta ** 2) * precision * recall / (beta ** 2 * precision + recall))
    assert get_metric("validation:precision")(Y, BINARY_OUTPUT) == pytest.approx(precision)
    assert get_metric("validation:recall")(Y, BINARY_OUTPUT) == pytest.approx(recall)


def test_binary_f_beta_default_is_f1_and_skewed_beta_changes_it():
    y, p = np.array([1, 1, 1, 0]), np.array([0.9, 0.2, 0.3, 0.8])  # tp 1, fp 1, fn 2: precision 1/2, recall 1/3
    output = np.column_stack([1 - p, p])
    f1 = get_metric("validation:binary_f_beta").bound(LINEAR.resolve({}))(y, output)
    assert f1 == pytest.approx(2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3))
    assert get_metric("validation:binary_f_beta").bound({"f_beta": 3})(y, output) < f1  # beta > 1 weighs recall


def test_multiclass_metrics_read_accuracy_top_k_and_rank_the_true_class():
    y = np.array([0, 1, 2, 2])
    output = np.array([[0.6, 0.3, 0.1], [0.5, 0.2, 0.3], [0.2, 0.3, 0.5], [0.1, 0.6, 0.3]])
    # ranks of the true class: 1, 3, 1, 2
    assert get_metric("validation:multiclass_accuracy")(y, output) == pytest.approx(2 / 4)
    top = get_metric("validation:multiclass_top_k_accuracy")
    assert top.bound({"accuracy_top_k": 2})(y, output) == pytest.approx(3 / 4)
    assert top.bound({"accuracy_top_k": 1})(y, output) == pytest.approx(2 / 4)
    assert top.bound(LINEAR.resolve({}))(y, output) == pytest.approx(1.0)  # AWS's default k is 3: every class
    expected_dcg = np.mean([1, 1 / np.log2(4), 1, 1 / np.log2(3)])
    assert get_metric("validation:dcg")(y, output) == pytest.approx(expected_dcg)
    labels = output.argmax(axis=1)
    assert get_metric("validation:macro_precision")(y, output) == pytest.approx(
        skm.precision_score(y, labels, average="macro", zero_division=0))
    assert get_metric("validation:macro_recall")(y, output) == pytest.approx(np.mean([1, 0, 1 / 2]))


def test_objective_loss_is_the_loss_trained():
    # LL_TUNING_PAGE, validation:objective_loss: "By default, the loss is logistic loss for binary classification
    # and squared loss for regression. To set loss to other types, use the loss hyperparameter."
    loss = get_metric("validation:objective_loss")
    assert loss.bound(LINEAR.resolve({}))(Y, BINARY_OUTPUT) == pytest.approx(skm.log_loss(Y, BINARY_OUTPUT))
    y, predicted = np.array([0.0, 1.0, 3.0]), np.array([0.5, 1.0, 1.0])  # errors 0.5, 0, 2
    assert loss.bound({"loss": "auto"})(y, predicted) == pytest.approx((0.25 + 0 + 4) / 3)
    assert loss.bound({"loss": "absolute_loss"})(y, predicted) == pytest.approx(2.5 / 3)
    assert loss.bound({"loss": "huber_loss", "huber_delta": 1.0})(y, predicted) == pytest.approx(
        (0.5 * 0.25 + 0 + (2 - 0.5)) / 3)
    assert loss.bound({"loss": "eps_insensitive_absolute_loss", "loss_insensitivity": 0.5})(y, predicted) == \
        pytest.approx(1.5 / 3)
    assert get_metric("validation:absolute_loss")(y, predicted) == pytest.approx(2.5 / 3)


def test_a_tuning_job_on_binary_f_beta_scores_each_model_with_its_f_beta(store):
    # The metric AWS's own Linear Learner notebook tunes on (sm-linear_learner_mnist.ipynb: "validation:binary_f_beta"),
    # with f_beta 0.5 (positives weighed 8, so precision and recall differ): each recorded FinalObjectiveValue is F0.5 of the model, recomputed here from a retrained model.
    config = TuningJobConfig(
        dataset="breast_cancer", algorithm="linear-learner", objective_metric_name="validation:binary_f_beta",
        hyperparameter_ranges={"learning_rate": ContinuousParameter(1e-3, 0.1)},
        static_hyperparameters={"f_beta": "0.5", "epochs": 3, "positive_example_weight_mult": "8"}, strategy="Random", max_jobs=2, random_seed=4)
    job = run_tuning_job(config, store)
    assert job.status == "Completed" and job.objective_type == "Maximize"
    prepared = prepare(config)
    data, _, _ = encode_channels(prepared)
    for training in store.training_jobs(job.name):
        hyperparameters = prepared.training_hyperparameters(training.hyperparameters)
        model = LINEAR.fit(hyperparameters, data, prepared.metric, _Quiet(), seed=4 + training.index)
        labels = LINEAR.output(model, data.x_validation).argmax(axis=1)
        expected = skm.fbeta_score(data.y_validation, labels, beta=0.5)
        assert training.final_objective_value == pytest.approx(expected)
        assert expected != pytest.approx(skm.f1_score(data.y_validation, labels))  # beta 0.5 is not F1 here


class _Quiet:
    def report(self, step: int, value: float, train_value: float | None = None) -> bool:
        return False


# -- the tunable ranges: LL_TUNING_PAGE's "Tuning linear learner hyperparameters" ----------------------------
AWS_TUNABLE = [  # Parameter Name | Parameter Type | Recommended Ranges, as the page writes them
    ("wd", "ContinuousParameterRanges", "MinValue: 1e-7, MaxValue: 1", ContinuousParameter(1e-7, 1)),
    ("l1", "ContinuousParameterRanges", "MinValue: 1e-7, MaxValue: 1", ContinuousParameter(1e-7, 1)),
    ("learning_rate", "ContinuousParameterRanges", "MinValue: 1e-5, MaxValue: 1", ContinuousParameter(1e-5, 1)),
    ("mini_batch_size", "IntegerParameterRanges", "MinValue: 100, MaxValue: 5000", IntegerParameter(100, 5000)),
    ("use_bias", "CategoricalParameterRanges", "[True, False]", CategoricalParameter(["true", "false"])),
    ("positive_example_weight_mult", "ContinuousParameterRanges", "MinValue: 1e-5, MaxValue: 1e5",
     ContinuousParameter(1e-5, 1e5)),
]


@pytest.mark.parametrize("name, kind, aws_range, parameter", AWS_TUNABLE)
def test_each_tunable_hyperparameter_recommends_awss_range_and_takes_it(name, kind, aws_range, parameter):
    spec = LINEAR.hyperparameters[name]
    recommended = spec.default_range
    assert type(recommended) is type(parameter), (name, kind)
    if isinstance(parameter, CategoricalParameter):
        assert [str(value).lower() for value in recommended.values] == parameter.values
    else:
        assert (recommended.min_value, recommended.max_value) == (parameter.min_value, parameter.max_value), aws_range
    assert check_ranges(LINEAR, {name: parameter})[name] == parameter


def test_awss_tuning_table_runs_as_a_sagemaker_request_with_awss_spelling():
    # The six ranges as AWS's JSON carries them (strings; use_bias as the page writes it, True/False).
    def continuous(name, low, high):
        return {"Name": name, "MinValue": low, "MaxValue": high, "ScalingType": "Auto"}
    request = {
        "HyperParameterTuningJobName": "ll-table",
        "HyperParameterTuningJobConfig": {
            "Strategy": "Random",
            "HyperParameterTuningJobObjective": {"Type": "Minimize", "MetricName": "validation:objective_loss"},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1},
            "ParameterRanges": {
                "ContinuousParameterRanges": [continuous("wd", "1e-7", "1"), continuous("l1", "1e-7", "1"),
                                              continuous("learning_rate", "1e-5", "1"),
                                              continuous("positive_example_weight_mult", "1e-5", "1e5")],
                "IntegerParameterRanges": [{"Name": "mini_batch_size", "MinValue": "100", "MaxValue": "5000"}],
                "CategoricalParameterRanges": [{"Name": "use_bias", "Values": ["True", "False"]}]},
            "TrainingJobEarlyStoppingType": "Off"},
        "TrainingJobDefinition": {
            "AlgorithmSpecification": {"TrainingImage": LINEAR.training_image(), "TrainingInputMode": "File"},
            "StaticHyperParameters": {"predictor_type": "binary_classifier", "epochs": "2"},
            "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": "tunelab://dataset/breast_cancer",
                "S3DataDistributionType": "FullyReplicated"}}, "ContentType": "text/csv"}]},
    }
    config = from_sagemaker_request(request)
    prepared = prepare(config)
    assert set(prepared.ranges) == {name for name, *_ in AWS_TUNABLE}
    assert prepared.metric.name == "validation:objective_loss" and prepared.metric.direction == "Minimize"


@pytest.mark.parametrize("name, value, aws_says", [
    ("learning_rate", "50", "learning_rate ... Valid values: auto or positive floating-point integer"),
    ("l1", "500", "l1 ... Valid values: auto or non-negative float"),
    ("wd", "500", "wd ... Valid values: auto or non-negative floating-point integer"),
    ("l1", "0", "l1 ... If you don't want to use L1 regularization, set the value to 0."),
    ("wd", "0", "wd ... If you don't want to use L2 regularization, set the value to 0."),
])
def test_static_values_aws_documents_as_valid_are_accepted(name, value, aws_says):
    # LL_HYPERPARAMETERS_PAGE (and the SDK v2's LinearLearner: learning_rate gt(0), l1 and wd ge(0), no upper limit)
    assert LINEAR.static_value(name, value) == float(value)


def test_a_learning_rate_of_zero_is_refused_as_awss_positive_only_domain():
    with pytest.raises(ValidationError, match=r"'learning_rate' is valid in 'auto' or \(0, inf\).*1e-05 to 1"):
        LINEAR.static_value("learning_rate", "0")


# -- a tuned hyperparameter that does not change training here: a warning, not a refusal ----------------------
def test_tuning_mini_batch_size_runs_with_a_note_that_it_does_not_change_training_here():
    # LL_TUNING_PAGE lists mini_batch_size as tunable (IntegerParameterRanges, MinValue 100, MaxValue 5000): the
    # range is accepted as AWS accepts it; scikit-learn's SGD updates after every row, so the engine says so.
    config = TuningJobConfig(dataset="breast_cancer", algorithm="linear-learner", max_jobs=2, hyperparameter_ranges={
        "mini_batch_size": IntegerParameter(100, 5000), "wd": ContinuousParameter(1e-7, 1)})
    prepared = prepare(config)
    assert set(prepared.ranges) == {"mini_batch_size", "wd"}
    said = [note for note in prepared.notes if "mini_batch_size" in note]
    assert said == ["Linear Learner hyperparameter mini_batch_size is tuned, but does not change training in "
                    "TuneLab: scikit-learn's SGD updates the weights after every row, whatever the batch. Every "
                    "value drawn trains the same model here, so its range spends training jobs without finding "
                    "anything; make it static to tune the others."]
    assert not any("wd" in note for note in prepared.notes)  # wd trains: no note
    assert LINEAR.range_notes({"use_bias": CategoricalParameter(["true", "false"])}) == []  # use_bias trains
