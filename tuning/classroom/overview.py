"""The teacher's class overview: who ran what, each student's best, and a leaderboard on one dataset.

Why here and not on the page: it is a reading of the store's tuning jobs (their
``workspace`` column and AMT's BestTrainingJob), the same for a page, a report or a test.
A leaderboard compares like with like only: one dataset *and* one objective metric (an AUC
and an error rate do not rank together), and its direction from the jobs' ObjectiveType.
Each student's best is their best tuning job's BestTrainingJob: one run, one seed, so a
leaderboard says who found the best value, not whose search is better on average.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from tuning.classroom.workspace import TEACHER_KEY
from tuning.records import TuningJob

__all__ = ["Board", "boards", "leaderboard", "student_jobs", "students_table"]


def _maximize(objective_type: str) -> bool:
    return objective_type == "Maximize"  # AMT's other ObjectiveType is Minimize; the store holds checked jobs


@dataclass(frozen=True)
class Board:
    """What one leaderboard ranks on: a dataset and an objective metric (with its direction)."""

    dataset: str
    objective_metric_name: str
    objective_type: str

    @property
    def label(self) -> str:
        """"bank-marketing: validation:auc (higher is better)"."""
        better = "higher" if _maximize(self.objective_type) else "lower"
        return f"{self.dataset}: {self.objective_metric_name} ({better} is better)"

    def holds(self, job: TuningJob) -> bool:
        return (job.dataset, job.objective_metric_name, job.objective_type) == (
            self.dataset, self.objective_metric_name, self.objective_type)


def student_jobs(jobs: Iterable[TuningJob]) -> list[TuningJob]:
    """The students' tuning jobs: not the teacher's demos, not the lab's from before class mode."""
    return [job for job in jobs if job.workspace not in (None, TEACHER_KEY)]


def _best_of(jobs: list[TuningJob]) -> TuningJob | None:
    """The job with the best BestTrainingJob value (all on one board, so one direction); None if none has one."""
    scored = [job for job in jobs if job.best_objective_value is not None]
    if not scored:
        return None
    pick = max if _maximize(scored[0].objective_type) else min
    return pick(scored, key=lambda job: job.best_objective_value)


def boards(jobs: Iterable[TuningJob]) -> list[Board]:
    """The boards students ran on, the one most students share first (then by name)."""
    students: dict[Board, set[str]] = {}
    for job in student_jobs(jobs):
        board = Board(job.dataset, job.objective_metric_name, job.objective_type)
        students.setdefault(board, set()).add(job.workspace)
    return sorted(students, key=lambda board: (-len(students[board]), board.label))


STUDENT_COLUMNS = ["Student", "Tuning jobs", "Running", "Training jobs finished", "Best per dataset", "Last launched"]


def students_table(jobs: Iterable[TuningJob]) -> pd.DataFrame:
    """One row per student: their tuning jobs, how many run now, training jobs finished, and their best on each board.

    "Best per dataset" reads "bank-marketing validation:auc 0.9312", one entry per board they
    ran on, since bests on different datasets or metrics are not one number (the leaderboard
    names the tuning and training job of each best).
    """
    rows = []
    mine: dict[str, list[TuningJob]] = {}
    for job in student_jobs(jobs):
        mine.setdefault(job.workspace, []).append(job)
    for student, own in sorted(mine.items(), key=lambda item: item[0].casefold()):
        bests = []
        for board in boards(own):
            best = _best_of([job for job in own if board.holds(job)])
            if best is not None:
                bests.append(f"{board.dataset} {board.objective_metric_name} {best.best_objective_value:.4g}")
        rows.append({
            "Student": student,
            "Tuning jobs": len(own),
            "Running": sum(job.is_active for job in own),
            "Training jobs finished": sum(job.finished_count for job in own),
            "Best per dataset": "; ".join(bests) or "none finished yet",
            "Last launched": pd.to_datetime(max(job.created_at for job in own), unit="s", utc=True),
        })
    return pd.DataFrame(rows, columns=STUDENT_COLUMNS)


LEADERBOARD_COLUMNS = ["Rank", "Student", "Best objective", "Tuning job", "Training job", "Tuning jobs on it"]


def leaderboard(jobs: Iterable[TuningJob], board: Board) -> pd.DataFrame:
    """Each student's best value on ``board``, best first; equal values share a rank.

    Students with no completed training job on it are left out (nothing to rank yet).
    """
    rows = []
    mine: dict[str, list[TuningJob]] = {}
    for job in student_jobs(jobs):
        if board.holds(job):
            mine.setdefault(job.workspace, []).append(job)
    for student, own in mine.items():
        best = _best_of(own)
        if best is not None:
            rows.append({"Student": student, "Best objective": best.best_objective_value, "Tuning job": best.name,
                         "Training job": best.best_training_job, "Tuning jobs on it": len(own)})
    frame = pd.DataFrame(rows, columns=LEADERBOARD_COLUMNS[1:])
    ascending = not _maximize(board.objective_type)
    frame = frame.sort_values(["Best objective", "Student"], ascending=[ascending, True], kind="stable")
    frame.insert(0, "Rank", frame["Best objective"].rank(method="min", ascending=ascending).astype(int))
    return frame.reset_index(drop=True)
