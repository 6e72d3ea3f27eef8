"""Simulated models of each hypothesis: they read only the conversation and write responses."""
