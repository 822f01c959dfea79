"""The course's lesson, step by step: what each screen says, and the tuning job it builds.

Lesson mode (the dashboard's Lesson page) walks a class through one tuning job: the
problem and its data, the job's name, algorithm and metric, the search space, the
objective, the strategy, the launch, the live table, the deployed model, and what the
results say. This module is the lesson as data, with no Streamlit in it, so the page only
draws it and the tests read the same definition:

- :data:`STEPS`, each with its title and the two to four sentences students read;
- :func:`default_lesson_state`, the lesson's settings as plain values (what the page keeps
  in its session state and the student edits): they are
  ``examples/lesson-bank-accuracy.json``, the job lesson 4.3 quotes;
- :func:`lesson_config`, the :class:`~tuning.job.config.TuningJobConfig` those settings
  make, and :func:`check_lesson`, the same through the engine's one gate
  (:func:`tuning.job.preparation.prepare`), whose messages are the ones a student reads;
- :func:`lesson_request`, the CreateHyperParameterTuningJob JSON the lesson quotes, and
  :func:`lesson_state`, the way back: a JSON a teacher prepared becomes the lesson's settings;
- :func:`training_jobs_table`, the table the class watches (Training Job | Max Depth | Eta |
  Gamma | Validation Accuracy), with every stopped job's value said to be interim;
- :func:`config_differences`, in words, between the settings typed and an earlier job a
  teacher prepared before class and the lesson reuses.

It sits above :mod:`tuning.sagemaker` (it writes AWS's JSON) and below only the package's
face and the CLI.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from tuning.algorithms import get_algorithm
from tuning.analysis.resource_use import training_resource
from tuning.analysis.stopped_jobs import stopped_at
from tuning.errors import ValidationError
from tuning.job.config import TuningJobConfig
from tuning.metrics import get_metric
from tuning.parameters import ContinuousParameter, IntegerParameter, Parameter
from tuning.records import TrainingJobStatus
from tuning.sagemaker.request_json import to_sagemaker_request

if TYPE_CHECKING:
    from tuning.datasets import Dataset
    from tuning.records import TrainingJob, TuningJob
    from tuning.store.database import Store

__all__ = [
    "ALGORITHMS",
    "DATASET",
    "LEAKY_COLUMN",
    "MEASURED_OVER_SEEDS",
    "STEPS",
    "STRATEGIES",
    "LessonStep",
    "check_lesson",
    "column_title",
    "config_differences",
    "default_lesson_state",
    "lesson_config",
    "lesson_request",
    "lesson_state",
    "training_jobs_table",
]


@dataclass(frozen=True)
class LessonStep:
    """One screen of the lesson: a short name for the progress line, a title, what students read."""

    key: str
    name: str
    title: str
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


STEPS: tuple[LessonStep, ...] = (
    LessonStep("data", "Data", "The problem and the data", (
        "A Portuguese bank phoned its customers to sell a term deposit; each row is one call, and the "
        "column output says whether the customer said yes.",
        "We want a model that predicts the output for a customer before we call them.",
        "Look first: about nine calls in ten end in 'no', so a model that always says 'no' is already right "
        "nine times in ten, and the column duration is only known once the call is over.",
    )),
    LessonStep("job", "Job", "The tuning job: name, algorithm, objective metric", (
        "A tuning job trains the same algorithm many times, each training job with other hyperparameters, "
        "and keeps the best.",
        "It has a name, an algorithm (here SageMaker's built-in XGBoost, or the simpler Linear Learner) "
        "and one objective metric that decides which training job is best.",
    )),
    LessonStep("ranges", "Search space", "The search space", (
        "Hyperparameters are the settings we choose before training; the search space says, for each one we "
        "tune, the smallest and largest value to try.",
        "max_depth is how deep each tree may grow, eta how big a step each new tree takes, gamma how much a "
        "split must gain to be kept.",
        "Logarithmic scaling tries 0.01 to 0.03 as often as 0.1 to 0.3: right for a value that spans decades.",
    )),
    LessonStep("objective", "Objective", "The objective and its direction", (
        "The objective metric is measured on the validation rows, which no training job learns from.",
        "Its direction says whether higher or lower is better: accuracy is maximised, an error is minimised.",
        "Always keep the baseline beside the score: a score is only good if it beats a model that learnt nothing.",
    )),
    LessonStep("strategy", "Strategy", "The strategy and the budget", (
        "The strategy picks the next hyperparameters to try: Random draws them blindly, Bayesian learns from "
        "the results so far.",
        "MaxNumberOfTrainingJobs is the budget; MaxParallelTrainingJobs how many run at once (more at once "
        "finishes sooner, but Bayesian then learns from fewer results before each choice).",
        "Early stopping Auto stops a training job whose objective falls behind the others' median.",
    )),
    LessonStep("launch", "Launch", "Launch the tuning job", (
        "Launching sends the job to the engine, which checks every setting first and says in words what is "
        "wrong before anything runs.",
        "The job runs in the background: the training jobs run in worker processes, a few at a time.",
    )),
    LessonStep("monitor", "Monitor", "Watch the training jobs", (
        "Each row is one training job, its hyperparameters and the objective it reached on the validation rows.",
        "A stopped job's value is interim: the value it had when early stopping ended it, not what it would "
        "have reached.",
    )),
    LessonStep("deploy", "Deploy", "Deploy the best model and predict", (
        "The best training job's model is kept; deploying it means it answers new rows.",
        "Optionally, AMT's last step retrains the best hyperparameters on all the data (training and "
        "validation rows): the final model. No rows are left to score it, so its quality is the promise of "
        "the validation score, not a new measurement.",
    )),
    LessonStep("analyse", "Analyse", "How eta and max_depth drive accuracy", (
        "Each point is one training job, placed by its eta and max_depth and coloured by its accuracy; the "
        "faint surface is a guess fitted to the points, not a measurement.",
        "The slices show the objective against each hyperparameter alone: a clear slope means that "
        "hyperparameter matters.",
    )),
    LessonStep("wrapup", "Wrap-up", "Wrap-up: Bayesian against Random, and what early stopping saved", (
        "One tuning job is one seed: with another RandomSeed, the same settings find a somewhat different best, "
        "so one run cannot show that Bayesian beats Random.",
        "To compare strategies fairly, repeat them over several seeds (Compare's Repeat over seeds, or the "
        "strategy race) and compare the spreads, not two numbers.",
        "Early stopping's saving is counted below in boosting rounds and seconds.",
    )),
)
"""The lesson's screens, in order (step k of ``len(STEPS)``)."""

