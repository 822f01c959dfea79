"""Errors a user can act on.

Every error TuneLab raises for bad input is a :class:`ValidationError`: its message names
what was wrong (the parameter, field or file), the rule it broke, the value that was
given, and how to fix it. The dashboard shows the message as it is; the CLI prints it
without a traceback.
"""

from __future__ import annotations

__all__ = ["TuneLabError", "ValidationError"]


class TuneLabError(Exception):
    """Base class of TuneLab's own errors."""


class ValidationError(TuneLabError, ValueError):
    """Input that breaks a rule; the message says which rule and how to fix it.

    It subclasses :class:`ValueError` so that code written for the standard library's
    conventions (``except ValueError``) catches it too.
    """
