"""The test split (TestSplitFraction) and the generalisation check: real data, real runs, a real store file."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import export_codes
from streamlit.testing.v1 import AppTest

from tuning import (CategoricalParameter, IntegerParameter, Store, TuningJobConfig, ValidationError, prepare,
                    run_tuning_job)
from tuning.analysis.holdout import GeneralisationCheck, HoldoutRow, generalisation_check
from tuning.datasets import Dataset, load_dataset
from tuning.datasets.fingerprint import data_fingerprint, describe_difference, held_out_rows_record
from tuning.job.config import RUN_RECORD
from tuning.job.form_values import Key, form_config, form_values
from tuning.datasets import list_datasets
from tuning.sagemaker.request_json import TAG_TEST_SPLIT_FRACTION, from_sagemaker_request, to_sagemaker_request
from tuning.visualization import plot_generalisation_check

ROOT = Path(__file__).resolve().parent.parent
KNN_RANGES = {"k": IntegerParameter(1, 40), "weights": CategoricalParameter(["uniform", "distance"])}


def _knn_job(name: str, store: Store, *, test_split_fraction: float | None = 0.25, max_jobs: int = 6):
    config = TuningJobConfig(
        dataset="breast_cancer", algorithm="knn", hyperparameter_ranges=KNN_RANGES, strategy="Random",
        max_jobs=max_jobs, max_parallel_jobs=2, random_seed=7, name=name, test_split_fraction=test_split_fraction)
    return run_tuning_job(config, store)


STORE_FILE = "tunelab.db"


@pytest.fixture(scope="module")
def module_store(tmp_path_factory):
    """One finished knn job with a test split and one without, shared by the tests that only read them."""
    store = Store(tmp_path_factory.mktemp("holdout") / STORE_FILE)
    _knn_job("held", store)
    _knn_job("plain", store, test_split_fraction=None, max_jobs=2)
    yield store
    store.dispose()


# -- the gate ---------------------------------------------------------------------------------
@pytest.mark.parametrize("value, words", [
    ("0.2", "must be a number"), (float("nan"), "must be a number"), (True, "must be a number"),
    (0, "no rows would be held out"), (-0.1, "no rows would be held out"),
    (0.5, "fewer rows than the test"), (0.9, "fewer rows than the test"),
])
def test_a_bad_test_split_fraction_is_refused_in_words_with_the_fix(value, words):
    with pytest.raises(ValidationError, match=words) as refused:
        TuningJobConfig(dataset="iris", test_split_fraction=value).check_limits()
    assert "TestSplitFraction" in str(refused.value) and "such as 0.2" in str(refused.value)
    assert "test_split_fraction" in TuningJobConfig(dataset="iris", test_split_fraction=value).limit_errors()


def test_tunelab_json_and_sagemaker_json_carry_the_fraction_and_refuse_bad_ones_by_their_path():
    config = TuningJobConfig(dataset="iris", algorithm="knn", test_split_fraction=0.25, random_seed=3)
    assert config.to_dict()["TestSplitFraction"] == 0.25
    assert TuningJobConfig.from_dict(config.to_dict()).test_split_fraction == 0.25
    request = to_sagemaker_request(config)
    assert {"Key": TAG_TEST_SPLIT_FRACTION, "Value": "0.25"} in request["Tags"]
    assert from_sagemaker_request(request).to_dict() == config.to_dict()
    assert "TestSplitFraction" not in TuningJobConfig(dataset="iris").to_dict()  # off by default
    assert "Tags" not in to_sagemaker_request(TuningJobConfig(dataset="iris", algorithm="knn"))

    with pytest.raises(ValidationError, match=r"^TestSplitFraction: .*below 0.5"):
        TuningJobConfig.from_dict({"Dataset": "iris", "TestSplitFraction": 0.6})
    request["Tags"] = [{"Key": TAG_TEST_SPLIT_FRACTION, "Value": "a fifth"}]
    with pytest.raises(ValidationError, match=r"^Tags\[tunelab:TestSplitFraction\]: .*must be a number.*'a fifth'"):
        from_sagemaker_request(request)


def test_a_test_split_that_leaves_too_few_rows_is_refused_saying_how_many_are_needed():
    rows = 12
    small = Dataset(name="tiny", features=pd.DataFrame({"x": np.arange(rows, dtype=float)}),
                    target=pd.Series(["a", "b"] * (rows // 2), name="y"), target_name="y",
                    problem_type="BinaryClassification")
    with pytest.raises(ValidationError, match=r"TestSplitFraction 0.05 holds out 1 test row.*Give at least \d+ rows"):
        prepare(TuningJobConfig(dataset=small, algorithm="knn", test_split_fraction=0.05))
    numbers = Dataset(name="eight", features=pd.DataFrame({"x": np.arange(8.0)}),
                      target=pd.Series(np.arange(8.0), name="y"), target_name="y", problem_type="Regression")
    with pytest.raises(ValidationError, match=r"eight has 5 rows: .*rows left after the test split of 3 "
                                              r"\(TestSplitFraction 0.3\); a smaller TestSplitFraction leaves more"):
        prepare(TuningJobConfig(dataset=numbers, algorithm="knn", test_split_fraction=0.3, validation_fraction=0.1))


# -- the split --------------------------------------------------------------------------------
def test_test_rows_never_reach_the_training_or_validation_channel_and_are_stratified():
    prepared = prepare(TuningJobConfig(dataset="iris", algorithm="knn", test_split_fraction=0.2, random_seed=5,
                                       exclude_columns=["sepal width (cm)"]))
    train, validation, test = (set(channel.features.index) for channel in
                               (prepared.train, prepared.validation, prepared.test))
    assert not train & test and not validation & test and not train & validation
    assert len(train | validation | test) == 150 and len(test) == 30
    assert prepared.test.target.value_counts().tolist() == [10, 10, 10]  # stratified: 10 of each species
    assert list(prepared.test.features.columns) == list(prepared.train.features.columns)  # ExcludeColumns too
    assert "sepal width (cm)" not in prepared.test.features.columns
    assert any("test split: 30 of 150 rows held out" in note for note in prepared.test.notes)
    assert prepare(TuningJobConfig(dataset="iris", algorithm="knn")).test is None  # off by default


def test_the_test_rows_are_rebuilt_exactly_from_the_stored_config_and_seed(module_store):
    job = module_store.get_tuning_job("held")
    record = job.config[RUN_RECORD]
    rebuilt = prepare(TuningJobConfig.from_dict(job.config).replace(name=None))
    again = prepare(TuningJobConfig.from_dict(job.config).replace(name=None))
    assert list(rebuilt.test.features.index) == list(again.test.features.index)
    assert held_out_rows_record(rebuilt.test, 0.25, 7) == record["TestSplit"]
    assert record["TestSplit"]["Rows"] == rebuilt.test.rows == math.ceil(0.25 * 569)
    # The data fingerprint (resume's and Deploy's check) covers the test rows too, and still matches.
    assert data_fingerprint(rebuilt.train, rebuilt.validation, rebuilt.test) == record["DataFingerprint"]
    other_seed = prepare(TuningJobConfig.from_dict(job.config).replace(name=None, random_seed=8))
    assert set(other_seed.test.features.index) != set(rebuilt.test.features.index)
    changed = describe_difference(record["DataFingerprint"],
                                  data_fingerprint(other_seed.train, other_seed.validation, other_seed.test))
    assert changed == "the same rows and columns, but different values"
    # A job without a test split keeps the fingerprint it always had.
    plain = module_store.get_tuning_job("plain").config[RUN_RECORD]
    assert "TestRows" not in plain["DataFingerprint"] and "TestSplit" not in plain


# -- the check --------------------------------------------------------------------------------
def _independent_test_auc(k: int, weights: str) -> float:
    """The top job's test AUC, computed from scratch with scikit-learn: the split, the encoding, the model."""
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.preprocessing import StandardScaler

    data = load_dataset("breast_cancer")
    y = data.target.to_numpy()
    positions = np.arange(len(y))
    rest, test = train_test_split(positions, test_size=math.ceil(0.25 * len(y)), random_state=7, stratify=y)
    train, _ = train_test_split(rest, test_size=math.ceil(0.2 * len(rest)), random_state=7, stratify=y[rest])
    x = data.features.to_numpy(dtype=np.float32)
    imputer = SimpleImputer(strategy="median").fit(x[train])
    scaler = StandardScaler().fit(imputer.transform(x[train]))
    encode = lambda rows: scaler.transform(imputer.transform(x[rows]))  # noqa: E731
    classes = sorted(set(y))
    labels = np.array([classes.index(value) for value in y])
    model = KNeighborsClassifier(n_neighbors=k, weights=weights).fit(encode(train), labels[train])
    return float(roc_auc_score(labels[test], model.predict_proba(encode(test))[:, 1]))


