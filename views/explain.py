"""Explain: why a tuning job went as it did, replayed on the job itself."""

from __future__ import annotations

import streamlit as st

from views.replay_panel import show_replay
from views.shared import get_store, job_version, pick_tuning_job

st.title("Explain")
st.caption("Walk the strategy's decisions step by step: what it knew, what it believed, what it picked.")

store = get_store()
job = pick_tuning_job(store)
if job is None:
    st.stop()

tabs = st.tabs(["Why these points"], on_change="rerun", key="explain.tab")
if tabs[0].open:
    with tabs[0]:
        show_replay(job, job_version(job))
