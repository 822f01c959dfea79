"""AWS's CreateHyperParameterTuningJob request with ``TrainingJobDefinitions``, read and written.

::

    {"HyperParameterTuningJobName": "bc-multi",
     "HyperParameterTuningJobConfig": {"Strategy": "Bayesian", "ResourceLimits": {
         "MaxNumberOfTrainingJobs": 4, "MaxParallelTrainingJobs": 2}, ...},
     "TrainingJobDefinitions": [
       {"DefinitionName": "xgboost",
        "TuningObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
        "HyperParameterRanges": {"ContinuousParameterRanges": [...]},
        "AlgorithmSpecification": {...}, "StaticHyperParameters": {...}, "InputDataConfig": [...], ...},
       {"DefinitionName": "linear", ...}]}

Each definition is read by the one-definition reader
(:func:`tuning.sagemaker.request_json.from_sagemaker_request`) as the request it stands for:
its TuningObjective as HyperParameterTuningJobObjective, its HyperParameterRanges as
ParameterRanges, beside the shared HyperParameterTuningJobConfig and Tags. So every rule of
the one-definition path holds here too, and its errors are moved onto the definition's own
path (``TrainingJobDefinitions[1].HyperParameterRanges.IntegerParameterRanges[0].MinValue: ...``).
Then the group's gate (:meth:`tuning.job.definitions.TrainingJobDefinitionsConfig.check`).

AWS's rules kept: 1 to 10 definitions; with TrainingJobDefinitions, ranges belong to each
definition (a ParameterRanges in HyperParameterTuningJobConfig is refused, pointing at
HyperParameterRanges); one objective type for all. A HyperParameterTuningJobObjective in
HyperParameterTuningJobConfig is taken as the TuningObjective of every definition that gives
none (written back in each definition). A DefinitionName left out is ``definition-1``, ...
(written back). WarmStartConfig and Autotune with several definitions are refused (not built).

Writing (:func:`to_definitions_request`) is each member's one-definition request taken apart
again, so ``from_definitions_request(to_definitions_request(g))`` gives back ``g``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tuning.errors import ValidationError
from tuning.job.config import TuningJobConfig
from tuning.job.definitions import DEFINITIONS, TrainingJobDefinitionsConfig, Words
from tuning.json_input import json_object
from tuning.sagemaker.request_json import from_sagemaker_request, to_sagemaker_request
from tuning.sagemaker.request_rules import TAG_NUMERIC_GRID

__all__ = ["aws_words", "from_definitions_request", "is_definitions_request", "read_any_tuning_job_json",
           "to_definitions_request"]

_CONFIG = "HyperParameterTuningJobConfig"
_OBJECTIVE = "HyperParameterTuningJobObjective"
_LIMITS = f"{_CONFIG}.ResourceLimits"
_AWS_SHARED = {"strategy": f"{_CONFIG}.Strategy", "strategy_config": f"{_CONFIG}.StrategyConfig",
               "max_jobs": f"{_LIMITS}.MaxNumberOfTrainingJobs", "max_parallel_jobs": f"{_LIMITS}.MaxParallelTrainingJobs",
               "max_runtime_seconds": f"{_LIMITS}.MaxRuntimeInSeconds", "random_seed": f"{_CONFIG}.RandomSeed",
               "early_stopping_type": f"{_CONFIG}.TrainingJobEarlyStoppingType",
               "completion_criteria": f"{_CONFIG}.TuningJobCompletionCriteria",
               "warm_start_config": "WarmStartConfig", "autotune": "Autotune"}


def is_definitions_request(data: Any) -> bool:
    """True for a request (AWS's or TuneLab's shape) with TrainingJobDefinitions."""
    return isinstance(data, Mapping) and DEFINITIONS in data and "Dataset" not in data


def read_any_tuning_job_json(data: Any) -> TuningJobConfig | TrainingJobDefinitionsConfig:
    """Any shape: one definition (AWS's or TuneLab's, :func:`~tuning.sagemaker.request_json.read_tuning_job_json`)
    or several (AWS's request here, or TuneLab's :meth:`TrainingJobDefinitionsConfig.from_dict`)."""
    from tuning.sagemaker.request_json import read_tuning_job_json

    if not is_definitions_request(data):
        return read_tuning_job_json(data)
    if _CONFIG in data:
        return from_definitions_request(data)
    return TrainingJobDefinitionsConfig.from_dict(data)


def aws_words(names: list[str]) -> Words:
    """The group gate's fields as paths in AWS's request."""
    def words(index: int | None, what: str) -> str:
        at = f"{DEFINITIONS}[{index if index is not None else 0}]"
        if what == "list":
            return DEFINITIONS
        if what == "budget":
            return _AWS_SHARED["max_jobs"]
        if what == "parallel":
            return _AWS_SHARED["max_parallel_jobs"]
        if what == "name":
            return f"{at}.DefinitionName"
        if what == "objective":
            return f"{at}.TuningObjective.Type"
        return _AWS_SHARED.get(what.removeprefix("shared:"), at)
    return words


def _moved(error: ValidationError, index: int) -> ValidationError:
    """A one-definition error on the definition's own path."""
    at = f"{DEFINITIONS}[{index}]"
    text = (str(error).replace(f"{_CONFIG}.ParameterRanges", f"{at}.HyperParameterRanges")
            .replace(f"{_CONFIG}.{_OBJECTIVE}", f"{at}.TuningObjective")
            .replace("TrainingJobDefinition.", f"{at}."))
    return ValidationError(text, field=error.field)


