"""AMT's warm start: a new tuning job that learns from up to five finished ones.

A warm-started tuning job names its *parents* (``WarmStartConfig``). Before its first
training job, the parents' finished training jobs are handed to the new job's strategy
as if it had run them itself, so a Bayesian search starts from what the parents learnt
instead of from random points. At the end, the best training job of the job *and* its
parents is reported as ``OverallBestTrainingJob``, as AMT does.

AMT's rules, checked before anything runs (each refusal says which parent and why):

- 1 to 5 parents, each a tuning job in the store that has ended (Completed, Stopped,
  Failed or Interrupted; not one still running).
- The parents use the same objective metric as the new job, and the same algorithm.
- ``IdenticalDataAndAlgorithm``: the parents also used the same data (the same dataset,
  validation channel and split). ``TransferLearning``: the data may differ (new rows,
  another CSV); the results are taken as a prior all the same.
- Hyperparameters keep their type: a name tuned by a parent and by the new job must be
  Continuous, Integer or Categorical in both. Names may move between tuned and static
  (the algorithm's full set of hyperparameters stays the same), at most
  :data:`MAX_TUNABLE_TO_STATIC` of them from tuned to static, as in AMT.
- Not recursive: only the parents' *own* training jobs count, not those of the parents'
  parents (AMT's rule, so that a long chain does not drag in every job ever run).

A parent's training job informs the new job only when every hyperparameter the new job
tunes has a value in it (tuned there, or static there) that lies inside the new range;
the others are counted as skipped and said so in the job's notes. The Grid strategy
takes no warm start: its points are fixed in advance, so there is nothing to inform.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuning.errors import ValidationError
from tuning.parameters import CategoricalParameter, Parameter, parameter_from_dict
from tuning.records import TrainingJobStatus, TuningJobStatus
from tuning.strategies import strategy_class

if TYPE_CHECKING:
    from tuning.records import TuningJob
    from tuning.store.database import Store

__all__ = [
    "MAX_PARENTS",
    "MAX_TUNABLE_TO_STATIC",
    "ParentObservation",
    "WarmStart",
    "WarmStartConfig",
    "WarmStartTypes",
    "load_warm_start",
    "overall_best_training_job",
]

MAX_PARENTS = 5
"""AMT's limit on ParentHyperParameterTuningJobs."""
MAX_TUNABLE_TO_STATIC = 10
"""AMT's limit on hyperparameters that were tuned in a parent and are static now."""
_ENDED = (TuningJobStatus.COMPLETED, TuningJobStatus.STOPPED, TuningJobStatus.FAILED, TuningJobStatus.INTERRUPTED)
_WHERE = "WarmStartConfig"


