"""``python -m tuning class``: on the lab machine, the teacher turns class mode on or off and sets the password.

Its arguments are read in :mod:`tuning.cli` (which imports this only when it runs).

Why a command and not a page: the teacher's password must be set before any browser can
reach class mode, by whoever owns the machine, and never pass through a URL or a form
that a student could see. Typed hidden (:func:`getpass.getpass`) twice, or read as one line
from a pipe (``echo "$PASSWORD" | python -m tuning class on``) for a scripted set-up.

    python -m tuning class on [--code CODE] [--others-visible | --own-only] [--password] [LIMITS]
    python -m tuning class off [LIMITS]
    python -m tuning class show

LIMITS (fair share, :mod:`tuning.running.fair_share`), each a number, 0 for no limit:
``--max-running N`` training jobs at once on the server, ``--student-max-parallel N``,
``--student-max-jobs N`` and ``--student-max-upload-mb N`` per student. They are checked by
:class:`~tuning.classroom.settings.ClassSettings`, the one gate, before anything is saved.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import replace

from tuning.classroom.settings import LIMITS, ClassSettings, load_class_settings, save_class_settings, settings_path
from tuning.errors import ValidationError

__all__ = ["run_class_command"]


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Teacher password (not shown): ")
    if getpass.getpass("The same again: ") != first:
        raise ValidationError("the two passwords differ; run the command again and type the same one twice.")
    return first


def _with_limits(settings: ClassSettings, args: argparse.Namespace) -> ClassSettings:
    """``settings`` with the limits given on the command line (0: no limit), checked by ClassSettings."""
    given = {name: getattr(args, name, None) for name in LIMITS}
    return replace(settings, **{name: value or None for name, value in given.items() if value is not None})


def _limits_text(settings: ClassSettings) -> str:
    def shown(value: int | None, unit: str = "") -> str:
        return "no limit" if value is None else f"{value}{unit}"

    running = settings.max_running_training_jobs
    return (f"training jobs at once on the server: {running or 'the cores (or Dask workers)'}; per student: "
            f"{shown(settings.student_max_parallel_training_jobs)} at once, "
            f"{shown(settings.student_max_tuning_jobs)} tuning jobs, "
            f"uploads {shown(settings.student_max_upload_mb, ' MB')}")


def run_class_command(args: argparse.Namespace) -> int:
    """Carry out ``python -m tuning class ...``; print what class mode is now."""
    settings = load_class_settings()
    if args.action != "show":
        settings = _with_limits(settings, args)
    if args.action == "on":
        settings = replace(settings, enabled=True)
        if args.code is not None:
            settings = replace(settings, class_code=args.code.strip() or None)
        if args.others_visible is not None:
            settings = replace(settings, students_see_others=args.others_visible)
        if args.password or not settings.has_password:
            settings = settings.with_password(_read_password())
        save_class_settings(settings)
    elif args.action == "off":
        settings = replace(settings, enabled=False)
        save_class_settings(settings)
    seen = "each other's jobs, read-only" if settings.students_see_others else "their own jobs and the teacher's"
    print(f"Class mode is {'on' if settings.enabled else 'off'} ({settings_path()}): "
          f"class code {'set' if settings.class_code else 'none'}, "
          f"teacher password {'set' if settings.has_password else 'not set'}, students see {seen}; "
          f"{_limits_text(settings)}.")
    return 0
