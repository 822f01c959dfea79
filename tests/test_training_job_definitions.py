"""Several training job definitions in one tuning job: AWS's TrainingJobDefinitions (issue 17, point 5).

AWS's documentation quoted:

- API_CreateHyperParameterTuningJob, TrainingJobDefinitions: "A list of the
  HyperParameterTrainingJobDefinition objects launched for this tuning job."
  Array Members: "Minimum number of 1 item. Maximum number of 10 items."
- API_HyperParameterTrainingJobDefinition: DefinitionName ("The job definition name."),
  TuningObjective, HyperParameterRanges, StaticHyperParameters, AlgorithmSpecification,
  InputDataConfig, ... per definition.
- The SDK (sagemaker-python-sdk v2.257.6, src/sagemaker/tuner.py ``create``,
  ``_fit_with_estimator_dict``, ``best_estimator``; src/sagemaker/analytics.py
  ``_fetch_dataframe``: ``out["TrainingJobDefinitionName"] = ...``, ``tuning_ranges``: "a
  dictionary with keys as the 'DefinitionName' values").

Real runs throughout: XGBoost and Linear Learner on breast_cancer, 4 training jobs, 2 at a time.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tuning import ContinuousParameter, HyperparameterTuner, IntegerParameter, TuningJobConfig
from tuning.cli import main
from tuning.errors import ValidationError
from tuning.job.definitions import TrainingJobDefinitionsConfig, split_budget
from tuning.running.definitions_group import definitions_group
from tuning.running.definitions_run import resume_definitions
from tuning.sagemaker.analytics import HyperparameterTuningJobAnalytics
from tuning.sagemaker.definitions_json import from_definitions_request, to_definitions_request
from tuning.sagemaker.estimators import LinearLearner, XGBoost
from tuning.sagemaker.request_json import to_sagemaker_request

ROOT = Path(__file__).resolve().parent.parent
XGB_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
LL_IMAGE = "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1"


def _definition(name: str, image: str, ranges: dict, statics: dict, metric: str = "validation:auc",
                kind: str = "Maximize") -> dict:
    return {
        "DefinitionName": name,
        "TuningObjective": {"Type": kind, "MetricName": metric},
        "HyperParameterRanges": ranges,
        "AlgorithmSpecification": {"TrainingImage": image, "TrainingInputMode": "File"},
        "StaticHyperParameters": statics,
        "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "tunelab://dataset/breast_cancer",
            "S3DataDistributionType": "FullyReplicated"}}, "ContentType": "text/csv"}],
        "RoleArn": "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole",
        "OutputDataConfig": {"S3OutputPath": "s3://amzn-s3-demo-bucket/tunelab/output"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }


def _request(name: str = "bc-multi", max_jobs: int = 4, parallel: int = 2) -> dict:
    return {
        "HyperParameterTuningJobName": name,
        "HyperParameterTuningJobConfig": {
            "Strategy": "Random", "RandomSeed": 7, "TrainingJobEarlyStoppingType": "Off",
            "ResourceLimits": {"MaxNumberOfTrainingJobs": max_jobs, "MaxParallelTrainingJobs": parallel}},
        "TrainingJobDefinitions": [
            _definition("xgboost", XGB_IMAGE, {
                "ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5",
                                               "ScalingType": "Auto"}],
                "IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "2", "MaxValue": "5",
                                            "ScalingType": "Auto"}]},
                {"num_round": "10", "objective": "binary:logistic"}),
            _definition("linear", LL_IMAGE, {
                "ContinuousParameterRanges": [{"Name": "learning_rate", "MinValue": "0.01", "MaxValue": "0.2",
                                               "ScalingType": "Logarithmic"}]},
                {"predictor_type": "binary_classifier", "epochs": "5"}),
        ],
    }


def _write(tmp_path: Path, request: dict) -> Path:
    path = tmp_path / "multi.json"
    path.write_text(json.dumps(request))
    return path


def test_a_request_with_two_definitions_runs_from_the_cli_as_one_tuning_job(tmp_path, capsys):
    db = tmp_path / "tunelab.db"
    assert main(["--store", str(db), "run", str(_write(tmp_path, _request())), "--quiet"]) == 0
    out = capsys.readouterr().out
    from tuning.store.database import Store

    store = Store(db)
    group = definitions_group(store, "bc-multi")
    assert group.status == "Completed"
    members = group.members
    assert list(members) == ["xgboost", "linear"]
    assert [job.name for job in members.values()] == ["bc-multi-xgboost", "bc-multi-linear"]
    assert [job.algorithm for job in members.values()] == ["xgboost", "linear-learner"]
    # MaxNumberOfTrainingJobs 4 and MaxParallelTrainingJobs 2 shared out: 2 jobs and 1 slot each
    assert [(job.max_jobs, job.max_parallel_jobs) for job in members.values()] == [(2, 1), (2, 1)]
    assert group.status_counters["Completed"] == 4
    best = group.best_training_job()
    values = {t.name: (definition, t.final_objective_value) for definition, t in group.training_jobs(store)}
    top = max(values, key=lambda name: values[name][1])
    assert best["TrainingJobName"] == top and best["TrainingJobDefinitionName"] == values[top][0]
    assert f"Best training job: {top} (definition {values[top][0]})" in out
    assert "TrainingJobDefinitionName" in out and "2 training job definitions" in out
    # the same JSON again: the name is taken, nothing runs
    assert main(["--store", str(db), "run", str(_write(tmp_path, _request())), "--quiet"]) == 2
    assert "'bc-multi' is in the store already" in capsys.readouterr().err

    # export writes TrainingJobDefinitions back as read: lossless
    assert main(["--store", str(db), "export", "bc-multi"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported == _written(_request())
    assert from_definitions_request(exported).to_dict() == group.config.to_dict()
    assert main(["--store", str(db), "export", "bc-multi", "--format", "tunelab"]) == 0
    tunelab = json.loads(capsys.readouterr().out)
    assert TrainingJobDefinitionsConfig.from_dict(tunelab).to_dict() == tunelab == group.config.to_dict()

    # DescribeHyperParameterTuningJob over the group, AWS's shape
    analytics = HyperparameterTuningJobAnalytics("bc-multi", store=store)
    described = analytics.description()
    assert described["HyperParameterTuningJobStatus"] == "Completed"
    assert [item["DefinitionName"] for item in described["TrainingJobDefinitions"]] == ["xgboost", "linear"]
    assert described["TrainingJobDefinitions"][1]["HyperParameterRanges"]["ContinuousParameterRanges"][0]["Name"] == \
        "learning_rate"
    assert described["BestTrainingJob"]["TrainingJobDefinitionName"] == values[top][0]
    assert set(analytics.tuning_ranges) == {"xgboost", "linear"}
    assert set(analytics.tuning_ranges["xgboost"]) == {"eta", "max_depth"}
    frame = analytics.dataframe()
    assert sorted(frame["TrainingJobDefinitionName"]) == ["linear", "linear", "xgboost", "xgboost"]
    assert frame.loc[frame["TrainingJobDefinitionName"] == "linear", "eta"].isna().all()
    assert frame.loc[frame["TrainingJobDefinitionName"] == "xgboost", "learning_rate"].isna().all()
    summaries = analytics.training_job_summaries()
    assert {s["TrainingJobDefinitionName"] for s in summaries} == {"xgboost", "linear"}
    assert {s["TuningJobName"] for s in summaries} == {"bc-multi"}
    # show, and stop of an ended group, answer for the group's name
    assert main(["--store", str(db), "show", "bc-multi"]) == 0
    assert "linear: linear-learner, tuning job bc-multi-linear, Completed, 2 of 2 training jobs" in capsys.readouterr().out
    # the HTML report of the group's name: its definitions' tuning jobs, curves overlaid
    assert main(["--store", str(db), "report", "bc-multi", "-o", str(tmp_path / "r.html")]) == 0
    assert "2 tuning jobs, 4 training jobs" in capsys.readouterr().out
    store.dispose()


def _written(request: dict) -> dict:
    """What TuneLab writes back: TuneLab sets the statics it takes from the data (objective,
    predictor_type) itself, and writes AWS's ranges with all three lists (as the one-definition path does)."""
    written = copy.deepcopy(request)
    written["HyperParameterTuningJobConfig"]["ResourceLimits"] = {"MaxParallelTrainingJobs": 2,
                                                                  "MaxNumberOfTrainingJobs": 4}
    written["HyperParameterTuningJobConfig"] = {key: written["HyperParameterTuningJobConfig"][key] for key in
                                                ("Strategy", "ResourceLimits", "TrainingJobEarlyStoppingType",
                                                 "RandomSeed")}
    for item in written["TrainingJobDefinitions"]:
        item["StaticHyperParameters"].pop("objective", None)
        item["StaticHyperParameters"].pop("predictor_type", None)
        ranges = item["HyperParameterRanges"]
        item["HyperParameterRanges"] = {kind: ranges.get(kind, []) for kind in (
            "IntegerParameterRanges", "ContinuousParameterRanges", "CategoricalParameterRanges")}
    return written


