"""TPE's "good" and "bad" densities at one moment, for a student to look into.

TPE (Optuna's Tree-structured Parzen Estimator) splits the results so far into the best
few ("good", γ(n) of n) and the rest ("bad"), fits a Parzen density to each, and picks
points where good/bad is high. :class:`TPEView` keeps the trials TPE had at one moment
(:meth:`tuning.strategies.TPEStrategy.tpe_view`, taken before a suggestion) and rebuilds
those densities with Optuna's own code, so the chart shows what TPE used, not a lookalike.

Why Optuna's private functions: the split (``_split_trials``), the estimator the sampler
builds (``TPESampler._build_parzen_estimator``) and its mixture are what decide TPE's
picks; reimplementing them here would draw a density TPE never used. They are pinned with
Optuna in ``requirements.txt``. One hyperparameter's density is the mixture's marginal: the
multivariate estimator is a mixture of products of one kernel per hyperparameter, so its
marginal is the mixture of that hyperparameter's kernels with the same weights (exact).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from optuna.samplers._tpe.probability_distributions import _MixtureOfProductDistribution
from optuna.samplers._tpe.sampler import _split_trials, default_gamma
from optuna.trial import TrialState

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution
    from optuna.trial import FrozenTrial

__all__ = ["TPEView"]


class TPEView:
    """The trials TPE had at one moment, and the densities it would split them into."""

    def __init__(self, study: optuna.Study, distributions: Mapping[str, BaseDistribution], codecs: Mapping[str, Any],
                 *, in_use: bool) -> None:
        # Finished trials never change in Optuna's in-memory storage (a new state is a new
        # FrozenTrial), so holding these references keeps this moment's picture.
        self._study = study
        self._trials: list[FrozenTrial] = list(study.get_trials(
            deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)))
        self._distributions = dict(distributions)
        self._codecs = dict(codecs)
        self.in_use = in_use
        """Whether TPE's densities picked at this moment (False: its random start-up draws did)."""

    @property
    def finished(self) -> int:
        return sum(trial.state != TrialState.RUNNING for trial in self._trials)

    def split(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The hyperparameters of the "good" and the "bad" trials (running ones count as bad: the constant liar)."""
        below, above = self._below_above()
        return [self._decoded(trial) for trial in below], [self._decoded(trial) for trial in above]

    def densities(self, name: str, values: Sequence[Any]) -> dict[str, np.ndarray]:
        """``good`` and ``bad`` densities of ``name`` at ``values``, and ``log_ratio`` (log good - log bad)."""
        below, above = self._below_above()
        sampler = self._study.sampler
        codec = self._codecs[name]
        column = np.array([float(codec.encode(value)) for value in values]).reshape(-1, 1)
        out = {}
        for key, trials, handle_below in (("good", below, True), ("bad", above, False)):
            estimator = sampler._build_parzen_estimator(self._study, self._distributions, trials,  # noqa: SLF001
                                                        handle_below=handle_below)
            mixture = estimator._mixture_distribution  # noqa: SLF001
            position = list(self._distributions).index(name)
            marginal = _MixtureOfProductDistribution(weights=mixture.weights,
                                                     distributions=[mixture.distributions[position]])
            out[f"log_{key}"] = marginal.log_pdf(column)
            out[key] = np.exp(out[f"log_{key}"])
        out["log_ratio"] = out["log_good"] - out["log_bad"]
        return out

    def _below_above(self) -> tuple[list[FrozenTrial], list[FrozenTrial]]:
        gamma = getattr(self._study.sampler, "_gamma", None) or default_gamma
        return _split_trials(self._study, self._trials, gamma(self.finished))

    def _decoded(self, trial: FrozenTrial) -> dict[str, Any]:
        return {name: codec.decode(trial.params[name]) for name, codec in self._codecs.items() if name in trial.params}
