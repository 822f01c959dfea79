"""Class mode's workspaces (issue 20, item 1): a column of the store and a filter the engine enforces.

Two students and a teacher share one real store (SQLite, and PostgreSQL where marked): each
student sees their own jobs and the shared ones, and every attempt to stop, delete, resume or
change another's job is refused with the job left as it was. Outside class mode (the plain
store) everything is listed and allowed as before.
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tuning import ContinuousParameter, TuningJobConfig, ValidationError, run_tuning_job
from tuning.classroom import (TEACHER, AttemptLimiter, ClassSettings, TeacherLogin, Workspace, WorkspaceStore,
                              WorkspaceUploads, load_class_settings, save_class_settings)
from tuning.classroom.settings import settings_path
from tuning.classroom.workspace import TEACHER_KEY
from tuning.records import TrainingJob, TuningJob
from tuning.running.resume import resume_tuning_job
from tuning.store import database
from tuning.store.database import Store
from tuning.store.engine import create_store_engine

ANN, BO = Workspace.student("Ann"), Workspace.student("Bo")


def _job(name, status="InProgress", **overrides):
    values = dict(name=name, status=status, strategy="Random", algorithm="xgboost", dataset="iris",
                  objective_metric_name="validation:accuracy", objective_type="Maximize", max_jobs=2,
                  max_parallel_jobs=1, config={"Strategy": "Random"}, created_at=time.time())
    return TuningJob(**{**values, **overrides})


def _training_job(tuning_job, index=0):
    now = time.time()
    return TrainingJob(tuning_job_name=tuning_job, index=index, name=f"{tuning_job}-{index + 1:03d}",
                       status="Completed", hyperparameters={"eta": 0.1}, created_at=now, start_time=now,
                       end_time=now + 1, final_objective_value=0.9)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "store" / "tunelab.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def classroom(store_url):
    """A store with one running and one finished job for each of Ann, Bo and the teacher, and one from before class."""
    store = Store(store_url)
    store.create_tuning_job(_job("before-class", "Completed"))  # made outside class mode: no workspace
    for workspace, prefix in ((ANN, "ann"), (BO, "bo"), (TEACHER, "demo")):
        scoped = WorkspaceStore(store, workspace)
        scoped.create_tuning_job(_job(f"{prefix}-running"))
        scoped.create_tuning_job(_job(f"{prefix}-done", "Completed"))
        scoped.add_training_job(_training_job(f"{prefix}-done"))
    yield store
    store.dispose()


def _names(jobs):
    return sorted(job.name for job in jobs)


def test_creating_a_job_stamps_the_workspace_and_the_store_keeps_it(classroom, store_url):
    again = Store(store_url)
    assert again.get_tuning_job("ann-done").workspace == "Ann"
    assert again.get_tuning_job("demo-done").workspace == TEACHER_KEY
    assert again.get_tuning_job("before-class").workspace is None
    assert again.workspace_of("bo-running") == "Bo"
    again.dispose()


def test_each_student_sees_their_own_jobs_and_the_shared_ones_only(classroom):
    shared = ["before-class", "demo-done", "demo-running"]
    assert _names(WorkspaceStore(classroom, ANN).list_tuning_jobs()) == sorted(["ann-done", "ann-running", *shared])
    assert _names(WorkspaceStore(classroom, BO).list_tuning_jobs()) == sorted(["bo-done", "bo-running", *shared])
    everything = _names(classroom.list_tuning_jobs())
    assert _names(WorkspaceStore(classroom, TEACHER).list_tuning_jobs()) == everything
    assert len(everything) == 7


def test_a_student_cannot_read_another_s_job_by_name_unless_the_teacher_allows(classroom):
    ann = WorkspaceStore(classroom, ANN)
    for read in (ann.get_tuning_job, ann.training_jobs, ann.strategy_calls, ann.tuning_job_artifacts):
        with pytest.raises(ValidationError, match="belongs to another student"):
            read("bo-done")
    assert [job.name for job in ann.training_jobs("demo-done")] == ["demo-done-001"]  # shared: readable
    comparing = WorkspaceStore(classroom, ANN, others_visible=True)
    assert "bo-done" in _names(comparing.list_tuning_jobs())
    assert comparing.get_tuning_job("bo-done").workspace == "Bo"
    assert [job.name for job in comparing.training_jobs("bo-done")] == ["bo-done-001"]


@pytest.mark.parametrize("others_visible", [False, True])
def test_a_student_cannot_stop_delete_resume_or_change_another_s_job_and_it_is_left_as_it_was(
        classroom, others_visible):
    bo = WorkspaceStore(classroom, BO, others_visible=others_visible)
    before = {name: classroom.get_tuning_job(name) for name in ("ann-running", "ann-done", "demo-running")}
    attempts = [
        lambda: bo.request_stop("ann-running"),
        lambda: bo.delete_tuning_job("ann-done"),
        lambda: bo.reopen_tuning_job("ann-done", config={}, rerun_indexes=[0]),
        lambda: bo.update_tuning_job("ann-running", status="Stopped"),
        lambda: bo.claim_runner("ann-running"),
        lambda: bo.heartbeat("ann-running"),
        lambda: bo.interrupt_tuning_job("ann-running", "because"),
        lambda: bo.add_training_job(_training_job("ann-running")),
        lambda: bo.add_training_jobs([_training_job("ann-running")]),
        lambda: bo.add_strategy_calls("ann-running", [(0, {"call": "x"})]),
        lambda: bo.finish_training_job("ann-done", 0, status="Failed"),
        lambda: bo.update_training_job("ann-done", 0, status="Failed"),
        lambda: bo.update_intermediate_values("ann-done", {0: [(1, 0.1)]}),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="this tuning job belongs to another student"):
            attempt()
    for attempt in (lambda: bo.request_stop("demo-running"), lambda: bo.delete_tuning_job("before-class")):
        with pytest.raises(ValidationError, match="belongs to the (teacher|lab)"):
            attempt()
    for name, job in before.items():
        assert classroom.get_tuning_job(name) == job  # nothing changed, not even the stop flag
    assert [job.status for job in classroom.training_jobs("ann-done")] == ["Completed"]
    assert classroom.strategy_calls("ann-running") == [] and classroom.training_jobs("ann-running") == []
    assert classroom.tuning_job_exists("before-class")


def test_a_student_stops_and_deletes_their_own_jobs(classroom):
    ann = WorkspaceStore(classroom, ANN)
    ann.request_stop("ann-running")
    assert classroom.get_tuning_job("ann-running").status == "Stopping"
    ann.delete_tuning_job("ann-done")
    assert not classroom.tuning_job_exists("ann-done")


def test_a_student_cannot_give_a_job_to_another_workspace(classroom):
    with pytest.raises(ValidationError, match="cannot give"):
        WorkspaceStore(classroom, ANN).update_tuning_job("ann-running", workspace="Bo")
    assert classroom.workspace_of("ann-running") == "Ann"


def test_the_teacher_can_stop_and_delete_any_job(classroom):
    teacher = WorkspaceStore(classroom, TEACHER)
    for name in ("ann-running", "bo-running", "demo-running"):
        teacher.request_stop(name)
        assert classroom.get_tuning_job(name).stop_requested
    teacher.delete_tuning_job("bo-done")
    teacher.delete_tuning_job("before-class")
    assert not classroom.tuning_job_exists("bo-done") and not classroom.tuning_job_exists("before-class")


def test_outside_class_mode_the_plain_store_lists_and_allows_everything_as_before(classroom):
    assert len(classroom.list_tuning_jobs()) == 7
    classroom.request_stop("ann-running")  # the lab machine's own CLI or a page outside class mode
    classroom.delete_tuning_job("bo-done")
    assert classroom.get_tuning_job("ann-running").status == "Stopping"
    assert not classroom.tuning_job_exists("bo-done")


def test_a_scope_of_a_scope_is_the_inner_one():
    store = Store("sqlite:///:memory:")
    assert WorkspaceStore(WorkspaceStore(store, ANN), BO).store is store


# -- a real tuning job run and resumed through a student's store ----------------------------

def _config(name):
    return TuningJobConfig(dataset="iris", algorithm="xgboost", name=name,
                           hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                           static_hyperparameters={"num_round": 5}, strategy="Random", max_jobs=2,
                           max_parallel_jobs=1, random_seed=1)


def test_a_real_job_runs_through_a_student_s_store_and_only_its_student_may_resume_it(tmp_path):
    store = Store(tmp_path / "tunelab.db")
    ann = WorkspaceStore(store, ANN)
    job = run_tuning_job(_config("ann-real"), ann)
    assert job.status == "Completed" and job.workspace == "Ann"
    assert job.status_counters.get("Completed") == 2  # the runner's own writes passed the check
    # Its process "died" after the first training job: Interrupted, the second to rerun.
    store.update_tuning_job("ann-real", status="Interrupted", ended_at=time.time())
    store.finish_training_job("ann-real", 1, status="Failed", failure_reason="RunnerGone: the process died")
    before = (store.get_tuning_job("ann-real"), store.training_jobs("ann-real"))
    for workspace, others_visible in ((BO, False), (BO, True)):
        with pytest.raises(ValidationError, match="belongs to another student"):
            resume_tuning_job("ann-real", WorkspaceStore(store, workspace, others_visible=others_visible))
        assert (store.get_tuning_job("ann-real"), store.training_jobs("ann-real")) == before
    resumed = resume_tuning_job("ann-real", ann)
    assert resumed.status == "Completed" and resumed.workspace == "Ann"
    store.dispose()


# -- an older store ----------------------------------------------------------------------------

def _old_store(url: str) -> None:
    """A store as TuneLab made it before class mode: tuning_jobs without ``workspace``, one job in it."""
    old = sa.MetaData()
    for table in database._metadata.sorted_tables:
        sa.Table(table.name, old, *(column._copy() for column in table.columns if column.name != "workspace"))
    if "://" not in url:
        Path(url).parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{url}"
    engine = create_store_engine(url)
    old.create_all(engine)
    job = _job("old-1", "Completed")
    row = {column.name: getattr(job, column.name) for column in old.tables["tuning_jobs"].columns}
    with engine.begin() as connection:
        connection.execute(old.tables["tuning_jobs"].insert().values(**{**row, "config": "{}"}))
    engine.dispose()


def _tuning_columns(url: str) -> set[str]:
    engine = create_store_engine(url if "://" in url else f"sqlite:///{url}")
    try:
        return {column["name"] for column in sa.inspect(engine).get_columns("tuning_jobs")}
    finally:
        engine.dispose()


def test_an_older_store_without_the_column_opens_gets_it_and_works_in_class_mode(store_url):
    _old_store(store_url)
    assert "workspace" not in _tuning_columns(store_url)
    store = Store(store_url)
    assert "workspace" in _tuning_columns(store_url)
    assert store.get_tuning_job("old-1").workspace is None
    WorkspaceStore(store, ANN).create_tuning_job(_job("ann-new"))
    assert _names(WorkspaceStore(store, ANN).list_tuning_jobs()) == ["ann-new", "old-1"]
    assert _names(WorkspaceStore(store, BO).list_tuning_jobs()) == ["old-1"]
    store.dispose()


def test_an_older_store_that_cannot_be_written_still_lists_and_is_left_as_it_was(tmp_path):
    path = tmp_path / "old.db"
    _old_store(str(path))
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert _names(read_only.list_tuning_jobs()) == ["old-1"]
    assert read_only.get_tuning_job("old-1").workspace is None and read_only.workspace_of("old-1") is None
    assert _names(WorkspaceStore(read_only, ANN).list_tuning_jobs()) == ["old-1"]
    read_only.dispose()
    assert "workspace" not in _tuning_columns(str(path))


# -- names -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["<b>Ann</b>", "Ann<script>", "[me](http://x)", "ann;drop", "a" * 41, "", "   ",
                                  "@teacher", "Ann\nLee", "![x](y)", "ann&amp;", ":red[x]", 42, None])
def test_names_with_markup_or_out_of_bounds_are_refused_in_words(name):
    with pytest.raises(ValidationError, match="name"):
        Workspace.student(name)


def test_a_workspace_made_directly_is_checked_by_the_same_gate():
    for name in ("<b>x</b>", " Ann", ""):
        with pytest.raises(ValidationError, match="name"):
            Workspace(name)
    assert Workspace("Ann") == ANN and Workspace("anything", is_teacher=True).key == TEACHER_KEY


def test_good_names_are_kept_tidied_and_never_equal_the_teacher():
    assert Workspace.student("  Ann   Lee ").name == "Ann Lee"
    assert Workspace.student("José_2-b").name == "José_2-b"
    assert Workspace.student("a" * 40).key == "a" * 40
    assert Workspace.student("teacher").key != TEACHER.key and not Workspace.student("teacher").is_teacher


# -- class-mode settings and the teacher's password ---------------------------------------------

def test_the_password_is_kept_only_as_a_salted_hash_in_an_owner_only_file():
    password = "correct horse battery"
    path = save_class_settings(ClassSettings(enabled=True, class_code="MATH7").with_password(password))
    assert path == settings_path() and path.parent == Path(os.environ["TUNELAB_HOME"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert password not in text and password.encode().hex() not in text
    loaded = load_class_settings()
    assert loaded.enabled and loaded.class_code == "MATH7"
    assert loaded.password_matches(password) and not loaded.password_matches("correct horse battery ")
    other = ClassSettings().with_password(password)
    assert other.password_salt != loaded.password_salt and other.password_hash != loaded.password_hash  # salted
    assert json.loads(text)["scrypt"]["n"] >= 2**14


def test_a_short_password_is_refused_and_no_password_lets_nobody_in():
    with pytest.raises(ValidationError, match="at least 8"):
        ClassSettings().with_password("short")
    assert not ClassSettings().password_matches("")
    with pytest.raises(ValidationError, match="no teacher password"):
        TeacherLogin(ClassSettings()).log_in("anything-at-all", key="x")


def test_wrong_passwords_are_rate_limited_per_name_and_the_wait_ends():
    now = [1000.0]
    login = TeacherLogin(ClassSettings().with_password("the right one"),
                         AttemptLimiter(5, 60.0, clock=lambda: now[0]))
    for _ in range(5):
        with pytest.raises(ValidationError, match="not the teacher's password"):
            login.log_in("a guess", key="Bo")
    with pytest.raises(ValidationError, match="too many wrong passwords; try again in 60 s"):
        login.log_in("the right one", key="Bo")  # even the right one waits
    assert login.log_in("the right one", key="Ann") == TEACHER  # another name is not held up
    now[0] += 61
    assert login.log_in("the right one", key="Bo") == TEACHER
    assert login.limiter.wait_seconds("Bo") == 0


def test_the_class_code_and_the_switch_variable(monkeypatch):
    settings = ClassSettings(class_code="MATH7")
    assert settings.code_matches(" MATH7 ") and not settings.code_matches("math8") and not settings.code_matches(None)
    assert ClassSettings().code_matches(None)  # no code set: none asked
    assert not load_class_settings().enabled  # no file: class mode off, as before
    monkeypatch.setenv("TUNELAB_CLASS", "1")
    assert load_class_settings().enabled
    save_class_settings(ClassSettings(enabled=True))
    monkeypatch.setenv("TUNELAB_CLASS", "0")
    assert not load_class_settings().enabled


def test_a_damaged_settings_file_is_refused_not_read_as_class_mode_off():
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    with pytest.raises(ValidationError, match="cannot be read"):
        load_class_settings()


# -- uploaded datasets ---------------------------------------------------------------------------

@pytest.fixture
def uploads():
    """Ann's, Bo's and the teacher's uploads, and one made outside class mode (a real CSV each)."""
    from sklearn.datasets import load_iris

    from tuning.datasets.uploads import save_uploaded_dataset

    data = load_iris(as_frame=True).frame.to_csv(index=False).encode()
    save_uploaded_dataset(data, name="lab-iris")
    for workspace, name in ((ANN, "ann-iris"), (BO, "bo-iris"), (TEACHER, "demo-iris")):
        WorkspaceUploads(workspace).save(data, name=name)
    return data


