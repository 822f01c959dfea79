"""SageMaker's exact JSON for a tuning job: the CreateHyperParameterTuningJob request.

A file written for SageMaker runs here, and a job designed here runs there::

    {"HyperParameterTuningJobName": "bank-bayes",
     "HyperParameterTuningJobConfig": {
       "Strategy": "Bayesian",
       "StrategyConfig": {"HyperbandStrategyConfig": {"MinResource": 1, "MaxResource": 100}},
       "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
       "ResourceLimits": {"MaxNumberOfTrainingJobs": 20, "MaxParallelTrainingJobs": 2},
       "ParameterRanges": {
         "IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "1", "MaxValue": "10",
                                     "ScalingType": "Auto"}],
         "ContinuousParameterRanges": [...], "CategoricalParameterRanges": [...]},
       "TrainingJobEarlyStoppingType": "Off",
       "TuningJobCompletionCriteria": {...},
       "RandomSeed": 42},
     "TrainingJobDefinition": {
       "AlgorithmSpecification": {"TrainingImage": "...", "TrainingInputMode": "File"},
       "StaticHyperParameters": {"num_round": "100"},
       "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                              "S3DataType": "S3Prefix", "S3Uri": "tunelab://dataset/iris",
                              "S3DataDistributionType": "FullyReplicated"}},
                            "ContentType": "text/csv"}],
       "RoleArn": ..., "OutputDataConfig": ..., "ResourceConfig": ..., "StoppingCondition": ...},
     "WarmStartConfig": {...},
     "Tags": [{"Key": "tunelab:LabelColumn", "Value": "y"}]}

The mapping rules, each chosen so that ``from_sagemaker_request(to_sagemaker_request(c))``
gives back ``c`` exactly (compared by ``to_dict()``):

- **Values are strings**, as in AWS: range bounds, categorical values and static
  hyperparameters. Reading turns them back by the algorithm's catalogue: an integer
  hyperparameter gives ``int``, a real one ``float``, a choice its catalogued value;
  a name the catalogue lacks gives ``int`` or ``float`` when the text is a number.
  Integer ranges give ``int`` bounds and continuous ranges ``float``, whatever the name.
  Plain JSON numbers are accepted for range bounds (leniently); StaticHyperParameters must be
  strings, as AWS's API has them. AWS's other rules that TuneLab's JSON relaxes (Strategy's
  letter case, Grid on categorical ranges only) are in :mod:`tuning.sagemaker.request_rules`.
- **Algorithm to TrainingImage**: AWS's built-ins by their us-east-1 image URI (the
  algorithm class's ``aws_image``; any region, account or tag reads back the same), and
  ``tunelab/<name>:latest`` for TuneLab's own (random-forest, mlp). AWS's XGBoost and
  Linear Learner want statics such as ``objective`` or ``predictor_type`` that TuneLab
  sets itself from the data: reading accepts and drops them (the class's ``derived_from_data``).
- **Channels to S3Uri**: a dataset by name (bundled or uploaded) is
  ``tunelab://dataset/<name>``; a CSV path is a ``file:`` URI, ``file:///abs/x.csv`` for
  an absolute path and ``file:x.csv`` for a relative one (relative to the JSON file when
  the CLI reads it), so the path comes back exactly as it was written. TuneLab reads only
  these: an ``s3://`` URI is refused with that advice.
- **TuneLab's extras, which AWS has no field for, are Tags** with keys starting with
  ``tunelab:`` (:data:`TAG_LABEL_COLUMN`, :data:`TAG_VALIDATION_FRACTION`,
  :data:`TAG_GRID_POINTS`, :data:`TAG_OBJECTIVE_TYPE`, :data:`TAG_EXCLUDE_COLUMNS`: the
  columns left out, comma-separated, such as ``duration,pdays``; :data:`TAG_TEST_SPLIT_FRACTION`:
  the share of rows held out as a test split, which AMT has no notion of). Tags are part of AWS's request, so
  the file stays valid for SageMaker, where they are inert labels; a channel's
  ContentType would have been read by AWS's own containers. An objective whose Type TuneLab
  leaves to the metric is written with the metric's own direction (AWS requires Type) and
  the tag ``tunelab:ObjectiveType = FromMetric`` records that it was implicit. Every other tag is
  the user's own label: kept on the job (``TuningJobConfig.tags``) and written back first.
- The training job definition's StoppingCondition.MaxRuntimeInSeconds stops each training
  job, and is written back as read (see :mod:`tuning.sagemaker.stopping_json`). The fields
  AWS requires but TuneLab has no use for (RoleArn, OutputDataConfig, ResourceConfig) are
  written with placeholders (:data:`PLACEHOLDERS`) when absent. Those and the other
  definition fields that do not change training here (RetryStrategy, Environment, VpcConfig,
  CheckpointConfig, EnableManagedSpotTraining, ...) are recorded as read and written back
  (:mod:`tuning.job.recorded_fields`). Any other unknown field is refused.

Every error quotes the JSON path, such as
``HyperParameterTuningJobConfig.ParameterRanges.IntegerParameterRanges[0].MinValue: ...``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

from tuning.algorithms import get_algorithm, image_repository, list_algorithms
from tuning.job.completion import CompletionCriteria
from tuning.job.config import TuningJobConfig, channel_to_json, check_exclude_columns
from tuning.errors import ValidationError, at_field
from tuning.datasets.libsvm_reading import LibsvmChannel, is_libsvm_content_type
from tuning.json_input import json_object, json_string, refuse_unknown_fields
from tuning.sagemaker.aws_strings import RANGE_KINDS, ranges_to_aws, to_aws_string
from tuning.sagemaker.channel_prefix import check_s3_data_type
from tuning.sagemaker.stopping_json import stopping_condition_from_aws, stopping_condition_rest, stopping_condition_to_aws
from tuning.parameters import CategoricalParameter, IntegerParameter, Parameter
from tuning.job.range_rules import check_range
from tuning.job.recorded_fields import RECORDED_DEFINITION_FIELDS
from tuning.job.user_tags import TUNELAB_PREFIX, read_tags, tags_to_json
from tuning.job.warm_start import WarmStartConfig
from tuning.sagemaker.autotune_json import AUTOTUNE_TAGS, autotune_request, read_autotune
from tuning.sagemaker.request_rules import (TAG_NUMERIC_GRID, aws_strategy_name, check_bound_string, check_grid_ranges,
                                            check_static_strings, numeric_grid_tag, numeric_grid_tags, read_strategy)

__all__ = [
    "PLACEHOLDERS",
    "TAG_EXCLUDE_COLUMNS",
    "TAG_GRACE_PERIOD",
    "TAG_GRID_POINTS",
    "TAG_LABEL_COLUMN",
    "TAG_OBJECTIVE_TYPE",
    "TAG_PAUSE",
    "TAG_TEST_SPLIT_FRACTION",
    "TAG_VALIDATION_FRACTION",
    "from_sagemaker_request",
    "is_sagemaker_request",
    "ranges_to_aws",
    "read_tuning_job_json",
    "to_sagemaker_request",
    "training_image",
]

TAG_LABEL_COLUMN = "tunelab:LabelColumn"
TAG_VALIDATION_FRACTION = "tunelab:ValidationFraction"
TAG_GRID_POINTS = "tunelab:GridPoints"
TAG_OBJECTIVE_TYPE = "tunelab:ObjectiveType"
TAG_GRACE_PERIOD = "tunelab:EarlyStoppingGracePeriod"
"""Early stopping Auto's grace period in rounds (AMT has none to set; see tuning.job.early_stopping)."""
TAG_EXCLUDE_COLUMNS = "tunelab:ExcludeColumns"
TAG_TEST_SPLIT_FRACTION = "tunelab:TestSplitFraction"
"""The share of rows held out as a test split (AMT has no test split; see tuning.analysis.holdout)."""
TAG_PAUSE = "tunelab:PauseBetweenJobsSeconds"
"""A demo's pause between training jobs, in seconds (TuneLab's; AMT has none)."""
_TAGS = (TAG_LABEL_COLUMN, TAG_VALIDATION_FRACTION, TAG_GRID_POINTS, TAG_OBJECTIVE_TYPE, TAG_GRACE_PERIOD,
         TAG_EXCLUDE_COLUMNS, TAG_TEST_SPLIT_FRACTION, TAG_PAUSE, TAG_NUMERIC_GRID, *AUTOTUNE_TAGS)
