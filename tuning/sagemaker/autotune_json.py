"""Autotune in AWS's request JSON: read ``"Autotune": {"Mode": "Enabled"}`` and write it back.

Why a module of its own: :mod:`tuning.sagemaker.request_json` is at its size limit; this one
holds how AWS's request carries Autotune, and :mod:`tuning.job.autotune` what Autotune chooses.

- Reading: the settings the request leaves out (Strategy, ResourceLimits'
  MaxNumberOfTrainingJobs and MaxParallelTrainingJobs, TrainingJobEarlyStoppingType; the
  ranges when no explicit range is given) are left to Autotune; the ones it gives are kept.
  ``ParameterRanges.AutoParameters`` (``[{"Name": "eta", "ValueHint": "0.2"}]``) is read here;
  without Autotune it is refused, naming the fix.
- Writing: a job not yet prepared writes only what was given, so the file reads back the same;
  a prepared one writes what Autotune chose, as AWS's DescribeHyperParameterTuningJob reports
  the filled-in HyperParameterTuningJobConfig, with the tag :data:`TAG_AUTOTUNE_CHOSE` naming
  the settings that were Autotune's (so export and import give back the same job).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tuning.errors import ValidationError
from tuning.job.autotune import AUTOTUNE_SETTINGS, RULES, Autotune, read_auto_parameters, read_mode
from tuning.json_input import json_object, refuse_unknown_fields
from tuning.sagemaker.aws_strings import ranges_to_aws

if TYPE_CHECKING:
    from tuning.job.config import TuningJobConfig

__all__ = ["AUTOTUNE_TAGS", "TAG_AUTOTUNE_CAP", "TAG_AUTOTUNE_CHOSE", "autotune_description", "autotune_request",
           "read_autotune", "sdk_autotune", "sdk_code_parts"]

TAG_AUTOTUNE_CHOSE = "tunelab:AutotuneChose"
"""The settings Autotune chose for a prepared job, comma-separated (``Strategy,MaxNumberOfTrainingJobs``)."""
TAG_AUTOTUNE_CAP = "tunelab:AutotuneMaxJobsCap"
"""TuneLab's cap on the MaxNumberOfTrainingJobs Autotune picks (see :mod:`tuning.job.autotune`)."""
AUTOTUNE_TAGS = (TAG_AUTOTUNE_CHOSE, TAG_AUTOTUNE_CAP)

_CONFIG = "HyperParameterTuningJobConfig"
_RANGES = f"{_CONFIG}.ParameterRanges"
_CHOSEN_NAMES = ("ParameterRanges", *AUTOTUNE_SETTINGS)


def read_autotune(root: Mapping[str, Any], tuning: Mapping[str, Any], limits: Mapping[str, Any],
                  tags: Mapping[str, str]) -> Autotune | None:
    """The request's Autotune, or ``None``; AutoParameters or Autotune tags without it are refused."""
    groups = tuning.get("ParameterRanges")
    has_hints = isinstance(groups, Mapping) and "AutoParameters" in groups
    if "Autotune" not in root:
        if has_hints:
            raise ValidationError(
                f"{_RANGES}.AutoParameters: AutoParameters are Autotune's (AWS picks their ranges only with it); add "
                '"Autotune": {"Mode": "Enabled"} at the request\'s top level, or give the ranges as '
                "IntegerParameterRanges, ContinuousParameterRanges or CategoricalParameterRanges.")
        for tag in AUTOTUNE_TAGS:
            if tag in tags:
                raise ValidationError(f'Tags[{tag}]: applies with Autotune only; add "Autotune": {{"Mode": "Enabled"}}'
                                      " or leave the tag out.")
        return None
    data = json_object(root["Autotune"], "Autotune")
    refuse_unknown_fields(data, {"Mode"}, "Autotune.")
    read_mode(data, "Autotune")
    hints = read_auto_parameters(groups["AutoParameters"], f"{_RANGES}.AutoParameters") if has_hints else {}
    given = {"Strategy": "Strategy" in tuning, "MaxNumberOfTrainingJobs": "MaxNumberOfTrainingJobs" in limits,
             "MaxParallelTrainingJobs": "MaxParallelTrainingJobs" in limits,
             "TrainingJobEarlyStoppingType": "TrainingJobEarlyStoppingType" in tuning}
    to_choose = tuple(name for name in AUTOTUNE_SETTINGS if not given[name])
    chosen = None
    if TAG_AUTOTUNE_CHOSE in tags:  # a prepared job's export: its values are written, these were Autotune's
        chosen = tuple(name.strip() for name in tags[TAG_AUTOTUNE_CHOSE].split(",") if name.strip())
        unknown = sorted(set(chosen) - set(_CHOSEN_NAMES))
        if unknown:
            raise ValidationError(f"Tags[{TAG_AUTOTUNE_CHOSE}]: unknown setting(s) {', '.join(unknown)}; Autotune "
                                  f"chooses {', '.join(_CHOSEN_NAMES)}.")
        to_choose = tuple(name for name in chosen if name in AUTOTUNE_SETTINGS)
    cap = None
    if TAG_AUTOTUNE_CAP in tags:
        text = tags[TAG_AUTOTUNE_CAP].strip()
        if not text.isdigit() or int(text) < 1:
            raise ValidationError(f"Tags[{TAG_AUTOTUNE_CAP}]: must be a whole number from 1, such as \"4\", "
                                  f"but got {tags[TAG_AUTOTUNE_CAP]!r}.")
        cap = int(text)
    return Autotune(auto_parameters=hints, to_choose=to_choose, chosen=chosen, max_jobs_cap=cap)


