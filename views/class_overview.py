"""Class overview (the teacher's only): who ran what, each student's best, and a leaderboard on one dataset."""

from __future__ import annotations

import streamlit as st

from tuning.classroom.overview import boards, leaderboard, student_jobs, students_table
from tuning.visualization import plot_leaderboard
from views.shared import get_store, is_teacher, mark_dead_runners, show_chart

st.title("Class overview")
if not is_teacher():  # not in a student's navigation; refused here too, should a page run reach it
    st.error("The class overview is the teacher's: log in as the teacher on the name prompt to see it.",
             icon=":material/lock:")
    st.stop()
st.caption("Every student's tuning jobs (the teacher's demos and jobs from before class mode are left out). "
           "Each best is one tuning job's best training job: one run, one seed.")

store = get_store()
mark_dead_runners(store)
jobs = store.list_tuning_jobs()
if not student_jobs(jobs):
    st.info("No student has launched a tuning job yet.", icon=":material/groups:")
    st.stop()

st.subheader("Students")
st.dataframe(students_table(jobs), width="stretch", hide_index=True, column_config={
    "Best per dataset": st.column_config.TextColumn(width="large"),
    "Last launched": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
})

st.subheader("Leaderboard")
choices = boards(jobs)
board = st.selectbox("Dataset and objective", choices, format_func=lambda b: b.label, key="class_overview.board",
                     help="Only jobs on one dataset with one objective metric rank together.")
frame = leaderboard(jobs, board)
if frame.empty:
    st.info("No student has a completed training job on this dataset yet.")
    st.stop()
st.dataframe(frame, width="stretch", hide_index=True,
             column_config={"Best objective": st.column_config.NumberColumn(board.objective_metric_name,
                                                                            format="%.4f")})
show_chart(plot_leaderboard(frame["Student"], frame["Best objective"], objective_name=board.objective_metric_name,
                            objective_type=board.objective_type, dataset=board.dataset, jobs=frame["Tuning job"]),
           key="class_overview.chart")
