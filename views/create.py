"""Create tuning job: data, algorithm, objective, ranges, strategy and limits, checked live.

The page checks the whole configuration with the engine's own ``prepare`` on every
change, so a mistake shows up inline, beside its input, before the Launch button is even
enabled; launching then starts the job in a background thread of the server and returns.

A SageMaker tuning job JSON (or TuneLab's) can be imported at the top: it fills the form
in, widget by widget, so what follows is checked exactly as if typed. At the bottom the
job is shown in AWS's CreateHyperParameterTuningJob shape, TuneLab's shape and as
SageMaker Python SDK code, so a job designed here runs on SageMaker and back.

The widget keys, an imported job's values for them, and the job the values describe are
plain data in :mod:`tuning.job.form_values` (tested without a browser); this page draws.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from views.deep_link import linked_tabs
from views.ranges_editor import describe_ranges, ranges_editor
from views.lint_panel import show_before_launch, take_config_handover
from views.presenter import presenter_on
from views.shared import (PROBLEM_TYPE_SHORT, get_launcher, get_store, literal, mark_dead_runners, user_words,
                          visible_datasets)
from tuning import TuningJobConfig, prepare
from tuning.job.config import DEMO_PAUSE_SECONDS
from tuning.algorithms import Algorithm, get_algorithm, list_algorithms
from tuning.analysis.baseline import imbalance_hint
from tuning.running.cluster import check_scheduler_address, default_scheduler, scheduler_or_none
from tuning.datasets import Dataset, DatasetInfo, load_dataset
from tuning.job.early_stopping import default_grace_period
from tuning.job.form_values import (
    DEFAULTS,
    Key,
    algorithm_key,
    exclude_key,
    form_config,
    form_values,
    hidden_statics,
    import_notes,
    max_resource_key,
    metric_key,
    min_resource_key,
    overlay_ranges,
    ranges_key,
    resource_defaults,
)
from tuning.errors import TuneLabError
from tuning.json_input import parse_json
from tuning.user_words import in_user_words
from tuning.glossary import CONCEPTS
from tuning.metrics import ObjectiveMetric
from tuning.job.range_table import hyperband_resource_row, range_rows, read_range_rows
from tuning.records import ACTIVE_TUNING_STATUSES
from tuning.sagemaker.request_json import is_sagemaker_request, read_tuning_job_json, to_sagemaker_request
from tuning.sagemaker.sdk_code import sdk_code
from tuning.strategies import strategy_classes
from tuning.job.warm_start import MAX_PARENTS

# Where the training jobs can run; a cluster also needs its scheduler's address. (A comment:
# Streamlit's "magic" draws a bare string in a page script on the page.)
RUN_ON = {"This machine (process pool)": None, "A Dask cluster": "dask"}



@st.cache_resource(max_entries=4, show_spinner="Loading the dataset…")
def cached_dataset(info: DatasetInfo) -> Dataset:
    """Each rerun checks the job against its data; reading a 41,000-row CSV once is enough."""
    return load_dataset(info.name)


def rows_text(rows: int) -> str:
    """``41k rows``: a dataset's size short enough for its picker at 1280 px (the full count was cut off)."""
    return f"{rows:,} rows" if rows < 10_000 else f"{rows / 1000:.0f}k rows"


def explain(text: str) -> None:
    st.caption(text)


def metric_label(metric: ObjectiveMetric) -> str:
    """``validation:accuracy ↑ higher is better``: short enough for a third of the page at 1280 px
    ("— Maximize (higher is better)" was cut off there)."""
    return f"{metric.name} {'↑ higher' if metric.higher_is_better else '↓ lower'} is better"


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


st.title("Create tuning job")
st.caption("Choose the data, the model and the search. Everything is checked as you type; "
           "Launch starts the job in the background and you can watch it on the Monitor page.")
take_config_handover()  # a job handed over by another page (a lint fix on Results) fills the form

datasets = visible_datasets()
names = [info.name for info in datasets]

