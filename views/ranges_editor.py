"""The hyperparameter ranges table, shared by the Create and Strategy race pages.

Why the descriptions are not a column: a cell of Streamlit's data editor does not wrap,
and at 1280 px (a projector) the editable columns leave about 230 px for a description of
up to 80 characters, so the column was cut off mid-sentence ("Learning rate: how much each
new"). The table keeps the columns a user edits; what each hyperparameter does is said
below it in full sentences: the tuned ones always, every one in an expander.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tuning.glossary import SCALING_TYPES
from tuning.job.range_table import SCALING_TYPES as SCALING_NAMES

_DESCRIPTION = "Description"
_ROW_PX = 35  # Streamlit's default row height in a data editor

# Widths that fit the page at 1280 px with the sidebar open (about 880 px of table).
_COLUMNS = {
    "Tune": st.column_config.CheckboxColumn("Tune", help="Tick to search a range; untick to keep Value.", width=60),
    "Hyperparameter": st.column_config.TextColumn(disabled=True, width=150),
    "Type": st.column_config.TextColumn(disabled=True, width=95),
    "MinValue": st.column_config.NumberColumn(format="%g", width=95),
    "MaxValue": st.column_config.NumberColumn(format="%g", width=95),
    "ScalingType": st.column_config.SelectboxColumn(options=list(SCALING_NAMES), width=120),
    "Values": st.column_config.TextColumn(help="A categorical range's values, separated by commas.", width=110),
    "Value": st.column_config.TextColumn(help="Used when the hyperparameter is not tuned.", width=90),
}


def ranges_editor(rows: pd.DataFrame, *, key: str) -> pd.DataFrame:
    """The editable ranges table, without its Description column (see :func:`describe_ranges`).

    Returns the edited rows, Description included, as ``read_range_rows`` takes them.
    """
    shown = [column for column in rows.columns if column != _DESCRIPTION]
    # Every row shown: a table scrolling inside the page hides ticked rows from a class. The
    # height in pixels (35 a row, the header too, and the border), not height="content": in
    # chromium "content" made the Create page take 0.25 s longer to draw (bench_pages --browser).
    return st.data_editor(rows, key=key, hide_index=True, num_rows="fixed", width="stretch",
                          height=_ROW_PX * (len(rows) + 1) + 3, column_order=shown, column_config={name: _COLUMNS[name] for name in shown})


def describe_ranges(edited: pd.DataFrame) -> None:
    """What the ticked hyperparameters do, in full; every one's, and the scaling types, in an expander.

    Drawn after the table's error messages, so that a refused edit is said right below the table.
    """
    descriptions = dict(zip(edited["Hyperparameter"], edited[_DESCRIPTION], strict=True))
    tuned = [name for name, tick in zip(edited["Hyperparameter"], edited["Tune"], strict=True) if bool(tick)]
    if tuned:  # none ticked: the table's own message says what to do
        st.markdown("  \n".join(f"**{name}**: {descriptions[name]}" for name in tuned))
    with st.expander("What every hyperparameter does, and the scaling types"):  # one Markdown element, not
        # three: fewer for the browser to draw (Create's time in chromium: README, presenter mode)
        st.markdown("\n".join([*(f"- **{name}**: {text}" for name, text in descriptions.items()), "",
                                "**Scaling types**", "",
                                *(f"- **{name}**: {sentence}" for name, sentence in SCALING_TYPES.items())]))
