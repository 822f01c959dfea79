"""Errors a user can act on.

Every error TuneLab raises for bad input is a :class:`ValidationError`: its message names
what was wrong (the parameter, field or file), the rule it broke, the value that was
given, and how to fix it. The dashboard shows the message as it is; the CLI prints it
without a traceback.
"""

from __future__ import annotations

__all__ = ["StoreWriteError", "TuneLabError", "ValidationError"]


class TuneLabError(Exception):
    """Base class of TuneLab's own errors."""


class ValidationError(TuneLabError, ValueError):
    """Input that breaks a rule; the message says which rule and how to fix it.

    It subclasses :class:`ValueError` so that code written for the standard library's
    conventions (``except ValueError``) catches it too.
    """


class StoreWriteError(TuneLabError):
    """The store refused a write (a read-only file or server, a full disk); the message says which.

    Raised by :meth:`tuning.store.database.Store.mark_dead_runners`, the one write that
    showing the store's jobs may make: a page or ``python -m tuning list`` catches it,
    shows what it read, and says plainly why a dead job may still read InProgress.
    """
