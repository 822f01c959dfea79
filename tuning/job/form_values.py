"""The Create page's form as plain data: its widget keys, and a job's values for them.

Importing a JSON job fills the form in widget by widget, so everything after it is
checked as if typed; and the page builds its job back from the same widget values. Both
directions live here, as pure functions of a :class:`~tuning.job.config.TuningJobConfig`
and a dictionary keyed by widget keys, so they are tested without a browser and cannot
drift apart: ``form_config(form_values(config))`` is the same job, and the form values of
that job are the same values. The page only does ``st.session_state.update(values)``;
nothing here imports Streamlit.

Every key the page uses is defined once, in :class:`Key` (fixed keys) or by the
functions below it (keys that name a dataset, an algorithm or a problem type, because
each of those has its own widget and so its own remembered choice).
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from tuning.algorithms import Algorithm, get_algorithm
from tuning.datasets import DatasetInfo
from tuning.errors import ValidationError
from tuning.job.completion import CompletionCriteria
from tuning.job.config import DEMO_PAUSE_SECONDS, TuningJobConfig
from tuning.job.warm_start import WarmStartConfig, WarmStartTypes
from tuning.parameters import CategoricalParameter, Parameter
from tuning.strategies import DEFAULT_GRID_POINTS, strategy_class, strategy_names

__all__ = [
    "DEFAULTS",
    "IMPORT_PATHS",
    "Key",
    "algorithm_key",
    "exclude_key",
    "form_config",
    "form_values",
    "hidden_statics",
    "import_notes",
    "max_resource_key",
    "metric_key",
    "min_resource_key",
    "overlay_ranges",
    "ranges_key",
    "resource_defaults",
]


@enum.unique
class Key(enum.StrEnum):
    """The Create page's fixed widget and session-state keys (a ``str``, as Streamlit wants)."""

    # Import a JSON job
    IMPORT_FILE = "create.import_file"
    IMPORT_TEXT = "create.import_text"
    IMPORT = "create.import"
    IMPORT_NOTES = "create.import_notes"
    IMPORT_NONCE = "create.import_nonce"
    IMPORTED_RANGES = "create.imported_ranges"
    # Handed over by the Datasets page (or an import): taken once, then removed
    DATASET_HANDOVER = "create_dataset"
    EXCLUDE_HANDOVER = "create_exclude"
    CONFIG_HANDOVER = "create_config"
    """A whole job's form values and a note, from another page (a lint fix on Results)."""
    # 1. Data and model
    DATASET = "create.dataset"
    # 2. Strategy
    STRATEGY = "create.strategy"
    GRID_POINTS = "create.grid_points"
    # 4. Limits and reproducibility
    RUN_ON = "create.run_on"
    SCHEDULER = "create.scheduler"
    MAX_JOBS = "create.max_jobs"
    MAX_RUNTIME = "create.max_runtime"
    MAX_PARALLEL = "create.max_parallel"
    EARLY_STOPPING = "create.early_stopping"
    GRACE_PERIOD = "create.grace_period"
    SEED = "create.seed"
    TEST_SPLIT = "create.test_split"
    SLOW_PACE = "create.slow_pace"
    SECTION = "create.section"  # presenter mode's tabs, one per section
    NAME = "create.name"
    USE_TARGET = "create.use_target"
    TARGET = "create.target"
    PATIENCE = "create.patience"
    CONVERGENCE = "create.convergence"
    WARM_PARENTS = "create.warm_parents"
    WARM_EXTRA = "create.warm_extra"
    WARM_TYPE = "create.warm_type"
    # 5. Check and launch
    EXPORT = "create.export"  # the JSON and SDK code expander, open or closed (lazy)
    DOWNLOAD_SAGEMAKER = "create.download.sagemaker"
    LINT_TRIAL = "create.lint_trial"
    LINT_TIME = "create.lint_time"
    LAUNCH = "create.launch"


def exclude_key(dataset: str) -> str:
    """The columns left out of one dataset (each dataset has its own columns)."""
    return f"create.exclude.{dataset}"


def algorithm_key(problem_type: str) -> str:
    """The algorithm chosen for one problem type (the choices differ per problem type)."""
    return f"create.algorithm.{problem_type}"


