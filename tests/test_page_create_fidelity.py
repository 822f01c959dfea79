"""The Create page on what AWS's AMT allows (issue 17), with AppTest: a tuned hyperparameter that does not change
training here is warned about (not refused), and Hyperband shows XGBoost's num_round row, as AMT lets it be tuned.
"""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

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
    exported = json.loads(next(code.value for code in app.code if code.language == "json"
                               and '"Dataset"' not in code.value))
    ranges = exported["HyperParameterTuningJobConfig"]["ParameterRanges"]["IntegerParameterRanges"]
    assert ranges == request["HyperParameterTuningJobConfig"]["ParameterRanges"]["IntegerParameterRanges"]
