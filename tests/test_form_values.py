"""The Create page's form as plain data (tuning.job.form_values), without a browser."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from tuning import ContinuousParameter, TuningJobConfig, ValidationError
from tuning.algorithms import get_algorithm
from tuning.datasets import list_datasets
from tuning.job.form_values import (
    DEFAULTS,
    Key,
    algorithm_key,
    exclude_key,
    form_config,
    form_values,
    import_notes,
    max_resource_key,
    metric_key,
    min_resource_key,
    overlay_ranges,
)
from tuning.job.range_table import range_rows
from tuning.sagemaker.request_json import is_sagemaker_request, read_tuning_job_json

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def datasets():
    return list_datasets()


def _example(name: str) -> tuple[TuningJobConfig, bool]:
    data = json.loads((EXAMPLES / name).read_text())
    return read_tuning_job_json(data), is_sagemaker_request(data)


def test_a_tunelab_json_gives_the_widget_values_the_page_shows(datasets):
    data = json.loads((EXAMPLES / "bank-bayesian.json").read_text())
    values = form_values(data, datasets)  # TuneLab's JSON as it is
    assert values == form_values(TuningJobConfig.from_dict(data), datasets)
    assert values[Key.DATASET] == "bank-marketing"
    assert values[algorithm_key("BinaryClassification")] == "xgboost"
    assert values[metric_key("xgboost", "BinaryClassification")] == "validation:auc"
    assert values[Key.STRATEGY] == "Bayesian"
    assert (values[Key.MAX_JOBS], values[Key.MAX_PARALLEL], values[Key.MAX_RUNTIME]) == (20, 2, 0.0)
    assert values[Key.EARLY_STOPPING] is True and values[Key.GRACE_PERIOD] is None
    assert (values[Key.SEED], values[Key.NAME]) == (1, "bank-bayesian")
    assert values[Key.USE_TARGET] is False and Key.TARGET not in values
    assert values[Key.WARM_PARENTS] == [] and Key.WARM_TYPE not in values
    algorithm, ranges, static = values[Key.IMPORTED_RANGES]
    assert algorithm == "xgboost" and set(ranges) == {"eta", "max_depth", "min_child_weight", "subsample"}
    assert static == {"num_round": 100}
    assert all(type(key) is str for key in values)  # plain strings, as Streamlit's session state keeps them


def test_a_sagemaker_json_gives_the_widget_values_the_page_shows(datasets):
    config, aws = _example("sagemaker-bank-xgboost.json")
    assert aws
    values = form_values(config, datasets, aws=aws)
    assert values[Key.DATASET] == "bank-marketing"
    assert values[metric_key("xgboost", "BinaryClassification")] == "validation:auc"
    assert (values[Key.MAX_JOBS], values[Key.MAX_PARALLEL], values[Key.SEED]) == (10, 2, 42)
    assert values[Key.NAME] == "bank-xgboost-aws"
    assert values[Key.EARLY_STOPPING] is True
    assert values[Key.PATIENCE] == 5 and values[Key.CONVERGENCE] is False
    assert values[Key.IMPORTED_RANGES][2] == {"num_round": 50}
    (note,) = import_notes(config)  # the file's training job limit, which the page has no field for
    assert "StoppingCondition.MaxRuntimeInSeconds (3,600 s) is not shown here" in note


def test_hyperband_and_grid_fill_in_the_strategys_own_inputs(datasets):
    hyperband = form_values(_example("housing-hyperband.json")[0], datasets)
    assert hyperband[Key.STRATEGY] == "Hyperband"
    assert (hyperband[min_resource_key("xgboost")], hyperband[max_resource_key("xgboost")]) == (10, 270)
    assert hyperband[metric_key("xgboost", "Regression")] == "validation:rmse"
    grid = form_values(_example("iris-grid.json")[0], datasets)
    assert grid[algorithm_key("MulticlassClassification")] == "knn" and grid[Key.GRID_POINTS] == 4


@pytest.mark.parametrize("example", sorted(path.name for path in EXAMPLES.glob("*.json")))
def test_form_values_to_config_to_form_values_is_stable(example, datasets):
    config, aws = _example(example)
    values = form_values(config, datasets, aws=aws)
    again = form_config(values, datasets)
    assert form_values(again, datasets) == values
    # And the job is the file's job, in every part the form shows.
    for part in ("dataset", "algorithm", "strategy", "strategy_config", "max_jobs", "max_parallel_jobs",
                 "early_stopping_type", "random_seed", "completion_criteria", "hyperparameter_ranges"):
        assert getattr(again, part) == getattr(config, part), part
    assert dict(again.static_hyperparameters) == dict(config.static_hyperparameters)


def test_every_part_of_the_form_survives_the_round_trip(datasets):
    from tuning import CompletionCriteria, WarmStartConfig, WarmStartTypes

    config = TuningJobConfig(
        dataset="bank-marketing", objective_metric_name="validation:f1", objective_type="Maximize",
        hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.3)}, static_hyperparameters={"num_round": 40},
        strategy="Random", max_jobs=12, max_parallel_jobs=3, max_runtime_seconds=600, early_stopping_type="Auto",
        early_stopping_grace_period=5, random_seed=9, name="all-parts",
        completion_criteria=CompletionCriteria(0.8, 4, True),
        warm_start_config=WarmStartConfig(WarmStartTypes.TRANSFER_LEARNING, ["parent-a"]),
        exclude_columns=["duration"])
    values = form_values(config, datasets)
    assert values[Key.MAX_RUNTIME] == 10.0 and values[Key.GRACE_PERIOD] == 5
    assert (values[Key.USE_TARGET], values[Key.TARGET], values[Key.PATIENCE], values[Key.CONVERGENCE]) == (
        True, 0.8, 4, True)
    assert values[Key.WARM_PARENTS] == ["parent-a"] and values[Key.WARM_TYPE] == "TransferLearning"
    assert values[Key.EXCLUDE_HANDOVER] == ["duration"]
    again = form_config(values, datasets)
    assert again.to_dict() == config.to_dict()
    assert form_values(again, datasets) == values


def test_left_out_keys_take_the_widgets_starting_values(datasets):
    config = form_config({Key.DATASET: "bank-marketing", algorithm_key("BinaryClassification"): "xgboost"},
                         datasets)
    assert config.objective_metric_name == get_algorithm("xgboost").default_objective("BinaryClassification")
    assert (config.strategy, config.max_jobs, config.random_seed) == (
        DEFAULTS[Key.STRATEGY], DEFAULTS[Key.MAX_JOBS], DEFAULTS[Key.SEED])
    assert config.max_runtime_seconds is None and config.early_stopping_type == "Off"
    assert config.completion_criteria is None and config.warm_start_config is None and config.name is None
    hyperband = form_config({Key.DATASET: "iris", algorithm_key("MulticlassClassification"): "xgboost",
                             Key.STRATEGY: "Hyperband", Key.EARLY_STOPPING: True}, datasets)
    assert hyperband.strategy_config == {"MinResource": 10, "MaxResource": 100}
    assert hyperband.early_stopping_type == "Off"  # Hyperband stops jobs itself
    picked = form_config({Key.DATASET: "bank-marketing", algorithm_key("BinaryClassification"): "xgboost",
                          Key.EXCLUDE_HANDOVER: ["age"], exclude_key("bank-marketing"): ["duration"]}, datasets)
    assert list(picked.exclude_columns) == ["duration"]  # the dataset's own box wins over a handover


@pytest.mark.parametrize(("aws", "where"), [
    (True, "TrainingJobDefinition.InputDataConfig[0].DataSource.S3DataSource.S3Uri: this page tunes"),
    (False, "Dataset: this page tunes"),
])
def test_what_the_page_cannot_show_is_refused_naming_the_path_of_either_shape(aws, where, datasets):
    with pytest.raises(ValidationError, match=where.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        form_values(TuningJobConfig(dataset="mine.csv"), datasets, aws=aws)
    with pytest.raises(ValidationError, match="Objective.MetricName: 'validation:rmse' does not apply to iris"):
        form_values(TuningJobConfig(dataset="iris", objective_metric_name="validation:rmse"), datasets)
    with pytest.raises(ValidationError, match="HyperParameterTuningJobConfig.Strategy: must be one of"):
        form_values(TuningJobConfig(dataset="iris", strategy="Sideways"), datasets, aws=True)


def test_import_notes_name_what_the_form_leaves_out():
    config = TuningJobConfig(dataset="iris", strategy="Grid", strategy_config={"GridPoints": {"eta": 3}},
                             max_jobs=None, validation_fraction=0.3)
    notes = import_notes(config)
    assert len(notes) == 3
    assert "GridPoints" in notes[0] and "MaxNumberOfTrainingJobs" in notes[1] and "ValidationFraction" in notes[2]
    assert all("python -m tuning run" in note or "keeps its own limit" in note for note in notes)
    recorded = config.replace(recorded_definition_fields={"RetryStrategy": {"MaximumRetryAttempts": 2},
                                                          "Environment": {"A": "b"}})
    assert import_notes(recorded)[3].startswith("The file's RetryStrategy, Environment do not change training here")
    from tuning.job.autotune import Autotune

    autotuned = import_notes(config.replace(autotune=Autotune()))
    assert len(autotuned) == 4 and autotuned[3].startswith("The file turns Autotune on, which the page does not")


def test_overlay_ranges_fills_the_table_in_for_its_own_algorithm_only():
    xgboost = get_algorithm("xgboost")
    rows = range_rows(xgboost)
    imported = ("xgboost", {"eta": ContinuousParameter(0.2, 0.4, "Linear")}, {"num_round": 7, "nope": 1})
    table, notes = overlay_ranges(rows, xgboost, imported)
    eta = table[table["Hyperparameter"] == "eta"].iloc[0]
    assert bool(eta["Tune"]) and (eta["MinValue"], eta["MaxValue"], eta["ScalingType"]) == (0.2, 0.4, "Linear")
    assert not table[table["Hyperparameter"] != "eta"]["Tune"].any()
    assert table[table["Hyperparameter"] == "num_round"].iloc[0]["Value"] == "7"
    assert notes == ["Not in this table (the strategy owns it, or XGBoost has no such hyperparameter): nope."]
    assert rows is not table and not rows.equals(table)  # the table given is left as it was
    same, none = overlay_ranges(rows, get_algorithm("knn"), imported)
    assert same is rows and none == []


def test_no_page_spells_a_create_key_out():
    """Every Create key is defined once, in form_values: the pages use the names."""
    for page in ("views/create.py", "views/datasets.py"):
        tree = ast.parse((ROOT / page).read_text())
        spelled = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                   and isinstance(node.value, str) and node.value.startswith(("create.", "create_"))]
        assert spelled == [], page
    assert len({str(key) for key in Key}) == len(Key)


def test_the_page_shows_the_values_of_an_imported_sagemaker_json(datasets):
    from streamlit.testing.v1 import AppTest

    config, _ = _example("sagemaker-bank-xgboost.json")
    values = form_values(config, datasets, aws=True)
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    app = app.switch_page("views/create.py").run()
    app.text_area(key=Key.IMPORT_TEXT).set_value((EXAMPLES / "sagemaker-bank-xgboost.json").read_text())
    app.button(key=Key.IMPORT).click().run()
    assert not app.exception and not app.error
    shown = {
        Key.DATASET: app.selectbox(key=Key.DATASET).value,
        Key.STRATEGY: app.radio(key=Key.STRATEGY).value,
        Key.MAX_JOBS: app.number_input(key=Key.MAX_JOBS).value,
        Key.MAX_PARALLEL: app.number_input(key=Key.MAX_PARALLEL).value,
        Key.SEED: app.number_input(key=Key.SEED).value,
        Key.NAME: app.text_input(key=Key.NAME).value,
        Key.EARLY_STOPPING: app.toggle(key=Key.EARLY_STOPPING).value,
        Key.PATIENCE: app.number_input(key=Key.PATIENCE).value,
        metric_key("xgboost", "BinaryClassification"):
            app.selectbox(key=metric_key("xgboost", "BinaryClassification")).value,
    }
    assert shown == {key: values[key] for key in shown}
