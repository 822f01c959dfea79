"""The neural network as the course names it: each hyperparameter changes training, dropout is refused.

The course tunes ``{"learning_rate": ContinuousParameter(0.001, 0.1), "num_layers":
IntegerParameter(2, 10), "dropout": ContinuousParameter(0.1, 0.5)}`` with
``validation:accuracy``, Bayesian, 20 jobs, 4 in parallel (issue 18). scikit-learn's MLP has
no dropout, so that example is refused for ``dropout`` alone, saying why and what to use
instead; without dropout it runs (here small: 4 jobs, 2 in parallel, a few epochs).
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pandas as pd
import pytest

from tuning import ContinuousParameter, HyperparameterTuner, IntegerParameter, ValidationError
from tuning.algorithms import TrainingData, get_algorithm
from tuning.datasets import load_dataset
from tuning.glossary import HYPERPARAMETER_EFFECTS
from tuning.job.config import TuningJobConfig
from tuning.job.form_values import overlay_ranges
from tuning.job.preparation import prepare
from tuning.job.range_table import range_rows
from tuning.metrics import BINARY, get_metric
from tuning.running.runner import run_tuning_job
from tuning.sagemaker.estimators import MLP
from tuning.sagemaker.request_json import from_sagemaker_request, to_sagemaker_request
from tuning.store.database import Store
from tuning.user_words import in_user_words

MLP_ALGORITHM = get_algorithm("mlp")
WHY = "has no dropout layer"


class _Record:
    """A reporter that keeps every (epoch, value) and never stops training."""

    def __init__(self) -> None:
        self.curve: list[tuple[int, float]] = []

    def report(self, step: int, value: float, train_value: float | None = None) -> bool:
        self.curve.append((step, value))
        return False


def _data() -> TrainingData:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 5))
    y = ((x[:, 0] - 0.7 * x[:, 1] + 0.5 * x[:, 2] * x[:, 3] + rng.normal(scale=0.6, size=300)) > 0).astype(float)
    return TrainingData(x[:220], y[:220], x[220:], y[220:], BINARY, 2)


def _train(**values):
    """The model, its validation output and its curve, for the MLP with ``values`` (strings, as SageMaker sends)."""
    static = {name: MLP_ALGORITHM.static_value(name, value) for name, value in values.items()}
    data, reporter = _data(), _Record()
    model = MLP_ALGORITHM.fit(MLP_ALGORITHM.resolve({"epochs": 8, **static}), data,
                              get_metric("validation:logloss", problem_type=BINARY), reporter, seed=1)
    return model, MLP_ALGORITHM.output(model, data.x_validation), reporter.curve


def _differ(a: np.ndarray, b: np.ndarray) -> bool:
    return not np.allclose(a, b, rtol=0, atol=1e-9)


# -- each hyperparameter changes training -------------------------------------------------
def test_the_optimizer_picks_scikit_learns_solver_and_sgd_and_adam_train_different_models():
    sgd, sgd_out, _ = _train(optimizer="sgd")
    adam, adam_out, _ = _train(optimizer="adam")
    assert sgd.estimator.solver == "sgd" and adam.estimator.solver == "adam"
    assert _differ(sgd_out, adam_out)


def test_momentum_changes_what_sgd_learns_and_nothing_with_adam_which_says_so():
    _, still, _ = _train(optimizer="sgd", momentum="0")
    _, moving, _ = _train(optimizer="sgd", momentum="0.9")
    assert _differ(still, moving)
    _, adam_low, _ = _train(optimizer="adam", momentum="0")
    _, adam_high, _ = _train(optimizer="adam", momentum="0.9")
    np.testing.assert_array_equal(adam_low, adam_high)  # scikit-learn's adam does not read momentum
    notes = MLP_ALGORITHM.training_notes({"optimizer": "adam", "momentum": 0.5})
    assert len(notes) == 1 and "momentum=0.5 has no effect with adam" in notes[0]
    assert MLP_ALGORITHM.training_notes({"optimizer": "sgd", "momentum": 0.5}) == []
    with pytest.warns(UserWarning, match="momentum=0.2 has no effect with adam"):
        MLP(role="role").set_hyperparameters(momentum="0.2")


def test_learning_rate_decay_is_invscaling_with_power_t_and_zero_is_a_constant_rate():
    constant, flat, _ = _train(optimizer="sgd", learning_rate="0.05", learning_rate_decay="0")
    decayed, shrinking, _ = _train(optimizer="sgd", learning_rate="0.05", learning_rate_decay="0.5")
    assert constant.estimator.learning_rate == "constant"
    assert decayed.estimator.learning_rate == "invscaling" and decayed.estimator.power_t == 0.5
    # scikit-learn's invscaling: after the last epoch the step is learning_rate / (rows seen + 1) ** power_t
    rows_seen = 8 * 220
    assert decayed.estimator._optimizer.learning_rate == pytest.approx(0.05 / (rows_seen + 1) ** 0.5)
    assert constant.estimator._optimizer.learning_rate == pytest.approx(0.05)
    assert _differ(flat, shrinking)


def test_num_layers_builds_that_many_hidden_layers_of_hidden_units_each():
    model, _, _ = _train(num_layers="4", hidden_units="7")
    assert model.estimator.hidden_layer_sizes == (7, 7, 7, 7)
    assert len(model.estimator.coefs_) == 5  # four hidden layers and the output layer


def test_the_batch_size_and_regularization_strength_reach_scikit_learn_and_change_the_model():
    small, small_out, _ = _train(mini_batch_size="16")
    large, large_out, _ = _train(mini_batch_size="128")
    assert (small.estimator.batch_size, large.estimator.batch_size) == (16, 128) and _differ(small_out, large_out)
    weak, _, _ = _train(alpha="0")
    strong, _, _ = _train(alpha="5")
    assert sum(float(np.sum(w ** 2)) for w in strong.estimator.coefs_) < sum(
        float(np.sum(w ** 2)) for w in weak.estimator.coefs_)  # high regularization strength: smaller weights


def test_early_stopping_patience_ends_training_once_validation_stops_improving():
    _, _, full = _train(epochs="60", learning_rate="0.05")
    _, _, patient = _train(epochs="60", learning_rate="0.05", early_stopping_patience="3")
    assert [step for step, _ in full] == list(range(1, 61))
    assert len(patient) < 60 and patient == full[:len(patient)]  # the same training, cut short
    losses = [value for _, value in patient]
    best_before = min(losses[:-3])
    tolerance = MLP_ALGORITHM.hyperparameters["early_stopping_tolerance"].default
    assert all(value > best_before - tolerance for value in losses[-3:])  # three epochs without improvement
    assert not all(value > min(losses[:-4]) - tolerance for value in losses[-4:-1])  # and not one sooner


def test_patience_stops_a_real_training_job_with_fewer_epochs_recorded(tmp_path):
    store = Store(tmp_path / "tunelab.db")
    try:
        config = TuningJobConfig(dataset="breast_cancer", algorithm="mlp", strategy="Random", max_jobs=2,
                                 random_seed=1, static_hyperparameters={"epochs": 150, "early_stopping_patience": 3},
                                 hyperparameter_ranges={"learning_rate": ContinuousParameter(0.01, 0.1)})
        job = run_tuning_job(config, store)
        trained = store.training_jobs(job.name)
        assert job.status == "Completed" and len(trained) == 2
        for training_job in trained:
            assert training_job.status == "Completed"
            assert 3 < len(training_job.intermediate_values) < 150
    finally:
        store.dispose()


# -- the older name ----------------------------------------------------------------------
def test_hidden_layers_is_still_accepted_as_the_older_name_of_num_layers():
    old, old_out, _ = _train(hidden_layers="3")
    new, new_out, _ = _train(num_layers="3")
    assert old.estimator.hidden_layer_sizes == new.estimator.hidden_layer_sizes == (64, 64, 64)
    np.testing.assert_array_equal(old_out, new_out)
    assert MLP(role="role", hidden_layers=2).static_hyperparameters() == {"hidden_layers": 2}
    assert "hidden_layers" not in set(MLP_ALGORITHM.hyperparameters)  # one row, one name in lists
    assert "hidden_layers" not in set(range_rows(MLP_ALGORITHM)["Hyperparameter"])
    with pytest.raises(ValidationError, match="'hidden_layers' is the older name of .* 'num_layers'"):
        MLP_ALGORITHM.resolve({"hidden_layers": 2, "num_layers": 3})
    with pytest.raises(ValidationError, match="valid in \\[1, 10\\]"):
        MLP_ALGORITHM.static_value("hidden_layers", "11")


def test_a_stored_job_tuning_hidden_layers_still_runs_and_records_its_own_name(tmp_path):
    store = Store(tmp_path / "tunelab.db")
    try:
        config = TuningJobConfig(dataset="breast_cancer", algorithm="mlp", strategy="Random", max_jobs=2,
                                 random_seed=2, static_hyperparameters={"epochs": 3},
                                 hyperparameter_ranges={"hidden_layers": IntegerParameter(2, 3)})
        prepared = prepare(config)
        assert prepared.training_hyperparameters({"hidden_layers": 3})["num_layers"] == 3  # what fit is given
        job = run_tuning_job(config, store)
        trained = store.training_jobs(job.name)
        assert job.status == "Completed"
        assert {int(t.hyperparameters["hidden_layers"]) for t in trained} <= {2, 3}
        # the Create form, importing it, fills num_layers' row
        rows, notes = overlay_ranges(range_rows(MLP_ALGORITHM), MLP_ALGORITHM,
                                     ("mlp", config.hyperparameter_ranges, {}))
        row = rows[rows["Hyperparameter"] == "num_layers"].iloc[0]
        assert bool(row["Tune"]) and (row["MinValue"], row["MaxValue"]) == (2.0, 3.0) and notes == []
    finally:
        store.dispose()


def test_an_older_name_static_and_todays_tuned_are_refused_as_one_hyperparameter_given_twice():
    config = TuningJobConfig(dataset="breast_cancer", algorithm="mlp", max_jobs=2,
                             static_hyperparameters={"hidden_layers": 2},
                             hyperparameter_ranges={"num_layers": IntegerParameter(1, 3)})
    with pytest.raises(ValidationError, match="older name"):
        prepare(config)


# -- dropout: refused, saying why and what instead -----------------------------------------
def _refused(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    message = str(caught.value)
    assert WHY in message and "alpha (regularization strength" in message and "early_stopping_patience" in message
    return message


def test_dropout_is_refused_on_the_python_path_static_or_tuned():
    _refused(lambda: MLP(role="role", dropout=0.2))
    _refused(lambda: MLP(role="role").set_hyperparameters(dropout="0.2"))
    _refused(lambda: HyperparameterTuner(MLP(role="role"), "validation:accuracy",
                                         {"dropout": ContinuousParameter(0.1, 0.5)}))
    _refused(lambda: MLP_ALGORITHM.static_value("dropout", "0.3"))


def _mlp_request(ranges: dict) -> dict:
    config = TuningJobConfig(dataset="breast_cancer", algorithm="mlp", max_jobs=2, hyperparameter_ranges=ranges)
    return copy.deepcopy(to_sagemaker_request(config))


def test_dropout_is_refused_on_the_json_paths_static_or_tuned():
    # SageMaker's JSON: a static value is refused as it is read, at its path
    request = _mlp_request({"learning_rate": ContinuousParameter(0.001, 0.1)})
    request["TrainingJobDefinition"]["StaticHyperParameters"] = {"dropout": "0.2"}
    message = _refused(lambda: from_sagemaker_request(request))
    assert message.startswith("TrainingJobDefinition.StaticHyperParameters.dropout: ")
    # a range: read as SageMaker writes it, refused by the gate
    request = _mlp_request({"learning_rate": ContinuousParameter(0.001, 0.1)})
    ranges = request["HyperParameterTuningJobConfig"]["ParameterRanges"]
    ranges["ContinuousParameterRanges"].append({"Name": "dropout", "MinValue": "0.1", "MaxValue": "0.5",
                                                "ScalingType": "Auto"})
    _refused(lambda: prepare(from_sagemaker_request(request)))
    # TuneLab's JSON
    data = TuningJobConfig(dataset="breast_cancer", algorithm="mlp", max_jobs=2,
                           hyperparameter_ranges={"dropout": ContinuousParameter(0.1, 0.5)}).to_dict()
    _refused(lambda: prepare(TuningJobConfig.from_dict(data)))
    data = TuningJobConfig(dataset="breast_cancer", algorithm="mlp", max_jobs=2,
                           static_hyperparameters={"dropout": 0.2}).to_dict()
    message = _refused(lambda: prepare(TuningJobConfig.from_dict(data)))
    assert in_user_words(message) == message  # on a page it reads the same: no Python spelling in it


def test_a_json_imported_into_the_create_form_says_why_its_dropout_is_left_out():
    _, notes = overlay_ranges(range_rows(MLP_ALGORITHM), MLP_ALGORITHM,
                              ("mlp", {"dropout": ContinuousParameter(0.1, 0.5)}, {}))
    assert len(notes) == 1 and notes[0].startswith("Left out: dropout.") and WHY in notes[0]


# -- the course's example --------------------------------------------------------------------
def _course_tuner(hyperparameter_ranges: dict, store: Store, *, max_jobs: int = 20, max_parallel_jobs: int = 4):
    """The course's code with the estimator line filled in (its sizes given small by the test)."""
    estimator = MLP(role="arn:aws:iam::1:role/x", instance_count=1, instance_type="ml.m5.xlarge", epochs=4)
    return HyperparameterTuner(
        estimator=estimator,
        objective_metric_name="validation:accuracy",
        hyperparameter_ranges=hyperparameter_ranges,
        strategy="Bayesian",
        max_jobs=max_jobs,
        max_parallel_jobs=max_parallel_jobs,
        random_seed=5,
        store=store,
    )


