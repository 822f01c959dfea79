"""Issue 18, item 2: the training channel's curve beside validation's, recorded, stored, drawn.

Real training jobs (XGBoost, the MLP) on real data; a real SQLite file (and the PostgreSQL
server where the store's schema is concerned); an older store made by creating its tables
without the new column.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from tuning import IntegerParameter, TuningJobConfig, prepare, run_tuning_job
from tuning.algorithms import TRAINING_CURVE_ROWS, TrainingData, get_algorithm
from tuning.algorithms import _xgboost as _xgb
from tuning.algorithms._base import training_sample
from tuning.errors import ValidationError
from tuning.analysis.train_gap import gap_curve, last_gap, last_gaps
from tuning.job.preparation import encode_channels
from tuning.metrics import BINARY, MULTICLASS, get_metric
from tuning.records import TrainingJob, TuningJob
from tuning.running.board import TrainingBoard
from tuning.running.worker import run_training_job as run_one, worker_state
from tuning.sagemaker.analytics import TrainingJobAnalytics
from tuning.store import database
from tuning.store.database import Store
from tuning.store.engine import create_store_engine
from tuning.visualization import plot_intermediate_values
from tuning.visualization._intermediate import TRAIN_CURVES, TRAIN_GROUP

OVERFIT = {"num_round": 150, "eta": 0.5, "min_child_weight": 0}
"""Deep trees, a large step, many rounds, on 320 training rows: XGBoost learns the training rows by heart."""


def _noisy_csv(path):
    """400 rows whose label is a simple rule of two columns, one label in five flipped: noise to memorise."""
    import pandas as pd

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 6))
    label = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int)
    flipped = rng.random(400) < 0.2
    label[flipped] = 1 - label[flipped]
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(6)]).assign(label=label)
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def overfit(tmp_path_factory):
    """A real tuning job of two overfitting XGBoost jobs, in a real SQLite file (its path and the job)."""
    folder = tmp_path_factory.mktemp("overfit")
    config = TuningJobConfig(dataset=str(_noisy_csv(folder / "noisy.csv")), target="label", algorithm="xgboost",
                             objective_metric_name="validation:logloss",
                             hyperparameter_ranges={"max_depth": IntegerParameter(8, 10)},
                             static_hyperparameters=OVERFIT, strategy="Random", max_jobs=2, max_parallel_jobs=1,
                             random_seed=3)
    store = Store(folder / "tunelab.db")
    job = run_tuning_job(config, store)
    store.dispose()
    return folder / "tunelab.db", job


# -- recorded by a real job -----------------------------------------------------------------
def test_a_real_xgboost_job_records_both_curves_at_the_same_steps(overfit):
    path, job = overfit
    assert job.status == "Completed"
    for training_job in Store(path).training_jobs(job.name):
        steps = [step for step, _ in training_job.intermediate_values]
        assert steps == list(range(1, 151))  # 150 rounds, each reported
        assert [step for step, _ in training_job.train_intermediate_values] == steps
        # The two channels are different numbers, not one curve twice.
        assert training_job.train_intermediate_values != training_job.intermediate_values


def test_on_an_overfitting_setup_training_keeps_improving_while_validation_turns_and_the_gap_grows(overfit):
    path, job = overfit
    for training_job in Store(path).training_jobs(job.name):
        train = np.array([value for _, value in training_job.train_intermediate_values])
        validation = np.array([value for _, value in training_job.intermediate_values])
        # Training log loss falls (almost) every round and ends near zero: the rows are learnt by heart.
        assert np.mean(np.diff(train) <= 1e-12) >= 0.95
        assert train[-1] < 0.01 < 0.1 < train[0]
        # Validation's best round is one of the first few; from there it only gets worse: overfitting.
        best_round = int(np.argmin(validation))
        assert best_round < 10 and validation[-1] > 1.5 * validation[best_round]
        gaps = gap_curve(training_job, maximize=False)  # log loss: minimised, gap = validation - training
        assert [gap.step for gap in gaps] == list(range(1, 151))
        assert all(gap.gap > 0 for gap in gaps)  # training scores better at every round
        assert gaps[-1].gap > gaps[50].gap > gaps[10].gap > gaps[0].gap  # and the gap grows
        assert np.mean(np.diff([gap.gap for gap in gaps]) > 0) >= 0.8
        end = last_gap(training_job, maximize=False)
        assert end == gaps[-1] and end.step == 150
        assert end.gap == pytest.approx(validation[-1] - train[-1])


def test_an_mlp_reports_the_training_channel_every_epoch_on_a_fixed_sample():
    prepared = prepare(TuningJobConfig(dataset="iris", algorithm="mlp", static_hyperparameters={"epochs": 12},
                                       max_jobs=1, random_seed=1, name="mlp-curves"))
    data, _, _ = encode_channels(prepared)
    state = worker_state(data, "mlp", prepared.metric.name, None)
    outcome = run_one(0, prepared.algorithm.resolve(prepared.static), 1, False, state=state)
    assert outcome.status == "Completed"
    assert [step for step, _ in outcome.train_intermediate_values] == list(range(1, 13))
    assert [step for step, _ in outcome.intermediate_values] == list(range(1, 13))
    assert all(0.0 <= value <= 1.0 for _, value in outcome.train_intermediate_values)  # accuracy


# -- bounded ----------------------------------------------------------------------------------
def test_a_long_xgboost_curve_is_bounded_alike_on_both_channels():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 5)).astype(np.float32)
    y = (x[:, 0] + rng.normal(scale=0.8, size=400) > 0).astype(float)
    data = TrainingData(x[:300], y[:300], x[300:], y[300:], BINARY, n_classes=2)
    state = worker_state(data, "xgboost", "validation:auc", None)
    hyperparameters = get_algorithm("xgboost").resolve({"num_round": 1000, "max_depth": 2})
    outcome = run_one(0, hyperparameters, 1, False, state=state)
    steps = [step for step, _ in outcome.intermediate_values]
    assert len(steps) == 200 and steps[-1] == 1000  # every 5th round and the last: at most 200 points
    assert [step for step, _ in outcome.train_intermediate_values] == steps


def test_the_training_sample_is_fixed_bounded_and_keeps_every_class():
    rng = np.random.default_rng(1)
    rows = 3 * TRAINING_CURVE_ROWS
    y = np.zeros(rows)
    y[:rows // 3] = 1
    y[7] = 2  # a class of one row
    x = rng.normal(size=(rows, 3))
    data = TrainingData(x, y, x[:10], y[:10], MULTICLASS, n_classes=3)
    x_sample, y_sample = training_sample(data)
    assert TRAINING_CURVE_ROWS <= len(y_sample) <= TRAINING_CURVE_ROWS + 1
    assert set(np.unique(y_sample)) == {0.0, 1.0, 2.0}
    again, _ = training_sample(data)
    assert np.array_equal(x_sample, again)  # every job of a tuning job scores the same rows
    small = TrainingData(x[:100], y[:100], x[:10], y[:10], MULTICLASS, n_classes=3)
    assert training_sample(small)[0] is small.x_train  # fewer rows than the sample: all of them


# -- stored -------------------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "store" / "tunelab.db")
    return request.getfixturevalue("postgres_url")


def _tuning_job(name="old-1"):
    return TuningJob(name=name, status="Completed", strategy="Random", algorithm="xgboost", dataset="iris",
                     objective_metric_name="validation:accuracy", objective_type="Maximize", max_jobs=2,
                     max_parallel_jobs=1, config={"Strategy": "Random"}, created_at=time.time())


def _training_job(index, tuning_job="old-1", train=((1, 0.7), (2, 0.95))):
    now = time.time()
    return TrainingJob(tuning_job_name=tuning_job, index=index, name=f"{tuning_job}-{index + 1:03d}",
                       status="Completed", hyperparameters={"eta": 0.1}, created_at=now, start_time=now,
                       end_time=now + 1, final_objective_value=0.9, intermediate_values=[(1, 0.6), (2, 0.9)],
                       train_intermediate_values=list(train))


def test_the_training_curve_survives_reopening_the_store_and_the_live_writes(store_url):
    store = Store(store_url)
    store.create_tuning_job(_tuning_job("kept"))
    store.add_training_job(_training_job(0, "kept", train=[]))
    store.update_intermediate_values("kept", {0: [(1, 0.5)]}, train_curves={0: [(1, 0.75)]})  # live, as the runner
    store.finish_training_job("kept", 0, intermediate_values=[(1, 0.5), (2, 0.8)],
                              train_intermediate_values=[(1, 0.75), (2, 0.99)])
    store.dispose()
    reopened = Store(store_url)
    (job,) = reopened.training_jobs("kept")
    assert job.train_intermediate_values == [(1, 0.75), (2, 0.99)]
    assert job.intermediate_values == [(1, 0.5), (2, 0.8)]
    (light,) = reopened.training_jobs("kept", with_curves=False)
    assert light.train_intermediate_values == [] and light.intermediate_values == []
    assert job.describe("validation:accuracy")["TrainIntermediateValues"] == [
        {"Step": 1, "Value": 0.75}, {"Step": 2, "Value": 0.99}]
    reopened.dispose()


def _old_store(url: str) -> None:
    """A store as TuneLab made it before the training curve: its tables without the column, one job in it."""
    old = sa.MetaData()
    for table in database._metadata.sorted_tables:
        sa.Table(table.name, old, *(column._copy() for column in table.columns
                                    if column.name != "train_intermediate_values"))
    if "://" not in url:
        Path(url).parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{url}"
    engine = create_store_engine(url)  # WAL, as TuneLab opened every store
    old.create_all(engine)
    tuning_job = _tuning_job()
    row = {column.name: getattr(tuning_job, column.name) for column in old.tables["tuning_jobs"].columns}
    training = _training_job(0)
    with engine.begin() as connection:
        connection.execute(old.tables["tuning_jobs"].insert().values(**{**row, "config": "{}"}))
        connection.execute(old.tables["training_jobs"].insert().values(
            tuning_job_name="old-1", index=0, name="old-1-001", status="Completed", hyperparameters="{}",
            created_at=training.created_at, final_objective_value=0.9, intermediate_values="[[1, 0.6], [2, 0.9]]"))
    engine.dispose()


def _columns(path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[1] for row in connection.execute("PRAGMA table_info(training_jobs)")}


def test_an_older_store_without_the_column_opens_reads_and_then_records_training_curves(store_url):
    _old_store(store_url)
    store = Store(store_url)
    (job,) = store.training_jobs("old-1")
    assert job.intermediate_values == [(1, 0.6), (2, 0.9)] and job.train_intermediate_values == []
    store.add_training_job(_training_job(1))
    store.dispose()
    again = Store(store_url)
    assert [job.train_intermediate_values for job in again.training_jobs("old-1")] == [[], [(1, 0.7), (2, 0.95)]]
    again.dispose()


def test_an_older_store_that_cannot_be_written_still_reads_and_is_left_as_it_was(tmp_path):
    path = tmp_path / "old.db"
    _old_store(str(path))
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true")  # SQLite refuses every write
    (job,) = read_only.training_jobs("old-1")
    assert job.intermediate_values == [(1, 0.6), (2, 0.9)] and job.train_intermediate_values == []
    assert read_only.get_tuning_job("old-1").status == "Completed"
    read_only.dispose()
    assert "train_intermediate_values" not in _columns(path)  # opening it to read changed nothing
    Store(path).dispose()
    assert "train_intermediate_values" in _columns(path)  # a writable open adds it


def test_a_running_job_s_training_curve_reaches_the_store_live(store):
    from tuning import ContinuousParameter, launch_tuning_job

    config = TuningJobConfig(dataset="breast_cancer", algorithm="xgboost", objective_metric_name="validation:auc",
                             hyperparameter_ranges={"eta": ContinuousParameter(0.01, 0.02)},
                             static_hyperparameters={"num_round": 4000}, strategy="Random", max_jobs=1,
                             max_parallel_jobs=1, random_seed=1)
    handle = launch_tuning_job(config, store)
    deadline = time.time() + 120
    live = []
    while time.time() < deadline and not live:
        live = [job for job in store.training_jobs(handle.name, status="InProgress") if job.train_intermediate_values]
        time.sleep(0.2)
    with contextlib.suppress(ValidationError):  # on a fast machine the job may have ended already
        handle.stop()
    handle.wait(timeout=120)
    assert live, "no live training curve was written while the job ran"
    (job,) = live
    validation_steps = [step for step, _ in job.intermediate_values]
    train_steps = [step for step, _ in job.train_intermediate_values]
    assert train_steps and set(train_steps) <= set(validation_steps)  # the same steps, written as they come


def test_the_board_keeps_both_live_curves_and_forgets_them_together():
    board = TrainingBoard("Off", "Maximize")
    board.begin(0)
    assert board.report(0, [(1, 0.6), (2, 0.7)], [(1, 0.65), (2, 0.8)]) == "continue"
    board.report(0, [(3, 0.72)])  # a step without a training value
    assert board.curves() == {0: [(1, 0.6), (2, 0.7), (3, 0.72)]}
    assert board.train_curves() == {0: [(1, 0.65), (2, 0.8)]}
    board.forget([0])
    assert board.curves() == {} and board.train_curves() == {}


# -- read: analytics, the chart -----------------------------------------------------------------
def test_training_job_analytics_has_the_train_series_in_the_sdks_shape(overfit):
    path, job = overfit
    store = Store(path)
    name = store.training_jobs(job.name)[0].name
    frame = TrainingJobAnalytics(name, store=store).dataframe()
    assert list(frame["metric_name"].unique()) == ["validation:logloss", "train:logloss"]
    training = store.training_jobs(job.name)[0]
    train_rows = frame[frame["metric_name"] == "train:logloss"]
    assert list(zip(train_rows["step"], train_rows["value"])) == training.train_intermediate_values
    only = TrainingJobAnalytics(name, metric_names=["train:logloss"], store=store).dataframe()
    assert set(only["metric_name"]) == {"train:logloss"} and len(only) == 150
    with pytest.raises(Exception, match="train:logloss"):
        TrainingJobAnalytics(name, metric_names=["train:auc"], store=store)


def test_the_learning_curves_chart_draws_the_training_channel_beside_validation(overfit):
    path, job = overfit
    jobs = Store(path).training_jobs(job.name)
    figure = plot_intermediate_values(jobs, objective_name="validation:logloss", objective_type="Minimize")
    validation = figure.data[0]
    training = [trace for trace in figure.data if trace.legendgroup == TRAIN_GROUP and trace.mode == "lines"]
    assert len(training) == 1 and training[0].line.dash == "dot"
    assert validation.line.dash == "solid"
    assert list(training[0].x) == list(validation.x)  # each job's two curves at the same steps
    gaps = last_gaps(jobs, objective_type="Minimize")
    (rings,) = [trace for trace in figure.data if trace.legendgroup == TRAIN_GROUP and trace.mode == "markers"]
    assert [custom[1] for custom in rings.customdata] == pytest.approx([gaps[j.name].gap for j in jobs])
    assert "gap" in training[0].hovertemplate
    assert f"at most {TRAINING_CURVE_ROWS:,} rows" in figure.layout.title.text


def test_with_many_jobs_the_chart_draws_the_training_channel_of_the_best_few_only():
    jobs = []
    for index in range(12):
        final = 0.5 + index / 100
        jobs.append(TrainingJob(tuning_job_name="many", index=index, name=f"many-{index + 1:03d}",
                                status="Completed", hyperparameters={}, created_at=0.0,
                                final_objective_value=final, intermediate_values=[(1, 0.4), (2, final)],
                                train_intermediate_values=[(1, 0.45), (2, final + 0.1)]))
    figure = plot_intermediate_values(jobs, objective_name="validation:auc", objective_type="Maximize")
    (training,) = [trace for trace in figure.data if trace.legendgroup == TRAIN_GROUP and trace.mode == "lines"]
    drawn = {name for name in training.text if name}
    assert drawn == {f"many-{index + 1:03d}" for index in range(12 - TRAIN_CURVES, 12)}  # the best ones
    assert f"for the best {TRAIN_CURVES}" in figure.layout.title.text
    assert [custom[1] for custom in training.customdata if custom[1] is not None][1] == pytest.approx(0.1)
    older = [TrainingJob(**{**vars(job), "train_intermediate_values": []}) for job in jobs]  # recorded before
    plain = plot_intermediate_values(older, objective_name="validation:auc", objective_type="Maximize")
    assert not [trace for trace in plain.data if trace.legendgroup == TRAIN_GROUP]
    assert "training channel" not in plain.layout.title.text


def test_the_gap_is_signed_in_the_objectives_direction():
    job = TrainingJob(tuning_job_name="t", index=0, name="t-001", status="Completed", hyperparameters={},
                      created_at=0.0, intermediate_values=[(1, 0.8), (2, 0.7)],
                      train_intermediate_values=[(2, 0.9)])
    assert last_gap(job, maximize=True).gap == pytest.approx(0.2)  # AUC: training higher is better
    assert last_gap(job, maximize=False).gap == pytest.approx(-0.2)  # a loss: training higher is worse
    assert [gap.step for gap in gap_curve(job, maximize=True)] == [2]  # only the steps both have
    assert last_gap(TrainingJob(tuning_job_name="t", index=1, name="t-002", status="Completed",
                                hyperparameters={}, created_at=0.0, intermediate_values=[(1, 0.5)]),
                    maximize=True) is None


def test_the_metric_names_follow_aws_s_channels():
    from tuning.sagemaker.analytics import train_metric_name

    assert train_metric_name("validation:auc") == "train:auc"
    assert train_metric_name(get_metric("validation:rmse").name) == "train:rmse"


# -- XGBoost's own training metric -------------------------------------------------------------
class _Recorder:
    def __init__(self) -> None:
        self.train: list[float | None] = []

    def report(self, step: int, value: float, train_value: float | None = None) -> bool:
        self.train.append(train_value)
        return False


@pytest.mark.parametrize(("problem", "metric_name"), sorted(_xgb._NATIVE_TRAIN_METRICS))
def test_xgboosts_own_training_metric_is_the_number_tunelabs_metric_gives(problem, metric_name):
    """The training curve comes from XGBoost's C++ eval metric (cheap: no scikit-learn call a round);
    it must be the very number TuneLab's own metric gives on the same rows."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 5)).astype(np.float32)
    if problem == BINARY:
        y, classes = (x[:, 0] + rng.normal(size=600) > 0).astype(float), 2
    elif problem == MULTICLASS:
        y, classes = np.digitize(x[:, 0] + rng.normal(scale=0.5, size=600), [-0.5, 0.5]).astype(float), 3
    else:
        y, classes = 3 * x[:, 0] + rng.normal(size=600), 0
    data = TrainingData(x[:450], y[:450], x[450:], y[450:], problem, n_classes=classes)
    algorithm, metric, recorder = get_algorithm("xgboost"), get_metric(metric_name), _Recorder()
    model = algorithm.fit(algorithm.resolve({"num_round": 20, "max_depth": 3}), data, metric, recorder, seed=1)
    assert len(recorder.train) == 20 and all(value is not None for value in recorder.train)
    assert recorder.train[-1] == pytest.approx(metric(data.y_train, algorithm.output(model, data.x_train)), abs=1e-7)
