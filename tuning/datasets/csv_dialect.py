"""Which separator and which decimal mark a CSV uses: commas, or a European export's.

Why by hand and not ``csv.Sniffer``: the sniffer guesses from character frequencies and
happily picks ``,`` for ``1,5;2,3`` (a decimal comma is the commonest character there), or
a letter for a one-column file. The question here is narrower and has a checkable answer:
a spreadsheet saved as "CSV" in a European locale separates values with ``;`` (or a tab)
and writes ``1,5`` for one and a half. So a separator is taken when every one of the first
lines splits into the same number of values, at least two; commas first, as the CSV rules
promise. A file that splits that way on no separator is left to the comma rules, whose
messages say what is wrong.

Numbers with thousands separators (``"1,234.5"`` in a comma file, ``1.234,5`` in a
semicolon one) are read as numbers too (:func:`thousands_numbers`): left as text they
would make a price a category with a thousand classes.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pandas as pd

__all__ = ["Dialect", "detect_dialect", "thousands_numbers"]

_SAMPLE_LINES = 20
_SEPARATORS = (",", ";", "\t")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


@dataclass(frozen=True)
class Dialect:
    """How a file writes its values: the separator and the decimal mark."""

    separator: str = ","
    decimal: str = "."

    @property
    def thousands(self) -> str:
        """The mark that groups digits: the other one of ``,`` and ``.``."""
        return "," if self.decimal == "." else "."

    def note(self) -> str | None:
        """What a dataset's notes say about a dialect other than plain commas, or None."""
        if self.separator == "," and self.decimal == ".":
            return None
        shown = "tabs" if self.separator == "\t" else f"'{self.separator}'"
        note = f"the values are separated by {shown}, as in a European spreadsheet export; read them so"
        if self.decimal == ",":
            note += ", with decimal commas (1,5 is one and a half)"
        return note


def _counts(lines: list[str], separator: str) -> set[int]:
    try:
        return {len(record) for record in csv.reader(io.StringIO("\n".join(lines)), delimiter=separator) if record}
    except csv.Error:
        return set()


def detect_dialect(text: str) -> Dialect:
    """The dialect of ``text``: see the module docstring for the rule."""
    lines = [line for line in text.splitlines()[: _SAMPLE_LINES * 2] if line.strip()][:_SAMPLE_LINES]
    for separator in _SEPARATORS:
        counts = _counts(lines, separator)
        if len(counts) == 1 and counts.pop() >= 2:
            break
    else:
        return Dialect()
    if separator == ",":
        return Dialect()
    cells = [cell.strip() for record in csv.reader(io.StringIO("\n".join(lines[1:])), delimiter=separator)
             for cell in record]
    return Dialect(separator, "," if any(_DECIMAL_COMMA.match(cell) for cell in cells) else ".")


def thousands_numbers(values: pd.Series, dialect: Dialect) -> pd.Series | None:
    """``values`` (text) as numbers when every one is a number, some with thousands marks; else None.

    ``1,234.5`` (or ``1.234,5`` with decimal commas) is 1234.5. A column where even one
    value is other text (a code such as ``1,2,3``, a word) stays text.
    """
    decimal, thousands = re.escape(dialect.decimal), re.escape(dialect.thousands)
    grouped = re.compile(rf"^[+-]?\d{{1,3}}({thousands}\d{{3}})+({decimal}\d+)?$")
    plain = re.compile(rf"^[+-]?\d+({decimal}\d+)?$")
    present = values.dropna().astype(str).str.strip()
    if present.empty or not present.map(lambda cell: bool(grouped.match(cell))).any():
        return None
    if not present.map(lambda cell: bool(grouped.match(cell) or plain.match(cell))).all():
        return None
    def number(cell: object) -> float:
        return float(str(cell).strip().replace(dialect.thousands, "").replace(dialect.decimal, "."))

    return values.map(lambda cell: cell if pd.isna(cell) else number(cell)).astype(float)
