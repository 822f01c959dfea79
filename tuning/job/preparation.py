"""Preparing a tuning job: a configuration checked against its data and algorithm, ready to run.

:func:`prepare` is the gate every way of starting a job passes (the runner, a resume,
Deploy's retraining, a rerun over seeds): it loads the channels, resolves the metric,
the ranges and the strategy's settings, and refuses a bad configuration with a clear
message before anything is written. It is the one place that checks a job whole: the
readers of a job (TuneLab's and SageMaker's JSON, the SDK tuner, the Create page) leave
the rules to it and its data-free part, :meth:`TuningJobConfig.check_limits`, and name
its errors' ``field`` in their own words (see :mod:`tuning.errors`). It also builds the
job's strategy, once: the runner searches with that one.

:func:`encode_channels` then turns the prepared channels into the numeric arrays a
training job sees, through :func:`training_data`, which Deploy's retraining uses too (it
lives here, below :mod:`tuning.serving` and beside the channels it encodes, so both
import it downwards). The tuning loop itself lives in :mod:`tuning.running.runner`.
"""

from __future__ import annotations

import secrets

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tuning.algorithms import Algorithm, TrainingData, get_algorithm
from tuning.job.autotune_choice import apply_autotune
from tuning.job.config import TuningJobConfig, check_tuning_job_name, hyperband_resource_errors
from tuning.datasets import Dataset, hold_out_test_rows, load_dataset, split_channels, without_columns
from tuning.job.early_stopping import default_grace_period
from tuning.errors import ValidationError
from tuning.datasets.features import TargetEncoder, build_preprocessor
from tuning.datasets.libsvm_reading import LibsvmChannel, check_libsvm_algorithm, load_libsvm_channel
from tuning.datasets.shards import csv_shards, load_csv_channel
from tuning.metrics import REGRESSION, ObjectiveMetric, get_metric
from tuning.job.range_rules import check_ranges
from tuning.parameters import CategoricalParameter
from tuning.paths import names_a_file
from tuning.strategies import MAX_RANDOM_SEED, create_strategy, strategy_class, strategy_classes

from tuning.job.warm_start import WarmStart, load_warm_start

if TYPE_CHECKING:
    import pandas as pd

    from tuning.parameters import Parameter
    from tuning.store.database import Store
    from tuning.strategies import Strategy

__all__ = ["PreparedTuningJob", "check_test_split_can_score", "encode_channels", "fresh_name", "grace_period_for",
           "default_max_resource", "hyperband_resources", "load_channel", "prepare", "training_data"]


@dataclass
class PreparedTuningJob:
    """A configuration checked against its data: everything the loop needs."""

    config: TuningJobConfig
    name: str
    algorithm: Algorithm
    metric: ObjectiveMetric
    objective_type: str
    ranges: dict[str, Parameter]
    static: dict[str, Any]
    strategy_name: str
    strategy: Strategy
    """The job's search strategy, built once by :func:`prepare` (already informed by the
    parents' results when warm-started): the runner searches with this one."""
    max_jobs: int
    train: Dataset
    validation: Dataset
    pruning: str
    min_resource: int | None = None
    max_resource: int | None = None
    notes: list[str] = field(default_factory=list)
    warm_start: WarmStart | None = None
    test: Dataset | None = None
    """The test split (TestSplitFraction), or ``None``: rows taken out of the dataset before
    the train/validation split, which no training job trains or is scored on while tuning.
    Only :mod:`tuning.analysis.holdout` reads it, after the job."""

    def training_hyperparameters(self, tuned: Mapping[str, Any]) -> dict[str, Any]:
        """What a training job with the ``tuned`` values trains with: the statics overlaid with them.

        Under Hyperband a tuned resource (``num_round`` drawn from its range, as AWS's Hyperband
        example tunes it) is capped at MaxResource, as AMT stops a job there ("Once a job reaches
        the MaxResource value, it is stopped", API_HyperbandStrategyConfig). The runner, Deploy
        and the saved model all read it here, so the model kept is the model that was trained.
        """
        full = self.algorithm.resolve({**self.static, **tuned})  # an older name (hidden_layers) under today's
        resource = self.algorithm.resource
        if self.pruning == "Hyperband" and resource in self.ranges and self.max_resource is not None:
            full[resource] = min(int(full[resource]), int(self.max_resource))
        return full


