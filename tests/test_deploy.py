"""Deploying training jobs' models: load the best, retrain the others, predict, take away."""

from __future__ import annotations

import io
import json
import time
import zipfile

import numpy as np
import pandas as pd
import pytest

from tuning import (
    ContinuousParameter,
    IntegerParameter,
    Store,
    TrainingJob,
    TuningJobConfig,
    ValidationError,
    load_predictor,
    prepare,
    run_tuning_job,
)
from tuning.serving.deploy import (
    FeatureField,
    artifact_archive,
    feature_schema,
    final_model_is_saved,
    final_predictor,
    model_for_training_job,
    model_is_saved,
    predict_frame,
    read_rows_csv,
)

RANGES = {"eta": ContinuousParameter(0.05, 0.5, "Logarithmic"), "max_depth": IntegerParameter(1, 6)}


def _breast_cancer_job(store: Store, name: str, max_jobs: int = 3):
    return run_tuning_job(TuningJobConfig(
        dataset="breast_cancer", hyperparameter_ranges=RANGES, static_hyperparameters={"num_round": 10},
        strategy="Random", max_jobs=max_jobs, max_parallel_jobs=1, random_seed=1, name=name,
    ), store)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One finished tuning job for the tests that only read (a fresh one costs seconds)."""
    store = Store(tmp_path_factory.mktemp("deploy") / "tunelab.db")
    job = _breast_cancer_job(store, "bc")
    yield store, job
    store.dispose()


def _validation(job):
    """The tuning job's validation channel, rebuilt from its stored configuration."""
    return prepare(TuningJobConfig.from_dict(job.config))


