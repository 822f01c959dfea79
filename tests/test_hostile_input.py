"""Hostile input, on purpose: a catalogue of bad inputs across the API, the CLI, the JSON import and the UI.

Each case is one thing a student (or a stranger on the classroom network) could hand TuneLab:
a binary "CSV", a column named ``<script>``, a dataset called ``../../etc/passwd``, JSON
nested 100,000 levels deep, MaxNumberOfTrainingJobs of 10^9... For every case the test
checks that

- the refusal is a message naming what is wrong (key words, not whole sentences), short
  enough to read, and, in the CLI, one ``error:`` line with no traceback; in the dashboard
  an ``st.error`` and no exception element;
- a tuning job saved before the attempt is still there with the same training jobs
  (a real job, run once for the module, copied into each test's store);
- nothing was written outside the test's temporary folders, and a decoy file sitting where
  ``../../etc/passwd`` points from the working folder was neither read nor changed.

Run it: ``python -m pytest tests/test_hostile_input.py -q`` (the browser check is in
tests/test_browser_hostile.py).
"""

from __future__ import annotations

import ast
import io
import json
import os
import random
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from tuning import (
    CategoricalParameter,
    ContinuousParameter,
    IntegerParameter,
    Store,
    TuningJobConfig,
    ValidationError,
    prepare,
    run_tuning_job,
)

ROOT = Path(__file__).resolve().parent.parent
KEPT = "kept-job"  # the tuning job saved before every attempt
DECOY = "DECOY-SECRET-root:x:0:0"  # what ../../etc/passwd holds, seen from the test's working folder
MAX_MESSAGE = 1200  # a refusal is read by a person: no data dumps


# -- the world each case runs in ------------------------------------------------------------------
@pytest.fixture(scope="module")
def kept_home(tmp_path_factory) -> Path:
    """A real store holding one finished tuning job, made once; each test gets a copy."""
    home = tmp_path_factory.mktemp("kept-home")
    store = Store(home / "tunelab.db")
    run_tuning_job(TuningJobConfig(dataset="iris", algorithm="linear-learner", strategy="Random", max_jobs=2,
                                   random_seed=1, name=KEPT), store)
    store.dispose()
    return home


@dataclass
class World:
    home: Path  # $TUNELAB_HOME: the store, its artifacts, the uploads
    workdir: Path  # the current folder; ../../etc/passwd from here is the decoy
    decoy: Path

    def store(self) -> Store:
        return Store(self.home / "tunelab.db")


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in folder.rglob("*") if path.is_file()}


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


def _saved(store: Store) -> list[tuple]:
    """Every tuning job and training job in the store, as comparable rows."""
    rows = []
    for job in store.list_tuning_jobs():
        rows.append((job.name, job.status, job.best_training_job))
        rows += [(t.name, t.status, t.final_objective_value) for t in store.training_jobs(job.name)]
    return sorted(rows, key=str)


@pytest.fixture
def world(request, tmp_path, kept_home, monkeypatch) -> World:
    """A copy of the kept store in $TUNELAB_HOME, a deep working folder, a decoy passwd; and,
    after the case, the checks that nothing saved was lost and nothing was written elsewhere."""
    home = tmp_path / "home"
    shutil.copytree(kept_home, home)
    workdir = tmp_path / "work" / "deep"
    workdir.mkdir(parents=True)
    decoy = tmp_path / "work" / ".." / "etc" / "passwd"
    decoy.parent.mkdir()
    decoy.write_text(DECOY + "\n")
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("TUNELAB_HOME", str(home))
    store = Store(home / "tunelab.db")
    before, outside, status = _saved(store), _files(tmp_path), _git_status()
    store.dispose()
    passwd = Path("/etc/passwd").stat().st_mtime_ns
    yield World(home, workdir, decoy.resolve())
    store = Store(home / "tunelab.db")
    assert _saved(store) == before, "a tuning job saved before the attempt changed"
    assert (home / "artifacts" / KEPT).is_dir(), "the saved job's artifacts are gone"
    store.dispose()
    after = _files(tmp_path)
    written = {path for path in set(after) - set(outside) | {p for p in outside if after.get(p) != outside[p]}
               if not Path(path).name.startswith("tunelab.db")}  # SQLite's own journal files
    written -= {path for path in written if path.startswith("work/deep/") and path.endswith(".json")}  # CLI inputs
    if request.node.originalname == "test_odd_but_usable_files_are_kept_as_plain_text":
        written -= {"home/datasets/odd.csv", "home/datasets/odd.json"}  # saved on purpose, checked by the test
    assert written == set(), f"files written or changed: {sorted(written)}"
    assert decoy.read_text() == DECOY + "\n"
    assert _git_status() == status, "the attempt wrote into the repository"
    assert Path("/etc/passwd").stat().st_mtime_ns == passwd


def _check_message(message: str, keywords: tuple[str, ...]) -> None:
    for word in keywords:
        assert word in message, f"{word!r} not in the message: {message}"
    assert DECOY not in message, "the message shows the decoy's content: the file was read"
    assert len(message) < MAX_MESSAGE, f"a {len(message):,}-character message: {message[:300]}..."


