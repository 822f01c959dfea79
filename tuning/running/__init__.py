"""Running tuning jobs: the loop, the worker processes, the training board, resume.

The runner is the store's one writer for a tuning job; workers train, the board carries
their reports and stop requests, a Dask cluster can stand in for the local pool.
"""
