"""The SDK's analytics (``sagemaker.analytics``): a tuning job's and a training job's results as tables.

:class:`HyperparameterTuningJobAnalytics` reads a tuning job from the store the way the
SDK reads DescribeHyperParameterTuningJob and ListTrainingJobsForHyperParameterTuningJob;
:class:`TrainingJobAnalytics` reads one training job's metric values the way the SDK reads
them from CloudWatch. :func:`describe_tuning_job` is the one place that builds
DescribeHyperParameterTuningJob's answer in AWS's shape, for these and for the tuner.

The Arn is local and clearly fake (:data:`LOCAL_ARN_PREFIX`): there is no AWS account.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from tuning.analysis.tables import training_jobs_frame
from tuning.errors import ValidationError
from tuning.job.config import TuningJobConfig
from tuning.job.warm_start import overall_best_training_job
from tuning.running.definitions_group import DefinitionsGroup, definitions_group, group_or_none
from tuning.store.database import Store

__all__ = ["ANALYTICS_COLUMNS", "LOCAL_ARN_PREFIX", "HyperparameterTuningJobAnalytics", "TrainingJobAnalytics",
           "describe_group", "describe_tuning_job", "find_training_job", "train_metric_name"]

ANALYTICS_COLUMNS = ("TrainingJobName", "TrainingJobStatus", "FinalObjectiveValue", "TrainingStartTime",
                     "TrainingEndTime", "TrainingElapsedTimeSeconds")
"""The SDK's ``HyperparameterTuningJobAnalytics.dataframe()`` columns beside the tuned hyperparameters."""
LOCAL_ARN_PREFIX = "arn:aws:sagemaker:local:000000000000:"
"""AWS's ARN shape with region ``local`` and account ``000000000000``: recognisably not a real one."""


def describe_tuning_job(store: Store, name: str) -> dict[str, Any]:
    """DescribeHyperParameterTuningJob's answer in AWS's shape.

    The record's own answer (:meth:`tuning.records.TuningJob.describe`: status, counters,
    BestTrainingJob, OverallBestTrainingJob after a warm start), with AWS's request fields
    written back as the request JSON writes them (:func:`tuning.sagemaker.request_json.to_sagemaker_request`):
    the whole HyperParameterTuningJobConfig (ParameterRanges with string bounds,
    ResourceLimits, ...), TrainingJobDefinition, and HyperParameterTuningJobArn.
    """
    from tuning.sagemaker.request_json import to_sagemaker_request

    if not store.tuning_job_exists(name):
        group = group_or_none(store, name)
        if group is not None:  # several training job definitions, one tuning job in AMT's eyes
            return describe_group(group)
    job = store.get_tuning_job(name)  # an unknown name lists the known ones
    described = job.describe(overall_best_training_job(store, job))
    stored = TuningJobConfig.from_dict(job.config)
    request = to_sagemaker_request(stored)
    config = dict(request["HyperParameterTuningJobConfig"])
    recorded = described["HyperParameterTuningJobConfig"]
    config["ResourceLimits"] = {**config.get("ResourceLimits", {}), **recorded["ResourceLimits"]}
    config["Strategy"] = recorded["Strategy"]
    config["HyperParameterTuningJobObjective"] = recorded["HyperParameterTuningJobObjective"]
    described["HyperParameterTuningJobConfig"] = config
    described["TrainingJobDefinition"] = request["TrainingJobDefinition"]
    described["HyperParameterTuningJobArn"] = f"{LOCAL_ARN_PREFIX}hyper-parameter-tuning-job/{job.name}"
    if "Autotune" in request:  # AWS's {"Mode": "Enabled"}; which values were Autotune's is TuneLab's addition
        from tuning.sagemaker.autotune_json import autotune_description

        described["Autotune"] = request["Autotune"]
        described["TuneLabAutotune"] = autotune_description(stored)
    return described