def test_the_check_rescored_the_top_jobs_and_its_test_score_matches_an_independent_computation(module_store):
    check = generalisation_check(module_store, "held", top_k=3)
    job = module_store.get_tuning_job("held")
    assert [row.training_job_name for row in check.rows][0] == job.best_training_job
    assert [row.validation_rank for row in check.rows] == [1, 2, 3]
    validation = [row.validation_value for row in check.rows]
    assert validation == sorted(validation, reverse=True) and check.completed == 6 and check.test_rows == 143
    winner = check.winner
    assert winner.test_value == pytest.approx(_independent_test_auc(winner.hyperparameters["k"],
                                                                    winner.hyperparameters["weights"]), abs=1e-6)
    best_test = max(row.test_value for row in check.rows)
    assert [row.test_rank == 1 for row in check.rows] == [row.test_value == best_test for row in check.rows]
    sentence = check.sentence
    assert sentence.startswith(f"{winner.training_job_name} won on validation (validation:auc ")
    assert "One seed, one split" in sentence and "TestSplitFraction 0.25, RandomSeed 7" in sentence
    frame = check.frame()
    assert list(frame.columns) == ["TrainingJobName", "Validation validation:auc", "Test validation:auc",
                                   "Validation rank", "Test rank"] and len(frame) == 3


