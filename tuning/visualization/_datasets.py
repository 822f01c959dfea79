"""A dataset's target at a glance: bars per class, or a histogram of the numbers."""

from __future__ import annotations

import html

import plotly.graph_objects as go

from tuning.datasets import Dataset
from tuning.visualization._common import style

__all__ = ["plot_target_distribution"]


def plot_target_distribution(dataset: Dataset) -> go.Figure:
    """Class counts (classification) or a histogram (regression) of ``dataset``'s target.

    An imbalanced target (bank-marketing's 11% "yes") is the first thing to see before
    choosing an objective metric: accuracy flatters a model that always says "no".
    """
    target = dataset.target
    # Plotly reads <b>, <a href> and entities in titles: a column named "<b>y" shows as typed.
    name = html.escape(dataset.target_name)
    if dataset.is_classification:
        counts = target.value_counts().reindex(dataset.classes)
        shares = counts / counts.sum()
        figure = go.Figure(go.Bar(
            x=[str(c) for c in counts.index], y=counts.to_numpy(),
            text=[f"{share:.1%}" for share in shares], textposition="outside",
            marker_color="#1f77b4", hovertemplate="%{x}: %{y:,} rows<extra></extra>",
        ))
        figure.update_xaxes(title_text=f"{name} (class)", type="category")
        figure.update_yaxes(title_text="rows")
        title = f"{name}: {len(counts)} classes"
    else:
        figure = go.Figure(go.Histogram(x=target.to_numpy(), nbinsx=40, marker_color="#1f77b4",
                                        hovertemplate="%{x}: %{y:,} rows<extra></extra>"))
        figure.update_xaxes(title_text=name)
        figure.update_yaxes(title_text="rows")
        title = f"{name}: distribution of {dataset.rows:,} values"
    style(figure, title)
    figure.update_layout(height=380, showlegend=False)
    return figure
