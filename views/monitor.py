"""Monitor: a tuning job while it runs, refreshed every two seconds."""

from __future__ import annotations

import streamlit as st

from views.deep_link import show_view_link
from views.presenter import presenter_on
from views.shared import (best_job_text, cost_inputs, get_launcher, get_store, job_version, literal, may_change,
                          notes_of, mark_dead_runners, pick_tuning_job, show_chart, show_job_notes, show_training_jobs,
                          show_definition_group, show_warm_start, user_words)
from tuning import ValidationError
from tuning.analysis.baseline import baseline_for_job
from tuning.job.config import training_jobs_ran_on
from tuning.records import TRAINING_JOB_STATUSES, TuningJobStatus
from tuning.analysis.tables import training_jobs_frame
from tuning.visualization import plot_best_so_far

REFRESH_SECONDS = 2
MARKED = "monitor.dead_runners_marked"  # set by the page run, so its own live view does not mark again
TABLE_ROWS = 300  # the Monitor's table shows the newest this many training jobs; Results has them all
# (a comment, not a docstring: Streamlit's magic would draw a bare string on the page)


@st.cache_data(max_entries=8, show_spinner=False)
def snapshot(name: str, version: tuple):  # noqa: ANN201
    """The best-so-far chart, the newest :data:`TABLE_ROWS` rows and the job's notes, built once per state of the job.

    One store read serves all three, with the learning curves: the compute used and the
    round each stopped job reached are read from them (0.2 s at 10,000 training jobs). A
    finished job is read once; a running one once per started or finished training job,
    not every two seconds.
    """
    store = get_store()
    tuning_job = store.get_tuning_job(name)
    jobs = store.training_jobs(name)
    figure = plot_best_so_far(jobs, objective_name=tuning_job.objective_metric_name,
                              objective_type=tuning_job.objective_type, baseline=baseline_for_job(tuning_job))
    return figure, training_jobs_frame(jobs[-TABLE_ROWS:]), len(jobs), notes_of(tuning_job, jobs)

st.title("Monitor")
st.caption("Training jobs appear here as they start and finish; the page keeps itself up to date.")

store = get_store()
job = pick_tuning_job(store)  # marks dead runners: the live view below need not, in this run
if job is None:
    st.stop()
st.session_state[MARKED] = True
show_view_link("monitor")

# The Stop button and the Interrupted notice sit in containers drawn on every run, even empty, so the
# live view below keeps its place when the job ends and the button goes: with the live view moving up
# one place, the test_browser_load run saw its progress line twice on one page ("40 of 40 ... finished").
controls, interrupted = st.container(), st.container()
allowed = may_change(store, job.name)  # class mode: another student's job is read-only, without these buttons
with controls:
    if job.is_active and allowed and st.button("Stop tuning job", type="primary",
                                   help="Running training jobs stop at their next round and end as Stopped."):
        try:
            store.request_stop(job.name)
            st.toast(f"Asked {job.name} to stop.")
        except ValidationError as error:
            st.error(user_words(error))

with interrupted:
    if job.status == TuningJobStatus.INTERRUPTED:
        st.warning(f"{literal(job.failure_reason or '')} Resume goes on where it stood: finished training jobs are kept "
                   "as they are, those it cut short (Failed, RunnerGone) run again under their own names, then new ones "
                   f"up to {job.max_jobs}.", icon=":material/power_off:")
        if allowed and st.button("Resume tuning job", type="primary", icon=":material/play_arrow:",
                     help="Runs in the background of this server, like a job launched here."):
            try:
                get_launcher().resume(job.name)
            except ValidationError as error:
                st.error(user_words(error))
            else:
                st.toast(f"Resumed {job.name}.")
                st.rerun()


price, currency = cost_inputs()  # in the sidebar, which a fragment cannot draw in


@st.fragment(run_every=REFRESH_SECONDS if job.is_active else None)
def live_view(name: str) -> None:
    """Counters, progress, best-so-far and the table: redrawn alone, not the whole page.

    In presenter mode the chart comes first, above the fold at 1280x720, so the class sees
    the search improve rather than counters. Once the job ends, one full rerun hides the
    Stop button and ends the refreshing. Each refresh alone marks dead runners once, so a
    job whose process died shows as Interrupted.
    """
    if not st.session_state.pop(MARKED, False):
        mark_dead_runners(store)
    current = store.get_tuning_job(name)
    if job.is_active and not current.is_active:
        st.rerun()
    chart_first = st.container() if presenter_on() else None  # filled below, drawn here
    counters = st.columns([2] + [1] * len(TRAINING_JOB_STATUSES))
    counters[0].metric("Status", current.status)
    for column, status in zip(counters[1:], TRAINING_JOB_STATUSES):
        column.metric(status, current.status_counters.get(status, 0))
    st.progress(min(1.0, current.finished_count / max(1, current.max_jobs)),
                text=f"{current.finished_count} of {current.max_jobs} training jobs finished")
    if current.is_active and current.queue_status:  # class mode's fair share: waiting, not stuck
        st.info(literal(current.queue_status), icon=":material/hourglass_top:")
    if current.completion_reason:
        st.info(f"Why it ended: {literal(current.completion_reason)}")
    if current.failure_reason and current.status != TuningJobStatus.INTERRUPTED:  # said above, with Resume
        st.error(literal(current.failure_reason))
    ran_on = training_jobs_ran_on(current.config)
    if ran_on:
        st.caption(f"Training jobs {'run' if current.is_active else 'ran'} on {literal(ran_on)}.")
    show_warm_start(store, current)
    show_definition_group(store, current)
    figure, frame, total, notes = snapshot(name, job_version(current))
    best = best_job_text(current)
    if best:
        st.success(best, icon=":material/star:")
    show_job_notes(current, notes, price=price, currency=currency)
    if chart_first is not None:  # presenter mode: into the slot above the counters
        with chart_first:
            show_chart(figure)
    else:  # as it always was: in place, unkeyed (a keyed chart in a live fragment is not needed)
        show_chart(figure)
    if not frame.empty:
        show_training_jobs(frame, current, newest_first=True, notes=notes)
    if total > len(frame):
        st.caption(f"The newest {len(frame):,} of {total:,} training jobs. The full table, with filters "
                   f"and a CSV download, is on the [Results page](./results?job={name}).")


live_view(job.name)
