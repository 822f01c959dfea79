"""Errors a user can act on.

Every error TuneLab raises for bad input is a :class:`ValidationError`: its message names
what was wrong (the parameter, field or file), the rule it broke, the value that was
given, and how to fix it. The dashboard shows the message as it is; the CLI prints it
without a traceback.

One gate checks a tuning job (:func:`tuning.job.preparation.prepare`, with its data-free
part :meth:`tuning.job.config.TuningJobConfig.check_limits`), and it speaks Python: its
errors say ``max_parallel_jobs (MaxParallelTrainingJobs): ...``. The layers that read a
job in their own shape (TuneLab's JSON, SageMaker's JSON, the SDK tuner, the Create page)
do not check again: they name the field in their own words. For that, the gate's error
carries :attr:`ValidationError.field`, the Python name of what was wrong (a config field
such as ``"max_jobs"``, or a range's hyperparameter name), and every layer passes it
through :func:`at_field` with its own table of field to name. Nothing reads the start of
a message to guess which field it was about.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping

__all__ = ["StoreWriteError", "TuneLabError", "ValidationError", "at_field", "os_error_words"]


class TuneLabError(Exception):
    """Base class of TuneLab's own errors."""


class ValidationError(TuneLabError, ValueError):
    """Input that breaks a rule; the message says which rule and how to fix it.

    It subclasses :class:`ValueError` so that code written for the standard library's
    conventions (``except ValueError``) catches it too. ``field`` is the Python name of
    what was wrong, when the gate knows it (see the module docstring); ``None`` otherwise.
    """

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def at_field(error: ValidationError, names: Mapping[str, str]) -> ValidationError:
    """``error`` in a layer's words: ``"<its name for error.field>: <message>"``.

    ``names`` maps the gate's field names to the layer's own (a JSON path, a page field).
    An error about a field the layer has no name for comes back as it is. The result keeps
    ``field``, so a layer above can still tell what it was about.

    >>> at_field(ValidationError("must be from 1 to 100", field="max_jobs"), {"max_jobs": "ResourceLimits"})
    ValidationError('ResourceLimits: must be from 1 to 100')
    """
    name = names.get(error.field) if error.field is not None else None
    if name is None:
        return error
    return ValidationError(f"{name}: {error}", field=error.field)


class StoreWriteError(TuneLabError):
    """The store refused a write (a read-only file or server, a full disk); the message says which.

    Raised by :meth:`tuning.store.database.Store.mark_dead_runners`, the one write that
    showing the store's jobs may make: a page or ``python -m tuning list`` catches it,
    shows what it read, and says plainly why a dead job may still read InProgress.
    """


_OS_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space there, then try again",
    errno.EDQUOT: "the disk quota is used up: free some space there, then try again",
    errno.EROFS: "the folder is on a read-only disk: point TUNELAB_HOME (or --store) at a writable folder",
    errno.EACCES: "permission denied: make the folder writable, or point TUNELAB_HOME at one that is",
    errno.EPERM: "permission denied: make the folder writable, or point TUNELAB_HOME at one that is",
}


def os_error_words(error: OSError) -> str:
    """A failed file operation in a user's words: which file, and what to do about it.

    Why: a full disk while saving a model ended in ``OSError: [Errno 28]`` and a traceback.
    """
    where = f" {error.filename}" if error.filename else ""
    advice = _OS_ADVICE.get(error.errno or -1)
    if advice is None:
        return f"could not write{where}: {error.strerror or error}."
    return f"could not write{where}: {advice}."
