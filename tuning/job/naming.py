"""Fresh names for jobs a user did not name: ``<base>-<yymmdd-HHMMSS>``, unique in the store.

The SageMaker SDK names a job it was not given a name for from a base and a timestamp, and
AWS refuses a name already in use. A stamp to the second is not unique on its own: two
``fit()`` calls in one notebook cell, or two pages launching at once, land in the same
second. So every caller that makes a name up asks here, and a name already taken gets a
counter (``-2``, ``-3``...), cut so that the whole stays within AMT's 32 characters.
"""
from __future__ import annotations

import time
from typing import Callable

__all__ = ["stamped_name"]


def stamped_name(base: str, taken: Callable[[str], bool], room: int = 32) -> str:
    """``<base>-<stamp>``, or ``<base>-<stamp>-<n>`` if taken; at most ``room`` characters.

    ``taken`` says whether a name is in use (for a group of jobs: whether its first member is).
    """
    stamp = time.strftime("%y%m%d-%H%M%S")
    keep = max(1, room - len(stamp) - 1)
    trimmed = base.strip("-")[:keep].strip("-") or "job"
    name, suffix = f"{trimmed}-{stamp}", 1
    while taken(name):
        suffix += 1
        tail = f"-{stamp}-{suffix}"
        name = f"{trimmed[: max(1, room - len(tail))].strip('-') or 'j'}{tail}"
    return name