def test_each_student_lists_their_own_uploads_and_the_shared_ones(uploads):
    names = lambda infos: sorted(info.name for info in infos)  # noqa: E731
    assert names(WorkspaceUploads(ANN).list()) == ["ann-iris", "demo-iris", "lab-iris"]
    assert names(WorkspaceUploads(BO).list()) == ["bo-iris", "demo-iris", "lab-iris"]
    assert names(WorkspaceUploads(BO, others_visible=True).list()) == ["ann-iris", "bo-iris", "demo-iris", "lab-iris"]
    assert names(WorkspaceUploads(TEACHER).list()) == ["ann-iris", "bo-iris", "demo-iris", "lab-iris"]


def test_a_student_cannot_delete_or_replace_another_s_upload_and_it_stays(uploads):
    from tuning.datasets.uploads import is_uploaded_dataset, uploaded_at, uploaded_dataset_workspace

    bo = WorkspaceUploads(BO, others_visible=True)
    stamp = uploaded_at("ann-iris")
    with pytest.raises(ValidationError, match="this dataset belongs to another student"):
        bo.delete("ann-iris")
    with pytest.raises(ValidationError, match="this dataset belongs to another student"):
        bo.save(uploads, name="ann-iris", replace=True)
    for shared in ("demo-iris", "lab-iris"):
        with pytest.raises(ValidationError, match="belongs to the (teacher|lab)"):
            bo.delete(shared)
    assert is_uploaded_dataset("ann-iris") and uploaded_at("ann-iris") == stamp
    assert uploaded_dataset_workspace("ann-iris") == "Ann"
    bo.delete("bo-iris")
    WorkspaceUploads(TEACHER).delete("ann-iris")
    assert not is_uploaded_dataset("bo-iris") and not is_uploaded_dataset("ann-iris")
    assert uploaded_dataset_workspace("lab-iris") is None  # outside class mode: no owner, as before