def describe_group(group: DefinitionsGroup) -> dict[str, Any]:
    """DescribeHyperParameterTuningJob's answer for a tuning job over several training job definitions.

    AWS's shape: HyperParameterTuningJobConfig (the shared settings), TrainingJobDefinitions (each
    with its DefinitionName, TuningObjective and HyperParameterRanges), the members' counters
    summed, and BestTrainingJob across the definitions with its TrainingJobDefinitionName. Beside
    it, TuneLab's ``TuneLabMemberTuningJobs``: the tuning job each definition ran as.
    """
    import datetime as dt

    from tuning.records import TRAINING_JOB_STATUSES
    from tuning.sagemaker.definitions_json import to_definitions_request

    def _time(seconds: float | None) -> dt.datetime | None:
        return None if seconds is None else dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)

    request = to_definitions_request(group.config)
    counters = group.status_counters
    described: dict[str, Any] = {
        "HyperParameterTuningJobName": group.name,
        "HyperParameterTuningJobArn": f"{LOCAL_ARN_PREFIX}hyper-parameter-tuning-job/{group.name}",
        "HyperParameterTuningJobStatus": group.status,
        "CreationTime": _time(group.created_at),
        "HyperParameterTuningEndTime": _time(group.ended_at),
        "HyperParameterTuningJobConfig": request["HyperParameterTuningJobConfig"],
        "TrainingJobDefinitions": request["TrainingJobDefinitions"],
        "TrainingJobStatusCounters": {status: counters.get(status, 0) for status in TRAINING_JOB_STATUSES},
        "TuneLabMemberTuningJobs": {definition: None if job is None else job.name
                                    for definition, job in group.members.items()},
    }
    best = group.best_training_job()
    if best is not None:
        described["BestTrainingJob"] = best
    if group.failure_reason:
        described["FailureReason"] = group.failure_reason
    return described


def _group_summaries(store: Store, group: DefinitionsGroup) -> list[dict[str, Any]]:
    """ListTrainingJobsForHyperParameterTuningJob over the group: each with its TrainingJobDefinitionName."""
    metrics = {definition: job.objective_metric_name for definition, job in group.members.items() if job is not None}
    return [{**training_job.describe(metrics[definition]), "TuningJobName": group.name,
             "TrainingJobDefinitionName": definition}
            for definition, training_job in group.training_jobs(store)]


def _group_frame(store: Store, group: DefinitionsGroup) -> pd.DataFrame:
    """The analytics table over the group: every definition's tuned hyperparameters (blank where a
    definition has no such hyperparameter), the SDK's columns, and TrainingJobDefinitionName."""
    frames, tuned = [], []
    for definition, job in group.members.items():
        if job is None:
            continue
        frame = training_jobs_frame(store.training_jobs(job.name))
        frame["TrainingJobDefinitionName"] = definition
        frames.append(frame)
        tuned += [name for name in job.config.get("HyperparameterRanges") or {} if name not in tuned]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    columns = [*tuned, *ANALYTICS_COLUMNS, "TrainingJobDefinitionName"]
    extra = [column for column in frame.columns if column not in columns]
    return frame.reindex(columns=[*columns, *extra])


class _CachedFrameAnalytics:
    """What the SDK's two analytics classes share (its ``AnalyticsMetricsBase``): a ``dataframe``
    cached once the job has ended, written out by ``export_csv``, dropped by ``clear_cache``."""

    _frame: Any = None

    def dataframe(self, force_refresh: bool = False) -> Any:  # noqa: D102 - each subclass says what it holds
        raise NotImplementedError

    def export_csv(self, filename: str) -> None:
        """The SDK's ``export_csv``: the dataframe written to ``filename``."""
        self.dataframe().to_csv(filename)

    def clear_cache(self) -> None:
        """Read the store again at the next ``dataframe()``."""
        self._frame = None