def _refusal(action: Callable[[], Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        action()
    return str(caught.value)


# -- 1. Python API: uploading a dataset ------------------------------------------------------------
def _random_bytes(count: int, *, nul: bool) -> bytes:
    generator = random.Random(6)
    data = bytes(generator.randrange(256) for _ in range(count))
    return data if nul else data.replace(b"\x00", b"\x01")


UPLOADS = {  # id: (file bytes, keyword arguments of save_uploaded_dataset, key words of the message)
    "png-image": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _random_bytes(500, nul=True), {}, ("binary data", "CSV UTF-8")),
    "zip-archive": (b"PK\x03\x04\x14\x00\x00\x00" + _random_bytes(500, nul=True), {}, ("binary data",)),
    "random-bytes-no-nul": (_random_bytes(3000, nul=False), {}, ("not UTF-8", "byte")),
    "utf-16-text": ("size,price\n1,2\n3,4\n".encode("utf-16"), {}, ("UTF-16", "CSV UTF-8")),
    "latin-1-text": ("café,prix\n1,2\n3,4\n".encode("latin-1"), {}, ("not UTF-8", "0xe9")),
    "empty-file": (b"", {}, ("empty",)),
    "only-blank-lines": (b"\n\n \n", {}, ("empty",)),
    "past-the-upload-cap": (b"a,y\n" + b"1,0\n" * 300, {"max_bytes": 1000}, ("MB", "upload limit", "sample")),
    "one-column": (b"only\n1\n2\n3\n", {}, ("single column", "';'")),
    "header-only": (b"a,y\n", {}, ("no data rows",)),
    "duplicate-column-names": (b"a,a,y\n1,2,0\n3,4,1\n", {}, ("duplicate column names", "'a'", "Rename")),
    "duplicate-after-stripping": (b"a, a ,y\n1,2,0\n3,4,1\n", {}, ("duplicate column names", "'a'")),
    "column-name-of-10000-chars": (b"x" * 10_000 + b",y\n1,0\n2,1\n", {}, ("10,000 characters", "256")),
    "ragged-rows": (b"a,y\n1,0,5,6\n2,1\n", {}, ("4 values", "header names only 2")),
    "unclosed-quote": (b'a,y\n"1,0\n2,1\n3,0\n', {}, ("could not be read as CSV",)),
    "inf-in-a-feature": (b"a,y\ninf,0\n2,1\n3,0\n", {}, ("'a'", "infinite", "finite")),
    "-inf-in-the-target": (b"a,y\n1,-inf\n2,0.5\n3,1.5\n", {}, ("'y'", "infinite")),
    "nan-in-every-target-cell": (b"a,y\n1,NaN\n2,nan\n3,\n", {}, ("'y'", "no values")),
    "target-with-one-class": (b"a,y\n1,yes\n2,yes\n3,yes\n", {}, ("single class", "'yes'", "at least 2 classes")),
    "regression-target-constant": (b"a,y\n1,1.5\n2,1.5\n3,1.5\n", {"problem_type": "Regression"},
                                   ("same value", "1.5", "nothing to predict")),
    "problem-type-unknown": (b"a,y\n1,0\n2,1\n", {"problem_type": "Clustering"}, ("unknown problem_type", "Regression")),
    "target-not-a-column": (b"a,y\n1,0\n2,1\n", {"target": "<script>"}, ("not one of its columns", "'a', 'y'")),
    "dataset-name-path-traversal": (b"a,y\n1,0\n2,1\n", {"name": "../../etc/passwd"}, ("not usable", "lowercase")),
    "dataset-name-script-tag": (b"a,y\n1,0\n2,1\n", {"name": "<script>alert(1)</script>"}, ("not usable",)),
    "dataset-name-of-a-bundled-one": (b"a,y\n1,0\n2,1\n", {"name": "iris"}, ("bundled dataset", "iris-mine")),
    "dataset-name-not-a-string": (b"a,y\n1,0\n2,1\n", {"name": ["x"]}, ("not usable",)),
    "data-not-bytes": ("a,y\n1,0\n", {}, ("bytes", "str")),
}


@pytest.mark.parametrize(("data", "options", "keywords"), list(UPLOADS.values()), ids=list(UPLOADS))
def test_the_upload_api_refuses_hostile_files(world, data, options, keywords):
    from tuning.datasets.uploads import list_uploaded_datasets, save_uploaded_dataset

    options = {"name": "my-upload", **options}
    message = _refusal(lambda: save_uploaded_dataset(data, original_name="../../etc/passwd.csv", **options))
    _check_message(message, keywords)
    assert list_uploaded_datasets() == []
    assert not (world.home / "datasets").exists() or not any((world.home / "datasets").iterdir())


def test_the_server_caps_uploads_where_the_engine_does():
    """Streamlit refuses bigger uploads before any Python runs; the engine's cap and message agree."""
    import tomllib

    from tuning.datasets.uploads import UPLOAD_MAX_MB

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == UPLOAD_MAX_MB


ODD_BUT_USABLE = {  # id: (file bytes, what must be kept exactly, a note's key words or None)
    "unicode-column-names": ("Größe,名前,ÿ-ß,y\n1,a,2,0\n2,b,3,1\n3,a,4,0\n4,b,5,1\n".encode(),
                             ["Größe", "名前", "ÿ-ß"], None),
    "script-tag-column-name": (b"<script>window.__pwned=1</script>,<img src=x onerror=alert(1)>,y\n1,2,0\n2,3,1\n3,4,0\n",
                               ["<script>window.__pwned=1</script>", "<img src=x onerror=alert(1)>"], None),
    "empty-header-cells": (b",,y\n1,2,0\n3,4,1\n5,6,0\n", ["column_1", "column_2"], "has no name in the header"),
    "nan-in-features": (b"a,b,y\nNaN,1,0\n,2,1\nnan,3,0\n4,4,1\n", ["a", "b"], "missing values in feature column"),
}


@pytest.mark.parametrize(("data", "columns", "note"), list(ODD_BUT_USABLE.values()), ids=list(ODD_BUT_USABLE))
def test_odd_but_usable_files_are_kept_as_plain_text(world, data, columns, note):
    """Names are data, not markup: kept character for character, and saved only in the uploads folder."""
    from tuning.datasets import load_dataset
    from tuning.datasets.uploads import save_uploaded_dataset

    saved = save_uploaded_dataset(data, name="odd", original_name="../../etc/passwd.csv")
    assert list(saved.features.columns) == columns
    assert list(load_dataset("odd").features.columns) == columns
    if note:
        assert any(note in line for line in saved.notes), saved.notes
    assert sorted(path.name for path in (world.home / "datasets").iterdir()) == ["odd.csv", "odd.json"]
    assert json.loads((world.home / "datasets" / "odd.json").read_text())["original_name"] == "../../etc/passwd.csv"
    # The world fixture then checks that these two files are the only ones written.


# -- 2. Python API: configurations, ranges, the tuner ----------------------------------------------
def _config(**changes: Any) -> Callable[[], Any]:
    base = {"dataset": "iris", "algorithm": "xgboost", "max_jobs": 2, "strategy": "Random"}
    return lambda: prepare(TuningJobConfig(**{**base, **changes}), store=Store())


def _grid_of_millions() -> Callable[[], Any]:
    ranges = {name: ContinuousParameter(0.1, 0.9) for name in ("eta", "subsample", "colsample_bytree")}
    ranges["max_depth"] = IntegerParameter(1, 10)
    return _config(strategy="Grid", max_jobs=None, hyperparameter_ranges=ranges, strategy_config={"GridPoints": 100})


def _tuner(**changes: Any) -> Callable[[], Any]:
    def build() -> Any:
        from tuning import HyperparameterTuner
        from tuning.sagemaker.estimators import XGBoost

        return HyperparameterTuner(XGBoost(), "validation:accuracy", {"eta": ContinuousParameter(0.1, 0.5)},
                                   **changes)
    return build


CONFIGS = {  # id: (the call, key words of the message)
    "max-jobs-0": (_config(max_jobs=0), ("MaxNumberOfTrainingJobs", "from 1 to 100,000", "0")),
    "max-jobs-minus-1": (_config(max_jobs=-1), ("MaxNumberOfTrainingJobs", "-1")),
    "max-jobs-10**9": (_config(max_jobs=10**9), ("MaxNumberOfTrainingJobs", "1000000000")),
    "max-jobs-True": (_config(max_jobs=True), ("MaxNumberOfTrainingJobs", "whole number", "True")),
    "max-jobs-string-5": (_config(max_jobs="5"), ("MaxNumberOfTrainingJobs", "whole number", "'5'")),
    "max-jobs-1.5": (_config(max_jobs=1.5), ("MaxNumberOfTrainingJobs", "1.5")),
    "max-jobs-nan": (_config(max_jobs=float("nan")), ("MaxNumberOfTrainingJobs", "nan")),
    "max-parallel-0": (_config(max_parallel_jobs=0), ("MaxParallelTrainingJobs", "from 1 to 100")),
    "max-parallel-100000": (_config(max_parallel_jobs=100_000), ("MaxParallelTrainingJobs", "100000")),
    "tuner-max-jobs-0": (_tuner(max_jobs=0), ("max_jobs", "MaxNumberOfTrainingJobs")),
    "tuner-max-parallel-10**9": (_tuner(max_parallel_jobs=10**9), ("max_parallel_jobs", "1000000000")),
    "range-min-above-max": (lambda: ContinuousParameter(0.5, 0.1), ("min_value < max_value", "Swap")),
    "range-min-equals-max": (lambda: IntegerParameter(3, 3), ("min_value < max_value", "static")),
    "log-scaling-min-0": (lambda: ContinuousParameter(0, 1, "Logarithmic"), ("Logarithmic", "min_value > 0", "Linear")),
    "log-scaling-negative": (lambda: IntegerParameter(-5, 10, "Logarithmic"), ("Logarithmic", "-5")),
    "reverse-log-above-1": (lambda: ContinuousParameter(0.5, 2, "ReverseLogarithmic"), ("ReverseLogarithmic", "< 1")),
    "range-nan-bound": (lambda: ContinuousParameter(float("nan"), 1), ("finite", "nan")),
    "range-inf-bound": (lambda: ContinuousParameter(0, float("inf")), ("finite", "inf")),
    "range-string-bound": (lambda: ContinuousParameter("0", 1), ("must be a number", "'0'")),
    "scaling-unknown": (lambda: ContinuousParameter(0, 1, "Quadratic"), ("unknown scaling type", "Logarithmic")),
    "categorical-no-values": (lambda: CategoricalParameter([]), ("must not be empty",)),
    "categorical-duplicates": (lambda: CategoricalParameter(["gbtree", "gbtree"]), ("distinct", "'gbtree'")),
    "categorical-10000-values": (lambda: CategoricalParameter([str(i) for i in range(10_000)]),
                                 ("at most 30", "10000")),
    "categorical-a-string": (lambda: CategoricalParameter("gbtree"), ("must be a list",)),
    "hyperparameter-not-of-the-algorithm": (_config(hyperparameter_ranges={"n_neighbors": IntegerParameter(1, 5)}),
                                            ("n_neighbors", "eta")),
    "range-outside-the-algorithm": (_config(hyperparameter_ranges={"eta": ContinuousParameter(0.1, 100)}),
                                    ("'eta'", "valid in")),
    "grid-of-millions": (_grid_of_millions(), ("10000000 combinations", "100000", "GridPoints")),
    "grid-points-10**9": (_config(strategy="Grid", max_jobs=None, strategy_config={"GridPoints": 10**9},
                                  hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)}),
                          ("GridPoints", "from 2 to 100000")),
    "job-name-with-slash": (_config(name="a/b"), ("tuning job name", "'a/b'", "32 letters")),
    "job-name-dot-dot": (_config(name=".."), ("tuning job name", "'..'")),
    "job-name-with-spaces": (_config(name="my job"), ("tuning job name", "'my job'")),
    "job-name-200-chars": (_config(name="x" * 200), ("tuning job name", "1 to 32")),
    "job-name-script-tag": (_config(name="<script>alert(1)</script>"), ("tuning job name", "<script>")),
    "job-name-already-saved": (_config(name=KEPT), ("already exists", KEPT)),
    "dataset-name-path-traversal": (_config(dataset="../../etc/passwd"), ("unknown dataset", "'../../etc/passwd'")),
    "dataset-absolute-path-no-csv": (_config(dataset="/etc/passwd"), ("unknown dataset",)),
    "dataset-csv-path-missing": (_config(dataset="../../etc/passwd.csv"), ("no file at",)),
    "static-hyperparameter-nan": (_config(static_hyperparameters={"eta": float("nan")}), ("'eta'",)),
    "static-hyperparameter-unknown": (_config(static_hyperparameters={"<script>": 1}), ("'<script>'",)),
    "strategy-config-unknown-field": (_config(strategy_config={"Bogus": 1}), ("unknown field", "Bogus")),
    "validation-fraction-nan": (_config(validation_fraction=float("nan")), ("validation_fraction",)),
}


