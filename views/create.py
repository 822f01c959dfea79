"""Create tuning job: data, algorithm, objective, ranges, strategy and limits, checked live.

The page checks the whole configuration with the engine's own ``prepare`` on every
change, so a mistake shows up inline, beside its input, before the Launch button is even
enabled; launching then starts the job in a background thread of the server and returns.

A SageMaker tuning job JSON (or TuneLab's) can be imported at the top: it fills the form
in, widget by widget, so what follows is checked exactly as if typed. At the bottom the
job is shown in AWS's CreateHyperParameterTuningJob shape, TuneLab's shape and as
SageMaker Python SDK code, so a job designed here runs on SageMaker and back.
"""

from __future__ import annotations

import dataclasses
import json
import os

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from views.shared import PROBLEM_TYPE_SHORT, get_launcher, get_store, literal, mark_dead_runners
from tuning import CompletionCriteria, TuningJobConfig, ValidationError, WarmStartConfig, WarmStartTypes, prepare
from tuning.algorithms import Algorithm, get_algorithm, list_algorithms
from tuning.analysis.baseline import imbalance_hint
from tuning.running.cluster import check_scheduler_address, default_scheduler, scheduler_or_none
from tuning.datasets import Dataset, DatasetInfo, list_datasets, load_dataset
from tuning.job.early_stopping import default_grace_period
from tuning.errors import TuneLabError
from tuning.json_input import parse_json
from tuning.glossary import CONCEPTS, SCALING_TYPES
from tuning.metrics import ObjectiveMetric
from tuning.parameters import CategoricalParameter, Parameter
from tuning.job.range_table import SCALING_TYPES as SCALING_NAMES
from tuning.job.range_table import range_rows, read_range_rows
from tuning.records import ACTIVE_TUNING_STATUSES
from tuning.sagemaker.request_json import is_sagemaker_request, read_tuning_job_json, to_sagemaker_request
from tuning.sagemaker.sdk_code import sdk_code
from tuning.strategies import DEFAULT_GRID_POINTS, DEFAULT_STRATEGY, strategy_classes, strategy_names
from tuning.job.warm_start import MAX_PARENTS

# Where the training jobs can run; a cluster also needs its scheduler's address. (A comment:
# Streamlit's "magic" draws a bare string in a page script on the page.)
RUN_ON = {"This machine (process pool)": None, "A Dask cluster": "dask"}



@st.cache_resource(max_entries=4, show_spinner="Loading the dataset…")
def cached_dataset(info: DatasetInfo) -> Dataset:
    """Each rerun checks the job against its data; reading a 41,000-row CSV once is enough."""
    return load_dataset(info.name)


def explain(text: str) -> None:
    st.caption(text)


def metric_label(metric: ObjectiveMetric) -> str:
    better = "higher" if metric.higher_is_better else "lower"
    return f"{metric.name} — {metric.direction} ({better} is better)"


# Where each field the page needs sits in either JSON shape, so an import error names it.
IMPORT_PATHS = {
    "dataset": ("TrainingJobDefinition.InputDataConfig[0].DataSource.S3DataSource.S3Uri", "Dataset"),
    "algorithm": ("TrainingJobDefinition.AlgorithmSpecification.TrainingImage", "Algorithm"),
    "metric": ("HyperParameterTuningJobConfig.HyperParameterTuningJobObjective.MetricName", "Objective.MetricName"),
    "strategy": ("HyperParameterTuningJobConfig.Strategy", "Strategy"),
}
WARM_START_TYPES = {
    "IdenticalDataAndAlgorithm": "Same dataset, split and algorithm as the parents: their results are taken "
                                 "as if this job had run them.",
    "TransferLearning": "The data may differ (new rows, another CSV): the parents' results still guide "
                        "where to look first.",
}