with st.expander("Import a SageMaker tuning job JSON", icon=":material/upload_file:"):
    st.caption("A CreateHyperParameterTuningJob request as SageMaker takes it (`aws sagemaker "
               "create-hyper-parameter-tuning-job --cli-input-json`), or TuneLab's own JSON: the form below is "
               "filled in from it.")
    uploaded = st.file_uploader("JSON file", type=["json"], key=Key.IMPORT_FILE)
    pasted = st.text_area("…or paste the JSON", key=Key.IMPORT_TEXT, height=150)
    if st.button("Import", key=Key.IMPORT, icon=":material/download:"):
        text = uploaded.getvalue() if uploaded is not None else pasted  # bytes: binary gets its own message
        try:
            imported, aws = read_import(text)
            values = form_values(imported, datasets, aws=aws)  # refuses what the page cannot show
        except TuneLabError as error:
            st.error(f"Cannot import it: {user_words(error)}", icon=":material/error:")
        else:
            st.session_state.update(values)
            # A new import starts a fresh ranges editor, so the imported table is not hidden by older edits.
            st.session_state[Key.IMPORT_NONCE] = st.session_state.get(Key.IMPORT_NONCE, 0) + 1
            st.session_state[Key.IMPORT_NOTES] = (
                f"Imported {'SageMaker' if aws else 'TuneLab'} JSON{f' for {imported.name}' if imported.name else ''}.",
                import_notes(imported))
            st.rerun()
    if Key.IMPORT_NOTES in st.session_state:
        done, notes = st.session_state[Key.IMPORT_NOTES]
        st.success(done, icon=":material/check_circle:")
        for note in notes:
            st.warning(literal(note), icon=":material/warning:")

# The five sections: one below the other, or in presenter mode one tab each (one screen per
# section at 1280x720), the open one in the URL (?section=3.%20Hyperparameter%20ranges) so a
# teacher's notes can link to it. The widgets and their keys are the same either way: every
# tab's widgets run at every page run (the tabs are not lazy), so the form's values hold.
SECTIONS = ("1. Data and model", "2. Strategy", "3. Hyperparameter ranges", "4. Limits and reproducibility",
            "5. Check and launch")
section_tabs = linked_tabs(SECTIONS, key=Key.SECTION, param="section") if presenter_on() else None


def section(index: int):  # noqa: ANN201 - a context manager
    """Where section ``index`` is drawn: its tab in presenter mode, else under its own heading."""
    if section_tabs is not None:
        return section_tabs[index]
    st.subheader(SECTIONS[index])
    return contextlib.nullcontext()