def autotune_request(config: TuningJobConfig, request: dict[str, Any]) -> dict[str, Any]:
    """``request`` (written by :func:`tuning.sagemaker.request_json.to_sagemaker_request`) with ``config``'s Autotune."""
    autotune = config.autotune
    if autotune is None:
        return request
    tuning = request["HyperParameterTuningJobConfig"]
    if not autotune.applied:  # leave out what is Autotune's to choose, so it reads back as left out
        limits = tuning.get("ResourceLimits", {})
        for name in autotune.to_choose:
            (limits if name.startswith("Max") else tuning).pop(name, None)
        if not limits:
            tuning.pop("ResourceLimits", None)
    if autotune.auto_parameters:
        tuning.setdefault("ParameterRanges", {})["AutoParameters"] = [
            {"Name": name, "ValueHint": hint} for name, hint in autotune.auto_parameters.items()]
    tags = [tag for tag in request.get("Tags", []) if tag["Key"] not in AUTOTUNE_TAGS]
    if autotune.applied:
        tags.append({"Key": TAG_AUTOTUNE_CHOSE, "Value": ",".join(autotune.chosen or ())})
    if autotune.max_jobs_cap is not None:
        tags.append({"Key": TAG_AUTOTUNE_CAP, "Value": str(autotune.max_jobs_cap)})
    out = {key: value for key, value in request.items() if key != "Tags"}
    out["Autotune"] = {"Mode": "Enabled"}
    if tags:
        out["Tags"] = tags
    return out


def autotune_description(config: TuningJobConfig) -> dict[str, Any] | None:
    """TuneLab's addition to ``describe``: each setting Autotune chose, its value and its rule; ``None`` without Autotune.

    AWS's DescribeHyperParameterTuningJob reports ``Autotune`` (``{"Mode": "Enabled"}``) and the
    filled-in HyperParameterTuningJobConfig; it does not say which values were Autotune's. This does.
    """
    autotune = config.autotune
    if autotune is None:
        return None
    values = {
        "ParameterRanges": None if config.hyperparameter_ranges is None else ranges_to_aws(config.hyperparameter_ranges),
        "Strategy": config.strategy, "MaxNumberOfTrainingJobs": config.max_jobs,
        "MaxParallelTrainingJobs": config.max_parallel_jobs, "TrainingJobEarlyStoppingType": config.early_stopping_type,
    }
    described: dict[str, Any] = {
        "ChosenByAutotune": {name: {"Value": values[name], "Rule": RULES[name]} for name in autotune.chosen or ()}}
    if not autotune.applied:
        described["LeftToAutotune"] = list(autotune.to_choose)
    if autotune.max_jobs_cap is not None:
        described["MaxNumberOfTrainingJobsCap"] = autotune.max_jobs_cap
    return described


def sdk_autotune(static: Mapping[str, Any], keep_static: Any, *, max_jobs_given: bool,
                 cap: int | None = None) -> tuple[dict[str, Any], Autotune]:
    """The SDK's ``autotune=True``: the statics kept and the Autotune its request carries.

    As the SDK's ``HyperparameterTuner._prepare_auto_parameters``: the estimator's hyperparameters
    not in ``hyperparameters_to_keep_static`` become AutoParameters (their values the ValueHints),
    the others stay static; a name to keep that the estimator does not set is refused, in the
    SDK's words. The SDK's request always carries Strategy, MaxParallelTrainingJobs and
    TrainingJobEarlyStoppingType (its defaults when not passed), so Autotune keeps those; it
    leaves out MaxNumberOfTrainingJobs when ``max_jobs`` is None, which Autotune then picks.
    """
    keep = list(keep_static or ())
    missing = sorted(set(keep) - set(static))
    if missing:
        raise ValidationError(
            f"hyperparameters_to_keep_static names {', '.join(map(repr, missing))}, which the estimator does not set: "
            "names in hyperparameters_to_keep_static must be members of the estimator's hyperparameters "
            "(set_hyperparameters(...)).", field="hyperparameters_to_keep_static")
    kept = {name: value for name, value in static.items() if name in keep}
    hints = {name: _hint(value) for name, value in static.items() if name not in keep}
    autotune = Autotune(auto_parameters=hints, to_choose=() if max_jobs_given else ("MaxNumberOfTrainingJobs",),
                        max_jobs_cap=cap)
    return kept, autotune


def _hint(value: Any) -> str:
    """A value as the SDK's ``to_string`` writes it (``True`` as ``"true"``, as AWS's containers read it)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def sdk_code_parts(config: TuningJobConfig) -> tuple[TuningJobConfig, dict[str, str], list[str]]:
    """For :func:`tuning.sagemaker.sdk_code.sdk_code`: the config to write, the ValueHints to set, the tuner's lines.

    A job already prepared has its chosen values, written as they are (nothing is left to choose).
    One not yet prepared becomes the SDK's ``autotune=True``: its AutoParameters are set on the
    estimator with their ValueHints (the SDK makes AutoParameters of the hyperparameters not kept
    static), its statics are ``hyperparameters_to_keep_static``, and ``max_jobs`` is left out when
    Autotune is to pick it. The SDK always sends Strategy, max_parallel_jobs and early stopping, so
    those are written with TuneLab's values.
    """
    autotune = config.autotune
    if autotune is None or autotune.applied:
        return config, {}, []
    written = config.replace(autotune=None, max_jobs=None if "MaxNumberOfTrainingJobs" in autotune.to_choose
                             else config.max_jobs)
    hints = {name: hint for name, hint in autotune.auto_parameters.items() if name not in config.static_hyperparameters}
    lines = ["    autotune=True,"]
    if config.static_hyperparameters:
        lines.append(f"    hyperparameters_to_keep_static={list(config.static_hyperparameters)!r},")
    return written, hints, lines
