"""Multilayer perceptron: a small neural network trained with Adam.

Built on scikit-learn's ``MLPClassifier`` / ``MLPRegressor``. The training resource is the
epoch: one ``partial_fit`` pass over the training rows in mini-batches.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tuning.algorithms._base import (
    Algorithm,
    FittedModel,
    HyperparameterSpec,
    TrainingData,
    epoch_loop,
    scaled_regression_target,
)
from tuning.metrics import REGRESSION
from tuning.parameters import ContinuousParameter, IntegerParameter

if TYPE_CHECKING:
    from tuning.algorithms._base import Reporter
    from tuning.metrics import ObjectiveMetric

__all__ = ["MultilayerPerceptronAlgorithm"]


class MultilayerPerceptronAlgorithm(Algorithm):
    """A feed-forward neural network with one or more hidden layers of equal width."""

    name = "mlp"
    title = "Neural network (MLP)"
    summary = "A small feed-forward neural network: flexible, sensitive to its learning rate."
    resource = "epochs"
    resource_unit = "epochs"
    resource_step = "epoch"
    needs_scaling = True
    hyperparameters = {
        spec.name: spec
        for spec in (
            HyperparameterSpec("hidden_units", 64, IntegerParameter(8, 256, "Logarithmic"),
                               "Neurons in each hidden layer.", low=1, high=4096, integer=True,
                               tuned_by_default=True),
            HyperparameterSpec("hidden_layers", 1, IntegerParameter(1, 3),
                               "Number of hidden layers.", low=1, high=10, integer=True),
            HyperparameterSpec("learning_rate", 1e-3, ContinuousParameter(1e-4, 1e-1, "Logarithmic"),
                               "Adam's initial step size.", low=1e-7, high=1.0, tuned_by_default=True),
            HyperparameterSpec("alpha", 1e-4, ContinuousParameter(1e-6, 1e-1, "Logarithmic"),
                               "L2 penalty on the weights.", low=0, high=100, tuned_by_default=True),
            HyperparameterSpec("mini_batch_size", 64, IntegerParameter(16, 512, "Logarithmic"),
                               "Rows per gradient step.", low=1, high=100_000, integer=True),
            HyperparameterSpec("epochs", 30, IntegerParameter(5, 200),
                               "Passes over the training data: the training resource.", low=1,
                               high=10_000, integer=True),
        )
    }

    def fit(self, hyperparameters: Mapping[str, Any], data: TrainingData, metric: ObjectiveMetric,
            reporter: Reporter, *, seed: int) -> FittedModel:
        from sklearn.neural_network import MLPClassifier, MLPRegressor

        settings = dict(
            hidden_layer_sizes=(int(hyperparameters["hidden_units"]),) * int(hyperparameters["hidden_layers"]),
            learning_rate_init=float(hyperparameters["learning_rate"]),
            alpha=float(hyperparameters["alpha"]),
            batch_size=int(hyperparameters["mini_batch_size"]),
            random_state=seed,
        )
        if data.problem_type == REGRESSION:
            target, mean, scale = scaled_regression_target(data)
            model = FittedModel(MLPRegressor(**settings), 0, mean, scale)
            extra: dict[str, Any] = {}
        else:
            target = data.y_train
            model = FittedModel(MLPClassifier(**settings), data.n_classes)
            extra = {"classes": np.arange(data.n_classes)}

        def one_epoch(epoch: int) -> int:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.estimator.partial_fit(data.x_train, target, **extra)
            return epoch

        return epoch_loop(self, model, one_epoch, int(hyperparameters["epochs"]), data, metric, reporter)

    def dump(self, model: FittedModel) -> bytes:
        # The optimiser's state is only needed to keep training; dropping it keeps the
        # artifact small and free of types skops would have to be told to trust.
        model.estimator._optimizer = None
        return super().dump(model)
