"""The teacher's login: the password checked against its hash, with wrong guesses rate-limited.

Why its own module: the settings know the hash (:mod:`tuning.classroom.settings`) and the
limiter counts (:mod:`tuning.classroom.attempts`); a login joins the two so that no page can
check a password without counting the failure.
"""

from __future__ import annotations

import logging

from tuning.classroom.attempts import AttemptLimiter
from tuning.classroom.settings import ClassSettings
from tuning.classroom.workspace import TEACHER, Workspace
from tuning.errors import ValidationError

__all__ = ["TeacherLogin", "enter_as_student"]

_log = logging.getLogger("tuning.classroom")


class TeacherLogin:
    """Checks teacher passwords for one server; ``limiter`` allows 5 wrong ones a minute per key by default."""

    def __init__(self, settings: ClassSettings, limiter: AttemptLimiter | None = None) -> None:
        self.settings = settings
        self.limiter = limiter if limiter is not None else AttemptLimiter()

    def log_in(self, password: str, *, key: str) -> Workspace:
        """The teacher's workspace for the right password; a ValidationError otherwise.

        ``key`` is who is trying (the name typed, a browser session): after too many wrong
        passwords from it, even the right one is refused until the wait is over, so guessing
        costs minutes, not milliseconds.
        """
        if not self.settings.has_password:
            raise ValidationError("no teacher password is set on this server; set one when starting class mode.")
        wait = self.limiter.wait_seconds(key)
        if wait > 0:
            _log.warning("class mode: teacher login refused for %s: too many wrong passwords (%.0f s to wait)",
                         key, wait)
            raise ValidationError(f"too many wrong passwords; try again in {max(1, round(wait))} s.")
        if not self.settings.password_matches(password):
            self.limiter.failed(key)
            _log.warning("class mode: wrong teacher password from %s", key)
            raise ValidationError("that is not the teacher's password.")
        self.limiter.succeeded(key)
        return TEACHER


def enter_as_student(settings: ClassSettings, name: str, code: str | None = None) -> Workspace:
    """A student's workspace once their name is usable and the class code (if the teacher set one) is right.

    Refused in words when class mode is off (there are no workspaces then) or the code is wrong.
    """
    if not settings.enabled:
        raise ValidationError("class mode is off on this server, so there is no name to enter; "
                              "everyone works in the one shared lab.")
    if not settings.code_matches(code):
        raise ValidationError("that is not the class code; ask your teacher for it.")
    return Workspace.student(name)
