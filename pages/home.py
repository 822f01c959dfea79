"""Home: what TuneLab is, and the tuning jobs in the store."""

from __future__ import annotations

import streamlit as st

from pages.shared import get_store
from tuning.tables import tuning_jobs_frame

st.title("TuneLab")
st.markdown(
    "Tune machine-learning models the way **SageMaker Automatic Model Tuning** does — "
    "search ranges, an objective metric, Grid / Random / Bayesian / Hyperband strategies, "
    "parallel training jobs, early stopping — on your own laptop, for free."
)

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