class WarmStartTypes(str, enum.Enum):
    """AMT's WarmStartType values (the SageMaker Python SDK's enum of the same name)."""

    IDENTICAL_DATA_AND_ALGORITHM = "IdenticalDataAndAlgorithm"
    TRANSFER_LEARNING = "TransferLearning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class WarmStartConfig:
    """Which tuning jobs a new one starts from, and how (AMT's HyperParameterTuningJobWarmStartConfig).

    >>> WarmStartConfig(WarmStartTypes.TRANSFER_LEARNING, parents={"bank-1", "bank-2"}).to_json()
    {'ParentHyperParameterTuningJobs': [{'HyperParameterTuningJobName': 'bank-1'}, {'HyperParameterTuningJobName': 'bank-2'}], 'WarmStartType': 'TransferLearning'}
    """

    warm_start_type: WarmStartTypes | str = WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM
    parents: Iterable[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        kind = self.warm_start_type
        try:
            kind = WarmStartTypes(kind.value if isinstance(kind, WarmStartTypes) else kind)
        except ValueError:
            raise ValidationError(
                f"{_WHERE}.WarmStartType: must be 'IdenticalDataAndAlgorithm' or 'TransferLearning', "
                f"but got {self.warm_start_type!r}."
            ) from None
        object.__setattr__(self, "warm_start_type", kind)
        parents = self.parents
        if isinstance(parents, str) or not isinstance(parents, Iterable):
            raise ValidationError(
                f"{_WHERE}.ParentHyperParameterTuningJobs: give the parents' names as a list or set, "
                f"such as {{'bank-1'}}, but got {parents!r}."
            )
        names = sorted(parents) if isinstance(parents, (set, frozenset)) else list(parents)
        for name in names:
            if not isinstance(name, str) or not name:
                raise ValidationError(
                    f"{_WHERE}.ParentHyperParameterTuningJobs: each parent is a tuning job's name, but got {name!r}."
                )
        if not 1 <= len(names) <= MAX_PARENTS:
            raise ValidationError(
                f"{_WHERE}.ParentHyperParameterTuningJobs: give 1 to {MAX_PARENTS} parent tuning jobs "
                f"(AMT's limit), but got {len(names)}."
            )
        if len(set(names)) != len(names):
            raise ValidationError(f"{_WHERE}.ParentHyperParameterTuningJobs: a parent is named twice in {names}.")
        object.__setattr__(self, "parents", tuple(names))

    @property
    def type(self) -> WarmStartTypes:
        """The SageMaker SDK's attribute name for the warm start type."""
        return self.warm_start_type  # type: ignore[return-value]

    def to_json(self) -> dict[str, Any]:
        """AWS's shape: ``{"ParentHyperParameterTuningJobs": [...], "WarmStartType": ...}``."""
        return {
            "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": name} for name in self.parents],
            "WarmStartType": str(self.warm_start_type),
        }

    def to_input_req(self) -> dict[str, Any]:
        """The SDK's name for :meth:`to_json` (sagemaker/tuner.py ``WarmStartConfig.to_input_req``)."""
        return self.to_json()

    @classmethod
    def from_job_desc(cls, warm_start_config: Any) -> WarmStartConfig | None:
        """The SDK's reader of a DescribeHyperParameterTuningJob answer's WarmStartConfig: ``None``
        when it is empty or lacks WarmStartType or ParentHyperParameterTuningJobs, as in the SDK."""
        if not isinstance(warm_start_config, Mapping) or not warm_start_config or \
                not {"WarmStartType", "ParentHyperParameterTuningJobs"} <= set(warm_start_config):
            return None
        return cls.from_json(warm_start_config)

    @classmethod
    def from_json(cls, data: Any, where: str = _WHERE) -> WarmStartConfig:
        """Read AWS's shape; every error quotes the JSON path."""
        if not isinstance(data, Mapping):
            raise ValidationError(f"{where}: must be an object, but got {data!r}.")
        unknown = sorted(set(data) - {"ParentHyperParameterTuningJobs", "WarmStartType"})
        if unknown:
            raise ValidationError(f"{where}.{unknown[0]}: unknown field; it takes ParentHyperParameterTuningJobs "
                                  "and WarmStartType.")
        parents = data.get("ParentHyperParameterTuningJobs")
        if not isinstance(parents, list):
            raise ValidationError(f"{where}.ParentHyperParameterTuningJobs: required, a list such as "
                                  f'[{{"HyperParameterTuningJobName": "bank-1"}}], but got {parents!r}.')
        names = []
        for position, parent in enumerate(parents):
            if not isinstance(parent, Mapping) or set(parent) != {"HyperParameterTuningJobName"}:
                raise ValidationError(f"{where}.ParentHyperParameterTuningJobs[{position}]: must be "
                                      f'{{"HyperParameterTuningJobName": "..."}}, but got {parent!r}.')
            names.append(parent["HyperParameterTuningJobName"])
        if "WarmStartType" not in data:
            raise ValidationError(f"{where}.WarmStartType: required, 'IdenticalDataAndAlgorithm' or 'TransferLearning'.")
        try:
            return cls(data["WarmStartType"], names)
        except ValidationError as error:
            raise ValidationError(str(error).replace(_WHERE, where, 1)) from None


@dataclass(frozen=True)
class ParentObservation:
    """One parent training job as the new job's strategy sees it."""

    training_job_name: str
    hyperparameters: dict[str, Any]
    value: float | None
    stopped_at: int | None = None


