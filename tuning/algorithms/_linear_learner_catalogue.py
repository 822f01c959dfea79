"""The rest of SageMaker Linear Learner's hyperparameters: every one AWS's page lists.

Why a module of its own: :mod:`tuning.algorithms._linear_learner` holds the training and
the hyperparameters TuneLab tuned from the start; this is the rest of AWS's page
https://docs.aws.amazon.com/sagemaker/latest/dg/ll_hyperparameters.html, as data. Three
are tunable on AWS's tuning page (https://docs.aws.amazon.com/sagemaker/latest/dg/linear-learner-tuning.html:
``mini_batch_size`` 100 to 5000, ``use_bias`` [True, False], ``positive_example_weight_mult``
1e-5 to 1e5) and carry that range; the others are static only (``default_range=None``).

Those in :data:`TRAINED` change the scikit-learn SGD model; the others carry a ``note``
saying why they do not change training in TuneLab (accepted and recorded all the same).
"""

from __future__ import annotations

from typing import Any

from tuning.algorithms._base import HyperparameterSpec
from tuning.glossary import hyperparameter_words as _words
from tuning.parameters import CategoricalParameter, ContinuousParameter, IntegerParameter, Parameter

__all__ = ["LOSSES", "STATIC_HYPERPARAMETERS", "TRAINED"]

_BOOL = ("true", "false")
_AUTO_BOOL = ("auto", "true", "false")
_AUTO = ("auto",)
_SGD = "TuneLab trains with scikit-learn's SGD and its inverse-scaling learning rate"
_METRIC = "TuneLab scores the tuner's objective metric at the default threshold"

LOSSES = ("auto", "logistic", "squared_loss", "absolute_loss", "hinge_loss", "eps_insensitive_squared_loss",
          "eps_insensitive_absolute_loss", "quantile_loss", "huber_loss", "softmax_loss")
"""AWS's loss functions; :data:`tuning.algorithms._linear_learner.REGRESSION_LOSSES` says which train here."""


def _spec(name: str, default: Any, description: str, *, tuning: Parameter | None = None, low: float | None = None,
          high: float | None = None, integer: bool = False, choices: tuple[Any, ...] | None = None,
          low_open: bool = False, high_open: bool = False, words: tuple[str, ...] = (),
          note: str | None = None) -> HyperparameterSpec:
    return HyperparameterSpec(name, default, tuning, description, low=low, high=high, integer=integer,
                              choices=choices, low_open=low_open, high_open=high_open, words=words, note=note)