class HyperparameterTuningJobAnalytics(_CachedFrameAnalytics):
    """The SDK's analytics of one tuning job: its training jobs as a DataFrame.

    ``dataframe()`` has one row per training job: one column per tuned hyperparameter,
    then TrainingJobName, TrainingJobStatus, FinalObjectiveValue, TrainingStartTime,
    TrainingEndTime, TrainingElapsedTimeSeconds (and TuneLab's FailureReason and
    StoppedReason). ``sagemaker_session`` is accepted and unused; ``store`` is where the
    job lives (``Store()`` by default).
    """

    def __init__(self, hyperparameter_tuning_job_name: str, sagemaker_session: Any = None, *,
                 store: Store | None = None) -> None:
        self.store = store or Store()
        self.name = hyperparameter_tuning_job_name
        self._group = (None if self.store.tuning_job_exists(hyperparameter_tuning_job_name)
                       else group_or_none(self.store, hyperparameter_tuning_job_name))  # several definitions
        if self._group is None:
            self._job = self.store.get_tuning_job(hyperparameter_tuning_job_name)  # unknown: lists known names
        self._frame: pd.DataFrame | None = None
        self._description: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"<tuning.HyperparameterTuningJobAnalytics for {self.name}>"

    def description(self, force_refresh: bool = False) -> dict[str, Any]:
        """DescribeHyperParameterTuningJob's answer in AWS's shape (:func:`describe_tuning_job`),
        cached as the SDK caches it until ``force_refresh``."""
        if force_refresh or self._description is None:
            self._description = describe_tuning_job(self.store, self.name)
        return self._description

    @property
    def tuning_ranges(self) -> dict[str, dict[str, Any]]:
        """The ranges searched, as the SDK gives them: name to AWS's range entry, bounds as strings
        (``{"eta": {"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5", "ScalingType": "Auto"}}``)."""
        description = self.description()
        if "TrainingJobDefinitions" in description:  # the SDK's form: DefinitionName to its ranges
            return {item["DefinitionName"]: {entry["Name"]: entry for entries in item.get("HyperParameterRanges", {}).values()
                                             for entry in entries}
                    for item in description["TrainingJobDefinitions"]}
        ranges = description["HyperParameterTuningJobConfig"].get("ParameterRanges", {})
        return {entry["Name"]: entry for entries in ranges.values() for entry in entries}

    def training_job_summaries(self, force_refresh: bool = False) -> list[dict[str, Any]]:  # noqa: ARG002
        """Each training job as DescribeTrainingJob's (relevant) answer (with its TrainingJobDefinitionName
        when the tuning job has several definitions)."""
        if self._group is not None:
            return _group_summaries(self.store, definitions_group(self.store, self.name))
        metric = self._job.objective_metric_name
        return [training_job.describe(metric) for training_job in self.store.training_jobs(self.name)]

    def dataframe(self, force_refresh: bool = False) -> pd.DataFrame:
        """The training jobs table; cached once the tuning job has ended, as in the SDK."""
        if self._frame is not None and not force_refresh:
            return self._frame.copy()
        if self._group is not None:
            group = definitions_group(self.store, self.name)
            frame = _group_frame(self.store, group)
            if not group.is_active:
                self._frame = frame
            return frame.copy()
        job = self.store.get_tuning_job(self.name)
        frame = training_jobs_frame(self.store.training_jobs(self.name))
        tuned = list(job.config.get("HyperparameterRanges") or {})
        extra = [column for column in frame.columns if column not in tuned and column not in ANALYTICS_COLUMNS]
        frame = frame.reindex(columns=[*tuned, *ANALYTICS_COLUMNS, *extra])
        if not job.is_active:
            self._frame = frame
        return frame.copy()

    def clear_cache(self) -> None:
        """Read the store again at the next ``dataframe()`` or ``description()``."""
        super().clear_cache()
        self._description = None


