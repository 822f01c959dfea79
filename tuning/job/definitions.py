"""Several training job definitions in one tuning job (AWS's ``TrainingJobDefinitions``), checked by one gate.

AMT's CreateHyperParameterTuningJob takes up to 10 training job definitions instead of one
``TrainingJobDefinition``: each with its DefinitionName, algorithm, ranges, static
hyperparameters, TuningObjective and channels, all under one HyperParameterTuningJobConfig
(strategy, ResourceLimits, early stopping, seed). The SDK's ``HyperparameterTuner.create(
estimator_dict=...)`` writes it. :class:`TrainingJobDefinitionsConfig` is that request in
TuneLab: one :class:`~tuning.job.config.TuningJobConfig` per definition, each carrying the
shared settings (the whole budget), and :meth:`TrainingJobDefinitionsConfig.check` the one gate
both doors (AWS's JSON, :mod:`tuning.sagemaker.definitions_json`, and the SDK's ``create``,
:mod:`tuning.sagemaker.definitions_tuner`) pass through, each naming fields in its own words.

Why the definitions run as a stored group of member tuning jobs (``<name>-<definition>``),
and not as one tuning job whose strategy searches a joint space (a categorical "definition"
plus each definition's ranges): every part of TuneLab (the runner, each strategy, resume,
Hyperband's brackets, early stopping's median rule, the store's one-algorithm record, the
model on disk, every page) assumes one algorithm and one range set per tuning job. A joint
space would touch all of them; a group touches none. The price, said in the README: AMT's
Bayesian search may move budget towards the definition that does better, while here
MaxNumberOfTrainingJobs is shared out evenly up front (:func:`split_budget`), and each member
searches its own space with its own copy of the strategy. What users see is AMT's: one name,
one budget, one best training job across the definitions, reported with its
TrainingJobDefinitionName (:mod:`tuning.running.definitions_group`).

The group is recorded in each member's ``RunRecord`` under :data:`DEFINITIONS`:
``{"Name": group, "DefinitionName": "xgb", "Group": <the group's TuneLab JSON>}``, so that any
member gives back the whole request (export, resume of members not yet started).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tuning.errors import ValidationError
from tuning.job.config import TuningJobConfig, check_tuning_job_name

__all__ = [
    "DEFINITIONS",
    "MAX_DEFINITIONS",
    "TrainingJobDefinitionsConfig",
    "member_name",
    "python_words",
    "split_budget",
]

DEFINITIONS = "TrainingJobDefinitions"
"""The RunRecord key that marks a member of a group: see the module docstring."""
MAX_DEFINITIONS = 10
"""AWS's limit: TrainingJobDefinitions holds 1 to 10 items (API_CreateHyperParameterTuningJob)."""
_DEFINITION_NAME = re.compile(r"^[a-zA-Z0-9](-*_*[a-zA-Z0-9])*$")
_SHARED = ("strategy", "strategy_config", "max_jobs", "max_parallel_jobs", "max_runtime_seconds",
           "early_stopping_type", "early_stopping_grace_period", "random_seed", "completion_criteria",
           "pause_between_jobs_seconds")
"""The settings of HyperParameterTuningJobConfig: one value for the whole tuning job."""

Words = Callable[[int | None, str], str]
"""How a layer names a field: ``words(index, what)``, ``what`` one of ``list``, ``name``,
``objective``, ``budget``, ``parallel``, ``shared:<field>``; ``index`` the definition's position."""


def python_words(names: list[str]) -> Words:
    """The gate's own words, the SDK's argument names: ``estimator_dict['ll']``, ``max_jobs``."""
    def words(index: int | None, what: str) -> str:
        if what == "budget":
            return "max_jobs (MaxNumberOfTrainingJobs)"
        if what == "parallel":
            return "max_parallel_jobs (MaxParallelTrainingJobs)"
        if what == "list":
            return "estimator_dict"
        key = f"estimator_dict[{names[index]!r}]" if index is not None and index < len(names) else "estimator_dict"
        return {"name": f"{key} (its name)", "objective": f"{key}: objective_type"}.get(
            what, f"{key}: {what.removeprefix('shared:')}")
    return words


def split_budget(total: int, count: int) -> list[int]:
    """``total`` shared out over ``count`` members as evenly as whole numbers allow, the first ones
    taking the remainder: 10 over 3 is ``[4, 3, 3]``."""
    base, extra = divmod(total, count)
    return [base + (1 if position < extra else 0) for position in range(count)]


def member_name(group: str, definition: str) -> str:
    """The member tuning job of ``definition``: ``<group>-<definition>``, underscores as hyphens
    (tuning job names take letters, digits and hyphens only)."""
    return f"{group}-{definition.replace('_', '-')}"