_DATASET_PREFIX = "tunelab://dataset/"
PLACEHOLDERS: dict[str, Any] = {
    "RoleArn": "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole",
    "OutputDataConfig": {"S3OutputPath": "s3://amzn-s3-demo-bucket/tunelab/output"},
    "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
}
"""What AWS requires in a TrainingJobDefinition and TuneLab ignores: replace before sending to AWS."""

_CONFIG = "HyperParameterTuningJobConfig"
_DEFINITION = "TrainingJobDefinition"
_RANGES = f"{_CONFIG}.ParameterRanges"
_TOP_LEVEL = {"HyperParameterTuningJobName", _CONFIG, _DEFINITION, "WarmStartConfig", "Tags", "Autotune"}
_CONFIG_FIELDS = {"Strategy", "StrategyConfig", "HyperParameterTuningJobObjective", "ResourceLimits",
                  "ParameterRanges", "TrainingJobEarlyStoppingType", "TuningJobCompletionCriteria", "RandomSeed"}
_DEFINITION_FIELDS = {"AlgorithmSpecification", "StaticHyperParameters", "InputDataConfig", *PLACEHOLDERS,
                      "StoppingCondition",
                      "DefinitionName", "VpcConfig", "EnableNetworkIsolation", "EnableInterContainerTrafficEncryption",
                      "EnableManagedSpotTraining", "CheckpointConfig", "RetryStrategy", "Environment",
                      "HyperParameterTuningResourceConfig"}