@pytest.mark.parametrize(("action", "keywords"), list(CONFIGS.values()), ids=list(CONFIGS))
def test_the_tuning_api_refuses_hostile_configurations(world, action, keywords):
    _check_message(_refusal(action), keywords)


# -- 3. JSON import: TuneLab's JSON and SageMaker's CreateHyperParameterTuningJob ----------------------
def _sagemaker(**changes: Any) -> dict[str, Any]:
    request = {
        "HyperParameterTuningJobName": "from-aws",
        "HyperParameterTuningJobConfig": {
            "Strategy": "Random",
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:accuracy"},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1},
            "ParameterRanges": {"ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5"}]},
        },
        "TrainingJobDefinition": {
            "AlgorithmSpecification": {"TrainingImage": "tunelab/knn:latest", "TrainingInputMode": "File"},
            "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": "tunelab://dataset/iris"}}}],
        },
    }
    for path, value in changes.items():
        target = request
        *parents, last = path.split(".")
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[last] = value
    return request


def _text(data: Any) -> str:
    return json.dumps(data)


RANGES = "HyperParameterTuningJobConfig.ParameterRanges"
LIMITS = "HyperParameterTuningJobConfig.ResourceLimits"
S3 = "TrainingJobDefinition.InputDataConfig.0.DataSource.S3DataSource.S3Uri"
JSON_CASES = {  # id: (the text or bytes, key words of the message)
    "not-json-at-all": ("Dataset: iris\nMaxJobs: 5", ("not valid JSON",)),
    "binary-bytes": (b"\x89PNG\r\n\x1a\n\x00\x00" + _random_bytes(200, nul=True), ("binary data",)),
    "utf-16-json": ('{"Dataset": "iris"}'.encode("utf-16"), ("binary data",)),
    "latin-1-json": ('{"Dataset": "café"}'.encode("latin-1"), ("not UTF-8", "0xe9")),
    "empty": ("   ", ("empty",)),
    "nested-100000-deep": ("[" * 100_000 + "]" * 100_000, ("nested 100,000 levels deep", "64")),
    "integer-of-5000-digits": ('{"Dataset": "iris", "ResourceLimits": {"MaxNumberOfTrainingJobs": '
                               + "9" * 5000 + "}}", ("could not be read as JSON", "digits")),
    "over-5-MiB": ('{"Dataset": "iris", "Pad": "' + "x" * (5 * 2**20) + '"}', ("5,242,880",)),
    "a-list-not-an-object": ("[1, 2, 3]", ("must be a JSON object", "list")),
    "tunelab-unknown-field": (_text({"Dataset": "iris", "MaxJobs": 5}), ("MaxJobs", "unknown field")),
    "tunelab-max-jobs-string": (_text({"Dataset": "iris", "ResourceLimits": {"MaxNumberOfTrainingJobs": "5"}}),
                                ("ResourceLimits.MaxNumberOfTrainingJobs", "'5'")),
    "tunelab-max-jobs-nan": ('{"Dataset": "iris", "ResourceLimits": {"MaxNumberOfTrainingJobs": NaN}}',
                             ("MaxNumberOfTrainingJobs", "nan")),
    "tunelab-ranges-a-list": (_text({"Dataset": "iris", "HyperparameterRanges": [1, 2]}),
                              ("HyperparameterRanges", "must be a JSON object")),
    "tunelab-range-type-nested-junk": (_text({"Dataset": "iris", "HyperparameterRanges": {"eta": {
        "Type": {"a": [{"b": [1]}]}, "MinValue": 0, "MaxValue": 1}}}), ("'eta'", "Type must be Continuous")),
    "tunelab-strategy-a-list": (_text({"Dataset": "iris", "Strategy": ["Grid"]}), ("Strategy", "must be a string")),
    "tunelab-max-resource-string": (_text({"Dataset": "iris", "Strategy": "Hyperband",
                                           "StrategyConfig": {"MaxResource": "x"}}), ("MaxResource", "whole number")),
    "tunelab-max-resource-infinity": ('{"Dataset": "iris", "StrategyConfig": {"MaxResource": Infinity}}',
                                      ("MaxResource", "inf")),
    "tunelab-grid-points-string": (_text({"Dataset": "iris", "StrategyConfig": {"GridPoints": "many"}}),
                                   ("GridPoints", "whole number")),
    "tunelab-name-script-tag": (_text({"Dataset": "iris", "TuningJobName": "<script>alert(1)</script>"}),
                                ("TuningJobName", "not valid")),
    "tunelab-dataset-nested-junk": (_text({"Dataset": {"Path": {"a": [1]}}}), ("Dataset.Path", "path of a CSV")),
    "sagemaker-unknown-field": (_text(_sagemaker(**{"HyperParameterTuningJobConfig.Bogus": 1})), ("Bogus",)),
    "sagemaker-max-jobs-True": (_text(_sagemaker(**{f"{LIMITS}.MaxNumberOfTrainingJobs": True})),
                                ("MaxNumberOfTrainingJobs", "True")),
    "sagemaker-max-jobs-string": (_text(_sagemaker(**{f"{LIMITS}.MaxNumberOfTrainingJobs": "5"})),
                                  ("MaxNumberOfTrainingJobs", "'5'")),
    "sagemaker-max-jobs-10**9": (_text(_sagemaker(**{f"{LIMITS}.MaxNumberOfTrainingJobs": 10**9})),
                                 ("MaxNumberOfTrainingJobs", "1000000000")),
    "sagemaker-max-parallel-0": (_text(_sagemaker(**{f"{LIMITS}.MaxParallelTrainingJobs": 0})),
                                 ("MaxParallelTrainingJobs",)),
    "sagemaker-bound-NaN": (_text(_sagemaker(**{f"{RANGES}.ContinuousParameterRanges.0.MinValue": "NaN"})),
                            ("ContinuousParameterRanges[0].MinValue",)),
    "sagemaker-bound-a-list": (_text(_sagemaker(**{f"{RANGES}.ContinuousParameterRanges.0.MinValue": [1]})),
                               ("ContinuousParameterRanges[0].MinValue", "must be a string")),
    "sagemaker-ranges-an-object": (_text(_sagemaker(**{f"{RANGES}.ContinuousParameterRanges": {"a": 1}})),
                                   ("ContinuousParameterRanges",)),
    "sagemaker-s3uri-path-traversal": (_text(_sagemaker(**{S3: "tunelab://dataset/../../etc/passwd"})),
                                       ("S3Uri", "names a dataset by a path")),
    "sagemaker-s3uri-encoded-traversal": (_text(_sagemaker(**{S3: "tunelab://dataset/..%2F..%2Fetc%2Fpasswd.csv"})),
                                          ("S3Uri", "names a dataset by a path")),
    "sagemaker-s3-uri": (_text(_sagemaker(**{S3: "s3://bucket/train.csv"})), ("S3Uri", "tunelab://dataset/")),
    "sagemaker-config-a-string": (_text(_sagemaker(HyperParameterTuningJobConfig="x")),
                                  ("HyperParameterTuningJobConfig",)),
}


