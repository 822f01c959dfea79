"""Class mode's door: the name prompt (and class code), the teacher's login, and who you are in the sidebar.

Why app.py calls this before any page: in class mode a session has no store until it has a
workspace (:func:`views.shared.get_store`), so the prompt comes first whatever page a link
opens, and that page opens once the name is in. The checks are the engine's
(:func:`tuning.classroom.enter_as_student`, :class:`tuning.classroom.TeacherLogin`); this
module only asks and shows the answer. The password goes over the session's websocket,
never into the URL, and is cleared from the session once checked.
"""

from __future__ import annotations

import logging

import streamlit as st

from tuning.classroom import AttemptLimiter, ClassSettings, TeacherLogin, Workspace, enter_as_student
from tuning.errors import ValidationError
from views.shared import WORKSPACE_KEY, literal, session_workspace, user_words

NAME, CODE, PASSWORD, MESSAGE = "class.name", "class.code", "class.password", "class.message"
_log = logging.getLogger("tuning.classroom")


@st.cache_resource
def teacher_limiter() -> AttemptLimiter:
    """One limit on wrong teacher passwords for the whole server: a new tab does not reset it."""
    return AttemptLimiter()


def _who_is_asking() -> str:
    """The limiter's key: the browser's address (one machine's guesses count together), else one key for all."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no browser (a test)
        address = None
    return f"teacher login from {address if isinstance(address, str) and address else 'an unknown address'}"


def _enter_as_student(settings: ClassSettings) -> None:
    """The name form's callback: the engine checks the name and code; the session keeps the workspace."""
    try:
        workspace = enter_as_student(settings, st.session_state.get(NAME, ""), st.session_state.get(CODE))
    except ValidationError as error:
        if not settings.code_matches(st.session_state.get(CODE)):
            _log.warning("class mode: wrong class code for the name %r", st.session_state.get(NAME))
        st.session_state[MESSAGE] = user_words(error)
        return
    st.session_state[WORKSPACE_KEY] = workspace
    st.session_state[CODE] = ""


def _log_in_as_teacher(settings: ClassSettings) -> None:
    """The teacher form's callback: checked, counted and logged by the engine; the password is not kept."""
    password = st.session_state.get(PASSWORD, "")
    st.session_state[PASSWORD] = ""
    try:
        workspace = TeacherLogin(settings, teacher_limiter()).log_in(password, key=_who_is_asking())
    except ValidationError as error:
        st.session_state[MESSAGE] = user_words(error)
        return
    st.session_state[WORKSPACE_KEY] = workspace


def class_gate(settings: ClassSettings) -> Workspace:
    """The session's workspace; before there is one, the name prompt is drawn and the run stops here."""
    workspace = session_workspace()
    if workspace is not None:
        return workspace
    st.title("TuneLab class")
    st.caption("This TuneLab serves a class: each student works in their own space. Type your name to start.")
    if MESSAGE in st.session_state:
        st.error(st.session_state.pop(MESSAGE), icon=":material/error:")
    with st.form("class.enter"):
        st.text_input("Your name", key=NAME, max_chars=40, placeholder="for example Ann Lee",
                      help="Letters, digits, spaces, '-' and '_'. Use the same name next time to find your jobs.")
        if settings.class_code:
            st.text_input("Class code", key=CODE, type="password", help="Your teacher gives it to the class.")
        st.form_submit_button("Enter the class", type="primary", icon=":material/login:",
                              on_click=_enter_as_student, args=(settings,))
    with st.expander("I am the teacher"):
        with st.form("class.teacher"):
            st.text_input("Teacher password", key=PASSWORD, type="password",
                          help="The one set with `python -m tuning class on` on this machine.")
            st.form_submit_button("Log in as the teacher", icon=":material/key:",
                                  on_click=_log_in_as_teacher, args=(settings,))
    st.caption("A name is not a password: anyone on this network who types your name works as you. "
               "See README, Class mode.")
    st.stop()


def _leave() -> None:
    """Forget the whole session (workspace, picks, widget values): the next person at this browser starts afresh."""
    for key in list(st.session_state):
        del st.session_state[key]


def show_identity(workspace: Workspace, settings: ClassSettings) -> None:
    """Who this session is, in the sidebar, and the Leave button."""
    with st.sidebar:
        if workspace.is_teacher:
            st.markdown(":material/school: **The teacher**: you see every student's work and may stop any job.")
        else:
            seen = "everyone's (others' read-only)" if settings.students_see_others else "yours and the teacher's"
            st.markdown(f":material/badge: You are **{literal(workspace.name)}**. Tuning jobs shown: {seen}.")
        st.button("Leave", icon=":material/logout:", on_click=_leave, key="class.leave",
                  help="Back to the name prompt; your tuning jobs stay, under your name.")
