"""The generalisation check: the best training jobs re-scored on the test split nobody tuned on.

Why: a tuning job picks the training job whose validation objective is best. Among many
jobs, the best validation score is the best *and* the luckiest, so it overstates how the
winner does on new rows (the winner's curse), and the more jobs ran, the more it does. A
tuning job with a test split (``TestSplitFraction``, TuneLab's own; AMT has none) held rows
out before the train/validation split: no training job trained on them, and the strategy
never saw a score computed on them. Here, after the job and on demand (never in the
runner's loop), the top-k Completed training jobs by validation objective are scored on
those rows with the same objective metric.

Each training job's model is the one it made: the best one is on disk, the others are
retrained exactly as the runner trained them (training channel, own hyperparameters, own
seed) by :func:`tuning.serving.deploy.model_for_training_job`, which checks the retrained
model against the recorded validation objective and keeps it, so a second check is quick.
The test rows are rebuilt from the stored configuration (TestSplitFraction and RandomSeed)
and checked against what the job recorded (the data fingerprint and the test rows' hash,
see :func:`tuning.datasets.fingerprint.held_out_rows_record`), so they are the rows held out.

This is the one module of :mod:`tuning.analysis` that trains models (through Deploy's
retraining) and writes files (the retrained models, beside the best one).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from tuning.datasets.fingerprint import held_out_rows_record
from tuning.errors import TuneLabError, ValidationError
from tuning.job.config import RUN_RECORD
from tuning.records import TrainingJobStatus

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tuning.records import TrainingJob
    from tuning.store.database import Store

__all__ = ["DEFAULT_TOP_K", "GeneralisationCheck", "HoldoutRow", "generalisation_check", "no_test_split_fix",
           "ranked_by_validation"]

DEFAULT_TOP_K = 5
"""How many of the best training jobs (by validation objective) are re-scored on the test split."""
MAX_TOP_K = 50
"""Most training jobs re-scored at once: each one not kept on disk is retrained first."""


@dataclass(frozen=True)
class HoldoutRow:
    """One training job's validation and test scores, and its rank on each among the re-scored jobs."""

    training_job_name: str
    validation_value: float
    test_value: float
    validation_rank: int
    test_rank: int
    hyperparameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GeneralisationCheck:
    """The top-k training jobs on validation and on the test split; ``rows`` in validation order.

    ``completed`` is how many Completed training jobs the tuning job has (the k were the
    best of them); ``test_rows`` how many rows the test split holds.
    """

    tuning_job_name: str
    objective_metric_name: str
    objective_type: str
    rows: list[HoldoutRow]
    completed: int
    test_rows: int
    test_split_fraction: float
    random_seed: int

    @property
    def maximize(self) -> bool:
        return self.objective_type == "Maximize"

    @property
    def winner(self) -> HoldoutRow:
        """The validation winner: the tuning job's best training job."""
        return self.rows[0]

    @property
    def test_winner(self) -> HoldoutRow:
        """The best of the k on the test split (the earlier validation rank on a tie)."""
        return min(self.rows, key=lambda row: (row.test_rank, row.validation_rank))

    @property
    def optimism(self) -> float:
        """How much the winner's validation score overstates its test score, in the metric's
        units: positive when validation looks better than test (the winner's curse)."""
        gap = self.winner.validation_value - self.winner.test_value
        return gap if self.maximize else -gap

    @property
    def winner_wins_on_test(self) -> bool:
        return self.winner.test_rank == 1

    def frame(self) -> pd.DataFrame:
        """The table: one row per training job, validation order, AMT's column names where there are some."""
        metric = self.objective_metric_name
        return pd.DataFrame({
            "TrainingJobName": [row.training_job_name for row in self.rows],
            f"Validation {metric}": [row.validation_value for row in self.rows],
            f"Test {metric}": [row.test_value for row in self.rows],
            "Validation rank": [row.validation_rank for row in self.rows],
            "Test rank": [row.test_rank for row in self.rows],
        })

    @property
    def sentence(self) -> str:
        """The answer in words: does the validation winner also win on test, by how much
        validation overstates its score, and that this is one seed on one split."""
        metric, winner, k = self.objective_metric_name, self.winner, len(self.rows)
        which = f"the {k} best" if k < self.completed else f"all {k}"
        parts = [
            f"{winner.training_job_name} won on validation ({metric} {winner.validation_value:.4g}) and scores "
            f"{winner.test_value:.4g} on the {self.test_rows:,} test rows no training job saw."
        ]
        gap = self.optimism
        if gap > 0:
            parts.append(
                f"Its validation score overstates its test score by {gap:.3g}: the winner's curse, since the best "
                f"of {self.completed} validation scores is also the luckiest.")
        else:
            parts.append(f"Its test score is no worse than its validation score (by {-gap:.3g}): no winner's curse "
                         "shows here.")
        if k == 1:
            parts.append("It was the only Completed training job, so there is no ranking to compare.")
        elif self.winner_wins_on_test:
            tied = sum(row.test_rank == 1 for row in self.rows) > 1
            parts.append(f"It {'ties for first' if tied else 'also wins'} on test among {which} by validation.")
        else:
            best = self.test_winner
            margin = abs(best.test_value - winner.test_value)
            parts.append(
                f"On test it ranks {winner.test_rank} of {k}: {best.training_job_name} (validation rank "
                f"{best.validation_rank}) wins there with {best.test_value:.4g}, better by {margin:.3g}.")
        parts.append(
            f"One seed, one split: each training job was trained once, with one seed, and the test split is one "
            f"random draw of {self.test_rows:,} rows (TestSplitFraction {self.test_split_fraction:g}, RandomSeed "
            f"{self.random_seed}), so small differences can be noise; repeat the tuning job over seeds "
            "before trusting a reordering.")
        return " ".join(parts)