def read_import(text: str | bytes) -> tuple[TuningJobConfig, bool]:
    """Either JSON shape from an upload or the text area; bad JSON becomes a ValidationError."""
    data = parse_json(text, "the text")
    return read_tuning_job_json(data), is_sagemaker_request(data)


def prefill(config: TuningJobConfig, aws: bool, datasets: list[DatasetInfo]) -> list[str]:
    """Set the page's widget keys from an imported job, before the widgets are drawn.

    Refuses (ValidationError naming the JSON path) what the page cannot show at all, and
    returns notes on the parts it leaves out.
    """
    def where(field: str) -> str:
        return IMPORT_PATHS[field][0 if aws else 1]

    by_name = {info.name: info for info in datasets}
    if not isinstance(config.dataset, str) or config.dataset not in by_name:
        raise ValidationError(
            f"{where('dataset')}: this page tunes the bundled and uploaded datasets ({', '.join(by_name)}), "
            f"but the file names {str(config.dataset)!r}. Upload the CSV on the Datasets page and refer to it "
            "as tunelab://dataset/<name>, or run the file with `python -m tuning run`.")
    info = by_name[config.dataset]
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
    state = st.session_state
    state["create.dataset"] = info.name
    state["create_exclude"] = list(config.exclude_columns)  # the multiselect takes it, by the dataset box
    state[f"create.algorithm.{problem}"] = algorithm.name
    state[f"create.metric.{algorithm.name}.{problem}"] = metric
    state["create.strategy"] = config.strategy
    strategy_config = config.strategy_config
    for field, key in (("MaxResource", "max_resource"), ("MinResource", "min_resource")):
        if field in strategy_config:
            state[f"create.{key}.{algorithm.name}"] = int(strategy_config[field])
    notes = []
    if "GridPoints" in strategy_config:
        if isinstance(strategy_config["GridPoints"], int):
            state["create.grid_points"] = int(strategy_config["GridPoints"])
        else:  # per-range points
            notes.append(f"StrategyConfig GridPoints {strategy_config['GridPoints']!r} is not shown here: the page "
                         "takes one number for every range. Run the file with `python -m tuning run` to keep it.")
    if config.max_jobs is not None:
        state["create.max_jobs"] = int(config.max_jobs)
    else:
        notes.append("MaxNumberOfTrainingJobs is not set in the file: the page keeps its own limit.")
    state["create.max_parallel"] = int(config.max_parallel_jobs)
    state["create.max_runtime"] = float(config.max_runtime_seconds or 0) / 60
    state["create.early_stopping"] = config.early_stopping_type == "Auto"
    state["create.grace_period"] = config.early_stopping_grace_period  # None: the engine's default
    if config.random_seed is not None:
        state["create.seed"] = int(config.random_seed)
    state["create.name"] = config.name or ""
    criteria = config.completion_criteria or CompletionCriteria()
    state["create.use_target"] = criteria.target_objective_metric_value is not None
    if criteria.target_objective_metric_value is not None:
        state["create.target"] = float(criteria.target_objective_metric_value)
    state["create.patience"] = int(criteria.max_number_of_training_jobs_not_improving or 0)
    state["create.convergence"] = bool(criteria.complete_on_convergence)
    warm = config.warm_start_config
    state["create.warm_parents"] = list(warm.parents) if warm else []
    state["create.warm_extra"] = list(warm.parents) if warm else []
    if warm:
        state["create.warm_type"] = str(warm.warm_start_type)
    state["create.imported_ranges"] = (algorithm.name, config.hyperparameter_ranges,
                                       dict(config.static_hyperparameters))
    state["create.import_nonce"] = state.get("create.import_nonce", 0) + 1
    if config.validation_dataset is not None or config.validation_fraction != 0.2:
        notes.append("The file's validation channel or ValidationFraction is not shown here: the page holds out "
                     "20% of the dataset. Run the file with `python -m tuning run` to keep them.")
    return notes