STATIC_HYPERPARAMETERS: tuple[HyperparameterSpec, ...] = (
    # -- tunable on AWS's tuning page
    _spec("mini_batch_size", 1000, _words("batch size", "observations per mini-batch", sagemaker="mini_batch_size"), tuning=IntegerParameter(100, 5000), low=1,
          integer=True, note="scikit-learn's SGD updates the weights after every row, whatever the batch"),
    _spec("use_bias", "true", "Whether the model has a bias (intercept) term.",
          tuning=CategoricalParameter(["true", "false"]), choices=_BOOL),
    _spec("positive_example_weight_mult", 1.0, "Weight of positive examples in a binary classifier (negatives "
          "weigh 1); 'balanced' weighs the classes equally; 'auto' is taken as 1 here.",
          tuning=ContinuousParameter(1e-5, 1e5), low=0, low_open=True, words=("balanced", "auto")),
    # -- change training here: see TRAINED
    _spec("loss", "auto", "The loss function (auto: logistic for classifiers, squared_loss for regression).",
          choices=LOSSES),
    _spec("huber_delta", 1.0, "Huber loss: L2 below delta, L1 above it.", low=0, low_open=True),
    _spec("loss_insensitivity", 0.01, "Epsilon-insensitive losses: errors smaller than this count as zero.",
          low=0, low_open=True),
    _spec("normalize_label", "auto", "Standardise the label (auto: for regression only).", choices=_AUTO_BOOL),
    _spec("balance_multiclass_weights", "false", "Give each class equal importance (multiclass).", choices=_BOOL),
    # -- accepted, recorded, and without effect here: each note says why
    _spec("optimizer", "auto", _words("optimizer", "auto (adam), sgd, adam or rmsprop", sagemaker="optimizer"),
          choices=("auto", "sgd", "adam", "rmsprop"), note=_SGD),
    _spec("momentum", "auto", _words("momentum", "of the sgd optimizer", sagemaker="momentum"), low=0, high=1, high_open=True, words=_AUTO,
          note=_SGD),
    _spec("beta_1", "auto", "Decay rate of adam's first-moment estimates.", low=0, high=1, words=_AUTO, note=_SGD),
    _spec("beta_2", "auto", "Decay rate of adam's second-moment estimates.", low=0, high=1, words=_AUTO, note=_SGD),
    _spec("bias_lr_mult", "auto", "Learning rate multiplier of the bias.", low=0, low_open=True, words=_AUTO,
          note=_SGD),
    _spec("bias_wd_mult", "auto", "L2 regularisation multiplier of the bias.", low=0, words=_AUTO,
          note="scikit-learn's SGD does not regularise the bias"),
    _spec("use_lr_scheduler", "true", _words("learning-rate decay", "whether to decrease the learning rate on a "
          "schedule", sagemaker="use_lr_scheduler"), choices=_BOOL,
          note=_SGD),
    _spec("lr_scheduler_step", "auto", "Steps between decreases of the learning rate.", low=1, integer=True,
          words=_AUTO, note=_SGD),
    _spec("lr_scheduler_factor", "auto", "Factor the learning rate decreases by.", low=0, high=1, low_open=True,
          high_open=True, words=_AUTO, note=_SGD),
    _spec("lr_scheduler_minimum_lr", "auto", "Lower bound of the learning rate.", low=0, low_open=True,
          words=_AUTO, note=_SGD),
    _spec("num_models", "auto", "Models trained in parallel (AMT sets 1).", low=1, integer=True, words=_AUTO,
          note="each training job trains one model, as under AMT"),
    _spec("normalize_data", "true", "Standardise the features before training.", choices=_AUTO_BOOL,
          note="TuneLab always standardises the features for Linear Learner"),
    _spec("unbias_data", "auto", "Shift the features to mean 0.", choices=_AUTO_BOOL,
          note="TuneLab always standardises the features for Linear Learner"),
    _spec("unbias_label", "auto", "Shift the label to mean 0 (regression).", choices=_AUTO_BOOL,
          note="normalize_label decides it here"),
    _spec("num_point_for_scaler", 10_000, "Rows used to compute the normalisation.", low=1, integer=True,
          note="TuneLab standardises with every training row"),
    _spec("margin", 1.0, "Margin of hinge_loss.", low=0, low_open=True,
          note="TuneLab's classifiers train logistic loss"),
    _spec("quantile", 0.5, "The quantile of quantile_loss.", low=0, high=1, low_open=True, high_open=True,
          note="scikit-learn's SGD has no quantile loss"),
    _spec("init_method", "uniform", "Initial distribution of the weights.", choices=("uniform", "normal"),
          note="scikit-learn's SGD starts from zero weights"),
    _spec("init_scale", 0.07, "Scale of the uniform initial weights.", low=0, low_open=True,
          note="scikit-learn's SGD starts from zero weights"),
    _spec("init_sigma", 0.01, "Standard deviation of the normal initial weights.", low=0, low_open=True,
          note="scikit-learn's SGD starts from zero weights"),
    _spec("init_bias", 0.0, "Initial weight of the bias.", note="scikit-learn's SGD starts from zero weights"),
    _spec("early_stopping_patience", 3, _words("early stopping patience", "epochs without improvement before training ends",
          sagemaker="early_stopping_patience"), low=1, integer=True,
          note="every training job trains all its epochs unless the tuning job's early stopping stops it"),
    _spec("early_stopping_tolerance", 0.001, "Relative improvement below which an epoch counts as no improvement.",
          low=0, low_open=True,
          note="every training job trains all its epochs unless the tuning job's early stopping stops it"),
    _spec("binary_classifier_model_selection_criteria", "accuracy", "How the binary classifier's threshold is "
          "chosen on the validation data.", choices=("accuracy", "f_beta", "precision_at_target_recall",
                                                     "recall_at_target_precision", "loss_function"), note=_METRIC),
    _spec("target_precision", 0.8, "Precision held while recall is maximised.", low=0, high=1, note=_METRIC),
    _spec("target_recall", 0.8, "Recall held while precision is maximised.", low=0, high=1, note=_METRIC),
    _spec("num_calibration_samples", "auto", "Validation rows used to choose the threshold.", low=1, integer=True,
          words=_AUTO, note=_METRIC),
    _spec("f_beta", 1.0, "Beta of the F-score metrics.", low=0, low_open=True, note=_METRIC),
    _spec("accuracy_top_k", 3, "k of the top-k accuracy metric (multiclass).", low=1, integer=True, note=_METRIC),
    # -- read from the data (the class's derived_from_data)
    _spec("predictor_type", "binary_classifier", "The kind of target: binary_classifier, multiclass_classifier "
          "or regressor.", choices=("binary_classifier", "multiclass_classifier", "regressor"),
          note="read from the data"),
    _spec("feature_dim", "auto", "Number of features.", low=1, integer=True, words=_AUTO, note="read from the data"),
    _spec("num_classes", None, "Number of classes (multiclass_classifier).", low=3, high=1_000_000, integer=True,
          note="read from the data"),
)
"""Linear Learner's hyperparameters beyond TuneLab's first four, in the sections above."""

TRAINED = frozenset({"use_bias", "positive_example_weight_mult", "loss", "huber_delta", "loss_insensitivity",
                     "normalize_label", "balance_multiclass_weights"})
"""Those that change the SGD model here (the rest carry a note)."""
