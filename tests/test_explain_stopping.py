"""Hyperband's brackets and AMT's median rule, looked into, over real tuning jobs.

Two real tuning jobs (xgboost on diabetes) run once for the module: a Hyperband job of 12
training jobs, 2 in parallel, MaxResource 27; and an early-stopping-Auto job of 12
training jobs, one at a time, so that every decision of the median rule saw exactly the
curves the store holds. The tests check that the views' numbers are the pruners' own.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from types import SimpleNamespace

import optuna
import pytest
from streamlit.testing.v1 import AppTest

from tuning import ContinuousParameter, IntegerParameter, Store, TuningJobConfig, run_tuning_job
from tuning.analysis.hyperband_plan import CUT, FINISHED, PROMOTED, hyperband_diagram
from tuning.analysis.median_rule import median_rule_view
from tuning.errors import ValidationError
from tuning.job.early_stopping import median_rule_decision
from tuning.records import TrainingJobStatus
from tuning.visualization import plot_hyperband, plot_median_rule
from tuning.visualization._hyperband import CUT_GROUP, RUNGS
from tuning.visualization._median_rule import COMPARED_WITH, MEDIAN_LINE, STOP_MARKERS

RANGES = {"eta": ContinuousParameter(0.01, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 6)}
HYPERBAND, AUTO, OFF = "hb-explain", "auto-explain", "off-explain"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """One store for the module's real tuning jobs (each test's own $TUNELAB_HOME is pointed at it)."""
    path = tmp_path_factory.mktemp("stopping-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TUNELAB_HOME", str(path))
        store = Store()
        run_tuning_job(TuningJobConfig(
            dataset="diabetes", hyperparameter_ranges=RANGES, static_hyperparameters={"num_round": 27},
            strategy="Hyperband", strategy_config={"MinResource": 1, "MaxResource": 27},
            max_jobs=12, max_parallel_jobs=2, random_seed=3, name=HYPERBAND), store)
        run_tuning_job(TuningJobConfig(
            dataset="diabetes", hyperparameter_ranges=RANGES, static_hyperparameters={"num_round": 30},
            strategy="Random", early_stopping_type="Auto",
            max_jobs=12, max_parallel_jobs=1, random_seed=3, name=AUTO), store)
        run_tuning_job(TuningJobConfig(
            dataset="diabetes", hyperparameter_ranges=RANGES, static_hyperparameters={"num_round": 5},
            strategy="Random", max_jobs=2, max_parallel_jobs=2, random_seed=3, name=OFF), store)
    return path


@pytest.fixture
def store(home, monkeypatch):
    monkeypatch.setenv("TUNELAB_HOME", str(home))
    return Store()


def _pruner_brackets(study_name: str, indexes: list[int]) -> dict[int, int]:
    """Each training job's bracket, straight from an Optuna HyperbandPruner built here."""
    pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    study = optuna.create_study(study_name=study_name, pruner=pruner)
    pruner._try_initialization(study)
    return {index: pruner._get_bracket_id(study, SimpleNamespace(number=index)) for index in indexes}


def test_the_runner_records_the_pruners_study_name(store):
    assert store.get_tuning_job(HYPERBAND).config["RunRecord"]["PrunerStudyName"] == HYPERBAND
    assert store.get_tuning_job(AUTO).config["RunRecord"]["PrunerStudyName"] == AUTO
    assert "PrunerStudyName" not in store.get_tuning_job(OFF).config["RunRecord"]


def test_hyperband_diagram_is_the_pruners_plan_and_assignment(store):
    diagram = hyperband_diagram(store, HYPERBAND)
    stored = {job.index: job for job in store.training_jobs(HYPERBAND)}
    assert len(diagram.jobs) == len(stored) == 12
    # 27 = 3**3 rounds: four brackets, first judged at 1, 3, 9 and 27 rounds; shares 27:12:6:4 of 49.
    assert [bracket.first_rung for bracket in diagram.brackets] == [1, 3, 9, 27]
    assert [bracket.planned_jobs for bracket in diagram.brackets] == [27, 12, 6, 4]
    assert [rung.planned_jobs for rung in diagram.brackets[0].rungs] == [27, 9, 3, 1]
    assert [rung.resource for rung in diagram.brackets[1].rungs] == [3, 9, 27]
    assert math.isclose(sum(bracket.expected_jobs for bracket in diagram.brackets), 12)
    brackets = _pruner_brackets(HYPERBAND, sorted(stored))
    assert {job.index: job.bracket for job in diagram.jobs} == brackets
    counts = Counter(brackets.values())
    assert [len(bracket.jobs) for bracket in diagram.brackets] == [counts.get(b, 0) for b in range(4)]
    assert not [note for note in diagram.notes if "does not match" in note]