def test_the_sdk_create_with_two_estimators_runs_and_reports_the_best_with_its_definition(store):
    # sagemaker/tuner.py create(): "It takes one or more estimators"; fit: inputs by estimator name.
    xgb = XGBoost(role="arn:aws:iam::1:role/x", instance_count=1, instance_type="ml.m5.xlarge")
    xgb.set_hyperparameters(num_round="8", objective="binary:logistic")
    linear = LinearLearner(role="r", instance_count=1, instance_type="ml.m5.xlarge", predictor_type="binary_classifier")
    tuner = HyperparameterTuner.create(
        estimator_dict={"xgboost": xgb, "linear": linear},
        objective_metric_name_dict={"xgboost": "validation:auc", "linear": "validation:auc"},
        hyperparameter_ranges_dict={"xgboost": {"eta": ContinuousParameter(0.1, 0.5),
                                                "max_depth": IntegerParameter(2, 4)},
                                    "linear": {"learning_rate": ContinuousParameter(0.01, 0.2, "Logarithmic")}},
        base_tuning_job_name="bc-sdk", strategy="Random", max_jobs=4, max_parallel_jobs=2, random_seed=3,
        store=store)
    assert tuner.estimator is None and set(tuner.estimator_dict) == {"xgboost", "linear"}
    with pytest.raises(ValidationError, match=r"inputs must be a dict using \['linear', 'xgboost'\]"):
        tuner.fit({"train": "breast_cancer"})
    tuner.fit(inputs={"xgboost": {"train": "breast_cancer"}, "linear": {"train": "breast_cancer"}})
    name = tuner.latest_tuning_job.name
    assert name.startswith("bc-sdk-") and len(f"{name}-xgboost") <= 32
    described = tuner.describe()
    assert described["HyperParameterTuningJobStatus"] == "Completed"
    assert sum(described["TrainingJobStatusCounters"].values()) == 4
    best = described["BestTrainingJob"]
    assert tuner.best_training_job() == best["TrainingJobName"]
    frame = tuner.analytics().dataframe()
    assert set(frame["TrainingJobDefinitionName"]) == {"xgboost", "linear"}
    row = frame.loc[frame["TrainingJobName"] == best["TrainingJobName"]].iloc[0]
    assert row["TrainingJobDefinitionName"] == best["TrainingJobDefinitionName"]
    assert row["FinalObjectiveValue"] == frame["FinalObjectiveValue"].max()
    # best_estimator: estimator_dict[best["TrainingJobDefinitionName"]], attached to the best training job
    estimator = tuner.best_estimator()
    expected = {"xgboost": XGBoost, "linear": LinearLearner}[best["TrainingJobDefinitionName"]]
    assert isinstance(estimator, expected)
    assert estimator.latest_training_job.name == best["TrainingJobName"]
    assert estimator.latest_training_job.describe()["TrainingJobDefinitionName"] == best["TrainingJobDefinitionName"]
    # the SDK's dict form names the definition; a training job of the other definition gives its estimator
    other = frame.loc[frame["TrainingJobDefinitionName"] != best["TrainingJobDefinitionName"]].iloc[0]
    picked = tuner.best_estimator({"TrainingJobName": other["TrainingJobName"],
                                   "TrainingJobDefinitionName": other["TrainingJobDefinitionName"]})
    assert isinstance(picked, {"xgboost": XGBoost, "linear": LinearLearner}[other["TrainingJobDefinitionName"]])
    # attach by the group's name gives the group back
    attached = HyperparameterTuner.attach(name, store=store)
    assert attached.best_training_job() == best["TrainingJobName"]
    assert set(attached.estimator_dict) == {"xgboost", "linear"}


