"""The CLI's plain-text table: aligned columns, numbers to the right, missing values as "-"."""

from __future__ import annotations

import math

from tuning.text_table import MAX_CELL, format_table


def test_columns_line_up_text_left_numbers_right_and_missing_is_a_dash():
    text = format_table([
        {"Name": "iris-grid", "Best": 0.9666666666, "Jobs": 8},
        {"Name": "a-much-longer-tuning-job-name", "Best": None, "Jobs": 12},
        {"Name": "nan-best", "Best": math.nan, "Jobs": 3},
        {"Name": "perfect", "Best": 1.0, "Jobs": 4},
    ])
    header, *rows = text.splitlines()
    assert header.split() == ["Name", "Best", "Jobs"]
    assert rows[0].split() == ["iris-grid", "0.966667", "8"]
    assert rows[1].split() == ["a-much-longer-tuning-job-name", "-", "12"]
    assert rows[2].split()[1] == "-"
    assert rows[3].split() == ["perfect", "1.0", "4"]  # a score reads as one
    ends = {len(line) for line in (header, *rows)}  # right-aligned last column: every line ends at one place
    assert len(ends) == 1
    assert rows[0].index("0.966667") + len("0.966667") == header.index("Best") + len("Best")  # numbers to the right


def test_a_long_cell_is_cut_and_no_rows_say_none():
    long = "x" * (MAX_CELL + 10)
    (row,) = format_table([{"Dataset": long}]).splitlines()[1:]
    assert row.strip() == "x" * (MAX_CELL - 3) + "..."
    assert format_table([]) == "(none)"
