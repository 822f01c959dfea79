"""Reading lab curves: each measured property on constructed curves, and on real small runs where the effect is real."""

from __future__ import annotations

import numpy as np
import pytest

from tuning.analysis.curve_reading import lab_tolerance, measure_curve, read_lab
from tuning.job.lab_plan import Behaviour, Expectation, plan_lab


def curve(values, start=1):
    return [(start + i, float(v)) for i, v in enumerate(values)]


STEPS = np.arange(1, 61)
SETTLES = 0.05 + 0.6 * np.exp(-STEPS / 5)  # drops, then flat at 0.05
SLOW = 0.65 - 0.009 * STEPS  # still falling at the end
PAST_BEST = 0.05 + 0.6 * np.exp(-STEPS / 3) + 0.002 * np.maximum(STEPS - 10, 0)  # best near 10, then worse
OSCILLATING = SETTLES + np.where(STEPS % 2 == 0, 0.3, 0.0) * (STEPS > 5)  # big swings after step 5
FLAT = np.full(60, 0.4) + 0.0001 * np.sin(STEPS)


def read(curves, **kwargs):
    kwargs.setdefault("higher_is_better", False)
    return read_lab("learning_rate", {value: curve(c) for value, c in curves.items()},
                    metric_name="validation:logloss", step_name="epoch", unit="epochs", **kwargs)


def test_a_curve_that_drops_and_levels_off_is_steady_and_its_shape_is_measured():
    tolerance = lab_tolerance([curve(SETTLES)], higher_is_better=False)
    shape = measure_curve(curve(SETTLES), higher_is_better=False, tolerance=tolerance)
    assert (shape.points, shape.last_step, shape.best_step) == (60, 60, 60)  # still falling, by ever less
    assert shape.learned == pytest.approx(0.6 * (np.exp(-1 / 5) - np.exp(-60 / 5)), rel=1e-6)
    assert shape.noise == 0.0  # a monotone curve has no jitter around its rolling median
    assert shape.swings == 0 and shape.lost_after_best == pytest.approx(0.0, abs=1e-9)
    assert 10 <= shape.settle_step <= 25
    alone = read({0.001: SETTLES}).reading(0.001)
    assert alone.behaviours == (Behaviour.STEADY,) and alone.label == "steady"
    assert alone.sentence == f"learning_rate 0.001: it settles by epoch {shape.settle_step}: steady."
    beside_slow = read({0.001: SETTLES, 0.0001: SLOW}).reading(0.001)  # it gets near its best long before SLOW
    assert beside_slow.behaviours == (Behaviour.SETTLES_FIRST,)
    assert f"it gets within reach of its best soonest (epoch {shape.settle_step})" in beside_slow.sentence


def test_a_curve_still_falling_at_its_end_is_slow_or_too_few_epochs_for_the_resource():
    slow = read({0.0001: SLOW, 0.001: SETTLES}).reading(0.0001)
    assert slow.behaviours[0] == Behaviour.STILL_IMPROVING
    assert "still improving at its last epoch (60)" in slow.sentence and slow.label == "slow: still learning"
    assert "worse than 0.05 at 0.001" in slow.sentence
    resource = read({0.0001: SLOW, 0.001: SETTLES}, resource=True).reading(0.0001)
    assert resource.label == "underfitting: too few epochs"


def test_big_swings_are_oscillation_and_a_curve_ending_worse_than_a_model_that_learns_nothing_diverges():
    reading = read({0.1: OSCILLATING, 0.001: SETTLES})
    swinging = reading.reading(0.1)
    assert swinging.shape.swings >= 20
    assert Behaviour.OSCILLATES in swinging.behaviours and swinging.label == "overshooting"
    assert "swings up" in swinging.sentence and "noisier than at 0.001" in swinging.sentence
    rising = 0.3 + 0.01 * STEPS  # ends at 0.9, worse than a baseline of 0.66
    diverged = read({1.0: rising, 0.001: SETTLES}, baseline=0.66).reading(1.0)
    assert diverged.behaviours[0] == Behaviour.DIVERGES and diverged.label == "overshooting: it diverges"
    assert "worse than a model that learns nothing (0.66)" in diverged.sentence
    assert read({1.0: rising, 0.001: SETTLES}).reading(1.0).behaviours[0] != Behaviour.DIVERGES  # no baseline, no swings


def test_a_validation_curve_past_its_best_says_overfitting_only_when_the_training_curve_shows_it():
    values = {0.01: PAST_BEST, 0.001: SETTLES}
    alone = read(values).reading(0.01)
    assert alone.behaviours[0] == Behaviour.PAST_BEST
    assert "validation is best at epoch" in alone.sentence and "overfit" not in alone.sentence.split(":")[1]
    assert "no training curve" in alone.label
    improving = {0.01: curve(0.6 * np.exp(-STEPS / 8))}  # training keeps falling
    overfit = read(values, training=improving).reading(0.01)
    assert overfit.behaviours[0] == Behaviour.OVERFITS and overfit.label == "overfitting"
    assert "while training keeps improving (gap " in overfit.sentence
    assert overfit.shape.gap == pytest.approx(overfit.shape.final_shortfall - 0.6 * np.exp(-60 / 8), abs=0.01)
    stalled = read(values, training={0.01: curve(PAST_BEST)}).reading(0.01)
    assert stalled.behaviours[0] == Behaviour.PAST_BEST and "training also stops improving" in stalled.sentence


def test_jitter_makes_a_curve_noisier_than_a_clean_one():
    jitter = SETTLES + np.random.default_rng(0).normal(0, 0.01, 60)
    reading = read({16: jitter, 256: SETTLES})
    noisy = reading.reading(16)
    assert Behaviour.NOISIER in noisy.behaviours and "the curve is noisier than at 256" in noisy.sentence
    assert noisy.shape.noise > 0.005 and reading.reading(256).shape.noise == 0.0
    assert Behaviour.NOISIER not in reading.reading(256).behaviours


