"""Results: the table of training jobs and the pictures that explain a tuning job."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from views.deep_link import linked_tabs, show_view_link
from views.lint_panel import show_after_job
from views.shared import (
    best_job_text,
    cost_inputs,
    get_store,
    job_notes,
    job_version,
    pick_tuning_job,
    proposers_table,
    show_job_notes,
    show_training_jobs,
    show_definition_group,
    show_warm_start,
    training_jobs_table,
    show_chart,
    user_words,
)
from tuning import TuningJobConfig, ValidationError
from tuning.report import report_html
from tuning.visualization import RESULTS_CHARTS, default_axes, results_figure

# The tabs, in their order on the page: the engine's list, which the HTML report draws too.
CHARTS = RESULTS_CHARTS
CHARTS_BY_TITLE = {entry.title: entry for entry in CHARTS}


@st.cache_data(max_entries=64, show_spinner=False)
def chart(title: str, job_name: str, version: tuple, *args: str):  # noqa: ANN201 - a plotly Figure
    """The chart titled ``title`` of one tuning job, built once per state of the job (``version``).

    With 1,000 training jobs the objective surface and the learning curves take a second
    or two each to build; a finished job never changes, so each session and each rerun
    (a filter, a tab) reuses the figure. A running job gets a new version per finished job.
    Only the learning curves read the curves from the store (10,000 JSON lists otherwise).
    """
    entry = CHARTS_BY_TITLE[title]
    store = get_store()
    jobs = store.training_jobs(job_name, with_curves=entry.curves)
    return results_figure(entry, store.get_tuning_job(job_name), jobs, *args)


st.title("Results")
st.caption("Every training job of a tuning job, and charts that show where the good hyperparameters are.")

store = get_store()
job = pick_tuning_job(store)
if job is None:
    st.stop()
link_slot = st.container()  # filled at the end, once the open chart is in the address

version = job_version(job)
ranges = TuningJobConfig.from_dict(job.config).resolved_ranges()
direction = "higher is better" if job.objective_type == "Maximize" else "lower is better"
st.markdown(
    f"**{job.name}** — {job.status} · {job.strategy} search of {job.algorithm} on {job.dataset} · "
    f"objective **{job.objective_metric_name}** ({direction})"
)
best = best_job_text(job)
if best:
    st.success(best, icon=":material/star:")
# A callable: the report (every chart, plotly.js inlined, a second or two) is built only when clicked.
st.download_button("Download report (HTML)", lambda: report_html(get_store(), job.name).encode("utf-8"),
                   file_name=f"{job.name}-report.html", mime="text/html", icon=":material/description:",
                   help="One self-contained file: the configuration, the training jobs and every chart below. "
                        "It opens offline.")
price, currency = cost_inputs()
notes = job_notes(job.name, version)
show_job_notes(job, notes, price=price, currency=currency)
show_warm_start(store, job)
show_definition_group(store, job)
show_after_job(job, version)

st.subheader("Training jobs")
frame = training_jobs_table(job.name, version)
if job.strategy == "Bayesian" and not frame.empty:  # which half of the portfolio proposed each job
    frame = frame.assign(ProposedBy=frame["TrainingJobName"].map(proposers_table(job.name, version)))
if frame.empty:
    st.info("No training job has started yet.")
else:
    statuses = st.multiselect("Show statuses", sorted(frame["TrainingJobStatus"].unique()),
                              default=sorted(frame["TrainingJobStatus"].unique()))
    shown = frame[frame["TrainingJobStatus"].isin(statuses)]
    star = job.best_training_job
    if star in set(shown["TrainingJobName"]):  # the best first, so its star is seen
        shown = pd.concat([shown[shown["TrainingJobName"] == star], shown[shown["TrainingJobName"] != star]])
    show_training_jobs(shown, job, best=star, notes=notes)
    st.caption(f"{len(shown):,} of {len(frame):,} training jobs. Click a column header to sort; "
               "the best training job is first, marked ★.")
    # A callable: the CSV (a quarter of a second at 10,000 jobs) is made only when clicked.
    st.download_button("Download as CSV", lambda: frame.to_csv(index=False).encode("utf-8"),
                       file_name=f"{job.name}-training-jobs.csv", mime="text/csv")

    st.subheader("Charts")
    names = list(ranges)
    # Lazy tabs: only the open tab's chart is built and sent, so the page stays quick in the
    # browser with 1,000 training jobs (six plotly charts drawn at once took ~5 s).
    # ?chart=Importance opens that tab (views/deep_link.py); the address follows the open tab.
    tabs = linked_tabs([entry.title for entry in CHARTS], key="results.chart", param="chart")
    for entry, tab in zip(CHARTS, tabs):
        if not tab.open:
            continue
        with tab:
            if entry.caption:
                st.caption(entry.caption)
            if not entry.axes:
                show_chart(chart(entry.title, job.name, version))
            elif len(names) < 2:
                st.info("The objective surface needs two tuned hyperparameters.")
            else:
                default_x, default_y = (names.index(name) for name in default_axes(names))
                left, right = st.columns(2)
                x = left.selectbox("Horizontal axis", names, index=default_x)
                y = right.selectbox("Vertical axis", names,
                                    index=default_y if default_y != names.index(x) else (default_x + 1) % len(names))
                try:
                    show_chart(chart(entry.title, job.name, version, x, y))
                except ValidationError as error:
                    st.error(user_words(error))

with link_slot:
    show_view_link("results")
