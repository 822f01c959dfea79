"""Deploying a training job's model: it answers new rows, like a SageMaker endpoint, locally.

A tuning job keeps only its best training job's model on disk (see :mod:`tuning.serving.artifacts`):
saving every model would fill a laptop's disk with models nobody looks at. Any other
Completed training job can still be deployed, because everything that made its model is
recorded: the tuning job's configuration (data, split, algorithm, static hyperparameters,
seed), the fitted feature encoder in the artifacts folder, and the training job's own
hyperparameters. :func:`model_for_training_job` retrains it once, with the seed the runner
gave it, checks that the retrained model scores the objective the training job recorded,
and saves it beside the best model, so the next call just loads it.

:func:`final_predictor` is AMT's optional last step: the chosen hyperparameters trained
again on the training plus validation channels (saved once as ``<training job>-final``).

:func:`predict_frame` turns rows into a table of predictions (and class probabilities),
:func:`feature_schema` describes the raw feature columns for a form, and
:func:`artifact_archive` packs a model and its encoder into a zip file to take away.
"""

from __future__ import annotations

import dataclasses

import io
import json
import math
import shutil
import tempfile
import threading
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tuning.serving.artifacts import Predictor, load_predictor, save_model
from tuning.serving.rows import prepare_rows, read_rows_csv
from tuning.datasets.fingerprint import data_fingerprint, describe_difference
from tuning.job.config import RUN_RECORD
from tuning.errors import TuneLabError, ValidationError, os_error_words
from tuning.records import TrainingJob, TrainingJobStatus, TuningJob
from tuning.algorithms.safe_skops import TRUSTED_SKOPS_TYPES

if TYPE_CHECKING:
    from tuning.store.database import Store

__all__ = [
    "FeatureField",
    "FINAL_SUFFIX",
    "artifact_archive",
    "feature_schema",
    "final_model_is_saved",
    "final_predictor",
    "model_for_training_job",
    "model_is_saved",
    "predict_frame",
    "prepare_again",
    "read_rows_csv",
]

OBJECTIVE_REL_TOL = 1e-4
"""How close a retrained model's objective must come to the recorded one (relative)."""
OBJECTIVE_ABS_TOL = 1e-6
"""... and in absolute terms, for objectives near zero."""

_retrain_locks: dict[tuple[str, str, str], threading.Lock] = {}
_retrain_locks_guard = threading.Lock()


# -- models ------------------------------------------------------------------------------
def model_for_training_job(store: Store, tuning_job_name: str, training_job_name: str | None = None) -> Predictor:
    """The model of one Completed training job (the best one if no name is given).

    The best training job's model is on disk and just loads. Another Completed training
    job's model was not kept, so it is retrained here, exactly as the runner trained it
    (same data split, same saved feature encoder, same hyperparameters, same seed), checked
    against the objective the training job recorded, and saved, so retraining happens once.
    Unknown names, training jobs that are not Completed, and tuning jobs whose data can no
    longer be loaded are refused with a :class:`~tuning.errors.ValidationError`.
    """
    job, training_job = _completed_training_job(store, tuning_job_name, training_job_name)
    name = training_job.name
    if model_is_saved(store, tuning_job_name, name):
        return load_predictor(store, tuning_job_name, name)
    with _lock_for(store, tuning_job_name, name):  # two sessions at once: the second loads the first's model
        if not model_is_saved(store, tuning_job_name, name):
            try:
                _retrain(job, training_job, store.tuning_job_artifacts(tuning_job_name))
            except OSError as error:
                raise TuneLabError(f"training job {name} was retrained but not saved: {os_error_words(error)}") from None
    return load_predictor(store, tuning_job_name, name)


FINAL_SUFFIX = "-final"
"""A final model's folder is its training job's name plus this (``<job>-003-final``)."""


