"""What every built-in algorithm declares, and the contract a training job runs through.

An algorithm in the catalogue is a thin wrapper around a real model (XGBoost's booster,
a scikit-learn estimator). It declares, as SageMaker's algorithm pages do:

- its hyperparameters, each with a default value, the range AWS recommends tuning over,
  and the values that are valid at all;
- the objective metrics it can emit (all of :mod:`tuning.metrics` that fit the problem);
- its *training resource*: the unit that grows while it trains (boosting rounds, epochs,
  trees). Early stopping and Hyperband watch the objective after each unit and may stop
  the job there. Algorithms without one (k-NN) report once, at the end.

``fit`` trains on numeric arrays and reports the validation objective after each resource
step to a :class:`Reporter`; when the reporter answers "stop", training ends at once and
the model so far is kept (AMT's Stopped training job with its last metric).
"""

from __future__ import annotations

import abc
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from tuning.errors import ValidationError
from tuning.metrics import BINARY, MULTICLASS, REGRESSION, metrics_for

if TYPE_CHECKING:
    from tuning.metrics import ObjectiveMetric
    from tuning.parameters import Parameter

__all__ = [
    "Algorithm",
    "FittedModel",
    "HyperparameterSpec",
    "Reporter",
    "TrainingData",
    "image_repository",
]


@dataclass(frozen=True)
class HyperparameterSpec:
    """One hyperparameter: default, recommended range, valid values, and what it does."""

    name: str
    default: Any
    default_range: Parameter
    description: str
    low: float | None = None
    high: float | None = None
    tuned_by_default: bool = False
    integer: bool = False
    choices: tuple[Any, ...] | None = None

    def check_value(self, value: Any) -> None:
        """Refuse a static value outside the valid domain, saying the domain."""
        if self.choices is not None:
            if value not in self.choices:
                raise ValidationError(
                    f"hyperparameter {self.name!r} must be one of {list(self.choices)}, "
                    f"but got {value!r}."
                )
            return
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValidationError(
                f"hyperparameter {self.name!r} must be a number, but got {value!r}."
            )
        if math.isnan(value) or math.isinf(value):
            raise ValidationError(f"hyperparameter {self.name!r} must be finite, but got {value!r}.")
        if self.integer and not float(value).is_integer():
            raise ValidationError(
                f"hyperparameter {self.name!r} must be a whole number, but got {value!r}."
            )
        self.check_bounds(value, value, what="value")

    def check_bounds(self, low: float, high: float, *, what: str) -> None:
        """Refuse a value or range reaching outside ``[self.low, self.high]``."""
        if (self.low is not None and low < self.low) or (self.high is not None and high > self.high):
            domain = f"[{_fmt(self.low, '-inf')}, {_fmt(self.high, 'inf')}]"
            shown = f"{low!r}" if what == "value" else f"{low!r} to {high!r}"
            raise ValidationError(
                f"hyperparameter {self.name!r} is valid in {domain}, but the {what} is {shown}. "
                f"Keep it inside {domain} (AWS recommends {self.default_range.describe()})."
            )


def _fmt(bound: float | None, unbounded: str) -> str:
    return unbounded if bound is None else f"{bound:g}"