@pytest.mark.parametrize(("text", "keywords"), list(JSON_CASES.values()), ids=list(JSON_CASES))
def test_the_json_import_refuses_hostile_documents(world, text, keywords):
    from tuning.json_input import parse_json
    from tuning.sagemaker.request_json import read_tuning_job_json

    _check_message(_refusal(lambda: read_tuning_job_json(parse_json(text, "the JSON"))), keywords)


def test_a_dataset_name_read_from_json_is_never_a_path(world):
    """'../../etc/passwd' as a JSON Dataset is a name: looked up, refused, the decoy never opened."""
    from tuning.sagemaker.request_json import read_tuning_job_json

    config = read_tuning_job_json({"Dataset": "../../etc/passwd", "ResourceLimits": {"MaxNumberOfTrainingJobs": 1}})
    _check_message(_refusal(lambda: prepare(config)), ("unknown dataset", "'../../etc/passwd'"))


# -- 4. CLI: python -m tuning run, with files made to break it ------------------------------------------
def _cli(world: World, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TUNELAB_HOME": str(world.home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tuning", *args], cwd=world.workdir, env=env,
                          capture_output=True, text=True, timeout=120)


CLI_CASES = {  # id: (the config file's bytes, an extra CSV file's bytes or None, extra arguments, key words)
    "config-is-binary": (b"\x00\x01\x02PK\x03\x04" + _random_bytes(300, nul=True), None, (), ("binary data",)),
    "config-nested-100000-deep": (b"[" * 100_000 + b"]" * 100_000, None, (), ("nested", "levels deep")),
    "config-integer-of-5000-digits": (b'{"Dataset": "iris", "RandomSeed": ' + b"7" * 5000 + b"}", None, (),
                                      ("could not be read as JSON",)),
    "config-unknown-field": (b'{"Dataset": "iris", "Evil": true}', None, (), ("Evil", "unknown field")),
    "config-max-jobs-0": (b'{"Dataset": "iris", "ResourceLimits": {"MaxNumberOfTrainingJobs": 0}}', None, (),
                          ("MaxNumberOfTrainingJobs",)),
    "dataset-name-path-traversal": (b'{"Dataset": "../../etc/passwd"}', None, (), ("unknown dataset",)),
    "csv-is-binary": (b'{"Dataset": {"Path": "data.csv"}}', b"\x89PNG\r\n\x1a\n\x00" + _random_bytes(200, nul=True),
                      (), ("data.csv", "binary data")),
    "csv-has-inf": (b'{"Dataset": {"Path": "data.csv", "Target": "y"}}', b"a,y\n1,0\ninf,1\n3,0\n", (),
                    ("'a'", "infinite")),
    "csv-one-class": (b'{"Dataset": {"Path": "data.csv", "Target": "y"}}', b"a,y\n1,no\n2,no\n3,no\n", (),
                      ("single class",)),
    "name-option-script-tag": (b'{"Dataset": "iris"}', None, ("--name", "<script>alert(1)</script>"),
                               ("tuning job name",)),
    "name-option-already-saved": (b'{"Dataset": "iris", "ResourceLimits": {"MaxNumberOfTrainingJobs": 1}}', None,
                                  ("--name", KEPT), ("already exists",)),
    "grid-of-millions": (json.dumps({"Dataset": "iris", "Strategy": "Grid", "StrategyConfig": {"GridPoints": 1000},
                                     "ResourceLimits": {"MaxNumberOfTrainingJobs": None},
                                     "HyperparameterRanges": {name: {"Type": "Continuous", "MinValue": 0.1,
                                                                     "MaxValue": 0.9}
                                                              for name in ("eta", "subsample", "colsample_bytree")},
                                     }).encode(), None, (), ("1000000000 combinations",)),
}