def test_a_tuning_job_on_another_s_upload_or_a_server_file_is_refused_before_any_data_is_read(uploads, tmp_path,
                                                                                                 caplog):
    """Typed into a configuration (Create's JSON, a crafted widget value): the gate asks the student's store."""
    store = Store(tmp_path / "tunelab.db")
    bo = WorkspaceStore(store, BO)
    config = lambda dataset, **more: TuningJobConfig(  # noqa: E731
        dataset=dataset, algorithm="xgboost", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
        static_hyperparameters={"num_round": 2}, strategy="Random", max_jobs=1, max_parallel_jobs=1, **more)
    secret = tmp_path / "server-secret.csv"
    secret.write_text("a,b\n1,2\n")
    with caplog.at_level("WARNING", logger="tuning.classroom"):
        with pytest.raises(ValidationError, match="'ann-iris' is another student's upload; Bo cannot tune on it"):
            run_tuning_job(config("ann-iris", name="bo-copy"), bo)
        with pytest.raises(ValidationError, match="validation_dataset: the dataset 'ann-iris' is another student's"):
            run_tuning_job(config("bo-iris", validation_dataset="ann-iris", name="bo-val"), bo)
        for path in (str(secret), secret, str(tmp_path / "shards/part.csv")):
            with pytest.raises(ValidationError, match="not on files of the server. Upload the CSV"):
                run_tuning_job(config(path, name="bo-file"), bo)
    assert "tried to tune on 'ann-iris', another student's upload" in caplog.text
    assert "tried to tune on a file of the server" in caplog.text
    assert store.list_tuning_jobs() == []  # nothing recorded
    for allowed in ("bo-iris", "demo-iris", "lab-iris", "iris"):  # theirs, the teacher's, the lab's, built in
        assert run_tuning_job(config(allowed, name=f"bo-{allowed}"), bo).status == "Completed"
    assert run_tuning_job(config("ann-iris", name="bo-seen"), WorkspaceStore(store, BO, others_visible=True)).status \
        == "Completed"  # the teacher lets students see each other's work
    teacher = WorkspaceStore(store, TEACHER)
    assert run_tuning_job(config("ann-iris", name="t-ann"), teacher).status \
        == "Completed"
    store.dispose()


