"""Who is asking, in class mode: a student (by the name they typed) or the teacher.

Why a value of its own: the name is stored in every job's ``workspace`` column and shown on
pages beside other students' results, so it is checked once, here (the one gate), and the
rest of TuneLab takes a :class:`Workspace`, never a raw string. A student's name is no
password: anyone who types it is that student (see README, "Class mode").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from tuning.errors import ValidationError

__all__ = ["MAX_NAME_LENGTH", "TEACHER", "TEACHER_KEY", "Workspace"]

MAX_NAME_LENGTH = 40
TEACHER_KEY = "@teacher"
"""The teacher's ``workspace`` value in the store: the ``@`` keeps any student's name from equalling it."""
_ALLOWED_MARKS = frozenset(" -_")


@dataclass(frozen=True)
class Workspace:
    """A student's workspace (``name``), or the teacher's (``is_teacher``); see the module docstring."""

    name: str
    is_teacher: bool = False

    def __post_init__(self) -> None:
        if not self.is_teacher and _checked_name(self.name) != self.name:
            raise ValidationError(f"{self.name!r} is not a tidy student's name; make it with Workspace.student(name).")

    @classmethod
    def student(cls, name: object) -> Workspace:
        """The workspace of the student called ``name``, or a ValidationError saying what to type instead.

        1 to 40 characters: letters (any alphabet), digits, spaces, '-' and '_'. Spaces at the
        ends are dropped and runs of spaces become one, so "Ann  Lee " and "Ann Lee" are one student.
        """
        return cls(_checked_name(name))

    @property
    def key(self) -> str:
        """The value of the store's ``workspace`` column for this workspace's jobs."""
        return TEACHER_KEY if self.is_teacher else self.name

    def __str__(self) -> str:
        return "the teacher" if self.is_teacher else self.name


def _checked_name(name: object) -> str:
    """``name`` tidied (NFC, runs of spaces as one), or a ValidationError in words (see :meth:`Workspace.student`)."""
    if not isinstance(name, str):
        raise ValidationError(f"a student's name must be text, but got {type(name).__name__}.")
    cleaned = " ".join(part for part in unicodedata.normalize("NFC", name).split(" ") if part)  # a tab stays: refused
    if not cleaned:
        raise ValidationError("type your name (1 to 40 letters, digits, spaces, '-' or '_') to enter the class.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValidationError(f"a name has at most {MAX_NAME_LENGTH} characters, but this one has "
                              f"{len(cleaned)}; use a shorter form, such as your first name and an initial.")
    bad = sorted({c for c in cleaned if not (c.isalnum() or c in _ALLOWED_MARKS)})
    if bad:
        shown = " ".join(repr(c) for c in bad[:5])
        raise ValidationError(f"a name may hold letters, digits, spaces, '-' and '_' only, not {shown}; "
                              "type it without them (for example 'Ann Lee' or 'ann_lee').")
    return cleaned


TEACHER = Workspace("teacher", is_teacher=True)
"""The teacher's workspace: sees every job and may stop, delete or resume any of them."""
