"""AMT's median stopping rule, checked on hand-made curves in a real Optuna study."""

from __future__ import annotations

import optuna
import pytest

from tuning.job.early_stopping import AmtMedianStoppingRule, create_pruner

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


# -- issue 12: decide on evidence ------------------------------------------------------------

def _report(trial, curve):
    for step, value in enumerate(curve, start=1):
        trial.report(value, step)


def test_no_job_is_judged_before_the_grace_period():
    rule = AmtMedianStoppingRule(min_earlier_jobs=3, grace_period=4)
    study = _study("maximize", [[1, 2, 3, 4, 5]] * 3, pruner=rule)
    trial = study.ask()
    _report(trial, [0, 0, 0])  # far below the median at steps 1-3
    assert not trial.should_prune()
    trial.report(0, 4)  # at the grace period it is judged
    assert trial.should_prune()


def test_no_decision_while_most_compared_curves_are_on_their_starting_plateau():
    # Every earlier model still scores its first value (the majority class) at step 3:
    # their median tells hyperparameters apart not at all.
    rule = AmtMedianStoppingRule(min_earlier_jobs=3, grace_period=1)
    study = _study("maximize", [[0.887, 0.887, 0.887, 0.95], [0.887, 0.887, 0.887, 0.96], [0.887, 0.887, 0.9, 0.97]],
                   pruner=rule)
    trial = study.ask()
    _report(trial, [0.5, 0.5, 0.5])
    assert not trial.should_prune()  # two of three compared curves still flat at step 3
    trial.report(0.5, 4)
    assert trial.should_prune()  # at step 4 they have moved: now there is evidence


def test_a_float_rounding_difference_from_the_median_stops_nothing():
    # The running average of three equal values can differ from them in the last bit.
    value = 0.8873512988589464
    rule = AmtMedianStoppingRule(min_earlier_jobs=3, grace_period=1)
    study = _study("maximize", [[value, value, value, 0.9]] * 2 + [[0.8, value, value, 0.9]], pruner=rule)
    trial = study.ask()
    _report(trial, [value, value, value])
    assert not trial.should_prune()


def test_auto_pruner_takes_the_grace_period_from_min_resource():
    assert create_pruner("Auto", min_resource=10).grace_period == 10
    assert create_pruner("Auto").grace_period == 1


def test_default_grace_period_is_a_tenth_of_the_resource():
    from tuning.job.early_stopping import DEFAULT_GRACE_SHARE, default_grace_period

    assert DEFAULT_GRACE_SHARE == 0.1
    assert [default_grace_period(r) for r in (100, 5, 1, 250)] == [10, 1, 1, 25]


@pytest.mark.parametrize("bad", [0, -1, 2.5, "10", True, float("nan")])
def test_a_bad_grace_period_is_refused_in_words(bad):
    from tuning import TuningJobConfig, ValidationError

    with pytest.raises(ValidationError, match="early_stopping_grace_period must be a whole number of training rounds"):
        TuningJobConfig(dataset="iris", early_stopping_type="Auto", early_stopping_grace_period=bad).check_limits()


def test_a_grace_period_without_early_stopping_is_refused():
    from tuning import TuningJobConfig, ValidationError

    with pytest.raises(ValidationError, match="applies to early stopping Auto only"):
        TuningJobConfig(dataset="iris", early_stopping_grace_period=5).check_limits()


def test_grace_period_round_trips_through_both_json_shapes():
    from tuning import TuningJobConfig
    from tuning.sagemaker.request_json import TAG_GRACE_PERIOD, from_sagemaker_request, to_sagemaker_request

    config = TuningJobConfig(dataset="bank-marketing", early_stopping_type="Auto", early_stopping_grace_period=15,
                             max_jobs=4, random_seed=1)
    assert config.to_dict()["EarlyStoppingGracePeriod"] == 15
    assert TuningJobConfig.from_dict(config.to_dict()).early_stopping_grace_period == 15
    request = to_sagemaker_request(config)
    assert {"Key": TAG_GRACE_PERIOD, "Value": "15"} in request["Tags"]
    assert from_sagemaker_request(request).early_stopping_grace_period == 15
    assert "EarlyStoppingGracePeriod" not in TuningJobConfig(dataset="iris").to_dict()  # older files unchanged


def test_prepare_sets_the_grace_period_from_the_resource_and_refuses_one_past_it():
    from tuning import ContinuousParameter, IntegerParameter, TuningJobConfig, ValidationError, prepare

    base = dict(dataset="breast_cancer", algorithm="xgboost", early_stopping_type="Auto", max_jobs=2,
                hyperparameter_ranges={"eta": ContinuousParameter(0.1, 0.5)})
    assert prepare(TuningJobConfig(**base, static_hyperparameters={"num_round": 60})).min_resource == 6
    assert prepare(TuningJobConfig(**base, static_hyperparameters={"num_round": 60},
                                   early_stopping_grace_period=25)).min_resource == 25
    tuned = dict(base, hyperparameter_ranges={"num_round": IntegerParameter(40, 200)})
    assert prepare(TuningJobConfig(**tuned)).min_resource == 4  # the shortest job's resource counts
    with pytest.raises(ValidationError, match=r"grace_period is 60 boosting rounds, but a training job trains 60"):
        prepare(TuningJobConfig(**base, static_hyperparameters={"num_round": 60}, early_stopping_grace_period=60))
