"""AMT's Autotune: the tuning job's settings the user left out, chosen from the algorithm and the data.

Why: AWS's CreateHyperParameterTuningJob takes ``"Autotune": {"Mode": "Enabled"}``, and the
SDK's ``HyperparameterTuner(..., autotune=True)`` sends it. AWS's API reference
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Autotune.html) says Autotune
finds values for ParameterRanges, ResourceLimits, TrainingJobEarlyStoppingType, RetryStrategy
and Strategy; a setting the request gives is kept. ``ParameterRanges.AutoParameters`` names
hyperparameters with an example value (``ValueHint``): "If Automatic model tuning (AMT)
determines that your hyperparameter is eligible for Autotune, an optimal hyperparameter range
is selected for you" (API_AutoParameter).

TuneLab's choices, made once in :func:`tuning.job.preparation.prepare`, where the data is
known (:func:`tuning.job.autotune_choice.apply_autotune`); each rule is in :data:`RULES`, which ``describe`` reports:

- **ParameterRanges**: explicit ranges are kept; each AutoParameter without one that the
  catalogue lists as tunable gets its recommended range from AWS's algorithm page (the
  catalogue's ``default_range``); an AutoParameter that is not tunable stays static at its
  ValueHint. With neither explicit ranges nor tunable AutoParameters: the algorithm's ranges
  tuned by default.
- **Strategy**: Bayesian.
- **MaxNumberOfTrainingJobs**: 10 per tuned hyperparameter, from 10 to 50, halved (not below
  10) for data of 100,000 rows or more, where each training job costs more.
- **MaxParallelTrainingJobs**: one per 10 training jobs, at most 3 (Bayesian search learns from
  finished jobs; many at once learn less from each other).
- **TrainingJobEarlyStoppingType**: Auto when the algorithm reports its objective per round,
  the strategy is not Hyperband (which must have it Off) and the data has 1,000 rows or more
  (smaller jobs end before stopping them saves anything); else Off.
- **RetryStrategy** is not chosen: TuneLab does not retry training jobs (it is only recorded,
  :mod:`tuning.job.recorded_fields`).

``max_jobs_cap`` (TuneLab's, TuneLab JSON ``MaxNumberOfTrainingJobsCap``, tag
``tunelab:AutotuneMaxJobsCap``) caps the MaxNumberOfTrainingJobs Autotune picks, for a demo
or a test that must stay small.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tuning.errors import ValidationError
from tuning.json_input import json_object, refuse_unknown_fields


__all__ = ["AUTOTUNE_SETTINGS", "RULES", "Autotune", "autotune_summary", "check_autotune", "choose_max_jobs", "choose_max_parallel_jobs"]

AUTOTUNE_SETTINGS = ("Strategy", "MaxNumberOfTrainingJobs", "MaxParallelTrainingJobs", "TrainingJobEarlyStoppingType")
"""The scalar settings Autotune fills when the request leaves them out (ParameterRanges is filled
when no explicit range is given)."""

RULES = {
    "ParameterRanges": "explicit ranges kept; each tunable AutoParameter's recommended range from the algorithm's "
                       "catalogue (AWS's algorithm page); with neither, the ranges the algorithm tunes by default",
    "Strategy": "Bayesian",
    "MaxNumberOfTrainingJobs": "10 per tuned hyperparameter, from 10 to 50; halved (not below 10) for 100,000 rows "
                               "or more",
    "MaxParallelTrainingJobs": "one per 10 training jobs, from 1 to 3",
    "TrainingJobEarlyStoppingType": "Auto when the algorithm reports per round, the strategy is not Hyperband and "
                                    "the data has 1,000 rows or more; else Off",
}
"""Each setting's rule, in words: ``describe`` reports it beside what was chosen."""

_LARGE_ROWS = 100_000
EARLY_STOPPING_ROWS = 1_000


@dataclass(frozen=True)
class Autotune:
    """``"Autotune": {"Mode": "Enabled"}``, with what the request left to it.

    ``auto_parameters``: AWS's ParameterRanges.AutoParameters, name to ValueHint (a string, as in
    AWS). ``to_choose``: the :data:`AUTOTUNE_SETTINGS` the request left out (all of them by
    default, for a Python caller; the JSON and SDK readers name the ones absent). ``chosen``:
    ``None`` until :func:`apply_autotune` ran, then the settings it filled, so a job's record says
    which values were Autotune's. ``max_jobs_cap``: see the module docstring.
    """

    auto_parameters: Mapping[str, str] = field(default_factory=dict)
    to_choose: Sequence[str] = AUTOTUNE_SETTINGS
    chosen: Sequence[str] | None = None
    max_jobs_cap: int | None = None

    def check(self) -> None:
        """The data-free rules; the field is ``autotune``."""
        if not isinstance(self.auto_parameters, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in self.auto_parameters.items()):
            raise ValidationError("autotune.auto_parameters must be a dict of hyperparameter name to its ValueHint "
                                  "string, such as {'eta': '0.2'}.", field="autotune")
        unknown = sorted(set(self.to_choose) - set(AUTOTUNE_SETTINGS))
        if unknown:
            raise ValidationError(f"autotune.to_choose has unknown setting(s) {', '.join(unknown)}; Autotune chooses "
                                  f"{', '.join(AUTOTUNE_SETTINGS)}.", field="autotune")
        cap = self.max_jobs_cap
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
            raise ValidationError(f"autotune.max_jobs_cap must be a whole number from 1, but got {cap!r}.",
                                  field="autotune")

    @property
    def applied(self) -> bool:
        return self.chosen is not None

    # -- TuneLab JSON ----------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"Mode": "Enabled"}
        if self.auto_parameters:
            data["AutoParameters"] = [{"Name": k, "ValueHint": v} for k, v in self.auto_parameters.items()]
        data["LeftToAutotune"] = list(self.to_choose)
        if self.chosen is not None:
            data["ChosenByAutotune"] = list(self.chosen)
        if self.max_jobs_cap is not None:
            data["MaxNumberOfTrainingJobsCap"] = self.max_jobs_cap
        return data

    @classmethod
    def from_json(cls, value: Any, where: str = "Autotune") -> Autotune:
        data = json_object(value, where)
        refuse_unknown_fields(data, {"Mode", "AutoParameters", "LeftToAutotune", "ChosenByAutotune",
                                     "MaxNumberOfTrainingJobsCap"}, f"{where}.")
        read_mode(data, where)
        chosen = data.get("ChosenByAutotune")
        autotune = cls(auto_parameters=read_auto_parameters(data.get("AutoParameters", []), f"{where}.AutoParameters"),
                       to_choose=tuple(_names(data.get("LeftToAutotune", list(AUTOTUNE_SETTINGS)),
                                              f"{where}.LeftToAutotune")),
                       chosen=None if chosen is None else tuple(_names(chosen, f"{where}.ChosenByAutotune")),
                       max_jobs_cap=data.get("MaxNumberOfTrainingJobsCap"))
        try:
            autotune.check()
        except ValidationError as error:
            raise ValidationError(f"{where}: {error}") from None
        return autotune