def _check(validation: list[float], test: list[float], objective_type: str = "Maximize") -> GeneralisationCheck:
    maximize = objective_type == "Maximize"
    rows = [HoldoutRow(f"job-{i + 1}", v, t, i + 1,
                       1 + sum((o > t) if maximize else (o < t) for o in test)) for i, (v, t) in enumerate(zip(validation, test))]
    return GeneralisationCheck("demo", "validation:auc", objective_type, rows, completed=40, test_rows=100,
                               test_split_fraction=0.2, random_seed=0)


def test_the_sentence_tells_the_winners_curse_and_a_reordering_on_test():
    cursed = _check([0.95, 0.93, 0.90], [0.88, 0.91, 0.89])
    sentence = cursed.sentence
    assert cursed.optimism == pytest.approx(0.07) and not cursed.winner_wins_on_test
    assert "overstates its test score by 0.07: the winner's curse" in sentence
    assert "On test it ranks 3 of 3: job-2 (validation rank 2) wins there with 0.91, better by 0.03" in sentence
    assert "the best of 40 validation scores" in sentence
    honest = _check([0.30, 0.35], [0.28, 0.40], "Minimize")  # a loss: lower is better
    assert honest.optimism == pytest.approx(-0.02) and honest.winner_wins_on_test
    assert "no winner's curse shows here" in honest.sentence and "also wins on test" in honest.sentence


def test_a_job_without_a_test_split_says_so_with_the_fix(module_store):
    with pytest.raises(ValidationError, match=r"'plain' held out no test split.*Set TestSplitFraction \(such as 0.2\) "
                                              r"on a new tuning job"):
        generalisation_check(module_store, "plain")
    with pytest.raises(ValidationError, match="top_k must be a whole number from 1 to 50"):
        generalisation_check(module_store, "held", top_k=0)


def test_the_figure_plots_validation_against_test_with_a_diagonal_and_the_winner_marked(module_store):
    check = generalisation_check(module_store, "held", top_k=4)
    figure = plot_generalisation_check(check)
    diagonal, others, winner = figure.data
    assert list(diagonal.x) == list(diagonal.y) and diagonal.mode == "lines"
    assert len(others.x) == 3 and winner.marker.symbol == "star"
    assert (winner.x[0], winner.y[0]) == (check.winner.validation_value, check.winner.test_value)
    assert figure.layout.xaxis.title.text == "on the validation channel: validation:auc — higher is better"
    assert figure.layout.yaxis.title.text == "on the test split: validation:auc — higher is better"


