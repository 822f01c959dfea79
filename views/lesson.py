"""Lesson: the course's demo, one step a screen, with the real controls.

The steps, their sentences and the lesson's default job are in :mod:`tuning.lesson`; this
page draws one step at a time and calls the engine (the launcher the Create page uses,
the store, the deploy functions, the charts). Everything typed is kept in
``st.session_state["lesson.state"]`` (keys of this page start with ``lesson.``): Streamlit
forgets a widget's value once a run does not draw it, so each widget is seeded from that
dict when it is drawn and writes its changes back, and Back and Next lose nothing.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from views.shared import best_job_text, get_launcher, get_store, literal, mark_dead_runners, show_chart
from tuning import TuneLabError, TuningJobConfig
from tuning.algorithms import get_algorithm
from tuning.analysis.baseline import imbalance_hint
from tuning.analysis.resource_use import compute_usage
from tuning.datasets import Dataset, load_dataset
from tuning.datasets.profile import DatasetProfile, profile_dataset
from tuning.job.range_table import SCALING_TYPES
from tuning.lesson import (
    ALGORITHMS,
    DATASET,
    LEAKY_COLUMN,
    MEASURED_OVER_SEEDS,
    STEPS,
    STRATEGIES,
    config_differences,
    default_lesson_state,
    lesson_config,
    lesson_request,
    lesson_state,
    training_jobs_table,
)
from tuning.json_input import parse_json
from tuning.records import ACTIVE_TUNING_STATUSES
from tuning.sagemaker.request_json import read_tuning_job_json
from tuning.serving.deploy import predict_frame
from tuning.serving.serve import describe_model, serve_model
from tuning.visualization import plot_objective_surface, plot_slice, plot_target_distribution

STATE, STEP, LOADS = "lesson.state", "lesson.step", "lesson.loads"
WIDGET = "lesson.w."  # widget keys: seeded from STATE when drawn
REFRESH_SECONDS = 2
PREDICTED_ROWS = 5
PADDING = 12  # more than any step draws at its top level


@st.cache_resource(max_entries=1, show_spinner="Loading bank-marketing…")
def lesson_data() -> tuple[Dataset, DatasetProfile]:
    """bank-marketing (41,188 rows) read and profiled once per server, as the Datasets page does."""
    dataset = load_dataset(DATASET)
    return dataset, profile_dataset(dataset)


@st.cache_resource(show_spinner=False)
def lesson_model(tuning_job: str, training_job: str, created_at: float, final: bool):  # noqa: ANN201 - a Predictor
    """The best model (as tuned, or final), loaded or trained once per server, as Deploy's."""
    return serve_model(get_store(), tuning_job, training_job, final=final)


def state() -> dict[str, Any]:
    if STATE not in st.session_state:  # the lesson's settings, and the page's own choices beside them
        st.session_state[STATE] = {**default_lesson_state(), "source": "launch", "job": None}
    return st.session_state[STATE]


def _get(path: tuple) -> Any:
    value: Any = state()
    for part in path:
        value = value[part]
    return value


def _set(path: tuple, value: Any) -> None:
    target: Any = state()
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def bound(widget, label: str, *path, to_state=None, from_state=None, **kwargs):  # noqa: ANN001, ANN201
    """``widget`` keyed ``lesson.w.<path>``, its value kept in the lesson's state at ``path``.

    The widget is always given the state's value as its own (``value``, or ``index`` of a
    radio or selectbox), never through ``st.session_state[key]``: Streamlit drops a widget's
    state on a run that does not draw it, and a browser drawing a widget again then showed
    its default (0) while the server still held the typed value. Given the value, server and
    browser agree on every visit. ``from_state``/``to_state`` convert between the state's
    value and the widget's (a list of left-out columns and a checkbox, say).
    """
    loads = st.session_state.get(LOADS, 0)  # settings loaded from a JSON make every widget anew
    key = WIDGET + (f"{loads}." if loads else "") + ".".join(map(str, path))
    value = _get(path)
    value = from_state(value) if from_state else value
    if "options" in kwargs:
        options = list(kwargs["options"])
        kwargs["index"] = options.index(value) if value in options else 0
    else:
        kwargs["value"] = value

    def keep() -> None:
        changed = st.session_state[key]
        _set(path, to_state(changed) if to_state else changed)

    return widget(label, key=key, on_change=keep, **kwargs)


