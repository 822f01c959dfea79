"""What every built-in algorithm declares, and the contract a training job runs through.

An algorithm in the catalogue is a thin wrapper around a real model (XGBoost's booster,
a scikit-learn estimator). It declares, as SageMaker's algorithm pages do:

- its hyperparameters, each with a default value, the range AWS recommends tuning over,
  and the values that are valid at all;
- the objective metrics it can emit (all of :mod:`tuning.metrics` that fit the problem);
- its *training resource*: the unit that grows while it trains (boosting rounds, epochs,
  trees). Early stopping and Hyperband watch the objective after each unit and may stop
  the job there. Algorithms without one (k-NN) report once, at the end.

``fit`` trains on numeric arrays and reports the validation objective after each resource
step to a :class:`Reporter`; when the reporter answers "stop", training ends at once and
the model so far is kept (AMT's Stopped training job with its last metric). Beside it goes
the same metric on the training channel (``train_value``), so a learning curve can show
overfitting: training still improving while validation gets worse. It is scored on a fixed
sample of at most :data:`TRAINING_CURVE_ROWS` training rows (:func:`training_sample`): on
bank-marketing's 32,950 training rows, scoring them all every boosting round made a 100-round
XGBoost job 2.8 times as long as scoring validation only, the sample 1.5 times
(``bench/results/training-curves.md``: what is left is one more metric call a round).
"""

from __future__ import annotations

import abc
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from tuning.errors import ValidationError
from tuning.metrics import BINARY, MULTICLASS, REGRESSION, metrics_for

if TYPE_CHECKING:
    from tuning.metrics import ObjectiveMetric
    from tuning.parameters import Parameter

__all__ = [
    "Algorithm",
    "FittedModel",
    "HyperparameterCatalogue",
    "HyperparameterSpec",
    "Reporter",
    "TRAINING_CURVE_ROWS",
    "TrainingData",
    "image_repository",
    "training_sample",
    "training_score",
]

TRAINING_CURVE_ROWS = 5_000
"""The training channel's curve is scored on a fixed sample of at most this many training rows."""
TRAINING_SAMPLE_SEED = 0
"""One sample for every job of a tuning job (not the job's seed): their training curves are comparable."""


