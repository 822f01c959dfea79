"""Home: what TuneLab is, and the tuning jobs in the store."""

from __future__ import annotations

import streamlit as st

from pages.shared import get_launcher, get_store
from tuning import ContinuousParameter, IntegerParameter, TuningJobConfig, ValidationError
from tuning.tables import tuning_jobs_frame

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
    "Tune machine-learning models the way **SageMaker Automatic Model Tuning** does — "
    "search ranges, an objective metric, Grid / Random / Bayesian / Hyperband strategies, "
    "parallel training jobs, early stopping — on your own laptop, for free."
)

if st.button("▶ Demo: tune XGBoost on bank marketing", type="primary",
             help="20 training jobs, 2 at a time, Bayesian search of eta, max_depth, min_child_weight "
                  "and subsample, maximising validation AUC. About half a minute."):
    try:
        name = get_launcher().launch(DEMO)
    except ValidationError as error:
        st.error(str(error))
    else:
        st.session_state["tuning_job"] = name
        st.success(f"Launched **{name}**; it runs in the background.")
        st.page_link("pages/monitor.py", label="Watch it live on the Monitor page", icon=":material/monitoring:")

st.subheader("Tuning jobs")
jobs = get_store().list_tuning_jobs()
if not jobs:
    st.info(
        "No tuning jobs yet. Run one from Python or with "
        "`python -m tuning run examples/iris-grid.json`, then reload this page."
    )
else:
    frame = tuning_jobs_frame(jobs)
    st.dataframe(
        frame,
        width="stretch",
        hide_index=True,
        column_config={
            "BestObjectiveValue": st.column_config.NumberColumn("Best objective", format="%.5g"),
            "CreationTime": st.column_config.DatetimeColumn("Created", format="YYYY-MM-DD HH:mm"),
        },
    )