def go(step: int) -> None:
    st.session_state[STEP] = max(0, min(len(STEPS) - 1, step))


def lesson_job():  # noqa: ANN201 - the TuningJob the lesson follows, or None
    name = state().get("job")
    if not name:
        return None
    try:
        return get_store().get_tuning_job(name)
    except TuneLabError:  # deleted since: the lesson follows no job
        return None


def need_job():  # noqa: ANN201
    job = lesson_job()
    if job is None:
        st.info("No tuning job yet: launch one at step 6 (or pick an earlier one there).", icon=":material/info:")
        st.button("Go to step 6: Launch", key="lesson.to_launch", on_click=go, args=(5,))
    return job


# -- the steps ---------------------------------------------------------------------------------------
def step_data() -> None:
    dataset, profile = lesson_data()
    cells = st.columns(4)
    cells[0].metric("Rows (calls)", f"{profile.rows:,}")
    cells[1].metric("Feature columns", profile.features)
    cells[2].metric("Target", profile.target_name)
    majority = profile.target_distribution.sort_values("share", ascending=False).iloc[0]
    cells[3].metric(f"Share '{majority['class']}'", f"{majority['share']:.1%}")
    st.markdown("**First rows**")
    head = dataset.features.head(5).copy()
    head.insert(0, dataset.target_name, dataset.target.head(5))
    st.dataframe(head, width="stretch", hide_index=True)
    left, right = st.columns([3, 2])
    with left:
        st.warning(f"`{LEAKY_COLUMN}` leaks the answer: a call's length is only known once the call is over, "
                   "so a model that reads it scores very well here and cannot be used before calling.",
                   icon=":material/warning:")
        bound(st.checkbox, f"Leave `{LEAKY_COLUMN}` out of the tuning job", "exclude_columns",
              from_state=lambda columns: LEAKY_COLUMN in columns,
              to_state=lambda ticked: [LEAKY_COLUMN] if ticked else [])
        st.caption("The course's job keeps it (so its scores match the lesson's); tick it to tune without it.")
    with right:
        figure = plot_target_distribution(dataset)
        figure.update_layout(height=260, margin=dict(t=40, b=10, l=10, r=10))
        show_chart(figure)


def load_settings(data: bytes) -> None:
    """Settings from a SageMaker (or TuneLab) JSON become the lesson's; a job it cannot show is refused in words."""
    try:
        settings = lesson_state(read_tuning_job_json(parse_json(data, "the file")))
    except TuneLabError as error:
        st.error(f"Cannot load it: {literal(str(error))}", icon=":material/error:")
        return
    state().update(settings)
    st.session_state[LOADS] = st.session_state.get(LOADS, 0) + 1
    st.session_state["lesson.loaded"] = settings["name"] or "the file"
    st.rerun()


def step_job() -> None:
    with st.expander("Load the lesson's settings from a JSON file (a lesson prepared before class)",
                     icon=":material/upload_file:"):
        uploaded = st.file_uploader("SageMaker CreateHyperParameterTuningJob JSON", type=["json"],
                                    key="lesson.upload")
        if st.button("Load", key="lesson.load", disabled=uploaded is None, icon=":material/download:"):
            load_settings(uploaded.getvalue())
    if loaded := st.session_state.pop("lesson.loaded", None):
        st.success(f"Loaded the settings of {literal(loaded)}: steps 1 to 5 show them.", icon=":material/check_circle:")
    left, middle, right = st.columns(3)
    with left:
        bound(st.text_input, "Tuning job name", "name", max_chars=32,
              help="1 to 32 letters, digits and hyphens (AMT's rule); it must be new in the store.")
    with middle:
        algorithm = bound(st.radio, "Algorithm", "algorithm", options=list(ALGORITHMS),
                          format_func=ALGORITHMS.get, horizontal=True)
        st.caption(get_algorithm(algorithm).summary or "")
    with right:
        metrics = [m.name for m in get_algorithm(algorithm).objective_metrics("BinaryClassification")]
        bound(st.selectbox, "Objective metric", "metric", algorithm, options=metrics)
    statics = state()["static"][algorithm]
    st.caption("Fixed for every training job: " + ", ".join(f"{name} = {value}" for name, value in statics.items())
               + ".")


