"""What every page shares: the one store and the one job launcher of this server process.

In class mode (:mod:`tuning.classroom`) a page never holds the server's store itself: it asks
:func:`get_store`, which hands it the store as the session's workspace sees it, so a page
cannot stop, delete or resume another student's job even if a URL or a widget value asks it to.
"""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from tuning import TuningJobConfig, TuningJobHandle, launch_tuning_job
from tuning.algorithms import get_algorithm
from tuning.analysis.baseline import baseline_for_job
from tuning.analysis.resource_use import ComputeUsage, compute_usage, training_resource
from tuning.running.resume import launch_resume
from tuning.running.runner import warm_up
from tuning.running.seed_study import SeedStudyHandle, launch_rerun_with_seeds
from tuning.analysis.stopped_jobs import objective_text, stopped_at, stopping_evidence
from tuning.explain import proposed_by
from tuning.store.database import Store
from tuning.classroom import (TEACHER, ClassSettings, Workspace, WorkspaceStore, WorkspaceUploads, load_class_settings,
                              store_for, uploads_for)
from tuning.datasets import DatasetInfo, list_datasets
from tuning.datasets.uploads import is_uploaded_dataset
from tuning.analysis.tables import training_jobs_frame
from tuning.errors import StoreWriteError, TuneLabError
from tuning.job.warm_start import WarmStartConfig, overall_best_training_job
from tuning.running.definitions_group import definition_of, group_or_none
from tuning.user_words import in_user_words
from views.deep_link import sync_to_url
from views.presenter import show_chart  # noqa: F401 - pages draw every chart through it


# What turns plain text into Markdown: always \ ` * $ ~; a < that could open a tag or autolink;
# a ] that closes a link or image; a [ that follows a Streamlit directive (:red[...]);
# an & that starts an entity. Other punctuation stays as typed ("min < max", "[0.1, 1]").
_MARKDOWN_ACTIVE = re.compile(r"[\\`*$~]|<(?=[A-Za-z/!?])|\](?=[(\[])|:[A-Za-z-]+\[|&(?=#?\w+;)")


def literal(text: object) -> str:
    """``text`` as Markdown that Streamlit shows character for character.

    Why: st.error, st.info, st.caption and widget labels render Markdown, and column names,
    file names, failure reasons and error messages quoting them come from users. Escaped
    here, ``![x](http://...)`` fetches no image, ``[a](b)`` is no link, ``$x$`` no formula,
    ``:red[x]`` no colour, and ``<script>`` stays text. (Streamlit never renders raw HTML
    in them without ``unsafe_allow_html=True``, which TuneLab never passes.) Only what
    would act is escaped, so "MinResource < MaxResource" and "[0.0001, 1]" read as written.
    """
    def escape(match: re.Match[str]) -> str:
        found = match.group(0)
        return f"{found[:-1]}\\[" if found.startswith(":") else f"\\{found}"

    return _MARKDOWN_ACTIVE.sub(escape, str(text))


def user_words(error: BaseException) -> str:
    """An engine error as a page shows it: Python reprs of ranges in the page's words, Markdown-safe.

    The engine's message stays as it is for the API and the CLI (a Python user wrote
    ``ContinuousParameter(...)``); a page says "eta (0 to 0.3, Logarithmic): MinValue ...".
    """
    return literal(in_user_words(str(error)))


PROBLEM_TYPE_SHORT = {"BinaryClassification": "binary", "MulticlassClassification": "multiclass",
                      "Regression": "regression"}
"""Problem types in one word, for labels that must fit a selectbox or a metric."""


@st.cache_resource
def server_store() -> Store:
    """One Store (and its connection pool) for every browser session of this server.

    Pages ask :func:`get_store` instead: in class mode this one is behind the session's workspace.
    """
    return Store()


WORKSPACE_KEY = "class.workspace"
"""Where a session keeps its :class:`~tuning.classroom.Workspace`: set only by the name prompt
(views/class_entry.py), never a widget's key, so no widget value a browser sends can set it."""


