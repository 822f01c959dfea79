"""The class overview's reading of the store (tuning/classroom/overview.py), without Streamlit.

A leaderboard ranks like with like: one dataset and one objective metric, in that metric's
direction; equal values share a rank; the teacher's demos and jobs from before class mode
are not students'.
"""

from __future__ import annotations

import time

from tuning.classroom.overview import Board, boards, leaderboard, students_table
from tuning.classroom.workspace import TEACHER_KEY
from tuning.records import TuningJob


def _job(name, workspace, value, *, dataset="diabetes", metric="validation:rmse", direction="Minimize",
         status="Completed"):
    return TuningJob(name=name, status=status, strategy="Random", algorithm="xgboost", dataset=dataset,
                     objective_metric_name=metric, objective_type=direction, max_jobs=3, max_parallel_jobs=1,
                     config={}, created_at=time.time(), best_objective_value=value,
                     best_training_job=None if value is None else f"{name}-001", workspace=workspace,
                     status_counters={"Completed": 3} if status == "Completed" else {"InProgress": 1})


JOBS = [
    _job("ann-1", "Ann", 55.0), _job("ann-2", "Ann", 52.5),
    _job("bo-1", "Bo", 52.5),
    _job("cy-1", "Cy", 60.0),
    _job("di-1", "Di", None, status="InProgress"),  # nothing finished yet: listed, not ranked
    _job("ed-1", "Ed", 0.9, dataset="iris", metric="validation:accuracy", direction="Maximize"),
    _job("demo", TEACHER_KEY, 40.0), _job("old", None, 30.0),  # not students'
]


def test_a_minimize_leaderboard_ranks_the_lowest_first_and_ties_share_a_rank():
    board = Board("diabetes", "validation:rmse", "Minimize")
    frame = leaderboard(JOBS, board)
    assert list(frame["Student"]) == ["Ann", "Bo", "Cy"]
    assert list(frame["Rank"]) == [1, 1, 3]
    assert list(frame["Best objective"]) == [52.5, 52.5, 60.0]
    assert list(frame["Tuning job"]) == ["ann-2", "bo-1", "cy-1"]
    assert list(frame["Tuning jobs on it"]) == [2, 1, 1]
    assert "lower is better" in board.label


def test_boards_put_the_one_most_students_share_first_and_the_table_lists_every_student():
    assert boards(JOBS) == [Board("diabetes", "validation:rmse", "Minimize"),
                            Board("iris", "validation:accuracy", "Maximize")]
    table = students_table(JOBS)
    assert list(table["Student"]) == ["Ann", "Bo", "Cy", "Di", "Ed"]
    assert list(table["Running"]) == [0, 0, 0, 1, 0]
    assert table.set_index("Student").loc["Di", "Best per dataset"] == "none finished yet"
    assert table.set_index("Student").loc["Ed", "Best per dataset"] == "iris validation:accuracy 0.9"