def step_ranges() -> None:
    algorithm = state()["algorithm"]
    spec = get_algorithm(algorithm).hyperparameters
    st.caption(f"{ALGORITHMS[algorithm]}'s search space in this lesson; change any bound and see what the engine says.")
    header = st.columns([2, 2, 2, 2, 4])
    for column, title in zip(header, ("Hyperparameter", "MinValue", "MaxValue", "ScalingType", "What it does")):
        column.markdown(f"**{title}**")
    for position, row in enumerate(state()["ranges"][algorithm]):
        cells = st.columns([2, 2, 2, 2, 4], vertical_alignment="center")
        integer = row["Type"] == "Integer"
        cells[0].markdown(f"`{row['Name']}` ({row['Type']})")
        for cell, bound_name in zip(cells[1:3], ("MinValue", "MaxValue")):
            with cell:
                bound(st.number_input, f"{row['Name']} {bound_name}", "ranges", algorithm, position, bound_name,
                      label_visibility="collapsed", step=1 if integer else None,
                      format=None if integer else "%.6g")
        with cells[3]:
            bound(st.selectbox, f"{row['Name']} ScalingType", "ranges", algorithm, position, "ScalingType",
                  options=list(SCALING_TYPES), label_visibility="collapsed")
        cells[4].caption(spec[row["Name"]].description if row["Name"] in spec else "")
    try:
        config = lesson_config(state())
    except TuneLabError as error:
        st.error(literal(str(error)), icon=":material/error:")
    else:
        tuned = ", ".join(f"{name} {p.min_value:g} to {p.max_value:g} ({p.scaling_type})"
                          for name, p in config.resolved_ranges().items())
        st.caption(f"The job will search {literal(tuned)}.")


def step_objective() -> None:
    dataset, profile = lesson_data()
    algorithm = state()["algorithm"]
    metric_name = state()["metric"][algorithm]
    metric = next(m for m in get_algorithm(algorithm).objective_metrics("BinaryClassification") if m.name == metric_name)
    left, right = st.columns(2)
    with left:
        st.metric("Objective metric", metric_name)
        bound(st.radio, "Direction (HyperParameterTuningJobObjective.Type)", "objective_type",
              options=["Maximize", "Minimize"], horizontal=True)
        better = "higher" if metric.higher_is_better else "lower"
        st.caption(f"{metric_name} is {metric.direction.lower()}d: {better} is better. The engine refuses the other "
                   "direction at launch, in words.")
    with right:
        majority = profile.target_distribution.sort_values("share", ascending=False).iloc[0]
        if metric_name in ("validation:accuracy", "validation:error"):
            share = float(majority["share"])
            value = share if metric_name == "validation:accuracy" else 1 - share
            st.info(f"Baseline: always answering '{literal(majority['class'])}' scores {metric_name} = {value:.4f} "
                    "on these rows. The job records its own baseline on its validation rows and shows it beside "
                    "the best score.", icon=":material/balance:")
        hint = imbalance_hint(metric_name, dataset.target, dataset.problem_type)
        if hint:
            st.caption(literal(hint))


def step_strategy() -> None:
    left, middle, right = st.columns(3)
    with left:
        bound(st.radio, "Strategy", "strategy", options=list(STRATEGIES), horizontal=True)
        bound(st.number_input, "RandomSeed", "random_seed", step=1)
    with middle:
        bound(st.number_input, "MaxNumberOfTrainingJobs", "max_jobs", step=1)
        bound(st.number_input, "MaxParallelTrainingJobs", "max_parallel_jobs", step=1)
    with right:
        bound(st.toggle, "Early stopping (Auto)", "early_stopping")
        st.caption("TrainingJobEarlyStoppingType: Auto stops a training job whose objective is below the median "
                   "of the others' running averages at the same round.")
    try:
        lesson_config(state())
    except TuneLabError as error:
        st.error(literal(str(error)), icon=":material/error:")


