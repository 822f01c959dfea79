"""The hyperparameter lab's plan: one hyperparameter, a handful of values, one Grid tuning job.

A lab shows what one hyperparameter does: it trains the same model once per value, every
other hyperparameter at its default (or at a preset's setting), on the same data with the
same seed, so the values' curves differ by that hyperparameter alone. It is an ordinary
Grid tuning job over a CategoricalParameter of those values (AMT's grid search takes
categorical ranges; :mod:`tuning.strategies._grid`), with early stopping Off so every value
runs its full course: a curve cut short could not show what comes after its best.

The values are spread on the hyperparameter's scaling (:func:`lab_values`): evenly for a
Linear range, by equal ratios for a Logarithmic one (0.0001, 0.001, ..., 1), as a grid
search would pick them; or given one by one.

:data:`LAB_PRESETS` holds the course's five claims (learning rate, batch size, epochs,
regularization, XGBoost's eta), each on a bundled dataset and with settings where the
effect shows in a run of seconds (found by running them; the README's dashboard table
says so), and with the course's words as :class:`Expectation`
s that the lab's reading is checked against. A claim that does not hold in a run is
reported as not holding.

Nothing here runs or stores anything: :mod:`tuning.running.lab` launches a plan.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tuning.algorithms import get_algorithm
from tuning.errors import ValidationError
from tuning.job.config import MAX_PARALLEL_JOBS, TuningJobConfig, check_tuning_job_name
from tuning.job.race_plan import available_cores
from tuning.parameters import CategoricalParameter, ContinuousParameter, IntegerParameter, ScalingType

__all__ = [
    "Behaviour",
    "DEFAULT_LAB_VALUES",
    "Expectation",
    "LAB_PRESETS",
    "LabPlan",
    "LabPreset",
    "MAX_LAB_VALUES",
    "fresh_lab_name",
    "lab_hyperparameters",
    "lab_values",
    "plan_lab",
    "preset",
    "show_value",
]

DEFAULT_LAB_VALUES = 5
"""Values a lab tries unless told otherwise."""
MAX_LAB_VALUES = 8
"""At most this many values: side by side at 1280 px, more curves would be too narrow to read."""
LAB_SEED = 1
"""The lab's fixed seed: every value starts from the same initial weights and data order."""


def _tidy(value: float) -> float:
    """A grid value to four significant digits (0.0316227... -> 0.03162), so labels stay short."""
    return float(f"{value:.4g}") if value else 0.0


def lab_values(low: float, high: float, scaling: str = "Auto", *, count: int = DEFAULT_LAB_VALUES,
               integer: bool = False) -> list[int | float]:
    """``count`` values from ``low`` to ``high`` (both included) on ``scaling``, as a grid search spreads them.

    Logarithmic (or Auto over two orders of magnitude) spaces them by equal ratios. An
    integer range with fewer distinct values than ``count`` gives them all (rounding can
    merge neighbours on a log scale, so fewer may come back).
    """
    if isinstance(count, bool) or not isinstance(count, int) or not 2 <= count <= MAX_LAB_VALUES:
        raise ValidationError(f"a lab tries 2 to {MAX_LAB_VALUES} values, but got {count!r}: give a number "
                              f"such as {DEFAULT_LAB_VALUES}.", field="count")
    if not low < high:
        raise ValidationError(f"a lab's values run from a lower to a higher one, but got from {low:g} to {high:g}: "
                              "swap them (or pick two different values).", field="values")
    if ScalingType.parse(scaling) is ScalingType.LOGARITHMIC and not low > 0:
        raise ValidationError(f"Logarithmic scaling spreads values by equal ratios, so it needs a first value above "
                              f"0, but got {low:g}: start from a small positive value such as 1e-05, or use Linear "
                              "scaling.", field="values")
    parameter = (IntegerParameter(int(low), int(high), scaling) if integer
                 else ContinuousParameter(low, high, scaling))
    values = parameter.grid_values(count)
    return [int(v) for v in values] if integer else [_tidy(v) for v in values]


def lab_hyperparameters(algorithm: str) -> list[str]:
    """The hyperparameters of ``algorithm`` a lab can vary: tunable and numeric (a lab spreads values)."""
    specs = get_algorithm(algorithm).hyperparameters
    return [name for name, spec in specs.items()
            if spec.tunable and spec.choices is None and not spec.text and not spec.words]


@dataclass(frozen=True)
class LabPlan:
    """What a lab runs: its Grid tuning job, and the values in the order they are shown."""

    hyperparameter: str
    values: tuple[Any, ...]
    config: TuningJobConfig
    preset: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        assert self.config.name is not None
        return self.config.name

    def record(self) -> dict[str, Any]:
        """The ``Lab`` entry of the tuning job's RunRecord (how the lab is recognised later)."""
        return {"Hyperparameter": self.hyperparameter, "Values": list(self.values), "Preset": self.preset}