def final_predictor(store: Store, tuning_job_name: str, training_job_name: str | None = None) -> Predictor:
    """AMT's optional last step: the training job's hyperparameters retrained on all the data.

    Tuning holds the validation channel back to score each training job. Once the best
    hyperparameters are chosen, that channel can teach the model too: this trains the
    given Completed training job (the best one if no name is given) again on the training
    channel plus the validation channel (a split dataset: the whole dataset; two channels:
    both, concatenated), with the feature encoder refit on those rows, the same seed and
    the same number of rounds or epochs. It is saved once, as ``<training job>-final``
    beside the tuning job's models, with its own encoder, and loaded afterwards; the
    Predictor's ``trained_on`` is ``"train+validation"`` (``final`` is True).

    No rows are left over to score it, so it has no objective of its own: its quality is
    the promise of the training job's FinalObjectiveValue (measured on the validation
    channel before it saw it), not a new measurement. Before training, the tuning-time
    model is checked against that recorded value on the reloaded data, so a changed data
    file is refused rather than silently trained on.
    """
    job, training_job = _completed_training_job(store, tuning_job_name, training_job_name)
    name = training_job.name
    if final_model_is_saved(store, tuning_job_name, name):
        return load_predictor(store, tuning_job_name, name + FINAL_SUFFIX)
    with _lock_for(store, tuning_job_name, name + FINAL_SUFFIX):
        if not final_model_is_saved(store, tuning_job_name, name):
            tuned = model_for_training_job(store, tuning_job_name, name)
            try:
                _train_final(job, training_job, tuned, store.tuning_job_artifacts(tuning_job_name))
            except OSError as error:  # a full or read-only disk while saving: said, nothing half-written kept
                raise TuneLabError(f"the final model of {name} was trained but not saved: {os_error_words(error)}") from None
    return load_predictor(store, tuning_job_name, name + FINAL_SUFFIX)


def final_model_is_saved(store: Store, tuning_job_name: str, training_job_name: str) -> bool:
    """Whether the training job's final model is on disk (loads at once) or must be trained first."""
    folder = store.tuning_job_artifacts(tuning_job_name) / (training_job_name + FINAL_SUFFIX)
    return (folder / "model.json").is_file()


def _lock_for(store: Store, tuning_job_name: str, folder_name: str) -> threading.Lock:
    key = (str(store.artifact_dir), tuning_job_name, folder_name)
    with _retrain_locks_guard:
        return _retrain_locks.setdefault(key, threading.Lock())


def _completed_training_job(store: Store, tuning_job_name: str,
                            training_job_name: str | None) -> tuple[TuningJob, TrainingJob]:
    """The tuning job and its named (default: best) training job, which must be Completed."""
    job = store.get_tuning_job(tuning_job_name)  # unknown name: ValidationError listing known ones
    name = training_job_name or job.best_training_job
    if not name:
        raise ValidationError(
            f"tuning job {tuning_job_name!r} has no completed training job yet, so it has no model "
            "to deploy. Wait for a training job to complete, or run the tuning job again."
        )
    training_job = _find_training_job(store, tuning_job_name, name)
    if training_job.status != TrainingJobStatus.COMPLETED:
        reason = training_job.failure_reason or training_job.stopped_reason
        raise ValidationError(
            f"training job {name!r} is {training_job.status}"
            f"{f' ({reason})' if reason else ''}; only Completed training jobs have a model "
            "to deploy. Pick a Completed training job."
        )
    return job, training_job


def model_is_saved(store: Store, tuning_job_name: str, training_job_name: str) -> bool:
    """Whether the training job's model is on disk (loads at once) or must be retrained first."""
    return (store.tuning_job_artifacts(tuning_job_name) / training_job_name / "model.json").is_file()


def _find_training_job(store: Store, tuning_job_name: str, name: str) -> TrainingJob:
    jobs = store.training_jobs(tuning_job_name)
    for training_job in jobs:
        if training_job.name == name:
            return training_job
    completed = [j.name for j in jobs if j.status == TrainingJobStatus.COMPLETED]
    shown = ", ".join(completed[:10]) + (" ..." if len(completed) > 10 else "")
    hint = f" Its Completed training jobs are: {shown}." if completed else " It has no Completed training job."
    raise ValidationError(f"tuning job {tuning_job_name!r} has no training job named {name!r}.{hint}")


class _Silent:
    """A reporter that records nothing and never stops training: a retrain runs in full."""

    def report(self, step: int, value: float, train_value: float | None = None) -> bool:  # noqa: ARG002 - the Reporter protocol
        return False


