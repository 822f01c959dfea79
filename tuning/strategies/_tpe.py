"""Model-based sampling with Optuna's Tree-structured Parzen Estimator (TPE).

TuneLab's Bayesian strategy is a Gaussian process (``_gaussian_process.py``); TPE stays as
the sampler behind Hyperband, where, as in BOHB, it learns from jobs stopped at different
resources (a PRUNED trial keeps the step it reached), which a plain regression model on
final values cannot tell apart.
"""

from __future__ import annotations

import contextlib
import math
import threading
import warnings
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.exceptions import ExperimentalWarning
from optuna.pruners import NopPruner
from optuna.samplers import TPESampler
from optuna.trial import TrialState, create_trial

from tuning.errors import ValidationError
from tuning.parameters import CategoricalParameter, IntegerParameter, ScalingType
from tuning.strategies._base import MAXIMIZE, Strategy
from tuning.strategies._tpe_view import TPEView

if TYPE_CHECKING:
    from optuna.trial import Trial

    from tuning.parameters import Parameter

__all__ = ["TPEStrategy"]

_OPTUNA_LOCK = threading.RLock()
_ASK_AGAIN = 3
"""How often a repeat of a point already tried is asked again before it is replaced."""


@contextlib.contextmanager
def _quiet_optuna() -> Iterator[None]:
    """Silence Optuna's INFO lines and ExperimentalWarnings for the duration of a call.

    Optuna's verbosity and Python's warning filters are process-wide, so every strategy
    takes one lock around its Optuna calls; the settings are put back afterwards.
    """
    with _OPTUNA_LOCK:
        verbosity = optuna.logging.get_verbosity()
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ExperimentalWarning)
                yield
        finally:
            optuna.logging.set_verbosity(verbosity)


class _Codec:
    """One range as an Optuna distribution, and the translation both ways."""

    def __init__(self, parameter: Parameter) -> None:
        self.parameter = parameter
        self.unit = False
        if isinstance(parameter, CategoricalParameter):
            # Optuna stores the *position* of the value: values such as 1 and True, or a
            # NumPy scalar, would otherwise be confused by equality or by serialisation.
            self.distribution: BaseDistribution = CategoricalDistribution(list(range(len(parameter.values))))
            return
        scaling = parameter.effective_scaling
        if scaling is ScalingType.REVERSE_LOGARITHMIC:
            # Optuna has no reverse-log scale: search the unit interval, map back.
            self.unit = True
            self.distribution = FloatDistribution(0.0, 1.0)
        elif isinstance(parameter, IntegerParameter):
            self.distribution = IntDistribution(
                parameter.min_value, parameter.max_value, log=scaling is ScalingType.LOGARITHMIC
            )
        else:
            self.distribution = FloatDistribution(
                parameter.min_value, parameter.max_value, log=scaling is ScalingType.LOGARITHMIC
            )

    def decode(self, internal: Any) -> Any:
        """Optuna's value -> the hyperparameter value a job runs with."""
        parameter = self.parameter
        if isinstance(parameter, CategoricalParameter):
            return parameter.values[int(internal)]
        if self.unit:
            return parameter.from_unit(float(internal))
        if isinstance(parameter, IntegerParameter):
            return int(internal)
        return float(internal)

    def encode(self, value: Any) -> Any:
        """A (checked) hyperparameter value -> Optuna's value."""
        parameter = self.parameter
        if isinstance(parameter, CategoricalParameter):
            return parameter.index(value)
        if self.unit:
            return parameter.to_unit(value)
        return value

    def same(self, a: Any, b: Any) -> bool:
        if isinstance(self.parameter, CategoricalParameter):
            return self.parameter.index(a) == self.parameter.index(b)
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-15)


