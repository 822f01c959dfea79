"""Compare: several tuning jobs on one chart (say Grid, Random and Bayesian on the same data), and
the same jobs repeated over seeds, to tell a strategy's method from one run's luck."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from tuning.analysis.baseline import baseline_for_job
from tuning.errors import TuneLabError
from tuning.analysis.resource_use import compute_usage
from tuning.analysis.seed_stats import summarise_seeds, worst_mean_best
from tuning.running.seed_study import MAX_SEEDS, seed_study_runs, study_of
from tuning.visualization import plot_compare_best_so_far, plot_seed_bands_by_job, plot_seed_bands_by_seconds
from views.shared import get_launcher, get_store, literal, mark_dead_runners, show_chart

st.title("Compare tuning jobs")
st.caption(
    "Which strategy finds a good model with fewer training jobs? Pick jobs that optimise the "
    "same objective metric; their best-so-far curves are drawn on one chart."
)

store = get_store()
mark_dead_runners(store)
jobs = [job for job in store.list_tuning_jobs() if study_of(job) is None]  # reruns appear under Repeat over seeds
if len(jobs) < 2:
    st.info("Comparing needs two or more tuning jobs. Run, say, a Random and a Bayesian job on the same dataset.")
    st.stop()

by_name = {job.name: job for job in jobs}
metric = st.selectbox("Objective metric", sorted({job.objective_metric_name for job in jobs}))
candidates = [job.name for job in jobs if job.objective_metric_name == metric]
chosen = st.multiselect("Tuning jobs", candidates, default=candidates[:3])
objective_type = by_name[candidates[0]].objective_type


def shared_baseline(names: list[str]):  # noqa: ANN201 - a Baseline or None
    """The first job's baseline when every job optimises the same metric on the same dataset, else none:
    one dotted line would mislead beside jobs whose model that learnt nothing scores differently."""
    picked = [by_name[name] for name in names if name in by_name]
    if not picked or len({(job.dataset, job.objective_metric_name) for job in picked}) > 1:
        return None
    return baseline_for_job(picked[0])


st.subheader("One seed each")
if len(chosen) < 2:
    st.info("Pick at least two tuning jobs.")
else:
    runs = {name: store.training_jobs(name) for name in chosen}  # with curves: compute_usage counts the rounds
    show_chart(plot_compare_best_so_far(runs, objective_name=metric, objective_type=objective_type,
                                             baseline=shared_baseline(chosen)))
    usages = {name: compute_usage(by_name[name], runs[name]) for name in chosen}
    units = {usage.unit for usage in usages.values() if usage is not None}
    resource_column = f"{next(iter(units)).capitalize()} used" if len(units) == 1 else "Resource used"
    rows = []
    for name in chosen:
        job, usage = by_name[name], usages[name]
        seconds = sum(t.elapsed_seconds or 0.0 for t in runs[name])
        row = {
            "Tuning job": name, "Strategy": job.strategy, "Dataset": job.dataset, "Status": job.status,
            "Training jobs": len(runs[name]), "Best objective": job.best_objective_value,
            "Compute seconds": round(seconds, 1),
        }
        if units:  # k-NN trains in one step: no rounds to count
            row[resource_column] = "-" if usage is None else (
                f"{usage.used:,} of {usage.full:,}{'' if len(units) == 1 else ' ' + usage.unit} "
                f"({usage.saved_share:.0%} saved)")
        rows.append(row)
    # Narrow columns for the short values, so the rounds used fit at 1280x720 without a scroll.
    st.dataframe(pd.DataFrame(rows), width="stretch", hide_index=True, column_config={
        "Best objective": st.column_config.NumberColumn(metric, format="%.5g"),
        "Strategy": st.column_config.TextColumn(width="small"),
        "Status": st.column_config.TextColumn(width="small"),
        "Training jobs": st.column_config.NumberColumn("Jobs", width="small", help="Training jobs"),
        "Compute seconds": st.column_config.NumberColumn("Seconds", help="Compute seconds"),
    })
    st.caption("Each curve is one run with one seed: a lucky seed can put any strategy ahead. "
               "Compute seconds add up the training time of every training job (parallel jobs count separately)"
               + (f"; {resource_column} counts what they trained, of what they would have trained had none been "
                  "stopped early." if units else "."))

st.subheader("Repeat over seeds")
st.caption(
    "Run each chosen tuning job again with seeds 1, 2, ... (same configuration, named like "
    "`<job>-s3`) and draw the mean best so far with its interquartile range. Reruns already in "
    "the store are reused, so pressing Run again continues an interrupted study. When a job "
    "splits one dataset into training and validation, the seed also draws that split."
)
to_repeat = st.multiselect("Tuning jobs to repeat", candidates, default=chosen, key="compare.repeat")
seed_count = int(st.number_input("Number of seeds", min_value=1, max_value=MAX_SEEDS, value=5, step=1,
                                 key="compare.seeds"))
launcher = get_launcher()
if st.button("Run", type="primary", disabled=not to_repeat, key="compare.run"):
    try:
        launcher.repeat_over_seeds(to_repeat, list(range(1, seed_count + 1)))
    except TuneLabError as error:
        st.error(literal(error))

handle = launcher.seed_study()
if handle is not None and handle.running:
    bar = st.progress(0.0, text="Starting the reruns...")
    while handle.running:  # the runs live in a background thread: leaving the page stops nothing
        progress = handle.progress
        if progress is not None:
            bar.progress(progress.fraction, text=literal(
                f"{progress.tuning_job_name} (seed {progress.seed} of {progress.original}): training job "
                f"{progress.training_jobs_done} of {progress.max_jobs}; rerun {progress.runs_done + 1} of "
                f"{progress.runs_total}"))
        time.sleep(0.3)
    bar.empty()
if handle is not None and handle.error is not None and set(handle.names) & set(to_repeat):
    st.error(literal(f"The repeat over seeds of {', '.join(handle.names)} stopped before its end: {handle.error}. "
                     "Press Run to go on: finished reruns are kept."))

groups = seed_study_runs(store, to_repeat)
if not groups:
    st.info("None of these tuning jobs has been repeated over seeds yet: press Run.")
    st.stop()
summaries = summarise_seeds(groups, objective_type=objective_type)
baseline = shared_baseline(to_repeat)
show_chart(plot_seed_bands_by_job(summaries, objective_name=metric, objective_type=objective_type,
                                       baseline=baseline), key="compare.bands.job")
show_chart(plot_seed_bands_by_seconds(summaries, objective_name=metric, objective_type=objective_type,
                                           baseline=baseline), key="compare.bands.seconds")

default_target = worst_mean_best(summaries)
better = "at least" if objective_type == "Maximize" else "at most"
target = st.number_input(f"Target value X ({metric} {better} X)", value=float(default_target or 0.0),
                         format="%.4f", help="Defaults to the worst of the groups' mean final bests.")
rows = []
for label, group in summaries.items():
    reach = group.jobs_to_reach(target)
    iqr = group.iqr
    rows.append({
        "Group": label, "Seeds": group.seeds, "Mean best": group.mean_best,
        "IQR of best": "" if iqr is None else f"{iqr[0]:.4g} to {iqr[1]:.4g}",
        "Median jobs to reach X": reach.median_jobs,
        "Seeds that reached X": f"{reach.reached} of {reach.seeds}",
    })
st.dataframe(pd.DataFrame(rows), width="stretch", hide_index=True, column_config={
    "Mean best": st.column_config.NumberColumn(f"Mean best {metric}", format="%.5g"),
    "Median jobs to reach X": st.column_config.NumberColumn(format="%g"),
})
st.caption(
    "Best so far counts Completed training jobs only (a stopped job's value is interim); a run that "
    "ended early keeps its final best. Mean best and its interquartile range (25th to 75th percentile) "
    "are over the seeds' final bests; with one seed they are that seed's. Median jobs to reach X counts a "
    "seed that never reached X as needing more than it ran: it is empty when half the seeds or more never did."
)