def test_hyperband_jobs_stop_exactly_where_the_diagram_says(store):
    diagram = hyperband_diagram(store, HYPERBAND)
    stored = {job.index: job for job in store.training_jobs(HYPERBAND)}
    cut_by_hyperband = [job for job in stored.values()
                        if job.status == TrainingJobStatus.STOPPED and job.stopped_reason == "Hyperband"]
    assert cut_by_hyperband, "the run stopped no job: this test would show nothing"
    assert sum(rung.cut for bracket in diagram.brackets for rung in bracket.rungs) == len(cut_by_hyperband)
    for job in diagram.jobs:
        training_job = stored[job.index]
        last_step = training_job.intermediate_values[-1][0]
        assert job.stopped_at == last_step
        deciding = [rung.resource for rung in diagram.brackets[job.bracket].rungs if rung.decides]
        if training_job in cut_by_hyperband:
            assert job.cut_at == last_step and job.cut_at in deciding  # a rung of its own bracket
            assert job.cut_at >= 3 ** job.bracket  # never judged before its bracket's first rung
        else:
            assert training_job.status == TrainingJobStatus.COMPLETED and last_step == 27 and job.cut_at is None
            assert job.rungs[-1].verdict == FINISHED
        curve = dict(training_job.intermediate_values)
        for rung in job.rungs:
            if rung.value is not None:
                assert rung.step == rung.resource and rung.value == curve[rung.resource]  # read from its curve


def test_hyperband_promotions_per_rung_agree_with_the_curves(store):
    diagram = hyperband_diagram(store, HYPERBAND)
    stored = {job.index: job for job in store.training_jobs(HYPERBAND)}
    for bracket in diagram.brackets:
        members = [job for job in diagram.jobs if job.bracket == bracket.bracket_id]
        assert bracket.resource_spent == sum(stored[job.index].intermediate_values[-1][0] for job in members)
        for position, rung in enumerate(bracket.rungs):
            at_rung = [job for job in members if job.rungs[position].verdict in (PROMOTED, CUT, FINISHED)]
            assert rung.reached == len(at_rung)
            if not rung.decides:
                continue
            assert rung.promoted + rung.cut == rung.reached
            assert bracket.rungs[position + 1].reached == rung.promoted  # the promoted, and only they, go on
            if at_rung:  # lower RMSE is better: the best value at a rung is always promotable, in any order
                best = min(at_rung, key=lambda job: job.rungs[position].value)
                assert best.rungs[position].verdict == PROMOTED
    assert diagram.resource_spent == sum(job.intermediate_values[-1][0] for job in stored.values())


def test_median_rule_view_gives_the_numbers_the_rule_decided_on(store):
    view = median_rule_view(store, AUTO)
    stored = {job.index: job for job in store.training_jobs(AUTO)}
    stopped = [job for job in stored.values() if job.status == TrainingJobStatus.STOPPED]
    assert stopped, "the run stopped no job: this test would show nothing"
    assert view.grace_period == 3 and view.min_earlier_jobs == 5  # a tenth of 30 rounds; the rule's default
    assert sorted(stop.index for stop in view.stops) == sorted(job.index for job in stopped)
    for stop in view.stops:
        job = stored[stop.index]
        assert (stop.step, stop.value) == tuple(job.intermediate_values[-1])
        earlier = [other for other in stored.values() if other.index < stop.index]
        averages = [statistics.mean(v for s, v in other.intermediate_values if s <= stop.step)
                    for other in earlier if other.intermediate_values[-1][0] >= stop.step]
        assert stop.exact and stop.compared == len(averages) >= 5
        assert math.isclose(stop.median, statistics.median(averages))
        assert stop.stop and stop.value > stop.median  # validation:rmse: its value was worse than the median
        assert stop.step >= view.grace_period
    # And the rule let every completed job go on at every round it judged (one job at a time: it saw these curves).
    for job in stored.values():
        if job.status != TrainingJobStatus.COMPLETED:
            continue
        earlier = [dict(other.intermediate_values) for other in stored.values() if other.index < job.index]
        for step, value in job.intermediate_values[:-1]:
            assert not median_rule_decision(value, step, earlier, maximize=False, grace_period=3).stop


def test_median_line_is_the_median_of_running_averages(store):
    view = median_rule_view(store, AUTO)
    jobs = store.training_jobs(AUTO)
    for point in view.median_line[::7]:
        averages = [statistics.mean(v for s, v in job.intermediate_values if s <= point.step)
                    for job in jobs if job.intermediate_values[-1][0] >= point.step]
        assert point.jobs == len(averages) and math.isclose(point.median, statistics.median(averages))


