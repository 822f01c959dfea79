"""How weak training jobs were stopped: Hyperband's brackets and rungs, or AMT's median rule.

Drawing only: the Explain page calls :func:`show_hyperband` or :func:`show_median_rule`
with a tuning job; the numbers come from :mod:`tuning.analysis.hyperband_plan` and
:mod:`tuning.analysis.median_rule`, the charts from :mod:`tuning.visualization`. A job
these views do not apply to gets the engine's sentence, not a traceback.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tuning.analysis.hyperband_plan import hyperband_diagram
from tuning.analysis.median_rule import median_rule_view
from tuning.errors import ValidationError
from tuning.visualization import plot_hyperband, plot_median_rule
from views.shared import get_store, literal, show_chart

__all__ = ["show_hyperband", "show_median_rule"]


def show_hyperband(job) -> None:  # noqa: ANN001 - a TuningJob
    """Hyperband's brackets and rungs for ``job``: the plan beside what ran, one bar per training job."""
    try:
        diagram = hyperband_diagram(get_store(), job.name)
    except ValidationError as error:
        st.info(literal(error))
        return
    show_chart(plot_hyperband(diagram))
    word = diagram.resource_word
    rows = []
    for bracket in diagram.brackets:
        for rung in bracket.rungs:
            rows.append({
                "Bracket": bracket.bracket_id,
                f"Rung ({word}s)": rung.resource,
                "Planned jobs (one round of brackets)": rung.planned_jobs,
                "Planned for this job": round(rung.expected_jobs, 1),
                "Reached": rung.reached,
                "Promoted": rung.promoted if rung.decides else None,
                "Cut": rung.cut if rung.decides else None,
            })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    spent = pd.DataFrame([{
        "Bracket": bracket.bracket_id, "Jobs": len(bracket.jobs), "Planned jobs": round(bracket.expected_jobs, 1),
        f"{word.capitalize()}s spent": bracket.resource_spent,
        f"Planned {word}s": round(bracket.planned_resource),
    } for bracket in diagram.brackets])
    st.dataframe(spent, hide_index=True, width="stretch")
    for note in diagram.notes:
        st.caption(literal(note))


def show_median_rule(job) -> None:  # noqa: ANN001 - a TuningJob
    """AMT's median rule for ``job``: curves, the median of running averages, and why each job stopped."""
    try:
        view = median_rule_view(get_store(), job.name)
    except ValidationError as error:
        st.info(literal(error))
        return
    show_chart(plot_median_rule(view))
    word = view.resource_word
    if view.stops:
        worse = "lower" if view.objective_type == "Maximize" else "higher"
        st.dataframe(pd.DataFrame([{
            "Training job": stop.name,
            f"Stopped at {word}": stop.step,
            f"Its {view.objective_name} (interim)": stop.value,
            "Median of earlier running averages": stop.median,
            "Earlier jobs compared": stop.compared,
            "Its own running average": stop.running_average,
            "Trained at the same time": ", ".join(stop.uncertain),
            "Left out of the median": ", ".join(stop.left_out),
        } for stop in view.stops]), hide_index=True, width="stretch")
        st.caption(literal(f"Each was stopped because its value was {worse} (worse) than the median."))
    else:
        st.info(literal(f"The median rule stopped no job of {job.name}."))
    for note in view.notes:
        st.caption(literal(note))