def class_settings() -> ClassSettings:
    """Class mode's settings as they are now (``python -m tuning class off`` takes effect on the next run)."""
    return load_class_settings()


def session_workspace() -> Workspace | None:
    """The workspace this browser session entered (None before the name prompt, and outside class mode)."""
    workspace = st.session_state.get(WORKSPACE_KEY)
    return workspace if isinstance(workspace, Workspace) else None


def cache_scope() -> str:
    """Whose view a cached table or chart is of: the workspace's key in class mode, "" outside it.

    Part of every cache key of a tuning job's tables (:func:`job_version`), so one student's
    cached listing or chart is never handed to another student's session.
    """
    try:
        settings = class_settings()
    except TuneLabError:
        return "?"
    workspace = session_workspace()
    return workspace.key if settings.enabled and workspace is not None else ""


def get_store() -> Store | WorkspaceStore:
    """The store as this session may use it: the server's one store outside class mode, else its workspace's scope.

    Every page gets its store here. In class mode a session that has not entered a name gets
    none (a page run without the name prompt stops with a notice) rather than an unscoped store.
    """
    store = server_store()
    try:
        settings = class_settings()
    except TuneLabError as error:  # a damaged classroom.json: refuse rather than open every workspace
        st.error(user_words(error), icon=":material/lock:")
        st.stop()
    if not settings.enabled:
        return store
    workspace = session_workspace()
    if workspace is None:
        st.warning("This server is in class mode: enter your name on the Home page first.", icon=":material/badge:")
        st.stop()
    return store_for(store, workspace, settings)


def is_teacher() -> bool:
    """Whether this session is the teacher's (always False outside class mode)."""
    workspace = session_workspace()
    return workspace is not None and workspace.is_teacher and cache_scope() != ""


def may_change(store: Store | WorkspaceStore, name: str) -> bool:
    """Whether this session may stop, delete or resume tuning job ``name``: for a page to offer the buttons.

    The engine refuses anyway (:class:`~tuning.classroom.WorkspaceStore`); this only keeps a
    page from showing a button that would be refused.
    """
    return store.may_change_job(name) if isinstance(store, WorkspaceStore) else True


def session_uploads() -> WorkspaceUploads | None:
    """The uploads as this session's workspace sees them in class mode; None outside it (every upload, as before)."""
    if not cache_scope():
        return None
    settings = class_settings()
    return uploads_for(session_workspace() or TEACHER, settings)


def visible_datasets() -> list[DatasetInfo]:
    """The bundled datasets and the uploads this session may see (every upload outside class mode)."""
    infos = list_datasets(include_uploaded=True)
    uploads = session_uploads()
    if uploads is None:
        return infos
    allowed = {info.name for info in uploads.list()}
    return [info for info in infos if info.name in allowed or not is_uploaded_dataset(info.name)]


