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
from tuning import Store  # noqa: E402
from tuning.algorithms import get_algorithm  # noqa: E402


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
