"""``Estimator.fit(inputs)``: one training job, no tuning, as the SDK's ``fit`` starts one.

TuneLab's store keeps training jobs inside tuning jobs, so the training job is recorded
inside a one-job tuning job of its own: strategy Grid over a single point, the
estimator's own hyperparameters (one of them written as a one-value CategoricalParameter,
the others static), MaxNumberOfTrainingJobs 1. It runs through the same gate and runner
as every tuning job, so its model is saved, Results and ``python -m tuning show`` list it,
and ``estimator.deploy()`` serves it. The training job is named ``<tuning job>-001``:
``job_name`` names the tuning job that holds it (AMT's rule for tuning job names, at most
32 characters: a longer ``job_name`` is cut, and the line printed says the name used).

:class:`TrainingJobRef` is ``estimator.latest_training_job`` (the SDK's ``_TrainingJob``:
``name``, ``describe()``, ``wait()``, ``stop()``).
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from tuning.job.naming import stamped_name
from tuning.errors import ValidationError
from tuning.job.config import TuningJobConfig
from tuning.metrics import get_metric
from tuning.parameters import CategoricalParameter
from tuning.sagemaker.analytics import LOCAL_ARN_PREFIX, find_training_job
from tuning.sagemaker.inputs import resolve_channels
from tuning.store.database import Store

Estimator = Any
"""A :class:`tuning.sagemaker.estimators.Estimator` (not imported: estimators.py calls this module)."""

if TYPE_CHECKING:
    from tuning.running.runner import TuningJobHandle

__all__ = ["TrainingJobRef", "fit_estimator"]

_POLL_SECONDS = 0.5


class TrainingJobRef:
    """``estimator.latest_training_job``: the SDK's handle on one training job."""

    def __init__(self, store: Store, tuning_job_name: str, handle: TuningJobHandle | None = None,
                 name: str | None = None) -> None:
        self.store = store
        self.tuning_job_name = tuning_job_name
        self.name = name or f"{tuning_job_name}-001"
        self._handle = handle

    @property
    def job_name(self) -> str:
        return self.name

    def describe(self) -> dict[str, Any]:
        """DescribeTrainingJob's answer (the relevant part), with every hyperparameter as a string."""
        job = find_training_job(self.store, self.name)
        tuning_job = self.store.get_tuning_job(self.tuning_job_name)
        described = job.describe(tuning_job.objective_metric_name)
        static = (tuning_job.config.get("StaticHyperparameters") or {})
        described["HyperParameters"] = {k: str(v) for k, v in {**static, **job.hyperparameters}.items()}
        described["TrainingJobArn"] = f"{LOCAL_ARN_PREFIX}training-job/{self.name}"
        from tuning.running.definitions_group import definition_of

        entry = definition_of(tuning_job)  # one of several training job definitions: AMT names its definition
        if entry is not None:
            described["TrainingJobDefinitionName"] = entry["DefinitionName"]
            described["TuningJobName"] = entry["Name"]
        return described

    def wait(self, logs: Any = "All") -> None:  # noqa: ARG002 - the SDK's signature
        """Block until the training job has ended."""
        if self._handle is not None:
            self._handle.wait()
            return
        while self.store.get_tuning_job(self.tuning_job_name).is_active:
            time.sleep(_POLL_SECONDS)

    def stop(self) -> None:
        self.store.request_stop(self.tuning_job_name)

    def __repr__(self) -> str:
        return f"_TrainingJob(name={self.name!r})"


def _tuning_job_name(job_name: str | None, estimator: Estimator, store: Store) -> str:
    """``job_name`` as a tuning job name (AMT's rule: letters, digits, inner hyphens, at most 32);
    none given, a fresh one from ``base_job_name`` that no job in ``store`` holds yet."""
    if job_name is None:
        base = str(estimator.sdk_arguments.get("base_job_name") or estimator.algorithm.name)
        job_name = stamped_name(re.sub(r"[^a-zA-Z0-9-]", "-", base), store.tuning_job_exists)
    cleaned = re.sub(r"[^a-zA-Z0-9-]", "-", str(job_name))[:32].strip("-")
    if not cleaned:
        raise ValidationError(f"job_name {job_name!r} holds no letter or digit; give a name such as 'xgb-single-1'.")
    return cleaned


def _objective(estimator: Estimator) -> str | None:
    """The training job's recorded metric: ``validation:<eval_metric>`` when the estimator names one
    TuneLab knows, else the algorithm's default for the data (``None`` here)."""
    eval_metric = estimator.hyperparameters().get("eval_metric")
    if not eval_metric:
        return None
    name = f"validation:{str(eval_metric).split(',')[0].strip()}"
    try:
        return get_metric(name).name
    except ValidationError:
        return None


def one_job_config(estimator: Estimator, train: Any, validation: Any, target: str | None, name: str) -> TuningJobConfig:
    """The one-job tuning job (see the module docstring) that trains ``estimator`` as it is."""
    algorithm = estimator.algorithm
    static = estimator.static_hyperparameters()
    resolved = algorithm.resolve(static)
    pinned = next((n for n in algorithm.hyperparameters if n in static and n != algorithm.resource),
                  next(n for n in algorithm.hyperparameters if n != algorithm.resource))
    return TuningJobConfig(
        dataset=train, validation_dataset=validation, target=target, name=name, algorithm=algorithm.name,
        objective_metric_name=_objective(estimator),
        hyperparameter_ranges={pinned: CategoricalParameter([resolved[pinned]])},
        static_hyperparameters={k: v for k, v in static.items() if k != pinned},
        strategy="Grid", max_jobs=1, max_parallel_jobs=1,
        training_job_max_runtime_seconds=estimator.max_run,  # the SDK's max_run stops it, as in SageMaker
    )


def fit_estimator(estimator: Estimator, inputs: Any, *, wait: bool, job_name: str | None,
                  store: Store) -> TrainingJobRef:
    """Train ``estimator`` once on ``inputs`` (see :mod:`tuning.sagemaker.inputs`); see the module docstring."""
    from tuning.job.preparation import prepare
    from tuning.running.runner import launch_tuning_job, run_tuning_job

    train, validation = resolve_channels(inputs, target=estimator.target,
                                         inputs_dir=store.artifact_dir.parent / "inputs")
    config = one_job_config(estimator, train.source, None if validation is None else validation.source,
                            train.target, _tuning_job_name(job_name, estimator, store))
    prepared = prepare(config, store=store)  # an existing name is refused, as AWS refuses a name in use
    estimator.check_problem_type(prepared.train.problem_type)
    print(f"Training job {prepared.name}-001 (recorded in the store inside the one-job tuning job "
          f"{prepared.name})", flush=True)
    if not wait:
        return TrainingJobRef(store, prepared.name, launch_tuning_job(config, store))
    run_tuning_job(prepared, store)
    job = find_training_job(store, f"{prepared.name}-001")
    ending = f": {job.status}" + ("" if job.final_objective_value is None else
                                  f", {prepared.metric.name} = {job.final_objective_value:.6g}")
    print(f"Training job {job.name}{ending}" + (f" ({job.failure_reason})" if job.failure_reason else ""), flush=True)
    return TrainingJobRef(store, prepared.name)
