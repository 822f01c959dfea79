"""The SageMaker face: the Python SDK's tuner and estimators, its JSON, and code for AWS.

What a student writes for SageMaker runs here through these modules, and what runs here
can be written out for SageMaker.
"""