_CHANNEL_FIELDS = {"ChannelName", "DataSource", "ContentType", "CompressionType", "RecordWrapperType",
                   "InputMode", "ShuffleConfig"}
_S3_FIELDS = {"S3DataType", "S3Uri", "S3DataDistributionType", "AttributeNames", "InstanceGroupNames"}


# -- writing ----------------------------------------------------------------------------------
def to_sagemaker_request(config: TuningJobConfig) -> dict[str, Any]:
    """The CreateHyperParameterTuningJob request for ``config`` (see the module docstring)."""
    from tuning.algorithms import get_algorithm

    algorithm = get_algorithm(config.algorithm)
    tags: list[dict[str, str]] = []
    tuning: dict[str, Any] = {"Strategy": aws_strategy_name(config.strategy)}
    hyperband = {k: config.strategy_config[k] for k in ("MinResource", "MaxResource") if k in config.strategy_config}
    if hyperband:
        tuning["StrategyConfig"] = {"HyperbandStrategyConfig": hyperband}
    if "GridPoints" in config.strategy_config:
        tags.append({"Key": TAG_GRID_POINTS, "Value": str(config.strategy_config["GridPoints"])})
    tags += numeric_grid_tags(config.strategy, config.resolved_ranges())
    if config.early_stopping_grace_period is not None:
        tags.append({"Key": TAG_GRACE_PERIOD, "Value": str(config.early_stopping_grace_period)})
    if config.objective_metric_name is not None:
        objective_type = config.objective_type
        if objective_type is None:
            objective_type = _metric_direction(config.objective_metric_name)
            tags.append({"Key": TAG_OBJECTIVE_TYPE, "Value": "FromMetric"})
        tuning["HyperParameterTuningJobObjective"] = {"Type": objective_type,
                                                      "MetricName": config.objective_metric_name}
    limits: dict[str, Any] = {"MaxParallelTrainingJobs": config.max_parallel_jobs}
    if config.max_jobs is not None:
        limits["MaxNumberOfTrainingJobs"] = config.max_jobs
    if config.max_runtime_seconds is not None:
        seconds = config.max_runtime_seconds
        limits["MaxRuntimeInSeconds"] = int(seconds) if float(seconds).is_integer() else seconds
    tuning["ResourceLimits"] = limits
    if config.hyperparameter_ranges is not None:
        tuning["ParameterRanges"] = ranges_to_aws(config.hyperparameter_ranges)
    tuning["TrainingJobEarlyStoppingType"] = config.early_stopping_type
    if config.completion_criteria is not None:
        tuning["TuningJobCompletionCriteria"] = config.completion_criteria.to_json()
    if config.random_seed is not None:
        tuning["RandomSeed"] = config.random_seed

    channels = [_channel_to_aws("train", config.dataset)]
    if config.validation_dataset is not None:
        channels.append(_channel_to_aws("validation", config.validation_dataset))
    if config.target is not None and any(isinstance(channel_to_json(c, None), dict)
                                         for c in (config.dataset, config.validation_dataset)):
        tags.append({"Key": TAG_LABEL_COLUMN, "Value": config.target})
    if config.validation_fraction != 0.2:
        tags.append({"Key": TAG_VALIDATION_FRACTION, "Value": repr(float(config.validation_fraction))})
    if config.exclude_columns:
        tags.append({"Key": TAG_EXCLUDE_COLUMNS, "Value": _exclude_columns_tag(config.exclude_columns)})
    if config.test_split_fraction is not None:
        tags.append({"Key": TAG_TEST_SPLIT_FRACTION, "Value": to_aws_string(config.test_split_fraction)})
    if config.pause_between_jobs_seconds is not None:
        tags.append({"Key": TAG_PAUSE, "Value": to_aws_string(config.pause_between_jobs_seconds)})
    definition = {
        "AlgorithmSpecification": {"TrainingImage": training_image(algorithm.name), "TrainingInputMode": "File"},
        "StaticHyperParameters": {name: to_aws_string(value) for name, value in config.static_hyperparameters.items()},
        "InputDataConfig": channels,
        **PLACEHOLDERS,
        **config.recorded_definition_fields,  # as read from AWS's JSON (tuning.job.recorded_fields)
        "StoppingCondition": stopping_condition_to_aws(config.training_job_max_runtime_seconds,
                                                       config.recorded_definition_fields.get("StoppingCondition")),
    }
    request: dict[str, Any] = {}
    if config.name is not None:
        request["HyperParameterTuningJobName"] = config.name
    request[_CONFIG] = tuning
    request[_DEFINITION] = definition
    if config.warm_start_config is not None:
        request["WarmStartConfig"] = config.warm_start_config.to_json()
    tags = tags_to_json(config.tags) + tags  # the user's own first, as they were read
    if tags:
        request["Tags"] = tags
    return autotune_request(config, request)  # "Autotune": {"Mode": "Enabled"} (tuning.sagemaker.autotune_json)