def request_json(config: TuningJobConfig) -> str:
    return json.dumps(lesson_request(config), indent=2)


def step_launch() -> None:
    store = get_store()
    job = lesson_job()
    if job is not None:
        st.success(f"The lesson follows **{literal(job.name)}** ({job.status}). Next: watch it.",
                   icon=":material/check_circle:")
        st.button("Leave this job and launch or pick another", key="lesson.detach",
                  on_click=lambda: state().update(job=None))
        return
    source = bound(st.radio, "The lesson's tuning job", "source",
                   options=["launch", "earlier"], horizontal=True,
                   format_func={"launch": "Launch it now", "earlier": "Use an earlier tuning job"}.get)
    if source == "launch":
        try:
            config = lesson_config(state())
        except TuneLabError as error:  # the page says it; Launch then says it again through the gate
            config = None
            st.error(literal(str(error)), icon=":material/error:")
        if config is not None:
            tuned = ", ".join(config.resolved_ranges())
            st.info(f"**{config.max_jobs} training jobs**, {config.max_parallel_jobs} at a time, {config.strategy} "
                    f"search over {literal(tuned)}, {config.objective_type.lower()[:-1]}ing "
                    f"{literal(config.objective_metric_name)} on {DATASET}"
                    + (f" without {literal(', '.join(config.exclude_columns))}" if config.exclude_columns else "")
                    + f", early stopping {config.early_stopping_type}.", icon=":material/rocket_launch:")
            with st.expander("The request this lesson sends (SageMaker's CreateHyperParameterTuningJob JSON)"):
                st.code(request_json(config), language="json")
        if st.button("Launch tuning job", key="lesson.launch", type="primary", icon=":material/rocket_launch:"):
            try:
                dataset, _ = lesson_data()
                with st.spinner("Checking and starting…"):
                    # The launcher's launch_tuning_job passes the engine's one gate (prepare) first.
                    name = get_launcher().launch(lesson_config(state(), dataset=dataset))
            except TuneLabError as error:
                st.error(f"The engine did not launch it: {literal(str(error))}", icon=":material/error:")
            else:
                state()["job"] = name
                st.session_state["tuning_job"] = name  # Monitor and Results open on it too
                st.rerun()
        return
    mark_dead_runners(store)
    earlier = [j for j in store.list_tuning_jobs()
               if j.dataset == DATASET and j.status not in ACTIVE_TUNING_STATUSES and j.best_training_job]
    if not earlier:
        st.info(f"No finished tuning job on {DATASET} in the store yet: launch one (a teacher can run the lesson's "
                "job before class and pick it here).", icon=":material/info:")
        return
    names = [j.name for j in earlier]
    if state().get("earlier") not in names:
        state()["earlier"] = names[0]
    by_name = {j.name: j for j in earlier}
    picked = bound(st.selectbox, f"Finished tuning jobs on {DATASET}", "earlier", options=names,
                   format_func=lambda n: (f"{n} ({by_name[n].status}, {by_name[n].strategy} {by_name[n].algorithm}, "
                                          f"best {by_name[n].objective_metric_name} {by_name[n].best_objective_value:.4f})"))
    chosen = by_name[picked]
    try:
        differences = config_differences(lesson_config(state()), TuningJobConfig.from_dict(chosen.config))
    except TuneLabError as error:
        differences = [f"the settings typed cannot be compared: {error}"]
    if differences:
        st.warning("It differs from the settings typed in steps 1 to 5: " + "; ".join(map(literal, differences))
                   + ". The class will see its results, not those of the settings typed.", icon=":material/info:")
    else:
        st.caption("It ran exactly the settings typed in steps 1 to 5.")
    if st.button("Use this tuning job", key="lesson.use_earlier", type="primary", icon=":material/history:"):
        state()["job"] = picked
        st.session_state["tuning_job"] = picked
        st.rerun()