@dataclass
class TrainingData:
    """The numeric arrays a training job sees: what the feature encoder made of the channels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    problem_type: str
    n_classes: int = 0
    feature_names: list[str] = field(default_factory=list)


class Reporter(Protocol):
    """Where a training job sends its objective after each resource step."""

    def report(self, step: int, value: float) -> bool:
        """Record ``value`` at ``step``; True means: stop training now."""


@dataclass
class FittedModel:
    """A trained model plus what is needed to turn its raw output into predictions."""

    estimator: Any
    n_classes: int
    target_mean: float = 0.0
    target_scale: float = 1.0


class Algorithm(abc.ABC):
    """Base class of the catalogue's algorithms; see the module docstring."""

    name: str = ""
    title: str = ""
    summary: str = ""
    problem_types: tuple[str, ...] = (BINARY, MULTICLASS, REGRESSION)
    resource: str | None = None
    resource_unit: str = ""
    """The resource's unit, plural, for sentences: "boosting rounds"."""
    resource_step: str = ""
    """One step of the resource, for labels: "round" ("stopped at round 20 of 100")."""
    needs_scaling: bool = False
    handles_missing: bool = False
    model_file: str = "model.skops"
    hyperparameters: Mapping[str, HyperparameterSpec] = {}
    fixed_hyperparameters: Mapping[str, Any] = {}
    """Settings TuneLab holds fixed, such as one thread per training job."""

    # -- how SageMaker knows it (read by tuning.sagemaker: the JSON, the SDK code, estimators)
    aws_image: str | None = None
    """AWS's image URI (us-east-1, as ``sagemaker.image_uris.retrieve`` gives it) when SageMaker
    has this algorithm built in; TuneLab's own algorithms are written ``tunelab/<name>:latest``."""
    aws_image_aliases: tuple[str, ...] = ()
    """Other image repository names that mean this algorithm (``xgboost`` beside ``sagemaker-xgboost``)."""
    sdk_image: tuple[str, str] | None = None
    """``image_uris.retrieve(framework, region, version=...)``'s framework and version, which the
    SDK code writes for AWS's built-ins; None writes the image itself, to be pushed by the user."""
    derived_from_data: frozenset[str] = frozenset()
    """Static hyperparameters AWS's container needs that TuneLab derives from the data
    (``num_class``, ``feature_dim``): read from a SageMaker request and dropped."""
    decided_hyperparameters: Mapping[str, str] = {}
    """Settings of SageMaker's algorithm that TuneLab decides itself, each with how: an
    estimator accepts and records them, and they do not change training."""

    # -- declarations --------------------------------------------------------------------
    def objective_metrics(self, problem_type: str) -> list[ObjectiveMetric]:
        return metrics_for(problem_type)

    def default_objective(self, problem_type: str) -> str:
        return {
            BINARY: "validation:auc",
            MULTICLASS: "validation:accuracy",
            REGRESSION: "validation:rmse",
        }[problem_type]

    def default_ranges(self) -> dict[str, Parameter]:
        """The ranges a new tuning job starts from: those tuned by default."""
        return {
            name: spec.default_range
            for name, spec in self.hyperparameters.items()
            if spec.tuned_by_default
        }

    def resolve(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Defaults overlaid with ``values``; unknown names refused with the known ones."""
        unknown = sorted(set(values) - set(self.hyperparameters))
        if unknown:
            raise ValidationError(
                f"{self.title} has no hyperparameter(s) {', '.join(map(repr, unknown))}; its "
                f"hyperparameters are: {', '.join(self.hyperparameters)}."
            )
        resolved = {name: spec.default for name, spec in self.hyperparameters.items()}
        resolved.update(values)
        return resolved

    def check_problem(self, problem_type: str) -> None:
        if problem_type not in self.problem_types:
            raise ValidationError(
                f"{self.title} does not handle {problem_type}; it handles "
                f"{', '.join(self.problem_types)}."
            )

    # -- SageMaker's names for it -------------------------------------------------------
    def training_image(self) -> str:
        """The TrainingImage TuneLab writes: AWS's URI for a built-in, ``tunelab/<name>:latest`` otherwise."""
        return self.aws_image or f"tunelab/{self.name}:latest"

    def image_repositories(self) -> tuple[str, ...]:
        """The image repository names (between ``/`` and ``:``) that read back as this algorithm."""
        own = (image_repository(self.aws_image),) if self.aws_image else ()
        return own + tuple(self.aws_image_aliases)

    def check_decided(self, name: str, value: Any) -> Any:
        """A value for one of :attr:`decided_hyperparameters`, stripped; refused when TuneLab cannot honour it."""
        return value.strip() if isinstance(value, str) else value

    def check_decided_problem(self, decided: Mapping[str, Any], problem_type: str) -> None:
        """Refuse decided settings (an XGBoost ``objective``) that contradict the data's problem type."""

    # -- training ------------------------------------------------------------------------
    @abc.abstractmethod
    def fit(
        self,
        hyperparameters: Mapping[str, Any],
        data: TrainingData,
        metric: ObjectiveMetric,
        reporter: Reporter,
        *,
        seed: int,
    ) -> FittedModel:
        """Train, reporting the validation objective after each resource step."""

    def output(self, model: FittedModel, x: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, k)`` or regression predictions ``(n,)``."""
        if model.n_classes:
            return np.asarray(model.estimator.predict_proba(x), dtype=np.float64)
        raw = np.asarray(model.estimator.predict(x), dtype=np.float64)
        return raw * model.target_scale + model.target_mean

    # -- artifacts -----------------------------------------------------------------------
    def dump(self, model: FittedModel) -> bytes:
        """The estimator in a format that cannot run code when loaded (skops here)."""
        import skops.io

        return skops.io.dumps(model.estimator)

    def load(self, blob: bytes, *, n_classes: int, target_mean: float, target_scale: float) -> FittedModel:
        from tuning.algorithms.safe_skops import load_skops

        estimator = load_skops(blob, f"the {self.title} model file")
        return FittedModel(estimator, n_classes, target_mean, target_scale)


def image_repository(image: str) -> str:
    """The repository of an image URI: ``sagemaker-xgboost`` in ``683313688378.dkr.ecr.../sagemaker-xgboost:1.7-1``."""
    return image.rpartition("/")[2].partition(":")[0]


def scaled_regression_target(data: TrainingData) -> tuple[np.ndarray, float, float]:
    """Standardise a regression target for gradient-trained models (SGD, MLP).

    House values near 500,000 make plain SGD diverge; training on the standardised target
    and scaling predictions back keeps the learning rate meaningful across datasets.
    """
    mean = float(np.mean(data.y_train))
    scale = float(np.std(data.y_train)) or 1.0
    return (data.y_train - mean) / scale, mean, scale


def epoch_loop(
    algorithm: Algorithm,
    model: FittedModel,
    step: Any,
    epochs: int,
    data: TrainingData,
    metric: ObjectiveMetric,
    reporter: Reporter,
) -> FittedModel:
    """Run ``step(epoch)`` ``epochs`` times, reporting the objective after each one.

    Shared by the algorithms trained one pass at a time (SGD, MLP, forests grown in
    chunks); stops as soon as the reporter says so.
    """
    for epoch in range(1, epochs + 1):
        resource = step(epoch)
        value = metric(data.y_validation, algorithm.output(model, data.x_validation))
        if not math.isfinite(value):
            raise FloatingPointError(
                f"the objective became {value} at step {resource}: training diverged "
                "(try a smaller learning rate)"
            )
        if reporter.report(resource, value):
            break
    return model