def _exclude_columns_tag(names: Any) -> str:
    """The tag's value, ``duration,pdays``; a name with a comma could not be read back, so it is refused."""
    check_exclude_columns(names)  # the gate's rule, here too: writing may come before any check, and joins the names
    with_comma = [name for name in names if "," in name]
    if with_comma:
        raise ValidationError(
            f"exclude_columns: the column name {with_comma[0]!r} holds a comma, but the tag {TAG_EXCLUDE_COLUMNS} "
            "separates names by commas, so it would not read back. Rename the column, or keep the job in "
            "TuneLab's JSON (ExcludeColumns is a list there).")
    return ",".join(names)


def training_image(algorithm_name: str) -> str:
    """AWS's image URI for a built-in, ``tunelab/<name>:latest`` for TuneLab's own algorithms."""
    return get_algorithm(algorithm_name).training_image()


def _metric_direction(name: str) -> str:
    from tuning.metrics import get_metric

    return get_metric(name).direction


def _channel_to_aws(name: str, channel: Any) -> dict[str, Any]:
    as_json = channel_to_json(channel, None)
    content_type = as_json.get("ContentType", "text/csv") if isinstance(as_json, dict) else "text/csv"
    if isinstance(as_json, dict):
        path = PurePosixPath(Path(as_json["Path"]).as_posix())
        uri = "file://" + quote(str(path)) if path.is_absolute() else "file:" + quote(str(path))
    else:
        uri = _DATASET_PREFIX + quote(as_json, safe="")
    return {
        "ChannelName": name,
        "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": uri,
                                        "S3DataDistributionType": "FullyReplicated"}},
        "ContentType": content_type,
    }


# -- reading ----------------------------------------------------------------------------------
def is_sagemaker_request(data: Any) -> bool:
    """True for AWS's request shape, False for TuneLab's own (which has ``Dataset``)."""
    return isinstance(data, Mapping) and bool({_CONFIG, _DEFINITION} & set(data)) and "Dataset" not in data


def read_tuning_job_json(data: Any) -> TuningJobConfig:
    """Either shape: AWS's request or TuneLab's own JSON (:meth:`TuningJobConfig.from_dict`)."""
    return from_sagemaker_request(data) if is_sagemaker_request(data) else TuningJobConfig.from_dict(data)


