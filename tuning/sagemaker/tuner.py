"""``HyperparameterTuner``: the SageMaker Python SDK's tuning API, over TuneLab's engine.

The usual AMT notebook code runs with only its import lines changed::

    from tuning import HyperparameterTuner, ContinuousParameter, IntegerParameter
    from tuning.sagemaker.estimators import XGBoost

    xgb = XGBoost(role=role, instance_count=1, instance_type="ml.m5.xlarge")
    xgb.set_hyperparameters(objective="binary:logistic", num_round="100")
    tuner = HyperparameterTuner(xgb, "validation:auc",
                                {"eta": ContinuousParameter(0, 1), "max_depth": IntegerParameter(1, 10)},
                                max_jobs=20, max_parallel_jobs=2)
    tuner.fit({"train": "train.csv", "validation": "validation.csv"})
    tuner.analytics().dataframe()          # the SDK's columns
    predictor = tuner.deploy(initial_instance_count=1, instance_type="local", serializer=CSVSerializer())
    predictor.predict(rows)                # what AWS's container answers (tuning.sagemaker.predictors)

Everything is a thin layer over :class:`tuning.TuningJobConfig` and
:func:`tuning.run_tuning_job` / :func:`tuning.launch_tuning_job`: ``fit`` builds the
configuration (the estimator's static hyperparameters minus the tuned ones, as the SDK
does), results come from the store (``Store()`` unless ``store=`` is given), and the
model behind ``deploy`` is the best training job's (see :meth:`HyperparameterTuner.deploy`).
The SDK's input channels are described in :mod:`tuning.sagemaker.inputs`, its analytics in
:mod:`tuning.sagemaker.analytics`, the predictor ``deploy`` returns in :mod:`tuning.sagemaker.predictors`.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tuning.job.naming import stamped_name
from tuning.sagemaker.job_ref import TuningJobRef
from tuning.job.completion import CompletionCriteria
from tuning.job.config import TuningJobConfig
from tuning.errors import ValidationError, at_field
from tuning.job.range_rules import check_range
from tuning.job.user_tags import read_tags
from tuning.sagemaker.estimators import Estimator, estimator_for_algorithm
from tuning.sagemaker.inputs import resolve_channels
from tuning.sagemaker.sdk_configs import (
    HyperbandStrategyConfig,
    StrategyConfig,
    TuningJobCompletionCriteriaConfig,
    flat_strategy_config,
)
from tuning.metrics import get_metric
from tuning.parameters import Parameter, parameter_from_dict
from tuning.store.database import Store
from tuning.strategies import DEFAULT_STRATEGY, strategy_class
from tuning.job.warm_start import WarmStartConfig, WarmStartTypes
from tuning.sagemaker.autotune_json import sdk_autotune
from tuning.sagemaker.analytics import ANALYTICS_COLUMNS, HyperparameterTuningJobAnalytics, describe_tuning_job
from tuning.sagemaker.predictors import TunedPredictor
from tuning.sagemaker.training_job import TrainingJobRef
from tuning.job.definitions import MAX_DEFINITIONS
from tuning.running.definitions_group import group_or_none
from tuning.sagemaker.definitions_tuner import DefinitionsTuner, attach_group

if TYPE_CHECKING:
    from tuning.records import TuningJob
    from tuning.running.runner import TuningJobHandle, TuningProgress

__all__ = [
    "ANALYTICS_COLUMNS",
    "HyperbandStrategyConfig",
    "HyperparameterTuner",
    "HyperparameterTuningJobAnalytics",
    "StrategyConfig",
    "TunedPredictor",
    "TuningJobCompletionCriteriaConfig",
]

_POLL_SECONDS = 0.5


# -- the tuner ------------------------------------------------------------------------------
class HyperparameterTuner:
    """The SDK's ``HyperparameterTuner``; see the module docstring.

    Arguments keep the SDK's names and meanings. ``metric_definitions`` is accepted and
    unused (built-in algorithms report their own metrics); ``tags`` (``[{"Key": ..., "Value": ...}]``)
    are kept on the job and written back by ``export``, as AWS keeps them. ``max_jobs`` defaults to 1, or to the grid's size with ``strategy="Grid"``,
    as in the SDK. ``objective_type`` must be the metric's own direction (TuneLab refuses to
    maximize an error rather than run a search that goes the wrong way). ``store`` is
    TuneLab's: where jobs are recorded (``Store()``, i.e. ``$TUNELAB_HOME``, by default).
    ``scheduler``, also TuneLab's, is a Dask scheduler's address (``tcp://HOST:8786``) whose
    cluster runs the training jobs (default: this machine's process pool).
    ``exclude_columns``, TuneLab's too, names feature columns to leave out, such as
    ``["duration"]`` for bank-marketing (known only after the call, it leaks the answer).
    ``test_split_fraction``, TuneLab's too (AMT has no test split), holds out that share of
    the rows as a test split for :func:`tuning.analysis.holdout.generalisation_check`.
    """

    def __init__(self, estimator: Estimator, objective_metric_name: str,
                 hyperparameter_ranges: Mapping[str, Parameter] | None = None, metric_definitions: Any = None,
                 strategy: str = DEFAULT_STRATEGY, objective_type: str = "Maximize", max_jobs: int | None = None,
                 max_parallel_jobs: int = 1, max_runtime_in_seconds: float | None = None, tags: Any = None,
                 base_tuning_job_name: str | None = None, warm_start_config: WarmStartConfig | None = None,
                 strategy_config: Any = None, completion_criteria_config: Any = None,
                 early_stopping_type: str = "Off", estimator_name: str | None = None,
                 random_seed: int | None = None, autotune: bool = False,
                 hyperparameters_to_keep_static: Sequence[str] | None = None, *, store: Store | None = None, scheduler: str | None = None,
                 exclude_columns: Sequence[str] = (), test_split_fraction: float | None = None,
                 autotune_max_jobs_cap: int | None = None) -> None:
        if not isinstance(estimator, Estimator):
            raise ValidationError(
                "estimator must be a tuning.sagemaker.estimators estimator, such as tuning.sagemaker.estimators.XGBoost(...) or "
                f"Estimator(algorithm='xgboost'), but got {type(estimator).__name__}.")
        self.estimator = estimator
        _check_autotune(autotune, hyperparameters_to_keep_static)
        self.autotune, self.hyperparameters_to_keep_static = autotune, hyperparameters_to_keep_static
        self.autotune_max_jobs_cap = autotune_max_jobs_cap  # TuneLab's cap on the jobs Autotune picks
        if estimator_name is not None and (not isinstance(estimator_name, str) or not estimator_name.strip()):
            raise ValidationError(f"estimator_name must be a non-blank string, but got {estimator_name!r}.")
        self.estimator_name = estimator_name  # the SDK's key of estimator_dict (fit takes inputs by it)
        self.estimator_dict = None if estimator_name is None else {estimator_name: estimator}
        algorithm = estimator.algorithm
        if not isinstance(objective_metric_name, str):
            raise ValidationError(f"objective_metric_name must be a metric name such as 'validation:auc', but got "
                                  f"{objective_metric_name!r}.")
        try:
            metric = get_metric(objective_metric_name, algorithm=algorithm.name)
        except ValidationError as error:
            raise ValidationError(f"objective_metric_name: {error} {algorithm.title} reports these.") from None
        if not isinstance(objective_type, str) or objective_type.strip().capitalize() != metric.direction:
            raise ValidationError(
                f"objective_type={objective_type!r}, but {objective_metric_name} is {metric.direction}d (lower is "
                f"{'better' if metric.direction == 'Minimize' else 'worse'}): pass objective_type='{metric.direction}'. "
                "The SDK's default is 'Maximize', so metrics to minimize need it said."
            )
        self.objective_metric_name = objective_metric_name
        self.hyperparameter_ranges = ({} if autotune and not hyperparameter_ranges  # Autotune chooses them
                                      else _check_ranges(hyperparameter_ranges, estimator))
        self.metric_definitions = metric_definitions
        self.strategy = strategy
        self.objective_type = objective_type
        if max_jobs is None and not autotune and not _counts_its_jobs(strategy):
            max_jobs = 1
        self.max_jobs = max_jobs
        self.max_parallel_jobs = max_parallel_jobs
        self.max_runtime_in_seconds = max_runtime_in_seconds
        self.tags = tags
        self.base_tuning_job_name = base_tuning_job_name
        if warm_start_config is not None and not isinstance(warm_start_config, WarmStartConfig):
            raise ValidationError("warm_start_config must be WarmStartConfig(WarmStartTypes..., parents={...}), "
                                  f"but got {type(warm_start_config).__name__}.")
        self.warm_start_config = warm_start_config
        self.strategy_config = strategy_config
        if completion_criteria_config is not None and not isinstance(
                completion_criteria_config, (TuningJobCompletionCriteriaConfig, CompletionCriteria)):
            raise ValidationError(
                "completion_criteria_config must be TuningJobCompletionCriteriaConfig(...), but got "
                f"{type(completion_criteria_config).__name__}.")
        self.completion_criteria_config = completion_criteria_config
        self.early_stopping_type = early_stopping_type
        self.random_seed = random_seed
        self.store = store if store is not None else Store()
        self.scheduler = scheduler
        self.exclude_columns = exclude_columns
        self.test_split_fraction = test_split_fraction
        self.latest_tuning_job: TuningJobRef | None = None
        self._current_job_name: str | None = None  # the SDK's private name of the latest tuning job
        self._handle: TuningJobHandle | None = None
        self._config("check").check_limits()  # limits, early stopping, strategy_config: now, not at fit

    # -- building the configuration --------------------------------------------------------
    def _config(self, dataset: Any, *, validation: Any = None, target: str | None = None,
                name: str | None = None) -> TuningJobConfig:
        criteria = self.completion_criteria_config
        if isinstance(criteria, TuningJobCompletionCriteriaConfig):
            criteria = criteria.to_criteria()
        static = {key: value for key, value in self.estimator.static_hyperparameters().items()
                  if key not in self.hyperparameter_ranges}  # tuned names are not static (the SDK's rule)
        autotune = None
        if self.autotune:  # the SDK's _prepare_auto_parameters, and what its request leaves out
            static, autotune = sdk_autotune(static, self.hyperparameters_to_keep_static,
                                            max_jobs_given=self.max_jobs is not None, cap=self.autotune_max_jobs_cap)
        config = TuningJobConfig(
            dataset=dataset, validation_dataset=validation, target=target, name=name,
            algorithm=self.estimator.algorithm.name, objective_metric_name=self.objective_metric_name,
            objective_type=self.objective_type, hyperparameter_ranges=dict(self.hyperparameter_ranges) or None,
            static_hyperparameters=static, strategy=self.strategy,
            strategy_config=flat_strategy_config(self.strategy_config), max_jobs=self.max_jobs,
            max_parallel_jobs=self.max_parallel_jobs, max_runtime_seconds=self.max_runtime_in_seconds,
            early_stopping_type=self.early_stopping_type, random_seed=self.random_seed,
            completion_criteria=criteria, warm_start_config=self.warm_start_config,
            exclude_columns=self.exclude_columns, test_split_fraction=self.test_split_fraction, autotune=autotune,
            training_job_max_runtime_seconds=self.estimator.max_run,
            tags=read_tags(self.tags or [], "tags"),  # the SDK's [{"Key": ..., "Value": ...}], kept on the job
        )
        return config

    def _job_name(self, job_name: str | None) -> str | None:
        if job_name is not None or self.base_tuning_job_name is None:
            return job_name
        return stamped_name(str(self.base_tuning_job_name), self.store.tuning_job_exists)

    # -- running ---------------------------------------------------------------------------
    def fit(self, inputs: Any = None, job_name: str | None = None, include_cls_metadata: bool = False,
            estimator_kwargs: Any = None, wait: bool = True, **kwargs: Any) -> None:
        """Start a tuning job on ``inputs`` (see :mod:`tuning.sagemaker.inputs`); block until it ends if ``wait``.

        ``include_cls_metadata`` and ``estimator_kwargs`` are accepted, as in the SDK, and
        unused. ``wait=False`` returns as soon as the job runs (in a background thread of
        this process); ``wait()`` or ``stop_tuning_job()`` later.
        """
        from tuning.job.preparation import prepare
        from tuning.running.runner import launch_tuning_job, run_tuning_job

        if self._handle is not None and self._handle.running:
            raise ValidationError(
                f"tuning job {self._handle.name!r} of this tuner is still running: call wait() or "
                "stop_tuning_job() before fit() again.")
        if self.estimator_name is not None:  # the SDK's _fit_with_estimator_dict: inputs by estimator name
            if inputs is not None and (not isinstance(inputs, Mapping) or set(inputs) - {self.estimator_name}):
                raise ValidationError(
                    f"fit: this tuner's estimator is named {self.estimator_name!r} (estimator_name), so inputs "
                    f"must be {{{self.estimator_name!r}: {{'train': ..., 'validation': ...}}}}, but got {inputs!r:.200}.")
            inputs = None if inputs is None else inputs.get(self.estimator_name)
        train, validation = resolve_channels(inputs, target=self.estimator.target,
                                             inputs_dir=self.store.artifact_dir.parent / "inputs")
        config = self._config(train.source, validation=None if validation is None else validation.source,
                              target=train.target, name=self._job_name(job_name))
        prepared = prepare(config, store=self.store)
        self.estimator.check_problem_type(prepared.train.problem_type)
        self._current_job_name = prepared.name
        if wait:
            self.latest_tuning_job = TuningJobRef(self, prepared.name)
            print(f"Tuning job {prepared.name}: {prepared.max_jobs} training jobs, "
                  f"{config.max_parallel_jobs} at a time", flush=True)
            run_tuning_job(prepared, self.store, callback=_progress_line, scheduler=self.scheduler)
            self._handle = None
            job = self.store.get_tuning_job(prepared.name)
            print(f"\nTuning job {job.name}: {job.status}"
                  + (f"; best {job.best_training_job} ({job.objective_metric_name} = "
                     f"{job.best_objective_value:.6g})" if job.best_training_job else ""), flush=True)
        else:
            self._handle = launch_tuning_job(config.replace(name=prepared.name), self.store,
                                             scheduler=self.scheduler)
            self.latest_tuning_job = TuningJobRef(self, prepared.name)

    def wait(self) -> TuningJob:
        """Block until the latest tuning job ends; return its record."""
        name = self._require_job("wait")
        if self._handle is not None and self._handle.name == name:
            return self._handle.wait()
        while True:  # attached: the job runs in another process; follow it in the store
            job = self.store.get_tuning_job(name)
            if not job.is_active:
                return job
            time.sleep(_POLL_SECONDS)

    def stop_tuning_job(self) -> None:
        """Ask the latest tuning job to stop; running training jobs end as Stopped."""
        self.store.request_stop(self._require_job("stop_tuning_job"))

    # -- results ---------------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        """DescribeHyperParameterTuningJob's answer (OverallBestTrainingJob after a warm start).

        Beside AMT's ``ConsumedResources`` (the tuning job's wall-clock seconds), TuneLab adds
        ``TuneLabComputeUsage`` (resource used and saved by early stopping or Hyperband,
        :mod:`tuning.analysis.resource_use`) and ``TuneLabBaseline`` (the score of a model that learnt
        nothing, :mod:`tuning.analysis.baseline`).
        """
        from tuning.analysis.baseline import baseline_for_job
        from tuning.analysis.resource_use import compute_usage

        job = self.store.get_tuning_job(self._require_job("describe"))
        described = describe_tuning_job(self.store, job.name)
        training_jobs = self.store.training_jobs(job.name)
        # AMT: "the wall clock runtime in seconds used by your hyperparameter tuning job".
        described["ConsumedResources"] = {"RuntimeInSeconds": int((job.ended_at or time.time()) - job.created_at)}
        usage = compute_usage(job, training_jobs)
        if usage is not None:
            described["TuneLabComputeUsage"] = {**usage.to_json(), "Summary": usage.line()}
        baseline = baseline_for_job(job)
        if baseline is not None:
            described["TuneLabBaseline"] = {"MetricName": job.objective_metric_name, **baseline.to_json()}
        return described

    def analytics(self) -> HyperparameterTuningJobAnalytics:
        """The latest tuning job's :class:`HyperparameterTuningJobAnalytics`."""
        return HyperparameterTuningJobAnalytics(self._require_job("analytics"), store=self.store)

    def best_training_job(self) -> str:
        """The name of the latest tuning job's best training job."""
        name = self._require_job("best_training_job")
        job = self.store.get_tuning_job(name)
        if not job.best_training_job:
            raise ValidationError(
                f"best_training_job: tuning job {name!r} ({job.status}) has no completed training job"
                f"{' yet; wait() for it' if job.is_active else ''}. "
                + (f"Its first failure: {job.failure_reason}" if job.failure_reason else
                   "Look at analytics().dataframe() for what became of its training jobs."))
        return job.best_training_job

    def best_estimator(self, best_training_job: str | Mapping[str, Any] | None = None) -> Estimator:
        """An estimator with the best training job's hyperparameters set as static ones, attached to
        that training job (``latest_training_job``, ``deploy()``, ``training_job_analytics``).

        ``best_training_job`` is the SDK's dict (``describe()["BestTrainingJob"]``: its
        TrainingJobName, and TrainingJobDefinitionName when the tuner has an estimator_name) or a name.
        """
        tuning_job = self._require_job("best_estimator")
        name = self._training_job_name(best_training_job) if best_training_job is not None else self.best_training_job()
        for training_job in self.store.training_jobs(tuning_job):
            if training_job.name == name:
                estimator = self.estimator.copy_with(training_job.hyperparameters)
                estimator.training_job_name = name  # type: ignore[attr-defined]
                estimator.latest_training_job = TrainingJobRef(self.store, tuning_job, name=name)
                return estimator
        raise ValidationError(f"best_estimator: tuning job {tuning_job!r} has no training job named {name!r}.")

    def _training_job_name(self, best_training_job: str | Mapping[str, Any]) -> str:
        if isinstance(best_training_job, str):
            return best_training_job
        if not isinstance(best_training_job, Mapping) or "TrainingJobName" not in best_training_job:
            raise ValidationError(
                "best_training_job must be the SDK's dict, as describe()['BestTrainingJob'] gives it "
                f"({{'TrainingJobName': ..., ...}}), or a training job's name, but got {best_training_job!r:.200}.")
        definition = best_training_job.get("TrainingJobDefinitionName")
        if definition is not None and self.estimator_name is not None and definition != self.estimator_name:
            raise ValidationError(f"best_training_job: TrainingJobDefinitionName {definition!r} is not this tuner's "
                                  f"estimator ({self.estimator_name!r}).")
        return str(best_training_job["TrainingJobName"])

    def deploy(self, initial_instance_count: int = 1, instance_type: str = "local", serializer: Any = None,
               deserializer: Any = None, endpoint_name: str | None = None, model_name: str | None = None,
               wait: bool = True, **kwargs: Any) -> TunedPredictor:
        """A local endpoint for the best training job's model; the SDK's hosting arguments are unused.

        The model is :func:`tuning.serving.deploy.final_predictor`'s: the best hyperparameters
        retrained on train + validation (AMT's optional final step). If that model cannot be
        trained (its data is gone, say), a warning says why and the best training job's own
        model (:func:`tuning.serving.deploy.model_for_training_job`) serves instead.
        """
        from tuning.serving.deploy import final_predictor, model_for_training_job

        name = self._require_job("deploy")
        training_job = self.best_training_job()
        try:
            predictor = final_predictor(self.store, name, training_job)
        except ValidationError as error:
            warnings.warn(f"deploy: no final model (train + validation) for {training_job}: {error} "
                          "Deploying the training job's own model instead.", stacklevel=2)
            predictor = model_for_training_job(self.store, name, training_job)
        return TunedPredictor(predictor, endpoint_name or f"{name}-endpoint", serializer, deserializer,
                              default_serializer=self.estimator.sdk_serializer)

    # -- attach ----------------------------------------------------------------------------
    @classmethod
    def attach(cls, tuning_job_name: str, sagemaker_session: Any = None, job_details: Any = None,
               estimator_cls: Any = None, *, store: Store | None = None) -> HyperparameterTuner | DefinitionsTuner:
        """A tuner for an existing tuning job in ``store``, rebuilt from its recorded configuration."""
        store = store if store is not None else Store()
        if not store.tuning_job_exists(tuning_job_name) and group_or_none(store, tuning_job_name) is not None:
            return attach_group(cls, tuning_job_name, store)  # several training job definitions
        job = store.get_tuning_job(tuning_job_name)  # unknown name: lists the known ones
        config = TuningJobConfig.from_dict(job.config)
        estimator = estimator_for_algorithm(job.algorithm, config.static_hyperparameters)
        estimator.target, estimator.max_run = config.target, config.training_job_max_runtime_seconds
        criteria = config.completion_criteria
        tuner = cls(
            estimator, job.objective_metric_name, config.resolved_ranges(), strategy=job.strategy,
            objective_type=job.objective_type, max_jobs=job.max_jobs, max_parallel_jobs=job.max_parallel_jobs,
            max_runtime_in_seconds=config.max_runtime_seconds, warm_start_config=config.warm_start_config,
            strategy_config=dict(config.strategy_config) or None, completion_criteria_config=criteria,
            early_stopping_type=config.early_stopping_type, random_seed=config.random_seed, store=store,
            exclude_columns=config.exclude_columns, test_split_fraction=config.test_split_fraction,
        )
        tuner.latest_tuning_job = TuningJobRef(tuner, job.name)
        tuner._current_job_name = job.name
        return tuner

    # -- warm start and create, as the SDK has them -----------------------------------------
    def transfer_learning_tuner(self, additional_parents: Any = None, estimator: Estimator | None = None,
                                ) -> HyperparameterTuner:
        """A new tuner like this one, warm-started (TransferLearning) from this tuner's latest job and
        ``additional_parents``; ``estimator`` replaces the estimator (sagemaker/tuner.py)."""
        return self._warm_start_tuner(additional_parents, WarmStartTypes.TRANSFER_LEARNING, estimator)

    def identical_dataset_and_algorithm_tuner(self, additional_parents: Any = None) -> HyperparameterTuner:
        """A new tuner like this one, warm-started (IdenticalDataAndAlgorithm) from this tuner's
        latest job and ``additional_parents``."""
        return self._warm_start_tuner(additional_parents, WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM, None)

    def _warm_start_tuner(self, additional_parents: Any, kind: WarmStartTypes,
                          estimator: Estimator | None) -> HyperparameterTuner:
        parents = {self._require_job("warm start")}
        if additional_parents:
            if isinstance(additional_parents, str):
                raise ValidationError(f"additional_parents must be a set of tuning job names, such as "
                                      f"{{{additional_parents!r}}}, but got the string {additional_parents!r}.")
            parents |= set(additional_parents)
        return type(self)(
            estimator or self.estimator, self.objective_metric_name, dict(self.hyperparameter_ranges),
            strategy=self.strategy, strategy_config=self.strategy_config,
            completion_criteria_config=self.completion_criteria_config, objective_type=self.objective_type,
            max_jobs=self.max_jobs, max_parallel_jobs=self.max_parallel_jobs,
            max_runtime_in_seconds=self.max_runtime_in_seconds,
            warm_start_config=WarmStartConfig(kind, parents=parents), early_stopping_type=self.early_stopping_type,
            estimator_name=self.estimator_name, random_seed=self.random_seed, store=self.store,
            scheduler=self.scheduler, exclude_columns=self.exclude_columns, test_split_fraction=self.test_split_fraction)

    @classmethod
    def create(cls, estimator_dict: Mapping[str, Estimator], objective_metric_name_dict: Mapping[str, str],
               hyperparameter_ranges_dict: Mapping[str, Mapping[str, Parameter]], metric_definitions_dict: Any = None,
               base_tuning_job_name: str | None = None, strategy: str = DEFAULT_STRATEGY, strategy_config: Any = None,
               completion_criteria_config: Any = None, objective_type: str = "Maximize", max_jobs: int | None = None,
               max_parallel_jobs: int = 1, max_runtime_in_seconds: float | None = None, tags: Any = None,
               warm_start_config: WarmStartConfig | None = None, early_stopping_type: str = "Off",
               random_seed: int | None = None, autotune: bool = False,
               hyperparameters_to_keep_static_dict: Mapping[str, Sequence[str]] | None = None,
               **kwargs: Any) -> HyperparameterTuner | DefinitionsTuner:
        """The SDK's factory: a tuner whose estimator is named (``estimator_name``); ``fit`` then takes
        ``{name: {"train": ..., "validation": ...}}``. TuneLab's keywords (``store=``, ...) pass through.

        Several estimators (AWS's TrainingJobDefinitions, up to 10 algorithms in one tuning job)
        give a :class:`~tuning.sagemaker.definitions_tuner.DefinitionsTuner`: each estimator
        checked here as a tuner of its own, the whole through the group's gate at ``fit``.
        """
        if not isinstance(estimator_dict, Mapping) or not estimator_dict:
            raise ValidationError("create: estimator_dict must be a non-empty dict of name to estimator.")
        names = sorted(map(str, estimator_dict))  # the SDK's order: by estimator name
        for argument, value, same in (("objective_metric_name_dict", objective_metric_name_dict, True),
                                      ("hyperparameter_ranges_dict", hyperparameter_ranges_dict, True),
                                      ("metric_definitions_dict", metric_definitions_dict, False),
                                      ("hyperparameters_to_keep_static_dict", hyperparameters_to_keep_static_dict, False)):
            if value is None and not same:
                continue
            if not isinstance(value, Mapping) or (set(value) != set(names) if same else not set(value) <= set(names)):
                raise ValidationError(f"create: the keys of {argument} must be {'the same as' if same else 'among'} "
                                      f"the estimator names {names}, but got {value!r:.200}.")

        def one(name: str) -> HyperparameterTuner:
            try:
                return cls(estimator_dict[name], objective_metric_name_dict[name], hyperparameter_ranges_dict[name],
                           metric_definitions=(metric_definitions_dict or {}).get(name), strategy=strategy,
                           objective_type=objective_type, max_jobs=max_jobs, max_parallel_jobs=max_parallel_jobs,
                           max_runtime_in_seconds=max_runtime_in_seconds, tags=tags,
                           base_tuning_job_name=base_tuning_job_name, warm_start_config=warm_start_config,
                           strategy_config=strategy_config, completion_criteria_config=completion_criteria_config,
                           early_stopping_type=early_stopping_type, estimator_name=name, random_seed=random_seed,
                           autotune=autotune, hyperparameters_to_keep_static=(hyperparameters_to_keep_static_dict
                                                                              or {}).get(name), **kwargs)
            except ValidationError as error:
                raise ValidationError(f"create: estimator_dict[{name!r}]: {error}" if len(names) > 1 else str(error),
                                      field=error.field) from None

        if len(names) == 1:
            return one(names[0])
        if len(names) > MAX_DEFINITIONS:
            raise ValidationError(f"create: estimator_dict has {len(names)} estimators, but AWS takes 1 to "
                                  f"{MAX_DEFINITIONS} training job definitions in one tuning job.")
        return DefinitionsTuner({name: one(name) for name in names}, base_tuning_job_name=base_tuning_job_name)

    def _require_job(self, what: str) -> str:
        if self.latest_tuning_job is None:
            raise ValidationError(
                f"{what}: this tuner has no tuning job yet. Call fit(inputs) first, or "
                "HyperparameterTuner.attach(tuning_job_name) for an existing one.")
        return self.latest_tuning_job.name


def _check_autotune(autotune: Any, keep_static: Any) -> None:
    """The SDK's rules for ``autotune`` and ``hyperparameters_to_keep_static`` (sagemaker/tuner.py
    ``HyperparameterTuner.__init__``); what Autotune then does is :func:`tuning.sagemaker.autotune_json.sdk_autotune`'s."""
    if not isinstance(autotune, bool):
        raise ValidationError(f"autotune must be True or False, but got {autotune!r}.")
    if not autotune and keep_static is not None:
        raise ValidationError(
            "hyperparameters_to_keep_static is set, but Autotune is not enabled (as in the SDK): leave "
            "hyperparameters_to_keep_static out, or set autotune=True.")
    if keep_static is not None and len(list(keep_static)) != len(set(keep_static)):
        raise ValidationError("hyperparameters_to_keep_static names a hyperparameter twice; remove the duplicate.")


def _counts_its_jobs(strategy: Any) -> bool:
    """Whether the strategy sets the number of jobs itself (Grid); an unknown name is refused at fit."""
    try:
        return strategy_class(strategy).counts_its_jobs
    except ValidationError:
        return False


def _check_ranges(ranges: Any, estimator: Estimator) -> dict[str, Parameter]:
    """The ranges argument read; each range through the gate's rule (``check_range``) now, not
    only at fit(), because the SDK's tuner refuses a bad range when it is constructed."""
    algorithm = estimator.algorithm
    if not isinstance(ranges, Mapping) or not ranges:
        raise ValidationError(
            "hyperparameter_ranges must be a non-empty dict of name to range, such as "
            f"{{'eta': ContinuousParameter(0.1, 0.5)}} (or set autotune=True, as the SDK says), but got {ranges!r}.")
    checked: dict[str, Parameter] = {}
    ranges = algorithm.canonical_names(ranges, where="hyperparameter_ranges")  # learning_rate is eta
    for name, parameter in ranges.items():
        if name not in algorithm.hyperparameters:
            algorithm.refuse_untrained([name], where=f"hyperparameter_ranges[{name!r}]: ")  # the MLP's dropout: why
            raise ValidationError(
                f"hyperparameter_ranges: {algorithm.title} has no hyperparameter {name!r}; its hyperparameters "
                f"are: {', '.join(algorithm.hyperparameters)}.")
        if isinstance(parameter, Mapping):  # the JSON shape, as in a saved configuration
            parameter = parameter_from_dict(name, parameter)
        if not isinstance(parameter, Parameter):
            raise ValidationError(
                f"hyperparameter_ranges[{name!r}] must be a ContinuousParameter, IntegerParameter or "
                f"CategoricalParameter, but got {parameter!r}.")
        try:
            check_range(algorithm, name, parameter)
        except ValidationError as error:
            raise at_field(error, {name: f"hyperparameter_ranges[{name!r}]"}) from None
        checked[name] = parameter
    return checked


def _progress_line(progress: TuningProgress) -> None:
    best = "" if progress.best_objective_value is None else f", best {progress.best_objective_value:.6g}"
    sys.stdout.write(f"\r  {progress.finished}/{progress.max_jobs} training jobs finished"
                     f" (last: {progress.last.name} {progress.last.status}){best}   ")
    sys.stdout.flush()
