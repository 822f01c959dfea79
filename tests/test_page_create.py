"""The Create tuning job page, with AppTest, against a real store and real runs."""

from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from conftest import export_codes

from tuning import Store, TuningJobConfig
from tuning.job.config import MAX_PARALLEL_JOBS, MAX_TRAINING_JOBS



def _page() -> AppTest:
    """The page inside the app (as a user opens it), so its links to other pages resolve."""
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    return app.switch_page("views/create.py").run()


def _errors(app: AppTest) -> str:
    return "\n".join(element.value for element in app.error)


def _code(app: AppTest, tab: str) -> str:
    """The text of one export tab: "sagemaker", "tunelab" (both JSON) or "sdk" (Python)."""
    codes = [code for code in export_codes(app) if code.language == ("python" if tab == "sdk" else "json")]
    if tab == "sdk":
        return codes[0].value
    return next(code.value for code in codes if ('"Dataset"' in code.value) == (tab == "tunelab"))


def _wait_until_finished(store: Store, name: str, seconds: float = 120) -> str:
    deadline = time.time() + seconds
    while store.get_tuning_job(name).is_active and time.time() < deadline:
        time.sleep(0.25)
    return store.get_tuning_job(name).status


def test_defaults_are_valid_and_explained():
    app = _page()
    assert not app.exception
    assert not app.error
    assert app.selectbox(key="create.dataset").value == "bank-marketing"
    metric = app.selectbox(key="create.metric.xgboost.BinaryClassification")
    assert metric.value == "validation:auc"
    assert "validation:auc ↑ higher is better" in metric.options
    summary = app.info[0].value
    assert "20 training jobs" in summary and "Bayesian" in summary and "eta" in summary
    assert app.button(key="create.launch").disabled is False
    captions = " ".join(caption.value for caption in app.caption)
    assert "MaxParallelTrainingJobs" in captions and "RandomSeed" in captions
    shown = json.loads(_code(app, "tunelab"))
    assert shown["Dataset"] == "bank-marketing" and shown["Strategy"] == "Bayesian"
    assert shown["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 20


def test_launching_runs_a_real_job_in_the_background_and_returns_at_once():
    app = _page()
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.number_input(key="create.max_jobs").set_value(3).run()
    app.radio(key="create.strategy").set_value("Random").run()
    app.text_input(key="create.name").set_value("from-the-form").run()
    assert not app.error, _errors(app)
    started = time.time()
    app.button(key="create.launch").click().run()
    assert time.time() - started < 20  # it does not wait for the 3 training jobs
    assert not app.exception
    assert "Launched **from-the-form**" in app.success[0].value
    store = Store()
    assert _wait_until_finished(store, "from-the-form") == "Completed"
    job = store.get_tuning_job("from-the-form")
    assert (job.dataset, job.strategy, job.max_jobs, job.objective_metric_name) == (
        "iris", "Random", 3, "validation:accuracy")
    assert len(store.training_jobs("from-the-form", status="Completed")) == 3


def test_several_jobs_can_run_at_once():
    app = _page()
    app.selectbox(key="create.dataset").set_value("breast_cancer").run()
    app.number_input(key="create.max_jobs").set_value(2).run()
    app.number_input(key="create.max_parallel").set_value(1).run()
    names = []
    for name in ("first-of-two", "second-of-two"):
        app.text_input(key="create.name").set_value(name).run()
        app.button(key="create.launch").click().run()
        assert not app.exception and not app.error, _errors(app)
        names.append(name)
    store = Store()
    assert {job.name for job in store.list_tuning_jobs()} == set(names)
    assert [_wait_until_finished(store, name) for name in names] == ["Completed", "Completed"]


def test_a_grid_larger_than_the_job_limit_is_refused_inline():
    app = _page()
    app.radio(key="create.strategy").set_value("Grid").run()
    assert "5 x 5 x 5 x 5 x 5" in _errors(app)
    assert app.button(key="create.launch").disabled is True
    assert Store().list_tuning_jobs() == []


def test_hyperband_needs_a_resource_and_a_sensible_budget():
    app = _page()
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.radio(key="create.strategy").set_value("Hyperband").run()
    assert not app.error, _errors(app)
    # num_round's row stays (AMT lets Hyperband tune it: tests/test_page_create_fidelity.py)
    assert "num_round" in list(app.dataframe[0].value["Hyperparameter"])
    assert app.number_input(key="create.max_resource.xgboost").value == 100
    app.number_input(key="create.min_resource.xgboost").set_value(100).run()
    assert "MinResource < MaxResource" in _errors(app)
    assert app.button(key="create.launch").disabled is True
    algorithm = app.selectbox(key="create.algorithm.MulticlassClassification")
    algorithm.set_value("knn").run()
    assert "Hyperband has no budget" in _errors(app)
    assert app.toggle(key="create.early_stopping").disabled is True


def _engine_says(field: str, value: object, **config: object) -> str:
    """The engine's own message for one limit: what the page must show, word for word."""
    return TuningJobConfig(dataset="bank-marketing", **{field: value}, **config).limit_errors()[field.split(".")[-1]]


@pytest.mark.parametrize(("key", "value", "field", "engine_value"), [
    ("create.max_jobs", 0, "max_jobs", 0),
    ("create.max_jobs", -1, "max_jobs", -1),
    ("create.max_jobs", MAX_TRAINING_JOBS + 1, "max_jobs", MAX_TRAINING_JOBS + 1),
    ("create.max_parallel", 0, "max_parallel_jobs", 0),
    ("create.max_parallel", MAX_PARALLEL_JOBS + 1, "max_parallel_jobs", MAX_PARALLEL_JOBS + 1),
    ("create.max_runtime", -1.0, "max_runtime_seconds", -60.0),  # the page asks minutes, the engine seconds
    ("create.seed", -1, "random_seed", -1),
    ("create.seed", 2**31, "random_seed", 2**31),
])
def test_a_limit_out_of_range_shows_the_engines_sentence_beside_it_and_launch_stays_disabled(
        key, value, field, engine_value):
    app = _page()
    app.number_input(key=key).set_value(value).run()
    assert not app.exception
    sentence = _engine_says(field, engine_value)
    errors = [element.value for element in app.error]
    assert sentence in errors  # on its own, under the input
    assert any(sentence in error and error.startswith("Fix these before launching") for error in errors)
    assert app.button(key="create.launch").disabled is True
    assert not app.success  # nothing launched (AppTest, like a browser, cannot click a disabled button)
    assert Store().list_tuning_jobs() == []


def test_strategy_limits_out_of_range_show_the_engines_sentence_beside_them():
    app = _page()
    app.radio(key="create.strategy").set_value("Grid").run()
    app.number_input(key="create.grid_points").set_value(1).run()
    grid = TuningJobConfig(dataset="bank-marketing", strategy="Grid", strategy_config={"GridPoints": 1})
    assert grid.limit_errors()["GridPoints"] in [element.value for element in app.error]
    app.radio(key="create.strategy").set_value("Hyperband").run()
    app.number_input(key="create.min_resource.xgboost").set_value(0).run()
    hyperband = TuningJobConfig(dataset="bank-marketing", strategy="Hyperband",
                                strategy_config={"MinResource": 0, "MaxResource": 100})
    assert hyperband.limit_errors()["MinResource"] in [element.value for element in app.error]
    assert app.button(key="create.launch").disabled is True


@pytest.mark.parametrize(("name", "expected"), [("bad name!", "name"), ("taken", "already exists")])
def test_a_bad_or_taken_name_is_refused_inline(name, expected):
    if name == "taken":
        from tuning import TuningJobConfig, run_tuning_job
        run_tuning_job(TuningJobConfig(dataset="iris", static_hyperparameters={"num_round": 3}, strategy="Random",
                                       max_jobs=1, name="taken"), Store())
    app = _page()
    app.text_input(key="create.name").set_value(name).run()
    assert expected in _errors(app)
    assert app.button(key="create.launch").disabled is True


def test_the_datasets_page_can_hand_over_a_dataset():
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    app.session_state["create_dataset"] = "california-housing"
    app.switch_page("views/create.py").run()
    assert app.selectbox(key="create.dataset").value == "california-housing"
    assert app.selectbox(key="create.metric.xgboost.Regression").value == "validation:rmse"
    assert "minimizing validation:rmse" in app.info[0].value


def test_completion_criteria_end_a_launched_job_early_and_bad_ones_are_refused():
    app = _page()
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.radio(key="create.strategy").set_value("Random").run()
    app.number_input(key="create.patience").set_value(2).run()
    assert "at least 3" in _errors(app) and app.button(key="create.launch").disabled is True
    app.number_input(key="create.patience").set_value(0).run()
    app.checkbox(key="create.use_target").check().run()
    app.number_input(key="create.target").set_value(0.5).run()
    app.text_input(key="create.name").set_value("ends-early").run()
    assert json.loads(_code(app, "tunelab"))["TuningJobCompletionCriteria"] == {"TargetObjectiveMetricValue": 0.5}
    app.button(key="create.launch").click().run()
    assert not app.exception and not app.error, _errors(app)
    store = Store()
    assert _wait_until_finished(store, "ends-early") == "Completed"
    job = store.get_tuning_job("ends-early")
    assert job.finished_count < 20 and job.completion_reason.startswith("TargetObjectiveMetricValue (0.5) reached")


# -- SageMaker JSON: import, export, SDK code, warm start -------------------------------------------------
def _import(app: AppTest, text: str) -> AppTest:
    app.text_area(key="create.import_text").set_value(text)
    return app.button(key="create.import").click().run()


def test_importing_a_sagemaker_json_fills_the_form_in():
    from tuning import ContinuousParameter, IntegerParameter, TuningJobConfig
    from tuning.sagemaker.request_json import to_sagemaker_request

    request = to_sagemaker_request(TuningJobConfig(
        dataset="iris", algorithm="xgboost", objective_metric_name="validation:accuracy", objective_type="Maximize",
        hyperparameter_ranges={"eta": ContinuousParameter(0.2, 0.4, "Linear"), "max_depth": IntegerParameter(2, 5)},
        static_hyperparameters={"num_round": 5}, strategy="Random", max_jobs=7, max_parallel_jobs=1,
        early_stopping_type="Auto", random_seed=3, name="imported-job"))
    app = _page()
    assert app.radio(key="create.strategy").value == "Bayesian"
    app = _import(app, json.dumps(request))
    assert not app.exception, app.exception
    assert not app.error, _errors(app)
    assert "Imported SageMaker JSON for imported-job" in app.success[0].value
    assert app.selectbox(key="create.dataset").value == "iris"
    assert app.radio(key="create.strategy").value == "Random"
    assert app.number_input(key="create.max_jobs").value == 7
    assert app.number_input(key="create.seed").value == 3
    assert app.text_input(key="create.name").value == "imported-job"
    assert app.toggle(key="create.early_stopping").value is True
    # The ranges table took the file's ranges and static values: the export says the same job back.
    assert json.loads(_code(app, "sagemaker")) == request
    assert app.button(key="create.launch").disabled is False


def test_an_imported_jobs_static_only_values_are_kept_though_the_table_leaves_them_out():
    """AWS's static-only XGBoost hyperparameters (xgboost_hyperparameters.html) are not rows of the
    ranges table, which shows the tunable ones; an imported file's values for them still reach the job."""
    from tuning import IntegerParameter, TuningJobConfig
    from tuning.sagemaker.request_json import to_sagemaker_request

    request = to_sagemaker_request(TuningJobConfig(
        dataset="iris", algorithm="xgboost", objective_metric_name="validation:accuracy", objective_type="Maximize",
        hyperparameter_ranges={"max_depth": IntegerParameter(2, 5)}, max_jobs=3, max_parallel_jobs=1,
        static_hyperparameters={"num_round": 5, "tree_method": "exact", "sketch_eps": 0.1}, name="with-statics"))
    app = _import(_page(), json.dumps(request))
    assert not app.exception and not app.error, _errors(app)
    assert "tree_method" not in list(app.dataframe[0].value["Hyperparameter"])  # static only: not a row of the table
    assert any("Kept from the file as static values" in w.value and "tree_method=exact" in w.value
               for w in app.warning)
    assert any("sketch_eps=0.1 is accepted and recorded, but does not change training" in i.value for i in app.info)
    statics = json.loads(_code(app, "sagemaker"))["TrainingJobDefinition"]["StaticHyperParameters"]
    assert statics == {"num_round": "5", "tree_method": "exact", "sketch_eps": "0.1"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"HyperParameterTuningJobConfig": {"ParameterRanges": {"IntegerParameterRanges": [
            {"Name": "max_depth", "MinValue": 1.5, "MaxValue": "10"}]}}, "TrainingJobDefinition": {
            "AlgorithmSpecification": {"TrainingImage": "tunelab/knn:latest"},
            "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                "S3Uri": "tunelab://dataset/iris"}}}]}}),
         "HyperParameterTuningJobConfig.ParameterRanges.IntegerParameterRanges[0].MinValue: must be a string"),
        (json.dumps({"HyperParameterTuningJobConfig": {}, "TrainingJobDefinition": {
            "AlgorithmSpecification": {"TrainingImage": "tunelab/knn:latest"},
            "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                "S3Uri": "file:///data/mine.csv"}}}]}}),
         "TrainingJobDefinition.InputDataConfig[0].DataSource.S3DataSource.S3Uri: this page tunes"),
    ],
)
def test_importing_a_bad_json_names_the_path_and_changes_nothing(text, expected):
    app = _import(_page(), text)
    assert not app.exception
    assert expected in _errors(app)
    assert app.selectbox(key="create.dataset").value == "bank-marketing"
    assert app.radio(key="create.strategy").value == "Bayesian"


def test_the_sdk_tab_shows_python_code_for_the_same_job():
    import ast

    app = _page()
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.radio(key="create.strategy").set_value("Random").run()
    code = _code(app, "sdk")
    ast.parse(code)
    assert "HyperparameterTuner(" in code and "strategy='Random'" in code
    assert "image_uris.retrieve('xgboost'" in code and "'eta': ContinuousParameter(0.1, 0.5" in code
    request = json.loads(_code(app, "sagemaker"))
    assert request["HyperParameterTuningJobConfig"]["Strategy"] == "Random"
    assert request["TrainingJobDefinition"]["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == (
        "tunelab://dataset/iris")


def test_the_export_code_is_sent_only_while_its_expander_is_open():
    # Closed, the expander holds no code (highlighting it was most of the page's drawing time
    # in chromium); opened, its three tabs show the job, and a form change updates them.
    app = _page()
    assert not app.code and not app.get("download_button")
    assert any(expander.label.startswith("The same tuning job as SageMaker JSON") for expander in app.expander)
    app.number_input(key="create.max_jobs").set_value(7).run()
    assert json.loads(_code(app, "tunelab"))["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 7
    assert [tab.label for tab in app.tabs] == ["SageMaker JSON", "TuneLab JSON", "SageMaker Python SDK"]
    assert app.get("download_button")
    app.number_input(key="create.max_jobs").set_value(9).run()
    assert json.loads(_code(app, "tunelab"))["ResourceLimits"]["MaxNumberOfTrainingJobs"] == 9
    app.session_state["create.export"] = False
    app.run()
    assert not app.code


def test_warm_start_from_a_finished_job_is_accepted_and_another_algorithm_is_refused():
    from tuning import TuningJobConfig, run_tuning_job

    store = Store()
    for name, algorithm, statics in (("iris-parent", "xgboost", {"num_round": 3}), ("knn-parent", "knn", {})):
        run_tuning_job(TuningJobConfig(dataset="iris", algorithm=algorithm, static_hyperparameters=statics,
                                       strategy="Random", max_jobs=2, random_seed=42, name=name), store)
    app = _page()
    app.selectbox(key="create.dataset").set_value("iris").run()
    parents = app.multiselect(key="create.warm_parents")
    assert parents.options[0].startswith("iris-parent")  # same algorithm and metric first
    parents.set_value(["iris-parent"]).run()
    assert not app.exception and not app.error, _errors(app)
    assert app.button(key="create.launch").disabled is False
    assert json.loads(_code(app, "sagemaker"))["WarmStartConfig"] == {
        "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "iris-parent"}],
        "WarmStartType": "IdenticalDataAndAlgorithm"}
    app.radio(key="create.warm_type").set_value("TransferLearning").run()
    assert not app.error, _errors(app)
    assert "WarmStartTypes.TRANSFER_LEARNING, parents={'iris-parent'}" in _code(app, "sdk")

    app.multiselect(key="create.warm_parents").set_value(["knn-parent"]).run()
    assert "parent 'knn-parent' tuned knn, this job xgboost" in _errors(app)
    assert app.button(key="create.launch").disabled is True


# -- the lesson must tell the truth (issue 12) ----------------------------------------------

def _infos(app: AppTest) -> str:
    return "\n".join(box.value for box in app.info)


def test_accuracy_on_bank_marketing_points_to_auc_and_auc_gets_no_hint():
    from tuning.analysis.baseline import imbalance_hint
    from tuning.datasets import load_dataset

    app = _page()
    metric = app.selectbox(key="create.metric.xgboost.BinaryClassification")
    assert metric.value == "validation:auc" and "already scores an accuracy" not in _infos(app)
    metric.set_value("validation:accuracy").run()
    assert not app.exception
    data = load_dataset("bank-marketing")
    hint = imbalance_hint("validation:accuracy", data.target, data.problem_type)
    assert hint is not None and "validation:auc" in hint
    assert hint in _infos(app)
    app.selectbox(key="create.dataset").set_value("iris").run()  # balanced classes: no hint
    app.selectbox(key="create.metric.xgboost.MulticlassClassification").set_value("validation:accuracy").run()
    assert "already scores an accuracy" not in _infos(app)


def test_the_grace_period_input_shows_the_default_and_reaches_the_job():
    app = _page()
    assert not [box for box in app.number_input if box.key == "create.grace_period"]  # early stopping is off
    app.toggle(key="create.early_stopping").set_value(True).run()
    grace = app.number_input(key="create.grace_period")
    assert grace.value is None and "empty for the default (10 of 100 rounds)" in grace.help
    assert grace.proto.placeholder == "default: 10 of 100 rounds"
    assert "EarlyStoppingGracePeriod" not in json.loads(_code(app, "tunelab"))
    grace.set_value(25).run()
    assert not app.error, _errors(app)
    assert json.loads(_code(app, "tunelab"))["EarlyStoppingGracePeriod"] == 25
    assert {"Key": "tunelab:EarlyStoppingGracePeriod", "Value": "25"} in json.loads(_code(app, "sagemaker"))["Tags"]
    app.number_input(key="create.grace_period").set_value(0).run()
    assert "early_stopping_grace_period must be a whole number" in _errors(app)
    assert app.button(key="create.launch").disabled is True


def test_the_grace_period_default_follows_a_static_num_round_and_an_import_prefills_it():
    from tuning import ContinuousParameter

    config = TuningJobConfig(
        dataset="iris", objective_metric_name="validation:accuracy",
        hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)}, static_hyperparameters={"num_round": 40},
        strategy="Random", max_jobs=3, early_stopping_type="Auto", early_stopping_grace_period=7, random_seed=1)
    app = _import(_page(), json.dumps(config.to_dict()))
    assert not app.exception and not app.error, _errors(app)
    assert app.number_input(key="create.grace_period").value == 7
    assert app.number_input(key="create.grace_period").proto.placeholder == "default: 4 of 40 rounds"
    assert json.loads(_code(app, "tunelab"))["EarlyStoppingGracePeriod"] == 7
