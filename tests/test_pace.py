"""A demo's pace (issue 16): PauseBetweenJobsSeconds, one gate, every door, and a real pause.

Presenter mode's "Slow pace (demo)" runs one training job at a time with a pause between
them, so a class can follow each on Monitor. The pause is a TuneLab setting of its own
(AMT has none), carried by the Python API, TuneLab's JSON and a ``tunelab:`` tag in
SageMaker's JSON, and kept by the stored configuration (a resume keeps the pace).
"""

from __future__ import annotations

import json

import pytest
from conftest import export_codes
from streamlit.testing.v1 import AppTest

from tuning import ContinuousParameter, Store, TuningJobConfig, ValidationError, run_tuning_job
from tuning.job.config import DEMO_PAUSE_SECONDS
from tuning.job.form_values import Key, form_config, form_values
from tuning.datasets import list_datasets
from tuning.sagemaker.request_json import TAG_PAUSE, read_tuning_job_json, to_sagemaker_request


def _config(**extra) -> TuningJobConfig:
    return TuningJobConfig(dataset="iris", algorithm="xgboost", hyperparameter_ranges={
        "eta": ContinuousParameter(0.1, 0.5)}, static_hyperparameters={"num_round": 5}, strategy="Random",
        max_jobs=3, random_seed=1, **extra)


@pytest.mark.parametrize("bad", [0, -1, 61, float("nan"), "3", True])
def test_a_bad_pause_is_refused_in_words_at_every_door(bad):
    with pytest.raises(ValidationError, match=r"PauseBetweenJobsSeconds.*above 0 and at most 60"):
        _config(pause_between_jobs_seconds=bad).check_limits()
    data = {**_config().to_dict(), "PauseBetweenJobsSeconds": bad}
    with pytest.raises(ValidationError, match="PauseBetweenJobsSeconds"):
        TuningJobConfig.from_dict(data)


def test_the_pause_travels_through_both_json_shapes_and_the_create_form():
    config = _config(pause_between_jobs_seconds=2.5, name="paced")
    assert TuningJobConfig.from_dict(config.to_dict()).pause_between_jobs_seconds == 2.5
    request = to_sagemaker_request(config)
    assert {"Key": TAG_PAUSE, "Value": "2.5"} in request["Tags"]
    assert read_tuning_job_json(json.loads(json.dumps(request))).pause_between_jobs_seconds == 2.5
    values = form_values(config, list_datasets())
    assert values[Key.SLOW_PACE] is True
    slowed = form_config({**values, Key.MAX_PARALLEL: 2}, list_datasets())
    assert (slowed.max_parallel_jobs, slowed.pause_between_jobs_seconds) == (1, DEMO_PAUSE_SECONDS)
    normal = form_config({**values, Key.SLOW_PACE: False, Key.MAX_PARALLEL: 2}, list_datasets())
    assert (normal.max_parallel_jobs, normal.pause_between_jobs_seconds) == (2, None)


def test_each_training_job_starts_a_pause_after_the_last_one_ended(tmp_path):
    store = Store(tmp_path / "tunelab.db")
    job = run_tuning_job(_config(pause_between_jobs_seconds=1.0, name="paced"), store)
    assert job.status == "Completed" and job.config["PauseBetweenJobsSeconds"] == 1.0
    jobs = store.training_jobs("paced")
    assert [j.status for j in jobs] == ["Completed"] * 3
    gaps = [later.start_time - earlier.end_time for earlier, later in zip(jobs, jobs[1:])]
    assert all(gap >= 0.9 for gap in gaps), gaps  # the pause, not a queue: each waits for the last to end


def test_the_create_page_s_slow_pace_reaches_the_job_s_json():
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    app = app.switch_page("views/create.py").run()
    app.selectbox(key="create.dataset").set_value("iris").run()
    app.toggle(key="create.slow_pace").set_value(True).run()
    assert not app.exception
    shown = next(code.value for code in export_codes(app) if code.language == "json" and '"Dataset"' in code.value)
    data = json.loads(shown)
    assert data["PauseBetweenJobsSeconds"] == DEMO_PAUSE_SECONDS
    assert data["ResourceLimits"]["MaxParallelTrainingJobs"] == 1