@dataclass
class TrainingJobDefinitionsConfig:
    """A tuning job over several training job definitions; see the module docstring.

    ``definitions`` maps each DefinitionName to its configuration (in order); each carries the
    shared settings (strategy, the whole MaxNumberOfTrainingJobs and MaxParallelTrainingJobs,
    early stopping, seed), which must agree. ``name`` is the group's tuning job name.
    """

    name: str | None
    definitions: Mapping[str, TuningJobConfig] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Each objective type said outright where the metric gives it, so that a type left to the
        metric and one written out compare (and write back) the same."""
        if isinstance(self.definitions, Mapping):
            self.definitions = {
                name: (config.replace(objective_type=self.objective_type(config))
                       if isinstance(config, TuningJobConfig) and config.objective_type is None
                       and self.objective_type(config) is not None else config)
                for name, config in self.definitions.items()}

    @property
    def first(self) -> TuningJobConfig:
        return next(iter(self.definitions.values()))

    @property
    def max_jobs(self) -> int:
        return int(self.first.max_jobs or 0)

    @property
    def max_parallel_jobs(self) -> int:
        return int(self.first.max_parallel_jobs)

    def check(self, words: Words | None = None) -> None:
        """The gate: the rules of several definitions (AWS's, and the group's own), data-free.

        Each definition's own rules are :meth:`TuningJobConfig.check_limits`; here, what only
        a group has: 1 to 10 definitions with distinct names, one objective type for all (AWS:
        every TuningObjective's Type the same), the shared settings the same, a member name
        that is a valid tuning job name, and a budget of at least one training job (and one
        parallel slot in turn) per definition.
        """
        names = list(self.definitions)
        words = words or python_words(names)
        if not isinstance(self.definitions, Mapping) or not 1 <= len(names) <= MAX_DEFINITIONS:
            raise ValidationError(f"{words(None, 'list')}: give 1 to {MAX_DEFINITIONS} training job definitions "
                                  f"(AWS's limit), but got {len(names)}.")
        if self.name is not None:
            check_tuning_job_name(self.name)
        seen: dict[str, int] = {}
        for index, definition in enumerate(names):
            if not isinstance(definition, str) or not 1 <= len(definition) <= 64 or not _DEFINITION_NAME.match(definition):
                raise ValidationError(f"{words(index, 'name')}: {definition!r} is not a valid DefinitionName: use 1 to "
                                      "64 letters, digits, hyphens and underscores, starting and ending with a letter "
                                      "or digit, such as 'xgboost'.")
            key = definition.replace("_", "-").lower()
            if key in seen:
                raise ValidationError(f"{words(index, 'name')}: {definition!r} is the name of definition "
                                      f"{seen[key]} too; give each definition its own DefinitionName.")
            seen[key] = index
            if self.name is not None:
                member = member_name(self.name, definition)
                if len(member) > 32:
                    raise ValidationError(
                        f"{words(index, 'name')}: TuneLab runs each definition as a tuning job named "
                        f"<tuning job name>-<DefinitionName>, and {member!r} is {len(member)} characters, over AMT's "
                        "32 for a tuning job name. Shorten the tuning job name or the DefinitionName.")
        self._check_shared(words)
        self._check_objective_types(words)
        count = len(names)
        if self.first.max_jobs is None or self.max_jobs < count:
            raise ValidationError(f"{words(None, 'budget')}: {self.first.max_jobs!r} training jobs cannot be shared "
                                  f"out over {count} definitions: TuneLab gives each definition its share of the "
                                  f"budget, at least one, so give {count} or more.")

    def _check_shared(self, words: Words) -> None:
        first = self.first
        for index, (definition, config) in enumerate(self.definitions.items()):
            if not isinstance(config, TuningJobConfig):
                raise ValidationError(f"{words(index, 'name')}: must be a TuningJobConfig, but got "
                                      f"{type(config).__name__}.")
            for name in _SHARED:
                if getattr(config, name) != getattr(first, name):
                    raise ValidationError(
                        f"{words(index, 'shared:' + name)}: {getattr(config, name)!r} differs from the first "
                        f"definition's {getattr(first, name)!r}; it is a setting of the whole tuning job "
                        "(HyperParameterTuningJobConfig), the same for every definition.")
            if config.warm_start_config is not None or config.autotune is not None:
                what = "WarmStartConfig" if config.warm_start_config is not None else "Autotune"
                raise ValidationError(
                    f"{words(index, 'shared:' + ('warm_start_config' if what == 'WarmStartConfig' else 'autotune'))}: "
                    f"{what} with several training job definitions is not built in TuneLab; tune each "
                    "definition as a tuning job of its own to use it.")

    def _check_objective_types(self, words: Words) -> None:
        """AWS: the TuningObjective Type is the same for every definition. A type left to the metric
        is the metric's direction; one left to the data (no metric named) is checked once prepared."""
        types = {index: self.objective_type(config) for index, config in enumerate(self.definitions.values())}
        known = {index: kind for index, kind in types.items() if kind is not None}
        if not known:
            return
        first_index, first_type = next(iter(known.items()))
        for index, kind in known.items():
            if kind != first_type:
                raise ValidationError(
                    f"{words(index, 'objective')}: {kind!r}, but definition {first_index} is {first_type!r}. AWS "
                    "requires one objective type (Maximize or Minimize) for every training job definition, so the "
                    "best training job across them means something: choose metrics that go the same way (such as "
                    "validation:accuracy with validation:f1).")

    @staticmethod
    def objective_type(config: TuningJobConfig) -> str | None:
        """The definition's objective type, ``None`` while it waits for the data (no metric named)."""
        if config.objective_type is not None:
            return config.objective_type.strip().capitalize()
        if config.objective_metric_name is None:
            return None
        from tuning.metrics import get_metric

        try:
            return get_metric(config.objective_metric_name).direction
        except ValidationError:
            return None  # an unknown metric: the definition's own gate names it

    def members(self) -> list[tuple[str, TuningJobConfig]]:
        """Each definition's member tuning job: its name, its share of the budget and of the parallel
        slots (one each when there are fewer slots than definitions: they then take turns)."""
        count = len(self.definitions)
        jobs = split_budget(self.max_jobs, count)
        parallel = (split_budget(self.max_parallel_jobs, count) if self.max_parallel_jobs >= count
                    else [1] * count)
        return [(definition, config.replace(name=None if self.name is None else member_name(self.name, definition),
                                            max_jobs=jobs[index], max_parallel_jobs=parallel[index]))
                for index, (definition, config) in enumerate(self.definitions.items())]

    @property
    def slots(self) -> int:
        """How many members run at once: all of them, or MaxParallelTrainingJobs when that is fewer."""
        return min(len(self.definitions), self.max_parallel_jobs)

    # -- TuneLab's JSON ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """``{"TuningJobName": ..., "TrainingJobDefinitions": [{"DefinitionName": ..., <TuneLab's JSON>}]}``."""
        data: dict[str, Any] = {}
        if self.name is not None:
            data["TuningJobName"] = self.name
        data[DEFINITIONS] = [{"DefinitionName": definition,
                              **{k: v for k, v in config.to_dict().items() if k != "TuningJobName"}}
                             for definition, config in self.definitions.items()]
        return data

    @classmethod
    def from_dict(cls, data: Any) -> TrainingJobDefinitionsConfig:
        """Read :meth:`to_dict`'s form; errors quote the JSON path (``TrainingJobDefinitions[1].Objective``)."""
        if not isinstance(data, Mapping):
            raise ValidationError(f"the configuration must be a JSON object, but got {type(data).__name__}.")
        unknown = sorted(set(data) - {"TuningJobName", DEFINITIONS, "RunRecord"})
        if unknown:
            raise ValidationError(f"{unknown[0]}: unknown field; with {DEFINITIONS}, the top level takes "
                                  "TuningJobName only, and every other setting goes in each definition.")
        items = data.get(DEFINITIONS)
        if not isinstance(items, list):
            raise ValidationError(f"{DEFINITIONS}: must be a list of definitions, but got {items!r:.100}.")
        definitions: dict[str, TuningJobConfig] = {}
        for index, item in enumerate(items):
            where = f"{DEFINITIONS}[{index}]"
            if not isinstance(item, Mapping) or not isinstance(item.get("DefinitionName"), str):
                raise ValidationError(f"{where}.DefinitionName: required, a name such as \"xgboost\".")
            name = item["DefinitionName"]
            if name in definitions:
                raise ValidationError(f"{where}.DefinitionName: {name!r} is given twice; give each definition "
                                      "its own DefinitionName.")
            try:
                definitions[name] = TuningJobConfig.from_dict(
                    {k: v for k, v in item.items() if k != "DefinitionName"})
            except ValidationError as error:
                raise ValidationError(f"{where}.{error}", field=error.field) from None
        config = cls(name=data.get("TuningJobName"), definitions=definitions)
        config.check(tunelab_words(list(definitions)))
        return config

    def replace(self, **changes: Any) -> TrainingJobDefinitionsConfig:
        import dataclasses

        return dataclasses.replace(self, **changes)


_TUNELAB_SHARED = {"strategy": "Strategy", "strategy_config": "StrategyConfig",
                   "max_jobs": "ResourceLimits.MaxNumberOfTrainingJobs",
                   "max_parallel_jobs": "ResourceLimits.MaxParallelTrainingJobs",
                   "max_runtime_seconds": "ResourceLimits.MaxRuntimeInSeconds",
                   "early_stopping_type": "EarlyStoppingType", "early_stopping_grace_period": "EarlyStoppingGracePeriod",
                   "random_seed": "RandomSeed", "completion_criteria": "TuningJobCompletionCriteria",
                   "pause_between_jobs_seconds": "PauseBetweenJobsSeconds", "warm_start_config": "WarmStartConfig",
                   "autotune": "Autotune"}


def tunelab_words(names: list[str]) -> Words:
    """The gate's fields as paths in TuneLab's own JSON of a group."""
    def words(index: int | None, what: str) -> str:
        at = f"{DEFINITIONS}[{index}]" if index is not None else f"{DEFINITIONS}[0]"
        if what == "list":
            return DEFINITIONS
        if what in ("budget", "parallel"):
            return f"{at}.ResourceLimits.{'MaxNumberOfTrainingJobs' if what == 'budget' else 'MaxParallelTrainingJobs'}"
        if what == "name":
            return f"{at}.DefinitionName"
        if what == "objective":
            return f"{at}.Objective.Type"
        return f"{at}.{_TUNELAB_SHARED.get(what.removeprefix('shared:'), what)}"
    return words
