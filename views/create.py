"""Create tuning job: data, algorithm, objective, ranges, strategy and limits, checked live.

The page checks the whole configuration with the engine's own ``prepare`` on every
change, so a mistake shows up inline, beside its input, before the Launch button is even
enabled; launching then starts the job in a background thread of the server and returns.
"""

from __future__ import annotations

import dataclasses
import json
import os

import streamlit as st

from views.shared import PROBLEM_TYPE_SHORT, get_launcher, get_store
from tuning import CompletionCriteria, TuningJobConfig, ValidationError, prepare
from tuning.algorithms import Algorithm, get_algorithm, list_algorithms
from tuning.config import MAX_PARALLEL_JOBS, MAX_TRAINING_JOBS
from tuning.datasets import Dataset, DatasetInfo, list_datasets, load_dataset
from tuning.errors import TuneLabError
from tuning.glossary import CONCEPTS, SCALING_TYPES, STRATEGIES
from tuning.metrics import ObjectiveMetric
from tuning.range_table import SCALING_TYPES as SCALING_NAMES
from tuning.range_table import range_rows, read_range_rows
from tuning.strategies import DEFAULT_GRID_POINTS, STRATEGY_NAMES



@st.cache_resource(max_entries=4, show_spinner="Loading the dataset…")
def cached_dataset(info: DatasetInfo) -> Dataset:
    """Each rerun checks the job against its data; reading a 41,000-row CSV once is enough."""
    return load_dataset(info.name)


def explain(text: str) -> None:
    st.caption(text)


def metric_label(metric: ObjectiveMetric) -> str:
    better = "higher" if metric.higher_is_better else "lower"
    return f"{metric.name} — {metric.direction} ({better} is better)"


st.title("Create tuning job")
st.caption("Choose the data, the model and the search. Everything is checked as you type; "
           "Launch starts the job in the background and you can watch it on the Monitor page.")

# -- 1. Data, algorithm, objective ------------------------------------------------------
st.subheader("1. Data and model")
datasets = list_datasets(include_uploaded=True)
names = [info.name for info in datasets]
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
    explain(CONCEPTS["objective_metric"])

# -- 2. Strategy ------------------------------------------------------------------------
st.subheader("2. Strategy")
strategy = st.radio("Strategy", STRATEGY_NAMES, index=STRATEGY_NAMES.index("Bayesian"), horizontal=True, key="create.strategy",
                    captions=[STRATEGIES[name] for name in STRATEGY_NAMES], label_visibility="collapsed")
strategy_config: dict[str, int] = {}
strategy_errors: list[str] = []
resource = algorithm.resource
if strategy == "Hyperband":
    if resource is None:
        strategy_errors.append(f"{algorithm.title} trains in one step, so Hyperband has no budget to grow. "
                               "Choose Bayesian or Random for it.")
    else:
        spec = algorithm.hyperparameters[resource]
        low, high = st.columns(2)
        maximum = low.number_input(f"MaxResource ({resource})", min_value=2, key=f"create.max_resource.{algorithm.name}", value=int(spec.default), step=1,
                                   help="The budget the most promising training jobs grow to.")
        minimum = high.number_input(f"MinResource ({resource})", min_value=1, key=f"create.min_resource.{algorithm.name}",
                                    value=max(1, int(spec.default) // 10), step=1,
                                    help="The budget every training job gets before the first cut.")
        strategy_config = {"MinResource": int(minimum), "MaxResource": int(maximum)}
        explain(CONCEPTS["resource"])
elif strategy == "Grid":
    points = st.number_input("GridPoints", key="create.grid_points", min_value=2, max_value=50, value=DEFAULT_GRID_POINTS, step=1)
    strategy_config = {"GridPoints": int(points)}
    explain(CONCEPTS["grid_points"])
for message in strategy_errors:
    st.error(message, icon=":material/error:")

# -- 3. Ranges --------------------------------------------------------------------------
st.subheader("3. Hyperparameter ranges")
explain(CONCEPTS["ranges"])
owned_by_hyperband = (resource,) if strategy == "Hyperband" and resource else ()
edited = st.data_editor(
    range_rows(algorithm, exclude=owned_by_hyperband),
    key=f"ranges-{algorithm.name}-{bool(owned_by_hyperband)}",
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
    st.error(message, icon=":material/error:")

# -- 4. Limits --------------------------------------------------------------------------
st.subheader("4. Limits and reproducibility")
cores = os.cpu_count() or 1
first, second, third = st.columns(3)
with first:
    max_jobs = st.number_input("Maximum training jobs", key="create.max_jobs", min_value=1, max_value=MAX_TRAINING_JOBS, value=20, step=1)
    explain(CONCEPTS["max_jobs"])
    max_runtime_minutes = st.number_input("Maximum runtime (minutes, 0 for none)", key="create.max_runtime", min_value=0.0,
                                          value=0.0, step=1.0)
    explain(CONCEPTS["max_runtime"])
with second:
    max_parallel = st.number_input("Parallel training jobs", key="create.max_parallel", min_value=1, max_value=MAX_PARALLEL_JOBS,
                                   value=min(2, cores), step=1)
    explain(CONCEPTS["max_parallel_jobs"])
    if max_parallel > cores:
        st.warning(f"This machine has {cores} CPU cores: more than {cores} parallel jobs only queue up.",
                   icon=":material/warning:")
    early_stopping_possible = resource is not None and strategy != "Hyperband"
    early_stopping = st.toggle("Early stopping (Auto)", key="create.early_stopping", value=False, disabled=not early_stopping_possible)
    explain(CONCEPTS["early_stopping"] if early_stopping_possible else
            "Early stopping is off: " + ("Hyperband stops jobs itself." if strategy == "Hyperband"
                                         else f"{algorithm.title} reports its objective only at the end."))
with third:
    seed = st.number_input("Random seed", key="create.seed", min_value=0, max_value=2**31 - 1, value=42, step=1)
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
    random_seed=int(seed),
    name=job_name.strip() or None,
    completion_criteria=criteria if criteria.to_json() else None,
)

st.subheader("5. Check and launch")
problems = strategy_errors + table.errors
prepared = None
if not problems:
    try:
        # The engine's own check, on the cached data: exactly what Launch will check.
        prepared = prepare(dataclasses.replace(config, dataset=cached_dataset(info)),
                           store=get_store())
    except TuneLabError as error:
        problems.append(str(error))
if problems:
    st.error("Fix these before launching:\n\n" + "\n".join(f"- {message}" for message in problems),
             icon=":material/error:")
else:
    tuned = ", ".join(prepared.ranges)
    st.info(
        f"**{prepared.max_jobs} training jobs**, {config.max_parallel_jobs} at a time, {strategy} search over "
        f"{tuned}, {metric.direction.lower()[:-1]}ing {metric.name} on {info.name}.",
        icon=":material/check_circle:",
    )
with st.expander("The same tuning job as JSON (for `python -m tuning run job.json`)"):
    st.code(json.dumps(config.to_dict(), indent=2), language="json")

if st.button("Launch tuning job", key="create.launch", type="primary", disabled=bool(problems), icon=":material/rocket_launch:"):
    try:
        with st.spinner("Starting…"):
            name = get_launcher().launch(dataclasses.replace(config, dataset=cached_dataset(info)))
    except TuneLabError as error:
        st.error(str(error), icon=":material/error:")
    else:
        st.session_state["tuning_job"] = name
        st.success(f"Launched **{name}**; it runs in the background. Launch more, or watch it live.")
        st.page_link("views/monitor.py", label="Watch it on the Monitor page", icon=":material/monitoring:")
