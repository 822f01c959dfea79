"""AMT's median stopping rule, checked on hand-made curves in a real Optuna study."""

from __future__ import annotations

import optuna
import pytest

from tuning.early_stopping import AmtMedianStoppingRule, create_pruner

optuna.logging.set_verbosity(optuna.logging.WARNING)


def _study(direction, curves, pruner=None):
    study = optuna.create_study(direction=direction, pruner=pruner or AmtMedianStoppingRule(min_earlier_jobs=3))
    for curve in curves:
        trial = study.ask()
        for step, value in enumerate(curve, start=1):
            trial.report(value, step)
        study.tell(trial, curve[-1])
    return study


def test_stops_a_job_worse_than_the_median_of_running_averages():
    # Running averages at step 3: (1+2+3)/3=2, (2+3+4)/3=3, (3+4+5)/3=4 -> median 3.
    study = _study("maximize", [[1, 2, 3], [2, 3, 4], [3, 4, 5]])
    trial = study.ask()
    for step, value in enumerate([5, 5, 2.9], start=1):
        trial.report(value, step)
    assert trial.should_prune()


def test_uses_running_averages_not_values_at_the_step():
    # Values at step 3 are 10, 10, 10 (median 10), but running averages are 4, 4, 4:
    # a job at 5 is better than the averages' median, so it goes on (Optuna's MedianPruner
    # would stop it: 5 < 10).
    study = _study("maximize", [[1, 1, 10], [1, 1, 10], [1, 1, 10]])
    trial = study.ask()
    for step, value in enumerate([5, 5, 5], start=1):
        trial.report(value, step)
    assert not trial.should_prune()
    median_pruned = _study("maximize", [[1, 1, 10]] * 3, pruner=optuna.pruners.MedianPruner(n_startup_trials=3))
    other = median_pruned.ask()
    for step, value in enumerate([5, 5, 5], start=1):
        other.report(value, step)
    assert other.should_prune()


def test_direction_minimize():
    study = _study("minimize", [[3, 2, 1], [3, 2, 1], [3, 2, 1]])  # averages at step 2: 2.5
    trial = study.ask()
    trial.report(2.0, 1)
    trial.report(2.6, 2)
    assert trial.should_prune()


def test_waits_for_enough_earlier_jobs():
    study = _study("maximize", [[1, 2, 3], [2, 3, 4]])  # only two earlier jobs, rule needs three
    trial = study.ask()
    trial.report(-100.0, 1)
    assert not trial.should_prune()


def test_jobs_that_never_reached_the_step_do_not_count():
    study = _study("maximize", [[9], [9], [1, 1, 1], [1, 1, 1], [1, 1, 1]])
    trial = study.ask()
    for step in (1, 2, 3):
        trial.report(1.5, step)
    assert not trial.should_prune()  # at step 3 only the three weak jobs count


def test_create_pruner_kinds():
    assert isinstance(create_pruner("Off"), optuna.pruners.NopPruner)
    assert isinstance(create_pruner("Auto"), AmtMedianStoppingRule)
    assert isinstance(create_pruner("Hyperband", min_resource=1, max_resource=81), optuna.pruners.HyperbandPruner)
    with pytest.raises(ValueError):
        create_pruner("Sometimes")