def from_sagemaker_request(data: Any) -> TuningJobConfig:
    """Read a CreateHyperParameterTuningJob request; every error quotes the JSON path."""
    from tuning.algorithms import get_algorithm

    root = json_object(data, "the request")
    if "TrainingJobDefinitions" in root:
        raise ValidationError(  # several definitions: tuning.sagemaker.definitions_json reads them
            "TrainingJobDefinitions: a tuning job over several training job definitions runs with "
            "`python -m tuning run FILE` (or HyperparameterTuner.create(estimator_dict=...) in Python); this reader, "
            "and the Create page's form, take one TrainingJobDefinition.")
    refuse_unknown_fields(root, _TOP_LEVEL, "")
    tags = _read_tags(root.get("Tags", []))
    tuning = json_object(_required(root, _CONFIG, ""), _CONFIG)
    refuse_unknown_fields(tuning, _CONFIG_FIELDS, f"{_CONFIG}.")
    definition = json_object(_required(root, _DEFINITION, ""), _DEFINITION)
    refuse_unknown_fields(definition, _DEFINITION_FIELDS, f"{_DEFINITION}.")

    algorithm = _read_algorithm(_required(definition, "AlgorithmSpecification", f"{_DEFINITION}."))
    specs = get_algorithm(algorithm).hyperparameters
    strategy_config = _read_strategy_config(tuning.get("StrategyConfig"))
    if TAG_GRID_POINTS in tags:
        strategy_config["GridPoints"] = _whole(tags[TAG_GRID_POINTS], f"Tags[{TAG_GRID_POINTS}]")
    metric, objective_type = _read_objective(tuning.get("HyperParameterTuningJobObjective"))
    if tags.get(TAG_OBJECTIVE_TYPE) == "FromMetric":
        objective_type = None
    elif TAG_OBJECTIVE_TYPE in tags:
        raise ValidationError(f"Tags[{TAG_OBJECTIVE_TYPE}]: the only value is \"FromMetric\", "
                              f"but got {tags[TAG_OBJECTIVE_TYPE]!r}.")
    limits = json_object(tuning.get("ResourceLimits", {}), f"{_CONFIG}.ResourceLimits")
    refuse_unknown_fields(limits, {"MaxNumberOfTrainingJobs", "MaxParallelTrainingJobs", "MaxRuntimeInSeconds"},
                    f"{_CONFIG}.ResourceLimits.")
    autotune = read_autotune(root, tuning, limits, tags)  # AWS's Autotune and AutoParameters
    ranges = None if "ParameterRanges" not in tuning else _read_ranges(tuning["ParameterRanges"], algorithm)
    if autotune is not None and not ranges:
        ranges = None  # AutoParameters only: Autotune chooses the ranges
    statics = _read_statics(definition.get("StaticHyperParameters", {}), specs, algorithm)
    train, validation = _read_channels(_required(definition, "InputDataConfig", f"{_DEFINITION}."))
    fraction = 0.2
    if TAG_VALIDATION_FRACTION in tags:
        fraction = _number(tags[TAG_VALIDATION_FRACTION], f"Tags[{TAG_VALIDATION_FRACTION}]", integer=False)
    completion = None
    if tuning.get("TuningJobCompletionCriteria") is not None:
        completion = _prefixed(CompletionCriteria.from_json, tuning["TuningJobCompletionCriteria"], f"{_CONFIG}.")
    warm_start = None
    if root.get("WarmStartConfig") is not None:
        warm_start = WarmStartConfig.from_json(root["WarmStartConfig"])
    config = TuningJobConfig(
        dataset=train,
        target=tags.get(TAG_LABEL_COLUMN),
        validation_dataset=validation,
        validation_fraction=fraction,
        algorithm=algorithm,
        objective_metric_name=metric,
        objective_type=objective_type,
        hyperparameter_ranges=ranges,
        static_hyperparameters=statics,
        strategy=read_strategy(tuning.get("Strategy", "Bayesian")),
        strategy_config=strategy_config,
        max_jobs=limits.get("MaxNumberOfTrainingJobs"),
        max_parallel_jobs=limits.get("MaxParallelTrainingJobs", 1),
        max_runtime_seconds=limits.get("MaxRuntimeInSeconds"),
        early_stopping_type=json_string(tuning.get("TrainingJobEarlyStoppingType", "Off"),
                                    f"{_CONFIG}.TrainingJobEarlyStoppingType"),
        early_stopping_grace_period=(None if TAG_GRACE_PERIOD not in tags else
                                     _whole(tags[TAG_GRACE_PERIOD], f"Tags[{TAG_GRACE_PERIOD}]")),
        random_seed=tuning.get("RandomSeed"),
        name=root.get("HyperParameterTuningJobName"),
        completion_criteria=completion,
        warm_start_config=warm_start,
        exclude_columns=[name.strip() for name in tags.get(TAG_EXCLUDE_COLUMNS, "").split(",") if name.strip()],
        test_split_fraction=None if TAG_TEST_SPLIT_FRACTION not in tags else _number_or_text(tags[TAG_TEST_SPLIT_FRACTION]),
        pause_between_jobs_seconds=None if TAG_PAUSE not in tags else _number_or_text(tags[TAG_PAUSE]),
        training_job_max_runtime_seconds=stopping_condition_from_aws(definition.get("StoppingCondition"),
                                                                     f"{_DEFINITION}.StoppingCondition"),
        recorded_definition_fields={**{key: definition[key] for key in RECORDED_DEFINITION_FIELDS  # placeholders:
                                       if key in definition and definition[key] != PLACEHOLDERS.get(key)
                                       and key != "StoppingCondition"},  # not recorded; StoppingCondition: its rest
                                    **stopping_condition_rest(definition.get("StoppingCondition"))},
        autotune=autotune,
        tags={key: text for key, text in tags.items() if not key.startswith(TUNELAB_PREFIX)},  # the user's own
    )
    _check_limits(config)
    check_grid_ranges(config.strategy, config.resolved_ranges(), numeric_grid_tag(tags), defaulted=ranges is None)
    return config