def test_a_flat_curve_hardly_learns_and_a_failed_job_is_said_to_have_failed():
    reading = read({10.0: FLAT, 0.1: SETTLES, 1.0: SETTLES[:3]}, failures={1.0: "FloatingPointError: diverged"})
    assert reading.reading(10.0).behaviours[0] == Behaviour.HARDLY_LEARNS
    assert "it hardly moves (0.4001 to " in reading.reading(10.0).sentence
    failed = reading.reading(1.0)
    assert failed.behaviours == (Behaviour.FAILED,)
    assert failed.sentence == "learning_rate 1: training failed after 3 epochs (FloatingPointError: diverged): diverged."
    assert "failed: 1" in reading.comparison


def test_the_direction_of_the_metric_matters_an_accuracy_rising_is_learning():
    loss = read({0.0001: SLOW, 0.001: SETTLES})
    accuracy = read({0.0001: 1 - SLOW, 0.001: 1 - SETTLES}, higher_is_better=True)
    assert [r.behaviours for r in accuracy.readings] == [r.behaviours for r in loss.readings]
    assert accuracy.comparison.startswith("Best final validation logloss: learning_rate 0.001 (0.95)")
    upside_down = read({0.0001: 1 - SLOW, 0.001: 1 - SETTLES})  # the same numbers read as a loss
    assert upside_down.reading(0.0001).behaviours[0] != Behaviour.STILL_IMPROVING


def test_training_times_name_the_slowest_value_and_the_comparison_quotes_them():
    reading = read({16: SETTLES, 256: SETTLES}, seconds={16: 6.0, 256: 1.5})
    assert Behaviour.SLOWEST in reading.reading(16).behaviours
    assert "it takes the longest to train (6.0 s against 1.5 s at 256)" in reading.reading(16).sentence
    assert "quickest to train: 256 (1.5 s), slowest: 16 (6.0 s)" in reading.comparison
    close = read({16: SETTLES, 256: SETTLES}, seconds={16: 2.0, 256: 1.5})
    assert Behaviour.SLOWEST not in close.reading(16).behaviours and "quickest" not in close.comparison


def test_an_expectation_is_checked_against_the_reading_and_can_fail():
    reading = read({0.0001: SLOW, 0.001: SETTLES, 1.0: OSCILLATING})
    high = Expectation("highest", (Behaviour.OSCILLATES, Behaviour.DIVERGES), "a high learning rate overshoots")
    low = Expectation("lowest", (Behaviour.STILL_IMPROVING,), "a low learning rate is slow")
    assert high.check(reading) == (True, "As the course says: a high learning rate overshoots; here learning_rate 1 "
                                         "was read as: oscillates, noisier.")
    assert low.check(reading)[0] is True
    calm = read({0.0001: SETTLES, 0.001: SETTLES, 1.0: SETTLES})
    held, sentence = high.check(calm)
    assert held is False and sentence.startswith("Not as the course says: a high learning rate overshoots; "
                                                 "here learning_rate 1 was read as: steady")
    stable = Expectation("highest", (Behaviour.OSCILLATES,), "it stays stable", absent=True)
    assert stable.check(calm)[0] is True and stable.check(reading)[0] is False


# -- Real runs --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_lab(tmp_path_factory):
    """MLP learning_rate 0.001, 0.01 and 1.0 on breast_cancer, 40 epochs: a real, small Grid lab."""
    from tuning import Store
    from tuning.running.lab import launch_lab, read_lab_job

    store = Store(tmp_path_factory.mktemp("lab") / "tunelab.db")
    plan = plan_lab("mlp", "breast_cancer", "learning_rate", [0.001, 0.01, 1.0], static={"epochs": 40},
                    objective_metric_name="validation:logloss", name="real-lab")
    launch_lab(plan, store).wait(240)
    run = read_lab_job(store, store.get_tuning_job("real-lab"))
    yield run
    store.dispose()


def test_a_real_run_learning_rate_1_overshoots_and_0_001_does_not(real_lab):
    assert real_lab.values == (0.001, 0.01, 1.0)
    assert {t.status for t in real_lab.by_value.values()} == {"Completed"}
    high, low = real_lab.reading.reading(1.0), real_lab.reading.reading(0.001)
    assert high.behaviours[0] in (Behaviour.DIVERGES, Behaviour.OSCILLATES), high.sentence
    assert high.sentence.startswith("learning_rate 1: the validation logloss swings up ")
    assert high.shape.final > 0.5 > low.shape.final  # worse than predicting the class mix, against a good model
    assert not {Behaviour.DIVERGES, Behaviour.OSCILLATES} & set(low.behaviours), low.sentence
    assert real_lab.reading.comparison.startswith("Best final validation logloss: learning_rate 0.001 (")


def test_a_real_curve_past_its_best_reads_as_overfitting_once_a_training_curve_keeps_improving(real_lab):
    validation = real_lab.by_value[0.01].intermediate_values  # best within a few epochs, then worse
    alone = read_lab("learning_rate", {0.01: validation}, higher_is_better=False, step_name="epoch")
    assert alone.readings[0].behaviours[0] == Behaviour.PAST_BEST, alone.readings[0].sentence
    training = [(step, 0.3 * 0.9 ** step) for step, _ in validation]  # constructed: training keeps falling
    both = read_lab("learning_rate", {0.01: validation}, training={0.01: training}, higher_is_better=False,
                    step_name="epoch")
    assert both.readings[0].behaviours[0] == Behaviour.OVERFITS and both.readings[0].label == "overfitting"