def load_channel(channel: Any, target: str | None, what: str) -> Dataset:
    if isinstance(channel, Dataset):
        return channel
    if isinstance(channel, LibsvmChannel):
        return load_libsvm_channel(channel.path, name=channel.name)
    if names_a_file(channel):  # '../../etc/passwd' is a (refused) dataset name, never read
        path = Path(channel)  # a CSV file, or a folder or path prefix of CSV shards (as an S3 prefix)
        try:
            csv_shards(path)
        except ValidationError as error:
            raise ValidationError(f"{what}: {error}") from None
        return load_csv_channel(path, target=target, name=path.stem or None)
    if isinstance(channel, str):
        return load_dataset(channel)
    raise ValidationError(f"{what} must be a dataset name, a CSV path or a Dataset, but got {type(channel).__name__}.")


def check_channels_can_score(whole: Dataset, train: Dataset, validation: Dataset, fraction: float) -> None:
    """Refuse a split whose validation channel cannot score a model, saying how many rows would.

    Why before anything runs: a 3-row dataset split 80/20 leaves one validation row, of one
    class; AUC is then undefined, every training job ended Failed with "the final objective
    is nan: the model diverged", and the cause was the data, not the model.
    """
    if whole.problem_type == REGRESSION:
        if validation.rows >= 2 and train.rows >= 2:
            return
        needed = max(4, math.ceil(2 / fraction))
        raise ValidationError(
            f"{whole.name} has {whole.rows:,} rows: the split leaves {train.rows:,} for training and "
            f"{validation.rows:,} for validation, too few to train and score a model. Give at least "
            f"{needed} rows (with ValidationFraction {fraction:g}), or a validation_dataset of its own."
        )
    classes = whole.target.nunique()
    present = validation.target.nunique()
    if present >= 2 and train.target.nunique() >= 2:
        return
    needed = max(2 * classes, math.ceil(classes / fraction))
    raise ValidationError(
        f"{whole.name} has {whole.rows:,} rows: the split leaves {validation.rows:,} validation row(s), "
        f"holding {present} of its {classes} classes, so no objective metric can score a model there "
        f"(AUC needs both classes, accuracy of one class says nothing). Give at least {needed} rows, "
        f"at least 2 of each class (with ValidationFraction {fraction:g}), or a larger validation_fraction."
    )


def check_test_split_can_score(whole: Dataset, rest: Dataset, test: Dataset, fraction: float) -> None:
    """Refuse a test split that cannot score a model, or leaves too little to tune on, in words with the fix.

    The rule of :func:`check_channels_can_score`, for the test split: at least 2 test rows
    (a regression) or 2 classes among them (classification), and at least 2 rows or 2
    classes left for the train/validation split, which is checked after it.
    """
    if whole.problem_type == REGRESSION:
        if test.rows >= 2 and rest.rows >= 4:
            return
        needed = max(8, math.ceil(2 / fraction))
        raise ValidationError(
            f"{whole.name} has {whole.rows:,} rows: TestSplitFraction {fraction:g} holds out {test.rows:,} as a test "
            f"split and leaves {rest.rows:,} to tune on, too few to train, validate and test a model. Give at least "
            f"{needed} rows, or a larger test_split_fraction (below 0.5), or leave the test split out.",
            field="test_split_fraction")
    classes = whole.target.nunique()
    present = test.target.nunique()
    if present >= 2 and rest.target.nunique() >= 2:
        return
    needed = max(4 * classes, math.ceil(classes / fraction))
    raise ValidationError(
        f"{whole.name} has {whole.rows:,} rows: TestSplitFraction {fraction:g} holds out {test.rows:,} test row(s), "
        f"holding {present} of its {classes} classes, so no objective metric can score a model there. Give at "
        f"least {needed} rows, at least 4 of each class, or a larger test_split_fraction (below 0.5), or leave "
        "the test split out.", field="test_split_fraction")