def fresh_lab_name(hyperparameter: str) -> str:
    """A new lab's name when none is given: ``lab-learning-rate-3f9a1c`` (AMT's 32 characters at most)."""
    stem = hyperparameter.replace("_", "-")[:18].strip("-")
    return f"lab-{stem}-{secrets.token_hex(3)}"


def plan_lab(algorithm: str, dataset: str, hyperparameter: str, values: Sequence[Any], *,
             static: Mapping[str, Any] | None = None, objective_metric_name: str | None = None,
             seed: int = LAB_SEED, name: str | None = None, preset: str | None = None,
             cores: int | None = None) -> LabPlan:
    """The Grid tuning job that trains ``algorithm`` once per value of ``hyperparameter``.

    Every other hyperparameter keeps its default, or the value ``static`` gives it. The
    values are checked against the hyperparameter's valid range (the catalogue's gate) and
    must be 2 to :data:`MAX_LAB_VALUES` distinct numbers; they run with as many at a time as
    there are cores (at most one per value). Anything wrong raises
    :class:`~tuning.errors.ValidationError` saying what and how to fix it.
    """
    get_algorithm(algorithm).refuse_untrained([hyperparameter])  # the MLP's dropout: why, and what instead
    spec = get_algorithm(algorithm).hyperparameters.get(hyperparameter)
    usable = lab_hyperparameters(algorithm)
    if spec is None or hyperparameter not in usable:
        raise ValidationError(f"a lab varies one numeric, tunable hyperparameter of {algorithm}, and "
                              f"{hyperparameter!r} is not one; pick one of: {', '.join(usable)}.",
                              field="hyperparameter")
    checked = []
    for value in values:
        typed = spec.from_text(value)
        spec.check_value(typed)
        typed = int(typed) if spec.integer else float(typed)
        if typed in checked:
            raise ValidationError(f"{hyperparameter} {typed} is listed twice: give each value once.", field="values")
        checked.append(typed)
    if not 2 <= len(checked) <= MAX_LAB_VALUES:
        raise ValidationError(f"a lab compares 2 to {MAX_LAB_VALUES} values of {hyperparameter}, but got "
                              f"{len(checked)}: give a few values such as {DEFAULT_LAB_VALUES}.", field="values")
    checked.sort()
    static = dict(static or {})
    if hyperparameter in static:
        raise ValidationError(f"{hyperparameter} is the hyperparameter the lab varies: leave it out of the "
                              "fixed settings.", field="static")
    cores = available_cores() if cores is None else cores
    config = TuningJobConfig(
        dataset=dataset, algorithm=algorithm, objective_metric_name=objective_metric_name, strategy="Grid",
        hyperparameter_ranges={hyperparameter: CategoricalParameter(checked)}, static_hyperparameters=static,
        max_jobs=len(checked), max_parallel_jobs=max(1, min(len(checked), cores, MAX_PARALLEL_JOBS)),
        early_stopping_type="Off", random_seed=seed,
        name=check_tuning_job_name(name) if name else fresh_lab_name(hyperparameter),
    )
    notes = [f"Every value trains with seed {seed} (the same initial weights and data order); one seed, so "
             "close values can swap places under another."]
    return LabPlan(hyperparameter, tuple(checked), config, preset, tuple(notes))


class Behaviour:
    """What a curve did, as the sentence names it (and as a preset's claim expects it)."""

    FAILED = "failed"
    DIVERGES = "diverges"
    OSCILLATES = "oscillates"
    OVERFITS = "overfits"
    PAST_BEST = "past its best"
    STILL_IMPROVING = "still improving"
    HARDLY_LEARNS = "hardly learns"
    UNDERFITS = "underfits"
    NOISIER = "noisier"
    SETTLES_FIRST = "settles first"
    SLOWEST = "slowest to train"
    STEADY = "steady"



def show_value(value: object) -> str:
    """A hyperparameter value as sentences and charts write it: ``0.0001``, ``1``, ``1e-05``, ``64``."""
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Expectation:
    """What the course says one end of the values does, as behaviours a reading can show.

    ``end`` is ``"lowest"`` or ``"highest"`` (of the values tried); the expectation holds when
    that value's reading shows any of ``behaviours`` (``absent=True``: none of them).
    """

    end: str
    behaviours: tuple[str, ...]
    course_says: str
    absent: bool = False

    def check(self, reading: Any) -> tuple[bool, str]:
        """Whether the expectation held in ``reading`` (a :class:`tuning.analysis.curve_reading.LabReading`),
        and a sentence saying so from what was measured."""
        ranked = sorted((r for r in reading.readings), key=lambda r: float(r.value))  # type: ignore[arg-type]
        if not ranked:
            return False, f"The course says {self.course_says}; no value finished, so this lab cannot tell."
        chosen = ranked[0] if self.end == "lowest" else ranked[-1]
        shown = set(chosen.behaviours) & set(self.behaviours)
        held = not shown if self.absent else bool(shown)
        did = ", ".join(chosen.behaviours)
        verdict = "As the course says" if held else "Not as the course says"
        return held, (f"{verdict}: {self.course_says}; here {reading.hyperparameter} {show_value(chosen.value)} "
                      f"was read as: {did}.")