_JSON_PATHS = {
    "max_jobs": f"{_CONFIG}.ResourceLimits.MaxNumberOfTrainingJobs",
    "max_parallel_jobs": f"{_CONFIG}.ResourceLimits.MaxParallelTrainingJobs",
    "max_runtime_seconds": f"{_CONFIG}.ResourceLimits.MaxRuntimeInSeconds",
    "early_stopping_type": f"{_CONFIG}.TrainingJobEarlyStoppingType",
    "early_stopping_grace_period": f"Tags[{TAG_GRACE_PERIOD}]",
    "random_seed": f"{_CONFIG}.RandomSeed",
    "validation_fraction": f"Tags[{TAG_VALIDATION_FRACTION}]",
    "name": "HyperParameterTuningJobName",
    "strategy_config": f"{_CONFIG}.StrategyConfig",
    "exclude_columns": f"Tags[{TAG_EXCLUDE_COLUMNS}]",
    "test_split_fraction": f"Tags[{TAG_TEST_SPLIT_FRACTION}]",
    "pause_between_jobs_seconds": f"Tags[{TAG_PAUSE}]",
    "training_job_max_runtime_seconds": f"{_DEFINITION}.StoppingCondition.MaxRuntimeInSeconds",
}


"""The gate's field names (``ValidationError.field``) as paths in AWS's request; see
:func:`tuning.errors.at_field`."""


def _check_limits(config: TuningJobConfig) -> None:
    """The engine's own data-free checks, their messages moved onto AWS's JSON paths."""
    try:
        config.check_limits()
    except ValidationError as error:
        raise at_field(error, _JSON_PATHS) from None


def _prefixed(read: Any, value: Any, prefix: str) -> Any:
    try:
        return read(value)
    except ValidationError as error:
        raise ValidationError(f"{prefix}{error}") from None


def _read_tags(value: Any) -> dict[str, str]:
    """Every tag (AWS's rules: tuning.job.user_tags); a ``tunelab:`` key must be one of TuneLab's."""
    tags = read_tags(value, tunelab_keys=True)
    for position, key in enumerate(tags):
        if key.startswith(TUNELAB_PREFIX) and key not in _TAGS:
            raise ValidationError(f"Tags[{position}].Key: unknown TuneLab tag {key!r}; TuneLab's tags are "
                                  f"{', '.join(_TAGS)}.")
    return tags


def _read_algorithm(value: Any) -> str:
    where = f"{_DEFINITION}.AlgorithmSpecification"
    spec = json_object(value, where)
    if "AlgorithmName" in spec:
        raise ValidationError(f"{where}.AlgorithmName: TuneLab has no AWS Marketplace algorithms; give a "
                              f"TrainingImage such as {training_image('xgboost')!r}.")
    refuse_unknown_fields(spec, {"TrainingImage", "TrainingInputMode", "MetricDefinitions"}, f"{where}.")
    image = json_string(_required(spec, "TrainingImage", f"{where}."), f"{where}.TrainingImage")
    mode = spec.get("TrainingInputMode", "File")
    if mode not in ("File", "Pipe", "FastFile"):
        raise ValidationError(f"{where}.TrainingInputMode: must be File, Pipe or FastFile, but got {mode!r}.")
    algorithms = list_algorithms()
    repository = image_repository(image)
    for algorithm in algorithms:
        names = (algorithm.name,) if image.startswith("tunelab/") else algorithm.image_repositories()
        if repository in names:
            return algorithm.name
    # AWS's images first: the ones a SageMaker user knows
    known = ", ".join([a.training_image() for a in algorithms if a.aws_image]
                      + [a.training_image() for a in algorithms if not a.aws_image])
    raise ValidationError(f"{where}.TrainingImage: {image!r} is not an algorithm TuneLab has; use one of {known} "
                          "(any region, account or tag of AWS's images).")