def test_objective_types_must_agree_as_aws_requires():
    request = _request()
    request["TrainingJobDefinitions"][1]["TuningObjective"] = {"Type": "Minimize", "MetricName": "validation:logloss"}
    with pytest.raises(ValidationError, match=r"^TrainingJobDefinitions\[1\]\.TuningObjective\.Type: 'Minimize', but "
                                              r"definition 0 is 'Maximize'\. AWS requires one objective type"):
        from_definitions_request(request)
    # the SDK door: one objective_type for all, so a metric that goes the other way is refused by its estimator
    xgb = XGBoost(role="r")
    with pytest.raises(ValidationError, match=r"estimator_dict\['b'\]: objective_type='Maximize', but validation:logloss"):
        HyperparameterTuner.create({"a": xgb, "b": XGBoost(role="r")}, {"a": "validation:auc", "b": "validation:logloss"},
                                   {"a": {"eta": ContinuousParameter(0.1, 0.5)}, "b": {"eta": ContinuousParameter(0.1, 0.5)}})
    # the gate itself, given Python objects
    one = TuningJobConfig(dataset="breast_cancer", objective_metric_name="validation:auc", max_jobs=4)
    other = one.replace(objective_metric_name="validation:logloss")
    with pytest.raises(ValidationError, match=r"estimator_dict\['b'\]: objective_type: 'Minimize'"):
        TrainingJobDefinitionsConfig("g", {"a": one, "b": other}).check()