def metric_key(algorithm: str, problem_type: str) -> str:
    """The objective metric chosen for one algorithm on one problem type."""
    return f"create.metric.{algorithm}.{problem_type}"


def max_resource_key(algorithm: str) -> str:
    """Hyperband's MaxResource for one algorithm (its resource has its own scale)."""
    return f"create.max_resource.{algorithm}"


def min_resource_key(algorithm: str) -> str:
    """Hyperband's MinResource for one algorithm."""
    return f"create.min_resource.{algorithm}"


def ranges_key(algorithm: str, without_resource: bool, import_nonce: int) -> str:
    """The ranges editor's key: a new import starts a fresh editor, so older edits do not hide it."""
    return f"ranges-{algorithm}-{without_resource}-{import_nonce}"


# The widgets' starting values that do not depend on the data or the algorithm.
DEFAULTS: dict[str, Any] = {
    Key.STRATEGY: "Bayesian",
    Key.GRID_POINTS: DEFAULT_GRID_POINTS,
    Key.MAX_JOBS: 20,
    Key.MAX_RUNTIME: 0.0,
    Key.MAX_PARALLEL: min(2, os.cpu_count() or 1),
    Key.EARLY_STOPPING: False,
    Key.SEED: 42,
    Key.TEST_SPLIT: 0.0,
    Key.SLOW_PACE: False,
    Key.NAME: "",
    Key.USE_TARGET: False,
    Key.PATIENCE: 0,
    Key.CONVERGENCE: False,
    Key.WARM_PARENTS: [],
    Key.WARM_TYPE: WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM.value,
}

# Where each field the page needs sits in either JSON shape (SageMaker's, TuneLab's), so
# an import error names it.
IMPORT_PATHS = {
    "dataset": ("TrainingJobDefinition.InputDataConfig[0].DataSource.S3DataSource.S3Uri", "Dataset"),
    "algorithm": ("TrainingJobDefinition.AlgorithmSpecification.TrainingImage", "Algorithm"),
    "metric": ("HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName", "Objective.MetricName"),
    "strategy": ("HyperParameterTuningJobConfig.Strategy", "Strategy"),
}