def check_autotune(autotune: Any) -> None:
    """A config's ``autotune``: ``None`` or an :class:`Autotune` whose own rules hold."""
    if autotune is None:
        return
    if not isinstance(autotune, Autotune):
        raise ValidationError("autotune must be a tuning.job.autotune.Autotune(...) or None, but got "
                              f"{type(autotune).__name__}.", field="autotune")
    autotune.check()


def read_mode(data: Mapping[str, Any], where: str) -> None:
    """AWS's one Mode: "Enabled" (API_Autotune: "Valid Values: Enabled")."""
    if data.get("Mode") != "Enabled":
        raise ValidationError(f'{where}.Mode: the only value is "Enabled" (leave Autotune out to turn it off), '
                              f"but got {data.get('Mode')!r}.")


def read_auto_parameters(value: Any, where: str) -> dict[str, str]:
    """AWS's AutoParameters list, ``[{"Name": "eta", "ValueHint": "0.2"}]``, as name to ValueHint."""
    if not isinstance(value, list):
        raise ValidationError(f'{where}: must be a list such as [{{"Name": "eta", "ValueHint": "0.2"}}], '
                              f"but got {value!r}.")
    hints: dict[str, str] = {}
    for position, entry in enumerate(value):
        at = f"{where}[{position}]"
        entry = json_object(entry, at)
        refuse_unknown_fields(entry, {"Name", "ValueHint"}, f"{at}.")
        for key in ("Name", "ValueHint"):
            if not isinstance(entry.get(key), str):
                raise ValidationError(f"{at}.{key}: required, a string (AWS's AutoParameter), but got "
                                      f"{entry.get(key)!r}.")
        if entry["Name"] in hints:
            raise ValidationError(f"{at}.Name: {entry['Name']!r} is given twice.")
        hints[entry["Name"]] = entry["ValueHint"]
    return hints


def _names(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError(f"{where}: must be a list of setting names, such as [\"Strategy\"], but got {value!r}.")
    return value


def choose_max_jobs(tuned: int, rows: int, cap: int | None = None) -> int:
    """MaxNumberOfTrainingJobs: 10 per tuned hyperparameter, from 10 to 50; halved for large data; capped."""
    jobs = min(50, max(10, 10 * tuned))
    if rows >= _LARGE_ROWS:
        jobs = max(10, jobs // 2)
    return jobs if cap is None else min(jobs, cap)


def choose_max_parallel_jobs(max_jobs: int | None) -> int:
    """MaxParallelTrainingJobs: one per 10 training jobs, from 1 to 3."""
    return max(1, min(3, math.ceil((max_jobs or 1) / 10)))



def autotune_summary(stored_config: Mapping[str, Any] | None) -> str | None:
    """One line for ``show``: the settings Autotune chose for a stored job (TuneLab JSON), or ``None``."""
    data = (stored_config or {}).get("Autotune")
    if not isinstance(data, Mapping) or data.get("ChosenByAutotune") is None:
        return None
    limits = stored_config.get("ResourceLimits") or {}
    values = {"ParameterRanges": ", ".join(stored_config.get("HyperparameterRanges") or {}) or "none",
              "Strategy": stored_config.get("Strategy"),
              "MaxNumberOfTrainingJobs": limits.get("MaxNumberOfTrainingJobs"),
              "MaxParallelTrainingJobs": limits.get("MaxParallelTrainingJobs"),
              "TrainingJobEarlyStoppingType": stored_config.get("EarlyStoppingType")}
    chosen = [f"{name} = {values.get(name)}" for name in data["ChosenByAutotune"]]
    cap = data.get("MaxNumberOfTrainingJobsCap")
    return ("Autotune chose: " + ("; ".join(chosen) if chosen else "nothing (every setting was given)")
            + (f" (MaxNumberOfTrainingJobs capped at {cap})" if cap is not None else ""))
