"""The Explain page's replay: walk a tuning job's strategy step by step and see why it picked.

Thin by design: :func:`tuning.explain.replay` rebuilds the strategy and replays it, the
figures come from :mod:`tuning.visualization`; this module holds the step slider, the play
button and the axis pickers, and says what each step knew.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from views.shared import literal, show_chart
from tuning import ValidationError
from tuning.explain import Replay, replay
from tuning.strategies import strategy_class
from tuning.visualization import (numeric_names, plot_coverage, plot_surrogate_plane, plot_surrogate_slice,
                                  plot_tpe_densities)

STEP = "explain.step"
PLAYING = "explain.playing"
PLAY_SECONDS = 1.5  # how long each step shows while playing: time to see the model change, not to read every number


@st.cache_resource(max_entries=8, show_spinner=False)
def _replay(name: str, version: tuple) -> Replay | str:  # noqa: ARG001 - version keys the cache
    """One replay per state of the job, shared by every session (its steps are computed once)."""
    from views.shared import get_store

    try:
        return replay(get_store(), name)
    except ValidationError as error:
        return str(error)


def show_replay(job, version: tuple) -> None:  # noqa: ANN001 - a TuningJob
    """The replay of ``job``: slider, play button, the step's facts, and its charts."""
    replayed = _replay(job.name, version)
    if isinstance(replayed, str):
        st.info(literal(replayed), icon=":material/history:")
        return
    if replayed.total == 0:
        st.info("The strategy has not proposed anything yet.")
        return
    reasoning = strategy_class(job.strategy).reasoning if job.strategy else ""
    if reasoning:
        st.markdown(f"**How {job.strategy} picks.** {literal(reasoning)}")
    st.session_state.setdefault(STEP, 1)
    st.session_state[STEP] = min(max(int(st.session_state[STEP]), 1), replayed.total)
    _controls(replayed.total)
    _step_view(job, replayed)


def _controls(total: int) -> None:
    left, right = st.columns([5, 1], vertical_alignment="bottom")
    with left:
        if total > 1:
            st.slider("Step", 1, total, key=STEP,
                      help="Each step is one moment the strategy was asked for new hyperparameters.")
        else:
            st.caption("This job has one step.")
    with right:
        playing = st.session_state.get(PLAYING, False)
        if st.button("Pause" if playing else "Play", icon=":material/pause:" if playing else ":material/play_arrow:",
                     key="explain.play", disabled=total < 2, width="stretch"):
            st.session_state[PLAYING] = not playing
            if not playing and st.session_state[STEP] >= total:
                st.session_state[STEP] = 1
            st.rerun()


@st.fragment(run_every=PLAY_SECONDS)
def _advance_while_playing(total: int) -> None:
    """While playing, move the slider one step forward every :data:`PLAY_SECONDS`; stop at the end."""
    if not st.session_state.get(PLAYING):
        return
    if st.session_state[STEP] >= total:
        st.session_state[PLAYING] = False
    else:
        st.session_state[STEP] += 1
    st.rerun()


def _step_view(job, replayed: Replay) -> None:  # noqa: ANN001 - a TuningJob
    if st.session_state.get(PLAYING):
        _advance_while_playing(replayed.total)
    with st.spinner("Replaying the strategy up to this step..."):
        step = replayed.step(int(st.session_state[STEP]))
    heard = len(step.known)
    stopped = len(step.stopped)
    facts = (f"Step {step.number} of {replayed.total}: the strategy had heard {heard} result(s)"
             + (f" ({stopped} of them interim: stopped early)" if stopped else "")
             + f", {len(step.pending)} job(s) were still running, and it proposed {len(step.proposed)}.")
    if replayed.stretches > 1:
        facts += f" Run {step.stretch + 1} of {replayed.stretches} (each resume starts a new strategy)."
    st.markdown(literal(facts))
    if step.split_reason:
        st.caption(literal(step.split_reason))
    if not step.matches_record:
        st.warning("At this step the replay proposed other points than the job recorded: what follows is the "
                   "replayed strategy, not the one that ran.", icon=":material/warning:")
    st.dataframe(pd.DataFrame([{"Training job": name, "Proposed by": by, **point} for name, by, point in
                               zip(step.launched + [""] * len(step.proposed), step.proposers, step.proposed)]),
                 hide_index=True, width="stretch")
    numeric = numeric_names(replayed.ranges)
    objective = job.objective_metric_name
    model = "Gaussian process"
    if step.tpe is not None and job.strategy == "Bayesian":
        by_tpe = all(by.startswith("TPE") for by in step.proposers)
        model = st.radio("Look into", ["Gaussian process", "TPE"], index=1 if by_tpe else 0, horizontal=True,
                         key=f"explain.model.{step.number}",  # follows the half that picked at each step
                         help="The Bayesian strategy's two halves: each proposed some of the points.")
    if step.tpe is not None and (model == "TPE" or job.strategy != "Bayesian") and numeric:
        if job.strategy != "Bayesian" and len(numeric) >= 2:
            _coverage(job, replayed, step, numeric, objective)
        along = st.selectbox("TPE along", numeric, index=numeric.index(_default(numeric, "eta")), key="explain.tpe")
        show_chart(plot_tpe_densities(step, replayed.ranges, along), key="explain.tpe_chart")
    elif step.surrogate is not None or job.strategy == "Bayesian":
        if len(numeric) >= 2:
            x, y = _axes(numeric)
            show_chart(plot_surrogate_plane(step, replayed.ranges, x, y, objective_name=objective,
                                                 objective_type=job.objective_type),
                            key="explain.plane")
        if numeric:
            along = st.selectbox("Slice along", numeric, index=numeric.index(_default(numeric, "eta")),
                                 key="explain.slice")
            show_chart(plot_surrogate_slice(step, replayed.ranges, along, objective_name=objective,
                                                 objective_type=job.objective_type),
                            key="explain.slice_chart")
    elif len(numeric) >= 2:
        _coverage(job, replayed, step, numeric, objective)
    else:
        st.caption("A plane needs two numeric hyperparameters; this job tunes fewer.")


def _coverage(job, replayed: Replay, step, numeric: list[str], objective: str) -> None:  # noqa: ANN001
    x, y = _axes(numeric)
    grid = (job.config.get("StrategyConfig") or {}).get("GridPoints", 5)
    show_chart(plot_coverage(step, replayed.ranges, x, y, strategy_name=job.strategy,
                                  objective_name=objective, grid_points=grid),
                    key="explain.coverage")


def _default(names: list[str], wanted: str, fallback: int = 0) -> str:
    return wanted if wanted in names else names[min(fallback, len(names) - 1)]


def _axes(numeric: list[str]) -> tuple[str, str]:
    left, right = st.columns(2)
    x = left.selectbox("Across", numeric, index=numeric.index(_default(numeric, "eta")), key="explain.x")
    others = [name for name in numeric if name != x]
    y = right.selectbox("Up", others, index=others.index(_default(others, "max_depth")), key="explain.y")
    return x, y