def _retrain(job: TuningJob, training_job: TrainingJob, folder: Path) -> None:
    """Train ``training_job``'s model again, check its objective, save it into ``folder``."""
    from tuning.datasets.features import TargetEncoder
    from tuning.algorithms.safe_skops import load_skops
    from tuning.job.preparation import training_data

    name = training_job.name
    kept = f"TuneLab keeps only the best training job's model ({job.best_training_job})"
    unchanged = (f"so this would not be the same model, and it was not saved. {kept}; restore the "
                 "original data to deploy this one.")
    config, prepared = prepare_again(job, f"retrain training job {name!r}", kept, unchanged)
    try:
        encoding = json.loads((folder / "encoding.json").read_text())
        preprocessor = load_skops(folder / "encoding.skops", f"the feature encoding {folder / 'encoding.skops'}")
        target_encoder = TargetEncoder.from_dict(encoding["target_encoder"])
    except (OSError, ValueError, KeyError, TuneLabError) as error:
        raise ValidationError(
            f"cannot retrain training job {name!r}: the feature encoding of tuning job {job.name!r} "
            f"in {folder} is missing or damaged ({error}). {kept}; the encoding is written when the "
            "tuning job starts, so run the tuning job again to get it back."
        ) from None
    columns = [str(column) for column in prepared.train.features.columns]
    if columns != encoding["feature_columns"]:
        raise ValidationError(
            f"cannot retrain training job {name!r}: the data of tuning job {job.name!r} now has the "
            f"columns {columns}, but the tuning job was trained on {encoding['feature_columns']}. "
            "Restore the original data file to deploy this training job."
        )
    train = prepared.train
    try:
        data = training_data(preprocessor, target_encoder, train.features, train.target, prepared.validation)
    except (TuneLabError, ValueError) as error:
        raise ValidationError(
            f"cannot retrain training job {name!r}: the data of tuning job {job.name!r} no longer "
            f"matches its saved feature encoding ({error}). Restore the original data file."
        ) from None

    algorithm, metric = prepared.algorithm, prepared.metric
    hyperparameters = prepared.training_hyperparameters(training_job.hyperparameters)
    # The runner's seed for training job ``index``: the tuning job's RandomSeed (0 if
    # none) plus the index, so the retrained model is the one the training job made.
    seed = (config.random_seed or 0) + training_job.index
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = algorithm.fit(hyperparameters, data, metric, _Silent(), seed=seed)
    value = float(metric(data.y_validation, algorithm.output(model, data.x_validation)))
    _check_objective(training_job, metric.name, value, f"retraining training job {name!r}", unchanged)
    # Write into a scratch folder first and move it into place, so a reader never sees a
    # half-written model.
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".retrain-") as scratch:
        written = save_model(
            Path(scratch), algorithm, algorithm.dump(model), training_job_name=name,
            hyperparameters=hyperparameters, n_classes=data.n_classes,
            target_mean=model.target_mean, target_scale=model.target_scale, objective=value,
        )
        if not (folder / name / "model.json").is_file():
            shutil.rmtree(folder / name, ignore_errors=True)
            written.rename(folder / name)


def prepare_again(job: TuningJob, action: str, kept: str, unchanged: str) -> tuple[Any, Any]:
    """The tuning job's configuration and data, loaded again; refused clearly if they are gone.

    ``action`` says what needs them ("retrain training job 'x'"), ``kept`` what TuneLab keeps
    instead, ``unchanged`` the consequence of changed data; the data must match the
    fingerprint recorded when the job ran. Retraining, a final model and the generalisation
    check (:mod:`tuning.analysis.holdout`, which reads the test split) all load data through it.
    """
    from tuning.job.config import TuningJobConfig
    from tuning.job.preparation import prepare

    try:
        # Retraining needs the data and the hyperparameters, not the warm-start parents
        # (which prepare() would otherwise look up in a store).
        config = TuningJobConfig.from_dict(job.config).replace(warm_start_config=None)
        prepared = prepare(config)
    except (TuneLabError, OSError) as error:
        raise ValidationError(
            f"cannot {action}: the data of tuning job {job.name!r} can no longer "
            f"be loaded ({error}). {kept}; to deploy this one, restore the data where the tuning "
            "job found it (same path, same contents)."
        ) from None
    # The fingerprint recorded when the job started (as resume checks it): an uploaded
    # dataset replaced by other rows would otherwise be retrained on silently.
    recorded = (job.config.get(RUN_RECORD) or {}).get("DataFingerprint")
    if recorded is not None:
        difference = describe_difference(recorded, data_fingerprint(prepared.train, prepared.validation, prepared.test))
        if difference is not None:
            raise ValidationError(
                f"cannot {action}: the data has changed since the tuning job ran "
                f"({job.config.get('Dataset')!r}: {difference}), {unchanged}"
            )
    return config, prepared