@pytest.mark.parametrize(("config", "csv", "extra", "keywords"), list(CLI_CASES.values()), ids=list(CLI_CASES))
def test_the_cli_refuses_hostile_files_in_one_line(world, config, csv, extra, keywords):
    (world.workdir / "job.json").write_bytes(config)
    if csv is not None:
        (world.workdir / "data.csv").write_bytes(csv)
    result = _cli(world, "run", "--quiet", "job.json", *extra)
    if csv is not None:
        (world.workdir / "data.csv").unlink()  # the test's own input, not a write by TuneLab
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    _check_message(lines[0], keywords)


CLI_COMMANDS = {  # id: (arguments, key words); a file named notes.txt holding text sits in the working folder
    "show-path-traversal": (("show", "../../etc/passwd"), ("no tuning job named '../../etc/passwd'", KEPT)),
    "export-script-tag": (("export", "<script>alert(1)</script>"), ("no tuning job named",)),
    "serve-path-traversal": (("serve", "../../etc/passwd", "--port", "0"), ("no tuning job named",)),
    "stop-path-traversal": (("stop", "../../etc/passwd"), ("no tuning job named",)),
    "store-is-a-text-file": (("--store", "notes.txt", "list"), ("cannot open the store", "not a database")),
    "store-is-a-folder": (("--store", "..", "list"), ("cannot open the store",)),
}


