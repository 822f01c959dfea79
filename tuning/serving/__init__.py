"""Serving a tuned model: its saved artifacts, deployment, and local endpoints.
"""