@dataclass(frozen=True)
class LabPreset:
    """One of the course's claims about a hyperparameter, set up where the effect shows."""

    key: str
    title: str
    claim: str
    """The course's words."""
    algorithm: str
    dataset: str
    hyperparameter: str
    low: float
    high: float
    scaling: str
    objective_metric_name: str
    static: Mapping[str, Any]
    expectations: tuple[Expectation, ...]
    count: int = DEFAULT_LAB_VALUES

    def values(self) -> list[int | float]:
        spec = get_algorithm(self.algorithm).hyperparameters[self.hyperparameter]
        return lab_values(self.low, self.high, self.scaling, count=self.count, integer=spec.integer)

    def plan(self, *, name: str | None = None, cores: int | None = None) -> LabPlan:
        return plan_lab(self.algorithm, self.dataset, self.hyperparameter, self.values(), static=self.static,
                        objective_metric_name=self.objective_metric_name, name=name, preset=self.key, cores=cores)


_LOG = str(ScalingType.LOGARITHMIC)
_LINEAR = str(ScalingType.LINEAR)
LAB_PRESETS: tuple[LabPreset, ...] = (
    LabPreset(
        "learning-rate", "Learning rate (neural network)",
        "a high learning rate is fast but risks overshooting; a low one is precise but slow",
        "mlp", "breast_cancer", "learning_rate", 1e-4, 1.0, _LOG, "validation:logloss", {"epochs": 60},
        (Expectation("highest", (Behaviour.DIVERGES, Behaviour.OSCILLATES, Behaviour.FAILED),
                     "a high learning rate risks overshooting"),
         Expectation("lowest", (Behaviour.STILL_IMPROVING,), "a low learning rate is slow"))),
    LabPreset(
        "batch-size", "Batch size (neural network)",
        "small batches: stable but slow; large batches: faster, may be less stable",
        "mlp", "breast_cancer", "mini_batch_size", 4, 128, _LOG, "validation:logloss",
        {"epochs": 40, "learning_rate": 0.03, "hidden_units": 32},
        (Expectation("lowest", (Behaviour.SLOWEST,), "small batches are slow (more steps per epoch)"),
         Expectation("lowest", (Behaviour.NOISIER,),
                     "a small batch's curve is noisier than a large one's (its example: 16 against 256)"),
         Expectation("lowest", (Behaviour.NOISIER, Behaviour.OSCILLATES, Behaviour.DIVERGES),
                     "small batches are stable", absent=True))),
    LabPreset(
        "epochs", "Epochs (neural network)",
        "few epochs underfit; many epochs overfit",
        "mlp", "breast_cancer", "epochs", 10, 200, _LINEAR, "validation:logloss", {"learning_rate": 0.003},
        (Expectation("lowest", (Behaviour.STILL_IMPROVING,), "too few epochs underfit"),
         Expectation("highest", (Behaviour.OVERFITS, Behaviour.PAST_BEST), "too many epochs overfit"))),
    LabPreset(
        "regularization", "Regularization strength alpha (neural network)",
        "high regularization: a simpler model, less overfit",
        "mlp", "breast_cancer", "alpha", 1e-5, 1.0, _LOG, "validation:logloss",
        {"epochs": 100, "learning_rate": 0.01},
        (Expectation("lowest", (Behaviour.OVERFITS, Behaviour.PAST_BEST), "weak regularization overfits"),
         Expectation("highest", (Behaviour.OVERFITS, Behaviour.PAST_BEST),
                     "strong regularization overfits less (validation does not turn worse)", absent=True))),
    LabPreset(
        "eta", "eta, XGBoost's learning rate",
        "a high eta learns fast but risks overshooting; a low eta is slow and needs more rounds",
        "xgboost", "breast_cancer", "eta", 0.01, 1.0, _LOG, "validation:logloss", {"num_round": 150},
        (Expectation("highest", (Behaviour.SETTLES_FIRST, Behaviour.DIVERGES, Behaviour.OSCILLATES),
                     "a high eta is fast (or overshoots)"),
         Expectation("lowest", (Behaviour.STILL_IMPROVING,), "a low eta is slow and needs more rounds"))),
)


def preset(key: str) -> LabPreset:
    """The preset named ``key``; an unknown key is refused, listing the presets."""
    for candidate in LAB_PRESETS:
        if candidate.key == key:
            return candidate
    raise ValidationError(f"no lab preset {key!r}; the presets are: {', '.join(p.key for p in LAB_PRESETS)}.")
