"""A new algorithm or strategy is its own class plus one registration, and every surface sees it.

The toy algorithm is k-NN under another name and image; the toy strategy is Random under
another name and summary. Registered here (and taken out after each test), they must show
on the Create page, survive the SageMaker JSON round trip, and be written in the SDK code,
with no table anywhere else edited.
"""

from __future__ import annotations

import json

import pytest
from conftest import export_codes
from streamlit.testing.v1 import AppTest

from tuning import ContinuousParameter, IntegerParameter, TuningJobConfig, ValidationError
from tuning.algorithms import (
    BUILT_IN_ALGORITHMS,
    get_algorithm,
    list_algorithms,
    register_algorithm,
    unregister_algorithm,
)
from tuning.sagemaker.estimators import Estimator, estimator_for_algorithm
from tuning.sagemaker.request_json import from_sagemaker_request, to_sagemaker_request
from tuning.sagemaker.sdk_code import sdk_code
from tuning.strategies import (
    STRATEGY_NAMES,
    RandomStrategy,
    create_strategy,
    register_strategy,
    strategy_names,
    unregister_strategy,
)

TOY_IMAGE = "111122223333.dkr.ecr.us-east-1.amazonaws.com/toy-knn:2"


class ToyAlgorithm(type(get_algorithm("knn"))):  # k-NN's class: all its facts, then the toy's own
    name = "toy-knn"
    title = "Toy k-NN"
    summary = "k-NN under another name: the registration test's algorithm."
    aws_image = TOY_IMAGE
    sdk_image = ("toy-knn", "2")


class ToyStrategy(RandomStrategy):
    name = "Toy"
    summary = "Random search under another name: the registration test's strategy."


@pytest.fixture
def registered():
    register_algorithm(ToyAlgorithm())
    register_strategy(ToyStrategy)
    try:
        yield
    finally:
        unregister_algorithm(ToyAlgorithm.name)
        unregister_strategy(ToyStrategy.name)


def _toy_config() -> TuningJobConfig:
    return TuningJobConfig(
        dataset="iris", algorithm="toy-knn", strategy="Toy", objective_metric_name="validation:accuracy",
        hyperparameter_ranges={"k": IntegerParameter(1, 20)}, static_hyperparameters={"weights": "distance"},
        max_jobs=4, name="toy-job")


def test_the_toys_are_in_the_registries_and_taken_out_after(registered):
    assert get_algorithm("Toy-KNN").title == "Toy k-NN"
    assert [a.name for a in list_algorithms()][-1] == "toy-knn"
    assert strategy_names()[-1] == "Toy" and "Toy" not in STRATEGY_NAMES  # the built-ins stay AMT's four
    strategy = create_strategy("toy", {"eta": ContinuousParameter(0.1, 0.5)}, random_seed=1)
    assert strategy.name == "Toy" and len(strategy.suggest(2)) == 2
    unregister_algorithm("toy-knn")
    unregister_strategy("Toy")
    with pytest.raises(ValidationError, match="unknown algorithm 'toy-knn'"):
        get_algorithm("toy-knn")
    with pytest.raises(ValidationError, match="unknown strategy 'Toy'"):
        create_strategy("Toy", {"eta": ContinuousParameter(0.1, 0.5)})
    register_algorithm(ToyAlgorithm())  # for the fixture to take out
    register_strategy(ToyStrategy)


def test_registering_twice_or_with_another_algorithms_image_is_refused(registered):
    with pytest.raises(ValidationError, match="there is an algorithm called 'toy-knn' already"):
        register_algorithm(ToyAlgorithm())
    with pytest.raises(ValidationError, match="there is a strategy called 'Toy' already"):
        register_strategy(ToyStrategy)

    class SameImage(type(get_algorithm("knn"))):  # forgot its own image: k-NN's would read back as k-NN
        name = "knn-again"

    with pytest.raises(ValidationError, match="image repository 'knn'.*'knn''s"):
        register_algorithm(SameImage())
    with pytest.raises(ValidationError, match="built-in"):
        unregister_algorithm("knn")
    assert [a.name for a in list_algorithms()] == [*(a.name for a in BUILT_IN_ALGORITHMS), "toy-knn"]


def test_the_sagemaker_json_round_trip_keeps_the_toys(registered):
    config = _toy_config()
    request = to_sagemaker_request(config)
    assert request["TrainingJobDefinition"]["AlgorithmSpecification"]["TrainingImage"] == TOY_IMAGE
    assert request["HyperParameterTuningJobConfig"]["Strategy"] == "Toy"
    back = from_sagemaker_request(json.loads(json.dumps(request)))
    assert back.to_dict() == config.to_dict()
    # Another region and tag of the toy's image is the toy too, and the statics AWS's k-NN
    # needs (derived from the data, inherited from k-NN's class) are read and dropped.
    request["TrainingJobDefinition"]["AlgorithmSpecification"]["TrainingImage"] = (
        "444455556666.dkr.ecr.eu-west-1.amazonaws.com/toy-knn:3")
    request["TrainingJobDefinition"]["StaticHyperParameters"]["feature_dim"] = "4"
    assert from_sagemaker_request(request).to_dict() == config.to_dict()


def test_the_sdk_code_writes_the_toys(registered):
    code = sdk_code(_toy_config())
    compile(code, "<sdk code>", "exec")
    assert "image_uri = image_uris.retrieve('toy-knn', session.boto_region_name, version='2')" in code
    assert "strategy='Toy'," in code and "'k': IntegerParameter(1, 20" in code


def test_the_estimators_know_the_toy_algorithm(registered):
    assert Estimator(image_uri=TOY_IMAGE).algorithm.name == "toy-knn"  # its own repository, not k-NN's
    assert Estimator(image_uri="382416733822.dkr.ecr.us-east-1.amazonaws.com/knn:1").algorithm.name == "knn"
    estimator = estimator_for_algorithm("toy-knn", {"k": "7"})
    assert type(estimator) is Estimator and estimator.static_hyperparameters() == {"k": 7}


def test_the_create_page_offers_the_toys(registered):
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    app = app.switch_page("views/create.py").run()
    app.selectbox(key="create.dataset").set_value("iris").run()
    algorithm = app.selectbox(key="create.algorithm.MulticlassClassification")
    assert "Toy k-NN" in algorithm.options
    strategy = app.radio(key="create.strategy")
    assert "Toy" in strategy.options
    algorithm.set_value("toy-knn").run()
    app.radio(key="create.strategy").set_value("Toy").run()
    assert not app.exception and not app.error, "\n".join(e.value for e in app.error)
    codes = [code.value for code in export_codes(app)]
    tunelab = json.loads(next(code for code in codes if '"Dataset"' in code))
    assert (tunelab["Algorithm"], tunelab["Strategy"]) == ("toy-knn", "Toy")
    assert any(TOY_IMAGE in code for code in codes) and any("strategy='Toy'" in code for code in codes)
