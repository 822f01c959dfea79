"""A tuning job's configuration, as Python object and as JSON, checked before anything runs.

:class:`TuningJobConfig` carries what AMT's CreateHyperParameterTuningJob carries: the
ranges, the objective, the strategy, the resource limits, early stopping, the seed; plus
what the training job definition carries locally: the algorithm, its static
hyperparameters, and the data channels.

Its JSON shape (TuneLab's own, in AMT's words; SageMaker's exact shape is a later step)::

    {
      "TuningJobName": "bank-bayes",
      "Dataset": "bank-marketing",                 # or {"Path": "my.csv", "Target": "y"}
      "ValidationDataset": null,                   # same forms; null: split Dataset
      "ValidationFraction": 0.2,
      "TestSplitFraction": 0.2,                    # optional: rows held out for a test split
      "Algorithm": "xgboost",
      "Objective": {"MetricName": "validation:auc", "Type": "Maximize"},
      "Strategy": "Bayesian",
      "StrategyConfig": {"MinResource": 10, "MaxResource": 200, "GridPoints": 5},
      "HyperparameterRanges": {"eta": {"Type": "Continuous", "MinValue": 0.1,
                                       "MaxValue": 0.5, "ScalingType": "Auto"}},
      "StaticHyperparameters": {"num_round": 100},
      "ResourceLimits": {"MaxNumberOfTrainingJobs": 20, "MaxParallelTrainingJobs": 2,
                         "MaxRuntimeInSeconds": 3600},
      "StoppingCondition": {"MaxRuntimeInSeconds": 600},  # optional: each training job's limit
      "EarlyStoppingType": "Off",
      "RandomSeed": 42,
      "ExcludeColumns": ["duration"],                                         # optional
      "TuningJobCompletionCriteria": {"TargetObjectiveMetricValue": 0.95},   # optional
      "WarmStartConfig": {"ParentHyperParameterTuningJobs":                   # optional
                            [{"HyperParameterTuningJobName": "bank-1"}],
                          "WarmStartType": "IdenticalDataAndAlgorithm"},
      "RecordedDefinitionFields": {"RetryStrategy": {"MaximumRetryAttempts": 2}}, # optional, from AWS's JSON
      "Autotune": {"Mode": "Enabled"},             # optional: AMT's Autotune (tuning/job/autotune.py)
      "Tags": [{"Key": "course", "Value": "ml101"}] # optional: your own labels, kept (tuning/job/user_tags.py)
    }

``TestSplitFraction`` (TuneLab's own; AMT has no test split) holds out that share of the
dataset's rows as a test split, before the train/validation split, seeded by ``RandomSeed``
(see :func:`tuning.datasets.hold_out_test_rows`): the strategy and the validation objective
never see them, and :mod:`tuning.analysis.holdout` re-scores the best training jobs there.

``StoppingCondition.MaxRuntimeInSeconds`` is the training job definition's: each training
job is stopped once it has run that long (see :mod:`tuning.job.stopping_condition`); left
out, AWS's default of a day. ``ResourceLimits.MaxRuntimeInSeconds`` limits the tuning job.

``ExcludeColumns`` leaves feature columns of the dataset out of the job (see
:func:`tuning.datasets.without_columns`): the models never see them, and a deployed model
does not ask for them.

Errors in the JSON name the field by its path, for example
``ResourceLimits.MaxParallelTrainingJobs: must be a whole number from 1 to 100``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuning.job.autotune import Autotune, check_autotune
from tuning.job.completion import CompletionCriteria
from tuning.job.early_stopping import check_grace_period
from tuning.job.stopping_condition import check_training_runtime
from tuning.job.recorded_fields import check_recorded_fields
from tuning.job.user_tags import check_user_tags, read_tags, tags_to_json
from tuning.errors import ValidationError, at_field
from tuning.json_input import json_object, json_string, refuse_unknown_fields
from tuning.parameters import Parameter, parameter_from_dict
from tuning.paths import names_a_file
from tuning.job.warm_start import WarmStartConfig

if TYPE_CHECKING:
    from tuning.algorithms import HyperparameterSpec
from tuning.datasets import Dataset
from tuning.datasets.split import check_test_split_fraction
from tuning.datasets.libsvm_reading import LibsvmChannel, is_libsvm_content_type

__all__ = [
    "MAX_PARALLEL_JOBS",
    "MAX_TRAINING_JOBS",
    "LOCAL_POOL",
    "PRUNER_STUDY",
    "RUN_RECORD",
    "TuningJobConfig",
    "training_jobs_ran_on",
    "channel_to_json",
    "check_exclude_columns",
    "check_test_split_fraction",
    "check_tuning_job_name",
    "hyperband_resource_errors",
]

MAX_TRAINING_JOBS = 100_000
"""Largest MaxNumberOfTrainingJobs TuneLab accepts (AMT's own quota is lower)."""
MAX_PARALLEL_JOBS = 100
"""AMT's limit on MaxParallelTrainingJobs."""
EARLY_STOPPING_TYPES = ("Off", "Auto")
RUN_RECORD = "RunRecord"
"""A key the runner adds to a stored configuration: facts about the run, not settings (the
data's fingerprint, when it was resumed, see :mod:`tuning.running.resume`; where its training jobs
ran, see :func:`training_jobs_ran_on`). Reading it back ignores it, so a stored
configuration still reads as a configuration."""
PRUNER_STUDY = "PrunerStudyName"
"""``RunRecord.PrunerStudyName``: the name of the in-memory Optuna study whose pruner
(early stopping Auto, or Hyperband) judged the training jobs. It is the tuning job's name;
a job recorded without it ran with a random name, so its Hyperband brackets cannot be
reconstructed (:mod:`tuning.analysis.hyperband_plan`). Trial numbers are the training
jobs' indexes in a run that was not resumed."""
LOCAL_POOL = "local"
"""``RunRecord.TrainingJobsRanOn`` of a run on this machine's process pool."""


def training_jobs_ran_on(stored_config: Mapping[str, Any]) -> str | None:
    """Where a stored tuning job's training jobs ran (its latest run, after a resume), in
    words: "this machine's process pool" or "the Dask cluster at tcp://...". ``None`` for
    jobs recorded before TuneLab kept it.

    The scheduler is a setting of the run, not of the tuning job (it never goes into the
    SageMaker JSON), but a class watching a job wants to know where it runs.
    """
    ran_on = (stored_config.get(RUN_RECORD) or {}).get("TrainingJobsRanOn")
    if not ran_on:
        return None
    return "this machine's process pool" if ran_on == LOCAL_POOL else f"the Dask cluster at {ran_on}"
_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")


def check_tuning_job_name(name: Any) -> str:
    """AMT's rule for tuning job names: 1-32 letters, digits and inner hyphens."""
    if not isinstance(name, str) or not _NAME_PATTERN.match(name):
        raise ValidationError(
            f"tuning job name {name!r} is not valid: use 1 to 32 letters, digits and hyphens, "
            "starting and ending with a letter or digit (AMT's rule), such as 'bank-bayes-1'.",
            field="name",
        )
    return name


def _whole_number(value: Any, field_name: str, where: str, low: int, high: int) -> int:
    """``value`` as a whole number from ``low`` to ``high``; ``field_name`` is the config field it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
        isinstance(value, float) and not (math.isfinite(value) and value.is_integer())
    ):
        raise ValidationError(f"{where}: must be a whole number from {low} to {high:,}, but got {value!r}.",
                              field=field_name)
    if not low <= value <= high:
        raise ValidationError(f"{where}: must be from {low} to {high:,}, but got {value!r}.", field=field_name)
    return int(value)


@dataclass
class TuningJobConfig:
    """Everything a tuning job needs to run; see the module docstring for the JSON form.

    ``dataset`` is a bundled dataset's name (see :func:`tuning.datasets.list_datasets`),
    a path to a CSV file (``target`` names its label column; without it, the last column,
    or the first in SageMaker's headerless format), or a :class:`tuning.datasets.Dataset`.
    A path is a :class:`~pathlib.Path` or a string ending in ``.csv``; any other string is a
    dataset name, looked up and never opened as a file (so ``'../../etc/passwd'`` is refused
    as an unknown name).
    Leave ``hyperparameter_ranges`` out to tune the algorithm's default ranges, and
    ``objective_metric_name`` out to use the algorithm's default metric for the problem.
    ``exclude_columns`` names feature columns to leave out, such as bank-marketing's
    ``duration``, which is only known once the call is over and so leaks the answer.
    """

    dataset: str | Path | Dataset
    algorithm: str = "xgboost"
    objective_metric_name: str | None = None
    objective_type: str | None = None
    hyperparameter_ranges: Mapping[str, Parameter] | None = None
    static_hyperparameters: Mapping[str, Any] = field(default_factory=dict)
    strategy: str = "Bayesian"
    strategy_config: Mapping[str, Any] = field(default_factory=dict)
    max_jobs: int | None = 10
    max_parallel_jobs: int = 1
    max_runtime_seconds: float | None = None
    early_stopping_type: str = "Off"
    early_stopping_grace_period: int | None = None
    """With early stopping Auto: training rounds (epochs) every job trains before it can be
    stopped; ``None`` for the default share of its resource (see :mod:`tuning.job.early_stopping`)."""
    random_seed: int | None = None
    name: str | None = None
    target: str | None = None
    validation_dataset: str | Path | Dataset | None = None
    validation_fraction: float = 0.2
    completion_criteria: CompletionCriteria | None = None
    warm_start_config: WarmStartConfig | None = None
    exclude_columns: Sequence[str] = ()
    pause_between_jobs_seconds: float | None = None
    """A demo's pace (TuneLab's; PauseBetweenJobsSeconds): after each training job ends, the next
    waits this many seconds (up to 60), so a class can follow each one on Monitor; ``None`` for none."""
    training_job_max_runtime_seconds: int | None = None
    """Each training job's limit, the training job definition's StoppingCondition.MaxRuntimeInSeconds:
    a job still training after this many seconds is Stopped (MaxRuntimeExceeded); ``None``
    for AWS's default of a day (see :mod:`tuning.job.stopping_condition`)."""
    test_split_fraction: float | None = None
    """The share of the dataset's rows held out as a test split (TestSplitFraction), such as
    0.2; ``None`` (the default) holds none out. The strategy never sees them; see
    :mod:`tuning.analysis.holdout`."""
    autotune: Autotune | None = None
    """AMT's Autotune (``"Autotune": {"Mode": "Enabled"}``): the settings left out chosen from the
    algorithm and the data when the job is prepared; see :mod:`tuning.job.autotune`."""
    recorded_definition_fields: Mapping[str, Any] = field(default_factory=dict)
    """TrainingJobDefinition fields read from AWS's JSON that do not change training here (RetryStrategy,
    Environment, VpcConfig, ...), kept as they were to be written back; see :mod:`tuning.job.recorded_fields`."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """The user's own Tags (Key to Value; not TuneLab's ``tunelab:`` ones), kept and written back as AWS
    keeps them on the tuning job; see :mod:`tuning.job.user_tags`."""

    def __post_init__(self) -> None:
        """Aliases (XGBoost's ``learning_rate``) under their hyperparameter's name, so the job is recorded
        canonically whichever door it came in by; an unknown algorithm is prepare's to refuse."""
        from tuning.algorithms import get_algorithm

        try:
            algorithm = get_algorithm(self.algorithm)
        except ValidationError:
            return
        if not algorithm.hyperparameter_aliases:
            return
        if isinstance(self.static_hyperparameters, Mapping):
            self.static_hyperparameters = algorithm.canonical_names(self.static_hyperparameters,
                                                                    where="static_hyperparameters")
        if isinstance(self.hyperparameter_ranges, Mapping):
            self.hyperparameter_ranges = algorithm.canonical_names(self.hyperparameter_ranges,
                                                                   where="hyperparameter_ranges")

    def check_limits(self) -> None:
        """The checks that need no data: limits, names, types."""
        if self.name is not None:
            check_tuning_job_name(self.name)
        for field_name, rule in _LIMIT_RULES.items():
            rule(getattr(self, field_name))
        if self.early_stopping_type not in EARLY_STOPPING_TYPES:
            raise ValidationError(
                f"early_stopping_type must be 'Off' or 'Auto' (AMT's TrainingJobEarlyStoppingType), "
                f"but got {self.early_stopping_type!r}.",
                field="early_stopping_type",
            )
        check_grace_period(self.early_stopping_grace_period)
        if self.early_stopping_grace_period is not None and self.early_stopping_type != "Auto":
            raise ValidationError(
                "early_stopping_grace_period applies to early stopping Auto only, but early stopping is "
                f"{self.early_stopping_type!r}. Set early_stopping_type='Auto', or leave the grace period out.",
                field="early_stopping_grace_period",
            )
        fraction = self.validation_fraction
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 < fraction < 1:
            raise ValidationError(
                f"validation_fraction must be a number between 0 and 1 (such as 0.2), but got {fraction!r}.",
                field="validation_fraction",
            )
        if not isinstance(self.static_hyperparameters, Mapping):
            raise ValidationError(
                "static_hyperparameters must be a dict of name to value, but got "
                f"{type(self.static_hyperparameters).__name__}.",
                field="static_hyperparameters",
            )
        if self.completion_criteria is not None:
            if not isinstance(self.completion_criteria, CompletionCriteria):
                raise ValidationError("completion_criteria must be a tuning.CompletionCriteria(...) or None, but got "
                                      f"{type(self.completion_criteria).__name__}.")
            self.completion_criteria.check()
        if self.warm_start_config is not None and not isinstance(self.warm_start_config, WarmStartConfig):
            raise ValidationError("warm_start_config must be a tuning.WarmStartConfig(...) or None, but got "
                                  f"{type(self.warm_start_config).__name__}.")
        if not isinstance(self.strategy_config, Mapping):
            raise ValidationError("strategy_config must be a dict such as {'MinResource': 10}.",
                                  field="strategy_config")
        unknown = sorted(set(self.strategy_config) - {"MinResource", "MaxResource", "GridPoints"})
        if unknown:
            raise ValidationError(
                f"strategy_config has unknown field(s) {', '.join(unknown)}; it takes MinResource "
                "and MaxResource (Hyperband) and GridPoints (Grid).",
                field="strategy_config",
            )
        _check_strategy_config_types(self.strategy_config)
        check_exclude_columns(self.exclude_columns)
        check_recorded_fields(self.recorded_definition_fields)
        check_autotune(self.autotune)
        check_user_tags(self.tags)

    def limit_errors(self) -> dict[str, str]:
        """Every resource limit that is out of range, with the message the engine refuses it with.

        Why: a form shows each limit's problem beside its own input, all at once, where
        :meth:`check_limits` and :func:`tuning.running.runner.prepare` stop at the first. The rules
        are theirs (the same functions), so a page never keeps a second copy that could
        drift. Keys: ``max_jobs``, ``max_parallel_jobs``, ``max_runtime_seconds``,
        ``random_seed``, ``test_split_fraction``, and StrategyConfig's ``GridPoints``, ``MinResource`` and
        ``MaxResource`` (Hyperband's, checked for the Hyperband strategy only). Everything
        else (ranges, data, names) is left to ``prepare``.

        >>> TuningJobConfig(dataset="iris", max_jobs=0).limit_errors()
        {'max_jobs': 'max_jobs (MaxNumberOfTrainingJobs): must be from 1 to 100,000, but got 0.'}
        """
        errors: dict[str, str] = {}
        for field_name, rule in _LIMIT_RULES.items():
            try:
                rule(getattr(self, field_name))
            except ValidationError as error:
                errors[field_name] = str(error)
        strategy_config = self.strategy_config if isinstance(self.strategy_config, Mapping) else {}
        points = strategy_config.get("GridPoints")
        if points is not None and not isinstance(points, Mapping):  # per-range points need the ranges: prepare
            from tuning.strategies import check_grid_points

            try:
                check_grid_points(points, {})
            except ValidationError as error:
                errors["GridPoints"] = str(error)
        if _grows_resource(self.strategy) and {"MinResource", "MaxResource"} & set(strategy_config):
            spec = _resource_spec(self.algorithm)
            if spec is not None:
                errors.update(hyperband_resource_errors(
                    strategy_config.get("MinResource", 1), strategy_config.get("MaxResource", spec.default), spec))
        return errors

    # -- JSON ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form; a Dataset object is recorded by its name."""
        data = {
            "TuningJobName": self.name,
            "Dataset": channel_to_json(self.dataset, self.target),
            "ValidationDataset": channel_to_json(self.validation_dataset, self.target),
            "ValidationFraction": self.validation_fraction,
            "Algorithm": self.algorithm,
            "Objective": {"MetricName": self.objective_metric_name, "Type": self.objective_type},
            "Strategy": self.strategy,
            "StrategyConfig": dict(self.strategy_config),
            "HyperparameterRanges": (
                None
                if self.hyperparameter_ranges is None
                else {name: p.to_dict() for name, p in self.hyperparameter_ranges.items()}
            ),
            "StaticHyperparameters": dict(self.static_hyperparameters),
            "ResourceLimits": {
                "MaxNumberOfTrainingJobs": self.max_jobs,
                "MaxParallelTrainingJobs": self.max_parallel_jobs,
                "MaxRuntimeInSeconds": self.max_runtime_seconds,
            },
            "EarlyStoppingType": self.early_stopping_type,
            "RandomSeed": self.random_seed,
        }
        if self.early_stopping_grace_period is not None:
            data["EarlyStoppingGracePeriod"] = self.early_stopping_grace_period
        if self.completion_criteria is not None:
            data["TuningJobCompletionCriteria"] = self.completion_criteria.to_json()
        if self.warm_start_config is not None:
            data["WarmStartConfig"] = self.warm_start_config.to_json()
        if self.exclude_columns:
            data["ExcludeColumns"] = list(self.exclude_columns)
        if self.test_split_fraction is not None:
            data["TestSplitFraction"] = self.test_split_fraction
        if self.pause_between_jobs_seconds is not None:
            data["PauseBetweenJobsSeconds"] = self.pause_between_jobs_seconds
        if self.training_job_max_runtime_seconds is not None:
            data["StoppingCondition"] = {"MaxRuntimeInSeconds": self.training_job_max_runtime_seconds}
        if self.recorded_definition_fields:
            data["RecordedDefinitionFields"] = dict(self.recorded_definition_fields)
        if self.autotune is not None:
            data["Autotune"] = self.autotune.to_json()
        if self.tags:
            data["Tags"] = tags_to_json(self.tags)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> TuningJobConfig:
        """Read the JSON form; every error names the field by its JSON path."""
        if not isinstance(data, Mapping):
            raise ValidationError(f"the configuration must be a JSON object, but got {type(data).__name__}.")
        known = {
            "TuningJobName", "Dataset", "ValidationDataset", "ValidationFraction", "Algorithm",
            "Objective", "Strategy", "StrategyConfig", "HyperparameterRanges",
            "StaticHyperparameters", "ResourceLimits", "EarlyStoppingType", "EarlyStoppingGracePeriod", "RandomSeed",
            "TuningJobCompletionCriteria", "WarmStartConfig", "ExcludeColumns", "TestSplitFraction",
            "PauseBetweenJobsSeconds", "StoppingCondition", "RecordedDefinitionFields", "Autotune", "Tags",
        }
        data = {key: value for key, value in data.items() if key != RUN_RECORD}  # facts of a run, not settings
        refuse_unknown_fields(data, known, "")
        if "Dataset" not in data:
            raise ValidationError('Dataset: required, for example "bank-marketing" or {"Path": "my.csv", "Target": "y"}.')
        dataset, target = _channel_from_json(data["Dataset"], "Dataset")
        validation, _ = _channel_from_json(data.get("ValidationDataset"), "ValidationDataset", optional=True)
        objective = json_object(data.get("Objective", {}), "Objective")
        refuse_unknown_fields(objective, {"MetricName", "Type"}, "Objective.")
        limits = json_object(data.get("ResourceLimits", {}), "ResourceLimits")
        refuse_unknown_fields(limits, {"MaxNumberOfTrainingJobs", "MaxParallelTrainingJobs", "MaxRuntimeInSeconds"}, "ResourceLimits.")
        stopping = json_object(data.get("StoppingCondition") or {}, "StoppingCondition")
        refuse_unknown_fields(stopping, {"MaxRuntimeInSeconds"}, "StoppingCondition.")
        ranges_json = data.get("HyperparameterRanges")
        ranges = None
        if ranges_json is not None:
            ranges = {}
            for name, spec in json_object(ranges_json, "HyperparameterRanges").items():
                try:
                    ranges[name] = parameter_from_dict(name, spec)
                except ValidationError as error:
                    raise ValidationError(f"HyperparameterRanges.{name}: {error}") from None
        config = cls(
            dataset=dataset,
            target=target,
            validation_dataset=validation,
            validation_fraction=data.get("ValidationFraction", 0.2),
            algorithm=json_string(data.get("Algorithm", "xgboost"), "Algorithm"),
            objective_metric_name=json_string(objective.get("MetricName"), "Objective.MetricName", optional=True),
            objective_type=json_string(objective.get("Type"), "Objective.Type", optional=True),
            hyperparameter_ranges=ranges,
            static_hyperparameters=json_object(data.get("StaticHyperparameters", {}), "StaticHyperparameters"),
            strategy=json_string(data.get("Strategy", "Bayesian"), "Strategy"),
            strategy_config=json_object(data.get("StrategyConfig", {}), "StrategyConfig"),
            max_jobs=limits.get("MaxNumberOfTrainingJobs", 10),
            max_parallel_jobs=limits.get("MaxParallelTrainingJobs", 1),
            max_runtime_seconds=limits.get("MaxRuntimeInSeconds"),
            early_stopping_type=json_string(data.get("EarlyStoppingType", "Off"), "EarlyStoppingType"),
            early_stopping_grace_period=data.get("EarlyStoppingGracePeriod"),
            random_seed=data.get("RandomSeed"),
            name=data.get("TuningJobName"),
            completion_criteria=(None if data.get("TuningJobCompletionCriteria") is None
                                 else CompletionCriteria.from_json(data["TuningJobCompletionCriteria"])),
            warm_start_config=(None if data.get("WarmStartConfig") is None
                               else WarmStartConfig.from_json(data["WarmStartConfig"])),
            exclude_columns=() if data.get("ExcludeColumns") is None else data["ExcludeColumns"],
            test_split_fraction=data.get("TestSplitFraction"),
            pause_between_jobs_seconds=data.get("PauseBetweenJobsSeconds"),
            training_job_max_runtime_seconds=stopping.get("MaxRuntimeInSeconds"),
            recorded_definition_fields=json_object(data.get("RecordedDefinitionFields", {}), "RecordedDefinitionFields"),
            autotune=None if data.get("Autotune") is None else Autotune.from_json(data["Autotune"]),
            tags=read_tags(data.get("Tags", [])),
        )
        try:
            config.check_limits()
        except ValidationError as error:
            raise at_field(error, _JSON_PATHS) from None
        return config

    def resolved_ranges(self) -> dict[str, Parameter]:
        """The ranges searched: the given ones, or the algorithm's default ranges."""
        if self.hyperparameter_ranges is not None:
            return dict(self.hyperparameter_ranges)
        from tuning.algorithms import get_algorithm

        return get_algorithm(self.algorithm).default_ranges()

    def replace(self, **changes: Any) -> TuningJobConfig:
        return dataclasses.replace(self, **changes)


_JSON_PATHS = {
    "max_jobs": "ResourceLimits.MaxNumberOfTrainingJobs",
    "max_parallel_jobs": "ResourceLimits.MaxParallelTrainingJobs",
    "max_runtime_seconds": "ResourceLimits.MaxRuntimeInSeconds",
    "early_stopping_type": "EarlyStoppingType",
    "early_stopping_grace_period": "EarlyStoppingGracePeriod",
    "random_seed": "RandomSeed",
    "validation_fraction": "ValidationFraction",
    "name": "TuningJobName",
    "strategy_config": "StrategyConfig",
    "exclude_columns": "ExcludeColumns",
    "test_split_fraction": "TestSplitFraction",
    "pause_between_jobs_seconds": "PauseBetweenJobsSeconds",
    "training_job_max_runtime_seconds": "StoppingCondition.MaxRuntimeInSeconds",
    "recorded_definition_fields": "RecordedDefinitionFields",
    "autotune": "Autotune",
}
"""The gate's field names (``ValidationError.field``) as paths in TuneLab's JSON; see
:func:`tuning.errors.at_field`. A field left out (static_hyperparameters, say) is one the
JSON reader has already refused in its own words."""


def _check_max_jobs(value: Any) -> None:
    if value is not None:
        _whole_number(value, "max_jobs", "max_jobs (MaxNumberOfTrainingJobs)", 1, MAX_TRAINING_JOBS)


def _check_max_parallel_jobs(value: Any) -> None:
    _whole_number(value, "max_parallel_jobs", "max_parallel_jobs (MaxParallelTrainingJobs)", 1, MAX_PARALLEL_JOBS)


def _check_max_runtime_seconds(seconds: Any) -> None:
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not (
        math.isfinite(seconds) and seconds > 0
    )):
        raise ValidationError(
            "max_runtime_seconds (MaxRuntimeInSeconds): must be a positive number of "
            f"seconds, or None for no limit, but got {seconds!r}.",
            field="max_runtime_seconds",
        )