def _cell(value: object) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def overlay_import(rows: pd.DataFrame, algorithm: Algorithm) -> tuple[pd.DataFrame, list[str]]:
    """The ranges table with an imported job's ranges and static values filled in."""
    imported = st.session_state.get("create.imported_ranges")
    if not imported or imported[0] != algorithm.name:
        return rows, []
    _, ranges, static = imported
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
    left_out = sorted((set(ranges or {}) | set(static)) - shown)
    if left_out:
        notes.append(f"Not in this table (the strategy owns it, or {algorithm.title} has no such hyperparameter): "
                     f"{', '.join(left_out)}.")
    return rows, notes


st.title("Create tuning job")
st.caption("Choose the data, the model and the search. Everything is checked as you type; "
           "Launch starts the job in the background and you can watch it on the Monitor page.")

datasets = list_datasets(include_uploaded=True)
names = [info.name for info in datasets]

with st.expander("Import a SageMaker tuning job JSON", icon=":material/upload_file:"):
    st.caption("A CreateHyperParameterTuningJob request as SageMaker takes it (`aws sagemaker "
               "create-hyper-parameter-tuning-job --cli-input-json`), or TuneLab's own JSON: the form below is "
               "filled in from it.")
    uploaded = st.file_uploader("JSON file", type=["json"], key="create.import_file")
    pasted = st.text_area("…or paste the JSON", key="create.import_text", height=150)
    if st.button("Import", key="create.import", icon=":material/download:"):
        text = uploaded.getvalue() if uploaded is not None else pasted  # bytes: binary gets its own message
        try:
            imported, aws = read_import(text)
            notes = prefill(imported, aws, datasets)
        except TuneLabError as error:
            st.error(f"Cannot import it: {literal(str(error))}", icon=":material/error:")
        else:
            st.session_state["create.import_notes"] = (
                f"Imported {'SageMaker' if aws else 'TuneLab'} JSON{f' for {imported.name}' if imported.name else ''}.",
                notes)
            st.rerun()
    if "create.import_notes" in st.session_state:
        done, notes = st.session_state["create.import_notes"]
        st.success(done, icon=":material/check_circle:")
        for note in notes:
            st.warning(literal(note), icon=":material/warning:")

# -- 1. Data, algorithm, objective ------------------------------------------------------
st.subheader("1. Data and model")
wanted = st.session_state.pop("create_dataset", None)  # handed over by the Datasets page
if wanted in names:
    st.session_state["create.dataset"] = wanted
left, middle, right = st.columns(3)
with left:
    dataset_name = st.selectbox(
        "Dataset", names, key="create.dataset",
        format_func=lambda n: next(f"{i.name} ({PROBLEM_TYPE_SHORT[i.problem_type]}, {i.rows:,} rows)"
                                   for i in datasets if i.name == n),
    )
    info = next(i for i in datasets if i.name == dataset_name)
    explain(CONCEPTS["dataset"])
    # Leave columns out (ExcludeColumns); the Datasets page or an import hands a choice over.
    try:
        feature_columns = [str(column) for column in cached_dataset(info).features.columns]
    except TuneLabError:  # the data does not load: section 5 says why
        feature_columns = []
    handed = st.session_state.pop("create_exclude", None)
    if handed is not None:
        st.session_state[f"create.exclude.{info.name}"] = [c for c in handed if c in feature_columns]
        if unknown := [c for c in handed if c not in feature_columns]:
            st.warning(f"{info.name} has no feature column {literal(', '.join(unknown))}, so it is not left out.",
                       icon=":material/warning:")
    excluded = st.multiselect("Leave columns out", feature_columns, key=f"create.exclude.{info.name}",
                              placeholder="Use every column")
    explain("A column that is only known after the outcome, like `duration` in bank-marketing, leaks the "
            "answer: leave it out, and neither the models nor a deployed endpoint use it.")
