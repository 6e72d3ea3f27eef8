"""The inspect_ai integration: tasks, solvers, scorers, model providers and log reading.

This is the only subpackage that imports inspect_ai.
"""