@pytest.mark.parametrize(("arguments", "keywords"), list(CLI_COMMANDS.values()), ids=list(CLI_COMMANDS))
def test_other_cli_commands_refuse_hostile_names_in_one_line(world, arguments, keywords):
    notes = world.workdir / "notes.txt"
    notes.write_text("not a database\n")
    result = _cli(world, *arguments)
    assert notes.read_text() == "not a database\n"
    notes.unlink()  # the test's own input
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    _check_message(lines[0], keywords)


# -- 5. The dashboard: the Datasets page's upload and the Create page's import ------------------------------
def _page(path: str):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    return app.switch_page(path).run()


def _page_message(app) -> str:  # noqa: ANN001 - an AppTest
    assert not app.exception, app.exception
    assert app.error, "no st.error shown"
    return "\n".join(element.value for element in app.error)


UPLOAD_PAGE = {  # id: (file name, bytes, key words of the st.error)
    "binary-file": ("photo.csv", b"\x89PNG\r\n\x1a\n\x00" + _random_bytes(400, nul=True), ("binary data",)),
    "utf-16-file": ("excel.csv", "a,y\n1,0\n2,1\n".encode("utf-16"), ("UTF-16",)),
    "duplicate-columns": ("dup.csv", b"a, a,y\n1,2,0\n3,4,1\n", ("duplicate column names",)),
    "column-name-of-10000-chars": ("long.csv", b"x" * 10_000 + b",y\n1,0\n2,1\n", ("10,000 characters",)),
    "inf-in-the-target": ("inf.csv", b"a,y\n1,inf\n2,1.5\n3,2.5\n", ("'y'", "infinite")),
    "one-class": ("one.csv", b"a,y\n1,yes\n2,yes\n3,yes\n", ("single class",)),
    "file-name-path-traversal-then-bad-name": ("../../etc/passwd.csv", b"a,y\n1,0\n2,1\n", ("not usable",)),
}


@pytest.mark.parametrize(("file_name", "data", "keywords"), list(UPLOAD_PAGE.values()), ids=list(UPLOAD_PAGE))
def test_the_upload_page_shows_why_and_saves_nothing(world, file_name, data, keywords):
    from tuning.datasets.uploads import list_uploaded_datasets

    app = _page("views/datasets.py")
    app.file_uploader[0].set_value((file_name, data, "text/csv")).run()
    assert not app.exception, app.exception
    if "not usable" in keywords:  # the page's own slug is safe ('etc-passwd'): type a hostile name instead
        name_box = next(box for box in app.text_input if box.key and box.key.startswith("upload.name."))
        assert name_box.value == "etc-passwd"
        name_box.set_value("../../etc/passwd").run()
    app.button(key="upload.save").click().run()
    _check_message(_page_message(app), keywords)
    assert list_uploaded_datasets() == []