def test_more_than_ten_definitions_are_refused():
    request = _request(max_jobs=20)
    first = request["TrainingJobDefinitions"][0]
    request["TrainingJobDefinitions"] = [{**copy.deepcopy(first), "DefinitionName": f"d{i}"} for i in range(11)]
    with pytest.raises(ValidationError, match=r"^TrainingJobDefinitions: AWS takes 1 to 10 training job definitions, "
                                              r"but got 11\."):
        from_definitions_request(request)
    request["TrainingJobDefinitions"] = request["TrainingJobDefinitions"][:10]
    assert len(from_definitions_request(request).definitions) == 10  # ten is AWS's most, and accepted
    estimators = {f"e{i}": XGBoost(role="r") for i in range(11)}
    with pytest.raises(ValidationError, match="create: estimator_dict has 11 estimators, but AWS takes 1 to 10"):
        HyperparameterTuner.create(estimators, {k: "validation:auc" for k in estimators},
                                   {k: {"eta": ContinuousParameter(0.1, 0.5)} for k in estimators})


def test_a_duplicate_definition_name_is_refused():
    request = _request()
    request["TrainingJobDefinitions"][1]["DefinitionName"] = "xgboost"
    with pytest.raises(ValidationError, match=r"^TrainingJobDefinitions\[1\]\.DefinitionName: 'xgboost' is given twice"):
        from_definitions_request(request)
    one = TuningJobConfig(dataset="breast_cancer", max_jobs=4)
    with pytest.raises(ValidationError, match=r"'my-def' is the name of definition 0 too"):
        TrainingJobDefinitionsConfig("g", {"my_def": one, "my-def": one}).check()  # the same member name


