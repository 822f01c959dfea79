"""Estimators shaped like the SageMaker Python SDK's, for TuneLab's built-in algorithms.

An estimator says *what* trains: the algorithm and its static hyperparameters. In
SageMaker it also says *where* (a container image, an IAM role, instance types, an S3
output path); here everything trains in local worker processes, so those arguments are
accepted, kept in :attr:`Estimator.sdk_arguments`, and have no effect. :data:`IGNORED`
says why for each, so that notebook code runs unchanged and a student can see what the
argument would have done in AWS.

>>> from tuning.sagemaker.estimators import XGBoost
>>> xgb = XGBoost(role="arn:aws:iam::1:role/x", instance_count=1, instance_type="ml.m5.xlarge")
>>> xgb.set_hyperparameters(num_round="50", objective="binary:logistic", eval_metric="auc")
>>> xgb.hyperparameters()["num_round"]
'50'

Hyperparameter values may be strings, as SageMaker sends them to the container
(``num_round="100"``); each is converted with the algorithm catalogue's spec and checked
against its valid values. Unknown names are refused with the catalogue's list. A few
settings of SageMaker's algorithm that TuneLab reads from the data (the algorithm's
``derived_from_data``: for XGBoost ``objective``, ``eval_metric``, ``num_class``) are
accepted and recorded, and checked against the data when the tuner fits; one that does
not change training here (its catalogue spec has a ``note``) is kept, with a warning.

Every fact about an algorithm comes from its class in :mod:`tuning.algorithms`; the
classes here only give the SDK's spellings (``XGBoost(...)``, ``KNN(...)``) of
``Estimator(algorithm=...)``, which serves any algorithm, registered ones too.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

from tuning.algorithms import Algorithm, get_algorithm, image_repository, list_algorithms
from tuning.errors import ValidationError
from tuning.metrics import BINARY, MULTICLASS, REGRESSION
from tuning.store.database import Store

__all__ = [
    "IGNORED",
    "KNN",
    "Estimator",
    "LinearLearner",
    "MLP",
    "RandomForest",
    "XGBoost",
    "estimator_for_algorithm",
]

IGNORED: dict[str, str] = {
    "image_uri": "the algorithm is TuneLab's built-in one, not a container image",
    "role": "there is no AWS account: jobs run on this machine",
    "instance_count": "each training job runs in one local worker process",
    "instance_type": "training runs in local worker processes; the tuner's max_parallel_jobs sets how many at once",
    "train_instance_count": "each training job runs in one local worker process",
    "train_instance_type": "training runs in local worker processes",
    "volume_size": "data and models live in the store's folder ($TUNELAB_HOME)",
    "train_volume_size": "data and models live in the store's folder ($TUNELAB_HOME)",
    "input_mode": "channels are read from local files",
    "output_path": "models are kept in the store's artifacts folder",
    "output_kms_key": "nothing is uploaded",
    "volume_kms_key": "nothing is uploaded",
    "base_job_name": "fit() names its one-job tuning job <base_job_name>-<time>; a tuner's training jobs are <tuning job>-001, -002, ...",
    "sagemaker_session": "there is no AWS session; the tuner's store= says where results go",
    "tags": "tags are an AWS resource feature",
    "subnets": "there is no VPC",
    "security_group_ids": "there is no VPC",
    "model_uri": "training starts from scratch",
    "model_channel_name": "training starts from scratch",
    "metric_definitions": "the built-in algorithms report their metrics themselves",
    "encrypt_inter_container_traffic": "nothing leaves this machine",
    "use_spot_instances": "there are no instances to buy",
    "max_wait": "there are no spot instances",
    "checkpoint_s3_uri": "there are no checkpoints to upload",
    "checkpoint_local_path": "there are no checkpoints",
    "enable_network_isolation": "nothing leaves this machine",
    "environment": "the algorithm reads no environment variables",
    "debugger_hook_config": "SageMaker Debugger is not emulated",
    "disable_profiler": "SageMaker Profiler is not emulated",
    "framework_version": "the installed xgboost / scikit-learn is used",
    "py_version": "the current Python is used",
    "entry_point": "TuneLab trains its built-in algorithm; the script is not run",
    "source_dir": "TuneLab trains its built-in algorithm; the script is not run",
    "dependencies": "TuneLab trains its built-in algorithm; the script is not run",
    "container_log_level": "training jobs log to the store",
    "keep_alive_period_in_seconds": "worker processes are started by the tuner",
    "predictor_type": "the problem type is read from the data (checked against this)",
}
"""SDK arguments accepted without effect, and why they have none here."""

_SCRIPT_ARGUMENTS = ("entry_point", "source_dir", "dependencies")
_PREDICTOR_TYPES = {"binary_classifier": BINARY, "multiclass_classifier": MULTICLASS, "regressor": REGRESSION}

class Estimator:
    """A SageMaker-shaped estimator for one of TuneLab's built-in algorithms.

    ``algorithm`` names it (``"xgboost"``, ``"linear-learner"``, ``"random-forest"``,
    ``"knn"``, ``"mlp"``); without it, it is read from ``image_uri`` when that names one
    (as ``sagemaker.image_uris.retrieve("xgboost", ...)`` does). ``target`` (TuneLab's own)
    names the label column of DataFrame and headed-CSV channels; without it a DataFrame's
    first column is the label, as in SageMaker's CSV format. ``hyperparameters`` and the
    algorithm's hyperparameter names as keywords are static hyperparameters.
    """

    default_algorithm: ClassVar[str | None] = None
    sdk_serializer: ClassVar[str | None] = None
    """``"record-io"`` when the SDK's predictor for this estimator sends protobuf RecordIO (see
    :mod:`tuning.sagemaker.predictors`); ``None``: the SDK's IdentitySerializer."""
    latest_training_job: Any = None

    def __init__(self, image_uri: str | None = None, role: str | None = None, instance_count: int | None = None,
                 instance_type: str | None = None, *, algorithm: str | None = None,
                 hyperparameters: Mapping[str, Any] | None = None, target: str | None = None,
                 **kwargs: Any) -> None:
        name = algorithm or self.default_algorithm or _algorithm_from_image(image_uri)
        if name is None:
            raise ValidationError(
                f"Estimator needs algorithm=..., one of {', '.join(a.name for a in list_algorithms())} "
                f"(image_uri {image_uri!r} names none of them), for example Estimator(algorithm='xgboost')."
            )
        self.algorithm: Algorithm = get_algorithm(name)
        if target is not None and (not isinstance(target, str) or not target.strip()):
            raise ValidationError(f"target must be a column name (a non-blank string) or None, but got {target!r}.")
        self.target = target
        _check_instance_type(instance_type if instance_type is not None else kwargs.get("train_instance_type"))
        self.sdk_arguments: dict[str, Any] = {"image_uri": image_uri, "role": role, "instance_count": instance_count,
                                              "instance_type": instance_type}
        # Each training job's StoppingCondition.MaxRuntimeInSeconds (the SDK's max_run, once train_max_run);
        # None: AWS's default of a day (see tuning.job.stopping_condition).
        self.max_run: int | None = kwargs.pop("max_run", kwargs.pop("train_max_run", None))
        static: dict[str, Any] = dict(hyperparameters or {})
        for key, value in kwargs.items():
            if key in IGNORED:
                self.sdk_arguments[key] = value
            elif key in self.algorithm.hyperparameters or key in self.algorithm.refused_hyperparameters:
                static[key] = value  # a refused one (the MLP's dropout) is refused by the gate, saying why
            else:
                raise ValidationError(
                    f"{type(self).__name__} got an unknown argument {key!r}. It takes the SageMaker SDK's "
                    f"estimator arguments ({', '.join(sorted(IGNORED))}), target=, hyperparameters=, and "
                    f"{self.algorithm.title}'s hyperparameters ({', '.join(self.algorithm.hyperparameters)})."
                )
        if any(self.sdk_arguments.get(key) for key in _SCRIPT_ARGUMENTS):
            warnings.warn(
                f"{type(self).__name__}: entry_point/source_dir are not run; TuneLab trains its built-in "
                f"{self.algorithm.title} with the hyperparameters you set.", stacklevel=2)
        predictor_type = self.sdk_arguments.get("predictor_type")
        if predictor_type is not None and predictor_type not in _PREDICTOR_TYPES:
            raise ValidationError(
                f"predictor_type must be one of {', '.join(_PREDICTOR_TYPES)}, but got {predictor_type!r}.")
        self._static: dict[str, Any] = {}
        self._decided: dict[str, Any] = {}
        if static:
            self.set_hyperparameters(**static)

    # -- hyperparameters -----------------------------------------------------------------
    def set_hyperparameters(self, **kwargs: Any) -> None:
        """Set static hyperparameters; strings are converted with the catalogue's specs.

        Every value passes the algorithm's one gate (:meth:`Algorithm.static_value`), as
        SageMaker's JSON does. Those TuneLab reads from the data (``objective``,
        ``num_class``) are kept for the record only; one that does not change training
        here is kept and sent to the tuning job, with a warning saying so.
        """
        said = set(self.algorithm.training_notes(self._static))
        kwargs = self.algorithm.canonical_names(kwargs, where="set_hyperparameters")  # learning_rate is eta
        for name, value in kwargs.items():
            typed = self.algorithm.static_value(name, value, where="set_hyperparameters")
            if name in self.algorithm.derived_from_data:
                self._decided[name] = typed
                continue
            self._static[name] = typed
        # Read with every value set so far, as a note may hang on another (the MLP's momentum on its optimizer).
        for note in self.algorithm.training_notes(self._static):
            if note not in said:
                warnings.warn(note, stacklevel=2)

    def hyperparameters(self) -> dict[str, str]:
        """The hyperparameters set so far, as strings (the SDK's form, as sent to a container)."""
        return {name: _as_text(value) for name, value in {**self._decided, **self._static}.items()}

    def static_hyperparameters(self) -> dict[str, Any]:
        """The typed values the engine trains with (the algorithm's own names only)."""
        return dict(self._static)

    def check_problem_type(self, problem_type: str) -> None:
        """Refuse an ``objective`` or ``predictor_type`` that contradicts the data."""
        self.algorithm.check_decided_problem(self._decided, problem_type)
        predictor_type = self.sdk_arguments.get("predictor_type") or self._decided.get("predictor_type")
        if predictor_type is not None and _PREDICTOR_TYPES[predictor_type] != problem_type:
            raise ValidationError(
                f"predictor_type={predictor_type!r} is for {_PREDICTOR_TYPES[predictor_type]}, but the train "
                f"channel is {problem_type}. Fix predictor_type or the data.")

    # -- the rest of the SDK's surface ----------------------------------------------------
    def copy_with(self, hyperparameters: Mapping[str, Any]) -> Estimator:
        """A new estimator of the same kind and arguments, with more hyperparameters set."""
        clone = type(self).__new__(type(self))
        clone.algorithm, clone.target, clone.max_run = self.algorithm, self.target, self.max_run
        clone.sdk_arguments = dict(self.sdk_arguments)
        clone.latest_training_job = None
        clone._static, clone._decided = dict(self._static), dict(self._decided)
        clone.set_hyperparameters(**hyperparameters)
        return clone

    def fit(self, inputs: Any = None, wait: bool = True, logs: Any = "All", job_name: str | None = None,
            experiment_config: Any = None, *, store: Store | None = None) -> None:  # noqa: ARG002 - SDK signature
        """One training job on ``inputs``, as the SDK's ``fit`` (see :mod:`tuning.sagemaker.training_job`).

        ``store`` (TuneLab's) is where it is recorded, ``Store()`` by default; ``logs`` and
        ``experiment_config`` are accepted and unused.
        """
        from tuning.sagemaker.training_job import fit_estimator

        self.latest_training_job = fit_estimator(self, inputs, wait=wait, job_name=job_name,
                                                 store=store if store is not None else Store())

    @property
    def _current_job_name(self) -> str | None:
        """The SDK's private name of the latest training job, which notebooks read."""
        job = getattr(self, "latest_training_job", None)
        return None if job is None else job.name

    @property
    def training_job_analytics(self) -> Any:
        """The SDK's ``TrainingJobAnalytics`` of the latest training job (its metric values)."""
        from tuning.sagemaker.analytics import TrainingJobAnalytics

        job = self._require_training_job("training_job_analytics")
        return TrainingJobAnalytics(job.name, store=job.store)

    def deploy(self, initial_instance_count: int | None = None, instance_type: str | None = None,
               serializer: Any = None, deserializer: Any = None, endpoint_name: str | None = None,
               **kwargs: Any) -> Any:  # noqa: ARG002 - the SDK's hosting arguments are unused
        """A local endpoint for the latest training job's model (trained on the train channel, as
        in SageMaker); see :mod:`tuning.sagemaker.predictors`."""
        from tuning.sagemaker.predictors import TunedPredictor
        from tuning.serving.deploy import model_for_training_job

        job = self._require_training_job("deploy")
        job.wait()
        predictor = model_for_training_job(job.store, job.tuning_job_name, job.name)
        return TunedPredictor(predictor, endpoint_name or job.name, serializer, deserializer,
                              default_serializer=self.sdk_serializer)

    def _require_training_job(self, what: str) -> Any:
        job = getattr(self, "latest_training_job", None)
        if job is None:
            raise ValidationError(f"{what}: this estimator has no training job yet; call fit(inputs) first "
                                  "(or take tuner.best_estimator()).")
        return job

    def __repr__(self) -> str:
        return f"{type(self).__name__}(algorithm={self.algorithm.name!r}, hyperparameters={self.hyperparameters()})"


