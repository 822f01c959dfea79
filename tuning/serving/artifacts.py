"""Model artifacts: the best training job's model, saved so it loads and predicts again.

A tuning job's folder holds what turns raw rows into model input, once, and the model of
its best training job::

    artifacts/<tuning job>/encoding.skops     the fitted feature encoder (scikit-learn)
    artifacts/<tuning job>/encoding.json      feature columns, problem type, class labels
    artifacts/<tuning job>/<training job>/model.ubj   XGBoost's own format, or
                                          .../model.skops XGBoost-free models, via skops
    artifacts/<tuning job>/<training job>/model.json  algorithm, hyperparameters, scaling
    artifacts/<tuning job>/<training job>-final/...   a final model (retrained on train plus
                                          validation), with its own encoding.skops/.json

No file is pickled: XGBoost's UBJSON and skops files are data that loading cannot turn
into code, so a model shared by a classmate is safe to open.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tuning.algorithms import get_algorithm
from tuning.errors import ValidationError
from tuning.datasets.features import TargetEncoder
from tuning.algorithms.safe_skops import load_skops

if TYPE_CHECKING:
    from tuning.algorithms import Algorithm, FittedModel
    from tuning.store.database import Store

__all__ = ["Predictor", "load_predictor", "save_encoding", "save_model"]


def save_encoding(folder: Path, preprocessor: Any, target_encoder: TargetEncoder, features: pd.DataFrame,
                  problem_type: str, target_name: str, *, encoded: bytes | None = None) -> None:
    """Write the fitted feature encoder and what the columns were.

    ``encoded``: the encoder already in skops' format (the runner has a worker process make
    it: :func:`tuning.running.worker.dump_encoder`); ``None``: it is serialised here.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if encoded is None:
        import skops.io  # here, not at the top: about a second to import, and a run need not (see above)

        encoded = skops.io.dumps(preprocessor)
    (folder / "encoding.skops").write_bytes(encoded)
    (folder / "encoding.json").write_text(json.dumps({
        "feature_columns": [str(column) for column in features.columns],
        "feature_dtypes": {str(c): str(t) for c, t in features.dtypes.items()},
        "problem_type": problem_type,
        "target_name": target_name,
        "target_encoder": target_encoder.to_dict(),
    }, indent=2))


def save_model(folder: Path, algorithm: Algorithm, blob: bytes, *, training_job_name: str,
               hyperparameters: dict[str, Any], n_classes: int, target_mean: float,
               target_scale: float, objective: float | None, trained_on: str = "train") -> Path:
    """Write one training job's model; return its folder.

    ``trained_on`` is ``"train"`` for a model of the tuning job itself, or
    ``"train+validation"`` for a final model (see :func:`tuning.serving.deploy.final_predictor`).
    """
    target = folder / training_job_name
    target.mkdir(parents=True, exist_ok=True)
    (target / algorithm.model_file).write_bytes(blob)
    (target / "model.json").write_text(json.dumps({
        "training_job_name": training_job_name,
        "algorithm": algorithm.name,
        "model_file": algorithm.model_file,
        "hyperparameters": hyperparameters,
        "n_classes": n_classes,
        "target_mean": target_mean,
        "target_scale": target_scale,
        "final_objective_value": objective,
        "trained_on": trained_on,
    }, indent=2))
    return target


def remove_model(folder: Path, training_job_name: str) -> None:
    shutil.rmtree(folder / training_job_name, ignore_errors=True)


@dataclass
class Predictor:
    """A saved model with its encoder: raw rows in, predictions out.

    ``predict`` gives class labels (as in the training data) or numbers;
    ``predict_proba`` gives class probabilities, columns in :attr:`classes` order.
    ``trained_on`` says which data made it: ``"train"`` (the model the tuning job scored)
    or ``"train+validation"`` (a final model, AMT's optional last step; :attr:`final`).
    """

    algorithm: Algorithm
    model: FittedModel
    preprocessor: Any
    target_encoder: TargetEncoder
    feature_columns: list[str]
    training_job_name: str
    hyperparameters: dict[str, Any]
    trained_on: str = "train"

    @property
    def final(self) -> bool:
        """Whether this is a final model, retrained on the training plus validation channels."""
        return self.trained_on == "train+validation"

    @property
    def classes(self) -> list[Any] | None:
        return self.target_encoder.classes

    @property
    def column_kinds(self) -> dict[str, str]:
        """``{column: "numeric" | "categorical"}``, from the fitted encoder's column groups:
        how a row's cells must be typed before the encoder reads them."""
        kinds: dict[str, str] = {}
        for label, _, columns in getattr(self.preprocessor, "transformers_", []):
            if label in ("numeric", "categorical"):
                kinds.update({str(column): label for column in columns})
        return kinds

    def _encode(self, rows: pd.DataFrame) -> np.ndarray:
        if not isinstance(rows, pd.DataFrame):
            raise ValidationError(f"rows must be a pandas DataFrame, but got {type(rows).__name__}.")
        missing = [column for column in self.feature_columns if column not in rows.columns]
        if missing:
            raise ValidationError(
                f"the rows lack feature column(s) {', '.join(missing)}; the model was trained on "
                f"{', '.join(self.feature_columns)}."
            )
        return np.asarray(self.preprocessor.transform(rows[self.feature_columns]), dtype=np.float32)

    def output(self, rows: pd.DataFrame) -> np.ndarray:
        """Probabilities ``(n, k)`` for classification, numbers ``(n,)`` for regression."""
        return self.algorithm.output(self.model, self._encode(rows))

    def predict(self, rows: pd.DataFrame) -> Any:
        output = self.output(rows)
        if self.model.n_classes:
            return self.target_encoder.decode(output.argmax(axis=1))
        return output

    def predict_proba(self, rows: pd.DataFrame) -> np.ndarray:
        if not self.model.n_classes:
            raise ValidationError("predict_proba is for classification models; this one is a regression.")
        return self.output(rows)


def load_predictor(store: Store, tuning_job_name: str, training_job_name: str | None = None) -> Predictor:
    """Load a tuning job's best model (or a named training job's, if it was saved)."""
    job = store.get_tuning_job(tuning_job_name)
    name = training_job_name or job.best_training_job
    if not name:
        raise ValidationError(
            f"tuning job {tuning_job_name!r} has no completed training job yet, so it has no best model."
        )
    folder = store.tuning_job_artifacts(tuning_job_name)
    model_dir = folder / name
    if not (model_dir / "model.json").is_file():
        raise ValidationError(
            f"no saved model for training job {name!r} in {folder}: TuneLab keeps the best "
            f"training job's model ({job.best_training_job})."
        )
    meta = json.loads((model_dir / "model.json").read_text())
    # A final model was trained with an encoder of its own (refit on train + validation),
    # kept beside it; the tuning job's models share the tuning job's encoder.
    encoding_dir = model_dir if (model_dir / "encoding.json").is_file() else folder
    encoding = json.loads((encoding_dir / "encoding.json").read_text())
    algorithm = get_algorithm(meta["algorithm"])
    model = algorithm.load(
        (model_dir / meta["model_file"]).read_bytes(),
        n_classes=meta["n_classes"], target_mean=meta["target_mean"], target_scale=meta["target_scale"],
    )
    preprocessor = load_skops(encoding_dir / "encoding.skops", f"the feature encoding {encoding_dir / 'encoding.skops'}")
    return Predictor(
        algorithm, model, preprocessor, TargetEncoder.from_dict(encoding["target_encoder"]),
        encoding["feature_columns"], meta.get("training_job_name", name), meta["hyperparameters"],
        meta.get("trained_on", "train"),
    )