@dataclass
class WarmStart:
    """What the parents give a new tuning job: observations, and notes on what was left out."""

    config: WarmStartConfig
    observations: list[ParentObservation]
    skipped: int
    notes: list[str]

    def feed(self, strategy: Any) -> None:
        """Hand every observation to ``strategy`` (its ``observe``), before its first suggestion."""
        for observation in self.observations:
            strategy.observe(observation.hyperparameters, observation.value, stopped_at=observation.stopped_at,
                             job=observation.training_job_name)


def _kind(parameter: Parameter) -> str:
    return getattr(parameter, "kind", None) or ("Categorical" if isinstance(parameter, CategoricalParameter) else "?")


def _parent_ranges(parent: TuningJob) -> dict[str, Parameter]:
    ranges = parent.config.get("HyperparameterRanges")
    if ranges is None:
        from tuning.algorithms import get_algorithm

        return get_algorithm(parent.algorithm).default_ranges()
    return {name: parameter_from_dict(name, spec) for name, spec in ranges.items()}


def _same_data(parent_config: Mapping[str, Any], child_config: Mapping[str, Any]) -> bool:
    keys = ("Dataset", "ValidationDataset", "ValidationFraction", "TestSplitFraction")  # a test split changes the rows
    if any(parent_config.get(key) != child_config.get(key) for key in keys):
        return False
    # Leaving other columns out is other data: a parent that read bank-marketing's leaky
    # duration scored far better than a child without it can.
    if set(parent_config.get("ExcludeColumns") or ()) != set(child_config.get("ExcludeColumns") or ()):
        return False
    # Without a validation channel the split depends on the seed: the same data means
    # the same split, so that objective values are comparable.
    return child_config.get("ValidationDataset") is not None or (
        (parent_config.get("RandomSeed") or 0) == (child_config.get("RandomSeed") or 0))


def load_warm_start(
    config: WarmStartConfig,
    store: Store,
    *,
    algorithm: str,
    metric_name: str,
    strategy_name: str,
    ranges: Mapping[str, Parameter],
    static: Mapping[str, Any],
    child_config: Mapping[str, Any],
    child_name: str | None = None,
) -> WarmStart:
    """Check the parents against AMT's rules and collect their training jobs' results.

    ``ranges`` and ``static`` are the new job's tuned ranges and static hyperparameters
    (resolved by the algorithm, so every name has a value); ``child_config`` its JSON form.
    """
    refusal = strategy_class(strategy_name).warm_start_refusal
    if refusal is not None:
        raise ValidationError(
            f"warm start does not apply to the {strategy_name} strategy: {refusal}. "
            "Use Bayesian (which learns from them) or Random."
        )
    observations: list[ParentObservation] = []
    skipped = 0
    notes: list[str] = []
    for parent_name in config.parents:
        if parent_name == child_name:
            raise ValidationError(f"{_WHERE}: tuning job {parent_name!r} cannot be its own parent.")
        try:
            parent = store.get_tuning_job(parent_name)
        except ValidationError as error:
            raise ValidationError(f"{_WHERE}: parent {parent_name!r} not found. {error}") from None
        if parent.status not in _ENDED:
            raise ValidationError(
                f"{_WHERE}: parent {parent_name!r} is {parent.status}; a parent must have ended (AMT's rule). "
                "Wait for it to finish, or stop it."
            )
        if parent.objective_metric_name != metric_name:
            raise ValidationError(
                f"{_WHERE}: parent {parent_name!r} optimised {parent.objective_metric_name}, this job "
                f"{metric_name}; warm start needs the same objective metric (AMT's rule)."
            )
        if parent.algorithm != algorithm:
            raise ValidationError(
                f"{_WHERE}: parent {parent_name!r} tuned {parent.algorithm}, this job {algorithm}; warm start "
                "needs the same algorithm, so that the hyperparameters mean the same."
            )
        if config.warm_start_type == WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM and not _same_data(
                parent.config, child_config):
            raise ValidationError(
                f"{_WHERE}: parent {parent_name!r} used other data (dataset {parent.config.get('Dataset')!r}, "
                f"validation {parent.config.get('ValidationDataset')!r}, fraction "
                f"{parent.config.get('ValidationFraction')!r}, seed {parent.config.get('RandomSeed')!r}, "
                f"columns left out: {', '.join(parent.config.get('ExcludeColumns') or []) or 'none'}) than "
                "this job. IdenticalDataAndAlgorithm needs the same data and split; use TransferLearning for "
                "new or changed data."
            )
        parent_ranges = _parent_ranges(parent)
        for name, parameter in ranges.items():
            if name in parent_ranges and _kind(parent_ranges[name]) != _kind(parameter):
                raise ValidationError(
                    f"{_WHERE}: hyperparameter {name!r} is {_kind(parameter)} here but was "
                    f"{_kind(parent_ranges[name])} in parent {parent_name!r}; a warm start keeps each "
                    "hyperparameter's type (AMT's rule)."
                )
        now_static = sorted(set(parent_ranges) - set(ranges))
        if len(now_static) > MAX_TUNABLE_TO_STATIC:
            raise ValidationError(
                f"{_WHERE}: {len(now_static)} hyperparameters tuned in parent {parent_name!r} are static here "
                f"({', '.join(now_static)}); AMT allows at most {MAX_TUNABLE_TO_STATIC}."
            )
        if parent.config.get("WarmStartConfig"):
            notes.append(f"{parent_name} was itself warm-started: only its own training jobs count (not recursive).")
        parent_static = dict(parent.config.get("StaticHyperparameters") or {})
        used = 0
        for training_job in store.training_jobs(parent_name):
            observation = _observation(training_job, ranges, parent_static)
            if observation is None:
                skipped += training_job.status != TrainingJobStatus.IN_PROGRESS
                continue
            observations.append(observation)
            used += 1
        notes.append(f"{parent_name}: {used} training jobs inform the search.")
    if skipped:
        notes.append(f"{skipped} parent training jobs lie outside this job's ranges (or have no result) and were "
                     "left out.")
    return WarmStart(config, observations, skipped, notes)


