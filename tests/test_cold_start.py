"""A fresh process pays only for what it uses: the laziness behind TuneLab's cold start.

Behaviour, not speed (bench/bench_cold_start.py times it): ``import tuning`` imports none of
the heavy libraries yet every public name still imports; ``python -m tuning list`` prints a
real store's jobs without scikit-learn or Optuna; a tuning job's own process never imports
skops (a worker writes the feature encoder) and the encoder it saves still loads and
predicts; and the workers' forkserver is already starting when the job is prepared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sklearn", "optuna", "pandas", "plotly", "scipy", "xgboost", "skops", "sqlalchemy", "dask", "streamlit")


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, *args, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return result


def _imported(code: str) -> set[str]:
    """The top-level packages of :data:`HEAVY` that a fresh process running ``code`` has imported."""
    shown = _python(f"{code}\nimport sys, json\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))")
    return set(json.loads(shown.stdout.splitlines()[-1])) & set(HEAVY)


def test_import_tuning_imports_no_heavy_library():
    assert _imported("import tuning") == set()


def test_every_public_name_still_imports_and_is_its_home_modules_object():
    shown = _python(
        "import importlib, json, tuning\n"
        "from tuning import *\n"
        "names = {name: globals()[name] is getattr(importlib.import_module(tuning._HOMES[name]), name)"
        " for name in tuning.__all__}\n"
        "print(json.dumps([sorted(names), all(names.values()), sorted(set(tuning.__all__) - set(dir(tuning)))]))"
    )
    names, same, missing_from_dir = json.loads(shown.stdout)
    assert len(names) == 31 and {"Store", "run_tuning_job", "HyperparameterTuner", "load_predictor"} <= set(names)
    assert same and missing_from_dir == []


def test_an_unknown_name_is_an_attribute_error_and_from_import_works_in_process():
    import tuning
    from tuning import ContinuousParameter, Store
    from tuning.parameters import ContinuousParameter as HomeParameter
    from tuning.store.database import Store as HomeStore

    assert Store is HomeStore and ContinuousParameter is HomeParameter
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        tuning.NoSuchThing  # noqa: B018
    with pytest.raises(ImportError, match="cannot import name 'NoSuchThing'"):
        exec("from tuning import NoSuchThing", {})


@pytest.fixture(scope="module")
def listed_store(tmp_path_factory):
    """A real store file holding two finished tuning jobs, made through the public API."""
    from tuning import Store, TuningJobConfig, run_tuning_job

    folder = tmp_path_factory.mktemp("listed")
    store = Store(folder / "tunelab.db")
    for name in ("listed-knn", "listed-knn-again"):
        run_tuning_job(TuningJobConfig(dataset="iris", algorithm="knn", strategy="Random", max_jobs=2,
                                       max_parallel_jobs=1, random_seed=1, name=name), store)
    store.dispose()
    return folder / "tunelab.db"


def test_python_m_tuning_list_prints_the_stores_jobs(listed_store):
    result = subprocess.run([sys.executable, "-m", "tuning", "--store", str(listed_store), "list"],
                            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            timeout=300)
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0][:2] == ["HyperParameterTuningJobName", "Status"]
    assert sorted(row[:2] for row in rows[1:]) == [["listed-knn", "Completed"], ["listed-knn-again", "Completed"]]


def test_list_imports_neither_scikit_learn_nor_optuna(listed_store):
    imported = _imported(f"from tuning.cli import main\nassert main(['--store', {str(listed_store)!r}, 'list']) == 0")
    assert imported == {"sqlalchemy"}  # the store: what listing needs (the table is plain text)


def test_a_tuning_jobs_process_never_imports_skops_and_its_encoder_still_loads(tmp_path):
    """The worker makes ``encoding.skops``'s bytes; the file it makes predicts like the model's own encoder."""
    (tmp_path / "job.json").write_text(json.dumps({
        "Dataset": "iris", "Algorithm": "knn", "Strategy": "Random", "RandomSeed": 2,
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1}}))
    store_path = tmp_path / "run.db"
    imported = _imported(f"from tuning.cli import main\nassert main(['--store', {str(store_path)!r}, 'run', "
                         f"{str(tmp_path / 'job.json')!r}, '--quiet', '--name', 'encoded']) == 0")
    assert "skops" not in imported and "sklearn" in imported

    from tuning import Store, load_predictor
    from tuning.datasets import load_dataset

    store = Store(store_path)
    predictor = load_predictor(store, "encoded")  # reads encoding.skops through TuneLab's trusted loader
    iris = load_dataset("iris")
    predicted = predictor.predict(iris.features)
    assert (predicted == iris.target.to_numpy()).mean() > 0.8  # the saved encoder feeds the model what it learnt on
    store.dispose()


def test_the_workers_forkserver_is_starting_before_the_job_is_prepared(tmp_path):
    """``run_tuning_job`` starts the forkserver first, so its imports overlap the checks and the data reading."""
    shown = _python(
        "import multiprocessing.forkserver as mp\n"
        "import tuning.running.runner as runner\n"
        "from tuning import Store, TuningJobConfig\n"
        "seen = []\n"
        "real = runner.prepare\n"
        "def prepare(config, store=None):\n"
        "    seen.append(mp._forkserver._forkserver_pid is not None)\n"
        "    return real(config, store=store)\n"
        "runner.prepare = prepare\n"
        "if __name__ == '__main__':\n"
        f"    store = Store({str(tmp_path / 'early.db')!r})\n"
        "    job = runner.run_tuning_job(TuningJobConfig(dataset='iris', algorithm='knn', strategy='Random',"
        " max_jobs=1, random_seed=1), store)\n"
        "    print(seen, job.status)\n"
    )
    assert shown.stdout.split()[-2:] == ["[True]", "Completed"]
