"""One-sentence explanations of AMT's concepts, for students, in one place.

The dashboard shows them beside each input and the CLI can print them; keeping them here
(not in a page) means every surface says the same thing in the same words, and the words
are AMT's, so what a student learns transfers to the real service.
"""

from __future__ import annotations

__all__ = ["CONCEPTS", "HYPERPARAMETER_EFFECTS", "SCALING_TYPES", "explain", "hyperparameter_words"]

CONCEPTS: dict[str, str] = {
    "dataset": "The table the models learn from; a fifth of its rows is held out as the validation "
               "channel that scores every training job.",
    "algorithm": "The learning algorithm every training job runs; only its hyperparameters change "
                 "from one training job to the next.",
    "objective_metric": "The number computed on the validation channel that tuning tries to improve; "
                        "its direction says whether higher or lower is better.",
    "ranges": "The search space: for each ticked hyperparameter, the interval (or list of values) "
              "the strategy may pick from; unticked ones keep their Value.",
    "strategy": "How the next hyperparameters are chosen: by a fixed grid, at random, by learning "
                "from finished jobs (Bayesian), or by stopping weak jobs early (Hyperband).",
    "max_jobs": "MaxNumberOfTrainingJobs: how many training jobs (hyperparameter combinations) the "
                "tuning job may run in all.",
    "max_parallel_jobs": "MaxParallelTrainingJobs: how many training jobs run at the same time; more "
                         "is faster, but a Bayesian search learns less between jobs.",
    "early_stopping": "TrainingJobEarlyStoppingType Auto: after a grace period (a tenth of its rounds), a "
                      "training job whose objective is worse than the median of earlier jobs' running "
                      "averages at the same round is stopped, saving time.",
    "scheduler": "Where the training jobs run: this machine's worker processes, or the workers of a "
                 "Dask cluster (its scheduler's address, tcp://HOST:8786), which get the data once and "
                 "stop early just the same.",
    "random_seed": "RandomSeed: the same seed and settings give the same hyperparameters again, so a "
                   "class can reproduce a result.",
    "max_runtime": "MaxRuntimeInSeconds: the tuning job stops when this much wall-clock time has "
                   "passed, keeping the training jobs already finished.",
    "resource": "Hyperband's budget unit (boosting rounds, epochs, trees): weak jobs are stopped "
                "after MinResource, the best ones grow up to MaxResource.",
    "grid_points": "How many evenly spaced values (on the range's scale) Grid tries per numeric "
                   "range; the grid is every combination.",
    "completion_criteria": "TuningJobCompletionCriteria: end the tuning job before MaxNumberOfTrainingJobs "
                           "when a target is reached, when the best stops improving by 1% or more, or "
                           "when the search has converged.",
    "name": "HyperParameterTuningJobName: how this tuning job is listed; leave it empty for a "
            "fresh name made of the algorithm, strategy and time.",
}
"""A strategy's own sentence is on its class (``summary``), an algorithm's on its class too."""

SCALING_TYPES: dict[str, str] = {
    "Auto": "Logarithmic when MinValue > 0 and MaxValue/MinValue >= 100, otherwise Linear.",
    "Linear": "Values spread evenly between MinValue and MaxValue.",
    "Logarithmic": "Each power of ten gets the same share of tries: for ranges such as 0.0001 to 1.",
    "ReverseLogarithmic": "Values crowd near MaxValue: for ranges close to 1, such as 0.9 to 0.9999.",
}


HYPERPARAMETER_EFFECTS: dict[str, str] = {
    "learning rate": "high: fast but risks overshooting; low: precise but slow",
    "batch size": "small: stable but slow; large: faster, may be less stable",
    "epochs": "few: underfit; many: overfit",
    "regularization strength": "high: simpler model, less overfit; low: fits the training rows closer, may overfit",
    "number of layers": "more: can learn more complex patterns, but slower and more prone to overfit",
    "nodes per layer": "more: can learn more complex patterns, but slower and more prone to overfit",
    "momentum": "high: speeds through flat stretches, may overshoot; low: each step on its own, slower",
    "learning-rate decay": "the step shrinks as training goes on: big steps early, precise ones late",
    "early stopping patience": "low: stops soon, may stop too early; high: waits longer, may overfit",
    "optimizer": "sgd takes plain steps (with momentum); adam adapts each weight's step, usually less "
                 "sensitive to the learning rate",
}
"""What the course teaches each hyperparameter does, in its words: the second half of every
such hyperparameter's one-line description (:func:`hyperparameter_words`), so XGBoost's eta,
Linear Learner's learning_rate and the MLP's learning_rate say the same about it."""


def hyperparameter_words(term: str, what: str = "", *, sagemaker: str | None = None,
                         sklearn: str | None = None) -> str:
    """One line for a hyperparameter: the course's ``term``, its SageMaker (or scikit-learn) name, what it
    does here, and the course's effect (:data:`HYPERPARAMETER_EFFECTS`).

    >>> hyperparameter_words("learning rate", "how much each new tree corrects the previous ones", sagemaker="eta")
    'Learning rate (SageMaker: eta): how much each new tree corrects the previous ones; high: fast but risks overshooting; low: precise but slow.'
    """
    names = [f"SageMaker: {sagemaker}"] * bool(sagemaker) + [f"scikit-learn: {sklearn}"] * bool(sklearn)
    head = term[0].upper() + term[1:] + (f" ({'; '.join(names)})" if names else "")
    return f"{head}: {what + '; ' if what else ''}{HYPERPARAMETER_EFFECTS[term]}."


def explain(concept: str) -> str:
    """The sentence for ``concept`` (a key of :data:`CONCEPTS`); KeyError names the known ones."""
    try:
        return CONCEPTS[concept]
    except KeyError:
        raise KeyError(f"no explanation for {concept!r}; known: {', '.join(CONCEPTS)}") from None
