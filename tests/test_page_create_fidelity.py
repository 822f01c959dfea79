"""The Create page on what AWS's AMT allows (issue 17), with AppTest: a tuned hyperparameter that does not change
training here is warned about (not refused), and Hyperband shows XGBoost's num_round row, as AMT lets it be tuned.
"""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest
from conftest import export_codes

from tuning import ContinuousParameter, IntegerParameter, TuningJobConfig
from tuning.sagemaker.request_json import to_sagemaker_request

LL_TUNING_PAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/linear-learner-tuning.html"


def _page() -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    return app.switch_page("views/create.py").run()


def _import(app: AppTest, text: str) -> AppTest:
    app.text_area(key="create.import_text").set_value(text)
    return app.button(key="create.import").click().run()


def _warnings(app: AppTest) -> str:
    return "\n".join(element.value for element in app.warning)


def test_a_range_over_mini_batch_size_is_warned_about_and_still_launchable():
    # LL_TUNING_PAGE: mini_batch_size is tunable (MinValue 100, MaxValue 5000); here SGD updates after every row.
    request = to_sagemaker_request(TuningJobConfig(
        dataset="breast_cancer", algorithm="linear-learner", objective_metric_name="validation:binary_f_beta",
        hyperparameter_ranges={"mini_batch_size": IntegerParameter(100, 5000), "wd": ContinuousParameter(1e-7, 1)},
        max_jobs=3, name="ll-batch"))
    app = _import(_page(), json.dumps(request))
    assert not app.exception and not app.error, [e.value for e in app.error]
    warned = _warnings(app)
    assert "Linear Learner hyperparameter mini_batch_size is tuned, but does not change training in TuneLab" in warned
    assert "wd is tuned" not in warned
    assert app.button(key="create.launch").disabled is False  # a warning, not a refusal
    exported = json.loads(next(code.value for code in export_codes(app) if code.language == "json"
                               and '"Dataset"' not in code.value))
    ranges = exported["HyperParameterTuningJobConfig"]["ParameterRanges"]["IntegerParameterRanges"]
    assert ranges == request["HyperParameterTuningJobConfig"]["ParameterRanges"]["IntegerParameterRanges"]


HYPERBAND_NOTEBOOK = ("https://github.com/aws/amazon-sagemaker-examples/blob/main/build_and_train_models/"
                      "sm-hyperparameter_tuning_hyperband_automatic_model_tuning.ipynb")
HYPERBAND_API = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperbandStrategyConfig.html"


def _sagemaker_export(app: AppTest) -> dict:
    return json.loads(next(code.value for code in export_codes(app) if code.language == "json" and '"Dataset"' not in code.value))


def test_hyperband_shows_num_rounds_row_saying_hyperband_grows_it():
    app = _page()
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.radio(key="create.strategy").set_value("Hyperband").run()
    assert not app.error, [e.value for e in app.error]
    assert "num_round" in list(app.dataframe[0].value["Hyperparameter"])  # the row is there: AMT lets Hyperband tune it
    said = "\n".join(element.value for element in app.info)
    assert "Hyperband grows num_round itself" in said and "Tick Tune to tune num_round" in said
    exported = _sagemaker_export(app)
    assert "num_round" not in exported["TrainingJobDefinition"]["StaticHyperParameters"]  # the row's Value: unused
    assert app.button(key="create.launch").disabled is False


def test_a_hyperband_job_tuning_num_round_as_awss_notebook_does_imports_and_says_what_happens():
    # HYPERBAND_NOTEBOOK tunes "num_round": IntegerParameter(100, 200) with max_resource=30; HYPERBAND_API,
    # MaxResource: "Once a job reaches the MaxResource value, it is stopped."
    request = to_sagemaker_request(TuningJobConfig(
        dataset="iris", strategy="Hyperband", strategy_config={"MinResource": 1, "MaxResource": 30},
        hyperparameter_ranges={"num_round": IntegerParameter(100, 200), "eta": ContinuousParameter(0, 1)},
        max_jobs=4, name="hb-num-round"))
    app = _import(_page(), json.dumps(request))
    assert not app.exception and not app.error, [e.value for e in app.error]
    said = "\n".join(element.value for element in app.info)
    assert "Hyperband with num_round tuned, as AWS's Hyperband example tunes it" in said
    assert "stopped at MaxResource" in said
    exported = _sagemaker_export(app)
    ranges = exported["HyperParameterTuningJobConfig"]["ParameterRanges"]["IntegerParameterRanges"]
    assert {"Name": "num_round", "MinValue": "100", "MaxValue": "200", "ScalingType": "Auto"} in ranges
    assert exported["HyperParameterTuningJobConfig"]["StrategyConfig"] == {
        "HyperbandStrategyConfig": {"MinResource": 1, "MaxResource": 30}}
    assert app.button(key="create.launch").disabled is False
