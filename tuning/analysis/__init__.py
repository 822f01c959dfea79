"""Reading finished work honestly: baselines, compute used and saved, stopped values, seeds, which hyperparameters mattered.

Pure functions over records: nothing here runs a training job or writes the store, except
:mod:`~tuning.analysis.holdout`, the generalisation check, which retrains the best training
jobs on demand (through Deploy's retraining) to score them on the test split.
"""
