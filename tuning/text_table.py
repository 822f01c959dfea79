"""A plain-text table for the terminal, without pandas.

Why by hand: ``python -m tuning list`` is a command people type to see what is in the store,
and importing pandas to print a dozen rows cost it about 0.4 s of a one-second answer.
The table reads like ``DataFrame.to_string(index=False)``: a header, text left-aligned,
numbers right-aligned, long cells cut with "...", and "-" for a missing value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["format_table"]

MAX_CELL = 40
"""Characters of the widest cell; longer ones end in "..." (pandas' ``display.max_colwidth``)."""


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        text = f"{value:.6g}"
        text = text + ".0" if text.lstrip("-").isdigit() else text  # 1.0, not 1: a score, not a count
    else:
        text = str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 3] + "..."


def _numeric(values: Sequence[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present)


def format_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """``rows`` (dicts with the same keys, in column order) as aligned text; "(none)" for no rows."""
    if not rows:
        return "(none)"
    columns = list(rows[0])
    cells = {column: [_cell(row.get(column)) for row in rows] for column in columns}
    right = {column: _numeric([row.get(column) for row in rows]) for column in columns}
    widths = {column: max(len(column), *(len(text) for text in cells[column])) for column in columns}

    def line(texts: Mapping[str, str]) -> str:
        return "  ".join(texts[c].rjust(widths[c]) if right[c] else texts[c].ljust(widths[c]) for c in columns).rstrip()

    header = line({column: column for column in columns})
    return "\n".join([header, *(line({c: cells[c][i] for c in columns}) for i in range(len(rows)))])