# -- the teacher's command ---------------------------------------------------------------------

def _tuning(*args, stdin=""):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, "-m", "tuning", *args], input=stdin, capture_output=True, text=True,
                          cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, timeout=120)


def test_the_class_command_sets_class_mode_and_a_hashed_password_from_a_pipe():
    done = _tuning("class", "on", "--code", "MATH7", "--others-visible", stdin="a long teacher secret\n")
    assert done.returncode == 0, done.stderr
    assert "Class mode is on" in done.stdout and "teacher password set" in done.stdout
    path = settings_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and "a long teacher secret" not in path.read_text()
    settings = load_class_settings()
    assert settings.enabled and settings.class_code == "MATH7" and settings.students_see_others
    assert settings.password_matches("a long teacher secret")
    kept = settings.password_hash
    assert _tuning("class", "on", "--own-only").returncode == 0  # a password is set: not asked again
    assert load_class_settings().password_hash == kept and not load_class_settings().students_see_others
    off = _tuning("class", "off")
    assert off.returncode == 0 and "Class mode is off" in off.stdout and not load_class_settings().enabled
    short = _tuning("class", "on", "--password", stdin="short\n")
    assert short.returncode == 2 and "at least 8" in short.stderr and "Traceback" not in short.stderr
    assert load_class_settings().password_hash == kept and not load_class_settings().enabled


# -- the seam a page calls ---------------------------------------------------------------------

def test_a_session_s_store_is_the_plain_one_outside_class_mode_and_its_workspace_s_inside(classroom):
    from tuning.classroom import enter_as_student, store_for

    assert store_for(classroom, None, ClassSettings()) is classroom  # outside class mode: exactly as before
    assert store_for(classroom, ANN, ClassSettings()) is classroom
    on = ClassSettings(enabled=True, class_code="MATH7", students_see_others=True)
    with pytest.raises(ValidationError, match="enter your name"):
        store_for(classroom, None, on)
    ann = enter_as_student(on, " Ann ", "MATH7")
    scoped = store_for(classroom, ann, on)
    assert isinstance(scoped, WorkspaceStore) and scoped.workspace == ANN and scoped.others_visible
    with pytest.raises(ValidationError, match="belongs to another student"):
        scoped.request_stop("bo-running")
    with pytest.raises(ValidationError, match="not the class code"):
        enter_as_student(on, "Ann", "MATH8")
    with pytest.raises(ValidationError, match="class mode is off"):
        enter_as_student(ClassSettings(), "Ann")
    with pytest.raises(ValidationError, match="letters, digits"):
        enter_as_student(on, "<img src=x>", "MATH7")
