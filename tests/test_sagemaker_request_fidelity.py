"""AWS's CreateHyperParameterTuningJob request, read and written back as AWS has it (issue 17): the user's own
Tags kept through the store and ``export``; range bounds as strings, as AWS's API types them.

Every test checks a value AWS documents, and quotes the page it comes from.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tuning import ContinuousParameter, TuningJobConfig
from tuning.cli import main
from tuning.errors import ValidationError
from tuning.running.runner import run_tuning_job
from tuning.sagemaker.estimators import XGBoost
from tuning.sagemaker.request_json import (from_sagemaker_request, is_sagemaker_request, read_tuning_job_json,
                                           to_sagemaker_request)
from tuning.sagemaker.tuner import HyperparameterTuner

CREATE_API = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateHyperParameterTuningJob.html"
TAG_API = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Tag.html"
CONTINUOUS_API = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContinuousParameterRange.html"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
USER_TAGS = [{"Key": "course", "Value": "ml101"}, {"Key": "team", "Value": ""}]


def _request(tags: list[dict]) -> dict:
    request = copy.deepcopy(to_sagemaker_request(TuningJobConfig(
        dataset="breast_cancer", max_jobs=1, validation_fraction=0.3, static_hyperparameters={"num_round": 3},
        hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)}, strategy="Random")))
    request["Tags"] = [*tags, *request["Tags"]]
    return request


def test_users_tags_are_kept_beside_tunelabs_and_written_back_through_the_store_and_export(store, capsys):
    # CREATE_API, Tags: "An array of key-value pairs. You can use tags to categorize your AWS resources in different
    # ways, for example, by purpose, owner, or environment." TAG_API: Value "Minimum length of 0".
    request = _request(USER_TAGS)
    config = from_sagemaker_request(json.loads(json.dumps(request)))
    assert dict(config.tags) == {"course": "ml101", "team": ""}
    assert config.validation_fraction == 0.3  # TuneLab's own tag still read as its setting
    assert to_sagemaker_request(config)["Tags"] == request["Tags"]
    job = run_tuning_job(config.replace(name="tagged"), store)
    stored = store.get_tuning_job(job.name).config
    assert stored["Tags"] == USER_TAGS  # TuneLab's JSON keeps them in AWS's shape
    assert TuningJobConfig.from_dict(stored).tags == {"course": "ml101", "team": ""}
    assert main(["--store", store.url, "export", "tagged",
                 "--format", "sagemaker"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["Tags"] == USER_TAGS + [{"Key": "tunelab:ValidationFraction", "Value": "0.3"}]


def test_the_sdks_tags_argument_is_kept_on_the_job():
    # The SDK's HyperparameterTuner(..., tags=[{"Key": ..., "Value": ...}]): "Tags for labeling the tuning job".
    tuner = HyperparameterTuner(XGBoost(role="role"), "validation:auc", {"eta": ContinuousParameter(0.1, 0.5)},
                                tags=USER_TAGS)
    config = tuner._config("breast_cancer")
    assert dict(config.tags) == {"course": "ml101", "team": ""}
    assert to_sagemaker_request(config)["Tags"] == USER_TAGS


@pytest.mark.parametrize("tags, words", [
    ([{"Key": "team", "Value": "a"}, {"Key": "team", "Value": "b"}],
     r"^Tags\[1\].Key: 'team' is given twice; AWS's tag keys are unique"),  # TAG_API: "Tag keys must be unique"
    ([{"Key": "", "Value": "a"}], r"^Tags\[0\].Key: must be 1 to 128 characters"),  # TAG_API: Key 1 to 128
    ([{"Key": "note", "Value": "x" * 257}], r"^Tags\[0\].Value: must be at most 256 characters"),  # Value at most 256
    ([{"Key": f"k{i}", "Value": ""} for i in range(51)], r"^Tags: AWS takes at most 50 tags"),  # CREATE_API: 50 items
    ([{"Key": "tunelab:Colour", "Value": "red"}], r"^Tags\[0\].Key: unknown TuneLab tag 'tunelab:Colour'"),
])
def test_tags_aws_would_refuse_are_refused_quoting_the_json_path(tags, words):
    with pytest.raises(ValidationError, match=words):
        from_sagemaker_request({**_request([]), "Tags": tags})


def test_tunelabs_own_json_and_python_api_keep_tags_but_not_tunelab_keys():
    assert TuningJobConfig.from_dict({"Dataset": "iris", "Tags": USER_TAGS}).tags == {"course": "ml101", "team": ""}
    with pytest.raises(ValidationError, match=r"^Tags\[0\].Key: 'tunelab:ValidationFraction' is one of TuneLab's own"
                                              r".*such as ValidationFraction"):
        TuningJobConfig.from_dict({"Dataset": "iris", "Tags": [{"Key": "tunelab:ValidationFraction", "Value": "0.3"}]})
    with pytest.raises(ValidationError, match=r"tags: must be a dict of Key to Value"):
        TuningJobConfig(dataset="iris", tags=USER_TAGS).check_limits()


# -- range bounds are strings in AWS's JSON -----------------------------------------------------------------
@pytest.mark.parametrize("kind, bound, number, shown", [
    ("ContinuousParameterRanges", "MinValue", 0.1, "0.1"),  # CONTINUOUS_API: MinValue "Type: String"
    ("ContinuousParameterRanges", "MaxValue", 1, "1"),      # CONTINUOUS_API: MaxValue "Type: String"
    ("IntegerParameterRanges", "MaxValue", 10, "10"),       # API_IntegerParameterRange: MaxValue "Type: String"
])
def test_a_json_number_as_a_range_bound_is_refused_on_awss_path_saying_to_write_a_string(kind, bound, number, shown):
    request = _request([])
    name = "eta" if kind.startswith("Continuous") else "max_depth"
    entry = {"Name": name, "MinValue": "0", "MaxValue": "1" if name == "eta" else "10", bound: number}
    request["HyperParameterTuningJobConfig"]["ParameterRanges"] = {kind: [entry]}
    with pytest.raises(ValidationError) as caught:
        from_sagemaker_request(request)
    message = str(caught.value)
    assert message.startswith(f"HyperParameterTuningJobConfig.ParameterRanges.{kind}[0].{bound}: must be a string")
    assert f'write "{shown}" (in quotes, as "0.1" for 0.1), not {number!r}' in message
    entry[bound] = shown
    assert from_sagemaker_request(request).hyperparameter_ranges[name]  # the same range as a string reads


def test_tunelabs_own_json_keeps_number_bounds_and_every_example_reads():
    tunelab = TuningJobConfig.from_dict({"Dataset": "iris", "Algorithm": "knn", "HyperparameterRanges": {
        "k": {"Type": "Integer", "MinValue": 1, "MaxValue": 30}}})
    assert tunelab.hyperparameter_ranges["k"].max_value == 30
    shapes = set()
    for path in sorted(EXAMPLES.glob("*.json")):
        data = json.loads(path.read_text())
        shapes.add(is_sagemaker_request(data))
        read_tuning_job_json(data)  # raises on a number bound in an AWS-shaped example
    assert shapes == {True, False}  # both shapes are among the examples