def test_the_upload_page_refuses_a_file_past_the_cap_before_reading_it(world, monkeypatch):
    from tuning.datasets.uploads import list_uploaded_datasets

    monkeypatch.setattr("tuning.datasets.uploads.UPLOAD_MAX_MB", 1)
    app = _page("views/datasets.py")
    app.file_uploader[0].set_value(("big.csv", b"a,y\n" + b"1,0\n" * 300_000, "text/csv")).run()
    _check_message(_page_message(app), ("big.csv", "1.1 MB", "over the 1 MB limit"))
    assert not [button for button in app.button if button.key == "upload.save"]
    assert list_uploaded_datasets() == []


IMPORT_PAGE = {  # id: (pasted text, or bytes given as an uploaded .json file; key words of the st.error)
    "nested-100000-deep": ("[" * 100_000 + "]" * 100_000, ("Cannot import it", "levels deep")),
    "integer-of-5000-digits": ('{"Dataset": "iris", "RandomSeed": ' + "7" * 5000 + "}", ("could not be read as JSON",)),
    "binary-json-file": (b"\x00\x01PK\x03\x04" + _random_bytes(300, nul=True), ("binary data",)),
    "max-resource-string": (_text({"Dataset": "iris", "Strategy": "Hyperband", "StrategyConfig": {"MaxResource": "x"}}),
                            ("MaxResource", "whole number")),
    "grid-points-string": (_text({"Dataset": "iris", "Strategy": "Grid", "StrategyConfig": {"GridPoints": "x"}}),
                           ("GridPoints", "whole number")),
    "dataset-path-traversal": (_text({"Dataset": "../../etc/passwd"}), ("this page tunes the bundled",)),
    "dataset-csv-path": (_text({"Dataset": {"Path": "../../etc/passwd.csv"}}), ("this page tunes the bundled",)),
    "job-name-script-tag": (_text({"Dataset": "iris", "TuningJobName": "<script>window.__pwned=1</script>"}),
                            ("TuningJobName", "not valid")),
    "max-jobs-10**9": (_text({"Dataset": "iris", "ResourceLimits": {"MaxNumberOfTrainingJobs": 10**9}}),
                       ("MaxNumberOfTrainingJobs",)),
}


@pytest.mark.parametrize(("text", "keywords"), list(IMPORT_PAGE.values()), ids=list(IMPORT_PAGE))
def test_the_create_page_import_shows_why_and_changes_nothing(world, text, keywords):
    app = _page("views/create.py")
    before = app.selectbox(key="create.dataset").value
    if isinstance(text, bytes):
        app.file_uploader(key="create.import_file").set_value(("job.json", text, "application/json")).run()
    else:
        app.text_area(key="create.import_text").set_value(text)
    app = app.button(key="create.import").click().run()
    _check_message(_page_message(app), keywords)
    assert app.selectbox(key="create.dataset").value == before


def test_an_imported_grid_points_object_is_noted_not_a_crash(world):
    """Per-range GridPoints is valid JSON the page's one number cannot show: a note, not an exception."""
    app = _page("views/create.py")
    app.text_area(key="create.import_text").set_value(_text({
        "Dataset": "iris", "Strategy": "Grid", "StrategyConfig": {"GridPoints": {"eta": 3}},
        "HyperparameterRanges": {"eta": {"Type": "Continuous", "MinValue": 0.1, "MaxValue": 0.5}}}))
    app = app.button(key="create.import").click().run()
    assert not app.exception, app.exception
    assert any("GridPoints" in warning.value and "not shown here" in warning.value for warning in app.warning)


# -- 6. Nothing is rendered as HTML ---------------------------------------------------------------------
def _python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def _constant_styles(tree: ast.Module) -> set[str]:
    """Module-level names bound to a plain string constant that is only a <style> block."""
    styles = set()
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            text = node.value.value.strip()
            if text.startswith("<style>") and text.endswith("</style>") and text.count("<") == 2:
                styles.add(node.targets[0].id)
    return styles


def _style_only_markdown(node: ast.AST, styles: set[str]) -> bool:
    """``st.markdown(NAME, unsafe_allow_html=True)`` or ``st.markdown(A if c else B, ...)`` where each
    name is a constant <style> block: the page's own CSS (presenter mode), which no user text can
    reach. (``st.markdown``, not ``st.html``: Streamlit loads st.html's renderer lazily, and its
    first render may hold up a page's drawing; views/presenter.py says more.)"""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "markdown"
            and len(node.args) == 1 and len(node.keywords) == 1):
        return False
    keyword = node.keywords[0]
    if not (keyword.arg == "unsafe_allow_html" and isinstance(keyword.value, ast.Constant)
            and keyword.value.value is True):
        return False
    argument = node.args[0]
    names = [argument.body, argument.orelse] if isinstance(argument, ast.IfExp) else [argument]
    return all(isinstance(name, ast.Name) and name.id in styles for name in names)


def test_no_page_renders_raw_html():
    """No unsafe_allow_html=True, st.html or components.html anywhere in the dashboard, except
    st.markdown of the page's own constant <style> blocks (no user text can reach them)."""
    found = []
    for path in [*_python_files("views"), ROOT / "app.py"]:
        tree = ast.parse(path.read_text())
        styles = _constant_styles(tree)
        allowed = {id(node.keywords[0]) for node in ast.walk(tree) if _style_only_markdown(node, styles)}
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html" and id(node) not in allowed:
                if not (isinstance(node.value, ast.Constant) and node.value.value is False):
                    found.append(f"{path.name}:{node.value.lineno} unsafe_allow_html")
            if isinstance(node, ast.Attribute) and node.attr == "html":
                found.append(f"{path.name}:{node.lineno} .html")
            if isinstance(node, (ast.Import, ast.ImportFrom)) and "components" in ast.unparse(node):
                found.append(f"{path.name}:{node.lineno} streamlit components")
    assert found == []


