"""Strategy race: Grid, Random, Bayesian and Hyperband on the same data, ranges, budget and seed,
started with one click and run side by side, then repeated over seeds for a fair verdict.

The page collects the setup and draws what the engine returns: the plan
(:func:`tuning.job.race_plan.plan_race`), the race (:mod:`tuning.running.race`), its
summaries over seeds (:mod:`tuning.analysis.seed_stats`), the verdict
(:mod:`tuning.analysis.race_verdict`) and the seed-band charts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tuning import TuningJobConfig
from tuning.algorithms import get_algorithm, list_algorithms
from tuning.analysis.baseline import baseline_for_job
from tuning.analysis.race_verdict import race_verdict
from tuning.analysis.seed_stats import summarise_seeds
from tuning.errors import TuneLabError
from tuning.job.form_values import overlay_ranges
from views.ranges_editor import describe_ranges, ranges_editor
from tuning.job.race_plan import RACE_STRATEGIES, plan_race
from tuning.job.range_table import range_rows, read_range_rows
from tuning.records import TuningJobStatus
from tuning.running.race import RaceHandle, launch_race, race, race_of, race_seed_groups, races, repeat_race
from tuning.running.seed_study import MAX_SEEDS, study_of
from tuning.visualization import plot_seed_bands_by_job, plot_seed_bands_by_seconds
from tuning.report import report_html
from views.shared import PROBLEM_TYPE_SHORT, get_store, literal, mark_dead_runners, show_chart, visible_datasets

REFRESH_SECONDS = 2
PICK = "race.pick"
DEFAULTS_LABEL = "The algorithm's default ranges"
# (comments, not docstrings: Streamlit's magic would draw a bare string on the page)


@st.cache_resource
def race_handles() -> dict[str, RaceHandle]:
    """The races started from this server, by name: the store has their progress, a handle their errors."""
    return {}


def template_config(job) -> TuningJobConfig | None:  # noqa: ANN001 - a TuningJob
    try:
        return TuningJobConfig.from_dict(job.config)
    except TuneLabError as error:
        st.warning(f"{job.name}'s stored configuration does not read back ({literal(error)}): using the defaults.")
        return None


st.title("Strategy race")
st.caption(
    "One click runs Grid, Random, Bayesian and Hyperband on the same data, ranges, budget and seed, at the "
    "same time and sharing the cores. Which strategy finds a good model sooner? One race is one seed: "
    "repeat it with several seeds before calling a winner."
)

store = get_store()
mark_dead_runners(store)
stored = races(store)
handles = race_handles()

# -- Set up ---------------------------------------------------------------------------------
with st.expander("Set up a race", expanded=not stored, icon=":material/flag:"):
    candidates = [job for job in store.list_tuning_jobs() if race_of(job) is None and study_of(job) is None]
    by_name = {job.name: job for job in candidates}
    template_name = st.selectbox("Start from", [DEFAULTS_LABEL, *by_name], key="race.template",
                                 help="An existing tuning job's dataset, algorithm, ranges, budget and seed, "
                                      "or the algorithm's defaults.")
    base = template_config(by_name[template_name]) if template_name in by_name else None
    suffix = template_name  # widgets keyed by the template start from its values when it changes

    datasets = visible_datasets()
    names = [info.name for info in datasets]
    wanted = base.dataset if base is not None and isinstance(base.dataset, str) else "iris"
    left, middle, right = st.columns(3)
    dataset_name = left.selectbox(
        "Dataset", names, index=names.index(wanted) if wanted in names else 0, key=f"race.dataset.{suffix}",
        format_func=lambda n: next(f"{i.name} ({PROBLEM_TYPE_SHORT[i.problem_type]}, {i.rows:,} rows)"
                                   for i in datasets if i.name == n))
    info = next(i for i in datasets if i.name == dataset_name)
    algorithms = {a.name: a.title for a in list_algorithms() if info.problem_type in a.problem_types}
    wanted_algorithm = base.algorithm if base is not None and base.algorithm in algorithms else next(iter(algorithms))
    algorithm = get_algorithm(middle.selectbox("Algorithm", list(algorithms), format_func=algorithms.get,
                                               index=list(algorithms).index(wanted_algorithm),
                                               key=f"race.algorithm.{suffix}.{info.problem_type}"))
    metrics = [m.name for m in algorithm.objective_metrics(info.problem_type)]
    wanted_metric = (base.objective_metric_name if base is not None and base.objective_metric_name in metrics
                     else algorithm.default_objective(info.problem_type))
    metric = right.selectbox("Objective metric", metrics, index=metrics.index(wanted_metric),
                             key=f"race.metric.{suffix}.{algorithm.name}.{info.problem_type}")

    imported = (base.algorithm, base.hyperparameter_ranges, base.static_hyperparameters) if base else None
    rows, table_notes = overlay_ranges(range_rows(algorithm), algorithm, imported)
    for message in table_notes:
        st.warning(literal(message), icon=":material/warning:")
    st.caption("The ranges every strategy searches (ticked), and the values of the others.")
    edited = ranges_editor(rows, key=f"race.ranges.{suffix}.{algorithm.name}")
    table = read_range_rows(algorithm, edited)
    for message in table.errors:
        st.error(literal(message), icon=":material/error:")
    describe_ranges(edited)

    first, second, third = st.columns(3)
    budget = first.number_input("Budget (training jobs per strategy)", min_value=1, max_value=10_000, step=1,
                                value=int(base.max_jobs) if base is not None and base.max_jobs else 12,
                                key=f"race.budget.{suffix}")
    seed = second.number_input("Random seed", min_value=0, max_value=2**31 - 1, step=1,
                               value=int(base.random_seed) if base is not None and base.random_seed is not None else 1,
                               key=f"race.seed.{suffix}")
    race_name = third.text_input("Race name (optional)", key="race.name", placeholder="fresh name if empty",
                                 help="Each strategy's tuning job is named <race>-<strategy>, within AMT's 32 characters.")
    # Pills, not a multiselect: at 1280 px a multiselect cut "Hyperband" to "Hype".
    picked = st.pills("Strategies", list(RACE_STRATEGIES), selection_mode="multi",
                      default=list(RACE_STRATEGIES), key="race.strategies") or []
    chosen = [name for name in RACE_STRATEGIES if name in picked]  # the shown order, whatever the clicks

    same_data = base is not None and base.dataset == dataset_name
    config = (base or TuningJobConfig(dataset=dataset_name)).replace(
        dataset=dataset_name, target=base.target if same_data else None, algorithm=algorithm.name,
        objective_metric_name=metric, objective_type=None, hyperparameter_ranges=table.ranges,
        static_hyperparameters=table.static, max_jobs=int(budget), random_seed=int(seed),
        name=race_name.strip() or None, exclude_columns=base.exclude_columns if same_data else (),
        validation_dataset=base.validation_dataset if same_data else None,
        early_stopping_grace_period=base.early_stopping_grace_period if same_data else None,
    )
    if algorithm.resource is None:
        config = config.replace(early_stopping_type="Off", early_stopping_grace_period=None)

    plan, problems = None, list(table.errors)
    if not problems:
        try:
            plan = plan_race(config, chosen)
        except TuneLabError as error:
            problems.append(str(error))
    if plan is not None:
        st.info(f"**{len(plan.entries)} strategies**: {', '.join(plan.roles)}; {plan.budget} training jobs each, "
                f"seed {plan.seed}, {metric} on {dataset_name}, as **{plan.name}**.", icon=":material/flag:")
        st.caption(plan.share_rule)
        for entry in plan.entries:
            if entry.note:
                st.caption(f":material/info: {literal(entry.note)}")
        for role, why in plan.left_out.items():
            st.warning(f"{role} is left out: {literal(why)}", icon=":material/block:")
        for note in plan.notes:
            st.caption(literal(note))
    for message in problems:
        st.error(literal(message), icon=":material/error:")
    if st.button("Race", type="primary", icon=":material/sports_score:", disabled=plan is None, key="race.start"):
        try:
            with st.spinner("Starting every strategy…"):
                handle = launch_race(config.replace(name=plan.name), store, chosen)
        except TuneLabError as error:
            st.error(literal(error), icon=":material/error:")
        else:
            handles[handle.name] = handle
            # The picker below is not drawn yet in this run: it opens the new race without a rerun. (No
            # rerun while the workers start: a page run under AppTest re-installs the page as __main__.)
            st.session_state[PICK] = handle.name
            st.success(f"Started **{handle.name}**: {', '.join(handle.members)} side by side.",
                       icon=":material/sports_score:")

# -- The races --------------------------------------------------------------------------------
st.subheader("Races")
stored = races(store)
if not stored:
    st.info("No race yet: set one up above and press Race.")
    st.stop()
wanted_race = st.query_params.get("race")
if wanted_race in stored and PICK not in st.session_state:
    st.session_state[PICK] = wanted_race
if st.session_state.get(PICK) not in stored:
    st.session_state.pop(PICK, None)
picked = st.selectbox("Race", list(stored), key=PICK, format_func=lambda n: (
    f"{n} ({stored[n].dataset}, {stored[n].algorithm}, {', '.join(m.role for m in stored[n].members)})"))
handle = handles.get(picked)

# -- Repeat over seeds (above the live view, so that a click starts its refreshing in this run) -------
st.caption(
    "**Repeat with more seeds.** One race is one draw of each strategy's luck. Repeating it reruns every "
    "strategy with seeds 1, 2, ... (same configuration, named like `<tuning job>-s2`), the strategies again side "
    "by side; the race's own run counts as one of the seeds. Reruns already in the store are reused."
)
count_column, button_column = st.columns([1, 3])
seed_count = int(count_column.number_input("Seeds in all", min_value=2, max_value=MAX_SEEDS, value=5, step=1,
                                           key="race.seeds"))
busy = stored[picked].is_active or (handle is not None and handle.running)
if button_column.button(f"Repeat with {seed_count} seeds", icon=":material/replay:", disabled=busy,
                        key="race.repeat", help="Wait for the race to end first." if busy else None):
    try:
        handles[picked] = handle = repeat_race(store, picked, seed_count)  # the live view below refreshes
    except TuneLabError as error:
        st.error(literal(error), icon=":material/error:")
was_running = stored[picked].is_active or (handle is not None and handle.running)


def member_rows(current, groups) -> pd.DataFrame:  # noqa: ANN001 - a Race and its training jobs by strategy
    rows = []
    for member in current.members:
        runs = groups[member.role]
        own = runs[0]
        rows.append({
            "Strategy": member.role, "Tuning job": member.job.name, "Status": member.job.status,
            "Training jobs": f"{len(own)} of {member.job.max_jobs}",
            "Parallel": member.job.max_parallel_jobs,
            "Best (this seed)": member.job.best_objective_value,
            "Seeds run": len(runs),
            "Compute seconds": round(sum(t.elapsed_seconds or 0.0 for t in own), 1),
        })
    return pd.DataFrame(rows)


@st.fragment(run_every=REFRESH_SECONDS if was_running else None)
def live_view(name: str) -> None:
    """Status, verdict, the two charts and the table: redrawn alone every two seconds while the race runs."""
    current = race(store, name)
    running = current.is_active or (handle is not None and handle.running)
    if was_running and not running:
        st.rerun()  # a full run ends the refreshing and shows the final verdict
    reruns = len(current.seeds) > 1 or any(member.reruns for member in current.members)
    all_seeds = reruns and st.radio(
        "Seeds shown", ["All seeds", f"This race only (seed {current.seed})"], horizontal=True,
        key=f"race.shown.{name}") == "All seeds"
    groups = race_seed_groups(store, current, all_seeds=True)
    shown = groups if all_seeds else {role: runs[:1] for role, runs in groups.items()}
    summaries = summarise_seeds(shown, objective_type=current.objective_type)
    columns = st.columns(len(current.members))
    for column, member in zip(columns, current.members):
        done = sum(run.finished_count for run in member.runs)
        total = sum(run.max_jobs for run in member.runs)
        column.metric(member.role, member.job.status if not member.is_active else "Running",
                      f"{done} of {total} training jobs", delta_color="off", delta_arrow="off")
    if handle is not None:
        for role, error in handle.errors.items():
            st.error(f"{role} stopped: {literal(error)}", icon=":material/error:")
    verdict = race_verdict(summaries, objective_name=current.objective_metric_name, interim=running)
    (st.info if running else st.success)(literal(verdict), icon=":material/gavel:")
    baseline = baseline_for_job(current.first)
    # One above the other, full width: side by side at 1280 px the titles were cut off.
    st.markdown("**By training job**: who finds a good model in fewer jobs.")
    show_chart(plot_seed_bands_by_job(summaries, objective_name=current.objective_metric_name,
                                      objective_type=current.objective_type, baseline=baseline),
               key=f"race.by_job.{name}")
    st.markdown("**By compute seconds**: who finds it for less training time (stopping weak jobs early counts).")
    show_chart(plot_seed_bands_by_seconds(summaries, objective_name=current.objective_metric_name,
                                          objective_type=current.objective_type, baseline=baseline),
               key=f"race.by_seconds.{name}")
    st.dataframe(member_rows(current, groups), width="stretch", hide_index=True, column_config={
        "Best (this seed)": st.column_config.NumberColumn(format="%.5g"),
        "Parallel": st.column_config.NumberColumn(width="small", help="MaxParallelTrainingJobs"),
        "Compute seconds": st.column_config.NumberColumn(help="Training time of this seed's jobs, summed"),
    })
    if not running:  # one self-contained HTML file of the race's runs (a callable: built only when clicked)
        names = [member.job.name for member in current.members]
        st.download_button("Download race report (HTML)", lambda: report_html(get_store(), names).encode("utf-8"),
                           file_name=f"{name}-race-report.html", mime="text/html", icon=":material/description:",
                           key=f"race.report.{name}")
    for member in current.members:
        if member.note:
            st.caption(f":material/info: {literal(member.note)}")
    left_out = "; ".join(f"{role} left out: {why}" for role, why in current.left_out.items())
    st.caption(
        f"Every strategy ran with {current.parallel_each} training job(s) at a time on {current.cores} core(s), "
        "all started together (cores ÷ strategies, at least 1 each; the operating system shares the cores). "
        "Best so far counts Completed training jobs only; compute seconds add up each job's training time, "
        "which includes waiting for a core while the strategies run side by side."
        + (f" {literal(left_out)}." if left_out else ""))


live_view(picked)

if any(member.job.status == TuningJobStatus.INTERRUPTED for member in stored[picked].members):
    st.warning("A strategy's tuning job was interrupted (its server stopped): resume it from the Monitor page; "
               "the race's verdict counts what it ran.", icon=":material/power_off:")
