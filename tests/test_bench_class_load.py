"""The class-mode load benchmark's core, small: three AppTest sessions each launching from the Create page (not timed).

``bench/bench_class_load.py`` runs thirty sessions over a minute and times the pages; here three
sessions launch two training jobs each, and the store (read here, apart from the bench's own
checks) must hold exactly their three jobs, Completed, each with its two training jobs once and
in its student's workspace, while the sessions' Monitor and Results pages ran without an error.
No timing is asserted: speed targets live in bench/.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import bench_class_load as bench  # noqa: E402
from tuning.classroom.settings import CLASS_VARIABLE, load_class_settings  # noqa: E402
from tuning.store.database import Store  # noqa: E402


def test_three_sessions_launch_from_the_create_page_and_every_job_completes_once_in_its_workspace(monkeypatch):
    monkeypatch.delenv(CLASS_VARIABLE, raising=False)
    load = bench.run_class_load(3, spread_seconds=1.0, max_jobs=2, max_parallel=2, timeout=300, alone_repeats=1)

    assert load.problems == []
    assert load_class_settings().enabled
    assert [session.student for session in load.sessions] == ["Student 01", "Student 02", "Student 03"]
    assert all(session.launched_at is not None for session in load.sessions)
    store = Store()
    jobs = {job.name: job for job in store.list_tuning_jobs()}
    assert sorted(jobs) == ["class-load-01", "class-load-02", "class-load-03"]
    for session in load.sessions:
        job = jobs[session.job_name]
        assert job.status == "Completed" and job.workspace == session.student
        assert (job.dataset, job.algorithm, job.strategy, job.max_jobs) == ("breast_cancer", "xgboost", "Random", 2)
        training = store.training_jobs(job.name, with_curves=False)
        assert sorted(t.index for t in training) == [0, 1]
        assert [t.status for t in training] == ["Completed", "Completed"]
    store.dispose()

    # What the report is built from: one row per student, their two slots, pages run while the jobs ran.
    assert [row.student for row in load.rows] == ["Student 01", "Student 02", "Student 03"]
    assert [row.grants for row in load.rows] == [2, 2, 2]
    assert all(row.training_jobs == 2 and row.training_seconds > 0 and row.wait >= 0 for row in load.rows)
    assert all(0 < row.cpu_seconds for row in load.rows)  # the share's measure, from the store
    assert len(load.alone) == 1 and load.alone[0] > 0  # the same work again, alone, in a store of its own
    home = Store()
    assert not home.tuning_job_exists("alone-0")  # not in the class's store
    home.dispose()
    assert load.completed == 3 and 1 <= load.most_at_once <= load.limit
    assert load.page_seconds(("launch",)) and len(load.page_seconds(("enter",), under_load=False)) == 9
    text = bench.report(load, command="test", max_jobs=2, max_parallel=2)
    assert "| every tuning job Completed | yes | 3 of 3 |" in text
    assert "The same work alone: class-load-01's tuning job" in text
    assert "| none lost or duplicated" in text and "| Student 03 | class-load-03 | Completed | 2 |" in text