class JobLauncher:
    """Tuning jobs started from the dashboard, running in background threads of the server.

    Shared by every browser session (a teacher's and the students'); closing a tab does
    not stop a job, and the store keeps every result. :meth:`acting_as` gives a session
    the same launcher working through its own store, so a student's job is stamped with
    their workspace and a resume of another's is refused by the engine.
    """

    def __init__(self, store: Store | WorkspaceStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._handles: dict[str, TuningJobHandle] = {}
        self._seed_studies: dict[str, SeedStudyHandle] = {}

    def acting_as(self, store: Store | WorkspaceStore) -> JobLauncher:
        """This launcher (its handles and lock) launching and resuming through ``store``."""
        view = copy.copy(self)
        view.store = store
        return view

    def _scope(self) -> str:
        workspace = getattr(self.store, "workspace", None)
        return workspace.key if workspace is not None else ""

    def launch(self, config: TuningJobConfig, *, scheduler: str | None = None) -> str:
        """Check and start a tuning job; return its name. Bad input raises ValidationError.

        ``scheduler``, a Dask scheduler's address, runs its training jobs on that cluster."""
        handle = launch_tuning_job(config, self.store, scheduler=scheduler)
        with self._lock:
            self._handles[handle.name] = handle
        return handle.name

    def resume(self, name: str) -> str:
        """Resume an Interrupted tuning job in the background. Bad input raises ValidationError."""
        handle = launch_resume(name, self.store)
        with self._lock:
            self._handles[handle.name] = handle
        return handle.name

    def running(self) -> list[str]:
        with self._lock:
            return [name for name, handle in self._handles.items() if handle.running]

    def repeat_over_seeds(self, names: list[str], seeds: list[int]) -> SeedStudyHandle:
        """Rerun tuning jobs over seeds in the background (Compare's "Repeat over seeds").

        One study at a time for the server (in class mode, for each workspace): while one
        runs, asking again returns it. Bad input raises ValidationError, before anything runs.
        """
        with self._lock:
            study = self._seed_studies.get(self._scope())
            if study is None or not study.running:
                study = self._seed_studies[self._scope()] = launch_rerun_with_seeds(self.store, names, seeds)
            return study

    def seed_study(self) -> SeedStudyHandle | None:
        """The latest repeat over seeds (this workspace's in class mode), running or ended (``None`` before the first)."""
        with self._lock:
            return self._seed_studies.get(self._scope())


@st.cache_resource
def server_launcher() -> JobLauncher:
    """The server's one launcher; its first call also warms up the worker processes.

    ``warm_up`` runs in a background thread, so no page waits for it.
    """
    threading.Thread(target=warm_up, name="tunelab-warm-up", daemon=True).start()
    return JobLauncher(server_store())


def get_launcher() -> JobLauncher:
    """The server's launcher, launching and resuming through this session's store (:func:`get_store`)."""
    return server_launcher().acting_as(get_store())


def mark_dead_runners(store: Store) -> None:
    """Mark the tuning jobs whose process died as Interrupted: once per page run and Monitor refresh.

    Reading the store never writes; this is the one write that showing it makes, so a job
    whose server was killed reads Interrupted (with Resume), not InProgress for ever. A
    store that refuses it (read-only, a full disk) costs a note: the page shows what it read.
    """
    try:
        store.mark_dead_runners()
    except StoreWriteError as error:
        st.caption(f":material/warning: {literal(str(error))}")
    if store.check_file() is not None:  # the store file was deleted under the server, and written back
        st.warning(literal(store.check_file()), icon=":material/restore:")


def pick_tuning_job(store: Store):  # noqa: ANN201 - returns TuningJob | None
    """A tuning-job picker shared by Monitor, Results and Deploy; remembers the choice per session.

    The ``?job=NAME`` query parameter preselects a job, so a link can open one directly.
    Dead runners are marked first (:func:`mark_dead_runners`): this is the page's listing.
    """
    mark_dead_runners(store)
    jobs = store.list_tuning_jobs()
    if not jobs:
        st.info("No tuning jobs yet: launch one from the Home page, the CLI or Python.")
        return None
    names = [job.name for job in jobs]
    linked = st.query_params.get("job")
    wanted = linked or st.session_state.get("tuning_job")
    if isinstance(store, WorkspaceStore) and linked and linked not in names:
        # In class mode a link to a job this workspace may not see: refused in words, and the
        # same words whether it is another student's or none at all (a link tells nothing).
        st.warning(f"The link's tuning job **{literal(linked)}** is not one you can open here: it belongs to "
                   "another student, or there is no such job. Showing one of yours instead.", icon=":material/lock:")
    if isinstance(store, WorkspaceStore) and st.session_state.get("pick_tuning_job") not in names:
        st.session_state.pop("pick_tuning_job", None)  # a crafted widget value naming a hidden job: dropped
    index = names.index(wanted) if wanted in names else 0
    # The key keeps the picker one widget: unkeyed, its identity included ``index`` and the
    # labels with each job's status, so a pick or a job ending made a new picker, and with
    # jobs running the old one stayed on screen beside it (tests/test_browser_load.py).
    name = st.selectbox("Tuning job", names, index=index, key="pick_tuning_job",
                        format_func=lambda n: f"{n} ({next(j.status for j in jobs if j.name == n)})")
    st.session_state["tuning_job"] = name
    sync_to_url("job", name)  # the address bar links to this job (views/deep_link.py)
    job = next(job for job in jobs if job.name == name)
    if not may_change(store, name):
        st.caption(f":material/visibility: Read-only: {literal(owner_words(job.workspace))}'s tuning job. "
                   "You can look and compare, not stop, delete or resume it.")
    return job


def owner_words(workspace_key: str | None) -> str:
    """Whose a job is, for a page: a student's name, "the teacher" or "the lab" (made outside class mode)."""
    if workspace_key is None:
        return "the lab"
    return str(TEACHER) if workspace_key == TEACHER.key else workspace_key


def job_version(job) -> tuple:  # noqa: ANN001 - a TuningJob
    """What changes whenever the tuning job's training jobs do: a key for cached tables and charts.

    A finished job never changes, so every session and rerun reuses what was built once; a
    running one gets a new key when a training job starts or ends. In class mode the key holds
    the session's workspace (:func:`cache_scope`): no session is handed a table built for another.
    """
    return job.name, job.created_at, job.status, tuple(sorted(job.status_counters.items())), cache_scope()


@st.cache_data(max_entries=16, show_spinner=False)
def training_jobs_table(name: str, version: tuple) -> pd.DataFrame:
    """The tuning job's training jobs as SageMaker's analytics table, built once per ``version``.

    Read without the learning curves (no page table shows them): with 10,000 training jobs
    the store read and the frame take about half a second, paid once per state of the job.
    """
    return training_jobs_frame(get_store().training_jobs(name, with_curves=False))


@st.cache_data(max_entries=16, show_spinner=False)
def proposers_table(name: str, version: tuple) -> dict[str, str]:  # noqa: ARG001 - version keys the cache
    """Which model proposed each training job (the record of the strategy's calls), once per state of the job."""
    return proposed_by(get_store(), name)


@dataclass(frozen=True)
class JobNotes:
    """What the engine says about a tuning job's training jobs as a whole, for Monitor and Results.

    Built from the training jobs *with* their learning curves (the round a stopped job
    reached is its curve's last step; compute used is the curves' lengths).
    """

    usage: ComputeUsage | None = None
    evidence: str | None = None
    """The engine's sentence when many jobs were stopped on one same value, else ``None``."""
    interim: dict[str, str] = field(default_factory=dict)
    """Each Stopped training job's name -> "interim: round 10 of 100"."""
    stopped: tuple[tuple[str, str], ...] = ()
    """(name, "0.8874 at round 10 of 100 (stopped)") per Stopped job with a value, in job order."""


def notes_of(job, training_jobs) -> JobNotes:  # noqa: ANN001 - a TuningJob and its TrainingJobs, with curves
    """The engine's compute usage, stopping evidence and interim labels for these training jobs."""
    word = get_algorithm(job.algorithm).resource_step or "step"
    interim, stopped = {}, []
    for training_job in training_jobs:
        if training_job.status != "Stopped":
            continue
        step = stopped_at(training_job)
        total = training_resource(job, training_job) if step is not None else None
        interim[training_job.name] = ("interim" if step is None else f"interim: {word} {step}"
                                      + (f" of {total}" if total else ""))
        if training_job.final_objective_value is not None:
            stopped.append((training_job.name, objective_text(job, training_job)))
    return JobNotes(compute_usage(job, training_jobs), stopping_evidence(job, training_jobs, baseline_for_job(job)),
                    interim, tuple(stopped))


@st.cache_data(max_entries=16, show_spinner=False)
def job_notes(name: str, version: tuple) -> JobNotes:
    """:func:`notes_of` the tuning job, read with its curves once per ``version`` (0.2 s at 10,000 jobs)."""
    store = get_store()
    return notes_of(store.get_tuning_job(name), store.training_jobs(name))


PRICE_KEY, CURRENCY_KEY = "cost.price", "cost.currency"


def cost_inputs() -> tuple[float | None, str]:
    """The sidebar's optional price per instance-hour and its currency, kept for the whole session.

    Empty by default, meaning no cost is shown: TuneLab never fetches a price (AWS's vary by
    region and change). Streamlit forgets a widget's value on a page that does not draw it,
    so each value is also kept under a key of its own and handed back when the widget returns.
    """
    state = st.session_state
    for key, default in ((PRICE_KEY, None), (CURRENCY_KEY, "USD")):
        if key not in state:  # widgets take their value from here, so none passes value=
            state[key] = state.get(f"kept.{key}", default)

    def keep(key: str) -> None:
        state[f"kept.{key}"] = state[key]

    with st.sidebar:
        price = st.number_input("Price per instance-hour (optional)", min_value=0.0, step=0.01,
                                format="%.4g", key=PRICE_KEY, on_change=keep, args=(PRICE_KEY,),
                                placeholder="none",
                                help="Your instance type's on-demand price, for the cost spent and saved in "
                                     "the Compute line. TuneLab never looks prices up.")
        currency = st.text_input("Currency", max_chars=8, key=CURRENCY_KEY, on_change=keep,
                                 args=(CURRENCY_KEY,))
    return (price or None), (currency.strip() or "USD")


def best_job_text(job) -> str | None:  # noqa: ANN001 - a TuningJob
    """The best job, its score and the score to beat, for an ``st.success``; ``None`` before one.

    "Best training job: **X** with validation:accuracy = 0.9136 (baseline 0.8874: always
    predicting the majority class 'no')".
    """
    if not job.best_training_job or job.best_objective_value is None:
        return None
    text = (f"Best training job: **{literal(job.best_training_job)}** with {job.objective_metric_name} = "
            f"{job.best_objective_value:.4g}")
    baseline = baseline_for_job(job)
    if baseline is not None:
        text += f" (baseline {baseline.value:.4g}: {literal(baseline.description)})"
    return text


def show_job_notes(job, notes: JobNotes, *, price: float | None = None, currency: str = "USD") -> None:  # noqa: ANN001
    """The compute line ("so far" while the job runs) and the stopping-evidence warning."""
    if notes.usage is not None:
        line = notes.usage.line(price_per_hour=price, currency=currency) if price else notes.usage.line()
        st.markdown(f":material/memory: **Compute{' so far' if job.is_active else ''}:** {literal(line)}")
    if notes.evidence:
        st.warning(literal(notes.evidence), icon=":material/help:")


STOPPED_LISTED = 8


def show_stopped_values(notes: JobNotes, *, newest_first: bool = False) -> None:
    """One readable line naming the stopped jobs and their interim values (the table is a canvas)."""
    stopped = list(reversed(notes.stopped)) if newest_first else list(notes.stopped)
    if not stopped:
        return
    listed = ", ".join(f"{name} {text}" for name, text in stopped[:STOPPED_LISTED])
    more = len(stopped) - STOPPED_LISTED
    st.caption(literal(f"Stopped early, so their values are interim: {listed}"
                       + (f", and {more:,} more." if more > 0 else ".")))


BEST_MARK = "★"


def show_training_jobs(frame, job, *, best: str | None = None, newest_first: bool = False,  # noqa: ANN001
                       notes: JobNotes | None = None) -> None:
    """The training-jobs table as Monitor and Results draw it: readable at 1280x720.

    What a student compares comes first (name, status, objective, hyperparameters, seconds);
    timestamps are left out and the reason columns appear only when some job has a reason.
    The best job is marked with a star in a first column rather than a coloured row: a
    pandas Styler costs seconds per thousand rows, on every rerun. With ``notes``, a
    "Value" column beside the objective says whether it is final or a stopped job's interim
    value, and a line under the table lists the stopped jobs.
    """
    frame = frame.drop(columns=["TrainingStartTime", "TrainingEndTime"], errors="ignore")
    frame = frame.drop(columns=[c for c in ("FailureReason", "StoppedReason") if frame[c].isna().all()])
    if newest_first:
        frame = frame.iloc[::-1]
    first = ["TrainingJobName", "TrainingJobStatus", "FinalObjectiveValue"]
    if notes is not None:
        kind = frame["TrainingJobName"].map(notes.interim)
        final = frame["FinalObjectiveValue"].notna() & (frame["TrainingJobStatus"] == "Completed")
        frame = frame.assign(Value=kind.where(kind.notna(), final.map({True: "final", False: ""})))
        first.append("Value")
    if best is not None:
        frame = frame.assign(Best=(frame["TrainingJobName"] == best).map({True: BEST_MARK, False: ""}))
        first = ["Best", *first]
    hyperparameters = [c for c in frame.columns if c not in first and c not in
                       ("TrainingElapsedTimeSeconds", "FailureReason", "StoppedReason")]
    hyperparameters = [c for c in hyperparameters if c != "ProposedBy"]
    order = first + hyperparameters + [c for c in ("ProposedBy", "TrainingElapsedTimeSeconds", "StoppedReason",
                                                   "FailureReason") if c in frame.columns]
    config = {
        "Best": st.column_config.TextColumn("Best", width=50, help="The tuning job's best training job"),
        "TrainingJobName": st.column_config.TextColumn("Training job"),
        "ProposedBy": st.column_config.TextColumn("Proposed by", help="Which model of the Bayesian strategy picked "
                                                  "it: the Gaussian process or TPE (or their start-up draws)"),
        "TrainingJobStatus": st.column_config.TextColumn("Status"),
        "FinalObjectiveValue": st.column_config.NumberColumn(job.objective_metric_name, format="%.4f"),
        "Value": st.column_config.TextColumn("Value", width=150, help="final, or interim: the value a stopped job had reached "
                                                           "when it was stopped"),
        "TrainingElapsedTimeSeconds": st.column_config.NumberColumn("Seconds", format="%.2f"),
    }
    for name in hyperparameters:
        if frame[name].dtype.kind == "f":
            config[name] = st.column_config.NumberColumn(format="%.4g")
    st.dataframe(frame, width="stretch", hide_index=True, column_order=order, column_config=config)
    if notes is not None:
        show_stopped_values(notes, newest_first=newest_first)


def show_warm_start(store: Store, job) -> None:  # noqa: ANN001 - a TuningJob
    """For a warm-started job: its parents, and AMT's OverallBestTrainingJob across them.

    A student then sees whether the new job beat what the parents had already found.
    """
    warm = job.config.get("WarmStartConfig")
    if not warm:
        return
    config = WarmStartConfig.from_json(warm)
    text = f"Warm-started ({config.warm_start_type}) from {', '.join(config.parents)}."
    overall = overall_best_training_job(store, job)
    if overall is not None:
        value = overall["FinalHyperParameterTuningJobObjectiveMetric"]["Value"]
        where = "this job" if overall["TuningJobName"] == job.name else f"parent {overall['TuningJobName']}"
        text += (f" Overall best training job (this job and its parents): **{overall['TrainingJobName']}** "
                 f"from {where}, {job.objective_metric_name} = {value:.6g}.")
    st.info(text, icon=":material/history:")


def show_definition_group(store: Store, job) -> None:  # noqa: ANN001 - a TuningJob
    """For one definition of a tuning job over several (AWS's TrainingJobDefinitions): which group it
    belongs to, and the best training job across the definitions, as AMT reports the group."""
    entry = definition_of(job)
    group = None if entry is None else group_or_none(store, entry["Name"])
    if group is None:
        return
    text = (f"Training job definition **{literal(entry['DefinitionName'])}** of tuning job "
            f"**{literal(group.name)}** ({len(group.members)} definitions: "
            f"{literal(', '.join(group.members))}; {group.status}), which shares its budget among them.")
    best = group.best_training_job()
    if best is not None:
        value = best["FinalHyperParameterTuningJobObjectiveMetric"]["Value"]
        text += (f" Best across the definitions: **{literal(best['TrainingJobName'])}** (definition "
                 f"{literal(best['TrainingJobDefinitionName'])}), {job.objective_metric_name} = {value:.6g}.")
    if group.status == "Interrupted":
        text += f" `python -m tuning resume {group.name}` goes on with every definition."
    st.info(text, icon=":material/account_tree:")
