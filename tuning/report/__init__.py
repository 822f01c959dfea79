"""A tuning job as one self-contained HTML file, to hand in, mail or open offline years later.

>>> from tuning.report import write_report
>>> write_report(store, "bank-bayes", "bank-bayes-report.html")  # doctest: +SKIP
>>> write_report(store, ["bank-random", "bank-bayes"], "race.html")  # a group, curves overlaid  # doctest: +SKIP

The file holds the configuration (TuneLab's JSON and SageMaker's CreateHyperParameterTuningJob
request), the table of training jobs, every chart the Results page draws, the compute used
and saved, the baseline beside the best score, the search-space lint and, for a job with a
test split, the generalisation check on the models kept on disk (a report never retrains).
``python -m tuning report NAME [NAME ...] -o FILE.html`` and the Results page's download
button write it.
"""

from __future__ import annotations

from tuning.report._report import Report, build_report, report_html, write_report

__all__ = ["Report", "build_report", "report_html", "write_report"]
