"""Reading finished work honestly: baselines, compute used and saved, stopped values, seeds, which hyperparameters mattered.

Pure functions over records: nothing here runs a training job or writes the store.
"""
