"""TuneLab's tuning engine: SageMaker Automatic Model Tuning's concepts, on one laptop.

>>> from tuning import ContinuousParameter, IntegerParameter, TuningJobConfig, Store, run_tuning_job
>>> config = TuningJobConfig(
...     dataset="bank-marketing", algorithm="xgboost", strategy="Bayesian",
...     objective_metric_name="validation:auc",
...     hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5),
...                            "max_depth": IntegerParameter(1, 10)},
...     max_jobs=20, max_parallel_jobs=2, random_seed=1)
>>> job = run_tuning_job(config, Store())  # doctest: +SKIP

Public names live here; the machinery sits in small modules beside this file.

Why the names are looked up lazily (PEP 562's module ``__getattr__``): importing every
module behind them pulls in scikit-learn, SciPy, pandas and SQLAlchemy, about 2.5 s
(measured, ``python -X importtime -c "import tuning"``), and every ``python -m tuning``
command, ``tuning.cli`` included, imports this package first. So ``import tuning`` costs
next to nothing, and ``from tuning import Store`` imports the store's module (and what
it needs) only, when it is asked for. Every name of :data:`__all__` stays importable as
before; :data:`_HOMES` says which module each one comes from.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers and editors; nothing is imported at run time
    from tuning.errors import TuneLabError, ValidationError
    from tuning.job.completion import CompletionCriteria
    from tuning.job.config import TuningJobConfig
    from tuning.job.preparation import prepare
    from tuning.job.warm_start import WarmStartConfig, WarmStartTypes
    from tuning.parameters import CategoricalParameter, ContinuousParameter, IntegerParameter, ScalingType
    from tuning.records import TrainingJob, TrainingJobStatus, TuningJob, TuningJobStatus
    from tuning.running.resume import launch_resume, resume_tuning_job
    from tuning.running.runner import TuningJobHandle, TuningProgress, launch_tuning_job, run_tuning_job
    from tuning.sagemaker.analytics import TrainingJobAnalytics
    from tuning.sagemaker.inputs import TrainingInput
    from tuning.sagemaker.tuner import (
        HyperbandStrategyConfig,
        HyperparameterTuner,
        HyperparameterTuningJobAnalytics,
        StrategyConfig,
        TuningJobCompletionCriteriaConfig,
    )
    from tuning.serving.artifacts import Predictor, load_predictor
    from tuning.store.database import Store

_HOMES: dict[str, str] = {
    "CategoricalParameter": "tuning.parameters",
    "CompletionCriteria": "tuning.job.completion",
    "ContinuousParameter": "tuning.parameters",
    "HyperbandStrategyConfig": "tuning.sagemaker.tuner",
    "HyperparameterTuner": "tuning.sagemaker.tuner",
    "HyperparameterTuningJobAnalytics": "tuning.sagemaker.tuner",
    "IntegerParameter": "tuning.parameters",
    "Predictor": "tuning.serving.artifacts",
    "ScalingType": "tuning.parameters",
    "StrategyConfig": "tuning.sagemaker.tuner",
    "Store": "tuning.store.database",
    "TrainingInput": "tuning.sagemaker.inputs",
    "TrainingJob": "tuning.records",
    "TrainingJobAnalytics": "tuning.sagemaker.analytics",
    "TrainingJobStatus": "tuning.records",
    "TuneLabError": "tuning.errors",
    "TuningJob": "tuning.records",
    "TuningJobCompletionCriteriaConfig": "tuning.sagemaker.tuner",
    "TuningJobConfig": "tuning.job.config",
    "TuningJobHandle": "tuning.running.runner",
    "TuningJobStatus": "tuning.records",
    "TuningProgress": "tuning.running.runner",
    "ValidationError": "tuning.errors",
    "WarmStartConfig": "tuning.job.warm_start",
    "WarmStartTypes": "tuning.job.warm_start",
    "launch_resume": "tuning.running.resume",
    "launch_tuning_job": "tuning.running.runner",
    "load_predictor": "tuning.serving.artifacts",
    "prepare": "tuning.job.preparation",
    "resume_tuning_job": "tuning.running.resume",
    "run_tuning_job": "tuning.running.runner",
}
"""Each public name, and the module it lives in (imported the first time the name is asked for)."""

__all__ = [
    "CompletionCriteria",
    "HyperbandStrategyConfig",
    "HyperparameterTuner",
    "HyperparameterTuningJobAnalytics",
    "StrategyConfig",
    "TrainingInput",
    "TrainingJobAnalytics",
    "TuningJobCompletionCriteriaConfig",
    "CategoricalParameter",
    "ContinuousParameter",
    "IntegerParameter",
    "Predictor",
    "ScalingType",
    "Store",
    "TrainingJob",
    "TrainingJobStatus",
    "TuneLabError",
    "TuningJob",
    "TuningJobConfig",
    "TuningJobHandle",
    "TuningJobStatus",
    "TuningProgress",
    "ValidationError",
    "WarmStartConfig",
    "WarmStartTypes",
    "launch_resume",
    "launch_tuning_job",
    "load_predictor",
    "prepare",
    "resume_tuning_job",
    "run_tuning_job",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for, then kept here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'tuning' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