def resource_defaults(algorithm: Algorithm) -> tuple[int, int]:
    """Hyperband's starting (MinResource, MaxResource): a tenth of the resource's default, and all of it."""
    if algorithm.resource is None:
        raise ValidationError(f"{algorithm.title} trains in one step: it has no resource for Hyperband.")
    maximum = int(algorithm.hyperparameters[algorithm.resource].default)
    return max(1, maximum // 10), maximum


def _dataset(name: Any, datasets: Sequence[DatasetInfo], where: str) -> DatasetInfo:
    by_name = {info.name: info for info in datasets}
    if not isinstance(name, str) or name not in by_name:
        raise ValidationError(
            f"{where}: this page tunes the bundled and uploaded datasets ({', '.join(by_name)}), "
            f"but the file names {str(name)!r}. Upload the CSV on the Datasets page and refer to it "
            "as tunelab://dataset/<name>, or run the file with `python -m tuning run`.")
    return by_name[name]


def form_values(config: TuningJobConfig | Mapping[str, Any], datasets: Sequence[DatasetInfo], *,
                aws: bool = False) -> dict[str, Any]:
    """The Create page's widget values for a job, keyed by widget key, to set before the widgets are drawn.

    ``config`` is a configuration or TuneLab's JSON of one (a SageMaker request is read
    with :func:`tuning.sagemaker.request_json.read_tuning_job_json` first; ``aws`` says so,
    and makes the errors name SageMaker's paths). ``datasets`` are those the page offers.
    Refuses (ValidationError naming the JSON path) what the page cannot show at all;
    :func:`import_notes` names the parts it leaves out. The columns to leave out come under
    :attr:`Key.EXCLUDE_HANDOVER`, for the page to keep those the dataset has.
    """
    if isinstance(config, Mapping):
        config = TuningJobConfig.from_dict(config)

    def where(field: str) -> str:
        return IMPORT_PATHS[field][0 if aws else 1]

    info = _dataset(config.dataset, datasets, where("dataset"))
    problem = info.problem_type
    algorithm = get_algorithm(config.algorithm)
    if problem not in algorithm.problem_types:
        raise ValidationError(f"{where('algorithm')}: {algorithm.title} does not handle {info.name} ({problem}).")
    metrics = [m.name for m in algorithm.objective_metrics(problem)]
    metric = config.objective_metric_name or algorithm.default_objective(problem)
    if metric not in metrics:
        raise ValidationError(f"{where('metric')}: {metric!r} does not apply to {info.name} ({problem}); "
                              f"use one of {', '.join(metrics)}.")
    if config.strategy not in strategy_names():
        raise ValidationError(f"{where('strategy')}: must be one of {', '.join(strategy_names())}, "
                              f"but got {config.strategy!r}.")
    values: dict[str, Any] = {
        Key.DATASET: info.name,
        Key.EXCLUDE_HANDOVER: list(config.exclude_columns),
        algorithm_key(problem): algorithm.name,
        metric_key(algorithm.name, problem): metric,
        Key.STRATEGY: config.strategy,
    }
    strategy_config = config.strategy_config
    for field, key in (("MaxResource", max_resource_key), ("MinResource", min_resource_key)):
        if field in strategy_config:
            values[key(algorithm.name)] = int(strategy_config[field])
    if isinstance(strategy_config.get("GridPoints"), int):  # per-range points: see import_notes
        values[Key.GRID_POINTS] = int(strategy_config["GridPoints"])
    if config.max_jobs is not None:
        values[Key.MAX_JOBS] = int(config.max_jobs)
    values[Key.MAX_PARALLEL] = int(config.max_parallel_jobs)
    values[Key.MAX_RUNTIME] = float(config.max_runtime_seconds or 0) / 60
    values[Key.EARLY_STOPPING] = config.early_stopping_type == "Auto"
    values[Key.GRACE_PERIOD] = config.early_stopping_grace_period  # None: the engine's default
    if config.random_seed is not None:
        values[Key.SEED] = int(config.random_seed)
    values[Key.TEST_SPLIT] = float(config.test_split_fraction or 0.0)  # 0: no test split
    values[Key.SLOW_PACE] = config.pause_between_jobs_seconds is not None
    values[Key.NAME] = config.name or ""
    criteria = config.completion_criteria or CompletionCriteria()
    values[Key.USE_TARGET] = criteria.target_objective_metric_value is not None
    if criteria.target_objective_metric_value is not None:
        values[Key.TARGET] = float(criteria.target_objective_metric_value)
    values[Key.PATIENCE] = int(criteria.max_number_of_training_jobs_not_improving or 0)
    values[Key.CONVERGENCE] = bool(criteria.complete_on_convergence)
    warm = config.warm_start_config
    values[Key.WARM_PARENTS] = list(warm.parents) if warm else []
    values[Key.WARM_EXTRA] = list(warm.parents) if warm else []  # parents the store may not hold
    if warm:
        values[Key.WARM_TYPE] = str(warm.warm_start_type)
    values[Key.IMPORTED_RANGES] = (algorithm.name, config.hyperparameter_ranges, dict(config.static_hyperparameters))
    return {str(key): value for key, value in values.items()}


def import_notes(config: TuningJobConfig) -> list[str]:
    """What the form leaves out of an imported job, each with the way to keep it."""
    notes = []
    if "GridPoints" in config.strategy_config and not isinstance(config.strategy_config["GridPoints"], int):
        notes.append(f"StrategyConfig GridPoints {config.strategy_config['GridPoints']!r} is not shown here: the page "
                     "takes one number for every range. Run the file with `python -m tuning run` to keep it.")
    if config.max_jobs is None:
        notes.append("MaxNumberOfTrainingJobs is not set in the file: the page keeps its own limit.")
    if config.validation_dataset is not None or config.validation_fraction != 0.2:
        notes.append("The file's validation channel or ValidationFraction is not shown here: the page holds out "
                     "20% of the dataset. Run the file with `python -m tuning run` to keep them.")
    if config.training_job_max_runtime_seconds is not None:
        notes.append(f"The training jobs' StoppingCondition.MaxRuntimeInSeconds "
                     f"({config.training_job_max_runtime_seconds:,} s) is not shown here: the page's training jobs "
                     "run under AWS's default of a day. Run the file with `python -m tuning run` to keep it.")
    if config.recorded_definition_fields:
        notes.append(f"The file's {', '.join(config.recorded_definition_fields)} do not change training here and the "
                     "page does not keep them. Run the file with `python -m tuning run` to keep them for export.")
    if config.autotune is not None:
        notes.append("The file turns Autotune on, which the page does not: it runs the settings its form shows "
                     "(the algorithm's default ranges where the file left them to Autotune). Run the file with "
                     "`python -m tuning run` to let Autotune choose.")
    return notes


def form_config(values: Mapping[str, Any], datasets: Sequence[DatasetInfo], *,
                ranges: Mapping[str, Parameter] | None = None,
                static: Mapping[str, Any] | None = None) -> TuningJobConfig:
    """The job the form's values describe: what Launch runs and the export tabs show.

    ``values`` is keyed as :func:`form_values` keys them; a key left out takes its widget's
    starting value (:data:`DEFAULTS`). ``ranges`` and ``static`` are the ranges editor's
    (:func:`tuning.job.range_table.read_range_rows`); left out, the imported ones
    (:attr:`Key.IMPORTED_RANGES`) if they are for this algorithm. Limits are not checked
    here: :meth:`TuningJobConfig.limit_errors` and ``prepare`` say what is wrong, beside
    each input.
    """
    def value(key: str) -> Any:
        return values.get(key, DEFAULTS.get(key))

    info = _dataset(values[Key.DATASET], datasets, "the dataset")
    problem = info.problem_type
    algorithm = get_algorithm(values[algorithm_key(problem)])
    metrics = {m.name: m for m in algorithm.objective_metrics(problem)}
    metric = metrics[values.get(metric_key(algorithm.name, problem), algorithm.default_objective(problem))]
    if ranges is None and static is None:
        imported = values.get(Key.IMPORTED_RANGES)
        if imported and imported[0] == algorithm.name:
            _, ranges, static = imported
    strategy = value(Key.STRATEGY)
    strategy_cls = strategy_class(strategy)  # the strategy's own facts: the settings it reads
    strategy_config: dict[str, int] = {}
    if strategy_cls.grows_resource and algorithm.resource is not None:
        low, high = resource_defaults(algorithm)
        strategy_config = {"MinResource": int(values.get(min_resource_key(algorithm.name), low)),
                           "MaxResource": int(values.get(max_resource_key(algorithm.name), high))}
    elif "GridPoints" in strategy_cls.settings:
        strategy_config = {"GridPoints": int(value(Key.GRID_POINTS))}
    early_stopping = (bool(value(Key.EARLY_STOPPING)) and algorithm.resource is not None
                      and not strategy_cls.grows_resource)
    grace_period = values.get(Key.GRACE_PERIOD) if early_stopping else None
    criteria = CompletionCriteria(
        target_objective_metric_value=float(values[Key.TARGET]) if value(Key.USE_TARGET) else None,
        max_number_of_training_jobs_not_improving=int(value(Key.PATIENCE)) or None,
        complete_on_convergence=bool(value(Key.CONVERGENCE)),
    )
    parents = list(value(Key.WARM_PARENTS))
    max_runtime_minutes = value(Key.MAX_RUNTIME)
    test_split = value(Key.TEST_SPLIT)
    slow = bool(values.get(Key.SLOW_PACE, False))  # a demo's pace: one training job at a time, a pause between
    return TuningJobConfig(
        dataset=info.name,
        algorithm=algorithm.name,
        objective_metric_name=metric.name,
        objective_type=metric.direction,
        hyperparameter_ranges=ranges,
        static_hyperparameters=dict(static or {}),
        strategy=strategy,
        strategy_config=strategy_config,
        max_jobs=int(value(Key.MAX_JOBS)),
        max_parallel_jobs=1 if slow else int(value(Key.MAX_PARALLEL)),
        max_runtime_seconds=max_runtime_minutes * 60 if max_runtime_minutes else None,
        early_stopping_type="Auto" if early_stopping else "Off",
        early_stopping_grace_period=None if grace_period is None else int(grace_period),
        random_seed=int(value(Key.SEED)),
        name=str(value(Key.NAME)).strip() or None,
        completion_criteria=criteria if criteria.to_json() else None,
        warm_start_config=WarmStartConfig(WarmStartTypes(value(Key.WARM_TYPE)), parents) if parents else None,
        exclude_columns=list(values.get(exclude_key(info.name), values.get(Key.EXCLUDE_HANDOVER, []))),
        test_split_fraction=float(test_split) if test_split else None,  # 0 (the widget's start): none
        pause_between_jobs_seconds=DEMO_PAUSE_SECONDS if slow else None,
    )


def _cell(value: object) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def overlay_ranges(rows: pd.DataFrame, algorithm: Algorithm,
                   imported: tuple[str, Mapping[str, Parameter] | None, Mapping[str, Any]] | None,
                   ) -> tuple[pd.DataFrame, list[str]]:
    """The ranges table (:func:`~tuning.job.range_table.range_rows`) with an imported job's ranges and static values.

    ``imported`` is the :attr:`Key.IMPORTED_RANGES` value (algorithm, ranges, static
    values); for another algorithm the table is returned as it is. The notes name what the
    table cannot show.
    """
    if not imported or imported[0] != algorithm.name:
        return rows, []
    _, ranges, static = imported
    if ranges is not None:  # an older name (the MLP's hidden_layers) fills today's row (num_layers)
        ranges = algorithm.current_names(ranges)
    static = algorithm.current_names(static)
    rows = rows.copy()
    notes = []
    shown = set(rows["Hyperparameter"])
    for index, name in rows["Hyperparameter"].items():
        parameter: Parameter | None = None if ranges is None else ranges.get(name)
        if ranges is not None and parameter is None:
            rows.at[index, "Tune"] = False
        if parameter is not None:
            if parameter.kind != rows.at[index, "Type"]:
                notes.append(f"{name} is a {parameter.kind} range in the file, but {rows.at[index, 'Type']} in "
                             f"{algorithm.title}'s table: fill it in by hand.")
            elif isinstance(parameter, CategoricalParameter):
                rows.at[index, "Tune"] = True
                rows.at[index, "Values"] = ", ".join(_cell(value) for value in parameter.values)
            else:
                rows.at[index, "Tune"] = True
                rows.at[index, "MinValue"] = float(parameter.min_value)
                rows.at[index, "MaxValue"] = float(parameter.max_value)
                rows.at[index, "ScalingType"] = str(parameter.scaling_type)
        if name in static:
            rows.at[index, "Value"] = _cell(static[name])
    hidden = hidden_statics(algorithm, imported)
    if hidden:
        notes.append(f"Kept from the file as static values, though the table does not show them ({algorithm.title} "
                     f"has them as static-only hyperparameters): {', '.join(f'{k}={_cell(v)}' for k, v in hidden.items())}.")
    left_out = sorted((set(ranges or {}) | set(static)) - shown - set(hidden))
    for name in [name for name in left_out if name in algorithm.refused_hyperparameters]:  # the MLP's dropout
        notes.append(f"Left out: {name}. {algorithm.title} has no {name}: {algorithm.refused_hyperparameters[name]}")
        left_out.remove(name)
    if left_out:
        notes.append(f"Not in this table (the strategy owns it, or {algorithm.title} has no such hyperparameter): "
                     f"{', '.join(left_out)}.")
    return rows, notes


def hidden_statics(algorithm: Algorithm,
                   imported: tuple[str, Mapping[str, Parameter] | None, Mapping[str, Any]] | None) -> dict[str, Any]:
    """An imported job's values for ``algorithm``'s static-only hyperparameters, which the ranges table leaves out.

    Why: the table shows the tunable hyperparameters only (:func:`~tuning.job.range_table.range_rows`);
    without this, a file's ``tree_method`` or ``scale_pos_weight`` would be dropped on launch.
    """
    if not imported or imported[0] != algorithm.name:
        return {}
    specs = algorithm.hyperparameters
    return {name: value for name, value in imported[2].items() if name in specs and not specs[name].tunable}
