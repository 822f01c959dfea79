"""A tuning job as the user defines it, and the gate it passes before it runs.

Configuration (:mod:`~tuning.job.config`), its parts in AMT's names (completion criteria,
early stopping, warm start), the ranges editor's table, and :func:`~tuning.job.preparation.prepare`,
which checks a configuration against its data and algorithm. Nothing here runs a training job.
"""