with middle:
    algorithms = [a for a in list_algorithms() if info.problem_type in a.problem_types]
    titles = {a.name: a.title for a in algorithms}
    algorithm: Algorithm = get_algorithm(st.selectbox(
        "Algorithm", list(titles), format_func=titles.get, key=f"create.algorithm.{info.problem_type}"))
    explain(algorithm.summary or CONCEPTS["algorithm"])
with right:
    metrics = {m.name: m for m in algorithm.objective_metrics(info.problem_type)}
    default_metric = algorithm.default_objective(info.problem_type)
    metric: ObjectiveMetric = metrics[st.selectbox(
        "Objective metric", list(metrics), format_func=lambda name: metric_label(metrics[name]),
        key=f"create.metric.{algorithm.name}.{info.problem_type}", index=list(metrics).index(default_metric),
    )]
    try:  # accuracy on data one class dominates: point to AUC or F1, in sight of the metric's box
        loaded = cached_dataset(info)
        hint = imbalance_hint(metric.name, loaded.target, loaded.problem_type)
    except TuneLabError:  # the data does not load: section 5 says why
        hint = None
    if hint:
        st.info(literal(hint), icon=":material/balance:")
    explain(CONCEPTS["objective_metric"])

# -- 2. Strategy ------------------------------------------------------------------------
st.subheader("2. Strategy")
# Each strategy's facts are on its class: its name, its summary, the settings it reads.
strategies = {cls.name: cls for cls in strategy_classes()}
strategy = st.radio("Strategy", list(strategies), index=list(strategies).index(DEFAULT_STRATEGY), horizontal=True,
                    key="create.strategy", captions=[cls.summary for cls in strategies.values()],
                    label_visibility="collapsed")
