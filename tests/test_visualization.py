"""Charts of tuning jobs: real records from one small tuning job, hand-made ones for edge cases."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

import tuning.visualization as viz
from tuning import (
    CategoricalParameter,
    ContinuousParameter,
    IntegerParameter,
    TrainingJob,
    TuningJobConfig,
    ValidationError,
    run_tuning_job,
)
from tuning.store.database import Store
from tuning.visualization._common import log_ticks
from tuning.visualization._objective_surface import COMPLETED_NAME, MIN_SURFACE_POINTS, STOPPED_NAME

RANGES = {"eta": ContinuousParameter(0.05, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 6)}


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """One real Random tuning job with early stopping: its record and its training jobs.

    One job at a time, so the median stopping rule sees the same finished jobs on every
    run and stops the same training job (with two in parallel it depends on timing).
    """
    folder = tmp_path_factory.mktemp("viz")
    store = Store(folder / "tunelab.db", artifact_dir=folder / "artifacts")
    config = TuningJobConfig(
        dataset="breast_cancer", algorithm="xgboost", objective_metric_name="validation:auc",
        hyperparameter_ranges=RANGES, static_hyperparameters={"num_round": 20},
        strategy="Random", max_jobs=8, max_parallel_jobs=1, random_seed=1, early_stopping_type="Auto",
    )
    tuning_job = run_tuning_job(config, store)
    jobs = store.training_jobs(tuning_job.name)
    store.dispose()
    statuses = [job.status for job in jobs]
    assert "Stopped" in statuses and statuses.count("Completed") >= 4, statuses
    return tuning_job, jobs


def _objective(real):
    tuning_job, _ = real
    return dict(objective_name=tuning_job.objective_metric_name, objective_type=tuning_job.objective_type)


def _completed(jobs):
    return sorted((j for j in jobs if j.status == "Completed" and j.final_objective_value is not None),
                  key=lambda j: j.index)


def _job(index, value, status="Completed", intermediate=None, stopped_reason=None, **hyperparameters):
    return TrainingJob(
        tuning_job_name="hand", index=index, name=f"hand-{index + 1:03d}", status=status,
        hyperparameters=hyperparameters, created_at=0.0, start_time=0.0, end_time=1.0,
        final_objective_value=value, stopped_reason=stopped_reason,
        intermediate_values=list(intermediate or []),
    )


def _many(count, seed=0):
    rng = np.random.default_rng(seed)
    return [_job(i, float(rng.random()), eta=float(rng.uniform(0.05, 0.5)), max_depth=int(rng.integers(1, 7)))
            for i in range(count)]


def _scatters(figure):
    return [trace for trace in figure.data if isinstance(trace, (go.Scatter, go.Scattergl))]


def _trace(figure, name):
    (trace,) = [trace for trace in figure.data if trace.name == name]
    return trace


def _contour(figure):
    (contour,) = [trace for trace in figure.data if isinstance(trace, go.Contour)]
    return contour


# -- objective surface --------------------------------------------------------------------
def test_objective_surface_places_each_completed_job_coloured_by_its_objective(real):
    _, jobs = real
    completed = _completed(jobs)
    stopped = sorted((j for j in jobs if j.status == "Stopped"), key=lambda j: j.index)
    figure = viz.plot_objective_surface(jobs, "eta", "max_depth", ranges=RANGES, **_objective(real))
    points = _trace(figure, COMPLETED_NAME)
    assert type(points) is go.Scatter
    assert len(points.x) == len(completed) < len(jobs)
    assert list(points.marker.color) == [j.final_objective_value for j in completed]
    assert list(points.x) == [j.hyperparameters["eta"] for j in completed]
    marks = _trace(figure, STOPPED_NAME)  # the stopped job is drawn, apart
    assert list(marks.text) == [j.name for j in stopped] and marks.marker.symbol == "diamond-open"
    assert list(marks.customdata) == [j.final_objective_value for j in stopped]
    assert np.isfinite(np.asarray(_contour(figure).z, dtype=float)).all()  # the whole rectangle
    assert figure.layout.xaxis.type == "log"
    assert "eta" in figure.layout.xaxis.title.text and figure.layout.yaxis.title.text == "max_depth"
    assert points.marker.colorbar.title.text == "validation:auc — higher is better"
    assert "validation:auc" in figure.layout.title.text


@pytest.mark.parametrize("x, y, message", [
    ("alpha", "max_depth", r"x='alpha' is not a tuned hyperparameter.*eta, max_depth"),
    ("eta", "gamma", r"y='gamma' is not a tuned hyperparameter.*eta, max_depth"),
    ("eta", "eta", r"two different hyperparameters.*eta, max_depth"),
])
def test_objective_surface_refuses_axes_that_are_not_two_hyperparameters(x, y, message):
    with pytest.raises(ValidationError, match=message):
        viz.plot_objective_surface(_many(5), x, y, objective_name="m", objective_type="Maximize")


def test_objective_surface_shows_categories_by_name_and_skips_the_surface_below_five_points():
    points = [("gbtree", 0.1), ("dart", 0.2), ("gbtree", 0.3), ("dart", 0.4), ("gblinear", 0.25)]
    jobs = [_job(i, float(i), booster=b, eta=e) for i, (b, e) in enumerate(points)]
    ranges = {"booster": CategoricalParameter(["gbtree", "dart", "gblinear"]), "eta": ContinuousParameter(0.1, 0.5)}
    figure = viz.plot_objective_surface(jobs, "booster", "eta", ranges=ranges,
                                        objective_name="m", objective_type="Minimize")
    assert list(figure.layout.xaxis.ticktext) == ["gbtree", "dart", "gblinear"]
    assert list(_scatters(figure)[0].x) == [0, 1, 0, 1, 2]
    assert figure.layout.xaxis.type != "log"
    assert any(isinstance(trace, go.Contour) for trace in figure.data)
    four = viz.plot_objective_surface(jobs[:4], "booster", "eta", objective_name="m", objective_type="Minimize")
    assert not any(isinstance(trace, go.Contour) for trace in four.data)


def _square(value_at, stopped=(), log_eta=True):
    """Completed jobs on a 4 x 4 grid of eta x max_depth, and Stopped ones at given points."""
    jobs = []
    for eta in (0.012, 0.03, 0.1, 0.28):
        for depth in (1, 2, 5, 6):
            jobs.append(_job(len(jobs), value_at(eta, depth), eta=eta, max_depth=depth))
    for eta, depth, value in stopped:
        jobs.append(_job(len(jobs), value, status="Stopped", stopped_reason="median rule", eta=eta, max_depth=depth))
    ranges = {"eta": ContinuousParameter(0.01, 0.3, "Logarithmic" if log_eta else "Linear"),
              "max_depth": IntegerParameter(1, 6)}
    return jobs, ranges


def _near(contour, eta, depth):
    """The surface's value at the grid point nearest (eta, depth), in the axes' own scales."""
    x = np.log10(np.asarray(contour.x, dtype=float))
    column = int(np.argmin(abs(x - math.log10(eta))))
    row = int(np.argmin(abs(np.asarray(contour.y, dtype=float) - depth)))
    return float(np.asarray(contour.z, dtype=float)[row][column])


def test_a_stopped_jobs_interim_value_is_drawn_apart_and_never_pulls_the_surface():
    flat = lambda eta, depth: 0.9 + 0.01 * depth  # noqa: E731 - a plateau the stopped job sits in
    jobs, ranges = _square(flat, stopped=[(0.055, 3, 0.1)])
    figure = viz.plot_objective_surface(jobs, "eta", "max_depth", ranges=ranges,
                                        objective_name="m", objective_type="Maximize")
    marks = _trace(figure, STOPPED_NAME)
    assert (list(marks.x), list(marks.y), list(marks.customdata)) == ([0.055], [3], [0.1])
    assert marks.showlegend is not False and figure.layout.showlegend is True
    assert 0.1 not in list(_trace(figure, COMPLETED_NAME).marker.color)
    assert _trace(figure, COMPLETED_NAME).marker.cmin == pytest.approx(0.91)  # nor in the colour scale
    assert _near(_contour(figure), 0.055, 3) > 0.85
    # The same job as Completed does pull it: the check above can fail.
    as_final = [_job(j.index, j.final_objective_value, **j.hyperparameters) for j in jobs]
    pulled = viz.plot_objective_surface(as_final, "eta", "max_depth", ranges=ranges,
                                        objective_name="m", objective_type="Maximize")
    assert _near(_contour(pulled), 0.055, 3) < 0.7


def test_the_surface_covers_the_whole_rectangle_of_the_ranges_not_the_points_hull():
    jobs, ranges = _square(lambda eta, depth: eta * depth)
    contour = _contour(viz.plot_objective_surface(jobs, "eta", "max_depth", ranges=ranges,
                                                  objective_name="m", objective_type="Maximize"))
    assert float(contour.x[0]) == pytest.approx(0.01) and float(contour.x[-1]) == pytest.approx(0.3)
    assert (float(contour.y[0]), float(contour.y[-1])) == (1.0, 6.0)
    assert np.isfinite(np.asarray(contour.z, dtype=float)).all()


@pytest.mark.parametrize("completed, stopped", [(0, 2), (1, 0), (3, 2), (MIN_SURFACE_POINTS - 1, 0)])
def test_too_few_completed_jobs_draw_only_the_points_and_say_how_many_the_surface_needs(completed, stopped):
    jobs = [_job(i, 0.5 + i / 10, eta=0.02 * (i + 1), max_depth=i + 1) for i in range(completed)]
    jobs += [_job(completed + i, 0.1, status="Stopped", eta=0.05, max_depth=2 + i) for i in range(stopped)]
    jobs.append(_job(len(jobs), None, status="Failed", eta=0.2, max_depth=4))  # never drawn
    figure = viz.plot_objective_surface(jobs, "eta", "max_depth", ranges=RANGES,
                                        objective_name="m", objective_type="Maximize")
    assert not any(isinstance(trace, go.Contour) for trace in figure.data)
    assert sum(len(trace.x) for trace in _scatters(figure)) == completed + stopped
    (note,) = figure.layout.annotations
    verb = "is" if completed == 1 else "are"
    assert f"needs at least {MIN_SURFACE_POINTS} completed training jobs; there {verb} {completed}." in note.text


@pytest.mark.parametrize("low, high, labels", [
    (0.01, 0.3, ["0.01", "0.03", "0.1", "0.3"]),
    (0.0001, 1.0, ["0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1"]),
    (3, 3000, ["3", "10", "30", "100", "300", "1000", "3000"]),
    (0.05, 0.5, ["0.1", "0.3"]),
    (0.15, 0.45, ["0.2", "0.3", "0.4"]),  # too narrow for 1-3: 1-2-5, then every digit
    (1e-7, 10.0, ["1e-07", "1e-06", "1e-05", "0.0001", "0.001", "0.01", "0.1", "1", "10"]),  # decades
])
def test_log_axes_are_labelled_1_3_per_decade_not_with_minor_digits(low, high, labels):
    values, text = log_ticks(low, high)
    assert text == labels and values == pytest.approx([float(label) for label in labels])


def test_every_log_axis_of_a_hyperparameter_uses_the_1_3_ticks():
    jobs, ranges = _square(lambda eta, depth: eta)
    objective = dict(objective_name="m", objective_type="Maximize", ranges=ranges)
    surface = viz.plot_objective_surface(jobs, "eta", "max_depth", **objective)
    assert surface.layout.xaxis.type == "log" and surface.layout.xaxis.tickmode == "array"
    assert list(surface.layout.xaxis.ticktext) == ["0.01", "0.03", "0.1", "0.3"]
    assert list(surface.layout.xaxis.range) == pytest.approx([-2 - 0.044, math.log10(0.3) + 0.044], abs=1e-3)
    slices = viz.plot_slice(jobs, **objective)
    assert list(slices.layout.xaxis.ticktext) == ["0.03", "0.1"]  # within the jobs' 0.012 to 0.28
    eta = viz.plot_parallel_coordinates(jobs, **objective).data[0].dimensions[0]
    assert list(eta.ticktext) == ["", "0.03", "0.1", ""]


# -- best so far ----------------------------------------------------------------------------
def test_best_so_far_marks_stopped_jobs_apart_and_tracks_the_best_completed_job(real):
    tuning_job, jobs = real
    figure = viz.plot_best_so_far(jobs, **_objective(real))
    by_name = {trace.name: trace for trace in figure.data}
    assert set(by_name) == {"Completed", "Stopped early (interim value)", "Best so far"}
    stopped = [j for j in jobs if j.status == "Stopped"]
    assert len(by_name["Stopped early (interim value)"].x) == len(stopped) and by_name["Stopped early (interim value)"].marker.symbol == "x"
    assert len(by_name["Completed"].x) == len(_completed(jobs))
    assert by_name["Best so far"].line.shape == "hv"
    assert by_name["Best so far"].y[-1] == pytest.approx(tuning_job.best_objective_value)


@pytest.mark.parametrize("objective_type, better, pick", [
    ("Maximize", "higher is better", max),
    ("Minimize", "lower is better", min),
])
def test_best_so_far_line_only_moves_in_the_better_direction(objective_type, better, pick):
    values = [0.5, 0.2, 0.9, 0.1, 0.7, 0.95, 0.05]
    jobs = [_job(i, v, x=i) for i, v in enumerate(values)]
    figure = viz.plot_best_so_far(jobs, objective_name="validation:rmse", objective_type=objective_type)
    best = list(next(t for t in figure.data if t.name == "Best so far").y)
    assert best == [pick(values[: k + 1]) for k in range(len(values))]
    steps = np.diff(best)
    assert (steps >= 0).all() if objective_type == "Maximize" else (steps <= 0).all()
    assert figure.layout.yaxis.title.text == f"validation:rmse — {better}"


def test_compare_best_so_far_draws_one_named_curve_per_tuning_job():
    runs = {"grid": [_job(i, v, x=i) for i, v in enumerate([3.0, 2.0, 4.0, 1.0])],
            "random": [_job(i, v, x=i) for i, v in enumerate([5.0, 0.5, 0.7])],
            "empty": [_job(0, None, status="Failed", x=1)]}
    figure = viz.plot_compare_best_so_far(runs, objective_name="validation:logloss", objective_type="Minimize")
    assert [trace.name for trace in figure.data] == ["grid", "random"]
    assert list(figure.data[0].y) == [3.0, 2.0, 2.0, 1.0] and list(figure.data[1].y) == [5.0, 0.5, 0.5]
    assert "lower is better" in figure.layout.yaxis.title.text


# -- parallel coordinates --------------------------------------------------------------------
def test_parallel_coordinates_has_one_axis_per_hyperparameter_and_the_objective_last(real):
    _, jobs = real
    completed = _completed(jobs)
    figure = viz.plot_parallel_coordinates(jobs, ranges=RANGES, **_objective(real))
    (parcoords,) = figure.data
    labels = [dimension.label for dimension in parcoords.dimensions]
    assert labels == ["eta (log scale)", "max_depth", "validation:auc ↑"]
    assert list(parcoords.line.color) == [j.final_objective_value for j in completed]
    eta = parcoords.dimensions[0]
    assert list(eta.values) == pytest.approx([math.log10(j.hyperparameters["eta"]) for j in completed])
    low, high = (f(j.hyperparameters["eta"] for j in completed) for f in (min, max))
    labels = [f"{v:g}" for v in (0.1, 0.3) if low <= v <= high]  # 1-3 ticks in the range, the ends unlabelled
    assert list(eta.ticktext) == ["", *labels, ""]
    assert list(eta.tickvals) == pytest.approx([math.log10(v) for v in (low, *map(float, labels), high)])


def test_parallel_coordinates_encodes_categories_with_their_names():
    jobs = [_job(i, float(i), booster=b) for i, b in enumerate(["dart", "gbtree", "dart"])]
    figure = viz.plot_parallel_coordinates(jobs, objective_name="m", objective_type="Maximize")
    booster = figure.data[0].dimensions[0]
    assert list(booster.values) == [0, 1, 0]
    assert list(booster.tickvals) == [0, 1] and list(booster.ticktext) == ["dart", "gbtree"]


# -- importance ------------------------------------------------------------------------------
def test_importance_ranks_the_hyperparameter_that_drives_the_objective_first():
    rng = np.random.default_rng(3)
    jobs = []
    for i in range(40):
        a, b, kind = rng.uniform(0, 1), rng.uniform(0, 1), rng.choice(["x", "y", "z"])
        jobs.append(_job(i, 10 * a ** 2 + 0.01 * b, a=float(a), b=float(b), kind=str(kind)))
    importance = viz.hyperparameter_importance(jobs, objective_type="Minimize")
    assert set(importance) == {"a", "b", "kind"}  # one-hot columns summed back to their name
    assert sum(importance.values()) == pytest.approx(1.0)
    assert list(importance)[0] == "a" and importance["a"] > 0.8
    figure = viz.plot_importance(jobs, objective_name="validation:error", objective_type="Minimize")
    (bars,) = figure.data
    assert bars.orientation == "h" and list(bars.y) == list(importance)
    assert figure.layout.yaxis.autorange == "reversed"  # the first (most important) bar on top


def test_importance_needs_three_completed_jobs():
    jobs = [_job(0, 1.0, a=1.0), _job(1, 2.0, a=2.0), _job(2, None, status="Failed", a=3.0)]
    with pytest.raises(ValidationError, match="at least 3 completed training jobs.*got 2"):
        viz.hyperparameter_importance(jobs, objective_type="Maximize")
    figure = viz.plot_importance(jobs, objective_name="m", objective_type="Maximize")
    assert not figure.data and "at least 3 completed" in figure.layout.annotations[0].text


def test_importance_of_real_jobs_sums_to_one(real):
    importance = viz.hyperparameter_importance(real[1], objective_type="Maximize")
    assert set(importance) == {"eta", "max_depth"} and sum(importance.values()) == pytest.approx(1.0)


# -- slice -----------------------------------------------------------------------------------
def test_slice_has_one_subplot_per_hyperparameter_with_a_log_axis_for_logarithmic_ranges(real):
    _, jobs = real
    completed = _completed(jobs)
    figure = viz.plot_slice(jobs, ranges=RANGES, **_objective(real))
    assert [trace.xaxis for trace in figure.data] == ["x", "x2"]
    for trace, name in zip(figure.data, ["eta", "max_depth"]):
        assert list(trace.x) == [j.hyperparameters[name] for j in completed]
        assert list(trace.y) == [j.final_objective_value for j in completed]
    assert figure.layout.xaxis.type == "log" and figure.layout.xaxis2.type != "log"
    assert figure.layout.yaxis.title.text == "validation:auc ↑"
    assert "higher is better" in figure.layout.title.text


# -- intermediate values ---------------------------------------------------------------------
def test_intermediate_values_dash_stopped_jobs_and_mark_where_they_stopped(real):
    _, jobs = real
    figure = viz.plot_intermediate_values(jobs, **_objective(real))
    curves = [j for j in jobs if j.status in ("Completed", "Stopped") and j.intermediate_values]
    ordered = sorted(curves, key=lambda j: j.index)
    completed, stopped = ([j for j in ordered if j.status == status] for status in ("Completed", "Stopped"))
    assert completed and stopped  # the fixture run has both
    lines, stopped_lines, marks, *training = figure.data  # then the training channel's (tests/test_training_curves.py)
    assert all(trace.legendgroup == "Training channel" for trace in training)
    assert (lines.legendgroup, lines.line.dash) == ("Completed", "solid")
    assert (stopped_lines.legendgroup, stopped_lines.line.dash) == ("Stopped early (interim values)", "dash")
    for trace, members in ((lines, completed), (stopped_lines, stopped)):
        expected = []
        for job in members:  # each job's curve, then a gap
            expected += [step for step, _ in job.intermediate_values] + [None]
        assert list(trace.x) == expected
    assert marks.marker.symbol == "x"
    assert list(marks.x) == [job.intermediate_values[-1][0] for job in stopped]
    assert list(marks.y) == [job.intermediate_values[-1][1] for job in stopped]
    # one legend entry per group (and the training channel's, one per group it has)
    assert sum(1 for trace in figure.data if trace.showlegend is not False and trace.legendgroup != "Training channel") == 2
    assert "higher is better" in figure.layout.yaxis.title.text


def test_intermediate_values_of_hand_made_jobs_leave_out_failed_ones():
    jobs = [_job(0, 0.9, intermediate=[(1, 0.5), (2, 0.9)], x=1),
            _job(1, 0.4, status="Stopped", stopped_reason="Hyperband", intermediate=[(1, 0.4)], x=2),
            _job(2, None, status="Failed", intermediate=[(1, 0.1)], x=3)]
    figure = viz.plot_intermediate_values(jobs, objective_name="m", objective_type="Maximize")
    assert [(t.legendgroup, t.line.dash) for t in figure.data[:2]] == [("Completed", "solid"), ("Stopped early (interim values)", "dash")]
    assert list(figure.data[0].x) == [1, 2, None] and list(figure.data[1].x) == [1, None]
    assert list(figure.data[1].text)[0].endswith("(Hyperband)")


# -- scale, empty figures, bad input ---------------------------------------------------------
@pytest.mark.parametrize("count, kind", [(1000, go.Scatter), (1001, go.Scattergl)])
def test_charts_above_a_thousand_points_switch_to_webgl_or_draw_a_thousand_in_svg(count, kind):
    jobs = _many(count)
    objective = dict(objective_name="m", objective_type="Maximize")
    compare = viz.plot_compare_best_so_far({"a": jobs}, **objective)
    assert type(compare.data[0]) is kind  # every job's curve: not sampled, so WebGL
    surface = viz.plot_objective_surface(jobs, "eta", "max_depth", **objective)
    slices = viz.plot_slice(jobs, **objective)
    best = viz.plot_best_so_far(jobs, **objective)
    for figure in (surface, slices, best):  # point charts: a sample of 1,000 markers, in SVG
        assert {type(t) for t in _scatters(figure)} == {go.Scatter}
        markers = [t for t in _scatters(figure) if t.mode == "markers"]
        assert sum(len(t.x) for t in markers) == 1000 * len(markers if figure is slices else [1])
        assert ("sampled" in figure.layout.title.text) == (count > 1000)


CHARTS = [
    lambda jobs, **o: viz.plot_objective_surface(jobs, "eta", "max_depth", **o),
    viz.plot_best_so_far,
    viz.plot_parallel_coordinates,
    viz.plot_importance,
    viz.plot_slice,
    viz.plot_intermediate_values,
    lambda jobs, **o: viz.plot_compare_best_so_far({"a": jobs}, **o),
]


@pytest.mark.parametrize("chart", CHARTS)
def test_every_chart_without_a_finished_job_shows_a_centred_note(chart):
    jobs = [_job(0, None, status="Failed", eta=0.1, max_depth=2),
            _job(1, None, status="InProgress", eta=0.2, max_depth=3)]
    figure = chart(jobs, objective_name="m", objective_type="Maximize")
    assert isinstance(figure, go.Figure) and not figure.data
    (note,) = figure.layout.annotations
    assert (note.x, note.y, note.xref, note.yref, note.showarrow) == (0.5, 0.5, "paper", "paper", False)
    assert "No completed" in note.text or "at least 3" in note.text
    assert figure.layout.title.text


@pytest.mark.parametrize("chart", CHARTS)
def test_every_chart_refuses_an_unknown_objective_type(chart):
    with pytest.raises(ValidationError, match="'Maximize' or 'Minimize'.*'Biggest'"):
        chart(_many(5), objective_name="m", objective_type="Biggest")


def test_the_chart_package_never_imports_streamlit():
    folder = Path(viz.__file__).parent
    assert not [p.name for p in folder.glob("*.py") if "streamlit" in p.read_text()]


# -- a tuning job of thousands of training jobs ----------------------------------------------
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from bench_pages import synthetic_training_jobs  # noqa: E402

from tuning.visualization._common import BEST_LINES, MAX_LINES, MAX_POINTS  # noqa: E402
from tuning.visualization._importance import MAX_IMPORTANCE_JOBS  # noqa: E402
from tuning.visualization._intermediate import MAX_CURVES  # noqa: E402
from tuning.visualization._objective_surface import GRID_POINTS  # noqa: E402

BIG_RANGES = {"eta": ContinuousParameter(0.01, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 10),
              "min_child_weight": ContinuousParameter(1, 20), "subsample": ContinuousParameter(0.5, 1.0)}
AUC = dict(objective_name="validation:auc", objective_type="Maximize")


@pytest.fixture(scope="module")
def big():
    """3,000 synthetic training jobs as the page benchmark writes them (Failed, Stopped, curves)."""
    jobs = synthetic_training_jobs("big", 3000, seed=7)
    best = max((j for j in jobs if j.status == "Completed"), key=lambda j: j.final_objective_value)
    return jobs, best


def _points(trace):
    return sum(x is not None for x in trace.x)


def test_a_big_job_draws_the_best_points_and_a_bounded_sample_and_says_so(big):
    jobs, best = big
    completed = _completed(jobs)
    top = {j.name for j in sorted(completed, key=lambda j: -j.final_objective_value)[:BEST_LINES]}
    surface = viz.plot_objective_surface(jobs, "eta", "max_depth", ranges=BIG_RANGES, **AUC)
    points = _trace(surface, COMPLETED_NAME)
    assert type(points) is go.Scatter and len(points.x) == MAX_POINTS < len(completed)  # few enough for SVG
    assert top <= set(points.text)
    drawn = {j.name: j for j in completed if j.name in set(points.text)}
    assert list(points.marker.color) == [drawn[name].final_objective_value for name in points.text]
    values = [j.final_objective_value for j in completed]  # the colour scale counts every job
    assert (points.marker.cmin, points.marker.cmax) == (min(values), max(values))
    assert f"{MAX_POINTS:,} of {len(completed):,} jobs drawn (sampled)" in surface.layout.title.text
    slices = viz.plot_slice(jobs, ranges=BIG_RANGES, **AUC)
    assert {type(t) for t in slices.data} == {go.Scatter}
    assert all(len(t.x) == MAX_POINTS and top <= set(t.text) for t in slices.data)
    assert f"{MAX_POINTS:,} of {len(completed):,} training jobs drawn (sampled)" in slices.layout.title.text


def test_a_big_job_best_so_far_samples_the_markers_but_its_line_counts_every_job(big):
    jobs, best = big
    figure = viz.plot_best_so_far(jobs, **AUC)
    by_name = {trace.name: trace for trace in figure.data}
    assert {type(t) for t in figure.data} == {go.Scatter}
    finished = [j for j in jobs if j.status in ("Completed", "Stopped")]
    assert len(by_name["Completed"].x) + len(by_name["Stopped early (interim value)"].x) == MAX_POINTS < len(finished)
    assert best.name in set(by_name["Completed"].text)
    line = by_name["Best so far"]
    completed = _completed(jobs)
    every_step = np.maximum.accumulate([j.final_objective_value for j in completed])
    assert len(line.x) < 100 and line.y[-1] == best.final_objective_value and line.x[-1] == completed[-1].index + 1
    for x, y in zip(line.x, line.y):  # each kept point is where the full running best stands
        assert every_step[[j.index + 1 for j in completed].index(x)] == y
    assert "sampled" in figure.layout.title.text and "the line counts all" in figure.layout.title.text


def test_a_big_job_surface_is_the_mean_objective_per_grid_cell_and_says_so(big):
    jobs, _ = big
    completed = _completed(jobs)
    figure = viz.plot_objective_surface(jobs, "eta", "max_depth", ranges=BIG_RANGES, **AUC)
    (contour,) = [t for t in figure.data if isinstance(t, go.Contour)]
    assert len(contour.x) == GRID_POINTS and list(contour.y) == list(range(1, 11))  # one row per depth
    z = np.asarray(contour.z, dtype=float)
    assert z.shape == (10, GRID_POINTS)
    depth_one = [j.final_objective_value for j in completed if j.hyperparameters["max_depth"] == 1]
    assert np.nanmin(z[0]) >= min(depth_one) and np.nanmax(z[0]) <= max(depth_one)
    assert "mean objective per grid cell" in figure.layout.title.text


def test_a_big_job_parallel_coordinates_draw_the_best_and_a_sample_and_say_so(big):
    jobs, best = big
    finished = _completed(jobs)
    (parcoords,) = viz.plot_parallel_coordinates(jobs, ranges=BIG_RANGES, **AUC).data
    colours = list(parcoords.line.color)
    assert len(colours) == MAX_LINES < len(finished)
    assert all(len(dimension.values) == MAX_LINES for dimension in parcoords.dimensions)
    top = sorted((j.final_objective_value for j in finished), reverse=True)[:BEST_LINES]
    assert set(top) <= set(colours) and best.final_objective_value in colours
    every = [j.final_objective_value for j in finished]  # the colour scale spans all, drawn or not
    assert (parcoords.line.cmin, parcoords.line.cmax) == (min(every), best.final_objective_value)
    title = viz.plot_parallel_coordinates(jobs, ranges=BIG_RANGES, **AUC).layout.title.text
    assert f"{MAX_LINES:,} of {len(finished):,} training jobs drawn (sampled)" in title


def test_a_big_job_learning_curves_draw_a_bounded_sample_over_a_band_of_all(big):
    jobs, best = big
    figure = viz.plot_intermediate_values(jobs, **AUC)
    lines = [t for t in figure.data if t.mode == "lines" and isinstance(t, go.Scattergl)]
    assert [t.legendgroup for t in lines] == ["Completed", "Stopped early (interim values)"]
    assert all(len({name for name in t.text if name}) == MAX_CURVES for t in lines)
    assert sum(_points(t) for t in lines) <= 2 * MAX_CURVES * 30
    assert best.name in set(lines[0].text)  # the best job is always drawn
    bands = [t for t in figure.data if t.fill == "tonexty"]
    assert [t.legendgroup for t in bands] == ["Completed", "Stopped early (interim values)"]
    completed = [j for j in jobs if j.status == "Completed"]
    step_one = sorted(j.intermediate_values[0][1] for j in completed)
    assert bands[0].y[0] == pytest.approx(np.percentile(step_one, 90))  # the band is of every job
    (marks,) = [t for t in figure.data if t.mode == "markers"]
    assert len(marks.x) == MAX_CURVES
    assert "curves drawn (sampled" in figure.layout.title.text and "10-90% of all" in figure.layout.title.text
    assert "(150 of" in lines[0].name and "sampled" in lines[0].name


def test_a_big_job_importance_learns_from_a_sample_and_says_so(big):
    jobs, _ = big
    figure = viz.plot_importance(jobs, **AUC)
    assert set(figure.data[0].y) == set(BIG_RANGES)
    assert f"random {MAX_IMPORTANCE_JOBS:,} of {len(_completed(jobs)):,} completed" in figure.layout.title.text


@pytest.mark.parametrize("chart", CHARTS[:-1])
def test_a_small_job_is_drawn_whole_and_never_called_sampled(chart):
    jobs = synthetic_training_jobs("small", 60, seed=3)
    figure = chart(jobs, **AUC)
    assert "sampled" not in figure.layout.title.text and "per grid cell" not in figure.layout.title.text
