"""Home: what TuneLab is, a one-click demo, and the tuning jobs in the store."""

from __future__ import annotations

import streamlit as st

from views.shared import get_launcher, get_store, mark_dead_runners, user_words
from tuning import ContinuousParameter, IntegerParameter, TuningJobConfig, ValidationError
from tuning.analysis.tables import tuning_jobs_frame

DEMO = TuningJobConfig(
    dataset="bank-marketing",
    algorithm="xgboost",
    objective_metric_name="validation:auc",
    hyperparameter_ranges={
        "eta": ContinuousParameter(0.1, 0.5),
        "max_depth": IntegerParameter(1, 10),
        "min_child_weight": ContinuousParameter(1, 120, scaling_type="Logarithmic"),
        "subsample": ContinuousParameter(0.5, 1.0),
    },
    static_hyperparameters={"num_round": 100},
    strategy="Bayesian",
    max_jobs=20,
    max_parallel_jobs=2,
    random_seed=1,
)  # The one-click demo: 20 Bayesian XGBoost jobs on bank marketing, about half a minute.

st.title("TuneLab")
st.markdown(
    "Hyperparameter tuning the way **SageMaker Automatic Model Tuning** does it, on your laptop, free.  \n"
    "Give search ranges and an objective metric; a strategy (Grid, Random, Bayesian, Hyperband) runs "
    "training jobs in parallel and stops weak ones early.  \n"
    "Watch them live, see *why* the best model won, and deploy it."
)

demo, create = st.columns([1, 1])
with demo:
    clicked = st.button(
        "Demo: tune XGBoost on bank marketing", type="primary", icon=":material/play_arrow:",
        help="20 training jobs, 2 at a time, Bayesian search of eta, max_depth, min_child_weight "
             "and subsample, maximising validation AUC. About half a minute.",
    )
with create:
    st.page_link("views/create.py", label="Create your own tuning job", icon=":material/add_circle:")
if clicked:
    try:
        name = get_launcher().launch(DEMO)
    except ValidationError as error:
        st.error(user_words(error))
    else:
        st.session_state["tuning_job"] = name
        st.success(f"Launched **{name}**; it runs in the background.")
        st.page_link("views/monitor.py", label="Watch it live on the Monitor page", icon=":material/monitoring:")

st.subheader("Tuning jobs")
mark_dead_runners(get_store())
jobs = get_store().list_tuning_jobs()
if not jobs:
    st.info(
        "No tuning jobs yet. Click the demo above, create one on the Create tuning job page, or run "
        "`python -m tuning run examples/iris-grid.json`."
    )
else:
    frame = tuning_jobs_frame(jobs)
    frame["Open"] = [f"./monitor?job={name}" for name in frame["HyperParameterTuningJobName"]]
    frame["Objective"] = [f"{job.objective_metric_name} {'↑' if job.objective_type == 'Maximize' else '↓'}"
                          for job in jobs]
    st.dataframe(
        frame,
        width="stretch",
        hide_index=True,
        column_order=["HyperParameterTuningJobName", "Open", "Status", "Progress", "Strategy", "Algorithm",
                      "Dataset", "Objective", "BestObjectiveValue", "CreationTime"],
        column_config={
            "HyperParameterTuningJobName": st.column_config.TextColumn("Tuning job"),
            "Progress": st.column_config.ProgressColumn("Progress", min_value=0.0, max_value=1.0, format="percent", width="small",
                                                     help="Finished training jobs / MaxNumberOfTrainingJobs"),
            "Objective": st.column_config.TextColumn(help="The objective metric; ↑ higher is better, ↓ lower is better"),
            "BestObjectiveValue": st.column_config.NumberColumn("Best", format="%.4f"),
            "CreationTime": st.column_config.DatetimeColumn("Created (UTC)", format="MM-DD HH:mm"),
            "Open": st.column_config.LinkColumn("Monitor", display_text="watch", width="small"),
        },
    )
    running = sum(job.is_active for job in jobs)
    st.caption(f"{len(jobs)} tuning jobs, {running} running. Open the Monitor or Results page to look inside one.")