def prepare(config: TuningJobConfig, *, store: Store | None = None, resuming: bool = False) -> PreparedTuningJob:
    """Check ``config`` against its data and algorithm; refuse it with a clear message.

    Nothing is written: a refused configuration leaves the store as it was. A name
    already in the store is refused, unless ``resuming`` (:mod:`tuning.running.resume`) that job.
    """
    config.check_limits()
    if store is not None:
        store.check_readable_channels(config)  # class mode: a student reads only what is theirs to read
    if config.autotune is not None and not config.autotune.applied:  # AMT's Autotune: what was left out, chosen
        config = apply_autotune(config, load_channel(config.dataset, config.target, "dataset").rows)
        config.check_limits()
    algorithm = get_algorithm(config.algorithm)
    for channel, what in ((config.dataset, "dataset"), (config.validation_dataset, "validation_dataset")):
        if isinstance(channel, LibsvmChannel):
            check_libsvm_algorithm(algorithm.name, f"{what} (ContentType text/libsvm)")
    strategy_cls = strategy_class(config.strategy)  # an unknown name is refused here, listing the known ones
    strategy_name = strategy_cls.name
    train = load_channel(config.dataset, config.target, "dataset")
    test = None
    if config.test_split_fraction is not None:
        # Out first, so neither channel (nor the strategy, nor the validation objective) ever holds a test row.
        whole = train
        try:
            train, test = hold_out_test_rows(whole, test_fraction=config.test_split_fraction,
                                             random_seed=config.random_seed or 0)
        except ValidationError as error:
            raise ValidationError(f"{error} (the test split, TestSplitFraction {config.test_split_fraction:g}; "
                                  "give more rows, or leave the test split out)", field="test_split_fraction") from None
        check_test_split_can_score(whole, train, test, config.test_split_fraction)
    if config.validation_dataset is not None:
        validation = load_channel(config.validation_dataset, config.target or train.target_name, "validation_dataset")
        if list(validation.features.columns) != list(train.features.columns):
            raise ValidationError(
                "the validation channel's columns differ from the training channel's: "
                f"{list(validation.features.columns)} vs {list(train.features.columns)}. Give both "
                "channels the same columns."
            )
    else:
        whole = train
        try:
            train, validation = split_channels(train, validation_fraction=config.validation_fraction,
                                               random_seed=config.random_seed or 0)
            check_channels_can_score(whole, train, validation, config.validation_fraction)
        except ValidationError as error:
            if test is None:
                raise
            raise ValidationError(  # the rows counted are those left once the test split is out: say so
                f"{error} These are the rows left after the test split of {test.rows:,} (TestSplitFraction "
                f"{config.test_split_fraction:g}); a smaller TestSplitFraction leaves more.", field=error.field) from None
    # ExcludeColumns: out of both channels before anything is fitted, so no model (and no endpoint) sees them.
    train, validation = (without_columns(channel, config.exclude_columns) for channel in (train, validation))
    if test is not None:
        test = without_columns(test, config.exclude_columns)
    algorithm.check_problem(train.problem_type)
    metric_name = config.objective_metric_name or algorithm.default_objective(train.problem_type)
    metric = get_metric(metric_name, problem_type=train.problem_type, objective_type=config.objective_type,
                        algorithm=algorithm.name)

    algorithm.resolve(config.static_hyperparameters)  # every unknown name at once, listing the known ones
    static = {name: algorithm.static_value(name, value) for name, value in config.static_hyperparameters.items()}
    resolved = algorithm.resolve(static)
    metric = metric.bound(resolved)  # f_beta, accuracy_top_k, loss: static, so one binding scores every job
    ranges = config.hyperparameter_ranges
    ranges = check_ranges(algorithm, algorithm.default_ranges() if ranges is None else ranges, static)

    pruning = config.early_stopping_type
    min_resource = max_resource = None
    if strategy_cls.grows_resource:
        if pruning != "Off":
            raise ValidationError(
                f"early stopping must be Off with the {strategy_name} strategy (as in AMT): {strategy_name} "
                "already stops weak training jobs early. Set early_stopping_type='Off'."
            )
        if algorithm.resource is None:
            raise ValidationError(
                f"{strategy_name} needs a training resource to grow, and {algorithm.title} has none. "
                "Use the Bayesian or Random strategy for it."
            )
        min_resource, max_resource = hyperband_resources(config, default_max_resource(algorithm, resolved, ranges))
        budget_errors = hyperband_resource_errors(min_resource, max_resource,
                                                  algorithm.hyperparameters[algorithm.resource])
        if budget_errors:
            raise ValidationError(next(iter(budget_errors.values())), field="strategy_config")
        if algorithm.resource not in ranges:  # tuned, each job trains its own value, up to MaxResource
            static[algorithm.resource] = max_resource
        pruning = "Hyperband"  # the pruner that grows a resource: Optuna's HyperbandPruner
    elif config.strategy_config.get("MinResource") or config.strategy_config.get("MaxResource"):
        growing = " or ".join(cls.name for cls in strategy_classes() if cls.grows_resource)
        raise ValidationError(f"StrategyConfig MinResource and MaxResource apply to the {growing} strategy only.")
    if pruning == "Auto" and algorithm.resource is None:
        raise ValidationError(
            f"early stopping has nothing to watch: {algorithm.title} reports its objective once, at "
            "the end. Set early_stopping_type='Off'."
        )
    if pruning == "Auto":
        min_resource, max_resource = grace_period_for(config, algorithm, resolved, ranges)

    max_jobs = config.max_jobs
    # The one strategy of this launch: built here, where every setting it takes has been checked.
    # Without a RandomSeed the strategy still gets one, drawn here, so that its record of
    # calls can be replayed exactly (tuning.explain.replay); the job itself stays unseeded.
    strategy_seed = config.random_seed if config.random_seed is not None else secrets.randbelow(MAX_RANDOM_SEED + 1)
    strategy = create_strategy(
        strategy_name, ranges, objective_type=metric.direction, random_seed=strategy_seed,
        max_jobs=max_jobs, grid_points=config.strategy_config.get("GridPoints", 5),
    )
    if max_jobs is None:
        if strategy.total_jobs is None:
            raise ValidationError("max_jobs (MaxNumberOfTrainingJobs) is required for the "
                                  f"{strategy_name} strategy; only Grid sets it from the grid.", field="max_jobs")
        max_jobs = strategy.total_jobs
    name = config.name or fresh_name(algorithm.name, strategy_name, store)
    check_tuning_job_name(name)
    if store is not None and not resuming and store.tuning_job_exists(name):
        raise ValidationError(
            f"a tuning job named {name!r} already exists in this store. Pick another name "
            "(or leave the name out to get a fresh one)."
        )
    warm_start = None
    if config.warm_start_config is not None:
        if store is None:
            raise ValidationError("warm start needs the store that holds the parent tuning jobs: pass store=.")
        warm_start = load_warm_start(
            config.warm_start_config, store, algorithm=algorithm.name, metric_name=metric.name,
            strategy_name=strategy.name, ranges=ranges, static=algorithm.resolve(static),
            child_config=config.to_dict(), child_name=name,
        )
        warm_start.feed(strategy)
    return PreparedTuningJob(
        config=config, name=name, algorithm=algorithm, metric=metric, objective_type=metric.direction,
        ranges=ranges, static=static, strategy_name=strategy.name, strategy=strategy, max_jobs=int(max_jobs),
        train=train, validation=validation, pruning=pruning,
        min_resource=min_resource, max_resource=max_resource,
        notes=(algorithm.training_notes(static) + algorithm.range_notes(ranges)
               + (list(warm_start.notes) if warm_start else [])),
        warm_start=warm_start, test=test,
    )