STEPS_BY_KEY = {step.key: step for step in STEPS}

MEASURED_OVER_SEEDS = (
    "Over 5 seeds the course measured them about level on this small search space (mean best validation:accuracy "
    "0.9133 Bayesian, 0.9130 Random, with early stopping Auto; well inside the seeds' spread: "
    "bench/results/lesson.md, and the README's \"The course's lesson, measured\")."
)
"""What the wrap-up quotes of the course's own measurement (``bench/bench_lesson.py --seeds 5``), with its source."""

DATASET = "bank-marketing"
LEAKY_COLUMN = "duration"
ALGORITHMS = {"xgboost": "XGBoost", "linear-learner": "Linear Learner"}
"""The algorithms the lesson offers, by name, with their titles."""
STRATEGIES = ("Bayesian", "Random")
OBJECTIVE_TYPES = ("Maximize", "Minimize")

_LESSON_RANGES: dict[str, list[dict[str, Any]]] = {
    "xgboost": [
        {"Name": "max_depth", "Type": "Integer", "MinValue": 3, "MaxValue": 10, "ScalingType": "Linear"},
        {"Name": "eta", "Type": "Continuous", "MinValue": 0.01, "MaxValue": 0.3, "ScalingType": "Logarithmic"},
        {"Name": "gamma", "Type": "Continuous", "MinValue": 0.0, "MaxValue": 5.0, "ScalingType": "Linear"},
    ],
    "linear-learner": [
        {"Name": "learning_rate", "Type": "Continuous", "MinValue": 0.0001, "MaxValue": 1.0,
         "ScalingType": "Logarithmic"},
        {"Name": "l1", "Type": "Continuous", "MinValue": 1e-7, "MaxValue": 1.0, "ScalingType": "Logarithmic"},
        {"Name": "wd", "Type": "Continuous", "MinValue": 1e-7, "MaxValue": 1.0, "ScalingType": "Logarithmic"},
    ],
}
"""Each algorithm's search space in the lesson: XGBoost's is lesson 4.3's; Linear Learner's its AWS ranges."""
_LESSON_STATICS = {"xgboost": {"num_round": 100}, "linear-learner": {"epochs": 15}}
_METRIC = "validation:accuracy"