def _check_objective(training_job: TrainingJob, metric_name: str, value: float, what: str, consequence: str) -> None:
    """Refuse a model whose objective is not the one the training job recorded: the data changed."""
    recorded = training_job.final_objective_value
    if recorded is not None and not math.isclose(value, recorded, rel_tol=OBJECTIVE_REL_TOL,
                                                 abs_tol=OBJECTIVE_ABS_TOL):
        raise ValidationError(
            f"{what} gave {metric_name} = {value:.6g}, but the training job recorded {recorded:.6g}: "
            f"the data has changed since the tuning job ran (or the installed libraries have), {consequence}"
        )


def _train_final(job: TuningJob, training_job: TrainingJob, tuned: Predictor, folder: Path) -> None:
    """Train ``training_job``'s final model on train + validation; save it as ``<name>-final``."""
    from tuning.serving.artifacts import save_encoding
    from tuning.datasets.features import build_preprocessor
    from tuning.job.preparation import training_data

    name = training_job.name
    action = f"train the final model of training job {name!r}"
    unchanged = ("so a final model would not keep its promise, and it was not trained. Restore the "
                 "original data to train it.")
    config, prepared = prepare_again(job, action, "A final model is trained on the tuning job's own data", unchanged)
    train, validation = prepared.train, prepared.validation
    columns = [str(column) for column in train.features.columns]
    if columns != list(tuned.feature_columns):
        raise ValidationError(
            f"cannot {action}: the data of tuning job {job.name!r} now has the columns {columns}, but "
            f"the tuning job was trained on {list(tuned.feature_columns)}. Restore the original data file."
        )
    algorithm, metric = prepared.algorithm, prepared.metric
    mismatch = (f"cannot {action}: the data of tuning job {job.name!r} no longer matches the tuned "
                "model's encoding ({}). Restore the original data file.")
    try:
        value = float(metric(tuned.target_encoder.encode(validation.target), tuned.output(validation.features)))
    except (TuneLabError, ValueError) as error:
        raise ValidationError(mismatch.format(error)) from None
    # The tuning-time model must still score its recorded objective on the reloaded
    # validation channel: otherwise the data is not what the tuning job measured.
    _check_objective(training_job, metric.name, value, f"the model of training job {name!r}", unchanged)
    features = pd.concat([train.features, validation.features], ignore_index=True)
    target = pd.concat([train.target, validation.target], ignore_index=True)
    target_encoder = tuned.target_encoder  # same classes, same codes as the tuned model
    try:
        preprocessor = build_preprocessor(features, scale=algorithm.needs_scaling,
                                          impute=not algorithm.handles_missing).fit(features)
        # Training reports on the validation channel (to a silent reporter); nothing is held out.
        data = training_data(preprocessor, target_encoder, features, target, validation)
    except (TuneLabError, ValueError) as error:
        raise ValidationError(mismatch.format(error)) from None
    hyperparameters = prepared.training_hyperparameters(training_job.hyperparameters)
    seed = (config.random_seed or 0) + training_job.index  # the runner's seed for this training job
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = algorithm.fit(hyperparameters, data, metric, _Silent(), seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    target_folder = folder / (name + FINAL_SUFFIX)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".final-") as scratch:
        written = save_model(
            Path(scratch), algorithm, algorithm.dump(model), training_job_name=name,
            hyperparameters=hyperparameters, n_classes=data.n_classes, target_mean=model.target_mean,
            target_scale=model.target_scale, objective=training_job.final_objective_value,
            trained_on="train+validation",
        )
        save_encoding(written, preprocessor, target_encoder, features, train.problem_type, train.target_name)
        if not (target_folder / "model.json").is_file():
            shutil.rmtree(target_folder, ignore_errors=True)
            written.rename(target_folder)


