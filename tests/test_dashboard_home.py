"""The dashboard's home page, run by Streamlit's AppTest against a real store file."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tuning.records import TrainingJob, TuningJob
from tuning.store.database import Store



def test_home_explains_itself_when_the_store_is_empty():
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "TuneLab"
    assert "No tuning jobs yet" in app.info[0].value


def test_home_lists_the_tuning_jobs_of_the_store():
    store = Store()  # $TUNELAB_HOME, as the app's
    store.create_tuning_job(TuningJob(
        name="shown-job", status="Completed", strategy="Bayesian", algorithm="xgboost", dataset="iris",
        objective_metric_name="validation:accuracy", objective_type="Maximize", max_jobs=3,
        max_parallel_jobs=1, config={}, created_at=time.time(), best_objective_value=0.97,
    ))
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not app.exception
    frame = app.dataframe[0].value
    assert list(frame["HyperParameterTuningJobName"]) == ["shown-job"]
    assert frame["BestObjectiveValue"].iloc[0] == pytest.approx(0.97)


def test_the_demo_button_launches_a_real_bayesian_job_on_bank_marketing():
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    app.button[0].click().run()
    assert not app.exception
    assert "Launched" in app.success[0].value
    store = Store()
    (job,) = store.list_tuning_jobs()
    assert (job.dataset, job.strategy, job.algorithm, job.max_jobs) == ("bank-marketing", "Bayesian", "xgboost", 20)
    store.request_stop(job.name)
    deadline = time.time() + 60
    while store.get_tuning_job(job.name).is_active and time.time() < deadline:
        time.sleep(0.2)
    assert store.get_tuning_job(job.name).status == "Stopped"


def test_home_lists_a_store_of_a_hundred_tuning_jobs_newest_first_with_their_progress():
    store = Store()
    now = time.time()
    for number in range(100):
        store.create_tuning_job(TuningJob(
            name=f"job-{number:03d}", status="Completed", strategy="Random", algorithm="xgboost",
            dataset="breast_cancer", objective_metric_name="validation:auc", objective_type="Maximize",
            max_jobs=20, max_parallel_jobs=2, config={}, created_at=now - 60 * number, best_objective_value=0.9,
        ))
    store.add_training_jobs([TrainingJob(tuning_job_name="job-000", index=index, name=f"job-000-{index + 1:03d}",
                                         status="Completed", hyperparameters={"eta": 0.1}, created_at=now,
                                         final_objective_value=0.9) for index in range(5)])
    app = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not app.exception
    frame = app.dataframe[0].value
    assert len(frame) == 100 and frame["HyperParameterTuningJobName"].iloc[0] == "job-000"
    assert frame["Progress"].iloc[0] == pytest.approx(5 / 20) and frame["Progress"].iloc[1] == 0
    assert any("100 tuning jobs, 0 running" in caption.value for caption in app.caption)


def test_a_worker_importing_the_dashboard_script_as_mp_main_draws_and_starts_nothing():
    """multiprocessing re-imports Streamlit's __main__ (app.py) in workers as __mp_main__."""
    probe = ("import runpy, sys; runpy.run_path('app.py', run_name='__mp_main__'); "
             "print(sorted(m for m in ('streamlit', 'views.shared', 'tuning.running.runner') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parent.parent,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
