"""The search-space lint on a page: findings from :mod:`tuning.explain.lint`, each fix one click.

The Create page shows the before-launch findings near its Launch button; a fix changes the
form in place (a range fix refills the ranges table, as an import does). Results shows the
findings of a finished job; a fix there opens Create with the job's configuration, fix
applied, through :attr:`~tuning.job.form_values.Key.CONFIG_HANDOVER`, which Create takes
(:func:`take_config_handover`) before it draws a widget. All rules live in the engine;
this module only draws and moves values between widgets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from tuning.datasets import Dataset, DatasetInfo
from tuning.errors import TuneLabError
from tuning.job.config import TuningJobConfig
from tuning.job.form_values import Key, form_values
from tuning.explain.lint import (
    Finding,
    RuntimeEstimate,
    apply_fix,
    lint_after_job,
    lint_before_launch,
    rerun_config,
    time_trial,
)
from views.shared import get_store, literal, user_words, visible_datasets

__all__ = ["show_after_job", "show_before_launch", "take_config_handover"]

_ICONS = {"warning": ":material/warning:", "info": ":material/lightbulb:"}
_FIX_ERROR = "create.lint_error"


def _draw(finding: Finding) -> None:
    box = st.warning if finding.severity == "warning" else st.info
    box(literal(finding.message), icon=_ICONS.get(finding.severity))


def _button_key(page: str, finding: Finding) -> str:
    return f"{page}.lint.fix.{finding.rule}.{finding.hyperparameter or 'job'}"


# -- Create ---------------------------------------------------------------------------------
def take_config_handover() -> None:
    """Fill the Create form from a configuration another page handed over; call before any widget."""
    handed = st.session_state.pop(Key.CONFIG_HANDOVER, None)
    if not handed:
        return
    values, note = handed
    st.session_state.update(values)
    st.session_state[Key.IMPORT_NONCE] = st.session_state.get(Key.IMPORT_NONCE, 0) + 1  # a fresh ranges table
    st.success(literal(note), icon=":material/check_circle:")


def _apply_on_create(config: TuningJobConfig, fix: Mapping[str, Any]) -> None:
    """A button's callback (before the widgets are drawn again, so it may set their values)."""
    try:
        fixed = apply_fix(config, fix)
    except TuneLabError as error:
        st.session_state[_FIX_ERROR] = str(error)
        return
    if "max_jobs" in fix:
        st.session_state[Key.MAX_JOBS] = int(fixed.max_jobs)
        return
    # The ranges table is refilled from these, as after an import; untouched rows keep their values.
    st.session_state[Key.IMPORTED_RANGES] = (fixed.algorithm, dict(fixed.resolved_ranges()),
                                             dict(fixed.static_hyperparameters))
    st.session_state[Key.IMPORT_NONCE] = st.session_state.get(Key.IMPORT_NONCE, 0) + 1


def _trial_signature(config: TuningJobConfig) -> str:
    """What one training job's time depends on (not the limits): a new trial when it changes."""
    data = config.to_dict()
    return json.dumps({key: data.get(key) for key in ("Dataset", "Algorithm", "HyperparameterRanges", "Strategy",
                                                       "StrategyConfig", "StaticHyperparameters", "ExcludeColumns")},
                      sort_keys=True, default=str)


def show_before_launch(config: TuningJobConfig, *, dataset: Dataset | None) -> None:
    """The before-launch findings of the form's job, each fix a button that changes the form.

    ``config`` is the form's job (its ranges the ranges table's, as
    :func:`~tuning.job.form_values.form_config` builds it); ``dataset`` the loaded data, for
    a timed training job (``None`` when it does not load: nothing to time).
    """
    st.markdown("**Search-space lint**")
    signature = _trial_signature(config)
    trial = st.session_state.get(Key.LINT_TRIAL)
    estimate: RuntimeEstimate | None = trial[1] if trial and trial[0] == signature else None
    findings = lint_before_launch(config, store=get_store(), estimate=estimate)
    if error := st.session_state.pop(_FIX_ERROR, None):
        st.error(f"That fix cannot be applied: {literal(error)}", icon=":material/error:")
    for finding in findings:
        _draw(finding)
        if finding.fix:
            st.button(finding.label, key=_button_key("create", finding), icon=":material/build:",
                      on_click=_apply_on_create, args=(config, dict(finding.fix)))
    if not any(finding.rule == "runtime-estimate" for finding in findings) and dataset is not None:
        st.caption("No earlier training job of this algorithm on this dataset is in the store to estimate the "
                   "runtime from: time one real training job, with the middle of each range.")
        if st.button("Time one training job", key=Key.LINT_TIME, icon=":material/timer:"):
            try:
                with st.spinner("Training one model…"):
                    measured = time_trial(config.replace(dataset=dataset))
            except TuneLabError as error:
                st.error(f"Cannot time a training job: {user_words(error)}", icon=":material/error:")
            else:
                st.session_state[Key.LINT_TRIAL] = (signature, measured)
                st.rerun()
    if not findings:
        st.caption("Nothing to flag in the ranges or the budget.")


# -- Results --------------------------------------------------------------------------------
@st.cache_data(max_entries=32, show_spinner=False)
def _after_job(name: str, version: tuple) -> list[Finding]:
    """Lint of one state of a job (``version``): the importance forest is fitted once, not per rerun."""
    store = get_store()
    return lint_after_job(store.get_tuning_job(name), store.training_jobs(name, with_curves=False))


def show_after_job(job: Any, version: tuple, *, datasets: Sequence[DatasetInfo] | None = None) -> None:
    """A finished job's findings; a fix opens Create with the job's configuration, fix applied."""
    st.subheader("Search-space lint")
    if job.is_active:
        st.caption("The lint reads the finished job: it shows here once the tuning job has ended.")
        return
    try:
        findings = _after_job(job.name, version)
    except TuneLabError as error:
        st.caption(f"No lint for this job: {user_words(error)}")
        return
    if not findings:
        st.caption("Nothing to flag: the best job is inside every range, and every tuned hyperparameter mattered.")
        return
    for finding in findings:
        _draw(finding)
        if finding.fix and st.button(f"{finding.label}: open in Create", key=_button_key("results", finding),
                                     icon=":material/edit_note:"):
            try:
                values = form_values(rerun_config(job, finding.fix),
                                     datasets if datasets is not None else visible_datasets())
            except TuneLabError as error:
                st.error(f"Cannot open it in Create: {user_words(error)}", icon=":material/error:")
                continue
            note = f"Filled in from {job.name}, with one change: {finding.label}. Check it, then launch."
            st.session_state[Key.CONFIG_HANDOVER] = (values, note)
            st.switch_page("views/create.py")