MAX_PAUSE_SECONDS = 60
"""The longest pause between training jobs a demo may ask for."""
DEMO_PAUSE_SECONDS = 3.0
"""The Create page's "Slow pace (demo)": one training job at a time, this many seconds apart."""


def _check_pause(seconds: Any) -> None:
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not (
        math.isfinite(seconds) and 0 < seconds <= MAX_PAUSE_SECONDS
    )):
        raise ValidationError(
            "pause_between_jobs_seconds (PauseBetweenJobsSeconds): must be a number of seconds above 0 and at "
            f"most {MAX_PAUSE_SECONDS}, such as 3, or None for no pause, but got {seconds!r}.",
            field="pause_between_jobs_seconds",
        )


def _check_random_seed(value: Any) -> None:
    if value is not None:
        _whole_number(value, "random_seed", "random_seed (RandomSeed)", 0, 2**31 - 1)


_LIMIT_RULES: dict[str, Callable[[Any], None]] = {
    "max_jobs": _check_max_jobs,
    "max_parallel_jobs": _check_max_parallel_jobs,
    "max_runtime_seconds": _check_max_runtime_seconds,
    "random_seed": _check_random_seed,
    "test_split_fraction": lambda value: check_test_split_fraction(value),  # defined below
    "pause_between_jobs_seconds": _check_pause,
    "training_job_max_runtime_seconds": check_training_runtime,
}
"""The resource limits, each with its one rule: check_limits raises the first broken one,
limit_errors collects them all."""