def default_lesson_state() -> dict[str, Any]:
    """The lesson's settings as plain values: ``examples/lesson-bank-accuracy.json``.

    Plain values (no objects) so a page keeps them in its session state across steps, and
    each algorithm keeps its own search space: switching to Linear Learner and back finds
    XGBoost's ranges as they were typed.
    """
    return {
        "name": "lesson-bayesian",
        "algorithm": "xgboost",
        "metric": {name: _METRIC for name in ALGORITHMS},
        "objective_type": "Maximize",
        "ranges": copy.deepcopy(_LESSON_RANGES),
        "static": copy.deepcopy(_LESSON_STATICS),
        "strategy": "Bayesian",
        "max_jobs": 20,
        "max_parallel_jobs": 3,
        "early_stopping": True,
        "random_seed": 1,
        "exclude_columns": [],
    }


def _range(row: Mapping[str, Any], where: str) -> Parameter:
    low, high = row.get("MinValue"), row.get("MaxValue")
    for bound, value in (("MinValue", low), ("MaxValue", high)):
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError(f"{where}: {bound} must be a number, but got {value!r}.", field=row.get("Name"))
    kind = IntegerParameter if row.get("Type") == "Integer" else ContinuousParameter
    if kind is IntegerParameter:
        for bound, value in (("MinValue", low), ("MaxValue", high)):
            if float(value) != int(value):
                raise ValidationError(f"{where}: {bound} must be a whole number, but got {value!r}.",
                                      field=row.get("Name"))
        low, high = int(low), int(high)
    try:  # the range's own rules (min below max, a known scaling), said at this hyperparameter
        return kind(low, high, row.get("ScalingType", "Auto"))
    except ValidationError as error:
        raise ValidationError(f"{where}: {error}", field=row.get("Name")) from None


def lesson_config(state: Mapping[str, Any], *, dataset: str | Dataset = DATASET) -> TuningJobConfig:
    """The tuning job the lesson's settings describe, checked for what needs no data.

    ``dataset`` may be the loaded bank-marketing (a page passes its cached copy, so checking
    and launching do not read the CSV again). Bad values raise
    :class:`~tuning.errors.ValidationError` in the student's words, naming the hyperparameter;
    :func:`check_lesson` adds the checks against the data.
    """
    algorithm = state["algorithm"]
    if algorithm not in ALGORITHMS:
        raise ValidationError(f"the lesson's algorithm must be one of {', '.join(ALGORITHMS.values())}, "
                              f"but got {algorithm!r}.", field="algorithm")
    ranges = {row["Name"]: _range(row, f"{row['Name']}'s range") for row in state["ranges"][algorithm]}
    name = (state.get("name") or "").strip() or None
    config = TuningJobConfig(
        dataset=dataset,
        algorithm=algorithm,
        objective_metric_name=state["metric"][algorithm],
        objective_type=state["objective_type"],
        hyperparameter_ranges=ranges,
        static_hyperparameters=dict(state["static"][algorithm]),
        strategy=state["strategy"],
        max_jobs=state["max_jobs"],
        max_parallel_jobs=state["max_parallel_jobs"],
        early_stopping_type="Auto" if state["early_stopping"] else "Off",
        random_seed=state["random_seed"],
        name=name,
        exclude_columns=list(state.get("exclude_columns") or []),
    )
    config.check_limits()
    return config