def _mixed_csv(path, rows: int = 240, seed: int = 0):
    """A bank-marketing-like table: numbers (one with gaps), text categories, a yes/no label."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 80, rows)
    income = rng.normal(40_000, 12_000, rows).round(2)
    income[rng.random(rows) < 0.1] = np.nan
    job = rng.choice(["admin", "technician", "student", "retired"], rows)
    city = rng.choice(["north", "south", "east"], rows)
    score = (age - 50) / 15 + (job == "student") * 1.5 - (city == "east") * 1.0 + rng.normal(0, 0.7, rows)
    frame = pd.DataFrame({"age": age, "income": income, "job": job, "city": city,
                          "y": np.where(score > 0, "yes", "no")})
    frame.to_csv(path, index=False)
    return frame


# -- the best model and retrained ones ------------------------------------------------------
def test_the_best_model_loads_and_predicts_well(shared):
    store, job = shared
    predictor = model_for_training_job(store, "bc")
    assert predictor.training_job_name == job.best_training_job
    prepared = _validation(job)
    predicted = predictor.predict(prepared.validation.features)
    accuracy = np.mean(np.asarray(predicted) == prepared.validation.target.to_numpy())
    assert accuracy > 0.85
    # The same model load_predictor gives, by name too.
    named = model_for_training_job(store, "bc", job.best_training_job)
    np.testing.assert_allclose(named.output(prepared.validation.features),
                               load_predictor(store, "bc").output(prepared.validation.features))


def test_a_non_best_training_job_is_retrained_to_its_recorded_objective_and_saved(monkeypatch):
    store = Store()
    job = _breast_cancer_job(store, "retrain")
    others = [t for t in store.training_jobs("retrain") if t.name != job.best_training_job]
    assert len(others) == 2
    assert not any(model_is_saved(store, "retrain", t.name) for t in others)

    prepared = _validation(job)
    for other in others:
        predictor = model_for_training_job(store, "retrain", other.name)
        assert predictor.training_job_name == other.name
        assert predictor.hyperparameters["eta"] == other.hyperparameters["eta"]
        assert predictor.hyperparameters["num_round"] == 10
        # The objective recomputed on the validation channel is the one the job recorded.
        codes = predictor.target_encoder.encode(prepared.validation.target)
        value = prepared.metric(codes, predictor.output(prepared.validation.features))
        assert value == pytest.approx(other.final_objective_value, rel=1e-6)
        assert model_is_saved(store, "retrain", other.name)

    # The next call loads the saved model; it does not train again.
    from tuning.algorithms._xgboost import XGBoostAlgorithm

    def refuse(*_args, **_kwargs):
        raise AssertionError("a saved model was trained again")

    monkeypatch.setattr(XGBoostAlgorithm, "fit", refuse)
    again = model_for_training_job(store, "retrain", others[0].name)
    assert again.training_job_name == others[0].name
    # load_predictor now finds it too, and the best model is still there.
    assert load_predictor(store, "retrain", others[0].name).training_job_name == others[0].name
    assert model_is_saved(store, "retrain", job.best_training_job)


def test_unknown_names_and_jobs_without_a_model_are_refused(shared):
    store, job = shared
    with pytest.raises(ValidationError, match="no tuning job named 'nope'"):
        model_for_training_job(store, "nope")
    with pytest.raises(ValidationError, match=r"no training job named 'bc-999'.*Completed training jobs are: bc-001"):
        model_for_training_job(store, "bc", "bc-999")


def test_a_training_job_that_did_not_complete_is_refused_with_its_status(tmp_path):
    store = Store(tmp_path / "own.db")
    _breast_cancer_job(store, "partial", max_jobs=1)
    store.add_training_job(TrainingJob(
        tuning_job_name="partial", index=1, name="partial-002", status="Stopped",
        hyperparameters={"eta": 0.1, "max_depth": 3}, created_at=time.time(), stopped_reason="EarlyStopped",
    ))
    store.add_training_job(TrainingJob(
        tuning_job_name="partial", index=2, name="partial-003", status="Failed",
        hyperparameters={"eta": 0.1, "max_depth": 3}, created_at=time.time(), failure_reason="MemoryError",
    ))
    with pytest.raises(ValidationError, match=r"'partial-002' is Stopped \(EarlyStopped\); only Completed"):
        model_for_training_job(store, "partial", "partial-002")
    with pytest.raises(ValidationError, match=r"'partial-003' is Failed \(MemoryError\); only Completed"):
        artifact_archive(store, "partial", "partial-003")
    assert not model_is_saved(store, "partial", "partial-002")


def test_retraining_refuses_data_that_is_gone_or_changed_but_the_best_model_still_loads(tmp_path):
    path = tmp_path / "people.csv"
    _mixed_csv(path)
    store = Store()
    job = run_tuning_job(TuningJobConfig(
        dataset=path, target="y", hyperparameter_ranges=RANGES, static_hyperparameters={"num_round": 10},
        strategy="Random", max_jobs=2, random_seed=4, name="people"), store)
    other = next(t.name for t in store.training_jobs("people") if t.name != job.best_training_job)

    _mixed_csv(path, seed=1)  # same columns, different rows: not the data it was trained on
    with pytest.raises(ValidationError, match="data has changed since the tuning job ran.*not saved"):
        model_for_training_job(store, "people", other)
    assert not model_is_saved(store, "people", other)

    path.unlink()
    with pytest.raises(ValidationError, match=r"data of tuning job 'people' can no longer be loaded.*people\.csv"):
        model_for_training_job(store, "people", other)
    assert model_for_training_job(store, "people").training_job_name == job.best_training_job


# -- predictions -----------------------------------------------------------------------------
def test_predict_frame_adds_labels_and_probabilities_that_sum_to_one(shared):
    store, job = shared
    predictor = model_for_training_job(store, "bc")
    prepared = _validation(job)
    rows = prepared.validation.features.head(20).assign(target=prepared.validation.target.head(20))
    result = predict_frame(predictor, rows)
    classes = predictor.classes
    assert list(result.columns) == [*rows.columns, "prediction", *(f"probability_{c}" for c in classes)]
    assert result.index.equals(rows.index)
    probabilities = result[[f"probability_{c}" for c in classes]].to_numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    assert set(result["prediction"]) <= set(classes)
    best = np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)]
    assert list(result["prediction"]) == list(best)
    assert list(result["prediction"]) == list(predictor.predict(rows))
    # The input is left as it was.
    assert "prediction" not in rows.columns


def test_predict_frame_names_missing_columns_and_lists_the_expected_ones(shared):
    store, job = shared
    predictor = model_for_training_job(store, "bc")
    rows = _validation(job).validation.features.drop(columns=["mean radius", "worst area"])
    with pytest.raises(ValidationError) as caught:
        predict_frame(predictor, rows)
    message = str(caught.value)
    assert "lack 2 feature column(s): mean radius, worst area" in message
    assert "expects the columns " + ", ".join(predictor.feature_columns) in message
    with pytest.raises(ValidationError, match="must be a pandas DataFrame, but got list"):
        predict_frame(predictor, [[1, 2, 3]])
    with pytest.raises(ValidationError, match="rows are empty"):
        predict_frame(predictor, _validation(job).validation.features.head(0))


def test_a_regression_model_predicts_numbers_only():
    store = Store()
    run_tuning_job(TuningJobConfig(
        dataset="diabetes", hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.3)},
        static_hyperparameters={"num_round": 10}, strategy="Random", max_jobs=1, random_seed=1,
        name="reg"), store)
    predictor = model_for_training_job(store, "reg")
    rows = prepare(TuningJobConfig.from_dict(store.get_tuning_job("reg").config)).validation.features.head(5)
    result = predict_frame(predictor, rows)
    assert list(result.columns) == [*rows.columns, "prediction"]
    assert result["prediction"].dtype == np.float64 and np.isfinite(result["prediction"]).all()


def test_mixed_rows_from_a_csv_with_text_columns_gaps_and_bad_cells(tmp_path):
    path = tmp_path / "bank.csv"
    frame = _mixed_csv(path)
    store = Store()
    run_tuning_job(TuningJobConfig(
        dataset=path, target="y", algorithm="random-forest", strategy="Random", max_jobs=1, random_seed=2,
        name="mixed"), store)
    predictor = model_for_training_job(store, "mixed")

    csv = b"id,age,income,job,city\n1,35,52000,student,north\n2,61,,retired,east\n3,44,NA,astronaut,west\n"
    rows = read_rows_csv(predictor, csv, name="rows.csv")
    result = predict_frame(predictor, rows)
    assert list(result["id"]) == [1, 2, 3]  # extra columns pass through
    assert set(result["prediction"]) <= {"no", "yes"}
    np.testing.assert_allclose(result["probability_no"] + result["probability_yes"], 1.0)
    # A whole CSV of the training rows predicts about as well as the model was scored.
    whole = predict_frame(predictor, read_rows_csv(predictor, path.read_bytes()))
    assert np.mean(whole["prediction"] == frame["y"]) > 0.7

    with pytest.raises(ValidationError, match=r"feature column 'age' must hold numbers, but row 0 has 'old'"):
        predict_frame(predictor, read_rows_csv(predictor, b"age,income,job,city\nold,1,admin,north\n"))
    with pytest.raises(ValidationError, match="lack 1 feature column.*: city"):
        predict_frame(predictor, read_rows_csv(predictor, b"age,income,job\n30,1,admin\n"))
    with pytest.raises(ValidationError, match="rows.csv is not UTF-8"):
        read_rows_csv(predictor, "age\n\xff".encode("latin-1"), name="rows.csv")
    with pytest.raises(ValidationError, match="is empty"):
        read_rows_csv(predictor, b"  \n")


# -- the form schema -------------------------------------------------------------------------
def test_feature_schema_describes_numbers_and_categories_with_training_defaults(tmp_path):
    path = tmp_path / "bank.csv"
    _mixed_csv(path)
    store = Store()
    config = TuningJobConfig(dataset=path, target="y", algorithm="linear-learner", strategy="Random",
                             max_jobs=1, random_seed=3, name="schema")
    run_tuning_job(config, store)
    predictor = model_for_training_job(store, "schema")
    schema = {field.name: field for field in feature_schema(predictor)}
    assert list(schema) == ["age", "income", "job", "city"]
    assert schema["age"].kind == schema["income"].kind == "numeric"
    assert schema["age"].choices is None
    train = prepare(config).train.features
    assert schema["age"].default == pytest.approx(train["age"].median())
    assert schema["income"].default == pytest.approx(train["income"].median(), rel=1e-5)
    assert schema["job"] == FeatureField("job", "categorical", ["admin", "retired", "student", "technician"], "admin")
    assert schema["city"].choices == ["east", "north", "south"]
    # A row made of the defaults predicts.
    row = pd.DataFrame([{name: field.default for name, field in schema.items()}])
    assert predict_frame(predictor, row)["prediction"].iloc[0] in ("no", "yes")


def test_feature_schema_of_an_xgboost_model_falls_back_to_zero(shared):
    store, _ = shared
    schema = feature_schema(model_for_training_job(store, "bc"))
    assert len(schema) == 30
    assert {field.kind for field in schema} == {"numeric"}
    assert {field.default for field in schema} == {0.0}  # XGBoost keeps no medians: it needs no imputing
    from tuning.datasets import load_dataset
    from tuning.serving.deploy import typical_row

    features = load_dataset("breast_cancer").features
    typical = feature_schema(model_for_training_job(store, "bc"), typical_row(features))
    assert [field.default for field in typical] == [float(features[c].median()) for c in features.columns]


# -- taking a model away ---------------------------------------------------------------------
def test_the_archive_holds_encoding_model_and_readme_and_loads_back(shared, tmp_path):
    store, job = shared
    best = job.best_training_job
    data = artifact_archive(store, "bc", best)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        readme = archive.read("README.txt").decode()
        archive.extractall(tmp_path / "unzipped")
    assert names == {"README.txt", "bc/encoding.skops", "bc/encoding.json",
                     f"bc/{best}/model.ubj", f"bc/{best}/model.json"}
    assert "load_predictor" in readme and best in readme

    # In another store that knows the tuning job, load_predictor reads the unzipped folder.
    other = Store(tmp_path / "elsewhere.db", artifact_dir=tmp_path / "unzipped")
    other.create_tuning_job(store.get_tuning_job("bc"))
    loaded = load_predictor(other, "bc", best)
    rows = _validation(job).validation.features
    expected = model_for_training_job(store, "bc").output(rows)
    np.testing.assert_allclose(loaded.output(rows), expected)

    # And with plain xgboost and skops, as the README shows.
    import skops.io
    import xgboost

    folder = tmp_path / "unzipped" / "bc"
    encoding = json.loads((folder / "encoding.json").read_text())
    from tuning.algorithms.safe_skops import TRUSTED_SKOPS_TYPES

    assert str(TRUSTED_SKOPS_TYPES) in readme  # the README lists the trusted types, never trusted=True
    encoder = skops.io.load(folder / "encoding.skops", trusted=TRUSTED_SKOPS_TYPES)
    booster = xgboost.Booster()
    booster.load_model(folder / best / "model.ubj")
    positive = booster.predict(xgboost.DMatrix(encoder.transform(rows[encoding["feature_columns"]])))
    np.testing.assert_allclose(positive, expected[:, 1], rtol=1e-6)


def test_the_archive_of_a_non_best_job_retrains_it_and_holds_only_its_model():
    store = Store()
    job = _breast_cancer_job(store, "take", max_jobs=2)
    other = next(t.name for t in store.training_jobs("take") if t.name != job.best_training_job)
    with zipfile.ZipFile(io.BytesIO(artifact_archive(store, "take", other))) as archive:
        names = set(archive.namelist())
        meta = json.loads(archive.read(f"take/{other}/model.json"))
    assert {f"take/{other}/model.ubj", f"take/{other}/model.json"} <= names
    assert not any(job.best_training_job in name for name in names)
    assert meta["training_job_name"] == other
    with pytest.raises(ValidationError, match="no training job named 'take-009'"):
        artifact_archive(store, "take", "take-009")


def test_a_tuning_job_with_no_completed_training_job_has_no_model_to_deploy():
    from tuning import TuningJob

    store = Store()
    store.create_tuning_job(TuningJob(
        name="empty", status="InProgress", strategy="Random", algorithm="xgboost", dataset="iris",
        objective_metric_name="validation:accuracy", objective_type="Maximize", max_jobs=1,
        max_parallel_jobs=1, config={}, created_at=time.time(),
    ))
    with pytest.raises(ValidationError, match="'empty' has no completed training job yet"):
        model_for_training_job(store, "empty")


def test_the_form_starts_from_a_typical_row_of_the_data():
    """Medians and most frequent values, not zeros: a student changes one value at a time."""
    import pandas as pd

    from tuning.serving.deploy import typical_row

    frame = pd.DataFrame({"age": [20, 30, 40, None], "job": ["a", "b", "b", None], "flag": [True, True, False, True]})
    assert typical_row(frame) == {"age": 30.0, "job": "b", "flag": "True"}


# -- the final model: AMT's optional last step -------------------------------------------------
def _refuse_fit(*_args, **_kwargs):
    raise AssertionError("a saved model was trained again")


def test_the_final_model_retrains_the_best_on_train_plus_validation_once_and_deterministically(monkeypatch):
    store = Store()
    job = _breast_cancer_job(store, "fin", max_jobs=2)
    best = job.best_training_job
    final = final_predictor(store, "fin")
    tuned = model_for_training_job(store, "fin")
    assert (final.training_job_name, final.trained_on, final.final) == (best, "train+validation", True)
    assert (tuned.trained_on, tuned.final) == ("train", False)
    assert final.hyperparameters == tuned.hyperparameters
    assert final.hyperparameters["num_round"] == 10  # the rounds the training job ran

    # It predicts, and it is not the tuning-time model: it saw the validation rows too.
    prepared = _validation(job)
    rows = prepared.validation.features
    assert np.mean(np.asarray(final.predict(rows)) == prepared.validation.target.to_numpy()) > 0.9
    assert not np.allclose(final.output(rows), tuned.output(rows))

    # Saved as its own artifact, with its own encoder, beside the tuning job's model.
    folder = store.tuning_job_artifacts("fin") / f"{best}-final"
    meta = json.loads((folder / "model.json").read_text())
    assert meta["trained_on"] == "train+validation" and meta["training_job_name"] == best
    assert meta["final_objective_value"] == pytest.approx(job.best_objective_value)  # the promise, not a new score
    assert {"encoding.skops", "encoding.json", "model.ubj"} <= {path.name for path in folder.iterdir()}
    assert final_model_is_saved(store, "fin", best)
    assert load_predictor(store, "fin").trained_on == "train"  # the best model itself is untouched

    # The second call loads it: no training.
    from tuning.algorithms._xgboost import XGBoostAlgorithm

    blob = (folder / "model.ubj").read_bytes()
    with monkeypatch.context() as patched:
        patched.setattr(XGBoostAlgorithm, "fit", _refuse_fit)
        again = final_predictor(store, "fin", best)
    np.testing.assert_array_equal(again.output(rows), final.output(rows))
    assert again.final

    # Trained again from scratch, it is the same model, byte for byte.
    import shutil

    shutil.rmtree(folder)
    assert not final_model_is_saved(store, "fin", best)
    retrained = final_predictor(store, "fin")
    assert (folder / "model.ubj").read_bytes() == blob
    np.testing.assert_array_equal(retrained.output(rows), final.output(rows))

    # The archive holds the final model and its own encoder, and says what it is.
    with zipfile.ZipFile(io.BytesIO(artifact_archive(store, "fin", best, final=True))) as archive:
        names = set(archive.namelist())
        readme = archive.read("README.txt").decode()
    assert names == {"README.txt", f"fin/{best}-final/encoding.skops", f"fin/{best}-final/encoding.json",
                     f"fin/{best}-final/model.ubj", f"fin/{best}-final/model.json"}
    assert "training plus validation" in readme and f'load_predictor(Store(), "fin", "{best}-final")' in readme


def test_a_scikit_learn_final_model_of_a_non_best_job_refits_its_encoder_on_every_row():
    store = Store()
    job = run_tuning_job(TuningJobConfig(
        dataset="iris", algorithm="linear-learner", hyperparameter_ranges={"learning_rate": ContinuousParameter(0.01, 0.1)},
        static_hyperparameters={"epochs": 3}, strategy="Random", max_jobs=2, random_seed=3, name="lin"), store)
    other = next(t.name for t in store.training_jobs("lin") if t.name != job.best_training_job)
    final = final_predictor(store, "lin", other)
    tuned = model_for_training_job(store, "lin", other)  # retrained (and checked) on the way
    assert final.final and final.training_job_name == other and not tuned.final

    def rows_seen(predictor):
        numeric = next(step for label, step, _ in predictor.preprocessor.transformers_ if label == "numeric")
        return numeric.named_steps["scale"].n_samples_seen_

    prepared = _validation(job)
    assert rows_seen(tuned) == len(prepared.train.target)
    assert rows_seen(final) == len(prepared.train.target) + len(prepared.validation.target) == 150
    predictions = final.predict(prepared.validation.features)
    assert set(predictions) <= {"setosa", "versicolor", "virginica"}
    assert final.classes == tuned.classes
    assert final_model_is_saved(store, "lin", other) and not final_model_is_saved(store, "lin", job.best_training_job)


def test_a_final_model_of_two_csv_channels_learns_from_both_and_refuses_changed_or_missing_data(tmp_path):
    train_path, validation_path = tmp_path / "train.csv", tmp_path / "valid.csv"
    _mixed_csv(train_path, seed=0)
    frame = _mixed_csv(validation_path, rows=80, seed=5)
    frame.loc[:9, "job"] = "astronaut"  # a category only the validation channel has
    frame.to_csv(validation_path, index=False)
    store = Store()
    job = run_tuning_job(TuningJobConfig(
        dataset=train_path, validation_dataset=validation_path, target="y", algorithm="random-forest",
        strategy="Random", max_jobs=2, random_seed=2, name="two"), store)

    def job_categories(predictor):
        field = next(f for f in feature_schema(predictor) if f.name == "job")
        return set(field.choices)

    final = final_predictor(store, "two")
    tuned = model_for_training_job(store, "two")
    assert "astronaut" in job_categories(final) and "astronaut" not in job_categories(tuned)
    result = predict_frame(final, read_rows_csv(final, validation_path.read_bytes()))
    assert set(result["prediction"]) <= {"no", "yes"}

    other = next(t.name for t in store.training_jobs("two") if t.name != job.best_training_job)
    model_for_training_job(store, "two", other)  # its tuning-time model, saved while the data is intact
    _mixed_csv(validation_path, rows=80, seed=9)  # same columns, other rows
    with pytest.raises(ValidationError, match=r"data has changed since the tuning job ran.*it was not trained"):
        final_predictor(store, "two", other)
    assert not final_model_is_saved(store, "two", other)
    train_path.unlink()
    with pytest.raises(ValidationError, match=r"final model of training job '.*': the data of tuning job 'two' "
                                              r"can no longer be loaded.*train\.csv"):
        final_predictor(store, "two", other)
    assert final_predictor(store, "two").final  # the one already trained still loads


def test_a_final_model_of_an_in_memory_dataset_that_cannot_be_reloaded_is_refused_clearly():
    import dataclasses

    from tuning.datasets import load_dataset

    frame = dataclasses.replace(load_dataset("iris"), name="my-iris-frame")
    store = Store()
    job = run_tuning_job(TuningJobConfig(
        dataset=frame, algorithm="knn", strategy="Random", max_jobs=1, random_seed=1, name="mem"), store)
    assert model_for_training_job(store, "mem").training_job_name == job.best_training_job  # saved: it loads
    with pytest.raises(ValidationError, match=r"data of tuning job 'mem' can no longer be loaded.*my-iris-frame"):
        final_predictor(store, "mem")
    assert not final_model_is_saved(store, "mem", job.best_training_job)


def test_final_models_of_unknown_or_unfinished_training_jobs_are_refused(shared, tmp_path):
    store, _ = shared
    with pytest.raises(ValidationError, match="no tuning job named 'nope'"):
        final_predictor(store, "nope")
    with pytest.raises(ValidationError, match=r"no training job named 'bc-999'.*Completed training jobs are: bc-001"):
        final_predictor(store, "bc", "bc-999")
    with pytest.raises(ValidationError, match="no training job named 'bc-999'"):
        artifact_archive(store, "bc", "bc-999", final=True)
    own = Store(tmp_path / "own.db")
    _breast_cancer_job(own, "half", max_jobs=1)
    own.add_training_job(TrainingJob(
        tuning_job_name="half", index=1, name="half-002", status="Stopped",
        hyperparameters={"eta": 0.1, "max_depth": 3}, created_at=time.time(), stopped_reason="EarlyStopped",
    ))
    with pytest.raises(ValidationError, match=r"'half-002' is Stopped \(EarlyStopped\); only Completed"):
        final_predictor(own, "half", "half-002")
    assert not final_model_is_saved(own, "half", "half-002")