def step_monitor() -> None:
    job = need_job()
    if job is None:
        return
    store = get_store()

    @st.fragment(run_every=REFRESH_SECONDS if job.is_active else None)
    def live() -> None:
        """Progress, best so far and the table, redrawn alone every two seconds while the job runs."""
        current = store.get_tuning_job(job.name)
        if job.is_active and not current.is_active:
            st.rerun()  # once, to stop refreshing
        st.progress(min(1.0, current.finished_count / max(1, current.max_jobs)),
                    text=f"{current.name}: {current.status}, {current.finished_count} of {current.max_jobs} "
                         "training jobs finished")
        best = best_job_text(current)
        if best:
            st.success(best, icon=":material/star:")
        table = training_jobs_table(current, store.training_jobs(current.name, with_curves=True))
        config = {column: st.column_config.NumberColumn(format="%.4g") for column in table.columns[1:-2]}
        config[table.columns[-2]] = st.column_config.NumberColumn(format="%.4f")
        st.dataframe(table, width="stretch", hide_index=True, column_config=config)
        st.caption("Newest first. A stopped job's value is interim (the Status column says so).")

    live()


def step_deploy() -> None:
    job = need_job()
    if job is None:
        return
    if not job.best_training_job:
        st.info("No training job has completed yet, so there is no model to deploy: wait a moment.")
        return
    st.markdown(f"Best training job: **{literal(job.best_training_job)}**, {job.objective_metric_name} = "
                f"{job.best_objective_value:.4f} on the validation rows.")
    st.button("Deploy the best model", key="lesson.deploy", type="primary", icon=":material/rocket_launch:",
              on_click=lambda: state().update(deployed=job.name))
    if state().get("deployed") != job.name:
        return
    dataset, _ = lesson_data()
    rows = dataset.features.tail(PREDICTED_ROWS)
    finals = [False] + ([True] if state().get("final") == job.name else [])
    for final in finals:
        try:
            with st.spinner("Training the final model on all the rows (once)…" if final else "Loading the model…"):
                predictor = lesson_model(job.name, job.best_training_job, job.created_at, final)
            result = predict_frame(predictor, rows)
        except TuneLabError as error:
            st.error(literal(str(error)), icon=":material/error:")
            continue
        result.insert(0, f"actual {dataset.target_name}", dataset.target.tail(PREDICTED_ROWS).to_numpy())
        shown = ["prediction", f"actual {dataset.target_name}",
                 *[c for c in result.columns if c.startswith("probability_")],
                 *[c for c in predictor.feature_columns[:6]]]
        st.markdown(f"**{literal(describe_model(predictor))}** predicts the last {PREDICTED_ROWS} calls:")
        st.dataframe(result[shown], width="stretch", hide_index=True,
                     column_config={c: st.column_config.NumberColumn(format="%.3f")
                                    for c in shown if c.startswith("probability_")})
    st.caption("These rows show how the model answers, not how good it is: it may have trained on some of them. "
               "Its quality is the validation score above. The Deploy page serves it over HTTP as an endpoint.")
    if state().get("final") != job.name:
        st.button("Retrain on all the data (final model)", key="lesson.final", icon=":material/model_training:",
                  on_click=lambda: state().update(final=job.name))


def step_analyse() -> None:
    job = need_job()
    if job is None:
        return
    store = get_store()
    jobs = store.training_jobs(job.name, with_curves=False)
    ranges = TuningJobConfig.from_dict(job.config).resolved_ranges()
    names = list(ranges)
    x = "eta" if "eta" in names else names[0]
    y = "max_depth" if "max_depth" in names else next(n for n in names if n != x)
    common = dict(objective_name=job.objective_metric_name, objective_type=job.objective_type, ranges=ranges)
    surface = plot_objective_surface(jobs, x, y, **common)
    surface.update_layout(height=420, margin=dict(t=50, b=10, l=10, r=10))
    show_chart(surface)
    slices = plot_slice(jobs, **common)
    slices.update_layout(height=360, margin=dict(t=50, b=10, l=10, r=10))
    show_chart(slices)


