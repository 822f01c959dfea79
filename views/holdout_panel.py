"""The generalisation check, as a panel a page draws: the best training jobs re-scored on the test split.

Not a page of its own: a page (Explain) calls :func:`show_generalisation_check` with the
tuning job it shows. The work is the engine's (:func:`tuning.analysis.holdout.generalisation_check`,
which may retrain a few models, so it runs when asked, behind a button); this draws its
table, its chart and its sentence, and says in words why there is nothing to show.
"""

from __future__ import annotations

import streamlit as st

from tuning.analysis.holdout import DEFAULT_TOP_K, MAX_TOP_K, GeneralisationCheck, generalisation_check, no_test_split_fix
from tuning.errors import TuneLabError
from tuning.records import TuningJob
from tuning.visualization import plot_generalisation_check
from views.shared import get_store, literal, show_chart

TOP_K_KEY = "holdout.top_k"
RUN_KEY = "holdout.run"
_RESULTS_KEY = "holdout.results"  # {(tuning job, top_k): GeneralisationCheck}: one check per session, not per rerun


def show_generalisation_check(job: TuningJob) -> None:
    """Draw the generalisation check of ``job`` (a :class:`~tuning.records.TuningJob` from the store).

    A job without a test split gets the reason and the fix; an active job, a note that its
    best training jobs may still change. The check runs when the button is pressed, and its
    result is kept for the session, so later reruns of the page just draw it.
    """
    st.subheader("Generalisation check: the best training jobs on rows nobody tuned on")
    fraction = (job.config or {}).get("TestSplitFraction")
    if fraction is None:
        st.info(literal(f"{job.name} held out no test split, so there are no unseen rows to check its best "
                        f"training jobs on. {no_test_split_fix()}"), icon=":material/info:")
        return
    st.caption(literal(
        f"{job.name} held out {fraction:.0%} of its rows as a test split before the train/validation split: no "
        "training job trained on them and the strategy never saw a score on them. The best training jobs by "
        "validation objective are scored there with the same metric; those whose model is not kept are "
        "retrained first (same data, hyperparameters and seed)."))
    if job.is_active:
        st.warning("This tuning job is still running: its best training jobs may still change.",
                   icon=":material/hourglass_top:")
    top_k = int(st.number_input("Training jobs to re-score (the best by validation)", key=TOP_K_KEY,
                                min_value=1, max_value=MAX_TOP_K, value=DEFAULT_TOP_K, step=1))
    results: dict[tuple[str, int], GeneralisationCheck] = st.session_state.setdefault(_RESULTS_KEY, {})
    key = (job.name, top_k)
    if st.button("Re-score on the test split", key=RUN_KEY, icon=":material/fact_check:"):
        try:
            with st.spinner(f"Scoring the best {top_k} training jobs on the test split…"):
                results[key] = generalisation_check(get_store(), job.name, top_k=top_k)
        except TuneLabError as error:
            st.error(literal(str(error)), icon=":material/error:")
            return
    check = results.get(key)
    if check is None:
        return
    st.markdown(literal(check.sentence))
    show_chart(plot_generalisation_check(check))
    st.dataframe(check.frame(), hide_index=True, width="stretch")
