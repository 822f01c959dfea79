"""Class mode's settings, kept in ``$TUNELAB_HOME/classroom.json`` (mode 0600), and the teacher's password.

Why a file in TuneLab's home and not the store: the store is the truth about tuning jobs and
is often shared (a PostgreSQL server); the teacher's password belongs to the one machine that
serves the class. The password is never kept: only a random salt and its scrypt hash
(:func:`hashlib.scrypt`, the standard library's memory-hard hash), compared with
:func:`hmac.compare_digest` so the time a check takes says nothing about how close a guess was.
The file is written owner-only (0600) and replaced atomically, so no reader sees half of it.

``TUNELAB_CLASS=1`` (what ``scripts/dashboard.sh --class`` sets) turns class mode on for one
server without editing the file; ``TUNELAB_CLASS=0`` turns it off.

The teacher's limits live here too (fair share, :mod:`tuning.running.fair_share`): how many
training jobs run at once on the server, and per student how many at once, how many tuning
jobs and how large an upload. They are checked where the settings are made
(:meth:`ClassSettings.__post_init__`, the one gate), so a bad value in the file or the
command is refused in words, never read as "no limit".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from tuning.errors import ValidationError
from tuning.paths import default_home, make_folder

__all__ = ["CLASS_VARIABLE", "LIMITS", "MIN_PASSWORD_LENGTH", "ClassSettings", "load_class_settings", "save_class_settings",
           "settings_path"]

CLASS_VARIABLE = "TUNELAB_CLASS"
MIN_PASSWORD_LENGTH = 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}  # ~16 MB and a few tens of ms a check: slow to brute-force


LIMITS = {
    "max_running_training_jobs": "the limit on training jobs running at once on the server",
    "student_max_parallel_training_jobs": "the limit on training jobs one student runs at once",
    "student_max_tuning_jobs": "the limit on tuning jobs per student",
    "student_max_upload_mb": "the largest upload per student (MB)",
}
"""The teacher's limits (fields of :class:`ClassSettings`), in words for a refusal."""


def settings_path() -> Path:
    """``$TUNELAB_HOME/classroom.json``."""
    return default_home() / "classroom.json"


def _hash(password: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=64 * 2**20, **params)


@dataclass(frozen=True)
class ClassSettings:
    """Whether class mode is on, its class code, what students may see, and the teacher's password hash."""

    enabled: bool = False
    class_code: str | None = None
    """Students type it with their name; None: no code asked."""
    students_see_others: bool = False
    """Whether students see each other's jobs (read-only) for comparison."""
    password_salt: str | None = None
    password_hash: str | None = None
    scrypt: dict[str, int] | None = None
    max_running_training_jobs: int | None = None
    """Training jobs running at once on this server, every tuning job together; None: the machine's
    cores (or the Dask cluster's worker threads). Applies outside class mode too when set."""
    student_max_parallel_training_jobs: int | None = None
    """Training jobs one student may have running at once, all their tuning jobs together; None: no limit."""
    student_max_tuning_jobs: int | None = None
    """Tuning jobs one student may keep in the store (deleting one makes room); None: no limit."""
    student_max_upload_mb: int | None = None
    """Largest CSV a student may upload, in MB (2**20 bytes, as Streamlit counts); None: the dashboard's own cap."""

    def __post_init__(self) -> None:
        for name, words in LIMITS.items():
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ValidationError(f"{words} must be a whole number of at least 1 (or no limit), "
                                      f"but got {value}; give a number such as 4.")
        if self.student_max_upload_mb is not None:
            from tuning.datasets.uploads import UPLOAD_MAX_MB  # only when set: the command stays light

            if self.student_max_upload_mb > UPLOAD_MAX_MB:
                raise ValidationError(f"the largest upload per student ({self.student_max_upload_mb} MB) is over "
                                      f"the dashboard's own cap of {UPLOAD_MAX_MB} MB; give {UPLOAD_MAX_MB} or less.")

    def with_password(self, password: str) -> ClassSettings:
        """These settings with ``password`` as the teacher's (a new salt; the password itself is not kept)."""
        if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
            raise ValidationError(f"the teacher's password needs at least {MIN_PASSWORD_LENGTH} characters; "
                                  "pick a longer one (a few words work well).")
        salt = secrets.token_bytes(16)
        return replace(self, password_salt=salt.hex(), password_hash=_hash(password, salt, _SCRYPT).hex(),
                       scrypt=dict(_SCRYPT))

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash and self.password_salt)

    def password_matches(self, password: str) -> bool:
        """Whether ``password`` is the teacher's (False when none is set: nobody is the teacher then)."""
        if not self.has_password or not isinstance(password, str):
            return False
        tried = _hash(password, bytes.fromhex(self.password_salt), self.scrypt or _SCRYPT)
        return hmac.compare_digest(tried, bytes.fromhex(self.password_hash))

    def code_matches(self, code: str | None) -> bool:
        """Whether ``code`` is the class code (anything matches when the teacher set none)."""
        if not self.class_code:
            return True
        return isinstance(code, str) and hmac.compare_digest(code.strip().encode(), self.class_code.encode())


def load_class_settings() -> ClassSettings:
    """The settings in ``classroom.json`` (defaults when there is none), with ``TUNELAB_CLASS`` applied.

    A damaged file is refused in words rather than read as "class mode off", which would open
    every student's jobs to every other.
    """
    path = settings_path()
    settings = ClassSettings()
    if path.is_file():
        try:
            values = json.loads(path.read_text())
            settings = ClassSettings(**values)
        except (OSError, ValueError, TypeError) as error:
            raise ValidationError(f"the class-mode settings in {path} cannot be read ({error}); delete the file "
                                  "and set class mode up again (python -m tuning class --help).") from None
    switch = os.environ.get(CLASS_VARIABLE)
    if switch in ("1", "0"):
        settings = replace(settings, enabled=switch == "1")
    return settings


def save_class_settings(settings: ClassSettings) -> Path:
    """Write ``settings`` to ``classroom.json``, owner-only (0600), replacing it atomically; return its path."""
    path = settings_path()
    make_folder(path.parent, "TuneLab's home folder")
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # an older partial file may have been made with other modes
        os.write(descriptor, json.dumps(asdict(settings), indent=2).encode())
    finally:
        os.close(descriptor)
    os.replace(partial, path)
    return path