def hyperband_resources(config: TuningJobConfig, resource: int) -> tuple[Any, Any]:
    """Hyperband's (MinResource, MaxResource) as the StrategyConfig gives them: MinResource
    1 and MaxResource the algorithm's ``resource`` (its resolved number of rounds) by default.

    One place, so that :mod:`tuning.analysis.hyperband_plan` reads a stored job's budget
    exactly as the runner's pruner was given it. Not checked here (see :func:`prepare`).
    """
    return config.strategy_config.get("MinResource", 1), config.strategy_config.get("MaxResource", resource)


def default_max_resource(algorithm: Algorithm, resolved: Mapping[str, Any], ranges: Mapping[str, Parameter]) -> int:
    """Hyperband's MaxResource when StrategyConfig gives none: the resource's largest tuned value
    when it is tuned (no job is cut short), its static value otherwise.

    AMT infers MaxResource only from an ``epochs``-like static hyperparameter and refuses the
    job otherwise; TuneLab fills it in (README, "Where TuneLab differs").
    """
    tuned = ranges.get(algorithm.resource)
    if tuned is None:
        return resolved[algorithm.resource]
    if isinstance(tuned, CategoricalParameter):
        return int(max(float(value) for value in tuned.values))
    return int(tuned.max_value)


def grace_period_for(config: TuningJobConfig, algorithm: Algorithm, resolved: dict[str, Any],
                  ranges: dict[str, Parameter]) -> tuple[int, int]:
    """Early stopping Auto's (grace period, job resource): no job is judged before the first.

    When the resource itself is tuned, the shortest job's resource counts, so that the
    grace period never reaches past a job's end.
    """
    resource = algorithm.resource
    tuned = ranges.get(resource)
    total = int(tuned.min_value if tuned is not None and not isinstance(tuned, CategoricalParameter)
                else resolved[resource])
    grace = config.early_stopping_grace_period
    if grace is None:
        return default_grace_period(total), total
    if grace >= total:
        raise ValidationError(
            f"early_stopping_grace_period is {grace} {algorithm.resource_unit}, but a training job trains "
            f"{total} ({resource}={total}): early stopping could never stop anything. Give a grace period "
            f"below {total}, such as {default_grace_period(total)}, or turn early stopping Off."
        )
    return grace, total