@pytest.mark.parametrize(("text", "shown"), [
    ("<script>window.__pwned=1</script>", "\\<script>window.__pwned=1\\</script>"),
    ("<img src=x onerror=window.__pwned=1>", "\\<img src=x onerror=window.__pwned=1>"),
    ("![pixel](http://198.51.100.1/x.png)", "![pixel\\](http://198.51.100.1/x.png)"),
    ("[click](javascript:alert(1))", "[click\\](javascript:alert(1))"),
    ("$x^2$ **bold** `code` ~~gone~~", "\\$x^2\\$ \\*\\*bold\\*\\* \\`code\\` \\~\\~gone\\~\\~"),
    (":red[alarm] &lt;", ":red\\[alarm] \\&lt;"),
    ("MinResource < MaxResource, eta in [0.1, 1], max_jobs", "MinResource < MaxResource, eta in [0.1, 1], max_jobs"),
], ids=["script", "img-onerror", "markdown-image", "javascript-link", "latex-bold-code-strike", "directive-entity",
        "ordinary-messages-unchanged"])
def test_user_text_is_escaped_only_where_markdown_would_act(text, shown):
    from views.shared import literal

    assert literal(text) == shown


# -- 7. Model files cannot run code, and nothing is unpickled -----------------------------------------------
def _tampered(blob: bytes) -> bytes:
    """A skops file whose schema now asks for os.system where a plain value was."""
    source, out = zipfile.ZipFile(io.BytesIO(blob)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "schema.json":
                schema = json.loads(data)
                first = next(iter(schema["content"]["content"]))
                schema["content"]["content"][first] = {"__class__": "system", "__module__": "os",
                                                        "__loader__": "TypeNode", "__id__": 1,
                                                        "content": {"__class__": "system", "__module__": "os"}}
                data = json.dumps(schema).encode()
            target.writestr(name, data)
    return out.getvalue()


def test_a_tampered_model_file_is_refused_not_loaded(world):
    """The kept job's real files, altered to name os.system: both loaders refuse, naming the type."""
    from tuning import load_predictor
    from tuning.algorithms import get_algorithm

    store = world.store()
    job = store.get_tuning_job(KEPT)
    folder = store.tuning_job_artifacts(KEPT)
    model_file = folder / job.best_training_job / "model.skops"
    encoding_file = folder / "encoding.skops"
    assert load_predictor(store, KEPT).predict  # loads as written
    tampered = _tampered(model_file.read_bytes())
    message = _refusal(lambda: get_algorithm("linear-learner").load(tampered, n_classes=3, target_mean=0.0,
                                                                    target_scale=1.0))
    _check_message(message, ("os.system", "does not trust", "model file"))
    original, stamp = encoding_file.read_bytes(), encoding_file.stat()
    try:
        encoding_file.write_bytes(_tampered(original))
        _check_message(_refusal(lambda: load_predictor(store, KEPT)), ("os.system", "feature encoding"))
    finally:  # put the real file back as it was, so the world fixture sees nothing changed
        encoding_file.write_bytes(original)
        os.utime(encoding_file, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    store.dispose()


def test_model_files_are_data_formats():
    """Every algorithm writes XGBoost UBJSON or skops: formats whose loading builds data, not code."""
    from tuning.algorithms import list_algorithms

    assert {algorithm.name: algorithm.model_file for algorithm in list_algorithms()} == {
        "xgboost": "model.ubj", "linear-learner": "model.skops", "random-forest": "model.skops",
        "knn": "model.skops", "mlp": "model.skops"}


def _unsafe_loads(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = ast.unparse(node.func)
        if called.split(".")[-1] in {"load", "loads", "Unpickler"} and called.split(".")[0] in {
                "pickle", "cPickle", "dill", "cloudpickle", "joblib", "shelve"}:
            found.append(called)
        if called.endswith("read_pickle") or called == "shelve.open":
            found.append(called)
        for keyword in node.keywords:
            if keyword.arg == "allow_pickle" and not (isinstance(keyword.value, ast.Constant) and not keyword.value.value):
                found.append(f"{called}(allow_pickle=...)")
            if keyword.arg == "trusted" and isinstance(keyword.value, ast.Constant) and keyword.value.value is True:
                found.append(f"{called}(trusted=True)")
    return found


def test_no_module_unpickles_or_trusts_every_type():
    """An AST scan of tuning/ and views/: no pickle/joblib load, read_pickle, allow_pickle or trusted=True."""
    found = {str(path.relative_to(ROOT)): calls for path in [*_python_files("tuning", "views"), ROOT / "app.py"]
             if (calls := _unsafe_loads(ast.parse(path.read_text())))}
    assert found == {}
    # The scan does catch them (so the empty result above means something).
    assert _unsafe_loads(ast.parse("import pickle, joblib, numpy as np, pandas as pd, skops.io as sio\n"
                                   "pickle.load(f); joblib.load(p); np.load(p, allow_pickle=True)\n"
                                   "pd.read_pickle(p); sio.load(p, trusted=True)")) == [
        "pickle.load", "joblib.load", "np.load(allow_pickle=...)", "pd.read_pickle", "sio.load(trusted=True)"]
