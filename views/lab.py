"""Hyperparameter lab: one hyperparameter, a handful of values, each value's curves and what they did.

The page collects the setup and draws what the engine returns: the plan
(:func:`tuning.job.lab_plan.plan_lab`, or a preset of :data:`tuning.job.lab_plan.LAB_PRESETS`),
the run (:mod:`tuning.running.lab`, one Grid tuning job), the reading of its curves
(:mod:`tuning.analysis.curve_reading`) and the chart (:func:`tuning.visualization.plot_lab_curves`).
"""

from __future__ import annotations

import streamlit as st

from tuning.algorithms import get_algorithm, list_algorithms
from tuning.errors import TuneLabError
from tuning.job.lab_plan import (DEFAULT_LAB_VALUES, LAB_PRESETS, MAX_LAB_VALUES, fresh_lab_name, lab_hyperparameters,
                                 lab_values, plan_lab, preset, show_value)
from tuning.parameters import ScalingType
from tuning.running.lab import labs, launch_lab, read_lab_job
from tuning.visualization import plot_lab_curves
from views.shared import (PROBLEM_TYPE_SHORT, get_store, literal, mark_dead_runners, show_chart, user_words,
                          visible_datasets)

REFRESH_SECONDS = 2
PICK = "lab.pick"
OWN = "Your own"
NAME = "lab.name"
# (comments, not docstrings: Streamlit's magic would draw a bare string on the page)


@st.cache_resource
def lab_handles() -> dict:
    """The labs started from this server, by name: the store has their curves, a handle their errors."""
    return {}


def lab_name(hyperparameter: str) -> str:
    """The name the next lab runs as: kept for the session (shown before Run), new after each run."""
    names = st.session_state.setdefault(NAME, {})
    return names.setdefault(hyperparameter, fresh_lab_name(hyperparameter))


st.title("Hyperparameter lab")
st.caption(
    "Pick one hyperparameter and a few values: TuneLab trains the same model once per value (every other "
    "hyperparameter fixed, same data, same seed) as a small Grid tuning job, and shows each value's curves side "
    "by side with a sentence saying what that curve did, measured on it, not taken from the course."
)

store = get_store()
mark_dead_runners(store)
handles = lab_handles()
stored = {job.name: job for job in labs(store)}

# -- Set up -----------------------------------------------------------------------------------
with st.expander("Set up a lab", expanded=not stored, icon=":material/science:"):
    titles = {p.key: p.title for p in LAB_PRESETS}
    choice = st.selectbox("Preset", [*titles, OWN], format_func=lambda key: titles.get(key, key), key="lab.preset",
                          help="The course's five claims, each on a dataset where its effect shows; or your own.")
    plan, problems = None, []
    if choice != OWN:
        chosen = preset(choice)
        st.markdown(f"**The course says:** {chosen.claim}.")
        fixed = ", ".join(f"{k}={v}" for k, v in chosen.static.items())
        st.caption(f"{get_algorithm(chosen.algorithm).title} on {chosen.dataset}, {chosen.objective_metric_name}; "
                   f"{chosen.hyperparameter} from {chosen.low:g} to {chosen.high:g} ({chosen.scaling}); "
                   f"fixed: {fixed}; every other hyperparameter at its default.")
        try:
            plan = chosen.plan(name=lab_name(chosen.hyperparameter))
        except TuneLabError as error:
            problems.append(user_words(error))
    else:
        datasets = visible_datasets()
        names = [info.name for info in datasets]
        left, middle, right = st.columns(3)
        dataset_name = left.selectbox(
            "Dataset", names, index=names.index("breast_cancer") if "breast_cancer" in names else 0,
            key="lab.dataset", format_func=lambda n: next(
                f"{i.name} ({PROBLEM_TYPE_SHORT[i.problem_type]}, {i.rows:,} rows)" for i in datasets if i.name == n))
        info = next(i for i in datasets if i.name == dataset_name)
        algorithms = {a.name: a.title for a in list_algorithms() if info.problem_type in a.problem_types}
        algorithm = get_algorithm(middle.selectbox("Algorithm", list(algorithms), format_func=algorithms.get,
                                                   index=list(algorithms).index("mlp") if "mlp" in algorithms else 0,
                                                   key=f"lab.algorithm.{info.problem_type}"))
        metrics = [m.name for m in algorithm.objective_metrics(info.problem_type)]
        metric = right.selectbox("Objective metric", metrics,
                                 index=metrics.index(algorithm.default_objective(info.problem_type)),
                                 key=f"lab.metric.{algorithm.name}.{info.problem_type}")
        usable = lab_hyperparameters(algorithm.name)
        first, second, third, fourth = st.columns(4)
        hyperparameter = first.selectbox("Hyperparameter", usable, key=f"lab.hp.{algorithm.name}",
                                         help=None)
        spec = algorithm.hyperparameters[hyperparameter]
        st.caption(f"{hyperparameter}: {spec.description} Valid values: {spec.domain()}.")
        default = spec.default_range
        suffix = f"{algorithm.name}.{hyperparameter}"
        low = second.number_input("From", value=float(default.min_value), format="%g", key=f"lab.low.{suffix}")
        high = third.number_input("To", value=float(default.max_value), format="%g", key=f"lab.high.{suffix}")
        scalings = [str(ScalingType.LINEAR), str(ScalingType.LOGARITHMIC)]
        scaling = fourth.selectbox("Scaling", scalings, key=f"lab.scaling.{suffix}",
                                   index=scalings.index(str(default.effective_scaling)) if str(
                                       default.effective_scaling) in scalings else 0)
        count = int(st.number_input("Number of values", min_value=2, max_value=MAX_LAB_VALUES,
                                    value=DEFAULT_LAB_VALUES, step=1, key="lab.count"))
        try:
            values = lab_values(low, high, scaling, count=count, integer=spec.integer)
            plan = plan_lab(algorithm.name, dataset_name, hyperparameter, values, objective_metric_name=metric,
                            name=lab_name(hyperparameter))
        except TuneLabError as error:
            problems.append(user_words(error))
    if plan is not None:
        shown = ", ".join(map(show_value, plan.values))
        st.info(f"**{len(plan.values)} training jobs**, one per value of {plan.hyperparameter}: {shown}; "
                f"{plan.config.max_parallel_jobs} at a time, as **{plan.name}**.", icon=":material/science:")
        for note in plan.notes:
            st.caption(literal(note))
    for message in problems:
        st.error(message, icon=":material/error:")
    if st.button("Run the lab", type="primary", icon=":material/play_arrow:", disabled=plan is None,
                 key="lab.start"):
        try:
            with st.spinner("Starting the training jobs…"):
                handle = launch_lab(plan, store)
        except TuneLabError as error:
            st.error(user_words(error), icon=":material/error:")
        else:
            handles[handle.name] = handle
            st.session_state.pop(NAME, None)  # the next lab gets a new name
            st.session_state[PICK] = handle.name  # the picker below opens the new lab (no rerun while workers start)
            st.success(f"Started **{handle.name}**.", icon=":material/science:")