# -- the command line and the panel -----------------------------------------------------------
def _cli(*args: str, store: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tuning", "--store", str(store), *args],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_cli_show_test_prints_the_table_and_the_sentence(module_store):
    path = Path(module_store.artifact_dir).parent / STORE_FILE
    shown = _cli("show", "held", "--test", "--top-k", "2", store=path)
    assert shown.returncode == 0, shown.stderr
    assert "Test rank" in shown.stdout and "Test validation:auc" in shown.stdout
    assert "won on validation" in shown.stdout and "One seed, one split" in shown.stdout
    plain = _cli("show", "held", store=path)
    assert "Test split: 143 rows held out (TestSplitFraction 0.25)" in plain.stdout and "Test rank" not in plain.stdout
    refused = _cli("show", "plain", "--test", store=path)
    assert refused.returncode == 2 and "held out no test split" in refused.stderr
    assert "Set TestSplitFraction" in refused.stderr


_PANEL = """
import sys
sys.path.insert(0, {root!r})
from views.shared import get_store
from views.holdout_panel import show_generalisation_check
show_generalisation_check(get_store().get_tuning_job({name!r}))
"""


def test_the_panel_draws_the_chart_and_the_sentence_when_asked():
    store = Store()  # the dashboard's store ($TUNELAB_HOME, per test)
    _knn_job("panel", store, max_jobs=3)
    _knn_job("nosplit", store, test_split_fraction=None, max_jobs=1)
    app = AppTest.from_string(_PANEL.format(root=str(ROOT), name="panel"), default_timeout=60).run()
    assert not app.exception
    assert not app.get("plotly_chart")  # on demand: nothing retrained before the button
    app.button(key="holdout.run").click().run()
    assert not app.exception
    (chart,) = app.get("plotly_chart")
    assert json.loads(chart.proto.spec)["layout"]["title"]["text"].startswith("Generalisation check")
    assert any("One seed, one split" in text.value for text in app.markdown)
    assert len(app.dataframe[0].value) == 3

    app = AppTest.from_string(_PANEL.format(root=str(ROOT), name="nosplit"), default_timeout=60).run()
    assert not app.exception and not app.button
    assert "held out no test split" in app.info[0].value and "TestSplitFraction" in app.info[0].value


def test_the_create_form_carries_the_test_split_both_ways():
    datasets = list_datasets()
    config = TuningJobConfig(dataset="iris", algorithm="knn", test_split_fraction=0.25, random_seed=1,
                             strategy="Random", max_jobs=3)
    values = form_values(config, datasets)
    assert values[Key.TEST_SPLIT] == 0.25
    assert form_config(values, datasets).test_split_fraction == 0.25
    assert form_config({**values, Key.TEST_SPLIT: 0.0}, datasets).test_split_fraction is None  # 0: none


def test_the_create_page_input_reaches_the_job():
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    app = app.switch_page("views/create.py").run()
    assert app.number_input(key="create.test_split").value == 0.0
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.number_input(key="create.test_split").set_value(0.2).run()
    assert not app.exception and not app.error
    assert "holding out 30 test rows" in app.info[0].value
    shown = next(code.value for code in export_codes(app) if code.language == "json" and '"Dataset"' in code.value)
    assert json.loads(shown)["TestSplitFraction"] == 0.2


def test_resume_and_the_check_rebuild_the_same_test_rows_and_refuse_other_ones(store):
    from tuning.records import TuningJobStatus
    from tuning.running.resume import prepare_resume

    _knn_job("resumed", store, max_jobs=2)
    store.update_tuning_job("resumed", status=TuningJobStatus.INTERRUPTED)  # as if its process had died
    prepared = prepare_resume("resumed", store)  # the fingerprint (test rows included) matches: no refusal
    assert prepared.test is not None and prepared.test.rows == 143

    config = store.get_tuning_job("resumed").config
    config[RUN_RECORD]["TestSplit"]["RowsSha256"] = "0" * 64  # rows other than those rebuilt
    store.update_tuning_job("resumed", config=config)
    with pytest.raises(ValidationError, match=r"the rows rebuilt from TestSplitFraction 0.25 and RandomSeed 7 are "
                                              r"not the 143 rows it held out"):
        generalisation_check(store, "resumed")


def test_the_sdk_tuner_takes_the_fraction_through_the_same_gate(store):
    from tuning import ContinuousParameter
    from tuning.sagemaker.estimators import XGBoost
    from tuning.sagemaker.tuner import HyperparameterTuner

    with pytest.raises(ValidationError, match="test_split_fraction \\(TestSplitFraction\\) must be above 0 and below 0.5"):
        HyperparameterTuner(XGBoost(), "validation:accuracy", {"eta": ContinuousParameter(0.1, 0.5)}, max_jobs=2,
                            store=store, test_split_fraction=0.5)
    tuner = HyperparameterTuner(XGBoost(), "validation:accuracy", {"eta": ContinuousParameter(0.1, 0.5)}, max_jobs=2,
                                store=store, test_split_fraction=0.2)
    assert tuner._config("iris").test_split_fraction == 0.2


def test_the_sdk_code_says_amt_has_no_test_split():
    from tuning.sagemaker.sdk_code import sdk_code

    code = sdk_code(TuningJobConfig(dataset="iris", algorithm="knn", test_split_fraction=0.2))
    assert "tunelab:TestSplitFraction" in code and "AMT has none, so split the test rows off" in code
    assert "test split" not in sdk_code(TuningJobConfig(dataset="iris", algorithm="knn"))