def find_training_job(store: Store, training_job_name: str) -> Any:
    """The stored training job named ``training_job_name`` (``<tuning job>-001``, ...)."""
    tuning_job_name = training_job_name.rsplit("-", 1)[0] if "-" in training_job_name else training_job_name
    if store.tuning_job_exists(tuning_job_name):
        for training_job in store.training_jobs(tuning_job_name):
            if training_job.name == training_job_name:
                return training_job
    raise ValidationError(
        f"no training job named {training_job_name!r} in the store: TuneLab names them <tuning job>-001, "
        "-002, ...; see analytics().dataframe()['TrainingJobName'] or python -m tuning show NAME.")


class TrainingJobAnalytics(_CachedFrameAnalytics):
    """The SDK's ``TrainingJobAnalytics``: one training job's metric values as a DataFrame.

    ``dataframe()`` has the SDK's columns ``timestamp``, ``metric_name``, ``value`` (and
    TuneLab's ``step``, the round), one row per metric and round, metric after metric as the
    SDK fetches them: the objective metric (``validation:auc``) and its training-channel twin
    (``train:auc``), as AWS's XGBoost container logs both. TuneLab scores the training
    channel on a fixed sample of at most 5,000 of its rows (AWS on all of them); an
    algorithm that reports once (k-NN) has one row, its final validation value, and no
    ``train:`` rows. AWS reads CloudWatch, averaged per ``period``; TuneLab has the metric of
    every round reported. TuneLab does not time each round: ``timestamp`` spreads the rounds
    evenly over the job's elapsed seconds (the last round at the end), an estimate.
    ``metric_names`` may name those two metrics only; ``start_time``, ``end_time``,
    ``period`` and ``sagemaker_session`` are accepted and have no effect.
    """

    def __init__(self, training_job_name: str, metric_names: list[str] | None = None, sagemaker_session: Any = None,
                 start_time: Any = None, end_time: Any = None, period: Any = None, *,
                 store: Store | None = None) -> None:
        self.store = store or Store()
        self.name = training_job_name
        self._training_job = find_training_job(self.store, training_job_name)
        self.metric_name = self.store.get_tuning_job(self._training_job.tuning_job_name).objective_metric_name
        self.train_metric_name = train_metric_name(self.metric_name)
        known = [self.metric_name, self.train_metric_name]
        unknown = [name for name in (metric_names or []) if name not in known]
        if unknown:
            raise ValidationError(
                f"TrainingJobAnalytics: TuneLab records only the objective metric ({self.metric_name}) of a "
                f"training job and the same metric on the training channel ({self.train_metric_name}), not "
                f"{', '.join(map(repr, unknown))}. Leave metric_names out, or give some of {known!r}.")
        self.metric_names = [name for name in known if name in metric_names] if metric_names else known
        self._frame: pd.DataFrame | None = None

    def __repr__(self) -> str:
        return f"<tuning.TrainingJobAnalytics for {self.name}>"

    def dataframe(self, force_refresh: bool = False) -> pd.DataFrame:
        """The metric values, one row per metric and round (see the class docstring)."""
        if self._frame is not None and not force_refresh:
            return self._frame.copy()
        job = find_training_job(self.store, self.name)
        points = list(job.intermediate_values)
        if not points and job.final_objective_value is not None:
            points = [(1, job.final_objective_value)]
        series = {self.metric_name: points, self.train_metric_name: list(job.train_intermediate_values)}
        elapsed = job.elapsed_seconds or 0.0
        last = max((step for step, _ in points), default=1) or 1
        rows = [(elapsed * step / last, name, float(value), int(step))
                for name in self.metric_names for step, value in series[name]]
        frame = pd.DataFrame(rows, columns=["timestamp", "metric_name", "value", "step"])
        if job.status != "InProgress":
            self._frame = frame
        return frame.copy()


def train_metric_name(objective_metric_name: str) -> str:
    """The training channel's name of an objective metric: ``validation:auc`` -> ``train:auc``, as AWS's logs."""
    return "train:" + objective_metric_name.partition(":")[2]
