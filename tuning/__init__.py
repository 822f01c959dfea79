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
"""

from __future__ import annotations

from tuning.serving.artifacts import Predictor, load_predictor
from tuning.job.completion import CompletionCriteria
from tuning.job.config import TuningJobConfig
from tuning.errors import TuneLabError, ValidationError
from tuning.parameters import (
    CategoricalParameter,
    ContinuousParameter,
    IntegerParameter,
    ScalingType,
)
from tuning.records import TrainingJob, TrainingJobStatus, TuningJob, TuningJobStatus
from tuning.running.resume import launch_resume, resume_tuning_job
from tuning.job.preparation import prepare
from tuning.running.runner import TuningJobHandle, TuningProgress, launch_tuning_job, run_tuning_job
from tuning.store.database import Store
from tuning.sagemaker.analytics import TrainingJobAnalytics
from tuning.sagemaker.inputs import TrainingInput
from tuning.sagemaker.tuner import (
    HyperbandStrategyConfig,
    HyperparameterTuner,
    HyperparameterTuningJobAnalytics,
    StrategyConfig,
    TuningJobCompletionCriteriaConfig,
)
from tuning.job.warm_start import WarmStartConfig, WarmStartTypes

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