def _read_strategy_config(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    where = f"{_CONFIG}.StrategyConfig"
    refuse_unknown_fields(json_object(value, where), {"HyperbandStrategyConfig"}, f"{where}.")
    hyperband = json_object(value.get("HyperbandStrategyConfig", {}), f"{where}.HyperbandStrategyConfig")
    refuse_unknown_fields(hyperband, {"MinResource", "MaxResource"}, f"{where}.HyperbandStrategyConfig.")
    return {key: _whole(hyperband[key], f"{where}.HyperbandStrategyConfig.{key}")
            for key in ("MinResource", "MaxResource") if key in hyperband}


def _read_objective(value: Any) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    where = f"{_CONFIG}.HyperParameterTuningJobObjective"
    objective = json_object(value, where)
    refuse_unknown_fields(objective, {"Type", "MetricName"}, f"{where}.")
    metric = json_string(_required(objective, "MetricName", f"{where}."), f"{where}.MetricName")
    kind = objective.get("Type")
    if kind is not None and kind not in ("Maximize", "Minimize"):
        raise ValidationError(f"{where}.Type: must be \"Maximize\" or \"Minimize\", but got {kind!r}.")
    return metric, kind


def _read_ranges(value: Any, algorithm_name: str) -> dict[str, Parameter]:
    algorithm = get_algorithm(algorithm_name)
    specs = algorithm.hyperparameters
    groups = json_object(value, _RANGES)
    refuse_unknown_fields(groups, {*RANGE_KINDS, "AutoParameters"}, f"{_RANGES}.")  # AutoParameters: read_autotune
    ranges: dict[str, Parameter] = {}
    for kind, cls in RANGE_KINDS.items():
        entries = groups.get(kind, [])
        if not isinstance(entries, list):
            raise ValidationError(f"{_RANGES}.{kind}: must be a list, but got {entries!r}.")
        for position, entry in enumerate(entries):
            where = f"{_RANGES}.{kind}[{position}]"
            entry = json_object(entry, where)
            categorical = cls is CategoricalParameter
            fields = {"Name", "Values"} if categorical else {"Name", "MinValue", "MaxValue", "ScalingType"}
            refuse_unknown_fields(entry, fields, f"{where}.")
            written = json_string(_required(entry, "Name", f"{where}."), f"{where}.Name")
            name = algorithm.hyperparameter_aliases.get(written, written)  # learning_rate is eta, as in the container
            if name in ranges:
                again = "" if name == written else f" ({written!r} is another name for {name!r})"
                raise ValidationError(f"{where}.Name: {name!r} has a range already{again}; give each hyperparameter "
                                      "one range.")
            if categorical:
                values = _required(entry, "Values", f"{where}.")
                if not isinstance(values, list):
                    raise ValidationError(f"{where}.Values: must be a list of strings, but got {values!r}.")
                arguments: tuple[Any, ...] = ([_from_string(v, specs.get(name), f"{where}.Values[{i}]")
                                               for i, v in enumerate(values)],)
            else:
                integer = cls is IntegerParameter
                for bound in ("MinValue", "MaxValue"):  # AWS's bounds are strings ("0.1"): a number is refused
                    check_bound_string(_required(entry, bound, f"{where}."), f"{where}.{bound}")
                low = _number(entry["MinValue"], f"{where}.MinValue", integer=integer)
                high = _number(entry["MaxValue"], f"{where}.MaxValue", integer=integer)
                arguments = (low, high, entry.get("ScalingType", "Auto"))
            try:  # the range's own rules (min below max, a known ScalingType...) and its valid domain, at this entry
                ranges[name] = cls(*arguments)
                if name in specs:  # an unknown name is the gate's to refuse, listing the known ones
                    check_range(algorithm, name, ranges[name])
            except ValidationError as error:
                raise ValidationError(f"{where}: {error}", field=name) from None
    return ranges


def _read_statics(value: Any, specs: Mapping[str, Any], algorithm: str) -> dict[str, Any]:
    where = f"{_DEFINITION}.StaticHyperParameters"
    statics = json_object(value, where)
    check_static_strings(statics)  # AWS's JSON writes every static value as a string
    gate = get_algorithm(algorithm)  # the gate set_hyperparameters uses too: the two doors agree
    statics = gate.canonical_names(statics, where=where)  # an alias under its hyperparameter's name
    read = {name: gate.static_value(name, text, where=f"{where}.{name}") for name, text in statics.items()}
    return {name: typed for name, typed in read.items() if name not in gate.derived_from_data}


def _from_string(value: Any, spec: Any, where: str) -> Any:
    """A value from AWS's string form, typed by the hyperparameter's catalogue entry."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValidationError(f"{where}: must be a string such as \"0.1\" or \"gbtree\", but got {value!r}.")
    text = value if isinstance(value, str) else to_aws_string(value)
    if spec is not None and spec.choices is not None:
        for choice in spec.choices:
            if to_aws_string(choice) == text:
                return choice
        return text  # the engine refuses it, naming the choices
    if spec is not None:
        return _number(value, where, integer=spec.integer)
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _number(value: Any, where: str, *, integer: bool) -> int | float:
    """A range bound or numeric value: a string holding a number (or, leniently, a number)."""
    example = '"1"' if integer else '"0.1"'
    what = "a whole number" if integer else "a number"
    number: float | None = None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an integer of hundreds of digits
            number = math.inf
    written = str(value).strip().lstrip("+-").lower()
    if number is not None and math.isinf(number) and written not in ("inf", "infinity"):
        shown = written if len(written) <= 24 else f"a number of {len(written):,} characters"
        raise ValidationError(
            f"{where}: {shown} is a number, but too large for any computer's floating point (beyond "
            f"about 1.8e308), so it overflows; give a bound a model can use, such as {example}."
        )
    if number is None or not math.isfinite(number) or (integer and not number.is_integer()):
        raise ValidationError(f"{where}: must be a string holding {what}, such as {example}, but got {value!r}.")
    if integer:
        return int(value) if isinstance(value, int) else int(number)
    return number


def _number_or_text(text: str) -> float | str:
    """A tag's number, or its text as it is: the gate then refuses it in its own words."""
    try:
        return float(text.strip())
    except ValueError:
        return text


def _whole(value: Any, where: str) -> int:
    return int(_number(value, where, integer=True))


def _read_channels(value: Any) -> tuple[Any, Any]:
    where = f"{_DEFINITION}.InputDataConfig"
    if not isinstance(value, list) or not value:
        raise ValidationError(f'{where}: must be a list of channels, with a "train" one at least, but got {value!r}.')
    channels: dict[str, Any] = {}
    for position, channel in enumerate(value):
        at = f"{where}[{position}]"
        channel = json_object(channel, at)
        refuse_unknown_fields(channel, _CHANNEL_FIELDS, f"{at}.")
        name = _required(channel, "ChannelName", f"{at}.")
        if name not in ("train", "validation"):
            raise ValidationError(f"{at}.ChannelName: TuneLab reads the channels \"train\" and \"validation\", "
                                  f"but got {name!r}.")
        if name in channels:
            raise ValidationError(f"{at}.ChannelName: the {name!r} channel is given twice.")
        content = channel.get("ContentType", "text/csv")
        libsvm = is_libsvm_content_type(content)
        if not libsvm and (not isinstance(content, str)
                           or content.split(";")[0].strip().lower() not in ("text/csv", "csv")):
            raise ValidationError(f"{at}.ContentType: TuneLab reads \"text/csv\" and, for XGBoost, \"text/libsvm\", "
                                  f"but got {content!r}.")
        source = json_object(_required(channel, "DataSource", f"{at}."), f"{at}.DataSource")
        refuse_unknown_fields(source, {"S3DataSource"}, f"{at}.DataSource.")
        s3 = json_object(_required(source, "S3DataSource", f"{at}.DataSource."), f"{at}.DataSource.S3DataSource")
        refuse_unknown_fields(s3, _S3_FIELDS, f"{at}.DataSource.S3DataSource.")
        uri = json_string(_required(s3, "S3Uri", f"{at}.DataSource.S3DataSource."), f"{at}.DataSource.S3DataSource.S3Uri")
        check_s3_data_type(s3.get("S3DataType", "S3Prefix"), f"{at}.DataSource.S3DataSource.S3DataType")
        channels[name] = _dataset_from_uri(uri, f"{at}.DataSource.S3DataSource.S3Uri")
        if libsvm:
            if not isinstance(channels[name], Path):
                raise ValidationError(f"{at}.ContentType: a bundled or uploaded dataset is read as CSV; give "
                                      "\"text/csv\", or a file:// URI of a libsvm file.")
            channels[name] = LibsvmChannel(channels[name])
    if "train" not in channels:
        raise ValidationError(f'{where}: a channel with ChannelName "train" is required.')
    return channels["train"], channels.get("validation")


def _dataset_from_uri(uri: str, where: str) -> Any:
    if uri.startswith(_DATASET_PREFIX) and len(uri) > len(_DATASET_PREFIX):
        name = unquote(uri[len(_DATASET_PREFIX):])
        if any(mark in name for mark in ("/", "\\", "..")) or name.lower().endswith(".csv"):
            raise ValidationError(  # a name is looked up, never turned into a path
                f"{where}: {uri!r} names a dataset by a path; after tunelab://dataset/ give the name of a bundled "
                "or uploaded dataset (such as tunelab://dataset/iris), or use file:///path/to/data.csv for a CSV file."
            )
        return name
    if uri.startswith("file://"):
        return Path(unquote(uri[len("file://"):]))
    if uri.startswith("file:") and len(uri) > len("file:"):
        return Path(unquote(uri[len("file:"):]))
    raise ValidationError(
        f"{where}: TuneLab reads local data, so use \"tunelab://dataset/<name>\" for a bundled or uploaded "
        f"dataset (such as \"tunelab://dataset/iris\") or \"file:///path/to/data.csv\" for a CSV file, "
        f"but got {uri!r}."
    )


# -- small readers -----------------------------------------------------------------------------
def _required(data: Mapping[str, Any], key: str, prefix: str) -> Any:
    if key not in data:
        raise ValidationError(f"{prefix}{key}: required, but missing.")
    return data[key]