# -- The labs ---------------------------------------------------------------------------------
stored = {job.name: job for job in labs(store)}
if not stored:
    st.info("No lab yet: pick a preset above and press Run the lab.")
    st.stop()
if st.session_state.get(PICK) not in stored:
    st.session_state.pop(PICK, None)
# No status in the option's label: in chromium the label drawn while a lab ran still read "InProgress"
# after it finished (seen on test_browser_lab's screenshot); the live view below says whether it runs.
picked = st.selectbox("Lab (the stored labs, newest first)", list(stored), key=PICK, format_func=lambda n: (
    f"{n} ({stored[n].algorithm} on {stored[n].dataset})"))
handle = handles.get(picked)
was_running = stored[picked].is_active or (handle is not None and handle.running)


@st.fragment(run_every=REFRESH_SECONDS if was_running else None)
def live_view(name: str) -> None:
    """The chart and the sentences: redrawn alone every two seconds while the lab runs."""
    job = store.get_tuning_job(name)
    running = job.is_active or (handle is not None and handle.running)
    if was_running and not running:
        st.rerun()  # a full run ends the refreshing and shows the final reading
    if handle is not None and handle.error is not None:
        st.error(f"The lab stopped: {literal(handle.error)}", icon=":material/error:")
    run = read_lab_job(store, job)
    algorithm = get_algorithm(job.algorithm)
    done = sum(1 for t in run.by_value.values() if t.status != "InProgress")
    if running:
        st.info(f"Running: {done} of {job.max_jobs} values done. The sentences are interim until every value "
                "has finished.", icon=":material/hourglass_top:")
    readings = {reading.value: reading for reading in run.reading.readings}
    show_chart(plot_lab_curves(
        run.values, {value: t.intermediate_values for value, t in run.by_value.items()},
        training={value: t.train_intermediate_values for value, t in run.by_value.items()},
        hyperparameter=run.hyperparameter, objective_name=job.objective_metric_name,
        objective_type=job.objective_type, step_label=(algorithm.resource_step or "step").capitalize(),
        labels={value: readings[value].behaviours[0] for value in readings}), key=f"lab.chart.{name}")
    if not any(t.train_intermediate_values for t in run.by_value.values()):
        st.caption("Validation curves only: this run recorded no training-channel curve, so the sentences say only "
                   "what validation shows (overfitting needs both to be told).")
    for value in run.values:
        if value in readings:
            st.markdown(f"- {literal(readings[value].sentence)}")
    (st.info if running else st.success)(literal(run.reading.comparison), icon=":material/compare_arrows:")
    if run.preset and not running:
        for expectation in next(p for p in LAB_PRESETS if p.key == run.preset).expectations:
            held, sentence = expectation.check(run.reading)
            (st.success if held else st.warning)(literal(sentence),
                                                 icon=":material/check:" if held else ":material/help:")


live_view(picked)