# -- 1. Data, algorithm, objective ------------------------------------------------------
with section(0):
    wanted = st.session_state.pop(Key.DATASET_HANDOVER, None)  # handed over by the Datasets page
    if wanted in names:
        st.session_state[Key.DATASET] = wanted
    left, middle, right = st.columns(3)
    with left:
        dataset_name = st.selectbox(
            "Dataset", names, key=Key.DATASET,
            format_func=lambda n: next(f"{i.name} ({PROBLEM_TYPE_SHORT[i.problem_type]}, {rows_text(i.rows)})"
                                       for i in datasets if i.name == n),
        )
        info = next(i for i in datasets if i.name == dataset_name)
        explain(CONCEPTS["dataset"])
        # Leave columns out (ExcludeColumns); the Datasets page or an import hands a choice over.
        try:
            feature_columns = [str(column) for column in cached_dataset(info).features.columns]
        except TuneLabError:  # the data does not load: section 5 says why
            feature_columns = []
        handed = st.session_state.pop(Key.EXCLUDE_HANDOVER, None)
        if handed is not None:
            st.session_state[exclude_key(info.name)] = [c for c in handed if c in feature_columns]
            if unknown := [c for c in handed if c not in feature_columns]:
                st.warning(f"{info.name} has no feature column {literal(', '.join(unknown))}, so it is not left out.",
                           icon=":material/warning:")
        excluded = st.multiselect("Leave columns out", feature_columns, key=exclude_key(info.name),
                                  placeholder="Use every column")
        explain("A column that is only known after the outcome, like `duration` in bank-marketing, leaks the "
                "answer: leave it out, and neither the models nor a deployed endpoint use it.")
    with middle:
        algorithms = [a for a in list_algorithms() if info.problem_type in a.problem_types]
        titles = {a.name: a.title for a in algorithms}
        algorithm: Algorithm = get_algorithm(st.selectbox(
            "Algorithm", list(titles), format_func=titles.get, key=algorithm_key(info.problem_type)))
        explain(algorithm.summary or CONCEPTS["algorithm"])
    with right:
        metrics = {m.name: m for m in algorithm.objective_metrics(info.problem_type)}
        default_metric = algorithm.default_objective(info.problem_type)
        metric: ObjectiveMetric = metrics[st.selectbox(
            "Objective metric", list(metrics), format_func=lambda name: metric_label(metrics[name]),
            key=metric_key(algorithm.name, info.problem_type), index=list(metrics).index(default_metric),
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
with section(1):
    # Each strategy's facts are on its class: its name, its summary, the settings it reads.
    strategies = {cls.name: cls for cls in strategy_classes()}
    strategy = st.radio("Strategy", list(strategies), index=list(strategies).index(DEFAULTS[Key.STRATEGY]), horizontal=True,
                        key=Key.STRATEGY, captions=[cls.summary for cls in strategies.values()],
                        label_visibility="collapsed")
    grows_resource = strategies[strategy].grows_resource
    strategy_errors: list[str] = []
    form: dict[str, Any] = {}  # the strategy's inputs, by widget key, for form_config
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
            default_min, default_max = resource_defaults(algorithm)
            low, high = st.columns(2)
            maximum = low.number_input(f"MaxResource ({resource})", key=max_resource_key(algorithm.name),
                                       value=default_max, step=1,
                                       help="The budget the most promising training jobs grow to.")
            limit_slots["MaxResource"] = low.empty()
            minimum = high.number_input(f"MinResource ({resource})", key=min_resource_key(algorithm.name),
                                        value=default_min, step=1,
                                        help="The budget every training job gets before the first cut.")
            limit_slots["MinResource"] = high.empty()
            form[min_resource_key(algorithm.name)], form[max_resource_key(algorithm.name)] = minimum, maximum
            explain(CONCEPTS["resource"])
    if "GridPoints" in strategies[strategy].settings:
        points = st.number_input("GridPoints", key=Key.GRID_POINTS, value=DEFAULTS[Key.GRID_POINTS], step=1)
        limit_slots["GridPoints"] = st.empty()
        form[Key.GRID_POINTS] = points
        explain(CONCEPTS["grid_points"])
    for message in strategy_errors:
        st.error(literal(message), icon=":material/error:")

# -- 3. Ranges --------------------------------------------------------------------------
with section(2):
    explain(CONCEPTS["ranges"])
    hyperband_grows = bool(grows_resource and resource)  # its resource row stays: AMT lets Hyperband tune it
    rows, table_notes = overlay_ranges(range_rows(algorithm), algorithm, st.session_state.get(Key.IMPORTED_RANGES))
    for message in table_notes:
        st.warning(literal(message), icon=":material/warning:")
    edited = ranges_editor(rows, key=ranges_key(algorithm.name, hyperband_grows,
                                                st.session_state.get(Key.IMPORT_NONCE, 0)))
    table = read_range_rows(algorithm, edited)
    if hyperband_grows:
        table, sentence = hyperband_resource_row(algorithm, table)
        st.info(literal(sentence), icon=":material/info:")
    table.static.update(hidden_statics(algorithm, st.session_state.get(Key.IMPORTED_RANGES)))
    for message in algorithm.training_notes(table.static):
        st.info(literal(message), icon=":material/info:")
    for message in algorithm.range_notes(table.ranges):  # tuned, yet no effect here: a warning, not a refusal
        st.warning(literal(message), icon=":material/warning:")
    for message in table.errors:
        st.error(literal(in_user_words(message)), icon=":material/error:")
    describe_ranges(edited)

# -- 4. Limits --------------------------------------------------------------------------
with section(3):
    cores = os.cpu_count() or 1
    where_column, address_column = st.columns([1, 2])
    with where_column:
        # The default comes from $TUNELAB_SCHEDULER, so a lab's server can point every job at its cluster.
        run_on = st.radio("Run the training jobs on", list(RUN_ON), key=Key.RUN_ON,
                          index=1 if default_scheduler() else 0)
    with address_column:
        address = st.text_input("Dask scheduler address", key=Key.SCHEDULER, value=default_scheduler() or "",
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
            scheduler_errors.append(in_user_words(str(error)))
    first, second, third = st.columns(3)
    with first:
        max_jobs = st.number_input("Maximum training jobs", key=Key.MAX_JOBS, value=DEFAULTS[Key.MAX_JOBS], step=1)
        limit_slots["max_jobs"] = st.empty()
        explain(CONCEPTS["max_jobs"])
        max_runtime_minutes = st.number_input("Maximum runtime (minutes, 0 for none)", key=Key.MAX_RUNTIME,
                                              value=DEFAULTS[Key.MAX_RUNTIME], step=1.0)
        limit_slots["max_runtime_seconds"] = st.empty()
        explain(CONCEPTS["max_runtime"])
    with second:
        # A demo's pace: one training job at a time, a pause between them (PauseBetweenJobsSeconds).
        slow = st.toggle("Slow pace (demo)", key=Key.SLOW_PACE, value=DEFAULTS[Key.SLOW_PACE],
                         help=f"One training job at a time (MaxParallelTrainingJobs 1), each starting "
                              f"{DEMO_PAUSE_SECONDS:g} s after the last one ended (PauseBetweenJobsSeconds), so the "
                              "class can follow each one on the Monitor page.")
        max_parallel = st.number_input("Parallel training jobs", key=Key.MAX_PARALLEL,
                                       value=DEFAULTS[Key.MAX_PARALLEL], step=1, disabled=slow)
        max_parallel = 1 if slow else max_parallel
        limit_slots["max_parallel_jobs"] = st.empty()
        explain(CONCEPTS["max_parallel_jobs"])
        if max_parallel > cores and scheduler is None:
            st.warning(f"This machine has {cores} CPU cores: more than {cores} parallel jobs only queue up.",
                       icon=":material/warning:")
        early_stopping_possible = resource is not None and not grows_resource
        early_stopping = st.toggle("Early stopping (Auto)", key=Key.EARLY_STOPPING,
                                   value=DEFAULTS[Key.EARLY_STOPPING], disabled=not early_stopping_possible)
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
                f"Grace period ({steps} before a job can be stopped)", key=Key.GRACE_PERIOD, value=None, step=1,
                placeholder=f"default: {default_grace}",
                help=f"Every training job trains this many {steps} before early stopping may judge it; empty for the "
                     f"default ({default_grace}). Too short, and jobs are judged before they have learnt anything.")
    with third:
        seed = st.number_input("Random seed", key=Key.SEED, value=DEFAULTS[Key.SEED], step=1)
        limit_slots["random_seed"] = st.empty()
        explain(CONCEPTS["random_seed"])
        test_split = st.number_input(
            "Test split (share of rows held out, 0 for none)", key=Key.TEST_SPLIT, value=DEFAULTS[Key.TEST_SPLIT],
            min_value=0.0, max_value=0.45, step=0.05, format="%.2f",
            help="TestSplitFraction, TuneLab's own (AMT has no test split): these rows are taken out before the "
                 "train/validation split, so no training job or strategy sees them. After the job, the best training "
                 "jobs are re-scored there, to show how much the validation winner's score overstates it.")
        limit_slots["test_split_fraction"] = st.empty()
        job_name = st.text_input("Tuning job name (optional)", key=Key.NAME, max_chars=32, placeholder="fresh name if empty")
        explain(CONCEPTS["name"])

    with st.expander("Completion criteria: end early (optional)"):
        explain(CONCEPTS["completion_criteria"])
        target_column, patience_column, convergence_column = st.columns(3)
        use_target = target_column.checkbox("Stop at a target objective", key=Key.USE_TARGET)
        target_value = target_column.number_input(
            f"TargetObjectiveMetricValue ({metric.name})", key=Key.TARGET, format="%.4g",
            value=0.9 if metric.higher_is_better else 0.1, disabled=not use_target)
        patience = patience_column.number_input(
            "Jobs without 1% improvement (0: off)", key=Key.PATIENCE, min_value=0, max_value=10_000,
            value=DEFAULTS[Key.PATIENCE],
            step=1, help="BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving; AMT asks for at least 3.")
        convergence = convergence_column.toggle("Complete on convergence", key=Key.CONVERGENCE,
                                                help="ConvergenceDetected, TuneLab's rule: from 20 completed training jobs on, "
                                                     "end when the last 10 improved the best by less than 0.1%.")

    with st.expander("Warm start from earlier tuning jobs (optional)"):
        st.caption("A warm-started job begins where up to five finished ones left off: their training jobs "
                   "inform the search before its first training job (AMT's WarmStartConfig).")
        store = get_store()
        mark_dead_runners(store)  # a parent whose process died has ended (Interrupted)
        ended = [job for job in store.list_tuning_jobs() if job.status not in ACTIVE_TUNING_STATUSES]
        ended.sort(key=lambda job: (job.algorithm, job.objective_metric_name) != (algorithm.name, metric.name))
        jobs_by_name = {job.name: job for job in ended}
        extra = [name for name in st.session_state.get(Key.WARM_EXTRA, []) if name not in jobs_by_name]
        parents = st.multiselect(
            "Parent tuning jobs", [*jobs_by_name, *extra], key=Key.WARM_PARENTS, max_selections=MAX_PARENTS,
            format_func=lambda name: (f"{name} ({jobs_by_name[name].algorithm}, {jobs_by_name[name].objective_metric_name}, "
                                      f"{jobs_by_name[name].status})" if name in jobs_by_name else f"{name} (not in the store)"),
            help="Finished tuning jobs; those with the same algorithm and objective metric come first.",
            placeholder="No warm start",
        )
        warm_type = st.radio("WarmStartType", list(WARM_START_TYPES), key=Key.WARM_TYPE,
                             captions=list(WARM_START_TYPES.values()), horizontal=True, disabled=not parents)

# -- Check and launch --------------------------------------------------------------------
config = form_config({
    **form,  # the strategy's own inputs
    Key.DATASET: info.name, exclude_key(info.name): excluded, algorithm_key(info.problem_type): algorithm.name,
    metric_key(algorithm.name, info.problem_type): metric.name, Key.STRATEGY: strategy,
    Key.MAX_JOBS: max_jobs, Key.MAX_PARALLEL: max_parallel, Key.MAX_RUNTIME: max_runtime_minutes,
    Key.EARLY_STOPPING: early_stopping, Key.GRACE_PERIOD: grace_period, Key.SEED: seed, Key.NAME: job_name,
    Key.TEST_SPLIT: test_split, Key.SLOW_PACE: slow,
    Key.USE_TARGET: use_target, Key.TARGET: target_value, Key.PATIENCE: patience, Key.CONVERGENCE: convergence,
    Key.WARM_PARENTS: parents, Key.WARM_TYPE: warm_type,
}, datasets, ranges=table.ranges, static=table.static)

with section(4):
    # The engine's rules for the limits (those of check_limits and prepare), each shown beside its input.
    limit_errors = config.limit_errors()
    for field, message in limit_errors.items():
        if field in limit_slots:  # every limit on the page has one; the list below repeats them all
            limit_slots[field].error(literal(message), icon=":material/error:")
    problems = strategy_errors + [in_user_words(message) for message in table.errors] + scheduler_errors + list(limit_errors.values())
    prepared = None
    if not problems:
        try:
            # The engine's own check, on the cached data: exactly what Launch will check.
            prepared = prepare(dataclasses.replace(config, dataset=cached_dataset(info)),
                               store=get_store())
        except TuneLabError as error:
            problems.append(in_user_words(str(error)))
    if problems:
        st.error("Fix these before launching:\n\n" + "\n".join(f"- {literal(message)}" for message in problems),
                 icon=":material/error:")
    else:
        tuned = ", ".join(prepared.ranges)
        st.info(
            f"**{prepared.max_jobs} training jobs**, {config.max_parallel_jobs} at a time, {strategy} search over "
            f"{tuned}, {metric.direction.lower()[:-1]}ing {metric.name} on {info.name}"
            + (f", holding out {prepared.test.rows:,} test rows" if prepared.test is not None else "")
            + (f", on the Dask cluster at {scheduler}." if scheduler else "."),
            icon=":material/check_circle:",
        )
    # Lazy (on_change="rerun"): the three code blocks are drawn only while the expander is open.
    # Streamlit draws a closed expander's content too, and highlighting the long JSON and SDK
    # code was the largest single cost of drawing this page in chromium (README, page times).
    export = st.expander("The same tuning job as SageMaker JSON, TuneLab JSON or SageMaker Python SDK code",
                         key=Key.EXPORT, on_change="rerun")
    with export:
        if export.open:
            sagemaker_tab, tunelab_tab, sdk_tab = st.tabs(["SageMaker JSON", "TuneLab JSON", "SageMaker Python SDK"])
            file_name = config.name or f"{info.name}-{algorithm.name}"
            try:
                request = json.dumps(to_sagemaker_request(config), indent=2)
                code = sdk_code(config)
            except TuneLabError as error:
                request = code = None
                st.error(user_words(error), icon=":material/error:")
            with sagemaker_tab:
                if request is not None:
                    st.caption("The CreateHyperParameterTuningJob request: `aws sagemaker create-hyper-parameter-tuning-job "
                               "--cli-input-json file://job.json` after replacing the placeholders (role, S3 URIs), or "
                               "`python -m tuning run job.json` here.")
                    st.download_button("Download SageMaker JSON", request, file_name=f"{file_name}.json",
                                       mime="application/json", key=Key.DOWNLOAD_SAGEMAKER, icon=":material/download:")
                    st.code(request, language="json")
            with tunelab_tab:
                st.caption("TuneLab's own JSON, for `python -m tuning run job.json`.")
                st.code(json.dumps(config.to_dict(), indent=2), language="json")
            with sdk_tab:
                if code is not None:
                    st.caption("The same job with the SageMaker Python SDK, for a SageMaker notebook.")
                    st.code(code, language="python")

    try:
        lint_data = cached_dataset(info)
    except TuneLabError:  # the data does not load: the list above says why, and there is nothing to time
        lint_data = None
    show_before_launch(config, dataset=lint_data)

    if st.button("Launch tuning job", key=Key.LAUNCH, type="primary", disabled=bool(problems), icon=":material/rocket_launch:"):
        try:
            with st.spinner("Starting…"):
                name = get_launcher().launch(dataclasses.replace(config, dataset=cached_dataset(info)),
                                             scheduler=scheduler)
        except TuneLabError as error:
            st.error(user_words(error), icon=":material/error:")
        else:
            st.session_state["tuning_job"] = name
            st.success(f"Launched **{name}**; it runs in the background. Launch more, or watch it live.")
            st.page_link("views/monitor.py", label="Watch it on the Monitor page", icon=":material/monitoring:")
