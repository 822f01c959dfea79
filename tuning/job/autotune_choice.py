"""Autotune's choices made: a tuning job's config with what it left to Autotune filled in.

Apart from :mod:`tuning.job.autotune` (what Autotune is, its rules and how it is read), which
the config itself uses: this module needs the config and the catalogue, so it sits above both.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tuning.errors import ValidationError
from tuning.job.autotune import EARLY_STOPPING_ROWS, choose_max_jobs, choose_max_parallel_jobs
from tuning.job.config import TuningJobConfig

__all__ = ["apply_autotune"]


def apply_autotune(config: TuningJobConfig, rows: int) -> TuningJobConfig:
    """``config`` with what it left to Autotune chosen for ``rows`` rows of data (see the module docstring).

    A config without Autotune, or already applied, comes back as it is: a resumed or re-prepared
    job keeps the values chosen the first time.
    """
    from tuning.algorithms import get_algorithm
    from tuning.strategies import strategy_class

    autotune = config.autotune
    if autotune is None or autotune.applied:
        return config
    algorithm = get_algorithm(config.algorithm)
    changes: dict[str, Any] = {}
    chosen: list[str] = []
    static = dict(config.static_hyperparameters)
    given = dict(config.hyperparameter_ranges or {})  # explicit ranges are kept
    ranges = dict(given)
    for name, hint in autotune.auto_parameters.items():
        spec = algorithm.hyperparameters.get(name)
        if name in ranges:
            continue
        if spec is not None and spec.tunable:
            ranges[name] = spec.default_range
            static.pop(name, None)
        else:  # not eligible (AWS's words): it stays at its example value; an unknown name is the gate's
            static.setdefault(name, hint)
    if not ranges:
        ranges = algorithm.default_ranges()
    if ranges != given:
        changes["hyperparameter_ranges"] = ranges
        chosen.append("ParameterRanges")
    changes["static_hyperparameters"] = static
    tuned = len(ranges)
    if "Strategy" in autotune.to_choose:
        changes["strategy"] = "Bayesian"
        chosen.append("Strategy")
    max_jobs = config.max_jobs
    if "MaxNumberOfTrainingJobs" in autotune.to_choose:
        max_jobs = choose_max_jobs(tuned, rows, autotune.max_jobs_cap)
        changes["max_jobs"] = max_jobs
        chosen.append("MaxNumberOfTrainingJobs")
    if "MaxParallelTrainingJobs" in autotune.to_choose:
        changes["max_parallel_jobs"] = choose_max_parallel_jobs(max_jobs)
        chosen.append("MaxParallelTrainingJobs")
    if "TrainingJobEarlyStoppingType" in autotune.to_choose:
        strategy = changes.get("strategy", config.strategy)
        try:
            grows = strategy_class(strategy).grows_resource
        except ValidationError:
            grows = False  # an unknown strategy is the gate's to refuse, in its own words
        changes["early_stopping_type"] = (
            "Auto" if algorithm.resource is not None and not grows and rows >= EARLY_STOPPING_ROWS else "Off")
        chosen.append("TrainingJobEarlyStoppingType")
    changes["autotune"] = dataclasses.replace(autotune, chosen=tuple(chosen))
    return config.replace(**changes)