@dataclass(frozen=True)
class HyperparameterSpec:
    """One hyperparameter: default, recommended range, valid values, and what it does.

    The fields after ``choices`` carry the rest of AWS's algorithm page, for the
    hyperparameters TuneLab accepts because SageMaker does:

    - ``default_range`` is None for a hyperparameter AWS lists as not tunable (static
      only): a range over it is refused, and the Create page's table leaves it out;
    - ``low_open`` / ``high_open`` make a bound exclusive, as AWS writes ``(1, 2)``;
    - ``words``: words accepted besides numbers (Linear Learner's ``auto``);
    - ``text``: a free-form value (``monotone_constraints="(1,0)"``), checked by ``pattern``;
    - ``note``: set when the value does not change training in TuneLab, saying why; the
      job is launched with that note, and the value is recorded all the same.
    """

    name: str
    default: Any
    default_range: Parameter | None
    description: str
    low: float | None = None
    high: float | None = None
    tuned_by_default: bool = False
    integer: bool = False
    choices: tuple[Any, ...] | None = None
    low_open: bool = False
    high_open: bool = False
    words: tuple[str, ...] = ()
    text: bool = False
    pattern: str | None = None
    note: str | None = None

    @property
    def tunable(self) -> bool:
        """Whether AWS lets a tuning job range over it (its tuning page lists it)."""
        return self.default_range is not None

    def domain(self) -> str:
        """The valid values as AWS's page writes them: ``[0, 1]``, ``(1, 2)``, ``auto or [0, inf)``."""
        if self.choices is not None:
            return f"one of {list(self.choices)}"
        if self.text:
            return "text"
        interval = (f"{'(' if self.low_open else '['}{_fmt(self.low)}, "
                    f"{_fmt(self.high, high=True)}{')' if self.high_open or self.high is None else ']'}")
        if self.low is None:
            interval = "(-inf" + interval[interval.index(","):]
        return " or ".join([*map(repr, self.words), interval]) if self.words else interval

    def from_text(self, value: Any) -> Any:
        """``value`` as this hyperparameter's type; a string is SageMaker's form (``"0.5"``, ``"true"``).

        The one conversion both doors use (``set_hyperparameters`` and the JSON's
        StaticHyperParameters), so ``"True"`` means the same in each.
        """
        if isinstance(value, bool) and (self.choices is not None or self.text):
            value = str(value).lower()
        if self.text:
            return value.strip() if isinstance(value, str) else value
        if not isinstance(value, str):
            if self.integer and isinstance(value, float) and value.is_integer():
                return int(value)
            return value
        text = value.strip()
        if self.choices is not None:
            matches = [choice for choice in self.choices if str(choice).lower() == text.lower()]
            return matches[0] if matches else text
        if text.lower() in self.words:
            return text.lower()
        try:
            number = float(text)
        except ValueError:
            return value  # check_value refuses it, saying what the hyperparameter takes
        if (self.integer or isinstance(self.default, int)) and number.is_integer():
            return int(number)
        return number

    def check_value(self, value: Any) -> None:
        """Refuse a static value outside the valid domain, saying the domain."""
        if self.choices is not None:
            if value not in self.choices:
                raise ValidationError(
                    f"hyperparameter {self.name!r} must be one of {list(self.choices)}, "
                    f"but got {value!r}."
                )
            return
        if self.text:
            if not isinstance(value, str) or (self.pattern and not re.fullmatch(self.pattern, value.replace(" ", ""))):
                raise ValidationError(
                    f"hyperparameter {self.name!r} must be text such as {self.default!r}, but got {value!r}.")
            return
        if isinstance(value, str) and value in self.words:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            words = f" (or {' or '.join(map(repr, self.words))})" if self.words else ""
            raise ValidationError(
                f"hyperparameter {self.name!r} must be a number{words}, but got {value!r}."
            )
        if math.isnan(value) or math.isinf(value):
            raise ValidationError(f"hyperparameter {self.name!r} must be finite, but got {value!r}.")
        if self.integer and not float(value).is_integer():
            raise ValidationError(
                f"hyperparameter {self.name!r} must be a whole number, but got {value!r}."
            )
        self.check_bounds(value, value, what="value")

    def check_bounds(self, low: float, high: float, *, what: str) -> None:
        """Refuse a value or range reaching outside ``[self.low, self.high]`` (open ends excluded)."""
        below = self.low is not None and (low < self.low or (self.low_open and low == self.low))
        above = self.high is not None and (high > self.high or (self.high_open and high == self.high))
        if below or above:
            domain = self.domain()
            shown = f"{low!r}" if what == "value" else f"{low!r} to {high!r}"
            advice = (f"AWS recommends {self.default_range.describe()}" if self.default_range is not None
                      else "as AWS's algorithm page gives it")
            raise ValidationError(
                f"hyperparameter {self.name!r} is valid in {domain}, but the {what} is {shown}. "
                f"Keep it inside {domain} ({advice})."
            )


def _fmt(bound: float | None, *, high: bool = False) -> str:
    if bound is None:
        return "inf" if high else "-inf"
    return f"{bound:g}"


class HyperparameterCatalogue(Mapping[str, HyperparameterSpec]):
    """An algorithm's hyperparameters by name, where an older name still finds today's entry.

    Why: a hyperparameter renamed to the course's (the MLP's ``hidden_layers``, now
    ``num_layers``) must keep working wherever a stored tuning job, a saved JSON or a
    notebook still writes the old name, and every reader looks specs up by the name it was
    given (``hyperparameters[name]``, ``name in hyperparameters``). Looking up an older
    name gives the current entry; iterating gives current names only, so tables and the
    lists in messages show one name per hyperparameter. :meth:`Algorithm.resolve` puts
    today's name on a value before training.
    """

    def __init__(self, specs: Iterable[HyperparameterSpec], *, older_names: Mapping[str, str] | None = None) -> None:
        self._specs = {spec.name: spec for spec in specs}
        self.older_names: dict[str, str] = dict(older_names or {})
        """Older name -> today's name."""
        missing = set(self.older_names.values()) - set(self._specs)
        if missing:
            raise ValueError(f"older names point at hyperparameters the catalogue lacks: {sorted(missing)}")

    def __getitem__(self, name: str) -> HyperparameterSpec:
        return self._specs[self.older_names.get(name, name)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)