def check_lesson(state: Mapping[str, Any], *, store: Store | None = None,
                 dataset: str | Dataset = DATASET) -> TuningJobConfig:
    """:func:`lesson_config` through the engine's one gate, :func:`~tuning.job.preparation.prepare`.

    The same checks Launch makes (ranges within what the algorithm accepts, the metric's
    direction, the data, a name not yet taken in ``store``), so a page can say what is
    wrong before the button is pressed. Returns the config; a problem raises
    :class:`~tuning.errors.ValidationError` with the engine's sentence.
    """
    from tuning.job.preparation import prepare

    config = lesson_config(state, dataset=dataset)
    prepare(config, store=store)
    return config


def lesson_request(state_or_config: Mapping[str, Any] | TuningJobConfig) -> dict[str, Any]:
    """The CreateHyperParameterTuningJob request of the lesson's settings (or of a config).

    For the default settings it is ``examples/lesson-bank-accuracy.json``, key for key.
    """
    config = (state_or_config if isinstance(state_or_config, TuningJobConfig)
              else lesson_config(state_or_config))
    if not isinstance(config.dataset, str):  # a loaded Dataset is recorded by its name
        config = config.replace(dataset=config.dataset.name)
    return to_sagemaker_request(config)


def lesson_state(config: TuningJobConfig) -> dict[str, Any]:
    """The lesson's settings that make ``config``: :func:`lesson_config`'s inverse.

    A teacher downloads the lesson's JSON, edits or keeps it, and loads it in class; the
    lesson's screens then show those settings. A job the lesson cannot show (another
    dataset or algorithm, a categorical range, Grid or Hyperband) is refused in words.
    """
    state = default_lesson_state()
    if config.dataset != DATASET:
        raise ValidationError(f"the lesson is on {DATASET}, but this job tunes on {config.to_dict()['Dataset']!r}; "
                              "open it on the Create page instead.")
    if config.algorithm not in ALGORITHMS:
        raise ValidationError(f"the lesson shows {' and '.join(ALGORITHMS.values())}, but this job tunes "
                              f"{config.algorithm!r}; open it on the Create page instead.")
    if config.strategy not in STRATEGIES:
        raise ValidationError(f"the lesson compares {' and '.join(STRATEGIES)}, but this job uses {config.strategy}; "
                              "open it on the Create page instead.")
    rows = []
    for name, parameter in config.resolved_ranges().items():
        if not isinstance(parameter, (IntegerParameter, ContinuousParameter)):
            raise ValidationError(f"{name} has a categorical range, which the lesson's search space cannot show; "
                                  "open the job on the Create page instead.")
        rows.append({"Name": name, "Type": "Integer" if isinstance(parameter, IntegerParameter) else "Continuous",
                     "MinValue": parameter.min_value, "MaxValue": parameter.max_value,
                     "ScalingType": parameter.scaling_type})
    algorithm = config.algorithm
    state["algorithm"] = algorithm
    state["ranges"][algorithm] = rows
    state["static"][algorithm] = dict(config.static_hyperparameters)
    if config.objective_metric_name:
        state["metric"][algorithm] = config.objective_metric_name
    state["objective_type"] = config.objective_type or get_metric(state["metric"][algorithm]).direction
    state.update(
        name=config.name or "", strategy=config.strategy, max_jobs=config.max_jobs,
        max_parallel_jobs=config.max_parallel_jobs, early_stopping=config.early_stopping_type == "Auto",
        random_seed=config.random_seed, exclude_columns=list(config.exclude_columns),
    )
    return state


