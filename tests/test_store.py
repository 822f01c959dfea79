"""The store: a real database that survives restarts and lets readers read during writes.

Every test that takes ``store`` (or ``store_url``) runs twice: on a SQLite file and on a
fresh database of a real PostgreSQL server (tests/postgres_server.py).
"""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from tuning import ValidationError
from tuning.records import TrainingJob, TuningJob
from tuning.store.database import Store


def _tuning_job(name="job-1", **overrides):
    values = dict(
        name=name, status="InProgress", strategy="Random", algorithm="xgboost", dataset="iris",
        objective_metric_name="validation:accuracy", objective_type="Maximize", max_jobs=5,
        max_parallel_jobs=1, config={"Strategy": "Random"}, created_at=time.time(),
    )
    values.update(overrides)
    return TuningJob(**values)


def _training_job(index, tuning_job="job-1", status="Completed", value=0.5):
    now = time.time()
    return TrainingJob(
        tuning_job_name=tuning_job, index=index, name=f"{tuning_job}-{index + 1:03d}", status=status,
        hyperparameters={"eta": 0.1 * (index + 1), "booster": "gbtree"}, created_at=now,
        start_time=now, end_time=now + 1.5, final_objective_value=value,
        intermediate_values=[(1, 0.1), (2, value)],
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A new, empty store's URL: a SQLite file, or a database on the real PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "store" / "tunelab.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url):
    """Overrides conftest's SQLite-only ``store``: this module's tests run on both databases."""
    store = Store(store_url)
    yield store
    store.dispose()


def test_finished_jobs_survive_reopening_the_store(store_url):
    first = Store(store_url)
    first.create_tuning_job(_tuning_job(status="Completed", best_training_job="job-1-002", best_objective_value=0.9))
    for index in range(3):
        first.add_training_job(_training_job(index, value=0.5 + index / 10))
    first.dispose()

    again = Store(first.url)
    job = again.get_tuning_job("job-1")
    assert job.status == "Completed"
    assert job.status_counters == {"Completed": 3}
    jobs = again.training_jobs("job-1")
    assert [j.final_objective_value for j in jobs] == [0.5, 0.6, 0.7]
    assert jobs[0].intermediate_values == [(1, 0.1), (2, 0.5)]
    assert jobs[0].hyperparameters == {"eta": 0.1, "booster": "gbtree"}
    assert jobs[0].elapsed_seconds == pytest.approx(1.5)
    assert job.describe()["TrainingJobStatusCounters"] == {"Completed": 3, "InProgress": 0, "Failed": 0, "Stopped": 0}


def test_duplicate_and_missing_names_get_clear_messages(store):
    store.create_tuning_job(_tuning_job())
    with pytest.raises(ValidationError, match=r"already exists.*Pick another name"):
        store.create_tuning_job(_tuning_job())
    with pytest.raises(ValidationError, match=r"no tuning job named 'nope'.*job-1"):
        store.get_tuning_job("nope")


def test_stop_request_is_recorded_and_refused_for_finished_jobs(store):
    store.create_tuning_job(_tuning_job())
    store.claim_runner("job-1")
    store.request_stop("job-1")
    assert store.stop_requested("job-1")
    assert store.get_tuning_job("job-1").status == "Stopping"
    store.update_tuning_job("job-1", status="Stopped")
    with pytest.raises(ValidationError, match=r"is Stopped, so there is nothing to stop"):
        store.request_stop("job-1")


def test_a_job_whose_runner_died_shows_as_interrupted_with_finished_jobs_intact(store):
    store.create_tuning_job(_tuning_job())
    store.add_training_job(_training_job(0))
    store.add_training_job(_training_job(1, status="InProgress", value=None))
    # A real process that claims the job and then dies.
    code = (
        "import sys; from tuning.store.database import Store; "
        f"Store({str(store.url)!r}).claim_runner('job-1')"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.getcwd())
    assert store.get_tuning_job("job-1").status == "InProgress"  # a read writes nothing
    assert store.mark_dead_runners() == ["job-1"]
    job = store.get_tuning_job("job-1")
    assert job.status == "Interrupted"
    assert "stopped before the job ended" in job.failure_reason
    completed, unfinished = store.training_jobs("job-1")
    assert completed.status == "Completed" and completed.final_objective_value == 0.5
    assert unfinished.status == "Failed" and "ended before the job did" in unfinished.failure_reason


def test_a_live_runner_is_not_marked_interrupted(store):
    store.create_tuning_job(_tuning_job())
    store.claim_runner("job-1")  # this very process
    assert store.mark_dead_runners() == []
    assert store.get_tuning_job("job-1").status == "InProgress"


def test_a_stale_heartbeat_from_another_machine_means_interrupted(store):
    store.create_tuning_job(_tuning_job(runner_host="elsewhere", runner_pid=1, heartbeat_at=time.time() - 120))
    store.mark_dead_runners()
    assert store.get_tuning_job("job-1").status == "Interrupted"
    store.create_tuning_job(_tuning_job("job-2", runner_host="elsewhere", runner_pid=1, heartbeat_at=time.time()))
    store.mark_dead_runners()
    assert store.get_tuning_job("job-2").status == "InProgress"


def test_readers_never_see_database_locked_while_a_writer_writes(store):
    store.create_tuning_job(_tuning_job(max_jobs=400))
    errors: list[BaseException] = []
    done = threading.Event()

    def writer():
        try:
            for index in range(300):
                store.add_training_job(_training_job(index, status="InProgress", value=None))
                store.update_training_job("job-1", index, status="Completed", final_objective_value=index / 300)
                store.update_intermediate_values("job-1", {index: [(1, 0.2), (2, 0.3)]})
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            done.set()

    def reader():
        reader_store = Store(store.url)  # its own connections, as the dashboard has
        try:
            while not done.is_set():
                reader_store.list_tuning_jobs()
                reader_store.training_jobs("job-1")
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            reader_store.dispose()

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert store.get_tuning_job("job-1").status_counters == {"Completed": 300}


def test_readers_in_other_processes_read_while_this_one_writes(store):
    store.create_tuning_job(_tuning_job(max_jobs=1000))
    code = (
        "import sys, time; from tuning.store.database import Store; s = Store(sys.argv[1]); n = 0\n"
        "end = time.time() + 3\n"
        "while time.time() < end:\n"
        "    s.list_tuning_jobs(); s.training_jobs('job-1'); n += 1\n"
        "print(n)\n"
    )
    readers = [subprocess.Popen([sys.executable, "-c", code, store.url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    index = 0
    deadline = time.time() + 3
    while time.time() < deadline:
        store.add_training_job(_training_job(index))
        index += 1
    for reader in readers:
        out, err = reader.communicate(timeout=60)
        assert reader.returncode == 0, err
        assert int(out) > 0
    assert len(store.training_jobs("job-1")) == index


@pytest.mark.parametrize(
    "url, message",
    [("notadb://x", r"not a database URL SQLAlchemy understands"),
     ("postgresql+psycopg://me@127.0.0.1:notaport/x", r"'postgresql\+psycopg://me@127.0.0.1:notaport/x' is not a "
                                                      r"database URL SQLAlchemy understands.*postgresql\+psycopg://"),
     ("mysql://me@127.0.0.1/x", r"needs a database driver that is not installed.*MySQLdb.*postgresql\+psycopg://"),
     ("sqlite:////nonexistent-dir/sub/x.db", r"cannot open the store.*Check that the folder exists")],
)
def test_bad_store_urls(url, message):
    with pytest.raises(ValidationError, match=message):
        Store(url)


def test_a_postgresql_server_that_does_not_answer_is_named_without_its_password():
    with socket.socket() as sock:  # a port nothing listens on once the socket closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ValidationError) as caught:
        Store(f"postgresql+psycopg://teacher:s3cret@127.0.0.1:{port}/tunelab")
    message = str(caught.value)
    assert f"cannot open the store 'postgresql+psycopg://teacher:***@127.0.0.1:{port}/tunelab'" in message
    assert "Connection refused" in message
    assert f"Check that the PostgreSQL server is running and accepts connections at 127.0.0.1:{port}" in message
    assert "s3cret" not in message


@pytest.mark.postgres
def test_a_database_missing_on_a_running_server_says_how_to_create_it(postgres_server):
    with pytest.raises(ValidationError) as caught:
        Store(postgres_server.url("no_such_db"))
    message = str(caught.value)
    assert 'database "no_such_db" does not exist' in message
    assert f"createdb -h 127.0.0.1 -p {postgres_server.port} -U tunelab no_such_db" in message


@pytest.mark.postgres
def test_a_user_who_may_not_create_tables_is_told_what_to_grant(postgres_server, postgres_url):
    # PostgreSQL 15 no longer lets every user create tables in the schema public.
    role = f"student_{os.getpid()}_{time.time_ns()}"
    postgres_server.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        url = postgres_url.replace("//tunelab@", f"//{role}@")
        with pytest.raises(ValidationError) as caught:
            Store(url)
        message = str(caught.value)
        assert "permission denied for schema public" in message
        assert f"GRANT CREATE, USAGE ON SCHEMA public TO {role}" in message
    finally:
        postgres_server.execute(f'DROP ROLE "{role}"')


@pytest.mark.postgres
def test_stores_opening_a_new_postgresql_database_at_once_all_succeed(postgres_server):
    # Four stores (each with its own connection, as four processes have) open each of five
    # new databases at the same moment: without a lock around creating the tables, two
    # CREATE TABLEs race and one fails on PostgreSQL's catalog.
    for round_ in range(5):
        name = f"race_{os.getpid()}_{round_}_{time.time_ns()}"
        postgres_server.execute(f'CREATE DATABASE "{name}"')
        start = threading.Barrier(4)
        errors: list[BaseException] = []

        def open_store(url=postgres_server.url(name)):
            try:
                start.wait(10)
                Store(url).dispose()
            except BaseException as error:  # noqa: BLE001
                errors.append(error)

        threads = [threading.Thread(target=open_store) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        postgres_server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        assert errors == []


def test_values_come_back_exactly_as_written(store):
    created = time.time()
    store.create_tuning_job(_tuning_job(created_at=created, dataset="données/ünïcode 数据.csv",
                                        config={"Strategy": "Random", "Nested": {"list": [1, 2.5, None]}}))
    job = _training_job(0, status="Failed", value=float("inf"))
    job.hyperparameters = {"eta": 0.1 + 0.2, "booster": "dart ✓", "n": 2**40}
    job.intermediate_values = [(1, 0.1), (2, float("nan"))]
    job.failure_reason = "could not parse b'\x89PNG\x00\x00' " + "x" * 10_000
    store.add_training_job(job)
    store.update_tuning_job("job-1", status="Failed", best_objective_value=float("-inf"),
                            failure_reason="stopped at byte \x00 of the file")

    tuning_job = store.get_tuning_job("job-1")
    assert tuning_job.created_at == created  # double precision on both databases
    assert tuning_job.dataset == "données/ünïcode 数据.csv"
    assert tuning_job.config == {"Strategy": "Random", "Nested": {"list": [1, 2.5, None]}}
    assert tuning_job.best_objective_value is None  # not finite: stored as missing
    assert tuning_job.failure_reason == "stopped at byte \ufffd of the file"  # PostgreSQL text holds no NUL
    assert tuning_job.stop_requested is False
    [read] = store.training_jobs("job-1")
    assert read.hyperparameters == {"eta": 0.1 + 0.2, "booster": "dart ✓", "n": 2**40}
    assert read.final_objective_value is None
    assert read.intermediate_values[0] == (1, 0.1) and math.isnan(read.intermediate_values[1][1])
    assert read.failure_reason == "could not parse b'\x89PNG\ufffd\ufffd' " + "x" * 10_000
    assert (read.created_at, read.start_time, read.end_time) == (job.created_at, job.start_time, job.end_time)
    store.claim_runner("job-1")
    store.update_tuning_job("job-1", status="InProgress")
    store.request_stop("job-1")
    assert store.get_tuning_job("job-1").stop_requested is True


def test_tuning_jobs_created_at_the_same_instant_list_in_one_order(store):
    now = time.time()
    for name in ["job-c", "job-a", "job-b"]:
        store.create_tuning_job(_tuning_job(name, status="Completed", created_at=now))
    store.create_tuning_job(_tuning_job("job-z", status="Completed", created_at=now - 1))
    assert [job.name for job in store.list_tuning_jobs()] == ["job-a", "job-b", "job-c", "job-z"]
    with pytest.raises(ValidationError, match=r"Known tuning jobs include: job-a, job-b, job-c, job-z\."):
        store.get_tuning_job("nope")


def test_the_store_url_variable_points_the_default_store_elsewhere(store, monkeypatch, tmp_path):
    store.create_tuning_job(_tuning_job("shared-job", status="Completed"))
    monkeypatch.setenv("TUNELAB_STORE_URL", store.url)
    default = Store()  # what the CLI without --store and the dashboard open
    assert default.url == store.url
    assert [job.name for job in default.list_tuning_jobs()] == ["shared-job"]
    default.dispose()
    assert not (tmp_path / "home" / "tunelab.db").exists()
    monkeypatch.setenv("TUNELAB_STORE_URL", "  ")  # blank: the default file
    assert Store().url == f"sqlite:///{tmp_path / 'home' / 'tunelab.db'}"


def test_delete_removes_jobs_and_artifacts_but_refuses_running_ones(store):
    store.create_tuning_job(_tuning_job())
    store.add_training_job(_training_job(0))
    store.claim_runner("job-1")
    with pytest.raises(ValidationError, match=r"stop it before deleting"):
        store.delete_tuning_job("job-1")
    folder = store.tuning_job_artifacts("job-1")
    folder.mkdir(parents=True)
    store.update_tuning_job("job-1", status="Completed")
    store.delete_tuning_job("job-1")
    assert not folder.exists()
    assert store.list_tuning_jobs() == []


def test_many_training_jobs_in_one_call_and_read_back_without_their_curves(store):
    store.create_tuning_job(_tuning_job(status="Completed"))
    store.add_training_jobs([_training_job(index, value=index / 10) for index in range(50)])
    assert store.get_tuning_job("job-1").status_counters == {"Completed": 50}
    whole = store.training_jobs("job-1")
    light = store.training_jobs("job-1", with_curves=False)
    assert whole[3].intermediate_values == [(1, 0.1), (2, 0.3)] and light[3].intermediate_values == []
    assert [(j.name, j.final_objective_value, j.hyperparameters) for j in light] == [
        (j.name, j.final_objective_value, j.hyperparameters) for j in whole]


def test_a_finished_job_and_the_jobs_that_took_its_worker_are_one_write(store):
    store.create_tuning_job(_tuning_job())
    store.add_training_job(_training_job(0, status="InProgress", value=None))
    store.finish_training_job("job-1", 0, started=[_training_job(1, status="InProgress", value=None)],
                              status="Completed", final_objective_value=float("nan"), end_time=time.time())
    jobs = store.training_jobs("job-1")
    assert [(j.index, j.status) for j in jobs] == [(0, "Completed"), (1, "InProgress")]
    assert jobs[0].final_objective_value is None  # not finite: stored as missing


def test_a_queued_job_can_start_and_finish_in_the_same_write(store):
    # Two short jobs ended before the runner looked: the second is inserted, then finished.
    store.create_tuning_job(_tuning_job())
    started = _training_job(0, status="InProgress", value=None)
    store.finish_training_job("job-1", 0, started=[started], status="Completed", final_objective_value=0.8)
    [job] = store.training_jobs("job-1")
    assert (job.status, job.final_objective_value) == ("Completed", 0.8)
    with pytest.raises(TypeError, match="unknown training job field"):
        store.finish_training_job("job-1", 0, colour="blue")


# -- reads never write -----------------------------------------------------------------------------------
def _dead_runner_store(path):
    """A store file holding one job whose runner (on another machine) stopped beating long ago."""
    store = Store(path)
    store.create_tuning_job(_tuning_job(runner_host="elsewhere", runner_pid=1, heartbeat_at=time.time() - 120))
    store.add_training_job(_training_job(0))
    store.add_training_job(_training_job(1, status="InProgress", value=None))
    return store


def _count_writes(store):
    """Every INSERT, UPDATE or DELETE the store's engine sends, as a list that grows."""
    import sqlalchemy as sa

    writes = []

    @sa.event.listens_for(store.engine, "before_cursor_execute")
    def _seen(connection, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    return writes


def test_reads_never_write_and_mark_dead_runners_is_the_one_that_does(tmp_path):
    store = _dead_runner_store(tmp_path / "dead.db")
    writes = _count_writes(store)
    assert store.get_tuning_job("job-1").status == "InProgress"  # as left: reading marks nothing
    assert [job.status for job in store.list_tuning_jobs()] == ["InProgress"]
    assert [job.status for job in store.training_jobs("job-1")] == ["Completed", "InProgress"]
    assert store.tuning_job_exists("job-1") and not store.stop_requested("job-1")
    assert writes == []
    assert store.mark_dead_runners() == ["job-1"]
    assert writes and all(statement.lstrip().upper().startswith("UPDATE") for statement in writes)
    assert store.get_tuning_job("job-1").status == "Interrupted"
    assert [job.status for job in store.training_jobs("job-1")] == ["Completed", "Failed"]
    marked = len(writes)
    assert store.mark_dead_runners() == []  # nothing left to mark: a query, no write
    assert len(writes) == marked


def test_a_read_only_store_still_lists_and_shows_and_says_why_it_cannot_mark(tmp_path):
    from tuning.errors import StoreWriteError

    path = tmp_path / "dead.db"
    _dead_runner_store(path).dispose()
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true")  # SQLite itself refuses every write
    assert read_only.get_tuning_job("job-1").status == "InProgress"
    assert [job.name for job in read_only.list_tuning_jobs()] == ["job-1"]
    assert len(read_only.training_jobs("job-1")) == 2
    with pytest.raises(StoreWriteError, match=r"could not mark 1 tuning job\(s\) whose process died as "
                                              r"Interrupted \(job-1\).*refused the write.*readonly"):
        read_only.mark_dead_runners()
    assert Store(path).get_tuning_job("job-1").status == "InProgress"  # nothing half-written