@dataclass
class TrainingData:
    """The numeric arrays a training job sees: what the feature encoder made of the channels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_validation: np.ndarray
    y_validation: np.ndarray
    problem_type: str
    n_classes: int = 0
    feature_names: list[str] = field(default_factory=list)


class Reporter(Protocol):
    """Where a training job sends its objective after each resource step."""

    def report(self, step: int, value: float, train_value: float | None = None) -> bool:
        """Record ``value`` (validation) and ``train_value`` (the same metric on the training
        rows, or None) at ``step``; True means: stop training now."""


def training_sample(data: TrainingData, rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The training rows the training-channel curve is scored on: all of them, or a fixed sample.

    Why a sample: scoring every training row after every round costs as much as the
    validation curve times the ratio of the channels' sizes. Seeded with
    :data:`TRAINING_SAMPLE_SEED`, so every job of a tuning job is scored on the same rows;
    every class of a classification target is kept (one row each at least), so a metric
    that needs every class (AUC) can be scored on the sample.
    """
    rows = TRAINING_CURVE_ROWS if rows is None else rows
    total = len(data.y_train)
    if total <= rows:
        return data.x_train, data.y_train
    chosen = np.random.default_rng(TRAINING_SAMPLE_SEED).choice(total, size=rows, replace=False)
    if data.n_classes:
        missing = sorted(set(np.unique(data.y_train)) - set(np.unique(data.y_train[chosen])))
        chosen = np.concatenate([chosen, [int(np.flatnonzero(data.y_train == label)[0]) for label in missing]])
    chosen = np.sort(chosen).astype(int)
    return data.x_train[chosen], data.y_train[chosen]


def training_score(metric: ObjectiveMetric, y: np.ndarray, output: np.ndarray) -> float | None:
    """The objective on the training sample, or None where it cannot be scored (not finite).

    The training curve is there to be looked at, never to decide: a value that cannot be
    scored leaves a gap in it and fails nothing (the validation objective does that).
    """
    try:
        value = float(metric(y, output))
    except ValueError:  # scikit-learn's refusal (a class absent from the rows, say)
        return None
    return value if math.isfinite(value) else None


@dataclass
class FittedModel:
    """A trained model plus what is needed to turn its raw output into predictions."""

    estimator: Any
    n_classes: int
    target_mean: float = 0.0
    target_scale: float = 1.0