_WORDS = {"eta": "Eta", "l1": "L1", "wd": "Wd"}


def column_title(name: str) -> str:
    """A hyperparameter or metric name as a column title: max_depth -> Max Depth, validation:accuracy
    -> Validation Accuracy."""
    words = name.replace(":", " ").replace("_", " ").split()
    return " ".join(_WORDS.get(word, word.upper() if word in ("auc", "f1", "rmse", "mse", "mae") else
                               word.capitalize()) for word in words)


def training_jobs_table(tuning_job: TuningJob, training_jobs: Sequence[TrainingJob]) -> pd.DataFrame:
    """The lesson's table: Training Job, one column per tuned hyperparameter, the objective, Status.

    The objective column holds numbers (so it sorts); the Status column says of a stopped
    job that its value is interim, and the round it reached ("Stopped: interim, round 10 of
    100"), so no interim value passes for a final one. Newest first, as a class watches it.
    """
    names = list(TuningJobConfig.from_dict(tuning_job.config).resolved_ranges()) if tuning_job.config else []
    if not names:
        names = sorted({name for job in training_jobs for name in job.hyperparameters})
    metric = column_title(tuning_job.objective_metric_name)
    word = get_algorithm(tuning_job.algorithm).resource_step or "step"
    rows = []
    for job in reversed(list(training_jobs)):
        status = job.status
        if job.status == TrainingJobStatus.STOPPED:
            step = stopped_at(job)
            total = training_resource(tuning_job, job) if step is not None else None
            status = ("Stopped: interim" + (f", {word} {step}" if step is not None else "")
                      + (f" of {total}" if total else ""))
        row = {"Training Job": job.name}
        row.update({column_title(name): job.hyperparameters.get(name) for name in names})
        row[metric] = job.final_objective_value
        row["Status"] = status
        rows.append(row)
    columns = ["Training Job", *(column_title(name) for name in names), metric, "Status"]
    return pd.DataFrame(rows, columns=columns)


def _ranges_text(ranges: Mapping[str, Parameter]) -> dict[str, str]:
    return {name: (f"{p.min_value:g}-{p.max_value:g} {p.scaling_type}" if hasattr(p, "min_value") else str(p))
            for name, p in ranges.items()}


def config_differences(typed: TuningJobConfig, earlier: TuningJobConfig) -> list[str]:
    """What an earlier tuning job did otherwise than the settings typed, one phrase each.

    A teacher may run the lesson's job before class and reuse it: the class then sees that
    job's results, and should know where it differs from what is on the screen
    ("MaxNumberOfTrainingJobs: 6 in the earlier job, 20 typed here").
    """
    def facts(config: TuningJobConfig) -> dict[str, Any]:
        data = config.to_dict()
        return {
            "dataset": data["Dataset"],
            "algorithm": config.algorithm,
            "objective metric": config.objective_metric_name,
            "strategy": config.strategy,
            "MaxNumberOfTrainingJobs": config.max_jobs,
            "MaxParallelTrainingJobs": config.max_parallel_jobs,
            "early stopping": config.early_stopping_type,
            "RandomSeed": config.random_seed,
            "columns left out": ", ".join(config.exclude_columns) or "none",
            "static hyperparameters": ", ".join(f"{k} {v}" for k, v in sorted(config.static_hyperparameters.items()))
                                      or "none",
        }

    mine, theirs = facts(typed), facts(earlier)
    found = [f"{key}: {theirs[key]} in the earlier job, {mine[key]} typed here"
             for key in mine if mine[key] != theirs[key]]
    typed_ranges, earlier_ranges = _ranges_text(typed.resolved_ranges()), _ranges_text(earlier.resolved_ranges())
    for name in sorted(set(typed_ranges) | set(earlier_ranges)):
        was, now = earlier_ranges.get(name, "not tuned"), typed_ranges.get(name, "not tuned")
        if was != now:
            found.append(f"{name}: {was} in the earlier job, {now} typed here")
    return found
