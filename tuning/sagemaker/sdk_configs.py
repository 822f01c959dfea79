"""The SageMaker Python SDK's small configuration objects for ``HyperparameterTuner``.

``StrategyConfig(hyperband_strategy_config=HyperbandStrategyConfig(...))`` and
``TuningJobCompletionCriteriaConfig(...)`` as a notebook writes them; each turns into the
shape AWS's request has (``to_input_req``) and, through it, into the engine's own form
(:func:`flat_strategy_config`, :meth:`TuningJobCompletionCriteriaConfig.to_criteria`).
They live apart from the tuner, which only reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tuning.errors import ValidationError
from tuning.job.completion import CompletionCriteria

__all__ = ["HyperbandStrategyConfig", "StrategyConfig", "TuningJobCompletionCriteriaConfig", "flat_strategy_config"]


@dataclass(frozen=True)
class HyperbandStrategyConfig:
    """The SDK's ``HyperbandStrategyConfig``: the training resource's range (rounds, epochs)."""

    max_resource: int | None = None
    min_resource: int | None = None

    def to_input_req(self) -> dict[str, int]:
        """AWS's shape: ``{"MinResource": .., "MaxResource": ..}`` (the set ones)."""
        shape = {"MinResource": self.min_resource, "MaxResource": self.max_resource}
        return {key: value for key, value in shape.items() if value is not None}


@dataclass(frozen=True)
class StrategyConfig:
    """The SDK's ``StrategyConfig(hyperband_strategy_config=...)``."""

    hyperband_strategy_config: HyperbandStrategyConfig | None = None

    def to_input_req(self) -> dict[str, Any]:
        """AWS's shape: ``{"HyperbandStrategyConfig": {...}}``."""
        if self.hyperband_strategy_config is None:
            return {}
        return {"HyperbandStrategyConfig": self.hyperband_strategy_config.to_input_req()}


class TuningJobCompletionCriteriaConfig:
    """The SDK's completion criteria, mapped to :class:`tuning.CompletionCriteria` (see there).

    The SDK spells the first argument ``max_number_of_training_jobs_not_improving``;
    ``max_number_training_jobs_not_improving`` is accepted too.
    """

    def __init__(self, max_number_of_training_jobs_not_improving: int | None = None,
                 complete_on_convergence: bool | None = None,
                 target_objective_metric_value: float | None = None, *,
                 max_number_training_jobs_not_improving: int | None = None) -> None:
        if max_number_training_jobs_not_improving is not None:
            if max_number_of_training_jobs_not_improving is not None:
                raise ValidationError("give max_number_of_training_jobs_not_improving once (it has two spellings).")
            max_number_of_training_jobs_not_improving = max_number_training_jobs_not_improving
        if complete_on_convergence is not None and not isinstance(complete_on_convergence, bool):
            raise ValidationError(
                f"complete_on_convergence must be True, False or None, but got {complete_on_convergence!r}.")
        self.max_number_of_training_jobs_not_improving = max_number_of_training_jobs_not_improving
        self.complete_on_convergence = complete_on_convergence
        self.target_objective_metric_value = target_objective_metric_value
        self.to_criteria().check()

    def to_criteria(self) -> CompletionCriteria:
        """The engine's form."""
        return CompletionCriteria(self.target_objective_metric_value, self.max_number_of_training_jobs_not_improving,
                                  bool(self.complete_on_convergence))

    def to_input_req(self) -> dict[str, Any]:
        """AWS's TuningJobCompletionCriteria shape."""
        return self.to_criteria().to_json()


def flat_strategy_config(value: Any) -> dict[str, Any]:
    """The SDK's strategy_config (object or AWS dict) as TuningJobConfig's flat dict."""
    if value is None:
        return {}
    if isinstance(value, (StrategyConfig, HyperbandStrategyConfig)):
        value = value.to_input_req() if isinstance(value, StrategyConfig) else {
            "HyperbandStrategyConfig": value.to_input_req()}
    if not isinstance(value, Mapping):
        raise ValidationError(
            "strategy_config must be StrategyConfig(hyperband_strategy_config=HyperbandStrategyConfig("
            "min_resource=.., max_resource=..)) or {'HyperbandStrategyConfig': {'MinResource': .., "
            f"'MaxResource': ..}}, but got {type(value).__name__}."
        )
    flat = dict(value)
    hyperband = flat.pop("HyperbandStrategyConfig", None)
    if hyperband is not None:
        if not isinstance(hyperband, Mapping) or set(hyperband) - {"MinResource", "MaxResource"}:
            raise ValidationError(
                "strategy_config['HyperbandStrategyConfig'] takes MinResource and MaxResource only, but got "
                f"{hyperband!r}.")
        flat.update(hyperband)
    return flat
