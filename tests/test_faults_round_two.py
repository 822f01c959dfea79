"""Issue 14's cases that are about what a job is given: each through two doors, asserting the words.

Cases 11 (a dataset too small to score), 12 (numbers written as text in a CategoricalParameter)
and 13 (a bound that overflows). The doors: the Python API (``prepare``/``run_tuning_job``, the
SDK tuner), TuneLab's JSON through ``python -m tuning run`` (a real subprocess), and SageMaker's
JSON. Nothing is stored by a refused job.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tuning import (
    CategoricalParameter,
    ContinuousParameter,
    Store,
    TuningJobConfig,
    ValidationError,
    prepare,
    run_tuning_job,
)

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tuning", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)


# -- case 11: a dataset too small for its validation channel to score -----------------------
@pytest.fixture
def tiny_csv(tmp_path) -> Path:
    path = tmp_path / "tiny.csv"
    path.write_text("a,b,y\n1,2,0\n2,3,1\n3,4,0\n")
    return path


def test_a_three_row_dataset_is_refused_saying_how_many_rows_are_needed(tiny_csv, tmp_path):
    store = Store(tmp_path / "s.db")
    config = TuningJobConfig(dataset=str(tiny_csv), hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                             max_jobs=2, strategy="Random")
    with pytest.raises(ValidationError) as refused:
        run_tuning_job(config, store)
    message = str(refused.value)
    assert "has 3 rows" in message and "1 validation row(s), holding 1 of its 2 classes" in message
    assert "Give at least 10 rows, at least 2 of each class" in message
    assert store.list_tuning_jobs() == []  # refused before anything was stored


def test_the_cli_says_the_same_for_the_same_file(tiny_csv, tmp_path):
    job = tmp_path / "tiny.json"
    job.write_text(json.dumps({"Dataset": str(tiny_csv), "Algorithm": "xgboost", "Strategy": "Random",
                               "HyperparameterRanges": {"eta": {"Type": "Continuous", "MinValue": 0.1,
                                                                "MaxValue": 0.5}},
                               "ResourceLimits": {"MaxNumberOfTrainingJobs": 2}}))
    result = _cli("--store", str(tmp_path / "cli.db"), "run", str(job))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "Give at least 10 rows" in result.stderr, result.stderr


def test_a_tiny_regression_dataset_is_refused_too(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("a,y\n1,0.5\n2,1.5\n")
    with pytest.raises(ValidationError, match="too few to train and score a model. Give at least 10 rows"):
        prepare(TuningJobConfig(dataset=str(path), hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                                max_jobs=2, strategy="Random"))


# -- case 12: SDK-style categories written as text ------------------------------------------
def test_numeric_categories_written_as_text_are_read_as_numbers_and_train():
    config = TuningJobConfig(dataset="iris", hyperparameter_ranges={"max_depth": CategoricalParameter(["2", "3"])},
                             static_hyperparameters={"num_round": 5}, max_jobs=2, strategy="Grid")
    job = run_tuning_job(config, Store())
    assert job.status == "Completed", job.failure_reason
    depths = sorted(t.hyperparameters["max_depth"] for t in Store().training_jobs(job.name, with_curves=False))
    assert depths == [2, 3]  # numbers, as SageMaker reads "2"


def test_a_word_among_numeric_categories_is_named_with_the_fix_through_the_sdk_too():
    with pytest.raises(ValidationError, match=r"CategoricalParameter for 'max_depth': 'deep' is not a whole number.*"
                                              r"such as \[2, 3\] or \['2', '3'\]"):
        prepare(TuningJobConfig(dataset="iris",
                                hyperparameter_ranges={"max_depth": CategoricalParameter(["2", "deep"])},
                                max_jobs=2, strategy="Random"))
    from tuning import HyperparameterTuner
    from tuning.sagemaker.estimators import Estimator

    with pytest.raises(ValidationError, match=r"'deep' is not a whole number"):
        HyperparameterTuner(Estimator(algorithm="xgboost"), "validation:accuracy",
                            {"max_depth": CategoricalParameter(["2", "deep"])}, max_jobs=2).fit({"train": "iris"})


# -- case 13: a bound that overflows ------------------------------------------------------------
def _sagemaker_request_with_max(value: str) -> dict:
    request = json.loads((ROOT / "examples" / "sagemaker-bank-xgboost.json").read_text())
    ranges = request["HyperParameterTuningJobConfig"]["ParameterRanges"]
    ranges["ContinuousParameterRanges"][0]["MaxValue"] = value
    return request


def test_a_bound_of_1e309_is_said_to_overflow_in_sagemaker_json_and_on_the_cli(tmp_path):
    from tuning.sagemaker.request_json import from_sagemaker_request

    with pytest.raises(ValidationError, match=r"MaxValue: 1e309 is a number, but too large .* overflows"):
        from_sagemaker_request(_sagemaker_request_with_max("1e309"))
    path = tmp_path / "overflow.json"
    path.write_text(json.dumps(_sagemaker_request_with_max("1" + "0" * 400)))
    result = _cli("--store", str(tmp_path / "cli.db"), "run", str(path))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "a number of 401 characters is a number, but too large" in result.stderr, result.stderr


# -- case 14: an uploaded dataset replaced, then the final model -------------------------------
def test_a_final_model_is_refused_when_the_uploaded_data_was_replaced(tmp_path):
    from sklearn.datasets import load_iris

    from tuning.datasets.uploads import save_uploaded_dataset
    from tuning.serving.deploy import final_predictor

    frame = load_iris(as_frame=True).frame
    save_uploaded_dataset(frame.to_csv(index=False).encode(), name="petals", target="target",
                          problem_type="MulticlassClassification")
    store = Store()
    job = run_tuning_job(TuningJobConfig(dataset="petals", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)},
                                         static_hyperparameters={"num_round": 5}, max_jobs=2, strategy="Random",
                                         random_seed=1), store)
    changed = frame.copy()
    changed.iloc[:20, 0] += 0.001  # a few measurements corrected: same shape, same scores, other values
    save_uploaded_dataset(changed.to_csv(index=False).encode(), name="petals", target="target",
                          problem_type="MulticlassClassification", replace=True)
    with pytest.raises(ValidationError, match=r"cannot train the final model .* changed since the tuning job ran"):
        final_predictor(store, job.name)
    assert not any(path.name.endswith("-final") for path in (store.artifact_dir / job.name).iterdir())
    result = _cli("serve", job.name, "--port", "0")  # the CLI's door: serve trains the final model first
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "changed since the tuning job ran" in result.stderr, result.stderr