def _observation(training_job: Any, ranges: Mapping[str, Parameter],
                 parent_static: Mapping[str, Any]) -> ParentObservation | None:
    status = training_job.status
    value = training_job.final_objective_value
    if status == TrainingJobStatus.IN_PROGRESS or (status != TrainingJobStatus.FAILED and value is None):
        return None
    point: dict[str, Any] = {}
    for name, parameter in ranges.items():
        if name in training_job.hyperparameters:
            candidate = training_job.hyperparameters[name]
        elif name in parent_static:
            candidate = parent_static[name]
        else:
            return None
        if not _inside(parameter, candidate):
            return None
        point[name] = candidate
    stopped_at = None
    if status == TrainingJobStatus.STOPPED and training_job.intermediate_values:
        stopped_at = int(training_job.intermediate_values[-1][0])
    elif status == TrainingJobStatus.STOPPED:
        return None
    return ParentObservation(training_job.name, point,
                             None if status == TrainingJobStatus.FAILED else float(value), stopped_at)


def _inside(parameter: Parameter, value: Any) -> bool:
    if isinstance(parameter, CategoricalParameter):
        try:
            parameter.index(value)
        except ValidationError:
            return False
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return parameter.min_value <= value <= parameter.max_value


def overall_best_training_job(store: Store, job: TuningJob) -> dict[str, Any] | None:
    """AMT's OverallBestTrainingJob: the best of the job's and its parents' best training jobs.

    ``None`` for a job without warm start (AMT leaves the field out then).
    """
    warm = job.config.get("WarmStartConfig")
    if not warm:
        return None
    candidates = [job]
    for parent in WarmStartConfig.from_json(warm).parents:
        if store.tuning_job_exists(parent):
            candidates.append(store.get_tuning_job(parent))
    scored = [c for c in candidates if c.best_objective_value is not None and c.best_training_job]
    if not scored:
        return None
    pick = max if job.objective_type == "Maximize" else min
    best = pick(scored, key=lambda c: c.best_objective_value)
    return {
        "TrainingJobName": best.best_training_job,
        "TuningJobName": best.name,
        "FinalHyperParameterTuningJobObjectiveMetric": {
            "MetricName": job.objective_metric_name,
            "Value": best.best_objective_value,
        },
    }