class Algorithm(abc.ABC):
    """Base class of the catalogue's algorithms; see the module docstring."""

    name: str = ""
    title: str = ""
    summary: str = ""
    problem_types: tuple[str, ...] = (BINARY, MULTICLASS, REGRESSION)
    resource: str | None = None
    resource_unit: str = ""
    """The resource's unit, plural, for sentences: "boosting rounds"."""
    resource_step: str = ""
    """One step of the resource, for labels: "round" ("stopped at round 20 of 100")."""
    needs_scaling: bool = False
    handles_missing: bool = False
    model_file: str = "model.skops"
    hyperparameters: Mapping[str, HyperparameterSpec] = {}
    fixed_hyperparameters: Mapping[str, Any] = {}
    """Settings TuneLab holds fixed, such as one thread per training job."""
    refused_hyperparameters: Mapping[str, str] = {}
    """Names a course uses that this algorithm cannot train, each with why and what to use
    instead (the MLP's ``dropout``): refused with that sentence wherever they come in
    (:meth:`refuse_untrained`, called by :meth:`resolve`, the gate's name check)."""
    hyperparameter_aliases: Mapping[str, str] = {}
    """Other names AWS's container takes for a hyperparameter, alias to name (XGBoost's ``learning_rate``
    for ``eta``): read as the hyperparameter itself by :meth:`canonical_names`, and recorded under its name."""

    # -- how SageMaker knows it (read by tuning.sagemaker: the JSON, the SDK code, estimators)
    aws_image: str | None = None
    """AWS's image URI (us-east-1, as ``sagemaker.image_uris.retrieve`` gives it) when SageMaker
    has this algorithm built in; TuneLab's own algorithms are written ``tunelab/<name>:latest``."""
    aws_image_aliases: tuple[str, ...] = ()
    """Other image repository names that mean this algorithm (``xgboost`` beside ``sagemaker-xgboost``)."""
    sdk_image: tuple[str, str] | None = None
    """``image_uris.retrieve(framework, region, version=...)``'s framework and version, which the
    SDK code writes for AWS's built-ins; None writes the image itself, to be pushed by the user."""
    derived_from_data: frozenset[str] = frozenset()
    """Static hyperparameters AWS's container needs that TuneLab derives from the data
    (``num_class``, ``feature_dim``): checked like any other (:meth:`static_value`), then
    dropped from a SageMaker request and kept on an estimator only for its record."""

    # -- declarations --------------------------------------------------------------------
    def objective_metrics(self, problem_type: str) -> list[ObjectiveMetric]:
        """The metrics it emits for ``problem_type``: the shared ones and its own (Linear Learner's names)."""
        return metrics_for(problem_type, self.name)

    def default_objective(self, problem_type: str) -> str:
        return {
            BINARY: "validation:auc",
            MULTICLASS: "validation:accuracy",
            REGRESSION: "validation:rmse",
        }[problem_type]

    def default_ranges(self) -> dict[str, Parameter]:
        """The ranges a new tuning job starts from: those tuned by default."""
        return {
            name: spec.default_range
            for name, spec in self.hyperparameters.items()
            if spec.tuned_by_default
        }

    def resolve(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Defaults overlaid with ``values``, by today's names; unknown names refused with the known ones.

        The gate's name check, which every door reaches (:meth:`static_value` for a static
        value, :func:`tuning.job.range_rules.check_ranges` for ranges, and the training job's
        hyperparameters): a refused name (:attr:`refused_hyperparameters`) says why; an older
        name (:class:`HyperparameterCatalogue`) is put under today's.
        """
        self.refuse_untrained(values)
        values = self.current_names(values)
        unknown = sorted(set(values) - set(self.hyperparameters))
        if unknown:
            tunable = [name for name, spec in self.hyperparameters.items() if spec.tunable]
            static = [name for name, spec in self.hyperparameters.items() if not spec.tunable]
            raise ValidationError(
                f"{self.title} has no hyperparameter(s) {', '.join(map(repr, unknown))}; its "
                f"hyperparameters are: {', '.join(tunable)}" + (f"; static only: {', '.join(static)}." if static else ".")
            )
        resolved = {name: spec.default for name, spec in self.hyperparameters.items()}
        resolved.update(values)
        return resolved

    def current_names(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` with each older name replaced by today's; both names of one hyperparameter refused.

        Unlike an alias (:meth:`canonical_names`), an older name stays in what a job records:
        this is applied where values are trained or checked, not where they are stored."""
        def refusal(old: str, today: str, _first: str, _second: str) -> str:
            return (f"{old!r} is the older name of {self.title}'s hyperparameter {today!r}, and both are given. "
                    f"Give it once, as {today!r}.")

        return _one_name_each(values, getattr(self.hyperparameters, "older_names", {}), refusal)

    def refuse_untrained(self, names: Iterable[str], *, where: str = "") -> None:
        """Refuse the first of ``names`` this algorithm cannot train (:attr:`refused_hyperparameters`), saying why."""
        for name in names:
            reason = self.refused_hyperparameters.get(name)
            if reason is not None:
                raise ValidationError(f"{where}{self.title} has no hyperparameter {name!r}: {reason}", field=name)

    def check_problem(self, problem_type: str) -> None:
        if problem_type not in self.problem_types:
            raise ValidationError(
                f"{self.title} does not handle {problem_type}; it handles "
                f"{', '.join(self.problem_types)}."
            )

    # -- SageMaker's names for it -------------------------------------------------------
    def training_image(self) -> str:
        """The TrainingImage TuneLab writes: AWS's URI for a built-in, ``tunelab/<name>:latest`` otherwise."""
        return self.aws_image or f"tunelab/{self.name}:latest"

    def image_repositories(self) -> tuple[str, ...]:
        """The image repository names (between ``/`` and ``:``) that read back as this algorithm."""
        own = (image_repository(self.aws_image),) if self.aws_image else ()
        return own + tuple(self.aws_image_aliases)

    def canonical_names(self, values: Mapping[str, Any], *, where: str = "") -> dict[str, Any]:
        """``values`` (statics or ranges) with each alias under its hyperparameter's name, in order.

        The container maps an alias to its hyperparameter before XGBoost sees it, so TuneLab
        records the hyperparameter's own name (one name per hyperparameter: charts, warm start
        and export compare like with like). Both an alias and its name in one set is refused:
        AWS's container would silently keep whichever came last.
        """
        def refusal(alias: str, own: str, first: str, second: str) -> str:
            return (f"{self.title} hyperparameter {own!r} is given twice, as {first!r} and as {second!r} "
                    f"({alias!r} is another name for {own!r}, which AWS's container also takes). Give it once.")

        return _one_name_each(values, self.hyperparameter_aliases, refusal, where=where)

    def static_value(self, name: str, value: Any, *, where: str = "") -> Any:
        """The one gate for a static hyperparameter, whichever door it came in by.

        ``set_hyperparameters``, SageMaker's StaticHyperParameters, the Create page and
        :func:`tuning.job.preparation.prepare` all call this, so they accept and refuse
        the same values with the same words (``where`` prefixes them: a JSON path, or
        ``set_hyperparameters``): an unknown name lists the known ones; a
        string (SageMaker's form) is typed by the catalogue's spec and checked against its
        valid values (AWS's); :meth:`check_decided` adds what TuneLab cannot train.
        """
        try:
            name = self.hyperparameter_aliases.get(name, name)  # learning_rate is eta's spec
            spec = self.hyperparameters.get(name)
            if spec is None and name in self.derived_from_data:  # AWS's, set from the data: no spec to check
                return value.strip() if isinstance(value, str) else value
            if spec is None:
                self.resolve({name: value})  # refused, listing the known names
            typed = spec.from_text(value)
            spec.check_value(typed)
            return self.check_decided(name, typed)
        except ValidationError as error:
            if not where:
                raise
            raise ValidationError(f"{where}: {error}", field=name) from None

    def training_notes(self, static: Mapping[str, Any]) -> list[str]:
        """One sentence for each value set that does not change training in TuneLab (its spec's note)."""
        notes = []
        for name, value in static.items():
            note = self.value_note(name, value)
            if note:
                shown = str(value).lower() if isinstance(value, bool) else value
                notes.append(f"{self.title} hyperparameter {name}={shown} is accepted and recorded, but does not "
                             f"change training in TuneLab: {note}.")
        return notes

    def range_notes(self, ranges: Mapping[str, Any]) -> list[str]:
        """A warning for each tuned hyperparameter that does not change training in TuneLab (its spec's note).

        Not a refusal: AWS tunes it (its tuning page lists it), and the range is run as given;
        but every value drawn trains the same model here, so the range spends training jobs.
        """
        notes = []
        for name in ranges:
            spec = self.hyperparameters.get(name)
            if spec is not None and spec.note:
                notes.append(f"{self.title} hyperparameter {name} is tuned, but does not change training in "
                             f"TuneLab: {spec.note}. Every value drawn trains the same model here, so its range "
                             "spends training jobs without finding anything; make it static to tune the others.")
        return notes

    def value_note(self, name: str, value: Any) -> str | None:
        """Why ``name=value`` does not change training here (its spec's note), or None when it does."""
        spec = self.hyperparameters.get(name)
        return spec.note if spec is not None else None

    def check_decided(self, name: str, value: Any) -> Any:
        """A checked static value, refused when TuneLab cannot train it though AWS can (an XGBoost ``objective``)."""
        return value

    def check_decided_problem(self, decided: Mapping[str, Any], problem_type: str) -> None:
        """Refuse decided settings (an XGBoost ``objective``) that contradict the data's problem type."""

    # -- training ------------------------------------------------------------------------
    @abc.abstractmethod
    def fit(
        self,
        hyperparameters: Mapping[str, Any],
        data: TrainingData,
        metric: ObjectiveMetric,
        reporter: Reporter,
        *,
        seed: int,
    ) -> FittedModel:
        """Train, reporting the validation objective after each resource step."""

    def output(self, model: FittedModel, x: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, k)`` or regression predictions ``(n,)``."""
        if model.n_classes:
            return np.asarray(model.estimator.predict_proba(x), dtype=np.float64)
        raw = np.asarray(model.estimator.predict(x), dtype=np.float64)
        return raw * model.target_scale + model.target_mean

    # -- artifacts -----------------------------------------------------------------------
    def dump(self, model: FittedModel) -> bytes:
        """The estimator in a format that cannot run code when loaded (skops here)."""
        import skops.io

        return skops.io.dumps(model.estimator)

    def load(self, blob: bytes, *, n_classes: int, target_mean: float, target_scale: float) -> FittedModel:
        from tuning.algorithms.safe_skops import load_skops

        estimator = load_skops(blob, f"the {self.title} model file")
        return FittedModel(estimator, n_classes, target_mean, target_scale)


def _one_name_each(values: Mapping[str, Any], other_names: Mapping[str, str], refusal: Any, *,
                   where: str = "") -> dict[str, Any]:
    """``values`` with each other name (older name or alias) under its hyperparameter's own name, in order.

    Both names of one hyperparameter in one set is refused with ``refusal(other, own, first, second)``:
    which value to keep is the user's to say (AWS's container would silently keep the last one)."""
    named: dict[str, Any] = {}
    written: dict[str, str] = {}
    for name, value in values.items():
        own = other_names.get(name, name) if isinstance(name, str) else name
        if own in named:
            first = written[own]
            other = name if name != own else first
            message = refusal(other, own, first, name)
            raise ValidationError(f"{where}: {message}" if where else message, field=own)
        named[own] = value
        written[own] = name
    return named


def image_repository(image: str) -> str:
    """The repository of an image URI: ``sagemaker-xgboost`` in ``683313688378.dkr.ecr.../sagemaker-xgboost:1.7-1``."""
    return image.rpartition("/")[2].partition(":")[0]


def scaled_regression_target(data: TrainingData) -> tuple[np.ndarray, float, float]:
    """Standardise a regression target for gradient-trained models (SGD, MLP).

    House values near 500,000 make plain SGD diverge; training on the standardised target
    and scaling predictions back keeps the learning rate meaningful across datasets.
    """
    mean = float(np.mean(data.y_train))
    scale = float(np.std(data.y_train)) or 1.0
    return (data.y_train - mean) / scale, mean, scale


def epoch_loop(
    algorithm: Algorithm,
    model: FittedModel,
    step: Any,
    epochs: int,
    data: TrainingData,
    metric: ObjectiveMetric,
    reporter: Reporter,
    *,
    patience: int = 0,
    tolerance: float = 0.0,
) -> FittedModel:
    """Run ``step(epoch)`` ``epochs`` times, reporting the objective after each one.

    Shared by the algorithms trained one pass at a time (SGD, MLP, forests grown in
    chunks); stops as soon as the reporter says so, or, with ``patience`` > 0, once the
    validation objective has not improved by more than ``tolerance`` for ``patience``
    epochs in a row (see :class:`Patience`). Each report carries the training channel's
    objective too, on :func:`training_sample`'s rows.
    """
    waiting = Patience(patience, tolerance, metric.higher_is_better) if patience else None
    x_sample, y_sample = training_sample(data)
    for epoch in range(1, epochs + 1):
        resource = step(epoch)
        value = metric(data.y_validation, algorithm.output(model, data.x_validation))
        if not math.isfinite(value):
            raise FloatingPointError(
                f"the objective became {value} at step {resource}: training diverged "
                "(try a smaller learning rate)"
            )
        train_value = training_score(metric, y_sample, algorithm.output(model, x_sample))
        if reporter.report(resource, value, train_value=train_value):
            break
        if waiting is not None and waiting.run_out(value):
            break
    return model


class Patience:
    """Early stopping patience inside one training job, on the validation objective.

    Why hand-written: scikit-learn's own (``early_stopping=True`` with ``n_iter_no_change``)
    works only inside ``fit``: ``partial_fit``, which trains one epoch at a time so that each
    epoch can be reported, refuses ``early_stopping=True``, and its ``n_iter_no_change`` then
    watches only the training loss, and only to lower an adaptive learning rate. This keeps
    scikit-learn's rule, on the validation objective the training job reports: an epoch
    counts as no improvement when it is not better than the best so far by more than
    ``tolerance`` (``tol``); training ends after ``patience`` such epochs in a row (as Keras's
    ``patience``; scikit-learn's ``n_iter_no_change`` stops one epoch later). The model kept
    is the last one, whose objective is the last reported.
    """

    def __init__(self, patience: int, tolerance: float, higher_is_better: bool) -> None:
        self.patience, self.tolerance, self.sign = int(patience), float(tolerance), 1.0 if higher_is_better else -1.0
        self.best: float | None = None
        self.stale = 0

    def run_out(self, value: float) -> bool:
        """Record ``value``; True when ``patience`` epochs in a row have not improved on the best."""
        score = self.sign * value
        if self.best is not None and score < self.best + self.tolerance:
            self.stale += 1
        else:
            self.stale = 0
        if self.best is None or score > self.best:
            self.best = score
        return self.stale >= self.patience
