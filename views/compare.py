"""Compare: several tuning jobs on one chart (say Grid, Random and Bayesian on the same data)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from views.shared import get_store
from tuning.visualization import plot_compare_best_so_far

st.title("Compare tuning jobs")
st.caption(
    "Which strategy finds a good model with fewer training jobs? Pick jobs that optimise the "
    "same objective metric; their best-so-far curves are drawn on one chart."
)

store = get_store()
jobs = store.list_tuning_jobs()
if len(jobs) < 2:
    st.info("Comparing needs two or more tuning jobs. Run, say, a Random and a Bayesian job on the same dataset.")
    st.stop()

by_name = {job.name: job for job in jobs}
metric = st.selectbox("Objective metric", sorted({job.objective_metric_name for job in jobs}))
candidates = [job.name for job in jobs if job.objective_metric_name == metric]
chosen = st.multiselect("Tuning jobs", candidates, default=candidates[:3])
if len(chosen) < 2:
    st.info("Pick at least two tuning jobs.")
    st.stop()

runs = {name: store.training_jobs(name) for name in chosen}
objective_type = by_name[chosen[0]].objective_type
st.plotly_chart(plot_compare_best_so_far(runs, objective_name=metric, objective_type=objective_type), width="stretch")

rows = []
for name in chosen:
    job = by_name[name]
    seconds = sum(t.elapsed_seconds or 0.0 for t in runs[name])
    rows.append({
        "Tuning job": name, "Strategy": job.strategy, "Dataset": job.dataset, "Status": job.status,
        "Training jobs": len(runs[name]), "Best objective": job.best_objective_value,
        "Compute seconds": round(seconds, 1),
    })
st.dataframe(pd.DataFrame(rows), width="stretch", hide_index=True,
             column_config={"Best objective": st.column_config.NumberColumn(metric, format="%.5g")})
st.caption("Compute seconds add up the training time of every training job (parallel jobs count separately).")
