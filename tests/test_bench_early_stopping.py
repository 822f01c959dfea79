"""The early-stopping price benchmark's table, on one tiny pair and one seed (not timed).

``bench/bench_early_stopping.py`` runs each (dataset, algorithm) pair with early stopping
Off and Auto through ``run_tuning_job``. Here one small pair runs once: the table must have
its header and one row with every column, and the resource share it prints must be what the
store's own training-job records say Auto and Off trained.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import bench_early_stopping as bench  # noqa: E402
import early_stopping_whatif as whatif  # noqa: E402
from tuning import Store  # noqa: E402
from tuning.algorithms import get_algorithm  # noqa: E402
from tuning.records import TrainingJob  # noqa: E402


def test_every_bundled_pair_has_a_resource_and_a_default_objective():
    pairs = bench.bundled_pairs()
    labels = {p.label for p in pairs}
    assert {"bank-marketing:xgboost", "california-housing:mlp", "iris:linear-learner",
            "diabetes:random-forest"} <= labels
    assert all(get_algorithm(p.algorithm).resource is not None for p in pairs)
    assert "iris:knn" not in labels  # k-NN trains once: nothing to stop
    assert bench.bundled_pairs(["wine:xgboost"]) == [p for p in pairs if p.label == "wine:xgboost"]


def test_one_tiny_pair_gives_a_row_whose_resource_share_is_the_stores(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/store.db", artifact_dir=tmp_path / "artifacts")
    pair = bench.Pair("breast_cancer", "mlp", "validation:auc", resource=8)
    result = bench.run_pair(store, pair, [1], jobs=8, parallel=2, strategy="Random")

    trained = {}
    for job in store.list_tuning_jobs():
        trainings = store.training_jobs(job.name)
        assert len(trainings) == 8
        trained[job.config["EarlyStoppingType"]] = sum(t.intermediate_values[-1][0] for t in trainings)
    store.dispose()
    assert trained["Off"] == 8 * 8  # Off trains every job in full
    assert result.used_share == trained["Auto"] / trained["Off"]
    assert (result.off[0].used, result.auto[0].used) == (trained["Off"], trained["Auto"])
    worse = result.off_best - result.auto_best  # validation:auc is maximised
    assert result.cost == worse / result.off_best

    lines = bench.table_lines([result])
    header, rule, row = lines[:3]
    assert header.strip("| ").split(" | ") == list(bench.COLUMNS)
    cells = row.strip("| ").split(" | ")
    assert len(cells) == len(bench.COLUMNS) == rule.count("---")
    assert cells[:3] == ["breast_cancer", "mlp", "validation:auc"]
    assert cells[6].startswith(f"{result.used_share:.0%} ({trained['Auto']:,} of 64 epochs)")
    assert cells[-1] == ("yes" if result.holds else "**no**")
    assert lines[-1].startswith("Target") and f"on {int(result.holds)} of 1 pairs" in lines[-1]

    # The same table rebuilt from the store alone (--from-stores): the same pair, bests and resource.
    (again,) = bench.results_from_stores([tmp_path / "store.db"])
    assert again.pair == pair and again.higher_is_better
    assert [(r.best, r.used, r.stopped) for r in again.off + again.auto] == [
        (r.best, r.used, r.stopped) for r in result.off + result.auto]


def _finished(index: int, curve: list[float], seconds_a_step: float = 1.0) -> TrainingJob:
    """A completed training job with this curve, one value a step."""
    return TrainingJob("t", index, f"t-{index}", "Completed", {}, 0.0, start_time=0.0,
                       end_time=seconds_a_step * len(curve), final_objective_value=curve[-1],
                       intermediate_values=list(enumerate(curve, start=1)))


def test_the_replay_judges_a_job_against_the_earlier_curves_as_far_as_they_had_got():
    good = [0.5 + 0.04 * s for s in range(10)]  # climbs to 0.86
    weak = [0.3 + 0.01 * s for s in range(10)]  # ends at 0.39, below every earlier running average
    jobs = [_finished(i, good, 2.0 if i == 4 else 1.0) for i in range(5)] + [_finished(5, weak), _finished(6, good)]
    # One worker: the weak job has 5 earlier curves at every step; it is stopped at the grace period.
    used, best = whatif.replay(jobs, parallel=1, maximize=True, min_earlier_jobs=5, grace=3)
    assert used == 6 * 10 + 3
    assert best == good[-1]  # the best completed job's final value
    # With 6 earlier jobs needed, nothing is judged: every job trains in full.
    assert whatif.replay(jobs, parallel=1, maximize=True, min_earlier_jobs=6, grace=3) == (70, good[-1])
    # Two workers: the weak job starts with job 4, which takes 2 s a step to its 1 s, so at each of its
    # steps only 4 earlier curves have got that far (fewer than 5): it is never judged, as on the board.
    assert whatif.replay(jobs, parallel=2, maximize=True, min_earlier_jobs=5, grace=3) == (70, good[-1])
    # Minimised, the weak job is the one to keep and the best; job 6 is the one stopped at the grace period
    # (its value, climbing, is above the earlier jobs' running averages, which lag behind it).
    used_min, best_min = whatif.replay(jobs, parallel=1, maximize=False, min_earlier_jobs=5, grace=3)
    assert (used_min, best_min) == (6 * 10 + 3, weak[-1])
