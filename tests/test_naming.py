"""Names made up for jobs a user did not name are new in the store, and within AMT's 32 characters."""

from __future__ import annotations

from unittest import mock

from tuning.job.naming import stamped_name
from tuning.job.config import check_tuning_job_name
from tuning.sagemaker.estimators import LinearLearner


def test_a_taken_stamp_gets_a_counter_and_still_fits_32_characters():
    taken: set[str] = set()
    with mock.patch("tuning.job.naming.time.strftime", return_value="261202-020906"):
        for _ in range(12):
            name = stamped_name("a-very-long-base-name-of-an-algorithm", taken.__contains__)
            assert name not in taken and len(name) <= 32
            check_tuning_job_name(name)
            taken.add(name)
    assert "a-very-long-base-name-261202-020906" not in taken  # 35 characters: the base is cut
    assert len(taken) == 12 and any(name.endswith("-12") for name in taken)


def test_two_unnamed_fits_in_the_same_second_get_two_names(store):
    """A notebook cell fitting twice within a second used to fail: the second name was taken."""
    with mock.patch("tuning.job.naming.time.strftime", return_value="261202-020906"):
        first, second = LinearLearner(role="r", predictor_type="regressor"), LinearLearner(role="r", predictor_type="regressor")
        first.fit({"train": "diabetes"}, store=store)
        second.fit({"train": "diabetes"}, store=store)
    names = [job.name for job in store.list_tuning_jobs()]
    assert sorted(names) == ["linear-learner-261202-020906", "linear-learner-261202-020906-2"]