class TPEStrategy(Strategy):
    """Learn from finished jobs where the good hyperparameters are, and sample there.

    Bayesian optimisation keeps a probabilistic model of the objective and picks each new
    job where the model expects an improvement. TuneLab uses Optuna's Tree-structured
    Parzen Estimator (TPE): after some random start-up jobs (``n_startup_trials``, 10 by
    default) it splits the results into the good few and the rest, fits a density to each
    (multivariate, so that hyperparameters which work well *together* are modelled
    together), and proposes points that are likely under the good density and unlikely
    under the other. AMT's own Bayesian strategy uses a Gaussian process; the idea is the
    same. Numeric ranges are searched in their scaled space: Logarithmic ranges as Optuna
    log distributions, ReverseLogarithmic ones in the unit interval of
    :meth:`~tuning.parameters.ContinuousParameter.to_unit`.

    Parallel jobs: ``suggest(n)`` asks Optuna for ``n`` trials and keeps them running.
    With TPE's *constant liar*, a running trial counts as a poor result while the next one
    is chosen, so the ``n`` jobs spread out instead of piling onto one point.
    :meth:`observe` tells the matching running trial its result: a failed job (``None``)
    becomes a FAIL trial, a stopped one (``stopped_at``) a PRUNED trial with its last
    value at that step. Results for hyperparameters it never suggested (another strategy's
    jobs, a warm start) are added to the model as finished trials.

    Stopped jobs are censored, not final: Optuna's TPE ranks every PRUNED trial below every
    COMPLETE one (by the step it reached, then by its value there; ``_split_trials`` in
    ``optuna/samplers/_tpe/sampler.py``, as BOHB does with budgets), so a job stopped at
    round 20 counts as "worse than every finished job", never as "scored its interim value".

    Seeds: the same ``random_seed`` and the same sequence of ``suggest`` and ``observe``
    calls, with the same values in the same order, give the same suggestions. With
    parallel jobs the order in which results arrive depends on timing, so a rerun may
    diverge after the first result; there is no guarantee then.
    """

    name = "TPE"

    def __init__(
        self,
        *,
        hyperparameter_ranges: Mapping[str, Parameter],
        objective_type: str = MAXIMIZE,
        random_seed: int | None = None,
        max_jobs: int | None = None,
        n_startup_trials: int = 10,
    ) -> None:
        super().__init__(
            hyperparameter_ranges=hyperparameter_ranges, objective_type=objective_type,
            random_seed=random_seed, max_jobs=max_jobs,
        )
        if isinstance(n_startup_trials, bool) or not isinstance(n_startup_trials, int) or n_startup_trials < 0:
            raise ValidationError(
                f"n_startup_trials must be a whole number of 0 or more, but got {n_startup_trials!r}. "
                "Give the number of random jobs to run before the model is used, such as 10."
            )
        self._n_startup_trials = n_startup_trials
        self._codecs = {name: _Codec(parameter) for name, parameter in self._ranges.items()}
        self._distributions = {name: codec.distribution for name, codec in self._codecs.items()}
        self._pending: list[tuple[Trial, dict[str, Any]]] = []
        with _quiet_optuna():
            self._sampler = TPESampler(n_startup_trials=n_startup_trials, seed=self._random_seed)
            self._study = optuna.create_study(
                direction="maximize" if self._objective_type == MAXIMIZE else "minimize",
                sampler=self._sampler,
                pruner=NopPruner(),
            )

    @property
    def model_in_use(self) -> bool:
        """Whether TPE's densities pick now (after ``n_startup_trials`` results), not random start-up draws."""
        finished = [t for t in self._study.get_trials(deepcopy=False) if t.state in (TrialState.COMPLETE,
                                                                                     TrialState.PRUNED)]
        return len(finished) >= self._n_startup_trials

    def tpe_view(self) -> TPEView:
        """TPE's trials as they stand now, and the good and bad densities they make (for explaining)."""
        return TPEView(self._study, self._distributions, self._codecs, in_use=self.model_in_use)

    @property
    def study(self) -> optuna.Study:
        """The in-memory Optuna study behind the strategy (for inspection, not for writes)."""
        return self._study

    def _suggest(self, n: int) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        with _quiet_optuna():
            for _ in range(n):
                # TPE samples from its densities afresh on every ask, so a repeat of a point
                # already tried is asked again a few times (the refused trial is told FAIL,
                # which TPE ignores); a last repeat goes to the base class's random alternative.
                for attempt in range(_ASK_AGAIN + 1):
                    trial = self._study.ask(fixed_distributions=self._distributions)
                    point = {name: codec.decode(trial.params[name]) for name, codec in self._codecs.items()}
                    if attempt == _ASK_AGAIN or self._seen.is_new(point, also=batch):
                        break
                    self._study.tell(trial, state=TrialState.FAIL)
                self._pending.append((trial, point))
                batch.append(dict(point))
        return batch

    def _replaced(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        """The trial of ``old`` never runs (FAIL); ``new`` becomes a running trial, so that
        the constant liar counts it while it trains."""
        with _quiet_optuna():
            trial = self._match(old)
            if trial is not None:
                self._study.tell(trial, state=TrialState.FAIL)
            self._study.enqueue_trial({name: codec.encode(new[name]) for name, codec in self._codecs.items()},
                                      skip_if_exists=False)
            self._pending.append((self._study.ask(fixed_distributions=self._distributions), dict(new)))

    def _match(self, hyperparameters: dict[str, Any]) -> Trial | None:
        for position, (trial, point) in enumerate(self._pending):
            if all(codec.same(point[name], hyperparameters[name]) for name, codec in self._codecs.items()):
                del self._pending[position]
                return trial
        return None

    def _observe(self, hyperparameters: dict[str, Any], value: float | None, stopped_at: int | None) -> None:
        with _quiet_optuna():
            trial = self._match(hyperparameters)
            if trial is None:
                self._add(hyperparameters, value, stopped_at)
            elif value is None:
                self._study.tell(trial, state=TrialState.FAIL)
            elif stopped_at is not None:
                trial.report(value, stopped_at)
                self._study.tell(trial, state=TrialState.PRUNED)
            else:
                self._study.tell(trial, value)

    def _add(self, hyperparameters: dict[str, Any], value: float | None, stopped_at: int | None) -> None:
        params = {name: codec.encode(hyperparameters[name]) for name, codec in self._codecs.items()}
        if value is None:
            frozen = create_trial(state=TrialState.FAIL, params=params, distributions=self._distributions)
        elif stopped_at is not None:
            frozen = create_trial(
                state=TrialState.PRUNED, value=value, params=params,
                distributions=self._distributions, intermediate_values={stopped_at: value},
            )
        else:
            frozen = create_trial(value=value, params=params, distributions=self._distributions)
        self._study.add_trial(frozen)