grows_resource = strategies[strategy].grows_resource
strategy_config: dict[str, int] = {}
strategy_errors: list[str] = []
# Each limit's input takes any whole number and keeps a slot under it for the engine's own
# message (filled in "Check and launch"): Streamlit's min_value would refuse 0 with its own
# box, the engine would never see it, and Launch would stay enabled.
limit_slots: dict[str, DeltaGenerator] = {}
resource = algorithm.resource
if grows_resource:
    if resource is None:
        strategy_errors.append(f"{algorithm.title} trains in one step, so {strategy} has no budget to grow. "
                               "Choose Bayesian or Random for it.")
    else:
        spec = algorithm.hyperparameters[resource]
        low, high = st.columns(2)
        maximum = low.number_input(f"MaxResource ({resource})", key=f"create.max_resource.{algorithm.name}", value=int(spec.default), step=1,
                                   help="The budget the most promising training jobs grow to.")
        limit_slots["MaxResource"] = low.empty()
        minimum = high.number_input(f"MinResource ({resource})", key=f"create.min_resource.{algorithm.name}",
                                    value=max(1, int(spec.default) // 10), step=1,
                                    help="The budget every training job gets before the first cut.")
        limit_slots["MinResource"] = high.empty()
        strategy_config = {"MinResource": int(minimum), "MaxResource": int(maximum)}
        explain(CONCEPTS["resource"])
if "GridPoints" in strategies[strategy].settings:
    points = st.number_input("GridPoints", key="create.grid_points", value=DEFAULT_GRID_POINTS, step=1)
    limit_slots["GridPoints"] = st.empty()
    strategy_config["GridPoints"] = int(points)
    explain(CONCEPTS["grid_points"])
for message in strategy_errors:
    st.error(literal(message), icon=":material/error:")

# -- 3. Ranges --------------------------------------------------------------------------
st.subheader("3. Hyperparameter ranges")
explain(CONCEPTS["ranges"])
owned_by_strategy = (resource,) if grows_resource and resource else ()
rows, import_notes = overlay_import(range_rows(algorithm, exclude=owned_by_strategy), algorithm)
for message in import_notes:
    st.warning(literal(message), icon=":material/warning:")
edited = st.data_editor(
    rows,
    # A new import starts a fresh editor, so the imported table is not hidden by older edits.
    key=f"ranges-{algorithm.name}-{bool(owned_by_strategy)}-{st.session_state.get('create.import_nonce', 0)}",
    hide_index=True,
    num_rows="fixed",
    width="stretch",
    column_config={
        "Tune": st.column_config.CheckboxColumn("Tune", help="Tick to search a range; untick to keep Value."),
        "Hyperparameter": st.column_config.TextColumn(disabled=True),
        "Type": st.column_config.TextColumn(disabled=True),
        "MinValue": st.column_config.NumberColumn(format="%g"),
        "MaxValue": st.column_config.NumberColumn(format="%g"),
        "ScalingType": st.column_config.SelectboxColumn(options=list(SCALING_NAMES)),
        "Values": st.column_config.TextColumn(help="A categorical range's values, separated by commas."),
        "Value": st.column_config.TextColumn(help="Used when the hyperparameter is not tuned."),
        "Description": st.column_config.TextColumn(disabled=True, width="large"),
    },
)
with st.expander("What do the scaling types mean?"):
    for name, sentence in SCALING_TYPES.items():
        st.markdown(f"- **{name}**: {sentence}")
table = read_range_rows(algorithm, edited)
for message in table.errors:
    st.error(literal(message), icon=":material/error:")

# -- 4. Limits --------------------------------------------------------------------------
st.subheader("4. Limits and reproducibility")
cores = os.cpu_count() or 1
where_column, address_column = st.columns([1, 2])
with where_column:
    # The default comes from $TUNELAB_SCHEDULER, so a lab's server can point every job at its cluster.
    run_on = st.radio("Run the training jobs on", list(RUN_ON), key="create.run_on",
                      index=1 if default_scheduler() else 0)
with address_column:
    address = st.text_input("Dask scheduler address", key="create.scheduler", value=default_scheduler() or "",
                            placeholder="tcp://HOST:8786", disabled=RUN_ON[run_on] is None)
    explain(CONCEPTS["scheduler"])
scheduler = scheduler_or_none(address) if RUN_ON[run_on] else None
scheduler_errors = []
if RUN_ON[run_on] and scheduler is None:
    scheduler_errors.append("Give the Dask scheduler's address (tcp://HOST:8786), or run on this machine.")
elif scheduler is not None:
    try:
        check_scheduler_address(scheduler)  # its shape only; Launch connects (a few seconds at most)
    except TuneLabError as error:
        scheduler_errors.append(str(error))
first, second, third = st.columns(3)
with first:
    max_jobs = st.number_input("Maximum training jobs", key="create.max_jobs", value=20, step=1)
    limit_slots["max_jobs"] = st.empty()
    explain(CONCEPTS["max_jobs"])
    max_runtime_minutes = st.number_input("Maximum runtime (minutes, 0 for none)", key="create.max_runtime",
                                          value=0.0, step=1.0)
    limit_slots["max_runtime_seconds"] = st.empty()
    explain(CONCEPTS["max_runtime"])
with second:
    max_parallel = st.number_input("Parallel training jobs", key="create.max_parallel", value=min(2, cores), step=1)
    limit_slots["max_parallel_jobs"] = st.empty()
    explain(CONCEPTS["max_parallel_jobs"])
    if max_parallel > cores and scheduler is None:
        st.warning(f"This machine has {cores} CPU cores: more than {cores} parallel jobs only queue up.",
                   icon=":material/warning:")
    early_stopping_possible = resource is not None and not grows_resource
    early_stopping = st.toggle("Early stopping (Auto)", key="create.early_stopping", value=False, disabled=not early_stopping_possible)
    explain(CONCEPTS["early_stopping"] if early_stopping_possible else
            "Early stopping is off: " + (f"{strategy} stops jobs itself." if grows_resource
                                         else f"{algorithm.title} reports its objective only at the end."))
    grace_period = None
    if early_stopping and early_stopping_possible:
        steps = f"{algorithm.resource_step or 'step'}s"
        if resource in table.ranges:
            default_grace = f"a tenth of each training job's {resource}"
        else:
            rounds = int(table.static.get(resource, algorithm.hyperparameters[resource].default))
            default_grace = f"{default_grace_period(rounds)} of {rounds} {steps}"
        grace_period = st.number_input(
            f"Grace period ({steps} before a job can be stopped)", key="create.grace_period", value=None, step=1,
            placeholder=f"default: {default_grace}",
            help=f"Every training job trains this many {steps} before early stopping may judge it; empty for the "
                 f"default ({default_grace}). Too short, and jobs are judged before they have learnt anything.")
with third:
    seed = st.number_input("Random seed", key="create.seed", value=42, step=1)
    limit_slots["random_seed"] = st.empty()
    explain(CONCEPTS["random_seed"])
    job_name = st.text_input("Tuning job name (optional)", key="create.name", max_chars=32, placeholder="fresh name if empty")
    explain(CONCEPTS["name"])

with st.expander("Completion criteria: end early (optional)"):
    explain(CONCEPTS["completion_criteria"])
    target_column, patience_column, convergence_column = st.columns(3)
    use_target = target_column.checkbox("Stop at a target objective", key="create.use_target")
    target_value = target_column.number_input(
        f"TargetObjectiveMetricValue ({metric.name})", key="create.target", format="%.4g",
        value=0.9 if metric.higher_is_better else 0.1, disabled=not use_target)
    patience = patience_column.number_input(
        "Jobs without 1% improvement (0: off)", key="create.patience", min_value=0, max_value=10_000, value=0,
        step=1, help="BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving; AMT asks for at least 3.")
    convergence = convergence_column.toggle("Complete on convergence", key="create.convergence",
                                            help="ConvergenceDetected, TuneLab's rule: from 20 completed training jobs on, "
                                                 "end when the last 10 improved the best by less than 0.1%.")
criteria = CompletionCriteria(
    target_objective_metric_value=float(target_value) if use_target else None,
    max_number_of_training_jobs_not_improving=int(patience) or None,
    complete_on_convergence=bool(convergence),
)

with st.expander("Warm start from earlier tuning jobs (optional)"):
    st.caption("A warm-started job begins where up to five finished ones left off: their training jobs "
               "inform the search before its first training job (AMT's WarmStartConfig).")
    store = get_store()
    mark_dead_runners(store)  # a parent whose process died has ended (Interrupted)
    ended = [job for job in store.list_tuning_jobs() if job.status not in ACTIVE_TUNING_STATUSES]
    ended.sort(key=lambda job: (job.algorithm, job.objective_metric_name) != (algorithm.name, metric.name))
    jobs_by_name = {job.name: job for job in ended}
    extra = [name for name in st.session_state.get("create.warm_extra", []) if name not in jobs_by_name]
    parents = st.multiselect(
        "Parent tuning jobs", [*jobs_by_name, *extra], key="create.warm_parents", max_selections=MAX_PARENTS,
        format_func=lambda name: (f"{name} ({jobs_by_name[name].algorithm}, {jobs_by_name[name].objective_metric_name}, "
                                  f"{jobs_by_name[name].status})" if name in jobs_by_name else f"{name} (not in the store)"),
        help="Finished tuning jobs; those with the same algorithm and objective metric come first.",
        placeholder="No warm start",
    )
    warm_type = st.radio("WarmStartType", list(WARM_START_TYPES), key="create.warm_type",
                         captions=list(WARM_START_TYPES.values()), horizontal=True, disabled=not parents)

# -- Check and launch --------------------------------------------------------------------
config = TuningJobConfig(
    dataset=info.name,
    algorithm=algorithm.name,
    objective_metric_name=metric.name,
    objective_type=metric.direction,
    hyperparameter_ranges=table.ranges,
    static_hyperparameters=table.static,
    strategy=strategy,
    strategy_config=strategy_config,
    max_jobs=int(max_jobs),
    max_parallel_jobs=int(max_parallel),
    max_runtime_seconds=max_runtime_minutes * 60 if max_runtime_minutes else None,
    early_stopping_type="Auto" if early_stopping and early_stopping_possible else "Off",
    early_stopping_grace_period=None if grace_period is None else int(grace_period),
    random_seed=int(seed),
    name=job_name.strip() or None,
    completion_criteria=criteria if criteria.to_json() else None,
    warm_start_config=WarmStartConfig(WarmStartTypes(warm_type), parents) if parents else None,
    exclude_columns=excluded,
)

st.subheader("5. Check and launch")
# The engine's rules for the limits (those of check_limits and prepare), each shown beside its input.
limit_errors = config.limit_errors()
for field, message in limit_errors.items():
    if field in limit_slots:  # every limit on the page has one; the list below repeats them all
        limit_slots[field].error(literal(message), icon=":material/error:")
problems = strategy_errors + table.errors + scheduler_errors + list(limit_errors.values())
prepared = None
if not problems:
    try:
        # The engine's own check, on the cached data: exactly what Launch will check.
        prepared = prepare(dataclasses.replace(config, dataset=cached_dataset(info)),
                           store=get_store())
    except TuneLabError as error:
        problems.append(str(error))
if problems:
    st.error("Fix these before launching:\n\n" + "\n".join(f"- {literal(message)}" for message in problems),
             icon=":material/error:")
else:
    tuned = ", ".join(prepared.ranges)
    st.info(
        f"**{prepared.max_jobs} training jobs**, {config.max_parallel_jobs} at a time, {strategy} search over "
        f"{tuned}, {metric.direction.lower()[:-1]}ing {metric.name} on {info.name}"
        + (f", on the Dask cluster at {scheduler}." if scheduler else "."),
        icon=":material/check_circle:",
    )
with st.expander("The same tuning job as SageMaker JSON, TuneLab JSON or SageMaker Python SDK code"):
    sagemaker_tab, tunelab_tab, sdk_tab = st.tabs(["SageMaker JSON", "TuneLab JSON", "SageMaker Python SDK"])
    file_name = config.name or f"{info.name}-{algorithm.name}"
    try:
        request = json.dumps(to_sagemaker_request(config), indent=2)
        code = sdk_code(config)
    except TuneLabError as error:
        request = code = None
        st.error(literal(str(error)), icon=":material/error:")
    with sagemaker_tab:
        if request is not None:
            st.caption("The CreateHyperParameterTuningJob request: `aws sagemaker create-hyper-parameter-tuning-job "
                       "--cli-input-json file://job.json` after replacing the placeholders (role, S3 URIs), or "
                       "`python -m tuning run job.json` here.")
            st.download_button("Download SageMaker JSON", request, file_name=f"{file_name}.json",
                               mime="application/json", key="create.download.sagemaker", icon=":material/download:")
            st.code(request, language="json")
    with tunelab_tab:
        st.caption("TuneLab's own JSON, for `python -m tuning run job.json`.")
        st.code(json.dumps(config.to_dict(), indent=2), language="json")
    with sdk_tab:
        if code is not None:
            st.caption("The same job with the SageMaker Python SDK, for a SageMaker notebook.")
            st.code(code, language="python")

if st.button("Launch tuning job", key="create.launch", type="primary", disabled=bool(problems), icon=":material/rocket_launch:"):
    try:
        with st.spinner("Starting…"):
            name = get_launcher().launch(dataclasses.replace(config, dataset=cached_dataset(info)),
                                         scheduler=scheduler)
    except TuneLabError as error:
        st.error(literal(str(error)), icon=":material/error:")
    else:
        st.session_state["tuning_job"] = name
        st.success(f"Launched **{name}**; it runs in the background. Launch more, or watch it live.")
        st.page_link("views/monitor.py", label="Watch it on the Monitor page", icon=":material/monitoring:")
