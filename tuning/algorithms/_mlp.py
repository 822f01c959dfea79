"""Multilayer perceptron: a small neural network, with the hyperparameters a course teaches.

Built on scikit-learn's ``MLPClassifier`` / ``MLPRegressor``. The training resource is the
epoch: one ``partial_fit`` pass over the training rows in mini-batches. Each course name
maps onto scikit-learn's own setting:

- ``learning_rate``: ``learning_rate_init``;
- ``mini_batch_size``: ``batch_size``;
- ``epochs``: one ``partial_fit`` call each (the training resource);
- ``num_layers``, ``hidden_units``: ``hidden_layer_sizes = (hidden_units,) * num_layers``;
- ``alpha``: ``alpha``, the L2 regularization strength;
- ``optimizer``: ``solver`` (``sgd`` or ``adam``);
- ``momentum``: ``momentum``, read by sgd only;
- ``learning_rate_decay``: ``learning_rate='invscaling'`` with ``power_t`` (sgd only; 0: ``'constant'``);
- ``early_stopping_patience``, ``early_stopping_tolerance``: like ``n_iter_no_change`` and ``tol``,
  on the validation objective, in TuneLab's epoch loop (:class:`~tuning.algorithms._base.Patience`
  says why it is not scikit-learn's ``early_stopping``).

``num_layers`` was called ``hidden_layers`` (1 to 3) before; the older name is still
accepted everywhere (:class:`~tuning.algorithms._base.HyperparameterCatalogue`), so stored
jobs and saved JSON keep working. ``dropout`` is refused: scikit-learn's MLP has no dropout,
and TuneLab does not write a neural network of its own (README, "Where TuneLab differs").
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tuning.algorithms._base import (
    Algorithm,
    FittedModel,
    HyperparameterCatalogue,
    HyperparameterSpec,
    TrainingData,
    epoch_loop,
    scaled_regression_target,
)
from tuning.glossary import hyperparameter_words
from tuning.metrics import REGRESSION
from tuning.parameters import CategoricalParameter, ContinuousParameter, IntegerParameter

if TYPE_CHECKING:
    from tuning.algorithms._base import Reporter
    from tuning.metrics import ObjectiveMetric

__all__ = ["DROPOUT_REFUSAL", "MultilayerPerceptronAlgorithm"]

DROPOUT_REFUSAL = (
    "scikit-learn's neural network, which TuneLab trains, has no dropout layer, and TuneLab does not "
    "write a neural network of its own. To keep the network from overfitting, tune what it has instead: "
    "alpha (regularization strength, the L2 penalty), early_stopping_patience, or fewer nodes (hidden_units) "
    "or layers (num_layers). Take dropout out of the ranges and static hyperparameters."
)
"""Why ``dropout`` is refused, and what to use instead (see :attr:`Algorithm.refused_hyperparameters`)."""

_SGD_ONLY = ("momentum", "learning_rate_decay")


class MultilayerPerceptronAlgorithm(Algorithm):
    """A feed-forward neural network with one or more hidden layers of equal width."""

    name = "mlp"
    title = "Neural network (MLP)"
    summary = "A small feed-forward neural network: flexible, sensitive to its learning rate."
    resource = "epochs"
    resource_unit = "epochs"
    resource_step = "epoch"
    needs_scaling = True
    refused_hyperparameters = {"dropout": DROPOUT_REFUSAL}
    hyperparameters = HyperparameterCatalogue((
        HyperparameterSpec("learning_rate", 1e-3, ContinuousParameter(1e-4, 1e-1, "Logarithmic"),
                           hyperparameter_words("learning rate", "the optimizer's initial step size",
                                                sklearn="learning_rate_init"),
                           low=1e-7, high=1.0, tuned_by_default=True),
        HyperparameterSpec("mini_batch_size", 64, IntegerParameter(16, 512, "Logarithmic"),
                           hyperparameter_words("batch size", "training rows per gradient step", sklearn="batch_size"),
                           low=1, high=100_000, integer=True),
        HyperparameterSpec("epochs", 30, IntegerParameter(5, 200),
                           hyperparameter_words("epochs", "passes over the training data, the training resource"),
                           low=1, high=10_000, integer=True),
        HyperparameterSpec("num_layers", 1, IntegerParameter(1, 3),
                           hyperparameter_words("number of layers", "hidden layers, each hidden_units wide "
                                                "(older name: hidden_layers)"),
                           low=1, high=10, integer=True),
        HyperparameterSpec("hidden_units", 64, IntegerParameter(8, 256, "Logarithmic"),
                           hyperparameter_words("nodes per layer", "neurons in each hidden layer",
                                                sklearn="hidden_layer_sizes"),
                           low=1, high=4096, integer=True, tuned_by_default=True),
        HyperparameterSpec("alpha", 1e-4, ContinuousParameter(1e-6, 1e-1, "Logarithmic"),
                           hyperparameter_words("regularization strength", "the L2 penalty on the weights",
                                                sklearn="alpha"),
                           low=0, high=100, tuned_by_default=True),
        HyperparameterSpec("optimizer", "adam", CategoricalParameter(["sgd", "adam"]),
                           hyperparameter_words("optimizer", "how the weights are updated", sklearn="solver"),
                           choices=("sgd", "adam")),
        HyperparameterSpec("momentum", 0.9, ContinuousParameter(0.0, 0.99),
                           hyperparameter_words("momentum", "the share of the last step carried into the next, "
                                                "optimizer sgd only", sklearn="momentum"),
                           low=0, high=1),
        HyperparameterSpec("learning_rate_decay", 0.0, ContinuousParameter(0.0, 0.5),
                           hyperparameter_words("learning-rate decay", "after each epoch the step is "
                                                "learning_rate / (rows seen + 1) ** decay, optimizer sgd only; "
                                                "0: constant",
                                                sklearn="power_t of learning_rate='invscaling'"),
                           low=0, high=1),
        HyperparameterSpec("early_stopping_patience", 0, IntegerParameter(2, 20),
                           hyperparameter_words("early stopping patience", "epochs in a row without improvement on the "
                                                "validation objective before training stops; 0: off",
                                                sklearn="n_iter_no_change"),
                           low=0, high=10_000, integer=True),
        HyperparameterSpec("early_stopping_tolerance", 1e-4, ContinuousParameter(1e-5, 1e-2, "Logarithmic"),
                           "How much the validation objective must improve for an epoch to count as improvement, "
                           "for early_stopping_patience (scikit-learn: tol).", low=0, high=1e6),
    ), older_names={"hidden_layers": "num_layers"})

    def training_notes(self, static: Mapping[str, Any]) -> list[str]:
        """Besides the catalogue's notes: momentum and learning-rate decay do nothing with adam.

        Said when the optimizer is adam (given, or left at its default): only sgd takes
        them. A tuned optimizer is not in ``static``, so the note then says "unless".
        """
        notes = super().training_notes(static)
        optimizer = static.get("optimizer")
        if optimizer == "sgd":
            return notes
        for name in _SGD_ONLY:
            if name in static:
                why = ("optimizer is adam" if optimizer == "adam"
                       else "the default optimizer is adam, so unless the optimizer is tuned or set to sgd")
                notes.append(f"{self.title} hyperparameter {name}={static[name]} has no effect with adam: scikit-learn "
                             f"uses it only with optimizer sgd, and {why} it does not change training.")
        return notes

    def fit(self, hyperparameters: Mapping[str, Any], data: TrainingData, metric: ObjectiveMetric,
            reporter: Reporter, *, seed: int) -> FittedModel:
        from sklearn.neural_network import MLPClassifier, MLPRegressor

        values = self.resolve(hyperparameters)  # older names under today's
        solver = str(values["optimizer"])
        decay = float(values["learning_rate_decay"])
        settings: dict[str, Any] = dict(
            hidden_layer_sizes=(int(values["hidden_units"]),) * int(values["num_layers"]),
            learning_rate_init=float(values["learning_rate"]),
            alpha=float(values["alpha"]),
            batch_size=int(values["mini_batch_size"]),
            solver=solver,
            random_state=seed,
        )
        if solver == "sgd":  # scikit-learn reads these for sgd only
            settings.update(momentum=float(values["momentum"]),
                            learning_rate="invscaling" if decay > 0 else "constant", power_t=decay)
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

        return epoch_loop(self, model, one_epoch, int(values["epochs"]), data, metric, reporter,
                          patience=int(values["early_stopping_patience"]),
                          tolerance=float(values["early_stopping_tolerance"]))

    def dump(self, model: FittedModel) -> bytes:
        # The optimiser's state is only needed to keep training; dropping it keeps the
        # artifact small and free of types skops would have to be told to trust.
        model.estimator._optimizer = None
        return super().dump(model)