def _grows_resource(strategy: Any) -> bool:
    """Whether the strategy named ``strategy`` grows a training resource (Hyperband does).

    An unknown name is not this rule's to refuse: prepare says which names there are.
    """
    from tuning.strategies import strategy_class

    try:
        return strategy_class(strategy).grows_resource
    except ValidationError:
        return False


def _resource_spec(algorithm_name: Any) -> HyperparameterSpec | None:
    """The algorithm's training resource (num_round...), or None: prepare reports the rest."""
    from tuning.algorithms import get_algorithm

    try:
        algorithm = get_algorithm(algorithm_name)
    except ValidationError:
        return None
    return None if algorithm.resource is None else algorithm.hyperparameters[algorithm.resource]


def hyperband_resource_errors(
    min_resource: Any, max_resource: Any, resource_spec: HyperparameterSpec | None = None
) -> dict[str, str]:
    """Hyperband's budget rules, by StrategyConfig field: ``{}`` when the budget is fine.

    MinResource and MaxResource are whole numbers from 1, MinResource below MaxResource
    (a budget that cannot grow has nothing to cut), and MaxResource a valid value of the
    algorithm's resource hyperparameter (``resource_spec``). :func:`tuning.running.runner.prepare`
    raises the first message; a form shows each beside its field.
    """
    errors: dict[str, str] = {}
    for label, value in (("MinResource", min_resource), ("MaxResource", max_resource)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors[label] = f"StrategyConfig {label} must be a whole number >= 1, but got {value!r}."
    if errors:
        return errors
    if not min_resource < max_resource:
        errors["MinResource"] = (
            f"StrategyConfig MinResource < MaxResource must hold, but got MinResource={min_resource} "
            f"and MaxResource={max_resource}."
        )
    if resource_spec is not None:
        try:
            resource_spec.check_value(max_resource)
        except ValidationError as error:
            errors["MaxResource"] = str(error)
    return errors


def _check_strategy_config_types(strategy_config: Mapping[str, Any]) -> None:
    """Whole numbers where whole numbers go, before anything converts them with int().

    The values' ranges are checked where they are used (Hyperband, the grid); here only
    their types, so that a JSON import such as ``"MaxResource": "x"`` or ``Infinity`` is a
    ValidationError rather than a crash of whoever reads the config next.
    """
    def whole(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    for name in ("MinResource", "MaxResource"):
        if name in strategy_config and not whole(strategy_config[name]):
            raise ValidationError(f"strategy_config {name} must be a whole number >= 1, but got "
                                  f"{strategy_config[name]!r}.", field="strategy_config")
    if "GridPoints" in strategy_config:
        points = strategy_config["GridPoints"]
        values = points.values() if isinstance(points, Mapping) else [points]
        if not all(whole(value) for value in values):
            raise ValidationError(
                "strategy_config GridPoints must be a whole number (values per numeric range, such as 5) or an "
                f'object of range name to whole number (such as {{"eta": 7}}), but got {points!r}.',
                field="strategy_config",
            )


def check_exclude_columns(names: Any) -> None:
    """A list of column names; whether the dataset has them is checked when it is loaded."""
    if isinstance(names, str):
        raise ValidationError(
            f"exclude_columns must be a list of column names, such as [{names!r}], but got the single "
            f"string {names!r}. Put the name in a list.", field="exclude_columns")
    if not isinstance(names, Sequence) or not all(isinstance(name, str) and name.strip() for name in names):
        raise ValidationError(
            "exclude_columns must be a list of column names, such as ['duration'], but got "
            f"{list(names) if isinstance(names, Sequence) else names!r}. Give each column's name as a "
            "non-empty string.", field="exclude_columns")


def channel_to_json(channel: Any, target: str | None) -> Any:
    if channel is None:
        return None
    if isinstance(channel, LibsvmChannel):
        return {"Path": str(channel.path), "Target": target, "ContentType": "text/libsvm"}
    if names_a_file(channel):
        return {"Path": str(channel), "Target": target}
    if isinstance(channel, (str, Path)):
        return str(channel)
    return getattr(channel, "name", str(channel))


def _channel_from_json(value: Any, where: str, *, optional: bool = False) -> tuple[Any, str | None]:
    if value is None and optional:
        return None, None
    if isinstance(value, str):
        return value, None
    if isinstance(value, Mapping):
        refuse_unknown_fields(value, {"Path", "Target", "ContentType"}, f"{where}.")
        if not isinstance(value.get("Path"), str):
            raise ValidationError(f"{where}.Path: must be the path of a CSV file, but got {value.get('Path')!r}.")
        target = value.get("Target")
        if target is not None and not isinstance(target, str):
            raise ValidationError(f"{where}.Target: must be a column name, but got {target!r}.")
        content_type = value.get("ContentType", "text/csv")
        if is_libsvm_content_type(content_type):
            return LibsvmChannel(Path(value["Path"])), target
        if not isinstance(content_type, str) or content_type.split(";")[0].strip().lower() not in ("text/csv", "csv"):
            raise ValidationError(f'{where}.ContentType: must be "text/csv" or "text/libsvm", but got {content_type!r}.')
        return Path(value["Path"]), target
    raise ValidationError(
        f'{where}: must be a dataset name such as "iris" or {{"Path": "my.csv", "Target": "y"}}, '
        f"but got {value!r}."
    )