def test_the_course_example_is_refused_for_dropout_alone(tmp_path):
    store = Store(tmp_path / "tunelab.db")
    try:
        course = {"learning_rate": ContinuousParameter(0.001, 0.1), "num_layers": IntegerParameter(2, 10),
                  "dropout": ContinuousParameter(0.1, 0.5)}
        message = _refused(lambda: _course_tuner(course, store))
        assert message.startswith("hyperparameter_ranges['dropout']: ")
        without = {name: value for name, value in course.items() if name != "dropout"}
        _course_tuner(without, store)  # nothing else in it is refused
    finally:
        store.dispose()


def test_the_course_example_without_dropout_runs(tmp_path):
    dataset = load_dataset("breast_cancer")
    frame = pd.concat([dataset.target, dataset.features], axis=1)  # label first, as in SageMaker
    store = Store(tmp_path / "tunelab.db")
    try:
        tuner = _course_tuner({"learning_rate": ContinuousParameter(0.001, 0.1),
                               "num_layers": IntegerParameter(2, 10)}, store, max_jobs=4, max_parallel_jobs=2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tuner.fit({"train": frame})
        job = store.get_tuning_job(tuner.latest_tuning_job.name)
        trained = store.training_jobs(job.name)
        assert job.status == "Completed" and job.objective_metric_name == "validation:accuracy"
        assert len(trained) == 4 and all(t.status == "Completed" for t in trained)
        for training_job in trained:
            assert 2 <= int(training_job.hyperparameters["num_layers"]) <= 10
            assert 0.001 <= float(training_job.hyperparameters["learning_rate"]) <= 0.1
            assert [step for step, _ in training_job.intermediate_values] == [1, 2, 3, 4]
    finally:
        store.dispose()


# -- the course's words ----------------------------------------------------------------------
@pytest.mark.parametrize("name, term", [
    ("learning_rate", "learning rate"), ("mini_batch_size", "batch size"), ("epochs", "epochs"),
    ("num_layers", "number of layers"), ("hidden_units", "nodes per layer"), ("alpha", "regularization strength"),
    ("optimizer", "optimizer"), ("momentum", "momentum"), ("learning_rate_decay", "learning-rate decay"),
    ("early_stopping_patience", "early stopping patience"),
])
def test_every_mlp_hyperparameter_is_explained_in_the_course_words(name, term):
    description = MLP_ALGORITHM.hyperparameters[name].description
    assert description.lower().startswith(term) and HYPERPARAMETER_EFFECTS[term] in description


@pytest.mark.parametrize("algorithm, name, head", [
    ("xgboost", "eta", "Learning rate (SageMaker: eta)"),
    ("xgboost", "num_round", "Epochs (SageMaker: num_round)"),
    ("xgboost", "alpha", "Regularization strength (SageMaker: alpha)"),
    ("xgboost", "lambda", "Regularization strength (SageMaker: lambda)"),
    ("linear-learner", "learning_rate", "Learning rate (SageMaker: learning_rate)"),
    ("linear-learner", "wd", "Regularization strength (SageMaker: wd)"),
    ("linear-learner", "mini_batch_size", "Batch size (SageMaker: mini_batch_size)"),
])
def test_xgboost_and_linear_learner_say_the_course_term_with_the_sagemaker_name(algorithm, name, head):
    assert get_algorithm(algorithm).hyperparameters[name].description.startswith(head)


def test_momentum_set_with_sgd_in_the_same_call_gives_no_note():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any note would fail here
        estimator = MLP(role="role")
        estimator.set_hyperparameters(momentum="0.5", optimizer="sgd")
    assert estimator.static_hyperparameters() == {"momentum": 0.5, "optimizer": "sgd"}