def no_test_split_fix() -> str:
    """How to get a test split, in the user's words: on a new job, every way of making one."""
    return ("Set TestSplitFraction (such as 0.2) on a new tuning job: the Create page's \"Test split\" input, "
            "TuningJobConfig(test_split_fraction=0.2) in Python, \"TestSplitFraction\": 0.2 in TuneLab's JSON, "
            "or the tag tunelab:TestSplitFraction in SageMaker's JSON. A finished job cannot get one: its "
            "training jobs may have seen every row.")


def ranked_by_validation(training_jobs: Sequence[TrainingJob], objective_type: str) -> list[TrainingJob]:
    """The Completed training jobs with a finite objective, best validation value first (the
    earlier job on a tie): the order in which :func:`generalisation_check` takes its top k."""
    maximize = objective_type == "Maximize"
    completed = [t for t in training_jobs
                 if t.status == TrainingJobStatus.COMPLETED and t.final_objective_value is not None
                 and math.isfinite(t.final_objective_value)]
    return sorted(completed, key=lambda t: (-t.final_objective_value if maximize else t.final_objective_value, t.index))


def generalisation_check(store: Store, tuning_job_name: str, top_k: int = DEFAULT_TOP_K) -> GeneralisationCheck:
    """Re-score the ``top_k`` best Completed training jobs (by validation objective) on the test split.

    Refused with a :class:`~tuning.errors.ValidationError` in words: a job without a test
    split (with the fix: TestSplitFraction on a new job), one without Completed training
    jobs, a ``top_k`` that is not a whole number from 1 to 50, and data that changed since
    the job ran (the test rows would not be the ones held out). Training jobs whose model is
    not on disk are retrained first (seconds each on small data; see the module docstring).
    """
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
        raise ValidationError(f"top_k must be a whole number from 1 to {MAX_TOP_K} (how many of the best training "
                              f"jobs to re-score on the test split), but got {top_k!r}.")
    from tuning.serving.deploy import model_for_training_job, prepare_again

    job = store.get_tuning_job(tuning_job_name)  # unknown name: a ValidationError listing known ones
    config = job.config or {}
    fraction = config.get("TestSplitFraction")
    if fraction is None:
        raise ValidationError(
            f"tuning job {tuning_job_name!r} held out no test split, so there are no unseen rows to re-score its "
            f"best training jobs on. {no_test_split_fix()}")
    maximize = job.objective_type == "Maximize"
    completed = ranked_by_validation(store.training_jobs(tuning_job_name), job.objective_type)
    if not completed:
        raise ValidationError(
            f"tuning job {tuning_job_name!r} has no Completed training job yet, so there is nothing to re-score on "
            "its test split. Wait for a training job to complete.")
    top = completed[:top_k]

    unchanged = "so these would not be the rows held out, and nothing was re-scored. Restore the original data."
    _, prepared = prepare_again(job, "re-score its training jobs on the test split",
                                "The test split is rebuilt from the tuning job's configuration and seed", unchanged)
    test = prepared.test
    seed = int(config.get("RandomSeed") or 0)
    recorded = (config.get(RUN_RECORD) or {}).get("TestSplit")
    if recorded is not None and recorded.get("RowsSha256") != held_out_rows_record(test, fraction, seed)["RowsSha256"]:
        raise ValidationError(
            f"cannot re-score tuning job {tuning_job_name!r} on its test split: the rows rebuilt from "
            f"TestSplitFraction {fraction:g} and RandomSeed {seed} are not the {recorded.get('Rows')} rows it held "
            f"out (the data's row order, or the installed scikit-learn, changed), {unchanged}")

    values = []
    for training_job in top:
        predictor = model_for_training_job(store, tuning_job_name, training_job.name)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                output = predictor.output(test.features)
                value = float(prepared.metric(predictor.target_encoder.encode(test.target), output))
        except (TuneLabError, ValueError) as error:
            raise ValidationError(
                f"cannot score training job {training_job.name!r} on the test split of {tuning_job_name!r}: "
                f"{error}. {unchanged}") from None
        values.append(value)

    def better(a: float, b: float) -> bool:
        return a > b if maximize else a < b

    rows = [
        HoldoutRow(
            training_job_name=training_job.name,
            validation_value=float(training_job.final_objective_value),
            test_value=value,
            validation_rank=position + 1,
            test_rank=1 + sum(better(other, value) for other in values),
            hyperparameters=dict(training_job.hyperparameters),
        )
        for position, (training_job, value) in enumerate(zip(top, values))
    ]
    return GeneralisationCheck(
        tuning_job_name=tuning_job_name, objective_metric_name=job.objective_metric_name,
        objective_type=job.objective_type, rows=rows, completed=len(completed), test_rows=test.rows,
        test_split_fraction=float(fraction), random_seed=seed,
    )