def test_errors_inside_a_definition_quote_its_json_path():
    request = _request()
    request["TrainingJobDefinitions"][1]["HyperParameterRanges"]["ContinuousParameterRanges"][0]["MinValue"] = "x"
    with pytest.raises(ValidationError, match=r"^TrainingJobDefinitions\[1\]\.HyperParameterRanges\."
                                              r"ContinuousParameterRanges\[0\]\.MinValue: must be a string holding"):
        from_definitions_request(request)
    request = _request()
    request["TrainingJobDefinitions"][0]["StaticHyperParameters"]["num_round"] = 10
    with pytest.raises(ValidationError, match=r"^TrainingJobDefinitions\[0\]\.StaticHyperParameters"):
        from_definitions_request(request)
    request = _request()
    request["HyperParameterTuningJobConfig"]["ParameterRanges"] = {}
    with pytest.raises(ValidationError, match=r"ParameterRanges: with TrainingJobDefinitions, each definition has its "
                                              r"own ranges"):
        from_definitions_request(request)
    with pytest.raises(ValidationError, match=r"MaxNumberOfTrainingJobs: 1 training jobs cannot be shared out over 2 "
                                              r"definitions"):
        from_definitions_request(_request(max_jobs=1))
    with pytest.raises(ValidationError, match=r"TrainingJobDefinitions\[0\]\.DefinitionName: TuneLab runs each "
                                              r"definition as a tuning job named"):
        from_definitions_request(_request(name="a-tuning-job-name-of-thirty-one"))


def test_the_one_definition_reader_points_at_the_several_definition_path():
    # The Create page's form and from_sagemaker_request take one definition; the message says where several run.
    from tuning.sagemaker.request_json import from_sagemaker_request

    with pytest.raises(ValidationError, match=r"^TrainingJobDefinitions: a tuning job over several training job "
                                              r"definitions runs with `python -m tuning run FILE`"):
        from_sagemaker_request(_request())


def test_budget_is_shared_out_evenly_and_a_json_round_trip_is_exact():
    assert split_budget(10, 3) == [4, 3, 3] and split_budget(4, 2) == [2, 2] and split_budget(3, 3) == [1, 1, 1]
    config = from_definitions_request(_request(max_jobs=5, parallel=1))
    members = config.members()
    assert [(m.name, m.max_jobs, m.max_parallel_jobs) for _, m in members] == [
        ("bc-multi-xgboost", 3, 1), ("bc-multi-linear", 2, 1)]
    assert config.slots == 1  # fewer parallel slots than definitions: they take turns
    again = from_definitions_request(to_definitions_request(config))
    assert again.to_dict() == config.to_dict()
    assert TrainingJobDefinitionsConfig.from_dict(config.to_dict()).to_dict() == config.to_dict()
    # each definition is exactly the one-definition request it stands for
    single = to_sagemaker_request(config.definitions["linear"])
    assert single["TrainingJobDefinition"]["AlgorithmSpecification"]["TrainingImage"] == LL_IMAGE


SELF_KILLING_GROUP = """
import json, os, signal, sys
from tuning.store.database import Store
from tuning.sagemaker.definitions_json import from_definitions_request
from tuning.running.definitions_run import run_definitions
config = from_definitions_request(json.loads(sys.argv[2]))
finished = []
def callback(progress):
    finished.append(progress)
    if len(finished) >= int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)
run_definitions(config, Store(sys.argv[1]), callback=callback)
"""