# -- predictions -------------------------------------------------------------------------
def predict_frame(predictor: Predictor, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with a ``prediction`` column, plus ``probability_<class>`` per class.

    Classification predictions are the class labels as in the training data; regression
    predictions are numbers. Columns the model does not use (the target, an id) are kept
    in the output but ignored; missing feature columns are refused with the full list of
    expected columns.
    """
    features = prepare_rows(predictor, rows)
    try:
        output = predictor.output(features)
    except TuneLabError:
        raise
    except (ValueError, TypeError) as error:
        first_line = (str(error).strip().splitlines() or [""])[0]  # XGBoost's add a C++ stack trace
        raise ValidationError(
            f"the rows could not be encoded as the model's features: {first_line}. Check that each "
            f"column holds the kind of values it held in training ({', '.join(predictor.feature_columns)})."
        ) from None
    result = rows.copy()
    if predictor.model.n_classes:
        result["prediction"] = predictor.target_encoder.decode(output.argmax(axis=1))
        for position, label in enumerate(predictor.classes or []):
            result[f"probability_{label}"] = output[:, position]
    else:
        result["prediction"] = np.asarray(output, dtype=np.float64)
    return result


# -- a form for one row ------------------------------------------------------------------
@dataclass(frozen=True)
class FeatureField:
    """One raw feature column, as a form input: its kind, its choices and a default value.

    ``choices`` is the categories the encoder learned (None: free text or a number);
    ``default`` is the training median of a numeric column when the encoder kept it (it
    does for algorithms that impute), otherwise 0; for a category column, the first
    category (the encoder does not record how often each one occurred).
    """

    name: str
    kind: str
    choices: list[str] | None = None
    default: float | str = 0.0


def typical_row(features: pd.DataFrame) -> dict[str, Any]:
    """A typical example: each numeric column's median, each other column's most frequent value.

    A prediction form starts from it, so a student changes one value and sees the effect,
    instead of typing thirty numbers into a form of zeros.
    """
    row: dict[str, Any] = {}
    for column in features.columns:
        values = features[column].dropna()
        if values.empty:
            continue
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            row[str(column)] = float(values.median())
        else:
            row[str(column)] = str(values.mode().iloc[0])
    return row


def feature_schema(predictor: Predictor, typical: dict[str, Any] | None = None) -> list[FeatureField]:
    """One :class:`FeatureField` per raw feature column, in the model's column order.

    ``typical`` (see :func:`typical_row`) gives the defaults; without it they come from
    what the encoder kept (medians, means, the first category), else 0.
    """
    fields = []
    for field in _encoder_fields(predictor):
        value = (typical or {}).get(field.name)
        if (field.kind == "numeric" and isinstance(value, float)) or (
                field.kind == "categorical" and isinstance(value, str) and (not field.choices or value in field.choices)):
            field = dataclasses.replace(field, default=value)
        fields.append(field)
    return fields


def _encoder_fields(predictor: Predictor) -> list[FeatureField]:
    fields: dict[str, FeatureField] = {}
    for label, transformer, columns in getattr(predictor.preprocessor, "transformers_", []):
        columns = [str(column) for column in columns]
        steps = dict(getattr(transformer, "named_steps", {}))
        if label == "numeric":
            medians = getattr(steps.get("impute"), "statistics_", None)
            means = getattr(steps.get("scale"), "mean_", None)
            for position, column in enumerate(columns):
                default = 0.0
                for source in (medians, means):
                    if source is not None and position < len(source) and math.isfinite(float(source[position])):
                        default = float(source[position])
                        break
                fields[column] = FeatureField(column, "numeric", None, default)
        elif label == "categorical":
            categories = getattr(steps.get("one_hot"), "categories_", None)
            for position, column in enumerate(columns):
                if categories is not None and position < len(categories):
                    choices = [str(value) for value in categories[position]]
                    fields[column] = FeatureField(column, "categorical", choices, choices[0] if choices else "")
                else:
                    fields[column] = FeatureField(column, "categorical", None, "")
    return [fields.get(column, FeatureField(column, "categorical", None, "")) for column in predictor.feature_columns]


# -- taking a model away -----------------------------------------------------------------
_README = """\
TuneLab model artifact
======================

Tuning job:   {tuning_job}
Training job: {training_job} ({algorithm}; {objective})
Trained on:   {trained_on}

Files
  {encoding_dir}/encoding.skops    the fitted feature encoder (scikit-learn, saved with skops)
  {encoding_dir}/encoding.json     feature columns, problem type, class labels
  {model_dir}/{model_file}   the model
  {model_dir}/model.json     algorithm, hyperparameters, target scaling

None of these files is a pickle: loading them cannot run code.

Load it with TuneLab
--------------------
Unzip into the artifacts folder of a TuneLab store that has this tuning job (by default
~/.tunelab/artifacts, or $TUNELAB_HOME/artifacts), then:

    from tuning import Store, load_predictor
    predictor = load_predictor(Store(), "{tuning_job}", "{folder_name}")
    predictor.predict(rows)          # rows: a pandas DataFrame with the feature columns
    predictor.predict_proba(rows)    # classification: one column per class

With another store, give its artifacts folder: Store(url, artifact_dir="path/to/unzipped").
{plain}"""

_TRAINED_ON = {
    "train": "the training channel (the model the tuning job scored on the validation channel)",
    "train+validation": "the training plus validation channels (a final model, AMT's optional last step);\n"
                        "              the objective above is the tuning job's measurement, its promise",
}

_PLAIN_XGBOOST = """
Load it without TuneLab's store (xgboost, skops and pandas)
-----------------------------------------------------------
    import json, skops.io, xgboost
    encoding = json.load(open("{encoding_dir}/encoding.json"))
    encoder = skops.io.load("{encoding_dir}/encoding.skops",
                            trusted={trusted})  # never trusted=True: only these plain data types
    booster = xgboost.Booster()
    booster.load_model("{model_dir}/model.ubj")
    x = encoder.transform(rows[encoding["feature_columns"]])
    output = booster.predict(xgboost.DMatrix(x))
    # binary: output is the probability of encoding["target_encoder"]["classes"][1];
    # multiclass: one column per class; regression: the number itself.
"""


def artifact_archive(store: Store, tuning_job_name: str, training_job_name: str, *, final: bool = False) -> bytes:
    """A zip of the feature encoding, this training job's model and a README.

    A non-best training job's model is retrained first (see :func:`model_for_training_job`),
    so every Completed training job can be taken away. With ``final=True`` the archive
    holds the final model instead (see :func:`final_predictor`), trained first if needed,
    with the encoder that was refit for it.
    """
    if final:
        final_predictor(store, tuning_job_name, training_job_name)
        folder_name = training_job_name + FINAL_SUFFIX
    else:
        model_for_training_job(store, tuning_job_name, training_job_name)
        folder_name = training_job_name
    folder = store.tuning_job_artifacts(tuning_job_name)
    model_dir = folder / folder_name
    encoding_dir = model_dir if final else folder
    meta = json.loads((model_dir / "model.json").read_text())
    job = store.get_tuning_job(tuning_job_name)
    value = meta.get("final_objective_value")
    objective = f"{job.objective_metric_name} = {value:.6g}" if value is not None else job.objective_metric_name
    paths = {"encoding_dir": encoding_dir.relative_to(folder.parent).as_posix(),
             "model_dir": model_dir.relative_to(folder.parent).as_posix()}
    readme = _README.format(
        tuning_job=tuning_job_name, training_job=training_job_name, folder_name=folder_name,
        algorithm=meta["algorithm"], objective=objective, model_file=meta["model_file"],
        trained_on=_TRAINED_ON.get(meta.get("trained_on", "train"), meta.get("trained_on")),
        plain=_PLAIN_XGBOOST.format(**paths, trusted=TRUSTED_SKOPS_TYPES) if meta["model_file"].endswith(".ubj") else "", **paths,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for file_name in ("encoding.skops", "encoding.json"):
            archive.write(encoding_dir / file_name, f"{paths['encoding_dir']}/{file_name}")
        for path in sorted(model_dir.iterdir()):
            if path.is_file() and not (final and path.name.startswith("encoding.")):
                archive.write(path, f"{paths['model_dir']}/{path.name}")
    return buffer.getvalue()