def test_figures_build_with_the_expected_traces(store):
    diagram = hyperband_diagram(store, HYPERBAND)
    figure = plot_hyperband(diagram)
    names = [trace.name for trace in figure.data]
    assert CUT_GROUP in names and RUNGS in names and "Cut at a rung" in names
    bars = [trace for trace in figure.data if trace.type == "bar"]
    assert sum(len(trace.x) for trace in bars) == 12
    cut_bar = next(trace for trace in bars if trace.name == CUT_GROUP)
    assert sorted(cut_bar.x) == sorted(job.cut_at for job in diagram.jobs if job.cut_at is not None)
    assert len(figure.layout.annotations) == 4  # one label per bracket
    view = median_rule_view(store, AUTO)
    figure = plot_median_rule(view)
    names = [trace.name for trace in figure.data]
    assert MEDIAN_LINE in names and STOP_MARKERS in names and COMPARED_WITH in names
    markers = next(trace for trace in figure.data if trace.name == STOP_MARKERS)
    assert len(markers.x) == len(view.stops)
    assert all("median of" in text for text in markers.text)
    median = next(trace for trace in figure.data if trace.name == MEDIAN_LINE)
    assert median.line.width > 2 * max(trace.line.width for trace in figure.data if trace.name.startswith("Learning"))


def test_a_job_these_views_do_not_apply_to_gets_a_sentence(store):
    with pytest.raises(ValidationError, match="Random strategy, not Hyperband"):
        hyperband_diagram(store, AUTO)
    with pytest.raises(ValidationError, match="own brackets, not with the median rule"):
        median_rule_view(store, HYPERBAND)
    with pytest.raises(ValidationError, match="early stopping Off"):
        median_rule_view(store, OFF)
    with pytest.raises(ValidationError, match="not Hyperband"):
        hyperband_diagram(store, OFF)


def test_a_hyperband_job_recorded_without_its_study_name_says_so(store):
    job = store.get_tuning_job(HYPERBAND)
    config = {**job.config, "RunRecord": {key: value for key, value in job.config["RunRecord"].items()
                                          if key != "PrunerStudyName"}}
    store.update_tuning_job(HYPERBAND, config=config)
    try:
        with pytest.raises(ValidationError, match="cannot be reconstructed"):
            hyperband_diagram(store, HYPERBAND)
    finally:
        store.update_tuning_job(HYPERBAND, config=job.config)


def _panel_script() -> None:
    import streamlit as st

    from views.shared import get_store
    from views.stopping_panel import show_hyperband, show_median_rule

    store = get_store()
    for name in st.session_state["jobs"]:
        job = store.get_tuning_job(name)
        st.subheader(name)
        show_hyperband(job)
        show_median_rule(job)


def test_the_panel_draws_both_views_and_says_when_one_does_not_apply(store):
    app = AppTest.from_function(_panel_script, default_timeout=60)
    app.session_state["jobs"] = [HYPERBAND, AUTO]
    app.run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 2
    infos = [info.value for info in app.info]
    assert any("not Hyperband" in text for text in infos) and any("not with the median rule" in text for text in infos)
    assert len(app.dataframe) == 3  # rungs and spending for Hyperband; the stopped jobs for Auto
    stopped = app.dataframe[2].value
    assert len(stopped) == len(median_rule_view(store, AUTO).stops)


def _job(index: int, values: list[float], start: float, end: float, status: str = TrainingJobStatus.COMPLETED):
    from tuning.records import TrainingJob

    return TrainingJob(tuning_job_name="t", index=index, name=f"t-{index + 1:03d}", status=status,
                       hyperparameters={}, created_at=start, start_time=start, end_time=end,
                       intermediate_values=[(step + 1, value) for step, value in enumerate(values)],
                       stopped_reason="EarlyStopped" if status == TrainingJobStatus.STOPPED else None)


@pytest.mark.parametrize("overlaps", [True, False])
def test_a_job_judged_while_an_earlier_one_trained_gets_the_median_that_reproduces_the_decision(overlaps):
    from tuning.analysis.median_rule import _replay_stop
    from tuning.job.early_stopping import AmtMedianStoppingRule

    # Five earlier jobs, one after another: running averages at round 3 of 10, 10, 11, 12 and 12 (median 11).
    earlier = [_job(i, [average + 1, average, average - 1], start=i, end=i + 0.5)
               for i, average in enumerate([10, 10, 11, 12, 12])]
    # A sixth, average 13 at round 3, still training when job 7 (11.5 at round 3) was judged: with it the
    # median is 11.5 and 11.5 is not worse; the rule stopped job 7, so job 6 had not reached round 3 yet.
    sixth = _job(5, [14, 13, 12, 11], start=5, end=7.0 if overlaps else 5.5)
    stopped = _job(6, [12, 11.5, 11.5], start=6, end=6.5, status=TrainingJobStatus.STOPPED)
    jobs = [*earlier, sixth, stopped]
    curves = {job.index: dict(job.intermediate_values) for job in jobs}
    stop = _replay_stop(stopped, jobs[:-1], curves, AmtMedianStoppingRule(grace_period=3), maximize=False)
    assert stop.step == 3 and stop.value == 11.5
    if overlaps:
        assert not stop.exact and stop.uncertain == stop.left_out == ("t-006",)
        assert stop.stop and stop.median == 11 and stop.compared == 5
    else:  # it had ended before job 7 started: nothing to leave out, and the curves do not reproduce a stop
        assert stop.exact and not stop.left_out and not stop.stop and stop.median == 11.5 and stop.compared == 6