class XGBoost(Estimator):
    """SageMaker's built-in XGBoost (``sagemaker.xgboost.XGBoost`` / the xgboost image)."""

    default_algorithm = "xgboost"

    def __init__(self, entry_point: str | None = None, framework_version: str | None = None, *,
                 role: str | None = None, instance_count: int | None = None, instance_type: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(role=role, instance_count=instance_count, instance_type=instance_type,
                         entry_point=entry_point, framework_version=framework_version, **kwargs)


class _BuiltIn(Estimator):
    """The SDK's first-party algorithms take ``(role, instance_count, instance_type, ...)``."""

    def __init__(self, role: str | None = None, instance_count: int | None = None,
                 instance_type: str | None = None, **kwargs: Any) -> None:
        super().__init__(role=role, instance_count=instance_count, instance_type=instance_type, **kwargs)


class LinearLearner(_BuiltIn):
    """SageMaker's Linear Learner (``sagemaker.LinearLearner``), trained with SGD."""

    default_algorithm = "linear-learner"
    sdk_serializer = "record-io"  # the SDK's LinearLearnerPredictor: RecordSerializer


class KNN(_BuiltIn):
    """SageMaker's k-nearest-neighbours (``sagemaker.KNN``)."""

    default_algorithm = "knn"
    sdk_serializer = "record-io"  # the SDK's KNNPredictor: RecordSerializer


class RandomForest(_BuiltIn):
    """A random forest (scikit-learn's); SageMaker has it only as a scikit-learn script."""

    default_algorithm = "random-forest"


class MLP(_BuiltIn):
    """A multilayer perceptron (scikit-learn's); SageMaker has it only as a script."""

    default_algorithm = "mlp"


_SDK_SPELLINGS: tuple[type[Estimator], ...] = (XGBoost, LinearLearner, KNN, RandomForest, MLP)
"""The SDK-named estimator classes above; each names its algorithm itself (``default_algorithm``)."""


def estimator_for_algorithm(algorithm: str, hyperparameters: Mapping[str, Any] | None = None) -> Estimator:
    """The SDK's estimator class of ``algorithm`` (plain :class:`Estimator` when it has none),
    with ``hyperparameters`` set (used by ``attach``)."""
    name = get_algorithm(algorithm).name
    cls = next((c for c in _SDK_SPELLINGS if c.default_algorithm == name), None)
    if cls is None:
        return Estimator(algorithm=name, hyperparameters=dict(hyperparameters or {}))
    return cls(hyperparameters=dict(hyperparameters or {}))


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _algorithm_from_image(image_uri: Any) -> str | None:
    """The algorithm an AWS image URI names: by its repository, else by a repository name inside it."""
    if not isinstance(image_uri, str):
        return None
    text = image_uri.lower()
    built_in = [(a.name, a.image_repositories()) for a in list_algorithms() if a.aws_image]
    repository = image_repository(text)
    for name, repositories in built_in:
        if repository in repositories:
            return name
    for name, repositories in built_in:
        if any(candidate in text for candidate in repositories):
            return name
    return None


def _check_instance_type(instance_type: Any) -> None:
    if instance_type is None:
        return
    if not isinstance(instance_type, str) or not (instance_type.startswith(("local", "ml."))):
        raise ValidationError(
            f"instance_type {instance_type!r} is not an instance type; use 'local' or a SageMaker one such as "
            "'ml.m5.xlarge' (TuneLab accepts it and trains on this machine either way)."
        )