def from_definitions_request(data: Any) -> TrainingJobDefinitionsConfig:
    """Read a request with TrainingJobDefinitions; every error quotes the JSON path."""
    root = json_object(data, "the request")
    if "TrainingJobDefinition" in root:
        raise ValidationError(f"TrainingJobDefinition: give either TrainingJobDefinition (one definition) or "
                              f"{DEFINITIONS} (several), not both.")
    for field_name in ("WarmStartConfig", "Autotune"):
        if root.get(field_name) is not None:
            raise ValidationError(f"{field_name}: {field_name} with several training job definitions is not built in "
                                  "TuneLab; tune each definition as a tuning job of its own to use it.")
    items = root.get(DEFINITIONS)
    if not isinstance(items, list) or not items:
        raise ValidationError(f"{DEFINITIONS}: must be a list of 1 to 10 training job definitions, but got {items!r:.100}.")
    if len(items) > 10:
        raise ValidationError(f"{DEFINITIONS}: AWS takes 1 to 10 training job definitions, but got {len(items)}.")
    tuning = dict(json_object(root.get(_CONFIG, {}), _CONFIG))
    if "ParameterRanges" in tuning:
        raise ValidationError(f"{_CONFIG}.ParameterRanges: with {DEFINITIONS}, each definition has its own ranges: "
                              f"move them to {DEFINITIONS}[i].HyperParameterRanges.")
    shared_objective = tuning.pop(_OBJECTIVE, None)
    definitions: dict[str, TuningJobConfig] = {}
    for index, item in enumerate(items):
        at = f"{DEFINITIONS}[{index}]"
        item = dict(json_object(item, at))
        name = item.pop("DefinitionName", f"definition-{index + 1}")
        if not isinstance(name, str):
            raise ValidationError(f"{at}.DefinitionName: must be a name such as \"xgboost\", but got {name!r}.")
        if name in definitions:
            raise ValidationError(f"{at}.DefinitionName: {name!r} is given twice; give each definition its own "
                                  "DefinitionName.")
        objective = item.pop("TuningObjective", shared_objective)
        ranges = item.pop("HyperParameterRanges", None)
        one = {**{k: v for k, v in root.items() if k != DEFINITIONS},
               _CONFIG: {**tuning, **({_OBJECTIVE: objective} if objective is not None else {}),
                         **({"ParameterRanges": ranges} if ranges is not None else {})},
               "TrainingJobDefinition": item}
        try:
            definitions[name] = from_sagemaker_request(one)
        except ValidationError as error:
            raise _moved(error, index) from None
    config = TrainingJobDefinitionsConfig(name=root.get("HyperParameterTuningJobName"), definitions=definitions)
    config.check(aws_words(list(definitions)))
    return config


def to_definitions_request(config: TrainingJobDefinitionsConfig) -> dict[str, Any]:
    """The CreateHyperParameterTuningJob request with TrainingJobDefinitions for ``config``."""
    request: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    tags: dict[str, str] = {}
    shared: dict[str, Any] | None = None
    for definition, member in config.definitions.items():
        one = to_sagemaker_request(member.replace(name=config.name))
        tuning = dict(one["HyperParameterTuningJobConfig"])
        item: dict[str, Any] = {"DefinitionName": definition}
        if _OBJECTIVE in tuning:
            item["TuningObjective"] = tuning.pop(_OBJECTIVE)
        if "ParameterRanges" in tuning:
            item["HyperParameterRanges"] = tuning.pop("ParameterRanges")
        items.append({**item, **one["TrainingJobDefinition"]})
        shared = tuning if shared is None else shared
        for tag in one.get("Tags", []):
            key, value = tag["Key"], tag["Value"]
            if key == TAG_NUMERIC_GRID:  # one definition's numeric grid asks for it; the others do not mind
                tags[key] = "true"
            elif tags.setdefault(key, value) != value:
                raise ValidationError(
                    f"the definitions differ in the tag {key} ({tags[key]!r} and {value!r}), which AWS's request "
                    "holds once for the whole tuning job; export it in TuneLab's JSON (--format tunelab) instead.")
    if config.name is not None:
        request["HyperParameterTuningJobName"] = config.name
    request[_CONFIG] = shared or {}
    request[DEFINITIONS] = items
    if tags:
        request["Tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
    return request
