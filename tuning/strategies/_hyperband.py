"""Hyperband: model-based sampling, with weak jobs stopped early across brackets."""

from __future__ import annotations

from tuning.strategies._tpe import TPEStrategy

__all__ = ["HyperbandStrategy"]


class HyperbandStrategy(TPEStrategy):
    """Spend little on poor hyperparameters: start many jobs, let only the promising finish.

    Hyperband treats training rounds (epochs, boosting rounds) as a budget. It runs jobs
    in *brackets*: in each, jobs are compared after a small resource (``MinResource``
    rounds) and only the best fraction goes on, compared again at a larger resource, and
    so on up to ``MaxResource``; brackets differ in how early and how hard they cut, which
    hedges against curves that start slowly. The stopping is not done here: the tuning
    job runner watches each job's reported values and stops weak ones with Optuna's
    ``HyperbandPruner`` between MinResource and MaxResource.

    This strategy chooses *which* hyperparameters to start with Optuna's TPE, in the
    manner of BOHB (Bayesian Optimisation and HyperBand). A job the runner stopped is
    observed with ``stopped_at``, the step it reached, and becomes a PRUNED trial: TPE
    ranks stopped jobs by how far they got and how well they did there, so it learns from
    them without mistaking a short run for a finished one. With the same seed and the same results in the same order it suggests the same points.
    """

    name = "Hyperband"
    summary = "Starts many jobs with a small budget and lets only the most promising ones train longer."
    settings = ("MinResource", "MaxResource")
    grows_resource = True
    reasoning = ("TPE picks which hyperparameters to start, from where the good and the bad results lie; "
                 "the brackets then decide how long each one trains, cutting the weak ones at each rung.")