def fresh_name(algorithm: str, strategy: str, store: Store | None) -> str:
    """``<algorithm>-<strategy>-<stamp>``, unique in ``store`` (see :mod:`tuning.job.naming`)."""
    from tuning.job.naming import stamped_name

    return stamped_name(f"{algorithm[:10].strip('-')}-{strategy[:5].lower()}",
                        lambda name: store is not None and store.tuning_job_exists(name))


def encode_channels(prepared: PreparedTuningJob) -> tuple[TrainingData, Any, TargetEncoder]:
    """Fit the feature encoder on the training channel; encode both channels once."""
    algorithm, train, validation = prepared.algorithm, prepared.train, prepared.validation
    preprocessor = build_preprocessor(
        train.features, scale=algorithm.needs_scaling, impute=not algorithm.handles_missing
    )
    preprocessor.fit(train.features)
    target_encoder = TargetEncoder(train.problem_type, train.classes)
    data = training_data(preprocessor, target_encoder, train.features, train.target, validation)
    return data, preprocessor, target_encoder


def training_data(preprocessor: Any, target_encoder: TargetEncoder, features: pd.DataFrame,
                  target: pd.Series, validation: Dataset) -> TrainingData:
    """The arrays a training job sees: ``features``/``target`` to train on and the
    ``validation`` channel, through a *fitted* feature encoder and target encoder.

    The one place that builds a :class:`~tuning.algorithms.TrainingData`: the tuning run
    (:func:`encode_channels`), Deploy's retraining of a training job (the saved encoders,
    the same channels) and its final model (train + validation to train on) all call it,
    so a model is always fed the same way. The encoders' own errors (a category the
    encoder never saw...) come out as they are, for the caller to explain.
    """
    return TrainingData(
        x_train=np.asarray(preprocessor.transform(features), dtype=np.float32),
        y_train=target_encoder.encode(target),
        x_validation=np.asarray(preprocessor.transform(validation.features), dtype=np.float32),
        y_validation=target_encoder.encode(validation.target),
        problem_type=target_encoder.problem_type,
        n_classes=target_encoder.n_classes,
    )