def test_a_killed_run_resumes_losing_nothing_finished(tmp_path):
    # One parallel slot for two definitions: the members take turns. The process kills itself
    # once 4 of 6 training jobs have finished: the first definition's 3, and one of the second's.
    from tuning.store.database import Store

    db = tmp_path / "tunelab.db"
    request = _request(name="bc-kill", max_jobs=6, parallel=1)
    result = subprocess.run([sys.executable, "-c", SELF_KILLING_GROUP, str(db), json.dumps(request), "4"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    store = Store(db)
    store.mark_dead_runners()
    group = definitions_group(store, "bc-kill")
    assert group.status == "Interrupted"
    first, second = group.members["xgboost"], group.members["linear"]
    assert first.status == "Completed" and second.status == "Interrupted"
    kept_first = [(t.name, t.final_objective_value) for t in store.training_jobs(first.name)]
    kept_second = [(t.name, t.final_objective_value) for t in store.training_jobs(second.name)
                   if t.status == "Completed"]
    assert len(kept_first) == 3 and len(kept_second) >= 1
    resumed = resume_definitions("bc-kill", store)
    assert resumed.status == "Completed" and resumed.status_counters["Completed"] == 6
    assert [(t.name, t.final_objective_value) for t in store.training_jobs(first.name)] == kept_first  # untouched
    after = {t.name: t.final_objective_value for t in store.training_jobs(second.name)}
    assert all(after[name] == value for name, value in kept_second)
    # never more than MaxParallelTrainingJobs (1) at once: the second definition began after the first ended
    first_end = max(t.end_time for t in store.training_jobs(first.name))
    assert min(t.start_time for t in store.training_jobs(second.name)) >= first_end
    with pytest.raises(ValidationError, match="has nothing to resume"):
        resume_definitions("bc-kill", store)
    store.dispose()


def test_home_results_and_monitor_show_the_definitions_as_their_tuning_jobs_and_name_the_group():
    from streamlit.testing.v1 import AppTest

    from tuning.running.definitions_run import run_definitions
    from tuning.store.database import Store

    store = Store()  # $TUNELAB_HOME, as the app's
    group = run_definitions(from_definitions_request(_request(name="bc-page")), store)
    best = group.best_training_job()
    home = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not home.exception
    assert set(home.dataframe[0].value["HyperParameterTuningJobName"]) == {"bc-page-xgboost", "bc-page-linear"}
    for page in ("results", "monitor"):
        app = AppTest.from_file(f"../views/{page}.py", default_timeout=60)
        app.query_params["job"] = "bc-page-linear"
        app.run()
        assert not app.exception
        (note,) = [box.value for box in app.info if "Training job definition" in box.value]
        assert "**linear** of tuning job **bc-page** (2 definitions: xgboost, linear; Completed)" in note
        assert f"Best across the definitions: **{best['TrainingJobName']}** (definition " \
               f"{best['TrainingJobDefinitionName']})" in note


def test_the_target_objective_value_ends_the_whole_tuning_job(tmp_path, capsys):
    # API_TuningJobCompletionCriteria, TargetObjectiveMetricValue: "The value of the objective metric." Once a
    # training job reaches it the tuning job ends: here the first definition's first job reaches 0.5 AUC, and the
    # second definition (one parallel slot, so it waits its turn) is not run.
    from tuning.running.definitions_run import run_definitions
    from tuning.store.database import Store

    request = _request(name="bc-target", max_jobs=6, parallel=1)
    request["HyperParameterTuningJobConfig"]["TuningJobCompletionCriteria"] = {"TargetObjectiveMetricValue": 0.5}
    store = Store(tmp_path / "tunelab.db")
    group = run_definitions(from_definitions_request(request), store)
    assert group.status == "Completed" and group.target_reached
    assert group.members["linear"] is None  # never started: the tuning job had ended
    assert group.members["xgboost"].completion_reason.startswith("TargetObjectiveMetricValue")
    assert group.status_counters["Completed"] == 1
    with pytest.raises(ValidationError, match="has nothing to resume"):
        resume_definitions("bc-target", store)
    assert main(["--store", str(tmp_path / "tunelab.db"), "stop", "bc-target"]) == 2
    assert "'bc-target' has no definition running, so there is nothing to stop" in capsys.readouterr().err
    store.dispose()


def test_fit_without_waiting_runs_in_the_background_and_wait_gives_the_group(store):
    xgb = XGBoost(role="r")
    xgb.set_hyperparameters(num_round="5")
    linear = LinearLearner(role="r", predictor_type="binary_classifier")
    tuner = HyperparameterTuner.create({"xgb": xgb, "ll": linear}, {"xgb": "validation:auc", "ll": "validation:auc"},
                                       {"xgb": {"eta": ContinuousParameter(0.1, 0.5)},
                                        "ll": {"learning_rate": ContinuousParameter(0.01, 0.2)}},
                                       max_jobs=2, max_parallel_jobs=2, store=store)
    tuner.fit({"xgb": {"train": "breast_cancer"}, "ll": {"train": "breast_cancer"}}, job_name="bg-multi", wait=False)
    assert tuner.latest_tuning_job.name == "bg-multi"
    group = tuner.wait()
    assert group.status == "Completed" and group.status_counters["Completed"] == 2
    assert set(tuner.analytics().dataframe()["TrainingJobDefinitionName"]) == {"xgb", "ll"}
    with pytest.raises(ValidationError, match="nothing to stop"):
        tuner.stop_tuning_job()
