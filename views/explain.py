"""Explain: why a tuning job went as it did, looked into on the job itself.

Three tabs, each drawn by its own panel: the strategy replayed step by step
(:mod:`views.replay_panel`), what early stopping or Hyperband cut (:mod:`views.stopping_panel`),
and whether the winner holds on rows nobody tuned on (:mod:`views.holdout_panel`).
"""

from __future__ import annotations

import streamlit as st

from views.holdout_panel import show_generalisation_check
from views.replay_panel import show_replay
from views.deep_link import linked_tabs, show_view_link
from views.shared import get_store, job_version, pick_tuning_job
from views.stopping_panel import show_hyperband, show_median_rule

st.title("Explain")
st.caption("Why this tuning job went as it did: what the strategy knew when it picked, what early stopping cut, "
           "and whether the winner holds on new data.")

store = get_store()
job = pick_tuning_job(store)
if job is None:
    st.stop()

TABS = ("Why these points", "What was cut", "Will the winner hold?")
link_slot = st.container()  # filled at the end, once the open tab is in the address
tabs = linked_tabs(TABS, key="explain.tab", param="tab")  # ?tab=What%20was%20cut opens that tab
if tabs[0].open:
    with tabs[0]:
        show_replay(job, job_version(job))
if tabs[1].open:
    with tabs[1]:
        (show_hyperband if job.strategy == "Hyperband" else show_median_rule)(job)
if tabs[2].open:
    with tabs[2]:
        show_generalisation_check(job)
with link_slot:
    show_view_link("explain")