def step_wrapup() -> None:
    job = need_job()
    store = get_store()
    if job is not None:
        best = best_job_text(job)
        if best:
            st.success(best, icon=":material/star:")
        others = [j for j in store.list_tuning_jobs()
                  if j.name != job.name and j.dataset == job.dataset and j.algorithm == job.algorithm
                  and j.objective_metric_name == job.objective_metric_name and j.strategy != job.strategy
                  and j.status not in ACTIVE_TUNING_STATUSES and j.best_objective_value is not None]
        text = (f"**Bayesian against Random.** This job ran {job.strategy} once: one seed "
                f"(RandomSeed {job.config.get('RandomSeed')}).")
        if others:
            other = others[0]
            text += (f" {literal(other.name)} ran {other.strategy} on the same data and metric and reached "
                     f"{other.best_objective_value:.4f} against {job.best_objective_value:.4f} here: one seed each, "
                     "so the gap may be luck.")
        text += f" {MEASURED_OVER_SEEDS} Repeat them over seeds yourself to see the spread."
        st.markdown(text)
        usage = compute_usage(job, store.training_jobs(job.name))
        if job.config.get("EarlyStoppingType") != "Auto":
            st.markdown("**Early stopping** was Off: every training job ran to the end, so nothing was saved.")
        elif usage is not None:
            stopped = (f"{usage.stopped} of {usage.finished} training jobs were stopped early" if usage.stopped else
                       f"none of its {usage.finished} training jobs fell behind enough to be stopped")
            st.markdown(f"**What early stopping saved.** {stopped}; the job {literal(usage.line())}.")
        st.page_link("views/compare.py", label="Compare: Repeat over seeds", icon=":material/compare_arrows:")
    try:
        settings = lesson_config(state())
    except TuneLabError as error:
        st.error(literal(str(error)), icon=":material/error:")
        return
    st.download_button("Download the lesson's job (SageMaker JSON)", request_json(settings),
                       file_name=f"{settings.name or 'lesson'}.json", mime="application/json",
                       key="lesson.download", icon=":material/download:")
    st.caption("The CreateHyperParameterTuningJob request of the settings typed in steps 1 to 5: "
               "`python -m tuning run` runs it here, and the Create page imports it.")
    if job is not None:
        ran = TuningJobConfig.from_dict(job.config).replace(name=job.name)
        if config_differences(settings, ran):
            st.download_button(f"Download the job that ran, {job.name} (SageMaker JSON)", request_json(ran),
                               file_name=f"{job.name}.json", mime="application/json", key="lesson.download_ran",
                               icon=":material/download:")


DRAW = {"data": step_data, "job": step_job, "ranges": step_ranges, "objective": step_objective,
        "strategy": step_strategy, "launch": step_launch, "monitor": step_monitor, "deploy": step_deploy,
        "analyse": step_analyse, "wrapup": step_wrapup}

# -- the page ---------------------------------------------------------------------------------------
state()
index = st.session_state.setdefault(STEP, 0)
step = STEPS[index]
st.title("Lesson")
progress, back, forward = st.columns([5, 1, 1], vertical_alignment="center")
back.button("Back", key="lesson.back", on_click=go, args=(index - 1,), disabled=index == 0,
            icon=":material/arrow_back:", width="stretch")
forward.button("Next", key="lesson.next", on_click=go, args=(index + 1,), disabled=index == len(STEPS) - 1,
               icon=":material/arrow_forward:", width="stretch", type="primary")
progress.progress((index + 1) / len(STEPS), text=f"Step {index + 1} of {len(STEPS)}")
progress.caption(" · ".join(f"**{k + 1} {s.name}**" if k == index else f"{k + 1} {s.name}"
                            for k, s in enumerate(STEPS)))
st.subheader(f"{index + 1}. {step.title}")
st.markdown(step.text)
DRAW[step.key]()
# Blank out the places the previous step's last elements held. The browser clears what a run
# did not redraw when the run ends, but not when a fragment's timed run (the Monitor step's)
# starts first: the Launch step's button then stayed on screen under the live table.
for _ in range(PADDING):
    st.empty()
